/* Random JSON values for property tests (randjson.h). */
#include "randjson.h"

#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15u;

uint32_t yzt_rand_next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static json_t *random_string(const struct yzt_randjson *opt, bool key)
{
    static const char *const pieces[] = {"a", "Z", "9", " ", "\"", "\\", "/", "\n", "\t", "\x01",
                                         "\x1f", "\x7f", "法", "院", "\xc2\xa9", "\xf0\x9f\x98\x80",
                                         "{", "}", ":", ","};
    char s[220];
    size_t n = 0, count = yzt_rand_next() % 12;
    for (size_t i = 0; i < count; i++) {
        const char *p = pieces[yzt_rand_next() % (sizeof pieces / sizeof pieces[0])];
        size_t k = strlen(p);
        memcpy(s + n, p, k);
        n += k;
    }
    if (opt->nuls && yzt_rand_next() % 16 == 0)
        s[n++] = '\0';
    if (key && opt->sealed_keys && yzt_rand_next() % 4 == 0) {
        memcpy(s + n, "_enc", 4);
        n += 4;
    }
    return json_stringn(s, n);
}

json_t *yzt_random_json(const struct yzt_randjson *opt, int depth)
{
    uint32_t kind = depth > 4 ? yzt_rand_next() % 6 : yzt_rand_next() % 8;
    if (kind == 5 && !opt->reals)
        kind = 1;
    switch (kind) {
    case 0:
        return json_integer(
            (json_int_t)((int64_t)((uint64_t)yzt_rand_next() << 32 | yzt_rand_next())));
    case 1:
        return json_integer((json_int_t)(yzt_rand_next() % 2000) - 1000);
    case 2:
        return random_string(opt, false);
    case 3:
        return yzt_rand_next() % 2 ? json_true() : json_false();
    case 4:
        return json_null();
    case 5:
        return json_real((double)(int32_t)yzt_rand_next() / 64.0);
    case 6: {
        json_t *a = json_array();
        for (uint32_t i = yzt_rand_next() % 5; i > 0; i--)
            json_array_append_new(a, yzt_random_json(opt, depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (uint32_t i = yzt_rand_next() % 5; i > 0; i--) {
            json_t *k = random_string(opt, true);
            json_object_setn_new(o, json_string_value(k), json_string_length(k),
                                 yzt_random_json(opt, depth + 1));
            json_decref(k);
        }
        return o;
    }
    }
}
