/*
 * TOTP on liboath. liboath computes the HMAC codes; the window and the replay
 * rule are ours, because liboath's validators compare with strcmp (timing)
 * and report a window position rather than refusing used steps. All three
 * candidate steps are always computed and compared in constant time, so the
 * response time does not tell which step matched. Decoded secrets are wiped.
 */
#include "crypto/totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "crypto/keys.h"

#include "core/banned.h"

#define SECRET_RAW_BYTES 20
#define SECRET_MIN_CHARS 16
#define SECRET_MAX_CHARS 64
#define DIGITS 6

_Static_assert(sizeof(time_t) >= 8, "TOTP needs a 64-bit time_t");

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_init_rc = OATH_OK;

static void init_oath(void)
{
    oath_init_rc = oath_init();
}

static void ensure_init(void)
{
    pthread_once(&oath_once, init_oath);
    if (oath_init_rc != OATH_OK)
        YZ_BUG("oath_init: %s", oath_strerror(oath_init_rc));
    if (yz_crypto_init() != YZ_OK)
        YZ_BUG("libsodium failed to initialise");
}

void yz_totp_secret_new(char out_b32[YZ_TOTP_SECRET_SIZE])
{
    unsigned char raw[SECRET_RAW_BYTES];
    char *enc = NULL;
    size_t enclen = 0;
    ensure_init();
    randombytes_buf(raw, sizeof raw);
    int rc = oath_base32_encode((const char *)raw, sizeof raw, &enc, &enclen);
    sodium_memzero(raw, sizeof raw);
    /* 20 bytes are exactly 32 base32 characters: no padding to strip. */
    if (rc != OATH_OK || enclen != YZ_TOTP_SECRET_SIZE - 1)
        YZ_BUG("oath_base32_encode: %s", oath_strerror(rc));
    memcpy(out_b32, enc, enclen);
    out_b32[enclen] = '\0';
    sodium_memzero(enc, enclen);
    free(enc);
}

/* Decodes a secret into a malloc'd buffer the caller wipes and frees. */
static bool decode_secret(const char *b32, char **raw, size_t *rawlen)
{
    *raw = NULL;
    if (!b32)
        return false;
    size_t n = strnlen(b32, SECRET_MAX_CHARS + 1);
    if (n < SECRET_MIN_CHARS || n > SECRET_MAX_CHARS)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = b32[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
            return false;
    }
    if (oath_base32_decode(b32, n, raw, rawlen) != OATH_OK) {
        free(*raw);
        *raw = NULL;
        return false;
    }
    return true;
}

static void free_secret(char *raw, size_t rawlen)
{
    if (raw) {
        sodium_memzero(raw, rawlen);
        free(raw);
    }
}

static bool code_for_step(const char *raw, size_t rawlen, int64_t step, char out[DIGITS + 1])
{
    return oath_totp_generate(raw, rawlen, (time_t)(step * YZ_TOTP_STEP), YZ_TOTP_STEP,
                              OATH_TOTP_DEFAULT_START_TIME, DIGITS, out) == OATH_OK;
}

enum yz_err yz_totp_code(const char *secret_b32, int64_t unix_s, char out[YZ_TOTP_CODE_SIZE])
{
    char *raw = NULL;
    size_t rawlen = 0;
    enum yz_err rc = YZ_ERR_INTERNAL;
    out[0] = '\0';
    if (unix_s < 0 || unix_s > YZ_TOTP_MAX_TIME)
        return YZ_ERR_INTERNAL;
    ensure_init();
    if (!decode_secret(secret_b32, &raw, &rawlen))
        goto out;
    if (!code_for_step(raw, rawlen, unix_s / YZ_TOTP_STEP, out)) {
        out[0] = '\0';
        goto out;
    }
    rc = YZ_OK;
out:
    free_secret(raw, rawlen);
    return rc;
}

static bool six_digits(const char *code)
{
    if (!code || strnlen(code, DIGITS + 1) != DIGITS)
        return false;
    for (int i = 0; i < DIGITS; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return true;
}

enum yz_err yz_totp_verify(const char *secret_b32, const char *code, int64_t unix_s,
                           int64_t *last_step)
{
    char *raw = NULL;
    size_t rawlen = 0;
    enum yz_err rc = YZ_ERR_INTERNAL;
    if (!last_step)
        YZ_BUG("yz_totp_verify without replay state");
    if (!six_digits(code))
        return YZ_ERR_VALIDATION;
    if (unix_s < 0 || unix_s > YZ_TOTP_MAX_TIME)
        return YZ_ERR_INTERNAL;
    ensure_init();
    if (!decode_secret(secret_b32, &raw, &rawlen))
        goto out;

    int64_t now_step = unix_s / YZ_TOTP_STEP, matched = -1;
    for (int64_t step = now_step - 1; step <= now_step + 1; step++) {
        char expect[DIGITS + 1];
        if (step < 0)
            continue;
        if (!code_for_step(raw, rawlen, step, expect))
            goto out;
        bool eq = sodium_memcmp(expect, code, DIGITS) == 0;
        sodium_memzero(expect, sizeof expect);
        /* The earliest unused matching step: a later one would burn the next code. */
        if (eq && step > *last_step && matched < 0)
            matched = step;
    }
    if (matched < 0) {
        rc = YZ_ERR_LOGIN_FAILED;
        goto out;
    }
    *last_step = matched;
    rc = YZ_OK;
out:
    free_secret(raw, rawlen);
    return rc;
}

static bool label_ok(const char *s)
{
    if (!s)
        return false;
    size_t n = strnlen(s, YZ_TOTP_LABEL_MAX + 1);
    return n > 0 && n <= YZ_TOTP_LABEL_MAX && yz_utf8_valid(s, n) &&
           !yz_utf8_has_control(s, n, false);
}

static bool add_encoded(struct yz_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        bool ok = unreserved ? yz_buf_addc(b, (char)c)
                             : yz_buf_addc(b, '%') && yz_buf_addc(b, hex[c >> 4]) &&
                                   yz_buf_addc(b, hex[c & 15]);
        if (!ok)
            return false;
    }
    return true;
}

enum yz_err yz_totp_uri(const char *secret_b32, const char *account_label, const char *issuer,
                        struct yz_buf *out)
{
    struct yz_buf uri = YZ_BUF_INIT(YZ_TOTP_URI_MAX);
    char *raw = NULL;
    size_t rawlen = 0;
    enum yz_err rc = YZ_ERR_BAD_REQUEST;
    if (!issuer)
        issuer = YZ_TOTP_ISSUER;
    if (!label_ok(account_label) || !label_ok(issuer))
        goto out;
    rc = YZ_ERR_INTERNAL;
    ensure_init();
    if (!decode_secret(secret_b32, &raw, &rawlen))
        goto out;
    if (!yz_buf_adds(&uri, "otpauth://totp/") || !add_encoded(&uri, issuer) ||
        !yz_buf_addc(&uri, ':') || !add_encoded(&uri, account_label) ||
        !yz_buf_adds(&uri, "?secret=") || !yz_buf_adds(&uri, secret_b32) ||
        !yz_buf_adds(&uri, "&issuer=") || !add_encoded(&uri, issuer) ||
        !yz_buf_adds(&uri, "&algorithm=SHA1&digits=6&period=30"))
        YZ_BUG("TOTP URI longer than YZ_TOTP_URI_MAX");
    if (!yz_buf_add(out, uri.data, uri.len))
        goto out;
    rc = YZ_OK;
out:
    free_secret(raw, rawlen);
    if (uri.len)
        sodium_memzero(uri.data, uri.len); /* it holds the secret */
    yz_buf_release(&uri);
    return rc;
}
