/*
 * Trial teams and their members (assignment.h): rows and their events in one
 * transaction, and the team as JSON with each member's workload.
 */
#include "accounts/account_row.h"
#include "assignment/assignment.h"
#include "assignment/internal.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static struct yz_sql_def q_insert =
    YZ_SQL("INSERT INTO teams(court_id, name, kind, active, created_at, updated_at)"
           " VALUES (?, ?, ?, 1, ?, ?) RETURNING id");
static struct yz_sql_def q_get =
    YZ_SQL("SELECT court_id, name, kind, active FROM teams WHERE id = ?");
static struct yz_sql_def q_update = YZ_SQL(
    "UPDATE teams SET name = ?, kind = ?, active = ?, updated_at = ? WHERE id = ?");
static struct yz_sql_def q_list =
    YZ_SQL("SELECT id FROM teams WHERE court_id = ? ORDER BY id LIMIT ?");
static struct yz_sql_def q_members = YZ_SQL(
    "SELECT tm.user_id, u.name, tm.role FROM team_members tm JOIN users u ON u.id = tm.user_id"
    " WHERE tm.team_id = ? ORDER BY tm.role, tm.user_id LIMIT ?");
static struct yz_sql_def q_member_count =
    YZ_SQL("SELECT count(*) FROM team_members WHERE team_id = ?");
static struct yz_sql_def q_member_insert = YZ_SQL(
    "INSERT INTO team_members(team_id, user_id, role, added_at) VALUES (?, ?, ?, ?)");
static struct yz_sql_def q_member_delete =
    YZ_SQL("DELETE FROM team_members WHERE team_id = ? AND user_id = ? RETURNING role");
static struct yz_sql_def q_roster_mediator = YZ_SQL(
    "SELECT count(*) FROM mediators WHERE user_id = ? AND court_id = ? AND status = 'active'");

static const char *const member_roles[] = {"judge", "assistant", "clerk", "mediator", NULL};

const char *yz_team_kind_title(const char *kind)
{
    if (kind && strcmp(kind, "fast_track") == 0)
        return "快审团队";
    if (kind && strcmp(kind, "ordinary") == 0)
        return "普通程序审判团队";
    return NULL;
}

static const char *member_role_title(const char *role)
{
    int r = yz_role_parse(role);
    return r < 0 ? role : yz_role_title((enum yz_role)r);
}

enum yz_err yz_assign_load_team(struct yz_tx *tx, int64_t id, struct yz_assign_team *t)
{
    memset(t, 0, sizeof *t);
    struct yz_stmt *st = yz_sql(tx, &q_get);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    t->id = id;
    t->court_id = yz_col_i64(st, 0);
    yz_strlcpy(t->name, yz_col_text(st, 1), sizeof t->name);
    yz_strlcpy(t->kind, yz_col_text(st, 2), sizeof t->kind);
    t->active = yz_col_i64(st, 3) != 0;
    return yz_exec(st);
}

static enum yz_err record(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          const char *channel, int64_t team_id, const char *type, json_t *payload)
{
    char stream[48];
    snprintf(stream, sizeof stream, "team/%lld", (long long)team_id);
    enum yz_err e = yz_app_record(tx, app, stream, type, who->user_id, 0, channel, payload, NULL);
    json_decref(payload);
    return e;
}

static void check_name(struct yz_field_errors *fe, const char *name)
{
    size_t n = strlen(name);
    if (!yz_utf8_valid(name, n) || yz_utf8_has_control(name, n, false)) {
        yz_field_errors_add(fe, "name", "invalid", "团队名称包含不允许的字符");
        return;
    }
    size_t cps = yz_utf8_count(name, n);
    if (cps < YZ_TEAM_NAME_MIN || cps > YZ_TEAM_NAME_MAX)
        yz_field_errors_add(fe, "name", "length", "团队名称应为 %d 到 %d 个字符", YZ_TEAM_NAME_MIN,
                            YZ_TEAM_NAME_MAX);
}

enum yz_err yz_team_create(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           const char *channel, const struct yz_team_input *in,
                           struct yz_field_errors *fe, json_t **out)
{
    if (!yz_policy_team_manage(app, who, who->court_id))
        return YZ_ERR_FORBIDDEN;
    if (!in->name || !*in->name)
        yz_field_errors_add(fe, "name", "required", "请填写团队名称");
    else
        check_name(fe, in->name);
    if (!yz_team_kind_title(in->kind))
        yz_field_errors_add(fe, "kind", "invalid", "团队类别应为快审团队或普通程序审判团队");
    if (fe->count)
        return YZ_ERR_VALIDATION;
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_i64(st, 1, who->court_id);
    yz_bind_text(st, 2, in->name);
    yz_bind_text(st, 3, in->kind);
    yz_bind_i64(st, 4, now);
    yz_bind_i64(st, 5, now);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e == YZ_ERR_ALREADY_EXISTS)
        yz_field_errors_add(fe, "name", "duplicate", "本院已有同名团队");
    if (e != YZ_OK)
        return e;
    int64_t id = yz_col_i64(st, 0);
    yz_exec(st);
    e = record(tx, app, who, channel, id, "team.created",
               json_pack("{s:I, s:s, s:s}", "court_id", (json_int_t)who->court_id, "name",
                         in->name, "kind", in->kind));
    return e == YZ_OK ? yz_team_get(tx, app, who, id, out) : e;
}

enum yz_err yz_team_update(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           const char *channel, int64_t id, const struct yz_team_input *in,
                           struct yz_field_errors *fe, json_t **out)
{
    struct yz_assign_team t;
    enum yz_err e = yz_assign_load_team(tx, id, &t);
    if (e != YZ_OK)
        return e;
    if (!yz_policy_team_manage(app, who, t.court_id))
        return YZ_ERR_FORBIDDEN;
    if (in->name)
        check_name(fe, in->name);
    if (in->kind && !yz_team_kind_title(in->kind))
        yz_field_errors_add(fe, "kind", "invalid", "团队类别应为快审团队或普通程序审判团队");
    if (fe->count)
        return YZ_ERR_VALIDATION;
    json_t *changes = json_object();
    if (in->name && strcmp(in->name, t.name) != 0)
        json_object_set_new(changes, "name", json_string(in->name));
    if (in->kind && strcmp(in->kind, t.kind) != 0)
        json_object_set_new(changes, "kind", json_string(in->kind));
    if (in->active >= 0 && (in->active != 0) != t.active)
        json_object_set_new(changes, "active", json_boolean(in->active));
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        return yz_team_get(tx, app, who, id, out);
    }
    struct yz_stmt *st = yz_sql(tx, &q_update);
    yz_bind_text(st, 1, in->name ? in->name : t.name);
    yz_bind_text(st, 2, in->kind ? in->kind : t.kind);
    yz_bind_i64(st, 3, in->active >= 0 ? in->active != 0 : t.active);
    yz_bind_i64(st, 4, yz_time_now_ms());
    yz_bind_i64(st, 5, id);
    e = yz_exec(st);
    if (e == YZ_ERR_ALREADY_EXISTS)
        yz_field_errors_add(fe, "name", "duplicate", "本院已有同名团队");
    if (e != YZ_OK) {
        json_decref(changes);
        return e;
    }
    e = record(tx, app, who, channel, id, "team.updated", json_pack("{s:o}", "changes", changes));
    return e == YZ_OK ? yz_team_get(tx, app, who, id, out) : e;
}

static bool is_member_role(const char *role)
{
    for (size_t i = 0; role && member_roles[i]; i++)
        if (strcmp(role, member_roles[i]) == 0)
            return true;
    return false;
}

static enum yz_err count_one(struct yz_tx *tx, struct yz_sql_def *q, int64_t a, int64_t b,
                             int64_t *n)
{
    struct yz_stmt *st = yz_sql(tx, q);
    yz_bind_i64(st, 1, a);
    if (b)
        yz_bind_i64(st, 2, b);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *n = e == YZ_OK && row ? yz_col_i64(st, 0) : 0;
    if (e == YZ_OK)
        e = yz_exec(st);
    return e;
}

enum yz_err yz_team_member_add(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, const char *channel,
                               int64_t team_id, int64_t user_id, const char *role,
                               struct yz_field_errors *fe, json_t **out)
{
    struct yz_assign_team t;
    enum yz_err e = yz_assign_load_team(tx, team_id, &t);
    if (e != YZ_OK)
        return e;
    if (!yz_policy_team_manage(app, who, t.court_id))
        return YZ_ERR_FORBIDDEN;
    if (!is_member_role(role)) {
        yz_field_errors_add(fe, "role", "invalid", "成员角色应为法官、法官助理、书记员或调解员");
        return YZ_ERR_VALIDATION;
    }
    struct yz_account_row u;
    e = yz_account_row_load(tx, user_id, &u);
    if (e == YZ_ERR_NOT_FOUND) {
        yz_field_errors_add(fe, "user_id", "not_found", "该账号不存在");
        return YZ_ERR_VALIDATION;
    }
    if (e != YZ_OK)
        return e;
    int64_t n = 0;
    if (strcmp(role, "mediator") == 0) {
        if ((e = count_one(tx, &q_roster_mediator, user_id, t.court_id, &n)) != YZ_OK)
            return e;
        if (strcmp(u.role, "mediator") != 0 || n == 0 || !u.active)
            yz_field_errors_add(fe, "user_id", "not_on_roster",
                                "该账号不是本院特邀调解名册上的在册调解员");
    } else if (u.court_id != t.court_id) {
        /* Another court's staff: the same answer as for no account at all. */
        yz_field_errors_add(fe, "user_id", "not_found", "该账号不存在");
    } else if (strcmp(u.role, role) != 0) {
        yz_field_errors_add(fe, "user_id", "role_mismatch", "该账号的角色是%s，不能作为%s加入团队",
                            member_role_title(u.role), member_role_title(role));
    } else if (!u.active) {
        yz_field_errors_add(fe, "user_id", "disabled", "该账号已停用");
    }
    if (fe->count)
        return YZ_ERR_VALIDATION;
    if ((e = count_one(tx, &q_member_count, team_id, 0, &n)) != YZ_OK)
        return e;
    if (n >= YZ_TEAM_MAX_MEMBERS) {
        yz_field_errors_add(fe, "user_id", "too_many", "每个团队最多 %d 名成员",
                            YZ_TEAM_MAX_MEMBERS);
        return YZ_ERR_VALIDATION;
    }
    struct yz_stmt *st = yz_sql(tx, &q_member_insert);
    yz_bind_i64(st, 1, team_id);
    yz_bind_i64(st, 2, user_id);
    yz_bind_text(st, 3, role);
    yz_bind_i64(st, 4, yz_time_now_ms());
    if ((e = yz_exec(st)) == YZ_ERR_ALREADY_EXISTS)
        yz_field_errors_add(fe, "user_id", "duplicate", "该账号已是本团队成员");
    if (e != YZ_OK)
        return e;
    e = record(tx, app, who, channel, team_id, "team.member_added",
               json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)user_id, "name", u.name, "role",
                         role));
    return e == YZ_OK ? yz_team_get(tx, app, who, team_id, out) : e;
}

static struct yz_sql_def q_roster_entry =
    YZ_SQL("SELECT user_id, court_id, status FROM mediators WHERE id = ?");

enum yz_err yz_team_member_add_mediator(struct yz_tx *tx, struct yz_app *app,
                                        const struct yz_principal *who, const char *channel,
                                        int64_t team_id, int64_t mediator_id,
                                        struct yz_field_errors *fe, json_t **out)
{
    struct yz_assign_team t;
    enum yz_err e = yz_assign_load_team(tx, team_id, &t);
    if (e != YZ_OK)
        return e;
    if (!yz_policy_team_manage(app, who, t.court_id))
        return YZ_ERR_FORBIDDEN;
    struct yz_stmt *st = yz_sql(tx, &q_roster_entry);
    yz_bind_i64(st, 1, mediator_id);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    int64_t user_id = row ? yz_col_i64(st, 0) : 0;
    bool ours = row && yz_col_i64(st, 1) == t.court_id && strcmp(yz_col_text(st, 2), "active") == 0;
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    if (!ours) {
        yz_field_errors_add(fe, "mediator_id", "not_on_roster", "该调解员不在本院特邀调解名册上或已暂停");
        return YZ_ERR_VALIDATION;
    }
    e = yz_team_member_add(tx, app, who, channel, team_id, user_id, "mediator", fe, out);
    /* The account behind the roster entry is the caller's concern only as the entry. */
    for (int i = 0; i < fe->count; i++)
        if (strcmp(fe->items[i].field, "user_id") == 0)
            yz_strlcpy(fe->items[i].field, "mediator_id", sizeof fe->items[i].field);
    return e;
}

enum yz_err yz_team_member_remove(struct yz_tx *tx, struct yz_app *app,
                                  const struct yz_principal *who, const char *channel,
                                  int64_t team_id, int64_t user_id, json_t **out)
{
    struct yz_assign_team t;
    enum yz_err e = yz_assign_load_team(tx, team_id, &t);
    if (e != YZ_OK)
        return e;
    if (!yz_policy_team_manage(app, who, t.court_id))
        return YZ_ERR_FORBIDDEN;
    struct yz_stmt *st = yz_sql(tx, &q_member_delete);
    yz_bind_i64(st, 1, team_id);
    yz_bind_i64(st, 2, user_id);
    if ((e = yz_step_one(st)) != YZ_OK)
        return e;
    char role[16];
    yz_strlcpy(role, yz_col_text(st, 0), sizeof role);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    e = record(tx, app, who, channel, team_id, "team.member_removed",
               json_pack("{s:I, s:s}", "user_id", (json_int_t)user_id, "role", role));
    return e == YZ_OK ? yz_team_get(tx, app, who, team_id, out) : e;
}

json_t *yz_assign_team_json(const struct yz_assign_team *t)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)t->id, "court_id",
                     (json_int_t)t->court_id, "name", t->name, "kind", t->kind, "kind_title",
                     yz_team_kind_title(t->kind), "active", t->active);
}

enum yz_err yz_assign_team_members(struct yz_tx *tx, int64_t team_id, json_t **out)
{
    json_t *arr = json_array();
    struct yz_stmt *st = yz_sql(tx, &q_members);
    yz_bind_i64(st, 1, team_id);
    yz_bind_i64(st, 2, YZ_TEAM_MAX_MEMBERS);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s}", "user_id",
                                             (json_int_t)yz_col_i64(st, 0), "name",
                                             yz_col_text(st, 1), "role", yz_col_text(st, 2),
                                             "role_title", member_role_title(yz_col_text(st, 2))));
    if (e != YZ_OK) {
        json_decref(arr);
        return e;
    }
    *out = arr;
    return YZ_OK;
}

enum yz_err yz_team_get(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                        int64_t id, json_t **out)
{
    struct yz_assign_team t;
    enum yz_err e = yz_assign_load_team(tx, id, &t);
    if (e != YZ_OK)
        return e;
    if (!yz_policy_team_read(app, who, t.court_id) && !yz_policy_team_manage(app, who, t.court_id))
        return YZ_ERR_FORBIDDEN;
    json_t *members = NULL;
    if ((e = yz_assign_team_members(tx, id, &members)) != YZ_OK)
        return e;
    if ((e = yz_assign_member_workload(tx, app, &t, members)) != YZ_OK) {
        json_decref(members);
        return e;
    }
    json_t *o = yz_assign_team_json(&t);
    json_object_set_new(o, "members", members);
    *out = o;
    return YZ_OK;
}

enum yz_err yz_team_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                         json_t **out)
{
    if (!yz_role_is_staff(who->role) || who->role == YZ_ROLE_SUPERVISOR || who->court_id == 0)
        return YZ_ERR_FORBIDDEN;
    int64_t ids[200];
    size_t n = 0;
    struct yz_stmt *st = yz_sql(tx, &q_list);
    yz_bind_i64(st, 1, who->court_id);
    yz_bind_i64(st, 2, 200);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && n < 200)
        ids[n++] = yz_col_i64(st, 0);
    if (e != YZ_OK)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; i < n && e == YZ_OK; i++) {
        json_t *t = NULL;
        if ((e = yz_team_get(tx, app, who, ids[i], &t)) == YZ_OK)
            json_array_append_new(items, t);
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:I, s:o}", "court_id", (json_int_t)who->court_id, "items", items);
    return YZ_OK;
}
