/*
 * The staff accounts of one court, for its court admin: who works there in
 * which role, in which trial teams, and whether the account is active. The
 * admin needs the account ids to build trial teams and to record judges'
 * relationships; nothing personal is listed (no phone), only the work account
 * and the name. The admin also edits, disables, re-enables and resets the
 * second factor of these accounts (accounts.h: RULE staff-admin-separation).
 */
#include "accounts/accounts.h"
#include "accounts/account_row.h"
#include "app/app.h"
#include "assignment/assignment.h"
#include "core/clock.h"
#include "core/mask.h"
#include "core/utf8.h"
#include "policy/policy.h"
#include "policy/roles.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#define STAFF_TEAMS_MAX 2000 /* team memberships one list reads (a court has far fewer) */

/* Supervisors belong to the court above and are listed there, like everyone else. */
static struct yz_sql_def q_staff = YZ_SQL(
    "SELECT id, role, coalesce(username, ''), name, status, created_at,"
    " totp_secret_enc IS NOT NULL FROM users"
    " WHERE court_id = ? AND person_kind = 'staff' AND (? = '' OR role = ?) AND (? = 0 OR id = ?)"
    " ORDER BY id LIMIT ?");
static struct yz_sql_def q_staff_teams = YZ_SQL(
    "SELECT tm.user_id, t.id, t.name FROM team_members tm JOIN teams t ON t.id = tm.team_id"
    " WHERE t.court_id = ? AND (? = 0 OR tm.user_id = ?) ORDER BY t.id LIMIT ?");
static struct yz_sql_def q_set_name_role =
    YZ_SQL("UPDATE users SET name = ?, role = ? WHERE id = ?");
static struct yz_sql_def q_set_status = YZ_SQL("UPDATE users SET status = ? WHERE id = ?");
static struct yz_sql_def q_set_totp =
    YZ_SQL("UPDATE users SET totp_secret_enc = ?, totp_last_step = 0 WHERE id = ?");
static struct yz_sql_def q_revoke_all = YZ_SQL(
    "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
static struct yz_sql_def q_other_admins = YZ_SQL(
    "SELECT count(*) FROM users WHERE court_id = ? AND role = 'court_admin'"
    " AND status = 'active' AND id <> ?");
static struct yz_sql_def q_team_of = YZ_SQL(
    "SELECT t.name FROM team_members tm JOIN teams t ON t.id = tm.team_id"
    " WHERE tm.user_id = ? ORDER BY t.id LIMIT 1");

static json_t *find_item(json_t *items, int64_t id)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (json_integer_value(json_object_get(it, "id")) == id)
            return it;
    }
    return NULL;
}

/* The accounts of court_id (one account when only_id is not 0). */
static enum yz_err staff_items(struct yz_tx *tx, int64_t court_id, const char *role,
                               int64_t only_id, int limit, json_t **out)
{
    role = role ? role : "";
    struct yz_stmt *st = yz_sql(tx, &q_staff);
    yz_bind_i64(st, 1, court_id);
    yz_bind_text(st, 2, role);
    yz_bind_text(st, 3, role);
    yz_bind_i64(st, 4, only_id);
    yz_bind_i64(st, 5, only_id);
    yz_bind_i64(st, 6, limit);
    json_t *items = json_array();
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int r = yz_role_parse(yz_col_text(st, 1));
        char at[40];
        yz_time_format_utc(yz_col_i64(st, 5), at, sizeof at);
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:[]}", "id",
                             (json_int_t)yz_col_i64(st, 0), "username", yz_col_text(st, 2), "name",
                             yz_col_text(st, 3), "role", yz_col_text(st, 1), "role_title",
                             r >= 0 ? yz_role_title((enum yz_role)r) : yz_col_text(st, 1),
                             "status", yz_col_text(st, 4), "created_at", at, "totp_enabled",
                             yz_col_i64(st, 6) != 0, "teams"));
    }
    /* Each account's trial teams, read once for the whole list. */
    if (e == YZ_OK) {
        st = yz_sql(tx, &q_staff_teams);
        yz_bind_i64(st, 1, court_id);
        yz_bind_i64(st, 2, only_id);
        yz_bind_i64(st, 3, only_id);
        yz_bind_i64(st, 4, STAFF_TEAMS_MAX);
        while ((e = yz_step(st, &row)) == YZ_OK && row) {
            json_t *it = find_item(items, yz_col_i64(st, 0));
            if (it)
                json_array_append_new(json_object_get(it, "teams"),
                                      json_pack("{s:I, s:s}", "id", (json_int_t)yz_col_i64(st, 1),
                                                "name", yz_col_text(st, 2)));
        }
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = items;
    return YZ_OK;
}

enum yz_err yz_staff_list(struct yz_tx *tx, int64_t court_id, const char *role, json_t **out)
{
    int limit = yz_tx_max_rows(tx);
    json_t *items = NULL;
    enum yz_err e = staff_items(tx, court_id, role, 0, limit, &items);
    if (e != YZ_OK)
        return e;
    *out = json_pack("{s:I, s:o, s:b}", "court_id", (json_int_t)court_id, "items", items,
                     "truncated", json_array_size(items) == (size_t)limit);
    return YZ_OK;
}

/* ---- changes ---------------------------------------------------------------- */

struct account {
    struct yz_account_row row;
    int role; /* -1 when not a known role */
};

/* The staff account id of the caller's court: YZ_ERR_NOT_FOUND when there
 * is no account, YZ_ERR_FORBIDDEN when it is not one the caller manages (a
 * party, another court's staff, a supervisor of the court above). */
static enum yz_err load_managed(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, int64_t id, struct account *a)
{
    enum yz_err e = yz_account_row_load(tx, id, &a->row);
    a->role = yz_role_parse(a->row.role);
    if (e != YZ_OK)
        return e;
    if (!a->row.staff || a->role < 0 ||
        !yz_policy_staff_account(app, who, a->row.court_id, (enum yz_role)a->role))
        return YZ_ERR_FORBIDDEN;
    return YZ_OK;
}

static enum yz_err count(struct yz_tx *tx, struct yz_sql_def *q, int64_t a, int64_t b, int64_t *n)
{
    struct yz_stmt *st = yz_sql(tx, q);
    yz_bind_i64(st, 1, a);
    yz_bind_i64(st, 2, b);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *n = e == YZ_OK && row ? yz_col_i64(st, 0) : 0;
    return e == YZ_OK ? yz_exec(st) : e;
}

static enum yz_err record(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          const char *channel, int64_t id, const char *type, json_t *payload,
                          const char *reason)
{
    if (reason && *reason)
        json_object_set_new(payload, "reason", json_string(reason));
    char stream[32];
    snprintf(stream, sizeof stream, "user/%lld", (long long)id);
    enum yz_err e = yz_app_record(tx, app, stream, type, who->user_id, 0, channel, payload, NULL);
    json_decref(payload);
    return e;
}

static enum yz_err revoke_sessions(struct yz_tx *tx, int64_t id, int64_t *n)
{
    struct yz_stmt *st = yz_sql(tx, &q_revoke_all);
    yz_bind_i64(st, 1, yz_time_now_ms());
    yz_bind_i64(st, 2, id);
    enum yz_err e = yz_exec(st);
    *n = e == YZ_OK ? yz_tx_changes(tx) : 0;
    return e;
}

static enum yz_err item_out(struct yz_tx *tx, int64_t court_id, int64_t id, json_t **out)
{
    json_t *items = NULL;
    enum yz_err e = staff_items(tx, court_id, NULL, id, 1, &items);
    if (e != YZ_OK)
        return e;
    json_t *it = json_array_get(items, 0);
    *out = it ? json_incref(it) : NULL;
    json_decref(items);
    return it ? YZ_OK : YZ_ERR_NOT_FOUND;
}

/* RULE: staff-admin-separation — may a's role become to? Problems into fe. */
static enum yz_err check_role_change(struct yz_tx *tx, struct yz_app *app,
                                     const struct yz_principal *who, const struct account *a,
                                     enum yz_role to, struct yz_field_errors *fe)
{
    enum yz_role from = (enum yz_role)a->role;
    if (a->row.id == who->user_id) {
        yz_field_errors_add(fe, "role", "self", "不能更改本人账号的岗位角色");
        return YZ_OK;
    }
    if ((from == YZ_ROLE_COURT_ADMIN) != (to == YZ_ROLE_COURT_ADMIN)) {
        yz_field_errors_add(fe, "role", "separation_of_duties",
                            "管理员账号与办案等业务账号应分立，不能将%s账号改为%s，请另行创建账号",
                            yz_role_title(from), yz_role_title(to));
        return YZ_OK;
    }
    struct yz_stmt *st = yz_sql(tx, &q_team_of);
    yz_bind_i64(st, 1, a->row.id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (row)
        yz_field_errors_add(fe, "role", "team_member",
                            "该账号是审判团队“%s”的成员，请先将其移出团队再更改岗位角色",
                            yz_col_text(st, 0));
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    if (from == YZ_ROLE_JUDGE) {
        int64_t open = 0;
        if ((e = yz_assign_judge_open_cases(tx, app, a->row.court_id, a->row.id, &open)) != YZ_OK)
            return e;
        if (open > 0)
            yz_field_errors_add(fe, "role", "open_cases",
                                "该法官尚有 %lld 件在办案件，请先重新分案再更改岗位角色",
                                (long long)open);
    }
    return YZ_OK;
}

enum yz_err yz_staff_update(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            const char *channel, int64_t id, const struct yz_staff_change *in,
                            struct yz_field_errors *fe, json_t **out)
{
    struct account a;
    enum yz_err e = load_managed(tx, app, who, id, &a);
    if (e != YZ_OK)
        return e;
    int to = in->role ? yz_role_parse(in->role) : a.role;
    if (to < 0 || !yz_role_is_staff((enum yz_role)to) || to == YZ_ROLE_SUPERVISOR)
        yz_field_errors_add(fe, "role", "not_allowed", "岗位角色不正确");
    else if (to != a.role && (e = check_role_change(tx, app, who, &a, (enum yz_role)to, fe)) != YZ_OK)
        return e;
    if (in->name) {
        size_t n = strlen(in->name), cps = yz_utf8_count(in->name, n);
        if (!yz_utf8_valid(in->name, n) || yz_utf8_has_control(in->name, n, false) || cps < 1 ||
            cps > 100)
            yz_field_errors_add(fe, "name", "invalid", "姓名应为 1 到 100 个字符");
    }
    if (fe->count)
        return YZ_ERR_VALIDATION;
    const char *name = in->name ? in->name : a.row.name;
    json_t *changes = json_object();
    if (strcmp(name, a.row.name) != 0) {
        char from_m[64], to_m[64];
        yz_mask_name(a.row.name, strlen(a.row.name), from_m, sizeof from_m);
        yz_mask_name(name, strlen(name), to_m, sizeof to_m);
        json_object_set_new(changes, "name", json_pack("{s:s, s:s}", "from", from_m, "to", to_m));
    }
    if (to != a.role)
        json_object_set_new(changes, "role",
                            json_pack("{s:s, s:s}", "from", yz_role_code((enum yz_role)a.role),
                                      "to", yz_role_code((enum yz_role)to)));
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        return item_out(tx, a.row.court_id, id, out);
    }
    struct yz_stmt *st = yz_sql(tx, &q_set_name_role);
    yz_bind_text(st, 1, name);
    yz_bind_text(st, 2, yz_role_code((enum yz_role)to));
    yz_bind_i64(st, 3, id);
    if ((e = yz_exec(st)) != YZ_OK) {
        json_decref(changes);
        return e;
    }
    e = record(tx, app, who, channel, id, "account.updated", json_pack("{s:o}", "changes", changes),
               in->reason);
    return e == YZ_OK ? item_out(tx, a.row.court_id, id, out) : e;
}

enum yz_err yz_staff_set_active(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, const char *channel, int64_t id,
                                bool active, const char *reason, struct yz_field_errors *fe,
                                json_t **out)
{
    struct account a;
    enum yz_err e = load_managed(tx, app, who, id, &a);
    if (e != YZ_OK)
        return e;
    if (!active && (!reason || !*reason))
        yz_field_errors_add(fe, "reason", "required", "请填写停用原因");
    if (!active && id == who->user_id)
        yz_field_errors_add(fe, "id", "self", "不能停用本人的账号");
    if (!active && a.row.active && a.role == YZ_ROLE_COURT_ADMIN && !fe->count) {
        /* Read in the transaction: two admins disabling each other at once
         * are serialised by the writer, and the second finds no one left. */
        int64_t others = 0;
        if ((e = count(tx, &q_other_admins, a.row.court_id, id, &others)) != YZ_OK)
            return e;
        if (others == 0)
            yz_field_errors_add(fe, "id", "last_admin", "不能停用本院最后一个在用的管理员账号");
    }
    if (fe->count)
        return YZ_ERR_VALIDATION;
    if (a.row.active == active)
        return item_out(tx, a.row.court_id, id, out);
    struct yz_stmt *st = yz_sql(tx, &q_set_status);
    yz_bind_text(st, 1, active ? "active" : "disabled");
    yz_bind_i64(st, 2, id);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    json_t *payload = json_object();
    if (!active) {
        int64_t revoked = 0;
        if ((e = revoke_sessions(tx, id, &revoked)) != YZ_OK) {
            json_decref(payload);
            return e;
        }
        json_object_set_new(payload, "sessions_revoked", json_integer(revoked));
    }
    e = record(tx, app, who, channel, id, active ? "account.enabled" : "account.disabled", payload,
               reason);
    return e == YZ_OK ? item_out(tx, a.row.court_id, id, out) : e;
}

enum yz_err yz_staff_totp_reset(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, const char *channel, int64_t id,
                                const char *totp_enc, const char *reason,
                                struct yz_field_errors *fe, json_t **out)
{
    struct account a;
    enum yz_err e = load_managed(tx, app, who, id, &a);
    if (e != YZ_OK)
        return e;
    /* A stolen admin session must not be able to bind its own authenticator. */
    if (id == who->user_id) {
        yz_field_errors_add(fe, "id", "self", "不能重置本人的动态验证码，请由本院其他管理员办理");
        return YZ_ERR_VALIDATION;
    }
    struct yz_stmt *st = yz_sql(tx, &q_set_totp);
    yz_bind_text(st, 1, totp_enc);
    yz_bind_i64(st, 2, id);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    int64_t revoked = 0;
    if ((e = revoke_sessions(tx, id, &revoked)) != YZ_OK)
        return e;
    e = record(tx, app, who, channel, id, "account.totp_reset",
               json_pack("{s:I}", "sessions_revoked", (json_int_t)revoked), reason);
    return e == YZ_OK ? item_out(tx, a.row.court_id, id, out) : e;
}
