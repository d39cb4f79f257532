/*
 * Filing (立案): the filing application document, the correction notice, and
 * the effects of registration (case number, fee). The procedure itself —
 * submit, request correction, correct, register, refuse, withdraw, with the
 * 7-day decision period — is data: data/workflows/filing.json.
 */
#ifndef YZ_FILING_FILING_H
#define YZ_FILING_FILING_H

#include "matters/documents.h"
#include "matters/effects.h"

/* Limits of an application. */
#define YZ_FILING_MAX_PARTIES 50
#define YZ_FILING_MAX_EVIDENCE 200
#define YZ_FILING_MAX_ATTACHMENTS 200
#define YZ_FILING_MAX_AMOUNT_FEN INT64_C(100000000000000) /* 1 trillion yuan */

/* Document schema "filing_application": parties, claims, amount, facts,
 * evidence list, service-address confirmation, attachments. */
enum yz_err yz_filing_prepare_application(struct yz_app *app, const json_t *in, const char *path,
                                          json_t **out, struct yz_field_errors *fe);
/* Document schema "correction_notice": the one-time notice of everything to correct. */
enum yz_err yz_filing_prepare_correction(struct yz_app *app, const json_t *in, const char *path,
                                         json_t **out, struct yz_field_errors *fe);

/* Effect "assign_case_number": the next number of the court, year and type code. */
enum yz_err yz_filing_assign_case_number(struct yz_effect_ctx *c);
/* Effects "link_applicants" (plaintiffs, at submission) and "link_parties"
 * (everyone, at registration): parties with an account become participants. */
enum yz_err yz_filing_link_applicants(struct yz_effect_ctx *c);
enum yz_err yz_filing_link_parties(struct yz_effect_ctx *c);
/* Effect "forward_filing": the receiving court hands a cross-region filing to
 * the court with jurisdiction (a new filing matter there, linked both ways). */
enum yz_err yz_filing_forward(struct yz_effect_ctx *c);
/* Gives to_matter its own attachment rows for from_matter's files (the bytes
 * are shared: content-addressed) and points to_matter's application at them. */
enum yz_err yz_filing_copy_files(struct yz_tx *tx, int64_t from_matter, int64_t to_matter);
/* A party's identity for keyed lookups: "uscc:<credit code>" or "cid:<citizen
 * ID>" (opened from its seal), or "" when the filing gives neither. The
 * result is personal data: hash it and wipe it. */
#define YZ_FILING_IDENTITY_MAX 64
enum yz_err yz_filing_party_identity(struct yz_app *app, const json_t *party, char *out,
                                     size_t size);
/* The same from the clear citizen ID that the party's citizen_id_enc was
 * sealed from (NULL when it has none), for a caller that holds it: the
 * bulk import, which sealed it (opening every seal again was a fifteenth of
 * its preparing). */
void yz_filing_party_identity_clear(const json_t *party, const char *citizen_id, char *out,
                                    size_t size);
/* Effect "attach_uploads": binds the uploads an application names to the matter. */
enum yz_err yz_filing_attach_uploads(struct yz_effect_ctx *c);
/* Effect "record_decision": when and how fast a filing was decided. */
enum yz_err yz_filing_record_decision(struct yz_effect_ctx *c);
/* The hash that finds a case by number and query code (progress lookup). */
enum yz_err yz_filing_query_hash(struct yz_app *app, const char *case_number, const char *code,
                                 char out[65]);
/* Effect "compute_fee": the acceptance fee of the registered case. */
enum yz_err yz_filing_compute_fee(struct yz_effect_ctx *c);

/* Pending filings (submitted or awaiting correction) per court, and how many
 * of them are past their decision deadline today (Asia/Shanghai): each() is
 * called once per court that has any. */
typedef void (*yz_filing_overdue_fn)(void *arg, int64_t court_id, int64_t pending,
                                     int64_t overdue);
enum yz_err yz_filing_overdue_counts(struct yz_tx *tx, yz_filing_overdue_fn each, void *arg);

#endif
