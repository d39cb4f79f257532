/*
 * End-to-end tests of the court dashboard (GET /api/v1/dashboard) and its
 * rollups: the exact JSON shape; filings by channel and court, decision
 * times, counted in the transaction of each event; the supervisor's view of
 * the courts below; who may read it (another court 404 and recorded, other
 * roles 403); every bad parameter named; `yizhan rollup rebuild` agreeing
 * with the incremental counters, and repairing them when they were tampered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/cases.h"
#include "lib/demo.h"
#include "lib/mediation.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_test_server srv;
/* Staff log in once: a TOTP code works once per 30 s step. */
static struct yzt_client admin = {.srv = &srv}, admin_jb = {.srv = &srv}, clerk = {.srv = &srv},
                         judge = {.srv = &srv}, supervisor = {.srv = &srv},
                         party = {.srv = &srv}, mediator = {.srv = &srv};
static int64_t court, court_jb, court_05;

#define DENIALS_SQL                                                                                \
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'"

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&admin, "court_admin");
    yzt_demo_login(&admin_jb, "court_admin_jb");
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&judge, "judge");
    yzt_demo_login(&supervisor, "supervisor");
    yzt_demo_login(&party, "13800000001");
    yzt_demo_login(&mediator, "13800000005");
    court = yzt_court_id(&admin, "渝0103");
    court_jb = yzt_court_id(&admin, "渝0105");
    court_05 = yzt_court_id(&admin, "渝05");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void dashboard(struct yzt_client *c, int64_t court_id, const char *extra,
                      struct yzt_response *r)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/dashboard?court_id=%lld%s", (long long)court_id,
             extra ? extra : "");
    yzt_request(c, "GET", path, NULL, NULL, r);
}

static int64_t channel_count(json_t *d, const char *channel)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(d, "filings_by_channel"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "channel")), channel) == 0)
            return json_integer_value(json_object_get(it, "count"));
    }
    return 0;
}

static json_t *court_item(json_t *d, int64_t id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(d, "filings_by_court"), i, it)
    {
        if (json_integer_value(json_object_get(it, "court_id")) == id)
            return it;
    }
    return NULL;
}

static void assert_members(json_t *o, const char *const *names)
{
    size_t n = 0;
    for (; names[n]; n++)
        if (!json_object_get(o, names[n]))
            fail_msg("member %s missing", names[n]);
    assert_int_equal(json_object_size(o), n);
}

static void assert_shape(json_t *d)
{
    static const char *const top[] = {"court_id",        "from",           "to",
                                      "filings_by_channel", "filings_by_court", "decision_days",
                                      "overdue_filings", "mediation",      "fast_track", NULL};
    static const char *const days[] = {"count", "avg", "p50", "p90", NULL};
    static const char *const med[] = {"concluded", "succeeded", "rate", NULL};
    static const char *const fast[] = {"decided", "fast_track", "share", NULL};
    static const char *const chan[] = {"channel", "count", NULL};
    static const char *const crt[] = {"court_id", "court_name", "count", NULL};
    assert_members(d, top);
    assert_true(json_is_integer(json_object_get(d, "court_id")));
    assert_int_equal(strlen(json_string_value(json_object_get(d, "from"))), 10);
    assert_int_equal(strlen(json_string_value(json_object_get(d, "to"))), 10);
    assert_members(json_object_get(d, "decision_days"), days);
    assert_true(json_is_integer(json_object_get(json_object_get(d, "decision_days"), "count")));
    assert_true(json_is_number(json_object_get(json_object_get(d, "decision_days"), "p90")));
    assert_members(json_object_get(d, "mediation"), med);
    assert_members(json_object_get(d, "fast_track"), fast);
    assert_true(json_is_integer(json_object_get(d, "overdue_filings")));
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(d, "filings_by_channel"), i, it) assert_members(it, chan);
    json_array_foreach(json_object_get(d, "filings_by_court"), i, it) assert_members(it, crt);
}

static void counts_filings_and_decisions_as_they_happen(void **state)
{
    struct yzt_response r = {0};
    dashboard(&admin, court, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_shape(r.json);
    assert_int_equal(json_integer_value(json_object_get(r.json, "court_id")), court);
    int64_t window = channel_count(r.json, "window");
    int64_t decided = yzt_json_int(&r, "decision_days.count");
    json_t *mine = court_item(r.json, court);
    assert_non_null(mine);
    int64_t filed = json_integer_value(json_object_get(mine, "count"));
    /* Only the admin's own court is in an admin's view. */
    assert_int_equal(json_array_size(json_object_get(r.json, "filings_by_court")), 1);

    struct yzt_plaintiff p = {.name = "重庆示例银行股份有限公司", .credit_code = "91500103MA5U0AAA0Q"};
    for (int i = 0; i < 2; i++)
        yzt_case_register(&clerk, court,
                          yzt_case_application(&p, "李四", "115.2", "判令被告归还借款本金十万元",
                                               "被告借款到期未还", 10000000),
                          NULL, 0);
    dashboard(&admin, court, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_shape(r.json);
    assert_int_equal(channel_count(r.json, "window"), window + 2);
    assert_int_equal(yzt_json_int(&r, "decision_days.count"), decided + 2);
    assert_int_equal(json_integer_value(json_object_get(court_item(r.json, court), "count")),
                     filed + 2);

    /* A mediation that fails is concluded without success. */
    int64_t concluded = yzt_json_int(&r, "mediation.concluded");
    int64_t succeeded = yzt_json_int(&r, "mediation.succeeded");
    int64_t med = yzt_med_apply(&party, court, NULL, true, 201);
    yzt_med_delegate_accept(&clerk, &mediator, med);
    yzt_med_fire(&mediator, med,
                 json_pack("{s:s, s:{s:s, s:b}}", "event", "fail", "fields", "undisputed_facts",
                           "双方确认借款五万元已实际交付。", "addresses_confirmed", 1),
                 200, &r);
    dashboard(&admin, court, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "mediation.concluded"), concluded + 1);
    assert_int_equal(yzt_json_int(&r, "mediation.succeeded"), succeeded);

    /* A span that ends before today counts none of them. */
    dashboard(&admin, court, "&from=2020-01-01&to=2020-12-31", &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "from"), "2020-01-01");
    assert_string_equal(yzt_json_str(&r, "to"), "2020-12-31");
    assert_int_equal(channel_count(r.json, "window"), 0);
    assert_int_equal(yzt_json_int(&r, "decision_days.count"), 0);

    /* The supervisor at 渝05 sees 渝0103 among the courts below. */
    dashboard(&supervisor, court_05, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_shape(r.json);
    assert_non_null(court_item(r.json, court_05));
    assert_non_null(court_item(r.json, court));
    assert_true(channel_count(r.json, "window") >= window + 2);
    yzt_response_free(&r);
}

static void only_supervisors_and_the_courts_admin_may_read_it(void **state)
{
    struct yzt_response r = {0};
    int64_t denials = yzt_db_count(&srv, DENIALS_SQL);
    /* Another court's admin: answered like a court that is not there, recorded. */
    dashboard(&admin_jb, court, NULL, &r);
    yzt_assert_status(&r, 404);
    assert_int_equal(yzt_db_count(&srv, DENIALS_SQL), denials + 1);
    dashboard(&admin_jb, court_jb, NULL, &r);
    yzt_assert_status(&r, 200);
    /* Other roles may not use the route at all. */
    dashboard(&judge, court, NULL, &r);
    yzt_assert_status(&r, 403);
    dashboard(&party, court, NULL, &r);
    yzt_assert_status(&r, 403);
    struct yzt_client anon = {.srv = &srv};
    dashboard(&anon, court, NULL, &r);
    yzt_assert_status(&r, 401);
    yzt_response_free(&r);
}

static void bad_parameters_are_named(void **state)
{
    static const struct {
        const char *query, *field;
    } bad[] = {
        {"/api/v1/dashboard?court_id=abc", "query/court_id"},
        {"/api/v1/dashboard?court_id=99999999", "query/court_id"},
        {"/api/v1/dashboard?from=2026-13-01", "query/from"},
        {"/api/v1/dashboard?to=2026-02-30", "query/to"},
        {"/api/v1/dashboard?from=2026-05-02&to=2026-05-01", "query/from"},
        {"/api/v1/dashboard?from=2000-01-01&to=2026-01-01", "query/from"},
    };
    struct yzt_response r = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        yzt_request(&admin, "GET", bad[i].query, NULL, NULL, &r);
        yzt_assert_status(&r, 400);
        if (!strstr(r.body, bad[i].field))
            fail_msg("%s: %s not named in %s", bad[i].query, bad[i].field, r.body);
    }
    yzt_response_free(&r);
}

static void rebuild_equals_the_incremental_counters(void **state)
{
    char dir[300], out[2048];
    snprintf(dir, sizeof dir, "%s", srv.dir);
    const char *const args[] = {"rollup", "rebuild", "--dir", dir, NULL};
    /* Beside the registrations and the mediation above, creates and
     * transitions of other kinds and channels: a party's inquiry (its channel
     * from its fields), answered by the clerk; an online filing refused. */
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:s, s:s}}", "kind", "inquiry", "court_id",
                           (json_int_t)court, "title", "立案咨询", "fields", "question",
                           "借款纠纷如何起诉？", "topic", "filing", "channel", "web"),
                 &r);
    yzt_assert_status(&r, 201);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)yzt_json_int(&r, "id"));
    yzt_post_new(&clerk, path,
                 json_pack("{s:s, s:{s:s, s:s}}", "event", "answer", "fields", "answer",
                           "请携带起诉状和证据材料到立案窗口。", "method", "online"),
                 &r);
    yzt_assert_status(&r, 200);
    const struct yzt_plaintiff zhang = {.name = "张三", .citizen_id = "500103199001011232"};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "张三诉李四", "fields", "channel", "online",
                           "application",
                           yzt_case_application(&zhang, "李四", "108.3", "偿还借款十万元",
                                                "被告借款十万元未还。", 10000000)),
                 &r);
    yzt_assert_status(&r, 201);
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)yzt_json_int(&r, "id"));
    yzt_post_new(&clerk, path,
                 json_pack("{s:s, s:{s:s}}", "event", "refuse", "fields", "reasons",
                           "起诉不符合法定条件，不予受理。"),
                 &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    assert_true(yzt_db_count(&srv, "SELECT count(*) FROM rollup_daily WHERE kind = 'inquiry'"
                                   " AND event = 'answer'") > 0);
    assert_true(yzt_db_count(&srv, "SELECT count(*) FROM rollup_daily WHERE kind = 'filing'"
                                   " AND event = 'refuse' AND days = 0") > 0);
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != 0)
        fail_msg("rollup rebuild: %d %s", rc, out);
    assert_non_null(strstr(out, "ok: "));

    struct yzt_response before = {0}, after = {0};
    dashboard(&admin, court, NULL, &before);
    yzt_assert_status(&before, 200);
    /* Counters gone wrong (by hand here) are found and put right. */
    char db[320];
    snprintf(db, sizeof db, "%s/yizhan.db", srv.dir);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "UPDATE rollup_daily SET n = n + 5 WHERE (court_id, day, kind,"
                                  " event, from_state, state, channel, days) = (SELECT court_id,"
                                  " day, kind, event, from_state, state, channel, days"
                                  " FROM rollup_daily LIMIT 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    rc = yzt_run_cli(args, out, sizeof out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "1 differed"));
    assert_int_equal(yzt_run_cli(args, out, sizeof out), 0);
    dashboard(&admin, court, NULL, &after);
    yzt_assert_status(&after, 200);
    assert_string_equal(before.body, after.body);
    yzt_response_free(&before);
    yzt_response_free(&after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_filings_and_decisions_as_they_happen),
        cmocka_unit_test(only_supervisors_and_the_courts_admin_may_read_it),
        cmocka_unit_test(bad_parameters_are_named),
        cmocka_unit_test(rebuild_equals_the_incremental_counters),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
