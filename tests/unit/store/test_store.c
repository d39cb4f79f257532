/* Unit tests for src/store: migrations, refusal of newer schemas, transactions, error mapping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/yz-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/t.db", dir);
    return 0;
}

static int teardown(void **state)
{
    char p[160];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static struct yz_store *open_store(void)
{
    struct yz_store_options o = {.path = path, .busy_timeout_ms = 1000, .max_rows = 10, .connections = 2};
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_store *s = NULL;
    enum yz_err e = yz_store_open(&o, &s, &err);
    if (e != YZ_OK)
        fail_msg("open: %s", err.data);
    yz_buf_release(&err);
    return s;
}

static void migrates_and_records_version(void **state)
{
    struct yz_store *s = open_store();
    assert_int_equal(yz_store_schema_version(s), yz_store_schema_latest());
    yz_store_close(s);
    /* Opening again applies nothing and keeps the version. */
    s = open_store();
    assert_int_equal(yz_store_schema_version(s), yz_store_schema_latest());
    yz_store_close(s);
}

static void refuses_a_newer_database(void **state)
{
    yz_store_close(open_store());
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO schema_migrations(version, name, applied_at) VALUES (%d, 'future', 0)",
             yz_store_schema_latest() + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    struct yz_store_options o = {.path = path, .connections = 1};
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_store *s = NULL;
    assert_int_equal(yz_store_open(&o, &s, &err), YZ_ERR_CONFIG);
    assert_null(s);
    assert_non_null(strstr(err.data, "newer than this binary"));
    yz_buf_release(&err);
}

static struct yz_sql_def q_court = YZ_SQL(
    "INSERT INTO courts(local_id, code, name, level) VALUES (?, ?, ?, 'basic') RETURNING id");
static struct yz_sql_def q_count = YZ_SQL("SELECT count(*) FROM courts");

static enum yz_err insert_one(struct yz_tx *tx, void *ctx)
{
    const char *local = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_court);
    yz_bind_text(st, 1, local);
    yz_bind_text(st, 2, local);
    yz_bind_text(st, 3, local);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e == YZ_OK && !row)
        return YZ_ERR_INTERNAL;
    return e;
}

static enum yz_err insert_then_fail(struct yz_tx *tx, void *ctx)
{
    enum yz_err e = insert_one(tx, ctx);
    return e == YZ_OK ? YZ_ERR_VALIDATION : e;
}

static enum yz_err count(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_count);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *(int64_t *)ctx = row ? yz_col_i64(st, 0) : -1;
    return e;
}

static void transactions_commit_or_roll_back(void **state)
{
    struct yz_store *s = open_store();
    int64_t n = 0;
    assert_int_equal(yz_store_write(s, insert_one, "A1"), YZ_OK);
    assert_int_equal(yz_store_read(s, count, &n), YZ_OK);
    assert_int_equal(n, 1);
    /* A failing function leaves nothing behind. */
    assert_int_equal(yz_store_write(s, insert_then_fail, "A2"), YZ_ERR_VALIDATION);
    assert_int_equal(yz_store_read(s, count, &n), YZ_OK);
    assert_int_equal(n, 1);
    /* A unique violation is a conflict the caller can report, not a crash. */
    assert_int_equal(yz_store_write(s, insert_one, "A1"), YZ_ERR_ALREADY_EXISTS);
    assert_int_equal(yz_store_read(s, count, &n), YZ_OK);
    assert_int_equal(n, 1);
    yz_store_close(s);
}

static struct yz_sql_def q_court_by_code = YZ_SQL("SELECT name FROM courts WHERE code = ?");

/* Loads the court whose code ctx names; its name must be the code. */
static enum yz_err load_court(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_court_by_code);
    yz_bind_text(st, 1, ctx);
    enum yz_err e = yz_step_one(st);
    if (e == YZ_OK)
        assert_string_equal(yz_col_text(st, 0), ctx);
    return e;
}

/* Inserts a court with RETURNING through yz_step_one, so that a constraint's
 * error comes back through it. */
static enum yz_err insert_one_row(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_court);
    yz_bind_text(st, 1, ctx);
    yz_bind_text(st, 2, ctx);
    yz_bind_text(st, 3, ctx);
    return yz_step_one(st);
}

static void step_one_finds_the_row_or_not(void **state)
{
    struct yz_store *s = open_store();
    assert_int_equal(yz_store_write(s, insert_one_row, "C1"), YZ_OK);
    assert_int_equal(yz_store_read(s, load_court, "C1"), YZ_OK);
    assert_int_equal(yz_store_read(s, load_court, "C2"), YZ_ERR_NOT_FOUND);
    /* A step's error is handed on as yz_step maps it. */
    assert_int_equal(yz_store_write(s, insert_one_row, "C1"), YZ_ERR_ALREADY_EXISTS);
    yz_store_close(s);
}

/* Courts inserted with references to heap copies that are overwritten and
 * freed right after each insert: what was stored is what the buffers held
 * while stepping, and reusing the statement afterwards reads none of the
 * freed bytes (ASan would stop the test). A name of NULL is refused by the
 * NOT NULL column, as yz_bind_text's would be. */
static struct yz_sql_def q_court_blob = YZ_SQL(
    "INSERT INTO courts(local_id, code, name, level) VALUES (?, ?, ?, 'basic')");
static struct yz_sql_def q_court_names =
    YZ_SQL("SELECT local_id, code, name FROM courts WHERE local_id LIKE 'R%' ORDER BY local_id");

static enum yz_err insert_by_ref(struct yz_tx *tx, void *ctx)
{
    (void)ctx;
    for (int i = 0; i < 3; i++) {
        char *local = strdup("R0"), *code = strdup("CODE-0-extra"), *name = strdup("court 0");
        local[1] = code[5] = name[6] = (char)('0' + i);
        struct yz_stmt *st = yz_sql(tx, &q_court_blob);
        yz_bind_text_ref(st, 1, local);
        yz_bind_textn_ref(st, 2, code, 6); /* "CODE-i": n bytes, not the whole string */
        yz_bind_blob_ref(st, 3, name, strlen(name));
        enum yz_err e = yz_exec(st);
        memset(local, 'x', 2), memset(code, 'x', 6), memset(name, 'x', 7);
        free(local), free(code), free(name);
        if (e != YZ_OK)
            return e;
    }
    struct yz_stmt *st = yz_sql(tx, &q_court_blob);
    yz_bind_text_ref(st, 1, "R9");
    yz_bind_text_ref(st, 2, "CODE-9");
    yz_bind_text_ref(st, 3, NULL);
    return yz_exec(st) == YZ_ERR_CONFLICT ? YZ_OK : YZ_ERR_INTERNAL;
}

static enum yz_err check_by_ref(struct yz_tx *tx, void *ctx)
{
    (void)ctx;
    struct yz_stmt *st = yz_sql(tx, &q_court_names);
    bool row;
    enum yz_err e;
    int n = 0;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        char want[16];
        snprintf(want, sizeof want, "R%d", n);
        assert_string_equal(yz_col_text(st, 0), want);
        snprintf(want, sizeof want, "CODE-%d", n);
        assert_string_equal(yz_col_text(st, 1), want);
        size_t len;
        const void *blob = yz_col_blob(st, 2, &len);
        snprintf(want, sizeof want, "court %d", n);
        assert_int_equal(len, strlen(want));
        assert_memory_equal(blob, want, len);
        n++;
    }
    assert_int_equal(n, 3);
    return e;
}

static void bound_references_are_read_only_while_stepping(void **state)
{
    struct yz_store *s = open_store();
    assert_int_equal(yz_store_write(s, insert_by_ref, NULL), YZ_OK);
    assert_int_equal(yz_store_read(s, check_by_ref, NULL), YZ_OK);
    yz_store_close(s);
}

static enum yz_err read_and_stop_early(struct yz_tx *tx, void *ctx)
{
    /* Leaves the statement mid-result on purpose. */
    struct yz_stmt *st = yz_sql(tx, &q_count);
    bool row;
    return yz_step(st, &row);
}

static void unfinished_statements_do_not_pin_old_snapshots(void **state)
{
    struct yz_store_options o = {.path = path, .connections = 1};
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_store *s = NULL;
    assert_int_equal(yz_store_open(&o, &s, &err), YZ_OK);
    yz_buf_release(&err);
    assert_int_equal(yz_store_read(s, read_and_stop_early, NULL), YZ_OK);
    assert_int_equal(yz_store_write(s, insert_one, "B1"), YZ_OK);
    int64_t n = 0;
    assert_int_equal(yz_store_read(s, count, &n), YZ_OK);
    assert_int_equal(n, 1);
    yz_store_close(s);
}

/* The stored definition of index name (to free), NULL when there is none. */
static char *index_sql(const char *name)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char *sql = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        sql = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return sql;
}

static enum yz_err defer_tx(struct yz_tx *tx, void *ctx)
{
    return yz_tx_defer_indexes(tx, *(bool *)ctx);
}

static void deferred_indexes_are_dropped_built_and_healed(void **state)
{
    struct yz_store *s = open_store();
    char *migrated = index_sql("triage_party_keys_lookup");
    assert_non_null(migrated);
    bool defer = true;
    assert_int_equal(yz_store_write(s, defer_tx, &defer), YZ_OK);
    assert_null(index_sql("triage_party_keys_lookup"));
    /* Dropping twice is harmless (IF EXISTS). */
    assert_int_equal(yz_store_write(s, defer_tx, &defer), YZ_OK);
    defer = false;
    assert_int_equal(yz_store_write(s, defer_tx, &defer), YZ_OK);
    /* Built again as the migrations define it. */
    char *built = index_sql("triage_party_keys_lookup");
    assert_non_null(built);
    assert_string_equal(built, migrated);
    free(built);
    /* A load that dies after dropping them: the next open builds them. */
    defer = true;
    assert_int_equal(yz_store_write(s, defer_tx, &defer), YZ_OK);
    yz_store_close(s);
    assert_null(index_sql("triage_party_keys_lookup"));
    s = open_store();
    built = index_sql("triage_party_keys_lookup");
    assert_non_null(built);
    assert_string_equal(built, migrated);
    free(built);
    free(migrated);
    yz_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(migrates_and_records_version, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_a_newer_database, setup, teardown),
        cmocka_unit_test_setup_teardown(transactions_commit_or_roll_back, setup, teardown),
        cmocka_unit_test_setup_teardown(unfinished_statements_do_not_pin_old_snapshots, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(step_one_finds_the_row_or_not, setup, teardown),
        cmocka_unit_test_setup_teardown(bound_references_are_read_only_while_stepping, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(deferred_indexes_are_dropped_built_and_healed, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
