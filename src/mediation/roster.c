/*
 * The roster's rules: validation, the access rules described in roster.h,
 * the rows and their events, the public views with track records computed
 * from the mediation matters, and the recommendation.
 *
 * Views are built entry by entry from small indexed queries (a court's roster
 * holds a few hundred entries at most). Lists first collect ids and only then
 * build each entry, so a cached statement is never stepped while an earlier
 * use of it is still open. Writes validate everything before the first row is
 * written, so a refused request leaves nothing behind even before the
 * transaction rolls back.
 */
#include "mediation/roster.h"
#include "app/app.h"
#include "catalog/catalog.h"
#include "core/idnum.h"
#include "core/jsonwrite.h"
#include "core/utf8.h"
#include "courts/courts.h"
#include "crypto/pii.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- statements ---------------------------------------------------------- */

static struct yz_sql_def q_org_insert =
    YZ_SQL("INSERT INTO mediation_orgs(court_id, name, kind, admin_user_id, region, phone, status,"
           " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id");
static struct yz_sql_def q_org_get = YZ_SQL(
    "SELECT id, court_id, name, kind, coalesce(admin_user_id, 0), region, coalesce(phone, ''),"
    " status FROM mediation_orgs WHERE id = ?");
static struct yz_sql_def q_org_by_admin =
    YZ_SQL("SELECT id FROM mediation_orgs WHERE admin_user_id = ?");
static struct yz_sql_def q_org_update =
    YZ_SQL("UPDATE mediation_orgs SET name = ?, kind = ?, admin_user_id = ?, region = ?, phone = ?,"
           " status = ?, updated_at = ? WHERE id = ?");
static struct yz_sql_def q_user_by_phone =
    YZ_SQL("SELECT id, role, name, status FROM users WHERE phone_hash = ?");
static struct yz_sql_def q_med_insert = YZ_SQL(
    "INSERT INTO mediators(user_id, org_id, court_id, name, specialties, languages, capacity,"
    " available, qualifications, status, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id");
static struct yz_sql_def q_med_get =
    YZ_SQL("SELECT m.id, m.user_id, coalesce(m.org_id, 0), m.court_id, m.name, m.specialties,"
           " m.languages, m.capacity, m.available, coalesce(m.qualifications, ''), m.status,"
           " coalesce(o.name, ''), coalesce(o.status, ''), coalesce(o.admin_user_id, 0),"
           " coalesce(o.region, '')"
           " FROM mediators m LEFT JOIN mediation_orgs o ON o.id = m.org_id WHERE m.id = ?");
static struct yz_sql_def q_med_update = YZ_SQL(
    "UPDATE mediators SET name = ?, specialties = ?, languages = ?, capacity = ?, available = ?,"
    " qualifications = ?, status = ?, updated_at = ? WHERE id = ?");
static struct yz_sql_def q_training_insert =
    YZ_SQL("INSERT INTO mediator_training(mediator_id, date, title, hours, created_at)"
           " VALUES (?, ?, ?, ?, ?)");
static struct yz_sql_def q_training_list =
    YZ_SQL("SELECT date, title, hours FROM mediator_training WHERE mediator_id = ?"
           " ORDER BY date DESC, id DESC LIMIT ?");
static struct yz_sql_def q_training_sum =
    YZ_SQL("SELECT count(*), coalesce(sum(hours), 0) FROM mediator_training WHERE mediator_id = ?");
static struct yz_sql_def q_studio_insert =
    YZ_SQL("INSERT INTO studios(court_id, org_id, mediator_id, name, description, created_at)"
           " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_studios_org = YZ_SQL(
    "SELECT id, name, coalesce(description, '') FROM studios WHERE org_id = ? ORDER BY id LIMIT ?");
static struct yz_sql_def q_studios_med =
    YZ_SQL("SELECT id, name, coalesce(description, '') FROM studios WHERE mediator_id = ?"
           " ORDER BY id LIMIT ?");
/* Members of an organisation: active ones only unless the second value is 1. */
static struct yz_sql_def q_org_members =
    YZ_SQL("SELECT id FROM mediators WHERE org_id = ? AND (? = 1 OR status = 'active')"
           " ORDER BY id LIMIT ?");
static struct yz_sql_def q_list_orgs = YZ_SQL(
    "SELECT o.id FROM mediation_orgs o WHERE o.status = 'active' AND (? = 0 OR o.court_id = ?)"
    " AND (? IS NULL OR instr(o.name, ?) > 0 OR EXISTS (SELECT 1 FROM studios s"
    " WHERE s.org_id = o.id AND instr(s.name, ?) > 0)) ORDER BY o.id LIMIT ?");
static struct yz_sql_def q_list_meds = YZ_SQL(
    "SELECT m.id, coalesce(m.org_id, 0), m.specialties FROM mediators m"
    " LEFT JOIN mediation_orgs o ON o.id = m.org_id"
    " WHERE m.status = 'active' AND (m.org_id IS NULL OR o.status = 'active')"
    " AND (? = 0 OR m.court_id = ?)"
    " AND (? IS NULL OR instr(m.name, ?) > 0 OR instr(coalesce(o.name, ''), ?) > 0"
    " OR EXISTS (SELECT 1 FROM studios s WHERE s.mediator_id = m.id AND instr(s.name, ?) > 0))"
    " ORDER BY m.id LIMIT ?");
static struct yz_sql_def q_candidates = YZ_SQL(
    "SELECT m.id, m.name, m.specialties, m.capacity, coalesce(m.org_id, 0), coalesce(o.name, ''),"
    " coalesce(o.region, '') FROM mediators m LEFT JOIN mediation_orgs o ON o.id = m.org_id"
    " WHERE m.court_id = ? AND m.status = 'active' AND m.available = 1"
    " AND (m.org_id IS NULL OR o.status = 'active') ORDER BY m.id LIMIT ?");

/* RULE: roster-track-record — the state classes of roster.h. A mediator's
 * matters are those they take part in as 'mediator' (the delegation effect
 * adds that participant together with data.mediator_id and removes both when
 * the mediator declines), which the participants' user index finds without
 * reading any matter's JSON. */
#define ST_SUCCEEDED "('settled','performed','confirmation_applied','confirmed')"
#define ST_DECIDED                                                                                 \
    "('settled','performed','confirmation_applied','confirmed','not_settled','closed')"
#define ST_IDLE                                                                                    \
    "('submitted','withdrawn','settled','performed','confirmation_applied','confirmed',"           \
    "'not_settled','closed')"
#define STATS_SQL(where)                                                                           \
    "SELECT count(*), coalesce(sum(m.state NOT IN " ST_IDLE "), 0),"                               \
    " coalesce(sum(m.state IN " ST_DECIDED "), 0),"                                                \
    " coalesce(sum(m.state IN " ST_SUCCEEDED "), 0),"                                              \
    " coalesce(sum(m.state IN " ST_SUCCEEDED " AND (m.state = 'confirmed' OR EXISTS (SELECT 1"     \
    " FROM matters j WHERE j.id = json_extract(m.data, '$.confirmation_matter_id')"                \
    " AND j.kind = 'judicial_confirmation' AND j.state = 'confirmed'))), 0),"                      \
    " coalesce(sum(CASE WHEN m.state IN " ST_DECIDED " THEN m.updated_at - m.created_at END), 0)"  \
    " FROM matters m WHERE m.kind = 'mediation' AND " where
#define OVERDUE_SQL(where)                                                                         \
    "SELECT count(*) FROM matters m JOIN deadlines d ON d.matter_id = m.id"                        \
    " WHERE m.kind = 'mediation' AND " where " AND m.state NOT IN " ST_IDLE                        \
    " AND d.name = 'mediation' AND d.stopped_at IS NULL AND d.due_date < ?"
#define WHERE_MED                                                                                  \
    "m.id IN (SELECT p.matter_id FROM mediators md JOIN matter_participants p"                     \
    " ON p.user_id = md.user_id WHERE md.id = ? AND p.capacity = 'mediator')"
#define WHERE_ORG                                                                                  \
    "m.id IN (SELECT p.matter_id FROM mediators md JOIN matter_participants p"                     \
    " ON p.user_id = md.user_id WHERE md.org_id = ? AND p.capacity = 'mediator')"

static struct yz_sql_def q_stats_med = YZ_SQL(STATS_SQL(WHERE_MED));
static struct yz_sql_def q_stats_org = YZ_SQL(STATS_SQL(WHERE_ORG));
static struct yz_sql_def q_overdue_med = YZ_SQL(OVERDUE_SQL(WHERE_MED));
static struct yz_sql_def q_overdue_org = YZ_SQL(OVERDUE_SQL(WHERE_ORG));

/* ---- vocabulary ------------------------------------------------------------ */

static const struct {
    const char *code, *title;
} org_kinds[] = {
    {"people", "人民调解组织"},  {"industry", "行业性调解组织"}, {"professional", "专业性调解组织"},
    {"arbitration", "仲裁机构"}, {"notary", "公证机构"},         {"lawyer", "律师调解组织"},
};

const char *yz_roster_org_kind_title(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof org_kinds / sizeof org_kinds[0]; i++)
        if (strcmp(org_kinds[i].code, kind) == 0)
            return org_kinds[i].title;
    return NULL;
}

static bool is_status(const char *s)
{
    return strcmp(s, "active") == 0 || strcmp(s, "suspended") == 0;
}

/* ---- the access rules (roster.h) ---------------------------------------- */

static bool court_admin_of(const struct yz_principal *who, int64_t court_id)
{
    return who->role == YZ_ROLE_COURT_ADMIN && who->court_id != 0 && who->court_id == court_id;
}

static bool org_admin_of(const struct yz_principal *who, int64_t admin_user_id)
{
    return who->role == YZ_ROLE_ORG_ADMIN && who->user_id != 0 && admin_user_id == who->user_id;
}

static bool mediator_self(const struct yz_principal *who, int64_t user_id)
{
    return who->role == YZ_ROLE_MEDIATOR && who->user_id != 0 && user_id == who->user_id;
}

/* ---- rows ------------------------------------------------------------------ */

struct org_row {
    int64_t id, court_id, admin_user_id;
    char name[256], kind[16], region[256], phone[64], status[16];
};

struct med_row {
    int64_t id, user_id, org_id, court_id, capacity, org_admin_user_id;
    bool available;
    char name[256], status[16], org_name[256], org_status[16], org_region[256];
    char *specialties, *languages, *qualifications; /* owned */
};

static void med_row_release(struct med_row *m)
{
    free(m->specialties);
    free(m->languages);
    free(m->qualifications);
    m->specialties = m->languages = m->qualifications = NULL;
}

static enum yz_err load_org(struct yz_tx *tx, int64_t id, struct org_row *o)
{
    memset(o, 0, sizeof *o);
    struct yz_stmt *st = yz_sql(tx, &q_org_get);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    o->id = yz_col_i64(st, 0);
    o->court_id = yz_col_i64(st, 1);
    yz_strlcpy(o->name, yz_col_text(st, 2), sizeof o->name);
    yz_strlcpy(o->kind, yz_col_text(st, 3), sizeof o->kind);
    o->admin_user_id = yz_col_i64(st, 4);
    yz_strlcpy(o->region, yz_col_text(st, 5), sizeof o->region);
    yz_strlcpy(o->phone, yz_col_text(st, 6), sizeof o->phone);
    yz_strlcpy(o->status, yz_col_text(st, 7), sizeof o->status);
    return yz_exec(st);
}

/* On success the caller releases m (med_row_release). */
static enum yz_err load_med(struct yz_tx *tx, int64_t id, struct med_row *m)
{
    memset(m, 0, sizeof *m);
    struct yz_stmt *st = yz_sql(tx, &q_med_get);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    m->id = yz_col_i64(st, 0);
    m->user_id = yz_col_i64(st, 1);
    m->org_id = yz_col_i64(st, 2);
    m->court_id = yz_col_i64(st, 3);
    yz_strlcpy(m->name, yz_col_text(st, 4), sizeof m->name);
    m->specialties = yz_strdup(yz_col_text(st, 5));
    m->languages = yz_strdup(yz_col_text(st, 6));
    m->capacity = yz_col_i64(st, 7);
    m->available = yz_col_i64(st, 8) != 0;
    m->qualifications = yz_strdup(yz_col_text(st, 9));
    yz_strlcpy(m->status, yz_col_text(st, 10), sizeof m->status);
    yz_strlcpy(m->org_name, yz_col_text(st, 11), sizeof m->org_name);
    yz_strlcpy(m->org_status, yz_col_text(st, 12), sizeof m->org_status);
    m->org_admin_user_id = yz_col_i64(st, 13);
    yz_strlcpy(m->org_region, yz_col_text(st, 14), sizeof m->org_region);
    e = yz_exec(st);
    if (e != YZ_OK)
        med_row_release(m);
    return e;
}

/* ---- validation ------------------------------------------------------------ */

/* Single- or multi-line text of min..max code points; NULL or "" fails when required. */
static void check_text(struct yz_field_errors *fe, const char *field, const char *title,
                       const char *s, size_t min, size_t max, bool multiline)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) {
        if (min)
            yz_field_errors_add(fe, field, "required", "请填写%s", title);
        return;
    }
    if (!yz_utf8_valid(s, n)) {
        yz_field_errors_add(fe, field, "invalid_utf8", "%s包含无效字符", title);
        return;
    }
    if (yz_utf8_has_control(s, n, multiline)) {
        yz_field_errors_add(fe, field, "control_character", "%s包含不允许的" YZ_UTF8_HIDDEN_TITLE, title);
        return;
    }
    size_t cps = yz_utf8_count(s, n);
    if (cps < min)
        yz_field_errors_add(fe, field, "too_short", "%s至少需要 %zu 个字符", title, min);
    else if (cps > max)
        yz_field_errors_add(fe, field, "too_long", "%s不能超过 %zu 个字符", title, max);
}

/* An office number: 7..20 of digits, '-', '+', '(', ')' and spaces, with at least 7 digits. */
static void check_office_phone(struct yz_field_errors *fe, const char *s)
{
    size_t n = strlen(s), digits = 0;
    bool ok = n >= 7 && n <= 20 && strspn(s, "0123456789-+() ") == n;
    for (size_t i = 0; ok && i < n; i++)
        digits += s[i] >= '0' && s[i] <= '9';
    if (!ok || digits < 7)
        yz_field_errors_add(fe, "phone", "invalid_phone",
                            "联系电话应为 7 到 20 位的数字（可含 -、+、括号和空格）");
}

#define LIST_CAP 20
#define LIST_ITEM_BYTES 96

struct strlist {
    char item[LIST_CAP][LIST_ITEM_BYTES];
    size_t n;
};

/* Length of the separator at s ("," "，" "、"), 0 when none. */
static size_t separator_at(const char *s)
{
    if (s[0] == ',')
        return 1;
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBC && (unsigned char)s[2] == 0x8C)
        return 3;
    if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x81)
        return 3;
    return 0;
}

/* Length of the blank at s (ASCII space or tab, U+3000), 0 when none. */
static size_t blank_at(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t'))
        return 1;
    if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

/* Splits list text into distinct trimmed items (see roster.h). False, with a
 * field error, for a missing, malformed, empty-item or over-long list. */
static bool split_list(const char *text, size_t max_items, size_t max_item_cps, const char *field,
                       const char *title, struct strlist *out, struct yz_field_errors *fe)
{
    out->n = 0;
    size_t total = text ? strlen(text) : 0;
    if (total == 0) {
        yz_field_errors_add(fe, field, "required", "请填写%s", title);
        return false;
    }
    if (total > YZ_ROSTER_MAX_LIST_BYTES || !yz_utf8_valid(text, total) ||
        yz_utf8_has_control(text, total, false)) {
        yz_field_errors_add(fe, field, "invalid_list", "%s格式不正确", title);
        return false;
    }
    const char *p = text;
    for (;;) {
        const char *start = p;
        size_t sep = 0;
        while (*p && (sep = separator_at(p)) == 0)
            p++;
        const char *end = p;
        size_t b;
        while (start < end && (b = blank_at(start, (size_t)(end - start))) != 0)
            start += b;
        /* Trailing blanks: a tab or space byte, or U+3000 ending here. */
        for (;;) {
            if (end > start && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
            else if (end - start >= 3 && blank_at(end - 3, 3) == 3)
                end -= 3;
            else
                break;
        }
        size_t len = (size_t)(end - start);
        if (len == 0) {
            yz_field_errors_add(fe, field, "empty_item", "%s中有空项", title);
            return false;
        }
        if (len >= LIST_ITEM_BYTES || yz_utf8_count(start, len) > max_item_cps) {
            yz_field_errors_add(fe, field, "item_too_long", "%s中的每一项不能超过 %zu 个字符",
                                title, max_item_cps);
            return false;
        }
        bool dup = false;
        for (size_t i = 0; i < out->n && !dup; i++)
            dup = strlen(out->item[i]) == len && memcmp(out->item[i], start, len) == 0;
        if (!dup) {
            if (out->n == max_items) {
                yz_field_errors_add(fe, field, "too_many", "%s最多 %zu 项", title, max_items);
                return false;
            }
            memcpy(out->item[out->n], start, len);
            out->item[out->n][len] = '\0';
            out->n++;
        }
        if (!*p)
            break;
        p += sep;
    }
    return true;
}

/* The list as stored: a compact JSON array of strings (a new string, free()). */
static char *list_text(const struct strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->item[i]));
    char *s = yz_json_dumps(a);
    json_decref(a);
    if (!s)
        YZ_BUG("cannot encode a list");
    return s;
}

/* Specialties: 2025 causes of level 2..4. */
static char *check_specialties(const struct yz_app *app, const char *text,
                               struct yz_field_errors *fe)
{
    struct strlist l;
    if (!split_list(text, YZ_ROSTER_MAX_SPECIALTIES, YZ_CATALOG_MAX_CODE_BYTES, "specialties",
                    "擅长案由", &l, fe))
        return NULL;
    for (size_t i = 0; i < l.n; i++) {
        const struct yz_cause *c = yz_catalog_cause(app->catalog, l.item[i], YZ_CAUSE_REV_2025);
        if (!c || c->level < 2) {
            yz_field_errors_add(fe, "specialties", "unknown_cause",
                                "擅长案由中的“%s”不是 2025 年版民事案由的代码", l.item[i]);
            return NULL;
        }
    }
    return list_text(&l);
}

static char *check_languages(const char *text, struct yz_field_errors *fe)
{
    struct strlist l;
    if (!split_list(text, YZ_ROSTER_MAX_LANGUAGES, YZ_ROSTER_MAX_LANGUAGE_CPS, "languages",
                    "调解语言", &l, fe))
        return NULL;
    return list_text(&l);
}

/* Finds an active account with role by phone; a field error (one message for
 * "no such phone" and "another role", so nothing is learnt by probing) when
 * there is none. *user_id 0 then. */
static enum yz_err find_account(struct yz_tx *tx, const struct yz_app *app, const char *phone,
                                const char *role, const char *field, const char *what,
                                struct yz_field_errors *fe, int64_t *user_id, char *name,
                                size_t name_size)
{
    *user_id = 0;
    char norm[YZ_IDNUM_MOBILE_SIZE], hash[YZ_PII_LOOKUP_HEX];
    enum yz_idnum_problem p = yz_idnum_mobile_normalise(phone, strlen(phone), norm, sizeof norm);
    if (p != YZ_IDNUM_OK) {
        yz_field_errors_add(fe, field, yz_idnum_problem_code(p), "%s",
                            yz_idnum_problem_message(YZ_IDNUM_KIND_MOBILE, p));
        return YZ_OK;
    }
    enum yz_err e = yz_pii_lookup(app->keys, "phone", norm, hash);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(tx, &q_user_by_phone);
    yz_bind_text(st, 1, hash);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (row && strcmp(yz_col_text(st, 1), role) == 0 && strcmp(yz_col_text(st, 3), "active") == 0) {
        *user_id = yz_col_i64(st, 0);
        if (name)
            yz_strlcpy(name, yz_col_text(st, 2), name_size);
    }
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    if (!*user_id)
        yz_field_errors_add(fe, field, "not_found", "未找到使用该手机号注册的%s账号", what);
    return YZ_OK;
}

/* ---- events ---------------------------------------------------------------- */

/* Appends an event to "<prefix>/<id>"; takes payload over. */
static enum yz_err record(struct yz_tx *tx, struct yz_app *app, const char *prefix, int64_t id,
                          const char *type, const struct yz_principal *who, const char *channel,
                          json_t *payload)
{
    char stream[48];
    snprintf(stream, sizeof stream, "%s/%lld", prefix, (long long)id);
    enum yz_err e = yz_app_record(tx, app, stream, type, who->user_id, 0,
                                  channel ? channel : "system", payload, NULL);
    json_decref(payload);
    return e;
}

static const char *status_event(const char *entity, const char *old_status, const char *new_status,
                                char *buf, size_t size)
{
    const char *verb = "updated";
    if (strcmp(old_status, new_status) != 0)
        verb = strcmp(new_status, "suspended") == 0 ? "suspended" : "reinstated";
    snprintf(buf, size, "roster.%s_%s", entity, verb);
    return buf;
}

/* ---- figures ----------------------------------------------------------------- */

int yz_roster_pct(int64_t num, int64_t den)
{
    if (den <= 0)
        return -1;
    return (int)((num * 100 + den / 2) / den);
}

json_t *yz_roster_stats_json(const struct yz_roster_stats *s, bool workload)
{
    int success = yz_roster_pct(s->succeeded, s->decided);
    int confirm = yz_roster_pct(s->confirmed, s->succeeded);
    json_t *o = json_pack("{s:I, s:I, s:I, s:o, s:I, s:o}", "intake", (json_int_t)s->intake,
                          "decided", (json_int_t)s->decided, "succeeded", (json_int_t)s->succeeded,
                          "success_rate_pct", success < 0 ? json_null() : json_integer(success),
                          "confirmed", (json_int_t)s->confirmed, "confirmation_rate_pct",
                          confirm < 0 ? json_null() : json_integer(confirm));
    if (s->decided > 0) {
        /* Tenths of a day, rounded half up, so the figure is exact to print. */
        int64_t day = 86400000;
        int64_t tenths = (s->decided_ms * 10 + s->decided * day / 2) / (s->decided * day);
        json_object_set_new(o, "average_days", json_real((double)tenths / 10.0));
    } else {
        json_object_set_new(o, "average_days", json_null());
    }
    if (workload) {
        json_object_set_new(o, "running", json_integer(s->running));
        json_object_set_new(o, "overdue", json_integer(s->overdue));
    }
    return o;
}

static enum yz_err run_stats(struct yz_tx *tx, struct yz_sql_def *stats, struct yz_sql_def *overdue,
                             int64_t id, struct yz_date today, struct yz_roster_stats *out)
{
    memset(out, 0, sizeof *out);
    struct yz_stmt *st = yz_sql(tx, stats);
    yz_bind_i64(st, 1, id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    out->intake = yz_col_i64(st, 0);
    out->running = yz_col_i64(st, 1);
    out->decided = yz_col_i64(st, 2);
    out->succeeded = yz_col_i64(st, 3);
    out->confirmed = yz_col_i64(st, 4);
    out->decided_ms = yz_col_i64(st, 5);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    char date[16];
    yz_date_format(today, date, sizeof date);
    st = yz_sql(tx, overdue);
    yz_bind_i64(st, 1, id);
    yz_bind_text(st, 2, date);
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    out->overdue = yz_col_i64(st, 0);
    return yz_exec(st);
}

enum yz_err yz_roster_mediator_stats(struct yz_tx *tx, int64_t mediator_id, struct yz_date today,
                                     struct yz_roster_stats *out)
{
    return run_stats(tx, &q_stats_med, &q_overdue_med, mediator_id, today, out);
}

enum yz_err yz_roster_org_stats(struct yz_tx *tx, int64_t org_id, struct yz_date today,
                                struct yz_roster_stats *out)
{
    return run_stats(tx, &q_stats_org, &q_overdue_org, org_id, today, out);
}

static struct yz_date today(void)
{
    return yz_date_of_shanghai(yz_time_now_ms());
}

/* ---- views ------------------------------------------------------------------- */

static json_t *specialties_json(const struct yz_app *app, const char *stored)
{
    json_t *arr = json_array();
    json_t *v = json_loads(stored, 0, NULL);
    size_t n = json_is_array(v) ? json_array_size(v) : 0;
    for (size_t i = 0; i < n && i < YZ_ROSTER_MAX_SPECIALTIES; i++) {
        const char *code = json_string_value(json_array_get(v, i));
        if (!code)
            continue;
        const struct yz_cause *c = yz_catalog_cause(app->catalog, code, YZ_CAUSE_REV_2025);
        json_array_append_new(arr,
                              json_pack("{s:s, s:s?}", "code", code, "name", c ? c->name : NULL));
    }
    json_decref(v);
    return arr;
}

static json_t *languages_json(const char *stored)
{
    json_t *arr = json_array();
    json_t *v = json_loads(stored, 0, NULL);
    size_t n = json_is_array(v) ? json_array_size(v) : 0;
    for (size_t i = 0; i < n && i < YZ_ROSTER_MAX_LANGUAGES; i++) {
        const char *s = json_string_value(json_array_get(v, i));
        if (s)
            json_array_append_new(arr, json_string(s));
    }
    json_decref(v);
    return arr;
}

/* The codes of a stored specialties list: fills codes[0..max) pointing into
 * *holder (json_decref it when done) and returns how many. */
static size_t stored_codes(const char *stored, json_t **holder, const char **codes, size_t max)
{
    *holder = json_loads(stored, 0, NULL);
    size_t n = 0, size = json_is_array(*holder) ? json_array_size(*holder) : 0;
    for (size_t i = 0; i < size && n < max; i++) {
        const char *s = json_string_value(json_array_get(*holder, i));
        if (s)
            codes[n++] = s;
    }
    return n;
}

static enum yz_err studios_json(struct yz_tx *tx, struct yz_sql_def *def, int64_t owner,
                                json_t **out)
{
    *out = json_array();
    struct yz_stmt *st = yz_sql(tx, def);
    yz_bind_i64(st, 1, owner);
    yz_bind_i64(st, 2, YZ_ROSTER_SHOWN_MAX);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row)
        json_array_append_new(
            *out, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)yz_col_i64(st, 0), "name",
                            yz_col_text(st, 1), "description", yz_col_text(st, 2)));
    if (e != YZ_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return e;
}

static enum yz_err training_json(struct yz_tx *tx, int64_t mediator_id, bool detail, json_t *into)
{
    struct yz_stmt *st = yz_sql(tx, &q_training_sum);
    yz_bind_i64(st, 1, mediator_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (row) {
        json_object_set_new(into, "training_courses", json_integer(yz_col_i64(st, 0)));
        json_object_set_new(into, "training_hours", json_integer(yz_col_i64(st, 1)));
    }
    if ((e = yz_exec(st)) != YZ_OK || !detail)
        return e;
    json_t *list = json_array();
    st = yz_sql(tx, &q_training_list);
    yz_bind_i64(st, 1, mediator_id);
    yz_bind_i64(st, 2, YZ_ROSTER_SHOWN_MAX);
    while ((e = yz_step(st, &row)) == YZ_OK && row)
        json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "date", yz_col_text(st, 0),
                                              "title", yz_col_text(st, 1), "hours",
                                              (json_int_t)yz_col_i64(st, 2)));
    json_object_set_new(into, "training", list);
    return e;
}

/* A mediator as the public sees them: no phone, no account id. */
static enum yz_err mediator_view(struct yz_tx *tx, struct yz_app *app, int64_t id, bool detail,
                                 json_t **out)
{
    *out = NULL;
    struct med_row m;
    enum yz_err e = load_med(tx, id, &m);
    if (e != YZ_OK)
        return e;
    json_t *o =
        json_pack("{s:I, s:s, s:I, s:o, s:o, s:o, s:o, s:I, s:b, s:s, s:s}", "id", (json_int_t)m.id,
                  "name", m.name, "court_id", (json_int_t)m.court_id, "org_id",
                  m.org_id ? json_integer(m.org_id) : json_null(), "org_name",
                  m.org_id ? json_string(m.org_name) : json_null(), "specialties",
                  specialties_json(app, m.specialties), "languages", languages_json(m.languages),
                  "capacity", (json_int_t)m.capacity, "available", m.available, "qualifications",
                  m.qualifications, "status", m.status);
    json_t *studios = NULL;
    struct yz_roster_stats s;
    if ((e = studios_json(tx, &q_studios_med, m.id, &studios)) != YZ_OK)
        goto out;
    json_object_set_new(o, "studios", studios);
    if ((e = training_json(tx, m.id, detail, o)) != YZ_OK)
        goto out;
    if ((e = yz_roster_mediator_stats(tx, m.id, today(), &s)) != YZ_OK)
        goto out;
    json_object_set_new(o, "track_record", yz_roster_stats_json(&s, false));
out:
    med_row_release(&m);
    if (e != YZ_OK)
        json_decref(o);
    else
        *out = o;
    return e;
}

/* Member ids of an organisation (all statuses when all), at most max; *ids is the caller's. */
static enum yz_err org_member_ids(struct yz_tx *tx, int64_t org_id, bool all, size_t max,
                                  int64_t **ids, size_t *n)
{
    *ids = yz_calloc(max ? max : 1, sizeof **ids);
    *n = 0;
    struct yz_stmt *st = yz_sql(tx, &q_org_members);
    yz_bind_i64(st, 1, org_id);
    yz_bind_i64(st, 2, all ? 1 : 0);
    yz_bind_i64(st, 3, (int64_t)max);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && *n < max)
        (*ids)[(*n)++] = yz_col_i64(st, 0);
    if (e == YZ_OK && row)
        e = yz_exec(st);
    return e;
}

static enum yz_err org_view(struct yz_tx *tx, struct yz_app *app, int64_t id, bool detail,
                            json_t **out)
{
    *out = NULL;
    struct org_row g;
    enum yz_err e = load_org(tx, id, &g);
    if (e != YZ_OK)
        return e;
    json_t *o =
        json_pack("{s:I, s:I, s:s, s:s, s:s?, s:s, s:o, s:s}", "id", (json_int_t)g.id, "court_id",
                  (json_int_t)g.court_id, "name", g.name, "kind", g.kind, "kind_title",
                  yz_roster_org_kind_title(g.kind), "region", g.region, "phone",
                  g.phone[0] ? json_string(g.phone) : json_null(), "status", g.status);
    json_t *studios = NULL;
    int64_t *ids = NULL;
    size_t n = 0;
    struct yz_roster_stats s;
    if ((e = studios_json(tx, &q_studios_org, g.id, &studios)) != YZ_OK)
        goto out;
    json_object_set_new(o, "studios", studios);
    if ((e = org_member_ids(tx, g.id, false, YZ_ROSTER_SCAN_MAX, &ids, &n)) != YZ_OK)
        goto out;
    json_object_set_new(o, "mediator_count", json_integer((json_int_t)n));
    if (detail) {
        json_t *members = json_array();
        json_object_set_new(o, "mediators", members);
        for (size_t i = 0; i < n && i < (size_t)yz_tx_max_rows(tx); i++) {
            json_t *m;
            if ((e = mediator_view(tx, app, ids[i], false, &m)) != YZ_OK)
                goto out;
            json_array_append_new(members, m);
        }
    }
    if ((e = yz_roster_org_stats(tx, g.id, today(), &s)) != YZ_OK)
        goto out;
    json_object_set_new(o, "track_record", yz_roster_stats_json(&s, false));
out:
    free(ids);
    if (e != YZ_OK)
        json_decref(o);
    else
        *out = o;
    return e;
}

enum yz_err yz_roster_org_get(struct yz_tx *tx, struct yz_app *app, int64_t id, json_t **out)
{
    return org_view(tx, app, id, true, out);
}

enum yz_err yz_roster_mediator_get(struct yz_tx *tx, struct yz_app *app, int64_t id, json_t **out)
{
    return mediator_view(tx, app, id, true, out);
}

/* ---- organisations --------------------------------------------------------- */

static void check_org_fields(const struct yz_roster_org_input *in, bool create,
                             struct yz_field_errors *fe)
{
    if (create || in->name)
        check_text(fe, "name", "调解组织名称", in->name, 2, 60, false);
    if (create || in->kind) {
        if (!in->kind || !*in->kind)
            yz_field_errors_add(fe, "kind", "required", "请选择调解组织类别");
        else if (!yz_roster_org_kind_title(in->kind))
            yz_field_errors_add(fe, "kind", "not_allowed", "调解组织类别的取值不在允许范围内");
    }
    if (create || in->region)
        check_text(fe, "region", "所在地区", in->region, 2, 60, false);
    if (in->phone && *in->phone)
        check_office_phone(fe, in->phone);
    if (in->status && !is_status(in->status))
        yz_field_errors_add(fe, "status", "not_allowed", "状态的取值不在允许范围内");
}

enum yz_err yz_roster_org_create(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, const char *channel,
                                 const struct yz_roster_org_input *in, struct yz_field_errors *fe,
                                 json_t **out)
{
    *out = NULL;
    if (!court_admin_of(who, in->court_id))
        return YZ_ERR_FORBIDDEN;
    if (!yz_courts_find(&app->courts, in->court_id))
        yz_field_errors_add(fe, "court_id", "not_found", "法院不存在");
    check_org_fields(in, true, fe);
    int64_t admin = 0;
    enum yz_err e;
    if (in->admin_phone && *in->admin_phone &&
        (e = find_account(tx, app, in->admin_phone, "org_admin", "admin_phone", "调解组织管理员",
                          fe, &admin, NULL, 0)) != YZ_OK)
        return e;
    if (fe->count)
        return YZ_ERR_VALIDATION;

    int64_t now = yz_time_now_ms();
    const char *phone = in->phone && *in->phone ? in->phone : NULL;
    struct yz_stmt *st = yz_sql(tx, &q_org_insert);
    yz_bind_i64(st, 1, in->court_id);
    yz_bind_text(st, 2, in->name);
    yz_bind_text(st, 3, in->kind);
    if (admin)
        yz_bind_i64(st, 4, admin);
    else
        yz_bind_null(st, 4);
    yz_bind_text(st, 5, in->region);
    yz_bind_text(st, 6, phone);
    yz_bind_i64(st, 7, now);
    yz_bind_i64(st, 8, now);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    int64_t id = yz_col_i64(st, 0);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    json_t *payload =
        json_pack("{s:I, s:s, s:s, s:s, s:s?, s:o}", "court_id", (json_int_t)in->court_id, "name",
                  in->name, "kind", in->kind, "region", in->region, "phone", phone, "admin_user_id",
                  admin ? json_integer(admin) : json_null());
    if ((e = record(tx, app, "org", id, "roster.org_created", who, channel, payload)) != YZ_OK)
        return e;
    return org_view(tx, app, id, true, out);
}

/* Records a changed text member in changes; returns the value to store. */
static const char *change_text(json_t *changes, const char *key, const char *old_value,
                               const char *new_value)
{
    if (!new_value || strcmp(old_value, new_value) == 0)
        return old_value;
    json_object_set_new(changes, key, *new_value ? json_string(new_value) : json_null());
    return new_value;
}

enum yz_err yz_roster_org_update(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, const char *channel, int64_t id,
                                 const struct yz_roster_org_input *in, struct yz_field_errors *fe,
                                 json_t **out)
{
    *out = NULL;
    struct org_row g;
    enum yz_err e = load_org(tx, id, &g);
    if (e != YZ_OK)
        return e;
    bool admin = court_admin_of(who, g.court_id);
    if (!admin && !org_admin_of(who, g.admin_user_id))
        return YZ_ERR_FORBIDDEN;
    /* The organisation keeps its contact details; the court decides the rest. */
    if (!admin && (in->name || in->kind || in->admin_phone || in->status))
        return YZ_ERR_FORBIDDEN;
    if (!in->name && !in->kind && !in->region && !in->phone && !in->admin_phone && !in->status)
        yz_field_errors_add(fe, "body", "empty", "请至少填写一项要修改的内容");
    check_org_fields(in, false, fe);
    int64_t admin_id = g.admin_user_id;
    if (in->admin_phone) {
        admin_id = 0;
        if (*in->admin_phone &&
            (e = find_account(tx, app, in->admin_phone, "org_admin", "admin_phone",
                              "调解组织管理员", fe, &admin_id, NULL, 0)) != YZ_OK)
            return e;
    }
    if (fe->count)
        return YZ_ERR_VALIDATION;

    json_t *changes = json_object();
    const char *name = change_text(changes, "name", g.name, in->name);
    const char *kind = change_text(changes, "kind", g.kind, in->kind);
    const char *region = change_text(changes, "region", g.region, in->region);
    const char *phone = change_text(changes, "phone", g.phone, in->phone);
    const char *status = change_text(changes, "status", g.status, in->status);
    if (admin_id != g.admin_user_id)
        json_object_set_new(changes, "admin_user_id",
                            admin_id ? json_integer(admin_id) : json_null());
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        return org_view(tx, app, id, true, out);
    }
    struct yz_stmt *st = yz_sql(tx, &q_org_update);
    yz_bind_text(st, 1, name);
    yz_bind_text(st, 2, kind);
    if (admin_id)
        yz_bind_i64(st, 3, admin_id);
    else
        yz_bind_null(st, 3);
    yz_bind_text(st, 4, region);
    yz_bind_text(st, 5, *phone ? phone : NULL);
    yz_bind_text(st, 6, status);
    yz_bind_i64(st, 7, yz_time_now_ms());
    yz_bind_i64(st, 8, id);
    if ((e = yz_exec(st)) != YZ_OK) {
        json_decref(changes);
        return e;
    }
    char type[48];
    status_event("org", g.status, status, type, sizeof type);
    if ((e = record(tx, app, "org", id, type, who, channel,
                    json_pack("{s:o}", "changes", changes))) != YZ_OK)
        return e;
    return org_view(tx, app, id, true, out);
}

/* ---- mediators --------------------------------------------------------------- */

/* Validated profile values; the lists as stored JSON (owned). */
struct med_values {
    char *specialties, *languages;
};

static void med_values_release(struct med_values *v)
{
    free(v->specialties);
    free(v->languages);
}

static void check_med_fields(const struct yz_app *app, const struct yz_roster_mediator_input *in,
                             bool create, struct med_values *v, struct yz_field_errors *fe)
{
    memset(v, 0, sizeof *v);
    if (in->name)
        check_text(fe, "name", "调解员姓名", in->name, 1, 100, false);
    if (create || in->specialties)
        v->specialties = check_specialties(app, in->specialties, fe);
    if (in->languages)
        v->languages = check_languages(in->languages, fe);
    if (in->capacity != 0 && (in->capacity < 1 || in->capacity > YZ_ROSTER_MAX_CAPACITY))
        yz_field_errors_add(fe, "capacity", "out_of_range", "同时承办件数应在 1 到 %d 之间",
                            YZ_ROSTER_MAX_CAPACITY);
    if (in->qualifications)
        check_text(fe, "qualifications", "资质", in->qualifications, 0, 1000, true);
    if (in->available < -1 || in->available > 1)
        yz_field_errors_add(fe, "available", "not_allowed", "是否可接受委派的取值不正确");
    if (in->status && !is_status(in->status))
        yz_field_errors_add(fe, "status", "not_allowed", "状态的取值不在允许范围内");
}

/* Who adds a mediator, and to which roster: fills *org (id 0 for an
 * independent mediator) and *court_id. */
static enum yz_err resolve_add_target(struct yz_tx *tx, const struct yz_app *app,
                                      const struct yz_principal *who,
                                      const struct yz_roster_mediator_input *in,
                                      struct org_row *org, int64_t *court_id,
                                      struct yz_field_errors *fe)
{
    memset(org, 0, sizeof *org);
    *court_id = 0;
    int64_t org_id = in->org_id;
    enum yz_err e;
    if (who->role == YZ_ROLE_ORG_ADMIN && who->user_id) {
        struct yz_stmt *st = yz_sql(tx, &q_org_by_admin);
        yz_bind_i64(st, 1, who->user_id);
        bool row;
        if ((e = yz_step(st, &row)) != YZ_OK)
            return e;
        int64_t own = row ? yz_col_i64(st, 0) : 0;
        if ((e = yz_exec(st)) != YZ_OK)
            return e;
        if (!own || (org_id && org_id != own))
            return YZ_ERR_FORBIDDEN;
        org_id = own;
    } else if (who->role != YZ_ROLE_COURT_ADMIN) {
        return YZ_ERR_FORBIDDEN;
    }
    if (org_id) {
        e = load_org(tx, org_id, org);
        if (e == YZ_ERR_NOT_FOUND) {
            yz_field_errors_add(fe, "org_id", "not_found", "调解组织不存在");
            return YZ_OK;
        }
        if (e != YZ_OK)
            return e;
        if (!court_admin_of(who, org->court_id) && !org_admin_of(who, org->admin_user_id))
            return YZ_ERR_FORBIDDEN;
        if (in->court_id && in->court_id != org->court_id)
            yz_field_errors_add(fe, "court_id", "mismatch", "调解组织不在该法院的特邀调解名册上");
        if (strcmp(org->status, "active") != 0)
            yz_field_errors_add(fe, "org_id", "suspended", "该调解组织已暂停，不能添加调解员");
        *court_id = org->court_id;
        return YZ_OK;
    }
    if (!in->court_id) {
        if (!court_admin_of(who, who->court_id))
            return YZ_ERR_FORBIDDEN;
        yz_field_errors_add(fe, "court_id", "required", "请指定所属调解组织或法院");
        return YZ_OK;
    }
    if (!court_admin_of(who, in->court_id))
        return YZ_ERR_FORBIDDEN;
    if (!yz_courts_find(&app->courts, in->court_id))
        yz_field_errors_add(fe, "court_id", "not_found", "法院不存在");
    *court_id = in->court_id;
    return YZ_OK;
}

enum yz_err yz_roster_mediator_add(struct yz_tx *tx, struct yz_app *app,
                                   const struct yz_principal *who, const char *channel,
                                   const struct yz_roster_mediator_input *in,
                                   struct yz_field_errors *fe, json_t **out)
{
    *out = NULL;
    struct org_row org;
    int64_t court_id = 0, user_id = 0;
    struct med_values v = {0};
    char account_name[256] = "";
    enum yz_err e = resolve_add_target(tx, app, who, in, &org, &court_id, fe);
    if (e != YZ_OK)
        return e;
    check_med_fields(app, in, true, &v, fe);
    if (in->status)
        yz_field_errors_add(fe, "status", "not_allowed", "新加入的调解员状态为正常，不能指定");
    if (!in->phone || !*in->phone)
        yz_field_errors_add(fe, "phone", "required", "请填写调解员注册账号的手机号码");
    else if ((e = find_account(tx, app, in->phone, "mediator", "phone", "特邀调解员", fe, &user_id,
                               account_name, sizeof account_name)) != YZ_OK)
        goto out;
    if (fe->count) {
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    const char *name = in->name ? in->name : account_name;
    const char *languages = v.languages ? v.languages : "[]";
    int64_t capacity = in->capacity ? in->capacity : YZ_ROSTER_DEFAULT_CAPACITY;
    bool available = in->available != 0;
    const char *qual = in->qualifications && *in->qualifications ? in->qualifications : NULL;
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_med_insert);
    yz_bind_i64(st, 1, user_id);
    if (org.id)
        yz_bind_i64(st, 2, org.id);
    else
        yz_bind_null(st, 2);
    yz_bind_i64(st, 3, court_id);
    yz_bind_text(st, 4, name);
    yz_bind_text(st, 5, v.specialties);
    yz_bind_text(st, 6, languages);
    yz_bind_i64(st, 7, capacity);
    yz_bind_i64(st, 8, available);
    yz_bind_text(st, 9, qual);
    yz_bind_i64(st, 10, now);
    yz_bind_i64(st, 11, now);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        goto out;
    if (!row) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    int64_t id = yz_col_i64(st, 0);
    if ((e = yz_exec(st)) != YZ_OK)
        goto out;
    json_t *payload =
        json_pack("{s:I, s:o, s:I, s:s, s:o, s:o, s:I, s:b, s:s?}", "user_id", (json_int_t)user_id,
                  "org_id", org.id ? json_integer(org.id) : json_null(), "court_id",
                  (json_int_t)court_id, "name", name, "specialties",
                  json_loads(v.specialties, 0, NULL), "languages", json_loads(languages, 0, NULL),
                  "capacity", (json_int_t)capacity, "available", available, "qualifications", qual);
    if ((e = record(tx, app, "mediator", id, "roster.mediator_added", who, channel, payload)) !=
        YZ_OK)
        goto out;
    e = mediator_view(tx, app, id, true, out);
out:
    med_values_release(&v);
    return e;
}

enum yz_err yz_roster_mediator_update(struct yz_tx *tx, struct yz_app *app,
                                      const struct yz_principal *who, const char *channel,
                                      int64_t id, const struct yz_roster_mediator_input *in,
                                      struct yz_field_errors *fe, json_t **out)
{
    *out = NULL;
    struct med_row m;
    struct med_values v = {0};
    enum yz_err e = load_med(tx, id, &m);
    if (e != YZ_OK)
        return e;
    bool admin = court_admin_of(who, m.court_id);
    bool org = m.org_id && org_admin_of(who, m.org_admin_user_id);
    bool self = mediator_self(who, m.user_id);
    bool profile =
        in->name || in->specialties || in->languages || in->capacity || in->qualifications;
    /* Add-only members are not changes: naming them is a mistake, not a no-op. */
    if (in->phone || in->org_id || in->court_id)
        yz_field_errors_add(fe, "body", "not_allowed", "调解员的账号和所属名册不能在此修改");
    if (!admin && !org && !self) {
        e = YZ_ERR_FORBIDDEN;
        goto out;
    }
    if ((in->status && !admin) || (profile && !admin && !org)) {
        e = YZ_ERR_FORBIDDEN;
        goto out;
    }
    if (!profile && !in->status && in->available < 0 && !fe->count)
        yz_field_errors_add(fe, "body", "empty", "请至少填写一项要修改的内容");
    check_med_fields(app, in, false, &v, fe);
    if (fe->count) {
        e = YZ_ERR_VALIDATION;
        goto out;
    }

    json_t *changes = json_object();
    const char *name = change_text(changes, "name", m.name, in->name);
    const char *status = change_text(changes, "status", m.status, in->status);
    const char *qual = change_text(changes, "qualifications", m.qualifications, in->qualifications);
    const char *specialties = m.specialties, *languages = m.languages;
    if (v.specialties && strcmp(v.specialties, m.specialties) != 0) {
        json_object_set_new(changes, "specialties", json_loads(v.specialties, 0, NULL));
        specialties = v.specialties;
    }
    if (v.languages && strcmp(v.languages, m.languages) != 0) {
        json_object_set_new(changes, "languages", json_loads(v.languages, 0, NULL));
        languages = v.languages;
    }
    int64_t capacity = m.capacity;
    if (in->capacity && in->capacity != m.capacity) {
        json_object_set_new(changes, "capacity", json_integer(in->capacity));
        capacity = in->capacity;
    }
    bool available = m.available;
    if (in->available >= 0 && (in->available == 1) != m.available) {
        available = in->available == 1;
        json_object_set_new(changes, "available", json_boolean(available));
    }
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        e = mediator_view(tx, app, id, true, out);
        goto out;
    }
    struct yz_stmt *st = yz_sql(tx, &q_med_update);
    yz_bind_text(st, 1, name);
    yz_bind_text(st, 2, specialties);
    yz_bind_text(st, 3, languages);
    yz_bind_i64(st, 4, capacity);
    yz_bind_i64(st, 5, available);
    yz_bind_text(st, 6, *qual ? qual : NULL);
    yz_bind_text(st, 7, status);
    yz_bind_i64(st, 8, yz_time_now_ms());
    yz_bind_i64(st, 9, id);
    if ((e = yz_exec(st)) != YZ_OK) {
        json_decref(changes);
        goto out;
    }
    char type[48];
    status_event("mediator", m.status, status, type, sizeof type);
    if ((e = record(tx, app, "mediator", id, type, who, channel,
                    json_pack("{s:o}", "changes", changes))) != YZ_OK)
        goto out;
    e = mediator_view(tx, app, id, true, out);
out:
    med_values_release(&v);
    med_row_release(&m);
    return e;
}

enum yz_err yz_roster_training_add(struct yz_tx *tx, struct yz_app *app,
                                   const struct yz_principal *who, const char *channel,
                                   int64_t mediator_id, const struct yz_roster_training_input *in,
                                   struct yz_field_errors *fe, json_t **out)
{
    *out = NULL;
    struct med_row m;
    enum yz_err e = load_med(tx, mediator_id, &m);
    if (e != YZ_OK)
        return e;
    bool allowed =
        court_admin_of(who, m.court_id) || (m.org_id && org_admin_of(who, m.org_admin_user_id));
    med_row_release(&m);
    if (!allowed)
        return YZ_ERR_FORBIDDEN;
    struct yz_date d;
    if (!in->date || !*in->date)
        yz_field_errors_add(fe, "date", "required", "请填写培训日期");
    else if (strlen(in->date) != 10 || !yz_date_parse(in->date, &d))
        yz_field_errors_add(fe, "date", "invalid_date", "培训日期应为有效日期（格式：YYYY-MM-DD）");
    else if (yz_date_to_days(d) > yz_date_to_days(today()))
        yz_field_errors_add(fe, "date", "in_future", "培训日期不能晚于今天");
    check_text(fe, "title", "培训名称", in->title, 2, 100, false);
    if (in->hours < 1 || in->hours > YZ_ROSTER_MAX_TRAINING_HOURS)
        yz_field_errors_add(fe, "hours", "out_of_range", "培训学时应在 1 到 %d 之间",
                            YZ_ROSTER_MAX_TRAINING_HOURS);
    if (fe->count)
        return YZ_ERR_VALIDATION;
    struct yz_stmt *st = yz_sql(tx, &q_training_insert);
    yz_bind_i64(st, 1, mediator_id);
    yz_bind_text(st, 2, in->date);
    yz_bind_text(st, 3, in->title);
    yz_bind_i64(st, 4, in->hours);
    yz_bind_i64(st, 5, yz_time_now_ms());
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    json_t *payload = json_pack("{s:s, s:s, s:I}", "date", in->date, "title", in->title, "hours",
                                (json_int_t)in->hours);
    if ((e = record(tx, app, "mediator", mediator_id, "roster.training_recorded", who, channel,
                    payload)) != YZ_OK)
        return e;
    return mediator_view(tx, app, mediator_id, true, out);
}

/* ---- studios ------------------------------------------------------------------- */

enum yz_err yz_roster_studio_create(struct yz_tx *tx, struct yz_app *app,
                                    const struct yz_principal *who, const char *channel,
                                    const struct yz_roster_studio_input *in,
                                    struct yz_field_errors *fe, json_t **out)
{
    *out = NULL;
    if ((in->org_id != 0) == (in->mediator_id != 0)) {
        yz_field_errors_add(fe, "org_id", "one_of", "请指定调解组织或调解员之一（只能选一个）");
        return YZ_ERR_VALIDATION;
    }
    int64_t court_id = 0, admin_user_id = 0;
    enum yz_err e;
    const char *field = in->org_id ? "org_id" : "mediator_id";
    if (in->org_id) {
        struct org_row g;
        e = load_org(tx, in->org_id, &g);
        court_id = g.court_id;
        admin_user_id = g.admin_user_id;
    } else {
        struct med_row m;
        e = load_med(tx, in->mediator_id, &m);
        if (e == YZ_OK) {
            court_id = m.court_id;
            admin_user_id = m.org_id ? m.org_admin_user_id : 0;
            med_row_release(&m);
        }
    }
    if (e == YZ_ERR_NOT_FOUND) {
        yz_field_errors_add(fe, field, "not_found", in->org_id ? "调解组织不存在" : "调解员不存在");
        return YZ_ERR_VALIDATION;
    }
    if (e != YZ_OK)
        return e;
    if (!court_admin_of(who, court_id) && !(admin_user_id && org_admin_of(who, admin_user_id)))
        return YZ_ERR_FORBIDDEN;
    check_text(fe, "name", "工作室名称", in->name, 2, 60, false);
    if (in->description)
        check_text(fe, "description", "工作室简介", in->description, 0, 1000, true);
    if (fe->count)
        return YZ_ERR_VALIDATION;
    const char *desc = in->description && *in->description ? in->description : NULL;
    struct yz_stmt *st = yz_sql(tx, &q_studio_insert);
    yz_bind_i64(st, 1, court_id);
    if (in->org_id)
        yz_bind_i64(st, 2, in->org_id);
    else
        yz_bind_null(st, 2);
    if (in->mediator_id)
        yz_bind_i64(st, 3, in->mediator_id);
    else
        yz_bind_null(st, 3);
    yz_bind_text(st, 4, in->name);
    yz_bind_text(st, 5, desc);
    yz_bind_i64(st, 6, yz_time_now_ms());
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    int64_t id = yz_col_i64(st, 0);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    json_t *payload = json_pack("{s:I, s:I, s:s, s:s?}", "studio_id", (json_int_t)id, "court_id",
                                (json_int_t)court_id, "name", in->name, "description", desc);
    e = record(tx, app, in->org_id ? "org" : "mediator", in->org_id ? in->org_id : in->mediator_id,
               "roster.studio_created", who, channel, payload);
    if (e != YZ_OK)
        return e;
    *out = json_pack("{s:I, s:I, s:o, s:o, s:s, s:s?}", "id", (json_int_t)id, "court_id",
                     (json_int_t)court_id, "org_id",
                     in->org_id ? json_integer(in->org_id) : json_null(), "mediator_id",
                     in->mediator_id ? json_integer(in->mediator_id) : json_null(), "name",
                     in->name, "description", desc);
    return YZ_OK;
}

/* ---- the public list ------------------------------------------------------------ */

enum yz_roster_match yz_roster_match_cause(const struct yz_catalog *cat,
                                           const char *const *specialties, size_t n,
                                           const struct yz_cause *cause,
                                           const struct yz_cause **matched)
{
    enum yz_roster_match best = YZ_ROSTER_MATCH_NONE;
    const struct yz_cause *by = NULL;
    for (size_t i = 0; cause && i < n; i++) {
        const struct yz_cause *s = yz_catalog_cause(cat, specialties[i], cause->revision);
        if (!s)
            continue;
        enum yz_roster_match m = YZ_ROSTER_MATCH_NONE;
        if (s == cause)
            m = YZ_ROSTER_MATCH_EXACT;
        else if (yz_catalog_within(cause, s) || yz_catalog_within(s, cause))
            m = YZ_ROSTER_MATCH_RELATED;
        else if (s->parent && s->parent == cause->parent && s->parent->level >= 2)
            m = YZ_ROSTER_MATCH_SIBLING;
        if (m > best) {
            best = m;
            by = s;
        }
    }
    if (matched)
        *matched = by;
    return best;
}

struct id_list {
    int64_t *ids;
    size_t n, cap;
};

static void id_push(struct id_list *l, int64_t id)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->ids = yz_realloc(l->ids, l->cap * sizeof *l->ids);
    }
    l->ids[l->n++] = id;
}

static bool id_has(const struct id_list *l, int64_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->ids[i] == id)
            return true;
    return false;
}

enum yz_err yz_roster_list(struct yz_tx *tx, struct yz_app *app, const struct yz_roster_query *q,
                           json_t **out)
{
    *out = NULL;
    const struct yz_cause *cause = NULL;
    if (q->cause && !(cause = yz_catalog_cause(app->catalog, q->cause, YZ_CAUSE_REV_2025)))
        return YZ_ERR_VALIDATION;
    const char *text = q->q && *q->q ? q->q : NULL;
    size_t shown_max = (size_t)yz_tx_max_rows(tx);
    struct id_list meds = {0}, orgs = {0}, cause_orgs = {0};
    json_t *orgs_json = json_array(), *meds_json = json_array();
    bool truncated = false;

    struct yz_stmt *st = yz_sql(tx, &q_list_meds);
    yz_bind_i64(st, 1, q->court_id);
    yz_bind_i64(st, 2, q->court_id);
    for (int i = 3; i <= 6; i++)
        yz_bind_text(st, i, text);
    yz_bind_i64(st, 7, YZ_ROSTER_SCAN_MAX);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        if (cause) {
            json_t *holder;
            const char *codes[YZ_ROSTER_MAX_SPECIALTIES];
            size_t n = stored_codes(yz_col_text(st, 2), &holder, codes, YZ_ROSTER_MAX_SPECIALTIES);
            enum yz_roster_match m = yz_roster_match_cause(app->catalog, codes, n, cause, NULL);
            json_decref(holder);
            if (m < YZ_ROSTER_MATCH_RELATED)
                continue;
            if (yz_col_i64(st, 1))
                id_push(&cause_orgs, yz_col_i64(st, 1));
        }
        id_push(&meds, yz_col_i64(st, 0));
    }
    if (e != YZ_OK)
        goto out;
    st = yz_sql(tx, &q_list_orgs);
    yz_bind_i64(st, 1, q->court_id);
    yz_bind_i64(st, 2, q->court_id);
    for (int i = 3; i <= 5; i++)
        yz_bind_text(st, i, text);
    yz_bind_i64(st, 6, YZ_ROSTER_SCAN_MAX);
    while ((e = yz_step(st, &row)) == YZ_OK && row)
        if (!cause || id_has(&cause_orgs, yz_col_i64(st, 0)))
            id_push(&orgs, yz_col_i64(st, 0));
    if (e != YZ_OK)
        goto out;

    for (size_t i = 0; i < orgs.n && i < shown_max; i++) {
        json_t *o;
        if ((e = org_view(tx, app, orgs.ids[i], false, &o)) != YZ_OK)
            goto out;
        json_array_append_new(orgs_json, o);
    }
    for (size_t i = 0; i < meds.n && i < shown_max; i++) {
        json_t *o;
        if ((e = mediator_view(tx, app, meds.ids[i], false, &o)) != YZ_OK)
            goto out;
        json_array_append_new(meds_json, o);
    }
    truncated = orgs.n > shown_max || meds.n > shown_max;
    *out = json_pack("{s:o, s:o, s:b}", "orgs", orgs_json, "mediators", meds_json, "truncated",
                     truncated);
    orgs_json = meds_json = NULL;
    if (cause)
        json_object_set_new(*out, "cause",
                            json_pack("{s:s, s:s}", "code", cause->code, "name", cause->name));
out:
    json_decref(orgs_json);
    json_decref(meds_json);
    free(meds.ids);
    free(orgs.ids);
    free(cause_orgs.ids);
    return e;
}

/* ---- workload ------------------------------------------------------------------ */

enum yz_err yz_roster_mediator_workload(struct yz_tx *tx, struct yz_app *app,
                                        const struct yz_principal *who, int64_t id, json_t **out)
{
    *out = NULL;
    struct med_row m;
    enum yz_err e = load_med(tx, id, &m);
    if (e != YZ_OK)
        return e;
    struct yz_roster_stats s;
    if (!mediator_self(who, m.user_id) && !(m.org_id && org_admin_of(who, m.org_admin_user_id)) &&
        !yz_policy_court_visible(app, who, m.court_id)) {
        e = YZ_ERR_FORBIDDEN;
        goto out;
    }
    if ((e = yz_roster_mediator_stats(tx, id, today(), &s)) != YZ_OK)
        goto out;
    json_t *w = yz_roster_stats_json(&s, true);
    json_object_set_new(w, "capacity", json_integer(m.capacity));
    json_object_set_new(w, "load_pct", json_integer(yz_roster_pct(s.running, m.capacity)));
    *out = json_pack("{s:{s:I, s:s, s:o, s:I, s:b, s:s}, s:o}", "mediator", "id", (json_int_t)m.id,
                     "name", m.name, "org_id", m.org_id ? json_integer(m.org_id) : json_null(),
                     "court_id", (json_int_t)m.court_id, "available", m.available, "status",
                     m.status, "workload", w);
out:
    med_row_release(&m);
    return e;
}

enum yz_err yz_roster_org_workload(struct yz_tx *tx, struct yz_app *app,
                                   const struct yz_principal *who, int64_t id, json_t **out)
{
    *out = NULL;
    struct org_row g;
    enum yz_err e = load_org(tx, id, &g);
    if (e != YZ_OK)
        return e;
    if (!org_admin_of(who, g.admin_user_id) && !yz_policy_court_visible(app, who, g.court_id))
        return YZ_ERR_FORBIDDEN;
    struct yz_date day = today();
    struct yz_roster_stats s;
    if ((e = yz_roster_org_stats(tx, id, day, &s)) != YZ_OK)
        return e;
    int64_t *ids = NULL;
    size_t n = 0;
    json_t *members = json_array();
    if ((e = org_member_ids(tx, id, true, (size_t)yz_tx_max_rows(tx), &ids, &n)) != YZ_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct med_row m;
        struct yz_roster_stats ms;
        if ((e = load_med(tx, ids[i], &m)) != YZ_OK)
            goto out;
        e = yz_roster_mediator_stats(tx, ids[i], day, &ms);
        if (e == YZ_OK) {
            json_t *w = yz_roster_stats_json(&ms, true);
            json_object_set_new(w, "capacity", json_integer(m.capacity));
            json_object_set_new(w, "load_pct", json_integer(yz_roster_pct(ms.running, m.capacity)));
            json_array_append_new(members,
                                  json_pack("{s:I, s:s, s:b, s:s, s:o}", "id", (json_int_t)m.id,
                                            "name", m.name, "available", m.available, "status",
                                            m.status, "workload", w));
        }
        med_row_release(&m);
        if (e != YZ_OK)
            goto out;
    }
    *out = json_pack("{s:{s:I, s:s, s:I, s:s}, s:o, s:o}", "org", "id", (json_int_t)g.id, "name",
                     g.name, "court_id", (json_int_t)g.court_id, "status", g.status, "workload",
                     yz_roster_stats_json(&s, true), "mediators", members);
    members = NULL;
out:
    json_decref(members);
    free(ids);
    return e;
}

/* ---- the caller's own entries ------------------------------------------------------- */

static struct yz_sql_def q_my_mediators = YZ_SQL(
    "SELECT m.id, m.name, m.court_id, coalesce(m.org_id, 0), coalesce(o.name, ''), m.available,"
    " m.status FROM mediators m LEFT JOIN mediation_orgs o ON o.id = m.org_id"
    " WHERE m.user_id = ? ORDER BY m.id LIMIT ?");
static struct yz_sql_def q_my_orgs =
    YZ_SQL("SELECT id, name, court_id, status FROM mediation_orgs WHERE admin_user_id = ?"
           " ORDER BY id LIMIT ?");

enum yz_err yz_roster_mine(struct yz_tx *tx, const struct yz_principal *who, json_t **out)
{
    *out = NULL;
    json_t *meds = json_array(), *orgs = json_array();
    enum yz_err e = YZ_OK;
    bool row;
    if (who->role == YZ_ROLE_MEDIATOR && who->user_id) {
        struct yz_stmt *st = yz_sql(tx, &q_my_mediators);
        yz_bind_i64(st, 1, who->user_id);
        yz_bind_i64(st, 2, yz_tx_max_rows(tx));
        while ((e = yz_step(st, &row)) == YZ_OK && row) {
            int64_t org = yz_col_i64(st, 3);
            json_array_append_new(
                meds, json_pack("{s:I, s:s, s:I, s:o, s:o, s:b, s:s}", "id",
                                (json_int_t)yz_col_i64(st, 0), "name", yz_col_text(st, 1),
                                "court_id", (json_int_t)yz_col_i64(st, 2), "org_id",
                                org ? json_integer(org) : json_null(), "org_name",
                                org ? json_string(yz_col_text(st, 4)) : json_null(), "available",
                                (int)yz_col_i64(st, 5), "status", yz_col_text(st, 6)));
        }
    }
    if (e == YZ_OK && who->role == YZ_ROLE_ORG_ADMIN && who->user_id) {
        struct yz_stmt *st = yz_sql(tx, &q_my_orgs);
        yz_bind_i64(st, 1, who->user_id);
        yz_bind_i64(st, 2, yz_tx_max_rows(tx));
        while ((e = yz_step(st, &row)) == YZ_OK && row)
            json_array_append_new(orgs, json_pack("{s:I, s:s, s:I, s:s}", "id",
                                                  (json_int_t)yz_col_i64(st, 0), "name",
                                                  yz_col_text(st, 1), "court_id",
                                                  (json_int_t)yz_col_i64(st, 2), "status",
                                                  yz_col_text(st, 3)));
    }
    if (e != YZ_OK) {
        json_decref(meds);
        json_decref(orgs);
        return e;
    }
    *out = json_pack("{s:o, s:o}", "mediators", meds, "orgs", orgs);
    return YZ_OK;
}

/* ---- recommendation ------------------------------------------------------------- */

void yz_roster_score(struct yz_roster_candidate *c)
{
    /* RULE: roster-recommendation-score (roster.h). */
    static const int specialty[] = {0, 20, 30, 40};
    c->specialty_points = specialty[c->match];
    c->region_points = c->local ? 20 : 10;
    int64_t spare = c->capacity - c->running;
    c->load_points = c->capacity > 0 && spare > 0 ? (int)(20 * spare / c->capacity) : 0;
    c->success_points =
        c->decided > 0 ? (int)((20 * c->succeeded + c->decided / 2) / c->decided) : 10;
    c->score = c->specialty_points + c->region_points + c->load_points + c->success_points;
}

static int by_score(const void *a, const void *b)
{
    const struct yz_roster_candidate *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->mediator_id < y->mediator_id ? -1 : x->mediator_id > y->mediator_id;
}

void yz_roster_rank(struct yz_roster_candidate *c, size_t n)
{
    if (n > 1)
        qsort(c, n, sizeof *c, by_score);
}

void yz_roster_reason(const struct yz_roster_candidate *c, const struct yz_cause *cause,
                      struct yz_buf *out)
{
    const struct yz_cause *s = c->matched;
    switch (c->match) {
    case YZ_ROSTER_MATCH_EXACT:
        yz_buf_addf(out, "擅长%s", cause->name);
        break;
    case YZ_ROSTER_MATCH_RELATED:
        if (s && yz_catalog_within(cause, s))
            yz_buf_addf(out, "擅长%s（含%s）", s->name, cause->name);
        else
            yz_buf_addf(out, "擅长%s", s ? s->name : cause->name);
        break;
    case YZ_ROSTER_MATCH_SIBLING:
        yz_buf_addf(out, "擅长相近案由%s", s ? s->name : "");
        break;
    case YZ_ROSTER_MATCH_NONE:
        yz_buf_adds(out, "未登记该类纠纷专长");
        break;
    }
    if (c->local)
        yz_buf_adds(out, "；地处本院辖区");
    else
        yz_buf_addf(out, "；所在地区：%s", c->region);
    yz_buf_addf(out, "；当前承办 %lld/%lld 件", (long long)c->running, (long long)c->capacity);
    int pct = yz_roster_pct(c->succeeded, c->decided);
    if (pct < 0)
        yz_buf_adds(out, "；暂无办结记录");
    else
        yz_buf_addf(out, "；调解成功率 %d%%", pct);
}

/* Based in the court's district: no region of its own (an independent
 * mediator is the court's), the court's code, or a place the court's name
 * contains ("渝中区" in 重庆市渝中区人民法院). */
static bool region_local(const struct yz_court *court, const char *region)
{
    if (!*region)
        return true;
    if (strcmp(region, court->code) == 0 || strcmp(region, court->local_id) == 0)
        return true;
    return strlen(region) >= 6 && strstr(court->name, region) != NULL;
}

struct cand_extra {
    int64_t mediator_id, org_id;
    char *name, *org_name;
};

enum yz_err yz_roster_recommend(struct yz_tx *tx, struct yz_app *app, int64_t court_id,
                                const char *cause_code, int limit, json_t **out)
{
    *out = NULL;
    const struct yz_court *court = yz_courts_find(&app->courts, court_id);
    if (!court)
        return YZ_ERR_NOT_FOUND;
    const struct yz_cause *cause =
        cause_code ? yz_catalog_cause(app->catalog, cause_code, YZ_CAUSE_REV_2025) : NULL;
    if (!cause || limit < 1 || limit > YZ_ROSTER_RECOMMEND_MAX)
        return YZ_ERR_VALIDATION;

    struct yz_roster_candidate *cands = NULL;
    struct cand_extra *extra = NULL; /* by index of loading; found again by mediator id */
    size_t n = 0, cap = 0, kept = 0;
    struct yz_date day = today();
    json_t *items = json_array();
    struct yz_buf reason = YZ_BUF_INIT(1024);
    struct yz_stmt *st = yz_sql(tx, &q_candidates);
    yz_bind_i64(st, 1, court_id);
    yz_bind_i64(st, 2, YZ_ROSTER_SCAN_MAX);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            cands = yz_realloc(cands, cap * sizeof *cands);
            extra = yz_realloc(extra, cap * sizeof *extra);
        }
        struct yz_roster_candidate *c = &cands[n];
        memset(c, 0, sizeof *c);
        c->mediator_id = yz_col_i64(st, 0);
        json_t *holder;
        const char *codes[YZ_ROSTER_MAX_SPECIALTIES];
        size_t k = stored_codes(yz_col_text(st, 2), &holder, codes, YZ_ROSTER_MAX_SPECIALTIES);
        c->match = yz_roster_match_cause(app->catalog, codes, k, cause, &c->matched);
        json_decref(holder);
        c->capacity = yz_col_i64(st, 3);
        const char *region = yz_col_text(st, 6);
        c->local = region_local(court, region);
        yz_strlcpy(c->region, *region ? region : court->name, sizeof c->region);
        extra[n].mediator_id = c->mediator_id;
        extra[n].org_id = yz_col_i64(st, 4);
        extra[n].name = yz_strdup(yz_col_text(st, 1));
        extra[n].org_name = yz_strdup(yz_col_text(st, 5));
        n++;
    }
    if (e != YZ_OK)
        goto out;
    /* Figures per candidate; those at capacity drop out. */
    for (size_t i = 0; i < n; i++) {
        struct yz_roster_stats s;
        if ((e = yz_roster_mediator_stats(tx, cands[i].mediator_id, day, &s)) != YZ_OK)
            goto out;
        if (s.running >= cands[i].capacity)
            continue;
        cands[i].running = s.running;
        cands[i].decided = s.decided;
        cands[i].succeeded = s.succeeded;
        yz_roster_score(&cands[i]);
        cands[kept++] = cands[i];
    }
    yz_roster_rank(cands, kept);
    for (size_t r = 0; r < kept && r < (size_t)limit; r++) {
        const struct yz_roster_candidate *c = &cands[r];
        const struct cand_extra *x = extra;
        while (x->mediator_id != c->mediator_id)
            x++;
        yz_buf_reset(&reason);
        yz_roster_reason(c, cause, &reason);
        json_array_append_new(
            items,
            json_pack("{s:I, s:s, s:o, s:o, s:i, s:{s:i, s:i, s:i, s:i}, s:s?, s:I, s:I, s:o, s:s}",
                      "mediator_id", (json_int_t)c->mediator_id, "name", x->name, "org_id",
                      x->org_id ? json_integer(x->org_id) : json_null(), "org_name",
                      x->org_id ? json_string(x->org_name) : json_null(), "score", c->score,
                      "components", "specialty", c->specialty_points, "region", c->region_points,
                      "load", c->load_points, "success", c->success_points, "matched_cause",
                      c->matched ? c->matched->code : NULL, "running", (json_int_t)c->running,
                      "capacity", (json_int_t)c->capacity, "success_rate_pct",
                      c->decided ? json_integer(yz_roster_pct(c->succeeded, c->decided))
                                 : json_null(),
                      "reason", reason.data));
    }
    *out = json_pack("{s:I, s:{s:s, s:s}, s:o}", "court_id", (json_int_t)court_id, "cause", "code",
                     cause->code, "name", cause->name, "items", items);
    items = NULL;
out:
    json_decref(items);
    yz_buf_release(&reason);
    for (size_t i = 0; i < n; i++) {
        free(extra[i].name);
        free(extra[i].org_name);
    }
    free(extra);
    free(cands);
    return e;
}

/* ---- for the mediation workflow ------------------------------------------------ */

enum yz_err yz_roster_mediator_lookup(struct yz_tx *tx, int64_t id,
                                      struct yz_roster_mediator_ref *out)
{
    memset(out, 0, sizeof *out);
    struct med_row m;
    enum yz_err e = load_med(tx, id, &m);
    if (e != YZ_OK)
        return e;
    struct yz_roster_stats s;
    e = yz_roster_mediator_stats(tx, id, today(), &s);
    if (e == YZ_OK) {
        out->id = m.id;
        out->user_id = m.user_id;
        out->org_id = m.org_id;
        out->court_id = m.court_id;
        out->active =
            strcmp(m.status, "active") == 0 && (!m.org_id || strcmp(m.org_status, "active") == 0);
        out->available = m.available;
        out->capacity = m.capacity;
        out->running = s.running;
        yz_strlcpy(out->name, m.name, sizeof out->name);
    }
    med_row_release(&m);
    return e;
}
