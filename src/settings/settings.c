/*
 * A court's business settings (settings.h): one declarative table of
 * settings, each with the configuration key it overrides and its check; the
 * court's rows in court_settings; the effective values for the admin.
 */
#include "settings/settings.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/utf8.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

struct setting_def {
    const char *key;
    const char *title;       /* Chinese, for the admin and in messages */
    const char *description; /* Chinese: what it does and its format */
    const char *config_key;  /* the configuration key it overrides */
    const char *(*config_value)(const struct yz_config *cfg);
    /* Checks text (not ""); a Chinese reason into why when bad. */
    enum yz_err (*check)(const char *text, struct yz_buf *why);
    /* The value as structured JSON for the admin (text already checked). */
    json_t *(*entries)(const char *text);
};

static const char *wage_config(const struct yz_config *cfg)
{
    return cfg->fees.average_wage ? cfg->fees.average_wage : "";
}

static enum yz_err wage_check(const char *text, struct yz_buf *why)
{
    struct yz_wages w;
    return yz_wages_parse(text, &w, why);
}

static json_t *wage_entries(const char *text)
{
    struct yz_wages w;
    struct yz_buf why = YZ_BUF_INIT(256);
    json_t *arr = json_array();
    if (yz_wages_parse(text, &w, &why) == YZ_OK)
        for (int i = 0; i < w.n; i++) {
            char d[16];
            yz_date_format(w.e[i].from, d, sizeof d);
            json_array_append_new(arr,
                                  json_pack("{s:s, s:I}", "from", d, "fen", (json_int_t)w.e[i].fen));
        }
    yz_buf_release(&why);
    return arr;
}

/* The table. Add a court setting here (and its use where the value is read). */
static const struct setting_def defs[] = {
    {"average_wage", "本省上年度就业人员年平均工资",
     "小额诉讼标的额上限为其百分之五十（民事诉讼法第一百六十五条）。按生效日期列出，"
     "格式为 生效日期:金额（分），多项用逗号分隔并按日期先后排列，如 2025-01-10:12800000；"
     "未设置时分流不会建议小额诉讼程序",
     "fees.average_wage", wage_config, wage_check, wage_entries},
};
#define NDEFS (sizeof defs / sizeof defs[0])

static const struct setting_def *find_def(const char *key)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (strcmp(defs[i].key, key) == 0)
            return &defs[i];
    return NULL;
}

static struct yz_sql_def q_get = YZ_SQL(
    "SELECT s.value, s.updated_at, s.updated_by, coalesce(u.name, '') FROM court_settings s"
    " LEFT JOIN users u ON u.id = s.updated_by WHERE s.court_id = ? AND s.key = ?");
static struct yz_sql_def q_put = YZ_SQL(
    "INSERT INTO court_settings(court_id, key, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT(court_id, key) DO UPDATE SET value = excluded.value,"
    " updated_at = excluded.updated_at, updated_by = excluded.updated_by");
static struct yz_sql_def q_clear =
    YZ_SQL("DELETE FROM court_settings WHERE court_id = ? AND key = ?");

struct row {
    bool found;
    char value[YZ_SETTING_VALUE_MAX + 1];
    int64_t updated_at, updated_by;
    char updated_by_name[128];
};

static enum yz_err read_row(struct yz_tx *tx, int64_t court_id, const char *key, struct row *r)
{
    memset(r, 0, sizeof *r);
    struct yz_stmt *st = yz_sql(tx, &q_get);
    yz_bind_i64(st, 1, court_id);
    yz_bind_text(st, 2, key);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e;
    r->found = true;
    yz_strlcpy(r->value, yz_col_text(st, 0), sizeof r->value);
    r->updated_at = yz_col_i64(st, 1);
    r->updated_by = yz_col_i64(st, 2);
    yz_strlcpy(r->updated_by_name, yz_col_text(st, 3), sizeof r->updated_by_name);
    return yz_exec(st);
}

enum yz_err yz_settings_wages(struct yz_tx *tx, struct yz_app *app, int64_t court_id,
                              struct yz_wages *out, const char **source)
{
    struct row r;
    enum yz_err e = read_row(tx, court_id, "average_wage", &r);
    if (e != YZ_OK)
        return e;
    if (!r.found) {
        *out = app->wages;
        *source = "config";
        return YZ_OK;
    }
    struct yz_buf why = YZ_BUF_INIT(256);
    e = yz_wages_parse(r.value, out, &why);
    yz_buf_release(&why);
    *source = "court";
    /* Stored values were checked when set; a bad one is a bug, not input. */
    return e == YZ_OK ? YZ_OK : YZ_ERR_INTERNAL;
}

static json_t *item_json(const struct setting_def *d, const struct yz_app *app, const struct row *r)
{
    const char *config = d->config_value(&app->cfg);
    const struct yz_config_key *k = yz_config_find(d->config_key);
    const char *value = r->found ? r->value : config;
    const char *source = r->found ? "court" : (k && strcmp(config, k->def) == 0 ? "default" : "config");
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "key", d->key, "title",
                          d->title, "description", d->description, "value", value, "entries",
                          d->entries(value), "source", source, "config_key", d->config_key,
                          "config_value", config);
    if (r->found) {
        char at[40];
        yz_time_format_utc(r->updated_at, at, sizeof at);
        json_object_set_new(o, "updated_at", json_string(at));
        json_object_set_new(o, "updated_by",
                            json_pack("{s:I, s:s}", "id", (json_int_t)r->updated_by, "name",
                                      r->updated_by_name));
    }
    return o;
}

enum yz_err yz_settings_get(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            json_t **out)
{
    if (!yz_policy_court_settings(app, who, who->court_id))
        return YZ_ERR_FORBIDDEN;
    json_t *items = json_array();
    enum yz_err e = YZ_OK;
    for (size_t i = 0; i < NDEFS && e == YZ_OK; i++) {
        struct row r;
        if ((e = read_row(tx, who->court_id, defs[i].key, &r)) == YZ_OK)
            json_array_append_new(items, item_json(&defs[i], app, &r));
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:I, s:o}", "court_id", (json_int_t)who->court_id, "items", items);
    return YZ_OK;
}

/* One value: "" clears, anything else must pass its check. */
static void check_value(const struct setting_def *d, const json_t *v, struct yz_field_errors *fe)
{
    const char *text = json_string_value(v);
    if (!text) {
        yz_field_errors_add(fe, d->key, "invalid", "%s应为文本", d->title);
        return;
    }
    size_t n = strlen(text);
    if (n > YZ_SETTING_VALUE_MAX || !yz_utf8_valid(text, n) || yz_utf8_has_control(text, n, false)) {
        yz_field_errors_add(fe, d->key, "invalid", "%s过长或包含不允许的字符", d->title);
        return;
    }
    if (!*text)
        return;
    struct yz_buf why = YZ_BUF_INIT(512);
    if (d->check(text, &why) != YZ_OK)
        yz_field_errors_add(fe, d->key, "invalid", "%s有误：%s", d->title, why.data);
    yz_buf_release(&why);
}

enum yz_err yz_settings_change(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, const char *channel,
                               const json_t *values, const char *reason,
                               struct yz_field_errors *fe, json_t **out)
{
    if (!yz_policy_court_settings(app, who, who->court_id))
        return YZ_ERR_FORBIDDEN;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)values, key, v)
    {
        const struct setting_def *d = find_def(key);
        if (!d)
            yz_field_errors_add(fe, key, "unknown", "没有这项设置");
        else
            check_value(d, v, fe);
    }
    if (json_object_size(values) == 0)
        yz_field_errors_add(fe, "average_wage", "required", "请至少修改一项设置");
    if (fe->count)
        return YZ_ERR_VALIDATION;
    enum yz_err e = YZ_OK;
    int64_t now = yz_time_now_ms();
    char stream[32];
    snprintf(stream, sizeof stream, "court/%lld", (long long)who->court_id);
    json_object_foreach((json_t *)values, key, v)
    {
        const struct setting_def *d = find_def(key);
        const char *text = json_string_value(v);
        struct row r;
        if ((e = read_row(tx, who->court_id, d->key, &r)) != YZ_OK)
            return e;
        if ((!*text && !r.found) || (r.found && strcmp(r.value, text) == 0))
            continue;
        struct yz_stmt *st = yz_sql(tx, *text ? &q_put : &q_clear);
        yz_bind_i64(st, 1, who->court_id);
        yz_bind_text(st, 2, d->key);
        if (*text) {
            yz_bind_text(st, 3, text);
            yz_bind_i64(st, 4, now);
            yz_bind_i64(st, 5, who->user_id);
        }
        if ((e = yz_exec(st)) != YZ_OK)
            return e;
        /* from/to: the court's own values; null means "the configuration's". */
        json_t *payload = json_pack("{s:s, s:o, s:o, s:s}", "key", d->key, "from",
                                    r.found ? json_string(r.value) : json_null(), "to",
                                    *text ? json_string(text) : json_null(), "reason", reason);
        e = yz_app_record(tx, app, stream, "settings.changed", who->user_id, 0, channel, payload,
                          NULL);
        json_decref(payload);
        if (e != YZ_OK)
            return e;
    }
    return yz_settings_get(tx, app, who, out);
}
