/*
 * Registered cases for API tests of what comes after filing (class cases,
 * document templates, payments, fee relief): a filing application with a
 * chosen plaintiff, cause and claims, filed at the window by a clerk or
 * online by a party, and registered at once.
 */
#ifndef YZT_CASES_H
#define YZT_CASES_H

#include "lib/apitest.h"

#include <stdbool.h>

/* A plaintiff: an organisation (credit_code set) or a natural person (citizen_id set). */
struct yzt_plaintiff {
    const char *name;
    const char *credit_code; /* organisations */
    const char *citizen_id;  /* natural persons */
};

/* A filing_application document (new reference): plaintiff p against the
 * natural person defendant, cause (2025 code, case type 民初), claims, facts
 * and amount (fen; negative = none). */
json_t *yzt_case_application(const struct yzt_plaintiff *p, const char *defendant,
                             const char *cause_code, const char *claims, const char *facts,
                             int64_t amount_fen);

/* The clerk (a filing_clerk of court) files application (reference taken) at
 * the window and registers it. Returns the matter id; the case number goes to
 * number (may be NULL). Fails the test on any unexpected answer. */
int64_t yzt_case_register(struct yzt_client *clerk, int64_t court, json_t *application,
                          char *number, size_t number_size);

/* The fee of the loan case below: 100,000 yuan claimed, 2,300 yuan. */
#define YZT_LOAN_CASE_FEE_FEN 230000

/* The demo party 张三's loan case against 李四 (100,000 yuan), filed online
 * by who (titled title) at court, so that who takes part in it (pays, asks
 * for fee relief), and registered by the clerk with a fee of
 * YZT_LOAN_CASE_FEE_FEN. Returns the matter id; fails the test otherwise. */
int64_t yzt_case_online_loan(struct yzt_client *who, struct yzt_client *clerk, int64_t court,
                             const char *title);

/* The case's fee_payment deadline as staff (of its court) see it: its due
 * date into due, and whether it runs. Fails the test when there is none. */
bool yzt_case_fee_deadline(struct yzt_client *staff, int64_t case_id, char due[16]);

#endif
