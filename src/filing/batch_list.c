/*
 * The uploader's own bulk-filing batches, newest first, with their counts:
 * how an institution finds a batch's per-row report again later. Only the
 * uploader's batches are read (RULE: bulk-report-owner), so nothing of anyone
 * else's can appear.
 */
#include "filing/batch.h"
#include "core/clock.h"
#include "store/store.h"

static struct yz_sql_def q_list = YZ_SQL(
    "SELECT id, court_id, title, created_at, row_count, accepted, rejected FROM filing_batches"
    " WHERE user_id = ? ORDER BY id DESC LIMIT ?");

enum yz_err yz_batch_list(struct yz_tx *tx, const struct yz_principal *who, json_t **out)
{
    int limit = yz_tx_max_rows(tx);
    struct yz_stmt *st = yz_sql(tx, &q_list);
    yz_bind_i64(st, 1, who->user_id);
    yz_bind_i64(st, 2, limit);
    json_t *items = json_array();
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        char at[40];
        yz_time_format_utc(yz_col_i64(st, 3), at, sizeof at);
        json_array_append_new(
            items, json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:I}", "id",
                             (json_int_t)yz_col_i64(st, 0), "court_id",
                             (json_int_t)yz_col_i64(st, 1), "title", yz_col_text(st, 2),
                             "created_at", at, "rows", (json_int_t)yz_col_i64(st, 4), "accepted",
                             (json_int_t)yz_col_i64(st, 5), "rejected",
                             (json_int_t)yz_col_i64(st, 6)));
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o, s:b}", "items", items, "truncated",
                     json_array_size(items) == (size_t)limit);
    return YZ_OK;
}
