/*
 * E-mail and SMS notifications: checking addresses and texts, sealing the
 * address, and writing the outbox row in the caller's transaction. Nothing
 * here touches the network; sender.c delivers.
 *
 * Validation happens twice on purpose: the HTTP adapter checks user input to
 * report fields, and the enqueue functions check again because workflow code
 * calls them too, and a bad row would only fail later, far from its cause.
 */
#include "notify/notify.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/idnum.h"
#include "core/log.h"
#include "core/mask.h"
#include "core/utf8.h"
#include "crypto/pii.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define CONFIRM_SUBJECT "您的一站式诉讼服务平台通知邮箱已设置"
#define CHANGED_SUBJECT "您的一站式诉讼服务平台通知邮箱已更改"

static struct yz_sql_def q_matter_court = YZ_SQL("SELECT court_id FROM matters WHERE id = ?");
static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO outbox(matter_id, recipient_user_id, recipient_court_id, channel, template,"
    " payload, created_at, address_enc, subject, next_attempt_at)"
    " VALUES (?, ?, ?, ?, 'text', ?, ?, ?, ?, ?)");
static struct yz_sql_def q_user_email =
    YZ_SQL("SELECT coalesce(email_hash, ''), coalesce(email_enc, '') FROM users WHERE id = ?");
static struct yz_sql_def q_set_email =
    YZ_SQL("UPDATE users SET email_enc = ?, email_hash = ? WHERE id = ?");
static struct yz_sql_def q_list = YZ_SQL(
    "SELECT o.id, o.matter_id, o.channel, o.template, coalesce(o.address_enc, ''), o.subject,"
    " o.attempts, o.last_error, o.created_at, o.sent_at, o.next_attempt_at"
    " FROM matters m JOIN outbox o ON o.matter_id = m.id"
    " WHERE m.court_id = ? AND o.channel IN ('sms', 'email') AND o.id < ?"
    " AND (? = '' OR (CASE WHEN o.sent_at IS NOT NULL THEN 'sent'"
    "  WHEN o.next_attempt_at IS NULL THEN 'failed' ELSE 'pending' END) = ?)"
    " ORDER BY o.id DESC LIMIT ?");

/* ---- addresses ---- */

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_atext(unsigned char c)
{
    return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool local_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.')
                return false;
        } else if (!is_atext((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

static bool domain_ok(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return false;
    size_t labels = 0, start = 0;
    bool all_digits = true;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            unsigned char c = (unsigned char)s[i];
            if (!is_alnum(c) && c != '-')
                return false;
            all_digits = all_digits && c >= '0' && c <= '9';
            continue;
        }
        size_t len = i - start;
        if (len == 0 || len > 63 || s[start] == '-' || s[i - 1] == '-')
            return false;
        labels++;
        if (i < n) {
            start = i + 1;
            all_digits = true;
        }
    }
    /* A numeric top-level label would make 10.0.0.1 a "domain". */
    return labels >= 2 && !all_digits;
}

const char *yz_notify_email_normalise(const char *s, size_t n, char out[YZ_NOTIFY_EMAIL_SIZE])
{
    out[0] = '\0';
    if (n == 0)
        return "required";
    if (n > YZ_NOTIFY_EMAIL_MAX)
        return "too_long";
    if (memchr(s, '\0', n))
        return "format";
    const char *at = memchr(s, '@', n);
    if (!at)
        return "format";
    size_t ln = (size_t)(at - s), dn = n - ln - 1;
    if (!local_ok(s, ln) || !domain_ok(at + 1, dn))
        return "format";
    memcpy(out, s, n);
    out[n] = '\0';
    for (size_t i = ln + 1; i < n; i++)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] = (char)(out[i] - 'A' + 'a');
    return NULL;
}

const char *yz_notify_email_problem_message(const char *code)
{
    if (code && strcmp(code, "required") == 0)
        return "请填写电子邮箱地址";
    if (code && strcmp(code, "too_long") == 0)
        return "电子邮箱地址过长（最多 254 个字符）";
    return "电子邮箱地址格式不正确，请填写如 zhangsan@example.cn 的地址";
}

void yz_notify_mask_email(const char *address, char out[YZ_NOTIFY_EMAIL_SIZE])
{
    const char *at = strchr(address, '@');
    if (!at || at == address || strlen(at) > YZ_NOTIFY_EMAIL_MAX - 4 ||
        ((unsigned char)address[0] & 0x80)) {
        snprintf(out, YZ_NOTIFY_EMAIL_SIZE, "%s", YZ_MASK_FULL);
        return;
    }
    snprintf(out, YZ_NOTIFY_EMAIL_SIZE, "%c***%s", address[0], at);
}

int64_t yz_notify_backoff_ms(int attempts, int64_t base_ms)
{
    if (attempts >= YZ_NOTIFY_MAX_ATTEMPTS)
        return -1;
    if (attempts < 1)
        attempts = 1;
    int64_t d = base_ms > 0 ? base_ms : 1;
    for (int i = 1; i < attempts && d < YZ_NOTIFY_BACKOFF_CAP_MS; i++)
        d *= 2;
    return d < YZ_NOTIFY_BACKOFF_CAP_MS ? d : YZ_NOTIFY_BACKOFF_CAP_MS;
}

/* ---- enqueueing ---- */

struct message {
    const char *channel;  /* "email" | "sms" */
    const char *context;  /* the seal's context */
    const char *address;  /* normalised */
    const char *subject;  /* NULL for SMS */
    const char *text;
};

static bool text_ok(const char *s, size_t min_chars, size_t max_chars, size_t max_bytes,
                    bool multiline)
{
    size_t n = s ? strlen(s) : 0;
    if (!s || n > max_bytes || !yz_utf8_valid(s, n) || yz_utf8_has_control(s, n, multiline))
        return false;
    size_t chars = yz_utf8_count(s, n);
    return chars >= min_chars && chars <= max_chars;
}

static enum yz_err enqueue(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                           int64_t user_id, const struct message *m)
{
    int64_t court_id = 0;
    enum yz_err e = YZ_OK;
    if (user_id <= 0 && matter_id <= 0) {
        yz_log_error("notify %s: neither a user nor a matter to address it to", m->channel);
        return YZ_ERR_VALIDATION;
    }
    if (user_id <= 0) {
        struct yz_stmt *st = yz_sql(tx, &q_matter_court);
        yz_bind_i64(st, 1, matter_id);
        if ((e = yz_step_one(st)) != YZ_OK)
            return e;
        court_id = yz_col_i64(st, 0);
    }
    char *sealed = NULL;
    e = yz_pii_seal(app->keys, m->address, strlen(m->address), m->context, &sealed);
    if (e != YZ_OK)
        return e;
    json_t *payload = json_pack("{s:s}", "text", m->text);
    char *text = payload ? yz_json_dumps(payload) : NULL;
    json_decref(payload);
    if (!text) {
        free(sealed);
        return YZ_ERR_INTERNAL;
    }
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    if (matter_id > 0)
        yz_bind_i64(st, 1, matter_id);
    else
        yz_bind_null(st, 1);
    if (user_id > 0)
        yz_bind_i64(st, 2, user_id);
    else
        yz_bind_null(st, 2);
    if (court_id > 0)
        yz_bind_i64(st, 3, court_id);
    else
        yz_bind_null(st, 3);
    yz_bind_text(st, 4, m->channel);
    yz_bind_text(st, 5, text);
    yz_bind_i64(st, 6, now);
    yz_bind_text(st, 7, sealed);
    yz_bind_text(st, 8, m->subject); /* NULL binds NULL */
    yz_bind_i64(st, 9, now);
    e = yz_exec(st);
    free(text);
    free(sealed);
    return e;
}

enum yz_err yz_notify_email(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                            int64_t user_id, const char *address, const char *subject,
                            const char *body_text)
{
    char norm[YZ_NOTIFY_EMAIL_SIZE];
    if (!address || yz_notify_email_normalise(address, strlen(address), norm)) {
        yz_log_error("notify email: the address is not valid");
        return YZ_ERR_VALIDATION;
    }
    if (!text_ok(subject, 1, YZ_NOTIFY_SUBJECT_MAX, 4 * YZ_NOTIFY_SUBJECT_MAX, false) ||
        !text_ok(body_text, 1, YZ_NOTIFY_BODY_MAX, YZ_NOTIFY_BODY_MAX, true)) {
        yz_log_error("notify email: subject or body is empty, too long or not single-line UTF-8");
        return YZ_ERR_VALIDATION;
    }
    struct message m = {"email", "outbox.email", norm, subject, body_text};
    return enqueue(tx, app, matter_id, user_id, &m);
}

enum yz_err yz_notify_sms(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                          int64_t user_id, const char *phone, const char *text)
{
    char norm[YZ_IDNUM_MOBILE_SIZE];
    if (!phone ||
        yz_idnum_mobile_normalise(phone, strlen(phone), norm, sizeof norm) != YZ_IDNUM_OK) {
        yz_log_error("notify sms: the phone number is not a mainland mobile number");
        return YZ_ERR_VALIDATION;
    }
    if (!text_ok(text, 1, YZ_NOTIFY_SMS_MAX, 4 * YZ_NOTIFY_SMS_MAX, true)) {
        yz_log_error("notify sms: the text is empty, too long or not UTF-8");
        return YZ_ERR_VALIDATION;
    }
    struct message m = {"sms", "outbox.sms", norm, NULL, text};
    return enqueue(tx, app, matter_id, user_id, &m);
}

/* ---- the account's own address ---- */

static void lower_ascii(const char *s, char *out, size_t size)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++)
        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    out[i] = '\0';
}

enum yz_err yz_notify_set_email(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, const char *address,
                                const char *channel, json_t **out)
{
    char norm[YZ_NOTIFY_EMAIL_SIZE], folded[YZ_NOTIFY_EMAIL_SIZE], hash[YZ_PII_LOOKUP_HEX];
    char masked[YZ_NOTIFY_EMAIL_SIZE], old_masked[YZ_NOTIFY_EMAIL_SIZE] = "";
    char *old_enc = NULL, *old_plain = NULL, *sealed = NULL;
    json_t *payload = NULL;
    enum yz_err e;
    *out = NULL;
    if (who->user_id <= 0 || yz_notify_email_normalise(address, strlen(address), norm))
        return YZ_ERR_VALIDATION;
    /* One person, one address, however its letters are cased. */
    lower_ascii(norm, folded, sizeof folded);
    if ((e = yz_pii_lookup(app->keys, "email", folded, hash)) != YZ_OK)
        return e;
    yz_notify_mask_email(norm, masked);

    struct yz_stmt *st = yz_sql(tx, &q_user_email);
    yz_bind_i64(st, 1, who->user_id);
    if ((e = yz_step_one(st)) != YZ_OK)
        goto out;
    if (strcmp(yz_col_text(st, 0), hash) == 0) {
        *out = json_pack("{s:s, s:b}", "email", masked, "changed", 0);
        goto out;
    }
    if (*yz_col_text(st, 1))
        old_enc = yz_strdup(yz_col_text(st, 1));
    if (old_enc && yz_pii_open(app->keys, old_enc, "users.email", &old_plain) == YZ_OK)
        yz_notify_mask_email(old_plain, old_masked);
    else if (old_enc) /* a damaged value: replace it, but say nothing to nobody */
        yz_log_warn("user %lld: the stored e-mail address does not open", (long long)who->user_id);

    if ((e = yz_pii_seal(app->keys, norm, strlen(norm), "users.email", &sealed)) != YZ_OK)
        goto out;
    st = yz_sql(tx, &q_set_email);
    yz_bind_text(st, 1, sealed);
    yz_bind_text(st, 2, hash);
    yz_bind_i64(st, 3, who->user_id);
    if ((e = yz_exec(st)) != YZ_OK)
        goto out;

    char stream[48];
    snprintf(stream, sizeof stream, "user/%lld", (long long)who->user_id);
    payload = json_pack("{s:s}", "email", masked);
    if (old_masked[0])
        json_object_set_new(payload, "previous", json_string(old_masked));
    if ((e = yz_app_record(tx, app, stream, "contact.email_set", who->user_id, 0, channel, payload,
                           NULL)) != YZ_OK)
        goto out;

    char body[1024];
    snprintf(body, sizeof body,
             "您好：\n\n"
             "您的一站式诉讼服务平台通知邮箱已设置为本邮箱（%s）。今后平台将通过本邮箱向您发送"
             "调解、立案、开庭等事项的通知。\n\n"
             "如果这不是您本人的操作，请立即登录平台修改通知邮箱，并与法院联系。\n\n"
             "本邮件由系统自动发送，请勿直接回复。\n",
             masked);
    if ((e = yz_notify_email(tx, app, 0, who->user_id, norm, CONFIRM_SUBJECT, body)) != YZ_OK)
        goto out;
    if (old_plain && old_masked[0]) {
        snprintf(body, sizeof body,
                 "您好：\n\n"
                 "您在一站式诉讼服务平台的通知邮箱已由本邮箱更改为 %s，今后的通知将发往新邮箱。"
                 "\n\n如果这不是您本人的操作，请立即登录平台修改通知邮箱，并与法院联系。\n\n"
                 "本邮件由系统自动发送，请勿直接回复。\n",
                 masked);
        if ((e = yz_notify_email(tx, app, 0, who->user_id, old_plain, CHANGED_SUBJECT, body)) !=
            YZ_OK)
            goto out;
    }
    *out = json_pack("{s:s, s:b}", "email", masked, "changed", 1);
out:
    json_decref(payload);
    free(sealed);
    free(old_enc);
    yz_pii_free(old_plain);
    return e;
}

/* ---- the court admin's view ---- */

static json_t *time_or_null(struct yz_stmt *st, int col)
{
    if (yz_col_null(st, col))
        return json_null();
    char t[32];
    yz_time_format_utc(yz_col_i64(st, col), t, sizeof t);
    return json_string(t);
}

static json_t *text_or_null(struct yz_stmt *st, int col)
{
    return yz_col_null(st, col) ? json_null() : json_string(yz_col_text(st, col));
}

static json_t *masked_address(struct yz_app *app, const char *channel, const char *enc)
{
    char *plain = NULL;
    char out[YZ_NOTIFY_EMAIL_SIZE];
    bool email = strcmp(channel, "email") == 0;
    snprintf(out, sizeof out, "%s", YZ_MASK_FULL);
    if (*enc && yz_pii_open(app->keys, enc, email ? "outbox.email" : "outbox.sms", &plain) == YZ_OK) {
        if (email)
            yz_notify_mask_email(plain, out);
        else
            yz_mask_mobile(plain, strlen(plain), out, sizeof out);
    }
    yz_pii_free(plain);
    return json_string(out);
}

enum yz_err yz_notify_outbox_list(struct yz_tx *tx, struct yz_app *app,
                                  const struct yz_principal *who, const char *status,
                                  int64_t before_id, int limit, json_t **out)
{
    *out = NULL;
    if (who->role != YZ_ROLE_COURT_ADMIN || who->court_id <= 0 ||
        !yz_policy_court_visible(app, who, who->court_id))
        return YZ_ERR_FORBIDDEN;
    int cap = yz_tx_max_rows(tx);
    if (limit <= 0 || limit > cap)
        limit = cap;
    struct yz_stmt *st = yz_sql(tx, &q_list);
    yz_bind_i64(st, 1, who->court_id);
    yz_bind_i64(st, 2, before_id > 0 ? before_id : INT64_MAX);
    yz_bind_text(st, 3, status ? status : "");
    yz_bind_text(st, 4, status ? status : "");
    yz_bind_i64(st, 5, limit);
    json_t *items = json_array();
    bool row;
    enum yz_err e;
    int64_t last = 0;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        const char *channel = yz_col_text(st, 2);
        const char *state = !yz_col_null(st, 9)    ? "sent"
                            : yz_col_null(st, 10) ? "failed"
                                                  : "pending";
        last = yz_col_i64(st, 0);
        json_t *item = json_pack(
            "{s:I, s:I, s:s, s:s, s:o, s:o, s:s, s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)last,
            "matter_id", (json_int_t)yz_col_i64(st, 1), "channel", channel, "template",
            yz_col_text(st, 3), "address", masked_address(app, channel, yz_col_text(st, 4)),
            "subject", text_or_null(st, 5), "status", state, "attempts",
            (json_int_t)yz_col_i64(st, 6), "last_error", text_or_null(st, 7), "created_at",
            time_or_null(st, 8), "sent_at", time_or_null(st, 9), "next_attempt_at",
            strcmp(state, "pending") == 0 ? time_or_null(st, 10) : json_null());
        json_array_append_new(items, item);
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o, s:i}", "items", items, "limit", limit);
    if ((int)json_array_size(items) == limit)
        json_object_set_new(*out, "next_before", json_integer(last));
    return YZ_OK;
}
