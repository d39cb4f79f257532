/*
 * Unit tests for src/fees/fees.c: every schedule of 诉讼费用交纳办法 with
 * worked examples (expected values computed by hand in the comments, in
 * yuan, then written in fen), band edges, the halving rules, caps, local
 * settings, rounding, validation and the strict yuan parser. Each test names
 * the RULE tag of the code it checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fees/fees.h"

#define YUAN(y) ((int64_t)(y)*100)

/* ---- helpers ------------------------------------------------------------ */

static struct yz_fee_request req_of(enum yz_fee_kind kind)
{
    struct yz_fee_request r = {0};
    r.kind = kind;
    return r;
}

static struct yz_fee_request with_amount(enum yz_fee_kind kind, int64_t fen)
{
    struct yz_fee_request r = req_of(kind);
    r.has_amount = true;
    r.amount_fen = fen;
    return r;
}

/* Quotes and asserts an exact fee. */
static void expect_fee_s(const struct yz_fee_request *r, const struct yz_fee_settings *s,
                         int64_t fen)
{
    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_fee_quote(r, s, &q, &fe), YZ_OK);
    assert_int_equal(fe.count, 0);
    assert_false(q.range);
    assert_int_equal(q.fee_fen, fen);
    assert_int_equal(q.min_fen, fen);
    assert_int_equal(q.max_fen, fen);
    assert_true(q.step_count > 0);
    assert_true(q.article_count > 0);
}

static void expect_fee(const struct yz_fee_request *r, int64_t fen)
{
    expect_fee_s(r, NULL, fen);
}

static void expect_range_s(const struct yz_fee_request *r, const struct yz_fee_settings *s,
                           int64_t lo, int64_t hi)
{
    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_fee_quote(r, s, &q, &fe), YZ_OK);
    assert_true(q.range);
    assert_int_equal(q.min_fen, lo);
    assert_int_equal(q.max_fen, hi);
}

static void expect_range(const struct yz_fee_request *r, int64_t lo, int64_t hi)
{
    expect_range_s(r, NULL, lo, hi);
}

static int64_t property_fee(int64_t fen)
{
    struct yz_fee_request r = with_amount(YZ_FEE_PROPERTY, fen);
    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_OK);
    assert_false(q.range);
    return q.fee_fen;
}

static bool has_article(const struct yz_fee_quote *q, const char *a)
{
    for (int i = 0; i < q->article_count; i++)
        if (strcmp(q->articles[i], a) == 0)
            return true;
    return false;
}

/* Expects a validation failure that names field with code (among others). */
static void expect_error_s(const struct yz_fee_request *r, const struct yz_fee_settings *s,
                           const char *field, const char *code)
{
    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_fee_quote(r, s, &q, &fe), YZ_ERR_VALIDATION);
    for (int i = 0; i < fe.count; i++) {
        if (strcmp(fe.items[i].field, field) == 0 && strcmp(fe.items[i].code, code) == 0) {
            assert_true(strlen(fe.items[i].message) > 0);
            return;
        }
    }
    fail_msg("no error %s/%s among %d", field, code, fe.count);
}

static void expect_error(const struct yz_fee_request *r, const char *field, const char *code)
{
    expect_error_s(r, NULL, field, code);
}

/* ---- RULE: fee-property-bands ------------------------------------------- */

static void property_worked_examples(void **state)
{
    /* 10,000 yuan: the first band, flat 50 yuan. */
    assert_int_equal(property_fee(YUAN(10000)), YUAN(50));
    /* 100,000: 50 + 90,000 x 2.5% = 50 + 2,250 = 2,300 yuan. */
    assert_int_equal(property_fee(YUAN(100000)), YUAN(2300));
    /* 1,000,000: 2,300 + 100,000 x 2% + 300,000 x 1.5% + 500,000 x 1%
     * = 2,300 + 2,000 + 4,500 + 5,000 = 13,800 yuan. */
    assert_int_equal(property_fee(YUAN(1000000)), YUAN(13800));
    /* 400,000 (a court's published example): 4,300 + 200,000 x 1.5% = 7,300 yuan. */
    assert_int_equal(property_fee(YUAN(400000)), YUAN(7300));
    /* 1 fen: still "不超过1万元", 50 yuan. */
    assert_int_equal(property_fee(1), YUAN(50));
}

static void property_band_edges(void **state)
{
    /* Totals at each band's upper bound (fees.json band_totals_at_upper_bounds):
     * 10k 50; 100k 50+2,250 = 2,300; 200k +2,000 = 4,300; 500k +4,500 = 8,800;
     * 1M +5,000 = 13,800; 2M +9,000 = 22,800; 5M +24,000 = 46,800;
     * 10M +35,000 = 81,800; 20M +60,000 = 141,800. */
    static const struct {
        int64_t amount_yuan, fee_yuan;
        int next_permille; /* rate of the band above the edge */
    } edges[] = {
        {10000, 50, 25},     {100000, 2300, 20},   {200000, 4300, 15},
        {500000, 8800, 10},  {1000000, 13800, 9},  {2000000, 22800, 8},
        {5000000, 46800, 7}, {10000000, 81800, 6}, {20000000, 141800, 5},
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        int64_t at = YUAN(edges[i].amount_yuan);
        assert_int_equal(property_fee(at), YUAN(edges[i].fee_yuan));
        /* 1 fen above: 0.01 yuan x at most 2.5% = 0.025 fen, rounds back down. */
        assert_int_equal(property_fee(at + 1), YUAN(edges[i].fee_yuan));
        /* 100 yuan above: the next band's rate, 100 x r = r permille x 100 yuan
         * (e.g. 10,100 -> 50 + 2.5 = 52.50 yuan; 20,000,100 -> 141,800.50). */
        assert_int_equal(property_fee(at + YUAN(100)),
                         YUAN(edges[i].fee_yuan) + edges[i].next_permille * 10);
        /* 100 yuan below (same band as the edge, except the flat first band). */
        if (i > 0) {
            int prev_permille = edges[i - 1].next_permille;
            assert_int_equal(property_fee(at - YUAN(100)),
                             YUAN(edges[i].fee_yuan) - prev_permille * 10);
        }
    }
}

/* The published 速算 formula (fee = amount x rate + addend) must agree everywhere. */
static void property_matches_quick_formula(void **state)
{
    static const struct {
        int64_t upto_yuan; /* 0 = no bound */
        int permille;
        int64_t addend_yuan;
    } rows[] = {
        {10000, 0, 50},       {100000, 25, -200}, {200000, 20, 300},  {500000, 15, 1300},
        {1000000, 10, 3800},  {2000000, 9, 4800}, {5000000, 8, 6800}, {10000000, 7, 11800},
        {20000000, 6, 21800}, {0, 5, 41800},
    };
    uint64_t x = 88172645463325252ull; /* xorshift: deterministic amounts */
    for (int n = 0; n < 5000; n++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t fen = (int64_t)(x % (uint64_t)YUAN(50000000)) + 1;
        size_t i = 0;
        while (rows[i].upto_yuan && fen > YUAN(rows[i].upto_yuan))
            i++;
        /* millifen = fen x permille + addend in millifen; round half up to the fen. */
        int64_t mf = fen * rows[i].permille + rows[i].addend_yuan * 100 * 1000;
        int64_t expect = (mf + 500) / 1000;
        if (rows[i].permille == 0)
            expect = YUAN(50);
        assert_int_equal(property_fee(fen), expect);
    }
}

static void property_largest_amount(void **state)
{
    /* 10^13 yuan: 141,800 + (10^13 - 2x10^7) x 0.5% = 141,800 + 49,999,900,000
     * = 50,000,041,800 yuan. */
    assert_int_equal(property_fee(YZ_FEE_AMOUNT_MAX_FEN), INT64_C(5000004180000));
}

/* ---- RULE: fee-rounding ------------------------------------------------- */

static void rounding_half_up_once(void **state)
{
    /* 10,000.20 yuan: 50 + 0.20 x 2.5% = 50.005 yuan = 5,000.5 fen -> 5,001 (half up). */
    assert_int_equal(property_fee(YUAN(10000) + 20), 5001);
    /* 10,000.19: 0.19 x 2.5% = 0.475 fen -> 5,000. */
    assert_int_equal(property_fee(YUAN(10000) + 19), 5000);
    /* Halved, rounded once: 5,000.5 / 2 = 2,500.25 -> 2,500 fen (rounding first would give
     * 5,001 / 2 = 2,500.5 -> 2,501). RULE: fee-halving too. */
    struct yz_fee_request r = with_amount(YZ_FEE_PROPERTY, YUAN(10000) + 20);
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    expect_fee(&r, 2500);

    /* Rounding to the yuan when the settings ask: 10,100 -> 52.5 yuan -> 53 yuan;
     * 10,099 -> 52.475 -> 52 yuan. */
    struct yz_fee_settings s = {0};
    s.rounding = YZ_FEE_ROUND_YUAN;
    r = with_amount(YZ_FEE_PROPERTY, YUAN(10100));
    expect_fee_s(&r, &s, YUAN(53));
    r = with_amount(YZ_FEE_PROPERTY, YUAN(10099));
    expect_fee_s(&r, &s, YUAN(52));
}

/* ---- RULE: fee-halving -------------------------------------------------- */

static void halving_rules(void **state)
{
    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    /* 100,000 yuan -> 2,300; every reason halves it to 1,150 yuan. */
    struct yz_fee_request r = with_amount(YZ_FEE_PROPERTY, YUAN(100000));
    r.procedure = YZ_FEE_PROC_SIMPLIFIED; /* 办法第十六条 */
    expect_fee(&r, YUAN(1150));
    r.procedure = YZ_FEE_PROC_ORDINARY;
    expect_fee(&r, YUAN(2300));
    r.closed_by = YZ_FEE_CLOSED_MEDIATION; /* 第十五条 */
    expect_fee(&r, YUAN(1150));
    r.closed_by = YZ_FEE_CLOSED_WITHDRAWAL; /* 第十五条 */
    expect_fee(&r, YUAN(1150));
    r.closed_by = YZ_FEE_CLOSED_NONE;
    r.counterclaim = true; /* 第十八条 */
    expect_fee(&r, YUAN(1150));

    /* Simplified + mediation + counterclaim: still halved once (民诉解释第二百零六条),
     * 1,150 yuan, not 575 or 287.50. */
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    r.closed_by = YZ_FEE_CLOSED_MEDIATION;
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_OK);
    assert_int_equal(q.fee_fen, YUAN(1150));
    assert_true(has_article(&q, "民诉解释第二百零六条"));
    assert_true(has_article(&q, "诉讼费用交纳办法第十五条"));
    assert_true(has_article(&q, "诉讼费用交纳办法第十六条"));
    assert_true(has_article(&q, "诉讼费用交纳办法第十八条"));
    assert_true(has_article(&q, "诉讼费用交纳办法第十三条第一项"));

    /* One reason only: no 206 citation. */
    r = with_amount(YZ_FEE_PROPERTY, YUAN(100000));
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_OK);
    assert_false(has_article(&q, "民诉解释第二百零六条"));

    /* A range is halved at both ends: other non-property 50-100 -> 25-50 yuan. */
    r = req_of(YZ_FEE_OTHER_NON_PROPERTY);
    r.closed_by = YZ_FEE_CLOSED_WITHDRAWAL;
    expect_range(&r, YUAN(25), YUAN(50));
}

/* ---- RULE: fee-divorce-property, fee-local-ranges ----------------------- */

static void divorce(void **state)
{
    struct yz_fee_settings s = {0};
    struct yz_fee_request r = req_of(YZ_FEE_DIVORCE);
    /* No local figure: 50-300 yuan per case (13(2)1). */
    expect_range(&r, YUAN(50), YUAN(300));
    /* Local figure 100 yuan. */
    s.divorce.min_fen = s.divorce.max_fen = YUAN(100);
    expect_fee_s(&r, &s, YUAN(100));
    /* Property 300,000: 100 + (300,000 - 200,000) x 0.5% = 100 + 500 = 600 yuan. */
    r.has_property_total = true;
    r.property_total_fen = YUAN(300000);
    expect_fee_s(&r, &s, YUAN(600));
    /* Property exactly 200,000: nothing extra, 100 yuan. */
    r.property_total_fen = YUAN(200000);
    expect_fee_s(&r, &s, YUAN(100));
    /* Property 1,000,000, unset: 50-300 + 800,000 x 0.5% = 4,050-4,300 yuan. */
    r.property_total_fen = YUAN(1000000);
    expect_range(&r, YUAN(4050), YUAN(4300));
    /* Simplified, property 300,000, 100 yuan locally: (100 + 500) / 2 = 300 yuan. */
    r.property_total_fen = YUAN(300000);
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    expect_fee_s(&r, &s, YUAN(300));
    /* A narrower local range stays a range: 100-200 yuan, no property. */
    r = req_of(YZ_FEE_DIVORCE);
    s.divorce.min_fen = YUAN(100);
    s.divorce.max_fen = YUAN(200);
    expect_range_s(&r, &s, YUAN(100), YUAN(200));
}

/* ---- RULE: fee-personality-damages -------------------------------------- */

static void personality_rights(void **state)
{
    struct yz_fee_settings s = {0};
    s.personality_rights.min_fen = s.personality_rights.max_fen = YUAN(200);
    struct yz_fee_request r = req_of(YZ_FEE_PERSONALITY_RIGHTS);
    /* Unset: 100-500 yuan (13(2)2). */
    expect_range(&r, YUAN(100), YUAN(500));
    expect_fee_s(&r, &s, YUAN(200));
    r.has_damages = true;
    /* Damages 50,000: not over 5万, nothing extra: 200 yuan. */
    r.damages_fen = YUAN(50000);
    expect_fee_s(&r, &s, YUAN(200));
    /* Damages 80,000: 200 + 30,000 x 1% = 500 yuan. */
    r.damages_fen = YUAN(80000);
    expect_fee_s(&r, &s, YUAN(500));
    /* Damages 150,000: 200 + 50,000 x 1% + 50,000 x 0.5% = 200 + 500 + 250 = 950 yuan. */
    r.damages_fen = YUAN(150000);
    expect_fee_s(&r, &s, YUAN(950));
    /* Same, mediated: 475 yuan. */
    r.closed_by = YZ_FEE_CLOSED_MEDIATION;
    expect_fee_s(&r, &s, YUAN(475));
}

static void other_non_property(void **state)
{
    struct yz_fee_settings s = {0};
    struct yz_fee_request r = req_of(YZ_FEE_OTHER_NON_PROPERTY);
    /* 13(2)3: 50-100 yuan. */
    expect_range(&r, YUAN(50), YUAN(100));
    s.other_non_property.min_fen = s.other_non_property.max_fen = YUAN(80);
    expect_fee_s(&r, &s, YUAN(80));
    /* Simplified: 40 yuan. */
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    expect_fee_s(&r, &s, YUAN(40));
}

static void intellectual_property(void **state)
{
    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    struct yz_fee_settings s = {0};
    /* Without an amount: 500-1,000 yuan (13(3)). */
    struct yz_fee_request r = req_of(YZ_FEE_IP);
    expect_range(&r, YUAN(500), YUAN(1000));
    s.ip_without_amount.min_fen = s.ip_without_amount.max_fen = YUAN(800);
    expect_fee_s(&r, &s, YUAN(800));
    /* With an amount: the property schedule, 100,000 -> 2,300 yuan. */
    r = with_amount(YZ_FEE_IP, YUAN(100000));
    expect_fee(&r, YUAN(2300));
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_OK);
    assert_true(has_article(&q, "诉讼费用交纳办法第十三条第三项"));
    assert_true(has_article(&q, "诉讼费用交纳办法第十三条第一项"));
    /* 1,000,000 in simplified procedure: 13,800 / 2 = 6,900 yuan. */
    r = with_amount(YZ_FEE_IP, YUAN(1000000));
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    expect_fee(&r, YUAN(6900));
}

static void labor_and_administrative(void **state)
{
    /* 13(4): 10 yuan; simplified 5 yuan. */
    struct yz_fee_request r = req_of(YZ_FEE_LABOR);
    expect_fee(&r, YUAN(10));
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    expect_fee(&r, YUAN(5));
    /* 13(5)1: trademark/patent/maritime 100 yuan; 13(5)2: other 50, withdrawn 25. */
    r = req_of(YZ_FEE_ADMINISTRATIVE);
    r.admin_subtype = YZ_FEE_ADMIN_TRADEMARK_PATENT_MARITIME;
    expect_fee(&r, YUAN(100));
    r.admin_subtype = YZ_FEE_ADMIN_OTHER;
    expect_fee(&r, YUAN(50));
    r.closed_by = YZ_FEE_CLOSED_WITHDRAWAL;
    expect_fee(&r, YUAN(25));
    /* Settings do not touch fixed national amounts. */
    struct yz_fee_settings s = {0};
    s.other_non_property.min_fen = s.other_non_property.max_fen = YUAN(60);
    r = req_of(YZ_FEE_LABOR);
    expect_fee_s(&r, &s, YUAN(10));
}

static void jurisdiction_objection(void **state)
{
    struct yz_fee_settings s = {0};
    struct yz_fee_request r = req_of(YZ_FEE_JURISDICTION_OBJECTION);
    /* 13(6): 50-100 yuan when the objection fails. */
    expect_range(&r, YUAN(50), YUAN(100));
    s.jurisdiction_objection.min_fen = s.jurisdiction_objection.max_fen = YUAN(100);
    expect_fee_s(&r, &s, YUAN(100));
    /* No halving for the objection fee. */
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    expect_error(&r, "procedure", "not_applicable");
}

/* ---- RULE: fee-execution-bands ------------------------------------------ */

static void execution(void **state)
{
    struct yz_fee_settings s = {0};
    /* No amount: 50-500 yuan (14(1)1). */
    struct yz_fee_request r = req_of(YZ_FEE_EXECUTION);
    expect_range(&r, YUAN(50), YUAN(500));
    s.execution_without_amount.min_fen = s.execution_without_amount.max_fen = YUAN(300);
    expect_fee_s(&r, &s, YUAN(300));
    /* 10,000: 50 yuan. */
    r = with_amount(YZ_FEE_EXECUTION, YUAN(10000));
    expect_fee(&r, YUAN(50));
    /* 500,000: 50 + 490,000 x 1.5% = 7,400 yuan (速算 500,000 x 1.5% - 100). */
    r.amount_fen = YUAN(500000);
    expect_fee(&r, YUAN(7400));
    /* 5,000,000: 7,400 + 4,500,000 x 1% = 52,400. */
    r.amount_fen = YUAN(5000000);
    expect_fee(&r, YUAN(52400));
    /* 10,000,000: 52,400 + 5,000,000 x 0.5% = 77,400. */
    r.amount_fen = YUAN(10000000);
    expect_fee(&r, YUAN(77400));
    /* 20,000,000: 77,400 + 10,000,000 x 0.1% = 87,400. */
    r.amount_fen = YUAN(20000000);
    expect_fee(&r, YUAN(87400));
    /* 10,100: 50 + 100 x 1.5% = 51.50. */
    r.amount_fen = YUAN(10100);
    expect_fee(&r, 5150);
    /* Application fees are not halved. */
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    expect_error(&r, "procedure", "not_applicable");
}

/* ---- RULE: fee-preservation-bands, fee-preservation-cap ----------------- */

static void preservation(void **state)
{
    /* No amount: 30 yuan. */
    struct yz_fee_request r = req_of(YZ_FEE_PRESERVATION);
    expect_fee(&r, YUAN(30));
    /* 1,000: 30 yuan. */
    r = with_amount(YZ_FEE_PRESERVATION, YUAN(1000));
    expect_fee(&r, YUAN(30));
    /* 100,000: 30 + 99,000 x 1% = 1,020 yuan. */
    r.amount_fen = YUAN(100000);
    expect_fee(&r, YUAN(1020));
    /* 500,000: 1,020 + 400,000 x 0.5% = 3,020. */
    r.amount_fen = YUAN(500000);
    expect_fee(&r, YUAN(3020));
    /* 896,000: 1,020 + 796,000 x 0.5% = 5,000, exactly the cap. */
    r.amount_fen = YUAN(896000);
    expect_fee(&r, YUAN(5000));
    /* 895,000: 1,020 + 3,975 = 4,995, under the cap. */
    r.amount_fen = YUAN(895000);
    expect_fee(&r, YUAN(4995));
    /* 1,000,000: 1,020 + 4,500 = 5,520 -> capped at 5,000. */
    r.amount_fen = YUAN(1000000);
    expect_fee(&r, YUAN(5000));
    r.amount_fen = YZ_FEE_AMOUNT_MAX_FEN;
    expect_fee(&r, YUAN(5000));
    r.closed_by = YZ_FEE_CLOSED_MEDIATION;
    expect_error(&r, "closed_by", "not_applicable");
}

/* ---- RULE: fee-payment-order -------------------------------------------- */

static void payment_order(void **state)
{
    /* 10,000: 50 / 3 = 16.666... -> 16.67 yuan. */
    struct yz_fee_request r = with_amount(YZ_FEE_PAYMENT_ORDER, YUAN(10000));
    expect_fee(&r, 1667);
    /* 100,000: 2,300 / 3 = 766.666... -> 766.67 yuan. */
    r.amount_fen = YUAN(100000);
    expect_fee(&r, 76667);
    /* 300,000: (4,300 + 100,000 x 1.5%) / 3 = 5,800 / 3 = 1,933.333... -> 1,933.33. */
    r.amount_fen = YUAN(300000);
    expect_fee(&r, 193333);
    /* 1,000,000: 13,800 / 3 = 4,600 exactly. */
    r.amount_fen = YUAN(1000000);
    expect_fee(&r, YUAN(4600));
    r = req_of(YZ_FEE_PAYMENT_ORDER);
    expect_error(&r, "amount_fen", "required");
}

static void fixed_application_fees(void **state)
{
    /* 14(4): public summons 100 yuan. */
    struct yz_fee_request r = req_of(YZ_FEE_PUBLIC_SUMMONS);
    expect_fee(&r, YUAN(100));
    r = with_amount(YZ_FEE_PUBLIC_SUMMONS, YUAN(100000));
    expect_error(&r, "amount_fen", "not_applicable");
    /* 14(5): setting aside an award / validity of an arbitration agreement, 400 yuan. */
    r = req_of(YZ_FEE_ARBITRATION_REVIEW);
    expect_fee(&r, YUAN(400));
    r.counterclaim = true;
    expect_error(&r, "counterclaim", "not_applicable");
}

/* ---- RULE: fee-bankruptcy ----------------------------------------------- */

static void bankruptcy(void **state)
{
    /* 1,000,000: 13,800 / 2 = 6,900 yuan. */
    struct yz_fee_request r = with_amount(YZ_FEE_BANKRUPTCY, YUAN(1000000));
    expect_fee(&r, YUAN(6900));
    /* 100,000,000: (141,800 + 80,000,000 x 0.5%) / 2 = 541,800 / 2 = 270,900, under the cap. */
    r.amount_fen = YUAN(100000000);
    expect_fee(&r, YUAN(270900));
    /* 111,640,000: (141,800 + 91,640,000 x 0.5%) / 2 = 600,000 / 2 = 300,000 = the cap. */
    r.amount_fen = YUAN(111640000);
    expect_fee(&r, YUAN(300000));
    /* 200,000,000: 1,041,800 / 2 = 520,900 -> capped at 300,000. */
    r.amount_fen = YUAN(200000000);
    expect_fee(&r, YUAN(300000));
    /* 10,000.20: 5,000.5 fen / 2 = 2,500.25 -> 2,500 fen. */
    r.amount_fen = YUAN(10000) + 20;
    expect_fee(&r, 2500);
    r = req_of(YZ_FEE_BANKRUPTCY);
    expect_error(&r, "amount_fen", "required");
}

/* ---- RULE: fee-special-procedure ---------------------------------------- */

static void special_procedure(void **state)
{
    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    /* 第八条第一项: no acceptance fee. */
    struct yz_fee_request r = req_of(YZ_FEE_SPECIAL_PROCEDURE);
    expect_fee(&r, 0);
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_OK);
    assert_string_equal(q.articles[0], "诉讼费用交纳办法第八条第一项");
    r = with_amount(YZ_FEE_SPECIAL_PROCEDURE, YUAN(1));
    expect_error(&r, "amount_fen", "not_applicable");
    r = req_of(YZ_FEE_SPECIAL_PROCEDURE);
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    expect_error(&r, "procedure", "not_applicable");
}

/* ---- validation --------------------------------------------------------- */

static void validation_errors(void **state)
{
    struct yz_fee_quote q;
    struct yz_fee_request r = req_of(YZ_FEE_KIND_NONE);
    expect_error(&r, "kind", "required");
    r.kind = (enum yz_fee_kind)99;
    expect_error(&r, "kind", "not_allowed");

    r = req_of(YZ_FEE_PROPERTY);
    expect_error(&r, "amount_fen", "required");
    r = with_amount(YZ_FEE_PROPERTY, 0);
    expect_error(&r, "amount_fen", "out_of_range");
    r = with_amount(YZ_FEE_PROPERTY, -1);
    expect_error(&r, "amount_fen", "out_of_range");
    r = with_amount(YZ_FEE_PROPERTY, YZ_FEE_AMOUNT_MAX_FEN + 1);
    expect_error(&r, "amount_fen", "out_of_range");
    r = with_amount(YZ_FEE_PROPERTY, INT64_MIN);
    expect_error(&r, "amount_fen", "out_of_range");

    /* Amounts where they mean nothing. */
    r = with_amount(YZ_FEE_DIVORCE, YUAN(1000));
    expect_error(&r, "amount_fen", "not_applicable");
    r = with_amount(YZ_FEE_LABOR, YUAN(1000));
    expect_error(&r, "amount_fen", "not_applicable");
    r = with_amount(YZ_FEE_PROPERTY, YUAN(1000));
    r.has_property_total = true;
    expect_error(&r, "property_total_fen", "not_applicable");
    r = with_amount(YZ_FEE_PROPERTY, YUAN(1000));
    r.has_damages = true;
    expect_error(&r, "damages_fen", "not_applicable");
    r = req_of(YZ_FEE_DIVORCE);
    r.has_property_total = true;
    r.property_total_fen = -5;
    expect_error(&r, "property_total_fen", "out_of_range");
    r = req_of(YZ_FEE_PERSONALITY_RIGHTS);
    r.has_damages = true;
    r.damages_fen = YZ_FEE_AMOUNT_MAX_FEN + 1;
    expect_error(&r, "damages_fen", "out_of_range");

    /* Subtype. */
    r = req_of(YZ_FEE_ADMINISTRATIVE);
    expect_error(&r, "subtype", "required");
    r = with_amount(YZ_FEE_PROPERTY, YUAN(1000));
    r.admin_subtype = YZ_FEE_ADMIN_OTHER;
    expect_error(&r, "subtype", "not_applicable");
    r = req_of(YZ_FEE_ADMINISTRATIVE);
    r.admin_subtype = YZ_FEE_ADMIN_OTHER;
    r.counterclaim = true; /* no counterclaim in administrative cases */
    expect_error(&r, "counterclaim", "not_applicable");

    /* Out-of-enum values. */
    r = with_amount(YZ_FEE_PROPERTY, YUAN(1000));
    r.procedure = (enum yz_fee_procedure)9;
    expect_error(&r, "procedure", "not_allowed");
    r = with_amount(YZ_FEE_PROPERTY, YUAN(1000));
    r.closed_by = (enum yz_fee_closed_by)9;
    expect_error(&r, "closed_by", "not_allowed");

    /* Every problem at once. */
    struct yz_field_errors fe = {0};
    r = req_of(YZ_FEE_EXECUTION);
    r.has_amount = true;
    r.amount_fen = -1;
    r.procedure = YZ_FEE_PROC_SIMPLIFIED;
    r.closed_by = YZ_FEE_CLOSED_WITHDRAWAL;
    r.has_damages = true;
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 4);
}

static void settings_validation(void **state)
{
    struct yz_fee_request r = req_of(YZ_FEE_LABOR);
    struct yz_fee_settings s = {0};
    struct yz_field_errors fe = {0};
    assert_int_equal(yz_fee_settings_check(NULL, &fe), YZ_OK);
    assert_int_equal(yz_fee_settings_check(&s, &fe), YZ_OK);
    /* Below the national minimum (50 yuan). */
    s.divorce.min_fen = s.divorce.max_fen = YUAN(10);
    expect_error_s(&r, &s, "settings/divorce", "out_of_range");
    /* min > max. */
    s.divorce.min_fen = YUAN(200);
    s.divorce.max_fen = YUAN(100);
    expect_error_s(&r, &s, "settings/divorce", "out_of_range");
    /* Half set. */
    s.divorce.min_fen = YUAN(100);
    s.divorce.max_fen = YZ_FEE_UNSET;
    expect_error_s(&r, &s, "settings/divorce", "out_of_range");
    s = (struct yz_fee_settings){0};
    s.ip_without_amount.min_fen = s.ip_without_amount.max_fen = YUAN(2000);
    expect_error_s(&r, &s, "settings/ip_without_amount", "out_of_range");
    s = (struct yz_fee_settings){0};
    s.rounding = (enum yz_fee_rounding)5;
    expect_error_s(&r, &s, "settings/rounding", "not_allowed");
    fe = (struct yz_field_errors){0};
    assert_int_equal(yz_fee_settings_check(&s, &fe), YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 1);
}

/* Every kind with every option combination: never a crash or an over-long line. */
static void every_combination_is_answered(void **state)
{
    static const int64_t amounts[] = {
        -1, 0, 1, YUAN(10000), YUAN(123456789) + 99, YZ_FEE_AMOUNT_MAX_FEN};
    int ok = 0;
    for (int k = 0; k <= YZ_FEE_KIND__COUNT; k++)
        for (int p = 0; p < 3; p++)
            for (int cb = 0; cb < 4; cb++)
                for (int cc = 0; cc < 2; cc++)
                    for (size_t a = 0; a < sizeof amounts / sizeof amounts[0]; a++) {
                        struct yz_fee_request r = {0};
                        r.kind = (enum yz_fee_kind)k;
                        r.procedure = (enum yz_fee_procedure)p;
                        r.closed_by = (enum yz_fee_closed_by)cb;
                        r.counterclaim = cc;
                        r.has_amount = amounts[a] >= 0;
                        r.amount_fen = amounts[a];
                        if (k == YZ_FEE_ADMINISTRATIVE)
                            r.admin_subtype = YZ_FEE_ADMIN_OTHER;
                        if (k == YZ_FEE_DIVORCE) {
                            r.has_amount = false;
                            r.has_property_total = true;
                            r.property_total_fen = YZ_FEE_AMOUNT_MAX_FEN;
                        }
                        if (k == YZ_FEE_PERSONALITY_RIGHTS) {
                            r.has_amount = false;
                            r.has_damages = true;
                            r.damages_fen = YZ_FEE_AMOUNT_MAX_FEN;
                        }
                        struct yz_fee_quote q;
                        struct yz_field_errors fe = {0};
                        enum yz_err e = yz_fee_quote(&r, NULL, &q, &fe);
                        if (e != YZ_OK) {
                            assert_int_equal(e, YZ_ERR_VALIDATION);
                            assert_true(fe.count > 0);
                            continue;
                        }
                        ok++;
                        assert_true(q.min_fen <= q.max_fen);
                        assert_true(q.min_fen >= 0);
                        json_t *j = yz_fee_quote_json(&q);
                        json_t *steps = json_object_get(j, "steps");
                        /* json_string() refuses invalid UTF-8: every line made it. */
                        assert_int_equal(json_array_size(steps), (size_t)q.step_count);
                        json_decref(j);
                    }
    assert_true(ok > 100);
}

/* ---- JSON ---------------------------------------------------------------- */

static void quote_json_shape(void **state)
{
    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    struct yz_fee_request r = with_amount(YZ_FEE_PROPERTY, YUAN(100000));
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_OK);
    json_t *j = yz_fee_quote_json(&q);
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "property");
    assert_int_equal(json_integer_value(json_object_get(j, "fee_fen")), 230000);
    assert_true(json_is_false(json_object_get(j, "range")));
    assert_null(json_object_get(j, "min_fen"));
    json_t *arts = json_object_get(j, "articles");
    assert_int_equal(json_array_size(arts), 1);
    assert_string_equal(json_string_value(json_array_get(arts, 0)),
                        "诉讼费用交纳办法第十三条第一项");
    /* intro, flat band, 2.5% band, total, appeal note, final line */
    json_t *steps = json_object_get(j, "steps");
    assert_int_equal(json_array_size(steps), 6);
    assert_non_null(strstr(json_string_value(json_array_get(steps, 2)),
                           "超过1万元至10万元的部分 90,000.00元 × 2.5% = 2,250.00元"));
    assert_non_null(strstr(json_string_value(json_array_get(steps, 5)), "应交纳 2,300.00元"));
    /* The projection's form: the same members but the steps. */
    json_t *summary = yz_fee_quote_summary_json(&q);
    json_object_del(j, "steps");
    assert_true(json_equal(summary, j));
    json_decref(summary);
    json_decref(j);

    r = req_of(YZ_FEE_DIVORCE);
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_OK);
    j = yz_fee_quote_json(&q);
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "divorce");
    assert_true(json_is_true(json_object_get(j, "range")));
    assert_int_equal(json_integer_value(json_object_get(j, "min_fen")), 5000);
    assert_int_equal(json_integer_value(json_object_get(j, "max_fen")), 30000);
    assert_null(json_object_get(j, "fee_fen"));
    assert_true(has_article(&q, "诉讼费用交纳办法第十三条第二款"));
    json_decref(j);

    /* A result that needed rounding says so. */
    r = with_amount(YZ_FEE_PAYMENT_ORDER, YUAN(10000));
    assert_int_equal(yz_fee_quote(&r, NULL, &q, &fe), YZ_OK);
    assert_non_null(strstr(q.steps[q.step_count - 1], "四舍五入保留到分"));
}

static void names_parse(void **state)
{
    enum yz_fee_kind k = YZ_FEE_KIND_NONE;
    for (int i = 1; i < YZ_FEE_KIND__COUNT; i++) {
        assert_true(yz_fee_kind_parse(yz_fee_kind_name((enum yz_fee_kind)i), &k));
        assert_int_equal(k, i);
    }
    assert_true(yz_fee_kind_parse("personality_rights", &k));
    assert_int_equal(k, YZ_FEE_PERSONALITY_RIGHTS);
    assert_false(yz_fee_kind_parse("Property", &k));
    assert_false(yz_fee_kind_parse("", &k));
    assert_false(yz_fee_kind_parse(NULL, &k));
    assert_int_equal(k, YZ_FEE_PERSONALITY_RIGHTS); /* unchanged on failure */
    assert_string_equal(yz_fee_kind_name(YZ_FEE_KIND_NONE), "");
    enum yz_fee_procedure p;
    assert_true(yz_fee_procedure_parse("simplified", &p));
    assert_int_equal(p, YZ_FEE_PROC_SIMPLIFIED);
    enum yz_fee_closed_by c;
    assert_true(yz_fee_closed_by_parse("withdrawal", &c));
    assert_int_equal(c, YZ_FEE_CLOSED_WITHDRAWAL);
    assert_false(yz_fee_closed_by_parse("judgment", &c));
    enum yz_fee_admin_subtype s;
    assert_true(yz_fee_subtype_parse("trademark_patent_maritime", &s));
    assert_int_equal(s, YZ_FEE_ADMIN_TRADEMARK_PATENT_MARITIME);
}

/* ---- the yuan parser ---------------------------------------------------- */

static void yuan_parser(void **state)
{
    int64_t v = 7;
    assert_true(yz_fee_parse_yuan("12345.67", &v));
    assert_int_equal(v, 1234567);
    assert_true(yz_fee_parse_yuan("12345.6", &v));
    assert_int_equal(v, 1234560);
    assert_true(yz_fee_parse_yuan("10", &v));
    assert_int_equal(v, 1000);
    assert_true(yz_fee_parse_yuan("0", &v));
    assert_int_equal(v, 0);
    assert_true(yz_fee_parse_yuan("0.05", &v));
    assert_int_equal(v, 5);
    assert_true(yz_fee_parse_yuan("10000000000000", &v)); /* 10^13 yuan = the cap */
    assert_int_equal(v, YZ_FEE_AMOUNT_MAX_FEN);

    static const char *const bad[] = {
        "1.234",
        "-1",
        "1e3",
        " 1",
        "1 ",
        "",
        "1.",
        ".5",
        "01",
        "00",
        "+1",
        "1,000",
        "1.2.3",
        "0x10",
        "１",
        "10000000000000.01",
        "99999999999999",
        "999999999999999999999",
        "12a",
        "1.-1",
        "NaN",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 42;
        if (yz_fee_parse_yuan(bad[i], &v))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(v, 42);
    }
    assert_false(yz_fee_parse_yuan(NULL, &v));
}

/* The printf form yz_fee_millifen_text had: the grouped integer part, five
 * decimals cut back to two at the least. */
static void millifen_by_printf(int64_t mf, const char *prefix, char *out, size_t size)
{
    char digits[32], grouped[48], f[8];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(mf / 100000));
    int g = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    snprintf(f, sizeof f, "%05lld", (long long)(mf % 100000));
    int keep = 5;
    while (keep > 2 && f[keep - 1] == '0')
        keep--;
    f[keep] = '\0';
    snprintf(out, size, "%s%s.%s元", prefix, grouped, f);
}

/* The digit-by-digit amounts are the printf form: random amounts of every
 * magnitude (1 to 19 digits), round ones, the ends, both prefixes, and short
 * buffers (truncated like snprintf). */
static void money_text_matches_printf(void **state)
{
    (void)state;
    static const int64_t fixed[] = {0, 1, 10, 99999, 100000, 100001, 123456789, 1000000000,
                                    100000000000000, INT64_MAX};
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t mf = (int64_t)(x >> 1);
        int digits = 1 + (int)(x % 19); /* 19: any non-negative int64_t */
        int64_t scale = 1;
        for (int d = 0; d < digits && digits < 19; d++)
            scale *= 10;
        if (digits < 19)
            mf %= scale;
        if (i % 7 == 0)
            mf -= mf % 1000; /* whole fen */
        if (i < (int)(sizeof fixed / sizeof fixed[0]))
            mf = fixed[i];
        const char *prefix = i % 2 ? "约" : "";
        char want[64], got[64];
        millifen_by_printf(mf, prefix, want, sizeof want);
        yz_fee_millifen_text(mf, prefix, got, sizeof got);
        assert_string_equal(got, want);
        size_t cut = 1 + (size_t)(x % 12);
        millifen_by_printf(mf, prefix, want, cut);
        yz_fee_millifen_text(mf, prefix, got, cut);
        assert_string_equal(got, want);
    }
    char out[64];
    yz_fee_millifen_text(123456789, "", out, sizeof out);
    assert_string_equal(out, "1,234.56789元");
    yz_fee_millifen_text(5000000, "约", out, sizeof out);
    assert_string_equal(out, "约50.00元");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(property_worked_examples),
        cmocka_unit_test(property_band_edges),
        cmocka_unit_test(property_matches_quick_formula),
        cmocka_unit_test(property_largest_amount),
        cmocka_unit_test(rounding_half_up_once),
        cmocka_unit_test(halving_rules),
        cmocka_unit_test(divorce),
        cmocka_unit_test(personality_rights),
        cmocka_unit_test(other_non_property),
        cmocka_unit_test(intellectual_property),
        cmocka_unit_test(labor_and_administrative),
        cmocka_unit_test(jurisdiction_objection),
        cmocka_unit_test(execution),
        cmocka_unit_test(preservation),
        cmocka_unit_test(payment_order),
        cmocka_unit_test(fixed_application_fees),
        cmocka_unit_test(bankruptcy),
        cmocka_unit_test(special_procedure),
        cmocka_unit_test(validation_errors),
        cmocka_unit_test(settings_validation),
        cmocka_unit_test(every_combination_is_answered),
        cmocka_unit_test(quote_json_shape),
        cmocka_unit_test(names_parse),
        cmocka_unit_test(yuan_parser),
        cmocka_unit_test(money_text_matches_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
