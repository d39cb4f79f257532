/*
 * The thin HTTP side of case assignment: JSON in, assignment.h calls, JSON
 * out. A refusal by the rules (YZ_ERR_FORBIDDEN) is recorded as an access
 * denial after the transaction and answered 404, exactly like a record that
 * does not exist (the policy module's rule for records of other courts).
 */
#include "assignment/assignment_http.h"
#include "assignment/assignment.h"
#include "core/num.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static const char *const team_kinds[] = {"fast_track", "ordinary", NULL};
static const char *const member_roles[] = {"judge", "assistant", "clerk", "mediator", NULL};
static const char *const conflict_kinds[] = {"party_name", "credit_code", "law_firm",
                                             "lawyer_licence", NULL};
static const char *const recusal_kinds[] = {"self_declared", "party_application", "relationship",
                                            NULL};

const struct yz_field_spec yz_assign_team_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "团队编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_assign_member_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "团队编号"},
    {"user_id", YZ_V_ID, true, 0, 0, NULL, "成员账号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_assign_matter_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_assign_report_params[] = {
    {"court_id", YZ_V_ID, false, 0, 0, NULL, "法院"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_assign_team_create_body[] = {
    {"name", YZ_V_TEXT, true, YZ_TEAM_NAME_MIN, YZ_TEAM_NAME_MAX, NULL, "团队名称"},
    {"kind", YZ_V_ENUM, true, 0, 0, team_kinds, "团队类别"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_assign_team_update_body[] = {
    {"name", YZ_V_TEXT, false, YZ_TEAM_NAME_MIN, YZ_TEAM_NAME_MAX, NULL, "团队名称"},
    {"kind", YZ_V_ENUM, false, 0, 0, team_kinds, "团队类别"},
    {"active", YZ_V_BOOL, false, 0, 0, NULL, "是否启用"},
    YZ_FIELDS_END,
};
/* A staff member by account (user_id), a mediator by account or by roster
 * entry (mediator_id, what the roster shows): exactly one of the two. */
const struct yz_field_spec yz_assign_member_body[] = {
    {"user_id", YZ_V_ID, false, 0, 0, NULL, "成员账号"},
    {"mediator_id", YZ_V_ID, false, 0, 0, NULL, "名册上的调解员"},
    {"role", YZ_V_ENUM, true, 0, 0, member_roles, "成员角色"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_assign_recusal_body[] = {
    {"judge_id", YZ_V_ID, true, 0, 0, NULL, "回避的法官"},
    {"kind", YZ_V_ENUM, true, 0, 0, recusal_kinds, "回避类型"},
    {"reason", YZ_V_LONGTEXT, true, 2, YZ_ASSIGN_REASON_MAX, NULL, "回避理由"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_assign_judge_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "法官账号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_assign_conflict_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "法官账号"},
    {"conflict_id", YZ_V_ID, true, 0, 0, NULL, "利害关系编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_assign_conflict_body[] = {
    {"kind", YZ_V_ENUM, true, 0, 0, conflict_kinds, "关系类型"},
    {"value", YZ_V_TEXT, true, 2, 100, NULL, "当事人、律师事务所名称或证照号码"},
    {"reason", YZ_V_LONGTEXT, true, 2, YZ_ASSIGN_REASON_MAX, NULL, "利害关系说明"},
    YZ_FIELDS_END,
};

static const char *str(struct yz_req *req, const char *k)
{
    return json_string_value(json_object_get(req->body, k));
}

static int64_t num(struct yz_req *req, const char *k)
{
    return json_integer_value(json_object_get(req->body, k));
}

/* A refusal is recorded (after the transaction) and looks like a missing record. */
static enum yz_err finish(struct yz_req *req, enum yz_err e, int64_t resource_id)
{
    if (e != YZ_ERR_FORBIDDEN)
        return e;
    yz_policy_record_denial(req->app, &req->who, req->route->name, "assignment", resource_id);
    return YZ_ERR_NOT_FOUND;
}

/* ---- teams ---------------------------------------------------------------------- */

static enum yz_err team_create_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                  void *c)
{
    struct yz_team_input in = {.name = str(req, "name"), .kind = str(req, "kind"), .active = -1};
    enum yz_err e =
        yz_team_create(tx, req->app, &req->who, req->channel, &in, &req->fields, &resp->body);
    if (e == YZ_OK)
        snprintf(resp->location, sizeof resp->location, "/api/v1/teams/%lld",
                 (long long)json_integer_value(json_object_get(resp->body, "id")));
    return e;
}

enum yz_err yz_assign_http_team_create(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, team_create_tx, NULL), req->who.court_id);
}

static enum yz_err team_update_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                  void *c)
{
    json_t *active = json_object_get(req->body, "active");
    struct yz_team_input in = {
        .name = str(req, "name"),
        .kind = str(req, "kind"),
        .active = json_is_boolean(active) ? json_is_true(active) : -1,
    };
    return yz_team_update(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"), &in,
                          &req->fields, &resp->body);
}

enum yz_err yz_assign_http_team_update(struct yz_req *req, struct yz_resp *resp)
{
    static const char *const keys[] = {"name", "kind", "active"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (json_is_null(json_object_get(req->body, keys[i])))
            yz_field_errors_add(&req->fields, keys[i], "required", "该项不能为空");
    if (req->fields.count)
        return YZ_ERR_VALIDATION;
    return finish(req, yz_req_write(req, resp, team_update_tx, NULL), yz_req_param_id(req, "id"));
}

static enum yz_err member_add_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                 void *c)
{
    if (num(req, "mediator_id"))
        return yz_team_member_add_mediator(tx, req->app, &req->who, req->channel,
                                           yz_req_param_id(req, "id"), num(req, "mediator_id"),
                                           &req->fields, &resp->body);
    return yz_team_member_add(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"),
                              num(req, "user_id"), str(req, "role"), &req->fields, &resp->body);
}

enum yz_err yz_assign_http_member_add(struct yz_req *req, struct yz_resp *resp)
{
    bool by_account = json_object_get(req->body, "user_id") != NULL;
    bool by_entry = json_object_get(req->body, "mediator_id") != NULL;
    const char *role = str(req, "role");
    if (by_account == by_entry)
        yz_field_errors_add(&req->fields, by_account ? "mediator_id" : "user_id", "required",
                            by_account ? "成员账号与名册上的调解员只能填一项" : "请选择成员");
    else if (by_entry && role && strcmp(role, "mediator") != 0)
        yz_field_errors_add(&req->fields, "mediator_id", "role_mismatch",
                            "名册上的调解员只能以调解员身份加入团队");
    if (req->fields.count)
        return YZ_ERR_VALIDATION;
    return finish(req, yz_req_write(req, resp, member_add_tx, NULL), yz_req_param_id(req, "id"));
}

static enum yz_err member_remove_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                    void *c)
{
    return yz_team_member_remove(tx, req->app, &req->who, req->channel,
                                 yz_req_param_id(req, "id"), yz_req_param_id(req, "user_id"),
                                 &resp->body);
}

enum yz_err yz_assign_http_member_remove(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, member_remove_tx, NULL),
                  yz_req_param_id(req, "id"));
}

/* ---- reads ------------------------------------------------------------------------- */

struct read_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
    int64_t id;
};

static enum yz_err team_list_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_team_list(tx, c->req->app, &c->req->who, &c->resp->body);
}

enum yz_err yz_assign_http_team_list(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, 0};
    return finish(req, yz_store_read(req->app->store, team_list_tx, &c), req->who.court_id);
}

static enum yz_err team_get_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_team_get(tx, c->req->app, &c->req->who, c->id, &c->resp->body);
}

enum yz_err yz_assign_http_team_get(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id")};
    return finish(req, yz_store_read(req->app->store, team_get_tx, &c), c.id);
}

static enum yz_err team_queue_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_team_queue(tx, c->req->app, &c->req->who, c->id, &c->resp->body);
}

enum yz_err yz_assign_http_team_queue(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id")};
    return finish(req, yz_store_read(req->app->store, team_queue_tx, &c), c.id);
}

static enum yz_err my_queue_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_assign_my_queue(tx, c->req->app, &c->req->who, &c->resp->body);
}

enum yz_err yz_assign_http_my_queue(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, 0};
    return finish(req, yz_store_read(req->app->store, my_queue_tx, &c), req->who.user_id);
}

static enum yz_err pending_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_assign_pending(tx, c->req->app, &c->req->who, &c->resp->body);
}

enum yz_err yz_assign_http_pending(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, 0};
    return finish(req, yz_store_read(req->app->store, pending_tx, &c), req->who.court_id);
}

static enum yz_err report_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_assign_report(tx, c->req->app, &c->req->who, c->id, &c->resp->body);
}

enum yz_err yz_assign_http_report(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, 0};
    const char *v = yz_req_query(req, "court_id");
    if (v && !yz_parse_i64(v, 1, INT64_MAX, &c.id))
        c.id = 0;
    if (v && !yz_courts_find(&req->app->courts, c.id)) {
        yz_field_errors_add(&req->fields, "query/court_id", "not_found", "法院不存在");
        return YZ_ERR_VALIDATION;
    }
    return finish(req, yz_store_read(req->app->store, report_tx, &c), c.id);
}

static enum yz_err matter_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_assign_matter(tx, c->req->app, &c->req->who, c->id, &c->resp->body);
}

enum yz_err yz_assign_http_matter(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id")};
    return finish(req, yz_store_read(req->app->store, matter_tx, &c), c.id);
}

/* ---- recusals ----------------------------------------------------------------------- */

static enum yz_err recusal_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    struct yz_recusal_input in = {
        .judge_id = num(req, "judge_id"),
        .kind = str(req, "kind"),
        .reason = str(req, "reason"),
    };
    return yz_recusal_record(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"),
                             &in, &req->fields, &resp->body);
}

enum yz_err yz_assign_http_recusal(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, recusal_tx, NULL), yz_req_param_id(req, "id"));
}

/* ---- configured relationships ------------------------------------------------------------ */

static enum yz_err conflicts_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_conflict_list(tx, c->req->app, &c->req->who, c->id, &c->resp->body);
}

enum yz_err yz_assign_http_conflicts(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id")};
    return finish(req, yz_store_read(req->app->store, conflicts_tx, &c), c.id);
}

static enum yz_err conflict_add_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                   void *c)
{
    struct yz_conflict_input in = {
        .kind = str(req, "kind"), .value = str(req, "value"), .reason = str(req, "reason")};
    return yz_conflict_add(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"), &in,
                           &req->fields, &resp->body);
}

enum yz_err yz_assign_http_conflict_add(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, conflict_add_tx, NULL), yz_req_param_id(req, "id"));
}

static enum yz_err conflict_remove_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                      void *c)
{
    return yz_conflict_remove(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"),
                              yz_req_param_id(req, "conflict_id"), &resp->body);
}

enum yz_err yz_assign_http_conflict_remove(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, conflict_remove_tx, NULL),
                  yz_req_param_id(req, "id"));
}
