#include "mediation/mediation.h"
#include "app/app.h"
#include "caseno/caseno.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "filing/filing.h"
#include "matters/matters.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the agreement document ---- */

static bool text_ok(const json_t *v, size_t max, bool multiline)
{
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    return n && yz_utf8_valid(s, n) && !memchr(s, '\0', n) &&
           !yz_utf8_has_control(s, n, multiline) && yz_utf8_count(s, n) <= max;
}

/* RULE: mediation-agreement — 人民调解法 art. 29: parties, dispute, terms, performance. */
enum yz_err yz_mediation_prepare_agreement(struct yz_app *app, const json_t *in, const char *path,
                                           json_t **out, struct yz_field_errors *fe)
{
    int before = fe->count + fe->dropped;
    char p[128];
    json_t *o = json_object(), *terms = json_array();
    const json_t *t = json_object_get(in, "terms");
    if (!json_is_array(t) || json_array_size(t) == 0 || json_array_size(t) > 30) {
        snprintf(p, sizeof p, "%.80s/terms", path);
        yz_field_errors_add(fe, p, "required", "请逐条填写协议条款（1 至 30 条）");
    } else {
        size_t i;
        const json_t *x;
        json_array_foreach(t, i, x)
        {
            if (!text_ok(x, 2000, true)) {
                snprintf(p, sizeof p, "%.80s/terms/%zu", path, i);
                yz_field_errors_add(fe, p, "invalid", "协议条款应为 1 至 2000 字的文字");
            } else {
                json_array_append(terms, (json_t *)x);
            }
        }
    }
    json_object_set_new(o, "terms", terms);
    const json_t *amount = json_object_get(in, "amount_fen");
    if (amount && (!json_is_integer(amount) || json_integer_value(amount) < 0 ||
                   json_integer_value(amount) > YZ_FILING_MAX_AMOUNT_FEN)) {
        snprintf(p, sizeof p, "%.80s/amount_fen", path);
        yz_field_errors_add(fe, p, "out_of_range", "协议金额应为非负整数（分）");
    } else if (amount) {
        json_object_set_new(o, "amount_fen", json_integer(json_integer_value(amount)));
    }
    const json_t *due = json_object_get(in, "performance_date");
    struct yz_date d;
    if (due && (!json_is_string(due) || !yz_date_parse(json_string_value(due), &d))) {
        snprintf(p, sizeof p, "%.80s/performance_date", path);
        yz_field_errors_add(fe, p, "invalid_date", "履行期限应为有效日期（YYYY-MM-DD）");
    } else if (due) {
        json_object_set(o, "performance_date", (json_t *)due);
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v)
    {
        if (strcmp(k, "terms") && strcmp(k, "amount_fen") && strcmp(k, "performance_date")) {
            snprintf(p, sizeof p, "%.80s/%.40s", path, k);
            yz_field_errors_add(fe, p, "unknown_field", "不支持的字段");
        }
    }
    if (fe->count + fe->dropped > before) {
        json_decref(o);
        return YZ_ERR_VALIDATION;
    }
    *out = o;
    return YZ_OK;
}

/* ---- effects ---- */

static enum yz_err invalid(struct yz_effect_ctx *c, const char *field, const char *code,
                           const char *message)
{
    yz_field_errors_add(c->fe, field, code, "%s", message);
    return YZ_ERR_VALIDATION;
}

/* RULE: mediation-consent — CPL art. 125: mediate first only unless a party refuses. */
enum yz_err yz_mediation_require_consent(struct yz_effect_ctx *c)
{
    if (!json_is_true(json_object_get(c->fields, "consent")) && strcmp(c->kind, "mediation") != 0)
        return invalid(c, "fields/consent", "consent_required",
                       "委托调解须经各方当事人同意；当事人不同意调解的，应当依法审理");
    if (!json_is_true(json_object_get(c->fields, "consent")))
        return invalid(c, "fields/consent", "consent_required",
                       "诉前调解须经当事人同意；不同意调解的，请直接提交立案申请");
    return YZ_OK;
}

/* RULE: pre-filing-mediation-number — （2026）渝0103民诉前调123号. */
enum yz_err yz_mediation_assign_number(struct yz_effect_ctx *c)
{
    const struct yz_court *court = yz_courts_find(&c->app->courts, c->court_id);
    if (!court || !court->code[0])
        return invalid(c, "court", "no_case_code", "本院的案号代字尚未配置，暂不能编号");
    struct yz_caseno no = {0};
    no.year = yz_date_of_shanghai(yz_time_now_ms()).year;
    yz_strlcpy(no.court_code, court->code, sizeof no.court_code);
    yz_strlcpy(no.type_code, "民诉前调", sizeof no.type_code);
    enum yz_err e = yz_caseno_next(c->tx, c->court_id, no.year, no.type_code, &no.seq);
    char number[YZ_CASENO_MAX];
    if (e == YZ_OK && !yz_caseno_format(&no, number, sizeof number))
        e = YZ_ERR_INTERNAL;
    if (e != YZ_OK)
        return e;
    json_object_set_new(c->data, "number", json_string(number));
    json_object_set_new(c->result, "number", json_string(number));
    return YZ_OK;
}

static struct yz_sql_def q_mediator = YZ_SQL(
    "SELECT user_id, coalesce(org_id, 0), court_id, status = 'active' AND available"
    " FROM mediators WHERE id = ?");
static struct yz_sql_def q_add_participant = YZ_SQL(
    "INSERT INTO matter_participants(matter_id, user_id, capacity) VALUES (?, ?, ?)"
    " ON CONFLICT(matter_id, user_id) DO UPDATE SET capacity = excluded.capacity");
static struct yz_sql_def q_remove_mediator = YZ_SQL(
    "DELETE FROM matter_participants WHERE matter_id = ? AND capacity = 'mediator'");

/* RULE: delegation — 特邀调解规定 art. 15-16: the court delegates to a mediator on its roster. */
enum yz_err yz_mediation_record_delegation(struct yz_effect_ctx *c)
{
    int64_t mediator = json_integer_value(json_object_get(c->fields, "mediator_id"));
    struct yz_stmt *st = yz_sql(c->tx, &q_mediator);
    yz_bind_i64(st, 1, mediator);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (!row || yz_col_i64(st, 2) != c->court_id || !yz_col_i64(st, 3)) {
        yz_exec(st);
        return invalid(c, "fields/mediator_id", "not_available",
                       "该调解员不在本院特邀调解名册中，或暂不接受委派");
    }
    int64_t user = yz_col_i64(st, 0), org = yz_col_i64(st, 1);
    yz_exec(st);
    st = yz_sql(c->tx, &q_add_participant);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, user);
    yz_bind_text(st, 3, "mediator");
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    json_object_set_new(c->data, "mediator_id", json_integer(mediator));
    if (org)
        json_object_set_new(c->data, "org_id", json_integer(org));
    else
        json_object_del(c->data, "org_id");
    json_object_set_new(c->result, "mediator_id", json_integer(mediator));
    return YZ_OK;
}

enum yz_err yz_mediation_release_mediator(struct yz_effect_ctx *c)
{
    struct yz_stmt *st = yz_sql(c->tx, &q_remove_mediator);
    yz_bind_i64(st, 1, c->matter_id);
    json_object_del(c->data, "mediator_id");
    json_object_del(c->data, "org_id");
    return yz_exec(st);
}

static struct yz_sql_def q_open_deadlines = YZ_SQL(
    "SELECT id, due_date FROM deadlines WHERE matter_id = ? AND stopped_at IS NULL LIMIT 8");
static struct yz_sql_def q_move_deadline =
    YZ_SQL("UPDATE deadlines SET due_date = ?, beyond_calendar = ? WHERE id = ?");

/* RULE: mediation-extension — 特邀调解规定 art. 27 / 在线调解规则 art. 24 (all parties agree);
 * 司法确认规定 art. 5 (+10 days with the president's approval). */
enum yz_err yz_mediation_extend_deadline(struct yz_effect_ctx *c)
{
    const json_t *consent = json_object_get(c->fields, "all_parties_consent");
    if (consent && !json_is_true(consent))
        return invalid(c, "fields/all_parties_consent", "consent_required",
                       "延长调解期限须经各方当事人同意");
    int days = (int)json_integer_value(json_object_get(c->fields, "days"));
    int64_t ids[8];
    char dues[8][16];
    size_t n = 0;
    struct yz_stmt *st = yz_sql(c->tx, &q_open_deadlines);
    yz_bind_i64(st, 1, c->matter_id);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && n < 8) {
        ids[n] = yz_col_i64(st, 0);
        yz_strlcpy(dues[n], yz_col_text(st, 1), sizeof dues[n]);
        n++;
    }
    if (e != YZ_OK)
        return e;
    if (n == 0)
        return invalid(c, "event", "no_deadline", "当前没有可以延长的期限");
    json_t *moved = json_array();
    for (size_t i = 0; i < n && e == YZ_OK; i++) {
        struct yz_date from;
        struct yz_deadline dl;
        if (!yz_date_parse(dues[i], &from) ||
            yz_deadline_compute(c->app->calendar, from, YZ_DEADLINE_DAYS, days, &dl) != YZ_OK) {
            e = YZ_ERR_INTERNAL;
            break;
        }
        char due[16];
        yz_date_format(dl.end, due, sizeof due);
        st = yz_sql(c->tx, &q_move_deadline);
        yz_bind_text(st, 1, due);
        yz_bind_i64(st, 2, dl.beyond_calendar);
        yz_bind_i64(st, 3, ids[i]);
        e = yz_exec(st);
        json_array_append_new(moved, json_pack("{s:s, s:s}", "from", dues[i], "to", due));
    }
    if (e == YZ_OK)
        json_object_set_new(c->result, "extended", moved);
    else
        json_decref(moved);
    return e;
}

static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                       "十一", "十二", "十三", "十四", "十五", "十六", "十七",
                                       "十八", "十九", "二十", "二十一", "二十二", "二十三",
                                       "二十四", "二十五", "二十六", "二十七", "二十八", "二十九",
                                       "三十"};

/* The parties as the document names them: 申请人/被申请人 or 原告/被告. */
static void parties_block(struct yz_buf *b, const json_t *app, const char *plaintiff,
                          const char *defendant)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(app, "parties"), i, p)
    {
        const char *role = json_string_value(json_object_get(p, "role"));
        const char *label = role && strcmp(role, "plaintiff") == 0   ? plaintiff
                            : role && strcmp(role, "defendant") == 0 ? defendant
                                                                     : "第三人";
        yz_buf_addf(b, "%s：%s\n", label, json_string_value(json_object_get(p, "name")));
    }
}

/* The agreed terms, numbered 一、二、… */
static void terms_block(struct yz_buf *b, const json_t *terms)
{
    size_t i;
    json_t *t;
    json_array_foreach(terms, i, t)
        yz_buf_addf(b, "%s、%s\n", numerals[i < 30 ? i : 29], json_string_value(t));
}

/* RULE: agreement-template — the agreement text generated from the agreed terms. */
enum yz_err yz_mediation_render_agreement(struct yz_effect_ctx *c)
{
    json_t *agreement = json_object_get(c->fields, "agreement");
    json_t *app = json_object_get(c->data, "application");
    struct yz_buf b = YZ_BUF_INIT(256 * 1024);
    const char *number = json_string_value(json_object_get(c->data, "number"));
    yz_buf_addf(&b, "调解协议书\n%s\n\n", number ? number : "");
    parties_block(&b, app, "申请人", "被申请人");
    const char *cause = json_string_value(json_object_get(app, "cause_name"));
    yz_buf_addf(&b, "\n纠纷事项：%s\n\n经调解，各方当事人自愿达成如下协议：\n", cause ? cause : "");
    terms_block(&b, json_object_get(agreement, "terms"));
    json_t *amount = json_object_get(agreement, "amount_fen");
    if (json_is_integer(amount))
        yz_buf_addf(&b, "协议金额：人民币 %lld.%02lld 元\n",
                    (long long)(json_integer_value(amount) / 100),
                    (long long)(json_integer_value(amount) % 100));
    const char *date = json_string_value(json_object_get(agreement, "performance_date"));
    if (date)
        yz_buf_addf(&b, "履行期限：%s 前\n", date);
    yz_buf_adds(&b, "\n本协议经各方当事人确认并由调解员签署后生效。当事人可以自协议生效之日起三十日内，"
                    "共同向人民法院申请司法确认。\n");
    json_t *out = json_pack("{s:O, s:s, s:[]}", "terms", agreement, "text", b.data, "confirmations");
    yz_buf_release(&b);
    json_object_set_new(c->data, "agreement", out);
    return YZ_OK;
}

static struct yz_sql_def q_capacity = YZ_SQL(
    "SELECT capacity FROM matter_participants WHERE matter_id = ? AND user_id = ?");
static struct yz_sql_def q_parties = YZ_SQL(
    "SELECT user_id FROM matter_participants WHERE matter_id = ? AND capacity <> 'mediator'"
    " ORDER BY user_id LIMIT 100");

enum yz_err yz_mediation_record_confirmation(struct yz_effect_ctx *c)
{
    struct yz_stmt *st = yz_sql(c->tx, &q_capacity);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_i64(st, 2, c->who->user_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    bool party = row && strcmp(yz_col_text(st, 0), "mediator") != 0;
    yz_exec(st);
    if (!party)
        return YZ_ERR_FORBIDDEN;
    json_t *confirmations = json_object_get(json_object_get(c->data, "agreement"), "confirmations");
    size_t i;
    json_t *x;
    json_array_foreach(confirmations, i, x) if (json_integer_value(json_object_get(x, "user_id")) ==
                                                c->who->user_id) return YZ_OK;
    char at[40];
    yz_time_format_utc(yz_time_now_ms(), at, sizeof at);
    json_array_append_new(confirmations,
                          json_pack("{s:I, s:s}", "user_id", (json_int_t)c->who->user_id, "at", at));
    json_object_set_new(c->result, "confirmed_by", json_integer(c->who->user_id));
    return YZ_OK;
}

enum yz_err yz_mediation_clear_confirmations(struct yz_effect_ctx *c)
{
    json_t *agreement = json_object_get(c->data, "agreement");
    if (agreement)
        json_object_set_new(agreement, "confirmations", json_array());
    return YZ_OK;
}

/* Every party with an account on the matter has confirmed the agreement. */
enum yz_err yz_mediation_check_confirmations(struct yz_effect_ctx *c)
{
    json_t *agreement = json_object_get(c->data, "agreement");
    json_t *confirmations = json_object_get(agreement, "confirmations");
    struct yz_stmt *st = yz_sql(c->tx, &q_parties);
    yz_bind_i64(st, 1, c->matter_id);
    bool row;
    enum yz_err e;
    int missing = 0;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t user = yz_col_i64(st, 0);
        bool found = false;
        size_t i;
        json_t *x;
        json_array_foreach(confirmations, i, x) found =
            found || json_integer_value(json_object_get(x, "user_id")) == user;
        missing += !found;
    }
    if (e != YZ_OK)
        return e;
    if (!agreement || missing)
        return invalid(c, "agreement", "not_confirmed", "尚有当事人未确认调解协议");
    struct yz_date today = yz_date_of_shanghai(yz_time_now_ms());
    char d[16];
    yz_date_format(today, d, sizeof d);
    json_object_set_new(agreement, "effective_date", json_string(d));
    json_object_set_new(c->result, "effective_date", json_string(d));
    return YZ_OK;
}

static bool within_window(struct yz_date agreed, int *days_out)
{
    struct yz_date today = yz_date_of_shanghai(yz_time_now_ms());
    int64_t days = yz_date_to_days(today) - yz_date_to_days(agreed);
    *days_out = (int)days;
    return days >= 0 && days <= YZ_MEDIATION_CONFIRMATION_DAYS;
}

/* RULE: confirmation-within-30-days — CPL (2023) art. 205. */
enum yz_err yz_mediation_check_confirmation_window(struct yz_effect_ctx *c)
{
    struct yz_date agreed;
    int days;
    const char *d = json_string_value(json_object_get(c->fields, "agreement_date"));
    if (!d || !yz_date_parse(d, &agreed) || !within_window(agreed, &days))
        return invalid(c, "fields/agreement_date", "out_of_time",
                       "司法确认应自调解协议生效之日起三十日内申请");
    return YZ_OK;
}

static struct yz_sql_def q_copy_participants = YZ_SQL(
    "INSERT INTO matter_participants(matter_id, user_id, capacity)"
    " SELECT ?, user_id, capacity FROM matter_participants WHERE matter_id = ?"
    " AND capacity <> 'mediator' ON CONFLICT DO NOTHING");

static enum yz_err copy_parties(struct yz_effect_ctx *c, int64_t to)
{
    struct yz_stmt *st = yz_sql(c->tx, &q_copy_participants);
    yz_bind_i64(st, 1, to);
    yz_bind_i64(st, 2, c->matter_id);
    return yz_exec(st);
}

/* Creates a related matter for the court (judicial confirmation, the filing a
 * mediation turns into, ...) at this matter's court, with this matter's parties
 * and its files, fields already prepared. */
static enum yz_err spawn(struct yz_effect_ctx *c, const char *kind, const char *title,
                         const json_t *fields, int64_t *id)
{
    struct yz_matter_new m = {.kind = kind, .court_id = c->court_id, .title = title,
                              .fields = fields, .channel = c->channel, .internal = true};
    enum yz_err e = yz_matter_create(c->tx, c->app, c->who, &m, c->fe, id);
    if (e == YZ_OK)
        e = copy_parties(c, *id);
    if (e == YZ_OK)
        e = yz_filing_copy_files(c->tx, c->matter_id, *id);
    return e;
}

/* RULE: judicial-confirmation — a 民特 case at the court that invited the mediation, no fee. */
enum yz_err yz_mediation_apply_confirmation(struct yz_effect_ctx *c)
{
    json_t *agreement = json_object_get(c->data, "agreement");
    const char *effective = json_string_value(json_object_get(agreement, "effective_date"));
    struct yz_date agreed;
    int days;
    if (!effective || !yz_date_parse(effective, &agreed) || !within_window(agreed, &days))
        return invalid(c, "event", "out_of_time", "已超过调解协议生效后三十日的申请期限");
    json_t *app = json_deep_copy(json_object_get(c->data, "application"));
    json_object_set_new(app, "case_type", json_string("民特"));
    json_object_del(app, "fee_kind");
    json_t *fields = json_pack("{s:o, s:s, s:s, s:{s:I, s:s?}}", "application", app,
                               "agreement_text", json_string_value(json_object_get(agreement, "text")),
                               "agreement_date", effective, "mediation", "matter_id",
                               (json_int_t)c->matter_id, "number",
                               json_string_value(json_object_get(c->data, "number")));
    const char *number = json_string_value(json_object_get(c->data, "number"));
    char title[160];
    snprintf(title, sizeof title, "申请司法确认（%s）", number ? number : "");
    int64_t id = 0;
    enum yz_err e = spawn(c, "judicial_confirmation", title, fields, &id);
    json_decref(fields);
    if (e != YZ_OK)
        return e;
    json_object_set_new(c->data, "confirmation_matter_id", json_integer(id));
    json_object_set_new(c->result, "confirmation_matter_id", json_integer(id));
    return YZ_OK;
}

/* RULE: mediation-fails-to-filing — 在线调解规则 art. 26: undisputed facts and confirmed
 * addresses carry over; the filing keeps a link to the mediation. */
enum yz_err yz_mediation_convert_to_filing(struct yz_effect_ctx *c)
{
    if (!json_is_true(json_object_get(c->fields, "addresses_confirmed")))
        return invalid(c, "fields/addresses_confirmed", "required",
                       "转立案前须确认各方当事人的送达地址");
    const json_t *origin = json_object_get(c->data, "origin_filing_id");
    if (json_is_integer(origin)) {
        /* Referred from a filing: that filing resumes, carrying the undisputed facts. */
        json_t *note = json_pack("{s:s}", "note", "诉前调解未成功，无争议事实已记录，恢复立案审查");
        enum yz_err e = yz_matter_fire_internal(c->tx, c->app, c->who, json_integer_value(origin),
                                                "resume_filing", note, c->channel, c->fe);
        json_decref(note);
        if (e != YZ_OK)
            return e;
        json_object_set(c->data, "filing_matter_id", (json_t *)origin);
        json_object_set(c->result, "filing_matter_id", (json_t *)origin);
        return YZ_OK;
    }
    json_t *app = json_deep_copy(json_object_get(c->data, "application"));
    json_t *fields = json_pack(
        "{s:s, s:o, s:{s:I, s:s?, s:s}}", "channel", "mediation_conversion", "application", app,
        "mediation", "matter_id", (json_int_t)c->matter_id, "number",
        json_string_value(json_object_get(c->data, "number")), "undisputed_facts",
        json_string_value(json_object_get(c->fields, "undisputed_facts")));
    int64_t id = 0;
    enum yz_err e = spawn(c, "filing", "诉前调解不成转立案", fields, &id);
    json_decref(fields);
    if (e != YZ_OK)
        return e;
    json_object_set_new(c->data, "filing_matter_id", json_integer(id));
    json_object_set_new(c->result, "filing_matter_id", json_integer(id));
    return YZ_OK;
}

/* RULE: filing-referral — the court proposes mediation at filing; with the
 * party's consent a pre-filing mediation starts, linked both ways. */
enum yz_err yz_mediation_start_from_filing(struct yz_effect_ctx *c)
{
    json_t *fields = json_pack("{s:s, s:b, s:O, s:I}", "channel", "filing_referral", "consent", 1,
                               "application", json_object_get(c->data, "application"),
                               "origin_filing_id", (json_int_t)c->matter_id);
    int64_t id = 0;
    enum yz_err e = spawn(c, "mediation", "立案阶段引导诉前调解", fields, &id);
    json_decref(fields);
    if (e != YZ_OK)
        return e;
    json_object_set_new(c->data, "mediation_matter_id", json_integer(id));
    json_object_set_new(c->result, "mediation_matter_id", json_integer(id));
    return YZ_OK;
}

/* ---- entrusted (post-filing) mediation ---- */

static struct yz_sql_def q_case_for_mediation = YZ_SQL(
    "SELECT m.kind, m.court_id, m.data, c.case_number FROM matters m"
    " JOIN cases c ON c.matter_id = m.id WHERE m.id = ?");

/* RULE: entrusted-mediation — 特邀调解规定 art. 27: a registered case, entrusted with consent. */
enum yz_err yz_mediation_load_case(struct yz_effect_ctx *c)
{
    int64_t case_id = json_integer_value(json_object_get(c->fields, "case_matter_id"));
    struct yz_stmt *st = yz_sql(c->tx, &q_case_for_mediation);
    yz_bind_i64(st, 1, case_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (!row || yz_col_i64(st, 1) != c->court_id) {
        yz_exec(st);
        return invalid(c, "fields/case_matter_id", "not_found", "本院没有这个已立案的案件");
    }
    json_t *data = json_loads(yz_col_text(st, 2), 0, NULL);
    char number[YZ_CASENO_MAX];
    yz_strlcpy(number, yz_col_text(st, 3), sizeof number);
    yz_exec(st);
    if (!data)
        return YZ_ERR_INTERNAL;
    json_object_set(c->data, "application", json_object_get(data, "application"));
    json_decref(data);
    json_object_set_new(c->data, "case_number", json_string(number));
    json_object_set_new(c->data, "number", json_string(number));
    struct yz_stmt *cp = yz_sql(c->tx, &q_copy_participants);
    yz_bind_i64(cp, 1, c->matter_id);
    yz_bind_i64(cp, 2, case_id);
    if ((e = yz_exec(cp)) != YZ_OK)
        return e;
    if ((e = yz_filing_copy_files(c->tx, case_id, c->matter_id)) != YZ_OK)
        return e;
    json_object_set_new(c->result, "case_number", json_string(number));
    return YZ_OK;
}

/* RULE: entrusted-mediation-period — 15 days in ordinary procedure, 7 in simplified. */
enum yz_err yz_mediation_set_period(struct yz_effect_ctx *c)
{
    const char *procedure = json_string_value(json_object_get(c->data, "procedure"));
    if (!procedure || strcmp(procedure, "simplified") != 0)
        return YZ_OK;
    struct yz_wf_deadline seven = {"mediation", "委托调解期限（简易程序）", YZ_WF_DAYS, 7};
    return yz_matter_start_deadline(c->tx, c->app, c->matter_id, &seven);
}

/* RULE: consent-judgment — CPL art. 100: the court issues a 调解书 on the agreement. */
enum yz_err yz_mediation_issue_consent_judgment(struct yz_effect_ctx *c)
{
    /* An entrusted mediation carries its agreement and case number; a filing
     * made on a pre-filing settlement carries them under "mediation" and "case". */
    json_t *agreement = json_object_get(c->data, "agreement");
    if (!agreement)
        agreement = json_object_get(json_object_get(c->data, "mediation"), "agreement");
    if (!json_is_object(agreement))
        return invalid(c, "event", "no_agreement", "没有经当事人确认的调解协议，不能出具调解书");
    json_t *app = json_object_get(c->data, "application");
    const struct yz_court *court = yz_courts_find(&c->app->courts, c->court_id);
    const char *number = json_string_value(json_object_get(c->data, "case_number"));
    if (!number)
        number = json_string_value(json_object_get(json_object_get(c->data, "case"), "case_number"));
    struct yz_buf b = YZ_BUF_INIT(256 * 1024);
    yz_buf_addf(&b, "%s\n民事调解书\n%s\n\n", court ? court->name : "", number ? number : "");
    parties_block(&b, app, "原告", "被告");
    const char *cause = json_string_value(json_object_get(app, "cause_name"));
    yz_buf_addf(&b, "\n案由：%s\n\n本案经调解，双方当事人自愿达成如下协议：\n", cause ? cause : "");
    terms_block(&b, json_object_get(json_object_get(agreement, "terms"), "terms"));
    yz_buf_adds(&b, "\n上述协议，不违反法律规定，本院予以确认。\n本调解书经双方当事人签收后，即具有法律效力。\n");
    char at[40];
    yz_time_format_utc(yz_time_now_ms(), at, sizeof at);
    json_object_set_new(c->data, "consent_judgment",
                        json_pack("{s:s, s:s, s:I}", "text", b.data, "issued_at", at, "judge_id",
                                  (json_int_t)c->who->user_id));
    json_object_set_new(c->result, "issued_at", json_string(at));
    yz_buf_release(&b);
    return YZ_OK;
}

/* RULE: consent-judgment-after-settlement — a pre-filing settlement may be
 * turned into a 调解书: a filing is made on the agreement; once registered,
 * the judge issues the 民事调解书 on it. */
enum yz_err yz_mediation_file_for_consent_judgment(struct yz_effect_ctx *c)
{
    json_t *fields = json_pack(
        "{s:s, s:O, s:{s:I, s:s?, s:O}}", "channel", "mediation_settlement", "application",
        json_object_get(c->data, "application"), "mediation", "matter_id",
        (json_int_t)c->matter_id, "number", json_string_value(json_object_get(c->data, "number")),
        "agreement", json_object_get(c->data, "agreement"));
    int64_t id = 0;
    enum yz_err e = spawn(c, "filing", "诉前调解达成协议申请出具调解书", fields, &id);
    json_decref(fields);
    if (e != YZ_OK)
        return e;
    json_object_set_new(c->data, "filing_matter_id", json_integer(id));
    json_object_set_new(c->result, "filing_matter_id", json_integer(id));
    return YZ_OK;
}
