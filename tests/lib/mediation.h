/*
 * Helpers for the pre-filing mediation API tests (test_mediation.c,
 * test_mediation_paths.c): the demo dispute (张三 v 李四, a private loan),
 * an online application, firing an event with an expected status, and the
 * usual delegate-then-accept opening. Every helper fails the running test on
 * an unexpected answer, showing the body.
 */
#ifndef YZT_MEDIATION_H
#define YZT_MEDIATION_H

#include "lib/apitest.h"

/* The demo dispute as a filing_application document (new reference). */
json_t *yzt_med_dispute(void);

/*
 * POSTs a mediation application by party to court with consent; application
 * (reference taken) NULL means yzt_med_dispute(). Expects status (201, or 400
 * with fields/consent consent_required); returns the new matter id, or 0.
 */
int64_t yzt_med_apply(struct yzt_client *party, int64_t court, json_t *application, bool consent,
                      long status);

/* POSTs body (reference taken) to /api/v1/matters/{id}/events; expects status; r is the caller's. */
void yzt_med_fire(struct yzt_client *c, int64_t id, json_t *body, long status,
                  struct yzt_response *r);

/* The clerk delegates to the first mediator on the roster, who accepts (state mediating).
 * Returns that mediator's id. */
int64_t yzt_med_delegate_accept(struct yzt_client *clerk, struct yzt_client *mediator, int64_t id);

#endif
