/*
 * Audit tampering (SECURITY.md T22): after real activity, the history is
 * tampered with directly in SQLite, as an attacker with the database file but
 * without the signing key would (the append-only triggers dropped first):
 * a field of one event edited, an event deleted, a forged event inserted
 * after the head or in place of a real one, two events swapped, the tail cut
 * off, an event's payload edited and the whole chain re-hashed after it (no
 * key is needed for BLAKE2b; events are not signed one by one). Each round
 * works on a fresh copy of the untouched database and must make `yizhan audit
 * verify` exit 1 naming the first bad event (for a cut tail: failing the
 * signed head; for a re-hashed chain: the next signed checkpoint, or the head
 * after the last one, with the span of events the change is in). The server
 * writes a checkpoint every 16 events so that both happen. The rounds are
 * random with a printed seed (YZT_SEED repeats a run).
 *
 * `make test` runs 25 rounds; tests/proof/proof_audit_tamper.c builds this
 * file with YZT_TAMPER_ROUNDS=200 for `make proof`. The figures are the last
 * lines printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit/events.h"
#include "lib/apitest.h"
#include "lib/demo.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef YZT_TAMPER_ROUNDS
#define YZT_TAMPER_ROUNDS 25
#endif

enum op {
    OP_EDIT,
    OP_DELETE,
    OP_INSERT_AFTER_HEAD,
    OP_REPLACE,
    OP_SWAP,
    OP_TRUNCATE,
    OP_REHASH,
    OP__COUNT
};
static const char *const OP_NAME[] = {"edit", "delete", "insert after head", "forged in place",
                                      "reorder", "truncate", "edit, re-hashed"};
#define CHECKPOINT_EVERY 16

static struct {
    int rounds, detected, named_right;
    int per_op[OP__COUNT], per_op_detected[OP__COUNT];
    unsigned seed;
} fig;

static char pristine[512], work_dir[512], work_db[600];

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", sql, msg ? msg : "?");
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
}

/* exec_sql, but a constraint failure is reported (false) rather than fatal. */
static bool try_sql(sqlite3 *db, const char *sql)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc == SQLITE_CONSTRAINT)
        return false;
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", sql, sqlite3_errmsg(db));
    assert_int_equal(rc, SQLITE_OK);
    return true;
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static unsigned next_rand(void)
{
    fig.seed = fig.seed * 1103515245u + 12345u;
    return (fig.seed >> 16) & 0x7fff;
}

static int64_t pick(int64_t lo, int64_t hi) /* inclusive */
{
    return lo + (int64_t)(next_rand() % (unsigned)(hi - lo + 1));
}

static const char *const COLUMNS[] = {"stream", "stream_seq", "type", "actor_id", "on_behalf_of",
                                      "channel", "at", "payload", "prev_hash", "hash", "sig"};
#define NCOLUMNS (sizeof COLUMNS / sizeof COLUMNS[0])

/* Recomputes prev_hash and hash of every event from `from` on (events.h), as
 * an attacker without the key can; the head and checkpoints stay as signed. */
static void rehash_chain(sqlite3 *db, int64_t from)
{
    sqlite3_stmt *sel, *upd;
    unsigned char prev[YZ_EVENT_HASH_BYTES] = {0}; /* before event 1 */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT hash FROM events WHERE id = ?", -1, &sel, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(sel, 1, from - 1);
    if (sqlite3_step(sel) == SQLITE_ROW)
        memcpy(prev, sqlite3_column_blob(sel, 0), sizeof prev);
    sqlite3_finalize(sel);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id, stream, stream_seq, type, coalesce(actor_id, 0),"
                                        " coalesce(on_behalf_of, 0), channel, at, payload"
                                        " FROM events WHERE id >= ? ORDER BY id",
                                        -1, &sel, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?",
                                        -1, &upd, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(sel, 1, from);
    exec_sql(db, "BEGIN");
    while (sqlite3_step(sel) == SQLITE_ROW) {
        struct yz_event_row r = {
            .id = sqlite3_column_int64(sel, 0),
            .stream = (const char *)sqlite3_column_text(sel, 1),
            .stream_len = (size_t)sqlite3_column_bytes(sel, 1),
            .stream_seq = sqlite3_column_int64(sel, 2),
            .type = (const char *)sqlite3_column_text(sel, 3),
            .type_len = (size_t)sqlite3_column_bytes(sel, 3),
            .actor_id = sqlite3_column_int64(sel, 4),
            .on_behalf_of = sqlite3_column_int64(sel, 5),
            .channel = (const char *)sqlite3_column_text(sel, 6),
            .channel_len = (size_t)sqlite3_column_bytes(sel, 6),
            .at = sqlite3_column_int64(sel, 7),
            .payload = (const char *)sqlite3_column_text(sel, 8),
            .payload_len = (size_t)sqlite3_column_bytes(sel, 8),
        };
        unsigned char hash[YZ_EVENT_HASH_BYTES];
        yz_event_hash(prev, &r, hash);
        sqlite3_reset(upd);
        sqlite3_bind_blob(upd, 1, prev, sizeof prev, SQLITE_TRANSIENT);
        sqlite3_bind_blob(upd, 2, hash, sizeof hash, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 3, r.id);
        assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
        memcpy(prev, hash, sizeof prev);
    }
    exec_sql(db, "COMMIT");
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
}

/* What verify must say about a chain re-hashed from event i: "event C:" where C
 * is the first checkpoint at or after i (the last event when there is none),
 * and the span "P+1..C" from the checkpoint before. */
static void rehash_expected(sqlite3 *db, int64_t i, int64_t last, char *name, size_t name_size,
                            char *span, size_t span_size)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT coalesce(min(event_id), %lld) FROM checkpoints"
             " WHERE event_id >= %lld", (long long)last, (long long)i);
    int64_t c = one_int(db, sql);
    snprintf(sql, sizeof sql, "SELECT coalesce(max(event_id), 0) FROM checkpoints"
             " WHERE event_id < %lld", (long long)i);
    int64_t p = one_int(db, sql);
    snprintf(name, name_size, "event %lld:", (long long)c);
    snprintf(span, span_size, "events %lld..%lld", (long long)p + 1, (long long)c);
}

/*
 * Applies op to the work copy; returns the id of the first event verify must
 * name, 0 when it must fail the signed head instead (a cut tail), -1 when
 * this tampering happened not to apply (a UNIQUE clash; the round is redrawn).
 * For OP_REHASH it returns i; the caller checks the checkpoint or head instead.
 */
static int64_t tamper(sqlite3 *db, enum op op, int64_t first, int64_t last, char *what,
                      size_t what_size)
{
    char sql[1024];
    int64_t i = pick(first, last - 1), j;
    switch (op) {
    case OP_EDIT: {
        const char *col = COLUMNS[next_rand() % NCOLUMNS];
        const char *how = "x";
        if (strcmp(col, "stream_seq") == 0 || strcmp(col, "at") == 0)
            how = "+1";
        else if (strcmp(col, "actor_id") == 0 || strcmp(col, "on_behalf_of") == 0)
            how = "int";
        else if (strstr(col, "hash") || strcmp(col, "sig") == 0)
            how = "blob";
        if (strcmp(how, "x") == 0)
            snprintf(sql, sizeof sql, "UPDATE events SET %s = %s || 'x' WHERE id = %lld", col, col,
                     (long long)i);
        else if (strcmp(how, "+1") == 0)
            snprintf(sql, sizeof sql, "UPDATE events SET %s = %s + 1 WHERE id = %lld", col, col,
                     (long long)i);
        else if (strcmp(how, "int") == 0)
            snprintf(sql, sizeof sql,
                     "UPDATE events SET %s = coalesce(%s, 0) + 1 WHERE id = %lld", col, col,
                     (long long)i);
        else /* a different random value of the same length */
            snprintf(sql, sizeof sql,
                     "UPDATE events SET %s = randomblob(length(%s)) WHERE id = %lld", col, col,
                     (long long)i);
        snprintf(what, what_size, "edit %s of event %lld", col, (long long)i);
        return try_sql(db, sql) ? i : -1;
    }
    case OP_DELETE:
        snprintf(sql, sizeof sql, "DELETE FROM events WHERE id = %lld", (long long)i);
        snprintf(what, what_size, "delete event %lld", (long long)i);
        exec_sql(db, sql);
        return i;
    case OP_INSERT_AFTER_HEAD:
        /* A copy of a real event, re-linked after the last one, payload changed. */
        snprintf(sql, sizeof sql,
                 "INSERT INTO events(id, stream, stream_seq, type, actor_id, on_behalf_of, channel,"
                 " at, payload, prev_hash, hash, sig) SELECT %lld, 'forged/' || id, 1, type,"
                 " actor_id, on_behalf_of, channel, at + 1, payload || ' ', (SELECT hash FROM"
                 " events WHERE id = %lld), hash, sig FROM events WHERE id = %lld",
                 (long long)last + 1, (long long)last, (long long)i);
        snprintf(what, what_size, "insert a forged event %lld after the head", (long long)last + 1);
        exec_sql(db, sql);
        return last + 1;
    case OP_REPLACE:
        /* Event i replaced by a forgery that keeps its links and stream position. */
        snprintf(sql, sizeof sql,
                 "CREATE TEMP TABLE f AS SELECT * FROM events WHERE id = %lld;"
                 "DELETE FROM events WHERE id = %lld;"
                 "INSERT INTO events SELECT id, stream, stream_seq, 'forged.' || type, actor_id,"
                 " on_behalf_of, channel, at, payload, prev_hash, hash, sig FROM f;"
                 "DROP TABLE f;",
                 (long long)i, (long long)i);
        snprintf(what, what_size, "replace event %lld by a forgery", (long long)i);
        exec_sql(db, sql);
        return i;
    case OP_SWAP:
        j = next_rand() % 2 ? i + 1 : pick(i + 1, last);
        snprintf(sql, sizeof sql,
                 "CREATE TEMP TABLE s AS SELECT * FROM events WHERE id IN (%lld, %lld);"
                 "DELETE FROM events WHERE id IN (%lld, %lld);"
                 "INSERT INTO events SELECT CASE id WHEN %lld THEN %lld ELSE %lld END, stream,"
                 " stream_seq, type, actor_id, on_behalf_of, channel, at, payload, prev_hash,"
                 " hash, sig FROM s;"
                 "DROP TABLE s;",
                 (long long)i, (long long)j, (long long)i, (long long)j, (long long)i,
                 (long long)j, (long long)i);
        snprintf(what, what_size, "swap events %lld and %lld", (long long)i, (long long)j);
        exec_sql(db, sql);
        return i;
    case OP_TRUNCATE: {
        bool head_too = next_rand() % 2;
        snprintf(sql, sizeof sql, "DELETE FROM events WHERE id > %lld;%s", (long long)i,
                 head_too ? "DELETE FROM chain_head;" : "");
        snprintf(what, what_size, "cut the events after %lld%s", (long long)i,
                 head_too ? " and the head" : "");
        exec_sql(db, sql);
        return 0;
    }
    case OP_REHASH:
        snprintf(sql, sizeof sql,
                 "UPDATE events SET payload = substr(payload, 1, length(payload) - 1) ||"
                 " ',\"z\":1}' WHERE id = %lld",
                 (long long)i);
        snprintf(what, what_size, "edit event %lld and re-hash the chain after it", (long long)i);
        exec_sql(db, sql);
        rehash_chain(db, i);
        return i;
    case OP__COUNT: break;
    }
    return -1;
}

static void verify_copy(char *out, size_t size, int *rc)
{
    const char *const args[] = {"audit", "verify", "--dir", work_dir, NULL};
    memset(out, 0, size);
    *rc = yzt_run_cli(args, out, size);
}

/* Real activity: logins, matters of two parties, answers, a denial. */
static void activity(struct yz_test_server *s)
{
    struct yzt_client a = {.srv = s}, b = {.srv = s}, clerk = {.srv = s};
    yzt_demo_login(&a, "13800000001");
    yzt_demo_login(&b, "13800000002");
    yzt_demo_login(&clerk, "filing_clerk");
    int64_t court = yzt_court_id(&a, "渝0103");
    struct yzt_response r = {0};
    for (int k = 0; k < 6; k++) {
        struct yzt_client *who = k % 2 ? &b : &a;
        yzt_post_new(who, "/api/v1/matters",
                     json_pack("{ss sI ss s{ss ss ss}}", "kind", "inquiry", "court_id",
                               (json_int_t)court, "title", "审计篡改测试咨询", "fields", "question",
                               "诉讼时效是多久？", "topic", "procedure", "channel", "web"),
                     &r);
        yzt_assert_status(&r, 201);
        char path[96];
        int64_t id = yzt_json_int(&r, "id");
        snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
        yzt_post_new(&clerk, path,
                     json_pack("{ss s{ss ss}}", "event", "answer", "fields", "answer", "三年。",
                               "method", "online"),
                     &r);
        yzt_assert_status(&r, 200);
        snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
        yzt_request(k % 2 ? &a : &b, "GET", path, NULL, NULL, &r); /* a denial, recorded */
        yzt_assert_status(&r, 404);
    }
    yzt_response_free(&r);
}

static void random_tampering_is_detected(void **state)
{
    struct yz_test_server *s = *state;
    activity(s);
    yzt_server_kill(s);

    /* The untouched database, checkpointed into one file; the keys beside it. */
    snprintf(pristine, sizeof pristine, "%s/pristine.db", s->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(s->db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    char sql[700];
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", pristine);
    exec_sql(db, sql);
    sqlite3_close(db);
    snprintf(work_dir, sizeof work_dir, "%s/work", s->dir);
    assert_int_equal(mkdir(work_dir, 0700), 0);
    char keys_from[600], keys_to[600];
    snprintf(keys_from, sizeof keys_from, "%s/keys", s->dir);
    snprintf(keys_to, sizeof keys_to, "%s/keys", work_dir);
    assert_int_equal(symlink(keys_from, keys_to), 0);
    snprintf(work_db, sizeof work_db, "%s/yizhan.db", work_dir);

    char out[4096];
    int rc;
    copy_file(pristine, work_db);
    verify_copy(out, sizeof out, &rc);
    if (rc != 0)
        print_error("the untouched copy does not verify: %s\n", out);
    assert_int_equal(rc, 0);

    const char *env = getenv("YZT_SEED");
    fig.seed = env ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL);
    unsigned seed0 = fig.seed;
    print_message("audit tamper: seed %u (YZT_SEED=%u repeats this run)\n", seed0, seed0);

    while (fig.rounds < YZT_TAMPER_ROUNDS) {
        copy_file(pristine, work_db);
        assert_int_equal(sqlite3_open_v2(work_db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
        exec_sql(db, "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;");
        int64_t first = one_int(db, "SELECT min(id) FROM events");
        int64_t last = one_int(db, "SELECT max(id) FROM events");
        assert_true(last - first > 20);
        assert_true(one_int(db, "SELECT count(*) FROM checkpoints") >= 2);
        enum op op = (enum op)(fig.rounds % OP__COUNT);
        char what[160], name[48], span[64] = "";
        int64_t want = tamper(db, op, first, last, what, sizeof what);
        if (op == OP_REHASH && want > 0)
            rehash_expected(db, want, last, name, sizeof name, span, sizeof span);
        else
            snprintf(name, sizeof name, "event %lld:", (long long)want);
        sqlite3_close(db);
        if (want < 0)
            continue;
        fig.rounds++;
        fig.per_op[op]++;
        verify_copy(out, sizeof out, &rc);
        bool named = want > 0 ? strncmp(out, name, strlen(name)) == 0 && strstr(out, span)
                              : strstr(out, "head") != NULL || strstr(out, "removed") != NULL;
        if (rc == 1) {
            fig.detected++;
            fig.per_op_detected[op]++;
        }
        if (rc == 1 && named)
            fig.named_right++;
        else
            print_error("round %d (%s): verify exit %d, expected %s: %s\n", fig.rounds, what, rc,
                        want > 0 ? name : "the head", out);
    }
    assert_int_equal(fig.detected, fig.rounds);
    assert_int_equal(fig.named_right, fig.rounds);
}

static struct yz_test_server server;

/* The demo server, with a checkpoint every CHECKPOINT_EVERY events. */
static int setup(void **state)
{
    static const char *const set[] = {"audit.checkpoint_every=16", NULL};
    _Static_assert(CHECKPOINT_EVERY == 16, "the --set above");
    yzt_server_start(&server, true, set);
    *state = &server;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(random_tampering_is_detected, setup, yzt_teardown_server),
    };
    int rc = cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
    printf("audit tamper: %d rounds, %d detected (exit 1), %d naming the first bad event\n",
           fig.rounds, fig.detected, fig.named_right);
    for (int op = 0; op < OP__COUNT; op++)
        printf("audit tamper: %-18s %3d rounds, %3d detected\n", OP_NAME[op], fig.per_op[op],
               fig.per_op_detected[op]);
    return rc;
}
