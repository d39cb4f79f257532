/*
 * Cross-region filing (跨域立案): a party files at any court (the receiving
 * court), whose clerk checks identity and materials and forwards the
 * application online to the court with jurisdiction, which reviews it as its
 * own filing and numbers it; jurisdiction is unchanged. The receiving court's
 * matter (kind cross_region_filing) keeps a link to the forwarded filing and
 * shows its progress, so both courts and the party see every step; the
 * forwarded filing records when and where it was received, so the time from
 * receipt to decision can be measured.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "matters/matters.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_sql_def q_created_at = YZ_SQL("SELECT created_at FROM matters WHERE id = ?");
static struct yz_sql_def q_attachments =
    YZ_SQL("SELECT id FROM attachments WHERE matter_id = ? ORDER BY id LIMIT 1000");
static struct yz_sql_def q_copy_attachment = YZ_SQL(
    "INSERT INTO attachments(sha256, size, mime, name, kind, title, uploader_id, matter_id,"
    " channel, created_at) SELECT sha256, size, mime, name, kind, title, uploader_id, ?, channel,"
    " created_at FROM attachments WHERE id = ? RETURNING id");
static struct yz_sql_def q_data_of = YZ_SQL("SELECT data FROM matters WHERE id = ?");
static struct yz_sql_def q_set_data = YZ_SQL("UPDATE matters SET data = ? WHERE id = ?");
static struct yz_sql_def q_copy_participants = YZ_SQL(
    "INSERT INTO matter_participants(matter_id, user_id, capacity)"
    " SELECT ?, user_id, capacity FROM matter_participants WHERE matter_id = ?"
    " ON CONFLICT DO NOTHING");

#define MAX_FILES 1000

static void remap(json_t *o, const char *key, const int64_t *from, const int64_t *to, size_t n)
{
    json_t *v = json_object_get(o, key);
    for (size_t i = 0; json_is_integer(v) && i < n; i++)
        if (json_integer_value(v) == from[i]) {
            json_object_set_new(o, key, json_integer(to[i]));
            return;
        }
}

enum yz_err yz_filing_copy_files(struct yz_tx *tx, int64_t from_matter, int64_t to_matter)
{
    static _Thread_local int64_t from[MAX_FILES], to[MAX_FILES];
    size_t n = 0;
    struct yz_stmt *st = yz_sql(tx, &q_attachments);
    yz_bind_i64(st, 1, from_matter);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && n < MAX_FILES)
        from[n++] = yz_col_i64(st, 0);
    if (e != YZ_OK || n == 0)
        return e;
    yz_exec(st);
    for (size_t i = 0; i < n; i++) {
        st = yz_sql(tx, &q_copy_attachment);
        yz_bind_i64(st, 1, to_matter);
        yz_bind_i64(st, 2, from[i]);
        if ((e = yz_step(st, &row)) != YZ_OK || !row)
            return e ? e : YZ_ERR_INTERNAL;
        to[i] = yz_col_i64(st, 0);
        yz_exec(st);
    }
    st = yz_sql(tx, &q_data_of);
    yz_bind_i64(st, 1, to_matter);
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    json_t *data = json_loads(yz_col_text(st, 0), 0, NULL);
    yz_exec(st);
    if (!data)
        return YZ_ERR_INTERNAL;
    json_t *app = json_object_get(data, "application");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(app, "attachments"), i, x) remap(x, "id", from, to, n);
    json_array_foreach(json_object_get(app, "evidence"), i, x) remap(x, "attachment", from, to, n);
    json_array_foreach(json_object_get(app, "agents"), i, x)
        remap(x, "power_of_attorney", from, to, n);
    char *text = yz_json_dumps_sorted(data);
    json_decref(data);
    st = yz_sql(tx, &q_set_data);
    yz_bind_text(st, 1, text);
    yz_bind_i64(st, 2, to_matter);
    free(text);
    return yz_exec(st);
}

/* RULE: cross-region-forward — the receiving court forwards; the court with jurisdiction decides. */
enum yz_err yz_filing_forward(struct yz_effect_ctx *c)
{
    const json_t *target = json_object_get(c->data, "target_court_id");
    int64_t court = json_integer_value(target);
    const struct yz_court *k = yz_courts_find(&c->app->courts, court);
    if (!k) {
        yz_field_errors_add(c->fe, "fields/target_court_id", "not_found", "管辖法院不存在");
        return YZ_ERR_VALIDATION;
    }
    if (court == c->court_id) {
        yz_field_errors_add(c->fe, "fields/target_court_id", "same_court",
                            "管辖法院即本院，请直接提交立案申请");
        return YZ_ERR_VALIDATION;
    }
    struct yz_stmt *st = yz_sql(c->tx, &q_created_at);
    yz_bind_i64(st, 1, c->matter_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    int64_t received = yz_col_i64(st, 0);
    yz_exec(st);

    char at[40], title[160];
    yz_time_format_utc(received, at, sizeof at);
    const struct yz_court *here = yz_courts_find(&c->app->courts, c->court_id);
    json_t *fields = json_pack(
        "{s:s, s:O, s:{s:I, s:I, s:s, s:s, s:I}}", "channel", "cross_region", "application",
        json_object_get(c->data, "application"), "cross_region", "origin_matter_id",
        (json_int_t)c->matter_id, "receiving_court_id", (json_int_t)c->court_id,
        "receiving_court", here ? here->name : "", "received_at", at, "received_at_ms",
        (json_int_t)received);
    snprintf(title, sizeof title, "跨域立案（%s转交）", here ? here->name : "");
    struct yz_matter_new m = {
        .kind = "filing", .court_id = court, .title = title, .fields = fields,
        .channel = "system", .internal = true,
    };
    int64_t id = 0;
    e = yz_matter_create(c->tx, c->app, c->who, &m, c->fe, &id);
    json_decref(fields);
    if (e != YZ_OK)
        return e;
    st = yz_sql(c->tx, &q_copy_participants);
    yz_bind_i64(st, 1, id);
    yz_bind_i64(st, 2, c->matter_id);
    if ((e = yz_exec(st)) != YZ_OK || (e = yz_filing_copy_files(c->tx, c->matter_id, id)) != YZ_OK)
        return e;
    json_object_set_new(c->data, "forwarded_to",
                        json_pack("{s:I, s:I, s:s}", "matter_id", (json_int_t)id, "court_id",
                                  (json_int_t)court, "court", k->name));
    json_object_set_new(c->result, "forwarded_matter_id", json_integer(id));
    json_object_set_new(c->result, "court_id", json_integer(court));
    return YZ_OK;
}
