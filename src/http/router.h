/*
 * The router: from method + path to a route, then authentication, the route's
 * auth policy, CSRF, parameter and body validation, idempotency, the handler,
 * and one shape of response. Separate from server.c so it can be driven
 * without sockets.
 */
#ifndef YZ_HTTP_ROUTER_H
#define YZ_HTTP_ROUTER_H

#include "http/request.h"
#include "http/server.h"

struct yz_raw_request {
    const char *method;
    const char *url;      /* path without query */
    const char *body;
    size_t body_len;
    bool body_too_large;
    size_t uri_len;       /* path + query length */
    struct yz_upload *upload; /* YZ_ROUTE_UPLOAD routes: the streamed body, or NULL
                                 when the server did not accept it */
};

struct yz_rendered {
    int status;
    char *body;           /* malloc'd */
    size_t len;
    const char *content_type;
    int route_index;      /* -1 when no route matched */
    char allow[64];       /* for 405 */
    char set_cookie[2][512];
    char location[256];
    bool no_store;        /* Cache-Control: no-store */
    bool is_static;       /* the UI's files (static.c): the UI's CSP, cache_control */
    const char *cache_control; /* static string, or NULL */
    /* A file download: the server streams file_size bytes of file_fd (and
     * closes it) with a sandboxing CSP and the Content-Disposition. */
    bool file;
    int file_fd;
    uint64_t file_size;
    char disposition[1024];
};

/* Handles one request; req must have app, conn, request_id, tls, peer_loopback set. */
void yz_router_handle(struct yz_req *req, const struct yz_http_options *opt,
                      const struct yz_raw_request *raw, struct yz_rendered *out);
/* Renders an error as problem+json into out (used by the server for early errors too). */
void yz_router_problem(struct yz_req *req, enum yz_err e, struct yz_rendered *out);

/*
 * Uploads (YZ_ROUTE_UPLOAD routes) are not buffered: the server streams the
 * body into a struct yz_upload as it arrives. Before the first body byte it
 * asks here whether the request may upload at all: the checks that need no
 * body (route, loopback, session, the route's auth policy, CSRF, parameters,
 * a multipart/form-data Content-Type) are run without recording anything.
 * NOT_UPLOAD: an ordinary route (buffer the body as usual); ACCEPT: stream
 * the body into an upload; REFUSE: drain the body unread; yz_router_handle
 * then repeats the checks and renders the error. req needs what
 * yz_router_handle needs (its path parameters are freed again here); raw
 * needs method, url and uri_len. *route_index receives the route matched
 * (for the access log), or -1.
 */
enum yz_router_upload { YZ_ROUTER_NOT_UPLOAD, YZ_ROUTER_UPLOAD_ACCEPT, YZ_ROUTER_UPLOAD_REFUSE };
enum yz_router_upload yz_router_upload_check(struct yz_req *req, const struct yz_http_options *opt,
                                             const struct yz_raw_request *raw, int *route_index);

#endif
