#include "http/idempotency.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "store/store.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define INFLIGHT_MAX 1024
#define KEY_MIN 8
#define KEY_MAX 128

struct inflight {
    int64_t user_id;
    char key[KEY_MAX + 1];
};

static pthread_mutex_t inflight_lock = PTHREAD_MUTEX_INITIALIZER;
static struct inflight inflight[INFLIGHT_MAX];
static int inflight_used[INFLIGHT_MAX];

static bool key_valid(const char *k)
{
    size_t n = strlen(k);
    return n >= KEY_MIN && n <= KEY_MAX &&
           strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:") == n;
}

/* 0 = claimed, 1 = already in flight, -1 = table full. */
static int claim(int64_t user, const char *key)
{
    int free_slot = -1, rc = 0;
    pthread_mutex_lock(&inflight_lock);
    for (int i = 0; i < INFLIGHT_MAX; i++) {
        if (!inflight_used[i]) {
            if (free_slot < 0)
                free_slot = i;
        } else if (inflight[i].user_id == user && strcmp(inflight[i].key, key) == 0) {
            rc = 1;
            goto out;
        }
    }
    if (free_slot < 0) {
        rc = -1;
        goto out;
    }
    inflight_used[free_slot] = 1;
    inflight[free_slot].user_id = user;
    yz_strlcpy(inflight[free_slot].key, key, sizeof inflight[free_slot].key);
out:
    pthread_mutex_unlock(&inflight_lock);
    return rc;
}

void yz_idem_end(struct yz_req *req)
{
    pthread_mutex_lock(&inflight_lock);
    for (int i = 0; i < INFLIGHT_MAX; i++)
        if (inflight_used[i] && inflight[i].user_id == req->who.user_id &&
            strcmp(inflight[i].key, req->idem_key) == 0)
            inflight_used[i] = 0;
    pthread_mutex_unlock(&inflight_lock);
}

static struct yz_sql_def q_find = YZ_SQL(
    "SELECT route, request_hash, status, response FROM idempotency WHERE user_id = ? AND key = ?");
static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO idempotency(user_id, key, route, request_hash, status, response, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)");

struct lookup {
    struct yz_req *req;
    bool found, same;
    int status;
    char *response;
};

static enum yz_err lookup_tx(struct yz_tx *tx, void *ctx)
{
    struct lookup *l = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_find);
    yz_bind_i64(st, 1, l->req->who.user_id);
    yz_bind_text(st, 2, l->req->idem_key);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e;
    l->found = true;
    l->same = strcmp(yz_col_text(st, 0), l->req->route->name) == 0 &&
              strcmp(yz_col_text(st, 1), l->req->idem_hash) == 0;
    l->status = (int)yz_col_i64(st, 2);
    l->response = yz_strdup(yz_col_text(st, 3));
    return YZ_OK;
}

enum yz_err yz_idem_begin(struct yz_req *req, struct yz_rendered *out)
{
    const char *key = yz_req_header(req, "Idempotency-Key");
    if (!key)
        return YZ_ERR_IDEMPOTENCY_KEY_REQUIRED;
    if (!key_valid(key)) {
        yz_field_errors_add(&req->fields, "header/Idempotency-Key", "invalid",
                            "Idempotency-Key 应为 8 到 128 个字母、数字或 -_.: 字符");
        return YZ_ERR_VALIDATION;
    }
    req->idem_key = key;
    /* The request's identity: route and exact body bytes. */
    unsigned char h[32];
    crypto_generichash_state s;
    crypto_generichash_init(&s, NULL, 0, sizeof h);
    crypto_generichash_update(&s, (const unsigned char *)req->route->name,
                              strlen(req->route->name) + 1);
    crypto_generichash_update(&s, (const unsigned char *)req->raw_body, req->raw_body_len);
    crypto_generichash_final(&s, h, sizeof h);
    sodium_bin2hex(req->idem_hash, sizeof req->idem_hash, h, sizeof h);

    int c = claim(req->who.user_id, key);
    if (c == 1)
        return YZ_ERR_IDEMPOTENCY_IN_FLIGHT;
    if (c < 0)
        return YZ_ERR_UNAVAILABLE;

    struct lookup l = {.req = req};
    enum yz_err e = yz_store_read(req->app->store, lookup_tx, &l);
    if (e == YZ_OK && l.found) {
        if (l.same) {
            out->status = l.status;
            out->body = l.response;
            out->len = strlen(l.response);
            out->content_type = "application/json";
            l.response = NULL;
        } else {
            e = YZ_ERR_IDEMPOTENCY_KEY_REUSED;
        }
    }
    free(l.response);
    if (e != YZ_OK || out->body)
        yz_idem_end(req);
    return e;
}

struct write_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
    enum yz_err (*fn)(struct yz_tx *, struct yz_req *, struct yz_resp *, void *);
    void *ctx;
};

static enum yz_err write_tx(struct yz_tx *tx, void *p)
{
    struct write_ctx *w = p;
    enum yz_err e = w->fn(tx, w->req, w->resp, w->ctx);
    if (e != YZ_OK || !w->req->idem_key)
        return e;
    /* The JSON answer: already text (yz_resp_json_text), bound as it is (resp
     * keeps it until the router sends it, after this write), or a tree. */
    char *dumped = !w->resp->raw && w->resp->body ? yz_json_dumps(w->resp->body) : NULL;
    const char *body = w->resp->raw ? w->resp->raw : w->resp->body ? dumped : "";
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_i64(st, 1, w->req->who.user_id);
    yz_bind_text(st, 2, w->req->idem_key);
    yz_bind_text(st, 3, w->req->route->name);
    yz_bind_text(st, 4, w->req->idem_hash);
    int status = w->resp->status ? w->resp->status : w->req->route->ok_status;
    yz_bind_i64(st, 5, status ? status : 200);
    yz_bind_text(st, 6, body);
    yz_bind_i64(st, 7, yz_time_now_ms());
    e = yz_exec(st);
    free(dumped);
    if (e == YZ_OK)
        w->req->idem_stored = true;
    return e;
}

enum yz_err yz_req_write(struct yz_req *req, struct yz_resp *resp,
                         enum yz_err (*fn)(struct yz_tx *tx, struct yz_req *req,
                                           struct yz_resp *resp, void *ctx),
                         void *ctx)
{
    struct write_ctx w = {req, resp, fn, ctx};
    return yz_store_write(req->app->store, write_tx, &w);
}
