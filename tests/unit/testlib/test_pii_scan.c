/*
 * The personal-data scanner of the tests (tests/lib/pii.c), which every API
 * test runs over its server's log and test_pii over responses and exports.
 *
 * It once made api/test_pii fail at random: the log scan of that time took
 * any run of digits that began a token, so a request id (32 random hex
 * digits, in every access-log line) whose first eleven characters happened to
 * be digits starting 1[3-9] read as a mobile number (about 1 request id in
 * 2,500; a few hundred requests per test). A number counts only when it
 * stands alone now; these tests pin that down with the server's own request
 * id format, and check that real numbers are still found wherever they stand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/idnum.h"
#include "lib/pii.h"

/* An access-log line as src/http/server.c writes it, around a request id. */
static size_t access_line(const char *request_id, char *out, size_t size)
{
    return (size_t)snprintf(out, size,
                            "{\"ts\":\"2026-11-29T23:43:26.702Z\",\"type\":\"access\","
                            "\"request_id\":\"%s\",\"method\":\"GET\",\"route\":\"matters.get\","
                            "\"status\":200,\"duration_us\":1384,\"bytes\":356,\"user\":7,"
                            "\"completed\":true}",
                            request_id);
}

static void request_ids_that_begin_with_a_mobile_number_are_not_one(void **state)
{
    static const char *const ids[] = {
        "13812345678abcdef0123456789abcde", /* a mobile number, then hex letters */
        "1391234567800000000000000000000a", /* 31 digits, then a letter */
        "11010519491231002a0123456789abcd", /* a valid citizen ID, then hex */
        "abcdef0123456789ab13912345678cde", /* inside the id */
        "0123456789abcdef0123413912345678", /* at its end, after a digit */
    };
    char line[512], found[32];
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        size_t n = access_line(ids[i], line, sizeof line);
        if (yzt_find_pii(line, n, found, sizeof found))
            fail_msg("request id %s read as personal data %s", ids[i], found);
    }
}

/* The server's request ids: 16 random bytes as 32 lower-case hex digits. */
static void random_request_ids_never_match(void **state)
{
    assert_true(sodium_init() >= 0);
    char line[512], found[32], id[33];
    long risky = 0; /* ids whose first 11 characters form a mobile number */
    for (int k = 0; k < 200000; k++) {
        unsigned char rnd[16];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
        risky += yz_idnum_mobile_check(id, 11) == YZ_IDNUM_OK;
        size_t n = access_line(id, line, sizeof line);
        if (yzt_find_pii(line, n, found, sizeof found))
            fail_msg("request id %s read as personal data %s", id, found);
    }
    /* The sweep met the case that made the old scan fail (about 80 expected). */
    assert_true(risky > 0);
}

static void real_numbers_are_found_wherever_they_stand(void **state)
{
    static const char *const hits[] = {
        "13912345678",
        "{\"msg\":\"sms to 13912345678 failed\"}",
        "{\"phone\":\"13912345678\"}",
        "\"user\":13912345678}",
        "电话13912345678，请回电",
        "身份证号11010519491231002X。",
        "id=11010519491231002x&x=1",
    };
    char found[32];
    for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++)
        if (!yzt_find_pii(hits[i], strlen(hits[i]), found, sizeof found))
            fail_msg("missed the number in %s", hits[i]);
    static const char *const misses[] = {
        "138****5678", "110***********002X", "12912345678", "139123456789",
        "\"duration_us\":1391234567", "port 13912", "a13912345678", "13912345678b",
        "110105194912310022", /* wrong check character */
    };
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++)
        if (yzt_find_pii(misses[i], strlen(misses[i]), found, sizeof found))
            fail_msg("%s read as personal data %s", misses[i], found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_ids_that_begin_with_a_mobile_number_are_not_one),
        cmocka_unit_test(random_request_ids_never_match),
        cmocka_unit_test(real_numbers_are_found_wherever_they_stand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
