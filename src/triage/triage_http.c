/*
 * The triage officer's API: the queue of registered cases awaiting a
 * decision (oldest registration first, each with the proposal, its score and
 * reasons, and the running deadlines), one case's proposal with the features
 * it was made on, amending features (a workflow event: recorded, and a new
 * proposal follows), and the agreement report: how often the decision
 * followed the proposal, overall and per rule, for a court and period. The
 * report is what a court tunes rules.json by.
 */
#include "triage/triage_http.h"
#include "core/clock.h"
#include "core/num.h"
#include "matters/matters.h"
#include "policy/policy.h"
#include "store/store.h"
#include "triage/triage.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const char *const queue_states[] = {"registered", "track_mediation", NULL};

const struct yz_field_spec yz_triage_queue_params[] = {
    {"court_id", YZ_V_ID, false, 0, 0, NULL, "法院"},
    {"state", YZ_V_ENUM, false, 0, 0, queue_states, "状态"},
    {"limit", YZ_V_INT, false, 1, 1000, NULL, "每页条数"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_triage_matter_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_triage_amend_body[] = {
    {"features", YZ_V_OBJECT, true, 0, 32, NULL, "分流特征"},
    {"note", YZ_V_LONGTEXT, false, 0, 2000, NULL, "说明"},
    {"version", YZ_V_INT, false, 1, INT64_MAX, NULL, "版本号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_triage_report_params[] = {
    {"court_id", YZ_V_ID, false, 0, 0, NULL, "法院"},
    {"from", YZ_V_DATE, true, 0, 0, NULL, "起始日期"},
    {"to", YZ_V_DATE, true, 0, 0, NULL, "截止日期"},
    YZ_FIELDS_END,
};

static int64_t query_i64(const struct yz_req *req, const char *name, int64_t dflt, int64_t max)
{
    const char *v = yz_req_query(req, name);
    int64_t n = dflt;
    if (v)
        yz_parse_i64(v, 1, max, &n);
    return n;
}

static const char *time_text(int64_t ms, char out[40])
{
    yz_time_format_utc(ms, out, 40);
    return out;
}

static struct yz_sql_def q_deadlines = YZ_SQL(
    "SELECT name, start_date, due_date FROM deadlines WHERE matter_id = ? AND stopped_at IS NULL"
    " ORDER BY due_date, id");

static json_t *deadlines(struct yz_tx *tx, int64_t matter_id, const char *today)
{
    json_t *a = json_array();
    struct yz_stmt *st = yz_sql(tx, &q_deadlines);
    yz_bind_i64(st, 1, matter_id);
    bool row;
    while (yz_step(st, &row) == YZ_OK && row)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:b}", "name", yz_col_text(st, 0),
                                           "start_date", yz_col_text(st, 1), "due_date",
                                           yz_col_text(st, 2), "overdue",
                                           strcmp(yz_col_text(st, 2), today) < 0));
    return a;
}

/* Reasons as stored, reduced to what a queue line shows. */
static json_t *short_reasons(const char *text)
{
    json_t *all = json_loads(text, 0, NULL), *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(all, i, r)
        json_array_append_new(out, json_pack("{s:O, s:O, s:O}", "rule", json_object_get(r, "rule"),
                                             "title", json_object_get(r, "title"), "basis",
                                             json_object_get(r, "basis")));
    json_decref(all);
    return out;
}

/* ---- queue ---- */

static struct yz_sql_def q_queue = YZ_SQL(
    "SELECT m.id, m.state, m.title, m.version, c.case_number, c.registered_at,"
    " p.id, p.track, p.trial_track, p.score, p.reasons"
    " FROM matters m JOIN cases c ON c.matter_id = m.id"
    " LEFT JOIN triage_proposals p ON p.id ="
    " (SELECT max(id) FROM triage_proposals WHERE matter_id = m.id)"
    " WHERE m.kind = 'filing' AND m.court_id = ? AND m.state IN ('registered', 'track_mediation')"
    " AND (? = '' OR m.state = ?)"
    " ORDER BY c.registered_at, m.id LIMIT ?");

struct queue_ctx {
    struct yz_req *req;
    json_t *items;
    int64_t court_id;
};

static enum yz_err queue_tx(struct yz_tx *tx, void *p)
{
    struct queue_ctx *c = p;
    const char *state = yz_req_query(c->req, "state");
    char today[16], at[40];
    yz_today_text(today, sizeof today);
    struct yz_stmt *st = yz_sql(tx, &q_queue);
    yz_bind_i64(st, 1, c->court_id);
    yz_bind_text(st, 2, state ? state : "");
    yz_bind_text(st, 3, state ? state : "");
    yz_bind_i64(st, 4, query_i64(c->req, "limit", yz_tx_max_rows(tx), yz_tx_max_rows(tx)));
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t id = yz_col_i64(st, 0);
        json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)id, "state",
                              yz_col_text(st, 1), "title", yz_col_text(st, 2), "version",
                              (json_int_t)yz_col_i64(st, 3), "case_number", yz_col_text(st, 4),
                              "registered_at", time_text(yz_col_i64(st, 5), at));
        if (!yz_col_null(st, 6))
            json_object_set_new(
                o, "proposal",
                json_pack("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)yz_col_i64(st, 6),
                          "track", yz_col_text(st, 7), "trial_track", yz_col_text(st, 8), "score",
                          (json_int_t)yz_col_i64(st, 9), "reasons",
                          short_reasons(yz_col_text(st, 10))));
        json_object_set_new(o, "deadlines", deadlines(tx, id, today));
        json_array_append_new(c->items, o);
    }
    return e;
}

/* The court a court-level request is about: the caller's own, or court_id when given. */
static enum yz_err court_of(struct yz_req *req, int64_t *court)
{
    *court = query_i64(req, "court_id", req->who.court_id, INT64_MAX);
    return yz_policy_triage(req->app, &req->who, *court, *court, req->route->name);
}

enum yz_err yz_triage_http_queue(struct yz_req *req, struct yz_resp *resp)
{
    struct queue_ctx c = {req, NULL, 0};
    enum yz_err e = court_of(req, &c.court_id);
    if (e != YZ_OK)
        return e;
    c.items = json_array();
    if ((e = yz_store_read(req->app->store, queue_tx, &c)) != YZ_OK) {
        json_decref(c.items);
        return e;
    }
    resp->body = json_pack("{s:o, s:I}", "items", c.items, "court_id", (json_int_t)c.court_id);
    return YZ_OK;
}

/* ---- one case ---- */

static struct yz_sql_def q_matter = YZ_SQL(
    "SELECT m.court_id, m.state, m.version, c.case_number, c.registered_at, m.kind = 'filing'"
    " FROM matters m LEFT JOIN cases c ON c.matter_id = m.id WHERE m.id = ?");
static struct yz_sql_def q_proposals = YZ_SQL(
    "SELECT id, rules_version, category, track, trial_track, score, features, feature_sources,"
    " reasons, created_at FROM triage_proposals WHERE matter_id = ? ORDER BY id DESC LIMIT 50");
static struct yz_sql_def q_decisions = YZ_SQL(
    "SELECT id, kind, proposal_id, proposed_track, decided_track, agreed, reason, decided_by,"
    " decided_at FROM triage_decisions WHERE matter_id = ? ORDER BY id LIMIT 50");

struct case_ctx {
    struct yz_req *req;
    int64_t id;
    json_t *body;
};

/* The matter's court and basics, after the policy allowed the caller to see them. */
static enum yz_err load_case(struct yz_tx *tx, struct case_ctx *c)
{
    struct yz_stmt *st = yz_sql(tx, &q_matter);
    yz_bind_i64(st, 1, c->id);
    /* Missing, not the caller's to see, or not a filing: the same 404. The
     * policy decides before the kind is looked at, so that every probe of
     * another court's matter is recorded as a denial. */
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    int64_t court = yz_col_i64(st, 0);
    if ((e = yz_policy_triage(c->req->app, &c->req->who, court, c->id, c->req->route->name)) !=
            YZ_OK ||
        !yz_col_i64(st, 5)) {
        yz_exec(st);
        return e != YZ_OK ? e : YZ_ERR_NOT_FOUND;
    }
    char at[40];
    c->body = json_pack("{s:I, s:I, s:s, s:I}", "matter_id", (json_int_t)c->id, "court_id",
                        (json_int_t)court, "state", yz_col_text(st, 1), "version",
                        (json_int_t)yz_col_i64(st, 2));
    if (!yz_col_null(st, 3)) {
        json_object_set_new(c->body, "case_number", json_string(yz_col_text(st, 3)));
        json_object_set_new(c->body, "registered_at",
                            json_string(time_text(yz_col_i64(st, 4), at)));
    }
    yz_exec(st);
    return YZ_OK;
}

static enum yz_err case_tx(struct yz_tx *tx, void *p)
{
    struct case_ctx *c = p;
    enum yz_err e = load_case(tx, c);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(tx, &q_proposals);
    yz_bind_i64(st, 1, c->id);
    json_t *earlier = json_array();
    bool row;
    char at[40];
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "id",
                              (json_int_t)yz_col_i64(st, 0), "rules_version",
                              (json_int_t)yz_col_i64(st, 1), "category", yz_col_text(st, 2),
                              "track", yz_col_text(st, 3), "trial_track", yz_col_text(st, 4),
                              "score", (json_int_t)yz_col_i64(st, 5), "created_at",
                              time_text(yz_col_i64(st, 9), at));
        if (!json_object_get(c->body, "proposal")) {
            /* The current proposal in full: the features and where each came from. */
            json_object_set_new(o, "features", json_loads(yz_col_text(st, 6), 0, NULL));
            json_object_set_new(o, "feature_sources", json_loads(yz_col_text(st, 7), 0, NULL));
            json_object_set_new(o, "reasons", json_loads(yz_col_text(st, 8), 0, NULL));
            json_object_set_new(c->body, "proposal", o);
        } else {
            json_array_append_new(earlier, o);
        }
    }
    json_object_set_new(c->body, "earlier_proposals", earlier);
    if (e != YZ_OK)
        return e;
    json_t *decisions = json_array();
    st = yz_sql(tx, &q_decisions);
    yz_bind_i64(st, 1, c->id);
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)yz_col_i64(st, 0),
                              "kind", yz_col_text(st, 1), "decided_track", yz_col_text(st, 4),
                              "decided_by", (json_int_t)yz_col_i64(st, 7), "decided_at",
                              time_text(yz_col_i64(st, 8), at));
        if (!yz_col_null(st, 2))
            json_object_set_new(o, "proposal_id", json_integer(yz_col_i64(st, 2)));
        if (!yz_col_null(st, 3))
            json_object_set_new(o, "proposed_track", json_string(yz_col_text(st, 3)));
        if (!yz_col_null(st, 5))
            json_object_set_new(o, "agreed", json_boolean(yz_col_i64(st, 5)));
        if (!yz_col_null(st, 6))
            json_object_set_new(o, "reason", json_string(yz_col_text(st, 6)));
        json_array_append_new(decisions, o);
    }
    json_object_set_new(c->body, "decisions", decisions);
    return e;
}

enum yz_err yz_triage_http_proposal(struct yz_req *req, struct yz_resp *resp)
{
    struct case_ctx c = {req, yz_req_param_id(req, "id"), NULL};
    enum yz_err e = yz_store_read(req->app->store, case_tx, &c);
    if (e != YZ_OK) {
        json_decref(c.body);
        return e;
    }
    resp->body = c.body;
    return YZ_OK;
}

/* ---- amending features ---- */

static enum yz_err amend_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *p)
{
    struct case_ctx *c = p;
    /* The caller must see the case's triage at all before anything else is said. */
    enum yz_err e = load_case(tx, c);
    json_decref(c->body);
    c->body = NULL;
    if (e != YZ_OK)
        return e;
    json_t *fields = json_pack("{s:O}", "triage_features", json_object_get(req->body, "features"));
    const json_t *note = json_object_get(req->body, "note");
    if (note)
        json_object_set(fields, "note", (json_t *)note);
    e = yz_matter_fire(tx, req->app, &req->who, c->id, "amend_triage_features", fields,
                       json_integer_value(json_object_get(req->body, "version")), req->channel,
                       req->route->name, &req->fields);
    json_decref(fields);
    /* The event's fields are this route's body: name them as the caller sent them. */
    for (int i = 0; i < req->fields.count; i++) {
        char *f = req->fields.items[i].field;
        static const char prefix[] = "fields/triage_features";
        if (strncmp(f, prefix, sizeof prefix - 1) == 0) {
            char rest[80];
            yz_strlcpy(rest, f + sizeof prefix - 1, sizeof rest);
            snprintf(f, sizeof req->fields.items[i].field, "features%s", rest);
        } else if (strcmp(f, "fields/note") == 0) {
            yz_strlcpy(f, "note", sizeof req->fields.items[i].field);
        }
    }
    if (e != YZ_OK)
        return e;
    if ((e = case_tx(tx, c)) == YZ_OK) {
        resp->body = c->body;
        c->body = NULL;
    }
    return e;
}

enum yz_err yz_triage_http_amend(struct yz_req *req, struct yz_resp *resp)
{
    struct case_ctx c = {req, yz_req_param_id(req, "id"), NULL};
    enum yz_err e = yz_req_write(req, resp, amend_tx, &c);
    json_decref(c.body);
    return e;
}

/* ---- agreement report ---- */

static struct yz_sql_def q_overall = YZ_SQL(
    "SELECT count(*), coalesce(sum(agreed), 0) FROM triage_decisions"
    " WHERE court_id = ? AND kind = 'triage' AND agreed IS NOT NULL"
    " AND decided_at >= ? AND decided_at < ?");
static struct yz_sql_def q_conversions = YZ_SQL(
    "SELECT count(*) FROM triage_decisions"
    " WHERE court_id = ? AND kind = 'conversion' AND decided_at >= ? AND decided_at < ?");
static struct yz_sql_def q_by_track = YZ_SQL(
    "SELECT proposed_track, decided_track, count(*) FROM triage_decisions"
    " WHERE court_id = ? AND kind = 'triage' AND agreed IS NOT NULL"
    " AND decided_at >= ? AND decided_at < ?"
    " GROUP BY proposed_track, decided_track ORDER BY proposed_track, decided_track");
static struct yz_sql_def q_by_rule = YZ_SQL(
    "SELECT r.rule_id, count(*), coalesce(sum(d.agreed), 0) FROM triage_decisions d"
    " JOIN triage_proposal_rules r ON r.proposal_id = d.proposal_id"
    " WHERE d.court_id = ? AND d.kind = 'triage' AND d.agreed IS NOT NULL"
    " AND d.decided_at >= ? AND d.decided_at < ?"
    " GROUP BY r.rule_id ORDER BY r.rule_id");

struct report_ctx {
    struct yz_req *req;
    int64_t court_id, from_ms, to_ms;
    json_t *body;
};

static json_t *rate(int64_t agreed, int64_t n)
{
    /* A ratio to four places, exact from integers; null when nothing was decided. */
    return n ? json_real((double)(agreed * 10000 / n) / 10000.0) : json_null();
}

static void bind_period(struct yz_stmt *st, const struct report_ctx *c)
{
    yz_bind_i64(st, 1, c->court_id);
    yz_bind_i64(st, 2, c->from_ms);
    yz_bind_i64(st, 3, c->to_ms);
}

static enum yz_err report_tx(struct yz_tx *tx, void *p)
{
    struct report_ctx *c = p;
    struct yz_stmt *st = yz_sql(tx, &q_overall);
    bind_period(st, c);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    int64_t n = yz_col_i64(st, 0), agreed = yz_col_i64(st, 1);
    yz_exec(st);
    json_object_set_new(c->body, "decisions", json_integer(n));
    json_object_set_new(c->body, "agreed", json_integer(agreed));
    json_object_set_new(c->body, "overridden", json_integer(n - agreed));
    json_object_set_new(c->body, "agreement_rate", rate(agreed, n));
    st = yz_sql(tx, &q_conversions);
    bind_period(st, c);
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    json_object_set_new(c->body, "conversions", json_integer(yz_col_i64(st, 0)));
    yz_exec(st);
    json_t *tracks = json_array();
    json_object_set_new(c->body, "by_track", tracks);
    st = yz_sql(tx, &q_by_track);
    bind_period(st, c);
    while ((e = yz_step(st, &row)) == YZ_OK && row)
        json_array_append_new(tracks, json_pack("{s:s, s:s, s:I}", "proposed", yz_col_text(st, 0),
                                                "decided", yz_col_text(st, 1), "count",
                                                (json_int_t)yz_col_i64(st, 2)));
    if (e != YZ_OK)
        return e;
    json_t *rules = json_array();
    json_object_set_new(c->body, "by_rule", rules);
    st = yz_sql(tx, &q_by_rule);
    bind_period(st, c);
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t rn = yz_col_i64(st, 1), ra = yz_col_i64(st, 2);
        const char *title = yz_triage_rule_title(c->req->app->triage_rules, yz_col_text(st, 0));
        json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:o}", "rule", yz_col_text(st, 0), "decisions",
                              (json_int_t)rn, "agreed", (json_int_t)ra, "overridden",
                              (json_int_t)(rn - ra), "agreement_rate", rate(ra, rn));
        /* A rule since removed from rules.json keeps its id, without a title. */
        if (title)
            json_object_set_new(o, "title", json_string(title));
        json_array_append_new(rules, o);
    }
    return e;
}

/* 00:00 in Shanghai (UTC+8, no daylight saving) of day d, in UTC ms. */
static int64_t day_start_ms(struct yz_date d)
{
    return yz_date_to_days(d) * 86400000 - 8 * 3600000;
}

enum yz_err yz_triage_http_report(struct yz_req *req, struct yz_resp *resp)
{
    struct report_ctx c = {req, 0, 0, 0, NULL};
    struct yz_date from, to;
    /* Validated by the route already; the order is this handler's to check. */
    if (!yz_date_parse(yz_req_query(req, "from"), &from) ||
        !yz_date_parse(yz_req_query(req, "to"), &to))
        return YZ_ERR_BAD_REQUEST;
    if (yz_date_to_days(to) < yz_date_to_days(from)) {
        yz_field_errors_add(&req->fields, "query/to", "before_from", "截止日期不能早于起始日期");
        return YZ_ERR_VALIDATION;
    }
    if (yz_date_to_days(to) - yz_date_to_days(from) > 3660) {
        yz_field_errors_add(&req->fields, "query/to", "too_long", "统计期间不能超过十年");
        return YZ_ERR_VALIDATION;
    }
    enum yz_err e = court_of(req, &c.court_id);
    if (e != YZ_OK)
        return e;
    c.from_ms = day_start_ms(from);
    c.to_ms = day_start_ms(to) + 86400000;
    const struct yz_court *court = yz_courts_find(&req->app->courts, c.court_id);
    c.body = json_pack("{s:I, s:s, s:s, s:s, s:i}", "court_id", (json_int_t)c.court_id, "court",
                       court ? court->name : "", "from", yz_req_query(req, "from"), "to",
                       yz_req_query(req, "to"), "rules_version",
                       yz_triage_rules_version(req->app->triage_rules));
    if ((e = yz_store_read(req->app->store, report_tx, &c)) != YZ_OK) {
        json_decref(c.body);
        return e;
    }
    resp->body = c.body;
    return YZ_OK;
}
