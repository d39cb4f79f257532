/* Fee relief applications (诉讼费缓交、减交、免交): the effects of their workflow. */
#ifndef YZ_FEES_RELIEF_H
#define YZ_FEES_RELIEF_H

#include "matters/effects.h"

/* Effect "check_relief_case": the application's case_matter_id is a filing of
 * this court that the applicant takes part in (court staff: any of theirs). */
enum yz_err yz_fees_check_relief_case(struct yz_effect_ctx *c);
/* Effect "apply_fee_relief" (every event of the workflow): keeps the
 * application in the fee_reliefs projection, records fee.relief on the case's
 * history and brings the case's fee-payment deadline in line; a grant takes
 * effect on what the case owes (payments/ledger.h). Validates the decision:
 * the reduction's bounds (办法 art. 46), the deferral date, 免交 for natural
 * persons only (art. 44). */
enum yz_err yz_fees_apply_relief(struct yz_effect_ctx *c);

#endif
