/*
 * Verifying the event log (format: events.h) and anchoring it outside the
 * database.
 *
 * yz_audit_verify() proves, with only the audit public key, that no event was
 * changed, removed, inserted or reordered and that the newest events were not
 * cut off, as long as whoever touched the database did not hold the signing
 * key. It names the FIRST problem in event-id order. A change that is
 * re-hashed all along the chain (BLAKE2b needs no key) is found at the next
 * signed checkpoint, or at the signed head when it lies after the last
 * checkpoint, which then names the span of events it happened in.
 *
 * Someone holding the key can rewrite and re-sign the whole history. Against
 * that, the checkpoints and the signed head are exported to a document that a
 * third party keeps (yz_audit_export_checkpoints); yz_audit_verify_against()
 * later checks the database against that document: every event it anchors must
 * still be there with the same hash, which a rewrite cannot achieve without
 * breaking BLAKE2b.
 *
 * THE EXPORT DOCUMENT, version "yizhan-audit-export/1" (JSON; hashes, keys and
 * signatures are lowercase hex; times UTC ms):
 *   {"format": "yizhan-audit-export/1",
 *    "public_key": hex(32),          the audit key everything below is signed with
 *    "exported_at": int,
 *    "events": int,                  events in the database at export (= head.event_id)
 *    "head": {"event_id": int, "hash": hex(32), "signature": hex(64)} | null,
 *    "checkpoints": [{"event_id": int, "hash": hex(32), "at": int,
 *                     "public_key": hex(32), "signature": hex(64)}, ...]}
 * Signatures are over the messages defined in events.h (chain_head and
 * checkpoints). Checkpoints are in ascending event_id order and none is past
 * the head. A third party checks the document with the public key alone
 * (yz_audit_document_check), and the database against it later.
 */
#ifndef YZ_AUDIT_VERIFY_H
#define YZ_AUDIT_VERIFY_H

#include "core/buf.h"
#include "core/error.h"
#include "crypto/keys.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#define YZ_AUDIT_EXPORT_FORMAT "yizhan-audit-export/1"
#define YZ_AUDIT_DOCUMENT_MAX (64 * 1024 * 1024) /* bytes; ~150,000 checkpoints */

/*
 * What the first problem is. Per event, in this order: an id gap (REMOVED at
 * the first missing id); a row after the signed head (INSERTED); a row whose
 * content does not hash to its stored hash (REORDERED when its content hashes
 * under a nearby id, i.e. rows were moved; otherwise CHANGED); a row signed on
 * its own (written before November 2026) that hashes correctly but whose
 * signature fails, or a signature field neither empty nor 64 bytes (CHANGED);
 * the first event (REORDERED) or a row (CHANGED, named at the previous event)
 * whose prev_hash is not the previous row's hash although it is itself intact:
 * the previous row was changed and given a new hash; a stream seq gap
 * (REMOVED) or repeat (INSERTED); then the checkpoints naming this event
 * (CHECKPOINT, also when the chain was re-hashed since the previous one). After
 * the last event: the head (HEAD, also when the chain was re-hashed after the
 * last checkpoint), then checkpoints naming events that are gone (REMOVED).
 */
enum yz_audit_problem {
    YZ_AUDIT_OK = 0,
    YZ_AUDIT_CHANGED,    /* "changed" */
    YZ_AUDIT_REMOVED,    /* "removed" */
    YZ_AUDIT_INSERTED,   /* "inserted" */
    YZ_AUDIT_REORDERED,  /* "reordered" */
    YZ_AUDIT_HEAD,       /* "head mismatch": head missing, unsigned, past the end, wrong hash */
    YZ_AUDIT_CHECKPOINT, /* "checkpoint mismatch": bad checkpoint, or differs from the export */
    YZ_AUDIT_DOCUMENT,   /* "export document invalid": the export fails its own signatures */
};

struct yz_audit_report {
    enum yz_audit_problem problem;
    int64_t event_id;            /* the event the problem is at; 0 when none applies */
    int64_t events_checked;      /* events verified completely */
    int64_t checkpoints_checked; /* checkpoints verified completely */
    char detail[320];            /* one English line saying exactly what is wrong */
};

/* Stable English name of a problem kind ("changed", "head mismatch", ...). */
const char *yz_audit_problem_name(enum yz_audit_problem p);

/*
 * Walks every event in id order in one read snapshot: recomputes each hash,
 * checks the signature of each row that has one, the prev_hash linkage, id continuity, per-stream seq
 * continuity, every checkpoint (signature, key, and the hash of the event it
 * names) and the chain head (present, signed, naming the last event and its
 * hash). Memory does not grow with the history: rows are streamed.
 * Returns YZ_OK when everything holds, YZ_ERR_VERIFY_FAILED when a problem was
 * found (report says which, where and what), a storage error otherwise.
 * The report is always filled (zeroed first).
 */
enum yz_err yz_audit_verify(struct yz_store *s, const unsigned char pub[YZ_SIGN_PUB_BYTES],
                            struct yz_audit_report *report);

/*
 * Verifies (as yz_audit_verify) and, only when that succeeds, writes the export
 * document to out, both from the same snapshot, so a tampered history is never
 * anchored. Memory does not grow with the number of checkpoints. Returns
 * YZ_ERR_VERIFY_FAILED (nothing written) when verification fails,
 * YZ_ERR_STORAGE_IO when writing to out fails.
 */
enum yz_err yz_audit_export_checkpoints(struct yz_store *s,
                                        const unsigned char pub[YZ_SIGN_PUB_BYTES], FILE *out,
                                        struct yz_audit_report *report);

/*
 * Reads an export document of at most YZ_AUDIT_DOCUMENT_MAX bytes. *out is the
 * caller's (json_decref). YZ_ERR_STORAGE_IO when unreadable,
 * YZ_ERR_PAYLOAD_TOO_LARGE, YZ_ERR_MALFORMED_JSON; detail in err.
 */
enum yz_err yz_audit_document_load(const char *path, json_t **out, struct yz_buf *err);

/*
 * Checks a document on its own (what a third party does offline): its shape,
 * that it is signed with pub (or, when pub is NULL, with the key it names),
 * every signature, ascending checkpoints, none past the head.
 * YZ_ERR_BAD_REQUEST when its shape is wrong, YZ_ERR_VERIFY_FAILED when a
 * signature or the key does not match; both with report->problem =
 * YZ_AUDIT_DOCUMENT and the detail. YZ_OK otherwise.
 */
enum yz_err yz_audit_document_check(const json_t *doc, const unsigned char *pub,
                                    struct yz_audit_report *report);

/*
 * Checks the database against a document exported earlier: the document must
 * pass yz_audit_document_check with pub, every event it anchors (each
 * checkpoint and the head) must still be in the database with the same hash,
 * and each exported checkpoint must still be in the checkpoints table. Run
 * yz_audit_verify as well: this only compares the anchored points.
 * report->checkpoints_checked counts the matched checkpoints, events_checked
 * the events the document covers. Returns as yz_audit_verify (and
 * YZ_ERR_BAD_REQUEST for a malformed document).
 */
enum yz_err yz_audit_verify_against(struct yz_store *s, const unsigned char pub[YZ_SIGN_PUB_BYTES],
                                    const json_t *doc, struct yz_audit_report *report);

#endif
