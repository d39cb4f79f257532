/*
 * Sealing and lookup hashes for personal data (see pii.h for the format).
 * The version byte is part of the associated data, so it cannot be changed to
 * steer a future decoder; the context is too, so a value cannot move between
 * columns. Decrypted plaintext goes into memory that yz_pii_free() wipes.
 */
#include "crypto/pii.h"
#include "crypto/b64url.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define PII_VERSION 0x01
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define HEADER_BYTES (1 + NONCE_BYTES)
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define MAX_SEALED_BIN (HEADER_BYTES + YZ_PII_MAX_PLAIN + TAG_BYTES)
/* Longest well-formed input, not counting the NUL. */
#define MAX_SEALED_B64 (sodium_base64_ENCODED_LEN(MAX_SEALED_BIN, B64_VARIANT) - 1)

static bool context_ok(const char *context, size_t *len)
{
    if (!context)
        return false;
    *len = strnlen(context, YZ_PII_MAX_CONTEXT + 1);
    return *len > 0 && *len <= YZ_PII_MAX_CONTEXT;
}

/* Associated data: version || context. */
static size_t make_ad(unsigned char ad[1 + YZ_PII_MAX_CONTEXT], const char *context, size_t clen)
{
    ad[0] = PII_VERSION;
    memcpy(ad + 1, context, clen);
    return 1 + clen;
}

static void ensure_init(void)
{
    if (yz_crypto_init() != YZ_OK)
        YZ_BUG("libsodium failed to initialise");
}

/*
 * Nonces come from the kernel's CSPRNG in blocks of NONCE_BLOCK, one block
 * per thread, handed out in order: a getrandom(2) call for every seal was a
 * sixteenth of a bulk import's preparing. A nonce is public (it is stored
 * beside the ciphertext), so holding the next few in memory gives nothing
 * away; what matters is that none is used twice under the key. A child made
 * by fork() would copy the forking thread's block and hand out the same
 * nonces as its parent, so fork() empties that block in the child (the
 * other threads' blocks do not exist there).
 */
#define NONCE_BLOCK 32

static _Thread_local unsigned char nonce_pool[NONCE_BLOCK * NONCE_BYTES];
static _Thread_local size_t nonce_next = NONCE_BLOCK; /* the next unused; NONCE_BLOCK: none */
static pthread_once_t nonce_once = PTHREAD_ONCE_INIT;

static void nonce_forget(void)
{
    sodium_memzero(nonce_pool, sizeof nonce_pool);
    nonce_next = NONCE_BLOCK;
}

static void nonce_at_fork(void)
{
    if (pthread_atfork(NULL, NULL, nonce_forget) != 0)
        YZ_BUG("pthread_atfork failed");
}

static void next_nonce(unsigned char out[NONCE_BYTES])
{
    pthread_once(&nonce_once, nonce_at_fork);
    if (nonce_next == NONCE_BLOCK) {
        randombytes_buf(nonce_pool, sizeof nonce_pool);
        nonce_next = 0;
    }
    unsigned char *n = nonce_pool + nonce_next++ * NONCE_BYTES;
    memcpy(out, n, NONCE_BYTES);
    sodium_memzero(n, NONCE_BYTES); /* handed out once */
}

enum yz_err yz_pii_seal(const struct yz_keys *k, const char *plain, size_t n, const char *context,
                        char **out_b64)
{
    unsigned char ad[1 + YZ_PII_MAX_CONTEXT];
    size_t clen;
    *out_b64 = NULL;
    if (n > YZ_PII_MAX_PLAIN || !context_ok(context, &clen) || (n && memchr(plain, '\0', n)))
        return YZ_ERR_BAD_REQUEST;
    ensure_init();
    size_t adlen = make_ad(ad, context, clen);

    size_t binlen = HEADER_BYTES + n + TAG_BYTES;
    unsigned char *bin = yz_malloc(binlen);
    bin[0] = PII_VERSION;
    next_nonce(bin + 1);
    unsigned long long clen_out = 0;
    if (crypto_aead_xchacha20poly1305_ietf_encrypt(
            bin + HEADER_BYTES, &clen_out, (const unsigned char *)(n ? plain : ""), n, ad, adlen,
            NULL, bin + 1, yz_keys__pii_key(k)) != 0 ||
        clen_out != n + TAG_BYTES)
        YZ_BUG("xchacha20poly1305 encrypt failed");

    /* The same text as sodium_bin2base64 with B64_VARIANT (b64url.h): version,
     * nonce and ciphertext are public, so the table lookup's timing gives
     * nothing away, and libsodium's constant-time encoder was half of a seal. */
    size_t b64size = sodium_base64_ENCODED_LEN(binlen, B64_VARIANT);
    char *b64 = yz_malloc(b64size);
    yz_b64url_encode(b64, b64size, bin, binlen);
    free(bin);
    *out_b64 = b64;
    return YZ_OK;
}

enum yz_err yz_pii_open(const struct yz_keys *k, const char *b64, const char *context,
                        char **out_plain)
{
    unsigned char ad[1 + YZ_PII_MAX_CONTEXT];
    unsigned char *bin = NULL;
    char *plain = NULL;
    size_t clen, mlen_max = 0;
    enum yz_err rc = YZ_ERR_VERIFY_FAILED;
    *out_plain = NULL;
    if (!context_ok(context, &clen))
        return YZ_ERR_BAD_REQUEST;
    if (!b64)
        return YZ_ERR_VERIFY_FAILED;
    size_t b64len = strnlen(b64, MAX_SEALED_B64 + 1);
    if (b64len > MAX_SEALED_B64)
        return YZ_ERR_VERIFY_FAILED;
    ensure_init();

    bin = yz_malloc(MAX_SEALED_BIN);
    size_t binlen = 0;
    if (sodium_base642bin(bin, MAX_SEALED_BIN, b64, b64len, NULL, &binlen, NULL, B64_VARIANT) != 0)
        goto out;
    if (binlen < HEADER_BYTES + TAG_BYTES || bin[0] != PII_VERSION)
        goto out;
    size_t adlen = make_ad(ad, context, clen);
    mlen_max = binlen - HEADER_BYTES - TAG_BYTES;
    plain = yz_malloc(mlen_max + 1);
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain, &mlen, NULL,
                                                   bin + HEADER_BYTES, binlen - HEADER_BYTES, ad,
                                                   adlen, bin + 1, yz_keys__pii_key(k)) != 0)
        goto out;
    if (mlen != mlen_max)
        YZ_BUG("xchacha20poly1305 plaintext length %llu, expected %zu", mlen, mlen_max);
    plain[mlen] = '\0';
    *out_plain = plain;
    plain = NULL;
    rc = YZ_OK;
out:
    if (plain) {
        sodium_memzero(plain, mlen_max + 1);
        free(plain);
    }
    free(bin);
    return rc;
}

void yz_pii_free(char *plain)
{
    if (!plain)
        return;
    sodium_memzero(plain, strlen(plain));
    free(plain);
}

enum yz_err yz_pii_lookup(const struct yz_keys *k, const char *kind, const char *normalised_value,
                          char out_hex[YZ_PII_LOOKUP_HEX])
{
    size_t klen;
    out_hex[0] = '\0';
    if (!context_ok(kind, &klen) || !normalised_value)
        return YZ_ERR_BAD_REQUEST;
    size_t vlen = strnlen(normalised_value, YZ_PII_MAX_PLAIN + 1);
    if (vlen > YZ_PII_MAX_PLAIN)
        return YZ_ERR_BAD_REQUEST;
    ensure_init();

    crypto_generichash_state st;
    unsigned char h[32];
    static const unsigned char sep = 0x00;
    if (crypto_generichash_init(&st, yz_keys__lookup_key(k), YZ_KEY_BYTES, sizeof h) != 0 ||
        crypto_generichash_update(&st, (const unsigned char *)kind, klen) != 0 ||
        crypto_generichash_update(&st, &sep, 1) != 0 ||
        crypto_generichash_update(&st, (const unsigned char *)normalised_value, vlen) != 0 ||
        crypto_generichash_final(&st, h, sizeof h) != 0)
        YZ_BUG("keyed blake2b failed");
    sodium_memzero(&st, sizeof st);
    sodium_bin2hex(out_hex, YZ_PII_LOOKUP_HEX, h, sizeof h);
    return YZ_OK;
}
