/*
 * Unit tests for src/triage/rules.c against the real data/triage/rules.json:
 * every rule and exclusion, from features to the proposed track and the
 * reasons it cites; the loader refusing broken rule files (each problem
 * named); and the dated wage configuration (src/triage/wage.c).
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
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "triage/rules.h"
#include "triage/wage.h"
#include "workflow/workflow.h"

#define DATA "data"
#define WAGE 10000000 /* 10 万元 in fen */

static struct yz_catalog *cat;
static struct yz_triage_rules *rules;

static int setup(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(1 << 20);
    enum yz_err e = yz_catalog_load_dir(DATA, &cat, &err);
    if (e == YZ_OK)
        e = yz_triage_rules_load(DATA, cat, &rules, &err);
    if (e != YZ_OK)
        fprintf(stderr, "failed to load: %s\n", err.data);
    yz_buf_release(&err);
    return e == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    yz_triage_rules_free(rules);
    yz_catalog_free(cat);
    return 0;
}

/* A plain loan case between two people: the baseline most tests vary. */
static json_t *loan(json_int_t amount_fen)
{
    return json_pack("{s:s, s:s, s:[s, s, s, s], s:I, s:I, s:b, s:i, s:i, s:i, s:i, s:b, s:b,"
                     " s:b, s:b, s:b, s:b, s:i, s:i}",
                     "case_category", "民事", "case_type", "民初", "cause", "民间借贷纠纷",
                     "借款合同纠纷", "合同纠纷", "合同、准合同纠纷", "amount_fen", amount_fen,
                     "average_wage_fen", (json_int_t)WAGE, "money_claim", 1, "parties", 2,
                     "plaintiffs", 1, "defendants", 1, "legal_persons", 0, "third_party", 0,
                     "defendant_address_known", 1, "foreign_element", 0, "counterclaim", 0,
                     "appraisal_needed", 0, "remand", 0, "related_cases", 0, "repeat_cases", 0);
}

static json_t *admin(void)
{
    return json_pack("{s:s, s:s, s:[], s:i, s:i, s:i, s:b, s:b, s:b}", "case_category", "行政",
                     "case_type", "行初", "cause", "parties", 2, "plaintiffs", 1, "defendants", 1,
                     "third_party", 0, "defendant_address_known", 1, "remand", 0);
}

static bool cites(const json_t *p, const char *rule)
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(p, "reasons"), i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "rule")), rule) == 0) {
            /* Every reason cites its basis and the features it read. */
            assert_non_null(strstr(json_string_value(json_object_get(r, "basis")), "第"));
            assert_true(json_object_size(json_object_get(r, "features")) > 0);
            return true;
        }
    }
    return false;
}

static bool has(const json_t *p, const char *list, const char *track)
{
    size_t i;
    const json_t *t;
    json_array_foreach(json_object_get(p, list), i, t) if (strcmp(json_string_value(t), track) == 0)
        return true;
    return false;
}

/* Proposes for f (reference taken), checks track and trial track, returns the proposal. */
static json_t *expect(json_t *f, const char *track, const char *trial)
{
    json_t *p = yz_triage_propose(rules, f);
    json_decref(f);
    const char *got = json_string_value(json_object_get(p, "track"));
    const char *got_trial = json_string_value(json_object_get(p, "trial_track"));
    if (strcmp(got, track) != 0 || strcmp(got_trial, trial) != 0) {
        char *text = json_dumps(p, JSON_INDENT(1));
        print_error("expected %s/%s, got %s/%s: %s\n", track, trial, got, got_trial, text);
        free(text);
        json_decref(p);
        fail();
    }
    return p;
}

/* ---- civil: simple, small claims ---- */

static void small_loan_is_small_claims(void **state)
{
    json_t *p = expect(loan(2000000), "small_claims", "small_claims");
    assert_true(cites(p, "civ.small_claims.amount"));
    assert_true(cites(p, "civ.simple.two_parties"));
    assert_true(cites(p, "civ.simple.routine_cause"));
    assert_true(cites(p, "civ.simple.moderate_amount"));
    assert_int_equal(json_integer_value(json_object_get(p, "score")), 4);
    assert_true(has(p, "qualified", "small_claims"));
    assert_string_equal(json_string_value(json_object_get(p, "category")), "civil");
    json_decref(p);
}

/* RULE: small-claims-threshold — exactly 50% is in, one fen more is out. */
static void small_claims_limit_is_half_the_wage_inclusive(void **state)
{
    json_t *p = expect(loan(WAGE / 2), "small_claims", "small_claims");
    json_decref(p);
    p = expect(loan(WAGE / 2 + 1), "simplified", "simplified");
    assert_false(cites(p, "civ.small_claims.amount"));
    assert_true(cites(p, "civ.simple.moderate_amount"));
    json_decref(p);
}

/* RULE: small-claims-by-agreement — CPL art. 165(2): 50%..200% when the parties agree. */
static void parties_may_agree_to_small_claims_up_to_twice_the_wage(void **state)
{
    json_t *p = expect(loan(WAGE), "simplified", "simplified");
    assert_false(cites(p, "civ.small_claims.agreed"));
    json_decref(p);
    json_t *f = loan(WAGE * 2);
    json_object_set_new(f, "parties_agree_small_claims", json_true());
    p = expect(f, "small_claims", "small_claims");
    assert_true(cites(p, "civ.small_claims.agreed"));
    assert_false(cites(p, "civ.small_claims.amount"));
    json_decref(p);
    f = loan(WAGE * 2 + 1);
    json_object_set_new(f, "parties_agree_small_claims", json_true());
    p = expect(f, "simplified", "simplified");
    assert_false(cites(p, "civ.small_claims.agreed"));
    json_decref(p);
    /* An agreement does not lift the exclusions of art. 166. */
    f = loan(WAGE);
    json_object_set_new(f, "parties_agree_small_claims", json_true());
    json_object_set_new(f, "counterclaim", json_true());
    p = expect(f, "simplified", "simplified");
    assert_true(cites(p, "civ.small_claims.agreed"));
    assert_true(cites(p, "civ.small_claims.excl.counterclaim"));
    json_decref(p);
}

static void unknown_wage_excludes_small_claims_and_says_so(void **state)
{
    json_t *f = loan(100000);
    json_object_del(f, "average_wage_fen");
    json_t *p = expect(f, "simplified", "simplified");
    assert_true(cites(p, "civ.small_claims.no_wage_figure"));
    assert_true(has(p, "excluded", "small_claims"));
    json_decref(p);
}

static void not_money_excludes_small_claims(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "money_claim", json_false());
    json_t *p = expect(f, "simplified", "simplified");
    assert_true(cites(p, "civ.small_claims.excl.not_money"));
    json_decref(p);
}

static void small_claims_exclusions_of_art_166(void **state)
{
    static const char *const flags[][2] = {
        {"foreign_element", "civ.small_claims.excl.foreign"},
        {"counterclaim", "civ.small_claims.excl.counterclaim"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        json_t *f = loan(100000);
        json_object_set_new(f, flags[i][0], json_true());
        json_t *p = expect(f, "simplified", "simplified");
        assert_true(cites(p, flags[i][1]));
        assert_true(has(p, "excluded", "small_claims"));
        json_decref(p);
    }
}

static void appraisal_excludes_small_claims_and_counts_as_complex(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "appraisal_needed", json_true());
    /* 1 + 1 + 1 + 1 - 2 = 2: still simple, but not small claims. */
    json_t *p = expect(f, "simplified", "simplified");
    assert_true(cites(p, "civ.small_claims.excl.appraisal"));
    assert_true(cites(p, "civ.complex.appraisal"));
    assert_int_equal(json_integer_value(json_object_get(p, "score")), 2);
    json_decref(p);
}

static void status_and_title_causes_excluded_from_small_claims(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "cause", json_pack("[s, s, s]", "物权确认纠纷", "物权保护纠纷", "物权纠纷"));
    json_t *p = expect(f, "simplified", "simplified");
    assert_true(cites(p, "civ.small_claims.excl.status_or_title"));
    assert_false(cites(p, "civ.simple.routine_cause"));
    json_decref(p);
}

/* ---- civil: mediation ---- */

static void family_dispute_goes_to_mediation_first(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "cause", json_pack("[s, s, s]", "离婚纠纷", "婚姻家庭纠纷",
                                              "婚姻家庭、继承纠纷"));
    json_t *p = expect(f, "mediation", "simplified");
    assert_true(cites(p, "civ.mediation.suitable_cause"));
    assert_true(cites(p, "civ.small_claims.excl.status_or_title"));
    json_decref(p);
}

/* ---- civil: exclusions of 民诉解释 art. 257 ---- */

static void defendant_missing_means_ordinary(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "defendant_address_known", json_false());
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "civ.excl.defendant_missing"));
    assert_true(has(p, "excluded", "simplified"));
    assert_true(has(p, "excluded", "mediation"));
    json_decref(p);
}

static void remand_means_ordinary(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "remand", json_true());
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "civ.excl.remand"));
    json_decref(p);
}

static void many_parties_means_ordinary(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "plaintiffs", json_integer(10));
    json_object_set_new(f, "parties", json_integer(11));
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "civ.excl.many_parties"));
    assert_true(cites(p, "civ.complex.several_parties"));
    json_decref(p);
    /* Nine on one side is not 众多. */
    f = loan(100000);
    json_object_set_new(f, "defendants", json_integer(9));
    json_object_set_new(f, "parties", json_integer(10));
    p = yz_triage_propose(rules, f);
    json_decref(f);
    assert_false(cites(p, "civ.excl.many_parties"));
    json_decref(p);
}

static void retrial_means_ordinary(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "case_type", json_string("民再"));
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "civ.excl.retrial"));
    json_decref(p);
}

static void public_interest_means_ordinary(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "cause", json_pack("[s, s, s]", "环境污染民事公益诉讼", "公益诉讼",
                                              "特殊诉讼程序案件案由"));
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "civ.excl.public_interest"));
    json_decref(p);
}

static void third_party_revocation_means_ordinary(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "case_type", json_string("民撤"));
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "civ.excl.third_party_revocation"));
    json_decref(p);
}

/* ---- civil: complexity ---- */

static void large_amount_means_ordinary(void **state)
{
    json_t *p = expect(loan((json_int_t)WAGE * 20 + 1), "ordinary", "ordinary");
    assert_true(cites(p, "civ.complex.large_amount"));
    json_decref(p);
    /* Exactly twenty times is not "over". */
    p = expect(loan((json_int_t)WAGE * 20), "simplified", "simplified");
    assert_false(cites(p, "civ.complex.large_amount"));
    json_decref(p);
}

static void unknown_amount_is_not_large(void **state)
{
    json_t *f = loan(0);
    json_object_del(f, "amount_fen");
    json_object_set_new(f, "money_claim", json_false());
    json_t *p = expect(f, "simplified", "simplified");
    assert_false(cites(p, "civ.complex.large_amount"));
    assert_false(cites(p, "civ.simple.moderate_amount"));
    json_decref(p);
}

static void hard_cause_counts_as_complex(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "cause", json_pack("[s, s, s]", "医疗损害责任纠纷", "侵权责任纠纷",
                                              "侵权责任纠纷"));
    json_object_set_new(f, "money_claim", json_false());
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "civ.complex.hard_cause"));
    json_decref(p);
}

static void third_party_counts_as_complex(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "third_party", json_true());
    json_object_set_new(f, "parties", json_integer(3));
    json_t *p = yz_triage_propose(rules, f);
    json_decref(f);
    assert_true(cites(p, "civ.complex.several_parties"));
    assert_false(cites(p, "civ.simple.two_parties"));
    json_decref(p);
}

static void related_and_repeat_cases(void **state)
{
    json_t *f = loan(100000);
    json_object_set_new(f, "related_cases", json_integer(2));
    json_t *p = expect(f, "small_claims", "small_claims");
    assert_true(cites(p, "civ.complex.related_cases"));
    json_decref(p);
    f = loan(100000);
    json_object_set_new(f, "related_cases", json_integer(1));
    json_object_set_new(f, "repeat_cases", json_integer(1));
    p = expect(f, "simplified", "simplified");
    assert_true(cites(p, "civ.repeat_suit"));
    assert_true(has(p, "excluded", "small_claims"));
    json_decref(p);
}

/* ---- administrative ---- */

static void administrative_simplified_grounds(void **state)
{
    static const char *const grounds[][2] = {
        {"on_the_spot_act", "adm.simple.on_the_spot"},
        {"info_disclosure", "adm.simple.info_disclosure"},
        {"parties_agree_simplified", "adm.simple.agreed"},
    };
    for (size_t i = 0; i < sizeof grounds / sizeof grounds[0]; i++) {
        json_t *f = admin();
        json_object_set_new(f, grounds[i][0], json_true());
        json_t *p = expect(f, "simplified", "simplified");
        assert_true(cites(p, grounds[i][1]));
        assert_true(cites(p, "adm.excl.mediation"));
        assert_true(cites(p, "adm.excl.small_claims"));
        assert_string_equal(json_string_value(json_object_get(p, "category")), "administrative");
        json_decref(p);
    }
    json_t *f = admin();
    json_object_set_new(f, "amount_fen", json_integer(200000));
    json_t *p = expect(f, "simplified", "simplified");
    assert_true(cites(p, "adm.simple.small_amount"));
    json_decref(p);
    f = admin();
    json_object_set_new(f, "amount_fen", json_integer(200001));
    json_decref(expect(f, "ordinary", "ordinary"));
}

static void administrative_remand_and_retrial_are_ordinary(void **state)
{
    json_t *f = admin();
    json_object_set_new(f, "on_the_spot_act", json_true());
    json_object_set_new(f, "remand", json_true());
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "adm.excl.remand_retrial"));
    json_decref(p);
    f = admin();
    json_object_set_new(f, "info_disclosure", json_true());
    json_object_set_new(f, "case_type", json_string("行再"));
    p = expect(f, "ordinary", "ordinary");
    assert_true(cites(p, "adm.excl.remand_retrial"));
    json_decref(p);
}

static void administrative_never_small_claims_and_periods(void **state)
{
    struct yz_wf_deadline d;
    assert_false(yz_triage_trial_period(rules, "行政", YZ_TRACK_SMALL_CLAIMS, &d));
    assert_true(yz_triage_trial_period(rules, "行政", YZ_TRACK_SIMPLIFIED, &d));
    assert_int_equal(d.unit, YZ_WF_DAYS);
    assert_int_equal(d.n, 45);
    assert_true(yz_triage_trial_period(rules, "民事", YZ_TRACK_SMALL_CLAIMS, &d));
    assert_int_equal(d.unit, YZ_WF_MONTHS);
    assert_int_equal(d.n, 2);
    assert_true(yz_triage_trial_period(rules, "民事", YZ_TRACK_SIMPLIFIED, &d));
    assert_int_equal(d.n, 3);
    assert_true(yz_triage_trial_period(rules, "民事", YZ_TRACK_ORDINARY, &d));
    assert_int_equal(d.n, 6);
    assert_string_equal(d.name, "trial");
}

static void category_without_rules_is_ordinary(void **state)
{
    json_t *f = json_pack("{s:s}", "case_category", "执行");
    json_t *p = expect(f, "ordinary", "ordinary");
    assert_string_equal(json_string_value(json_object_get(p, "category")), "none");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(p, "reasons"), 0), "rule")),
        "none");
    json_decref(p);
    json_decref(expect(json_object(), "ordinary", "ordinary"));
}

/* ---- the loader ---- */

/* Loads text; expects failure with every fragment in the error text. */
static void refused(const char *text, const char *const *fragments)
{
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root)
        fail_msg("test JSON does not parse: %s", je.text);
    struct yz_buf err = YZ_BUF_INIT(1 << 16);
    struct yz_triage_rules *r = NULL;
    enum yz_err e = yz_triage_rules_from_json(root, cat, &r, &err);
    json_decref(root);
    if (e == YZ_OK) {
        yz_triage_rules_free(r);
        fail_msg("accepted: %s", text);
    }
    assert_int_equal(e, YZ_ERR_CONFIG);
    for (; *fragments; fragments++)
        if (!strstr(err.data, *fragments))
            fail_msg("error lacks \"%s\": %s", *fragments, err.data);
    yz_buf_release(&err);
}

#define CAT(rules_text)                                                                            \
    "{\"version\": 1, \"categories\": [{\"name\": \"civil\", \"title\": \"民事\","                 \
    " \"case_category\": \"民事\", \"simple_threshold\": 2, \"trial_periods\": [{\"track\":"       \
    " \"ordinary\", \"title\": \"审限\", \"unit\": \"months\", \"n\": 6, \"basis\": \"第一条\"}],"  \
    " \"rules\": [" rules_text "]}]}"
#define RULE(when, effect)                                                                         \
    "{\"id\": \"r.1\", \"title\": \"规则\", \"basis\": \"第一条\", \"when\": " when                  \
    ", \"effect\": " effect "}"

static void minimal_file_is_accepted(void **state)
{
    json_t *root = json_loads(CAT(RULE("{\"feature\": \"remand\", \"op\": \"eq\", \"value\": true}",
                                       "{\"score\": 1}")),
                              0, NULL);
    struct yz_buf err = YZ_BUF_INIT(4096);
    struct yz_triage_rules *r = NULL;
    assert_int_equal(yz_triage_rules_from_json(root, cat, &r, &err), YZ_OK);
    assert_int_equal(yz_triage_rules_version(r), 1);
    yz_triage_rules_free(r);
    yz_buf_release(&err);
    json_decref(root);
}

static void bad_files_are_refused(void **state)
{
    refused("[]", (const char *[]){"应为对象", NULL});
    refused("{\"version\": 1, \"categories\": [], \"extra\": 1}",
            (const char *[]){"未知的键 \"extra\"", "categories", NULL});
    refused("{\"version\": 0, \"categories\": [{}]}", (const char *[]){"version", "name", NULL});
    refused(CAT(RULE("{\"feature\": \"remnd\", \"op\": \"eq\", \"value\": true}", "{\"score\": 1}")),
            (const char *[]){"rules[0] (r.1)", "未知的特征 \"remnd\"", NULL});
    refused(CAT(RULE("{\"feature\": \"remand\", \"op\": \"gt\", \"value\": true}", "{\"score\": 1}")),
            (const char *[]){"不支持运算 \"gt\"", NULL});
    refused(CAT(RULE("{\"feature\": \"remand\", \"op\": \"eq\", \"value\": 1}", "{\"score\": 1}")),
            (const char *[]){"应为 true 或 false", NULL});
    refused(CAT(RULE("{\"feature\": \"parties\", \"op\": \"ge\", \"value\": \"3\"}", "{\"score\": 1}")),
            (const char *[]){"应为整数", NULL});
    refused(CAT(RULE("{\"feature\": \"parties\", \"op\": \"ge\"}", "{\"score\": 1}")),
            (const char *[]){"需要 \"value\"", NULL});
    refused(CAT(RULE("{\"feature\": \"parties\", \"op\": \"known\", \"value\": 1}", "{\"score\": 1}")),
            (const char *[]){"不带 \"value\"", NULL});
    refused(CAT(RULE("{\"feature\": \"amount_fen\", \"op\": \"le_pct\", \"pct\": 50}", "{\"score\": 1}")),
            (const char *[]){"\"of\"", NULL});
    refused(CAT(RULE("{\"feature\": \"cause\", \"op\": \"any_in\", \"value\": [\"民间借款纠纷\"]}",
                     "{\"score\": 1}")),
            (const char *[]){"案由 \"民间借款纠纷\" 不在", NULL});
    refused(CAT(RULE("{\"feature\": \"remand\", \"op\": \"eq\", \"value\": true}",
                     "{\"exclude\": [\"fast\"]}")),
            (const char *[]){"未知的程序 \"fast\"", NULL});
    refused(CAT(RULE("{\"feature\": \"remand\", \"op\": \"eq\", \"value\": true}", "{\"score\": 0}")),
            (const char *[]){"\"score\"", NULL});
    refused(CAT(RULE("{\"feature\": \"remand\", \"op\": \"eq\", \"value\": true}", "{}")),
            (const char *[]){"\"effect\" 应为非空对象", NULL});
    refused(CAT(RULE("{\"feature\": \"remand\", \"op\": \"eq\", \"value\": true}",
                     "{\"score\": 1, \"weight\": 2}")),
            (const char *[]){"未知的键 \"weight\"", NULL});
    refused(CAT(RULE("{\"all\": [], \"any\": []}", "{\"score\": 1}")),
            (const char *[]){"all、any、not", NULL});
    refused(CAT(RULE("{\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"feature\":"
                     " \"remand\", \"op\": \"eq\", \"value\": true}}}}}}}",
                     "{\"score\": 1}")),
            (const char *[]){"嵌套超过", NULL});
    refused(CAT(RULE("{\"feature\": \"remand\", \"op\": \"eq\", \"value\": true}", "{\"score\": 1}")
                "," RULE("{\"feature\": \"remand\", \"op\": \"eq\", \"value\": true}",
                         "{\"score\": 1}")),
            (const char *[]){"规则编号 r.1 重复", NULL});
    refused("{\"version\": 1, \"categories\": [{\"name\": \"civil\", \"title\": \"民事\","
            " \"case_category\": \"民事\", \"simple_threshold\": 2, \"trial_periods\": [],"
            " \"rules\": []}]}",
            (const char *[]){"缺少普通程序", NULL});
    refused("{\"version\": 1, \"categories\": [{\"name\": \"civil\", \"title\": \"民事\","
            " \"case_category\": \"民事\", \"simple_threshold\": 2, \"trial_periods\": [{\"track\":"
            " \"ordinary\", \"title\": \"审限\", \"unit\": \"weeks\", \"n\": 6, \"basis\": \"x\"}],"
            " \"rules\": []}]}",
            (const char *[]){"\"unit\" 应为 days 或 months", NULL});
}

static void missing_and_malformed_files_are_refused(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    struct yz_triage_rules *r = NULL;
    assert_int_equal(yz_triage_rules_load("/nonexistent", cat, &r, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "rules.json"));
    yz_buf_release(&err);
    char dir[] = "/tmp/yz-triage-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/triage", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/triage/rules.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"version\": 1, \"version\": 2}", f);
    fclose(f);
    assert_int_equal(yz_triage_rules_load(dir, cat, &r, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "JSON"));
    yz_buf_release(&err);
    unlink(path);
    snprintf(path, sizeof path, "%s/triage", dir);
    rmdir(path);
    rmdir(dir);
}

/* ---- the dated wage figure ---- */

static void wages_by_date(void **state)
{
    struct yz_wages w;
    struct yz_buf err = YZ_BUF_INIT(512);
    assert_int_equal(yz_wages_parse("", &w, &err), YZ_OK);
    int64_t fen = 0;
    assert_false(yz_wages_at(&w, (struct yz_date){2026, 1, 1}, &fen));
    assert_int_equal(yz_wages_parse("2024-01-06:12172400,2025-01-10:12800000", &w, &err), YZ_OK);
    assert_false(yz_wages_at(&w, (struct yz_date){2024, 1, 5}, &fen));
    assert_true(yz_wages_at(&w, (struct yz_date){2024, 1, 6}, &fen));
    assert_int_equal(fen, 12172400);
    assert_true(yz_wages_at(&w, (struct yz_date){2025, 1, 9}, &fen));
    assert_int_equal(fen, 12172400);
    assert_true(yz_wages_at(&w, (struct yz_date){2030, 6, 1}, &fen));
    assert_int_equal(fen, 12800000);
    static const char *const bad[] = {
        "2024-01-06",           "2024-13-06:100",         "2024-01-06:0",
        "2024-01-06:-5",        "2024-01-06:12x",         "2025-01-01:1,2024-01-01:2",
        "2025-01-01:1,",        "2025-01-01:1,2025-01-01:2", "2024/01/06:100",
        "2024-01-06:100000000001",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        yz_buf_reset(&err);
        if (yz_wages_parse(bad[i], &w, &err) != YZ_ERR_CONFIG)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_true(err.len > 0);
    }
    yz_buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_loan_is_small_claims),
        cmocka_unit_test(small_claims_limit_is_half_the_wage_inclusive),
        cmocka_unit_test(parties_may_agree_to_small_claims_up_to_twice_the_wage),
        cmocka_unit_test(unknown_wage_excludes_small_claims_and_says_so),
        cmocka_unit_test(not_money_excludes_small_claims),
        cmocka_unit_test(small_claims_exclusions_of_art_166),
        cmocka_unit_test(appraisal_excludes_small_claims_and_counts_as_complex),
        cmocka_unit_test(status_and_title_causes_excluded_from_small_claims),
        cmocka_unit_test(family_dispute_goes_to_mediation_first),
        cmocka_unit_test(defendant_missing_means_ordinary),
        cmocka_unit_test(remand_means_ordinary),
        cmocka_unit_test(many_parties_means_ordinary),
        cmocka_unit_test(retrial_means_ordinary),
        cmocka_unit_test(public_interest_means_ordinary),
        cmocka_unit_test(third_party_revocation_means_ordinary),
        cmocka_unit_test(large_amount_means_ordinary),
        cmocka_unit_test(unknown_amount_is_not_large),
        cmocka_unit_test(hard_cause_counts_as_complex),
        cmocka_unit_test(third_party_counts_as_complex),
        cmocka_unit_test(related_and_repeat_cases),
        cmocka_unit_test(administrative_simplified_grounds),
        cmocka_unit_test(administrative_remand_and_retrial_are_ordinary),
        cmocka_unit_test(administrative_never_small_claims_and_periods),
        cmocka_unit_test(category_without_rules_is_ordinary),
        cmocka_unit_test(minimal_file_is_accepted),
        cmocka_unit_test(bad_files_are_refused),
        cmocka_unit_test(missing_and_malformed_files_are_refused),
        cmocka_unit_test(wages_by_date),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
