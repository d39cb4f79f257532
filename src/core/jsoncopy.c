/* Copying JSON text in the writer's form, members left out (jsoncopy.h). */
#include "core/jsoncopy.h"
#include "core/jsonwrite.h"
#include "core/utf8.h"

#include <string.h>

#include "core/banned.h"

#define MAX_DIGITS 19 /* INT64_MAX and INT64_MIN have 19 */

struct copy {
    const char *p, *end;
    struct yz_buf *out;
    yz_json_drop_fn drop;
    const struct yz_json_hook *hook;
};

static bool emit(struct copy *c, bool on, const char *from, size_t n)
{
    return !on || yz_buf_add(c->out, from, n);
}

static bool is_upper_hex(char h)
{
    return (h >= '0' && h <= '9') || (h >= 'A' && h <= 'F');
}

/* A string at c->p; its text (quotes included) in *s, *n. Escapes other than
 * the writer's, raw control characters and \u0000 (which jansson refuses)
 * fail. */
static bool string(struct copy *c, const char **s, size_t *n)
{
    const char *q = c->p;
    if (q == c->end || *q++ != '"')
        return false;
    for (;;) {
        if (q == c->end || (unsigned char)*q < 0x20)
            return false;
        if (*q == '"')
            break;
        if (*q++ != '\\')
            continue;
        if (q == c->end)
            return false;
        char e = *q++;
        if (e == 'u') {
            /* \u00XX for a control character without a short escape */
            if (c->end - q < 4 || q[0] != '0' || q[1] != '0' || (q[2] != '0' && q[2] != '1') ||
                !is_upper_hex(q[3]))
                return false;
            int v = (q[2] - '0') * 16 + (q[3] <= '9' ? q[3] - '0' : q[3] - 'A' + 10);
            if (v == 0 || v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t')
                return false;
            q += 4;
        } else if (!strchr("\"\\bfnrt", e) || e == '\0') {
            return false;
        }
    }
    q++;
    *s = c->p;
    *n = (size_t)(q - c->p);
    c->p = q;
    return true;
}

static bool literal(struct copy *c, bool on, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return emit(c, on, word, n);
}

/* An integer as the writer writes it: no '+', no leading zero, no "-0". */
static bool integer(struct copy *c, bool on)
{
    const char *q = c->p;
    if (q < c->end && *q == '-')
        q++;
    const char *digits = q;
    while (q < c->end && *q >= '0' && *q <= '9')
        q++;
    size_t nd = (size_t)(q - digits);
    if (nd == 0 || nd > MAX_DIGITS || (digits[0] == '0' && (nd > 1 || digits != c->p)))
        return false;
    /* jansson refuses what does not fit in json_int_t (int64_t) */
    if (nd == MAX_DIGITS &&
        memcmp(digits, digits != c->p ? "9223372036854775808" : "9223372036854775807", nd) > 0)
        return false;
    if (q < c->end && (*q == '.' || *q == 'e' || *q == 'E')) /* a real */
        return false;
    const char *from = c->p;
    c->p = q;
    return emit(c, on, from, (size_t)(q - from));
}

static bool value(struct copy *c, bool on, int depth);

/* Is key (as it stands in the text) the member the hook is for? */
static bool hooked(const struct copy *c, const char *key, size_t n)
{
    return c->hook && strlen(c->hook->key) == n && memcmp(c->hook->key, key, n) == 0;
}

static bool object(struct copy *c, bool on, int depth)
{
    c->p++; /* '{' */
    if (!emit(c, on, "{", 1))
        return false;
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        return emit(c, on, "}", 1);
    }
    for (bool first = true;;) {
        const char *key;
        size_t n;
        if (!string(c, &key, &n) || c->p == c->end || *c->p++ != ':')
            return false;
        bool keep = on && !c->drop(key + 1, n - 2);
        if (keep && !((first || yz_buf_addc(c->out, ',')) && yz_buf_add(c->out, key, n) &&
                      yz_buf_addc(c->out, ':')))
            return false;
        size_t at = c->out->len;
        if (!value(c, keep, depth + 1))
            return false;
        /* The hook's member of the outermost object: as the caller puts it. */
        if (keep && depth == 0 && hooked(c, key + 1, n - 2) &&
            !c->hook->put(c->hook->ctx, c->out, at))
            return false;
        first = first && !keep;
        if (c->p == c->end)
            return false;
        char sep = *c->p++;
        if (sep == '}')
            return emit(c, on, "}", 1);
        if (sep != ',')
            return false;
    }
}

static bool array(struct copy *c, bool on, int depth)
{
    c->p++; /* '[' */
    bool ok = emit(c, on, "[", 1);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
        return ok && emit(c, on, "]", 1);
    }
    while (ok) {
        ok = value(c, on, depth + 1);
        if (!ok || c->p == c->end)
            return false;
        char sep = *c->p++;
        if (sep == ']')
            return emit(c, on, "]", 1);
        if (sep != ',')
            return false;
        ok = emit(c, on, ",", 1);
    }
    return false;
}

static bool value(struct copy *c, bool on, int depth)
{
    if (depth > YZ_JSON_WRITE_MAX_DEPTH || c->p == c->end)
        return false;
    switch (*c->p) {
    case '{':
        return object(c, on, depth);
    case '[':
        return array(c, on, depth);
    case '"': {
        const char *s;
        size_t n;
        return string(c, &s, &n) && emit(c, on, s, n);
    }
    case 't':
        return literal(c, on, "true");
    case 'f':
        return literal(c, on, "false");
    case 'n':
        return literal(c, on, "null");
    default:
        return integer(c, on);
    }
}

bool yz_json_copy(struct yz_buf *out, const char *in, size_t n, yz_json_drop_fn drop,
                  const struct yz_json_hook *hook)
{
    size_t before = out->len;
    struct copy c = {in, in + n, out, drop, hook};
    /* jansson's json_loads takes only an object or an array as the whole text. */
    if (n && (in[0] == '{' || in[0] == '[') && yz_utf8_valid(in, n) && value(&c, true, 0) &&
        c.p == c.end)
        return true;
    yz_buf_truncate(out, before);
    return false;
}
