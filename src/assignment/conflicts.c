/*
 * Configured relationships (利害关系) of a judge: a party (by name or unified
 * social credit code), a law firm or a lawyer (by practising-licence number)
 * the judge must not try cases of, with the reason. A draw excludes the judge
 * from every case whose application names one of them, and a designation
 * refuses the judge, without anyone having to remember to record a recusal.
 * Changes are events on the stream "judge/<id>".
 */
#include "accounts/account_row.h"
#include "assignment/assignment.h"
#include "assignment/internal.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/idnum.h"
#include "core/utf8.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO judge_conflicts(judge_id, court_id, kind, value, reason, created_by, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_remove = YZ_SQL(
    "UPDATE judge_conflicts SET removed_at = ? WHERE id = ? AND judge_id = ? AND removed_at IS NULL"
    " RETURNING kind, value");
static struct yz_sql_def q_list = YZ_SQL(
    "SELECT id, kind, value, reason, created_at FROM judge_conflicts WHERE judge_id = ?"
    " AND removed_at IS NULL ORDER BY id LIMIT ?");

static const struct {
    const char *kind, *title;
} kinds[] = {
    {"party_name", "当事人名称"},
    {"credit_code", "当事人统一社会信用代码"},
    {"law_firm", "律师事务所"},
    {"lawyer_licence", "律师执业证号"},
};

static const char *kind_title(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return kinds[i].title;
    return NULL;
}

/* ---- matching ----------------------------------------------------------------------- */

static bool same(const json_t *o, const char *key, const char *value)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v && strcmp(v, value) == 0;
}

const char *yz_assign_conflict_match(const json_t *application, const char *kind,
                                     const char *value)
{
    const json_t *list = json_object_get(application, strcmp(kind, "party_name") == 0 ||
                                                              strcmp(kind, "credit_code") == 0
                                                          ? "parties"
                                                          : "agents");
    const char *key = strcmp(kind, "party_name") == 0    ? "name"
                      : strcmp(kind, "credit_code") == 0 ? "credit_code"
                      : strcmp(kind, "law_firm") == 0    ? "firm"
                                                         : "licence_no";
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *p = json_array_get(list, i);
        if (same(p, key, value))
            return json_string_value(json_object_get(p, "name"));
    }
    return NULL;
}

static struct yz_sql_def q_judge_conflicts = YZ_SQL(
    "SELECT kind, value, reason FROM judge_conflicts WHERE judge_id = ? AND removed_at IS NULL"
    " ORDER BY id LIMIT 200");

enum yz_err yz_assign_conflict_of(struct yz_tx *tx, int64_t judge_id, const json_t *application,
                                  char *reason, size_t size)
{
    reason[0] = '\0';
    struct yz_stmt *st = yz_sql(tx, &q_judge_conflicts);
    yz_bind_i64(st, 1, judge_id);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        const char *kind = yz_col_text(st, 0), *value = yz_col_text(st, 1);
        const char *who = yz_assign_conflict_match(application, kind, value);
        if (who && !reason[0])
            snprintf(reason, size, "存在利害关系（%s「%s」，涉及「%s」）：%s", kind_title(kind),
                     value, who, yz_col_text(st, 2));
    }
    return e;
}

/* ---- configuration ---------------------------------------------------------------------- */

/* The judge of the caller's court that id names, or a reason it is not. */
static enum yz_err load_judge(struct yz_tx *tx, int64_t id, struct yz_account_row *u)
{
    enum yz_err e = yz_account_row_load(tx, id, u);
    if (e == YZ_OK && strcmp(u->role, "judge") != 0)
        e = YZ_ERR_NOT_FOUND;
    return e;
}

static void check_value(struct yz_field_errors *fe, const char *kind, const char *value)
{
    size_t n = value ? strlen(value) : 0;
    if (n == 0) {
        yz_field_errors_add(fe, "value", "required", "请填写%s", kind_title(kind));
        return;
    }
    if (!yz_utf8_valid(value, n) || yz_utf8_has_control(value, n, false)) {
        yz_field_errors_add(fe, "value", "invalid", "%s包含不允许的字符", kind_title(kind));
        return;
    }
    enum yz_idnum_problem pr = YZ_IDNUM_OK;
    if (strcmp(kind, "credit_code") == 0)
        pr = yz_idnum_uscc_check(value, n);
    else if (strcmp(kind, "lawyer_licence") == 0)
        pr = yz_idnum_lawyer_licence_check(value, n);
    else if (yz_utf8_count(value, n) < 2 || yz_utf8_count(value, n) > 100)
        yz_field_errors_add(fe, "value", "length", "%s应为 2 到 100 个字符", kind_title(kind));
    if (pr != YZ_IDNUM_OK)
        yz_field_errors_add(fe, "value", yz_idnum_problem_code(pr), "%s不正确", kind_title(kind));
}

enum yz_err yz_conflict_add(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            const char *channel, int64_t judge_id,
                            const struct yz_conflict_input *in, struct yz_field_errors *fe,
                            json_t **out)
{
    struct yz_account_row u;
    enum yz_err e = load_judge(tx, judge_id, &u);
    if (e != YZ_OK)
        return e;
    if (!yz_policy_judge_conflicts(app, who, u.court_id, judge_id, true))
        return YZ_ERR_FORBIDDEN;
    if (!kind_title(in->kind))
        yz_field_errors_add(fe, "kind", "invalid",
                            "关系类型应为当事人名称、统一社会信用代码、律师事务所或律师执业证号");
    else
        check_value(fe, in->kind, in->value);
    size_t rn = in->reason ? strlen(in->reason) : 0;
    if (rn == 0 || !yz_utf8_valid(in->reason, rn) ||
        yz_utf8_count(in->reason, rn) > YZ_ASSIGN_REASON_MAX)
        yz_field_errors_add(fe, "reason", "invalid", "请说明利害关系（不超过 %d 个字符）",
                            YZ_ASSIGN_REASON_MAX);
    if (fe->count)
        return YZ_ERR_VALIDATION;
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_i64(st, 1, judge_id);
    yz_bind_i64(st, 2, u.court_id);
    yz_bind_text(st, 3, in->kind);
    yz_bind_text(st, 4, in->value);
    yz_bind_text(st, 5, in->reason);
    yz_bind_i64(st, 6, who->user_id);
    yz_bind_i64(st, 7, now);
    bool row;
    e = yz_step(st, &row);
    if (e == YZ_ERR_ALREADY_EXISTS)
        yz_field_errors_add(fe, "value", "duplicate", "该关系已登记");
    if (e != YZ_OK)
        return e;
    int64_t id = yz_col_i64(st, 0);
    yz_exec(st);
    char stream[48];
    snprintf(stream, sizeof stream, "judge/%lld", (long long)judge_id);
    json_t *p = json_pack("{s:I, s:s, s:s, s:s}", "conflict_id", (json_int_t)id, "kind", in->kind,
                          "value", in->value, "reason", in->reason);
    e = yz_app_record(tx, app, stream, "assignment.conflict_configured", who->user_id, 0, channel,
                      p, NULL);
    json_decref(p);
    return e == YZ_OK ? yz_conflict_list(tx, app, who, judge_id, out) : e;
}

enum yz_err yz_conflict_remove(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, const char *channel,
                               int64_t judge_id, int64_t conflict_id, json_t **out)
{
    struct yz_account_row u;
    enum yz_err e = load_judge(tx, judge_id, &u);
    if (e != YZ_OK)
        return e;
    if (!yz_policy_judge_conflicts(app, who, u.court_id, judge_id, true))
        return YZ_ERR_FORBIDDEN;
    struct yz_stmt *st = yz_sql(tx, &q_remove);
    yz_bind_i64(st, 1, yz_time_now_ms());
    yz_bind_i64(st, 2, conflict_id);
    yz_bind_i64(st, 3, judge_id);
    if ((e = yz_step_one(st)) != YZ_OK)
        return e;
    json_t *p = json_pack("{s:I, s:s, s:s}", "conflict_id", (json_int_t)conflict_id, "kind",
                          yz_col_text(st, 0), "value", yz_col_text(st, 1));
    yz_exec(st);
    char stream[48];
    snprintf(stream, sizeof stream, "judge/%lld", (long long)judge_id);
    e = yz_app_record(tx, app, stream, "assignment.conflict_removed", who->user_id, 0, channel, p,
                      NULL);
    json_decref(p);
    return e == YZ_OK ? yz_conflict_list(tx, app, who, judge_id, out) : e;
}

enum yz_err yz_conflict_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             int64_t judge_id, json_t **out)
{
    struct yz_account_row u;
    enum yz_err e = load_judge(tx, judge_id, &u);
    if (e != YZ_OK)
        return e;
    if (!yz_policy_judge_conflicts(app, who, u.court_id, judge_id, false))
        return YZ_ERR_FORBIDDEN;
    json_t *items = json_array();
    struct yz_stmt *st = yz_sql(tx, &q_list);
    yz_bind_i64(st, 1, judge_id);
    yz_bind_i64(st, 2, 200);
    bool row;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        char at[40];
        yz_time_format_utc(yz_col_i64(st, 4), at, sizeof at);
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)yz_col_i64(st, 0),
                             "kind", yz_col_text(st, 1), "kind_title",
                             kind_title(yz_col_text(st, 1)), "value", yz_col_text(st, 2),
                             "reason", yz_col_text(st, 3), "created_at", at));
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:I, s:s, s:o}", "judge_id", (json_int_t)judge_id, "judge_name", u.name,
                     "items", items);
    return YZ_OK;
}
