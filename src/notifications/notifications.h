/*
 * In-app notifications (站内通知): the outbox rows of channel 'inbox' that the
 * workflow effects write (matters/effects.h, yz_notify) in the transaction of
 * the event that caused them. This area reads them and marks them read.
 *
 * Who sees a notification:
 *   - the account it is addressed to (recipient_user_id);
 *   - court staff additionally the rows addressed to their own court
 *     (recipient_court_id), as far as the policy lets them see that court
 *     (yz_policy_court_visible). Only their own court: a supervisor's view
 *     of the courts below it covers their matters, not their inboxes.
 * A notification the caller may not see answers YZ_ERR_NOT_FOUND exactly as
 * a missing one.
 *
 * A court notification is one row shared by the court's staff, so marking it
 * read marks it read for all of them (the court's queue has been seen).
 *
 * Marking read is a state change: it appends "notification.read" (stream
 * "user/<id>", payload {"notification_id": N}) in the same transaction as the
 * update. Marking an already read notification changes nothing and records
 * nothing (the first reading stands).
 */
#ifndef YZ_NOTIFICATIONS_NOTIFICATIONS_H
#define YZ_NOTIFICATIONS_NOTIFICATIONS_H

#include "core/error.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

/*
 * The caller's notifications, newest first: ids below before_id (0 = from
 * the newest), only unread ones when unread_only, at most limit (<= 0 or more
 * than the store's row cap means the cap). *out (new reference, the caller's)
 * is {"items": [item...], "limit": N} plus "next_before": the last item's id
 * when the page is full (there may be more). An item is
 *   {id, matter_id (null when none), template, payload (the stored JSON),
 *    created_at (UTC ISO 8601), read (bool)}.
 */
enum yz_err yz_notifications_list(struct yz_tx *tx, const struct yz_app *app,
                                  const struct yz_principal *who, bool unread_only,
                                  int64_t before_id, int limit, json_t **out);

/*
 * Marks notification id read (read_at = now) for who, recording the event
 * with channel as its channel, and sets *out (new reference) to the item as
 * the list shows it. YZ_ERR_NOT_FOUND when there is no such in-app
 * notification or who may not see it; in the second case *denied is set and
 * the caller records the denial (yz_policy_record_denial) once the
 * transaction is over (a write inside this one would be rolled back with it).
 */
enum yz_err yz_notifications_mark_read(struct yz_tx *tx, struct yz_app *app,
                                       const struct yz_principal *who, int64_t id,
                                       const char *channel, json_t **out, bool *denied);

#endif
