/*
 * `make proof`: I/O errors and a full disk (SECURITY.md T20, T21).
 *
 * fsync failing: the powercut VFS of test builds makes every fsync of the
 * database and its WAL fail for a while (dropping the unsynced writes, as
 * Linux does after EIO). Requests must get a clear 503 problem+json, never a
 * 2xx for what was not stored; once fsync works again the server must
 * acknowledge filings without a restart; each round ends with a power cut,
 * so anything acknowledged but not durable shows up as lost.
 *
 * Disk full: the data directory lives on a small tmpfs that is filled to the
 * last byte for a while: 507 insufficient_storage (or 503) problem+json, no
 * acknowledged filing lost, nothing corrupted, and filings again without a
 * restart once the space returns. Skipped, saying why, when a tmpfs cannot be
 * mounted (the proof runs as root).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/durability.h"

static const struct yzd_options fsync_opt = {.suite = "fsync failure", .fault = YZD_FSYNC_FAIL,
                                             .rounds = 15, .clients = 8, .min_ms = 200,
                                             .max_ms = 800};
static struct yzd_options full_opt = {.suite = "disk full", .fault = YZD_DISK_FULL,
                                      .rounds = 15, .clients = 8, .min_ms = 200, .max_ms = 800};
static struct yzd_figures fig_fsync, fig_full;
static bool ran_fsync, ran_full;
static char skipped[300];

static void fsync_failure(void **state)
{
    yzd_run(&fsync_opt, &fig_fsync);
    ran_fsync = true;
    assert_int_equal(fig_fsync.rounds, fsync_opt.rounds);
    assert_true(fig_fsync.acknowledged > 0);
    assert_true(fig_fsync.storage_errors > 0);
    assert_int_equal(yzd_findings(&fig_fsync), 0);
}

static void disk_full(void **state)
{
    char dir[64], why[256];
    if (!yzd_tmpfs_mount("64m", dir, sizeof dir, why, sizeof why)) {
        snprintf(skipped, sizeof skipped, "disk full: SKIPPED: %s", why);
        skip();
    }
    full_opt.tmpfs_dir = dir;
    yzd_run(&full_opt, &fig_full);
    yzd_tmpfs_unmount(dir);
    ran_full = true;
    assert_int_equal(fig_full.rounds, full_opt.rounds);
    assert_true(fig_full.acknowledged > 0);
    assert_true(fig_full.storage_errors > 0);
    assert_int_equal(yzd_findings(&fig_full), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fsync_failure),
        cmocka_unit_test(disk_full),
    };
    int rc = cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
    if (ran_fsync)
        yzd_print(&fsync_opt, &fig_fsync);
    if (ran_full)
        yzd_print(&full_opt, &fig_full);
    if (skipped[0])
        printf("%s\n", skipped);
    return rc;
}
