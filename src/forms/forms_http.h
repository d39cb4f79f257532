/* HTTP adapters of the element-style complaint forms: public lookups and a
 * rendering that stores nothing. */
#ifndef YZ_FORMS_FORMS_HTTP_H
#define YZ_FORMS_FORMS_HTTP_H

#include "http/request.h"

/* GET /api/v1/complaint-forms?cause=&revision= */
extern const struct yz_field_spec yz_forms_list_params[];
/* GET /api/v1/complaint-forms/{id}, POST /api/v1/complaint-forms/{id}/render */
extern const struct yz_field_spec yz_forms_id_params[];
/* POST /api/v1/complaint-forms/{id}/render: {answers, court_id, date?, document?} */
extern const struct yz_field_spec yz_forms_render_body[];

enum yz_err yz_forms_http_list(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_forms_http_get(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_forms_http_render(struct yz_req *req, struct yz_resp *resp);

#endif
