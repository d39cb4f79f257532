/* Operational endpoints: health, metrics, the OpenAPI document, the deadline calculator. */
#ifndef YZ_SYSTEM_SYSTEM_HTTP_H
#define YZ_SYSTEM_SYSTEM_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_system_deadline_params[];

enum yz_err yz_system_http_health(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_system_http_metrics(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_system_http_openapi(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_system_http_deadline(struct yz_req *req, struct yz_resp *resp);

#endif
