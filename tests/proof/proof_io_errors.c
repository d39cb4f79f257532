/*
 * `make proof`: I/O errors from the kernel against the real server
 * (SECURITY.md T20), by syscall fault injection: strace attaches to the
 * running server (every thread) and makes fdatasync (the database's commits),
 * fsync (attachment files and their directories) or pwrite64 (WAL frames) fail
 * with EIO, from the Nth call on or at the Nth call only, N swept 1..6, while
 * 8 clients file matters with attachments. Requests during the errors must be
 * answered with a clear 503/507 problem+json (never a 2xx for what was not
 * stored, never another 5xx, never a crash); once strace detaches the server
 * must acknowledge filings again without a restart; each round ends with a
 * graceful restart. At the end every acknowledged filing is present and
 * byte-identical, PRAGMA integrity_check is ok and `yizhan audit verify`
 * passes. Unlike proof_storage_faults (the test VFS), nothing here is built
 * into the server: it is the release code path seeing real error returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/durability.h"

static const char *const syscalls[] = {"fdatasync", "fsync", "pwrite64", NULL};
static const struct yzd_options opt = {.suite = "strace EIO", .fault = YZD_STRACE_EIO,
                                       .rounds = 18, .clients = 8, .min_ms = 300,
                                       .max_ms = 900, .syscalls = syscalls};
static struct yzd_figures fig;
static bool ran;

static void io_errors_from_the_kernel(void **state)
{
    yzd_run(&opt, &fig);
    ran = true;
    assert_int_equal(fig.rounds, opt.rounds);
    assert_true(fig.acknowledged > 0);
    assert_true(fig.storage_errors > 0);
    assert_int_equal(yzd_findings(&fig), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(io_errors_from_the_kernel),
    };
    int rc = cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
    if (ran)
        yzd_print(&opt, &fig);
    return rc;
}
