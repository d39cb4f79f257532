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
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* Earlier matters counted per feature: a party seen in more reads 1000. It
 * bounds the work of a registration however long a litigant's history is
 * (a bank's bulk filings name the same parties thousands of times). */
#define MAX_HITS 1000
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

static struct yz_sql_def q_registered = YZ_SQL("SELECT registered_at FROM cases WHERE matter_id = ?");
static struct yz_sql_def q_key = YZ_SQL(
    "INSERT INTO triage_party_keys(matter_id, court_id, role, key_hash) VALUES (?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING");
/* Earlier matters naming any of the keys (a JSON array) on either side, up to
 * MAX_HITS; read from the covering index triage_party_keys_lookup (migration 19). */
static struct yz_sql_def q_related = YZ_SQL(
    "SELECT count(*) FROM (SELECT DISTINCT matter_id FROM triage_party_keys"
    " WHERE court_id = ?1 AND key_hash IN (SELECT value FROM json_each(?2)) AND matter_id <> ?3"
    " LIMIT " TEXT(MAX_HITS) ")");
/* From one side: the first MAX_HITS rows of matters naming one of keys ?3 in
 * role ?2 (rows, in index order), and how many of those matters also name one
 * of keys ?6 in role ?5 (each probed through the primary key). */
static struct yz_sql_def q_repeat_from = YZ_SQL(
    "SELECT count(*), count(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM triage_party_keys o"
    " WHERE o.matter_id = s.matter_id AND o.role = ?5"
    " AND o.key_hash IN (SELECT value FROM json_each(?6))) THEN s.matter_id END)"
    " FROM (SELECT matter_id FROM triage_party_keys WHERE court_id = ?1 AND role = ?2"
    " AND key_hash IN (SELECT value FROM json_each(?3)) AND matter_id <> ?4"
    " LIMIT " TEXT(MAX_HITS) ") s");

static void set(json_t *features, json_t *sources, const char *name, json_t *value,
                const char *source)
{
    json_object_set_new(features, name, value);
    json_object_set_new(sources, name, json_string(source));
}

/* The key of an identity (yz_filing_party_identity), else of the party's name; ident is wiped. */
static enum yz_err key_of(struct yz_app *app, const json_t *p, char ident[160], char hash[65])
{
    if (!ident[0]) {
        const char *name = json_string_value(json_object_get(p, "name"));
        snprintf(ident, 160, "name:%s", name ? name : "");
    }
    enum yz_err e = yz_pii_lookup(app->keys, "triage.party", ident, hash);
    memset(ident, 0, 160);
    return e;
}

/* The party's identity key: hash of the credit code or citizen ID, else of the name. */
enum yz_err yz_triage_party_key(struct yz_app *app, const json_t *p, char hash[65])
{
    char ident[160];
    enum yz_err e = yz_filing_party_identity(app, p, ident, sizeof ident);
    return e != YZ_OK ? e : key_of(app, p, ident, hash);
}

enum yz_err yz_triage_party_key_clear(struct yz_app *app, const json_t *p, const char *citizen_id,
                                      char hash[65])
{
    char ident[160];
    yz_filing_party_identity_clear(p, citizen_id, ident, sizeof ident);
    return key_of(app, p, ident, hash);
}

/* One row of numbers from st (bound by the caller); the statement is reset. */
static enum yz_err numbers(struct yz_stmt *st, int64_t *a, int64_t *b)
{
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL; /* an aggregate always answers one row */
    *a = yz_col_i64(st, 0);
    if (b)
        *b = yz_col_i64(st, 1);
    return yz_exec(st);
}

/* q_repeat_from driven from the side (role, keys) towards (other_role, other_keys). */
static enum yz_err repeat_from(struct yz_tx *tx, int64_t court_id, int64_t matter_id,
                               const char *role, const char *keys, const char *other_role,
                               const char *other_keys, int64_t *rows, int64_t *hits)
{
    struct yz_stmt *st = yz_sql(tx, &q_repeat_from);
    yz_bind_i64(st, 1, court_id);
    yz_bind_text(st, 2, role);
    yz_bind_text(st, 3, keys);
    yz_bind_i64(st, 4, matter_id);
    yz_bind_text(st, 5, other_role);
    yz_bind_text(st, 6, other_keys);
    return numbers(st, rows, hits);
}

/* Earlier matters with one of the plaintiffs as plaintiff and one of the
 * defendants as defendant, counted from the side with fewer rows: exact (up
 * to MAX_HITS) whenever one side has fewer than MAX_HITS rows; when both have
 * more, the larger count either side's first MAX_HITS rows find. */
static enum yz_err repeat_count(struct yz_tx *tx, int64_t court_id, int64_t matter_id,
                                const char *plaintiffs, const char *defendants, int64_t *out)
{
    int64_t rows, hits, rows2, hits2;
    enum yz_err e = repeat_from(tx, court_id, matter_id, "defendant", defendants, "plaintiff",
                                plaintiffs, &rows, &hits);
    if (e != YZ_OK || rows < MAX_HITS || hits >= MAX_HITS) {
        *out = hits;
        return e;
    }
    e = repeat_from(tx, court_id, matter_id, "plaintiff", plaintiffs, "defendant", defendants,
                    &rows2, &hits2);
    *out = rows2 < MAX_HITS || hits2 > hits ? hits2 : hits;
    return e;
}

/* RULE: triage-related-cases — same party (any side) / same plaintiff and
 * defendant, among the court's earlier registered matters, each counted once
 * and up to MAX_HITS. The filing's own keys are stored for later filings. */
static enum yz_err history(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                           int64_t court_id, const json_t *parties, int *related, int *repeat)
{
    json_t *all = json_array(), *plaintiffs = json_array(), *defendants = json_array();
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
        json_array_append_new(all, json_string(hash));
        json_array_append_new(strcmp(role, "plaintiff") == 0 ? plaintiffs : defendants,
                              json_string(hash));
        struct yz_stmt *st = yz_sql(tx, &q_key);
        yz_bind_i64(st, 1, matter_id);
        yz_bind_i64(st, 2, court_id);
        yz_bind_text(st, 3, role);
        yz_bind_text(st, 4, hash);
        if ((e = yz_exec(st)) != YZ_OK)
            break;
    }
    int64_t n_related = 0, n_repeat = 0;
    char *all_text = json_dumps(all, JSON_COMPACT), *pl_text = json_dumps(plaintiffs, JSON_COMPACT),
         *def_text = json_dumps(defendants, JSON_COMPACT);
    if (e == YZ_OK && json_array_size(all)) {
        struct yz_stmt *st = yz_sql(tx, &q_related);
        yz_bind_i64(st, 1, court_id);
        yz_bind_text(st, 2, all_text);
        yz_bind_i64(st, 3, matter_id);
        e = numbers(st, &n_related, NULL);
    }
    if (e == YZ_OK && json_array_size(plaintiffs) && json_array_size(defendants))
        e = repeat_count(tx, court_id, matter_id, pl_text, def_text, &n_repeat);
    *related = (int)n_related;
    *repeat = (int)n_repeat;
    free(all_text);
    free(pl_text);
    free(def_text);
    json_decref(all);
    json_decref(plaintiffs);
    json_decref(defendants);
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
