/*
 * The event log: the append-only, hash-chained history of everything that
 * happens, with a signed head and signed checkpoints (DESIGN.md "The history is
 * tamper-evident").
 *
 * Every event is appended inside the caller's write transaction, together with
 * the projection it goes with, so an event exists exactly when its effect does.
 * Each row carries the hash of the previous row (a chain over all streams in id
 * order) and its own hash. After every append the single row of chain_head
 * names the newest event, and before each commit it is signed with Ed25519
 * (once per transaction, however many events a commit group appended); every
 * `checkpoint_every` events a signed checkpoint is added (these are what
 * `yizhan audit export` hands to a third party). verify.h checks all of it.
 *
 * Why the signed head and checkpoints are enough: every event's hash binds it
 * and everything before it. Whoever edits, removes, inserts or moves an event
 * without the signing key either leaves a hash or a link that does not match,
 * or re-hashes the chain from there on, which changes the hash of every later
 * event, so the next signed checkpoint, or the signed head for the events after
 * the last checkpoint, no longer holds. Events were also signed one by one
 * until November 2026 (about 25 us each, the largest cost of a bulk import);
 * those rows keep their signatures and the verifier still checks them.
 *
 * ---------------------------------------------------------------------------
 * THE FORMAT, version 1 ("yizhan-event/1"). A third party can re-implement the
 * check from this description alone: only BLAKE2b and Ed25519 are needed.
 *
 * Primitives:
 *   I64(x)  8 bytes, big-endian two's complement.
 *   STR(s)  4-byte big-endian unsigned byte length, then the bytes of s
 *           (UTF-8, no terminating NUL).
 *
 * Row fields as stored in the events table. actor_id and on_behalf_of are
 * stored as NULL when 0 (system / none); a NULL encodes as I64(0).
 *
 *   canonical(row) = STR("yizhan-event/1")
 *                    || I64(id) || STR(stream) || I64(stream_seq) || STR(type)
 *                    || I64(actor_id) || I64(on_behalf_of) || STR(channel)
 *                    || I64(at) || STR(payload)
 *
 *   hash(row)      = BLAKE2b-256(prev_hash || canonical(row))
 *                    unkeyed, 32-byte digest (libsodium crypto_generichash);
 *                    prev_hash is the hash of event id-1, 32 zero bytes for id 1.
 *
 * Signatures are Ed25519 (detached, 64 bytes) with the audit key
 * (keys.h: DIR/keys/audit_ed25519.pub), each over a domain-separated message
 * so that no signature can be replayed as another kind:
 *
 *   chain_head.signature  over STR("yizhan-head/1") || I64(event_id) || hash
 *   checkpoints.signature over STR("yizhan-checkpoint/1") || I64(event_id)
 *                              || hash || I64(at) || public_key (32 bytes)
 *   events.sig            empty (a zero-length blob) in rows written now; in
 *                         rows written before November 2026, a signature over
 *                         STR("yizhan-event-sig/1") || hash. It is not part of
 *                         the hash; a verifier checks a 64-byte one and refuses
 *                         any other length.
 *
 * Invariants a verifier checks: ids are 1, 2, 3, ... without gaps; each row's
 * prev_hash is the previous row's hash; within a stream, stream_seq is 1, 2, 3,
 * ... in id order; chain_head names the last row and its hash and is signed;
 * each checkpoint is signed and its hash is the hash of the row it names; a
 * row's sig is empty or a valid signature.
 * ---------------------------------------------------------------------------
 *
 * Payloads are canonical JSON (yz_event_canonical_json): a JSON object, compact,
 * keys sorted by byte order, UTF-8 kept as is, no floating-point numbers (money
 * is integer fen), so the same content always has the same bytes. The stored
 * payload bytes are what is hashed, so verification never re-serialises JSON.
 */
#ifndef YZ_AUDIT_EVENTS_H
#define YZ_AUDIT_EVENTS_H

#include "core/error.h"
#include "crypto/keys.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>

#define YZ_EVENT_FORMAT "yizhan-event/1"
#define YZ_EVENT_HASH_BYTES 32

#define YZ_EVENT_STREAM_MAX 128           /* bytes */
#define YZ_EVENT_TYPE_MAX 64              /* bytes */
#define YZ_EVENT_PAYLOAD_MAX (256 * 1024) /* bytes of canonical JSON */
#define YZ_EVENT_PAYLOAD_DEPTH 32         /* nesting of objects/arrays */
#define YZ_EVENT_CHECKPOINT_EVERY_MAX 1000000

struct yz_event {
    const char *stream;   /* what it is about: "matter/12", "user/3", "security" */
    const char *type;     /* e.g. "filing.submitted" */
    int64_t actor_id;     /* users.id of who did it; 0 = the system */
    int64_t on_behalf_of; /* users.id of whom it was done for (an agent's client); 0 = none */
    const char *channel;  /* hall | web | mobile | hotline | kiosk | circuit | system */
    int64_t at;           /* UTC ms; 0 = now (yz_time_now_ms) */
    const char *payload;  /* canonical JSON object: produce with yz_event_canonical_json() */
};

/*
 * Appends ev inside the caller's write transaction tx: assigns the next id and
 * the stream's next stream_seq, chains and hashes the row, moves
 * chain_head to it (signed by a before-commit hook, store.h), and when the new id is a multiple of checkpoint_every adds a
 * signed checkpoint (so with 3: at events 3, 6, 9, ...). Nothing is kept in
 * memory between calls: each call reads the newest row, so it is correct when
 * several callers' functions share one transaction.
 *
 * Validation (nothing is written when it fails):
 *   stream  1..YZ_EVENT_STREAM_MAX bytes of printable ASCII without spaces
 *   type    1..YZ_EVENT_TYPE_MAX bytes of printable ASCII without spaces
 *   channel one of the channels listed above
 *   actor_id, on_behalf_of, at >= 0
 *   payload non-NULL, at most YZ_EVENT_PAYLOAD_MAX bytes, valid UTF-8, a JSON
 *           object without floating-point numbers, nested at most
 *           YZ_EVENT_PAYLOAD_DEPTH deep, and byte-equal to its canonical form
 * Returns YZ_ERR_VALIDATION (a caller bug: the reason is logged, never the
 * payload), YZ_ERR_PAYLOAD_TOO_LARGE, YZ_ERR_INVALID_UTF8, or a storage error.
 *
 * Fails closed with YZ_ERR_INTERNAL (and an error log line) when chain_head
 * does not name the newest event: someone removed rows, and appending would
 * hide it. Writes stay refused until the history is repaired.
 *
 * checkpoint_every must be 1..YZ_EVENT_CHECKPOINT_EVERY_MAX (the config key
 * audit.checkpoint_every is bounded so); anything else is a bug (YZ_BUG).
 * On success *event_id_out and *stream_seq_out (each may be NULL) are set.
 */
enum yz_err yz_event_append(struct yz_tx *tx, const struct yz_keys *keys, const struct yz_event *ev,
                            int64_t checkpoint_every, int64_t *event_id_out,
                            int64_t *stream_seq_out);

/*
 * yz_event_append with the payload given as a JSON object: its canonical text
 * is made here (ev->payload is ignored), so it needs no second parse to be
 * checked. The same validation and results; a payload that has no canonical
 * form (see yz_event_canonical_json) is YZ_ERR_VALIDATION.
 */
enum yz_err yz_event_append_json(struct yz_tx *tx, const struct yz_keys *keys,
                                 const struct yz_event *ev, const json_t *payload,
                                 int64_t checkpoint_every, int64_t *event_id_out,
                                 int64_t *stream_seq_out);

/*
 * The canonical text of a JSON object: compact (no blanks), object keys sorted
 * by byte order at every level, non-ASCII UTF-8 kept as is; '"', '\\' and
 * control characters escaped as jansson does (\b \f \n \r \t, else \u00XX).
 * Returns NULL when obj is not an object, holds a real number anywhere, is
 * nested deeper than YZ_EVENT_PAYLOAD_DEPTH, or holds a string or key with a
 * NUL or invalid UTF-8. The caller frees the result with free().
 */
char *yz_event_canonical_json(const json_t *obj);

/*
 * The same text for a payload its caller built only from texts already
 * checked as UTF-8 without NUL where they came in (a validated filing
 * application, the caller's literals, formatted numbers, sealed and masked
 * values): those are not checked again. Reals and the nesting depth still
 * are (NULL). For the bulk import (datagen), whose every thousandth case is
 * also made through yz_event_canonical_json and compared. Never for payloads
 * holding text from outside that nothing checked.
 */
char *yz_event_canonical_json_trusted(const json_t *obj);
/* Either text (trusted: yz_event_canonical_json_trusted's) appended to out,
 * for a caller that reuses one buffer; false where those return NULL or when
 * out's cap is reached (out then holds a partial text). */
bool yz_event_canonical_write(struct yz_buf *out, const json_t *obj, bool trusted);

/*
 * A stream's history for the API, oldest first: events of `stream` with
 * stream_seq > after_seq, at most `limit` of them (limit <= 0 or above the
 * store's cap means the cap, yz_tx_max_rows). *out_array (the caller's,
 * json_decref) is an array of objects
 *   {"event_id": int, "seq": int, "type": str, "actor_id": int|null,
 *    "on_behalf_of": int|null, "channel": str, "at": int (UTC ms),
 *    "payload": object}
 * where null means system / none. Page on with after_seq = the last seq seen.
 * YZ_ERR_VALIDATION for a malformed stream name or after_seq < 0;
 * YZ_ERR_INTERNAL when a stored payload does not parse (a damaged row).
 */
enum yz_err yz_events_list(struct yz_tx *tx, const char *stream, int64_t after_seq, int limit,
                           json_t **out_array);

/*
 * Bulk appends (the synthetic-data generator, large imports): many events in
 * one write transaction, the same rows and format as yz_event_append, but the
 * chain tip is read once, the hashes are chained in memory and the chain head
 * is moved once per write (and signed before the commit, as for
 * yz_event_append). Checkpoints fall where yz_event_append would put them.
 *
 *   yz_event_batch_begin   reads and checks the chain tip (as yz_event_append)
 *   yz_event_batch_add     validates (as yz_event_append), numbers, hashes and
 *                          buffers one event; the payload is canonicalised here
 *   yz_event_batch_write   inserts every buffered event, the due
 *                          checkpoints, moves the head; the batch is then empty
 *                          and may take more events (same transaction)
 *   yz_event_batch_free    frees it (buffered events not written are dropped,
 *                          which is only right when the transaction rolls back)
 *
 * Nothing else may append to the events table in tx between begin and the
 * last write (the write fails closed if the tip moved). Stream sequence
 * numbers of streams already in the table come from the table; within the
 * batch they are counted in memory.
 */
struct yz_event_batch;
enum yz_err yz_event_batch_begin(struct yz_tx *tx, const struct yz_keys *keys,
                                 int64_t checkpoint_every, struct yz_event_batch **out);
enum yz_err yz_event_batch_add(struct yz_event_batch *b, const char *stream, const char *type,
                               int64_t actor_id, const char *channel, int64_t at,
                               const json_t *payload, int64_t *event_id_out);
/*
 * yz_event_batch_add with the payload already as its canonical text: len bytes
 * that yz_event_canonical_json returned (made by the caller, possibly on
 * another thread, so the batch's writer does not serialise JSON). Only text
 * from yz_event_canonical_json may be given: it is not parsed again, only the
 * names, the size and the object's braces are checked (YZ_ERR_VALIDATION,
 * YZ_ERR_PAYLOAD_TOO_LARGE). The text is copied.
 */
enum yz_err yz_event_batch_add_canonical(struct yz_event_batch *b, const char *stream,
                                         const char *type, int64_t actor_id, const char *channel,
                                         int64_t at, const char *canonical, size_t len,
                                         int64_t *event_id_out);
enum yz_err yz_event_batch_write(struct yz_event_batch *b);
void yz_event_batch_free(struct yz_event_batch *b);

/*
 * The format, exposed for verify.c and for tests that re-implement it. A row
 * as read from the table; lengths are byte counts.
 */
struct yz_event_row {
    int64_t id;
    const char *stream;
    size_t stream_len;
    int64_t stream_seq;
    const char *type;
    size_t type_len;
    int64_t actor_id;
    int64_t on_behalf_of;
    const char *channel;
    size_t channel_len;
    int64_t at;
    const char *payload;
    size_t payload_len;
};
/* hash(row) as defined above, with the given prev_hash. */
void yz_event_hash(const unsigned char prev_hash[YZ_EVENT_HASH_BYTES],
                   const struct yz_event_row *row, unsigned char out[YZ_EVENT_HASH_BYTES]);

/*
 * Bulk events hashed ahead, on another thread (the generator chains the next
 * batch while the last one is being written): the caller predicts the chain
 * from a tip read before (yz_event_chain_tip), numbering the ids after it and
 * the seqs of its new streams from 1, and hashes each row r with
 * yz_event_hash(prev_hash, r, hash); on_behalf_of must be 0, at set, and
 * stream, type and channel NUL-terminated at their lengths.
 *
 * yz_event_batch_add_hashed buffers such a row when the prediction holds in
 * the batch's transaction: r->id is the batch's next id, prev_hash the hash
 * of its tip and r->stream_seq the stream's next seq. The fields are checked
 * as yz_event_batch_add_canonical checks them (YZ_ERR_VALIDATION,
 * YZ_ERR_PAYLOAD_TOO_LARGE); hash is taken as given (a wrong one is what
 * `yizhan audit verify` reports). r's texts are NOT copied: they must stay
 * valid and unchanged until yz_event_batch_write has returned. When the
 * prediction does not hold (someone appended since the tip was read, or the
 * stream has events already) it buffers nothing and returns YZ_ERR_CONFLICT:
 * the caller then adds the event with yz_event_batch_add_canonical, which
 * numbers and hashes it anew (and every later prediction fails alike).
 */
enum yz_err yz_event_batch_add_hashed(struct yz_event_batch *b, const struct yz_event_row *r,
                                      const unsigned char prev_hash[YZ_EVENT_HASH_BYTES],
                                      const unsigned char hash[YZ_EVENT_HASH_BYTES]);
/* The newest event's id and hash, checked against the signed chain head as
 * yz_event_append checks it (YZ_ERR_INTERNAL when they disagree); 0 and 32
 * zero bytes for an empty log. */
enum yz_err yz_event_chain_tip(struct yz_tx *tx, int64_t *id,
                               unsigned char hash[YZ_EVENT_HASH_BYTES]);
/* The signed messages defined above; each writes into msg and returns its length
 * (yz_event_sig_message: only to verify the rows signed one by one before). */
#define YZ_EVENT_SIGMSG_MAX 128
size_t yz_event_sig_message(const unsigned char hash[YZ_EVENT_HASH_BYTES],
                            unsigned char msg[YZ_EVENT_SIGMSG_MAX]);
size_t yz_event_head_message(int64_t event_id, const unsigned char hash[YZ_EVENT_HASH_BYTES],
                             unsigned char msg[YZ_EVENT_SIGMSG_MAX]);
size_t yz_event_checkpoint_message(int64_t event_id, const unsigned char hash[YZ_EVENT_HASH_BYTES],
                                   int64_t at, const unsigned char pub[YZ_SIGN_PUB_BYTES],
                                   unsigned char msg[YZ_EVENT_SIGMSG_MAX]);

#endif
