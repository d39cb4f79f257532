/*
 * Appending to the event log (the format is specified in events.h).
 *
 * The append keeps no state of its own: the previous hash, the next id and the
 * stream's next seq are read from the table inside the caller's transaction,
 * so a rolled-back savepoint or a second process cannot leave a stale chain
 * tip behind. Before chaining on, the newest row is checked against the signed
 * chain head: if someone deleted the newest rows, the next append would reuse
 * their ids and re-sign the head over the shortened chain, laundering the
 * truncation, so the append refuses instead (fail closed).
 *
 * Hashing streams the fields through BLAKE2b's incremental API, so no copy of
 * the payload is made; the same function serves the verifier.
 */
#include "audit/events.h"
#include "audit/events_internal.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/log.h"
#include "core/utf8.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

_Static_assert(YZ_EVENT_HASH_BYTES == crypto_generichash_BYTES, "BLAKE2b-256");

static const char *const channels[] = {"hall",  "web",     "mobile", "hotline",
                                       "kiosk", "circuit", "system"};

static struct yz_sql_def sql_last = YZ_SQL("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1");
static struct yz_sql_def sql_head = YZ_SQL("SELECT event_id, hash FROM chain_head WHERE id = 1");
static struct yz_sql_def sql_stream_seq =
    YZ_SQL("SELECT max(stream_seq) FROM events WHERE stream = ?");
/* sig is empty: events are no longer signed one by one (events.h); the column
 * stays for the signatures of rows written before. */
static struct yz_sql_def sql_insert =
    YZ_SQL("INSERT INTO events(id, stream, stream_seq, type, actor_id, on_behalf_of, channel, at,"
           " payload, prev_hash, hash, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, X'')");
static struct yz_sql_def sql_upsert_head =
    YZ_SQL("INSERT INTO chain_head(id, event_id, hash, signature) VALUES (1, ?, ?, ?)"
           " ON CONFLICT(id) DO UPDATE SET event_id = excluded.event_id,"
           " hash = excluded.hash, signature = excluded.signature");
static struct yz_sql_def sql_sign_head =
    YZ_SQL("UPDATE chain_head SET signature = ? WHERE id = 1");
static struct yz_sql_def sql_checkpoint = YZ_SQL(
    "INSERT INTO checkpoints(event_id, hash, at, public_key, signature) VALUES (?, ?, ?, ?, ?)");
static struct yz_sql_def sql_list =
    YZ_SQL("SELECT id, stream_seq, type, actor_id, on_behalf_of, channel, at, payload"
           " FROM events WHERE stream = ? AND stream_seq > ? ORDER BY stream_seq LIMIT ?");

/* ---- the format ---- */

static void put_i64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void h_i64(crypto_generichash_state *h, int64_t v)
{
    unsigned char b[8];
    put_i64(b, v);
    crypto_generichash_update(h, b, sizeof b);
}

static void h_str(crypto_generichash_state *h, const char *s, size_t n)
{
    unsigned char b[4];
    /* Fields longer than 4 GiB cannot be stored (SQLite caps values at 1 GB). */
    if (n > UINT32_MAX)
        YZ_BUG("event field of %zu bytes", n);
    put_u32(b, (uint32_t)n);
    crypto_generichash_update(h, b, sizeof b);
    if (n)
        crypto_generichash_update(h, (const unsigned char *)s, n);
}

void yz_event_hash(const unsigned char prev_hash[YZ_EVENT_HASH_BYTES], const struct yz_event_row *r,
                   unsigned char out[YZ_EVENT_HASH_BYTES])
{
    crypto_generichash_state h;
    if (yz_crypto_init() != YZ_OK)
        YZ_BUG("libsodium unavailable");
    crypto_generichash_init(&h, NULL, 0, YZ_EVENT_HASH_BYTES);
    crypto_generichash_update(&h, prev_hash, YZ_EVENT_HASH_BYTES);
    h_str(&h, YZ_EVENT_FORMAT, strlen(YZ_EVENT_FORMAT));
    h_i64(&h, r->id);
    h_str(&h, r->stream, r->stream_len);
    h_i64(&h, r->stream_seq);
    h_str(&h, r->type, r->type_len);
    h_i64(&h, r->actor_id);
    h_i64(&h, r->on_behalf_of);
    h_str(&h, r->channel, r->channel_len);
    h_i64(&h, r->at);
    h_str(&h, r->payload, r->payload_len);
    crypto_generichash_final(&h, out, YZ_EVENT_HASH_BYTES);
    sodium_memzero(&h, sizeof h);
}

static size_t m_str(unsigned char *msg, size_t off, const char *s)
{
    size_t n = strlen(s);
    put_u32(msg + off, (uint32_t)n);
    memcpy(msg + off + 4, s, n);
    return off + 4 + n;
}

size_t yz_event_sig_message(const unsigned char hash[YZ_EVENT_HASH_BYTES],
                            unsigned char msg[YZ_EVENT_SIGMSG_MAX])
{
    size_t off = m_str(msg, 0, "yizhan-event-sig/1");
    memcpy(msg + off, hash, YZ_EVENT_HASH_BYTES);
    return off + YZ_EVENT_HASH_BYTES;
}

size_t yz_event_head_message(int64_t event_id, const unsigned char hash[YZ_EVENT_HASH_BYTES],
                             unsigned char msg[YZ_EVENT_SIGMSG_MAX])
{
    size_t off = m_str(msg, 0, "yizhan-head/1");
    put_i64(msg + off, event_id);
    memcpy(msg + off + 8, hash, YZ_EVENT_HASH_BYTES);
    return off + 8 + YZ_EVENT_HASH_BYTES;
}

size_t yz_event_checkpoint_message(int64_t event_id, const unsigned char hash[YZ_EVENT_HASH_BYTES],
                                   int64_t at, const unsigned char pub[YZ_SIGN_PUB_BYTES],
                                   unsigned char msg[YZ_EVENT_SIGMSG_MAX])
{
    size_t off = m_str(msg, 0, "yizhan-checkpoint/1");
    put_i64(msg + off, event_id);
    off += 8;
    memcpy(msg + off, hash, YZ_EVENT_HASH_BYTES);
    off += YZ_EVENT_HASH_BYTES;
    put_i64(msg + off, at);
    off += 8;
    memcpy(msg + off, pub, YZ_SIGN_PUB_BYTES);
    return off + YZ_SIGN_PUB_BYTES;
}

/* ---- canonical JSON ---- */

/* The checks (UTF-8 without NUL, no reals, the depth) are made by the writer
 * on its way through: a separate walk of the tree first was a twelfth of a
 * bulk import's preparing. */
char *yz_event_canonical_json(const json_t *obj)
{
    if (!obj || !json_is_object(obj))
        return NULL;
    return yz_json_dumps_canonical(obj, YZ_EVENT_PAYLOAD_DEPTH, true);
}

char *yz_event_canonical_json_trusted(const json_t *obj)
{
    if (!obj || !json_is_object(obj))
        return NULL;
    return yz_json_dumps_canonical(obj, YZ_EVENT_PAYLOAD_DEPTH, false);
}

bool yz_event_canonical_write(struct yz_buf *out, const json_t *obj, bool trusted)
{
    return obj && json_is_object(obj) &&
           yz_json_write_canonical(out, obj, YZ_EVENT_PAYLOAD_DEPTH, !trusted);
}

/* ---- validation ---- */

static bool name_ok(const char *s, size_t max)
{
    if (!s || !*s)
        return false;
    size_t n = 0;
    for (; s[n]; n++) {
        if (n >= max || s[n] < 0x21 || s[n] > 0x7e)
            return false;
    }
    return true;
}

static bool channel_ok(const char *c)
{
    if (!c)
        return false;
    for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
        if (strcmp(c, channels[i]) == 0)
            return true;
    return false;
}

/* Why a payload is refused; the reason is logged, the payload never is (it may hold PII). */
static enum yz_err payload_check(const char *payload, const char **why)
{
    if (!payload) {
        *why = "payload missing";
        return YZ_ERR_VALIDATION;
    }
    size_t n = strnlen(payload, (size_t)YZ_EVENT_PAYLOAD_MAX + 1);
    if (n > YZ_EVENT_PAYLOAD_MAX) {
        *why = "payload larger than 256 KiB";
        return YZ_ERR_PAYLOAD_TOO_LARGE;
    }
    if (!yz_utf8_valid(payload, n)) {
        *why = "payload is not valid UTF-8";
        return YZ_ERR_INVALID_UTF8;
    }
    json_error_t je;
    json_t *j = json_loadb(payload, n, JSON_REJECT_DUPLICATES, &je);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        *why = "payload is not a JSON object";
        return YZ_ERR_VALIDATION;
    }
    char *canon = yz_event_canonical_json(j);
    json_decref(j);
    enum yz_err rc = YZ_OK;
    if (!canon) {
        *why = "payload holds a floating-point number, a NUL or nests too deep";
        rc = YZ_ERR_VALIDATION;
    } else if (strcmp(canon, payload) != 0) {
        *why = "payload is not in canonical form (use yz_event_canonical_json)";
        rc = YZ_ERR_VALIDATION;
    }
    free(canon);
    return rc;
}

enum yz_err yz_event__names_check(const struct yz_event *ev, const char **why)
{
    if (!name_ok(ev->stream, YZ_EVENT_STREAM_MAX)) {
        *why = "stream empty, too long or not printable ASCII";
        return YZ_ERR_VALIDATION;
    }
    if (!name_ok(ev->type, YZ_EVENT_TYPE_MAX)) {
        *why = "type empty, too long or not printable ASCII";
        return YZ_ERR_VALIDATION;
    }
    if (!channel_ok(ev->channel)) {
        *why = "unknown channel";
        return YZ_ERR_VALIDATION;
    }
    if (ev->actor_id < 0 || ev->on_behalf_of < 0 || ev->at < 0) {
        *why = "negative actor_id, on_behalf_of or at";
        return YZ_ERR_VALIDATION;
    }
    return YZ_OK;
}

static enum yz_err event_check(const struct yz_event *ev, const char **why)
{
    enum yz_err rc = yz_event__names_check(ev, why);
    return rc == YZ_OK ? payload_check(ev->payload, why) : rc;
}

/* ---- append ---- */

/* Steps a single-row query past its row so no statement is left open. */
static void finish(struct yz_stmt *st)
{
    bool row = true;
    while (row && yz_step(st, &row) == YZ_OK)
        ;
}

/* Copies a 32-byte hash column; false when it is not 32 bytes. */
static bool col_hash(struct yz_stmt *st, int col, unsigned char out[YZ_EVENT_HASH_BYTES])
{
    size_t n;
    const void *p = yz_col_blob(st, col, &n);
    if (n != YZ_EVENT_HASH_BYTES || !p)
        return false;
    memcpy(out, p, YZ_EVENT_HASH_BYTES);
    return true;
}

/* Reads the newest event and the chain head and checks they agree. */
enum yz_err yz_event__chain_tip(struct yz_tx *tx, int64_t *last_id,
                             unsigned char last_hash[YZ_EVENT_HASH_BYTES])
{
    bool row, have_last, have_head, hashes_ok = true;
    int64_t head_id = 0;
    unsigned char head_hash[YZ_EVENT_HASH_BYTES];

    *last_id = 0;
    memset(last_hash, 0, YZ_EVENT_HASH_BYTES);
    memset(head_hash, 0, sizeof head_hash);

    struct yz_stmt *st = yz_sql(tx, &sql_last);
    enum yz_err rc = yz_step(st, &row);
    if (rc != YZ_OK)
        return rc;
    have_last = row;
    if (row) {
        *last_id = yz_col_i64(st, 0);
        hashes_ok = col_hash(st, 1, last_hash);
        finish(st);
    }

    st = yz_sql(tx, &sql_head);
    rc = yz_step(st, &row);
    if (rc != YZ_OK)
        return rc;
    have_head = row;
    if (row) {
        head_id = yz_col_i64(st, 0);
        hashes_ok = col_hash(st, 1, head_hash) && hashes_ok;
        finish(st);
    }

    if (have_last != have_head || !hashes_ok || head_id != *last_id ||
        sodium_memcmp(head_hash, last_hash, YZ_EVENT_HASH_BYTES) != 0) {
        yz_log_error("audit: the chain head (event %lld) does not match the newest event "
                     "(%lld); refusing to append. Run `yizhan audit verify`.",
                     (long long)head_id, (long long)*last_id);
        return YZ_ERR_INTERNAL;
    }
    return YZ_OK;
}

enum yz_err yz_event_chain_tip(struct yz_tx *tx, int64_t *id,
                               unsigned char hash[YZ_EVENT_HASH_BYTES])
{
    return yz_event__chain_tip(tx, id, hash);
}

enum yz_err yz_event__stream_seq(struct yz_tx *tx, const char *stream, int64_t *seq)
{
    bool row;
    struct yz_stmt *st = yz_sql(tx, &sql_stream_seq);
    yz_bind_text(st, 1, stream);
    enum yz_err rc = yz_step(st, &row);
    if (rc != YZ_OK)
        return rc;
    *seq = row && !yz_col_null(st, 0) ? yz_col_i64(st, 0) + 1 : 1;
    if (row)
        finish(st);
    return YZ_OK;
}

static void bind_id_or_null(struct yz_stmt *st, int idx, int64_t v)
{
    if (v)
        yz_bind_i64(st, idx, v);
    else
        yz_bind_null(st, idx);
}

/* Signs the chain head as the transaction leaves it (a before-commit hook):
 * one signature per commit, however many events the group appended. */
static enum yz_err sign_head(struct yz_tx *tx, void *keys)
{
    bool row;
    struct yz_stmt *st = yz_sql(tx, &sql_head);
    enum yz_err rc = yz_step(st, &row);
    if (rc != YZ_OK)
        return rc;
    unsigned char hash[YZ_EVENT_HASH_BYTES];
    if (!row || !col_hash(st, 1, hash)) {
        if (row)
            finish(st);
        yz_log_error("audit: no chain head to sign at commit");
        return YZ_ERR_INTERNAL;
    }
    int64_t id = yz_col_i64(st, 0);
    finish(st);
    unsigned char msg[YZ_EVENT_SIGMSG_MAX], sig[YZ_SIGN_BYTES];
    yz_sign(keys, msg, yz_event_head_message(id, hash, msg), sig);
    st = yz_sql(tx, &sql_sign_head);
    yz_bind_blob(st, 1, sig, sizeof sig);
    return yz_exec(st);
}

enum yz_err yz_event__insert(struct yz_tx *tx, const struct yz_event_row *r,
                             const unsigned char prev_hash[YZ_EVENT_HASH_BYTES],
                             const unsigned char hash[YZ_EVENT_HASH_BYTES])
{
    /* By reference: every value outlives the step below (store.h). */
    struct yz_stmt *st = yz_sql(tx, &sql_insert);
    yz_bind_i64(st, 1, r->id);
    yz_bind_textn_ref(st, 2, r->stream, r->stream_len);
    yz_bind_i64(st, 3, r->stream_seq);
    yz_bind_textn_ref(st, 4, r->type, r->type_len);
    bind_id_or_null(st, 5, r->actor_id);
    bind_id_or_null(st, 6, r->on_behalf_of);
    yz_bind_textn_ref(st, 7, r->channel, r->channel_len);
    yz_bind_i64(st, 8, r->at);
    yz_bind_textn_ref(st, 9, r->payload, r->payload_len);
    yz_bind_blob_ref(st, 10, prev_hash, YZ_EVENT_HASH_BYTES);
    yz_bind_blob_ref(st, 11, hash, YZ_EVENT_HASH_BYTES);
    return yz_exec(st);
}

enum yz_err yz_event__move_head(struct yz_tx *tx, const struct yz_keys *keys, int64_t id,
                                const unsigned char hash[YZ_EVENT_HASH_BYTES])
{
    /* The head follows every append, so the next append in this transaction
     * checks against it; its signature is made once, before the commit. */
    static const unsigned char unsigned_head[YZ_SIGN_BYTES];
    struct yz_stmt *st = yz_sql(tx, &sql_upsert_head);
    yz_bind_i64(st, 1, id);
    yz_bind_blob(st, 2, hash, YZ_EVENT_HASH_BYTES);
    yz_bind_blob(st, 3, unsigned_head, sizeof unsigned_head);
    enum yz_err rc = yz_exec(st);
    if (rc == YZ_OK)
        yz_tx_before_commit(tx, sign_head, (void *)keys);
    return rc;
}

enum yz_err yz_event__checkpoint(struct yz_tx *tx, const struct yz_keys *keys, int64_t id,
                                 const unsigned char hash[YZ_EVENT_HASH_BYTES])
{
    unsigned char msg[YZ_EVENT_SIGMSG_MAX], ck_sig[YZ_SIGN_BYTES];
    const unsigned char *pub = yz_keys_audit_pub(keys);
    int64_t at = yz_time_now_ms();
    yz_sign(keys, msg, yz_event_checkpoint_message(id, hash, at, pub, msg), ck_sig);
    struct yz_stmt *st = yz_sql(tx, &sql_checkpoint);
    yz_bind_i64(st, 1, id);
    yz_bind_blob(st, 2, hash, YZ_EVENT_HASH_BYTES);
    yz_bind_i64(st, 3, at);
    yz_bind_blob(st, 4, pub, YZ_SIGN_PUB_BYTES);
    yz_bind_blob(st, 5, ck_sig, sizeof ck_sig);
    return yz_exec(st);
}

/* Appends ev; payload_known_canonical when the caller made ev->payload with
 * yz_event_canonical_json just now, so that parsing it again to check it
 * would only repeat work (a tenth of a create's CPU). */
static enum yz_err append(struct yz_tx *tx, const struct yz_keys *keys, const struct yz_event *ev,
                          bool payload_known_canonical, int64_t checkpoint_every,
                          int64_t *event_id_out, int64_t *stream_seq_out)
{
    const char *why = NULL;
    int64_t prev_id, seq;
    unsigned char prev_hash[YZ_EVENT_HASH_BYTES], hash[YZ_EVENT_HASH_BYTES];

    if (checkpoint_every < 1 || checkpoint_every > YZ_EVENT_CHECKPOINT_EVERY_MAX)
        YZ_BUG("checkpoint_every %lld out of range", (long long)checkpoint_every);
    if (!keys || !ev)
        YZ_BUG("yz_event_append without keys or event");

    enum yz_err rc = payload_known_canonical ? yz_event__names_check(ev, &why)
                                             : event_check(ev, &why);
    if (rc == YZ_OK && payload_known_canonical && strlen(ev->payload) > YZ_EVENT_PAYLOAD_MAX) {
        why = "payload larger than 256 KiB";
        rc = YZ_ERR_PAYLOAD_TOO_LARGE;
    }
    if (rc != YZ_OK) {
        yz_log_warn("audit: event refused (stream %s, type %s): %s",
                    name_ok(ev->stream, YZ_EVENT_STREAM_MAX) ? ev->stream : "?",
                    name_ok(ev->type, YZ_EVENT_TYPE_MAX) ? ev->type : "?", why);
        return rc;
    }
    rc = yz_event__chain_tip(tx, &prev_id, prev_hash);
    if (rc != YZ_OK)
        return rc;
    rc = yz_event__stream_seq(tx, ev->stream, &seq);
    if (rc != YZ_OK)
        return rc;

    struct yz_event_row r = {
        .id = prev_id + 1,
        .stream = ev->stream,
        .stream_len = strlen(ev->stream),
        .stream_seq = seq,
        .type = ev->type,
        .type_len = strlen(ev->type),
        .actor_id = ev->actor_id,
        .on_behalf_of = ev->on_behalf_of,
        .channel = ev->channel,
        .channel_len = strlen(ev->channel),
        .at = ev->at ? ev->at : yz_time_now_ms(),
        .payload = ev->payload,
        .payload_len = strlen(ev->payload),
    };
    yz_event_hash(prev_hash, &r, hash);

    rc = yz_event__insert(tx, &r, prev_hash, hash);
    if (rc == YZ_OK)
        rc = yz_event__move_head(tx, keys, r.id, hash);
    if (rc == YZ_OK && r.id % checkpoint_every == 0)
        rc = yz_event__checkpoint(tx, keys, r.id, hash);
    if (rc != YZ_OK)
        return rc;

    if (event_id_out)
        *event_id_out = r.id;
    if (stream_seq_out)
        *stream_seq_out = r.stream_seq;
    return YZ_OK;
}

enum yz_err yz_event_append(struct yz_tx *tx, const struct yz_keys *keys, const struct yz_event *ev,
                            int64_t checkpoint_every, int64_t *event_id_out,
                            int64_t *stream_seq_out)
{
    return append(tx, keys, ev, false, checkpoint_every, event_id_out, stream_seq_out);
}

enum yz_err yz_event_append_json(struct yz_tx *tx, const struct yz_keys *keys,
                                 const struct yz_event *ev, const json_t *payload,
                                 int64_t checkpoint_every, int64_t *event_id_out,
                                 int64_t *stream_seq_out)
{
    if (!ev)
        YZ_BUG("yz_event_append_json without an event");
    char *text = yz_event_canonical_json(payload);
    if (!text) {
        yz_log_warn("audit: event refused (stream %s, type %s): payload is not an object, "
                    "holds a floating-point number, a NUL or nests too deep",
                    name_ok(ev->stream, YZ_EVENT_STREAM_MAX) ? ev->stream : "?",
                    name_ok(ev->type, YZ_EVENT_TYPE_MAX) ? ev->type : "?");
        return YZ_ERR_VALIDATION;
    }
    struct yz_event with_text = *ev;
    with_text.payload = text;
    enum yz_err rc =
        append(tx, keys, &with_text, true, checkpoint_every, event_id_out, stream_seq_out);
    free(text);
    return rc;
}

/* ---- reading ---- */

static json_t *id_or_null(struct yz_stmt *st, int col)
{
    int64_t v = yz_col_null(st, col) ? 0 : yz_col_i64(st, col);
    return v ? json_integer(v) : json_null();
}

enum yz_err yz_events_list(struct yz_tx *tx, const char *stream, int64_t after_seq, int limit,
                           json_t **out_array)
{
    *out_array = NULL;
    if (!name_ok(stream, YZ_EVENT_STREAM_MAX) || after_seq < 0)
        return YZ_ERR_VALIDATION;
    int cap = yz_tx_max_rows(tx);
    if (limit <= 0 || limit > cap)
        limit = cap;

    json_t *arr = json_array();
    struct yz_stmt *st = yz_sql(tx, &sql_list);
    yz_bind_text(st, 1, stream);
    yz_bind_i64(st, 2, after_seq);
    yz_bind_i64(st, 3, limit);
    enum yz_err rc;
    for (;;) {
        bool row;
        rc = yz_step(st, &row);
        if (rc != YZ_OK || !row)
            break;
        json_error_t je;
        json_t *payload = json_loads(yz_col_text(st, 7), JSON_REJECT_DUPLICATES, &je);
        if (!payload) {
            yz_log_error("audit: event %lld has a payload that does not parse: %s",
                         (long long)yz_col_i64(st, 0), je.text);
            rc = YZ_ERR_INTERNAL;
            break;
        }
        json_t *o = json_object();
        json_object_set_new(o, "event_id", json_integer(yz_col_i64(st, 0)));
        json_object_set_new(o, "seq", json_integer(yz_col_i64(st, 1)));
        json_object_set_new(o, "type", json_string(yz_col_text(st, 2)));
        json_object_set_new(o, "actor_id", id_or_null(st, 3));
        json_object_set_new(o, "on_behalf_of", id_or_null(st, 4));
        json_object_set_new(o, "channel", json_string(yz_col_text(st, 5)));
        json_object_set_new(o, "at", json_integer(yz_col_i64(st, 6)));
        json_object_set_new(o, "payload", payload);
        json_array_append_new(arr, o);
    }
    if (rc != YZ_OK) {
        (void)yz_sql(tx, &sql_list); /* resets it: no cursor left open on the connection */
        json_decref(arr);
        return rc;
    }
    *out_array = arr;
    return YZ_OK;
}
