/* Unit tests for src/crypto/pii.c: sealing personal data and lookup hashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "crypto/keys.h"
#include "crypto/pii.h"

#define B64V sodium_base64_VARIANT_URLSAFE_NO_PADDING

struct fixture {
    char dir[2][64];
    struct yz_keys *keys[2]; /* two independent key sets */
};

static void rm_keys(const char *dir)
{
    static const char *const names[] = {"pii.key", "lookup.key", "audit_ed25519.key",
                                        "audit_ed25519.pub"};
    char p[PATH_MAX];
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/keys/%s", dir, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/keys", dir);
    rmdir(p);
    rmdir(dir);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct yz_buf err = YZ_BUF_INIT(1024);
    for (int i = 0; i < 2; i++) {
        snprintf(f->dir[i], sizeof f->dir[i], "/tmp/yz-pii-XXXXXX");
        if (!mkdtemp(f->dir[i]) || yz_keys_create(f->dir[i], &err) != YZ_OK ||
            yz_keys_load(f->dir[i], &f->keys[i], &err) != YZ_OK) {
            fprintf(stderr, "setup: %s\n", err.data);
            return -1;
        }
    }
    yz_buf_release(&err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 2; i++) {
        yz_keys_free(f->keys[i]);
        rm_keys(f->dir[i]);
    }
    free(f);
    return 0;
}

static void seal_open_round_trip(void **state)
{
    struct fixture *f = *state;
    const struct yz_keys *k = f->keys[0];
    const char *values[] = {"13812345678", "11010519491231002X", "", "重庆市渝中区解放碑 1 号"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char *sealed = NULL, *plain = NULL;
        assert_int_equal(yz_pii_seal(k, values[i], strlen(values[i]), "users.phone", &sealed),
                         YZ_OK);
        assert_non_null(sealed);
        /* base64url without padding, and no clear text in it */
        assert_int_equal(strspn(sealed, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789-_"),
                         strlen(sealed));
        if (values[i][0])
            assert_null(strstr(sealed, values[i]));
        assert_int_equal(yz_pii_open(k, sealed, "users.phone", &plain), YZ_OK);
        assert_string_equal(plain, values[i]);
        yz_pii_free(plain);
        free(sealed);
    }
}

static void seal_is_randomised_and_sized(void **state)
{
    struct fixture *f = *state;
    char *a = NULL, *b = NULL;
    assert_int_equal(yz_pii_seal(f->keys[0], "13812345678", 11, "users.phone", &a), YZ_OK);
    assert_int_equal(yz_pii_seal(f->keys[0], "13812345678", 11, "users.phone", &b), YZ_OK);
    assert_string_not_equal(a, b); /* fresh nonce each time */
    /* 1 version + 24 nonce + 11 text + 16 tag = 52 bytes -> 70 base64 characters */
    assert_int_equal(strlen(a), 70);
    assert_int_equal(a[0], 'A'); /* version byte 0x01 starts with six zero bits */
    free(a);
    free(b);
}

static void open_refuses_other_context_and_key(void **state)
{
    struct fixture *f = *state;
    char *sealed = NULL, *plain = (char *)"sentinel";
    assert_int_equal(
        yz_pii_seal(f->keys[0], "11010519491231002X", 18, "parties.citizen_id", &sealed), YZ_OK);
    assert_int_equal(yz_pii_open(f->keys[0], sealed, "users.citizen_id", &plain),
                     YZ_ERR_VERIFY_FAILED);
    assert_null(plain);
    assert_int_equal(yz_pii_open(f->keys[0], sealed, "parties.citizen_id:2", &plain),
                     YZ_ERR_VERIFY_FAILED);
    assert_int_equal(yz_pii_open(f->keys[1], sealed, "parties.citizen_id", &plain),
                     YZ_ERR_VERIFY_FAILED);
    assert_null(plain);
    assert_int_equal(yz_pii_open(f->keys[0], sealed, "parties.citizen_id", &plain), YZ_OK);
    assert_string_equal(plain, "11010519491231002X");
    yz_pii_free(plain);
    free(sealed);
}

static char *reencode(const unsigned char *bin, size_t n)
{
    size_t size = sodium_base64_ENCODED_LEN(n, B64V);
    char *out = malloc(size);
    sodium_bin2base64(out, size, bin, n, B64V);
    return out;
}

static void open_refuses_any_changed_byte(void **state)
{
    struct fixture *f = *state;
    const struct yz_keys *k = f->keys[0];
    char *sealed = NULL, *plain = NULL;
    unsigned char bin[256];
    size_t n = 0;
    assert_int_equal(yz_pii_seal(k, "13812345678", 11, "users.phone", &sealed), YZ_OK);
    assert_int_equal(
        sodium_base642bin(bin, sizeof bin, sealed, strlen(sealed), NULL, &n, NULL, B64V), 0);
    assert_int_equal(n, 52);

    /* Every byte, version, nonce, ciphertext and tag, is covered. */
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit += 7) {
            bin[i] ^= (unsigned char)(1u << bit);
            char *bad = reencode(bin, n);
            assert_int_equal(yz_pii_open(k, bad, "users.phone", &plain), YZ_ERR_VERIFY_FAILED);
            assert_null(plain);
            free(bad);
            bin[i] ^= (unsigned char)(1u << bit);
        }
    }
    /* Truncated, extended, or no ciphertext at all. */
    for (size_t len = 0; len < n; len += 5) {
        char *bad = reencode(bin, len);
        assert_int_equal(yz_pii_open(k, bad, "users.phone", &plain), YZ_ERR_VERIFY_FAILED);
        free(bad);
    }
    bin[n] = 0;
    char *longer = reencode(bin, n + 1);
    assert_int_equal(yz_pii_open(k, longer, "users.phone", &plain), YZ_ERR_VERIFY_FAILED);
    free(longer);

    char *unchanged = reencode(bin, n);
    assert_int_equal(yz_pii_open(k, unchanged, "users.phone", &plain), YZ_OK);
    assert_string_equal(plain, "13812345678");
    yz_pii_free(plain);
    free(unchanged);
    free(sealed);
}

static void open_refuses_malformed_text(void **state)
{
    struct fixture *f = *state;
    char *plain = NULL;
    const char *bad[] = {"", "not base64!", "AAAA====", "AQ", "+/+/+/+/+/+/+/+/+/+/+/+/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(yz_pii_open(f->keys[0], bad[i], "users.phone", &plain),
                         YZ_ERR_VERIFY_FAILED);
        assert_null(plain);
    }
    assert_int_equal(yz_pii_open(f->keys[0], NULL, "users.phone", &plain), YZ_ERR_VERIFY_FAILED);
    /* Longer than any sealed value can be: refused before decoding. */
    size_t huge = 4 * 1024;
    char *big = malloc(huge + 1);
    memset(big, 'A', huge);
    big[huge] = '\0';
    assert_int_equal(yz_pii_open(f->keys[0], big, "users.phone", &plain), YZ_ERR_VERIFY_FAILED);
    free(big);
    assert_int_equal(yz_pii_open(f->keys[0], "AQ", "", &plain), YZ_ERR_BAD_REQUEST);
}

static void seal_limits(void **state)
{
    struct fixture *f = *state;
    const struct yz_keys *k = f->keys[0];
    char *sealed = (char *)"sentinel", *plain = NULL;
    char big[YZ_PII_MAX_PLAIN + 1];
    memset(big, '7', sizeof big);

    assert_int_equal(yz_pii_seal(k, big, YZ_PII_MAX_PLAIN + 1, "users.phone", &sealed),
                     YZ_ERR_BAD_REQUEST);
    assert_null(sealed);
    assert_int_equal(yz_pii_seal(k, big, YZ_PII_MAX_PLAIN, "users.phone", &sealed), YZ_OK);
    assert_int_equal(yz_pii_open(k, sealed, "users.phone", &plain), YZ_OK);
    assert_int_equal(strlen(plain), YZ_PII_MAX_PLAIN);
    assert_memory_equal(plain, big, YZ_PII_MAX_PLAIN);
    yz_pii_free(plain);
    free(sealed);

    assert_int_equal(yz_pii_seal(k,
                                 "138\0"
                                 "5678",
                                 8, "users.phone", &sealed),
                     YZ_ERR_BAD_REQUEST);
    assert_int_equal(yz_pii_seal(k, "1", 1, "", &sealed), YZ_ERR_BAD_REQUEST);
    assert_int_equal(yz_pii_seal(k, "1", 1, NULL, &sealed), YZ_ERR_BAD_REQUEST);
    char ctx[YZ_PII_MAX_CONTEXT + 2];
    memset(ctx, 'c', sizeof ctx - 1);
    ctx[sizeof ctx - 1] = '\0';
    assert_int_equal(yz_pii_seal(k, "1", 1, ctx, &sealed), YZ_ERR_BAD_REQUEST);
    ctx[YZ_PII_MAX_CONTEXT] = '\0';
    assert_int_equal(yz_pii_seal(k, "1", 1, ctx, &sealed), YZ_OK);
    free(sealed);
    yz_pii_free(NULL);
}

static bool is_lower_hex64(const char *s)
{
    return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static void lookup_is_deterministic_keyed_and_kind_separated(void **state)
{
    struct fixture *f = *state;
    char a[YZ_PII_LOOKUP_HEX], b[YZ_PII_LOOKUP_HEX], c[YZ_PII_LOOKUP_HEX];

    assert_int_equal(yz_pii_lookup(f->keys[0], "phone", "13812345678", a), YZ_OK);
    assert_int_equal(yz_pii_lookup(f->keys[0], "phone", "13812345678", b), YZ_OK);
    assert_true(is_lower_hex64(a));
    assert_string_equal(a, b);

    assert_int_equal(yz_pii_lookup(f->keys[0], "phone", "13812345679", c), YZ_OK);
    assert_string_not_equal(a, c);
    /* Same digits, other kind. */
    assert_int_equal(yz_pii_lookup(f->keys[0], "citizen_id", "13812345678", c), YZ_OK);
    assert_string_not_equal(a, c);
    /* Other key: a stolen database cannot be matched against hashes made elsewhere. */
    assert_int_equal(yz_pii_lookup(f->keys[1], "phone", "13812345678", c), YZ_OK);
    assert_string_not_equal(a, c);
    /* Not the unkeyed hash of the same input. */
    unsigned char h[32];
    char hex[65];
    crypto_generichash(h, 32,
                       (const unsigned char *)"phone\0"
                                              "13812345678",
                       17, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, h, 32);
    assert_string_not_equal(a, hex);
    /* The separator keeps "ab"+"c" apart from "a"+"bc". */
    assert_int_equal(yz_pii_lookup(f->keys[0], "ab", "c", b), YZ_OK);
    assert_int_equal(yz_pii_lookup(f->keys[0], "a", "bc", c), YZ_OK);
    assert_string_not_equal(b, c);
}

static void lookup_limits(void **state)
{
    struct fixture *f = *state;
    char out[YZ_PII_LOOKUP_HEX];
    char big[YZ_PII_MAX_PLAIN + 2];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(yz_pii_lookup(f->keys[0], "phone", big, out), YZ_ERR_BAD_REQUEST);
    assert_string_equal(out, "");
    big[YZ_PII_MAX_PLAIN] = '\0';
    assert_int_equal(yz_pii_lookup(f->keys[0], "phone", big, out), YZ_OK);
    assert_int_equal(yz_pii_lookup(f->keys[0], "", "1", out), YZ_ERR_BAD_REQUEST);
    assert_int_equal(yz_pii_lookup(f->keys[0], "phone", NULL, out), YZ_ERR_BAD_REQUEST);
    assert_int_equal(yz_pii_lookup(f->keys[0], "phone", "", out), YZ_OK);
    assert_true(is_lower_hex64(out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seal_open_round_trip),
        cmocka_unit_test(seal_is_randomised_and_sized),
        cmocka_unit_test(open_refuses_other_context_and_key),
        cmocka_unit_test(open_refuses_any_changed_byte),
        cmocka_unit_test(open_refuses_malformed_text),
        cmocka_unit_test(seal_limits),
        cmocka_unit_test(lookup_is_deterministic_keyed_and_kind_separated),
        cmocka_unit_test(lookup_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
