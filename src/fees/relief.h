/* Fee relief applications (诉讼费缓交、减交、免交): the effects of their workflow. */
#ifndef YZ_FEES_RELIEF_H
#define YZ_FEES_RELIEF_H

#include "matters/effects.h"

/* Effect "check_relief_case": the application's case_matter_id is a filing of
 * this court that the applicant takes part in (court staff: any of theirs). */
enum yz_err yz_fees_check_relief_case(struct yz_effect_ctx *c);

#endif
