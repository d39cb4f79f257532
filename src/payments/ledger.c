/* What a case owes, and its fee-payment deadline (ledger.h). */
#include "payments/ledger.h"
#include "app/app.h"
#include "core/clock.h"
#include "matters/matters.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <string.h>

static struct yz_sql_def q_case = YZ_SQL(
    "SELECT c.fee_fen, c.id IS NOT NULL, m.kind, m.state FROM matters m"
    " LEFT JOIN cases c ON c.matter_id = m.id WHERE m.id = ?");
static struct yz_sql_def q_totals = YZ_SQL(
    "SELECT coalesce(sum(CASE WHEN kind = 'payment' AND status = 'paid' THEN amount_fen END), 0),"
    " coalesce(sum(CASE WHEN kind = 'refund' THEN amount_fen END), 0),"
    " coalesce(sum(CASE WHEN kind = 'payment' AND status = 'pending' THEN amount_fen END), 0)"
    " FROM payments WHERE matter_id = ?");
static struct yz_sql_def q_relief = YZ_SQL(
    "SELECT coalesce(max(applied = 'waive'), 0),"
    " coalesce(sum(CASE WHEN applied = 'reduce' THEN amount_fen END), 0),"
    " coalesce((SELECT deferred_until FROM fee_reliefs d WHERE d.case_matter_id = ?"
    " AND d.applied = 'defer' ORDER BY d.updated_at DESC, d.relief_matter_id DESC LIMIT 1), ''),"
    " coalesce(max(state = 'submitted'), 0) FROM fee_reliefs WHERE case_matter_id = ?");
static struct yz_sql_def q_reliefs = YZ_SQL(
    "SELECT relief_matter_id, relief, state, coalesce(applied, ''), amount_fen,"
    " coalesce(deferred_until, ''), updated_at FROM fee_reliefs WHERE case_matter_id = ?"
    " ORDER BY relief_matter_id LIMIT 100");
static struct yz_sql_def q_deadline = YZ_SQL(
    "SELECT due_date, stopped_at IS NOT NULL FROM deadlines WHERE matter_id = ? AND name = ?");
static struct yz_sql_def q_stop = YZ_SQL(
    "UPDATE deadlines SET stopped_at = ? WHERE matter_id = ? AND name = ? AND stopped_at IS NULL");
static struct yz_sql_def q_defer = YZ_SQL(
    "INSERT INTO deadlines(matter_id, name, start_date, due_date, unit, n, beyond_calendar)"
    " VALUES (?, ?, ?, ?, 'days', ?, 0)"
    " ON CONFLICT(matter_id, name) DO UPDATE SET start_date = excluded.start_date,"
    " due_date = excluded.due_date, unit = excluded.unit, n = excluded.n,"
    " beyond_calendar = 0, stopped_at = NULL");

static const struct yz_wf_deadline fee_payment = {
    "fee_payment", "预交诉讼费用期限", YZ_WF_DAYS, YZ_FEE_PAYMENT_DAYS};

static int64_t max0(int64_t v)
{
    return v > 0 ? v : 0;
}

enum yz_err yz_fee_ledger_load(struct yz_tx *tx, int64_t case_id, struct yz_fee_ledger *l)
{
    memset(l, 0, sizeof *l);
    struct yz_stmt *st = yz_sql(tx, &q_case);
    yz_bind_i64(st, 1, case_id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    l->has_fee = !yz_col_null(st, 0);
    l->fee_fen = l->has_fee ? yz_col_i64(st, 0) : 0;
    l->registered = yz_col_i64(st, 1) == 1;
    yz_strlcpy(l->kind, yz_col_text(st, 2), sizeof l->kind);
    yz_strlcpy(l->state, yz_col_text(st, 3), sizeof l->state);
    yz_exec(st);

    st = yz_sql(tx, &q_totals);
    yz_bind_i64(st, 1, case_id);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    l->paid_fen = yz_col_i64(st, 0);
    l->refunded_fen = yz_col_i64(st, 1);
    l->pending_fen = yz_col_i64(st, 2);
    yz_exec(st);

    st = yz_sql(tx, &q_relief);
    yz_bind_i64(st, 1, case_id);
    yz_bind_i64(st, 2, case_id);
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    l->waived = yz_col_i64(st, 0) == 1;
    l->reduced_fen = yz_col_i64(st, 1);
    yz_strlcpy(l->deferred_until, yz_col_text(st, 2), sizeof l->deferred_until);
    l->relief_pending = yz_col_i64(st, 3) == 1;
    yz_exec(st);

    st = yz_sql(tx, &q_deadline);
    yz_bind_i64(st, 1, case_id);
    yz_bind_text(st, 2, fee_payment.name);
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (row) {
        yz_strlcpy(l->deadline_due, yz_col_text(st, 0), sizeof l->deadline_due);
        l->deadline_running = yz_col_i64(st, 1) == 0;
        yz_exec(st);
    }
    if (l->deadline_running)
        yz_strlcpy(l->pay_by, l->deadline_due, sizeof l->pay_by);

    /* RULE: fee-relief-effect — 免交 takes off the whole fee, 减交 the amounts
     * decided (never more than the fee); 缓交 changes when, not what. */
    if (l->reduced_fen > l->fee_fen)
        l->reduced_fen = l->fee_fen;
    l->relief_fen = l->waived ? l->fee_fen : l->reduced_fen;
    l->payable_fen = l->fee_fen - l->relief_fen;
    l->due_fen = max0(l->payable_fen - l->paid_fen);
    l->refundable_fen = max0(l->paid_fen - l->refunded_fen - l->payable_fen);
    return YZ_OK;
}

enum yz_err yz_fee_ledger_reliefs(struct yz_tx *tx, int64_t case_id, json_t **out)
{
    json_t *arr = json_array();
    struct yz_stmt *st = yz_sql(tx, &q_reliefs);
    yz_bind_i64(st, 1, case_id);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        char at[40];
        yz_time_format_utc(yz_col_i64(st, 6), at, sizeof at);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "relief_matter_id",
                              (json_int_t)yz_col_i64(st, 0), "relief", yz_col_text(st, 1),
                              "state", yz_col_text(st, 2), "updated_at", at);
        if (*yz_col_text(st, 3))
            json_object_set_new(o, "applied", json_string(yz_col_text(st, 3)));
        if (!yz_col_null(st, 4))
            json_object_set_new(o, "amount_fen", json_integer(yz_col_i64(st, 4)));
        if (*yz_col_text(st, 5))
            json_object_set_new(o, "deferred_until", json_string(yz_col_text(st, 5)));
        json_array_append_new(arr, o);
    }
    if (e != YZ_OK) {
        json_decref(arr);
        return e;
    }
    *out = arr;
    return YZ_OK;
}

static enum yz_err stop(struct yz_tx *tx, int64_t case_id)
{
    struct yz_stmt *st = yz_sql(tx, &q_stop);
    yz_bind_i64(st, 1, yz_time_now_ms());
    yz_bind_i64(st, 2, case_id);
    yz_bind_text(st, 3, fee_payment.name);
    return yz_exec(st);
}

/* RULE: fee-payment-deadline — 办法 art. 22, 民诉解释 art. 213; a deferral
 * (办法 art. 47) moves the deadline to the date decided. */
enum yz_err yz_fee_ledger_sync_deadline(struct yz_tx *tx, struct yz_app *app, int64_t case_id)
{
    struct yz_fee_ledger l;
    enum yz_err e = yz_fee_ledger_load(tx, case_id, &l);
    if (e != YZ_OK)
        return e;
    if (!l.registered || !l.has_fee)
        return YZ_OK; /* no payment notice yet: nothing to run */
    /* A case that has ended (closed, concluded by consent, deemed withdrawn)
     * settles a fee still owed as its end says, and no ruling for non-payment
     * (unpaid.h) can follow: the deadline has nothing left to time. */
    bool ended = yz_workflows_is_final(app->workflows, l.kind, l.state);
    if (l.due_fen == 0 || l.relief_pending || ended)
        return stop(tx, case_id);
    struct yz_date today = yz_date_of_shanghai(yz_time_now_ms());
    if (l.deferred_until[0]) {
        struct yz_date until;
        if (l.deadline_running && strcmp(l.deadline_due, l.deferred_until) == 0)
            return YZ_OK;
        if (!yz_date_parse(l.deferred_until, &until))
            return YZ_ERR_INTERNAL;
        char start[16];
        yz_date_format(today, start, sizeof start);
        struct yz_stmt *st = yz_sql(tx, &q_defer);
        yz_bind_i64(st, 1, case_id);
        yz_bind_text(st, 2, fee_payment.name);
        yz_bind_text(st, 3, start);
        yz_bind_text(st, 4, l.deferred_until);
        yz_bind_i64(st, 5, yz_date_to_days(until) - yz_date_to_days(today));
        return yz_exec(st);
    }
    if (l.deadline_running)
        return YZ_OK;
    return yz_matter_start_deadline(tx, app, case_id, &fee_payment);
}

enum yz_err yz_payments_schedule_effect(struct yz_effect_ctx *c)
{
    return yz_fee_ledger_sync_deadline(c->tx, c->app, c->matter_id);
}
