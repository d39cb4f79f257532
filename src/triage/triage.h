/*
 * Triage (分调裁审, the separation half): after registration the system
 * proposes a track — pre-trial mediation, small claims, simplified or
 * ordinary procedure — with a score and the rules that produced it
 * (rules.h); a triage officer confirms or overrides it with a reason; a
 * simplified case can later be converted to ordinary procedure (简转繁).
 * Proposals and decisions are rows (for the queue and the agreement report)
 * and events in the matter's history (for the record). The procedure itself
 * is data/workflows/filing.json; this module implements its effects.
 */
#ifndef YZ_TRIAGE_TRIAGE_H
#define YZ_TRIAGE_TRIAGE_H

#include "matters/effects.h"
#include "triage/rules.h"

/* The features of a registered filing: what the application says, the
 * configured wage figure on the registration date, earlier cases of the
 * court with the same parties (keyed hashes; the matter's own keys are
 * stored as a side effect), then the officer's amendments on top. *features
 * and *sources (feature -> "filing" | "default" | "config" | "history" |
 * "officer") are new objects. */
enum yz_err yz_triage_extract_features(struct yz_tx *tx, struct yz_app *app, int64_t matter_id,
                               int64_t court_id, const json_t *data, json_t **features,
                               json_t **sources);

/* The keyed hash (lookup kind "triage.party") that finds a party of an
 * application (a prepared filing_application party) among the court's earlier
 * cases: of its credit code or citizen ID, else of its name. hash: 64 hex + NUL. */
enum yz_err yz_triage_party_key(struct yz_app *app, const json_t *party, char hash[65]);
/* The same key from the clear citizen ID the party's citizen_id_enc was sealed
 * from (NULL when it has none): yz_filing_party_identity_clear. */
enum yz_err yz_triage_party_key_clear(struct yz_app *app, const json_t *party,
                                      const char *citizen_id, char hash[65]);

/* Effect "propose_track" (register, amend_triage_features): features, proposal,
 * a stored proposal row, data.triage updated, the proposal recorded. */
enum yz_err yz_triage_propose_track(struct yz_effect_ctx *c);
/* Effect "record_triage_decision" (decide_*): confirmed or overridden; a
 * decision that differs from the proposal needs fields.reason. */
enum yz_err yz_triage_record_decision(struct yz_effect_ctx *c);
/* Effect "start_trial_period": restarts deadline "trial" from the day of
 * registration with the period of the case's procedure and category. */
enum yz_err yz_triage_start_trial_period(struct yz_effect_ctx *c);
/* Effect "record_conversion" (convert_to_ordinary, 简转繁). */
enum yz_err yz_triage_record_conversion(struct yz_effect_ctx *c);

/* Document schema "triage_features": {feature: value} for amendable features. */
enum yz_err yz_triage_prepare_features(struct yz_app *app, const json_t *in, const char *path,
                                       json_t **out, struct yz_field_errors *fe);

#endif
