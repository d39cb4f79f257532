/*
 * The thin HTTP side of the roster: JSON in, roster.h calls, JSON out. The
 * route table has already checked types and lengths; the rules (who may,
 * what is valid in context) are roster.c's. A refusal by those rules is
 * recorded as an access denial here, after the transaction, because a write
 * inside it would be rolled back with the refused request.
 *
 * PATCH bodies: a member that is absent stays as it is; null clears the
 * members that may be empty (phone, admin_phone, qualifications) and is an
 * error for the others.
 */
#include "mediation/roster_http.h"
#include "catalog/catalog.h"
#include "core/num.h"
#include "mediation/roster.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static const char *const org_kinds[] = {
    "people", "industry", "professional", "arbitration", "notary", "lawyer", NULL};
static const char *const statuses[] = {"active", "suspended", NULL};

#define LIST_CPS YZ_ROSTER_MAX_LIST_BYTES

const struct yz_field_spec yz_roster_list_params[] = {
    {"court_id", YZ_V_ID, false, 0, 0, NULL, "法院"},
    {"cause", YZ_V_TEXT, false, 1, YZ_CATALOG_MAX_CODE_BYTES, NULL, "案由代码"},
    {"q", YZ_V_TEXT, false, 1, YZ_ROSTER_QUERY_MAX_CPS, NULL, "名称关键词"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_roster_recommend_params[] = {
    {"court_id", YZ_V_ID, true, 0, 0, NULL, "法院"},
    {"cause", YZ_V_TEXT, true, 1, YZ_CATALOG_MAX_CODE_BYTES, NULL, "案由代码"},
    {"limit", YZ_V_INT, false, 1, YZ_ROSTER_RECOMMEND_MAX, NULL, "推荐人数"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_roster_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_roster_org_create_body[] = {
    {"court_id", YZ_V_ID, true, 0, 0, NULL, "所属法院"},
    {"name", YZ_V_TEXT, true, 2, 60, NULL, "调解组织名称"},
    {"kind", YZ_V_ENUM, true, 0, 0, org_kinds, "调解组织类别"},
    {"region", YZ_V_TEXT, true, 2, 60, NULL, "所在地区"},
    {"phone", YZ_V_TEXT, false, 7, 20, NULL, "联系电话"},
    {"admin_phone", YZ_V_PHONE, false, 0, 0, NULL, "管理员手机号码"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_roster_org_update_body[] = {
    {"name", YZ_V_TEXT, false, 2, 60, NULL, "调解组织名称"},
    {"kind", YZ_V_ENUM, false, 0, 0, org_kinds, "调解组织类别"},
    {"region", YZ_V_TEXT, false, 2, 60, NULL, "所在地区"},
    {"phone", YZ_V_TEXT, false, 7, 20, NULL, "联系电话"},
    {"admin_phone", YZ_V_PHONE, false, 0, 0, NULL, "管理员手机号码"},
    {"status", YZ_V_ENUM, false, 0, 0, statuses, "状态"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_roster_mediator_add_body[] = {
    {"phone", YZ_V_PHONE, true, 0, 0, NULL, "调解员账号手机号码"},
    {"org_id", YZ_V_ID, false, 0, 0, NULL, "所属调解组织"},
    {"court_id", YZ_V_ID, false, 0, 0, NULL, "所属法院"},
    {"name", YZ_V_TEXT, false, 1, 100, NULL, "调解员姓名"},
    {"specialties", YZ_V_TEXT, true, 1, LIST_CPS, NULL, "擅长案由"},
    {"languages", YZ_V_TEXT, false, 1, LIST_CPS, NULL, "调解语言"},
    {"capacity", YZ_V_INT, false, 1, YZ_ROSTER_MAX_CAPACITY, NULL, "同时承办件数"},
    {"qualifications", YZ_V_LONGTEXT, false, 0, 1000, NULL, "资质"},
    {"available", YZ_V_BOOL, false, 0, 0, NULL, "是否可接受委派"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_roster_mediator_update_body[] = {
    {"name", YZ_V_TEXT, false, 1, 100, NULL, "调解员姓名"},
    {"specialties", YZ_V_TEXT, false, 1, LIST_CPS, NULL, "擅长案由"},
    {"languages", YZ_V_TEXT, false, 1, LIST_CPS, NULL, "调解语言"},
    {"capacity", YZ_V_INT, false, 1, YZ_ROSTER_MAX_CAPACITY, NULL, "同时承办件数"},
    {"qualifications", YZ_V_LONGTEXT, false, 0, 1000, NULL, "资质"},
    {"available", YZ_V_BOOL, false, 0, 0, NULL, "是否可接受委派"},
    {"status", YZ_V_ENUM, false, 0, 0, statuses, "状态"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_roster_training_body[] = {
    {"date", YZ_V_DATE, true, 0, 0, NULL, "培训日期"},
    {"title", YZ_V_TEXT, true, 2, 100, NULL, "培训名称"},
    {"hours", YZ_V_INT, true, 1, YZ_ROSTER_MAX_TRAINING_HOURS, NULL, "培训学时"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_roster_studio_body[] = {
    {"org_id", YZ_V_ID, false, 0, 0, NULL, "所属调解组织"},
    {"mediator_id", YZ_V_ID, false, 0, 0, NULL, "所属调解员"},
    {"name", YZ_V_TEXT, true, 2, 60, NULL, "工作室名称"},
    {"description", YZ_V_LONGTEXT, false, 0, 1000, NULL, "工作室简介"},
    YZ_FIELDS_END,
};

/* ---- body access ----------------------------------------------------------- */

static const char *str(struct yz_req *req, const char *k)
{
    return json_string_value(json_object_get(req->body, k));
}

static int64_t num(struct yz_req *req, const char *k)
{
    return json_integer_value(json_object_get(req->body, k));
}

/* -1 absent or null, else 0 / 1. */
static int tri(struct yz_req *req, const char *k)
{
    json_t *v = json_object_get(req->body, k);
    return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* A PATCH member: NULL when absent; "" for a null that clears; a field error
 * for a null where the member cannot be empty. */
static const char *patch_str(struct yz_req *req, const char *k, bool clearable)
{
    json_t *v = json_object_get(req->body, k);
    if (!v)
        return NULL;
    if (json_is_null(v)) {
        if (clearable)
            return "";
        yz_field_errors_add(&req->fields, k, "required", "该项不能为空");
        return NULL;
    }
    return json_string_value(v);
}

/* A null for a non-text PATCH member is an error too. */
static void patch_not_null(struct yz_req *req, const char *k)
{
    if (json_is_null(json_object_get(req->body, k)))
        yz_field_errors_add(&req->fields, k, "required", "该项不能为空");
}

/* Records a refusal by the roster's rules (after the transaction). */
static enum yz_err finish(struct yz_req *req, enum yz_err e, int64_t resource_id)
{
    if (e == YZ_ERR_FORBIDDEN)
        yz_policy_record_denial(req->app, &req->who, req->route->name, "roster", resource_id);
    return e;
}

static int64_t created_id(const json_t *body)
{
    return json_integer_value(json_object_get(body, "id"));
}

/* ---- organisations ------------------------------------------------------------- */

static enum yz_err org_create_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                 void *c)
{
    struct yz_roster_org_input in = {
        .court_id = num(req, "court_id"),
        .name = str(req, "name"),
        .kind = str(req, "kind"),
        .region = str(req, "region"),
        .phone = str(req, "phone"),
        .admin_phone = str(req, "admin_phone"),
    };
    enum yz_err e =
        yz_roster_org_create(tx, req->app, &req->who, req->channel, &in, &req->fields, &resp->body);
    if (e == YZ_OK)
        snprintf(resp->location, sizeof resp->location, "/api/v1/roster/orgs/%lld",
                 (long long)created_id(resp->body));
    return e;
}

enum yz_err yz_roster_http_org_create(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, org_create_tx, NULL), num(req, "court_id"));
}

static enum yz_err org_update_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                 void *c)
{
    const struct yz_roster_org_input *in = c;
    return yz_roster_org_update(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"),
                                in, &req->fields, &resp->body);
}

enum yz_err yz_roster_http_org_update(struct yz_req *req, struct yz_resp *resp)
{
    struct yz_roster_org_input in = {
        .name = patch_str(req, "name", false),
        .kind = patch_str(req, "kind", false),
        .region = patch_str(req, "region", false),
        .phone = patch_str(req, "phone", true),
        .admin_phone = patch_str(req, "admin_phone", true),
        .status = patch_str(req, "status", false),
    };
    if (req->fields.count)
        return YZ_ERR_VALIDATION;
    return finish(req, yz_req_write(req, resp, org_update_tx, &in), yz_req_param_id(req, "id"));
}

/* ---- mediators ------------------------------------------------------------------ */

static enum yz_err mediator_add_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                   void *c)
{
    struct yz_roster_mediator_input in = {
        .phone = str(req, "phone"),
        .org_id = num(req, "org_id"),
        .court_id = num(req, "court_id"),
        .name = str(req, "name"),
        .specialties = str(req, "specialties"),
        .languages = str(req, "languages"),
        .capacity = num(req, "capacity"),
        .qualifications = str(req, "qualifications"),
        .available = tri(req, "available"),
    };
    enum yz_err e = yz_roster_mediator_add(tx, req->app, &req->who, req->channel, &in, &req->fields,
                                           &resp->body);
    if (e == YZ_OK)
        snprintf(resp->location, sizeof resp->location, "/api/v1/roster/mediators/%lld",
                 (long long)created_id(resp->body));
    return e;
}

enum yz_err yz_roster_http_mediator_add(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, mediator_add_tx, NULL), num(req, "org_id"));
}

static enum yz_err mediator_update_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                      void *c)
{
    const struct yz_roster_mediator_input *in = c;
    return yz_roster_mediator_update(tx, req->app, &req->who, req->channel,
                                     yz_req_param_id(req, "id"), in, &req->fields, &resp->body);
}

enum yz_err yz_roster_http_mediator_update(struct yz_req *req, struct yz_resp *resp)
{
    patch_not_null(req, "capacity");
    patch_not_null(req, "available");
    struct yz_roster_mediator_input in = {
        .name = patch_str(req, "name", false),
        .specialties = patch_str(req, "specialties", false),
        .languages = patch_str(req, "languages", false),
        .capacity = num(req, "capacity"),
        .qualifications = patch_str(req, "qualifications", true),
        .available = tri(req, "available"),
        .status = patch_str(req, "status", false),
    };
    if (req->fields.count)
        return YZ_ERR_VALIDATION;
    return finish(req, yz_req_write(req, resp, mediator_update_tx, &in),
                  yz_req_param_id(req, "id"));
}

static enum yz_err training_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    struct yz_roster_training_input in = {
        .date = str(req, "date"),
        .title = str(req, "title"),
        .hours = num(req, "hours"),
    };
    return yz_roster_training_add(tx, req->app, &req->who, req->channel, yz_req_param_id(req, "id"),
                                  &in, &req->fields, &resp->body);
}

enum yz_err yz_roster_http_training_add(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, training_tx, NULL), yz_req_param_id(req, "id"));
}

static enum yz_err studio_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    struct yz_roster_studio_input in = {
        .org_id = num(req, "org_id"),
        .mediator_id = num(req, "mediator_id"),
        .name = str(req, "name"),
        .description = str(req, "description"),
    };
    /* No Location: a studio is read as part of its owner's entry. */
    return yz_roster_studio_create(tx, req->app, &req->who, req->channel, &in, &req->fields,
                                   &resp->body);
}

enum yz_err yz_roster_http_studio_create(struct yz_req *req, struct yz_resp *resp)
{
    int64_t owner = num(req, "org_id") ? num(req, "org_id") : num(req, "mediator_id");
    return finish(req, yz_req_write(req, resp, studio_tx, NULL), owner);
}

/* ---- reads ------------------------------------------------------------------------ */

struct read_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
    int64_t id, court_id;
    int limit;
};

static int64_t query_id(struct yz_req *req, const char *k)
{
    const char *v = yz_req_query(req, k);
    int64_t id = 0;
    if (v && !yz_parse_i64(v, 1, INT64_MAX, &id))
        id = 0;
    return id;
}

static enum yz_err list_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    struct yz_roster_query q = {
        .court_id = c->court_id,
        .cause = yz_req_query(c->req, "cause"),
        .q = yz_req_query(c->req, "q"),
    };
    return yz_roster_list(tx, c->req->app, &q, &c->resp->body);
}

enum yz_err yz_roster_http_list(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, 0, query_id(req, "court_id"), 0};
    const char *cause = yz_req_query(req, "cause");
    if (c.court_id && !yz_courts_find(&req->app->courts, c.court_id))
        yz_field_errors_add(&req->fields, "query/court_id", "not_found", "法院不存在");
    if (cause && !yz_catalog_cause(req->app->catalog, cause, YZ_CAUSE_REV_2025))
        yz_field_errors_add(&req->fields, "query/cause", "unknown_cause",
                            "案由代码不存在（应为 2025 年版民事案由的代码）");
    if (req->fields.count)
        return YZ_ERR_VALIDATION;
    return yz_store_read(req->app->store, list_tx, &c);
}

static enum yz_err org_get_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_roster_org_get(tx, c->req->app, c->id, &c->resp->body);
}

enum yz_err yz_roster_http_org_get(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id"), 0, 0};
    return yz_store_read(req->app->store, org_get_tx, &c);
}

static enum yz_err mediator_get_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_roster_mediator_get(tx, c->req->app, c->id, &c->resp->body);
}

enum yz_err yz_roster_http_mediator_get(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id"), 0, 0};
    return yz_store_read(req->app->store, mediator_get_tx, &c);
}

static enum yz_err recommend_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_roster_recommend(tx, c->req->app, c->court_id, yz_req_query(c->req, "cause"),
                               c->limit, &c->resp->body);
}

enum yz_err yz_roster_http_recommend(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, 0, query_id(req, "court_id"), 5};
    const char *limit = yz_req_query(req, "limit");
    int64_t n;
    if (limit && yz_parse_i64(limit, 1, YZ_ROSTER_RECOMMEND_MAX, &n))
        c.limit = (int)n;
    if (!yz_courts_find(&req->app->courts, c.court_id))
        yz_field_errors_add(&req->fields, "query/court_id", "not_found", "法院不存在");
    if (!yz_catalog_cause(req->app->catalog, yz_req_query(req, "cause"), YZ_CAUSE_REV_2025))
        yz_field_errors_add(&req->fields, "query/cause", "unknown_cause",
                            "案由代码不存在（应为 2025 年版民事案由的代码）");
    if (req->fields.count)
        return YZ_ERR_VALIDATION;
    return yz_store_read(req->app->store, recommend_tx, &c);
}

static enum yz_err org_workload_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_roster_org_workload(tx, c->req->app, &c->req->who, c->id, &c->resp->body);
}

enum yz_err yz_roster_http_org_workload(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id"), 0, 0};
    return finish(req, yz_store_read(req->app->store, org_workload_tx, &c), c.id);
}

static enum yz_err mediator_workload_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_roster_mediator_workload(tx, c->req->app, &c->req->who, c->id, &c->resp->body);
}

enum yz_err yz_roster_http_mediator_workload(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id"), 0, 0};
    return finish(req, yz_store_read(req->app->store, mediator_workload_tx, &c), c.id);
}

static enum yz_err mine_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_roster_mine(tx, &c->req->who, &c->resp->body);
}

enum yz_err yz_roster_http_mine(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, 0, 0, 0};
    return yz_store_read(req->app->store, mine_tx, &c);
}
