/*
 * Thin adapters: the router has validated types and lengths; the e-mail
 * address's own syntax is checked here so that a bad one is reported on its
 * field, and the contract runs in a durable write or a read transaction.
 */
#include "notify/notify_http.h"
#include "core/num.h"
#include "notify/notify.h"
#include "store/store.h"

#include <string.h>

#include "core/banned.h"

static const char *const statuses[] = {"pending", "sent", "failed", NULL};

const struct yz_field_spec yz_notify_email_body[] = {
    {"email", YZ_V_TEXT, true, 1, YZ_NOTIFY_EMAIL_MAX, NULL, "通知邮箱"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_notify_outbox_params[] = {
    {"status", YZ_V_ENUM, false, 0, 0, statuses, "发送状态"},
    {"before", YZ_V_ID, false, 0, 0, NULL, "翻页位置"},
    {"limit", YZ_V_INT, false, 1, 1000, NULL, "每页条数"},
    YZ_FIELDS_END,
};

struct email_ctx {
    char address[YZ_NOTIFY_EMAIL_SIZE];
};

static enum yz_err email_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *p)
{
    struct email_ctx *c = p;
    return yz_notify_set_email(tx, req->app, &req->who, c->address, req->channel, &resp->body);
}

enum yz_err yz_notify_http_set_email(struct yz_req *req, struct yz_resp *resp)
{
    struct email_ctx c;
    const char *email = json_string_value(json_object_get(req->body, "email"));
    const char *problem = yz_notify_email_normalise(email, email ? strlen(email) : 0, c.address);
    if (problem) {
        yz_field_errors_add(&req->fields, "email", problem, "%s",
                            yz_notify_email_problem_message(problem));
        return YZ_ERR_VALIDATION;
    }
    return yz_req_write(req, resp, email_tx, &c);
}

struct list_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
};

static int64_t query_int(struct yz_req *req, const char *name)
{
    int64_t v;
    const char *s = yz_req_query(req, name);
    return s && yz_parse_i64(s, 0, INT64_MAX, &v) ? v : 0;
}

static enum yz_err list_tx(struct yz_tx *tx, void *p)
{
    struct list_ctx *c = p;
    return yz_notify_outbox_list(tx, c->req->app, &c->req->who, yz_req_query(c->req, "status"),
                                 query_int(c->req, "before"), (int)query_int(c->req, "limit"),
                                 &c->resp->body);
}

enum yz_err yz_notify_http_outbox(struct yz_req *req, struct yz_resp *resp)
{
    struct list_ctx c = {req, resp};
    return yz_store_read(req->app->store, list_tx, &c);
}
