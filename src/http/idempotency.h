/*
 * Idempotency-Key for creating POSTs (IETF httpapi draft, SECURITY.md 2.4):
 * the same key and body returns the first response; the same key with another
 * body gets 422; a duplicate while the first is still running gets 409; a
 * missing key gets 400. Keys are scoped to the caller (user id; 0 for
 * anonymous requests such as registration). The stored response is written
 * in the same transaction as the effect (yz_req_write), so after a crash a
 * retry finds both or neither.
 */
#ifndef YZ_HTTP_IDEMPOTENCY_H
#define YZ_HTTP_IDEMPOTENCY_H

#include "http/router.h"

/* YZ_OK with out->body set: the stored response was replayed (done).
 * YZ_OK with out->body NULL: proceed; call yz_idem_end afterwards. */
enum yz_err yz_idem_begin(struct yz_req *req, struct yz_rendered *out);
void yz_idem_end(struct yz_req *req);

#endif
