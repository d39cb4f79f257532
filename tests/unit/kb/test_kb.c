/*
 * Unit tests for the knowledge base (src/kb/kb.h) against a real migrated
 * database with the CJK tokenizer registered by the store: importing the
 * seed file (twice: the second adds nothing), one kb.imported event, ranking
 * (question over answer), full-width and one-character searches, refused
 * import files that leave nothing behind, the MATCH expression (distinct
 * tokens, bounded), the ranking's quality on the evaluation sets
 * tests/fixtures/kb_eval.tsv (hand-rephrased questions whose entry is known)
 * and kb_eval_colloquial.tsv (callers' words), the in-memory ranking against
 * FTS5's, and the reply written as text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "crypto/keys.h"
#include "kb/kb.h"
#include "kb/kb_index.h"
#include "core/jsonwrite.h"
#include "store/store.h"
#include "lib/tempstore.h"

#define SEED_ENTRIES 1542

static char dir[64];
static struct yz_app app;

static struct yz_sql_def q_events =
    YZ_SQL("SELECT count(*) FROM events WHERE type = 'kb.imported' AND stream = 'kb'");
static struct yz_sql_def q_id_of = YZ_SQL("SELECT id FROM kb_entries WHERE source_id = ?");

struct import {
    const char *path;
    int added;
    struct yz_buf err;
};

static enum yz_err import_tx(struct yz_tx *tx, void *p)
{
    struct import *im = p;
    return yz_kb_import(tx, &app, im->path, YZ_KB_SEED_SOURCE, &im->added, &im->err);
}

static enum yz_err import(const char *path, int *added, char *why, size_t whysize)
{
    struct import im = {path, 0, YZ_BUF_INIT(512)};
    enum yz_err e = yz_store_write(app.store, import_tx, &im);
    *added = im.added;
    if (why)
        snprintf(why, whysize, "%s", im.err.data ? im.err.data : "");
    yz_buf_release(&im.err);
    return e;
}

struct count {
    struct yz_sql_def *def;
    const char *arg;
    int64_t n;
};

static enum yz_err count_tx(struct yz_tx *tx, void *p)
{
    struct count *c = p;
    if (!c->def)
        return yz_kb_count(tx, &c->n);
    struct yz_stmt *st = yz_sql(tx, c->def);
    if (c->arg)
        yz_bind_text(st, 1, c->arg);
    bool row;
    enum yz_err e = yz_step(st, &row);
    c->n = e == YZ_OK && row ? yz_col_i64(st, 0) : -1;
    return e;
}

static int64_t count_of(struct yz_sql_def *def, const char *arg)
{
    struct count c = {def, arg, 0};
    assert_int_equal(yz_store_read(app.store, count_tx, &c), YZ_OK);
    return c.n;
}

struct search {
    const char *q;
    int limit;
    json_t *items;
    struct yz_kb_index *idx;
};

static enum yz_err search_tx(struct yz_tx *tx, void *p)
{
    struct search *s = p;
    return yz_kb_search(tx, s->idx, s->q, s->limit, &s->items);
}

/* The search's items (the caller's) ranked by idx (NULL: by FTS5), failing
 * the test on an error. */
static json_t *search_with(struct yz_kb_index *idx, const char *q, int limit)
{
    struct search s = {q, limit, NULL, idx};
    assert_int_equal(yz_store_read(app.store, search_tx, &s), YZ_OK);
    assert_non_null(s.items);
    return s.items;
}

/* The search as the server does it: ranked in memory. */
static json_t *search(const char *q, int limit)
{
    return search_with(app.kb_index, q, limit);
}

static int64_t item_id(json_t *items, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(items, i), "id"));
}

static const char *item_question(json_t *items, size_t i)
{
    return json_string_value(json_object_get(json_array_get(items, i), "question"));
}

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/yz-kb-XXXXXX");
    memset(&app, 0, sizeof app);
    app.cfg.audit.checkpoint_every = 1000;
    if (!(app.kb_index = yz_kb_index_new(YZ_KB_INDEX_ENTRIES_MAX)))
        return -1;
    if (yzt_tempstore_open(dir, &app.keys, &app.store) != YZ_OK)
        return -1;
    int added;
    char why[512];
    if (import("data/" YZ_KB_SEED_FILE, &added, why, sizeof why) != YZ_OK) {
        fprintf(stderr, "seed import: %s\n", why);
        return -1;
    }
    return added == SEED_ENTRIES ? 0 : -1;
}

static int teardown(void **state)
{
    yz_store_close(app.store);
    yz_keys_free(app.keys);
    yz_kb_index_free(app.kb_index);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void seed_imports_once(void **state)
{
    assert_int_equal(count_of(NULL, NULL), SEED_ENTRIES);
    assert_int_equal(count_of(&q_events, NULL), 1);
    int added = -1;
    assert_int_equal(import("data/" YZ_KB_SEED_FILE, &added, NULL, 0), YZ_OK);
    assert_int_equal(added, 0);
    assert_int_equal(count_of(NULL, NULL), SEED_ENTRIES);
    assert_int_equal(count_of(&q_events, NULL), 1); /* nothing added, nothing recorded */
}

static void search_ranks_the_asked_question_first(void **state)
{
    json_t *items = search("谁可以成为个体工商户？", 5);
    assert_true(json_array_size(items) == 5);
    assert_int_equal(item_id(items, 0), count_of(&q_id_of, "leco-0"));
    assert_string_equal(item_question(items, 0), "谁可以成为个体工商户？");
    json_t *first = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(first, "source")), "LeCoQA");
    assert_non_null(strstr(json_string_value(json_object_get(first, "answer")), "个体工商户"));
    json_decref(items);

    /* Every hit of a two-character word holds it, the question column first:
     * the first hits have it in their question. */
    items = search("离婚", 10);
    assert_int_equal(json_array_size(items), 10);
    for (size_t i = 0; i < 3; i++)
        assert_non_null(strstr(item_question(items, i), "离婚"));
    json_decref(items);
}

/* The ranking's quality on an evaluation set (source_id TAB question lines):
 * the share of its questions whose entry comes first and among the first
 * five must reach top1_min and top5_min percent. */
static void evaluate(const char *path, int top1_min, int top5_min, int questions_min)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    int n = 0, top1 = 0, top5 = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        int64_t want = count_of(&q_id_of, line);
        assert_true(want > 0);
        json_t *items = search(tab + 1, 5);
        for (size_t i = 0; i < json_array_size(items); i++)
            if (item_id(items, i) == want) {
                top1 += i == 0;
                top5++;
            }
        json_decref(items);
        n++;
    }
    fclose(f);
    assert_true(n >= questions_min);
    if (top1 * 100 < top1_min * n || top5 * 100 < top5_min * n)
        fail_msg("%s: top-1 %d and top-5 %d of %d questions: below %d %% / %d %%", path, top1,
                 top5, n, top1_min, top5_min);
}

/* The thresholds are what the ranking reached when the sets were written,
 * less a little: a change to the search must not lose more
 * (bench/kb_measure.c --eval FILE prints the figures and --show the misses).
 * Rephrased questions: top-1 93 and top-5 102 of 102. */
static void rephrased_questions_find_their_entry(void **state)
{
    evaluate("tests/fixtures/kb_eval.tsv", 90, 98, 100);
}

/* Colloquial questions (打官司, 房东, 小孩 ...): top-1 11 and top-5 15 of 20
 * with bigrams alone, 15 and 17 with the synonyms (kb_synonyms.h), which were
 * written alongside this set: a regression check, not an unbiased score. */
static void colloquial_questions_find_their_entry_through_synonyms(void **state)
{
    evaluate("tests/fixtures/kb_eval_colloquial.tsv", 70, 80, 20);
}

/* The in-memory ranking (kb_index.h) is FTS5's bm25(kb_fts, 1.0, 0.3): the
 * same entries in the same order, for every question of the evaluation set,
 * full lists of 50, ASCII words, mixed and one-token searches. */
static void memory_ranking_is_fts5_ranking(void **state)
{
    static const char *const extra[] = {"离婚诉讼费怎么交", "LPR4倍利率", "abc公司诉王某", "离婚",
                                        "合同", "可以可以可以", "xyzzy",
                                        "（2023）京0105民初１２３４５号"};
    FILE *f = fopen("tests/fixtures/kb_eval.tsv", "r");
    assert_non_null(f);
    char line[1024];
    int n = 0;
    for (;;) {
        const char *q;
        if (n < (int)(sizeof extra / sizeof extra[0])) {
            q = extra[n];
        } else {
            if (!fgets(line, sizeof line, f))
                break;
            line[strcspn(line, "\r\n")] = '\0';
            char *tab = strchr(line, '\t');
            if (line[0] == '#' || !tab)
                continue;
            q = tab + 1;
        }
        n++;
        json_t *mem = search(q, YZ_KB_LIMIT_MAX), *fts = search_with(NULL, q, YZ_KB_LIMIT_MAX);
        if (!json_equal(mem, fts))
            fail_msg("\"%s\": %zu hits in memory, %zu by FTS5, or another order", q,
                     json_array_size(mem), json_array_size(fts));
        json_decref(mem);
        json_decref(fts);
    }
    fclose(f);
    assert_true(n > 100);
}

struct text_search {
    const char *q;
    struct yz_kb_index *idx;
    struct yz_buf out;
};

static enum yz_err text_tx(struct yz_tx *tx, void *p)
{
    struct text_search *t = p;
    return yz_kb_search_text(tx, t->idx, t->q, 10, &t->out);
}

/* The reply written as text is byte for byte the tree of yz_kb_search as the
 * router writes it, in memory and by FTS5, quotes and newlines escaped (the
 * answers hold newlines); nothing to search for is the same error. */
static void text_reply_is_the_tree_written(void **state)
{
    static const char *const qs[] = {"离婚诉讼费怎么交", "婚", "名为“个体工商户”实为“合伙”", "xyzzy",
                                     "LPR4倍"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        for (int k = 0; k < 2; k++) {
            struct yz_kb_index *idx = k ? NULL : app.kb_index;
            json_t *items = search_with(idx, qs[i], 10);
            json_t *tree = json_pack("{s:s, s:o, s:I}", "q", qs[i], "items", items, "total",
                                     (json_int_t)json_array_size(items));
            char *want = yz_json_dumps(tree);
            struct text_search t = {qs[i], idx, YZ_BUF_INIT(1 << 20)};
            assert_int_equal(yz_store_read(app.store, text_tx, &t), YZ_OK);
            assert_string_equal(t.out.data, want);
            free(want);
            json_decref(tree);
            yz_buf_release(&t.out);
        }
    struct text_search t = {"？！", app.kb_index, YZ_BUF_INIT(1 << 20)};
    assert_int_equal(yz_store_read(app.store, text_tx, &t), YZ_ERR_VALIDATION);
    yz_buf_release(&t.out);
    /* A reply over the buffer's cap is an error, not a cut text. */
    struct text_search small = {"离婚", app.kb_index, YZ_BUF_INIT(200)};
    assert_int_equal(yz_store_read(app.store, text_tx, &small), YZ_ERR_INTERNAL);
    yz_buf_release(&small.out);
}

/* A lone character is FTS5's (the index holds no single characters), with
 * or without bigrams beside it; the answer is the same with or without idx. */
static void lone_characters_go_to_fts5(void **state)
{
    static const char *const qs[] = {"婚", "离婚 诉", "个体工商户 谁"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        json_t *mem = search(qs[i], 10), *fts = search_with(NULL, qs[i], 10);
        assert_true(json_array_size(mem) > 0);
        assert_true(json_equal(mem, fts));
        json_decref(mem);
        json_decref(fts);
    }
}

/* An index bounded below the knowledge base's size holds nothing and leaves
 * every search to FTS5: the same answers (an index of the first 10 entries
 * only would answer otherwise). */
static void an_index_too_small_leaves_the_search_to_fts5(void **state)
{
    struct yz_kb_index *small = yz_kb_index_new(10);
    assert_non_null(small);
    static const char *const qs[] = {"离婚诉讼费怎么交", "lpr", "谁可以成为个体工商户？"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        json_t *mem = search_with(small, qs[i], 10), *fts = search_with(NULL, qs[i], 10);
        assert_true(json_array_size(mem) > 0);
        assert_true(json_equal(mem, fts));
        json_decref(mem);
        json_decref(fts);
    }
    yz_kb_index_free(small);
}

static void full_width_and_case_fold_to_the_same_search(void **state)
{
    /* leco-928 asks about "LPR4倍利率" (other answers mention LPR too). */
    int64_t lpr = count_of(&q_id_of, "leco-928");
    json_t *a = search("lpr", 10), *b = search("ＬＰＲ", 10), *c = search("LpR", 10);
    bool found = false;
    for (size_t i = 0; i < json_array_size(a); i++)
        found = found || item_id(a, i) == lpr;
    assert_true(found);
    assert_true(json_equal(a, b));
    assert_true(json_equal(a, c));
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

static void one_character_and_no_match(void **state)
{
    json_t *items = search("婚", 3); /* a colocated unigram of the document side */
    assert_int_equal(json_array_size(items), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *it = json_array_get(items, i);
        char both[16384];
        snprintf(both, sizeof both, "%s%s", json_string_value(json_object_get(it, "question")),
                 json_string_value(json_object_get(it, "answer")));
        assert_non_null(strstr(both, "婚"));
    }
    json_decref(items);
    items = search("xyzzy", 10);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
}

static void nothing_to_search_is_a_validation_error(void **state)
{
    struct search s = {"？！，。 ", 10, NULL, app.kb_index};
    assert_int_equal(yz_store_read(app.store, search_tx, &s), YZ_ERR_VALIDATION);
    assert_null(s.items);
    s.q = "\xff\xfe";
    assert_int_equal(yz_store_read(app.store, search_tx, &s), YZ_ERR_VALIDATION);
    s.idx = NULL;
    assert_int_equal(yz_store_read(app.store, search_tx, &s), YZ_ERR_VALIDATION);
    assert_null(s.items);
}

static void match_expr_quotes_distinct_tokens(void **state)
{
    char out[YZ_KB_MATCH_EXPR_SIZE];
    const char *q = "离婚离婚？ABC abc";
    assert_int_equal(yz_kb_match_expr(q, strlen(q), out, sizeof out), 3);
    assert_string_equal(out, "\"离婚\" OR \"婚离\" OR \"abc\"");
    assert_int_equal(yz_kb_match_expr("。", 3, out, sizeof out), 0);
    assert_string_equal(out, "");
    /* 100 different characters: 99 bigrams, of which the first 64 count. */
    char longq[400];
    size_t n = 0;
    for (unsigned cp = 0x4e00; cp < 0x4e00 + 100; cp++) {
        longq[n++] = (char)(0xe0 | cp >> 12);
        longq[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        longq[n++] = (char)(0x80 | (cp & 0x3f));
    }
    assert_int_equal(yz_kb_match_expr(longq, n, out, sizeof out), YZ_KB_TOKENS_MAX);
    assert_true(strlen(out) < sizeof out);
    /* A small buffer stops early rather than overflowing. */
    char small[12];
    assert_int_equal(yz_kb_match_expr(longq, n, small, sizeof small), 1);
    assert_string_equal(small, "\"一丁\"");
}

/* Writes text to dir/name and returns the path (static buffer). */
static const char *file_with(const char *name, const char *text, size_t len)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static void bad_import_files_are_refused_whole(void **state)
{
    static const char *const bad[] = {
        "{\"id\":\"t-1\",\"question\":\"好问题\",\"answer\":\"好答案\"}\nnot json\n",
        "{\"id\":\"t-1\",\"question\":\"好问题\",\"answer\":\"好答案\"}\n[1,2]\n",
        "{\"id\":\"t-2\",\"question\":\"没有答案\"}\n",
        "{\"id\":\"t-3\",\"question\":\"\",\"answer\":\"空问题\"}\n",
        "{\"id\":\"t 4\",\"question\":\"编号有空格\",\"answer\":\"答案\"}\n",
        "{\"id\":4,\"question\":\"编号是数字\",\"answer\":\"答案\"}\n",
        "{\"id\":\"t-5\",\"question\":\"两行\\n问题\",\"answer\":\"答案\"}\n",
        "{\"id\":\"t-6\",\"question\":\"零宽\\u200b字符\",\"answer\":\"答案\"}\n",
        "{\"id\":\"t-7\",\"question\":\"问题\",\"answer\":\"方向\\u202e控制\"}\n",
        "{\"id\":\"t-8\",\"question\":\"问题\",\"answer\":\"空\\u0000字符\"}\n",
        "{\"id\":\"t-9\",\"id\":\"t-9\",\"question\":\"重复键\",\"answer\":\"答案\"}\n",
    };
    int64_t before = count_of(NULL, NULL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int added = -1;
        char why[512];
        const char *path = file_with("bad.jsonl", bad[i], strlen(bad[i]));
        assert_int_equal(import(path, &added, why, sizeof why), YZ_ERR_CONFIG);
        if (!strstr(why, "bad.jsonl:"))
            fail_msg("case %zu: no line number in \"%s\"", i, why);
    }
    /* A line longer than the cap. */
    size_t big = YZ_KB_LINE_MAX + 100;
    char *text = malloc(big);
    memset(text, 'a', big);
    text[big - 1] = '\n';
    int added;
    char why[512];
    assert_int_equal(import(file_with("long.jsonl", text, big), &added, why, sizeof why),
                     YZ_ERR_CONFIG);
    assert_non_null(strstr(why, "longer than"));
    free(text);
    assert_int_equal(import("/nonexistent/kb.jsonl", &added, why, sizeof why), YZ_ERR_CONFIG);
    /* Nothing of a refused file stays, not even its good first line. */
    assert_int_equal(count_of(NULL, NULL), before);
    assert_int_equal(count_of(&q_id_of, "t-1"), -1);
    assert_int_equal(count_of(&q_events, NULL), 1);

    /* A good file with a blank line imports, and is found. */
    const char *good = "{\"id\":\"t-10\",\"question\":\"测试用的独特问题甲乙丙\",\"answer\":\"答\"}\n\n";
    assert_int_equal(import(file_with("good.jsonl", good, strlen(good)), &added, NULL, 0), YZ_OK);
    assert_int_equal(added, 1);
    assert_int_equal(count_of(&q_events, NULL), 2);
    json_t *items = search("甲乙丙", 1);
    assert_int_equal(item_id(items, 0), count_of(&q_id_of, "t-10"));
    json_decref(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_imports_once),
        cmocka_unit_test(search_ranks_the_asked_question_first),
        cmocka_unit_test(rephrased_questions_find_their_entry),
        cmocka_unit_test(colloquial_questions_find_their_entry_through_synonyms),
        cmocka_unit_test(memory_ranking_is_fts5_ranking),
        cmocka_unit_test(lone_characters_go_to_fts5),
        cmocka_unit_test(text_reply_is_the_tree_written),
        cmocka_unit_test(an_index_too_small_leaves_the_search_to_fts5),
        cmocka_unit_test(full_width_and_case_fold_to_the_same_search),
        cmocka_unit_test(one_character_and_no_match),
        cmocka_unit_test(nothing_to_search_is_a_validation_error),
        cmocka_unit_test(match_expr_quotes_distinct_tokens),
        cmocka_unit_test(bad_import_files_are_refused_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
