/*
 * Tokens: random bytes out, hashes in. Comparison goes through fixed-size
 * hashes so that sodium_memcmp always compares 32 bytes whatever the inputs'
 * lengths are.
 */
#include "crypto/token.h"

#include <sodium.h>
#include <string.h>

#include "crypto/keys.h"

#include "core/banned.h"

#define TOKEN_RAW_BYTES 32
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(sodium_base64_ENCODED_LEN(TOKEN_RAW_BYTES, B64_VARIANT) == YZ_TOKEN_SIZE,
               "token size");

static void ensure_init(void)
{
    if (yz_crypto_init() != YZ_OK)
        YZ_BUG("libsodium failed to initialise");
}

void yz_token_new(char out[YZ_TOKEN_SIZE])
{
    unsigned char raw[TOKEN_RAW_BYTES];
    ensure_init();
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, YZ_TOKEN_SIZE, raw, sizeof raw, B64_VARIANT);
    sodium_memzero(raw, sizeof raw);
}

/* False when s is NULL or too long. */
static bool hash32(const char *s, unsigned char h[32])
{
    if (!s)
        return false;
    size_t n = strnlen(s, YZ_TOKEN_MAX_INPUT + 1);
    if (n > YZ_TOKEN_MAX_INPUT)
        return false;
    ensure_init();
    if (crypto_generichash(h, 32, (const unsigned char *)s, n, NULL, 0) != 0)
        YZ_BUG("blake2b failed");
    return true;
}

enum yz_err yz_token_hash(const char *token, char out_hex[YZ_TOKEN_HASH_HEX])
{
    unsigned char h[32];
    out_hex[0] = '\0';
    if (!hash32(token, h))
        return YZ_ERR_BAD_REQUEST;
    sodium_bin2hex(out_hex, YZ_TOKEN_HASH_HEX, h, sizeof h);
    return YZ_OK;
}

bool yz_token_equal(const char *a, const char *b)
{
    unsigned char ha[32], hb[32];
    bool ok_a = hash32(a, ha), ok_b = hash32(b, hb);
    if (!ok_a || !ok_b)
        return false;
    return sodium_memcmp(ha, hb, sizeof ha) == 0;
}

void yz_random_hex(size_t nbytes, char *out, size_t outsize)
{
    unsigned char raw[YZ_RANDOM_HEX_MAX_BYTES];
    if (nbytes == 0 || nbytes > YZ_RANDOM_HEX_MAX_BYTES || outsize < 2 * nbytes + 1)
        YZ_BUG("yz_random_hex(%zu bytes) into %zu", nbytes, outsize);
    ensure_init();
    randombytes_buf(raw, nbytes);
    sodium_bin2hex(out, outsize, raw, nbytes);
    sodium_memzero(raw, sizeof raw);
}
