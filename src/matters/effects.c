#include "matters/effects.h"
#include "app/app.h"
#include "assignment/assignment.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "fees/relief.h"
#include "filing/filing.h"
#include "mediation/mediation.h"
#include "payments/ledger.h"
#include "payments/unpaid.h"
#include "store/store.h"
#include "triage/triage.h"
#include "workflow/workflow.h"

#include <stdlib.h>
#include <string.h>

static struct yz_sql_def q_outbox = YZ_SQL(
    "INSERT INTO outbox(matter_id, recipient_user_id, recipient_court_id, channel, template,"
    " payload, created_at) VALUES (?, ?, ?, 'inbox', ?, ?, ?)");
static struct yz_sql_def q_participants =
    YZ_SQL("SELECT user_id FROM matter_participants WHERE matter_id = ? ORDER BY user_id LIMIT 200");
static struct yz_sql_def q_channel = YZ_SQL("UPDATE matters SET channel = ? WHERE id = ?");

enum yz_err yz_notify(struct yz_tx *tx, int64_t matter_id, int64_t user_id, int64_t court_id,
                      const char *template_name, json_t *payload)
{
    char *text = yz_json_dumps_sorted(payload);
    struct yz_stmt *st = yz_sql(tx, &q_outbox);
    if (matter_id)
        yz_bind_i64(st, 1, matter_id);
    else
        yz_bind_null(st, 1);
    if (user_id)
        yz_bind_i64(st, 2, user_id);
    else
        yz_bind_null(st, 2);
    if (court_id && !user_id)
        yz_bind_i64(st, 3, court_id);
    else
        yz_bind_null(st, 3);
    yz_bind_text(st, 4, template_name);
    yz_bind_text(st, 5, text);
    yz_bind_i64(st, 6, yz_time_now_ms());
    free(text);
    return yz_exec(st);
}

static json_t *notice(struct yz_effect_ctx *c)
{
    return json_pack("{s:s, s:s, s:s, s:I}", "kind", c->kind, "event", c->event, "title",
                     c->event_title, "matter_id", (json_int_t)c->matter_id);
}

/* RULE: notify-court — the court's staff queue learns of the event. */
static enum yz_err notify_court(struct yz_effect_ctx *c)
{
    json_t *p = notice(c);
    enum yz_err e = yz_notify(c->tx, c->matter_id, 0, c->court_id, "matter_event", p);
    json_decref(p);
    return e;
}

/* RULE: notify-parties — every participant except the actor is told. */
static enum yz_err notify_parties(struct yz_effect_ctx *c)
{
    int64_t ids[200];
    size_t n = 0;
    struct yz_stmt *st = yz_sql(c->tx, &q_participants);
    yz_bind_i64(st, 1, c->matter_id);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && n < 200)
        ids[n++] = yz_col_i64(st, 0);
    if (e != YZ_OK)
        return e;
    json_t *p = notice(c);
    for (size_t i = 0; i < n && e == YZ_OK; i++)
        if (ids[i] != c->who->user_id)
            e = yz_notify(c->tx, c->matter_id, ids[i], 0, "matter_event", p);
    json_decref(p);
    return e;
}

/* RULE: record-channel — a matter entered by staff for a caller keeps the caller's channel. */
static enum yz_err record_channel(struct yz_effect_ctx *c)
{
    const char *ch = json_string_value(json_object_get(c->fields, "channel"));
    if (!ch)
        return YZ_OK;
    struct yz_stmt *st = yz_sql(c->tx, &q_channel);
    yz_bind_text(st, 1, ch);
    yz_bind_i64(st, 2, c->matter_id);
    return yz_exec(st);
}

static const struct {
    const char *name;
    yz_effect_fn fn;
} effects[] = {
    {"notify_court", notify_court},
    {"check_relief_case", yz_fees_check_relief_case},
    {"apply_fee_relief", yz_fees_apply_relief},
    {"schedule_fee_payment", yz_payments_schedule_effect},
    {"check_fee_unpaid", yz_payments_check_unpaid_effect},
    {"notify_parties", notify_parties},
    {"record_channel", record_channel},
    {"assign_case_number", yz_filing_assign_case_number},
    {"compute_fee", yz_filing_compute_fee},
    {"link_applicants", yz_filing_link_applicants},
    {"link_parties", yz_filing_link_parties},
    {"forward_filing", yz_filing_forward},
    {"attach_uploads", yz_filing_attach_uploads},
    {"record_decision", yz_filing_record_decision},
    {"require_consent", yz_mediation_require_consent},
    {"assign_mediation_number", yz_mediation_assign_number},
    {"record_delegation", yz_mediation_record_delegation},
    {"release_mediator", yz_mediation_release_mediator},
    {"extend_deadline", yz_mediation_extend_deadline},
    {"render_agreement", yz_mediation_render_agreement},
    {"record_confirmation", yz_mediation_record_confirmation},
    {"clear_confirmations", yz_mediation_clear_confirmations},
    {"check_confirmations", yz_mediation_check_confirmations},
    {"apply_judicial_confirmation", yz_mediation_apply_confirmation},
    {"check_confirmation_window", yz_mediation_check_confirmation_window},
    {"convert_to_filing", yz_mediation_convert_to_filing},
    {"start_mediation", yz_mediation_start_from_filing},
    {"load_case", yz_mediation_load_case},
    {"set_mediation_period", yz_mediation_set_period},
    {"issue_consent_judgment", yz_mediation_issue_consent_judgment},
    {"file_for_consent_judgment", yz_mediation_file_for_consent_judgment},
    {"draw_assignment", yz_assign_draw_effect},
    {"record_designation", yz_assign_designate_effect},
    {"commit_draw_seed", yz_assign_commit_seed_effect},
    {"propose_track", yz_triage_propose_track},
    {"record_triage_decision", yz_triage_record_decision},
    {"start_trial_period", yz_triage_start_trial_period},
    {"record_conversion", yz_triage_record_conversion},
};

yz_effect_fn yz_effect_find(const char *name)
{
    for (size_t i = 0; i < sizeof effects / sizeof effects[0]; i++)
        if (strcmp(effects[i].name, name) == 0)
            return effects[i].fn;
    return NULL;
}

bool yz_effects_complete(const char **missing)
{
    for (size_t i = 0; yz_known_effects[i]; i++)
        if (!yz_effect_find(yz_known_effects[i])) {
            *missing = yz_known_effects[i];
            return false;
        }
    return true;
}
