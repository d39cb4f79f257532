/* One account's row by id (account_row.h). */
#include "accounts/account_row.h"
#include "core/buf.h"
#include "store/store.h"

#include <string.h>

static struct yz_sql_def q_row = YZ_SQL(
    "SELECT role, coalesce(court_id, 0), name, status, person_kind FROM users WHERE id = ?");

enum yz_err yz_account_row_load(struct yz_tx *tx, int64_t id, struct yz_account_row *out)
{
    memset(out, 0, sizeof *out);
    struct yz_stmt *st = yz_sql(tx, &q_row);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    out->id = id;
    yz_strlcpy(out->role, yz_col_text(st, 0), sizeof out->role);
    out->court_id = yz_col_i64(st, 1);
    yz_strlcpy(out->name, yz_col_text(st, 2), sizeof out->name);
    out->active = strcmp(yz_col_text(st, 3), "active") == 0;
    out->staff = strcmp(yz_col_text(st, 4), "staff") == 0;
    return yz_exec(st);
}
