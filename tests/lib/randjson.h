/*
 * Random JSON values for the writer's and the copier's property tests
 * (tests/unit/core/test_jsonwrite.c, test_jsoncopy.c): strings of awkward
 * pieces (quotes, backslashes, control characters, CJK, emoji, JSON
 * punctuation), integers at both ends of the range, reals, nested arrays
 * and objects. Deterministic: the same sequence on every run.
 */
#ifndef YZT_RANDJSON_H
#define YZT_RANDJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct yzt_randjson {
    bool reals;       /* now and then a real */
    bool nuls;        /* now and then a NUL inside a string */
    bool sealed_keys; /* now and then an object key ending in "_enc" */
};

uint32_t yzt_rand_next(void);
/* A new value nesting at most about 5 levels below depth. */
json_t *yzt_random_json(const struct yzt_randjson *opt, int depth);

#endif
