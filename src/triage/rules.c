/*
 * Loading, checking and evaluating data/triage/rules.json (format:
 * data/triage/README.md). The checked document is kept as JSON and walked
 * directly when evaluating: the checker has proven every member the
 * evaluator reads, so evaluation has no error paths.
 */
#include "triage/rules.h"
#include "catalog/catalog.h"
#include "core/jsonfile.h"
#include "core/utf8.h"
#include "workflow/workflow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define MAX_CATEGORIES 8
#define MAX_RULES 200
#define MAX_DEPTH 6
#define MAX_LIST 64
#define MAX_SCORE 100

static const char *const track_names[] = {"mediation", "small_claims", "simplified", "ordinary"};
static const char *const track_titles[] = {"立案后先行调解", "小额诉讼程序", "简易程序",
                                           "普通程序"};

const char *yz_track_name(enum yz_track t)
{
    return t < YZ_TRACK__COUNT ? track_names[t] : "";
}

const char *yz_track_title(enum yz_track t)
{
    return t < YZ_TRACK__COUNT ? track_titles[t] : "";
}

bool yz_track_parse(const char *s, enum yz_track *out)
{
    for (int i = 0; s && i < YZ_TRACK__COUNT; i++)
        if (strcmp(s, track_names[i]) == 0) {
            *out = (enum yz_track)i;
            return true;
        }
    return false;
}

/* RULE: triage-features — what features.c extracts; amendable ones the officer may set. */
const struct yz_triage_feature yz_triage_features[] = {
    {"case_category", YZ_FEAT_TEXT, "案件类别", false},
    {"case_type", YZ_FEAT_TEXT, "案件类型代字", false},
    {"cause", YZ_FEAT_NAMES, "案由（含上级案由）", false},
    {"amount_fen", YZ_FEAT_INT, "诉讼标的额（分）", false},
    {"average_wage_fen", YZ_FEAT_INT, "本省上年度就业人员年平均工资（分）", false},
    {"money_claim", YZ_FEAT_BOOL, "给付金钱", true},
    {"parties", YZ_FEAT_INT, "当事人人数", false},
    {"plaintiffs", YZ_FEAT_INT, "原告人数", false},
    {"defendants", YZ_FEAT_INT, "被告人数", false},
    {"legal_persons", YZ_FEAT_INT, "法人及其他组织当事人数", false},
    {"third_party", YZ_FEAT_BOOL, "有第三人", false},
    {"foreign_element", YZ_FEAT_BOOL, "涉外因素", true},
    {"defendant_address_known", YZ_FEAT_BOOL, "被告住址明确（无需公告送达）", true},
    {"counterclaim", YZ_FEAT_BOOL, "有反诉", true},
    {"appraisal_needed", YZ_FEAT_BOOL, "需要鉴定、评估", true},
    {"remand", YZ_FEAT_BOOL, "发回重审", true},
    {"related_cases", YZ_FEAT_INT, "本院涉同一当事人的在先案件数", false},
    {"repeat_cases", YZ_FEAT_INT, "本院同一原告、被告间的在先案件数", false},
    {"parties_agree_small_claims", YZ_FEAT_BOOL, "当事人约定适用小额诉讼程序", true},
    {"on_the_spot_act", YZ_FEAT_BOOL, "被诉行政行为系当场作出", true},
    {"info_disclosure", YZ_FEAT_BOOL, "政府信息公开案件", true},
    {"parties_agree_simplified", YZ_FEAT_BOOL, "当事人各方同意适用简易程序", true},
    {"compensation_claim", YZ_FEAT_BOOL, "行政赔偿、补偿或行政协议案件", true},
    {NULL, 0, NULL, false},
};

const struct yz_triage_feature *yz_triage_feature_find(const char *name)
{
    for (const struct yz_triage_feature *f = yz_triage_features; name && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

struct category {
    const char *name, *title, *case_category; /* point into root */
    int simple_threshold;
    bool has_period[YZ_TRACK__COUNT];
    struct yz_wf_deadline period[YZ_TRACK__COUNT];
    const json_t *rules;
};

struct yz_triage_rules {
    json_t *root;
    int version;
    struct category cats[MAX_CATEGORIES];
    size_t ncats;
};

/* ---- checking ---------------------------------------------------------- */

struct checker {
    const struct yz_catalog *cat;
    struct yz_buf *err;
    int problems;
    char where[160];
};

static void problem(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct checker *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    yz_buf_addf(c->err, "rules.json: %s: ", c->where);
    yz_buf_vaddf(c->err, fmt, ap);
    yz_buf_addc(c->err, '\n');
    va_end(ap);
    c->problems++;
}

static bool only_keys(struct checker *c, const json_t *o, const char *const *allowed)
{
    const char *k = yz_json_unknown_key(o, allowed);
    if (k)
        problem(c, "未知的键 \"%.60s\"", k);
    return !k;
}

static bool chinese_title(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && yz_utf8_valid(s, n) && !yz_utf8_has_control(s, n, false) &&
           yz_utf8_count(s, n) <= max;
}

static const char *text_member(struct checker *c, const json_t *o, const char *key, size_t max)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        problem(c, "缺少文本 \"%s\"", key);
    else if (!chinese_title(s, max))
        problem(c, "\"%s\" 应为 1..%zu 个字符的单行文本", key, max);
    else
        return s;
    return NULL;
}

static bool id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 60)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
              s[i] == '.'))
            return false;
    return true;
}

static bool cause_name_known(const struct yz_catalog *cat, const char *name)
{
    for (int rev = YZ_CAUSE_REV_2020; rev <= YZ_CAUSE_REV_2025; rev += YZ_CAUSE_REV_2025 - YZ_CAUSE_REV_2020) {
        size_t n = yz_catalog_cause_count(cat, (enum yz_cause_rev)rev);
        for (size_t i = 0; i < n; i++)
            if (strcmp(yz_catalog_cause_at(cat, (enum yz_cause_rev)rev, i)->name, name) == 0)
                return true;
    }
    return false;
}

static const char *const ops_bool[] = {"eq", "known", "unknown", NULL};
static const char *const ops_int[] = {"eq", "ne", "lt", "le", "gt", "ge", "le_pct", "known",
                                      "unknown", NULL};
static const char *const ops_text[] = {"eq", "ne", "in", "known", "unknown", NULL};
static const char *const ops_names[] = {"any_in", "known", "unknown", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static void check_strings(struct checker *c, const json_t *v, bool causes)
{
    if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > MAX_LIST) {
        problem(c, "\"value\" 应为 1..%d 项文本的列表", MAX_LIST);
        return;
    }
    size_t i;
    const json_t *s;
    json_array_foreach(v, i, s)
    {
        if (!json_is_string(s) || !chinese_title(json_string_value(s), 100))
            problem(c, "\"value\" 第 %zu 项应为文本", i);
        else if (causes && c->cat && !cause_name_known(c->cat, json_string_value(s)))
            problem(c, "案由 \"%.60s\" 不在任何版本的民事案件案由目录中", json_string_value(s));
    }
}

static void check_leaf(struct checker *c, const json_t *o)
{
    static const char *const keys[] = {"feature", "op", "value", "of", "pct", NULL};
    if (!only_keys(c, o, keys))
        return;
    const char *name = json_string_value(json_object_get(o, "feature"));
    const char *op = json_string_value(json_object_get(o, "op"));
    const struct yz_triage_feature *f = yz_triage_feature_find(name);
    if (!f) {
        problem(c, "未知的特征 \"%.60s\"", name ? name : "");
        return;
    }
    const char *const *ops = f->type == YZ_FEAT_BOOL  ? ops_bool
                             : f->type == YZ_FEAT_INT ? ops_int
                             : f->type == YZ_FEAT_TEXT ? ops_text
                                                       : ops_names;
    if (!op || !in_list(ops, op)) {
        problem(c, "特征 %s 不支持运算 \"%.20s\"", f->name, op ? op : "");
        return;
    }
    const json_t *v = json_object_get(o, "value");
    bool wants_value = strcmp(op, "known") != 0 && strcmp(op, "unknown") != 0 &&
                       strcmp(op, "le_pct") != 0;
    if (!wants_value && v)
        problem(c, "运算 %s 不带 \"value\"", op);
    if (strcmp(op, "le_pct") == 0) {
        const struct yz_triage_feature *of =
            yz_triage_feature_find(json_string_value(json_object_get(o, "of")));
        if (!of || of->type != YZ_FEAT_INT)
            problem(c, "le_pct 需要 \"of\"：一个整数特征");
        const json_t *pct = json_object_get(o, "pct");
        if (!json_is_integer(pct) || json_integer_value(pct) < 1 || json_integer_value(pct) > 10000)
            problem(c, "le_pct 需要 \"pct\"：1..10000 的整数（百分比）");
    } else if (json_object_get(o, "of") || json_object_get(o, "pct")) {
        problem(c, "只有 le_pct 带 \"of\" 和 \"pct\"");
    }
    if (!wants_value)
        return;
    if (!v) {
        problem(c, "运算 %s 需要 \"value\"", op);
    } else if (strcmp(op, "in") == 0 || strcmp(op, "any_in") == 0) {
        check_strings(c, v, f->type == YZ_FEAT_NAMES);
    } else if (f->type == YZ_FEAT_BOOL && !json_is_boolean(v)) {
        problem(c, "特征 %s 的 \"value\" 应为 true 或 false", f->name);
    } else if (f->type == YZ_FEAT_INT && !json_is_integer(v)) {
        problem(c, "特征 %s 的 \"value\" 应为整数", f->name);
    } else if (f->type == YZ_FEAT_TEXT &&
               (!json_is_string(v) || !chinese_title(json_string_value(v), 100))) {
        problem(c, "特征 %s 的 \"value\" 应为文本", f->name);
    }
}

static void check_condition(struct checker *c, const json_t *o, int depth)
{
    if (!json_is_object(o)) {
        problem(c, "条件应为对象");
        return;
    }
    if (depth > MAX_DEPTH) {
        problem(c, "条件嵌套超过 %d 层", MAX_DEPTH);
        return;
    }
    const json_t *all = json_object_get(o, "all"), *any = json_object_get(o, "any"),
                 *not = json_object_get(o, "not");
    int combinators = (all != NULL) + (any != NULL) + (not != NULL);
    if (combinators == 0) {
        check_leaf(c, o);
        return;
    }
    if (combinators > 1 || json_object_size(o) != 1) {
        problem(c, "条件只能是 all、any、not 之一，或一个特征比较");
        return;
    }
    if (not) {
        check_condition(c, not, depth + 1);
        return;
    }
    const json_t *list = all ? all : any;
    if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > MAX_LIST) {
        problem(c, "%s 应为 1..%d 个条件的列表", all ? "all" : "any", MAX_LIST);
        return;
    }
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x) check_condition(c, x, depth + 1);
}

static void check_track_list(struct checker *c, const json_t *v)
{
    if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > YZ_TRACK__COUNT) {
        problem(c, "\"exclude\" 应为程序名称的列表");
        return;
    }
    size_t i;
    const json_t *t;
    enum yz_track tr;
    json_array_foreach(v, i, t) if (!yz_track_parse(json_string_value(t), &tr))
        problem(c, "未知的程序 \"%.30s\"", json_string_value(t) ? json_string_value(t) : "");
}

static void check_effect(struct checker *c, const json_t *e)
{
    static const char *const keys[] = {"exclude", "score", "qualifies", "require", NULL};
    if (!json_is_object(e) || json_object_size(e) == 0) {
        problem(c, "\"effect\" 应为非空对象");
        return;
    }
    only_keys(c, e, keys);
    const json_t *v;
    enum yz_track tr;
    if ((v = json_object_get(e, "exclude")))
        check_track_list(c, v);
    if ((v = json_object_get(e, "score")) &&
        (!json_is_integer(v) || json_integer_value(v) < -MAX_SCORE ||
         json_integer_value(v) > MAX_SCORE || json_integer_value(v) == 0))
        problem(c, "\"score\" 应为 -%d..%d 的非零整数", MAX_SCORE, MAX_SCORE);
    if ((v = json_object_get(e, "qualifies")) && !yz_track_parse(json_string_value(v), &tr))
        problem(c, "\"qualifies\" 应为程序名称");
    if ((v = json_object_get(e, "require")) && !yz_track_parse(json_string_value(v), &tr))
        problem(c, "\"require\" 应为程序名称");
}

static void check_rule(struct checker *c, const json_t *r, const json_t *seen)
{
    static const char *const keys[] = {"id", "title", "basis", "when", "effect", "note", NULL};
    if (!json_is_object(r)) {
        problem(c, "规则应为对象");
        return;
    }
    const char *id = json_string_value(json_object_get(r, "id"));
    if (!id_ok(id)) {
        problem(c, "\"id\" 应为 1..60 个 a-z、0-9、_、. 字符");
        id = NULL;
    } else if (json_object_get(seen, id)) {
        problem(c, "规则编号 %s 重复", id);
    }
    if (id) {
        size_t n = strlen(c->where);
        snprintf(c->where + n, sizeof c->where - n, " (%s)", id);
    }
    only_keys(c, r, keys);
    text_member(c, r, "title", 100);
    text_member(c, r, "basis", 200);
    if (json_object_get(r, "note"))
        text_member(c, r, "note", 500);
    if (!json_object_get(r, "when"))
        problem(c, "缺少条件 \"when\"");
    else
        check_condition(c, json_object_get(r, "when"), 1);
    check_effect(c, json_object_get(r, "effect"));
}

static void check_periods(struct checker *c, struct category *k, const json_t *a)
{
    static const char *const keys[] = {"track", "title", "unit", "n", "basis", NULL};
    if (!json_is_array(a) || json_array_size(a) > YZ_TRACK__COUNT) {
        problem(c, "\"trial_periods\" 应为列表");
        return;
    }
    char saved[160];
    memcpy(saved, c->where, sizeof saved);
    size_t i;
    const json_t *p;
    json_array_foreach(a, i, p)
    {
        snprintf(c->where, sizeof c->where, "%.100s.trial_periods[%zu]", saved, i);
        if (!json_is_object(p)) {
            problem(c, "审理期限应为对象");
            continue;
        }
        only_keys(c, p, keys);
        enum yz_track t;
        const char *unit = json_string_value(json_object_get(p, "unit"));
        const json_t *n = json_object_get(p, "n");
        const char *title = text_member(c, p, "title", 100);
        text_member(c, p, "basis", 200);
        if (!yz_track_parse(json_string_value(json_object_get(p, "track")), &t) ||
            t == YZ_TRACK_MEDIATION) {
            problem(c, "\"track\" 应为 small_claims、simplified 或 ordinary");
            continue;
        }
        if (k->has_period[t])
            problem(c, "程序 %s 的审理期限重复", yz_track_name(t));
        int max = 0;
        enum yz_wf_unit u = YZ_WF_DAYS;
        if (unit && strcmp(unit, "days") == 0)
            max = 3650;
        else if (unit && strcmp(unit, "months") == 0)
            u = YZ_WF_MONTHS, max = 120;
        else
            problem(c, "\"unit\" 应为 days 或 months");
        if (max && (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > max))
            problem(c, "\"n\" 应为 1..%d 的整数", max);
        else if (max && title) {
            k->has_period[t] = true;
            k->period[t] = (struct yz_wf_deadline){"trial", title, u, (int)json_integer_value(n)};
        }
    }
    memcpy(c->where, saved, sizeof saved);
}

static void check_category(struct checker *c, struct category *k, const json_t *o)
{
    static const char *const keys[] = {"name", "title", "case_category", "simple_threshold",
                                       "trial_periods", "rules", NULL};
    only_keys(c, o, keys);
    k->name = json_string_value(json_object_get(o, "name"));
    if (!id_ok(k->name)) {
        problem(c, "\"name\" 应为 1..60 个 a-z、0-9、_ 字符");
        k->name = "";
    }
    k->title = text_member(c, o, "title", 100);
    k->case_category = text_member(c, o, "case_category", 20);
    const json_t *t = json_object_get(o, "simple_threshold");
    if (!json_is_integer(t) || json_integer_value(t) < -1000 || json_integer_value(t) > 1000)
        problem(c, "\"simple_threshold\" 应为 -1000..1000 的整数");
    else
        k->simple_threshold = (int)json_integer_value(t);
    check_periods(c, k, json_object_get(o, "trial_periods"));
    if (!k->has_period[YZ_TRACK_ORDINARY])
        problem(c, "缺少普通程序（ordinary）的审理期限");
    k->rules = json_object_get(o, "rules");
    if (!json_is_array(k->rules) || json_array_size(k->rules) > MAX_RULES) {
        problem(c, "\"rules\" 应为至多 %d 条规则的列表", MAX_RULES);
        k->rules = NULL;
        return;
    }
    json_t *seen = json_object();
    char saved[160];
    memcpy(saved, c->where, sizeof saved);
    size_t i;
    const json_t *r;
    json_array_foreach(k->rules, i, r)
    {
        snprintf(c->where, sizeof c->where, "%.100s.rules[%zu]", saved, i);
        check_rule(c, r, seen);
        const char *id = json_string_value(json_object_get(r, "id"));
        if (id)
            json_object_set_new(seen, id, json_true());
    }
    memcpy(c->where, saved, sizeof saved);
    json_decref(seen);
}

enum yz_err yz_triage_rules_from_json(const json_t *root, const struct yz_catalog *cat,
                                      struct yz_triage_rules **out, struct yz_buf *err)
{
    static const char *const keys[] = {"version", "title", "categories", NULL};
    struct checker c = {.cat = cat, .err = err};
    struct yz_triage_rules *r = yz_malloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->root = json_deep_copy(root);
    snprintf(c.where, sizeof c.where, "(顶层)");
    if (!json_is_object(root)) {
        problem(&c, "应为对象");
        goto done;
    }
    only_keys(&c, root, keys);
    const json_t *v = json_object_get(root, "version");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000)
        problem(&c, "\"version\" 应为 1..1000000 的整数");
    else
        r->version = (int)json_integer_value(v);
    if (json_object_get(root, "title"))
        text_member(&c, root, "title", 100);
    const json_t *cats = json_object_get(r->root, "categories");
    if (!json_is_array(cats) || json_array_size(cats) < 1 ||
        json_array_size(cats) > MAX_CATEGORIES) {
        problem(&c, "\"categories\" 应为 1..%d 个案件类别的列表", MAX_CATEGORIES);
        goto done;
    }
    size_t i;
    const json_t *o;
    json_array_foreach(cats, i, o)
    {
        snprintf(c.where, sizeof c.where, "categories[%zu]", i);
        if (!json_is_object(o)) {
            problem(&c, "案件类别应为对象");
            continue;
        }
        struct category *k = &r->cats[r->ncats++];
        check_category(&c, k, o);
        for (size_t j = 0; j + 1 < r->ncats; j++) {
            if (*k->name && strcmp(r->cats[j].name, k->name) == 0)
                problem(&c, "案件类别 %s 重复", k->name);
            if (k->case_category && r->cats[j].case_category &&
                strcmp(r->cats[j].case_category, k->case_category) == 0)
                problem(&c, "案件类别 \"%s\" 已有规则集", k->case_category);
        }
    }
done:
    if (c.problems) {
        yz_triage_rules_free(r);
        return YZ_ERR_CONFIG;
    }
    *out = r;
    return YZ_OK;
}

enum yz_err yz_triage_rules_load(const char *data_dir, const struct yz_catalog *cat,
                                 struct yz_triage_rules **out, struct yz_buf *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/triage/rules.json", data_dir);
    json_t *root = NULL;
    struct yz_buf why = YZ_BUF_INIT(4096);
    enum yz_err e = yz_json_load_file(path, YZ_TRIAGE_RULES_MAX_BYTES, &root, &why);
    if (e != YZ_OK) {
        yz_buf_addf(err, "rules.json: %s\n", why.data);
        yz_buf_release(&why);
        return e;
    }
    yz_buf_release(&why);
    e = yz_triage_rules_from_json(root, cat, out, err);
    json_decref(root);
    return e;
}

void yz_triage_rules_free(struct yz_triage_rules *r)
{
    if (!r)
        return;
    json_decref(r->root);
    free(r);
}

int yz_triage_rules_version(const struct yz_triage_rules *r)
{
    return r->version;
}

void yz_triage_rules_describe(const struct yz_triage_rules *r, struct yz_buf *out)
{
    for (size_t i = 0; i < r->ncats; i++)
        yz_buf_addf(out, "%s%s (%s): %zu rules", i ? "; " : "", r->cats[i].name,
                    r->cats[i].case_category, json_array_size(r->cats[i].rules));
}

/* ---- evaluation ---------------------------------------------------------- */

static const struct category *category_of(const struct yz_triage_rules *r, const char *cc)
{
    for (size_t i = 0; cc && i < r->ncats; i++)
        if (strcmp(r->cats[i].case_category, cc) == 0)
            return &r->cats[i];
    return NULL;
}

const char *yz_triage_category_for(const struct yz_triage_rules *r, const char *case_category)
{
    const struct category *k = category_of(r, case_category);
    return k ? k->name : NULL;
}

const char *yz_triage_rule_title(const struct yz_triage_rules *r, const char *id)
{
    for (size_t i = 0; id && i < r->ncats; i++) {
        size_t j;
        const json_t *rule;
        json_array_foreach(r->cats[i].rules, j, rule)
        {
            if (strcmp(json_string_value(json_object_get(rule, "id")), id) == 0)
                return json_string_value(json_object_get(rule, "title"));
        }
    }
    return NULL;
}

bool yz_triage_trial_period(const struct yz_triage_rules *r, const char *case_category,
                            enum yz_track t, struct yz_wf_deadline *out)
{
    const struct category *k = category_of(r, case_category);
    if (!k || t >= YZ_TRACK__COUNT || !k->has_period[t])
        return false;
    *out = k->period[t];
    return true;
}

static bool string_in(const json_t *list, const char *s)
{
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x) if (strcmp(json_string_value(x), s) == 0) return true;
    return false;
}

/* Reads the features a condition tests into used (name -> value or null). */
static bool eval(const json_t *cond, const json_t *features, json_t *used)
{
    const json_t *list;
    size_t i;
    const json_t *x;
    if ((list = json_object_get(cond, "all"))) {
        bool ok = true;
        json_array_foreach(list, i, x) ok = eval(x, features, used) && ok;
        return ok;
    }
    if ((list = json_object_get(cond, "any"))) {
        bool ok = false;
        json_array_foreach(list, i, x) ok = eval(x, features, used) || ok;
        return ok;
    }
    if ((x = json_object_get(cond, "not")))
        return !eval(x, features, used);
    const char *name = json_string_value(json_object_get(cond, "feature"));
    const char *op = json_string_value(json_object_get(cond, "op"));
    const json_t *fv = json_object_get(features, name);
    const json_t *v = json_object_get(cond, "value");
    json_object_set_new(used, name, fv ? json_deep_copy(fv) : json_null());
    if (strcmp(op, "unknown") == 0)
        return !fv || json_is_null(fv);
    if (!fv || json_is_null(fv))
        return false;
    if (strcmp(op, "known") == 0)
        return true;
    if (strcmp(op, "le_pct") == 0) {
        const char *of = json_string_value(json_object_get(cond, "of"));
        const json_t *base = json_object_get(features, of);
        json_object_set_new(used, of, base ? json_deep_copy(base) : json_null());
        if (!json_is_integer(base) || !json_is_integer(fv))
            return false;
        /* amount * 100 <= pct * base, exactly; both below 2^53 so no overflow in 128 bits */
        __int128 lhs = (__int128)json_integer_value(fv) * 100;
        __int128 rhs = (__int128)json_integer_value(base) * json_integer_value(json_object_get(cond, "pct"));
        return lhs <= rhs;
    }
    if (strcmp(op, "in") == 0)
        return json_is_string(fv) && string_in(v, json_string_value(fv));
    if (strcmp(op, "any_in") == 0) {
        json_array_foreach(fv, i, x) if (json_is_string(x) && string_in(v, json_string_value(x)))
            return true;
        return false;
    }
    if (json_is_integer(fv) && json_is_integer(v)) {
        json_int_t a = json_integer_value(fv), b = json_integer_value(v);
        return strcmp(op, "eq") == 0   ? a == b
               : strcmp(op, "ne") == 0 ? a != b
               : strcmp(op, "lt") == 0 ? a < b
               : strcmp(op, "le") == 0 ? a <= b
               : strcmp(op, "gt") == 0 ? a > b
                                       : a >= b;
    }
    bool same = json_equal((json_t *)fv, (json_t *)v);
    return strcmp(op, "ne") == 0 ? !same : same;
}

json_t *yz_triage_propose(const struct yz_triage_rules *r, const json_t *features)
{
    const char *cc = json_string_value(json_object_get(features, "case_category"));
    const struct category *k = category_of(r, cc);
    json_t *reasons = json_array();
    bool excluded[YZ_TRACK__COUNT] = {0}, qualified[YZ_TRACK__COUNT] = {0};
    int required = -1; /* the first trial track a rule requires */
    bool mediation_required = false;
    json_int_t score = 0;
    size_t i;
    const json_t *rule;
    if (k)
        json_array_foreach(k->rules, i, rule)
        {
            json_t *used = json_object();
            if (!eval(json_object_get(rule, "when"), features, used)) {
                json_decref(used);
                continue;
            }
            const json_t *effect = json_object_get(rule, "effect");
            size_t j;
            const json_t *t;
            enum yz_track tr;
            json_array_foreach(json_object_get(effect, "exclude"), j, t)
                if (yz_track_parse(json_string_value(t), &tr)) excluded[tr] = true;
            if (yz_track_parse(json_string_value(json_object_get(effect, "qualifies")), &tr))
                qualified[tr] = true;
            if (yz_track_parse(json_string_value(json_object_get(effect, "require")), &tr)) {
                if (tr == YZ_TRACK_MEDIATION)
                    mediation_required = true;
                else if (required < 0)
                    required = (int)tr;
            }
            score += json_integer_value(json_object_get(effect, "score"));
            json_array_append_new(
                reasons, json_pack("{s:O, s:O, s:O, s:O, s:o}", "rule", json_object_get(rule, "id"),
                                   "title", json_object_get(rule, "title"), "basis",
                                   json_object_get(rule, "basis"), "effect", effect, "features",
                                   used));
        }
    else
        json_array_append_new(reasons,
                              json_pack("{s:s, s:s, s:s, s:{}, s:{s:s?}}", "rule", "none", "title",
                                        "本类案件没有分流规则，按普通程序审理", "basis",
                                        "data/triage/rules.json", "effect", "features",
                                        "case_category", cc));
    int threshold = k ? k->simple_threshold : 0;
    bool simple = k && score >= threshold;
    enum yz_track trial;
    if (required >= 0 && !excluded[required])
        trial = (enum yz_track)required;
    else if (simple && qualified[YZ_TRACK_SMALL_CLAIMS] && !excluded[YZ_TRACK_SMALL_CLAIMS])
        trial = YZ_TRACK_SMALL_CLAIMS;
    else if (simple && !excluded[YZ_TRACK_SIMPLIFIED])
        trial = YZ_TRACK_SIMPLIFIED;
    else
        trial = YZ_TRACK_ORDINARY;
    /* A trial track the rules set has no period for (small claims in an
     * administrative case) is never proposed. */
    if (k && !k->has_period[trial])
        trial = YZ_TRACK_ORDINARY;
    bool mediate = k && (mediation_required || qualified[YZ_TRACK_MEDIATION]) &&
                   !excluded[YZ_TRACK_MEDIATION];
    enum yz_track track = mediate ? YZ_TRACK_MEDIATION : trial;
    json_t *ex = json_array(), *qu = json_array();
    for (int t = 0; t < YZ_TRACK__COUNT; t++) {
        if (excluded[t])
            json_array_append_new(ex, json_string(track_names[t]));
        if (qualified[t])
            json_array_append_new(qu, json_string(track_names[t]));
    }
    return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:i, s:o, s:o, s:o}", "category",
                     k ? k->name : "none", "category_title", k ? k->title : "未配置", "rules_version",
                     r->version, "track", track_names[track], "track_title", track_titles[track],
                     "trial_track", track_names[trial], "score", (json_int_t)score,
                     "simple_threshold", threshold, "excluded", ex, "qualified", qu, "reasons",
                     reasons);
}
