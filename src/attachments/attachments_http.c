/*
 * The attachments HTTP adapters. An upload arrives here already on disk: the
 * server streamed the "file" part into a temp file while hashing it, and the
 * router checked session, CSRF and idempotency (the key's request hash is over
 * the file's SHA-256 and the form fields). Here: validate the fields, check
 * quota and matter in a read transaction (so that a refusal leaves no file),
 * place the file (type from content, fsync, link, fsync dir), then commit the
 * row and its event. A download reads the row under the policy, opens the
 * content, records the download, and hands the descriptor to the server.
 */
#include "attachments/attachments_http.h"
#include "attachments/attachments.h"
#include "catalog/catalog.h"
#include "core/num.h"
#include "http/validate.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const struct yz_field_spec yz_attachments_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "附件编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_attachments_matter_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    {"before", YZ_V_ID, false, 0, 0, NULL, "翻页位置"},
    {"limit", YZ_V_INT, false, 1, 1000, NULL, "每页条数"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_attachments_upload_fields[] = {
    {"matter_id", YZ_V_ID, false, 0, 0, NULL, "所属事项"},
    {"kind", YZ_V_TEXT, false, 1, 23, NULL, "材料类型"}, /* a checklist code: "G1", "103.3-1" */
    {"title", YZ_V_TEXT, false, 1, 100, NULL, "材料名称"},
    YZ_FIELDS_END,
};

static int64_t query_int(struct yz_req *req, const char *name, int64_t def)
{
    int64_t v;
    const char *s = yz_req_query(req, name);
    return s && yz_parse_i64(s, INT64_MIN, INT64_MAX, &v) ? v : def;
}

/* The form fields against yz_attachments_upload_fields; every problem into req->fields. */
static void validate_fields(struct yz_req *req, const struct yz_upload *u)
{
    for (const struct yz_field_spec *s = yz_attachments_upload_fields; s->name; s++) {
        size_t len = 0;
        const char *v = yz_upload_text(u, s->name, &len);
        int before = req->fields.count + req->fields.dropped;
        if (v && strlen(v) != len)
            yz_field_errors_add(&req->fields, s->name, "invalid_utf8", "%s包含无效字符", s->title);
        else
            yz_validate_string(s, v, s->name, &req->fields);
        /* The material is named by its code in the published checklist (catalog.h). */
        if (v && strcmp(s->name, "kind") == 0 && req->fields.count + req->fields.dropped == before &&
            !yz_catalog_material(req->app->catalog, v))
            yz_field_errors_add(&req->fields, "kind", "unknown_material", "材料类型不在立案材料清单中");
    }
    for (int i = 0; i < yz_upload_text_count(u); i++) {
        const char *name = yz_upload_text_name(u, i);
        const struct yz_field_spec *s = yz_attachments_upload_fields;
        while (s->name && strcmp(s->name, name) != 0)
            s++;
        if (!s->name) {
            char path[96];
            snprintf(path, sizeof path, "%.90s", name);
            yz_field_errors_add(&req->fields, path, "unknown_field", "不支持的字段");
        }
    }
    if (!yz_upload_has_file(u))
        yz_field_errors_add(&req->fields, "file", "required", "请选择要上传的文件");
    else if (yz_upload_size(u) == 0)
        yz_field_errors_add(&req->fields, "file", "empty", "上传的文件是空的");
}

struct upload_ctx {
    struct yz_attachment a;
};

static enum yz_err precheck_tx(struct yz_tx *tx, void *p)
{
    struct yz_req *req = p;
    const char *m = yz_upload_text(req->upload, "matter_id", NULL);
    int64_t matter_id = 0;
    if (m && !yz_parse_i64(m, 1, INT64_MAX, &matter_id))
        return YZ_ERR_INTERNAL; /* validated already */
    return yz_attachments_precheck(tx, req->app, &req->who, matter_id,
                                   (int64_t)yz_upload_size(req->upload), req->route->name);
}

static enum yz_err insert_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *p)
{
    struct upload_ctx *c = p;
    enum yz_err e =
        yz_attachments_insert(tx, req->app, &req->who, &c->a, req->channel, req->route->name);
    if (e != YZ_OK)
        return e;
    resp->body = yz_attachments_json(&c->a);
    snprintf(resp->location, sizeof resp->location, "/api/v1/attachments/%lld",
             (long long)c->a.id);
    return YZ_OK;
}

enum yz_err yz_attachments_http_upload(struct yz_req *req, struct yz_resp *resp)
{
    struct yz_upload *u = req->upload;
    if (!u)
        YZ_BUG("upload route without an upload");
    validate_fields(req, u);
    if (req->fields.count)
        return YZ_ERR_VALIDATION;
    enum yz_err e = yz_store_read(req->app->store, precheck_tx, req);
    if (e != YZ_OK)
        return e;

    struct upload_ctx c;
    memset(&c, 0, sizeof c);
    e = yz_upload_place(u, c.a.mime, sizeof c.a.mime, &req->detail);
    if (e != YZ_OK)
        return e;
    yz_strlcpy(c.a.sha256, yz_upload_sha256(u), sizeof c.a.sha256);
    c.a.size = (int64_t)yz_upload_size(u);
    yz_attachments_display_name(yz_upload_filename(u), c.a.mime, c.a.name);
    const char *v;
    if ((v = yz_upload_text(u, "kind", NULL)))
        yz_strlcpy(c.a.kind, v, sizeof c.a.kind);
    if ((v = yz_upload_text(u, "title", NULL)))
        yz_strlcpy(c.a.title, v, sizeof c.a.title);
    if ((v = yz_upload_text(u, "matter_id", NULL)) &&
        !yz_parse_i64(v, 1, INT64_MAX, &c.a.matter_id))
        return YZ_ERR_INTERNAL;
    return yz_req_write(req, resp, insert_tx, &c);
}

struct read_ctx {
    struct yz_req *req;
    int64_t id;
    struct yz_attachment a;
    bool unparked_denial;
    json_t *out;
};

static enum yz_err get_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_attachments_get(tx, c->req->app, &c->req->who, c->id, c->req->route->name, &c->a,
                              &c->unparked_denial);
}

/* The row under the policy; a denial the policy did not park is recorded here,
 * after the transaction. */
static enum yz_err read_row(struct yz_req *req, struct read_ctx *c)
{
    c->req = req;
    c->id = yz_req_param_id(req, "id");
    enum yz_err e = yz_store_read(req->app->store, get_tx, c);
    if (e == YZ_ERR_NOT_FOUND && c->unparked_denial)
        yz_policy_record_denial(req->app, &req->who, req->route->name, "read", c->id);
    return e;
}

static enum yz_err download_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_attachments_record_download(tx, c->req->app, &c->req->who, &c->a, c->req->channel);
}

/* The stored type as a static string (the response outlives the row). */
static const char *static_mime(const char *mime)
{
    static const char *const known[] = {"application/pdf", "image/jpeg", "image/png"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i], mime) == 0)
            return known[i];
    return "application/octet-stream";
}

enum yz_err yz_attachments_http_download(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c;
    memset(&c, 0, sizeof c);
    enum yz_err e = read_row(req, &c);
    if (e != YZ_OK)
        return e;
    int fd = -1;
    if ((e = yz_attachments_open(req->app->cfg.storage.dir, &c.a, &fd)) != YZ_OK)
        return e;
    /* Access to the content is audited before a byte leaves (ASVS 8.3.5):
     * no record, no download. */
    if ((e = yz_store_write(req->app->store, download_tx, &c)) != YZ_OK) {
        close(fd);
        return e;
    }
    if (!yz_attachments_disposition(c.a.name, resp->disposition, sizeof resp->disposition))
        yz_attachments_disposition("附件", resp->disposition, sizeof resp->disposition);
    resp->file = true;
    resp->file_fd = fd;
    resp->file_size = (uint64_t)c.a.size;
    resp->content_type = static_mime(c.a.mime);
    return YZ_OK;
}

enum yz_err yz_attachments_http_meta(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c;
    memset(&c, 0, sizeof c);
    enum yz_err e = read_row(req, &c);
    if (e == YZ_OK)
        resp->body = yz_attachments_json(&c.a);
    return e;
}

static enum yz_err list_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    struct yz_req *req = c->req;
    return yz_attachments_list(tx, req->app, &req->who, c->id, query_int(req, "before", 0),
                               (int)query_int(req, "limit", 0), req->route->name, &c->out);
}

enum yz_err yz_attachments_http_list(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c;
    memset(&c, 0, sizeof c);
    c.req = req;
    c.id = yz_req_param_id(req, "id");
    enum yz_err e = yz_store_read(req->app->store, list_tx, &c);
    if (e == YZ_OK)
        resp->body = c.out;
    return e;
}
