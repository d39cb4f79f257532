/* HTTP adapters of the roster of invited mediation (roster.h). */
#ifndef YZ_MEDIATION_ROSTER_HTTP_H
#define YZ_MEDIATION_ROSTER_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_roster_list_params[];
extern const struct yz_field_spec yz_roster_recommend_params[];
extern const struct yz_field_spec yz_roster_id_params[];
extern const struct yz_field_spec yz_roster_org_create_body[];
extern const struct yz_field_spec yz_roster_org_update_body[];
extern const struct yz_field_spec yz_roster_mediator_add_body[];
extern const struct yz_field_spec yz_roster_mediator_update_body[];
extern const struct yz_field_spec yz_roster_training_body[];
extern const struct yz_field_spec yz_roster_studio_body[];

/* Public reads. */
enum yz_err yz_roster_http_list(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_org_get(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_mediator_get(struct yz_req *req, struct yz_resp *resp);
/* Signed in. */
enum yz_err yz_roster_http_recommend(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_org_workload(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_mediator_workload(struct yz_req *req, struct yz_resp *resp);
/* GET /me/roster: the caller's own mediator entries and organisations. */
enum yz_err yz_roster_http_mine(struct yz_req *req, struct yz_resp *resp);
/* Changes. */
enum yz_err yz_roster_http_org_create(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_org_update(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_mediator_add(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_mediator_update(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_training_add(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_roster_http_studio_create(struct yz_req *req, struct yz_resp *resp);

#endif
