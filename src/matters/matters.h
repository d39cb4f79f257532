/*
 * Matters: anything with a lifecycle, driven by the workflow definitions in
 * data/workflows. Creating a matter and firing an event on it each run in one
 * transaction that appends the event to the matter's history (stream
 * "matter/<id>"), updates the projection (matters, participants, deadlines)
 * and so can never drift from the history.
 */
#ifndef YZ_MATTERS_MATTERS_H
#define YZ_MATTERS_MATTERS_H

#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

struct yz_matter_new {
    const char *kind;
    int64_t court_id;
    const char *title;
    const json_t *fields;
    const char *channel;
    /* Internal creation by an effect (cross-region forwarding): the fields are
     * already prepared, and staff may create in the court named here. */
    bool internal;
};

/* Creates a matter by the kind's creating event. Validation problems go to fe. */
enum yz_err yz_matter_create(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             const struct yz_matter_new *m, struct yz_field_errors *fe,
                             int64_t *id);
/* Fires event on matter id. expected_version 0 = do not check. */
enum yz_err yz_matter_fire(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           int64_t id, const char *event, const json_t *fields,
                           int64_t expected_version, const char *channel, const char *route,
                           struct yz_field_errors *fe);
/* Fires an event for the court from inside another matter's effect (a failed
 * mediation returning its filing): no policy or role check, fields as given. */
enum yz_err yz_matter_fire_internal(struct yz_tx *tx, struct yz_app *app,
                                    const struct yz_principal *who, int64_t id, const char *event,
                                    const json_t *fields, const char *channel,
                                    struct yz_field_errors *fe);
/* The history stream of matter id ("matter/<id>"): its events, whoever records them. */
#define YZ_MATTER_STREAM_MAX 32
void yz_matter_stream(int64_t id, char *out, size_t size);
/* The matter as the caller may see it (NOT_FOUND when the policy says no). */
enum yz_err yz_matter_get(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          int64_t id, const char *route, json_t **out);
/* The same as JSON text appended to out (view.c): what yz_matter_get's value
 * is written as, without building it. */
enum yz_err yz_matter_get_text(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, int64_t id, const char *route,
                               struct yz_buf *out);
/* Only the decision: may who read matter id (NOT_FOUND when not)? */
enum yz_err yz_matter_check_read(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, int64_t id, const char *route);
/* Starts (or restarts) deadline d of matter id today, on the holiday calendar. */
struct yz_wf_deadline;
enum yz_err yz_matter_start_deadline(struct yz_tx *tx, struct yz_app *app, int64_t id,
                                     const struct yz_wf_deadline *d);
/* The same counted from day `from` (a period that runs from an earlier date,
 * such as a trial period from the day of registration). */
#include "core/clock.h"
enum yz_err yz_matter_start_deadline_from(struct yz_tx *tx, struct yz_app *app, int64_t id,
                                          const struct yz_wf_deadline *d, struct yz_date from);
/* Matters the caller may see, newest first; before_id 0 = from the newest:
 * {"items": [matter without data], "limit": n} as JSON text appended to out.
 * A fee-relief application's item also has fee_relief {case_matter_id,
 * relief, case_number?} (the case it is for). */
enum yz_err yz_matter_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           const char *kind, const char *state, int64_t before_id, int limit,
                           struct yz_buf *out);

#endif
