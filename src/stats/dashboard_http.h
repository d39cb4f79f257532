/* HTTP adapter of the court dashboard (GET /api/v1/dashboard). */
#ifndef YZ_STATS_DASHBOARD_HTTP_H
#define YZ_STATS_DASHBOARD_HTTP_H

#include "http/route.h"

extern const struct yz_field_spec yz_dashboard_params[];
enum yz_err yz_dashboard_http_get(struct yz_req *req, struct yz_resp *resp);

#endif
