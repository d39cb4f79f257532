/*
 * Argon2id hashing through libsodium and the new-password policy. The cost is
 * a pair of process globals so that tests can lower it once; verification
 * always reads the cost from the stored hash. The common-password list is a
 * sorted array of lower-cased entries searched with bsearch: a few thousand
 * entries cost nothing, and loading once keeps the request path free of I/O.
 * Copies of a password made here (the lower-cased probe) are wiped.
 */
#include "crypto/password.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "crypto/keys.h"

#include "core/banned.h"

_Static_assert(YZ_PASSWORD_HASH_SIZE == crypto_pwhash_STRBYTES, "hash string size");

#define HASH_PREFIX "$argon2id$"

static unsigned long long g_opslimit = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
static size_t g_memlimit = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;

/* At most YZ_PASSWORD_MAX_CONCURRENT hashes at once: each holds the memory
 * limit (64 MiB at the interactive cost), so a burst of logins on every worker
 * thread would otherwise multiply it. Waiting callers block their worker;
 * that is the price of a bounded footprint. */
static pthread_mutex_t g_gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_gate_cv = PTHREAD_COND_INITIALIZER;
static int g_gate_active;
static int g_gate_peak;

static void gate_enter(void)
{
    pthread_mutex_lock(&g_gate_mu);
    while (g_gate_active >= YZ_PASSWORD_MAX_CONCURRENT)
        pthread_cond_wait(&g_gate_cv, &g_gate_mu);
    if (++g_gate_active > g_gate_peak)
        g_gate_peak = g_gate_active;
    pthread_mutex_unlock(&g_gate_mu);
}

static void gate_leave(void)
{
    pthread_mutex_lock(&g_gate_mu);
    g_gate_active--;
    pthread_cond_signal(&g_gate_cv);
    pthread_mutex_unlock(&g_gate_mu);
}

int yz_password_peak_concurrency(void)
{
    pthread_mutex_lock(&g_gate_mu);
    int peak = g_gate_peak;
    pthread_mutex_unlock(&g_gate_mu);
    return peak;
}

static char **g_list;
static size_t g_count;
static bool g_loaded;

void yz_password_set_cost_for_tests(void)
{
    g_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    g_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
}

enum yz_err yz_password_hash(const char *pw, size_t n, char out[YZ_PASSWORD_HASH_SIZE])
{
    out[0] = '\0';
    if (n > YZ_PASSWORD_MAX_BYTES)
        return YZ_ERR_BAD_REQUEST;
    if (yz_crypto_init() != YZ_OK)
        return YZ_ERR_INTERNAL;
    gate_enter();
    int rc = crypto_pwhash_str_alg(out, n ? pw : "", n, g_opslimit, g_memlimit,
                                   crypto_pwhash_ALG_ARGON2ID13);
    gate_leave();
    if (rc != 0) {
        out[0] = '\0';
        return YZ_ERR_INTERNAL; /* libsodium's only failure here is memory */
    }
    return YZ_OK;
}

static bool hash_well_formed(const char *hash)
{
    return hash && strnlen(hash, YZ_PASSWORD_HASH_SIZE) < YZ_PASSWORD_HASH_SIZE &&
           strncmp(hash, HASH_PREFIX, strlen(HASH_PREFIX)) == 0;
}

bool yz_password_verify(const char *hash, const char *pw, size_t n)
{
    if (!hash_well_formed(hash) || n > YZ_PASSWORD_MAX_BYTES || yz_crypto_init() != YZ_OK)
        return false;
    gate_enter();
    bool ok = crypto_pwhash_str_verify(hash, n ? pw : "", n) == 0;
    gate_leave();
    return ok;
}

bool yz_password_needs_rehash(const char *hash)
{
    if (!hash_well_formed(hash) || yz_crypto_init() != YZ_OK)
        return true;
    return crypto_pwhash_str_needs_rehash(hash, g_opslimit, g_memlimit) != 0;
}

/* ---- the common-password list ---- */

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lower_ascii(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] - 'A' + 'a');
}

static void free_entries(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

enum yz_err yz_password_list_load(const char *path, struct yz_buf *err)
{
    char line[YZ_PASSWORD_LIST_MAX_LINE + 2]; /* + newline + NUL */
    char **list = NULL;
    size_t count = 0, cap = 0;
    long lineno = 0;
    enum yz_err rc = YZ_ERR_CONFIG;
    FILE *f = fopen(path, "re");
    if (!f) {
        yz_buf_addf(err, "cannot open common-password list %s", path);
        return YZ_ERR_CONFIG;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        bool had_newline = len > 0 && line[len - 1] == '\n';
        if (!had_newline && !feof(f)) {
            yz_buf_addf(err, "%s:%ld: line longer than %d bytes", path, lineno,
                        YZ_PASSWORD_LIST_MAX_LINE);
            goto out;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (!yz_utf8_valid(line, len)) {
            yz_buf_addf(err, "%s:%ld: not valid UTF-8", path, lineno);
            goto out;
        }
        if (count == YZ_PASSWORD_LIST_MAX_ENTRIES) {
            yz_buf_addf(err, "%s: more than %d entries", path, YZ_PASSWORD_LIST_MAX_ENTRIES);
            goto out;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 256;
            list = yz_realloc(list, cap * sizeof *list);
        }
        lower_ascii(line, len);
        list[count++] = yz_strndup(line, len);
    }
    if (ferror(f)) {
        yz_buf_addf(err, "%s: read error", path);
        goto out;
    }
    if (count)
        qsort(list, count, sizeof *list, cmp_entry);
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (kept && strcmp(list[kept - 1], list[i]) == 0) {
            free(list[i]);
            continue;
        }
        list[kept++] = list[i];
    }
    count = kept;

    yz_password_list_free();
    g_list = list;
    g_count = count;
    g_loaded = true;
    list = NULL;
    count = 0;
    rc = YZ_OK;
out:
    free_entries(list, count);
    fclose(f);
    return rc;
}

size_t yz_password_list_count(void)
{
    return g_count;
}

void yz_password_list_free(void)
{
    free_entries(g_list, g_count);
    g_list = NULL;
    g_count = 0;
    g_loaded = false;
}

static bool in_list(const char *pw, size_t n)
{
    char probe[YZ_PASSWORD_MAX_BYTES + 1];
    if (n > YZ_PASSWORD_MAX_BYTES || g_count == 0)
        return false;
    memcpy(probe, pw, n);
    probe[n] = '\0';
    lower_ascii(probe, n);
    const char *key = probe;
    bool found = bsearch(&key, g_list, g_count, sizeof *g_list, cmp_entry) != NULL;
    sodium_memzero(probe, sizeof probe);
    return found;
}

/* ---- the policy ---- */

/* The national number in phone's digits ("+86 138-1234-5678" and
 * "0086 13812345678" -> "13812345678").
 * Returns its length; 0 when there are too few digits to be a phone number. */
static size_t phone_digits(const char *phone, char out[24])
{
    size_t len = 0;
    for (const char *p = phone; *p && p - phone < 64; p++) {
        if (*p >= '0' && *p <= '9') {
            if (len == 23)
                return 0;
            out[len++] = *p;
        }
    }
    out[len] = '\0';
    if (len == 13 && memcmp(out, "86", 2) == 0) {
        memmove(out, out + 2, 12);
        len = 11;
    } else if (len == 15 && memcmp(out, "0086", 4) == 0) {
        memmove(out, out + 4, 12);
        len = 11;
    }
    return len >= 7 ? len : 0;
}

/* memmem() is a GNU extension; passwords are short enough for the plain search. */
static bool contains(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

/* True when pw is one group of 1..3 code points repeated at least twice. */
static bool repeated(const char *pw, size_t n)
{
    size_t unit = 0;
    for (int chars = 1; chars <= 3; chars++) {
        /* extend unit by one code point */
        if (unit >= n)
            return false;
        unit++;
        while (unit < n && ((unsigned char)pw[unit] & 0xc0) == 0x80)
            unit++;
        if (unit * 2 > n || n % unit != 0)
            continue;
        size_t i = unit;
        while (i < n && memcmp(pw + i, pw, unit) == 0)
            i += unit;
        if (i == n)
            return true;
    }
    return false;
}

enum yz_err yz_password_check(const char *pw, size_t n, const char *phone_or_null,
                              struct yz_field_errors *fe, const char *field)
{
    char phone[24];
    size_t plen;
    if (!g_loaded)
        return YZ_ERR_INTERNAL;
    if (n > YZ_PASSWORD_MAX_BYTES) {
        yz_field_errors_add(fe, field, "too_long", "密码最多 %d 个字符", YZ_PASSWORD_MAX_CHARS);
        return YZ_ERR_VALIDATION;
    }
    if (!yz_utf8_valid(pw, n)) {
        yz_field_errors_add(fe, field, "invalid_utf8", "密码包含无效的字符");
        return YZ_ERR_VALIDATION;
    }
    if (memchr(pw, '\0', n) || yz_utf8_has_control(pw, n, false)) {
        yz_field_errors_add(fe, field, "control_character", "密码不能包含控制字符");
        return YZ_ERR_VALIDATION;
    }
    size_t chars = yz_utf8_count(pw, n);
    if (chars < YZ_PASSWORD_MIN_CHARS) {
        yz_field_errors_add(fe, field, "too_short", "密码至少需要 %d 个字符",
                            YZ_PASSWORD_MIN_CHARS);
        return YZ_ERR_VALIDATION;
    }
    if (chars > YZ_PASSWORD_MAX_CHARS) {
        yz_field_errors_add(fe, field, "too_long", "密码最多 %d 个字符", YZ_PASSWORD_MAX_CHARS);
        return YZ_ERR_VALIDATION;
    }
    if (phone_or_null && (plen = phone_digits(phone_or_null, phone)) > 0 &&
        contains(pw, n, phone, plen)) {
        yz_field_errors_add(fe, field, "contains_phone", "密码不能包含手机号");
        return YZ_ERR_VALIDATION;
    }
    if (repeated(pw, n)) {
        yz_field_errors_add(fe, field, "repeated", "密码不能由同一个字符或同一组字符重复构成");
        return YZ_ERR_VALIDATION;
    }
    if (in_list(pw, n)) {
        yz_field_errors_add(fe, field, "common_password", "该密码过于常见，请换一个");
        return YZ_ERR_VALIDATION;
    }
    return YZ_OK;
}
