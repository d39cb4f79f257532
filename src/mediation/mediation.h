/*
 * Pre-filing mediation (诉前调解, 委派调解) and judicial confirmation (司法确认):
 * the effects and the agreement document behind data/workflows/mediation.json
 * and judicial_confirmation.json. Rules: 特邀调解规定 art. 27 and 在线调解规则
 * art. 24 (30 days, longer only with every party's consent), 在线调解规则 arts
 * 10-15 (designation and acceptance within 3 working days), CPL 2023 art. 205
 * (confirmation applied for within 30 days of the agreement), 司法确认规定
 * arts 4-5 (accepted within 3 days, decided within 15, +10 with approval),
 * 诉讼费用交纳办法 art. 8(1) (no fee).
 */
#ifndef YZ_MEDIATION_MEDIATION_H
#define YZ_MEDIATION_MEDIATION_H

#include "matters/documents.h"
#include "matters/effects.h"

#define YZ_MEDIATION_CONFIRMATION_DAYS 30

/* Document schema "mediation_agreement": the agreed terms. */
enum yz_err yz_mediation_prepare_agreement(struct yz_app *app, const json_t *in, const char *path,
                                           json_t **out, struct yz_field_errors *fe);

enum yz_err yz_mediation_require_consent(struct yz_effect_ctx *c);
enum yz_err yz_mediation_assign_number(struct yz_effect_ctx *c);
enum yz_err yz_mediation_record_delegation(struct yz_effect_ctx *c);
enum yz_err yz_mediation_release_mediator(struct yz_effect_ctx *c);
enum yz_err yz_mediation_extend_deadline(struct yz_effect_ctx *c);
enum yz_err yz_mediation_render_agreement(struct yz_effect_ctx *c);
enum yz_err yz_mediation_record_confirmation(struct yz_effect_ctx *c);
enum yz_err yz_mediation_clear_confirmations(struct yz_effect_ctx *c);
enum yz_err yz_mediation_check_confirmations(struct yz_effect_ctx *c);
enum yz_err yz_mediation_apply_confirmation(struct yz_effect_ctx *c);
enum yz_err yz_mediation_check_confirmation_window(struct yz_effect_ctx *c);
enum yz_err yz_mediation_convert_to_filing(struct yz_effect_ctx *c);
enum yz_err yz_mediation_start_from_filing(struct yz_effect_ctx *c);
enum yz_err yz_mediation_load_case(struct yz_effect_ctx *c);
enum yz_err yz_mediation_set_period(struct yz_effect_ctx *c);
enum yz_err yz_mediation_issue_consent_judgment(struct yz_effect_ctx *c);
enum yz_err yz_mediation_file_for_consent_judgment(struct yz_effect_ctx *c);

#endif
