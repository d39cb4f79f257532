/*
 * The application context: everything a request or a CLI command needs that
 * lives for the whole process (configuration, store, keys, workflows, the
 * holiday calendar). Opened once from a configuration; read-only afterwards
 * except through the store.
 */
#ifndef YZ_APP_APP_H
#define YZ_APP_APP_H

#include "core/buf.h"
#include "core/config.h"
#include "core/error.h"
#include "courts/courts.h"
#include "fees/fees.h"
#include "triage/wage.h"

struct yz_store;
struct yz_keys;
struct yz_workflows;
struct yz_calendar;
struct yz_catalog;
struct yz_forms;
struct yz_templates;
struct yz_triage_rules;
struct yz_session_cache;
struct yz_kb_index;

struct yz_app {
    struct yz_config cfg;
    struct yz_store *store;
    struct yz_session_cache *sessions; /* resolved sessions (accounts/session_cache.h) */
    struct yz_keys *keys;
    struct yz_workflows *workflows;
    struct yz_calendar *calendar;
    struct yz_catalog *catalog; /* causes, case types, materials: read-only */
    struct yz_forms *forms;     /* element-style complaint forms: read-only */
    struct yz_templates *templates; /* court document templates: read-only */
    struct yz_courts courts; /* in-memory copy for the policy */
    struct yz_fee_settings fee_settings; /* the province's figures (configuration) */
    struct yz_wages wages;                 /* average wage by date (small claims) */
    struct yz_triage_rules *triage_rules;  /* data/triage/rules.json: read-only */
    struct yz_kb_index *kb_index;          /* the knowledge base's ranking (kb/kb_index.h) */
    unsigned char payment_key[128]; /* the fee gateway's callback key; 0 length = none */
    size_t payment_key_len;
    char db_path[4096];
    char keys_dir[4096];
};

/* Opens the store, keys, workflows and calendar named by app->cfg (which the
 * caller has filled). On error everything opened so far is closed. */
enum yz_err yz_app_open(struct yz_app *app, struct yz_buf *err);
/* Closes what yz_app_open opened (not the configuration: the caller owns it). */
void yz_app_close(struct yz_app *app);

/* Appends one event (payload canonicalised here, a new reference is not
 * taken: the caller still owns payload) inside tx with the app's keys and
 * checkpoint interval. event_id may be NULL. */
struct yz_tx;
#include <jansson.h>
#include <stdint.h>
enum yz_err yz_app_record(struct yz_tx *tx, struct yz_app *app, const char *stream,
                          const char *type, int64_t actor_id, int64_t on_behalf_of,
                          const char *channel, json_t *payload, int64_t *event_id);
/* yz_app_record at the time at (UTC ms, > 0) instead of now: for a caller that
 * needs the event's time itself (the dashboard counters, stats/rollup.h). */
enum yz_err yz_app_record_at(struct yz_tx *tx, struct yz_app *app, const char *stream,
                             const char *type, int64_t actor_id, int64_t on_behalf_of,
                             const char *channel, int64_t at, json_t *payload,
                             int64_t *event_id);

#endif
