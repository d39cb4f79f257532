/*
 * Notices for the party of a pre-filing mediation: the dispute-resolution
 * notice (多元解纷告知书), the fee-reduction notice for a settled dispute
 * (诉讼费用减半告知书) and the litigation risk notice (诉讼风险提示书).
 *
 * A notice is plain Chinese text built from the matter as the caller may see
 * it (yz_matter_get's JSON: court.name, kind, state, data.number and
 * data.application), so building one needs no storage and no policy of its
 * own: whoever may read the matter may read its notices. Nothing is stored;
 * a notice is regenerated on each request from the current matter.
 *
 * The cause-specific paragraphs of the risk notice come from a small static
 * table keyed by 2025 catalogue codes (parts, 二级, 三级 or 四级 causes); a
 * cause collects every row keyed at it or at one of its ancestors, the most
 * specific first. A 2020 cause is read through its 2025 counterparts.
 */
#ifndef YZ_MEDIATION_NOTICES_H
#define YZ_MEDIATION_NOTICES_H

#include "core/buf.h"
#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_app;
struct yz_catalog;
struct yz_cause;

enum yz_notice_kind {
    YZ_NOTICE_NONE = 0,
    YZ_NOTICE_DISPUTE_RESOLUTION, /* 多元解纷告知书 */
    YZ_NOTICE_FEE_REDUCTION,      /* 诉讼费用减半告知书 */
    YZ_NOTICE_LITIGATION_RISK,    /* 诉讼风险提示书 */
    YZ_NOTICE_ADMINISTRATIVE,     /* 行政裁决引导告知书 and the referral letter */
};

/* Wire names in enum order from value 1, NULL-terminated (a YZ_V_ENUM list):
 * dispute_resolution, fee_reduction, litigation_risk. */
extern const char *const yz_notice_kind_names[];
/* False (out unchanged) when s is NULL or unknown. */
bool yz_notice_kind_parse(const char *s, enum yz_notice_kind *out);

/* One cause-specific risk paragraph (static strings). */
struct yz_notice_risk {
    const char *code;  /* 2025 catalogue code the row is keyed at: "108.3", "C19", "P02" */
    const char *title; /* "民间借贷的利率上限" */
    const char *text;  /* the paragraph, citing its rule where certain */
};

#define YZ_NOTICE_MAX_RISKS 8

/*
 * The rows that apply to cause (any revision; NULL or a NULL cat gives 0):
 * rows keyed at the cause or an ancestor, in that order (most specific
 * first), each once. Fills out[0..max) and returns how many were filled
 * (at most max).
 */
size_t yz_notice_cause_risks(const struct yz_catalog *cat, const struct yz_cause *cause,
                             const struct yz_notice_risk **out, size_t max);

/* Formats fen as yuan with two decimals ("1250.50"; "-" sign kept), exact. */
void yz_notice_format_yuan(int64_t fen, char *out, size_t size);

/*
 * Builds the notice of kind for matter (yz_matter_get's JSON; the caller has
 * already checked that its principal may read it) as a new object
 * {"kind", "title", "text"} in *out.
 *
 * Returns YZ_ERR_INVALID_TRANSITION (err gets a Chinese reason, *out NULL)
 * when the matter has no dispute (data.application) to speak of, or, for
 * fee_reduction, when it is not a mediation in state settled, performed or
 * confirmation_applied; YZ_ERR_INTERNAL when the fee calculator refuses the
 * request (settings broken); YZ_ERR_BAD_REQUEST for kind NONE.
 * Uses app->catalog (may be NULL: general risks only) and app->fee_settings.
 */
enum yz_err yz_notice_build(const struct yz_app *app, const json_t *matter,
                            enum yz_notice_kind kind, json_t **out, struct yz_buf *err);

#endif
