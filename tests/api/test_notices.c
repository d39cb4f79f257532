/*
 * The party's notices of a pre-filing mediation over HTTP: the
 * dispute-resolution notice, the litigation risk notice (民间借贷: the
 * cause-specific paragraphs) and the fee-reduction notice, which exists only
 * once the dispute is settled. Someone outside the matter gets the same 404
 * as for a matter that does not exist; an unknown kind is a 400.
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
static struct yzt_client party = {.srv = &srv}, other = {.srv = &srv}, stranger = {.srv = &srv},
                         mediator = {.srv = &srv}, clerk = {.srv = &srv};
static int64_t court;

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&party, "13800000001");
    yzt_demo_login(&other, "13800000002");
    yzt_demo_login(&stranger, "13800000003");
    yzt_demo_login(&mediator, "13800000005");
    yzt_demo_login(&clerk, "filing_clerk");
    court = yzt_court_id(&party, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static json_t *dispute(void)
{
    return json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}], s:s, s:s,"
        " s:I, s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "case_type", "民初", "parties", "role", "plaintiff", "kind",
        "natural", "name", "张三", "sex", "male", "citizen_id", "500103199001011232", "address",
        "重庆市渝中区解放碑街道1号", "phone", "13800000001", "role", "defendant", "kind",
        "natural", "name", "李四", "address", "重庆市江北区观音桥街道2号", "phone", "13800000002",
        "claims", "偿还借款五万元", "facts", "被告借款五万元逾期未还。", "amount_fen",
        (json_int_t)5000000, "service_address", "address", "重庆市渝中区解放碑街道1号", "phone",
        "13800000001", "e_service_consent", 1);
}

/* A new mediation; *number receives its number. */
static int64_t apply(char *number, size_t size)
{
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:b, s:o}}", "kind", "mediation", "court_id",
                           (json_int_t)court, "title", "民间借贷纠纷诉前调解", "fields", "channel",
                           "online", "consent", 1, "application", dispute()),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    snprintf(number, size, "%s", yzt_json_str(&r, "data.number"));
    assert_non_null(strstr(number, "民诉前调"));
    yzt_response_free(&r);
    return id;
}

static void fire(struct yzt_client *c, int64_t id, json_t *body)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    struct yzt_response r = {0};
    yzt_post_new(c, path, body, &r);
    if (r.status != 200)
        print_error("%s\n", r.body ? r.body : "");
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

static void settle(int64_t id)
{
    int64_t mediator_id = yzt_db_count(&srv, "SELECT min(id) FROM mediators");
    assert_true(mediator_id > 0);
    fire(&clerk, id, json_pack("{s:s, s:{s:I}}", "event", "delegate", "fields", "mediator_id",
                               (json_int_t)mediator_id));
    fire(&mediator, id, json_pack("{s:s}", "event", "accept"));
    fire(&mediator, id,
         json_pack("{s:s, s:{s:{s:[s], s:I, s:s}}}", "event", "propose_agreement", "fields",
                   "agreement", "terms", "被申请人于2026年12月31日前向申请人支付四万五千元。",
                   "amount_fen", (json_int_t)4500000, "performance_date", "2026-12-31"));
    fire(&party, id, json_pack("{s:s}", "event", "confirm_agreement"));
    fire(&other, id, json_pack("{s:s}", "event", "confirm_agreement"));
    fire(&mediator, id, json_pack("{s:s}", "event", "conclude"));
}

static void get_notice(struct yzt_client *c, int64_t id, const char *kind, struct yzt_response *r)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/notices/%s", (long long)id, kind);
    yzt_request(c, "GET", path, NULL, NULL, r);
}

static void assert_has(const char *text, const char *phrase)
{
    if (!strstr(text, phrase))
        print_error("missing \"%s\" in:\n%s\n", phrase, text);
    assert_non_null(strstr(text, phrase));
}

/* RULE: notice-dispute-resolution, notice-litigation-risk, notice-fee-reduction */
static void notices_for_the_party(void **state)
{
    char number[64];
    int64_t id = apply(number, sizeof number);
    struct yzt_response r = {0};

    get_notice(&party, id, "dispute_resolution", &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "kind"), "dispute_resolution");
    assert_string_equal(yzt_json_str(&r, "title"), "多元解纷告知书");
    const char *t = yzt_json_str(&r, "text");
    assert_true(strncmp(t, "张三：", strlen("张三：")) == 0);
    const char *const dr[] = {number, "重庆市渝中区人民法院", "和解", "人民调解", "行业调解",
                              "律师调解", "诉前调解", "仲裁", "行政裁决", "三十日",
                              "第一百二十五条", "第二十四条", "拒绝调解不需要支付任何费用",
                              "减半交纳案件受理费", "第十五条", "第二百零五条", "司法确认"};
    for (size_t i = 0; i < sizeof dr / sizeof dr[0]; i++)
        assert_has(t, dr[i]);
    yzt_response_free(&r);

    /* The respondent is a participant too and may read the notices. */
    get_notice(&other, id, "litigation_risk", &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "title"), "诉讼风险提示书");
    t = yzt_json_str(&r, "text");
    const char *const lr[] = {"张三", number, "民间借贷纠纷", "举证不能", "诉讼时效",
                              "诉讼请求不当", "按撤诉处理", "二年", "虚假诉讼",
                              "四倍", "借贷合意", "实际交付"};
    for (size_t i = 0; i < sizeof lr / sizeof lr[0]; i++)
        assert_has(t, lr[i]);
    /* Specific before general: the interest cap (民间借贷) precedes the loan-contract paragraph. */
    assert_true(strstr(t, "四倍") < strstr(t, "借贷合意"));
    assert_null(strstr(t, "劳动争议仲裁"));
    yzt_response_free(&r);

    /* Not settled yet: no fee-reduction notice. */
    get_notice(&party, id, "fee_reduction", &r);
    yzt_assert_problem(&r, 409, "invalid_transition");
    yzt_response_free(&r);

    /* Someone outside the matter: exactly what a missing matter answers. */
    struct yzt_response missing = {0};
    get_notice(&stranger, id, "dispute_resolution", &r);
    get_notice(&stranger, id + 100000, "dispute_resolution", &missing);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_assert_problem(&missing, 404, "not_found");
    json_object_del(r.json, "instance");
    json_object_del(r.json, "request_id");
    json_object_del(missing.json, "instance");
    json_object_del(missing.json, "request_id");
    assert_true(json_equal(r.json, missing.json));
    yzt_response_free(&r);
    yzt_response_free(&missing);

    get_notice(&party, id, "fee_waiver", &r);
    yzt_assert_status(&r, 400);
    yzt_response_free(&r);

    settle(id);
    get_notice(&party, id, "fee_reduction", &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "title"), "诉讼费用减半告知书");
    t = yzt_json_str(&r, "text");
    /* 50,000 yuan: 50 + (50,000 - 10,000) x 2.5% = 1,050.00 yuan; halved 525.00. */
    const char *const fr[] = {"张三", "李四", number, "50000.00元", "1050.00元", "525.00元",
                              "第十三条", "第十五条", "不收取任何费用"};
    for (size_t i = 0; i < sizeof fr / sizeof fr[0]; i++)
        assert_has(t, fr[i]);
    yzt_response_free(&r);
}

/* RULE: administrative-route */
static void administrative_route_notice_and_letter(void **state)
{
    char number[96];
    int64_t routed = apply(number, sizeof number);
    struct yzt_response r = {0};
    get_notice(&party, routed, "administrative_referral", &r);
    yzt_assert_problem(&r, 409, "invalid_transition"); /* not closed that way (yet) */
    yzt_response_free(&r);
    fire(&clerk, routed,
         json_pack("{s:s, s:{s:s, s:s}}", "event", "close", "fields", "reason", "administrative_route",
                   "authority", "重庆市渝中区自然资源局"));
    get_notice(&party, routed, "administrative_referral", &r);
    yzt_assert_status(&r, 200);
    const char *text = yzt_json_str(&r, "text");
    assert_has(text, "可以向重庆市渝中区自然资源局申请行政裁决");
    assert_has(text, "致重庆市渝中区自然资源局");
    assert_has(text, number);
    yzt_response_free(&r);

    int64_t other_close = apply(number, sizeof number);
    fire(&clerk, other_close,
         json_pack("{s:s, s:{s:s}}", "event", "close", "fields", "reason", "no_response"));
    get_notice(&party, other_close, "administrative_referral", &r);
    yzt_assert_problem(&r, 409, "invalid_transition");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(notices_for_the_party),
        cmocka_unit_test(administrative_route_notice_and_letter),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
