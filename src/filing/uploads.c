/*
 * The files an application names (attachments, evidence, powers of attorney)
 * are uploads of the person submitting it: effect "attach_uploads" binds them
 * to the matter, so that exactly the matter's readers can download them. An id
 * that is not the actor's own unbound upload (or already this matter's) is a
 * validation error: nobody can pull someone else's file into their filing.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "store/store.h"

#include <stdio.h>

static struct yz_sql_def q_bind = YZ_SQL(
    "UPDATE attachments SET matter_id = ? WHERE id = ? AND uploader_id = ?"
    " AND (matter_id IS NULL OR matter_id = ?)");

static enum yz_err bind_one(struct yz_effect_ctx *c, const json_t *id, const char *path)
{
    if (!json_is_integer(id))
        return YZ_OK;
    struct yz_stmt *st = yz_sql(c->tx, &q_bind);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, json_integer_value(id));
    yz_bind_i64(st, 3, c->who->user_id);
    yz_bind_i64(st, 4, c->matter_id);
    enum yz_err e = yz_exec(st);
    if (e == YZ_OK && yz_tx_changes(c->tx) != 1) {
        yz_field_errors_add(c->fe, path, "not_found", "附件不存在，或不是您上传的文件");
        return YZ_ERR_VALIDATION;
    }
    return e;
}

/* RULE: own-uploads-only — a filing may reference only its filer's own uploads. */
enum yz_err yz_filing_attach_uploads(struct yz_effect_ctx *c)
{
    const json_t *app = json_object_get(c->fields, "application");
    if (!app || c->internal) /* a forwarded filing's files are copied by the forwarding */
        return YZ_OK;
    enum yz_err e = YZ_OK, worst = YZ_OK;
    char path[96];
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(app, "attachments"), i, x)
    {
        snprintf(path, sizeof path, "fields/application/attachments/%zu/id", i);
        if ((e = bind_one(c, json_object_get(x, "id"), path)) != YZ_OK && worst == YZ_OK)
            worst = e;
    }
    json_array_foreach(json_object_get(app, "evidence"), i, x)
    {
        snprintf(path, sizeof path, "fields/application/evidence/%zu/attachment", i);
        if ((e = bind_one(c, json_object_get(x, "attachment"), path)) != YZ_OK && worst == YZ_OK)
            worst = e;
    }
    json_array_foreach(json_object_get(app, "agents"), i, x)
    {
        snprintf(path, sizeof path, "fields/application/agents/%zu/power_of_attorney", i);
        if ((e = bind_one(c, json_object_get(x, "power_of_attorney"), path)) != YZ_OK &&
            worst == YZ_OK)
            worst = e;
    }
    return worst;
}
