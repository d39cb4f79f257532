/* The thin HTTP side of court settings: JSON in, settings.h calls, JSON out. */
#include "settings/settings_http.h"
#include "policy/policy.h"
#include "settings/settings.h"
#include "store/store.h"

#include <string.h>

/* One member per setting of settings.c's table, plus the reason. */
const struct yz_field_spec yz_settings_change_body[] = {
    {"average_wage", YZ_V_TEXT, false, 0, YZ_SETTING_VALUE_MAX, NULL, "本省上年度就业人员年平均工资"},
    {"reason", YZ_V_LONGTEXT, true, 2, YZ_SETTING_REASON_MAX, NULL, "修改原因"},
    YZ_FIELDS_END,
};

/* A refusal is recorded and answered like the route's other refusals. */
static enum yz_err finish(struct yz_req *req, enum yz_err e)
{
    if (e == YZ_ERR_FORBIDDEN)
        yz_policy_record_denial(req->app, &req->who, req->route->name, "court_settings",
                                req->who.court_id);
    return e;
}

struct read_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
};

static enum yz_err get_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_settings_get(tx, c->req->app, &c->req->who, &c->resp->body);
}

enum yz_err yz_settings_http_get(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp};
    return finish(req, yz_store_read(req->app->store, get_tx, &c));
}

static enum yz_err change_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *p)
{
    json_t *values = json_deep_copy(req->body);
    json_object_del(values, "reason");
    enum yz_err e = yz_settings_change(
        tx, req->app, &req->who, req->channel, values,
        json_string_value(json_object_get(req->body, "reason")), &req->fields, &resp->body);
    json_decref(values);
    return e;
}

enum yz_err yz_settings_http_change(struct yz_req *req, struct yz_resp *resp)
{
    return finish(req, yz_req_write(req, resp, change_tx, NULL));
}
