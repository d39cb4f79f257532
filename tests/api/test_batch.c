/*
 * End-to-end bulk filing: an institution (the legal-person demo party) uploads
 * a template and a table of five complaints, two of them bad; the three good
 * rows become filing matters with channel "bulk" in the clerk's queue, the two
 * bad ones come back with their rows and columns named; uploading the same
 * batch again creates nothing; only the uploader sees the report, also as a
 * CSV download; tables that cannot be read and bad templates store nothing;
 * a lawyer files for the institution; the history verifies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "fixtures/attachments.h"
#include "lib/demo.h"
#include "lib/upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFENDANT_ID "500103198502022330"
#define BAD_ID "500103199001011233" /* wrong check character */

static struct yz_test_server srv;
/* Staff log in once: a TOTP code works once, and the tests run within one 30 s step. */
static struct yzt_client clerk = {.srv = &srv};
static struct yzt_client institution = {.srv = &srv}, other_party = {.srv = &srv},
                         lawyer = {.srv = &srv};
static int64_t court;

/* Shared between the tests, which run in order. */
static int64_t batch_id;
static int64_t matter_ids[3];

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&institution, "13800000003");
    yzt_demo_login(&other_party, "13800000001");
    yzt_demo_login(&lawyer, "13800000004");
    court = yzt_court_id(&institution, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* What all the complaints share: 民间借贷纠纷 (2025 catalogue), 民初, the company as plaintiff. */
static json_t *template(void)
{
    return json_pack(
        "{s:s, s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:[{s:s, s:s}], s:{s:s, s:s, s:b},"
        " s:s}",
        "cause_code", "108.3", "cause_revision", 2025, "case_type", "民初", "fee_kind", "property",
        "plaintiff", "kind", "legal", "name", "重庆示例商贸有限公司", "credit_code",
        "91500103MA5U0AAA0Q", "legal_rep", "王五", "address", "重庆市渝中区解放碑街道8号", "phone",
        "13800000003", "evidence", "name", "借款合同", "source", "原告持有", "service_address",
        "address", "重庆市渝中区解放碑街道8号", "phone", "13800000003", "e_service_consent", 1,
        "facts", "被告向原告借款，约定到期归还，至今未还。");
}

/* Chinese headers, a BOM, CRLF, quoted cells with commas, quotes and line
 * breaks, facts from the template when the cell is empty, a skipped empty
 * line and an all-empty row. Rows 2 (ID checksum) and 4 (negative amount) are bad. */
static const char CSV[] =
    "\xEF\xBB\xBF"
    "被告姓名/"
    "名称,被告类型,被告身份证号,被告统一社会信用代码,被告电话,被告住址,标的额（元）,诉讼请求,"
    "事实与理由\r\n"
    "李四,自然人," DEFENDANT_ID
    ",,13800000002,重庆市江北区观音桥街道2号,10000.50,判令被告偿还借款10000.50元,\r\n"
    "王某,natural," BAD_ID ",,,重庆市江北区观音桥街道3号,5000,判令被告偿还借款5000元,\r\n"
    "重庆某某有限公司,法人,,91500103MA5U0AAA0Q,,重庆市渝中区某路1号,20000,"
    "\"判令被告偿还货款20000元，并承担\"\"逾期\"\"利息\","
    "\"2025年1月，被告向原告借款。\r\n至今未还。\"\r\n"
    "\r\n"
    "赵某,,,,,重庆市南岸区某路4号,-100,判令被告偿还借款,\r\n"
    "钱某,自然人,500103197004044444,,,重庆市沙坪坝区某路5号,12.3,判令被告偿还借款12.30元,\r\n"
    ",,,,,,,,\r\n";

static json_t *upload_body(const char *csv, json_t *tmpl)
{
    return json_pack("{s:I, s:s, s:o, s:s}", "court_id", (json_int_t)court, "title",
                     "2026年第一批民间借贷批量起诉", "template", tmpl, "csv", csv);
}

static void upload(struct yzt_client *c, const char *key, json_t *body, struct yzt_response *r)
{
    char hdr[96];
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const h[] = {hdr, NULL};
    yzt_request_json(c, "POST", "/api/v1/filing/batches", body, h, r);
}

/* The error entry of item i with this field, or NULL. */
static json_t *error_at(json_t *report, size_t i, const char *field)
{
    json_t *errors = json_object_get(json_array_get(json_object_get(report, "items"), i), "errors");
    size_t k;
    json_t *e;
    json_array_foreach(errors, k, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
            return e;
    }
    return NULL;
}

static void rows_are_checked_one_by_one_and_good_rows_filed(void **state)
{
    int64_t matters_before = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    struct yzt_response r = {0};
    upload(&institution, "batch-key-0001", upload_body(CSV, template()), &r);
    yzt_assert_status(&r, 201);
    batch_id = yzt_json_int(&r, "id");
    char location[96], want[96];
    snprintf(want, sizeof want, "/api/v1/filing/batches/%lld", (long long)batch_id);
    assert_true(yzt_header(&r, "Location", location, sizeof location));
    assert_string_equal(location, want);
    assert_int_equal(yzt_json_int(&r, "rows"), 5);
    assert_int_equal(yzt_json_int(&r, "accepted"), 3);
    assert_int_equal(yzt_json_int(&r, "rejected"), 2);

    /* Rows numbered from the first data row; lines as in the file (row 3 spans two). */
    static const struct {
        const char *status;
        int line;
    } want_items[] = {
        {"accepted", 2}, {"rejected", 3}, {"accepted", 4}, {"rejected", 7}, {"accepted", 8}};
    int m = 0;
    for (int i = 0; i < 5; i++) {
        char path[48];
        snprintf(path, sizeof path, "items.%d.row", i);
        assert_int_equal(yzt_json_int(&r, path), i + 1);
        snprintf(path, sizeof path, "items.%d.line", i);
        assert_int_equal(yzt_json_int(&r, path), want_items[i].line);
        snprintf(path, sizeof path, "items.%d.status", i);
        assert_string_equal(yzt_json_str(&r, path), want_items[i].status);
        snprintf(path, sizeof path, "items.%d.matter_id", i);
        if (strcmp(want_items[i].status, "accepted") == 0)
            matter_ids[m++] = yzt_json_int(&r, path);
        else
            assert_false(yzt_json_has(&r, path));
    }
    /* The bad rows name their row and column, and nothing else is wrong with them. */
    json_t *e = error_at(r.json, 1, "rows/2/defendant_citizen_id");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "code")), "checksum");
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items.1.errors")), 1);
    e = error_at(r.json, 3, "rows/4/amount_yuan");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid_amount");
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items.3.errors")), 1);
    /* The report never repeats personal data. */
    assert_null(strstr(r.body, BAD_ID));
    assert_null(strstr(r.body, DEFENDANT_ID));
    yzt_response_free(&r);

    /* Exactly three new filing matters, channel bulk, by the institution. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), matters_before + 3);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE kind = 'filing'"
                                        " AND channel = 'bulk' AND state = 'submitted'"),
                     3);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM filing_batches"), 1);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type ="
                                        " 'filing_batch.created' AND stream LIKE 'batch/%'"),
                     1);
    /* Sealed at rest: the IDs are nowhere in clear. */
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE data LIKE '%" DEFENDANT_ID "%'"), 0);
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM events WHERE payload LIKE '%" DEFENDANT_ID "%'"),
        0);
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM filing_batches WHERE report LIKE '%" BAD_ID "%'"),
        0);

    /* Each matter is an ordinary application: exact fen, the template's facts
     * where the cell was empty, the row's (with its line break) where not. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)matter_ids[0]);
    yzt_request(&institution, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "channel"), "bulk");
    assert_string_equal(yzt_json_str(&r, "state"), "submitted");
    assert_string_equal(yzt_json_str(&r, "title"), "重庆示例商贸有限公司诉李四民间借贷纠纷");
    assert_int_equal(yzt_json_int(&r, "data.application.amount_fen"), 1000050);
    assert_string_equal(yzt_json_str(&r, "data.application.facts"),
                        "被告向原告借款，约定到期归还，至今未还。");
    assert_string_equal(yzt_json_str(&r, "data.application.parties.1.citizen_id_masked"),
                        "500***********2330");
    assert_string_equal(yzt_json_str(&r, "data.application.cause_name"), "民间借贷纠纷");
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)matter_ids[1]);
    yzt_request(&institution, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "data.application.parties.1.kind"), "legal");
    assert_string_equal(yzt_json_str(&r, "data.application.parties.1.credit_code"),
                        "91500103MA5U0AAA0Q");
    assert_string_equal(yzt_json_str(&r, "data.application.claims"),
                        "判令被告偿还货款20000元，并承担\"逾期\"利息");
    assert_string_equal(yzt_json_str(&r, "data.application.facts"),
                        "2025年1月，被告向原告借款。\r\n至今未还。");
    assert_int_equal(yzt_json_int(&r, "data.application.amount_fen"), 2000000);
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)matter_ids[2]);
    yzt_request(&institution, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "data.application.amount_fen"), 1230);
    yzt_response_free(&r);

    /* The filing clerk of 渝0103 has all three in the queue, marked bulk. */
    yzt_request(&clerk, "GET", "/api/v1/filing/queue", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    int found = 0;
    size_t i;
    json_t *it;
    json_array_foreach(yzt_json_at(r.json, "items"), i, it)
    {
        int64_t id = json_integer_value(json_object_get(it, "id"));
        for (int k = 0; k < 3; k++)
            if (id == matter_ids[k]) {
                assert_string_equal(json_string_value(json_object_get(it, "channel")), "bulk");
                found++;
            }
    }
    assert_int_equal(found, 3);
    yzt_response_free(&r);
}

static void the_same_batch_again_creates_nothing(void **state)
{
    int64_t matters = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    int64_t events = yzt_db_count(&srv, "SELECT count(*) FROM events");
    struct yzt_response r = {0};
    /* Another key, the template's members in another order: the same batch. */
    json_t *tmpl = template();
    json_t *reordered = json_object();
    const char *keys[] = {"service_address", "facts",     "plaintiff",      "evidence",
                          "fee_kind",        "case_type", "cause_revision", "cause_code"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        json_object_set(reordered, keys[k], json_object_get(tmpl, keys[k]));
    json_decref(tmpl);
    upload(&institution, "batch-key-0002", upload_body(CSV, reordered), &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "id"), batch_id);
    assert_int_equal(yzt_json_int(&r, "accepted"), 3);
    assert_int_equal(yzt_json_int(&r, "items.0.matter_id"), matter_ids[0]);
    yzt_response_free(&r);
    /* The first key again: its stored response, as for every idempotent POST. */
    upload(&institution, "batch-key-0001", upload_body(CSV, template()), &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "id"), batch_id);
    yzt_response_free(&r);
    /* Like every creating POST, the key itself is required. */
    yzt_request_json(&institution, "POST", "/api/v1/filing/batches", upload_body(CSV, template()),
                     NULL, &r);
    yzt_assert_problem(&r, 400, "idempotency_key_required");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), matters);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events"), events);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM filing_batches"), 1);
}

static void only_the_uploader_sees_the_report(void **state)
{
    char path[96];
    struct yzt_response r = {0};
    snprintf(path, sizeof path, "/api/v1/filing/batches/%lld", (long long)batch_id);
    yzt_request(&institution, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "rejected"), 2);
    assert_string_equal(yzt_json_str(&r, "title"), "2026年第一批民间借贷批量起诉");
    assert_string_equal(yzt_json_str(&r, "items.3.errors.0.field"), "rows/4/amount_yuan");
    yzt_response_free(&r);

    /* Someone else's batch answers exactly like a missing one, and the denial is recorded. */
    int64_t denials = yzt_db_count(&srv, "SELECT count(*) FROM events WHERE stream = 'security'");
    yzt_request(&other_party, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE stream = 'security'"),
                     denials + 1);
    snprintf(path, sizeof path, "/api/v1/filing/batches/%lld/report.csv", (long long)batch_id);
    yzt_request(&other_party, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    yzt_request(&institution, "GET", "/api/v1/filing/batches/999999", NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    /* Court staff have no business with the uploads of parties. */
    yzt_request(&clerk, "GET", "/api/v1/filing/batches/1", NULL, NULL, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
}

/* The uploader's list of batches: their own, with the counts; nobody else's. */
static void the_uploader_lists_their_batches(void **state)
{
    struct yzt_response r = {0};
    yzt_request(&institution, "GET", "/api/v1/filing/batches", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *b = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(b, "id")), batch_id);
    assert_int_equal(json_integer_value(json_object_get(b, "court_id")), court);
    assert_string_equal(json_string_value(json_object_get(b, "title")),
                        "2026年第一批民间借贷批量起诉");
    assert_int_equal(json_integer_value(json_object_get(b, "rows")), 5);
    assert_int_equal(json_integer_value(json_object_get(b, "accepted")), 3);
    assert_int_equal(json_integer_value(json_object_get(b, "rejected")), 2);
    assert_false(yzt_json_bool(&r, "truncated"));
    yzt_response_free(&r);
    yzt_request(&other_party, "GET", "/api/v1/filing/batches", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    yzt_response_free(&r);
    yzt_request(&clerk, "GET", "/api/v1/filing/batches", NULL, NULL, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
}

static void the_report_downloads_as_csv(void **state)
{
    char path[96], v[512];
    struct yzt_response r = {0};
    snprintf(path, sizeof path, "/api/v1/filing/batches/%lld/report.csv", (long long)batch_id);
    yzt_request(&institution, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(r.content_type, "text/csv; charset=utf-8");
    assert_true(yzt_header(&r, "Content-Disposition", v, sizeof v));
    assert_int_equal(strncmp(v, "attachment;", 11), 0);
    assert_non_null(strstr(v, "filing-batch-"));
    /* BOM, header, five rows, CRLF. */
    assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
    char expect[512];
    snprintf(expect, sizeof expect,
             "\xEF\xBB\xBF行号,结果,事项编号,错误说明,原文件行号\r\n"
             "1,已提交立案申请,%lld,,2\r\n",
             (long long)matter_ids[0]);
    assert_int_equal(strncmp(r.body, expect, strlen(expect)), 0);
    assert_non_null(strstr(r.body, "\r\n2,有误，未提交,,被告身份证号："));
    assert_non_null(strstr(r.body, "\r\n4,有误，未提交,,标的额（元）：标的额应为不带符号的金额"));
    snprintf(expect, sizeof expect, "\r\n5,已提交立案申请,%lld,,8\r\n", (long long)matter_ids[2]);
    assert_non_null(strstr(r.body, expect));
    int records = 0;
    for (const char *p = r.body; (p = strstr(p, "\r\n")); p += 2)
        records++;
    assert_int_equal(records, 6);
    yzt_response_free(&r);
}

/* Every problem of a row at once, each at its column; English headers in any
 * case; an unnamed empty column is allowed. A batch of only bad rows is still
 * a batch (its report is kept), with no matters. */
static void every_problem_of_a_row_is_named(void **state)
{
    int64_t matters = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    json_t *tmpl = template();
    json_object_del(tmpl, "facts");
    json_object_set_new(tmpl, "facts", json_string("同上。"));
    struct yzt_response r = {0};
    upload(&institution, "batch-key-bad-rows",
           upload_body("Defendant_Name,DEFENDANT_KIND,defendant_citizen_id,defendant_credit_code,"
                       "defendant_address,amount_yuan,claims,\n"
                       ",natural,,91500103MA5U0AAA0Q,重庆市,1.234,,\n"
                       "某公司,legal," DEFENDANT_ID ",,,100,判令,\n"
                       "某甲,alien,,,重庆市,100,判令,\n",
                       tmpl),
           &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "accepted"), 0);
    assert_int_equal(yzt_json_int(&r, "rejected"), 3);
    static const struct {
        size_t item;
        const char *field, *code;
    } want[] = {
        {0, "rows/1/defendant_name", "required"},
        {0, "rows/1/defendant_credit_code", "not_applicable"},
        {0, "rows/1/amount_yuan", "invalid_amount"},
        {0, "rows/1/claims", "required"},
        {1, "rows/2/defendant_citizen_id", "not_applicable"},
        {1, "rows/2/defendant_address", "required"},
        {2, "rows/3/defendant_kind", "not_allowed"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_t *e = error_at(r.json, want[i].item, want[i].field);
        if (!e)
            print_error("no error at %s in %s\n", want[i].field, r.body);
        assert_non_null(e);
        assert_string_equal(json_string_value(json_object_get(e, "code")), want[i].code);
    }
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items.0.errors")), 4);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items.1.errors")), 2);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items.2.errors")), 1);
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), matters);
}

/* Posts body and expects a 400 validation problem naming field with code; nothing stored. */
static void refused(const char *what, json_t *body, const char *field, const char *code)
{
    char before[65], after[65], key[40];
    yzt_db_snapshot_hash(&srv, before);
    struct yzt_response r = {0};
    yzt_idem_key(key);
    upload(&institution, key, body, &r);
    if (r.status != 400)
        print_error("%s\n", what);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, field, code);
    yzt_response_free(&r);
    yzt_db_snapshot_hash(&srv, after);
    assert_string_equal(before, after);
}

static void unreadable_tables_and_bad_templates_store_nothing(void **state)
{
    refused("ragged", upload_body("被告姓名/名称,被告住址\n甲,重庆市\n乙\n", template()), "csv",
            "csv_ragged");
    refused("bare quote", upload_body("被告姓名/名称,被告住址\n甲\"乙,重庆市\n", template()), "csv",
            "csv_bare_quote");
    refused("unknown column", upload_body("被告姓名/名称,被告生日\n甲,2000-01-01\n", template()),
            "csv", "unknown_column");
    refused("no name column", upload_body("被告住址\n重庆市\n", template()), "csv",
            "missing_column");
    refused("header only", upload_body("被告姓名/名称,被告住址\r\n", template()), "csv", "no_rows");
    refused("mojibake",
            upload_body("被告姓名/名称,被告住址\n\xEF\xBF\xBD\xEF\xBF\xBD,重庆市\n", template()),
            "csv", "replacement_character");
    json_t *tmpl = template();
    json_object_set_new(json_object_get(tmpl, "plaintiff"), "credit_code",
                        json_string("91500103MA5U0AAA0X"));
    json_object_set_new(tmpl, "amount_fen", json_integer(100));
    refused("bad template", upload_body(CSV, json_deep_copy(tmpl)),
            "template/plaintiff/credit_code", "checksum");
    refused("bad template", upload_body(CSV, tmpl), "template/amount_fen", "unknown_field");
    tmpl = template();
    json_object_set_new(tmpl, "cause_code", json_string("999.9"));
    refused("bad cause", upload_body(CSV, tmpl), "template/cause_code", "not_found");
    tmpl = template();
    json_object_del(tmpl, "facts");
    refused("no facts anywhere",
            upload_body("被告姓名/名称,被告住址,诉讼请求\n甲,重庆市,判令\n", tmpl),
            "template/facts", "required");

    /* Over the row limit: 2,001 data rows. */
    size_t cap = 128 * 1024, n = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    n = (size_t)snprintf(big, cap, "defendant_name,defendant_address\n");
    for (int i = 0; i < 2001; i++)
        n += (size_t)snprintf(big + n, cap - n, "被告%d,重庆市\n", i);
    assert_true(n < cap);
    refused("too many rows", upload_body(big, template()), "csv", "too_many_rows");
    free(big);

    /* Invalid UTF-8 inside the table cannot even be sent as JSON. */
    char before[65], after[65];
    yzt_db_snapshot_hash(&srv, before);
    json_t *j = upload_body("被告姓名/名称,被告住址\nXX,重庆市\n", template());
    char *body = json_dumps(j, 0);
    json_decref(j);
    assert_non_null(body);
    char *x = strstr(body, "XX");
    assert_non_null(x);
    x[0] = '\xff';
    x[1] = '\xfe';
    struct yzt_response r = {0};
    const char *const h[] = {"Idempotency-Key: batch-key-utf8", NULL};
    yzt_request_raw(&institution, "POST", "/api/v1/filing/batches", body, strlen(body), h, &r);
    free(body);
    yzt_assert_problem(&r, 400, "invalid_utf8");
    yzt_response_free(&r);
    yzt_db_snapshot_hash(&srv, after);
    assert_string_equal(before, after);
}

/* The lawyer's power of attorney is one upload named by the template; each
 * matter gets its own row for the stored file, bound to it. */
static void a_lawyer_files_for_the_institution(void **state)
{
    struct yzt_response r = {0};
    yzt_upload_file(&lawyer, YZF_PDF, sizeof YZF_PDF, "授权委托书.pdf", 0, &r);
    yzt_assert_status(&r, 201);
    int64_t poa = yzt_json_int(&r, "id");
    yzt_response_free(&r);

    /* Someone else's upload (or none) cannot be named. */
    json_t *tmpl = template();
    json_object_set_new(tmpl, "agents",
                        json_pack("[{s:s, s:s, s:s, s:i, s:I}]", "name", "赵律师", "licence_no",
                                  "15001201010000001", "firm", "重庆示例律师事务所", "party", 0,
                                  "power_of_attorney", (json_int_t)poa));
    refused("foreign upload", upload_body(CSV, json_deep_copy(tmpl)),
            "template/agents/0/power_of_attorney", "not_found");

    upload(&lawyer, "batch-key-lawyer",
           upload_body("defendant_name,defendant_address,amount_yuan,claims\n"
                       "孙某,重庆市九龙坡区某路6号,300,判令被告偿还借款300元\n"
                       "周某,重庆市大渡口区某路7号,400,判令被告偿还借款400元\n",
                       tmpl),
           &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "accepted"), 2);
    int64_t ids[2] = {yzt_json_int(&r, "items.0.matter_id"), yzt_json_int(&r, "items.1.matter_id")};
    yzt_response_free(&r);
    int64_t files[2];
    for (int i = 0; i < 2; i++) {
        char path[80];
        snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)ids[i]);
        yzt_request(&lawyer, "GET", path, NULL, NULL, &r);
        yzt_assert_status(&r, 200);
        assert_string_equal(yzt_json_str(&r, "my_capacity"), "agent");
        assert_string_equal(yzt_json_str(&r, "channel"), "bulk");
        assert_string_equal(yzt_json_str(&r, "data.application.agents.0.name"), "赵律师");
        files[i] = yzt_json_int(&r, "data.application.agents.0.power_of_attorney");
        yzt_response_free(&r);
        /* The institution, plaintiff with an account, follows it too. */
        yzt_request(&institution, "GET", path, NULL, NULL, &r);
        yzt_assert_status(&r, 200);
        yzt_response_free(&r);
        snprintf(path, sizeof path, "/api/v1/matters/%lld/attachments", (long long)ids[i]);
        yzt_request(&lawyer, "GET", path, NULL, NULL, &r);
        yzt_assert_status(&r, 200);
        assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);
        assert_int_equal(yzt_json_int(&r, "items.0.id"), files[i]);
        yzt_response_free(&r);
    }
    assert_int_equal(files[0], poa);
    assert_true(files[1] != poa);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(DISTINCT sha256) FROM attachments WHERE id IN (%lld, %lld)",
             (long long)files[0], (long long)files[1]);
    assert_int_equal(yzt_db_count(&srv, sql), 1);
}

static void the_history_verifies(void **state)
{
    char out[4096];
    const char *const args[] = {"audit", "verify", "--dir", srv.dir, NULL};
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != 0)
        print_error("%s\n", out);
    assert_int_equal(rc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_are_checked_one_by_one_and_good_rows_filed),
        cmocka_unit_test(the_same_batch_again_creates_nothing),
        cmocka_unit_test(only_the_uploader_sees_the_report),
        cmocka_unit_test(the_uploader_lists_their_batches),
        cmocka_unit_test(the_report_downloads_as_csv),
        cmocka_unit_test(every_problem_of_a_row_is_named),
        cmocka_unit_test(unreadable_tables_and_bad_templates_store_nothing),
        cmocka_unit_test(a_lawyer_files_for_the_institution),
        cmocka_unit_test(the_history_verifies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
