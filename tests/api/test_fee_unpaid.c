/*
 * A fee not paid in time (民诉解释 art. 213, 诉讼费用交纳办法 art. 22): once the
 * fee-payment deadline has passed with a fee still due and no relief
 * application waiting, the case is on the court's list and a filing clerk or
 * judge may rule it withdrawn (deem_withdrawn, 按撤诉处理). Before the deadline,
 * with nothing due or with an application waiting, the ruling is refused
 * and nothing is stored. A case that has ended stops the deadline, and a
 * relief decision made afterwards does not start it again.
 *
 * The server's clock is pinned (test builds read YZ_TEST_NOW_MS): the cases
 * are registered on Monday 2026-11-02, their deadline ends on 2026-11-09, and
 * the server is started again on 2026-11-20.
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
#include <stdlib.h>
#include <string.h>

/* 2026-11-02T02:00:00Z and 2026-11-20T02:00:00Z: 10:00 in Shanghai. */
#define REGISTERED_AT_MS "1793584800000"
#define LATER_MS "1795140000000"
#define PAY_BY "2026-11-09" /* seven days, 办法 art. 22; a Monday */
#define LATER_DAYS_OVERDUE 11 /* 2026-11-20 */
#define FEE YZT_LOAN_CASE_FEE_FEN
#define REASONS "原告经通知未在期限内预交案件受理费，也未申请缓交、减交、免交。"

static struct yz_test_server srv;
static struct yzt_client clerk, judge, party, officer, clerk_jb;
static int64_t court;
/* Registered on the same day: unpaid (twice), paid in full, relief asked for. */
static int64_t unpaid, unpaid2, paid, asked;

static void login_all(void)
{
    struct yzt_client *cs[] = {&clerk, &judge, &party, &officer, &clerk_jb};
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        *cs[i] = (struct yzt_client){.srv = &srv};
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&judge, "judge");
    yzt_demo_login(&party, "13800000001");
    yzt_demo_login(&officer, "triage_officer");
    yzt_demo_login(&clerk_jb, "filing_clerk_jb");
}

static void post_ok(struct yzt_client *who, const char *path, json_t *body, long status)
{
    struct yzt_response r = {0};
    yzt_post_new(who, path, body, &r);
    yzt_assert_status(&r, status);
    yzt_response_free(&r);
}

static void fire(struct yzt_client *who, int64_t id, json_t *body, struct yzt_response *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_post_new(who, path, body, r);
}

static json_t *ruling(const char *reasons)
{
    return reasons ? json_pack("{s:s, s:{s:s}}", "event", "deem_withdrawn", "fields", "reasons",
                               reasons)
                   : json_pack("{s:s, s:{}}", "event", "deem_withdrawn", "fields");
}

/* The ruling on id is refused with a field error on event, code, and nothing is stored. */
static void refused(int64_t id, const char *code)
{
    char before[65], after[65];
    yzt_db_snapshot_hash(&srv, before);
    struct yzt_response r = {0};
    fire(&clerk, id, ruling(REASONS), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "event", code);
    yzt_response_free(&r);
    yzt_db_snapshot_hash(&srv, after);
    assert_string_equal(before, after);
}

/* Whether who has an in-app notification of event on matter. */
static bool told(struct yzt_client *who, int64_t matter, const char *event)
{
    struct yzt_response r = {0};
    yzt_request(who, "GET", "/api/v1/notifications", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(yzt_json_at(r.json, "items"), i, it) {
        const char *ev =
            json_string_value(json_object_get(json_object_get(it, "payload"), "event"));
        found = found || (json_integer_value(json_object_get(it, "matter_id")) == matter && ev &&
                          strcmp(ev, event) == 0);
    }
    yzt_response_free(&r);
    return found;
}

static void list(struct yzt_client *who, const char *query, struct yzt_response *r)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/payments/unpaid%s", query);
    yzt_request(who, "GET", path, NULL, NULL, r);
}

static int setup(void **state)
{
    yzt_global_setup(state);
    setenv("YZ_TEST_NOW_MS", REGISTERED_AT_MS, 1);
    yzt_server_start(&srv, true, NULL);
    login_all();
    court = yzt_court_id(&party, "渝0103");
    unpaid = yzt_case_online_loan(&party, &clerk, court, "未预交诉讼费一");
    unpaid2 = yzt_case_online_loan(&party, &clerk, court, "未预交诉讼费二");
    paid = yzt_case_online_loan(&party, &clerk, court, "已交清诉讼费");
    asked = yzt_case_online_loan(&party, &clerk, court, "申请缓交诉讼费");

    /* Paid at the window in full. */
    char path[80];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)paid);
    struct yzt_response r = {0};
    yzt_post_new(&clerk, path, json_pack("{s:s}", "method", "window"), &r);
    yzt_assert_status(&r, 201);
    snprintf(path, sizeof path, "/api/v1/payments/%lld/confirm", (long long)yzt_json_int(&r, "id"));
    yzt_response_free(&r);
    yzt_request_json(&clerk, "POST", path, json_pack("{s:s}", "receipt_no", "渝财0002001"), NULL,
                     &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);

    /* A deferral asked for and not yet decided. */
    post_ok(&party, "/api/v1/matters",
            json_pack("{s:s, s:I, s:s, s:{s:I, s:s, s:s, s:s}}", "kind", "fee_relief", "court_id",
                      (json_int_t)court, "title", "申请缓交诉讼费", "fields", "case_matter_id",
                      (json_int_t)asked, "relief", "defer", "ground", "minimum_living", "reason",
                      "本人领取最低生活保障金，无力预交诉讼费用。"),
            201);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    unsetenv("YZ_TEST_NOW_MS");
    return yzt_global_teardown(state);
}

/* The ruling's form as the workflows describe it: its reasons in a text area, 10..2000. */
static void the_ruling_is_described_with_its_reasons(void **state)
{
    struct yzt_response r = {0};
    yzt_request(&clerk, "GET", "/api/v1/workflows", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *field = NULL, *wf, *ev;
    size_t i, k;
    json_array_foreach(yzt_json_at(r.json, "items"), i, wf)
        if (strcmp(json_string_value(json_object_get(wf, "kind")), "filing") == 0)
            json_array_foreach(json_object_get(wf, "events"), k, ev)
                if (strcmp(json_string_value(json_object_get(ev, "name")), "deem_withdrawn") == 0)
                    field = json_array_get(json_object_get(ev, "fields"), 0);
    assert_non_null(field);
    assert_string_equal(json_string_value(json_object_get(field, "name")), "reasons");
    assert_true(json_is_true(json_object_get(field, "required")));
    assert_true(json_is_true(json_object_get(field, "multiline")));
    assert_int_equal(json_integer_value(json_object_get(field, "min")), 10);
    assert_int_equal(json_integer_value(json_object_get(field, "max")), 2000);
    yzt_response_free(&r);
}

/* RULE: fee-unpaid-withdrawal — not before the deadline has passed. */
static void before_the_deadline_nothing_is_listed_and_the_ruling_is_refused(void **state)
{
    char due[16];
    assert_true(yzt_case_fee_deadline(&clerk, unpaid, due));
    assert_string_equal(due, PAY_BY);
    refused(unpaid, "not_lapsed");
    struct yzt_response r = {0};
    list(&clerk, "", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 0);
    yzt_response_free(&r);
}

/* RULE: fee-unpaid-withdrawal — after it: listed, and only the unpaid may be ruled on. */
static void after_the_deadline_the_unpaid_are_listed_and_ruled_withdrawn(void **state)
{
    setenv("YZ_TEST_NOW_MS", LATER_MS, 1);
    yzt_server_restart(&srv, NULL);
    login_all();

    struct yzt_response r = {0};
    list(&clerk, "", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), unpaid);
    assert_int_equal(yzt_json_int(&r, "items.1.id"), unpaid2);
    assert_string_equal(yzt_json_str(&r, "items.0.pay_by"), PAY_BY);
    assert_int_equal(yzt_json_int(&r, "items.0.days_overdue"), LATER_DAYS_OVERDUE);
    assert_int_equal(yzt_json_int(&r, "items.0.due_fen"), FEE);
    assert_int_equal(yzt_json_int(&r, "items.0.paid_fen"), 0);
    assert_string_equal(yzt_json_str(&r, "items.0.state"), "registered");
    assert_string_equal(yzt_json_str(&r, "items.0.state_title"), "已立案，待分流");
    assert_non_null(strstr(yzt_json_str(&r, "items.0.case_number"), "渝0103民初"));
    assert_int_equal(yzt_json_int(&r, "court_id"), court);
    yzt_response_free(&r);
    list(&judge, "?limit=1", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);
    yzt_response_free(&r);
    /* Another court's clerk sees its own court's cases only; a party none. */
    list(&clerk_jb, "", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 0);
    yzt_response_free(&r);
    list(&party, "", &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
    const char *bad[] = {"?limit=0", "?limit=1001", "?limit=abc", "?colour=red"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        list(&clerk, bad[i], &r);
        yzt_assert_problem(&r, 400, "validation_failed");
        yzt_response_free(&r);
    }

    /* Nothing due, or relief still to be decided: refused, nothing stored. */
    refused(paid, "nothing_due");
    refused(asked, "relief_pending");

    /* Not the party's to make, not another court's: only the denial is recorded. */
    static const char *const history[] = {"events", "chain_head", "checkpoints", NULL};
    char before[65], after[65];
    yzt_db_snapshot_hash_except(&srv, history, before);
    fire(&party, unpaid, ruling(REASONS), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
    fire(&clerk_jb, unpaid, ruling(REASONS), &r);
    yzt_assert_status(&r, 404);
    yzt_response_free(&r);
    yzt_db_snapshot_hash_except(&srv, history, after);
    assert_string_equal(before, after);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE stream = 'matter/%lld'"
             " AND type = 'filing.deem_withdrawn'",
             (long long)unpaid);
    assert_int_equal(yzt_db_count(&srv, sql), 0);

    /* Only with reasons. */
    yzt_db_snapshot_hash(&srv, before);
    fire(&clerk, unpaid, ruling(NULL), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "fields/reasons", "required");
    yzt_response_free(&r);
    fire(&clerk, unpaid, ruling("未交费"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "fields/reasons");
    yzt_response_free(&r);
    yzt_db_snapshot_hash(&srv, after);
    assert_string_equal(before, after);

    /* The ruling: withdrawn, the deadline stopped, the party told, off the list. */
    fire(&clerk, unpaid, ruling(REASONS), &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "state"), "deemed_withdrawn");
    yzt_response_free(&r);
    char due[16];
    assert_false(yzt_case_fee_deadline(&clerk, unpaid, due));
    assert_int_equal(yzt_db_count(&srv, sql), 1);
    assert_true(told(&party, unpaid, "deem_withdrawn"));
    list(&clerk, "", &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), unpaid2);
    yzt_response_free(&r);
    /* Once: the case has ended. */
    fire(&judge, unpaid, ruling(REASONS), &r);
    yzt_assert_problem(&r, 409, "invalid_transition");
    yzt_response_free(&r);
}

/* Put on the simplified track by the triage officer, then closed by the judge. */
static void tried_and_closed(int64_t id)
{
    const char *why = "{s:s, s:{s:s}}";
    struct yzt_response r = {0};
    fire(&officer, id, json_pack(why, "event", "decide_simplified", "fields", "reason",
                                 "事实清楚、权利义务关系明确"),
         &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    fire(&judge, id, json_pack(why, "event", "close_case", "fields", "outcome", "judgment"), &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

/* RULE: fee-payment-deadline — a case that ended stops it, and a relief
 * decision made afterwards does not start it again. */
static void an_ended_case_keeps_its_deadline_stopped(void **state)
{
    tried_and_closed(unpaid2);
    char due[16];
    assert_false(yzt_case_fee_deadline(&clerk, unpaid2, due));
    struct yzt_response r = {0};
    list(&clerk, "", &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 0);
    yzt_response_free(&r);

    /* The case whose deferral waits ends too; then the deferral is denied. */
    tried_and_closed(asked);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT relief_matter_id FROM fee_reliefs WHERE case_matter_id = %lld",
             (long long)asked);
    int64_t relief = yzt_db_count(&srv, sql);
    assert_true(relief > 0);
    fire(&clerk, relief,
         json_pack("{s:s, s:{s:s}}", "event", "deny", "fields", "reasons",
                   "未提交经济困难证明材料"),
         &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    assert_false(yzt_case_fee_deadline(&clerk, asked, due));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_ruling_is_described_with_its_reasons),
        cmocka_unit_test(before_the_deadline_nothing_is_listed_and_the_ruling_is_refused),
        cmocka_unit_test(after_the_deadline_the_unpaid_are_listed_and_ruled_withdrawn),
        cmocka_unit_test(an_ended_case_keeps_its_deadline_stopped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
