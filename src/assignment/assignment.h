/*
 * Case assignment (分案): trial teams per court, recusals, the reproducible
 * draw (draw.h) and manual designation, team and judge queues, the per-court
 * report, and the re-run of every recorded draw from the history.
 *
 * Teams: a court's fast-track teams (快审团队, kind "fast_track") try the
 * small-claims and simplified cases, its ordinary teams (普通程序审判团队,
 * "ordinary") the ordinary ones. Members are the court's staff accounts in
 * their own role (judge, assistant, clerk) and mediators on the court's
 * roster. The court admin manages teams; every change is an event on stream
 * "team/<id>" (team.created, team.updated, team.member_added,
 * team.member_removed).
 *
 * Recusals (回避): judge x case with a kind (self_declared 自行回避,
 * party_application 当事人申请回避, relationship 利害关系) and a reason; a
 * judge records their own self-declaration, the court's triage officer or
 * court admin any kind. Event "assignment.recusal_recorded" on the matter;
 * a recused judge who holds the case loses it (the case awaits a new draw).
 *
 * Assignment: the workflow events assign_by_draw (effect draw_assignment) and
 * designate_judge (effect record_designation). A draw considers the judges
 * of the court's active teams of the case's track, excludes recused and
 * unavailable ones (each exclusion recorded with its reason), weighs the
 * others by their current load and draws with a seed committed earlier
 * ("assignment.seed_committed" holds its hash; the seed itself is kept
 * sealed until the draw); "assignment.drawn" records everything draw.h lists.
 * After a draw the seed for a possible next draw is committed at once, so a
 * redraw uses a seed fixed before anyone knew it would be needed. A
 * designation names the judge and the reason ("assignment.designated") and
 * is counted apart from draws.
 *
 * Load: a judge's open assigned cases — current assignments whose matter is
 * not in a final state of its workflow.
 *
 * Access follows policy.h (yz_policy_team_*, yz_policy_recusal). The
 * functions answer YZ_ERR_FORBIDDEN for a refusal; the HTTP layer records it
 * and answers 404, exactly like a missing record.
 */
#ifndef YZ_ASSIGNMENT_ASSIGNMENT_H
#define YZ_ASSIGNMENT_ASSIGNMENT_H

#include "core/error.h"
#include "core/fielderr.h"
#include "matters/effects.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

#define YZ_TEAM_MAX_MEMBERS 50
#define YZ_TEAM_NAME_MIN 2
#define YZ_TEAM_NAME_MAX 40
#define YZ_ASSIGN_REASON_MAX 500
#define YZ_ASSIGN_QUEUE_MAX 500 /* cases one queue lists */

/* ---- teams ------------------------------------------------------------------ */

/* name NULL / kind NULL / active -1 mean "unchanged" in an update. */
struct yz_team_input {
    const char *name; /* YZ_TEAM_NAME_MIN..MAX code points, unique in the court */
    const char *kind; /* fast_track | ordinary */
    int active;
};

/* Creates a team of the caller's court (court admins). *out: the team. */
enum yz_err yz_team_create(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           const char *channel, const struct yz_team_input *in,
                           struct yz_field_errors *fe, json_t **out);
/* Renames, changes kind, (de)activates. A change of nothing records nothing. */
enum yz_err yz_team_update(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           const char *channel, int64_t id, const struct yz_team_input *in,
                           struct yz_field_errors *fe, json_t **out);
/* Adds user_id in role (judge, assistant, clerk: a staff account of the
 * team's court with that role; mediator: a mediator active on the court's
 * roster). YZ_ERR_ALREADY_EXISTS when already a member. */
enum yz_err yz_team_member_add(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, const char *channel,
                               int64_t team_id, int64_t user_id, const char *role,
                               struct yz_field_errors *fe, json_t **out);
/* Adds the mediator of roster entry mediator_id (an active entry on the
 * team's court's roster) by their account: the roster shows entries, not
 * accounts, so this is how a court admin picks a mediator for a team. */
enum yz_err yz_team_member_add_mediator(struct yz_tx *tx, struct yz_app *app,
                                        const struct yz_principal *who, const char *channel,
                                        int64_t team_id, int64_t mediator_id,
                                        struct yz_field_errors *fe, json_t **out);
/* Removes a member; YZ_ERR_NOT_FOUND when not a member. */
enum yz_err yz_team_member_remove(struct yz_tx *tx, struct yz_app *app,
                                  const struct yz_principal *who, const char *channel,
                                  int64_t team_id, int64_t user_id, json_t **out);
/* One team with its members and their workload; the court's teams. */
enum yz_err yz_team_get(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                        int64_t id, json_t **out);
enum yz_err yz_team_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                         json_t **out);

/* ---- queues and the report ---------------------------------------------------- */

/* The team's open cases (case number, state, track, judge, method, running
 * deadlines with their due dates, overdue flag) and each member's workload. */
enum yz_err yz_team_queue(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                          int64_t id, json_t **out);
/* The caller's court's cases on a trial track that no judge holds (never
 * assigned, or their judge recused), first registered first, with their
 * running deadlines: what awaits a draw. Triage officers and court admins. */
enum yz_err yz_assign_pending(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              json_t **out);
/* The calling judge's own open cases. */
enum yz_err yz_assign_my_queue(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, json_t **out);
/* Per court: draws and designations (counted apart) and each judge's draws,
 * designations and open cases. court_id 0 = the caller's court. */
enum yz_err yz_assign_report(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             int64_t court_id, json_t **out);

/* The open cases judge_id holds in court_id (the load a draw counts): a
 * judge's role may not change while they hold any (accounts/staff.c). */
enum yz_err yz_assign_judge_open_cases(struct yz_tx *tx, struct yz_app *app, int64_t court_id,
                                       int64_t judge_id, int64_t *n);

/* ---- recusals ------------------------------------------------------------------- */

struct yz_recusal_input {
    int64_t judge_id;
    const char *kind;   /* self_declared | party_application | relationship */
    const char *reason; /* 2..YZ_ASSIGN_REASON_MAX code points */
};

enum yz_err yz_recusal_record(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              const char *channel, int64_t matter_id,
                              const struct yz_recusal_input *in, struct yz_field_errors *fe,
                              json_t **out);

/* ---- configured relationships (利害关系) ---------------------------------------------- */

/* A judge's relationship with a party (party_name, credit_code), a law firm
 * (law_firm) or a lawyer (lawyer_licence) and why: the judge is excluded
 * from draws of every case whose application names it (exclusion code
 * "conflict") and cannot be designated for it. The court admin of the
 * judge's court or the judge records and removes them; the court's triage
 * officers read them too. Events "assignment.conflict_configured" and
 * "assignment.conflict_removed" on "judge/<id>". *out: the judge's list. */
struct yz_conflict_input {
    const char *kind;   /* party_name | credit_code | law_firm | lawyer_licence */
    const char *value;  /* the name (2..100 code points), code or licence number */
    const char *reason; /* 1..YZ_ASSIGN_REASON_MAX code points */
};

enum yz_err yz_conflict_add(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            const char *channel, int64_t judge_id,
                            const struct yz_conflict_input *in, struct yz_field_errors *fe,
                            json_t **out);
enum yz_err yz_conflict_remove(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, const char *channel,
                               int64_t judge_id, int64_t conflict_id, json_t **out);
enum yz_err yz_conflict_list(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             int64_t judge_id, json_t **out);

/* ---- the workflow effects --------------------------------------------------------- */

/* Effect "draw_assignment" (event assign_by_draw). */
enum yz_err yz_assign_draw_effect(struct yz_effect_ctx *c);
/* Effect "record_designation" (event designate_judge: fields judge_id, reason). */
enum yz_err yz_assign_designate_effect(struct yz_effect_ctx *c);
/* Effect "commit_draw_seed": commits the seed of the matter's next draw now
 * (for events that make a case ready for a draw); nothing when one is pending. */
enum yz_err yz_assign_commit_seed_effect(struct yz_effect_ctx *c);

/* ---- verification from the history ----------------------------------------------------- */

/*
 * Re-runs every recorded draw of matter_id (0: of every matter) from the
 * events alone: each "assignment.drawn" must name an earlier, unused
 * "assignment.seed_committed" of the same matter whose hash its seed has,
 * must re-run to the same result (yz_draw_check), and neither a draw's
 * candidates nor its result nor a designation may be a judge recused on that
 * matter earlier in the history. *out: {matters, draws, designations, ok,
 * mismatches: [{matter_id, event_id, problem}]}, at most 100 mismatches kept.
 */
enum yz_err yz_assign_verify(struct yz_tx *tx, int64_t matter_id, json_t **out);

/* A matter's assignment for court staff: current assignment, recusals, the
 * recorded draws and designations, and the verification of its history. */
enum yz_err yz_assign_matter(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                             int64_t matter_id, json_t **out);

#endif
