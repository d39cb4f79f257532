/*
 * Re-running recorded draws from the history alone (assignment.h,
 * yz_assign_verify) and a case's assignment as court staff see it. Only
 * events are read for the verification: the tables could have been edited,
 * the hash-chained history cannot be without `yizhan audit verify` noticing.
 */
#include "assignment/assignment.h"
#include "assignment/draw.h"
#include "assignment/internal.h"
#include "app/app.h"
#include "matters/matters.h"
#include "audit/events.h"
#include "core/clock.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMMITS 256
#define MAX_RECUSED 256
#define MAX_MISMATCHES 100
#define STREAM_BYTES (YZ_EVENT_STREAM_MAX + 1)

static struct yz_sql_def q_streams = YZ_SQL(
    "SELECT DISTINCT stream FROM events WHERE type IN ('assignment.drawn',"
    " 'assignment.designated') AND stream > ? ORDER BY stream LIMIT 200");
static struct yz_sql_def q_events = YZ_SQL(
    "SELECT id, stream_seq, type, payload, at FROM events WHERE stream = ? AND stream_seq > ?"
    " AND type IN ('assignment.seed_committed', 'assignment.drawn', 'assignment.designated',"
    " 'assignment.recusal_recorded') ORDER BY stream_seq LIMIT 200");
static struct yz_sql_def q_matter =
    YZ_SQL("SELECT kind, state, court_id FROM matters WHERE id = ?");
static struct yz_sql_def q_current = YZ_SQL(
    "SELECT a.judge_id, u.name, coalesce(a.team_id, 0), coalesce(t.name, ''), a.method,"
    " a.assigned_at, a.event_id FROM assignments a JOIN users u ON u.id = a.judge_id"
    " LEFT JOIN teams t ON t.id = a.team_id WHERE a.matter_id = ? AND a.ended_at IS NULL");
static struct yz_sql_def q_recusals = YZ_SQL(
    "SELECT r.id, r.judge_id, u.name, r.kind, r.reason, r.created_at FROM recusals r"
    " JOIN users u ON u.id = r.judge_id WHERE r.matter_id = ? ORDER BY r.id LIMIT 200");

struct check {
    struct {
        int64_t event_id;
        char hash[YZ_DRAW_HASH_HEX];
        bool used;
    } commits[MAX_COMMITS];
    size_t ncommits;
    int64_t recused[MAX_RECUSED];
    size_t nrecused;
    int64_t matters, draws, designations, problems;
    json_t *mismatches; /* {matter_id, event_id, problem}, at most MAX_MISMATCHES */
    json_t *entries;    /* one matter's draws and designations, or NULL */
};

static void mismatch(struct check *c, int64_t matter_id, int64_t event_id, const char *problem)
{
    c->problems++;
    if (json_array_size(c->mismatches) < MAX_MISMATCHES)
        json_array_append_new(c->mismatches, json_pack("{s:I, s:I, s:s}", "matter_id",
                                                       (json_int_t)matter_id, "event_id",
                                                       (json_int_t)event_id, "problem", problem));
}

static bool is_recused(const struct check *c, int64_t judge_id)
{
    for (size_t i = 0; i < c->nrecused; i++)
        if (c->recused[i] == judge_id)
            return true;
    return false;
}

/* A draw: its commitment, the re-run, and no recused judge in it. */
static const char *check_draw(struct check *c, const json_t *p)
{
    int64_t commit = json_integer_value(json_object_get(p, "commit_event_id"));
    size_t i;
    for (i = 0; i < c->ncommits && c->commits[i].event_id != commit; i++)
        ;
    if (i == c->ncommits)
        return "no earlier seed commitment of this case";
    if (c->commits[i].used)
        return "the seed commitment was used twice";
    c->commits[i].used = true;
    static _Thread_local char problem[128];
    if (!yz_draw_check(p, c->commits[i].hash, problem, sizeof problem))
        return problem;
    const json_t *cands = json_object_get(p, "candidates");
    for (size_t k = 0; k < json_array_size(cands); k++)
        if (is_recused(c, json_integer_value(json_object_get(json_array_get(cands, k), "judge_id"))))
            return "a judge recused earlier was a candidate";
    return NULL;
}

static void check_event(struct check *c, int64_t matter_id, int64_t event_id, const char *type,
                        const json_t *p, int64_t at)
{
    if (strcmp(type, "assignment.seed_committed") == 0) {
        const char *h = json_string_value(json_object_get(p, "seed_hash"));
        if (c->ncommits == MAX_COMMITS || !h || strlen(h) != YZ_DRAW_HASH_HEX - 1) {
            mismatch(c, matter_id, event_id, "malformed or too many seed commitments");
            return;
        }
        c->commits[c->ncommits].event_id = event_id;
        yz_strlcpy(c->commits[c->ncommits].hash, h, YZ_DRAW_HASH_HEX);
        c->commits[c->ncommits++].used = false;
        return;
    }
    if (strcmp(type, "assignment.recusal_recorded") == 0) {
        if (c->nrecused < MAX_RECUSED)
            c->recused[c->nrecused++] = json_integer_value(json_object_get(p, "judge_id"));
        return;
    }
    const json_t *result = json_object_get(p, "result");
    bool draw = strcmp(type, "assignment.drawn") == 0;
    const char *problem = NULL;
    int64_t judge = json_integer_value(json_object_get(draw ? result : p, "judge_id"));
    if (draw) {
        c->draws++;
        problem = check_draw(c, p);
    } else {
        c->designations++;
        const char *reason = json_string_value(json_object_get(p, "reason"));
        if (!reason || !*reason)
            problem = "a designation without its reason";
    }
    if (!problem && is_recused(c, judge))
        problem = draw ? "the drawn judge was recused earlier" : "the designated judge was recused earlier";
    if (problem)
        mismatch(c, matter_id, event_id, problem);
    if (!c->entries)
        return;
    char when[40];
    yz_time_format_utc(at, when, sizeof when);
    const json_t *src = draw ? result : p;
    json_t *e = json_pack("{s:I, s:s, s:s, s:I, s:b}", "event_id", (json_int_t)event_id, "method",
                          draw ? "draw" : "designation", "at", when, "judge_id", (json_int_t)judge,
                          "verified", problem == NULL);
    json_object_set(e, "judge_name", json_object_get(src, "judge_name"));
    json_object_set(e, "team_id", json_object_get(src, "team_id"));
    if (draw) {
        json_object_set(e, "candidates", json_object_get(p, "candidates"));
        json_object_set(e, "exclusions", json_object_get(p, "exclusions"));
        json_object_set(e, "seed", json_object_get(p, "seed"));
        json_object_set(e, "commit_event_id", json_object_get(p, "commit_event_id"));
    } else {
        json_object_set(e, "reason", json_object_get(p, "reason"));
    }
    if (problem)
        json_object_set_new(e, "problem", json_string(problem));
    json_array_append_new(c->entries, e);
}

static enum yz_err check_stream(struct yz_tx *tx, struct check *c, const char *stream)
{
    int64_t matter_id = 0;
    if (sscanf(stream, "matter/%lld", (long long *)&matter_id) != 1)
        return YZ_OK; /* assignment events live on matters only */
    c->ncommits = c->nrecused = 0;
    c->matters++;
    int64_t after = 0;
    for (;;) {
        struct yz_stmt *st = yz_sql(tx, &q_events);
        yz_bind_text(st, 1, stream);
        yz_bind_i64(st, 2, after);
        bool row;
        enum yz_err e;
        int rows = 0;
        while ((e = yz_step(st, &row)) == YZ_OK && row) {
            rows++;
            int64_t id = yz_col_i64(st, 0);
            after = yz_col_i64(st, 1);
            json_t *p = json_loads(yz_col_text(st, 3), 0, NULL);
            if (!p)
                mismatch(c, matter_id, id, "payload is not JSON");
            else
                check_event(c, matter_id, id, yz_col_text(st, 2), p, yz_col_i64(st, 4));
            json_decref(p);
        }
        if (e != YZ_OK)
            return e;
        if (rows < 200)
            return YZ_OK;
    }
}

static json_t *summary(struct check *c)
{
    return json_pack("{s:I, s:I, s:I, s:b, s:I, s:O}", "matters", (json_int_t)c->matters, "draws",
                     (json_int_t)c->draws, "designations", (json_int_t)c->designations, "ok",
                     c->problems == 0, "problems", (json_int_t)c->problems, "mismatches",
                     c->mismatches);
}

enum yz_err yz_assign_verify(struct yz_tx *tx, int64_t matter_id, json_t **out)
{
    struct check *c = calloc(1, sizeof *c);
    if (!c)
        return YZ_ERR_INTERNAL;
    c->mismatches = json_array();
    enum yz_err e = YZ_OK;
    char stream[STREAM_BYTES];
    if (matter_id) {
        yz_matter_stream(matter_id, stream, sizeof stream);
        e = check_stream(tx, c, stream);
    } else {
        char after[STREAM_BYTES] = "";
        char (*page)[STREAM_BYTES] = malloc(200 * sizeof *page);
        size_t n = 0;
        if (!page)
            e = YZ_ERR_INTERNAL;
        while (e == YZ_OK) {
            n = 0;
            struct yz_stmt *st = yz_sql(tx, &q_streams);
            yz_bind_text(st, 1, after);
            bool row;
            while ((e = yz_step(st, &row)) == YZ_OK && row && n < 200)
                yz_strlcpy(page[n++], yz_col_text(st, 0), sizeof page[0]);
            for (size_t i = 0; e == YZ_OK && i < n; i++)
                e = check_stream(tx, c, page[i]);
            if (n < 200)
                break;
            yz_strlcpy(after, page[n - 1], sizeof after);
        }
        free(page);
    }
    if (e == YZ_OK)
        *out = summary(c);
    json_decref(c->mismatches);
    free(c);
    return e;
}

enum yz_err yz_assign_matter(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             int64_t matter_id, json_t **out)
{
    struct yz_stmt *st = yz_sql(tx, &q_matter);
    yz_bind_i64(st, 1, matter_id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    char kind[48], state[48];
    yz_strlcpy(kind, yz_col_text(st, 0), sizeof kind);
    yz_strlcpy(state, yz_col_text(st, 1), sizeof state);
    int64_t court_id = yz_col_i64(st, 2);
    yz_exec(st);
    if (!yz_role_is_staff(who->role) || !yz_policy_court_visible(app, who, court_id))
        return YZ_ERR_FORBIDDEN;
    json_t *o = json_pack("{s:I, s:s, s:s}", "matter_id", (json_int_t)matter_id, "kind", kind,
                          "state", state);
    const char *tk = yz_assign_team_kind_for(state);
    json_object_set_new(o, "team_kind", tk ? json_string(tk) : json_null());
    st = yz_sql(tx, &q_current);
    yz_bind_i64(st, 1, matter_id);
    bool row;
    if ((e = yz_step(st, &row)) == YZ_OK) {
        json_t *cur = json_null();
        if (row) {
            char at[40];
            yz_time_format_utc(yz_col_i64(st, 5), at, sizeof at);
            cur = json_pack("{s:I, s:s, s:s, s:s, s:I}", "judge_id", (json_int_t)yz_col_i64(st, 0),
                            "judge_name", yz_col_text(st, 1), "method", yz_col_text(st, 4),
                            "assigned_at", at, "event_id", (json_int_t)yz_col_i64(st, 6));
            int64_t team = yz_col_i64(st, 2);
            json_object_set_new(cur, "team_id", team ? json_integer(team) : json_null());
            json_object_set_new(cur, "team_name",
                                team ? json_string(yz_col_text(st, 3)) : json_null());
            yz_exec(st);
        }
        json_object_set_new(o, "current", cur);
    }
    json_t *recusals = json_array();
    json_object_set_new(o, "recusals", recusals);
    st = yz_sql(tx, &q_recusals);
    yz_bind_i64(st, 1, matter_id);
    while (e == YZ_OK && (e = yz_step(st, &row)) == YZ_OK && row) {
        char at[40];
        yz_time_format_utc(yz_col_i64(st, 5), at, sizeof at);
        json_array_append_new(
            recusals, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "id",
                                (json_int_t)yz_col_i64(st, 0), "judge_id",
                                (json_int_t)yz_col_i64(st, 1), "judge_name", yz_col_text(st, 2),
                                "kind", yz_col_text(st, 3), "kind_title",
                                yz_assign_recusal_kind_title(yz_col_text(st, 3)), "reason",
                                yz_col_text(st, 4), "recorded_at", at));
    }
    struct check *c = e == YZ_OK ? calloc(1, sizeof *c) : NULL;
    if (e == YZ_OK && !c)
        e = YZ_ERR_INTERNAL;
    if (c) {
        c->mismatches = json_array();
        c->entries = json_array();
        char stream[STREAM_BYTES];
        yz_matter_stream(matter_id, stream, sizeof stream);
        if ((e = check_stream(tx, c, stream)) == YZ_OK) {
            json_object_set(o, "history", c->entries);
            json_t *v = summary(c);
            json_object_del(v, "matters");
            json_object_set_new(o, "verification", v);
        }
        json_decref(c->entries);
        json_decref(c->mismatches);
        free(c);
    }
    if (e != YZ_OK) {
        json_decref(o);
        return e;
    }
    *out = o;
    return YZ_OK;
}
