/* HTTP handlers of the triage API (routes in src/http/routes.c). */
#ifndef YZ_TRIAGE_TRIAGE_HTTP_H
#define YZ_TRIAGE_TRIAGE_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_triage_queue_params[];
extern const struct yz_field_spec yz_triage_matter_params[];
extern const struct yz_field_spec yz_triage_amend_body[];
extern const struct yz_field_spec yz_triage_report_params[];

/* GET /api/v1/triage/queue: registered cases awaiting a track decision. */
enum yz_err yz_triage_http_queue(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/matters/{id}/triage: the proposal, its features and reasons, decisions. */
enum yz_err yz_triage_http_proposal(struct yz_req *req, struct yz_resp *resp);
/* POST /api/v1/matters/{id}/triage/features: amend features, re-propose. */
enum yz_err yz_triage_http_amend(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/triage/report: agreement of decisions with proposals, overall and per rule. */
enum yz_err yz_triage_http_report(struct yz_req *req, struct yz_resp *resp);

#endif
