/*
 * Dashboard rollups: counters of matter events, kept in the same transaction
 * as each event and rebuildable from the history.
 *
 * One row per (court, day in Asia/Shanghai, matter kind, workflow event,
 * state before, resulting state, channel, whole days to decision) counts the events with
 * that key; "days" is -1 except for a filing's decision (registered or
 * refused), where it is the whole days from submission, so that the decision
 * time's distribution (average, percentiles) comes from the counters too. The
 * channel is the filing channel the event's fields name (窗口, 网上...) or else
 * the channel the event came through. The same counters are kept per
 * calendar month (rollup_monthly) for dashboards over long spans.
 *
 * The rebuild derives the keys in SQL from the stored events and matters
 * (ROLLUP_KEY in rollup.c, also migration 13's); the incremental update
 * derives the same keys in C from what the event's recorder has in hand, so
 * that a create does not read its event back and parse its payload again
 * (about an eighth of a create's instructions). `yizhan rollup rebuild`
 * reports any counter where the two disagree; a test holds them equal.
 */
#ifndef YZ_STATS_ROLLUP_H
#define YZ_STATS_ROLLUP_H

#include "core/error.h"

#include <jansson.h>
#include <stdint.h>

struct yz_tx;

/* The matter an event is about, as its row holds it. */
struct yz_rollup_matter {
    int64_t court_id;
    const char *kind;
    int64_t created_at; /* UTC ms */
};

/* Counts one event of matter m's stream (inside the event's tx), given as
 * appended: its type, channel, time (UTC ms) and payload. Like the rebuild,
 * it counts only workflow events: type "KIND.EVENT" of the matter's kind and
 * the payload's "event", with a resulting state "to"; anything else is left
 * out. */
enum yz_err yz_rollup_add(struct yz_tx *tx, const struct yz_rollup_matter *m, const char *type,
                          const char *channel, int64_t at, const json_t *payload);

/* Recomputes every counter, daily and monthly, from the history and puts
 * right the stored ones that differ; *rows is the number of daily rows now,
 * *differed how many rows (daily and monthly) the incremental counters had
 * wrong (missing, extra or another count). It reads the history in runs of
 * YZ_ROLLUP_RUN_EVENTS events: what it holds in memory is one run's keys
 * and the recomputed counters (220 MB in all at 10M cases, 1.28M daily
 * rows), not the whole history's keys, which at 10M cases (58M events)
 * outgrew a 23 GB machine. */
enum yz_err yz_rollup_rebuild(struct yz_tx *tx, int64_t *rows, int64_t *differed);

#define YZ_ROLLUP_RUN_EVENTS 262144
/* The same in runs of run_events (>= 1) events (the tests use small runs to
 * show that the runs add up). */
enum yz_err yz_rollup_rebuild_in_runs(struct yz_tx *tx, int64_t run_events, int64_t *rows,
                                      int64_t *differed);

#endif
