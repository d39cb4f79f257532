/*
 * Helpers for API tests that use the demo court system (yizhan init --demo):
 * log in as a demo account (staff get their TOTP code from `yizhan user code`),
 * find a court's id by its code, and POST with a fresh Idempotency-Key.
 */
#ifndef YZT_DEMO_H
#define YZT_DEMO_H

#include "lib/apitest.h"

#define YZT_DEMO_PASSWORD "Yizhan-Demo-2026"

/* Logs in a demo account by phone (parties, lawyers) or username (staff). */
void yzt_demo_login(struct yzt_client *c, const char *login);
/* The id of the court with this case-number code (e.g. "渝0103"). */
int64_t yzt_court_id(struct yzt_client *c, const char *code);
/* POSTs json (reference taken) with a new Idempotency-Key. */
void yzt_post_new(struct yzt_client *c, const char *path, json_t *json, struct yzt_response *r);

#endif
