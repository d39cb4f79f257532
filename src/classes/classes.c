/*
 * Class cases (classes.h). The criteria are computed from the stored
 * application of each registered case: nothing about them is cached, so a
 * corrected application is judged as it now stands. The plaintiff key needs
 * sealed citizen IDs opened in memory only; the key itself is a keyed hash and
 * the clear value is wiped at once.
 */
#include "classes/classes.h"
#include "app/app.h"
#include "catalog/catalog.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "filing/filing.h"
#include "crypto/pii.h"
#include "policy/policy.h"
#include "store/store.h"
#include "templates/templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_sql_def q_case = YZ_SQL(
    "SELECT c.court_id, c.case_number, coalesce(c.cause_code, ''), m.data,"
    " (SELECT group_id FROM case_group_members g WHERE g.matter_id = c.matter_id)"
    " FROM cases c JOIN matters m ON m.id = c.matter_id WHERE c.matter_id = ?");
static struct yz_sql_def q_matter_court = YZ_SQL("SELECT court_id FROM matters WHERE id = ?");
static struct yz_sql_def q_ungrouped = YZ_SQL(
    "SELECT c.matter_id, c.case_number, coalesce(c.cause_code, ''), m.data"
    " FROM cases c JOIN matters m ON m.id = c.matter_id"
    " WHERE c.court_id = ? AND NOT EXISTS"
    " (SELECT 1 FROM case_group_members g WHERE g.matter_id = c.matter_id)"
    " ORDER BY c.id LIMIT ?");
static struct yz_sql_def q_group = YZ_SQL(
    "SELECT court_id, name, cause_code, criteria, coalesce(plaintiff_hash, ''),"
    " demonstration_matter_id, created_at, updated_at FROM case_groups WHERE id = ?");
static struct yz_sql_def q_group_insert = YZ_SQL(
    "INSERT INTO case_groups(court_id, name, cause_code, criteria, created_by, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_members = YZ_SQL(
    "SELECT g.matter_id, c.case_number, m.data, c.type_code FROM case_group_members g"
    " JOIN cases c ON c.matter_id = g.matter_id JOIN matters m ON m.id = g.matter_id"
    " WHERE g.group_id = ? ORDER BY c.id LIMIT ?");
static struct yz_sql_def q_member_count = YZ_SQL(
    "SELECT count(*) FROM case_group_members WHERE group_id = ?");
static struct yz_sql_def q_member_insert = YZ_SQL(
    "INSERT INTO case_group_members(matter_id, group_id, added_by, added_at) VALUES (?, ?, ?, ?)");
static struct yz_sql_def q_member_delete = YZ_SQL(
    "DELETE FROM case_group_members WHERE matter_id = ? AND group_id = ?");
static struct yz_sql_def q_set_plaintiff = YZ_SQL(
    "UPDATE case_groups SET plaintiff_hash = ?, updated_at = ? WHERE id = ?");
static struct yz_sql_def q_set_demo = YZ_SQL(
    "UPDATE case_groups SET demonstration_matter_id = ?, updated_at = ? WHERE id = ?");
static struct yz_sql_def q_touch = YZ_SQL("UPDATE case_groups SET updated_at = ? WHERE id = ?");
static struct yz_sql_def q_list = YZ_SQL(
    "SELECT g.id, g.name, g.cause_code, g.demonstration_matter_id,"
    " (SELECT count(*) FROM case_group_members m WHERE m.group_id = g.id)"
    " FROM case_groups g WHERE g.court_id = ? ORDER BY g.id DESC LIMIT ?");
static struct yz_sql_def q_case_number = YZ_SQL(
    "SELECT case_number FROM cases WHERE matter_id = ?");

/* ---- claims similarity ---- */

/* Decodes one code point of valid UTF-8 at s[*i] and advances *i. */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
    uint32_t c = s[*i];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (*i + len > n) {
        *i = n;
        return 0;
    }
    if (len == 2)
        c &= 0x1F;
    else if (len == 3)
        c &= 0x0F;
    else if (len == 4)
        c &= 0x07;
    for (size_t k = 1; k < len; k++)
        c = (c << 6) | (s[*i + k] & 0x3F);
    *i += len;
    return c;
}

static bool numeral(uint32_t c)
{
    static const char digits[] = "零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟";
    if ((c >= '0' && c <= '9') || c == '.' || c == ',' || (c >= 0xFF10 && c <= 0xFF19))
        return true;
    size_t i = 0, n = sizeof digits - 1;
    while (i < n)
        if (next_cp((const unsigned char *)digits, n, &i) == c)
            return true;
    return false;
}

/* Punctuation and blanks carry no meaning for similarity: ASCII other than
 * letters and digits, CJK symbols and punctuation, full-width forms' symbols. */
static bool ignorable(uint32_t c)
{
    if (c < 0x80)
        return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
           (c >= 0xFF1A && c <= 0xFF20) || (c >= 0x2000 && c <= 0x206F);
}

#define NUMBER_MARK 1u /* a run of numerals becomes this one code point */

/* Normalised code points of s (at most YZ_CLASS_CLAIMS_MAX_CPS); returns the count. */
static size_t normalise(const char *s, uint32_t *out)
{
    size_t n = strlen(s), i = 0, k = 0;
    bool in_number = false;
    while (i < n && k < YZ_CLASS_CLAIMS_MAX_CPS) {
        uint32_t c = next_cp((const unsigned char *)s, n, &i);
        if (numeral(c) && (c != '.' && c != ',' ? true : in_number)) {
            if (!in_number)
                out[k++] = NUMBER_MARK;
            in_number = true;
            continue;
        }
        in_number = false;
        if (!ignorable(c))
            out[k++] = c;
    }
    return k;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted distinct bigrams of cps[0..n); returns their count. */
static size_t bigrams(const uint32_t *cps, size_t n, uint64_t *out)
{
    if (n < 2)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i++)
        out[k++] = ((uint64_t)cps[i] << 32) | cps[i + 1];
    qsort(out, k, sizeof *out, cmp_u64);
    size_t u = 1;
    for (size_t i = 1; i < k; i++)
        if (out[i] != out[u - 1])
            out[u++] = out[i];
    return u;
}

/* RULE: class-case-criteria — similar claims. */
int yz_class_claims_similarity(const char *a, const char *b)
{
    if (!a || !b || !yz_utf8_valid(a, strlen(a)) || !yz_utf8_valid(b, strlen(b)))
        return 0;
    uint32_t *ca = yz_malloc(YZ_CLASS_CLAIMS_MAX_CPS * sizeof *ca);
    uint32_t *cb = yz_malloc(YZ_CLASS_CLAIMS_MAX_CPS * sizeof *cb);
    uint64_t *ba = yz_malloc(YZ_CLASS_CLAIMS_MAX_CPS * sizeof *ba);
    uint64_t *bb = yz_malloc(YZ_CLASS_CLAIMS_MAX_CPS * sizeof *bb);
    size_t na = bigrams(ca, normalise(a, ca), ba);
    size_t nb = bigrams(cb, normalise(b, cb), bb);
    size_t i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        if (ba[i] == bb[j]) {
            common++;
            i++;
            j++;
        } else if (ba[i] < bb[j]) {
            i++;
        } else {
            j++;
        }
    }
    size_t all = na + nb - common;
    free(ca);
    free(cb);
    free(ba);
    free(bb);
    return all == 0 ? 0 : (int)(common * 100 / all);
}

/* ---- the plaintiff key ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#define MAX_PLAINTIFFS 32

/*
 * The keyed hash of the sorted identities of application's plaintiffs into
 * hash, and their names ("、"-joined) into names. Returns false (hash "")
 * when there is no plaintiff or one has no identity on file; YZ errors from
 * opening a seal go to *err.
 */
static bool plaintiff_key(struct yz_app *app, const json_t *application, char hash[65],
                          char *names, size_t names_size, enum yz_err *err)
{
    hash[0] = '\0';
    if (names_size)
        names[0] = '\0';
    char *ids[MAX_PLAINTIFFS];
    size_t n = 0;
    bool ok = true;
    struct yz_buf nb = YZ_BUF_INIT(names_size > 0 ? names_size - 1 : 0);
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(application, "parties"), i, p)
    {
        const char *role = json_string_value(json_object_get(p, "role"));
        if (!role || strcmp(role, "plaintiff") != 0)
            continue;
        if (n == MAX_PLAINTIFFS) {
            ok = false;
            break;
        }
        const char *name = json_string_value(json_object_get(p, "name"));
        if (name) {
            if (nb.len)
                yz_buf_adds(&nb, "、");
            yz_buf_adds(&nb, name);
        }
        char id[YZ_FILING_IDENTITY_MAX];
        enum yz_err e = yz_filing_party_identity(app, p, id, sizeof id);
        if (e != YZ_OK) {
            *err = e;
            ok = false;
            break;
        }
        if (!id[0]) {
            ok = false;
            break;
        }
        ids[n++] = yz_strdup(id);
    }
    if (ok && n > 0) {
        qsort(ids, n, sizeof ids[0], cmp_str);
        struct yz_buf all = YZ_BUF_INIT(YZ_PII_MAX_PLAIN);
        for (size_t k = 0; k < n; k++) {
            yz_buf_adds(&all, ids[k]);
            yz_buf_addc(&all, '\n');
        }
        enum yz_err e = yz_pii_lookup(app->keys, "class.plaintiff", all.data, hash);
        if (e != YZ_OK) {
            *err = e;
            ok = false;
        }
        yz_buf_release(&all);
    }
    for (size_t k = 0; k < n; k++) {
        memset(ids[k], 0, strlen(ids[k]));
        free(ids[k]);
    }
    if (names_size)
        yz_strlcpy(names, nb.data, names_size);
    yz_buf_release(&nb);
    return ok && n > 0 && hash[0];
}

/* ---- helpers ---- */

static const json_t *application_of(const char *data_text, json_t **root)
{
    *root = json_loads(data_text, 0, NULL);
    return json_object_get(*root, "application");
}

static json_t *amount_of(const json_t *application)
{
    const json_t *a = json_object_get(application, "amount_fen");
    return json_is_integer(a) ? json_integer(json_integer_value(a)) : json_null();
}

static const char *claims_of(const json_t *application)
{
    const char *s = json_string_value(json_object_get(application, "claims"));
    return s ? s : "";
}

static enum yz_err record(struct yz_tx *tx, struct yz_app *app, int64_t group_id,
                          const char *type, const struct yz_principal *who, const char *channel,
                          json_t *payload)
{
    char stream[48];
    snprintf(stream, sizeof stream, "case_group/%lld", (long long)group_id);
    enum yz_err e = yz_app_record(tx, app, stream, type, who->user_id, 0, channel, payload, NULL);
    json_decref(payload);
    return e;
}

struct group {
    int64_t id, court_id, demo_id, created_at, updated_at;
    char name[256];
    char cause_code[32];
    char criteria[2048];
    char plaintiff_hash[65];
};

/* Loads group id and asks the policy; NOT_FOUND for missing or denied. */
static enum yz_err load_group(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              enum yz_action action, int64_t id, const char *route,
                              struct group *g)
{
    memset(g, 0, sizeof *g);
    struct yz_stmt *st = yz_sql(tx, &q_group);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    g->id = id;
    g->court_id = yz_col_i64(st, 0);
    yz_strlcpy(g->name, yz_col_text(st, 1), sizeof g->name);
    yz_strlcpy(g->cause_code, yz_col_text(st, 2), sizeof g->cause_code);
    yz_strlcpy(g->criteria, yz_col_text(st, 3), sizeof g->criteria);
    yz_strlcpy(g->plaintiff_hash, yz_col_text(st, 4), sizeof g->plaintiff_hash);
    g->demo_id = yz_col_null(st, 5) ? 0 : yz_col_i64(st, 5);
    g->created_at = yz_col_i64(st, 6);
    g->updated_at = yz_col_i64(st, 7);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    return yz_policy_case_group(app, who, action, g->court_id, id, route);
}

struct one_case {
    int64_t court_id, group_id;
    char case_number[96];
    char cause_code[32];
    json_t *data; /* the matter's data, owned */
};

/* A registered case by matter id; NOT_FOUND when there is none. */
static enum yz_err load_case(struct yz_tx *tx, int64_t matter_id, struct one_case *c)
{
    memset(c, 0, sizeof *c);
    struct yz_stmt *st = yz_sql(tx, &q_case);
    yz_bind_i64(st, 1, matter_id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    c->court_id = yz_col_i64(st, 0);
    yz_strlcpy(c->case_number, yz_col_text(st, 1), sizeof c->case_number);
    yz_strlcpy(c->cause_code, yz_col_text(st, 2), sizeof c->cause_code);
    c->data = json_loads(yz_col_text(st, 3), 0, NULL);
    c->group_id = yz_col_null(st, 4) ? 0 : yz_col_i64(st, 4);
    return yz_exec(st);
}

static json_t *case_ref(struct yz_tx *tx, int64_t matter_id)
{
    if (matter_id == 0)
        return json_null();
    struct yz_stmt *st = yz_sql(tx, &q_case_number);
    yz_bind_i64(st, 1, matter_id);
    bool row = false;
    json_t *out = json_null();
    if (yz_step(st, &row) == YZ_OK && row)
        out = json_pack("{s:I, s:s}", "id", (json_int_t)matter_id, "case_number",
                        yz_col_text(st, 0));
    yz_exec(st);
    return out;
}

static const char *cause_name(const struct yz_app *app, const char *code)
{
    if (!app->catalog || !code)
        return "";
    const struct yz_cause *c = yz_catalog_cause(app->catalog, code, YZ_CAUSE_REV_2025);
    if (!c)
        c = yz_catalog_cause(app->catalog, code, YZ_CAUSE_REV_2020);
    return c ? c->name : "";
}

/* ---- suggestions ---- */

struct candidate {
    int64_t id;
    char case_number[96];
    char cause_code[32];
    char plaintiff_hash[65];
    char plaintiffs[256];
    char *claims; /* owned */
    json_t *amount;
    int cluster; /* -1 none yet */
    int similarity;
};

struct cluster {
    size_t seed;
    size_t count;
    int min_similarity;
};

static int cmp_cluster(const void *a, const void *b)
{
    const struct cluster *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return x->seed < y->seed ? -1 : x->seed > y->seed;
}

/* RULE: class-case-criteria — suggestions: same plaintiff, same cause, similar claims. */
enum yz_err yz_class_suggest(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             const char *route, json_t **out)
{
    *out = NULL;
    enum yz_err e = yz_policy_case_group(app, who, YZ_ACT_READ, who->court_id, 0, route);
    if (e != YZ_OK)
        return e;
    int cap = yz_tx_max_rows(tx);
    struct candidate *cands = yz_calloc((size_t)cap + 1, sizeof *cands);
    size_t n = 0;
    bool truncated = false;
    struct yz_stmt *st = yz_sql(tx, &q_ungrouped);
    yz_bind_i64(st, 1, who->court_id);
    yz_bind_i64(st, 2, cap + 1);
    bool row;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        if (n == (size_t)cap) {
            truncated = true;
            break;
        }
        json_t *root;
        const json_t *application = application_of(yz_col_text(st, 3), &root);
        struct candidate *c = &cands[n];
        enum yz_err ke = YZ_OK;
        if (plaintiff_key(app, application, c->plaintiff_hash, c->plaintiffs,
                          sizeof c->plaintiffs, &ke) &&
            yz_col_text(st, 2)[0]) {
            c->id = yz_col_i64(st, 0);
            yz_strlcpy(c->case_number, yz_col_text(st, 1), sizeof c->case_number);
            yz_strlcpy(c->cause_code, yz_col_text(st, 2), sizeof c->cause_code);
            c->claims = yz_strdup(claims_of(application));
            c->amount = amount_of(application);
            c->cluster = -1;
            n++;
        }
        json_decref(root);
        if (ke != YZ_OK) {
            e = ke;
            break;
        }
    }
    if (e == YZ_OK)
        e = yz_exec(st);

    struct cluster *clusters = yz_calloc(n + 1, sizeof *clusters);
    size_t nc = 0;
    for (size_t i = 0; e == YZ_OK && i < n; i++) {
        for (size_t k = 0; k < nc && cands[i].cluster < 0; k++) {
            const struct candidate *s = &cands[clusters[k].seed];
            if (strcmp(s->plaintiff_hash, cands[i].plaintiff_hash) != 0 ||
                strcmp(s->cause_code, cands[i].cause_code) != 0)
                continue;
            int sim = yz_class_claims_similarity(s->claims, cands[i].claims);
            if (sim < YZ_CLASS_MIN_SIMILARITY)
                continue;
            cands[i].cluster = (int)k;
            cands[i].similarity = sim;
            clusters[k].count++;
            if (sim < clusters[k].min_similarity)
                clusters[k].min_similarity = sim;
        }
        if (cands[i].cluster < 0) {
            cands[i].cluster = (int)nc;
            cands[i].similarity = 100;
            clusters[nc++] = (struct cluster){i, 1, 100};
        }
    }
    /* Order: largest first; remember where each cluster went. */
    struct cluster *sorted = yz_calloc(nc + 1, sizeof *sorted);
    memcpy(sorted, clusters, nc * sizeof *sorted);
    qsort(sorted, nc, sizeof *sorted, cmp_cluster);

    json_t *list = json_array();
    for (size_t k = 0; e == YZ_OK && k < nc; k++) {
        if (sorted[k].count < 2)
            continue;
        const struct candidate *seed = &cands[sorted[k].seed];
        int index = cands[sorted[k].seed].cluster;
        json_t *cases = json_array();
        json_int_t lo = 0, hi = 0;
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            if (cands[i].cluster != index)
                continue;
            json_array_append_new(cases, json_pack("{s:I, s:s, s:O, s:i}", "id",
                                                   (json_int_t)cands[i].id, "case_number",
                                                   cands[i].case_number, "amount_fen",
                                                   cands[i].amount, "similarity",
                                                   cands[i].similarity));
            if (json_is_integer(cands[i].amount)) {
                json_int_t a = json_integer_value(cands[i].amount);
                lo = !any || a < lo ? a : lo;
                hi = !any || a > hi ? a : hi;
                any = true;
            }
        }
        const char *cname = cause_name(app, seed->cause_code);
        char name[400];
        snprintf(name, sizeof name, "%.150s%.100s类案", seed->plaintiffs, cname);
        yz_utf8_trim(name);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:{s:b, s:s, s:i}, s:o, s:o, s:o}", "name", name,
                            "cause_code", seed->cause_code, "cause_name", cname, "plaintiff",
                            seed->plaintiffs, "criteria", "same_plaintiff", 1, "same_cause",
                            seed->cause_code, "claims_similarity_min", sorted[k].min_similarity,
                            "amount_fen_min", any ? json_integer(lo) : json_null(),
                            "amount_fen_max", any ? json_integer(hi) : json_null(), "cases",
                            cases));
    }
    if (e == YZ_OK)
        *out = json_pack("{s:I, s:I, s:b, s:i, s:o}", "court_id", (json_int_t)who->court_id,
                         "considered", (json_int_t)n, "truncated", truncated, "min_similarity",
                         YZ_CLASS_MIN_SIMILARITY, "suggestions", list);
    else
        json_decref(list);
    for (size_t i = 0; i < n; i++) {
        free(cands[i].claims);
        json_decref(cands[i].amount);
    }
    free(sorted);
    free(clusters);
    free(cands);
    return e;
}

/* ---- one group ---- */

enum yz_err yz_class_get(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                         int64_t group_id, const char *route, json_t **out)
{
    *out = NULL;
    struct group g;
    enum yz_err e = load_group(tx, app, who, YZ_ACT_READ, group_id, route, &g);
    if (e != YZ_OK)
        return e;
    /* The demonstration case's claims, to measure the followers against. */
    char *demo_claims = NULL;
    if (g.demo_id) {
        struct one_case d;
        if ((e = load_case(tx, g.demo_id, &d)) != YZ_OK)
            return e == YZ_ERR_NOT_FOUND ? YZ_ERR_INTERNAL : e;
        demo_claims = yz_strdup(claims_of(json_object_get(d.data, "application")));
        json_decref(d.data);
    }
    json_t *members = json_array();
    char type_code[32] = "";
    struct yz_stmt *st = yz_sql(tx, &q_members);
    yz_bind_i64(st, 1, group_id);
    yz_bind_i64(st, 2, YZ_CLASS_MAX_MEMBERS);
    bool row;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t id = yz_col_i64(st, 0);
        if (!type_code[0])
            yz_strlcpy(type_code, yz_col_text(st, 3), sizeof type_code);
        json_t *root;
        const json_t *application = application_of(yz_col_text(st, 2), &root);
        bool demo = id == g.demo_id;
        json_t *sim = json_null();
        if (demo_claims && !demo)
            sim = json_integer(yz_class_claims_similarity(demo_claims, claims_of(application)));
        else if (demo)
            sim = json_integer(100);
        json_array_append_new(members,
                              json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)id,
                                        "case_number", yz_col_text(st, 1), "role",
                                        demo ? "demonstration" : "follower", "amount_fen",
                                        amount_of(application), "similarity", sim));
        json_decref(root);
    }
    if (e == YZ_OK)
        e = yz_exec(st);
    free(demo_claims);
    if (e != YZ_OK) {
        json_decref(members);
        return e;
    }
    /* RULE: template-case-class — the documents a class of cases is handled with. */
    json_t *templates = json_array();
    const struct yz_templates *set = app->templates;
    for (size_t i = 0; set && type_code[0] && i < set->n; i++)
        if (yz_template_applies(&set->items[i], app->catalog, type_code, g.cause_code, NULL))
            json_array_append_new(templates, json_pack("{s:s, s:s}", "id", set->items[i].id,
                                                       "title", set->items[i].title));
    char created[40], updated[40];
    yz_time_format_utc(g.created_at, created, sizeof created);
    yz_time_format_utc(g.updated_at, updated, sizeof updated);
    *out = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s}", "id", (json_int_t)g.id,
                     "court_id", (json_int_t)g.court_id, "name", g.name, "cause_code",
                     g.cause_code, "cause_name", cause_name(app, g.cause_code), "criteria",
                     g.criteria, "demonstration", case_ref(tx, g.demo_id), "cases", members,
                     "templates", templates,
                     "created_at", created, "updated_at", updated);
    return YZ_OK;
}

enum yz_err yz_class_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          const char *route, json_t **out)
{
    *out = NULL;
    enum yz_err e = yz_policy_case_group(app, who, YZ_ACT_READ, who->court_id, 0, route);
    if (e != YZ_OK)
        return e;
    json_t *list = json_array();
    struct yz_stmt *st = yz_sql(tx, &q_list);
    yz_bind_i64(st, 1, who->court_id);
    yz_bind_i64(st, 2, yz_tx_max_rows(tx));
    bool row;
    while ((e = yz_step(st, &row)) == YZ_OK && row)
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:o, s:I}", "id", (json_int_t)yz_col_i64(st, 0),
                            "name", yz_col_text(st, 1), "cause_code", yz_col_text(st, 2),
                            "demonstration_case_id",
                            yz_col_null(st, 3) ? json_null() : json_integer(yz_col_i64(st, 3)),
                            "members", (json_int_t)yz_col_i64(st, 4)));
    if (e == YZ_OK)
        e = yz_exec(st);
    if (e != YZ_OK) {
        json_decref(list);
        return e;
    }
    *out = json_pack("{s:o}", "groups", list);
    return YZ_OK;
}

/* ---- changes ---- */

enum yz_err yz_class_create(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            const char *name, const char *cause_code, const char *criteria,
                            const char *channel, const char *route, struct yz_field_errors *fe,
                            json_t **out)
{
    *out = NULL;
    enum yz_err e = yz_policy_case_group(app, who, YZ_ACT_ACT, who->court_id, 0, route);
    if (e != YZ_OK)
        return e;
    if (!cause_name(app, cause_code)[0]) {
        yz_field_errors_add(fe, "cause_code", "not_found", "案由不在民事案件案由目录中");
        return YZ_ERR_VALIDATION;
    }
    int64_t now = yz_time_now_ms(), id = 0;
    struct yz_stmt *st = yz_sql(tx, &q_group_insert);
    yz_bind_i64(st, 1, who->court_id);
    yz_bind_text(st, 2, name);
    yz_bind_text(st, 3, cause_code);
    yz_bind_text(st, 4, criteria);
    yz_bind_i64(st, 5, who->user_id);
    yz_bind_i64(st, 6, now);
    yz_bind_i64(st, 7, now);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    id = yz_col_i64(st, 0);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    e = record(tx, app, id, "class.group_created", who, channel,
               json_pack("{s:I, s:s, s:s, s:s}", "court_id", (json_int_t)who->court_id, "name",
                         name, "cause_code", cause_code, "criteria", criteria));
    if (e != YZ_OK)
        return e;
    return yz_class_get(tx, app, who, id, route, out);
}

enum yz_err yz_class_add_case(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              int64_t group_id, int64_t matter_id, const char *channel,
                              const char *route, struct yz_field_errors *fe, json_t **out)
{
    *out = NULL;
    struct group g;
    enum yz_err e = load_group(tx, app, who, YZ_ACT_ACT, group_id, route, &g);
    if (e != YZ_OK)
        return e;
    struct one_case c;
    e = load_case(tx, matter_id, &c);
    if (e == YZ_ERR_NOT_FOUND || (e == YZ_OK && c.court_id != g.court_id)) {
        /* Another court's case answers exactly like a missing one. */
        yz_field_errors_add(fe, "case_id", "not_found", "本院没有该已立案案件");
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    if (e != YZ_OK)
        goto out;
    if (c.group_id) {
        e = YZ_ERR_ALREADY_EXISTS;
        goto out;
    }
    const json_t *application = json_object_get(c.data, "application");
    if (strcmp(c.cause_code, g.cause_code) != 0) {
        yz_field_errors_add(fe, "case_id", "cause_mismatch", "该案件的案由（%s）与类案的案由不同",
                            c.cause_code[0] ? c.cause_code : "未填写");
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    char hash[65], names[256];
    enum yz_err ke = YZ_OK;
    if (!plaintiff_key(app, application, hash, names, sizeof names, &ke)) {
        if (ke != YZ_OK) {
            e = ke;
            goto out;
        }
        yz_field_errors_add(fe, "case_id", "no_plaintiff_identity",
                            "该案件原告的身份证件号码或统一社会信用代码缺失，无法认定为同一原告");
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    if (g.plaintiff_hash[0] && strcmp(g.plaintiff_hash, hash) != 0) {
        yz_field_errors_add(fe, "case_id", "plaintiff_mismatch", "该案件的原告与类案的原告不是同一主体");
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    struct yz_stmt *st = yz_sql(tx, &q_member_count);
    yz_bind_i64(st, 1, group_id);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        goto out;
    int64_t count = row ? yz_col_i64(st, 0) : 0;
    if ((e = yz_exec(st)) != YZ_OK)
        goto out;
    if (count >= YZ_CLASS_MAX_MEMBERS) {
        yz_field_errors_add(fe, "case_id", "too_many", "一个类案最多 %d 件案件", YZ_CLASS_MAX_MEMBERS);
        e = YZ_ERR_VALIDATION;
        goto out;
    }
    int64_t now = yz_time_now_ms();
    st = yz_sql(tx, &q_member_insert);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_i64(st, 2, group_id);
    yz_bind_i64(st, 3, who->user_id);
    yz_bind_i64(st, 4, now);
    if ((e = yz_exec(st)) != YZ_OK)
        goto out;
    st = yz_sql(tx, g.plaintiff_hash[0] ? &q_touch : &q_set_plaintiff);
    int k = 1;
    if (!g.plaintiff_hash[0])
        yz_bind_text(st, k++, hash);
    yz_bind_i64(st, k++, now);
    yz_bind_i64(st, k, group_id);
    if ((e = yz_exec(st)) != YZ_OK)
        goto out;
    e = record(tx, app, group_id, "class.case_added", who, channel,
               json_pack("{s:I, s:s}", "case_id", (json_int_t)matter_id, "case_number",
                         c.case_number));
    if (e == YZ_OK)
        e = yz_class_get(tx, app, who, group_id, route, out);
out:
    json_decref(c.data);
    return e;
}

enum yz_err yz_class_remove_case(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, int64_t group_id,
                                 int64_t matter_id, const char *channel, const char *route,
                                 json_t **out)
{
    *out = NULL;
    struct group g;
    enum yz_err e = load_group(tx, app, who, YZ_ACT_ACT, group_id, route, &g);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(tx, &q_member_delete);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_i64(st, 2, group_id);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    if (yz_tx_changes(tx) != 1)
        return YZ_ERR_NOT_FOUND;
    int64_t now = yz_time_now_ms();
    bool was_demo = g.demo_id == matter_id;
    st = yz_sql(tx, was_demo ? &q_set_demo : &q_touch);
    int k = 1;
    if (was_demo)
        yz_bind_null(st, k++);
    yz_bind_i64(st, k++, now);
    yz_bind_i64(st, k, group_id);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    e = record(tx, app, group_id, "class.case_removed", who, channel,
               json_pack("{s:I, s:b}", "case_id", (json_int_t)matter_id, "was_demonstration",
                         was_demo));
    if (e != YZ_OK)
        return e;
    return yz_class_get(tx, app, who, group_id, route, out);
}

enum yz_err yz_class_set_demonstration(struct yz_tx *tx, struct yz_app *app,
                                       const struct yz_principal *who, int64_t group_id,
                                       int64_t matter_id, const char *channel, const char *route,
                                       struct yz_field_errors *fe, json_t **out)
{
    *out = NULL;
    struct group g;
    enum yz_err e = load_group(tx, app, who, YZ_ACT_ACT, group_id, route, &g);
    if (e != YZ_OK)
        return e;
    struct one_case c;
    e = load_case(tx, matter_id, &c);
    json_decref(c.data);
    if (e != YZ_OK && e != YZ_ERR_NOT_FOUND)
        return e;
    if (e == YZ_ERR_NOT_FOUND || c.group_id != group_id) {
        yz_field_errors_add(fe, "case_id", "not_member", "示范案件必须是本类案中的案件");
        return YZ_ERR_VALIDATION;
    }
    if (g.demo_id == matter_id)
        return yz_class_get(tx, app, who, group_id, route, out); /* already so: no event */
    struct yz_stmt *st = yz_sql(tx, &q_set_demo);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_i64(st, 2, yz_time_now_ms());
    yz_bind_i64(st, 3, group_id);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    e = record(tx, app, group_id, "class.demonstration_set", who, channel,
               json_pack("{s:I, s:s, s:o}", "case_id", (json_int_t)matter_id, "case_number",
                         c.case_number, "previous",
                         g.demo_id ? json_integer(g.demo_id) : json_null()));
    if (e != YZ_OK)
        return e;
    return yz_class_get(tx, app, who, group_id, route, out);
}

enum yz_err yz_class_of_case(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             int64_t matter_id, const char *route, json_t **out)
{
    *out = NULL;
    struct one_case c;
    enum yz_err e = load_case(tx, matter_id, &c);
    json_decref(c.data);
    if (e == YZ_ERR_NOT_FOUND) {
        /* Not a registered case. A matter of a court the caller may not see is still
         * a probe of a foreign record: the policy decides (and records it). */
        struct yz_stmt *st = yz_sql(tx, &q_matter_court);
        yz_bind_i64(st, 1, matter_id);
        bool row;
        if ((e = yz_step(st, &row)) != YZ_OK)
            return e;
        int64_t court = row ? yz_col_i64(st, 0) : 0;
        if (row && (e = yz_exec(st)) != YZ_OK)
            return e;
        if (court && (e = yz_policy_case_group(app, who, YZ_ACT_READ, court, 0, route)) != YZ_OK)
            return e;
        return YZ_ERR_NOT_FOUND;
    }
    if (e != YZ_OK)
        return e;
    if ((e = yz_policy_case_group(app, who, YZ_ACT_READ, c.court_id, 0, route)) != YZ_OK)
        return e;
    json_t *group = json_null();
    if (c.group_id) {
        struct group g;
        if ((e = load_group(tx, app, who, YZ_ACT_READ, c.group_id, route, &g)) != YZ_OK)
            return e;
        group = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)g.id, "name", g.name,
                          "cause_code", g.cause_code, "role",
                          g.demo_id == matter_id ? "demonstration" : "follower", "demonstration",
                          case_ref(tx, g.demo_id));
    }
    *out = json_pack("{s:I, s:s, s:o}", "case_id", (json_int_t)matter_id, "case_number",
                     c.case_number, "group", group);
    return YZ_OK;
}
