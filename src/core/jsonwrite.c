/* Compact JSON text of a jansson value (jsonwrite.h). */
#include "core/jsonwrite.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* What a byte below 0x20, '"' or '\\' becomes; 0 for the \u00XX form. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '"':
        return '"';
    case '\\':
        return '\\';
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    default:
        return 0;
    }
}

/* Appends n bytes; the common case (they fit) inline, without a call per
 * byte: the canonical text of a bulk import's cases is written here, and the
 * call and capacity check for every quote, colon and comma were a tenth of it. */
static inline bool put(struct yz_buf *out, const char *p, size_t n)
{
    /* Room in the memory (and its NUL) and within the buffer's max. */
    if (out->cap && n < out->cap - out->len && n <= out->max - out->len) {
        memcpy(out->data + out->len, p, n);
        out->len += n;
        out->data[out->len] = '\0';
        return true;
    }
    return yz_buf_add(out, p, n);
}

static inline bool putc1(struct yz_buf *out, char c)
{
    return put(out, &c, 1);
}

/* Whether any of the 8 bytes in w is below 0x20, '"' or '\\' (the bytes a JSON
 * string escapes): the classic "has a zero byte" test on w, on w ^ '"'... and on
 * w - 0x20... (bytes of 0x80 and above never match). */
static inline bool word_needs_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t hit = ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b);
    return (hit & highs) != 0;
}

/* The length of the prefix of s[0..n) that needs no escape, 8 bytes at a
 * time: strings (the facts of a case run to kilobytes) rarely hold any. The
 * last bytes of a string of 8 or more are checked as the word ending at its
 * end (the bytes before them are known clean), so that only strings shorter
 * than a word go byte by byte. */
static size_t plain_prefix(const char *s, size_t n)
{
    size_t i = 0;
    uint64_t w;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if (word_needs_escape(w))
            break;
    }
    if (i == n)
        return n;
    if (i >= 8 && i + 8 > n) {
        memcpy(&w, s + n - 8, 8);
        if (!word_needs_escape(w))
            return n;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            break;
    }
    return i;
}

static bool write_string(struct yz_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    bool ok = putc1(out, '"');
    while (ok && n) {
        size_t run = plain_prefix(s, n);
        ok = put(out, s, run);
        if (!ok || run == n)
            break;
        unsigned char c = (unsigned char)s[run];
        char e = short_escape(c);
        if (e) {
            char two[2] = {'\\', e};
            ok = put(out, two, 2);
        } else {
            char six[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            ok = put(out, six, 6);
        }
        s += run + 1;
        n -= run + 1;
    }
    return ok && putc1(out, '"');
}

static bool write_integer(struct yz_buf *out, json_int_t v)
{
    char digits[24];
    size_t i = sizeof digits;
    /* Through unsigned arithmetic, so that the most negative value has a magnitude too. */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[--i] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        digits[--i] = '-';
    return put(out, digits + i, sizeof digits - i);
}

/* Reals are rare in responses (money is integer fen): jansson formats them,
 * so the text matches json_dumps exactly. */
static bool write_real(struct yz_buf *out, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    bool ok = s && yz_buf_adds(out, s);
    free(s);
    return ok;
}

/* How a value is written: sorted or not, and for the canonical form
 * (yz_json_dumps_canonical) what it refuses. */
struct how {
    bool sorted;
    int max_depth;   /* 0: any value; else canonical: no reals, containers this deep at most */
    bool check_text; /* canonical: refuse a string or key that is not UTF-8 or holds a NUL */
};

static const struct how plain_how = {false, 0, false}, sorted_how = {true, 0, false};

static bool write_value(struct yz_buf *out, const json_t *v, int depth, const struct how *how);

/* A string or key as write_string writes it, refused first when the canonical
 * form checks texts: checked on the bytes being written, in the same pass. */
static bool write_text(struct yz_buf *out, const char *s, size_t n, const struct how *how)
{
    if (how->check_text && (memchr(s, '\0', n) || !yz_utf8_valid(s, n)))
        return false;
    return write_string(out, s, n);
}

struct member {
    const char *key;
    size_t len;
    const json_t *value;
};

/* jansson's JSON_SORT_KEYS order: bytes compared as unsigned, a prefix first. */
static int member_order(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    /* Keys mostly differ in their first byte: decided here without a call.
     * An empty key's first byte is its NUL, which sorts it first as it
     * should; equal first bytes (a NUL among them too) go on to memcmp. */
    unsigned char fx = (unsigned char)x->key[0], fy = (unsigned char)y->key[0];
    if (fx != fy)
        return fx < fy ? -1 : 1;
    int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Sorts m[0..n) by member_order: by insertion when small (objects here have a
 * handful of members, and qsort's setup and indirect calls cost more than the
 * sort), else by qsort. Keys are unique, so stability does not matter. */
static void sort_members(struct member *m, size_t n)
{
    if (n > 16) {
        qsort(m, n, sizeof *m, member_order);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        struct member x = m[i];
        size_t j = i;
        for (; j > 0 && member_order(&m[j - 1], &x) > 0; j--)
            m[j] = m[j - 1];
        m[j] = x;
    }
}

/* Members sorted by key: event payloads are hashed in this form, so it must
 * stay the text json_dumps(JSON_SORT_KEYS) gives. Most objects are small and
 * sort on the stack. */
static bool write_sorted_object(struct yz_buf *out, const json_t *v, int depth,
                                const struct how *how)
{
    struct member few[32], *m = few;
    size_t n = json_object_size(v);
    if (n > sizeof few / sizeof few[0] && !(m = malloc(n * sizeof *m)))
        return false;
    size_t i = 0;
    for (void *it = json_object_iter((json_t *)v); it && i < n;
         it = json_object_iter_next((json_t *)v, it), i++)
        m[i] = (struct member){json_object_iter_key(it), json_object_iter_key_len(it),
                               json_object_iter_value(it)};
    sort_members(m, i);
    bool ok = putc1(out, '{');
    for (size_t k = 0; ok && k < i; k++)
        ok = (k == 0 || putc1(out, ',')) && write_text(out, m[k].key, m[k].len, how) &&
             putc1(out, ':') && write_value(out, m[k].value, depth + 1, how);
    if (m != few)
        free(m);
    return ok && putc1(out, '}');
}

static bool write_value(struct yz_buf *out, const json_t *v, int depth, const struct how *how)
{
    if (depth > YZ_JSON_WRITE_MAX_DEPTH)
        return false;
    /* The canonical form's depth counts the top container as 1. */
    if (how->max_depth && depth >= how->max_depth && (json_is_object(v) || json_is_array(v)))
        return false;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (how->sorted)
            return write_sorted_object(out, v, depth, how);
        bool ok = putc1(out, '{');
        bool first = true;
        for (void *it = json_object_iter((json_t *)v); ok && it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first)
                ok = putc1(out, ',');
            first = false;
            ok = ok &&
                 write_text(out, json_object_iter_key(it), json_object_iter_key_len(it), how) &&
                 putc1(out, ':') && write_value(out, json_object_iter_value(it), depth + 1, how);
        }
        return ok && putc1(out, '}');
    }
    case JSON_ARRAY: {
        bool ok = putc1(out, '[');
        size_t n = json_array_size(v);
        for (size_t i = 0; ok && i < n; i++)
            ok = (i == 0 || putc1(out, ',')) &&
                 write_value(out, json_array_get(v, i), depth + 1, how);
        return ok && putc1(out, ']');
    }
    case JSON_STRING:
        return write_text(out, json_string_value(v), json_string_length(v), how);
    case JSON_INTEGER:
        return write_integer(out, json_integer_value(v));
    case JSON_REAL:
        /* Not in the canonical form: a float's text is not stable. */
        return !how->max_depth && write_real(out, v);
    case JSON_TRUE:
        return yz_buf_adds(out, "true");
    case JSON_FALSE:
        return yz_buf_adds(out, "false");
    case JSON_NULL:
        return yz_buf_adds(out, "null");
    }
    return false;
}

bool yz_json_write(struct yz_buf *out, const json_t *value)
{
    return value && write_value(out, value, 0, &plain_how);
}

bool yz_json_write_sorted(struct yz_buf *out, const json_t *value)
{
    return value && write_value(out, value, 0, &sorted_how);
}

bool yz_json_write_str(struct yz_buf *out, const char *s)
{
    return write_string(out, s, strlen(s));
}

bool yz_json_write_int(struct yz_buf *out, int64_t v)
{
    return write_integer(out, (json_int_t)v);
}

bool yz_json_put_str(struct yz_buf *out, const char *lead, const char *v)
{
    return yz_buf_adds(out, lead) && yz_json_write_str(out, v);
}

bool yz_json_put_int(struct yz_buf *out, const char *lead, int64_t v)
{
    return yz_buf_adds(out, lead) && yz_json_write_int(out, v);
}

bool yz_json_put_bool(struct yz_buf *out, const char *lead, bool v)
{
    return yz_buf_adds(out, lead) && yz_buf_adds(out, v ? "true" : "false");
}

bool yz_json_put_time(struct yz_buf *out, const char *lead, int64_t ms)
{
    char t[40];
    yz_time_format_utc(ms, t, sizeof t);
    return yz_json_put_str(out, lead, t);
}

/* Room for most texts at once: grown from 64 bytes by doubling, a filing's
 * application took six reallocations. The slack is given back at the end, as
 * a bulk import holds thousands of these texts at a time. */
#define DUMP_FIRST_ROOM 1024
#define DUMP_SLACK_KEPT 256

static char *dump(const json_t *value, const struct how *how)
{
    struct yz_buf out = YZ_BUF_INIT(YZ_JSON_DUMP_MAX);
    if (!value || !yz_buf_reserve(&out, DUMP_FIRST_ROOM) || !write_value(&out, value, 0, how)) {
        yz_buf_release(&out);
        return NULL;
    }
    size_t slack = out.cap - out.len - 1;
    size_t len;
    char *text = yz_buf_detach(&out, &len);
    return slack > DUMP_SLACK_KEPT ? yz_realloc(text, len + 1) : text;
}

char *yz_json_dumps(const json_t *value)
{
    return dump(value, &plain_how);
}

char *yz_json_dumps_sorted(const json_t *value)
{
    return dump(value, &sorted_how);
}

bool yz_json_write_canonical(struct yz_buf *out, const json_t *value, int max_depth,
                             bool check_text)
{
    if (max_depth < 1)
        YZ_BUG("jsonwrite: canonical depth %d", max_depth);
    struct how how = {true, max_depth, check_text};
    return value && write_value(out, value, 0, &how);
}

char *yz_json_dumps_canonical(const json_t *value, int max_depth, bool check_text)
{
    if (max_depth < 1)
        YZ_BUG("jsonwrite: canonical depth %d", max_depth);
    struct how how = {true, max_depth, check_text};
    return dump(value, &how);
}
