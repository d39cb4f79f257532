/*
 * Unit tests for the pure parts of src/mediation/roster.c: how specialties
 * match a cause in the real 2025 catalogue, the recommendation score, its
 * ranking and reason text, the rates and average duration; and the track
 * record queries against a real migrated database with mediation matters in
 * every state class (RULE: roster-track-record, roster-recommendation-score).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "mediation/roster.h"
#include "store/store.h"

static struct yz_catalog *cat;

static int setup(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    enum yz_err e = yz_catalog_load_dir("data", &cat, &err);
    if (e != YZ_OK)
        fprintf(stderr, "catalogue failed to load: %s\n", err.data);
    yz_buf_release(&err);
    return e == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    yz_catalog_free(cat);
    return 0;
}

static const struct yz_cause *cause(const char *code)
{
    const struct yz_cause *c = yz_catalog_cause(cat, code, YZ_CAUSE_REV_2025);
    if (!c)
        fail_msg("no 2025 cause %s", code);
    return c;
}

/* ---- matching ---- */

static void matches_exact_related_sibling_none(void **state)
{
    const struct yz_cause *loan = cause("108.3"), *by = NULL;
    const char *exact[] = {"14", "108.3"};
    assert_int_equal(yz_roster_match_cause(cat, exact, 2, loan, &by), YZ_ROSTER_MATCH_EXACT);
    assert_string_equal(by->code, "108.3");

    /* A broader specialty covers the cause; a narrower one is within a broad cause. */
    const char *parent[] = {"108"};
    assert_int_equal(yz_roster_match_cause(cat, parent, 1, loan, &by), YZ_ROSTER_MATCH_RELATED);
    assert_string_equal(by->code, "108");
    const char *contract[] = {"C10"};
    assert_int_equal(yz_roster_match_cause(cat, contract, 1, loan, NULL), YZ_ROSTER_MATCH_RELATED);
    const char *narrow[] = {"108.3"};
    assert_int_equal(yz_roster_match_cause(cat, narrow, 1, cause("108"), NULL),
                     YZ_ROSTER_MATCH_RELATED);

    /* Same parent (借款合同纠纷): a sibling. */
    const char *sibling[] = {"108.4"};
    assert_int_equal(yz_roster_match_cause(cat, sibling, 1, loan, &by), YZ_ROSTER_MATCH_SIBLING);
    assert_string_equal(by->code, "108.4");

    /* Unrelated, unknown, and siblings only under a 一级 part are no match. */
    const char *none[] = {"14", "no-such", "55"};
    assert_int_equal(yz_roster_match_cause(cat, none, 3, loan, &by), YZ_ROSTER_MATCH_NONE);
    assert_null(by);
    const char *part_sibling[] = {"C11"};
    assert_int_equal(cause("C11")->parent, cause("C10")->parent);
    assert_int_equal(yz_roster_match_cause(cat, part_sibling, 1, cause("C10"), NULL),
                     YZ_ROSTER_MATCH_NONE);

    /* The best of several wins whatever the order. */
    const char *several[] = {"108.4", "108", "108.3"};
    assert_int_equal(yz_roster_match_cause(cat, several, 3, loan, &by), YZ_ROSTER_MATCH_EXACT);
    assert_int_equal(yz_roster_match_cause(cat, several, 2, loan, &by), YZ_ROSTER_MATCH_RELATED);
    assert_int_equal(yz_roster_match_cause(cat, NULL, 0, loan, NULL), YZ_ROSTER_MATCH_NONE);
}

/* ---- score, rank, reason ---- */

static struct yz_roster_candidate candidate(int64_t id, enum yz_roster_match m, bool local,
                                            int64_t running, int64_t capacity, int64_t decided,
                                            int64_t succeeded)
{
    struct yz_roster_candidate c;
    memset(&c, 0, sizeof c);
    c.mediator_id = id;
    c.match = m;
    c.local = local;
    snprintf(c.region, sizeof c.region, "%s", "重庆市");
    c.running = running;
    c.capacity = capacity;
    c.decided = decided;
    c.succeeded = succeeded;
    yz_roster_score(&c);
    return c;
}

static void scores_each_component(void **state)
{
    struct yz_roster_candidate c = candidate(1, YZ_ROSTER_MATCH_EXACT, true, 0, 10, 0, 0);
    assert_int_equal(c.specialty_points, 40);
    assert_int_equal(c.region_points, 20);
    assert_int_equal(c.load_points, 20);
    assert_int_equal(c.success_points, 10); /* nothing decided yet: neutral */
    assert_int_equal(c.score, 90);

    c = candidate(1, YZ_ROSTER_MATCH_RELATED, false, 3, 10, 5, 4);
    assert_int_equal(c.specialty_points, 30);
    assert_int_equal(c.region_points, 10);
    assert_int_equal(c.load_points, 14);    /* 20 x 7/10 */
    assert_int_equal(c.success_points, 16); /* 20 x 4/5 */
    assert_int_equal(c.score, 70);

    c = candidate(1, YZ_ROSTER_MATCH_SIBLING, true, 2, 3, 3, 2);
    assert_int_equal(c.specialty_points, 20);
    assert_int_equal(c.load_points, 6);     /* 20 x 1/3, rounded down */
    assert_int_equal(c.success_points, 13); /* 20 x 2/3 = 13.3 */

    c = candidate(1, YZ_ROSTER_MATCH_NONE, true, 10, 10, 2, 0);
    assert_int_equal(c.specialty_points, 0);
    assert_int_equal(c.load_points, 0);
    assert_int_equal(c.success_points, 0);
    c = candidate(1, YZ_ROSTER_MATCH_NONE, true, 0, 0, 0, 0);
    assert_int_equal(c.load_points, 0);
}

static void ranks_by_score_then_id(void **state)
{
    struct yz_roster_candidate c[4] = {
        candidate(7, YZ_ROSTER_MATCH_SIBLING, true, 0, 10, 0, 0), /* 70 */
        candidate(9, YZ_ROSTER_MATCH_EXACT, true, 0, 10, 0, 0),   /* 90 */
        candidate(3, YZ_ROSTER_MATCH_SIBLING, true, 0, 10, 0, 0), /* 70 */
        candidate(5, YZ_ROSTER_MATCH_EXACT, true, 5, 10, 0, 0),   /* 80 */
    };
    yz_roster_rank(c, 4);
    assert_int_equal(c[0].mediator_id, 9);
    assert_int_equal(c[1].mediator_id, 5);
    assert_int_equal(c[2].mediator_id, 3);
    assert_int_equal(c[3].mediator_id, 7);
    yz_roster_rank(c, 0); /* harmless */
}

static void explains_in_chinese(void **state)
{
    const struct yz_cause *loan = cause("108.3");
    struct yz_buf b = YZ_BUF_INIT(1024);
    struct yz_roster_candidate c = candidate(1, YZ_ROSTER_MATCH_EXACT, true, 2, 10, 5, 4);
    c.matched = loan;
    yz_roster_reason(&c, loan, &b);
    assert_string_equal(b.data, "擅长民间借贷纠纷；地处本院辖区；当前承办 2/10 件；调解成功率 80%");

    yz_buf_reset(&b);
    c = candidate(1, YZ_ROSTER_MATCH_RELATED, false, 0, 5, 0, 0);
    c.matched = cause("108");
    yz_roster_reason(&c, loan, &b);
    assert_string_equal(
        b.data,
        "擅长借款合同纠纷（含民间借贷纠纷）；所在地区：重庆市；当前承办 0/5 件；暂无办结记录");

    yz_buf_reset(&b);
    c = candidate(1, YZ_ROSTER_MATCH_SIBLING, true, 1, 5, 1, 0);
    c.matched = cause("108.4");
    yz_roster_reason(&c, loan, &b);
    assert_string_equal(
        b.data, "擅长相近案由小额借款合同纠纷；地处本院辖区；当前承办 1/5 件；调解成功率 0%");

    yz_buf_reset(&b);
    c = candidate(1, YZ_ROSTER_MATCH_NONE, true, 0, 5, 0, 0);
    yz_roster_reason(&c, loan, &b);
    assert_non_null(strstr(b.data, "未登记该类纠纷专长"));
    yz_buf_release(&b);
}

/* ---- figures ---- */

static void rounds_rates_and_days(void **state)
{
    assert_int_equal(yz_roster_pct(1, 3), 33);
    assert_int_equal(yz_roster_pct(2, 3), 67);
    assert_int_equal(yz_roster_pct(1, 2), 50);
    assert_int_equal(yz_roster_pct(0, 4), 0);
    assert_int_equal(yz_roster_pct(5, 5), 100);
    assert_int_equal(yz_roster_pct(0, 0), -1);

    struct yz_roster_stats none = {0};
    json_t *j = yz_roster_stats_json(&none, false);
    assert_true(json_is_null(json_object_get(j, "success_rate_pct")));
    assert_true(json_is_null(json_object_get(j, "confirmation_rate_pct")));
    assert_true(json_is_null(json_object_get(j, "average_days")));
    assert_null(json_object_get(j, "running")); /* workload figures only on request */
    assert_null(json_object_get(j, "overdue"));
    json_decref(j);

    struct yz_roster_stats s = {.intake = 9,
                                .running = 3,
                                .decided = 4,
                                .succeeded = 3,
                                .confirmed = 1,
                                .overdue = 2,
                                .decided_ms = 4LL * 86400000 * 5 / 2 + 3600000};
    j = yz_roster_stats_json(&s, true);
    assert_int_equal(json_integer_value(json_object_get(j, "intake")), 9);
    assert_int_equal(json_integer_value(json_object_get(j, "success_rate_pct")), 75);
    assert_int_equal(json_integer_value(json_object_get(j, "confirmation_rate_pct")), 33);
    assert_true(json_real_value(json_object_get(j, "average_days")) == 2.5);
    assert_int_equal(json_integer_value(json_object_get(j, "running")), 3);
    assert_int_equal(json_integer_value(json_object_get(j, "overdue")), 2);
    json_decref(j);
}

/* ---- the track record queries on a real database ---- */

static char dir[64], path[128];

static void sql(sqlite3 *db, const char *text)
{
    char *msg = NULL;
    if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", text, msg);
}

struct stats_ctx {
    int64_t id;
    bool org;
    struct yz_date today;
    struct yz_roster_stats out;
};

static enum yz_err stats_tx(struct yz_tx *tx, void *p)
{
    struct stats_ctx *c = p;
    return c->org ? yz_roster_org_stats(tx, c->id, c->today, &c->out)
                  : yz_roster_mediator_stats(tx, c->id, c->today, &c->out);
}

static struct yz_roster_stats stats(struct yz_store *s, int64_t id, bool org)
{
    struct stats_ctx c = {.id = id, .org = org, .today = {2026, 3, 10}};
    assert_int_equal(yz_store_read(s, stats_tx, &c), YZ_OK);
    return c.out;
}

/* A mediation matter of mediator user 10 (or 11), with its participant row. */
static void matter(sqlite3 *db, int id, const char *kind, const char *state, int user,
                   long long created, long long updated, const char *data)
{
    char q[600];
    snprintf(q, sizeof q,
             "INSERT INTO matters(id, kind, state, court_id, title, channel, created_by,"
             " created_at, updated_at, version, data) VALUES (%d, '%s', '%s', 1, 't', 'web', 1,"
             " %lld, %lld, 1, '%s');",
             id, kind, state, created, updated, data);
    sql(db, q);
    if (user) {
        snprintf(q, sizeof q,
                 "INSERT INTO matter_participants(matter_id, user_id, capacity)"
                 " VALUES (%d, %d, 'mediator');",
                 id, user);
        sql(db, q);
    }
}

static void track_record_from_matters(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/yz-roster-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
    struct yz_store_options o = {
        .path = path, .busy_timeout_ms = 1000, .max_rows = 10, .connections = 2};
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_store *s = NULL;
    if (yz_store_open(&o, &s, &err) != YZ_OK)
        fail_msg("open: %s", err.data);
    yz_buf_release(&err);

    /* Nothing delegated yet: zeros, not errors. */
    struct yz_roster_stats z = stats(s, 1, false);
    assert_int_equal(z.intake + z.running + z.decided + z.overdue, 0);
    z = stats(s, 1, true);
    assert_int_equal(z.intake, 0);

    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sql(db, "INSERT INTO courts(id, local_id, code, name, level) VALUES (1, 'x', '渝0103', "
            "'重庆市渝中区人民法院', 'basic');"
            "INSERT INTO users(id, role, phone_hash, name, person_kind, password_hash, created_at)"
            " VALUES (1, 'party', 'h1', '张三', 'natural', 'x', 0),"
            " (10, 'mediator', 'h10', '钱', 'natural', 'x', 0),"
            " (11, 'mediator', 'h11', '孔', 'natural', 'x', 0),"
            " (12, 'mediator', 'h12', '李', 'natural', 'x', 0);"
            "INSERT INTO mediation_orgs(id, court_id, name, kind, region, created_at, updated_at)"
            " VALUES (1, 1, '调委会', 'people', '渝中区', 0, 0);"
            "INSERT INTO mediators(id, user_id, org_id, court_id, name, capacity, created_at, "
            "updated_at)"
            " VALUES (1, 10, 1, 1, '钱', 10, 0, 0), (2, 11, 1, 1, '孔', 10, 0, 0),"
            " (3, 12, NULL, 1, '李', 10, 0, 0);");
    long long day = 86400000;
    /* Mediator 1: two running (one overdue, one not), one waiting for acceptance,
     * settled, performed, confirmation applied (its confirmation case confirmed),
     * not settled, closed, withdrawn; plus a filing they take part in. */
    matter(db, 1, "mediation", "mediating", 10, 0, day, "{}");
    matter(db, 2, "mediation", "mediating", 10, 0, day, "{}");
    matter(db, 3, "mediation", "delegated", 10, 0, day, "{}");
    matter(db, 4, "mediation", "settled", 10, 0, 10 * day, "{}");
    matter(db, 5, "mediation", "performed", 10, 0, 20 * day, "{}");
    matter(db, 6, "mediation", "confirmation_applied", 10, 0, 30 * day,
           "{\"confirmation_matter_id\": 20}");
    matter(db, 7, "mediation", "not_settled", 10, 0, 5 * day, "{}");
    matter(db, 8, "mediation", "closed", 10, 0, 5 * day, "{}");
    matter(db, 9, "mediation", "withdrawn", 10, 0, day, "{}");
    matter(db, 15, "filing", "submitted", 10, 0, day, "{}");
    matter(db, 20, "judicial_confirmation", "confirmed", 0, 0, day, "{}");
    /* A confirmation case that is not confirmed does not count. */
    matter(db, 10, "mediation", "confirmation_applied", 10, 0, 30 * day,
           "{\"confirmation_matter_id\": 21}");
    matter(db, 21, "judicial_confirmation", "accepted", 0, 0, day, "{}");
    /* Mediator 2 (same organisation): one settled; mediator 3 (independent): one running. */
    matter(db, 11, "mediation", "settled", 11, 0, 2 * day, "{}");
    matter(db, 12, "mediation", "mediating", 12, 0, day, "{}");
    /* Deadlines: overdue (due before 2026-03-10), due today (not yet), stopped, and
     * an overdue one on a finished matter (not counted), an acceptance deadline (other name). */
    sql(db,
        "INSERT INTO deadlines(matter_id, name, start_date, due_date, unit, n, stopped_at) VALUES"
        " (1, 'mediation', '2026-01-01', '2026-03-09', 'days', 30, NULL),"
        " (2, 'mediation', '2026-02-08', '2026-03-10', 'days', 30, NULL),"
        " (7, 'mediation', '2026-01-01', '2026-01-31', 'days', 30, NULL),"
        " (3, 'acceptance', '2026-01-01', '2026-01-05', 'workdays', 3, NULL),"
        " (12, 'mediation', '2026-01-01', '2026-02-01', 'days', 30, 5);");
    sqlite3_close(db);

    struct yz_roster_stats m = stats(s, 1, false);
    assert_int_equal(m.intake, 10); /* every mediation matter, the filing excluded */
    assert_int_equal(m.running, 3); /* 1, 2, 3 */
    assert_int_equal(m.decided, 6); /* 4, 5, 6, 10 succeeded; 7, 8 failed */
    assert_int_equal(m.succeeded, 4);
    assert_int_equal(m.confirmed, 1); /* 6 only: 21 is not confirmed */
    assert_int_equal(m.overdue, 1);   /* 1: 2 is due today, 7 is finished, 3 is acceptance */
    assert_int_equal(m.decided_ms, (10 + 20 + 30 + 30 + 5 + 5) * day);
    json_t *j = yz_roster_stats_json(&m, true);
    assert_int_equal(json_integer_value(json_object_get(j, "success_rate_pct")), 67);
    assert_int_equal(json_integer_value(json_object_get(j, "confirmation_rate_pct")), 25);
    assert_true(json_real_value(json_object_get(j, "average_days")) == 16.7);
    json_decref(j);

    struct yz_roster_stats m3 = stats(s, 3, false);
    assert_int_equal(m3.intake, 1);
    assert_int_equal(m3.running, 1);
    assert_int_equal(m3.overdue, 0); /* its deadline was stopped */

    /* The organisation: mediators 1 and 2, not the independent one. */
    struct yz_roster_stats g = stats(s, 1, true);
    assert_int_equal(g.intake, 11);
    assert_int_equal(g.running, 3);
    assert_int_equal(g.decided, 7);
    assert_int_equal(g.succeeded, 5);
    assert_int_equal(g.overdue, 1);
    assert_int_equal(stats(s, 2, true).intake, 0);

    yz_store_close(s);
    char p[160];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_exact_related_sibling_none),
        cmocka_unit_test(scores_each_component),
        cmocka_unit_test(ranks_by_score_then_id),
        cmocka_unit_test(explains_in_chinese),
        cmocka_unit_test(rounds_rates_and_days),
        cmocka_unit_test(track_record_from_matters),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
