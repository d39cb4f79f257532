/*
 * Pre-filing mediation end to end: an online application (consent required),
 * delegation to a mediator on the roster (who may decline), acceptance and
 * the 30-day period, an extension only with every party's consent, private
 * and joint messages, a scheduled session, an agreement confirmed by every
 * party, judicial confirmation (a 民特 case, accepted and confirmed); and a
 * second dispute that fails and becomes a registered filing carrying its
 * undisputed facts. The whole history verifies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"
#include "lib/mediation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct yz_test_server srv;
static struct yzt_client party = {.srv = &srv}, other = {.srv = &srv}, mediator = {.srv = &srv},
                         clerk = {.srv = &srv}, judge = {.srv = &srv};
static int64_t court;

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&party, "13800000001");
    yzt_demo_login(&other, "13800000002");
    yzt_demo_login(&mediator, "13800000005");
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&judge, "judge");
    court = yzt_court_id(&party, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* The shared helpers (tests/lib/mediation.h), bound to this file's clients. */
static int64_t apply(bool consent, long status)
{
    return yzt_med_apply(&party, court, NULL, consent, status);
}

static void fire(struct yzt_client *c, int64_t id, json_t *body, long status, struct yzt_response *r)
{
    yzt_med_fire(c, id, body, status, r);
}

/* Does the matter response offer the event among its actions? */
static bool offers(struct yzt_response *r, const char *event)
{
    size_t i;
    json_t *a;
    json_array_foreach(yzt_json_at(r->json, "actions"), i, a) if (
        strcmp(json_string_value(json_object_get(a, "event")), event) == 0) return true;
    return false;
}

static int64_t delegated_and_accepted(int64_t id)
{
    return yzt_med_delegate_accept(&clerk, &mediator, id);
}

/* RULE: mediation-consent, delegation, mediation-extension, mediation-messages,
 * agreement-template, judicial-confirmation */
static void settled_and_judicially_confirmed(void **state)
{
    apply(false, 400);
    int64_t id = apply(true, 201);
    int64_t mediator_id = yzt_db_count(&srv, "SELECT min(id) FROM mediators");
    struct yzt_response r = {0};

    /* The mediator may decline; the matter goes back to be delegated again. */
    fire(&clerk, id, json_pack("{s:s, s:{s:I}}", "event", "delegate", "fields", "mediator_id",
                               (json_int_t)mediator_id), 200, &r);
    yzt_response_free(&r);
    fire(&mediator, id, json_pack("{s:s, s:{s:s}}", "event", "decline", "fields", "reason", "本周满额"),
         200, &r);
    assert_false(yzt_json_bool(&r, "visible")); /* declining ends the mediator's access */
    yzt_response_free(&r);
    char mpath[64];
    snprintf(mpath, sizeof mpath, "/api/v1/matters/%lld", (long long)id);
    yzt_request(&clerk, "GET", mpath, NULL, NULL, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "submitted");
    yzt_response_free(&r);
    delegated_and_accepted(id);

    /* The 30-day period; extended only with every party's consent. */
    char path[80];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    char due[16];
    json_t *dls = yzt_json_at(r.json, "deadlines");
    size_t i;
    json_t *d;
    json_array_foreach(dls, i, d) if (strcmp(json_string_value(json_object_get(d, "name")), "mediation") == 0)
        snprintf(due, sizeof due, "%s", json_string_value(json_object_get(d, "due_date")));
    yzt_response_free(&r);
    fire(&mediator, id, json_pack("{s:s, s:{s:b, s:i}}", "event", "extend", "fields",
                                  "all_parties_consent", 0, "days", 10), 400, &r);
    yzt_assert_field_error_code(&r, "fields/all_parties_consent", "consent_required");
    yzt_response_free(&r);
    fire(&mediator, id, json_pack("{s:s, s:{s:b, s:i}}", "event", "extend", "fields",
                                  "all_parties_consent", 1, "days", 10), 200, &r);
    yzt_response_free(&r);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    json_array_foreach(yzt_json_at(r.json, "deadlines"), i, d)
        if (strcmp(json_string_value(json_object_get(d, "name")), "mediation") == 0)
            assert_true(strcmp(json_string_value(json_object_get(d, "due_date")), due) > 0);
    yzt_response_free(&r);

    /* Messages: the other side never sees a private message, nor its text in the history. */
    /* The respondent, who has an account, was invited into the room at the application. */
    char who[160];
    snprintf(who, sizeof who, "SELECT count(*) FROM matter_participants WHERE matter_id = %lld AND capacity = 'defendant'",
             (long long)id);
    assert_int_equal(yzt_db_count(&srv, who), 1);
    snprintf(path, sizeof path, "/api/v1/matters/%lld/messages", (long long)id);
    snprintf(who, sizeof who, "SELECT user_id FROM matter_participants WHERE matter_id = %lld AND capacity = 'defendant'",
             (long long)id);
    int64_t respondent = yzt_db_count(&srv, who);
    /* A party's private word goes to the mediator only, never straight to the other side. */
    yzt_post_new(&party, path, json_pack("{s:s, s:I}", "text", "私下说一句", "to_user_id", (json_int_t)respondent), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "to_user_id", "not_allowed");
    yzt_response_free(&r);
    int64_t mediator_user = yzt_db_count(&srv, "SELECT min(user_id) FROM matter_participants WHERE capacity = 'mediator'");
    char secret[] = "我方底线是四万元，请勿告知对方。";
    yzt_post_new(&party, path, json_pack("{s:s, s:I}", "text", secret, "to_user_id", (json_int_t)mediator_user), &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);
    yzt_post_new(&mediator, path, json_pack("{s:s}", "text", "请双方于周五前提交还款计划。"), &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);
    yzt_request(&other, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);
    assert_null(strstr(r.body, "底线"));
    yzt_response_free(&r);
    yzt_request(&mediator, "GET", path, NULL, NULL, &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
    /* The room's members by name and capacity: how a reader tells the senders apart. */
    json_t *member;
    int mediators_seen = 0, respondents_seen = 0;
    json_array_foreach(yzt_json_at(r.json, "members"), i, member)
    {
        const char *cap = json_string_value(json_object_get(member, "capacity"));
        int64_t uid = json_integer_value(json_object_get(member, "user_id"));
        if (strcmp(cap, "mediator") == 0 && uid == mediator_user) {
            assert_string_equal(json_string_value(json_object_get(member, "name")), "钱调解员");
            mediators_seen++;
        }
        respondents_seen += strcmp(cap, "defendant") == 0 && uid == respondent;
    }
    assert_int_equal(mediators_seen, 1);
    assert_int_equal(respondents_seen, 1);
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_request(&other, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_null(strstr(r.body, "底线"));
    assert_non_null(strstr(r.body, "mediation.message"));
    yzt_response_free(&r);

    /* A session: every participant is invited. */
    snprintf(path, sizeof path, "/api/v1/matters/%lld/sessions", (long long)id);
    yzt_post_new(&mediator, path, json_pack("{s:s, s:s, s:s}", "starts_at", "2031-06-02T09:30:00+08:00",
                                            "mode", "online", "place", "线上调解室 1"), &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);
    yzt_post_new(&party, path, json_pack("{s:s, s:s, s:s}", "starts_at", "2031-06-02T09:30:00+08:00",
                                         "mode", "online", "place", "x"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE matter_id = %lld AND template = 'mediation_session'",
             (long long)id);
    assert_int_equal(yzt_db_count(&srv, sql), 2);

    /* The agreement: generated, confirmed by every party, then signed. */
    fire(&mediator, id,
         json_pack("{s:s, s:{s:{s:[s, s], s:I, s:s}}}", "event", "propose_agreement", "fields",
                   "agreement", "terms", "被申请人于2026年12月31日前向申请人支付四万五千元。",
                   "申请人放弃其余诉讼请求。", "amount_fen", (json_int_t)4500000,
                   "performance_date", "2026-12-31"),
         200, &r);
    assert_non_null(strstr(yzt_json_str(&r, "data.agreement.text"), "一、被申请人于2026年12月31日前"));
    yzt_response_free(&r);
    fire(&mediator, id, json_pack("{s:s}", "event", "conclude"), 400, &r);
    yzt_assert_field_error_code(&r, "agreement", "not_confirmed");
    yzt_response_free(&r);
    fire(&party, id, json_pack("{s:s}", "event", "confirm_agreement"), 200, &r);
    yzt_response_free(&r);
    /* RULE: once-per-actor — a party who confirmed is not offered it again, and
     * a second confirmation is refused, storing nothing; the other party still may. */
    char matter_path[64], sql_events[160];
    snprintf(matter_path, sizeof matter_path, "/api/v1/matters/%lld", (long long)id);
    snprintf(sql_events, sizeof sql_events,
             "SELECT count(*) FROM events WHERE stream = 'matter/%lld'", (long long)id);
    yzt_request(&party, "GET", matter_path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_false(offers(&r, "confirm_agreement"));
    assert_true(offers(&r, "reject_agreement"));
    yzt_request(&other, "GET", matter_path, NULL, NULL, &r);
    assert_true(offers(&r, "confirm_agreement"));
    yzt_response_free(&r);
    int64_t stored = yzt_db_count(&srv, sql_events);
    fire(&party, id, json_pack("{s:s}", "event", "confirm_agreement"), 409, &r);
    yzt_assert_problem(&r, 409, "already_done");
    yzt_assert_field_error_code(&r, "event", "already_done");
    assert_non_null(strstr(yzt_json_str(&r, "errors.0.message"), "当事人确认调解协议"));
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, sql_events), stored);
    fire(&other, id, json_pack("{s:s}", "event", "confirm_agreement"), 200, &r);
    yzt_response_free(&r);
    fire(&mediator, id, json_pack("{s:s}", "event", "conclude"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "settled");
    yzt_response_free(&r);

    /* Judicial confirmation: a 民特 case, no fee, accepted and confirmed by the judge. */
    fire(&party, id, json_pack("{s:s}", "event", "apply_confirmation"), 200, &r);
    int64_t jc = yzt_json_int(&r, "data.confirmation_matter_id");
    yzt_response_free(&r);
    fire(&judge, jc, json_pack("{s:s}", "event", "accept"), 200, &r);
    assert_non_null(strstr(yzt_json_str(&r, "data.case.case_number"), "渝0103民特"));
    assert_false(yzt_json_has(&r, "data.fee"));
    yzt_response_free(&r);
    fire(&judge, jc, json_pack("{s:s, s:{s:s}}", "event", "confirm", "fields", "ruling", "确认调解协议有效"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "confirmed");
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)jc);
    yzt_request(&other, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

/* RULE: mediation-fails-to-filing */
static void not_settled_becomes_a_registered_filing(void **state)
{
    int64_t id = apply(true, 201);
    delegated_and_accepted(id);
    struct yzt_response r = {0};
    fire(&mediator, id, json_pack("{s:s, s:{s:s, s:b}}", "event", "fail", "fields", "undisputed_facts",
                                  "双方确认借款五万元已实际交付。", "addresses_confirmed", 0), 400, &r);
    yzt_response_free(&r);
    fire(&mediator, id, json_pack("{s:s, s:{s:s, s:b}}", "event", "fail", "fields", "undisputed_facts",
                                  "双方确认借款五万元已实际交付。", "addresses_confirmed", 1), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "not_settled");
    int64_t filing = yzt_json_int(&r, "data.filing_matter_id");
    yzt_response_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)filing);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "kind"), "filing");
    assert_string_equal(yzt_json_str(&r, "data.mediation.undisputed_facts"), "双方确认借款五万元已实际交付。");
    assert_int_equal(yzt_json_int(&r, "data.mediation.matter_id"), id);
    yzt_response_free(&r);
    fire(&clerk, filing, json_pack("{s:s}", "event", "register"), 200, &r);
    assert_non_null(strstr(yzt_json_str(&r, "data.case.case_number"), "渝0103民初"));
    yzt_response_free(&r);

    char out[4096];
    const char *const args[] = {"audit", "verify", "--dir", srv.dir, NULL};
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != 0)
        print_error("%s\n", out);
    assert_int_equal(rc, 0);
}

static int64_t file_online(void)
{
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "民间借贷立案", "fields", "channel", "online",
                           "application", yzt_med_dispute()),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

/* RULE: filing-referral — consent starts a linked mediation; refusal never blocks filing. */
static void filing_referred_to_mediation_refused_or_consented(void **state)
{
    struct yzt_response r = {0};
    int64_t refused = file_online();
    fire(&clerk, refused, json_pack("{s:s}", "event", "propose_mediation"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "mediation_proposed");
    yzt_response_free(&r);
    fire(&party, refused, json_pack("{s:s}", "event", "refuse_mediation"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "submitted");
    yzt_response_free(&r);
    fire(&clerk, refused, json_pack("{s:s}", "event", "register"), 200, &r);
    yzt_response_free(&r);

    int64_t filing = file_online();
    fire(&clerk, filing, json_pack("{s:s}", "event", "propose_mediation"), 200, &r);
    yzt_response_free(&r);
    fire(&party, filing, json_pack("{s:s}", "event", "consent_mediation"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "in_mediation");
    int64_t med = yzt_json_int(&r, "data.mediation_matter_id");
    yzt_response_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)med);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "kind"), "mediation");
    assert_int_equal(yzt_json_int(&r, "data.origin_filing_id"), filing);
    yzt_response_free(&r);
    delegated_and_accepted(med);
    fire(&mediator, med, json_pack("{s:s, s:{s:s, s:b}}", "event", "fail", "fields", "undisputed_facts",
                                   "借款金额无争议。", "addresses_confirmed", 1), 200, &r);
    assert_int_equal(yzt_json_int(&r, "data.filing_matter_id"), filing);
    yzt_response_free(&r);
    /* The same filing resumes (no second filing), and is registered. */
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)filing);
    yzt_request(&clerk, "GET", path, NULL, NULL, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "submitted");
    yzt_response_free(&r);
    fire(&clerk, filing, json_pack("{s:s}", "event", "register"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "registered");
    yzt_response_free(&r);
}

/* The day a period of n days from today ends, by the server's own calculator. */
static void due_in(int n, char out[16])
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    yzt_request(&anon, "GET", "/api/v1/courts", NULL, NULL, &r); /* any request: today's date below */
    yzt_response_free(&r);
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    char today[16], path[96];
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    snprintf(path, sizeof path, "/api/v1/deadline?from=%s&unit=days&n=%d", today, n);
    yzt_request(&anon, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    snprintf(out, 16, "%s", yzt_json_str(&r, "end"));
    yzt_response_free(&r);
}

static const char *deadline_of(struct yzt_response *r, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(yzt_json_at(r->json, "deadlines"), i, d)
        if (strcmp(json_string_value(json_object_get(d, "name")), name) == 0 &&
            !json_is_true(json_object_get(d, "stopped")))
            return json_string_value(json_object_get(d, "due_date"));
    return "";
}

/* RULE: entrusted-mediation, entrusted-mediation-period, consent-judgment */
static void entrusted_after_filing_ends_in_a_consent_judgment(void **state)
{
    struct yzt_response r = {0};
    int64_t filing = file_online();
    int64_t mediator_id = yzt_db_count(&srv, "SELECT min(id) FROM mediators");
    fire(&clerk, filing, json_pack("{s:s}", "event", "register"), 200, &r);
    char number[96];
    snprintf(number, sizeof number, "%s", yzt_json_str(&r, "data.case.case_number"));
    yzt_response_free(&r);

    const char *procedures[] = {"ordinary", "simplified"};
    const int days[] = {15, 7};
    for (int k = 0; k < 2; k++) {
        yzt_post_new(&judge, "/api/v1/matters",
                     json_pack("{s:s, s:I, s:s, s:{s:I, s:s, s:b}}", "kind", "entrusted_mediation",
                               "court_id", (json_int_t)court, "title", "委托调解", "fields",
                               "case_matter_id", (json_int_t)filing, "procedure", procedures[k],
                               "consent", 1),
                     &r);
        yzt_assert_status(&r, 201);
        int64_t id = yzt_json_int(&r, "id");
        assert_string_equal(yzt_json_str(&r, "data.case_number"), number);
        yzt_response_free(&r);
        fire(&judge, id, json_pack("{s:s, s:{s:I}}", "event", "delegate", "fields", "mediator_id",
                                   (json_int_t)mediator_id), 200, &r);
        yzt_response_free(&r);
        fire(&mediator, id, json_pack("{s:s}", "event", "accept"), 200, &r);
        yzt_response_free(&r);
        if (k == 0) {
            /* Its room: the mediator's joint word reaches the party, who answers in it. */
            char room[80];
            snprintf(room, sizeof room, "/api/v1/matters/%lld/messages", (long long)id);
            yzt_post_new(&mediator, room, json_pack("{s:s}", "text", "请双方于周五前提交还款方案。"), &r);
            yzt_assert_status(&r, 201);
            yzt_post_new(&party, room, json_pack("{s:s}", "text", "同意分期归还。"), &r);
            yzt_assert_status(&r, 201);
            yzt_request(&party, "GET", room, NULL, NULL, &r);
            yzt_assert_status(&r, 200);
            assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
            yzt_response_free(&r);
        }
        char mpath[64];
        snprintf(mpath, sizeof mpath, "/api/v1/matters/%lld", (long long)id);
        yzt_request(&mediator, "GET", mpath, NULL, NULL, &r);
        char want[16];
        due_in(days[k], want);
        assert_string_equal(deadline_of(&r, "mediation"), want);
        yzt_response_free(&r);
        if (k == 0) {
            fire(&mediator, id, json_pack("{s:s, s:{s:s}}", "event", "return_to_trial", "fields",
                                          "undisputed_facts", "借款事实无争议。"), 200, &r);
            assert_string_equal(yzt_json_str(&r, "state"), "returned");
            yzt_response_free(&r);
            continue;
        }
        fire(&mediator, id,
             json_pack("{s:s, s:{s:{s:[s]}}}", "event", "propose_agreement", "fields", "agreement",
                       "terms", "被告于本调解书生效后十日内向原告支付四万元。"),
             200, &r);
        yzt_response_free(&r);
        fire(&party, id, json_pack("{s:s}", "event", "confirm_agreement"), 200, &r);
        yzt_response_free(&r);
        fire(&other, id, json_pack("{s:s}", "event", "confirm_agreement"), 200, &r);
        yzt_response_free(&r);
        fire(&mediator, id, json_pack("{s:s}", "event", "conclude"), 200, &r);
        yzt_response_free(&r);
        fire(&mediator, id, json_pack("{s:s}", "event", "issue_consent_judgment"), 403, &r);
        yzt_response_free(&r);
        fire(&judge, id, json_pack("{s:s}", "event", "issue_consent_judgment"), 200, &r);
        assert_string_equal(yzt_json_str(&r, "state"), "judgment_issued");
        const char *text = yzt_json_str(&r, "data.consent_judgment.text");
        assert_non_null(strstr(text, "民事调解书"));
        assert_non_null(strstr(text, number));
        assert_non_null(strstr(text, "一、被告于本调解书生效后十日内向原告支付四万元。"));
        yzt_response_free(&r);
    }
}

/* RULE: consent-judgment-after-settlement */
static void prefiling_settlement_becomes_a_consent_judgment(void **state)
{
    struct yzt_response r = {0};
    int64_t id = apply(true, 201);
    delegated_and_accepted(id);
    fire(&mediator, id,
         json_pack("{s:s, s:{s:{s:[s]}}}", "event", "propose_agreement", "fields", "agreement",
                   "terms", "被申请人于2027年1月31日前向申请人支付三万元。"),
         200, &r);
    yzt_response_free(&r);
    fire(&party, id, json_pack("{s:s}", "event", "confirm_agreement"), 200, &r);
    yzt_response_free(&r);
    fire(&other, id, json_pack("{s:s}", "event", "confirm_agreement"), 200, &r);
    yzt_response_free(&r);
    fire(&mediator, id, json_pack("{s:s}", "event", "conclude"), 200, &r);
    yzt_response_free(&r);
    fire(&party, id, json_pack("{s:s}", "event", "request_consent_judgment"), 200, &r);
    int64_t filing = yzt_json_int(&r, "data.filing_matter_id");
    yzt_response_free(&r);
    fire(&clerk, filing, json_pack("{s:s}", "event", "register"), 200, &r);
    char number[96];
    snprintf(number, sizeof number, "%s", yzt_json_str(&r, "data.case.case_number"));
    yzt_response_free(&r);
    fire(&judge, filing, json_pack("{s:s}", "event", "issue_consent_judgment"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "concluded_by_consent");
    const char *text = yzt_json_str(&r, "data.consent_judgment.text");
    assert_non_null(strstr(text, "民事调解书"));
    assert_non_null(strstr(text, number));
    assert_non_null(strstr(text, "一、被申请人于2027年1月31日前向申请人支付三万元。"));
    yzt_response_free(&r);

    /* An ordinary registered case has no agreement to put in a 调解书. */
    int64_t plain = file_online();
    fire(&clerk, plain, json_pack("{s:s}", "event", "register"), 200, &r);
    yzt_response_free(&r);
    fire(&judge, plain, json_pack("{s:s}", "event", "issue_consent_judgment"), 400, &r);
    yzt_assert_field_error_code(&r, "event", "no_agreement");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(settled_and_judicially_confirmed),
        cmocka_unit_test(not_settled_becomes_a_registered_filing),
        cmocka_unit_test(filing_referred_to_mediation_refused_or_consented),
        cmocka_unit_test(entrusted_after_filing_ends_in_a_consent_judgment),
        cmocka_unit_test(prefiling_settlement_becomes_a_consent_judgment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
