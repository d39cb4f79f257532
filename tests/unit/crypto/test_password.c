/* Unit tests for src/crypto/password.c: Argon2id hashing, the policy, the list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fielderr.h"
#include "crypto/password.h"

static char list_path[PATH_MAX];

static int setup(void **state)
{
    const char *data = getenv("YZ_DATA");
    snprintf(list_path, sizeof list_path, "%s/common-passwords.txt", data ? data : "data");
    yz_password_set_cost_for_tests();
    struct yz_buf err = YZ_BUF_INIT(1024);
    enum yz_err rc = yz_password_list_load(list_path, &err);
    if (rc != YZ_OK)
        fprintf(stderr, "setup: %s\n", err.data);
    yz_buf_release(&err);
    return rc == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    yz_password_list_free();
    return 0;
}

static void hash_and_verify(void **state)
{
    const char *pw = "正确的马 battery staple";
    char h1[YZ_PASSWORD_HASH_SIZE], h2[YZ_PASSWORD_HASH_SIZE];
    assert_int_equal(yz_password_hash(pw, strlen(pw), h1), YZ_OK);
    assert_int_equal(strncmp(h1, "$argon2id$v=19$", 15), 0);
    assert_null(strstr(h1, "battery"));
    assert_true(yz_password_verify(h1, pw, strlen(pw)));
    assert_false(yz_password_verify(h1, pw, strlen(pw) - 1)); /* no truncation */
    assert_false(yz_password_verify(h1, "正确的马 battery stapl3", strlen(pw)));
    assert_false(yz_password_verify(h1, "", 0));
    /* Fresh salt every time. */
    assert_int_equal(yz_password_hash(pw, strlen(pw), h2), YZ_OK);
    assert_string_not_equal(h1, h2);
    assert_true(yz_password_verify(h2, pw, strlen(pw)));
    /* Bytes after a NUL count: lengths are explicit. */
    assert_int_equal(yz_password_hash("ab\0cd", 5, h2), YZ_OK);
    assert_true(yz_password_verify(h2, "ab\0cd", 5));
    assert_false(yz_password_verify(h2, "ab\0ce", 5));
    assert_false(yz_password_verify(h2, "ab", 2));
}

static void verify_refuses_malformed_hashes(void **state)
{
    const char *pw = "correct horse battery staple";
    char h[YZ_PASSWORD_HASH_SIZE];
    assert_int_equal(yz_password_hash(pw, strlen(pw), h), YZ_OK);
    assert_false(yz_password_verify(NULL, pw, strlen(pw)));
    assert_false(yz_password_verify("", pw, strlen(pw)));
    assert_false(yz_password_verify("plain text", pw, strlen(pw)));
    h[strlen(h) - 3] = '\0'; /* truncated hash */
    assert_false(yz_password_verify(h, pw, strlen(pw)));
    /* Not NUL-terminated within the hash size. */
    char unterminated[YZ_PASSWORD_HASH_SIZE + 8];
    memset(unterminated, 'a', sizeof unterminated - 1);
    memcpy(unterminated, "$argon2id$", 10);
    unterminated[sizeof unterminated - 1] = '\0';
    assert_false(yz_password_verify(unterminated, pw, strlen(pw)));
    /* argon2i is not what we store. */
    char argon2i[YZ_PASSWORD_HASH_SIZE];
    assert_int_equal(
        crypto_pwhash_str_alg(argon2i, pw, strlen(pw), crypto_pwhash_argon2i_OPSLIMIT_MIN,
                              crypto_pwhash_argon2i_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2I13),
        0);
    assert_false(yz_password_verify(argon2i, pw, strlen(pw)));
    assert_true(yz_password_needs_rehash(argon2i));
    /* Oversized passwords are refused before hashing. */
    char big[YZ_PASSWORD_MAX_BYTES + 1];
    memset(big, 'x', sizeof big);
    assert_int_equal(yz_password_hash(big, sizeof big, h), YZ_ERR_BAD_REQUEST);
    assert_string_equal(h, "");
    assert_false(yz_password_verify(h, big, sizeof big));
}

static void rehash_when_cost_differs(void **state)
{
    const char *pw = "correct horse battery staple";
    char h[YZ_PASSWORD_HASH_SIZE];
    assert_int_equal(yz_password_hash(pw, strlen(pw), h), YZ_OK);
    assert_false(yz_password_needs_rehash(h));
    /* A hash made at another cost (as after a cost change) should be replaced. */
    char other[YZ_PASSWORD_HASH_SIZE];
    assert_int_equal(
        crypto_pwhash_str_alg(other, pw, strlen(pw), crypto_pwhash_argon2id_OPSLIMIT_MIN + 1,
                              crypto_pwhash_argon2id_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
        0);
    assert_true(yz_password_verify(other, pw, strlen(pw)));
    assert_true(yz_password_needs_rehash(other));
    assert_true(yz_password_needs_rehash(""));
    assert_true(yz_password_needs_rehash(NULL));
}

/* Runs the policy and returns the single error's code ("" when accepted). */
static const char *check(const char *pw, size_t n, const char *phone, char *msg, size_t msgsize)
{
    static struct yz_field_errors fe;
    memset(&fe, 0, sizeof fe);
    enum yz_err rc = yz_password_check(pw, n, phone, &fe, "password");
    if (rc == YZ_OK) {
        assert_int_equal(fe.count, 0);
        return "";
    }
    assert_int_equal(rc, YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 1);
    assert_string_equal(fe.items[0].field, "password");
    if (msg)
        snprintf(msg, msgsize, "%s", fe.items[0].message);
    return fe.items[0].code;
}

#define CHECK(pw, phone) check((pw), strlen(pw), (phone), NULL, 0)

/* Many threads verifying at once: never more than the gate's hashes run together. */
static void *verify_many(void *arg)
{
    const char *hash = arg;
    for (int i = 0; i < 4; i++)
        if (!yz_password_verify(hash, "correct horse battery", 21))
            return (void *)1;
    return NULL;
}

static void hashes_are_gated(void **state)
{
    (void)state;
    /* A hash costly enough (8 MiB, 3 passes) that unguarded threads would overlap. */
    char hash[YZ_PASSWORD_HASH_SIZE];
    assert_int_equal(crypto_pwhash_str_alg(hash, "correct horse battery", 21, 3, 8u << 20,
                                           crypto_pwhash_ALG_ARGON2ID13),
                     0);
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&t[i], NULL, verify_many, hash), 0);
    for (int i = 0; i < 8; i++) {
        void *failed = NULL;
        pthread_join(t[i], &failed);
        assert_null(failed);
    }
    int peak = yz_password_peak_concurrency();
    assert_true(peak >= 1);
    assert_true(peak <= YZ_PASSWORD_MAX_CONCURRENT);
}

static void policy_accepts_good_passwords(void **state)
{
    assert_string_equal(CHECK("法院立案服务很方便2024", NULL), "");
    assert_string_equal(CHECK("correct horse battery staple", "13812345678"), "");
    assert_string_equal(CHECK("Tr0ub4dor&3x", NULL), "");                 /* exactly 12 */
    assert_string_equal(CHECK("my phone is 1381234", "13812345678"), ""); /* a part is fine */
    char max[YZ_PASSWORD_MAX_CHARS * 3 + 1];
    for (int i = 0; i < YZ_PASSWORD_MAX_CHARS; i++)
        memcpy(max + 3 * i, i % 2 ? "\xe6\xb3\x95" : "\xe9\x99\xa2", 3); /* 法院 ... */
    max[YZ_PASSWORD_MAX_CHARS * 3] = '\0';
    max[0] = 'x'; /* break the exact two-character repetition */
    memmove(max + 1, max + 3, strlen(max + 3) + 1);
    assert_string_equal(CHECK(max, NULL), ""); /* 128 code points, 382 bytes */
}

static void policy_length(void **state)
{
    char msg[200];
    assert_string_equal(check("abc123", 6, NULL, msg, sizeof msg), "too_short");
    assert_string_equal(msg, "密码至少需要 12 个字符");
    /* Characters, not bytes: 10 Chinese characters are 30 bytes but still too short. */
    assert_string_equal(CHECK("我的密码是重庆渝中区", NULL), "too_short");
    assert_string_equal(CHECK("Tr0ub4dor&3", NULL), "too_short");
    assert_string_equal(CHECK("", NULL), "too_short");

    char long_pw[200];
    for (int i = 0; i < 129; i++)
        long_pw[i] = (char)('a' + (i * 7) % 26);
    long_pw[129] = '\0';
    assert_string_equal(check(long_pw, 129, NULL, msg, sizeof msg), "too_long");
    assert_string_equal(msg, "密码最多 128 个字符");
    long_pw[128] = '\0';
    assert_string_equal(CHECK(long_pw, NULL), "");

    char huge[YZ_PASSWORD_MAX_BYTES + 10];
    memset(huge, 'q', sizeof huge);
    assert_string_equal(check(huge, sizeof huge, NULL, NULL, 0), "too_long");
}

static void policy_common_passwords(void **state)
{
    char msg[200];
    assert_string_equal(check("password1234", 12, NULL, msg, sizeof msg), "common_password");
    assert_string_equal(msg, "该密码过于常见，请换一个");
    assert_string_equal(CHECK("PassWord1234", NULL), "common_password"); /* ignoring case */
    assert_string_equal(CHECK("WOAINI1314520", NULL), "common_password");
    assert_string_equal(CHECK("1qaz2wsx3edc", NULL), "common_password");
    assert_string_equal(CHECK("123456789012", NULL), "common_password");
    assert_string_equal(CHECK("qwertyuiop123", NULL), "common_password");
    assert_string_equal(CHECK("password12345x", NULL), ""); /* not on the list */
}

static void policy_phone(void **state)
{
    char msg[200];
    assert_string_equal(check("+8613812345678", 14, "13812345678", msg, sizeof msg),
                        "contains_phone");
    assert_string_equal(msg, "密码不能包含手机号");
    assert_string_equal(CHECK("13812345678!", "13812345678"), "contains_phone");
    assert_string_equal(CHECK("abc13812345678", "+86 138-1234-5678"), "contains_phone");
    assert_string_equal(CHECK("abc13812345678", "0086 13812345678"), "contains_phone");
    assert_string_equal(CHECK("abc13812345678", "13912345678"), "");
    assert_string_equal(CHECK("abc13812345678", NULL), "");
    assert_string_equal(CHECK("abc13812345678", "12"), ""); /* not a phone number */
}

static void policy_repetition(void **state)
{
    char msg[200];
    assert_string_equal(check("zzzzzzzzzzzz", 12, NULL, msg, sizeof msg), "repeated");
    assert_string_equal(msg, "密码不能由同一个字符或同一组字符重复构成");
    assert_string_equal(CHECK("好好好好好好好好好好好好", NULL), "repeated");
    assert_string_equal(CHECK("abcabcabcabc", NULL), "repeated");
    assert_string_equal(CHECK("ababababababab", NULL), "repeated");
    assert_string_equal(CHECK("你好你好你好你好你好你好", NULL), "repeated");
    assert_string_equal(CHECK("zzzzzzzzzzzy", NULL), "");
    assert_string_equal(CHECK("abcdabcdabcd", NULL), ""); /* four-character groups are allowed */
}

static void policy_encoding(void **state)
{
    char msg[200];
    const char bad[] = "abcdefghijk\xff\xfe";
    assert_string_equal(check(bad, sizeof bad - 1, NULL, msg, sizeof msg), "invalid_utf8");
    assert_string_equal(msg, "密码包含无效的字符");
    assert_string_equal(CHECK("abcdefghijkl\xed\xa0\x80", NULL), "invalid_utf8"); /* surrogate */
    assert_string_equal(CHECK("abcdefghijk\xc0\xaf", NULL), "invalid_utf8");      /* overlong */
    assert_string_equal(check("abcdef\0ghijkl", 13, NULL, msg, sizeof msg), "control_character");
    assert_string_equal(CHECK("abcdefghijkl\n", NULL), "control_character");
    assert_string_equal(CHECK("abc\tdefghijkl", NULL), "control_character");
}

static void policy_fails_closed_without_list(void **state)
{
    struct yz_field_errors fe = {0};
    struct yz_buf err = YZ_BUF_INIT(256);
    yz_password_list_free();
    assert_int_equal(yz_password_list_count(), 0);
    assert_int_equal(yz_password_check("correct horse battery", 21, NULL, &fe, "pw"),
                     YZ_ERR_INTERNAL);
    assert_int_equal(yz_password_list_load(list_path, &err), YZ_OK);
    assert_int_equal(yz_password_check("correct horse battery", 21, NULL, &fe, "pw"), YZ_OK);
    yz_buf_release(&err);
}

/* Every entry of the shipped list is refused, and the list is big enough. */
static void shipped_list(void **state)
{
    FILE *f = fopen(list_path, "r");
    assert_non_null(f);
    char line[512];
    size_t entries = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        entries++;
        if (strlen(line) < YZ_PASSWORD_MIN_CHARS)
            fail_msg("list entry '%s' is shorter than 12 characters", line);
        if (CHECK(line, NULL)[0] == '\0')
            fail_msg("list entry '%s' was accepted", line);
    }
    fclose(f);
    assert_true(entries >= 300);
    assert_true(yz_password_list_count() >= 300);
    assert_true(yz_password_list_count() <= entries);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void list_loading(void **state)
{
    char path[] = "/tmp/yz-pwlist-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct yz_buf err = YZ_BUF_INIT(1024);
    size_t shipped = yz_password_list_count();

    /* Comments, blank lines, CRLF, case-only duplicates. */
    write_file(path, "# header\n\nSecretSecret99\r\nsecretsecret99\n#another\nzweites-passwort\n");
    assert_int_equal(yz_password_list_load(path, &err), YZ_OK);
    assert_int_equal(yz_password_list_count(), 2);
    assert_string_equal(CHECK("SECRETSECRET99", NULL), "common_password");
    assert_string_equal(CHECK("password1234", NULL), ""); /* replaced the shipped list */

    /* Broken files are refused and the loaded list stays. */
    char longline[YZ_PASSWORD_LIST_MAX_LINE + 40];
    memset(longline, 'a', sizeof longline - 2);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    char text[sizeof longline + 40];
    snprintf(text, sizeof text, "ok-entry-000001\n%s", longline);
    write_file(path, text);
    yz_buf_reset(&err);
    assert_int_equal(yz_password_list_load(path, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, ":2:"));
    assert_int_equal(yz_password_list_count(), 2);

    write_file(path, "fine-entry-0001\nbad\xff-entry-0002\n");
    yz_buf_reset(&err);
    assert_int_equal(yz_password_list_load(path, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, ":2:"));
    assert_int_equal(yz_password_list_count(), 2);

    yz_buf_reset(&err);
    assert_int_equal(yz_password_list_load("/tmp/yz-no-such-list.txt", &err), YZ_ERR_CONFIG);
    assert_int_equal(yz_password_list_count(), 2);

    /* An empty list is a loaded list. */
    write_file(path, "# nothing\n");
    assert_int_equal(yz_password_list_load(path, &err), YZ_OK);
    assert_int_equal(yz_password_list_count(), 0);
    assert_string_equal(CHECK("password1234", NULL), "");

    unlink(path);
    yz_buf_reset(&err);
    assert_int_equal(yz_password_list_load(list_path, &err), YZ_OK);
    assert_int_equal(yz_password_list_count(), shipped);
    yz_buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_and_verify),
        cmocka_unit_test(verify_refuses_malformed_hashes),
        cmocka_unit_test(rehash_when_cost_differs),
        cmocka_unit_test(hashes_are_gated),
        cmocka_unit_test(policy_accepts_good_passwords),
        cmocka_unit_test(policy_length),
        cmocka_unit_test(policy_common_passwords),
        cmocka_unit_test(policy_phone),
        cmocka_unit_test(policy_repetition),
        cmocka_unit_test(policy_encoding),
        cmocka_unit_test(policy_fails_closed_without_list),
        cmocka_unit_test(shipped_list),
        cmocka_unit_test(list_loading),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
