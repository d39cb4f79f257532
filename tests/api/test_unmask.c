/*
 * Staff unmasking a party's full personal data (SECURITY.md 1.3, ASVS 8.3.5):
 * POST /api/v1/matters/{id}/personal-data {party, field, reason}. The handling
 * roles of the matter's court get the value, with no-store caching, and the
 * view is in the matter's history (who, whose, which field, why) without the
 * value; everyone else (the parties themselves included, who have
 * /me/personal-data) gets the 404 of a missing matter, recorded as a denial;
 * administrators (三员分立) never unmask. Bad input names its field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <stdio.h>
#include <string.h>

#define PLAINTIFF_ID "500103199001011232"
#define PLAINTIFF_PHONE "13800000001"
#define DEFENDANT_PHONE "13912345678"

static struct yz_test_server srv;
static struct yzt_client filer, clerk, judge, service, assistant, recorder;
static int64_t matter;

static struct yzt_client *login(struct yzt_client *c, const char *who)
{
    c->srv = &srv;
    yzt_demo_login(c, who);
    return c;
}

static void file_case(void)
{
    login(&filer, "13800000001");
    login(&clerk, "filing_clerk");
    int64_t court = yzt_court_id(&filer, "渝0103");
    json_t *app = json_pack(
        "{s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}],"
        " s:s, s:s, s:I, s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_revision", 2025, "case_type", "民初", "parties", "role",
        "plaintiff", "kind", "natural", "name", "张三", "sex", "male", "citizen_id", PLAINTIFF_ID,
        "address", "重庆市渝中区解放碑街道1号", "phone", PLAINTIFF_PHONE, "role", "defendant",
        "kind", "natural", "name", "孙某", "address", "重庆市江北区观音桥街道2号", "phone",
        DEFENDANT_PHONE, "claims", "偿还借款十万元", "facts", "被告借款十万元未还。", "amount_fen",
        (json_int_t)10000000, "service_address", "address", "重庆市渝中区解放碑街道1号", "phone",
        PLAINTIFF_PHONE, "e_service_consent", 1);
    struct yzt_response r = {0};
    yzt_post_new(&filer, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "查看完整号码测试", "fields", "channel",
                           "online", "application", app),
                 &r);
    yzt_assert_status(&r, 201);
    matter = yzt_json_int(&r, "id");
    yzt_response_free(&r);
}

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    file_case();
    login(&judge, "judge");
    login(&service, "service_officer");
    login(&assistant, "assistant");
    login(&recorder, "clerk");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void unmask(struct yzt_client *c, int64_t id, int party, const char *field,
                   const char *reason, struct yzt_response *r)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/personal-data", (long long)id);
    json_t *body = json_pack("{s:i, s:s}", "party", party, "field", field);
    if (reason)
        json_object_set_new(body, "reason", json_string(reason));
    yzt_request_json(c, "POST", path, body, NULL, r);
}

static int64_t count_views(void)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE stream = 'matter/%lld'"
             " AND type = 'personal_data.unmasked'",
             (long long)matter);
    return yzt_db_count(&srv, sql);
}

/* The handling roles get the value, uncached, and each view is in the history. */
static void handling_staff_see_the_number_and_are_recorded(void **state)
{
    struct {
        struct yzt_client *c;
        int party;
        const char *field, *want;
    } cases[] = {
        {&clerk, 0, "citizen_id", PLAINTIFF_ID},
        {&judge, 1, "phone", DEFENDANT_PHONE},
        {&service, 1, "address", "重庆市江北区观音桥街道2号"},
        {&assistant, 0, "phone", PLAINTIFF_PHONE},
        {&recorder, 0, "citizen_id", PLAINTIFF_ID},
    };
    int64_t before = count_views();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct yzt_response r = {0};
        unmask(cases[i].c, matter, cases[i].party, cases[i].field, "核对当事人身份", &r);
        yzt_assert_status(&r, 200);
        assert_string_equal(yzt_json_str(&r, "value"), cases[i].want);
        assert_string_equal(yzt_json_str(&r, "field"), cases[i].field);
        assert_int_equal(yzt_json_int(&r, "party"), cases[i].party);
        char cc[64];
        assert_true(yzt_header(&r, "Cache-Control", cc, sizeof cc));
        assert_string_equal(cc, "no-store");
        yzt_response_free(&r);
    }
    assert_int_equal(count_views(), before + 5);

    /* The history names who, whose, which field and why, and never the value. */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)matter);
    struct yzt_response r = {0};
    yzt_request(&judge, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *items = yzt_json_at(r.json, "items");
    size_t i;
    json_t *ev;
    int seen = 0;
    json_array_foreach(items, i, ev)
    {
        if (strcmp(json_string_value(json_object_get(ev, "type")), "personal_data.unmasked"))
            continue;
        json_t *p = json_object_get(ev, "payload");
        assert_string_equal(json_string_value(json_object_get(p, "reason")), "核对当事人身份");
        assert_non_null(json_string_value(json_object_get(p, "field")));
        assert_true(json_is_integer(json_object_get(p, "party")));
        assert_true(json_integer_value(json_object_get(ev, "actor_id")) > 0);
        seen++;
    }
    assert_int_equal(seen, 5);
    assert_null(strstr(r.body, PLAINTIFF_ID));
    assert_null(strstr(r.body, DEFENDANT_PHONE));
    yzt_response_free(&r);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE payload LIKE '%%%s%%' OR payload LIKE '%%%s%%'",
             PLAINTIFF_ID, DEFENDANT_PHONE);
    assert_int_equal(yzt_db_count(&srv, sql), 0);
}

/* Everyone else, the filer included, gets exactly the answer of a missing
 * matter; every refusal is recorded and no view is. */
static void others_get_the_404_of_a_missing_matter(void **state)
{
    static const char *const others[] = {
        "13800000001",     /* the filer: his own data is at /me/personal-data */
        "13800000002",     "13800000004", "13800000005",
        "court_admin",     /* 三员分立: administrators never unmask */
        "hotline_agent",   "petition_officer", "triage_officer",
        "supervisor",      "filing_clerk_jb",  "court_admin_jb",
    };
    struct yzt_response missing = {0};
    unmask(&clerk, matter + 100000, 0, "citizen_id", "核对当事人身份", &missing);
    yzt_assert_problem(&missing, 404, "not_found");
    const char *denials =
        "SELECT count(*) FROM events WHERE type = 'access_denied'"
        " AND json_extract(payload, '$.route') = 'matters.personal_data'";
    int64_t views = count_views(), denied = yzt_db_count(&srv, denials);
    for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
        struct yzt_client c = {0};
        if (strcmp(others[k], "13800000001") == 0)
            c = filer;
        else
            login(&c, others[k]);
        struct yzt_response r = {0};
        unmask(&c, matter, 0, "citizen_id", "核对当事人身份", &r);
        yzt_assert_problem(&r, 404, "not_found");
        assert_string_equal(yzt_json_str(&r, "title"), yzt_json_str(&missing, "title"));
        assert_null(strstr(r.body, PLAINTIFF_ID));
        yzt_response_free(&r);
    }
    yzt_response_free(&missing);
    assert_int_equal(count_views(), views);
    assert_int_equal(yzt_db_count(&srv, denials),
                     denied + (int64_t)(sizeof others / sizeof others[0]));
}

/* Bad input names its field, in Chinese, and shows nothing. */
static void bad_requests_name_their_field(void **state)
{
    int64_t views = count_views();
    struct {
        int party;
        const char *field, *reason, *bad, *code;
    } cases[] = {
        {0, "citizen_id", NULL, "reason", "required"},
        {0, "citizen_id", "看", "reason", "too_short"},
        {0, "citizen_id", "  \xe3\x80\x80  ", "reason", "required"},
        {0, "citizen_id", "核对\x01身份", "reason", NULL},
        {0, "email", "核对当事人身份", "field", NULL},
        {5, "citizen_id", "核对当事人身份", "party", "no_such_party"},
        {-1, "citizen_id", "核对当事人身份", "party", NULL},
        {1, "citizen_id", "核对当事人身份", "field", "not_recorded"}, /* the defendant gave none */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct yzt_response r = {0};
        unmask(&clerk, matter, cases[i].party, cases[i].field, cases[i].reason, &r);
        yzt_assert_problem(&r, 400, "validation_failed");
        if (cases[i].code)
            yzt_assert_field_error_code(&r, cases[i].bad, cases[i].code);
        else
            yzt_assert_field_error(&r, cases[i].bad);
        assert_null(strstr(r.body, PLAINTIFF_ID));
        yzt_response_free(&r);
    }
    assert_int_equal(count_views(), views);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handling_staff_see_the_number_and_are_recorded),
        cmocka_unit_test(others_get_the_404_of_a_missing_matter),
        cmocka_unit_test(bad_requests_name_their_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
