/*
 * Unit tests for triage's related and repeat cases (src/triage/features.c)
 * against a real migrated database: the features of a registration count
 * the court's earlier matters naming its plaintiffs and defendants (by their
 * keyed hashes in triage_party_keys), each matter once, exactly up to 1,000,
 * and never more however many earlier matters a party has (a bank's bulk
 * filings); the registration's own keys are stored for the next one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "crypto/keys.h"
#include "crypto/pii.h"
#include "store/store.h"
#include "triage/triage.h"
#include "lib/tempstore.h"

#define MATTERS 3000

static char dir[64];
static struct yz_app app;

static struct yz_sql_def q_court = YZ_SQL("INSERT INTO courts(id, local_id, code, name, level) "
                                          "VALUES (1, 'c1', '渝0103', '渝中法院', 'basic')");
static struct yz_sql_def q_user = YZ_SQL(
    "INSERT INTO users(id, role, court_id, username, name, person_kind, password_hash, created_at)"
    " VALUES (1, 'filing_clerk', 1, 'clerk', '王立案', 'staff', 'x', 0)");
static struct yz_sql_def q_matters = YZ_SQL(
    "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)"
    " INSERT INTO matters(id, kind, state, court_id, title, channel, created_by, created_at,"
    " updated_at, version) SELECT i, 'filing', 'registered', 1, 't', 'web', 1, 0, 0, 1 FROM s");
/* The party with key ?3 as ?4 in the matters ?1..?2. */
static struct yz_sql_def q_keys =
    YZ_SQL("WITH RECURSIVE s(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM s WHERE i < ?2)"
           " INSERT INTO triage_party_keys(matter_id, court_id, role, key_hash) SELECT i, 1, ?4, "
           "?3 FROM s");
static struct yz_sql_def q_own_keys =
    YZ_SQL("SELECT count(*) FROM triage_party_keys WHERE matter_id = ?");

static enum yz_err seed_tx(struct yz_tx *tx, void *p)
{
    (void)p;
    enum yz_err e;
    if ((e = yz_exec(yz_sql(tx, &q_court))) != YZ_OK || (e = yz_exec(yz_sql(tx, &q_user))) != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(tx, &q_matters);
    yz_bind_i64(st, 1, MATTERS);
    return yz_exec(st);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/yz-triage-XXXXXX");
    memset(&app, 0, sizeof app);
    app.cfg.audit.checkpoint_every = 1000;
    enum yz_err e = yzt_tempstore_open(dir, &app.keys, &app.store);
    if (e == YZ_OK)
        e = yz_store_write(app.store, seed_tx, NULL);
    return e == YZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    yz_store_close(app.store);
    yz_keys_free(app.keys);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* An organisation known by its credit code (new reference). */
static json_t *party(const char *role, const char *code)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "role", role, "kind", "legal", "name", "某公司",
                     "credit_code", code);
}

struct keys {
    const char *code, *role;
    int64_t first, last;
};

static enum yz_err keys_tx(struct yz_tx *tx, void *p)
{
    const struct keys *k = p;
    json_t *pj = party(k->role, k->code);
    char hash[65];
    enum yz_err e = yz_triage_party_key(&app, pj, hash);
    json_decref(pj);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(tx, &q_keys);
    yz_bind_i64(st, 1, k->first);
    yz_bind_i64(st, 2, k->last);
    yz_bind_text(st, 3, hash);
    yz_bind_text(st, 4, k->role);
    return yz_exec(st);
}

/* The organisation with credit code `code` was `role` in the matters first..last. */
static void earlier(const char *code, const char *role, int64_t first, int64_t last)
{
    struct keys k = {code, role, first, last};
    assert_int_equal(yz_store_write(app.store, keys_tx, &k), YZ_OK);
}

struct extract {
    int64_t matter_id;
    json_t *data, *features;
    int64_t own_keys;
};

static enum yz_err extract_tx(struct yz_tx *tx, void *p)
{
    struct extract *x = p;
    json_t *sources = NULL;
    enum yz_err e =
        yz_triage_extract_features(tx, &app, x->matter_id, 1, x->data, &x->features, &sources);
    json_decref(sources);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(tx, &q_own_keys);
    yz_bind_i64(st, 1, x->matter_id);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    x->own_keys = row ? yz_col_i64(st, 0) : -1;
    return yz_exec(st);
}

/* Registers matter_id with the plaintiff and defendant credit codes given
 * (NULL-terminated lists); the related and repeat cases it finds. */
static void registration(int64_t matter_id, const char *const *plaintiffs,
                         const char *const *defendants, int64_t *related, int64_t *repeat)
{
    json_t *parties = json_array();
    size_t n = 0;
    for (; *plaintiffs; plaintiffs++, n++)
        json_array_append_new(parties, party("plaintiff", *plaintiffs));
    for (; *defendants; defendants++, n++)
        json_array_append_new(parties, party("defendant", *defendants));
    /* Others than plaintiffs and defendants are not looked up. */
    json_array_append_new(parties, party("third_party", "91500103MA5U0AAA0Q"));
    struct extract x = {matter_id, json_pack("{s:{s:o}}", "application", "parties", parties), NULL,
                        0};
    assert_int_equal(yz_store_write(app.store, extract_tx, &x), YZ_OK);
    assert_non_null(x.features);
    *related = json_integer_value(json_object_get(x.features, "related_cases"));
    *repeat = json_integer_value(json_object_get(x.features, "repeat_cases"));
    assert_true(json_is_integer(json_object_get(x.features, "related_cases")));
    assert_int_equal(x.own_keys, (int64_t)n);
    json_decref(x.features);
    json_decref(x.data);
}

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

/* RULE: triage-related-cases */
static void few_earlier_matters_are_counted_exactly(void **state)
{
    (void)state;
    int64_t related, repeat;
    /* X sues in 1-5, Y is sued in 4-7, sues in 8; X is sued in 9. */
    earlier("X0000000000000001", "plaintiff", 1, 5);
    earlier("Y0000000000000001", "defendant", 4, 7);
    earlier("Y0000000000000001", "plaintiff", 8, 8);
    earlier("X0000000000000001", "defendant", 9, 9);
    registration(20, LIST("X0000000000000001"), LIST("Y0000000000000001"), &related, &repeat);
    assert_int_equal(related, 9); /* 1-9, each once */
    assert_int_equal(repeat, 2);  /* 4 and 5: X sued Y */
    /* The next registration between them finds this one too. */
    registration(21, LIST("X0000000000000001"), LIST("Y0000000000000001"), &related, &repeat);
    assert_int_equal(related, 10);
    assert_int_equal(repeat, 3);
    /* Y suing X is not the same plaintiff and defendant (8, 9 are two matters). */
    registration(22, LIST("Y0000000000000001"), LIST("X0000000000000001"), &related, &repeat);
    assert_int_equal(related, 11);
    assert_int_equal(repeat, 0);
    /* Two plaintiffs: the matters with either as plaintiff against Y. */
    earlier("Z0000000000000001", "plaintiff", 6, 7);
    registration(23, LIST("X0000000000000001", "Z0000000000000001"), LIST("Y0000000000000001"),
                 &related, &repeat);
    assert_int_equal(related, 12); /* 1-9, 20-22 */
    assert_int_equal(repeat, 6);   /* 4-7, 20, 21 */
    /* A party never seen: nothing. */
    registration(24, LIST("N0000000000000001"), LIST("N0000000000000002"), &related, &repeat);
    assert_int_equal(related, 0);
    assert_int_equal(repeat, 0);
}

/* RULE: triage-related-cases */
static void a_party_with_many_earlier_matters_reads_at_most_a_thousand(void **state)
{
    (void)state;
    int64_t related, repeat;
    /* The bank sued in 100-1599; D was sued with it in 1500-1599, alone in 1600-1604. */
    earlier("B0000000000000001", "plaintiff", 100, 1599);
    earlier("D0000000000000001", "defendant", 1500, 1604);
    registration(2000, LIST("B0000000000000001"), LIST("D0000000000000001"), &related, &repeat);
    assert_int_equal(related, 1000); /* 1,505 earlier matters: counted up to 1,000 */
    assert_int_equal(repeat, 100);   /* exact: D's side has fewer than 1,000 */
    /* The bank against someone new: related up to 1,000, no repeat. */
    registration(2001, LIST("B0000000000000001"), LIST("N0000000000000003"), &related, &repeat);
    assert_int_equal(related, 1000);
    assert_int_equal(repeat, 0);
    /* E was sued by the bank 1,200 times (100-1299): both sides have more than 1,000. */
    earlier("E0000000000000001", "defendant", 100, 1299);
    registration(2002, LIST("B0000000000000001"), LIST("E0000000000000001"), &related, &repeat);
    assert_int_equal(related, 1000);
    assert_int_equal(repeat, 1000);
    /* The bank as defendant of a plaintiff with a short history, beside E. */
    earlier("P0000000000000001", "plaintiff", 2500, 2502);
    earlier("B0000000000000001", "defendant", 2501, 2502);
    registration(2003, LIST("P0000000000000001"), LIST("B0000000000000001", "E0000000000000001"),
                 &related, &repeat);
    assert_int_equal(related, 1000);
    assert_int_equal(repeat, 2); /* 2501, 2502 */
}

/* The key from the clear citizen ID (the bulk import's way) is the key from
 * the sealed one, for a natural person, an organisation that also names an
 * ID (its credit code wins), and a party known only by name. */
static void clear_citizen_id_gives_the_opened_key(void **state)
{
    (void)state;
    static const char *const ids[] = {"11010519491231002X", "500101199003071234"};
    for (size_t i = 0; i < 2; i++) {
        char *sealed = NULL;
        assert_int_equal(yz_pii_seal(app.keys, ids[i], strlen(ids[i]), "filing.citizen_id", &sealed),
                         YZ_OK);
        json_t *natural = json_pack("{s:s, s:s, s:s, s:s}", "role", "plaintiff", "kind", "natural",
                                    "name", "张三", "citizen_id_enc", sealed);
        json_t *legal = json_pack("{s:s, s:s, s:s, s:s, s:s}", "role", "defendant", "kind",
                                  "legal", "name", "某公司", "credit_code", "91500000MA5U000000",
                                  "citizen_id_enc", sealed);
        free(sealed);
        json_t *parties[] = {natural, legal};
        for (size_t k = 0; k < 2; k++) {
            char opened[65], clear[65], other[65];
            assert_int_equal(yz_triage_party_key(&app, parties[k], opened), YZ_OK);
            assert_int_equal(yz_triage_party_key_clear(&app, parties[k], ids[i], clear), YZ_OK);
            assert_string_equal(opened, clear);
            assert_int_equal(strlen(clear), 64);
            /* The clear ID is what counts for a natural person. */
            assert_int_equal(yz_triage_party_key_clear(&app, parties[k], ids[1 - i], other), YZ_OK);
            if (k == 0)
                assert_string_not_equal(other, clear);
            else
                assert_string_equal(other, clear);
            json_decref(parties[k]);
        }
    }
    json_t *named = json_pack("{s:s, s:s, s:s}", "role", "defendant", "kind", "natural", "name",
                              "李四");
    char opened[65], clear[65];
    assert_int_equal(yz_triage_party_key(&app, named, opened), YZ_OK);
    assert_int_equal(yz_triage_party_key_clear(&app, named, NULL, clear), YZ_OK);
    assert_string_equal(opened, clear);
    json_decref(named);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(few_earlier_matters_are_counted_exactly),
        cmocka_unit_test(a_party_with_many_earlier_matters_reads_at_most_a_thousand),
        cmocka_unit_test(clear_citizen_id_gives_the_opened_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
