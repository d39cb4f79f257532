/*
 * The FTS5 glue of the CJK bigram tokenizer (fts_cjk.h). FTS5 asks for the
 * document side when it indexes (and for auxiliary functions such as
 * highlight()), and for the query side when it parses a MATCH expression, so
 * a quoted query string becomes the same bigrams the application searches.
 * The tokenizer keeps no state: xCreate hands out one static instance.
 */
#include "store/fts_cjk.h"
#include "search/tokenizer.h"

#include <string.h>

static int instance; /* the Fts5Tokenizer handle: only its address is used */

static int cjk_create(void *unused, const char **args, int nargs, Fts5Tokenizer **out)
{
    (void)unused;
    (void)args;
    *out = NULL;
    if (nargs != 0) /* "yizhan_cjk" takes no options */
        return SQLITE_ERROR;
    *out = (Fts5Tokenizer *)&instance;
    return SQLITE_OK;
}

static void cjk_delete(Fts5Tokenizer *t)
{
    (void)t;
}

struct relay {
    void *ctx;
    int (*token)(void *ctx, int flags, const char *tok, int len, int start, int end);
};

/* Token lengths and offsets fit an int: the text came in with an int length. */
static int relay_token(void *p, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct relay *r = p;
    return r->token(r->ctx, (flags & YZ_TOK_COLOCATED) ? FTS5_TOKEN_COLOCATED : 0, tok, (int)len,
                    (int)start, (int)end);
}

static int cjk_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*token)(void *, int, const char *, int, int, int))
{
    (void)t;
    if (n <= 0)
        return SQLITE_OK;
    struct relay r = {ctx, token};
    enum yz_tok_mode mode = (flags & FTS5_TOKENIZE_QUERY) ? YZ_TOK_QUERY : YZ_TOK_DOCUMENT;
    return yz_tokenize(text, (size_t)n, mode, relay_token, &r);
}

/* The fts5_api of db, the documented way: SELECT fts5(?1) with a pointer bound. */
static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

enum yz_err yz_fts_cjk_register(sqlite3 *db, struct yz_buf *err)
{
    static fts5_tokenizer cjk = {cjk_create, cjk_delete, cjk_tokenize};
    fts5_api *api = fts5_api_of(db);
    if (!api || api->iVersion < 2) {
        yz_buf_adds(err, "this SQLite has no FTS5 (the knowledge base's full-text search needs it)");
        return YZ_ERR_CONFIG;
    }
    int rc = api->xCreateTokenizer(api, YZ_FTS_CJK_NAME, NULL, &cjk, NULL);
    if (rc != SQLITE_OK) {
        yz_buf_addf(err, "cannot register the FTS5 tokenizer %s: %s", YZ_FTS_CJK_NAME,
                    sqlite3_errstr(rc));
        return YZ_ERR_INTERNAL;
    }
    return YZ_OK;
}
