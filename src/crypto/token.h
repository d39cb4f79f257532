/*
 * Session and API tokens, and random identifiers.
 *
 * A token is 32 bytes from the system CSPRNG (getrandom through libsodium:
 * 256 bits, ASVS 3.2.2 asks for >= 64), written as base64url without padding,
 * so it fits in a cookie or header untouched. The database stores only
 * yz_token_hash(token): someone reading the database or a backup cannot use
 * what they read. An unkeyed hash suffices because a 256-bit random token
 * cannot be found by guessing inputs.
 */
#ifndef YZ_CRYPTO_TOKEN_H
#define YZ_CRYPTO_TOKEN_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

#define YZ_TOKEN_SIZE 44       /* 43 base64url characters + NUL */
#define YZ_TOKEN_HASH_HEX 65   /* 64 hex digits + NUL */
#define YZ_TOKEN_MAX_INPUT 256 /* longest string yz_token_hash/yz_token_equal accept */
#define YZ_RANDOM_HEX_MAX_BYTES 64

/* A new random token in out (NUL-terminated, 43 characters of [A-Za-z0-9_-]). */
void yz_token_new(char out[YZ_TOKEN_SIZE]);

/* BLAKE2b-256 of the token's bytes, lower-case hex. YZ_ERR_BAD_REQUEST (out_hex
 * "") when token is NULL or longer than YZ_TOKEN_MAX_INPUT: it cannot be ours,
 * and callers should answer as for an unknown token. */
enum yz_err yz_token_hash(const char *token, char out_hex[YZ_TOKEN_HASH_HEX]);

/* Constant-time equality of two NUL-terminated secrets (tokens, CSRF values).
 * Both are hashed first, so neither the position of the first difference nor a
 * length difference shows in the timing. False when either is NULL or longer
 * than YZ_TOKEN_MAX_INPUT. */
bool yz_token_equal(const char *a, const char *b);

/* nbytes (1..YZ_RANDOM_HEX_MAX_BYTES) random bytes as lower-case hex in out,
 * for request ids and CSRF tokens. outsize must be at least 2*nbytes+1; sizes
 * are chosen by code, so a wrong one is a bug (aborts). */
void yz_random_hex(size_t nbytes, char *out, size_t outsize);

#endif
