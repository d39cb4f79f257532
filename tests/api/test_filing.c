/*
 * End-to-end filing: a party files online, the clerk asks for corrections
 * once, the party corrects, the clerk registers: a case number in the SPC
 * format, the fee, a query code for the public progress lookup, the 7-day
 * decision period on the holiday calendar, sealed personal data, a history
 * that verifies. Plus bad applications stored nowhere, other courts' clerks
 * seeing nothing, and concurrent registration giving unique gap-free numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"
#include "lib/upload.h"
#include "fixtures/attachments.h"

#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLAINTIFF_ID "500103199001011232"

static struct yz_test_server srv;
/* Staff log in once: a TOTP code works once, and the tests run within one 30 s step. */
static struct yzt_client clerk = {.srv = &srv}, other_clerk = {.srv = &srv};

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&other_clerk, "filing_clerk_jb");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static json_t *application(int64_t amount_fen)
{
    return json_pack(
        "{s:s, s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}],"
        " s:s, s:s, s:I, s:[{s:s, s:s}], s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_name", "民间借贷纠纷", "cause_revision", 2025, "case_type",
        "民初", "parties", "role", "plaintiff", "kind", "natural", "name", "张三", "sex", "male",
        "birth_date", "1990-01-01", "citizen_id", PLAINTIFF_ID, "address", "重庆市渝中区解放碑街道1号",
        "phone", "13800000001", "role", "defendant", "kind", "natural", "name", "李四", "address",
        "重庆市江北区观音桥街道2号", "phone", "13800000002", "claims", "判令被告偿还借款本金十万元及利息", "facts",
        "2025年1月1日被告向原告借款十万元，约定三个月后归还，至今未还。", "amount_fen",
        (json_int_t)amount_fen, "evidence", "name", "借条", "source", "原告持有", "service_address",
        "address", "重庆市渝中区解放碑街道1号", "phone", "13800000001", "e_service_consent", 1);
}

static int64_t file_online(struct yzt_client *party, int64_t court, int64_t amount_fen)
{
    struct yzt_response r = {0};
    yzt_post_new(party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "张三诉李四民间借贷纠纷", "fields", "channel",
                           "online", "application", application(amount_fen)),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

static void fire(struct yzt_client *c, int64_t id, json_t *body, long status, struct yzt_response *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_post_new(c, path, body, r);
    yzt_assert_status(r, status);
}

static void online_filing_corrected_then_registered(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    int64_t court = yzt_court_id(&party, "渝0103");

    /* The filer's own upload can be named in the application; someone else's cannot. */
    struct yzt_response r = {0};
    yzt_upload_file(&party, YZF_PDF, sizeof YZF_PDF, "起诉状.pdf", 0, &r);
    yzt_assert_status(&r, 201);
    int64_t upload = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    struct yzt_client stranger = {.srv = &srv};
    yzt_demo_login(&stranger, "13800000003");
    json_t *theirs = application(10000000);
    json_object_set_new(theirs, "attachments",
                        json_pack("[{s:I, s:s}]", "id", (json_int_t)upload, "material", "G1"));
    yzt_post_new(&stranger, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "借用他人附件", "fields", "channel",
                           "online", "application", theirs),
                 &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "fields/application/attachments/0/id", "not_found");
    yzt_response_free(&r);

    json_t *mine = application(10000000);
    json_object_set_new(mine, "attachments",
                        json_pack("[{s:I, s:s}]", "id", (json_int_t)upload, "material", "G1"));
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "张三诉李四民间借贷纠纷", "fields",
                           "channel", "online", "application", mine),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    /* Now bound to the matter: the court's clerk can download it. */
    char dl[64];
    snprintf(dl, sizeof dl, "/api/v1/attachments/%lld", (long long)upload);
    yzt_request(&clerk, "GET", dl, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(r.len, sizeof YZF_PDF);
    yzt_response_free(&r);

    /* Personal data is sealed: masked in the response, absent in clear from the database. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "state"), "submitted");
    assert_string_equal(yzt_json_str(&r, "data.application.parties.0.citizen_id_masked"),
                        "500***********1232");
    assert_false(yzt_json_has(&r, "data.application.parties.0.citizen_id_enc"));
    assert_null(strstr(r.body, PLAINTIFF_ID));
    assert_string_equal(yzt_json_str(&r, "deadlines.0.name"), "decision");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE data LIKE '%" PLAINTIFF_ID "%'"), 0);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE payload LIKE '%" PLAINTIFF_ID "%'"), 0);

    /* Everything the attachments lack, at once, from the cause's published checklist. */
    snprintf(path, sizeof path, "/api/v1/matters/%lld/materials-check", (long long)id);
    yzt_request(&clerk, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_false(yzt_json_bool(&r, "complete"));
    assert_true(json_array_size(yzt_json_at(r.json, "missing")) >= 2);
    assert_string_equal(yzt_json_str(&r, "cause_name"), "民间借贷纠纷");
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);

    /* The clerk's queue has it, with its deadline, not overdue. */
    yzt_request(&clerk, "GET", "/api/v1/filing/queue", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), id);
    assert_false(yzt_json_bool(&r, "items.0.overdue"));
    yzt_response_free(&r);

    /* One notice of everything missing; the party corrects; the 7 days restart. */
    fire(&clerk, id,
         json_pack("{s:s, s:{s:{s:[{s:s, s:s}, {s:s}], s:s}}}", "event", "request_correction",
                   "fields", "notice", "items", "material", "G1", "description",
                   "请补充原告身份证复印件", "description", "请补充借款交付凭证", "note",
                   "请于十五日内补正"),
         200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "correction_requested");
    yzt_response_free(&r);
    fire(&party, id,
         json_pack("{s:s, s:{s:o, s:s}}", "event", "correct", "fields", "application",
                   application(10000000), "note", "已补充"),
         200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "submitted");
    yzt_response_free(&r);

    /* Another court's clerk sees nothing to act on; a party cannot register. */
    fire(&other_clerk, id, json_pack("{s:s}", "event", "register"), 404, &r);
    yzt_response_free(&r);
    fire(&party, id, json_pack("{s:s}", "event", "register"), 403, &r);
    yzt_response_free(&r);

    /* The defendant, who has an account, sees nothing before registration ... */
    struct yzt_client defendant = {.srv = &srv};
    yzt_demo_login(&defendant, "13800000002");
    yzt_request(&defendant, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);

    /* RULE: case-number-format, fee-property-bands. */
    fire(&clerk, id, json_pack("{s:s}", "event", "register"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "registered");
    const char *number = yzt_json_str(&r, "data.case.case_number");
    char expect[64];
    snprintf(expect, sizeof expect, "（%.4s）渝0103民初1号", yzt_json_str(&r, "data.case.registered_at"));
    assert_string_equal(number, expect);
    /* 100,000 yuan: 50 + (100,000-10,000) x 2.5% = 2,300 yuan. */
    assert_int_equal(yzt_json_int(&r, "data.fee.fee_fen"), 230000);
    /* The explanation is kept once, in the compute_fee event; the projection
     * has the figures and the articles. */
    assert_true(yzt_json_has(&r, "data.fee.articles.0"));
    assert_false(yzt_json_has(&r, "data.fee.steps"));
    {
        struct yzt_response ev = {0};
        char events[64];
        snprintf(events, sizeof events, "/api/v1/matters/%lld/events", (long long)id);
        yzt_request(&clerk, "GET", events, NULL, NULL, &ev);
        yzt_assert_status(&ev, 200);
        const json_t *fee = NULL, *items = yzt_json_at(ev.json, "items");
        size_t k;
        json_t *item;
        json_array_foreach(items, k, item)
            if (strcmp(json_string_value(json_object_get(item, "type")), "filing.compute_fee") == 0)
                fee = yzt_json_at(item, "payload.fee");
        assert_non_null(fee);
        assert_int_equal(json_integer_value(json_object_get(fee, "fee_fen")), 230000);
        assert_true(json_array_size(json_object_get(fee, "steps")) >= 3);
        yzt_response_free(&ev);
    }
    char code[16];
    snprintf(code, sizeof code, "%s", yzt_json_str(&r, "data.case.query_code"));
    char *escaped = curl_easy_escape(NULL, number, 0);
    yzt_response_free(&r);
    /* ... and the registered case after it (RULE: registered-case-parties). */
    yzt_request(&defendant, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "my_capacity"), "defendant");
    yzt_response_free(&r);

    /* The public progress lookup: right code 200, wrong code 404 like a missing case. */
    struct yzt_client anon = {.srv = &srv};
    char url[256];
    snprintf(url, sizeof url, "/api/v1/progress?case_number=%s&query_code=%s", escaped, code);
    yzt_request(&anon, "GET", url, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "status"), "已立案，待分流");
    assert_null(strstr(r.body, "张三"));
    yzt_response_free(&r);
    snprintf(url, sizeof url, "/api/v1/progress?case_number=%s&query_code=ZZZZZZZZ", escaped);
    yzt_request(&anon, "GET", url, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    curl_free(escaped);

    /* The whole history verifies (read while serving: WAL readers do not block). */
    char out[4096];
    const char *const args[] = {"audit", "verify", "--dir", srv.dir, NULL};
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != 0)
        print_error("%s\n", out);
    assert_int_equal(rc, 0);
}

/* RULE: window-filing-links-applicant */
static void window_filing_by_a_clerk_is_followed_by_the_party(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    int64_t court = yzt_court_id(&party, "渝0103");
    struct yzt_response r = {0};
    yzt_post_new(&clerk, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "窗口立案", "fields", "channel", "window",
                           "application", application(500000)),
                 &r);
    yzt_assert_status(&r, 201);
    assert_string_equal(yzt_json_str(&r, "channel"), "window");
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "my_capacity"), "plaintiff");
    yzt_response_free(&r);
}

/* RULE: cross-region-forward */
static void cross_region_filing_is_forwarded_and_decided_where_jurisdiction_lies(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    int64_t receiving = yzt_court_id(&party, "渝0105"), jurisdiction = yzt_court_id(&party, "渝0103");
    struct yzt_response r = {0};
    yzt_upload_file(&party, YZF_PNG, sizeof YZF_PNG, "借条.png", 0, &r);
    yzt_assert_status(&r, 201);
    int64_t upload = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    json_t *app = application(2000000);
    json_object_set_new(app, "attachments",
                        json_pack("[{s:I, s:s}]", "id", (json_int_t)upload, "material", "G1"));
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:I, s:o}}", "kind", "cross_region_filing",
                           "court_id", (json_int_t)receiving, "title", "跨域立案", "fields",
                           "target_court_id", (json_int_t)jurisdiction, "application", app),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t a = yzt_json_int(&r, "id");
    yzt_response_free(&r);

    /* The jurisdiction court's clerk cannot act at the receiving court; its own clerk forwards. */
    fire(&clerk, a, json_pack("{s:s}", "event", "forward"), 404, &r);
    yzt_response_free(&r);
    fire(&other_clerk, a, json_pack("{s:s, s:{s:s}}", "event", "forward", "fields", "note", "身份及材料核验无误"),
         200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "forwarded");
    int64_t b = yzt_json_int(&r, "data.forwarded_to.matter_id");
    assert_string_equal(yzt_json_str(&r, "data.forwarded_to.state"), "submitted");
    yzt_response_free(&r);

    /* The court with jurisdiction reviews it as its own filing and numbers it. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)b);
    yzt_request(&clerk, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "channel"), "cross_region");
    assert_int_equal(yzt_json_int(&r, "data.cross_region.receiving_court_id"), receiving);
    assert_true(yzt_json_has(&r, "data.cross_region.received_at"));
    /* The files travel with it: the jurisdiction court reads its own copy of the row. */
    int64_t copy = yzt_json_int(&r, "data.application.attachments.0.id");
    assert_true(copy != upload);
    yzt_response_free(&r);
    char dl[64];
    snprintf(dl, sizeof dl, "/api/v1/attachments/%lld", (long long)copy);
    yzt_request(&clerk, "GET", dl, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(r.len, sizeof YZF_PNG);
    yzt_response_free(&r);
    fire(&clerk, b, json_pack("{s:s}", "event", "register"), 200, &r);
    /* RULE: time-to-decision — measured from receipt at the receiving court. */
    assert_true(yzt_json_int(&r, "data.decision.since_receipt_s") >= 0);
    const char *number = yzt_json_str(&r, "data.case.case_number");
    assert_non_null(strstr(number, "渝0103民初"));
    char expect[96];
    snprintf(expect, sizeof expect, "%s", number);
    yzt_response_free(&r);

    /* Both courts and the party see the outcome. */
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)a);
    yzt_request(&other_clerk, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "data.forwarded_to.state"), "registered");
    assert_string_equal(yzt_json_str(&r, "data.forwarded_to.case_number"), expect);
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)b);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "state"), "registered");
    yzt_response_free(&r);
    /* The receiving court's clerk does not get the other court's file. */
    yzt_request(&other_clerk, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
}

/* Every channel is recorded; refusal needs reasons; the filer may withdraw. */
static void kiosk_and_lawyer_filings_refused_or_withdrawn(void **state)
{
    struct yzt_client kiosk = {.srv = &srv}, lawyer = {.srv = &srv};
    yzt_demo_login(&kiosk, "13800000002");
    yzt_demo_login(&lawyer, "13800000004");
    int64_t court = yzt_court_id(&kiosk, "渝0103");
    struct yzt_response r = {0};
    char key[40], hdr[64];
    yzt_idem_key(key);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const at_kiosk[] = {hdr, "X-Channel: kiosk", NULL};
    yzt_request_json(&kiosk, "POST", "/api/v1/matters",
                     json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                               (json_int_t)court, "title", "自助立案", "fields", "channel", "kiosk",
                               "application", application(300000)),
                     at_kiosk, &r);
    yzt_assert_status(&r, 201);
    assert_string_equal(yzt_json_str(&r, "channel"), "kiosk");
    int64_t k = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE stream = 'matter/%lld' AND type = 'filing.submit' AND channel = 'kiosk'",
             (long long)k);
    assert_int_equal(yzt_db_count(&srv, sql), 1);

    /* A refusal without reasons is refused; with reasons it is final. */
    fire(&clerk, k, json_pack("{s:s, s:{s:s}}", "event", "refuse", "fields", "reasons", "不符合"), 400, &r);
    yzt_assert_field_error_code(&r, "fields/reasons", "too_short");
    yzt_response_free(&r);
    fire(&clerk, k,
         json_pack("{s:s, s:{s:s}}", "event", "refuse", "fields", "reasons",
                   "起诉不符合民事诉讼法第一百二十二条规定的起诉条件：被告不明确。"),
         200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "refused");
    yzt_response_free(&r);
    fire(&clerk, k, json_pack("{s:s}", "event", "register"), 409, &r);
    yzt_response_free(&r);

    yzt_post_new(&lawyer, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "律师代为立案", "fields", "channel",
                           "lawyer_platform", "application", application(300000)),
                 &r);
    yzt_assert_status(&r, 201);
    assert_string_equal(yzt_json_str(&r, "my_capacity"), "agent");
    int64_t l = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    fire(&lawyer, l, json_pack("{s:s, s:{s:s}}", "event", "withdraw", "fields", "reason", "已和解"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "withdrawn");
    assert_true(yzt_json_bool(&r, "deadlines.0.stopped"));
    yzt_response_free(&r);
}

/* RULE: fee-relief — 办法 arts 44-48: deferral, reduction or waiver, decided by the court. */
static void fee_relief_is_applied_for_and_decided(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    int64_t court = yzt_court_id(&party, "渝0103");
    int64_t filing = file_online(&party, court, 500000);
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:I, s:s, s:s, s:s}}", "kind", "fee_relief",
                           "court_id", (json_int_t)court, "title", "申请缓交诉讼费", "fields",
                           "case_matter_id", (json_int_t)filing, "relief", "defer", "ground",
                           "minimum_living", "reason", "本人领取最低生活保障金，无力预交诉讼费用。"),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);

    /* RULE: fee-relief-case — another person's filing, a missing one, or one
     * of another court is answered alike, and nothing is stored. */
    struct yzt_client other = {.srv = &srv};
    yzt_demo_login(&other, "13800000002");
    int64_t other_court = yzt_court_id(&party, "渝0105");
    int64_t before = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    const struct {
        struct yzt_client *who;
        int64_t court, case_id;
    } bad[] = {{&other, court, filing}, {&party, court, 999999}, {&party, other_court, filing},
               {&party, court, id}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        yzt_post_new(bad[i].who, "/api/v1/matters",
                     json_pack("{s:s, s:I, s:s, s:{s:I, s:s, s:s, s:s}}", "kind", "fee_relief",
                               "court_id", (json_int_t)bad[i].court, "title", "申请缓交诉讼费",
                               "fields", "case_matter_id", (json_int_t)bad[i].case_id, "relief",
                               "defer", "ground", "minimum_living", "reason",
                               "本人领取最低生活保障金，无力预交诉讼费用。"),
                     &r);
        yzt_assert_status(&r, 400);
        yzt_assert_field_error(&r, "fields/case_matter_id");
        yzt_response_free(&r);
    }
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), before);

    fire(&clerk, id, json_pack("{s:s, s:{s:s}}", "event", "deny", "fields", "reasons", "短"), 400, &r);
    yzt_response_free(&r);
    /* A deferral is granted until a date, which must come after today. */
    fire(&clerk, id, json_pack("{s:s, s:{s:s}}", "event", "grant", "fields", "note", "准予缓交"), 400, &r);
    yzt_assert_field_error_code(&r, "fields/deferred_until", "required");
    yzt_response_free(&r);
    char today[16], until[16];
    yzt_date_in_days(0, today);
    yzt_date_in_days(60, until);
    fire(&clerk, id, json_pack("{s:s, s:{s:s, s:s}}", "event", "grant", "fields", "note", "准予缓交",
                               "deferred_until", today), 400, &r);
    yzt_assert_field_error_code(&r, "fields/deferred_until", "too_early");
    yzt_response_free(&r);
    fire(&clerk, id, json_pack("{s:s, s:{s:s, s:s}}", "event", "grant", "fields", "note", "准予缓交两个月",
                               "deferred_until", until), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "granted");
    yzt_response_free(&r);
}

static void bad_applications_store_nothing(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000002");
    int64_t court = yzt_court_id(&party, "渝0103");
    int64_t before = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    json_t *app = application(-5);
    json_t *parties = json_object_get(app, "parties");
    json_array_remove(parties, 1); /* no defendant */
    json_object_set_new(json_array_get(parties, 0), "citizen_id", json_string("500103199001011233"));
    json_object_set_new(app, "cause_code", json_string("999.9"));
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "缺少被告", "fields", "channel", "online",
                           "application", app),
                 &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "fields/application/parties", "no_defendant");
    yzt_assert_field_error_code(&r, "fields/application/parties/0/citizen_id", "checksum");
    yzt_assert_field_error_code(&r, "fields/application/amount_fen", "out_of_range");
    yzt_assert_field_error_code(&r, "fields/application/cause_code", "not_found");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), before);
}

/* RULE: case-number-gap-free — concurrent clerks never share or skip a number. */
static void concurrent_registration_is_unique_and_gap_free(void **state)
{
    enum { WORKERS = 4, EACH = 50 };
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    int64_t court = yzt_court_id(&party, "渝0103");
    int64_t ids[WORKERS * EACH];
    for (int i = 0; i < WORKERS * EACH; i++)
        ids[i] = file_online(&party, court, 100000 + i);
    int64_t before = yzt_db_count(&srv, "SELECT count(*) FROM cases");
    pid_t pids[WORKERS];
    for (int w = 0; w < WORKERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            int failures = 0;
            for (int i = 0; i < EACH; i++) {
                char path[64], key[40], hdr[64];
                snprintf(path, sizeof path, "/api/v1/matters/%lld/events",
                         (long long)ids[w * EACH + i]);
                yzt_idem_key(key);
                snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
                const char *const h[] = {hdr, NULL};
                struct yzt_response r = {0};
                yzt_request(&clerk, "POST", path, "{\"event\":\"register\"}", h, &r);
                failures += r.status != 200;
                yzt_response_free(&r);
            }
            _exit(failures ? 1 : 0);
        }
    }
    for (int w = 0; w < WORKERS; w++) {
        int status = 0;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    int64_t n = WORKERS * EACH;
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM cases"), before + n);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(DISTINCT case_number) FROM cases"), before + n);
    /* Gap-free: the numbers of this court, year and type are exactly 1..N. */
    assert_int_equal(yzt_db_count(&srv, "SELECT max(seq) - min(seq) + 1 FROM cases WHERE type_code = '民初'"),
                     yzt_db_count(&srv, "SELECT count(*) FROM cases WHERE type_code = '民初'"));
    assert_int_equal(yzt_db_count(&srv, "SELECT min(seq) FROM cases WHERE type_code = '民初'"), 1);
}

/* Run last: over every matter the tests above made (online, window, kiosk,
 * lawyer and forwarded filings; corrected, registered, relieved), the
 * application's cause and amount kept for lists are those of the projection. */
static void list_summaries_follow_the_projection(void **state)
{
    (void)state;
    assert_true(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE cause_name IS NOT NULL"
                                   " AND amount_fen IS NOT NULL") > 200);
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM matters"
                           " WHERE cause_name IS NOT json_extract(data, '$.application.cause_name')"
                           " OR amount_fen IS NOT json_extract(data, '$.application.amount_fen')"),
        0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(online_filing_corrected_then_registered),
        cmocka_unit_test(window_filing_by_a_clerk_is_followed_by_the_party),
        cmocka_unit_test(cross_region_filing_is_forwarded_and_decided_where_jurisdiction_lies),
        cmocka_unit_test(kiosk_and_lawyer_filings_refused_or_withdrawn),
        cmocka_unit_test(fee_relief_is_applied_for_and_decided),
        cmocka_unit_test(bad_applications_store_nothing),
        cmocka_unit_test(concurrent_registration_is_unique_and_gap_free),
        cmocka_unit_test(list_summaries_follow_the_projection),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
