/*
 * Unit tests for src/audit/events.c: canonical JSON, input validation, seq and
 * id assignment, the chain head, checkpoint cadence, the stream listing, bulk appends
 * (yz_event_batch_*: chained on, seqs continued, refused when the chain moved;
 * hashed ahead and taken only when foreseen), and
 * the fail-closed append after the newest rows were removed. Each test gets a
 * fresh temporary data directory (keys + database).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/events.h"
#include "audit/verify.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/utf8.h"
#include "crypto/keys.h"
#include "store/store.h"
#include "lib/randjson.h"

struct fx {
    char dir[64];
    char db[128];
    struct yz_keys *keys;
    struct yz_store *store;
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

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct yz_buf err = YZ_BUF_INIT(1024);
    snprintf(f->dir, sizeof f->dir, "/tmp/yz-audit-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/yizhan.db", f->dir);
    assert_int_equal(yz_keys_create(f->dir, &err), YZ_OK);
    assert_int_equal(yz_keys_load(f->dir, &f->keys, &err), YZ_OK);
    struct yz_store_options opt = {
        .path = f->db, .busy_timeout_ms = 2000, .max_rows = 50, .connections = 1};
    assert_int_equal(yz_store_open(&opt, &f->store, &err), YZ_OK);
    yz_buf_release(&err);
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
    yz_time_set_fake(0);
    return 0;
}

/* ---- helpers ---- */

struct app {
    struct fx *f;
    struct yz_event ev;
    int64_t every;
    int64_t id, seq;
    bool fail_after; /* make the transaction fail after the append */
};

static enum yz_err app_fn(struct yz_tx *tx, void *ctx)
{
    struct app *a = ctx;
    enum yz_err rc = yz_event_append(tx, a->f->keys, &a->ev, a->every, &a->id, &a->seq);
    if (rc == YZ_OK && a->fail_after)
        return YZ_ERR_CONFLICT;
    return rc;
}

static enum yz_err append_ev(struct fx *f, const struct yz_event *ev, int64_t every, int64_t *id,
                             int64_t *seq)
{
    struct app a = {.f = f, .ev = *ev, .every = every};
    enum yz_err rc = yz_store_write(f->store, app_fn, &a);
    if (id)
        *id = a.id;
    if (seq)
        *seq = a.seq;
    return rc;
}

static enum yz_err append(struct fx *f, const char *stream, const char *payload, int64_t *id,
                          int64_t *seq)
{
    struct yz_event ev = {.stream = stream,
                          .type = "test.event",
                          .actor_id = 3,
                          .channel = "web",
                          .payload = payload};
    return append_ev(f, &ev, 1000, id, seq);
}

static struct yz_sql_def sql_count = YZ_SQL("SELECT count(*) FROM events");
static struct yz_sql_def sql_checkpoint_ids =
    YZ_SQL("SELECT event_id, public_key FROM checkpoints ORDER BY event_id");
static struct yz_sql_def sql_head = YZ_SQL("SELECT event_id FROM chain_head");
static struct yz_sql_def sql_actor =
    YZ_SQL("SELECT actor_id IS NULL, on_behalf_of IS NULL, at FROM events WHERE id = ?");

struct q {
    int64_t v[32];
    int n;
    int64_t arg;
    const unsigned char *pub;
    bool pub_ok;
};

static enum yz_err count_fn(struct yz_tx *tx, void *ctx)
{
    struct q *q = ctx;
    bool row;
    struct yz_stmt *st = yz_sql(tx, &sql_count);
    enum yz_err rc = yz_step(st, &row);
    q->v[0] = row ? yz_col_i64(st, 0) : -1;
    yz_exec(st);
    return rc;
}

static int64_t count_events(struct fx *f)
{
    struct q q = {0};
    assert_int_equal(yz_store_read(f->store, count_fn, &q), YZ_OK);
    return q.v[0];
}

static enum yz_err checkpoints_fn(struct yz_tx *tx, void *ctx)
{
    struct q *q = ctx;
    bool row;
    enum yz_err rc;
    struct yz_stmt *st = yz_sql(tx, &sql_checkpoint_ids);
    q->pub_ok = true;
    while ((rc = yz_step(st, &row)) == YZ_OK && row && q->n < 32) {
        size_t n;
        const void *p = yz_col_blob(st, 1, &n);
        q->pub_ok = q->pub_ok && n == YZ_SIGN_PUB_BYTES && memcmp(p, q->pub, n) == 0;
        q->v[q->n++] = yz_col_i64(st, 0);
    }
    return rc;
}

static enum yz_err head_fn(struct yz_tx *tx, void *ctx)
{
    struct q *q = ctx;
    bool row;
    struct yz_stmt *st = yz_sql(tx, &sql_head);
    enum yz_err rc = yz_step(st, &row);
    q->v[0] = row ? yz_col_i64(st, 0) : 0;
    yz_exec(st);
    return rc;
}

static enum yz_err actor_fn(struct yz_tx *tx, void *ctx)
{
    struct q *q = ctx;
    bool row;
    struct yz_stmt *st = yz_sql(tx, &sql_actor);
    yz_bind_i64(st, 1, q->arg);
    enum yz_err rc = yz_step(st, &row);
    assert_true(row);
    q->v[0] = yz_col_i64(st, 0);
    q->v[1] = yz_col_i64(st, 1);
    q->v[2] = yz_col_i64(st, 2);
    yz_exec(st);
    return rc;
}

/* ---- canonical JSON ---- */

static void canonical_sorts_keys_and_keeps_utf8(void **state)
{
    json_error_t je;
    json_t *j = json_loads("{ \"b\": 1, \"a\": {\"z\": true, \"y\": [null, \"重庆市\"]},"
                           " \"c\": \"q\\\"\\n\\u0001/\", \"\\u00e9\": -7 }",
                           0, &je);
    assert_non_null(j);
    char *s = yz_event_canonical_json(j);
    assert_non_null(s);
    assert_string_equal(s, "{\"a\":{\"y\":[null,\"重庆市\"],\"z\":true},\"b\":1,"
                           "\"c\":\"q\\\"\\n\\u0001/\",\"é\":-7}");
    /* Stable: the canonical text of the canonical text is itself. */
    json_t *again = json_loads(s, 0, &je);
    assert_non_null(again);
    char *s2 = yz_event_canonical_json(again);
    assert_string_equal(s, s2);
    /* Insertion order does not matter. */
    json_t *built = json_object();
    json_object_set_new(built, "é", json_integer(-7));
    json_object_set_new(built, "c", json_string("q\"\n\001/"));
    json_t *inner = json_object();
    json_object_set_new(inner, "z", json_true());
    json_t *arr = json_array();
    json_array_append_new(arr, json_null());
    json_array_append_new(arr, json_string("重庆市"));
    json_object_set_new(inner, "y", arr);
    json_object_set_new(built, "a", inner);
    json_object_set_new(built, "b", json_integer(1));
    char *s3 = yz_event_canonical_json(built);
    assert_string_equal(s, s3);
    free(s);
    free(s2);
    free(s3);
    json_decref(j);
    json_decref(again);
    json_decref(built);
}

static void canonical_rejects_floats_and_odd_input(void **state)
{
    json_error_t je;
    json_t *j = json_loads("{\"fee_fen\": 100, \"ratio\": {\"x\": [1, 2.5]}}", 0, &je);
    assert_non_null(j);
    assert_null(yz_event_canonical_json(j));
    json_decref(j);
    j = json_loads("{\"a\": 1.0}", 0, &je);
    assert_null(yz_event_canonical_json(j));
    json_decref(j);

    j = json_loads("[1, 2]", 0, &je); /* not an object */
    assert_null(yz_event_canonical_json(j));
    json_decref(j);
    assert_null(yz_event_canonical_json(NULL));

    j = json_object();
    json_object_set_new(j, "s", json_stringn("a\0b", 3)); /* NUL in a string */
    assert_null(yz_event_canonical_json(j));
    json_decref(j);

    /* Nesting: 32 levels pass, 33 do not. */
    json_t *top = json_object(), *cur = top;
    for (int depth = 2; depth <= YZ_EVENT_PAYLOAD_DEPTH; depth++) {
        json_t *next = json_object();
        json_object_set_new(cur, "k", next);
        cur = next;
    }
    char *s = yz_event_canonical_json(top);
    assert_non_null(s);
    free(s);
    json_object_set_new(cur, "k", json_array());
    assert_null(yz_event_canonical_json(top));
    json_decref(top);
}

/* The canonical form as it was checked before the writer did it in one pass:
 * a walk of the whole tree, then yz_json_dumps_sorted. The reference the
 * one-pass check and the trusted path are held to. */
static bool two_pass_ok(json_t *j, int depth)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        if (depth > YZ_EVENT_PAYLOAD_DEPTH)
            return false;
        for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
            const char *k = json_object_iter_key(it);
            size_t n = json_object_iter_key_len(it);
            if (memchr(k, '\0', n) || !yz_utf8_valid(k, n) ||
                !two_pass_ok(json_object_iter_value(it), depth + 1))
                return false;
        }
        return true;
    case JSON_ARRAY:
        if (depth > YZ_EVENT_PAYLOAD_DEPTH)
            return false;
        for (size_t i = 0; i < json_array_size(j); i++)
            if (!two_pass_ok(json_array_get(j, i), depth + 1))
                return false;
        return true;
    case JSON_STRING:
        return !memchr(json_string_value(j), '\0', json_string_length(j)) &&
               yz_utf8_valid(json_string_value(j), json_string_length(j));
    case JSON_REAL:
        return false;
    default:
        return true;
    }
}

static char *two_pass(json_t *j)
{
    return j && json_is_object(j) && two_pass_ok(j, 1) ? yz_json_dumps_sorted(j) : NULL;
}

/* Both paths against the reference on j (consumed): the checked one gives
 * the same answer always; the trusted one the same text whenever the
 * reference has one, and refuses whatever holds a real or nests too deep. */
static void same_as_two_pass(json_t *j, bool has_real_or_depth)
{
    char *want = two_pass(j), *got = yz_event_canonical_json(j),
         *trusted = yz_event_canonical_json_trusted(j);
    if (!want)
        assert_null(got);
    else
        assert_string_equal(want, got);
    if (want)
        assert_string_equal(want, trusted);
    if (has_real_or_depth)
        assert_null(trusted);
    /* The buffer forms append the same texts after what the buffer holds. */
    struct yz_buf b = YZ_BUF_INIT(1 << 24);
    for (int t = 0; t < 2; t++) {
        yz_buf_reset(&b);
        yz_buf_adds(&b, "x");
        bool ok = yz_event_canonical_write(&b, j, t == 1);
        const char *same = t == 1 ? trusted : got;
        assert_int_equal(ok, same != NULL);
        if (same)
            assert_string_equal(b.data + 1, same);
    }
    yz_buf_release(&b);
    free(want);
    free(got);
    free(trusted);
    json_decref(j);
}

/* A chain of n containers, objects and arrays by the bits of shape. */
static json_t *nest(int n, uint32_t shape, json_t *leaf)
{
    json_t *v = leaf;
    for (int i = n - 1; i >= 0; i--) {
        json_t *c = i == 0 || (shape >> (i % 32)) & 1 ? json_object() : json_array();
        if (json_is_object(c))
            json_object_set_new(c, "k", v);
        else
            json_array_append_new(c, v);
        v = c;
    }
    return v;
}

static void canonical_one_pass_matches_two_pass(void **state)
{
    (void)state;
    /* Random trees with reals and NULs in strings, under an object. */
    const struct yzt_randjson all = {.reals = true, .nuls = true};
    for (int i = 0; i < 3000; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "v", yzt_random_json(&all, 1));
        same_as_two_pass(o, false);
    }
    /* Texts that are not UTF-8 or hold a NUL, as values and as keys, at
     * several depths: only the checked path refuses them. */
    static const struct {
        const char *s;
        size_t n;
    } bad[] = {{"\xff", 1},         {"a\xc0\x80", 3}, {"\xed\xa0\x80", 3}, {"\xe6\xb3", 2},
               {"\xf4\x90\x80\x80", 4}, {"a\0b", 3},       {"\0", 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        for (int depth = 1; depth <= 4; depth++) {
            json_t *o = json_object();
            json_object_set_new(o, "v", nest(depth - 1, 0xa5u, json_stringn_nocheck(bad[i].s, bad[i].n)));
            char *t = yz_event_canonical_json_trusted(o);
            assert_non_null(t); /* the trusted path does not look at texts */
            free(t);
            same_as_two_pass(o, false);
            json_t *inner = json_object();
            json_object_setn_new_nocheck(inner, bad[i].s, bad[i].n, json_integer(1));
            o = json_object();
            json_object_set_new(o, "v", nest(depth - 1, 0x5au, inner));
            same_as_two_pass(o, false);
        }
    /* Depth at and around the limit, objects and arrays mixed; a real deep down. */
    for (int n = YZ_EVENT_PAYLOAD_DEPTH - 2; n <= YZ_EVENT_PAYLOAD_DEPTH + 2; n++)
        for (uint32_t shape = 0; shape < 64; shape += 7) {
            json_t *o = json_object();
            /* o is level 1, so the chain below it may be YZ_EVENT_PAYLOAD_DEPTH - 1 long. */
            json_object_set_new(o, "v", nest(n, shape * 0x9e3779b9u, json_string("法")));
            same_as_two_pass(o, n > YZ_EVENT_PAYLOAD_DEPTH - 1);
            o = json_object();
            json_object_set_new(o, "v", nest(n < 3 ? n : 3, shape, json_real(0.5)));
            same_as_two_pass(o, true);
        }
}

/* ---- validation ---- */

static void append_validates_input(void **state)
{
    struct fx *f = *state;
    struct yz_event good = {.stream = "matter/1",
                            .type = "filing.submitted",
                            .channel = "hall",
                            .payload = "{\"a\":1}"};
    struct yz_event ev;
    char long_stream[YZ_EVENT_STREAM_MAX + 2];
    memset(long_stream, 'm', sizeof long_stream - 1);
    long_stream[sizeof long_stream - 1] = '\0';

#define REFUSED(field, value, err)                                                                 \
    do {                                                                                           \
        ev = good;                                                                                 \
        ev.field = value;                                                                          \
        assert_int_equal(append_ev(f, &ev, 10, NULL, NULL), err);                                  \
    } while (0)

    REFUSED(stream, "", YZ_ERR_VALIDATION);
    REFUSED(stream, NULL, YZ_ERR_VALIDATION);
    REFUSED(stream, "matter 1", YZ_ERR_VALIDATION);
    REFUSED(stream, "案件/1", YZ_ERR_VALIDATION);
    REFUSED(stream, long_stream, YZ_ERR_VALIDATION);
    REFUSED(type, "", YZ_ERR_VALIDATION);
    REFUSED(channel, "fax", YZ_ERR_VALIDATION);
    REFUSED(channel, "", YZ_ERR_VALIDATION);
    REFUSED(actor_id, -1, YZ_ERR_VALIDATION);
    REFUSED(on_behalf_of, -5, YZ_ERR_VALIDATION);
    REFUSED(at, -1, YZ_ERR_VALIDATION);
    REFUSED(payload, NULL, YZ_ERR_VALIDATION);
    REFUSED(payload, "", YZ_ERR_VALIDATION);
    REFUSED(payload, "[1]", YZ_ERR_VALIDATION);
    REFUSED(payload, "{\"b\":1,\"a\":2}", YZ_ERR_VALIDATION); /* not sorted */
    REFUSED(payload, "{\"a\": 1}", YZ_ERR_VALIDATION);        /* not compact */
    REFUSED(payload, "{\"fee\":12.5}", YZ_ERR_VALIDATION);    /* float */
    REFUSED(payload, "{\"fee\":1e3}", YZ_ERR_VALIDATION);     /* float */
    REFUSED(payload, "{\"a\":1,\"a\":2}", YZ_ERR_VALIDATION); /* duplicate key */
    REFUSED(payload, "{\"a\":\"\xc0\xaf\"}", YZ_ERR_INVALID_UTF8);
    REFUSED(payload, "{\"a\":1}x", YZ_ERR_VALIDATION);
#undef REFUSED
    assert_int_equal(count_events(f), 0);

    /* Long stream names up to the limit are fine; one byte more is not. */
    long_stream[YZ_EVENT_STREAM_MAX] = '\0';
    ev = good;
    ev.stream = long_stream;
    assert_int_equal(append_ev(f, &ev, 10, NULL, NULL), YZ_OK);
    assert_int_equal(count_events(f), 1);
}

/* {"a":"xx...x"} of exactly n bytes; the caller frees it. */
static char *payload_of_size(size_t n)
{
    char *p = malloc(n + 1);
    memcpy(p, "{\"a\":\"", 6);
    memset(p + 6, 'x', n - 8);
    memcpy(p + n - 2, "\"}", 3);
    assert_int_equal(strlen(p), n);
    return p;
}

static void payload_size_limit(void **state)
{
    struct fx *f = *state;
    char *p = payload_of_size(YZ_EVENT_PAYLOAD_MAX);
    struct yz_event ev = {.stream = "matter/9", .type = "t", .channel = "web", .payload = p};
    assert_int_equal(append_ev(f, &ev, 10, NULL, NULL), YZ_OK);
    free(p);
    p = payload_of_size(YZ_EVENT_PAYLOAD_MAX + 1);
    ev.payload = p;
    assert_int_equal(append_ev(f, &ev, 10, NULL, NULL), YZ_ERR_PAYLOAD_TOO_LARGE);
    assert_int_equal(count_events(f), 1);
    free(p);
}

/* yz_event_append_json: the payload is made canonical here. */
struct json_app {
    struct fx *f;
    struct yz_event ev;
    json_t *payload;
    int64_t id;
};

static enum yz_err json_app_fn(struct yz_tx *tx, void *ctx)
{
    struct json_app *a = ctx;
    return yz_event_append_json(tx, a->f->keys, &a->ev, a->payload, 1000, &a->id, NULL);
}

static struct yz_sql_def sql_payload = YZ_SQL("SELECT payload FROM events WHERE id = ?");

static enum yz_err payload_fn(struct yz_tx *tx, void *ctx)
{
    struct q *q = ctx;
    bool row;
    struct yz_stmt *st = yz_sql(tx, &sql_payload);
    yz_bind_i64(st, 1, q->arg);
    enum yz_err rc = yz_step(st, &row);
    assert_true(row);
    assert_string_equal(yz_col_text(st, 0), (const char *)q->pub);
    yz_exec(st);
    return rc;
}

static void append_json_stores_canonical_text_and_validates(void **state)
{
    struct fx *f = *state;
    struct json_app a = {.f = f,
                         .ev = {.stream = "matter/4", .type = "filing.submitted",
                                .channel = "web", .payload = "ignored"}};
    /* Keys out of order and nested: stored sorted and compact. */
    a.payload = json_pack("{s:i, s:{s:s, s:i}}", "z", 1, "a", "b", "法院", "y", 2);
    assert_int_equal(yz_store_write(f->store, json_app_fn, &a), YZ_OK);
    json_decref(a.payload);
    struct q q = {.arg = a.id, .pub = (const unsigned char *)"{\"a\":{\"b\":\"法院\",\"y\":2},\"z\":1}"};
    assert_int_equal(yz_store_read(f->store, payload_fn, &q), YZ_OK);

    /* What has no canonical form, bad names and oversized payloads are refused. */
    a.payload = json_pack("{s:f}", "fee", 12.5);
    assert_int_equal(yz_store_write(f->store, json_app_fn, &a), YZ_ERR_VALIDATION);
    json_decref(a.payload);
    a.payload = json_pack("[i]", 1);
    assert_int_equal(yz_store_write(f->store, json_app_fn, &a), YZ_ERR_VALIDATION);
    json_decref(a.payload);
    a.payload = NULL;
    assert_int_equal(yz_store_write(f->store, json_app_fn, &a), YZ_ERR_VALIDATION);
    a.payload = json_object();
    a.ev.channel = "fax";
    assert_int_equal(yz_store_write(f->store, json_app_fn, &a), YZ_ERR_VALIDATION);
    a.ev.channel = "web";
    json_decref(a.payload);
    char *big = payload_of_size(YZ_EVENT_PAYLOAD_MAX + 1);
    a.payload = json_loads(big, 0, NULL);
    free(big);
    assert_non_null(a.payload);
    assert_int_equal(yz_store_write(f->store, json_app_fn, &a), YZ_ERR_PAYLOAD_TOO_LARGE);
    json_decref(a.payload);
    assert_int_equal(count_events(f), 1);

    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
    assert_int_equal(r.events_checked, 1);
}

/* ---- appending ---- */

static void seqs_ids_and_head(void **state)
{
    struct fx *f = *state;
    const char *streams[] = {"matter/1", "matter/2", "matter/1", "security",
                             "matter/2", "matter/1", "user/3"};
    const int64_t want_seq[] = {1, 1, 2, 1, 2, 3, 1};
    for (int i = 0; i < 7; i++) {
        int64_t id, seq;
        assert_int_equal(append(f, streams[i], "{}", &id, &seq), YZ_OK);
        assert_int_equal(id, i + 1);
        assert_int_equal(seq, want_seq[i]);
        struct q q = {0};
        assert_int_equal(yz_store_read(f->store, head_fn, &q), YZ_OK);
        assert_int_equal(q.v[0], id); /* the head follows every append */
    }
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
    assert_int_equal(r.events_checked, 7);
}

static void actor_zero_is_null_and_at_defaults_to_now(void **state)
{
    struct fx *f = *state;
    yz_time_set_fake(1767225600000LL);
    struct yz_event ev = {
        .stream = "security", .type = "login.failed", .channel = "system", .payload = "{\"n\":3}"};
    int64_t id;
    assert_int_equal(append_ev(f, &ev, 10, &id, NULL), YZ_OK);
    struct q q = {.arg = id};
    assert_int_equal(yz_store_read(f->store, actor_fn, &q), YZ_OK);
    assert_int_equal(q.v[0], 1);
    assert_int_equal(q.v[1], 1);
    assert_int_equal(q.v[2], 1767225600000LL);

    ev.actor_id = 42;
    ev.on_behalf_of = 7;
    ev.at = 1700000000123LL;
    assert_int_equal(append_ev(f, &ev, 10, &id, NULL), YZ_OK);
    q.arg = id;
    assert_int_equal(yz_store_read(f->store, actor_fn, &q), YZ_OK);
    assert_int_equal(q.v[0], 0);
    assert_int_equal(q.v[1], 0);
    assert_int_equal(q.v[2], 1700000000123LL);
}

static void checkpoints_every_three(void **state)
{
    struct fx *f = *state;
    struct yz_event ev = {.stream = "matter/5", .type = "t", .channel = "kiosk", .payload = "{}"};
    for (int i = 0; i < 10; i++)
        assert_int_equal(append_ev(f, &ev, 3, NULL, NULL), YZ_OK);
    struct q q = {.pub = yz_keys_audit_pub(f->keys)};
    assert_int_equal(yz_store_read(f->store, checkpoints_fn, &q), YZ_OK);
    assert_int_equal(q.n, 3);
    assert_int_equal(q.v[0], 3);
    assert_int_equal(q.v[1], 6);
    assert_int_equal(q.v[2], 9);
    assert_true(q.pub_ok);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
    assert_int_equal(r.events_checked, 10);
    assert_int_equal(r.checkpoints_checked, 3);
}

static void rolled_back_append_leaves_nothing(void **state)
{
    struct fx *f = *state;
    assert_int_equal(append(f, "matter/1", "{}", NULL, NULL), YZ_OK);
    struct app a = {.f = f,
                    .ev = {.stream = "matter/1", .type = "t", .channel = "web", .payload = "{}"},
                    .every = 1,
                    .fail_after = true};
    assert_int_equal(yz_store_write(f->store, app_fn, &a), YZ_ERR_CONFLICT);
    assert_int_equal(count_events(f), 1);
    int64_t id, seq;
    assert_int_equal(append(f, "matter/1", "{}", &id, &seq), YZ_OK);
    assert_int_equal(id, 2);
    assert_int_equal(seq, 2);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
}

struct list_ctx {
    const char *stream;
    int64_t after;
    int limit;
    json_t *out;
};

static enum yz_err list_fn(struct yz_tx *tx, void *ctx)
{
    struct list_ctx *l = ctx;
    return yz_events_list(tx, l->stream, l->after, l->limit, &l->out);
}

static void list_is_bounded_and_ordered(void **state)
{
    struct fx *f = *state;
    for (int i = 1; i <= 5; i++) {
        char p[32];
        snprintf(p, sizeof p, "{\"n\":%d}", i);
        assert_int_equal(append(f, "matter/7", p, NULL, NULL), YZ_OK);
        assert_int_equal(append(f, "matter/8", "{}", NULL, NULL), YZ_OK);
    }
    struct list_ctx l = {.stream = "matter/7", .after = 1, .limit = 3};
    assert_int_equal(yz_store_read(f->store, list_fn, &l), YZ_OK);
    assert_int_equal(json_array_size(l.out), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *e = json_array_get(l.out, i);
        assert_int_equal(json_integer_value(json_object_get(e, "seq")), (int64_t)i + 2);
        assert_int_equal(json_integer_value(json_object_get(e, "event_id")),
                         2 * ((int64_t)i + 2) - 1);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "payload"), "n")),
                         (int64_t)i + 2);
        assert_string_equal(json_string_value(json_object_get(e, "type")), "test.event");
        assert_string_equal(json_string_value(json_object_get(e, "channel")), "web");
        assert_int_equal(json_integer_value(json_object_get(e, "actor_id")), 3);
        assert_true(json_is_null(json_object_get(e, "on_behalf_of")));
    }
    json_decref(l.out);

    /* limit 0 means the store's cap; past the end is an empty list. */
    l = (struct list_ctx){.stream = "matter/7", .after = 0, .limit = 0};
    assert_int_equal(yz_store_read(f->store, list_fn, &l), YZ_OK);
    assert_int_equal(json_array_size(l.out), 5);
    json_decref(l.out);
    l = (struct list_ctx){.stream = "matter/7", .after = 5, .limit = 10};
    assert_int_equal(yz_store_read(f->store, list_fn, &l), YZ_OK);
    assert_int_equal(json_array_size(l.out), 0);
    json_decref(l.out);
    l = (struct list_ctx){.stream = "matter 7", .after = 0, .limit = 10};
    assert_int_equal(yz_store_read(f->store, list_fn, &l), YZ_ERR_VALIDATION);
    assert_null(l.out);
}

static void append_refuses_after_newest_removed(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 4; i++)
        assert_int_equal(append(f, "matter/1", "{}", NULL, NULL), YZ_OK);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TRIGGER events_no_delete;"
                                  "DELETE FROM events WHERE id = 4;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    /* Appending would reuse id 4 and re-sign the head over the cut history. */
    assert_int_equal(append(f, "matter/1", "{}", NULL, NULL), YZ_ERR_INTERNAL);
    assert_int_equal(count_events(f), 3);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r),
                     YZ_ERR_VERIFY_FAILED);
    assert_int_equal(r.problem, YZ_AUDIT_HEAD);
    assert_int_equal(r.event_id, 4);
}

/* ---- bulk appends (yz_event_batch_*) ---- */

struct bulk {
    struct fx *f;
    int n;            /* events to add */
    int write_every;  /* write the batch after this many (0: once at the end) */
    bool single_between; /* an ordinary append between add and write (must be refused) */
    const char *bad_channel;
    bool canonical;       /* add through yz_event_batch_add_canonical */
    const char *bad_text; /* with canonical: the last event's text instead (bad_len bytes) */
    size_t bad_len;
    enum yz_err add_rc;
};

static enum yz_err bulk_fn(struct yz_tx *tx, void *ctx)
{
    struct bulk *b = ctx;
    struct yz_event_batch *batch = NULL;
    enum yz_err rc = yz_event_batch_begin(tx, b->f->keys, 50, &batch);
    static const char *const streams[] = {"matter/1", "matter/9", "matter/1", "security"};
    for (int i = 0; rc == YZ_OK && i < b->n; i++) {
        json_t *payload = json_pack("{s:i, s:s}", "i", i, "text", "诉讼请求");
        int64_t id = 0;
        const char *channel = b->bad_channel && i == b->n - 1 ? b->bad_channel : "web";
        if (b->canonical) {
            char *text = yz_event_canonical_json(payload);
            bool bad = b->bad_text && i == b->n - 1;
            rc = yz_event_batch_add_canonical(batch, streams[i % 4], "test.bulk", i % 2 ? 7 : 0,
                                              channel, 1700000000000LL + i,
                                              bad ? b->bad_text : text,
                                              bad ? b->bad_len : strlen(text), &id);
            free(text);
        } else {
            rc = yz_event_batch_add(batch, streams[i % 4], "test.bulk", i % 2 ? 7 : 0, channel,
                                    1700000000000LL + i, payload, &id);
        }
        json_decref(payload);
        b->add_rc = rc;
        if (rc == YZ_OK && b->write_every && (i + 1) % b->write_every == 0)
            rc = yz_event_batch_write(batch);
    }
    if (rc == YZ_OK && b->single_between) {
        struct yz_event ev = {.stream = "security", .type = "t", .channel = "web", .payload = "{}"};
        rc = yz_event_append(tx, b->f->keys, &ev, 50, NULL, NULL);
    }
    if (rc == YZ_OK)
        rc = yz_event_batch_write(batch);
    yz_event_batch_free(batch);
    return rc;
}

static int64_t stream_last_seq(struct fx *f, const char *stream);

static void bulk_appends_chain_on_and_verify(void **state)
{
    struct fx *f = *state;
    /* Ordinary appends first: the batch continues their chain and their streams' seqs. */
    assert_int_equal(append(f, "matter/1", "{}", NULL, NULL), YZ_OK);
    assert_int_equal(append(f, "matter/1", "{}", NULL, NULL), YZ_OK);
    assert_int_equal(append(f, "security", "{}", NULL, NULL), YZ_OK);
    /* 300 events (enough to sign on several threads), written in three parts of one transaction. */
    struct bulk b = {.f = f, .n = 300, .write_every = 120};
    assert_int_equal(yz_store_write(f->store, bulk_fn, &b), YZ_OK);
    assert_int_equal(count_events(f), 303);
    assert_int_equal(stream_last_seq(f, "matter/1"), 2 + 150);
    assert_int_equal(stream_last_seq(f, "matter/9"), 75);
    assert_int_equal(stream_last_seq(f, "security"), 1 + 75);
    struct q q = {0};
    assert_int_equal(yz_store_read(f->store, head_fn, &q), YZ_OK);
    assert_int_equal(q.v[0], 303);
    struct q ck = {.pub = yz_keys_audit_pub(f->keys)};
    assert_int_equal(yz_store_read(f->store, checkpoints_fn, &ck), YZ_OK);
    assert_int_equal(ck.n, 6); /* 50, 100, ... 300 */
    assert_int_equal(ck.v[5], 300);
    /* And an ordinary append after it chains on. */
    assert_int_equal(append(f, "matter/9", "{}", NULL, NULL), YZ_OK);
    assert_int_equal(stream_last_seq(f, "matter/9"), 76);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
    assert_int_equal(r.events_checked, 304);
    assert_int_equal(r.checkpoints_checked, 6);
}

static void bulk_refuses_bad_events_and_a_moved_chain(void **state)
{
    struct fx *f = *state;
    assert_int_equal(append(f, "matter/1", "{}", NULL, NULL), YZ_OK);
    struct bulk b = {.f = f, .n = 5, .bad_channel = "carrier-pigeon"};
    assert_int_equal(yz_store_write(f->store, bulk_fn, &b), YZ_ERR_VALIDATION);
    assert_int_equal(b.add_rc, YZ_ERR_VALIDATION);
    /* Someone else appended between the batch's start and its write: refused, fail closed. */
    struct bulk moved = {.f = f, .n = 5, .single_between = true};
    assert_int_equal(yz_store_write(f->store, bulk_fn, &moved), YZ_ERR_INTERNAL);
    assert_int_equal(count_events(f), 1);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
}

/* The prepared-text variant writes the same chain and refuses what is not an object's text. */
static void bulk_canonical_text_chains_on_and_refuses_bad_text(void **state)
{
    struct fx *f = *state;
    assert_int_equal(append(f, "matter/1", "{}", NULL, NULL), YZ_OK);
    struct bulk b = {.f = f, .n = 120, .write_every = 50, .canonical = true};
    assert_int_equal(yz_store_write(f->store, bulk_fn, &b), YZ_OK);
    assert_int_equal(count_events(f), 121);
    assert_int_equal(stream_last_seq(f, "matter/1"), 1 + 60);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
    assert_int_equal(r.events_checked, 121);
    /* Stored as given, which is what yz_event_canonical_json makes. */
    struct list_ctx l = {.stream = "matter/9", .limit = 1};
    assert_int_equal(yz_store_read(f->store, list_fn, &l), YZ_OK);
    assert_int_equal(json_array_size(l.out), 1);
    json_t *p = json_object_get(json_array_get(l.out, 0), "payload");
    assert_int_equal(json_integer_value(json_object_get(p, "i")), 1);
    assert_string_equal(json_string_value(json_object_get(p, "text")), "诉讼请求");
    json_decref(l.out);
    /* Not an object's text, an embedded NUL, too large, a bad channel: refused, nothing written. */
    static const struct {
        const char *text;
        size_t len;
        enum yz_err rc;
    } bad[] = {
        {"", 0, YZ_ERR_VALIDATION},       {"[]", 2, YZ_ERR_VALIDATION},
        {"{", 1, YZ_ERR_VALIDATION},      {"\"a\"", 3, YZ_ERR_VALIDATION},
        {"{\"a\":\"\0\"}", 9, YZ_ERR_VALIDATION},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct bulk x = {.f = f, .n = 3, .canonical = true, .bad_text = bad[i].text,
                         .bad_len = bad[i].len};
        assert_int_equal(yz_store_write(f->store, bulk_fn, &x), bad[i].rc);
        assert_int_equal(x.add_rc, bad[i].rc);
    }
    size_t big_len = (size_t)YZ_EVENT_PAYLOAD_MAX + 10;
    char *big = malloc(big_len + 1);
    assert_non_null(big);
    memset(big, 'x', big_len);
    big[0] = '{', big[big_len - 1] = '}', big[big_len] = '\0';
    struct bulk large = {.f = f, .n = 2, .canonical = true, .bad_text = big, .bad_len = big_len};
    assert_int_equal(yz_store_write(f->store, bulk_fn, &large), YZ_ERR_PAYLOAD_TOO_LARGE);
    free(big);
    struct bulk chan = {.f = f, .n = 2, .canonical = true, .bad_channel = "carrier-pigeon"};
    assert_int_equal(yz_store_write(f->store, bulk_fn, &chan), YZ_ERR_VALIDATION);
    assert_int_equal(count_events(f), 121);
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
}

/* ---- bulk events hashed ahead (yz_event_batch_add_hashed) ---- */

#define AHEAD_N 6

/* Events predicted from a tip read earlier: on the new streams matter/20 and
 * matter/21 (or on `stream` for all), ids after the tip, seqs from 1. */
struct ahead {
    struct fx *f;
    const char *stream; /* NULL: matter/20 and matter/21 alternately */
    int64_t tip_id;
    unsigned char tip[YZ_EVENT_HASH_BYTES];
    char *payload[AHEAD_N];
    struct yz_event_row r[AHEAD_N];
    unsigned char prev[AHEAD_N][YZ_EVENT_HASH_BYTES], hash[AHEAD_N][YZ_EVENT_HASH_BYTES];
    enum yz_err rc[AHEAD_N]; /* what add_hashed answered */
};

static enum yz_err tip_fn(struct yz_tx *tx, void *ctx)
{
    struct ahead *a = ctx;
    return yz_event_chain_tip(tx, &a->tip_id, a->tip);
}

static void predict(struct ahead *a)
{
    assert_int_equal(yz_store_read(a->f->store, tip_fn, a), YZ_OK);
    int64_t seq[2] = {0, 0};
    const unsigned char *prev = a->tip;
    for (int i = 0; i < AHEAD_N; i++) {
        a->payload[i] = malloc(32);
        assert_non_null(a->payload[i]);
        snprintf(a->payload[i], 32, "{\"i\":%d}", i);
        const char *stream = a->stream ? a->stream : i % 2 ? "matter/21" : "matter/20";
        a->r[i] = (struct yz_event_row){.id = a->tip_id + 1 + i,
                                        .stream = stream,
                                        .stream_len = strlen(stream),
                                        .stream_seq = a->stream ? i + 1 : ++seq[i % 2],
                                        .type = "test.ahead",
                                        .type_len = strlen("test.ahead"),
                                        .actor_id = 3,
                                        .channel = "web",
                                        .channel_len = 3,
                                        .at = 1700000000000LL + i,
                                        .payload = a->payload[i],
                                        .payload_len = strlen(a->payload[i])};
        memcpy(a->prev[i], prev, YZ_EVENT_HASH_BYTES);
        yz_event_hash(a->prev[i], &a->r[i], a->hash[i]);
        prev = a->hash[i];
    }
}

/* Adds the predicted events, each one that is refused as not foreseen again
 * through add_canonical, as the generator does. */
static enum yz_err ahead_fn(struct yz_tx *tx, void *ctx)
{
    struct ahead *a = ctx;
    struct yz_event_batch *batch = NULL;
    enum yz_err rc = yz_event_batch_begin(tx, a->f->keys, 4, &batch);
    for (int i = 0; rc == YZ_OK && i < AHEAD_N; i++) {
        rc = a->rc[i] = yz_event_batch_add_hashed(batch, &a->r[i], a->prev[i], a->hash[i]);
        if (rc == YZ_ERR_CONFLICT)
            rc = yz_event_batch_add_canonical(batch, a->r[i].stream, a->r[i].type, 3, "web",
                                              a->r[i].at, a->payload[i], a->r[i].payload_len,
                                              NULL);
    }
    if (rc == YZ_OK)
        rc = yz_event_batch_write(batch);
    yz_event_batch_free(batch);
    /* Referenced until the write: from here the store must not read them. */
    for (int i = 0; i < AHEAD_N; i++) {
        memset(a->payload[i], 'x', a->r[i].payload_len);
        free(a->payload[i]);
        a->payload[i] = NULL;
    }
    return rc;
}

static void verify_all(struct fx *f, int64_t events)
{
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(f->store, yz_keys_audit_pub(f->keys), &r), YZ_OK);
    assert_int_equal(r.events_checked, events);
}

static void bulk_hashed_ahead_is_taken_when_foreseen(void **state)
{
    struct fx *f = *state;
    assert_int_equal(append(f, "matter/1", "{}", NULL, NULL), YZ_OK);
    struct ahead a = {.f = f};
    predict(&a);
    assert_int_equal(a.tip_id, 1);
    assert_int_equal(yz_store_write(f->store, ahead_fn, &a), YZ_OK);
    for (int i = 0; i < AHEAD_N; i++)
        assert_int_equal(a.rc[i], YZ_OK);
    assert_int_equal(count_events(f), 1 + AHEAD_N);
    assert_int_equal(stream_last_seq(f, "matter/20"), AHEAD_N / 2);
    assert_int_equal(stream_last_seq(f, "matter/21"), AHEAD_N / 2);
    struct q ck = {.pub = yz_keys_audit_pub(f->keys)};
    assert_int_equal(yz_store_read(f->store, checkpoints_fn, &ck), YZ_OK);
    assert_int_equal(ck.n, 1); /* at event 4 */
    /* The payloads stored are the texts referenced, hashed as predicted. */
    struct list_ctx l = {.stream = "matter/21", .limit = 1};
    assert_int_equal(yz_store_read(f->store, list_fn, &l), YZ_OK);
    json_t *p = json_object_get(json_array_get(l.out, 0), "payload");
    assert_int_equal(json_integer_value(json_object_get(p, "i")), 1);
    json_decref(l.out);
    verify_all(f, 1 + AHEAD_N);
}

static void bulk_hashed_ahead_is_redone_when_not_foreseen(void **state)
{
    struct fx *f = *state;
    /* Someone appended after the prediction: every event is numbered and hashed anew. */
    struct ahead moved = {.f = f};
    predict(&moved);
    assert_int_equal(append(f, "security", "{}", NULL, NULL), YZ_OK);
    assert_int_equal(yz_store_write(f->store, ahead_fn, &moved), YZ_OK);
    for (int i = 0; i < AHEAD_N; i++)
        assert_int_equal(moved.rc[i], YZ_ERR_CONFLICT);
    assert_int_equal(count_events(f), 1 + AHEAD_N);
    assert_int_equal(stream_last_seq(f, "matter/20"), AHEAD_N / 2);
    verify_all(f, 1 + AHEAD_N);
    /* A stream with events already (seq 1 predicted, 4 due): redone from there on. */
    struct ahead old = {.f = f, .stream = "matter/20"};
    predict(&old);
    assert_int_equal(yz_store_write(f->store, ahead_fn, &old), YZ_OK);
    for (int i = 0; i < AHEAD_N; i++)
        assert_int_equal(old.rc[i], YZ_ERR_CONFLICT);
    assert_int_equal(stream_last_seq(f, "matter/20"), AHEAD_N / 2 + AHEAD_N);
    verify_all(f, 1 + 2 * AHEAD_N);
    /* Fields add_canonical would refuse are refused alike; nothing is written. */
    struct ahead bad = {.f = f};
    predict(&bad);
    bad.r[0].channel = "carrier-pigeon", bad.r[0].channel_len = strlen("carrier-pigeon");
    assert_int_equal(yz_store_write(f->store, ahead_fn, &bad), YZ_ERR_VALIDATION);
    assert_int_equal(bad.rc[0], YZ_ERR_VALIDATION);
    predict(&bad);
    bad.r[0].stream_len = 3; /* not the string's length */
    assert_int_equal(yz_store_write(f->store, ahead_fn, &bad), YZ_ERR_VALIDATION);
    predict(&bad);
    bad.r[0].on_behalf_of = 5;
    assert_int_equal(yz_store_write(f->store, ahead_fn, &bad), YZ_ERR_VALIDATION);
    predict(&bad);
    bad.r[0].payload_len = 1; /* "{": not an object's text */
    assert_int_equal(yz_store_write(f->store, ahead_fn, &bad), YZ_ERR_VALIDATION);
    assert_int_equal(count_events(f), 1 + 2 * AHEAD_N);
    verify_all(f, 1 + 2 * AHEAD_N);
}

struct seq_q {
    const char *stream;
    int64_t last;
};

static enum yz_err seq_fn(struct yz_tx *tx, void *ctx)
{
    struct seq_q *q = ctx;
    json_t *arr = NULL;
    int64_t after = 0;
    enum yz_err rc;
    /* Page through the stream; seqs must be 1, 2, 3 ... */
    while ((rc = yz_events_list(tx, q->stream, after, 0, &arr)) == YZ_OK && json_array_size(arr)) {
        size_t i;
        json_t *it;
        json_array_foreach(arr, i, it)
        {
            assert_int_equal(json_integer_value(json_object_get(it, "seq")), after + 1);
            after++;
        }
        json_decref(arr);
        arr = NULL;
    }
    json_decref(arr);
    q->last = after;
    return rc;
}

static int64_t stream_last_seq(struct fx *f, const char *stream)
{
    struct seq_q q = {stream, 0};
    assert_int_equal(yz_store_read(f->store, seq_fn, &q), YZ_OK);
    return q.last;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical_sorts_keys_and_keeps_utf8),
        cmocka_unit_test(canonical_rejects_floats_and_odd_input),
        cmocka_unit_test(canonical_one_pass_matches_two_pass),
        cmocka_unit_test_setup_teardown(append_validates_input, setup, teardown),
        cmocka_unit_test_setup_teardown(payload_size_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(append_json_stores_canonical_text_and_validates, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(seqs_ids_and_head, setup, teardown),
        cmocka_unit_test_setup_teardown(actor_zero_is_null_and_at_defaults_to_now, setup, teardown),
        cmocka_unit_test_setup_teardown(checkpoints_every_three, setup, teardown),
        cmocka_unit_test_setup_teardown(rolled_back_append_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(list_is_bounded_and_ordered, setup, teardown),
        cmocka_unit_test_setup_teardown(append_refuses_after_newest_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(bulk_appends_chain_on_and_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(bulk_refuses_bad_events_and_a_moved_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(bulk_hashed_ahead_is_taken_when_foreseen, setup, teardown),
        cmocka_unit_test_setup_teardown(bulk_hashed_ahead_is_redone_when_not_foreseen, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(bulk_canonical_text_chains_on_and_refuses_bad_text, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
