/* HTTP adapters of the courts area. */
#ifndef YZ_COURTS_COURTS_HTTP_H
#define YZ_COURTS_COURTS_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_courts_id_params[];
enum yz_err yz_courts_http_list(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_courts_http_get(struct yz_req *req, struct yz_resp *resp);

#endif
