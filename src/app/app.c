/* Opening and closing the process-wide context. */
#include "app/app.h"
#include "accounts/session_cache.h"
#include "audit/events.h"
#include "catalog/catalog.h"
#include "core/calendar.h"
#include "core/metrics.h"
#include "crypto/keys.h"
#include "forms/forms.h"
#include "kb/kb_index.h"
#include "templates/pdf.h"
#include "templates/templates.h"
#include "matters/effects.h"
#include "payments/payments.h"
#include "crypto/password.h"
#include "store/store.h"
#include "triage/rules.h"
#include "workflow/workflow.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum yz_err yz_app_open(struct yz_app *app, struct yz_buf *err)
{
    char path[4096];
    enum yz_err e = yz_crypto_init();
    if (e != YZ_OK) {
        yz_buf_adds(err, "libsodium failed to initialise");
        return e;
    }
    snprintf(app->db_path, sizeof app->db_path, "%s/yizhan.db", app->cfg.storage.dir);
    snprintf(app->keys_dir, sizeof app->keys_dir, "%s/keys", app->cfg.storage.dir);
    if ((e = yz_keys_load(app->cfg.storage.dir, &app->keys, err)) != YZ_OK)
        goto fail;
    struct yz_store_options so = {
        .path = app->db_path,
        .busy_timeout_ms = app->cfg.storage.busy_timeout_ms,
        .max_rows = app->cfg.storage.max_list_rows,
        .max_group = app->cfg.storage.max_group,
        /* Reads happen on the serving threads, and briefly on writer threads
         * (sessions, checks before a write): a few connections serve those. */
        .connections = app->cfg.server.threads + 4,
    };
    if ((e = yz_store_open(&so, &app->store, err)) != YZ_OK)
        goto fail;
    app->sessions = yz_session_cache_new(app->store);
    if (!(app->kb_index = yz_kb_index_new(YZ_KB_INDEX_ENTRIES_MAX))) {
        yz_buf_adds(err, "out of memory");
        e = YZ_ERR_INTERNAL;
        goto fail;
    }
    snprintf(path, sizeof path, "%s/workflows", app->cfg.data.dir);
    if ((e = yz_workflows_load_dir(path, yz_known_effects, &app->workflows, err)) != YZ_OK)
        goto fail;
    snprintf(path, sizeof path, "%s/holidays_cn.json", app->cfg.data.dir);
    if ((e = yz_calendar_load(path, &app->calendar, err)) != YZ_OK)
        goto fail;
    if ((e = yz_catalog_load_dir(app->cfg.data.dir, &app->catalog, err)) != YZ_OK)
        goto fail;
    if ((e = yz_forms_load_dir(app->cfg.data.dir, app->catalog, &app->forms, err)) != YZ_OK)
        goto fail;
    if ((e = yz_templates_load_dir(app->cfg.data.dir, app->catalog, &app->templates, err)) != YZ_OK)
        goto fail;
    snprintf(path, sizeof path, "%s/common-passwords.txt", app->cfg.data.dir);
    if ((e = yz_password_list_load(path, err)) != YZ_OK)
        goto fail;
    if ((e = yz_payments_load_key(app, err)) != YZ_OK)
        goto fail;
    if ((e = yz_fee_settings_from_config(&app->cfg, &app->fee_settings, err)) != YZ_OK)
        goto fail;
    if ((e = yz_wages_from_config(&app->cfg, &app->wages, err)) != YZ_OK)
        goto fail;
    if ((e = yz_triage_rules_load(app->cfg.data.dir, app->catalog, &app->triage_rules, err)) !=
        YZ_OK)
        goto fail;
    const char *missing = NULL;
    if (!yz_effects_complete(&missing)) {
        yz_buf_addf(err, "workflow effect %s has no implementation", missing);
        e = YZ_ERR_CONFIG;
        goto fail;
    }
    if ((e = yz_courts_load(app->store, &app->courts)) != YZ_OK) {
        yz_buf_adds(err, "cannot load the courts");
        goto fail;
    }
    return YZ_OK;
fail:
    yz_app_close(app);
    return e;
}

void yz_app_close(struct yz_app *app)
{
    sodium_memzero(app->payment_key, sizeof app->payment_key);
    app->payment_key_len = 0;
    yz_courts_release(&app->courts);
    yz_password_list_free();
    yz_calendar_free(app->calendar);
    app->calendar = NULL;
    yz_triage_rules_free(app->triage_rules);
    app->triage_rules = NULL;
    yz_kb_index_free(app->kb_index);
    app->kb_index = NULL;
    yz_forms_free(app->forms);
    app->forms = NULL;
    yz_templates_free(app->templates);
    app->templates = NULL;
    /* Rendering has stopped with the server: release pango's and fontconfig's caches. */
    yz_pdf_shutdown();
    yz_catalog_free(app->catalog);
    app->catalog = NULL;
    yz_workflows_free(app->workflows);
    app->workflows = NULL;
    yz_store_close(app->store);
    yz_session_cache_free(app->sessions); /* after the store: its writer calls the cache */
    app->sessions = NULL;
    app->store = NULL;
    yz_keys_free(app->keys);
    app->keys = NULL;
}

enum yz_err yz_app_record(struct yz_tx *tx, struct yz_app *app, const char *stream,
                          const char *type, int64_t actor_id, int64_t on_behalf_of,
                          const char *channel, json_t *payload, int64_t *event_id)
{
    return yz_app_record_at(tx, app, stream, type, actor_id, on_behalf_of, channel, 0, payload,
                            event_id);
}

enum yz_err yz_app_record_at(struct yz_tx *tx, struct yz_app *app, const char *stream,
                             const char *type, int64_t actor_id, int64_t on_behalf_of,
                             const char *channel, int64_t at, json_t *payload,
                             int64_t *event_id)
{
    struct yz_event ev = {
        .stream = stream,
        .type = type,
        .actor_id = actor_id,
        .on_behalf_of = on_behalf_of,
        .channel = channel,
        .at = at,
    };
    enum yz_err e = yz_event_append_json(tx, app->keys, &ev, payload,
                                         app->cfg.audit.checkpoint_every, event_id, NULL);
    if (e == YZ_ERR_VALIDATION)
        e = YZ_ERR_INTERNAL; /* the payload is the program's own: a bug, not the user's */
    if (e == YZ_OK)
        yz_metrics_event();
    return e;
}
