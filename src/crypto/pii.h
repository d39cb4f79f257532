/*
 * Personal data at rest: citizen ID numbers and phone numbers are stored
 * sealed (encrypted and authenticated) and found through a keyed lookup hash,
 * so the database never holds them in clear (SECURITY.md: ASVS 6.1.1/8.3.7,
 * PIPL art. 51).
 *
 * Sealed form: base64url without padding of
 *     version (1 byte, 0x01) || nonce (24 random bytes) || XChaCha20-Poly1305 ciphertext+tag
 * with associated data = version || context. The context names the column
 * ("users.phone", "parties.citizen_id"), so a ciphertext copied into another
 * column does not open. It does not bind the row: a caller that needs that can
 * put the row key into the context (e.g. "parties.citizen_id:1234").
 * Random 24-byte nonces are safe for any number of messages under one key.
 *
 * Lookup hash: keyed BLAKE2b-256 (lookup.key, separate from pii.key) over
 * kind || 0x00 || value, lower-case hex. Deterministic, so the database can
 * index it; keyed, so a stolen database cannot be searched by hashing all
 * phone numbers; kind-separated, so a phone and an ID with the same digits
 * give different hashes. Callers normalise the value first (e.g. ID number
 * with an upper-case X, phone as 11 digits without +86).
 */
#ifndef YZ_CRYPTO_PII_H
#define YZ_CRYPTO_PII_H

#include "core/error.h"
#include "crypto/keys.h"

#include <stddef.h>

#define YZ_PII_MAX_PLAIN 1024  /* bytes of clear text */
#define YZ_PII_MAX_CONTEXT 128 /* bytes of a context label or lookup kind */
#define YZ_PII_LOOKUP_HEX 65   /* 64 hex digits + NUL */

/* Seals plain[0..n) for the column named by context. *out_b64 is a new
 * NUL-terminated string, the caller's (free()). YZ_ERR_BAD_REQUEST when n is
 * over YZ_PII_MAX_PLAIN, plain holds a NUL byte, or context is empty or over
 * YZ_PII_MAX_CONTEXT; *out_b64 is then NULL. */
enum yz_err yz_pii_seal(const struct yz_keys *k, const char *plain, size_t n, const char *context,
                        char **out_b64);

/* Opens a value sealed for context. On success *out_plain is a new
 * NUL-terminated string, the caller's: release it with yz_pii_free(), which
 * wipes it. YZ_ERR_VERIFY_FAILED (and *out_plain NULL) when the text is not
 * well-formed, has an unknown version, was sealed for another context or
 * under another key, or was changed in any way; YZ_ERR_BAD_REQUEST when
 * context is empty or over YZ_PII_MAX_CONTEXT. */
enum yz_err yz_pii_open(const struct yz_keys *k, const char *b64, const char *context,
                        char **out_plain);

/* Wipes and frees a string from yz_pii_open(). NULL is harmless. */
void yz_pii_free(char *plain);

/* The lookup hash of value for kind ("phone", "citizen_id"). YZ_ERR_BAD_REQUEST
 * when kind is empty or over YZ_PII_MAX_CONTEXT or value is over YZ_PII_MAX_PLAIN
 * bytes; out_hex is then "". */
enum yz_err yz_pii_lookup(const struct yz_keys *k, const char *kind, const char *normalised_value,
                          char out_hex[YZ_PII_LOOKUP_HEX]);

#endif
