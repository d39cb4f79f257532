/*
 * Pre-filing mediation, the paths test_mediation.c leaves out: settled then
 * performed; closed for no response (by the clerk before delegation, by the
 * mediator while mediating) and withdrawn by the party, each stopping the
 * running deadline; judicial confirmation refused with reasons and not
 * accepted; the 30-day mediation period and its extension on the holiday
 * calendar; conversion into a filing that keeps the party's uploaded
 * materials; a session invitation that really arrives at an SMTP server;
 * and an application for judicial confirmation on day 30 (accepted) and on
 * day 31 (refused as out of time).
 *
 * The server's clock is pinned (test builds read YZ_TEST_NOW_MS) to
 * 2026-09-02 10:00 in Shanghai, a Wednesday; the last test restarts it at
 * later dates. Mail goes to Debian's aiosmtpd on a free loopback port,
 * started as in test_notify_smtp.c; every wait is a bounded poll, no
 * assertion depends on how long anything took.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures/attachments.h"
#include "lib/apitest.h"
#include "lib/demo.h"
#include "lib/mediation.h"
#include "lib/smtp.h"
#include "lib/upload.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 2026-09-02T02:00:00Z = 10:00 Wednesday in Shanghai (day D); D+30 and D+31 at the same hour. */
#define DAY_D_MS "1788314400000"
#define DAY_D30_MS "1790906400000"
#define DAY_D31_MS "1790992800000"

#define RESPONDENT_EMAIL "li.si@example.cn"
#define SESSION_SUBJECT "调解安排通知"

static struct yz_test_server srv;
static struct yzt_client party = {.srv = &srv}, other = {.srv = &srv}, mediator = {.srv = &srv},
                         clerk = {.srv = &srv}, judge = {.srv = &srv};
static int64_t court;
static struct yzt_smtp smtp;
static char smtp_set[96];
static const char *server_set[] = {smtp_set, "notify.interval_ms=200", NULL};

/*
 * The decoded body (malloc'd) of the first message in maildir/new whose
 * envelope recipient is rcpt and whose subject is subject, or NULL.
 */
static char *find_mail(const char *rcpt, const char *subject)
{
    struct yzt_mail m[64];
    int n = yzt_smtp_received(&smtp, m, 64);
    char *found = NULL;
    char v[1024], s[1024];
    for (int i = 0; i < n && !found; i++) {
        if (strstr(m[i].text, "\n\n") &&
            strcmp(yzt_smtp_header(m[i].text, "X-RcptTo", v, sizeof v), rcpt) == 0 &&
            yzt_smtp_decode_words(yzt_smtp_header(m[i].text, "Subject", v, sizeof v), s, sizeof s) &&
            strcmp(s, subject) == 0)
            found = yzt_smtp_body_of(m[i].text);
    }
    yzt_smtp_mails_free(m, n);
    return found;
}

/* ---- fixtures ---- */

static void login_all(void)
{
    yzt_demo_login(&party, "13800000001");
    yzt_demo_login(&other, "13800000002");
    yzt_demo_login(&mediator, "13800000005");
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&judge, "judge");
}

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_smtp_init(&smtp, "/tmp/yzt-medsmtp-XXXXXX");
    snprintf(smtp_set, sizeof smtp_set, "notify.smtp_url=smtp://127.0.0.1:%d", smtp.port);
    setenv("YZ_TEST_NOW_MS", DAY_D_MS, 1);
    yzt_server_start(&srv, true, server_set);
    login_all();
    court = yzt_court_id(&party, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    unsetenv("YZ_TEST_NOW_MS");
    yzt_smtp_cleanup(&smtp);
    return yzt_global_teardown(state);
}

/* ---- helpers ---- */

static void fire_state(struct yzt_client *c, int64_t id, json_t *body, const char *state)
{
    struct yzt_response r = {0};
    yzt_med_fire(c, id, body, 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), state);
    yzt_response_free(&r);
}

/* The due date and stopped flag of deadline name on matter id, as c sees it (fails when absent). */
static void deadline(struct yzt_client *c, int64_t id, const char *name, char due[16], bool *stopped)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
    struct yzt_response r = {0};
    yzt_request(c, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    bool found = false;
    size_t i;
    json_t *d;
    json_array_foreach(yzt_json_at(r.json, "deadlines"), i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "name")), name) != 0)
            continue;
        found = true;
        snprintf(due, 16, "%s", json_string_value(json_object_get(d, "due_date")));
        *stopped = json_is_true(json_object_get(d, "stopped"));
    }
    if (!found)
        print_error("no deadline %s in %s\n", name, r.body);
    yzt_response_free(&r);
    assert_true(found);
}

static void assert_stopped(int64_t id, const char *name)
{
    char due[16];
    bool stopped = false;
    deadline(&clerk, id, name, due, &stopped);
    assert_true(stopped);
}

/* Applies, delegates, accepts, agrees and concludes: a settled mediation. */
static int64_t settled(void)
{
    int64_t id = yzt_med_apply(&party, court, NULL, true, 201);
    yzt_med_delegate_accept(&clerk, &mediator, id);
    fire_state(&mediator, id,
               json_pack("{s:s, s:{s:{s:[s], s:I, s:s}}}", "event", "propose_agreement", "fields",
                         "agreement", "terms", "被申请人于2026年12月31日前向申请人支付四万五千元。",
                         "amount_fen", (json_int_t)4500000, "performance_date", "2026-12-31"),
               "agreement_pending");
    fire_state(&party, id, json_pack("{s:s}", "event", "confirm_agreement"), "agreement_pending");
    fire_state(&other, id, json_pack("{s:s}", "event", "confirm_agreement"), "agreement_pending");
    fire_state(&mediator, id, json_pack("{s:s}", "event", "conclude"), "settled");
    return id;
}

/* ---- tests ---- */

/*
 * RULE: mediation-extension — calendar days, the start day not counted, a
 * last day that is not a working day moves to the next working day
 * (CPL art. 85; data/holidays_cn.json 2026: holidays 10-01..10-07, make-up
 * working days 09-20 and 10-10).
 */
static void period_and_extension_follow_the_holiday_calendar(void **state)
{
    int64_t id = yzt_med_apply(&party, court, NULL, true, 201);
    /* Delegation: 3 working days from Wednesday 09-02 are Thu 09-03, Fri 09-04 and,
     * over the weekend, Monday 09-07. */
    char due[16];
    bool stopped = true;
    deadline(&party, id, "delegation", due, &stopped);
    assert_string_equal(due, "2026-09-07");
    assert_false(stopped);

    yzt_med_delegate_accept(&clerk, &mediator, id);
    /* Accepted on Wednesday 2026-09-02: 30 calendar days after it is Friday 10-02, inside
     * the National Day break (10-01..10-07, listed as holidays), so the period ends on
     * the first working day after it, Thursday 10-08. */
    deadline(&party, id, "mediation", due, &stopped);
    assert_string_equal(due, "2026-10-08");
    assert_false(stopped);
    assert_stopped(id, "delegation");
    assert_stopped(id, "acceptance");

    struct yzt_response r = {0};
    /* Extended by 2 days from the current due date 10-08: Saturday 10-10, which the
     * 2026 notice turns into a make-up working day (workdays), so it stays 10-10. */
    yzt_med_fire(&mediator, id,
                 json_pack("{s:s, s:{s:b, s:i}}", "event", "extend", "fields",
                           "all_parties_consent", 1, "days", 2),
                 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "mediating");
    yzt_response_free(&r);
    deadline(&party, id, "mediation", due, &stopped);
    assert_string_equal(due, "2026-10-10");

    /* Extended again by 8 days from 10-10: Sunday 10-18, an ordinary weekend day (not in
     * workdays), so it moves to Monday 10-19. */
    yzt_med_fire(&mediator, id,
                 json_pack("{s:s, s:{s:b, s:i}}", "event", "extend", "fields",
                           "all_parties_consent", 1, "days", 8),
                 200, &r);
    yzt_response_free(&r);
    deadline(&party, id, "mediation", due, &stopped);
    assert_string_equal(due, "2026-10-19");
    assert_false(stopped);

    /* Without every party's consent nothing moves. */
    yzt_med_fire(&mediator, id,
                 json_pack("{s:s, s:{s:b, s:i}}", "event", "extend", "fields",
                           "all_parties_consent", 0, "days", 5),
                 400, &r);
    yzt_assert_field_error_code(&r, "fields/all_parties_consent", "consent_required");
    yzt_response_free(&r);
    deadline(&party, id, "mediation", due, &stopped);
    assert_string_equal(due, "2026-10-19");
}

/* A settled agreement performed voluntarily ends the matter. */
static void settled_then_performed(void **state)
{
    int64_t id = settled();
    assert_stopped(id, "mediation");
    fire_state(&party, id, json_pack("{s:s, s:{s:s}}", "event", "performed", "fields", "note",
                                     "被申请人已全额支付四万五千元。"),
               "performed");
    /* A final state: no judicial confirmation afterwards. */
    struct yzt_response r = {0};
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_post_new(&party, path, json_pack("{s:s}", "event", "apply_confirmation"), &r);
    yzt_assert_problem(&r, 409, "invalid_transition");
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
    yzt_request(&clerk, "GET", path, NULL, NULL, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "performed");
    assert_false(yzt_json_has(&r, "data.confirmation_matter_id"));
    yzt_response_free(&r);
}

/* Closed for no response: the running deadline stops. */
static void closed_for_no_response(void **state)
{
    /* By the clerk, before anyone was delegated: the delegation deadline stops. */
    int64_t waiting = yzt_med_apply(&party, court, NULL, true, 201);
    struct yzt_response r = {0};
    yzt_med_fire(&clerk, waiting, json_pack("{s:s, s:{s:s}}", "event", "close", "fields", "reason",
                                            "no_answer"),
                 400, &r);
    yzt_assert_field_error(&r, "fields/reason");
    yzt_response_free(&r);
    fire_state(&clerk, waiting,
               json_pack("{s:s, s:{s:s, s:s}}", "event", "close", "fields", "reason",
                         "no_response", "note", "被申请人经三次电话联系均未回应。"),
               "closed");
    assert_stopped(waiting, "delegation");

    /* By the mediator, while mediating: the 30-day period stops. */
    int64_t running = yzt_med_apply(&party, court, NULL, true, 201);
    yzt_med_delegate_accept(&clerk, &mediator, running);
    /* Closing is staff's; a party withdraws instead. */
    yzt_med_fire(&party, running,
                 json_pack("{s:s, s:{s:s}}", "event", "close", "fields", "reason", "no_response"),
                 403, &r);
    yzt_response_free(&r);
    fire_state(&mediator, running,
               json_pack("{s:s, s:{s:s}}", "event", "close", "fields", "reason", "no_response"),
               "closed");
    assert_stopped(running, "mediation");
}

/* The applicant may withdraw at any time before settlement. */
static void withdrawn_by_the_party(void **state)
{
    int64_t id = yzt_med_apply(&party, court, NULL, true, 201);
    yzt_med_delegate_accept(&clerk, &mediator, id);
    struct yzt_response r = {0};
    /* Withdrawing is the party's, not the mediator's. */
    yzt_med_fire(&mediator, id, json_pack("{s:s}", "event", "withdraw"), 403, &r);
    yzt_response_free(&r);
    fire_state(&party, id, json_pack("{s:s, s:{s:s}}", "event", "withdraw", "fields", "reason",
                                     "双方已自行和解。"),
               "withdrawn");
    assert_stopped(id, "mediation");
}

/* RULE: judicial-confirmation — the judge may refuse (with reasons) or not accept. */
static void judicial_confirmation_refused_or_not_accepted(void **state)
{
    struct yzt_response r = {0};
    int64_t a = settled();
    yzt_med_fire(&party, a, json_pack("{s:s}", "event", "apply_confirmation"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "confirmation_applied");
    int64_t jc = yzt_json_int(&r, "data.confirmation_matter_id");
    yzt_response_free(&r);
    fire_state(&judge, jc, json_pack("{s:s}", "event", "accept"), "accepted");
    /* Refusing needs reasons. */
    yzt_med_fire(&judge, jc, json_pack("{s:s}", "event", "refuse"), 400, &r);
    yzt_assert_field_error(&r, "fields/reasons");
    yzt_response_free(&r);
    fire_state(&judge, jc, json_pack("{s:s, s:{s:s}}", "event", "refuse", "fields", "reasons",
                                     "协议内容违反法律强制性规定。"),
               "refused");
    assert_stopped(jc, "decision");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)jc);
    yzt_request(&other, "GET", path, NULL, NULL, &r); /* the respondent sees why */
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.body, "协议内容违反法律强制性规定。"));
    yzt_response_free(&r);

    int64_t b = settled();
    yzt_med_fire(&party, b, json_pack("{s:s}", "event", "apply_confirmation"), 200, &r);
    int64_t jc2 = yzt_json_int(&r, "data.confirmation_matter_id");
    yzt_response_free(&r);
    yzt_med_fire(&judge, jc2, json_pack("{s:s}", "event", "not_accept"), 400, &r);
    yzt_assert_field_error(&r, "fields/reasons");
    yzt_response_free(&r);
    fire_state(&judge, jc2, json_pack("{s:s, s:{s:s}}", "event", "not_accept", "fields", "reasons",
                                      "不属于本院管辖。"),
               "not_accepted");
    assert_stopped(jc2, "acceptance");
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)jc2);
    yzt_request(&judge, "GET", path, NULL, NULL, &r);
    assert_false(yzt_json_has(&r, "data.case.case_number")); /* never became a case */
    yzt_response_free(&r);
}

/* RULE: mediation-fails-to-filing — the materials carry over to the filing. */
static void conversion_to_filing_keeps_the_materials(void **state)
{
    struct yzt_response r = {0};
    yzt_upload_file(&party, YZF_PDF, sizeof YZF_PDF, "起诉状.pdf", 0, &r);
    yzt_assert_status(&r, 201);
    int64_t upload = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    json_t *app = yzt_med_dispute();
    json_object_set_new(app, "attachments",
                        json_pack("[{s:I, s:s}]", "id", (json_int_t)upload, "material", "G1"));
    int64_t id = yzt_med_apply(&party, court, app, true, 201);
    yzt_med_delegate_accept(&clerk, &mediator, id);
    yzt_med_fire(&mediator, id,
                 json_pack("{s:s, s:{s:s, s:b}}", "event", "fail", "fields", "undisputed_facts",
                           "双方确认借款五万元已实际交付。", "addresses_confirmed", 1),
                 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "not_settled");
    int64_t filing = yzt_json_int(&r, "data.filing_matter_id");
    yzt_response_free(&r);
    assert_stopped(id, "mediation");

    char path[80];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)filing);
    yzt_request(&clerk, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "kind"), "filing");
    int64_t copy = yzt_json_int(&r, "data.application.attachments.0.id");
    assert_string_equal(yzt_json_str(&r, "data.application.attachments.0.material"), "G1");
    assert_false(yzt_json_has(&r, "data.application.attachments.1"));
    yzt_response_free(&r);
    /* Its own row, bound to the filing; the mediation keeps the original. */
    assert_true(copy != upload);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT matter_id FROM attachments WHERE id = %lld", (long long)copy);
    assert_int_equal(yzt_db_count(&srv, sql), filing);
    snprintf(sql, sizeof sql, "SELECT matter_id FROM attachments WHERE id = %lld", (long long)upload);
    assert_int_equal(yzt_db_count(&srv, sql), id);

    /* The court's filing clerk downloads the same bytes. */
    snprintf(path, sizeof path, "/api/v1/attachments/%lld", (long long)copy);
    yzt_request(&clerk, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(r.len, sizeof YZF_PDF);
    assert_memory_equal(r.body, YZF_PDF, sizeof YZF_PDF);
    yzt_response_free(&r);
}

/* RULE: session-invitation — by e-mail where the participant has set an address. */
static void session_invitation_reaches_the_mailbox(void **state)
{
    struct yzt_response r = {0};
    yzt_request_json(&other, "POST", "/api/v1/me/email",
                     json_pack("{ss}", "email", RESPONDENT_EMAIL), NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);

    int64_t id = yzt_med_apply(&party, court, NULL, true, 201);
    yzt_med_delegate_accept(&clerk, &mediator, id);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/sessions", (long long)id);
    yzt_post_new(&mediator, path,
                 json_pack("{s:s, s:s, s:s}", "starts_at", "2031-06-02T09:30:00+08:00", "mode",
                           "online", "place", "线上调解室 1"),
                 &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);

    char *body = NULL;
    int64_t deadline_ms = yzt_smtp_now_ms() + YZT_SMTP_WAIT_S * 1000;
    while (!(body = find_mail(RESPONDENT_EMAIL, SESSION_SUBJECT))) {
        if (yzt_smtp_now_ms() > deadline_ms) {
            yzt_server_print_log(&srv, 30);
            yzt_smtp_print_log(&smtp);
            fail_msg("no \"%s\" to %s within %d s", SESSION_SUBJECT, RESPONDENT_EMAIL, YZT_SMTP_WAIT_S);
        }
        yzt_smtp_sleep_ms(100);
    }
    char want[64];
    snprintf(want, sizeof want, "（事项编号 %lld）", (long long)id);
    bool ok = strstr(body, want) && strstr(body, "时间：2031-06-02T09:30:00+08:00") &&
              strstr(body, "方式：线上调解") && strstr(body, "地点：线上调解室 1");
    if (!ok)
        print_error("body:\n%s\n", body);
    free(body);
    assert_true(ok);
}

/*
 * RULE: confirmation-within-30-days — CPL (2023) art. 205: within 30 days of the
 * agreement taking effect. Both agreements take effect on 2026-09-02 (day D);
 * on 10-02 (day 30) the application is accepted, on 10-03 (day 31) refused and
 * nothing changes. Runs last: it moves the server's clock.
 */
static void confirmation_applied_after_30_days_is_refused(void **state)
{
    int64_t in_time = settled();
    int64_t late = settled();
    struct yzt_response r = {0};
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)late);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    assert_string_equal(yzt_json_str(&r, "data.agreement.effective_date"), "2026-09-02");
    yzt_response_free(&r);

    setenv("YZ_TEST_NOW_MS", DAY_D30_MS, 1);
    yzt_server_restart(&srv, server_set);
    yzt_demo_login(&party, "13800000001");
    yzt_med_fire(&party, in_time, json_pack("{s:s}", "event", "apply_confirmation"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "confirmation_applied");
    yzt_response_free(&r);

    setenv("YZ_TEST_NOW_MS", DAY_D31_MS, 1);
    yzt_server_restart(&srv, server_set);
    yzt_demo_login(&party, "13800000001");
    int64_t matters = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    yzt_med_fire(&party, late, json_pack("{s:s}", "event", "apply_confirmation"), 400, &r);
    yzt_assert_field_error_code(&r, "event", "out_of_time");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), matters);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "settled");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(period_and_extension_follow_the_holiday_calendar),
        cmocka_unit_test(settled_then_performed),
        cmocka_unit_test(closed_for_no_response),
        cmocka_unit_test(withdrawn_by_the_party),
        cmocka_unit_test(judicial_confirmation_refused_or_not_accepted),
        cmocka_unit_test(conversion_to_filing_keeps_the_materials),
        cmocka_unit_test(session_invitation_reaches_the_mailbox),
        cmocka_unit_test(confirmation_applied_after_30_days_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
