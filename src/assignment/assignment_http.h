/* HTTP adapters of case assignment (assignment.h): teams, queues, recusals,
 * a case's assignment with its verification, the per-court report. */
#ifndef YZ_ASSIGNMENT_ASSIGNMENT_HTTP_H
#define YZ_ASSIGNMENT_ASSIGNMENT_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_assign_team_id_params[];
extern const struct yz_field_spec yz_assign_member_params[];
extern const struct yz_field_spec yz_assign_matter_params[];
extern const struct yz_field_spec yz_assign_report_params[];
extern const struct yz_field_spec yz_assign_team_create_body[];
extern const struct yz_field_spec yz_assign_team_update_body[];
extern const struct yz_field_spec yz_assign_member_body[];
extern const struct yz_field_spec yz_assign_recusal_body[];
extern const struct yz_field_spec yz_assign_judge_params[];
extern const struct yz_field_spec yz_assign_conflict_params[];
extern const struct yz_field_spec yz_assign_conflict_body[];

enum yz_err yz_assign_http_team_create(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_team_list(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_team_get(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_team_update(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_member_add(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_member_remove(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_team_queue(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_my_queue(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_pending(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_report(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_recusal(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_matter(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_conflicts(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_conflict_add(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_assign_http_conflict_remove(struct yz_req *req, struct yz_resp *resp);

#endif
