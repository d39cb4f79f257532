/*
 * The route table's vocabulary. One table (routes.c) lists every endpoint:
 * method, pattern, handler, auth policy, parameter validators, body schema
 * and flags. From it the router matches and validates before any handler
 * runs, and openapi.c generates the OpenAPI 3.1 document, so the two cannot
 * drift apart.
 */
#ifndef YZ_HTTP_ROUTE_H
#define YZ_HTTP_ROUTE_H

#include "core/error.h"
#include "core/fielderr.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct yz_req;
struct yz_resp;

enum yz_method { YZ_GET, YZ_POST, YZ_PUT, YZ_PATCH, YZ_DELETE };

/* Who may call a route at all; record-level decisions belong to the policy module. */
enum yz_auth {
    YZ_AUTH_PUBLIC, /* anyone, no session needed */
    YZ_AUTH_ANY,    /* any signed-in account */
    YZ_AUTH_ROLES,  /* signed in with one of route.roles */
};

/* Value types for parameters and body fields; each names a validator. */
enum yz_vtype {
    YZ_V_ID,          /* positive integer id */
    YZ_V_INT,         /* integer within [min, max] */
    YZ_V_MONEY,       /* integer fen within [min, max] */
    YZ_V_BOOL,
    YZ_V_TEXT,        /* single-line UTF-8, code points within [min, max] */
    YZ_V_LONGTEXT,    /* multi-line UTF-8 */
    YZ_V_ENUM,        /* one of values */
    YZ_V_DATE,        /* YYYY-MM-DD, a real date */
    YZ_V_PHONE,       /* mainland mobile number */
    YZ_V_CITIZEN_ID,  /* GB 11643 */
    YZ_V_CREDIT_CODE, /* GB 32100 */
    YZ_V_LICENCE,     /* lawyer practising-licence number */
    YZ_V_PASSWORD,    /* text, checked by the password policy in the handler */
    YZ_V_TOTP,        /* six digits */
    YZ_V_NAME,        /* identifier [a-z0-9_]{1,40} */
    YZ_V_COURT_CODE,  /* e.g. 渝0103 */
    YZ_V_OBJECT,      /* a JSON object passed to the handler (it validates the inside) */
};

struct yz_field_spec {
    const char *name;
    enum yz_vtype type;
    bool required;
    int64_t min, max;           /* bounds; for text in code points */
    const char *const *values;  /* YZ_V_ENUM: NULL-terminated */
    const char *title;          /* Chinese label used in messages */
};
#define YZ_FIELDS_END {NULL, 0, false, 0, 0, NULL, NULL}

enum yz_route_flags {
    YZ_ROUTE_IDEMPOTENT = 1 << 0, /* creating POST: Idempotency-Key required */
    YZ_ROUTE_NO_CSRF = 1 << 1,    /* state change allowed without a CSRF token (login) */
    YZ_ROUTE_LOOPBACK = 1 << 2,   /* answered only to loopback peers (metrics) */
    YZ_ROUTE_RAW = 1 << 3,        /* handler sets a non-JSON body */
    YZ_ROUTE_UPLOAD = 1 << 4,     /* multipart/form-data body streamed to disk, not buffered
                                     (attachments.h); the handler gets req->upload */
};

typedef enum yz_err (*yz_handler_fn)(struct yz_req *req, struct yz_resp *resp);

struct yz_route {
    const char *name;    /* stable route name for logs and metrics: "matters.get" */
    enum yz_method method;
    const char *pattern; /* "/api/v1/matters/{id}" */
    yz_handler_fn handler;
    enum yz_auth auth;
    unsigned roles;      /* YZ_AUTH_ROLES: bit mask of enum yz_role */
    const struct yz_field_spec *params; /* path and query parameters */
    const struct yz_field_spec *body;   /* JSON body fields, NULL = no body */
    unsigned flags;
    int ok_status;       /* 200 or 201 */
    const char *tag;     /* OpenAPI tag */
    const char *summary; /* OpenAPI summary (Chinese) */
};

/* The one table, in routes.c. */
const struct yz_route *yz_routes(size_t *count);
const char *yz_method_name(enum yz_method m);

#endif
