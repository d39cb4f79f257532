/*
 * Unit tests of the draw algorithm "yizhan-draw/1" (src/assignment/draw.h):
 * known answers computed independently (Python hashlib.blake2b), determinism
 * from the seed whatever order the candidates come in, the rejection that
 * removes modulo bias (with an injected word source, and a chi-square check
 * of real draws), the weight rule (RULE: draw-weight), load balance over
 * 10,000 simulated draws, and the re-run of recorded draws catching every
 * kind of tampering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assignment/draw.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void seed_of(uint64_t i, unsigned char seed[YZ_DRAW_SEED_BYTES])
{
    unsigned char in[8];
    for (int k = 7; k >= 0; k--, i >>= 8)
        in[k] = (unsigned char)i;
    crypto_generichash(seed, YZ_DRAW_SEED_BYTES, in, sizeof in, NULL, 0);
}

static void counting_seed(unsigned char seed[YZ_DRAW_SEED_BYTES])
{
    for (int i = 0; i < YZ_DRAW_SEED_BYTES; i++)
        seed[i] = (unsigned char)i;
}

/* Known answers: seed 00 01 .. 1f (Python: blake2b(STR(tag)+seed+I64(k), 32)[:8]). */
static void words_match_independent_implementation(void **state)
{
    unsigned char seed[YZ_DRAW_SEED_BYTES];
    counting_seed(seed);
    assert_true(yz_draw_word(seed, 0) == UINT64_C(0x8c8da2cd8f5b8a01));
    assert_true(yz_draw_word(seed, 1) == UINT64_C(0xed23159ee149da8b));
    assert_true(yz_draw_word(seed, 7) == UINT64_C(0x906a6498bc3a9130));
    char hash[YZ_DRAW_HASH_HEX];
    yz_draw_seed_hash(seed, hash);
    assert_string_equal(hash, "cb2f5160fc1f7e05a55ef49d340b48da2e5a78099d53393351cd579dd42503d6");
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
    char again[YZ_DRAW_HASH_HEX];
    assert_true(yz_draw_seed_hash_hex(hex, again));
    assert_string_equal(again, hash);
    assert_false(yz_draw_seed_hash_hex("00", again));
    assert_false(yz_draw_seed_hash_hex(NULL, again));
    hex[0] = 'x';
    assert_false(yz_draw_seed_hash_hex(hex, again));
}

/* Weights 36, 16, 1 (total 53); word 0 mod 53 = 35, inside the first 36. */
static void known_draw(void **state)
{
    unsigned char seed[YZ_DRAW_SEED_BYTES];
    counting_seed(seed);
    struct yz_draw_candidate c[] = {{2, 12, 5, 0}, {1, 10, 0, 0}, {1, 11, 2, 0}};
    struct yz_draw_result r;
    assert_true(yz_draw_run(seed, c, 3, &r));
    assert_int_equal(c[0].judge_id, 10);
    assert_int_equal(c[0].weight, 36);
    assert_int_equal(c[1].weight, 16);
    assert_int_equal(c[2].weight, 1);
    assert_int_equal(r.total, 53);
    assert_int_equal(r.r, 35);
    assert_int_equal(r.attempts, 1);
    assert_int_equal(r.index, 0);
}

static void deterministic_whatever_the_order(void **state)
{
    for (uint64_t s = 0; s < 200; s++) {
        unsigned char seed[YZ_DRAW_SEED_BYTES];
        seed_of(s, seed);
        struct yz_draw_candidate a[] = {{1, 5, 3, 0}, {1, 6, 0, 0}, {2, 7, 9, 0}, {2, 5, 3, 0}};
        struct yz_draw_candidate b[] = {{2, 7, 9, 0}, {2, 5, 3, 0}, {1, 6, 0, 0}, {1, 5, 3, 0}};
        struct yz_draw_result ra, rb;
        assert_true(yz_draw_run(seed, a, 4, &ra));
        assert_true(yz_draw_run(seed, b, 4, &rb));
        assert_int_equal(a[ra.index].judge_id, b[rb.index].judge_id);
        assert_int_equal(a[ra.index].team_id, b[rb.index].team_id);
        assert_int_equal(ra.r, rb.r);
    }
}

static void bad_candidates_refused(void **state)
{
    unsigned char seed[YZ_DRAW_SEED_BYTES] = {0};
    struct yz_draw_result r;
    struct yz_draw_candidate dup[] = {{1, 5, 0, 0}, {1, 5, 1, 0}};
    assert_false(yz_draw_run(seed, dup, 2, &r));
    struct yz_draw_candidate neg[] = {{1, 5, -1, 0}};
    assert_false(yz_draw_run(seed, neg, 1, &r));
    struct yz_draw_candidate big[] = {{1, 5, YZ_DRAW_MAX_LOAD + 1, 0}};
    assert_false(yz_draw_run(seed, big, 1, &r));
    assert_false(yz_draw_run(seed, big, 0, &r));
    static struct yz_draw_candidate many[YZ_DRAW_MAX_CANDIDATES + 1];
    for (size_t i = 0; i < YZ_DRAW_MAX_CANDIDATES + 1; i++)
        many[i] = (struct yz_draw_candidate){1, (int64_t)i + 1, 0, 0};
    assert_false(yz_draw_run(seed, many, YZ_DRAW_MAX_CANDIDATES + 1, &r));
    assert_true(yz_draw_run(seed, many, YZ_DRAW_MAX_CANDIDATES, &r));
    /* The largest loads stay far from overflow: total < 2^48. */
    static struct yz_draw_candidate heavy[YZ_DRAW_MAX_CANDIDATES];
    for (size_t i = 0; i < YZ_DRAW_MAX_CANDIDATES; i++)
        heavy[i] = (struct yz_draw_candidate){1, (int64_t)i + 1, i ? 0 : YZ_DRAW_MAX_LOAD, 0};
    assert_true(yz_draw_run(seed, heavy, YZ_DRAW_MAX_CANDIDATES, &r));
    assert_true(r.total < (UINT64_C(1) << 48));
}

/* ---- no modulo bias ---------------------------------------------------------------- */

struct scripted {
    const uint64_t *words;
    size_t n;
};

static uint64_t scripted_word(void *ctx, uint64_t k)
{
    const struct scripted *s = ctx;
    return k < s->n ? s->words[k] : 0;
}

/* bound 3 * 2^62: 2^64 mod bound = 2^62, so words below 2^62 (which would
 * make residues 0 .. 2^62-1 twice as likely) are rejected, and the accepted
 * words [2^62, 2^64) map onto every residue exactly once. */
static void rejection_removes_modulo_bias(void **state)
{
    const uint64_t bound = UINT64_C(3) << 62, min = UINT64_C(1) << 62;
    uint64_t out, attempts;
    const uint64_t w1[] = {5, min + 7};
    struct scripted s1 = {w1, 2};
    assert_true(yz_draw_uniform(scripted_word, &s1, bound, &out, &attempts));
    assert_true(out == min + 7);
    assert_int_equal(attempts, 2);
    const uint64_t w2[] = {min - 1, min};
    struct scripted s2 = {w2, 2};
    assert_true(yz_draw_uniform(scripted_word, &s2, bound, &out, &attempts));
    assert_true(out == min);
    assert_int_equal(attempts, 2);
    const uint64_t w3[] = {UINT64_MAX};
    struct scripted s3 = {w3, 1};
    assert_true(yz_draw_uniform(scripted_word, &s3, bound, &out, &attempts));
    assert_true(out == min - 1); /* 2^64 - 1 = bound + 2^62 - 1 */
    /* A power of two divides 2^64: nothing is rejected. */
    const uint64_t w4[] = {0};
    struct scripted s4 = {w4, 1};
    assert_true(yz_draw_uniform(scripted_word, &s4, 1024, &out, &attempts));
    assert_true(out == 0 && attempts == 1);
    /* Every word rejected: no answer rather than a biased one. */
    struct scripted s5 = {NULL, 0};
    assert_false(yz_draw_uniform(scripted_word, &s5, bound, &out, &attempts));
    assert_false(yz_draw_uniform(scripted_word, &s4, 0, &out, &attempts));
}

static uint64_t seed_word(void *ctx, uint64_t k)
{
    return yz_draw_word(ctx, k);
}

/* 60,000 uniform draws in [0, 6) from distinct seeds: chi-square with 5
 * degrees of freedom below 20.5 (p = 0.001). Deterministic: fixed seeds. */
static void uniform_draws_are_uniform(void **state)
{
    int64_t count[6] = {0};
    const int n = 60000;
    for (int i = 0; i < n; i++) {
        unsigned char seed[YZ_DRAW_SEED_BYTES];
        seed_of((uint64_t)i, seed);
        uint64_t out, attempts;
        assert_true(yz_draw_uniform(seed_word, seed, 6, &out, &attempts));
        count[out]++;
    }
    double chi = 0, expected = n / 6.0;
    for (int k = 0; k < 6; k++)
        chi += (count[k] - expected) * (count[k] - expected) / expected;
    assert_true(chi < 20.5);
}

/* ---- load balance ----------------------------------------------------------------------- */

/* Draws n times among 5 judges starting from load[], the winner's load going
 * up by one each time; returns the largest spread (max - min load) seen over
 * the second half. */
static int64_t simulate(int64_t load[5], int n, uint64_t salt)
{
    int64_t worst = 0;
    for (int i = 0; i < n; i++) {
        struct yz_draw_candidate c[5];
        for (int j = 0; j < 5; j++)
            c[j] = (struct yz_draw_candidate){1, j + 1, load[j], 0};
        unsigned char seed[YZ_DRAW_SEED_BYTES];
        seed_of(salt + (uint64_t)i, seed);
        struct yz_draw_result r;
        assert_true(yz_draw_run(seed, c, 5, &r));
        load[c[r.index].judge_id - 1]++;
        int64_t lo = load[0], hi = load[0];
        for (int j = 1; j < 5; j++) {
            lo = load[j] < lo ? load[j] : lo;
            hi = load[j] > hi ? load[j] : hi;
        }
        if (i >= n / 2 && hi - lo > worst)
            worst = hi - lo;
    }
    return worst;
}

/* Stated tolerance: over 10,000 draws among 5 judges, once the loads have met,
 * no judge is ever more than 8 cases apart from another, whether they started
 * equal or 0/5/10/20/40 apart; from equal loads each judge gets 2000 +- 8. */
static void loads_balance_over_ten_thousand_draws(void **state)
{
    int64_t equal[5] = {0, 0, 0, 0, 0};
    assert_true(simulate(equal, 10000, 0) <= 8);
    for (int j = 0; j < 5; j++)
        assert_true(equal[j] >= 2000 - 8 && equal[j] <= 2000 + 8);
    int64_t skewed[5] = {0, 5, 10, 20, 40};
    assert_true(simulate(skewed, 10000, 1000000) <= 8);
    /* Still random: the most loaded judge keeps a chance (weight 1). */
    int64_t wins = 0;
    for (uint64_t s = 0; s < 4000; s++) {
        struct yz_draw_candidate c[] = {{1, 1, 0, 0}, {1, 2, 1, 0}};
        unsigned char seed[YZ_DRAW_SEED_BYTES];
        seed_of(s, seed);
        struct yz_draw_result r;
        assert_true(yz_draw_run(seed, c, 2, &r));
        wins += c[r.index].judge_id == 2;
    }
    /* weights 4 : 1, so about 800 of 4000 */
    assert_true(wins > 650 && wins < 950);
}

/* ---- re-running a recorded draw -------------------------------------------------------------- */

/* A record as the draw effect writes it. */
static json_t *record(uint64_t s, char committed[YZ_DRAW_HASH_HEX])
{
    unsigned char seed[YZ_DRAW_SEED_BYTES];
    seed_of(s, seed);
    struct yz_draw_candidate c[] = {{1, 10, 3, 0}, {1, 11, 0, 0}, {2, 12, 1, 0}};
    struct yz_draw_result r;
    assert_true(yz_draw_run(seed, c, 3, &r));
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
    yz_draw_seed_hash(seed, committed);
    json_t *cands = json_array();
    for (int i = 0; i < 3; i++)
        json_array_append_new(cands, json_pack("{s:I, s:I, s:I, s:I}", "team_id",
                                               (json_int_t)c[i].team_id, "judge_id",
                                               (json_int_t)c[i].judge_id, "load",
                                               (json_int_t)c[i].load, "weight",
                                               (json_int_t)c[i].weight));
    return json_pack("{s:s, s:s, s:s, s:o, s:[{s:I, s:I, s:s, s:s}], s:I, s:I, s:I, s:{s:I, s:I}}",
                     "algorithm", YZ_DRAW_ALGORITHM, "seed", hex, "seed_hash", committed,
                     "candidates", cands, "exclusions", "judge_id", (json_int_t)13, "team_id",
                     (json_int_t)2, "code", "recused", "reason", "自行回避：与原告代理人系近亲属",
                     "total_weight", (json_int_t)r.total, "r", (json_int_t)r.r, "attempts",
                     (json_int_t)r.attempts, "result", "team_id", (json_int_t)c[r.index].team_id,
                     "judge_id", (json_int_t)c[r.index].judge_id);
}

static void expect_problem(json_t *rec, const char *committed, const char *problem)
{
    char got[128];
    assert_false(yz_draw_check(rec, committed, got, sizeof got));
    assert_string_equal(got, problem);
    json_decref(rec);
}

static json_t *cand(json_t *rec, size_t i)
{
    return json_array_get(json_object_get(rec, "candidates"), i);
}

static void recorded_draws_rerun_and_tampering_is_caught(void **state)
{
    char committed[YZ_DRAW_HASH_HEX], problem[128];
    for (uint64_t s = 0; s < 50; s++) {
        json_t *rec = record(s, committed);
        assert_true(yz_draw_check(rec, committed, problem, sizeof problem));
        json_decref(rec);
    }
    json_t *rec = record(7, committed);
    /* Another judge written in as the result. */
    int64_t judge = json_integer_value(json_object_get(json_object_get(rec, "result"), "judge_id"));
    json_object_set_new(json_object_get(rec, "result"), "judge_id",
                        json_integer(judge == 10 ? 11 : 10));
    expect_problem(rec, committed, "the result is not the one the seed gives");

    rec = record(7, committed);
    expect_problem(rec, "00", "seed does not match its commitment");

    rec = record(7, committed);
    char other[YZ_DRAW_HASH_HEX];
    json_decref(record(8, other));
    expect_problem(rec, other, "seed does not match its commitment");

    rec = record(7, committed);
    json_object_set_new(rec, "seed_hash", json_string(other));
    expect_problem(rec, committed, "seed does not match the recorded seed_hash");

    rec = record(7, committed);
    json_object_set_new(rec, "seed", json_string("zz"));
    expect_problem(rec, committed, "malformed seed");

    rec = record(7, committed);
    json_object_set_new(cand(rec, 1), "load", json_integer(30)); /* a load lowered or raised */
    expect_problem(rec, committed, "a weight differs from the rule");

    rec = record(7, committed);
    json_object_set_new(cand(rec, 0), "weight", json_integer(1000));
    expect_problem(rec, committed, "a weight differs from the rule");

    rec = record(7, committed);
    json_array_remove(json_object_get(rec, "candidates"), 2); /* a candidate left out */
    char problem2[128];
    assert_false(yz_draw_check(rec, committed, problem2, sizeof problem2));
    json_decref(rec);

    rec = record(7, committed);
    json_t *first = json_deep_copy(cand(rec, 0));
    json_array_remove(json_object_get(rec, "candidates"), 0);
    json_array_append_new(json_object_get(rec, "candidates"), first);
    expect_problem(rec, committed, "candidates out of order");

    rec = record(7, committed);
    json_object_set_new(json_array_get(json_object_get(rec, "exclusions"), 0), "judge_id",
                        json_integer(11));
    expect_problem(rec, committed, "an excluded judge is among the candidates");

    rec = record(7, committed);
    json_object_set_new(json_array_get(json_object_get(rec, "exclusions"), 0), "reason",
                        json_string(""));
    expect_problem(rec, committed, "an exclusion without its reason");

    rec = record(7, committed);
    json_object_set_new(rec, "r", json_integer(json_integer_value(json_object_get(rec, "r")) + 1));
    expect_problem(rec, committed, "the random number differs");

    rec = record(7, committed);
    json_object_set_new(rec, "algorithm", json_string("yizhan-draw/0"));
    expect_problem(rec, committed, "unknown algorithm");

    rec = record(7, committed);
    json_object_set_new(rec, "candidates", json_array());
    expect_problem(rec, committed, "malformed candidates");

    rec = record(7, committed);
    json_object_set_new(cand(rec, 0), "judge_id", json_string("10"));
    expect_problem(rec, committed, "malformed candidate");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_match_independent_implementation),
        cmocka_unit_test(known_draw),
        cmocka_unit_test(deterministic_whatever_the_order),
        cmocka_unit_test(bad_candidates_refused),
        cmocka_unit_test(rejection_removes_modulo_bias),
        cmocka_unit_test(uniform_draws_are_uniform),
        cmocka_unit_test(loads_balance_over_ten_thousand_draws),
        cmocka_unit_test(recorded_draws_rerun_and_tampering_is_caught),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
