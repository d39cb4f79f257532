#include "courts/courts_http.h"

const struct yz_field_spec yz_courts_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "法院编号"},
    YZ_FIELDS_END,
};

enum yz_err yz_courts_http_list(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_courts *c = &req->app->courts;
    json_t *items = json_array();
    for (size_t i = 0; i < c->count; i++)
        json_array_append_new(items, yz_court_json(&c->items[i]));
    resp->body = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)c->count);
    return YZ_OK;
}

enum yz_err yz_courts_http_get(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_court *c = yz_courts_find(&req->app->courts, yz_req_param_id(req, "id"));
    if (!c)
        return YZ_ERR_NOT_FOUND;
    resp->body = yz_court_json(c);
    return YZ_OK;
}
