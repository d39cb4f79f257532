#include "payments/payments.h"
#include "payments/ledger.h"
#include "app/app.h"
#include "matters/matters.h"
#include "core/clock.h"
#include "core/log.h"
#include "crypto/keys.h"
#include "policy/policy.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum yz_err yz_payments_load_key(struct yz_app *app, struct yz_buf *err)
{
    const char *path = app->cfg.payments.gateway_key_file;
    app->payment_key_len = 0;
    if (!path || !*path)
        return YZ_OK;
    _Static_assert(sizeof app->payment_key == YZ_PAYMENT_KEY_MAX, "payment key buffer");
    return yz_keyfile_read(path, "payments.gateway_key_file", YZ_PAYMENT_KEY_MIN,
                           YZ_PAYMENT_KEY_MAX, app->payment_key, &app->payment_key_len, err);
}

static struct yz_sql_def q_case = YZ_SQL(
    "SELECT m.court_id, m.state, c.fee_fen, c.case_number,"
    " (SELECT capacity FROM matter_participants p WHERE p.matter_id = m.id AND p.user_id = ?)"
    " FROM matters m LEFT JOIN cases c ON c.matter_id = m.id WHERE m.id = ?");
static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO payments(matter_id, kind, method, amount_fen, status, order_no, created_by,"
    " created_at, paid_at, receipt_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_by_id = YZ_SQL(
    "SELECT matter_id, kind, method, amount_fen, status, order_no, coalesce(gateway_ref, '')"
    " FROM payments WHERE id = ?");
static struct yz_sql_def q_by_order = YZ_SQL(
    "SELECT id, matter_id, kind, method, amount_fen, status, coalesce(gateway_ref, '')"
    " FROM payments WHERE order_no = ?");
static struct yz_sql_def q_paid = YZ_SQL(
    "UPDATE payments SET status = 'paid', paid_at = ?, receipt_no = ?, gateway_ref = ?"
    " WHERE id = ? AND status = 'pending'");
static struct yz_sql_def q_entries = YZ_SQL(
    "SELECT id, kind, method, amount_fen, status, order_no, coalesce(receipt_no, ''), created_at,"
    " coalesce(paid_at, 0) FROM payments WHERE matter_id = ? ORDER BY id LIMIT 200");

struct caseinfo {
    int64_t court_id, fee_fen;
    bool registered, has_fee, participant;
    char case_number[96];
};

static enum yz_err load_case(struct yz_tx *tx, const struct yz_principal *who, int64_t matter_id,
                             struct caseinfo *ci)
{
    memset(ci, 0, sizeof *ci);
    struct yz_stmt *st = yz_sql(tx, &q_case);
    yz_bind_i64(st, 1, who ? who->user_id : 0);
    yz_bind_i64(st, 2, matter_id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    ci->court_id = yz_col_i64(st, 0);
    ci->registered = !yz_col_null(st, 3);
    ci->has_fee = !yz_col_null(st, 2);
    ci->fee_fen = yz_col_i64(st, 2);
    yz_strlcpy(ci->case_number, yz_col_text(st, 3), sizeof ci->case_number);
    ci->participant = !yz_col_null(st, 4);
    return yz_exec(st);
}

static enum yz_err record(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                          const char *type, int64_t actor, const char *channel, json_t *payload)
{
    char stream[32];
    yz_matter_stream(matter_id, stream, sizeof stream);
    enum yz_err e = yz_app_record(tx, app, stream, type, actor, 0, channel, payload, NULL);
    json_decref(payload);
    return e;
}

static void new_order_no(int64_t matter_id, char out[40])
{
    unsigned char rnd[6];
    char hex[13];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(out, 40, "YZ%lld-%s", (long long)matter_id, hex);
}

static bool court_cashier(const struct yz_principal *who, int64_t court_id)
{
    return (who->role == YZ_ROLE_FILING_CLERK || who->role == YZ_ROLE_COURT_ADMIN) &&
           who->court_id == court_id;
}

/* RULE: fee-payment — 办法 art. 20-22: prepaid on the notice, at the window or online. */
enum yz_err yz_payment_create(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              int64_t matter_id, const char *method, const char *channel,
                              const char *route, struct yz_field_errors *fe, json_t **out)
{
    struct caseinfo ci;
    enum yz_err e = load_case(tx, who, matter_id, &ci);
    if (e != YZ_OK)
        return e;
    struct yz_matter_ref ref = {matter_id, ci.court_id, ci.participant};
    if ((e = yz_policy_matter(app, who, YZ_ACT_ACT, &ref, route)) != YZ_OK)
        return e;
    bool window = strcmp(method, "window") == 0;
    if (window && !court_cashier(who, ci.court_id))
        return YZ_ERR_FORBIDDEN;
    if (!window && (!app->payment_key_len || !app->cfg.payments.gateway_url[0])) {
        yz_field_errors_add(fe, "method", "unavailable", "本院暂未开通网上缴费，请到诉讼服务大厅窗口缴费");
        return YZ_ERR_VALIDATION;
    }
    if (!ci.registered || !ci.has_fee) {
        yz_field_errors_add(fe, "matter", "no_fee", "该事项尚未立案或诉讼费用尚未确定");
        return YZ_ERR_VALIDATION;
    }
    /* What is due after any relief granted (a deferral does not stop paying early). */
    struct yz_fee_ledger l;
    if ((e = yz_fee_ledger_load(tx, matter_id, &l)) != YZ_OK)
        return e;
    int64_t due = l.due_fen - l.pending_fen;
    if (due <= 0)
        return YZ_ERR_CONFLICT;
    char order[40];
    new_order_no(matter_id, order);
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_text(st, 2, "payment");
    yz_bind_text(st, 3, method);
    yz_bind_i64(st, 4, due);
    yz_bind_text(st, 5, "pending");
    yz_bind_text(st, 6, order);
    yz_bind_i64(st, 7, who->user_id);
    yz_bind_i64(st, 8, yz_time_now_ms());
    yz_bind_null(st, 9);
    yz_bind_null(st, 10);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    int64_t id = yz_col_i64(st, 0);
    yz_exec(st);
    e = record(tx, app, matter_id, "fee.payment_ordered", who->user_id, channel,
               json_pack("{s:I, s:s, s:s, s:I}", "payment_id", (json_int_t)id, "order_no", order,
                         "method", method, "amount_fen", (json_int_t)due));
    if (e != YZ_OK)
        return e;
    *out = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)id, "order_no", order,
                     "method", method, "amount_fen", (json_int_t)due, "status", "pending",
                     "case_number", ci.case_number);
    if (!window) {
        char url[1024];
        snprintf(url, sizeof url, "%s?order_no=%s&amount_fen=%lld", app->cfg.payments.gateway_url,
                 order, (long long)due);
        json_object_set_new(*out, "pay_url", json_string(url));
    }
    return YZ_OK;
}

struct payment_row {
    int64_t id, matter_id, amount_fen;
    char kind[16], method[16], status[16], order_no[40], gateway_ref[80];
};

static enum yz_err mark_paid(struct yz_tx *tx, int64_t id, const char *receipt,
                             const char *gateway_ref)
{
    struct yz_stmt *st = yz_sql(tx, &q_paid);
    yz_bind_i64(st, 1, yz_time_now_ms());
    yz_bind_text(st, 2, receipt);
    yz_bind_text(st, 3, gateway_ref);
    yz_bind_i64(st, 4, id);
    enum yz_err e = yz_exec(st);
    if (e == YZ_OK && yz_tx_changes(tx) != 1)
        e = YZ_ERR_CONFLICT;
    return e;
}

enum yz_err yz_payment_confirm(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                               int64_t payment_id, const char *receipt_no, const char *channel,
                               const char *route, json_t **out)
{
    struct yz_stmt *st = yz_sql(tx, &q_by_id);
    yz_bind_i64(st, 1, payment_id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    struct payment_row p = {.id = payment_id, .matter_id = yz_col_i64(st, 0)};
    yz_strlcpy(p.method, yz_col_text(st, 2), sizeof p.method);
    p.amount_fen = yz_col_i64(st, 3);
    yz_strlcpy(p.status, yz_col_text(st, 4), sizeof p.status);
    yz_exec(st);
    struct caseinfo ci;
    if ((e = load_case(tx, who, p.matter_id, &ci)) != YZ_OK)
        return e;
    struct yz_matter_ref ref = {p.matter_id, ci.court_id, ci.participant};
    if ((e = yz_policy_matter(app, who, YZ_ACT_ACT, &ref, route)) != YZ_OK)
        return e;
    if (!court_cashier(who, ci.court_id))
        return YZ_ERR_FORBIDDEN;
    if (strcmp(p.method, "window") != 0 || strcmp(p.status, "pending") != 0)
        return YZ_ERR_INVALID_TRANSITION;
    if ((e = mark_paid(tx, payment_id, receipt_no, NULL)) != YZ_OK)
        return e;
    e = record(tx, app, p.matter_id, "fee.paid", who->user_id, channel,
               json_pack("{s:I, s:s, s:I, s:s}", "payment_id", (json_int_t)payment_id, "method",
                         "window", "amount_fen", (json_int_t)p.amount_fen, "receipt_no", receipt_no));
    if (e == YZ_OK)
        e = yz_fee_ledger_sync_deadline(tx, app, p.matter_id);
    if (e == YZ_OK)
        *out = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)payment_id, "status", "paid",
                         "amount_fen", (json_int_t)p.amount_fen);
    return e;
}

static bool signature_ok(struct yz_app *app, const struct yz_payment_callback *cb)
{
    char text[512];
    int n = snprintf(text, sizeof text, "%s\n%lld\n%s\n%s\n%lld", cb->order_no,
                     (long long)cb->amount_fen, cb->status, cb->gateway_ref,
                     (long long)cb->timestamp);
    unsigned char mac[crypto_auth_hmacsha256_BYTES], given[crypto_auth_hmacsha256_BYTES];
    size_t len = 0;
    if (n < 0 || (size_t)n >= sizeof text || strlen(cb->signature) != 2 * sizeof given ||
        sodium_hex2bin(given, sizeof given, cb->signature, strlen(cb->signature), NULL, &len,
                       NULL) != 0 ||
        len != sizeof given)
        return false;
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, app->payment_key, app->payment_key_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, (size_t)n);
    crypto_auth_hmacsha256_final(&st, mac);
    return sodium_memcmp(mac, given, sizeof mac) == 0;
}

/* RULE: gateway-callback — signed, fresh, for the ordered amount, applied once. */
enum yz_err yz_payment_callback(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_payment_callback *cb, struct yz_field_errors *fe,
                                json_t **out)
{
    if (!app->payment_key_len)
        return YZ_ERR_NOT_FOUND;
    int64_t now = yz_time_now_ms() / 1000;
    if (!signature_ok(app, cb) || cb->timestamp < now - YZ_PAYMENT_CALLBACK_WINDOW_S ||
        cb->timestamp > now + 300)
        return YZ_ERR_UNAUTHENTICATED;
    struct yz_stmt *st = yz_sql(tx, &q_by_order);
    yz_bind_text(st, 1, cb->order_no);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    struct payment_row p = {.id = yz_col_i64(st, 0), .matter_id = yz_col_i64(st, 1)};
    yz_strlcpy(p.method, yz_col_text(st, 3), sizeof p.method);
    p.amount_fen = yz_col_i64(st, 4);
    yz_strlcpy(p.status, yz_col_text(st, 5), sizeof p.status);
    yz_strlcpy(p.gateway_ref, yz_col_text(st, 6), sizeof p.gateway_ref);
    yz_exec(st);
    if (strcmp(cb->status, "paid") != 0) {
        yz_field_errors_add(fe, "status", "not_allowed", "不支持的支付结果");
        return YZ_ERR_VALIDATION;
    }
    if (cb->amount_fen != p.amount_fen) {
        yz_field_errors_add(fe, "amount_fen", "mismatch", "支付金额与缴费订单不一致");
        return YZ_ERR_VALIDATION;
    }
    if (strcmp(p.status, "paid") == 0) {
        /* The gateway retries until it hears 200: the same result again is fine. */
        if (strcmp(p.gateway_ref, cb->gateway_ref) != 0)
            return YZ_ERR_CONFLICT;
        *out = json_pack("{s:s, s:b}", "status", "paid", "duplicate", 1);
        return YZ_OK;
    }
    if (strcmp(p.method, "online") != 0 || strcmp(p.status, "pending") != 0)
        return YZ_ERR_INVALID_TRANSITION;
    if ((e = mark_paid(tx, p.id, NULL, cb->gateway_ref)) != YZ_OK)
        return e;
    e = record(tx, app, p.matter_id, "fee.paid", 0, "system",
               json_pack("{s:I, s:s, s:I, s:s}", "payment_id", (json_int_t)p.id, "method",
                         "online", "amount_fen", (json_int_t)p.amount_fen, "gateway_ref",
                         cb->gateway_ref));
    if (e == YZ_OK)
        e = yz_fee_ledger_sync_deadline(tx, app, p.matter_id);
    if (e == YZ_OK)
        *out = json_pack("{s:s, s:b}", "status", "paid", "duplicate", 0);
    return e;
}

/* RULE: fee-refund — 办法 arts 15-16, 42: halved fees and overpayments are refunded. */
enum yz_err yz_payment_refund(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              int64_t matter_id, int64_t amount_fen, const char *reason,
                              const char *channel, const char *route, struct yz_field_errors *fe,
                              json_t **out)
{
    struct caseinfo ci;
    enum yz_err e = load_case(tx, who, matter_id, &ci);
    if (e != YZ_OK)
        return e;
    struct yz_matter_ref ref = {matter_id, ci.court_id, ci.participant};
    if ((e = yz_policy_matter(app, who, YZ_ACT_ACT, &ref, route)) != YZ_OK)
        return e;
    if (!court_cashier(who, ci.court_id) && !(who->role == YZ_ROLE_JUDGE && who->court_id == ci.court_id))
        return YZ_ERR_FORBIDDEN;
    struct yz_fee_ledger l;
    if ((e = yz_fee_ledger_load(tx, matter_id, &l)) != YZ_OK)
        return e;
    int64_t paid = l.paid_fen, refunded = l.refunded_fen;
    if (amount_fen > paid - refunded) {
        yz_field_errors_add(fe, "amount_fen", "too_large", "退费金额不能超过已缴未退金额（%lld.%02lld 元）",
                            (long long)((paid - refunded) / 100), (long long)((paid - refunded) % 100));
        return YZ_ERR_VALIDATION;
    }
    char order[40];
    new_order_no(matter_id, order);
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_text(st, 2, "refund");
    yz_bind_text(st, 3, "window");
    yz_bind_i64(st, 4, amount_fen);
    yz_bind_text(st, 5, "paid");
    yz_bind_text(st, 6, order);
    yz_bind_i64(st, 7, who->user_id);
    yz_bind_i64(st, 8, now);
    yz_bind_i64(st, 9, now);
    yz_bind_null(st, 10);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    int64_t id = yz_col_i64(st, 0);
    yz_exec(st);
    e = record(tx, app, matter_id, "fee.refunded", who->user_id, channel,
               json_pack("{s:I, s:I, s:s}", "refund_id", (json_int_t)id, "amount_fen",
                         (json_int_t)amount_fen, "reason", reason));
    if (e == YZ_OK)
        *out = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "kind", "refund", "amount_fen",
                         (json_int_t)amount_fen);
    return e;
}

enum yz_err yz_payment_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            int64_t matter_id, const char *route, json_t **out)
{
    struct caseinfo ci;
    enum yz_err e = load_case(tx, who, matter_id, &ci);
    if (e != YZ_OK)
        return e;
    struct yz_matter_ref ref = {matter_id, ci.court_id, ci.participant};
    if ((e = yz_policy_matter(app, who, YZ_ACT_READ, &ref, route)) != YZ_OK)
        return e;
    struct yz_fee_ledger l;
    if ((e = yz_fee_ledger_load(tx, matter_id, &l)) != YZ_OK)
        return e;
    json_t *reliefs = NULL;
    if ((e = yz_fee_ledger_reliefs(tx, matter_id, &reliefs)) != YZ_OK)
        return e;
    json_t *items = json_array();
    struct yz_stmt *st = yz_sql(tx, &q_entries);
    yz_bind_i64(st, 1, matter_id);
    bool row;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        char created[40];
        yz_time_format_utc(yz_col_i64(st, 7), created, sizeof created);
        json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "id",
                              (json_int_t)yz_col_i64(st, 0), "kind", yz_col_text(st, 1), "method",
                              yz_col_text(st, 2), "amount_fen", (json_int_t)yz_col_i64(st, 3),
                              "status", yz_col_text(st, 4), "order_no", yz_col_text(st, 5),
                              "created_at", created);
        if (*yz_col_text(st, 6))
            json_object_set_new(o, "receipt_no", json_string(yz_col_text(st, 6)));
        json_array_append_new(items, o);
    }
    if (e != YZ_OK) {
        json_decref(items);
        json_decref(reliefs);
        return e;
    }
    *out = json_pack("{s:I, s:b, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "fee_fen",
                     (json_int_t)l.fee_fen, "fee_assessed", l.has_fee, "relief_fen",
                     (json_int_t)l.relief_fen, "waived", l.waived, "payable_fen",
                     (json_int_t)l.payable_fen, "paid_fen", (json_int_t)l.paid_fen,
                     "refunded_fen", (json_int_t)l.refunded_fen, "refundable_fen",
                     (json_int_t)l.refundable_fen, "pending_fen", (json_int_t)l.pending_fen,
                     "due_fen", (json_int_t)l.due_fen, "reliefs", reliefs, "items", items);
    if (l.deferred_until[0] && l.due_fen > 0)
        json_object_set_new(*out, "deferred_until", json_string(l.deferred_until));
    if (l.pay_by[0])
        json_object_set_new(*out, "pay_by", json_string(l.pay_by));
    return YZ_OK;
}
