/*
 * For src/audit only: the pieces of an append (events.c) that the bulk
 * appender (events_batch.c) shares, so both write the same rows.
 */
#ifndef YZ_AUDIT_EVENTS_INTERNAL_H
#define YZ_AUDIT_EVENTS_INTERNAL_H

#include "audit/events.h"

/* stream, type, channel, actor_id, on_behalf_of and at of ev (not the payload). */
enum yz_err yz_event__names_check(const struct yz_event *ev, const char **why);
/* The newest event, checked against the signed chain head (fails closed). */
enum yz_err yz_event__chain_tip(struct yz_tx *tx, int64_t *last_id,
                                unsigned char last_hash[YZ_EVENT_HASH_BYTES]);
/* The next stream_seq of stream in the table. */
enum yz_err yz_event__stream_seq(struct yz_tx *tx, const char *stream, int64_t *seq);
/* Inserts one row as hashed (no signature of its own: events.h). */
enum yz_err yz_event__insert(struct yz_tx *tx, const struct yz_event_row *r,
                             const unsigned char prev_hash[YZ_EVENT_HASH_BYTES],
                             const unsigned char hash[YZ_EVENT_HASH_BYTES]);
/* Moves the chain head to event id; it is signed once, before the commit. */
enum yz_err yz_event__move_head(struct yz_tx *tx, const struct yz_keys *keys, int64_t id,
                                const unsigned char hash[YZ_EVENT_HASH_BYTES]);
/* Signs and stores a checkpoint at event id. */
enum yz_err yz_event__checkpoint(struct yz_tx *tx, const struct yz_keys *keys, int64_t id,
                                 const unsigned char hash[YZ_EVENT_HASH_BYTES]);

#endif
