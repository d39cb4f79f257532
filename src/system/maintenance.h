/*
 * Housekeeping while serving: idempotency records past their retention,
 * sessions long expired, stale login-throttle rows. Runs at start and then
 * every interval on its own thread; each pass is one bounded transaction.
 */
#ifndef YZ_SYSTEM_MAINTENANCE_H
#define YZ_SYSTEM_MAINTENANCE_H

#include "app/app.h"

struct yz_maintenance;

/* One pass now; returns rows removed. */
enum yz_err yz_maintenance_pass(struct yz_app *app, int64_t *removed);
/* Starts the background thread; interval_s >= 1. */
struct yz_maintenance *yz_maintenance_start(struct yz_app *app, int interval_s);
/* Stops and joins it; NULL is harmless. */
void yz_maintenance_stop(struct yz_maintenance *m);

#endif
