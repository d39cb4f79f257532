/*
 * The backend-neutral half of store.h: dispatch through the backend table.
 * Only SQLite exists today; PostgreSQL will be picked by the options.
 */
#include "store/store.h"
#include "store/store_backend.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct yz_store {
    const struct yz_store_backend *backend;
    void *impl;
};

static _Atomic int next_slot = 1;

int yz_store_sql_slot(struct yz_sql_def *def)
{
    /* Racing first uses may both assign; either slot is valid because a slot
     * only indexes a per-connection cache. The atomic keeps slots unique. */
    int slot = __atomic_load_n(&def->slot, __ATOMIC_ACQUIRE);
    if (slot)
        return slot;
    int fresh = atomic_fetch_add(&next_slot, 1);
    if (fresh >= YZ_STORE_MAX_STATEMENTS)
        YZ_BUG("more than %d SQL statements", YZ_STORE_MAX_STATEMENTS);
    int expected = 0;
    if (__atomic_compare_exchange_n(&def->slot, &expected, fresh, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return fresh;
    return expected;
}

enum yz_err yz_store_open(const struct yz_store_options *opt, struct yz_store **out,
                          struct yz_buf *err)
{
    struct yz_store *s = yz_calloc(1, sizeof *s);
    s->backend = &yz_store_sqlite;
    enum yz_err rc = s->backend->open(opt, &s->impl, err);
    if (rc != YZ_OK) {
        free(s);
        return rc;
    }
    *out = s;
    return YZ_OK;
}

void yz_store_close(struct yz_store *s)
{
    if (!s)
        return;
    s->backend->close(s->impl);
    free(s);
}

enum yz_err yz_store_read(struct yz_store *s, yz_tx_fn fn, void *ctx)
{
    return s->backend->run(s->impl, false, fn, ctx);
}

enum yz_err yz_store_write(struct yz_store *s, yz_tx_fn fn, void *ctx)
{
    return s->backend->run(s->impl, true, fn, ctx);
}

bool yz_store_write_detached(struct yz_store *s, yz_tx_fn fn, const void *ctx, size_t ctx_size,
                             yz_store_done_fn done)
{
    return s->backend->write_detached(s->impl, fn, ctx, ctx_size, done);
}

void yz_store_stats(struct yz_store *s, struct yz_store_stats *out)
{
    s->backend->stats(s->impl, out);
}

void yz_store_watch(struct yz_store *s, const char *table, yz_store_watch_fn fn, void *arg)
{
    s->backend->watch(s->impl, table, fn, arg);
}

int yz_store_schema_version(struct yz_store *s)
{
    return s->backend->schema_version(s->impl);
}

enum yz_err yz_store_bulk(struct yz_store *s, bool on)
{
    return s->backend->bulk(s->impl, on);
}

void yz_store_checkpoint_idle(struct yz_store *s)
{
    s->backend->checkpoint_idle(s->impl);
}

enum yz_err yz_store_backup(struct yz_store *s, const char *path, struct yz_buf *err)
{
    return s->backend->backup(s->impl, path, err);
}

#define TX_BACKEND(tx) (((struct yz_tx_header *)(tx))->backend)
#define ST_BACKEND(st) (((struct yz_stmt_header *)(st))->backend)

enum yz_err yz_tx_defer_indexes(struct yz_tx *tx, bool defer)
{
    return TX_BACKEND(tx)->defer_indexes(tx, defer);
}

struct yz_stmt *yz_sql(struct yz_tx *tx, struct yz_sql_def *def)
{
    return TX_BACKEND(tx)->sql(tx, def);
}
void yz_bind_i64(struct yz_stmt *st, int idx, int64_t v)
{
    ST_BACKEND(st)->bind_i64(st, idx, v);
}
void yz_bind_text(struct yz_stmt *st, int idx, const char *s)
{
    if (s)
        ST_BACKEND(st)->bind_textn(st, idx, s, strlen(s), true);
    else
        ST_BACKEND(st)->bind_null(st, idx);
}
void yz_bind_textn(struct yz_stmt *st, int idx, const char *s, size_t n)
{
    ST_BACKEND(st)->bind_textn(st, idx, s, n, true);
}
void yz_bind_blob(struct yz_stmt *st, int idx, const void *p, size_t n)
{
    ST_BACKEND(st)->bind_blob(st, idx, p, n, true);
}
void yz_bind_text_ref(struct yz_stmt *st, int idx, const char *s)
{
    if (s)
        ST_BACKEND(st)->bind_textn(st, idx, s, strlen(s), false);
    else
        ST_BACKEND(st)->bind_null(st, idx);
}
void yz_bind_textn_ref(struct yz_stmt *st, int idx, const char *s, size_t n)
{
    ST_BACKEND(st)->bind_textn(st, idx, s, n, false);
}
void yz_bind_blob_ref(struct yz_stmt *st, int idx, const void *p, size_t n)
{
    ST_BACKEND(st)->bind_blob(st, idx, p, n, false);
}
void yz_bind_null(struct yz_stmt *st, int idx)
{
    ST_BACKEND(st)->bind_null(st, idx);
}
enum yz_err yz_step(struct yz_stmt *st, bool *row)
{
    return ST_BACKEND(st)->step(st, row);
}
enum yz_err yz_exec(struct yz_stmt *st)
{
    bool row;
    enum yz_err rc;
    do
        rc = yz_step(st, &row);
    while (rc == YZ_OK && row);
    return rc;
}
enum yz_err yz_step_one(struct yz_stmt *st)
{
    bool row;
    enum yz_err e = yz_step(st, &row);
    return e == YZ_OK && !row ? YZ_ERR_NOT_FOUND : e;
}
bool yz_col_null(struct yz_stmt *st, int col)
{
    return ST_BACKEND(st)->col_null(st, col);
}
int64_t yz_col_i64(struct yz_stmt *st, int col)
{
    return ST_BACKEND(st)->col_i64(st, col);
}
const char *yz_col_text(struct yz_stmt *st, int col)
{
    return ST_BACKEND(st)->col_text(st, col);
}
const void *yz_col_blob(struct yz_stmt *st, int col, size_t *n)
{
    return ST_BACKEND(st)->col_blob(st, col, n);
}
int64_t yz_tx_changes(struct yz_tx *tx)
{
    return TX_BACKEND(tx)->changes(tx);
}
void yz_tx_before_commit(struct yz_tx *tx, yz_tx_hook fn, void *ctx)
{
    TX_BACKEND(tx)->before_commit(tx, fn, ctx);
}
int yz_tx_max_rows(struct yz_tx *tx)
{
    return ((struct yz_tx_header *)tx)->max_rows;
}
