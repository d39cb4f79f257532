/*
 * `make proof`: the power cut (SECURITY.md T19). As the crash loop, with the
 * server's database behind the "powercut" VFS of test builds
 * (src/store/test_vfs.c): writes stay in the server's memory until fsync, so
 * SIGKILL loses exactly what a power cut would. With synchronous=FULL no
 * acknowledged filing may be lost over 20 rounds. Negative control: the same
 * run with synchronous=NORMAL must lose acknowledged filings; if it does not,
 * the shim is not doing its job and the first result proves nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/durability.h"

static const struct yzd_options full = {.suite = "power cut (synchronous=FULL)",
                                        .fault = YZD_POWER_CUT, .rounds = 20, .clients = 8,
                                        .min_ms = 50, .max_ms = 800};
static const struct yzd_options normal = {.suite = "power cut negative control (synchronous=NORMAL)",
                                          .fault = YZD_POWER_CUT, .rounds = 20, .clients = 8,
                                          .min_ms = 50, .max_ms = 800, .sync_normal = true};
static struct yzd_figures fig_full, fig_normal;
static bool ran_full, ran_normal;

static void full_loses_nothing(void **state)
{
    yzd_run(&full, &fig_full);
    ran_full = true;
    assert_int_equal(fig_full.rounds, full.rounds);
    assert_true(fig_full.acknowledged > 0);
    assert_int_equal(yzd_findings(&fig_full), 0);
}

static void normal_loses_acknowledged_filings(void **state)
{
    yzd_run(&normal, &fig_normal);
    ran_normal = true;
    assert_int_equal(fig_normal.rounds, normal.rounds);
    assert_true(fig_normal.lost > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_loses_nothing),
        cmocka_unit_test(normal_loses_acknowledged_filings),
    };
    int rc = cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
    if (ran_normal)
        yzd_print(&normal, &fig_normal);
    if (ran_full)
        yzd_print(&full, &fig_full);
    return rc;
}
