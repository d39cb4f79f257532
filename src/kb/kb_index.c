/* The knowledge base's ranking in memory (kb_index.h). */
#include "kb/kb_index.h"
#include "kb/kb.h"
#include "search/tokenizer.h"
#include "store/store.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define TF_MAX 65535u

static struct yz_sql_def q_version = YZ_SQL("SELECT coalesce(max(id), 0) FROM kb_entries");
static struct yz_sql_def q_all = YZ_SQL("SELECT id, question, answer FROM kb_entries ORDER BY id");

struct posting {
    uint32_t doc;
    uint16_t tf_q, tf_a; /* instances in the question and in the answer */
};

struct term {
    uint64_t hash;
    uint32_t first, count; /* its postings: postings[first .. first + count) */
};

struct yz_kb_index {
    pthread_rwlock_t lock;
    int64_t version; /* max(id) of kb_entries the postings hold; -1: none yet */
    uint32_t max_entries;
    bool too_big; /* more than the bounds: every search goes to FTS5 */
    uint32_t ndocs;
    int64_t *ids;       /* the entry id of each document, ascending */
    double *norm;       /* k1 * (1 - b + b * size / average size) of each document */
    struct term *terms; /* by hash */
    size_t nterms;
    struct posting *postings; /* by term, then by document */
};

/* FNV-1a, 64 bits: terms are at most YZ_TOK_MAX bytes. */
static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    return h;
}

/* A token of one non-ASCII character: a lone CJK character or a unigram. */
static bool lone_character(const char *tok, size_t len)
{
    if ((unsigned char)tok[0] < 0x80)
        return false;
    size_t chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += ((unsigned char)tok[i] & 0xc0) != 0x80;
    return chars == 1;
}

struct yz_kb_index *yz_kb_index_new(uint32_t max_entries)
{
    struct yz_kb_index *idx = calloc(1, sizeof *idx);
    if (!idx)
        return NULL;
    if (pthread_rwlock_init(&idx->lock, NULL) != 0) {
        free(idx);
        return NULL;
    }
    idx->version = -1;
    idx->max_entries = max_entries;
    return idx;
}

static void release(struct yz_kb_index *idx)
{
    free(idx->ids);
    free(idx->norm);
    free(idx->terms);
    free(idx->postings);
    idx->ids = NULL;
    idx->norm = NULL;
    idx->terms = NULL;
    idx->postings = NULL;
    idx->ndocs = 0;
    idx->nterms = 0;
    idx->too_big = false;
    idx->version = -1;
}

void yz_kb_index_free(struct yz_kb_index *idx)
{
    if (!idx)
        return;
    release(idx);
    pthread_rwlock_destroy(&idx->lock);
    free(idx);
}

/* ---- building ---- */

/* One term of one document with its counts, while building. */
struct raw {
    uint64_t hash;
    uint32_t doc;
    uint16_t tf_q, tf_a;
};

struct growing {
    void *p;
    size_t n, cap, size; /* size: bytes of an element */
};

static void *grow(struct growing *g)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 1024;
        void *bigger = realloc(g->p, g->cap * g->size);
        if (!bigger)
            YZ_BUG("out of memory");
        g->p = bigger;
    }
    return (char *)g->p + g->size * g->n++;
}

/* The tokens of one column of one document: their hashes (the column in the
 * low bit of .doc) and the document's size. */
struct doc_tokens {
    struct growing occ; /* struct raw, tf unused */
    uint32_t size;
    uint32_t column;
};

static int doc_token(void *p, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct doc_tokens *d = p;
    (void)start;
    (void)end;
    if (!(flags & YZ_TOK_COLOCATED))
        d->size++; /* FTS5 counts positions */
    if (lone_character(tok, len))
        return 0;
    struct raw *r = grow(&d->occ);
    r->hash = hash_of(tok, len);
    r->doc = d->column;
    return 0;
}

static int by_hash_then_doc(const void *a, const void *b)
{
    const struct raw *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->doc > y->doc) - (x->doc < y->doc);
}

static uint16_t tf_add(uint16_t tf)
{
    return tf < TF_MAX ? (uint16_t)(tf + 1) : tf;
}

/* Builds the postings from the entries tx sees (whose max(id) is version). */
static enum yz_err build(struct yz_kb_index *idx, struct yz_tx *tx, int64_t version)
{
    release(idx);
    struct growing raws = {NULL, 0, 0, sizeof(struct raw)};
    struct growing ids = {NULL, 0, 0, sizeof(int64_t)};
    struct growing sizes = {NULL, 0, 0, sizeof(uint32_t)};
    struct doc_tokens d = {{NULL, 0, 0, sizeof(struct raw)}, 0, 0};
    struct yz_stmt *st = yz_sql(tx, &q_all);
    bool row;
    enum yz_err e;
    uint64_t total = 0;
    bool too_big = false;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        if (ids.n == idx->max_entries || raws.n > YZ_KB_INDEX_POSTINGS_MAX) {
            too_big = true;
            e = yz_exec(st); /* finish the statement */
            break;
        }
        uint32_t doc = (uint32_t)ids.n;
        *(int64_t *)grow(&ids) = yz_col_i64(st, 0);
        d.occ.n = 0;
        d.size = 0;
        for (int col = 0; col < 2; col++) {
            const char *text = yz_col_text(st, 1 + col);
            d.column = (uint32_t)col;
            yz_tokenize(text, strlen(text), YZ_TOK_DOCUMENT, doc_token, &d);
        }
        *(uint32_t *)grow(&sizes) = d.size;
        total += d.size;
        if (d.occ.n > 1)
            qsort(d.occ.p, d.occ.n, sizeof(struct raw), by_hash_then_doc);
        struct raw *occ = d.occ.p;
        for (size_t i = 0; i < d.occ.n; i++) {
            struct raw *r;
            if (i == 0 || occ[i].hash != occ[i - 1].hash) {
                r = grow(&raws);
                *r = (struct raw){occ[i].hash, doc, 0, 0};
            } else {
                r = (struct raw *)raws.p + raws.n - 1;
            }
            if (occ[i].doc == 0)
                r->tf_q = tf_add(r->tf_q);
            else
                r->tf_a = tf_add(r->tf_a);
        }
    }
    free(d.occ.p);
    if (e == YZ_OK && !too_big) {
        idx->ndocs = (uint32_t)ids.n;
        idx->ids = ids.p;
        ids.p = NULL;
        idx->norm = malloc(sizeof(double) * (ids.n ? ids.n : 1));
        if (!idx->norm)
            YZ_BUG("out of memory");
        double avg = idx->ndocs ? (double)total / (double)idx->ndocs : 1.0;
        const uint32_t *sz = sizes.p;
        /* As FTS5's bm25: k1 * (1 - b + b * D / avgdl), in its order. */
        for (uint32_t i = 0; i < idx->ndocs; i++)
            idx->norm[i] = YZ_KB_BM25_K1 * (1 - YZ_KB_BM25_B + YZ_KB_BM25_B * (double)sz[i] / avg);
        if (raws.n > 1)
            qsort(raws.p, raws.n, sizeof(struct raw), by_hash_then_doc);
        const struct raw *r = raws.p;
        size_t nterms = 0;
        for (size_t i = 0; i < raws.n; i++)
            nterms += i == 0 || r[i].hash != r[i - 1].hash;
        idx->postings = malloc(sizeof(struct posting) * (raws.n ? raws.n : 1));
        idx->terms = malloc(sizeof(struct term) * (nterms ? nterms : 1));
        if (!idx->postings || !idx->terms)
            YZ_BUG("out of memory");
        for (size_t i = 0; i < raws.n; i++) {
            if (i == 0 || r[i].hash != r[i - 1].hash)
                idx->terms[idx->nterms++] = (struct term){r[i].hash, (uint32_t)i, 0};
            idx->terms[idx->nterms - 1].count++;
            idx->postings[i] = (struct posting){r[i].doc, r[i].tf_q, r[i].tf_a};
        }
    }
    free(raws.p);
    free(ids.p);
    free(sizes.p);
    if (e != YZ_OK) {
        release(idx);
        return e;
    }
    if (too_big)
        release(idx);
    idx->too_big = too_big;
    idx->version = version;
    return YZ_OK;
}

/* ---- ranking ---- */

struct query {
    uint64_t hash[YZ_KB_TOKENS_MAX];
    size_t n;
    bool lone; /* holds a lone character: FTS5's */
};

static int query_token(void *p, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct query *q = p;
    (void)flags;
    (void)start;
    (void)end;
    if (q->n == YZ_KB_TOKENS_MAX)
        return 1; /* as yz_kb_match_expr: the rest does not count */
    if (lone_character(tok, len))
        q->lone = true;
    uint64_t h = hash_of(tok, len);
    for (size_t i = 0; i < q->n; i++)
        if (q->hash[i] == h)
            return 0;
    q->hash[q->n++] = h;
    return 0;
}

static const struct term *term_of(const struct yz_kb_index *idx, uint64_t h)
{
    size_t lo = 0, hi = idx->nterms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx->terms[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < idx->nterms && idx->terms[lo].hash == h ? &idx->terms[lo] : NULL;
}

/* a ranks before b: the higher score, then the lower id (the lower document). */
static bool before(double sa, uint32_t a, double sb, uint32_t b)
{
    return sa > sb || (sa == sb && a < b);
}

static void rank_locked(const struct yz_kb_index *idx, const struct query *q, int limit,
                        int64_t *ids, int *count)
{
    uint32_t n = idx->ndocs;
    double *score = calloc(n ? n : 1, sizeof *score);
    uint32_t *touched = malloc(sizeof *touched * (n ? n : 1));
    if (!score || !touched)
        YZ_BUG("out of memory");
    size_t ntouched = 0;
    for (size_t t = 0; t < q->n; t++) {
        const struct term *term = term_of(idx, q->hash[t]);
        if (!term)
            continue;
        /* FTS5's bm25, term by term in the query's order as it adds them. */
        double idf = log(((double)n - term->count + 0.5) / (term->count + 0.5));
        if (idf <= 0.0)
            idf = 1e-6;
        const struct posting *p = idx->postings + term->first;
        for (uint32_t i = 0; i < term->count; i++) {
            /* The column weights summed instance by instance, as FTS5 does. */
            double f = 0;
            for (unsigned k = 0; k < p[i].tf_q; k++)
                f += YZ_KB_WEIGHT_QUESTION;
            for (unsigned k = 0; k < p[i].tf_a; k++)
                f += YZ_KB_WEIGHT_ANSWER;
            uint32_t doc = p[i].doc;
            if (score[doc] == 0.0)
                touched[ntouched++] = doc;
            score[doc] += idf * (f * (YZ_KB_BM25_K1 + 1.0)) / (f + idx->norm[doc]);
        }
    }
    /* The best `limit`, kept in order by insertion. */
    uint32_t best[YZ_KB_LIMIT_MAX];
    int nb = 0;
    for (size_t i = 0; i < ntouched; i++) {
        uint32_t d = touched[i];
        if (nb == limit && !before(score[d], d, score[best[nb - 1]], best[nb - 1]))
            continue;
        int at = nb < limit ? nb++ : limit - 1;
        while (at > 0 && before(score[d], d, score[best[at - 1]], best[at - 1])) {
            best[at] = best[at - 1];
            at--;
        }
        best[at] = d;
    }
    for (int i = 0; i < nb; i++)
        ids[i] = idx->ids[best[i]];
    *count = nb;
    free(score);
    free(touched);
}

enum yz_err yz_kb_index_rank(struct yz_kb_index *idx, struct yz_tx *tx, const char *q, size_t n,
                             int limit, int64_t *ids, int *count, bool *answered)
{
    *answered = false;
    *count = 0;
    if (limit < 1 || limit > YZ_KB_LIMIT_MAX)
        limit = YZ_KB_LIMIT_DEFAULT;
    struct query qy = {{0}, 0, false};
    yz_tokenize(q, n, YZ_TOK_QUERY, query_token, &qy);
    if (qy.lone)
        return YZ_OK;
    struct yz_stmt *st = yz_sql(tx, &q_version);
    bool row;
    enum yz_err e = yz_step(st, &row);
    int64_t version = e == YZ_OK && row ? yz_col_i64(st, 0) : 0;
    if (e == YZ_OK && row)
        e = yz_exec(st); /* finish the statement */
    if (e != YZ_OK)
        return e;
    pthread_rwlock_rdlock(&idx->lock);
    if (idx->version != version) {
        /* Stale or never built: rebuild under the write lock, rank there. */
        pthread_rwlock_unlock(&idx->lock);
        pthread_rwlock_wrlock(&idx->lock);
        if (idx->version != version)
            e = build(idx, tx, version);
    }
    if (e == YZ_OK && !idx->too_big) {
        rank_locked(idx, &qy, limit, ids, count);
        *answered = true;
    }
    pthread_rwlock_unlock(&idx->lock);
    return e;
}
