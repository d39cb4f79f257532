#include "matters/matters.h"
#include "app/app.h"
#include "audit/events.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "matters/documents.h"
#include "matters/internal.h"
#include "matters/effects.h"
#include "policy/policy.h"
#include "stats/rollup.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO matters(kind, state, court_id, title, channel, created_by, created_at, updated_at,"
    " version, data, cause_name, amount_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
    " RETURNING id");
static struct yz_sql_def q_participant = YZ_SQL(
    "INSERT INTO matter_participants(matter_id, user_id, capacity) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING");
static struct yz_sql_def q_load = YZ_SQL(
    "SELECT m.kind, m.state, m.court_id, m.title, m.channel, m.created_at, m.updated_at,"
    " m.version, m.data, m.created_by,"
    " (SELECT capacity FROM matter_participants p WHERE p.matter_id = m.id AND p.user_id = ?)"
    " FROM matters m WHERE m.id = ?");
static struct yz_sql_def q_update = YZ_SQL(
    "UPDATE matters SET state = ?, version = version + 1, data = ?, cause_name = ?, amount_fen = ?,"
    " updated_at = ? WHERE id = ? AND version = ?");
static struct yz_sql_def q_deadline_start = YZ_SQL(
    "INSERT INTO deadlines(matter_id, name, start_date, due_date, unit, n, beyond_calendar)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(matter_id, name) DO UPDATE SET start_date = excluded.start_date,"
    " due_date = excluded.due_date, unit = excluded.unit, n = excluded.n,"
    " beyond_calendar = excluded.beyond_calendar, stopped_at = NULL");
static struct yz_sql_def q_deadline_stop = YZ_SQL(
    "UPDATE deadlines SET stopped_at = ? WHERE matter_id = ? AND name = ? AND stopped_at IS NULL");
static struct yz_sql_def q_data =
    YZ_SQL("UPDATE matters SET data = ?, cause_name = ?, amount_fen = ? WHERE id = ?");

/* Has user fired event type on the matter's stream since the matter last
 * entered state from another state (or was created in it)? */
static struct yz_sql_def q_fired_in_state = YZ_SQL(
    "SELECT EXISTS (SELECT 1 FROM events e WHERE e.stream = ?1 AND e.type = ?2"
    " AND e.actor_id = ?3 AND e.stream_seq > coalesce((SELECT max(s.stream_seq) FROM events s"
    " WHERE s.stream = ?1 AND json_extract(s.payload, '$.to') = ?4"
    " AND coalesce(json_extract(s.payload, '$.from'), '') <> ?4), 0))");

void yz_matter_stream(int64_t id, char *out, size_t size)
{
    snprintf(out, size, "matter/%lld", (long long)id);
}

enum yz_err yz_matter_start_deadline(struct yz_tx *tx, struct yz_app *app, int64_t id,
                                     const struct yz_wf_deadline *d)
{
    return yz_matter_start_deadline_from(tx, app, id, d, yz_date_of_shanghai(yz_time_now_ms()));
}

enum yz_err yz_matter_start_deadline_from(struct yz_tx *tx, struct yz_app *app, int64_t id,
                                          const struct yz_wf_deadline *d, struct yz_date today)
{
    struct yz_deadline dl;
    enum yz_deadline_unit unit = d->unit == YZ_WF_DAYS       ? YZ_DEADLINE_DAYS
                                 : d->unit == YZ_WF_WORKDAYS ? YZ_DEADLINE_WORKDAYS
                                                             : YZ_DEADLINE_MONTHS;
    enum yz_err e = yz_deadline_compute(app->calendar, today, unit, d->n, &dl);
    if (e != YZ_OK)
        return YZ_ERR_INTERNAL; /* the definition was checked at load: a bug */
    char start[16], due[16];
    yz_date_format(today, start, sizeof start);
    yz_date_format(dl.end, due, sizeof due);
    struct yz_stmt *st = yz_sql(tx, &q_deadline_start);
    yz_bind_i64(st, 1, id);
    yz_bind_text(st, 2, d->name);
    yz_bind_text(st, 3, start);
    yz_bind_text(st, 4, due);
    yz_bind_text(st, 5, yz_wf_unit_name(d->unit));
    yz_bind_i64(st, 6, d->n);
    yz_bind_i64(st, 7, dl.beyond_calendar);
    return yz_exec(st);
}

static enum yz_err stop_deadlines(struct yz_tx *tx, int64_t id, const struct yz_wf_event *ev)
{
    for (size_t i = 0; i < yz_wf_event_stop_count(ev); i++) {
        struct yz_stmt *st = yz_sql(tx, &q_deadline_stop);
        yz_bind_i64(st, 1, yz_time_now_ms());
        yz_bind_i64(st, 2, id);
        yz_bind_text(st, 3, yz_wf_event_stop_at(ev, i));
        enum yz_err e = yz_exec(st);
        if (e != YZ_OK)
            return e;
    }
    return YZ_OK;
}

/* RULE: once-per-actor — an event marked "once_per_actor" is neither offered
 * nor accepted again from a user who fired it since the matter entered its
 * current state. */
enum yz_err yz_matter_fired_already(struct yz_tx *tx, int64_t id, const struct yz_wf_event *ev,
                                    const char *state, int64_t user_id, bool *out)
{
    *out = false;
    if (!yz_wf_event_once_per_actor(ev) || !user_id)
        return YZ_OK;
    char stream[32], type[96];
    yz_matter_stream(id, stream, sizeof stream);
    snprintf(type, sizeof type, "%s.%s", yz_workflow_kind(yz_wf_event_workflow(ev)),
             yz_wf_event_name(ev));
    struct yz_stmt *st = yz_sql(tx, &q_fired_in_state);
    yz_bind_text(st, 1, stream);
    yz_bind_text(st, 2, type);
    yz_bind_i64(st, 3, user_id);
    yz_bind_text(st, 4, state);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    *out = yz_col_i64(st, 0) == 1;
    return yz_exec(st);
}

/* Events and projections share one transaction; a deadline and the event that started it too. */
static enum yz_err record(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          int64_t id, const struct yz_rollup_matter *m,
                          const struct yz_wf_event *ev, const char *from, const json_t *fields,
                          const char *channel)
{
    char stream[32];
    yz_matter_stream(id, stream, sizeof stream);
    char type[96];
    snprintf(type, sizeof type, "%s.%s", yz_workflow_kind(yz_wf_event_workflow(ev)),
             yz_wf_event_name(ev));
    const char *to = yz_wf_event_stays(ev) ? from : yz_wf_event_to(ev);
    json_t *payload = json_pack("{s:s, s:s, s:O}", "event", yz_wf_event_name(ev), "to", to,
                                "fields", fields);
    json_object_set_new(payload, "from", from ? json_string(from) : json_null());
    json_object_set_new(payload, "role", json_string(yz_role_code(who->role)));
    /* The dashboard's counters move with the event, in its transaction,
     * keyed from the event as it is appended here (its time too). */
    int64_t at = yz_time_now_ms();
    enum yz_err e = yz_app_record_at(tx, app, stream, type, who->user_id, 0, channel, at, payload,
                                     NULL);
    if (e == YZ_OK)
        e = yz_rollup_add(tx, m, type, channel, at, payload);
    json_decref(payload);
    if (e == YZ_OK)
        e = stop_deadlines(tx, id, ev);
    if (e == YZ_OK && yz_wf_event_deadline(ev))
        e = yz_matter_start_deadline(tx, app, id, yz_wf_event_deadline(ev));
    return e;
}

/* A copy of the event's fields with every document replaced by its prepared
 * form (validated in full, personal data sealed). */
static enum yz_err prepare_fields(struct yz_app *app, const struct yz_wf_event *ev,
                                  const json_t *fields, json_t **out, struct yz_field_errors *fe)
{
    json_t *copy = json_deep_copy(fields);
    enum yz_err e = YZ_OK;
    for (size_t i = 0; i < yz_wf_event_field_count(ev); i++) {
        const struct yz_wf_field *f = yz_wf_event_field_at(ev, i);
        const json_t *v = json_object_get(fields, f->name);
        if (f->type != YZ_WF_DOCUMENT || !v)
            continue;
        char path[96];
        snprintf(path, sizeof path, "fields/%s", f->name);
        json_t *doc = NULL;
        enum yz_err de = yz_document_prepare(app, f->schema, v, path, &doc, fe);
        if (de == YZ_OK)
            json_object_set_new(copy, f->name, doc);
        else if (e == YZ_OK || e == YZ_ERR_VALIDATION)
            e = de;
    }
    if (e != YZ_OK) {
        json_decref(copy);
        return e;
    }
    *out = copy;
    return YZ_OK;
}

/* The application's cause and amount, kept beside data for lists (migration
 * 18): bound at col and col + 1 wherever data is written. */
static void bind_summary(struct yz_stmt *st, int col, const json_t *data)
{
    const json_t *application = json_object_get(data, "application");
    const json_t *cause = json_object_get(application, "cause_name");
    const json_t *amount = json_object_get(application, "amount_fen");
    if (json_is_string(cause))
        yz_bind_text(st, col, json_string_value(cause));
    else
        yz_bind_null(st, col);
    if (json_is_integer(amount))
        yz_bind_i64(st, col + 1, json_integer_value(amount));
    else
        yz_bind_null(st, col + 1);
}

static enum yz_err write_data(struct yz_tx *tx, int64_t id, const json_t *data)
{
    char *text = yz_json_dumps_sorted(data);
    struct yz_stmt *st = yz_sql(tx, &q_data);
    yz_bind_text(st, 1, text);
    bind_summary(st, 2, data);
    yz_bind_i64(st, 4, id);
    free(text);
    return yz_exec(st);
}

/* Runs the event's named effects in order; each result is an event of its own. */
static enum yz_err run_effects(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, int64_t id, int64_t court_id,
                               const struct yz_wf_event *ev, const json_t *fields, json_t *data,
                               const char *channel, bool internal, struct yz_field_errors *fe)
{
    size_t n = yz_wf_event_effect_count(ev);
    if (n == 0)
        return YZ_OK;
    const char *kind = yz_workflow_kind(yz_wf_event_workflow(ev));
    enum yz_err e = YZ_OK;
    for (size_t i = 0; i < n && e == YZ_OK; i++) {
        const char *name = yz_wf_event_effect_at(ev, i);
        yz_effect_fn fn = yz_effect_find(name);
        if (!fn)
            YZ_BUG("effect %s has no implementation", name);
        struct yz_effect_ctx c = {
            .tx = tx, .app = app, .who = who, .matter_id = id, .court_id = court_id,
            .kind = kind, .event = yz_wf_event_name(ev), .event_title = yz_wf_event_title(ev),
            .channel = channel, .fields = fields, .data = data, .result = json_object(), .fe = fe,
            .internal = internal,
        };
        e = fn(&c);
        if (e == YZ_OK && json_object_size(c.result)) {
            char stream[32], type[96];
            yz_matter_stream(id, stream, sizeof stream);
            snprintf(type, sizeof type, "%s.%s", kind, name);
            e = yz_app_record(tx, app, stream, type, who->user_id, 0, channel, c.result, NULL);
        }
        json_decref(c.result);
    }
    return e == YZ_OK ? write_data(tx, id, data) : e;
}

enum yz_err yz_matter_create(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             const struct yz_matter_new *m, struct yz_field_errors *fe,
                             int64_t *id)
{
    const struct yz_workflow *wf = yz_workflow_find(app->workflows, m->kind);
    if (!wf) {
        yz_field_errors_add(fe, "kind", "not_found", "不支持该事项类型");
        return YZ_ERR_VALIDATION;
    }
    const struct yz_wf_event *ev = yz_workflow_create_event(wf);
    /* An effect creating a matter (forwarding, conversion) acts for the court. */
    if (!m->internal && !yz_wf_event_role_may(ev, yz_role_code(who->role)))
        return YZ_ERR_FORBIDDEN;
    if (!yz_courts_find(&app->courts, m->court_id))
        yz_field_errors_add(fe, "court_id", "not_found", "法院不存在");
    else if (yz_role_is_staff(who->role) && m->court_id != who->court_id && !m->internal)
        yz_field_errors_add(fe, "court_id", "not_allowed", "只能在本院登记事项");
    if (!m->internal)
        yz_wf_validate_fields(ev, m->fields, fe);
    if (fe->count)
        return YZ_ERR_VALIDATION;
    json_t *fields = NULL;
    enum yz_err e = YZ_OK;
    if (m->internal)
        fields = json_deep_copy(m->fields);
    else if ((e = prepare_fields(app, ev, m->fields, &fields, fe)) != YZ_OK)
        return e;
    char *data = yz_json_dumps_sorted(fields);
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_text(st, 1, m->kind);
    yz_bind_text(st, 2, yz_wf_event_to(ev));
    yz_bind_i64(st, 3, m->court_id);
    yz_bind_text(st, 4, m->title);
    yz_bind_text(st, 5, m->channel);
    yz_bind_i64(st, 6, who->user_id);
    yz_bind_i64(st, 7, now);
    yz_bind_i64(st, 8, now);
    yz_bind_text(st, 9, data);
    bind_summary(st, 10, fields);
    free(data);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        goto out;
    *id = yz_col_i64(st, 0);
    yz_exec(st);
    if (!yz_role_is_staff(who->role)) {
        st = yz_sql(tx, &q_participant);
        yz_bind_i64(st, 1, *id);
        yz_bind_i64(st, 2, who->user_id);
        yz_bind_text(st, 3, who->role == YZ_ROLE_LAWYER ? "agent" : "applicant");
        if ((e = yz_exec(st)) != YZ_OK)
            goto out;
    }
    struct yz_rollup_matter rm = {m->court_id, m->kind, now};
    e = record(tx, app, who, *id, &rm, ev, NULL, fields, m->channel);
    if (e == YZ_OK) {
        json_t *projection = json_deep_copy(fields);
        e = run_effects(tx, app, who, *id, m->court_id, ev, fields, projection, m->channel,
                        m->internal, fe);
        json_decref(projection);
    }
out:
    json_decref(fields);
    return e;
}

enum yz_err yz_matter_row_load(struct yz_tx *tx, const struct yz_principal *who, int64_t id,
                               struct yz_matter_row *l)
{
    memset(l, 0, sizeof *l);
    struct yz_stmt *st = yz_sql(tx, &q_load);
    yz_bind_i64(st, 1, who->user_id);
    yz_bind_i64(st, 2, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    yz_strlcpy(l->kind, yz_col_text(st, 0), sizeof l->kind);
    yz_strlcpy(l->state, yz_col_text(st, 1), sizeof l->state);
    l->court_id = yz_col_i64(st, 2);
    yz_strlcpy(l->title, yz_col_text(st, 3), sizeof l->title);
    yz_strlcpy(l->channel, yz_col_text(st, 4), sizeof l->channel);
    l->created_at = yz_col_i64(st, 5);
    l->updated_at = yz_col_i64(st, 6);
    l->version = yz_col_i64(st, 7);
    const char *data = yz_col_text(st, 8);
    l->data_len = strlen(data);
    l->data = yz_strdup(data);
    l->created_by = yz_col_i64(st, 9);
    l->participant = !yz_col_null(st, 10);
    yz_strlcpy(l->capacity, yz_col_text(st, 10), sizeof l->capacity);
    return yz_exec(st);
}

void yz_matter_row_release(struct yz_matter_row *row)
{
    free(row->data);
    row->data = NULL;
}

static enum yz_err fire(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                        int64_t id, const char *event, const json_t *fields,
                        int64_t expected_version, const char *channel, const char *route,
                        bool internal, struct yz_field_errors *fe);

enum yz_err yz_matter_fire(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           int64_t id, const char *event, const json_t *fields,
                           int64_t expected_version, const char *channel, const char *route,
                           struct yz_field_errors *fe)
{
    return fire(tx, app, who, id, event, fields, expected_version, channel, route, false, fe);
}

enum yz_err yz_matter_fire_internal(struct yz_tx *tx, struct yz_app *app,
                                    const struct yz_principal *who, int64_t id, const char *event,
                                    const json_t *fields, const char *channel,
                                    struct yz_field_errors *fe)
{
    return fire(tx, app, who, id, event, fields, 0, channel, "internal", true, fe);
}

static enum yz_err fire(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                        int64_t id, const char *event, const json_t *fields,
                        int64_t expected_version, const char *channel, const char *route,
                        bool internal, struct yz_field_errors *fe)
{
    struct yz_matter_row l;
    json_t *prepared = NULL, *data = NULL;
    enum yz_err e = yz_matter_row_load(tx, who, id, &l);
    if (e != YZ_OK)
        goto out;
    if (!(data = json_loadb(l.data, l.data_len, 0, NULL))) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    struct yz_matter_ref ref = {id, l.court_id, l.participant};
    if (!internal && (e = yz_policy_matter(app, who, YZ_ACT_ACT, &ref, route)) != YZ_OK)
        goto out;
    const struct yz_workflow *wf = yz_workflow_find(app->workflows, l.kind);
    const struct yz_wf_event *ev = wf ? yz_workflow_event(wf, event) : NULL;
    if (!ev || yz_wf_event_creates(ev)) {
        yz_field_errors_add(fe, "event", "not_found", "该事项没有这个操作");
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    if (!internal && !yz_wf_event_role_may(ev, yz_role_code(who->role))) {
        e = YZ_ERR_FORBIDDEN;
        goto out;
    }
    if (!yz_wf_event_allowed_from(ev, l.state)) {
        e = YZ_ERR_INVALID_TRANSITION;
        goto out;
    }
    bool again = false;
    if (!internal && (e = yz_matter_fired_already(tx, id, ev, l.state, who->user_id, &again)) != YZ_OK)
        goto out;
    if (again) {
        yz_field_errors_add(fe, "event", "already_done", "您已经“%s”，不能重复操作",
                            yz_wf_event_title(ev));
        e = YZ_ERR_ALREADY_DONE;
        goto out;
    }
    if (expected_version && expected_version != l.version) {
        e = YZ_ERR_CONFLICT;
        goto out;
    }
    if ((e = yz_wf_validate_fields(ev, fields, fe)) != YZ_OK || fe->count) {
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    if ((e = prepare_fields(app, ev, fields, &prepared, fe)) != YZ_OK)
        goto out;
    /* The projection keeps the latest value of every field any event set. */
    json_object_update(data, prepared);
    char *text = yz_json_dumps_sorted(data);
    struct yz_stmt *st = yz_sql(tx, &q_update);
    yz_bind_text(st, 1, yz_wf_event_stays(ev) ? l.state : yz_wf_event_to(ev));
    yz_bind_text(st, 2, text);
    bind_summary(st, 3, data);
    yz_bind_i64(st, 5, yz_time_now_ms());
    yz_bind_i64(st, 6, id);
    yz_bind_i64(st, 7, l.version);
    free(text);
    if ((e = yz_exec(st)) != YZ_OK)
        goto out;
    if (yz_tx_changes(tx) != 1) {
        e = YZ_ERR_CONFLICT;
        goto out;
    }
    struct yz_rollup_matter rm = {l.court_id, l.kind, l.created_at};
    e = record(tx, app, who, id, &rm, ev, l.state, prepared, channel);
    if (e == YZ_OK)
        e = run_effects(tx, app, who, id, l.court_id, ev, prepared, data, channel, false, fe);
out:
    json_decref(prepared);
    json_decref(data);
    yz_matter_row_release(&l);
    return e;
}
