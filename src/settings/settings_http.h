/* HTTP handlers of a court's business settings (routes in src/http/routes.c). */
#ifndef YZ_SETTINGS_SETTINGS_HTTP_H
#define YZ_SETTINGS_SETTINGS_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_settings_change_body[];

/* GET /api/v1/settings: the caller's court's settings, effective values and their source. */
enum yz_err yz_settings_http_get(struct yz_req *req, struct yz_resp *resp);
/* PATCH /api/v1/settings: set or clear the court's own values, with a reason. */
enum yz_err yz_settings_http_change(struct yz_req *req, struct yz_resp *resp);

#endif
