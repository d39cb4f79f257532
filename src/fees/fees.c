/*
 * The fee schedules of 诉讼费用交纳办法 as C tables, and the arithmetic.
 *
 * Design: every schedule with amount bands is "a flat fee up to a threshold,
 * then marginal per-mille rates on the part of the amount inside each band"
 * (分段累计; a band "超过A至B的部分" is (A, B]). One function walks such a
 * table and writes one explanation line per band it touches. Amounts are
 * carried as ticks of 1/6000 fen: portion_fen * permille is exact in
 * 1/1000 fen, and the extra factor 6 keeps halving and the payment order's
 * 1/3 exact too, so the only rounding is the final one (RULE: fee-rounding).
 * Largest value: 10^15 fen * 25‰ * 6 = 1.5e17 ticks, far inside int64.
 *
 * A quote is a range [lo, hi] in ticks; the two ends are equal unless a
 * per-case amount the province fixes was left unset in the settings.
 */
#include "fees/fees.h"
#include "core/config.h"
#include "core/num.h"
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define TICKS_PER_FEN INT64_C(6000)
#define TICKS_PER_MILLIFEN 6
#define YUAN(y) (INT64_C(y) * 100) /* in fen */

/* Article citations (static strings the quote points at). */
#define BANFA "诉讼费用交纳办法"
static const char A8_1[] = BANFA "第八条第一项";
static const char A13_1[] = BANFA "第十三条第一项";
static const char A13_2_1[] = BANFA "第十三条第二项第1目";
static const char A13_2_2[] = BANFA "第十三条第二项第2目";
static const char A13_2_3[] = BANFA "第十三条第二项第3目";
static const char A13_3[] = BANFA "第十三条第三项";
static const char A13_4[] = BANFA "第十三条第四项";
static const char A13_5_1[] = BANFA "第十三条第五项第1目";
static const char A13_5_2[] = BANFA "第十三条第五项第2目";
static const char A13_6[] = BANFA "第十三条第六项";
static const char A13_P2[] = BANFA "第十三条第二款";
static const char A14_1_1[] = BANFA "第十四条第一项第1目";
static const char A14_1_2[] = BANFA "第十四条第一项第2目";
static const char A14_2[] = BANFA "第十四条第二项";
static const char A14_3[] = BANFA "第十四条第三项";
static const char A14_4[] = BANFA "第十四条第四项";
static const char A14_5[] = BANFA "第十四条第五项";
static const char A14_6[] = BANFA "第十四条第六项";
static const char A15[] = BANFA "第十五条";
static const char A16[] = BANFA "第十六条";
static const char A18[] = BANFA "第十八条";
static const char JS206[] = "民诉解释第二百零六条";

/* ---- schedules ---------------------------------------------------------- */

struct band {
    int64_t over_fen;
    int64_t upto_fen; /* 0: no upper bound */
    int permille;
    const char *label;
};

struct schedule {
    int64_t flat_upto_fen; /* amounts up to this pay flat_fen */
    int64_t flat_fen;
    const char *flat_label;
    const struct band *bands;
    size_t nbands;
};

#define SCHEDULE(upto, flat, label, bands)                                                         \
    {                                                                                              \
        (upto), (flat), (label), (bands), sizeof(bands) / sizeof((bands)[0])                       \
    }

/* RULE: fee-property-bands — 办法第十三条第一项, 分段累计. */
static const struct band property_bands[] = {
    {YUAN(10000), YUAN(100000), 25, "超过1万元至10万元的部分"},
    {YUAN(100000), YUAN(200000), 20, "超过10万元至20万元的部分"},
    {YUAN(200000), YUAN(500000), 15, "超过20万元至50万元的部分"},
    {YUAN(500000), YUAN(1000000), 10, "超过50万元至100万元的部分"},
    {YUAN(1000000), YUAN(2000000), 9, "超过100万元至200万元的部分"},
    {YUAN(2000000), YUAN(5000000), 8, "超过200万元至500万元的部分"},
    {YUAN(5000000), YUAN(10000000), 7, "超过500万元至1000万元的部分"},
    {YUAN(10000000), YUAN(20000000), 6, "超过1000万元至2000万元的部分"},
    {YUAN(20000000), 0, 5, "超过2000万元的部分"},
};
static const struct schedule property_schedule =
    SCHEDULE(YUAN(10000), YUAN(50), "不超过1万元的，每件交纳50元", property_bands);

/* RULE: fee-divorce-property — 办法第十三条第二项第1目. */
static const struct band divorce_bands[] = {
    {YUAN(200000), 0, 5, "财产总额超过20万元的部分"},
};
static const struct schedule divorce_schedule =
    SCHEDULE(YUAN(200000), 0, "财产总额不超过20万元的，不另行交纳", divorce_bands);

/* RULE: fee-personality-damages — 办法第十三条第二项第2目. */
static const struct band damages_bands[] = {
    {YUAN(50000), YUAN(100000), 10, "赔偿金额超过5万元至10万元的部分"},
    {YUAN(100000), 0, 5, "赔偿金额超过10万元的部分"},
};
static const struct schedule damages_schedule =
    SCHEDULE(YUAN(50000), 0, "赔偿金额不超过5万元的，不另行交纳", damages_bands);

/* RULE: fee-execution-bands — 办法第十四条第一项第2目. */
static const struct band execution_bands[] = {
    {YUAN(10000), YUAN(500000), 15, "超过1万元至50万元的部分"},
    {YUAN(500000), YUAN(5000000), 10, "超过50万元至500万元的部分"},
    {YUAN(5000000), YUAN(10000000), 5, "超过500万元至1000万元的部分"},
    {YUAN(10000000), 0, 1, "超过1000万元的部分"},
};
static const struct schedule execution_schedule =
    SCHEDULE(YUAN(10000), YUAN(50), "执行金额或者价额不超过1万元的，每件交纳50元", execution_bands);

/* RULE: fee-preservation-bands — 办法第十四条第二项 (cap below). */
static const struct band preservation_bands[] = {
    {YUAN(1000), YUAN(100000), 10, "超过1000元至10万元的部分"},
    {YUAN(100000), 0, 5, "超过10万元的部分"},
};
static const struct schedule preservation_schedule =
    SCHEDULE(YUAN(1000), YUAN(30), "财产数额不超过1000元的，每件交纳30元", preservation_bands);
#define PRESERVATION_CAP_FEN YUAN(5000)
#define BANKRUPTCY_CAP_FEN YUAN(300000)

/* National per-case ranges and fixed amounts, in fen. */
#define DIVORCE_MIN YUAN(50)
#define DIVORCE_MAX YUAN(300)
#define PERSONALITY_MIN YUAN(100)
#define PERSONALITY_MAX YUAN(500)
#define OTHER_NP_MIN YUAN(50)
#define OTHER_NP_MAX YUAN(100)
#define IP_MIN YUAN(500)
#define IP_MAX YUAN(1000)
#define JURISDICTION_MIN YUAN(50)
#define JURISDICTION_MAX YUAN(100)
#define EXECUTION_NA_MIN YUAN(50)
#define EXECUTION_NA_MAX YUAN(500)
#define LABOR_FEE YUAN(10)
#define ADMIN_TPM_FEE YUAN(100)
#define ADMIN_OTHER_FEE YUAN(50)
#define PUBLIC_SUMMONS_FEE YUAN(100)
#define ARBITRATION_REVIEW_FEE YUAN(400)
#define PRESERVATION_NA_FEE YUAN(30)

/* ---- kinds -------------------------------------------------------------- */

enum amount_use { AMOUNT_REFUSED, AMOUNT_OPTIONAL, AMOUNT_REQUIRED };

struct kind_info {
    const char *title;
    enum amount_use amount;
    const char *amount_title;
    bool acceptance; /* an acceptance fee (案件受理费): the halving rules apply */
};

static const struct kind_info kinds[YZ_FEE_KIND__COUNT] = {
    [YZ_FEE_PROPERTY] = {"财产案件", AMOUNT_REQUIRED, "诉讼请求金额或者价额", true},
    [YZ_FEE_DIVORCE] = {"离婚案件", AMOUNT_REFUSED, NULL, true},
    [YZ_FEE_PERSONALITY_RIGHTS] = {"人格权案件", AMOUNT_REFUSED, NULL, true},
    [YZ_FEE_OTHER_NON_PROPERTY] = {"其他非财产案件", AMOUNT_REFUSED, NULL, true},
    [YZ_FEE_IP] = {"知识产权民事案件", AMOUNT_OPTIONAL, "争议金额或者价额", true},
    [YZ_FEE_LABOR] = {"劳动争议案件", AMOUNT_REFUSED, NULL, true},
    [YZ_FEE_ADMINISTRATIVE] = {"行政案件", AMOUNT_REFUSED, NULL, true},
    [YZ_FEE_JURISDICTION_OBJECTION] = {"管辖权异议", AMOUNT_REFUSED, NULL, false},
    [YZ_FEE_EXECUTION] = {"申请执行", AMOUNT_OPTIONAL, "执行金额或者价额", false},
    [YZ_FEE_PRESERVATION] = {"申请保全", AMOUNT_OPTIONAL, "实际保全的财产数额", false},
    [YZ_FEE_PAYMENT_ORDER] = {"申请支付令", AMOUNT_REQUIRED, "请求给付的金额", false},
    [YZ_FEE_PUBLIC_SUMMONS] = {"申请公示催告", AMOUNT_REFUSED, NULL, false},
    [YZ_FEE_ARBITRATION_REVIEW] = {"申请撤销仲裁裁决或认定仲裁协议效力", AMOUNT_REFUSED, NULL,
                                   false},
    [YZ_FEE_BANKRUPTCY] = {"破产案件", AMOUNT_REQUIRED, "破产财产总额", false},
    [YZ_FEE_SPECIAL_PROCEDURE] = {"特别程序案件", AMOUNT_REFUSED, NULL, false},
};

const char *const yz_fee_kind_names[] = {
    "property",
    "divorce",
    "personality_rights",
    "other_non_property",
    "ip",
    "labor",
    "administrative",
    "jurisdiction_objection",
    "execution",
    "preservation",
    "payment_order",
    "public_summons",
    "arbitration_review",
    "bankruptcy",
    "special_procedure",
    NULL,
};
const char *const yz_fee_procedure_names[] = {"ordinary", "simplified", NULL};
const char *const yz_fee_closed_by_names[] = {"none", "mediation", "withdrawal", NULL};
const char *const yz_fee_subtype_names[] = {"trademark_patent_maritime", "other", NULL};

_Static_assert(sizeof yz_fee_kind_names / sizeof yz_fee_kind_names[0] == YZ_FEE_KIND__COUNT,
               "one wire name per kind");

static int name_index(const char *const *names, const char *s)
{
    if (!s)
        return 0;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i + 1;
    return 0;
}

bool yz_fee_kind_parse(const char *s, enum yz_fee_kind *out)
{
    int i = name_index(yz_fee_kind_names, s);
    if (i)
        *out = (enum yz_fee_kind)i;
    return i != 0;
}

bool yz_fee_procedure_parse(const char *s, enum yz_fee_procedure *out)
{
    int i = name_index(yz_fee_procedure_names, s);
    if (i)
        *out = (enum yz_fee_procedure)i;
    return i != 0;
}

bool yz_fee_closed_by_parse(const char *s, enum yz_fee_closed_by *out)
{
    int i = name_index(yz_fee_closed_by_names, s);
    if (i)
        *out = (enum yz_fee_closed_by)i;
    return i != 0;
}

bool yz_fee_subtype_parse(const char *s, enum yz_fee_admin_subtype *out)
{
    int i = name_index(yz_fee_subtype_names, s);
    if (i)
        *out = (enum yz_fee_admin_subtype)i;
    return i != 0;
}

static bool kind_valid(enum yz_fee_kind k)
{
    return k > YZ_FEE_KIND_NONE && k < YZ_FEE_KIND__COUNT;
}

const char *yz_fee_kind_name(enum yz_fee_kind k)
{
    return kind_valid(k) ? yz_fee_kind_names[k - 1] : "";
}

/* ---- formatting --------------------------------------------------------- */

struct money {
    char s[64];
};

/* The printf form of yz_fee_millifen_text, for negative amounts (which quotes
 * never hold) so that the fast form need not handle a sign. */
static void millifen_printf(int64_t mf, const char *prefix, char *out, size_t size)
{
    char digits[32], grouped[48];
    int64_t yuan = mf / 100000, frac = mf % 100000;
    int n = snprintf(digits, sizeof digits, "%lld", (long long)yuan);
    int g = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    char f[8];
    snprintf(f, sizeof f, "%05lld", (long long)frac);
    int keep = 5;
    while (keep > 2 && f[keep - 1] == '0')
        keep--;
    f[keep] = '\0';
    snprintf(out, size, "%s%s.%s元", prefix, grouped, f);
}

/* Digit by digit: a quote shows about twenty amounts, and three snprintf
 * calls each were most of a bulk import's fee quoting. */
void yz_fee_millifen_text(int64_t mf, const char *prefix, char *out, size_t size)
{
    char text[64];
    size_t lp = strlen(prefix);
    if (mf < 0 || lp > 16 || size == 0) {
        millifen_printf(mf, prefix, out, size);
        return;
    }
    char *w = text;
    memcpy(w, prefix, lp);
    w += lp;
    int64_t yuan = mf / 100000;
    int frac = (int)(mf % 100000);
    char digits[20]; /* least significant first */
    int n = 0;
    do {
        digits[n++] = (char)('0' + yuan % 10);
        yuan /= 10;
    } while (yuan);
    for (int j = n - 1; j >= 0; j--) {
        *w++ = digits[j];
        if (j > 0 && j % 3 == 0)
            *w++ = ',';
    }
    *w++ = '.';
    char f[5];
    for (int i = 4; i >= 0; i--, frac /= 10)
        f[i] = (char)('0' + frac % 10);
    int keep = 5;
    while (keep > 2 && f[keep - 1] == '0')
        keep--;
    memcpy(w, f, (size_t)keep);
    w += keep;
    memcpy(w, "元", sizeof "元"); /* with its NUL */
    yz_strlcpy(out, text, size);
}

/* Non-negative millifen as yuan: grouped integer part, 2 to 5 decimals. */
static struct money fmt_millifen(int64_t mf, const char *prefix)
{
    struct money m;
    yz_fee_millifen_text(mf, prefix, m.s, sizeof m.s);
    return m;
}

static struct money fmt_fen(int64_t fen)
{
    return fmt_millifen(fen * 1000, "");
}

/* Ticks as yuan: exact when they are whole millifen, else "约" and 5 decimals. */
static struct money fmt_ticks(int64_t t)
{
    if (t % TICKS_PER_MILLIFEN == 0)
        return fmt_millifen(t / TICKS_PER_MILLIFEN, "");
    return fmt_millifen((t + TICKS_PER_MILLIFEN / 2) / TICKS_PER_MILLIFEN, "约");
}

struct rate {
    char s[16];
};

static struct rate fmt_rate(int permille)
{
    struct rate r;
    if (permille % 10 == 0)
        snprintf(r.s, sizeof r.s, "%d%%", permille / 10);
    else
        snprintf(r.s, sizeof r.s, "%d.%d%%", permille / 10, permille % 10);
    return r;
}

/* ---- the quote being built ---------------------------------------------- */

struct calc {
    struct yz_fee_quote *q;
    int64_t lo, hi; /* ticks */
};

static void step(struct calc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(struct calc *c, const char *fmt, ...)
{
    struct yz_fee_quote *q = c->q;
    if (q->step_count >= YZ_FEE_MAX_STEPS)
        YZ_BUG("fee quote: more than %d steps", YZ_FEE_MAX_STEPS);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(q->steps[q->step_count], YZ_FEE_STEP_BYTES, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= YZ_FEE_STEP_BYTES)
        YZ_BUG("fee quote: step line too long (%d bytes)", n);
    q->step_count++;
}

static void article(struct calc *c, const char *a)
{
    struct yz_fee_quote *q = c->q;
    for (int i = 0; i < q->article_count; i++)
        if (q->articles[i] == a)
            return;
    if (q->article_count >= YZ_FEE_MAX_ARTICLES)
        YZ_BUG("fee quote: more than %d articles", YZ_FEE_MAX_ARTICLES);
    q->articles[q->article_count++] = a;
}

static void total_step(struct calc *c, const char *what)
{
    if (c->lo == c->hi)
        step(c, "%s合计 %s", what, fmt_ticks(c->lo).s);
    else
        step(c, "%s合计 %s至%s", what, fmt_ticks(c->lo).s, fmt_ticks(c->hi).s);
}

/*
 * Walks a banded schedule for amount_fen and returns the exact fee in ticks,
 * one step per band the amount reaches.
 */
static int64_t banded(struct calc *c, const struct schedule *s, int64_t amount_fen)
{
    int64_t t = s->flat_fen * TICKS_PER_FEN;
    if (s->flat_fen)
        step(c, "%s：%s", s->flat_label, fmt_fen(s->flat_fen).s);
    else
        step(c, "%s", s->flat_label);
    for (size_t i = 0; i < s->nbands; i++) {
        const struct band *b = &s->bands[i];
        if (amount_fen <= b->over_fen)
            break;
        int64_t top = b->upto_fen && amount_fen > b->upto_fen ? b->upto_fen : amount_fen;
        int64_t part = top - b->over_fen;
        int64_t add = part * b->permille * TICKS_PER_MILLIFEN;
        step(c, "%s %s × %s = %s", b->label, fmt_fen(part).s, fmt_rate(b->permille).s,
             fmt_ticks(add).s);
        t += add;
    }
    return t;
}

/*
 * A per-case amount inside a national range, narrowed by a local setting
 * when one is set (RULE: fee-local-ranges).
 */
static void per_case(struct calc *c, const char *text, const struct yz_fee_local_amount *set,
                     int64_t nat_min, int64_t nat_max, bool provincial)
{
    const char *who = provincial ? "本地标准（省级人民政府在幅度内制定）" : "人民法院确定的标准";
    if (provincial)
        article(c, A13_P2);
    if (set && set->min_fen != YZ_FEE_UNSET) {
        c->lo += set->min_fen * TICKS_PER_FEN;
        c->hi += set->max_fen * TICKS_PER_FEN;
        if (set->min_fen == set->max_fen)
            step(c, "%s；按%s为 %s", text, who, fmt_fen(set->min_fen).s);
        else
            step(c, "%s；按%s为 %s至%s", text, who, fmt_fen(set->min_fen).s,
                 fmt_fen(set->max_fen).s);
        return;
    }
    c->lo += nat_min * TICKS_PER_FEN;
    c->hi += nat_max * TICKS_PER_FEN;
    step(c, "%s；未配置%s，按全国幅度给出区间 %s至%s", text, who, fmt_fen(nat_min).s,
         fmt_fen(nat_max).s);
}

static void fixed(struct calc *c, const char *text, int64_t fen)
{
    c->lo += fen * TICKS_PER_FEN;
    c->hi += fen * TICKS_PER_FEN;
    step(c, "%s：%s", text, fmt_fen(fen).s);
}

static void add_both(struct calc *c, int64_t t)
{
    c->lo += t;
    c->hi += t;
}

static void property_fee(struct calc *c, int64_t amount_fen, const char *what)
{
    article(c, A13_1);
    step(c, "按%s %s，依财产案件受理费标准分段累计计算（%s）", what, fmt_fen(amount_fen).s, A13_1);
    add_both(c, banded(c, &property_schedule, amount_fen));
}

static void appeal_note(struct calc *c)
{
    step(c, "说明：上诉案件按不服一审判决部分的上诉请求数额、依同一标准计算（办法第十七条）");
}

/* ---- validation --------------------------------------------------------- */

static bool set_item_ok(const struct yz_fee_local_amount *a, int64_t lo, int64_t hi)
{
    if (a->min_fen == YZ_FEE_UNSET && a->max_fen == YZ_FEE_UNSET)
        return true;
    return a->min_fen >= lo && a->max_fen <= hi && a->min_fen <= a->max_fen;
}

static void check_item(const struct yz_fee_local_amount *a, const char *field, const char *title,
                       int64_t lo, int64_t hi, struct yz_field_errors *fe)
{
    if (!set_item_ok(a, lo, hi))
        yz_field_errors_add(fe, field, "out_of_range",
                            "%s的本地标准应在 %lld 元到 %lld 元之间，且下限不大于上限", title,
                            (long long)(lo / 100), (long long)(hi / 100));
}

enum yz_err yz_fee_settings_check(const struct yz_fee_settings *s, struct yz_field_errors *fe)
{
    if (!s)
        return YZ_OK;
    int before = fe->count + fe->dropped;
    check_item(&s->divorce, "settings/divorce", "离婚案件", DIVORCE_MIN, DIVORCE_MAX, fe);
    check_item(&s->personality_rights, "settings/personality_rights", "人格权案件", PERSONALITY_MIN,
               PERSONALITY_MAX, fe);
    check_item(&s->other_non_property, "settings/other_non_property", "其他非财产案件",
               OTHER_NP_MIN, OTHER_NP_MAX, fe);
    check_item(&s->ip_without_amount, "settings/ip_without_amount", "无争议金额的知识产权案件",
               IP_MIN, IP_MAX, fe);
    check_item(&s->jurisdiction_objection, "settings/jurisdiction_objection", "管辖权异议",
               JURISDICTION_MIN, JURISDICTION_MAX, fe);
    check_item(&s->execution_without_amount, "settings/execution_without_amount",
               "无执行金额的申请执行", EXECUTION_NA_MIN, EXECUTION_NA_MAX, fe);
    if (s->rounding != YZ_FEE_ROUND_FEN && s->rounding != YZ_FEE_ROUND_YUAN)
        yz_field_errors_add(fe, "settings/rounding", "not_allowed", "舍入方式的取值不在允许范围内");
    return fe->count + fe->dropped > before ? YZ_ERR_VALIDATION : YZ_OK;
}

static void check_money(bool has, int64_t v, int64_t min, const char *field, const char *title,
                        struct yz_field_errors *fe)
{
    if (has && (v < min || v > YZ_FEE_AMOUNT_MAX_FEN))
        yz_field_errors_add(fe, field, "out_of_range", "%s应%s且不超过 10 万亿元", title,
                            min > 0 ? "大于 0" : "不小于 0");
}

static void check_request(const struct yz_fee_request *r, struct yz_field_errors *fe)
{
    bool kv = kind_valid(r->kind);
    const struct kind_info *k = kv ? &kinds[r->kind] : NULL;

    if (r->kind == YZ_FEE_KIND_NONE)
        yz_field_errors_add(fe, "kind", "required", "请选择案件或申请类型");
    else if (!kv)
        yz_field_errors_add(fe, "kind", "not_allowed", "案件或申请类型不正确");

    /* amount_fen */
    if (k && k->amount == AMOUNT_REQUIRED && !r->has_amount)
        yz_field_errors_add(fe, "amount_fen", "required", "%s须填写%s", k->title, k->amount_title);
    if (k && k->amount == AMOUNT_REFUSED && r->has_amount) {
        if (r->kind == YZ_FEE_DIVORCE)
            yz_field_errors_add(fe, "amount_fen", "not_applicable",
                                "离婚案件按件收费，不填写金额；涉及财产分割的请填写财产总额");
        else if (r->kind == YZ_FEE_PERSONALITY_RIGHTS)
            yz_field_errors_add(fe, "amount_fen", "not_applicable",
                                "人格权案件按件收费，不填写金额；涉及损害赔偿的请填写赔偿金额");
        else if (r->kind == YZ_FEE_SPECIAL_PROCEDURE)
            yz_field_errors_add(fe, "amount_fen", "not_applicable",
                                "特别程序案件不交纳案件受理费，不填写金额");
        else
            yz_field_errors_add(fe, "amount_fen", "not_applicable", "%s按件收费，不填写金额",
                                k->title);
    } else if (k) {
        check_money(r->has_amount, r->amount_fen, 1, "amount_fen", k->amount_title, fe);
    }

    /* property_total_fen, damages_fen */
    if (r->has_property_total && kv && r->kind != YZ_FEE_DIVORCE)
        yz_field_errors_add(fe, "property_total_fen", "not_applicable", "财产总额仅适用于离婚案件");
    else
        check_money(r->has_property_total, r->property_total_fen, 0, "property_total_fen",
                    "财产总额", fe);
    if (r->has_damages && kv && r->kind != YZ_FEE_PERSONALITY_RIGHTS)
        yz_field_errors_add(fe, "damages_fen", "not_applicable", "赔偿金额仅适用于人格权案件");
    else
        check_money(r->has_damages, r->damages_fen, 0, "damages_fen", "赔偿金额", fe);

    /* subtype */
    if (r->admin_subtype != YZ_FEE_ADMIN_UNSET &&
        r->admin_subtype != YZ_FEE_ADMIN_TRADEMARK_PATENT_MARITIME &&
        r->admin_subtype != YZ_FEE_ADMIN_OTHER)
        yz_field_errors_add(fe, "subtype", "not_allowed", "行政案件类型的取值不在允许范围内");
    else if (r->kind == YZ_FEE_ADMINISTRATIVE && r->admin_subtype == YZ_FEE_ADMIN_UNSET)
        yz_field_errors_add(fe, "subtype", "required",
                            "行政案件须选择类型：商标、专利、海事行政案件或其他行政案件");
    else if (kv && r->kind != YZ_FEE_ADMINISTRATIVE && r->admin_subtype != YZ_FEE_ADMIN_UNSET)
        yz_field_errors_add(fe, "subtype", "not_applicable", "行政案件类型仅适用于行政案件");

    /* RULE: fee-halving — only acceptance fees are halved. */
    if (r->procedure != YZ_FEE_PROC_UNSET && r->procedure != YZ_FEE_PROC_ORDINARY &&
        r->procedure != YZ_FEE_PROC_SIMPLIFIED)
        yz_field_errors_add(fe, "procedure", "not_allowed", "审理程序的取值不在允许范围内");
    else if (k && !k->acceptance && r->procedure == YZ_FEE_PROC_SIMPLIFIED)
        yz_field_errors_add(fe, "procedure", "not_applicable",
                            "%s不适用简易程序减半（办法第十六条仅适用于案件受理费）", k->title);
    if (r->closed_by != YZ_FEE_CLOSED_UNSET && r->closed_by != YZ_FEE_CLOSED_NONE &&
        r->closed_by != YZ_FEE_CLOSED_MEDIATION && r->closed_by != YZ_FEE_CLOSED_WITHDRAWAL)
        yz_field_errors_add(fe, "closed_by", "not_allowed", "结案方式的取值不在允许范围内");
    else if (k && !k->acceptance &&
             (r->closed_by == YZ_FEE_CLOSED_MEDIATION || r->closed_by == YZ_FEE_CLOSED_WITHDRAWAL))
        yz_field_errors_add(fe, "closed_by", "not_applicable",
                            "%s不适用调解、撤诉减半（办法第十五条仅适用于案件受理费）", k->title);
    if (r->counterclaim && k && (!k->acceptance || r->kind == YZ_FEE_ADMINISTRATIVE))
        yz_field_errors_add(fe, "counterclaim", "not_applicable",
                            "%s不适用反诉减半（办法第十八条）", k->title);
}

/* ---- the kinds ---------------------------------------------------------- */

static void compute(struct calc *c, const struct yz_fee_request *r, const struct yz_fee_settings *s)
{
    switch (r->kind) {
    case YZ_FEE_PROPERTY:
        property_fee(c, r->amount_fen, "诉讼请求的金额或者价额");
        total_step(c, "案件受理费");
        appeal_note(c);
        return;
    case YZ_FEE_DIVORCE:
        article(c, A13_2_1);
        per_case(c, "离婚案件每件交纳50元至300元", s ? &s->divorce : NULL, DIVORCE_MIN, DIVORCE_MAX,
                 true);
        if (r->has_property_total && r->property_total_fen > 0) {
            step(c, "涉及财产分割，财产总额 %s", fmt_fen(r->property_total_fen).s);
            add_both(c, banded(c, &divorce_schedule, r->property_total_fen));
        }
        total_step(c, "案件受理费");
        return;
    case YZ_FEE_PERSONALITY_RIGHTS:
        article(c, A13_2_2);
        per_case(c, "侵害人格权的案件每件交纳100元至500元", s ? &s->personality_rights : NULL,
                 PERSONALITY_MIN, PERSONALITY_MAX, true);
        if (r->has_damages && r->damages_fen > 0) {
            step(c, "涉及损害赔偿，赔偿金额 %s", fmt_fen(r->damages_fen).s);
            add_both(c, banded(c, &damages_schedule, r->damages_fen));
        }
        total_step(c, "案件受理费");
        return;
    case YZ_FEE_OTHER_NON_PROPERTY:
        article(c, A13_2_3);
        per_case(c, "其他非财产案件每件交纳50元至100元", s ? &s->other_non_property : NULL,
                 OTHER_NP_MIN, OTHER_NP_MAX, true);
        return;
    case YZ_FEE_IP:
        article(c, A13_3);
        if (r->has_amount) {
            step(c, "知识产权民事案件有争议金额或者价额的，按照财产案件的标准交纳（%s）", A13_3);
            property_fee(c, r->amount_fen, "争议金额或者价额");
            total_step(c, "案件受理费");
            appeal_note(c);
        } else {
            per_case(c, "知识产权民事案件没有争议金额或者价额的，每件交纳500元至1000元",
                     s ? &s->ip_without_amount : NULL, IP_MIN, IP_MAX, true);
        }
        return;
    case YZ_FEE_LABOR:
        article(c, A13_4);
        fixed(c, "劳动争议案件每件交纳10元", LABOR_FEE);
        step(c, "说明：追索劳动报酬的案件可以不预交案件受理费（办法第二十条）");
        return;
    case YZ_FEE_ADMINISTRATIVE:
        if (r->admin_subtype == YZ_FEE_ADMIN_TRADEMARK_PATENT_MARITIME) {
            article(c, A13_5_1);
            fixed(c, "商标、专利、海事行政案件每件交纳100元", ADMIN_TPM_FEE);
        } else {
            article(c, A13_5_2);
            fixed(c, "其他行政案件每件交纳50元", ADMIN_OTHER_FEE);
        }
        return;
    case YZ_FEE_JURISDICTION_OBJECTION:
        article(c, A13_6);
        per_case(c, "当事人提出管辖权异议，异议不成立的，每件交纳50元至100元",
                 s ? &s->jurisdiction_objection : NULL, JURISDICTION_MIN, JURISDICTION_MAX, true);
        step(c, "说明：异议成立的不交纳");
        return;
    case YZ_FEE_EXECUTION:
        if (r->has_amount) {
            article(c, A14_1_2);
            step(c, "申请执行，按执行金额或者价额 %s 分段累计计算（%s）", fmt_fen(r->amount_fen).s,
                 A14_1_2);
            add_both(c, banded(c, &execution_schedule, r->amount_fen));
            total_step(c, "申请费");
        } else {
            article(c, A14_1_1);
            per_case(c, "申请执行，没有执行金额或者价额的，每件交纳50元至500元",
                     s ? &s->execution_without_amount : NULL, EXECUTION_NA_MIN, EXECUTION_NA_MAX,
                     false);
        }
        step(c, "说明：执行申请费不由申请人预交，执行后交纳（办法第二十条）");
        return;
    case YZ_FEE_PRESERVATION:
        article(c, A14_2);
        if (!r->has_amount) {
            fixed(c, "申请保全措施，不涉及财产数额的，每件交纳30元", PRESERVATION_NA_FEE);
            return;
        }
        step(c, "申请保全措施，按实际保全的财产数额 %s 分段累计计算（%s）",
             fmt_fen(r->amount_fen).s, A14_2);
        add_both(c, banded(c, &preservation_schedule, r->amount_fen));
        total_step(c, "申请费");
        /* RULE: fee-preservation-cap */
        if (c->lo > PRESERVATION_CAP_FEN * TICKS_PER_FEN) {
            c->lo = c->hi = PRESERVATION_CAP_FEN * TICKS_PER_FEN;
            step(c, "保全申请费最多不超过5000元，按 %s 交纳", fmt_fen(PRESERVATION_CAP_FEN).s);
        }
        return;
    case YZ_FEE_PAYMENT_ORDER: {
        /* RULE: fee-payment-order */
        article(c, A14_3);
        property_fee(c, r->amount_fen, "请求给付的金额");
        total_step(c, "财产案件受理费标准");
        int64_t base = c->lo;
        if (base % 3)
            YZ_BUG("payment order: %lld ticks not divisible by 3", (long long)base);
        c->lo = c->hi = base / 3;
        step(c, "申请支付令比照财产案件受理费标准的1/3交纳：%s ÷ 3 = %s（%s）", fmt_ticks(base).s,
             fmt_ticks(c->lo).s, A14_3);
        return;
    }
    case YZ_FEE_PUBLIC_SUMMONS:
        article(c, A14_4);
        fixed(c, "申请公示催告的，每件交纳100元", PUBLIC_SUMMONS_FEE);
        return;
    case YZ_FEE_ARBITRATION_REVIEW:
        article(c, A14_5);
        fixed(c, "申请撤销仲裁裁决或者认定仲裁协议效力的，每件交纳400元", ARBITRATION_REVIEW_FEE);
        return;
    case YZ_FEE_BANKRUPTCY: {
        /* RULE: fee-bankruptcy */
        article(c, A14_6);
        property_fee(c, r->amount_fen, "破产财产总额");
        total_step(c, "财产案件受理费标准");
        int64_t base = c->lo;
        if (base % 2)
            YZ_BUG("bankruptcy: %lld ticks not even", (long long)base);
        c->lo = c->hi = base / 2;
        step(c, "破产案件按照财产案件受理费标准减半交纳：%s ÷ 2 = %s（%s）", fmt_ticks(base).s,
             fmt_ticks(c->lo).s, A14_6);
        if (c->lo > BANKRUPTCY_CAP_FEN * TICKS_PER_FEN) {
            c->lo = c->hi = BANKRUPTCY_CAP_FEN * TICKS_PER_FEN;
            step(c, "破产申请费最高不超过30万元，按 %s 交纳", fmt_fen(BANKRUPTCY_CAP_FEN).s);
        }
        step(c, "说明：破产申请费不由申请人预交，清算后交纳（办法第二十条）");
        return;
    }
    case YZ_FEE_SPECIAL_PROCEDURE:
        /* RULE: fee-special-procedure */
        article(c, A8_1);
        step(c, "依照民事诉讼法规定的特别程序审理的案件不交纳案件受理费（%s）", A8_1);
        return;
    case YZ_FEE_KIND_NONE:
    case YZ_FEE_KIND__COUNT:
        break;
    }
    YZ_BUG("fee kind %d passed validation", (int)r->kind);
}

/* RULE: fee-halving — 办法第十五、十六、十八条; 民诉解释第二百零六条 halves once. */
static void halve(struct calc *c, const struct yz_fee_request *r)
{
    const char *reasons[4];
    int n = 0;
    if (r->procedure == YZ_FEE_PROC_SIMPLIFIED) {
        reasons[n++] = "适用简易程序审理（办法第十六条）";
        article(c, A16);
    }
    if (r->closed_by == YZ_FEE_CLOSED_MEDIATION) {
        reasons[n++] = "以调解方式结案（办法第十五条）";
        article(c, A15);
    } else if (r->closed_by == YZ_FEE_CLOSED_WITHDRAWAL) {
        reasons[n++] = "当事人申请撤诉（办法第十五条）";
        article(c, A15);
    }
    if (r->counterclaim) {
        reasons[n++] = "反诉或有独立请求权第三人的请求合并审理（办法第十八条）";
        article(c, A18);
    }
    if (n == 0)
        return;
    char why[YZ_FEE_STEP_BYTES];
    size_t used = 0;
    why[0] = '\0';
    for (int i = 0; i < n; i++) {
        int w = snprintf(why + used, sizeof why - used, "%s%s", i ? "、" : "", reasons[i]);
        if (w < 0 || (size_t)w >= sizeof why - used)
            YZ_BUG("fee quote: halving reasons too long");
        used += (size_t)w;
    }
    if (c->lo % 2 || c->hi % 2)
        YZ_BUG("halving: odd tick count");
    int64_t lo = c->lo / 2, hi = c->hi / 2;
    if (n > 1) {
        article(c, JS206);
        step(c, "%s", why);
        step(c, "减半收取案件受理费只能减半一次（民诉解释第二百零六条）");
    } else {
        step(c, "%s，减半交纳", why);
    }
    if (c->lo == c->hi)
        step(c, "减半：%s ÷ 2 = %s", fmt_ticks(c->lo).s, fmt_ticks(lo).s);
    else
        step(c, "减半：%s至%s ÷ 2 = %s至%s", fmt_ticks(c->lo).s, fmt_ticks(c->hi).s,
             fmt_ticks(lo).s, fmt_ticks(hi).s);
    c->lo = lo;
    c->hi = hi;
}

/* RULE: fee-rounding — half up, once, at the end. */
static int64_t round_ticks(int64_t t, enum yz_fee_rounding mode)
{
    if (mode == YZ_FEE_ROUND_YUAN) {
        int64_t per_yuan = TICKS_PER_FEN * 100;
        return (t + per_yuan / 2) / per_yuan * 100;
    }
    return (t + TICKS_PER_FEN / 2) / TICKS_PER_FEN;
}

enum yz_err yz_fee_quote(const struct yz_fee_request *req, const struct yz_fee_settings *settings,
                         struct yz_fee_quote *out, struct yz_field_errors *fe)
{
    int before = fe->count + fe->dropped;
    memset(out, 0, sizeof *out);
    yz_fee_settings_check(settings, fe);
    check_request(req, fe);
    if (fe->count + fe->dropped > before)
        return YZ_ERR_VALIDATION;

    struct calc c = {out, 0, 0};
    out->kind = req->kind;
    compute(&c, req, settings);
    if (kinds[req->kind].acceptance)
        halve(&c, req);

    enum yz_fee_rounding mode = settings ? settings->rounding : YZ_FEE_ROUND_FEN;
    out->min_fen = round_ticks(c.lo, mode);
    out->max_fen = round_ticks(c.hi, mode);
    out->range = out->min_fen != out->max_fen;
    const char *unit = mode == YZ_FEE_ROUND_YUAN ? "元" : "分";
    if (out->range) {
        out->fee_fen = 0;
        step(&c, "应交纳 %s至%s（区间：具体数额以本地标准为准，四舍五入保留到%s）",
             fmt_fen(out->min_fen).s, fmt_fen(out->max_fen).s, unit);
    } else {
        out->fee_fen = out->min_fen;
        if (out->fee_fen * TICKS_PER_FEN == c.lo)
            step(&c, "应交纳 %s", fmt_fen(out->fee_fen).s);
        else
            step(&c, "应交纳 %s（计算结果 %s，四舍五入保留到%s）", fmt_fen(out->fee_fen).s,
                 fmt_ticks(c.lo).s, unit);
    }
    return YZ_OK;
}

/* Members and strings set without jansson's UTF-8 checks: the keys are
 * literals and every string is this file's own text (kind names, article
 * citations, step lines formatted from literals and digits, never cut: step()
 * stops on a line too long). A bulk import quotes a fee per registered case. */
static void set_new(json_t *o, const char *key, json_t *v)
{
    json_object_set_new_nocheck(o, key, v);
}

static json_t *quote_json(const struct yz_fee_quote *q, bool steps)
{
    json_t *o = json_object();
    set_new(o, "kind", json_string_nocheck(yz_fee_kind_name(q->kind)));
    set_new(o, "range", json_boolean(q->range));
    if (q->range) {
        set_new(o, "min_fen", json_integer(q->min_fen));
        set_new(o, "max_fen", json_integer(q->max_fen));
    } else {
        set_new(o, "fee_fen", json_integer(q->fee_fen));
    }
    json_t *a = json_array();
    for (int i = 0; i < q->article_count; i++)
        json_array_append_new(a, json_string_nocheck(q->articles[i]));
    set_new(o, "articles", a);
    if (!steps)
        return o;
    json_t *s = json_array();
    for (int i = 0; i < q->step_count; i++)
        json_array_append_new(s, json_string_nocheck(q->steps[i]));
    set_new(o, "steps", s);
    return o;
}

json_t *yz_fee_quote_json(const struct yz_fee_quote *q)
{
    return quote_json(q, true);
}

json_t *yz_fee_quote_summary_json(const struct yz_fee_quote *q)
{
    return quote_json(q, false);
}

bool yz_fee_parse_yuan(const char *s, int64_t *out_fen)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
        return false; /* leading zero */
    const char *p = s;
    int64_t yuan = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (++digits > 14) /* 10^13 yuan has 14 digits; beyond that is over the cap anyway */
            return false;
        yuan = yuan * 10 + (*p++ - '0');
    }
    int64_t cents = 0;
    if (*p == '.') {
        p++;
        int d = 0;
        while (*p >= '0' && *p <= '9' && d < 3) {
            cents = cents * 10 + (*p++ - '0');
            d++;
        }
        if (d == 0 || d > 2)
            return false;
        if (d == 1)
            cents *= 10;
    }
    if (*p != '\0')
        return false;
    int64_t fen = yuan * 100 + cents;
    if (fen > YZ_FEE_AMOUNT_MAX_FEN)
        return false;
    *out_fen = fen;
    return true;
}

/* ---- settings from the configuration ---- */

static bool parse_local(const char *text, struct yz_fee_local_amount *out)
{
    out->min_fen = out->max_fen = YZ_FEE_UNSET;
    if (!text || !*text)
        return true;
    char buf[48];
    if (strlen(text) >= sizeof buf)
        return false;
    yz_strlcpy(buf, text, sizeof buf);
    char *dash = strchr(buf, '-');
    if (dash)
        *dash = '\0';
    int64_t lo, hi;
    if (!yz_parse_i64(buf, 1, YZ_FEE_AMOUNT_MAX_FEN, &lo))
        return false;
    hi = lo;
    if (dash && !yz_parse_i64(dash + 1, 1, YZ_FEE_AMOUNT_MAX_FEN, &hi))
        return false;
    out->min_fen = lo;
    out->max_fen = hi;
    return true;
}

enum yz_err yz_fee_settings_from_config(const struct yz_config *cfg, struct yz_fee_settings *out,
                                        struct yz_buf *err)
{
    memset(out, 0, sizeof *out);
    const struct {
        const char *key;
        const char *value;
        struct yz_fee_local_amount *slot;
    } items[] = {
        {"fees.divorce_fen", cfg->fees.divorce_fen, &out->divorce},
        {"fees.personality_rights_fen", cfg->fees.personality_rights_fen, &out->personality_rights},
        {"fees.other_non_property_fen", cfg->fees.other_non_property_fen, &out->other_non_property},
        {"fees.ip_without_amount_fen", cfg->fees.ip_without_amount_fen, &out->ip_without_amount},
        {"fees.jurisdiction_objection_fen", cfg->fees.jurisdiction_objection_fen,
         &out->jurisdiction_objection},
        {"fees.execution_without_amount_fen", cfg->fees.execution_without_amount_fen,
         &out->execution_without_amount},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        if (!parse_local(items[i].value, items[i].slot)) {
            yz_buf_addf(err, "%s: \"%s\" 应为一个金额（分）或 最小-最大", items[i].key,
                        items[i].value);
            return YZ_ERR_CONFIG;
        }
    out->rounding = cfg->fees.rounding == 1 ? YZ_FEE_ROUND_YUAN : YZ_FEE_ROUND_FEN;
    struct yz_field_errors fe = {0};
    if (yz_fee_settings_check(out, &fe) != YZ_OK) {
        for (int i = 0; i < fe.count; i++)
            yz_buf_addf(err, "%sfees.%s: %s", i ? "; " : "",
                        strncmp(fe.items[i].field, "settings/", 9) == 0 ? fe.items[i].field + 9
                                                                        : fe.items[i].field,
                        fe.items[i].message);
        return YZ_ERR_CONFIG;
    }
    return YZ_OK;
}
