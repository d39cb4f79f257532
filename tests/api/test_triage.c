/*
 * Triage (繁简分流) end to end, with the server's clock pinned to Monday
 * 2026-03-02 (test builds read YZ_TEST_NOW_MS) and the province's average
 * wage configured at 10 万元 (small claims up to 5 万元): registration
 * proposes a track with cited rules; the officer confirms, or overrides with
 * a reason; amended features re-propose; a second suit between the same
 * parties is found as a repeat case; an administrative case follows its own
 * rules and periods; the agreement report counts it all per rule; on
 * 2026-03-20 the judge converts a simplified case to ordinary procedure and
 * the six months still run from registration. Bad input everywhere, other
 * courts and parties see nothing, and the history verifies.
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

#define REGISTERED_MS "1772416800000" /* 2026-03-02 10:00 in Shanghai */
#define LATER_MS "1773972000000"      /* 2026-03-20 10:00 in Shanghai */
#define REG_DAY "2026-03-02"
#define WAGE "fees.average_wage=2025-01-01:10000000"

static struct yz_test_server srv;
static struct yzt_client party = {.srv = &srv}, clerk = {.srv = &srv}, officer = {.srv = &srv},
                         judge = {.srv = &srv}, admin = {.srv = &srv},
                         supervisor = {.srv = &srv}, other_admin = {.srv = &srv};
static int64_t court, other_court;
/* The cases the tests share, in the order they are made. */
static int64_t confirmed_id, overridden_id, amended_id;

static void log_in_everyone(void)
{
    memset(&party, 0, sizeof party);
    party.srv = &srv;
    yzt_demo_login(&party, "13800000001");
    struct yzt_client *staff[] = {&clerk, &officer, &judge, &admin, &supervisor, &other_admin};
    const char *names[] = {"filing_clerk", "triage_officer", "judge", "court_admin", "supervisor",
                           "court_admin_jb"};
    for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++) {
        memset(staff[i], 0, sizeof *staff[i]);
        staff[i]->srv = &srv;
        yzt_demo_login(staff[i], names[i]);
    }
}

static int setup(void **state)
{
    yzt_global_setup(state);
    setenv("YZ_TEST_NOW_MS", REGISTERED_MS, 1);
    const char *const set[] = {WAGE, NULL};
    yzt_server_start(&srv, true, set);
    log_in_everyone();
    court = yzt_court_id(&party, "渝0103");
    other_court = yzt_court_id(&party, "渝0105");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    unsetenv("YZ_TEST_NOW_MS");
    return yzt_global_teardown(state);
}

/* 张三 (the demo party) sues; with company, a property company sues instead. */
static const char *cause_code = "108.3"; /* 民间借贷纠纷 (2025) unless a test says otherwise */

static json_t *application(const char *case_type, const char *defendant, int64_t amount_fen,
                           bool company)
{
    if (company)
        return json_pack(
            "{s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}],"
            " s:s, s:s, s:I, s:{s:s, s:s, s:b}}",
            "cause_code", cause_code, "cause_revision", 2025, "case_type", case_type, "parties",
            "role", "plaintiff", "kind", "legal", "name", "重庆某某商贸有限公司", "credit_code",
            "91350100M000100Y43", "legal_rep", "赵六", "address", "重庆市渝中区民族路5号", "role",
            "defendant", "kind", "natural", "name", defendant, "address",
            "重庆市江北区观音桥街道2号", "claims", "判令被告支付货款", "facts",
            "被告购货后未付款。", "amount_fen", (json_int_t)amount_fen, "service_address",
            "address", "重庆市渝中区民族路5号", "phone", "13800000001", "e_service_consent", 1);
    return json_pack(
        "{s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}],"
        " s:s, s:s, s:I, s:{s:s, s:s, s:b}}",
        "cause_code", cause_code, "cause_revision", 2025, "case_type", case_type, "parties", "role",
        "plaintiff", "kind", "natural", "name", "张三", "sex", "male", "citizen_id",
        "500103199001011232", "address", "重庆市渝中区解放碑街道1号", "phone", "13800000001",
        "role", "defendant", "kind", "natural", "name", defendant, "address",
        "重庆市江北区观音桥街道2号", "claims", "判令被告偿还借款", "facts", "被告借款逾期未还。",
        "amount_fen", (json_int_t)amount_fen, "service_address", "address",
        "重庆市渝中区解放碑街道1号", "phone", "13800000001", "e_service_consent", 1);
}

static void fire(struct yzt_client *c, int64_t id, json_t *body, long status, struct yzt_response *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_post_new(c, path, body, r);
    yzt_assert_status(r, status);
}

/* Files online as the party and registers as the clerk; returns the matter id. */
static int64_t file_and_register(const char *case_type, const char *defendant, int64_t amount_fen,
                                 bool company)
{
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "张三诉借款纠纷", "fields", "channel",
                           "online", "application",
                           application(case_type, defendant, amount_fen, company)),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    fire(&clerk, id, json_pack("{s:s}", "event", "register"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "registered");
    assert_string_equal(yzt_json_str(&r, "state_title"), "已立案，待分流");
    yzt_response_free(&r);
    return id;
}

static void get_triage(struct yzt_client *c, int64_t id, long status, struct yzt_response *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/triage", (long long)id);
    yzt_request(c, "GET", path, NULL, NULL, r);
    yzt_assert_status(r, status);
}

/* Whether the current proposal cites rule, with a statutory basis containing basis. */
static bool cites(struct yzt_response *r, const char *rule, const char *basis)
{
    size_t i;
    json_t *x;
    json_array_foreach(yzt_json_at(r->json, "proposal.reasons"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "rule")), rule) == 0)
            return !basis || strstr(json_string_value(json_object_get(x, "basis")), basis);
    }
    return false;
}

/* The deadline named name in a matter response: start and due dates, stopped flag. */
static json_t *deadline(struct yzt_response *r, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(yzt_json_at(r->json, "deadlines"), i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "name")), name) == 0)
            return d;
    }
    fail_msg("no deadline %s", name);
    return NULL;
}

/* What the public deadline calculator says: the period's end on the holiday calendar. */
static void expected_end(const char *from, const char *unit, int n, char out[16])
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    char path[128];
    snprintf(path, sizeof path, "/api/v1/deadline?from=%s&unit=%s&n=%d", from, unit, n);
    yzt_request(&anon, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    snprintf(out, 16, "%s", yzt_json_str(&r, "end"));
    yzt_response_free(&r);
}

static void registration_proposes_and_the_officer_confirms(void **state)
{
    confirmed_id = file_and_register("民初", "李四", 2000000, false);
    struct yzt_response r = {0};
    get_triage(&officer, confirmed_id, 200, &r);
    assert_string_equal(yzt_json_str(&r, "proposal.track"), "small_claims");
    assert_string_equal(yzt_json_str(&r, "proposal.category"), "civil");
    assert_int_equal(yzt_json_int(&r, "proposal.score"), 4);
    assert_true(cites(&r, "civ.small_claims.amount", "第一百六十五条"));
    assert_true(cites(&r, "civ.simple.two_parties", "第一百六十条"));
    assert_int_equal(yzt_json_int(&r, "proposal.features.average_wage_fen"), 10000000);
    assert_string_equal(yzt_json_str(&r, "proposal.feature_sources.average_wage_fen"), "config");
    assert_int_equal(yzt_json_int(&r, "proposal.features.repeat_cases"), 0);
    assert_string_equal(yzt_json_str(&r, "case_number"), "（2026）渝0103民初1号");

    /* The proposal is in the history: the rules cited and digests of what was stored. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)confirmed_id);
    yzt_request(&officer, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *proposal = NULL;
    size_t i;
    json_t *ev;
    json_array_foreach(yzt_json_at(r.json, "items"), i, ev)
    {
        if (strcmp(json_string_value(json_object_get(ev, "type")), "filing.propose_track") == 0)
            proposal = json_object_get(json_object_get(ev, "payload"), "proposal");
    }
    assert_non_null(proposal);
    assert_string_equal(json_string_value(json_object_get(proposal, "track")), "small_claims");
    assert_int_equal(strlen(json_string_value(json_object_get(proposal, "features_sha256"))), 64);
    /* ... but not the features themselves: parties read the history too. */
    assert_null(json_object_get(proposal, "features"));

    /* The queue shows it with its proposal and reasons. */
    yzt_request(&officer, "GET", "/api/v1/triage/queue", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), confirmed_id);
    assert_string_equal(yzt_json_str(&r, "items.0.proposal.track"), "small_claims");
    assert_true(yzt_json_has(&r, "items.0.proposal.reasons.0.basis"));

    /* Confirming needs no reason; the trial period runs from registration. */
    fire(&officer, confirmed_id, json_pack("{s:s}", "event", "decide_small_claims"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "small_claims");
    json_t *trial = deadline(&r, "trial");
    char due[16];
    expected_end(REG_DAY, "months", 2, due);
    assert_string_equal(json_string_value(json_object_get(trial, "start_date")), REG_DAY);
    assert_string_equal(json_string_value(json_object_get(trial, "due_date")), due);
    get_triage(&officer, confirmed_id, 200, &r);
    assert_true(yzt_json_bool(&r, "decisions.0.agreed"));
    assert_string_equal(yzt_json_str(&r, "decisions.0.proposed_track"), "small_claims");
    assert_false(yzt_json_has(&r, "decisions.0.reason"));

    /* No longer in the queue. */
    yzt_request(&officer, "GET", "/api/v1/triage/queue", NULL, NULL, &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 0);
    yzt_response_free(&r);
}

static void a_second_suit_between_the_same_parties_is_a_repeat_and_overriding_needs_a_reason(
    void **state)
{
    overridden_id = file_and_register("民初", "李四", 2000000, false);
    struct yzt_response r = {0};
    get_triage(&officer, overridden_id, 200, &r);
    assert_int_equal(yzt_json_int(&r, "proposal.features.repeat_cases"), 1);
    assert_int_equal(yzt_json_int(&r, "proposal.features.related_cases"), 1);
    assert_string_equal(yzt_json_str(&r, "proposal.feature_sources.repeat_cases"), "history");
    assert_true(cites(&r, "civ.repeat_suit", "第二百四十七条"));
    assert_string_equal(yzt_json_str(&r, "proposal.track"), "simplified");
    int64_t version = yzt_json_int(&r, "version");

    /* Not what was proposed: without a reason (or only blanks) it is refused, nothing changes. */
    fire(&officer, overridden_id, json_pack("{s:s}", "event", "decide_ordinary"), 400, &r);
    yzt_assert_field_error_code(&r, "fields/reason", "required");
    assert_non_null(strstr(r.body, "简易程序"));
    fire(&officer, overridden_id,
         json_pack("{s:s, s:{s:s}}", "event", "decide_ordinary", "fields", "reason", "   "), 400,
         &r);
    yzt_assert_field_error_code(&r, "fields/reason", "required");
    get_triage(&officer, overridden_id, 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "registered");
    assert_int_equal(yzt_json_int(&r, "version"), version);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "decisions")), 0);

    /* Bad fields and events. */
    fire(&officer, overridden_id,
         json_pack("{s:s, s:{s:i}}", "event", "decide_ordinary", "fields", "reason", 5), 400, &r);
    yzt_assert_field_error(&r, "fields/reason");
    fire(&officer, overridden_id,
         json_pack("{s:s, s:{s:s, s:s}}", "event", "decide_ordinary", "fields", "reason", "x",
                   "track", "ordinary"),
         400, &r);
    yzt_assert_field_error(&r, "fields/track");
    fire(&officer, overridden_id, json_pack("{s:s}", "event", "decide_fast"), 400, &r);
    yzt_assert_field_error_code(&r, "event", "not_found");
    fire(&officer, overridden_id, json_pack("{s:s}", "event", "close_case"), 403, &r);
    fire(&officer, overridden_id, json_pack("{s:s}", "event", "convert_to_ordinary"), 409, &r);
    /* Others: the party may not decide; another court's staff see nothing. */
    fire(&party, overridden_id, json_pack("{s:s}", "event", "decide_simplified"), 403, &r);
    fire(&other_admin, overridden_id, json_pack("{s:s}", "event", "decide_simplified"), 404, &r);

    fire(&officer, overridden_id,
         json_pack("{s:s, s:{s:s}}", "event", "decide_ordinary", "fields", "reason",
                   "原告另案主张同一借款，需合并审查，适用普通程序"),
         200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "ordinary");
    char due[16];
    expected_end(REG_DAY, "months", 6, due);
    assert_string_equal(json_string_value(json_object_get(deadline(&r, "trial"), "due_date")), due);
    get_triage(&officer, overridden_id, 200, &r);
    assert_false(yzt_json_bool(&r, "decisions.0.agreed"));
    assert_string_equal(yzt_json_str(&r, "decisions.0.proposed_track"), "simplified");
    assert_string_equal(yzt_json_str(&r, "decisions.0.decided_track"), "ordinary");
    assert_non_null(strstr(yzt_json_str(&r, "decisions.0.reason"), "合并审查"));
    /* Deciding twice is not a transition the case has. */
    fire(&officer, overridden_id, json_pack("{s:s}", "event", "decide_ordinary"), 409, &r);
    yzt_response_free(&r);
}

static void amend(struct yzt_client *c, int64_t id, json_t *body, long status,
                  struct yzt_response *r)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/triage/features", (long long)id);
    yzt_request_json(c, "POST", path, body, NULL, r);
    yzt_assert_status(r, status);
}

static void amended_features_repropose(void **state)
{
    amended_id = file_and_register("民初", "王五", 3000000, true);
    struct yzt_response r = {0};
    get_triage(&officer, amended_id, 200, &r);
    assert_string_equal(yzt_json_str(&r, "proposal.track"), "small_claims");
    /* Another plaintiff, another defendant: nothing related. */
    assert_int_equal(yzt_json_int(&r, "proposal.features.related_cases"), 0);
    assert_int_equal(yzt_json_int(&r, "proposal.features.repeat_cases"), 0);
    assert_int_equal(yzt_json_int(&r, "proposal.features.legal_persons"), 1);

    /* Bad input, each named. */
    amend(&officer, amended_id, json_pack("{s:{s:i}}", "features", "amount_fen", 1), 400, &r);
    yzt_assert_field_error_code(&r, "features/amount_fen", "not_allowed");
    amend(&officer, amended_id, json_pack("{s:{s:s, s:b}}", "features", "appraisal_needed", "yes",
                                          "nope", 1),
          400, &r);
    yzt_assert_field_error_code(&r, "features/appraisal_needed", "wrong_type");
    yzt_assert_field_error_code(&r, "features/nope", "not_allowed");
    amend(&officer, amended_id, json_pack("{s:{}}", "features"), 400, &r);
    yzt_assert_field_error(&r, "features");
    amend(&officer, amended_id, json_pack("{s:s}", "note", "无特征"), 400, &r);
    yzt_assert_field_error(&r, "features");
    amend(&officer, amended_id, json_pack("{s:[]}", "features"), 400, &r);
    yzt_assert_field_error(&r, "features");
    amend(&officer, amended_id, json_pack("{s:{s:b}, s:i}", "features", "remand", 1, "version", 1),
          409, &r);
    /* Who may: not a judge (not the officer's event), not a party, not another court. */
    amend(&judge, amended_id, json_pack("{s:{s:b}}", "features", "remand", 1), 403, &r);
    amend(&party, amended_id, json_pack("{s:{s:b}}", "features", "remand", 1), 404, &r);
    amend(&other_admin, amended_id, json_pack("{s:{s:b}}", "features", "remand", 1), 404, &r);
    amend(&officer, 999999, json_pack("{s:{s:b}}", "features", "remand", 1), 404, &r);
    /* The same event through the generic events route names its document's fields. */
    fire(&officer, amended_id,
         json_pack("{s:s, s:{s:{s:i}}}", "event", "amend_triage_features", "fields",
                   "triage_features", "related_cases", 0),
         400, &r);
    yzt_assert_field_error_code(&r, "fields/triage_features/related_cases", "not_allowed");
    fire(&officer, amended_id, json_pack("{s:s}", "event", "amend_triage_features"), 400, &r);
    yzt_assert_field_error(&r, "fields/triage_features");

    amend(&officer, amended_id,
          json_pack("{s:{s:b}, s:s}", "features", "appraisal_needed", 1, "note", "借条真伪需鉴定"),
          200, &r);
    assert_string_equal(yzt_json_str(&r, "proposal.track"), "simplified");
    assert_true(yzt_json_bool(&r, "proposal.features.appraisal_needed"));
    assert_string_equal(yzt_json_str(&r, "proposal.feature_sources.appraisal_needed"), "officer");
    assert_true(cites(&r, "civ.small_claims.excl.appraisal", "第一百六十六条"));
    assert_string_equal(yzt_json_str(&r, "earlier_proposals.0.track"), "small_claims");

    /* The amendment is an event of its own in the history. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)amended_id);
    yzt_request(&officer, "GET", path, NULL, NULL, &r);
    bool seen = false;
    size_t i;
    json_t *ev;
    json_array_foreach(yzt_json_at(r.json, "items"), i, ev)
    {
        seen |= strcmp(json_string_value(json_object_get(ev, "type")),
                       "filing.amend_triage_features") == 0;
    }
    assert_true(seen);

    /* Following the new proposal is agreeing with it. */
    fire(&officer, amended_id, json_pack("{s:s}", "event", "decide_simplified"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "simplified");
    char due[16];
    expected_end(REG_DAY, "months", 3, due);
    assert_string_equal(json_string_value(json_object_get(deadline(&r, "trial"), "due_date")), due);
    yzt_response_free(&r);
}

static void administrative_cases_follow_their_own_rules(void **state)
{
    int64_t id = file_and_register("行初", "王五", 1000000, false);
    struct yzt_response r = {0};
    get_triage(&officer, id, 200, &r);
    assert_string_equal(yzt_json_str(&r, "proposal.category"), "administrative");
    assert_string_equal(yzt_json_str(&r, "proposal.track"), "ordinary");
    assert_true(cites(&r, "adm.excl.mediation", "第六十条"));
    assert_true(cites(&r, "adm.excl.small_claims", NULL));
    /* Small claims does not exist in administrative procedure, reason or not. */
    fire(&officer, id,
         json_pack("{s:s, s:{s:s}}", "event", "decide_small_claims", "fields", "reason", "试一试"),
         400, &r);
    yzt_assert_field_error_code(&r, "event", "not_allowed");
    amend(&officer, id, json_pack("{s:{s:b}}", "features", "on_the_spot_act", 1), 200, &r);
    assert_string_equal(yzt_json_str(&r, "proposal.track"), "simplified");
    assert_true(cites(&r, "adm.simple.on_the_spot", "第八十二条"));
    fire(&officer, id, json_pack("{s:s}", "event", "decide_simplified"), 200, &r);
    char due[16];
    expected_end(REG_DAY, "days", 45, due);
    assert_string_equal(json_string_value(json_object_get(deadline(&r, "trial"), "due_date")), due);
    yzt_response_free(&r);
}

static void mediation_first_then_the_proposed_trial_track(void **state)
{
    cause_code = "126"; /* 物业服务合同纠纷: suited to mediation first */
    int64_t id = file_and_register("民初", "赵七", 300000, true);
    cause_code = "108.3";
    struct yzt_response r = {0};
    get_triage(&officer, id, 200, &r);
    assert_string_equal(yzt_json_str(&r, "proposal.track"), "mediation");
    assert_string_equal(yzt_json_str(&r, "proposal.trial_track"), "small_claims");
    assert_true(cites(&r, "civ.mediation.suitable_cause", "第一百二十五条"));
    fire(&officer, id, json_pack("{s:s}", "event", "decide_mediation"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "track_mediation");
    char due[16];
    expected_end(REG_DAY, "days", 15, due);
    assert_string_equal(
        json_string_value(json_object_get(deadline(&r, "pretrial_mediation"), "due_date")), due);
    /* Still the officer's to place: it is in the queue, and can be filtered for. */
    yzt_request(&officer, "GET", "/api/v1/triage/queue?state=track_mediation", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), id);
    /* Among its open deadlines (the fee-payment deadline runs too, 办法 art. 22). */
    size_t di;
    json_t *dl;
    bool listed = false;
    json_array_foreach(yzt_json_at(r.json, "items.0.deadlines"), di, dl) listed =
        listed || strcmp(json_string_value(json_object_get(dl, "name")), "pretrial_mediation") == 0;
    assert_true(listed);
    /* Mediation failed: the proposed trial track is the one to compare with. */
    fire(&officer, id, json_pack("{s:s}", "event", "decide_simplified"), 400, &r);
    yzt_assert_field_error_code(&r, "fields/reason", "required");
    fire(&officer, id, json_pack("{s:s}", "event", "decide_small_claims"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "small_claims");
    assert_true(json_is_true(json_object_get(deadline(&r, "pretrial_mediation"), "stopped")));
    assert_string_equal(json_string_value(json_object_get(deadline(&r, "trial"), "start_date")),
                        REG_DAY);
    get_triage(&officer, id, 200, &r);
    assert_true(yzt_json_bool(&r, "decisions.0.agreed"));
    assert_string_equal(yzt_json_str(&r, "decisions.0.decided_track"), "mediation");
    assert_true(yzt_json_bool(&r, "decisions.1.agreed"));
    assert_string_equal(yzt_json_str(&r, "decisions.1.proposed_track"), "small_claims");
    yzt_response_free(&r);
}

static void access_to_proposals(void **state)
{
    struct yzt_response r = {0};
    /* The court's own staff and the supervising court see it ... */
    get_triage(&judge, confirmed_id, 200, &r);
    get_triage(&admin, confirmed_id, 200, &r);
    get_triage(&supervisor, confirmed_id, 200, &r);
    /* ... a party of the case, a clerk without a triage role, and another court do not. */
    int64_t before = yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'access_denied'");
    get_triage(&party, confirmed_id, 404, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get_triage(&clerk, confirmed_id, 404, &r);
    get_triage(&other_admin, confirmed_id, 404, &r);
    get_triage(&officer, 999999, 404, &r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'access_denied'"),
                     before + 3);
    yzt_request(&officer, "GET", "/api/v1/matters/abc/triage", NULL, NULL, &r);
    yzt_assert_status(&r, 400);
    /* Queues: a party may not ask; another court's admin cannot name this court. */
    yzt_request(&party, "GET", "/api/v1/triage/queue", NULL, NULL, &r);
    yzt_assert_status(&r, 403);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/triage/queue?court_id=%lld", (long long)court);
    yzt_request(&other_admin, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 404);
    yzt_request(&supervisor, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_request(&officer, "GET", "/api/v1/triage/queue?state=closed", NULL, NULL, &r);
    yzt_assert_field_error(&r, "query/state");
    yzt_request(&officer, "GET", "/api/v1/triage/queue?limit=0", NULL, NULL, &r);
    yzt_assert_field_error(&r, "query/limit");
    yzt_response_free(&r);
}

static void report(struct yzt_client *c, const char *query, long status, struct yzt_response *r)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/triage/report?%s", query);
    yzt_request(c, "GET", path, NULL, NULL, r);
    yzt_assert_status(r, status);
}

/* The rule's entry in by_rule, or NULL. */
static json_t *rule_line(struct yzt_response *r, const char *rule)
{
    size_t i;
    json_t *x;
    json_array_foreach(yzt_json_at(r->json, "by_rule"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "rule")), rule) == 0)
            return x;
    }
    return NULL;
}

static void agreement_report(void **state)
{
    struct yzt_response r = {0};
    json_t *x;
    /* Six decisions: small claims confirmed, simplified overridden to ordinary, simplified
     * (after amending) confirmed, administrative simplified (after amending) confirmed,
     * mediation confirmed and then its proposed trial track confirmed. */
    report(&officer, "from=2026-03-01&to=2026-03-31", 200, &r);
    assert_int_equal(yzt_json_int(&r, "decisions"), 6);
    assert_int_equal(yzt_json_int(&r, "agreed"), 5);
    assert_int_equal(yzt_json_int(&r, "overridden"), 1);
    assert_true(json_real_value(yzt_json_at(r.json, "agreement_rate")) == 0.8333);
    x = rule_line(&r, "civ.mediation.suitable_cause");
    assert_int_equal(json_integer_value(json_object_get(x, "decisions")), 2);
    assert_int_equal(json_integer_value(json_object_get(x, "agreed")), 2);
    assert_int_equal(yzt_json_int(&r, "conversions"), 0);
    x = rule_line(&r, "civ.repeat_suit");
    assert_non_null(x);
    assert_int_equal(json_integer_value(json_object_get(x, "decisions")), 1);
    assert_int_equal(json_integer_value(json_object_get(x, "agreed")), 0);
    assert_true(json_real_value(json_object_get(x, "agreement_rate")) == 0.0);
    assert_non_null(json_string_value(json_object_get(x, "title")));
    x = rule_line(&r, "civ.simple.two_parties");
    assert_int_equal(json_integer_value(json_object_get(x, "decisions")), 5);
    assert_int_equal(json_integer_value(json_object_get(x, "agreed")), 4);
    assert_true(json_real_value(json_object_get(x, "agreement_rate")) == 0.8);
    x = rule_line(&r, "civ.complex.appraisal");
    assert_int_equal(json_integer_value(json_object_get(x, "decisions")), 1);
    assert_int_equal(json_integer_value(json_object_get(x, "agreed")), 1);
    /* The proposal the decision followed counts, not the one it superseded. */
    x = rule_line(&r, "adm.simple.on_the_spot");
    assert_int_equal(json_integer_value(json_object_get(x, "decisions")), 1);
    assert_int_equal(json_integer_value(json_object_get(x, "agreed")), 1);

    /* The supervising court sees the same; another court's admin cannot ask for it. */
    char q[160];
    snprintf(q, sizeof q, "court_id=%lld&from=2026-03-01&to=2026-03-31", (long long)court);
    report(&supervisor, q, 200, &r);
    assert_int_equal(yzt_json_int(&r, "decisions"), 6);
    report(&other_admin, q, 404, &r);
    report(&other_admin, "from=2026-03-01&to=2026-03-31", 200, &r);
    assert_int_equal(yzt_json_int(&r, "decisions"), 0);
    assert_true(json_is_null(yzt_json_at(r.json, "agreement_rate")));
    /* Another period: nothing. */
    report(&admin, "from=2026-04-01&to=2026-04-30", 200, &r);
    assert_int_equal(yzt_json_int(&r, "decisions"), 0);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "by_rule")), 0);
    /* Bad input. */
    report(&officer, "from=2026-03-31&to=2026-03-01", 400, &r);
    yzt_assert_field_error_code(&r, "query/to", "before_from");
    report(&officer, "to=2026-03-31", 400, &r);
    yzt_assert_field_error(&r, "query/from");
    report(&officer, "from=2026-02-30&to=2026-03-31", 400, &r);
    yzt_assert_field_error(&r, "query/from");
    report(&officer, "from=2000-01-01&to=2026-03-31", 400, &r);
    yzt_assert_field_error_code(&r, "query/to", "too_long");
    report(&officer, "from=2026-03-01&to=2026-03-31&court_id=x", 400, &r);
    yzt_assert_field_error(&r, "query/court_id");
    report(&party, "from=2026-03-01&to=2026-03-31", 403, &r);
    report(&judge, "from=2026-03-01&to=2026-03-31", 403, &r);
    yzt_response_free(&r);
}

static void conversion_keeps_the_registration_date(void **state)
{
    /* Eighteen days later. */
    setenv("YZ_TEST_NOW_MS", LATER_MS, 1);
    const char *const set[] = {WAGE, NULL};
    yzt_server_restart(&srv, set);
    log_in_everyone();
    struct yzt_response r = {0};
    fire(&judge, amended_id, json_pack("{s:s}", "event", "convert_to_ordinary"), 400, &r);
    yzt_assert_field_error_code(&r, "fields/reason", "required");
    fire(&judge, amended_id,
         json_pack("{s:s, s:{s:s}}", "event", "convert_to_ordinary", "fields", "reason", "短"), 400,
         &r);
    yzt_assert_field_error(&r, "fields/reason");
    fire(&party, amended_id,
         json_pack("{s:s, s:{s:s}}", "event", "convert_to_ordinary", "fields", "reason",
                   "当事人申请转为普通程序"),
         403, &r);
    fire(&judge, amended_id,
         json_pack("{s:s, s:{s:s}}", "event", "convert_to_ordinary", "fields", "reason",
                   "鉴定意见争议较大，案情复杂，转为普通程序审理"),
         200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "ordinary");
    json_t *trial = deadline(&r, "trial");
    /* 民诉解释 art. 258: from registration (2026-03-02), not from today (2026-03-20). */
    assert_string_equal(json_string_value(json_object_get(trial, "start_date")), REG_DAY);
    assert_string_equal(json_string_value(json_object_get(trial, "due_date")), "2026-09-02");
    fire(&judge, amended_id, json_pack("{s:s}", "event", "convert_to_ordinary"), 409, &r);
    get_triage(&judge, amended_id, 200, &r);
    assert_string_equal(yzt_json_str(&r, "decisions.1.kind"), "conversion");
    assert_string_equal(yzt_json_str(&r, "decisions.1.proposed_track"), "simplified");
    assert_false(yzt_json_has(&r, "decisions.1.agreed"));
    report(&officer, "from=2026-03-01&to=2026-03-31", 200, &r);
    assert_int_equal(yzt_json_int(&r, "conversions"), 1);
    assert_int_equal(yzt_json_int(&r, "decisions"), 6);

    /* The judge closes the case: the trial period stops. */
    fire(&judge, amended_id, json_pack("{s:s, s:{s:s}}", "event", "close_case", "fields", "outcome",
                                       "archive"),
         400, &r);
    yzt_assert_field_error(&r, "fields/outcome");
    fire(&officer, amended_id,
         json_pack("{s:s, s:{s:s}}", "event", "close_case", "fields", "outcome", "judgment"), 403,
         &r);
    fire(&judge, amended_id,
         json_pack("{s:s, s:{s:s}}", "event", "close_case", "fields", "outcome", "judgment"), 200,
         &r);
    assert_string_equal(yzt_json_str(&r, "state"), "closed");
    assert_true(json_is_true(json_object_get(deadline(&r, "trial"), "stopped")));
    yzt_response_free(&r);
}

/* A data directory that is the real one except for triage/rules.json. */
static void data_with_rules(const char *dir, const char *rules)
{
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/triage' && for f in '%s'/*; do [ \"$(basename \"$f\")\" = triage ] ||"
             " ln -s \"$(realpath \"$f\")\" '%s/'; done",
             dir, data, dir);
    assert_int_equal(system(cmd), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/triage/rules.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(rules, f);
    fclose(f);
}

static void invalid_rules_and_wage_figures_stop_the_server(void **state)
{
    char dir[] = "/tmp/yz-triage-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char data[300], out[4096];
    snprintf(data, sizeof data, "%s/data", dir);
    const char *real = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    /* The shipped rules check. */
    const char *const ok[] = {"triage", "check", "--data", real, NULL};
    int rc = yzt_run_cli(ok, out, sizeof out);
    if (rc != 0)
        print_error("%s\n", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "ok"));
    /* A misspelt feature: the check names it, and the server does not start. */
    data_with_rules(data, "{\"version\": 1, \"categories\": [{\"name\": \"civil\","
                          " \"title\": \"民事\", \"case_category\": \"民事\","
                          " \"simple_threshold\": 2, \"trial_periods\": [{\"track\":"
                          " \"ordinary\", \"title\": \"审限\", \"unit\": \"months\","
                          " \"n\": 6, \"basis\": \"第一百五十二条\"}], \"rules\": [{\"id\":"
                          " \"x\", \"title\": \"规则\", \"basis\": \"第一条\", \"when\":"
                          " {\"feature\": \"apraisal\", \"op\": \"eq\", \"value\": true},"
                          " \"effect\": {\"score\": -1}}]}]}");
    const char *const check[] = {"triage", "check", "--data", data, NULL};
    assert_int_equal(yzt_run_cli(check, out, sizeof out), 1);
    assert_non_null(strstr(out, "apraisal"));
    char sub[320];
    snprintf(sub, sizeof sub, "%s/db", dir);
    const char *const init[] = {"init", "--dir", sub, "--data", data, NULL};
    rc = yzt_run_cli(init, out, sizeof out);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(out, "apraisal"));
    const char *const usage[] = {"triage", "frobnicate", NULL};
    assert_int_equal(yzt_run_cli(usage, out, sizeof out), 2);
    /* A wage list out of order names the key. */
    snprintf(sub, sizeof sub, "%s/db2", dir);
    const char *const wage[] = {"init",  "--dir", sub,
                                "--data", real,   "--set",
                                "fees.average_wage=2025-01-01:100,2024-01-01:200", NULL};
    rc = yzt_run_cli(wage, out, sizeof out);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, "fees.average_wage"));
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void the_history_verifies(void **state)
{
    char out[4096];
    const char *const args[] = {"audit", "verify", "--dir", srv.dir, NULL};
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != 0)
        print_error("%s\n", out);
    assert_int_equal(rc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registration_proposes_and_the_officer_confirms),
        cmocka_unit_test(
            a_second_suit_between_the_same_parties_is_a_repeat_and_overriding_needs_a_reason),
        cmocka_unit_test(amended_features_repropose),
        cmocka_unit_test(administrative_cases_follow_their_own_rules),
        cmocka_unit_test(mediation_first_then_the_proposed_trial_track),
        cmocka_unit_test(access_to_proposals),
        cmocka_unit_test(agreement_report),
        cmocka_unit_test(conversion_keeps_the_registration_date),
        cmocka_unit_test(invalid_rules_and_wage_figures_stop_the_server),
        cmocka_unit_test(the_history_verifies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
