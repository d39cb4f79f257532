/*
 * Unit tests for the dashboard counters (src/stats/rollup.h) against a real
 * migrated database: events appended to the history with the counters moved
 * by yz_rollup_add, as matters.c does, and then `yizhan rollup rebuild`'s
 * yz_rollup_rebuild, which derives the keys in SQL from the stored events,
 * finds every counter equal. The events cover what the C derivation must get
 * as SQL does: the Shanghai day and month across midnight and a month's end,
 * a filing's days to its decision (and none after a decision, none for other
 * kinds), the filing channel from the fields or else the event's, fields of
 * other JSON types, and the events that are not counted (another kind's
 * type, an event name that does not match, no resulting state). The rebuild
 * reads the history in runs; runs of one event add up as one run does. And
 * counters gone wrong (another count, missing, extra; daily and monthly) are
 * each found once and put right. The rebuild's steps are transactions of
 * their own: events written between them are counted, and a rebuild whose
 * fresh counters were lost or reset stops without putting anything right.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/events.h"
#include "crypto/keys.h"
#include "stats/rollup.h"
#include "store/store.h"
#include "lib/tempstore.h"

#define DAY_MS 86400000LL
/* 2026-02-28 23:59:59.999 in Shanghai (15:59:59.999 UTC): the last instant of February. */
#define FEB_END_MS 1772294399999LL

static char dir[64];
static struct yz_keys *keys;
static struct yz_store *store;

static struct yz_sql_def q_court = YZ_SQL("INSERT INTO courts(id, local_id, code, name, level) "
                                          "VALUES (1, 'c1', '渝0103', '渝中法院', 'basic')");
static struct yz_sql_def q_user = YZ_SQL(
    "INSERT INTO users(id, role, court_id, username, name, person_kind, password_hash, created_at)"
    " VALUES (1, 'filing_clerk', 1, 'clerk', '王立案', 'staff', 'x', 0)");
static struct yz_sql_def q_matter =
    YZ_SQL("INSERT INTO matters(id, kind, state, court_id, title, channel, created_by, created_at,"
           " updated_at, version) VALUES (?, ?, 'x', 1, 't', 'web', 1, ?, ?, 1)");
static struct yz_sql_def q_rows = YZ_SQL("SELECT count(*), coalesce(sum(n), 0) FROM rollup_daily");
static struct yz_sql_def q_row =
    YZ_SQL("SELECT n FROM rollup_daily WHERE day = ? AND kind = ? AND event = ? AND from_state = ?"
           " AND state = ? AND channel = ? AND days = ?");
static struct yz_sql_def q_month_row =
    YZ_SQL("SELECT n FROM rollup_monthly WHERE month = ? AND kind = ? AND event = ? AND state = ?"
           " AND channel = ? AND days = ?");

static const struct yz_rollup_matter filing = {1, "filing", FEB_END_MS - 5 * DAY_MS};
static const struct yz_rollup_matter inquiry = {1, "inquiry", FEB_END_MS};
static int64_t filing_id = 1, inquiry_id = 2;

static enum yz_err seed_tx(struct yz_tx *tx, void *p)
{
    (void)p;
    enum yz_err e;
    if ((e = yz_exec(yz_sql(tx, &q_court))) != YZ_OK || (e = yz_exec(yz_sql(tx, &q_user))) != YZ_OK)
        return e;
    const struct yz_rollup_matter *m[] = {&filing, &inquiry};
    for (int i = 0; i < 2; i++) {
        struct yz_stmt *st = yz_sql(tx, &q_matter);
        yz_bind_i64(st, 1, i + 1);
        yz_bind_text(st, 2, m[i]->kind);
        yz_bind_i64(st, 3, m[i]->created_at);
        yz_bind_i64(st, 4, m[i]->created_at);
        if ((e = yz_exec(st)) != YZ_OK)
            return e;
    }
    return YZ_OK;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/yz-rollup-XXXXXX");
    enum yz_err e = yzt_tempstore_open(dir, &keys, &store);
    if (e == YZ_OK)
        e = yz_store_write(store, seed_tx, NULL);
    return e == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    yz_store_close(store);
    yz_keys_free(keys);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* One event of a matter's stream as matters.c records one: appended, then counted. */
struct event {
    const struct yz_rollup_matter *m;
    int64_t matter_id;
    const char *type, *channel;
    int64_t at;
    const char *payload; /* JSON */
};

static enum yz_err record_tx(struct yz_tx *tx, void *p)
{
    const struct event *ev = p;
    char stream[32];
    snprintf(stream, sizeof stream, "matter/%lld", (long long)ev->matter_id);
    json_t *payload = json_loads(ev->payload, 0, NULL);
    if (!payload)
        return YZ_ERR_INTERNAL;
    struct yz_event row = {
        .stream = stream, .type = ev->type, .channel = ev->channel, .at = ev->at};
    enum yz_err e = yz_event_append_json(tx, keys, &row, payload, 1000, NULL, NULL);
    if (e == YZ_OK)
        e = yz_rollup_add(tx, ev->m, ev->type, ev->channel, ev->at, payload);
    json_decref(payload);
    return e;
}

static void record(const struct event *ev)
{
    assert_int_equal(yz_store_write(store, record_tx, (void *)ev), YZ_OK);
}

struct rebuild {
    int64_t rows, differed;
};

/* The rebuild's result, reading the history in runs of run_events events
 * (0: yz_rollup_rebuild's own). */
static struct rebuild rebuilt(int64_t run_events)
{
    struct rebuild r = {-1, -1};
    struct yz_rollup_pace pace = YZ_ROLLUP_PACE;
    if (run_events)
        pace.run_events = run_events;
    pace.pause_ms = 0;
    assert_int_equal(yz_rollup_rebuild(store, &pace, &r.rows, &r.differed), YZ_OK);
    return r;
}

/* One step of a rebuild driven by hand, in a write transaction of its own:
 * 'b'egin, 'r'un or 's'ettle, in runs of 4 events, one court a settling step. */
struct step {
    struct yz_rollup_rebuild *r;
    char what;
};

static enum yz_err step_tx(struct yz_tx *tx, void *p)
{
    struct step *s = p;
    const struct yz_rollup_pace pace = {4, 0, 0};
    if (s->what == 'b')
        return yz_rollup_rebuild_begin(tx, s->r);
    if (s->what == 'r')
        return yz_rollup_rebuild_run(tx, s->r, pace.run_events);
    return yz_rollup_rebuild_settle(tx, s->r, &pace);
}

static enum yz_err step(struct yz_rollup_rebuild *r, char what)
{
    struct step s = {r, what};
    return yz_store_write(store, step_tx, &s);
}

struct count {
    struct yz_sql_def *q;
    const char *text[6];
    int64_t days;
    int64_t n[2];
};

static enum yz_err count_tx(struct yz_tx *tx, void *p)
{
    struct count *c = p;
    struct yz_stmt *st = yz_sql(tx, c->q);
    int col = 1;
    for (; c->q != &q_rows && col <= 6 && c->text[col - 1]; col++)
        yz_bind_text(st, col, c->text[col - 1]);
    if (c->q != &q_rows)
        yz_bind_i64(st, col, c->days);
    bool row;
    enum yz_err e = yz_step(st, &row);
    c->n[0] = e == YZ_OK && row ? yz_col_i64(st, 0) : 0;
    c->n[1] = e == YZ_OK && row && c->q == &q_rows ? yz_col_i64(st, 1) : 0;
    if (e == YZ_OK)
        e = yz_exec(st);
    return e;
}

/* n of the daily counter DAY KIND EVENT FROM TO CHANNEL DAYS (0 when there is none). */
static int64_t daily(const char *day, const char *kind, const char *event, const char *from,
                     const char *to, const char *channel, int64_t days)
{
    struct count c = {&q_row, {day, kind, event, from, to, channel}, days, {0, 0}};
    assert_int_equal(yz_store_read(store, count_tx, &c), YZ_OK);
    return c.n[0];
}

static int64_t monthly(const char *month, const char *kind, const char *event, const char *to,
                       const char *channel, int64_t days)
{
    struct count c = {&q_month_row, {month, kind, event, to, channel, NULL}, days, {0, 0}};
    assert_int_equal(yz_store_read(store, count_tx, &c), YZ_OK);
    return c.n[0];
}

static void counters_kept_per_event_equal_the_rebuild(void **state)
{
    (void)state;
    const struct event events[] = {
        /* A filing at the window, at the last instant of February in Shanghai. */
        {&filing, filing_id, "filing.submit", "hall", FEB_END_MS,
         "{\"event\":\"submit\",\"from\":null,\"to\":\"submitted\",\"role\":\"filing_clerk\","
         "\"fields\":{\"channel\":\"window\"}}"},
        /* Registered a millisecond later: 1 March, five whole days after its creation. */
        {&filing, filing_id, "filing.register", "hall", FEB_END_MS + 1,
         "{\"event\":\"register\",\"from\":\"submitted\",\"to\":\"registered\",\"fields\":{}}"},
        /* The same key again: counted twice. */
        {&filing, filing_id, "filing.register", "hall", FEB_END_MS + 2,
         "{\"event\":\"register\",\"from\":\"submitted\",\"to\":\"registered\",\"fields\":{}}"},
        /* After a decision no days; the channel from fields of other JSON types. */
        {&filing, filing_id, "filing.refuse", "web", FEB_END_MS + DAY_MS,
         "{\"event\":\"refuse\",\"from\":\"registered\",\"to\":\"refused\","
         "\"fields\":{\"channel\":7}}"},
        {&filing, filing_id, "filing.note", "web", FEB_END_MS + 2 * DAY_MS,
         "{\"event\":\"note\",\"from\":\"refused\",\"to\":\"refused\",\"fields\":{\"channel\":true}"
         "}"},
        {&filing, filing_id, "filing.note", "web", FEB_END_MS + 2 * DAY_MS,
         "{\"event\":\"note\",\"from\":\"refused\",\"to\":\"refused\",\"fields\":{\"channel\":"
         "false}}"},
        {&filing, filing_id, "filing.note", "web", FEB_END_MS + 2 * DAY_MS,
         "{\"event\":\"note\",\"from\":\"refused\",\"to\":\"refused\","
         "\"fields\":{\"channel\":{\"b\":[1,\"渝\"],\"a\":\"x\"}}}"},
        {&filing, filing_id, "filing.note", "web", FEB_END_MS + 2 * DAY_MS,
         "{\"event\":\"note\",\"from\":\"refused\",\"to\":\"refused\",\"fields\":{\"channel\":null}"
         "}"},
        /* A decision whose state before is not text, and an event named by a number. */
        {&filing, filing_id, "filing.refuse", "web", FEB_END_MS + 3 * DAY_MS,
         "{\"event\":\"refuse\",\"from\":3,\"to\":\"refused\",\"fields\":{}}"},
        {&filing, filing_id, "filing.5", "web", FEB_END_MS + 3 * DAY_MS,
         "{\"event\":5,\"from\":\"refused\",\"to\":\"refused\",\"fields\":[]}"},
        /* Not counted: another kind's type, a name that does not match, no state. */
        {&filing, filing_id, "inquiry.register", "web", FEB_END_MS,
         "{\"event\":\"register\",\"from\":\"submitted\",\"to\":\"registered\",\"fields\":{}}"},
        {&filing, filing_id, "filing.registered", "web", FEB_END_MS,
         "{\"event\":\"register\",\"from\":\"submitted\",\"to\":\"registered\",\"fields\":{}}"},
        {&filing, filing_id, "filing.fee_assessed", "system", FEB_END_MS,
         "{\"event\":\"fee_assessed\",\"fee_fen\":5000}"},
        {&filing, filing_id, "filing.fee_assessed", "system", FEB_END_MS,
         "{\"event\":\"fee_assessed\",\"to\":null}"},
        /* Another kind: a decision there has no days. */
        {&inquiry, inquiry_id, "inquiry.create", "mobile", FEB_END_MS + 1,
         "{\"event\":\"create\",\"from\":null,\"to\":\"registered\",\"fields\":{\"channel\":"
         "\"web\"}}"},
    };
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
        record(&events[i]);

    /* Runs of one event each add up as one run does: the two events under
     * one key above fall in different runs. */
    const int64_t runs[] = {1, 2, 3, 1000, 0};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct rebuild r = rebuilt(runs[i]);
        assert_int_equal(r.differed, 0);
        assert_int_equal(r.rows, 10);
    }
    struct count total = {&q_rows, {NULL}, 0, {0, 0}};
    assert_int_equal(yz_store_read(store, count_tx, &total), YZ_OK);
    assert_int_equal(total.n[0], 10);
    assert_int_equal(total.n[1], 11);

    /* What the keys are, read back. */
    assert_int_equal(daily("2026-02-28", "filing", "submit", "", "submitted", "window", -1), 1);
    assert_int_equal(
        daily("2026-03-01", "filing", "register", "submitted", "registered", "hall", 5), 2);
    assert_int_equal(monthly("2026-03", "filing", "register", "registered", "hall", 5), 2);
    assert_int_equal(monthly("2026-02", "filing", "submit", "submitted", "window", -1), 1);
    assert_int_equal(daily("2026-03-01", "filing", "refuse", "registered", "refused", "7", -1), 1);
    assert_int_equal(daily("2026-03-02", "filing", "note", "refused", "refused", "1", -1), 1);
    assert_int_equal(daily("2026-03-02", "filing", "note", "refused", "refused", "0", -1), 1);
    assert_int_equal(daily("2026-03-02", "filing", "note", "refused", "refused",
                           "{\"a\":\"x\",\"b\":[1,\"渝\"]}", -1),
                     1);
    assert_int_equal(daily("2026-03-02", "filing", "note", "refused", "refused", "web", -1), 1);
    assert_int_equal(daily("2026-03-03", "filing", "refuse", "3", "refused", "web", 8), 1);
    assert_int_equal(daily("2026-03-03", "filing", "5", "refused", "refused", "web", -1), 1);
    assert_int_equal(daily("2026-03-01", "inquiry", "create", "", "registered", "web", -1), 1);
}

static struct yz_sql_def q_tamper[] = {
    /* Another count. */
    YZ_SQL("UPDATE rollup_daily SET n = n + 5 WHERE day = '2026-03-01' AND event = 'register'"),
    /* Missing. */
    YZ_SQL("DELETE FROM rollup_daily WHERE day = '2026-02-28' AND event = 'submit'"),
    /* Extra: a key the history does not have. */
    YZ_SQL("INSERT INTO rollup_daily(court_id, day, kind, event, from_state, state, channel, days,"
           " n) VALUES (1, '2026-03-01', 'filing', 'register', 'submitted', 'registered', 'hall',"
           " 4, 1)"),
    /* The same by month. */
    YZ_SQL("UPDATE rollup_monthly SET n = 0 WHERE month = '2026-02' AND event = 'submit'"),
    YZ_SQL("DELETE FROM rollup_monthly WHERE month = '2026-03' AND event = 'register'"),
    YZ_SQL("INSERT INTO rollup_monthly(court_id, month, kind, event, from_state, state, channel,"
           " days, n) VALUES (1, '2026-01', 'inquiry', 'create', '', 'registered', 'web', -1, 2)"),
};

static enum yz_err tamper_tx(struct yz_tx *tx, void *p)
{
    (void)p;
    enum yz_err e = YZ_OK;
    for (size_t i = 0; e == YZ_OK && i < sizeof q_tamper / sizeof q_tamper[0]; i++)
        e = yz_exec(yz_sql(tx, &q_tamper[i]));
    return e;
}

/* Runs after counters_kept_per_event_equal_the_rebuild, on its events. */
static void counters_gone_wrong_are_found_and_put_right(void **state)
{
    (void)state;
    assert_int_equal(yz_store_write(store, tamper_tx, NULL), YZ_OK);
    assert_int_equal(daily("2026-02-28", "filing", "submit", "", "submitted", "window", -1), 0);

    struct rebuild r = rebuilt(2);
    assert_int_equal(r.differed, 6); /* each wrong row once, daily and monthly */
    assert_int_equal(r.rows, 10);
    assert_int_equal(
        daily("2026-03-01", "filing", "register", "submitted", "registered", "hall", 5), 2);
    assert_int_equal(daily("2026-02-28", "filing", "submit", "", "submitted", "window", -1), 1);
    assert_int_equal(
        daily("2026-03-01", "filing", "register", "submitted", "registered", "hall", 4), 0);
    assert_int_equal(monthly("2026-02", "filing", "submit", "submitted", "window", -1), 1);
    assert_int_equal(monthly("2026-03", "filing", "register", "registered", "hall", 5), 2);
    assert_int_equal(monthly("2026-01", "inquiry", "create", "registered", "web", -1), 0);
    struct count total = {&q_rows, {NULL}, 0, {0, 0}};
    assert_int_equal(yz_store_read(store, count_tx, &total), YZ_OK);
    assert_int_equal(total.n[0], 10);
    assert_int_equal(total.n[1], 11);

    r = rebuilt(0);
    assert_int_equal(r.differed, 0);
    assert_int_equal(r.rows, 10);
}

static struct yz_sql_def q_court2 = YZ_SQL("INSERT INTO courts(id, local_id, code, name, level) "
                                           "VALUES (2, 'c2', '渝0104', '大渡口法院', 'basic')");
static struct yz_sql_def q_matter2 =
    YZ_SQL("INSERT INTO matters(id, kind, state, court_id, title, channel, created_by, created_at,"
           " updated_at, version) VALUES (3, 'filing', 'x', 2, 't', 'web', 1, 0, 0, 1)");
static const struct yz_rollup_matter filing2 = {2, "filing", 0};

static enum yz_err exec_tx(struct yz_tx *tx, void *p)
{
    return yz_exec(yz_sql(tx, p));
}

/* Runs after the tests above. A server writes between the rebuild's steps:
 * events appended between two runs, after the last run, and between two
 * settling steps, to a court settled and to one not yet, are counted, and
 * the counters they moved are found right. */
static void events_written_between_the_steps_are_counted(void **state)
{
    (void)state;
    assert_int_equal(yz_store_write(store, exec_tx, &q_court2), YZ_OK);
    assert_int_equal(yz_store_write(store, exec_tx, &q_matter2), YZ_OK);
    const struct event note = {&filing, filing_id, "filing.note", "web", FEB_END_MS + 4 * DAY_MS,
                               "{\"event\":\"note\",\"from\":\"refused\",\"to\":\"refused\","
                               "\"fields\":{}}"};
    const struct event close = {&inquiry, inquiry_id, "inquiry.close", "web",
                                FEB_END_MS + 5 * DAY_MS,
                                "{\"event\":\"close\",\"from\":\"registered\",\"to\":"
                                "\"closed\",\"fields\":{}}"};
    const struct event submit2 = {&filing2, 3, "filing.submit", "web", FEB_END_MS,
                                  "{\"event\":\"submit\",\"from\":null,\"to\":\"submitted\","
                                  "\"fields\":{\"channel\":\"web\"}}"};
    record(&submit2);
    struct yz_rollup_rebuild r;
    assert_int_equal(step(&r, 'b'), YZ_OK);
    assert_int_equal(r.upto, 16);
    assert_int_equal(step(&r, 'r'), YZ_OK);
    assert_int_equal(r.done, 4);
    record(&note);
    while (r.done < r.upto)
        assert_int_equal(step(&r, 'r'), YZ_OK);
    assert_int_equal(r.done, 16);
    record(&note);
    assert_int_equal(step(&r, 's'), YZ_OK);
    assert_int_equal(r.done, 18);
    assert_int_equal(r.settled, 1);
    assert_false(r.finished);
    /* One event of the court settled, two of the court not yet. */
    record(&close);
    record(&submit2);
    record(&submit2);
    while (!r.finished)
        assert_int_equal(step(&r, 's'), YZ_OK);
    assert_int_equal(r.done, 21);
    assert_int_equal(r.differed, 0);
    assert_int_equal(r.rows, 13);
    assert_int_equal(daily("2026-03-04", "filing", "note", "refused", "refused", "web", -1), 2);
    assert_int_equal(daily("2026-03-05", "inquiry", "close", "registered", "closed", "web", -1), 1);
    assert_int_equal(monthly("2026-03", "inquiry", "close", "closed", "web", -1), 1);
    struct count total = {&q_rows, {NULL}, 0, {0, 0}};
    assert_int_equal(yz_store_read(store, count_tx, &total), YZ_OK);
    assert_int_equal(total.n[1], 17);
    struct rebuild whole = rebuilt(0);
    assert_int_equal(whole.differed, 0);
    assert_int_equal(whole.rows, 13);
}

static struct yz_sql_def q_wrong =
    YZ_SQL("UPDATE rollup_daily SET n = n + 5 WHERE day = '2026-03-05' AND event = 'close'");
static struct yz_sql_def q_lose = YZ_SQL("DROP TABLE temp.rollup_fresh_done");

/* Runs after the tests above. A rebuild whose fresh counters are not the ones
 * its steps left (lost with the connection's temp tables, or reset by another
 * rebuild) stops and puts nothing right from them. */
static void a_rebuild_whose_fresh_counters_are_gone_stops(void **state)
{
    (void)state;
    assert_int_equal(yz_store_write(store, exec_tx, &q_wrong), YZ_OK);
    struct yz_rollup_rebuild r, other;
    assert_int_equal(step(&r, 'b'), YZ_OK);
    assert_int_equal(step(&r, 'r'), YZ_OK);
    assert_int_equal(yz_store_write(store, exec_tx, &q_lose), YZ_OK);
    assert_int_equal(step(&r, 'r'), YZ_ERR_CONFLICT);
    assert_int_equal(step(&r, 's'), YZ_ERR_CONFLICT);

    assert_int_equal(step(&r, 'b'), YZ_OK);
    while (r.done < r.upto)
        assert_int_equal(step(&r, 'r'), YZ_OK);
    assert_int_equal(step(&other, 'b'), YZ_OK);
    assert_int_equal(step(&r, 's'), YZ_ERR_CONFLICT);
    assert_int_equal(daily("2026-03-05", "inquiry", "close", "registered", "closed", "web", -1), 6);

    /* The other rebuild, the one the counters now belong to, goes on. */
    while (other.done < other.upto)
        assert_int_equal(step(&other, 'r'), YZ_OK);
    while (!other.finished)
        assert_int_equal(step(&other, 's'), YZ_OK);
    assert_int_equal(other.differed, 1);
    assert_int_equal(daily("2026-03-05", "inquiry", "close", "registered", "closed", "web", -1), 1);
    struct rebuild whole = rebuilt(0);
    assert_int_equal(whole.differed, 0);
    assert_int_equal(whole.rows, 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_kept_per_event_equal_the_rebuild),
        cmocka_unit_test(counters_gone_wrong_are_found_and_put_right),
        cmocka_unit_test(events_written_between_the_steps_are_counted),
        cmocka_unit_test(a_rebuild_whose_fresh_counters_are_gone_stops),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
