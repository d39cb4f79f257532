/*
 * The fast subset of the durability proof (SECURITY.md T18, T26; the full
 * runs are tests/proof, `make proof`): concurrent clients file matters with
 * attachments and idempotency keys while the server is killed with SIGKILL a
 * few times; afterwards every acknowledged filing is present and
 * byte-identical, no key made two records, nothing unattempted exists, the
 * database is intact and the history verifies. The same under a simulated
 * power cut, with its negative control.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/demo.h"
#include "lib/durability.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void expect_clean(const struct yzd_options *o, const struct yzd_figures *f)
{
    yzd_print(o, f);
    assert_int_equal(f->rounds, o->rounds);
    assert_true(f->acknowledged > 0);
    assert_int_equal(yzd_findings(f), 0);
}

static void crash_loop(void **state)
{
    struct yzd_options o = {.suite = "crash loop (fast)", .fault = YZD_KILL, .rounds = 2,
                            .clients = 4, .min_ms = 150, .max_ms = 500};
    struct yzd_figures f;
    yzd_run(&o, &f);
    expect_clean(&o, &f);
}

/* T19 in brief: writes live in the server's memory until fsync (the powercut
 * VFS), so the kill is a power cut. FULL loses nothing; NORMAL, the negative
 * control, must lose acknowledged filings or the shim is broken. */
static void power_cut(void **state)
{
    struct yzd_options o = {.suite = "power cut (fast)", .fault = YZD_POWER_CUT, .rounds = 2,
                            .clients = 4, .min_ms = 150, .max_ms = 500};
    struct yzd_figures f;
    yzd_run(&o, &f);
    expect_clean(&o, &f);
}

/* A cut can fall just after something synced the WAL (a checkpoint), and
 * then NORMAL loses nothing in that run: two rounds of it once lost nothing
 * in CI. So the control runs again, up to five times (ten rounds, half the
 * proof's twenty), until a cut has lost acknowledged filings; a shim that
 * loses nothing fails every run. */
#define NEGATIVE_CONTROL_RUNS 5

static void power_cut_negative_control(void **state)
{
    struct yzd_options o = {.suite = "power cut, synchronous=NORMAL (fast)",
                            .fault = YZD_POWER_CUT, .rounds = 2, .clients = 4, .min_ms = 150,
                            .max_ms = 500, .sync_normal = true};
    long lost = 0;
    for (int run = 0; run < NEGATIVE_CONTROL_RUNS && lost == 0; run++) {
        struct yzd_figures f;
        yzd_run(&o, &f);
        yzd_print(&o, &f);
        /* An acknowledged filing whose id a later round's filing took again
         * (its row was lost in the cut, so the id was free) is counted as
         * corrupted, not lost: it is lost all the same. Both count here; with
         * FULL both must be 0 (power_cut). */
        lost = f.lost + f.corrupted;
    }
    assert_true(lost > 0);
}

/* T20 in brief: fsync fails for a while (the powercut VFS's fault switch):
 * 503 storage_error, nothing acknowledged that was not stored, acknowledgements
 * again without a restart once fsync works; each round ends in a power cut. */
static void fsync_failure(void **state)
{
    struct yzd_options o = {.suite = "fsync failure (fast)", .fault = YZD_FSYNC_FAIL,
                            .rounds = 1, .clients = 4, .min_ms = 200, .max_ms = 500};
    struct yzd_figures f;
    yzd_run(&o, &f);
    expect_clean(&o, &f);
    assert_true(f.storage_errors > 0);
}

/* T21 in brief: the data directory on a small tmpfs, filled to the last byte
 * for a while: 507 insufficient_storage (or 503), then filings again without
 * a restart once space returns. */
static void disk_full(void **state)
{
    char dir[64], why[256];
    if (!yzd_tmpfs_mount("64m", dir, sizeof dir, why, sizeof why)) {
        print_message("SKIPPED disk full: %s\n", why);
        skip();
    }
    struct yzd_options o = {.suite = "disk full (fast)", .fault = YZD_DISK_FULL, .rounds = 1,
                            .clients = 4, .min_ms = 200, .max_ms = 500, .tmpfs_dir = dir};
    struct yzd_figures f;
    yzd_run(&o, &f);
    yzd_tmpfs_unmount(dir);
    expect_clean(&o, &f);
    assert_true(f.storage_errors > 0);
}

/* Regression: a session that cannot be read because of a storage error was
 * answered 401 "please log in" (the client drops a valid session); it is a
 * 503 storage_error, and the same session works once reads do. */
static void session_lookup_storage_error_is_503(void **state)
{
    char work[] = "/tmp/yzd-read-XXXXXX", fault[64];
    assert_non_null(mkdtemp(work));
    snprintf(fault, sizeof fault, "%s/fail-read", work);
    setenv("YZ_TEST_VFS", "powercut", 1);
    setenv("YZ_TEST_VFS_FAIL_READ", fault, 1);
    struct yz_test_server srv;
    yzt_server_start(&srv, true, NULL);
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    /* A fresh process has no page of the sessions table cached. */
    yzt_server_restart(&srv, NULL);
    FILE *f = fopen(fault, "w");
    assert_non_null(f);
    fclose(f);
    struct yzt_response r = {0};
    yzt_request(&party, "GET", "/api/v1/me", NULL, NULL, &r);
    unlink(fault);
    yzt_assert_problem(&r, 503, "storage_error");
    yzt_request(&party, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    yzt_server_stop(&srv);
    unsetenv("YZ_TEST_VFS");
    unsetenv("YZ_TEST_VFS_FAIL_READ");
    rmdir(work);
}

/* T26: the same key ten times at once: one record; every answer is either
 * the stored 201 (the same id) or 409 idempotency_in_flight; then the same
 * key with another body is 422. */
static void same_key_ten_times_at_once(void **state)
{
    struct yz_test_server srv;
    yzt_server_start(&srv, true, NULL);
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    char body[256], key[40];
    snprintf(body, sizeof body,
             "{\"kind\":\"inquiry\",\"court_id\":%lld,\"title\":\"同键并发\","
             "\"fields\":{\"question\":\"如何申请财产保全？\",\"topic\":\"procedure\","
             "\"channel\":\"web\"}}",
             (long long)yzt_court_id(&party, "渝0103"));
    yzt_idem_key(key);
    long status[10];
    int64_t id[10], first = 0;
    yzd_same_key_at_once(&party, "/api/v1/matters", body, key, 10, status, id);
    int created = 0;
    for (int i = 0; i < 10; i++) {
        assert_true(status[i] == 201 || status[i] == 409);
        if (status[i] == 201) {
            created++;
            if (!first)
                first = id[i];
            assert_int_equal(id[i], first);
        }
    }
    assert_true(created >= 1);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE title = '同键并发'"), 1);
    char other[300], hdr[64];
    snprintf(other, sizeof other, "%.*s,\"x\":1}}", (int)(strlen(body) - 2), body);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const h[] = {hdr, NULL};
    struct yzt_response r = {0};
    yzt_request(&party, "POST", "/api/v1/matters", other, h, &r);
    yzt_assert_problem(&r, 422, "idempotency_key_reused");
    yzt_response_free(&r);
    yzt_server_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crash_loop),
        cmocka_unit_test(power_cut),
        cmocka_unit_test(power_cut_negative_control),
        cmocka_unit_test(fsync_failure),
        cmocka_unit_test(disk_full),
        cmocka_unit_test(session_lookup_storage_error_is_503),
        cmocka_unit_test(same_key_ten_times_at_once),
    };
    /* YZD_ONLY=name runs one of them (for a post-mortem with YZT_KEEP=1). */
    const char *only = getenv("YZD_ONLY");
    if (only)
        for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
            if (strcmp(tests[i].name, only) == 0)
                return _cmocka_run_group_tests("durability", &tests[i], 1, yzt_global_setup,
                                               yzt_global_teardown);
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
