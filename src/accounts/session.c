#include "accounts/session.h"
#include "accounts/session_cache.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/log.h"
#include "crypto/token.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#define LAST_SEEN_GRANULARITY_MS 60000

static struct yz_sql_def q_resolve = YZ_SQL(
    "SELECT s.user_id, s.kind, s.csrf_token, s.last_seen_at, s.idle_ms, s.expires_at,"
    " s.revoked_at IS NOT NULL, s.reauth_at, u.role, coalesce(u.court_id, 0), u.name, u.status,"
    " s.rowid FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
static struct yz_sql_def q_touch =
    YZ_SQL("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND revoked_at IS NULL");
static struct yz_sql_def q_open = YZ_SQL(
    "INSERT INTO sessions(token_hash, user_id, kind, csrf_token, created_at, last_seen_at,"
    " idle_ms, expires_at, reauth_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
static struct yz_sql_def q_close = YZ_SQL(
    "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND user_id = ? AND revoked_at IS NULL");

struct resolve {
    const char *hash;
    struct yz_session_entry *e;
    bool found;
};

/* Reads a live session (not revoked, user active); expiry and idle time are
 * checked by the caller, for cached entries alike. */
static enum yz_err resolve_tx(struct yz_tx *tx, void *ctx)
{
    struct resolve *r = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_resolve);
    yz_bind_text(st, 1, r->hash);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e;
    int role = yz_role_parse(yz_col_text(st, 8));
    if (yz_col_i64(st, 6) || strcmp(yz_col_text(st, 11), "active") != 0 || role < 0)
        return YZ_OK;
    struct yz_session_entry *out = r->e;
    r->found = true;
    yz_strlcpy(out->token_hash, r->hash, sizeof out->token_hash);
    out->rowid = yz_col_i64(st, 12);
    out->who.user_id = yz_col_i64(st, 0);
    out->who.role = (enum yz_role)role;
    out->who.court_id = yz_col_i64(st, 9);
    out->who.reauth_at = yz_col_i64(st, 7);
    out->who.bearer = strcmp(yz_col_text(st, 1), "bearer") == 0;
    yz_strlcpy(out->who.name, yz_col_text(st, 10), sizeof out->who.name);
    yz_strlcpy(out->csrf, yz_col_text(st, 2), sizeof out->csrf);
    out->last_seen = yz_col_i64(st, 3);
    out->idle_ms = yz_col_i64(st, 4);
    out->expires_at = yz_col_i64(st, 5);
    return YZ_OK;
}

/* A session's last activity, recorded by a detached write. */
struct touch {
    struct yz_session_cache *cache; /* the claim to release, or NULL */
    int64_t at;
    char hash[65];
};

static enum yz_err touch_tx(struct yz_tx *tx, void *ctx)
{
    const struct touch *t = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_touch);
    yz_bind_i64(st, 1, t->at);
    yz_bind_text(st, 2, t->hash);
    return yz_exec(st);
}

/* On the writer thread, after the commit (whose watch dropped the cached entry). */
static void touch_done(void *ctx, enum yz_err e)
{
    const struct touch *t = ctx;
    if (t->cache)
        yz_session_cache_touch_release(t->cache, t->hash);
    if (e != YZ_OK)
        yz_log_warn("could not record session activity: %s", yz_err_code(e));
}

/* Records that the session was used at now, without waiting for the commit:
 * the caller is serving a request, often a read on one of the few threads that
 * serve every connection, and a commit waits for an fsync. Waiting here stalled
 * the whole server whenever the writer was slow, since every thread serving the
 * session's requests saw the activity as due until the write committed. One
 * write per session is on its way at a time; one not queued (the writer is
 * backed up) is left to a later request. */
static void record_activity(struct yz_app *app, const char *token_hash, int64_t now)
{
    struct touch t = {app->sessions, now, ""};
    yz_strlcpy(t.hash, token_hash, sizeof t.hash);
    if (app->sessions && !yz_session_cache_touch_claim(app->sessions, token_hash))
        return; /* on its way already */
    if (!yz_store_write_detached(app->store, touch_tx, &t, sizeof t, touch_done) && app->sessions)
        yz_session_cache_touch_release(app->sessions, token_hash);
}

/* The session for token_hash, from the cache or else the database. */
static enum yz_err lookup(struct yz_app *app, const char *token_hash, int64_t now,
                          struct yz_session_entry *e, bool *found)
{
    *found = false;
    if (app->sessions && yz_session_cache_get(app->sessions, token_hash, now, e)) {
        *found = true;
        return YZ_OK;
    }
    uint64_t gen = app->sessions ? yz_session_cache_gen(app->sessions) : 0;
    struct resolve r = {token_hash, e, false};
    enum yz_err err = yz_store_read(app->store, resolve_tx, &r);
    if (err == YZ_OK && r.found) {
        *found = true;
        e->loaded_at = now;
        if (app->sessions)
            yz_session_cache_put(app->sessions, e, gen);
    }
    return err;
}

enum yz_err yz_session_resolve(struct yz_app *app, const char *token, bool bearer,
                               struct yz_principal *who, char csrf[65], char token_hash[65])
{
    memset(who, 0, sizeof *who);
    token_hash[0] = '\0';
    if (!token || strlen(token) != YZ_TOKEN_SIZE - 1 || yz_token_hash(token, token_hash) != YZ_OK)
        return YZ_ERR_UNAUTHENTICATED;
    int64_t now = yz_time_now_ms();
    struct yz_session_entry s;
    bool found;
    enum yz_err e = lookup(app, token_hash, now, &s, &found);
    if (e != YZ_OK || !found || s.who.bearer != bearer || now >= s.expires_at ||
        now - s.last_seen > s.idle_ms) {
        token_hash[0] = '\0';
        return e != YZ_OK ? e : YZ_ERR_UNAUTHENTICATED;
    }
    *who = s.who;
    yz_strlcpy(csrf, s.csrf, 65);
    /* Recording activity changes the row, which drops the cached entry: the
     * next request after the commit reads the new last-seen time. */
    if (now - s.last_seen > LAST_SEEN_GRANULARITY_MS)
        record_activity(app, token_hash, now);
    return YZ_OK;
}

enum yz_err yz_session_open(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            bool bearer, char token[48], char csrf[65], int64_t *expires_at,
                            int64_t *max_age_s)
{
    const struct yz_config *c = &app->cfg;
    bool staff = yz_role_is_staff(who->role);
    int64_t idle_ms, abs_ms;
    if (bearer) {
        abs_ms = (int64_t)c->session.bearer_absolute_h * 3600000;
        idle_ms = abs_ms;
    } else if (staff) {
        abs_ms = (int64_t)c->session.staff_absolute_h * 3600000;
        idle_ms = (int64_t)c->session.staff_idle_min * 60000;
    } else {
        abs_ms = (int64_t)c->session.party_absolute_h * 3600000;
        idle_ms = (int64_t)c->session.party_idle_min * 60000;
    }
    char hash[YZ_TOKEN_HASH_HEX];
    yz_token_new(token);
    yz_token_hash(token, hash);
    yz_random_hex(32, csrf, 65);
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_open);
    yz_bind_text(st, 1, hash);
    yz_bind_i64(st, 2, who->user_id);
    yz_bind_text(st, 3, bearer ? "bearer" : "cookie");
    yz_bind_text(st, 4, csrf);
    yz_bind_i64(st, 5, now);
    yz_bind_i64(st, 6, now);
    yz_bind_i64(st, 7, idle_ms);
    yz_bind_i64(st, 8, now + abs_ms);
    yz_bind_i64(st, 9, now);
    *expires_at = now + abs_ms;
    *max_age_s = abs_ms / 1000;
    return yz_exec(st);
}

struct close_ctx {
    const char *hash;
    int64_t user_id;
};

static enum yz_err close_tx(struct yz_tx *tx, void *ctx)
{
    struct close_ctx *c = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_close);
    yz_bind_i64(st, 1, yz_time_now_ms());
    yz_bind_text(st, 2, c->hash);
    yz_bind_i64(st, 3, c->user_id);
    return yz_exec(st);
}

enum yz_err yz_session_close(struct yz_app *app, const char *token_hash, int64_t user_id)
{
    struct close_ctx c = {token_hash, user_id};
    return yz_store_write(app->store, close_tx, &c);
}

void yz_session_cookie(char *out, size_t size, const char *token, int64_t max_age_s, bool tls)
{
    snprintf(out, size, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
             tls ? "__Host-yz_session" : "yz_session", token, (long long)(token[0] ? max_age_s : 0),
             tls ? "; Secure" : "");
}
