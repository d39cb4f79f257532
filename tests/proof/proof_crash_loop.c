/*
 * `make proof`: the crash loop (SECURITY.md T18, T26). Eight client threads
 * file matters with attachments and idempotency keys; the server is killed
 * with SIGKILL at a random moment 50 times and restarted, and the clients
 * retry their unknowns with the same keys. Every acknowledged filing must be
 * present and byte-identical (SHA-256), no key may make two records, nothing
 * unattempted may exist, integrity_check ok, `yizhan audit verify` passes.
 * The figures are the last lines of the output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/durability.h"

static const struct yzd_options opt = {.suite = "crash loop", .fault = YZD_KILL, .rounds = 50,
                                       .clients = 8, .min_ms = 50, .max_ms = 800};
static struct yzd_figures fig;
static bool ran;

static void crash_loop(void **state)
{
    yzd_run(&opt, &fig);
    ran = true;
    assert_int_equal(fig.rounds, opt.rounds);
    assert_true(fig.acknowledged > 0);
    assert_int_equal(yzd_findings(&fig), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crash_loop),
    };
    int rc = cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
    if (ran)
        yzd_print(&opt, &fig);
    return rc;
}
