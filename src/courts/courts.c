/* Court list import and the in-memory hierarchy. */
#include "courts/courts.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO courts(local_id, code, name, level, special, parent_id, seat)"
    " VALUES (?, ?, ?, ?, ?, (SELECT id FROM courts WHERE code = ? OR local_id = ?), ?)"
    " ON CONFLICT(local_id) DO NOTHING");
static struct yz_sql_def q_all = YZ_SQL(
    "SELECT id, coalesce(parent_id, 0), local_id, coalesce(code, ''), name, level, special"
    " FROM courts ORDER BY id");

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

enum yz_err yz_courts_import(struct yz_tx *tx, const char *path, int *imported, struct yz_buf *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    enum yz_err e = YZ_OK;
    *imported = 0;
    if (!root) {
        yz_buf_addf(err, "%s:%d: %s", path, jerr.line, jerr.text);
        return YZ_ERR_CONFIG;
    }
    json_t *courts = json_object_get(root, "courts");
    if (!json_is_array(courts) || json_array_size(courts) > 2000) {
        yz_buf_addf(err, "%s: \"courts\" must be an array of at most 2000 courts", path);
        e = YZ_ERR_CONFIG;
        goto out;
    }
    /* The file lists parents before children, so each parent exists when needed. */
    size_t i;
    json_t *c;
    json_array_foreach(courts, i, c)
    {
        const char *local = str(c, "local_court_id"), *name = str(c, "name"),
                   *level = str(c, "level"), *code = str(c, "code"), *parent = str(c, "parent");
        if (!local || !name || !level || strlen(local) >= 16 || strlen(name) >= 128) {
            yz_buf_addf(err, "%s: court %zu lacks local_court_id, name or level", path, i);
            e = YZ_ERR_CONFIG;
            goto out;
        }
        bool special = strcmp(level, "special") == 0;
        if (special) /* a special court sits one level below its parent */
            level = parent && strlen(parent) == strlen("渝") ? "intermediate" : "basic";
        struct yz_stmt *st = yz_sql(tx, &q_insert);
        yz_bind_text(st, 1, local);
        yz_bind_text(st, 2, code);
        yz_bind_text(st, 3, name);
        yz_bind_text(st, 4, level);
        yz_bind_i64(st, 5, special);
        yz_bind_text(st, 6, parent ? parent : "");
        yz_bind_text(st, 7, parent ? parent : "");
        yz_bind_text(st, 8, str(c, "seat"));
        if ((e = yz_exec(st)) != YZ_OK) {
            yz_buf_addf(err, "%s: cannot store court %s", path, name);
            goto out;
        }
        *imported += (int)yz_tx_changes(tx);
    }
out:
    json_decref(root);
    return e;
}

static enum yz_err load_tx(struct yz_tx *tx, void *ctx)
{
    struct yz_courts *out = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_all);
    size_t cap = 0;
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        if (out->count == cap) {
            cap = cap ? cap * 2 : 64;
            out->items = yz_realloc(out->items, cap * sizeof *out->items);
        }
        struct yz_court *c = &out->items[out->count++];
        memset(c, 0, sizeof *c);
        c->id = yz_col_i64(st, 0);
        c->parent_id = yz_col_i64(st, 1);
        yz_strlcpy(c->local_id, yz_col_text(st, 2), sizeof c->local_id);
        yz_strlcpy(c->code, yz_col_text(st, 3), sizeof c->code);
        yz_strlcpy(c->name, yz_col_text(st, 4), sizeof c->name);
        yz_strlcpy(c->level, yz_col_text(st, 5), sizeof c->level);
        c->special = yz_col_i64(st, 6) != 0;
    }
    return e;
}

enum yz_err yz_courts_load(struct yz_store *s, struct yz_courts *out)
{
    memset(out, 0, sizeof *out);
    enum yz_err e = yz_store_read(s, load_tx, out);
    if (e != YZ_OK)
        yz_courts_release(out);
    return e;
}

void yz_courts_release(struct yz_courts *c)
{
    free(c->items);
    c->items = NULL;
    c->count = 0;
}

const struct yz_court *yz_courts_find(const struct yz_courts *c, int64_t id)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->items[i].id == id)
            return &c->items[i];
    return NULL;
}

const struct yz_court *yz_courts_find_code(const struct yz_courts *c, const char *code)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->items[i].code, code) == 0 || strcmp(c->items[i].local_id, code) == 0)
            return &c->items[i];
    return NULL;
}

bool yz_courts_within(const struct yz_courts *c, int64_t court, int64_t ancestor)
{
    /* Bounded walk: a cycle in bad data must not hang a request. */
    for (int depth = 0; court && depth < 16; depth++) {
        if (court == ancestor)
            return true;
        const struct yz_court *k = yz_courts_find(c, court);
        if (!k)
            return false;
        court = k->parent_id;
    }
    return false;
}

json_t *yz_court_json(const struct yz_court *court)
{
    return json_pack("{s:I, s:s, s:s?, s:s, s:s, s:b, s:o}", "id", (json_int_t)court->id,
                     "local_id", court->local_id, "code", court->code[0] ? court->code : NULL,
                     "name", court->name, "level", court->level, "special", court->special,
                     "parent_id",
                     court->parent_id ? json_integer(court->parent_id) : json_null());
}
