/*
 * The server's long-lived keys and the audit signatures made with them.
 *
 * `yizhan init` creates DIR/keys/ (mode 0700) holding four files, written once
 * and never overwritten:
 *   pii.key            32 bytes, XChaCha20-Poly1305 key for personal data at rest (pii.h)
 *   lookup.key         32 bytes, BLAKE2b key for the lookup hashes of personal data (pii.h)
 *   audit_ed25519.key  64 bytes, Ed25519 secret key signing audit checkpoints
 *   audit_ed25519.pub  32 bytes, its public key, mode 0644: handed to third parties
 * Secret files are mode 0600. The loaded secrets live in one sodium_malloc'd
 * region (guard pages, mlock'd when the system allows, excluded from core
 * dumps) that is read-only after loading and wiped by yz_keys_free().
 * Key rotation is not implemented yet: pii.h's version byte leaves room for it.
 */
#ifndef YZ_CRYPTO_KEYS_H
#define YZ_CRYPTO_KEYS_H

#include "core/buf.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

#define YZ_KEYS_SUBDIR "keys"
#define YZ_KEY_BYTES 32         /* pii.key, lookup.key */
#define YZ_SIGN_PUB_BYTES 32    /* Ed25519 public key */
#define YZ_SIGN_SECRET_BYTES 64 /* Ed25519 secret key (libsodium layout: seed || public) */
#define YZ_SIGN_BYTES 64        /* Ed25519 detached signature */

struct yz_keys;

/* Initialises libsodium once per process. Idempotent and thread-safe; every
 * function of src/crypto calls it, so calling it at startup only moves the
 * cost. YZ_ERR_INTERNAL when libsodium cannot initialise. */
enum yz_err yz_crypto_init(void);

/* Creates DIR/keys/ (DIR must exist) and fresh keys in it. Refuses, with
 * YZ_ERR_ALREADY_EXISTS, when any of the four key files is already there: keys
 * are never overwritten (the data encrypted under them would be lost). Each file
 * is written with O_CREAT|O_EXCL and fsync'd, then the directory is fsync'd.
 * On failure the files this call created are removed again. YZ_ERR_STORAGE_IO
 * for file system failures; detail in err. */
enum yz_err yz_keys_create(const char *dir, struct yz_buf *err);

/* Loads DIR/keys/. Refuses (YZ_ERR_CONFIG, detail in err) a secret key file
 * that is not a regular file, has any group/other permission bit, or has the
 * wrong size; a keys directory writable by group/others; a public key that does
 * not belong to the secret key. On success *out is the caller's: yz_keys_free(). */
enum yz_err yz_keys_load(const char *dir, struct yz_keys **out, struct yz_buf *err);

/* Wipes and frees. NULL is harmless. */
void yz_keys_free(struct yz_keys *k);

/* The audit public key (YZ_SIGN_PUB_BYTES bytes, owned by k). */
const unsigned char *yz_keys_audit_pub(const struct yz_keys *k);

/* Reads a 32-byte public key file (e.g. DIR/keys/audit_ed25519.pub or a copy
 * handed to an auditor) into out. YZ_ERR_CONFIG when missing or of wrong size. */
enum yz_err yz_keys_read_pub(const char *path, unsigned char out[YZ_SIGN_PUB_BYTES],
                             struct yz_buf *err);

/* Reads a secret key file named by the configuration (e.g. the fee gateway's or
 * the SMS gateway's key). key_name is the configuration key ("payments.gateway_key_file"),
 * used to start every message in err. The file is opened without following a
 * symbolic link and must be a regular file with no group/other permission bit.
 * Trailing newlines ("\n", "\r") from an editor are not part of the key; the
 * remaining key must be min..max bytes (max <= 4096). On success out holds the
 * key (out has room for max bytes) and *len its length. On failure
 * YZ_ERR_CONFIG with detail in err, out wiped (max bytes) and *len 0. */
enum yz_err yz_keyfile_read(const char *path, const char *key_name, size_t min, size_t max,
                            unsigned char *out, size_t *len, struct yz_buf *err);

/* Ed25519 detached signature of msg with the audit key. */
void yz_sign(const struct yz_keys *k, const void *msg, size_t n, unsigned char sig[YZ_SIGN_BYTES]);
/* True when sig is a valid signature of msg under pub. */
bool yz_sign_verify(const unsigned char pub[YZ_SIGN_PUB_BYTES], const void *msg, size_t n,
                    const unsigned char sig[YZ_SIGN_BYTES]);

/*
 * For src/crypto only (pii.c): the raw secret keys, YZ_KEY_BYTES each, in
 * read-only memory owned by k. Other areas go through pii.h and never touch
 * key bytes.
 */
const unsigned char *yz_keys__pii_key(const struct yz_keys *k);
const unsigned char *yz_keys__lookup_key(const struct yz_keys *k);

#endif
