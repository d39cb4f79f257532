/*
 * Unit tests for src/audit/verify.c and the `yizhan audit` command.
 *
 * Each test builds a fresh data directory with 20 events over four streams
 * (checkpoints every 4 events: at 4, 8, 12, 16, 20), then tampers with the
 * database file through a separate raw sqlite3 connection, as an attacker
 * with file access would: first dropping the append-only triggers, then
 * editing, deleting, swapping, inserting, re-hashing without the key and
 * re-signing with it. Events are not signed one by one (events.h): a change
 * re-hashed without the key is caught where the chain breaks, at the next
 * signed checkpoint, or at the signed head. The re-hashing code below is written from the format
 * description in events.h, not with events.c, so it also checks that the
 * published description is enough to re-implement the chain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/events.h"
#include "audit/verify.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "core/log.h"
#include "crypto/keys.h"
#include "store/store.h"

#define N_EVENTS 20
#define EVERY 4

struct fx {
    char dir[64];
    char db[128];
    struct yz_keys *keys;
    struct yz_store *store;
    const unsigned char *pub;
};

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[PATH_MAX];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

struct app {
    struct fx *f;
    struct yz_event ev;
};

static enum yz_err app_fn(struct yz_tx *tx, void *ctx)
{
    struct app *a = ctx;
    return yz_event_append(tx, a->f->keys, &a->ev, EVERY, NULL, NULL);
}

static void append_n(struct fx *f, int from, int to)
{
    static const char *const streams[] = {"matter/1", "matter/2", "user/3", "security"};
    for (int i = from; i <= to; i++) {
        char payload[96];
        snprintf(payload, sizeof payload, "{\"fee_fen\":%d,\"note\":\"第%d次\"}", i * 100, i);
        struct app a = {.f = f,
                        .ev = {.stream = streams[i % 4],
                               .type = "test.step",
                               .actor_id = i % 3,
                               .channel = "hall",
                               .at = 1767225600000LL + i,
                               .payload = payload}};
        assert_int_equal(yz_store_write(f->store, app_fn, &a), YZ_OK);
    }
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct yz_buf err = YZ_BUF_INIT(1024);
    snprintf(f->dir, sizeof f->dir, "/tmp/yz-verify-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/yizhan.db", f->dir);
    assert_int_equal(yz_keys_create(f->dir, &err), YZ_OK);
    assert_int_equal(yz_keys_load(f->dir, &f->keys, &err), YZ_OK);
    f->pub = yz_keys_audit_pub(f->keys);
    struct yz_store_options opt = {
        .path = f->db, .busy_timeout_ms = 2000, .max_rows = 50, .connections = 1};
    assert_int_equal(yz_store_open(&opt, &f->store, &err), YZ_OK);
    yz_buf_release(&err);
    append_n(f, 1, N_EVENTS);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    yz_store_close(f->store);
    yz_keys_free(f->keys);
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* ---- the attacker's tools: a raw connection ---- */

static sqlite3 *raw_open(struct fx *f)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TRIGGER IF EXISTS events_no_update;"
                                  "DROP TRIGGER IF EXISTS events_no_delete;"
                                  "DROP TRIGGER IF EXISTS checkpoints_no_update;"
                                  "DROP TRIGGER IF EXISTS checkpoints_no_delete;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

static void raw_exec(struct fx *f, const char *sql)
{
    sqlite3 *db = raw_open(f);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* The format of events.h, re-implemented from its description. */
static void be64(unsigned char *p, int64_t v)
{
    for (int i = 7; i >= 0; i--, v = (int64_t)((uint64_t)v >> 8))
        p[i] = (unsigned char)(v & 0xff);
}

static void h_str(crypto_generichash_state *h, const void *s, size_t n)
{
    unsigned char len[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                            (unsigned char)(n >> 8), (unsigned char)n};
    crypto_generichash_update(h, len, 4);
    crypto_generichash_update(h, s, n);
}

static void h_i64(crypto_generichash_state *h, int64_t v)
{
    unsigned char b[8];
    be64(b, v);
    crypto_generichash_update(h, b, 8);
}

/* Message "STR(tag) || rest" signed with sk. */
static void sign_tagged(const unsigned char *sk, const char *tag, const unsigned char *rest,
                        size_t n, unsigned char sig[64])
{
    unsigned char msg[256];
    size_t t = strlen(tag);
    msg[0] = 0, msg[1] = 0, msg[2] = 0, msg[3] = (unsigned char)t;
    memcpy(msg + 4, tag, t);
    memcpy(msg + 4 + t, rest, n);
    crypto_sign_detached(sig, NULL, msg, 4 + t + n, sk);
}

static void read_secret_key(struct fx *f, unsigned char sk[64])
{
    char path[256];
    snprintf(path, sizeof path, "%s/keys/audit_ed25519.key", f->dir);
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    assert_int_equal(fread(sk, 1, 64, in), 64);
    fclose(in);
}

/*
 * Recomputes prev_hash and hash of every event from `from` on, and the head's
 * hash. Without sk the signatures stay as they were (an attacker without the
 * key); with sk, events, checkpoints and the head are re-signed too.
 * Returns how many stored hashes already matched the re-implementation.
 */
static int rehash_range(struct fx *f, int64_t from, int64_t to, const unsigned char *sk);
static int rehash_from(struct fx *f, int64_t from, const unsigned char *sk)
{
    return rehash_range(f, from, 0, sk);
}

/* rehash_from, but only events from..to (to = 0: to the end, and the head too). */
static int rehash_range(struct fx *f, int64_t from, int64_t to, const unsigned char *sk)
{
    sqlite3 *db = raw_open(f);
    sqlite3_stmt *sel, *upd, *ck, *head;
    unsigned char prev[32] = {0};
    int matched = 0;
    int64_t last = 0;

    if (from > 1) {
        assert_int_equal(
            sqlite3_prepare_v2(db, "SELECT hash FROM events WHERE id = ?", -1, &sel, NULL),
            SQLITE_OK);
        sqlite3_bind_int64(sel, 1, from - 1);
        assert_int_equal(sqlite3_step(sel), SQLITE_ROW);
        memcpy(prev, sqlite3_column_blob(sel, 0), 32);
        sqlite3_finalize(sel);
    }
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT id, stream, stream_seq, type, coalesce(actor_id, 0),"
                           " coalesce(on_behalf_of, 0), channel, at, payload, hash"
                           " FROM events WHERE id >= ? AND (? = 0 OR id <= ?) ORDER BY id",
                           -1, &sel, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(sel, 1, from);
    sqlite3_bind_int64(sel, 2, to);
    sqlite3_bind_int64(sel, 3, to);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE events SET prev_hash = ?, hash = ?,"
                                        " sig = coalesce(?, sig) WHERE id = ?",
                                        -1, &upd, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE checkpoints SET hash = ?, signature = ?"
                                        " WHERE event_id = ? AND ? IS NOT NULL",
                                        -1, &ck, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE chain_head SET event_id = ?, hash = ?,"
                                        " signature = coalesce(?, signature)",
                                        -1, &head, NULL),
                     SQLITE_OK);
    /* Collect first: updating the table being scanned is not well-defined. */
    struct {
        int64_t id;
        unsigned char prev[32], hash[32];
    } rows[64];
    int n = 0;
    while (sqlite3_step(sel) == SQLITE_ROW) {
        assert_true(n < 64);
        crypto_generichash_state h;
        crypto_generichash_init(&h, NULL, 0, 32);
        crypto_generichash_update(&h, prev, 32);
        h_str(&h, "yizhan-event/1", 14);
        h_i64(&h, sqlite3_column_int64(sel, 0));
        h_str(&h, sqlite3_column_text(sel, 1), (size_t)sqlite3_column_bytes(sel, 1));
        h_i64(&h, sqlite3_column_int64(sel, 2));
        h_str(&h, sqlite3_column_text(sel, 3), (size_t)sqlite3_column_bytes(sel, 3));
        h_i64(&h, sqlite3_column_int64(sel, 4));
        h_i64(&h, sqlite3_column_int64(sel, 5));
        h_str(&h, sqlite3_column_text(sel, 6), (size_t)sqlite3_column_bytes(sel, 6));
        h_i64(&h, sqlite3_column_int64(sel, 7));
        h_str(&h, sqlite3_column_text(sel, 8), (size_t)sqlite3_column_bytes(sel, 8));
        rows[n].id = sqlite3_column_int64(sel, 0);
        memcpy(rows[n].prev, prev, 32);
        crypto_generichash_final(&h, rows[n].hash, 32);
        if (memcmp(rows[n].hash, sqlite3_column_blob(sel, 9), 32) == 0)
            matched++;
        memcpy(prev, rows[n].hash, 32);
        n++;
    }
    sqlite3_finalize(sel);
    for (int i = 0; i < n; i++) {
        unsigned char sig[64], rest[32 + 8 + 32 + 8 + 32];
        sqlite3_reset(upd);
        sqlite3_bind_blob(upd, 1, rows[i].prev, 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(upd, 2, rows[i].hash, 32, SQLITE_TRANSIENT);
        if (sk) {
            sign_tagged(sk, "yizhan-event-sig/1", rows[i].hash, 32, sig);
            sqlite3_bind_blob(upd, 3, sig, 64, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_null(upd, 3);
        }
        sqlite3_bind_int64(upd, 4, rows[i].id);
        assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
        if (sk && rows[i].id % EVERY == 0) {
            /* Checkpoint: STR(tag) || I64(id) || hash || I64(at) || pub; keep its at. */
            sqlite3_stmt *at;
            assert_int_equal(sqlite3_prepare_v2(db, "SELECT at FROM checkpoints WHERE event_id = ?",
                                                -1, &at, NULL),
                             SQLITE_OK);
            sqlite3_bind_int64(at, 1, rows[i].id);
            int64_t ck_at = sqlite3_step(at) == SQLITE_ROW ? sqlite3_column_int64(at, 0) : 0;
            sqlite3_finalize(at);
            be64(rest, rows[i].id);
            memcpy(rest + 8, rows[i].hash, 32);
            be64(rest + 40, ck_at);
            memcpy(rest + 48, f->pub, 32);
            sign_tagged(sk, "yizhan-checkpoint/1", rest, 80, sig);
            sqlite3_reset(ck);
            sqlite3_bind_blob(ck, 1, rows[i].hash, 32, SQLITE_TRANSIENT);
            sqlite3_bind_blob(ck, 2, sig, 64, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ck, 3, rows[i].id);
            sqlite3_bind_int(ck, 4, 1);
            assert_int_equal(sqlite3_step(ck), SQLITE_DONE);
        }
        last = rows[i].id;
    }
    if (n && to == 0) {
        unsigned char sig[64], rest[40];
        sqlite3_bind_int64(head, 1, last);
        sqlite3_bind_blob(head, 2, rows[n - 1].hash, 32, SQLITE_TRANSIENT);
        if (sk) {
            be64(rest, last);
            memcpy(rest + 8, rows[n - 1].hash, 32);
            sign_tagged(sk, "yizhan-head/1", rest, 40, sig);
            sqlite3_bind_blob(head, 3, sig, 64, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_null(head, 3);
        }
        assert_int_equal(sqlite3_step(head), SQLITE_DONE);
    }
    sqlite3_finalize(upd);
    sqlite3_finalize(ck);
    sqlite3_finalize(head);
    sqlite3_close(db);
    return matched;
}

static int64_t raw_int(struct fx *f, const char *sql)
{
    sqlite3 *db = raw_open(f);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* ---- verification helpers ---- */

static void expect_ok(struct fx *f, int64_t events, int64_t checkpoints)
{
    struct yz_audit_report r;
    enum yz_err rc = yz_audit_verify(f->store, f->pub, &r);
    if (rc != YZ_OK)
        fail_msg("verify: %s event %lld: %s", yz_audit_problem_name(r.problem),
                 (long long)r.event_id, r.detail);
    assert_int_equal(r.events_checked, events);
    assert_int_equal(r.checkpoints_checked, checkpoints);
}

static void expect_problem(struct fx *f, enum yz_audit_problem p, int64_t event_id,
                           const char *detail_has)
{
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, f->pub, &r), YZ_ERR_VERIFY_FAILED);
    if (r.problem != p || r.event_id != event_id || (detail_has && !strstr(r.detail, detail_has)))
        fail_msg("want %s at %lld (\"%s\"), got %s at %lld: %s", yz_audit_problem_name(p),
                 (long long)event_id, detail_has ? detail_has : "",
                 yz_audit_problem_name(r.problem), (long long)r.event_id, r.detail);
}

static json_t *export_doc(struct fx *f, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_export_checkpoints(f->store, f->pub, out, &r), YZ_OK);
    fclose(out);
    json_t *doc = NULL;
    struct yz_buf err = YZ_BUF_INIT(512);
    assert_int_equal(yz_audit_document_load(path, &doc, &err), YZ_OK);
    yz_buf_release(&err);
    return doc;
}

/* ---- tests ---- */

static void clean_history_verifies(void **state)
{
    struct fx *f = *state;
    expect_ok(f, N_EVENTS, N_EVENTS / EVERY);
    /* The description in events.h reproduces every stored hash. */
    assert_int_equal(rehash_from(f, 1, NULL), N_EVENTS);
    expect_ok(f, N_EVENTS, N_EVENTS / EVERY);
    /* Events are not signed one by one: the signed head and checkpoints cover them. */
    assert_int_equal(raw_int(f, "SELECT count(*) FROM events WHERE typeof(sig) = 'blob'"
                                " AND length(sig) = 0"),
                     N_EVENTS);
}

/* A history written before events stopped being signed one by one: every row
 * signed (the old writer, re-implemented here from events.h) still verifies,
 * its signatures are still checked, and new unsigned events chain on. */
static void events_signed_one_by_one_still_verify(void **state)
{
    struct fx *f = *state;
    unsigned char sk[64];
    read_secret_key(f, sk);
    assert_int_equal(rehash_from(f, 1, sk), N_EVENTS); /* same hashes, now each signed */
    assert_int_equal(raw_int(f, "SELECT count(*) FROM events WHERE length(sig) = 64"), N_EVENTS);
    expect_ok(f, N_EVENTS, N_EVENTS / EVERY);
    append_n(f, N_EVENTS + 1, N_EVENTS + 6); /* written now: unsigned, checkpoint at 24 */
    expect_ok(f, N_EVENTS + 6, (N_EVENTS + 6) / EVERY);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM events WHERE length(sig) = 0"), 6);

    /* An old row re-hashed without the key fails its own signature, right there. */
    raw_exec(f, "CREATE TABLE saved AS SELECT * FROM events");
    raw_exec(f, "UPDATE events SET payload = '{\"fee_fen\":1,\"note\":\"第7次\"}' WHERE id = 7");
    assert_int_equal(rehash_from(f, 7, NULL), 0);
    expect_problem(f, YZ_AUDIT_CHANGED, 7, "does not match its signature");
    raw_exec(f, "DELETE FROM events; INSERT INTO events SELECT * FROM saved; DROP TABLE saved");
    rehash_from(f, 1, NULL); /* the head's hash back as it was (its signature was kept) */
    expect_ok(f, N_EVENTS + 6, (N_EVENTS + 6) / EVERY);

    /* A signature replaced, or cut to another length. */
    raw_exec(f, "UPDATE events SET sig = zeroblob(64) WHERE id = 6");
    expect_problem(f, YZ_AUDIT_CHANGED, 6, "signature");
    raw_exec(f, "UPDATE events SET sig = substr(sig, 1, 10) WHERE id = 3");
    expect_problem(f, YZ_AUDIT_CHANGED, 3, "signature field is damaged");
}

static void signature_field_damaged(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "UPDATE events SET sig = x'00' WHERE id = 4");
    expect_problem(f, YZ_AUDIT_CHANGED, 4, "signature field is damaged");
    raw_exec(f, "UPDATE events SET sig = x'' WHERE id = 4");
    expect_ok(f, N_EVENTS, N_EVENTS / EVERY);
    /* NULL, in a table rebuilt without its NOT NULL. */
    raw_exec(f, "CREATE TABLE events2 AS SELECT * FROM events; DROP TABLE events;"
                "ALTER TABLE events2 RENAME TO events;"
                "UPDATE events SET sig = NULL WHERE id = 2");
    expect_problem(f, YZ_AUDIT_CHANGED, 2, "signature field is damaged");
}

/* Several events in one write transaction (as a commit group appends them):
 * the head is signed once, at the commit, over the last of them. */
struct batch {
    struct fx *f;
    int n;
};
static enum yz_err batch_fn(struct yz_tx *tx, void *ctx)
{
    struct batch *b = ctx;
    for (int i = 0; i < b->n; i++) {
        struct yz_event ev = {.stream = "matter/9", .type = "test.batch", .channel = "web",
                              .at = 1767225700000LL + i, .payload = "{\"n\":1}"};
        enum yz_err e = yz_event_append(tx, b->f->keys, &ev, EVERY, NULL, NULL);
        if (e != YZ_OK)
            return e;
    }
    return YZ_OK;
}

static void events_appended_in_one_transaction_verify(void **state)
{
    struct fx *f = *state;
    struct batch b = {f, 7};
    assert_int_equal(yz_store_write(f->store, batch_fn, &b), YZ_OK);
    expect_ok(f, N_EVENTS + 7, (N_EVENTS + 7) / EVERY);
    /* And appending goes on from there. */
    append_n(f, N_EVENTS + 8, N_EVENTS + 8);
    expect_ok(f, N_EVENTS + 8, (N_EVENTS + 8) / EVERY);
}

static void empty_history_verifies(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "DELETE FROM events; DELETE FROM checkpoints; DELETE FROM chain_head;");
    expect_ok(f, 0, 0);
}

static void changed_payload(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "UPDATE events SET payload = '{\"fee_fen\":1,\"note\":\"第7次\"}' WHERE id = 7");
    expect_problem(f, YZ_AUDIT_CHANGED, 7, "does not match its hash");
}

static void changed_actor_and_channel(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "UPDATE events SET actor_id = 99 WHERE id = 11");
    expect_problem(f, YZ_AUDIT_CHANGED, 11, "hash");
    raw_exec(f, "UPDATE events SET actor_id = NULL WHERE id = 3"); /* was 0: same meaning */
    raw_exec(f, "UPDATE events SET channel = 'web' WHERE id = 5");
    expect_problem(f, YZ_AUDIT_CHANGED, 5, "hash");
}

static void hidden_bytes_after_nul_are_a_change(void **state)
{
    struct fx *f = *state;
    /* A C-string reader would see the old payload; the stored value differs. */
    raw_exec(f, "UPDATE events SET payload = payload || char(0) || 'x' WHERE id = 9");
    expect_problem(f, YZ_AUDIT_CHANGED, 9, "hash");
}

static void non_integer_seq_is_a_change(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "UPDATE events SET stream_seq = stream_seq + 0.5 WHERE id = 6");
    expect_problem(f, YZ_AUDIT_CHANGED, 6, "integer");
}

static void removed_middle_row(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "DELETE FROM events WHERE id = 7");
    expect_problem(f, YZ_AUDIT_REMOVED, 7, "ids jump from 6 to 8");
}

static void removed_first_row(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "DELETE FROM events WHERE id = 1");
    expect_problem(f, YZ_AUDIT_REMOVED, 1, "starts at event 2");
}

static void removed_newest_row(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "DELETE FROM events WHERE id = 19"); /* 20 holds a checkpoint; 19 does not */
    expect_problem(f, YZ_AUDIT_REMOVED, 19, NULL);
    raw_exec(f, "DELETE FROM events WHERE id = 20");
    expect_problem(f, YZ_AUDIT_HEAD, 19, "newest events were removed");
}

static void removed_newest_row_without_checkpoint(void **state)
{
    struct fx *f = *state;
    append_n(f, N_EVENTS + 1, N_EVENTS + 1); /* 21: no checkpoint */
    expect_ok(f, 21, 5);
    raw_exec(f, "DELETE FROM events WHERE id = 21");
    expect_problem(f, YZ_AUDIT_HEAD, 21, "names event 21 but the history ends at event 20");
}

static void swapped_payloads_reported_at_first(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "UPDATE events SET payload = CASE id WHEN 5 THEN"
                " (SELECT payload FROM events WHERE id = 12) ELSE"
                " (SELECT payload FROM events WHERE id = 5) END WHERE id IN (5, 12)");
    expect_problem(f, YZ_AUDIT_CHANGED, 5, NULL);
}

static void swapped_rows_are_reordered(void **state)
{
    struct fx *f = *state;
    /* Move whole rows 5 and 6 (every column but id) into each other's place. */
    raw_exec(f, "CREATE TEMP TABLE t AS SELECT * FROM events WHERE id IN (5, 6);"
                "UPDATE events SET stream_seq = -id WHERE id IN (5, 6);"
                "UPDATE events SET (stream, stream_seq, type, actor_id, on_behalf_of, channel,"
                " at, payload, prev_hash, hash, sig) = (SELECT stream, stream_seq, type,"
                " actor_id, on_behalf_of, channel, at, payload, prev_hash, hash, sig FROM t"
                " WHERE t.id = 11 - events.id) WHERE id IN (5, 6);");
    expect_problem(f, YZ_AUDIT_REORDERED, 5, "hashed as event 6");
}

static void rehashed_row_named_where_the_chain_breaks(void **state)
{
    struct fx *f = *state;
    /* Event 7 edited and given its new hash; event 8 still chains on the old one. */
    raw_exec(f, "UPDATE events SET payload = '{\"fee_fen\":1,\"note\":\"第7次\"}' WHERE id = 7");
    assert_int_equal(rehash_range(f, 7, 7, NULL), 0);
    expect_problem(f, YZ_AUDIT_CHANGED, 7, "not the one event 8 chained on");
}

static void rehashed_chain_caught_by_next_checkpoint(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "UPDATE events SET payload = '{\"fee_fen\":1,\"note\":\"第7次\"}' WHERE id = 7");
    /* The chain is re-linked from 7 on and the head re-hashed, without the key. */
    assert_int_equal(rehash_from(f, 7, NULL), 0);
    expect_problem(f, YZ_AUDIT_CHECKPOINT, 8, "one of events 5..8 was changed");
}

static void rehashed_after_last_checkpoint_caught_by_head(void **state)
{
    struct fx *f = *state;
    append_n(f, N_EVENTS + 1, N_EVENTS + 3); /* 21..23: after the checkpoint at 20 */
    raw_exec(f, "CREATE TABLE saved_head AS SELECT * FROM chain_head");
    raw_exec(f, "UPDATE events SET payload = '{}' WHERE id = 22");
    /* Re-hashed to the end, the head's hash too: its signature no longer holds. */
    rehash_from(f, 22, NULL);
    expect_problem(f, YZ_AUDIT_HEAD, 23, "signature");
    /* The signed head put back: it holds the old hash of event 23. */
    raw_exec(f, "DELETE FROM chain_head; INSERT INTO chain_head SELECT * FROM saved_head;"
                "DROP TABLE saved_head");
    expect_problem(f, YZ_AUDIT_HEAD, 23, "one of events 21..23 was changed");
}

static void forged_row_after_head_is_inserted(void **state)
{
    struct fx *f = *state;
    /* Append row 21 outside yizhan with a well-chained hash but no valid signature. */
    raw_exec(f, "INSERT INTO events(id, stream, stream_seq, type, actor_id, on_behalf_of,"
                " channel, at, payload, prev_hash, hash, sig) SELECT 21, 'matter/1', 99,"
                " 'test.step', NULL, NULL, 'hall', 1, '{}', hash, zeroblob(32), zeroblob(64)"
                " FROM events WHERE id = 20");
    /* Give it a correct hash (re-implementation), keeping the head as it was. */
    raw_exec(f, "CREATE TABLE saved_head AS SELECT * FROM chain_head");
    rehash_from(f, 21, NULL);
    raw_exec(f, "DELETE FROM chain_head; INSERT INTO chain_head SELECT * FROM saved_head;"
                "DROP TABLE saved_head");
    expect_problem(f, YZ_AUDIT_INSERTED, 21, "after the signed chain head");
}

static void duplicated_stream_seq_is_named(void **state)
{
    struct fx *f = *state;
    /* Someone holding the key rebuilds the table without its UNIQUE (stream, stream_seq)
     * and re-signs a history where event 9 (stream matter/2: ids 1, 5, 9, 13, 17) repeats
     * seq 2 of event 5. The signatures are valid; the duplicate is still named. */
    unsigned char sk[64];
    read_secret_key(f, sk);
    raw_exec(f, "CREATE TABLE events2 AS SELECT * FROM events; DROP TABLE events;"
                "ALTER TABLE events2 RENAME TO events;"
                "UPDATE events SET stream_seq = 2 WHERE id = 9");
    rehash_from(f, 9, sk);
    expect_problem(f, YZ_AUDIT_INSERTED, 9, "stream matter/2: seq 2 appears twice");
}

static void checkpoint_signature_tampered(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "UPDATE checkpoints SET signature = zeroblob(64) WHERE event_id = 8");
    expect_problem(f, YZ_AUDIT_CHECKPOINT, 8, "signature");
}

static void checkpoint_hash_tampered(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "UPDATE checkpoints SET hash = (SELECT hash FROM events WHERE id = 7)"
                " WHERE event_id = 8");
    expect_problem(f, YZ_AUDIT_CHECKPOINT, 8, NULL);
}

static void head_tampered_or_missing(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "CREATE TABLE saved_head AS SELECT * FROM chain_head;"
                "UPDATE chain_head SET signature = zeroblob(64)");
    expect_problem(f, YZ_AUDIT_HEAD, 20, "signature");
    raw_exec(f, "DELETE FROM chain_head");
    expect_problem(f, YZ_AUDIT_HEAD, 20, "missing");
    raw_exec(f, "INSERT INTO chain_head SELECT * FROM saved_head; DROP TABLE saved_head");
    expect_ok(f, N_EVENTS, N_EVENTS / EVERY);
}

static void resigned_with_key_caught_by_export(void **state)
{
    struct fx *f = *state;
    json_t *doc = export_doc(f, "anchor.json");
    struct yz_audit_report r;
    assert_int_equal(yz_audit_document_check(doc, f->pub, &r), YZ_OK);
    assert_int_equal(r.checkpoints_checked, N_EVENTS / EVERY);
    assert_int_equal(yz_audit_verify_against(f->store, f->pub, doc, &r), YZ_OK);
    assert_int_equal(r.checkpoints_checked, N_EVENTS / EVERY);
    assert_int_equal(r.events_checked, N_EVENTS);

    /* Someone holding the signing key rewrites event 7 and re-signs everything after it. */
    unsigned char sk[64];
    read_secret_key(f, sk);
    raw_exec(f, "UPDATE events SET payload = '{\"fee_fen\":1,\"note\":\"第7次\"}' WHERE id = 7");
    rehash_from(f, 7, sk);
    expect_ok(f, N_EVENTS, N_EVENTS / EVERY); /* the database alone cannot tell */

    assert_int_equal(yz_audit_verify_against(f->store, f->pub, doc, &r), YZ_ERR_VERIFY_FAILED);
    assert_int_equal(r.problem, YZ_AUDIT_CHECKPOINT);
    assert_int_equal(r.event_id, 8);
    assert_non_null(strstr(r.detail, "events 5..8 were rewritten"));
    assert_int_equal(r.checkpoints_checked, 1);
    json_decref(doc);
}

static void truncation_with_replayed_head_caught_by_export(void **state)
{
    struct fx *f = *state;
    /* The attacker keeps the signed head as it was at event 20 (a backup would hold it)... */
    raw_exec(f, "CREATE TABLE old_head AS SELECT * FROM chain_head");
    append_n(f, N_EVENTS + 1, N_EVENTS + 2); /* 21, 22: no checkpoint */
    json_t *doc = export_doc(f, "anchor.json");
    /* ...and later cuts 21 and 22 off and puts the old head back. */
    raw_exec(f, "DELETE FROM events WHERE id > 20; DELETE FROM chain_head;"
                "INSERT INTO chain_head SELECT * FROM old_head; DROP TABLE old_head");
    expect_ok(f, N_EVENTS, N_EVENTS / EVERY); /* locally consistent: only an anchor can tell */

    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify_against(f->store, f->pub, doc, &r), YZ_ERR_VERIFY_FAILED);
    assert_int_equal(r.problem, YZ_AUDIT_REMOVED);
    assert_int_equal(r.event_id, 21);
    assert_non_null(strstr(r.detail, "up to 22"));
    json_decref(doc);
}

static void deleted_checkpoint_caught_by_export(void **state)
{
    struct fx *f = *state;
    json_t *doc = export_doc(f, "anchor.json");
    raw_exec(f, "DELETE FROM checkpoints WHERE event_id = 12");
    expect_ok(f, N_EVENTS, N_EVENTS / EVERY - 1);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify_against(f->store, f->pub, doc, &r), YZ_ERR_VERIFY_FAILED);
    assert_int_equal(r.problem, YZ_AUDIT_CHECKPOINT);
    assert_int_equal(r.event_id, 12);
    assert_non_null(strstr(r.detail, "removed"));
    json_decref(doc);
}

static void export_document_checks(void **state)
{
    struct fx *f = *state;
    json_t *doc = export_doc(f, "anchor.json");
    struct yz_audit_report r;
    assert_string_equal(json_string_value(json_object_get(doc, "format")), YZ_AUDIT_EXPORT_FORMAT);
    assert_int_equal(json_integer_value(json_object_get(doc, "events")), N_EVENTS);
    assert_int_equal(json_array_size(json_object_get(doc, "checkpoints")), N_EVENTS / EVERY);
    assert_int_equal(yz_audit_document_check(doc, NULL, &r), YZ_OK); /* offline, own key */

    /* Another key. */
    unsigned char other[32];
    memcpy(other, f->pub, 32);
    other[0] ^= 1;
    assert_int_equal(yz_audit_document_check(doc, other, &r), YZ_ERR_VERIFY_FAILED);
    assert_int_equal(r.problem, YZ_AUDIT_DOCUMENT);

    /* A forged checkpoint hash inside the document. */
    json_t *copy = json_deep_copy(doc);
    json_t *ck = json_array_get(json_object_get(copy, "checkpoints"), 2);
    char hex[65];
    memset(hex, 'a', 64);
    hex[64] = '\0';
    json_object_set_new(ck, "hash", json_string(hex));
    assert_int_equal(yz_audit_document_check(copy, f->pub, &r), YZ_ERR_VERIFY_FAILED);
    assert_int_equal(r.problem, YZ_AUDIT_DOCUMENT);
    assert_int_equal(r.event_id, 12);
    assert_int_equal(yz_audit_verify_against(f->store, f->pub, copy, &r), YZ_ERR_VERIFY_FAILED);
    json_decref(copy);

    /* Shape errors. */
    copy = json_deep_copy(doc);
    json_object_set_new(copy, "format", json_string("something/2"));
    assert_int_equal(yz_audit_document_check(copy, f->pub, &r), YZ_ERR_BAD_REQUEST);
    json_decref(copy);
    copy = json_deep_copy(doc);
    json_object_set_new(json_array_get(json_object_get(copy, "checkpoints"), 0), "hash",
                        json_string("ABCD"));
    assert_int_equal(yz_audit_document_check(copy, f->pub, &r), YZ_ERR_BAD_REQUEST);
    json_decref(copy);
    copy = json_deep_copy(doc);
    json_array_remove(json_object_get(copy, "checkpoints"), 0);
    json_array_append(json_object_get(copy, "checkpoints"),
                      json_array_get(json_object_get(doc, "checkpoints"), 0));
    assert_int_equal(yz_audit_document_check(copy, f->pub, &r), YZ_ERR_BAD_REQUEST);
    json_decref(copy);
    json_decref(doc);

    /* Loading: not JSON, missing file. */
    char path[256];
    snprintf(path, sizeof path, "%s/bad.json", f->dir);
    FILE *out = fopen(path, "w");
    fputs("{\"format\":", out);
    fclose(out);
    struct yz_buf err = YZ_BUF_INIT(512);
    json_t *bad = NULL;
    assert_int_equal(yz_audit_document_load(path, &bad, &err), YZ_ERR_MALFORMED_JSON);
    assert_null(bad);
    snprintf(path, sizeof path, "%s/none.json", f->dir);
    assert_int_equal(yz_audit_document_load(path, &bad, &err), YZ_ERR_STORAGE_IO);
    yz_buf_release(&err);
}

static void export_refuses_tampered_history(void **state)
{
    struct fx *f = *state;
    raw_exec(f, "DELETE FROM events WHERE id = 3");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_export_checkpoints(f->store, f->pub, out, &r), YZ_ERR_VERIFY_FAILED);
    fclose(out);
    assert_int_equal(len, 0);
    assert_int_equal(r.problem, YZ_AUDIT_REMOVED);
    free(buf);
}

/* ---- the command ---- */

static int run(const char *a0, const char *a1, const char *a2, const char *a3, const char *a4,
               const char *a5)
{
    char *argv[8] = {(char *)a0, (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, NULL};
    int argc = 0;
    while (argv[argc])
        argc++;
    fflush(stdout);
    return yz_cmd_audit(argc, argv);
}

static void command_exit_codes(void **state)
{
    struct fx *f = *state;
    char out_path[256], missing[256];
    snprintf(out_path, sizeof out_path, "%s/anchor.json", f->dir);
    snprintf(missing, sizeof missing, "%s/nowhere", f->dir);

    assert_int_equal(run("audit", "--help", NULL, NULL, NULL, NULL), YZ_EXIT_OK);
    assert_int_equal(run("audit", "verify", "--help", NULL, NULL, NULL), YZ_EXIT_OK);
    assert_int_equal(run("audit", "export", "--help", NULL, NULL, NULL), YZ_EXIT_OK);
    assert_int_equal(run("audit", NULL, NULL, NULL, NULL, NULL), YZ_EXIT_USAGE);
    assert_int_equal(run("audit", "frobnicate", NULL, NULL, NULL, NULL), YZ_EXIT_USAGE);
    assert_int_equal(run("audit", "verify", "--bogus", NULL, NULL, NULL), YZ_EXIT_USAGE);
    assert_int_equal(run("audit", "verify", "--dir", NULL, NULL, NULL), YZ_EXIT_USAGE);
    assert_int_equal(run("audit", "verify", "--dir", missing, NULL, NULL), YZ_EXIT_USAGE);
    assert_int_equal(access(missing, F_OK), -1); /* verify never creates a database */

    assert_int_equal(run("audit", "verify", "--dir", f->dir, NULL, NULL), YZ_EXIT_OK);
    setenv("YIZHAN_STORAGE_DIR", f->dir, 1);
    assert_int_equal(run("audit", "verify", NULL, NULL, NULL, NULL), YZ_EXIT_OK);
    unsetenv("YIZHAN_STORAGE_DIR");
    assert_int_equal(run("audit", "export", "--dir", f->dir, "--out", out_path), YZ_EXIT_OK);
    /* An anchor is never overwritten. */
    assert_int_equal(run("audit", "export", "--dir", f->dir, "--out", out_path), YZ_EXIT_USAGE);
    assert_int_equal(access(out_path, R_OK), 0);
    assert_int_equal(run("audit", "verify", "--dir", f->dir, "--against", out_path), YZ_EXIT_OK);
    assert_int_equal(run("audit", "verify", "--dir", f->dir, "--against", missing), YZ_EXIT_USAGE);

    /* Re-signed with the key: the database verifies alone, not against the anchor. */
    unsigned char sk[64];
    read_secret_key(f, sk);
    raw_exec(f, "UPDATE events SET type = 'test.other' WHERE id = 14");
    rehash_from(f, 14, sk);
    assert_int_equal(run("audit", "verify", "--dir", f->dir, NULL, NULL), YZ_EXIT_OK);
    assert_int_equal(run("audit", "verify", "--dir", f->dir, "--against", out_path), YZ_EXIT_NO);

    /* Plain tampering. */
    raw_exec(f, "UPDATE events SET payload = '{}' WHERE id = 17");
    assert_int_equal(run("audit", "verify", "--dir", f->dir, NULL, NULL), YZ_EXIT_NO);
    char second[256];
    snprintf(second, sizeof second, "%s/second.json", f->dir);
    assert_int_equal(run("audit", "export", "--dir", f->dir, "--out", second), YZ_EXIT_NO);
    assert_int_equal(access(second, F_OK), -1); /* nothing anchored */
}

int main(void)
{
    yz_log_set_level(YZ_LOG_ERROR);
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(clean_history_verifies),
        T(events_appended_in_one_transaction_verify),
        T(empty_history_verifies),
        T(changed_payload),
        T(changed_actor_and_channel),
        T(hidden_bytes_after_nul_are_a_change),
        T(non_integer_seq_is_a_change),
        T(removed_middle_row),
        T(removed_first_row),
        T(removed_newest_row),
        T(removed_newest_row_without_checkpoint),
        T(swapped_payloads_reported_at_first),
        T(swapped_rows_are_reordered),
        T(rehashed_row_named_where_the_chain_breaks),
        T(rehashed_chain_caught_by_next_checkpoint),
        T(rehashed_after_last_checkpoint_caught_by_head),
        T(events_signed_one_by_one_still_verify),
        T(signature_field_damaged),
        T(forged_row_after_head_is_inserted),
        T(duplicated_stream_seq_is_named),
        T(checkpoint_signature_tampered),
        T(checkpoint_hash_tampered),
        T(head_tampered_or_missing),
        T(resigned_with_key_caught_by_export),
        T(truncation_with_replayed_head_caught_by_export),
        T(deleted_checkpoint_caught_by_export),
        T(export_document_checks),
        T(export_refuses_tampered_history),
        T(command_exit_codes),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
