/* Cases past their fee-payment deadline, and the ruling's check (unpaid.h). */
#include "payments/unpaid.h"
#include "app/app.h"
#include "core/clock.h"
#include "payments/ledger.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <stdlib.h>
#include <string.h>

#define RULING "deem_withdrawn" /* filing's event the list leads to */

/* ?3: the states the ruling may be made in (JSON array, from the workflow), so
 * that the list offers nothing the ruling would refuse. */
static struct yz_sql_def q_lapsed = YZ_SQL(
    "SELECT m.id, coalesce(c.case_number, ''), m.title, m.state, m.version, d.due_date"
    " FROM deadlines d JOIN matters m ON m.id = d.matter_id"
    " LEFT JOIN cases c ON c.matter_id = m.id"
    " WHERE d.stopped_at IS NULL AND d.due_date < ?1 AND d.name = 'fee_payment'"
    " AND m.court_id = ?2 AND m.kind = 'filing' AND m.state IN (SELECT value FROM json_each(?3))"
    " ORDER BY d.due_date, m.id LIMIT ?4");

/* Whole days from the date text due to today's date text (both valid). */
static int64_t days_after(const char *due, const char *today)
{
    struct yz_date a, b;
    if (!yz_date_parse(due, &a) || !yz_date_parse(today, &b))
        return 0;
    return yz_date_to_days(b) - yz_date_to_days(a);
}

/* The states of wf the ruling may be made in, as a JSON array's text (free it). */
static char *ruling_states(const struct yz_workflow *wf)
{
    json_t *states = json_array();
    const struct yz_wf_event *ev = wf ? yz_workflow_event(wf, RULING) : NULL;
    for (size_t i = 0; ev && i < yz_wf_event_from_count(ev); i++)
        json_array_append_new(states, json_string(yz_wf_event_from_at(ev, i)));
    char *text = json_dumps(states, JSON_COMPACT);
    json_decref(states);
    return text;
}

enum yz_err yz_payments_unpaid_list(struct yz_tx *tx, struct yz_app *app,
                                    const struct yz_principal *who, int64_t limit, json_t **out)
{
    char today[16];
    yz_today_text(today, sizeof today);
    const struct yz_workflow *wf = yz_workflow_find(app->workflows, "filing");
    char *states_text = ruling_states(wf);
    struct yz_stmt *st = yz_sql(tx, &q_lapsed);
    yz_bind_text(st, 1, today);
    yz_bind_i64(st, 2, who->court_id);
    yz_bind_text(st, 3, states_text);
    yz_bind_i64(st, 4, limit);
    free(states_text);
    /* The rows first: each ledger below runs statements of its own. */
    json_t *items = json_array();
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        const struct yz_wf_state *s = wf ? yz_workflow_state(wf, yz_col_text(st, 3)) : NULL;
        const char *due = yz_col_text(st, 5);
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I}", "id",
                             (json_int_t)yz_col_i64(st, 0), "case_number", yz_col_text(st, 1),
                             "title", yz_col_text(st, 2), "state", yz_col_text(st, 3),
                             "state_title", s ? s->title : yz_col_text(st, 3), "version",
                             (json_int_t)yz_col_i64(st, 4), "pay_by", due, "days_overdue",
                             (json_int_t)days_after(due, today)));
    }
    size_t i;
    json_t *it;
    struct yz_fee_ledger l;
    json_array_foreach(items, i, it) {
        if (e != YZ_OK ||
            (e = yz_fee_ledger_load(tx, json_integer_value(json_object_get(it, "id")), &l)) != YZ_OK)
            break;
        json_object_set_new(it, "fee_fen", json_integer(l.fee_fen));
        json_object_set_new(it, "payable_fen", json_integer(l.payable_fen));
        json_object_set_new(it, "paid_fen", json_integer(l.paid_fen));
        json_object_set_new(it, "due_fen", json_integer(l.due_fen));
        json_object_set_new(it, "deferred", json_boolean(l.deferred_until[0] != '\0'));
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o, s:I}", "items", items, "court_id", (json_int_t)who->court_id);
    return YZ_OK;
}

static enum yz_err refuse(struct yz_effect_ctx *c, const char *code, const char *msg)
{
    yz_field_errors_add(c->fe, "event", code, "%s", msg);
    return YZ_ERR_VALIDATION;
}

/* RULE: fee-unpaid-withdrawal — 民诉解释 art. 213, 办法 art. 22. The event
 * has stopped the deadline already (matters.c stops before effects run), so
 * the ledger's due date of it counts whether it runs or not. */
enum yz_err yz_payments_check_unpaid_effect(struct yz_effect_ctx *c)
{
    struct yz_fee_ledger l;
    enum yz_err e = yz_fee_ledger_load(c->tx, c->matter_id, &l);
    if (e != YZ_OK)
        return e;
    if (!l.has_fee || l.due_fen == 0)
        return refuse(c, "nothing_due", "本案诉讼费用已交清或无需预交，不能裁定按撤诉处理");
    if (l.relief_pending)
        return refuse(c, "relief_pending",
                      "当事人申请的诉讼费用缓交、减交、免交尚待审查，作出决定前不能裁定按撤诉处理");
    if (!l.deadline_due[0])
        return refuse(c, "not_lapsed", "本案尚未通知预交诉讼费用，不能裁定按撤诉处理");
    char today[16];
    yz_today_text(today, sizeof today);
    if (strcmp(l.deadline_due, today) >= 0) {
        yz_field_errors_add(c->fe, "event", "not_lapsed",
                            "预交诉讼费用期限（至 %s）尚未届满，期满仍未预交的方可裁定按撤诉处理",
                            l.deadline_due);
        return YZ_ERR_VALIDATION;
    }
    return YZ_OK;
}
