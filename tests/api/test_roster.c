/*
 * End-to-end tests of the roster of invited mediation (特邀调解名册): the demo
 * roster; a court admin listing an organisation and its studio; the
 * organisation's admin linking a mediator account by phone and managing it;
 * everyone else refused (and recorded) with nothing stored; every bad field
 * named; the public roster without personal data; recommendations with their
 * reasons, without unavailable mediators; and the track record and workload
 * following real delegated mediations.
 *
 * The demo's mediator and org admin are already on the demo roster, so the
 * organisation built here gets a mediator and an admin account of its own,
 * created with `yizhan user add` (password on standard input).
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
#include <sys/wait.h>

#define MEDIATOR_PHONE "13800000005"  /* demo: 钱调解员 */
#define ORG_ADMIN_PHONE "13800000006" /* demo: 孙主任, admin of 渝中区人民调解委员会 */
#define NEW_MEDIATOR_PHONE "13800000007"
#define NEW_ADMIN_PHONE "13800000008"
#define PARTY_PHONE "13800000001"

static struct yz_test_server srv;
/* Staff log in once: a TOTP code works once, and the tests run within one 30 s step. */
static struct yzt_client admin = {.srv = &srv}, admin_jb = {.srv = &srv},
                         supervisor = {.srv = &srv};
static int64_t court, court_jb, demo_org, demo_mediator, new_org, new_mediator;

static const char *const SKIP_EVENTS[] = {"events", "chain_head", "checkpoints", NULL};
#define DENIALS_SQL                                                                                \
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'"

/* `yizhan user add` with the demo password on standard input. */
static void add_account(const char *role, const char *name, const char *phone, const char *cid)
{
    const char *bin = getenv("YZ_BIN") ? getenv("YZ_BIN") : "build/test/yizhan";
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "'%s' user add --role %s --name %s --phone %s --citizen-id %s --dir '%s' --data '%s'"
             " >>'%s/useradd.log' 2>&1",
             bin, role, name, phone, cid, srv.dir, data, srv.dir);
    FILE *p = popen(cmd, "w");
    assert_non_null(p);
    fputs(YZT_DEMO_PASSWORD "\n", p);
    int rc = pclose(p);
    if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
        print_error("%s failed (%d); see %s/useradd.log\n", cmd, rc, srv.dir);
    assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
}

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&admin, "court_admin");
    yzt_demo_login(&admin_jb, "court_admin_jb");
    yzt_demo_login(&supervisor, "supervisor");
    court = yzt_court_id(&admin, "渝0103");
    court_jb = yzt_court_id(&admin, "渝0105");
    add_account("mediator", "孔调解员", NEW_MEDIATOR_PHONE, "500103198806066666");
    add_account("org_admin", "曹主任", NEW_ADMIN_PHONE, "500103198007077772");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* ---- helpers ---- */

static void get(struct yzt_client *c, const char *path, struct yzt_response *r)
{
    yzt_request(c, "GET", path, NULL, NULL, r);
}

static void patch(struct yzt_client *c, const char *path, json_t *body, struct yzt_response *r)
{
    yzt_request_json(c, "PATCH", path, body, NULL, r);
}

/* prefix, the id, suffix: "/api/v1/roster/orgs/" 3 "/workload". */
static const char *pathf(char *buf, size_t size, const char *prefix, int64_t id, const char *suffix)
{
    snprintf(buf, size, "%s%lld%s", prefix, (long long)id, suffix);
    return buf;
}

static int64_t count(const char *sql)
{
    return yzt_db_count(&srv, sql);
}

static int64_t events(const char *type, const char *stream_prefix, int64_t id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = '%s' AND stream = '%s/%lld'", type,
             stream_prefix, (long long)id);
    return count(sql);
}

/* The entry of array path whose member key equals value, or NULL. */
static json_t *find(json_t *root, const char *path, const char *key, const char *value)
{
    json_t *arr = yzt_json_at(root, path);
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it)
    {
        const char *v = json_string_value(json_object_get(it, key));
        if (v && strcmp(v, value) == 0)
            return it;
    }
    return NULL;
}

static json_t *find_id(json_t *root, const char *path, int64_t id)
{
    json_t *arr = yzt_json_at(root, path);
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it)
    {
        if (json_integer_value(json_object_get(it, "id")) == id ||
            json_integer_value(json_object_get(it, "mediator_id")) == id)
            return it;
    }
    return NULL;
}

static void roster_of(struct yzt_client *c, int64_t court_id, struct yzt_response *r)
{
    char path[96];
    get(c, pathf(path, sizeof path, "/api/v1/roster?court_id=", court_id, ""), r);
    yzt_assert_status(r, 200);
}

static void recommend(struct yzt_client *c, const char *cause, struct yzt_response *r)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/roster/recommend?court_id=%lld&cause=%s", (long long)court,
             cause);
    get(c, path, r);
    yzt_assert_status(r, 200);
}

/* ---- the demo roster ---- */

static void demo_roster_is_public_without_personal_data(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    roster_of(&anon, court, &r);
    json_t *org = find(r.json, "orgs", "name", "渝中区人民调解委员会");
    assert_non_null(org);
    demo_org = json_integer_value(json_object_get(org, "id"));
    assert_string_equal(json_string_value(json_object_get(org, "kind")), "people");
    assert_string_equal(json_string_value(json_object_get(org, "kind_title")), "人民调解组织");
    assert_string_equal(json_string_value(yzt_json_at(org, "studios.0.name")), "老钱调解工作室");
    assert_int_equal(json_integer_value(json_object_get(org, "mediator_count")), 1);
    json_t *m = find(r.json, "mediators", "name", "钱调解员");
    assert_non_null(m);
    demo_mediator = json_integer_value(json_object_get(m, "id"));
    assert_int_equal(json_integer_value(json_object_get(m, "org_id")), demo_org);
    assert_string_equal(json_string_value(yzt_json_at(m, "specialties.0.code")), "108.3");
    assert_string_equal(json_string_value(yzt_json_at(m, "specialties.0.name")), "民间借贷纠纷");
    assert_string_equal(json_string_value(yzt_json_at(m, "languages.1")), "重庆话");
    assert_int_equal(json_integer_value(json_object_get(m, "capacity")), 10);
    assert_true(json_is_true(json_object_get(m, "available")));
    assert_int_equal(json_integer_value(yzt_json_at(m, "track_record.intake")), 0);
    assert_true(json_is_null(yzt_json_at(m, "track_record.success_rate_pct")));
    /* No phone, no account id, no workload figures in public. */
    assert_null(json_object_get(m, "phone"));
    assert_null(json_object_get(m, "user_id"));
    assert_null(yzt_json_at(m, "track_record.running"));
    assert_null(strstr(r.body, MEDIATOR_PHONE));
    assert_null(strstr(r.body, ORG_ADMIN_PHONE));
    assert_false(json_is_true(yzt_json_at(r.json, "truncated")));

    /* Created through the roster's functions: with their events. */
    assert_int_equal(events("roster.org_created", "org", demo_org), 1);
    assert_int_equal(events("roster.studio_created", "org", demo_org), 1);
    assert_int_equal(events("roster.mediator_added", "mediator", demo_mediator), 1);

    char path[96];
    get(&anon, pathf(path, sizeof path, "/api/v1/roster/orgs/", demo_org, ""), &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "mediators.0.name"), "钱调解员");
    assert_string_equal(yzt_json_str(&r, "phone"), "023-63800000"); /* the office's number */
    get(&anon, pathf(path, sizeof path, "/api/v1/roster/mediators/", demo_mediator, ""), &r);
    yzt_assert_status(&r, 200);
    assert_true(json_is_array(yzt_json_at(r.json, "training")));
    assert_null(strstr(r.body, MEDIATOR_PHONE));
    get(&anon, "/api/v1/roster/orgs/999999", &r);
    yzt_assert_problem(&r, 404, "not_found");
    get(&anon, "/api/v1/roster/mediators/999999", &r);
    yzt_assert_problem(&r, 404, "not_found");
    /* Another court's roster is empty; the cause filter keeps the specialists. */
    roster_of(&anon, court_jb, &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "mediators")), 0);
    get(&anon, "/api/v1/roster?cause=108", &r); /* 借款合同纠纷 covers 民间借贷 */
    yzt_assert_status(&r, 200);
    assert_non_null(find(r.json, "mediators", "name", "钱调解员"));
    get(&anon, "/api/v1/roster?cause=14", &r); /* 离婚纠纷: not his */
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "mediators")), 0);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "orgs")), 0);
    get(&anon, "/api/v1/roster?q=%E8%80%81%E9%92%B1", &r); /* "老钱": the studio's name */
    yzt_assert_status(&r, 200);
    assert_non_null(find(r.json, "orgs", "name", "渝中区人民调解委员会"));
    yzt_response_free(&r);
}

/* ---- the court admin and the organisation ---- */

static void court_admin_lists_an_organisation_and_its_studio(void **state)
{
    struct yzt_response r = {0};
    yzt_post_new(&admin, "/api/v1/roster/orgs",
                 json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "court_id", (json_int_t)court, "name",
                           "解放碑商会调解中心", "kind", "industry", "region", "渝中区", "phone",
                           "023-6380 1234", "admin_phone", NEW_ADMIN_PHONE),
                 &r);
    yzt_assert_status(&r, 201);
    new_org = yzt_json_int(&r, "id");
    char location[128], expect[128];
    assert_true(yzt_header(&r, "Location", location, sizeof location));
    assert_string_equal(location,
                        pathf(expect, sizeof expect, "/api/v1/roster/orgs/", new_org, ""));
    assert_string_equal(yzt_json_str(&r, "kind_title"), "行业性调解组织");
    assert_string_equal(yzt_json_str(&r, "status"), "active");
    assert_int_equal(yzt_json_int(&r, "mediator_count"), 0);
    assert_null(strstr(r.body, NEW_ADMIN_PHONE));
    assert_int_equal(events("roster.org_created", "org", new_org), 1);
    assert_int_equal(
        count("SELECT count(*) FROM events WHERE payload LIKE '%" NEW_ADMIN_PHONE "%'"), 0);

    yzt_post_new(&admin, "/api/v1/roster/studios",
                 json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)new_org, "name",
                           "解放碑商事调解工作室", "description", "商会会员之间的买卖、租赁纠纷"),
                 &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "court_id"), court);
    assert_int_equal(yzt_json_int(&r, "org_id"), new_org);
    assert_int_equal(events("roster.studio_created", "org", new_org), 1);

    /* Names are unique on a court's roster. */
    yzt_post_new(
        &admin, "/api/v1/roster/studios",
        json_pack("{s:I, s:s}", "org_id", (json_int_t)new_org, "name", "解放碑商事调解工作室"), &r);
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_post_new(&admin, "/api/v1/roster/orgs",
                 json_pack("{s:I, s:s, s:s, s:s}", "court_id", (json_int_t)court, "name",
                           "解放碑商会调解中心", "kind", "people", "region", "渝中区"),
                 &r);
    yzt_assert_problem(&r, 409, "already_exists");
    assert_int_equal(count("SELECT count(*) FROM mediation_orgs WHERE name = '解放碑商会调解中心'"),
                     1);

    char path[96];
    get(&admin, pathf(path, sizeof path, "/api/v1/roster/orgs/", new_org, ""), &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "studios.0.name"), "解放碑商事调解工作室");
    yzt_response_free(&r);
}

static void org_admin_links_a_mediator_by_phone_and_manages_it(void **state)
{
    struct yzt_client org_admin = {.srv = &srv};
    yzt_demo_login(&org_admin, NEW_ADMIN_PHONE);
    struct yzt_response r = {0};
    char path[128];

    /* No org_id: the admin's own organisation. */
    yzt_post_new(&org_admin, "/api/v1/roster/mediators",
                 json_pack("{s:s, s:s, s:s, s:i, s:s}", "phone", NEW_MEDIATOR_PHONE, "specialties",
                           "108.3、 108.4", "languages", "普通话，重庆话", "capacity", 3,
                           "qualifications", "律师，商事调解员资格"),
                 &r);
    yzt_assert_status(&r, 201);
    new_mediator = yzt_json_int(&r, "id");
    assert_int_equal(yzt_json_int(&r, "org_id"), new_org);
    assert_int_equal(yzt_json_int(&r, "court_id"), court);
    assert_string_equal(yzt_json_str(&r, "name"), "孔调解员"); /* the account's name */
    assert_string_equal(yzt_json_str(&r, "specialties.1.code"), "108.4");
    assert_string_equal(yzt_json_str(&r, "languages.0"), "普通话");
    assert_null(strstr(r.body, NEW_MEDIATOR_PHONE));
    assert_int_equal(events("roster.mediator_added", "mediator", new_mediator), 1);

    /* Only mediator accounts; one roster entry per account; only the own organisation. */
    yzt_post_new(&org_admin, "/api/v1/roster/mediators",
                 json_pack("{s:s, s:s}", "phone", PARTY_PHONE, "specialties", "108.3"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "phone", "not_found");
    yzt_post_new(&org_admin, "/api/v1/roster/mediators",
                 json_pack("{s:s, s:s}", "phone", MEDIATOR_PHONE, "specialties", "108.3"), &r);
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_post_new(&org_admin, "/api/v1/roster/mediators",
                 json_pack("{s:s, s:I, s:s}", "phone", MEDIATOR_PHONE, "org_id",
                           (json_int_t)demo_org, "specialties", "108.3"),
                 &r);
    yzt_assert_problem(&r, 403, "forbidden");

    /* The organisation keeps its contact details; the court decides the rest. */
    pathf(path, sizeof path, "/api/v1/roster/orgs/", new_org, "");
    patch(&org_admin, path, json_pack("{s:s}", "phone", "023-63805678"), &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "phone"), "023-63805678");
    assert_int_equal(events("roster.org_updated", "org", new_org), 1);
    patch(&org_admin, path, json_pack("{s:s}", "name", "改名调解中心"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    patch(&org_admin, path, json_pack("{s:s}", "status", "suspended"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    patch(&org_admin, pathf(path, sizeof path, "/api/v1/roster/orgs/", demo_org, ""),
          json_pack("{s:s}", "phone", "023-60000000"), &r);
    yzt_assert_problem(&r, 403, "forbidden");

    /* Training records, a mediator's own studio, profile changes. */
    pathf(path, sizeof path, "/api/v1/roster/mediators/", new_mediator, "/training");
    yzt_post_new(&org_admin, path,
                 json_pack("{s:s, s:s, s:i}", "date", "2025-06-01", "title", "特邀调解员岗前培训",
                           "hours", 16),
                 &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "training_hours"), 16);
    assert_string_equal(yzt_json_str(&r, "training.0.title"), "特邀调解员岗前培训");
    assert_int_equal(events("roster.training_recorded", "mediator", new_mediator), 1);
    yzt_post_new(&org_admin, path,
                 json_pack("{s:s, s:s, s:i}", "date", "2025-06-01", "title", "特邀调解员岗前培训",
                           "hours", 16),
                 &r);
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_post_new(
        &org_admin, "/api/v1/roster/studios",
        json_pack("{s:I, s:s}", "mediator_id", (json_int_t)new_mediator, "name", "孔调解员工作室"),
        &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(events("roster.studio_created", "mediator", new_mediator), 1);
    pathf(path, sizeof path, "/api/v1/roster/mediators/", new_mediator, "");
    patch(&org_admin, path,
          json_pack("{s:i, s:s, s:n}", "capacity", 4, "languages", "普通话", "qualifications"), &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "capacity"), 4);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "languages")), 1);
    assert_string_equal(yzt_json_str(&r, "qualifications"), "");
    assert_string_equal(yzt_json_str(&r, "studios.0.name"), "孔调解员工作室");
    assert_int_equal(events("roster.mediator_updated", "mediator", new_mediator), 1);
    /* Unchanged values are no change: no event. */
    patch(&org_admin, path, json_pack("{s:i}", "capacity", 4), &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(events("roster.mediator_updated", "mediator", new_mediator), 1);
    /* Suspending is the court's. */
    patch(&org_admin, path, json_pack("{s:s}", "status", "suspended"), &r);
    yzt_assert_problem(&r, 403, "forbidden");

    /* Workload: its own organisation, not another. */
    get(&org_admin, pathf(path, sizeof path, "/api/v1/roster/orgs/", new_org, "/workload"), &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "workload.intake"), 0);
    assert_int_equal(yzt_json_int(&r, "mediators.0.id"), new_mediator);
    get(&org_admin, pathf(path, sizeof path, "/api/v1/roster/orgs/", demo_org, "/workload"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
}

/* ---- refusals ---- */

static void others_are_refused_and_nothing_is_stored(void **state)
{
    struct yzt_client party = {.srv = &srv}, mediator = {.srv = &srv};
    yzt_demo_login(&party, PARTY_PHONE);
    yzt_demo_login(&mediator, MEDIATOR_PHONE);
    struct yzt_response r = {0};
    char org_path[96], med_path[96], demo_med_path[96], path[128];
    pathf(org_path, sizeof org_path, "/api/v1/roster/orgs/", new_org, "");
    pathf(med_path, sizeof med_path, "/api/v1/roster/mediators/", new_mediator, "");
    pathf(demo_med_path, sizeof demo_med_path, "/api/v1/roster/mediators/", demo_mediator, "");
    int64_t denials = count(DENIALS_SQL);
    char before[65], after[65];
    yzt_db_snapshot_hash_except(&srv, SKIP_EVENTS, before);

    /* A party: not even the route. */
    yzt_post_new(&party, "/api/v1/roster/orgs",
                 json_pack("{s:I, s:s, s:s, s:s}", "court_id", (json_int_t)court, "name",
                           "冒名调解中心", "kind", "people", "region", "渝中区"),
                 &r);
    yzt_assert_problem(&r, 403, "forbidden");
    patch(&party, org_path, json_pack("{s:s}", "region", "江北区"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_post_new(&party, "/api/v1/roster/mediators",
                 json_pack("{s:s, s:s}", "phone", NEW_MEDIATOR_PHONE, "specialties", "108.3"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    get(&party, pathf(path, sizeof path, "/api/v1/roster/mediators/", demo_mediator, "/workload"),
        &r);
    yzt_assert_problem(&r, 403, "forbidden");
    struct yzt_client anon = {.srv = &srv};
    get(&anon, path, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");

    /* Another court's admin: nothing on this court's roster. */
    yzt_post_new(&admin_jb, "/api/v1/roster/orgs",
                 json_pack("{s:I, s:s, s:s, s:s}", "court_id", (json_int_t)court, "name",
                           "江北代管调解中心", "kind", "people", "region", "渝中区"),
                 &r);
    yzt_assert_problem(&r, 403, "forbidden");
    patch(&admin_jb, org_path, json_pack("{s:s}", "status", "suspended"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_post_new(&admin_jb, "/api/v1/roster/mediators",
                 json_pack("{s:s, s:I, s:s}", "phone", NEW_MEDIATOR_PHONE, "org_id",
                           (json_int_t)new_org, "specialties", "108.3"),
                 &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_post_new(&admin_jb, "/api/v1/roster/mediators",
                 json_pack("{s:s, s:I, s:s}", "phone", NEW_MEDIATOR_PHONE, "court_id",
                           (json_int_t)court, "specialties", "108.3"),
                 &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_post_new(&admin_jb, "/api/v1/roster/studios",
                 json_pack("{s:I, s:s}", "org_id", (json_int_t)new_org, "name", "江北工作室"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    patch(&admin_jb, demo_med_path, json_pack("{s:s}", "status", "suspended"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    pathf(path, sizeof path, "/api/v1/roster/mediators/", new_mediator, "/training");
    yzt_post_new(
        &admin_jb, path,
        json_pack("{s:s, s:s, s:i}", "date", "2025-01-01", "title", "越权培训", "hours", 1), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    get(&admin_jb, pathf(path, sizeof path, "/api/v1/roster/orgs/", new_org, "/workload"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    /* ... nor may this court's admin list on another court's roster. */
    yzt_post_new(&admin, "/api/v1/roster/orgs",
                 json_pack("{s:I, s:s, s:s, s:s}", "court_id", (json_int_t)court_jb, "name",
                           "越界调解中心", "kind", "people", "region", "江北区"),
                 &r);
    yzt_assert_problem(&r, 403, "forbidden");

    /* A mediator changes their own availability only. */
    patch(&mediator, med_path, json_pack("{s:b}", "available", 0), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    patch(&mediator, demo_med_path, json_pack("{s:i}", "capacity", 50), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    patch(&mediator, demo_med_path, json_pack("{s:s}", "status", "active"), &r);
    yzt_assert_problem(&r, 403, "forbidden");

    yzt_db_snapshot_hash_except(&srv, SKIP_EVENTS, after);
    assert_string_equal(before, after);
    /* Every refusal is recorded; nothing else was. */
    assert_int_equal(count(DENIALS_SQL) - denials, 16);

    /* The other court's admin does run its own roster. */
    yzt_post_new(&admin_jb, "/api/v1/roster/orgs",
                 json_pack("{s:I, s:s, s:s, s:s}", "court_id", (json_int_t)court_jb, "name",
                           "江北区公证处调解中心", "kind", "notary", "region", "江北区"),
                 &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);
}

/* ---- bad input ---- */

struct bad_case {
    int who; /* 0 court admin, 1 party */
    const char *method;
    const char *path; /* %lld is replaced by the id below */
    int id;           /* 0 none, 1 new_org, 2 new_mediator */
    const char *body; /* JSON text, NULL for GET */
    const char *field, *code;
};

/* clang-format off */
static const struct bad_case bad_cases[] = {
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"调\",\"kind\":\"people\",\"region\":\"渝中区\"}", "name", "too_short"},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一\",\"kind\":\"people\",\"region\":\"渝中区\"}", "name", "too_long"},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"某调解会\",\"kind\":\"club\",\"region\":\"渝中区\"}", "kind", "not_allowed"},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"某调解会\",\"kind\":\"people\"}", "region", "required"},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"某调解会\",\"kind\":\"people\",\"region\":\"渝中区\",\"phone\":\"call-me-now\"}", "phone", "invalid_phone"},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"某调解会\",\"kind\":\"people\",\"region\":\"渝中区\",\"phone\":\"12\"}", "phone", "too_short"},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"某调解会\",\"kind\":\"people\",\"region\":\"渝中区\",\"admin_phone\":\"123\"}", "admin_phone", NULL},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"某调解会\",\"kind\":\"people\",\"region\":\"渝中区\",\"admin_phone\":\"" PARTY_PHONE "\"}", "admin_phone", "not_found"},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":\"one\",\"name\":\"某调解会\",\"kind\":\"people\",\"region\":\"渝中区\"}", "court_id", "wrong_type"},
    {0, "POST", "/api/v1/roster/orgs", 0, "{\"court_id\":%C,\"name\":\"某调解会\",\"kind\":\"people\",\"region\":\"渝中区\",\"motto\":\"x\"}", "motto", "unknown_field"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"1380000\",\"court_id\":%C,\"specialties\":\"108.3\"}", "phone", NULL},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"court_id\":%C,\"specialties\":\"108.3\"}", "phone", "required"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"999.9\"}", "specialties", "unknown_cause"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"P04\"}", "specialties", "unknown_cause"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"108.3,,108.4\"}", "specialties", "empty_item"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21\"}", "specialties", "too_many"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C}", "specialties", "required"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"108.3\",\"languages\":\"普通话、一二三四五六七八九十一二三四五六七八九十一\"}", "languages", "item_too_long"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"108.3\",\"capacity\":0}", "capacity", "out_of_range"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"108.3\",\"capacity\":201}", "capacity", "out_of_range"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"108.3\",\"available\":\"yes\"}", "available", "wrong_type"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"org_id\":999999,\"specialties\":\"108.3\"}", "org_id", "not_found"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"specialties\":\"108.3\"}", "court_id", "required"},
    {0, "POST", "/api/v1/roster/mediators", 0, "{\"phone\":\"" NEW_MEDIATOR_PHONE "\",\"court_id\":%C,\"specialties\":\"108.3\",\"name\":\"\"}", "name", "too_short"},
    {0, "PATCH", "/api/v1/roster/mediators/%lld", 2, "{}", "body", "empty"},
    {0, "PATCH", "/api/v1/roster/mediators/%lld", 2, "{\"name\":null}", "name", "required"},
    {0, "PATCH", "/api/v1/roster/mediators/%lld", 2, "{\"capacity\":null}", "capacity", "required"},
    {0, "PATCH", "/api/v1/roster/mediators/%lld", 2, "{\"status\":\"gone\"}", "status", "not_allowed"},
    {0, "PATCH", "/api/v1/roster/mediators/%lld", 2, "{\"specialties\":\"108.3、nope\"}", "specialties", "unknown_cause"},
    {0, "PATCH", "/api/v1/roster/mediators/%lld", 2, "{\"languages\":\"\"}", "languages", "too_short"},
    {0, "PATCH", "/api/v1/roster/orgs/%lld", 1, "{}", "body", "empty"},
    {0, "PATCH", "/api/v1/roster/orgs/%lld", 1, "{\"kind\":null}", "kind", "required"},
    {0, "PATCH", "/api/v1/roster/orgs/%lld", 1, "{\"region\":\"渝\"}", "region", "too_short"},
    {0, "PATCH", "/api/v1/roster/orgs/%lld", 1, "{\"admin_phone\":\"" PARTY_PHONE "\"}", "admin_phone", "not_found"},
    {0, "POST", "/api/v1/roster/mediators/%lld/training", 2, "{\"date\":\"2026-02-30\",\"title\":\"培训\",\"hours\":2}", "date", "invalid_date"},
    {0, "POST", "/api/v1/roster/mediators/%lld/training", 2, "{\"date\":\"2999-01-01\",\"title\":\"培训\",\"hours\":2}", "date", "in_future"},
    {0, "POST", "/api/v1/roster/mediators/%lld/training", 2, "{\"date\":\"2025-01-01\",\"title\":\"训\",\"hours\":2}", "title", "too_short"},
    {0, "POST", "/api/v1/roster/mediators/%lld/training", 2, "{\"date\":\"2025-01-01\",\"title\":\"培训\",\"hours\":0}", "hours", "out_of_range"},
    {0, "POST", "/api/v1/roster/mediators/%lld/training", 2, "{\"date\":\"2025-01-01\",\"title\":\"培训\"}", "hours", "required"},
    {0, "POST", "/api/v1/roster/studios", 0, "{\"name\":\"无主工作室\"}", "org_id", "one_of"},
    {0, "POST", "/api/v1/roster/studios", 0, "{\"org_id\":%O,\"mediator_id\":%M,\"name\":\"两主工作室\"}", "org_id", "one_of"},
    {0, "POST", "/api/v1/roster/studios", 0, "{\"org_id\":%O,\"name\":\"\"}", "name", "required"},
    {0, "POST", "/api/v1/roster/studios", 0, "{\"mediator_id\":999999,\"name\":\"某某工作室\"}", "mediator_id", "not_found"},
    {1, "GET", "/api/v1/roster?cause=999", 0, NULL, "query/cause", "unknown_cause"},
    {1, "GET", "/api/v1/roster?court_id=999999", 0, NULL, "query/court_id", "not_found"},
    {1, "GET", "/api/v1/roster?q=", 0, NULL, "query/q", "too_short"},
    {1, "GET", "/api/v1/roster?color=red", 0, NULL, "query/color", "unknown_parameter"},
    {1, "GET", "/api/v1/roster/recommend?cause=108.3", 0, NULL, "query/court_id", "required"},
    {1, "GET", "/api/v1/roster/recommend?court_id=%C", 0, NULL, "query/cause", "required"},
    {1, "GET", "/api/v1/roster/recommend?court_id=%C&cause=108.3&limit=0", 0, NULL, "query/limit", "out_of_range"},
    {1, "GET", "/api/v1/roster/recommend?court_id=999999&cause=108.3", 0, NULL, "query/court_id", "not_found"},
    {1, "GET", "/api/v1/roster/recommend?court_id=%C&cause=108.99", 0, NULL, "query/cause", "unknown_cause"},
};
/* clang-format on */

/* Replaces %C (the court), %O (the new organisation), %M (the new mediator) and
 * %lld (the case's id) in t. */
static void expand(const char *t, int64_t id, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    while (*t && n + 24 < size) {
        if (t[0] == '%' && (t[1] == 'C' || t[1] == 'O' || t[1] == 'M')) {
            int64_t v = t[1] == 'C' ? court : t[1] == 'O' ? new_org : new_mediator;
            n += (size_t)snprintf(out + n, size - n, "%lld", (long long)v);
            t += 2;
        } else if (strncmp(t, "%lld", 4) == 0) {
            n += (size_t)snprintf(out + n, size - n, "%lld", (long long)id);
            t += 4;
        } else {
            out[n++] = *t++;
            out[n] = '\0';
        }
    }
    assert_true(*t == '\0');
}

static void bad_input_names_the_field_and_stores_nothing(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, PARTY_PHONE);
    struct yzt_response r = {0};
    char before[65], after[65];
    yzt_db_snapshot_hash(&srv, before);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *b = &bad_cases[i];
        int64_t id = b->id == 1 ? new_org : b->id == 2 ? new_mediator : 0;
        char path[256], body[1024], key[40], hdr[64];
        expand(b->path, id, path, sizeof path);
        struct yzt_client *c = b->who ? &party : &admin;
        if (b->body) {
            expand(b->body, id, body, sizeof body);
            yzt_idem_key(key);
            snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
            const char *const h[] = {hdr, NULL};
            yzt_request(c, b->method, path, body, h, &r);
        } else {
            get(c, path, &r);
        }
        if (r.status != 400)
            print_error("case %zu: %s %s\n", i, b->method, path);
        yzt_assert_problem(&r, 400, "validation_failed");
        if (b->code)
            yzt_assert_field_error_code(&r, b->field, b->code);
        else
            yzt_assert_field_error(&r, b->field);
    }
    yzt_db_snapshot_hash(&srv, after);
    assert_string_equal(before, after);
    yzt_response_free(&r);
}

/* ---- recommendation ---- */

static void recommendation_ranks_with_reasons_and_skips_the_unavailable(void **state)
{
    struct yzt_client party = {.srv = &srv}, anon = {.srv = &srv}, mediator = {.srv = &srv},
                      org_admin = {.srv = &srv};
    yzt_demo_login(&party, PARTY_PHONE);
    yzt_demo_login(&mediator, MEDIATOR_PHONE);
    yzt_demo_login(&org_admin, NEW_ADMIN_PHONE);
    struct yzt_response r = {0};
    char path[128];
    snprintf(path, sizeof path, "/api/v1/roster/recommend?court_id=%lld&cause=108.3",
             (long long)court);
    get(&anon, path, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");

    recommend(&party, "108.3", &r);
    assert_string_equal(yzt_json_str(&r, "cause.name"), "民间借贷纠纷");
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
    /* Both exact, local and idle (90): the lower id first. */
    assert_int_equal(yzt_json_int(&r, "items.0.mediator_id"), demo_mediator);
    assert_int_equal(yzt_json_int(&r, "items.0.score"), 90);
    assert_int_equal(yzt_json_int(&r, "items.0.components.specialty"), 40);
    assert_int_equal(yzt_json_int(&r, "items.0.components.region"), 20);
    assert_int_equal(yzt_json_int(&r, "items.0.components.load"), 20);
    assert_int_equal(yzt_json_int(&r, "items.0.components.success"), 10);
    assert_string_equal(yzt_json_str(&r, "items.0.reason"),
                        "擅长民间借贷纠纷；地处本院辖区；当前承办 0/10 件；暂无办结记录");
    assert_string_equal(yzt_json_str(&r, "items.0.org_name"), "渝中区人民调解委员会");
    assert_int_equal(yzt_json_int(&r, "items.1.mediator_id"), new_mediator);
    assert_null(strstr(r.body, MEDIATOR_PHONE));
    /* 房屋租赁合同纠纷 is only 钱调解员's, ranked first; 孔调解员 follows without it. */
    recommend(&party, "116.2", &r);
    assert_int_equal(yzt_json_int(&r, "items.0.mediator_id"), demo_mediator);
    assert_int_equal(yzt_json_int(&r, "items.1.components.specialty"), 0);
    assert_non_null(strstr(yzt_json_str(&r, "items.1.reason"), "未登记该类纠纷专长"));
    snprintf(path, sizeof path, "/api/v1/roster/recommend?court_id=%lld&cause=108.3&limit=1",
             (long long)court);
    get(&party, path, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);

    /* The mediator marks themself unavailable: recorded, and no longer recommended. */
    char med_path[96];
    pathf(med_path, sizeof med_path, "/api/v1/roster/mediators/", demo_mediator, "");
    patch(&mediator, med_path, json_pack("{s:b}", "available", 0), &r);
    yzt_assert_status(&r, 200);
    assert_false(yzt_json_bool(&r, "available"));
    assert_int_equal(events("roster.mediator_updated", "mediator", demo_mediator), 1);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type = 'roster.mediator_updated'"
                           " AND payload LIKE '%\"available\":false%'"),
                     1);
    recommend(&party, "108.3", &r);
    assert_null(find_id(r.json, "items", demo_mediator));
    assert_non_null(find_id(r.json, "items", new_mediator));
    patch(&org_admin, pathf(path, sizeof path, "/api/v1/roster/mediators/", new_mediator, ""),
          json_pack("{s:b}", "available", 0), &r);
    yzt_assert_status(&r, 200);
    recommend(&party, "108.3", &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 0);
    /* Still on the public roster, shown as unavailable. */
    roster_of(&party, court, &r);
    json_t *m = find_id(r.json, "mediators", demo_mediator);
    assert_non_null(m);
    assert_true(json_is_false(json_object_get(m, "available")));

    patch(&mediator, med_path, json_pack("{s:b}", "available", 1), &r);
    yzt_assert_status(&r, 200);
    patch(&org_admin, path, json_pack("{s:b}", "available", 1), &r);
    yzt_assert_status(&r, 200);
    recommend(&party, "108.3", &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
    yzt_response_free(&r);
}

/* ---- the track record follows real mediations ---- */

static json_t *application(void)
{
    return json_pack(
        "{s:s, s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, "
        "s:s}],"
        " s:s, s:s, s:I, s:[{s:s, s:s}], s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_name", "民间借贷纠纷", "cause_revision", 2025, "case_type",
        "民初", "parties", "role", "plaintiff", "kind", "natural", "name", "张三", "sex", "male",
        "birth_date", "1990-01-01", "citizen_id", "500103199001011232", "address",
        "重庆市渝中区解放碑街道1号", "phone", PARTY_PHONE, "role", "defendant", "kind", "natural",
        "name", "李四", "address", "重庆市江北区观音桥街道2号", "phone", "13800000002", "claims",
        "判令被告偿还借款本金十万元", "facts", "被告向原告借款十万元，到期未还。", "amount_fen",
        (json_int_t)10000000, "evidence", "name", "借条", "source", "原告持有", "service_address",
        "address", "重庆市渝中区解放碑街道1号", "phone", PARTY_PHONE, "e_service_consent", 1);
}

static int64_t submit_mediation(struct yzt_client *party)
{
    struct yzt_response r = {0};
    yzt_post_new(party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:b, s:o}}", "kind", "mediation", "court_id",
                           (json_int_t)court, "title", "张三与李四民间借贷纠纷诉前调解", "fields",
                           "channel", "online", "consent", 1, "application", application()),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

static void fire(struct yzt_client *c, int64_t id, json_t *body, const char *state_after)
{
    char path[64];
    struct yzt_response r = {0};
    yzt_post_new(c, pathf(path, sizeof path, "/api/v1/matters/", id, "/events"), body, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "state"), state_after);
    yzt_response_free(&r);
}

static void workload(struct yzt_client *c, int64_t mediator, struct yzt_response *r)
{
    char path[96];
    get(c, pathf(path, sizeof path, "/api/v1/roster/mediators/", mediator, "/workload"), r);
    yzt_assert_status(r, 200);
}

static void track_record_and_workload_follow_mediations(void **state)
{
    struct yzt_client party = {.srv = &srv}, mediator = {.srv = &srv}, demo_admin = {.srv = &srv},
                      other_admin = {.srv = &srv};
    yzt_demo_login(&party, PARTY_PHONE);
    yzt_demo_login(&mediator, MEDIATOR_PHONE);
    yzt_demo_login(&demo_admin, ORG_ADMIN_PHONE);
    yzt_demo_login(&other_admin, NEW_ADMIN_PHONE);
    struct yzt_response r = {0};
    char path[128];

    /* Delegated: one intake, one running (waiting for acceptance counts as load). */
    int64_t first = submit_mediation(&party);
    fire(&admin, first,
         json_pack("{s:s, s:{s:I, s:s}}", "event", "delegate", "fields", "mediator_id",
                   (json_int_t)demo_mediator, "reason", "按推荐委派"),
         "delegated");
    workload(&mediator, demo_mediator, &r);
    assert_int_equal(yzt_json_int(&r, "workload.intake"), 1);
    assert_int_equal(yzt_json_int(&r, "workload.running"), 1);
    assert_int_equal(yzt_json_int(&r, "workload.overdue"), 0);
    assert_int_equal(yzt_json_int(&r, "workload.capacity"), 10);
    assert_int_equal(yzt_json_int(&r, "workload.load_pct"), 10);
    recommend(&party, "108.3", &r);
    json_t *it = find_id(r.json, "items", demo_mediator);
    assert_non_null(it);
    assert_int_equal(json_integer_value(yzt_json_at(it, "components.load")), 18);
    assert_non_null(strstr(json_string_value(json_object_get(it, "reason")), "当前承办 1/10 件"));
    /* 孔调解员 is idle now and ranks first. */
    assert_int_equal(yzt_json_int(&r, "items.0.mediator_id"), new_mediator);

    /* Accepted, then ended without agreement: decided, not a success. */
    fire(&mediator, first, json_pack("{s:s}", "event", "accept"), "mediating");
    fire(&mediator, first,
         json_pack("{s:s, s:{s:s}}", "event", "close", "fields", "reason", "expired"), "closed");
    workload(&mediator, demo_mediator, &r);
    assert_int_equal(yzt_json_int(&r, "workload.intake"), 1);
    assert_int_equal(yzt_json_int(&r, "workload.running"), 0);
    assert_int_equal(yzt_json_int(&r, "workload.decided"), 1);
    assert_int_equal(yzt_json_int(&r, "workload.success_rate_pct"), 0);
    assert_true(json_is_number(yzt_json_at(r.json, "workload.average_days")));
    assert_true(json_is_null(yzt_json_at(r.json, "workload.confirmation_rate_pct")));

    /* A second one, left running. */
    int64_t second = submit_mediation(&party);
    fire(&admin, second,
         json_pack("{s:s, s:{s:I}}", "event", "delegate", "fields", "mediator_id",
                   (json_int_t)demo_mediator),
         "delegated");
    fire(&mediator, second, json_pack("{s:s}", "event", "accept"), "mediating");

    /* The public track record (no load, no overdue figures). */
    struct yzt_client anon = {.srv = &srv};
    get(&anon, pathf(path, sizeof path, "/api/v1/roster/mediators/", demo_mediator, ""), &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "track_record.intake"), 2);
    assert_int_equal(yzt_json_int(&r, "track_record.decided"), 1);
    assert_int_equal(yzt_json_int(&r, "track_record.success_rate_pct"), 0);
    assert_false(yzt_json_has(&r, "track_record.running"));
    recommend(&party, "108.3", &r);
    it = find_id(r.json, "items", demo_mediator);
    assert_non_null(strstr(json_string_value(json_object_get(it, "reason")),
                           "当前承办 1/10 件；调解成功率 0%"));

    /* Who sees the workload: the organisation's admin, the court's staff, the
     * supervising court; not another organisation, not a party. */
    pathf(path, sizeof path, "/api/v1/roster/orgs/", demo_org, "/workload");
    get(&demo_admin, path, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "workload.intake"), 2);
    assert_int_equal(yzt_json_int(&r, "workload.running"), 1);
    assert_int_equal(yzt_json_int(&r, "mediators.0.workload.running"), 1);
    get(&admin, path, &r);
    yzt_assert_status(&r, 200);
    get(&supervisor, path, &r);
    yzt_assert_status(&r, 200);
    get(&other_admin, path, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    get(&party, path, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    workload(&demo_admin, demo_mediator, &r);
    assert_int_equal(yzt_json_int(&r, "workload.running"), 1);
    workload(&supervisor, demo_mediator, &r);
    get(&other_admin,
        pathf(path, sizeof path, "/api/v1/roster/mediators/", demo_mediator, "/workload"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    get(&admin_jb, path, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
}

/* ---- suspension ---- */

/* GET /me/roster: a mediator finds their own entry, an organisation's admin
 * their organisation (the ids the workload routes take); nobody else's. */
static void own_roster_entries_lead_to_the_workload(void **state)
{
    struct yzt_client mediator = {.srv = &srv}, demo_admin = {.srv = &srv},
                      new_admin = {.srv = &srv}, party = {.srv = &srv}, anon = {.srv = &srv};
    yzt_demo_login(&mediator, MEDIATOR_PHONE);
    yzt_demo_login(&demo_admin, ORG_ADMIN_PHONE);
    yzt_demo_login(&new_admin, NEW_ADMIN_PHONE);
    yzt_demo_login(&party, PARTY_PHONE);
    struct yzt_response r = {0};
    get(&mediator, "/api/v1/me/roster", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "mediators")), 1);
    assert_int_equal(yzt_json_int(&r, "mediators.0.id"), demo_mediator);
    assert_int_equal(yzt_json_int(&r, "mediators.0.org_id"), demo_org);
    assert_int_equal(yzt_json_int(&r, "mediators.0.court_id"), court);
    assert_string_equal(yzt_json_str(&r, "mediators.0.name"), "钱调解员");
    assert_string_equal(yzt_json_str(&r, "mediators.0.org_name"), "渝中区人民调解委员会");
    assert_int_equal(json_array_size(yzt_json_at(r.json, "orgs")), 0);
    get(&demo_admin, "/api/v1/me/roster", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "orgs")), 1);
    assert_int_equal(yzt_json_int(&r, "orgs.0.id"), demo_org);
    assert_string_equal(yzt_json_str(&r, "orgs.0.status"), "active");
    assert_int_equal(json_array_size(yzt_json_at(r.json, "mediators")), 0);
    /* The other organisation's admin sees only theirs. */
    get(&new_admin, "/api/v1/me/roster", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "orgs")), 1);
    assert_int_equal(yzt_json_int(&r, "orgs.0.id"), new_org);
    /* Parties, court staff and strangers have no roster entry to ask about. */
    get(&party, "/api/v1/me/roster", &r);
    yzt_assert_problem(&r, 403, "forbidden");
    get(&admin, "/api/v1/me/roster", &r);
    yzt_assert_problem(&r, 403, "forbidden");
    get(&anon, "/api/v1/me/roster", &r);
    yzt_assert_status(&r, 401);
    yzt_response_free(&r);
}

static void suspension_takes_entries_off_the_public_roster(void **state)
{
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, PARTY_PHONE);
    struct yzt_response r = {0};
    char med_path[96], org_path[96];
    pathf(med_path, sizeof med_path, "/api/v1/roster/mediators/", new_mediator, "");
    pathf(org_path, sizeof org_path, "/api/v1/roster/orgs/", new_org, "");

    patch(&admin, med_path, json_pack("{s:s}", "status", "suspended"), &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "status"), "suspended");
    assert_int_equal(events("roster.mediator_suspended", "mediator", new_mediator), 1);
    roster_of(&party, court, &r);
    assert_null(find_id(r.json, "mediators", new_mediator));
    recommend(&party, "108.3", &r);
    assert_null(find_id(r.json, "items", new_mediator));
    get(&party, med_path, &r); /* the entry itself stays readable, with its status */
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "status"), "suspended");

    patch(&admin, org_path, json_pack("{s:s}", "status", "suspended"), &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(events("roster.org_suspended", "org", new_org), 1);
    roster_of(&party, court, &r);
    assert_null(find_id(r.json, "orgs", new_org));
    /* A suspended organisation takes no new mediators. */
    yzt_post_new(&admin, "/api/v1/roster/mediators",
                 json_pack("{s:s, s:I, s:s}", "phone", NEW_MEDIATOR_PHONE, "org_id",
                           (json_int_t)new_org, "specialties", "108.3"),
                 &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "org_id", "suspended");

    patch(&admin, org_path, json_pack("{s:s}", "status", "active"), &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(events("roster.org_reinstated", "org", new_org), 1);
    patch(&admin, med_path, json_pack("{s:s}", "status", "active"), &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(events("roster.mediator_reinstated", "mediator", new_mediator), 1);
    roster_of(&party, court, &r);
    assert_non_null(find_id(r.json, "mediators", new_mediator));

    /* The whole history, roster changes included, verifies. */
    char out[4096];
    const char *const args[] = {"audit", "verify", "--dir", srv.dir, NULL};
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != 0)
        print_error("%s\n", out);
    assert_int_equal(rc, 0);
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_roster_is_public_without_personal_data),
        cmocka_unit_test(court_admin_lists_an_organisation_and_its_studio),
        cmocka_unit_test(org_admin_links_a_mediator_by_phone_and_manages_it),
        cmocka_unit_test(others_are_refused_and_nothing_is_stored),
        cmocka_unit_test(bad_input_names_the_field_and_stores_nothing),
        cmocka_unit_test(recommendation_ranks_with_reasons_and_skips_the_unavailable),
        cmocka_unit_test(track_record_and_workload_follow_mediations),
        cmocka_unit_test(own_roster_entries_lead_to_the_workload),
        cmocka_unit_test(suspension_takes_entries_off_the_public_roster),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
