/*
 * Request pipeline, in order: match the route (404/405), loopback-only
 * routes, authenticate (cookie or bearer), the route's auth policy (401/403,
 * denials recorded), CSRF for cookie-authenticated state changes, URI and body
 * limits, Content-Type (415), UTF-8 and JSON depth, parse, parameter and body
 * validation (400 with every bad field), idempotency, then the handler. Only
 * this file writes error bodies, always as RFC 9457 problem+json.
 *
 * Upload routes (YZ_ROUTE_UPLOAD) take the same path with the body step
 * replaced: the server has streamed the multipart body into a struct
 * yz_upload (attachments.h), and the idempotency hash covers what identifies
 * the upload (the file's SHA-256, size and name, and the form fields) rather
 * than the raw bytes. Before streaming, yz_router_upload_check runs the
 * body-free checks so that a request that will be refused writes nothing.
 */
#include "http/router.h"
#include "attachments/attachments.h"
#include "http/idempotency.h"
#include "http/validate.h"
#include "accounts/session.h"
#include "core/jsonwrite.h"
#include "core/log.h"
#include "core/num.h"
#include "core/utf8.h"
#include "policy/policy.h"

#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *yz_method_name(enum yz_method m)
{
    static const char *names[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    return names[m];
}

const char *yz_req_param(const struct yz_req *req, const char *name)
{
    for (int i = 0; i < req->path_count; i++)
        if (strcmp(req->path_names[i], name) == 0)
            return req->path_values[i];
    return NULL;
}

int64_t yz_req_param_id(const struct yz_req *req, const char *name)
{
    const char *v = yz_req_param(req, name);
    int64_t id = 0;
    if (!v || !yz_parse_i64(v, 1, INT64_MAX, &id))
        return 0;
    return id;
}

const char *yz_req_query(const struct yz_req *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

const char *yz_req_header(const struct yz_req *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name) : NULL;
}

static char *dump(const json_t *j, size_t *len)
{
    struct yz_buf out = YZ_BUF_INIT(YZ_RESP_TEXT_MAX);
    if (!yz_json_write(&out, j))
        YZ_BUG("a JSON response over the size or depth cap");
    return yz_buf_detach(&out, len);
}

enum yz_err yz_resp_json_text(struct yz_resp *resp, struct yz_buf *text, enum yz_err e)
{
    if (e == YZ_OK) {
        free(resp->raw);
        resp->raw = yz_buf_detach(text, &resp->raw_len);
    }
    yz_buf_release(text);
    return e;
}

void yz_router_problem(struct yz_req *req, enum yz_err e, struct yz_rendered *out)
{
    json_t *p = json_object();
    char type[96], instance[64];
    snprintf(type, sizeof type, "urn:yizhan:problem:%s", yz_err_code(e));
    snprintf(instance, sizeof instance, "urn:yizhan:request:%s", req->request_id);
    json_object_set_new(p, "type", json_string(type));
    json_object_set_new(p, "title", json_string(yz_err_message(e)));
    json_object_set_new(p, "status", json_integer(yz_err_status(e)));
    json_object_set_new(p, "code", json_string(yz_err_code(e)));
    if (req->detail.len && yz_utf8_valid(req->detail.data, req->detail.len))
        json_object_set_new(p, "detail", json_string(req->detail.data));
    json_object_set_new(p, "instance", json_string(instance));
    json_object_set_new(p, "request_id", json_string(req->request_id));
    if (req->fields.count) {
        json_t *errs = json_array();
        for (int i = 0; i < req->fields.count; i++) {
            const struct yz_field_error *f = &req->fields.items[i];
            json_t *o = json_object();
            json_object_set_new(o, "field", json_string(f->field));
            json_object_set_new(o, "code", json_string(f->code));
            json_object_set_new(o, "message", json_string(f->message));
            json_array_append_new(errs, o);
        }
        json_object_set_new(p, "errors", errs);
        if (req->fields.dropped)
            json_object_set_new(p, "errors_omitted", json_integer(req->fields.dropped));
    }
    out->status = yz_err_status(e);
    free(out->body);
    out->body = dump(p, &out->len);
    out->content_type = "application/problem+json";
    out->no_store = true;
    json_decref(p);
}

/* Splits path into segments in place (path is a private copy). */
static int split_path(char *path, char **segs, int max)
{
    int n = 0;
    char *p = path;
    if (*p == '/')
        p++;
    while (*p) {
        if (n == max)
            return -1;
        segs[n++] = p;
        char *slash = strchr(p, '/');
        if (!slash)
            break;
        *slash = '\0';
        p = slash + 1;
        if (!*p)
            return -1; /* trailing slash: not a route */
    }
    return n;
}

#define MAX_SEGS 12

/* The next segment of a route pattern at *p: its length, *p moved past it. */
static size_t pattern_segment(const char **p, const char **seg)
{
    *seg = *p;
    const char *slash = strchr(*p, '/');
    size_t n = slash ? (size_t)(slash - *p) : strlen(*p);
    *p += slash ? n + 1 : n;
    return n;
}

static bool is_param(const char *seg, size_t n)
{
    return n >= 2 && seg[0] == '{' && seg[n - 1] == '}';
}

/* Matches one pattern against segments; fills req's path params on success.
 * The pattern is walked in place: every request tries it against most of the
 * routes, and the first segment that differs ends the try. */
static bool match_pattern(const char *pattern, char **segs, int nseg, struct yz_req *req)
{
    const char *p = pattern + (*pattern == '/'), *seg;
    int i = 0;
    for (; *p; i++) {
        size_t n = pattern_segment(&p, &seg);
        if (i == nseg)
            return false;
        if (is_param(seg, n) ? !*segs[i] : strlen(segs[i]) != n || memcmp(seg, segs[i], n) != 0)
            return false;
    }
    if (i != nseg)
        return false;
    /* Second pass, now that it matched: record parameter names and values. */
    req->path_count = 0;
    p = pattern + (*pattern == '/');
    for (i = 0; *p && req->path_count < YZ_MAX_PATH_PARAMS; i++) {
        size_t n = pattern_segment(&p, &seg);
        if (is_param(seg, n)) {
            req->path_names[req->path_count] = yz_strndup(seg + 1, n - 2);
            req->path_values[req->path_count] = yz_strdup(segs[i]);
            req->path_count++;
        }
    }
    return true;
}

static void free_params(struct yz_req *req)
{
    for (int i = 0; i < req->path_count; i++) {
        free((char *)req->path_names[i]);
        free(req->path_values[i]);
    }
    req->path_count = 0;
}

/*
 * What a URL must have for a route to be worth trying: its literal start (the
 * pattern up to its first parameter) and its number of segments. Computed
 * once; a request then passes over most routes with a length compare and
 * one memcmp instead of walking every pattern.
 */
#define MAX_ROUTES 512
static struct {
    size_t literal;
    int nseg;
} route_keys[MAX_ROUTES];
static pthread_once_t route_keys_once = PTHREAD_ONCE_INIT;

static void compute_route_keys(void)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    if (n > MAX_ROUTES)
        YZ_BUG("%zu routes: raise MAX_ROUTES", n);
    for (size_t i = 0; i < n; i++) {
        const char *pat = routes[i].pattern, *brace = strchr(pat, '{');
        route_keys[i].literal = brace ? (size_t)(brace - pat) : strlen(pat);
        const char *p = pat + (*pat == '/'), *seg;
        int k = 0;
        for (; *p; k++)
            pattern_segment(&p, &seg);
        route_keys[i].nseg = k;
    }
}

static int find_route(struct yz_req *req, const char *method, const char *url, char *allow,
                      size_t allow_size)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    size_t url_len = strlen(url);
    if (url_len >= 1024)
        return -1;
    char path[1024];
    memcpy(path, url, url_len + 1);
    char *segs[MAX_SEGS];
    int nseg = split_path(path, segs, MAX_SEGS);
    if (nseg < 0)
        return -1;
    pthread_once(&route_keys_once, compute_route_keys);
    bool path_matched = false;
    allow[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (route_keys[i].nseg != nseg || route_keys[i].literal > url_len ||
            memcmp(url, routes[i].pattern, route_keys[i].literal) != 0 ||
            !match_pattern(routes[i].pattern, segs, nseg, req))
            continue;
        if (strcmp(yz_method_name(routes[i].method), method) == 0)
            return (int)i;
        path_matched = true;
        size_t used = strlen(allow);
        snprintf(allow + used, allow_size - used, "%s%s", used ? ", " : "",
                 yz_method_name(routes[i].method));
        free_params(req);
    }
    return path_matched ? -2 : -1;
}

static const char *cookie_name(bool tls)
{
    /* __Host- requires Secure, which browsers only honour over TLS. */
    return tls ? "__Host-yz_session" : "yz_session";
}

/* An unknown, expired or malformed credential leaves the request anonymous;
 * a session that could not be looked up (storage error) is that error, so the
 * client hears 503 rather than "please log in" and keeps its session. */
static enum yz_err authenticate(struct yz_req *req, char csrf[65])
{
    csrf[0] = '\0';
    const char *authz = yz_req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie = req->conn ? MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND,
                                                                 cookie_name(req->tls))
                                   : NULL;
    bool bearer = authz && strncmp(authz, "Bearer ", 7) == 0;
    if (!bearer && !cookie)
        return YZ_OK;
    enum yz_err e = yz_session_resolve(req->app, bearer ? authz + 7 : cookie, bearer, &req->who,
                                       csrf, req->session_hash);
    if (e == YZ_OK)
        return YZ_OK;
    memset(&req->who, 0, sizeof req->who);
    return e == YZ_ERR_UNAUTHENTICATED ? YZ_OK : e;
}

static bool is_state_change(enum yz_method m)
{
    return m != YZ_GET;
}

static enum yz_err check_csrf(struct yz_req *req, const struct yz_http_options *opt,
                              const char *csrf)
{
    const char *origin = yz_req_header(req, "Origin");
    if (origin && strcmp(origin, opt->public_origin) != 0)
        return YZ_ERR_CSRF_FAILED;
    if (req->who.user_id == 0 || req->who.bearer || (req->route->flags & YZ_ROUTE_NO_CSRF))
        return YZ_OK;
    const char *token = yz_req_header(req, "X-CSRF-Token");
    if (!token || strlen(token) != strlen(csrf) || sodium_memcmp(token, csrf, strlen(csrf)) != 0)
        return YZ_ERR_CSRF_FAILED;
    return YZ_OK;
}

/* The route's auth policy; record says whether a role denial is recorded. */
static enum yz_err check_access(struct yz_req *req, bool record)
{
    const struct yz_route *r = req->route;
    if (r->auth == YZ_AUTH_PUBLIC)
        return YZ_OK;
    if (req->who.user_id == 0)
        return YZ_ERR_UNAUTHENTICATED;
    if (r->auth == YZ_AUTH_ROLES && !(r->roles & (1u << req->who.role))) {
        if (record)
            yz_policy_record_denial(req->app, &req->who, r->name, "role", 0);
        return YZ_ERR_FORBIDDEN;
    }
    return YZ_OK;
}

static bool json_content_type(const char *ct)
{
    if (!ct)
        return false;
    size_t n = strlen("application/json");
    if (strncasecmp(ct, "application/json", n) != 0)
        return false;
    const char *rest = ct + n;
    while (*rest == ' ')
        rest++;
    return *rest == '\0' || *rest == ';';
}

/* multipart/form-data with a boundary parameter (MHD's post processor needs it). */
static bool multipart_content_type(const char *ct)
{
    if (!ct)
        return false;
    size_t n = strlen("multipart/form-data");
    if (strncasecmp(ct, "multipart/form-data", n) != 0)
        return false;
    const char *rest = ct + n;
    while (*rest == ' ')
        rest++;
    return *rest == ';' && strstr(rest, "boundary=") != NULL;
}

struct query_check {
    const struct yz_field_spec *params;
    struct yz_field_errors *fe;
};

static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    struct query_check *qc = cls;
    for (const struct yz_field_spec *s = qc->params; s && s->name; s++)
        if (strcmp(s->name, key) == 0)
            return MHD_YES;
    char path[96];
    snprintf(path, sizeof path, "query/%.80s", key);
    yz_field_errors_add(qc->fe, path, "unknown_parameter", "不支持的查询参数");
    return MHD_YES;
}

static enum yz_err validate_params(struct yz_req *req)
{
    const struct yz_field_spec *params = req->route->params;
    for (const struct yz_field_spec *s = params; s && s->name; s++) {
        const char *v = yz_req_param(req, s->name);
        char path[96];
        if (v) {
            snprintf(path, sizeof path, "path/%s", s->name);
        } else {
            v = yz_req_query(req, s->name);
            snprintf(path, sizeof path, "query/%s", s->name);
        }
        yz_validate_string(s, v, path, &req->fields);
    }
    if (req->conn) {
        struct query_check qc = {params, &req->fields};
        MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &qc);
    }
    return req->fields.count ? YZ_ERR_VALIDATION : YZ_OK;
}

static enum yz_err parse_body(struct yz_req *req, const struct yz_http_options *opt,
                              const struct yz_raw_request *raw)
{
    const struct yz_route *r = req->route;
    if (!r->body) {
        if (raw->body_len) {
            yz_buf_adds(&req->detail, "此接口不接受请求体");
            return YZ_ERR_BAD_REQUEST;
        }
        return YZ_OK;
    }
    if (!json_content_type(yz_req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE)))
        return YZ_ERR_UNSUPPORTED_MEDIA_TYPE;
    if (!yz_utf8_valid(raw->body, raw->body_len))
        return YZ_ERR_INVALID_UTF8;
    if (!yz_json_depth_ok(raw->body, raw->body_len, opt->max_json_depth))
        return YZ_ERR_JSON_TOO_DEEP;
    json_error_t jerr;
    json_t *j = json_loadb(raw->body, raw->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        yz_buf_addf(&req->detail, "第 %d 行第 %d 列：%s", jerr.line, jerr.column, jerr.text);
        return YZ_ERR_MALFORMED_JSON;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        yz_buf_adds(&req->detail, "请求体应为 JSON 对象");
        return YZ_ERR_MALFORMED_JSON;
    }
    req->body = j;
    req->raw_body = raw->body;
    req->raw_body_len = raw->body_len;
    yz_validate_object(r->body, j, &req->fields);
    return req->fields.count ? YZ_ERR_VALIDATION : YZ_OK;
}

/*
 * The body step of an upload route: the multipart Content-Type (415), the
 * upload's own problems (413 too large, 400 malformed, 503/507 storage), then
 * what identifies it for the idempotency hash, into identity (which must
 * outlive the request's use of req->raw_body).
 */
static enum yz_err parse_upload(struct yz_req *req, const struct yz_raw_request *raw,
                                struct yz_buf *identity)
{
    if (!multipart_content_type(yz_req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        yz_buf_adds(&req->detail, "请以 multipart/form-data 上传文件");
        return YZ_ERR_UNSUPPORTED_MEDIA_TYPE;
    }
    if (!raw->upload) {
        /* The pre-body checks refused it, but these passed: a session that
         * appeared mid-request. Nothing was stored; the client may retry. */
        return YZ_ERR_BAD_REQUEST;
    }
    const char *detail = NULL;
    enum yz_err e = yz_upload_error(raw->upload, &detail);
    if (e != YZ_OK) {
        if (detail && *detail)
            yz_buf_adds(&req->detail, detail);
        return e;
    }
    if (!yz_upload_identity(raw->upload, identity))
        return YZ_ERR_PAYLOAD_TOO_LARGE;
    req->upload = raw->upload;
    req->raw_body = identity->data;
    req->raw_body_len = identity->len;
    return YZ_OK;
}

static void render_ok(struct yz_resp *resp, const struct yz_route *r, struct yz_rendered *out)
{
    out->status = resp->status ? resp->status : (r->ok_status ? r->ok_status : 200);
    if (resp->file) {
        out->file = true;
        out->file_fd = resp->file_fd;
        out->file_size = resp->file_size;
        resp->file = false;
        out->body = yz_strdup("");
        out->len = 0;
        out->content_type = resp->content_type ? resp->content_type : "application/octet-stream";
        memcpy(out->disposition, resp->disposition, sizeof out->disposition);
    } else if (r->flags & YZ_ROUTE_RAW) {
        out->body = resp->raw ? resp->raw : yz_strdup("");
        out->len = resp->raw ? resp->raw_len : 0;
        resp->raw = NULL;
        out->content_type = resp->content_type;
    } else if (resp->raw) { /* JSON written as text (yz_resp_json_text) */
        out->body = resp->raw;
        out->len = resp->raw_len;
        resp->raw = NULL;
        out->content_type = "application/json";
    } else {
        out->body = resp->body ? dump(resp->body, &out->len) : (out->len = 0, yz_strdup(""));
        out->content_type = "application/json";
    }
    for (int i = 0; i < 2; i++)
        memcpy(out->set_cookie[i], resp->set_cookie[i], sizeof out->set_cookie[i]);
    memcpy(out->location, resp->location, sizeof out->location);
}

void yz_router_handle(struct yz_req *req, const struct yz_http_options *opt,
                      const struct yz_raw_request *raw, struct yz_rendered *out)
{
    struct yz_resp resp;
    memset(&resp, 0, sizeof resp);
    enum yz_err e = YZ_OK;
    char csrf[65] = "";
    bool idem_begun = false;
    struct yz_buf identity = YZ_BUF_INIT(16 * 1024);
    out->route_index = -1;
    out->no_store = true;
    req->path = raw->url;
    req->channel = "web";

    if (raw->uri_len > opt->max_uri_bytes) {
        e = YZ_ERR_URI_TOO_LONG;
        goto out;
    }
    int idx = find_route(req, raw->method, raw->url, out->allow, sizeof out->allow);
    if (idx == -2) {
        e = YZ_ERR_METHOD_NOT_ALLOWED;
        goto out;
    }
    if (idx < 0) {
        e = YZ_ERR_NOT_FOUND;
        goto out;
    }
    size_t nroutes;
    req->route = &yz_routes(&nroutes)[idx];
    out->route_index = idx;
    if ((req->route->flags & YZ_ROUTE_LOOPBACK) && !req->peer_loopback) {
        e = YZ_ERR_NOT_FOUND;
        goto out;
    }
    const char *channel = yz_req_header(req, "X-Channel");
    if (channel && (strcmp(channel, "mobile") == 0 || strcmp(channel, "kiosk") == 0))
        req->channel = channel[0] == 'm' ? "mobile" : "kiosk";

    if ((e = authenticate(req, csrf)) != YZ_OK)
        goto out;
    if (!req->who.bearer)
        memcpy(req->csrf, csrf, sizeof req->csrf);
    if ((e = check_access(req, true)) != YZ_OK)
        goto out;
    if (is_state_change(req->route->method) && (e = check_csrf(req, opt, csrf)) != YZ_OK)
        goto out;
    bool upload = (req->route->flags & YZ_ROUTE_UPLOAD) != 0;
    if (raw->body_too_large && !upload) {
        e = YZ_ERR_PAYLOAD_TOO_LARGE;
        goto out;
    }
    if ((e = validate_params(req)) != YZ_OK)
        goto out;
    if (upload)
        e = parse_upload(req, raw, &identity);
    else
        e = parse_body(req, opt, raw);
    if (e != YZ_OK)
        goto out;
    if (req->route->flags & YZ_ROUTE_IDEMPOTENT) {
        e = yz_idem_begin(req, out);
        if (e == YZ_ERR_OK && out->body) /* replayed the stored response */
            goto done;
        if (e != YZ_OK)
            goto out;
        idem_begun = true;
    }
    resp.file_fd = -1;
    e = req->route->handler(req, &resp);
    if (e == YZ_OK)
        render_ok(&resp, req->route, out);
    if (resp.file) /* set, but the handler failed: nobody will stream it */
        close(resp.file_fd);
out:
    if (e != YZ_OK) {
        if (e == YZ_ERR_INTERNAL || yz_err_status(e) >= 500)
            yz_log_error("request %s: %s", req->request_id, yz_err_code(e));
        yz_router_problem(req, e, out);
    }
done:
    if (!req->keep_denial)
        yz_policy_flush_denial(req->app);
    if (idem_begun)
        yz_idem_end(req);
    json_decref(resp.body);
    free(resp.raw);
    json_decref(req->body);
    req->body = NULL;
    req->upload = NULL;
    req->raw_body = NULL;
    req->raw_body_len = 0;
    yz_buf_release(&identity);
    free_params(req);
}

enum yz_router_upload yz_router_upload_check(struct yz_req *req, const struct yz_http_options *opt,
                                             const struct yz_raw_request *raw, int *route_index)
{
    enum yz_router_upload r = YZ_ROUTER_NOT_UPLOAD;
    char allow[64], csrf[65] = "";
    *route_index = -1;
    req->path = raw->url;
    /* Most requests cannot be uploads: skip the matching unless some upload
     * route takes this method. */
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    bool possible = false;
    for (size_t i = 0; i < n && !possible; i++)
        possible = (routes[i].flags & YZ_ROUTE_UPLOAD) &&
                   strcmp(yz_method_name(routes[i].method), raw->method) == 0;
    if (!possible)
        return r;
    int idx = find_route(req, raw->method, raw->url, allow, sizeof allow);
    if (idx < 0)
        return r; /* 404/405: answered as usual */
    const struct yz_route *route = &routes[idx];
    if (!(route->flags & YZ_ROUTE_UPLOAD))
        goto out;
    *route_index = idx;
    req->route = route;
    r = YZ_ROUTER_UPLOAD_REFUSE;
    if (raw->uri_len > opt->max_uri_bytes)
        goto out;
    if ((route->flags & YZ_ROUTE_LOOPBACK) && !req->peer_loopback)
        goto out;
    if (authenticate(req, csrf) != YZ_OK || check_access(req, false) != YZ_OK)
        goto out;
    if (is_state_change(route->method) && check_csrf(req, opt, csrf) != YZ_OK)
        goto out;
    if (validate_params(req) != YZ_OK)
        goto out;
    if (!multipart_content_type(yz_req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE)))
        goto out;
    r = YZ_ROUTER_UPLOAD_ACCEPT;
out:
    free_params(req);
    req->fields.count = 0;
    req->fields.dropped = 0;
    return r;
}
