/*
 * Document templates (templates.h): the loader refuses every kind of bad
 * template with its reason, the shipped templates load against the real
 * catalogue, the case class decides which templates apply, inputs are
 * checked, and the summons for the fixture case is exactly the expected text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "catalog/catalog.h"
#include "core/jsonfile.h"
#include "templates/templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_catalog *cat;
static struct yz_templates *set;

static int setup(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    if (yz_catalog_load_dir("data", &cat, &err) != YZ_OK ||
        yz_templates_load_dir("data", cat, &set, &err) != YZ_OK) {
        print_error("%s\n", err.data);
        yz_buf_release(&err);
        return -1;
    }
    yz_buf_release(&err);
    return 0;
}

static int teardown(void **state)
{
    yz_templates_free(set);
    yz_catalog_free(cat);
    return 0;
}

/* Parses text as template "t"; returns the error text ("" when it loaded). */
static char *parse(const char *text, const struct yz_catalog *c)
{
    static char out[1024];
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    assert_non_null(root);
    struct yz_buf err = YZ_BUF_INIT(1000);
    struct yz_template t;
    enum yz_err e = yz_template_parse("t", root, c, &t, &err);
    snprintf(out, sizeof out, "%s", err.data);
    if (e == YZ_OK) {
        assert_string_equal(out, "");
        yz_template_release(&t);
    } else {
        assert_int_equal(e, YZ_ERR_CONFIG);
        assert_true(out[0] != '\0');
    }
    yz_buf_release(&err);
    json_decref(root);
    return out;
}

#define GOOD_BODY "\"body\": [{\"style\": \"title\", \"text\": \"传票 {{case.number}}\"}]"

static void the_loader_refuses_bad_templates(void **state)
{
    static const struct {
        const char *json;
        const char *reason; /* a part of the message */
    } bad[] = {
        {"[]", "JSON 对象"},
        {"{\"id\": \"t\", \"title\": \"x\", \"colour\": 1, " GOOD_BODY "}", "colour"},
        {"{\"id\": \"other\", \"title\": \"x\", " GOOD_BODY "}", "文件名"},
        {"{\"id\": \"t\", " GOOD_BODY "}", "title"},
        {"{\"id\": \"t\", \"title\": \"x\"}", "body"},
        {"{\"id\": \"t\", \"title\": \"x\", \"body\": []}", "body"},
        {"{\"id\": \"t\", \"title\": \"x\", \"body\": [{\"style\": \"huge\", \"text\": \"a\"}]}",
         "style"},
        {"{\"id\": \"t\", \"title\": \"x\", \"body\": [{\"style\": \"para\"}]}", "text"},
        {"{\"id\": \"t\", \"title\": \"x\", \"body\": [{\"style\": \"blank\", \"text\": \"a\"}]}",
         "空行"},
        {"{\"id\": \"t\", \"title\": \"x\", \"body\": [{\"style\": \"para\", \"text\": \"{{case.judge}}\"}]}",
         "{{case.judge}}"},
        {"{\"id\": \"t\", \"title\": \"x\", \"body\": [{\"style\": \"para\", \"text\": \"{{input.x}}\"}]}",
         "{{input.x}}"},
        {"{\"id\": \"t\", \"title\": \"x\", \"body\": [{\"style\": \"para\", \"text\": \"{{today\"}]}",
         "未闭合"},
        {"{\"id\": \"t\", \"title\": \"x\", \"body\": [{\"style\": \"para\", \"text\": \"today}}\"}]}",
         "未配对"},
        {"{\"id\": \"t\", \"title\": \"x\", \"inputs\": [{\"name\": \"a\", \"title\": \"甲\", \"type\": "
         "\"text\"}], " GOOD_BODY "}",
         "没有在正文中使用"},
        {"{\"id\": \"t\", \"title\": \"x\", \"inputs\": [{\"name\": \"a\", \"title\": \"甲\", \"type\": "
         "\"colour\"}], \"body\": [{\"style\": \"para\", \"text\": \"{{input.a}}\"}]}",
         "type"},
        {"{\"id\": \"t\", \"title\": \"x\", \"inputs\": [{\"name\": \"a\", \"title\": \"甲\", \"type\": "
         "\"text\"}, {\"name\": \"a\", \"title\": \"乙\", \"type\": \"text\"}], "
         "\"body\": [{\"style\": \"para\", \"text\": \"{{input.a}}\"}]}",
         "重复"},
        {"{\"id\": \"t\", \"title\": \"x\", \"inputs\": [{\"name\": \"A-1\", \"title\": \"甲\", \"type\": "
         "\"text\"}], " GOOD_BODY "}",
         "小写字母"},
        {"{\"id\": \"t\", \"title\": \"x\", \"inputs\": [{\"name\": \"a\", \"title\": \"甲\", \"type\": "
         "\"text\", \"required\": \"yes\"}], \"body\": [{\"style\": \"para\", \"text\": \"{{input.a}}\"}]}",
         "required"},
        {"{\"id\": \"t\", \"title\": \"x\", \"applies_to\": {\"courts\": []}, " GOOD_BODY "}",
         "applies_to"},
        {"{\"id\": \"t\", \"title\": \"x\", \"applies_to\": {\"causes\": [1]}, " GOOD_BODY "}",
         "causes"},
        {"{\"id\": \"t\", \"title\": \"x\", \"applies_to\": {\"procedures\": [\"closed\"]}, " GOOD_BODY "}",
         "审理程序 closed"},
        {"{\"id\": \"t\", \"title\": \"x\", \"applies_to\": {\"procedures\": \"ordinary\"}, " GOOD_BODY "}",
         "procedures"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = parse(bad[i].json, NULL);
        if (!strstr(why, bad[i].reason))
            fail_msg("template %zu: expected a reason with \"%s\", got \"%s\"", i, bad[i].reason,
                     why);
    }
    /* Against the catalogue: unknown case types and causes. */
    assert_non_null(strstr(parse("{\"id\": \"t\", \"title\": \"x\", \"applies_to\": {\"case_types\": "
                                 "[\"民x\"]}, " GOOD_BODY "}",
                                 cat),
                           "民x"));
    assert_non_null(strstr(parse("{\"id\": \"t\", \"title\": \"x\", \"applies_to\": {\"causes\": "
                                 "[\"999.9\"]}, " GOOD_BODY "}",
                                 cat),
                           "999.9"));
    /* And a good one loads. */
    assert_string_equal(parse("{\"id\": \"t\", \"title\": \"x\", \"applies_to\": {\"case_types\": "
                              "[\"民初\"], \"causes\": [\"115\"]}, \"inputs\": [{\"name\": \"a\", "
                              "\"title\": \"甲\", \"type\": \"date\", \"required\": true}], \"body\": "
                              "[{\"style\": \"para\", \"text\": \"{{input.a}} {{today_cn}}\"}, "
                              "{\"style\": \"blank\"}]}",
                              cat),
                        "");
}

/* RULE: template-case-class */
static void the_case_class_decides_which_templates_apply(void **state)
{
    const struct yz_template *card = yz_templates_find(set, "credit_card_element_judgment");
    const struct yz_template *summons = yz_templates_find(set, "summons");
    assert_non_null(card);
    assert_non_null(summons);
    assert_null(yz_templates_find(set, "nope"));
    const struct yz_template *small = yz_templates_find(set, "small_claims_judgment");
    assert_non_null(small);
    assert_true(yz_template_applies(card, cat, "民初", "115.2", "simplified"));
    assert_false(yz_template_applies(card, cat, "民初", "126", "simplified"));
    assert_false(yz_template_applies(card, cat, "民终", "115.2", "simplified"));
    assert_true(yz_template_applies(summons, cat, "民初", "126", "ordinary"));
    assert_false(yz_template_applies(summons, cat, "民特", "126", "ordinary"));
    /* The procedure: an appealable judgment is not for a small-claims case, nor
     * any judgment for a case not yet on a track; a class of cases sees all. */
    assert_false(yz_template_applies(card, cat, "民初", "115.2", "small_claims"));
    assert_false(yz_template_applies(card, cat, "民初", "115.2", "ordinary"));
    assert_false(yz_template_applies(card, cat, "民初", "115.2", ""));
    assert_true(yz_template_applies(card, cat, "民初", "115.2", NULL));
    assert_true(yz_template_applies(small, cat, "民初", "126", "small_claims"));
    assert_false(yz_template_applies(small, cat, "民初", "126", "simplified"));
    assert_true(yz_template_applies(summons, cat, "民初", "126", ""));
    assert_true(yz_template_procedure_known("ordinary"));
    assert_false(yz_template_procedure_known("closed"));
    assert_false(yz_template_procedure_known(NULL));
    assert_int_equal(set->n, 6); /* the files of data/templates */
}

static json_t *load_json(const char *path)
{
    json_t *root = NULL;
    struct yz_buf err = YZ_BUF_INIT(1024);
    if (yz_json_load_file(path, 1 << 20, &root, &err) != YZ_OK)
        fail_msg("%s: %s", path, err.data);
    yz_buf_release(&err);
    return root;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[64 * 1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void the_summons_for_the_fixture_case_is_exact(void **state)
{
    json_t *view = load_json("tests/fixtures/template_case.json");
    json_t *inputs = load_json("tests/fixtures/template_inputs_summons.json");
    struct yz_doc doc;
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_template_fill(yz_templates_find(set, "summons"), view, inputs, &doc, &fe),
                     YZ_OK);
    struct yz_buf text = YZ_BUF_INIT(1 << 20);
    yz_doc_text(&doc, &text);
    assert_string_equal(text.data, read_text("tests/fixtures/template_summons.txt"));
    yz_buf_release(&text);
    yz_doc_release(&doc);
    json_decref(inputs);
    json_decref(view);
}

static void the_judgment_shows_parties_amounts_and_dates(void **state)
{
    json_t *view = load_json("tests/fixtures/template_case.json");
    json_t *inputs = json_pack(
        "{s:s, s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "contract_date", "2023-05-01",
        "principal", (json_int_t)1234567, "interest", (json_int_t)10005, "penalty", (json_int_t)0,
        "disputed", "无", "decision", "被告李四于本判决生效之日起十日内偿还原告透支本金。", "fee",
        (json_int_t)5000, "appeal_court", "重庆市第五中级人民法院", "judge", "郑法官", "clerk",
        "陈书记员");
    struct yz_doc doc;
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_template_fill(yz_templates_find(set, "credit_card_element_judgment"), view,
                                      inputs, &doc, &fe),
                     YZ_OK);
    struct yz_buf text = YZ_BUF_INIT(1 << 20);
    yz_doc_text(&doc, &text);
    static const char *const want[] = {
        "民事判决书",
        "（2026）渝0103民初15号",
        "原告：重庆示例银行股份有限公司，统一社会信用代码91500103MA5U0AAA0Q，住所地重庆市渝中区民族路188号。",
        "法定代表人：王经理。",
        "委托诉讼代理人：赵律师，重庆示例律师事务所律师。",
        "被告：李四，女，1985年2月2日出生，汉族，公民身份号码500***********2330，住重庆市江北区***。",
        "本院于2026年3月2日立案",
        "诉讼标的额12345.67元",
        "二、信用卡领用合约签订日期：2023年5月1日",
        "三、透支本金：12345.67元",
        "四、利息：100.05元",
        "五、违约金及其他费用：0.00元",
        "六、最后一次还款日期：\n",
        "案件受理费50.00元，由被告李四负担。",
        "二〇二六年三月九日",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(text.data, want[i]))
            fail_msg("missing \"%s\" in:\n%s", want[i], text.data);
    assert_null(strstr(text.data, "sealed"));
    yz_buf_release(&text);
    yz_doc_release(&doc);
    json_decref(inputs);
    json_decref(view);
}

static void bad_inputs_are_named_each(void **state)
{
    json_t *view = load_json("tests/fixtures/template_case.json");
    const struct yz_template *t = yz_templates_find(set, "summons");
    json_t *inputs = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "summoned", "李四\n王五",
                               "address", 3, "appear_at", "2026-03-20 14:30", "place",
                               "本院", "judge", "", "colour", "红");
    struct yz_doc doc;
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_template_fill(t, view, inputs, &doc, &fe), YZ_ERR_VALIDATION);
    static const char *const want[][2] = {
        {"inputs/colour", "unknown_field"}, {"inputs/summoned", "invalid_text"},
        {"inputs/address", "wrong_type"},   {"inputs/reason", "required"},
        {"inputs/appear_at", "invalid"},    {"inputs/judge", "required"},
        {"inputs/clerk", "required"},
    };
    assert_int_equal(fe.count, (int)(sizeof want / sizeof want[0]));
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        bool found = false;
        for (int k = 0; k < fe.count && !found; k++)
            found = strcmp(fe.items[k].field, want[i][0]) == 0 &&
                    strcmp(fe.items[k].code, want[i][1]) == 0;
        if (!found)
            fail_msg("no %s %s", want[i][0], want[i][1]);
    }
    json_decref(inputs);
    /* Not an object; a date that does not exist; money that is not fen. */
    memset(&fe, 0, sizeof fe);
    json_t *arr = json_array();
    assert_int_equal(yz_template_fill(t, view, arr, &doc, &fe), YZ_ERR_VALIDATION);
    json_decref(arr);
    memset(&fe, 0, sizeof fe);
    inputs = json_pack("{s:s, s:f}", "contract_date", "2023-02-30", "principal", 1.5);
    assert_int_equal(yz_template_fill(yz_templates_find(set, "credit_card_element_judgment"), view,
                                      inputs, &doc, &fe),
                     YZ_ERR_VALIDATION);
    bool date = false, money = false;
    for (int k = 0; k < fe.count; k++) {
        date = date || strcmp(fe.items[k].field, "inputs/contract_date") == 0;
        money = money || strcmp(fe.items[k].field, "inputs/principal") == 0;
    }
    assert_true(date && money);
    json_decref(inputs);
    /* A view that is not one is a caller bug. */
    memset(&fe, 0, sizeof fe);
    json_t *empty = json_object();
    assert_int_equal(yz_template_fill(t, empty, NULL, &doc, &fe), YZ_ERR_INTERNAL);
    json_decref(empty);
    json_decref(view);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_loader_refuses_bad_templates),
        cmocka_unit_test(the_case_class_decides_which_templates_apply),
        cmocka_unit_test(the_summons_for_the_fixture_case_is_exact),
        cmocka_unit_test(the_judgment_shows_parties_amounts_and_dates),
        cmocka_unit_test(bad_inputs_are_named_each),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
