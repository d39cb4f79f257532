/*
 * Workflow definitions: loading, checking and the read-only runtime queries.
 *
 * A definition file is parsed by jansson and the tree is kept: every name and
 * title the descriptors hand out points into it, so there is one owner (the
 * workflow) and nothing to copy. The loader never stops at the first problem:
 * each check adds a line to the caller's buffer and carries on with what it
 * could resolve, so one run of `yizhan workflow check` shows everything that
 * needs fixing. Cross-references are resolved to indices while parsing; the
 * graph checks (reachability, dead ends, a way to a final state) then work
 * on small integer arrays bounded by YZ_WF_MAX_STATES / YZ_WF_MAX_EVENTS.
 */
#include "workflow/workflow.h"
#include "core/clock.h"
#include "core/utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/roles.h"

#include "core/banned.h"

/* ---- Roles and effects ------------------------------------------------ */

const char *const yz_known_documents[] = {"filing_application", "correction_notice",
                                          "mediation_agreement", "triage_features", NULL};

const char *const yz_known_effects[] = {
    "notify_court", "notify_parties",  "assign_case_number",
    "compute_fee",  "record_channel", "link_applicants", "link_parties", "forward_filing", "attach_uploads", "record_decision", "require_consent",
    "assign_mediation_number", "record_delegation", "release_mediator", "extend_deadline",
    "render_agreement", "record_confirmation", "clear_confirmations", "check_confirmations",
    "apply_judicial_confirmation", "check_confirmation_window", "convert_to_filing",
    "start_mediation", "load_case", "set_mediation_period", "issue_consent_judgment",
    "file_for_consent_judgment", "draw_assignment", "record_designation", "commit_draw_seed",
    "propose_track", "record_triage_decision", "start_trial_period", "record_conversion",
    "check_relief_case", "apply_fee_relief", "schedule_fee_payment", "check_fee_unpaid",
    NULL,
};

/* Roles come from the one list in policy/roles.h; events point at its codes. */
static int role_index(const char *role)
{
    return role ? yz_role_parse(role) : -1;
}

static const char *const type_names[] = {"text", "int",  "money",   "date",
                                         "bool", "enum", "id",      "document"};
static const char *const unit_names[] = {"days", "workdays", "months"};

const char *yz_wf_type_name(enum yz_wf_type t)
{
    if ((unsigned)t >= sizeof type_names / sizeof type_names[0])
        YZ_BUG("bad field type %d", (int)t);
    return type_names[t];
}

const char *yz_wf_unit_name(enum yz_wf_unit u)
{
    if ((unsigned)u >= sizeof unit_names / sizeof unit_names[0])
        YZ_BUG("bad deadline unit %d", (int)u);
    return unit_names[u];
}

/* ---- The structures behind the opaque handles ------------------------- */

struct yz_wf_event {
    const struct yz_workflow *wf;
    const char *name; /* NULL while invalid (only during a failed load) */
    const char *title;
    bool creates;
    bool stays; /* "stays": true — records something in whatever state it fires in */
    bool once_per_actor; /* "once_per_actor": true — each user fires it once per stay in a state */
    int to;     /* state index, -1 when unresolved or when the event stays */
    size_t nfrom;
    int *from; /* state indices; unresolved ones are left out */
    uint32_t role_mask;
    size_t nroles;
    const char **roles; /* point into yz_roles */
    size_t nfields;
    struct yz_wf_field *fields;
    size_t neffects;
    const char **effects;
    bool has_deadline;
    struct yz_wf_deadline deadline;
    size_t nstops;
    const char **stops;
};

struct yz_workflow {
    json_t *root; /* owns every string below */
    const char *kind;
    const char *title;
    int version;
    int initial; /* state index, -1 when unresolved */
    size_t nstates;
    struct yz_wf_state *states;
    size_t nevents;
    struct yz_wf_event *events;
    int create_event; /* event index */
    /* Loading only: the states parsed, and whether every transition resolved.
     * The graph checks run only on a complete graph, so one misspelt state
     * does not also show up as "unreachable" and "dead end". */
    bool have_states;
    bool graph_broken;
};

struct yz_workflows {
    size_t n;
    struct yz_workflow **items;
};

static void event_release(struct yz_wf_event *ev)
{
    free(ev->from);
    free(ev->roles);
    for (size_t i = 0; i < ev->nfields; i++) {
        free(ev->fields[i].values);
        free(ev->fields[i].value_titles);
    }
    free(ev->fields);
    free(ev->effects);
    free(ev->stops);
}

static void workflow_free(struct yz_workflow *wf)
{
    if (!wf)
        return;
    for (size_t i = 0; i < wf->nevents; i++)
        event_release(&wf->events[i]);
    free(wf->events);
    free(wf->states);
    json_decref(wf->root);
    free(wf);
}

void yz_workflows_free(struct yz_workflows *ws)
{
    if (!ws)
        return;
    for (size_t i = 0; i < ws->n; i++)
        workflow_free(ws->items[i]);
    free(ws->items);
    free(ws);
}

/* ---- Problem reporting ------------------------------------------------ */

struct loader {
    struct yz_buf *err;
    const char *file; /* prefix of every line */
    const char *const *effects;
    int problems;
};

/* Adds "file: ctx: message\n". ctx may be NULL for file-level problems. */
static void problem(struct loader *l, const char *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(struct loader *l, const char *ctx, const char *fmt, ...)
{
    l->problems++;
    if (!l->err)
        return;
    struct yz_buf line = YZ_BUF_INIT(1024);
    yz_buf_addf(&line, "%s: ", l->file);
    if (ctx && *ctx)
        yz_buf_addf(&line, "%s: ", ctx);
    va_list ap;
    va_start(ap, fmt);
    yz_buf_vaddf(&line, fmt, ap);
    va_end(ap);
    yz_buf_addc(&line, '\n');
    yz_buf_add(l->err, line.data, line.len); /* a full err buffer drops lines, never grows */
    yz_buf_release(&line);
}

/*
 * Copies a string from a definition into out for quoting in a message: at
 * most ~48 bytes cut on a code point boundary, control characters shown as
 * '?', so a hostile file cannot forge lines or flood the report.
 */
static const char *q(const char *s, char *out, size_t size)
{
    size_t limit = size > 52 ? 48 : size - 4, o = 0, i = 0;
    while (s[i] && o < limit) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (o + len > limit)
            break;
        for (size_t k = 0; k < len && s[i]; k++, i++)
            out[o++] = (c < 0x20 || c == 0x7f) ? '?' : s[i];
    }
    if (s[i]) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

static bool name_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
        if (n >= YZ_WF_MAX_NAME)
            return false;
    }
    return n > 0;
}

/* Reports every key of obj that is not in allowed (NULL-terminated). */
static void check_keys(struct loader *l, const char *ctx, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], key) == 0;
        if (!ok) {
            char qb[64];
            problem(l, ctx, "unknown key '%s'", q(key, qb, sizeof qb));
        }
    }
}

/* A string member; NULL (and a problem when required) when absent or not a string. */
static const char *get_str(struct loader *l, const char *ctx, json_t *obj, const char *key,
                           bool required)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            problem(l, ctx, "missing '%s'", key);
        return NULL;
    }
    if (!json_is_string(v)) {
        problem(l, ctx, "'%s' must be a string", key);
        return NULL;
    }
    return json_string_value(v);
}

static const char *get_name(struct loader *l, const char *ctx, json_t *obj, const char *key,
                            bool required)
{
    const char *s = get_str(l, ctx, obj, key, required);
    if (s && !name_ok(s)) {
        char qb[64];
        problem(l, ctx, "'%s' value '%s' is not a valid name ([a-z0-9_]{1,%d})", key,
                q(s, qb, sizeof qb), YZ_WF_MAX_NAME);
        return NULL;
    }
    return s;
}

static const char *get_title(struct loader *l, const char *ctx, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    const char *s = get_str(l, ctx, obj, key, true);
    if (!s)
        return NULL;
    size_t n = json_string_length(v);
    size_t cps = yz_utf8_count(s, n);
    if (cps == 0 || cps > YZ_WF_MAX_TITLE || yz_utf8_has_control(s, n, false)) {
        problem(l, ctx, "'%s' must be 1 to %d characters on one line", key, YZ_WF_MAX_TITLE);
        return NULL;
    }
    return s;
}

static bool get_bool(struct loader *l, const char *ctx, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return false;
    if (!json_is_boolean(v)) {
        problem(l, ctx, "'%s' must be true or false", key);
        return false;
    }
    return json_is_true(v);
}

/* An integer member within [min, max]. Returns false when absent or bad (reported). */
static bool get_int(struct loader *l, const char *ctx, json_t *obj, const char *key, int64_t min,
                    int64_t max, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return false;
    if (!json_is_integer(v)) {
        problem(l, ctx, "'%s' must be an integer", key);
        return false;
    }
    json_int_t n = json_integer_value(v);
    if (n < min || n > max) {
        problem(l, ctx, "'%s' is %" JSON_INTEGER_FORMAT ", outside %" PRId64 "..%" PRId64, key, n,
                min, max);
        return false;
    }
    *out = n;
    return true;
}

/* An array member with at most max items; NULL when absent or bad (reported). */
static json_t *get_array(struct loader *l, const char *ctx, json_t *obj, const char *key,
                         size_t max)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return NULL;
    if (!json_is_array(v)) {
        problem(l, ctx, "'%s' must be an array", key);
        return NULL;
    }
    if (json_array_size(v) > max) {
        problem(l, ctx, "'%s' has %zu entries, at most %zu are allowed", key, json_array_size(v),
                max);
        return NULL;
    }
    return v;
}

/* Context labels ("event 'answer': field 'question'") for messages. Names are
 * at most 40 bytes, so labels fit; a cut one would still be harmless. */
#define CTX_MAX 256

static void ctxf(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ctxf(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, CTX_MAX, fmt, ap);
    va_end(ap);
}

/* "[parent: ]state 'x'", or "state #4" when the name is unusable. */
static void label(char *out, const char *parent, const char *what, const char *name, size_t index)
{
    const char *sep = parent ? ": " : "";
    if (name)
        ctxf(out, "%s%s%s '%s'", parent ? parent : "", sep, what, name);
    else
        ctxf(out, "%s%s%s #%zu", parent ? parent : "", sep, what, index + 1);
}

static int state_index(const struct yz_workflow *wf, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < wf->nstates; i++)
        if (wf->states[i].name && strcmp(wf->states[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- Parsing ---------------------------------------------------------- */

static void parse_states(struct loader *l, struct yz_workflow *wf, json_t *arr)
{
    static const char *const keys[] = {"name", "title", "final", NULL};
    wf->nstates = json_array_size(arr);
    wf->states = yz_calloc(wf->nstates, sizeof *wf->states);
    for (size_t i = 0; i < wf->nstates; i++) {
        json_t *o = json_array_get(arr, i);
        struct yz_wf_state *st = &wf->states[i];
        char ctx[CTX_MAX];
        label(ctx, NULL, "state", NULL, i);
        if (!json_is_object(o)) {
            problem(l, ctx, "must be an object");
            continue;
        }
        const char *name = get_name(l, ctx, o, "name", true);
        label(ctx, NULL, "state", name, i);
        if (name && state_index(wf, name) >= 0) {
            problem(l, NULL, "duplicate state '%s'", name);
            name = NULL;
        }
        check_keys(l, ctx, o, keys);
        st->name = name;
        st->title = get_title(l, ctx, o, "title");
        st->final = get_bool(l, ctx, o, "final");
    }
}

static void parse_enum_values(struct loader *l, const char *ctx, json_t *o, struct yz_wf_field *f)
{
    static const char *const keys[] = {"value", "title", NULL};
    json_t *arr = get_array(l, ctx, o, "values", YZ_WF_MAX_ENUM_VALUES);
    if (!json_object_get(o, "values")) {
        problem(l, ctx, "an enum needs 'values'");
        return;
    }
    if (!arr)
        return;
    if (json_array_size(arr) == 0) {
        problem(l, ctx, "'values' is empty");
        return;
    }
    f->values = yz_calloc(json_array_size(arr), sizeof *f->values);
    f->value_titles = yz_calloc(json_array_size(arr), sizeof *f->value_titles);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *v = json_array_get(arr, i);
        const char *value = NULL, *title = NULL;
        char vctx[CTX_MAX];
        label(vctx, ctx, "values", NULL, i);
        if (json_is_string(v)) {
            value = json_string_value(v);
            title = value;
        } else if (json_is_object(v)) {
            check_keys(l, vctx, v, keys);
            value = get_str(l, vctx, v, "value", true);
            title = get_title(l, vctx, v, "title");
        } else {
            problem(l, vctx, "must be a string or an object {\"value\", \"title\"}");
            continue;
        }
        if (!value)
            continue;
        char qb[64];
        if (!name_ok(value)) {
            problem(l, ctx, "enum value '%s' is not a valid name ([a-z0-9_]{1,%d})",
                    q(value, qb, sizeof qb), YZ_WF_MAX_NAME);
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < f->nvalues && !dup; k++)
            dup = strcmp(f->values[k], value) == 0;
        if (dup) {
            problem(l, ctx, "duplicate enum value '%s'", value);
            continue;
        }
        f->values[f->nvalues] = value;
        f->value_titles[f->nvalues] = title ? title : value;
        f->nvalues++;
    }
}

/* The static copy of a known schema name, so fields never point into freed JSON. */
static const char *schema_name(const char *name)
{
    for (size_t i = 0; yz_known_documents[i]; i++)
        if (strcmp(yz_known_documents[i], name) == 0)
            return yz_known_documents[i];
    return NULL;
}

static void parse_field(struct loader *l, const char *ectx, struct yz_wf_event *ev, json_t *o,
                        size_t index)
{
    static const char *const keys[] = {"name", "title",  "type",   "required", "multiline",
                                       "min",  "max",    "values", "schema",   NULL};
    struct yz_wf_field *f = &ev->fields[index];
    char ctx[CTX_MAX];
    label(ctx, ectx, "field", NULL, index);
    if (!json_is_object(o)) {
        problem(l, ctx, "must be an object");
        return;
    }
    const char *name = get_name(l, ctx, o, "name", true);
    label(ctx, ectx, "field", name, index);
    for (size_t i = 0; name && i < index; i++)
        if (ev->fields[i].name && strcmp(ev->fields[i].name, name) == 0) {
            problem(l, ectx, "duplicate field '%s'", name);
            name = NULL;
            break;
        }
    check_keys(l, ctx, o, keys);
    f->name = name;
    f->title = get_title(l, ctx, o, "title");
    f->required = get_bool(l, ctx, o, "required");

    const char *type = get_str(l, ctx, o, "type", true);
    if (!type)
        return;
    int t = -1;
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcmp(type_names[i], type) == 0)
            t = (int)i;
    if (t < 0) {
        char qb[64];
        problem(l, ctx, "unknown type '%s' (text, int, money, date, bool, enum, id, document)",
                q(type, qb, sizeof qb));
        return;
    }
    f->type = (enum yz_wf_type)t;

    /* Which of the optional keys each type understands. */
    bool has_minmax = f->type == YZ_WF_TEXT || f->type == YZ_WF_INT || f->type == YZ_WF_MONEY;
    if (!has_minmax && json_object_get(o, "min"))
        problem(l, ctx, "'min' does not apply to type %s", type);
    if (!has_minmax && json_object_get(o, "max"))
        problem(l, ctx, "'max' does not apply to type %s", type);
    if (f->type != YZ_WF_TEXT && json_object_get(o, "multiline"))
        problem(l, ctx, "'multiline' does not apply to type %s", type);
    if (f->type != YZ_WF_ENUM && json_object_get(o, "values"))
        problem(l, ctx, "'values' does not apply to type %s", type);
    if (f->type != YZ_WF_DOCUMENT && json_object_get(o, "schema"))
        problem(l, ctx, "'schema' does not apply to type %s", type);

    bool min_ok = true, max_ok = true;
    switch (f->type) {
    case YZ_WF_TEXT:
        f->multiline = get_bool(l, ctx, o, "multiline");
        f->min = 0;
        if (!json_object_get(o, "max")) {
            problem(l, ctx, "a text field needs 'max' (its length in characters)");
            max_ok = false;
        } else {
            max_ok = get_int(l, ctx, o, "max", 1, YZ_WF_MAX_TEXT, &f->max);
        }
        if (json_object_get(o, "min"))
            min_ok = get_int(l, ctx, o, "min", 0, YZ_WF_MAX_TEXT, &f->min);
        break;
    case YZ_WF_INT:
        f->min = -YZ_WF_INT_LIMIT;
        f->max = YZ_WF_INT_LIMIT;
        if (json_object_get(o, "min"))
            min_ok = get_int(l, ctx, o, "min", -YZ_WF_INT_LIMIT, YZ_WF_INT_LIMIT, &f->min);
        if (json_object_get(o, "max"))
            max_ok = get_int(l, ctx, o, "max", -YZ_WF_INT_LIMIT, YZ_WF_INT_LIMIT, &f->max);
        break;
    case YZ_WF_MONEY:
        /* Amounts are never negative; a refund is its own event, not a negative fee. */
        f->min = 0;
        f->max = YZ_WF_INT_LIMIT;
        if (json_object_get(o, "min"))
            min_ok = get_int(l, ctx, o, "min", 0, YZ_WF_INT_LIMIT, &f->min);
        if (json_object_get(o, "max"))
            max_ok = get_int(l, ctx, o, "max", 0, YZ_WF_INT_LIMIT, &f->max);
        break;
    case YZ_WF_ID:
        f->min = 1;
        f->max = YZ_WF_INT_LIMIT;
        break;
    case YZ_WF_ENUM:
        parse_enum_values(l, ctx, o, f);
        break;
    case YZ_WF_DOCUMENT: {
        const char *schema = get_str(l, ctx, o, "schema", true);
        bool known = false;
        for (size_t i = 0; schema && yz_known_documents[i]; i++)
            known = known || strcmp(yz_known_documents[i], schema) == 0;
        if (schema && !known) {
            char qb[64];
            problem(l, ctx, "unknown document schema '%s'", q(schema, qb, sizeof qb));
        }
        f->schema = known ? schema_name(schema) : NULL;
        break;
    }
    case YZ_WF_DATE:
    case YZ_WF_BOOL:
        break;
    }
    if (min_ok && max_ok && has_minmax && f->min > f->max)
        problem(l, ctx, "min (%" PRId64 ") is greater than max (%" PRId64 ")", f->min, f->max);
}

static void parse_deadline(struct loader *l, const char *ectx, struct yz_wf_event *ev, json_t *o)
{
    static const char *const keys[] = {"name", "title", "unit", "n", NULL};
    static const int64_t max_n[] = {YZ_WF_MAX_DAYS, YZ_WF_MAX_WORKDAYS, YZ_WF_MAX_MONTHS};
    char ctx[CTX_MAX];
    ctxf(ctx, "%s: deadline", ectx);
    if (!json_is_object(o)) {
        problem(l, ctx, "must be an object {\"name\", \"title\", \"unit\", \"n\"}");
        return;
    }
    check_keys(l, ctx, o, keys);
    struct yz_wf_deadline *d = &ev->deadline;
    d->name = get_name(l, ctx, o, "name", true);
    d->title = get_title(l, ctx, o, "title");
    const char *unit = get_str(l, ctx, o, "unit", true);
    int u = -1;
    if (unit) {
        for (size_t i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++)
            if (strcmp(unit_names[i], unit) == 0)
                u = (int)i;
        if (u < 0) {
            char qb[64];
            problem(l, ctx, "unknown unit '%s' (days, workdays, months)", q(unit, qb, sizeof qb));
        }
    }
    int64_t n = 0;
    bool n_ok = false;
    if (!json_object_get(o, "n"))
        problem(l, ctx, "missing 'n'");
    else if (u >= 0)
        n_ok = get_int(l, ctx, o, "n", 1, max_n[u], &n);
    if (d->name && d->title && u >= 0 && n_ok) {
        d->unit = (enum yz_wf_unit)u;
        d->n = (int)n;
        ev->has_deadline = true;
    }
}

static void parse_stops(struct loader *l, const char *ctx, struct yz_wf_event *ev, json_t *v)
{
    char qb[64];
    if (json_is_string(v)) { /* the one-deadline shorthand */
        if (!name_ok(json_string_value(v))) {
            problem(l, ctx, "'stops_deadline' value '%s' is not a valid name",
                    q(json_string_value(v), qb, sizeof qb));
            return;
        }
        ev->stops = yz_calloc(1, sizeof *ev->stops);
        ev->stops[ev->nstops++] = json_string_value(v);
        return;
    }
    if (!json_is_array(v) || json_array_size(v) == 0) {
        problem(l, ctx, "'stops_deadline' must be a deadline name or a non-empty list of them");
        return;
    }
    if (json_array_size(v) > YZ_WF_MAX_STOPS) {
        problem(l, ctx, "'stops_deadline' has %zu entries, at most %d are allowed",
                json_array_size(v), YZ_WF_MAX_STOPS);
        return;
    }
    ev->stops = yz_calloc(json_array_size(v), sizeof *ev->stops);
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s) || !name_ok(json_string_value(s))) {
            problem(l, ctx, "'stops_deadline' #%zu is not a valid name", i + 1);
            continue;
        }
        const char *name = json_string_value(s);
        bool dup = false;
        for (size_t k = 0; k < ev->nstops && !dup; k++)
            dup = strcmp(ev->stops[k], name) == 0;
        if (dup)
            problem(l, ctx, "'stops_deadline' lists '%s' twice", q(name, qb, sizeof qb));
        else
            ev->stops[ev->nstops++] = name;
    }
}

static void parse_event(struct loader *l, struct yz_workflow *wf, size_t index, json_t *o)
{
    static const char *const keys[] = {"name",     "title",          "creates", "from",
                                       "to",       "roles",          "fields",  "effects",
                                       "deadline", "stops_deadline", "stays",   "once_per_actor",
                                       NULL};
    struct yz_wf_event *ev = &wf->events[index];
    ev->wf = wf;
    ev->to = -1;
    char ctx[CTX_MAX], qb[64];
    label(ctx, NULL, "event", NULL, index);
    if (!json_is_object(o)) {
        problem(l, ctx, "must be an object");
        wf->graph_broken = true;
        return;
    }
    const char *name = get_name(l, ctx, o, "name", true);
    label(ctx, NULL, "event", name, index);
    for (size_t i = 0; name && i < index; i++)
        if (wf->events[i].name && strcmp(wf->events[i].name, name) == 0) {
            problem(l, NULL, "duplicate event '%s'", name);
            name = NULL;
            break;
        }
    ev->name = name;
    check_keys(l, ctx, o, keys);
    ev->title = get_title(l, ctx, o, "title");
    ev->creates = get_bool(l, ctx, o, "creates");

    /* from: the states it fires in; a creates event fires before there is a state. */
    json_t *from = json_object_get(o, "from");
    if (ev->creates && from) {
        problem(l, ctx, "a creates event must not have 'from' (there is no matter yet)");
    } else if (!ev->creates && !from) {
        problem(l, ctx, "missing 'from' (only the creates event has none)");
        wf->graph_broken = true;
    } else if (from && (from = get_array(l, ctx, o, "from", YZ_WF_MAX_STATES))) {
        if (json_array_size(from) == 0)
            problem(l, ctx, "'from' is empty: the event can never fire");
        ev->from = yz_calloc(json_array_size(from), sizeof *ev->from);
        for (size_t i = 0; i < json_array_size(from); i++) {
            json_t *s = json_array_get(from, i);
            if (!json_is_string(s)) {
                problem(l, ctx, "'from' #%zu must be a state name", i + 1);
                wf->graph_broken = true;
                continue;
            }
            int si = state_index(wf, json_string_value(s));
            if (si < 0) {
                wf->graph_broken = true;
                if (wf->have_states)
                    problem(l, ctx, "unknown state '%s' in from",
                            q(json_string_value(s), qb, sizeof qb));
                continue;
            }
            bool dup = false;
            for (size_t k = 0; k < ev->nfrom && !dup; k++)
                dup = ev->from[k] == si;
            if (dup)
                problem(l, ctx, "state '%s' listed twice in from", wf->states[si].name);
            else
                ev->from[ev->nfrom++] = si;
        }
    }

    /* to, or "stays": an event that records something and leaves the matter
     * in the state it fired in (one event for several states). */
    ev->stays = get_bool(l, ctx, o, "stays");
    ev->once_per_actor = get_bool(l, ctx, o, "once_per_actor");
    if (ev->once_per_actor && ev->creates)
        problem(l, ctx, "a creates event cannot be 'once_per_actor' (it fires once anyway)");
    if (ev->stays && ev->creates)
        problem(l, ctx, "a creates event cannot stay (there is no state yet)");
    if (ev->stays && json_object_get(o, "to"))
        problem(l, ctx, "'stays' and 'to' exclude each other");
    const char *to = ev->stays ? NULL : get_str(l, ctx, o, "to", true);
    if (to) {
        ev->to = state_index(wf, to);
        if (ev->to < 0 && wf->have_states)
            problem(l, ctx, "unknown state '%s' in to", q(to, qb, sizeof qb));
    }
    if (ev->to < 0 && !ev->stays)
        wf->graph_broken = true;

    /* roles: who may fire it. */
    json_t *roles = json_object_get(o, "roles");
    if (!roles) {
        problem(l, ctx, "missing 'roles': no role may fire it");
    } else if ((roles = get_array(l, ctx, o, "roles", 2 * YZ_ROLE__COUNT))) {
        if (json_array_size(roles) == 0)
            problem(l, ctx, "'roles' is empty: no role may fire it");
        ev->roles = yz_calloc(json_array_size(roles), sizeof *ev->roles);
        for (size_t i = 0; i < json_array_size(roles); i++) {
            json_t *r = json_array_get(roles, i);
            int ri = json_is_string(r) ? role_index(json_string_value(r)) : -1;
            if (ri < 0) {
                problem(l, ctx, "unknown role '%s'",
                        json_is_string(r) ? q(json_string_value(r), qb, sizeof qb)
                                          : "(not a string)");
                continue;
            }
            if (ev->role_mask & (UINT32_C(1) << ri)) {
                problem(l, ctx, "role '%s' listed twice", yz_role_code((enum yz_role)ri));
                continue;
            }
            ev->role_mask |= UINT32_C(1) << ri;
            ev->roles[ev->nroles++] = yz_role_code((enum yz_role)ri);
        }
    }

    json_t *fields = get_array(l, ctx, o, "fields", YZ_WF_MAX_FIELDS);
    if (fields) {
        ev->nfields = json_array_size(fields);
        ev->fields = yz_calloc(ev->nfields, sizeof *ev->fields);
        for (size_t i = 0; i < ev->nfields; i++)
            parse_field(l, ctx, ev, json_array_get(fields, i), i);
    }

    json_t *effects = get_array(l, ctx, o, "effects", YZ_WF_MAX_EFFECTS);
    if (effects) {
        ev->effects = yz_calloc(json_array_size(effects), sizeof *ev->effects);
        for (size_t i = 0; i < json_array_size(effects); i++) {
            json_t *e = json_array_get(effects, i);
            const char *s = json_is_string(e) ? json_string_value(e) : NULL;
            bool known = false;
            for (size_t k = 0; s && l->effects && l->effects[k] && !known; k++)
                known = strcmp(l->effects[k], s) == 0;
            if (!known) {
                problem(l, ctx, "unknown effect '%s'", s ? q(s, qb, sizeof qb) : "(not a string)");
                continue;
            }
            bool dup = false;
            for (size_t k = 0; k < ev->neffects && !dup; k++)
                dup = strcmp(ev->effects[k], s) == 0;
            if (dup)
                problem(l, ctx, "effect '%s' listed twice", s);
            else
                ev->effects[ev->neffects++] = s;
        }
    }

    json_t *deadline = json_object_get(o, "deadline");
    if (deadline)
        parse_deadline(l, ctx, ev, deadline);
    json_t *stops = json_object_get(o, "stops_deadline");
    if (stops)
        parse_stops(l, ctx, ev, stops);
}

/* ---- Whole-workflow checks -------------------------------------------- */

static bool leaves(const struct yz_wf_event *ev, int state)
{
    for (size_t i = 0; i < ev->nfrom; i++)
        if (ev->from[i] == state)
            return true;
    return false;
}

static void check_graph(struct loader *l, struct yz_workflow *wf)
{
    /* Exactly one creates event, landing in the initial state. */
    int creates = -1;
    for (size_t i = 0; i < wf->nevents; i++) {
        const struct yz_wf_event *ev = &wf->events[i];
        if (!ev->creates)
            continue;
        if (creates >= 0) {
            char a[CTX_MAX], b[CTX_MAX];
            label(a, NULL, "event", wf->events[creates].name, (size_t)creates);
            label(b, NULL, "event", ev->name, i);
            problem(l, NULL, "%s and %s both create a matter: exactly one creates event is allowed",
                    a, b);
            continue;
        }
        creates = (int)i;
        if (wf->initial >= 0 && ev->to >= 0 && ev->to != wf->initial) {
            char a[CTX_MAX];
            label(a, NULL, "event", ev->name, i);
            problem(l, NULL, "%s creates a matter in '%s' but the initial state is '%s'", a,
                    wf->states[ev->to].name, wf->states[wf->initial].name);
        }
    }
    if (creates < 0 && wf->nevents > 0)
        problem(l, NULL, "no creates event: exactly one event needs \"creates\": true");
    wf->create_event = creates;

    if (wf->initial < 0 || wf->graph_broken)
        return; /* reported already; the graph is incomplete */

    /* Reachability from the initial state through the events. */
    bool reach[YZ_WF_MAX_STATES] = {false};
    int queue[YZ_WF_MAX_STATES], head = 0, tail = 0;
    reach[wf->initial] = true;
    queue[tail++] = wf->initial;
    while (head < tail) {
        int s = queue[head++];
        for (size_t i = 0; i < wf->nevents; i++) {
            const struct yz_wf_event *ev = &wf->events[i];
            if (ev->to >= 0 && !reach[ev->to] && leaves(ev, s)) {
                reach[ev->to] = true;
                queue[tail++] = ev->to;
            }
        }
    }

    /* Which states can still reach a final one (fixpoint over the reverse edges). */
    bool can_end[YZ_WF_MAX_STATES] = {false};
    bool any_final = false;
    for (size_t s = 0; s < wf->nstates; s++)
        any_final |= can_end[s] = wf->states[s].final;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < wf->nevents; i++) {
            const struct yz_wf_event *ev = &wf->events[i];
            if (ev->to < 0 || !can_end[ev->to])
                continue;
            for (size_t k = 0; k < ev->nfrom; k++)
                if (!can_end[ev->from[k]])
                    changed = can_end[ev->from[k]] = true;
        }
    }
    if (!any_final)
        problem(l, NULL, "no final state: a matter of this kind could never end");

    for (size_t s = 0; s < wf->nstates; s++) {
        const struct yz_wf_state *st = &wf->states[s];
        if (!st->name)
            continue;
        if (!reach[s])
            problem(l, NULL, "state '%s' is unreachable from the initial state '%s'", st->name,
                    wf->states[wf->initial].name);
        const struct yz_wf_event *out = NULL;
        for (size_t i = 0; i < wf->nevents && !out; i++)
            if (leaves(&wf->events[i], (int)s))
                out = &wf->events[i];
        if (st->final && out)
            problem(l, NULL, "final state '%s' has an outgoing event '%s'", st->name,
                    out->name ? out->name : "?");
        else if (!st->final && !out)
            problem(l, NULL, "state '%s' is not final but no event leaves it (a dead end)",
                    st->name);
        else if (any_final && !can_end[s])
            problem(l, NULL, "no final state can be reached from state '%s'", st->name);
    }
}

/* Deadlines an effect starts itself rather than its event's "deadline" (the
 * fee-payment deadline follows the fee ledger: payments/ledger.h). */
static const struct {
    const char *effect, *deadline;
} effect_deadlines[] = {
    {"schedule_fee_payment", "fee_payment"},
};

/* Whether event ev starts the deadline named name, itself or by an effect. */
static bool starts(const struct yz_wf_event *ev, const char *name)
{
    if (ev->has_deadline && strcmp(ev->deadline.name, name) == 0)
        return true;
    for (size_t e = 0; e < ev->neffects; e++)
        for (size_t d = 0; d < sizeof effect_deadlines / sizeof *effect_deadlines; d++)
            if (strcmp(ev->effects[e], effect_deadlines[d].effect) == 0 &&
                strcmp(effect_deadlines[d].deadline, name) == 0)
                return true;
    return false;
}

static void check_deadlines(struct loader *l, struct yz_workflow *wf)
{
    for (size_t i = 0; i < wf->nevents; i++) {
        const struct yz_wf_event *ev = &wf->events[i];
        for (size_t k = 0; k < ev->nstops; k++) {
            bool started = false;
            for (size_t j = 0; j < wf->nevents && !started; j++)
                started = starts(&wf->events[j], ev->stops[k]);
            if (!started) {
                char ctx[CTX_MAX];
                label(ctx, NULL, "event", ev->name, i);
                problem(l, ctx, "stops_deadline '%s' names a deadline no event starts",
                        ev->stops[k]);
            }
        }
    }
}

/* Builds a workflow from a parsed file; takes the reference to root. */
static struct yz_workflow *parse_workflow(struct loader *l, json_t *root)
{
    static const char *const keys[] = {"kind",   "title",  "version", "initial",
                                       "states", "events", NULL};
    struct yz_workflow *wf = yz_calloc(1, sizeof *wf);
    wf->root = root;
    wf->initial = -1;
    wf->create_event = -1;
    if (!json_is_object(root)) {
        problem(l, NULL, "the top level must be an object");
        return wf;
    }
    check_keys(l, NULL, root, keys);
    wf->kind = get_name(l, NULL, root, "kind", true);
    wf->title = get_title(l, NULL, root, "title");
    int64_t version = 0;
    if (!json_object_get(root, "version"))
        problem(l, NULL, "missing 'version'");
    else if (get_int(l, NULL, root, "version", 1, YZ_WF_MAX_VERSION, &version))
        wf->version = (int)version;

    json_t *states = json_object_get(root, "states");
    if (!states)
        problem(l, NULL, "missing 'states'");
    else if ((states = get_array(l, NULL, root, "states", YZ_WF_MAX_STATES))) {
        if (json_array_size(states) == 0)
            problem(l, NULL, "'states' is empty");
        parse_states(l, wf, states);
        wf->have_states = wf->nstates > 0;
    }

    const char *initial = get_str(l, NULL, root, "initial", true);
    if (initial && wf->nstates) {
        wf->initial = state_index(wf, initial);
        if (wf->initial < 0) {
            char qb[64];
            problem(l, NULL, "initial state '%s' is not one of the states",
                    q(initial, qb, sizeof qb));
        } else if (wf->states[wf->initial].final) {
            problem(l, NULL, "initial state '%s' is final", initial);
        }
    }

    json_t *events = json_object_get(root, "events");
    if (!wf->have_states)
        wf->graph_broken = true;
    if (!events)
        problem(l, NULL, "missing 'events'");
    if (!events || !(events = get_array(l, NULL, root, "events", YZ_WF_MAX_EVENTS))) {
        wf->graph_broken = true;
    } else {
        if (json_array_size(events) == 0) {
            problem(l, NULL, "'events' is empty");
            wf->graph_broken = true;
        }
        wf->nevents = json_array_size(events);
        wf->events = yz_calloc(wf->nevents, sizeof *wf->events);
        for (size_t i = 0; i < wf->nevents; i++)
            parse_event(l, wf, i, json_array_get(events, i));
    }

    check_graph(l, wf);
    check_deadlines(l, wf);
    return wf;
}

/* ---- Files ------------------------------------------------------------ */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_definition_name(const char *n)
{
    size_t len = strlen(n);
    return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".json") == 0;
}

/* Reads one file into a jansson tree, or reports why not (returns NULL). */
static json_t *read_definition(struct loader *l, const char *dir, const char *name)
{
    json_t *root = NULL;
    char *data = NULL;
    struct yz_buf path = YZ_BUF_INIT(4096);
    int fd = -1;
    if (!yz_buf_addf(&path, "%s/%s", dir, name)) {
        problem(l, NULL, "path too long");
        goto out;
    }
    fd = open(path.data, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        problem(l, NULL, "cannot read: %s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        problem(l, NULL, "not a regular file");
        goto out;
    }
    if (st.st_size > YZ_WF_MAX_FILE_BYTES) {
        problem(l, NULL, "file too large (%lld bytes, at most %d)", (long long)st.st_size,
                YZ_WF_MAX_FILE_BYTES);
        goto out;
    }
    /* Read up to one byte past the cap in case the file grew since fstat. */
    data = yz_malloc(YZ_WF_MAX_FILE_BYTES + 1);
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, data + len, YZ_WF_MAX_FILE_BYTES + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            problem(l, NULL, "cannot read: %s", strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > YZ_WF_MAX_FILE_BYTES) {
            problem(l, NULL, "file too large (at most %d bytes)", YZ_WF_MAX_FILE_BYTES);
            goto out;
        }
    }
    json_error_t je;
    root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        problem(l, NULL, "invalid JSON at line %d, column %d: %s", je.line, je.column, je.text);
out:
    if (fd >= 0)
        close(fd);
    free(data);
    yz_buf_release(&path);
    return root;
}

/* The file name as shown in messages: control bytes replaced. */
static char *display_name(const char *name)
{
    char *s = yz_strdup(name);
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return s;
}

enum yz_err yz_workflows_load_dir(const char *dir, const char *const *known_effects,
                                  struct yz_workflows **out, struct yz_buf *err)
{
    struct loader l = {.err = err, .file = dir, .effects = known_effects};
    struct yz_workflows *ws = yz_calloc(1, sizeof *ws);
    char *names[YZ_WF_MAX_FILES];
    char *shown[YZ_WF_MAX_FILES] = {NULL};   /* names as printed, parallel to names */
    const char *defined_in[YZ_WF_MAX_FILES]; /* parallel to ws->items */
    size_t nnames = 0;
    *out = NULL;

    DIR *d = opendir(dir);
    if (!d) {
        problem(&l, NULL, "cannot open the workflow directory: %s", strerror(errno));
        goto out;
    }
    for (struct dirent *de; (de = readdir(d));) {
        if (!is_definition_name(de->d_name))
            continue;
        if (nnames == YZ_WF_MAX_FILES) {
            problem(&l, NULL, "more than %d definition files", YZ_WF_MAX_FILES);
            break;
        }
        names[nnames++] = yz_strdup(de->d_name);
    }
    closedir(d);
    if (l.problems)
        goto out;
    if (nnames == 0) {
        problem(&l, NULL, "no workflow definitions (*.json)");
        goto out;
    }
    qsort(names, nnames, sizeof names[0], cmp_names);
    for (size_t i = 0; i < nnames; i++)
        shown[i] = display_name(names[i]);

    ws->items = yz_calloc(nnames, sizeof *ws->items);
    for (size_t i = 0; i < nnames; i++) {
        l.file = shown[i];
        json_t *root = read_definition(&l, dir, names[i]);
        if (!root)
            continue;
        struct yz_workflow *wf = parse_workflow(&l, root);
        for (size_t k = 0; wf->kind && k < ws->n; k++)
            if (ws->items[k]->kind && strcmp(ws->items[k]->kind, wf->kind) == 0)
                problem(&l, NULL, "kind '%s' is already defined in %s", wf->kind, defined_in[k]);
        defined_in[ws->n] = shown[i];
        ws->items[ws->n++] = wf;
    }

out:
    for (size_t i = 0; i < nnames; i++) {
        free(names[i]);
        free(shown[i]);
    }
    if (l.problems) {
        yz_workflows_free(ws);
        return YZ_ERR_CONFIG;
    }
    *out = ws;
    return YZ_OK;
}

/* ---- Queries ---------------------------------------------------------- */

size_t yz_workflows_count(const struct yz_workflows *ws)
{
    return ws->n;
}

const struct yz_workflow *yz_workflows_at(const struct yz_workflows *ws, size_t i)
{
    return i < ws->n ? ws->items[i] : NULL;
}

const struct yz_workflow *yz_workflow_find(const struct yz_workflows *ws, const char *kind)
{
    if (!ws || !kind)
        return NULL;
    for (size_t i = 0; i < ws->n; i++)
        if (strcmp(ws->items[i]->kind, kind) == 0)
            return ws->items[i];
    return NULL;
}

const char *yz_workflow_kind(const struct yz_workflow *wf)
{
    return wf->kind;
}

const char *yz_workflow_title(const struct yz_workflow *wf)
{
    return wf->title;
}

int yz_workflow_version(const struct yz_workflow *wf)
{
    return wf->version;
}

const char *yz_workflow_initial(const struct yz_workflow *wf)
{
    return wf->states[wf->initial].name;
}

size_t yz_workflow_state_count(const struct yz_workflow *wf)
{
    return wf->nstates;
}

const struct yz_wf_state *yz_workflow_state_at(const struct yz_workflow *wf, size_t i)
{
    return i < wf->nstates ? &wf->states[i] : NULL;
}

const struct yz_wf_state *yz_workflow_state(const struct yz_workflow *wf, const char *name)
{
    int i = state_index(wf, name);
    return i < 0 ? NULL : &wf->states[i];
}

bool yz_workflows_is_final(const struct yz_workflows *ws, const char *kind, const char *state)
{
    const struct yz_workflow *wf = yz_workflow_find(ws, kind);
    const struct yz_wf_state *s = wf ? yz_workflow_state(wf, state) : NULL;
    return s && s->final;
}

size_t yz_workflow_event_count(const struct yz_workflow *wf)
{
    return wf->nevents;
}

const struct yz_wf_event *yz_workflow_event_at(const struct yz_workflow *wf, size_t i)
{
    return i < wf->nevents ? &wf->events[i] : NULL;
}

const struct yz_wf_event *yz_workflow_event(const struct yz_workflow *wf, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < wf->nevents; i++)
        if (strcmp(wf->events[i].name, name) == 0)
            return &wf->events[i];
    return NULL;
}

const struct yz_wf_event *yz_workflow_create_event(const struct yz_workflow *wf)
{
    return &wf->events[wf->create_event];
}

const struct yz_workflow *yz_wf_event_workflow(const struct yz_wf_event *ev)
{
    return ev->wf;
}

const char *yz_wf_event_name(const struct yz_wf_event *ev)
{
    return ev->name;
}

const char *yz_wf_event_title(const struct yz_wf_event *ev)
{
    return ev->title;
}

bool yz_wf_event_creates(const struct yz_wf_event *ev)
{
    return ev->creates;
}

const char *yz_wf_event_to(const struct yz_wf_event *ev)
{
    return ev->to >= 0 ? ev->wf->states[ev->to].name : NULL;
}

bool yz_wf_event_stays(const struct yz_wf_event *ev)
{
    return ev->stays;
}

bool yz_wf_event_once_per_actor(const struct yz_wf_event *ev)
{
    return ev->once_per_actor;
}

bool yz_wf_event_allowed_from(const struct yz_wf_event *ev, const char *state)
{
    if (!state)
        return ev->creates;
    int s = state_index(ev->wf, state);
    return s >= 0 && leaves(ev, s);
}

size_t yz_wf_event_from_count(const struct yz_wf_event *ev)
{
    return ev->nfrom;
}

const char *yz_wf_event_from_at(const struct yz_wf_event *ev, size_t i)
{
    return i < ev->nfrom ? ev->wf->states[ev->from[i]].name : NULL;
}

bool yz_wf_event_role_may(const struct yz_wf_event *ev, const char *role)
{
    int r = role_index(role);
    return r >= 0 && (ev->role_mask & (UINT32_C(1) << r));
}

size_t yz_wf_event_role_count(const struct yz_wf_event *ev)
{
    return ev->nroles;
}

const char *yz_wf_event_role_at(const struct yz_wf_event *ev, size_t i)
{
    return i < ev->nroles ? ev->roles[i] : NULL;
}

size_t yz_wf_event_field_count(const struct yz_wf_event *ev)
{
    return ev->nfields;
}

const struct yz_wf_field *yz_wf_event_field_at(const struct yz_wf_event *ev, size_t i)
{
    return i < ev->nfields ? &ev->fields[i] : NULL;
}

const struct yz_wf_field *yz_wf_event_field(const struct yz_wf_event *ev, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < ev->nfields; i++)
        if (strcmp(ev->fields[i].name, name) == 0)
            return &ev->fields[i];
    return NULL;
}

size_t yz_wf_event_effect_count(const struct yz_wf_event *ev)
{
    return ev->neffects;
}

const char *yz_wf_event_effect_at(const struct yz_wf_event *ev, size_t i)
{
    return i < ev->neffects ? ev->effects[i] : NULL;
}

const struct yz_wf_deadline *yz_wf_event_deadline(const struct yz_wf_event *ev)
{
    return ev->has_deadline ? &ev->deadline : NULL;
}

size_t yz_wf_event_stop_count(const struct yz_wf_event *ev)
{
    return ev->nstops;
}

const char *yz_wf_event_stop_at(const struct yz_wf_event *ev, size_t i)
{
    return i < ev->nstops ? ev->stops[i] : NULL;
}

/* ---- Field validation ------------------------------------------------- */

/* "" and text of only spaces (ASCII or the ideographic U+3000) count as absent. */
static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
            i++;
        } else if (n - i >= 3 && memcmp(s + i, "\xe3\x80\x80", 3) == 0) {
            i += 3;
        } else {
            return false;
        }
    }
    return true;
}

static void money_text(int64_t fen, char *out, size_t size)
{
    snprintf(out, size, "%" PRId64 ".%02d 元", fen / 100, (int)(fen % 100));
}

static void check_integer(const struct yz_wf_field *f, const char *path, const json_t *v,
                          struct yz_field_errors *fe)
{
    const char *title = f->title;
    bool is_int = json_is_integer(v);
    int64_t n = is_int ? json_integer_value(v) : 0;
    char a[48], b[48];
    switch (f->type) {
    case YZ_WF_ID:
        if (!is_int || n < f->min || n > f->max)
            yz_field_errors_add(fe, path, "wrong_type", "「%s」应为有效的编号", title);
        return;
    case YZ_WF_MONEY:
        money_text(f->min, a, sizeof a);
        money_text(f->max, b, sizeof b);
        if (!is_int)
            yz_field_errors_add(fe, path, "wrong_type", "「%s」应为以分为单位的整数金额", title);
        else if (n < f->min)
            yz_field_errors_add(fe, path, "too_small", "「%s」不能小于 %s", title, a);
        else if (n > f->max)
            yz_field_errors_add(fe, path, "too_large", "「%s」不能大于 %s", title, b);
        return;
    default:
        if (!is_int)
            yz_field_errors_add(fe, path, "wrong_type", "「%s」应为整数", title);
        else if (n < f->min)
            yz_field_errors_add(fe, path, "too_small", "「%s」不能小于 %" PRId64, title, f->min);
        else if (n > f->max)
            yz_field_errors_add(fe, path, "too_large", "「%s」不能大于 %" PRId64, title, f->max);
        return;
    }
}

static void check_value(const struct yz_wf_field *f, const char *path, const json_t *v,
                        struct yz_field_errors *fe)
{
    const char *title = f->title;
    switch (f->type) {
    case YZ_WF_TEXT: {
        if (!json_is_string(v)) {
            yz_field_errors_add(fe, path, "wrong_type", "「%s」应为文本", title);
            return;
        }
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (!yz_utf8_valid(s, n)) {
            yz_field_errors_add(fe, path, "invalid_utf8", "「%s」包含无效的字符编码", title);
            return;
        }
        if (yz_utf8_has_control(s, n, f->multiline)) {
            yz_field_errors_add(fe, path, "control_char",
                                f->multiline ? "「%s」不能包含" YZ_UTF8_HIDDEN_TITLE
                                             : "「%s」只能填写一行，不能包含" YZ_UTF8_HIDDEN_TITLE,
                                title);
            return;
        }
        int64_t cps = (int64_t)yz_utf8_count(s, n);
        if (cps > f->max)
            yz_field_errors_add(fe, path, "too_long", "「%s」不能超过 %" PRId64 " 个字", title,
                                f->max);
        else if (cps < f->min)
            yz_field_errors_add(fe, path, "too_short", "「%s」至少需要 %" PRId64 " 个字", title,
                                f->min);
        return;
    }
    case YZ_WF_INT:
    case YZ_WF_MONEY:
    case YZ_WF_ID:
        check_integer(f, path, v, fe);
        return;
    case YZ_WF_DATE: {
        struct yz_date d;
        if (!json_is_string(v) || json_string_length(v) != 10 ||
            !yz_date_parse(json_string_value(v), &d))
            yz_field_errors_add(fe, path, "invalid_date",
                                "「%s」不是有效的日期，格式应为 YYYY-MM-DD", title);
        return;
    }
    case YZ_WF_BOOL:
        if (!json_is_boolean(v))
            yz_field_errors_add(fe, path, "wrong_type", "「%s」应为“是”或“否”", title);
        return;
    case YZ_WF_DOCUMENT:
        /* The inside is the schema's business (src/matters/documents.c). */
        if (!json_is_object(v))
            yz_field_errors_add(fe, path, "wrong_type", "「%s」应为对象", title);
        return;
    case YZ_WF_ENUM: {
        bool found = false;
        if (json_is_string(v))
            for (size_t i = 0; i < f->nvalues && !found; i++)
                found = strlen(f->values[i]) == json_string_length(v) &&
                        strcmp(f->values[i], json_string_value(v)) == 0;
        if (!found)
            yz_field_errors_add(fe, path, "invalid_choice", "「%s」的取值不在可选范围内", title);
        return;
    }
    }
    YZ_BUG("bad field type %d", (int)f->type);
}

/* A path for a key the event does not declare: only plain keys are echoed back. */
static void unknown_path(const char *key, char *out, size_t size)
{
    size_t n = strlen(key);
    bool plain = n > 0 && n <= 64;
    for (size_t i = 0; plain && i < n; i++) {
        char c = key[i];
        plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
    }
    if (plain)
        snprintf(out, size, "fields/%s", key);
    else
        yz_strlcpy(out, "fields", size);
}

enum yz_err yz_wf_validate_fields(const struct yz_wf_event *ev, const json_t *fields,
                                  struct yz_field_errors *fe)
{
    int before = fe->count + fe->dropped;
    if (fields && !json_is_object(fields)) {
        yz_field_errors_add(fe, "fields", "wrong_type", "提交的字段格式不正确，应为对象");
        return YZ_ERR_VALIDATION;
    }
    char path[96];
    for (size_t i = 0; i < ev->nfields; i++) {
        const struct yz_wf_field *f = &ev->fields[i];
        snprintf(path, sizeof path, "fields/%s", f->name);
        const json_t *v = fields ? json_object_get(fields, f->name) : NULL;
        bool absent = !v || json_is_null(v) ||
                      (json_is_string(v) && blank(json_string_value(v), json_string_length(v)));
        if (absent) {
            if (f->required)
                yz_field_errors_add(fe, path, "required", "「%s」为必填项", f->title);
            continue;
        }
        check_value(f, path, v, fe);
    }
    if (fields) {
        const char *key;
        json_t *v;
        /* json_object_foreach needs a non-const object; it only reads. */
        json_t *obj = (json_t *)fields;
        json_object_foreach(obj, key, v)
        {
            if (yz_wf_event_field(ev, key))
                continue;
            unknown_path(key, path, sizeof path);
            yz_field_errors_add(fe, path, "unknown_field", "不支持提交该字段");
        }
    }
    return fe->count + fe->dropped > before ? YZ_ERR_VALIDATION : YZ_OK;
}
