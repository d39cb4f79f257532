/*
 * Unit tests for src/forms/forms.c against the real data/complaint_forms.json
 * (the counts NOTES.md §10 gives, element ids, types, hints, causes resolved
 * through the catalogue), validation of answers (every problem at once, with
 * its path), rendering of a complete 民间借贷纠纷 complaint compared with a
 * fixture written by hand (tests/fixtures/forms_complaint_108.3.txt), an
 * answer, money formatting, and broken copies of the data file written to
 * temporary files, whose errors must name the file and the entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "forms/forms.h"

#define DATA "data"
#define FORMS_FILE DATA "/complaint_forms.json"
#define FIXTURE "tests/fixtures/forms_complaint_108.3.txt"

static struct yz_catalog *cat;
static struct yz_forms *forms;
static const struct yz_date filing_day = {2026, 3, 2};

static int setup(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    enum yz_err e = yz_catalog_load_dir(DATA, &cat, &err);
    if (e == YZ_OK)
        e = yz_forms_load_dir(DATA, cat, &forms, &err);
    if (e != YZ_OK)
        fprintf(stderr, "data failed to load: %s\n", err.data);
    yz_buf_release(&err);
    return e == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    yz_forms_free(forms);
    yz_catalog_free(cat);
    forms = NULL;
    cat = NULL;
    return 0;
}

static const struct yz_form *form(const char *id)
{
    const struct yz_form *f = yz_forms_get(forms, id);
    if (!f)
        fail_msg("no form %s", id);
    return f;
}

static const struct yz_form_section *section(const struct yz_form_document *d, const char *key)
{
    for (size_t i = 0; i < d->nsections; i++)
        if (strcmp(d->sections[i].key, key) == 0)
            return &d->sections[i];
    return NULL;
}

static const struct yz_form_element *element(const char *form_id, enum yz_form_doc doc,
                                             const char *id)
{
    const struct yz_form_element *el = yz_form_element(yz_form_document(form(form_id), doc), id);
    if (!el)
        fail_msg("no element %s in form %s", id, form_id);
    return el;
}

/* ---- the real file ---- */

static void counts_match_notes(void **state)
{
    /* NOTES.md §10: claims / facts items of each 2025 complaint form. */
    static const struct {
        const char *id, *name;
        size_t claims, facts, defence, answer_facts;
    } expect[] = {
        {"108.3", "民间借贷纠纷", 8, 18, 7, 17},    {"108.1", "金融借款合同纠纷", 8, 18, 7, 17},
        {"115.2", "信用卡纠纷", 7, 15, 6, 14},      {"88", "买卖合同纠纷", 10, 24, 8, 22},
        {"117", "融资租赁合同纠纷", 10, 23, 9, 22}, {"126", "物业服务合同纠纷", 5, 12, 5, 12},
        {"C19", "劳动争议", 10, 7, 8, 0},           {"352.3", "证券虚假陈述责任纠纷", 6, 11, 6, 12},
        {"371.4", "保证保险合同纠纷", 6, 9, 5, 8},  {"411", "机动车交通事故责任纠纷", 13, 4, 5, 0},
        {"14", "离婚纠纷", 9, 10, 10, 0},
    };
    assert_int_equal(yz_forms_count(forms), 11);
    assert_null(yz_forms_at(forms, 11));
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        const struct yz_form *f = yz_forms_at(forms, i);
        assert_non_null(f);
        assert_string_equal(f->id, expect[i].id);
        assert_string_equal(f->name, expect[i].name);
        assert_ptr_equal(yz_forms_get(forms, expect[i].id), f);
        assert_string_equal(f->cause_2025->name, f->name);
        assert_non_null(f->cause_2020);
        assert_string_equal(f->cause_2020->name, f->name);
        assert_int_equal(section(&f->complaint, "c")->nitems, expect[i].claims);
        assert_int_equal(section(&f->complaint, "f")->nitems, expect[i].facts);
        assert_non_null(section(&f->complaint, "m"));
        assert_string_equal(f->complaint.version, "2025");
        assert_string_equal(f->answer.version, "2024_trial");
        assert_int_equal(section(&f->answer, "d")->nitems, expect[i].defence);
        const struct yz_form_section *r = section(&f->answer, "r");
        assert_int_equal(r ? r->nitems : 0, expect[i].answer_facts);
        /* Items keep the form's numbers. */
        const struct yz_form_section *c = section(&f->complaint, "c");
        for (size_t j = 0; j < c->nitems; j++)
            assert_int_equal(c->items[j].no, (int)j + 1);
    }
    assert_null(yz_forms_get(forms, "103.3")); /* a 2020 code is not an id */
    assert_null(yz_forms_get(forms, NULL));
}

static void causes_and_titles(void **state)
{
    const struct yz_form *loan = form("108.3");
    assert_string_equal(loan->title, "民间借贷纠纷");
    assert_string_equal(loan->cause_2025->code, "108.3");
    assert_string_equal(loan->cause_2020->code, "103.3");
    const struct yz_form *labour = form("C19");
    assert_string_equal(labour->title, "劳动争议纠纷"); /* form_title */
    assert_string_equal(labour->cause_2020->code, "C17");
    assert_int_equal(labour->cause_2025->level, 2);
    /* The printed title of the jurisdiction section follows its rows. */
    assert_string_equal(section(&loan->complaint, "j")->title, "约定管辖和诉前保全");
    assert_string_equal(section(&labour->complaint, "j")->title, "诉前保全");
    assert_string_equal(section(&form("411")->complaint, "j")->title, "诉前保全及鉴定申请");
    /* Evidence outside the facts becomes section e; 民间借贷 has it as facts item 18. */
    assert_non_null(section(&form("108.1")->complaint, "e"));
    assert_null(section(&loan->complaint, "e"));
}

static void covering_form(void **state)
{
    const struct yz_form *labour = form("C19");
    assert_ptr_equal(yz_forms_for_cause(forms, yz_catalog_cause(cat, "205.5", YZ_CAUSE_REV_2025)),
                     labour);
    assert_ptr_equal(yz_forms_for_cause(forms, yz_catalog_cause(cat, "186.5", YZ_CAUSE_REV_2020)),
                     labour);
    assert_ptr_equal(yz_forms_for_cause(forms, yz_catalog_cause(cat, "88.1", YZ_CAUSE_REV_2025)),
                     form("88"));
    assert_ptr_equal(yz_forms_for_cause(forms, yz_catalog_cause(cat, "103.3", YZ_CAUSE_REV_2020)),
                     form("108.3"));
    /* Not above the form's cause, nor elsewhere. */
    assert_null(yz_forms_for_cause(forms, yz_catalog_cause(cat, "108", YZ_CAUSE_REV_2025)));
    assert_null(yz_forms_for_cause(forms, yz_catalog_cause(cat, "1", YZ_CAUSE_REV_2025)));
    assert_null(yz_forms_for_cause(forms, NULL));
}

static void elements_of_one_form(void **state)
{
    const struct yz_form_element *el = element("108.3", YZ_FORM_COMPLAINT, "c1.2");
    assert_string_equal(el->label, "尚欠本金");
    assert_int_equal(el->type, YZ_FORM_AMOUNT);
    assert_false(el->required);
    el = element("108.3", YZ_FORM_COMPLAINT, "c1.1");
    assert_int_equal(el->type, YZ_FORM_DATE);
    el = element("108.3", YZ_FORM_COMPLAINT, "c2.3");
    assert_int_equal(el->type, YZ_FORM_TEXT);
    assert_string_equal(el->hint, "利率、计息起止、基数");
    el = element("108.3", YZ_FORM_COMPLAINT, "c2.4");
    assert_int_equal(el->type, YZ_FORM_YES_NO);
    assert_string_equal(el->yes, "是");
    assert_string_equal(el->no, "否");
    el = element("108.3", YZ_FORM_COMPLAINT, "c8.1");
    assert_string_equal(el->label, "标的总额");
    assert_true(el->required);
    el = element("108.3", YZ_FORM_COMPLAINT, "f3.3");
    assert_int_equal(el->type, YZ_FORM_CHOICE);
    assert_int_equal(el->noptions, 3);
    assert_string_equal(el->options[1], "转账");
    el = element("108.3", YZ_FORM_COMPLAINT, "f5.1");
    assert_int_equal(el->type, YZ_FORM_NUMBER);
    el = element("108.3", YZ_FORM_COMPLAINT, "f18.1");
    assert_int_equal(el->type, YZ_FORM_TABLE);
    assert_int_equal(el->ncolumns, 4);
    assert_string_equal(el->columns[0], "证据名称");
    el = element("108.3", YZ_FORM_COMPLAINT, "j1.1");
    assert_int_equal(el->type, YZ_FORM_YES_NO);
    assert_string_equal(el->yes, "有");
    assert_null(yz_form_element(&form("108.3")->complaint, "c9.1"));
    assert_null(yz_form_element(&form("108.3")->complaint, "c1.4"));

    /* Hints: the form's Chinese notes only; maintainers' English notes are dropped. */
    const struct yz_form_section *f = section(&form("108.3")->complaint, "f");
    assert_null(f->items[5].hint); /* "one row per disbursement" */
    const struct yz_form_section *j = section(&form("108.3")->complaint, "j");
    assert_string_equal(j->items[1].hint, "申请诉讼保全的，另行提交诉讼保全申请及材料");
    assert_null(element("108.3", YZ_FORM_COMPLAINT, "f18.1")->hint);

    /* Other types of other forms. */
    el = element("88", YZ_FORM_COMPLAINT, "c4.2");
    assert_int_equal(el->type, YZ_FORM_MULTICHOICE);
    assert_int_equal(el->noptions, 6);
    el = element("14", YZ_FORM_COMPLAINT, "c2.2");
    assert_true(el->repeatable);
    el = element("14", YZ_FORM_COMPLAINT, "c2.1");
    assert_int_equal(el->type, YZ_FORM_CHOICE); /* 无财产/有财产 is not 是/否 */
    assert_false(element("14", YZ_FORM_COMPLAINT, "c8.1")->required); /* no 标的总额 */

    /* The 2025 mediation-preference block. */
    const struct yz_form_section *m = section(&form("108.3")->complaint, "m");
    assert_int_equal(m->nitems, 3);
    assert_string_equal(m->items[1].label, "是否了解先行调解解决纠纷的好处");
    assert_int_equal(m->items[1].nelements, 5);
    el = element("108.3", YZ_FORM_COMPLAINT, "m2.5");
    assert_int_equal(el->type, YZ_FORM_CHOICE);
    assert_string_equal(el->options[0], "了解");
    assert_string_equal(el->options[1], "不了解");
    assert_int_equal(element("108.3", YZ_FORM_COMPLAINT, "m3.1")->noptions, 3);

    /* Answer items: 有无异议 + 事实和理由. */
    el = element("108.3", YZ_FORM_ANSWER, "d1.1");
    assert_int_equal(el->type, YZ_FORM_YES_NO);
    assert_string_equal(el->yes, "有");
    assert_string_equal(el->no, "无");
    assert_int_equal(element("108.3", YZ_FORM_ANSWER, "r17.2")->type, YZ_FORM_TEXT);
    assert_string_equal(section(&form("108.3")->answer, "d")->items[0].label, "对本金有无异议");
}

static void form_json(void **state)
{
    json_t *j = yz_form_json(form("108.3"));
    assert_string_equal(json_string_value(json_object_get(j, "id")), "108.3");
    json_t *causes = json_object_get(j, "causes");
    assert_string_equal(json_string_value(json_object_get(json_object_get(causes, "2020"), "code")),
                        "103.3");
    json_t *secs = json_object_get(json_object_get(j, "complaint"), "sections");
    json_t *c = json_array_get(secs, 0);
    assert_string_equal(json_string_value(json_object_get(c, "title")), "诉讼请求");
    json_t *el = json_array_get(
        json_object_get(json_array_get(json_object_get(c, "items"), 7), "elements"), 0);
    assert_string_equal(json_string_value(json_object_get(el, "id")), "c8.1");
    assert_string_equal(json_string_value(json_object_get(el, "type")), "amount");
    assert_true(json_is_true(json_object_get(el, "required")));
    assert_true(json_is_object(json_object_get(j, "answer")));
    json_decref(j);
}

/* ---- validation ---- */

static bool has_error(const struct yz_field_errors *fe, const char *field, const char *code)
{
    for (int i = 0; i < fe->count; i++)
        if (strcmp(fe->items[i].field, field) == 0 && strcmp(fe->items[i].code, code) == 0)
            return true;
    return false;
}

static void expect_error(const struct yz_field_errors *fe, const char *field, const char *code)
{
    if (!has_error(fe, field, code)) {
        for (int i = 0; i < fe->count; i++)
            print_error("  %s %s %s\n", fe->items[i].field, fe->items[i].code,
                        fe->items[i].message);
        fail_msg("expected error %s at %s", code, field);
    }
}

static void validation_reports_everything(void **state)
{
    json_t *a = json_loads(
        "{\"c1.1\": \"2025-02-30\", \"c1.2\": \"100\", \"c2.2\": -5, \"c2.4\": \"是\","
        " \"c3.2\": \"提前还款\", \"c99.1\": 1, \"f3.1\": 1.5, \"f3.3\": \"支票\","
        " \"f5.1\": \"3.8.5\", \"f18.1\": [{\"证据来源\": \"原告\"}, {\"证据名称\": \"借条\", "
        "\"页数\": \"1\"}],"
        " \"m1.1\": \"知道\","
        " \"parties\": [{\"role\": \"plaintiff\", \"kind\": \"natural\", \"name\": \"张三\","
        "  \"citizen_id\": \"500103199001011231\", \"nickname\": \"x\"},"
        "  {\"role\": \"judge\", \"kind\": \"natural\"}]}",
        0, NULL);
    assert_non_null(a);
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_forms_validate(form("108.3"), YZ_FORM_COMPLAINT, a, filing_day, &fe),
                     YZ_ERR_VALIDATION);
    expect_error(&fe, "answers/c1.1", "invalid_date");
    expect_error(&fe, "answers/c1.2", "wrong_type");
    expect_error(&fe, "answers/c2.2", "out_of_range"); /* negative money */
    expect_error(&fe, "answers/c2.4", "wrong_type");   /* yes/no takes true/false */
    expect_error(&fe, "answers/c3.2", "not_allowed");  /* not one of the options */
    expect_error(&fe, "answers/c99.1", "unknown_field");
    expect_error(&fe, "answers/f3.1", "wrong_type"); /* money is integer fen */
    expect_error(&fe, "answers/f3.3", "not_allowed");
    expect_error(&fe, "answers/f5.1", "invalid_number");
    expect_error(&fe, "answers/f18.1/0/证据名称", "required");
    expect_error(&fe, "answers/f18.1/1/页数", "unknown_field");
    expect_error(&fe, "answers/m1.1", "not_allowed");
    expect_error(&fe, "answers/c8.1", "required"); /* 标的总额 */
    expect_error(&fe, "answers/parties/0/citizen_id", "checksum");
    expect_error(&fe, "answers/parties/0/nickname", "unknown_field");
    expect_error(&fe, "answers/parties/1/role", "not_allowed");
    expect_error(&fe, "answers/parties/1/name", "required");
    assert_int_equal(fe.dropped, 0);
    /* Claims were answered (badly), facts too: no whole-document complaint. */
    assert_false(has_error(&fe, "answers", "no_claims"));
    assert_false(has_error(&fe, "answers", "no_facts"));
    for (int i = 0; i < fe.count; i++)
        assert_true(fe.items[i].message[0] != '\0');
    json_decref(a);
}

static void validation_of_an_empty_form(void **state)
{
    json_t *a = json_loads("{\"c1.2\": null, \"c2.3\": \"\", \"m1.1\": \"了解\"}", 0, NULL);
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_forms_validate(form("108.3"), YZ_FORM_COMPLAINT, a, filing_day, &fe),
                     YZ_ERR_VALIDATION);
    expect_error(&fe, "answers", "no_claims");
    expect_error(&fe, "answers", "no_facts");
    expect_error(&fe, "answers/c8.1", "required");
    assert_int_equal(fe.count, 3); /* null and "" are unanswered, not errors */
    json_decref(a);

    /* The amount in dispute alone is not a claim; 0 is an answer. */
    a = json_loads("{\"c8.1\": 0, \"f16.1\": \"说明\"}", 0, NULL);
    memset(&fe, 0, sizeof fe);
    assert_int_equal(yz_forms_validate(form("108.3"), YZ_FORM_COMPLAINT, a, filing_day, &fe),
                     YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 1);
    expect_error(&fe, "answers", "no_claims");
    json_decref(a);

    a = json_loads("{\"c7.1\": \"判令被告赔礼道歉\", \"c8.1\": 0, \"f16.1\": \"说明\"}", 0, NULL);
    memset(&fe, 0, sizeof fe);
    assert_int_equal(yz_forms_validate(form("108.3"), YZ_FORM_COMPLAINT, a, filing_day, &fe),
                     YZ_OK);
    assert_int_equal(fe.count, 0);
    /* The same answers are not an answer form's. */
    assert_int_equal(yz_forms_validate(form("108.3"), YZ_FORM_ANSWER, a, filing_day, &fe),
                     YZ_ERR_VALIDATION);
    expect_error(&fe, "answers/c7.1", "unknown_field");
    expect_error(&fe, "answers", "no_defence");
    json_decref(a);

    /* Not an object at all. */
    a = json_string("x");
    memset(&fe, 0, sizeof fe);
    assert_int_equal(yz_forms_validate(form("108.3"), YZ_FORM_COMPLAINT, a, filing_day, &fe),
                     YZ_ERR_VALIDATION);
    expect_error(&fe, "answers", "wrong_type");
    json_decref(a);
}

static void validation_of_lists(void **state)
{
    /* 买卖: multichoice; 离婚: repeatable text. */
    json_t *a = json_loads("{\"c4.2\": [\"修理\", \"修理\", \"退款\"], \"c4.3\": [\"x\"],"
                           " \"c10.1\": 100, \"f24.1\": \"说明\"}",
                           0, NULL);
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_forms_validate(form("88"), YZ_FORM_COMPLAINT, a, filing_day, &fe),
                     YZ_ERR_VALIDATION);
    expect_error(&fe, "answers/c4.2/1", "duplicate");
    expect_error(&fe, "answers/c4.2/2", "not_allowed");
    expect_error(&fe, "answers/c4.3", "wrong_type");
    json_decref(a);

    a = json_loads(
        "{\"c2.2\": \"房屋一套\", \"c3.2\": [\"欠款一万元\", 5], \"f1.1\": \"2010-05-01\"}", 0,
        NULL);
    memset(&fe, 0, sizeof fe);
    assert_int_equal(yz_forms_validate(form("14"), YZ_FORM_COMPLAINT, a, filing_day, &fe),
                     YZ_ERR_VALIDATION);
    expect_error(&fe, "answers/c2.2", "wrong_type"); /* repeatable: a list */
    expect_error(&fe, "answers/c3.2/1", "wrong_type");
    assert_int_equal(fe.count, 2); /* 离婚 has no 标的总额 to require */
    json_decref(a);
}

/* ---- rendering ---- */

static json_t *loan_answers(void)
{
    json_t *a = json_loads(
        "{\"parties\": ["
        "  {\"role\": \"third_party\", \"kind\": \"legal\", \"name\": \"重庆某某担保有限公司\","
        "   \"address\": \"重庆市渝北区龙溪街道3号\", \"legal_rep\": \"王五\","
        "   \"credit_code\": \"91350100M000100Y43\"},"
        "  {\"role\": \"defendant\", \"kind\": \"natural\", \"name\": \"李四\","
        "   \"address\": \"重庆市江北区观音桥街道2号\"},"
        "  {\"role\": \"plaintiff\", \"kind\": \"natural\", \"name\": \"张三\", \"sex\": \"male\","
        "   \"birth_date\": \"1990-01-01\", \"ethnicity\": \"汉族\","
        "   \"citizen_id\": \"500103199001011232\", \"address\": \"重庆市渝中区解放碑街道1号\","
        "   \"phone\": \"13800000001\"}],"
        " \"m3.1\": \"暂不确定，想要了解更多内容\", \"m2.2\": \"不了解\", \"m2.1\": \"了解\","
        " \"m1.1\": \"了解\","
        " \"f18.1\": [{\"证据名称\": \"借款合同\", \"证据来源\": \"原告持有\","
        "             \"证明目的\": \"证明借贷关系成立\"}, {\"证据名称\": \"银行转账凭证\"}],"
        " \"f17.2\": \"《中华人民共和国民法典》第六百七十五条、第六百七十六条\","
        " \"f17.1\": \"\","
        " \"f16.1\": \"被告多次承诺还款。\","
        " \"f8.1\": 0, \"f8.2\": 0,"
        " \"f5.1\": \"3.85\", \"f5.2\": \"年\", \"f5.3\": \"第三条\","
        " \"f4.1\": true, \"f4.2\": \"2025-01-01\", \"f4.3\": \"2025-03-31\","
        " \"f3.1\": 10000000, \"f3.2\": 10000000, \"f3.3\": \"转账\","
        " \"f2.1\": \"张三\", \"f2.2\": \"李四\","
        " \"f1.1\": \"《借款合同》，2025年1月1日于重庆市渝中区签订\","
        " \"j1.1\": false, \"j2.1\": false,"
        " \"c8.1\": 10123456, \"c6.1\": true, \"c4.1\": false,"
        " \"c2.2\": 123456, \"c2.3\": \"以100000元为基数，按年利率3.85%自2025年1月1日起计算\","
        " \"c2.4\": true, \"c2.1\": null,"
        " \"c1.1\": \"2025-06-30\", \"c1.2\": 10000000}",
        0, NULL);
    assert_non_null(a);
    return a;
}

static char *read_fixture(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[64 * 1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void renders_complaint_as_fixture(void **state)
{
    json_t *a = loan_answers();
    struct yz_field_errors fe = {0};
    struct yz_form_rendering out;
    enum yz_err e = yz_forms_render(form("108.3"), YZ_FORM_COMPLAINT, a, "重庆市渝中区人民法院",
                                    filing_day, &out, &fe);
    for (int i = 0; i < fe.count; i++)
        print_error("  %s %s %s\n", fe.items[i].field, fe.items[i].code, fe.items[i].message);
    assert_int_equal(e, YZ_OK);
    const char *expected = read_fixture(FIXTURE);
    if (strcmp(out.text.data, expected) != 0)
        print_error("rendered:\n%s\n", out.text.data);
    assert_string_equal(out.text.data, expected);
    /* The full citizen ID never appears. */
    assert_null(strstr(out.text.data, "500103199001011232"));
    assert_null(strstr(out.text.data, "13800000001"));

    /* claims and facts are exactly the sections' lines. */
    const char *c = strstr(expected, "诉讼请求：\n") + strlen("诉讼请求：\n");
    const char *c_end = strstr(c, "\n\n");
    assert_int_equal(out.claims.len, (size_t)(c_end - c));
    assert_memory_equal(out.claims.data, c, out.claims.len);
    const char *f = strstr(expected, "事实与理由：\n") + strlen("事实与理由：\n");
    const char *f_end = strstr(f, "\n\n");
    assert_int_equal(out.facts.len, (size_t)(f_end - f));
    assert_memory_equal(out.facts.data, f, out.facts.len);
    assert_true(out.has_amount);
    assert_int_equal(out.amount_fen, 10123456);
    yz_form_rendering_release(&out);

    /* The same answers in another member order give the same text. */
    json_t *b = json_object();
    const char *keys[64];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(a, k, v) keys[n++] = k;
    while (n--)
        json_object_set(b, keys[n], json_object_get(a, keys[n]));
    assert_int_equal(yz_forms_render(form("108.3"), YZ_FORM_COMPLAINT, b, "重庆市渝中区人民法院",
                                     filing_day, &out, &fe),
                     YZ_OK);
    assert_string_equal(out.text.data, expected);
    yz_form_rendering_release(&out);
    json_decref(b);
    json_decref(a);
}

static void renders_answer(void **state)
{
    json_t *a = json_loads(
        "{\"parties\": [{\"role\": \"plaintiff\", \"kind\": \"natural\", \"name\": \"张三\"},"
        "  {\"role\": \"defendant\", \"kind\": \"legal\", \"name\": \"重庆某某公司\","
        "   \"legal_rep\": \"赵六\", \"phone\": \"+8613912345678\"}],"
        " \"d1.1\": true, \"d1.2\": \"借款已于2025年5月归还五万元\","
        " \"d2.1\": false, \"r8.2\": \"已还本金五万元\"}",
        0, NULL);
    struct yz_field_errors fe = {0};
    struct yz_form_rendering out;
    assert_int_equal(yz_forms_render(form("108.3"), YZ_FORM_ANSWER, a, NULL, filing_day, &out, &fe),
                     YZ_OK);
    assert_string_equal(out.text.data,
                        "民事答辩状（要素式）\n"
                        "（民间借贷纠纷）\n"
                        "\n"
                        "答辩人：重庆某某公司，法定代表人：赵六，联系电话：139****5678。\n"
                        "被答辩人：张三。\n"
                        "\n"
                        "答辩事项：\n"
                        "1. 对本金有无异议：有；事实和理由：借款已于2025年5月归还五万元。\n"
                        "2. 对利息有无异议：无。\n"
                        "\n"
                        "事实与理由：\n"
                        "8. 对还款情况有无异议：事实和理由：已还本金五万元。\n"
                        "\n"
                        "此致\n"
                        "\n"
                        "\n"
                        "答辩人（签字、盖章）：重庆某某公司\n"
                        "2026年3月2日\n");
    assert_int_equal(out.claims.len, 0);
    assert_false(out.has_amount);
    yz_form_rendering_release(&out);
    json_decref(a);
}

/* An element's label is printed unless it repeats the item's. */
static void labels_where_needed(void **state)
{
    json_t *a = json_loads("{\"c4.1\": true, \"c4.2\": \"抵押权\", \"c7.1\": \"赔礼道歉\","
                           " \"c8.1\": 0, \"f11.1\": \"王五\", \"f11.2\": \"房屋一套\"}",
                           0, NULL);
    struct yz_field_errors fe = {0};
    struct yz_form_rendering out;
    assert_int_equal(
        yz_forms_render(form("108.3"), YZ_FORM_COMPLAINT, a, "法院", filing_day, &out, &fe), YZ_OK);
    assert_string_equal(out.claims.data, "4. 是否主张担保权利：是；内容：抵押权。\n"
                                         "7. 其他请求：赔礼道歉。\n"
                                         "8. 标的总额：0.00元。");
    assert_string_equal(out.facts.data, "11. 担保人、担保物：担保人：王五；担保物：房屋一套。");
    yz_form_rendering_release(&out);
    json_decref(a);
}

static void render_refuses_claims_a_filing_cannot_take(void **state)
{
    char *longtext = malloc(3 * 1990 + 1);
    for (int i = 0; i < 1990; i++)
        memcpy(longtext + 3 * i, "请", 3);
    longtext[3 * 1990] = '\0';
    json_t *a = json_pack("{s:s, s:i, s:s}", "c7.1", longtext, "c8.1", 0, "f16.1", "说明");
    free(longtext);
    struct yz_field_errors fe = {0};
    struct yz_form_rendering out;
    /* 1990 characters fit one text element, but not with the line's label. */
    assert_int_equal(
        yz_forms_render(form("108.3"), YZ_FORM_COMPLAINT, a, "法院", filing_day, &out, &fe),
        YZ_ERR_VALIDATION);
    expect_error(&fe, "answers", "claims_too_long");
    assert_int_equal(out.text.len, 0);
    yz_form_rendering_release(&out);
    json_decref(a);
}

static void money_and_dates(void **state)
{
    char s[32];
    static const struct {
        int64_t fen;
        const char *text;
    } cases[] = {
        {0, "0.00"},
        {5, "0.05"},
        {100, "1.00"},
        {12345, "123.45"},
        {10000000, "100000.00"},
        {-5, "-0.05"},
        {-12345, "-123.45"},
        {INT64_MAX, "92233720368547758.07"},
        {INT64_MIN, "-92233720368547758.08"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_true(yz_forms_format_money(cases[i].fen, s, sizeof s));
        assert_string_equal(s, cases[i].text);
    }
    assert_false(yz_forms_format_money(12345, s, 6)); /* "123.45" needs 7 */
    assert_true(yz_forms_format_money(12345, s, 7));
    yz_forms_format_date((struct yz_date){2026, 1, 9}, s, sizeof s);
    assert_string_equal(s, "2026年1月9日");
}

/* ---- broken data files ---- */

/* Writes root to a temporary file, loads it and returns the error text (static). */
static const char *load_broken(json_t *root, char *path, size_t pathsize)
{
    static char msg[2048];
    snprintf(path, pathsize, "/tmp/yz_forms_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(json_dump_file(root, path, 0), 0);
    struct yz_buf err = YZ_BUF_INIT(4096);
    struct yz_forms *fs = (struct yz_forms *)1;
    enum yz_err e = yz_forms_load(path, cat, &fs, &err);
    assert_int_equal(e, YZ_ERR_CONFIG);
    assert_null(fs);
    snprintf(msg, sizeof msg, "%s", err.data);
    yz_buf_release(&err);
    unlink(path);
    assert_non_null(strstr(msg, path)); /* names the file */
    return msg;
}

static json_t *real_file(void)
{
    json_t *root = json_load_file(FORMS_FILE, 0, NULL);
    assert_non_null(root);
    return root;
}

static json_t *loan_form(json_t *root)
{
    return json_object_get(json_object_get(root, "forms"), "民间借贷纠纷");
}

static json_t *loan_field(json_t *root, const char *section_name, size_t item, size_t field)
{
    json_t *it = json_array_get(json_object_get(loan_form(root), section_name), item);
    return json_array_get(json_object_get(it, "fields"), field);
}

static void expect_in(const char *msg, const char *part)
{
    if (!strstr(msg, part))
        fail_msg("error \"%s\" does not contain \"%s\"", msg, part);
}

static void broken_files_name_the_entry(void **state)
{
    char path[64];
    json_t *root = real_file();
    json_object_set_new(loan_field(root, "claims", 0, 1), "type", json_string("money"));
    const char *msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.民间借贷纠纷.claims[0].fields[1]");
    expect_in(msg, "money");
    json_decref(root);

    root = real_file(); /* numbering gap */
    json_object_set_new(json_array_get(json_object_get(loan_form(root), "facts_and_reasons"), 3),
                        "no", json_integer(7));
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.民间借贷纠纷.facts_and_reasons[3]");
    expect_in(msg, "no");
    json_decref(root);

    root = real_file(); /* a choice without options */
    json_object_del(loan_field(root, "claims", 1, 3), "options");
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.民间借贷纠纷.claims[1].fields[3]");
    expect_in(msg, "options");
    json_decref(root);

    root = real_file(); /* duplicate options */
    json_array_set_new(json_object_get(loan_field(root, "facts_and_reasons", 2, 2), "options"), 1,
                       json_string("现金"));
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.民间借贷纠纷.facts_and_reasons[2].fields[2]");
    expect_in(msg, "重复");
    json_decref(root);

    root = real_file(); /* a cause code that names another cause */
    json_object_set_new(loan_form(root), "cause_code_2025", json_string("88"));
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.民间借贷纠纷");
    expect_in(msg, "买卖合同纠纷");
    json_decref(root);

    root = real_file(); /* a form whose name is no cause */
    json_t *copy = json_deep_copy(loan_form(root));
    json_object_del(copy, "cause_code_2025");
    json_object_del(copy, "cause_code_2020");
    json_object_set_new(json_object_get(root, "forms"), "不存在的纠纷", copy);
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.不存在的纠纷");
    json_decref(root);

    root = real_file(); /* unknown member */
    json_object_set_new(loan_form(root), "colour", json_string("red"));
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.民间借贷纠纷");
    expect_in(msg, "colour");
    json_decref(root);

    root = real_file(); /* another answer pattern */
    json_object_set_new(json_object_get(loan_form(root), "answer_2024"), "field_pattern",
                        json_string("each item: text"));
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.民间借贷纠纷.answer_2024");
    json_decref(root);

    root = real_file(); /* the mediation block's statements miscounted */
    json_t *pref =
        json_object_get(json_object_get(root, "_common"), "dispute_resolution_preference_2025");
    json_array_remove(
        json_object_get(pref, "是否了解先行调解解决纠纷的好处 (5 statements, each 了解/不了解)"),
        0);
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "_common.dispute_resolution_preference_2025");
    json_decref(root);

    root = real_file(); /* a multi-line label */
    json_object_set_new(loan_field(root, "claims", 0, 0), "label", json_string("截至\n日期"));
    msg = load_broken(root, path, sizeof path);
    expect_in(msg, "forms.民间借贷纠纷.claims[0].fields[0]");
    json_decref(root);

    /* Not JSON at all; and missing. */
    char bad[] = "/tmp/yz_forms_bad_XXXXXX";
    int fd = mkstemp(bad);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"forms\": ", 10), 10);
    close(fd);
    struct yz_buf err = YZ_BUF_INIT(4096);
    struct yz_forms *fs;
    assert_int_equal(yz_forms_load(bad, cat, &fs, &err), YZ_ERR_CONFIG);
    expect_in(err.data, bad);
    unlink(bad);
    yz_buf_reset(&err);
    assert_int_equal(yz_forms_load("/nonexistent/complaint_forms.json", cat, &fs, &err),
                     YZ_ERR_CONFIG);
    expect_in(err.data, "/nonexistent/complaint_forms.json");
    yz_buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_match_notes),
        cmocka_unit_test(causes_and_titles),
        cmocka_unit_test(covering_form),
        cmocka_unit_test(elements_of_one_form),
        cmocka_unit_test(form_json),
        cmocka_unit_test(validation_reports_everything),
        cmocka_unit_test(validation_of_an_empty_form),
        cmocka_unit_test(validation_of_lists),
        cmocka_unit_test(renders_complaint_as_fixture),
        cmocka_unit_test(renders_answer),
        cmocka_unit_test(labels_where_needed),
        cmocka_unit_test(render_refuses_claims_a_filing_cannot_take),
        cmocka_unit_test(money_and_dates),
        cmocka_unit_test(broken_files_name_the_entry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
