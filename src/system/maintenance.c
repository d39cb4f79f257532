#include "system/maintenance.h"
#include "attachments/attachments.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* Each pass deletes at most this many rows per table, so it never holds the
 * writer for long; a backlog drains over several passes. */
#define BATCH 5000

static struct yz_sql_def q_idem = YZ_SQL(
    "DELETE FROM idempotency WHERE rowid IN"
    " (SELECT rowid FROM idempotency WHERE created_at < ? LIMIT ?)");
static struct yz_sql_def q_sessions = YZ_SQL(
    "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions"
    " WHERE expires_at < ? OR revoked_at < ? LIMIT ?)");
static struct yz_sql_def q_throttle = YZ_SQL(
    "DELETE FROM login_throttle WHERE rowid IN (SELECT rowid FROM login_throttle"
    " WHERE locked_until < ? AND updated_at < ? LIMIT ?)");

struct pass {
    struct yz_app *app;
    int64_t removed;
};

static enum yz_err pass_tx(struct yz_tx *tx, void *ctx)
{
    struct pass *p = ctx;
    int64_t now = yz_time_now_ms();
    int64_t day = 86400000;
    struct yz_stmt *st = yz_sql(tx, &q_idem);
    yz_bind_i64(st, 1, now - (int64_t)p->app->cfg.idempotency.retention_h * 3600000);
    yz_bind_i64(st, 2, BATCH);
    enum yz_err e = yz_exec(st);
    p->removed += yz_tx_changes(tx);
    if (e == YZ_OK) {
        st = yz_sql(tx, &q_sessions);
        yz_bind_i64(st, 1, now - day);
        yz_bind_i64(st, 2, now - day);
        yz_bind_i64(st, 3, BATCH);
        e = yz_exec(st);
        p->removed += yz_tx_changes(tx);
    }
    if (e == YZ_OK) {
        st = yz_sql(tx, &q_throttle);
        yz_bind_i64(st, 1, now);
        yz_bind_i64(st, 2, now - day);
        yz_bind_i64(st, 3, BATCH);
        e = yz_exec(st);
        p->removed += yz_tx_changes(tx);
    }
    return e;
}

enum yz_err yz_maintenance_pass(struct yz_app *app, int64_t *removed)
{
    struct pass p = {app, 0};
    enum yz_err e = yz_store_write(app->store, pass_tx, &p);
    if (e == YZ_OK)
        e = yz_attachments_gc(app, &p.removed); /* orphaned upload files (attachments.h) */
    if (removed)
        *removed = p.removed;
    return e;
}

struct yz_maintenance {
    struct yz_app *app;
    int interval_s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void *run(void *arg)
{
    struct yz_maintenance *m = arg;
    pthread_mutex_lock(&m->lock);
    while (!m->stop) {
        pthread_mutex_unlock(&m->lock);
        int64_t removed = 0;
        enum yz_err e = yz_maintenance_pass(m->app, &removed);
        if (e != YZ_OK)
            yz_log_warn("maintenance pass failed: %s", yz_err_code(e));
        else if (removed)
            yz_log_info("maintenance removed %lld expired rows", (long long)removed);
        pthread_mutex_lock(&m->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += m->interval_s;
        while (!m->stop && pthread_cond_timedwait(&m->wake, &m->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

struct yz_maintenance *yz_maintenance_start(struct yz_app *app, int interval_s)
{
    struct yz_maintenance *m = yz_calloc(1, sizeof *m);
    m->app = app;
    m->interval_s = interval_s > 0 ? interval_s : 600;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->wake, NULL);
    if (pthread_create(&m->thread, NULL, run, m) != 0) {
        yz_log_error("cannot start the maintenance thread");
        pthread_mutex_destroy(&m->lock);
        pthread_cond_destroy(&m->wake);
        free(m);
        return NULL;
    }
    return m;
}

void yz_maintenance_stop(struct yz_maintenance *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    m->stop = true;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->thread, NULL);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->wake);
    free(m);
}
