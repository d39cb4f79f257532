/*
 * Unit tests for src/mediation/notices.c: which cause-specific risk
 * paragraphs apply to a cause (against the real catalogue in data/, both
 * revisions), the exact yuan formatting, and the notice builder's refusals
 * and fee figures on hand-made matter JSON (no store needed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "catalog/catalog.h"
#include "mediation/notices.h"

static struct yz_catalog *cat;

static int setup(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    enum yz_err e = yz_catalog_load_dir("data", &cat, &err);
    if (e != YZ_OK)
        fprintf(stderr, "catalogue failed to load: %s\n", err.data);
    yz_buf_release(&err);
    return e == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    yz_catalog_free(cat);
    return 0;
}

/* The codes of the rows cause gets, joined with ",". */
static void risks_of(const char *code, enum yz_cause_rev rev, size_t max, char *out, size_t size)
{
    const struct yz_cause *c = yz_catalog_cause(cat, code, rev);
    assert_non_null(c);
    const struct yz_notice_risk *r[YZ_NOTICE_MAX_RISKS];
    size_t n = yz_notice_cause_risks(cat, c, r, max);
    assert_true(n <= max);
    out[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? "," : "", r[i]->code);
}

/* RULE: notice-cause-risks */
static void risk_rows_follow_the_catalogue_tree(void **state)
{
    char got[128];
    struct {
        const char *code;
        enum yz_cause_rev rev;
        const char *want;
    } cases[] = {
        {"108.3", YZ_CAUSE_REV_2025, "108.3,108"}, /* 民间借贷: its own row, then 借款合同 */
        {"108.1", YZ_CAUSE_REV_2025, "108"},       /* 金融借款: the parent's only */
        {"108", YZ_CAUSE_REV_2025, "108"},
        {"88.8", YZ_CAUSE_REV_2025, "88"},         /* 信息网络买卖合同 */
        {"205.5", YZ_CAUSE_REV_2025, "C19"},       /* 追索劳动报酬: 劳动争议, two levels up */
        {"14", YZ_CAUSE_REV_2025, "C02"},          /* 离婚纠纷 */
        {"411", YZ_CAUSE_REV_2025, "411"},         /* 机动车交通事故 */
        {"126", YZ_CAUSE_REV_2025, "126"},         /* 物业服务合同 */
        {"116.2", YZ_CAUSE_REV_2025, "116.2"},     /* 房屋租赁合同 */
        {"116.1", YZ_CAUSE_REV_2025, ""},          /* 土地租赁: no row, general text only */
        {"9", YZ_CAUSE_REV_2025, ""},              /* 婚姻自主权 is 人格权, not 婚姻家庭 */
        {"P02", YZ_CAUSE_REV_2025, ""},            /* the part is above 婚姻家庭纠纷 */
        {"103.3", YZ_CAUSE_REV_2020, "108.3,108"}, /* 2020 民间借贷 read through 2025 */
        {"14", YZ_CAUSE_REV_2020, "C02"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        risks_of(cases[i].code, cases[i].rev, YZ_NOTICE_MAX_RISKS, got, sizeof got);
        if (strcmp(got, cases[i].want) != 0)
            fprintf(stderr, "%s (%d): got \"%s\"\n", cases[i].code, (int)cases[i].rev, got);
        assert_string_equal(got, cases[i].want);
    }
    /* The limit keeps the most specific. */
    risks_of("108.3", YZ_CAUSE_REV_2025, 1, got, sizeof got);
    assert_string_equal(got, "108.3");
    const struct yz_notice_risk *r[1];
    assert_int_equal(yz_notice_cause_risks(cat, NULL, r, 1), 0);
    assert_int_equal(yz_notice_cause_risks(NULL, yz_catalog_cause(cat, "108.3", YZ_CAUSE_REV_2025), r, 1), 0);
}

static void yuan_is_exact(void **state)
{
    char s[32];
    struct {
        int64_t fen;
        const char *want;
    } cases[] = {{0, "0.00"}, {5, "0.05"}, {100, "1.00"}, {105000, "1050.00"}, {-150, "-1.50"},
                 {INT64_C(1000000000000000), "10000000000000.00"},
                 {INT64_MIN, "-92233720368547758.08"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        yz_notice_format_yuan(cases[i].fen, s, sizeof s);
        assert_string_equal(s, cases[i].want);
    }
}

static void kinds_parse(void **state)
{
    enum yz_notice_kind k = YZ_NOTICE_NONE;
    assert_true(yz_notice_kind_parse("fee_reduction", &k));
    assert_int_equal(k, YZ_NOTICE_FEE_REDUCTION);
    assert_true(yz_notice_kind_parse("litigation_risk", &k));
    assert_int_equal(k, YZ_NOTICE_LITIGATION_RISK);
    assert_false(yz_notice_kind_parse("Fee_reduction", &k));
    assert_false(yz_notice_kind_parse(NULL, &k));
    assert_int_equal(k, YZ_NOTICE_LITIGATION_RISK);
}

static json_t *matter(const char *state, json_t *amount)
{
    json_t *app = json_pack("{s:s, s:s, s:i, s:[{s:s, s:s}, {s:s, s:s}]}", "cause_code", "205.5",
                            "cause_name", "追索劳动报酬纠纷", "cause_revision", 2025, "parties",
                            "role", "plaintiff", "name", "王五", "role", "defendant", "name",
                            "某公司");
    if (amount)
        json_object_set_new(app, "amount_fen", amount);
    return json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:o}}", "kind", "mediation", "state", state,
                     "court", "name", "某区人民法院", "data", "number", "（2026）渝0103民诉前调1号",
                     "application", app);
}

static void builder_refuses_and_quotes(void **state)
{
    struct yz_app app = {0};
    app.catalog = cat;
    struct yz_buf err = YZ_BUF_INIT(1024);
    json_t *out = NULL;

    json_t *m = matter("mediating", NULL);
    assert_int_equal(yz_notice_build(&app, m, YZ_NOTICE_FEE_REDUCTION, &out, &err),
                     YZ_ERR_INVALID_TRANSITION);
    assert_null(out);
    assert_true(err.len > 0);
    assert_int_equal(yz_notice_build(&app, m, YZ_NOTICE_NONE, &out, &err), YZ_ERR_BAD_REQUEST);
    /* The cause-specific risk comes from the tree: 劳动争议, arbitration first. */
    assert_int_equal(yz_notice_build(&app, m, YZ_NOTICE_LITIGATION_RISK, &out, &err), YZ_OK);
    const char *t = json_string_value(json_object_get(out, "text"));
    assert_non_null(strstr(t, "王五："));
    assert_non_null(strstr(t, "劳动争议仲裁委员会"));
    assert_null(strstr(t, "暂无特别提示"));
    json_decref(out);
    json_decref(m);

    /* No amount and no provincial figure: the national range, halved. */
    m = matter("settled", NULL);
    assert_int_equal(yz_notice_build(&app, m, YZ_NOTICE_FEE_REDUCTION, &out, &err), YZ_OK);
    t = json_string_value(json_object_get(out, "text"));
    assert_non_null(strstr(t, "50.00元至100.00元"));
    assert_non_null(strstr(t, "25.00元至50.00元"));
    json_decref(out);
    json_decref(m);

    /* 1,000 yuan: the 50-yuan minimum, halved to 25. */
    m = matter("performed", json_integer(100000));
    assert_int_equal(yz_notice_build(&app, m, YZ_NOTICE_FEE_REDUCTION, &out, &err), YZ_OK);
    t = json_string_value(json_object_get(out, "text"));
    assert_non_null(strstr(t, "请求金额1000.00元"));
    assert_non_null(strstr(t, "应交纳案件受理费50.00元"));
    assert_non_null(strstr(t, "即25.00元"));
    json_decref(out);
    json_decref(m);

    /* A matter without a dispute has no notices. */
    m = json_pack("{s:s, s:s, s:{}}", "kind", "petition", "state", "open", "data");
    assert_int_equal(yz_notice_build(&app, m, YZ_NOTICE_DISPUTE_RESOLUTION, &out, &err),
                     YZ_ERR_INVALID_TRANSITION);
    assert_null(out);
    json_decref(m);
    yz_buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(risk_rows_follow_the_catalogue_tree),
        cmocka_unit_test(yuan_is_exact),
        cmocka_unit_test(kinds_parse),
        cmocka_unit_test(builder_refuses_and_quotes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
