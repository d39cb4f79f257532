/* HTTP adapters of the accounts area (the route table points at these). */
#ifndef YZ_ACCOUNTS_ACCOUNTS_HTTP_H
#define YZ_ACCOUNTS_ACCOUNTS_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_accounts_register_body[];
extern const struct yz_field_spec yz_accounts_login_body[];
extern const struct yz_field_spec yz_accounts_staff_body[];

enum yz_err yz_accounts_http_register(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_accounts_http_login(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_accounts_http_logout(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_accounts_http_me(struct yz_req *req, struct yz_resp *resp);
extern const struct yz_field_spec yz_accounts_reauth_body[];
enum yz_err yz_accounts_http_personal_data(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_accounts_http_create_staff(struct yz_req *req, struct yz_resp *resp);
extern const struct yz_field_spec yz_accounts_staff_list_params[];
enum yz_err yz_accounts_http_list_staff(struct yz_req *req, struct yz_resp *resp);
extern const struct yz_field_spec yz_accounts_staff_id_params[];
extern const struct yz_field_spec yz_accounts_staff_update_body[];
extern const struct yz_field_spec yz_accounts_staff_disable_body[];
extern const struct yz_field_spec yz_accounts_staff_reason_body[];
enum yz_err yz_accounts_http_update_staff(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_accounts_http_disable_staff(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_accounts_http_enable_staff(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_accounts_http_reset_staff_totp(struct yz_req *req, struct yz_resp *resp);

#endif
