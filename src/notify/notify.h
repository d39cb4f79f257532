/*
 * Notifications by e-mail and SMS: validation, and the outbox rows the
 * sender (sender.h) delivers.
 *
 * Like in-app notifications (matters/effects.h, yz_notify), a message is
 * only enqueued here, inside the caller's write transaction, next to the
 * event that caused it: it exists exactly when its cause does, and no
 * network I/O happens while the writer is held. The caller records the event.
 *
 * An outbox row of channel 'email' or 'sms' carries the recipient address
 * sealed (crypto/pii.h, context "outbox.email" or "outbox.sms"), the subject
 * (e-mail), the text as payload {"text": "..."}, and next_attempt_at = now:
 *   pending  sent_at IS NULL and next_attempt_at IS NOT NULL
 *   sent     sent_at IS NOT NULL
 *   failed   sent_at IS NULL and next_attempt_at IS NULL (the sender gave up)
 * A row whose channel is switched off stays pending until it is switched on.
 *
 * A person's own notification address lives on the account: users.email_enc
 * (sealed, context "users.email") and users.email_hash (lookup kind "email"
 * over the normalised address).
 */
#ifndef YZ_NOTIFY_NOTIFY_H
#define YZ_NOTIFY_NOTIFY_H

#include "core/error.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

#define YZ_NOTIFY_EMAIL_MAX 254            /* bytes of an address (RFC 5321 path limit less <>) */
#define YZ_NOTIFY_EMAIL_SIZE (YZ_NOTIFY_EMAIL_MAX + 1)
#define YZ_NOTIFY_SUBJECT_MAX 200          /* characters */
#define YZ_NOTIFY_BODY_MAX (32 * 1024)     /* bytes of e-mail text */
#define YZ_NOTIFY_SMS_MAX 500              /* characters of SMS text */
#define YZ_NOTIFY_MAX_ATTEMPTS 10          /* then the row is marked failed */
#define YZ_NOTIFY_BACKOFF_CAP_MS 3600000   /* longest wait between attempts */

/*
 * Checks s[0..n) as an e-mail address for notifications, a practical subset
 * of RFC 5321: local@domain, at most YZ_NOTIFY_EMAIL_MAX bytes; the local
 * part 1..64 bytes of dot-atom (letters, digits and !#$%&'*+-/=?^_`{|}~,
 * dots only between them); the domain at least two dot-separated labels of
 * 1..63 letters, digits and inner hyphens, at most 253 bytes, the last label
 * not all digits. No quoted local parts, address literals, comments or
 * non-ASCII (SMTPUTF8): relays differ on those, and a notification address
 * must simply work. On success writes the normalised address (domain in
 * lower case; the local part is kept, RFC 5321 lets it be case-sensitive)
 * into out and returns NULL; otherwise out is "" and the result is a stable
 * problem code: "required" (empty), "too_long", or "format".
 */
const char *yz_notify_email_normalise(const char *s, size_t n, char out[YZ_NOTIFY_EMAIL_SIZE]);

/* The Chinese message for a problem code of yz_notify_email_normalise. */
const char *yz_notify_email_problem_message(const char *code);

/*
 * Display form of a normalised address: its first character, "***", then
 * "@domain" (zhang.san@example.cn -> z***@example.cn). Anything without an
 * '@' gives "***". out is always NUL-terminated.
 */
void yz_notify_mask_email(const char *address, char out[YZ_NOTIFY_EMAIL_SIZE]);

/*
 * The delay before attempt number attempts + 1, after `attempts` failed ones
 * (attempts >= 1): base_ms * 2^(attempts - 1), capped at
 * YZ_NOTIFY_BACKOFF_CAP_MS (and computed without overflow). Returns -1 when
 * attempts >= YZ_NOTIFY_MAX_ATTEMPTS: no further attempt.
 */
int64_t yz_notify_backoff_ms(int attempts, int64_t base_ms);

/*
 * Enqueues an e-mail in the caller's transaction. matter_id (0 = none) is the
 * matter it is about; user_id (0 = not an account holder) whom it is for. At
 * least one of them is needed: a row for no account belongs to the matter's
 * court (recipient_court_id), for the court's admin view. address must pass
 * yz_notify_email_normalise (it is stored normalised); subject 1..
 * YZ_NOTIFY_SUBJECT_MAX characters of single-line UTF-8; body_text 1..
 * YZ_NOTIFY_BODY_MAX bytes of UTF-8 without control characters other than
 * line breaks and tabs. Returns YZ_OK, YZ_ERR_VALIDATION (bad input: logged
 * without the address; callers validate user input first and report fields
 * themselves), YZ_ERR_NOT_FOUND (user_id 0 and no such matter) or a storage
 * error.
 */
enum yz_err yz_notify_email(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                            int64_t user_id, const char *address, const char *subject,
                            const char *body_text);

/*
 * Enqueues an SMS, as yz_notify_email: phone is a mainland mobile number
 * (core/idnum.h, yz_idnum_mobile_check; stored as 11 digits), text 1..
 * YZ_NOTIFY_SMS_MAX characters of UTF-8 without control characters other
 * than line breaks.
 */
enum yz_err yz_notify_sms(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                          int64_t user_id, const char *phone, const char *text);

/*
 * Sets who's notification e-mail address (already normalised by
 * yz_notify_email_normalise) in the caller's transaction: stores it sealed
 * with its lookup hash, records "contact.email_set" on stream "user/<id>"
 * (payload {"email": masked, "previous": masked or absent}, with channel),
 * and enqueues a confirmation e-mail to the new address and, when there was
 * a different one before, a notice to the old one (so a hijacked session
 * cannot move notifications away unseen). Setting the address already set
 * changes, records and sends nothing. *out (new reference) is
 * {"email": masked, "changed": bool}.
 */
enum yz_err yz_notify_set_email(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, const char *address,
                                const char *channel, json_t **out);

/*
 * The court admin's view of e-mail and SMS notifications about the matters
 * of their court, newest first: status "pending", "sent", "failed" (NULL =
 * all), ids below before_id (0 = from the newest), at most limit (<= 0 or
 * above the store's cap = the cap). *out (new reference) is
 * {"items": [...], "limit": N[, "next_before": id]}, an item being
 *   {id, matter_id, channel, template, address (masked), subject (null for
 *    SMS), status, attempts, last_error (null when none), created_at,
 *    sent_at (null until sent), next_attempt_at (null unless pending)}
 * with times as UTC ISO 8601. YZ_ERR_FORBIDDEN when who is not a court admin
 * (the route allows only them; this is the second lock).
 */
enum yz_err yz_notify_outbox_list(struct yz_tx *tx, struct yz_app *app,
                                  const struct yz_principal *who, const char *status,
                                  int64_t before_id, int limit, json_t **out);

#endif
