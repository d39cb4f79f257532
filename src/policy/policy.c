#include "policy/policy.h"
#include "app/app.h"
#include "audit/events.h"
#include "core/caller.h"
#include "core/log.h"
#include "core/metrics.h"
#include "store/store.h"

#include <jansson.h>
#include <stdlib.h>

static bool handles_matters(enum yz_role r)
{
    return yz_role_is_staff(r) && r != YZ_ROLE_SUPERVISOR;
}

bool yz_policy_court_visible(const struct yz_app *app, const struct yz_principal *who,
                             int64_t court_id)
{
    if (!yz_role_is_staff(who->role) || who->court_id == 0)
        return false;
    if (who->role == YZ_ROLE_SUPERVISOR)
        return yz_courts_within(&app->courts, court_id, who->court_id);
    return court_id == who->court_id;
}

/* RULE: triage-visibility — the separation work is the court's internal work. */
bool yz_policy_triage_visible(const struct yz_app *app, const struct yz_principal *who,
                              int64_t court_id)
{
    switch (who->role) {
    case YZ_ROLE_TRIAGE_OFFICER:
    case YZ_ROLE_JUDGE:
    case YZ_ROLE_COURT_ADMIN:
    case YZ_ROLE_SUPERVISOR:
        return yz_policy_court_visible(app, who, court_id);
    default:
        return false;
    }
}

bool yz_policy_may_manage_staff(const struct yz_app *app, const struct yz_principal *who,
                                int64_t court_id)
{
    return who->role == YZ_ROLE_COURT_ADMIN && who->court_id == court_id;
}

/* RULE: staff-admin-scope */
bool yz_policy_staff_account(const struct yz_app *app, const struct yz_principal *who,
                             int64_t court_id, enum yz_role role)
{
    return yz_role_is_staff(role) && role != YZ_ROLE_SUPERVISOR && who->user_id != 0 &&
           who->court_id != 0 && yz_policy_may_manage_staff(app, who, court_id);
}

/* RULE: court-settings-access */
bool yz_policy_court_settings(const struct yz_app *app, const struct yz_principal *who,
                              int64_t court_id)
{
    return who->role == YZ_ROLE_COURT_ADMIN && who->user_id != 0 && who->court_id != 0 &&
           who->court_id == court_id;
}

bool yz_policy_team_manage(const struct yz_app *app, const struct yz_principal *who,
                           int64_t court_id)
{
    return who->role == YZ_ROLE_COURT_ADMIN && who->court_id != 0 && who->court_id == court_id;
}

bool yz_policy_team_read(const struct yz_app *app, const struct yz_principal *who,
                         int64_t court_id)
{
    return yz_policy_court_visible(app, who, court_id);
}

bool yz_policy_team_queue(const struct yz_app *app, const struct yz_principal *who,
                          int64_t court_id, bool member)
{
    if (who->user_id == 0)
        return false;
    if (member)
        return true;
    return (who->role == YZ_ROLE_TRIAGE_OFFICER || who->role == YZ_ROLE_COURT_ADMIN) &&
           who->court_id == court_id;
}

bool yz_policy_assignment_pending(const struct yz_app *app, const struct yz_principal *who,
                                  int64_t court_id)
{
    return (who->role == YZ_ROLE_TRIAGE_OFFICER || who->role == YZ_ROLE_COURT_ADMIN) &&
           who->court_id != 0 && who->court_id == court_id;
}

bool yz_policy_dashboard(const struct yz_app *app, const struct yz_principal *who,
                         int64_t court_id)
{
    if (who->role == YZ_ROLE_SUPERVISOR)
        return yz_policy_court_visible(app, who, court_id);
    return who->role == YZ_ROLE_COURT_ADMIN && who->court_id != 0 && who->court_id == court_id;
}

bool yz_policy_assignment_read(const struct yz_app *app, const struct yz_principal *who,
                               int64_t court_id)
{
    if (who->role == YZ_ROLE_SUPERVISOR)
        return yz_policy_court_visible(app, who, court_id);
    return (who->role == YZ_ROLE_TRIAGE_OFFICER || who->role == YZ_ROLE_COURT_ADMIN) &&
           who->court_id != 0 && who->court_id == court_id;
}

bool yz_policy_recusal(const struct yz_app *app, const struct yz_principal *who, int64_t court_id,
                       int64_t judge_id)
{
    if (who->user_id == 0 || who->court_id == 0 || who->court_id != court_id)
        return false;
    if (who->role == YZ_ROLE_JUDGE)
        return judge_id == who->user_id;
    return who->role == YZ_ROLE_TRIAGE_OFFICER || who->role == YZ_ROLE_COURT_ADMIN;
}

bool yz_policy_judge_conflicts(const struct yz_app *app, const struct yz_principal *who,
                               int64_t court_id, int64_t judge_id, bool write)
{
    if (who->user_id == 0 || who->court_id == 0 || who->court_id != court_id)
        return false;
    if (who->role == YZ_ROLE_COURT_ADMIN)
        return true;
    if (who->role == YZ_ROLE_JUDGE && who->user_id == judge_id)
        return true;
    return !write && who->role == YZ_ROLE_TRIAGE_OFFICER;
}

/* RULE: staff-unmask — SECURITY.md 1.3: full personal data for the staff who
 * handle the case (filing, trial, record keeping, service), audited; never for
 * the administrators (三员分立: a court admin manages accounts, not cases),
 * the hotline, petitions, triage (which finds parties by keyed hashes) or
 * supervisors. */
static bool unmasks(enum yz_role r)
{
    switch (r) {
    case YZ_ROLE_FILING_CLERK:
    case YZ_ROLE_JUDGE:
    case YZ_ROLE_ASSISTANT:
    case YZ_ROLE_CLERK:
    case YZ_ROLE_SERVICE_OFFICER:
        return true;
    default:
        return false;
    }
}

static bool decide(const struct yz_app *app, const struct yz_principal *who, enum yz_action action,
                   const struct yz_matter_ref *m)
{
    if (who->user_id == 0)
        return false;
    if (!yz_role_is_staff(who->role)) /* parties, lawyers, mediators, organisations */
        return m->participant;
    if (who->role == YZ_ROLE_SUPERVISOR)
        return action == YZ_ACT_READ && yz_policy_court_visible(app, who, m->court_id);
    if (!handles_matters(who->role) || m->court_id != who->court_id)
        return false;
    if (action == YZ_ACT_UNMASK)
        return unmasks(who->role);
    return true;
}

/* Decisions are often taken inside a write transaction whose rollback would
 * take a denial record with it (and which a nested write would be refused
 * in), so a denial is parked for the request and recorded once the request's
 * work is over (yz_policy_flush_denial, or the server with
 * yz_policy_take_denial). It is parked in the caller's slot (core/caller.h),
 * not a plain _Thread_local: the group-commit writer runs write functions on
 * its own thread on the caller's behalf. */
struct pending {
    bool set;
    struct yz_denial d;
};
_Static_assert(sizeof(struct pending) <= YZ_CALLER_SLOT_BYTES, "pending denial fits its slot");

static struct pending *pending(void)
{
    return yz_caller_slot(YZ_CALLER_POLICY_DENIAL);
}

/* reason: a string literal (kept until the denial is recorded). */
static void park(const struct yz_principal *who, const char *reason, const char *route,
                 int64_t resource_id)
{
    struct pending *p = pending();
    p->set = true;
    p->d.who = *who;
    yz_strlcpy(p->d.route, route ? route : "-", sizeof p->d.route);
    p->d.reason = reason;
    p->d.resource_id = resource_id;
}

static const char *action_name(enum yz_action action)
{
    static const char *names[] = {"read", "act", "unmask"};
    return names[action];
}

enum yz_err yz_policy_matter(struct yz_app *app, const struct yz_principal *who,
                             enum yz_action action, const struct yz_matter_ref *m,
                             const char *route)
{
    if (decide(app, who, action, m))
        return YZ_OK;
    park(who, action_name(action), route, m->id);
    return YZ_ERR_NOT_FOUND;
}

/* RULE: class-case-access — grouping is a court's internal case management. */
static bool handles_case_groups(enum yz_role r)
{
    return r == YZ_ROLE_TRIAGE_OFFICER || r == YZ_ROLE_JUDGE || r == YZ_ROLE_COURT_ADMIN;
}

enum yz_err yz_policy_case_group(struct yz_app *app, const struct yz_principal *who,
                                 enum yz_action action, int64_t court_id, int64_t group_id,
                                 const char *route)
{
    if (who->user_id != 0 && handles_case_groups(who->role) && who->court_id == court_id &&
        action != YZ_ACT_UNMASK)
        return YZ_OK;
    park(who, action_name(action), route, group_id);
    return YZ_ERR_NOT_FOUND;
}

enum yz_err yz_policy_triage(struct yz_app *app, const struct yz_principal *who, int64_t court_id,
                             int64_t resource_id, const char *route)
{
    if (who->user_id && yz_policy_triage_visible(app, who, court_id))
        return YZ_OK;
    park(who, "triage", route, resource_id);
    return YZ_ERR_NOT_FOUND;
}

void yz_policy_forget_denial(void)
{
    pending()->set = false;
}

bool yz_policy_take_denial(struct yz_denial *out)
{
    struct pending *p = pending();
    if (!p->set)
        return false;
    p->set = false;
    *out = p->d;
    return true;
}

void yz_policy_flush_denial(struct yz_app *app)
{
    struct yz_denial d;
    if (yz_policy_take_denial(&d))
        yz_policy_write_denial(app, &d);
}

struct denial_write {
    struct yz_app *app;
    const struct yz_denial *d;
};

static enum yz_err denial_tx(struct yz_tx *tx, void *ctx)
{
    const struct denial_write *w = ctx;
    const struct yz_denial *d = w->d;
    json_t *payload = json_pack("{s:s, s:s, s:I, s:s}", "route", d->route, "reason", d->reason,
                                "resource_id", (json_int_t)d->resource_id, "role",
                                yz_role_code(d->who.role) ? yz_role_code(d->who.role) : "");
    struct yz_event ev = {
        .stream = "security",
        .type = "access_denied",
        .actor_id = d->who.user_id,
        .channel = "system",
    };
    enum yz_err e = yz_event_append_json(tx, w->app->keys, &ev, payload,
                                         w->app->cfg.audit.checkpoint_every, NULL, NULL);
    json_decref(payload);
    return e;
}

void yz_policy_write_denial(struct yz_app *app, const struct yz_denial *d)
{
    yz_metrics_denial();
    struct denial_write w = {app, d};
    enum yz_err e = yz_store_write(app->store, denial_tx, &w);
    if (e != YZ_OK)
        yz_log_error("cannot record access denial: %s", yz_err_code(e));
}

void yz_policy_record_denial(struct yz_app *app, const struct yz_principal *who,
                             const char *route, const char *reason, int64_t resource_id)
{
    struct yz_denial earlier;
    if (yz_policy_take_denial(&earlier)) /* one slot: the earlier one is written now */
        yz_policy_write_denial(app, &earlier);
    park(who, reason, route, resource_id);
}
