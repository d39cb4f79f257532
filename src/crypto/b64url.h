/*
 * base64url without padding (RFC 4648 section 5), encoding only: the text
 * libsodium's sodium_bin2base64(..., sodium_base64_VARIANT_URLSAFE_NO_PADDING)
 * gives, byte for byte (tests/unit/crypto/test_b64url.c holds it to that for
 * every length up to 300 and random inputs). libsodium's encoder is written
 * to run in constant time and costs about 40 instructions a character; the
 * sealed personal data of a bulk import (pii.c) is encoded here by table
 * lookups instead. Only for data that is not secret once encrypted: the
 * table lookup's timing depends on the bytes (ciphertext and nonces are
 * public; keys and clear text must not go through it).
 */
#ifndef YZ_CRYPTO_B64URL_H
#define YZ_CRYPTO_B64URL_H

#include <stddef.h>

/* Characters of the encoding of n bytes plus the NUL: sodium_base64_ENCODED_LEN
 * of the variant without padding. */
#define YZ_B64URL_SIZE(n) (((n) / 3) * 4 + ((n) % 3 ? (n) % 3 + 1 : 0) + 1)

/* Writes the encoding of in[0..n) and a NUL into out, which holds at least
 * YZ_B64URL_SIZE(n) bytes (a smaller size is a bug: YZ_BUG). Returns the
 * length written, without the NUL. */
size_t yz_b64url_encode(char *out, size_t size, const unsigned char *in, size_t n);

#endif
