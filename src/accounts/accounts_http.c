/* Thin HTTP adapters: JSON in, accounts.h calls, JSON out. */
#include "accounts/accounts_http.h"
#include "accounts/accounts.h"
#include "accounts/session.h"
#include "core/clock.h"
#include "crypto/pii.h"
#include "policy/policy.h"
#include "store/store.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const person_kinds[] = {"natural", "legal", "other", NULL};
static const char *const public_roles[] = {"party", "lawyer", NULL};
static const char *const staff_roles[] = {"filing_clerk", "triage_officer", "judge", "assistant",
                                          "clerk", "service_officer", "petition_officer",
                                          "hotline_agent", "court_admin", NULL};

const struct yz_field_spec yz_accounts_register_body[] = {
    {"role", YZ_V_ENUM, true, 0, 0, public_roles, "注册身份"},
    {"person_kind", YZ_V_ENUM, true, 0, 0, person_kinds, "主体类型"},
    {"name", YZ_V_TEXT, true, 1, 100, NULL, "姓名或名称"},
    {"phone", YZ_V_PHONE, true, 0, 0, NULL, "手机号码"},
    {"password", YZ_V_PASSWORD, true, 1, 128, NULL, "密码"},
    {"citizen_id", YZ_V_CITIZEN_ID, false, 0, 0, NULL, "公民身份号码"},
    {"credit_code", YZ_V_CREDIT_CODE, false, 0, 0, NULL, "统一社会信用代码"},
    {"legal_rep", YZ_V_TEXT, false, 1, 100, NULL, "法定代表人或负责人"},
    {"licence_no", YZ_V_LICENCE, false, 0, 0, NULL, "律师执业证号"},
    {"firm", YZ_V_TEXT, false, 1, 100, NULL, "执业机构"},
    YZ_FIELDS_END,
};

static const char *const token_types[] = {"cookie", "bearer", NULL};
const struct yz_field_spec yz_accounts_login_body[] = {
    {"login", YZ_V_TEXT, true, 1, 64, NULL, "手机号或工作账号"},
    {"password", YZ_V_PASSWORD, true, 1, 128, NULL, "密码"},
    {"totp", YZ_V_TOTP, false, 0, 0, NULL, "动态验证码"},
    {"token_type", YZ_V_ENUM, false, 0, 0, token_types, "令牌类型"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_accounts_staff_body[] = {
    {"username", YZ_V_TEXT, true, 3, 40, NULL, "工作账号"},
    {"name", YZ_V_TEXT, true, 1, 100, NULL, "姓名"},
    {"role", YZ_V_ENUM, true, 0, 0, staff_roles, "岗位角色"},
    {"court_id", YZ_V_ID, true, 0, 0, NULL, "所属法院"},
    {"phone", YZ_V_PHONE, false, 0, 0, NULL, "手机号码"},
    {"password", YZ_V_PASSWORD, true, 1, 128, NULL, "初始密码"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_accounts_staff_list_params[] = {
    {"role", YZ_V_ENUM, false, 0, 0, staff_roles, "岗位角色"},
    YZ_FIELDS_END,
};

static const char *s(struct yz_req *req, const char *key)
{
    json_t *v = json_object_get(req->body, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

struct create_ctx {
    struct yz_account_prepared p;
    int64_t user_id;
};

static enum yz_err create_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *ctx)
{
    struct create_ctx *c = ctx;
    enum yz_err e = yz_account_insert(tx, req->app, &req->who, req->channel, &c->p, &c->user_id);
    if (e != YZ_OK)
        return e;
    resp->body = json_pack("{s:I, s:s}", "id", (json_int_t)c->user_id, "role", c->p.role);
    if (c->p.phone_masked[0])
        json_object_set_new(resp->body, "phone", json_string(c->p.phone_masked));
    snprintf(resp->location, sizeof resp->location, "/api/v1/users/%lld", (long long)c->user_id);
    return YZ_OK;
}

static enum yz_err create(struct yz_req *req, struct yz_resp *resp,
                          const struct yz_account_input *in, bool staff)
{
    struct create_ctx c;
    memset(&c, 0, sizeof c);
    enum yz_err e = yz_account_prepare(req->app, in, &c.p, &req->fields);
    if (e != YZ_OK)
        return e;
    e = yz_req_write(req, resp, create_tx, &c);
    if (e == YZ_ERR_ALREADY_EXISTS)
        yz_buf_adds(&req->detail, "该手机号、账号、身份证号或执业证号已注册");
    if (e == YZ_OK && staff && c.p.totp_secret[0]) {
        /* Shown once: the admin hands it to the staff member for their authenticator. */
        struct yz_buf uri = YZ_BUF_INIT(512);
        yz_totp_uri(c.p.totp_secret, in->username, "yizhan", &uri);
        json_object_set_new(resp->body, "totp_secret", json_string(c.p.totp_secret));
        json_object_set_new(resp->body, "totp_uri", json_string(uri.data));
        yz_buf_release(&uri);
    }
    yz_account_prepared_release(&c.p);
    return e;
}

enum yz_err yz_accounts_http_register(struct yz_req *req, struct yz_resp *resp)
{
    struct yz_account_input in = {
        .role = s(req, "role"),
        .person_kind = s(req, "person_kind"),
        .name = s(req, "name"),
        .phone = s(req, "phone"),
        .password = s(req, "password"),
        .citizen_id = s(req, "citizen_id"),
        .credit_code = s(req, "credit_code"),
        .legal_rep = s(req, "legal_rep"),
        .licence_no = s(req, "licence_no"),
        .firm = s(req, "firm"),
    };
    return create(req, resp, &in, false);
}

enum yz_err yz_accounts_http_create_staff(struct yz_req *req, struct yz_resp *resp)
{
    int64_t court = json_integer_value(json_object_get(req->body, "court_id"));
    if (!yz_policy_may_manage_staff(req->app, &req->who, court)) {
        yz_policy_record_denial(req->app, &req->who, req->route->name, "manage_staff", court);
        return YZ_ERR_FORBIDDEN;
    }
    struct yz_account_input in = {
        .role = s(req, "role"),
        .name = s(req, "name"),
        .phone = s(req, "phone"),
        .username = s(req, "username"),
        .password = s(req, "password"),
        .court_id = court,
    };
    return create(req, resp, &in, true);
}

struct staff_list_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
};

static enum yz_err staff_list_tx(struct yz_tx *tx, void *p)
{
    struct staff_list_ctx *c = p;
    return yz_staff_list(tx, c->req->who.court_id, yz_req_query(c->req, "role"), &c->resp->body);
}

enum yz_err yz_accounts_http_list_staff(struct yz_req *req, struct yz_resp *resp)
{
    if (!yz_policy_may_manage_staff(req->app, &req->who, req->who.court_id)) {
        yz_policy_record_denial(req->app, &req->who, req->route->name, "manage_staff",
                                req->who.court_id);
        return YZ_ERR_FORBIDDEN;
    }
    struct staff_list_ctx c = {req, resp};
    return yz_store_read(req->app->store, staff_list_tx, &c);
}

enum yz_err yz_accounts_http_login(struct yz_req *req, struct yz_resp *resp)
{
    const char *type = s(req, "token_type");
    bool bearer = type && strcmp(type, "bearer") == 0;
    struct yz_login_result r;
    enum yz_err e = yz_login(req->app, s(req, "login"), s(req, "password"), s(req, "totp"),
                             req->channel, bearer, req->session_hash, &r);
    if (e != YZ_OK)
        return e;
    json_t *me = NULL;
    if ((e = yz_account_json(req->app, r.who.user_id, &me)) != YZ_OK)
        return e;
    char expires[40];
    yz_time_format_utc(r.expires_at, expires, sizeof expires);
    resp->body = json_pack("{s:o, s:s, s:s}", "user", me, "expires_at", expires, "token_type",
                           bearer ? "bearer" : "cookie");
    if (bearer) {
        json_object_set_new(resp->body, "token", json_string(r.token));
    } else {
        json_object_set_new(resp->body, "csrf_token", json_string(r.csrf));
        yz_session_cookie(resp->set_cookie[0], sizeof resp->set_cookie[0], r.token, r.max_age_s,
                          req->tls);
    }
    sodium_memzero(r.token, sizeof r.token);
    return YZ_OK;
}

enum yz_err yz_accounts_http_logout(struct yz_req *req, struct yz_resp *resp)
{
    enum yz_err e = yz_session_close(req->app, req->session_hash, req->who.user_id);
    if (e != YZ_OK)
        return e;
    yz_session_cookie(resp->set_cookie[0], sizeof resp->set_cookie[0], "", 0, req->tls);
    resp->status = 204;
    return YZ_OK;
}

/* A cookie session's CSRF token comes along, so that a browser tab opened
 * after the login (or reloaded) can make changes without keeping the token
 * in storage; other origins cannot read this response. */
enum yz_err yz_accounts_http_me(struct yz_req *req, struct yz_resp *resp)
{
    enum yz_err e = yz_account_json(req->app, req->who.user_id, &resp->body);
    if (e == YZ_OK && !req->who.bearer && req->csrf[0])
        json_object_set_new(resp->body, "csrf_token", json_string(req->csrf));
    return e;
}

const struct yz_field_spec yz_accounts_reauth_body[] = {
    {"password", YZ_V_PASSWORD, true, 1, 128, NULL, "密码"},
    YZ_FIELDS_END,
};

enum yz_err yz_accounts_http_personal_data(struct yz_req *req, struct yz_resp *resp)
{
    enum yz_err e = yz_account_personal_data(req->app, &req->who, s(req, "password"), req->channel,
                                             &resp->body);
    if (e == YZ_ERR_LOGIN_FAILED)
        return YZ_ERR_REAUTH_REQUIRED;
    return e;
}

/* ---- a court admin maintains the court's staff accounts ---- */

const struct yz_field_spec yz_accounts_staff_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "工作人员账号"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_accounts_staff_update_body[] = {
    {"name", YZ_V_TEXT, false, 1, 100, NULL, "姓名"},
    {"role", YZ_V_ENUM, false, 0, 0, staff_roles, "岗位角色"},
    {"reason", YZ_V_LONGTEXT, false, 2, 500, NULL, "变更原因"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_accounts_staff_disable_body[] = {
    {"reason", YZ_V_LONGTEXT, true, 2, 500, NULL, "停用原因"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_accounts_staff_reason_body[] = {
    {"reason", YZ_V_LONGTEXT, false, 2, 500, NULL, "原因"},
    YZ_FIELDS_END,
};

/* Another court's account (or a party's) was asked for: recorded, and
 * answered exactly like a missing one. */
static enum yz_err staff_finish(struct yz_req *req, enum yz_err e)
{
    if (e != YZ_ERR_FORBIDDEN)
        return e;
    yz_policy_record_denial(req->app, &req->who, req->route->name, "manage_staff",
                            yz_req_param_id(req, "id"));
    return YZ_ERR_NOT_FOUND;
}

static enum yz_err staff_update_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                   void *ctx)
{
    struct yz_staff_change in = {s(req, "name"), s(req, "role"), s(req, "reason")};
    return yz_staff_update(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"), &in,
                           &req->fields, &resp->body);
}

enum yz_err yz_accounts_http_update_staff(struct yz_req *req, struct yz_resp *resp)
{
    return staff_finish(req, yz_req_write(req, resp, staff_update_tx, NULL));
}

static enum yz_err staff_active_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                   void *ctx)
{
    return yz_staff_set_active(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"),
                               *(bool *)ctx, s(req, "reason"), &req->fields, &resp->body);
}

enum yz_err yz_accounts_http_disable_staff(struct yz_req *req, struct yz_resp *resp)
{
    bool active = false;
    return staff_finish(req, yz_req_write(req, resp, staff_active_tx, &active));
}

enum yz_err yz_accounts_http_enable_staff(struct yz_req *req, struct yz_resp *resp)
{
    bool active = true;
    return staff_finish(req, yz_req_write(req, resp, staff_active_tx, &active));
}

static enum yz_err staff_totp_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                 void *ctx)
{
    return yz_staff_totp_reset(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"),
                               ctx, s(req, "reason"), &req->fields, &resp->body);
}

/* The new secret is made and sealed outside the transaction and shown once,
 * in this response only (the route is not idempotent, so no stored response
 * keeps it). */
enum yz_err yz_accounts_http_reset_staff_totp(struct yz_req *req, struct yz_resp *resp)
{
    char secret[YZ_TOTP_SECRET_SIZE];
    char *enc = NULL;
    yz_totp_secret_new(secret);
    enum yz_err e = yz_pii_seal(req->app->keys, secret, strlen(secret), "users.totp", &enc);
    if (e == YZ_OK)
        e = staff_finish(req, yz_req_write(req, resp, staff_totp_tx, enc));
    if (e == YZ_OK) {
        const char *username = json_string_value(json_object_get(resp->body, "username"));
        struct yz_buf uri = YZ_BUF_INIT(512);
        yz_totp_uri(secret, username ? username : "", "yizhan", &uri);
        json_object_set_new(resp->body, "totp_secret", json_string(secret));
        json_object_set_new(resp->body, "totp_uri", json_string(uri.data));
        yz_buf_release(&uri);
    }
    free(enc);
    sodium_memzero(secret, sizeof secret);
    return e;
}
