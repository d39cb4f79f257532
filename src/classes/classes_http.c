/*
 * Thin adapter of class cases: reads run in one snapshot, changes in one
 * write transaction (yz_req_write, which also keeps the idempotent answer of
 * the creating POST).
 */
#include "classes/classes_http.h"
#include "classes/classes.h"
#include "store/store.h"

const struct yz_field_spec yz_classes_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "类案编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_classes_member_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "类案编号"},
    {"case_id", YZ_V_ID, true, 0, 0, NULL, "案件编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_classes_matter_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "案件编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_classes_create_body[] = {
    {"name", YZ_V_TEXT, true, 1, 60, NULL, "类案名称"},
    {"cause_code", YZ_V_TEXT, true, 1, 15, NULL, "案由"},
    {"criteria", YZ_V_TEXT, true, 2, 500, NULL, "归类标准"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_classes_case_body[] = {
    {"case_id", YZ_V_ID, true, 0, 0, NULL, "案件编号"},
    YZ_FIELDS_END,
};

static const char *str(struct yz_req *req, const char *k)
{
    return json_string_value(json_object_get(req->body, k));
}
static int64_t body_id(struct yz_req *req, const char *k)
{
    return json_integer_value(json_object_get(req->body, k));
}

struct read_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
    int what;
};

static enum yz_err read_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    struct yz_req *req = c->req;
    const char *route = req->route->name;
    switch (c->what) {
    case 0:
        return yz_class_suggest(tx, req->app, &req->who, route, &c->resp->body);
    case 1:
        return yz_class_list(tx, req->app, &req->who, route, &c->resp->body);
    case 2:
        return yz_class_get(tx, req->app, &req->who, yz_req_param_id(req, "id"), route,
                            &c->resp->body);
    default:
        return yz_class_of_case(tx, req->app, &req->who, yz_req_param_id(req, "id"), route,
                                &c->resp->body);
    }
}

static enum yz_err read(struct yz_req *req, struct yz_resp *resp, int what)
{
    struct read_ctx c = {req, resp, what};
    return yz_store_read(req->app->store, read_tx, &c);
}

enum yz_err yz_classes_http_suggest(struct yz_req *req, struct yz_resp *resp)
{
    return read(req, resp, 0);
}
enum yz_err yz_classes_http_list(struct yz_req *req, struct yz_resp *resp)
{
    return read(req, resp, 1);
}
enum yz_err yz_classes_http_get(struct yz_req *req, struct yz_resp *resp)
{
    return read(req, resp, 2);
}
enum yz_err yz_classes_http_of_case(struct yz_req *req, struct yz_resp *resp)
{
    return read(req, resp, 3);
}

static enum yz_err create_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    return yz_class_create(tx, req->app, &req->who, str(req, "name"), str(req, "cause_code"),
                           str(req, "criteria"), req->channel, req->route->name, &req->fields,
                           &resp->body);
}
enum yz_err yz_classes_http_create(struct yz_req *req, struct yz_resp *resp)
{
    return yz_req_write(req, resp, create_tx, NULL);
}

static enum yz_err add_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    return yz_class_add_case(tx, req->app, &req->who, yz_req_param_id(req, "id"),
                             body_id(req, "case_id"), req->channel, req->route->name,
                             &req->fields, &resp->body);
}
enum yz_err yz_classes_http_add_case(struct yz_req *req, struct yz_resp *resp)
{
    return yz_req_write(req, resp, add_tx, NULL);
}

static enum yz_err remove_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    return yz_class_remove_case(tx, req->app, &req->who, yz_req_param_id(req, "id"),
                                yz_req_param_id(req, "case_id"), req->channel, req->route->name,
                                &resp->body);
}
enum yz_err yz_classes_http_remove_case(struct yz_req *req, struct yz_resp *resp)
{
    return yz_req_write(req, resp, remove_tx, NULL);
}

static enum yz_err demo_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    return yz_class_set_demonstration(tx, req->app, &req->who, yz_req_param_id(req, "id"),
                                      body_id(req, "case_id"), req->channel, req->route->name,
                                      &req->fields, &resp->body);
}
enum yz_err yz_classes_http_demonstration(struct yz_req *req, struct yz_resp *resp)
{
    return yz_req_write(req, resp, demo_tx, NULL);
}
