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
    bool is_static;       /* static file: cacheable, served by static.c */
};

/* Handles one request; req must have app, conn, request_id, tls, peer_loopback set. */
void yz_router_handle(struct yz_req *req, const struct yz_http_options *opt,
                      const struct yz_raw_request *raw, struct yz_rendered *out);
/* Renders an error as problem+json into out (used by the server for early errors too). */
void yz_router_problem(struct yz_req *req, enum yz_err e, struct yz_rendered *out);

#endif
