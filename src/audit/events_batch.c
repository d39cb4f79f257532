/*
 * Bulk appends to the event log (events.h, yz_event_batch_*): the rows of
 * yz_event_append, made cheaper for large imports. An append costs three reads
 * and a head update; a batch reads the tip once, numbers the streams in
 * memory and moves the head once per write (signed once, at the commit).
 */
#include "audit/events.h"
#include "audit/events_internal.h"
#include "core/clock.h"
#include "core/log.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define STREAMS_MIN 1024 /* slots of the stream table; grows at half full */

struct pending {
    struct yz_event_row r;
    char *text; /* stream, type, channel and payload, one allocation; NULL: the caller's */
    unsigned char prev_hash[YZ_EVENT_HASH_BYTES], hash[YZ_EVENT_HASH_BYTES];
};

struct stream_slot {
    char *name; /* owned */
    int64_t seq; /* the last one given */
};

struct yz_event_batch {
    struct yz_tx *tx;
    const struct yz_keys *keys;
    int64_t checkpoint_every;
    int64_t tip_id;                          /* last event numbered (buffered or written) */
    unsigned char tip_hash[YZ_EVENT_HASH_BYTES];
    int64_t written_id;                      /* last event in the table */
    struct pending *ev;
    size_t n, cap;
    struct stream_slot *streams; /* open addressing: the streams this batch numbered */
    size_t nstreams, stream_cap;
};

enum yz_err yz_event_batch_begin(struct yz_tx *tx, const struct yz_keys *keys,
                                 int64_t checkpoint_every, struct yz_event_batch **out)
{
    if (checkpoint_every < 1 || checkpoint_every > YZ_EVENT_CHECKPOINT_EVERY_MAX || !keys)
        YZ_BUG("yz_event_batch_begin: bad arguments");
    *out = NULL;
    struct yz_event_batch *b = yz_calloc(1, sizeof *b);
    b->tx = tx;
    b->keys = keys;
    b->checkpoint_every = checkpoint_every;
    enum yz_err rc = yz_event__chain_tip(tx, &b->tip_id, b->tip_hash);
    if (rc != YZ_OK) {
        free(b);
        return rc;
    }
    b->written_id = b->tip_id;
    b->stream_cap = STREAMS_MIN;
    b->streams = yz_calloc(b->stream_cap, sizeof *b->streams);
    *out = b;
    return YZ_OK;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static struct stream_slot *slot_of(struct stream_slot *t, size_t cap, const char *name)
{
    size_t i = (size_t)fnv1a(name) & (cap - 1);
    while (t[i].name && strcmp(t[i].name, name) != 0)
        i = (i + 1) & (cap - 1);
    return &t[i];
}

static void streams_grow(struct yz_event_batch *b)
{
    size_t cap = b->stream_cap * 2;
    struct stream_slot *t = yz_calloc(cap, sizeof *t);
    for (size_t i = 0; i < b->stream_cap; i++)
        if (b->streams[i].name)
            *slot_of(t, cap, b->streams[i].name) = b->streams[i];
    free(b->streams);
    b->streams = t;
    b->stream_cap = cap;
}

/* The stream's slot, its seq the last one given: counted here once the batch
 * has looked the stream up in the table. */
static enum yz_err stream_of(struct yz_event_batch *b, const char *stream, struct stream_slot **out)
{
    struct stream_slot *s = slot_of(b->streams, b->stream_cap, stream);
    if (!s->name) {
        int64_t next;
        enum yz_err rc = yz_event__stream_seq(b->tx, stream, &next);
        if (rc != YZ_OK)
            return rc;
        s->name = yz_strdup(stream);
        s->seq = next - 1;
        if (++b->nstreams * 2 > b->stream_cap) {
            streams_grow(b);
            s = slot_of(b->streams, b->stream_cap, stream);
        }
    }
    *out = s;
    return YZ_OK;
}

static struct pending *pending_new(struct yz_event_batch *b)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 1024;
        b->ev = yz_realloc(b->ev, b->cap * sizeof *b->ev);
    }
    struct pending *p = &b->ev[b->n++];
    memset(p, 0, sizeof *p);
    return p;
}

/* Numbers, hashes and buffers one event whose canonical payload text (len
 * bytes) was checked; takes ownership of text (a malloc'd copy is made). */
static enum yz_err buffer_event(struct yz_event_batch *b, const char *stream, const char *type,
                                int64_t actor_id, const char *channel, int64_t at,
                                const char *text, size_t lp, int64_t *event_id_out)
{
    struct stream_slot *slot;
    enum yz_err rc = stream_of(b, stream, &slot);
    if (rc != YZ_OK)
        return rc;
    int64_t seq = ++slot->seq;
    struct pending *p = pending_new(b);
    size_t ls = strlen(stream), lt = strlen(type), lc = strlen(channel);
    p->text = yz_malloc(ls + lt + lc + lp + 4);
    char *w = p->text;
    memcpy(w, stream, ls + 1);
    p->r.stream = w, p->r.stream_len = ls, w += ls + 1;
    memcpy(w, type, lt + 1);
    p->r.type = w, p->r.type_len = lt, w += lt + 1;
    memcpy(w, channel, lc + 1);
    p->r.channel = w, p->r.channel_len = lc, w += lc + 1;
    memcpy(w, text, lp);
    w[lp] = '\0';
    p->r.payload = w, p->r.payload_len = lp;
    p->r.id = b->tip_id + 1;
    p->r.stream_seq = seq;
    p->r.actor_id = actor_id;
    p->r.at = at ? at : yz_time_now_ms();
    memcpy(p->prev_hash, b->tip_hash, YZ_EVENT_HASH_BYTES);
    yz_event_hash(p->prev_hash, &p->r, p->hash);
    b->tip_id = p->r.id;
    memcpy(b->tip_hash, p->hash, YZ_EVENT_HASH_BYTES);
    if (event_id_out)
        *event_id_out = p->r.id;
    return YZ_OK;
}

/* The checks every bulk event gets besides its payload's canonical form. */
static enum yz_err names_and_size(const char *stream, const char *type, int64_t actor_id,
                                  const char *channel, int64_t at, size_t payload_len)
{
    const char *why = NULL;
    struct yz_event ev = {.stream = stream, .type = type, .actor_id = actor_id,
                          .channel = channel, .at = at, .payload = ""};
    enum yz_err rc = yz_event__names_check(&ev, &why);
    if (rc == YZ_OK && payload_len > YZ_EVENT_PAYLOAD_MAX) {
        why = "payload larger than 256 KiB";
        rc = YZ_ERR_PAYLOAD_TOO_LARGE;
    }
    if (rc != YZ_OK)
        yz_log_warn("audit: bulk event refused (type %s): %s", type ? type : "?", why);
    return rc;
}

enum yz_err yz_event_batch_add(struct yz_event_batch *b, const char *stream, const char *type,
                               int64_t actor_id, const char *channel, int64_t at,
                               const json_t *payload, int64_t *event_id_out)
{
    char *text = yz_event_canonical_json(payload);
    if (!text) {
        yz_log_warn("audit: bulk event refused (type %s): %s", type ? type : "?",
                    "payload is not a JSON object in canonical form");
        return YZ_ERR_VALIDATION;
    }
    size_t lp = strlen(text);
    enum yz_err rc = names_and_size(stream, type, actor_id, channel, at, lp);
    if (rc == YZ_OK)
        rc = buffer_event(b, stream, type, actor_id, channel, at, text, lp, event_id_out);
    free(text);
    return rc;
}

enum yz_err yz_event_batch_add_canonical(struct yz_event_batch *b, const char *stream,
                                         const char *type, int64_t actor_id, const char *channel,
                                         int64_t at, const char *canonical, size_t len,
                                         int64_t *event_id_out)
{
    if (!canonical || len < 2 || canonical[0] != '{' || canonical[len - 1] != '}' ||
        memchr(canonical, '\0', len)) {
        yz_log_warn("audit: bulk event refused (type %s): %s", type ? type : "?",
                    "payload is not a canonical JSON object text");
        return YZ_ERR_VALIDATION;
    }
    enum yz_err rc = names_and_size(stream, type, actor_id, channel, at, len);
    return rc == YZ_OK
               ? buffer_event(b, stream, type, actor_id, channel, at, canonical, len, event_id_out)
               : rc;
}

enum yz_err yz_event_batch_add_hashed(struct yz_event_batch *b, const struct yz_event_row *r,
                                      const unsigned char prev_hash[YZ_EVENT_HASH_BYTES],
                                      const unsigned char hash[YZ_EVENT_HASH_BYTES])
{
    /* What add_canonical checks (the names are NUL-terminated at their lengths). */
    if (!r->stream || !r->type || !r->channel || !r->payload || r->payload_len < 2 ||
        r->payload[0] != '{' || r->payload[r->payload_len - 1] != '}' ||
        memchr(r->payload, '\0', r->payload_len) || strlen(r->stream) != r->stream_len ||
        strlen(r->type) != r->type_len || strlen(r->channel) != r->channel_len ||
        r->on_behalf_of != 0) {
        yz_log_warn("audit: bulk event refused (type %s): %s", r->type ? r->type : "?",
                    "not a canonical JSON object text or mismatched lengths");
        return YZ_ERR_VALIDATION;
    }
    enum yz_err rc =
        names_and_size(r->stream, r->type, r->actor_id, r->channel, r->at, r->payload_len);
    if (rc != YZ_OK)
        return rc;
    /* The prediction: the next id after the tip, chained to it, the stream's next seq. */
    if (r->at == 0 || r->id != b->tip_id + 1 ||
        memcmp(prev_hash, b->tip_hash, YZ_EVENT_HASH_BYTES) != 0)
        return YZ_ERR_CONFLICT;
    struct stream_slot *slot;
    if ((rc = stream_of(b, r->stream, &slot)) != YZ_OK)
        return rc;
    if (r->stream_seq != slot->seq + 1)
        return YZ_ERR_CONFLICT;
    slot->seq++;
    struct pending *p = pending_new(b);
    p->r = *r;
    memcpy(p->prev_hash, prev_hash, YZ_EVENT_HASH_BYTES);
    memcpy(p->hash, hash, YZ_EVENT_HASH_BYTES);
    b->tip_id = r->id;
    memcpy(b->tip_hash, hash, YZ_EVENT_HASH_BYTES);
    return YZ_OK;
}

static void drop_buffered(struct yz_event_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->ev[i].text);
    b->n = 0;
}

enum yz_err yz_event_batch_write(struct yz_event_batch *b)
{
    if (b->n == 0)
        return YZ_OK;
    /* Nothing else may have appended meanwhile: the buffered chain starts at written_id. */
    int64_t last_id;
    unsigned char last_hash[YZ_EVENT_HASH_BYTES];
    enum yz_err rc = yz_event__chain_tip(b->tx, &last_id, last_hash);
    if (rc == YZ_OK && (last_id != b->written_id ||
                        memcmp(last_hash, b->ev[0].prev_hash, YZ_EVENT_HASH_BYTES) != 0)) {
        yz_log_error("audit: the chain moved during a bulk append; refusing to write it");
        rc = YZ_ERR_INTERNAL;
    }
    for (size_t i = 0; rc == YZ_OK && i < b->n; i++) {
        struct pending *p = &b->ev[i];
        rc = yz_event__insert(b->tx, &p->r, p->prev_hash, p->hash);
        if (rc == YZ_OK && p->r.id % b->checkpoint_every == 0)
            rc = yz_event__checkpoint(b->tx, b->keys, p->r.id, p->hash);
    }
    if (rc == YZ_OK)
        rc = yz_event__move_head(b->tx, b->keys, b->ev[b->n - 1].r.id, b->ev[b->n - 1].hash);
    if (rc == YZ_OK)
        b->written_id = b->ev[b->n - 1].r.id;
    drop_buffered(b);
    return rc;
}

void yz_event_batch_free(struct yz_event_batch *b)
{
    if (!b)
        return;
    drop_buffered(b);
    free(b->ev);
    for (size_t i = 0; i < b->stream_cap; i++)
        free(b->streams[i].name);
    free(b->streams);
    free(b);
}
