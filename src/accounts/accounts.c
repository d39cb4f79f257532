/*
 * Account rules: who must give which real-name data, login throttling and
 * TOTP. Personal data is sealed before it reaches the database and only its
 * masked form ever appears in events or responses.
 */
#include "accounts/accounts.h"
#include "accounts/session.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/idnum.h"
#include "core/log.h"
#include "core/mask.h"
#include "core/utf8.h"
#include "crypto/pii.h"
#include "crypto/token.h"
#include "store/store.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t len(const char *s)
{
    return s ? strlen(s) : 0;
}

static bool text_ok(const char *s, size_t min, size_t max)
{
    size_t n = len(s);
    if (!s || !yz_utf8_valid(s, n) || yz_utf8_has_control(s, n, false))
        return false;
    size_t cps = yz_utf8_count(s, n);
    return cps >= min && cps <= max;
}

static void need_text(struct yz_field_errors *fe, const char *field, const char *title,
                      const char *v, size_t max)
{
    if (!v || !*v)
        yz_field_errors_add(fe, field, "required", "请填写%s", title);
    else if (!text_ok(v, 1, max))
        yz_field_errors_add(fe, field, "invalid", "%s应为 1 到 %zu 个字符", title, max);
}

enum yz_err yz_account_prepare(struct yz_app *app, const struct yz_account_input *in,
                               struct yz_account_prepared *out, struct yz_field_errors *fe)
{
    memset(out, 0, sizeof *out);
    int role = in->role ? yz_role_parse(in->role) : -1;
    if (role < 0) {
        yz_field_errors_add(fe, "role", "not_allowed", "角色不正确");
        return YZ_ERR_VALIDATION;
    }
    bool staff = yz_role_is_staff((enum yz_role)role);
    bool lawyer = role == YZ_ROLE_LAWYER;
    yz_strlcpy(out->role, in->role, sizeof out->role);
    need_text(fe, "name", staff ? "姓名" : "姓名或名称", in->name, 100);
    if (in->name)
        yz_strlcpy(out->name, in->name, sizeof out->name);

    const char *kind = staff ? "staff" : (in->person_kind ? in->person_kind : "natural");
    if (!staff && strcmp(kind, "natural") && strcmp(kind, "legal") && strcmp(kind, "other"))
        yz_field_errors_add(fe, "person_kind", "not_allowed", "主体类型应为自然人、法人或非法人组织");
    if (lawyer && strcmp(kind, "natural") != 0)
        yz_field_errors_add(fe, "person_kind", "not_allowed", "律师应以自然人身份注册");
    yz_strlcpy(out->person_kind, kind, sizeof out->person_kind);

    if (staff) {
        bool ok = in->username && len(in->username) >= 3 && len(in->username) <= 40 &&
                  strspn(in->username, "abcdefghijklmnopqrstuvwxyz0123456789_.-") ==
                      len(in->username);
        if (!ok)
            yz_field_errors_add(fe, "username", "invalid", "工作账号应为 3 到 40 个小写字母、数字或 _.- 字符");
        else
            yz_strlcpy(out->username, in->username, sizeof out->username);
        if (!yz_courts_find(&app->courts, in->court_id))
            yz_field_errors_add(fe, "court_id", "not_found", "所属法院不存在");
        out->court_id = in->court_id;
    }

    char phone[YZ_IDNUM_MOBILE_SIZE] = "";
    if (in->phone && *in->phone) {
        enum yz_idnum_problem p =
            yz_idnum_mobile_normalise(in->phone, strlen(in->phone), phone, sizeof phone);
        if (p != YZ_IDNUM_OK)
            yz_field_errors_add(fe, "phone", yz_idnum_problem_code(p), "%s",
                                yz_idnum_problem_message(YZ_IDNUM_KIND_MOBILE, p));
    } else if (!staff) {
        yz_field_errors_add(fe, "phone", "required", "请填写手机号码");
    }

    char cid[YZ_IDNUM_CITIZEN_SIZE] = "";
    bool wants_cid = !staff && strcmp(kind, "natural") == 0;
    if (wants_cid) {
        if (!in->citizen_id || !*in->citizen_id) {
            yz_field_errors_add(fe, "citizen_id", "required", "请填写公民身份号码");
        } else {
            enum yz_idnum_problem p = yz_idnum_citizen_normalise(
                in->citizen_id, strlen(in->citizen_id), yz_date_of_shanghai(yz_time_now_ms()), cid,
                sizeof cid);
            if (p != YZ_IDNUM_OK)
                yz_field_errors_add(fe, "citizen_id", yz_idnum_problem_code(p), "%s",
                                    yz_idnum_problem_message(YZ_IDNUM_KIND_CITIZEN_ID, p));
        }
    }
    if (!staff && !wants_cid) {
        if (!in->credit_code || !*in->credit_code) {
            yz_field_errors_add(fe, "credit_code", "required", "请填写统一社会信用代码");
        } else {
            enum yz_idnum_problem p = yz_idnum_uscc_check(in->credit_code, strlen(in->credit_code));
            if (p != YZ_IDNUM_OK)
                yz_field_errors_add(fe, "credit_code", yz_idnum_problem_code(p), "%s",
                                    yz_idnum_problem_message(YZ_IDNUM_KIND_USCC, p));
            else
                yz_strlcpy(out->credit_code, in->credit_code, sizeof out->credit_code);
        }
        need_text(fe, "legal_rep", "法定代表人或负责人", in->legal_rep, 100);
        if (in->legal_rep)
            yz_strlcpy(out->legal_rep, in->legal_rep, sizeof out->legal_rep);
    }
    if (lawyer) {
        if (!in->licence_no || !*in->licence_no) {
            yz_field_errors_add(fe, "licence_no", "required", "请填写律师执业证号");
        } else {
            enum yz_idnum_problem p =
                yz_idnum_lawyer_licence_check(in->licence_no, strlen(in->licence_no));
            if (p != YZ_IDNUM_OK)
                yz_field_errors_add(fe, "licence_no", yz_idnum_problem_code(p), "%s",
                                    yz_idnum_problem_message(YZ_IDNUM_KIND_LAWYER_LICENCE, p));
            else
                yz_strlcpy(out->licence_no, in->licence_no, sizeof out->licence_no);
        }
        need_text(fe, "firm", "执业机构", in->firm, 100);
        if (in->firm)
            yz_strlcpy(out->firm, in->firm, sizeof out->firm);
    }
    if (!in->password)
        yz_field_errors_add(fe, "password", "required", "请设置密码");
    else
        yz_password_check(in->password, strlen(in->password), phone[0] ? phone : NULL, fe,
                          "password");
    if (fe->count)
        return YZ_ERR_VALIDATION;

    /* The slow part, outside any transaction. */
    enum yz_err e = yz_password_hash(in->password, strlen(in->password), out->password_hash);
    if (e == YZ_OK && phone[0]) {
        yz_mask_mobile(phone, strlen(phone), out->phone_masked, sizeof out->phone_masked);
        e = yz_pii_lookup(app->keys, "phone", phone, out->phone_hash);
        if (e == YZ_OK)
            e = yz_pii_seal(app->keys, phone, strlen(phone), "users.phone", &out->phone_enc);
    }
    if (e == YZ_OK && cid[0]) {
        e = yz_pii_lookup(app->keys, "citizen_id", cid, out->citizen_id_hash);
        if (e == YZ_OK)
            e = yz_pii_seal(app->keys, cid, strlen(cid), "users.citizen_id", &out->citizen_id_enc);
    }
    if (e == YZ_OK && staff) {
        yz_totp_secret_new(out->totp_secret);
        e = yz_pii_seal(app->keys, out->totp_secret, strlen(out->totp_secret), "users.totp",
                        &out->totp_enc);
    }
    if (e != YZ_OK)
        yz_account_prepared_release(out);
    return e;
}

void yz_account_prepared_release(struct yz_account_prepared *p)
{
    free(p->phone_enc);
    free(p->citizen_id_enc);
    free(p->totp_enc);
    p->phone_enc = p->citizen_id_enc = p->totp_enc = NULL;
}

static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO users(role, court_id, username, phone_hash, phone_enc, name, person_kind,"
    " citizen_id_hash, citizen_id_enc, credit_code, legal_rep, licence_no, firm, password_hash,"
    " totp_secret_enc, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

enum yz_err yz_account_insert(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *actor,
                              const char *channel, const struct yz_account_prepared *p,
                              int64_t *user_id)
{
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_text(st, 1, p->role);
    if (p->court_id)
        yz_bind_i64(st, 2, p->court_id);
    else
        yz_bind_null(st, 2);
    yz_bind_text(st, 3, nz(p->username));
    yz_bind_text(st, 4, nz(p->phone_hash));
    yz_bind_text(st, 5, p->phone_enc);
    yz_bind_text(st, 6, p->name);
    yz_bind_text(st, 7, p->person_kind);
    yz_bind_text(st, 8, nz(p->citizen_id_hash));
    yz_bind_text(st, 9, p->citizen_id_enc);
    yz_bind_text(st, 10, nz(p->credit_code));
    yz_bind_text(st, 11, nz(p->legal_rep));
    yz_bind_text(st, 12, nz(p->licence_no));
    yz_bind_text(st, 13, nz(p->firm));
    yz_bind_text(st, 14, p->password_hash);
    yz_bind_text(st, 15, p->totp_enc);
    yz_bind_i64(st, 16, yz_time_now_ms());
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    *user_id = yz_col_i64(st, 0);
    yz_exec(st);

    char stream[32], name_masked[64];
    snprintf(stream, sizeof stream, "user/%lld", (long long)*user_id);
    yz_mask_name(p->name, strlen(p->name), name_masked, sizeof name_masked);
    json_t *payload = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "role", p->role, "person_kind",
                                p->person_kind, "name", name_masked, "phone",
                                nz(p->phone_masked), "username", nz(p->username));
    if (p->court_id)
        json_object_set_new(payload, "court_id", json_integer(p->court_id));
    e = yz_app_record(tx, app, stream, "account.created", actor ? actor->user_id : 0, 0, channel,
                      payload, NULL);
    json_decref(payload);
    return e;
}

struct system_insert {
    struct yz_app *app;
    const struct yz_account_prepared *p;
    int64_t *id;
};

static enum yz_err system_insert_tx(struct yz_tx *tx, void *ctx)
{
    struct system_insert *c = ctx;
    struct yz_principal system = {0};
    return yz_account_insert(tx, c->app, &system, "system", c->p, c->id);
}

enum yz_err yz_account_insert_as_system(struct yz_app *app, const struct yz_account_prepared *p,
                                        int64_t *user_id)
{
    struct system_insert c = {app, p, user_id};
    return yz_store_write(app->store, system_insert_tx, &c);
}

/* ---- login ---- */

static struct yz_sql_def q_throttle_get =
    YZ_SQL("SELECT failures, locked_until FROM login_throttle WHERE login_hash = ?");
static struct yz_sql_def q_throttle_fail = YZ_SQL(
    "INSERT INTO login_throttle(login_hash, failures, locked_until, updated_at) VALUES (?, 1, 0, ?)"
    " ON CONFLICT(login_hash) DO UPDATE SET failures = failures + 1, updated_at = excluded.updated_at"
    " RETURNING failures");
static struct yz_sql_def q_throttle_lock =
    YZ_SQL("UPDATE login_throttle SET locked_until = ? WHERE login_hash = ?");
static struct yz_sql_def q_throttle_clear = YZ_SQL("DELETE FROM login_throttle WHERE login_hash = ?");
static struct yz_sql_def q_user_by_phone = YZ_SQL(
    "SELECT id, role, coalesce(court_id, 0), name, password_hash, totp_secret_enc, totp_last_step,"
    " status FROM users WHERE phone_hash = ?");
static struct yz_sql_def q_user_by_name = YZ_SQL(
    "SELECT id, role, coalesce(court_id, 0), name, password_hash, totp_secret_enc, totp_last_step,"
    " status FROM users WHERE username = ?");
static struct yz_sql_def q_totp_step =
    YZ_SQL("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?");
static struct yz_sql_def q_revoke_previous =
    YZ_SQL("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL");

struct login_state {
    struct yz_app *app;
    char login_hash[65];
    char phone_hash[65];
    const char *username;
    /* read back */
    int64_t failures, locked_until;
    bool found;
    int64_t user_id;
    int role;
    int64_t court_id;
    char name[128];
    char password_hash[YZ_PASSWORD_HASH_SIZE];
    char *totp_enc;
    int64_t totp_last_step;
    bool active;
    /* for the write */
    const char *channel;
    const char *reason;
    bool bearer;
    const char *previous;
    int64_t new_step;
    struct yz_login_result *out;
};

static enum yz_err login_read_tx(struct yz_tx *tx, void *ctx)
{
    struct login_state *s = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_throttle_get);
    yz_bind_text(st, 1, s->login_hash);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (row) {
        s->failures = yz_col_i64(st, 0);
        s->locked_until = yz_col_i64(st, 1);
    }
    st = yz_sql(tx, s->username ? &q_user_by_name : &q_user_by_phone);
    yz_bind_text(st, 1, s->username ? s->username : s->phone_hash);
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e;
    s->found = true;
    s->user_id = yz_col_i64(st, 0);
    s->role = yz_role_parse(yz_col_text(st, 1));
    s->court_id = yz_col_i64(st, 2);
    yz_strlcpy(s->name, yz_col_text(st, 3), sizeof s->name);
    yz_strlcpy(s->password_hash, yz_col_text(st, 4), sizeof s->password_hash);
    if (!yz_col_null(st, 5))
        s->totp_enc = yz_strdup(yz_col_text(st, 5));
    s->totp_last_step = yz_col_i64(st, 6);
    s->active = strcmp(yz_col_text(st, 7), "active") == 0;
    return YZ_OK;
}

static enum yz_err login_fail_tx(struct yz_tx *tx, void *ctx)
{
    struct login_state *s = ctx;
    const struct yz_config *c = &s->app->cfg;
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_throttle_fail);
    yz_bind_text(st, 1, s->login_hash);
    yz_bind_i64(st, 2, now);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    int64_t failures = yz_col_i64(st, 0);
    yz_exec(st);
    if (failures >= c->login.max_failures) {
        /* Back-off doubles with each further failure, up to the maximum. */
        int64_t over = failures - c->login.max_failures;
        int64_t lock_s = c->login.lockout_base_s;
        for (int64_t i = 0; i < over && lock_s < c->login.lockout_max_s; i++)
            lock_s *= 2;
        if (lock_s > c->login.lockout_max_s)
            lock_s = c->login.lockout_max_s;
        st = yz_sql(tx, &q_throttle_lock);
        yz_bind_i64(st, 1, now + lock_s * 1000);
        yz_bind_text(st, 2, s->login_hash);
        if ((e = yz_exec(st)) != YZ_OK)
            return e;
    }
    json_t *payload = json_pack("{s:s, s:I}", "reason", s->reason, "failures", (json_int_t)failures);
    e = yz_app_record(tx, s->app, s->found ? "security" : "security", "login.failed",
                      s->found ? s->user_id : 0, 0, s->channel, payload, NULL);
    json_decref(payload);
    return e;
}

static enum yz_err login_ok_tx(struct yz_tx *tx, void *ctx)
{
    struct login_state *s = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_throttle_clear);
    yz_bind_text(st, 1, s->login_hash);
    enum yz_err e = yz_exec(st);
    if (e == YZ_OK && s->new_step) {
        st = yz_sql(tx, &q_totp_step);
        yz_bind_i64(st, 1, s->new_step);
        yz_bind_i64(st, 2, s->user_id);
        yz_bind_i64(st, 3, s->new_step);
        e = yz_exec(st);
        if (e == YZ_OK && yz_tx_changes(tx) != 1)
            e = YZ_ERR_LOGIN_FAILED; /* the code was used concurrently: replay */
    }
    if (e == YZ_OK && s->previous && *s->previous) {
        st = yz_sql(tx, &q_revoke_previous);
        yz_bind_i64(st, 1, yz_time_now_ms());
        yz_bind_text(st, 2, s->previous);
        e = yz_exec(st);
    }
    struct yz_login_result *out = s->out;
    if (e == YZ_OK)
        e = yz_session_open(tx, s->app, &out->who, s->bearer, out->token, out->csrf,
                            &out->expires_at, &out->max_age_s);
    if (e == YZ_OK) {
        char stream[32];
        snprintf(stream, sizeof stream, "user/%lld", (long long)s->user_id);
        json_t *payload = json_pack("{s:s}", "session", s->bearer ? "bearer" : "cookie");
        e = yz_app_record(tx, s->app, stream, "login.succeeded", s->user_id, 0, s->channel,
                          payload, NULL);
        json_decref(payload);
    }
    return e;
}

/* A fixed hash to verify against when the account does not exist, so that
 * unknown accounts take as long as known ones. */
static char dummy_hash[YZ_PASSWORD_HASH_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
    yz_password_hash("yizhan-dummy-password", 21, dummy_hash);
}

static enum yz_err fail(struct login_state *s, const char *reason, enum yz_err result)
{
    s->reason = reason;
    enum yz_err e = yz_store_write(s->app->store, login_fail_tx, s);
    return e == YZ_OK ? result : e;
}

enum yz_err yz_login(struct yz_app *app, const char *login, const char *password,
                     const char *totp, const char *channel, bool bearer,
                     const char *previous_session_hash, struct yz_login_result *out)
{
    struct login_state s;
    memset(&s, 0, sizeof s);
    memset(out, 0, sizeof *out);
    s.app = app;
    s.channel = channel;
    s.bearer = bearer;
    s.previous = previous_session_hash;
    s.out = out;
    enum yz_err e;

    char phone[YZ_IDNUM_MOBILE_SIZE];
    if (yz_idnum_mobile_normalise(login, strlen(login), phone, sizeof phone) == YZ_IDNUM_OK) {
        if ((e = yz_pii_lookup(app->keys, "phone", phone, s.phone_hash)) != YZ_OK)
            return e;
        e = yz_pii_lookup(app->keys, "login", phone, s.login_hash);
    } else {
        s.username = login;
        e = yz_pii_lookup(app->keys, "login", login, s.login_hash);
    }
    if (e != YZ_OK)
        return YZ_ERR_LOGIN_FAILED;
    if ((e = yz_store_read(app->store, login_read_tx, &s)) != YZ_OK)
        goto out;
    if (s.locked_until > yz_time_now_ms()) {
        e = YZ_ERR_ACCOUNT_LOCKED;
        goto out;
    }
    pthread_once(&dummy_once, make_dummy);
    bool ok = yz_password_verify(s.found ? s.password_hash : dummy_hash, password, strlen(password));
    if (!s.found || !ok || !s.active || s.role < 0) {
        e = fail(&s, s.found ? (ok ? "disabled" : "password") : "unknown", YZ_ERR_LOGIN_FAILED);
        goto out;
    }
    bool staff = yz_role_is_staff((enum yz_role)s.role);
    bool need_totp = staff && (s.totp_enc || app->cfg.login.staff_totp == YZ_CONFIG_TOTP_REQUIRED);
    if (need_totp) {
        if (!totp || !*totp) {
            e = YZ_ERR_TOTP_REQUIRED;
            goto out;
        }
        char *secret = NULL;
        if (!s.totp_enc || yz_pii_open(app->keys, s.totp_enc, "users.totp", &secret) != YZ_OK) {
            e = fail(&s, "totp_missing", YZ_ERR_LOGIN_FAILED);
            goto out;
        }
        int64_t step = s.totp_last_step;
        enum yz_err te = yz_totp_verify(secret, totp, yz_time_now_ms() / 1000, &step);
        yz_pii_free(secret);
        if (te != YZ_OK) {
            e = fail(&s, "totp", YZ_ERR_LOGIN_FAILED);
            goto out;
        }
        s.new_step = step;
    }
    out->who.user_id = s.user_id;
    out->who.role = (enum yz_role)s.role;
    out->who.court_id = s.court_id;
    out->who.bearer = bearer;
    out->who.reauth_at = yz_time_now_ms();
    yz_strlcpy(out->who.name, s.name, sizeof out->who.name);
    e = yz_store_write(app->store, login_ok_tx, &s);
out:
    free(s.totp_enc);
    sodium_memzero(s.password_hash, sizeof s.password_hash);
    return e;
}

/* ---- profile ---- */

static struct yz_sql_def q_profile = YZ_SQL(
    "SELECT id, role, coalesce(court_id, 0), username, phone_enc, name, person_kind,"
    " citizen_id_enc, credit_code, legal_rep, licence_no, firm, created_at, totp_secret_enc IS NOT NULL"
    " FROM users WHERE id = ?");

struct profile {
    struct yz_app *app;
    int64_t id;
    json_t *out;
};

static void add_masked(struct profile *p, json_t *o, const char *key, const char *enc,
                       const char *context, bool (*mask)(const char *, size_t, char *, size_t))
{
    if (!enc || !*enc)
        return;
    char *plain = NULL;
    char masked[YZ_MASK_SIZE];
    if (yz_pii_open(p->app->keys, enc, context, &plain) == YZ_OK) {
        mask(plain, strlen(plain), masked, sizeof masked);
        json_object_set_new(o, key, json_string(masked));
    }
    yz_pii_free(plain);
}

static enum yz_err profile_tx(struct yz_tx *tx, void *ctx)
{
    struct profile *p = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_profile);
    yz_bind_i64(st, 1, p->id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    json_t *o = json_object();
    int role = yz_role_parse(yz_col_text(st, 1));
    json_object_set_new(o, "id", json_integer(yz_col_i64(st, 0)));
    json_object_set_new(o, "role", json_string(yz_col_text(st, 1)));
    json_object_set_new(o, "role_title", json_string(role >= 0 ? yz_role_title(role) : ""));
    if (yz_col_i64(st, 2)) {
        json_object_set_new(o, "court_id", json_integer(yz_col_i64(st, 2)));
        const struct yz_court *c = yz_courts_find(&p->app->courts, yz_col_i64(st, 2));
        if (c)
            json_object_set_new(o, "court_name", json_string(c->name));
    }
    if (!yz_col_null(st, 3))
        json_object_set_new(o, "username", json_string(yz_col_text(st, 3)));
    add_masked(p, o, "phone", yz_col_text(st, 4), "users.phone", yz_mask_mobile);
    json_object_set_new(o, "name", json_string(yz_col_text(st, 5)));
    json_object_set_new(o, "person_kind", json_string(yz_col_text(st, 6)));
    add_masked(p, o, "citizen_id", yz_col_text(st, 7), "users.citizen_id", yz_mask_citizen_id);
    const char *opt[][2] = {{"credit_code", yz_col_text(st, 8)}, {"legal_rep", yz_col_text(st, 9)},
                            {"licence_no", yz_col_text(st, 10)}, {"firm", yz_col_text(st, 11)}};
    for (size_t i = 0; i < 4; i++)
        if (*opt[i][1])
            json_object_set_new(o, opt[i][0], json_string(opt[i][1]));
    char ts[40];
    yz_time_format_utc(yz_col_i64(st, 12), ts, sizeof ts);
    json_object_set_new(o, "created_at", json_string(ts));
    json_object_set_new(o, "totp_enabled", json_boolean(yz_col_i64(st, 13)));
    p->out = o;
    return YZ_OK;
}

enum yz_err yz_account_json(struct yz_app *app, int64_t user_id, json_t **out)
{
    struct profile p = {app, user_id, NULL};
    enum yz_err e = yz_store_read(app->store, profile_tx, &p);
    *out = p.out;
    return e;
}

/* ---- unmasking ---- */

static struct yz_sql_def q_secrets =
    YZ_SQL("SELECT password_hash, phone_enc, citizen_id_enc FROM users WHERE id = ?");

struct secrets {
    int64_t id;
    char password_hash[YZ_PASSWORD_HASH_SIZE];
    char *phone_enc, *citizen_id_enc;
};

static enum yz_err secrets_tx(struct yz_tx *tx, void *ctx)
{
    struct secrets *s = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_secrets);
    yz_bind_i64(st, 1, s->id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    yz_strlcpy(s->password_hash, yz_col_text(st, 0), sizeof s->password_hash);
    if (!yz_col_null(st, 1))
        s->phone_enc = yz_strdup(yz_col_text(st, 1));
    if (!yz_col_null(st, 2))
        s->citizen_id_enc = yz_strdup(yz_col_text(st, 2));
    return YZ_OK;
}

struct viewed {
    struct yz_app *app;
    const struct yz_principal *who;
    const char *channel;
    json_t *fields;
};

static enum yz_err viewed_tx(struct yz_tx *tx, void *ctx)
{
    struct viewed *v = ctx;
    char stream[32];
    snprintf(stream, sizeof stream, "user/%lld", (long long)v->who->user_id);
    json_t *payload = json_pack("{s:O}", "fields", v->fields);
    enum yz_err e = yz_app_record(tx, v->app, stream, "personal_data.viewed", v->who->user_id, 0,
                                  v->channel, payload, NULL);
    json_decref(payload);
    return e;
}

static void put_open(struct yz_app *app, json_t *out, json_t *names, const char *key,
                     const char *enc, const char *context)
{
    char *plain = NULL;
    if (enc && yz_pii_open(app->keys, enc, context, &plain) == YZ_OK) {
        json_object_set_new(out, key, json_string(plain));
        json_array_append_new(names, json_string(key));
    }
    yz_pii_free(plain);
}

enum yz_err yz_account_personal_data(struct yz_app *app, const struct yz_principal *who,
                                     const char *password, const char *channel, json_t **out)
{
    struct secrets s = {.id = who->user_id};
    enum yz_err e = yz_store_read(app->store, secrets_tx, &s);
    if (e == YZ_OK && !yz_password_verify(s.password_hash, password, strlen(password)))
        e = YZ_ERR_LOGIN_FAILED;
    json_t *o = NULL, *names = NULL;
    if (e == YZ_OK) {
        o = json_object();
        names = json_array();
        put_open(app, o, names, "phone", s.phone_enc, "users.phone");
        put_open(app, o, names, "citizen_id", s.citizen_id_enc, "users.citizen_id");
        /* Recorded before anything is shown: no record, no data. */
        struct viewed v = {app, who, channel, names};
        e = yz_store_write(app->store, viewed_tx, &v);
    }
    if (e == YZ_OK)
        *out = o;
    else
        json_decref(o);
    json_decref(names);
    sodium_memzero(s.password_hash, sizeof s.password_hash);
    free(s.phone_enc);
    free(s.citizen_id_enc);
    return e;
}
