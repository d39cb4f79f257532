/*
 * The staff accounts of one court, for its court admin: who works there in
 * which role and whether the account is active. The admin needs the account
 * ids to build trial teams and to record judges' relationships; nothing
 * personal is listed (no phone), only the work account and the name.
 */
#include "accounts/accounts.h"
#include "core/clock.h"
#include "policy/roles.h"
#include "store/store.h"

#include <string.h>

/* Supervisors belong to the court above and are listed there, like everyone else. */
static struct yz_sql_def q_staff = YZ_SQL(
    "SELECT id, role, coalesce(username, ''), name, status, created_at FROM users"
    " WHERE court_id = ? AND person_kind = 'staff' AND (? = '' OR role = ?)"
    " ORDER BY id LIMIT ?");

enum yz_err yz_staff_list(struct yz_tx *tx, int64_t court_id, const char *role, json_t **out)
{
    role = role ? role : "";
    int limit = yz_tx_max_rows(tx);
    struct yz_stmt *st = yz_sql(tx, &q_staff);
    yz_bind_i64(st, 1, court_id);
    yz_bind_text(st, 2, role);
    yz_bind_text(st, 3, role);
    yz_bind_i64(st, 4, limit);
    json_t *items = json_array();
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int r = yz_role_parse(yz_col_text(st, 1));
        char at[40];
        yz_time_format_utc(yz_col_i64(st, 5), at, sizeof at);
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                             (json_int_t)yz_col_i64(st, 0), "username", yz_col_text(st, 2), "name",
                             yz_col_text(st, 3), "role", yz_col_text(st, 1), "role_title",
                             r >= 0 ? yz_role_title((enum yz_role)r) : yz_col_text(st, 1),
                             "status", yz_col_text(st, 4), "created_at", at));
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:I, s:o, s:b}", "court_id", (json_int_t)court_id, "items", items,
                     "truncated", json_array_size(items) == (size_t)limit);
    return YZ_OK;
}
