/*
 * The court dashboard: filings by channel and by court, time to decision,
 * overdue filings, mediation outcomes and the fast-track share, for a court
 * (with the courts below it that the reader may see) over a span of days.
 * Flow figures come from the rollups (rollup.h); the overdue count is today's
 * (filing.h). Supervisors see their court and the courts below; a court
 * administrator their own court.
 */
#ifndef YZ_STATS_DASHBOARD_H
#define YZ_STATS_DASHBOARD_H

#include "core/error.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdint.h>

struct yz_tx;
struct yz_app;

/* from and to are civil dates (YYYY-MM-DD, Asia/Shanghai), both included.
 * YZ_ERR_FORBIDDEN when who may not see the court (the caller answers 404). */
enum yz_err yz_dashboard(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                         int64_t court_id, const char *from, const char *to, json_t **out);

#endif
