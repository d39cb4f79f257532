/*
 * End-to-end tests of case assignment (src/assignment): a court admin
 * configuring trial teams (every change an event; every bad field named;
 * other courts and parties answered 404 and recorded), recusals, the draw on
 * registered cases re-run from the history by the API and by
 * `yizhan assign verify` (and the seed checked here independently against
 * its earlier commitment), recused judges never drawn over many cases,
 * designation with and without a reason, team and judge queues, the per-court
 * report counting draws and designations apart, and a tampered draw caught.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_test_server srv;
/* Staff log in once: a TOTP code works once per 30 s step. */
static struct yzt_client admin = {.srv = &srv}, admin_jb = {.srv = &srv},
                         triage = {.srv = &srv}, clerk = {.srv = &srv}, judge = {.srv = &srv},
                         judge3 = {.srv = &srv}, supervisor = {.srv = &srv},
                         party = {.srv = &srv}, mediator = {.srv = &srv};
static int64_t court, court_jb;
/* Demo people, by name, from the demo teams. */
static int64_t id_judge, id_judge2, id_judge3, id_judge4, id_judge5, id_assistant, id_mediator;
static int64_t team_fast1, team_fast2, team_ordinary;

#define DENIALS_SQL                                                                                \
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'"

static void get(struct yzt_client *c, const char *path, struct yzt_response *r)
{
    yzt_request(c, "GET", path, NULL, NULL, r);
}

static const char *pathf(char *buf, size_t size, const char *prefix, int64_t id, const char *suffix)
{
    snprintf(buf, size, "%s%lld%s", prefix, (long long)id, suffix);
    return buf;
}

static int64_t count(const char *sql)
{
    return yzt_db_count(&srv, sql);
}

static int64_t events_on(const char *type, const char *stream_prefix, int64_t id)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE type = '%s' AND stream = '%s/%lld'",
             type, stream_prefix, (long long)id);
    return count(sql);
}

/* The member of a team list (GET /api/v1/teams) called name. */
static int64_t member_id(json_t *teams, const char *name)
{
    size_t i, k;
    json_t *t, *m;
    json_array_foreach(json_object_get(teams, "items"), i, t)
    {
        json_array_foreach(json_object_get(t, "members"), k, m)
        {
            if (strcmp(json_string_value(json_object_get(m, "name")), name) == 0)
                return json_integer_value(json_object_get(m, "user_id"));
        }
    }
    return 0;
}

static int64_t team_id(json_t *teams, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(teams, "items"), i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
            return json_integer_value(json_object_get(t, "id"));
    }
    return 0;
}

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&admin, "court_admin");
    yzt_demo_login(&admin_jb, "court_admin_jb");
    yzt_demo_login(&triage, "triage_officer");
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&judge, "judge");
    yzt_demo_login(&judge3, "judge3");
    yzt_demo_login(&supervisor, "supervisor");
    yzt_demo_login(&party, "13800000001");
    yzt_demo_login(&mediator, "13800000005"); /* 钱调解员, of 速裁一组 */
    court = yzt_court_id(&admin, "渝0103");
    court_jb = yzt_court_id(&admin, "渝0105");
    struct yzt_response r = {0};
    get(&admin, "/api/v1/teams", &r);
    yzt_assert_status(&r, 200);
    id_judge = member_id(r.json, "郑法官");
    id_judge2 = member_id(r.json, "王法官");
    id_judge3 = member_id(r.json, "刘法官");
    id_judge4 = member_id(r.json, "何法官");
    id_judge5 = member_id(r.json, "许法官");
    id_assistant = member_id(r.json, "冯助理");
    id_mediator = member_id(r.json, "钱调解员");
    team_fast1 = team_id(r.json, "速裁一组");
    team_fast2 = team_id(r.json, "速裁二组");
    team_ordinary = team_id(r.json, "民事审判一组");
    yzt_response_free(&r);
    assert_true(id_judge && id_judge2 && id_judge3 && id_judge4 && id_judge5 && id_assistant &&
                id_mediator && team_fast1 && team_fast2 && team_ordinary);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* ---- cases ---------------------------------------------------------------------------- */

static json_t *application(void)
{
    return json_pack(
        "{s:s, s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}],"
        " s:s, s:s, s:I, s:[{s:s, s:s}], s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_name", "民间借贷纠纷", "cause_revision", 2025, "case_type",
        "民初", "parties", "role", "plaintiff", "kind", "natural", "name", "张三", "sex", "male",
        "birth_date", "1990-01-01", "citizen_id", "500103199001011232", "address",
        "重庆市渝中区解放碑街道1号", "phone", "13800000001", "role", "defendant", "kind", "natural",
        "name", "李四", "address", "重庆市江北区观音桥街道2号", "phone", "13800000002", "claims",
        "判令被告偿还借款本金十万元及利息", "facts",
        "2025年1月1日被告向原告借款十万元，约定三个月后归还，至今未还。", "amount_fen",
        (json_int_t)10000000, "evidence", "name", "借条", "source", "原告持有", "service_address",
        "address", "重庆市渝中区解放碑街道1号", "phone", "13800000001", "e_service_consent", 1);
}

static void fire(struct yzt_client *c, int64_t id, json_t *body, long status,
                 struct yzt_response *r)
{
    char path[64];
    yzt_post_new(c, pathf(path, sizeof path, "/api/v1/matters/", id, "/events"), body, r);
    yzt_assert_status(r, status);
}

/* A filing by 张三, registered by the clerk and, when decide names a triage
 * decision (decide_ordinary, decide_simplified ...), put on that track. */
static int64_t new_case_on(const char *decide)
{
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "张三诉李四民间借贷纠纷", "fields", "channel",
                           "online", "application", application()),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    fire(&clerk, id, json_pack("{s:s}", "event", "register"), 200, &r);
    if (decide)
        fire(&triage, id,
             json_pack("{s:s, s:{s:s}}", "event", decide, "fields", "reason",
                       "经审查确定审理程序"),
             200, &r);
    yzt_response_free(&r);
    return id;
}

/* true: an ordinary-procedure case; false: registered, awaiting triage. */
static int64_t new_case(bool ordinary)
{
    return new_case_on(ordinary ? "decide_ordinary" : NULL);
}

static void draw(int64_t id, long status, struct yzt_response *r)
{
    fire(&triage, id, json_pack("{s:s}", "event", "assign_by_draw"), status, r);
}

/* GET /api/v1/matters/{id}/assignment as the triage officer. */
static void assignment_of(int64_t id, struct yzt_response *r)
{
    char path[80];
    get(&triage, pathf(path, sizeof path, "/api/v1/matters/", id, "/assignment"), r);
    yzt_assert_status(r, 200);
}

static int64_t current_judge(int64_t id)
{
    struct yzt_response r = {0};
    assignment_of(id, &r);
    int64_t j = yzt_json_has(&r, "current.judge_id") ? yzt_json_int(&r, "current.judge_id") : 0;
    yzt_response_free(&r);
    return j;
}

static void recuse(struct yzt_client *c, int64_t matter, int64_t judge_id, const char *kind,
                   const char *reason, long status, struct yzt_response *r)
{
    char path[80];
    yzt_post_new(c, pathf(path, sizeof path, "/api/v1/matters/", matter, "/recusals"),
                 json_pack("{s:I, s:s, s:s}", "judge_id", (json_int_t)judge_id, "kind", kind,
                           "reason", reason),
                 r);
    yzt_assert_status(r, status);
}

static int cli(const char *const *args, char *out, size_t size)
{
    memset(out, 0, size);
    return yzt_run_cli(args, out, size);
}

static int assign_verify(char *out, size_t size)
{
    const char *const args[] = {"assign", "verify", "--dir", srv.dir, NULL};
    return cli(args, out, size);
}

static int audit_verify(char *out, size_t size)
{
    const char *const args[] = {"audit", "verify", "--dir", srv.dir, NULL};
    return cli(args, out, size);
}

/* ---- teams ------------------------------------------------------------------------------ */

static void teams_configured_by_the_court_admin(void **state)
{
    struct yzt_response r = {0};
    char path[96];
    yzt_post_new(&admin, "/api/v1/teams",
                 json_pack("{s:s, s:s}", "name", "民事审判二组", "kind", "ordinary"), &r);
    yzt_assert_status(&r, 201);
    int64_t team = yzt_json_int(&r, "id");
    assert_string_equal(yzt_json_str(&r, "kind_title"), "普通程序审判团队");
    assert_int_equal(events_on("team.created", "team", team), 1);

    /* Every bad field named; nothing stored. */
    yzt_post_new(&admin, "/api/v1/teams", json_pack("{s:s, s:s}", "name", "组", "kind", "fast"),
                 &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "name");
    yzt_assert_field_error(&r, "kind");
    yzt_post_new(&admin, "/api/v1/teams", json_pack("{}"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "name");
    yzt_assert_field_error(&r, "kind");
    yzt_post_new(&admin, "/api/v1/teams", json_pack("{s:s, s:s}", "name", "民事\n二组", "kind",
                                                    "ordinary"),
                 &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "name");
    yzt_post_new(&admin, "/api/v1/teams",
                 json_pack("{s:s, s:s}", "name", "民事审判二组", "kind", "fast_track"), &r);
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_assert_field_error_code(&r, "name", "duplicate");
    assert_int_equal(count("SELECT count(*) FROM teams WHERE name = '民事审判二组'"), 1);
    /* Only court admins create teams. */
    yzt_post_new(&triage, "/api/v1/teams",
                 json_pack("{s:s, s:s}", "name", "分流组", "kind", "ordinary"), &r);
    yzt_assert_problem(&r, 403, "forbidden");

    /* Members: each in their own role; another court's staff are unknown here. */
    const char *members = pathf(path, sizeof path, "/api/v1/teams/", team, "/members");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "user_id", (json_int_t)id_judge4, "role", "judge"), &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "members")), 1);
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "user_id", (json_int_t)id_judge4, "role", "judge"), &r);
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_assert_field_error_code(&r, "user_id", "duplicate");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "user_id", (json_int_t)id_assistant, "role", "judge"),
                 &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "user_id", "role_mismatch");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "user_id", (json_int_t)999999, "role", "clerk"), &r);
    yzt_assert_field_error_code(&r, "user_id", "not_found");
    yzt_request(&admin_jb, "GET", "/api/v1/me", NULL, NULL, &r);
    int64_t admin_jb_id = yzt_json_int(&r, "id");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "user_id", (json_int_t)admin_jb_id, "role", "clerk"), &r);
    yzt_assert_field_error_code(&r, "user_id", "not_found");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "user_id", (json_int_t)id_mediator, "role", "mediator"),
                 &r);
    yzt_assert_status(&r, 201);
    yzt_request(&party, "GET", "/api/v1/me", NULL, NULL, &r);
    int64_t party_id = yzt_json_int(&r, "id");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "user_id", (json_int_t)party_id, "role", "mediator"), &r);
    yzt_assert_field_error_code(&r, "user_id", "not_on_roster");
    yzt_post_new(&admin, members, json_pack("{s:I, s:s}", "user_id", (json_int_t)id_judge4,
                                            "role", "president"),
                 &r);
    yzt_assert_field_error(&r, "role");
    assert_int_equal(events_on("team.member_added", "team", team), 2);

    /* PATCH: rename, null refused, deactivate. */
    const char *one = pathf(path, sizeof path, "/api/v1/teams/", team, "");
    yzt_request_json(&admin, "PATCH", one, json_pack("{s:n}", "name"), NULL, &r);
    yzt_assert_field_error(&r, "name");
    yzt_request_json(&admin, "PATCH", one, json_pack("{s:s}", "name", "速裁一组"), NULL, &r);
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_request_json(&admin, "PATCH", one, json_pack("{s:s, s:b}", "name", "民事审判三组",
                                                     "active", 0),
                     NULL, &r);
    yzt_assert_status(&r, 200);
    assert_false(yzt_json_bool(&r, "active"));
    assert_int_equal(events_on("team.updated", "team", team), 1);
    yzt_request_json(&admin, "PATCH", one, json_pack("{s:b}", "active", 0), NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(events_on("team.updated", "team", team), 1); /* no change, no event */

    /* Another court's admin, a party: the team does not exist for them (recorded). */
    int64_t denials = count(DENIALS_SQL);
    yzt_request_json(&admin_jb, "PATCH", one, json_pack("{s:b}", "active", 1), NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&admin_jb, one, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&party, one, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&party, "/api/v1/teams", &r);
    yzt_assert_problem(&r, 404, "not_found");
    char qpath[96];
    get(&party, pathf(qpath, sizeof qpath, "/api/v1/teams/", team_ordinary, "/queue"), &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&admin, "/api/v1/teams/999999", &r);
    yzt_assert_problem(&r, 404, "not_found");
    assert_int_equal(count(DENIALS_SQL), denials + 5);
    get(&admin_jb, "/api/v1/teams", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 0);

    /* Removing a member. */
    char mpath[128];
    snprintf(mpath, sizeof mpath, "/api/v1/teams/%lld/members/%lld", (long long)team,
             (long long)id_mediator);
    yzt_request(&admin, "DELETE", mpath, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "members")), 1);
    yzt_request(&admin, "DELETE", mpath, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    assert_int_equal(events_on("team.member_removed", "team", team), 1);
    yzt_response_free(&r);
}

/* ---- the draw ------------------------------------------------------------------------------ */

/* The payload of the newest event of type on matter id (parsed; the caller frees). */
static json_t *last_payload(int64_t id, const char *type, int64_t *event_id)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(srv.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char stream[48];
    snprintf(stream, sizeof stream, "matter/%lld", (long long)id);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id, payload FROM events WHERE stream = ?"
                                        " AND type = ? ORDER BY id DESC LIMIT 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, stream, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, type, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    *event_id = sqlite3_column_int64(st, 0);
    json_t *p = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_non_null(p);
    return p;
}

static int64_t event_id_of(const char *sql_id)
{
    return count(sql_id);
}

/* The roster shows entries, not accounts: the admin adds a mediator to a
 * team by the roster entry (mediator_id) and the team lists their account. */
static void a_mediator_joins_a_team_by_roster_entry(void **state)
{
    struct yzt_response r = {0};
    char path[96], q[64];
    snprintf(q, sizeof q, "/api/v1/roster?court_id=%lld", (long long)court);
    get(&admin, q, &r);
    int64_t entry = 0;
    size_t i;
    json_t *m;
    json_array_foreach(yzt_json_at(r.json, "mediators"), i, m)
    {
        if (strcmp(json_string_value(json_object_get(m, "name")), "钱调解员") == 0)
            entry = json_integer_value(json_object_get(m, "id"));
        assert_null(json_object_get(m, "user_id")); /* the public roster shows no accounts */
    }
    assert_true(entry > 0);
    const char *members = pathf(path, sizeof path, "/api/v1/teams/", team_ordinary, "/members");
    int64_t added = events_on("team.member_added", "team", team_ordinary);
    /* Bad input, each named: no member, both, a non-mediator role, no such entry. */
    yzt_post_new(&admin, members, json_pack("{s:s}", "role", "mediator"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "user_id");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:I, s:s}", "user_id", (json_int_t)id_mediator, "mediator_id",
                           (json_int_t)entry, "role", "mediator"),
                 &r);
    yzt_assert_field_error(&r, "mediator_id");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "mediator_id", (json_int_t)entry, "role", "judge"), &r);
    yzt_assert_field_error_code(&r, "mediator_id", "role_mismatch");
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "mediator_id", (json_int_t)999999, "role", "mediator"),
                 &r);
    yzt_assert_field_error_code(&r, "mediator_id", "not_on_roster");
    assert_int_equal(events_on("team.member_added", "team", team_ordinary), added);
    /* Another court's admin: the team does not exist for them. */
    yzt_post_new(&admin_jb, members,
                 json_pack("{s:I, s:s}", "mediator_id", (json_int_t)entry, "role", "mediator"),
                 &r);
    yzt_assert_problem(&r, 404, "not_found");

    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "mediator_id", (json_int_t)entry, "role", "mediator"),
                 &r);
    yzt_assert_status(&r, 201);
    json_t *one = json_pack("{s:[O]}", "items", r.json);
    assert_int_equal(member_id(one, "钱调解员"), id_mediator);
    json_decref(one);
    yzt_post_new(&admin, members,
                 json_pack("{s:I, s:s}", "mediator_id", (json_int_t)entry, "role", "mediator"),
                 &r);
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_assert_field_error_code(&r, "mediator_id", "duplicate");
    assert_int_equal(events_on("team.member_added", "team", team_ordinary), added + 1);

    /* Out again: the demo teams stay as the later tests expect them. */
    char mpath[128];
    snprintf(mpath, sizeof mpath, "/api/v1/teams/%lld/members/%lld", (long long)team_ordinary,
             (long long)id_mediator);
    yzt_request(&admin, "DELETE", mpath, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

static void draw_is_recorded_and_rerun_from_history(void **state)
{
    struct yzt_response r = {0};
    int64_t id = new_case(true);
    /* Only the triage officer draws; other courts do not see the case. */
    fire(&clerk, id, json_pack("{s:s}", "event", "assign_by_draw"), 403, &r);
    fire(&party, id, json_pack("{s:s}", "event", "assign_by_draw"), 403, &r);
    fire(&admin_jb, id, json_pack("{s:s}", "event", "assign_by_draw"), 404, &r);
    fire(&triage, id, json_pack("{s:s, s:{s:i}}", "event", "assign_by_draw", "fields", "note", 5),
         400, &r);
    yzt_assert_field_error(&r, "fields/note");
    fire(&triage, id, json_pack("{s:s, s:{s:s}}", "event", "assign_by_draw", "fields", "judge_id",
                                "1"),
         400, &r);
    assert_int_equal(events_on("assignment.drawn", "matter", id), 0);
    /* Awaiting triage: no track, no draw. */
    int64_t untriaged = new_case(false);
    draw(untriaged, 409, &r);
    yzt_assert_problem(&r, 409, "invalid_transition");
    assert_int_equal(events_on("assignment.seed_committed", "matter", untriaged), 0);

    /* The seed was committed by the triage decision, in its own transaction. */
    assert_int_equal(events_on("assignment.seed_committed", "matter", id), 1);
    draw(id, 200, &r);
    assert_int_equal(events_on("assignment.drawn", "matter", id), 1);
    /* The seed of this draw, then the seed of a possible redraw. */
    assert_int_equal(events_on("assignment.seed_committed", "matter", id), 2);
    int64_t drawn_id, first_commit;
    json_t *p = last_payload(id, "assignment.drawn", &drawn_id);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT min(id) FROM events WHERE stream = 'matter/%lld'"
             " AND type = 'assignment.seed_committed'",
             (long long)id);
    first_commit = event_id_of(sql);
    assert_int_equal(json_integer_value(json_object_get(p, "commit_event_id")), first_commit);
    assert_true(first_commit < drawn_id);
    snprintf(sql, sizeof sql,
             "SELECT min(id) FROM events WHERE stream = 'matter/%lld' AND type ="
             " 'filing.assign_by_draw'",
             (long long)id);
    assert_true(first_commit < event_id_of(sql)); /* committed before the draw was asked for */
    /* Anyone can check the seed against the commitment made before the draw. */
    const char *seed_hex = json_string_value(json_object_get(p, "seed"));
    unsigned char seed[32], h[32];
    size_t len = 0;
    assert_int_equal(sodium_hex2bin(seed, sizeof seed, seed_hex, strlen(seed_hex), NULL, &len,
                                    NULL),
                     0);
    assert_int_equal(len, 32);
    crypto_generichash(h, sizeof h, seed, sizeof seed, NULL, 0);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    int64_t commit_id;
    json_t *c = last_payload(id, "assignment.seed_committed", &commit_id);
    json_decref(c);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE id = %lld AND payload LIKE '%%\"seed_hash\":\"%s\"%%'",
             (long long)first_commit, hex);
    assert_int_equal(count(sql), 1);
    /* The ordinary team's judges were the candidates. */
    json_t *cands = json_object_get(p, "candidates");
    assert_int_equal(json_array_size(cands), 2);
    int64_t drawn = json_integer_value(json_object_get(json_object_get(p, "result"), "judge_id"));
    assert_true(drawn == id_judge || drawn == id_judge5);
    assert_string_equal(json_string_value(json_object_get(p, "team_kind")), "ordinary");
    json_decref(p);

    assignment_of(id, &r);
    assert_int_equal(yzt_json_int(&r, "current.judge_id"), drawn);
    assert_string_equal(yzt_json_str(&r, "current.method"), "draw");
    assert_int_equal(yzt_json_int(&r, "current.team_id"), team_ordinary);
    assert_true(yzt_json_bool(&r, "verification.ok"));
    assert_int_equal(yzt_json_int(&r, "verification.draws"), 1);
    assert_true(yzt_json_bool(&r, "history.0.verified"));
    /* The matter shows its assignment too. */
    char mpath[64];
    get(&triage, pathf(mpath, sizeof mpath, "/api/v1/matters/", id, ""), &r);
    assert_int_equal(yzt_json_int(&r, "data.assignment.judge_id"), drawn);
    /* The drawn judge is told. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE recipient_user_id = %lld AND template ="
             " 'matter_assigned' AND matter_id = %lld",
             (long long)drawn, (long long)id);
    assert_int_equal(count(sql), 1);

    /* A redraw uses the seed committed right after the first draw. */
    snprintf(sql, sizeof sql,
             "SELECT max(id) FROM events WHERE stream = 'matter/%lld'"
             " AND type = 'assignment.seed_committed'",
             (long long)id);
    int64_t second_commit = event_id_of(sql);
    /* A judge holds the case: a redraw must say why. */
    draw(id, 400, &r);
    yzt_assert_field_error_code(&r, "fields/note", "required");
    fire(&triage, id, json_pack("{s:s, s:{s:s}}", "event", "assign_by_draw", "fields", "note", "  "),
         400, &r);
    yzt_assert_field_error_code(&r, "fields/note", "required");
    fire(&triage, id,
         json_pack("{s:s, s:{s:s}}", "event", "assign_by_draw", "fields", "note",
                   "承办法官长期病假，院庭长批准重新分案"),
         200, &r);
    p = last_payload(id, "assignment.drawn", &drawn_id);
    assert_int_equal(json_integer_value(json_object_get(p, "commit_event_id")), second_commit);
    assert_int_equal(json_integer_value(json_object_get(p, "previous_judge_id")), drawn);
    assert_string_equal(json_string_value(json_object_get(p, "note")),
                        "承办法官长期病假，院庭长批准重新分案");
    json_decref(p);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM assignments WHERE matter_id = %lld",
             (long long)id);
    assert_int_equal(count(sql), 2);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM assignments WHERE matter_id = %lld AND ended_at IS NULL",
             (long long)id);
    assert_int_equal(count(sql), 1);

    /* Who may read a case's assignment. */
    char apath[80];
    pathf(apath, sizeof apath, "/api/v1/matters/", id, "/assignment");
    get(&party, apath, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&admin_jb, apath, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&supervisor, apath, &r);
    yzt_assert_status(&r, 200);
    get(&admin, "/api/v1/matters/999999/assignment", &r);
    yzt_assert_problem(&r, 404, "not_found");

    char out[4096];
    int rc = assign_verify(out, sizeof out);
    if (rc != 0)
        print_error("assign verify: %s\n", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "ok: "));
    const char *const one[] = {"assign", "verify", "--dir", srv.dir, "--matter", "1", NULL};
    assert_int_equal(cli(one, out, sizeof out), 0);
    const char *const bad[] = {"assign", "verify", "--dir", srv.dir, "--matter", "x", NULL};
    assert_int_equal(cli(bad, out, sizeof out), 2);
    const char *const bad2[] = {"assign", "frobnicate", NULL};
    assert_int_equal(cli(bad2, out, sizeof out), 2);
    const char *const bad3[] = {"assign", "verify", "--dir", "/nonexistent", NULL};
    assert_int_equal(cli(bad3, out, sizeof out), 2);
    rc = audit_verify(out, sizeof out);
    if (rc != 0)
        print_error("audit verify: %s\n", out);
    assert_int_equal(rc, 0);
    yzt_response_free(&r);
}

/* ---- recusals ---------------------------------------------------------------------------------- */

static void recusals_recorded_and_never_violated(void **state)
{
    struct yzt_response r = {0};
    int64_t id = new_case(true);
    /* A judge declares their own recusal; never someone else's; only self-declared. */
    recuse(&judge, id, id_judge, "self_declared", "与被告系同学关系", 201, &r);
    assert_string_equal(yzt_json_str(&r, "kind_title"), "自行回避");
    recuse(&judge, id, id_judge5, "self_declared", "代为登记", 404, &r);
    recuse(&judge, id, id_judge, "party_application", "重复登记", 400, &r);
    yzt_assert_field_error(&r, "kind");
    recuse(&triage, id, id_judge, "party_application", "原告申请回避", 409, &r);
    yzt_assert_field_error_code(&r, "judge_id", "duplicate");
    /* Bad input everywhere. */
    recuse(&triage, id, id_assistant, "relationship", "不是法官", 400, &r);
    yzt_assert_field_error_code(&r, "judge_id", "not_found");
    recuse(&triage, id, id_judge5, "grudge", "类型不对", 400, &r);
    yzt_assert_field_error(&r, "kind");
    recuse(&triage, id, id_judge5, "relationship", "", 400, &r);
    yzt_assert_field_error(&r, "reason");
    recuse(&admin_jb, id, id_judge5, "relationship", "外院", 404, &r);
    recuse(&triage, 999999, id_judge5, "relationship", "没有此案", 404, &r);
    char path[80];
    yzt_post_new(&party, pathf(path, sizeof path, "/api/v1/matters/", id, "/recusals"),
                 json_pack("{s:I, s:s, s:s}", "judge_id", (json_int_t)id_judge5, "kind",
                           "party_application", "reason", "当事人自行登记"),
                 &r);
    yzt_assert_problem(&r, 403, "forbidden");
    assert_int_equal(events_on("assignment.recusal_recorded", "matter", id), 1);

    /* Drawn: only 许法官 is left, and the exclusion says why. */
    draw(id, 200, &r);
    assert_int_equal(current_judge(id), id_judge5);
    int64_t ev;
    json_t *p = last_payload(id, "assignment.drawn", &ev);
    json_t *ex = json_array_get(json_object_get(p, "exclusions"), 0);
    assert_int_equal(json_integer_value(json_object_get(ex, "judge_id")), id_judge);
    assert_string_equal(json_string_value(json_object_get(ex, "code")), "recused");
    assert_non_null(strstr(json_string_value(json_object_get(ex, "reason")), "与被告系同学关系"));
    json_decref(p);

    /* The assigned judge recused: the case waits for a new draw; none is left. */
    recuse(&triage, id, id_judge5, "relationship", "与原告存在利害关系", 201, &r);
    assert_true(yzt_json_bool(&r, "assignment_ended"));
    assert_int_equal(current_judge(id), 0);
    draw(id, 400, &r);
    yzt_assert_field_error_code(&r, "event", "no_eligible_judge");

    /* Many cases, a random judge of the ordinary teams recused in each: never drawn. */
    int64_t judges[] = {id_judge, id_judge5};
    for (int i = 0; i < 24; i++) {
        int64_t m = new_case(true);
        int64_t out = judges[randombytes_uniform(2)];
        recuse(&triage, m, out, "party_application", "当事人申请回避，经审查成立", 201, &r);
        draw(m, 200, &r);
        int64_t got = current_judge(m);
        assert_true(got != 0 && got != out);
    }

    /* RULE: recusal-while-pending — a case that has ended keeps its judge. */
    int64_t closed = new_case(true);
    draw(closed, 200, &r);
    int64_t held = current_judge(closed);
    assert_true(held != 0);
    fire(&judge, closed,
         json_pack("{s:s, s:{s:s}}", "event", "close_case", "fields", "outcome", "judgment"), 200,
         &r);
    char before[65], after[65];
    yzt_db_snapshot_hash(&srv, before);
    recuse(&triage, closed, held, "party_application", "结案后申请回避", 409, &r);
    yzt_assert_problem(&r, 409, "invalid_transition");
    yzt_assert_field_error_code(&r, "matter", "ended");
    yzt_db_snapshot_hash(&srv, after);
    assert_string_equal(before, after);
    assert_int_equal(current_judge(closed), held);

    char vout[4096];
    int rc = assign_verify(vout, sizeof vout);
    if (rc != 0)
        print_error("assign verify: %s\n", vout);
    assert_int_equal(rc, 0);
    yzt_response_free(&r);
}

/* ---- designation, queues, report ----------------------------------------------------------------- */

static void designation_needs_a_reason_and_is_counted_apart(void **state)
{
    struct yzt_response r = {0};
    int64_t id = new_case(true);
    fire(&triage, id,
         json_pack("{s:s, s:{s:I}}", "event", "designate_judge", "fields", "judge_id",
                   (json_int_t)id_judge),
         400, &r);
    yzt_assert_field_error(&r, "fields/reason");
    fire(&triage, id,
         json_pack("{s:s, s:{s:I, s:s}}", "event", "designate_judge", "fields", "judge_id",
                   (json_int_t)id_judge, "reason", "  "),
         400, &r);
    yzt_assert_field_error(&r, "fields/reason");
    fire(&triage, id, json_pack("{s:s, s:{s:s}}", "event", "designate_judge", "fields", "reason",
                                "系列案件由同一法官审理"),
         400, &r);
    yzt_assert_field_error(&r, "fields/judge_id");
    fire(&triage, id,
         json_pack("{s:s, s:{s:I, s:s}}", "event", "designate_judge", "fields", "judge_id",
                   (json_int_t)id_assistant, "reason", "系列案件由同一法官审理"),
         400, &r);
    yzt_assert_field_error_code(&r, "fields/judge_id", "not_found");
    fire(&judge, id,
         json_pack("{s:s, s:{s:I, s:s}}", "event", "designate_judge", "fields", "judge_id",
                   (json_int_t)id_judge, "reason", "系列案件由同一法官审理"),
         403, &r);
    recuse(&triage, id, id_judge5, "relationship", "与被告存在利害关系", 201, &r);
    fire(&admin, id,
         json_pack("{s:s, s:{s:I, s:s}}", "event", "designate_judge", "fields", "judge_id",
                   (json_int_t)id_judge5, "reason", "系列案件由同一法官审理"),
         400, &r);
    yzt_assert_field_error_code(&r, "fields/judge_id", "recused");
    assert_int_equal(events_on("assignment.designated", "matter", id), 0);

    fire(&admin, id,
         json_pack("{s:s, s:{s:I, s:s}}", "event", "designate_judge", "fields", "judge_id",
                   (json_int_t)id_judge, "reason", "系列案件由同一法官审理"),
         200, &r);
    assignment_of(id, &r);
    assert_string_equal(yzt_json_str(&r, "current.method"), "designation");
    assert_int_equal(yzt_json_int(&r, "current.judge_id"), id_judge);
    assert_int_equal(yzt_json_int(&r, "current.team_id"), team_ordinary);
    assert_string_equal(yzt_json_str(&r, "history.0.reason"), "系列案件由同一法官审理");
    assert_true(yzt_json_bool(&r, "verification.ok"));
    assert_int_equal(yzt_json_int(&r, "verification.designations"), 1);

    /* The judge's own queue. */
    get(&judge, "/api/v1/me/queue", &r);
    yzt_assert_status(&r, 200);
    json_t *items = yzt_json_at(r.json, "items");
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (json_integer_value(json_object_get(it, "matter_id")) == id) {
            found = true;
            assert_string_equal(json_string_value(json_object_get(it, "method")), "designation");
            assert_non_null(json_string_value(json_object_get(it, "case_number")));
        }
    }
    assert_true(found);
    get(&triage, "/api/v1/me/queue", &r);
    yzt_assert_problem(&r, 403, "forbidden");

    /* The report: designations apart from draws; per judge. */
    get(&admin, "/api/v1/assignment/report", &r);
    yzt_assert_status(&r, 200);
    int64_t designations = yzt_json_int(&r, "designations"), draws = yzt_json_int(&r, "draws");
    assert_true(designations >= 1);
    assert_true(draws >= 1);
    assert_int_equal(yzt_json_int(&r, "total"), draws + designations);
    assert_int_equal(yzt_json_int(&r, "redraws"), 1); /* the one with a reason, above */
    assert_int_equal(designations, count("SELECT count(*) FROM events WHERE type ="
                                         " 'assignment.designated'"));
    assert_int_equal(draws, count("SELECT count(*) FROM events WHERE type = 'assignment.drawn'"));
    char rpath[80];
    get(&supervisor, pathf(rpath, sizeof rpath, "/api/v1/assignment/report?court_id=", court, ""),
        &r);
    yzt_assert_status(&r, 200);
    get(&admin_jb, rpath, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&admin, "/api/v1/assignment/report?court_id=0", &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    get(&admin, "/api/v1/assignment/report?court_id=99999", &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    get(&party, "/api/v1/assignment/report", &r);
    yzt_assert_problem(&r, 403, "forbidden");
    (void)court_jb;
    yzt_response_free(&r);
}

static void team_queue_for_members_triage_and_admins(void **state)
{
    struct yzt_response r = {0};
    int64_t id = new_case(true);
    draw(id, 200, &r);
    char path[80];
    pathf(path, sizeof path, "/api/v1/teams/", team_ordinary, "/queue");
    get(&judge, path, &r); /* a member */
    yzt_assert_status(&r, 200);
    get(&admin, path, &r);
    yzt_assert_status(&r, 200);
    get(&triage, path, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "team.name"), "民事审判一组");
    json_t *it = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(yzt_json_at(r.json, "items"), i, x)
    {
        if (json_integer_value(json_object_get(x, "matter_id")) == id)
            it = x;
    }
    assert_non_null(it);
    assert_string_equal(json_string_value(json_object_get(it, "track")), "ordinary");
    assert_true(json_is_array(json_object_get(it, "deadlines")));
    /* Workload per member: the judges' open cases add up to the queue. */
    int64_t sum = 0;
    json_array_foreach(yzt_json_at(r.json, "members"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "role")), "judge") == 0)
            sum += json_integer_value(json_object_get(x, "open_in_team"));
        else
            assert_int_equal(json_integer_value(json_object_get(x, "open_cases")),
                             yzt_json_int(&r, "open_cases"));
    }
    assert_int_equal(sum, yzt_json_int(&r, "open_cases"));
    /* Not a member, another court, a party: no such queue. */
    get(&judge3, path, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&admin_jb, path, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&party, path, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&judge3, "/api/v1/teams/999999/queue", &r);
    yzt_assert_problem(&r, 404, "not_found");
    /* judge3 is a member of a fast-track team. */
    get(&judge3, pathf(path, sizeof path, "/api/v1/teams/", team_fast1, "/queue"), &r);
    yzt_assert_status(&r, 200);
    /* So is the roster mediator 钱调解员, who sees that queue and no other. */
    get(&mediator, path, &r);
    yzt_assert_status(&r, 200);
    get(&mediator, pathf(path, sizeof path, "/api/v1/teams/", team_ordinary, "/queue"), &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&mediator, pathf(path, sizeof path, "/api/v1/teams/", team_fast1, ""), &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
}

/* ---- tracks ------------------------------------------------------------------------------------- */

static void fast_track_cases_go_to_fast_track_teams_and_conversion_redraws(void **state)
{
    struct yzt_response r = {0};
    int64_t id = new_case_on("decide_simplified");
    draw(id, 200, &r);
    int64_t ev;
    json_t *p = last_payload(id, "assignment.drawn", &ev);
    assert_string_equal(json_string_value(json_object_get(p, "team_kind")), "fast_track");
    assert_string_equal(json_string_value(json_object_get(p, "track")), "simplified");
    json_t *cands = json_object_get(p, "candidates");
    assert_int_equal(json_array_size(cands), 3); /* 王法官, 刘法官 (速裁一组), 何法官 (速裁二组) */
    size_t i;
    json_t *c;
    json_array_foreach(cands, i, c)
    {
        int64_t j = json_integer_value(json_object_get(c, "judge_id"));
        assert_true(j == id_judge2 || j == id_judge3 || j == id_judge4);
    }
    json_decref(p);
    int64_t fast_judge = current_judge(id);
    assert_true(fast_judge == id_judge2 || fast_judge == id_judge3 || fast_judge == id_judge4);
    /* The team's queue shows the trial period. */
    char path[80];
    struct yzt_response q = {0};
    json_t *team = NULL;
    assignment_of(id, &r);
    int64_t tid = yzt_json_int(&r, "current.team_id");
    get(&triage, pathf(path, sizeof path, "/api/v1/teams/", tid, "/queue"), &q);
    yzt_assert_status(&q, 200);
    json_array_foreach(yzt_json_at(q.json, "items"), i, c)
    {
        if (json_integer_value(json_object_get(c, "matter_id")) == id)
            team = c;
    }
    assert_non_null(team);
    assert_string_equal(json_string_value(json_object_get(team, "track")), "fast_track");
    bool trial = false;
    json_array_foreach(json_object_get(team, "deadlines"), i, c)
    {
        trial |= strcmp(json_string_value(json_object_get(c, "name")), "trial") == 0;
    }
    assert_true(trial);
    yzt_response_free(&q);

    /* 简转繁: the case needs an ordinary team; the redraw needs no reason of its own. */
    fire(&triage, id,
         json_pack("{s:s, s:{s:s}}", "event", "convert_to_ordinary", "fields", "reason",
                   "案情复杂，需要鉴定，转为普通程序"),
         200, &r);
    draw(id, 200, &r);
    int64_t ordinary_judge = current_judge(id);
    assert_true(ordinary_judge == id_judge || ordinary_judge == id_judge5);
    p = last_payload(id, "assignment.drawn", &ev);
    assert_string_equal(json_string_value(json_object_get(p, "team_kind")), "ordinary");
    assert_int_equal(json_integer_value(json_object_get(p, "previous_judge_id")), fast_judge);
    json_decref(p);
    /* The conversion committed the seed of this draw. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE stream = 'matter/%lld' AND type ="
             " 'assignment.seed_committed'",
             (long long)id);
    assert_int_equal(count(sql), 3); /* at the decision, after the first draw, after the second */
    yzt_response_free(&r);
}

/* ---- configured relationships -------------------------------------------------------------------- */

static void conflict(struct yzt_client *c, int64_t judge_id, const char *kind, const char *value,
                     const char *reason, long status, struct yzt_response *r)
{
    char path[80];
    yzt_post_new(c, pathf(path, sizeof path, "/api/v1/judges/", judge_id, "/conflicts"),
                 json_pack("{s:s, s:s, s:s}", "kind", kind, "value", value, "reason", reason), r);
    yzt_assert_status(r, status);
}

static void configured_relationships_exclude_and_refuse(void **state)
{
    struct yzt_response r = {0};
    char path[96];
    conflict(&admin, id_judge, "party_name", "李四", "李四系该法官的表兄", 201, &r);
    int64_t cid = yzt_json_int(&r, "items.0.id");
    assert_int_equal(events_on("assignment.conflict_configured", "judge", id_judge), 1);
    /* Bad input, every field named. */
    conflict(&admin, id_judge, "cousin", "李四", "亲属", 400, &r);
    yzt_assert_field_error(&r, "kind");
    conflict(&admin, id_judge, "credit_code", "91500103MA5U0AAA0X", "持股", 400, &r);
    yzt_assert_field_error(&r, "value");
    conflict(&admin, id_judge, "lawyer_licence", "123", "同学", 400, &r);
    yzt_assert_field_error(&r, "value");
    conflict(&admin, id_judge, "party_name", "李", "", 400, &r);
    yzt_assert_field_error(&r, "value");
    yzt_assert_field_error(&r, "reason");
    conflict(&admin, id_judge, "party_name", "李四", "再次登记", 409, &r);
    yzt_assert_field_error_code(&r, "value", "duplicate");
    conflict(&admin, id_assistant, "party_name", "李四", "不是法官", 404, &r);
    conflict(&admin_jb, id_judge, "party_name", "王五", "外院", 404, &r);
    conflict(&triage, id_judge, "party_name", "王五", "分流员不能登记", 403, &r);
    /* The judge themself, for themself only. */
    conflict(&judge, id_judge, "law_firm", "重庆示例律师事务所", "配偶在该所执业", 201, &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
    conflict(&judge, id_judge5, "law_firm", "重庆示例律师事务所", "代为登记", 404, &r);
    const char *list = pathf(path, sizeof path, "/api/v1/judges/", id_judge, "/conflicts");
    get(&triage, list, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
    get(&judge3, list, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&admin_jb, list, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&party, list, &r);
    yzt_assert_problem(&r, 403, "forbidden");

    /* A case against 李四: 郑法官 is never drawn, and the exclusion says why. */
    for (int i = 0; i < 6; i++) {
        int64_t id = new_case(true);
        draw(id, 200, &r);
        assert_int_equal(current_judge(id), id_judge5);
        int64_t ev;
        json_t *p = last_payload(id, "assignment.drawn", &ev);
        json_t *ex = json_array_get(json_object_get(p, "exclusions"), 0);
        assert_int_equal(json_integer_value(json_object_get(ex, "judge_id")), id_judge);
        assert_string_equal(json_string_value(json_object_get(ex, "code")), "conflict");
        assert_non_null(strstr(json_string_value(json_object_get(ex, "reason")), "李四系该法官的表兄"));
        json_decref(p);
        if (i == 0) {
            fire(&triage, id,
                 json_pack("{s:s, s:{s:I, s:s}}", "event", "designate_judge", "fields", "judge_id",
                           (json_int_t)id_judge, "reason", "系列案件由同一法官审理"),
                 400, &r);
            yzt_assert_field_error_code(&r, "fields/judge_id", "conflict");
        }
    }

    /* Removing both relationships ends the exclusion. */
    char del[128];
    snprintf(del, sizeof del, "/api/v1/judges/%lld/conflicts/%lld", (long long)id_judge,
             (long long)cid);
    yzt_request(&admin_jb, "DELETE", del, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_request(&admin, "DELETE", del, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    int64_t other = yzt_json_int(&r, "items.0.id");
    yzt_request(&admin, "DELETE", del, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    snprintf(del, sizeof del, "/api/v1/judges/%lld/conflicts/%lld", (long long)id_judge,
             (long long)other);
    yzt_request(&judge, "DELETE", del, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 0);
    assert_int_equal(events_on("assignment.conflict_removed", "judge", id_judge), 2);
    int64_t id = new_case(true);
    fire(&triage, id,
         json_pack("{s:s, s:{s:I, s:s}}", "event", "designate_judge", "fields", "judge_id",
                   (json_int_t)id_judge, "reason", "系列案件由同一法官审理"),
         200, &r);
    yzt_response_free(&r);
}

/* ---- tampering --------------------------------------------------------------------------------------- */

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        print_error("%s: %s\n", sql, err ? err : "?");
        sqlite3_free(err);
        fail();
    }
}

static void a_tampered_draw_is_a_mismatch(void **state)
{
    struct yzt_response r = {0};
    int64_t id = new_case(true);
    draw(id, 200, &r);
    int64_t ev;
    json_t *p = last_payload(id, "assignment.drawn", &ev);
    int64_t drawn = json_integer_value(json_object_get(json_object_get(p, "result"), "judge_id"));
    json_decref(p);
    int64_t other = drawn == id_judge ? id_judge5 : id_judge;

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(srv.db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    exec_sql(db, "DROP TRIGGER events_no_update");
    char sql[512];
    snprintf(sql, sizeof sql,
             "UPDATE events SET payload = replace(payload, '\"result\":{\"judge_id\":%lld,',"
             " '\"result\":{\"judge_id\":%lld,') WHERE id = %lld",
             (long long)drawn, (long long)other, (long long)ev);
    exec_sql(db, sql);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);

    char out[4096];
    assert_int_equal(assign_verify(out, sizeof out), 1);
    char expect[96];
    snprintf(expect, sizeof expect, "matter %lld event %lld: mismatch", (long long)id,
             (long long)ev);
    if (!strstr(out, expect))
        print_error("assign verify does not name %s: %s\n", expect, out);
    assert_non_null(strstr(out, expect));
    assert_non_null(strstr(out, "the result is not the one the seed gives"));
    assignment_of(id, &r);
    assert_false(yzt_json_bool(&r, "verification.ok"));
    assert_false(yzt_json_bool(&r, "history.0.verified"));
    assert_string_equal(yzt_json_str(&r, "verification.mismatches.0.problem"),
                        "the result is not the one the seed gives");
    /* The hash chain notices too. */
    assert_int_equal(audit_verify(out, sizeof out), 1);
    yzt_response_free(&r);
}

/* ---- cases awaiting assignment ------------------------------------------------------------ */

/* Whether GET /api/v1/assignment/pending (as c) lists matter id. */
static bool pending_lists(struct yzt_client *c, int64_t id)
{
    struct yzt_response r = {0};
    get(c, "/api/v1/assignment/pending", &r);
    yzt_assert_status(&r, 200);
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        if (json_integer_value(json_object_get(it, "matter_id")) != id)
            continue;
        found = true;
        assert_string_equal(json_string_value(json_object_get(it, "track")), "ordinary");
        assert_string_equal(json_string_value(json_object_get(it, "state_title")), "普通程序审理");
        assert_non_null(json_string_value(json_object_get(it, "case_number")));
        assert_true(json_array_size(json_object_get(it, "deadlines")) >= 1);
    }
    yzt_response_free(&r);
    return found;
}

static void pending_lists_cases_no_judge_holds(void **state)
{
    struct yzt_response r = {0};
    int64_t awaiting_triage = new_case(false);
    int64_t id = new_case(true);
    /* On a trial track without a judge: listed for triage officers and court admins. */
    assert_true(pending_lists(&triage, id));
    assert_true(pending_lists(&admin, id));
    assert_false(pending_lists(&triage, awaiting_triage));
    /* Another court's admin does not see it. */
    assert_false(pending_lists(&admin_jb, id));
    /* Drawn: no longer pending; its judge recused: pending again. */
    draw(id, 200, &r);
    assert_false(pending_lists(&triage, id));
    int64_t judge_id = current_judge(id);
    assert_true(judge_id != 0);
    recuse(&triage, id, judge_id, "relationship", "与当事人有利害关系", 201, &r);
    assert_true(pending_lists(&triage, id));
    /* Other roles are refused by the route. */
    get(&judge, "/api/v1/assignment/pending", &r);
    yzt_assert_problem(&r, 403, "forbidden");
    get(&party, "/api/v1/assignment/pending", &r);
    yzt_assert_problem(&r, 403, "forbidden");
    get(&supervisor, "/api/v1/assignment/pending", &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
}

/* A judge holding open cases keeps the role until the cases are reassigned
 * (accounts/staff.c, RULE staff-admin-separation). */
static void a_judge_holding_cases_keeps_the_role(void **state)
{
    struct yzt_response r = {0};
    get(&admin, "/api/v1/assignment/report", &r);
    int64_t holder = 0, open = 0;
    size_t i;
    json_t *j;
    json_array_foreach(yzt_json_at(r.json, "judges"), i, j)
    {
        if (json_integer_value(json_object_get(j, "open_cases")) > 0 && !holder) {
            holder = json_integer_value(json_object_get(j, "judge_id"));
            open = json_integer_value(json_object_get(j, "open_cases"));
        }
    }
    assert_true(holder > 0);
    char path[64], expect[64];
    snprintf(path, sizeof path, "/api/v1/staff/%lld", (long long)holder);
    yzt_request_json(&admin, "PATCH", path, json_pack("{s:s}", "role", "clerk"), NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "role", "open_cases");
    snprintf(expect, sizeof expect, "尚有 %lld 件在办案件", (long long)open);
    assert_non_null(strstr(r.body, expect));
    yzt_response_free(&r);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE id = %lld AND role = 'judge'",
             (long long)holder);
    assert_int_equal(count(sql), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(teams_configured_by_the_court_admin),
        cmocka_unit_test(a_mediator_joins_a_team_by_roster_entry),
        cmocka_unit_test(draw_is_recorded_and_rerun_from_history),
        cmocka_unit_test(recusals_recorded_and_never_violated),
        cmocka_unit_test(designation_needs_a_reason_and_is_counted_apart),
        cmocka_unit_test(team_queue_for_members_triage_and_admins),
        cmocka_unit_test(fast_track_cases_go_to_fast_track_teams_and_conversion_redraws),
        cmocka_unit_test(configured_relationships_exclude_and_refuse),
        cmocka_unit_test(a_tampered_draw_is_a_mismatch),
        cmocka_unit_test(pending_lists_cases_no_judge_holds),
        cmocka_unit_test(a_judge_holding_cases_keeps_the_role),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
