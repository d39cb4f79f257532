/*
 * Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6
 * digits — what every authenticator app accepts) for staff second-factor
 * login, computed by liboath.
 *
 * A code is accepted for the current step and one step either side (clock
 * drift and typing time), and only for a step later than the last one accepted
 * for the account: the caller stores *last_step with the account, so a code
 * that was seen once (over a shoulder, in a proxy log) cannot be used again
 * (RFC 6238 section 5.2).
 *
 * Secrets are 20 random bytes (RFC 4226's recommended 160 bits), base32
 * (RFC 4648 alphabet, upper case) without padding: 32 characters. They are
 * as sensitive as passwords and must be stored sealed (pii.h, e.g. context
 * "users.totp_secret"), not in clear.
 */
#ifndef YZ_CRYPTO_TOTP_H
#define YZ_CRYPTO_TOTP_H

#include "core/buf.h"
#include "core/error.h"

#include <stdint.h>

#define YZ_TOTP_SECRET_SIZE 33                 /* 32 base32 characters + NUL */
#define YZ_TOTP_CODE_SIZE 7                    /* 6 digits + NUL */
#define YZ_TOTP_STEP 30                        /* seconds */
#define YZ_TOTP_MAX_TIME INT64_C(253402300799) /* 9999-12-31T23:59:59Z */
#define YZ_TOTP_LABEL_MAX 128                  /* bytes of an account label or issuer */
#define YZ_TOTP_URI_MAX 1536                   /* longest URI yz_totp_uri() builds */
#define YZ_TOTP_ISSUER "yizhan"

/* A new random secret in out. */
void yz_totp_secret_new(char out_b32[YZ_TOTP_SECRET_SIZE]);

/* The 6-digit code for the step containing unix_s (0..YZ_TOTP_MAX_TIME).
 * Accepts secrets of 16..64 base32 characters ([A-Z2-7], no padding).
 * YZ_ERR_INTERNAL (out "") for a malformed secret or a time out of range. */
enum yz_err yz_totp_code(const char *secret_b32, int64_t unix_s, char out[YZ_TOTP_CODE_SIZE]);

/* Checks code at time unix_s against steps t-1, t, t+1 (t = unix_s / 30),
 * skipping steps <= *last_step. *last_step must not be NULL: pass the value
 * stored for the account (0 when it never used a code). YZ_OK and *last_step
 * set to the matched step on success; YZ_ERR_VALIDATION when code is not
 * exactly 6 ASCII digits; YZ_ERR_LOGIN_FAILED when it is wrong, expired or
 * already used; YZ_ERR_INTERNAL for a malformed secret or time. *last_step is
 * changed only on success. */
enum yz_err yz_totp_verify(const char *secret_b32, const char *code, int64_t unix_s,
                           int64_t *last_step);

/* Appends to out the otpauth:// URI that authenticator apps read from a QR code:
 *   otpauth://totp/ISSUER:LABEL?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
 * with ISSUER and LABEL percent-encoded (RFC 3986 unreserved characters kept).
 * issuer NULL means YZ_TOTP_ISSUER. YZ_ERR_BAD_REQUEST when the label or issuer
 * is empty, over YZ_TOTP_LABEL_MAX bytes, not valid UTF-8 or has control
 * characters; YZ_ERR_INTERNAL for a malformed secret or when out's maximum
 * leaves no room (give it YZ_TOTP_URI_MAX). out is unchanged on failure. */
enum yz_err yz_totp_uri(const char *secret_b32, const char *account_label, const char *issuer,
                        struct yz_buf *out);

#endif
