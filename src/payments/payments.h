/*
 * Fee payments (诉讼费用交纳): at the window, where the cashier confirms
 * payment with a receipt number, or online through a gateway adapter: the
 * party is sent to the gateway's page with an order number, and the gateway
 * calls back with the result, signed with a shared key (HMAC-SHA-256). Refunds
 * are recorded the same way. Every change is an event on the matter's stream
 * in the same transaction as the payments row (the projection).
 *
 * Callback signature: hex HMAC-SHA-256 under the gateway key over the UTF-8
 * text "order_no\namount_fen\nstatus\ngateway_ref\ntimestamp" (decimal
 * integers, timestamp in Unix seconds), sent as the X-Gateway-Signature header.
 */
#ifndef YZ_PAYMENTS_PAYMENTS_H
#define YZ_PAYMENTS_PAYMENTS_H

#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

#define YZ_PAYMENT_KEY_MIN 32
#define YZ_PAYMENT_KEY_MAX 128
#define YZ_PAYMENT_CALLBACK_WINDOW_S (24 * 3600) /* a callback older than this is refused */

/* Loads the gateway key named by payments.gateway_key_file (nothing when unset).
 * Refuses a file readable by group or others, or shorter than YZ_PAYMENT_KEY_MIN. */
enum yz_err yz_payments_load_key(struct yz_app *app, struct yz_buf *err);

struct yz_payment_callback {
    const char *order_no;
    int64_t amount_fen;
    const char *status;      /* "paid" */
    const char *gateway_ref; /* the gateway's own transaction number */
    int64_t timestamp;       /* Unix seconds */
    const char *signature;   /* hex */
};

/* Creates a payment order for the fee still due on a registered case. */
enum yz_err yz_payment_create(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              int64_t matter_id, const char *method, const char *channel,
                              const char *route, struct yz_field_errors *fe, json_t **out);
/* The cashier confirms a window payment with the receipt number. */
enum yz_err yz_payment_confirm(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                               int64_t payment_id, const char *receipt_no, const char *channel,
                               const char *route, json_t **out);
/* The gateway's signed callback. Repeating a callback is harmless. */
enum yz_err yz_payment_callback(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_payment_callback *cb, struct yz_field_errors *fe,
                                json_t **out);
/* Refunds part or all of what was paid on a case. */
enum yz_err yz_payment_refund(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              int64_t matter_id, int64_t amount_fen, const char *reason,
                              const char *channel, const char *route, struct yz_field_errors *fe,
                              json_t **out);
/* The ledger of a case as the caller may see it: fee, paid, refunded, due, entries. */
enum yz_err yz_payment_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            int64_t matter_id, const char *route, json_t **out);

#endif
