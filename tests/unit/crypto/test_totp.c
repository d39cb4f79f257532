/* Unit tests for src/crypto/totp.c: RFC 6238 vectors, window, replay, URI. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/buf.h"
#include "crypto/totp.h"

/* RFC 4648 base32 without padding; written here so the test does not trust the
 * code under test (or liboath) for the conversion of the RFC's ASCII secret. */
static void base32(const unsigned char *in, size_t n, char *out, size_t outsize)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            assert_true(o + 1 < outsize);
            out[o++] = alpha[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = alpha[(acc << (5 - bits)) & 31];
    out[o] = '\0';
}

static char rfc_secret[YZ_TOTP_SECRET_SIZE];

static int setup(void **state)
{
    const char *ascii = "12345678901234567890";
    base32((const unsigned char *)ascii, strlen(ascii), rfc_secret, sizeof rfc_secret);
    return 0;
}

static void rfc6238_sha1_vectors(void **state)
{
    assert_string_equal(rfc_secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    /* RFC 6238 appendix B, SHA-1; the 8-digit values' last six digits. */
    static const struct {
        int64_t t;
        const char *code8;
    } v[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char code[YZ_TOTP_CODE_SIZE];
        assert_int_equal(yz_totp_code(rfc_secret, v[i].t, code), YZ_OK);
        assert_string_equal(code, v[i].code8 + 2);
    }
}

static void verify_accepts_once(void **state)
{
    int64_t last = 0;
    assert_int_equal(yz_totp_verify(rfc_secret, "287082", 59, &last), YZ_OK);
    assert_int_equal(last, 1); /* step 59 / 30 */
    /* The same code again, even a second later in the same step: replay. */
    assert_int_equal(yz_totp_verify(rfc_secret, "287082", 60, &last), YZ_ERR_LOGIN_FAILED);
    assert_int_equal(last, 1);

    last = 0;
    assert_int_equal(yz_totp_verify(rfc_secret, "050471", 1111111111, &last), YZ_OK);
    assert_int_equal(last, 1111111111 / 30);
    assert_int_equal(yz_totp_verify(rfc_secret, "050471", 1111111111, &last), YZ_ERR_LOGIN_FAILED);
}

static void verify_window_is_one_step_each_side(void **state)
{
    const int64_t t = 1234567890; /* step 41152263, 0 s into it */
    char c[5][YZ_TOTP_CODE_SIZE];
    for (int d = -2; d <= 2; d++)
        assert_int_equal(yz_totp_code(rfc_secret, t + d * 30, c[d + 2]), YZ_OK);
    assert_string_equal(c[2], "005924");

    for (int d = -2; d <= 2; d++) {
        int64_t last = 0;
        enum yz_err want = (d >= -1 && d <= 1) ? YZ_OK : YZ_ERR_LOGIN_FAILED;
        assert_int_equal(yz_totp_verify(rfc_secret, c[d + 2], t, &last), want);
        assert_int_equal(last, want == YZ_OK ? t / 30 + d : 0);
    }
}

static void verify_refuses_steps_not_after_the_last(void **state)
{
    const int64_t t = 2000000000;
    const int64_t step = t / 30;
    char prev[YZ_TOTP_CODE_SIZE], now[YZ_TOTP_CODE_SIZE], next[YZ_TOTP_CODE_SIZE];
    assert_int_equal(yz_totp_code(rfc_secret, t - 30, prev), YZ_OK);
    assert_int_equal(yz_totp_code(rfc_secret, t, now), YZ_OK);
    assert_int_equal(yz_totp_code(rfc_secret, t + 30, next), YZ_OK);

    /* A code from the next step (a fast phone clock) burns this one and the previous. */
    int64_t last = 0;
    assert_int_equal(yz_totp_verify(rfc_secret, next, t, &last), YZ_OK);
    assert_int_equal(last, step + 1);
    assert_int_equal(yz_totp_verify(rfc_secret, now, t, &last), YZ_ERR_LOGIN_FAILED);
    assert_int_equal(yz_totp_verify(rfc_secret, prev, t, &last), YZ_ERR_LOGIN_FAILED);
    assert_int_equal(last, step + 1);

    /* last_step == current step: only the next step's code is still usable. */
    last = step;
    assert_int_equal(yz_totp_verify(rfc_secret, now, t, &last), YZ_ERR_LOGIN_FAILED);
    assert_int_equal(yz_totp_verify(rfc_secret, next, t, &last), YZ_OK);
    assert_int_equal(last, step + 1);
}

static void verify_checks_code_format(void **state)
{
    int64_t last = 0;
    const char *bad[] = {"",        "28708",        "2870820", "28708a", " 87082",
                         "287082 ", "２８７０８２", "-28708",  "0x1234"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(yz_totp_verify(rfc_secret, bad[i], 59, &last), YZ_ERR_VALIDATION);
    assert_int_equal(yz_totp_verify(rfc_secret, NULL, 59, &last), YZ_ERR_VALIDATION);
    assert_int_equal(last, 0);
    assert_int_equal(yz_totp_verify(rfc_secret, "000000", 59, &last), YZ_ERR_LOGIN_FAILED);
}

static void malformed_secret_or_time(void **state)
{
    char code[YZ_TOTP_CODE_SIZE];
    int64_t last = 0;
    assert_int_equal(yz_totp_code("gezdgnbvgy3tqojqgezdgnbvgy3tqojq", 59, code), YZ_ERR_INTERNAL);
    assert_string_equal(code, "");
    assert_int_equal(yz_totp_code("GEZDGNBVGY3TQOJ1", 59, code), YZ_ERR_INTERNAL); /* '1' */
    assert_int_equal(yz_totp_code("GEZDGNBV", 59, code), YZ_ERR_INTERNAL);         /* too short */
    assert_int_equal(yz_totp_code("GEZDGNBVGY3TQOJQ====", 59, code), YZ_ERR_INTERNAL);
    assert_int_equal(yz_totp_code(NULL, 59, code), YZ_ERR_INTERNAL);
    assert_int_equal(yz_totp_code(rfc_secret, -1, code), YZ_ERR_INTERNAL);
    assert_int_equal(yz_totp_code(rfc_secret, YZ_TOTP_MAX_TIME + 1, code), YZ_ERR_INTERNAL);
    assert_int_equal(yz_totp_verify("not-a-secret", "287082", 59, &last), YZ_ERR_INTERNAL);
    assert_int_equal(yz_totp_verify(rfc_secret, "287082", -30, &last), YZ_ERR_INTERNAL);
    assert_int_equal(last, 0);
}

static void new_secrets(void **state)
{
    char a[YZ_TOTP_SECRET_SIZE], b[YZ_TOTP_SECRET_SIZE], code[YZ_TOTP_CODE_SIZE];
    yz_totp_secret_new(a);
    yz_totp_secret_new(b);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
    assert_string_not_equal(a, b);
    int64_t last = 0;
    assert_int_equal(yz_totp_code(a, 1700000000, code), YZ_OK);
    assert_int_equal(yz_totp_verify(a, code, 1700000000, &last), YZ_OK);
}

static void uri(void **state)
{
    struct yz_buf out = YZ_BUF_INIT(YZ_TOTP_URI_MAX);
    assert_int_equal(yz_totp_uri(rfc_secret, "张三@court", NULL, &out), YZ_OK);
    assert_string_equal(out.data, "otpauth://totp/yizhan:%E5%BC%A0%E4%B8%89%40court"
                                  "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=yizhan"
                                  "&algorithm=SHA1&digits=6&period=30");
    yz_buf_reset(&out);
    assert_int_equal(yz_totp_uri(rfc_secret, "a b:c/d?e&f=g", "渝中法院", &out), YZ_OK);
    assert_string_equal(out.data, "otpauth://totp/%E6%B8%9D%E4%B8%AD%E6%B3%95%E9%99%A2:"
                                  "a%20b%3Ac%2Fd%3Fe%26f%3Dg"
                                  "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                                  "&issuer=%E6%B8%9D%E4%B8%AD%E6%B3%95%E9%99%A2"
                                  "&algorithm=SHA1&digits=6&period=30");
    yz_buf_release(&out);

    /* Bad labels and secrets leave out untouched. */
    struct yz_buf small = YZ_BUF_INIT(40);
    assert_true(yz_buf_adds(&small, "keep"));
    assert_int_equal(yz_totp_uri(rfc_secret, "", NULL, &small), YZ_ERR_BAD_REQUEST);
    assert_int_equal(yz_totp_uri(rfc_secret, "a\nb", NULL, &small), YZ_ERR_BAD_REQUEST);
    assert_int_equal(yz_totp_uri(rfc_secret, "\xff", NULL, &small), YZ_ERR_BAD_REQUEST);
    assert_int_equal(yz_totp_uri(rfc_secret, "ok", "", &small), YZ_ERR_BAD_REQUEST);
    assert_int_equal(yz_totp_uri("bad", "ok", NULL, &small), YZ_ERR_INTERNAL);
    assert_int_equal(yz_totp_uri(rfc_secret, "ok", NULL, &small), YZ_ERR_INTERNAL); /* max 40 */
    assert_string_equal(small.data, "keep");
    char label[YZ_TOTP_LABEL_MAX + 2];
    memset(label, 'x', sizeof label - 1);
    label[sizeof label - 1] = '\0';
    assert_int_equal(yz_totp_uri(rfc_secret, label, NULL, &small), YZ_ERR_BAD_REQUEST);
    yz_buf_release(&small);

    /* The longest labels still fit in YZ_TOTP_URI_MAX. */
    char cjk[YZ_TOTP_LABEL_MAX + 1];
    for (int i = 0; i < YZ_TOTP_LABEL_MAX / 3; i++)
        memcpy(cjk + 3 * i, "\xe6\xb3\x95", 3);
    cjk[YZ_TOTP_LABEL_MAX / 3 * 3] = '\0';
    struct yz_buf big = YZ_BUF_INIT(YZ_TOTP_URI_MAX);
    assert_int_equal(yz_totp_uri(rfc_secret, cjk, cjk, &big), YZ_OK);
    yz_buf_release(&big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc6238_sha1_vectors),
        cmocka_unit_test(verify_accepts_once),
        cmocka_unit_test(verify_window_is_one_step_each_side),
        cmocka_unit_test(verify_refuses_steps_not_after_the_last),
        cmocka_unit_test(verify_checks_code_format),
        cmocka_unit_test(malformed_secret_or_time),
        cmocka_unit_test(new_secrets),
        cmocka_unit_test(uri),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
