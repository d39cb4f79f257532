/*
 * End-to-end tests of the isolation guarantees: a record the caller may not
 * see answers exactly as a record that does not exist (404, same code and
 * title), court staff see only their own court's matters, a supervising court
 * reads but does not act, forged or ended sessions are 401, role-gated routes
 * are 403, and every denial lands in the security stream. A matrix walks
 * every {id} route of the table for every demo role, own and foreign.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PHONE_A "13800000001"
#define PHONE_B "13800000002"
#define MISSING_ID 999999

/* Denials are recorded in events; everything else must stay untouched. */
static const char *const SKIP_EVENTS[] = {"events", "chain_head", "checkpoints", NULL};

static const char *const DENIALS_SQL =
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'";

static int64_t create_inquiry(struct yzt_client *c, int64_t court)
{
    struct yzt_response r = {0};
    char key[40], hdr[64];
    yzt_idem_key(key);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const h[] = {hdr, NULL};
    yzt_request_json(c, "POST", "/api/v1/matters",
                     json_pack("{ss sI ss s{ss ss ss}}", "kind", "inquiry", "court_id",
                               (json_int_t)court, "title", "民间借贷立案咨询", "fields", "question",
                               "民间借贷纠纷应向哪个法院起诉？", "topic", "filing", "channel", "web"),
                     h, &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

static void fire_answer(struct yzt_client *c, int64_t id, struct yzt_response *r)
{
    char path[96], key[40], hdr[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_idem_key(key);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const h[] = {hdr, NULL};
    yzt_request_json(c, "POST", path,
                     json_pack("{ss s{ss ss}}", "event", "answer", "fields", "answer",
                               "请向被告住所地法院起诉。", "method", "online"),
                     h, r);
}

/* Asserts two 404 problems agree on everything but the request id. */
static void assert_same_404(struct yzt_response *a, struct yzt_response *b)
{
    yzt_assert_problem(a, 404, "not_found");
    yzt_assert_problem(b, 404, "not_found");
    assert_string_equal(a->content_type, b->content_type);
    json_t *ja = json_deep_copy(a->json), *jb = json_deep_copy(b->json);
    json_object_del(ja, "request_id");
    json_object_del(jb, "request_id");
    json_object_del(ja, "instance"); /* urn:yizhan:request:<request id> */
    json_object_del(jb, "instance");
    char *sa = json_dumps(ja, JSON_SORT_KEYS), *sb = json_dumps(jb, JSON_SORT_KEYS);
    assert_string_equal(sa, sb); /* also: no "instance" naming the id */
    free(sa);
    free(sb);
    json_decref(ja);
    json_decref(jb);
}

enum probe { P_GET, P_HISTORY, P_FIRE };

static void probe(struct yzt_client *c, enum probe p, int64_t id, struct yzt_response *r)
{
    char path[96];
    switch (p) {
    case P_GET:
        snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
        yzt_request(c, "GET", path, NULL, NULL, r);
        break;
    case P_HISTORY:
        snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
        yzt_request(c, "GET", path, NULL, NULL, r);
        break;
    case P_FIRE: fire_answer(c, id, r); break;
    }
}

static bool list_contains(struct yzt_client *c, int64_t id)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", "/api/v1/matters", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *items = yzt_json_at(r.json, "items");
    assert_true(json_is_array(items));
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        if (json_integer_value(json_object_get(it, "id")) == id)
            found = true;
    }
    yzt_response_free(&r);
    return found;
}

static void party_isolation(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s}, b = {.srv = s};
    struct yzt_response foreign = {0}, missing = {0};
    yzt_login(&a, PHONE_A, YZT_DEMO_PASSWORD, NULL);
    yzt_login(&b, PHONE_B, YZT_DEMO_PASSWORD, NULL);
    int64_t id = create_inquiry(&a, yzt_court_id(&a, "渝0103"));
    int64_t denials = yzt_db_count(s, DENIALS_SQL);

    for (int p = P_GET; p <= P_FIRE; p++) {
        char before[65], after[65];
        yzt_db_snapshot_hash_except(s, SKIP_EVENTS, before);
        int64_t denied_before = yzt_db_count(s, DENIALS_SQL);
        probe(&b, (enum probe)p, id, &foreign);
        yzt_db_snapshot_hash_except(s, SKIP_EVENTS, after);
        assert_string_equal(before, after);
        /* Each probe's denial is recorded, the write ones' too (decided on
         * the group-commit writer's thread, recorded on the caller's). */
        assert_true(yzt_db_count(s, DENIALS_SQL) > denied_before);
        probe(&b, (enum probe)p, MISSING_ID, &missing);
        assert_same_404(&foreign, &missing);
        assert_null(strstr(foreign.body, "民间借贷"));
    }
    assert_true(yzt_db_count(s, DENIALS_SQL) > denials);

    assert_false(list_contains(&b, id));
    assert_true(list_contains(&a, id));
    probe(&a, P_GET, id, &foreign);
    yzt_assert_status(&foreign, 200);
    yzt_response_free(&foreign);
    yzt_response_free(&missing);
}

static void court_isolation(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s}, jb = {.srv = s}, own = {.srv = s}, sup = {.srv = s};
    struct yzt_response r = {0};
    yzt_login(&a, PHONE_A, YZT_DEMO_PASSWORD, NULL);
    int64_t id = create_inquiry(&a, yzt_court_id(&a, "渝0103"));
    yzt_demo_login(&jb, "filing_clerk_jb");
    yzt_demo_login(&own, "filing_clerk");
    yzt_demo_login(&sup, "supervisor");

    probe(&jb, P_GET, id, &r);
    yzt_assert_problem(&r, 404, "not_found");
    probe(&jb, P_HISTORY, id, &r);
    yzt_assert_problem(&r, 404, "not_found");
    assert_false(list_contains(&jb, id));

    probe(&own, P_GET, id, &r);
    yzt_assert_status(&r, 200);
    assert_true(list_contains(&own, id));

    /* The supervising court reads ... */
    probe(&sup, P_GET, id, &r);
    yzt_assert_status(&r, 200);
    int64_t version = yzt_json_int(&r, "version");
    probe(&sup, P_HISTORY, id, &r);
    yzt_assert_status(&r, 200);
    /* ... but does not act, and its attempt changes nothing. */
    char before[65], after[65];
    const char *const *skip = SKIP_EVENTS;
    yzt_db_snapshot_hash_except(s, skip, before);
    probe(&sup, P_FIRE, id, &r);
    assert_in_range(r.status, 400, 499);
    assert_true(r.status == 403 || r.status == 404);
    yzt_db_snapshot_hash_except(s, skip, after);
    assert_string_equal(before, after);
    probe(&a, P_GET, id, &r);
    assert_int_equal(yzt_json_int(&r, "version"), version);
    assert_string_equal(yzt_json_str(&r, "state"), "submitted");

    /* The court's own clerk acts. */
    probe(&own, P_FIRE, id, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

static void authentication(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client anon = {.srv = s}, a = {.srv = s}, forged = {.srv = s};
    struct yzt_response r = {0};
    int64_t denials = yzt_db_count(s, DENIALS_SQL);

    const char *const signed_in_gets[] = {"/api/v1/me", "/api/v1/matters", "/api/v1/workflows",
                                          "/api/v1/matters/1", "/api/v1/matters/1/events", NULL};
    for (int i = 0; signed_in_gets[i]; i++) {
        yzt_request(&anon, "GET", signed_in_gets[i], NULL, NULL, &r);
        yzt_assert_problem(&r, 401, "unauthenticated");
    }
    yzt_request(&anon, "DELETE", "/api/v1/session", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");

    snprintf(forged.cookie, sizeof forged.cookie, "garbage-not-a-session");
    snprintf(forged.csrf, sizeof forged.csrf, "x");
    yzt_request(&forged, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");

    yzt_login(&a, PHONE_A, YZT_DEMO_PASSWORD, NULL);
    /* A real cookie with one character changed. */
    snprintf(forged.cookie, sizeof forged.cookie, "%s", a.cookie);
    size_t n = strlen(forged.cookie);
    assert_true(n > 4);
    forged.cookie[n - 2] = forged.cookie[n - 2] == 'A' ? 'B' : 'A';
    yzt_request(&forged, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");

    struct yzt_client bearer = {.srv = s};
    snprintf(bearer.bearer, sizeof bearer.bearer, "not-a-token");
    yzt_request(&bearer, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");

    /* Logout ends the session server-side: replaying the cookie fails. */
    yzt_request(&a, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    char old_cookie[512], old_csrf[128];
    snprintf(old_cookie, sizeof old_cookie, "%s", a.cookie);
    snprintf(old_csrf, sizeof old_csrf, "%s", a.csrf);
    yzt_request(&a, "DELETE", "/api/v1/session", NULL, NULL, &r);
    yzt_assert_status(&r, 204);
    snprintf(a.cookie, sizeof a.cookie, "%s", old_cookie);
    snprintf(a.csrf, sizeof a.csrf, "%s", old_csrf);
    yzt_request(&a, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");

    /* A party on a court-admin route. */
    struct yzt_client b = {.srv = s};
    yzt_login(&b, PHONE_B, YZT_DEMO_PASSWORD, NULL);
    char key[40], hdr[64];
    yzt_idem_key(key);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const h[] = {hdr, NULL};
    int64_t users = yzt_db_count(s, "SELECT count(*) FROM users");
    yzt_request_json(&b, "POST", "/api/v1/staff",
                     json_pack("{ss ss ss sI ss}", "username", "intruder", "name", "入侵者", "role",
                               "judge", "court_id", (json_int_t)1, "password",
                               "Long-Enough-Passw0rd"),
                     h, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    assert_int_equal(yzt_db_count(s, "SELECT count(*) FROM users"), users);

    assert_true(yzt_db_count(s, DENIALS_SQL) > denials);
    yzt_response_free(&r);
}

/* Every demo role that can sign in: phone logins for the public roles. */
struct role_login {
    const char *login;
    bool staff;
};
static const struct role_login ROLES_[] = {
    {"13800000001", false}, {"13800000002", false}, {"13800000003", false},
    {"13800000004", false}, {"13800000005", false}, {"13800000006", false},
    {"filing_clerk", true}, {"triage_officer", true}, {"judge", true},
    {"assistant", true},    {"clerk", true},          {"service_officer", true},
    {"petition_officer", true}, {"hotline_agent", true}, {"court_admin", true},
    {"supervisor", true},   {"filing_clerk_jb", true},
};

/*
 * For every {id} route × every demo role, on an inquiry 张三 filed at
 * 渝0103: it is visible to 张三, to the staff of 渝0103 and to the supervisor
 * (渝05, above 渝0103); it is foreign to every other party and to
 * filing_clerk_jb (渝0105), who get the 404 of a missing record and change
 * nothing. Each party that may file also files its own and reads it back,
 * and 张三 gets 404 on it.
 */
static void policy_matrix(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client owner = {.srv = s};
    struct yzt_response r = {0}, missing = {0};
    yzt_login(&owner, PHONE_A, YZT_DEMO_PASSWORD, NULL);
    int64_t court = yzt_court_id(&owner, "渝0103");
    int64_t id = create_inquiry(&owner, court);

    /* Who may see a party's inquiry at 渝0103: its author and that court's staff. */
    for (size_t i = 0; i < sizeof ROLES_ / sizeof ROLES_[0]; i++) {
        const struct role_login *rl = &ROLES_[i];
        struct yzt_client c = {.srv = s};
        if (rl->staff)
            yzt_demo_login(&c, rl->login);
        else
            yzt_login(&c, rl->login, YZT_DEMO_PASSWORD, NULL);
        bool foreign = !rl->staff ? strcmp(rl->login, PHONE_A) != 0
                                  : strcmp(rl->login, "filing_clerk_jb") == 0;
        for (int p = P_GET; p <= P_FIRE; p++) {
            if (p == P_FIRE && !foreign)
                continue; /* acting is the workflow's business, not isolation's */
            char before[65], after[65];
            const char *const *skip = SKIP_EVENTS;
            yzt_db_snapshot_hash_except(s, skip, before);
            probe(&c, (enum probe)p, id, &r);
            yzt_db_snapshot_hash_except(s, skip, after);
            if (foreign) {
                if (r.status != 404)
                    print_error("role %s probe %d on foreign matter: %ld\n", rl->login, p, r.status);
                probe(&c, (enum probe)p, MISSING_ID, &missing);
                assert_same_404(&r, &missing);
                assert_string_equal(before, after);
            } else {
                if (r.status != 200)
                    print_error("role %s probe %d on visible matter: %ld\n", rl->login, p, r.status);
                yzt_assert_status(&r, 200);
            }
        }
        /* Parties' own matters: each party creates one and reads it back. */
        if (!rl->staff && strcmp(rl->login, "13800000005") != 0 &&
            strcmp(rl->login, "13800000006") != 0) {
            int64_t mine = create_inquiry(&c, court);
            probe(&c, P_GET, mine, &r);
            yzt_assert_status(&r, 200);
            probe(&c, P_HISTORY, mine, &r);
            yzt_assert_status(&r, 200);
            probe(&owner, P_GET, mine, &r);
            if (strcmp(rl->login, PHONE_A) != 0)
                assert_same_404(&r, &missing);
        }
    }
    yzt_response_free(&r);
    yzt_response_free(&missing);
}

/* ---- a denied read waits for its record, and nobody else does ------------- */

struct probe_thread {
    struct yzt_client *c;
    int64_t id;
    pthread_t thread;
    long status;
    atomic_bool done;
};

static void *probe_run(void *arg)
{
    struct probe_thread *p = arg;
    struct yzt_response r = {0};
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)p->id);
    yzt_request(p->c, "GET", path, NULL, NULL, &r);
    p->status = r.status;
    yzt_response_free(&r);
    atomic_store(&p->done, true);
    return NULL;
}

/* yizhan_access_denials_total from /metrics: denials the server has begun to record. */
static long long denials_begun(struct yzt_client *c)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", "/metrics", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    const char *at = strstr(r.body, "\nyizhan_access_denials_total ");
    assert_non_null(at);
    long long n = strtoll(at + strlen("\nyizhan_access_denials_total "), NULL, 10);
    yzt_response_free(&r);
    return n;
}

#define PROBES 4

/*
 * A read that is denied answers only once its record is committed, but the
 * commit is waited for off the threads that serve connections: while the
 * database's write lock is held (as by a long commit on a slow disk), four
 * probes of a foreign matter wait, and everyone else's reads are answered.
 * Before, each probe held one of the two serving threads (server.threads)
 * for its commit, and two probes stopped every read of the server.
 */
static void denied_reads_do_not_hold_other_reads(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s}, b = {.srv = s}, anon = {.srv = s};
    yzt_login(&a, PHONE_A, YZT_DEMO_PASSWORD, NULL);
    yzt_login(&b, PHONE_B, YZT_DEMO_PASSWORD, NULL);
    int64_t id = create_inquiry(&a, yzt_court_id(&a, "渝0103"));
    int64_t recorded = yzt_db_count(s, DENIALS_SQL);
    long long begun = denials_begun(&anon);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(s->db_path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    struct yzt_client probers[PROBES];
    struct probe_thread probes[PROBES];
    for (int i = 0; i < PROBES; i++) {
        probers[i] = b;
        probers[i].transport_errors_ok = true; /* asserted here, not on its thread */
        probes[i] = (struct probe_thread){.c = &probers[i], .id = id};
        atomic_init(&probes[i].done, false);
        assert_int_equal(pthread_create(&probes[i].thread, NULL, probe_run, &probes[i]), 0);
    }
    /* Every probe is decided and waits for its record. */
    for (int tries = 0; denials_begun(&anon) < begun + PROBES; tries++) {
        assert_true(tries < 2000);
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    struct yzt_response r = {0};
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
    yzt_request(&a, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_request(&a, "GET", "/api/v1/matters", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    /* ... while no probe has had its answer: the lock still held them. */
    for (int i = 0; i < PROBES; i++)
        assert_false(atomic_load(&probes[i].done));

    assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    for (int i = 0; i < PROBES; i++) {
        pthread_join(probes[i].thread, NULL);
        assert_int_equal(probes[i].status, 404);
    }
    /* Each probe's answer came after its record. */
    assert_int_equal(yzt_db_count(s, DENIALS_SQL), recorded + PROBES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(party_isolation, yzt_setup_demo_server, yzt_teardown_server),
        cmocka_unit_test_setup_teardown(court_isolation, yzt_setup_demo_server, yzt_teardown_server),
        cmocka_unit_test_setup_teardown(authentication, yzt_setup_demo_server, yzt_teardown_server),
        cmocka_unit_test_setup_teardown(policy_matrix, yzt_setup_demo_server, yzt_teardown_server),
        cmocka_unit_test_setup_teardown(denied_reads_do_not_hold_other_reads,
                                        yzt_setup_demo_server, yzt_teardown_server),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
