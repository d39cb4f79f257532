/*
 * Fee relief (诉讼费缓交、减交、免交, 诉讼费用交纳办法 arts 44-48): the
 * application is a matter of its own (data/workflows/fee_relief.json); this
 * is the check of the case it is for.
 */
#include "fees/relief.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/fielderr.h"
#include "matters/matters.h"
#include "payments/ledger.h"
#include "policy/roles.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static struct yz_sql_def q_person = YZ_SQL("SELECT person_kind FROM users WHERE id = ?");
static struct yz_sql_def q_upsert = YZ_SQL(
    "INSERT INTO fee_reliefs(relief_matter_id, case_matter_id, relief, state, applied, amount_fen,"
    " deferred_until, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT at FROM events WHERE id = ?))"
    " ON CONFLICT(relief_matter_id) DO UPDATE SET state = excluded.state,"
    " applied = excluded.applied, amount_fen = excluded.amount_fen,"
    " deferred_until = excluded.deferred_until, updated_at = excluded.updated_at");
static struct yz_sql_def q_case = YZ_SQL(
    "SELECT m.kind, m.court_id, EXISTS (SELECT 1 FROM matter_participants p"
    " WHERE p.matter_id = m.id AND p.user_id = ?) FROM matters m WHERE m.id = ?");

/* RULE: fee-relief-case — the application names a filing (or the case it
 * became) of the same court that the applicant takes part in; court staff may
 * name any of their court's. Anything else is answered as a missing case, so
 * the field tells nothing of other people's matters. */
enum yz_err yz_fees_check_relief_case(struct yz_effect_ctx *c)
{
    int64_t case_id = json_integer_value(json_object_get(c->fields, "case_matter_id"));
    struct yz_stmt *st = yz_sql(c->tx, &q_case);
    yz_bind_i64(st, 1, c->who->user_id);
    yz_bind_i64(st, 2, case_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    bool ok = row && strcmp(yz_col_text(st, 0), "filing") == 0 &&
              yz_col_i64(st, 1) == c->court_id &&
              (yz_role_is_staff(c->who->role) || yz_col_i64(st, 2) == 1);
    if (row)
        yz_exec(st);
    if (!ok) {
        yz_field_errors_add(c->fe, "fields/case_matter_id", "not_found", "%s",
                            "在本院没有找到您的这件立案申请或案件");
        return YZ_ERR_VALIDATION;
    }
    return YZ_OK;
}

/* 免交 is for natural persons only (办法 art. 44): a party who is a legal
 * person or another organisation may ask for 缓交 or 减交. */
static enum yz_err check_waiver_applicant(struct yz_effect_ctx *c, const char *relief)
{
    if (strcmp(relief, "waive") != 0 || c->who->role != YZ_ROLE_PARTY)
        return YZ_OK;
    struct yz_stmt *st = yz_sql(c->tx, &q_person);
    yz_bind_i64(st, 1, c->who->user_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    bool natural = strcmp(yz_col_text(st, 0), "natural") == 0;
    yz_exec(st);
    if (!natural) {
        yz_field_errors_add(c->fe, "fields/relief", "not_allowed", "%s",
                            "诉讼费用的免交只适用于自然人（《诉讼费用交纳办法》第四十四条），"
                            "法人或者其他组织可以申请缓交或者减交");
        return YZ_ERR_VALIDATION;
    }
    return YZ_OK;
}

static void yuan_text(int64_t fen, char *out, size_t size)
{
    snprintf(out, size, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* RULE: fee-relief-reduction — the amount decided comes off the fee: more
 * than nothing, less than the whole fee (that would be 免交), within what
 * earlier reductions left, and at least 30% of the fee (办法 art. 46). */
static enum yz_err check_reduction(struct yz_effect_ctx *c, const struct yz_fee_ledger *l,
                                   int64_t amount)
{
    const char *f = "fields/approved_amount_fen";
    char a[32], b[32];
    if (!l->has_fee) {
        yz_field_errors_add(c->fe, f, "no_fee", "%s",
                            "本案案件受理费尚未确定，确定后才能决定减交的金额");
        return YZ_ERR_VALIDATION;
    }
    if (l->waived) {
        yz_field_errors_add(c->fe, f, "waived", "%s", "本案诉讼费用已准予免交，无需再减交");
        return YZ_ERR_VALIDATION;
    }
    int64_t min = (l->fee_fen * 3 + 9) / 10; /* 30%, rounded up to the fen */
    int64_t left = l->fee_fen - l->reduced_fen;
    yuan_text(l->fee_fen, a, sizeof a);
    if (amount <= 0) {
        yz_field_errors_add(c->fe, f, "too_small", "%s", "准许减交的金额应当大于零");
    } else if (amount >= l->fee_fen) {
        yz_field_errors_add(c->fe, f, "too_large",
                            "准许减交的金额应当少于案件受理费（%s 元）；全部免除的，应当决定免交", a);
    } else if (amount > left) {
        yuan_text(left, b, sizeof b);
        yz_field_errors_add(c->fe, f, "too_large",
                            "准许减交的金额超过了本案尚可减交的金额（%s 元）", b);
    } else if (amount < min) {
        yuan_text(min, b, sizeof b);
        yz_field_errors_add(c->fe, f, "too_small",
                            "减交比例不得低于百分之三十（《诉讼费用交纳办法》第四十六条）："
                            "案件受理费 %s 元，至少应当减交 %s 元", a, b);
    }
    return c->fe->count ? YZ_ERR_VALIDATION : YZ_OK;
}

static enum yz_err check_deferral(struct yz_effect_ctx *c, const char *until)
{
    const char *f = "fields/deferred_until";
    struct yz_date d, today = yz_date_of_shanghai(yz_time_now_ms());
    if (!until) {
        yz_field_errors_add(c->fe, f, "required", "%s", "准许缓交的，请写明缓交至哪一天");
        return YZ_ERR_VALIDATION;
    }
    if (!yz_date_parse(until, &d) || yz_date_to_days(d) <= yz_date_to_days(today)) {
        yz_field_errors_add(c->fe, f, "too_early", "%s", "缓交期限应当晚于今天");
        return YZ_ERR_VALIDATION;
    }
    return YZ_OK;
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* RULE: fee-relief-effect — the application and the court's decision take
 * effect on the case's fee (payments/ledger.h): the application is kept in
 * fee_reliefs and recorded as fee.relief on the case's history; the case's
 * fee-payment deadline follows (suspended while undecided, moved to the
 * deferral date, stopped when nothing is due). */
enum yz_err yz_fees_apply_relief(struct yz_effect_ctx *c)
{
    int64_t case_id = json_integer_value(json_object_get(c->data, "case_matter_id"));
    const char *relief = str(c->data, "relief");
    const struct yz_workflow *wf = yz_workflow_find(c->app->workflows, c->kind);
    const struct yz_wf_event *ev = wf ? yz_workflow_event(wf, c->event) : NULL;
    const char *state = ev ? yz_wf_event_to(ev) : NULL;
    if (!case_id || !relief || !state)
        return YZ_ERR_INTERNAL; /* the workflow requires both; the event moves */
    enum yz_err e;
    if (strcmp(state, "submitted") == 0 && (e = check_waiver_applicant(c, relief)) != YZ_OK)
        return e;
    struct yz_fee_ledger l;
    if ((e = yz_fee_ledger_load(c->tx, case_id, &l)) != YZ_OK)
        return e == YZ_ERR_NOT_FOUND ? YZ_ERR_INTERNAL : e;
    const char *applied = NULL, *until = NULL;
    int64_t amount = -1;
    const json_t *approved = json_object_get(c->fields, "approved_amount_fen");
    if (strcmp(state, "granted") == 0) {
        applied = relief;
        if (strcmp(relief, "reduce") == 0) {
            const json_t *asked = json_object_get(c->data, "amount_fen");
            if (!json_is_integer(approved) && !json_is_integer(asked)) {
                yz_field_errors_add(c->fe, "fields/approved_amount_fen", "required", "%s",
                                    "申请未写明减交金额，准许时请写明准许减交的金额");
                return YZ_ERR_VALIDATION;
            }
            amount = json_integer_value(json_is_integer(approved) ? approved : asked);
        } else if (strcmp(relief, "defer") == 0) {
            until = str(c->fields, "deferred_until");
            if ((e = check_deferral(c, until)) != YZ_OK)
                return e;
        }
    } else if (strcmp(state, "partly_granted") == 0) {
        if (strcmp(relief, "defer") == 0) {
            yz_field_errors_add(c->fe, "event", "not_allowed", "%s",
                                "缓交申请只能准许（写明缓交期限）或者不予准许，不能部分准许");
            return YZ_ERR_VALIDATION;
        }
        applied = "reduce"; /* a waiver or reduction granted in part is a reduction */
        amount = json_integer_value(approved);
    }
    if (applied && strcmp(applied, "reduce") == 0 &&
        (e = check_reduction(c, &l, amount)) != YZ_OK)
        return e;

    json_t *p = json_pack("{s:I, s:s, s:s}", "relief_matter_id", (json_int_t)c->matter_id,
                          "relief", relief, "state", state);
    if (applied) {
        json_object_set_new(p, "applied", json_string(applied));
        json_t *a = json_pack("{s:s}", "relief", applied);
        if (amount >= 0) {
            json_object_set_new(p, "amount_fen", json_integer(amount));
            json_object_set_new(a, "amount_fen", json_integer(amount));
        }
        if (until) {
            json_object_set_new(p, "deferred_until", json_string(until));
            json_object_set_new(a, "deferred_until", json_string(until));
        }
        json_object_set_new(c->data, "applied", a);
    }
    char stream[32];
    yz_matter_stream(case_id, stream, sizeof stream);
    /* The row takes the event's time, so that the history rebuilds it exactly. */
    int64_t event_id = 0;
    e = yz_app_record(c->tx, c->app, stream, "fee.relief", c->who->user_id, 0, c->channel, p,
                      &event_id);
    json_decref(p);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(c->tx, &q_upsert);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, case_id);
    yz_bind_text(st, 3, relief);
    yz_bind_text(st, 4, state);
    if (applied)
        yz_bind_text(st, 5, applied);
    else
        yz_bind_null(st, 5);
    if (amount >= 0)
        yz_bind_i64(st, 6, amount);
    else
        yz_bind_null(st, 6);
    if (until)
        yz_bind_text(st, 7, until);
    else
        yz_bind_null(st, 7);
    yz_bind_i64(st, 8, event_id);
    e = yz_exec(st);

    if (e == YZ_OK)
        e = yz_fee_ledger_sync_deadline(c->tx, c->app, case_id);
    if (e == YZ_OK && (e = yz_fee_ledger_load(c->tx, case_id, &l)) == YZ_OK && l.has_fee) {
        json_object_set_new(c->result, "case_matter_id", json_integer(case_id));
        json_object_set_new(c->result, "due_fen", json_integer(l.due_fen));
        json_object_set_new(c->result, "refundable_fen", json_integer(l.refundable_fen));
    }
    return e;
}
