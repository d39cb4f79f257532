/*
 * In-app notifications over the outbox table. The list merges two index
 * walks, the caller's own rows (outbox_user) and their court's (outbox_court),
 * each cut to the page size before the merge, so a page costs at most twice
 * its size in rows however long either inbox is; an OR over both columns
 * would sort every matching row first. A row addressed to both the user and
 * the court is the same row on both sides, and UNION keeps it once.
 *
 * Who may see a row is decided in one place here (visible_court and
 * row_visible), from the policy module's court visibility.
 */
#include "notifications/notifications.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/log.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define COLUMNS "id, matter_id, template, payload, created_at, read_at"

/* Binds: user, before, unread_only, limit, court, before, unread_only,
 * limit, limit. A court of 0 matches nothing (ids are positive), which is
 * how non-staff get only their own rows. */
static struct yz_sql_def q_list =
    YZ_SQL("SELECT " COLUMNS " FROM ("
           " SELECT " COLUMNS " FROM (SELECT " COLUMNS " FROM outbox"
           "  WHERE recipient_user_id = ? AND channel = 'inbox' AND id < ?"
           "  AND (? = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?) AS mine"
           " UNION"
           " SELECT " COLUMNS " FROM (SELECT " COLUMNS " FROM outbox"
           "  WHERE recipient_court_id = ? AND channel = 'inbox' AND id < ?"
           "  AND (? = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?) AS court"
           ") AS merged ORDER BY id DESC LIMIT ?");
static struct yz_sql_def q_get =
    YZ_SQL("SELECT " COLUMNS ", recipient_user_id, recipient_court_id FROM outbox"
           " WHERE id = ? AND channel = 'inbox'");
static struct yz_sql_def q_mark =
    YZ_SQL("UPDATE outbox SET read_at = ? WHERE id = ? AND channel = 'inbox' AND read_at IS NULL");

/* The court whose inbox who reads besides their own, or 0: staff read their
 * own court's, when the policy lets them see that court at all. */
static int64_t visible_court(const struct yz_app *app, const struct yz_principal *who)
{
    if (who->user_id == 0 || who->court_id == 0 || !yz_role_is_staff(who->role))
        return 0;
    return yz_policy_court_visible(app, who, who->court_id) ? who->court_id : 0;
}

static bool row_visible(const struct yz_app *app, const struct yz_principal *who,
                        int64_t recipient_user, int64_t recipient_court)
{
    if (who->user_id != 0 && recipient_user == who->user_id)
        return true;
    int64_t court = visible_court(app, who);
    return court != 0 && recipient_court == court;
}

/* The item for the current row of st (columns as COLUMNS). */
static json_t *item_json(struct yz_stmt *st)
{
    int64_t id = yz_col_i64(st, 0);
    json_error_t jerr;
    json_t *payload = json_loads(yz_col_text(st, 3), JSON_REJECT_DUPLICATES, &jerr);
    if (!payload) {
        /* yz_notify wrote it from a JSON value: only a damaged row gets here.
         * Show the rest rather than hide the user's whole inbox. */
        yz_log_error("outbox row %lld: payload is not JSON: %s", (long long)id, jerr.text);
        payload = json_null();
    }
    char created[32];
    yz_time_format_utc(yz_col_i64(st, 4), created, sizeof created);
    return json_pack("{s:I, s:o, s:s, s:o, s:s, s:b}", "id", (json_int_t)id, "matter_id",
                     yz_col_null(st, 1) ? json_null() : json_integer(yz_col_i64(st, 1)), "template",
                     yz_col_text(st, 2), "payload", payload, "created_at", created, "read",
                     !yz_col_null(st, 5));
}

enum yz_err yz_notifications_list(struct yz_tx *tx, const struct yz_app *app,
                                  const struct yz_principal *who, bool unread_only,
                                  int64_t before_id, int limit, json_t **out)
{
    if (limit <= 0 || limit > yz_tx_max_rows(tx))
        limit = yz_tx_max_rows(tx);
    int64_t before = before_id > 0 ? before_id : INT64_MAX;
    struct yz_stmt *st = yz_sql(tx, &q_list);
    int i = 1;
    yz_bind_i64(st, i++, who->user_id);
    yz_bind_i64(st, i++, before);
    yz_bind_i64(st, i++, unread_only);
    yz_bind_i64(st, i++, limit);
    yz_bind_i64(st, i++, visible_court(app, who));
    yz_bind_i64(st, i++, before);
    yz_bind_i64(st, i++, unread_only);
    yz_bind_i64(st, i++, limit);
    yz_bind_i64(st, i++, limit);

    json_t *items = json_array();
    int64_t last = 0;
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        last = yz_col_i64(st, 0);
        json_array_append_new(items, item_json(st));
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    bool full = json_array_size(items) == (size_t)limit;
    *out = json_pack("{s:o, s:i}", "items", items, "limit", limit);
    if (full)
        json_object_set_new(*out, "next_before", json_integer(last));
    return YZ_OK;
}

/* Loads notification id into *item if who may see it. */
static enum yz_err load(struct yz_tx *tx, const struct yz_app *app, const struct yz_principal *who,
                        int64_t id, json_t **item, bool *read, bool *denied)
{
    struct yz_stmt *st = yz_sql(tx, &q_get);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    int64_t user = yz_col_null(st, 6) ? 0 : yz_col_i64(st, 6);
    int64_t court = yz_col_null(st, 7) ? 0 : yz_col_i64(st, 7);
    if (!row_visible(app, who, user, court)) {
        *denied = true;
        return YZ_ERR_NOT_FOUND;
    }
    *read = !yz_col_null(st, 5);
    *item = item_json(st);
    return YZ_OK;
}

enum yz_err yz_notifications_mark_read(struct yz_tx *tx, struct yz_app *app,
                                       const struct yz_principal *who, int64_t id,
                                       const char *channel, json_t **out, bool *denied)
{
    json_t *item = NULL, *payload = NULL;
    bool read = false;
    *denied = false;
    enum yz_err e = load(tx, app, who, id, &item, &read, denied);
    if (e != YZ_OK || read)
        goto out;

    struct yz_stmt *st = yz_sql(tx, &q_mark);
    yz_bind_i64(st, 1, yz_time_now_ms());
    yz_bind_i64(st, 2, id);
    if ((e = yz_exec(st)) != YZ_OK)
        goto out;
    /* Only the reading that changed the row is recorded. (Inside one write
     * transaction it always does; the guard keeps one event per reading
     * whatever the backend's isolation.) */
    if (yz_tx_changes(tx) == 1) {
        char stream[32];
        snprintf(stream, sizeof stream, "user/%lld", (long long)who->user_id);
        payload = json_pack("{s:I}", "notification_id", (json_int_t)id);
        e = yz_app_record(tx, app, stream, "notification.read", who->user_id, 0, channel, payload,
                          NULL);
        if (e != YZ_OK)
            goto out;
    }
    json_object_set_new(item, "read", json_true());
out:
    json_decref(payload);
    if (e == YZ_OK) {
        *out = item;
        item = NULL;
    }
    json_decref(item);
    return e;
}
