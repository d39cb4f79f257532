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
#include <stdbool.h>
#include <stdint.h>

struct yz_tx;
struct yz_store;

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

/* How a rebuild paces itself (YZ_ROLLUP_PACE outside tests). */
struct yz_rollup_pace {
    int64_t run_events; /* events read a step (>= 1) */
    int settle_ms;      /* a settling step takes courts until it has run this long */
    int pause_ms;       /* sleep between two steps */
};
#define YZ_ROLLUP_PACE ((struct yz_rollup_pace){262144, 500, 150})

/*
 * Recomputes every counter, daily and monthly, from the history and puts
 * right the stored ones that differ; *rows is the number of daily rows now,
 * *differed how many rows (daily and monthly) the incremental counters had
 * wrong (missing, extra or another count).
 *
 * It works in steps, each a write transaction of its own on the store's
 * writer connection, whose temp tables hold the recomputed ("fresh")
 * counters between them: it reads the history in runs of run_events events,
 * and then settles court after court: each settling step first reads the
 * events appended since the last step, so the fresh counters are the whole
 * history as that step sees it (events are append-only, and their ids grow
 * with each commit), and then puts right the stored counters of the next
 * courts. A court settled stays right, as the writes after it move its
 * stored counters as they move its fresh ones.
 *
 * What it holds in memory is one run's keys and the fresh counters (220 MB
 * at 10M cases, 1.28M daily rows), not the whole history's keys, which at
 * 10M cases (58M events) outgrew a 23 GB machine. A server writing the same
 * database waits for one step (a run of 262,144 events takes 1.2 s at 1M
 * cases, a little more at 10M; settling steps stop after 0.5 s), not for the
 * whole rebuild (34 s at 1M, 6 minutes at 10M): between two steps the rebuild
 * sleeps pause_ms, longer than the 100 ms that SQLite's busy handler sleeps
 * at most between two tries for the lock, so a writer that waits gets the
 * lock before the next step takes it. Measured beside it with the server's
 * 5 s busy timeout (bench/write_beside.py): longest wait 1.4 s at 1M, 2.3 s
 * at 10M, no write failed.
 */
enum yz_err yz_rollup_rebuild(struct yz_store *s, const struct yz_rollup_pace *pace,
                              int64_t *rows, int64_t *differed);

/* The rebuild's steps, for the tests to put other writes between them. */
struct yz_rollup_rebuild {
    int64_t upto;           /* the history's last event id at begin */
    int64_t done;           /* the events (0, done] are in the fresh counters */
    int64_t settled;        /* the courts up to this id are put right */
    bool finished;          /* every court is */
    int64_t rows, differed; /* as yz_rollup_rebuild's, once finished */
};
/* Empties the fresh counters and notes upto. */
enum yz_err yz_rollup_rebuild_begin(struct yz_tx *tx, struct yz_rollup_rebuild *r);
/* Reads the next run_events events up to upto; for while done < upto. */
enum yz_err yz_rollup_rebuild_run(struct yz_tx *tx, struct yz_rollup_rebuild *r,
                                  int64_t run_events);
/* Reads the events after done, then puts right the stored counters of the
 * courts after settled, one at least and more while under settle_ms; for
 * while !finished. */
enum yz_err yz_rollup_rebuild_settle(struct yz_tx *tx, struct yz_rollup_rebuild *r,
                                     const struct yz_rollup_pace *pace);
/* A step fails with YZ_ERR_CONFLICT, changing nothing stored, when the fresh
 * counters on the connection are not the ones the earlier steps left there
 * (the connection was opened again, or another rebuild began meanwhile). */

#endif
