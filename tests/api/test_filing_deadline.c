/*
 * The 7-day filing decision period on the holiday calendar, with the server's
 * clock pinned (test builds read YZ_TEST_NOW_MS): filed on 2026-09-28, the
 * nominal end 2026-10-05 falls in the National Day break (10-01..10-07), so
 * the period ends on 2026-10-08. On 2026-10-09 the application is overdue in
 * the clerk's queue and counted for the supervising court.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2026-09-28T02:00:00Z = 10:00 in Shanghai; 2026-10-09T02:00:00Z likewise. */
#define FILED_AT_MS "1790560800000"
#define LATER_MS "1791511200000"

static struct yz_test_server srv;

static int setup(void **state)
{
    yzt_global_setup(state);
    setenv("YZ_TEST_NOW_MS", FILED_AT_MS, 1);
    yzt_server_start(&srv, true, NULL);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    unsetenv("YZ_TEST_NOW_MS");
    return yzt_global_teardown(state);
}

/* RULE: filing-7-days — 登记立案规定 art. 8 with CPL art. 85 (holidays extend the period). */
static void decision_period_skips_national_day_and_overdue_is_flagged(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000002");
    json_t *app = json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}], s:s, s:s,"
        " s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "case_type", "民初", "parties", "role", "plaintiff", "kind",
        "natural", "name", "李四", "sex", "male", "citizen_id", "500103198502022330", "address",
        "重庆市渝中区", "role", "defendant", "kind", "natural", "name", "王五", "address",
        "重庆市南岸区", "claims", "偿还借款", "facts", "借款未还", "service_address", "address",
        "重庆市渝中区", "phone", "13800000002", "e_service_consent", 0);
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)yzt_court_id(&party, "渝0103"), "title", "节前立案",
                           "fields", "channel", "online", "application", app),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    assert_string_equal(yzt_json_str(&r, "deadlines.0.start_date"), "2026-09-28");
    assert_string_equal(yzt_json_str(&r, "deadlines.0.due_date"), "2026-10-08");
    yzt_response_free(&r);

    /* A week and a half later the clerk's queue flags it, and the supervisor counts it. */
    setenv("YZ_TEST_NOW_MS", LATER_MS, 1);
    yzt_server_restart(&srv, NULL);
    struct yzt_client clerk = {.srv = &srv}, supervisor = {.srv = &srv};
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&supervisor, "supervisor");
    yzt_request(&clerk, "GET", "/api/v1/filing/queue", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), id);
    assert_string_equal(yzt_json_str(&r, "items.0.due_date"), "2026-10-08");
    assert_true(yzt_json_bool(&r, "items.0.overdue"));
    yzt_response_free(&r);
    yzt_request(&supervisor, "GET", "/api/v1/filing/overdue", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "items.0.overdue"), 1);
    assert_string_equal(yzt_json_str(&r, "items.0.name"), "重庆市渝中区人民法院");
    assert_int_equal(yzt_json_int(&r, "items.0.pending"), 1);
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decision_period_skips_national_day_and_overdue_is_flagged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
