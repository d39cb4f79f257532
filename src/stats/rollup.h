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
 * the channel the event came through. The incremental update and the rebuild
 * run the same SELECT over the event and its matter (one event, or all of
 * them), so that they cannot disagree. The same counters are kept per
 * calendar month (rollup_monthly) for dashboards over long spans.
 */
#ifndef YZ_STATS_ROLLUP_H
#define YZ_STATS_ROLLUP_H

#include "core/error.h"

#include <stdint.h>

struct yz_tx;

/* Counts the workflow event event_id of matter matter_id (inside its tx). */
enum yz_err yz_rollup_add(struct yz_tx *tx, int64_t matter_id, int64_t event_id);

/* Recomputes every counter, daily and monthly, from the history; *rows is
 * the number of daily rows now, *differed how many rows (daily and monthly)
 * the incremental counters had wrong (missing, extra or another count). */
enum yz_err yz_rollup_rebuild(struct yz_tx *tx, int64_t *rows, int64_t *differed);

#endif
