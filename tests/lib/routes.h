/*
 * Requests built from the route table (src/http/routes.c) for sweeps over
 * every route: a concrete path and a body that passes the route's validation.
 */
#ifndef YZT_ROUTES_H
#define YZT_ROUTES_H

#include "http/route.h"

#include <jansson.h>
#include <stddef.h>

/* r's pattern with its first {param} = id and any other: an enum's first value, else "1". */
void yzt_route_path(const struct yz_route *r, const char *id, char *out, size_t size);
/* A JSON body (new reference) that passes r's body validation: the required fields, or,
 * when none is required, one optional boolean or text field. r->body must not be NULL. */
json_t *yzt_route_body(const struct yz_route *r);

#endif
