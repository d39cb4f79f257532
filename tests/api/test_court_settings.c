/*
 * A court's business settings (GET/PATCH /api/v1/settings): the admin sees
 * each effective value and where it comes from; the court's own value wins
 * over the configuration's (RULE: court-setting-precedence) and clearing it
 * returns to the configuration; every change is an event with its reason;
 * bad values name their field; other courts keep the configuration's value;
 * other roles are refused. Triage proposes with the value set through the
 * API: small claims for an amount the configured wage would not allow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/cases.h"
#include "lib/demo.h"

#include <stdio.h>
#include <string.h>

/* 20,000 yuan: small claims up to 10,000 yuan under the configuration. */
#define CONFIG_WAGE "2025-01-01:2000000"
/* 100,000 yuan set by the court: small claims up to 50,000 yuan. */
#define COURT_WAGE "2025-01-01:10000000"

static struct yz_test_server srv;
static struct yzt_client admin = {.srv = &srv}, admin_jb = {.srv = &srv}, clerk = {.srv = &srv},
                         officer = {.srv = &srv}, judge = {.srv = &srv};
static int64_t court;

static int setup(void **state)
{
    yzt_global_setup(state);
    const char *const set[] = {"fees.average_wage=" CONFIG_WAGE, NULL};
    yzt_server_start(&srv, true, set);
    yzt_demo_login(&admin, "court_admin");
    yzt_demo_login(&admin_jb, "court_admin_jb");
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&officer, "triage_officer");
    yzt_demo_login(&judge, "judge");
    court = yzt_court_id(&clerk, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void get_settings(struct yzt_client *c, struct yzt_response *r)
{
    yzt_request(c, "GET", "/api/v1/settings", NULL, NULL, r);
    yzt_assert_status(r, 200);
    assert_string_equal(yzt_json_str(r, "items.0.key"), "average_wage");
}

static void patch(struct yzt_client *c, json_t *body, struct yzt_response *r)
{
    yzt_request_json(c, "PATCH", "/api/v1/settings", body, NULL, r);
}

/* A loan case of 30,000 yuan, registered; its triage proposal into r. */
static int64_t register_and_propose(struct yzt_response *r)
{
    static int n;
    char defendant[32];
    snprintf(defendant, sizeof defendant, "被告%d", ++n);
    struct yzt_plaintiff p = {.name = "张三", .citizen_id = "11010519491231002X"};
    json_t *app = yzt_case_application(&p, defendant, "108.3", "判令被告归还借款三万元",
                                       "被告向原告借款三万元，到期未还。", 3000000);
    int64_t id = yzt_case_register(&clerk, court, app, NULL, 0);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/triage", (long long)id);
    yzt_request(&officer, "GET", path, NULL, NULL, r);
    yzt_assert_status(r, 200);
    return id;
}

static void the_configuration_applies_until_the_court_sets_its_own(void **state)
{
    struct yzt_response r = {0};
    get_settings(&admin, &r);
    assert_string_equal(yzt_json_str(&r, "items.0.value"), CONFIG_WAGE);
    assert_string_equal(yzt_json_str(&r, "items.0.source"), "config");
    assert_string_equal(yzt_json_str(&r, "items.0.config_key"), "fees.average_wage");
    assert_int_equal(yzt_json_int(&r, "items.0.entries.0.fen"), 2000000);
    assert_string_equal(yzt_json_str(&r, "items.0.entries.0.from"), "2025-01-01");
    assert_int_equal(yzt_json_int(&r, "court_id"), court);
    yzt_response_free(&r);

    register_and_propose(&r);
    assert_string_not_equal(yzt_json_str(&r, "proposal.track"), "small_claims");
    assert_int_equal(yzt_json_int(&r, "proposal.features.average_wage_fen"), 2000000);
    assert_string_equal(yzt_json_str(&r, "proposal.feature_sources.average_wage_fen"), "config");
    yzt_response_free(&r);
}

static void triage_uses_the_value_set_through_the_api(void **state)
{
    struct yzt_response r = {0};
    patch(&admin, json_pack("{ss ss}", "average_wage", COURT_WAGE, "reason", "高院通知公布新数据"),
          &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "items.0.value"), COURT_WAGE);
    assert_string_equal(yzt_json_str(&r, "items.0.source"), "court");
    assert_string_equal(yzt_json_str(&r, "items.0.config_value"), CONFIG_WAGE);
    assert_string_equal(yzt_json_str(&r, "items.0.updated_by.name"), "沈管理员");
    yzt_response_free(&r);
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM events WHERE stream LIKE 'court/%'"
                           " AND type = 'settings.changed'"
                           " AND json_extract(payload, '$.to') = '" COURT_WAGE "'"
                           " AND json_extract(payload, '$.from') IS NULL"
                           " AND json_extract(payload, '$.reason') = '高院通知公布新数据'"),
        1);

    register_and_propose(&r);
    assert_string_equal(yzt_json_str(&r, "proposal.track"), "small_claims");
    assert_int_equal(yzt_json_int(&r, "proposal.features.average_wage_fen"), 10000000);
    assert_string_equal(yzt_json_str(&r, "proposal.feature_sources.average_wage_fen"),
                        "court_setting");
    yzt_response_free(&r);

    /* The same value again records nothing. */
    patch(&admin, json_pack("{ss ss}", "average_wage", COURT_WAGE, "reason", "再次确认"), &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'settings.changed'"),
                     1);

    /* Another court still takes the configuration's value. */
    get_settings(&admin_jb, &r);
    assert_string_equal(yzt_json_str(&r, "items.0.source"), "config");
    assert_string_equal(yzt_json_str(&r, "items.0.value"), CONFIG_WAGE);
    yzt_response_free(&r);
}

static void bad_values_name_their_field_and_change_nothing(void **state)
{
    const char *bad[] = {"2025-13-01:100", "2025-01-01", "2025-01-01:0",
                         "2025-02-01:100,2025-01-01:200", "2025-01-01:100,", "abc"};
    struct yzt_response r = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        patch(&admin, json_pack("{ss ss}", "average_wage", bad[i], "reason", "测试错误输入"), &r);
        yzt_assert_problem(&r, 400, "validation_failed");
        yzt_assert_field_error(&r, "average_wage");
        assert_non_null(strstr(r.body, "年平均工资"));
        yzt_response_free(&r);
    }
    patch(&admin, json_pack("{ss}", "average_wage", COURT_WAGE), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "reason");
    yzt_response_free(&r);
    patch(&admin, json_pack("{ss ss}", "port", "9000", "reason", "改端口"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "port");
    yzt_response_free(&r);
    patch(&admin, json_pack("{ss}", "reason", "什么都不改"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_response_free(&r);
    patch(&admin, json_pack("{si ss}", "average_wage", 5, "reason", "类型不对"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "average_wage");
    yzt_response_free(&r);
    get_settings(&admin, &r);
    assert_string_equal(yzt_json_str(&r, "items.0.value"), COURT_WAGE);
    yzt_response_free(&r);
}

static void clearing_returns_to_the_configuration(void **state)
{
    struct yzt_response r = {0};
    patch(&admin, json_pack("{ss ss}", "average_wage", "", "reason", "恢复全市统一配置"), &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "items.0.source"), "config");
    assert_string_equal(yzt_json_str(&r, "items.0.value"), CONFIG_WAGE);
    assert_false(yzt_json_has(&r, "items.0.updated_at"));
    yzt_response_free(&r);
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'settings.changed'"
                           " AND json_extract(payload, '$.to') IS NULL"),
        1);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM court_settings"), 0);
}

static void other_roles_are_refused(void **state)
{
    struct yzt_response r = {0};
    struct yzt_client *others[] = {&clerk, &officer, &judge};
    for (size_t i = 0; i < 3; i++) {
        yzt_request(others[i], "GET", "/api/v1/settings", NULL, NULL, &r);
        yzt_assert_problem(&r, 403, "forbidden");
        yzt_response_free(&r);
        patch(others[i], json_pack("{ss ss}", "average_wage", COURT_WAGE, "reason", "越权修改"),
              &r);
        yzt_assert_problem(&r, 403, "forbidden");
        yzt_response_free(&r);
    }
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM court_settings"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_configuration_applies_until_the_court_sets_its_own),
        cmocka_unit_test(triage_uses_the_value_set_through_the_api),
        cmocka_unit_test(bad_values_name_their_field_and_change_nothing),
        cmocka_unit_test(clearing_returns_to_the_configuration),
        cmocka_unit_test(other_roles_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
