/* Dashboard rollups (rollup.h). */
#include "stats/rollup.h"
#include "store/store.h"

/* The key of one workflow event e of matter m. Asia/Shanghai has been UTC+8
 * without daylight saving since 1991. */
#define ROLLUP_REST                                                                                \
    " m.kind, json_extract(e.payload, '$.event'), coalesce(json_extract(e.payload, '$.from'), ''),"\
    " json_extract(e.payload, '$.to'),"                                                            \
    " coalesce(json_extract(e.payload, '$.fields.channel'), e.channel),"                           \
    " CASE WHEN m.kind = 'filing' AND json_extract(e.payload, '$.to') IN ('registered', 'refused')" \
    " AND json_extract(e.payload, '$.from') IS NOT NULL"                                           \
    " AND json_extract(e.payload, '$.from') NOT IN ('registered', 'refused')"                      \
    " THEN (e.at - m.created_at) / 86400000 ELSE -1 END"
#define ROLLUP_KEY "m.court_id, date((e.at + 28800000) / 1000, 'unixepoch')," ROLLUP_REST
/* The same key with the month (YYYY-MM) instead of the day. */
#define ROLLUP_MONTH_KEY                                                                           \
    "m.court_id, strftime('%Y-%m', (e.at + 28800000) / 1000, 'unixepoch')," ROLLUP_REST
#define ROLLUP_COLS "court_id, day, kind, event, from_state, state, channel, days"
#define MONTH_COLS "court_id, month, kind, event, from_state, state, channel, days"
/* The fresh daily counters summed per month. */
#define FRESH_MONTHS                                                                               \
    "SELECT court_id, substr(day, 1, 7) AS month, kind, event, from_state, state, channel, days,"  \
    " sum(n) AS n FROM temp.rollup_fresh GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"

static struct yz_sql_def q_add = YZ_SQL(
    "INSERT INTO rollup_daily(" ROLLUP_COLS ", n) SELECT " ROLLUP_KEY ", 1"
    " FROM events e JOIN matters m ON m.id = ? WHERE e.id = ?"
    " AND json_extract(e.payload, '$.to') IS NOT NULL"
    " AND e.type = m.kind || '.' || json_extract(e.payload, '$.event')"
    " ON CONFLICT(" ROLLUP_COLS ") DO UPDATE SET n = n + 1");

/* The month's counter moves with the day's: the row just counted, added to its month. */
static struct yz_sql_def q_add_month = YZ_SQL(
    "INSERT INTO rollup_monthly(" MONTH_COLS ", n) SELECT " ROLLUP_MONTH_KEY ", 1"
    " FROM events e JOIN matters m ON m.id = ? WHERE e.id = ?"
    " AND json_extract(e.payload, '$.to') IS NOT NULL"
    " AND e.type = m.kind || '.' || json_extract(e.payload, '$.event')"
    " ON CONFLICT(" MONTH_COLS ") DO UPDATE SET n = n + 1");

static struct yz_sql_def q_fresh = YZ_SQL(
    "CREATE TEMP TABLE IF NOT EXISTS rollup_fresh(court_id INTEGER, day TEXT, kind TEXT,"
    " event TEXT, from_state TEXT, state TEXT, channel TEXT, days INTEGER, n INTEGER)");
static struct yz_sql_def q_fresh_clear = YZ_SQL("DELETE FROM temp.rollup_fresh");
/* Every workflow event of every matter: the matter streams, events whose
 * payload names the resulting state (effects' own events do not). */
static struct yz_sql_def q_fresh_fill = YZ_SQL(
    "INSERT INTO temp.rollup_fresh(" ROLLUP_COLS ", n) SELECT " ROLLUP_KEY ", count(*)"
    " FROM events e JOIN matters m ON m.id = CAST(substr(e.stream, 8) AS INTEGER)"
    " WHERE e.stream LIKE 'matter/%' AND json_extract(e.payload, '$.to') IS NOT NULL"
    " AND e.type = m.kind || '.' || json_extract(e.payload, '$.event')"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8");
/* Keys whose count differs, or that only one side has (each counted once). */
static struct yz_sql_def q_differ = YZ_SQL(
    "SELECT count(*) FROM (SELECT " ROLLUP_COLS " FROM (SELECT " ROLLUP_COLS ", n FROM"
    " temp.rollup_fresh EXCEPT SELECT " ROLLUP_COLS ", n FROM rollup_daily) UNION SELECT "
    ROLLUP_COLS " FROM (SELECT " ROLLUP_COLS ", n FROM rollup_daily EXCEPT SELECT " ROLLUP_COLS
    ", n FROM temp.rollup_fresh))");
static struct yz_sql_def q_differ_months = YZ_SQL(
    "SELECT count(*) FROM (SELECT " MONTH_COLS " FROM (SELECT " MONTH_COLS ", n FROM ("
    FRESH_MONTHS ") EXCEPT SELECT " MONTH_COLS ", n FROM rollup_monthly) UNION SELECT "
    MONTH_COLS " FROM (SELECT " MONTH_COLS ", n FROM rollup_monthly EXCEPT SELECT " MONTH_COLS
    ", n FROM (" FRESH_MONTHS ")))");
static struct yz_sql_def q_clear_months = YZ_SQL("DELETE FROM rollup_monthly");
static struct yz_sql_def q_copy_months =
    YZ_SQL("INSERT INTO rollup_monthly(" MONTH_COLS ", n) " FRESH_MONTHS);
static struct yz_sql_def q_clear = YZ_SQL("DELETE FROM rollup_daily");
static struct yz_sql_def q_copy = YZ_SQL("INSERT INTO rollup_daily(" ROLLUP_COLS ", n) SELECT "
                                         ROLLUP_COLS ", n FROM temp.rollup_fresh");
static struct yz_sql_def q_rows = YZ_SQL("SELECT count(*) FROM rollup_daily");

enum yz_err yz_rollup_add(struct yz_tx *tx, int64_t matter_id, int64_t event_id)
{
    struct yz_stmt *st = yz_sql(tx, &q_add);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_i64(st, 2, event_id);
    enum yz_err e = yz_exec(st);
    if (e != YZ_OK)
        return e;
    st = yz_sql(tx, &q_add_month);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_i64(st, 2, event_id);
    return yz_exec(st);
}

static enum yz_err count_of(struct yz_tx *tx, struct yz_sql_def *q, int64_t *out)
{
    struct yz_stmt *st = yz_sql(tx, q);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *out = e == YZ_OK && row ? yz_col_i64(st, 0) : 0;
    if (e == YZ_OK)
        yz_exec(st);
    return e;
}

enum yz_err yz_rollup_rebuild(struct yz_tx *tx, int64_t *rows, int64_t *differed)
{
    enum yz_err e;
    int64_t months_differed = 0;
    if ((e = yz_exec(yz_sql(tx, &q_fresh))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_fresh_clear))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_fresh_fill))) != YZ_OK ||
        (e = count_of(tx, &q_differ, differed)) != YZ_OK ||
        (e = count_of(tx, &q_differ_months, &months_differed)) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_clear))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_copy))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_clear_months))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_copy_months))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_fresh_clear))) != YZ_OK)
        return e;
    *differed += months_differed;
    return count_of(tx, &q_rows, rows);
}
