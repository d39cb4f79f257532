/*
 * Unit tests for src/catalog/catalog.c against the real data files in data/
 * (the counts NOTES.md gives, known causes, search ranking, the 2020/2025
 * correspondence, checklists) and against broken copies written to temporary
 * files, whose errors must name the file and the entry at fault.
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

#define DATA "data"

static struct yz_catalog *cat;

static const struct yz_catalog_paths real_paths = {
    DATA "/causes_civil_2020.json",
    DATA "/causes_civil_2025.json",
    DATA "/causes_civil_2025_map.json",
    DATA "/case_types.json",
    DATA "/materials.json",
};

static int setup(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    enum yz_err e = yz_catalog_load_dir(DATA, &cat, &err);
    if (e != YZ_OK)
        fprintf(stderr, "catalogue failed to load: %s\n", err.data);
    yz_buf_release(&err);
    return e == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    yz_catalog_free(cat);
    cat = NULL;
    return 0;
}

static const struct yz_cause *cause(const char *code, enum yz_cause_rev rev)
{
    const struct yz_cause *c = yz_catalog_cause(cat, code, rev);
    if (!c)
        fail_msg("no cause %s in %d", code, (int)rev);
    return c;
}

/* ---- structure ---- */

static void count_levels(enum yz_cause_rev rev, size_t counts[5])
{
    memset(counts, 0, 5 * sizeof counts[0]);
    size_t n = yz_catalog_cause_count(cat, rev);
    for (size_t i = 0; i < n; i++) {
        const struct yz_cause *c = yz_catalog_cause_at(cat, rev, i);
        assert_non_null(c);
        assert_int_equal(c->order, i);
        counts[c->level]++;
    }
    assert_null(yz_catalog_cause_at(cat, rev, n));
}

static void level_counts_match_notes(void **state)
{
    size_t c[5];
    count_levels(YZ_CAUSE_REV_2020, c); /* NOTES.md §1: 11 + 54 + 473 + 389 = 927 */
    assert_int_equal(c[1], 11);
    assert_int_equal(c[2], 54);
    assert_int_equal(c[3], 473);
    assert_int_equal(c[4], 389);
    assert_int_equal(yz_catalog_cause_count(cat, YZ_CAUSE_REV_2020), 927);
    count_levels(YZ_CAUSE_REV_2025, c); /* NOTES.md §8: 12 + 59 + 514 + 470 = 1055 */
    assert_int_equal(c[1], 12);
    assert_int_equal(c[2], 59);
    assert_int_equal(c[3], 514);
    assert_int_equal(c[4], 470);
    assert_int_equal(yz_catalog_cause_count(cat, YZ_CAUSE_REV_2025), 1055);
    assert_string_equal(cause("473", YZ_CAUSE_REV_2020)->name, "执行分配方案异议之诉");
    assert_string_equal(cause("514", YZ_CAUSE_REV_2025)->name, "执行分配方案异议之诉");
    assert_null(yz_catalog_cause(cat, "474", YZ_CAUSE_REV_2020));
    assert_null(yz_catalog_cause(cat, "14", (enum yz_cause_rev)2011));
    assert_null(yz_catalog_cause(cat, NULL, YZ_CAUSE_REV_2020));
}

static void tree_browsing(void **state)
{
    size_t n;
    const struct yz_cause *const *roots = yz_catalog_roots(cat, YZ_CAUSE_REV_2020, &n);
    assert_int_equal(n, 11);
    assert_string_equal(roots[0]->code, "P01");
    assert_string_equal(roots[0]->ordinal, "第一部分");
    assert_null(roots[0]->parent);
    roots = yz_catalog_roots(cat, YZ_CAUSE_REV_2025, &n);
    assert_int_equal(n, 12);
    assert_string_equal(roots[5]->name, "数据、网络虚拟财产纠纷"); /* the new part 六 */

    const struct yz_cause *c10 = cause("C10", YZ_CAUSE_REV_2020);
    assert_string_equal(c10->name, "合同纠纷");
    assert_string_equal(c10->ordinal, "十");
    assert_int_equal(c10->nchildren, 70);
    for (size_t i = 0; i < c10->nchildren; i++) {
        assert_ptr_equal(c10->children[i]->parent, c10);
        if (i)
            assert_true(c10->children[i - 1]->order < c10->children[i]->order);
    }
    const struct yz_cause *loan = cause("103", YZ_CAUSE_REV_2020);
    assert_string_equal(loan->name, "借款合同纠纷");
    assert_true(loan->nchildren >= 4);
    assert_string_equal(loan->children[2]->code, "103.3");
    assert_string_equal(loan->children[2]->name, "民间借贷纠纷");
    assert_true(yz_catalog_within(loan->children[2], c10));
    assert_false(yz_catalog_within(c10, loan));
}

/* Known causes: found by search with the right code, level and path. */
static void expect_found(enum yz_cause_rev rev, const char *name, const char *code, int level,
                         const char *const *path_codes)
{
    const struct yz_cause *out[YZ_CATALOG_SEARCH_MAX];
    size_t n, total;
    assert_int_equal(yz_catalog_search(cat, rev, name, NULL, 10, out, &n, &total, NULL), YZ_OK);
    assert_true(n >= 1);
    assert_string_equal(out[0]->name, name); /* the exact match ranks first */
    assert_string_equal(out[0]->code, code);
    assert_int_equal(out[0]->level, level);
    const struct yz_cause *path[YZ_CAUSE_MAX_LEVEL];
    size_t depth = yz_catalog_path(out[0], path);
    assert_int_equal(depth, (size_t)level);
    for (size_t i = 0; i < depth; i++)
        assert_string_equal(path[i]->code, path_codes[i]);
    assert_ptr_equal(path[depth - 1], out[0]);
}

static void known_causes(void **state)
{
    expect_found(YZ_CAUSE_REV_2020, "民间借贷纠纷", "103.3", 4,
                 (const char *const[]){"P04", "C10", "103", "103.3"});
    expect_found(YZ_CAUSE_REV_2020, "离婚纠纷", "14", 3, (const char *const[]){"P02", "C02", "14"});
    expect_found(YZ_CAUSE_REV_2020, "机动车交通事故责任纠纷", "374", 3,
                 (const char *const[]){"P09", "C31", "374"});
    expect_found(YZ_CAUSE_REV_2025, "民间借贷纠纷", "108.3", 4,
                 (const char *const[]){"P04", "C10", "108", "108.3"});
    expect_found(YZ_CAUSE_REV_2025, "机动车交通事故责任纠纷", "411", 3,
                 (const char *const[]){"P10", "C35", "411"});
    const struct yz_cause *p = cause("P09", YZ_CAUSE_REV_2020);
    assert_string_equal(p->name, "侵权责任纠纷");
}

static void search_middle_fragment(void **state)
{
    const struct yz_cause *out[YZ_CATALOG_SEARCH_MAX];
    size_t n, total;
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "借贷", NULL, 10, out, &n, &total, NULL), YZ_OK);
    assert_int_equal(total, 1);
    assert_int_equal(n, 1);
    assert_string_equal(out[0]->code, "103.3");
    /* Not found at all. */
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "量子", NULL, 10, out, &n, &total, NULL), YZ_OK);
    assert_int_equal(total, 0);
    assert_int_equal(n, 0);
}

static void search_ranking(void **state)
{
    const struct yz_cause *out[YZ_CATALOG_SEARCH_MAX];
    size_t n, total;
    /* Prefix beats shorter: 客户交易结算资金纠纷 (prefix, 10) before 欺诈客户责任纠纷 (8). */
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "客户", NULL, 10, out, &n, &total, NULL), YZ_OK);
    assert_int_equal(n, 2);
    assert_string_equal(out[0]->code, "318");
    assert_string_equal(out[1]->code, "314.4");
    /* Prefix first, then shorter names, then catalogue order among equal lengths. */
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "欺诈", NULL, 10, out, &n, &total, NULL), YZ_OK);
    const char *want[] = {"314.4", "246", "354", "314", "326", "360"};
    assert_int_equal(n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(out[i]->code, want[i]);
    /* Exact names first (both the part and the 二级 are called 侵权责任纠纷). */
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "侵权责任纠纷", NULL, 10, out, &n, &total, NULL),
        YZ_OK);
    assert_int_equal(n, 5);
    assert_string_equal(out[0]->code, "P09");
    assert_string_equal(out[1]->code, "C31");
    assert_string_equal(out[2]->name, "网络侵权责任纠纷");
    /* The limit bounds the results, total counts every match. */
    assert_int_equal(yz_catalog_search(cat, YZ_CAUSE_REV_2020, "纠纷", NULL, YZ_CATALOG_SEARCH_MAX,
                                       out, &n, &total, NULL),
                     YZ_OK);
    assert_int_equal(n, YZ_CATALOG_SEARCH_MAX);
    assert_int_equal(total, 813);
    assert_string_equal(out[0]->name, "离婚纠纷"); /* the first of the shortest (4 characters) */
    /* Within a subtree only. */
    const struct yz_cause *c10 = cause("C10", YZ_CAUSE_REV_2020);
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "借款", c10, 10, out, &n, &total, NULL), YZ_OK);
    assert_int_equal(total, 3); /* 船舶营运借款合同纠纷 (海事) is outside 合同纠纷 */
    for (size_t i = 0; i < n; i++)
        assert_true(yz_catalog_within(out[i], c10));
}

static void search_folds_width(void **state)
{
    const struct yz_cause *out[YZ_CATALOG_SEARCH_MAX];
    size_t n, total;
    /* Full-width digits and full stop find the code. */
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "１０３．３", NULL, 10, out, &n, &total, NULL),
        YZ_OK);
    assert_true(n >= 1);
    assert_string_equal(out[0]->name, "民间借贷纠纷");
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2025, "１４", NULL, 10, out, &n, &total, NULL), YZ_OK);
    assert_string_equal(out[0]->name, "离婚纠纷");
    /* Letters fold case and width: ｐ０９ is P09. */
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "ｐ０９", NULL, 10, out, &n, &total, NULL),
        YZ_OK);
    assert_string_equal(out[0]->code, "P09");
    /* Half-width brackets find the full-width ones in names, and the other way round. */
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "(商号)", NULL, 10, out, &n, &total, NULL),
        YZ_OK);
    assert_int_equal(total, 4);
    assert_int_equal(yz_catalog_search(cat, YZ_CAUSE_REV_2020, "名称（商号）合同", NULL, 10, out,
                                       &n, &total, NULL),
                     YZ_OK);
    assert_int_equal(total, 1);
    assert_string_equal(out[0]->code, "154");
    /* Surrounding spaces (ASCII or ideographic) are trimmed. */
    assert_int_equal(yz_catalog_search(cat, YZ_CAUSE_REV_2020, "\xe3\x80\x80离婚纠纷 ", NULL, 10,
                                       out, &n, &total, NULL),
                     YZ_OK);
    assert_string_equal(out[0]->code, "14");
}

static void search_rejects_bad_queries(void **state)
{
    const struct yz_cause *out[YZ_CATALOG_SEARCH_MAX];
    size_t n = 99, total = 99;
    struct yz_buf err = YZ_BUF_INIT(256);
    const char *bad[] = {"", "   ", "\xe3\x80\x80", "\xe5\x80", "离婚\xff", "离\x01婚", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        yz_buf_reset(&err);
        assert_int_equal(
            yz_catalog_search(cat, YZ_CAUSE_REV_2020, bad[i], NULL, 10, out, &n, &total, &err),
            YZ_ERR_VALIDATION);
        assert_true(err.len > 0);
    }
    /* 40 code points are fine, 41 are not. */
    char q[41 * 3 + 1] = "";
    for (int i = 0; i < 40; i++)
        memcpy(q + i * 3, "纠", 3), q[(i + 1) * 3] = '\0';
    assert_int_equal(yz_catalog_search(cat, YZ_CAUSE_REV_2020, q, NULL, 10, out, &n, &total, NULL),
                     YZ_OK);
    assert_int_equal(total, 0);
    memcpy(q + 40 * 3, "纷", 4);
    assert_int_equal(yz_catalog_search(cat, YZ_CAUSE_REV_2020, q, NULL, 10, out, &n, &total, NULL),
                     YZ_ERR_VALIDATION);
    /* Limits out of bounds, unknown revision, a subtree of the other revision. */
    assert_int_equal(
        yz_catalog_search(cat, YZ_CAUSE_REV_2020, "离婚", NULL, 0, out, &n, &total, NULL),
        YZ_ERR_VALIDATION);
    assert_int_equal(yz_catalog_search(cat, YZ_CAUSE_REV_2020, "离婚", NULL,
                                       YZ_CATALOG_SEARCH_MAX + 1, out, &n, &total, NULL),
                     YZ_ERR_VALIDATION);
    assert_int_equal(
        yz_catalog_search(cat, (enum yz_cause_rev)2011, "离婚", NULL, 10, out, &n, &total, NULL),
        YZ_ERR_VALIDATION);
    assert_int_equal(yz_catalog_search(cat, YZ_CAUSE_REV_2020, "离婚",
                                       cause("C02", YZ_CAUSE_REV_2025), 10, out, &n, &total, NULL),
                     YZ_ERR_VALIDATION);
    assert_int_equal(n, 0); /* from the 40-character search; failures leave outputs alone */
    yz_buf_release(&err);
}

static void revision_by_date(void **state)
{
    assert_int_equal(yz_catalog_revision_for((struct yz_date){2025, 12, 31}), YZ_CAUSE_REV_2020);
    assert_int_equal(yz_catalog_revision_for((struct yz_date){2026, 1, 1}), YZ_CAUSE_REV_2025);
    assert_int_equal(yz_catalog_revision_for((struct yz_date){2021, 1, 1}), YZ_CAUSE_REV_2020);
    assert_int_equal(yz_catalog_revision_for((struct yz_date){2030, 6, 1}), YZ_CAUSE_REV_2025);
    enum yz_cause_rev r = YZ_CAUSE_REV_2020;
    assert_true(yz_catalog_revision_parse("2025", &r));
    assert_int_equal(r, YZ_CAUSE_REV_2025);
    assert_false(yz_catalog_revision_parse("2024", &r));
    assert_false(yz_catalog_revision_parse(NULL, &r));
    assert_int_equal(r, YZ_CAUSE_REV_2025);
    assert_string_equal(yz_catalog_revision_name(YZ_CAUSE_REV_2020), "2020");
}

static void map_both_ways(void **state)
{
    const struct yz_cause *out[YZ_CATALOG_MAX_LINK_TARGETS];
    /* Renamed: 2020 179 有奖销售纠纷 -> 2025 190 不正当有奖销售纠纷. */
    const struct yz_cause *old = cause("179", YZ_CAUSE_REV_2020);
    assert_string_equal(old->name, "有奖销售纠纷");
    assert_non_null(old->link);
    assert_int_equal(old->link->change, YZ_CAUSE_RENAMED);
    assert_string_equal(yz_cause_change_name(old->link->change), "renamed");
    assert_int_equal(yz_catalog_counterparts(old, out, 8), 1);
    assert_string_equal(out[0]->code, "190");
    assert_string_equal(out[0]->name, "不正当有奖销售纠纷");
    assert_int_equal(out[0]->revision, YZ_CAUSE_REV_2025);
    assert_int_equal(yz_catalog_counterparts(out[0], out, 8), 1);
    assert_ptr_equal(out[0], old);

    /* Renumbered: 民间借贷纠纷 103.3 <-> 108.3. */
    const struct yz_cause *loan = cause("103.3", YZ_CAUSE_REV_2020);
    assert_int_equal(loan->link->change, YZ_CAUSE_RENUMBERED);
    assert_int_equal(yz_catalog_counterparts(loan, out, 8), 1);
    assert_ptr_equal(out[0], cause("108.3", YZ_CAUSE_REV_2025));

    /* Split one way, merged the other. */
    const struct yz_cause *patent = cause("148", YZ_CAUSE_REV_2020);
    assert_int_equal(patent->link->change, YZ_CAUSE_SPLIT);
    assert_int_equal(yz_catalog_counterparts(patent, out, 8), 3);
    assert_string_equal(out[0]->name, "发明专利合同纠纷");
    assert_int_equal(yz_catalog_counterparts(patent, out, 1), 3); /* count even when out is short */
    const struct yz_cause *ship = cause("272", YZ_CAUSE_REV_2025);
    assert_int_equal(yz_catalog_counterparts(ship, out, 8), 2);
    assert_string_equal(out[0]->code, "244");
    assert_string_equal(out[1]->code, "245");
    assert_int_equal(ship->origins[0]->change, YZ_CAUSE_MERGED);

    /* Removed, new in 2025, parts. */
    const struct yz_cause *gone = cause("177", YZ_CAUSE_REV_2020);
    assert_int_equal(gone->link->change, YZ_CAUSE_REMOVED);
    assert_int_equal(yz_catalog_counterparts(gone, out, 8), 0);
    const struct yz_cause *data = cause("199", YZ_CAUSE_REV_2025);
    assert_string_equal(data->name, "数据权属纠纷");
    assert_true(data->added_2025);
    assert_int_equal(yz_catalog_counterparts(data, out, 8), 0);
    assert_false(cause("190", YZ_CAUSE_REV_2025)->added_2025);
    assert_null(cause("P01", YZ_CAUSE_REV_2020)->link);
    assert_int_equal(yz_catalog_counterparts(cause("P01", YZ_CAUSE_REV_2020), out, 8), 0);
}

/* ---- case types ---- */

/* The lookup by 代字 (a bisection of a sorted index) against a scan of the
 * file's order: for every entry's code, codes that are not there (a prefix,
 * an extension, a neighbour in byte order), and every max up to the count. */
static size_t scan_by_code(const char *code, const struct yz_case_type **out, size_t max)
{
    size_t n = 0, total;
    const struct yz_case_type *all = yz_catalog_case_types(cat, &total);
    for (size_t i = 0; *code && i < total; i++)
        if (strcmp(all[i].code, code) == 0) {
            if (n < max)
                out[n] = &all[i];
            n++;
        }
    return n;
}

static void expect_same_lookup(const char *code)
{
    const struct yz_case_type *got[32], *want[32];
    size_t n = scan_by_code(code, want, 32);
    for (size_t max = 0; max <= n + 1 && max <= 32; max++) {
        memset(got, 0, sizeof got);
        assert_int_equal(yz_catalog_case_types_by_code(cat, code, got, max), n);
        for (size_t k = 0; k < max && k < n; k++)
            assert_ptr_equal(got[k], want[k]);
        if (max < 32)
            assert_null(got[max < n ? max : n]); /* nothing written past what was asked */
    }
}

static void case_types_by_code_match_a_scan(void **state)
{
    size_t total, found = 0;
    const struct yz_case_type *all = yz_catalog_case_types(cat, &total);
    for (size_t i = 0; i < total; i++) {
        expect_same_lookup(all[i].code);
        if (all[i].code[0]) {
            const struct yz_case_type *one[1];
            assert_true(yz_catalog_case_types_by_code(cat, all[i].code, one, 1) >= 1);
            found++;
            char longer[40], shorter[40], next[40];
            snprintf(longer, sizeof longer, "%s初", all[i].code);
            expect_same_lookup(longer);
            size_t len = strlen(all[i].code);
            memcpy(shorter, all[i].code, len - 1);
            shorter[len - 1] = '\0';
            expect_same_lookup(shorter);
            memcpy(next, all[i].code, len + 1);
            next[len - 1]++;
            expect_same_lookup(next);
            next[len - 1] -= 2;
            expect_same_lookup(next);
        }
    }
    assert_true(found > 150);
    static const char *const none[] = {"", "\x01", "\x7f", "\xff\xff", "A", "民终审", "zz"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        const struct yz_case_type *out[4];
        assert_int_equal(yz_catalog_case_types_by_code(cat, none[i], out, 4), 0);
    }
    assert_int_equal(yz_catalog_case_types_by_code(cat, NULL, NULL, 0), 0);
}

static void case_types(void **state)
{
    size_t n;
    const struct yz_case_type *all = yz_catalog_case_types(cat, &n);
    assert_int_equal(n, 216); /* 215 standard + 民诉前调 */
    assert_string_equal(all[0].name, "管辖案件");
    assert_true(all[0].is_group);
    assert_string_equal(all[0].code, "");

    const struct yz_case_type *out[20];
    assert_int_equal(yz_catalog_case_types_by_code(cat, "民初", out, 20), 1);
    assert_string_equal(out[0]->name, "民事一审案件");
    assert_string_equal(out[0]->category, "民事");
    assert_string_equal(out[0]->type_id, "0301");
    assert_int_equal(yz_catalog_case_types_by_code(cat, "民特", out, 20), 13);
    assert_string_equal(out[0]->name, "选民资格案件");
    assert_string_equal(out[8]->name, "调解协议司法确认案件");
    assert_int_equal(yz_catalog_case_types_by_code(cat, "民特", out, 2), 13);
    assert_int_equal(yz_catalog_case_types_by_code(cat, "行初", out, 20), 1);
    assert_string_equal(out[0]->name, "行政一审案件");
    assert_int_equal(yz_catalog_case_types_by_code(cat, "执", out, 20), 1);
    assert_string_equal(out[0]->name, "首次执行案件");
    assert_int_equal(yz_catalog_case_types_by_code(cat, "民诉前调", out, 20), 1);
    assert_true(out[0]->observed);
    assert_string_equal(out[0]->type_id, "");
    assert_non_null(out[0]->note);
    assert_int_equal(yz_catalog_case_types_by_code(cat, "民终审", out, 20), 0);
    assert_int_equal(yz_catalog_case_types_by_code(cat, "", out, 20), 0);

    const struct yz_case_type *t = yz_catalog_case_type(cat, "0301");
    assert_non_null(t);
    assert_string_equal(t->code, "民初");
    assert_string_equal(t->parent_type_id, "0300");
    assert_true(yz_catalog_case_type(cat, "0300")->is_group);
    assert_null(yz_catalog_case_type(cat, "9999"));
    assert_null(yz_catalog_case_type(cat, ""));

    json_t *j = yz_case_type_json(t);
    assert_string_equal(json_string_value(json_object_get(j, "code")), "民初");
    assert_true(json_is_false(json_object_get(j, "is_group")));
    json_decref(j);
}

/* ---- materials ---- */

static void materials_lists(void **state)
{
    const struct yz_cause *from = NULL;
    const struct yz_cause *loan = cause("103.3", YZ_CAUSE_REV_2020);
    const struct yz_material_list *l = yz_catalog_materials(cat, loan, &from);
    assert_ptr_equal(from, loan);
    assert_string_equal(l->title, "民间借贷纠纷");
    assert_ptr_equal(l->cause, loan);
    assert_int_equal(l->nitems, 13);
    assert_string_equal(l->items[0]->code, "G1");
    assert_string_equal(l->items[7]->code, "G8");
    assert_string_equal(l->items[8]->code, "103.3-1");
    assert_true(l->items[8]->required);
    assert_non_null(strstr(l->items[8]->name, "借贷关系凭证"));
    assert_string_equal(l->items[12]->code, "103.3-5");
    /* Common items are the same objects in every list. */
    const struct yz_material_list *common = yz_catalog_materials_common(cat);
    assert_int_equal(common->nitems, 8);
    assert_null(common->cause);
    assert_ptr_equal(common->items[0], l->items[0]);
    assert_ptr_equal(yz_catalog_material(cat, "103.3-1"), l->items[8]);
    assert_ptr_equal(yz_catalog_material(cat, "G4"), common->items[3]);
    assert_null(yz_catalog_material(cat, "103.3-99"));

    /* The 2025 cause gets the list through the map. */
    const struct yz_cause *loan25 = cause("108.3", YZ_CAUSE_REV_2025);
    assert_ptr_equal(yz_catalog_materials(cat, loan25, &from), l);
    assert_ptr_equal(from, loan25);
    /* A sub-cause without its own list uses its parent's: 186.1 under 劳动合同纠纷 (劳动争议). */
    const struct yz_cause *labour = cause("186", YZ_CAUSE_REV_2020);
    assert_true(labour->nchildren > 0);
    l = yz_catalog_materials(cat, labour->children[0], &from);
    assert_ptr_equal(from, labour);
    assert_string_equal(l->title, "劳动争议");
    /* A cause with no list anywhere above it gets the common items. */
    assert_ptr_equal(yz_catalog_materials(cat, cause("103.2", YZ_CAUSE_REV_2020), &from), common);
    assert_null(from);
}

static void materials_check_all_missing_at_once(void **state)
{
    struct yz_materials_check chk;
    const struct yz_cause *loan = cause("103.3", YZ_CAUSE_REV_2020);
    const char *some[] = {"G1", "G2", "G6", "G1", "X9"};
    assert_int_equal(yz_catalog_materials_check(cat, loan, some, 5, &chk), YZ_OK);
    assert_string_equal(chk.list->title, "民间借贷纠纷");
    /* Every missing required item, in list order, in one answer. */
    assert_int_equal(chk.nmissing, 3);
    assert_string_equal(chk.missing[0]->code, "G3");
    assert_string_equal(chk.missing[1]->code, "G4");
    assert_string_equal(chk.missing[2]->code, "103.3-1");
    for (size_t i = 0; i < chk.nmissing; i++) {
        assert_true(chk.missing[i]->required);
        assert_non_null(chk.missing[i]->name);
    }
    /* Optional items not attached: G5, G7, G8 and four of the cause's own. */
    assert_int_equal(chk.noptional, 7);
    assert_string_equal(chk.optional[0]->code, "G5");
    assert_int_equal(chk.nunknown, 1);
    assert_string_equal(chk.unknown[0], "X9");

    /* Nothing attached: all five required items. */
    assert_int_equal(yz_catalog_materials_check(cat, loan, NULL, 0, &chk), YZ_OK);
    assert_int_equal(chk.nmissing, 5);
    assert_int_equal(chk.noptional, 8);

    /* Complete: none missing. */
    const char *all[] = {"G1", "G2", "G3", "G4", "103.3-1"};
    assert_int_equal(yz_catalog_materials_check(cat, loan, all, 5, &chk), YZ_OK);
    assert_int_equal(chk.nmissing, 0);
    assert_int_equal(chk.nunknown, 0);

    /* Labour disputes need the arbitration award first (劳动争议调解仲裁法 arts 5, 50): a
     * 2025 sub-cause of 劳动合同纠纷 inherits the 劳动争议 list through the map and its parent. */
    const struct yz_cause *contract = cause("205", YZ_CAUSE_REV_2025);
    assert_string_equal(contract->name, "劳动合同纠纷");
    const char *basic[] = {"G1", "G2", "G3", "G4"};
    assert_int_equal(yz_catalog_materials_check(cat, contract->children[0], basic, 4, &chk), YZ_OK);
    assert_string_equal(chk.list->title, "劳动争议");
    assert_int_equal(chk.nmissing, 2);
    assert_string_equal(chk.missing[0]->code, "186-1");
    assert_non_null(strstr(chk.missing[0]->name, "仲裁"));
    /* ... except wage claims with a wage IOU (劳动争议解释(一) art. 15): optional there. */
    const struct yz_cause *wages = cause("205.5", YZ_CAUSE_REV_2025);
    assert_string_equal(wages->name, "追索劳动报酬纠纷");
    assert_int_equal(yz_catalog_materials_check(cat, wages, basic, 4, &chk), YZ_OK);
    assert_string_equal(chk.list->title, "追索劳动报酬纠纷");
    assert_int_equal(chk.nmissing, 0);
    assert_int_equal(chk.noptional, 8);

    /* Too many codes, or a NULL among them. */
    const char *many[YZ_CATALOG_MAX_ATTACHED + 1];
    for (size_t i = 0; i < YZ_CATALOG_MAX_ATTACHED + 1; i++)
        many[i] = "G1";
    assert_int_equal(yz_catalog_materials_check(cat, loan, many, YZ_CATALOG_MAX_ATTACHED + 1, &chk),
                     YZ_ERR_VALIDATION);
    assert_int_equal(yz_catalog_materials_check(cat, loan, many, YZ_CATALOG_MAX_ATTACHED, &chk),
                     YZ_OK);
    const char *with_null[] = {"G1", NULL};
    assert_int_equal(yz_catalog_materials_check(cat, loan, with_null, 2, &chk), YZ_ERR_VALIDATION);
}

static void cause_json_shape(void **state)
{
    json_t *j = yz_cause_json(cause("103.3", YZ_CAUSE_REV_2020));
    assert_string_equal(json_string_value(json_object_get(j, "code")), "103.3");
    assert_string_equal(json_string_value(json_object_get(j, "name")), "民间借贷纠纷");
    assert_int_equal(json_integer_value(json_object_get(j, "level")), 4);
    assert_string_equal(json_string_value(json_object_get(j, "revision")), "2020");
    assert_string_equal(json_string_value(json_object_get(j, "parent")), "103");
    json_decref(j);
    j = yz_cause_json(cause("P01", YZ_CAUSE_REV_2025));
    assert_true(json_is_null(json_object_get(j, "parent")));
    assert_string_equal(json_string_value(json_object_get(j, "ordinal")), "第一部分");
    json_decref(j);
}

/* ---- malformed files ---- */

static char *temp_path(void)
{
    char *p = strdup("/tmp/yz_test_catalog_XXXXXX");
    int fd = mkstemp(p);
    assert_true(fd >= 0);
    close(fd);
    return p;
}

static char *write_temp(const char *text)
{
    char *p = temp_path();
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static char *dump_temp(json_t *root)
{
    char *p = temp_path();
    assert_int_equal(json_dump_file(root, p, JSON_COMPACT), 0);
    return p;
}

enum which { W_2020, W_2025, W_MAP, W_TYPES, W_MATERIALS };

/* Loads with one file replaced; expects failure and an error naming the file and each of
 * the fragments given (NULL-terminated). */
static void expect_load_error(enum which w, const char *path, ...)
{
    struct yz_catalog_paths p = real_paths;
    const char **slot[] = {&p.causes_2020, &p.causes_2025, &p.causes_map, &p.case_types,
                           &p.materials};
    *slot[w] = path;
    struct yz_buf err = YZ_BUF_INIT(4096);
    struct yz_catalog *c = (struct yz_catalog *)1;
    assert_int_equal(yz_catalog_load(&p, &c, &err), YZ_ERR_CONFIG);
    assert_null(c);
    if (!strstr(err.data, path))
        fail_msg("error does not name the file: %s", err.data);
    va_list ap;
    va_start(ap, path);
    for (const char *frag; (frag = va_arg(ap, const char *));)
        if (!strstr(err.data, frag))
            fail_msg("error lacks \"%s\": %s", frag, err.data);
    va_end(ap);
    yz_buf_release(&err);
}

static void bad_cause_files(void **state)
{
    struct {
        const char *text;
        const char *frag1, *frag2;
    } cases[] = {
        {"[{\"code\":\"P01\",\"name\":\"人格权纠纷\",\"level\":1,\"parent\":null},"
         "{\"code\":\"C01\",\"name\":\"人格权纠纷\",\"level\":2,\"parent\":\"P09\"}]",
         "[1]（code \"C01\"）", "\"P09\" 不存在"},
        {"[{\"code\":\"P01\",\"name\":\"甲\",\"level\":1,\"parent\":null},"
         "{\"code\":\"C01\",\"name\":\"乙\",\"level\":2,\"parent\":\"P01\"},"
         "{\"code\":\"1\",\"name\":\"丙\",\"level\":3,\"parent\":\"C01\"},"
         "{\"code\":\"3\",\"name\":\"丁\",\"level\":3,\"parent\":\"C01\"}]",
         "[3]（code \"3\"）", "\"2\""},
        {"[{\"code\":\"P01\",\"name\":\"甲\",\"level\":1,\"parent\":null},"
         "{\"code\":\"C01\",\"name\":\"乙\",\"level\":2,\"parent\":\"P01\"},"
         "{\"code\":\"1\",\"name\":\"丙\",\"level\":3,\"parent\":\"C01\"},"
         "{\"code\":\"1.2\",\"name\":\"丁\",\"level\":4,\"parent\":\"1\"}]",
         "[3]（code \"1.2\"）", "\"1.1\""},
        {"[{\"code\":\"P01\",\"nme\":\"甲\",\"level\":1,\"parent\":null}]", "[0]", "\"nme\""},
        {"[{\"code\":\"P01\",\"name\":\"\",\"level\":1,\"parent\":null}]", "[0]（code \"P01\"）",
         "name"},
        {"[{\"code\":\"P01\",\"name\":\"甲\",\"level\":5,\"parent\":null}]", "[0]（code \"P01\"）",
         "level"},
        {"[{\"code\":\"P01\",\"name\":\"甲\",\"level\":1,\"parent\":null},"
         "{\"code\":\"1\",\"name\":\"丙\",\"level\":3,\"parent\":\"P01\"}]",
         "[1]（code \"1\"）", "应相差一级"},
        {"[{\"code\":\"P 1\",\"name\":\"甲\",\"level\":1,\"parent\":null}]", "[0]", "code"},
        {"[{\"code\":\"P01\",\"name\":\"甲\\u0001\",\"level\":1,\"parent\":null}]",
         "[0]（code \"P01\"）", "控制字符"},
        {"[]", "1 到", NULL},
        {"{\"code\":\"P01\"}", "数组", NULL},
        {"[{\"code\":\"P01\",", "JSON", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = write_temp(cases[i].text);
        expect_load_error(W_2020, p, cases[i].frag1, cases[i].frag2, NULL);
        unlink(p);
        free(p);
    }
    /* effective_from must be the 2025 revision's start. */
    json_t *root = json_load_file(real_paths.causes_2025, 0, NULL);
    assert_non_null(root);
    json_object_set_new(json_array_get(root, 7), "effective_from", json_string("2025-12-01"));
    char *p = dump_temp(root);
    const char *code = json_string_value(json_object_get(json_array_get(root, 7), "code"));
    char where[64];
    snprintf(where, sizeof where, "[7]（code \"%s\"）", code);
    expect_load_error(W_2025, p, where, "2026-01-01", NULL);
    unlink(p);
    free(p);
    json_decref(root);
}

static void oversized_file(void **state)
{
    char *p = temp_path();
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputc('[', f);
    for (size_t i = 0; i < YZ_CATALOG_MAX_FILE_BYTES; i++)
        fputc(' ', f);
    fputc(']', f);
    fclose(f);
    expect_load_error(W_MATERIALS, p, "字节上限", NULL);
    unlink(p);
    free(p);
    expect_load_error(W_TYPES, "/nonexistent/case_types.json", "无法打开", NULL);
}

/* Index of the map row for old_code. */
static size_t map_row(json_t *rows, const char *old_code)
{
    for (size_t i = 0; i < json_array_size(rows); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(rows, i), "old_code")),
                   old_code) == 0)
            return i;
    fail_msg("no row %s", old_code);
    return 0;
}

static void bad_map_files(void **state)
{
    char where[96];
    /* A row whose old_name disagrees with the 2020 catalogue. */
    json_t *root = json_load_file(real_paths.causes_map, 0, NULL);
    json_t *rows = json_object_get(root, "map");
    size_t i = map_row(rows, "179");
    json_object_set_new(json_array_get(rows, i), "old_name", json_string("有奖销售合同纠纷"));
    char *p = dump_temp(root);
    snprintf(where, sizeof where, "map[%zu]（old_code \"179\"）", i);
    expect_load_error(W_MAP, p, where, "有奖销售合同纠纷", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    /* A change that the targets contradict: "removed" with a successor. */
    root = json_load_file(real_paths.causes_map, 0, NULL);
    rows = json_object_get(root, "map");
    i = map_row(rows, "179");
    json_object_set_new(json_array_get(rows, i), "change", json_string("removed"));
    p = dump_temp(root);
    snprintf(where, sizeof where, "map[%zu]（old_code \"179\"）", i);
    expect_load_error(W_MAP, p, where, "removed", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    /* A target that is not in the 2025 catalogue. */
    root = json_load_file(real_paths.causes_map, 0, NULL);
    rows = json_object_get(root, "map");
    i = map_row(rows, "148");
    json_t *t = json_array_get(json_object_get(json_array_get(rows, i), "new"), 1);
    json_object_set_new(t, "code", json_string("999"));
    p = dump_temp(root);
    snprintf(where, sizeof where, "map[%zu]（old_code \"148\"）.new[1]", i);
    expect_load_error(W_MAP, p, where, "\"999\"", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    /* A 2020 cause without a row, and a 2025 cause nobody accounts for. */
    root = json_load_file(real_paths.causes_map, 0, NULL);
    rows = json_object_get(root, "map");
    json_array_remove(rows, map_row(rows, "14"));
    p = dump_temp(root);
    expect_load_error(W_MAP, p, "\"14\" 离婚纠纷", "没有对应行", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    root = json_load_file(real_paths.causes_map, 0, NULL);
    json_array_remove(json_object_get(root, "added_in_2025"), 0); /* 34 非遗产继承人分配遗产纠纷 */
    p = dump_temp(root);
    expect_load_error(W_MAP, p, "\"34\" 非遗产继承人分配遗产纠纷", "added_in_2025", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    /* A duplicated row. */
    root = json_load_file(real_paths.causes_map, 0, NULL);
    rows = json_object_get(root, "map");
    json_array_append(rows, json_array_get(rows, 0));
    p = dump_temp(root);
    snprintf(where, sizeof where, "map[%zu]（old_code \"C01\"）", json_array_size(rows) - 1);
    expect_load_error(W_MAP, p, where, "map[0]", NULL);
    unlink(p);
    free(p);
    json_decref(root);
}

static void bad_case_type_files(void **state)
{
    json_t *root = json_load_file(real_paths.case_types, 0, NULL);
    json_t *types = json_object_get(root, "types");
    json_object_set_new(
        json_array_get(types, 10), "type_id",
        json_string(json_string_value(json_object_get(json_array_get(types, 9), "type_id"))));
    char *p = dump_temp(root);
    char where[160];
    snprintf(where, sizeof where, "types[10]（%s）",
             json_string_value(json_object_get(json_array_get(types, 10), "name")));
    expect_load_error(W_TYPES, p, where, "types[9]", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    /* A group with a code; a count that disagrees. */
    root = json_load_file(real_paths.case_types, 0, NULL);
    types = json_object_get(root, "types");
    json_object_set_new(json_array_get(types, 0), "code", json_string("管"));
    p = dump_temp(root);
    expect_load_error(W_TYPES, p, "types[0]（管辖案件）", "分组", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    root = json_load_file(real_paths.case_types, 0, NULL);
    json_object_set_new(root, "count", json_integer(214));
    p = dump_temp(root);
    expect_load_error(W_TYPES, p, "count", "215", NULL);
    unlink(p);
    free(p);
    json_decref(root);
}

static void bad_material_files(void **state)
{
    /* A cause list that drops a common item. */
    json_t *root = json_load_file(real_paths.materials, 0, NULL);
    json_t *items = json_object_get(json_object_get(root, "离婚纠纷"), "items");
    json_array_remove(items, 2);
    char *p = dump_temp(root);
    expect_load_error(W_MATERIALS, p, "\"离婚纠纷\"", "_common[2]", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    /* An unknown cause code; an item whose required is not a boolean. */
    root = json_load_file(real_paths.materials, 0, NULL);
    json_object_set_new(json_object_get(root, "离婚纠纷"), "cause_code_2020", json_string("14.9"));
    p = dump_temp(root);
    expect_load_error(W_MATERIALS, p, "\"离婚纠纷\"", "\"14.9\"", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    root = json_load_file(real_paths.materials, 0, NULL);
    items = json_object_get(json_object_get(root, "离婚纠纷"), "items");
    json_object_set_new(json_array_get(items, 9), "required", json_string("yes"));
    p = dump_temp(root);
    expect_load_error(W_MATERIALS, p, "\"离婚纠纷\".items[9]", "required", NULL);
    unlink(p);
    free(p);
    json_decref(root);

    /* Two lists for one cause. */
    root = json_load_file(real_paths.materials, 0, NULL);
    json_object_set_new(json_object_get(root, "抚养费纠纷"), "cause_code_2020", json_string("14"));
    p = dump_temp(root);
    expect_load_error(W_MATERIALS, p, "\"抚养费纠纷\"", "离婚纠纷", NULL);
    unlink(p);
    free(p);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(level_counts_match_notes),
        cmocka_unit_test(tree_browsing),
        cmocka_unit_test(known_causes),
        cmocka_unit_test(search_middle_fragment),
        cmocka_unit_test(search_ranking),
        cmocka_unit_test(search_folds_width),
        cmocka_unit_test(search_rejects_bad_queries),
        cmocka_unit_test(revision_by_date),
        cmocka_unit_test(map_both_ways),
        cmocka_unit_test(case_types),
        cmocka_unit_test(case_types_by_code_match_a_scan),
        cmocka_unit_test(materials_lists),
        cmocka_unit_test(materials_check_all_missing_at_once),
        cmocka_unit_test(cause_json_shape),
        cmocka_unit_test(bad_cause_files),
        cmocka_unit_test(oversized_file),
        cmocka_unit_test(bad_map_files),
        cmocka_unit_test(bad_case_type_files),
        cmocka_unit_test(bad_material_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
