/*
 * The outbox sender: a background thread of `yizhan serve` that delivers the
 * pending e-mail and SMS rows of the outbox (notify.h) and marks the outcome.
 *
 * Each pass (every notify.interval_ms, at once again after a full batch):
 *   1. reads up to notify.batch rows, oldest due first, that are pending,
 *      due (next_attempt_at <= now) and of a channel that is on;
 *   2. delivers them one by one with no transaction open: e-mail over SMTP
 *      (libcurl; connect timeout 5 s, whole transfer 30 s; STARTTLS as
 *      notify.smtp_starttls says), SMS by an HTTP POST to the gateway
 *      (same timeouts, see below);
 *   3. marks each outcome in its own small write transaction:
 *        sent       sent_at = now, attempts + 1, last_error and next_attempt_at NULL;
 *        failed     attempts + 1, last_error, next_attempt_at = now +
 *                   yz_notify_backoff_ms(attempts, notify.retry_base_ms);
 *        given up   after YZ_NOTIFY_MAX_ATTEMPTS attempts, or at once when the
 *                   refusal is permanent (SMTP 5xx; gateway 4xx other than
 *                   408 and 429; an address that no longer opens): attempts +
 *                   1, last_error saying so, next_attempt_at NULL (failed).
 *      The update only applies while the row is unsent with the attempt count
 *      read in step 1, so a row is never counted twice.
 * Delivery is at least once: a crash between a relay's acceptance and the
 * mark sends the message again on restart. One sender per database.
 *
 * SMS gateway protocol: POST notify.sms_url with Content-Type
 * application/json and the body {"id": <outbox id>, "phone": "<11 digits>",
 * "text": "<UTF-8>"} (the gateway may use id to drop duplicates), headers
 *   X-Yizhan-Timestamp: <Unix seconds>
 *   X-Yizhan-Signature: <hex HMAC-SHA-256 under the key of notify.sms_key_file
 *                        over "<timestamp>\n<body bytes>">
 * Any 2xx answer means accepted. Redirects are not followed.
 *
 * Stopping: yz_notify_sender_stop() wakes the thread, aborts a transfer in
 * progress (its row is left as it was, to be tried again) and joins it.
 */
#ifndef YZ_NOTIFY_SENDER_H
#define YZ_NOTIFY_SENDER_H

#include "app/app.h"
#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

#define YZ_NOTIFY_SMS_KEY_MIN 32
#define YZ_NOTIFY_SMS_KEY_MAX 128
#define YZ_NOTIFY_CONNECT_TIMEOUT_MS 5000
#define YZ_NOTIFY_TOTAL_TIMEOUT_MS 30000

struct yz_notify_sender;

/*
 * Checks the notify.* configuration (smtp_url smtp:// or smtps://, mail_from
 * a valid address, sms_url http:// or https:// with sms_key_file set, the key
 * file 32..128 bytes of mode 0600), loads the SMS key and starts the thread.
 * When both channels are off no thread is started and *out is NULL (rows wait
 * in the outbox). YZ_ERR_CONFIG with the reason in err when the
 * configuration is wrong; YZ_ERR_INTERNAL when the thread cannot start.
 */
enum yz_err yz_notify_sender_start(struct yz_app *app, struct yz_notify_sender **out,
                                   struct yz_buf *err);

/* Stops and joins the thread and frees s; NULL is harmless. */
void yz_notify_sender_stop(struct yz_notify_sender *s);

/*
 * The signature header value for an SMS request: lower-case hex HMAC-SHA-256
 * under key over "<timestamp>\n" followed by body[0..n). out_hex gets 65 bytes.
 */
void yz_notify_sms_sign(const unsigned char *key, size_t key_len, int64_t timestamp,
                        const char *body, size_t n, char out_hex[65]);

#endif
