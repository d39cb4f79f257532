/* HTTP adapter of the mediation notices (notices.h):
 * GET /api/v1/matters/{id}/notices/{kind}. */
#ifndef YZ_MEDIATION_NOTICES_HTTP_H
#define YZ_MEDIATION_NOTICES_HTTP_H

#include "http/request.h"

/* {id} (matter) and {kind} (one of yz_notice_kind_names). */
extern const struct yz_field_spec yz_notices_params[];

/* 200 {"kind", "title", "text"}; 404 when the caller may not read the matter
 * (the same answer as a missing one); 409 invalid_transition when the notice
 * does not apply to the matter in its current state. */
enum yz_err yz_notices_http_get(struct yz_req *req, struct yz_resp *resp);

#endif
