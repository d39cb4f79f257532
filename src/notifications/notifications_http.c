/*
 * Thin adapters: the router has validated the parameters against the specs
 * below, so the handlers only convert them and run the contract in a read or
 * a durable write transaction.
 */
#include "notifications/notifications_http.h"
#include "core/num.h"
#include "notifications/notifications.h"
#include "policy/policy.h"
#include "store/store.h"

#include <string.h>

#include "core/banned.h"

const struct yz_field_spec yz_notifications_list_params[] = {
    {"unread", YZ_V_BOOL, false, 0, 0, NULL, "仅未读"},
    {"before", YZ_V_ID, false, 0, 0, NULL, "翻页位置"},
    {"limit", YZ_V_INT, false, 1, 1000, NULL, "每页条数"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_notifications_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "通知编号"},
    YZ_FIELDS_END,
};

/* A validated integer query argument, or def when absent. */
static int64_t query_int(struct yz_req *req, const char *name, int64_t def)
{
    int64_t v;
    const char *s = yz_req_query(req, name);
    return s && yz_parse_i64(s, INT64_MIN, INT64_MAX, &v) ? v : def;
}

struct list_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
};

static enum yz_err list_tx(struct yz_tx *tx, void *p)
{
    struct list_ctx *c = p;
    struct yz_req *req = c->req;
    const char *unread = yz_req_query(req, "unread");
    return yz_notifications_list(tx, req->app, &req->who, unread && strcmp(unread, "true") == 0,
                                 query_int(req, "before", 0), (int)query_int(req, "limit", 0),
                                 &c->resp->body);
}

enum yz_err yz_notifications_http_list(struct yz_req *req, struct yz_resp *resp)
{
    struct list_ctx c = {req, resp};
    return yz_store_read(req->app->store, list_tx, &c);
}

struct read_ctx {
    int64_t id;
    bool denied;
};

static enum yz_err read_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *p)
{
    struct read_ctx *c = p;
    return yz_notifications_mark_read(tx, req->app, &req->who, c->id, req->channel, &resp->body,
                                      &c->denied);
}

enum yz_err yz_notifications_http_read(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {yz_req_param_id(req, "id"), false};
    enum yz_err e = yz_req_write(req, resp, read_tx, &c);
    /* After the transaction: a record written inside it would share its fate. */
    if (e == YZ_ERR_NOT_FOUND && c.denied)
        yz_policy_record_denial(req->app, &req->who, req->route->name, "act", c.id);
    return e;
}
