/* HTTP adapters of fee payments. */
#ifndef YZ_PAYMENTS_PAYMENTS_HTTP_H
#define YZ_PAYMENTS_PAYMENTS_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_payments_matter_params[];
extern const struct yz_field_spec yz_payments_id_params[];
extern const struct yz_field_spec yz_payments_unpaid_params[];
extern const struct yz_field_spec yz_payments_create_body[];
extern const struct yz_field_spec yz_payments_confirm_body[];
extern const struct yz_field_spec yz_payments_refund_body[];
extern const struct yz_field_spec yz_payments_callback_body[];

enum yz_err yz_payments_http_create(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_payments_http_list(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_payments_http_confirm(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_payments_http_refund(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_payments_http_callback(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_payments_http_unpaid(struct yz_req *req, struct yz_resp *resp);

#endif
