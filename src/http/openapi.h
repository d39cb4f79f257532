/*
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table
 * (route.h) and the error list (core/error.h), so the published description
 * cannot drift from what the router matches, validates and answers.
 *
 * What the document states is what the router does: path parameters are the
 * `{name}` segments of a pattern, everything else in route->params is a query
 * parameter; field schemas mirror validate.c (bounds, code-point lengths,
 * shapes of ID numbers; checksums stay server-side and are only described);
 * optional body members accept null, as the validator does; error responses
 * are RFC 9457 problem+json with the stable codes of YZ_ERRORS.
 */
#ifndef YZ_HTTP_OPENAPI_H
#define YZ_HTTP_OPENAPI_H

#include "http/route.h"

#include <jansson.h>
#include <stddef.h>

/*
 * Builds the document for routes[0..n) and returns a new jansson object; the
 * caller owns it (json_decref). `version` (non-NULL) becomes info.version.
 *
 * Every route becomes exactly one operation: paths[pattern][lower-case method]
 * with operationId = route name with '.' replaced by '_'. The route table is
 * code, so a broken one is a bug, not an input error: a route without name or
 * pattern, a duplicate method+pattern or operationId, an ENUM field without
 * values, a role bit outside enum yz_role, an ok_status outside 2xx (0 means
 * 200) or an out-of-range method aborts through YZ_BUG, as does running out
 * of memory. A 204 route gets a success response without content.
 *
 * Non-standard members: x-route-name (the stable route name used in logs and
 * metrics), x-roles (role codes allowed, YZ_AUTH_ROLES only), x-loopback-only
 * (YZ_ROUTE_LOOPBACK: answered only to loopback peers, 404 otherwise).
 */
json_t *yz_openapi_document(const struct yz_route *routes, size_t n, const char *version);

#endif
