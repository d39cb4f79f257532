/*
 * Reference catalogues (contract in catalog.h).
 *
 * Each revision's causes are one array in catalogue order with parent
 * pointers, a pool of child pointers (each node's children are a slice of
 * it), a by-code index sorted for binary search, and a folded copy of every
 * name for search. A search scans the ~1,000 folded names with memmem and
 * keeps the best `limit` hits in a small sorted array: microseconds, no index
 * and no allocation per request.
 *
 * Loading builds everything in one pass per file and checks each entry as it
 * is read, so every error names the file and the entry; the cross-file checks
 * (the map against both catalogues, checklists against causes) run after both
 * catalogues exist. Every block the catalogue allocates is recorded in one
 * list and freed together, which keeps the many small strings simple to own.
 */
#include "catalog/catalog.h"
#include "core/jsonfile.h"
#include "core/owned.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "core/banned.h"

#define REV_COUNT 2
#define ORDINAL_MAX_CPS 16
#define CATEGORY_MAX_CPS 32
#define CASE_CODE_MAX_CPS 8
#define COMMON_TITLE "通用材料"

static const char *const change_names[] = {
    [YZ_CAUSE_UNCHANGED] = "unchanged",
    [YZ_CAUSE_RENUMBERED] = "renumbered",
    [YZ_CAUSE_LEVEL_CHANGED] = "level_changed",
    [YZ_CAUSE_RENAMED] = "renamed",
    [YZ_CAUSE_SPLIT] = "split",
    [YZ_CAUSE_MERGED] = "merged",
    [YZ_CAUSE_REPLACED] = "replaced",
    [YZ_CAUSE_REMOVED] = "removed",
};
#define CHANGE_COUNT (sizeof change_names / sizeof change_names[0])

struct rev_data {
    struct yz_cause *items; /* catalogue order */
    size_t n;
    const struct yz_cause **by_code; /* sorted by code */
    const struct yz_cause **roots;
    size_t nroots;
    char **folded;    /* folded names, parallel to items */
    size_t *name_cps; /* name lengths in code points, parallel to items */
};

struct yz_catalog {
    struct rev_data rev[REV_COUNT];
    struct yz_cause_link *links; /* map rows, file order */
    size_t nlinks;
    struct yz_case_type *types;
    size_t ntypes;
    /* The types in order of (代字, file position): a filing's check looks its
     * type up by 代字 for every application, and a scan of all of them was a
     * fiftieth of a bulk import's preparing. */
    const struct yz_case_type **by_code;
    struct yz_material_list *lists; /* lists[0] is the common list */
    size_t nlists;
    struct yz_owned owned; /* every block above and below, freed together */
};

/* ---- ownership ---- */

static void *own(struct yz_catalog *cat, void *p)
{
    return yz_own(&cat->owned, p);
}

static void *own_calloc(struct yz_catalog *cat, size_t count, size_t size)
{
    return yz_own_calloc(&cat->owned, count, size);
}

static const char *own_str(struct yz_catalog *cat, const char *s)
{
    return yz_own_str(&cat->owned, s);
}

void yz_catalog_free(struct yz_catalog *cat)
{
    if (!cat)
        return;
    yz_owned_release(&cat->owned);
    free(cat);
}

/* ---- revisions ---- */

static int rev_index(enum yz_cause_rev rev)
{
    switch (rev) {
    case YZ_CAUSE_REV_2020:
        return 0;
    case YZ_CAUSE_REV_2025:
        return 1;
    }
    return -1;
}

enum yz_cause_rev yz_catalog_revision_for(struct yz_date begun)
{
    /* RULE: cause-revision-2026 */
    static const struct yz_date from_2025 = {2026, 1, 1};
    return yz_date_to_days(begun) >= yz_date_to_days(from_2025) ? YZ_CAUSE_REV_2025
                                                                : YZ_CAUSE_REV_2020;
}

const char *yz_catalog_revision_name(enum yz_cause_rev rev)
{
    return rev == YZ_CAUSE_REV_2025 ? "2025" : "2020";
}

bool yz_catalog_revision_parse(const char *s, enum yz_cause_rev *out)
{
    if (!s)
        return false;
    if (strcmp(s, "2020") == 0)
        *out = YZ_CAUSE_REV_2020;
    else if (strcmp(s, "2025") == 0)
        *out = YZ_CAUSE_REV_2025;
    else
        return false;
    return true;
}

const char *yz_cause_change_name(enum yz_cause_change c)
{
    return (size_t)c < CHANGE_COUNT ? change_names[c] : "unknown";
}

/* ---- folding ---- */

/*
 * Folds valid UTF-8 for comparison: U+FF01-U+FF5E to their ASCII forms,
 * U+3000 to a space, A-Z to a-z. The output is never longer than the input;
 * out must hold n + 1 bytes. Returns the output length.
 */
static size_t fold(const char *in, size_t n, char *out)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0, i = 0;
    while (i < n) {
        unsigned c = s[i];
        unsigned a = 0; /* the ASCII replacement, 0 = keep the bytes */
        size_t len = 1;
        if (c >= 'A' && c <= 'Z') {
            a = c;
        } else if ((c & 0xf0) == 0xe0 && n - i >= 3) {
            unsigned cp = ((c & 0x0fu) << 12) | ((s[i + 1] & 0x3fu) << 6) | (s[i + 2] & 0x3fu);
            if (cp >= 0xff01 && cp <= 0xff5e)
                a = cp - 0xfee0;
            else if (cp == 0x3000)
                a = ' ';
            if (a)
                len = 3;
        }
        if (a) {
            out[o++] = (char)(a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a);
            i += len;
        } else {
            out[o++] = (char)c;
            i++;
        }
    }
    out[o] = '\0';
    return o;
}

/* ---- loading: files and checked values ---- */

/* Member key as an integer within [min, max]. */
static enum yz_err get_int(const struct yz_datafile *l, const char *where, const json_t *obj,
                           const char *key, json_int_t min, json_int_t max, json_int_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return yz_datafile_fail(l, "%s：%s 应为整数", where, key);
    if (json_integer_value(v) < min || json_integer_value(v) > max)
        return yz_datafile_fail(l, "%s：%s 应在 %lld 到 %lld 之间", where, key, (long long)min,
                                (long long)max);
    *out = json_integer_value(v);
    return YZ_OK;
}

static enum yz_err get_bool(const struct yz_datafile *l, const char *where, const json_t *obj,
                            const char *key, bool *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_boolean(v))
        return yz_datafile_fail(l, "%s：%s 应为 true 或 false", where, key);
    *out = json_is_true(v);
    return YZ_OK;
}

static bool all_digits(const char *s, size_t n)
{
    return strlen(s) == n && strspn(s, "0123456789") == n;
}

/* ---- loading: causes ---- */

/* Searches items[0..i) backwards: parents sit just before their children. */
static struct yz_cause *find_earlier(struct rev_data *rd, size_t i, const char *code)
{
    while (i-- > 0)
        if (strcmp(rd->items[i].code, code) == 0)
            return &rd->items[i];
    return NULL;
}

static enum yz_err check_effective_from(const struct yz_datafile *l, const char *where,
                                        enum yz_cause_rev rev, const char *s)
{
    static const struct yz_date from_2025 = {2026, 1, 1};
    struct yz_date d;
    if (!yz_date_parse(s, &d))
        return yz_datafile_fail(l, "%s：effective_from \"%s\" 不是有效日期", where, s);
    if (rev == YZ_CAUSE_REV_2025 && yz_date_to_days(d) != yz_date_to_days(from_2025))
        return yz_datafile_fail(
            l, "%s：effective_from \"%s\" 与 2025 年版的施行日期 2026-01-01 不符", where, s);
    if (rev == YZ_CAUSE_REV_2020 && yz_date_to_days(d) >= yz_date_to_days(from_2025))
        return yz_datafile_fail(
            l, "%s：effective_from \"%s\" 不早于 2025 年版的施行日期 2026-01-01", where, s);
    return YZ_OK;
}

struct cause_seq {
    int parts, groups, causes; /* last number given at levels 1, 2, 3 */
    size_t *subs;              /* 四级 numbers given per entry (by order) */
};

static enum yz_err load_cause(const struct yz_datafile *l, struct yz_catalog *cat,
                              struct rev_data *rd, enum yz_cause_rev rev, size_t i, const json_t *v,
                              struct cause_seq *seq)
{
    static const char *const keys[] = {"code",    "name",           "level", "parent",
                                       "ordinal", "effective_from", NULL};
    char where[160], want[48];
    const char *code, *name, *ordinal, *parent_code, *eff;
    json_int_t level;
    enum yz_err e;
    snprintf(where, sizeof where, "[%zu]", i);
    if (!json_is_object(v))
        return yz_datafile_fail(l, "%s：应为对象", where);
    if ((e = yz_datafile_only_keys(l, where, v, keys)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "code", true, YZ_CATALOG_MAX_CODE_BYTES, &code)) !=
            YZ_OK)
        return e;
    if (strlen(code) > YZ_CATALOG_MAX_CODE_BYTES ||
        strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.") !=
            strlen(code))
        return yz_datafile_fail(l, "%s：code 只能由字母、数字和点组成，且不超过 %d 个字符", where,
                                YZ_CATALOG_MAX_CODE_BYTES);
    snprintf(where, sizeof where, "[%zu]（code \"%s\"）", i, code);
    if ((e = get_int(l, where, v, "level", 1, YZ_CAUSE_MAX_LEVEL, &level)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "name", true, YZ_CATALOG_MAX_NAME_CPS, &name)) !=
            YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "ordinal", false, ORDINAL_MAX_CPS, &ordinal)) !=
            YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "effective_from", false, 10, &eff)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "parent", level > 1, YZ_CATALOG_MAX_CODE_BYTES,
                                  &parent_code)) != YZ_OK)
        return e;
    if (eff && (e = check_effective_from(l, where, rev, eff)) != YZ_OK)
        return e;

    struct yz_cause *parent = NULL;
    if (level == 1) {
        if (parent_code)
            return yz_datafile_fail(l, "%s：一级部分不应有上级", where);
    } else {
        parent = find_earlier(rd, i, parent_code);
        if (!parent)
            return yz_datafile_fail(l, "%s：上级 \"%s\" 不存在（上级须出现在本条之前）", where,
                                    parent_code);
        if (parent->level != level - 1)
            return yz_datafile_fail(l, "%s：上级 \"%s\" 是 %d 级，本条是 %d 级（应相差一级）",
                                    where, parent_code, parent->level, (int)level);
    }
    /* The official numbering has no gaps: a missing or repeated number is a transcription slip. */
    switch (level) {
    case 1:
        snprintf(want, sizeof want, "P%02d", ++seq->parts);
        break;
    case 2:
        snprintf(want, sizeof want, "C%02d", ++seq->groups);
        break;
    case 3:
        snprintf(want, sizeof want, "%d", ++seq->causes);
        break;
    default:
        snprintf(want, sizeof want, "%s.%zu", parent->code, ++seq->subs[parent->order]);
        break;
    }
    if (strcmp(code, want) != 0)
        return yz_datafile_fail(
            l, "%s：编号应为 \"%s\"（各级编号须从 1 起连续，四级为“上级编号.序号”）", where, want);

    struct yz_cause *c = &rd->items[i];
    c->revision = rev;
    c->level = (int)level;
    yz_strlcpy(c->code, code, sizeof c->code);
    c->name = own_str(cat, name);
    c->ordinal = ordinal ? own_str(cat, ordinal) : NULL;
    c->parent = parent;
    c->order = i;
    size_t n = strlen(name);
    rd->folded[i] = own(cat, yz_malloc(n + 1));
    fold(name, n, rd->folded[i]);
    rd->name_cps[i] = yz_utf8_count(name, n);
    return YZ_OK;
}

static int by_code_cmp(const void *a, const void *b)
{
    const struct yz_cause *x = *(const struct yz_cause *const *)a;
    const struct yz_cause *y = *(const struct yz_cause *const *)b;
    return strcmp(x->code, y->code);
}

/* Children slices, roots and the by-code index, once every entry is in. */
static enum yz_err link_tree(const struct yz_datafile *l, struct yz_catalog *cat,
                             struct rev_data *rd)
{
    size_t n = rd->n;
    size_t *count = yz_calloc(n, sizeof *count), *fill = yz_calloc(n, sizeof *fill);
    enum yz_err e = YZ_OK;
    for (size_t i = 0; i < n; i++) {
        if (rd->items[i].parent)
            count[rd->items[i].parent->order]++;
        else
            rd->nroots++;
    }
    const struct yz_cause **pool = own_calloc(cat, n, sizeof *pool);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        rd->items[i].children = pool + off;
        rd->items[i].nchildren = count[i];
        off += count[i];
    }
    rd->roots = own_calloc(cat, rd->nroots, sizeof *rd->roots);
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        const struct yz_cause *p = rd->items[i].parent;
        if (!p) {
            rd->roots[r++] = &rd->items[i];
            continue;
        }
        /* children points into pool, which we own: writing through it is ours to do. */
        ((const struct yz_cause **)p->children)[fill[p->order]++] = &rd->items[i];
    }
    rd->by_code = own_calloc(cat, n, sizeof *rd->by_code);
    for (size_t i = 0; i < n; i++)
        rd->by_code[i] = &rd->items[i];
    qsort(rd->by_code, n, sizeof *rd->by_code, by_code_cmp);
    for (size_t i = 1; i < n; i++)
        if (strcmp(rd->by_code[i - 1]->code, rd->by_code[i]->code) == 0) {
            e = yz_datafile_fail(l, "[%zu]：code \"%s\" 与第 %zu 项重复", rd->by_code[i]->order,
                                 rd->by_code[i]->code, rd->by_code[i - 1]->order);
            break;
        }
    free(count);
    free(fill);
    return e;
}

static enum yz_err load_causes(struct yz_catalog *cat, enum yz_cause_rev rev, const char *path,
                               struct yz_buf *err)
{
    struct yz_datafile l = {path, err};
    struct rev_data *rd = &cat->rev[rev_index(rev)];
    struct cause_seq seq = {0};
    json_t *root = NULL;
    enum yz_err e = yz_datafile_read(&l, YZ_CATALOG_MAX_FILE_BYTES, &root);
    if (e != YZ_OK)
        goto out;
    if (!json_is_array(root)) {
        e = yz_datafile_fail(&l, "顶层应为数组");
        goto out;
    }
    size_t n = json_array_size(root);
    if (n == 0 || n > YZ_CATALOG_MAX_CAUSES) {
        e = yz_datafile_fail(&l, "案由条数应在 1 到 %d 之间（现有 %zu 条）", YZ_CATALOG_MAX_CAUSES,
                             n);
        goto out;
    }
    rd->items = own_calloc(cat, n, sizeof *rd->items);
    rd->folded = own_calloc(cat, n, sizeof *rd->folded);
    rd->name_cps = own_calloc(cat, n, sizeof *rd->name_cps);
    seq.subs = yz_calloc(n, sizeof *seq.subs);
    for (size_t i = 0; i < n; i++) {
        if ((e = load_cause(&l, cat, rd, rev, i, json_array_get(root, i), &seq)) != YZ_OK)
            goto out;
        rd->n = i + 1;
    }
    e = link_tree(&l, cat, rd);
out:
    free(seq.subs);
    json_decref(root);
    return e;
}

static struct yz_cause *find_cause(const struct rev_data *rd, const char *code)
{
    size_t lo = 0, hi = rd->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rd->by_code[mid]->code, code);
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return &rd->items[rd->by_code[mid]->order];
    }
    return NULL;
}

/* ---- loading: the 2020 -> 2025 map ---- */

static enum yz_err parse_change(const char *s, enum yz_cause_change *out)
{
    for (size_t i = 0; i < CHANGE_COUNT; i++)
        if (strcmp(change_names[i], s) == 0) {
            *out = (enum yz_cause_change)i;
            return YZ_OK;
        }
    return YZ_ERR_CONFIG;
}

/* Whether the targets fit the declared change. */
static const char *change_problem(enum yz_cause_change ch, const struct yz_cause *from,
                                  const struct yz_cause *const *to, size_t nto)
{
    bool one = nto == 1;
    bool same_name = one && strcmp(to[0]->name, from->name) == 0;
    switch (ch) {
    case YZ_CAUSE_UNCHANGED:
        return one && same_name && strcmp(to[0]->code, from->code) == 0 &&
                       to[0]->level == from->level
                   ? NULL
                   : "unchanged 应恰有一个编号、名称和级别都相同的对应案由";
    case YZ_CAUSE_RENUMBERED:
        return one && same_name && to[0]->level == from->level
                   ? NULL
                   : "renumbered 应恰有一个同名同级的对应案由";
    case YZ_CAUSE_LEVEL_CHANGED:
        return one && same_name && to[0]->level != from->level
                   ? NULL
                   : "level_changed 应恰有一个同名但级别不同的对应案由";
    case YZ_CAUSE_RENAMED:
        return one && !same_name ? NULL : "renamed 应恰有一个名称不同的对应案由";
    case YZ_CAUSE_SPLIT:
        return nto >= 2 ? NULL : "split 应有两个以上对应案由";
    case YZ_CAUSE_MERGED:
    case YZ_CAUSE_REPLACED:
        return nto >= 1 ? NULL : "merged/replaced 应至少有一个对应案由";
    case YZ_CAUSE_REMOVED:
        return nto == 0 ? NULL : "removed 不应有对应案由";
    }
    return "change 未知";
}

static enum yz_err load_link(const struct yz_datafile *l, struct yz_catalog *cat, size_t i,
                             const json_t *v)
{
    static const char *const keys[] = {"old_code", "old_name",   "old_level", "new",
                                       "change",   "confidence", "note",      NULL};
    static const char *const target_keys[] = {"code", "name", "level", NULL};
    struct rev_data *r20 = &cat->rev[0], *r25 = &cat->rev[1];
    char where[160], twhere[200];
    const char *old_code, *old_name, *change, *confidence, *note;
    json_int_t old_level;
    enum yz_err e;
    snprintf(where, sizeof where, "map[%zu]", i);
    if (!json_is_object(v))
        return yz_datafile_fail(l, "%s：应为对象", where);
    if ((e = yz_datafile_only_keys(l, where, v, keys)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "old_code", true, YZ_CATALOG_MAX_CODE_BYTES,
                                  &old_code)) != YZ_OK)
        return e;
    snprintf(where, sizeof where, "map[%zu]（old_code \"%s\"）", i, old_code);
    struct yz_cause *from = find_cause(r20, old_code);
    if (!from)
        return yz_datafile_fail(l, "%s：2020 年版中没有该案由", where);
    if (from->level < 2)
        return yz_datafile_fail(l, "%s：一级部分不列入对应表", where);
    if ((e = yz_datafile_get_text(l, where, v, "old_name", true, YZ_CATALOG_MAX_NAME_CPS,
                                  &old_name)) != YZ_OK ||
        (e = get_int(l, where, v, "old_level", 1, YZ_CAUSE_MAX_LEVEL, &old_level)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "change", true, 20, &change)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "confidence", true, 10, &confidence)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "note", false, YZ_CATALOG_MAX_NOTE_CPS, &note)) !=
            YZ_OK)
        return e;
    if (strcmp(old_name, from->name) != 0)
        return yz_datafile_fail(l, "%s：old_name \"%s\" 与 2020 年版的名称 \"%s\" 不符", where,
                                old_name, from->name);
    if (old_level != from->level)
        return yz_datafile_fail(l, "%s：old_level %lld 与 2020 年版的级别 %d 不符", where,
                                (long long)old_level, from->level);
    if (from->link)
        return yz_datafile_fail(l, "%s：与 map[%zu] 重复", where,
                                (size_t)(from->link - cat->links));
    struct yz_cause_link *link = &cat->links[i];
    if (parse_change(change, &link->change) != YZ_OK)
        return yz_datafile_fail(l, "%s：change \"%s\" 不是已知的取值", where, change);
    if (strcmp(confidence, "high") != 0 && strcmp(confidence, "medium") != 0 &&
        strcmp(confidence, "low") != 0)
        return yz_datafile_fail(l, "%s：confidence 应为 high、medium 或 low", where);

    const json_t *targets = json_object_get(v, "new");
    if (!json_is_array(targets))
        return yz_datafile_fail(l, "%s：new 应为数组", where);
    size_t nto = json_array_size(targets);
    if (nto > YZ_CATALOG_MAX_LINK_TARGETS)
        return yz_datafile_fail(l, "%s：new 超过 %d 项", where, YZ_CATALOG_MAX_LINK_TARGETS);
    const struct yz_cause **to = own_calloc(cat, nto, sizeof *to);
    for (size_t k = 0; k < nto; k++) {
        const json_t *t = json_array_get(targets, k);
        const char *code, *name;
        json_int_t level;
        snprintf(twhere, sizeof twhere, "%s.new[%zu]", where, k);
        if (!json_is_object(t))
            return yz_datafile_fail(l, "%s：应为对象", twhere);
        if ((e = yz_datafile_only_keys(l, twhere, t, target_keys)) != YZ_OK ||
            (e = yz_datafile_get_text(l, twhere, t, "code", true, YZ_CATALOG_MAX_CODE_BYTES,
                                      &code)) != YZ_OK ||
            (e = yz_datafile_get_text(l, twhere, t, "name", true, YZ_CATALOG_MAX_NAME_CPS,
                                      &name)) != YZ_OK ||
            (e = get_int(l, twhere, t, "level", 1, YZ_CAUSE_MAX_LEVEL, &level)) != YZ_OK)
            return e;
        const struct yz_cause *c = find_cause(r25, code);
        if (!c)
            return yz_datafile_fail(l, "%s：2025 年版中没有 code \"%s\"", twhere, code);
        if (strcmp(c->name, name) != 0 || c->level != level)
            return yz_datafile_fail(l, "%s：\"%s\" %s（%lld 级）与 2025 年版的 %s（%d 级）不符",
                                    twhere, code, name, (long long)level, c->name, c->level);
        for (size_t j = 0; j < k; j++)
            if (to[j] == c)
                return yz_datafile_fail(l, "%s：\"%s\" 重复列出", twhere, code);
        to[k] = c;
    }
    const char *problem = change_problem(link->change, from, to, nto);
    if (problem)
        return yz_datafile_fail(l, "%s：%s", where, problem);
    link->from = from;
    link->to = to;
    link->nto = nto;
    link->confidence = own_str(cat, confidence);
    link->note = note ? own_str(cat, note) : NULL;
    from->link = link;
    return YZ_OK;
}

static enum yz_err load_added(const struct yz_datafile *l, struct yz_catalog *cat, size_t i,
                              const json_t *v)
{
    static const char *const keys[] = {"code", "name", "level", "parent", NULL};
    char where[160];
    const char *code, *name, *parent;
    json_int_t level;
    enum yz_err e;
    snprintf(where, sizeof where, "added_in_2025[%zu]", i);
    if (!json_is_object(v))
        return yz_datafile_fail(l, "%s：应为对象", where);
    if ((e = yz_datafile_only_keys(l, where, v, keys)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "code", true, YZ_CATALOG_MAX_CODE_BYTES, &code)) !=
            YZ_OK)
        return e;
    snprintf(where, sizeof where, "added_in_2025[%zu]（code \"%s\"）", i, code);
    if ((e = yz_datafile_get_text(l, where, v, "name", true, YZ_CATALOG_MAX_NAME_CPS, &name)) !=
            YZ_OK ||
        (e = get_int(l, where, v, "level", 1, YZ_CAUSE_MAX_LEVEL, &level)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "parent", true, YZ_CATALOG_MAX_CODE_BYTES,
                                  &parent)) != YZ_OK)
        return e;
    struct yz_cause *c = find_cause(&cat->rev[1], code);
    if (!c)
        return yz_datafile_fail(l, "%s：2025 年版中没有该案由", where);
    if (strcmp(c->name, name) != 0 || c->level != level || !c->parent ||
        strcmp(c->parent->code, parent) != 0)
        return yz_datafile_fail(
            l, "%s：名称、级别或上级与 2025 年版不符（应为 %s，%d 级，上级 \"%s\"）", where,
            c->name, c->level, c->parent ? c->parent->code : "");
    if (c->added_2025)
        return yz_datafile_fail(l, "%s：重复列出", where);
    c->added_2025 = true;
    return YZ_OK;
}

/* Each 2025 cause's origins: the rows whose targets include it. */
static void link_origins(struct yz_catalog *cat)
{
    struct rev_data *r25 = &cat->rev[1];
    size_t total = 0;
    for (size_t i = 0; i < cat->nlinks; i++)
        for (size_t k = 0; k < cat->links[i].nto; k++) {
            r25->items[cat->links[i].to[k]->order].norigins++;
            total++;
        }
    const struct yz_cause_link **pool = own_calloc(cat, total, sizeof *pool);
    size_t off = 0;
    for (size_t i = 0; i < r25->n; i++) {
        r25->items[i].origins = pool + off;
        off += r25->items[i].norigins;
        r25->items[i].norigins = 0; /* refilled below */
    }
    for (size_t i = 0; i < cat->nlinks; i++)
        for (size_t k = 0; k < cat->links[i].nto; k++) {
            struct yz_cause *c = &r25->items[cat->links[i].to[k]->order];
            ((const struct yz_cause_link **)c->origins)[c->norigins++] = &cat->links[i];
        }
}

static enum yz_err load_map(struct yz_catalog *cat, const char *path, struct yz_buf *err)
{
    struct yz_datafile l = {path, err};
    json_t *root = NULL;
    enum yz_err e = yz_datafile_read(&l, YZ_CATALOG_MAX_FILE_BYTES, &root);
    if (e != YZ_OK)
        goto out;
    if (!json_is_object(root)) {
        e = yz_datafile_fail(&l, "顶层应为对象");
        goto out;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (key[0] != '_' && strcmp(key, "map") != 0 && strcmp(key, "added_in_2025") != 0) {
            char k[64];
            yz_utf8_snip(key, k, sizeof k);
            e = yz_datafile_fail(
                &l, "不支持的顶层成员 \"%s\"（只允许 map、added_in_2025 和以 _ 开头的说明）", k);
            goto out;
        }
    }
    const json_t *rows = json_object_get(root, "map"),
                 *added = json_object_get(root, "added_in_2025");
    if (!json_is_array(rows) || !json_is_array(added)) {
        e = yz_datafile_fail(&l, "map 和 added_in_2025 应为数组");
        goto out;
    }
    if (json_array_size(rows) > YZ_CATALOG_MAX_CAUSES ||
        json_array_size(added) > YZ_CATALOG_MAX_CAUSES) {
        e = yz_datafile_fail(&l, "map 或 added_in_2025 超过 %d 项", YZ_CATALOG_MAX_CAUSES);
        goto out;
    }
    cat->links = own_calloc(cat, json_array_size(rows), sizeof *cat->links);
    for (size_t i = 0; i < json_array_size(rows); i++) {
        if ((e = load_link(&l, cat, i, json_array_get(rows, i))) != YZ_OK)
            goto out;
        cat->nlinks = i + 1;
    }
    link_origins(cat);
    for (size_t i = 0; i < json_array_size(added); i++)
        if ((e = load_added(&l, cat, i, json_array_get(added, i))) != YZ_OK)
            goto out;
    /* Coverage: every cause below the parts is accounted for on both sides. */
    for (size_t i = 0; i < cat->rev[0].n; i++) {
        const struct yz_cause *c = &cat->rev[0].items[i];
        if (c->level >= 2 && !c->link) {
            e = yz_datafile_fail(&l, "2020 年版案由 \"%s\" %s 在 map 中没有对应行", c->code,
                                 c->name);
            goto out;
        }
    }
    for (size_t i = 0; i < cat->rev[1].n; i++) {
        const struct yz_cause *c = &cat->rev[1].items[i];
        if (c->level >= 2 && !c->norigins && !c->added_2025) {
            e = yz_datafile_fail(
                &l,
                "2025 年版案由 \"%s\" %s 既不是 map 中任何一行的对应案由，也未列入 "
                "added_in_2025",
                c->code, c->name);
            goto out;
        }
        if (c->norigins && c->added_2025) {
            e = yz_datafile_fail(&l,
                                 "2025 年版案由 \"%s\" %s 已是 map 中的对应案由，不能同时列入 "
                                 "added_in_2025",
                                 c->code, c->name);
            goto out;
        }
    }
out:
    json_decref(root);
    return e;
}

/* ---- loading: case types ---- */

static enum yz_err load_case_type(const struct yz_datafile *l, struct yz_catalog *cat, size_t i,
                                  const json_t *v)
{
    static const char *const keys[] = {"code",           "name",     "category", "type_id",
                                       "parent_type_id", "is_group", "status",   "evidence",
                                       "note",           NULL};
    char where[200], nm[120];
    const char *name, *category, *code, *type_id, *parent, *status, *evidence, *note;
    enum yz_err e;
    snprintf(where, sizeof where, "types[%zu]", i);
    if (!json_is_object(v))
        return yz_datafile_fail(l, "%s：应为对象", where);
    if ((e = yz_datafile_only_keys(l, where, v, keys)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "name", true, YZ_CATALOG_MAX_NAME_CPS, &name)) !=
            YZ_OK)
        return e;
    yz_utf8_snip(name, nm, sizeof nm);
    snprintf(where, sizeof where, "types[%zu]（%s）", i, nm);
    struct yz_case_type *t = &cat->types[i];
    if ((e = yz_datafile_get_text(l, where, v, "category", true, CATEGORY_MAX_CPS, &category)) !=
            YZ_OK ||
        (e = get_bool(l, where, v, "is_group", &t->is_group)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "code", false, CASE_CODE_MAX_CPS, &code)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "type_id", false, 4, &type_id)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "parent_type_id", false, 4, &parent)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "status", false, 40, &status)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "evidence", false, YZ_CATALOG_MAX_NOTE_CPS,
                                  &evidence)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "note", false, YZ_CATALOG_MAX_NOTE_CPS, &note)) !=
            YZ_OK)
        return e;
    if (status && strcmp(status, "observed_in_practice") != 0)
        return yz_datafile_fail(l, "%s：status 只能是 observed_in_practice", where);
    t->observed = status != NULL;
    if (type_id && !all_digits(type_id, 4))
        return yz_datafile_fail(l, "%s：type_id 应为 4 位数字", where);
    if (!type_id && !t->observed)
        return yz_datafile_fail(l, "%s：缺少 type_id（只有 observed_in_practice 的条目可以没有）",
                                where);
    if (parent && !all_digits(parent, 4))
        return yz_datafile_fail(l, "%s：parent_type_id 应为 4 位数字", where);
    if (t->is_group && code)
        return yz_datafile_fail(l, "%s：分组条目不应有代字", where);
    if (!t->is_group && !code)
        return yz_datafile_fail(l, "%s：缺少代字 code", where);
    if (code && strchr(code, ' '))
        return yz_datafile_fail(l, "%s：代字不应包含空格", where);
    for (size_t k = 0; type_id && k < i; k++)
        if (strcmp(cat->types[k].type_id, type_id) == 0)
            return yz_datafile_fail(l, "%s：type_id \"%s\" 与 types[%zu] 重复", where, type_id, k);
    yz_strlcpy(t->type_id, type_id ? type_id : "", sizeof t->type_id);
    yz_strlcpy(t->parent_type_id, parent ? parent : "", sizeof t->parent_type_id);
    if (code && !yz_strlcpy(t->code, code, sizeof t->code))
        return yz_datafile_fail(l, "%s：代字过长", where);
    t->name = own_str(cat, name);
    t->category = own_str(cat, category);
    t->note = note ? own_str(cat, note) : NULL;
    t->evidence = evidence ? own_str(cat, evidence) : NULL;
    return YZ_OK;
}

/* By 代字, then by place in the file (the types are one array, so by address). */
static int by_code_order(const void *a, const void *b)
{
    const struct yz_case_type *x = *(const struct yz_case_type *const *)a;
    const struct yz_case_type *y = *(const struct yz_case_type *const *)b;
    int c = strcmp(x->code, y->code);
    return c ? c : (x > y) - (x < y);
}

static enum yz_err load_case_types(struct yz_catalog *cat, const char *path, struct yz_buf *err)
{
    struct yz_datafile l = {path, err};
    json_t *root = NULL;
    enum yz_err e = yz_datafile_read(&l, YZ_CATALOG_MAX_FILE_BYTES, &root);
    if (e != YZ_OK)
        goto out;
    const json_t *types = json_object_get(root, "types");
    if (!json_is_object(root) || !json_is_array(types)) {
        e = yz_datafile_fail(&l, "顶层应为含 types 数组的对象");
        goto out;
    }
    size_t n = json_array_size(types);
    if (n == 0 || n > YZ_CATALOG_MAX_CASE_TYPES) {
        e = yz_datafile_fail(&l, "types 条数应在 1 到 %d 之间（现有 %zu 条）",
                             YZ_CATALOG_MAX_CASE_TYPES, n);
        goto out;
    }
    cat->types = own_calloc(cat, n, sizeof *cat->types);
    for (size_t i = 0; i < n; i++) {
        if ((e = load_case_type(&l, cat, i, json_array_get(types, i))) != YZ_OK)
            goto out;
        cat->ntypes = i + 1;
    }
    size_t standard = 0, with_code = 0;
    for (size_t i = 0; i < n; i++) {
        const struct yz_case_type *t = &cat->types[i];
        if (!t->observed) {
            standard++;
            with_code += t->code[0] != '\0';
        }
        if (!t->parent_type_id[0])
            continue;
        const struct yz_case_type *p = yz_catalog_case_type(cat, t->parent_type_id);
        if (!p || !p->is_group || p == t) {
            e = yz_datafile_fail(&l, "types[%zu]（%s）：parent_type_id \"%s\" 不是分组条目", i,
                                 t->name, t->parent_type_id);
            goto out;
        }
    }
    json_int_t v;
    if (json_object_get(root, "count") &&
        ((e = get_int(&l, "顶层", root, "count", 0, YZ_CATALOG_MAX_CASE_TYPES, &v)) != YZ_OK ||
         (size_t)v != standard)) {
        if (e == YZ_OK)
            e = yz_datafile_fail(&l, "count 为 %lld，标准条目实有 %zu 条", (long long)v, standard);
        goto out;
    }
    if (json_object_get(root, "with_code") &&
        ((e = get_int(&l, "顶层", root, "with_code", 0, YZ_CATALOG_MAX_CASE_TYPES, &v)) != YZ_OK ||
         (size_t)v != with_code)) {
        if (e == YZ_OK)
            e = yz_datafile_fail(&l, "with_code 为 %lld，有代字的标准条目实有 %zu 条", (long long)v,
                                 with_code);
        goto out;
    }
    cat->by_code = own_calloc(cat, n, sizeof *cat->by_code);
    for (size_t i = 0; i < n; i++)
        cat->by_code[i] = &cat->types[i];
    qsort(cat->by_code, n, sizeof *cat->by_code, by_code_order);
out:
    json_decref(root);
    return e;
}

/* ---- loading: filing materials ---- */

static enum yz_err load_item(const struct yz_datafile *l, const char *where, const json_t *v,
                             const char **name, bool *required, const char **note)
{
    static const char *const keys[] = {"item", "required", "note", NULL};
    enum yz_err e;
    if (!json_is_object(v))
        return yz_datafile_fail(l, "%s：应为对象", where);
    if ((e = yz_datafile_only_keys(l, where, v, keys)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "item", true, YZ_CATALOG_MAX_ITEM_CPS, name)) !=
            YZ_OK ||
        (e = get_bool(l, where, v, "required", required)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "note", false, YZ_CATALOG_MAX_NOTE_CPS, note)) !=
            YZ_OK)
        return e;
    return YZ_OK;
}

static bool same_note(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static enum yz_err load_common(const struct yz_datafile *l, struct yz_catalog *cat,
                               const json_t *arr)
{
    char where[64];
    enum yz_err e;
    if (!json_is_array(arr) || json_array_size(arr) == 0 ||
        json_array_size(arr) > YZ_CATALOG_MAX_LIST_ITEMS)
        return yz_datafile_fail(l, "_common 应为 1 到 %d 项的数组", YZ_CATALOG_MAX_LIST_ITEMS);
    size_t n = json_array_size(arr);
    struct yz_material_list *list = &cat->lists[0];
    struct yz_material_item *items = own_calloc(cat, n, sizeof *items);
    const struct yz_material_item **ptrs = own_calloc(cat, n, sizeof *ptrs);
    for (size_t j = 0; j < n; j++) {
        const char *name, *note;
        snprintf(where, sizeof where, "_common[%zu]", j);
        if ((e = load_item(l, where, json_array_get(arr, j), &name, &items[j].required, &note)) !=
            YZ_OK)
            return e;
        for (size_t k = 0; k < j; k++)
            if (strcmp(items[k].name, name) == 0)
                return yz_datafile_fail(l, "%s：与 _common[%zu] 重复", where, k);
        snprintf(items[j].code, sizeof items[j].code, "G%zu", j + 1);
        items[j].name = own_str(cat, name);
        items[j].note = note ? own_str(cat, note) : NULL;
        ptrs[j] = &items[j];
    }
    list->title = COMMON_TITLE;
    list->items = ptrs;
    list->nitems = n;
    return YZ_OK;
}

static enum yz_err load_list(const struct yz_datafile *l, struct yz_catalog *cat,
                             struct yz_material_list *list, const char *title, const json_t *v)
{
    static const char *const keys[] = {"cause_code_2020", "items", "note", NULL};
    const struct yz_material_list *common = &cat->lists[0];
    char t[120], where[160], iwhere[200];
    const char *code, *note;
    bool seen[YZ_CATALOG_MAX_LIST_ITEMS] = {false};
    enum yz_err e;
    yz_utf8_snip(title, t, sizeof t);
    snprintf(where, sizeof where, "\"%s\"", t);
    if ((e = yz_datafile_text(l, where, "名称", title, strlen(title), YZ_CATALOG_MAX_NAME_CPS)) !=
        YZ_OK)
        return e;
    if (!json_is_object(v))
        return yz_datafile_fail(l, "%s：应为对象", where);
    if ((e = yz_datafile_only_keys(l, where, v, keys)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "cause_code_2020", true, YZ_CATALOG_MAX_CODE_BYTES,
                                  &code)) != YZ_OK ||
        (e = yz_datafile_get_text(l, where, v, "note", false, YZ_CATALOG_MAX_NOTE_CPS, &note)) !=
            YZ_OK)
        return e;
    struct yz_cause *cause = find_cause(&cat->rev[0], code);
    if (!cause)
        return yz_datafile_fail(l, "%s：cause_code_2020 \"%s\" 不是 2020 年版的案由", where, code);
    if (cause->materials)
        return yz_datafile_fail(l, "%s：与 \"%s\" 的清单指向同一案由 \"%s\"", where,
                                cause->materials->title, code);
    const json_t *arr = json_object_get(v, "items");
    if (!json_is_array(arr) || json_array_size(arr) == 0 ||
        json_array_size(arr) > YZ_CATALOG_MAX_LIST_ITEMS)
        return yz_datafile_fail(l, "%s：items 应为 1 到 %d 项的数组", where,
                                YZ_CATALOG_MAX_LIST_ITEMS);
    size_t n = json_array_size(arr), own_items = 0;
    struct yz_material_item *items = own_calloc(cat, n, sizeof *items);
    const struct yz_material_item **ptrs = own_calloc(cat, n, sizeof *ptrs);
    for (size_t j = 0; j < n; j++) {
        const char *name, *inote;
        bool required;
        snprintf(iwhere, sizeof iwhere, "%s.items[%zu]", where, j);
        if ((e = load_item(l, iwhere, json_array_get(arr, j), &name, &required, &inote)) != YZ_OK)
            return e;
        for (size_t k = 0; k < j; k++)
            if (strcmp(ptrs[k]->name, name) == 0)
                return yz_datafile_fail(l, "%s：与 items[%zu] 重复", iwhere, k);
        size_t c = 0;
        while (c < common->nitems && strcmp(common->items[c]->name, name) != 0)
            c++;
        if (c < common->nitems) {
            if (common->items[c]->required != required || !same_note(common->items[c]->note, inote))
                return yz_datafile_fail(l, "%s：与 _common[%zu] 同名但 required 或 note 不同",
                                        iwhere, c);
            seen[c] = true;
            ptrs[j] = common->items[c];
            continue;
        }
        struct yz_material_item *it = &items[own_items++];
        snprintf(it->code, sizeof it->code, "%s-%zu", cause->code, own_items);
        it->name = own_str(cat, name);
        it->note = inote ? own_str(cat, inote) : NULL;
        it->required = required;
        ptrs[j] = it;
    }
    for (size_t c = 0; c < common->nitems; c++)
        if (!seen[c])
            return yz_datafile_fail(l, "%s：缺少通用材料 _common[%zu]（%s）", where, c,
                                    common->items[c]->name);
    list->title = own_str(cat, title);
    list->cause = cause;
    list->note = note ? own_str(cat, note) : NULL;
    list->items = ptrs;
    list->nitems = n;
    cause->materials = list;
    return YZ_OK;
}

static enum yz_err load_materials(struct yz_catalog *cat, const char *path, struct yz_buf *err)
{
    struct yz_datafile l = {path, err};
    json_t *root = NULL;
    enum yz_err e = yz_datafile_read(&l, YZ_CATALOG_MAX_FILE_BYTES, &root);
    if (e != YZ_OK)
        goto out;
    if (!json_is_object(root)) {
        e = yz_datafile_fail(&l, "顶层应为对象");
        goto out;
    }
    const char *key;
    json_t *val;
    size_t nlists = 1;
    json_object_foreach(root, key, val) nlists += key[0] != '_';
    if (nlists > YZ_CATALOG_MAX_MATERIAL_LISTS + 1) {
        e = yz_datafile_fail(&l, "清单超过 %d 份", YZ_CATALOG_MAX_MATERIAL_LISTS);
        goto out;
    }
    cat->lists = own_calloc(cat, nlists, sizeof *cat->lists);
    if ((e = load_common(&l, cat, json_object_get(root, "_common"))) != YZ_OK)
        goto out;
    cat->nlists = 1;
    json_object_foreach(root, key, val)
    {
        if (key[0] == '_')
            continue;
        if ((e = load_list(&l, cat, &cat->lists[cat->nlists], key, val)) != YZ_OK)
            goto out;
        cat->nlists++;
    }
    /* Carry each list to the 2025 causes its 2020 cause maps to. */
    for (size_t i = 1; i < cat->nlists; i++) {
        const struct yz_cause_link *link = cat->lists[i].cause->link;
        for (size_t k = 0; link && k < link->nto; k++) {
            struct yz_cause *t = &cat->rev[1].items[link->to[k]->order];
            if (t->materials && t->materials != &cat->lists[i]) {
                e = yz_datafile_fail(&l, "\"%s\"：对应的 2025 年版案由 \"%s\" %s 已有清单 \"%s\"",
                                     cat->lists[i].title, t->code, t->name, t->materials->title);
                goto out;
            }
            t->materials = &cat->lists[i];
        }
    }
out:
    json_decref(root);
    return e;
}

/* ---- loading: all of it ---- */

enum yz_err yz_catalog_load(const struct yz_catalog_paths *paths, struct yz_catalog **out,
                            struct yz_buf *err)
{
    struct yz_catalog *cat = yz_calloc(1, sizeof *cat);
    enum yz_err e;
    *out = NULL;
    if ((e = load_causes(cat, YZ_CAUSE_REV_2020, paths->causes_2020, err)) != YZ_OK ||
        (e = load_causes(cat, YZ_CAUSE_REV_2025, paths->causes_2025, err)) != YZ_OK ||
        (e = load_map(cat, paths->causes_map, err)) != YZ_OK ||
        (e = load_case_types(cat, paths->case_types, err)) != YZ_OK ||
        (e = load_materials(cat, paths->materials, err)) != YZ_OK) {
        yz_catalog_free(cat);
        return e;
    }
    *out = cat;
    return YZ_OK;
}

enum yz_err yz_catalog_load_dir(const char *dir, struct yz_catalog **out, struct yz_buf *err)
{
    static const char *const names[] = {"causes_civil_2020.json", "causes_civil_2025.json",
                                        "causes_civil_2025_map.json", "case_types.json",
                                        "materials.json"};
    char p[5][4096];
    *out = NULL;
    for (size_t i = 0; i < 5; i++) {
        int n = snprintf(p[i], sizeof p[i], "%s/%s", dir, names[i]);
        if (n < 0 || (size_t)n >= sizeof p[i]) {
            yz_buf_adds(err, "数据目录路径过长");
            return YZ_ERR_CONFIG;
        }
    }
    struct yz_catalog_paths paths = {p[0], p[1], p[2], p[3], p[4]};
    return yz_catalog_load(&paths, out, err);
}

/* ---- causes ---- */

const struct yz_cause *yz_catalog_cause(const struct yz_catalog *cat, const char *code,
                                        enum yz_cause_rev rev)
{
    int ri = rev_index(rev);
    if (!cat || !code || ri < 0)
        return NULL;
    return find_cause(&cat->rev[ri], code);
}

size_t yz_catalog_cause_count(const struct yz_catalog *cat, enum yz_cause_rev rev)
{
    int ri = rev_index(rev);
    return ri < 0 ? 0 : cat->rev[ri].n;
}

const struct yz_cause *yz_catalog_cause_at(const struct yz_catalog *cat, enum yz_cause_rev rev,
                                           size_t i)
{
    int ri = rev_index(rev);
    return ri < 0 || i >= cat->rev[ri].n ? NULL : &cat->rev[ri].items[i];
}

const struct yz_cause *const *yz_catalog_roots(const struct yz_catalog *cat, enum yz_cause_rev rev,
                                               size_t *n)
{
    int ri = rev_index(rev);
    if (ri < 0) {
        *n = 0;
        return NULL;
    }
    *n = cat->rev[ri].nroots;
    return cat->rev[ri].roots;
}

size_t yz_catalog_path(const struct yz_cause *c, const struct yz_cause *out[YZ_CAUSE_MAX_LEVEL])
{
    size_t depth = (size_t)c->level;
    for (size_t i = depth; i > 0 && c; i--, c = c->parent)
        out[i - 1] = c;
    return depth;
}

bool yz_catalog_within(const struct yz_cause *c, const struct yz_cause *ancestor)
{
    for (; c; c = c->parent)
        if (c == ancestor)
            return true;
    return false;
}

size_t yz_catalog_counterparts(const struct yz_cause *c, const struct yz_cause **out, size_t max)
{
    if (c->revision == YZ_CAUSE_REV_2020) {
        size_t n = c->link ? c->link->nto : 0;
        for (size_t i = 0; i < n && i < max; i++)
            out[i] = c->link->to[i];
        return n;
    }
    for (size_t i = 0; i < c->norigins && i < max; i++)
        out[i] = c->origins[i]->from;
    return c->norigins;
}

struct hit {
    int tier;   /* 0 exact, 1 prefix, 2 elsewhere */
    size_t cps; /* name length */
    size_t order;
    const struct yz_cause *c;
};

static bool hit_before(const struct hit *a, const struct hit *b)
{
    if (a->tier != b->tier)
        return a->tier < b->tier;
    if (a->cps != b->cps)
        return a->cps < b->cps;
    return a->order < b->order;
}

static enum yz_err search_invalid(struct yz_buf *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static enum yz_err search_invalid(struct yz_buf *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        yz_buf_vaddf(err, fmt, ap);
        va_end(ap);
    }
    return YZ_ERR_VALIDATION;
}

enum yz_err yz_catalog_search(const struct yz_catalog *cat, enum yz_cause_rev rev,
                              const char *query, const struct yz_cause *within, size_t limit,
                              const struct yz_cause **out, size_t *nout, size_t *total,
                              struct yz_buf *err)
{
    int ri = rev_index(rev);
    if (ri < 0)
        return search_invalid(err, "案由版本不正确");
    if (limit < 1 || limit > YZ_CATALOG_SEARCH_MAX)
        return search_invalid(err, "返回条数应在 1 到 %d 之间", YZ_CATALOG_SEARCH_MAX);
    if (within && within->revision != rev)
        return search_invalid(err, "上级案由与案由版本不符");
    if (!query)
        return search_invalid(err, "请输入搜索关键词");
    size_t n = strlen(query);
    if (!yz_utf8_valid(query, n))
        return search_invalid(err, "搜索关键词包含无效的 UTF-8 字符");
    if (yz_utf8_has_control(query, n, false))
        return search_invalid(err, "搜索关键词包含控制字符");
    if (yz_utf8_count(query, n) > YZ_CATALOG_QUERY_MAX_CPS)
        return search_invalid(err, "搜索关键词不能超过 %d 个字符", YZ_CATALOG_QUERY_MAX_CPS);
    char buf[YZ_CATALOG_QUERY_MAX_CPS * 4 + 1]; /* valid UTF-8: at most 4 bytes a code point */
    size_t qn = fold(query, n, buf);
    char *q = buf;
    while (*q == ' ')
        q++, qn--;
    while (qn > 0 && q[qn - 1] == ' ')
        q[--qn] = '\0';
    if (qn == 0)
        return search_invalid(err, "请输入搜索关键词");

    const struct rev_data *rd = &cat->rev[ri];
    struct hit best[YZ_CATALOG_SEARCH_MAX];
    size_t nbest = 0, count = 0;
    for (size_t i = 0; i < rd->n; i++) {
        const struct yz_cause *c = &rd->items[i];
        if (within && !yz_catalog_within(c, within))
            continue;
        const char *f = rd->folded[i];
        struct hit h = {2, rd->name_cps[i], i, c};
        if (strcmp(f, q) == 0 || strcasecmp(c->code, q) == 0)
            h.tier = 0;
        else if (strncmp(f, q, qn) == 0)
            h.tier = 1;
        else if (!strstr(f, q))
            continue;
        count++;
        if (nbest == limit && !hit_before(&h, &best[nbest - 1]))
            continue;
        size_t at = nbest < limit ? nbest++ : nbest - 1; /* the worst drops out when full */
        while (at > 0 && hit_before(&h, &best[at - 1])) {
            best[at] = best[at - 1];
            at--;
        }
        best[at] = h;
    }
    for (size_t i = 0; i < nbest; i++)
        out[i] = best[i].c;
    *nout = nbest;
    *total = count;
    return YZ_OK;
}

json_t *yz_cause_json(const struct yz_cause *c)
{
    json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:o, s:I}", "code", c->code, "name", c->name,
                          "level", c->level, "revision", yz_catalog_revision_name(c->revision),
                          "parent", c->parent ? json_string(c->parent->code) : json_null(),
                          "child_count", (json_int_t)c->nchildren);
    if (!o)
        YZ_BUG("json_pack failed");
    if (c->ordinal)
        json_object_set_new(o, "ordinal", json_string(c->ordinal));
    return o;
}

/* ---- case types ---- */

const struct yz_case_type *yz_catalog_case_types(const struct yz_catalog *cat, size_t *n)
{
    *n = cat->ntypes;
    return cat->types;
}

const struct yz_case_type *yz_catalog_case_type(const struct yz_catalog *cat, const char *type_id)
{
    if (!type_id || !*type_id)
        return NULL;
    for (size_t i = 0; i < cat->ntypes; i++)
        if (strcmp(cat->types[i].type_id, type_id) == 0)
            return &cat->types[i];
    return NULL;
}

size_t yz_catalog_case_types_by_code(const struct yz_catalog *cat, const char *code,
                                     const struct yz_case_type **out, size_t max)
{
    if (!code || !*code || !cat->by_code)
        return 0;
    /* The first of the run with this code, by bisection; the run is in file order. */
    size_t lo = 0, hi = cat->ntypes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(cat->by_code[mid]->code, code) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    for (; lo < cat->ntypes && strcmp(cat->by_code[lo]->code, code) == 0; lo++, n++)
        if (n < max)
            out[n] = cat->by_code[lo];
    return n;
}

json_t *yz_case_type_json(const struct yz_case_type *t)
{
    json_t *o = json_pack("{s:o, s:o, s:s, s:s, s:o, s:b, s:b}", "type_id",
                          t->type_id[0] ? json_string(t->type_id) : json_null(), "code",
                          t->code[0] ? json_string(t->code) : json_null(), "name", t->name,
                          "category", t->category, "parent_type_id",
                          t->parent_type_id[0] ? json_string(t->parent_type_id) : json_null(),
                          "is_group", t->is_group, "observed", t->observed);
    if (!o)
        YZ_BUG("json_pack failed");
    return o; /* note and evidence stay out: maintainers' English, not for users */
}

/* ---- filing materials ---- */

const struct yz_material_list *yz_catalog_materials(const struct yz_catalog *cat,
                                                    const struct yz_cause *cause,
                                                    const struct yz_cause **from)
{
    for (const struct yz_cause *c = cause; c; c = c->parent)
        if (c->materials) {
            if (from)
                *from = c;
            return c->materials;
        }
    if (from)
        *from = NULL;
    return &cat->lists[0];
}

const struct yz_material_list *yz_catalog_materials_common(const struct yz_catalog *cat)
{
    return &cat->lists[0];
}

const struct yz_material_item *yz_catalog_material(const struct yz_catalog *cat, const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < cat->nlists; i++)
        for (size_t k = 0; k < cat->lists[i].nitems; k++)
            if (strcmp(cat->lists[i].items[k]->code, code) == 0)
                return cat->lists[i].items[k];
    return NULL;
}

enum yz_err yz_catalog_materials_check(const struct yz_catalog *cat, const struct yz_cause *cause,
                                       const char *const *attached, size_t nattached,
                                       struct yz_materials_check *out)
{
    /* RULE: filing-one-time-notice */
    if (nattached > YZ_CATALOG_MAX_ATTACHED)
        return YZ_ERR_VALIDATION;
    for (size_t i = 0; i < nattached; i++)
        if (!attached[i])
            return YZ_ERR_VALIDATION;
    const struct yz_material_list *list = yz_catalog_materials(cat, cause, NULL);
    bool have[YZ_CATALOG_MAX_LIST_ITEMS] = {false};
    memset(out, 0, sizeof *out);
    out->list = list;
    for (size_t i = 0; i < nattached; i++) {
        size_t k = 0;
        while (k < list->nitems && strcmp(list->items[k]->code, attached[i]) != 0)
            k++;
        if (k < list->nitems) {
            have[k] = true;
            continue;
        }
        size_t u = 0;
        while (u < out->nunknown && strcmp(out->unknown[u], attached[i]) != 0)
            u++;
        if (u == out->nunknown)
            out->unknown[out->nunknown++] = attached[i];
    }
    for (size_t k = 0; k < list->nitems; k++) {
        if (have[k])
            continue;
        if (list->items[k]->required)
            out->missing[out->nmissing++] = list->items[k];
        else
            out->optional[out->noptional++] = list->items[k];
    }
    return YZ_OK;
}

json_t *yz_material_item_json(const struct yz_material_item *it)
{
    json_t *o =
        json_pack("{s:s, s:s, s:b}", "code", it->code, "name", it->name, "required", it->required);
    if (!o)
        YZ_BUG("json_pack failed");
    if (it->note)
        json_object_set_new(o, "note", json_string(it->note));
    return o;
}
