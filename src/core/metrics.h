/*
 * Process metrics in Prometheus text format: requests and latency histograms
 * by route (the route name, never the raw path), database transactions and
 * appended events. Counters are lock-free atomics; rendering reads them
 * without stopping the world, so a scrape may be a few requests stale.
 */
#ifndef YZ_CORE_METRICS_H
#define YZ_CORE_METRICS_H

#include "core/buf.h"

#include <stdbool.h>

#include <stdint.h>

/* route_index -1 = unmatched. */
void yz_metrics_request(int route_index, int status, int64_t duration_us);
void yz_metrics_db(bool write, bool ok);
void yz_metrics_event(void);
void yz_metrics_denial(void);
/* Appends the exposition text; route_names[i] names route index i. */
void yz_metrics_render(struct yz_buf *out, const char *const *route_names, size_t n);

#endif
