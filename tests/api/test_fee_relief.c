/*
 * Fee relief (诉讼费用缓交、减交、免交, 诉讼费用交纳办法 arts 44-51) takes
 * effect on what a case owes: a waiver leaves nothing due, a reduction takes
 * the decided amount off (at least 30% of the fee, less than all of it), a
 * deferral keeps the fee due but moves the fee-payment deadline to the date
 * decided, a denial changes nothing but the deadline runs again. A fee paid
 * before a waiver becomes refundable, and is not refunded by itself. The
 * payments view and the payment order follow; the projection equals what the
 * history rebuilds.
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

#define FEE YZT_LOAN_CASE_FEE_FEN /* 100,000 yuan claimed: 2,300 yuan */
#define FEE_DAYS 7   /* 办法 art. 22 */

static struct yz_test_server srv;
static struct yzt_client clerk = {.srv = &srv}, party = {.srv = &srv}, other = {.srv = &srv},
                         company = {.srv = &srv}, clerk_jb = {.srv = &srv};
static int64_t court;

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&clerk_jb, "filing_clerk_jb");
    yzt_demo_login(&party, "13800000001");
    yzt_demo_login(&other, "13800000002");
    yzt_demo_login(&company, "13800000003");
    court = yzt_court_id(&party, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* A case filed online by who and registered by the clerk: fee 2,300 yuan. */
static int64_t registered_case(struct yzt_client *who)
{
    return yzt_case_online_loan(who, &clerk, court, "缓减免测试");
}

/* An application for relief on case_id by who; amount < 0: none stated. */
static void apply_for(struct yzt_client *who, int64_t case_id, const char *relief,
                      int64_t amount, struct yzt_response *r)
{
    json_t *fields = json_pack("{s:I, s:s, s:s, s:s}", "case_matter_id", (json_int_t)case_id,
                               "relief", relief, "ground", "minimum_living", "reason",
                               "本人领取最低生活保障金，无力预交诉讼费用。");
    if (amount >= 0)
        json_object_set_new(fields, "amount_fen", json_integer(amount));
    yzt_post_new(who, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:o}", "kind", "fee_relief", "court_id",
                           (json_int_t)court, "title", "申请缓减免诉讼费", "fields", fields),
                 r);
}

static int64_t applied(struct yzt_client *who, int64_t case_id, const char *relief, int64_t amount)
{
    struct yzt_response r = {0};
    apply_for(who, case_id, relief, amount, &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

static void decide(struct yzt_client *who, int64_t relief_id, json_t *body, long status,
                   struct yzt_response *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)relief_id);
    yzt_post_new(who, path, body, r);
    yzt_assert_status(r, status);
}

static void ledger(struct yzt_client *who, int64_t case_id, struct yzt_response *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)case_id);
    yzt_request(who, "GET", path, NULL, NULL, r);
    yzt_assert_status(r, 200);
}

/* The case's fee_payment deadline: its due date into due, and whether it runs. */
static bool fee_deadline(int64_t case_id, char due[16])
{
    return yzt_case_fee_deadline(&clerk, case_id, due);
}

static int64_t events_of(int64_t case_id, const char *type)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE stream = 'matter/%lld' AND type = '%s'",
             (long long)case_id, type);
    return yzt_db_count(&srv, sql);
}

/* RULE: fee-relief-effect, fee-payment-deadline — 免交: nothing owed, no deadline. */
static void waiver_leaves_nothing_due(void **state)
{
    int64_t case_id = registered_case(&party);
    char due[16], week[16];
    yzt_date_in_days(FEE_DAYS, week);
    assert_true(fee_deadline(case_id, due));
    assert_true(strcmp(due, week) >= 0); /* seven days, or more over a holiday */

    int64_t id = applied(&party, case_id, "waive", -1);
    /* While the court decides, the deadline is suspended (民诉解释 art. 213). */
    assert_false(fee_deadline(case_id, due));
    struct yzt_response r = {0};
    ledger(&party, case_id, &r);
    assert_int_equal(yzt_json_int(&r, "due_fen"), FEE);
    assert_string_equal(yzt_json_str(&r, "reliefs.0.state"), "submitted");
    assert_int_equal(yzt_json_int(&r, "reliefs.0.relief_matter_id"), id);

    decide(&clerk, id, json_pack("{s:s, s:{s:s}}", "event", "grant", "fields", "note", "符合免交条件"),
           200, &r);
    assert_string_equal(yzt_json_str(&r, "data.applied.relief"), "waive");
    ledger(&party, case_id, &r);
    assert_int_equal(yzt_json_int(&r, "fee_fen"), FEE);
    assert_int_equal(yzt_json_int(&r, "relief_fen"), FEE);
    assert_true(yzt_json_bool(&r, "waived"));
    assert_int_equal(yzt_json_int(&r, "due_fen"), 0);
    assert_int_equal(yzt_json_int(&r, "refundable_fen"), 0);
    assert_string_equal(yzt_json_str(&r, "reliefs.0.applied"), "waive");
    assert_false(yzt_json_has(&r, "pay_by"));
    assert_false(fee_deadline(case_id, due));
    /* Nothing to order. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)case_id);
    yzt_post_new(&clerk, path, json_pack("{s:s}", "method", "window"), &r);
    yzt_assert_problem(&r, 409, "conflict");
    yzt_response_free(&r);
    assert_int_equal(events_of(case_id, "fee.relief"), 2);
}

/* RULE: fee-relief-reduction — bounds first, each named in Chinese, nothing stored. */
static void reduction_is_bounded_then_taken_off(void **state)
{
    int64_t case_id = registered_case(&party);
    int64_t id = applied(&party, case_id, "reduce", -1);
    struct yzt_response r = {0};
    int64_t before = events_of(case_id, "fee.relief");
    /* No amount asked, none decided. */
    decide(&clerk, id, json_pack("{s:s, s:{s:s}}", "event", "grant", "fields", "note", "准予减交"),
           400, &r);
    yzt_assert_field_error_code(&r, "fields/approved_amount_fen", "required");
    const struct {
        json_int_t amount;
        const char *code;
    } bad[] = {
        {FEE + 1, "too_large"},
        {FEE, "too_large"},       /* all of it is 免交 */
        {FEE * 3 / 10 - 1, "too_small"}, /* below 30% (办法 art. 46) */
        {0, "too_small"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        decide(&clerk, id,
               json_pack("{s:s, s:{s:I, s:s}}", "event", "grant_part", "fields",
                         "approved_amount_fen", bad[i].amount, "note", "部分准许"),
               400, &r);
        yzt_assert_field_error_code(&r, "fields/approved_amount_fen", bad[i].code);
        assert_non_null(strstr(yzt_json_str(&r, "errors.0.message"),
                               bad[i].amount == FEE * 3 / 10 - 1 ? "百分之三十" : "减交"));
    }
    decide(&clerk, id,
           json_pack("{s:s, s:{s:I, s:s}}", "event", "grant_part", "fields", "approved_amount_fen",
                     (json_int_t)-100, "note", "部分准许"),
           400, &r);
    yzt_assert_field_error(&r, "fields/approved_amount_fen");
    assert_int_equal(events_of(case_id, "fee.relief"), before);

    decide(&clerk, id,
           json_pack("{s:s, s:{s:I, s:s}}", "event", "grant_part", "fields", "approved_amount_fen",
                     (json_int_t)(FEE * 3 / 10), "note", "准予减交百分之三十"),
           200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "partly_granted");
    ledger(&party, case_id, &r);
    assert_int_equal(yzt_json_int(&r, "relief_fen"), FEE * 3 / 10);
    assert_int_equal(yzt_json_int(&r, "due_fen"), FEE - FEE * 3 / 10);
    assert_int_equal(yzt_json_int(&r, "reliefs.0.amount_fen"), FEE * 3 / 10);
    assert_true(yzt_json_has(&r, "pay_by"));
    /* The order is for what is left. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)case_id);
    yzt_post_new(&clerk, path, json_pack("{s:s}", "method", "window"), &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "amount_fen"), FEE - FEE * 3 / 10);
    yzt_response_free(&r);
}

/* RULE: fee-relief-effect — a reduction asked with its amount is granted as asked. */
static void reduction_granted_as_asked(void **state)
{
    int64_t case_id = registered_case(&party);
    int64_t id = applied(&party, case_id, "reduce", 100000);
    struct yzt_response r = {0};
    decide(&clerk, id, json_pack("{s:s, s:{}}", "event", "grant", "fields"), 200, &r);
    ledger(&party, case_id, &r);
    assert_int_equal(yzt_json_int(&r, "due_fen"), FEE - 100000);
    assert_string_equal(yzt_json_str(&r, "reliefs.0.applied"), "reduce");
    yzt_response_free(&r);
}

/* RULE: fee-payment-deadline — 缓交: still owed, the deadline is the date decided. */
static void deferral_moves_the_deadline(void **state)
{
    int64_t case_id = registered_case(&party);
    int64_t id = applied(&party, case_id, "defer", -1);
    struct yzt_response r = {0};
    char until[16], due[16];
    yzt_date_in_days(45, until);
    decide(&clerk, id,
           json_pack("{s:s, s:{s:I, s:s}}", "event", "grant_part", "fields", "approved_amount_fen",
                     (json_int_t)100000, "note", "部分"),
           400, &r);
    yzt_assert_field_error_code(&r, "event", "not_allowed");
    decide(&clerk, id,
           json_pack("{s:s, s:{s:s, s:s}}", "event", "grant", "fields", "deferred_until", until,
                     "note", "准予缓交"),
           200, &r);
    ledger(&party, case_id, &r);
    assert_int_equal(yzt_json_int(&r, "due_fen"), FEE);
    assert_int_equal(yzt_json_int(&r, "relief_fen"), 0);
    assert_string_equal(yzt_json_str(&r, "deferred_until"), until);
    assert_string_equal(yzt_json_str(&r, "pay_by"), until);
    assert_string_equal(yzt_json_str(&r, "reliefs.0.deferred_until"), until);
    yzt_response_free(&r);
    assert_true(fee_deadline(case_id, due));
    assert_string_equal(due, until);
}

/* RULE: fee-payment-deadline — a denial leaves the fee; the deadline runs again. */
static void denial_changes_nothing_but_restarts_the_deadline(void **state)
{
    int64_t case_id = registered_case(&party);
    int64_t id = applied(&party, case_id, "waive", -1);
    char due[16], week[16];
    assert_false(fee_deadline(case_id, due));
    struct yzt_response r = {0};
    decide(&clerk, id,
           json_pack("{s:s, s:{s:s}}", "event", "deny", "fields", "reasons", "未提交经济困难证明材料"),
           200, &r);
    ledger(&party, case_id, &r);
    assert_int_equal(yzt_json_int(&r, "due_fen"), FEE);
    assert_int_equal(yzt_json_int(&r, "relief_fen"), 0);
    assert_string_equal(yzt_json_str(&r, "reliefs.0.state"), "denied");
    assert_false(yzt_json_has(&r, "reliefs.0.applied"));
    yzt_response_free(&r);
    assert_true(fee_deadline(case_id, due));
    yzt_date_in_days(FEE_DAYS, week);
    assert_true(strcmp(due, week) >= 0);
}

/* RULE: fee-relief-effect — paid, then waived: refundable, not refunded. */
static void paid_then_waived_is_refundable(void **state)
{
    int64_t case_id = registered_case(&party);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)case_id);
    struct yzt_response r = {0};
    yzt_post_new(&clerk, path, json_pack("{s:s}", "method", "window"), &r);
    yzt_assert_status(&r, 201);
    char confirm[64];
    snprintf(confirm, sizeof confirm, "/api/v1/payments/%lld/confirm",
             (long long)yzt_json_int(&r, "id"));
    yzt_request_json(&clerk, "POST", confirm, json_pack("{s:s}", "receipt_no", "渝财0009001"), NULL,
                     &r);
    yzt_assert_status(&r, 200);
    char due[16];
    assert_false(fee_deadline(case_id, due)); /* paid: nothing more to wait for */
    int64_t id = applied(&party, case_id, "waive", -1);
    decide(&clerk, id, json_pack("{s:s, s:{}}", "event", "grant", "fields"), 200, &r);
    ledger(&party, case_id, &r);
    assert_int_equal(yzt_json_int(&r, "paid_fen"), FEE);
    assert_int_equal(yzt_json_int(&r, "due_fen"), 0);
    assert_int_equal(yzt_json_int(&r, "refundable_fen"), FEE);
    assert_int_equal(yzt_json_int(&r, "refunded_fen"), 0);
    yzt_response_free(&r);
    assert_int_equal(events_of(case_id, "fee.refunded"), 0);
}

/* RULE: fee-relief-case — another person's case, another court's, a legal person's waiver. */
static void foreign_cases_and_waivers_of_companies_are_refused(void **state)
{
    int64_t case_id = registered_case(&party);
    int64_t matters = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    struct yzt_response r = {0};
    apply_for(&other, case_id, "defer", -1, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "fields/case_matter_id", "not_found");
    int64_t company_case = registered_case(&company);
    apply_for(&company, company_case, "waive", -1, &r);
    yzt_assert_field_error_code(&r, "fields/relief", "not_allowed");
    assert_non_null(strstr(yzt_json_str(&r, "errors.0.message"), "自然人"));
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), matters + 1);
    /* Another court's clerk cannot decide: the application is not theirs to see. */
    int64_t id = applied(&party, case_id, "waive", -1);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_post_new(&clerk_jb, path, json_pack("{s:s, s:{}}", "event", "grant", "fields"), &r);
    yzt_assert_problem(&r, 404, "not_found");
    /* Nor read the case's payments. */
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)case_id);
    yzt_request(&other, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
}

/* The item of matter id in who's list of kind, or NULL (r keeps the list). */
static json_t *listed(struct yzt_client *who, const char *kind, int64_t id, struct yzt_response *r)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/matters?kind=%s&limit=1000", kind);
    yzt_request(who, "GET", path, NULL, NULL, r);
    yzt_assert_status(r, 200);
    size_t i;
    json_t *it;
    json_array_foreach(yzt_json_at(r->json, "items"), i, it)
        if (json_integer_value(json_object_get(it, "id")) == id)
            return it;
    return NULL;
}

/* The list of applications shows, for each, the case it is for and the relief
 * asked, so the court's list page needs no request per application; only
 * those who may see the application see it listed. */
static void list_names_the_case_of_each_application(void **state)
{
    int64_t case_id = registered_case(&party);
    int64_t id = applied(&party, case_id, "defer", -1);
    struct yzt_response r = {0};
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)case_id);
    yzt_request(&clerk, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    char number[64];
    snprintf(number, sizeof number, "%s", yzt_json_str(&r, "data.case.case_number"));
    struct yzt_client *const viewers[] = {&party, &clerk};
    for (size_t v = 0; v < 2; v++) {
        json_t *it = listed(viewers[v], "fee_relief", id, &r);
        assert_non_null(it);
        assert_int_equal(json_integer_value(yzt_json_at(it, "fee_relief.case_matter_id")), case_id);
        assert_string_equal(json_string_value(yzt_json_at(it, "fee_relief.relief")), "defer");
        assert_string_equal(json_string_value(yzt_json_at(it, "fee_relief.case_number")), number);
        assert_string_equal(json_string_value(json_object_get(it, "state")), "submitted");
        assert_null(json_object_get(it, "data"));
    }
    /* Other matters carry nothing of the kind. */
    json_t *filing = listed(&party, "filing", case_id, &r);
    assert_non_null(filing);
    assert_null(json_object_get(filing, "fee_relief"));
    /* Another party and another court's clerk do not see it at all. */
    assert_null(listed(&other, "fee_relief", id, &r));
    assert_null(listed(&clerk_jb, "fee_relief", id, &r));
    yzt_response_free(&r);
}

/* The projection is what the history rebuilds (migration 15's query). */
static void projection_equals_the_rebuild_from_history(void **state)
{
    const char *rebuild =
        "SELECT json_extract(e.payload, '$.relief_matter_id') AS a, CAST(substr(e.stream, 8) AS INTEGER),"
        " json_extract(e.payload, '$.relief'), json_extract(e.payload, '$.state'),"
        " json_extract(e.payload, '$.applied'), json_extract(e.payload, '$.amount_fen'),"
        " json_extract(e.payload, '$.deferred_until'), e.at FROM events e WHERE e.id IN"
        " (SELECT max(id) FROM events WHERE type = 'fee.relief' AND stream LIKE 'matter/%'"
        " GROUP BY json_extract(payload, '$.relief_matter_id'))";
    const char *table = "SELECT relief_matter_id, case_matter_id, relief, state, applied,"
                        " amount_fen, deferred_until, updated_at FROM fee_reliefs";
    char sql[1600];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT * FROM (%s EXCEPT %s) UNION ALL"
             " SELECT * FROM (%s EXCEPT %s))", rebuild, table, table, rebuild);
    assert_true(yzt_db_count(&srv, "SELECT count(*) FROM fee_reliefs WHERE applied IS NOT NULL") >= 4);
    assert_int_equal(yzt_db_count(&srv, sql), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waiver_leaves_nothing_due),
        cmocka_unit_test(reduction_is_bounded_then_taken_off),
        cmocka_unit_test(reduction_granted_as_asked),
        cmocka_unit_test(deferral_moves_the_deadline),
        cmocka_unit_test(denial_changes_nothing_but_restarts_the_deadline),
        cmocka_unit_test(paid_then_waived_is_refundable),
        cmocka_unit_test(foreign_cases_and_waivers_of_companies_are_refused),
        cmocka_unit_test(list_names_the_case_of_each_application),
        cmocka_unit_test(projection_equals_the_rebuild_from_history),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
