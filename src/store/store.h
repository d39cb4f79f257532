/*
 * The storage interface. Areas never see a backend: they run a function inside
 * a read or write transaction and use statements from their own static SQL
 * definitions. Backends (store_sqlite.c now, store_pg.c later) implement the
 * table in store_backend.h.
 *
 * Writes: yz_store_write() runs fn inside one write transaction and returns
 * only after the commit is durable (SQLite WAL + synchronous=FULL). fn must
 * not keep pointers from the transaction after it returns, and must not
 * depend on running on the caller's thread: the group-commit writer runs
 * several callers' functions in one transaction (each in its own savepoint)
 * on its own thread. Per-request state a fn parks for its caller goes in a
 * core/caller.h slot, which follows the request onto the writer. When fn
 * returns an error everything it did is rolled back and the other requests of
 * its group are unaffected; when the group's commit fails every request in it
 * fails. fn sees the writes of the requests committed before it (and of those
 * ahead of it in its group). A write fn must not call yz_store_write() (it is
 * refused with YZ_ERR_INTERNAL: it would wait for its own group);
 * yz_store_read() from a write fn works but does not see the uncommitted
 * group.
 *
 * SQL: each statement is a static struct yz_sql_def holding portable SQL with
 * `?` placeholders (backends rewrite them as needed, e.g. $1 for PostgreSQL),
 * optionally a PostgreSQL variant. Statements are prepared once per connection
 * and cached; yz_sql() hands one back reset with its bindings cleared.
 * Inserts that need the new id use RETURNING (SQLite >= 3.35, PostgreSQL).
 */
#ifndef YZ_STORE_STORE_H
#define YZ_STORE_STORE_H

#include "core/buf.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_store;
struct yz_tx;
struct yz_stmt;

struct yz_sql_def {
    const char *sql;    /* portable SQL, `?` placeholders */
    const char *pg_sql; /* PostgreSQL text when it differs, else NULL */
    int slot;           /* per-process cache slot; 0 until first use, set by the store */
};
#define YZ_SQL(text) {text, NULL, 0}

struct yz_store_options {
    const char *path;     /* SQLite: database file */
    int busy_timeout_ms;  /* how long a writer waits for the lock */
    int max_rows;         /* cap on rows any list query may return */
    int connections;      /* pool size: worker threads + a few (1..32) */
    int max_group;        /* write requests per commit at most (1..256; 0 = 64) */
    /* WAL growth in pages that wakes the checkpointer (0 = 1024; bulk mode 8
     * times that). Tests set it low; there is no configuration key. */
    int checkpoint_pages;
};

/* Opens (creating if needed) and migrates the database. Refuses a database
 * whose schema is newer than this binary (YZ_ERR_CONFIG, message in err). */
enum yz_err yz_store_open(const struct yz_store_options *opt, struct yz_store **out,
                          struct yz_buf *err);
/* Closes every connection; NULL is harmless. */
void yz_store_close(struct yz_store *s);

typedef enum yz_err (*yz_tx_fn)(struct yz_tx *tx, void *ctx);

/* Runs fn in a read-only snapshot. */
enum yz_err yz_store_read(struct yz_store *s, yz_tx_fn fn, void *ctx);
/* Runs fn in a write transaction; returns after a durable commit (see above). */
enum yz_err yz_store_write(struct yz_store *s, yz_tx_fn fn, void *ctx);

/* Queues fn to run in a write transaction of a coming group and returns at
 * once: for a write nobody needs to wait for (a session's last activity),
 * which a thread serving reads must never wait for, since the commit waits
 * for an fsync, and a slow disk or a long group would stall every connection
 * of the thread. ctx (ctx_size bytes, at most YZ_STORE_DETACHED_CTX_MAX) is
 * copied; done (may be NULL) gets the copy and fn's outcome on the writer
 * thread after the group's commit, before any yz_store_write() queued later
 * returns. Returns false, queuing nothing, when YZ_STORE_DETACHED_MAX such
 * writes wait already, the queue is full, the store is closing, or from
 * inside a write fn: the write is dropped, and the caller may try again later. */
#define YZ_STORE_DETACHED_MAX 64
#define YZ_STORE_DETACHED_CTX_MAX 256
typedef void (*yz_store_done_fn)(void *ctx, enum yz_err e);
bool yz_store_write_detached(struct yz_store *s, yz_tx_fn fn, const void *ctx, size_t ctx_size,
                             yz_store_done_fn done);

/* The group-commit writer: requests waiting now, transactions committed (or
 * tried) and the write requests they carried since open. The checkpointer:
 * pages in the WAL after the last commit, checkpoints it completed and those
 * that failed since open, and the checkpoints the writer had to run itself
 * because the WAL reached the hard limit (see store_sqlite.c). */
struct yz_store_stats {
    int64_t queued;
    int64_t groups;
    int64_t writes;
    int64_t wal_pages;
    int64_t checkpoints;
    int64_t checkpoint_failures;
    int64_t forced_checkpoints;
};
void yz_store_stats(struct yz_store *s, struct yz_store_stats *out);

/* Waits until the checkpointer has no checkpoint asked for or running: the
 * WAL then holds nothing a checkpoint was asked for and did not try. For
 * tests and measurements, which must not wait by sleeping. */
void yz_store_checkpoint_idle(struct yz_store *s);

/* Watching a table, for a cache of its rows: after each group the writer ran
 * and before the group's callers are answered, fn(arg, rowid) is called on
 * the writer thread for every row of table that the group updated or deleted
 * (inserts are not reported), or once with rowid 0 when there were too many
 * to list. It may report rows of requests that were rolled back or of a
 * commit that failed: a watcher only forgets, so that does no harm. Writes by
 * other processes are not seen. At most 8 watches; register them before the
 * store is used by several threads. */
typedef void (*yz_store_watch_fn)(void *arg, int64_t rowid);
void yz_store_watch(struct yz_store *s, const char *table, yz_store_watch_fn fn, void *arg);

/* The schema version the database is at, and the newest this binary knows. */
int yz_store_schema_version(struct yz_store *s);
int yz_store_schema_latest(void);

/* Statement use inside a transaction. */
struct yz_stmt *yz_sql(struct yz_tx *tx, struct yz_sql_def *def);
void yz_bind_i64(struct yz_stmt *st, int idx, int64_t v);
void yz_bind_text(struct yz_stmt *st, int idx, const char *s); /* NULL binds NULL */
void yz_bind_textn(struct yz_stmt *st, int idx, const char *s, size_t n);
void yz_bind_blob(struct yz_stmt *st, int idx, const void *p, size_t n);
void yz_bind_null(struct yz_stmt *st, int idx);
/* The same without copying the bytes, for large values or hot loops (a bulk
 * import binds every text it writes): s or p must stay valid and unchanged
 * until the last yz_step/yz_exec of this use of the statement has returned.
 * After that the store never reads them (the next yz_sql of the statement
 * drops the binding), so freeing them then is safe. */
void yz_bind_text_ref(struct yz_stmt *st, int idx, const char *s); /* NULL binds NULL */
void yz_bind_textn_ref(struct yz_stmt *st, int idx, const char *s, size_t n);
void yz_bind_blob_ref(struct yz_stmt *st, int idx, const void *p, size_t n);
/* Steps: *row is true when a row is available. Errors are mapped:
 * unique/primary-key violation -> ALREADY_EXISTS, other constraints -> CONFLICT,
 * disk full -> STORAGE_FULL, I/O -> STORAGE_IO, busy -> UNAVAILABLE. */
enum yz_err yz_step(struct yz_stmt *st, bool *row);
/* Steps a statement that returns no rows (or ignores them). */
enum yz_err yz_exec(struct yz_stmt *st);
/* Steps a statement that loads one row (by its id or another key): YZ_OK with
 * the row's columns available, YZ_ERR_NOT_FOUND when there is no row, else
 * yz_step's mapped error. */
enum yz_err yz_step_one(struct yz_stmt *st);
/* Column access for the current row; pointers are valid until the next step. */
bool yz_col_null(struct yz_stmt *st, int col);
int64_t yz_col_i64(struct yz_stmt *st, int col);
const char *yz_col_text(struct yz_stmt *st, int col); /* "" for NULL */
const void *yz_col_blob(struct yz_stmt *st, int col, size_t *n);
/* Rows changed by the last statement in this transaction. */
int64_t yz_tx_changes(struct yz_tx *tx);
/* Cap on rows a list query may return (from the options). */
int yz_tx_max_rows(struct yz_tx *tx);

/* Work for the end of a write transaction: fn(tx, ctx) runs once, after every
 * request of the group and just before COMMIT, however often it was
 * registered (the same fn and ctx count once), and also when the request that
 * registered it was rolled back. For what only the final state needs, like
 * signing the audit chain head once per commit instead of once per event. If
 * it fails, the transaction fails as a failed COMMIT does. Write transactions
 * only. */
#define YZ_TX_HOOKS_MAX 4
typedef enum yz_err (*yz_tx_hook)(struct yz_tx *tx, void *ctx);
void yz_tx_before_commit(struct yz_tx *tx, yz_tx_hook fn, void *ctx);

/*
 * Bulk mode, for an offline import into a database nothing else writes to
 * (`yizhan generate`). While it is on:
 *   - a write request alone in its group runs without a savepoint, and its
 *     failure rolls back the whole transaction (with a savepoint open SQLite
 *     copies every page the transaction changes into a sub-journal, and the
 *     end of each statement walks that journal: quadratic in a long import
 *     transaction's pages);
 *   - commits are not synced (synchronous=NORMAL in WAL: a process that dies
 *     loses nothing committed; a power cut may lose the transactions since the
 *     WAL was last synced, at the start of a checkpoint, never the database's
 *     consistency), the writer's page cache is 64 MiB and the checkpointer
 *     starts a checkpoint each time the WAL has grown by 8,192 pages (64 MiB;
 *     the writer checkpoints itself when the WAL holds four times that);
 *   - foreign keys are not enforced (PRAGMA foreign_keys=OFF, on every write
 *     of the store while it lasts): the import must check, in each of its
 *     transactions, that every parent row its rows refer to exists.
 * yz_store_bulk(s, false) restores the settings (synchronous=FULL, foreign
 * keys enforced), then
 * checkpoints the whole WAL into the database file and truncates it, synced:
 * when it returns YZ_OK everything committed is durable. Both wait for the
 * writer to apply them (between transactions) and fail with the storage error
 * when a setting or the checkpoint fails.
 */
enum yz_err yz_store_bulk(struct yz_store *s, bool on);

/*
 * For a large bulk load, in a write transaction: defer true drops secondary
 * indexes of the tables a bulk load fills (the backend lists them),
 * so that the load does not rewrite their pages in every transaction;
 * defer false builds them again, from sorted entries, in one pass. Whatever
 * the load reads must not need them. Opening the store builds any that is
 * missing, so a load that dies in between leaves the schema whole, and
 * building costs a pass over the table: worth it only when the load adds
 * about as many rows as there are.
 */
enum yz_err yz_tx_defer_indexes(struct yz_tx *tx, bool defer);

/* Runs a SQLite-format online backup into path (consistent while serving). */
enum yz_err yz_store_backup(struct yz_store *s, const char *path, struct yz_buf *err);

#endif
