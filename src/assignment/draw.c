/*
 * The draw algorithm "yizhan-draw/1" (draw.h) and the re-run of a recorded
 * draw. Nothing here touches the database: the same code draws and verifies.
 */
#include "assignment/draw.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

uint64_t yz_draw_word(const unsigned char seed[YZ_DRAW_SEED_BYTES], uint64_t k)
{
    static const char tag[] = YZ_DRAW_ALGORITHM;
    unsigned char msg[4 + sizeof tag - 1 + YZ_DRAW_SEED_BYTES + 8];
    size_t n = 0;
    put_u32(msg, (uint32_t)(sizeof tag - 1));
    n += 4;
    memcpy(msg + n, tag, sizeof tag - 1);
    n += sizeof tag - 1;
    memcpy(msg + n, seed, YZ_DRAW_SEED_BYTES);
    n += YZ_DRAW_SEED_BYTES;
    put_u64(msg + n, k);
    n += 8;
    unsigned char h[32];
    crypto_generichash(h, sizeof h, msg, n, NULL, 0);
    uint64_t w = 0;
    for (int i = 0; i < 8; i++)
        w = (w << 8) | h[i];
    return w;
}

bool yz_draw_uniform(yz_draw_source src, void *ctx, uint64_t bound, uint64_t *out,
                     uint64_t *attempts)
{
    if (bound == 0)
        return false;
    uint64_t min = (0 - bound) % bound; /* 2^64 mod bound */
    for (uint64_t k = 0; k < YZ_DRAW_MAX_ATTEMPTS; k++) {
        uint64_t w = src(ctx, k);
        if (w >= min) {
            *out = w % bound;
            *attempts = k + 1;
            return true;
        }
    }
    return false;
}

static int by_judge_team(const void *a, const void *b)
{
    const struct yz_draw_candidate *x = a, *y = b;
    if (x->judge_id != y->judge_id)
        return x->judge_id < y->judge_id ? -1 : 1;
    if (x->team_id != y->team_id)
        return x->team_id < y->team_id ? -1 : 1;
    return 0;
}

bool yz_draw_prepare(struct yz_draw_candidate *c, size_t n)
{
    if (n == 0 || n > YZ_DRAW_MAX_CANDIDATES)
        return false;
    int64_t max_load = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].load < 0 || c[i].load > YZ_DRAW_MAX_LOAD)
            return false;
        if (c[i].load > max_load)
            max_load = c[i].load;
    }
    qsort(c, n, sizeof *c, by_judge_team);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && by_judge_team(&c[i - 1], &c[i]) == 0)
            return false;
        uint64_t d = (uint64_t)(max_load - c[i].load) + 1;
        c[i].weight = d * d; /* RULE: draw-weight */
    }
    return true;
}

static uint64_t seed_source(void *ctx, uint64_t k)
{
    return yz_draw_word(ctx, k);
}

bool yz_draw_run(const unsigned char seed[YZ_DRAW_SEED_BYTES], struct yz_draw_candidate *c,
                 size_t n, struct yz_draw_result *out)
{
    if (!yz_draw_prepare(c, n))
        return false;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += c[i].weight; /* < 2^48 within the bounds checked above */
    out->total = total;
    if (!yz_draw_uniform(seed_source, (void *)seed, total, &out->r, &out->attempts))
        return false;
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc += c[i].weight;
        if (out->r < acc) {
            out->index = i;
            return true;
        }
    }
    return false; /* unreachable: r < total */
}

void yz_draw_seed_hash(const unsigned char seed[YZ_DRAW_SEED_BYTES], char hex[YZ_DRAW_HASH_HEX])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, seed, YZ_DRAW_SEED_BYTES, NULL, 0);
    sodium_bin2hex(hex, YZ_DRAW_HASH_HEX, h, sizeof h);
}

bool yz_draw_seed_hash_hex(const char *seed_hex, char hex[YZ_DRAW_HASH_HEX])
{
    unsigned char seed[YZ_DRAW_SEED_BYTES];
    size_t len = 0;
    if (!seed_hex || strlen(seed_hex) != 2 * YZ_DRAW_SEED_BYTES ||
        sodium_hex2bin(seed, sizeof seed, seed_hex, strlen(seed_hex), NULL, &len, NULL) != 0 ||
        len != YZ_DRAW_SEED_BYTES)
        return false;
    yz_draw_seed_hash(seed, hex);
    sodium_memzero(seed, sizeof seed);
    return true;
}

/* ---- re-running a recorded draw ------------------------------------------------ */

static bool fail(char *problem, size_t size, const char *what)
{
    snprintf(problem, size, "%s", what);
    return false;
}

static bool get_int(const json_t *o, const char *k, int64_t *out)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

bool yz_draw_check(const json_t *draw, const char *committed_hash, char *problem, size_t size)
{
    const char *alg = json_string_value(json_object_get(draw, "algorithm"));
    if (!alg || strcmp(alg, YZ_DRAW_ALGORITHM) != 0)
        return fail(problem, size, "unknown algorithm");
    const char *seed_hex = json_string_value(json_object_get(draw, "seed"));
    const char *seed_hash = json_string_value(json_object_get(draw, "seed_hash"));
    unsigned char seed[YZ_DRAW_SEED_BYTES];
    size_t seed_len = 0;
    if (!seed_hex || strlen(seed_hex) != 2 * YZ_DRAW_SEED_BYTES ||
        sodium_hex2bin(seed, sizeof seed, seed_hex, strlen(seed_hex), NULL, &seed_len, NULL) != 0 ||
        seed_len != YZ_DRAW_SEED_BYTES)
        return fail(problem, size, "malformed seed");
    char hash[YZ_DRAW_HASH_HEX];
    yz_draw_seed_hash(seed, hash);
    if (!committed_hash || strcmp(hash, committed_hash) != 0)
        return fail(problem, size, "seed does not match its commitment");
    if (!seed_hash || strcmp(hash, seed_hash) != 0)
        return fail(problem, size, "seed does not match the recorded seed_hash");

    const json_t *arr = json_object_get(draw, "candidates");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > YZ_DRAW_MAX_CANDIDATES)
        return fail(problem, size, "malformed candidates");
    struct yz_draw_candidate c[YZ_DRAW_MAX_CANDIDATES];
    int64_t recorded_weight[YZ_DRAW_MAX_CANDIDATES];
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        if (!get_int(o, "team_id", &c[i].team_id) || !get_int(o, "judge_id", &c[i].judge_id) ||
            !get_int(o, "load", &c[i].load) || !get_int(o, "weight", &recorded_weight[i]))
            return fail(problem, size, "malformed candidate");
        if (i > 0 && (c[i - 1].judge_id > c[i].judge_id ||
                      (c[i - 1].judge_id == c[i].judge_id && c[i - 1].team_id >= c[i].team_id)))
            return fail(problem, size, "candidates out of order");
    }
    struct yz_draw_result res;
    if (!yz_draw_run(seed, c, n, &res))
        return fail(problem, size, "candidates cannot be drawn from");
    for (size_t i = 0; i < n; i++)
        if (recorded_weight[i] < 0 || (uint64_t)recorded_weight[i] != c[i].weight)
            return fail(problem, size, "a weight differs from the rule");
    int64_t total, r, attempts;
    if (!get_int(draw, "total_weight", &total) || total < 0 || (uint64_t)total != res.total)
        return fail(problem, size, "total weight differs");
    if (!get_int(draw, "r", &r) || r < 0 || (uint64_t)r != res.r)
        return fail(problem, size, "the random number differs");
    if (!get_int(draw, "attempts", &attempts) || attempts < 0 ||
        (uint64_t)attempts != res.attempts)
        return fail(problem, size, "attempts differ");
    const json_t *result = json_object_get(draw, "result");
    int64_t judge, team;
    if (!get_int(result, "judge_id", &judge) || !get_int(result, "team_id", &team))
        return fail(problem, size, "malformed result");
    if (judge != c[res.index].judge_id || team != c[res.index].team_id)
        return fail(problem, size, "the result is not the one the seed gives");
    const json_t *ex = json_object_get(draw, "exclusions");
    if (!json_is_array(ex))
        return fail(problem, size, "malformed exclusions");
    for (size_t i = 0; i < json_array_size(ex); i++) {
        int64_t j;
        if (!get_int(json_array_get(ex, i), "judge_id", &j))
            return fail(problem, size, "malformed exclusion");
        const char *code = json_string_value(json_object_get(json_array_get(ex, i), "code"));
        const char *reason = json_string_value(json_object_get(json_array_get(ex, i), "reason"));
        if (!code || !*code || !reason || !*reason)
            return fail(problem, size, "an exclusion without its reason");
        for (size_t k = 0; k < n; k++)
            if (c[k].judge_id == j)
                return fail(problem, size, "an excluded judge is among the candidates");
    }
    return true;
}
