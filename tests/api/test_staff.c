/*
 * GET /api/v1/staff: a court admin lists the staff accounts of their own
 * court (the ids the admin needs for teams and judges' relationships),
 * filtered by role, without personal data; a newly created account appears;
 * other courts' staff and parties never do; other roles are refused and the
 * refusal is recorded; a bad role filter is named by its field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <string.h>

static struct yz_test_server srv;
/* Staff log in once: a TOTP code works once per 30 s step. */
static struct yzt_client admin = {.srv = &srv}, admin_jb = {.srv = &srv}, judge = {.srv = &srv},
                         party = {.srv = &srv};

#define DENIALS_SQL                                                                                \
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'"

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&admin, "court_admin");
    yzt_demo_login(&admin_jb, "court_admin_jb");
    yzt_demo_login(&judge, "judge");
    yzt_demo_login(&party, "13800000001");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* The item of a staff list with this username, or NULL. */
static json_t *by_username(json_t *list, const char *username)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(list, "items"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "username")), username) == 0)
            return it;
    }
    return NULL;
}

static void the_admin_lists_their_courts_staff(void **state)
{
    struct yzt_response r = {0};
    yzt_request(&admin, "GET", "/api/v1/staff", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "court_id"), yzt_court_id(&party, "渝0103"));
    json_t *j = by_username(r.json, "judge");
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "郑法官");
    assert_string_equal(json_string_value(json_object_get(j, "role")), "judge");
    assert_string_equal(json_string_value(json_object_get(j, "role_title")), "法官");
    assert_string_equal(json_string_value(json_object_get(j, "status")), "active");
    assert_null(json_object_get(j, "phone"));
    assert_non_null(by_username(r.json, "court_admin"));
    /* Another court's staff, the supervisor of the court above and parties are not listed. */
    assert_null(by_username(r.json, "filing_clerk_jb"));
    assert_null(by_username(r.json, "court_admin_jb"));
    assert_null(by_username(r.json, "supervisor"));
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        assert_string_not_equal(json_string_value(json_object_get(it, "role")), "party");
        assert_string_not_equal(json_string_value(json_object_get(it, "role")), "mediator");
    }
    yzt_response_free(&r);

    /* The other court's admin sees the other court. */
    yzt_request(&admin_jb, "GET", "/api/v1/staff", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(by_username(r.json, "filing_clerk_jb"));
    assert_null(by_username(r.json, "judge"));
    yzt_response_free(&r);
}

static void the_role_filter_lists_one_role(void **state)
{
    struct yzt_response r = {0};
    yzt_request(&admin, "GET", "/api/v1/staff?role=judge", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 5); /* judge, judge2 .. judge5 */
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
        assert_string_equal(json_string_value(json_object_get(it, "role")), "judge");
    yzt_response_free(&r);

    yzt_request(&admin, "GET", "/api/v1/staff?role=party", NULL, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "query/role");
    yzt_response_free(&r);
    yzt_request(&admin, "GET", "/api/v1/staff?role=judge&court_id=1", NULL, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_response_free(&r);
}

static void a_created_account_is_listed(void **state)
{
    struct yzt_response r = {0};
    yzt_post_new(&admin, "/api/v1/staff",
                 json_pack("{ss ss ss sI ss}", "username", "judge_new", "name", "新法官", "role",
                           "judge", "court_id", (json_int_t)yzt_court_id(&party, "渝0103"),
                           "password", "Long-Enough-Passw0rd"),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    yzt_request(&admin, "GET", "/api/v1/staff?role=judge", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *j = by_username(r.json, "judge_new");
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "新法官");
    yzt_response_free(&r);
}

static void other_roles_are_refused_and_recorded(void **state)
{
    struct yzt_response r = {0};
    int64_t denials = yzt_db_count(&srv, DENIALS_SQL);
    yzt_request(&judge, "GET", "/api/v1/staff", NULL, NULL, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
    yzt_request(&party, "GET", "/api/v1/staff", NULL, NULL, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
    assert_true(yzt_db_count(&srv, DENIALS_SQL) >= denials + 2);
    struct yzt_client anonymous = {.srv = &srv};
    yzt_request(&anonymous, "GET", "/api/v1/staff", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_admin_lists_their_courts_staff),
        cmocka_unit_test(the_role_filter_lists_one_role),
        cmocka_unit_test(a_created_account_is_listed),
        cmocka_unit_test(other_roles_are_refused_and_recorded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
