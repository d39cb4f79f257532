/*
 * The SQLite backend. WAL with synchronous=FULL, so a commit that returned is
 * on disk (under a simulated power cut NORMAL lost acknowledged commits, FULL
 * none: ../shared/stack-bench.md). A small pool of connections serves the
 * worker threads; each connection caches its prepared statements by slot.
 * Writers are serialised by a mutex rather than by SQLite's busy loop, so a
 * waiting writer sleeps instead of spinning; a group-commit writer can later
 * replace the mutex without changing the interface.
 */
#include "store/store_backend.h"
#include "store/migrations.h"
#include "store/test_vfs.h"
#include "core/log.h"
#include "core/clock.h"
#include "core/metrics.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define POOL_MAX 32

struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[YZ_STORE_MAX_STATEMENTS];
};

struct sqlite_store {
    struct conn pool[POOL_MAX];
    bool busy[POOL_MAX];
    int size;
    pthread_mutex_t lock;  /* guards busy[] */
    pthread_cond_t freed;
    pthread_mutex_t writer; /* one write transaction at a time */
    int busy_timeout_ms;
    int max_rows;
    int schema_version;
};

struct sqlite_tx {
    struct yz_tx_header h;
    struct conn *c;
};

struct sqlite_stmt {
    struct yz_stmt_header h;
    sqlite3_stmt *s;
    sqlite3 *db;
};

/* A statement handle lives inside the connection's cache; the wrapper is
 * handed out from a per-transaction ring so callers can hold a few at once. */
#define STMT_RING 16
struct sqlite_tx_full {
    struct sqlite_tx tx;
    struct sqlite_stmt ring[STMT_RING];
    int next;
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
    enum yz_err e = exec_fixed(c->db,
                               "PRAGMA journal_mode=WAL;"
                               "PRAGMA synchronous=FULL;"
                               "PRAGMA foreign_keys=ON;"
                               "PRAGMA temp_store=MEMORY;",
                               err);
    if (e == YZ_OK && yz_test_sync_normal()) /* test builds: the power-cut negative control */
        e = exec_fixed(c->db, "PRAGMA synchronous=NORMAL;", err);
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
    sqlite3_close(c->db);
    c->db = NULL;
}

static void sqlite_close(void *impl)
{
    struct sqlite_store *st = impl;
    if (!st)
        return;
    for (int i = 0; i < st->size; i++)
        conn_close(&st->pool[i]);
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->freed);
    pthread_mutex_destroy(&st->writer);
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
    return YZ_OK;
}

static enum yz_err sqlite_open(const struct yz_store_options *opt, void **impl,
                               struct yz_buf *err)
{
    struct sqlite_store *st = yz_calloc(1, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->freed, NULL);
    pthread_mutex_init(&st->writer, NULL);
    st->busy_timeout_ms = opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000;
    st->max_rows = opt->max_rows > 0 ? opt->max_rows : 200;
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

static enum yz_err sqlite_run(void *impl, bool write, yz_tx_fn fn, void *ctx)
{
    struct sqlite_store *st = impl;
    if (write)
        pthread_mutex_lock(&st->writer);
    struct conn *c = acquire(st);
    struct sqlite_tx_full t;
    memset(&t, 0, sizeof t);
    t.tx.h.backend = &yz_store_sqlite;
    t.tx.h.max_rows = st->max_rows;
    t.tx.c = c;

    struct yz_buf err = YZ_BUF_INIT(512);
    /* SQLite answers BUSY at once, without its busy handler, in a few cases
     * (WAL recovery by another process, a reader closing the last connection):
     * retry for up to the busy timeout rather than fail the request. */
    enum yz_err e;
    for (int waited = 0;; waited += 10) {
        yz_buf_reset(&err);
        e = exec_fixed(c->db, write ? "BEGIN IMMEDIATE" : "BEGIN", &err);
        if (e != YZ_ERR_UNAVAILABLE || waited >= st->busy_timeout_ms)
            break;
        sqlite3_sleep(10);
    }
    if (e == YZ_OK) {
        e = fn((struct yz_tx *)&t, ctx);
        /* A statement left mid-result would keep its read snapshot open into
         * the next transaction on this pooled connection: reset them all. */
        for (sqlite3_stmt *s = sqlite3_next_stmt(c->db, NULL); s; s = sqlite3_next_stmt(c->db, s))
            if (sqlite3_stmt_busy(s))
                sqlite3_reset(s);
        if (e == YZ_OK) {
            e = exec_fixed(c->db, "COMMIT", &err);
            if (e != YZ_OK) {
                yz_log_error("commit failed: %s", err.data);
                exec_fixed(c->db, "ROLLBACK", NULL);
            }
        } else {
            exec_fixed(c->db, "ROLLBACK", NULL);
        }
    } else {
        yz_log_error("begin failed: %s", err.data);
    }
    yz_buf_release(&err);
    release(st, c);
    if (write)
        pthread_mutex_unlock(&st->writer);
    yz_metrics_db(write, e == YZ_OK);
    return e;
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

static struct yz_stmt *sqlite_sql(struct yz_tx *txp, struct yz_sql_def *def)
{
    struct sqlite_tx_full *t = (struct sqlite_tx_full *)txp;
    int slot = yz_store_sql_slot(def);
    sqlite3_stmt **s = &t->tx.c->stmts[slot];
    if (!*s) {
        int rc = sqlite3_prepare_v3(t->tx.c->db, def->sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);
        if (rc != SQLITE_OK)
            YZ_BUG("cannot prepare [%s]: %s", def->sql, sqlite3_errmsg(t->tx.c->db));
    } else {
        sqlite3_reset(*s);
        sqlite3_clear_bindings(*s);
    }
    struct sqlite_stmt *w = &t->ring[t->next];
    t->next = (t->next + 1) % STMT_RING;
    w->h.backend = &yz_store_sqlite;
    w->s = *s;
    w->db = t->tx.c->db;
    return (struct yz_stmt *)w;
}

#define S(st) (((struct sqlite_stmt *)(st))->s)

static void bind_check(struct yz_stmt *st, int rc)
{
    if (rc != SQLITE_OK)
        YZ_BUG("bind failed: %s", sqlite3_errstr(rc));
}

static void sqlite_bind_i64(struct yz_stmt *st, int idx, int64_t v)
{
    bind_check(st, sqlite3_bind_int64(S(st), idx, v));
}
static void sqlite_bind_textn(struct yz_stmt *st, int idx, const char *s, size_t n)
{
    bind_check(st, sqlite3_bind_text64(S(st), idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}
static void sqlite_bind_blob(struct yz_stmt *st, int idx, const void *p, size_t n)
{
    bind_check(st, sqlite3_bind_blob64(S(st), idx, p, n, SQLITE_TRANSIENT));
}
static void sqlite_bind_null(struct yz_stmt *st, int idx)
{
    bind_check(st, sqlite3_bind_null(S(st), idx));
}

static enum yz_err sqlite_step(struct yz_stmt *st, bool *row)
{
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
    .schema_version = sqlite_schema_version,
    .backup = sqlite_backup,
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
