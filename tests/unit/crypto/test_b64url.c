/* Unit tests for src/crypto/b64url.c: the same text as libsodium's encoder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "crypto/b64url.h"

#define B64V sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define MAXLEN 300

/* Ours and libsodium's text of in[0..n), compared, with the size macros. */
static void same_as_sodium(const unsigned char *in, size_t n)
{
    char ours[YZ_B64URL_SIZE(MAXLEN) + 8], theirs[sodium_base64_ENCODED_LEN(MAXLEN, B64V)];
    assert_int_equal(YZ_B64URL_SIZE(n), sodium_base64_ENCODED_LEN(n, B64V));
    memset(ours, '#', sizeof ours);
    sodium_bin2base64(theirs, sizeof theirs, in, n, B64V);
    /* Exactly the room it needs: no byte past it is written. */
    size_t len = yz_b64url_encode(ours, YZ_B64URL_SIZE(n), in, n);
    assert_int_equal(len, strlen(theirs));
    assert_string_equal(ours, theirs);
    assert_int_equal(ours[YZ_B64URL_SIZE(n)], '#');
}

static void every_length_and_byte_pattern(void **state)
{
    (void)state;
    assert_int_equal(sodium_init() >= 0, 1);
    unsigned char zeros[MAXLEN] = {0}, ones[MAXLEN], ramp[MAXLEN], rnd[MAXLEN];
    memset(ones, 0xff, sizeof ones);
    for (size_t i = 0; i < MAXLEN; i++)
        ramp[i] = (unsigned char)(i * 7 + 3);
    for (size_t n = 0; n <= MAXLEN; n++) {
        same_as_sodium(zeros, n);
        same_as_sodium(ones, n);
        same_as_sodium(ramp, n);
        randombytes_buf(rnd, n);
        same_as_sodium(rnd, n);
    }
}

static void random_inputs(void **state)
{
    (void)state;
    unsigned char in[MAXLEN];
    for (int k = 0; k < 20000; k++) {
        size_t n = randombytes_uniform(MAXLEN + 1);
        randombytes_buf(in, n);
        same_as_sodium(in, n);
    }
}

static void known_vectors(void **state)
{
    (void)state;
    /* RFC 4648 section 10, in the URL-safe alphabet without padding, and the
     * two characters that differ from base64's ("+/" -> "-_"). */
    static const struct {
        const char *in, *out;
    } v[] = {{"", ""},         {"f", "Zg"},         {"fo", "Zm8"},      {"foo", "Zm9v"},
             {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
             {"\xfb\xff", "-_8"}};
    char out[16];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t n = strlen(v[i].in);
        assert_int_equal(yz_b64url_encode(out, sizeof out, (const unsigned char *)v[i].in, n),
                         strlen(v[i].out));
        assert_string_equal(out, v[i].out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_length_and_byte_pattern),
        cmocka_unit_test(random_inputs),
        cmocka_unit_test(known_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
