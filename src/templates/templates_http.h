/* HTTP adapter of the document templates (templates.h, pdf.h):
 *   GET  /api/v1/matters/{id}/documents                    the templates for the case's class
 *   POST /api/v1/matters/{id}/documents/{template}/render  the document, text/plain or application/pdf
 * Court staff of the case's court only (the policy decides; another court's
 * case is a 404 like a missing one); the case must be registered (409). */
#ifndef YZ_TEMPLATES_TEMPLATES_HTTP_H
#define YZ_TEMPLATES_TEMPLATES_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_templates_matter_params[];
extern const struct yz_field_spec yz_templates_render_params[];
extern const struct yz_field_spec yz_templates_render_body[];

enum yz_err yz_templates_http_list(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_templates_http_render(struct yz_req *req, struct yz_resp *resp);

#endif
