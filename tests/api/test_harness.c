/*
 * End-to-end tests of the API test harness itself (tests/lib/apitest.c)
 * against the real server: start and stop, a JSON answer and a problem
 * answer, the direct database readers, the CLI runner, and a restart after
 * SIGKILL on the same directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"

#include <string.h>

/* Starts a server without --demo, checks /healthz and an unknown path, stops. */
static void health_and_unknown_path(void **state)
{
    struct yz_test_server s;
    struct yzt_response r = {0};
    yzt_server_start(&s, false, NULL);
    assert_true(s.pid > 0);
    assert_in_range(s.port, 1, 65535);
    struct yzt_client c = {.srv = &s};

    yzt_request(&c, "GET", "/healthz", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(r.json);
    assert_true(json_is_object(r.json));
    assert_string_equal(yzt_json_str(&r, "status"), "ok");
    assert_true(r.request_id[0] != '\0');
    char id_first[64];
    memcpy(id_first, r.request_id, sizeof id_first);

    yzt_request(&c, "GET", "/nope", NULL, NULL, &r); /* r is reused: freed first */
    yzt_assert_problem(&r, 404, "not_found");
    assert_string_not_equal(r.request_id, id_first); /* one id per request */
    assert_string_equal(c.cookie, "");               /* nothing set a session */

    yzt_response_free(&r);
    yzt_server_stop(&s);
    assert_int_equal(s.pid, 0);
    assert_string_equal(s.dir, "");
}

/* The fixtures hand the test a running server in *state. */
static void fixture_server_and_db_readers(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client c = {.srv = s};
    struct yzt_response r = {0};

    assert_true(yzt_db_count(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table'") > 0);
    assert_int_equal(yzt_db_count(s, "SELECT count(*) FROM sessions"), 0);

    char before[65], after[65], again[65], without_users[65];
    yzt_db_snapshot_hash(s, before);
    assert_int_equal(strlen(before), 64);
    yzt_request(&c, "GET", "/healthz", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_db_snapshot_hash(s, after);
    yzt_db_snapshot_hash(s, again);
    assert_string_equal(before, after); /* a read stores nothing */
    assert_string_equal(after, again);  /* the hash is deterministic */

    /* Leaving a table out changes the hash: its name and columns are hashed too. */
    const char *const skip[] = {"users", NULL};
    yzt_db_snapshot_hash_except(s, skip, without_users);
    assert_string_not_equal(before, without_users);
    yzt_response_free(&r);
}

static void cli_runner(void **state)
{
    char out[256];
    const char *const version[] = {"--version", NULL};
    assert_int_equal(yzt_run_cli(version, out, sizeof out), 0);
    assert_memory_equal(out, "yizhan ", 7);

    const char *const unknown[] = {"no-such-command", NULL};
    assert_int_equal(yzt_run_cli(unknown, out, sizeof out), 2);
    assert_non_null(strstr(out, "no-such-command")); /* stderr is captured too */

    char tiny[4];
    assert_int_equal(yzt_run_cli(version, tiny, sizeof tiny), 0);
    assert_string_equal(tiny, "yiz"); /* truncated, still terminated */
}

/* A server killed without warning comes back on the same directory. */
static void kill_and_restart(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client c = {.srv = s};
    struct yzt_response r = {0};
    char before[65], after[65];

    yzt_db_snapshot_hash(s, before);
    yzt_server_kill(s);
    assert_int_equal(s->pid, 0);
    yzt_server_restart(s, NULL);
    assert_true(s->pid > 0);
    yzt_request(&c, "GET", "/healthz", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "status"), "ok");
    yzt_db_snapshot_hash(s, after);
    assert_string_equal(before, after);
    yzt_response_free(&r);
}

/* JSON paths reach into objects and arrays; absent paths are NULL. */
static void json_paths(void **state)
{
    struct yzt_response r = {0};
    r.json = json_loads("{\"a\":{\"b\":[10,{\"c\":\"x\"}]},\"t\":true}", 0, NULL);
    assert_non_null(r.json);
    assert_int_equal(yzt_json_int(&r, "a.b.0"), 10);
    assert_string_equal(yzt_json_str(&r, "a.b.1.c"), "x");
    assert_true(yzt_json_bool(&r, "t"));
    assert_true(yzt_json_has(&r, "a.b"));
    assert_false(yzt_json_has(&r, "a.b.2"));
    assert_false(yzt_json_has(&r, "a.x"));
    assert_false(yzt_json_has(&r, "a.b.c"));
    assert_false(yzt_json_has(&r, "t.u"));
    assert_ptr_equal(yzt_json_at(r.json, ""), r.json);
    yzt_response_free(&r);
}

static void idempotency_keys_differ(void **state)
{
    char a[40], b[40];
    yzt_idem_key(a);
    yzt_idem_key(b);
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(health_and_unknown_path),
        cmocka_unit_test_setup_teardown(fixture_server_and_db_readers, yzt_setup_server,
                                        yzt_teardown_server),
        cmocka_unit_test(cli_runner),
        cmocka_unit_test_setup_teardown(kill_and_restart, yzt_setup_server, yzt_teardown_server),
        cmocka_unit_test(json_paths),
        cmocka_unit_test(idempotency_keys_differ),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
