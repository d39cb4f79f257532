/* Pending filings and those past their decision deadline, per court: the
 * clerks' overdue report (filing_http.c) and the dashboard share this. */
#include "filing/filing.h"
#include "core/clock.h"
#include "store/store.h"

static struct yz_sql_def q_overdue = YZ_SQL(
    "SELECT m.court_id, count(*),"
    " sum(CASE WHEN d.due_date < ? THEN 1 ELSE 0 END)"
    " FROM matters m LEFT JOIN deadlines d ON d.matter_id = m.id AND d.stopped_at IS NULL"
    " AND d.name = 'decision'"
    " WHERE m.kind = 'filing' AND m.state IN ('submitted', 'correction_requested')"
    " GROUP BY m.court_id ORDER BY m.court_id");

enum yz_err yz_filing_overdue_counts(struct yz_tx *tx, yz_filing_overdue_fn each, void *arg)
{
    char today[16];
    yz_today_text(today, sizeof today);
    struct yz_stmt *st = yz_sql(tx, &q_overdue);
    yz_bind_text(st, 1, today);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row)
        each(arg, yz_col_i64(st, 0), yz_col_i64(st, 1), yz_col_i64(st, 2));
    return e;
}
