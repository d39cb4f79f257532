/*
 * libmicrohttpd glue. Per connection: a context that collects the body up to
 * the configured limit (further bytes are drained, not stored) and, once the
 * upload is complete, hands the request to the router. Responses are queued
 * on a later callback than the first: queuing on the first silently loses
 * keep-alive in libmicrohttpd 0.9.75 (../shared/stack-bench.md).
 * The completion callback writes the access-log line and the metrics.
 *
 * Upload routes (YZ_ROUTE_UPLOAD) are never buffered. On the first callback
 * the router's body-free checks decide: accepted, the body runs through MHD's
 * post processor into a struct yz_upload (attachments.h), which streams the
 * file part to a temp file; refused, the body is drained unread and the router
 * renders the refusal at the end. A body can be at most max_upload_bytes +
 * YZ_ATTACH_MULTIPART_SLACK: a declared Content-Length above that is answered
 * 413 at once (the one response queued on the first callback; the connection
 * then closes, which is what an oversize upload deserves), and a chunked body
 * that grows past it is cut off. Whatever the outcome, the temp file is gone
 * before the response is queued, so a client that sees an error finds nothing
 * left behind.
 *
 * Downloads: a response the router marks as a file is streamed from its
 * descriptor (MHD_create_response_from_fd64, which closes it), with a CSP
 * that sandboxes it should a browser ever render it.
 */
#include "http/server.h"
#include "attachments/attachments.h"
#include "core/metrics.h"
#include "http/router.h"
#include "http/static.h"
#include "policy/policy.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/num.h"
#include "core/workers.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

struct yz_server {
    struct MHD_Daemon *d;
    struct yz_app *app;
    struct yz_http_options opt;
    int port;
    size_t pool_bytes;          /* MHD's memory pool per connection */
    struct yz_workers *writers; /* run the requests that write */
    atomic_int handed_over;     /* write requests not yet answered */
    atomic_int in_flight;       /* requests begun and not completed */
    atomic_int connections;     /* open connections */
    /* Bytes of bodies, responses and closed connections' pools since the
     * last malloc_trim. */
    atomic_uint_fast64_t untrimmed;
};

struct conn_ctx {
    struct yz_buf body;
    bool too_large;
    bool headers_too_large; /* over server.max_header_bytes: answered 431 */
    /* Upload routes: */
    bool upload_route;
    bool responded; /* a response was queued on the first callback */
    struct yz_upload *upload;
    struct MHD_PostProcessor *pp;
    uint64_t body_seen;
    int64_t start_us;
    int status;
    int route_index;
    int64_t user_id;
    size_t bytes_out;
    char request_id[YZ_REQUEST_ID_SIZE];
    char method[8];
    /* A write request handed to the writers (the connection is suspended
     * meanwhile): what they need, and the response they leave. */
    bool handed_over;
    atomic_bool answered;
    struct yz_server *server;
    struct MHD_Connection *conn;
    const char *url; /* MHD's, valid while the connection lives */
    const char *full_method;
    struct yz_rendered *out; /* allocated when handed over: most requests need none */
    struct yz_denial denial; /* a read's denial, recorded on a writer thread */
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool peer_is_loopback(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return false;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

static void add_common_headers(struct MHD_Response *r, const struct yz_server *s,
                               const char *request_id, const struct yz_rendered *out)
{
    MHD_add_response_header(r, "X-Request-Id", request_id);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    if (s->opt.tls_cert_pem)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    if (out->is_static)
        /* The UI: its own scripts only, never inline ones. Inline styles stay
         * allowed: Element Plus and ECharts position popups and charts with
         * style attributes. */
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; style-src 'self' "
                                "'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' "
                                "data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                                "frame-ancestors 'none'; form-action 'self'");
    else if (out->file)
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; frame-ancestors 'none'; sandbox");
    else
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; frame-ancestors 'none'");
    if (out->no_store)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    else if (out->cache_control)
        MHD_add_response_header(r, "Cache-Control", out->cache_control);
    if (out->content_type)
        MHD_add_response_header(r, "Content-Type", out->content_type);
    if (out->allow[0])
        MHD_add_response_header(r, "Allow", out->allow);
    if (out->location[0])
        MHD_add_response_header(r, "Location", out->location);
    if (out->disposition[0])
        MHD_add_response_header(r, "Content-Disposition", out->disposition);
    for (int i = 0; i < 2; i++)
        if (out->set_cookie[i][0])
            MHD_add_response_header(r, "Set-Cookie", out->set_cookie[i]);
}

static enum MHD_Result respond(struct yz_server *s, struct MHD_Connection *c, struct conn_ctx *ctx,
                               struct yz_rendered *out)
{
    struct MHD_Response *r;
    if (out->file) {
        free(out->body);
        out->body = NULL;
        r = MHD_create_response_from_fd64(out->file_size, out->file_fd);
        if (!r)
            return MHD_NO; /* the caller still owns the fd */
        ctx->bytes_out = (size_t)out->file_size;
    } else {
        r = MHD_create_response_from_buffer(out->len, out->body, MHD_RESPMEM_MUST_FREE);
        out->body = NULL;
        ctx->bytes_out = out->len;
    }
    add_common_headers(r, s, ctx->request_id, out);
    out->file = false; /* MHD owns the fd now and closes it with the response */
    ctx->status = out->status;
    ctx->route_index = out->route_index;
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)out->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    size_t *n = cls;
    *n += strlen(key) + (value ? strlen(value) : 0) + 2;
    return MHD_YES;
}

_Static_assert(offsetof(struct yz_field_errors, items) == 0 &&
                   offsetof(struct yz_field_errors, count) >= sizeof(struct yz_field_error),
               "init_req skips the slots at the start of yz_field_errors");

static void init_req(struct yz_server *s, struct MHD_Connection *c, struct conn_ctx *ctx,
                     struct yz_req *req)
{
    /* All but the field-error slots (about 20 KB, each written before it is
     * read) starts zeroed: clearing those too was a tenth of a point read. */
    size_t slots = offsetof(struct yz_req, fields) + offsetof(struct yz_field_errors, count);
    memset(req, 0, offsetof(struct yz_req, fields));
    memset((char *)req + slots, 0, sizeof *req - slots);
    req->app = s->app;
    req->conn = c;
    req->tls = s->opt.tls_cert_pem != NULL;
    req->peer_loopback = peer_is_loopback(c);
    memcpy(req->request_id, ctx->request_id, sizeof req->request_id);
    yz_buf_init(&req->detail, 1024);
}

static size_t uri_length(struct MHD_Connection *c, const char *url)
{
    /* MHD hands us the path; the query arrives as arguments. Count both. */
    size_t uri_len = strlen(url);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, &uri_len);
    return uri_len;
}

/* The largest body an upload route reads. */
static uint64_t upload_cap(const struct yz_server *s)
{
    return (uint64_t)s->opt.max_upload_bytes + YZ_ATTACH_MULTIPART_SLACK;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    struct conn_ctx *ctx = cls;
    /* The part's own Content-Type is the client's claim: the content decides. */
    return yz_upload_feed(ctx->upload, key, filename, transfer_encoding, data, off, size) ? MHD_YES
                                                                                          : MHD_NO;
}

/*
 * First callback of an upload route, after the router's verdict: a declared
 * body over the cap is answered 413 at once (the only response queued on a
 * first callback); an accepted upload gets its sink and post processor; a
 * refused one is drained and answered at the end.
 */
static enum MHD_Result begin_upload(struct yz_server *s, struct MHD_Connection *c,
                                    struct conn_ctx *ctx, enum yz_router_upload verdict,
                                    int route_index)
{
    ctx->upload_route = true;
    ctx->route_index = route_index;
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    int64_t declared = 0;
    if (cl && yz_parse_i64(cl, 0, INT64_MAX, &declared) && (uint64_t)declared > upload_cap(s)) {
        struct yz_req req;
        init_req(s, c, ctx, &req);
        struct yz_rendered out;
        memset(&out, 0, sizeof out);
        char limit[128];
        yz_attachments_limit_text(s->opt.max_upload_bytes, limit, sizeof limit);
        yz_buf_adds(&req.detail, limit);
        yz_router_problem(&req, YZ_ERR_PAYLOAD_TOO_LARGE, &out);
        out.route_index = route_index;
        yz_buf_release(&req.detail);
        ctx->responded = true;
        return respond(s, c, ctx, &out);
    }
    if (verdict != YZ_ROUTER_UPLOAD_ACCEPT)
        return MHD_YES; /* drained; the router answers at the end */
    ctx->upload = yz_upload_new(s->app->cfg.storage.dir, s->opt.max_upload_bytes);
    /* The post processor's buffer holds a part's header lines (the file name
     * is kept up to YZ_ATTACH_RAW_NAME_MAX bytes) and passes the file on in
     * chunks of its size. 8 KB rather than 32: hundreds of uploads arrive at
     * once under load (bench/rss.sh: 4 MB less at the peak of 256
     * connections), and a chunk costs only a write() more. */
    ctx->pp = MHD_create_post_processor(c, 8 * 1024, on_part, ctx);
    if (!ctx->pp)
        yz_upload_fail(ctx->upload, YZ_ERR_BAD_REQUEST, "上传内容格式不正确（multipart 边界缺失）");
    return MHD_YES;
}

static enum MHD_Result upload_data(struct yz_server *s, struct conn_ctx *ctx, const char *data,
                                   size_t size)
{
    ctx->body_seen += size;
    if (ctx->body_seen > upload_cap(s)) {
        /* Only a chunked body gets here (a declared length was checked). */
        yz_log_warn("request %s: upload body over %llu bytes, connection closed", ctx->request_id,
                    (unsigned long long)upload_cap(s));
        if (ctx->upload)
            yz_upload_fail(ctx->upload, YZ_ERR_PAYLOAD_TOO_LARGE, NULL);
        ctx->status = yz_err_status(YZ_ERR_PAYLOAD_TOO_LARGE); /* for the access log */
        return MHD_NO;
    }
    if (ctx->pp && yz_upload_error(ctx->upload, NULL) == YZ_OK &&
        MHD_post_process(ctx->pp, data, size) != MHD_YES)
        yz_upload_fail(ctx->upload, YZ_ERR_BAD_REQUEST, "上传内容格式不正确");
    return MHD_YES;
}

static void end_upload(struct conn_ctx *ctx)
{
    if (!ctx->upload)
        return;
    bool complete = true;
    if (ctx->pp) {
        complete = MHD_destroy_post_processor(ctx->pp) == MHD_YES;
        ctx->pp = NULL;
    }
    yz_upload_finish(ctx->upload, complete);
}

/* Header bytes as a client sent them: name, ": ", value, CRLF. */
static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    size_t *n = cls;
    *n += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/*
 * The browser UI (static.h): a file, index.html for the UI's routes, a 404
 * for refused paths and missing assets, a 503 naming the missing build.
 */
static void render_static(struct yz_server *s, struct yz_req *req, const char *url,
                          struct yz_rendered *out)
{
    struct yz_static_file f;
    switch (yz_static_resolve(s->opt.static_dir, url, &f)) {
    case YZ_STATIC_FILE:
        out->status = 200;
        out->file = true;
        out->file_fd = f.fd;
        out->file_size = f.size;
        out->is_static = true;
        out->content_type = f.content_type;
        out->cache_control = f.cache_control;
        out->body = NULL;
        return;
    case YZ_STATIC_NOT_FOUND:
        yz_router_problem(req, YZ_ERR_NOT_FOUND, out);
        return;
    case YZ_STATIC_NO_UI:
        yz_buf_addf(&req->detail,
                    "网页界面尚未构建：%s/index.html 不存在。请在源代码目录运行 make 构建网页界面，"
                    "或用配置项 web.root 指向已构建的目录。",
                    s->opt.static_dir);
        yz_router_problem(req, YZ_ERR_UNAVAILABLE, out);
        return;
    }
}

/* Everything a complete request gets but the queuing of its response. */
static void handle(struct yz_server *s, struct MHD_Connection *c, struct conn_ctx *ctx,
                   const char *url, const char *method, struct yz_rendered *out)
{
    struct yz_req req;
    init_req(s, c, ctx, &req);
    req.keep_denial = !ctx->handed_over && s->writers; /* see record_then_answer */
    struct yz_raw_request raw = {
        .method = method,
        .url = url,
        .body = ctx->body.data,
        .body_len = ctx->body.len,
        .body_too_large = ctx->too_large,
        .uri_len = uri_length(c, url),
        .upload = ctx->upload,
    };
    memset(out, 0, sizeof *out);
    if (ctx->headers_too_large)
        yz_router_problem(&req, YZ_ERR_HEADERS_TOO_LARGE, out);
    else if (raw.uri_len > s->opt.max_uri_bytes)
        yz_router_handle(&req, &s->opt, &raw, out); /* answers 414 */
    else if (s->opt.static_dir && yz_static_claims(method, url))
        render_static(s, &req, url, out);
    else
        yz_router_handle(&req, &s->opt, &raw, out);
    ctx->user_id = req.who.user_id;
    yz_buf_release(&req.detail);
    /* Before the response leaves: no temp file outlives a request. */
    if (ctx->upload)
        yz_upload_discard(ctx->upload);
}

static enum MHD_Result answer(struct yz_server *s, struct MHD_Connection *c, struct conn_ctx *ctx,
                              struct yz_rendered *out)
{
    enum MHD_Result ret = respond(s, c, ctx, out);
    if (out->file) /* respond did not take it */
        close(out->file_fd);
    return ret;
}

/* Methods that may change state; everything else is served in place. */
static bool writes(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/* The response in ctx->out is complete: the connection is resumed and MHD
 * calls on_request again, which queues it. MHD's resume takes a lock that its
 * own thread takes before that call, so the response written on another
 * thread is seen there. */
static void resume_answered(struct conn_ctx *ctx)
{
    atomic_store(&ctx->answered, true);
    MHD_resume_connection(ctx->conn);
}

/* Suspends c and queues job(ctx) on a writer thread; job leaves the response
 * in ctx->out (allocated by the caller) and calls resume_answered. False when
 * the pool refuses work, which it does only while the server stops: nothing
 * is queued, and the caller answers and resumes itself. */
static bool suspend_for_writer(struct yz_server *s, struct MHD_Connection *c,
                               struct conn_ctx *ctx, void (*job)(void *))
{
    ctx->handed_over = true;
    ctx->server = s;
    ctx->conn = c;
    atomic_fetch_add(&s->handed_over, 1);
    MHD_suspend_connection(c);
    return yz_workers_submit(s->writers, job, ctx);
}

/* On a writer thread: the request. */
static void run_handed_over(void *arg)
{
    struct conn_ctx *ctx = arg;
    handle(ctx->server, ctx->conn, ctx, ctx->url, ctx->full_method, ctx->out);
    resume_answered(ctx);
}

/*
 * A write waits for its commit group (store.h). It waits on a writer thread,
 * with its connection suspended, so that the few threads serving connections
 * keep answering reads meanwhile. While the server stops, the request is
 * answered 503 at once.
 */
static enum MHD_Result hand_over(struct yz_server *s, struct MHD_Connection *c,
                                 struct conn_ctx *ctx, const char *url, const char *method)
{
    ctx->out = yz_calloc(1, sizeof *ctx->out);
    ctx->url = url;
    ctx->full_method = method;
    if (!suspend_for_writer(s, c, ctx, run_handed_over)) {
        struct yz_req req;
        init_req(s, c, ctx, &req);
        yz_router_problem(&req, YZ_ERR_UNAVAILABLE, ctx->out);
        yz_buf_release(&req.detail);
        if (ctx->upload)
            yz_upload_discard(ctx->upload);
        resume_answered(ctx);
    }
    return MHD_YES;
}

/* On a writer thread: the denial; the response is in ctx->out already. */
static void record_handed_over(void *arg)
{
    struct conn_ctx *ctx = arg;
    yz_policy_write_denial(ctx->server->app, &ctx->denial);
    resume_answered(ctx);
}

/*
 * A read denied access (policy.h) answers only once the denial's record is
 * committed, as a write does, so that the history holds every probe before
 * the prober hears back. The commit waits on a writer thread with the
 * connection suspended: on this thread, a party probing foreign ids would
 * hold a thread serving connections for a commit each, and with two such
 * threads (server.threads) two probes stop every read of everyone for as long
 * as a commit takes. While the server stops, the record is written here.
 */
static enum MHD_Result record_then_answer(struct yz_server *s, struct MHD_Connection *c,
                                          struct conn_ctx *ctx, const struct yz_rendered *out)
{
    ctx->out = yz_malloc(sizeof *ctx->out);
    *ctx->out = *out;
    if (!suspend_for_writer(s, c, ctx, record_handed_over)) {
        yz_policy_write_denial(s->app, &ctx->denial);
        resume_answered(ctx);
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data_,
                                  size_t *upload_size, void **con_cls)
{
    struct yz_server *s = cls;
    struct conn_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = yz_calloc(1, sizeof *ctx);
        atomic_fetch_add(&s->in_flight, 1);
        yz_buf_init(&ctx->body, s->opt.max_body_bytes);
        ctx->start_us = now_us();
        ctx->route_index = -1;
        ctx->status = 500;
        yz_request_id_new(ctx->request_id);
        yz_strlcpy(ctx->method, method, sizeof ctx->method);
        *con_cls = ctx;
        size_t header_bytes = 0;
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &header_bytes);
        if (header_bytes > s->opt.max_header_bytes) {
            ctx->headers_too_large = true;
            return MHD_YES; /* drain the body, answer 431 at the end */
        }

        struct yz_req pre;
        init_req(s, c, ctx, &pre);
        struct yz_raw_request raw = {.method = method, .url = url, .uri_len = uri_length(c, url)};
        int route_index = -1;
        enum yz_router_upload verdict = yz_router_upload_check(&pre, &s->opt, &raw, &route_index);
        yz_buf_release(&pre.detail);
        if (verdict == YZ_ROUTER_NOT_UPLOAD)
            return MHD_YES;
        return begin_upload(s, c, ctx, verdict, route_index);
    }
    if (ctx->responded) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (ctx->handed_over) {
        /* Resumed: the writer's response. Before that MHD does not call. */
        if (!atomic_load(&ctx->answered))
            return MHD_YES;
        return answer(s, c, ctx, ctx->out);
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (ctx->headers_too_large)
            return MHD_YES;
        if (ctx->upload_route)
            return upload_data(s, ctx, upload_data_, n);
        if (!ctx->too_large && !yz_buf_add(&ctx->body, upload_data_, n))
            ctx->too_large = true;
        return MHD_YES;
    }

    /* The body is complete: the post processor (and its buffer) goes
     * now, on this thread, not after the wait for a writer thread, so that
     * hundreds of uploads queued under load do not each hold one. */
    if (ctx->upload_route)
        end_upload(ctx);
    if (s->writers && writes(method))
        return hand_over(s, c, ctx, url, method);
    struct yz_rendered out;
    handle(s, c, ctx, url, method, &out);
    if (s->writers && yz_policy_take_denial(&ctx->denial))
        return record_then_answer(s, c, ctx, &out);
    return answer(s, c, ctx, &out);
}

/* A request with a large body (a bulk filing of hundreds or thousands of
 * rows) leaves megabytes of freed heap in the arenas of the threads that
 * served it, and glibc keeps them: eight batches of 2,000 rows took the server
 * from 22 to 99 MB of RSS. After such a request the free pages of every arena
 * go back to the system. So they do when the server falls idle (no request in
 * flight, or no connection open) after TRIM_WHEN_IDLE_BYTES went through it
 * since the last trim (bodies, responses, and the memory pools of the
 * connections closed, which MHD frees after a request completes): hundreds of
 * connections of small requests (uploads of 32 KB, filings) leave the freed
 * memory of their buffers spread over the arenas of the threads that served
 * them (bench/rss.sh: 256 connections of filings with materials left 13 MB
 * free in the two connection threads' arenas). Other requests skip it: a trim
 * walks every arena, and memory freed under load is used again at once. */
#define TRIM_AFTER_BODY_BYTES (64 * 1024)
#define TRIM_WHEN_IDLE_BYTES (1024 * 1024)

/* Adds n bytes to those since the last trim; trims when large (a large body)
 * or when idle and enough went through. */
static void account_and_trim(struct yz_server *s, uint64_t n, bool large, bool idle)
{
    uint64_t moved = atomic_fetch_add(&s->untrimmed, n) + n;
    if (large || (idle && moved >= TRIM_WHEN_IDLE_BYTES)) {
        atomic_store(&s->untrimmed, 0);
        malloc_trim(0);
    }
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct yz_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&s->connections, 1);
        return;
    }
    bool idle = atomic_fetch_sub(&s->connections, 1) == 1 && atomic_load(&s->in_flight) == 0;
    account_and_trim(s, s->pool_bytes, false, idle);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct yz_server *s = cls;
    struct conn_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    int64_t dur = now_us() - ctx->start_us;
    yz_metrics_request(ctx->route_index, ctx->status, dur);
    if (s->opt.access_log) {
        size_t n;
        const struct yz_route *routes = yz_routes(&n);
        const char *route = ctx->route_index >= 0 ? routes[ctx->route_index].name : "-";
        char ts[40];
        yz_time_format_utc(yz_time_now_ms(), ts, sizeof ts);
        struct yz_buf line = YZ_BUF_INIT(1024);
        yz_buf_addf(&line,
                    "{\"ts\":\"%s\",\"type\":\"access\",\"request_id\":\"%s\",\"method\":", ts,
                    ctx->request_id);
        yz_log_json_string(&line, ctx->method);
        yz_buf_addf(&line,
                    ",\"route\":\"%s\",\"status\":%d,\"duration_us\":%lld,\"bytes\":%zu,"
                    "\"user\":%lld,\"completed\":%s}",
                    route, ctx->status, (long long)dur, ctx->bytes_out, (long long)ctx->user_id,
                    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "true" : "false");
        yz_log_raw_line(line.data, line.len);
        yz_buf_release(&line);
    }
    if (ctx->handed_over) {
        free(ctx->out->body); /* NULL once queued */
        if (ctx->out->file)
            close(ctx->out->file_fd);
        free(ctx->out);
        atomic_fetch_sub(&s->handed_over, 1);
    }
    if (ctx->pp)
        MHD_destroy_post_processor(ctx->pp);
    yz_upload_free(ctx->upload);
    /* An upload's body streams to a file through a small buffer: it counts
     * towards the idle trim only. */
    bool large = ctx->body.len >= TRIM_AFTER_BODY_BYTES;
    uint64_t n = (ctx->upload_route ? ctx->body_seen : ctx->body.len) + ctx->bytes_out;
    bool idle = atomic_fetch_sub(&s->in_flight, 1) == 1;
    yz_buf_release(&ctx->body);
    free(ctx);
    *con_cls = NULL;
    account_and_trim(s, n, large, idle);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    yz_log_warn("microhttpd: %s", msg);
}

enum yz_err yz_server_start(struct yz_app *app, const struct yz_http_options *opt,
                            struct yz_server **out, struct yz_buf *err)
{
    struct yz_server *s = yz_calloc(1, sizeof *s);
    s->app = app;
    s->opt = *opt;

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (inet_pton(AF_INET, opt->address, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)opt->port);
    } else if (inet_pton(AF_INET6, opt->address, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)opt->port);
        flags |= MHD_USE_IPv6;
    } else {
        yz_buf_addf(err, "listen address %s is not an IP address", opt->address);
        free(s);
        return YZ_ERR_CONFIG;
    }
    if (opt->tls_cert_pem)
        flags |= MHD_USE_TLS;

    s->pool_bytes = (size_t)(opt->max_header_bytes + opt->max_uri_bytes + 8192);
    /* One job per connection at most: the queue can hold them all. */
    s->writers = yz_workers_start(opt->write_threads, (size_t)opt->max_connections);
    if (!s->writers) {
        yz_buf_addf(err, "cannot start %d writer threads", opt->write_threads);
        free(s);
        return YZ_ERR_INTERNAL;
    }
    s->d = MHD_start_daemon(
        flags, (uint16_t)opt->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)opt->threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)opt->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opt->timeout_s,
        /* Headers, URI and MHD's own bookkeeping must fit this per connection. */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->pool_bytes,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)opt->max_connections,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        opt->tls_cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, opt->tls_cert_pem,
        MHD_OPTION_HTTPS_MEM_KEY, opt->tls_key_pem, MHD_OPTION_END);
    if (!s->d) {
        yz_buf_addf(err, "cannot listen on %s port %d", opt->address, opt->port);
        yz_workers_free(s->writers);
        free(s);
        return YZ_ERR_CONFIG;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : opt->port;
    *out = s;
    return YZ_OK;
}

int yz_server_port(const struct yz_server *s)
{
    return s->port;
}

void yz_server_stop(struct yz_server *s)
{
    if (!s)
        return;
    /* The writes already handed over finish; then MHD gets up to two seconds
     * to send their answers before it closes the connections. */
    yz_workers_stop(s->writers);
    for (int i = 0; i < 200 && atomic_load(&s->handed_over) > 0; i++)
        yz_time_sleep_ms(10);
    MHD_stop_daemon(s->d);
    yz_workers_free(s->writers);
    free(s);
}
