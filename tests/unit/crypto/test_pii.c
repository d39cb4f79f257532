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
#include <pthread.h>
#include <sys/wait.h>
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

/* The nonce of a sealed value (bytes 1..24 of its decoded form). */
static void nonce_of(const char *sealed, unsigned char nonce[24])
{
    unsigned char bin[256];
    size_t n = 0;
    assert_int_equal(sodium_base642bin(bin, sizeof bin, sealed, strlen(sealed), NULL, &n, NULL, B64V),
                     0);
    assert_true(n > 25);
    memcpy(nonce, bin + 1, 24);
}

#define MANY_SEALS 200 /* several of pii.c's blocks of nonces */

struct nonces {
    const struct yz_keys *keys;
    unsigned char n[MANY_SEALS][24];
};

static void *seal_many(void *arg)
{
    struct nonces *ns = arg;
    for (int i = 0; i < MANY_SEALS; i++) {
        char *s = NULL;
        if (yz_pii_seal(ns->keys, "x", 1, "users.phone", &s) != YZ_OK)
            return NULL;
        nonce_of(s, ns->n[i]);
        free(s);
    }
    return ns;
}

static int cmp_nonce(const void *a, const void *b)
{
    return memcmp(a, b, 24);
}

/* Nonces are drawn in blocks per thread: none repeats, within a thread across
 * its blocks or between two threads sealing at once. */
static void nonces_never_repeat_across_blocks_and_threads(void **state)
{
    struct fixture *f = *state;
    struct nonces *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    a->keys = b->keys = f->keys[0];
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, seal_many, b), 0);
    assert_ptr_equal(seal_many(a), a);
    void *r;
    assert_int_equal(pthread_join(t, &r), 0);
    assert_ptr_equal(r, b);
    unsigned char(*all)[24] = calloc(2 * MANY_SEALS, 24);
    memcpy(all, a->n, sizeof a->n);
    memcpy(all + MANY_SEALS, b->n, sizeof b->n);
    qsort(all, 2 * MANY_SEALS, 24, cmp_nonce);
    for (int i = 1; i < 2 * MANY_SEALS; i++)
        assert_true(memcmp(all[i - 1], all[i], 24) != 0);
    free(all);
    free(a);
    free(b);
}

/* A child made by fork() in the middle of a block does not hand out the
 * parent's next nonces. */
static void fork_does_not_share_the_next_nonces(void **state)
{
    struct fixture *f = *state;
    char *s = NULL;
    assert_int_equal(yz_pii_seal(f->keys[0], "x", 1, "users.phone", &s), YZ_OK);
    free(s);
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        unsigned char n[24] = {0};
        char *c = NULL;
        if (yz_pii_seal(f->keys[0], "x", 1, "users.phone", &c) == YZ_OK)
            nonce_of(c, n);
        _exit(write(fd[1], n, sizeof n) == (ssize_t)sizeof n ? 0 : 1);
    }
    close(fd[1]);
    unsigned char child[24], parent[24];
    assert_int_equal(read(fd[0], child, sizeof child), (ssize_t)sizeof child);
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(yz_pii_seal(f->keys[0], "x", 1, "users.phone", &s), YZ_OK);
    nonce_of(s, parent);
    free(s);
    assert_true(memcmp(child, parent, 24) != 0);
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
        cmocka_unit_test(nonces_never_repeat_across_blocks_and_threads),
        cmocka_unit_test(fork_does_not_share_the_next_nonces),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
