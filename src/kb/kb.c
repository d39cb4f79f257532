/* The knowledge base: import, search and look-up (kb.h). */
#include "kb/kb.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/utf8.h"
#include "kb/kb_index.h"
#include "kb/kb_synonyms.h"
#include "search/tokenizer.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO kb_entries(source_id, source, question, answer, created_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT(source_id) DO NOTHING RETURNING id");
static struct yz_sql_def q_index = YZ_SQL(
    "INSERT INTO kb_fts(rowid, question, answer) VALUES (?, ?, ?)");
/* BM25 over the matches, question 1.0 and answer 0.3 (kb.h); the text is
 * read from kb_entries only for the rows kept. */
static struct yz_sql_def q_search = YZ_SQL(
    "SELECT e.id, e.question, e.answer, e.source FROM"
    " (SELECT rowid AS id, bm25(kb_fts, 1.0, 0.3) AS rank FROM kb_fts WHERE kb_fts MATCH ?"
    " ORDER BY rank LIMIT ?) m JOIN kb_entries e ON e.id = m.id ORDER BY m.rank, e.id");
static struct yz_sql_def q_get = YZ_SQL(
    "SELECT id, question, answer, source FROM kb_entries WHERE id = ?");
static struct yz_sql_def q_count = YZ_SQL("SELECT count(*) FROM kb_entries");

/* A source id: 1..YZ_KB_ID_MAX bytes of printable ASCII without spaces. */
static bool id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > YZ_KB_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] > '~')
            return false;
    return true;
}

/* A text member of a line: present, 1..max characters, nothing hidden. */
static const char *text_of(json_t *o, const char *key, size_t max_cps, bool multiline)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || strlen(s) != n || yz_utf8_count(s, n) > max_cps ||
        yz_utf8_has_control(s, n, multiline))
        return NULL;
    return s;
}

static enum yz_err import_line(struct yz_tx *tx, json_t *o, const char *source, int64_t now,
                               int *added)
{
    json_t *idv = json_object_get(o, "id");
    const char *id = json_is_string(idv) ? json_string_value(idv) : NULL;
    const char *question = text_of(o, "question", YZ_KB_QUESTION_MAX_CPS, false);
    const char *answer = text_of(o, "answer", YZ_KB_ANSWER_MAX_CPS, true);
    if (!id || !id_ok(id) || !question || !answer)
        return YZ_ERR_CONFIG;
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_text(st, 1, id);
    yz_bind_text(st, 2, source);
    yz_bind_text(st, 3, question);
    yz_bind_text(st, 4, answer);
    yz_bind_i64(st, 5, now);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e; /* no row: the id is there already */
    int64_t rowid = yz_col_i64(st, 0);
    if ((e = yz_step(st, &row)) != YZ_OK) /* finish the RETURNING statement */
        return e;
    st = yz_sql(tx, &q_index);
    yz_bind_i64(st, 1, rowid);
    yz_bind_text(st, 2, question);
    yz_bind_text(st, 3, answer);
    if ((e = yz_exec(st)) == YZ_OK)
        (*added)++;
    return e;
}

enum yz_err yz_kb_import(struct yz_tx *tx, struct yz_app *app, const char *path,
                         const char *source, int *added, struct yz_buf *err)
{
    *added = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        yz_buf_addf(err, "cannot open the knowledge base %s", path);
        return YZ_ERR_CONFIG;
    }
    char *line = malloc(YZ_KB_LINE_MAX + 2);
    if (!line)
        YZ_BUG("out of memory");
    enum yz_err e = YZ_OK;
    int64_t now = yz_time_now_ms();
    size_t lineno = 0;
    while (e == YZ_OK && fgets(line, YZ_KB_LINE_MAX + 2, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len > YZ_KB_LINE_MAX || (len && line[len - 1] != '\n' && !feof(f))) {
            yz_buf_addf(err, "%s:%zu: a line longer than %d bytes", path, lineno, YZ_KB_LINE_MAX);
            e = YZ_ERR_CONFIG;
            break;
        }
        if (lineno > YZ_KB_ENTRIES_MAX) {
            yz_buf_addf(err, "%s: more than %d entries", path, YZ_KB_ENTRIES_MAX);
            e = YZ_ERR_CONFIG;
            break;
        }
        if (strspn(line, " \t\r\n") == len)
            continue; /* a blank line */
        json_error_t jerr;
        json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(o)) {
            yz_buf_addf(err, "%s:%zu: not a JSON object%s%s", path, lineno, o ? "" : ": ",
                        o ? "" : jerr.text);
            e = YZ_ERR_CONFIG;
        } else {
            e = import_line(tx, o, source, now, added);
            if (e == YZ_ERR_CONFIG)
                yz_buf_addf(err,
                            "%s:%zu: needs \"id\" (1-%d printable ASCII bytes), \"question\" "
                            "(1-%d characters, one line) and \"answer\" (1-%d characters), "
                            "without control or invisible characters",
                            path, lineno, YZ_KB_ID_MAX, YZ_KB_QUESTION_MAX_CPS,
                            YZ_KB_ANSWER_MAX_CPS);
            else if (e != YZ_OK)
                yz_buf_addf(err, "%s:%zu: cannot store the entry (%s)", path, lineno,
                            yz_err_code(e));
        }
        json_decref(o);
    }
    if (e == YZ_OK && ferror(f)) {
        yz_buf_addf(err, "cannot read %s", path);
        e = YZ_ERR_CONFIG;
    }
    fclose(f);
    free(line);
    if (e == YZ_OK && *added > 0) {
        const char *base = strrchr(path, '/');
        json_t *payload = json_pack("{s:s, s:s, s:i}", "file", base ? base + 1 : path, "source",
                                    source, "added", *added);
        e = yz_app_record(tx, app, "kb", "kb.imported", 0, 0, "system", payload, NULL);
        json_decref(payload);
    }
    return e;
}

struct expr {
    char *out;
    size_t size, len, count;
};

/* Appends "token" once, with OR before all but the first. */
static int add_token(void *p, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct expr *x = p;
    (void)flags;
    if (x->count == YZ_KB_TOKENS_MAX)
        return 1; /* enough: the rest does not count */
    char quoted[YZ_TOK_MAX + 3];
    quoted[0] = '"';
    memcpy(quoted + 1, tok, len);
    quoted[len + 1] = '"';
    quoted[len + 2] = '\0';
    /* Distinct tokens only: the same bigram twice would weigh it twice. */
    if (strstr(x->out, quoted)) /* tokens hold no '"': only the same token matches */
        return 0;
    size_t need = (x->count ? 4 : 0) + len + 2;
    if (x->len + need + 1 > x->size)
        return 1;
    if (x->count) {
        memcpy(x->out + x->len, " OR ", 4);
        x->len += 4;
    }
    memcpy(x->out + x->len, quoted, len + 2);
    x->len += len + 2;
    x->out[x->len] = '\0';
    x->count++;
    return 0;
}

size_t yz_kb_match_expr(const char *q, size_t n, char *out, size_t size)
{
    struct expr x = {out, size, 0, 0};
    out[0] = '\0';
    yz_tokenize(q, n, YZ_TOK_QUERY, add_token, &x);
    return x.count;
}

static json_t *entry_json(struct yz_stmt *st)
{
    return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)yz_col_i64(st, 0), "question",
                     yz_col_text(st, 1), "answer", yz_col_text(st, 2), "source",
                     yz_col_text(st, 3));
}

/* Called with each hit's row (id, question, answer, source), best first. */
typedef enum yz_err (*hit_fn)(void *ctx, struct yz_stmt *st);

/* The search of yz_kb_search (kb.h), each hit handed to fn. */
static enum yz_err search(struct yz_tx *tx, struct yz_kb_index *idx, const char *q, int limit,
                          hit_fn fn, void *ctx)
{
    char expr[YZ_KB_MATCH_EXPR_SIZE];
    if (yz_kb_match_expr(q, strlen(q), expr, sizeof expr) == 0)
        return YZ_ERR_VALIDATION;
    /* The search with the legal terms of its colloquial words (kb_synonyms.h);
     * a search too long for the buffer (not from the API) as it is. */
    char qx[YZ_KB_QUERY_MAX_CPS * 4 + YZ_KB_SYNONYMS_EXTRA];
    const char *text = q;
    size_t len = yz_kb_expand(q, qx, sizeof qx);
    if (len > 0) {
        text = qx;
        yz_kb_match_expr(qx, len, expr, sizeof expr);
    } else {
        len = strlen(q);
    }
    if (limit < 1 || limit > YZ_KB_LIMIT_MAX)
        limit = YZ_KB_LIMIT_DEFAULT;
    enum yz_err e;
    bool row;
    if (idx) {
        int64_t ids[YZ_KB_LIMIT_MAX];
        int n;
        bool answered;
        if ((e = yz_kb_index_rank(idx, tx, text, len, limit, ids, &n, &answered)) != YZ_OK)
            return e;
        for (int i = 0; answered && i < n; i++) {
            struct yz_stmt *st = yz_sql(tx, &q_get);
            yz_bind_i64(st, 1, ids[i]);
            if ((e = yz_step(st, &row)) != YZ_OK)
                return e;
            if (row && (e = fn(ctx, st)) != YZ_OK) /* no row: cannot be, entries stay */
                return e;
        }
        if (answered)
            return YZ_OK;
    }
    struct yz_stmt *st = yz_sql(tx, &q_search);
    yz_bind_text(st, 1, expr);
    yz_bind_i64(st, 2, limit);
    while ((e = yz_step(st, &row)) == YZ_OK && row)
        if ((e = fn(ctx, st)) != YZ_OK)
            return e;
    return e;
}

static enum yz_err hit_json(void *ctx, struct yz_stmt *st)
{
    json_array_append_new(ctx, entry_json(st));
    return YZ_OK;
}

enum yz_err yz_kb_search(struct yz_tx *tx, struct yz_kb_index *idx, const char *q, int limit,
                         json_t **items)
{
    json_t *a = json_array();
    enum yz_err e = search(tx, idx, q, limit, hit_json, a);
    if (e != YZ_OK) {
        json_decref(a);
        a = NULL;
    }
    *items = a;
    return e;
}

struct text {
    struct yz_buf *out;
    int64_t count;
};

static enum yz_err hit_text(void *ctx, struct yz_stmt *st)
{
    struct text *t = ctx;
    bool ok = yz_json_put_int(t->out, t->count ? ",{\"id\":" : "{\"id\":", yz_col_i64(st, 0)) &&
              yz_json_put_str(t->out, ",\"question\":", yz_col_text(st, 1)) &&
              yz_json_put_str(t->out, ",\"answer\":", yz_col_text(st, 2)) &&
              yz_json_put_str(t->out, ",\"source\":", yz_col_text(st, 3)) &&
              yz_buf_addc(t->out, '}');
    t->count++;
    return ok ? YZ_OK : YZ_ERR_INTERNAL;
}

enum yz_err yz_kb_search_text(struct yz_tx *tx, struct yz_kb_index *idx, const char *q, int limit,
                              struct yz_buf *out)
{
    struct text t = {out, 0};
    if (!yz_json_put_str(out, "{\"q\":", q) || !yz_buf_adds(out, ",\"items\":["))
        return YZ_ERR_INTERNAL;
    enum yz_err e = search(tx, idx, q, limit, hit_text, &t);
    if (e == YZ_OK && !yz_json_put_int(out, "],\"total\":", t.count))
        e = YZ_ERR_INTERNAL;
    if (e == YZ_OK && !yz_buf_addc(out, '}'))
        e = YZ_ERR_INTERNAL;
    return e;
}

enum yz_err yz_kb_get(struct yz_tx *tx, int64_t id, json_t **out)
{
    *out = NULL;
    struct yz_stmt *st = yz_sql(tx, &q_get);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    *out = entry_json(st);
    return YZ_OK;
}

enum yz_err yz_kb_count(struct yz_tx *tx, int64_t *count)
{
    struct yz_stmt *st = yz_sql(tx, &q_count);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *count = e == YZ_OK && row ? yz_col_i64(st, 0) : 0;
    return e;
}
