/*
 * One HTTP request as the handlers see it, and the response they fill. The
 * router has already matched the route, authenticated the caller, checked the
 * route's auth policy and CSRF, and validated parameters and body against the
 * route's schema. Handlers return an error code; only the router writes the
 * error body (RFC 9457 problem+json with req->fields).
 */
#ifndef YZ_HTTP_REQUEST_H
#define YZ_HTTP_REQUEST_H

#include "app/app.h"
#include "core/buf.h"
#include "core/fielderr.h"
#include "http/request_id.h"
#include "http/route.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct yz_store;
struct yz_tx;
struct yz_upload;

#define YZ_MAX_PATH_PARAMS 4

struct yz_req {
    struct yz_app *app;
    const struct yz_route *route;
    void *conn;                /* struct MHD_Connection *, for header lookups */
    const char *path;
    char request_id[YZ_REQUEST_ID_SIZE];
    const char *path_names[YZ_MAX_PATH_PARAMS];
    char *path_values[YZ_MAX_PATH_PARAMS];
    int path_count;
    json_t *body;              /* validated JSON object, or NULL */
    const char *raw_body;      /* the body bytes (for idempotency hashing); for
                                  uploads, what identifies the upload */
    size_t raw_body_len;
    struct yz_upload *upload;  /* YZ_ROUTE_UPLOAD: the received upload (attachments.h),
                                  complete and without error; else NULL */
    struct yz_principal who;   /* who.user_id == 0 when anonymous */
    char session_hash[65];     /* hash of the session token in use, "" if none */
    char csrf[65];             /* the cookie session's CSRF token, "" if none */
    bool tls;
    bool peer_loopback;
    const char *channel;       /* web | mobile | hall | kiosk | hotline | circuit */
    struct yz_field_errors fields;
    struct yz_buf detail;      /* extra text for the problem's detail member */
    /* Idempotency: set by the router for YZ_ROUTE_IDEMPOTENT routes. */
    const char *idem_key;
    char idem_hash[65];
    bool idem_stored;
    /* Set by a caller that must not wait for a commit (a thread serving
     * connections): the router leaves a denial parked for it to take
     * (yz_policy_take_denial) instead of writing it. */
    bool keep_denial;
};

struct yz_resp {
    int status;                /* 0 = route's ok_status */
    json_t *body;              /* JSON body (the router frees it) */
    char *raw;                 /* YZ_ROUTE_RAW: body bytes; other routes: the JSON
                                  body as text instead of body (yz_resp_json_text);
                                  freed by the router */
    size_t raw_len;
    const char *content_type;  /* for raw bodies and files (a static string) */
    /* A file body instead (downloads): the router hands file_fd to the server,
     * which streams file_size bytes from it and closes it. */
    bool file;
    int file_fd;
    uint64_t file_size;
    char disposition[1024];    /* Content-Disposition, "" for none */
    char set_cookie[2][512];   /* up to two Set-Cookie values */
    char location[256];
};

/* The largest JSON response: lists are paged, so this is only a backstop. */
#define YZ_RESP_TEXT_MAX (256u << 20)
/* Answers with the JSON text in text (a hot read written without a jansson
 * tree) when e is YZ_OK; releases text either way and returns e. */
enum yz_err yz_resp_json_text(struct yz_resp *resp, struct yz_buf *text, enum yz_err e);

/* Path parameter by name (validated already), or NULL. */
const char *yz_req_param(const struct yz_req *req, const char *name);
/* Path parameter parsed as a positive id (validated already, so never 0 for YZ_V_ID). */
int64_t yz_req_param_id(const struct yz_req *req, const char *name);
/* Query-string argument (validated when declared in the route's params). */
const char *yz_req_query(const struct yz_req *req, const char *name);
/* A request header, or NULL. */
const char *yz_req_header(const struct yz_req *req, const char *name);

/*
 * Runs fn in a durable write transaction and, for idempotent routes, stores
 * the response (resp->status and resp->body as they are when fn returns YZ_OK)
 * under the request's Idempotency-Key in the same transaction, so a retry
 * after a crash either finds both or neither.
 */
struct yz_req_write_ctx;
enum yz_err yz_req_write(struct yz_req *req, struct yz_resp *resp,
                         enum yz_err (*fn)(struct yz_tx *tx, struct yz_req *req,
                                           struct yz_resp *resp, void *ctx),
                         void *ctx);

#endif
