/* HTTP adapters of the matters area. */
#ifndef YZ_MATTERS_MATTERS_HTTP_H
#define YZ_MATTERS_MATTERS_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_matters_create_body[];
extern const struct yz_field_spec yz_matters_fire_body[];
extern const struct yz_field_spec yz_matters_id_params[];
extern const struct yz_field_spec yz_matters_list_params[];
extern const struct yz_field_spec yz_matters_history_params[];
extern const struct yz_field_spec yz_matters_personal_data_body[];

enum yz_err yz_matters_http_create(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_matters_http_list(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_matters_http_get(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_matters_http_fire(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_matters_http_history(struct yz_req *req, struct yz_resp *resp);
/* Staff view one party's full ID, phone or address with a reason (personal_data.c). */
enum yz_err yz_matters_http_personal_data(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_matters_http_workflows(struct yz_req *req, struct yz_resp *resp);

#endif
