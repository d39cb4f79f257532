/*
 * End-to-end tests of `yizhan generate` (synthetic court data for the
 * benchmarks, src/datagen): a demo data directory filled with a few hundred
 * generated cases passes `yizhan audit verify` and `yizhan rollup rebuild`
 * (the counters kept while generating equal those recomputed from the
 * history), case numbers are unique and gap-free per court and year with
 * their counters in step, no citizen ID or phone is stored in clear, and the
 * server serves the generated matters and the dashboard over them. A large
 * import builds its deferred indexes once at its end, a small one writes
 * into them; both leave every index whole (integrity_check) and every
 * foreign key whole (foreign_key_check: bulk mode does not enforce them, the
 * import checks its parents per batch). Bad usage is refused with exit code
 * 2. Nothing here is timed (bench/data.sh does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CASES 300

static struct yz_test_server srv;
static struct yzt_client supervisor = {.srv = &srv};
static char gen_out[4096];

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_server_halt(&srv);
    char dir[300];
    snprintf(dir, sizeof dir, "%s", srv.dir);
    /* Several batches (64 cases each), so that chaining across transactions is covered. */
    const char *const args[] = {"generate", "--dir", dir, "--cases", "300", "--batch", "64",
                                "--seed", "7", NULL};
    int rc = yzt_run_cli(args, gen_out, sizeof gen_out);
    if (rc != 0)
        fail_msg("generate: exit %d: %s", rc, gen_out);
    yzt_server_restart(&srv, NULL);
    yzt_demo_login(&supervisor, "supervisor");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void the_history_verifies_and_the_counters_match_it(void **state)
{
    char dir[300], out[2048];
    snprintf(dir, sizeof dir, "%s", srv.dir);
    assert_non_null(strstr(gen_out, "generated: 300 cases"));
    const char *const verify[] = {"audit", "verify", "--dir", dir, NULL};
    int rc = yzt_run_cli(verify, out, sizeof out);
    if (rc != 0)
        fail_msg("audit verify: exit %d: %s", rc, out);
    const char *const rebuild[] = {"rollup", "rebuild", "--dir", dir, NULL};
    rc = yzt_run_cli(rebuild, out, sizeof out);
    if (rc != 0)
        fail_msg("rollup rebuild: exit %d: %s", rc, out);
    assert_non_null(strstr(out, "all matched the history"));
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE kind = 'filing'"),
                     CASES);
    /* Every matter's history starts with its submission, numbered from 1. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'filing.submit'"
                                        " AND stream_seq = 1"),
                     CASES);
    /* What lists show without parsing data (migration 18) is the projection's. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE cause_name IS NOT NULL"),
                     CASES);
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM matters"
                           " WHERE cause_name IS NOT json_extract(data, '$.application.cause_name')"
                           " OR amount_fen IS NOT json_extract(data, '$.application.amount_fen')"),
        0);
    /* As the product's compute_fee writes it: the fee's steps in the event, not the projection. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE json_extract(data,"
                                        " '$.fee.steps') IS NOT NULL"),
                     0);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE json_extract(data,"
                                        " '$.fee.kind') IS NOT NULL"),
                     yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type ="
                                        " 'filing.compute_fee' AND json_array_length(payload,"
                                        " '$.fee.steps') >= 2"));
    /* Written with foreign keys unenforced (bulk mode), checked per batch: none broken. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

static void case_numbers_are_unique_and_gap_free(void **state)
{
    long long registered = 0;
    const char *p = strstr(gen_out, "cases (");
    assert_non_null(p);
    registered = strtoll(p + 7, NULL, 10);
    assert_true(registered > CASES / 2);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM cases"), registered);
    /* Per court and year: numbers 1..n, and the counter at n. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM (SELECT court_id, year,"
                                        " count(*) AS n, max(seq) AS hi, min(seq) AS lo"
                                        " FROM cases GROUP BY 1, 2) c"
                                        " LEFT JOIN case_sequences s ON s.court_id = c.court_id"
                                        " AND s.year = c.year AND s.type_code = '民初'"
                                        " WHERE c.n <> c.hi OR c.lo <> 1 OR s.last IS NOT c.hi"),
                     0);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM cases WHERE case_number NOT LIKE"
                                        " '（____）渝%民初%号'"),
                     0);
    /* Into a database with no filings the import built its deferred indexes
     * (store.h yz_tx_defer_indexes; `generate --deferred-indexes` lists them)
     * once at its end, every one there and whole. */
    assert_non_null(strstr(gen_out, "deferred indexes built at the end in"));
    char list[4096];
    const char *const deferred[] = {"generate", "--deferred-indexes", NULL};
    assert_int_equal(yzt_run_cli(deferred, list, sizeof list), 0);
    int listed = 0;
    for (char *line = list, *next; *line; line = next) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        next = nl + 1;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        assert_non_null(strstr(tab + 1, "DROP INDEX IF EXISTS "));
        assert_non_null(strstr(tab + 1, "\tCREATE INDEX IF NOT EXISTS "));
        assert_true(strlen(line) < 64);
        char q[256];
        snprintf(q, sizeof q,
                 "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '%.63s'", line);
        if (yzt_db_count(&srv, q) != 1)
            fail_msg("deferred index %s is missing after the import", line);
        listed++;
    }
    assert_true(listed >= 3);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM pragma_integrity_check"
                                        " WHERE integrity_check <> 'ok'"),
                     0);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                        " AND name = 'triage_party_keys_lookup'"),
                     1);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM triage_party_keys"
                                        " INDEXED BY triage_party_keys_lookup WHERE court_id > 0"),
                     yzt_db_count(&srv, "SELECT count(*) FROM triage_party_keys"));
    /* Registered cases carry their parties' triage keys. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1"
                                        " FROM triage_party_keys k WHERE k.matter_id = c.matter_id"
                                        " AND k.role = 'defendant')"),
                     0);
}

/* RULE: cause-revision-2026 — filed before 2026-01-01 (Asia/Shanghai, 1767196800000 ms
 * UTC): a 2020 cause; from then on: a 2025 one; the case row says the same. */
static void causes_follow_the_catalogue_in_force_when_filed(void **state)
{
    (void)state;
    const char *rev = "json_extract(data, '$.application.cause_revision')";
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM matters WHERE kind = 'filing' AND"
             " created_at < 1767196800000 AND %s = 2020", rev);
    int64_t old = yzt_db_count(&srv, sql);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM matters WHERE kind = 'filing' AND"
             " created_at >= 1767196800000 AND %s = 2025", rev);
    int64_t new = yzt_db_count(&srv, sql);
    assert_true(old > 0);
    assert_true(new > 0);
    assert_int_equal(old + new, CASES);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM cases c JOIN matters m ON m.id = c.matter_id"
             " WHERE c.cause_revision IS NOT %s OR c.cause_code IS NOT"
             " json_extract(m.data, '$.application.cause_code')", rev);
    assert_int_equal(yzt_db_count(&srv, sql), 0);
}

static void personal_data_is_sealed(void **state)
{
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE data LIKE"
                                        " '%\"citizen_id\":%' OR data LIKE '%\"phone\":%'"),
                     0);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE stream LIKE 'matter/%'"
                                        " AND (payload LIKE '%\"citizen_id\":%'"
                                        " OR payload LIKE '%\"phone\":%')"),
                     0);
    assert_true(yzt_db_count(&srv, "SELECT count(*) FROM matters WHERE data LIKE"
                                   " '%\"citizen_id_enc\":\"A%'") > 0);
}

static void the_server_reads_generated_cases_and_the_dashboard(void **state)
{
    int64_t court_05 = yzt_court_id(&supervisor, "渝05");
    /* A registered case of a court under 渝05, as the supervisor reads it. */
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT c.matter_id FROM cases c JOIN courts k ON k.id = c.court_id"
             " WHERE k.id = %lld OR k.parent_id = %lld ORDER BY c.matter_id LIMIT 1",
             (long long)court_05, (long long)court_05);
    int64_t id = yzt_db_count(&srv, sql);
    assert_true(id > 0);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
    struct yzt_response r = {0};
    yzt_request(&supervisor, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(yzt_json_str(&r, "data.case.case_number"), "民初"));
    assert_string_equal(yzt_json_str(&r, "kind"), "filing");
    yzt_response_free(&r);

    /* The dashboard over the whole period counts every filing of those courts. */
    time_t now = time(NULL) + 8 * 3600;
    time_t then = now - 3659 * 86400;
    struct tm a, b;
    gmtime_r(&now, &a);
    gmtime_r(&then, &b);
    char to[16], from[16];
    strftime(to, sizeof to, "%Y-%m-%d", &a);
    strftime(from, sizeof from, "%Y-%m-%d", &b);
    snprintf(path, sizeof path, "/api/v1/dashboard?court_id=%lld&from=%s&to=%s",
             (long long)court_05, from, to);
    yzt_request(&supervisor, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    int64_t total = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "filings_by_court"), i, it)
        total += json_integer_value(json_object_get(it, "count"));
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM matters m JOIN courts k ON k.id = m.court_id"
             " WHERE m.kind = 'filing' AND (k.id = %lld OR k.parent_id = %lld)",
             (long long)court_05, (long long)court_05);
    assert_int_equal(total, yzt_db_count(&srv, sql));
    assert_true(total > 0);
    assert_true(yzt_json_int(&r, "decision_days.count") > 0);
    yzt_response_free(&r);

    /* From the first of a month a year ago (whole months from the monthly
     * counters, this month's days from the daily ones): the filings made since. */
    snprintf(from, sizeof from, "%04d-%02d-01", a.tm_year + 1900 - 1, a.tm_mon + 1);
    snprintf(path, sizeof path, "/api/v1/dashboard?court_id=%lld&from=%s&to=%s",
             (long long)court_05, from, to);
    yzt_request(&supervisor, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    total = 0;
    json_array_foreach(json_object_get(r.json, "filings_by_court"), i, it)
        total += json_integer_value(json_object_get(it, "count"));
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM matters m JOIN courts k ON k.id = m.court_id"
             " WHERE m.kind = 'filing' AND (k.id = %lld OR k.parent_id = %lld)"
             " AND date((m.created_at + 28800000) / 1000, 'unixepoch') >= '%s'",
             (long long)court_05, (long long)court_05, from);
    assert_int_equal(total, yzt_db_count(&srv, sql));
    assert_true(total > 0);
    yzt_response_free(&r);
}

static void bad_usage_is_refused(void **state)
{
    char dir[300], out[2048];
    snprintf(dir, sizeof dir, "%s", srv.dir);
    const char *const no_cases[] = {"generate", "--dir", dir, NULL};
    assert_int_equal(yzt_run_cli(no_cases, out, sizeof out), 2);
    const char *const zero[] = {"generate", "--dir", dir, "--cases", "0", NULL};
    assert_int_equal(yzt_run_cli(zero, out, sizeof out), 2);
    const char *const bad_batch[] = {"generate", "--dir", dir, "--cases", "5", "--batch", "x", NULL};
    assert_int_equal(yzt_run_cli(bad_batch, out, sizeof out), 2);
    const char *const bad_days[] = {"generate", "--dir", dir, "--cases", "5", "--days", "9999", NULL};
    assert_int_equal(yzt_run_cli(bad_days, out, sizeof out), 2);
    const char *const extra[] = {"generate", "--dir", dir, "--cases", "5", "surplus", NULL};
    assert_int_equal(yzt_run_cli(extra, out, sizeof out), 2);
    const char *const deferred_extra[] = {"generate", "--deferred-indexes", "surplus", NULL};
    assert_int_equal(yzt_run_cli(deferred_extra, out, sizeof out), 2);
    const char *const help[] = {"generate", "--help", NULL};
    assert_int_equal(yzt_run_cli(help, out, sizeof out), 0);
    assert_non_null(strstr(out, "--cases N"));
    /* Nothing was added by the refused runs. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), CASES);
}

/* Runs last: it adds cases. A load smaller than what is there keeps the
 * indexes and writes into them. */
static void a_small_import_writes_into_the_indexes(void **state)
{
    char dir[300], out[4096];
    snprintf(dir, sizeof dir, "%s", srv.dir);
    yzt_server_halt(&srv);
    const char *const args[] = {"generate", "--dir", dir, "--cases", "40", "--seed", "8", NULL};
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != 0)
        fail_msg("generate: exit %d: %s", rc, out);
    assert_non_null(strstr(out, "generated: 40 cases"));
    assert_null(strstr(out, "deferred indexes"));
    const char *const verify[] = {"audit", "verify", "--dir", dir, NULL};
    rc = yzt_run_cli(verify, out, sizeof out);
    if (rc != 0)
        fail_msg("audit verify: exit %d: %s", rc, out);
    yzt_server_restart(&srv, NULL);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), CASES + 40);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM pragma_integrity_check"
                                        " WHERE integrity_check <> 'ok'"),
                     0);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM triage_party_keys"
                                        " INDEXED BY triage_party_keys_lookup WHERE court_id > 0"),
                     yzt_db_count(&srv, "SELECT count(*) FROM triage_party_keys"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_history_verifies_and_the_counters_match_it),
        cmocka_unit_test(case_numbers_are_unique_and_gap_free),
        cmocka_unit_test(causes_follow_the_catalogue_in_force_when_filed),
        cmocka_unit_test(personal_data_is_sealed),
        cmocka_unit_test(the_server_reads_generated_cases_and_the_dashboard),
        cmocka_unit_test(bad_usage_is_refused),
        cmocka_unit_test(a_small_import_writes_into_the_indexes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
