/*
 * HTTP adapters of the element-style complaint forms (forms.h).
 *
 * Rendering is a POST because the answers are a JSON document, but it is a
 * pure computation: nothing is stored, so it needs no Idempotency-Key, and it
 * is public so that a party can draft before signing in. The party block
 * travels inside "answers" as "answers.parties" (the form's first block, in
 * the filing application's shape): the route table's body schema has no
 * array type, and the parties are part of what the form asks anyway.
 */
#include "forms/forms_http.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "courts/courts.h"
#include "forms/forms.h"

#include <string.h>

static const char *const revisions[] = {"2020", "2025", NULL};
static const char *const documents[] = {"complaint", "answer", NULL};

const struct yz_field_spec yz_forms_list_params[] = {
    {"cause", YZ_V_TEXT, false, 1, YZ_CATALOG_MAX_CODE_BYTES, NULL, "案由代码"},
    {"revision", YZ_V_ENUM, false, 0, 0, revisions, "案由版本"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_forms_id_params[] = {
    {"id", YZ_V_TEXT, true, 1, YZ_CATALOG_MAX_CODE_BYTES, NULL, "表单编号"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_forms_render_body[] = {
    {"answers", YZ_V_OBJECT, true, 0, YZ_FORMS_MAX_ELEMENTS + 1, NULL, "表单内容"},
    {"court_id", YZ_V_ID, true, 0, 0, NULL, "受诉法院"},
    {"date", YZ_V_DATE, false, 0, 0, NULL, "具状日期"},
    {"document", YZ_V_ENUM, false, 0, 0, documents, "文书类型"},
    YZ_FIELDS_END,
};

enum yz_err yz_forms_http_list(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_forms *forms = req->app->forms;
    const char *code = yz_req_query(req, "cause");
    json_t *items = json_array();
    if (code) {
        /* RULE: cause-revision-2026 — the asked revision, else the one in force today. */
        enum yz_cause_rev rev;
        if (!yz_catalog_revision_parse(yz_req_query(req, "revision"), &rev))
            rev = yz_catalog_revision_for(yz_date_of_shanghai(yz_time_now_ms()));
        const struct yz_cause *c = yz_catalog_cause(req->app->catalog, code, rev);
        if (!c) {
            json_decref(items);
            yz_field_errors_add(&req->fields, "query/cause", "not_found", "%s 年版案由中没有该案由",
                                yz_catalog_revision_name(rev));
            return YZ_ERR_VALIDATION;
        }
        const struct yz_form *f = yz_forms_for_cause(forms, c);
        if (f)
            json_array_append_new(items, yz_form_summary_json(f));
    } else {
        for (size_t i = 0; i < yz_forms_count(forms); i++)
            json_array_append_new(items, yz_form_summary_json(yz_forms_at(forms, i)));
    }
    resp->body =
        json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items));
    return YZ_OK;
}

static const struct yz_form *find(struct yz_req *req)
{
    const char *id = yz_req_param(req, "id");
    const struct yz_form *f = yz_forms_get(req->app->forms, id);
    if (!f)
        yz_buf_addf(&req->detail, "没有编号为 %s 的要素式表单", id);
    return f;
}

enum yz_err yz_forms_http_get(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_form *f = find(req);
    if (!f)
        return YZ_ERR_NOT_FOUND;
    resp->body = yz_form_json(f);
    return YZ_OK;
}

enum yz_err yz_forms_http_render(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_form *f = find(req);
    if (!f)
        return YZ_ERR_NOT_FOUND;
    enum yz_form_doc doc = YZ_FORM_COMPLAINT;
    const json_t *jdoc = json_object_get(req->body, "document");
    if (jdoc)
        yz_form_doc_parse(json_string_value(jdoc), &doc); /* validated against the enum */
    struct yz_date date = yz_date_of_shanghai(yz_time_now_ms());
    const json_t *jdate = json_object_get(req->body, "date");
    if (jdate && !yz_date_parse(json_string_value(jdate), &date))
        date = yz_date_of_shanghai(yz_time_now_ms()); /* validated already; never reached */
    int64_t court_id = json_integer_value(json_object_get(req->body, "court_id"));
    const struct yz_court *court = yz_courts_find(&req->app->courts, court_id);
    /* Every problem at once: an unknown court and the answers' problems together. */
    if (!court)
        yz_field_errors_add(&req->fields, "court_id", "not_found", "受诉法院不存在");

    struct yz_form_rendering out;
    enum yz_err e = yz_forms_render(f, doc, json_object_get(req->body, "answers"),
                                    court ? court->name : NULL, date, &out, &req->fields);
    if (e != YZ_OK)
        return e;
    if (!court) {
        yz_form_rendering_release(&out);
        return YZ_ERR_VALIDATION;
    }
    resp->body = json_pack("{s:s, s:s, s:s}", "form", f->id, "document", yz_form_doc_name(doc),
                           "text", out.text.data);
    if (doc == YZ_FORM_COMPLAINT) {
        json_object_set_new(resp->body, "claims", json_string(out.claims.data));
        json_object_set_new(resp->body, "facts", json_string(out.facts.data));
        json_object_set_new(resp->body, "amount_fen",
                            out.has_amount ? json_integer(out.amount_fen) : json_null());
    }
    yz_form_rendering_release(&out);
    return YZ_OK;
}
