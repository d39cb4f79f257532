/*
 * The knowledge base search in process (src/kb/kb.h; issue 7): its quality
 * on the evaluation set tests/fixtures/kb_eval.tsv (hand-rephrased questions
 * whose answering entry is known) and its cost, through the product's own
 * yz_kb_search on a fresh database seeded from data/kb_lecoqa.jsonl, linked
 * against the release objects.
 *
 *   kb.eval.top1 / top5   percent of the questions whose entry comes first /
 *                         among the first five
 *   kb.search.us          median wall time of one search (limit 10) with its
 *                         reply's JSON text, as GET /api/v1/kb does it, over
 *                         all questions and the bench question, --runs times
 * Instructions per search (the before/after figure that other jobs on the
 * machine do not move): run it under callgrind with
 * --toggle-collect=search_all, which does every question of the set once and
 * the bench question of bench/run.sh (离婚诉讼费怎么交) --bench times
 * (bench/kb_callgrind.sh does this and divides).
 *
 * usage: kb_measure [--data DIR] [--eval FILE] [--runs N] [--bench N] [--show] [--fts] [--tree]
 * Output: the figure lines of bench/README.md ("value NAME VALUE UNIT");
 * --show also prints each missed question and what came first; --fts ranks
 * with FTS5's bm25() instead of the in-memory index (kb_index.h) and --tree
 * builds the reply as a jansson tree and writes it (yz_kb_search, json_pack,
 * yz_json_dumps) instead of yz_kb_search_text: both together are the search
 * before issue 7's change.
 */
#include "app/app.h"
#include "crypto/keys.h"
#include "kb/kb.h"
#include "kb/kb_index.h"
#include "core/jsonwrite.h"
#include "core/num.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EVAL_MAX 1000
#define BENCH_QUESTION "离婚诉讼费怎么交"

struct item {
    char id[YZ_KB_ID_MAX + 1];
    char q[512];
};

static struct yz_app app;
static struct item items[EVAL_MAX];
static int n_items;

static struct yz_sql_def q_source_of = YZ_SQL("SELECT source_id FROM kb_entries WHERE id = ?");

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

struct search {
    const char *q;
    int limit;
    json_t *items;
    char first[5][YZ_KB_ID_MAX + 1]; /* source ids of the first hits */
};

static enum yz_err search_tx(struct yz_tx *tx, void *p)
{
    struct search *s = p;
    enum yz_err e = yz_kb_search(tx, app.kb_index, s->q, s->limit, &s->items);
    for (size_t i = 0; e == YZ_OK && i < 5; i++) {
        s->first[i][0] = '\0';
        json_t *it = json_array_get(s->items, i);
        if (!it)
            continue;
        struct yz_stmt *st = yz_sql(tx, &q_source_of);
        yz_bind_i64(st, 1, json_integer_value(json_object_get(it, "id")));
        bool row;
        if ((e = yz_step(st, &row)) == YZ_OK && row) {
            snprintf(s->first[i], sizeof s->first[i], "%s", yz_col_text(st, 0));
            e = yz_exec(st);
        }
    }
    return e;
}

static int load_eval(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[1024];
    while (n_items < EVAL_MAX && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        if (strlen(line) >= sizeof items[n_items].id || strlen(tab + 1) >= sizeof items[n_items].q)
            continue;
        memcpy(items[n_items].id, line, strlen(line) + 1);
        memcpy(items[n_items].q, tab + 1, strlen(tab + 1) + 1);
        n_items++;
    }
    fclose(f);
    return n_items > 0 ? 0 : -1;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static bool tree; /* --tree: the reply as a jansson tree, written (the old way) */

struct reply {
    const char *q;
    struct yz_buf text;
};

static enum yz_err reply_tx(struct yz_tx *tx, void *p)
{
    struct reply *r = p;
    if (!tree)
        return yz_kb_search_text(tx, app.kb_index, r->q, YZ_KB_LIMIT_DEFAULT, &r->text);
    json_t *hits;
    enum yz_err e = yz_kb_search(tx, app.kb_index, r->q, YZ_KB_LIMIT_DEFAULT, &hits);
    if (e != YZ_OK)
        return e;
    json_t *body = json_pack("{s:s, s:o, s:I}", "q", r->q, "items", hits, "total",
                             (json_int_t)json_array_size(hits));
    char *text = yz_json_dumps(body);
    json_decref(body);
    if (!text || !yz_buf_adds(&r->text, text))
        e = YZ_ERR_INTERNAL;
    free(text);
    return e;
}

/* One search with its reply's JSON text, as GET /api/v1/kb does it. */
static void one(const char *q)
{
    struct reply r = {q, YZ_BUF_INIT(1 << 24)};
    if (yz_store_read(app.store, reply_tx, &r) != YZ_OK) {
        fprintf(stderr, "kb_measure: the search for %s failed\n", q);
        exit(1);
    }
    yz_buf_release(&r.text);
}

/* What callgrind counts (--toggle-collect=search_all): every question once,
 * then the bench question `bench` times. Not static, not inlined: callgrind
 * finds it by name. */
__attribute__((noinline)) void search_all(int bench);
__attribute__((noinline)) void search_all(int bench)
{
    for (int i = 0; i < n_items; i++)
        one(items[i].q);
    for (int i = 0; i < bench; i++)
        one(BENCH_QUESTION);
}

int main(int argc, char **argv)
{
    const char *data = "data", *eval = "tests/fixtures/kb_eval.tsv";
    int64_t runs = 20, bench = 100;
    bool show = false, fts = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--eval") && i + 1 < argc)
            eval = argv[++i];
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc &&
                 yz_parse_i64(argv[i + 1], 0, 1000, &runs))
            i++;
        else if (!strcmp(argv[i], "--bench") && i + 1 < argc &&
                 yz_parse_i64(argv[i + 1], 0, 100000, &bench))
            i++;
        else if (!strcmp(argv[i], "--show"))
            show = true;
        else if (!strcmp(argv[i], "--fts"))
            fts = true;
        else if (!strcmp(argv[i], "--tree"))
            tree = true;
        else {
            fprintf(stderr, "usage: kb_measure [--data DIR] [--eval FILE] [--runs N] [--bench N] "
                            "[--show] [--fts] [--tree]\n");
            return 2;
        }
    }
    if (load_eval(eval) != 0)
        return 2;

    char dir[64] = "/tmp/yz-kbm-XXXXXX", path[160], seed[512];
    if (!mkdtemp(dir))
        return 1;
    app.cfg.audit.checkpoint_every = 1000;
    if (!fts && !(app.kb_index = yz_kb_index_new(YZ_KB_INDEX_ENTRIES_MAX)))
        return 1;
    struct yz_buf err = YZ_BUF_INIT(256);
    snprintf(path, sizeof path, "%s/kb.db", dir);
    struct yz_store_options o = {.path = path, .connections = 2};
    enum yz_err e = yz_keys_create(dir, &err);
    if (e == YZ_OK)
        e = yz_keys_load(dir, &app.keys, &err);
    if (e == YZ_OK)
        e = yz_store_open(&o, &app.store, &err);
    snprintf(seed, sizeof seed, "%s/%s", data, YZ_KB_SEED_FILE);
    struct import im = {seed, 0, YZ_BUF_INIT(256)};
    if (e == YZ_OK)
        e = yz_store_write(app.store, import_tx, &im);
    if (e != YZ_OK)
        fprintf(stderr, "kb_measure: %s%s\n", err.data ? err.data : "",
                im.err.data ? im.err.data : "");
    yz_buf_release(&err);
    yz_buf_release(&im.err);

    int top1 = 0, top5 = 0;
    for (int i = 0; e == YZ_OK && i < n_items; i++) {
        struct search s = {items[i].q, 5, NULL, {{0}}};
        if ((e = yz_store_read(app.store, search_tx, &s)) != YZ_OK)
            break;
        int rank = -1;
        for (int k = 0; k < 5 && rank < 0; k++)
            if (!strcmp(s.first[k], items[i].id))
                rank = k;
        top1 += rank == 0;
        top5 += rank >= 0;
        if (show && rank != 0)
            printf("# %s rank %d: %s -> %s\n", items[i].id, rank < 0 ? -1 : rank + 1, items[i].q,
                   s.first[0]);
        json_decref(s.items);
    }

    double *t = NULL;
    size_t nt = 0;
    if (e == YZ_OK && runs > 0) {
        t = malloc(sizeof *t * (size_t)runs * (size_t)(n_items + 1));
        for (int r = 0; t && r < runs; r++)
            for (int i = 0; i <= n_items; i++) {
                double t0 = now_us();
                one(i < n_items ? items[i].q : BENCH_QUESTION);
                t[nt++] = now_us() - t0;
            }
    }
    if (e == YZ_OK)
        search_all((int)bench); /* at most 100000 */

    if (e == YZ_OK) {
        printf("value kb.eval.questions %d\n", n_items);
        printf("value kb.eval.top1 %.1f %%\n", 100.0 * top1 / n_items);
        printf("value kb.eval.top5 %.1f %%\n", 100.0 * top5 / n_items);
        if (nt) {
            qsort(t, nt, sizeof *t, cmp_double);
            printf("value kb.search.us %.1f us\n", t[nt / 2]);
        }
    }
    free(t);
    yz_store_close(app.store);
    yz_keys_free(app.keys);
    yz_kb_index_free(app.kb_index);
    snprintf(path, sizeof path, "rm -rf %s", dir);
    if (system(path) != 0)
        return 1;
    return e == YZ_OK ? 0 : 1;
}
