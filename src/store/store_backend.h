/*
 * What a storage backend provides. store.c dispatches the public functions of
 * store.h through this table, so areas never know which backend runs; a test
 * decorator can wrap a table to fail the N-th call (STYLE.md: git's refs).
 */
#ifndef YZ_STORE_BACKEND_H
#define YZ_STORE_BACKEND_H

#include "store/store.h"

struct yz_store_backend {
    const char *name;
    enum yz_err (*open)(const struct yz_store_options *opt, void **impl, struct yz_buf *err);
    void (*close)(void *impl);
    enum yz_err (*run)(void *impl, bool write, yz_tx_fn fn, void *ctx);
    bool (*write_detached)(void *impl, yz_tx_fn fn, const void *ctx, size_t ctx_size,
                           yz_store_done_fn done);
    int (*schema_version)(void *impl);
    void (*stats)(void *impl, struct yz_store_stats *out);
    void (*watch)(void *impl, const char *table, yz_store_watch_fn fn, void *arg);
    enum yz_err (*backup)(void *impl, const char *path, struct yz_buf *err);
    enum yz_err (*bulk)(void *impl, bool on);
    void (*checkpoint_idle)(void *impl);

    struct yz_stmt *(*sql)(struct yz_tx *tx, struct yz_sql_def *def);
    void (*bind_i64)(struct yz_stmt *st, int idx, int64_t v);
    /* copy false: the caller keeps the bytes until the use's last step (store.h, *_ref). */
    void (*bind_textn)(struct yz_stmt *st, int idx, const char *s, size_t n, bool copy);
    void (*bind_blob)(struct yz_stmt *st, int idx, const void *p, size_t n, bool copy);
    void (*bind_null)(struct yz_stmt *st, int idx);
    enum yz_err (*step)(struct yz_stmt *st, bool *row);
    bool (*col_null)(struct yz_stmt *st, int col);
    int64_t (*col_i64)(struct yz_stmt *st, int col);
    const char *(*col_text)(struct yz_stmt *st, int col);
    const void *(*col_blob)(struct yz_stmt *st, int col, size_t *n);
    int64_t (*changes)(struct yz_tx *tx);
    void (*before_commit)(struct yz_tx *tx, yz_tx_hook fn, void *ctx);
    enum yz_err (*defer_indexes)(struct yz_tx *tx, bool defer);
};

extern const struct yz_store_backend yz_store_sqlite;

/* Every transaction handle starts with this header so store.c can find the
 * backend without knowing the rest of the struct. */
struct yz_tx_header {
    const struct yz_store_backend *backend;
    int max_rows;
};
struct yz_stmt_header {
    const struct yz_store_backend *backend;
};

/* Hands out a cache slot for a statement definition (thread-safe, first use). */
int yz_store_sql_slot(struct yz_sql_def *def);
#define YZ_STORE_MAX_STATEMENTS 1024

#endif
