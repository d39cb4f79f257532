/*
 * The litigation-fee calculator: 诉讼费用交纳办法 (国务院令第481号, in force
 * 2007-04-01; cited below as 办法) and the fee rules of 民诉解释.
 *
 * Money is integer fen throughout; no floating point anywhere. Every rate in
 * the 办法 is a whole number of per-mille (2.5% = 25‰ ... 0.1% = 1‰) and the
 * only divisors are 2 (halving, bankruptcy) and 3 (payment order), so the
 * calculator works in exact "ticks" of 1/6000 fen and rounds exactly once,
 * at the very end:
 *
 *   ROUNDING (RULE: fee-rounding). The 办法 computes in yuan and states no
 *   rounding rule (fees.json notes). The exact result is rounded half up
 *   (四舍五入) to the fen by default, or to the whole yuan when the settings
 *   ask for it (some courts round to the yuan). Intermediate band amounts are
 *   never rounded, so halving or taking 1/3 never compounds a rounding.
 *
 * Ranges. The 办法 gives some fees as a range per case (divorce 50-300 yuan,
 * personality rights 100-500, other non-property 50-100, IP without an amount
 * 500-1000, jurisdiction objection 50-100) that the provincial government
 * narrows for its province (办法第十三条第二款, only for items 13(2), 13(3)
 * and 13(6)), and execution without an amount 50-500 yuan per case (14(1)1).
 * The caller supplies the local figures in struct yz_fee_settings; an item
 * left unset makes the quote a range (range = true, min_fen..max_fen) and the
 * steps say so. Fixed national amounts (labour 10, administrative 50/100,
 * public summons 100, arbitration review 400 yuan) are not settings: the 办法
 * lets no one change them.
 *
 * Reductions (RULE: fee-halving). Simplified procedure (办法第十六条),
 * closing by mediation or withdrawal (第十五条) and a counterclaim or an
 * independent third-party claim joined for trial (第十八条) each halve the
 * acceptance fee (案件受理费); several reasons together still halve it only
 * once (民诉解释第二百零六条). They apply to the acceptance-fee kinds only
 * (property, divorce, personality rights, other non-property, IP, labour,
 * administrative; no counterclaim in administrative cases), not to
 * application fees (申请费) or the jurisdiction-objection fee: asking for
 * them there is a validation error, not silently ignored.
 *
 * Appeals (第十七条) and retrials (第十九条) use the same schedules on the
 * amount appealed against; the caller passes that amount, the quote only
 * notes the rule.
 */
#ifndef YZ_FEES_FEES_H
#define YZ_FEES_FEES_H

#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Largest amount accepted anywhere: 10^15 fen = 10 万亿元. */
#define YZ_FEE_AMOUNT_MAX_FEN INT64_C(1000000000000000)

enum yz_fee_kind {
    YZ_FEE_KIND_NONE = 0,          /* not a kind: an unset request is a validation error */
    YZ_FEE_PROPERTY,               /* 13(1) 财产案件 */
    YZ_FEE_DIVORCE,                /* 13(2)1 离婚案件 */
    YZ_FEE_PERSONALITY_RIGHTS,     /* 13(2)2 人格权案件 */
    YZ_FEE_OTHER_NON_PROPERTY,     /* 13(2)3 其他非财产案件 */
    YZ_FEE_IP,                     /* 13(3) 知识产权民事案件 */
    YZ_FEE_LABOR,                  /* 13(4) 劳动争议案件 */
    YZ_FEE_ADMINISTRATIVE,         /* 13(5) 行政案件 */
    YZ_FEE_JURISDICTION_OBJECTION, /* 13(6) 管辖权异议（异议不成立） */
    YZ_FEE_EXECUTION,              /* 14(1) 申请执行 */
    YZ_FEE_PRESERVATION,           /* 14(2) 申请保全 */
    YZ_FEE_PAYMENT_ORDER,          /* 14(3) 申请支付令 */
    YZ_FEE_PUBLIC_SUMMONS,         /* 14(4) 申请公示催告 */
    YZ_FEE_ARBITRATION_REVIEW, /* 14(5) 申请撤销仲裁裁决或者认定仲裁协议效力 */
    YZ_FEE_BANKRUPTCY,         /* 14(6) 破产案件 */
    YZ_FEE_SPECIAL_PROCEDURE,  /* 8(1) 特别程序案件：不交纳案件受理费 */
    YZ_FEE_KIND__COUNT
};

enum yz_fee_procedure { YZ_FEE_PROC_UNSET = 0, YZ_FEE_PROC_ORDINARY, YZ_FEE_PROC_SIMPLIFIED };
enum yz_fee_closed_by {
    YZ_FEE_CLOSED_UNSET = 0,
    YZ_FEE_CLOSED_NONE,       /* judgment, or not closed yet */
    YZ_FEE_CLOSED_MEDIATION,  /* 以调解方式结案 */
    YZ_FEE_CLOSED_WITHDRAWAL, /* 当事人申请撤诉 */
};
enum yz_fee_admin_subtype {
    YZ_FEE_ADMIN_UNSET = 0,
    YZ_FEE_ADMIN_TRADEMARK_PATENT_MARITIME, /* 商标、专利、海事行政案件 100 yuan */
    YZ_FEE_ADMIN_OTHER,                     /* 其他行政案件 50 yuan */
};
enum yz_fee_rounding { YZ_FEE_ROUND_FEN = 0, YZ_FEE_ROUND_YUAN };

/*
 * NULL-terminated lists of the wire names, in enum order from value 1 (so
 * names[k - 1] names k); usable as YZ_V_ENUM values in route specs.
 */
extern const char *const yz_fee_kind_names[];
extern const char *const yz_fee_procedure_names[]; /* ordinary, simplified */
extern const char *const yz_fee_closed_by_names[]; /* none, mediation, withdrawal */
extern const char *const yz_fee_subtype_names[];   /* trademark_patent_maritime, other */

/* Parse a wire name; false (out unchanged) when s is NULL or unknown. */
bool yz_fee_kind_parse(const char *s, enum yz_fee_kind *out);
bool yz_fee_procedure_parse(const char *s, enum yz_fee_procedure *out);
bool yz_fee_closed_by_parse(const char *s, enum yz_fee_closed_by *out);
bool yz_fee_subtype_parse(const char *s, enum yz_fee_admin_subtype *out);
/* Wire name of a kind; "" for a value that is not a kind. */
const char *yz_fee_kind_name(enum yz_fee_kind k);

/*
 * What to quote. Zero-initialise and fill what applies; optional amounts
 * carry a has_ flag so that 0 (e.g. no property to divide) can be said.
 * Which fields a kind takes:
 *   amount_fen          required: property, payment_order, bankruptcy (破产财产总额);
 *                       optional: ip (争议金额), execution (执行金额),
 *                       preservation (实际保全的财产数额); refused elsewhere.
 *                       1..YZ_FEE_AMOUNT_MAX_FEN.
 *   property_total_fen  divorce only (财产分割的财产总额), 0..max.
 *   damages_fen         personality_rights only (损害赔偿金额), 0..max.
 *   admin_subtype       administrative only, required there.
 *   procedure, closed_by, counterclaim: acceptance-fee kinds only (see the
 *                       top of this file); UNSET/ordinary/none are accepted
 *                       everywhere because they change nothing.
 */
struct yz_fee_request {
    enum yz_fee_kind kind;
    bool has_amount;
    int64_t amount_fen;
    enum yz_fee_procedure procedure;
    enum yz_fee_closed_by closed_by;
    bool counterclaim; /* 反诉或有独立请求权第三人的请求，合并审理 */
    bool has_property_total;
    int64_t property_total_fen;
    bool has_damages;
    int64_t damages_fen;
    enum yz_fee_admin_subtype admin_subtype;
};

/*
 * A per-case amount the province (or, for execution, the court) fixes
 * inside the national range. Unset is both bounds YZ_FEE_UNSET (0, so a
 * zero-initialised struct means "national ranges"): no national minimum is
 * 0, so 0 can never be a real figure. A set item has min_fen <= max_fen,
 * both inside the national range; min == max is an exact amount, min < max
 * a narrower range that is still quoted as a range.
 */
#define YZ_FEE_UNSET 0
struct yz_fee_local_amount {
    int64_t min_fen;
    int64_t max_fen;
};

struct yz_fee_settings {
    struct yz_fee_local_amount divorce;                  /* 13(2)1 5000..30000 fen */
    struct yz_fee_local_amount personality_rights;       /* 13(2)2 10000..50000 */
    struct yz_fee_local_amount other_non_property;       /* 13(2)3 5000..10000 */
    struct yz_fee_local_amount ip_without_amount;        /* 13(3) 50000..100000 */
    struct yz_fee_local_amount jurisdiction_objection;   /* 13(6) 5000..10000 */
    struct yz_fee_local_amount execution_without_amount; /* 14(1)1 5000..50000 */
    enum yz_fee_rounding rounding;                       /* RULE: fee-rounding */
};

#define YZ_FEE_MAX_ARTICLES 8
#define YZ_FEE_MAX_STEPS 24
#define YZ_FEE_STEP_BYTES 320

struct yz_fee_quote {
    enum yz_fee_kind kind;
    bool range;      /* true: the fee is min_fen..max_fen (a setting was unset) */
    int64_t fee_fen; /* when !range; min_fen == max_fen == fee_fen then */
    int64_t min_fen;
    int64_t max_fen;
    /* Articles applied, e.g. "诉讼费用交纳办法第十三条第一项"; static strings, in order. */
    const char *articles[YZ_FEE_MAX_ARTICLES];
    int article_count;
    /* One Chinese line per step of the computation, in order. */
    char steps[YZ_FEE_MAX_STEPS][YZ_FEE_STEP_BYTES];
    int step_count;
};

/*
 * Validates req (and settings, when not NULL; NULL = every item unset,
 * rounding to the fen) and computes the fee. Returns YZ_OK with *out filled,
 * or YZ_ERR_VALIDATION with every problem added to fe (fields named after
 * the request members: "kind", "amount_fen", "procedure", "closed_by",
 * "counterclaim", "property_total_fen", "damages_fen", "subtype", and
 * "settings/<item>" / "settings/rounding"); *out is then unspecified.
 */
enum yz_err yz_fee_quote(const struct yz_fee_request *req, const struct yz_fee_settings *settings,
                         struct yz_fee_quote *out, struct yz_field_errors *fe);

/*
 * Checks settings alone (what yz_fee_quote also does), for a caller that
 * loads them from configuration at start-up. NULL is valid.
 */
/* Builds settings from the configuration (fees.*_fen: "" unset, "N" or
 * "MIN-MAX" in fen; fees.rounding) and checks them against the national
 * ranges; errors name the configuration key. */
struct yz_config;
enum yz_err yz_fee_settings_from_config(const struct yz_config *cfg, struct yz_fee_settings *out,
                                        struct yz_buf *err);
enum yz_err yz_fee_settings_check(const struct yz_fee_settings *settings,
                                  struct yz_field_errors *fe);

/*
 * The quote as a new JSON object: {"kind", "range": false, "fee_fen"} or
 * {"kind", "range": true, "min_fen", "max_fen"}, then "articles" and
 * "steps" (arrays of strings). Caller owns the reference.
 * yz_fee_quote_summary_json: the same without "steps", as a filing's
 * projection keeps it; the explanation is in its compute_fee event.
 */
json_t *yz_fee_quote_json(const struct yz_fee_quote *q);
json_t *yz_fee_quote_summary_json(const struct yz_fee_quote *q);

/*
 * Strict yuan parser for human input ("12345.67"): digits, optionally '.'
 * and one or two digits; no sign, spaces, exponent, grouping, leading zeros
 * ("0.5" is fine, "05" is not) or trailing dot. Exact (no floating point).
 * Returns false (out unchanged) when s is not of that form or the amount is
 * above YZ_FEE_AMOUNT_MAX_FEN.
 */
bool yz_fee_parse_yuan(const char *s, int64_t *out_fen);

/*
 * An amount in millifen (1/1000 fen) as quotes show it: prefix, then yuan with
 * the integer part grouped by thousands and 2 to 5 decimals (trailing zeros
 * past the second dropped), then 元: 1234567890 millifen is "12,345.6789元".
 * Truncated to size (NUL-terminated) like snprintf.
 */
void yz_fee_millifen_text(int64_t millifen, const char *prefix, char *out, size_t size);

#endif
