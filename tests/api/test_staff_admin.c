/*
 * A court admin maintains the court's staff accounts: edits the name and role
 * (PATCH /staff/{id}), disables and re-enables an account, resets its TOTP
 * enrolment. A disabled account's live cookie session and bearer token stop
 * working at once and stay dead after re-enabling; it cannot log in. Each
 * change is an event with who and why. Separation of duties: no change
 * between the admin role and a case-handling role, no change of one's own
 * role or status, no role change of a team member. Another court's, a
 * party's, a supervisor's or a missing account answer 404 alike (recorded).
 * Bad input names each bad field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_test_server srv;
static struct yzt_client admin = {.srv = &srv}, admin_jb = {.srv = &srv}, party = {.srv = &srv};
static int64_t court;

#define DENIALS_SQL                                                                                \
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'"

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&admin, "court_admin");
    yzt_demo_login(&admin_jb, "court_admin_jb");
    yzt_demo_login(&party, "13800000001");
    court = yzt_court_id(&party, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* A new staff account of 渝0103 with the demo password; its id. */
static int64_t new_staff(const char *username, const char *role)
{
    struct yzt_response r = {0};
    yzt_post_new(&admin, "/api/v1/staff",
                 json_pack("{ss ss ss sI ss}", "username", username, "name", "测试人员", "role",
                           role, "court_id", (json_int_t)court, "password", YZT_DEMO_PASSWORD),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

/* The id of a demo account by its work account (from the admin's list). */
static int64_t staff_id(struct yzt_client *c, const char *username)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", "/api/v1/staff", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    int64_t id = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "username")), username) == 0)
            id = json_integer_value(json_object_get(it, "id"));
    }
    yzt_response_free(&r);
    assert_true(id > 0);
    return id;
}

static void totp_code(const char *username, char code[16])
{
    char out[64];
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    const char *const args[] = {"user", "code", username, "--dir", srv.dir, "--data", data, NULL};
    assert_int_equal(yzt_run_cli(args, out, sizeof out), 0);
    out[strcspn(out, "\r\n")] = '\0';
    assert_true(strlen(out) < 16);
    memcpy(code, out, strlen(out) + 1);
}

static void send(struct yzt_client *c, const char *method, const char *path, json_t *body,
                 struct yzt_response *r)
{
    yzt_request_json(c, method, path, body, NULL, r);
}

static void path_of(char *out, size_t size, int64_t id, const char *suffix)
{
    snprintf(out, size, "/api/v1/staff/%lld%s", (long long)id, suffix);
}

static int64_t events_of(int64_t id, const char *type)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE stream = 'user/%lld' AND type = '%s'",
             (long long)id, type);
    return yzt_db_count(&srv, sql);
}

static void the_admin_edits_name_and_role_with_a_reason(void **state)
{
    int64_t id = new_staff("svc_edit", "service_officer");
    char path[64];
    path_of(path, sizeof path, id, "");
    struct yzt_response r = {0};
    send(&admin, "PATCH", path,
         json_pack("{ss ss ss}", "name", "褚新名", "role", "petition_officer", "reason",
                   "岗位调整，改任信访接待"),
         &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "name"), "褚新名");
    assert_string_equal(yzt_json_str(&r, "role"), "petition_officer");
    assert_string_equal(yzt_json_str(&r, "role_title"), "信访接待员");
    yzt_response_free(&r);
    assert_int_equal(events_of(id, "account.updated"), 1);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE stream = 'user/%lld' AND type = 'account.updated'"
             " AND json_extract(payload, '$.reason') = '岗位调整，改任信访接待'"
             " AND json_extract(payload, '$.changes.role.from') = 'service_officer'"
             " AND json_extract(payload, '$.changes.role.to') = 'petition_officer'"
             " AND actor_id = %lld",
             (long long)id, (long long)staff_id(&admin, "court_admin"));
    assert_int_equal(yzt_db_count(&srv, sql), 1);
    /* The list shows it; the same values again record nothing. */
    send(&admin, "PATCH", path, json_pack("{ss}", "name", "褚新名"), &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    assert_int_equal(events_of(id, "account.updated"), 1);
}

static void bad_input_names_each_field(void **state)
{
    int64_t id = staff_id(&admin, "clerk");
    char path[64];
    path_of(path, sizeof path, id, "");
    struct yzt_response r = {0};
    send(&admin, "PATCH", path,
         json_pack("{ss ss ss}", "name", "", "role", "supervisor", "reason", "x"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "name");
    yzt_assert_field_error(&r, "role");
    yzt_assert_field_error(&r, "reason");
    yzt_response_free(&r);
    send(&admin, "PATCH", path, json_pack("{ss ss}", "role", "party", "status", "active"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "role");
    yzt_assert_field_error(&r, "status");
    yzt_response_free(&r);
    path_of(path, sizeof path, id, "/disable");
    send(&admin, "POST", path, json_object(), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "reason");
    assert_non_null(strstr(r.body, "停用原因"));
    yzt_response_free(&r);
    send(&admin, "PATCH", "/api/v1/staff/abc", json_object(), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "path/id");
    yzt_response_free(&r);
}

static void separation_of_duties_limits_role_changes(void **state)
{
    struct yzt_response r = {0};
    char path[64];
    /* A case-handling account never becomes an admin account ... */
    int64_t judge = new_staff("judge_sep", "judge");
    path_of(path, sizeof path, judge, "");
    send(&admin, "PATCH", path, json_pack("{ss}", "role", "court_admin"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "role");
    assert_non_null(strstr(r.body, "separation_of_duties"));
    yzt_response_free(&r);
    /* ... nor an admin account a case-handling one. */
    int64_t admin2 = new_staff("admin_sep", "court_admin");
    path_of(path, sizeof path, admin2, "");
    send(&admin, "PATCH", path, json_pack("{ss}", "role", "judge"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    assert_non_null(strstr(r.body, "separation_of_duties"));
    yzt_response_free(&r);
    /* One's own role stays. */
    path_of(path, sizeof path, staff_id(&admin, "court_admin"), "");
    send(&admin, "PATCH", path, json_pack("{ss}", "role", "filing_clerk"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "role");
    yzt_response_free(&r);
    /* A team member (郑法官 is in 民事审判一组) keeps the role the team took them in. */
    path_of(path, sizeof path, staff_id(&admin, "judge"), "");
    send(&admin, "PATCH", path, json_pack("{ss}", "role", "assistant"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    assert_non_null(strstr(r.body, "team_member"));
    yzt_response_free(&r);
    /* A judge without a team or cases may become an assistant. */
    path_of(path, sizeof path, judge, "");
    send(&admin, "PATCH", path, json_pack("{ss}", "role", "assistant"), &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    assert_int_equal(events_of(judge, "account.updated"), 1);
    assert_int_equal(events_of(admin2, "account.updated"), 0);
}

static void an_admin_cannot_disable_or_reset_themself(void **state)
{
    int64_t me = staff_id(&admin, "court_admin");
    char path[64];
    struct yzt_response r = {0};
    path_of(path, sizeof path, me, "/disable");
    send(&admin, "POST", path, json_pack("{ss}", "reason", "测试停用本人"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "id");
    yzt_response_free(&r);
    path_of(path, sizeof path, me, "/totp-reset");
    send(&admin, "POST", path, json_object(), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "id");
    yzt_response_free(&r);
    yzt_request(&admin, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    assert_int_equal(events_of(me, "account.disabled"), 0);
}

static void foreign_and_missing_accounts_answer_404(void **state)
{
    int64_t theirs = staff_id(&admin_jb, "filing_clerk_jb");
    struct yzt_response r = {0};
    yzt_request(&party, "GET", "/api/v1/me", NULL, NULL, &r);
    int64_t party_id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    int64_t ids[] = {theirs, party_id, 999999};
    int64_t denials = yzt_db_count(&srv, DENIALS_SQL);
    char path[64];
    for (size_t i = 0; i < 3; i++) {
        path_of(path, sizeof path, ids[i], "");
        send(&admin, "PATCH", path, json_pack("{ss}", "name", "改名"), &r);
        yzt_assert_problem(&r, 404, "not_found");
        yzt_response_free(&r);
        path_of(path, sizeof path, ids[i], "/disable");
        send(&admin, "POST", path, json_pack("{ss}", "reason", "越权停用"), &r);
        yzt_assert_problem(&r, 404, "not_found");
        yzt_response_free(&r);
        path_of(path, sizeof path, ids[i], "/totp-reset");
        send(&admin, "POST", path, json_object(), &r);
        yzt_assert_problem(&r, 404, "not_found");
        yzt_response_free(&r);
    }
    /* The two existing foreign accounts were recorded, three routes each. */
    assert_true(yzt_db_count(&srv, DENIALS_SQL) >= denials + 6);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE id = %lld AND status = 'active'",
             (long long)theirs);
    assert_int_equal(yzt_db_count(&srv, sql), 1);
    /* Other roles are refused by the route. */
    path_of(path, sizeof path, theirs, "/disable");
    send(&party, "POST", path, json_pack("{ss}", "reason", "越权停用"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
}

/* POST /session with a bearer token; the token. */
static void bearer_login(const char *username, struct yzt_client *c)
{
    char code[16];
    totp_code(username, code);
    struct yzt_response r = {0};
    yzt_request_json(c, "POST", "/api/v1/session",
                     json_pack("{ss ss ss ss}", "login", username, "password", YZT_DEMO_PASSWORD,
                               "totp", code, "token_type", "bearer"),
                     NULL, &r);
    yzt_assert_status(&r, 200);
    snprintf(c->bearer, sizeof c->bearer, "%s", yzt_json_str(&r, "token"));
    yzt_response_free(&r);
}

static void a_disabled_account_loses_its_sessions_and_cannot_log_in(void **state)
{
    int64_t cookie_id = new_staff("clerk_off", "clerk");
    int64_t bearer_id = new_staff("svc_off", "service_officer");
    struct yzt_client cookie = {.srv = &srv}, bearer = {.srv = &srv};
    yzt_demo_login(&cookie, "clerk_off");
    bearer_login("svc_off", &bearer);
    struct yzt_response r = {0};
    /* Both work, and are in the session cache now. */
    for (int i = 0; i < 2; i++) {
        yzt_request(&cookie, "GET", "/api/v1/me", NULL, NULL, &r);
        yzt_assert_status(&r, 200);
        yzt_response_free(&r);
        yzt_request(&bearer, "GET", "/api/v1/me", NULL, NULL, &r);
        yzt_assert_status(&r, 200);
        yzt_response_free(&r);
    }
    char path[64];
    int64_t ids[] = {cookie_id, bearer_id};
    for (int i = 0; i < 2; i++) {
        path_of(path, sizeof path, ids[i], "/disable");
        send(&admin, "POST", path, json_pack("{ss}", "reason", "调离本院"), &r);
        yzt_assert_status(&r, 200);
        assert_string_equal(yzt_json_str(&r, "status"), "disabled");
        yzt_response_free(&r);
    }
    yzt_request(&cookie, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);
    yzt_request(&bearer, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE stream = 'user/%lld' AND type = 'account.disabled'"
             " AND json_extract(payload, '$.reason') = '调离本院'"
             " AND json_extract(payload, '$.sessions_revoked') = 1",
             (long long)cookie_id);
    assert_int_equal(yzt_db_count(&srv, sql), 1);

    /* The right password and code no longer open a session. */
    char code[16];
    totp_code("clerk_off", code);
    yzt_request_json(&cookie, "POST", "/api/v1/session",
                     json_pack("{ss ss ss}", "login", "clerk_off", "password", YZT_DEMO_PASSWORD,
                               "totp", code),
                     NULL, &r);
    yzt_assert_problem(&r, 401, "login_failed");
    yzt_response_free(&r);

    /* Enabled again: the old session stays dead; a new login works (after a
     * TOTP reset here, because the code of this 30 s step was used). */
    path_of(path, sizeof path, cookie_id, "/enable");
    send(&admin, "POST", path, json_pack("{ss}", "reason", "返回本院"), &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "status"), "active");
    yzt_response_free(&r);
    assert_int_equal(events_of(cookie_id, "account.enabled"), 1);
    yzt_request(&cookie, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);
}

static void a_totp_reset_needs_the_new_secret(void **state)
{
    new_staff("clerk_totp", "clerk");
    int64_t id = staff_id(&admin, "clerk_totp");
    struct yzt_client member = {.srv = &srv};
    yzt_demo_login(&member, "clerk_totp");
    char old_code[16];
    totp_code("clerk_totp", old_code);
    char path[64];
    path_of(path, sizeof path, id, "/totp-reset");
    struct yzt_response r = {0};
    send(&admin, "POST", path, json_pack("{ss}", "reason", "手机遗失"), &r);
    yzt_assert_status(&r, 200);
    const char *secret = yzt_json_str(&r, "totp_secret");
    assert_int_equal(strlen(secret), 32);
    assert_non_null(strstr(yzt_json_str(&r, "totp_uri"), "otpauth://totp/"));
    yzt_response_free(&r);
    assert_int_equal(events_of(id, "account.totp_reset"), 1);
    /* The live session ended; the old authenticator's code no longer works. */
    yzt_request(&member, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);
    char new_code[16];
    totp_code("clerk_totp", new_code);
    if (strcmp(old_code, new_code) != 0) {
        yzt_request_json(&member, "POST", "/api/v1/session",
                         json_pack("{ss ss ss}", "login", "clerk_totp", "password",
                                   YZT_DEMO_PASSWORD, "totp", old_code),
                         NULL, &r);
        yzt_assert_problem(&r, 401, "login_failed");
        yzt_response_free(&r);
    }
    /* The new secret (the step counter was reset with it) opens a session. */
    yzt_login(&member, "clerk_totp", YZT_DEMO_PASSWORD, new_code);
    yzt_request(&member, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_true(yzt_json_bool(&r, "totp_enabled"));
    yzt_response_free(&r);
}

static void a_second_admin_disables_the_first_but_not_themself(void **state)
{
    /* A second admin of the court disables the first; the one left cannot
     * disable themself, so the court keeps an active admin. (The separate
     * last-admin check in the transaction only matters for two admins
     * disabling each other at once, which a test cannot order.) */
    int64_t second = new_staff("admin_two", "court_admin");
    struct yzt_client two = {.srv = &srv};
    yzt_demo_login(&two, "admin_two");
    int64_t first = staff_id(&admin, "court_admin");
    char path[64];
    struct yzt_response r = {0};
    /* The list shows each account's teams. */
    yzt_request(&two, "GET", "/api/v1/staff?role=judge", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.body, "民事审判一组"));
    yzt_response_free(&r);
    path_of(path, sizeof path, first, "/disable");
    send(&two, "POST", path, json_pack("{ss}", "reason", "管理员交接"), &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    yzt_request(&admin, "GET", "/api/v1/staff", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);
    path_of(path, sizeof path, second, "/disable");
    send(&two, "POST", path, json_pack("{ss}", "reason", "管理员交接"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_response_free(&r);
    /* The first admin is enabled again. */
    path_of(path, sizeof path, first, "/enable");
    send(&two, "POST", path, json_object(), &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_admin_edits_name_and_role_with_a_reason),
        cmocka_unit_test(bad_input_names_each_field),
        cmocka_unit_test(separation_of_duties_limits_role_changes),
        cmocka_unit_test(an_admin_cannot_disable_or_reset_themself),
        cmocka_unit_test(foreign_and_missing_accounts_answer_404),
        cmocka_unit_test(a_disabled_account_loses_its_sessions_and_cannot_log_in),
        cmocka_unit_test(a_totp_reset_needs_the_new_secret),
        cmocka_unit_test(a_second_admin_disables_the_first_but_not_themself),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
