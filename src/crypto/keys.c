/*
 * Key files and the key handle. Creation never overwrites: each file is opened
 * with O_CREAT|O_EXCL after a pre-check, so an accidental second `yizhan init`
 * cannot destroy the keys that existing ciphertexts depend on. Loading is
 * strict about modes and sizes because a key file that others can read is a
 * key that others have. The Ed25519 secret key is checked against its own seed
 * and against the .pub file, so a corrupted or swapped file is caught at
 * startup rather than when an auditor's verification fails.
 */
#include "crypto/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/banned.h"

#define PII_OFF 0
#define LOOKUP_OFF (PII_OFF + YZ_KEY_BYTES)
#define SIGN_OFF (LOOKUP_OFF + YZ_KEY_BYTES)
#define SECRET_TOTAL (SIGN_OFF + YZ_SIGN_SECRET_BYTES)

_Static_assert(YZ_SIGN_PUB_BYTES == crypto_sign_PUBLICKEYBYTES, "ed25519 public key size");
_Static_assert(YZ_SIGN_SECRET_BYTES == crypto_sign_SECRETKEYBYTES, "ed25519 secret key size");
_Static_assert(YZ_SIGN_BYTES == crypto_sign_BYTES, "ed25519 signature size");
_Static_assert(YZ_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "pii key size");
_Static_assert(YZ_KEY_BYTES <= crypto_generichash_KEYBYTES_MAX, "lookup key size");

struct yz_keys {
    unsigned char *secret; /* sodium_malloc'd, read-only after load: pii | lookup | ed25519 sk */
    unsigned char pub[YZ_SIGN_PUB_BYTES];
};

static const struct key_file {
    const char *name;
    size_t off; /* into the secret region; SIZE_MAX for the public key */
    size_t size;
    mode_t mode;
} key_files[] = {
    {"pii.key", PII_OFF, YZ_KEY_BYTES, 0600},
    {"lookup.key", LOOKUP_OFF, YZ_KEY_BYTES, 0600},
    {"audit_ed25519.key", SIGN_OFF, YZ_SIGN_SECRET_BYTES, 0600},
    {"audit_ed25519.pub", SIZE_MAX, YZ_SIGN_PUB_BYTES, 0644},
};
#define N_KEY_FILES (sizeof key_files / sizeof key_files[0])

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = -1;

static void init_sodium(void)
{
    init_rc = sodium_init() < 0 ? -1 : 0;
}

enum yz_err yz_crypto_init(void)
{
    pthread_once(&init_once, init_sodium);
    return init_rc == 0 ? YZ_OK : YZ_ERR_INTERNAL;
}

static unsigned char *secret_alloc(void)
{
    unsigned char *p = sodium_malloc(SECRET_TOTAL);
    if (!p)
        YZ_BUG("sodium_malloc(%d) failed", (int)SECRET_TOTAL);
    return p;
}

static bool join(char *out, size_t size, const char *a, const char *b, struct yz_buf *err)
{
    int w = snprintf(out, size, "%s/%s", a, b);
    if (w < 0 || (size_t)w >= size) {
        yz_buf_addf(err, "path too long: %s/%s", a, b);
        return false;
    }
    return true;
}

static bool fsync_path(const char *path, struct yz_buf *err)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        yz_buf_addf(err, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc != 0) {
        yz_buf_addf(err, "fsync %s: %s", path, strerror(saved));
        return false;
    }
    return true;
}

/* Reads exactly n bytes; false on error or early end of file. */
static bool read_exact(int fd, unsigned char *dst, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, dst + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Creates path with O_EXCL, writes data, fsyncs. Removes a file it created on failure. */
static enum yz_err write_key_file(const char *path, const unsigned char *data, size_t n,
                                  mode_t mode, struct yz_buf *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST) {
            yz_buf_addf(err, "%s already exists; keys are never overwritten", path);
            return YZ_ERR_ALREADY_EXISTS;
        }
        yz_buf_addf(err, "cannot create %s: %s", path, strerror(errno));
        return YZ_ERR_STORAGE_IO;
    }
    enum yz_err rc = YZ_ERR_STORAGE_IO;
    /* umask may have removed bits; the public key is meant to be world-readable. */
    if (fchmod(fd, mode) != 0) {
        yz_buf_addf(err, "chmod %s: %s", path, strerror(errno));
        goto out;
    }
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, data + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            yz_buf_addf(err, "write %s: %s", path, w < 0 ? strerror(errno) : "no progress");
            goto out;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0) {
        yz_buf_addf(err, "fsync %s: %s", path, strerror(errno));
        goto out;
    }
    rc = YZ_OK;
out:
    if (close(fd) != 0 && rc == YZ_OK) {
        yz_buf_addf(err, "close %s: %s", path, strerror(errno));
        rc = YZ_ERR_STORAGE_IO;
    }
    if (rc != YZ_OK)
        unlink(path);
    return rc;
}

static bool dir_too_open(const struct stat *st)
{
    return (st->st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

enum yz_err yz_keys_create(const char *dir, struct yz_buf *err)
{
    char keydir[PATH_MAX], paths[N_KEY_FILES][PATH_MAX];
    bool written[N_KEY_FILES] = {false};
    bool made_dir = false;
    unsigned char *secret = NULL;
    unsigned char pub[YZ_SIGN_PUB_BYTES];
    enum yz_err rc = yz_crypto_init();
    if (rc != YZ_OK) {
        yz_buf_adds(err, "libsodium failed to initialise");
        return rc;
    }
    if (!join(keydir, sizeof keydir, dir, YZ_KEYS_SUBDIR, err))
        return YZ_ERR_CONFIG;
    for (size_t i = 0; i < N_KEY_FILES; i++)
        if (!join(paths[i], sizeof paths[i], keydir, key_files[i].name, err))
            return YZ_ERR_CONFIG;

    if (mkdir(keydir, 0700) == 0) {
        made_dir = true;
        /* An odd umask (e.g. 0277) must not leave a directory we cannot write. */
        if (chmod(keydir, 0700) != 0) {
            yz_buf_addf(err, "chmod %s: %s", keydir, strerror(errno));
            rc = YZ_ERR_STORAGE_IO;
            goto out;
        }
        if (!fsync_path(dir, err)) {
            rc = YZ_ERR_STORAGE_IO;
            goto out;
        }
    } else if (errno == EEXIST) {
        struct stat st;
        if (lstat(keydir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            yz_buf_addf(err, "%s exists and is not a directory", keydir);
            return YZ_ERR_CONFIG;
        }
        if (dir_too_open(&st)) {
            yz_buf_addf(err, "%s is writable by group or others (mode %04o); expected 0700", keydir,
                        (unsigned)(st.st_mode & 07777));
            return YZ_ERR_CONFIG;
        }
    } else {
        yz_buf_addf(err, "cannot create %s: %s", keydir, strerror(errno));
        return YZ_ERR_STORAGE_IO;
    }

    /* Refuse before writing anything, so a refused init leaves no trace. */
    for (size_t i = 0; i < N_KEY_FILES; i++) {
        struct stat st;
        if (lstat(paths[i], &st) == 0 || errno != ENOENT) {
            yz_buf_addf(err, "%s already exists; keys are never overwritten", paths[i]);
            rc = YZ_ERR_ALREADY_EXISTS;
            goto out;
        }
    }

    secret = secret_alloc();
    randombytes_buf(secret + PII_OFF, YZ_KEY_BYTES);
    randombytes_buf(secret + LOOKUP_OFF, YZ_KEY_BYTES);
    if (crypto_sign_keypair(pub, secret + SIGN_OFF) != 0)
        YZ_BUG("crypto_sign_keypair failed");

    for (size_t i = 0; i < N_KEY_FILES; i++) {
        const struct key_file *f = &key_files[i];
        const unsigned char *data = f->off == SIZE_MAX ? pub : secret + f->off;
        rc = write_key_file(paths[i], data, f->size, f->mode, err);
        if (rc != YZ_OK)
            goto out;
        written[i] = true;
    }
    if (!fsync_path(keydir, err)) {
        rc = YZ_ERR_STORAGE_IO;
        goto out;
    }
    rc = YZ_OK;
out:
    if (rc != YZ_OK) {
        for (size_t i = 0; i < N_KEY_FILES; i++)
            if (written[i])
                unlink(paths[i]);
        if (made_dir)
            rmdir(keydir);
    }
    sodium_free(secret);
    return rc;
}

/* Opens a secret key file and reads exactly f->size bytes into dst. */
static enum yz_err read_secret_file(const char *path, const struct key_file *f, unsigned char *dst,
                                    struct yz_buf *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        yz_buf_addf(err, "cannot open %s: %s", path, strerror(errno));
        return YZ_ERR_CONFIG;
    }
    enum yz_err rc = YZ_ERR_CONFIG;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        yz_buf_addf(err, "stat %s: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        yz_buf_addf(err, "%s is not a regular file", path);
        goto out;
    }
    if ((st.st_mode & 077) != 0) {
        yz_buf_addf(err, "%s has mode %04o; a secret key must be 0600 (no group/other access)",
                    path, (unsigned)(st.st_mode & 07777));
        goto out;
    }
    if (st.st_size != (off_t)f->size) {
        yz_buf_addf(err, "%s has %lld bytes, expected %zu", path, (long long)st.st_size, f->size);
        goto out;
    }
    if (!read_exact(fd, dst, f->size)) {
        yz_buf_addf(err, "cannot read %s", path);
        goto out;
    }
    rc = YZ_OK;
out:
    close(fd);
    return rc;
}

enum yz_err yz_keys_read_pub(const char *path, unsigned char out[YZ_SIGN_PUB_BYTES],
                             struct yz_buf *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        yz_buf_addf(err, "cannot open %s: %s", path, strerror(errno));
        return YZ_ERR_CONFIG;
    }
    enum yz_err rc = YZ_ERR_CONFIG;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        yz_buf_addf(err, "%s is not a readable regular file", path);
        goto out;
    }
    if (st.st_size != YZ_SIGN_PUB_BYTES) {
        yz_buf_addf(err, "%s has %lld bytes, expected %d", path, (long long)st.st_size,
                    YZ_SIGN_PUB_BYTES);
        goto out;
    }
    if (!read_exact(fd, out, YZ_SIGN_PUB_BYTES)) {
        yz_buf_addf(err, "cannot read %s", path);
        goto out;
    }
    rc = YZ_OK;
out:
    close(fd);
    return rc;
}

/* Reads until EOF or n bytes; the count read, or -1 on error. */
static ssize_t read_upto(int fd, unsigned char *dst, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, dst + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static bool is_newline(unsigned char c)
{
    return c == '\n' || c == '\r';
}

/* The key is read into out (max bytes) and what follows into a small tail, so
 * that a key of exactly max bytes plus an editor's newline is accepted while a
 * longer key is refused rather than silently cut at max bytes. */
enum yz_err yz_keyfile_read(const char *path, const char *key_name, size_t min, size_t max,
                            unsigned char *out, size_t *len, struct yz_buf *err)
{
    if (max == 0 || max > 4096 || min > max)
        YZ_BUG("yz_keyfile_read: bounds %zu..%zu", min, max);
    *len = 0;
    enum yz_err rc = YZ_ERR_CONFIG;
    unsigned char tail[16];
    ssize_t n = 0, t = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        yz_buf_addf(err, "%s %s: %s", key_name, path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & 077)) {
        yz_buf_addf(err, "%s %s: must be a regular file of mode 0600", key_name, path);
        goto out;
    }
    n = read_upto(fd, out, max);
    if (n >= 0 && (size_t)n == max)
        t = read_upto(fd, tail, sizeof tail);
    if (n < 0 || t < 0) {
        yz_buf_addf(err, "%s %s: %s", key_name, path, strerror(errno));
        goto out;
    }
    bool too_long = (size_t)t == sizeof tail;
    for (ssize_t i = 0; i < t; i++)
        too_long |= !is_newline(tail[i]);
    while (!too_long && n > 0 && is_newline(out[n - 1]))
        n--;
    if (too_long || (size_t)n < min || (size_t)n > max) {
        yz_buf_addf(err, "%s %s: the key must be %zu to %zu bytes", key_name, path, min, max);
        goto out;
    }
    *len = (size_t)n;
    rc = YZ_OK;
out:
    if (fd >= 0)
        close(fd);
    sodium_memzero(tail, sizeof tail);
    if (rc != YZ_OK)
        sodium_memzero(out, max);
    return rc;
}

/* The secret key holds its seed and public key; both must agree with each other
 * and with the .pub file. */
static bool sign_key_consistent(const unsigned char *sk, const unsigned char *pub_file)
{
    unsigned char pk[YZ_SIGN_PUB_BYTES], sk2[YZ_SIGN_SECRET_BYTES];
    bool ok = crypto_sign_seed_keypair(pk, sk2, sk) == 0 &&
              sodium_memcmp(sk2, sk, sizeof sk2) == 0 &&
              sodium_memcmp(pk, pub_file, sizeof pk) == 0;
    sodium_memzero(sk2, sizeof sk2);
    return ok;
}

enum yz_err yz_keys_load(const char *dir, struct yz_keys **out, struct yz_buf *err)
{
    char keydir[PATH_MAX], path[PATH_MAX];
    struct yz_keys *k = NULL;
    enum yz_err rc = yz_crypto_init();
    *out = NULL;
    if (rc != YZ_OK) {
        yz_buf_adds(err, "libsodium failed to initialise");
        return rc;
    }
    if (!join(keydir, sizeof keydir, dir, YZ_KEYS_SUBDIR, err))
        return YZ_ERR_CONFIG;
    struct stat st;
    if (stat(keydir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        yz_buf_addf(err, "no key directory at %s (run `yizhan init`)", keydir);
        return YZ_ERR_CONFIG;
    }
    if (dir_too_open(&st)) {
        /* Whoever can write the directory can swap the keys. */
        yz_buf_addf(err, "%s is writable by group or others (mode %04o); expected 0700", keydir,
                    (unsigned)(st.st_mode & 07777));
        return YZ_ERR_CONFIG;
    }

    k = yz_calloc(1, sizeof *k);
    k->secret = secret_alloc();
    rc = YZ_ERR_CONFIG;
    for (size_t i = 0; i < N_KEY_FILES; i++) {
        const struct key_file *f = &key_files[i];
        if (!join(path, sizeof path, keydir, f->name, err))
            goto out;
        rc = f->off == SIZE_MAX ? yz_keys_read_pub(path, k->pub, err)
                                : read_secret_file(path, f, k->secret + f->off, err);
        if (rc != YZ_OK)
            goto out;
    }
    if (!sign_key_consistent(k->secret + SIGN_OFF, k->pub)) {
        yz_buf_addf(err, "%s/audit_ed25519.key and audit_ed25519.pub do not form a key pair",
                    keydir);
        rc = YZ_ERR_CONFIG;
        goto out;
    }
    if (sodium_mprotect_readonly(k->secret) != 0)
        YZ_BUG("sodium_mprotect_readonly failed");
    *out = k;
    k = NULL;
    rc = YZ_OK;
out:
    yz_keys_free(k);
    return rc;
}

void yz_keys_free(struct yz_keys *k)
{
    if (!k)
        return;
    sodium_free(k->secret); /* makes the region writable again, wipes it, unmaps it */
    sodium_memzero(k, sizeof *k);
    free(k);
}

const unsigned char *yz_keys_audit_pub(const struct yz_keys *k)
{
    return k->pub;
}

const unsigned char *yz_keys__pii_key(const struct yz_keys *k)
{
    return k->secret + PII_OFF;
}

const unsigned char *yz_keys__lookup_key(const struct yz_keys *k)
{
    return k->secret + LOOKUP_OFF;
}

void yz_sign(const struct yz_keys *k, const void *msg, size_t n, unsigned char sig[YZ_SIGN_BYTES])
{
    if (crypto_sign_detached(sig, NULL, n ? msg : (const void *)"", n, k->secret + SIGN_OFF) != 0)
        YZ_BUG("crypto_sign_detached failed");
}

bool yz_sign_verify(const unsigned char pub[YZ_SIGN_PUB_BYTES], const void *msg, size_t n,
                    const unsigned char sig[YZ_SIGN_BYTES])
{
    if (yz_crypto_init() != YZ_OK)
        return false;
    return crypto_sign_verify_detached(sig, n ? msg : (const void *)"", n, pub) == 0;
}
