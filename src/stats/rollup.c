/* Dashboard rollups (rollup.h). */
#include "stats/rollup.h"
#include "core/clock.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#define ROLLUP_COLS "court_id, day, kind, event, from_state, state, channel, days"
#define MONTH_COLS "court_id, month, kind, event, from_state, state, channel, days"
/* One event more under a key: the key as ROLLUP_KEY makes it, and for the
 * month the same with the day's first seven characters (YYYY-MM). */
static struct yz_sql_def q_add = YZ_SQL(
    "INSERT INTO rollup_daily(" ROLLUP_COLS ", n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"
    " ON CONFLICT(" ROLLUP_COLS ") DO UPDATE SET n = n + 1");
static struct yz_sql_def q_add_month = YZ_SQL(
    "INSERT INTO rollup_monthly(" MONTH_COLS ", n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"
    " ON CONFLICT(" MONTH_COLS ") DO UPDATE SET n = n + 1");

/* The key columns of two rows a and b (table names or aliases) equal. */
#define SAME_REST(a, b)                                                                            \
    a ".kind = " b ".kind AND " a ".event = " b ".event AND " a ".from_state = " b ".from_state"   \
    " AND " a ".state = " b ".state AND " a ".channel = " b ".channel AND " a ".days = " b ".days"
#define SAME_DAY(a, b) a ".court_id = " b ".court_id AND " a ".day = " b ".day AND " SAME_REST(a, b)
#define SAME_MONTH(a, b)                                                                           \
    a ".court_id = " b ".court_id AND " a ".month = " b ".month AND " SAME_REST(a, b)
#define KEY_TYPES                                                                                  \
    " kind TEXT NOT NULL, event TEXT NOT NULL, from_state TEXT NOT NULL, state TEXT NOT NULL,"     \
    " channel TEXT NOT NULL, days INTEGER NOT NULL, n INTEGER NOT NULL,"

/* The counters recomputed from the history, daily and monthly, keyed as the
 * stored ones so that each stored row is compared by one index lookup. */
static struct yz_sql_def q_fresh = YZ_SQL(
    "CREATE TEMP TABLE IF NOT EXISTS rollup_fresh(court_id INTEGER NOT NULL, day TEXT NOT NULL,"
    KEY_TYPES " PRIMARY KEY (" ROLLUP_COLS ")) WITHOUT ROWID");
static struct yz_sql_def q_fresh_months = YZ_SQL(
    "CREATE TEMP TABLE IF NOT EXISTS rollup_fresh_monthly(court_id INTEGER NOT NULL,"
    " month TEXT NOT NULL," KEY_TYPES " PRIMARY KEY (" MONTH_COLS ")) WITHOUT ROWID");
static struct yz_sql_def q_fresh_clear = YZ_SQL("DELETE FROM temp.rollup_fresh");
static struct yz_sql_def q_fresh_months_clear = YZ_SQL("DELETE FROM temp.rollup_fresh_monthly");
/* How far the fresh counters have read, as the connection holds them: a step
 * that finds another value (say the connection was opened again, which loses
 * temp tables) stops rather than put right from counters it did not make. */
static struct yz_sql_def q_done_table =
    YZ_SQL("CREATE TEMP TABLE IF NOT EXISTS rollup_fresh_done(done INTEGER NOT NULL)");
static struct yz_sql_def q_done_clear = YZ_SQL("DELETE FROM temp.rollup_fresh_done");
static struct yz_sql_def q_done_start = YZ_SQL("INSERT INTO temp.rollup_fresh_done(done) VALUES (0)");
static struct yz_sql_def q_done = YZ_SQL("SELECT coalesce(max(done), -1) FROM temp.rollup_fresh_done");
static struct yz_sql_def q_done_set = YZ_SQL("UPDATE temp.rollup_fresh_done SET done = ?");
static struct yz_sql_def q_last_event = YZ_SQL("SELECT coalesce(max(id), 0) FROM events");
/* The workflow events of matters among events (?1, ?2] (the matter streams,
 * events whose payload names the resulting state; effects' own events do
 * not), added to the fresh counters. One run's keys are grouped in memory,
 * so the runs bound what the rebuild holds besides the counters themselves. */
static struct yz_sql_def q_fresh_add = YZ_SQL(
    "INSERT INTO temp.rollup_fresh(" ROLLUP_COLS ", n) SELECT " ROLLUP_KEY ", count(*)"
    " FROM events e JOIN matters m ON m.id = CAST(substr(e.stream, 8) AS INTEGER)"
    " WHERE e.id > ?1 AND e.id <= ?2 AND e.stream LIKE 'matter/%'"
    " AND json_extract(e.payload, '$.to') IS NOT NULL"
    " AND e.type = m.kind || '.' || json_extract(e.payload, '$.event')"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ON CONFLICT (" ROLLUP_COLS ") DO UPDATE SET n = n + excluded.n");
/* Court ?1's monthly counters summed from its daily ones. */
static struct yz_sql_def q_fresh_months_fill = YZ_SQL(
    "INSERT INTO temp.rollup_fresh_monthly(" MONTH_COLS ", n) SELECT court_id, substr(day, 1, 7),"
    " kind, event, from_state, state, channel, days, n FROM temp.rollup_fresh WHERE court_id = ?1"
    " ON CONFLICT (" MONTH_COLS ") DO UPDATE SET n = n + excluded.n");
/* Each stored counter of court ?1 in TABLE put right from FRESH (keyed by
 * COLS, compared by SAME): the rows whose key the history does not have go,
 * and the rows the history has with another count, or not at all, are
 * written. Each statement's changes are rows that differed (a key with
 * another count is counted once). */
#define DROP_EXTRA(table, fresh, same)                                                             \
    "DELETE FROM " table " WHERE court_id = ?1 AND NOT EXISTS (SELECT 1 FROM " fresh " f WHERE "  \
    same("f", table) ")"
#define PUT_RIGHT(table, fresh, cols, same)                                                        \
    "INSERT INTO " table "(" cols ", n) SELECT " cols ", n FROM " fresh " f WHERE f.court_id = ?1" \
    " AND NOT EXISTS"                                                                              \
    " (SELECT 1 FROM " table " d WHERE " same("d", "f") " AND d.n = f.n)"                          \
    " ON CONFLICT (" cols ") DO UPDATE SET n = excluded.n"
static struct yz_sql_def q_drop_extra =
    YZ_SQL(DROP_EXTRA("rollup_daily", "temp.rollup_fresh", SAME_DAY));
static struct yz_sql_def q_put_right =
    YZ_SQL(PUT_RIGHT("rollup_daily", "temp.rollup_fresh", ROLLUP_COLS, SAME_DAY));
static struct yz_sql_def q_drop_extra_months =
    YZ_SQL(DROP_EXTRA("rollup_monthly", "temp.rollup_fresh_monthly", SAME_MONTH));
static struct yz_sql_def q_put_right_months =
    YZ_SQL(PUT_RIGHT("rollup_monthly", "temp.rollup_fresh_monthly", MONTH_COLS, SAME_MONTH));
/* The next court after ?1 that has counters, fresh or stored: count 0 when none. */
static struct yz_sql_def q_next_court = YZ_SQL(
    "SELECT count(c), min(c) FROM (SELECT min(court_id) AS c FROM temp.rollup_fresh"
    " WHERE court_id > ?1 UNION ALL SELECT min(court_id) FROM rollup_daily WHERE court_id > ?1"
    " UNION ALL SELECT min(court_id) FROM rollup_monthly WHERE court_id > ?1)");
static struct yz_sql_def q_rows = YZ_SQL("SELECT count(*) FROM rollup_daily");

/* The text SQL makes of json_extract(payload, path) where it lands in a text
 * column or a comparison with text: a string as it is, an integer in decimal,
 * true 1, false 0, an object or array as its canonical text (payloads are
 * canonical, events.h, and hold no real numbers); NULL for null or absent.
 * The caller frees *owned. */
static const char *sql_text(const json_t *v, char **owned)
{
    *owned = NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return *owned = yz_strdup(buf);
    }
    if (json_is_true(v))
        return "1";
    if (json_is_false(v))
        return "0";
    if (json_is_object(v) || json_is_array(v))
        return *owned = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    return NULL;
}

static bool is_decision(const char *state)
{
    return strcmp(state, "registered") == 0 || strcmp(state, "refused") == 0;
}

/* Binds the key ROLLUP_REST makes (columns 3..8 of q_add and q_add_month). */
static void bind_rest(struct yz_stmt *st, const struct yz_rollup_matter *m, const char *event,
                      const char *from, const char *to, const char *channel, int64_t days)
{
    yz_bind_text(st, 3, m->kind);
    yz_bind_text(st, 4, event);
    yz_bind_text(st, 5, from ? from : "");
    yz_bind_text(st, 6, to);
    yz_bind_text(st, 7, channel);
    yz_bind_i64(st, 8, days);
}

enum yz_err yz_rollup_add(struct yz_tx *tx, const struct yz_rollup_matter *m, const char *type,
                          const char *channel, int64_t at, const json_t *payload)
{
    char *own_event, *own_from, *own_to, *own_channel;
    const char *event = sql_text(json_object_get(payload, "event"), &own_event);
    const char *from = sql_text(json_object_get(payload, "from"), &own_from);
    const char *to = sql_text(json_object_get(payload, "to"), &own_to);
    const char *field_channel =
        sql_text(json_object_get(json_object_get(payload, "fields"), "channel"), &own_channel);
    size_t kind_len = strlen(m->kind);
    enum yz_err e = YZ_OK;
    /* Only workflow events: the rebuild's "e.type = m.kind || '.' || event". */
    if (!to || !event || strncmp(type, m->kind, kind_len) != 0 || type[kind_len] != '.' ||
        strcmp(type + kind_len + 1, event) != 0)
        goto out;
    /* A filing's decision carries the whole days since it was submitted. */
    int64_t days = strcmp(m->kind, "filing") == 0 && is_decision(to) && from && !is_decision(from)
                       ? (at - m->created_at) / 86400000
                       : -1;
    const char *ch = field_channel ? field_channel : channel;
    char day[16];
    yz_date_format(yz_date_of_shanghai(at), day, sizeof day);
    struct yz_stmt *st = yz_sql(tx, &q_add);
    yz_bind_i64(st, 1, m->court_id);
    yz_bind_text(st, 2, day);
    bind_rest(st, m, event, from, to, ch, days);
    if ((e = yz_exec(st)) != YZ_OK)
        goto out;
    day[7] = '\0'; /* YYYY-MM */
    st = yz_sql(tx, &q_add_month);
    yz_bind_i64(st, 1, m->court_id);
    yz_bind_text(st, 2, day);
    bind_rest(st, m, event, from, to, ch, days);
    e = yz_exec(st);
out:
    free(own_event);
    free(own_from);
    free(own_to);
    free(own_channel);
    return e;
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

/* Empties the fresh counters and their mark. */
static enum yz_err fresh_clear(struct yz_tx *tx)
{
    enum yz_err e;
    if ((e = yz_exec(yz_sql(tx, &q_fresh_clear))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_fresh_months_clear))) != YZ_OK)
        return e;
    return yz_exec(yz_sql(tx, &q_done_clear));
}

enum yz_err yz_rollup_rebuild_begin(struct yz_tx *tx, struct yz_rollup_rebuild *r)
{
    enum yz_err e;
    *r = (struct yz_rollup_rebuild){.settled = INT64_MIN};
    if ((e = yz_exec(yz_sql(tx, &q_fresh))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_fresh_months))) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_done_table))) != YZ_OK || (e = fresh_clear(tx)) != YZ_OK ||
        (e = yz_exec(yz_sql(tx, &q_done_start))) != YZ_OK)
        return e;
    return count_of(tx, &q_last_event, &r->upto);
}

/* Adds the events (r->done, to] to the fresh counters, in runs of run_events. */
static enum yz_err add_events(struct yz_tx *tx, struct yz_rollup_rebuild *r, int64_t to,
                              int64_t run_events)
{
    int64_t done;
    if (run_events < 1)
        return YZ_ERR_INTERNAL;
    /* On a connection opened since begin the mark is made here, empty. */
    enum yz_err e = yz_exec(yz_sql(tx, &q_done_table));
    if (e == YZ_OK)
        e = count_of(tx, &q_done, &done);
    if (e != YZ_OK)
        return e;
    if (done != r->done)
        return YZ_ERR_CONFLICT;
    for (int64_t from = done, next; from < to; from = next) {
        next = run_events < to - from ? from + run_events : to;
        struct yz_stmt *st = yz_sql(tx, &q_fresh_add);
        yz_bind_i64(st, 1, from);
        yz_bind_i64(st, 2, next);
        if ((e = yz_exec(st)) != YZ_OK)
            return e;
    }
    if (to < done)
        to = done;
    struct yz_stmt *st = yz_sql(tx, &q_done_set);
    yz_bind_i64(st, 1, to);
    if ((e = yz_exec(st)) == YZ_OK)
        r->done = to;
    return e;
}

enum yz_err yz_rollup_rebuild_run(struct yz_tx *tx, struct yz_rollup_rebuild *r,
                                  int64_t run_events)
{
    int64_t to = run_events < r->upto - r->done ? r->done + run_events : r->upto;
    return add_events(tx, r, to, run_events);
}

/* Runs q for court ?1 and adds the rows it changed to *changed (unless NULL). */
static enum yz_err exec_court(struct yz_tx *tx, struct yz_sql_def *q, int64_t court,
                              int64_t *changed)
{
    struct yz_stmt *st = yz_sql(tx, q);
    yz_bind_i64(st, 1, court);
    enum yz_err e = yz_exec(st);
    if (e == YZ_OK && changed)
        *changed += yz_tx_changes(tx);
    return e;
}

/* The next court after r->settled with counters; false when there is none. */
static enum yz_err next_court(struct yz_tx *tx, const struct yz_rollup_rebuild *r, int64_t *court,
                              bool *found)
{
    struct yz_stmt *st = yz_sql(tx, &q_next_court);
    yz_bind_i64(st, 1, r->settled);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *found = e == YZ_OK && row && yz_col_i64(st, 0) > 0;
    *court = *found ? yz_col_i64(st, 1) : 0;
    if (e == YZ_OK)
        e = yz_exec(st);
    return e;
}

enum yz_err yz_rollup_rebuild_settle(struct yz_tx *tx, struct yz_rollup_rebuild *r,
                                     const struct yz_rollup_pace *pace)
{
    enum yz_err e;
    int64_t last, court;
    bool found;
    if ((e = count_of(tx, &q_last_event, &last)) != YZ_OK ||
        (e = add_events(tx, r, last, pace->run_events)) != YZ_OK)
        return e;
    int64_t started = yz_time_mono_ms();
    do {
        if ((e = next_court(tx, r, &court, &found)) != YZ_OK)
            return e;
        if (!found) {
            r->finished = true;
            if ((e = fresh_clear(tx)) != YZ_OK)
                return e;
            return count_of(tx, &q_rows, &r->rows);
        }
        if ((e = exec_court(tx, &q_fresh_months_fill, court, NULL)) != YZ_OK ||
            (e = exec_court(tx, &q_drop_extra, court, &r->differed)) != YZ_OK ||
            (e = exec_court(tx, &q_put_right, court, &r->differed)) != YZ_OK ||
            (e = exec_court(tx, &q_drop_extra_months, court, &r->differed)) != YZ_OK ||
            (e = exec_court(tx, &q_put_right_months, court, &r->differed)) != YZ_OK)
            return e;
        r->settled = court;
    } while (yz_time_mono_ms() - started < pace->settle_ms);
    return YZ_OK;
}

/* One step of yz_rollup_rebuild, run as its own write transaction. */
struct step {
    struct yz_rollup_rebuild *r;
    const struct yz_rollup_pace *pace;
    enum { STEP_BEGIN, STEP_RUN, STEP_SETTLE } what;
};

static enum yz_err step_tx(struct yz_tx *tx, void *p)
{
    struct step *s = p;
    switch (s->what) {
    case STEP_BEGIN:
        return yz_rollup_rebuild_begin(tx, s->r);
    case STEP_RUN:
        return yz_rollup_rebuild_run(tx, s->r, s->pace->run_events);
    default:
        return yz_rollup_rebuild_settle(tx, s->r, s->pace);
    }
}

enum yz_err yz_rollup_rebuild(struct yz_store *s, const struct yz_rollup_pace *pace,
                              int64_t *rows, int64_t *differed)
{
    struct yz_rollup_rebuild r;
    struct step st = {&r, pace, STEP_BEGIN};
    enum yz_err e = yz_store_write(s, step_tx, &st);
    while (e == YZ_OK && !r.finished) {
        st.what = r.done < r.upto ? STEP_RUN : STEP_SETTLE;
        yz_time_sleep_ms(pace->pause_ms);
        e = yz_store_write(s, step_tx, &st);
    }
    *rows = e == YZ_OK ? r.rows : 0;
    *differed = e == YZ_OK ? r.differed : 0;
    return e;
}
