/*
 * Passwords: storage with Argon2id (ASVS 2.4.1) and the policy a new password
 * must meet (ASVS 2.1.1, 2.1.2, 2.1.7).
 *
 * Hashes are libsodium's self-describing strings
 * ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), so the cost can be raised
 * later: yz_password_needs_rehash() tells the login path to store a new hash
 * after a successful verification.
 *
 * Policy: valid UTF-8 without control characters; 12 to 128 characters
 * (code points, no truncation, no composition rules); not containing the
 * account's phone number; not one character or one short group repeated
 * ("aaaaaaaaaaaa", "abcabcabcabc"); not in the local list of common and
 * breached passwords (data/common-passwords.txt), compared ignoring ASCII
 * case. The list is loaded once at startup into a process-global sorted array.
 * Unicode normalisation (NFKC) is not applied: we have no Unicode library, and
 * the same bytes always verify.
 */
#ifndef YZ_CRYPTO_PASSWORD_H
#define YZ_CRYPTO_PASSWORD_H

#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"

#include <stdbool.h>
#include <stddef.h>

#define YZ_PASSWORD_HASH_SIZE 128 /* = crypto_pwhash_STRBYTES, NUL included */
#define YZ_PASSWORD_MIN_CHARS 12
#define YZ_PASSWORD_MAX_CHARS 128
#define YZ_PASSWORD_MAX_BYTES 512 /* 128 code points of at most 4 bytes */
#define YZ_PASSWORD_LIST_MAX_ENTRIES 200000
#define YZ_PASSWORD_MAX_CONCURRENT 2 /* hashes at once, each holding its memory cost */
#define YZ_PASSWORD_LIST_MAX_LINE 256

/* Hashes pw[0..n) with Argon2id and a random salt into out (NUL-terminated).
 * YZ_ERR_BAD_REQUEST when n > YZ_PASSWORD_MAX_BYTES; YZ_ERR_INTERNAL when the
 * memory for the hash cannot be had. */
enum yz_err yz_password_hash(const char *pw, size_t n, char out[YZ_PASSWORD_HASH_SIZE]);

/* True when pw[0..n) matches hash. False for a malformed hash or an oversized
 * password. Takes as long as the hash's cost, which is the point. */
bool yz_password_verify(const char *hash, const char *pw, size_t n);

/* The most hashes (yz_password_hash and yz_password_verify together) that
 * have run at the same time since start; never above YZ_PASSWORD_MAX_CONCURRENT. */
int yz_password_peak_concurrency(void);

/* True when hash is not Argon2id at the current cost (or is malformed): the
 * caller should store a new hash of the password it has just verified. */
bool yz_password_needs_rehash(const char *hash);

/* Lowers the cost to libsodium's minimum so that sanitizer-built test suites
 * stay fast. Tests only: production never calls it. Call before any thread
 * hashes a password. */
void yz_password_set_cost_for_tests(void);

/* Checks a new password against the policy above. Rules are checked in this
 * order (input over YZ_PASSWORD_MAX_BYTES is too_long before anything else)
 * and only the first one broken is reported: one entry for `field` in fe
 * with code invalid_utf8 | control_character | too_short | too_long |
 * contains_phone | repeated | common_password and a Chinese message, and the
 * return value YZ_ERR_VALIDATION. phone_or_null is the account's phone number in any
 * common notation (digits are extracted; "+86" is dropped). YZ_ERR_INTERNAL
 * when the common-password list was never loaded: the check fails closed. */
enum yz_err yz_password_check(const char *pw, size_t n, const char *phone_or_null,
                              struct yz_field_errors *fe, const char *field);

/* Loads the common-password list (one per line; '#' starts a comment line;
 * blank lines ignored; at most YZ_PASSWORD_LIST_MAX_ENTRIES entries of at
 * most YZ_PASSWORD_LIST_MAX_LINE bytes, valid UTF-8). Replaces a list loaded
 * before. Call at startup, before threads check passwords. YZ_ERR_CONFIG with
 * the file and line in err when the file is missing or malformed; the list
 * loaded before (if any) is then kept. */
enum yz_err yz_password_list_load(const char *path, struct yz_buf *err);

/* Number of distinct entries loaded (0 when none). */
size_t yz_password_list_count(void);

/* Frees the list. Harmless when none is loaded. */
void yz_password_list_free(void);

#endif
