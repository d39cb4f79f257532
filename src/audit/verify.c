/*
 * Verification of the event log and of exported anchors (see verify.h; the
 * row format is in events.h).
 *
 * One read snapshot, two cursors walked in step: events by id and checkpoints
 * by event_id, so each checkpoint is checked right after the event it names
 * and the first problem in id order is the one reported. Per-stream seq
 * continuity is asked of the database up front as two "first offending id"
 * queries (index probes, no per-stream state here), and the answer is reported
 * when the walk reaches that id. Memory is constant whatever the history size.
 *
 * Text fields are hashed with their stored byte length (never strlen), and
 * integer fields must read back as the same decimal text, so a payload with a
 * trailing NUL and junk, or a seq stored as 5.5, is "changed" even though a C
 * string or an int64 read of it would look unchanged.
 */
#include "audit/verify.h"
#include "audit/events.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/banned.h"

#define HASH YZ_EVENT_HASH_BYTES

static struct yz_sql_def sql_seq_gap = YZ_SQL(
    "SELECT min(e.id) FROM events e WHERE e.stream_seq < 1 OR (e.stream_seq > 1 AND NOT EXISTS"
    " (SELECT 1 FROM events p WHERE p.stream = e.stream AND p.stream_seq = e.stream_seq - 1"
    " AND p.id < e.id))");
static struct yz_sql_def sql_seq_dup =
    YZ_SQL("SELECT min(e.id) FROM events e WHERE EXISTS (SELECT 1 FROM events d"
           " WHERE d.stream = e.stream AND d.stream_seq = e.stream_seq AND d.id < e.id)");
static struct yz_sql_def sql_head =
    YZ_SQL("SELECT event_id, hash, signature FROM chain_head WHERE id = 1");
static struct yz_sql_def sql_events =
    YZ_SQL("SELECT id, stream, stream_seq, type, actor_id, on_behalf_of, channel, at, payload,"
           " prev_hash, hash, sig FROM events ORDER BY id");
static struct yz_sql_def sql_checkpoints = YZ_SQL(
    "SELECT event_id, hash, at, public_key, signature FROM checkpoints ORDER BY event_id, id");
static struct yz_sql_def sql_max_id = YZ_SQL("SELECT max(id) FROM events");
static struct yz_sql_def sql_hash_of = YZ_SQL("SELECT hash FROM events WHERE id = ?");
static struct yz_sql_def sql_ck_present =
    YZ_SQL("SELECT count(*) FROM checkpoints WHERE event_id = ? AND hash = ?");

const char *yz_audit_problem_name(enum yz_audit_problem p)
{
    switch (p) {
    case YZ_AUDIT_OK:
        return "ok";
    case YZ_AUDIT_CHANGED:
        return "changed";
    case YZ_AUDIT_REMOVED:
        return "removed";
    case YZ_AUDIT_INSERTED:
        return "inserted";
    case YZ_AUDIT_REORDERED:
        return "reordered";
    case YZ_AUDIT_HEAD:
        return "head mismatch";
    case YZ_AUDIT_CHECKPOINT:
        return "checkpoint mismatch";
    case YZ_AUDIT_DOCUMENT:
        return "export document invalid";
    }
    return "unknown";
}

static enum yz_err problem(struct yz_audit_report *r, enum yz_audit_problem p, int64_t event_id,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum yz_err problem(struct yz_audit_report *r, enum yz_audit_problem p, int64_t event_id,
                           const char *fmt, ...)
{
    va_list ap;
    r->problem = p;
    r->event_id = event_id;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
    return YZ_ERR_VERIFY_FAILED;
}

/* ---- column helpers ---- */

static void finish(struct yz_stmt *st)
{
    bool row = true;
    while (row && yz_step(st, &row) == YZ_OK)
        ;
}

/* An integer column that must hold exactly an integer (NULL reads as 0 when nullable). */
static bool int_col(struct yz_stmt *st, int col, bool nullable, int64_t *v)
{
    char want[24];
    if (yz_col_null(st, col)) {
        *v = 0;
        return nullable;
    }
    *v = yz_col_i64(st, col);
    snprintf(want, sizeof want, "%lld", (long long)*v);
    return strcmp(yz_col_text(st, col), want) == 0;
}

/* A text column as its stored bytes and byte length. */
static void text_col(struct yz_stmt *st, int col, const char **p, size_t *n)
{
    const void *b = yz_col_blob(st, col, n);
    *p = b ? b : "";
    if (!b)
        *n = 0;
}

/* A blob column of exactly n bytes, copied; false when its size differs. */
static bool blob_col(struct yz_stmt *st, int col, unsigned char *out, size_t n)
{
    size_t got;
    const void *b = yz_col_blob(st, col, &got);
    if (!b || got != n)
        return false;
    memcpy(out, b, n);
    return true;
}

/* min(id) style single-value queries; 0 when NULL. */
static enum yz_err one_i64(struct yz_tx *tx, struct yz_sql_def *def, int64_t *out)
{
    bool row;
    struct yz_stmt *st = yz_sql(tx, def);
    enum yz_err rc = yz_step(st, &row);
    *out = 0;
    if (rc == YZ_OK && row) {
        *out = yz_col_null(st, 0) ? 0 : yz_col_i64(st, 0);
        finish(st);
    }
    return rc;
}

static bool sig_ok(const unsigned char *pub, const unsigned char *msg, size_t n,
                   const unsigned char sig[YZ_SIGN_BYTES])
{
    return yz_sign_verify(pub, msg, n, sig);
}

static void hex(char *out, size_t size, const unsigned char *bin, size_t n)
{
    sodium_bin2hex(out, size, bin, n);
}

/* ---- the walk ---- */

struct head {
    bool present;
    bool trusted; /* present, well-formed and signed with pub */
    int64_t event_id;
    unsigned char hash[HASH];
    unsigned char sig[YZ_SIGN_BYTES];
};

struct vctx {
    const unsigned char *pub;
    struct yz_audit_report *r;
    FILE *out;         /* export target; NULL when only verifying */
    const json_t *doc; /* the document for verify_against */
    struct head head;
    int64_t last_id;
    int64_t last_ck; /* the newest checkpoint verified so far; 0 = none */
};

static enum yz_err read_head(struct yz_tx *tx, const unsigned char *pub, struct head *h)
{
    bool row;
    memset(h, 0, sizeof *h);
    struct yz_stmt *st = yz_sql(tx, &sql_head);
    enum yz_err rc = yz_step(st, &row);
    if (rc != YZ_OK || !row)
        return rc;
    h->present = true;
    bool well_formed = int_col(st, 0, false, &h->event_id) && blob_col(st, 1, h->hash, HASH) &&
                       blob_col(st, 2, h->sig, YZ_SIGN_BYTES);
    finish(st);
    if (well_formed) {
        unsigned char msg[YZ_EVENT_SIGMSG_MAX];
        h->trusted = sig_ok(pub, msg, yz_event_head_message(h->event_id, h->hash, msg), h->sig);
    }
    return YZ_OK;
}

/*
 * A row whose hash does not match may be a genuine row moved to another id
 * (rows swapped or shifted): its content hashes correctly under its original
 * id (and a row signed on its own, as written before November 2026, still
 * carries a valid signature). Ids within MOVE_WINDOW of its place are tried,
 * nearest first; true (with *orig) when one fits. Only run once, at the
 * problem, so the bounded extra hashing does not matter.
 */
#define MOVE_WINDOW 64
static bool moved_from(const unsigned char *pub, const struct yz_event_row *row,
                       const unsigned char prev[HASH], const unsigned char stored[HASH],
                       const unsigned char *sig, int64_t *orig)
{
    unsigned char h[HASH], msg[YZ_EVENT_SIGMSG_MAX];
    if (sig && !sig_ok(pub, msg, yz_event_sig_message(stored, msg), sig))
        return false;
    struct yz_event_row moved = *row;
    for (int64_t d = 1; d <= MOVE_WINDOW; d++) {
        for (int side = 0; side < 2; side++) {
            moved.id = side ? row->id + d : row->id - d;
            if (moved.id < 1)
                continue;
            yz_event_hash(prev, &moved, h);
            if (sodium_memcmp(h, stored, HASH) == 0) {
                *orig = moved.id;
                return true;
            }
        }
    }
    return false;
}

struct seqs {
    int64_t gap; /* first id whose stream predecessor is missing or later; 0 = none */
    int64_t dup; /* first id repeating an earlier (stream, seq); 0 = none */
};

/* Checks one event row; on success its (verified) hash is in hash_out. */
static enum yz_err check_row(struct yz_tx *tx, struct vctx *v, struct yz_stmt *ev,
                             const struct seqs *seq, const unsigned char last_hash[HASH],
                             unsigned char hash_out[HASH])
{
    struct yz_audit_report *r = v->r;
    int64_t id = yz_col_i64(ev, 0);
    int64_t want = v->last_id + 1;

    if (id > want) {
        if (v->last_id == 0)
            return problem(r, YZ_AUDIT_REMOVED, want, "missing (the history starts at event %lld)",
                           (long long)id);
        return problem(r, YZ_AUDIT_REMOVED, want, "missing (ids jump from %lld to %lld)",
                       (long long)v->last_id, (long long)id);
    }
    if (id < want)
        return problem(r, YZ_AUDIT_CHANGED, id, "id out of order");
    if (v->head.trusted && id > v->head.event_id)
        return problem(r, YZ_AUDIT_INSERTED, id,
                       "comes after the signed chain head (event %lld): added outside yizhan, "
                       "or the head was rolled back",
                       (long long)v->head.event_id);

    struct yz_event_row row = {.id = id};
    unsigned char prev[HASH], stored[HASH], sig[YZ_SIGN_BYTES], calc[HASH];
    unsigned char msg[YZ_EVENT_SIGMSG_MAX];
    size_t sig_len = 0;
    text_col(ev, 1, &row.stream, &row.stream_len);
    text_col(ev, 3, &row.type, &row.type_len);
    text_col(ev, 6, &row.channel, &row.channel_len);
    text_col(ev, 8, &row.payload, &row.payload_len);
    if (!int_col(ev, 2, false, &row.stream_seq) || !int_col(ev, 4, true, &row.actor_id) ||
        !int_col(ev, 5, true, &row.on_behalf_of) || !int_col(ev, 7, false, &row.at))
        return problem(r, YZ_AUDIT_CHANGED, id, "a number field does not hold an integer");
    /* sig: empty (written since events are no longer signed one by one) or the
     * 64-byte signature of a row written before (events.h). */
    if (!yz_col_null(ev, 11))
        (void)yz_col_blob(ev, 11, &sig_len);
    if (!blob_col(ev, 9, prev, HASH) || !blob_col(ev, 10, stored, HASH) ||
        yz_col_null(ev, 11) || (sig_len != 0 && !blob_col(ev, 11, sig, YZ_SIGN_BYTES)))
        return problem(r, YZ_AUDIT_CHANGED, id, "its hash or signature field is damaged");
    const unsigned char *signed_by = sig_len ? sig : NULL;

    yz_event_hash(prev, &row, calc);
    if (sodium_memcmp(calc, stored, HASH) != 0) {
        int64_t orig;
        if (moved_from(v->pub, &row, prev, stored, signed_by, &orig))
            return problem(r, YZ_AUDIT_REORDERED, id,
                           "holds the event hashed as event %lld (rows were moved)",
                           (long long)orig);
        return problem(r, YZ_AUDIT_CHANGED, id, "content does not match its hash");
    }
    if (signed_by && !sig_ok(v->pub, msg, yz_event_sig_message(stored, msg), sig))
        return problem(r, YZ_AUDIT_CHANGED, id,
                       "content does not match its signature: re-hashed without the signing key");
    if (sodium_memcmp(prev, last_hash, HASH) != 0) {
        if (v->last_id == 0)
            return problem(r, YZ_AUDIT_REORDERED, id,
                           "is the first event but its prev_hash is not zero");
        /* This row is intact but chained on another hash than the previous
         * row's, which hashes correctly itself: that row was changed and given
         * a new hash (no key is needed for a hash), or this one came from
         * elsewhere. The first is what an edit looks like, so it is named. */
        return problem(r, YZ_AUDIT_CHANGED, v->last_id,
                       "its hash is not the one event %lld chained on: changed and re-hashed "
                       "(or event %lld does not belong after it)",
                       (long long)id, (long long)id);
    }
    int sn = row.stream_len > YZ_EVENT_STREAM_MAX ? YZ_EVENT_STREAM_MAX : (int)row.stream_len;
    if (id == seq->gap)
        return problem(r, YZ_AUDIT_REMOVED, id,
                       "stream %.*s: the event before seq %lld is missing or comes later", sn,
                       row.stream, (long long)row.stream_seq);
    if (id == seq->dup)
        return problem(r, YZ_AUDIT_INSERTED, id, "stream %.*s: seq %lld appears twice", sn,
                       row.stream, (long long)row.stream_seq);
    memcpy(hash_out, stored, HASH);
    return YZ_OK;
}

/* Checks the checkpoint at the cursor's row, which names event_id (hash: its verified hash). */
static enum yz_err check_checkpoint(struct vctx *v, struct yz_stmt *ck, int64_t event_id,
                                    const unsigned char ev_hash[HASH])
{
    unsigned char hash[HASH], pub[YZ_SIGN_PUB_BYTES], sig[YZ_SIGN_BYTES];
    unsigned char msg[YZ_EVENT_SIGMSG_MAX];
    int64_t at;
    if (!blob_col(ck, 1, hash, HASH) || !int_col(ck, 2, false, &at) ||
        !blob_col(ck, 3, pub, sizeof pub) || !blob_col(ck, 4, sig, sizeof sig))
        return problem(v->r, YZ_AUDIT_CHECKPOINT, event_id, "the checkpoint row is damaged");
    if (sodium_memcmp(pub, v->pub, sizeof pub) != 0)
        return problem(v->r, YZ_AUDIT_CHECKPOINT, event_id,
                       "the checkpoint names another public key");
    if (!sig_ok(v->pub, msg, yz_event_checkpoint_message(event_id, hash, at, pub, msg), sig))
        return problem(v->r, YZ_AUDIT_CHECKPOINT, event_id,
                       "the checkpoint's signature is invalid");
    /* Every row up to here hashes and links correctly, so the chain was
     * re-hashed after a change somewhere since the previous checkpoint. */
    if (sodium_memcmp(hash, ev_hash, HASH) != 0)
        return problem(v->r, YZ_AUDIT_CHECKPOINT, event_id,
                       "the signed checkpoint holds another hash for this event: one of events "
                       "%lld..%lld was changed, removed, inserted or moved and the chain "
                       "re-hashed",
                       (long long)v->last_ck + 1, (long long)event_id);
    v->last_ck = event_id;
    return YZ_OK;
}

static enum yz_err walk(struct yz_tx *tx, struct vctx *v)
{
    struct yz_audit_report *r = v->r;
    struct seqs seq;
    unsigned char last_hash[HASH] = {0}, hash[HASH];
    bool row, ck_have;
    int64_t ck_id = 0;

    enum yz_err rc = one_i64(tx, &sql_seq_gap, &seq.gap);
    if (rc == YZ_OK)
        rc = one_i64(tx, &sql_seq_dup, &seq.dup);
    if (rc == YZ_OK)
        rc = read_head(tx, v->pub, &v->head);
    if (rc != YZ_OK)
        return rc;

    /* Both cursors stay open for the whole walk, so nothing else may call yz_sql
     * meanwhile (the store hands out statement wrappers from a small ring). */
    struct yz_stmt *ev = yz_sql(tx, &sql_events);
    struct yz_stmt *ck = yz_sql(tx, &sql_checkpoints);
    rc = yz_step(ck, &ck_have);
    if (rc != YZ_OK)
        return rc;
    v->last_id = 0;
    v->last_ck = 0;
    for (;;) {
        rc = yz_step(ev, &row);
        if (rc != YZ_OK)
            return rc;
        if (!row)
            break;
        rc = check_row(tx, v, ev, &seq, last_hash, hash);
        if (rc != YZ_OK)
            return rc;
        int64_t id = yz_col_i64(ev, 0);
        while (ck_have) {
            if (!int_col(ck, 0, false, &ck_id))
                return problem(r, YZ_AUDIT_CHECKPOINT, id, "a checkpoint's event_id is damaged");
            if (ck_id > id)
                break;
            if (ck_id < id)
                return problem(r, YZ_AUDIT_CHECKPOINT, ck_id,
                               "a checkpoint names event %lld, which is not in the history",
                               (long long)ck_id);
            rc = check_checkpoint(v, ck, id, hash);
            if (rc != YZ_OK)
                return rc;
            r->checkpoints_checked++;
            rc = yz_step(ck, &ck_have);
            if (rc != YZ_OK)
                return rc;
        }
        v->last_id = id;
        memcpy(last_hash, hash, HASH);
        r->events_checked++;
    }

    const struct head *h = &v->head;
    int64_t last = v->last_id;
    if (!h->present) {
        if (last)
            return problem(r, YZ_AUDIT_HEAD, last,
                           "the chain head is missing (it must name the newest event)");
    } else if (!h->trusted) {
        return problem(r, YZ_AUDIT_HEAD, h->event_id,
                       "the chain head's signature is invalid or the row is damaged");
    } else if (h->event_id > last) {
        if (last == 0)
            return problem(r, YZ_AUDIT_HEAD, 1,
                           "the chain head names event %lld but there are no events: "
                           "all events were removed",
                           (long long)h->event_id);
        return problem(r, YZ_AUDIT_HEAD, last + 1,
                       "the chain head names event %lld but the history ends at event %lld: "
                       "the newest events were removed",
                       (long long)h->event_id, (long long)last);
    } else if (h->event_id != last || sodium_memcmp(h->hash, last_hash, HASH) != 0) {
        return problem(r, YZ_AUDIT_HEAD, last,
                       "the signed chain head holds another hash for this event: one of events "
                       "%lld..%lld was changed, removed, inserted or moved and the chain "
                       "re-hashed",
                       (long long)v->last_ck + 1, (long long)last);
    }
    if (ck_have) {
        int64_t named = int_col(ck, 0, false, &ck_id) ? ck_id : 0;
        return problem(r, YZ_AUDIT_REMOVED, last + 1,
                       "a checkpoint names event %lld, which is no longer in the history: "
                       "the newest events were removed",
                       (long long)named);
    }
    return YZ_OK;
}

/* ---- export ---- */

static enum yz_err write_export(struct yz_tx *tx, struct vctx *v)
{
    char pubhex[2 * YZ_SIGN_PUB_BYTES + 1], hashhex[2 * HASH + 1], sighex[2 * YZ_SIGN_BYTES + 1];
    FILE *out = v->out;
    bool row;

    hex(pubhex, sizeof pubhex, v->pub, YZ_SIGN_PUB_BYTES);
    fprintf(out,
            "{\"format\":\"" YZ_AUDIT_EXPORT_FORMAT "\",\n"
            " \"public_key\":\"%s\",\n"
            " \"exported_at\":%lld,\n"
            " \"events\":%lld,\n"
            " \"head\":",
            pubhex, (long long)yz_time_now_ms(), (long long)v->last_id);
    if (v->head.present) {
        hex(hashhex, sizeof hashhex, v->head.hash, HASH);
        hex(sighex, sizeof sighex, v->head.sig, YZ_SIGN_BYTES);
        fprintf(out, "{\"event_id\":%lld,\"hash\":\"%s\",\"signature\":\"%s\"},\n",
                (long long)v->head.event_id, hashhex, sighex);
    } else {
        fputs("null,\n", out);
    }
    fputs(" \"checkpoints\":[", out);

    /* Every row here was checked by the walk in this same snapshot. */
    struct yz_stmt *ck = yz_sql(tx, &sql_checkpoints);
    const char *sep = "\n  ";
    enum yz_err rc;
    for (;;) {
        rc = yz_step(ck, &row);
        if (rc != YZ_OK || !row)
            break;
        unsigned char hash[HASH], sig[YZ_SIGN_BYTES];
        if (!blob_col(ck, 1, hash, HASH) || !blob_col(ck, 4, sig, YZ_SIGN_BYTES))
            YZ_BUG("checkpoint changed inside a read snapshot");
        hex(hashhex, sizeof hashhex, hash, HASH);
        hex(sighex, sizeof sighex, sig, YZ_SIGN_BYTES);
        fprintf(out,
                "%s{\"event_id\":%lld,\"hash\":\"%s\",\"at\":%lld,\"public_key\":\"%s\","
                "\"signature\":\"%s\"}",
                sep, (long long)yz_col_i64(ck, 0), hashhex, (long long)yz_col_i64(ck, 2), pubhex,
                sighex);
        sep = ",\n  ";
    }
    if (rc != YZ_OK)
        return rc;
    fputs("\n ]}\n", out);
    if (fflush(out) != 0 || ferror(out))
        return YZ_ERR_STORAGE_IO;
    return YZ_OK;
}

static enum yz_err verify_tx(struct yz_tx *tx, void *ctx)
{
    struct vctx *v = ctx;
    enum yz_err rc = walk(tx, v);
    /* The walk may stop with its cursors mid-table. Fetching a statement again
     * resets it; a statement left running would keep this pooled connection's
     * read snapshot alive into its next transaction. */
    (void)yz_sql(tx, &sql_events);
    (void)yz_sql(tx, &sql_checkpoints);
    if (rc == YZ_OK && v->out)
        rc = write_export(tx, v);
    return rc;
}

enum yz_err yz_audit_verify(struct yz_store *s, const unsigned char pub[YZ_SIGN_PUB_BYTES],
                            struct yz_audit_report *report)
{
    memset(report, 0, sizeof *report);
    struct vctx v = {.pub = pub, .r = report};
    return yz_store_read(s, verify_tx, &v);
}

enum yz_err yz_audit_export_checkpoints(struct yz_store *s,
                                        const unsigned char pub[YZ_SIGN_PUB_BYTES], FILE *out,
                                        struct yz_audit_report *report)
{
    memset(report, 0, sizeof *report);
    struct vctx v = {.pub = pub, .r = report, .out = out};
    return yz_store_read(s, verify_tx, &v);
}

/* ---- the document ---- */

enum yz_err yz_audit_document_load(const char *path, json_t **out, struct yz_buf *err)
{
    *out = NULL;
    struct yz_buf b = YZ_BUF_INIT(YZ_AUDIT_DOCUMENT_MAX);
    enum yz_err rc = YZ_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        yz_buf_addf(err, "cannot open %s: %s", path, strerror(errno));
        return YZ_ERR_STORAGE_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        yz_buf_addf(err, "%s is not a regular file", path);
        rc = YZ_ERR_STORAGE_IO;
        goto out;
    }
    if (st.st_size > YZ_AUDIT_DOCUMENT_MAX) {
        yz_buf_addf(err, "%s is larger than %d bytes", path, YZ_AUDIT_DOCUMENT_MAX);
        rc = YZ_ERR_PAYLOAD_TOO_LARGE;
        goto out;
    }
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            yz_buf_addf(err, "cannot read %s: %s", path, strerror(errno));
            rc = YZ_ERR_STORAGE_IO;
            goto out;
        }
        if (n == 0)
            break;
        if (!yz_buf_add(&b, chunk, (size_t)n)) {
            yz_buf_addf(err, "%s is larger than %d bytes", path, YZ_AUDIT_DOCUMENT_MAX);
            rc = YZ_ERR_PAYLOAD_TOO_LARGE;
            goto out;
        }
    }
    json_error_t je;
    *out = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
    if (!*out) {
        yz_buf_addf(err, "%s:%d: %s", path, je.line, je.text);
        rc = YZ_ERR_MALFORMED_JSON;
    }
out:
    close(fd);
    yz_buf_release(&b);
    return rc;
}

/* Lowercase hex of exactly n bytes. */
static bool hex_field(const json_t *o, const char *key, unsigned char *out, size_t n)
{
    const json_t *j = json_object_get(o, key);
    const char *s = json_string_value(j);
    if (!s || json_string_length(j) != 2 * n)
        return false;
    for (size_t i = 0; i < 2 * n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    size_t got;
    return sodium_hex2bin(out, n, s, 2 * n, NULL, &got, NULL) == 0 && got == n;
}

static bool int_field(const json_t *o, const char *key, int64_t min, int64_t *out)
{
    const json_t *j = json_object_get(o, key);
    if (!json_is_integer(j) || json_integer_value(j) < min)
        return false;
    *out = json_integer_value(j);
    return true;
}

static enum yz_err shape(struct yz_audit_report *r, int64_t event_id, const char *what)
{
    problem(r, YZ_AUDIT_DOCUMENT, event_id, "malformed export document: %s", what);
    return YZ_ERR_BAD_REQUEST;
}

enum yz_err yz_audit_document_check(const json_t *doc, const unsigned char *pub,
                                    struct yz_audit_report *r)
{
    unsigned char dpub[YZ_SIGN_PUB_BYTES], hash[HASH], sig[YZ_SIGN_BYTES];
    unsigned char msg[YZ_EVENT_SIGMSG_MAX];
    int64_t events, head_id = 0, prev_ck = 0;

    memset(r, 0, sizeof *r);
    if (!json_is_object(doc))
        return shape(r, 0, "not a JSON object");
    const char *format = json_string_value(json_object_get(doc, "format"));
    if (!format || strcmp(format, YZ_AUDIT_EXPORT_FORMAT) != 0)
        return shape(r, 0, "format is not " YZ_AUDIT_EXPORT_FORMAT);
    if (!hex_field(doc, "public_key", dpub, sizeof dpub))
        return shape(r, 0, "public_key");
    if (!int_field(doc, "events", 0, &events))
        return shape(r, 0, "events");
    if (pub && sodium_memcmp(pub, dpub, sizeof dpub) != 0)
        return problem(r, YZ_AUDIT_DOCUMENT, 0,
                       "the export was signed with another key than this database's");

    const json_t *head = json_object_get(doc, "head");
    if (json_is_object(head)) {
        if (!int_field(head, "event_id", 1, &head_id) || !hex_field(head, "hash", hash, HASH) ||
            !hex_field(head, "signature", sig, sizeof sig))
            return shape(r, 0, "head");
        if (!yz_sign_verify(dpub, msg, yz_event_head_message(head_id, hash, msg), sig))
            return problem(r, YZ_AUDIT_DOCUMENT, head_id,
                           "the exported head's signature is invalid");
    } else if (!json_is_null(head)) {
        return shape(r, 0, "head");
    }
    if (events != head_id)
        return shape(r, 0, "events does not match the head");

    const json_t *cks = json_object_get(doc, "checkpoints");
    if (!json_is_array(cks))
        return shape(r, 0, "checkpoints");
    for (size_t i = 0; i < json_array_size(cks); i++) {
        const json_t *c = json_array_get(cks, i);
        unsigned char cpub[YZ_SIGN_PUB_BYTES];
        int64_t id, at;
        if (!json_is_object(c) || !int_field(c, "event_id", 1, &id) ||
            !hex_field(c, "hash", hash, HASH) || !int_field(c, "at", 0, &at) ||
            !hex_field(c, "public_key", cpub, sizeof cpub) ||
            !hex_field(c, "signature", sig, sizeof sig))
            return shape(r, 0, "a checkpoint entry");
        if (id <= prev_ck || id > head_id)
            return shape(r, id, "checkpoints out of order or past the head");
        if (sodium_memcmp(cpub, dpub, sizeof cpub) != 0)
            return problem(r, YZ_AUDIT_DOCUMENT, id,
                           "the exported checkpoint names another public key");
        if (!yz_sign_verify(dpub, msg, yz_event_checkpoint_message(id, hash, at, cpub, msg), sig))
            return problem(r, YZ_AUDIT_DOCUMENT, id,
                           "the exported checkpoint's signature is invalid");
        prev_ck = id;
        r->checkpoints_checked++;
    }
    return YZ_OK;
}

/* Compares one anchor (event id, hash) of the document with the database. */
static enum yz_err against_one(struct yz_tx *tx, struct vctx *v, int64_t id,
                               const unsigned char hash[HASH], int64_t matched_up_to, bool is_head)
{
    struct yz_audit_report *r = v->r;
    bool row;
    if (id > v->last_id) {
        if (v->last_id == 0)
            return problem(r, YZ_AUDIT_REMOVED, 1,
                           "the export covers events up to %lld but the database has none",
                           (long long)id);
        return problem(r, YZ_AUDIT_REMOVED, v->last_id + 1,
                       "the export covers events up to %lld but the database ends at event %lld",
                       (long long)id, (long long)v->last_id);
    }
    struct yz_stmt *st = yz_sql(tx, &sql_hash_of);
    yz_bind_i64(st, 1, id);
    enum yz_err rc = yz_step(st, &row);
    if (rc != YZ_OK)
        return rc;
    if (!row)
        return problem(r, YZ_AUDIT_REMOVED, id, "missing, but present in the export");
    unsigned char have[HASH];
    bool same = blob_col(st, 0, have, HASH) && sodium_memcmp(have, hash, HASH) == 0;
    finish(st);
    if (!same)
        return problem(r, is_head ? YZ_AUDIT_HEAD : YZ_AUDIT_CHECKPOINT, id,
                       "differs from the exported %s: events %lld..%lld were rewritten and "
                       "re-signed after the export",
                       is_head ? "head" : "checkpoint", (long long)matched_up_to + 1,
                       (long long)id);
    if (is_head)
        return YZ_OK;

    int64_t n = 0;
    st = yz_sql(tx, &sql_ck_present);
    yz_bind_i64(st, 1, id);
    yz_bind_blob(st, 2, hash, HASH);
    rc = yz_step(st, &row);
    if (rc != YZ_OK)
        return rc;
    if (row) {
        n = yz_col_i64(st, 0);
        finish(st);
    }
    if (n == 0)
        return problem(r, YZ_AUDIT_CHECKPOINT, id,
                       "the checkpoint at this event, present in the export, was removed from "
                       "the database");
    return YZ_OK;
}

static enum yz_err against_tx(struct yz_tx *tx, void *ctx)
{
    struct vctx *v = ctx;
    unsigned char hash[HASH];
    int64_t matched = 0, id;

    enum yz_err rc = one_i64(tx, &sql_max_id, &v->last_id);
    if (rc != YZ_OK)
        return rc;
    /* yz_audit_document_check has validated every field read here. */
    const json_t *cks = json_object_get(v->doc, "checkpoints");
    for (size_t i = 0; i < json_array_size(cks); i++) {
        const json_t *c = json_array_get(cks, i);
        if (!int_field(c, "event_id", 1, &id) || !hex_field(c, "hash", hash, HASH))
            YZ_BUG("export document changed after its check");
        rc = against_one(tx, v, id, hash, matched, false);
        if (rc != YZ_OK)
            return rc;
        matched = id;
        v->r->checkpoints_checked++;
    }
    const json_t *head = json_object_get(v->doc, "head");
    if (json_is_object(head)) {
        if (!int_field(head, "event_id", 1, &id) || !hex_field(head, "hash", hash, HASH))
            YZ_BUG("export document changed after its check");
        rc = against_one(tx, v, id, hash, matched, true);
        if (rc != YZ_OK)
            return rc;
        v->r->events_checked = id;
    }
    return YZ_OK;
}

enum yz_err yz_audit_verify_against(struct yz_store *s, const unsigned char pub[YZ_SIGN_PUB_BYTES],
                                    const json_t *doc, struct yz_audit_report *report)
{
    enum yz_err rc = yz_audit_document_check(doc, pub, report);
    if (rc != YZ_OK)
        return rc;
    memset(report, 0, sizeof *report);
    struct vctx v = {.pub = pub, .r = report, .doc = doc};
    return yz_store_read(s, against_tx, &v);
}
