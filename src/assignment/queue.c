/*
 * Queues and figures (assignment.h): a team's open cases with their running
 * deadlines and each member's workload, a judge's own cases, and the court's
 * report of draws against designations.
 */
#include "assignment/assignment.h"
#include "assignment/internal.h"
#include "app/app.h"
#include "core/clock.h"
#include "policy/policy.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <stdlib.h>
#include <string.h>

#define QUEUE_COLUMNS                                                                              \
    "SELECT a.matter_id, m.title, m.kind, m.state, coalesce(c.case_number, ''), a.judge_id,"       \
    " u.name, a.method, a.assigned_at, coalesce(a.team_id, 0), coalesce(t.name, '')"               \
    " FROM assignments a JOIN matters m ON m.id = a.matter_id JOIN users u ON u.id = a.judge_id"   \
    " LEFT JOIN cases c ON c.matter_id = a.matter_id LEFT JOIN teams t ON t.id = a.team_id"

static struct yz_sql_def q_team_queue = YZ_SQL(
    QUEUE_COLUMNS " WHERE a.team_id = ? AND a.ended_at IS NULL ORDER BY a.assigned_at, a.matter_id"
                  " LIMIT ?");
static struct yz_sql_def q_judge_queue = YZ_SQL(
    QUEUE_COLUMNS " WHERE a.judge_id = ? AND a.ended_at IS NULL ORDER BY a.assigned_at, a.matter_id"
                  " LIMIT ?");
static struct yz_sql_def q_deadlines = YZ_SQL(
    "SELECT name, due_date FROM deadlines WHERE matter_id = ? AND stopped_at IS NULL"
    " ORDER BY due_date, name LIMIT 16");
static struct yz_sql_def q_is_member =
    YZ_SQL("SELECT count(*) FROM team_members WHERE team_id = ? AND user_id = ?");
static struct yz_sql_def q_team_open = YZ_SQL(
    "SELECT a.judge_id, m.kind, m.state, count(*) FROM assignments a"
    " JOIN matters m ON m.id = a.matter_id WHERE a.team_id = ? AND a.ended_at IS NULL"
    " GROUP BY a.judge_id, m.kind, m.state LIMIT 20000");
static struct yz_sql_def q_report = YZ_SQL(
    "SELECT a.judge_id, u.name, sum(a.method = 'draw'), sum(a.method = 'designation')"
    " FROM assignments a JOIN users u ON u.id = a.judge_id WHERE a.court_id = ?"
    " GROUP BY a.judge_id ORDER BY a.judge_id LIMIT 1000");
/* Draws of a case that already had a judge: redraws (each needs a reason). */
static struct yz_sql_def q_redraws = YZ_SQL(
    "SELECT count(*) FROM assignments a WHERE a.court_id = ? AND a.method = 'draw'"
    " AND EXISTS (SELECT 1 FROM assignments b WHERE b.matter_id = a.matter_id AND b.id < a.id)");
static struct yz_sql_def q_court_judges = YZ_SQL(
    "SELECT DISTINCT tm.user_id, u.name FROM team_members tm JOIN teams t ON t.id = tm.team_id"
    " JOIN users u ON u.id = tm.user_id WHERE t.court_id = ? AND tm.role = 'judge'"
    " ORDER BY tm.user_id LIMIT 1000");

static json_t *deadlines_of(struct yz_tx *tx, int64_t matter_id, const char *today,
                            bool *overdue)
{
    json_t *arr = json_array();
    struct yz_stmt *st = yz_sql(tx, &q_deadlines);
    yz_bind_i64(st, 1, matter_id);
    bool row;
    *overdue = false;
    while (yz_step(st, &row) == YZ_OK && row) {
        bool late = strcmp(yz_col_text(st, 1), today) < 0;
        *overdue = *overdue || late;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "name", yz_col_text(st, 0),
                                             "due_date", yz_col_text(st, 1), "overdue", late));
    }
    return arr;
}

/* The open cases a queue statement yields, each with its deadlines. */
static enum yz_err queue_items(struct yz_tx *tx, struct yz_app *app, struct yz_stmt *st,
                               json_t **out, bool *truncated)
{
    struct item {
        int64_t matter_id, judge_id, assigned_at, team_id;
        char title[256], kind[48], state[48], case_number[96], judge[128], method[16], team[192];
    };
    struct item *items = calloc(YZ_ASSIGN_QUEUE_MAX, sizeof *items);
    if (!items)
        return YZ_ERR_INTERNAL;
    size_t n = 0;
    bool row;
    enum yz_err e;
    *truncated = false;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        if (!yz_assign_is_open(app, yz_col_text(st, 2), yz_col_text(st, 3)))
            continue;
        if (n == YZ_ASSIGN_QUEUE_MAX) {
            *truncated = true;
            continue;
        }
        struct item *it = &items[n++];
        it->matter_id = yz_col_i64(st, 0);
        yz_strlcpy(it->title, yz_col_text(st, 1), sizeof it->title);
        yz_strlcpy(it->kind, yz_col_text(st, 2), sizeof it->kind);
        yz_strlcpy(it->state, yz_col_text(st, 3), sizeof it->state);
        yz_strlcpy(it->case_number, yz_col_text(st, 4), sizeof it->case_number);
        it->judge_id = yz_col_i64(st, 5);
        yz_strlcpy(it->judge, yz_col_text(st, 6), sizeof it->judge);
        yz_strlcpy(it->method, yz_col_text(st, 7), sizeof it->method);
        it->assigned_at = yz_col_i64(st, 8);
        it->team_id = yz_col_i64(st, 9);
        yz_strlcpy(it->team, yz_col_text(st, 10), sizeof it->team);
    }
    if (e != YZ_OK) {
        free(items);
        return e;
    }
    char today[16];
    yz_today_text(today, sizeof today);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        struct item *it = &items[i];
        const struct yz_workflow *wf = yz_workflow_find(app->workflows, it->kind);
        const struct yz_wf_state *s = wf ? yz_workflow_state(wf, it->state) : NULL;
        char at[40];
        yz_time_format_utc(it->assigned_at, at, sizeof at);
        bool overdue;
        json_t *dl = deadlines_of(tx, it->matter_id, today, &overdue);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:b}", "matter_id",
                              (json_int_t)it->matter_id, "title", it->title, "state", it->state,
                              "state_title", s ? s->title : it->state, "judge_id",
                              (json_int_t)it->judge_id, "judge_name", it->judge, "method",
                              it->method, "assigned_at", at, "deadlines", dl, "overdue", overdue);
        json_object_set_new(o, "case_number",
                            it->case_number[0] ? json_string(it->case_number) : json_null());
        const char *tk = yz_assign_team_kind_for(it->state);
        json_object_set_new(o, "track", tk ? json_string(tk) : json_null());
        json_object_set_new(o, "team_id", it->team_id ? json_integer(it->team_id) : json_null());
        json_object_set_new(o, "team_name", it->team_id ? json_string(it->team) : json_null());
        json_array_append_new(arr, o);
    }
    free(items);
    *out = arr;
    return YZ_OK;
}

enum yz_err yz_assign_member_workload(struct yz_tx *tx, struct yz_app *app,
                                      const struct yz_assign_team *t, json_t *members)
{
    struct yz_assign_loads *court = malloc(sizeof *court), *team = malloc(sizeof *team);
    enum yz_err e = court && team ? YZ_OK : YZ_ERR_INTERNAL;
    if (e == YZ_OK)
        e = yz_assign_court_loads(tx, app, t->court_id, 0, court);
    int64_t team_open = 0;
    if (e == YZ_OK) {
        team->n = 0;
        struct yz_stmt *st = yz_sql(tx, &q_team_open);
        yz_bind_i64(st, 1, t->id);
        bool row;
        while ((e = yz_step(st, &row)) == YZ_OK && row) {
            if (!yz_assign_is_open(app, yz_col_text(st, 1), yz_col_text(st, 2)))
                continue;
            int64_t judge = yz_col_i64(st, 0), k = yz_col_i64(st, 3);
            team_open += k;
            size_t i;
            for (i = 0; i < team->n && team->item[i].judge_id != judge; i++)
                ;
            if (i == team->n && team->n < YZ_ASSIGN_MAX_JUDGES) {
                team->item[i].judge_id = judge;
                team->item[i].open = 0;
                team->n++;
            }
            if (i < team->n)
                team->item[i].open += k;
        }
    }
    for (size_t i = 0; e == YZ_OK && i < json_array_size(members); i++) {
        json_t *m = json_array_get(members, i);
        int64_t uid = json_integer_value(json_object_get(m, "user_id"));
        const char *role = json_string_value(json_object_get(m, "role"));
        if (role && strcmp(role, "judge") == 0) {
            json_object_set_new(m, "open_cases", json_integer(yz_assign_load_of(court, uid)));
            json_object_set_new(m, "open_in_team", json_integer(yz_assign_load_of(team, uid)));
        } else {
            /* Assistants, clerks and mediators work on all of the team's cases. */
            json_object_set_new(m, "open_cases", json_integer(team_open));
        }
    }
    free(court);
    free(team);
    return e;
}

enum yz_err yz_team_queue(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          int64_t id, json_t **out)
{
    struct yz_assign_team t;
    enum yz_err e = yz_assign_load_team(tx, id, &t);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(tx, &q_is_member);
    yz_bind_i64(st, 1, id);
    yz_bind_i64(st, 2, who->user_id);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    bool member = row && yz_col_i64(st, 0) > 0;
    yz_exec(st);
    if (!yz_policy_team_queue(app, who, t.court_id, member))
        return YZ_ERR_FORBIDDEN;
    json_t *members = NULL, *items = NULL;
    if ((e = yz_assign_team_members(tx, id, &members)) != YZ_OK)
        return e;
    if ((e = yz_assign_member_workload(tx, app, &t, members)) != YZ_OK) {
        json_decref(members);
        return e;
    }
    st = yz_sql(tx, &q_team_queue);
    yz_bind_i64(st, 1, id);
    yz_bind_i64(st, 2, 20000);
    bool truncated;
    if ((e = queue_items(tx, app, st, &items, &truncated)) != YZ_OK) {
        json_decref(members);
        return e;
    }
    json_t *o = json_pack("{s:o, s:o, s:o, s:b}", "team", yz_assign_team_json(&t), "members",
                          members, "items", items, "truncated", truncated);
    json_object_set_new(o, "open_cases", json_integer((json_int_t)json_array_size(items)));
    *out = o;
    return YZ_OK;
}

enum yz_err yz_assign_my_queue(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, json_t **out)
{
    if (who->role != YZ_ROLE_JUDGE || who->user_id == 0)
        return YZ_ERR_FORBIDDEN;
    struct yz_stmt *st = yz_sql(tx, &q_judge_queue);
    yz_bind_i64(st, 1, who->user_id);
    yz_bind_i64(st, 2, 20000);
    json_t *items = NULL;
    bool truncated;
    enum yz_err e = queue_items(tx, app, st, &items, &truncated);
    if (e != YZ_OK)
        return e;
    *out = json_pack("{s:I, s:s, s:I, s:o, s:b}", "judge_id", (json_int_t)who->user_id,
                     "judge_name", who->name, "open_cases",
                     (json_int_t)json_array_size(items), "items", items, "truncated", truncated);
    return YZ_OK;
}

enum yz_err yz_assign_report(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             int64_t court_id, json_t **out)
{
    if (court_id == 0)
        court_id = who->court_id;
    if (!yz_courts_find(&app->courts, court_id) || !yz_policy_assignment_read(app, who, court_id))
        return YZ_ERR_FORBIDDEN;
    struct yz_assign_loads *loads = malloc(sizeof *loads);
    if (!loads)
        return YZ_ERR_INTERNAL;
    enum yz_err e = yz_assign_court_loads(tx, app, court_id, 0, loads);
    json_t *judges = json_array();
    int64_t draws = 0, designations = 0;
    struct yz_stmt *st = yz_sql(tx, &q_report);
    yz_bind_i64(st, 1, court_id);
    bool row;
    while (e == YZ_OK && (e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t j = yz_col_i64(st, 0), dr = yz_col_i64(st, 2), de = yz_col_i64(st, 3);
        draws += dr;
        designations += de;
        json_array_append_new(judges, json_pack("{s:I, s:s, s:I, s:I, s:I}", "judge_id",
                                                (json_int_t)j, "judge_name", yz_col_text(st, 1),
                                                "draws", (json_int_t)dr, "designations",
                                                (json_int_t)de, "open_cases",
                                                (json_int_t)yz_assign_load_of(loads, j)));
    }
    /* Team judges without any case yet belong in the picture too. */
    st = yz_sql(tx, &q_court_judges);
    yz_bind_i64(st, 1, court_id);
    while (e == YZ_OK && (e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t j = yz_col_i64(st, 0);
        bool seen = false;
        for (size_t i = 0; i < json_array_size(judges) && !seen; i++)
            seen = json_integer_value(json_object_get(json_array_get(judges, i), "judge_id")) == j;
        if (!seen)
            json_array_append_new(judges, json_pack("{s:I, s:s, s:i, s:i, s:i}", "judge_id",
                                                    (json_int_t)j, "judge_name",
                                                    yz_col_text(st, 1), "draws", 0,
                                                    "designations", 0, "open_cases", 0));
    }
    free(loads);
    int64_t redraws = 0;
    if (e == YZ_OK) {
        st = yz_sql(tx, &q_redraws);
        yz_bind_i64(st, 1, court_id);
        if ((e = yz_step(st, &row)) == YZ_OK && row)
            redraws = yz_col_i64(st, 0);
        if (e == YZ_OK)
            e = yz_exec(st);
    }
    if (e != YZ_OK) {
        json_decref(judges);
        return e;
    }
    int64_t total = draws + designations;
    json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:o}", "court_id", (json_int_t)court_id, "draws",
                          (json_int_t)draws, "designations", (json_int_t)designations, "total",
                          (json_int_t)total, "judges", judges);
    json_object_set_new(o, "redraws", json_integer(redraws));
    json_object_set_new(o, "designation_share_pct",
                        total ? json_integer((designations * 100 + total / 2) / total)
                              : json_null());
    *out = o;
    return YZ_OK;
}

/* Cases of the court on a trial track that no judge holds: registered, triaged
 * to small claims, simplified or ordinary procedure (the states of
 * yz_assign_team_kind_for), and without a current assignment — never assigned,
 * or whose judge was recused. First registered first. */
static struct yz_sql_def q_pending = YZ_SQL(
    "SELECT m.id, m.title, m.state, c.case_number, c.registered_at FROM matters m"
    " JOIN cases c ON c.matter_id = m.id"
    " WHERE m.court_id = ? AND m.kind = 'filing' AND m.state IN (?, ?, ?)"
    " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.matter_id = m.id AND a.ended_at IS NULL)"
    " ORDER BY c.registered_at, m.id LIMIT ?");

enum yz_err yz_assign_pending(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              json_t **out)
{
    if (!yz_policy_assignment_pending(app, who, who->court_id))
        return YZ_ERR_FORBIDDEN;
    static const char *const track_states[] = {"small_claims", "simplified", "ordinary"};
    struct yz_stmt *st = yz_sql(tx, &q_pending);
    yz_bind_i64(st, 1, who->court_id);
    for (int i = 0; i < 3; i++)
        yz_bind_text(st, 2 + i, track_states[i]);
    yz_bind_i64(st, 5, YZ_ASSIGN_QUEUE_MAX + 1);
    struct item {
        int64_t id, registered_at;
        char title[256], state[48], case_number[96];
    };
    struct item *items = calloc(YZ_ASSIGN_QUEUE_MAX, sizeof *items);
    if (!items)
        return YZ_ERR_INTERNAL;
    size_t n = 0;
    bool row, truncated = false;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        if (n == YZ_ASSIGN_QUEUE_MAX) {
            truncated = true;
            continue;
        }
        struct item *it = &items[n++];
        it->id = yz_col_i64(st, 0);
        yz_strlcpy(it->title, yz_col_text(st, 1), sizeof it->title);
        yz_strlcpy(it->state, yz_col_text(st, 2), sizeof it->state);
        yz_strlcpy(it->case_number, yz_col_text(st, 3), sizeof it->case_number);
        it->registered_at = yz_col_i64(st, 4);
    }
    if (e != YZ_OK) {
        free(items);
        return e;
    }
    char today[16];
    yz_today_text(today, sizeof today);
    const struct yz_workflow *wf = yz_workflow_find(app->workflows, "filing");
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        struct item *it = &items[i];
        const struct yz_wf_state *s = wf ? yz_workflow_state(wf, it->state) : NULL;
        char at[40];
        yz_time_format_utc(it->registered_at, at, sizeof at);
        bool overdue;
        json_t *dl = deadlines_of(tx, it->id, today, &overdue);
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b}", "matter_id",
                           (json_int_t)it->id, "title", it->title, "state", it->state,
                           "state_title", s ? s->title : it->state, "track",
                           yz_assign_team_kind_for(it->state), "case_number", it->case_number,
                           "registered_at", at, "deadlines", dl, "overdue", overdue));
    }
    free(items);
    *out = json_pack("{s:I, s:o, s:b}", "court_id", (json_int_t)who->court_id, "items", arr,
                     "truncated", truncated);
    return YZ_OK;
}

enum yz_err yz_assign_judge_open_cases(struct yz_tx *tx, struct yz_app *app, int64_t court_id,
                                       int64_t judge_id, int64_t *n)
{
    *n = 0;
    struct yz_assign_loads *loads = malloc(sizeof *loads);
    if (!loads)
        return YZ_ERR_INTERNAL;
    enum yz_err e = yz_assign_court_loads(tx, app, court_id, 0, loads);
    if (e == YZ_OK)
        *n = yz_assign_load_of(loads, judge_id);
    free(loads);
    return e;
}
