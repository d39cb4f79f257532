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

#include "store/migrations.h"
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

/* The first column of the first row of sql (to free), NULL without a row;
 * arg (may be NULL) is bound to its one parameter. */
static char *raw_text_arg(const char *sql, const char *arg)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char *v = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static char *raw_text(const char *sql)
{
    return raw_text_arg(sql, NULL);
}

/* The stored definition of index name (to free), NULL when there is none. */
static char *index_sql(const char *name)
{
    return raw_text_arg("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", name);
}

static enum yz_err defer_tx(struct yz_tx *tx, void *ctx)
{
    return yz_tx_defer_indexes(tx, *(bool *)ctx);
}

/* Every deferred index of migrations.h: dropped, built again with exactly the
 * definition the migrations left, and built on opening a store a load left
 * without it. */
static void deferred_indexes_are_dropped_built_and_healed(void **state)
{
    size_t n;
    const struct yz_deferred_index *d = yz_deferred_indexes_sqlite(&n);
    assert_true(n >= 3);
    char *migrated[16];
    assert_true(n <= sizeof migrated / sizeof migrated[0]);
    struct yz_store *s = open_store();
    for (size_t i = 0; i < n; i++) {
        migrated[i] = index_sql(d[i].name);
        if (!migrated[i])
            fail_msg("deferred index %s: no such index after the migrations", d[i].name);
        /* The create statement is the migration's, with IF NOT EXISTS. */
        char want[1024];
        snprintf(want, sizeof want, "CREATE INDEX IF NOT EXISTS %s", migrated[i] + strlen("CREATE INDEX "));
        assert_string_equal(d[i].create, want);
    }
    bool defer = true;
    assert_int_equal(yz_store_write(s, defer_tx, &defer), YZ_OK);
    for (size_t i = 0; i < n; i++)
        assert_null(index_sql(d[i].name));
    /* Dropping twice is harmless (IF EXISTS). */
    assert_int_equal(yz_store_write(s, defer_tx, &defer), YZ_OK);
    defer = false;
    assert_int_equal(yz_store_write(s, defer_tx, &defer), YZ_OK);
    /* Built again as the migrations define them. */
    for (size_t i = 0; i < n; i++) {
        char *built = index_sql(d[i].name);
        assert_non_null(built);
        assert_string_equal(built, migrated[i]);
        free(built);
    }
    /* A load that dies after dropping them: the next open builds them. */
    defer = true;
    assert_int_equal(yz_store_write(s, defer_tx, &defer), YZ_OK);
    yz_store_close(s);
    for (size_t i = 0; i < n; i++)
        assert_null(index_sql(d[i].name));
    s = open_store();
    for (size_t i = 0; i < n; i++) {
        char *built = index_sql(d[i].name);
        assert_non_null(built);
        assert_string_equal(built, migrated[i]);
        free(built);
        free(migrated[i]);
    }
    yz_store_close(s);
}

/* Runs sql on the database file with a plain connection (no store). */
static void raw_exec(const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* The query plan of sql names want (e.g. the index it searches). */
static void plan_uses(const char *sql, const char *want)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char q[512], plan[1024] = "";
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", q, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t len = strlen(plan);
        snprintf(plan + len, sizeof plan - len, "%s; ", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (!strstr(plan, want))
        fail_msg("%s: plan \"%s\" does not say \"%s\"", sql, plan, want);
}

#define PARTY_KEYS                                                                                 \
    "SELECT group_concat(matter_id || '/' || court_id || '/' || role || '/' || key_hash, ' ')"     \
    " FROM (SELECT * FROM triage_party_keys ORDER BY matter_id, role, key_hash)"
#define PARTICIPANTS                                                                               \
    "SELECT group_concat(matter_id || '/' || user_id || '/' || capacity, ' ')"                     \
    " FROM (SELECT * FROM matter_participants ORDER BY matter_id, user_id)"
#define TABLE_SQL(t) "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = '" t "'"

/* Migration 21 rebuilds triage_party_keys and matter_participants without
 * rowid: a database with the old rowid tables (as migrations 1, 12 and 19 left
 * them) and rows in them keeps every row, gets the tables as a new one has
 * them, with their indexes, and no leftover. */
static void without_rowid_migration_keeps_rows_and_indexes(void **state)
{
    struct yz_store *s = open_store();
    yz_store_close(s);
    char *keys_table = raw_text(TABLE_SQL("triage_party_keys"));
    char *parts_table = raw_text(TABLE_SQL("matter_participants"));
    assert_non_null(strstr(keys_table, "WITHOUT ROWID"));
    assert_non_null(strstr(parts_table, "WITHOUT ROWID"));
    char *lookup = index_sql("triage_party_keys_lookup");
    char *by_user = index_sql("participants_user");
    assert_non_null(lookup);
    assert_non_null(by_user);

    /* Back to schema version 20, with rows. */
    raw_exec("DROP TABLE triage_party_keys; DROP TABLE matter_participants;"
             "CREATE TABLE matter_participants ("
             " matter_id INTEGER NOT NULL REFERENCES matters(id),"
             " user_id INTEGER NOT NULL REFERENCES users(id),"
             " capacity TEXT NOT NULL,"
             " PRIMARY KEY (matter_id, user_id));"
             "CREATE INDEX participants_user ON matter_participants(user_id);"
             "CREATE TABLE triage_party_keys ("
             " matter_id INTEGER NOT NULL REFERENCES matters(id),"
             " court_id INTEGER NOT NULL REFERENCES courts(id),"
             " role TEXT NOT NULL CHECK (role IN ('plaintiff','defendant')),"
             " key_hash TEXT NOT NULL,"
             " PRIMARY KEY (matter_id, role, key_hash));"
             "CREATE INDEX triage_party_keys_lookup ON triage_party_keys(court_id, key_hash, role,"
             " matter_id);"
             "INSERT INTO courts(id, local_id, name, level) VALUES (1, 'c1', 'C1', 'basic'),"
             " (2, 'c2', 'C2', 'basic');"
             "INSERT INTO users(id, role, username, name, person_kind, password_hash, created_at)"
             " VALUES (5, 'party', 'p5', 'P5', 'natural', 'x', 0),"
             " (6, 'lawyer', 'p6', 'P6', 'natural', 'x', 0);"
             "INSERT INTO matters(id, kind, state, court_id, title, channel, created_by, created_at,"
             " updated_at, version) VALUES (10, 'filing', 'registered', 1, 't', 'online', 5, 0, 0, 1),"
             " (11, 'filing', 'registered', 2, 't', 'online', 6, 0, 0, 1);"
             "INSERT INTO matter_participants VALUES (11, 6, 'agent'), (10, 5, 'plaintiff'),"
             " (11, 5, 'plaintiff'), (10, 6, 'agent');"
             "INSERT INTO triage_party_keys(matter_id, court_id, role, key_hash) VALUES"
             " (11, 2, 'defendant', 'bb'), (10, 1, 'plaintiff', 'aa'), (10, 1, 'defendant', 'bb'),"
             " (11, 2, 'plaintiff', 'aa');"
             "DELETE FROM schema_migrations WHERE version = 21;");
    char *keys_before = raw_text(PARTY_KEYS);
    char *parts_before = raw_text(PARTICIPANTS);
    assert_string_equal(keys_before, "10/1/defendant/bb 10/1/plaintiff/aa 11/2/defendant/bb 11/2/plaintiff/aa");
    assert_string_equal(parts_before, "10/5/plaintiff 10/6/agent 11/5/plaintiff 11/6/agent");
    char *t = raw_text(TABLE_SQL("triage_party_keys"));
    assert_null(strstr(t, "WITHOUT ROWID"));
    free(t);

    s = open_store();
    yz_store_close(s);
    char *v = raw_text("SELECT max(version) FROM schema_migrations");
    assert_string_equal(v, "21");
    free(v);
    char *keys_after = raw_text(PARTY_KEYS);
    char *parts_after = raw_text(PARTICIPANTS);
    assert_string_equal(keys_after, keys_before);
    assert_string_equal(parts_after, parts_before);
    /* The tables and indexes as a new database has them; nothing left over. */
    t = raw_text(TABLE_SQL("triage_party_keys"));
    assert_string_equal(t, keys_table);
    free(t);
    t = raw_text(TABLE_SQL("matter_participants"));
    assert_string_equal(t, parts_table);
    free(t);
    char *ix = index_sql("triage_party_keys_lookup");
    assert_string_equal(ix, lookup);
    free(ix);
    ix = index_sql("participants_user");
    assert_string_equal(ix, by_user);
    free(ix);
    t = raw_text("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_old'");
    assert_string_equal(t, "0");
    free(t);
    t = raw_text("SELECT group_concat(integrity_check) FROM pragma_integrity_check");
    assert_string_equal(t, "ok");
    free(t);
    t = raw_text("SELECT group_concat(\"table\") FROM pragma_foreign_key_check");
    assert_null(t);
    /* The lookups read the key or an index, never the whole table. */
    plan_uses("SELECT count(*) FROM triage_party_keys WHERE court_id = 1 AND key_hash = 'aa'"
              " AND role = 'plaintiff' AND matter_id < 11",
              "USING COVERING INDEX triage_party_keys_lookup");
    plan_uses("SELECT 1 FROM triage_party_keys WHERE matter_id = 10 AND role = 'defendant'",
              "USING PRIMARY KEY");
    plan_uses("SELECT matter_id, capacity FROM matter_participants WHERE user_id = 5",
              "USING INDEX participants_user");
    plan_uses("SELECT capacity FROM matter_participants WHERE matter_id = 10 AND user_id = 5",
              "USING PRIMARY KEY");
    free(keys_before);
    free(parts_before);
    free(keys_after);
    free(parts_after);
    free(keys_table);
    free(parts_table);
    free(lookup);
    free(by_user);
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
        cmocka_unit_test_setup_teardown(without_rowid_migration_keeps_rows_and_indexes, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
