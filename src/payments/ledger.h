/*
 * What a case owes (诉讼费用): the assessed acceptance fee, the fee relief
 * the court granted on it (诉讼费用交纳办法 arts 44-51: 免交, 减交, 缓交),
 * what was paid and refunded, and from these what is still due, what became
 * refundable, and until when payment is deferred. The payments view, the
 * payment order and the fee-payment deadline all read this one computation.
 *
 * The relief projection (table fee_reliefs) holds one row per application,
 * kept by the fee_relief workflow's effect "apply_fee_relief" from the event
 * fee.relief it records on the case's history (migration 15 rebuilds the
 * table from those events).
 *
 * The fee-payment deadline (fee_payment, 办法 art. 22: seven days from the
 * notice) is kept to match: running while something is due, moved to the
 * deferral date once payment is deferred, stopped while a relief
 * application waits for a decision (民诉解释 art. 213: only a party who did
 * not apply, or whose application failed, is treated as having withdrawn)
 * and once nothing is due.
 */
#ifndef YZ_PAYMENTS_LEDGER_H
#define YZ_PAYMENTS_LEDGER_H

#include "core/error.h"
#include "matters/effects.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

#define YZ_FEE_PAYMENT_DAYS 7 /* 办法 art. 22 */

struct yz_fee_ledger {
    bool registered, has_fee;
    int64_t fee_fen;        /* assessed (0 until known) */
    bool waived;            /* 免交 granted */
    int64_t reduced_fen;    /* 减交 granted, summed (never above the fee) */
    int64_t relief_fen;     /* taken off the fee: the fee when waived, else reduced_fen */
    int64_t payable_fen;    /* fee - relief */
    int64_t paid_fen, refunded_fen, pending_fen;
    int64_t due_fen;        /* payable - paid, never below 0 */
    int64_t refundable_fen; /* paid - refunded - payable, never below 0: not refunded by itself */
    char deferred_until[16]; /* YYYY-MM-DD of the latest deferral granted, "" when none */
    bool relief_pending;     /* an application on the case waits for a decision */
    char pay_by[16];         /* due date of the running fee_payment deadline, "" when none */
    char deadline_due[16];   /* due date of the fee_payment deadline, running or stopped */
    bool deadline_running;
    char kind[48], state[48]; /* the matter's: whether the case has ended */
};

/* Loads the ledger of a matter (all zero for one that is not a registered case). */
enum yz_err yz_fee_ledger_load(struct yz_tx *tx, int64_t case_id, struct yz_fee_ledger *out);
/* The case's relief applications, oldest first: [{relief_matter_id, relief, state, ...}]. */
enum yz_err yz_fee_ledger_reliefs(struct yz_tx *tx, int64_t case_id, json_t **out);
/* Brings the case's fee_payment deadline in line with its ledger (see above). */
enum yz_err yz_fee_ledger_sync_deadline(struct yz_tx *tx, struct yz_app *app, int64_t case_id);

/* Effect "schedule_fee_payment" (filing's register): starts the fee-payment
 * deadline for the fee just assessed, respecting relief already decided. */
enum yz_err yz_payments_schedule_effect(struct yz_effect_ctx *c);

#endif
