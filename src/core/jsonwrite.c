/* Compact JSON text of a jansson value (jsonwrite.h). */
#include "core/jsonwrite.h"
#include "core/clock.h"

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

static bool write_string(struct yz_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    bool ok = yz_buf_addc(out, '"');
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        ok = yz_buf_add(out, s + run, i - run);
        run = i + 1;
        char e = short_escape(c);
        if (e) {
            char two[2] = {'\\', e};
            ok = ok && yz_buf_add(out, two, 2);
        } else {
            char six[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            ok = ok && yz_buf_add(out, six, 6);
        }
    }
    return ok && yz_buf_add(out, s + run, n - run) && yz_buf_addc(out, '"');
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
    return yz_buf_add(out, digits + i, sizeof digits - i);
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

static bool write_value(struct yz_buf *out, const json_t *v, int depth, bool sorted);

struct member {
    const char *key;
    size_t len;
    const json_t *value;
};

/* jansson's JSON_SORT_KEYS order: bytes compared as unsigned, a prefix first. */
static int member_order(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Members sorted by key: event payloads are hashed in this form, so it must
 * stay the text json_dumps(JSON_SORT_KEYS) gives. Most objects are small and
 * sort on the stack. */
static bool write_sorted_object(struct yz_buf *out, const json_t *v, int depth)
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
    qsort(m, i, sizeof *m, member_order);
    bool ok = yz_buf_addc(out, '{');
    for (size_t k = 0; ok && k < i; k++)
        ok = (k == 0 || yz_buf_addc(out, ',')) && write_string(out, m[k].key, m[k].len) &&
             yz_buf_addc(out, ':') && write_value(out, m[k].value, depth + 1, true);
    if (m != few)
        free(m);
    return ok && yz_buf_addc(out, '}');
}

static bool write_value(struct yz_buf *out, const json_t *v, int depth, bool sorted)
{
    if (depth > YZ_JSON_WRITE_MAX_DEPTH)
        return false;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (sorted)
            return write_sorted_object(out, v, depth);
        bool ok = yz_buf_addc(out, '{');
        bool first = true;
        for (void *it = json_object_iter((json_t *)v); ok && it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first)
                ok = yz_buf_addc(out, ',');
            first = false;
            ok = ok && write_string(out, json_object_iter_key(it), json_object_iter_key_len(it)) &&
                 yz_buf_addc(out, ':') &&
                 write_value(out, json_object_iter_value(it), depth + 1, false);
        }
        return ok && yz_buf_addc(out, '}');
    }
    case JSON_ARRAY: {
        bool ok = yz_buf_addc(out, '[');
        size_t n = json_array_size(v);
        for (size_t i = 0; ok && i < n; i++)
            ok = (i == 0 || yz_buf_addc(out, ',')) &&
                 write_value(out, json_array_get(v, i), depth + 1, sorted);
        return ok && yz_buf_addc(out, ']');
    }
    case JSON_STRING:
        return write_string(out, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return write_integer(out, json_integer_value(v));
    case JSON_REAL:
        return write_real(out, v);
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
    return value && write_value(out, value, 0, false);
}

bool yz_json_write_sorted(struct yz_buf *out, const json_t *value)
{
    return value && write_value(out, value, 0, true);
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

static char *dump(const json_t *value, bool sorted)
{
    struct yz_buf out = YZ_BUF_INIT(YZ_JSON_DUMP_MAX);
    if (!value || !write_value(&out, value, 0, sorted)) {
        yz_buf_release(&out);
        return NULL;
    }
    return yz_buf_detach(&out, NULL);
}

char *yz_json_dumps(const json_t *value)
{
    return dump(value, false);
}

char *yz_json_dumps_sorted(const json_t *value)
{
    return dump(value, true);
}
