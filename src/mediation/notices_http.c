/*
 * Thin adapter: reads the matter through yz_matter_get (the policy decides
 * and a denial looks like a missing matter), then builds the notice from
 * what the caller may see, all inside one read snapshot.
 */
#include "mediation/notices_http.h"
#include "matters/matters.h"
#include "mediation/notices.h"
#include "store/store.h"

const struct yz_field_spec yz_notices_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    {"kind", YZ_V_ENUM, true, 0, 0, yz_notice_kind_names, "告知书类别"},
    YZ_FIELDS_END,
};

struct notice_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
    int64_t id;
    enum yz_notice_kind kind;
};

static enum yz_err notice_tx(struct yz_tx *tx, void *p)
{
    struct notice_ctx *c = p;
    json_t *matter = NULL;
    enum yz_err e = yz_matter_get(tx, c->req->app, &c->req->who, c->id, c->req->route->name,
                                  &matter);
    if (e == YZ_OK)
        e = yz_notice_build(c->req->app, matter, c->kind, &c->resp->body, &c->req->detail);
    json_decref(matter);
    return e;
}

enum yz_err yz_notices_http_get(struct yz_req *req, struct yz_resp *resp)
{
    struct notice_ctx c = {req, resp, yz_req_param_id(req, "id"), YZ_NOTICE_NONE};
    if (!yz_notice_kind_parse(yz_req_param(req, "kind"), &c.kind))
        return YZ_ERR_BAD_REQUEST; /* the router validated it: only a table mismatch gets here */
    return yz_store_read(req->app->store, notice_tx, &c);
}
