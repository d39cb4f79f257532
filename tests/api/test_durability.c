/*
 * The fast subset of the durability proof (SECURITY.md T18, T26; the full
 * runs are tests/proof, `make proof`): concurrent clients file matters with
 * attachments and idempotency keys while the server is killed with SIGKILL a
 * few times; afterwards every acknowledged filing is present and
 * byte-identical, no key made two records, nothing unattempted exists, the
 * database is intact and the history verifies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/durability.h"

static void expect_clean(const struct yzd_options *o, const struct yzd_figures *f)
{
    yzd_print(o, f);
    assert_int_equal(f->rounds, o->rounds);
    assert_true(f->acknowledged > 0);
    assert_int_equal(yzd_findings(f), 0);
}

static void crash_loop(void **state)
{
    struct yzd_options o = {.suite = "crash loop (fast)", .fault = YZD_KILL, .rounds = 3,
                            .clients = 4, .min_ms = 150, .max_ms = 500};
    struct yzd_figures f;
    yzd_run(&o, &f);
    expect_clean(&o, &f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crash_loop),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
