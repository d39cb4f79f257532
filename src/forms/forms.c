/*
 * Element-style complaint and answer forms (contract in forms.h).
 *
 * Loading turns the data file's nested arrays into fixed structs with element
 * ids, checking each entry as it is read so that every error names the file
 * and the entry; causes are resolved through the catalogue (by code where the
 * data gives one, by exact name otherwise) and must agree with the form's
 * name. As in the catalogue, every block is recorded in one list and freed
 * together.
 *
 * Validation and rendering read the caller's JSON answers directly: the
 * documents are small (under 100 elements), so a linear lookup per member is
 * cheaper than an index, and rendering walks the form in its own order, which
 * makes the text independent of the order of the answers' members. Rendering
 * runs only after validation passed, so it can trust every value's type.
 */
#include "forms/forms.h"
#include "core/jsonfile.h"
#include "core/owned.h"
#include "catalog/catalog.h"
#include "core/idnum.h"
#include "core/mask.h"
#include "core/utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define FILE_NAME "complaint_forms.json"
#define FORM_NAME_MAX_CPS 40   /* a cause name; also the catalogue's search limit */
#define FORM_TEXT_MAX_CPS 1000 /* descriptive members that are checked but not kept */
#define RENDER_MAX_BYTES (8u * 1024 * 1024)
#define MESSAGE_LABEL_CPS 24 /* labels quoted in messages are cut to fit a field error */

/* The one field pattern of answer_2024 the file uses, and what it stands for. */
#define ANSWER_PATTERN "each item: 有无异议 (choice 无/有) + 事实和理由 (text)"
static const char *const dissent_options[] = {"无", "有"};

static const char *const type_names[] = {
    [YZ_FORM_TEXT] = "text",     [YZ_FORM_AMOUNT] = "amount", [YZ_FORM_NUMBER] = "number",
    [YZ_FORM_DATE] = "date",     [YZ_FORM_CHOICE] = "choice", [YZ_FORM_MULTICHOICE] = "multichoice",
    [YZ_FORM_YES_NO] = "yes_no", [YZ_FORM_TABLE] = "table",
};
#define TYPE_COUNT (sizeof type_names / sizeof type_names[0])

struct yz_forms {
    struct yz_form *items; /* file order */
    size_t n;
    struct yz_owned owned; /* every block, freed together */
};

/* ---- ownership ---- */

static void *own_calloc(struct yz_forms *fs, size_t count, size_t size)
{
    return yz_own_calloc(&fs->owned, count, size);
}

static const char *own_str(struct yz_forms *fs, const char *s)
{
    return yz_own_str(&fs->owned, s);
}

void yz_forms_free(struct yz_forms *fs)
{
    if (!fs)
        return;
    yz_owned_release(&fs->owned);
    free(fs);
}

/* ---- small helpers ---- */

/* The first max_cps code points of valid UTF-8 s, with "…" when cut. */
static void short_label(const char *s, size_t max_cps, char *out, size_t size)
{
    size_t i = 0, cps = 0;
    while (s[i] && cps < max_cps) {
        i++;
        while (((unsigned char)s[i] & 0xc0) == 0x80)
            i++;
        cps++;
    }
    if (!s[i] && i < size) {
        memcpy(out, s, i + 1);
        return;
    }
    snprintf(out, size, "%.*s…", (int)i, s);
}

static bool has_latin_letter(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
            return true;
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return m <= n && memcmp(s + n - m, suffix, m) == 0;
}

/* "c1.2": section key, item number, element number (both bounded by the load limits). */
static void element_id(char *out, size_t size, const char *key, size_t item, size_t el)
{
    snprintf(out, size, "%s%d.%d", key, (int)item, (int)el);
}

/* ---- loading: files and checked values ---- */

struct ld {
    struct yz_datafile f; /* path and messages */
    struct yz_forms *fs;
    const struct yz_catalog *cat;
};

/* v as checked text (yz_datafile_text) once it is known to be a string. */
static enum yz_err check_text(const struct ld *l, const char *where, const char *what,
                              const json_t *v, size_t max_cps)
{
    if (!json_is_string(v))
        return yz_datafile_fail(&l->f, "%s：%s 应为字符串", where, what);
    return yz_datafile_text(&l->f, where, what, json_string_value(v), json_string_length(v),
                            max_cps);
}

/* A note: kept (owned) as the form's printed hint when it is Chinese text; a
 * note with Latin letters is the maintainers' (English) and is not shown. */
static enum yz_err get_hint(const struct ld *l, const char *where, const json_t *obj,
                            const char **out)
{
    const char *s;
    enum yz_err e =
        yz_datafile_get_text(&l->f, where, obj, "note", false, YZ_FORMS_MAX_NOTE_CPS, &s);
    *out = (e == YZ_OK && s && !has_latin_letter(s)) ? own_str(l->fs, s) : NULL;
    return e;
}

/* An array member of n within [min, max]; *out NULL only on error. */
static enum yz_err get_array(const struct ld *l, const char *where, const json_t *obj,
                             const char *key, size_t min, size_t max, const json_t **out)
{
    const json_t *a = json_object_get(obj, key);
    *out = NULL;
    if (!a)
        return yz_datafile_fail(&l->f, "%s：缺少 %s", where, key);
    if (!json_is_array(a))
        return yz_datafile_fail(&l->f, "%s：%s 应为数组", where, key);
    if (json_array_size(a) < min || json_array_size(a) > max)
        return yz_datafile_fail(&l->f, "%s：%s 应有 %zu 到 %zu 项", where, key, min, max);
    *out = a;
    return YZ_OK;
}

/* A list of distinct texts (options, columns), owned. */
static enum yz_err load_list(const struct ld *l, const char *where, const json_t *obj,
                             const char *key, size_t min, size_t max, size_t max_cps,
                             const char *const **out, size_t *n)
{
    const json_t *a;
    enum yz_err e = get_array(l, where, obj, key, min, max, &a);
    if (e != YZ_OK)
        return e;
    const char **list = own_calloc(l->fs, json_array_size(a), sizeof *list);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        char what[48];
        snprintf(what, sizeof what, "%s[%zu]", key, i);
        if ((e = check_text(l, where, what, v, max_cps)) != YZ_OK)
            return e;
        for (size_t j = 0; j < i; j++)
            if (strcmp(list[j], json_string_value(v)) == 0)
                return yz_datafile_fail(&l->f, "%s：%s 重复（\"%s\"）", where, what, list[j]);
        list[i] = own_str(l->fs, json_string_value(v));
    }
    *out = list;
    *n = json_array_size(a);
    return YZ_OK;
}

static bool parse_type(const char *s, enum yz_form_type *out)
{
    static const struct {
        const char *name;
        enum yz_form_type type;
    } data_types[] = {
        {"text", YZ_FORM_TEXT},   {"amount", YZ_FORM_AMOUNT}, {"number", YZ_FORM_NUMBER},
        {"date", YZ_FORM_DATE},   {"choice", YZ_FORM_CHOICE}, {"multichoice", YZ_FORM_MULTICHOICE},
        {"table", YZ_FORM_TABLE},
    };
    for (size_t i = 0; i < sizeof data_types / sizeof data_types[0]; i++)
        if (strcmp(s, data_types[i].name) == 0) {
            *out = data_types[i].type;
            return true;
        }
    return false;
}

/* A two-option choice of 是/否 or 有/无 (either order) is a yes/no question. */
static void detect_yes_no(struct yz_form_element *el)
{
    static const char *const pairs[][2] = {{"是", "否"}, {"有", "无"}};
    if (el->type != YZ_FORM_CHOICE || el->noptions != 2)
        return;
    for (size_t i = 0; i < 2; i++) {
        const char *yes = pairs[i][0], *no = pairs[i][1];
        const char *a = el->options[0], *b = el->options[1];
        if ((strcmp(a, yes) == 0 && strcmp(b, no) == 0) ||
            (strcmp(a, no) == 0 && strcmp(b, yes) == 0)) {
            el->type = YZ_FORM_YES_NO;
            el->yes = strcmp(a, yes) == 0 ? a : b;
            el->no = strcmp(a, yes) == 0 ? b : a;
            return;
        }
    }
}

static enum yz_err load_field(const struct ld *l, const char *where, const json_t *v,
                              struct yz_form_element *el)
{
    static const char *const keys[] = {"label", "type",       "options", "columns",
                                       "note",  "repeatable", NULL};
    if (!json_is_object(v))
        return yz_datafile_fail(&l->f, "%s：应为对象", where);
    enum yz_err e = yz_datafile_only_keys(&l->f, where, v, keys);
    const char *label, *type;
    if (e != YZ_OK ||
        (e = yz_datafile_get_text(&l->f, where, v, "label", true, YZ_FORMS_MAX_LABEL_CPS,
                                  &label)) != YZ_OK ||
        (e = yz_datafile_get_text(&l->f, where, v, "type", true, 20, &type)) != YZ_OK)
        return e;
    el->label = own_str(l->fs, label);
    if (!parse_type(type, &el->type))
        return yz_datafile_fail(&l->f, "%s：不支持的类型 \"%s\"", where, type);
    bool choice = el->type == YZ_FORM_CHOICE || el->type == YZ_FORM_MULTICHOICE;
    if (choice) {
        if ((e = load_list(l, where, v, "options", 2, YZ_FORMS_MAX_OPTIONS, YZ_FORMS_MAX_OPTION_CPS,
                           &el->options, &el->noptions)) != YZ_OK)
            return e;
    } else if (json_object_get(v, "options")) {
        return yz_datafile_fail(&l->f, "%s：类型 %s 不应有 options", where, type);
    }
    if (el->type == YZ_FORM_TABLE) {
        if ((e = load_list(l, where, v, "columns", 1, YZ_FORMS_MAX_COLUMNS, YZ_FORMS_MAX_COLUMN_CPS,
                           &el->columns, &el->ncolumns)) != YZ_OK)
            return e;
    } else if (json_object_get(v, "columns")) {
        return yz_datafile_fail(&l->f, "%s：类型 %s 不应有 columns", where, type);
    }
    const json_t *rep = json_object_get(v, "repeatable");
    if (rep && !json_is_boolean(rep))
        return yz_datafile_fail(&l->f, "%s：repeatable 应为 true 或 false", where);
    el->repeatable = json_is_true(rep);
    if (el->repeatable && el->type == YZ_FORM_TABLE)
        return yz_datafile_fail(&l->f, "%s：表格不能设为 repeatable", where);
    detect_yes_no(el);
    return get_hint(l, where, v, &el->hint);
}

/* RULE: complaint-amount-in-dispute — the claims' 标的总额 row is required. */
static bool is_amount_in_dispute(const struct yz_form_section *sec, const struct yz_form_item *it)
{
    return strcmp(sec->key, "c") == 0 && strcmp(it->label, "标的总额") == 0 && it->nelements == 1 &&
           it->elements[0].type == YZ_FORM_AMOUNT;
}

/* One item {no, label, fields, note?} of section sec, expected number no. */
static enum yz_err load_item(const struct ld *l, const char *where, const json_t *v,
                             const struct yz_form_section *sec, int no, struct yz_form_item *it)
{
    static const char *const keys[] = {"no", "label", "fields", "note", NULL};
    if (!json_is_object(v))
        return yz_datafile_fail(&l->f, "%s：应为对象", where);
    enum yz_err e = yz_datafile_only_keys(&l->f, where, v, keys);
    if (e != YZ_OK)
        return e;
    const json_t *jno = json_object_get(v, "no");
    if (!json_is_integer(jno) || json_integer_value(jno) != no)
        return yz_datafile_fail(&l->f, "%s：no 应为 %d（按顺序从 1 编号）", where, no);
    it->no = no;
    const char *label;
    if ((e = yz_datafile_get_text(&l->f, where, v, "label", true, YZ_FORMS_MAX_LABEL_CPS,
                                  &label)) != YZ_OK)
        return e;
    it->label = own_str(l->fs, label);
    if ((e = get_hint(l, where, v, &it->hint)) != YZ_OK)
        return e;
    const json_t *fields;
    if ((e = get_array(l, where, v, "fields", 1, YZ_FORMS_MAX_FIELDS, &fields)) != YZ_OK)
        return e;
    struct yz_form_element *els = own_calloc(l->fs, json_array_size(fields), sizeof *els);
    size_t i;
    const json_t *fv;
    json_array_foreach(fields, i, fv)
    {
        char w[320];
        snprintf(w, sizeof w, "%s.fields[%zu]", where, i);
        if ((e = load_field(l, w, fv, &els[i])) != YZ_OK)
            return e;
        element_id(els[i].id, sizeof els[i].id, sec->key, (size_t)no, i + 1);
    }
    it->elements = els;
    it->nelements = json_array_size(fields);
    for (size_t k = 0; k < it->nelements; k++)
        els[k].unlabelled = it->nelements == 1 || strcmp(els[k].label, it->label) == 0;
    if (is_amount_in_dispute(sec, it))
        els[0].required = true;
    return YZ_OK;
}

static void set_section(struct yz_form_section *sec, const char *key, const char *name,
                        const char *title)
{
    yz_strlcpy(sec->key, key, sizeof sec->key);
    sec->name = name;
    sec->title = title;
}

/* A section from an array of items. */
static enum yz_err load_section(const struct ld *l, const char *where, const json_t *form,
                                const char *member, struct yz_form_section *sec)
{
    const json_t *arr;
    enum yz_err e = get_array(l, where, form, member, 1, YZ_FORMS_MAX_ITEMS, &arr);
    if (e != YZ_OK)
        return e;
    struct yz_form_item *items = own_calloc(l->fs, json_array_size(arr), sizeof *items);
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        char w[256];
        snprintf(w, sizeof w, "%s.%s[%zu]", where, member, i);
        if ((e = load_item(l, w, v, sec, (int)i + 1, &items[i])) != YZ_OK)
            return e;
    }
    sec->items = items;
    sec->nitems = json_array_size(arr);
    return YZ_OK;
}

/* The printed title of the jurisdiction/preservation section follows its rows. */
static const char *jurisdiction_title(const struct yz_form_section *sec)
{
    bool venue = false, appraisal = false;
    for (size_t i = 0; i < sec->nitems; i++) {
        venue |= strstr(sec->items[i].label, "管辖") != NULL;
        appraisal |= strstr(sec->items[i].label, "鉴定") != NULL;
    }
    return venue ? "约定管辖和诉前保全" : appraisal ? "诉前保全及鉴定申请" : "诉前保全";
}

/* The evidence list outside the facts: one field spec, made a one-item section. */
static enum yz_err load_evidence(const struct ld *l, const char *where, const json_t *v,
                                 struct yz_form_section *sec)
{
    char w[256];
    snprintf(w, sizeof w, "%s.evidence", where);
    struct yz_form_item *it = own_calloc(l->fs, 1, sizeof *it);
    struct yz_form_element *el = own_calloc(l->fs, 1, sizeof *el);
    enum yz_err e = load_field(l, w, v, el);
    if (e != YZ_OK)
        return e;
    element_id(el->id, sizeof el->id, sec->key, 1, 1);
    el->unlabelled = true;
    it->no = 1;
    it->label = el->label;
    it->elements = el;
    it->nelements = 1;
    sec->items = it;
    sec->nitems = 1;
    return YZ_OK;
}

/* Answer items from a list of labels: each is 有无异议 + 事实和理由. */
static enum yz_err load_answer_items(const struct ld *l, const char *where, const json_t *ans,
                                     const char *member, size_t min, struct yz_form_section *sec)
{
    const json_t *arr;
    enum yz_err e = get_array(l, where, ans, member, min, YZ_FORMS_MAX_ITEMS, &arr);
    if (e != YZ_OK)
        return e;
    size_t n = json_array_size(arr);
    struct yz_form_item *items = own_calloc(l->fs, n, sizeof *items);
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        char what[48];
        snprintf(what, sizeof what, "%s[%zu]", member, i);
        if ((e = check_text(l, where, what, v, YZ_FORMS_MAX_LABEL_CPS)) != YZ_OK)
            return e;
        struct yz_form_element *els = own_calloc(l->fs, 2, sizeof *els);
        element_id(els[0].id, sizeof els[0].id, sec->key, i + 1, 1);
        els[0].label = "有无异议";
        els[0].type = YZ_FORM_YES_NO;
        els[0].options = dissent_options;
        els[0].noptions = 2;
        els[0].yes = dissent_options[1];
        els[0].no = dissent_options[0];
        els[0].unlabelled = ends_with(json_string_value(v), els[0].label);
        element_id(els[1].id, sizeof els[1].id, sec->key, i + 1, 2);
        els[1].label = "事实和理由";
        els[1].type = YZ_FORM_TEXT;
        items[i].no = (int)i + 1;
        items[i].label = own_str(l->fs, json_string_value(v));
        items[i].elements = els;
        items[i].nelements = 2;
    }
    sec->items = items;
    sec->nitems = n;
    return YZ_OK;
}

static enum yz_err load_answer(const struct ld *l, const char *where, const json_t *form,
                               struct yz_form_document *doc)
{
    static const char *const keys[] = {"defence_items", "facts_and_reasons", "field_pattern", NULL};
    char w[256];
    snprintf(w, sizeof w, "%s.answer_2024", where);
    const json_t *ans = json_object_get(form, "answer_2024");
    if (!json_is_object(ans))
        return yz_datafile_fail(&l->f, "%s：应为对象", w);
    enum yz_err e = yz_datafile_only_keys(&l->f, w, ans, keys);
    const char *pattern;
    if (e != YZ_OK ||
        (e = yz_datafile_get_text(&l->f, w, ans, "field_pattern", true, 200, &pattern)) != YZ_OK)
        return e;
    if (strcmp(pattern, ANSWER_PATTERN) != 0)
        return yz_datafile_fail(&l->f, "%s：不支持的 field_pattern（只支持 \"%s\"）", w,
                                ANSWER_PATTERN);
    struct yz_form_section *secs = own_calloc(l->fs, 2, sizeof *secs);
    set_section(&secs[0], "d", "defence", "答辩事项");
    set_section(&secs[1], "r", "facts_and_reasons", "事实与理由");
    if ((e = load_answer_items(l, w, ans, "defence_items", 1, &secs[0])) != YZ_OK ||
        (e = load_answer_items(l, w, ans, "facts_and_reasons", 0, &secs[1])) != YZ_OK)
        return e;
    doc->title = "民事答辩状（要素式）";
    doc->version = "2024_trial";
    doc->sections = secs;
    doc->nsections = secs[1].nitems ? 2 : 1;
    return YZ_OK;
}

/*
 * _common: checked for its documented members; the 2025 mediation-preference
 * block becomes section m, shared by every complaint:
 *   "<question>": [options]                                 -> one choice item
 *   "<question> (<n> statements, each <A>/<B>)": [statements] -> one item, one
 *        choice element per statement with options A, B
 */
static enum yz_err load_common(const struct ld *l, const json_t *root, struct yz_form_section *sec)
{
    static const char *const keys[] = {"instructions",
                                       "party_natural_person",
                                       "party_organisation",
                                       "agent",
                                       "roles",
                                       "service_address_2024",
                                       "dispute_resolution_preference_2025",
                                       "closing",
                                       "full_statement",
                                       NULL};
    const char *where = "_common";
    const json_t *common = json_object_get(root, "_common");
    if (!json_is_object(common))
        return yz_datafile_fail(&l->f, "%s：应为对象", where);
    enum yz_err e = yz_datafile_only_keys(&l->f, where, common, keys);
    if (e != YZ_OK)
        return e;
    where = "_common.dispute_resolution_preference_2025";
    const json_t *pref = json_object_get(common, "dispute_resolution_preference_2025");
    if (!json_is_object(pref))
        return yz_datafile_fail(&l->f, "%s：应为对象", where);
    size_t n = json_object_size(pref);
    if (n < 1 || n > YZ_FORMS_MAX_ITEMS)
        return yz_datafile_fail(&l->f, "%s：应有 1 到 %d 项", where, YZ_FORMS_MAX_ITEMS);
    set_section(sec, "m", "dispute_resolution", "对纠纷解决方式的意愿");
    struct yz_form_item *items = own_calloc(l->fs, n, sizeof *items);
    size_t i = 0;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)pref, key, v)
    {
        char w[320], k[200];
        yz_utf8_snip(key, k, sizeof k);
        snprintf(w, sizeof w, "%s.%s", where, k);
        struct yz_form_item *it = &items[i];
        it->no = (int)i + 1;
        const char *paren = strstr(key, " (");
        char label[400];
        snprintf(label, sizeof label, "%.*s", paren ? (int)(paren - key) : (int)strlen(key), key);
        json_t *jl = json_string(label);
        e = jl ? check_text(l, w, "名称", jl, YZ_FORMS_MAX_LABEL_CPS)
               : yz_datafile_fail(&l->f, "%s：名称无效", w);
        json_decref(jl);
        if (e != YZ_OK)
            return e;
        it->label = own_str(l->fs, label);
        if (!paren) {
            struct yz_form_element *el = own_calloc(l->fs, 1, sizeof *el);
            json_t *wrap = json_pack("{s:O}", "options", (json_t *)v);
            e = load_list(l, w, wrap, "options", 2, YZ_FORMS_MAX_OPTIONS, YZ_FORMS_MAX_OPTION_CPS,
                          &el->options, &el->noptions);
            json_decref(wrap);
            if (e != YZ_OK)
                return e;
            element_id(el->id, sizeof el->id, "m", i + 1, 1);
            el->label = it->label;
            el->type = YZ_FORM_CHOICE;
            el->unlabelled = true;
            detect_yes_no(el);
            it->elements = el;
            it->nelements = 1;
        } else {
            /* "(5 statements, each 了解/不了解)" */
            unsigned count;
            char a[64], b[64];
            int used = 0;
            if (sscanf(paren, " (%u statements, each %63[^/)]/%63[^)])%n", &count, a, b, &used) !=
                    3 ||
                used == 0 || paren[used] != '\0')
                return yz_datafile_fail(
                    &l->f, "%s：无法识别的说明（应为 \"(<n> statements, each <A>/<B>)\"）", w);
            const json_t *arr;
            json_t *wrap = json_pack("{s:O}", "statements", (json_t *)v);
            e = get_array(l, w, wrap, "statements", 1, YZ_FORMS_MAX_FIELDS, &arr);
            if (e == YZ_OK && json_array_size(arr) != count)
                e = yz_datafile_fail(&l->f, "%s：说明写有 %u 条，实有 %zu 条", w, count,
                                     json_array_size(arr));
            const char **opts = own_calloc(l->fs, 2, sizeof *opts);
            json_t *ja = json_string(a), *jb = json_string(b);
            if (e == YZ_OK && (!ja || !jb))
                e = yz_datafile_fail(&l->f, "%s：选项无效", w);
            if (e == YZ_OK)
                e = check_text(l, w, "选项", ja, YZ_FORMS_MAX_OPTION_CPS);
            if (e == YZ_OK)
                e = check_text(l, w, "选项", jb, YZ_FORMS_MAX_OPTION_CPS);
            if (e == YZ_OK && strcmp(a, b) == 0)
                e = yz_datafile_fail(&l->f, "%s：两个选项相同", w);
            json_decref(ja);
            json_decref(jb);
            if (e != YZ_OK) {
                json_decref(wrap);
                return e;
            }
            opts[0] = own_str(l->fs, a);
            opts[1] = own_str(l->fs, b);
            struct yz_form_element *els = own_calloc(l->fs, count, sizeof *els);
            size_t j;
            const json_t *s;
            json_array_foreach(arr, j, s)
            {
                char what[32];
                snprintf(what, sizeof what, "[%zu]", j);
                if ((e = check_text(l, w, what, s, YZ_FORMS_MAX_LABEL_CPS)) != YZ_OK)
                    break;
                element_id(els[j].id, sizeof els[j].id, "m", i + 1, j + 1);
                els[j].label = own_str(l->fs, json_string_value(s));
                els[j].type = YZ_FORM_CHOICE;
                els[j].options = opts;
                els[j].noptions = 2;
            }
            json_decref(wrap);
            if (e != YZ_OK)
                return e;
            it->elements = els;
            it->nelements = count;
        }
        i++;
    }
    sec->items = items;
    sec->nitems = n;
    return YZ_OK;
}

/* ---- loading: causes ---- */

/* The cause with exactly this name in rev, or NULL. */
static const struct yz_cause *cause_by_name(const struct yz_catalog *cat, enum yz_cause_rev rev,
                                            const char *name)
{
    const struct yz_cause *found[YZ_CATALOG_SEARCH_MAX];
    size_t n = 0, total = 0;
    if (yz_catalog_search(cat, rev, name, NULL, YZ_CATALOG_SEARCH_MAX, found, &n, &total, NULL) !=
        YZ_OK)
        return NULL;
    for (size_t i = 0; i < n; i++) /* exact names rank first, but be sure */
        if (strcmp(found[i]->name, name) == 0)
            return found[i];
    return NULL;
}

/*
 * cause_code_<rev>: a code, or a code followed by a remark ("C19 劳动争议
 * (usually 205 …)"); the cause it names must bear the form's name. Absent:
 * the form's name is looked up.
 */
static enum yz_err resolve_cause(const struct ld *l, const char *where, const json_t *form,
                                 const char *name, enum yz_cause_rev rev, bool required,
                                 const struct yz_cause **out)
{
    char member[32];
    snprintf(member, sizeof member, "cause_code_%s", yz_catalog_revision_name(rev));
    const char *given;
    enum yz_err e =
        yz_datafile_get_text(&l->f, where, form, member, false, FORM_TEXT_MAX_CPS, &given);
    *out = NULL;
    if (e != YZ_OK)
        return e;
    if (given) {
        char code[YZ_CATALOG_MAX_CODE_BYTES + 1];
        size_t len = strcspn(given, " ");
        if (len >= sizeof code)
            return yz_datafile_fail(&l->f, "%s：%s 不是%s年版案由代码", where, member,
                                    yz_catalog_revision_name(rev));
        memcpy(code, given, len);
        code[len] = '\0';
        const struct yz_cause *c = yz_catalog_cause(l->cat, code, rev);
        if (!c)
            return yz_datafile_fail(&l->f, "%s：%s \"%s\" 不在%s年版案由目录中", where, member,
                                    code, yz_catalog_revision_name(rev));
        if (strcmp(c->name, name) != 0)
            return yz_datafile_fail(&l->f, "%s：%s \"%s\" 是「%s」，与表单名称不符", where, member,
                                    code, c->name);
        *out = c;
        return YZ_OK;
    }
    *out = cause_by_name(l->cat, rev, name);
    if (!*out && required)
        return yz_datafile_fail(&l->f, "%s：%s年版案由目录中没有「%s」", where,
                                yz_catalog_revision_name(rev), name);
    return YZ_OK;
}

static enum yz_err load_form(const struct ld *l, const char *name, const json_t *v,
                             const struct yz_form_section *mediation, struct yz_form *f)
{
    static const char *const keys[] = {"cause_code_2025",
                                       "cause_code_2020",
                                       "claims",
                                       "jurisdiction_and_preservation",
                                       "facts_and_reasons",
                                       "evidence",
                                       "answer_2024",
                                       "form_title",
                                       "form_title_2024",
                                       "parties",
                                       "notes",
                                       "claims_note",
                                       NULL};
    char where[200];
    char nm[120];
    yz_utf8_snip(name, nm, sizeof nm);
    snprintf(where, sizeof where, "forms.%s", nm);
    json_t *jname = json_string(name);
    enum yz_err e = jname ? check_text(l, where, "表单名称", jname, FORM_NAME_MAX_CPS)
                          : yz_datafile_fail(&l->f, "%s：表单名称无效", where);
    json_decref(jname);
    if (e != YZ_OK)
        return e;
    if (!json_is_object(v))
        return yz_datafile_fail(&l->f, "%s：应为对象", where);
    if ((e = yz_datafile_only_keys(&l->f, where, v, keys)) != YZ_OK)
        return e;
    f->name = own_str(l->fs, name);
    const char *title, *ignored;
    if ((e = yz_datafile_get_text(&l->f, where, v, "form_title", false, FORM_NAME_MAX_CPS,
                                  &title)) != YZ_OK)
        return e;
    f->title = title ? own_str(l->fs, title) : f->name;
    /* Descriptive members: checked, not kept (maintainers' notes in English). */
    static const char *const prose[] = {"form_title_2024", "parties", "notes", "claims_note"};
    for (size_t i = 0; i < sizeof prose / sizeof prose[0]; i++)
        if ((e = yz_datafile_get_text(&l->f, where, v, prose[i], false, FORM_TEXT_MAX_CPS,
                                      &ignored)) != YZ_OK)
            return e;

    if ((e = resolve_cause(l, where, v, name, YZ_CAUSE_REV_2025, true, &f->cause_2025)) != YZ_OK ||
        (e = resolve_cause(l, where, v, name, YZ_CAUSE_REV_2020, false, &f->cause_2020)) != YZ_OK)
        return e;
    yz_strlcpy(f->id, f->cause_2025->code, sizeof f->id);

    const json_t *evidence = json_object_get(v, "evidence");
    struct yz_form_section *secs = own_calloc(l->fs, 5, sizeof *secs);
    size_t n = 0;
    set_section(&secs[n], "c", "claims", "诉讼请求");
    if ((e = load_section(l, where, v, "claims", &secs[n++])) != YZ_OK)
        return e;
    set_section(&secs[n], "j", "jurisdiction_and_preservation", NULL);
    if ((e = load_section(l, where, v, "jurisdiction_and_preservation", &secs[n])) != YZ_OK)
        return e;
    secs[n].title = jurisdiction_title(&secs[n]);
    n++;
    set_section(&secs[n], "f", "facts_and_reasons", "事实与理由");
    if ((e = load_section(l, where, v, "facts_and_reasons", &secs[n++])) != YZ_OK)
        return e;
    if (evidence) {
        set_section(&secs[n], "e", "evidence", "证据清单");
        if ((e = load_evidence(l, where, evidence, &secs[n++])) != YZ_OK)
            return e;
    }
    secs[n++] = *mediation;
    f->complaint.title = "民事起诉状（要素式）";
    f->complaint.version = "2025";
    f->complaint.sections = secs;
    f->complaint.nsections = n;
    if ((e = load_answer(l, where, v, &f->answer)) != YZ_OK)
        return e;

    for (int d = 0; d < 2; d++) {
        const struct yz_form_document *doc = d ? &f->answer : &f->complaint;
        size_t count = 0;
        for (size_t i = 0; i < doc->nsections; i++)
            for (size_t j = 0; j < doc->sections[i].nitems; j++)
                count += doc->sections[i].items[j].nelements;
        if (count > YZ_FORMS_MAX_ELEMENTS)
            return yz_datafile_fail(&l->f, "%s：%s超过 %d 个要素", where, d ? "答辩状" : "起诉状",
                                    YZ_FORMS_MAX_ELEMENTS);
    }
    return YZ_OK;
}

enum yz_err yz_forms_load(const char *path, const struct yz_catalog *cat, struct yz_forms **out,
                          struct yz_buf *err)
{
    static const char *const keys[] = {"_meta", "_common", "forms", NULL};
    struct yz_forms *fs = yz_calloc(1, sizeof *fs);
    struct ld l = {{path, err}, fs, cat};
    json_t *root = NULL;
    *out = NULL;
    enum yz_err e;
    if (!cat) {
        e = yz_datafile_fail(&l.f, "需要先载入案由目录");
        goto out;
    }
    if ((e = yz_datafile_read(&l.f, YZ_FORMS_MAX_FILE_BYTES, &root)) != YZ_OK)
        goto out;
    if (!json_is_object(root)) {
        e = yz_datafile_fail(&l.f, "顶层应为对象");
        goto out;
    }
    if ((e = yz_datafile_only_keys(&l.f, "顶层", root, keys)) != YZ_OK)
        goto out;
    if (!json_is_object(json_object_get(root, "_meta"))) {
        e = yz_datafile_fail(&l.f, "_meta：应为对象");
        goto out;
    }
    struct yz_form_section mediation = {{0}, NULL, NULL, NULL, 0};
    if ((e = load_common(&l, root, &mediation)) != YZ_OK)
        goto out;
    const json_t *forms = json_object_get(root, "forms");
    if (!json_is_object(forms) || json_object_size(forms) < 1 ||
        json_object_size(forms) > YZ_FORMS_MAX_FORMS) {
        e = yz_datafile_fail(&l.f, "forms：应为含 1 到 %d 个表单的对象", YZ_FORMS_MAX_FORMS);
        goto out;
    }
    fs->items = own_calloc(fs, json_object_size(forms), sizeof *fs->items);
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)forms, name, v)
    {
        struct yz_form *f = &fs->items[fs->n];
        if ((e = load_form(&l, name, v, &mediation, f)) != YZ_OK)
            goto out;
        for (size_t i = 0; i < fs->n; i++)
            if (strcmp(fs->items[i].id, f->id) == 0) {
                e = yz_datafile_fail(&l.f, "forms.%s：与「%s」是同一案由（%s），表单重复", f->name,
                                     fs->items[i].name, f->id);
                goto out;
            }
        fs->n++;
    }
    *out = fs;
    fs = NULL;
out:
    json_decref(root);
    yz_forms_free(fs);
    return e;
}

enum yz_err yz_forms_load_dir(const char *dir, const struct yz_catalog *cat, struct yz_forms **out,
                              struct yz_buf *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, FILE_NAME);
    *out = NULL;
    if (n < 0 || (size_t)n >= sizeof path) {
        yz_buf_adds(err, "数据目录路径过长");
        return YZ_ERR_CONFIG;
    }
    return yz_forms_load(path, cat, out, err);
}

/* ---- lookups ---- */

size_t yz_forms_count(const struct yz_forms *fs)
{
    return fs ? fs->n : 0;
}

const struct yz_form *yz_forms_at(const struct yz_forms *fs, size_t i)
{
    return fs && i < fs->n ? &fs->items[i] : NULL;
}

const struct yz_form *yz_forms_get(const struct yz_forms *fs, const char *id)
{
    for (size_t i = 0; fs && id && i < fs->n; i++)
        if (strcmp(fs->items[i].id, id) == 0)
            return &fs->items[i];
    return NULL;
}

const struct yz_form *yz_forms_for_cause(const struct yz_forms *fs, const struct yz_cause *cause)
{
    const struct yz_form *best = NULL;
    int best_level = 0;
    for (size_t i = 0; fs && cause && i < fs->n; i++) {
        const struct yz_form *f = &fs->items[i];
        const struct yz_cause *fc =
            cause->revision == YZ_CAUSE_REV_2025 ? f->cause_2025 : f->cause_2020;
        if (fc && fc->level > best_level && yz_catalog_within(cause, fc)) {
            best = f;
            best_level = fc->level;
        }
    }
    return best;
}

const struct yz_form_document *yz_form_document(const struct yz_form *f, enum yz_form_doc doc)
{
    return doc == YZ_FORM_ANSWER ? &f->answer : &f->complaint;
}

const struct yz_form_element *yz_form_element(const struct yz_form_document *d, const char *id)
{
    for (size_t i = 0; d && id && i < d->nsections; i++)
        for (size_t j = 0; j < d->sections[i].nitems; j++) {
            const struct yz_form_item *it = &d->sections[i].items[j];
            for (size_t k = 0; k < it->nelements; k++)
                if (strcmp(it->elements[k].id, id) == 0)
                    return &it->elements[k];
        }
    return NULL;
}

const char *yz_form_type_name(enum yz_form_type t)
{
    return (size_t)t < TYPE_COUNT ? type_names[t] : "unknown";
}

const char *yz_form_doc_name(enum yz_form_doc doc)
{
    return doc == YZ_FORM_ANSWER ? "answer" : "complaint";
}

bool yz_form_doc_parse(const char *s, enum yz_form_doc *out)
{
    if (!s)
        return false;
    if (strcmp(s, "complaint") == 0)
        *out = YZ_FORM_COMPLAINT;
    else if (strcmp(s, "answer") == 0)
        *out = YZ_FORM_ANSWER;
    else
        return false;
    return true;
}

/* ---- formatting ---- */

bool yz_forms_format_money(int64_t fen, char *out, size_t size)
{
    /* The magnitude as unsigned, so INT64_MIN has one too. */
    uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    int n = snprintf(out, size, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(m / 100),
                     (unsigned long long)(m % 100));
    return n >= 0 && (size_t)n < size;
}

void yz_forms_format_date(struct yz_date d, char *out, size_t size)
{
    snprintf(out, size, "%d年%d月%d日", d.year, d.month, d.day);
}

/* ---- validation ---- */

struct vctx {
    const struct yz_form_document *doc;
    struct yz_field_errors *fe;
    struct yz_date today;
};

static void label_for_message(const struct yz_form_element *el, char *out, size_t size)
{
    short_label(el->label, MESSAGE_LABEL_CPS, out, size);
}

/* A JSON string that is valid single- or multi-line text of at most max_cps;
 * reports into fe and returns false otherwise. */
static bool check_answer_text(struct vctx *c, const char *path, const char *what, const json_t *v,
                              size_t max_cps, bool multiline)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!yz_utf8_valid(s, n) || memchr(s, '\0', n) || yz_utf8_has_control(s, n, multiline)) {
        yz_field_errors_add(c->fe, path, "invalid_text", "%s包含无效或不允许的字符", what);
        return false;
    }
    if (yz_utf8_count(s, n) > max_cps) {
        yz_field_errors_add(c->fe, path, "too_long", "%s不能超过 %zu 个字", what, max_cps);
        return false;
    }
    return true;
}

static bool in_options(const struct yz_form_element *el, const char *s)
{
    for (size_t i = 0; i < el->noptions; i++)
        if (strcmp(el->options[i], s) == 0)
            return true;
    return false;
}

/* "12", "3.85": up to 15 digits, optionally a point and 1..6 digits. */
static bool decimal_text(const char *s, size_t n)
{
    size_t i = strspn(s, "0123456789");
    if (i == 0 || i > 15 || i > n)
        return false;
    if (i == n)
        return true;
    if (s[i] != '.')
        return false;
    size_t frac = strspn(s + i + 1, "0123456789");
    return frac >= 1 && frac <= 6 && i + 1 + frac == n;
}

static void child_path(char *out, size_t size, const char *base, const char *child)
{
    char c[64];
    yz_utf8_snip(child, c, sizeof c);
    snprintf(out, size, "%.60s/%s", base, c);
}

/* One table row; answered when its first column is. */
static void check_row(struct vctx *c, const struct yz_form_element *el, const json_t *row,
                      const char *path)
{
    char p[128], what[96];
    if (!json_is_object(row)) {
        yz_field_errors_add(c->fe, path, "wrong_type", "每行应为对象（以列名为键）");
        return;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)row, key, v)
    {
        size_t k = 0;
        while (k < el->ncolumns && strcmp(el->columns[k], key) != 0)
            k++;
        child_path(p, sizeof p, path, key);
        if (k == el->ncolumns) {
            yz_field_errors_add(c->fe, p, "unknown_field", "表格中没有该列");
            continue;
        }
        snprintf(what, sizeof what, "%s", el->columns[k]);
        if (json_is_null(v))
            continue;
        if (!json_is_string(v))
            yz_field_errors_add(c->fe, p, "wrong_type", "%s应为文本", what);
        else
            check_answer_text(c, p, what, v, YZ_FORMS_MAX_CELL_CPS, true);
    }
    const json_t *first = json_object_get(row, el->columns[0]);
    if (!json_is_string(first) || json_string_length(first) == 0) {
        child_path(p, sizeof p, path, el->columns[0]);
        if (!first || json_is_null(first) || json_is_string(first))
            yz_field_errors_add(c->fe, p, "required", "请填写%s", el->columns[0]);
    }
}

static bool empty_value(const json_t *v);

/* One value of the element's base type. Returns true when it is an answer
 * (valid or not), false for an empty one (null, "" or []). */
static bool check_one(struct vctx *c, const struct yz_form_element *el, const json_t *v,
                      const char *path)
{
    char what[96];
    label_for_message(el, what, sizeof what);
    if (empty_value(v))
        return false;
    switch (el->type) {
    case YZ_FORM_TEXT:
    case YZ_FORM_DATE:
    case YZ_FORM_CHOICE:
        if (!json_is_string(v)) {
            yz_field_errors_add(c->fe, path, "wrong_type", "%s应为文本", what);
            return true;
        }
        if (json_string_length(v) == 0)
            return false;
        if (el->type == YZ_FORM_TEXT) {
            check_answer_text(c, path, what, v, YZ_FORMS_MAX_TEXT_CPS, true);
        } else if (el->type == YZ_FORM_DATE) {
            struct yz_date d;
            if (json_string_length(v) != 10 || !yz_date_parse(json_string_value(v), &d))
                yz_field_errors_add(c->fe, path, "invalid_date",
                                    "%s应为有效日期（格式：YYYY-MM-DD）", what);
        } else if (!in_options(el, json_string_value(v)) ||
                   strlen(json_string_value(v)) != json_string_length(v)) {
            yz_field_errors_add(c->fe, path, "not_allowed", "%s的取值不在可选范围内", what);
        }
        return true;
    case YZ_FORM_AMOUNT:
        if (!json_is_integer(v))
            yz_field_errors_add(c->fe, path, "wrong_type", "%s应为以分为单位的整数", what);
        else if (json_integer_value(v) < 0)
            yz_field_errors_add(c->fe, path, "out_of_range", "%s不能为负数", what);
        else if (json_integer_value(v) > YZ_FORMS_MAX_AMOUNT_FEN)
            yz_field_errors_add(c->fe, path, "out_of_range", "%s不能超过 1 万亿元", what);
        return true;
    case YZ_FORM_NUMBER:
        if (json_is_integer(v)) {
            if (json_integer_value(v) < 0)
                yz_field_errors_add(c->fe, path, "out_of_range", "%s不能为负数", what);
            return true;
        }
        if (!json_is_string(v)) {
            yz_field_errors_add(c->fe, path, "wrong_type",
                                "%s应为整数，或以文本填写的小数（如 \"3.85\"）", what);
            return true;
        }
        if (json_string_length(v) == 0)
            return false;
        if (!decimal_text(json_string_value(v), json_string_length(v)))
            yz_field_errors_add(c->fe, path, "invalid_number",
                                "%s应为不小于 0 的数（如 \"3.85\"，最多 6 位小数）", what);
        return true;
    case YZ_FORM_YES_NO:
        if (!json_is_boolean(v))
            yz_field_errors_add(c->fe, path, "wrong_type", "%s应为 true（%s）或 false（%s）", what,
                                el->yes, el->no);
        return true;
    case YZ_FORM_MULTICHOICE: {
        if (!json_is_array(v)) {
            yz_field_errors_add(c->fe, path, "wrong_type", "%s应为选项列表", what);
            return true;
        }
        size_t n = json_array_size(v);
        if (n == 0)
            return false;
        if (n > el->noptions) {
            yz_field_errors_add(c->fe, path, "too_many", "%s最多选择 %zu 项", what, el->noptions);
            return true;
        }
        for (size_t i = 0; i < n; i++) {
            const json_t *o = json_array_get(v, i);
            char p[128];
            snprintf(p, sizeof p, "%.80s/%zu", path, i);
            if (!json_is_string(o) || !in_options(el, json_string_value(o)) ||
                strlen(json_string_value(o)) != json_string_length(o)) {
                yz_field_errors_add(c->fe, p, "not_allowed", "%s的取值不在可选范围内", what);
                continue;
            }
            for (size_t j = 0; j < i; j++)
                if (json_equal(json_array_get(v, j), o)) {
                    yz_field_errors_add(c->fe, p, "duplicate", "%s的选项重复", what);
                    break;
                }
        }
        return true;
    }
    case YZ_FORM_TABLE: {
        if (!json_is_array(v)) {
            yz_field_errors_add(c->fe, path, "wrong_type", "%s应为列表（每行一个对象）", what);
            return true;
        }
        size_t n = json_array_size(v);
        if (n == 0)
            return false;
        if (n > YZ_FORMS_MAX_ROWS) {
            yz_field_errors_add(c->fe, path, "too_many", "%s最多 %d 行", what, YZ_FORMS_MAX_ROWS);
            return true;
        }
        for (size_t i = 0; i < n; i++) {
            char p[128];
            snprintf(p, sizeof p, "%.80s/%zu", path, i);
            check_row(c, el, json_array_get(v, i), p);
        }
        return true;
    }
    }
    YZ_BUG("unhandled form type %d", (int)el->type);
}

/* An element's answer; true when answered. */
static bool check_element(struct vctx *c, const struct yz_form_element *el, const json_t *v,
                          const char *path)
{
    if (!el->repeatable || empty_value(v))
        return check_one(c, el, v, path);
    char what[96];
    label_for_message(el, what, sizeof what);
    if (!json_is_array(v)) {
        yz_field_errors_add(c->fe, path, "wrong_type", "%s应为列表（可填多项）", what);
        return true;
    }
    size_t n = json_array_size(v);
    if (n > YZ_FORMS_MAX_REPEAT) {
        yz_field_errors_add(c->fe, path, "too_many", "%s最多 %d 项", what, YZ_FORMS_MAX_REPEAT);
        return true;
    }
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        char p[128];
        snprintf(p, sizeof p, "%.80s/%zu", path, i);
        any |= check_one(c, el, json_array_get(v, i), p);
    }
    return any;
}

/* ---- parties (the filing application's shape) ---- */

static const char *const party_roles[] = {"plaintiff", "defendant", "third_party", NULL};
static const char *const party_kinds[] = {"natural", "legal", "other", NULL};
static const char *const sexes[] = {"male", "female", NULL};

struct party_member {
    const char *key, *title;
    size_t max_cps;
    bool required;
    const char *const *values;
};

static const struct party_member party_members[] = {
    {"role", "诉讼地位", 20, true, party_roles},
    {"kind", "主体类型", 20, true, party_kinds},
    {"name", "姓名或名称", 100, true, NULL},
    {"address", "住所或经常居住地", 200, false, NULL},
    {"sex", "性别", 10, false, sexes},
    {"birth_date", "出生日期", 10, false, NULL},
    {"ethnicity", "民族", 20, false, NULL},
    {"citizen_id", "公民身份号码", 32, false, NULL},
    {"credit_code", "统一社会信用代码", 18, false, NULL},
    {"legal_rep", "法定代表人或主要负责人", 100, false, NULL},
    {"phone", "联系电话", 20, false, NULL},
};
#define PARTY_MEMBERS (sizeof party_members / sizeof party_members[0])

static void check_party(struct vctx *c, const json_t *p, const char *path)
{
    char mp[128];
    if (!json_is_object(p)) {
        yz_field_errors_add(c->fe, path, "wrong_type", "当事人应为对象");
        return;
    }
    for (size_t i = 0; i < PARTY_MEMBERS; i++) {
        const struct party_member *m = &party_members[i];
        const json_t *v = json_object_get(p, m->key);
        child_path(mp, sizeof mp, path, m->key);
        if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
            if (m->required)
                yz_field_errors_add(c->fe, mp, "required", "请填写%s", m->title);
            continue;
        }
        if (!json_is_string(v)) {
            yz_field_errors_add(c->fe, mp, "wrong_type", "%s应为文本", m->title);
            continue;
        }
        if (!check_answer_text(c, mp, m->title, v, m->max_cps, false))
            continue;
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (m->values) {
            const char *const *a = m->values;
            while (*a && strcmp(*a, s) != 0)
                a++;
            if (!*a)
                yz_field_errors_add(c->fe, mp, "not_allowed", "%s的取值不在可选范围内", m->title);
            continue;
        }
        enum yz_idnum_problem pr = YZ_IDNUM_OK;
        enum yz_idnum_kind kind = YZ_IDNUM_KIND_CITIZEN_ID;
        struct yz_date d;
        if (strcmp(m->key, "birth_date") == 0 && (n != 10 || !yz_date_parse(s, &d))) {
            yz_field_errors_add(c->fe, mp, "invalid_date", "出生日期应为有效日期（YYYY-MM-DD）");
        } else if (strcmp(m->key, "citizen_id") == 0) {
            pr = yz_idnum_citizen_check(s, n, c->today, NULL);
        } else if (strcmp(m->key, "credit_code") == 0) {
            pr = yz_idnum_uscc_check(s, n);
            kind = YZ_IDNUM_KIND_USCC;
        } else if (strcmp(m->key, "phone") == 0) {
            pr = yz_idnum_mobile_check(s, n);
            kind = YZ_IDNUM_KIND_MOBILE;
        }
        if (pr != YZ_IDNUM_OK)
            yz_field_errors_add(c->fe, mp, yz_idnum_problem_code(pr), "%s",
                                yz_idnum_problem_message(kind, pr));
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)p, key, v)
    {
        size_t i = 0;
        while (i < PARTY_MEMBERS && strcmp(party_members[i].key, key) != 0)
            i++;
        if (i == PARTY_MEMBERS) {
            child_path(mp, sizeof mp, path, key);
            yz_field_errors_add(c->fe, mp, "unknown_field", "不支持的字段");
        }
    }
}

static void check_parties(struct vctx *c, const json_t *v)
{
    const char *path = "answers/parties";
    if (json_is_null(v))
        return;
    if (!json_is_array(v)) {
        yz_field_errors_add(c->fe, path, "wrong_type", "当事人应为列表");
        return;
    }
    if (json_array_size(v) > YZ_FORMS_MAX_PARTIES) {
        yz_field_errors_add(c->fe, path, "too_many", "当事人最多 %d 个", YZ_FORMS_MAX_PARTIES);
        return;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        char p[64];
        snprintf(p, sizeof p, "%s/%zu", path, i);
        check_party(c, json_array_get(v, i), p);
    }
}

static bool empty_value(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

/* Whether el has a non-empty answer: not null, "" or [] (a repeatable one:
 * some entry that is not). A value of the wrong type counts as an answer. */
static bool answered(const json_t *answers, const struct yz_form_element *el)
{
    const json_t *v = json_object_get(answers, el->id);
    if (empty_value(v))
        return false;
    if (el->repeatable && json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (!empty_value(json_array_get(v, i)))
                return true;
        return false;
    }
    return true;
}

static const struct yz_form_section *section(const struct yz_form_document *d, const char *key)
{
    for (size_t i = 0; i < d->nsections; i++)
        if (strcmp(d->sections[i].key, key) == 0)
            return &d->sections[i];
    return NULL;
}

/* Answered elements of a section; excluding the amount in dispute when asked. */
static size_t count_answered(const json_t *answers, const struct yz_form_section *sec,
                             bool skip_required)
{
    size_t n = 0;
    for (size_t i = 0; sec && i < sec->nitems; i++)
        for (size_t k = 0; k < sec->items[i].nelements; k++) {
            const struct yz_form_element *el = &sec->items[i].elements[k];
            if (!(skip_required && el->required) && answered(answers, el))
                n++;
        }
    return n;
}

enum yz_err yz_forms_validate(const struct yz_form *f, enum yz_form_doc doc, const json_t *answers,
                              struct yz_date today, struct yz_field_errors *fe)
{
    struct vctx c = {yz_form_document(f, doc), fe, today};
    int before = fe->count + fe->dropped;
    if (c.doc->nsections == 0) {
        yz_field_errors_add(fe, "document", "not_available", "该表单没有%s",
                            doc == YZ_FORM_ANSWER ? "答辩状" : "起诉状");
        return YZ_ERR_VALIDATION;
    }
    if (!json_is_object(answers)) {
        yz_field_errors_add(fe, "answers", "wrong_type", "表单内容应为对象");
        return YZ_ERR_VALIDATION;
    }
    if (json_object_size(answers) > YZ_FORMS_MAX_ELEMENTS + 1) {
        yz_field_errors_add(fe, "answers", "too_many", "表单内容的项目过多");
        return YZ_ERR_VALIDATION;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)answers, key, v)
    {
        char path[96];
        child_path(path, sizeof path, "answers", key);
        if (strcmp(key, "parties") == 0) {
            check_parties(&c, v);
            continue;
        }
        const struct yz_form_element *el = yz_form_element(c.doc, key);
        if (!el)
            yz_field_errors_add(fe, path, "unknown_field", "表单中没有该项");
        else
            check_element(&c, el, v, path);
    }
    /* Required elements, then what a document needs as a whole. */
    for (size_t i = 0; i < c.doc->nsections; i++)
        for (size_t j = 0; j < c.doc->sections[i].nitems; j++) {
            const struct yz_form_item *it = &c.doc->sections[i].items[j];
            for (size_t k = 0; k < it->nelements; k++) {
                const struct yz_form_element *el = &it->elements[k];
                if (el->required && !answered(answers, el)) {
                    char path[96], what[96];
                    snprintf(path, sizeof path, "answers/%s", el->id);
                    label_for_message(el, what, sizeof what);
                    yz_field_errors_add(fe, path, "required", "请填写%s", what);
                }
            }
        }
    /* RULE: complaint-claims-and-facts */
    if (doc == YZ_FORM_COMPLAINT) {
        if (count_answered(answers, section(c.doc, "c"), true) == 0)
            yz_field_errors_add(fe, "answers", "no_claims", "请至少填写一项诉讼请求");
        if (count_answered(answers, section(c.doc, "f"), false) == 0)
            yz_field_errors_add(fe, "answers", "no_facts", "请至少填写一项事实与理由");
    } else {
        size_t n = 0;
        for (size_t i = 0; i < c.doc->nsections; i++)
            n += count_answered(answers, &c.doc->sections[i], false);
        if (n == 0)
            yz_field_errors_add(fe, "answers", "no_defence", "请至少填写一项答辩意见");
    }
    return fe->count + fe->dropped > before ? YZ_ERR_VALIDATION : YZ_OK;
}

/* ---- rendering ---- */

struct rctx {
    const json_t *answers;
    bool overflow; /* a buffer refused an append */
};

static void add(struct rctx *r, struct yz_buf *b, const char *s)
{
    if (!yz_buf_adds(b, s))
        r->overflow = true;
}

static void addn(struct rctx *r, struct yz_buf *b, const char *s, size_t n)
{
    if (!yz_buf_add(b, s, n))
        r->overflow = true;
}

/* One value of the element's base type (validated, not empty). */
static void render_one(struct rctx *r, struct yz_buf *b, const struct yz_form_element *el,
                       const json_t *v)
{
    char tmp[64];
    switch (el->type) {
    case YZ_FORM_TEXT:
    case YZ_FORM_CHOICE:
        addn(r, b, json_string_value(v), json_string_length(v));
        return;
    case YZ_FORM_DATE: {
        struct yz_date d;
        if (!yz_date_parse(json_string_value(v), &d))
            YZ_BUG("date not validated");
        yz_forms_format_date(d, tmp, sizeof tmp);
        add(r, b, tmp);
        return;
    }
    case YZ_FORM_AMOUNT:
        yz_forms_format_money(json_integer_value(v), tmp, sizeof tmp);
        add(r, b, tmp);
        add(r, b, "元");
        return;
    case YZ_FORM_NUMBER:
        if (json_is_integer(v)) {
            snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
            add(r, b, tmp);
        } else {
            add(r, b, json_string_value(v));
        }
        return;
    case YZ_FORM_YES_NO:
        add(r, b, json_is_true(v) ? el->yes : el->no);
        return;
    case YZ_FORM_MULTICHOICE:
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                add(r, b, "、");
            add(r, b, json_string_value(json_array_get(v, i)));
        }
        return;
    case YZ_FORM_TABLE:
        YZ_BUG("tables are rendered as rows");
    }
}

static void render_value(struct rctx *r, struct yz_buf *b, const struct yz_form_element *el,
                         const json_t *v)
{
    if (!el->repeatable) {
        render_one(r, b, el, v);
        return;
    }
    bool first = true;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *x = json_array_get(v, i);
        if (empty_value(x))
            continue;
        if (!first)
            add(r, b, "、");
        render_one(r, b, el, x);
        first = false;
    }
}

/* Table rows, one a line: "（1）借条（证据来源：原告持有；证明目的：…）". */
static void render_rows(struct rctx *r, struct yz_buf *b, const struct yz_form_element *el,
                        const json_t *rows)
{
    for (size_t i = 0; i < json_array_size(rows); i++) {
        const json_t *row = json_array_get(rows, i);
        char tmp[32];
        snprintf(tmp, sizeof tmp, "（%zu）", i + 1);
        add(r, b, tmp);
        add(r, b, json_string_value(json_object_get(row, el->columns[0])));
        bool open = false;
        for (size_t k = 1; k < el->ncolumns; k++) {
            const json_t *cell = json_object_get(row, el->columns[k]);
            if (empty_value(cell))
                continue;
            add(r, b, open ? "；" : "（");
            add(r, b, el->columns[k]);
            add(r, b, "：");
            add(r, b, json_string_value(cell));
            open = true;
        }
        if (open)
            add(r, b, "）");
        add(r, b, "\n");
    }
}

/* Whether a line ending in s needs no closing 。 */
static bool ends_sentence(const struct yz_buf *b)
{
    static const char *const marks[] = {"。", "！", "？", "；", "：", NULL};
    for (const char *const *m = marks; *m; m++)
        if (ends_with(b->data, *m))
            return true;
    return false;
}

/*
 * One item: "N. label：a：value；b：value。" with only the answered elements,
 * each with its label unless that would repeat the item's (unlabelled). Table rows
 * follow on their own lines; a section that is one table is its rows alone.
 */
static void render_item(struct rctx *r, struct yz_buf *b, const struct yz_form_section *sec,
                        const struct yz_form_item *it)
{
    bool any = false,
         bare = sec->nitems == 1 && it->nelements == 1 && it->elements[0].type == YZ_FORM_TABLE;
    struct yz_buf line = YZ_BUF_INIT(RENDER_MAX_BYTES);
    struct yz_buf rows = YZ_BUF_INIT(RENDER_MAX_BYTES);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%d. ", it->no);
    add(r, &line, tmp);
    add(r, &line, it->label);
    add(r, &line, "：");
    bool first = true;
    for (size_t k = 0; k < it->nelements; k++) {
        const struct yz_form_element *el = &it->elements[k];
        const json_t *v = json_object_get(r->answers, el->id);
        if (!answered(r->answers, el))
            continue;
        any = true;
        if (el->type == YZ_FORM_TABLE) {
            render_rows(r, &rows, el, v);
            continue;
        }
        if (!first)
            add(r, &line, "；");
        if (!el->unlabelled) {
            add(r, &line, el->label);
            add(r, &line, "：");
        }
        render_value(r, &line, el, v);
        first = false;
    }
    if (any) {
        if (!bare) {
            if (!first && !ends_sentence(&line))
                add(r, &line, "。");
            add(r, b, line.data);
            add(r, b, "\n");
        }
        add(r, b, rows.data);
    }
    yz_buf_release(&line);
    yz_buf_release(&rows);
}

static void render_section(struct rctx *r, struct yz_buf *b, const struct yz_form_section *sec)
{
    for (size_t i = 0; i < sec->nitems; i++)
        render_item(r, b, sec, &sec->items[i]);
}

static const char *role_word(const char *role, enum yz_form_doc doc)
{
    bool plaintiff = strcmp(role, "plaintiff") == 0, defendant = strcmp(role, "defendant") == 0;
    if (doc == YZ_FORM_ANSWER)
        return defendant ? "答辩人" : plaintiff ? "被答辩人" : "第三人";
    return plaintiff ? "原告" : defendant ? "被告" : "第三人";
}

static const char *member(const json_t *p, const char *key)
{
    const json_t *v = json_object_get(p, key);
    return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

/* "，label：value" when value is given. */
static void party_part(struct rctx *r, struct yz_buf *b, const char *label, const char *value)
{
    if (!value)
        return;
    add(r, b, "，");
    add(r, b, label);
    add(r, b, value);
}

/* RULE: filing-party-particulars — 民事诉讼法 art. 124(1)(2), in the order the
 * form prints them; what the filing seals is masked here. */
static void render_party(struct rctx *r, struct yz_buf *b, const json_t *p, enum yz_form_doc doc)
{
    char masked[YZ_MASK_SIZE], date[32];
    const char *kind = member(p, "kind");
    bool natural = strcmp(kind, "natural") == 0;
    add(r, b, role_word(member(p, "role"), doc));
    add(r, b, "：");
    add(r, b, member(p, "name"));
    const char *s;
    if (natural) {
        if ((s = member(p, "sex")))
            party_part(r, b, "", strcmp(s, "male") == 0 ? "男" : "女");
        struct yz_date d;
        if ((s = member(p, "birth_date")) && yz_date_parse(s, &d)) {
            yz_forms_format_date(d, date, sizeof date);
            add(r, b, "，");
            add(r, b, date);
            add(r, b, "出生");
        }
        party_part(r, b, "", member(p, "ethnicity"));
    }
    if (!natural && (s = member(p, "address")))
        party_part(r, b, "住所地：", s);
    if (!natural)
        party_part(r, b, strcmp(kind, "legal") == 0 ? "法定代表人：" : "负责人：",
                   member(p, "legal_rep"));
    if ((s = member(p, "phone"))) {
        yz_mask_mobile(s, strlen(s), masked, sizeof masked);
        party_part(r, b, "联系电话：", masked);
    }
    if (natural && (s = member(p, "address"))) {
        yz_mask_address(s, strlen(s), masked, sizeof masked);
        party_part(r, b, "住所地：", masked);
    }
    if (natural && (s = member(p, "citizen_id"))) {
        yz_mask_citizen_id(s, strlen(s), masked, sizeof masked);
        party_part(r, b, "公民身份号码：", masked);
    }
    if (!natural)
        party_part(r, b, "统一社会信用代码：", member(p, "credit_code"));
    add(r, b, "。\n");
}

/* Parties grouped by role in the document's order; *signers gets the names of
 * the side that signs (plaintiffs of a complaint, defendants of an answer). */
static void render_parties(struct rctx *r, struct yz_buf *b, const json_t *parties,
                           enum yz_form_doc doc, struct yz_buf *signers)
{
    static const char *const complaint_order[] = {"plaintiff", "defendant", "third_party"};
    static const char *const answer_order[] = {"defendant", "plaintiff", "third_party"};
    const char *const *order = doc == YZ_FORM_ANSWER ? answer_order : complaint_order;
    for (size_t g = 0; g < 3; g++)
        for (size_t i = 0; i < json_array_size(parties); i++) {
            const json_t *p = json_array_get(parties, i);
            if (strcmp(member(p, "role"), order[g]) != 0)
                continue;
            render_party(r, b, p, doc);
            if (g == 0) {
                if (signers->len)
                    add(r, signers, "、");
                add(r, signers, member(p, "name"));
            }
        }
}

void yz_form_rendering_release(struct yz_form_rendering *r)
{
    yz_buf_release(&r->text);
    yz_buf_release(&r->claims);
    yz_buf_release(&r->facts);
    r->has_amount = false;
    r->amount_fen = 0;
}

/* Drops the last newline (a section's lines as one text). */
static void chop(struct yz_buf *b)
{
    if (b->len && b->data[b->len - 1] == '\n')
        b->data[--b->len] = '\0';
}

enum yz_err yz_forms_render(const struct yz_form *f, enum yz_form_doc doc, const json_t *answers,
                            const char *court, struct yz_date date, struct yz_form_rendering *out,
                            struct yz_field_errors *fe)
{
    yz_buf_init(&out->text, RENDER_MAX_BYTES);
    yz_buf_init(&out->claims, RENDER_MAX_BYTES);
    yz_buf_init(&out->facts, RENDER_MAX_BYTES);
    out->has_amount = false;
    out->amount_fen = 0;
    /* ID numbers are checked against today, not against the document's date. */
    enum yz_err e = yz_forms_validate(f, doc, answers, yz_date_of_shanghai(yz_time_now_ms()), fe);
    if (e != YZ_OK)
        return e;
    const struct yz_form_document *d = yz_form_document(f, doc);
    struct rctx r = {answers, false};
    struct yz_buf *t = &out->text;
    struct yz_buf signers = YZ_BUF_INIT(RENDER_MAX_BYTES);
    struct yz_buf sec = YZ_BUF_INIT(RENDER_MAX_BYTES);
    char tmp[64];

    add(&r, t, d->title);
    add(&r, t, "\n（");
    add(&r, t, f->title);
    add(&r, t, "）\n\n");
    const json_t *parties = json_object_get(answers, "parties");
    if (json_array_size(parties)) {
        render_parties(&r, t, parties, doc, &signers);
        add(&r, t, "\n");
    }
    for (size_t i = 0; i < d->nsections; i++) {
        const struct yz_form_section *s = &d->sections[i];
        yz_buf_reset(&sec);
        render_section(&r, &sec, s);
        if (!sec.len)
            continue;
        add(&r, t, s->title);
        add(&r, t, "：\n");
        add(&r, t, sec.data);
        add(&r, t, "\n");
        if (doc == YZ_FORM_COMPLAINT && strcmp(s->key, "c") == 0)
            add(&r, &out->claims, sec.data);
        else if (doc == YZ_FORM_COMPLAINT && strcmp(s->key, "f") == 0)
            add(&r, &out->facts, sec.data);
        for (size_t j = 0; j < s->nitems; j++)
            if (s->items[j].nelements && s->items[j].elements[0].required &&
                answered(answers, &s->items[j].elements[0])) {
                out->has_amount = true;
                out->amount_fen =
                    json_integer_value(json_object_get(answers, s->items[j].elements[0].id));
            }
    }
    add(&r, t, "此致\n");
    add(&r, t, court ? court : "");
    add(&r, t, "\n\n");
    add(&r, t, doc == YZ_FORM_ANSWER ? "答辩人（签字、盖章）：" : "具状人（签字、盖章）：");
    add(&r, t, signers.data);
    add(&r, t, "\n");
    yz_forms_format_date(date, tmp, sizeof tmp);
    add(&r, t, tmp);
    add(&r, t, "\n");
    chop(&out->claims);
    chop(&out->facts);
    yz_buf_release(&signers);
    yz_buf_release(&sec);

    size_t claims_cps = yz_utf8_count(out->claims.data, out->claims.len);
    size_t facts_cps = yz_utf8_count(out->facts.data, out->facts.len);
    if (r.overflow)
        yz_field_errors_add(fe, "answers", "too_long", "表单内容过长");
    if (claims_cps > YZ_FORMS_MAX_CLAIMS_CPS)
        yz_field_errors_add(fe, "answers", "claims_too_long",
                            "诉讼请求合计不能超过 %d 个字（现为 %zu 个字）",
                            YZ_FORMS_MAX_CLAIMS_CPS, claims_cps);
    if (facts_cps > YZ_FORMS_MAX_FACTS_CPS)
        yz_field_errors_add(fe, "answers", "facts_too_long",
                            "事实与理由合计不能超过 %d 个字（现为 %zu 个字）",
                            YZ_FORMS_MAX_FACTS_CPS, facts_cps);
    if (r.overflow || claims_cps > YZ_FORMS_MAX_CLAIMS_CPS || facts_cps > YZ_FORMS_MAX_FACTS_CPS) {
        yz_form_rendering_release(out);
        return YZ_ERR_VALIDATION;
    }
    return YZ_OK;
}

/* ---- JSON ---- */

static json_t *strings_json(const char *const *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

static json_t *element_json(const struct yz_form_element *el)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "id", el->id, "label", el->label, "type",
                          yz_form_type_name(el->type), "required", el->required, "repeatable",
                          el->repeatable);
    if (el->hint)
        json_object_set_new(o, "hint", json_string(el->hint));
    if (el->noptions)
        json_object_set_new(o, "options", strings_json(el->options, el->noptions));
    if (el->type == YZ_FORM_YES_NO) {
        json_object_set_new(o, "yes", json_string(el->yes));
        json_object_set_new(o, "no", json_string(el->no));
    }
    if (el->ncolumns)
        json_object_set_new(o, "columns", strings_json(el->columns, el->ncolumns));
    return o;
}

static json_t *document_json(const struct yz_form_document *d)
{
    if (d->nsections == 0)
        return json_null();
    json_t *secs = json_array();
    for (size_t i = 0; i < d->nsections; i++) {
        const struct yz_form_section *s = &d->sections[i];
        json_t *items = json_array();
        for (size_t j = 0; j < s->nitems; j++) {
            const struct yz_form_item *it = &s->items[j];
            json_t *els = json_array();
            for (size_t k = 0; k < it->nelements; k++)
                json_array_append_new(els, element_json(&it->elements[k]));
            json_t *o =
                json_pack("{s:i, s:s, s:o}", "no", it->no, "label", it->label, "elements", els);
            if (it->hint)
                json_object_set_new(o, "hint", json_string(it->hint));
            json_array_append_new(items, o);
        }
        json_array_append_new(secs, json_pack("{s:s, s:s, s:s, s:o}", "key", s->key, "name",
                                              s->name, "title", s->title, "items", items));
    }
    return json_pack("{s:s, s:s, s:o}", "title", d->title, "version", d->version, "sections", secs);
}

json_t *yz_form_summary_json(const struct yz_form *f)
{
    size_t elements = 0;
    for (size_t i = 0; i < f->complaint.nsections; i++)
        for (size_t j = 0; j < f->complaint.sections[i].nitems; j++)
            elements += f->complaint.sections[i].items[j].nelements;
    json_t *docs = json_array();
    json_array_append_new(docs, json_string("complaint"));
    if (f->answer.nsections)
        json_array_append_new(docs, json_string("answer"));
    json_t *causes = json_pack("{s:o, s:o}", "2025", yz_cause_json(f->cause_2025), "2020",
                               f->cause_2020 ? yz_cause_json(f->cause_2020) : json_null());
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:I}", "id", f->id, "name", f->name, "title",
                     f->title, "causes", causes, "documents", docs, "elements",
                     (json_int_t)elements);
}

json_t *yz_form_json(const struct yz_form *f)
{
    json_t *o = yz_form_summary_json(f);
    json_object_set_new(o, "complaint", document_json(&f->complaint));
    json_object_set_new(o, "answer", document_json(&f->answer));
    return o;
}
