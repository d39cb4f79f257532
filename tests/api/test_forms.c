/*
 * End-to-end tests of the element-style complaint forms: the public list (all
 * forms, and the one that covers a cause), one form with its elements, a
 * rendering whose claims and facts a filing application then accepts as they
 * are, an answer, a 400 that lists every bad answer and an unknown court at
 * once, 404 for an unknown form, and that rendering stores nothing.
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

#define PLAINTIFF_ID "500103199001011232"

static struct yz_test_server srv;

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void list_forms(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    yzt_request(&anon, "GET", "/api/v1/complaint-forms", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "total"), 11);
    assert_string_equal(yzt_json_str(&r, "items.0.id"), "108.3");
    assert_string_equal(yzt_json_str(&r, "items.0.name"), "民间借贷纠纷");
    assert_string_equal(yzt_json_str(&r, "items.0.causes.2025.code"), "108.3");
    assert_string_equal(yzt_json_str(&r, "items.0.causes.2020.code"), "103.3");
    assert_string_equal(yzt_json_str(&r, "items.0.documents.1"), "answer");
    assert_false(yzt_json_has(&r, "items.0.complaint")); /* the list is a summary */
    yzt_response_free(&r);

    /* The form that covers a cause: 追索劳动报酬纠纷 falls under 劳动争议. */
    yzt_request(&anon, "GET", "/api/v1/complaint-forms?cause=205.5&revision=2025", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "total"), 1);
    assert_string_equal(yzt_json_str(&r, "items.0.id"), "C19");
    assert_string_equal(yzt_json_str(&r, "items.0.title"), "劳动争议纠纷");
    yzt_response_free(&r);
    yzt_request(&anon, "GET", "/api/v1/complaint-forms?cause=103.3&revision=2020", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "items.0.id"), "108.3");
    yzt_response_free(&r);
    yzt_request(&anon, "GET", "/api/v1/complaint-forms?cause=108&revision=2025", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "total"), 0);
    yzt_response_free(&r);
    yzt_request(&anon, "GET", "/api/v1/complaint-forms?cause=9999&revision=2025", NULL, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "query/cause", "not_found");
    yzt_response_free(&r);
}

static void get_form(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    yzt_request(&anon, "GET", "/api/v1/complaint-forms/108.3", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "complaint.title"), "民事起诉状（要素式）");
    assert_string_equal(yzt_json_str(&r, "complaint.sections.0.title"), "诉讼请求");
    assert_string_equal(yzt_json_str(&r, "complaint.sections.0.items.0.elements.1.id"), "c1.2");
    assert_string_equal(yzt_json_str(&r, "complaint.sections.0.items.0.elements.1.type"), "amount");
    assert_string_equal(yzt_json_str(&r, "complaint.sections.0.items.7.elements.0.label"),
                        "标的总额");
    assert_true(yzt_json_bool(&r, "complaint.sections.0.items.7.elements.0.required"));
    assert_string_equal(yzt_json_str(&r, "complaint.sections.0.items.1.elements.2.hint"),
                        "利率、计息起止、基数");
    assert_string_equal(yzt_json_str(&r, "complaint.sections.2.items.2.elements.2.options.1"),
                        "转账");
    assert_string_equal(yzt_json_str(&r, "answer.title"), "民事答辩状（要素式）");
    assert_string_equal(yzt_json_str(&r, "answer.sections.0.items.0.elements.0.type"), "yes_no");
    yzt_response_free(&r);

    yzt_request(&anon, "GET", "/api/v1/complaint-forms/103.3", NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
}

static json_t *loan_answers(void)
{
    return json_pack("{s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}],"
                     " s:s, s:I, s:I, s:s, s:b, s:I, s:b, s:b,"
                     " s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}",
                     "parties", "role", "plaintiff", "kind", "natural", "name", "张三", "sex",
                     "male", "birth_date", "1990-01-01", "citizen_id", PLAINTIFF_ID, "address",
                     "重庆市渝中区解放碑街道1号", "phone", "13800000001", "role", "defendant",
                     "kind", "natural", "name", "李四", "address", "重庆市江北区观音桥街道2号",
                     /* claims */
                     "c1.1", "2025-06-30", "c1.2", (json_int_t)10000000, "c2.2", (json_int_t)123456,
                     "c2.3", "以100000元为基数，按年利率3.85%计算", "c2.4", 1, "c8.1",
                     (json_int_t)10123456, "c6.1", 1, "j2.1", 0,
                     /* facts */
                     "f1.1", "《借款合同》，2025年1月1日签订", "f2.1", "张三", "f2.2", "李四",
                     "f3.1", (json_int_t)10000000, "f3.2", (json_int_t)10000000, "f3.3", "转账",
                     "f5.1", "3.85", "f17.2", "《中华人民共和国民法典》第六百七十五条");
}

static void render_and_file(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    int64_t court = yzt_court_id(&party, "渝0103");
    char path[64], court_name[256];
    struct yzt_response r = {0};
    snprintf(path, sizeof path, "/api/v1/courts/%lld", (long long)court);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    snprintf(court_name, sizeof court_name, "此致\n%s\n", yzt_json_str(&r, "name"));
    yzt_response_free(&r);

    /* Rendering is public, needs no Idempotency-Key and stores nothing. */
    static const char *const skip[] = {"sessions", "login_throttle", NULL};
    char before[65], after[65];
    yzt_db_snapshot_hash_except(&srv, skip, before);
    struct yzt_client anon = {.srv = &srv};
    yzt_request_json(&anon, "POST", "/api/v1/complaint-forms/108.3/render",
                     json_pack("{s:o, s:I, s:s}", "answers", loan_answers(), "court_id",
                               (json_int_t)court, "date", "2026-03-02"),
                     NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_db_snapshot_hash_except(&srv, skip, after);
    assert_string_equal(before, after);

    const char *text = yzt_json_str(&r, "text");
    assert_memory_equal(text, "民事起诉状（要素式）\n（民间借贷纠纷）\n",
                        strlen("民事起诉状（要素式）\n（民间借贷纠纷）\n"));
    assert_non_null(strstr(text, "原告：张三，男，1990年1月1日出生，"));
    assert_non_null(strstr(text, "公民身份号码：500***********1232。\n被告：李四，"));
    assert_null(strstr(text, PLAINTIFF_ID));
    assert_non_null(strstr(text, court_name));
    assert_non_null(strstr(text, "具状人（签字、盖章）：张三\n2026年3月2日\n"));
    assert_string_equal(yzt_json_str(&r, "document"), "complaint");
    assert_int_equal(yzt_json_int(&r, "amount_fen"), 10123456);
    const char *claims = yzt_json_str(&r, "claims");
    assert_memory_equal(claims, "1. 本金：截至日期：2025年6月30日；尚欠本金：100000.00元。\n",
                        strlen("1. 本金：截至日期：2025年6月30日；尚欠本金：100000.00元。\n"));
    assert_non_null(strstr(claims, "\n8. 标的总额：101234.56元。"));
    const char *facts = yzt_json_str(&r, "facts");
    assert_non_null(
        strstr(facts, "3. 借款金额：约定：100000.00元；实际提供：100000.00元；提供方式：转账。"));

    /* The claims and facts go into a filing application as they are. */
    json_t *application = json_pack(
        "{s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}],"
        " s:s, s:s, s:I, s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_revision", 2025, "case_type", "民初", "parties", "role",
        "plaintiff", "kind", "natural", "name", "张三", "sex", "male", "birth_date", "1990-01-01",
        "citizen_id", PLAINTIFF_ID, "address", "重庆市渝中区解放碑街道1号", "phone", "13800000001",
        "role", "defendant", "kind", "natural", "name", "李四", "address",
        "重庆市江北区观音桥街道2号", "claims", claims, "facts", facts, "amount_fen",
        (json_int_t)yzt_json_int(&r, "amount_fen"), "service_address", "address",
        "重庆市渝中区解放碑街道1号", "phone", "13800000001", "e_service_consent", 1);
    yzt_response_free(&r);
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "张三诉李四民间借贷纠纷", "fields",
                           "channel", "online", "application", application),
                 &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);

    /* A signed-in caller renders too (with its CSRF token, which the harness sends). */
    yzt_request_json(
        &party, "POST", "/api/v1/complaint-forms/108.3/render",
        json_pack("{s:o, s:I}", "answers", loan_answers(), "court_id", (json_int_t)court), NULL,
        &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

static void render_answer(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    int64_t court = yzt_court_id(&anon, "渝0103");
    yzt_request_json(&anon, "POST", "/api/v1/complaint-forms/108.3/render",
                     json_pack("{s:{s:b, s:s}, s:I, s:s, s:s}", "answers", "d1.1", 1, "d1.2",
                               "已归还五万元", "court_id", (json_int_t)court, "date", "2026-03-02",
                               "document", "answer"),
                     NULL, &r);
    yzt_assert_status(&r, 200);
    const char *text = yzt_json_str(&r, "text");
    assert_non_null(strstr(text, "民事答辩状（要素式）\n"));
    assert_non_null(
        strstr(text, "答辩事项：\n1. 对本金有无异议：有；事实和理由：已归还五万元。\n"));
    assert_false(yzt_json_has(&r, "claims"));
    yzt_response_free(&r);
}

static void render_reports_every_problem(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    yzt_request_json(&anon, "POST", "/api/v1/complaint-forms/108.3/render",
                     json_pack("{s:{s:s, s:I, s:s, s:s, s:[{s:s}]}, s:I}", "answers", "c1.2",
                               "十万元", "c2.2", (json_int_t)-100, "f3.3", "支票", "zz", "x",
                               "parties", "role", "plaintiff", "court_id", (json_int_t)999999),
                     NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "answers/c1.2", "wrong_type");
    yzt_assert_field_error_code(&r, "answers/c2.2", "out_of_range");
    yzt_assert_field_error_code(&r, "answers/f3.3", "not_allowed");
    yzt_assert_field_error_code(&r, "answers/zz", "unknown_field");
    yzt_assert_field_error_code(&r, "answers/c8.1", "required");
    yzt_assert_field_error_code(&r, "answers/parties/0/kind", "required");
    yzt_assert_field_error_code(&r, "answers/parties/0/name", "required");
    yzt_assert_field_error_code(&r, "court_id", "not_found");
    yzt_response_free(&r);

    /* Nothing answered. */
    yzt_request_json(&anon, "POST", "/api/v1/complaint-forms/14/render",
                     json_pack("{s:{}, s:I}", "answers", "court_id", (json_int_t)1), NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "answers", "no_claims");
    yzt_assert_field_error_code(&r, "answers", "no_facts");
    yzt_response_free(&r);

    /* The body schema itself: answers must be an object, document one of two. */
    yzt_request_json(
        &anon, "POST", "/api/v1/complaint-forms/14/render",
        json_pack("{s:[], s:I, s:s}", "answers", "court_id", (json_int_t)1, "document", "letter"),
        NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "answers", "wrong_type");
    yzt_assert_field_error_code(&r, "document", "not_allowed");
    yzt_response_free(&r);
}

static void unknown_form(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    yzt_request_json(&anon, "POST", "/api/v1/complaint-forms/99.9/render",
                     json_pack("{s:{}, s:I}", "answers", "court_id", (json_int_t)1), NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    yzt_request(&anon, "GET", "/api/v1/complaint-forms/nope", NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_forms),
        cmocka_unit_test(get_form),
        cmocka_unit_test(render_and_file),
        cmocka_unit_test(render_answer),
        cmocka_unit_test(render_reports_every_problem),
        cmocka_unit_test(unknown_form),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
