/*
 * The SQLite backend. WAL with synchronous=FULL, so a commit that returned is
 * on disk (under a simulated power cut NORMAL lost acknowledged commits, FULL
 * none: ../shared/stack-bench.md). A small pool of connections serves the
 * worker threads; each connection caches its prepared statements by slot.
 *
 * Group commit: one writer thread owns the write connection. yz_store_write()
 * queues its request and sleeps; the writer takes every queued request (up to
 * storage.max_group, 64 by default), runs each fn in its own savepoint inside one transaction (an fn
 * that fails rolls back its savepoint and fails only its own request; in bulk
 * mode, store.h yz_store_bulk, a request alone needs none), commits
 * the group once, and only then wakes the callers with their results. A failed
 * COMMIT fails every request of the group. One fsync then serves the whole
 * group, which is what lifts durable writes well above one commit per request.
 * The queue is bounded (QUEUE_MAX: callers wait for room). A write fn that
 * calls yz_store_write() itself is refused (it would wait for its own group).
 * A detached write (yz_store_write_detached) is queued the same way but owned
 * by the writer: nobody waits for it; its done callback runs after the group,
 * then the writer frees it.
 *
 * Checkpoints run on their own thread and connection, off the writer's path
 * (issue #7: on an import the writer spent a third of its CPU in the kernel,
 * much of it reading WAL frames back and writing them into the database
 * file). The writer's connection does not checkpoint automatically; its WAL
 * hook counts the pages after each commit, and each time the WAL has grown by
 * checkpoint_pages since the checkpointer was last woken (or since the WAL
 * started again from its beginning) the writer wakes it: 1024 pages = 8 MiB,
 * 8 times that in bulk mode. The checkpointer runs a PASSIVE checkpoint: it
 * copies what it can without taking a lock the writer or the readers wait
 * for. Once a checkpoint has copied the whole WAL and no reader still uses
 * it, the writer's next transaction starts the WAL again from its beginning.
 *
 * Once per threshold of growth, not after every commit past the threshold:
 * the checkpointer runs beside a writer that keeps appending, so its
 * checkpoint rarely catches up with the WAL's end, and a WAL that is merely
 * long would wake it again after nearly every commit. Each run syncs the WAL
 * and the database file, so that cost an fsync of the database per commit
 * for nothing (the server's commits are synced already), and under
 * synchronous=NORMAL (bulk mode; the power-cut proof's negative control) it
 * synced nearly every commit, which both made the control prove nothing and
 * hid how much a power cut can take. Now, as with SQLite's automatic
 * checkpoint on the writer before, the commits not yet synced under NORMAL are
 * at most one threshold of WAL pages (and one transaction).
 *
 * When the writer appends faster than the checkpointer copies, the WAL never
 * empties: at CKPT_HARD_FACTOR times the threshold the writer runs a RESTART
 * checkpoint itself before its next transaction, which waits for the
 * checkpointer's run and for the readers, and copies what the checkpointer
 * left. That bounds the WAL file at about CKPT_HARD_FACTOR thresholds and one
 * transaction. A checkpoint that fails is logged and tried again once the WAL
 * has grown by another threshold; it never fails a commit (a commit is
 * durable at its WAL sync, before any checkpoint).
 */
#include "store/store_backend.h"
#include "store/migrations.h"
#include "store/test_vfs.h"
#include "store/fts_cjk.h"
#include "core/log.h"
#include "core/clock.h"
#include "core/metrics.h"

#include "core/caller.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#define POOL_MAX 32
#define GROUP_MAX 256 /* requests committed together at most (storage.max_group caps lower) */
#define QUEUE_MAX 1024 /* queued requests at most; callers wait for room */
#define WATCH_MAX 8
#define CHANGED_MAX 256 /* changed rows remembered per group; beyond: "all" */
#define CKPT_PAGES 1024 /* default WAL pages that wake the checkpointer */
#define CKPT_BULK_FACTOR 8 /* bulk mode: 8 times as many (8,192 pages, 64 MiB) */
#define CKPT_HARD_FACTOR 4 /* WAL pages, in thresholds, at which the writer checkpoints itself */

/* The transaction-control statements every request runs: prepared once per
 * connection, since parsing "BEGIN" anew cost more than the point read it
 * wraps (perf on GET /api/v1/matters/{id}: the parser and its allocations). */
enum ctl {
    CTL_BEGIN,
    CTL_BEGIN_IMMEDIATE,
    CTL_COMMIT,
    CTL_ROLLBACK,
    CTL_SAVEPOINT,
    CTL_RELEASE,
    CTL_ROLLBACK_TO,
    CTL_COUNT
};
static const char *const ctl_sql[CTL_COUNT] = {
    [CTL_BEGIN] = "BEGIN",
    [CTL_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
    [CTL_COMMIT] = "COMMIT",
    [CTL_ROLLBACK] = "ROLLBACK",
    [CTL_SAVEPOINT] = "SAVEPOINT yz_request",
    [CTL_RELEASE] = "RELEASE yz_request",
    [CTL_ROLLBACK_TO] = "ROLLBACK TO yz_request",
};

struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[YZ_STORE_MAX_STATEMENTS];
    sqlite3_stmt *ctl[CTL_COUNT]; /* prepared on first use */
    /* The writer's connection only: what runs before the open transaction commits. */
    bool writer;
    struct {
        yz_tx_hook fn;
        void *ctx;
    } hooks[YZ_TX_HOOKS_MAX];
    int nhooks;
};

/* One queued yz_store_write(), on the caller's stack while it waits; or a
 * detached write, on the heap with its copy of ctx, owned by the writer. */
struct wreq {
    yz_tx_fn fn;
    void *ctx;
    struct yz_caller *caller; /* its per-request thread state (core/caller.h) */
    enum yz_err result;
    bool done;
    bool detached;
    yz_store_done_fn after; /* a detached write's done callback, or NULL */
    struct wreq *next;
};

struct sqlite_store {
    struct conn pool[POOL_MAX];
    bool busy[POOL_MAX];
    int size;
    pthread_mutex_t lock;  /* guards busy[] */
    pthread_cond_t freed;

    struct conn wconn;      /* the writer thread's connection */
    pthread_t writer;
    bool writer_started;
    pthread_mutex_t qlock;  /* guards the queue, stop and the requests' results */
    pthread_cond_t queued;  /* a request arrived, or stop */
    pthread_cond_t room;    /* the queue has room again */
    pthread_cond_t finished; /* a group is over: its callers look at done */
    struct wreq *head, *tail;
    int queue_len;
    int detached; /* detached writes queued or running (at most YZ_STORE_DETACHED_MAX) */
    bool stop;
    int64_t groups, grouped; /* transactions the writer ran, requests they carried */
    _Atomic int bulk_want;   /* yz_store_bulk: the mode asked for (1 on, 0 off) */
    bool bulk_on;            /* the mode the writer's connection is in (writer only) */
    _Atomic int64_t wal_pages; /* pages in the WAL after the writer's last commit */
    int64_t woken_at;        /* WAL pages when the checkpointer was last woken, 0 after
                              * the WAL started again (writer only) */
    int ckpt_pages;          /* WAL pages that wake the checkpointer (normal mode) */
    bool forced_failing;     /* the writer's last own checkpoint failed (writer only) */
    int64_t forced_retry;    /* after one failed: WAL pages before the next (writer only) */

    /* The checkpointer thread and its connection. */
    sqlite3 *cdb;
    pthread_t ckpt;
    bool ckpt_started;
    pthread_mutex_t clock;   /* guards the fields below */
    pthread_cond_t cwake;    /* a checkpoint is asked for, or stop */
    pthread_cond_t cidle;    /* a checkpoint is over */
    bool cwant, crunning, cstop;
    bool cpaused;            /* the writer runs its own checkpoint: start none */
    bool cfailing;           /* the last checkpoint failed: log only the first of a run */
    int64_t checkpoints, ckpt_failures, forced;
    int64_t forced_ms;       /* the writer's time in its own checkpoints (waits included) */

    /* Watches (yz_store_watch): filled before nwatch counts them. */
    struct {
        char table[64];
        yz_store_watch_fn fn;
        void *arg;
    } watch[WATCH_MAX];
    _Atomic int nwatch;
    /* Rows of watched tables the current group changed (writer thread only). */
    struct {
        int watch;
        int64_t rowid;
    } changed[CHANGED_MAX];
    int nchanged;
    bool changed_all[WATCH_MAX];

    int busy_timeout_ms;
    int max_group; /* requests per commit at most: storage.max_group, <= GROUP_MAX */
    int max_rows;
    int schema_version;
};

struct sqlite_tx {
    struct yz_tx_header h;
    struct conn *c;
};

struct sqlite_stmt {
    struct yz_stmt_header h;
    sqlite3_stmt *s; /* NULL when the statement could not be prepared (see sqlite_sql) */
    sqlite3 *db;
    enum yz_err failed; /* why it could not be prepared */
};

/* A statement handle lives inside the connection's cache; the wrapper is
 * handed out from a per-transaction ring so callers can hold a few at once. */
#define STMT_RING 16
struct sqlite_tx_full {
    struct sqlite_tx tx;
    struct sqlite_stmt ring[STMT_RING];
    int next;
    enum yz_err failed; /* a statement of this transaction could not be prepared */
};

static enum yz_err yz_sqlite_map(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return YZ_OK;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return YZ_ERR_ALREADY_EXISTS;
        return YZ_ERR_CONFLICT;
    case SQLITE_FULL:
        return YZ_ERR_STORAGE_FULL;
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
        return YZ_ERR_STORAGE_IO;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return YZ_ERR_UNAVAILABLE;
    default:
        return YZ_ERR_INTERNAL;
    }
}

static enum yz_err exec_fixed(sqlite3 *db, const char *sql_fixed, struct yz_buf *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql_fixed, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        if (err)
            yz_buf_addf(err, "sqlite: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return yz_sqlite_map(rc == SQLITE_ERROR ? sqlite3_extended_errcode(db) : rc);
    }
    return YZ_OK;
}

/* Runs one transaction-control statement on c (err may be NULL). */
static enum yz_err exec_ctl(struct conn *c, enum ctl which, struct yz_buf *err)
{
    int rc = SQLITE_OK;
    if (!c->ctl[which])
        rc = sqlite3_prepare_v3(c->db, ctl_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                &c->ctl[which], NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(c->ctl[which]);
        sqlite3_reset(c->ctl[which]);
    }
    if (rc == SQLITE_DONE)
        return YZ_OK;
    if (err)
        yz_buf_addf(err, "sqlite: %s", sqlite3_errmsg(c->db));
    return yz_sqlite_map(rc);
}

static enum yz_err conn_open(struct sqlite_store *st, const char *path, struct conn *c,
                             struct yz_buf *err)
{
    memset(c, 0, sizeof *c);
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             yz_test_vfs());
    if (rc != SQLITE_OK) {
        yz_buf_addf(err, "cannot open database %s: %s", path,
                    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        c->db = NULL;
        return YZ_ERR_STORAGE_IO;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, st->busy_timeout_ms);
    /* Defensive mode: no writable_schema tricks through this connection. */
    sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(c->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    /* page_size only counts for a database not yet created (it must come
     * before WAL mode): 8 KiB pages hold four ~2 KB matter rows where 4 KiB
     * pages held one or two and left a third of the table empty (dbstat on
     * 100,000 generated cases: 146 of 382 MB unused; the database 16 % smaller). */
    enum yz_err e = exec_fixed(c->db,
                               "PRAGMA page_size=8192;"
                               "PRAGMA journal_mode=WAL;"
                               "PRAGMA synchronous=FULL;"
                               "PRAGMA foreign_keys=ON;"
                               "PRAGMA temp_store=MEMORY;",
                               err);
    if (e == YZ_OK && yz_test_sync_normal()) /* test builds: the power-cut negative control */
        e = exec_fixed(c->db, "PRAGMA synchronous=NORMAL;", err);
    /* Before any statement: the knowledge base's full-text table needs it. */
    if (e == YZ_OK)
        e = yz_fts_cjk_register(c->db, err);
    if (e != YZ_OK) {
        sqlite3_close(c->db);
        c->db = NULL;
    }
    return e;
}

static void conn_close(struct conn *c)
{
    if (!c->db)
        return;
    for (int i = 0; i < YZ_STORE_MAX_STATEMENTS; i++)
        if (c->stmts[i])
            sqlite3_finalize(c->stmts[i]);
    for (int i = 0; i < CTL_COUNT; i++)
        sqlite3_finalize(c->ctl[i]);
    sqlite3_close(c->db);
    c->db = NULL;
}

static void sqlite_close(void *impl)
{
    struct sqlite_store *st = impl;
    if (!st)
        return;
    if (st->writer_started) {
        /* The writer finishes what is queued before it stops. */
        pthread_mutex_lock(&st->qlock);
        st->stop = true;
        pthread_cond_signal(&st->queued);
        pthread_mutex_unlock(&st->qlock);
        pthread_join(st->writer, NULL);
    }
    /* After the writer (which wakes it), before any connection closes. */
    if (st->ckpt_started) {
        pthread_mutex_lock(&st->clock);
        st->cstop = true;
        pthread_cond_signal(&st->cwake);
        pthread_mutex_unlock(&st->clock);
        pthread_join(st->ckpt, NULL);
    }
    sqlite3_close(st->cdb);
    conn_close(&st->wconn);
    for (int i = 0; i < st->size; i++)
        conn_close(&st->pool[i]);
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->freed);
    pthread_mutex_destroy(&st->qlock);
    pthread_cond_destroy(&st->queued);
    pthread_cond_destroy(&st->room);
    pthread_cond_destroy(&st->finished);
    pthread_mutex_destroy(&st->clock);
    pthread_cond_destroy(&st->cwake);
    pthread_cond_destroy(&st->cidle);
    free(st);
}

static int schema_version_of(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version),0) FROM schema_migrations", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* A bulk load that died between dropping and building its deferred indexes
 * (yz_tx_defer_indexes) left them missing: they are built before anything
 * reads. */
static enum yz_err build_missing_indexes(sqlite3 *db, struct yz_buf *err)
{
    size_t n;
    const struct yz_deferred_index *d = yz_deferred_indexes_sqlite(&n);
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = NULL;
        bool have = false;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?",
                               -1, &s, NULL) == SQLITE_OK) {
            sqlite3_bind_text(s, 1, d[i].name, -1, SQLITE_STATIC);
            have = sqlite3_step(s) == SQLITE_ROW;
        }
        sqlite3_finalize(s);
        if (have)
            continue;
        yz_log_warn("building index %s, which a bulk load that did not finish left missing",
                    d[i].name);
        enum yz_err e = exec_fixed(db, d[i].create, err);
        if (e != YZ_OK)
            return e;
    }
    return YZ_OK;
}

static enum yz_err migrate(sqlite3 *db, struct yz_buf *err)
{
    enum yz_err e = exec_fixed(db,
                               "CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version INTEGER PRIMARY KEY,"
                               " name TEXT NOT NULL,"
                               " applied_at INTEGER NOT NULL)",
                               err);
    if (e != YZ_OK)
        return e;
    int have = schema_version_of(db);
    size_t count;
    const struct yz_migration *migrations = yz_migrations_sqlite(&count);
    int latest = migrations[count - 1].version;
    if (have > latest) {
        yz_buf_addf(err,
                    "database schema version %d is newer than this binary (%d); "
                    "refusing to open it with an older yizhan",
                    have, latest);
        return YZ_ERR_CONFIG;
    }
    for (size_t i = 0; i < count; i++) {
        const struct yz_migration *m = &migrations[i];
        if (m->version <= have)
            continue;
        e = exec_fixed(db, "BEGIN IMMEDIATE", err);
        if (e != YZ_OK)
            return e;
        e = exec_fixed(db, m->sql, err);
        if (e == YZ_OK) {
            sqlite3_stmt *s = NULL;
            int rc = sqlite3_prepare_v2(
                db, "INSERT INTO schema_migrations(version,name,applied_at) VALUES(?,?,?)", -1, &s,
                NULL);
            if (rc == SQLITE_OK) {
                sqlite3_bind_int(s, 1, m->version);
                sqlite3_bind_text(s, 2, m->name, -1, SQLITE_STATIC);
                sqlite3_bind_int64(s, 3, yz_time_now_ms());
                rc = sqlite3_step(s);
            }
            sqlite3_finalize(s);
            if (rc != SQLITE_DONE) {
                yz_buf_addf(err, "recording migration %d: %s", m->version, sqlite3_errmsg(db));
                e = yz_sqlite_map(rc);
            }
        }
        if (e != YZ_OK) {
            yz_buf_addf(err, " (in migration %d %s)", m->version, m->name);
            exec_fixed(db, "ROLLBACK", NULL);
            return e;
        }
        e = exec_fixed(db, "COMMIT", err);
        if (e != YZ_OK)
            return e;
        yz_log_info("applied migration %d %s", m->version, m->name);
    }
    return build_missing_indexes(db, err);
}

static void *writer_main(void *arg);
static void *checkpointer_main(void *arg);
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages);
static int writer_checkpoint(struct sqlite_store *st, int mode);
static void update_hook(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid);

/* Once per process, before SQLite initialises itself: no memory statistics.
 * They are never read here, and keeping them takes a process-wide mutex on
 * every allocation and free, which every connection's thread then contends. */
static void configure_library(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        yz_log_error("sqlite: memory statistics stay on (SQLite was initialised first)");
}

static enum yz_err sqlite_open(const struct yz_store_options *opt, void **impl,
                               struct yz_buf *err)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, configure_library);
    struct sqlite_store *st = yz_calloc(1, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->freed, NULL);
    pthread_mutex_init(&st->qlock, NULL);
    pthread_cond_init(&st->queued, NULL);
    pthread_cond_init(&st->room, NULL);
    pthread_cond_init(&st->finished, NULL);
    pthread_mutex_init(&st->clock, NULL);
    pthread_cond_init(&st->cwake, NULL);
    pthread_cond_init(&st->cidle, NULL);
    st->ckpt_pages = opt->checkpoint_pages > 0 ? opt->checkpoint_pages : CKPT_PAGES;
    st->busy_timeout_ms = opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000;
    st->max_rows = opt->max_rows > 0 ? opt->max_rows : 200;
    st->max_group = opt->max_group <= 0 ? 64 : opt->max_group < GROUP_MAX ? opt->max_group : GROUP_MAX;
    /* Connections are opened lazily up to POOL_MAX; the first one migrates. */
    enum yz_err e = conn_open(st, opt->path, &st->pool[0], err);
    if (e == YZ_OK)
        e = migrate(st->pool[0].db, err);
    if (e == YZ_OK)
        st->schema_version = schema_version_of(st->pool[0].db);
    if (e != YZ_OK) {
        st->size = 1;
        sqlite_close(st);
        return e;
    }
    st->size = 1;
    int want = opt->connections > 0 ? opt->connections : 4;
    if (want > POOL_MAX)
        want = POOL_MAX;
    for (int i = 1; i < want; i++) {
        e = conn_open(st, opt->path, &st->pool[i], err);
        if (e != YZ_OK) {
            st->size = i;
            sqlite_close(st);
            return e;
        }
        st->size = i + 1;
    }
    if ((e = conn_open(st, opt->path, &st->wconn, err)) != YZ_OK) {
        sqlite_close(st);
        return e;
    }
    st->wconn.writer = true;
    sqlite3_update_hook(st->wconn.db, update_hook, st);
    /* Replaces SQLite's automatic checkpoint (its own WAL hook) on the writer. */
    sqlite3_wal_hook(st->wconn.db, wal_hook, st);
    struct conn cc;
    if ((e = conn_open(st, opt->path, &cc, err)) != YZ_OK) {
        sqlite_close(st);
        return e;
    }
    st->cdb = cc.db; /* it prepares no statement: the connection is all it needs */
    if (pthread_create(&st->ckpt, NULL, checkpointer_main, st) != 0) {
        yz_buf_adds(err, "cannot start the database checkpointer thread");
        sqlite_close(st);
        return YZ_ERR_INTERNAL;
    }
    st->ckpt_started = true;
    if (pthread_create(&st->writer, NULL, writer_main, st) != 0) {
        yz_buf_adds(err, "cannot start the database writer thread");
        sqlite_close(st);
        return YZ_ERR_INTERNAL;
    }
    st->writer_started = true;
    *impl = st;
    return YZ_OK;
}

static struct conn *acquire(struct sqlite_store *st)
{
    pthread_mutex_lock(&st->lock);
    for (;;) {
        for (int i = 0; i < st->size; i++)
            if (!st->busy[i]) {
                st->busy[i] = true;
                pthread_mutex_unlock(&st->lock);
                return &st->pool[i];
            }
        pthread_cond_wait(&st->freed, &st->lock);
    }
}

static void release(struct sqlite_store *st, struct conn *c)
{
    pthread_mutex_lock(&st->lock);
    st->busy[c - st->pool] = false;
    pthread_cond_signal(&st->freed);
    pthread_mutex_unlock(&st->lock);
}

/* BEGIN, retrying a BUSY answered without the busy handler. SQLite does that
 * in a few cases (WAL recovery by another process, a reader closing the last
 * connection): retry for up to the busy timeout rather than fail. */
static enum yz_err begin(struct sqlite_store *st, struct conn *c, bool write, struct yz_buf *err)
{
    enum yz_err e;
    for (int waited = 0;; waited += 10) {
        yz_buf_reset(err);
        e = exec_ctl(c, write ? CTL_BEGIN_IMMEDIATE : CTL_BEGIN, err);
        if (e != YZ_ERR_UNAVAILABLE || waited >= st->busy_timeout_ms)
            break;
        sqlite3_sleep(10);
    }
    if (e != YZ_OK)
        yz_log_error("begin failed: %s", err->data);
    return e;
}

/* Runs fn with a fresh transaction handle on c. A statement left mid-result
 * would keep its read snapshot open into the next transaction on this
 * connection (or hold a savepoint open): every busy one is reset after fn. */
static enum yz_err run_fn(struct sqlite_store *st, struct conn *c, yz_tx_fn fn, void *ctx)
{
    struct sqlite_tx_full t;
    memset(&t, 0, sizeof t);
    t.tx.h.backend = &yz_store_sqlite;
    t.tx.h.max_rows = st->max_rows;
    t.tx.c = c;
    enum yz_err e = fn((struct yz_tx *)&t, ctx);
    /* Whatever fn made of it, a transaction that lost a statement is not committed. */
    if (e == YZ_OK && t.failed != YZ_OK)
        e = t.failed;
    for (sqlite3_stmt *s = sqlite3_next_stmt(c->db, NULL); s; s = sqlite3_next_stmt(c->db, s))
        if (sqlite3_stmt_busy(s))
            sqlite3_reset(s);
    return e;
}

/* yz_tx_defer_indexes: migrations.h's list dropped or built in the caller's
 * write transaction. */
static enum yz_err sqlite_defer_indexes(struct yz_tx *tx, bool defer)
{
    struct conn *c = ((struct sqlite_tx *)tx)->c;
    if (!c->writer)
        YZ_BUG("yz_tx_defer_indexes in a read transaction");
    size_t n;
    const struct yz_deferred_index *d = yz_deferred_indexes_sqlite(&n);
    struct yz_buf err = YZ_BUF_INIT(512);
    enum yz_err e = YZ_OK;
    for (size_t i = 0; i < n && e == YZ_OK; i++)
        e = exec_fixed(c->db, defer ? d[i].drop : d[i].create, &err);
    if (e != YZ_OK)
        yz_log_error("%s the deferred indexes: %s", defer ? "dropping" : "building", err.data);
    yz_buf_release(&err);
    return e;
}

static void sqlite_before_commit(struct yz_tx *tx, yz_tx_hook fn, void *ctx)
{
    struct conn *c = ((struct sqlite_tx *)tx)->c;
    if (!c->writer)
        YZ_BUG("yz_tx_before_commit in a read transaction");
    for (int i = 0; i < c->nhooks; i++)
        if (c->hooks[i].fn == fn && c->hooks[i].ctx == ctx)
            return;
    if (c->nhooks == YZ_TX_HOOKS_MAX)
        YZ_BUG("more than %d before-commit hooks", YZ_TX_HOOKS_MAX);
    c->hooks[c->nhooks].fn = fn;
    c->hooks[c->nhooks].ctx = ctx;
    c->nhooks++;
}

/* Runs the hooks registered in the open write transaction (a yz_tx_fn on the writer). */
static enum yz_err run_hooks(struct yz_tx *tx, void *arg)
{
    struct conn *c = arg;
    enum yz_err e = YZ_OK;
    for (int i = 0; e == YZ_OK && i < c->nhooks; i++)
        e = c->hooks[i].fn(tx, c->hooks[i].ctx);
    return e;
}

static enum yz_err sqlite_read(struct sqlite_store *st, yz_tx_fn fn, void *ctx)
{
    struct conn *c = acquire(st);
    struct yz_buf err = YZ_BUF_INIT(512);
    enum yz_err e = begin(st, c, false, &err);
    if (e == YZ_OK) {
        e = run_fn(st, c, fn, ctx);
        /* A read transaction has nothing to keep: end it either way. */
        exec_ctl(c, e == YZ_OK ? CTL_COMMIT : CTL_ROLLBACK, NULL);
        if (!sqlite3_get_autocommit(c->db))
            exec_ctl(c, CTL_ROLLBACK, NULL);
    }
    yz_buf_release(&err);
    release(st, c);
    return e;
}

/* --- The writer thread ----------------------------------------------------- */

/* Set on the writer thread: a yz_store_write() from inside a write fn. */
static _Thread_local struct sqlite_store *writing_for;

/* Runs one request in its own savepoint of the open transaction. Returns
 * false when the transaction itself was lost (SQLite rolls the whole of it
 * back on some errors, e.g. disk full or an I/O error): the requests run in
 * it before are then lost too. */
static bool run_request(struct sqlite_store *st, struct wreq *r, struct yz_buf *err)
{
    sqlite3 *db = st->wconn.db;
    yz_buf_reset(err);
    r->result = exec_ctl(&st->wconn, CTL_SAVEPOINT, err);
    if (r->result != YZ_OK) {
        yz_log_error("savepoint failed: %s", err->data);
        return !sqlite3_get_autocommit(db);
    }
    yz_caller_adopt(r->caller);
    r->result = run_fn(st, &st->wconn, r->fn, r->ctx);
    yz_caller_adopt(NULL);
    if (sqlite3_get_autocommit(db)) {
        if (r->result == YZ_OK)
            r->result = YZ_ERR_STORAGE_IO;
        return false;
    }
    if (r->result == YZ_OK) {
        yz_buf_reset(err);
        r->result = exec_ctl(&st->wconn, CTL_RELEASE, err);
        if (r->result == YZ_OK)
            return true;
        yz_log_error("release failed: %s", err->data);
    }
    /* The fn failed: undo its work only. ROLLBACK TO keeps the savepoint open. */
    if (exec_ctl(&st->wconn, CTL_ROLLBACK_TO, NULL) != YZ_OK ||
        exec_ctl(&st->wconn, CTL_RELEASE, NULL) != YZ_OK)
        return !sqlite3_get_autocommit(db);
    return true;
}

/* Puts the writer's connection into the bulk mode asked for (store.h), between
 * transactions. Leaving it restores the settings of conn_open and checkpoints
 * the whole WAL, synced, so that every commit made in bulk mode is durable. */
static enum yz_err apply_bulk(struct sqlite_store *st, struct yz_buf *err)
{
    bool want = atomic_load(&st->bulk_want) != 0;
    if (want == st->bulk_on)
        return YZ_OK;
    yz_buf_reset(err);
    sqlite3 *db = st->wconn.db;
    enum yz_err e;
    if (want) {
        /* foreign_keys off: the parent lookups were a fifth of the writer's
         * CPU in an import, which checks its parents once per transaction
         * instead (store.h). */
        e = exec_fixed(db,
                       "PRAGMA synchronous=NORMAL;"
                       "PRAGMA cache_size=-65536;"
                       "PRAGMA foreign_keys=OFF;",
                       err);
    } else {
        e = exec_fixed(db, yz_test_sync_normal() ? "PRAGMA synchronous=NORMAL;"
                                                  : "PRAGMA synchronous=FULL;",
                       err);
        if (e == YZ_OK)
            e = exec_fixed(db, "PRAGMA cache_size=-2000;PRAGMA foreign_keys=ON;", err);
        if (e == YZ_OK) {
            int rc = writer_checkpoint(st, SQLITE_CHECKPOINT_TRUNCATE);
            if (rc != SQLITE_OK) {
                yz_buf_addf(err, "checkpoint after bulk mode: %s", sqlite3_errmsg(db));
                e = yz_sqlite_map(rc);
            }
        }
    }
    if (e == YZ_OK && !want) {
        atomic_store(&st->wal_pages, 0);
        st->woken_at = 0;
        pthread_mutex_lock(&st->clock);
        int64_t by_checkpointer = st->checkpoints, by_writer = st->forced,
                writer_ms = st->forced_ms, failed = st->ckpt_failures;
        pthread_mutex_unlock(&st->clock);
        yz_log_info("bulk mode off, the WAL checkpointed; since open %lld checkpoints by the "
                    "checkpointer, %lld by the writer at the WAL's hard limit (%lld ms), "
                    "%lld failed",
                    (long long)by_checkpointer, (long long)by_writer, (long long)writer_ms,
                    (long long)failed);
    }
    if (e == YZ_OK)
        st->bulk_on = want;
    else
        yz_log_error("bulk mode %s failed: %s", want ? "on" : "off", err->data);
    return e;
}

/* --- Checkpoints ----------------------------------------------------------- */

/* sqlite3_wal_hook on the writer's connection, after each commit: pages is
 * the WAL's length in pages, those just committed included. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    struct sqlite_store *st = arg;
    /* Shorter than before this commit: the WAL started again from its
     * beginning (after a checkpoint that caught up). A restart followed by a
     * transaction longer than the WAL was goes unseen here; the checkpointer
     * is then woken up to woken_at pages late, which the hard limit bounds. */
    if (pages < atomic_load(&st->wal_pages))
        st->woken_at = 0;
    atomic_store(&st->wal_pages, pages);
    return SQLITE_OK;
}

/* The WAL growth in pages that wakes the checkpointer, in the writer's mode. */
static int64_t ckpt_threshold(const struct sqlite_store *st)
{
    return st->bulk_on ? (int64_t)st->ckpt_pages * CKPT_BULK_FACTOR : st->ckpt_pages;
}

/* After a commit, on the writer: asks for a checkpoint when the WAL has grown
 * by a threshold since the last time (see the top of the file for why not
 * whenever it is long). */
static void wake_checkpointer(struct sqlite_store *st)
{
    int64_t pages = atomic_load(&st->wal_pages);
    if (pages - st->woken_at < ckpt_threshold(st))
        return;
    st->woken_at = pages;
    pthread_mutex_lock(&st->clock);
    if (!st->cwant) {
        st->cwant = true;
        pthread_cond_signal(&st->cwake);
    }
    pthread_mutex_unlock(&st->clock);
}

/* A blocking checkpoint on the writer's connection: waits for the
 * checkpointer's run to end and keeps it from starting another meanwhile (its
 * run can outlast the busy timeout: measured on an import, a 512 MiB one did),
 * so that only readers are waited for, within the busy timeout. */
static int writer_checkpoint(struct sqlite_store *st, int mode)
{
    pthread_mutex_lock(&st->clock);
    while (st->crunning)
        pthread_cond_wait(&st->cidle, &st->clock);
    st->cpaused = true;
    pthread_mutex_unlock(&st->clock);
    int rc = sqlite3_wal_checkpoint_v2(st->wconn.db, NULL, mode, NULL, NULL);
    pthread_mutex_lock(&st->clock);
    st->cpaused = false;
    if (st->cwant)
        pthread_cond_signal(&st->cwake);
    pthread_mutex_unlock(&st->clock);
    return rc;
}

/* Before a transaction, on the writer: the fallback that keeps the WAL
 * bounded when the checkpointer cannot catch up. RESTART copies what the
 * checkpointer's last run left, waits (busy timeout) for readers of the old
 * WAL, and makes the next commit start the WAL again. Its failure is logged,
 * not returned: the transaction does not need it. After a failure the next
 * try waits for another threshold of pages, so that a reader holding the old
 * WAL does not cost every transaction a busy timeout. */
static void bound_wal(struct sqlite_store *st)
{
    int64_t pages = atomic_load(&st->wal_pages);
    if (pages < ckpt_threshold(st) * CKPT_HARD_FACTOR || pages < st->forced_retry)
        return;
    int64_t t0 = yz_time_mono_ms();
    int rc = writer_checkpoint(st, SQLITE_CHECKPOINT_RESTART);
    pthread_mutex_lock(&st->clock);
    st->forced_ms += yz_time_mono_ms() - t0;
    if (rc == SQLITE_OK)
        st->forced++;
    else
        st->ckpt_failures++;
    pthread_mutex_unlock(&st->clock);
    if (rc == SQLITE_OK) {
        atomic_store(&st->wal_pages, 0);
        st->woken_at = 0;
        if (st->forced_failing)
            yz_log_info("the writer's checkpoint succeeded again");
        st->forced_failing = false;
        st->forced_retry = 0;
        return;
    }
    if (!st->forced_failing) /* the first of a run of failures */
        yz_log_error("the writer's checkpoint of a WAL of %lld pages failed: %s",
                     (long long)pages, sqlite3_errmsg(st->wconn.db));
    st->forced_failing = true;
    st->forced_retry = pages + ckpt_threshold(st);
}

static void *checkpointer_main(void *arg)
{
    struct sqlite_store *st = arg;
    prctl(PR_SET_NAME, "yz-checkpoint"); /* names the thread in /proc (per-thread CPU) */
    pthread_mutex_lock(&st->clock);
    for (;;) {
        while ((!st->cwant || st->cpaused) && !st->cstop)
            pthread_cond_wait(&st->cwake, &st->clock);
        if (st->cstop)
            break; /* the last connection to close checkpoints what is left */
        st->cwant = false;
        st->crunning = true;
        pthread_mutex_unlock(&st->clock);

        int rc = sqlite3_wal_checkpoint_v2(st->cdb, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        bool failed = rc != SQLITE_OK && rc != SQLITE_BUSY; /* BUSY: the writer's own ran */
        if (failed && !st->cfailing)
            yz_log_error("checkpoint failed (tried again after the WAL grew further): %s",
                         sqlite3_errmsg(st->cdb));
        else if (rc == SQLITE_OK && st->cfailing)
            yz_log_info("checkpoints succeed again");

        pthread_mutex_lock(&st->clock);
        st->crunning = false;
        if (rc == SQLITE_OK)
            st->checkpoints++;
        if (failed)
            st->ckpt_failures++;
        if (rc != SQLITE_BUSY)
            st->cfailing = failed;
        pthread_cond_broadcast(&st->cidle);
    }
    pthread_mutex_unlock(&st->clock);
    return NULL;
}

static void sqlite_checkpoint_idle(void *impl)
{
    struct sqlite_store *st = impl;
    pthread_mutex_lock(&st->clock);
    while (st->cwant || st->crunning)
        pthread_cond_wait(&st->cidle, &st->clock);
    pthread_mutex_unlock(&st->clock);
}

/* Fails the requests in [from, to) that had succeeded so far. */
static void fail_done_so_far(struct wreq *from, struct wreq *to, enum yz_err e)
{
    for (struct wreq *r = from; r != to; r = r->next)
        if (r->result == YZ_OK)
            r->result = e;
}

/* Runs one group of requests (a list of at most max_group) and sets each
 * request's result; nothing here touches the queue. */
static int64_t run_group(struct sqlite_store *st, struct wreq *group)
{
    int64_t transactions = 0;
    sqlite3 *db = st->wconn.db;
    struct yz_buf err = YZ_BUF_INIT(512);
    struct wreq *r = group;
    while (r) {
        /* One transaction for the rest of the group (normally all of it). */
        struct wreq *first = r;
        st->wconn.nhooks = 0;
        enum yz_err e = apply_bulk(st, &err);
        if (e == YZ_OK) {
            bound_wal(st);
            e = begin(st, &st->wconn, true, &err);
        }
        if (e != YZ_OK) {
            for (; r; r = r->next)
                r->result = e;
            break;
        }
        bool lost = false;
        if (st->bulk_on && !first->next) {
            /* Bulk mode, alone in the transaction: no savepoint (store.h). */
            yz_caller_adopt(r->caller);
            r->result = run_fn(st, &st->wconn, r->fn, r->ctx);
            yz_caller_adopt(NULL);
            if (r->result == YZ_OK && sqlite3_get_autocommit(db))
                r->result = YZ_ERR_STORAGE_IO;
            lost = r->result != YZ_OK;
            r = r->next;
            transactions += lost;
        }
        for (; r && !lost; r = r->next) {
            if (!run_request(st, r, &err)) {
                lost = true;
                enum yz_err why = r->result != YZ_OK ? r->result : YZ_ERR_STORAGE_IO;
                fail_done_so_far(first, r, why);
                yz_log_error("write transaction lost (%s): failing the requests run in it",
                             yz_err_code(why));
            }
        }
        if (lost) {
            if (!sqlite3_get_autocommit(db))
                exec_ctl(&st->wconn, CTL_ROLLBACK, NULL);
            continue; /* the requests after the one that lost it get a new transaction */
        }
        yz_buf_reset(&err);
        e = run_fn(st, &st->wconn, run_hooks, &st->wconn);
        if (e != YZ_OK)
            yz_buf_addf(&err, "a before-commit hook failed (%s)", yz_err_code(e));
        else
            e = exec_ctl(&st->wconn, CTL_COMMIT, &err);
        if (e != YZ_OK) {
            /* Nothing of the group is durable: every request in it fails. */
            yz_log_error("commit failed: %s", err.data);
            if (!sqlite3_get_autocommit(db))
                exec_ctl(&st->wconn, CTL_ROLLBACK, NULL);
            fail_done_so_far(first, r, e);
        } else {
            wake_checkpointer(st);
        }
        transactions++;
    }
    yz_buf_release(&err);
    return transactions;
}

/* sqlite3_update_hook on the writer connection: remembers the updated and
 * deleted rows of watched tables until the group is over. */
static void update_hook(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
    struct sqlite_store *st = arg;
    if (op == SQLITE_INSERT)
        return;
    int n = atomic_load_explicit(&st->nwatch, memory_order_acquire);
    for (int i = 0; i < n; i++) {
        if (strcmp(st->watch[i].table, table) != 0)
            continue;
        if (st->nchanged < CHANGED_MAX) {
            st->changed[st->nchanged].watch = i;
            st->changed[st->nchanged].rowid = rowid;
            st->nchanged++;
        } else {
            st->changed_all[i] = true;
        }
    }
}

/* Tells the watchers what the group changed; before its callers wake. */
static void notify_watchers(struct sqlite_store *st)
{
    int n = atomic_load_explicit(&st->nwatch, memory_order_acquire);
    for (int i = 0; i < n; i++) {
        if (st->changed_all[i]) {
            st->watch[i].fn(st->watch[i].arg, 0);
            continue;
        }
        for (int j = 0; j < st->nchanged; j++)
            if (st->changed[j].watch == i)
                st->watch[i].fn(st->watch[i].arg, st->changed[j].rowid);
    }
    st->nchanged = 0;
    memset(st->changed_all, 0, sizeof st->changed_all);
}

static void *writer_main(void *arg)
{
    struct sqlite_store *st = arg;
    writing_for = st;
    prctl(PR_SET_NAME, "yz-writer");
    pthread_mutex_lock(&st->qlock);
    for (;;) {
        while (!st->head && !st->stop)
            pthread_cond_wait(&st->queued, &st->qlock);
        if (!st->head)
            break; /* stopped, and nothing left */
        /* Take up to max_group requests off the queue. */
        struct wreq *group = st->head, *last = group;
        int n = 1;
        while (last->next && n < st->max_group) {
            last = last->next;
            n++;
        }
        st->head = last->next;
        if (!st->head)
            st->tail = NULL;
        last->next = NULL;
        st->queue_len -= n;
        pthread_cond_broadcast(&st->room);
        pthread_mutex_unlock(&st->qlock);

        int64_t transactions = run_group(st, group);
        notify_watchers(st);
        for (struct wreq *r = group; r; r = r->next)
            if (r->detached) {
                yz_metrics_db(true, r->result == YZ_OK);
                if (r->after)
                    r->after(r->ctx, r->result);
            }

        pthread_mutex_lock(&st->qlock);
        st->groups += transactions;
        st->grouped += n;
        /* r->next is read before done is set: the caller owns r after that. */
        for (struct wreq *r = group, *next; r; r = next) {
            next = r->next;
            if (r->detached) {
                st->detached--;
                free(r->ctx);
                free(r);
            } else {
                r->done = true;
            }
        }
        pthread_cond_broadcast(&st->finished);
    }
    pthread_mutex_unlock(&st->qlock);
    return NULL;
}

static enum yz_err sqlite_write(struct sqlite_store *st, yz_tx_fn fn, void *ctx)
{
    if (writing_for == st) {
        /* From inside a write fn: the request would wait for the group it is part of. */
        yz_log_error("yz_store_write() called from inside a write transaction: refused");
        return YZ_ERR_INTERNAL;
    }
    struct wreq r = {.fn = fn, .ctx = ctx, .caller = yz_caller_self(), .result = YZ_ERR_INTERNAL};
    pthread_mutex_lock(&st->qlock);
    while (st->queue_len >= QUEUE_MAX)
        pthread_cond_wait(&st->room, &st->qlock);
    if (st->tail)
        st->tail->next = &r;
    else
        st->head = &r;
    st->tail = &r;
    st->queue_len++;
    pthread_cond_signal(&st->queued);
    while (!r.done)
        pthread_cond_wait(&st->finished, &st->qlock);
    pthread_mutex_unlock(&st->qlock);
    return r.result;
}

static bool sqlite_write_detached(void *impl, yz_tx_fn fn, const void *ctx, size_t ctx_size,
                                  yz_store_done_fn done)
{
    struct sqlite_store *st = impl;
    if (writing_for == st || ctx_size > YZ_STORE_DETACHED_CTX_MAX)
        return false;
    struct wreq *r = yz_calloc(1, sizeof *r);
    r->fn = fn;
    r->ctx = yz_malloc(ctx_size ? ctx_size : 1);
    if (ctx_size)
        memcpy(r->ctx, ctx, ctx_size);
    r->result = YZ_ERR_INTERNAL;
    r->detached = true;
    r->after = done;
    pthread_mutex_lock(&st->qlock);
    /* Never waits: a full queue or too many detached writes drop this one. */
    bool queued = !st->stop && st->queue_len < QUEUE_MAX && st->detached < YZ_STORE_DETACHED_MAX;
    if (queued) {
        if (st->tail)
            st->tail->next = r;
        else
            st->head = r;
        st->tail = r;
        st->queue_len++;
        st->detached++;
        pthread_cond_signal(&st->queued);
    }
    pthread_mutex_unlock(&st->qlock);
    if (!queued) {
        free(r->ctx);
        free(r);
    }
    return queued;
}

static enum yz_err bulk_noop(struct yz_tx *tx, void *ctx)
{
    (void)tx;
    (void)ctx;
    return YZ_OK;
}

/* Asks the writer for the mode and waits until a transaction ran in it. */
static enum yz_err sqlite_bulk(void *impl, bool on)
{
    struct sqlite_store *st = impl;
    atomic_store(&st->bulk_want, on ? 1 : 0);
    return sqlite_write(st, bulk_noop, NULL);
}

static enum yz_err sqlite_run(void *impl, bool write, yz_tx_fn fn, void *ctx)
{
    struct sqlite_store *st = impl;
    enum yz_err e = write ? sqlite_write(st, fn, ctx) : sqlite_read(st, fn, ctx);
    yz_metrics_db(write, e == YZ_OK);
    return e;
}

static void sqlite_watch(void *impl, const char *table, yz_store_watch_fn fn, void *arg)
{
    struct sqlite_store *st = impl;
    pthread_mutex_lock(&st->qlock); /* registrations one at a time */
    int n = atomic_load(&st->nwatch);
    if (n >= WATCH_MAX || strlen(table) >= sizeof st->watch[n].table)
        YZ_BUG("cannot watch table %s", table);
    yz_strlcpy(st->watch[n].table, table, sizeof st->watch[n].table);
    st->watch[n].fn = fn;
    st->watch[n].arg = arg;
    atomic_store_explicit(&st->nwatch, n + 1, memory_order_release);
    pthread_mutex_unlock(&st->qlock);
}

static void sqlite_stats(void *impl, struct yz_store_stats *out)
{
    struct sqlite_store *st = impl;
    pthread_mutex_lock(&st->qlock);
    out->queued = st->queue_len;
    out->groups = st->groups;
    out->writes = st->grouped;
    pthread_mutex_unlock(&st->qlock);
    out->wal_pages = atomic_load(&st->wal_pages);
    pthread_mutex_lock(&st->clock);
    out->checkpoints = st->checkpoints;
    out->checkpoint_failures = st->ckpt_failures;
    out->forced_checkpoints = st->forced;
    pthread_mutex_unlock(&st->clock);
}

/* Known after open: migrations only run then, and a newer database is refused. */
static int sqlite_schema_version(void *impl)
{
    struct sqlite_store *st = impl;
    return st->schema_version;
}

static enum yz_err sqlite_backup(void *impl, const char *path, struct yz_buf *err)
{
    struct sqlite_store *st = impl;
    sqlite3 *dest = NULL;
    int rc = sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        yz_buf_addf(err, "cannot create %s: %s", path, sqlite3_errstr(rc));
        sqlite3_close(dest);
        return YZ_ERR_STORAGE_IO;
    }
    struct conn *c = acquire(st);
    sqlite3_backup *b = sqlite3_backup_init(dest, "main", c->db, "main");
    if (b) {
        /* Copy in steps so writers are not held off for the whole copy. */
        do {
            rc = sqlite3_backup_step(b, 256);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                sqlite3_sleep(5);
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        sqlite3_backup_finish(b);
    }
    rc = sqlite3_errcode(dest);
    release(st, c);
    enum yz_err e = YZ_OK;
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        yz_buf_addf(err, "backup to %s failed: %s", path, sqlite3_errmsg(dest));
        e = yz_sqlite_map(rc);
    }
    sqlite3_close(dest);
    return e;
}

/* A statement is prepared on first use on each connection. Preparing reads
 * the schema when the connection has none loaded (after another process
 * changed it, and a read of the new one failed), so the environment can make
 * it fail: an I/O error, a corrupt page, no memory, a busy schema lock. Then
 * the handle comes back empty, its steps answer the mapped error (503 to the
 * client) and the transaction is not committed; the next use prepares again.
 * Only a statement SQLite refuses as such (SQLITE_ERROR: bad SQL, a missing
 * table) is a bug in the program. */
static struct yz_stmt *sqlite_sql(struct yz_tx *txp, struct yz_sql_def *def)
{
    struct sqlite_tx_full *t = (struct sqlite_tx_full *)txp;
    int slot = yz_store_sql_slot(def);
    sqlite3_stmt **s = &t->tx.c->stmts[slot];
    enum yz_err failed = YZ_OK;
    if (!*s) {
        int rc = sqlite3_prepare_v3(t->tx.c->db, def->sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);
        if (rc != SQLITE_OK) {
            int ext = sqlite3_extended_errcode(t->tx.c->db);
            if ((rc & 0xff) == SQLITE_ERROR || (rc & 0xff) == SQLITE_MISUSE)
                YZ_BUG("cannot prepare [%s]: %s", def->sql, sqlite3_errmsg(t->tx.c->db));
            yz_log_error("cannot prepare [%s]: %s (%d)", def->sql, sqlite3_errmsg(t->tx.c->db),
                         ext);
            *s = NULL;
            failed = yz_sqlite_map(ext);
            if (failed == YZ_OK || failed == YZ_ERR_ALREADY_EXISTS || failed == YZ_ERR_CONFLICT)
                failed = YZ_ERR_STORAGE_IO;
            if (t->failed == YZ_OK)
                t->failed = failed;
        }
    } else {
        sqlite3_reset(*s);
        sqlite3_clear_bindings(*s);
    }
    struct sqlite_stmt *w = &t->ring[t->next];
    t->next = (t->next + 1) % STMT_RING;
    w->h.backend = &yz_store_sqlite;
    w->s = *s;
    w->db = t->tx.c->db;
    w->failed = failed;
    return (struct yz_stmt *)w;
}

#define S(st) (((struct sqlite_stmt *)(st))->s)

/* An unprepared statement (see sqlite_sql) binds nothing; its step fails. */
static void bind_check(struct yz_stmt *st, int rc)
{
    if (rc != SQLITE_OK)
        YZ_BUG("bind failed: %s", sqlite3_errstr(rc));
}

static void sqlite_bind_i64(struct yz_stmt *st, int idx, int64_t v)
{
    bind_check(st, S(st) ? sqlite3_bind_int64(S(st), idx, v) : SQLITE_OK);
}
/* Not copied (SQLITE_STATIC), SQLite reads the bytes only while stepping; the
 * next use's sqlite3_clear_bindings in sqlite_sql drops the pointer unread. */
static void sqlite_bind_textn(struct yz_stmt *st, int idx, const char *s, size_t n, bool copy)
{
    bind_check(st, S(st) ? sqlite3_bind_text64(S(st), idx, s, n,
                                               copy ? SQLITE_TRANSIENT : SQLITE_STATIC, SQLITE_UTF8)
                         : SQLITE_OK);
}
static void sqlite_bind_blob(struct yz_stmt *st, int idx, const void *p, size_t n, bool copy)
{
    bind_check(st, S(st) ? sqlite3_bind_blob64(S(st), idx, p, n,
                                               copy ? SQLITE_TRANSIENT : SQLITE_STATIC)
                         : SQLITE_OK);
}
static void sqlite_bind_null(struct yz_stmt *st, int idx)
{
    bind_check(st, S(st) ? sqlite3_bind_null(S(st), idx) : SQLITE_OK);
}

static enum yz_err sqlite_step(struct yz_stmt *st, bool *row)
{
    if (!S(st)) {
        *row = false;
        return ((struct sqlite_stmt *)st)->failed;
    }
    int rc = sqlite3_step(S(st));
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return YZ_OK;
    int ext = sqlite3_extended_errcode(((struct sqlite_stmt *)st)->db);
    enum yz_err e = yz_sqlite_map(ext);
    if (e != YZ_ERR_ALREADY_EXISTS && e != YZ_ERR_CONFLICT)
        yz_log_error("sqlite step: %s (%d)", sqlite3_errmsg(((struct sqlite_stmt *)st)->db), ext);
    sqlite3_reset(S(st));
    return e;
}

/* Columns are read only after a step gave a row, which an unprepared one never does;
 * sqlite3_column_* answer NULL or 0 for a NULL statement all the same. */
static bool sqlite_col_null(struct yz_stmt *st, int col)
{
    return sqlite3_column_type(S(st), col) == SQLITE_NULL;
}
static int64_t sqlite_col_i64(struct yz_stmt *st, int col)
{
    return sqlite3_column_int64(S(st), col);
}
static const char *sqlite_col_text(struct yz_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(S(st), col);
    return t ? (const char *)t : "";
}
static const void *sqlite_col_blob(struct yz_stmt *st, int col, size_t *n)
{
    const void *p = sqlite3_column_blob(S(st), col);
    *n = (size_t)sqlite3_column_bytes(S(st), col);
    return p;
}
static int64_t sqlite_changes(struct yz_tx *tx)
{
    return sqlite3_changes64(((struct sqlite_tx *)tx)->c->db);
}

const struct yz_store_backend yz_store_sqlite = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .run = sqlite_run,
    .write_detached = sqlite_write_detached,
    .before_commit = sqlite_before_commit,
    .defer_indexes = sqlite_defer_indexes,
    .schema_version = sqlite_schema_version,
    .stats = sqlite_stats,
    .watch = sqlite_watch,
    .backup = sqlite_backup,
    .bulk = sqlite_bulk,
    .checkpoint_idle = sqlite_checkpoint_idle,
    .sql = sqlite_sql,
    .bind_i64 = sqlite_bind_i64,
    .bind_textn = sqlite_bind_textn,
    .bind_blob = sqlite_bind_blob,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .col_null = sqlite_col_null,
    .col_i64 = sqlite_col_i64,
    .col_text = sqlite_col_text,
    .col_blob = sqlite_col_blob,
    .changes = sqlite_changes,
};
