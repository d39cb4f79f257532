/*
 * The assignment of a case: the draw and designation effects, the seed
 * committed before each draw, recusals, and the loads a draw weighs
 * (assignment.h). Everything runs inside the event's transaction.
 */
#include "accounts/account_row.h"
#include "assignment/assignment.h"
#include "assignment/draw.h"
#include "assignment/internal.h"
#include "app/app.h"
#include "matters/matters.h"
#include "core/clock.h"
#include "crypto/pii.h"
#include "policy/policy.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_sql_def q_matter =
    YZ_SQL("SELECT kind, state, court_id FROM matters WHERE id = ?");
static struct yz_sql_def q_loads = YZ_SQL(
    "SELECT a.judge_id, m.kind, m.state, count(*) FROM assignments a"
    " JOIN matters m ON m.id = a.matter_id WHERE a.court_id = ? AND a.ended_at IS NULL"
    " AND a.matter_id <> ? GROUP BY a.judge_id, m.kind, m.state ORDER BY a.judge_id LIMIT 20000");
static struct yz_sql_def q_candidates = YZ_SQL(
    "SELECT t.id, t.name, u.id, u.name, u.role, u.status, coalesce(u.court_id, 0)"
    " FROM teams t JOIN team_members tm ON tm.team_id = t.id JOIN users u ON u.id = tm.user_id"
    " WHERE t.court_id = ? AND t.kind = ? AND t.active = 1 AND tm.role = 'judge'"
    " ORDER BY u.id, t.id LIMIT ?");
static struct yz_sql_def q_recusals =
    YZ_SQL("SELECT judge_id, kind, reason FROM recusals WHERE matter_id = ? ORDER BY judge_id"
           " LIMIT 1000");
static struct yz_sql_def q_recused =
    YZ_SQL("SELECT kind FROM recusals WHERE matter_id = ? AND judge_id = ?");
static struct yz_sql_def q_judge_team = YZ_SQL(
    "SELECT t.id, t.name FROM teams t JOIN team_members tm ON tm.team_id = t.id"
    " WHERE t.court_id = ? AND t.kind = ? AND t.active = 1 AND tm.user_id = ?"
    " AND tm.role = 'judge' ORDER BY t.id LIMIT 1");
static struct yz_sql_def q_current = YZ_SQL(
    "SELECT a.judge_id, coalesce(t.kind, '') FROM assignments a LEFT JOIN teams t"
    " ON t.id = a.team_id WHERE a.matter_id = ? AND a.ended_at IS NULL");
static struct yz_sql_def q_end =
    YZ_SQL("UPDATE assignments SET ended_at = ? WHERE matter_id = ? AND ended_at IS NULL");
static struct yz_sql_def q_end_judge = YZ_SQL(
    "UPDATE assignments SET ended_at = ? WHERE matter_id = ? AND judge_id = ? AND ended_at IS NULL");
static struct yz_sql_def q_assign = YZ_SQL(
    "INSERT INTO assignments(matter_id, court_id, team_id, judge_id, method, event_id,"
    " assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
static struct yz_sql_def q_seed_get =
    YZ_SQL("SELECT seed_enc, seed_hash, commit_event_id FROM draw_seeds WHERE matter_id = ?");
static struct yz_sql_def q_seed_put = YZ_SQL(
    "INSERT INTO draw_seeds(matter_id, seed_enc, seed_hash, commit_event_id) VALUES (?, ?, ?, ?)");
static struct yz_sql_def q_seed_del = YZ_SQL("DELETE FROM draw_seeds WHERE matter_id = ?");
static struct yz_sql_def q_recusal_insert = YZ_SQL(
    "INSERT INTO recusals(matter_id, judge_id, kind, reason, recorded_by, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_drop_assignment = YZ_SQL(
    "UPDATE matters SET data = json_remove(data, '$.assignment'), version = version + 1,"
    " updated_at = ? WHERE id = ?");

/* ---- tracks and loads ------------------------------------------------------------ */

/* RULE: assignment-track — small-claims and simplified cases go to fast-track
 * teams, ordinary ones (also after 简转繁) to ordinary teams. A case awaiting
 * triage (registered) or in pre-trial mediation has no trial track yet. */
static const struct {
    const char *state, *team_kind;
} tracks[] = {
    {"small_claims", "fast_track"},
    {"simplified", "fast_track"},
    {"ordinary", "ordinary"},
};

const char *yz_assign_team_kind_for(const char *state)
{
    for (size_t i = 0; state && i < sizeof tracks / sizeof tracks[0]; i++)
        if (strcmp(tracks[i].state, state) == 0)
            return tracks[i].team_kind;
    return NULL;
}

bool yz_assign_is_open(struct yz_app *app, const char *kind, const char *state)
{
    return !yz_workflows_is_final(app->workflows, kind, state);
}

enum yz_err yz_assign_court_loads(struct yz_tx *tx, struct yz_app *app, int64_t court_id,
                                  int64_t exclude_matter, struct yz_assign_loads *out)
{
    out->n = 0;
    struct yz_stmt *st = yz_sql(tx, &q_loads);
    yz_bind_i64(st, 1, court_id);
    yz_bind_i64(st, 2, exclude_matter);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t judge = yz_col_i64(st, 0);
        if (!yz_assign_is_open(app, yz_col_text(st, 1), yz_col_text(st, 2)))
            continue;
        if (out->n == 0 || out->item[out->n - 1].judge_id != judge) {
            if (out->n == YZ_ASSIGN_MAX_JUDGES)
                continue;
            out->item[out->n].judge_id = judge;
            out->item[out->n].open = 0;
            out->n++;
        }
        out->item[out->n - 1].open += yz_col_i64(st, 3);
    }
    return e;
}

int64_t yz_assign_load_of(const struct yz_assign_loads *l, int64_t judge_id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->item[i].judge_id == judge_id)
            return l->item[i].open;
    return 0;
}

struct matter_row {
    char kind[48], state[48];
    int64_t court_id;
};

static enum yz_err load_matter(struct yz_tx *tx, int64_t id, struct matter_row *m)
{
    struct yz_stmt *st = yz_sql(tx, &q_matter);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    yz_strlcpy(m->kind, yz_col_text(st, 0), sizeof m->kind);
    yz_strlcpy(m->state, yz_col_text(st, 1), sizeof m->state);
    m->court_id = yz_col_i64(st, 2);
    return yz_exec(st);
}

/* ---- the seed --------------------------------------------------------------------- */

static void seed_context(int64_t matter_id, char *out, size_t size)
{
    snprintf(out, size, "draw_seeds.seed:%lld", (long long)matter_id);
}

/* Commits a fresh seed for the matter's next draw: its hash in an event, the
 * seed sealed in draw_seeds until the draw reveals it. */
static enum yz_err commit_seed(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, const char *channel,
                               int64_t matter_id)
{
    unsigned char seed[YZ_DRAW_SEED_BYTES];
    char hex[2 * YZ_DRAW_SEED_BYTES + 1], hash[YZ_DRAW_HASH_HEX], stream[48], ctx[64];
    randombytes_buf(seed, sizeof seed);
    sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
    sodium_memzero(seed, sizeof seed);
    yz_draw_seed_hash_hex(hex, hash);
    yz_matter_stream(matter_id, stream, sizeof stream);
    json_t *p = json_pack("{s:s, s:s}", "algorithm", YZ_DRAW_ALGORITHM, "seed_hash", hash);
    int64_t event_id = 0;
    enum yz_err e = yz_app_record(tx, app, stream, "assignment.seed_committed", who->user_id, 0,
                                  channel, p, &event_id);
    json_decref(p);
    char *sealed = NULL;
    seed_context(matter_id, ctx, sizeof ctx);
    if (e == YZ_OK)
        e = yz_pii_seal(app->keys, hex, strlen(hex), ctx, &sealed);
    sodium_memzero(hex, sizeof hex);
    if (e != YZ_OK)
        return e == YZ_ERR_BAD_REQUEST ? YZ_ERR_INTERNAL : e;
    struct yz_stmt *st = yz_sql(tx, &q_seed_put);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_text(st, 2, sealed);
    yz_bind_text(st, 3, hash);
    yz_bind_i64(st, 4, event_id);
    free(sealed);
    return yz_exec(st);
}

enum yz_err yz_assign_commit_seed_effect(struct yz_effect_ctx *c)
{
    struct yz_stmt *st = yz_sql(c->tx, &q_seed_get);
    yz_bind_i64(st, 1, c->matter_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    yz_exec(st);
    return row ? YZ_OK : commit_seed(c->tx, c->app, c->who, c->channel, c->matter_id);
}

/* The committed seed for this draw (committing one now when none is pending),
 * removed from draw_seeds: a seed serves one draw only. */
static enum yz_err take_seed(struct yz_effect_ctx *c, unsigned char seed[YZ_DRAW_SEED_BYTES],
                             char hash[YZ_DRAW_HASH_HEX], int64_t *commit_event_id)
{
    enum yz_err e = yz_assign_commit_seed_effect(c);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(c->tx, &q_seed_get);
    yz_bind_i64(st, 1, c->matter_id);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    char ctx[64], *plain = NULL;
    seed_context(c->matter_id, ctx, sizeof ctx);
    e = yz_pii_open(c->app->keys, yz_col_text(st, 0), ctx, &plain);
    yz_strlcpy(hash, yz_col_text(st, 1), YZ_DRAW_HASH_HEX);
    *commit_event_id = yz_col_i64(st, 2);
    yz_exec(st);
    if (e != YZ_OK)
        return YZ_ERR_INTERNAL; /* a seed that does not open: damaged or foreign */
    size_t len = 0;
    int bad = sodium_hex2bin(seed, YZ_DRAW_SEED_BYTES, plain, strlen(plain), NULL, &len, NULL);
    char check[YZ_DRAW_HASH_HEX] = "";
    if (bad == 0)
        yz_draw_seed_hash_hex(plain, check);
    yz_pii_free(plain);
    if (bad != 0 || len != YZ_DRAW_SEED_BYTES || strcmp(check, hash) != 0)
        return YZ_ERR_INTERNAL;
    st = yz_sql(c->tx, &q_seed_del);
    yz_bind_i64(st, 1, c->matter_id);
    return yz_exec(st);
}

/* ---- recording an assignment ------------------------------------------------------- */

struct pick {
    int64_t team_id, judge_id, load;
    char team_name[192], judge_name[128];
};

static enum yz_err assign(struct yz_effect_ctx *c, const struct pick *p, const char *method,
                          int64_t event_id)
{
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(c->tx, &q_end);
    yz_bind_i64(st, 1, now);
    yz_bind_i64(st, 2, c->matter_id);
    enum yz_err e = yz_exec(st);
    if (e != YZ_OK)
        return e;
    st = yz_sql(c->tx, &q_assign);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, c->court_id);
    if (p->team_id)
        yz_bind_i64(st, 3, p->team_id);
    else
        yz_bind_null(st, 3);
    yz_bind_i64(st, 4, p->judge_id);
    yz_bind_text(st, 5, method);
    yz_bind_i64(st, 6, event_id);
    yz_bind_i64(st, 7, now);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    char at[40];
    yz_time_format_utc(now, at, sizeof at);
    json_t *a = json_pack("{s:s, s:I, s:s, s:s, s:I}", "method", method, "judge_id",
                          (json_int_t)p->judge_id, "judge_name", p->judge_name, "assigned_at", at,
                          "event_id", (json_int_t)event_id);
    json_object_set_new(a, "team_id", p->team_id ? json_integer(p->team_id) : json_null());
    json_object_set_new(a, "team_name", p->team_id ? json_string(p->team_name) : json_null());
    json_object_set_new(c->data, "assignment", a);
    json_t *n = json_pack("{s:s, s:s, s:s, s:I, s:s}", "kind", c->kind, "event", c->event, "title",
                          c->event_title, "matter_id", (json_int_t)c->matter_id, "method", method);
    e = yz_notify(c->tx, c->matter_id, p->judge_id, 0, "matter_assigned", n);
    json_decref(n);
    return e;
}

static bool recused(struct yz_tx *tx, int64_t matter_id, int64_t judge_id, enum yz_err *e)
{
    struct yz_stmt *st = yz_sql(tx, &q_recused);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_i64(st, 2, judge_id);
    bool row = false;
    *e = yz_step(st, &row);
    if (*e == YZ_OK)
        *e = yz_exec(st);
    return row;
}

/* ---- the draw ------------------------------------------------------------------------ */

struct recusal_row {
    int64_t judge_id;
    char kind[32], reason[YZ_ASSIGN_REASON_MAX * 4 + 1];
};

static const char *recusal_kind_title(const char *kind)
{
    if (strcmp(kind, "self_declared") == 0)
        return "自行回避";
    if (strcmp(kind, "party_application") == 0)
        return "当事人申请回避";
    if (strcmp(kind, "relationship") == 0)
        return "存在利害关系";
    return kind;
}

struct draw_state {
    struct yz_draw_candidate cand[YZ_DRAW_MAX_CANDIDATES];
    struct pick info[YZ_DRAW_MAX_CANDIDATES]; /* names, by (judge, team) */
    size_t n;
    struct recusal_row rec[64];
    size_t nrec;
    struct yz_assign_loads loads;
};

static const struct recusal_row *find_recusal(const struct draw_state *d, int64_t judge_id)
{
    for (size_t i = 0; i < d->nrec; i++)
        if (d->rec[i].judge_id == judge_id)
            return &d->rec[i];
    return NULL;
}

static const struct pick *find_info(const struct draw_state *d, int64_t judge_id, int64_t team_id)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->info[i].judge_id == judge_id && d->info[i].team_id == team_id)
            return &d->info[i];
    return NULL;
}

static enum yz_err load_recusals(struct yz_tx *tx, int64_t matter_id, struct draw_state *d)
{
    struct yz_stmt *st = yz_sql(tx, &q_recusals);
    yz_bind_i64(st, 1, matter_id);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        if (d->nrec == sizeof d->rec / sizeof d->rec[0])
            return YZ_ERR_INTERNAL; /* more recusals than a case can have judges */
        struct recusal_row *r = &d->rec[d->nrec++];
        r->judge_id = yz_col_i64(st, 0);
        yz_strlcpy(r->kind, yz_col_text(st, 1), sizeof r->kind);
        yz_strlcpy(r->reason, yz_col_text(st, 2), sizeof r->reason);
    }
    return e;
}

/* Every judge of an eligible team: a candidate, or an exclusion with its reason. */
static enum yz_err gather(struct yz_effect_ctx *c, const char *team_kind, struct draw_state *d,
                          json_t *exclusions)
{
    struct yz_stmt *st = yz_sql(c->tx, &q_candidates);
    yz_bind_i64(st, 1, c->court_id);
    yz_bind_text(st, 2, team_kind);
    yz_bind_i64(st, 3, YZ_DRAW_MAX_CANDIDATES + 1);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t team = yz_col_i64(st, 0), judge = yz_col_i64(st, 2);
        const char *team_name = yz_col_text(st, 1), *judge_name = yz_col_text(st, 3);
        const struct recusal_row *r = find_recusal(d, judge);
        const char *code = NULL;
        char reason[4096]; /* a reason (<= 2000 bytes), a value and names: never truncated */
        if (r) {
            code = "recused";
            snprintf(reason, sizeof reason, "%s：%s", recusal_kind_title(r->kind), r->reason);
        } else if (strcmp(yz_col_text(st, 4), "judge") != 0 || yz_col_i64(st, 6) != c->court_id ||
                   strcmp(yz_col_text(st, 5), "active") != 0) {
            code = "unavailable";
            snprintf(reason, sizeof reason, "账号已停用或已不是本院法官");
        } else {
            e = yz_assign_conflict_of(c->tx, judge, json_object_get(c->data, "application"),
                                      reason, sizeof reason);
            if (e != YZ_OK)
                return e;
            if (reason[0])
                code = "conflict";
        }
        if (code) {
            json_array_append_new(
                exclusions, json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "team_id",
                                      (json_int_t)team, "team_name", team_name, "judge_id",
                                      (json_int_t)judge, "judge_name", judge_name, "code", code,
                                      "reason", reason));
            continue;
        }
        if (d->n == YZ_DRAW_MAX_CANDIDATES) {
            yz_field_errors_add(c->fe, "event", "too_many_candidates",
                                "参与随机分案的法官超过 %d 人，请调整团队设置",
                                YZ_DRAW_MAX_CANDIDATES);
            return YZ_ERR_VALIDATION;
        }
        struct pick *p = &d->info[d->n];
        p->team_id = team;
        p->judge_id = judge;
        p->load = yz_assign_load_of(&d->loads, judge);
        yz_strlcpy(p->team_name, team_name, sizeof p->team_name);
        yz_strlcpy(p->judge_name, judge_name, sizeof p->judge_name);
        d->cand[d->n] = (struct yz_draw_candidate){team, judge, p->load, 0};
        d->n++;
    }
    return e;
}

/* The judge currently holding the matter (0 when none) and the kind of the
 * team it was assigned through ("" when none). */
static enum yz_err current_judge(struct yz_tx *tx, int64_t matter_id, int64_t *judge,
                                 char team_kind[16])
{
    struct yz_stmt *st = yz_sql(tx, &q_current);
    yz_bind_i64(st, 1, matter_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *judge = e == YZ_OK && row ? yz_col_i64(st, 0) : 0;
    yz_strlcpy(team_kind, e == YZ_OK && row ? yz_col_text(st, 1) : "", 16);
    if (e == YZ_OK)
        e = yz_exec(st);
    return e;
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

enum yz_err yz_assign_draw_effect(struct yz_effect_ctx *c)
{
    struct matter_row m;
    enum yz_err e = load_matter(c->tx, c->matter_id, &m);
    if (e != YZ_OK)
        return e;
    const char *team_kind = yz_assign_team_kind_for(m.state);
    if (!team_kind) {
        yz_field_errors_add(c->fe, "event", "no_track", "本案尚未确定审理程序，不能分案");
        return YZ_ERR_VALIDATION;
    }
    /* RULE: redraw-reason — drawing again while a judge holds the case (not
     * after a recusal, which ends the assignment, nor after the case changed
     * track, e.g. 简转繁, which needs a team of the other kind) must say why,
     * so that drawing until a wanted judge comes up is visible in the history. */
    int64_t previous = 0;
    char previous_kind[16];
    const char *note = json_string_value(json_object_get(c->fields, "note"));
    if ((e = current_judge(c->tx, c->matter_id, &previous, previous_kind)) != YZ_OK)
        return e;
    bool track_changed = previous_kind[0] && strcmp(previous_kind, team_kind) != 0;
    if (previous && !track_changed && blank(note)) {
        yz_field_errors_add(c->fe, "fields/note", "required",
                            "本案已有承办法官，重新随机分案须说明理由");
        return YZ_ERR_VALIDATION;
    }
    struct draw_state *d = calloc(1, sizeof *d);
    if (!d)
        return YZ_ERR_INTERNAL;
    json_t *exclusions = json_array(), *cands = json_array(), *payload = NULL;
    unsigned char seed[YZ_DRAW_SEED_BYTES];
    char hash[YZ_DRAW_HASH_HEX], seed_hex[2 * YZ_DRAW_SEED_BYTES + 1];
    int64_t commit_id = 0, event_id = 0;
    if ((e = yz_assign_court_loads(c->tx, c->app, c->court_id, c->matter_id, &d->loads)) != YZ_OK ||
        (e = load_recusals(c->tx, c->matter_id, d)) != YZ_OK ||
        (e = gather(c, team_kind, d, exclusions)) != YZ_OK)
        goto out;
    if (d->n == 0) {
        yz_field_errors_add(c->fe, "event", "no_eligible_judge",
                            "本院没有可参与随机分案的%s法官（未配置团队、团队已停用或法官均已回避），"
                            "请先配置团队或指定分案",
                            yz_team_kind_title(team_kind));
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    if ((e = take_seed(c, seed, hash, &commit_id)) != YZ_OK)
        goto out;
    struct yz_draw_result res;
    if (!yz_draw_run(seed, d->cand, d->n, &res)) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct pick *p = find_info(d, d->cand[i].judge_id, d->cand[i].team_id);
        json_array_append_new(
            cands, json_pack("{s:I, s:s, s:I, s:s, s:I, s:I}", "team_id",
                             (json_int_t)d->cand[i].team_id, "team_name", p->team_name,
                             "judge_id", (json_int_t)d->cand[i].judge_id, "judge_name",
                             p->judge_name, "load", (json_int_t)d->cand[i].load, "weight",
                             (json_int_t)d->cand[i].weight));
    }
    const struct pick *won = find_info(d, d->cand[res.index].judge_id, d->cand[res.index].team_id);
    sodium_bin2hex(seed_hex, sizeof seed_hex, seed, sizeof seed);
    payload = json_pack(
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:O, s:O, s:I, s:I, s:I,"
        " s:{s:I, s:s, s:I, s:s, s:I}}",
        "algorithm", YZ_DRAW_ALGORITHM, "commit_event_id", (json_int_t)commit_id, "seed", seed_hex,
        "seed_hash", hash, "track", m.state, "team_kind", team_kind, "candidates", cands,
        "exclusions", exclusions, "total_weight", (json_int_t)res.total, "r", (json_int_t)res.r,
        "attempts", (json_int_t)res.attempts, "result", "team_id", (json_int_t)won->team_id,
        "team_name", won->team_name, "judge_id", (json_int_t)won->judge_id, "judge_name",
        won->judge_name, "load", (json_int_t)won->load);
    if (!blank(note))
        json_object_set_new(payload, "note", json_string(note));
    if (previous)
        json_object_set_new(payload, "previous_judge_id", json_integer(previous));
    char stream[48];
    yz_matter_stream(c->matter_id, stream, sizeof stream);
    if ((e = yz_app_record(c->tx, c->app, stream, "assignment.drawn", c->who->user_id, 0,
                           c->channel, payload, &event_id)) != YZ_OK)
        goto out;
    if ((e = assign(c, won, "draw", event_id)) != YZ_OK)
        goto out;
    /* The seed of a possible redraw (after a recusal, a change of track) is
     * fixed now, before anyone knows whether it will be needed. */
    e = commit_seed(c->tx, c->app, c->who, c->channel, c->matter_id);
out:
    sodium_memzero(seed, sizeof seed);
    json_decref(payload);
    json_decref(cands);
    json_decref(exclusions);
    free(d);
    return e;
}

/* ---- designation ------------------------------------------------------------------------ */

enum yz_err yz_assign_designate_effect(struct yz_effect_ctx *c)
{
    struct matter_row m;
    enum yz_err e = load_matter(c->tx, c->matter_id, &m);
    if (e != YZ_OK)
        return e;
    const char *team_kind = yz_assign_team_kind_for(m.state);
    if (!team_kind) {
        yz_field_errors_add(c->fe, "event", "no_track", "本案尚未确定审理程序，不能分案");
        return YZ_ERR_VALIDATION;
    }
    int64_t judge_id = json_integer_value(json_object_get(c->fields, "judge_id"));
    const char *reason = json_string_value(json_object_get(c->fields, "reason"));
    struct yz_account_row u;
    e = yz_account_row_load(c->tx, judge_id, &u);
    if (e != YZ_OK && e != YZ_ERR_NOT_FOUND)
        return e;
    if (e == YZ_ERR_NOT_FOUND || strcmp(u.role, "judge") != 0 || u.court_id != c->court_id) {
        yz_field_errors_add(c->fe, "fields/judge_id", "not_found", "本院没有这名法官");
        return YZ_ERR_VALIDATION;
    }
    if (!u.active) {
        yz_field_errors_add(c->fe, "fields/judge_id", "disabled", "该法官的账号已停用");
        return YZ_ERR_VALIDATION;
    }
    bool is_recused = recused(c->tx, c->matter_id, judge_id, &e);
    if (e != YZ_OK)
        return e;
    if (is_recused) {
        yz_field_errors_add(c->fe, "fields/judge_id", "recused", "该法官已在本案回避，不能指定");
        return YZ_ERR_VALIDATION;
    }
    char conflict[4096];
    e = yz_assign_conflict_of(c->tx, judge_id, json_object_get(c->data, "application"), conflict,
                              sizeof conflict);
    if (e != YZ_OK)
        return e;
    if (conflict[0]) {
        yz_field_errors_add(c->fe, "fields/judge_id", "conflict",
                            "该法官与本案当事人或代理人存在已登记的利害关系，不能指定");
        return YZ_ERR_VALIDATION;
    }
    struct pick p = {.judge_id = judge_id};
    yz_strlcpy(p.judge_name, u.name, sizeof p.judge_name);
    struct yz_stmt *st = yz_sql(c->tx, &q_judge_team);
    yz_bind_i64(st, 1, c->court_id);
    yz_bind_text(st, 2, team_kind);
    yz_bind_i64(st, 3, judge_id);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (row) {
        p.team_id = yz_col_i64(st, 0);
        yz_strlcpy(p.team_name, yz_col_text(st, 1), sizeof p.team_name);
    }
    yz_exec(st);
    struct yz_assign_loads *loads = malloc(sizeof *loads);
    if (!loads)
        return YZ_ERR_INTERNAL;
    e = yz_assign_court_loads(c->tx, c->app, c->court_id, c->matter_id, loads);
    p.load = yz_assign_load_of(loads, judge_id);
    free(loads);
    if (e != YZ_OK)
        return e;
    json_t *payload = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "judge_id", (json_int_t)judge_id,
                                "judge_name", u.name, "reason", reason ? reason : "", "track",
                                m.state, "team_kind", team_kind, "load", (json_int_t)p.load);
    json_object_set_new(payload, "team_id", p.team_id ? json_integer(p.team_id) : json_null());
    char stream[48];
    yz_matter_stream(c->matter_id, stream, sizeof stream);
    int64_t event_id = 0;
    e = yz_app_record(c->tx, c->app, stream, "assignment.designated", c->who->user_id, 0,
                      c->channel, payload, &event_id);
    json_decref(payload);
    return e == YZ_OK ? assign(c, &p, "designation", event_id) : e;
}

/* ---- recusals --------------------------------------------------------------------------- */

enum yz_err yz_recusal_record(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              const char *channel, int64_t matter_id,
                              const struct yz_recusal_input *in, struct yz_field_errors *fe,
                              json_t **out)
{
    struct matter_row m;
    enum yz_err e = load_matter(tx, matter_id, &m);
    if (e != YZ_OK)
        return e;
    bool self = in->kind && strcmp(in->kind, "self_declared") == 0;
    if (strcmp(m.kind, "filing") != 0 || !yz_policy_recusal(app, who, m.court_id, in->judge_id))
        return YZ_ERR_FORBIDDEN;
    /* RULE: recusal-while-pending — CPL art. 48: recusal is raised while the
     * case is tried; a case that has ended keeps its judge and awaits no draw. */
    if (!yz_assign_is_open(app, m.kind, m.state)) {
        yz_field_errors_add(fe, "matter", "ended", "%s", "案件已经结束，不能再登记回避");
        return YZ_ERR_INVALID_TRANSITION;
    }
    if (who->role == YZ_ROLE_JUDGE && !self)
        yz_field_errors_add(fe, "kind", "self_only", "法官本人只能登记自行回避");
    else if (!in->kind || strcmp(recusal_kind_title(in->kind), in->kind) == 0)
        yz_field_errors_add(fe, "kind", "invalid", "回避类型应为自行回避、当事人申请回避或利害关系");
    struct yz_account_row u;
    e = yz_account_row_load(tx, in->judge_id, &u);
    if (e != YZ_OK && e != YZ_ERR_NOT_FOUND)
        return e;
    if (e == YZ_ERR_NOT_FOUND || strcmp(u.role, "judge") != 0 || u.court_id != m.court_id)
        yz_field_errors_add(fe, "judge_id", "not_found", "本院没有这名法官");
    if (fe->count)
        return YZ_ERR_VALIDATION;
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_recusal_insert);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_i64(st, 2, in->judge_id);
    yz_bind_text(st, 3, in->kind);
    yz_bind_text(st, 4, in->reason);
    yz_bind_i64(st, 5, who->user_id);
    yz_bind_i64(st, 6, now);
    bool row;
    e = yz_step(st, &row);
    if (e == YZ_ERR_ALREADY_EXISTS)
        yz_field_errors_add(fe, "judge_id", "duplicate", "该法官在本案的回避已登记");
    if (e != YZ_OK)
        return e;
    int64_t id = yz_col_i64(st, 0);
    yz_exec(st);
    /* A recused judge who holds the case gives it up; it awaits a new draw. */
    st = yz_sql(tx, &q_end_judge);
    yz_bind_i64(st, 1, now);
    yz_bind_i64(st, 2, matter_id);
    yz_bind_i64(st, 3, in->judge_id);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    bool ended = yz_tx_changes(tx) > 0;
    if (ended) {
        st = yz_sql(tx, &q_drop_assignment);
        yz_bind_i64(st, 1, now);
        yz_bind_i64(st, 2, matter_id);
        if ((e = yz_exec(st)) != YZ_OK)
            return e;
    }
    char stream[48];
    yz_matter_stream(matter_id, stream, sizeof stream);
    json_t *p = json_pack("{s:I, s:I, s:s, s:s, s:s, s:b}", "recusal_id", (json_int_t)id,
                          "judge_id", (json_int_t)in->judge_id, "judge_name", u.name, "kind",
                          in->kind, "reason", in->reason, "assignment_ended", ended);
    e = yz_app_record(tx, app, stream, "assignment.recusal_recorded", who->user_id, 0, channel, p,
                      NULL);
    json_decref(p);
    if (e == YZ_OK && ended) {
        json_t *n = json_pack("{s:s, s:s, s:s, s:I}", "kind", "filing", "event", "recusal",
                              "title", "承办法官回避，待重新分案", "matter_id",
                              (json_int_t)matter_id);
        e = yz_notify(tx, matter_id, 0, m.court_id, "matter_event", n);
        json_decref(n);
    }
    if (e != YZ_OK)
        return e;
    *out = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)id, "matter_id",
                     (json_int_t)matter_id, "judge_id", (json_int_t)in->judge_id, "judge_name",
                     u.name, "kind", in->kind, "kind_title", recusal_kind_title(in->kind),
                     "reason", in->reason, "assignment_ended", ended);
    return YZ_OK;
}

const char *yz_assign_recusal_kind_title(const char *kind)
{
    return recusal_kind_title(kind);
}
