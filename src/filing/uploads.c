/*
 * The files an application names (attachments, evidence, powers of attorney)
 * are uploads of the person submitting it: effect "attach_uploads" binds them
 * to the matter, so that exactly the matter's readers can download them. An
 * upload the actor already used in another matter (the power of attorney of a
 * bulk batch, the same ID card in two filings) gets a row of its own for this
 * matter (the stored file is shared: content-addressed), and the projection
 * points at it. An id that is not the actor's own upload is a validation
 * error: nobody can pull someone else's file into their filing.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "store/store.h"

#include <stdio.h>

static struct yz_sql_def q_bind = YZ_SQL(
    "UPDATE attachments SET matter_id = ? WHERE id = ? AND uploader_id = ?"
    " AND (matter_id IS NULL OR matter_id = ?)");
static struct yz_sql_def q_copy = YZ_SQL(
    "INSERT INTO attachments(sha256, size, mime, name, kind, title, uploader_id, matter_id,"
    " channel, created_at) SELECT sha256, size, mime, name, kind, title, uploader_id, ?, channel,"
    " created_at FROM attachments WHERE id = ? AND uploader_id = ? RETURNING id");

/* Binds the upload named by in[key] and writes the id used into out[key]. */
static enum yz_err bind_one(struct yz_effect_ctx *c, const json_t *in, json_t *out,
                            const char *key, const char *path)
{
    const json_t *id = json_object_get(in, key);
    if (!json_is_integer(id))
        return YZ_OK;
    struct yz_stmt *st = yz_sql(c->tx, &q_bind);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, json_integer_value(id));
    yz_bind_i64(st, 3, c->who->user_id);
    yz_bind_i64(st, 4, c->matter_id);
    enum yz_err e = yz_exec(st);
    if (e != YZ_OK || yz_tx_changes(c->tx) == 1)
        return e;
    st = yz_sql(c->tx, &q_copy);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, json_integer_value(id));
    yz_bind_i64(st, 3, c->who->user_id);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (!row) {
        yz_field_errors_add(c->fe, path, "not_found", "附件不存在，或不是您上传的文件");
        return YZ_ERR_VALIDATION;
    }
    if (out)
        json_object_set_new(out, key, json_integer(yz_col_i64(st, 0)));
    return yz_exec(st);
}

/* RULE: own-uploads-only — a filing may reference only its filer's own uploads. */
enum yz_err yz_filing_attach_uploads(struct yz_effect_ctx *c)
{
    const json_t *app = json_object_get(c->fields, "application");
    if (!app || c->internal) /* a forwarded filing's files are copied by the forwarding */
        return YZ_OK;
    json_t *projected = json_object_get(c->data, "application");
    static const struct {
        const char *list, *key;
    } refs[] = {{"attachments", "id"}, {"evidence", "attachment"}, {"agents", "power_of_attorney"}};
    enum yz_err e = YZ_OK, worst = YZ_OK;
    char path[96];
    for (size_t r = 0; r < sizeof refs / sizeof refs[0]; r++) {
        json_t *out_list = json_object_get(projected, refs[r].list);
        size_t i;
        const json_t *x;
        json_array_foreach(json_object_get(app, refs[r].list), i, x)
        {
            snprintf(path, sizeof path, "fields/application/%s/%zu/%s", refs[r].list, i,
                     refs[r].key);
            e = bind_one(c, x, json_array_get(out_list, i), refs[r].key, path);
            if (e != YZ_OK && worst == YZ_OK)
                worst = e;
        }
    }
    return worst;
}
