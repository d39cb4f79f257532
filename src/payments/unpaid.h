/*
 * Cases whose acceptance fee was not paid in time (民诉解释 art. 213: a
 * plaintiff told to pay who still does not pay, or whose application for
 * relief failed, is treated as having withdrawn; 诉讼费用交纳办法 art. 22).
 *
 * The court's list: every case of the court whose fee_payment deadline runs
 * and has passed (the ledger, ledger.h, keeps that deadline running only
 * while a fee is due and no relief application waits), oldest due date
 * first. The ruling: filing's event "deem_withdrawn" (裁定按撤诉处理), whose
 * effect "check_fee_unpaid" refuses it unless a fee is still due, no relief
 * application waits for a decision, and the deadline (the deferral date, if
 * payment was deferred) has passed.
 */
#ifndef YZ_PAYMENTS_UNPAID_H
#define YZ_PAYMENTS_UNPAID_H

#include "core/error.h"
#include "matters/effects.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

/* The court's cases past their fee-payment deadline with a fee still due, at
 * most limit: {"items": [{id, case_number, title, state, state_title, version,
 * pay_by, days_overdue, fee_fen, payable_fen, paid_fen, due_fen, deferred}],
 * "court_id"}. */
enum yz_err yz_payments_unpaid_list(struct yz_tx *tx, struct yz_app *app,
                                    const struct yz_principal *who, int64_t limit, json_t **out);

/* Effect "check_fee_unpaid" (filing's deem_withdrawn): see above. */
enum yz_err yz_payments_check_unpaid_effect(struct yz_effect_ctx *c);

#endif
