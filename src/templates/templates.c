/*
 * Document templates (templates.h): the validating loader, the case-class
 * match, filling from a case view, and the plain-text form. Everything a
 * placeholder can name is in one table (vocabulary[]), which the loader
 * checks against and the filler computes from, so a template can never
 * name a value the code does not produce.
 */
#include "templates/templates.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/jsonfile.h"
#include "core/utf8.h"
#include "mediation/notices.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const style_names[] = {"title", "center", "right", "para", "plain", "blank", NULL};
static const char *const type_names[] = {"text", "longtext", "date", "datetime", "money", NULL};

static const char *const vocabulary[] = {
    "court.name",       "case.number",          "case.cause",
    "case.registered_date", "case.claims",      "case.facts",
    "case.amount",      "parties.plaintiffs",   "parties.defendants",
    "parties.third_parties", "parties.plaintiff_names", "parties.defendant_names",
    "today",            "today_cn",             NULL,
};

static int index_of(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* ---- loading ---- */

static bool valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* A string member within max code points, single-line unless multiline; NULL
 * (reason in err) when missing-but-required, not a string or bad. */
static const char *member_text(const json_t *o, const char *key, bool required, size_t max,
                               const char *where, struct yz_buf *err)
{
    const json_t *v = json_object_get(o, key);
    if (!v) {
        if (required)
            yz_buf_addf(err, "%s缺少 %s", where, key);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    if (!s || memchr(s, '\0', n) || !yz_utf8_valid(s, n) || yz_utf8_has_control(s, n, false)) {
        yz_buf_addf(err, "%s的 %s 应为单行文本", where, key);
        return NULL;
    }
    if (yz_utf8_count(s, n) > max || (required && n == 0)) {
        yz_buf_addf(err, "%s的 %s 应为 1 到 %zu 个字", where, key, max);
        return NULL;
    }
    return s;
}

static char **string_list(const json_t *a, size_t *n, const char *where, struct yz_buf *err)
{
    *n = 0;
    if (!a)
        return NULL;
    if (!json_is_array(a) || json_array_size(a) > 100) {
        yz_buf_addf(err, "%s应为不超过 100 项的列表", where);
        return NULL;
    }
    char **out = yz_calloc(json_array_size(a) + 1, sizeof *out);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !*s || json_string_length(v) > 20 || !yz_utf8_valid(s, json_string_length(v))) {
            yz_buf_addf(err, "%s第 %zu 项不正确", where, i + 1);
            for (size_t k = 0; k < *n; k++)
                free(out[k]);
            free(out);
            *n = 0;
            return NULL;
        }
        out[(*n)++] = yz_strdup(s);
    }
    return out;
}

/* Checks every {{...}} of text against the vocabulary and the inputs; marks used inputs. */
static bool check_placeholders(const char *text, const struct yz_template *t, bool *used,
                               const char *where, struct yz_buf *err)
{
    const char *p = text;
    while ((p = strstr(p, "{{")) != NULL) {
        const char *end = strstr(p + 2, "}}");
        if (!end || end - p - 2 > 60 || memchr(p + 2, '{', (size_t)(end - p - 2))) {
            yz_buf_addf(err, "%s有未闭合的占位符", where);
            return false;
        }
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 2), p + 2);
        bool ok = index_of(vocabulary, name) >= 0;
        if (!ok && strncmp(name, "input.", 6) == 0)
            for (size_t i = 0; i < t->n_inputs; i++)
                if (strcmp(t->inputs[i].name, name + 6) == 0) {
                    used[i] = ok = true;
                    break;
                }
        if (!ok) {
            yz_buf_addf(err, "%s的占位符 {{%s}} 未定义", where, name);
            return false;
        }
        p = end + 2;
    }
    if (strstr(text, "}}") && !strstr(text, "{{")) {
        yz_buf_addf(err, "%s有未配对的 }}", where);
        return false;
    }
    return true;
}

void yz_template_release(struct yz_template *t)
{
    if (!t)
        return;
    free(t->id);
    free(t->title);
    free(t->description);
    for (size_t i = 0; i < t->n_case_types; i++)
        free(t->case_types[i]);
    free(t->case_types);
    for (size_t i = 0; i < t->n_causes; i++)
        free(t->causes[i]);
    free(t->causes);
    for (size_t i = 0; i < t->n_procedures; i++)
        free(t->procedures[i]);
    free(t->procedures);
    for (size_t i = 0; i < t->n_inputs; i++) {
        free(t->inputs[i].name);
        free(t->inputs[i].title);
    }
    free(t->inputs);
    for (size_t i = 0; i < t->n_blocks; i++)
        free(t->blocks[i].text);
    free(t->blocks);
    memset(t, 0, sizeof *t);
}

static bool parse_inputs(const json_t *a, struct yz_template *t, struct yz_buf *err)
{
    if (!a)
        return true;
    if (!json_is_array(a) || json_array_size(a) > YZ_TPL_MAX_INPUTS) {
        yz_buf_addf(err, "inputs 应为不超过 %d 项的列表", YZ_TPL_MAX_INPUTS);
        return false;
    }
    static const char *const allowed[] = {"name", "title", "type", "required", NULL};
    t->inputs = yz_calloc(json_array_size(a) + 1, sizeof *t->inputs);
    size_t i;
    const json_t *in;
    json_array_foreach(a, i, in)
    {
        char where[48];
        snprintf(where, sizeof where, "inputs 第 %zu 项", i + 1);
        const char *unknown = json_is_object(in) ? yz_json_unknown_key(in, allowed) : NULL;
        if (!json_is_object(in) || unknown) {
            yz_buf_addf(err, "%s%s%s", where, unknown ? "有不支持的成员 " : "应为对象",
                        unknown ? unknown : "");
            return false;
        }
        const char *name = member_text(in, "name", true, 40, where, err);
        const char *title = name ? member_text(in, "title", true, 40, where, err) : NULL;
        if (!title)
            return false;
        if (!valid_id(name)) {
            yz_buf_addf(err, "%s的 name 只能由小写字母、数字和下划线组成", where);
            return false;
        }
        for (size_t k = 0; k < t->n_inputs; k++)
            if (strcmp(t->inputs[k].name, name) == 0) {
                yz_buf_addf(err, "输入项 %s 重复", name);
                return false;
            }
        int type = index_of(type_names, json_string_value(json_object_get(in, "type")));
        if (type < 0) {
            yz_buf_addf(err, "%s的 type 应为 text、longtext、date、datetime 或 money", where);
            return false;
        }
        const json_t *req = json_object_get(in, "required");
        if (req && !json_is_boolean(req)) {
            yz_buf_addf(err, "%s的 required 应为 true 或 false", where);
            return false;
        }
        struct yz_tpl_input *x = &t->inputs[t->n_inputs++];
        x->name = yz_strdup(name);
        x->title = yz_strdup(title);
        x->type = (enum yz_tpl_type)type;
        x->required = json_is_true(req);
    }
    return true;
}

static bool parse_body(const json_t *a, struct yz_template *t, bool *used, struct yz_buf *err)
{
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > YZ_TPL_MAX_BLOCKS) {
        yz_buf_addf(err, "body 应为 1 到 %d 项的列表", YZ_TPL_MAX_BLOCKS);
        return false;
    }
    static const char *const allowed[] = {"style", "text", NULL};
    t->blocks = yz_calloc(json_array_size(a) + 1, sizeof *t->blocks);
    size_t i;
    const json_t *b;
    json_array_foreach(a, i, b)
    {
        char where[48];
        snprintf(where, sizeof where, "body 第 %zu 项", i + 1);
        const char *unknown = json_is_object(b) ? yz_json_unknown_key(b, allowed) : NULL;
        if (!json_is_object(b) || unknown) {
            yz_buf_addf(err, "%s%s%s", where, unknown ? "有不支持的成员 " : "应为对象",
                        unknown ? unknown : "");
            return false;
        }
        int style = index_of(style_names, json_string_value(json_object_get(b, "style")));
        if (style < 0) {
            yz_buf_addf(err, "%s的 style 应为 title、center、right、para、plain 或 blank", where);
            return false;
        }
        const char *text = "";
        if (style == YZ_TPL_BLANK) {
            if (json_object_get(b, "text")) {
                yz_buf_addf(err, "%s是空行，不能有 text", where);
                return false;
            }
        } else if (!(text = member_text(b, "text", true, YZ_TPL_MAX_TEXT, where, err)) ||
                   !check_placeholders(text, t, used, where, err)) {
            return false;
        }
        t->blocks[t->n_blocks].style = (enum yz_tpl_style)style;
        t->blocks[t->n_blocks++].text = yz_strdup(text);
    }
    return true;
}

enum yz_err yz_template_parse(const char *id, const json_t *root, const struct yz_catalog *cat,
                              struct yz_template *out, struct yz_buf *err)
{
    memset(out, 0, sizeof *out);
    static const char *const allowed[] = {"id", "title", "description", "applies_to", "inputs",
                                          "body", NULL};
    static const char *const applies_allowed[] = {"case_types", "causes", "procedures", NULL};
    bool used[YZ_TPL_MAX_INPUTS] = {false};
    const char *unknown;
    if (!json_is_object(root)) {
        yz_buf_adds(err, "模板应为 JSON 对象");
        goto fail;
    }
    if ((unknown = yz_json_unknown_key(root, allowed)) != NULL) {
        yz_buf_addf(err, "不支持的成员 %s", unknown);
        goto fail;
    }
    const char *tid = json_string_value(json_object_get(root, "id"));
    if (!tid || !valid_id(tid) || strcmp(tid, id) != 0) {
        yz_buf_addf(err, "id 应与文件名一致（%s）", id);
        goto fail;
    }
    const char *title = member_text(root, "title", true, 40, "模板", err);
    if (!title)
        goto fail;
    const char *desc = json_object_get(root, "description")
                           ? member_text(root, "description", false, 200, "模板", err)
                           : "";
    if (!desc)
        goto fail;
    out->id = yz_strdup(id);
    out->title = yz_strdup(title);
    out->description = yz_strdup(desc);
    const json_t *applies = json_object_get(root, "applies_to");
    if (applies && (!json_is_object(applies) ||
                    (unknown = yz_json_unknown_key(applies, applies_allowed)) != NULL)) {
        yz_buf_addf(err, "applies_to 应为对象，只能有 case_types、causes 和 procedures");
        goto fail;
    }
    size_t before = err->len;
    out->case_types = string_list(json_object_get(applies, "case_types"), &out->n_case_types,
                                  "applies_to.case_types ", err);
    out->causes = string_list(json_object_get(applies, "causes"), &out->n_causes,
                              "applies_to.causes ", err);
    out->procedures = string_list(json_object_get(applies, "procedures"), &out->n_procedures,
                                  "applies_to.procedures ", err);
    if (err->len > before)
        goto fail;
    for (size_t i = 0; i < out->n_procedures; i++)
        if (!yz_template_procedure_known(out->procedures[i])) {
            yz_buf_addf(err, "审理程序 %s 不存在（可用 small_claims、simplified、ordinary）",
                        out->procedures[i]);
            goto fail;
        }
    for (size_t i = 0; cat && i < out->n_case_types; i++) {
        const struct yz_case_type *ct[1];
        if (yz_catalog_case_types_by_code(cat, out->case_types[i], ct, 1) == 0) {
            yz_buf_addf(err, "案件类型代字 %s 不存在", out->case_types[i]);
            goto fail;
        }
    }
    for (size_t i = 0; cat && i < out->n_causes; i++)
        if (!yz_catalog_cause(cat, out->causes[i], YZ_CAUSE_REV_2025)) {
            yz_buf_addf(err, "案由 %s 不在 2025 年版案由目录中", out->causes[i]);
            goto fail;
        }
    if (!parse_inputs(json_object_get(root, "inputs"), out, err) ||
        !parse_body(json_object_get(root, "body"), out, used, err))
        goto fail;
    for (size_t i = 0; i < out->n_inputs; i++)
        if (!used[i]) {
            yz_buf_addf(err, "输入项 %s 没有在正文中使用", out->inputs[i].name);
            goto fail;
        }
    return YZ_OK;
fail:
    yz_template_release(out);
    return YZ_ERR_CONFIG;
}

static int cmp_template(const void *a, const void *b)
{
    return strcmp(((const struct yz_template *)a)->id, ((const struct yz_template *)b)->id);
}

void yz_templates_free(struct yz_templates *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        yz_template_release(&set->items[i]);
    free(set->items);
    free(set);
}

enum yz_err yz_templates_load_dir(const char *data_dir, const struct yz_catalog *cat,
                                  struct yz_templates **out, struct yz_buf *err)
{
    *out = NULL;
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s/templates", data_dir) >= (int)sizeof dir) {
        yz_buf_adds(err, "templates: path too long");
        return YZ_ERR_CONFIG;
    }
    DIR *d = opendir(dir);
    if (!d) {
        yz_buf_addf(err, "%s: cannot open the template directory", dir);
        return YZ_ERR_CONFIG;
    }
    struct yz_templates *set = yz_calloc(1, sizeof *set);
    set->items = yz_calloc(YZ_TPL_MAX_TEMPLATES, sizeof *set->items);
    enum yz_err e = YZ_OK;
    struct dirent *ent;
    while (e == YZ_OK && (ent = readdir(d)) != NULL) {
        size_t n = strlen(ent->d_name);
        if (n <= 5 || strcmp(ent->d_name + n - 5, ".json") != 0 || ent->d_name[0] == '.')
            continue;
        if (set->n == YZ_TPL_MAX_TEMPLATES) {
            yz_buf_addf(err, "%s: more than %d templates", dir, YZ_TPL_MAX_TEMPLATES);
            e = YZ_ERR_CONFIG;
            break;
        }
        char id[64], path[4400];
        snprintf(id, sizeof id, "%.*s", (int)(n - 5 < 63 ? n - 5 : 63), ent->d_name);
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        json_t *root = NULL;
        struct yz_buf why = YZ_BUF_INIT(1024);
        e = yz_json_load_file(path, YZ_TPL_MAX_FILE, &root, &why);
        if (e == YZ_OK)
            e = yz_template_parse(id, root, cat, &set->items[set->n], &why);
        if (e == YZ_OK)
            set->n++;
        else
            yz_buf_addf(err, "%s: %s", path, why.data);
        json_decref(root);
        yz_buf_release(&why);
    }
    closedir(d);
    if (e != YZ_OK) {
        yz_templates_free(set);
        return YZ_ERR_CONFIG;
    }
    qsort(set->items, set->n, sizeof *set->items, cmp_template);
    *out = set;
    return YZ_OK;
}

const struct yz_template *yz_templates_find(const struct yz_templates *set, const char *id)
{
    for (size_t i = 0; set && id && i < set->n; i++)
        if (strcmp(set->items[i].id, id) == 0)
            return &set->items[i];
    return NULL;
}

bool yz_template_procedure_known(const char *procedure)
{
    static const char *const known[] = {"small_claims", "simplified", "ordinary"};
    for (size_t i = 0; procedure && i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i], procedure) == 0)
            return true;
    return false;
}

/* RULE: template-case-class — a template applies to its case types, causes (or
 * below) and trial procedures: a small-claims judgment is final (CPL art. 165),
 * a simplified-procedure one is appealable, so neither may stand for the other. */
bool yz_template_applies(const struct yz_template *t, const struct yz_catalog *cat,
                         const char *case_type, const char *cause_code, const char *procedure)
{
    bool type_ok = t->n_case_types == 0;
    for (size_t i = 0; !type_ok && case_type && i < t->n_case_types; i++)
        type_ok = strcmp(t->case_types[i], case_type) == 0;
    if (!type_ok)
        return false;
    bool procedure_ok = t->n_procedures == 0 || !procedure;
    for (size_t i = 0; !procedure_ok && i < t->n_procedures; i++)
        procedure_ok = strcmp(t->procedures[i], procedure) == 0;
    if (!procedure_ok)
        return false;
    if (t->n_causes == 0)
        return true;
    if (!cat || !cause_code)
        return false;
    const struct yz_cause *c = yz_catalog_cause(cat, cause_code, YZ_CAUSE_REV_2025);
    for (; c; c = c->parent)
        for (size_t i = 0; i < t->n_causes; i++)
            if (strcmp(t->causes[i], c->code) == 0)
                return true;
    return false;
}

json_t *yz_template_json(const struct yz_template *t)
{
    json_t *types = json_array(), *causes = json_array(), *procedures = json_array(),
           *inputs = json_array();
    for (size_t i = 0; i < t->n_case_types; i++)
        json_array_append_new(types, json_string(t->case_types[i]));
    for (size_t i = 0; i < t->n_causes; i++)
        json_array_append_new(causes, json_string(t->causes[i]));
    for (size_t i = 0; i < t->n_procedures; i++)
        json_array_append_new(procedures, json_string(t->procedures[i]));
    for (size_t i = 0; i < t->n_inputs; i++)
        json_array_append_new(inputs, json_pack("{s:s, s:s, s:s, s:b}", "name", t->inputs[i].name,
                                                "title", t->inputs[i].title, "type",
                                                type_names[t->inputs[i].type], "required",
                                                t->inputs[i].required));
    return json_pack("{s:s, s:s, s:s, s:{s:o, s:o, s:o}, s:o}", "id", t->id, "title", t->title,
                     "description", t->description, "applies_to", "case_types", types, "causes",
                     causes, "procedures", procedures, "inputs", inputs);
}

/* ---- filling ---- */

void yz_doc_release(struct yz_doc *d)
{
    if (!d)
        return;
    free(d->title);
    for (size_t i = 0; i < d->n; i++)
        free(d->blocks[i].text);
    free(d->blocks);
    memset(d, 0, sizeof *d);
}

static const char *str_of(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void date_cn(struct yz_date d, char *out, size_t size)
{
    snprintf(out, size, "%d年%d月%d日", d.year, d.month, d.day);
}

/* 二〇二六年三月九日: the date as judgments sign it. */
static void date_cn_numerals(struct yz_date d, char *out, size_t size)
{
    static const char *const digit[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    struct yz_buf b = YZ_BUF_INIT(size > 0 ? size - 1 : 0);
    char y[8];
    snprintf(y, sizeof y, "%04d", d.year % 10000);
    for (int i = 0; y[i]; i++)
        yz_buf_adds(&b, digit[y[i] - '0']);
    yz_buf_adds(&b, "年");
    int parts[2] = {d.month, d.day};
    for (int k = 0; k < 2; k++) {
        int v = parts[k];
        if (v >= 20)
            yz_buf_addf(&b, "%s十", digit[v / 10]);
        else if (v >= 10)
            yz_buf_adds(&b, "十");
        if (v % 10 || v < 10)
            yz_buf_adds(&b, digit[v % 10]);
        yz_buf_adds(&b, k == 0 ? "月" : "日");
    }
    yz_strlcpy(out, b.data, size);
    yz_buf_release(&b);
}

static const char *role_word(const char *role)
{
    if (strcmp(role, "plaintiff") == 0)
        return "原告";
    if (strcmp(role, "defendant") == 0)
        return "被告";
    return "第三人";
}

/* RULE: template-party-particulars — 民事诉讼文书样式: name, sex, birth, ethnicity,
 * ID (masked), residence; organisations with credit code, seat and representative;
 * then each agent. Natural persons' addresses stay sealed: only the masked form. */
static void party_lines(const json_t *application, const char *role, struct yz_buf *b)
{
    const json_t *parties = json_object_get(application, "parties");
    const json_t *agents = json_object_get(application, "agents");
    size_t i;
    const json_t *p;
    json_array_foreach(parties, i, p)
    {
        if (strcmp(str_of(p, "role"), role) != 0)
            continue;
        if (b->len)
            yz_buf_addc(b, '\n');
        yz_buf_addf(b, "%s：%s", role_word(role), str_of(p, "name"));
        if (strcmp(str_of(p, "kind"), "natural") == 0) {
            const char *sex = str_of(p, "sex");
            if (*sex)
                yz_buf_addf(b, "，%s", strcmp(sex, "male") == 0 ? "男" : "女");
            struct yz_date d;
            if (yz_date_parse(str_of(p, "birth_date"), &d)) {
                char s[40];
                date_cn(d, s, sizeof s);
                yz_buf_addf(b, "，%s出生", s);
            }
            if (*str_of(p, "ethnicity"))
                yz_buf_addf(b, "，%s", str_of(p, "ethnicity"));
            if (*str_of(p, "citizen_id_masked"))
                yz_buf_addf(b, "，公民身份号码%s", str_of(p, "citizen_id_masked"));
            if (*str_of(p, "address_masked"))
                yz_buf_addf(b, "，住%s", str_of(p, "address_masked"));
            yz_buf_adds(b, "。");
        } else {
            if (*str_of(p, "credit_code"))
                yz_buf_addf(b, "，统一社会信用代码%s", str_of(p, "credit_code"));
            if (*str_of(p, "address"))
                yz_buf_addf(b, "，住所地%s", str_of(p, "address"));
            yz_buf_adds(b, "。");
            if (*str_of(p, "legal_rep"))
                yz_buf_addf(b, "\n法定代表人：%s。", str_of(p, "legal_rep"));
        }
        size_t k;
        const json_t *a;
        json_array_foreach(agents, k, a)
        {
            const json_t *of = json_object_get(a, "party");
            if (!json_is_integer(of) || (size_t)json_integer_value(of) != i)
                continue;
            yz_buf_addf(b, "\n委托诉讼代理人：%s", str_of(a, "name"));
            if (*str_of(a, "firm"))
                yz_buf_addf(b, "，%s律师", str_of(a, "firm"));
            yz_buf_adds(b, "。");
        }
    }
}

static void party_names(const json_t *application, const char *role, struct yz_buf *b)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(application, "parties"), i, p)
    {
        if (strcmp(str_of(p, "role"), role) != 0)
            continue;
        if (b->len)
            yz_buf_adds(b, "、");
        yz_buf_adds(b, str_of(p, "name"));
    }
}

struct fill {
    const struct yz_template *t;
    const json_t *view, *application, *inputs;
    struct yz_date registered, today;
};

/* The value of placeholder name into b. */
static void value_of(const struct fill *f, const char *name, struct yz_buf *b)
{
    char s[64];
    if (strcmp(name, "court.name") == 0) {
        yz_buf_adds(b, str_of(f->view, "court"));
    } else if (strcmp(name, "case.number") == 0) {
        yz_buf_adds(b, str_of(f->view, "case_number"));
    } else if (strcmp(name, "case.cause") == 0) {
        yz_buf_adds(b, str_of(f->application, "cause_name"));
    } else if (strcmp(name, "case.registered_date") == 0) {
        date_cn(f->registered, s, sizeof s);
        yz_buf_adds(b, s);
    } else if (strcmp(name, "case.claims") == 0) {
        yz_buf_adds(b, str_of(f->application, "claims"));
    } else if (strcmp(name, "case.facts") == 0) {
        yz_buf_adds(b, str_of(f->application, "facts"));
    } else if (strcmp(name, "case.amount") == 0) {
        const json_t *a = json_object_get(f->application, "amount_fen");
        if (json_is_integer(a)) {
            yz_notice_format_yuan(json_integer_value(a), s, sizeof s);
            yz_buf_addf(b, "%s元", s);
        } else {
            yz_buf_adds(b, "（未载明）");
        }
    } else if (strcmp(name, "parties.plaintiffs") == 0) {
        party_lines(f->application, "plaintiff", b);
    } else if (strcmp(name, "parties.defendants") == 0) {
        party_lines(f->application, "defendant", b);
    } else if (strcmp(name, "parties.third_parties") == 0) {
        party_lines(f->application, "third_party", b);
    } else if (strcmp(name, "parties.plaintiff_names") == 0) {
        party_names(f->application, "plaintiff", b);
    } else if (strcmp(name, "parties.defendant_names") == 0) {
        party_names(f->application, "defendant", b);
    } else if (strcmp(name, "today") == 0) {
        date_cn(f->today, s, sizeof s);
        yz_buf_adds(b, s);
    } else if (strcmp(name, "today_cn") == 0) {
        date_cn_numerals(f->today, s, sizeof s);
        yz_buf_adds(b, s);
    } else if (strncmp(name, "input.", 6) == 0) {
        /* Inputs were checked and rendered into f->inputs as strings. */
        yz_buf_adds(b, str_of(f->inputs, name + 6));
    } else {
        YZ_BUG("placeholder %s passed the loader", name);
    }
}

/* Validates the author's inputs into rendered strings (object, new reference). */
static json_t *check_inputs(const struct yz_template *t, const json_t *inputs,
                            struct yz_field_errors *fe)
{
    json_t *out = json_object();
    char field[96];
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)inputs, k, v)
    {
        bool known = false;
        for (size_t i = 0; i < t->n_inputs && !known; i++)
            known = strcmp(t->inputs[i].name, k) == 0;
        if (!known) {
            snprintf(field, sizeof field, "inputs/%.60s", k);
            yz_field_errors_add(fe, field, "unknown_field", "该文书模板没有此输入项");
        }
    }
    for (size_t i = 0; i < t->n_inputs; i++) {
        const struct yz_tpl_input *in = &t->inputs[i];
        snprintf(field, sizeof field, "inputs/%s", in->name);
        const json_t *val = json_object_get(inputs, in->name);
        if (!val || json_is_null(val) || (json_is_string(val) && json_string_length(val) == 0)) {
            if (in->required)
                yz_field_errors_add(fe, field, "required", "请填写%s", in->title);
            continue;
        }
        char s[64];
        if (in->type == YZ_TPL_MONEY) {
            if (!json_is_integer(val) || json_integer_value(val) < 0 ||
                json_integer_value(val) > INT64_C(100000000000000)) {
                yz_field_errors_add(fe, field, "invalid", "%s应为 0 到 1 万亿元之间的整数（单位：分）",
                                    in->title);
                continue;
            }
            yz_notice_format_yuan(json_integer_value(val), s, sizeof s);
            json_object_set_new(out, in->name, json_sprintf("%s元", s));
            continue;
        }
        if (!json_is_string(val)) {
            yz_field_errors_add(fe, field, "wrong_type", "%s应为文本", in->title);
            continue;
        }
        const char *text = json_string_value(val);
        size_t n = json_string_length(val);
        bool multi = in->type == YZ_TPL_LONGTEXT;
        if (memchr(text, '\0', n) || !yz_utf8_valid(text, n) || yz_utf8_has_control(text, n, multi)) {
            yz_field_errors_add(fe, field, "invalid_text", "%s包含无效或不允许的字符", in->title);
            continue;
        }
        size_t max = multi ? 20000 : 200;
        if (yz_utf8_count(text, n) > max) {
            yz_field_errors_add(fe, field, "too_long", "%s不能超过 %zu 个字", in->title, max);
            continue;
        }
        struct yz_date d;
        if (in->type == YZ_TPL_DATE) {
            if (n != 10 || !yz_date_parse(text, &d)) {
                yz_field_errors_add(fe, field, "invalid", "%s应为有效日期（YYYY-MM-DD）", in->title);
                continue;
            }
            date_cn(d, s, sizeof s);
            json_object_set_new(out, in->name, json_string(s));
        } else if (in->type == YZ_TPL_DATETIME) {
            char day[11];
            int hh = 0, mm = 0;
            bool ok = n == 16 && text[10] == 'T' && text[13] == ':';
            for (int c = 11; ok && c < 16; c++)
                ok = c == 13 || (text[c] >= '0' && text[c] <= '9');
            if (ok) {
                memcpy(day, text, 10);
                day[10] = '\0';
                hh = (text[11] - '0') * 10 + (text[12] - '0');
                mm = (text[14] - '0') * 10 + (text[15] - '0');
                ok = yz_date_parse(day, &d) && hh <= 23 && mm <= 59;
            }
            if (!ok) {
                yz_field_errors_add(fe, field, "invalid",
                                    "%s应为有效的北京时间（YYYY-MM-DDTHH:MM）", in->title);
                continue;
            }
            date_cn(d, s, sizeof s);
            json_object_set_new(out, in->name,
                                json_sprintf("%s%s%d时%02d分", s, hh < 12 ? "上午" : "下午",
                                             hh <= 12 ? hh : hh - 12, mm));
        } else {
            json_object_set_new(out, in->name, json_string(text));
        }
    }
    return out;
}

static bool add_block(struct yz_doc *d, size_t *cap, enum yz_tpl_style style, const char *text,
                      size_t n)
{
    if (d->n == *cap) {
        if (*cap >= 100000)
            return false;
        *cap = *cap ? *cap * 2 : 32;
        d->blocks = yz_realloc(d->blocks, *cap * sizeof *d->blocks);
    }
    d->blocks[d->n].style = style;
    d->blocks[d->n].text = yz_strndup(text, n);
    d->n++;
    return true;
}

enum yz_err yz_template_fill(const struct yz_template *t, const json_t *view, const json_t *inputs,
                             struct yz_doc *out, struct yz_field_errors *fe)
{
    memset(out, 0, sizeof *out);
    struct fill f = {.t = t, .view = view, .application = json_object_get(view, "application")};
    if (!json_is_object(f.application) || !json_is_string(json_object_get(view, "court")) ||
        !json_is_string(json_object_get(view, "case_number")) ||
        !yz_date_parse(str_of(view, "registered_on"), &f.registered) ||
        !yz_date_parse(str_of(view, "today"), &f.today))
        return YZ_ERR_INTERNAL;
    json_t *empty = json_object();
    if (inputs && !json_is_object(inputs)) {
        yz_field_errors_add(fe, "inputs", "wrong_type", "输入项应为对象");
        json_decref(empty);
        return YZ_ERR_VALIDATION;
    }
    int before = fe->count + fe->dropped;
    json_t *rendered = check_inputs(t, inputs ? inputs : empty, fe);
    json_decref(empty);
    if (fe->count + fe->dropped > before) {
        json_decref(rendered);
        return YZ_ERR_VALIDATION;
    }
    f.inputs = rendered;
    enum yz_err e = YZ_OK;
    size_t cap = 0, total = 0;
    struct yz_buf text = YZ_BUF_INIT(YZ_TPL_MAX_DOC), value = YZ_BUF_INIT(YZ_TPL_MAX_DOC);
    for (size_t i = 0; i < t->n_blocks && e == YZ_OK; i++) {
        yz_buf_reset(&text);
        const char *p = t->blocks[i].text, *q;
        bool fits = true;
        while (fits && (q = strstr(p, "{{")) != NULL) {
            const char *end = strstr(q, "}}");
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(end - q - 2), q + 2);
            fits = yz_buf_add(&text, p, (size_t)(q - p));
            /* Each value is bounded by what it comes from (far below the
             * cap); their sum is what may overflow, and that add fails. */
            yz_buf_reset(&value);
            value_of(&f, name, &value);
            fits = fits && yz_buf_add(&text, value.data, value.len);
            p = end + 2;
        }
        fits = fits && yz_buf_adds(&text, p);
        total += text.len;
        if (!fits || total > YZ_TPL_MAX_DOC) {
            e = YZ_ERR_PAYLOAD_TOO_LARGE;
            break;
        }
        /* One block per line; a filled block with no text at all disappears
         * (a template's optional input left empty). */
        if (t->blocks[i].style == YZ_TPL_BLANK) {
            if (!add_block(out, &cap, YZ_TPL_BLANK, "", 0))
                e = YZ_ERR_PAYLOAD_TOO_LARGE;
            continue;
        }
        const char *s = text.data;
        while (*s && e == YZ_OK) {
            size_t n = strcspn(s, "\r\n");
            if (n > 0 && !add_block(out, &cap, t->blocks[i].style, s, n))
                e = YZ_ERR_PAYLOAD_TOO_LARGE;
            s += n;
            while (*s == '\r' || *s == '\n')
                s++;
        }
    }
    yz_buf_release(&text);
    yz_buf_release(&value);
    json_decref(rendered);
    if (e != YZ_OK) {
        yz_doc_release(out);
        return e;
    }
    out->title = yz_strdup(t->title);
    return YZ_OK;
}

/* ---- plain text ---- */

#define TEXT_LINE_CHARS 28 /* GB/T 9704: 28 characters a line */

/* Width in half characters: ASCII is half as wide as a Chinese character. */
static size_t half_widths(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x80)
            w += 1;
        else if ((*p & 0xC0) != 0x80)
            w += 2;
    return w;
}

static void pad(struct yz_buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        yz_buf_adds(b, "　");
}

void yz_doc_text(const struct yz_doc *d, struct yz_buf *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct yz_doc_block *b = &d->blocks[i];
        size_t w = half_widths(b->text);
        size_t room = w < 2 * TEXT_LINE_CHARS ? (2 * TEXT_LINE_CHARS - w) / 2 : 0;
        switch (b->style) {
        case YZ_TPL_TITLE:
        case YZ_TPL_CENTER:
            pad(out, room / 2);
            break;
        case YZ_TPL_RIGHT:
            pad(out, room);
            break;
        case YZ_TPL_PARA:
            pad(out, 2);
            break;
        default:
            break;
        }
        yz_buf_adds(out, b->text);
        yz_buf_addc(out, '\n');
    }
}
