/* Unit tests for src/crypto/token.c: tokens, their hashes, comparison, random hex. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "crypto/token.h"

#define N_TOKENS 2000

static int cmp_str(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void tokens_are_well_formed_and_unique(void **state)
{
    char(*toks)[YZ_TOKEN_SIZE] = calloc(N_TOKENS, sizeof *toks);
    for (int i = 0; i < N_TOKENS; i++) {
        memset(toks[i], 'x', YZ_TOKEN_SIZE);
        yz_token_new(toks[i]);
        assert_int_equal(strlen(toks[i]), 43);
        assert_int_equal(strspn(toks[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789-_"),
                         43);
    }
    qsort(toks, N_TOKENS, sizeof *toks, cmp_str);
    for (int i = 1; i < N_TOKENS; i++)
        assert_string_not_equal(toks[i - 1], toks[i]);
    free(toks);
}

static void hash_is_blake2b_256(void **state)
{
    char h[YZ_TOKEN_HASH_HEX], h2[YZ_TOKEN_HASH_HEX];
    /* BLAKE2b-256("abc"), as given by Python's hashlib.blake2b(digest_size=32). */
    assert_int_equal(yz_token_hash("abc", h), YZ_OK);
    assert_string_equal(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");

    char tok[YZ_TOKEN_SIZE];
    yz_token_new(tok);
    assert_int_equal(yz_token_hash(tok, h), YZ_OK);
    assert_int_equal(yz_token_hash(tok, h2), YZ_OK);
    assert_string_equal(h, h2);
    assert_null(strstr(h, tok));
    tok[0] = tok[0] == 'A' ? 'B' : 'A';
    assert_int_equal(yz_token_hash(tok, h2), YZ_OK);
    assert_string_not_equal(h, h2);
}

static void hash_bounds_input(void **state)
{
    char h[YZ_TOKEN_HASH_HEX];
    char big[YZ_TOKEN_MAX_INPUT + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(yz_token_hash(big, h), YZ_ERR_BAD_REQUEST);
    assert_string_equal(h, "");
    big[YZ_TOKEN_MAX_INPUT] = '\0';
    assert_int_equal(yz_token_hash(big, h), YZ_OK);
    assert_int_equal(yz_token_hash(NULL, h), YZ_ERR_BAD_REQUEST);
}

static void equal_compares_whole_values(void **state)
{
    char a[YZ_TOKEN_SIZE], b[YZ_TOKEN_SIZE];
    yz_token_new(a);
    memcpy(b, a, sizeof a);
    assert_true(yz_token_equal(a, b));
    b[42] = b[42] == 'A' ? 'B' : 'A';
    assert_false(yz_token_equal(a, b));
    assert_false(yz_token_equal("abc", "abcd")); /* a prefix is not equal */
    assert_false(yz_token_equal("abcd", "abc"));
    assert_true(yz_token_equal("", ""));
    assert_false(yz_token_equal("", "a"));
    assert_false(yz_token_equal(NULL, a));
    assert_false(yz_token_equal(a, NULL));
    assert_false(yz_token_equal(NULL, NULL));
    char big[YZ_TOKEN_MAX_INPUT + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_false(yz_token_equal(big, big));
}

static void random_hex(void **state)
{
    char a[33], b[33], wide[2 * YZ_RANDOM_HEX_MAX_BYTES + 1];
    yz_random_hex(16, a, sizeof a);
    yz_random_hex(16, b, sizeof b);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
    yz_random_hex(1, a, 3);
    assert_int_equal(strlen(a), 2);
    yz_random_hex(YZ_RANDOM_HEX_MAX_BYTES, wide, sizeof wide);
    assert_int_equal(strlen(wide), 2 * YZ_RANDOM_HEX_MAX_BYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokens_are_well_formed_and_unique),
        cmocka_unit_test(hash_is_blake2b_256),
        cmocka_unit_test(hash_bounds_input),
        cmocka_unit_test(equal_compares_whole_values),
        cmocka_unit_test(random_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
