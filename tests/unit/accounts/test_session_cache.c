/* Unit tests for the session cache: hits spare the database, and logout,
 * revocation, a changed user, expiry, idle time and writes by another process
 * are all seen as the uncached lookup would see them. Recording a session's
 * activity never makes a request wait for the writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts/session.h"
#include "accounts/session_cache.h"
#include "app/app.h"
#include "core/clock.h"
#include "lib/writer_hold.h"
#include "store/store.h"

static char dir[64];
static char path[128];
static struct yz_app app;
static const int64_t T0 = 1780000000000; /* a fixed "now" (2026) */

static struct yz_sql_def q_user = YZ_SQL(
    "INSERT INTO users(role, phone_hash, name, person_kind, password_hash, created_at)"
    " VALUES ('party', ?, '测试当事人', 'natural', 'x', 0) RETURNING id");
static struct yz_sql_def q_disable = YZ_SQL("UPDATE users SET status = 'disabled' WHERE id = ?");
static struct yz_sql_def q_last_seen =
    YZ_SQL("SELECT last_seen_at FROM sessions WHERE token_hash = ?");

static int64_t user_id;

static enum yz_err user_tx(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_user);
    yz_bind_text(st, 1, ctx);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e == YZ_OK && row)
        user_id = yz_col_i64(st, 0);
    return e;
}

static enum yz_err disable_tx(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_disable);
    yz_bind_i64(st, 1, *(int64_t *)ctx);
    return yz_exec(st);
}

struct opened {
    bool bearer;
    char token[48];
    char csrf[65];
};

static enum yz_err open_tx(struct yz_tx *tx, void *ctx)
{
    struct opened *o = ctx;
    struct yz_principal who = {.user_id = user_id, .role = YZ_ROLE_PARTY};
    int64_t expires, max_age;
    return yz_session_open(tx, &app, &who, o->bearer, o->token, o->csrf, &expires, &max_age);
}

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/yz-sc-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/t.db", dir);
    memset(&app, 0, sizeof app);
    app.cfg.session.bearer_absolute_h = 24;
    app.cfg.session.party_absolute_h = 12;
    app.cfg.session.party_idle_min = 30;
    struct yz_store_options o = {.path = path, .connections = 2};
    struct yz_buf err = YZ_BUF_INIT(256);
    if (yz_store_open(&o, &app.store, &err) != YZ_OK)
        return -1;
    yz_buf_release(&err);
    app.sessions = yz_session_cache_new(app.store);
    yz_time_set_fake(T0);
    return yz_store_write(app.store, user_tx, "phone-hash-1") == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    yz_time_set_fake(0);
    yz_store_close(app.store);
    yz_session_cache_free(app.sessions);
    char p[160];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static enum yz_err noop_tx(struct yz_tx *tx, void *ctx)
{
    (void)tx;
    (void)ctx;
    return YZ_OK;
}

/* Activity is recorded by a detached write: a write queued after it returns
 * once it is committed. */
static void settle(void)
{
    assert_int_equal(yz_store_write(app.store, noop_tx, NULL), YZ_OK);
}

struct last_seen {
    const char *hash;
    int64_t at;
};

static enum yz_err last_seen_tx(struct yz_tx *tx, void *ctx)
{
    struct last_seen *l = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_last_seen);
    yz_bind_text(st, 1, l->hash);
    bool row;
    enum yz_err e = yz_step(st, &row);
    l->at = row ? yz_col_i64(st, 0) : -1;
    return e;
}

static int64_t last_seen_of(const char *hash)
{
    struct last_seen l = {hash, -1};
    assert_int_equal(yz_store_read(app.store, last_seen_tx, &l), YZ_OK);
    return l.at;
}

static struct opened open_session(bool bearer)
{
    struct opened o = {.bearer = bearer};
    assert_int_equal(yz_store_write(app.store, open_tx, &o), YZ_OK);
    return o;
}

static enum yz_err resolve(const struct opened *o, bool bearer, char hash[65])
{
    struct yz_principal who;
    char csrf[65];
    enum yz_err e = yz_session_resolve(&app, o->token, bearer, &who, csrf, hash);
    if (e == YZ_OK) {
        assert_int_equal(who.user_id, user_id);
        assert_string_equal(csrf, o->csrf);
    } else {
        assert_int_equal(who.user_id, 0);
    }
    return e;
}

static struct yz_session_cache_stats stats(void)
{
    struct yz_session_cache_stats s;
    yz_session_cache_stats(app.sessions, &s);
    return s;
}

static void a_second_request_is_served_from_the_cache(void **state)
{
    struct opened o = open_session(true);
    char hash[65];
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    struct yz_session_cache_stats a = stats();
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    struct yz_session_cache_stats b = stats();
    assert_int_equal(b.hits, a.hits + 1);
    assert_int_equal(b.misses, a.misses);
    /* A cached bearer token is still no cookie, and a wrong token nothing. */
    assert_int_equal(resolve(&o, false, hash), YZ_ERR_UNAUTHENTICATED);
    struct opened wrong = o;
    wrong.token[0] = wrong.token[0] == 'A' ? 'B' : 'A';
    assert_int_equal(resolve(&wrong, true, hash), YZ_ERR_UNAUTHENTICATED);
}

static void logout_is_seen_at_once(void **state)
{
    struct opened o = open_session(false);
    char hash[65];
    assert_int_equal(resolve(&o, false, hash), YZ_OK);
    assert_int_equal(resolve(&o, false, hash), YZ_OK); /* cached now */
    assert_int_equal(yz_session_close(&app, hash, user_id), YZ_OK);
    assert_int_equal(resolve(&o, false, hash), YZ_ERR_UNAUTHENTICATED);
}

static void a_disabled_user_is_seen_at_once(void **state)
{
    struct opened o = open_session(true);
    char hash[65];
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    assert_int_equal(yz_store_write(app.store, disable_tx, &user_id), YZ_OK);
    assert_int_equal(resolve(&o, true, hash), YZ_ERR_UNAUTHENTICATED);
}

static void expiry_and_idle_time_apply_to_cached_sessions(void **state)
{
    struct opened cookie = open_session(false), bearer = open_session(true);
    char hash[65];
    assert_int_equal(resolve(&cookie, false, hash), YZ_OK);
    assert_int_equal(resolve(&bearer, true, hash), YZ_OK);
    /* Within the cache's lifetime, the cookie session goes idle (30 min). */
    yz_time_set_fake(T0 + 30 * 60000 + 1);
    assert_int_equal(resolve(&cookie, false, hash), YZ_ERR_UNAUTHENTICATED);
    /* The bearer session lives 24 h; it is used, so it records activity. */
    assert_int_equal(resolve(&bearer, true, hash), YZ_OK);
    yz_time_set_fake(T0 + 24 * 3600000);
    assert_int_equal(resolve(&bearer, true, hash), YZ_ERR_UNAUTHENTICATED);

    /* The checks apply to a cached entry itself, not only to what the
     * database says: an entry expiring at T1 is refused at T1. */
    struct opened o = open_session(true);
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    struct yz_session_entry e;
    int64_t now = yz_time_now_ms();
    assert_true(yz_session_cache_get(app.sessions, hash, now, &e));
    e.expires_at = now + 1000;
    yz_session_cache_put(app.sessions, &e, yz_session_cache_gen(app.sessions));
    yz_time_set_fake(now + 999);
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    yz_time_set_fake(now + 1000);
    assert_int_equal(resolve(&o, true, hash), YZ_ERR_UNAUTHENTICATED);
}

static void activity_is_recorded_and_keeps_a_session_alive(void **state)
{
    struct opened o = open_session(false);
    char hash[65];
    assert_int_equal(resolve(&o, false, hash), YZ_OK);
    /* Used every 20 minutes, the session never idles out (30 min). */
    for (int i = 1; i <= 5; i++) {
        yz_time_set_fake(T0 + i * 20 * 60000);
        assert_int_equal(resolve(&o, false, hash), YZ_OK);
        assert_int_equal(resolve(&o, false, hash), YZ_OK);
        settle();
        assert_int_equal(last_seen_of(hash), T0 + i * 20 * 60000);
    }
    yz_time_set_fake(T0 + 5 * 20 * 60000 + 30 * 60000 + 1);
    assert_int_equal(resolve(&o, false, hash), YZ_ERR_UNAUTHENTICATED);
}

/* The bench's stall (make bench, GET /api/v1/matters/{id} at 256 connections:
 * a few hundred requests, then none for the rest of the run): a read whose
 * session was due an activity update waited for that write's commit on one of
 * the two threads serving every connection, and so did the other thread, whose
 * requests saw the same update due until it committed. A slow commit froze the
 * server. Now the requests are answered while the writer is held, and they
 * queue one activity write between them, which commits once the writer goes on. */
static void a_request_never_waits_for_its_activity_write(void **state)
{
    struct opened o = open_session(true);
    char hash[65];
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    settle();
    assert_int_equal(last_seen_of(hash), T0);
    const int64_t due = T0 + 2 * 60000; /* activity is recorded once a minute at most */
    yz_time_set_fake(due);
    struct yz_store_stats before, after;
    yz_store_stats(app.store, &before);
    struct yzt_writer_hold hold;
    yzt_writer_hold(&hold, app.store);
    for (int i = 0; i < 100; i++)
        assert_int_equal(resolve(&o, true, hash), YZ_OK);
    assert_true(yzt_writer_release(&hold)); /* every request was answered while it was held */
    settle();
    yz_store_stats(app.store, &after);
    assert_int_equal(after.writes - before.writes, 3); /* the hold, one activity write, settle */
    assert_int_equal(last_seen_of(hash), due);
    /* Recorded, it is not due again within the minute. */
    yz_time_set_fake(due + 30000);
    yz_store_stats(app.store, &before);
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    settle();
    yz_store_stats(app.store, &after);
    assert_int_equal(after.writes - before.writes, 1);
}

static void another_process_is_seen_within_the_cache_lifetime(void **state)
{
    struct opened o = open_session(true);
    char hash[65];
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    /* The CLI revokes every session behind the server's back. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE sessions SET revoked_at = 1", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    yz_time_set_fake(T0 + YZ_SESSION_CACHE_TTL_MS);
    assert_int_equal(resolve(&o, true, hash), YZ_ERR_UNAUTHENTICATED);
}

static void a_read_racing_a_change_is_not_cached(void **state)
{
    struct opened o = open_session(true);
    char hash[65];
    assert_int_equal(resolve(&o, true, hash), YZ_OK);
    struct yz_session_entry e;
    assert_true(yz_session_cache_get(app.sessions, hash, T0, &e));
    /* A reader took the generation, then a session changed: its put is dropped. */
    uint64_t gen = yz_session_cache_gen(app.sessions);
    assert_int_equal(yz_session_close(&app, hash, user_id), YZ_OK);
    assert_false(yz_session_cache_get(app.sessions, hash, T0, &e));
    yz_session_cache_put(app.sessions, &e, gen);
    assert_false(yz_session_cache_get(app.sessions, hash, T0, &e));
    assert_int_equal(resolve(&o, true, hash), YZ_ERR_UNAUTHENTICATED);
}

static void the_cache_is_bounded(void **state)
{
    enum { N = YZ_SESSION_CACHE_SLOTS + 200 };
    static struct opened many[N];
    char hash[65];
    for (int i = 0; i < N; i++) {
        many[i] = open_session(true);
        assert_int_equal(resolve(&many[i], true, hash), YZ_OK);
    }
    assert_true(stats().entries <= YZ_SESSION_CACHE_SLOTS);
    for (int i = 0; i < N; i += 97)
        assert_int_equal(resolve(&many[i], true, hash), YZ_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_second_request_is_served_from_the_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(logout_is_seen_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(a_disabled_user_is_seen_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(expiry_and_idle_time_apply_to_cached_sessions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(activity_is_recorded_and_keeps_a_session_alive, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_request_never_waits_for_its_activity_write, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(another_process_is_seen_within_the_cache_lifetime, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_read_racing_a_change_is_not_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(the_cache_is_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
