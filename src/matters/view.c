/*
 * A matter as its reader sees it (matters.h: yz_matter_get, _get_text,
 * _list): written straight into JSON text from the row, without a jansson
 * tree. A point read is the hottest route there is, and building the tree,
 * parsing the stored projection into another and writing both out again
 * was most of its work; the stored projection is copied as it is, less its
 * sealed members (documents.h: yz_document_redact_text).
 *
 * The members and their order are those of the jansson tree this code
 * replaced (a fresh database's every matter read by a party, a clerk and a
 * supervisor gave the same bytes before and after); the copy of the stored
 * text is held to the tree path by tests/unit/core/test_jsoncopy.c, and the
 * members by the API tests.
 */
#include "matters/matters.h"
#include "app/app.h"
#include "core/jsoncopy.h"
#include "core/jsonwrite.h"
#include "courts/courts.h"
#include "matters/documents.h"
#include "matters/internal.h"
#include "policy/policy.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <stdlib.h>

#include "core/banned.h"

/* Backstop only: a matter is the size of its application, far below this. */
#define MATTER_TEXT_MAX YZ_JSON_DUMP_MAX

static struct yz_sql_def q_linked =
    YZ_SQL("SELECT m.kind, m.state, (SELECT case_number FROM cases WHERE matter_id = m.id)"
           " FROM matters m WHERE m.id = ?");
static struct yz_sql_def q_deadlines =
    YZ_SQL("SELECT name, start_date, due_date, unit, n, beyond_calendar, stopped_at IS NOT NULL"
           " FROM deadlines WHERE matter_id = ? ORDER BY id");

/* Parties see the matters they take part in; staff their court's; supervisors their
 * court's and the courts' below. A fee-relief application also brings what a
 * list of them shows (the case it is for, with its number, and the relief
 * asked), so that the list needs no second request per application. */
static struct yz_sql_def q_list_mine = YZ_SQL(
    "SELECT m.id, m.kind, m.state, m.court_id, m.title, m.channel, m.created_at, m.updated_at,"
    " m.version, r.case_matter_id, r.relief, c.case_number"
    " FROM matters m JOIN matter_participants p ON p.matter_id = m.id"
    " LEFT JOIN fee_reliefs r ON r.relief_matter_id = m.id"
    " LEFT JOIN cases c ON c.matter_id = r.case_matter_id"
    " WHERE p.user_id = ? AND (? = '' OR m.kind = ?) AND (? = '' OR m.state = ?) AND m.id < ?"
    " ORDER BY m.id DESC LIMIT ?");
static struct yz_sql_def q_list_court = YZ_SQL(
    "WITH RECURSIVE visible(id) AS (SELECT ? UNION SELECT c.id FROM courts c JOIN visible v"
    " ON c.parent_id = v.id WHERE ?)"
    " SELECT m.id, m.kind, m.state, m.court_id, m.title, m.channel, m.created_at, m.updated_at,"
    " m.version, r.case_matter_id, r.relief, c.case_number FROM matters m"
    " LEFT JOIN fee_reliefs r ON r.relief_matter_id = m.id"
    " LEFT JOIN cases c ON c.matter_id = r.case_matter_id"
    " WHERE m.court_id IN (SELECT id FROM visible)"
    " AND (? = '' OR m.kind = ?) AND (? = '' OR m.state = ?) AND m.id < ?"
    " ORDER BY m.id DESC LIMIT ?");

/* The members every view of a matter starts with, the object left open. */
static bool put_head(struct yz_buf *o, struct yz_app *app, int64_t id,
                     const struct yz_matter_row *r)
{
    const struct yz_workflow *wf = yz_workflow_find(app->workflows, r->kind);
    const struct yz_wf_state *state = wf ? yz_workflow_state(wf, r->state) : NULL;
    const struct yz_court *court = yz_courts_find(&app->courts, r->court_id);
    return yz_json_put_int(o, "{\"id\":", id) && yz_json_put_str(o, ",\"kind\":", r->kind) &&
           yz_json_put_str(o, ",\"kind_title\":", wf ? yz_workflow_title(wf) : "") &&
           yz_json_put_str(o, ",\"state\":", r->state) &&
           yz_json_put_str(o, ",\"state_title\":", state ? state->title : r->state) &&
           yz_json_put_bool(o, ",\"final\":", state && state->final) &&
           yz_json_put_int(o, ",\"court\":{\"id\":", r->court_id) &&
           yz_json_put_str(o, ",\"name\":", court ? court->name : "") && yz_buf_addc(o, '}') &&
           yz_json_put_str(o, ",\"title\":", r->title) &&
           yz_json_put_str(o, ",\"channel\":", r->channel) &&
           yz_json_put_time(o, ",\"created_at\":", r->created_at) &&
           yz_json_put_time(o, ",\"updated_at\":", r->updated_at) &&
           yz_json_put_int(o, ",\"version\":", r->version);
}

static enum yz_err put_deadlines(struct yz_buf *o, struct yz_tx *tx, int64_t id)
{
    struct yz_stmt *st = yz_sql(tx, &q_deadlines);
    yz_bind_i64(st, 1, id);
    bool ok = yz_buf_adds(o, ",\"deadlines\":["), row, first = true;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && ok) {
        ok = yz_buf_adds(o, first ? "" : ",") &&
             yz_json_put_str(o, "{\"name\":", yz_col_text(st, 0)) &&
             yz_json_put_str(o, ",\"start_date\":", yz_col_text(st, 1)) &&
             yz_json_put_str(o, ",\"due_date\":", yz_col_text(st, 2)) &&
             yz_json_put_str(o, ",\"unit\":", yz_col_text(st, 3)) &&
             yz_json_put_int(o, ",\"n\":", yz_col_i64(st, 4)) &&
             yz_json_put_bool(o, ",\"beyond_calendar\":", yz_col_i64(st, 5) != 0) &&
             yz_json_put_bool(o, ",\"stopped\":", yz_col_i64(st, 6) != 0) && yz_buf_addc(o, '}');
        first = false;
    }
    if (e == YZ_OK && row)
        e = yz_exec(st); /* stopped early: the output cap */
    if (e != YZ_OK)
        return e;
    return ok && yz_buf_addc(o, ']') ? YZ_OK : YZ_ERR_INTERNAL;
}

/* The events who may fire now; none for a reader who may not act. */
static enum yz_err put_actions(struct yz_buf *o, struct yz_tx *tx, int64_t id,
                               const struct yz_workflow *wf, const char *state,
                               const struct yz_principal *who, bool may_act)
{
    bool ok = yz_buf_adds(o, ",\"actions\":["), first = true;
    for (size_t i = 0; ok && may_act && wf && i < yz_workflow_event_count(wf); i++) {
        const struct yz_wf_event *ev = yz_workflow_event_at(wf, i);
        bool again = false;
        if (yz_wf_event_creates(ev) || !yz_wf_event_allowed_from(ev, state) ||
            !yz_wf_event_role_may(ev, yz_role_code(who->role)))
            continue;
        enum yz_err e = yz_matter_fired_already(tx, id, ev, state, who->user_id, &again);
        if (e != YZ_OK)
            return e;
        if (again)
            continue;
        ok = yz_buf_adds(o, first ? "" : ",") &&
             yz_json_put_str(o, "{\"event\":", yz_wf_event_name(ev)) &&
             yz_json_put_str(o, ",\"title\":", yz_wf_event_title(ev)) && yz_buf_addc(o, '}');
        first = false;
    }
    return ok && yz_buf_addc(o, ']') ? YZ_OK : YZ_ERR_INTERNAL;
}

/* A forwarded matter's progress, shown to whoever may see the forwarding one
 * (both courts see each step of a cross-region filing): state and case number
 * only, never the other court's file. */
static enum yz_err linked_progress(struct yz_tx *tx, struct yz_app *app, json_t *fw)
{
    struct yz_stmt *st = yz_sql(tx, &q_linked);
    yz_bind_i64(st, 1, json_integer_value(json_object_get(fw, "matter_id")));
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e;
    const struct yz_workflow *wf = yz_workflow_find(app->workflows, yz_col_text(st, 0));
    const struct yz_wf_state *s = wf ? yz_workflow_state(wf, yz_col_text(st, 1)) : NULL;
    json_object_set_new(fw, "state", json_string(yz_col_text(st, 1)));
    json_object_set_new(fw, "state_title", json_string(s ? s->title : yz_col_text(st, 1)));
    if (!yz_col_null(st, 2))
        json_object_set_new(fw, "case_number", json_string(yz_col_text(st, 2)));
    return yz_exec(st);
}

/* The forwarded_to member on the text path (core/jsoncopy.h hook): its
 * copied value is read back into a tree, takes the forwarded matter's
 * progress as on the tree path, and is written again in its place. */
struct forwarded {
    struct yz_tx *tx;
    struct yz_app *app;
    enum yz_err e; /* linked_progress's error, which fails the copy */
};

static bool put_forwarded(void *ctx, struct yz_buf *o, size_t at)
{
    struct forwarded *f = ctx;
    json_t *fw = json_loadb(o->data + at, o->len - at, JSON_DECODE_ANY, NULL);
    if (!fw)
        return false;
    f->e = linked_progress(f->tx, f->app, fw);
    yz_buf_truncate(o, at);
    bool ok = f->e == YZ_OK && yz_json_write(o, fw);
    json_decref(fw);
    return ok;
}

/*
 * The stored projection without its sealed values, copied as text; when it
 * was forwarded to another court (a cross-region filing) its forwarded_to
 * member takes the forwarded matter's progress on the way. Text not in the
 * writer's form (which the product does not store) goes through a tree.
 */
static enum yz_err put_data(struct yz_buf *o, struct yz_tx *tx, struct yz_app *app,
                            const struct yz_matter_row *r)
{
    if (!yz_buf_adds(o, ",\"data\":"))
        return YZ_ERR_INTERNAL;
    struct forwarded f = {tx, app, YZ_OK};
    const struct yz_json_hook forwarded_to = {"forwarded_to", put_forwarded, &f};
    if (yz_document_redact_text(o, r->data, r->data_len, &forwarded_to))
        return YZ_OK;
    if (f.e != YZ_OK)
        return f.e;
    json_t *stored = json_loadb(r->data, r->data_len, 0, NULL);
    if (!stored)
        return YZ_ERR_INTERNAL;
    json_t *data = yz_document_redact(stored);
    json_decref(stored);
    json_t *fw = json_object_get(data, "forwarded_to");
    enum yz_err e = fw ? linked_progress(tx, app, fw) : YZ_OK;
    if (e == YZ_OK && !yz_json_write(o, data))
        e = YZ_ERR_INTERNAL;
    json_decref(data);
    return e;
}

/* The matter's row once the policy lets who read it (a refusal is recorded
 * there); r is to be released whatever the answer. */
static enum yz_err load_for_read(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, int64_t id, const char *route,
                                 struct yz_matter_row *r)
{
    enum yz_err e = yz_matter_row_load(tx, who, id, r);
    struct yz_matter_ref ref = {id, r->court_id, r->participant};
    if (e == YZ_OK)
        e = yz_policy_matter(app, who, YZ_ACT_READ, &ref, route);
    return e;
}

enum yz_err yz_matter_get_text(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                               int64_t id, const char *route, struct yz_buf *out)
{
    struct yz_matter_row r;
    enum yz_err e = load_for_read(tx, app, who, id, route, &r);
    if (e == YZ_OK) {
        bool may_act =
            who->role != YZ_ROLE_SUPERVISOR &&
            (yz_role_is_staff(who->role) ? r.court_id == who->court_id : r.participant);
        if (!put_head(out, app, id, &r))
            e = YZ_ERR_INTERNAL;
        if (e == YZ_OK)
            e = put_data(out, tx, app, &r);
        if (e == YZ_OK)
            e = put_deadlines(out, tx, id);
        if (e == YZ_OK)
            e = put_actions(out, tx, id, yz_workflow_find(app->workflows, r.kind), r.state, who,
                            may_act);
        if (e == YZ_OK &&
            ((r.participant && !yz_json_put_str(out, ",\"my_capacity\":", r.capacity)) ||
             !yz_buf_addc(out, '}')))
            e = YZ_ERR_INTERNAL;
    }
    yz_matter_row_release(&r);
    return e;
}

enum yz_err yz_matter_get(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          int64_t id, const char *route, json_t **out)
{
    struct yz_buf text = YZ_BUF_INIT(MATTER_TEXT_MAX);
    enum yz_err e = yz_matter_get_text(tx, app, who, id, route, &text);
    if (e == YZ_OK && !(*out = json_loadb(text.data, text.len, 0, NULL)))
        e = YZ_ERR_INTERNAL;
    yz_buf_release(&text);
    return e;
}

enum yz_err yz_matter_check_read(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, int64_t id, const char *route)
{
    struct yz_matter_row r;
    enum yz_err e = load_for_read(tx, app, who, id, route, &r);
    yz_matter_row_release(&r);
    return e;
}

/* The fee_relief member of a list item from columns col.. (case_matter_id,
 * relief, case_number; the last NULL until the case is registered). */
static bool put_fee_relief(struct yz_buf *o, struct yz_stmt *st, int col)
{
    return yz_json_put_int(o, ",\"fee_relief\":{\"case_matter_id\":", yz_col_i64(st, col)) &&
           yz_json_put_str(o, ",\"relief\":", yz_col_text(st, col + 1)) &&
           (yz_col_null(st, col + 2) ||
            yz_json_put_str(o, ",\"case_number\":", yz_col_text(st, col + 2))) &&
           yz_buf_addc(o, '}');
}

enum yz_err yz_matter_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           const char *kind, const char *state, int64_t before_id, int limit,
                           struct yz_buf *out)
{
    if (limit <= 0 || limit > yz_tx_max_rows(tx))
        limit = yz_tx_max_rows(tx);
    kind = kind ? kind : "";
    state = state ? state : "";
    struct yz_stmt *st;
    int i = 1;
    if (yz_role_is_staff(who->role)) {
        st = yz_sql(tx, &q_list_court);
        yz_bind_i64(st, i++, who->court_id);
        yz_bind_i64(st, i++, who->role == YZ_ROLE_SUPERVISOR);
    } else {
        st = yz_sql(tx, &q_list_mine);
        yz_bind_i64(st, i++, who->user_id);
    }
    yz_bind_text(st, i++, kind);
    yz_bind_text(st, i++, kind);
    yz_bind_text(st, i++, state);
    yz_bind_text(st, i++, state);
    yz_bind_i64(st, i++, before_id > 0 ? before_id : INT64_MAX);
    yz_bind_i64(st, i++, limit);
    bool ok = yz_buf_adds(out, "{\"items\":["), row, first = true;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && ok) {
        struct yz_matter_row r = {0};
        yz_strlcpy(r.kind, yz_col_text(st, 1), sizeof r.kind);
        yz_strlcpy(r.state, yz_col_text(st, 2), sizeof r.state);
        r.court_id = yz_col_i64(st, 3);
        yz_strlcpy(r.title, yz_col_text(st, 4), sizeof r.title);
        yz_strlcpy(r.channel, yz_col_text(st, 5), sizeof r.channel);
        r.created_at = yz_col_i64(st, 6);
        r.updated_at = yz_col_i64(st, 7);
        r.version = yz_col_i64(st, 8);
        ok = yz_buf_adds(out, first ? "" : ",") && put_head(out, app, yz_col_i64(st, 0), &r) &&
             (yz_col_null(st, 9) || put_fee_relief(out, st, 9)) && yz_buf_addc(out, '}');
        first = false;
    }
    if (e == YZ_OK && row)
        e = yz_exec(st); /* stopped early: the output cap */
    if (e != YZ_OK)
        return e;
    return ok && yz_json_put_int(out, "],\"limit\":", limit) && yz_buf_addc(out, '}')
               ? YZ_OK
               : YZ_ERR_INTERNAL;
}
