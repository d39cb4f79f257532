/*
 * Thin adapter: one read snapshot builds the case view (templates.h) from the
 * registered case as the policy lets the caller see it; filling and
 * typesetting happen after the snapshot is released.
 */
#include "templates/templates_http.h"
#include "app/app.h"
#include "matters/matters.h"
#include "core/clock.h"
#include "policy/policy.h"
#include "store/store.h"
#include "templates/pdf.h"
#include "templates/templates.h"

#include <stdio.h>
#include <string.h>

static const char *const formats[] = {"text", "pdf", NULL};

const struct yz_field_spec yz_templates_matter_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "案件编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_templates_render_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "案件编号"},
    {"template", YZ_V_NAME, true, 0, 0, NULL, "文书模板"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_templates_render_body[] = {
    {"format", YZ_V_ENUM, false, 0, 0, formats, "文书格式"},
    {"inputs", YZ_V_OBJECT, false, 0, 0, NULL, "文书填写项"},
    YZ_FIELDS_END,
};

static struct yz_sql_def q_case = YZ_SQL(
    "SELECT m.court_id, m.data, c.case_number, c.registered_at, coalesce(c.type_code, ''),"
    " coalesce(c.cause_code, '') FROM matters m LEFT JOIN cases c ON c.matter_id = m.id"
    " WHERE m.id = ?");

/* The states the case went through, newest first (a case has a few dozen events). */
static struct yz_sql_def q_states = YZ_SQL(
    "SELECT json_extract(payload, '$.to') FROM events WHERE stream = ?"
    " AND json_extract(payload, '$.to') IS NOT NULL ORDER BY stream_seq DESC LIMIT 500");

struct view_ctx {
    struct yz_req *req;
    int64_t id;
    json_t *view;
    char type_code[32];
    char cause_code[32];
    char procedure[16]; /* the trial track it is or was in, "" before triage */
};

/* The procedure a case is tried in: its latest track state, also once closed. */
static enum yz_err procedure_of(struct yz_tx *tx, int64_t id, char *out, size_t size)
{
    char stream[32];
    yz_matter_stream(id, stream, sizeof stream);
    out[0] = '\0';
    struct yz_stmt *st = yz_sql(tx, &q_states);
    yz_bind_text(st, 1, stream);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        const char *state = yz_col_text(st, 0);
        if (yz_template_procedure_known(state)) {
            yz_strlcpy(out, state, size);
            return yz_exec(st);
        }
    }
    return e;
}

static enum yz_err view_tx(struct yz_tx *tx, void *p)
{
    struct view_ctx *c = p;
    struct yz_stmt *st = yz_sql(tx, &q_case);
    yz_bind_i64(st, 1, c->id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    struct yz_matter_ref ref = {c->id, yz_col_i64(st, 0), false};
    if ((e = yz_policy_matter(c->req->app, &c->req->who, YZ_ACT_READ, &ref,
                              c->req->route->name)) != YZ_OK)
        return e;
    if (yz_col_null(st, 2)) {
        yz_buf_adds(&c->req->detail, "案件尚未登记立案，不能制作文书");
        return YZ_ERR_INVALID_TRANSITION;
    }
    json_t *data = json_loads(yz_col_text(st, 1), 0, NULL);
    const struct yz_court *court = yz_courts_find(&c->req->app->courts, ref.court_id);
    char registered[16], today[16];
    yz_date_format(yz_date_of_shanghai(yz_col_i64(st, 3)), registered, sizeof registered);
    yz_today_text(today, sizeof today);
    c->view = json_pack("{s:s, s:s, s:s, s:s, s:O}", "court", court ? court->name : "",
                        "case_number", yz_col_text(st, 2), "registered_on", registered, "today",
                        today, "application", json_object_get(data, "application"));
    json_decref(data);
    yz_strlcpy(c->type_code, yz_col_text(st, 4), sizeof c->type_code);
    yz_strlcpy(c->cause_code, yz_col_text(st, 5), sizeof c->cause_code);
    if (!c->view || !json_is_object(json_object_get(c->view, "application"))) {
        json_decref(c->view);
        c->view = NULL;
        return YZ_ERR_INTERNAL;
    }
    if ((e = yz_exec(st)) != YZ_OK || (e = procedure_of(tx, c->id, c->procedure,
                                                        sizeof c->procedure)) != YZ_OK) {
        json_decref(c->view);
        c->view = NULL;
    }
    return e;
}

static enum yz_err load_view(struct yz_req *req, struct view_ctx *c)
{
    memset(c, 0, sizeof *c);
    c->req = req;
    c->id = yz_req_param_id(req, "id");
    return yz_store_read(req->app->store, view_tx, c);
}

enum yz_err yz_templates_http_list(struct yz_req *req, struct yz_resp *resp)
{
    struct view_ctx c;
    enum yz_err e = load_view(req, &c);
    if (e != YZ_OK)
        return e;
    json_t *list = json_array();
    const struct yz_templates *set = req->app->templates;
    for (size_t i = 0; set && i < set->n; i++)
        if (yz_template_applies(&set->items[i], req->app->catalog, c.type_code, c.cause_code,
                                c.procedure))
            json_array_append_new(list, yz_template_json(&set->items[i]));
    resp->body = json_pack("{s:I, s:O, s:o, s:o}", "case_id", (json_int_t)c.id, "case_number",
                           json_object_get(c.view, "case_number"), "procedure",
                           c.procedure[0] ? json_string(c.procedure) : json_null(), "templates",
                           list);
    json_decref(c.view);
    return YZ_OK;
}

enum yz_err yz_templates_http_render(struct yz_req *req, struct yz_resp *resp)
{
    struct view_ctx c;
    enum yz_err e = load_view(req, &c);
    if (e != YZ_OK)
        return e;
    const char *id = yz_req_param(req, "template");
    const struct yz_template *t = yz_templates_find(req->app->templates, id);
    /* A template of another case class is as unknown here as a missing one. */
    if (!t || !yz_template_applies(t, req->app->catalog, c.type_code, c.cause_code,
                                  c.procedure)) {
        json_decref(c.view);
        yz_buf_adds(&req->detail, "没有适用于该案件的此文书模板");
        return YZ_ERR_NOT_FOUND;
    }
    const char *format = json_string_value(json_object_get(req->body, "format"));
    bool pdf = format && strcmp(format, "pdf") == 0;
    struct yz_doc doc;
    e = yz_template_fill(t, c.view, json_object_get(req->body, "inputs"), &doc, &req->fields);
    json_decref(c.view);
    if (e != YZ_OK)
        return e;
    struct yz_buf out = YZ_BUF_INIT(pdf ? YZ_PDF_MAX_BYTES : YZ_TPL_MAX_DOC * 2);
    if (pdf) {
        e = yz_pdf_render(&doc, &out, NULL, &req->detail);
        resp->content_type = "application/pdf";
        snprintf(resp->disposition, sizeof resp->disposition,
                 "inline; filename=\"%s-%lld.pdf\"", t->id, (long long)c.id);
    } else {
        yz_doc_text(&doc, &out);
        resp->content_type = "text/plain; charset=utf-8";
    }
    yz_doc_release(&doc);
    if (e != YZ_OK) {
        yz_buf_release(&out);
        return e;
    }
    resp->raw = yz_buf_detach(&out, &resp->raw_len);
    return YZ_OK;
}
