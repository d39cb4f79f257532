/*
 * The draw (随机分案) as a pure, deterministic algorithm, so that anyone can
 * re-run a recorded draw from the history with nothing but BLAKE2b.
 *
 * ---------------------------------------------------------------------------
 * THE ALGORITHM, version 1 ("yizhan-draw/1").
 *
 * Inputs: a 32-byte seed, and the candidates: (team_id, judge_id, load) for
 * every eligible judge of every eligible team, load being the judge's open
 * assigned cases when the draw is made (0..YZ_DRAW_MAX_LOAD).
 *
 *   1. Order the candidates by judge_id, then team_id, ascending.
 *   2. RULE: draw-weight. weight = (max_load - load + 1)^2, max_load being
 *      the largest load among the candidates: the least loaded judge is the
 *      most likely to be drawn, the most loaded one still can be (weight 1),
 *      so the draw stays random while loads converge.
 *   3. total = the sum of the weights.
 *   4. word(k) = the first 8 bytes, big-endian, of
 *        BLAKE2b-256( STR("yizhan-draw/1") || seed || I64(k) )
 *      (STR and I64 as in audit/events.h: 4-byte big-endian length then the
 *      bytes; 8-byte big-endian), for k = 0, 1, 2, ...
 *   5. A uniform r in [0, total) without modulo bias, by rejection: with
 *      min = 2^64 mod total, take the first word(k) >= min; r = word mod total.
 *      (The accepted words are 2^64 - min, a multiple of total, so every r
 *      has exactly the same number of words.) attempts = k + 1.
 *   6. The winner is the first candidate, in the order of step 1, whose
 *      cumulative weight exceeds r.
 *
 * The seed is committed before the draw: an event records
 * seed_hash = hex(BLAKE2b-256(seed)) and the draw event later records the
 * seed itself, the candidates with their loads and weights, the exclusions
 * with their reasons, total, r, attempts and the result.
 * ---------------------------------------------------------------------------
 */
#ifndef YZ_ASSIGNMENT_DRAW_H
#define YZ_ASSIGNMENT_DRAW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YZ_DRAW_ALGORITHM "yizhan-draw/1"
#define YZ_DRAW_SEED_BYTES 32
#define YZ_DRAW_HASH_HEX 65 /* 64 hex digits + NUL */
#define YZ_DRAW_MAX_CANDIDATES 256
#define YZ_DRAW_MAX_LOAD 1000000
/* Within the bounds above total < 2^48, so a word is rejected with
 * probability below 2^-16; past this many attempts something is broken. */
#define YZ_DRAW_MAX_ATTEMPTS 64

struct yz_draw_candidate {
    int64_t team_id, judge_id, load;
    uint64_t weight; /* set by yz_draw_weigh */
};

struct yz_draw_result {
    size_t index;      /* into the sorted candidates */
    uint64_t total, r; /* total weight and the uniform draw in [0, total) */
    uint64_t attempts; /* words used (1 unless a word was rejected) */
};

/* A source of 64-bit words: word k of a stream (yz_draw_word for real draws;
 * tests inject their own to exercise the rejection). */
typedef uint64_t (*yz_draw_source)(void *ctx, uint64_t k);

/* Step 4: word k of the seed's stream. */
uint64_t yz_draw_word(const unsigned char seed[YZ_DRAW_SEED_BYTES], uint64_t k);
/* Step 5: a uniform integer in [0, bound) from src; false when bound is 0 or
 * YZ_DRAW_MAX_ATTEMPTS words were all rejected. */
bool yz_draw_uniform(yz_draw_source src, void *ctx, uint64_t bound, uint64_t *out,
                     uint64_t *attempts);
/* Steps 1-3: sorts c and sets every weight. False for n outside
 * 1..YZ_DRAW_MAX_CANDIDATES, a load outside 0..YZ_DRAW_MAX_LOAD, or the same
 * (judge, team) twice. */
bool yz_draw_prepare(struct yz_draw_candidate *c, size_t n);
/* The whole draw (steps 1-6) over c[0..n), which it sorts and weighs. */
bool yz_draw_run(const unsigned char seed[YZ_DRAW_SEED_BYTES], struct yz_draw_candidate *c,
                 size_t n, struct yz_draw_result *out);
/* hex(BLAKE2b-256(seed)). */
void yz_draw_seed_hash(const unsigned char seed[YZ_DRAW_SEED_BYTES], char hex[YZ_DRAW_HASH_HEX]);

/* The same for a seed given as 64 hex digits; false when it is not one. */
bool yz_draw_seed_hash_hex(const char *seed_hex, char hex[YZ_DRAW_HASH_HEX]);

/*
 * Re-runs a recorded draw: draw is the payload of an "assignment.drawn"
 * event, committed_hash the seed_hash of the commitment it names. Checks the
 * algorithm name, that the seed hashes to committed_hash and to the recorded
 * seed_hash, that the candidates are in order with the weights the rule
 * gives, total, r and attempts as recomputed, that the result is the
 * recomputed winner, and that no excluded judge is a candidate. Returns true
 * when everything matches; else false with a short English reason in problem.
 */
bool yz_draw_check(const json_t *draw, const char *committed_hash, char *problem, size_t size);

#endif
