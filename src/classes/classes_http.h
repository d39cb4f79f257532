/* HTTP adapter of class cases (classes.h): /api/v1/case-groups... and
 * /api/v1/matters/{id}/case-group. Handlers only translate; the rules and the
 * policy decisions are in classes.c. */
#ifndef YZ_CLASSES_CLASSES_HTTP_H
#define YZ_CLASSES_CLASSES_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_classes_id_params[];
extern const struct yz_field_spec yz_classes_member_params[];
extern const struct yz_field_spec yz_classes_matter_params[];
extern const struct yz_field_spec yz_classes_create_body[];
extern const struct yz_field_spec yz_classes_case_body[];

enum yz_err yz_classes_http_suggest(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_classes_http_list(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_classes_http_create(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_classes_http_get(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_classes_http_add_case(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_classes_http_remove_case(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_classes_http_demonstration(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_classes_http_of_case(struct yz_req *req, struct yz_resp *resp);

#endif
