/* Unit tests for src/crypto/keys.c: key files, their modes, loading and signatures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "crypto/keys.h"

static const char *const secret_names[] = {"pii.key", "lookup.key", "audit_ed25519.key"};

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[PATH_MAX];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static char *make_tmpdir(void)
{
    char tmpl[] = "/tmp/yz-keys-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void key_path(char *out, size_t size, const char *dir, const char *name)
{
    snprintf(out, size, "%s/keys/%s", dir, name);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode & 07777;
}

static off_t size_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_size;
}

static size_t read_all(const char *path, unsigned char *buf, size_t max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, max, f);
    fclose(f);
    return n;
}

static void write_all(const char *path, const unsigned char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
}

static void create_writes_files_with_modes(void **state)
{
    char *dir = make_tmpdir();
    struct yz_buf err = YZ_BUF_INIT(1024);
    char p[PATH_MAX];

    mode_t old = umask(077); /* a strict umask must not make the public key private */
    assert_int_equal(yz_keys_create(dir, &err), YZ_OK);
    umask(old);

    snprintf(p, sizeof p, "%s/keys", dir);
    assert_int_equal(mode_of(p), 0700);
    for (size_t i = 0; i < 3; i++) {
        key_path(p, sizeof p, dir, secret_names[i]);
        assert_int_equal(mode_of(p), 0600);
    }
    key_path(p, sizeof p, dir, "pii.key");
    assert_int_equal(size_of(p), 32);
    key_path(p, sizeof p, dir, "lookup.key");
    assert_int_equal(size_of(p), 32);
    key_path(p, sizeof p, dir, "audit_ed25519.key");
    assert_int_equal(size_of(p), 64);
    key_path(p, sizeof p, dir, "audit_ed25519.pub");
    assert_int_equal(size_of(p), 32);
    assert_int_equal(mode_of(p), 0644);

    /* The two symmetric keys are independent random values. */
    unsigned char a[64], b[64];
    key_path(p, sizeof p, dir, "pii.key");
    assert_int_equal(read_all(p, a, sizeof a), 32);
    key_path(p, sizeof p, dir, "lookup.key");
    assert_int_equal(read_all(p, b, sizeof b), 32);
    assert_memory_not_equal(a, b, 32);

    yz_buf_release(&err);
    rm_tree(dir);
    free(dir);
}

static void create_refuses_to_overwrite(void **state)
{
    char *dir = make_tmpdir();
    struct yz_buf err = YZ_BUF_INIT(1024);
    char p[PATH_MAX];
    unsigned char before[32], after[32];

    assert_int_equal(yz_keys_create(dir, &err), YZ_OK);
    key_path(p, sizeof p, dir, "pii.key");
    read_all(p, before, sizeof before);

    assert_int_equal(yz_keys_create(dir, &err), YZ_ERR_ALREADY_EXISTS);
    assert_non_null(strstr(err.data, "never overwritten"));
    read_all(p, after, sizeof after);
    assert_memory_equal(before, after, 32);

    /* One key file left over is enough to refuse, and nothing new is written. */
    for (size_t i = 0; i < 3; i++) {
        key_path(p, sizeof p, dir, secret_names[i]);
        assert_int_equal(unlink(p), 0);
    }
    yz_buf_reset(&err);
    assert_int_equal(yz_keys_create(dir, &err), YZ_ERR_ALREADY_EXISTS);
    key_path(p, sizeof p, dir, "pii.key");
    assert_int_not_equal(access(p, F_OK), 0);

    yz_buf_release(&err);
    rm_tree(dir);
    free(dir);
}

static void create_needs_existing_parent(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(1024);
    assert_int_equal(yz_keys_create("/tmp/yz-no-such-dir/deeper", &err), YZ_ERR_STORAGE_IO);
    assert_true(err.len > 0);
    yz_buf_release(&err);
}

static void load_and_sign(void **state)
{
    char *dir = make_tmpdir();
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_keys *k = NULL;
    char p[PATH_MAX];
    unsigned char pub_file[32], pub_read[32], sig[YZ_SIGN_BYTES];
    const char msg[] = "checkpoint 42: 9f86d081884c7d65";

    assert_int_equal(yz_keys_create(dir, &err), YZ_OK);
    assert_int_equal(yz_keys_load(dir, &k, &err), YZ_OK);
    assert_non_null(k);

    key_path(p, sizeof p, dir, "audit_ed25519.pub");
    assert_int_equal(read_all(p, pub_file, sizeof pub_file), 32);
    assert_memory_equal(yz_keys_audit_pub(k), pub_file, 32);
    assert_int_equal(yz_keys_read_pub(p, pub_read, &err), YZ_OK);
    assert_memory_equal(pub_read, pub_file, 32);

    yz_sign(k, msg, strlen(msg), sig);
    assert_true(yz_sign_verify(pub_read, msg, strlen(msg), sig));
    /* A changed message, signature or key does not verify. */
    char msg2[sizeof msg];
    memcpy(msg2, msg, sizeof msg);
    msg2[11] ^= 1;
    assert_false(yz_sign_verify(pub_read, msg2, strlen(msg2), sig));
    sig[5] ^= 0x40;
    assert_false(yz_sign_verify(pub_read, msg, strlen(msg), sig));
    sig[5] ^= 0x40;
    pub_read[0] ^= 1;
    assert_false(yz_sign_verify(pub_read, msg, strlen(msg), sig));
    /* Empty messages are signable too. */
    yz_sign(k, NULL, 0, sig);
    assert_true(yz_sign_verify(yz_keys_audit_pub(k), NULL, 0, sig));

    yz_keys_free(k);
    yz_keys_free(NULL);
    yz_buf_release(&err);
    rm_tree(dir);
    free(dir);
}

/* Each broken key directory must be refused with YZ_ERR_CONFIG and no handle. */
static void expect_load_refused(const char *dir, const char *detail)
{
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_keys *k = (struct yz_keys *)&err; /* must be reset to NULL */
    assert_int_equal(yz_keys_load(dir, &k, &err), YZ_ERR_CONFIG);
    assert_null(k);
    if (detail && !strstr(err.data, detail))
        fail_msg("error '%s' does not mention '%s'", err.data, detail);
    yz_buf_release(&err);
}

static void expect_load_ok(const char *dir)
{
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_keys *k = NULL;
    if (yz_keys_load(dir, &k, &err) != YZ_OK)
        fail_msg("load failed: %s", err.data);
    yz_keys_free(k);
    yz_buf_release(&err);
}

static void load_refuses_readable_secret_files(void **state)
{
    char *dir = make_tmpdir();
    struct yz_buf err = YZ_BUF_INIT(1024);
    char p[PATH_MAX];
    assert_int_equal(yz_keys_create(dir, &err), YZ_OK);
    expect_load_ok(dir);

    static const mode_t bad[] = {0644, 0640, 0604, 0620, 0602};
    for (size_t i = 0; i < 3; i++) {
        key_path(p, sizeof p, dir, secret_names[i]);
        for (size_t m = 0; m < sizeof bad / sizeof bad[0]; m++) {
            assert_int_equal(chmod(p, bad[m]), 0);
            expect_load_refused(dir, "0600");
        }
        assert_int_equal(chmod(p, 0600), 0);
        expect_load_ok(dir);
    }
    /* 0400 is fine: stricter than asked. */
    key_path(p, sizeof p, dir, "pii.key");
    assert_int_equal(chmod(p, 0400), 0);
    expect_load_ok(dir);

    yz_buf_release(&err);
    rm_tree(dir);
    free(dir);
}

static void load_refuses_wrong_sizes_and_links(void **state)
{
    char *dir = make_tmpdir();
    struct yz_buf err = YZ_BUF_INIT(1024);
    char p[PATH_MAX], moved[PATH_MAX];
    unsigned char buf[80];
    assert_int_equal(yz_keys_create(dir, &err), YZ_OK);

    key_path(p, sizeof p, dir, "lookup.key");
    assert_int_equal(read_all(p, buf, sizeof buf), 32);
    assert_int_equal(truncate(p, 31), 0);
    expect_load_refused(dir, "expected 32");
    buf[32] = 0xaa;
    write_all(p, buf, 33);
    expect_load_refused(dir, "expected 32");
    write_all(p, buf, 32);
    expect_load_ok(dir);

    /* A symlinked secret is refused (O_NOFOLLOW): it could point anywhere. */
    key_path(p, sizeof p, dir, "pii.key");
    snprintf(moved, sizeof moved, "%s/pii.key.elsewhere", dir);
    assert_int_equal(rename(p, moved), 0);
    assert_int_equal(symlink(moved, p), 0);
    expect_load_refused(dir, "pii.key");
    assert_int_equal(unlink(p), 0);
    expect_load_refused(dir, "pii.key"); /* missing */
    assert_int_equal(rename(moved, p), 0);
    expect_load_ok(dir);

    key_path(p, sizeof p, dir, "audit_ed25519.pub");
    assert_int_equal(truncate(p, 0), 0);
    expect_load_refused(dir, "expected 32");

    yz_buf_release(&err);
    rm_tree(dir);
    free(dir);
}

static void load_refuses_mismatched_signing_keys(void **state)
{
    char *dir = make_tmpdir(), *other = make_tmpdir();
    struct yz_buf err = YZ_BUF_INIT(1024);
    char p[PATH_MAX], q[PATH_MAX];
    unsigned char buf[64], orig[64];
    assert_int_equal(yz_keys_create(dir, &err), YZ_OK);
    assert_int_equal(yz_keys_create(other, &err), YZ_OK);

    /* Someone else's public key next to our secret key. */
    key_path(p, sizeof p, dir, "audit_ed25519.pub");
    key_path(q, sizeof q, other, "audit_ed25519.pub");
    read_all(p, orig, 32);
    read_all(q, buf, 32);
    write_all(p, buf, 32);
    expect_load_refused(dir, "key pair");
    write_all(p, orig, 32);
    expect_load_ok(dir);

    /* A secret key whose embedded public half was altered. */
    key_path(p, sizeof p, dir, "audit_ed25519.key");
    read_all(p, orig, 64);
    memcpy(buf, orig, 64);
    buf[40] ^= 1;
    write_all(p, buf, 64);
    expect_load_refused(dir, "key pair");
    write_all(p, orig, 64);
    expect_load_ok(dir);

    yz_buf_release(&err);
    rm_tree(dir);
    rm_tree(other);
    free(dir);
    free(other);
}

static void load_refuses_open_or_missing_directory(void **state)
{
    char *dir = make_tmpdir();
    struct yz_buf err = YZ_BUF_INIT(1024);
    char p[PATH_MAX];
    expect_load_refused(dir, "yizhan init"); /* nothing created yet */
    assert_int_equal(yz_keys_create(dir, &err), YZ_OK);
    snprintf(p, sizeof p, "%s/keys", dir);
    assert_int_equal(chmod(p, 0770), 0);
    expect_load_refused(dir, "writable");
    assert_int_equal(chmod(p, 0757), 0);
    expect_load_refused(dir, "writable");
    assert_int_equal(chmod(p, 0750), 0); /* readable by the group is the operator's choice */
    expect_load_ok(dir);

    yz_buf_release(&err);
    rm_tree(dir);
    free(dir);
}

static void read_pub_errors(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(1024);
    unsigned char pub[32];
    assert_int_equal(yz_keys_read_pub("/tmp/yz-no-such-file.pub", pub, &err), YZ_ERR_CONFIG);
    yz_buf_release(&err);
}

/* yz_keyfile_read: the loader of configured gateway keys (payments, SMS). */
static enum yz_err keyfile(const char *path, unsigned char *out, size_t *len, struct yz_buf *err)
{
    yz_buf_reset(err);
    return yz_keyfile_read(path, "x.key_file", 32, 64, out, len, err);
}

static void write_key(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    write_all(path, (const unsigned char *)text, strlen(text));
    assert_int_equal(chmod(path, mode), 0);
}

static void keyfile_read_rules(void **state)
{
    char *dir = make_tmpdir();
    char path[PATH_MAX], link_path[PATH_MAX];
    snprintf(path, sizeof path, "%s/gw.key", dir);
    snprintf(link_path, sizeof link_path, "%s/link.key", dir);
    const char *k32 = "0123456789abcdef0123456789abcdef";
    char k64[65], text[160];
    snprintf(k64, sizeof k64, "%s%s", k32, k32);
    struct yz_buf err = YZ_BUF_INIT(1024);
    unsigned char out[64];
    size_t len = 99;

    /* Trailing newlines (LF and CRLF) are stripped, the rest is the key. */
    snprintf(text, sizeof text, "%s\r\n\n", k32);
    write_key(path, text, 0600);
    assert_int_equal(keyfile(path, out, &len, &err), YZ_OK);
    assert_int_equal(len, 32);
    assert_memory_equal(out, k32, 32);

    /* A key of exactly max bytes, with and without an editor's newline. */
    write_key(path, k64, 0600);
    assert_int_equal(keyfile(path, out, &len, &err), YZ_OK);
    assert_int_equal(len, 64);
    snprintf(text, sizeof text, "%s\n", k64);
    write_key(path, text, 0400);
    assert_int_equal(keyfile(path, out, &len, &err), YZ_OK);
    assert_int_equal(len, 64);
    assert_memory_equal(out, k64, 64);

    /* Readable by group or others: refused, the message names the key. */
    write_key(path, k32, 0644);
    assert_int_equal(keyfile(path, out, &len, &err), YZ_ERR_CONFIG);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err.data, "x.key_file "));
    assert_non_null(strstr(err.data, "must be a regular file of mode 0600"));
    write_key(path, k32, 0640);
    assert_int_equal(keyfile(path, out, &len, &err), YZ_ERR_CONFIG);

    /* Too short (the newline does not count) and too long: refused, out wiped. */
    snprintf(text, sizeof text, "%.31s\n", k32);
    write_key(path, text, 0600);
    memset(out, 'z', sizeof out);
    assert_int_equal(keyfile(path, out, &len, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "the key must be 32 to 64 bytes"));
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0);
    snprintf(text, sizeof text, "%sX", k64);
    write_key(path, text, 0600);
    assert_int_equal(keyfile(path, out, &len, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "the key must be 32 to 64 bytes"));

    /* A symbolic link to a good key file is not followed. */
    write_key(path, k32, 0600);
    assert_int_equal(symlink(path, link_path), 0);
    assert_int_equal(keyfile(path, out, &len, &err), YZ_OK);
    assert_int_equal(keyfile(link_path, out, &len, &err), YZ_ERR_CONFIG);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err.data, "x.key_file"));

    /* Missing file and a directory. */
    assert_int_equal(keyfile("/tmp/yz-no-such-key-file", out, &len, &err), YZ_ERR_CONFIG);
    assert_int_equal(keyfile(dir, out, &len, &err), YZ_ERR_CONFIG);

    yz_buf_release(&err);
    rm_tree(dir);
    free(dir);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_writes_files_with_modes),
        cmocka_unit_test(create_refuses_to_overwrite),
        cmocka_unit_test(create_needs_existing_parent),
        cmocka_unit_test(load_and_sign),
        cmocka_unit_test(load_refuses_readable_secret_files),
        cmocka_unit_test(load_refuses_wrong_sizes_and_links),
        cmocka_unit_test(load_refuses_mismatched_signing_keys),
        cmocka_unit_test(load_refuses_open_or_missing_directory),
        cmocka_unit_test(read_pub_errors),
        cmocka_unit_test(keyfile_read_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
