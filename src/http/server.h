/*
 * The HTTP server: libmicrohttpd with its internal thread pool and epoll
 * (../shared/stack-bench.md). It owns connections, limits and the body
 * buffer; router.c decides what each request gets.
 */
#ifndef YZ_HTTP_SERVER_H
#define YZ_HTTP_SERVER_H

#include "app/app.h"

#include <stdbool.h>
#include <stddef.h>

struct yz_http_options {
    const char *address;     /* IPv4 or IPv6 literal */
    int port;                /* 0 = any free port */
    int threads;             /* serve connections; reads are answered on them */
    int write_threads;       /* run the requests that write (each waits for its commit) */
    int max_connections;
    int timeout_s;
    size_t max_body_bytes;
    size_t max_upload_bytes; /* a file on YZ_ROUTE_UPLOAD routes */
    size_t max_header_bytes;
    size_t max_uri_bytes;
    int max_json_depth;
    const char *public_origin; /* checked against Origin on state changes */
    const char *tls_cert_pem;  /* PEM text, or NULL for plain HTTP */
    const char *tls_key_pem;
    const char *static_dir;    /* the built UI (web/dist), or NULL */
    bool access_log;
};

struct yz_server;

enum yz_err yz_server_start(struct yz_app *app, const struct yz_http_options *opt,
                            struct yz_server **out, struct yz_buf *err);
/* The port actually bound (useful with port 0). */
int yz_server_port(const struct yz_server *s);
/* Stops accepting, finishes in-flight requests, frees. NULL is harmless. */
void yz_server_stop(struct yz_server *s);

#endif
