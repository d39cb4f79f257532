/*
 * The triage effects of data/workflows/filing.json. State kept in the
 * matter's projection under data.triage:
 *   {"proposal_id", "track", "trial_track", "score", "category",
 *    "case_category", "amended": {feature: value}, "decision": track}
 * and in the triage_proposals / triage_decisions tables (migration
 * "triage"), which the queue and the agreement report read.
 */
#include "triage/triage.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/utf8.h"
#include "matters/matters.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static struct yz_sql_def q_proposal = YZ_SQL(
    "INSERT INTO triage_proposals(matter_id, court_id, rules_version, category, track,"
    " trial_track, score, features, feature_sources, reasons, created_by, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_proposal_rule = YZ_SQL(
    "INSERT INTO triage_proposal_rules(proposal_id, rule_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
static struct yz_sql_def q_decision = YZ_SQL(
    "INSERT INTO triage_decisions(matter_id, court_id, proposal_id, kind, proposed_track,"
    " decided_track, agreed, reason, decided_by, decided_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_registered = YZ_SQL("SELECT registered_at FROM cases WHERE matter_id = ?");

static enum yz_err invalid(struct yz_effect_ctx *c, const char *field, const char *code,
                           const char *msg)
{
    yz_field_errors_add(c->fe, field, code, "%s", msg);
    return YZ_ERR_VALIDATION;
}

static json_t *triage_of(struct yz_effect_ctx *c)
{
    json_t *t = json_object_get(c->data, "triage");
    if (!json_is_object(t)) {
        t = json_object();
        json_object_set_new(c->data, "triage", t);
    }
    return t;
}

static void sha256_hex(const char *text, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static char *dump(const json_t *v)
{
    return yz_json_dumps_sorted(v);
}

/* Computes, stores and records a proposal for the matter. */
static enum yz_err propose(struct yz_effect_ctx *c, json_t *t)
{
    json_t *features = NULL, *sources = NULL;
    enum yz_err e =
        yz_triage_extract_features(c->tx, c->app, c->matter_id, c->court_id, c->data, &features, &sources);
    if (e != YZ_OK)
        return e;
    json_t *p = yz_triage_propose(c->app->triage_rules, features);
    char *ftext = dump(features), *stext = dump(sources),
         *rtext = dump(json_object_get(p, "reasons"));
    struct yz_stmt *st = yz_sql(c->tx, &q_proposal);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, c->court_id);
    yz_bind_i64(st, 3, json_integer_value(json_object_get(p, "rules_version")));
    yz_bind_text(st, 4, json_string_value(json_object_get(p, "category")));
    yz_bind_text(st, 5, json_string_value(json_object_get(p, "track")));
    yz_bind_text(st, 6, json_string_value(json_object_get(p, "trial_track")));
    yz_bind_i64(st, 7, json_integer_value(json_object_get(p, "score")));
    yz_bind_text(st, 8, ftext);
    yz_bind_text(st, 9, stext);
    yz_bind_text(st, 10, rtext);
    yz_bind_i64(st, 11, c->who->user_id);
    yz_bind_i64(st, 12, yz_time_now_ms());
    bool row;
    int64_t id = 0;
    if ((e = yz_step(st, &row)) == YZ_OK && row) {
        id = yz_col_i64(st, 0);
        yz_exec(st);
    }
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(p, "reasons"), i, r)
    {
        if (e != YZ_OK)
            break;
        st = yz_sql(c->tx, &q_proposal_rule);
        yz_bind_i64(st, 1, id);
        yz_bind_text(st, 2, json_string_value(json_object_get(r, "rule")));
        e = yz_exec(st);
    }
    if (e == YZ_OK) {
        json_object_set_new(t, "proposal_id", json_integer(id));
        json_object_set(t, "track", json_object_get(p, "track"));
        json_object_set(t, "trial_track", json_object_get(p, "trial_track"));
        json_object_set(t, "score", json_object_get(p, "score"));
        json_object_set(t, "category", json_object_get(p, "category"));
        json_object_set(t, "case_category", json_object_get(features, "case_category"));
        /* The history holds the outcome and the rules cited, and binds the
         * stored features and reasons by their SHA-256: parties can read the
         * history, and the features say things about the other side (its
         * earlier cases) that only the court may see. */
        json_t *ids = json_array();
        json_array_foreach(json_object_get(p, "reasons"), i, r)
            json_array_append(ids, json_object_get(r, "rule"));
        char fh[65], rh[65];
        sha256_hex(ftext, fh);
        sha256_hex(rtext, rh);
        json_object_set_new(c->result, "proposal",
                            json_pack("{s:I, s:O, s:O, s:O, s:O, s:O, s:o, s:s, s:s}", "id",
                                      (json_int_t)id, "rules_version",
                                      json_object_get(p, "rules_version"), "category",
                                      json_object_get(p, "category"), "track",
                                      json_object_get(p, "track"), "trial_track",
                                      json_object_get(p, "trial_track"), "score",
                                      json_object_get(p, "score"), "rules", ids,
                                      "features_sha256", fh, "reasons_sha256", rh));
    }
    free(ftext);
    free(stext);
    free(rtext);
    json_decref(p);
    json_decref(features);
    json_decref(sources);
    return e;
}

/* RULE: triage-proposal — every registered case is proposed a track with cited reasons. */
enum yz_err yz_triage_propose_track(struct yz_effect_ctx *c)
{
    json_t *t = triage_of(c);
    const json_t *amend = json_object_get(c->fields, "triage_features");
    if (json_is_object(amend)) {
        json_t *amended = json_object_get(t, "amended");
        if (!json_is_object(amended)) {
            amended = json_object();
            json_object_set_new(t, "amended", amended);
        }
        json_object_update(amended, (json_t *)amend);
        json_object_set(c->result, "amended", (json_t *)amend);
    }
    return propose(c, t);
}

static bool reason_given(const json_t *fields)
{
    const char *r = json_string_value(json_object_get(fields, "reason"));
    for (; r && *r; r++)
        if (*r != ' ')
            return true;
    return false;
}

static enum yz_err insert_decision(struct yz_effect_ctx *c, int64_t proposal_id, const char *kind,
                                   const char *proposed, const char *decided, int agreed,
                                   int64_t *id)
{
    struct yz_stmt *st = yz_sql(c->tx, &q_decision);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, c->court_id);
    if (proposal_id)
        yz_bind_i64(st, 3, proposal_id);
    else
        yz_bind_null(st, 3);
    yz_bind_text(st, 4, kind);
    if (proposed)
        yz_bind_text(st, 5, proposed);
    else
        yz_bind_null(st, 5);
    yz_bind_text(st, 6, decided);
    if (agreed >= 0)
        yz_bind_i64(st, 7, agreed);
    else
        yz_bind_null(st, 7);
    const char *reason = json_string_value(json_object_get(c->fields, "reason"));
    if (reason_given(c->fields))
        yz_bind_text(st, 8, reason);
    else
        yz_bind_null(st, 8);
    yz_bind_i64(st, 9, c->who->user_id);
    yz_bind_i64(st, 10, yz_time_now_ms());
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e == YZ_OK && row) {
        *id = yz_col_i64(st, 0);
        yz_exec(st);
    }
    return e;
}

/* RULE: triage-decision — the officer confirms the proposal, or overrides it with a reason. */
enum yz_err yz_triage_record_decision(struct yz_effect_ctx *c)
{
    enum yz_track decided;
    if (strncmp(c->event, "decide_", 7) != 0 || !yz_track_parse(c->event + 7, &decided))
        YZ_BUG("record_triage_decision on event %s", c->event);
    json_t *t = triage_of(c);
    enum yz_err e;
    if (!json_is_integer(json_object_get(t, "proposal_id")) && (e = propose(c, t)) != YZ_OK)
        return e;
    /* After pre-trial mediation the choice is of a trial track: compare with that. */
    const char *last = json_string_value(json_object_get(t, "decision"));
    bool after_mediation = last && strcmp(last, "mediation") == 0;
    const char *proposed =
        json_string_value(json_object_get(t, after_mediation ? "trial_track" : "track"));
    bool agreed = proposed && strcmp(proposed, yz_track_name(decided)) == 0;
    if (!agreed && !reason_given(c->fields)) {
        char msg[200];
        enum yz_track pt;
        snprintf(msg, sizeof msg, "所选程序与系统建议（%s）不一致，请填写理由",
                 yz_track_parse(proposed, &pt) ? yz_track_title(pt) : "无");
        return invalid(c, "fields/reason", "required", msg);
    }
    /* Small claims where the rules set has no such procedure (administrative cases). */
    struct yz_wf_deadline period;
    const char *cc = json_string_value(json_object_get(t, "case_category"));
    if (decided != YZ_TRACK_MEDIATION &&
        !yz_triage_trial_period(c->app->triage_rules, cc ? cc : "", decided, &period))
        return invalid(c, "event", "not_allowed", "本类案件不适用所选程序");
    int64_t id = 0;
    if ((e = insert_decision(c, json_integer_value(json_object_get(t, "proposal_id")), "triage",
                             proposed, yz_track_name(decided), agreed, &id)) != YZ_OK)
        return e;
    json_object_set_new(t, "decision", json_string(yz_track_name(decided)));
    if (decided != YZ_TRACK_MEDIATION)
        json_object_set_new(c->data, "procedure", json_string(yz_track_name(decided)));
    json_object_set_new(c->result, "decision_id", json_integer(id));
    json_object_set_new(c->result, "proposal_id", json_integer(json_integer_value(json_object_get(t, "proposal_id"))));
    json_object_set_new(c->result, "proposed", proposed ? json_string(proposed) : json_null());
    json_object_set_new(c->result, "decided", json_string(yz_track_name(decided)));
    json_object_set_new(c->result, "agreed", json_boolean(agreed));
    return YZ_OK;
}

/* RULE: trial-period-from-registration — CPL arts 152, 164, 168 count the
 * trial period from 立案之日; after 简转繁 too (民诉解释 art. 258). */
enum yz_err yz_triage_start_trial_period(struct yz_effect_ctx *c)
{
    enum yz_track track;
    if (!yz_track_parse(json_string_value(json_object_get(c->data, "procedure")), &track))
        YZ_BUG("start_trial_period without a procedure on matter %lld", (long long)c->matter_id);
    const char *cc =
        json_string_value(json_object_get(json_object_get(c->data, "triage"), "case_category"));
    struct yz_wf_deadline period;
    if (!yz_triage_trial_period(c->app->triage_rules, cc ? cc : "", track, &period))
        return invalid(c, "event", "not_allowed", "本类案件不适用所选程序");
    struct yz_stmt *st = yz_sql(c->tx, &q_registered);
    yz_bind_i64(st, 1, c->matter_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (!row)
        return invalid(c, "event", "not_registered", "案件尚未登记立案");
    struct yz_date from = yz_date_of_shanghai(yz_col_i64(st, 0));
    yz_exec(st);
    if ((e = yz_matter_start_deadline_from(c->tx, c->app, c->matter_id, &period, from)) != YZ_OK)
        return e;
    char day[16];
    yz_date_format(from, day, sizeof day);
    json_object_set_new(c->result, "trial_period",
                        json_pack("{s:s, s:s, s:s, s:i}", "procedure", yz_track_name(track),
                                  "from", day, "unit", yz_wf_unit_name(period.unit), "n",
                                  period.n));
    return YZ_OK;
}

/* RULE: simple-to-ordinary — 民诉解释 art. 258: the court may convert before
 * the trial ends; the ordinary trial period runs from registration. */
enum yz_err yz_triage_record_conversion(struct yz_effect_ctx *c)
{
    const char *from = json_string_value(json_object_get(c->data, "procedure"));
    if (!from || strcmp(from, "ordinary") == 0)
        return invalid(c, "event", "not_allowed", "案件未适用简易程序或小额诉讼程序，无需转换");
    json_t *t = triage_of(c);
    int64_t id = 0;
    enum yz_err e = insert_decision(c, json_integer_value(json_object_get(t, "proposal_id")),
                                    "conversion", from, "ordinary", -1, &id);
    if (e != YZ_OK)
        return e;
    json_object_set_new(c->result, "decision_id", json_integer(id));
    json_object_set_new(c->result, "from", json_string(from));
    json_object_set_new(c->result, "to", json_string("ordinary"));
    json_object_set_new(t, "converted_from", json_string(from));
    json_object_set_new(t, "decision", json_string("ordinary"));
    json_object_set_new(c->data, "procedure", json_string("ordinary"));
    return YZ_OK;
}

/* The triage officer's amendments: amendable features only, each of its type. */
enum yz_err yz_triage_prepare_features(struct yz_app *app, const json_t *in, const char *path,
                                       json_t **out, struct yz_field_errors *fe)
{
    if (!json_is_object(in) || json_object_size(in) == 0 || json_object_size(in) > 32) {
        yz_field_errors_add(fe, path, "invalid", "请列明要修改的分流特征（1 至 32 项）");
        return YZ_ERR_VALIDATION;
    }
    int before = fe->count + fe->dropped;
    json_t *o = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v)
    {
        char at[96];
        snprintf(at, sizeof at, "%.50s/%.40s", path, k);
        const struct yz_triage_feature *f = yz_triage_feature_find(k);
        if (!f || !f->amendable) {
            yz_field_errors_add(fe, at, "not_allowed", "该特征不能人工修改");
            continue;
        }
        if (f->type == YZ_FEAT_BOOL && json_is_boolean(v))
            json_object_set(o, k, v);
        else if (f->type == YZ_FEAT_INT && json_is_integer(v) && json_integer_value(v) >= 0 &&
                 json_integer_value(v) <= INT64_C(1000000000000000))
            json_object_set(o, k, v);
        else
            yz_field_errors_add(fe, at, "wrong_type", "「%s」应为%s", f->title,
                                f->type == YZ_FEAT_BOOL ? "是或否（true/false）" : "非负整数");
    }
    if (fe->count + fe->dropped > before) {
        json_decref(o);
        return YZ_ERR_VALIDATION;
    }
    *out = o;
    return YZ_OK;
}
