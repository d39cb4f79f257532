/*
 * Features of a registered filing for the triage rules. Only what the
 * application states is taken from it; what a filing cannot know (an
 * appraisal will be needed, a counterclaim, a remand, a foreign element)
 * starts at a stated default and is the triage officer's to set. Related and
 * repeat cases are found by keyed hashes of the parties' identities (citizen
 * ID or credit code; the name when neither was given) among the court's
 * earlier registered cases: the identities themselves are never stored.
 */
#include "triage/triage.h"
#include "app/app.h"
#include "catalog/catalog.h"
#include "crypto/pii.h"
#include "store/store.h"
#include "filing/filing.h"
#include "settings/settings.h"
#include "triage/wage.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define MAX_HITS 1000 /* earlier matters counted per party key */

static struct yz_sql_def q_registered = YZ_SQL("SELECT registered_at FROM cases WHERE matter_id = ?");
static struct yz_sql_def q_key = YZ_SQL(
    "INSERT INTO triage_party_keys(matter_id, court_id, role, key_hash) VALUES (?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING");
static struct yz_sql_def q_same_key = YZ_SQL(
    "SELECT DISTINCT matter_id FROM triage_party_keys WHERE court_id = ? AND key_hash = ?"
    " AND matter_id <> ? AND (? = '' OR role = ?) LIMIT 1000");

static void set(json_t *features, json_t *sources, const char *name, json_t *value,
                const char *source)
{
    json_object_set_new(features, name, value);
    json_object_set_new(sources, name, json_string(source));
}

/* The party's identity key: hash of the credit code or citizen ID, else of the name. */
enum yz_err yz_triage_party_key(struct yz_app *app, const json_t *p, char hash[65])
{
    char ident[160];
    enum yz_err e = yz_filing_party_identity(app, p, ident, sizeof ident);
    if (e != YZ_OK)
        return e;
    if (!ident[0]) {
        const char *name = json_string_value(json_object_get(p, "name"));
        snprintf(ident, sizeof ident, "name:%s", name ? name : "");
    }
    e = yz_pii_lookup(app->keys, "triage.party", ident, hash);
    memset(ident, 0, sizeof ident);
    return e;
}

/* Adds to set (an object used as a set of matter ids) the earlier matters with this key. */
static enum yz_err earlier(struct yz_tx *tx, int64_t court_id, int64_t matter_id,
                           const char *hash, const char *role, json_t *found)
{
    struct yz_stmt *st = yz_sql(tx, &q_same_key);
    yz_bind_i64(st, 1, court_id);
    yz_bind_text(st, 2, hash);
    yz_bind_i64(st, 3, matter_id);
    yz_bind_text(st, 4, role);
    yz_bind_text(st, 5, role);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)yz_col_i64(st, 0));
        json_object_set_new(found, id, json_true());
    }
    return e;
}

/* RULE: triage-related-cases — same party (any side) / same plaintiff and defendant. */
static enum yz_err history(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                           int64_t court_id, const json_t *parties, int *related, int *repeat)
{
    json_t *any = json_object(), *as_plaintiff = json_object(), *as_defendant = json_object();
    enum yz_err e = YZ_OK;
    size_t i;
    const json_t *p;
    json_array_foreach(parties, i, p)
    {
        const char *role = json_string_value(json_object_get(p, "role"));
        if (!role || (strcmp(role, "plaintiff") != 0 && strcmp(role, "defendant") != 0))
            continue;
        char hash[65];
        if ((e = yz_triage_party_key(app, p, hash)) != YZ_OK)
            break;
        bool plaintiff = strcmp(role, "plaintiff") == 0;
        if ((e = earlier(tx, court_id, matter_id, hash, "", any)) != YZ_OK ||
            (e = earlier(tx, court_id, matter_id, hash, role,
                         plaintiff ? as_plaintiff : as_defendant)) != YZ_OK)
            break;
        struct yz_stmt *st = yz_sql(tx, &q_key);
        yz_bind_i64(st, 1, matter_id);
        yz_bind_i64(st, 2, court_id);
        yz_bind_text(st, 3, role);
        yz_bind_text(st, 4, hash);
        if ((e = yz_exec(st)) != YZ_OK)
            break;
    }
    *related = (int)json_object_size(any);
    *repeat = 0;
    const char *k;
    json_t *v;
    json_object_foreach(as_plaintiff, k, v) if (json_object_get(as_defendant, k))(*repeat)++;
    json_decref(any);
    json_decref(as_plaintiff);
    json_decref(as_defendant);
    return e;
}

static struct yz_date registration_day(struct yz_tx *tx, int64_t matter_id)
{
    struct yz_stmt *st = yz_sql(tx, &q_registered);
    yz_bind_i64(st, 1, matter_id);
    bool row;
    int64_t at = yz_time_now_ms();
    if (yz_step(st, &row) == YZ_OK && row)
        at = yz_col_i64(st, 0);
    yz_exec(st);
    return yz_date_of_shanghai(at);
}

enum yz_err yz_triage_extract_features(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                               int64_t court_id, const json_t *data, json_t **features_out,
                               json_t **sources_out)
{
    const json_t *a = json_object_get(data, "application");
    json_t *f = json_object(), *src = json_object();
    const char *type = json_string_value(json_object_get(a, "case_type"));
    if (type) {
        set(f, src, "case_type", json_string(type), "filing");
        const struct yz_case_type *types[4];
        size_t n = yz_catalog_case_types_by_code(app->catalog, type, types, 4);
        for (size_t i = 0; i < n; i++)
            if (!types[i]->is_group && types[i]->category) {
                set(f, src, "case_category", json_string(types[i]->category), "filing");
                break;
            }
    }
    const char *code = json_string_value(json_object_get(a, "cause_code"));
    const json_t *rev = json_object_get(a, "cause_revision");
    const struct yz_cause *cause =
        code && json_is_integer(rev)
            ? yz_catalog_cause(app->catalog, code, (enum yz_cause_rev)json_integer_value(rev))
            : NULL;
    if (cause) {
        const struct yz_cause *path[YZ_CAUSE_MAX_LEVEL];
        size_t depth = yz_catalog_path(cause, path);
        json_t *names = json_array();
        for (size_t i = depth; i-- > 0;)
            json_array_append_new(names, json_string(path[i]->name));
        set(f, src, "cause", names, "filing");
    }
    const json_t *amount = json_object_get(a, "amount_fen");
    const char *fee_kind = json_string_value(json_object_get(a, "fee_kind"));
    if (json_is_integer(amount))
        set(f, src, "amount_fen", json_integer(json_integer_value(amount)), "filing");
    /* A claim for a sum of money: an amount was stated and the fee is a property fee. */
    set(f, src, "money_claim",
        json_boolean(json_is_integer(amount) && json_integer_value(amount) > 0 &&
                     (!fee_kind || strcmp(fee_kind, "property") == 0)),
        "filing");
    struct yz_date day = registration_day(tx, matter_id);
    /* The court's own figure when it set one (settings.h), else the configuration's. */
    struct yz_wages wages;
    const char *wage_source = "config";
    enum yz_err we = yz_settings_wages(tx, app, court_id, &wages, &wage_source);
    if (we != YZ_OK) {
        json_decref(f);
        json_decref(src);
        return we;
    }
    int64_t wage;
    if (yz_wages_at(&wages, day, &wage))
        set(f, src, "average_wage_fen", json_integer(wage),
            strcmp(wage_source, "court") == 0 ? "court_setting" : "config");

    const json_t *parties = json_object_get(a, "parties");
    int plaintiffs = 0, defendants = 0, legal = 0;
    bool third = false, address_known = true;
    size_t i;
    const json_t *p;
    json_array_foreach(parties, i, p)
    {
        const char *role = json_string_value(json_object_get(p, "role"));
        const char *kind = json_string_value(json_object_get(p, "kind"));
        if (!role)
            continue;
        plaintiffs += strcmp(role, "plaintiff") == 0;
        third |= strcmp(role, "third_party") == 0;
        if (kind && strcmp(kind, "natural") != 0)
            legal++;
        if (strcmp(role, "defendant") == 0) {
            defendants++;
            if (!json_object_get(p, "address_enc") && !json_object_get(p, "address"))
                address_known = false;
        }
    }
    set(f, src, "parties", json_integer((json_int_t)json_array_size(parties)), "filing");
    set(f, src, "plaintiffs", json_integer(plaintiffs), "filing");
    set(f, src, "defendants", json_integer(defendants), "filing");
    set(f, src, "legal_persons", json_integer(legal), "filing");
    set(f, src, "third_party", json_boolean(third), "filing");
    set(f, src, "defendant_address_known", json_boolean(address_known), "filing");
    /* What the filing cannot say: the officer amends these. */
    static const char *const unknown_false[] = {"foreign_element", "counterclaim",
                                                "appraisal_needed", "remand", NULL};
    for (const char *const *n = unknown_false; *n; n++)
        set(f, src, *n, json_false(), "default");

    int related = 0, repeat = 0;
    enum yz_err e = history(tx, app, matter_id, court_id, parties, &related, &repeat);
    if (e != YZ_OK) {
        json_decref(f);
        json_decref(src);
        return e;
    }
    set(f, src, "related_cases", json_integer(related), "history");
    set(f, src, "repeat_cases", json_integer(repeat), "history");

    const json_t *amended = json_object_get(json_object_get(data, "triage"), "amended");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)amended, k, v) set(f, src, k, json_deep_copy(v), "officer");
    *features_out = f;
    *sources_out = src;
    return YZ_OK;
}
