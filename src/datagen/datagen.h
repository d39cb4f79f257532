/*
 * Synthetic court data at scale (`yizhan generate`, issue 7): filing matters
 * of the Chongqing courts with their whole history, written through the
 * product's schema so that the server, `yizhan audit verify` and
 * `yizhan rollup rebuild` accept the result.
 *
 * Each case is a filing application prepared by the product's own document
 * code (yz_filing_prepare_application: validation, citizen IDs, phones and
 * addresses sealed), then taken along the filing workflow to a state drawn for
 * its age: submitted, correction requested, refused, withdrawn, registered,
 * decided into a track (small claims, simplified, ordinary, pre-trial
 * mediation) or closed. Every step is an event in the hash chain (the
 * workflow event, and at registration the case-number and fee effects), the
 * projection follows (matters, participants, deadlines, cases with their
 * case numbers and query-code hashes, case_sequences, triage party keys) and
 * the dashboard counters (rollup_daily) are kept as the events are written.
 *
 * The mix (model.c): courts weighted by size, causes from the catalogue with
 * a skewed distribution (the common ones named, a Zipf tail), amounts
 * log-normal in fen, filing channels, decision times, tracks and trial
 * durations. Deterministic for a seed (except the sealed values' nonces, the
 * signatures' input times of checkpoints and the query codes).
 *
 * Staff steps are recorded with the system as actor (actor_id NULL, the
 * role in the payload); the filers are the data directory's party and lawyer
 * accounts (init --demo makes four). Not generated: attachments, outbox
 * messages, triage proposals, assignments, payments.
 *
 * Speed: two threads. The caller's thread draws and prepares a batch of cases
 * (the model, the applications with their seals, the projection's and every
 * event's canonical JSON text, the application's text made once for both,
 * case numbers, fees, deadlines, triage keys, the batch's counters, and the
 * matter ids and event hashes as they will be if nothing else writes) while a
 * writing thread writes the previous batch (two batch buffers). The draws
 * happen in case order on one thread, so a seed gives the same data as before.
 * One write transaction per batch in the store's bulk mode (store.h
 * yz_store_bulk: no savepoint, commits unsynced until the synced final
 * checkpoint, also after a failure; foreign keys not enforced, the parents
 * checked once per batch instead), cached prepared statements, texts bound
 * without copies (yz_bind_text_ref), matter ids counted from the batch's
 * highest instead of returned, the events appended in bulk as hashed ahead
 * (audit/events.h yz_event_batch_add_hashed; when someone else wrote matters
 * or events meanwhile, numbered and hashed anew from their prepared text by
 * yz_event_batch_add_canonical; the chain head signed once per batch), the
 * dashboard counters of a batch written in key order, the months' summed
 * over the batch. An import that adds at least as many matters as there were
 * drops the indexes keyed by hashes first and builds them once at its end
 * (store.h yz_tx_defer_indexes), also after a failure; nothing it reads needs
 * them.
 */
#ifndef YZ_DATAGEN_DATAGEN_H
#define YZ_DATAGEN_DATAGEN_H

#include "core/error.h"
#include "core/buf.h"

#include <jansson.h>
#include <stdint.h>

struct yz_app;

struct yz_datagen_options {
    int64_t cases;      /* how many filings */
    uint64_t seed;      /* the random mix */
    int batch;          /* cases per transaction */
    int days;           /* filings spread over this many days up to yesterday */
    void (*progress)(void *arg, int64_t done, int64_t total);
    void *progress_arg;
};

struct yz_datagen_stats {
    int64_t cases, registered, events;
    int64_t first_matter_id, last_matter_id;
    int64_t index_build_ms; /* building the deferred indexes at the end; -1: not deferred */
};

/* Generates and writes; on failure err says why (what was committed stays). */
enum yz_err yz_datagen_run(struct yz_app *app, const struct yz_datagen_options *opt,
                           struct yz_datagen_stats *stats, struct yz_buf *err);

/* ---- the mix (model.c) ---- */

struct yz_rng {
    uint64_t s[4];
};
void yz_rng_seed(struct yz_rng *r, uint64_t seed);
uint64_t yz_rng_next(struct yz_rng *r);
double yz_rng_unit(struct yz_rng *r);          /* [0, 1) */
int64_t yz_rng_below(struct yz_rng *r, int64_t n); /* [0, n) */
double yz_rng_normal(struct yz_rng *r);

/* A weighted choice among n items (cumulative weights). */
struct yz_pick {
    double *cum;
    size_t n;
};
void yz_pick_init(struct yz_pick *p, const double *weights, size_t n);
size_t yz_pick(const struct yz_pick *p, struct yz_rng *r);
void yz_pick_free(struct yz_pick *p);

/* One filing application as a filer would submit it (the input of the
 * filing_application document). */
struct yz_datagen_case_input {
    const char *cause_code;
    int64_t amount_fen; /* -1: none claimed */
    json_t *application;
};
struct yz_datagen_model;
enum yz_err yz_datagen_model_new(struct yz_app *app, struct yz_datagen_model **out,
                                 struct yz_buf *err);
void yz_datagen_model_free(struct yz_datagen_model *m);
void yz_datagen_case(struct yz_datagen_model *m, struct yz_rng *r, const char *court_name,
                     struct yz_datagen_case_input *out);
/* The court of the next filing (index into app->courts), weighted by size. */
size_t yz_datagen_court(struct yz_datagen_model *m, struct yz_rng *r);

#endif
