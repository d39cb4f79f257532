/*
 * Workflows as data. Each matter kind (inquiry, filing, mediation, ...) is one
 * JSON file in data/workflows/ declaring its states, its events (from which
 * states, to which state, which roles may fire them, which fields they carry),
 * the named effects an event triggers and the deadlines it starts or stops.
 * data/workflows/README.md documents the format.
 *
 * The loader reads a whole directory at start-up and refuses it unless every
 * file is valid, so nothing at run time ever meets a half-valid definition.
 * It reports every problem it finds, not just the first, one line each,
 * prefixed with the file name: "inquiry.json: event 'answer': unknown state
 * 'done' in to". Those lines are for whoever writes definitions (English, like
 * compiler diagnostics); the field-validation messages are for users (Chinese).
 *
 * After loading, everything is read-only: a struct yz_workflows may be shared
 * by any number of threads without locking. Every pointer handed out (names,
 * titles, descriptors) lives as long as the struct yz_workflows it came from.
 *
 * Roles are the codes of policy/roles.h. This module owns the one list of
 * effect names the areas implement (yz_known_effects).
 */
#ifndef YZ_WORKFLOW_WORKFLOW_H
#define YZ_WORKFLOW_WORKFLOW_H

#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Effects ---------------------------------------------------------- */

/* The effect names the areas implement, NULL-terminated: notify_court,
 * notify_parties, assign_case_number, compute_fee,
 * record_channel. The CLI check and the server pass this to the loader. */
extern const char *const yz_known_effects[];
/* The document schemas the areas implement in C (see src/matters/documents.h),
 * NULL-terminated: a "document" field names one of them in "schema". */
extern const char *const yz_known_documents[];

/* ---- Limits ----------------------------------------------------------- */

#define YZ_WF_MAX_FILES 64
#define YZ_WF_MAX_FILE_BYTES (256 * 1024)
#define YZ_WF_MAX_STATES 64
#define YZ_WF_MAX_EVENTS 128
#define YZ_WF_MAX_FIELDS 32                /* per event */
#define YZ_WF_MAX_EFFECTS 16               /* per event */
#define YZ_WF_MAX_STOPS 8                  /* deadlines one event may stop */
#define YZ_WF_MAX_ENUM_VALUES 64           /* per enum field */
#define YZ_WF_MAX_NAME 40                  /* names: [a-z0-9_]{1,40} */
#define YZ_WF_MAX_TITLE 100                /* titles: 1..100 code points */
#define YZ_WF_MAX_TEXT 20000               /* largest "max" a text field may declare */
#define YZ_WF_INT_LIMIT 9007199254740991LL /* 2^53-1: exact in every JSON reader */
#define YZ_WF_MAX_VERSION 1000000

/* Deadline bounds per unit (n is 1..this). */
#define YZ_WF_MAX_DAYS 3650
#define YZ_WF_MAX_WORKDAYS 2500
#define YZ_WF_MAX_MONTHS 120

/* ---- Descriptors (plain read-only data) ------------------------------- */

enum yz_wf_type {
    YZ_WF_TEXT,  /* string; "max" code points required; single-line unless multiline */
    YZ_WF_INT,   /* JSON integer within [min, max] */
    YZ_WF_MONEY, /* JSON integer, fen; min >= 0 */
    YZ_WF_DATE,  /* string "YYYY-MM-DD", a real calendar date */
    YZ_WF_BOOL,  /* true / false */
    YZ_WF_ENUM,  /* string, one of values */
    YZ_WF_ID,    /* JSON integer >= 1: a reference to another record */
    YZ_WF_DOCUMENT, /* JSON object validated by the C schema named in "schema" */
};

enum yz_wf_unit { YZ_WF_DAYS, YZ_WF_WORKDAYS, YZ_WF_MONTHS };

struct yz_wf_state {
    const char *name;
    const char *title;
    bool final;
};

struct yz_wf_field {
    const char *name;
    const char *title;
    enum yz_wf_type type;
    bool required;
    bool multiline;            /* text only: newlines and tabs allowed */
    int64_t min, max;          /* text: code points; int/money: value; unused otherwise */
    size_t nvalues;            /* enum only */
    const char **values;       /* enum codes */
    const char **value_titles; /* Chinese labels, parallel to values (the code when none given) */
    const char *schema;        /* document only: one of yz_known_documents */
};

struct yz_wf_deadline {
    const char *name;  /* e.g. "answer"; events stop it by this name */
    const char *title; /* e.g. "答复期限" */
    enum yz_wf_unit unit;
    int n;
};

/* "text", "int", ...; "days", "workdays", "months". */
const char *yz_wf_type_name(enum yz_wf_type t);
const char *yz_wf_unit_name(enum yz_wf_unit u);

/* ---- Loading ---------------------------------------------------------- */

struct yz_workflows;
struct yz_workflow;
struct yz_wf_event;

/*
 * Loads every *.json file in dir (names starting with '.' are skipped; other
 * files are ignored). known_effects is a NULL-terminated list of the effect
 * names an event may use (NULL: none). Limits: YZ_WF_MAX_FILES files of at most
 * YZ_WF_MAX_FILE_BYTES each, and the per-kind limits above.
 *
 * On success returns YZ_OK and *out owns the definitions (free with
 * yz_workflows_free). Otherwise returns YZ_ERR_CONFIG, *out is NULL, and err
 * (may be NULL) receives every problem, one per line, each prefixed with the
 * file name (or the directory for directory-level problems). A directory with
 * no definition at all is a problem too.
 */
enum yz_err yz_workflows_load_dir(const char *dir, const char *const *known_effects,
                                  struct yz_workflows **out, struct yz_buf *err);
/* NULL is harmless. */
void yz_workflows_free(struct yz_workflows *ws);

/* Kinds, sorted by file name. */
size_t yz_workflows_count(const struct yz_workflows *ws);
const struct yz_workflow *yz_workflows_at(const struct yz_workflows *ws, size_t i);
/* The workflow of a kind, or NULL. */
const struct yz_workflow *yz_workflow_find(const struct yz_workflows *ws, const char *kind);
/* Whether state is a final state of kind's workflow (false for an unknown kind or state). */
bool yz_workflows_is_final(const struct yz_workflows *ws, const char *kind, const char *state);

/* ---- A workflow ------------------------------------------------------- */

const char *yz_workflow_kind(const struct yz_workflow *wf);
const char *yz_workflow_title(const struct yz_workflow *wf);
int yz_workflow_version(const struct yz_workflow *wf);
/* The state every new matter of this kind starts in. */
const char *yz_workflow_initial(const struct yz_workflow *wf);

/* States in definition order (what the UI shows), and lookup by name (NULL when unknown). */
size_t yz_workflow_state_count(const struct yz_workflow *wf);
const struct yz_wf_state *yz_workflow_state_at(const struct yz_workflow *wf, size_t i);
const struct yz_wf_state *yz_workflow_state(const struct yz_workflow *wf, const char *name);

/* Events in definition order, and lookup by name (NULL when unknown). */
size_t yz_workflow_event_count(const struct yz_workflow *wf);
const struct yz_wf_event *yz_workflow_event_at(const struct yz_workflow *wf, size_t i);
const struct yz_wf_event *yz_workflow_event(const struct yz_workflow *wf, const char *name);
/* The one event that creates a matter of this kind (never NULL after a load). */
const struct yz_wf_event *yz_workflow_create_event(const struct yz_workflow *wf);

/* ---- An event --------------------------------------------------------- */

const struct yz_workflow *yz_wf_event_workflow(const struct yz_wf_event *ev);
const char *yz_wf_event_name(const struct yz_wf_event *ev);
const char *yz_wf_event_title(const struct yz_wf_event *ev);
bool yz_wf_event_creates(const struct yz_wf_event *ev);
/* The state the matter is in after the event; NULL when the event stays in the state it fires in. */
const char *yz_wf_event_to(const struct yz_wf_event *ev);
bool yz_wf_event_stays(const struct yz_wf_event *ev);
/* May each user fire the event only once while the matter stays in the state
 * it fires in? Entering that state anew (from another state) allows it again:
 * e.g. a party confirms a proposed agreement once; after a rejection and a new
 * proposal, once more. */
bool yz_wf_event_once_per_actor(const struct yz_wf_event *ev);

/* May the event fire when the matter is in `state`? state NULL means "no matter
 * yet": only the creates event may fire then, and it may fire from nowhere else. */
bool yz_wf_event_allowed_from(const struct yz_wf_event *ev, const char *state);
/* The states it may fire from (none for the creates event). */
size_t yz_wf_event_from_count(const struct yz_wf_event *ev);
const char *yz_wf_event_from_at(const struct yz_wf_event *ev, size_t i);

/* Does the definition let a user holding `role` fire the event? (Whether this
 * user may act on this matter is the policy module's question, not this one.) */
bool yz_wf_event_role_may(const struct yz_wf_event *ev, const char *role);
size_t yz_wf_event_role_count(const struct yz_wf_event *ev);
const char *yz_wf_event_role_at(const struct yz_wf_event *ev, size_t i);

/* Field definitions in order, and lookup by name (NULL when unknown). */
size_t yz_wf_event_field_count(const struct yz_wf_event *ev);
const struct yz_wf_field *yz_wf_event_field_at(const struct yz_wf_event *ev, size_t i);
const struct yz_wf_field *yz_wf_event_field(const struct yz_wf_event *ev, const char *name);

/* Effect names, in the order the definition lists them (run them in this order). */
size_t yz_wf_event_effect_count(const struct yz_wf_event *ev);
const char *yz_wf_event_effect_at(const struct yz_wf_event *ev, size_t i);

/* The deadline the event starts (restarts when already running), or NULL. */
const struct yz_wf_deadline *yz_wf_event_deadline(const struct yz_wf_event *ev);
/* The deadlines the event stops by name (a stop of one not running is a no-op). */
size_t yz_wf_event_stop_count(const struct yz_wf_event *ev);
const char *yz_wf_event_stop_at(const struct yz_wf_event *ev, size_t i);

/*
 * Validates the fields an event carries (a JSON object; NULL counts as {}):
 * required fields present (null, "" and whitespace-only text count as
 * absent), types, bounds, valid UTF-8 and code-point lengths for text, no
 * control characters (single-line text also refuses newlines and tabs), enum
 * values, real dates, and no field the event does not declare.
 * Each problem is added to fe with the path "fields/<name>", a stable code
 * (required, wrong_type, too_long, too_short, too_small, too_large,
 * invalid_utf8, control_char, invalid_date, invalid_choice, unknown_field)
 * and a Chinese message naming the field's title.
 * Returns YZ_OK, or YZ_ERR_VALIDATION when anything was added.
 */
enum yz_err yz_wf_validate_fields(const struct yz_wf_event *ev, const json_t *fields,
                                  struct yz_field_errors *fe);

#endif
