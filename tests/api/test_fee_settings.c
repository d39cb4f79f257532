/*
 * The province's fee figures are configuration (办法 art. 13, last paragraph:
 * provinces may narrow the ranges of 13(2), 13(3), 13(6)): unset, the quote is
 * the national range; set, it is the figure; a figure outside the national
 * range stops the server from starting, naming the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void quote(struct yz_test_server *s, const char *query, struct yzt_response *r)
{
    struct yzt_client c = {.srv = s};
    char path[160];
    snprintf(path, sizeof path, "/api/v1/fees/quote?%s", query);
    yzt_request(&c, "GET", path, NULL, NULL, r);
    yzt_assert_status(r, 200);
}

/* RULE: fee-local-ranges */
static void unset_figures_quote_the_national_range(void **state)
{
    struct yz_test_server s = {0};
    yzt_server_start(&s, false, NULL);
    struct yzt_response r = {0};
    quote(&s, "kind=divorce", &r);
    assert_true(yzt_json_bool(&r, "range"));
    assert_int_equal(yzt_json_int(&r, "min_fen"), 5000);
    assert_int_equal(yzt_json_int(&r, "max_fen"), 30000);
    yzt_response_free(&r);
    yzt_server_stop(&s);
}

static void configured_figures_are_quoted(void **state)
{
    struct yz_test_server s = {0};
    const char *const set[] = {"fees.divorce_fen=20000", "fees.other_non_property_fen=6000-8000",
                               NULL};
    yzt_server_start(&s, false, set);
    struct yzt_response r = {0};
    quote(&s, "kind=divorce", &r);
    assert_false(yzt_json_bool(&r, "range"));
    assert_int_equal(yzt_json_int(&r, "fee_fen"), 20000);
    quote(&s, "kind=other_non_property", &r);
    assert_true(yzt_json_bool(&r, "range"));
    assert_int_equal(yzt_json_int(&r, "min_fen"), 6000);
    assert_int_equal(yzt_json_int(&r, "max_fen"), 8000);
    yzt_response_free(&r);
    yzt_server_stop(&s);
}

static void figures_outside_the_national_range_are_refused(void **state)
{
    char dir[] = "/tmp/yz-fees-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[8192]; /* init logs each migration before the error */
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    const char *const bad[] = {"fees.divorce_fen=40000", "fees.divorce_fen=abc",
                               "fees.personality_rights_fen=20000-10000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char sub[64];
        snprintf(sub, sizeof sub, "%s/%zu", dir, i);
        const char *const args[] = {"init", "--dir", sub, "--data", data, "--set", bad[i], NULL};
        int rc = yzt_run_cli(args, out, sizeof out);
        if (rc != 2)
            print_error("%s: exit %d: %s\n", bad[i], rc, out);
        assert_int_equal(rc, 2);
        assert_non_null(strstr(out, "fees."));
    }
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unset_figures_quote_the_national_range),
        cmocka_unit_test(configured_figures_are_quoted),
        cmocka_unit_test(figures_outside_the_national_range_are_refused),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
