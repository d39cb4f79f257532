/*
 * The one access-policy module: every decision of the form (actor, action,
 * resource) is made here, never ad hoc in handlers (ASVS 1.4.4, 4.1.x).
 *
 * Rules:
 *  - parties and lawyers act only on matters they take part in;
 *  - mediators and mediation-organisation admins likewise (delegated matters);
 *  - court staff act on their own court's matters;
 *  - supervisors read their court's matters and those of the courts below it;
 *  - full personal data (unmasking) only for staff of the matter's court in a
 *    handling role (filing clerk, judge, assistant, clerk, service officer;
 *    never an administrator), and for the person it belongs to.
 * A denied read of a specific resource must answer 404 exactly like a missing
 * one, so callers turn YZ_ERR_NOT_FOUND into the response; every denial is
 * recorded in the history (stream "security").
 */
#ifndef YZ_POLICY_POLICY_H
#define YZ_POLICY_POLICY_H

#include "policy/principal.h"
#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>

struct yz_app;

enum yz_action {
    YZ_ACT_READ,   /* see the matter and its history */
    YZ_ACT_ACT,    /* fire a workflow event on it */
    YZ_ACT_UNMASK, /* see full ID and phone numbers in it */
};

struct yz_matter_ref {
    int64_t id;
    int64_t court_id;
    bool participant; /* the actor takes part in the matter */
};

/* YZ_OK, or YZ_ERR_NOT_FOUND (denied; recorded). route names the caller for the record. */
enum yz_err yz_policy_matter(struct yz_app *app, const struct yz_principal *who,
                             enum yz_action action, const struct yz_matter_ref *m,
                             const char *route);
/* May who see court_id's data at all (lists, queues, dashboards)? */
bool yz_policy_court_visible(const struct yz_app *app, const struct yz_principal *who,
                             int64_t court_id);
/* May who see the triage (繁简分流) work of court_id: proposals, the queue,
 * the agreement report? Triage officers, judges and court admins of that
 * court; supervisors for their court and the courts below it. */
bool yz_policy_triage_visible(const struct yz_app *app, const struct yz_principal *who,
                              int64_t court_id);
/* The same for one matter or one court's report: YZ_OK, or YZ_ERR_NOT_FOUND
 * (denied; parked for recording like yz_policy_matter). */
enum yz_err yz_policy_triage(struct yz_app *app, const struct yz_principal *who, int64_t court_id,
                             int64_t resource_id, const char *route);
/* May who manage accounts of court_id (court admins of that court)? */
bool yz_policy_may_manage_staff(const struct yz_app *app, const struct yz_principal *who,
                                int64_t court_id);
/* May who change the staff account of court_id with role (edit, disable,
 * enable, reset its second factor)? The court admins of that court, for the
 * court's own staff roles; a supervisor belongs to the court above and is
 * never managed from below. RULE: staff-admin-scope. */
bool yz_policy_staff_account(const struct yz_app *app, const struct yz_principal *who,
                             int64_t court_id, enum yz_role role);
/* The court's business settings (src/settings): its court admins read and
 * change them. RULE: court-settings-access. */
bool yz_policy_court_settings(const struct yz_app *app, const struct yz_principal *who,
                              int64_t court_id);
/* Class-case groups (src/classes): the triage officers, judges and court
 * admins of the group's court read and change them; anyone else is denied
 * like a missing group (YZ_ERR_NOT_FOUND, recorded as yz_policy_matter does).
 * group_id 0 asks about the court's groups in general (suggestions, lists). */
enum yz_err yz_policy_case_group(struct yz_app *app, const struct yz_principal *who,
                                 enum yz_action action, int64_t court_id, int64_t group_id,
                                 const char *route);
/* Trial teams (src/assignment): the court admin of the team's court manages
 * it; the court's staff (and supervisors above it) read it; its queue is for
 * its members, the court's triage officers and court admins. */
bool yz_policy_team_manage(const struct yz_app *app, const struct yz_principal *who,
                           int64_t court_id);
bool yz_policy_team_read(const struct yz_app *app, const struct yz_principal *who,
                         int64_t court_id);
bool yz_policy_team_queue(const struct yz_app *app, const struct yz_principal *who,
                          int64_t court_id, bool member);
/* The cases of court_id awaiting assignment: its triage officers and court admins. */
bool yz_policy_assignment_pending(const struct yz_app *app, const struct yz_principal *who,
                                  int64_t court_id);
/* Assignment figures and histories of court_id's cases: its triage officers
 * and court admins, supervisors above it. */
/* The dashboard (stats/dashboard.h): a supervisor for the courts they see (their own
 * and those below), a court administrator for their own court. */
bool yz_policy_dashboard(const struct yz_app *app, const struct yz_principal *who,
                         int64_t court_id);
bool yz_policy_assignment_read(const struct yz_app *app, const struct yz_principal *who,
                               int64_t court_id);
/* A recusal of judge_id on a case of court_id: the judge themself (who may
 * only declare it, assignment.h), or the court's triage officer or court admin. */
bool yz_policy_recusal(const struct yz_app *app, const struct yz_principal *who, int64_t court_id,
                       int64_t judge_id);
/* A judge's configured relationships (利害关系): the court admin of the
 * judge's court and the judge change them; the court's triage officers read
 * them too. */
bool yz_policy_judge_conflicts(const struct yz_app *app, const struct yz_principal *who,
                               int64_t court_id, int64_t judge_id, bool write);
/* A denial decided for a request, waiting to be recorded. */
struct yz_denial {
    struct yz_principal who;
    char route[64];
    const char *reason; /* a string literal */
    int64_t resource_id;
};
/* Parks a denial for the request being served, to be recorded once its work
 * is done, outside any transaction (as the policy decisions above park
 * theirs). One waits at a time: an earlier one is written at once. */
void yz_policy_record_denial(struct yz_app *app, const struct yz_principal *who,
                             const char *route, const char *reason, int64_t resource_id);
/* Moves the denial parked for this request, if any, into out. */
bool yz_policy_take_denial(struct yz_denial *out);
/* Writes a denial record in a transaction of its own and waits for its
 * commit (never call it inside a write); failures are logged, never fatal. */
void yz_policy_write_denial(struct yz_app *app, const struct yz_denial *d);
/* yz_policy_take_denial, then yz_policy_write_denial: the router does this
 * for a request that may wait for a commit. */
void yz_policy_flush_denial(struct yz_app *app);
/* Drops a parked denial that was no denial: the actor's own action just took
 * their access away (a mediator declining), and the response only says so. */
void yz_policy_forget_denial(void);

#endif
