/*
 * A court's business settings: policy values that belong to the court and
 * that its court admin changes at run time, without a restart. Today one:
 *
 *   average_wage  the province's previous-year average annual wage in force
 *                 by date (triage/wage.h; small claims up to 50 % of it).
 *
 * RULE: court-setting-precedence — one rule for every setting: the court's
 * own value (stored in court_settings through the API) wins; a court that
 * has none takes the configuration's value (INI file, environment or --set,
 * itself over the built-in default). So the configuration is the city-wide
 * default and the database holds only what a court set for itself; clearing
 * a court's value (an empty text) returns it to the configuration. GET
 * /api/v1/settings shows each effective value and where it comes from
 * ("court", "config" or "default").
 *
 * Infrastructure (ports, paths, sessions, gateways) and the province's fee
 * figures stay in the configuration only: they are the same for every court
 * and checked when the server starts.
 *
 * Every change is an event "settings.changed" {key, from, to, reason} on the
 * stream "court/<id>", in the transaction that writes the row.
 */
#ifndef YZ_SETTINGS_SETTINGS_H
#define YZ_SETTINGS_SETTINGS_H

#include "core/error.h"
#include "core/fielderr.h"
#include "policy/principal.h"
#include "triage/wage.h"

#include <jansson.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

#define YZ_SETTING_VALUE_MAX 1024 /* bytes of one setting's text */
#define YZ_SETTING_REASON_MAX 500 /* code points */

/* The average wage in force for court_id's cases: the court's own list, or
 * the configuration's. *source: "court" or "config" (a static string). */
enum yz_err yz_settings_wages(struct yz_tx *tx, struct yz_app *app, int64_t court_id,
                              struct yz_wages *out, const char **source);

/* {court_id, items: [{key, title, description, value, entries, source,
 * config_key, config_value, updated_at, updated_by}]}: every setting of the
 * caller's court with its effective value. YZ_ERR_FORBIDDEN unless
 * yz_policy_court_settings allows. */
enum yz_err yz_settings_get(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            json_t **out);

/* Sets (or, with "", clears) the caller's court's own value of each member
 * of values (an object of key -> text) with reason; every bad value into fe
 * (field = key), nothing written then. A value equal to the current one
 * records nothing. *out: as yz_settings_get. */
enum yz_err yz_settings_change(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, const char *channel,
                               const json_t *values, const char *reason,
                               struct yz_field_errors *fe, json_t **out);

#endif
