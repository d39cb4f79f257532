/*
 * The roster of invited mediation (特邀调解名册): the organisations (people's
 * mediation committees, industry and professional bodies, arbitration bodies,
 * notary offices, lawyer mediation) and the invited mediators a court lists,
 * with their specialties (2025 causes of action), languages, capacity,
 * availability, qualifications, training records and named studios
 * (调解工作室); their track record and workload computed from the matters of
 * kind "mediation"; and the recommendation of a mediator for a dispute.
 *
 * Who may do what (the policy module's ideas for the roster; helpers are
 * file-local in roster.c because policy.h has none for organisations):
 *   - the court admin of the roster's court creates organisations, adds
 *     mediators (members or independent), records training, creates studios,
 *     changes anything and suspends or reinstates;
 *   - the org admin named by an organisation manages that organisation's
 *     mediators (adds them by linking an existing mediator account by phone,
 *     updates their profile, records training, creates studios) and its own
 *     contact phone and region, but neither suspends nor renames;
 *   - a mediator changes their own availability and nothing else.
 * The roster is public, so a refused write (or a refused workload read) hides
 * nothing by pretending the entry is missing: it answers YZ_ERR_FORBIDDEN,
 * which the HTTP adapter records as an access denial once the transaction is
 * over. Reads of the public roster never show a mediator's phone or any other
 * personal data beyond the name they are listed under.
 *
 * Every change is an event in the same transaction as the row it changes:
 * stream "org/<id>" (roster.org_created, roster.org_updated,
 * roster.org_suspended, roster.org_reinstated, roster.studio_created for an
 * organisation's studio) and "mediator/<id>" (roster.mediator_added,
 * roster.mediator_updated, roster.mediator_suspended,
 * roster.mediator_reinstated, roster.training_recorded,
 * roster.studio_created for a mediator's own studio).
 *
 * Lists of codes and languages travel as one text with items separated by
 * ",", "，" or "、" ("108.3,108.4"), because the route table's body schema
 * has no array type; responses give them as JSON arrays.
 */
#ifndef YZ_MEDIATION_ROSTER_H
#define YZ_MEDIATION_ROSTER_H

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fielderr.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;
struct yz_catalog;
struct yz_cause;

/* Limits: input past them is a field error, never truncated. */
#define YZ_ROSTER_MAX_SPECIALTIES 20  /* cause codes per mediator */
#define YZ_ROSTER_MAX_LANGUAGES 10    /* languages or dialects per mediator */
#define YZ_ROSTER_MAX_LANGUAGE_CPS 20 /* one language's name */
#define YZ_ROSTER_MAX_LIST_BYTES 400  /* a list text as a whole */
#define YZ_ROSTER_MAX_CAPACITY 200    /* matters one mediator may hold at once */
#define YZ_ROSTER_DEFAULT_CAPACITY 10
#define YZ_ROSTER_MAX_TRAINING_HOURS 1000 /* class hours (学时) of one course */
#define YZ_ROSTER_RECOMMEND_MAX 20        /* recommendations per request */
#define YZ_ROSTER_SCAN_MAX 2000 /* roster rows one read considers (a city has far fewer) */
#define YZ_ROSTER_SHOWN_MAX 50  /* training rows and studios shown per entry */
#define YZ_ROSTER_QUERY_MAX_CPS 40

/* ---- changes ---------------------------------------------------------- */

/* An organisation. For create every member below except phone and admin_phone
 * is required; for update NULL (0 for court_id) means "unchanged", and "" for
 * phone or admin_phone clears it. */
struct yz_roster_org_input {
    int64_t court_id;        /* create: the court whose roster it joins */
    const char *name;        /* 2..60 code points, unique on the court's roster */
    const char *kind;        /* people | industry | professional | arbitration | notary | lawyer */
    const char *region;      /* court code or district text, 2..60 code points */
    const char *phone;       /* the office's public number: 7..20 of 0-9 - + ( ) space */
    const char *admin_phone; /* an existing org_admin account's phone (the account is stored) */
    const char *status;      /* update, court admin only: active | suspended */
};

/* A mediator. For add: phone names an existing account with role mediator;
 * org_id 0 means independent (then court_id names the roster) or, for an org
 * admin, their own organisation; name NULL takes the account's name;
 * capacity 0 takes YZ_ROSTER_DEFAULT_CAPACITY; available -1 means available.
 * For update: NULL / 0 / -1 mean "unchanged", "" clears qualifications. */
struct yz_roster_mediator_input {
    const char *phone;          /* add only */
    int64_t org_id;             /* add only */
    int64_t court_id;           /* add only, independent mediators */
    const char *name;           /* 2..40 code points, as listed publicly */
    const char *specialties;    /* list text of 2025 cause codes (level 2..4), 1..20 items */
    const char *languages;      /* list text, 1..10 items of 1..20 code points */
    int64_t capacity;           /* 1..YZ_ROSTER_MAX_CAPACITY */
    const char *qualifications; /* multi-line text up to 1000 code points */
    int available;              /* -1 unchanged, 0 no, 1 yes */
    const char *status;         /* update, court admin only: active | suspended */
};

struct yz_roster_training_input {
    const char *date;  /* YYYY-MM-DD, not in the future */
    const char *title; /* 2..100 code points */
    int64_t hours;     /* class hours, 1..YZ_ROSTER_MAX_TRAINING_HOURS */
};

/* A named studio of an organisation or of one mediator (exactly one of the two). */
struct yz_roster_studio_input {
    int64_t org_id;
    int64_t mediator_id;
    const char *name;        /* 2..60 code points, unique on the court's roster */
    const char *description; /* up to 1000 code points */
};

/*
 * The write operations. Each runs inside the caller's write transaction,
 * checks who may do it (YZ_ERR_FORBIDDEN), validates every field into fe
 * (YZ_ERR_VALIDATION when fe has entries; nothing is written then), writes
 * the row and its event, and on success sets *out (new reference) to the
 * organisation or mediator as yz_roster_org_get / yz_roster_mediator_get give
 * it (training: the mediator; a studio: {id, court_id, org_id, mediator_id,
 * name, description}). An update that changes nothing records no event.
 * YZ_ERR_NOT_FOUND: the organisation or mediator being changed does not exist
 * (one named in the input is a field error instead).
 * YZ_ERR_ALREADY_EXISTS: a name already on the court's roster, an account
 * already listed as a mediator, an org admin account that already runs
 * another organisation, the same training record twice.
 * channel is recorded with the event ("web", "system" ...).
 */
enum yz_err yz_roster_org_create(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, const char *channel,
                                 const struct yz_roster_org_input *in, struct yz_field_errors *fe,
                                 json_t **out);
enum yz_err yz_roster_org_update(struct yz_tx *tx, struct yz_app *app,
                                 const struct yz_principal *who, const char *channel, int64_t id,
                                 const struct yz_roster_org_input *in, struct yz_field_errors *fe,
                                 json_t **out);
enum yz_err yz_roster_mediator_add(struct yz_tx *tx, struct yz_app *app,
                                   const struct yz_principal *who, const char *channel,
                                   const struct yz_roster_mediator_input *in,
                                   struct yz_field_errors *fe, json_t **out);
enum yz_err yz_roster_mediator_update(struct yz_tx *tx, struct yz_app *app,
                                      const struct yz_principal *who, const char *channel,
                                      int64_t id, const struct yz_roster_mediator_input *in,
                                      struct yz_field_errors *fe, json_t **out);
enum yz_err yz_roster_training_add(struct yz_tx *tx, struct yz_app *app,
                                   const struct yz_principal *who, const char *channel,
                                   int64_t mediator_id, const struct yz_roster_training_input *in,
                                   struct yz_field_errors *fe, json_t **out);
enum yz_err yz_roster_studio_create(struct yz_tx *tx, struct yz_app *app,
                                    const struct yz_principal *who, const char *channel,
                                    const struct yz_roster_studio_input *in,
                                    struct yz_field_errors *fe, json_t **out);

/* ---- public reads ----------------------------------------------------- */

struct yz_roster_query {
    int64_t court_id;  /* 0 = every court */
    const char *cause; /* 2025 cause code: mediators whose specialty is it, within it or
                          above it, and the organisations that have one; NULL = all */
    const char *q;     /* part of a name (organisation, mediator, studio); NULL = all */
};

/*
 * The public roster: {orgs: [...], mediators: [...], truncated} with active
 * entries only (a mediator of a suspended organisation is not listed), each
 * with its public track record; at most yz_tx_max_rows() of each, in id
 * order ("truncated" says more matched). YZ_ERR_VALIDATION for a cause code
 * that is not a 2025 cause (the caller names the field).
 */
enum yz_err yz_roster_list(struct yz_tx *tx, struct yz_app *app, const struct yz_roster_query *q,
                           json_t **out);
/* One organisation (any status) with its active mediators, studios and track record. */
enum yz_err yz_roster_org_get(struct yz_tx *tx, struct yz_app *app, int64_t id, json_t **out);
/* One mediator (any status) with training records, studios and track record. */
enum yz_err yz_roster_mediator_get(struct yz_tx *tx, struct yz_app *app, int64_t id, json_t **out);

/* ---- track record and workload ---------------------------------------- */

/*
 * Figures over the matters of kind "mediation" delegated to the mediator
 * (they take part in it in capacity "mediator", which the delegation effect
 * records together with data.mediator_id) or, for an organisation, to one of
 * its mediators. RULE: roster-track-record. State
 * classes (the mediation workflow's names, old and new, so that the figures
 * hold while it settles):
 *   succeeded: settled, performed, confirmation_applied, confirmed
 *   failed:    not_settled, closed
 *   decided:   succeeded + failed (withdrawn counts for neither)
 *   running:   any other state except submitted and withdrawn (delegated,
 *              mediating, agreement_pending ...): the current load
 *   confirmed: succeeded and judicially confirmed, i.e. in state confirmed or
 *              whose data.confirmation_matter_id names a judicial_confirmation
 *              matter in state confirmed
 *   overdue:   running with a "mediation" deadline not stopped and due before
 *              today (Asia/Shanghai)
 * Duration: created_at to updated_at of the decided ones.
 */
struct yz_roster_stats {
    int64_t intake; /* matters assigned */
    int64_t running;
    int64_t decided;
    int64_t succeeded;
    int64_t confirmed;
    int64_t overdue;
    int64_t decided_ms; /* sum of durations of the decided ones */
};

enum yz_err yz_roster_mediator_stats(struct yz_tx *tx, int64_t mediator_id, struct yz_date today,
                                     struct yz_roster_stats *out);
enum yz_err yz_roster_org_stats(struct yz_tx *tx, int64_t org_id, struct yz_date today,
                                struct yz_roster_stats *out);

/* Rounded percentage num/den (half up); -1 when den is 0. */
int yz_roster_pct(int64_t num, int64_t den);
/*
 * The figures as JSON (new reference): {intake, decided, succeeded,
 * success_rate_pct, average_days, confirmed, confirmation_rate_pct} and, with
 * workload, also {running, overdue}. Rates are whole percentages, null when
 * nothing was decided; average_days has one decimal, null likewise.
 */
json_t *yz_roster_stats_json(const struct yz_roster_stats *s, bool workload);

/*
 * Workload of one mediator (figures with workload, plus capacity and
 * availability) or one organisation (its figures and each mediator's). Seen by
 * the mediator themself, the admin of their organisation and court staff who
 * may see the roster's court (yz_policy_court_visible); anyone else gets
 * YZ_ERR_FORBIDDEN. YZ_ERR_NOT_FOUND when it does not exist.
 */
enum yz_err yz_roster_mediator_workload(struct yz_tx *tx, struct yz_app *app,
                                        const struct yz_principal *who, int64_t id, json_t **out);
enum yz_err yz_roster_org_workload(struct yz_tx *tx, struct yz_app *app,
                                   const struct yz_principal *who, int64_t id, json_t **out);

/*
 * The caller's own places on the roster, so a mediator or an organisation's
 * admin can find their workload: {"mediators": [...], "orgs": [...]} — the
 * mediator entries linked to who's account, the organisations who
 * administers. Empty lists for anyone else.
 */
enum yz_err yz_roster_mine(struct yz_tx *tx, const struct yz_principal *who, json_t **out);

/* ---- recommendation ---------------------------------------------------- */

/* How a mediator's specialties relate to the dispute's cause. */
enum yz_roster_match {
    YZ_ROSTER_MATCH_NONE,
    YZ_ROSTER_MATCH_SIBLING, /* a specialty under the same parent (not a 一级 part) */
    YZ_ROSTER_MATCH_RELATED, /* a specialty above the cause, or within it */
    YZ_ROSTER_MATCH_EXACT,
};

/* The best match of the 2025 codes in specialties[0..n) for cause; *matched
 * (when not NULL) receives the specialty that gave it (NULL for NONE).
 * Unknown codes are ignored. */
enum yz_roster_match yz_roster_match_cause(const struct yz_catalog *cat,
                                           const char *const *specialties, size_t n,
                                           const struct yz_cause *cause,
                                           const struct yz_cause **matched);

/* One candidate for a recommendation: inputs, then the score the ranking fills. */
struct yz_roster_candidate {
    int64_t mediator_id;
    enum yz_roster_match match;
    const struct yz_cause *matched; /* the specialty behind match */
    bool local;                     /* based in the court's own district */
    char region[128];               /* where the mediator is based, for the reason */
    int64_t running, capacity, decided, succeeded;
    /* Filled by yz_roster_score. RULE: roster-recommendation-score:
     * specialty 40 exact / 30 related / 20 sibling / 0; region 20 local / 10;
     * load 20 x spare share of capacity (rounded down); past success 20 x
     * success share (rounded half up), 10 with nothing decided yet. */
    int specialty_points, region_points, load_points, success_points, score;
};

void yz_roster_score(struct yz_roster_candidate *c);
/* Sorts c[0..n) best first: higher score, then lower mediator id. */
void yz_roster_rank(struct yz_roster_candidate *c, size_t n);
/* The Chinese reason for c (scored) and the dispute's cause, appended to out:
 * "擅长民间借贷纠纷；地处本院辖区；当前承办 2/10 件；调解成功率 80%". */
void yz_roster_reason(const struct yz_roster_candidate *c, const struct yz_cause *cause,
                      struct yz_buf *out);

/*
 * Recommends mediators of court_id's roster for a dispute of cause_code
 * (2025 revision): active and available mediators (and organisations) with
 * spare capacity, ranked by yz_roster_rank, at most limit
 * (1..YZ_ROSTER_RECOMMEND_MAX). *out: {court_id, cause: {code, name}, items:
 * [{mediator_id, name, org_id, org_name, score, components: {specialty,
 * region, load, success}, running, capacity, success_rate_pct, reason}]}.
 * YZ_ERR_NOT_FOUND for an unknown court, YZ_ERR_VALIDATION for an unknown
 * cause or a limit out of range.
 */
enum yz_err yz_roster_recommend(struct yz_tx *tx, struct yz_app *app, int64_t court_id,
                                const char *cause_code, int limit, json_t **out);

/* ---- for the mediation workflow ---------------------------------------- */

struct yz_roster_mediator_ref {
    int64_t id, user_id, org_id, court_id; /* org_id 0 for an independent mediator */
    bool active; /* the mediator and their organisation (if any) are active */
    bool available;
    int64_t capacity, running;
    char name[128];
};

/* The mediator behind a mediators.id, for delegation: YZ_ERR_NOT_FOUND when none. */
enum yz_err yz_roster_mediator_lookup(struct yz_tx *tx, int64_t id,
                                      struct yz_roster_mediator_ref *out);

/* ---- helpers ------------------------------------------------------------ */

/* The Chinese title of an organisation kind ("人民调解组织"), NULL when unknown. */
const char *yz_roster_org_kind_title(const char *kind);

#endif
