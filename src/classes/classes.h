/*
 * Class cases (类案): registered cases of one court with the same plaintiff,
 * the same cause and similar claims (a bank's credit-card cases, a property
 * company's fee claims), grouped so that they are handled together: one is
 * marked the demonstration case (示范案件) and the others follow it.
 *
 * Criteria (RULE: class-case-criteria):
 *   same plaintiff  the keyed lookup hash (crypto/pii.h, kind "class.plaintiff")
 *                   of the sorted identities of all plaintiffs: unified social
 *                   credit code for organisations, citizen ID (opened from its
 *                   seal) for natural persons. A case whose plaintiff has no
 *                   identity on file is never grouped.
 *   same cause      the application's cause code (and revision).
 *   similar claims  Jaccard similarity of the character bigrams of the claims
 *                   text, with every number (Arabic or Chinese) folded to one
 *                   mark and punctuation and blanks dropped, at least
 *                   YZ_CLASS_MIN_SIMILARITY percent. Advisory when adding by
 *                   hand (staff decide), reported against the demonstration case.
 * A group enforces the first two for every member; a case is in one group at most.
 *
 * Access: triage officers, judges and court admins of the group's court
 * (policy.h yz_policy_case_group); everyone else gets NOT_FOUND, as for a
 * missing group. Every change is an event on the stream "case_group/<id>"
 * (class.group_created, class.case_added, class.case_removed,
 * class.demonstration_set) in the transaction that makes it.
 */
#ifndef YZ_CLASSES_CLASSES_H
#define YZ_CLASSES_CLASSES_H

#include "core/error.h"
#include "core/fielderr.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

#define YZ_CLASS_MIN_SIMILARITY 50 /* percent, claims bigram Jaccard */
#define YZ_CLASS_MAX_MEMBERS 1000  /* cases in one group */
#define YZ_CLASS_CLAIMS_MAX_CPS 2000 /* code points of claims compared (the filing cap) */

/* Claims similarity in percent (0..100, rounded down) after normalisation;
 * 0 when either text is empty or not valid UTF-8. Symmetric. */
int yz_class_claims_similarity(const char *a, const char *b);

/*
 * Proposes groups among the registered cases of the caller's court that are in
 * no group yet (at most the store's row cap of them, oldest first). *out is
 * {"court_id", "considered", "truncated", "min_similarity",
 *  "suggestions": [{"name", "cause_code", "cause_name", "plaintiff",
 *    "criteria": {"same_plaintiff": true, "same_cause": code,
 *                 "claims_similarity_min": percent},
 *    "amount_fen_min", "amount_fen_max",
 *    "cases": [{"id", "case_number", "amount_fen"|null, "similarity"}]}]}
 * with suggestions of at least two cases, largest first. Nothing is written.
 */
enum yz_err yz_class_suggest(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             const char *route, json_t **out);

/* Creates a group of the caller's court; name 1..60 code points (unique in the
 * court: ALREADY_EXISTS), cause_code a catalogue code, criteria the text that
 * says why these cases belong together. *out is the group (yz_class_get's shape). */
enum yz_err yz_class_create(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            const char *name, const char *cause_code, const char *criteria,
                            const char *channel, const char *route, struct yz_field_errors *fe,
                            json_t **out);

/* The group with its members, each {"id", "case_number", "role":
 * "demonstration"|"follower", "amount_fen", "similarity" (to the
 * demonstration case, null without one)} and "templates": [{"id", "title"}],
 * the document templates (templates.h) for the class of its cases (the first
 * member's case type and the group's cause). NOT_FOUND when missing or denied. */
enum yz_err yz_class_get(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                         int64_t group_id, const char *route, json_t **out);

/* The caller's court's groups, newest first: [{"id", "name", "cause_code",
 * "members", "demonstration_case_id"|null}]. */
enum yz_err yz_class_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          const char *route, json_t **out);

/*
 * Adds registered case matter_id to the group. Field errors (fe, VALIDATION):
 * case_id not_found (missing, not registered, or another court's: the same
 * answer), cause_mismatch, plaintiff_mismatch, no_plaintiff_identity,
 * too_many. ALREADY_EXISTS when the case is in a group already.
 */
enum yz_err yz_class_add_case(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              int64_t group_id, int64_t matter_id, const char *channel,
                              const char *route, struct yz_field_errors *fe, json_t **out);

/* Removes a member (NOT_FOUND when it is not one); a removed demonstration
 * case leaves the group without one. */
enum yz_err yz_class_remove_case(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, int64_t group_id,
                                 int64_t matter_id, const char *channel, const char *route,
                                 json_t **out);

/* Marks member matter_id as the demonstration case; the other members become
 * its followers. Field error case_id not_member when it is not in the group. */
enum yz_err yz_class_set_demonstration(struct yz_tx *tx, struct yz_app *app,
                                       const struct yz_principal *who, int64_t group_id,
                                       int64_t matter_id, const char *channel, const char *route,
                                       struct yz_field_errors *fe, json_t **out);

/* The group of case matter_id as {"case_id", "case_number", "group": null |
 * {"id", "name", "cause_code", "role", "demonstration": null | {"id",
 * "case_number"}}}. NOT_FOUND when the case is missing, not registered or
 * not the caller's court's (policy as for groups). */
enum yz_err yz_class_of_case(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             int64_t matter_id, const char *route, json_t **out);

#endif
