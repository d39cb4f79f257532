#include "matters/matters_http.h"
#include "audit/events.h"
#include "core/num.h"
#include "matters/documents.h"
#include "matters/matters.h"
#include "policy/policy.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

const struct yz_field_spec yz_matters_create_body[] = {
    {"kind", YZ_V_NAME, true, 0, 0, NULL, "事项类型"},
    {"court_id", YZ_V_ID, true, 0, 0, NULL, "法院"},
    {"title", YZ_V_TEXT, true, 1, 200, NULL, "标题"},
    {"fields", YZ_V_OBJECT, true, 0, 64, NULL, "事项内容"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_matters_fire_body[] = {
    {"event", YZ_V_NAME, true, 0, 0, NULL, "操作"},
    {"fields", YZ_V_OBJECT, false, 0, 64, NULL, "操作内容"},
    {"version", YZ_V_INT, false, 1, INT64_MAX, NULL, "版本号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_matters_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_matters_list_params[] = {
    {"kind", YZ_V_NAME, false, 0, 0, NULL, "事项类型"},
    {"state", YZ_V_NAME, false, 0, 0, NULL, "状态"},
    {"before", YZ_V_ID, false, 0, 0, NULL, "翻页位置"},
    {"limit", YZ_V_INT, false, 1, 1000, NULL, "每页条数"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_matters_history_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    {"after", YZ_V_INT, false, 0, INT64_MAX, NULL, "起始序号"},
    {"limit", YZ_V_INT, false, 1, 1000, NULL, "每页条数"},
    YZ_FIELDS_END,
};

static int64_t query_int(struct yz_req *req, const char *name, int64_t def)
{
    int64_t v;
    const char *s = yz_req_query(req, name);
    return s && yz_parse_i64(s, INT64_MIN, INT64_MAX, &v) ? v : def;
}

struct create_ctx {
    struct yz_matter_new m;
    int64_t id;
};

/* A write answers with the matter as it now stands, written as text (view.c):
 * inside the writer's transaction, so every instruction saved here is saved
 * for the whole group. */
static enum yz_err reply_matter(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                int64_t id)
{
    struct yz_buf text = YZ_BUF_INIT(YZ_RESP_TEXT_MAX);
    return yz_resp_json_text(
        resp, &text, yz_matter_get_text(tx, req->app, &req->who, id, req->route->name, &text));
}

static enum yz_err create_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *p)
{
    struct create_ctx *c = p;
    enum yz_err e = yz_matter_create(tx, req->app, &req->who, &c->m, &req->fields, &c->id);
    if (e == YZ_OK)
        e = reply_matter(tx, req, resp, c->id);
    if (e == YZ_OK)
        snprintf(resp->location, sizeof resp->location, "/api/v1/matters/%lld", (long long)c->id);
    return e;
}

enum yz_err yz_matters_http_create(struct yz_req *req, struct yz_resp *resp)
{
    struct create_ctx c = {
        .m = {
            .kind = json_string_value(json_object_get(req->body, "kind")),
            .court_id = json_integer_value(json_object_get(req->body, "court_id")),
            .title = json_string_value(json_object_get(req->body, "title")),
            .fields = json_object_get(req->body, "fields"),
            .channel = req->channel,
        },
    };
    return yz_req_write(req, resp, create_tx, &c);
}

struct fire_ctx {
    int64_t id;
};

static enum yz_err fire_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *p)
{
    struct fire_ctx *c = p;
    json_t *fields = json_object_get(req->body, "fields");
    json_t *empty = NULL;
    if (!fields)
        fields = empty = json_object();
    enum yz_err e = yz_matter_fire(tx, req->app, &req->who, c->id,
                                   json_string_value(json_object_get(req->body, "event")), fields,
                                   json_integer_value(json_object_get(req->body, "version")),
                                   req->channel, req->route->name, &req->fields);
    json_decref(empty);
    if (e != YZ_OK)
        return e;
    e = reply_matter(tx, req, resp, c->id);
    if (e == YZ_ERR_NOT_FOUND) {
        /* The event itself ended the actor's access (a mediator declining):
         * the event stands; the answer says only that it was recorded. */
        yz_policy_forget_denial();
        resp->body = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)c->id, "event",
                               json_string_value(json_object_get(req->body, "event")), "visible", 0);
        e = YZ_OK;
    }
    return e;
}

enum yz_err yz_matters_http_fire(struct yz_req *req, struct yz_resp *resp)
{
    struct fire_ctx c = {yz_req_param_id(req, "id")};
    return yz_req_write(req, resp, fire_tx, &c);
}

struct read_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
    int64_t id;
};

/* The two hot reads answer with JSON text written without a tree (view.c). */
struct text_ctx {
    struct yz_req *req;
    int64_t id;
    struct yz_buf text;
};

static enum yz_err get_tx(struct yz_tx *tx, void *p)
{
    struct text_ctx *c = p;
    yz_buf_reset(&c->text); /* a retried read starts over */
    return yz_matter_get_text(tx, c->req->app, &c->req->who, c->id, c->req->route->name,
                              &c->text);
}

enum yz_err yz_matters_http_get(struct yz_req *req, struct yz_resp *resp)
{
    struct text_ctx c = {req, yz_req_param_id(req, "id"), YZ_BUF_INIT(YZ_RESP_TEXT_MAX)};
    return yz_resp_json_text(resp, &c.text, yz_store_read(req->app->store, get_tx, &c));
}

static enum yz_err list_tx(struct yz_tx *tx, void *p)
{
    struct text_ctx *c = p;
    struct yz_req *req = c->req;
    yz_buf_reset(&c->text); /* a retried read starts over */
    return yz_matter_list(tx, req->app, &req->who, yz_req_query(req, "kind"),
                          yz_req_query(req, "state"), query_int(req, "before", 0),
                          (int)query_int(req, "limit", 0), &c->text);
}

enum yz_err yz_matters_http_list(struct yz_req *req, struct yz_resp *resp)
{
    struct text_ctx c = {req, 0, YZ_BUF_INIT(YZ_RESP_TEXT_MAX)};
    return yz_resp_json_text(resp, &c.text, yz_store_read(req->app->store, list_tx, &c));
}

static enum yz_err history_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    /* Reading the history is reading the matter: same policy, same 404. */
    enum yz_err e =
        yz_matter_check_read(tx, c->req->app, &c->req->who, c->id, c->req->route->name);
    if (e != YZ_OK)
        return e;
    char stream[32];
    yz_matter_stream(c->id, stream, sizeof stream);
    json_t *items = NULL;
    int limit = (int)query_int(c->req, "limit", yz_tx_max_rows(tx));
    if (limit > yz_tx_max_rows(tx))
        limit = yz_tx_max_rows(tx);
    e = yz_events_list(tx, stream, query_int(c->req, "after", 0), limit, &items);
    if (e == YZ_OK) {
        /* The history shows what happened, never sealed personal data. */
        c->resp->body = json_pack("{s:o}", "items", yz_document_redact(items));
        json_decref(items);
    }
    return e;
}

enum yz_err yz_matters_http_history(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, resp, yz_req_param_id(req, "id")};
    return yz_store_read(req->app->store, history_tx, &c);
}

enum yz_err yz_matters_http_workflows(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_workflows *ws = req->app->workflows;
    json_t *items = json_array();
    for (size_t i = 0; i < yz_workflows_count(ws); i++) {
        const struct yz_workflow *wf = yz_workflows_at(ws, i);
        json_t *states = json_array(), *events = json_array();
        for (size_t k = 0; k < yz_workflow_state_count(wf); k++) {
            const struct yz_wf_state *s = yz_workflow_state_at(wf, k);
            json_array_append_new(states, json_pack("{s:s, s:s, s:b}", "name", s->name, "title",
                                                    s->title, "final", s->final));
        }
        for (size_t k = 0; k < yz_workflow_event_count(wf); k++) {
            const struct yz_wf_event *ev = yz_workflow_event_at(wf, k);
            json_t *roles = json_array(), *fields = json_array();
            for (size_t r = 0; r < yz_wf_event_role_count(ev); r++)
                json_array_append_new(roles, json_string(yz_wf_event_role_at(ev, r)));
            for (size_t f = 0; f < yz_wf_event_field_count(ev); f++) {
                const struct yz_wf_field *fd = yz_wf_event_field_at(ev, f);
                json_t *fo = json_pack("{s:s, s:s, s:s, s:b}", "name", fd->name, "title",
                                       fd->title, "type", yz_wf_type_name(fd->type), "required",
                                       fd->required);
                if (fd->nvalues) {
                    json_t *vals = json_array();
                    for (size_t v = 0; v < fd->nvalues; v++)
                        json_array_append_new(vals, json_pack("{s:s, s:s}", "value", fd->values[v],
                                                              "title", fd->value_titles[v]));
                    json_object_set_new(fo, "values", vals);
                }
                if (fd->multiline) /* the form offers a text area */
                    json_object_set_new(fo, "multiline", json_true());
                if (fd->min)
                    json_object_set_new(fo, "min", json_integer(fd->min));
                if (fd->max)
                    json_object_set_new(fo, "max", json_integer(fd->max));
                json_array_append_new(fields, fo);
            }
            json_array_append_new(events,
                                  json_pack("{s:s, s:s, s:s?, s:b, s:b, s:b, s:o, s:o}", "name",
                                            yz_wf_event_name(ev), "title", yz_wf_event_title(ev),
                                            "to", yz_wf_event_to(ev), "stays",
                                            yz_wf_event_stays(ev), "creates",
                                            yz_wf_event_creates(ev), "once_per_actor",
                                            yz_wf_event_once_per_actor(ev), "roles", roles,
                                            "fields", fields));
        }
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:o, s:o}", "kind",
                                               yz_workflow_kind(wf), "title", yz_workflow_title(wf),
                                               "initial", yz_workflow_initial(wf), "states",
                                               states, "events", events));
    }
    resp->body = json_pack("{s:o}", "items", items);
    return YZ_OK;
}
