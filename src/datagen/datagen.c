/*
 * Writing the synthetic court data (datagen.h): each case's path along the
 * filing workflow, its events, projection rows and dashboard counters (daily
 * and monthly, as stats/rollup.c keeps them), one transaction per batch of
 * cases.
 */
#include "datagen/datagen.h"
#include "app/app.h"
#include "matters/matters.h"
#include "audit/events.h"
#include "caseno/caseno.h"
#include "catalog/catalog.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/fielderr.h"
#include "core/idnum.h"
#include "core/jsonwrite.h"
#include "fees/fees.h"
#include "filing/filing.h"
#include "store/store.h"
#include "triage/triage.h"
#include "workflow/workflow.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define DAY_MS INT64_C(86400000)
#define SHANGHAI_MS INT64_C(28800000)
#define MAX_CREATORS 64
#define MAX_SEQS 1024 /* (court, year) counters */

static struct yz_sql_def q_creators = YZ_SQL(
    "SELECT id, role FROM users WHERE role IN ('party', 'lawyer') AND status = 'active'"
    " ORDER BY id LIMIT 64");
static struct yz_sql_def q_last_matter = YZ_SQL("SELECT coalesce(max(id), 0) FROM matters");
static struct yz_sql_def q_seqs =
    YZ_SQL("SELECT court_id, year, last FROM case_sequences WHERE type_code = '民初'");
/* The id is the one SQLite would give (the highest plus one: matters.id is
 * INTEGER PRIMARY KEY without AUTOINCREMENT), counted from the batch's
 * q_last_matter: RETURNING it was a tenth of the insert's cost. */
static struct yz_sql_def q_matter = YZ_SQL(
    "INSERT INTO matters(id, kind, state, court_id, title, channel, created_by, created_at,"
    " updated_at, version, data, cause_name, amount_fen)"
    " VALUES (?, 'filing', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
static struct yz_sql_def q_participant = YZ_SQL(
    "INSERT INTO matter_participants(matter_id, user_id, capacity) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING");
static struct yz_sql_def q_deadline = YZ_SQL(
    "INSERT INTO deadlines(matter_id, name, start_date, due_date, unit, n, beyond_calendar,"
    " stopped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
static struct yz_sql_def q_case = YZ_SQL(
    "INSERT INTO cases(matter_id, case_number, court_id, year, type_code, seq, cause_revision,"
    " cause_code, query_code_hash, fee_fen, registered_at)"
    " VALUES (?, ?, ?, ?, '民初', ?, ?, ?, ?, ?, ?)");
static struct yz_sql_def q_seq = YZ_SQL(
    "INSERT INTO case_sequences(court_id, year, type_code, last) VALUES (?, ?, '民初', ?)"
    " ON CONFLICT(court_id, year, type_code) DO UPDATE SET last = max(last, excluded.last)");
static struct yz_sql_def q_party_key = YZ_SQL(
    "INSERT INTO triage_party_keys(matter_id, court_id, role, key_hash) VALUES (?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING");
/* The parents a batch's rows refer to besides its own matters (bulk mode does
 * not enforce foreign keys: check_parents). */
static struct yz_sql_def q_court_exists = YZ_SQL("SELECT 1 FROM courts WHERE id = ?");
static struct yz_sql_def q_user_exists = YZ_SQL("SELECT 1 FROM users WHERE id = ?");
static struct yz_sql_def q_rollup = YZ_SQL(
    "INSERT INTO rollup_daily(court_id, day, kind, event, from_state, state, channel, days, n)"
    " VALUES (?, ?, 'filing', ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(court_id, day, kind, event, from_state, state, channel, days)"
    " DO UPDATE SET n = n + excluded.n");
static struct yz_sql_def q_rollup_month = YZ_SQL(
    "INSERT INTO rollup_monthly(court_id, month, kind, event, from_state, state, channel, days, n)"
    " VALUES (?, substr(?, 1, 7), 'filing', ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(court_id, month, kind, event, from_state, state, channel, days)"
    " DO UPDATE SET n = n + excluded.n");

/* The filing channels (workflow values), their share and the event channel. */
static const struct {
    const char *value, *event_channel;
    double share;
} channels[] = {
    {"online", "web", 42},       {"mobile", "mobile", 20}, {"window", "hall", 18},
    {"lawyer_platform", "web", 11}, {"kiosk", "kiosk", 4}, {"bulk", "web", 4},
    {"cross_region", "hall", 1},
};
#define NCHANNELS (sizeof channels / sizeof channels[0])

/* Tracks decided at triage, their share and how long the trial takes (mean days). */
static const struct {
    const char *event, *state;
    double share, mean_days, max_days;
} tracks[] = {
    {"decide_small_claims", "small_claims", 15, 25, 60},
    {"decide_simplified", "simplified", 52, 45, 90},
    {"decide_ordinary", "ordinary", 21, 110, 360},
    {"decide_mediation", "track_mediation", 12, 18, 30},
};
#define NTRACKS (sizeof tracks / sizeof tracks[0])

static const char *const outcomes[] = {"judgment", "judgment", "mediation", "mediation",
                                       "withdrawal", "withdrawal", "ruling", "other"};

struct rollup_slot {
    bool used;
    int64_t court_id, days, n;
    char day[12], event[32], from[24], state[24], channel[24];
};

#define MAX_EVENTS 8     /* events of one case: at most 4 steps and 2 effects */
#define MAX_PARTY_KEYS 8 /* plaintiffs and defendants of one case */

/* A case drawn and prepared, waiting to be written: the rows' values and the
 * canonical text of its projection and events. */
struct prep_event {
    char type[48];
    const char *channel;
    int64_t actor, at;
    char *payload; /* canonical JSON (yz_event_canonical_json), in the batch's texts */
    size_t len;
    /* Hashed ahead (chain_case), as the events would be if nothing else wrote. */
    int64_t id;
    unsigned char prev_hash[YZ_EVENT_HASH_BYTES], hash[YZ_EVENT_HASH_BYTES];
};

struct prep_deadline {
    const char *name, *unit;
    char start[16], due[16];
    int64_t n, stopped_at;
    bool beyond;
};

struct prep_case {
    int64_t id; /* the matter's id if nothing else writes matters (chain_case) */
    char stream[YZ_MATTER_STREAM_MAX];
    const char *state, *channel, *capacity;
    int64_t court_id, creator, submitted, updated, version;
    char title[160]; /* the application's cause name, also kept for lists */
    int64_t amount_fen; /* the application's amount, -1 for none (kept for lists) */
    char *data; /* the matter's projection, canonical JSON, in the batch's texts */
    struct prep_event ev[MAX_EVENTS];
    int nev;
    struct prep_deadline dl[2];
    int ndl;
    bool registered; /* then the case row and the party keys: */
    char number[YZ_CASENO_MAX], qhash[65];
    const char *cause_code;
    int year, revision;
    int64_t seq, fee_fen, registered_at;
    struct {
        const char *role;
        char hash[65];
    } keys[MAX_PARTY_KEYS];
    int nkeys;
};

struct gen;

/*
 * The texts of one batch's cases (projections, payloads and the parts they
 * are spliced from), bump-allocated in blocks that are kept and reused batch
 * after batch: a malloc and a free (on the writing thread, across arenas) of
 * each text, kilobytes large, kept glibc's allocator busy consolidating and
 * sorting chunks for a quarter of the preparing thread's time.
 */
#define TEXT_BLOCK ((size_t)1 << 20)

struct text_block {
    struct text_block *next;
    size_t cap, used;
    char data[];
};

struct text_arena {
    struct text_block *first, *cur;
};

/* n bytes of a, valid until arena_reset. */
static char *arena_alloc(struct text_arena *a, size_t n)
{
    struct text_block *b = a->cur;
    while (b && b->cap - b->used < n && b->next)
        b = b->next;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > TEXT_BLOCK ? n : TEXT_BLOCK;
        struct text_block *nb = yz_malloc(sizeof *nb + cap);
        *nb = (struct text_block){.next = b ? b->next : NULL, .cap = cap, .used = 0};
        if (b)
            b->next = nb;
        else
            a->first = nb;
        b = nb;
    }
    a->cur = b;
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

static char *arena_strndup(struct text_arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Everything allocated is given back at once; the blocks stay. */
static void arena_reset(struct text_arena *a)
{
    for (struct text_block *b = a->first; b; b = b->next)
        b->used = 0;
    a->cur = a->first;
}

static void arena_free(struct text_arena *a)
{
    for (struct text_block *b = a->first, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->first = a->cur = NULL;
}

struct month_sum {
    const struct rollup_slot *s; /* a day of the month */
    int64_t n;                   /* over the batch's days of the month */
};

/* One transaction's cases, prepared, with their counters summed. */
struct prep_batch {
    struct gen *g;
    int64_t from, n;
    struct prep_case *cases;
    struct text_arena texts; /* the cases' texts */
    struct rollup_slot *rollups;
    size_t nrollups;
    /* The order they are written in (rollup_order), rollup_cap entries each. */
    struct rollup_slot **order, **month_order;
    struct month_sum *months;
    size_t nmonths;
    struct {
        int64_t court_id, last;
        int year;
    } seqs[MAX_SEQS];
    int nseqs;
    /* The courts (indexes into app->courts) and filers (into gen.creators)
     * its cases refer to, for check_parents. */
    bool *court_used, creator_used[MAX_CREATORS];
};

struct gen {
    struct yz_app *app;
    const struct yz_datagen_options *opt;
    struct yz_datagen_model *model;
    struct yz_rng rng;
    struct yz_pick channel_pick, track_pick;
    const struct yz_workflow *wf;
    struct yz_field_errors *fe;
    struct {
        int64_t id;
        bool lawyer;
    } creators[MAX_CREATORS];
    int ncreators;
    struct {
        int64_t court_id, last;
        int year;
    } seqs[MAX_SEQS];
    int nseqs;
    int64_t start_ms, end_ms;
    int64_t next; /* the next case to generate (0-based) */
    size_t rollup_cap;
    struct prep_batch bufs[2];
    struct yz_datagen_stats *stats;
    struct yz_event_batch *events; /* the writing thread's */
    int64_t first_id, last_id;     /* matters of the batch being written */
    int64_t matters_before;        /* the highest matter id before the import */
    bool chain_known;              /* the event chain's tip was read (setup_tx): */
    int64_t chain_id;              /* the last event chained by the preparing thread */
    unsigned char chain_hash[YZ_EVENT_HASH_BYTES];
    struct yz_buf *err;            /* the writing thread's errors */
    char why[96];                  /* what check_parents found missing */
    struct yz_buf *perr;           /* the preparing thread's */
    struct yz_buf *scratch;        /* the preparing thread's canonical texts, reused */
    struct text_arena *texts;      /* the texts of the batch being prepared */
};

/* ---- dashboard counters, summed per batch ---- */

static uint64_t rollup_hash(int64_t court, const char *day, const char *event, const char *from,
                            const char *channel, int64_t days)
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)court ^ ((uint64_t)days << 32);
    const char *parts[] = {day, event, from, channel};
    for (int i = 0; i < 4; i++)
        for (const char *s = parts[i]; *s; s++)
            h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Counts one workflow event as rollup.c's key does. */
static void rollup_count(struct gen *g, struct prep_batch *pb, int64_t court, int64_t at, const char *event,
                         const char *from, const char *state, const char *channel, int64_t days)
{
    char day[12];
    yz_date_format(yz_date_of_shanghai(at), day, sizeof day);
    size_t i = (size_t)rollup_hash(court, day, event, from, channel, days) & (g->rollup_cap - 1);
    for (;; i = (i + 1) & (g->rollup_cap - 1)) {
        struct rollup_slot *s = &pb->rollups[i];
        if (!s->used) {
            *s = (struct rollup_slot){.used = true, .court_id = court, .days = days, .n = 1};
            yz_strlcpy(s->day, day, sizeof s->day);
            yz_strlcpy(s->event, event, sizeof s->event);
            yz_strlcpy(s->from, from, sizeof s->from);
            yz_strlcpy(s->state, state, sizeof s->state);
            yz_strlcpy(s->channel, channel, sizeof s->channel);
            pb->nrollups++;
            return;
        }
        if (s->court_id == court && s->days == days && strcmp(s->day, day) == 0 &&
            strcmp(s->event, event) == 0 && strcmp(s->from, from) == 0 &&
            strcmp(s->state, state) == 0 && strcmp(s->channel, channel) == 0) {
            s->n++;
            return;
        }
    }
}

/* The order of the counters' unique keys (court, day or month, kind, event,
 * from, state, channel, days), the day compared on its first day_len bytes
 * (10 for the day, 7 for its month): written in it, the upserts walk each
 * index forward instead of landing on random pages. */
static int rollup_key_cmp(const void *a, const void *b, size_t day_len)
{
    const struct rollup_slot *x = *(const struct rollup_slot *const *)a;
    const struct rollup_slot *y = *(const struct rollup_slot *const *)b;
    int c;
    if (x->court_id != y->court_id)
        return x->court_id < y->court_id ? -1 : 1;
    if ((c = strncmp(x->day, y->day, day_len)) != 0 || (c = strcmp(x->event, y->event)) != 0 ||
        (c = strcmp(x->from, y->from)) != 0 || (c = strcmp(x->state, y->state)) != 0 ||
        (c = strcmp(x->channel, y->channel)) != 0)
        return c;
    return x->days < y->days ? -1 : x->days > y->days;
}

static int rollup_cmp(const void *a, const void *b)
{
    return rollup_key_cmp(a, b, sizeof "YYYY-MM-DD" - 1);
}

static int month_cmp(const void *a, const void *b)
{
    return rollup_key_cmp(a, b, sizeof "YYYY-MM" - 1);
}

/*
 * The batch's counters in the order they are written (on the preparing
 * thread): the days' in their key's order, and the months' summed over the
 * batch's days, in theirs. Added to the same rows as one upsert a day did
 * before (the tables are WITHOUT ROWID: only the sums are stored), in a
 * third of the statements.
 */
static void rollup_order(struct prep_batch *pb)
{
    size_t n = 0;
    for (size_t i = 0; n < pb->nrollups; i++)
        if (pb->rollups[i].used)
            pb->order[n++] = &pb->rollups[i];
    qsort(pb->order, n, sizeof *pb->order, rollup_cmp);
    memcpy(pb->month_order, pb->order, n * sizeof *pb->order);
    qsort(pb->month_order, n, sizeof *pb->month_order, month_cmp);
    pb->nmonths = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rollup_slot *s = pb->month_order[i];
        if (pb->nmonths && month_cmp(&pb->months[pb->nmonths - 1].s, &s) == 0)
            pb->months[pb->nmonths - 1].n += s->n;
        else
            pb->months[pb->nmonths++] = (struct month_sum){s, s->n};
    }
}

/* One counter's upsert (stats/rollup.h); the month's takes the day's month. */
static enum yz_err rollup_add(struct yz_tx *tx, struct yz_sql_def *q, const struct rollup_slot *s,
                              int64_t n)
{
    struct yz_stmt *st = yz_sql(tx, q);
    yz_bind_i64(st, 1, s->court_id);
    yz_bind_text_ref(st, 2, s->day);
    yz_bind_text_ref(st, 3, s->event);
    yz_bind_text_ref(st, 4, s->from);
    yz_bind_text_ref(st, 5, s->state);
    yz_bind_text_ref(st, 6, s->channel);
    yz_bind_i64(st, 7, s->days);
    yz_bind_i64(st, 8, n);
    return yz_exec(st);
}

static enum yz_err rollup_flush(struct prep_batch *pb, struct yz_tx *tx)
{
    enum yz_err e = YZ_OK;
    for (size_t i = 0; e == YZ_OK && i < pb->nrollups; i++)
        e = rollup_add(tx, &q_rollup, pb->order[i], pb->order[i]->n);
    for (size_t i = 0; e == YZ_OK && i < pb->nmonths; i++)
        e = rollup_add(tx, &q_rollup_month, pb->months[i].s, pb->months[i].n);
    for (size_t i = 0; i < pb->nrollups; i++)
        pb->order[i]->used = false;
    pb->nrollups = pb->nmonths = 0;
    return e;
}

/* Empties the field errors before a check. Only the counts: the entries past
 * count are never read, and clearing all 32 (10 KB) twice per case was a
 * thirtieth of the preparing thread's instructions. */
static void field_errors_empty(struct yz_field_errors *fe)
{
    fe->count = 0;
    fe->dropped = 0;
}

/* ---- case numbers ---- */

static int64_t next_seq(struct gen *g, int64_t court_id, int year)
{
    for (int i = 0; i < g->nseqs; i++)
        if (g->seqs[i].court_id == court_id && g->seqs[i].year == year)
            return ++g->seqs[i].last;
    if (g->nseqs == MAX_SEQS)
        YZ_BUG("datagen: more than %d (court, year) counters", MAX_SEQS);
    g->seqs[g->nseqs].court_id = court_id;
    g->seqs[g->nseqs].year = year;
    g->seqs[g->nseqs].last = 1;
    return g->seqs[g->nseqs++].last;
}

/* ---- one case, prepared ---- */

struct step {
    const char *event, *from, *to, *role, *channel;
    int64_t at;
    json_t *fields; /* owned */
};

struct path {
    struct step steps[6];
    int n;
};

/*
 * Small objects of literals and the generator's own strings, made without
 * jansson's format parser and UTF-8 checks (json_pack was a tenth of the
 * preparing thread's instructions): the keys are literals; the values are
 * literals, workflow and catalogue names and formatted digits, all checked
 * when they were loaded. The text an object gives is the same either way.
 */
static void set_text(json_t *o, const char *key, const char *v)
{
    json_object_set_new_nocheck(o, key, json_string_nocheck(v));
}

static json_t *one_text(const char *key, const char *v)
{
    json_t *o = json_object();
    set_text(o, key, v);
    return o;
}

static void add_step(struct path *p, const char *event, const char *from, const char *to,
                     const char *role, const char *channel, int64_t at, json_t *fields)
{
    p->steps[p->n++] = (struct step){event, from, to, role, channel, at, fields};
}

/* An exponential wait in whole days, at least min, at most max. */
static int64_t wait_days(struct yz_rng *r, double mean, int64_t min, int64_t max)
{
    int64_t d = min + (int64_t)(-log(1.0 - yz_rng_unit(r)) * mean);
    return d > max ? max : d;
}

/* Office hours in Asia/Shanghai on the day of t (UTC ms): 08:30 to 17:30. */
static int64_t office_time(struct yz_rng *r, int64_t t)
{
    int64_t day = (t + SHANGHAI_MS) / DAY_MS * DAY_MS - SHANGHAI_MS;
    return day + INT64_C(30600000) + yz_rng_below(r, INT64_C(32400000));
}

/* A deadline row of the workflow event's period, computed from from_ms. */
static enum yz_err deadline(struct gen *g, struct prep_case *pc, const char *event,
                            int64_t from_ms, int64_t stopped_at)
{
    const struct yz_wf_deadline *d = yz_wf_event_deadline(yz_workflow_event(g->wf, event));
    if (!d)
        return YZ_OK;
    struct yz_date from = yz_date_of_shanghai(from_ms);
    enum yz_deadline_unit unit = d->unit == YZ_WF_DAYS       ? YZ_DEADLINE_DAYS
                                 : d->unit == YZ_WF_WORKDAYS ? YZ_DEADLINE_WORKDAYS
                                                             : YZ_DEADLINE_MONTHS;
    struct yz_deadline dl;
    if (yz_deadline_compute(g->app->calendar, from, unit, d->n, &dl) != YZ_OK)
        return YZ_ERR_INTERNAL;
    struct prep_deadline *out = &pc->dl[pc->ndl++];
    out->name = d->name;
    out->unit = yz_wf_unit_name(d->unit);
    out->n = d->n;
    out->beyond = dl.beyond_calendar;
    out->stopped_at = stopped_at;
    yz_date_format(from, out->start, sizeof out->start);
    yz_date_format(dl.end, out->due, sizeof out->due);
    return YZ_OK;
}

/*
 * The canonical text of a payload or of a part of one. Every text in them was
 * checked where it came in: the application by yz_filing_prepare_application
 * (UTF-8, no NUL), the rest are literals, workflow and catalogue names,
 * formatted numbers, sealed and masked values. So the texts are not checked
 * again (events.h), except in every thousandth case (check), whose payloads
 * go through the full check and so hold that reasoning to the data.
 */
static char *canonical(struct gen *g, const json_t *o, bool check)
{
    /* Written into one reused buffer and copied out at its size: a buffer of
     * its own per text, grown and shrunk, was a thirtieth of the preparing. */
    yz_buf_reset(g->scratch);
    if (!yz_event_canonical_write(g->scratch, o, !check))
        return NULL;
    return arena_strndup(g->texts, g->scratch->data, g->scratch->len);
}

/* yz_json_dumps_sorted's text of o, in the batch's texts. */
static char *sorted_text(struct gen *g, const json_t *o)
{
    yz_buf_reset(g->scratch);
    if (!yz_json_write_sorted(g->scratch, o))
        return NULL;
    return arena_strndup(g->texts, g->scratch->data, g->scratch->len);
}

/* One event of the case's history: its payload made canonical here (in the batch's texts). */
static enum yz_err add_event(struct gen *g, struct prep_case *pc, const char *type, int64_t actor,
                             const char *channel, int64_t at, json_t *payload, bool check)
{
    if (pc->nev == MAX_EVENTS)
        YZ_BUG("datagen: more than %d events in a case", MAX_EVENTS);
    struct prep_event *ev = &pc->ev[pc->nev];
    ev->payload = canonical(g, payload, check);
    json_decref(payload);
    if (!ev->payload)
        return YZ_ERR_VALIDATION;
    ev->len = strlen(ev->payload);
    yz_strlcpy(ev->type, type, sizeof ev->type);
    ev->actor = actor;
    ev->channel = channel;
    ev->at = at;
    pc->nev++;
    return YZ_OK;
}

/* The same with the canonical text made by the caller (in the batch's texts). */
static void add_event_text(struct prep_case *pc, const char *type, int64_t actor,
                           const char *channel, int64_t at, char *text, size_t len)
{
    if (pc->nev == MAX_EVENTS)
        YZ_BUG("datagen: more than %d events in a case", MAX_EVENTS);
    struct prep_event *ev = &pc->ev[pc->nev++];
    ev->payload = text;
    ev->len = len;
    yz_strlcpy(ev->type, type, sizeof ev->type);
    ev->actor = actor;
    ev->channel = channel;
    ev->at = at;
}

/*
 * The application is the largest part of a case's JSON and appears twice:
 * in the projection and in the submission event. Its canonical text is made
 * once and put into both: a member "application" sorts before every other
 * key of either object, so {"application":A,REST} is the canonical text when
 * {REST} is that of the object without it. obj_text is that text of the
 * object without the application; the result (in the batch's texts) has it as
 * first member of the object that starts at obj_text + at (the '{').
 */
static char *with_application(struct gen *g, const char *obj_text, size_t at, const char *app_text)
{
    size_t lo = strlen(obj_text), la = strlen(app_text);
    static const char key[] = "\"application\":";
    bool empty = obj_text[at + 1] == '}';
    char *out = arena_alloc(g->texts, lo + sizeof key - 1 + la + 2);
    char *w = out;
    memcpy(w, obj_text, at + 1), w += at + 1;
    memcpy(w, key, sizeof key - 1), w += sizeof key - 1;
    memcpy(w, app_text, la), w += la;
    if (!empty)
        *w++ = ',';
    memcpy(w, obj_text + at + 1, lo - at); /* the rest and its NUL */
    return out;
}

/* Its texts stay in the batch's until the batch is emptied (arena_reset). */
static void prep_case_clear(struct prep_case *pc)
{
    memset(pc, 0, sizeof *pc);
}

/* The registration's effects: case number, query code, fee (register.c, fee.c). */
struct registration {
    char number[YZ_CASENO_MAX], code[9], hash[65];
    int year;
    int64_t seq, fee_fen; /* fee -1: a range, fixed by the clerk later */
    json_t *fee, *fee_summary; /* the compute_fee event's, the projection's (no steps) */
};

static enum yz_err register_case(struct gen *g, const struct yz_court *court, int64_t at,
                                 const json_t *application, struct registration *reg)
{
    static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    struct yz_caseno no = {0};
    no.year = yz_date_of_shanghai(at).year;
    yz_strlcpy(no.court_code, court->code, sizeof no.court_code);
    yz_strlcpy(no.type_code, "民初", sizeof no.type_code);
    no.seq = next_seq(g, court->id, no.year);
    if (!yz_caseno_format(&no, reg->number, sizeof reg->number))
        return YZ_ERR_INTERNAL;
    reg->year = no.year;
    reg->seq = no.seq;
    for (int i = 0; i < 8; i++)
        reg->code[i] = alphabet[yz_rng_below(&g->rng, (int64_t)sizeof alphabet - 1)];
    reg->code[8] = '\0';
    enum yz_err e = yz_filing_query_hash(g->app, reg->number, reg->code, reg->hash);
    if (e != YZ_OK)
        return e;
    const json_t *amount = json_object_get(application, "amount_fen");
    struct yz_fee_request r = {.procedure = YZ_FEE_PROC_ORDINARY};
    yz_fee_kind_parse(json_is_integer(amount) ? "property" : "other_non_property", &r.kind);
    if (json_is_integer(amount)) {
        r.has_amount = true;
        r.amount_fen = json_integer_value(amount);
    }
    struct yz_fee_quote q;
    field_errors_empty(g->fe);
    if ((e = yz_fee_quote(&r, &g->app->fee_settings, &q, g->fe)) != YZ_OK)
        return e;
    reg->fee = yz_fee_quote_json(&q);
    reg->fee_summary = yz_fee_quote_summary_json(&q);
    reg->fee_fen = q.range ? -1 : q.fee_fen;
    return YZ_OK;
}

/* The application's text member key with every `from` replaced by `to`
 * (the claims and facts name the cause). */
static void rename_in(json_t *application, const char *key, const char *from, const char *to)
{
    const char *text = json_string_value(json_object_get(application, key));
    size_t lf = strlen(from), lt = strlen(to);
    if (!text || !lf || !strstr(text, from))
        return;
    struct yz_buf b = YZ_BUF_INIT(64 * 1024);
    for (const char *p = text, *hit; p; p = hit ? hit + lf : NULL) {
        hit = strstr(p, from);
        yz_buf_add(&b, p, hit ? (size_t)(hit - p) : strlen(p));
        if (hit)
            yz_buf_add(&b, to, lt);
    }
    /* Unchecked: the input application is checked whole by yz_filing_prepare_application. */
    json_object_set_new_nocheck(application, key, json_string_nocheck(b.data));
    yz_buf_release(&b);
}

/*
 * RULE: cause-revision-2026 — a filing begun before 2026-01-01 names its cause
 * in the 2020 catalogue. The model draws 2025 causes; this takes the first
 * 2020 cause the map says the drawn one came from, and draws again (up to 16
 * times) when it is new in 2025. False when no draw fits (the caller keeps 2025).
 * The claims and facts then name the 2020 cause too.
 */
static bool cause_of_2020(struct gen *g, const char *court_name,
                          struct yz_datagen_case_input *in)
{
    for (int tries = 0; tries < 16; tries++) {
        const struct yz_cause *c25 =
            yz_catalog_cause(g->app->catalog, in->cause_code, YZ_CAUSE_REV_2025);
        const struct yz_cause *from[YZ_CATALOG_MAX_LINK_TARGETS];
        if (c25 && yz_catalog_counterparts(c25, from, YZ_CATALOG_MAX_LINK_TARGETS) > 0) {
            in->cause_code = from[0]->code;
            rename_in(in->application, "claims", c25->name, from[0]->name);
            rename_in(in->application, "facts", c25->name, from[0]->name);
            set_text(in->application, "cause_code", from[0]->code);
            json_object_set_new_nocheck(in->application, "cause_revision",
                                        json_integer(YZ_CAUSE_REV_2020));
            return true;
        }
        json_decref(in->application);
        yz_datagen_case(g->model, &g->rng, court_name, in);
    }
    return false;
}

/*
 * A prepared party's triage key (registration's, yz_triage_party_key) from the
 * clear citizen ID of the drawn party it was made from (raw), normalised as
 * the application's check does: opening the seal just made was a fifteenth of
 * the preparing. A checked case also opens it and compares.
 */
static enum yz_err party_key(struct gen *g, const json_t *party, const json_t *raw, bool check,
                             char hash[65])
{
    char norm[YZ_IDNUM_CITIZEN_SIZE];
    const char *cid = NULL;
    if (json_object_get(party, "citizen_id_enc")) {
        const char *given = json_string_value(json_object_get(raw, "citizen_id"));
        if (!given || yz_idnum_citizen_normalise(given, strlen(given),
                                                 yz_date_of_shanghai(yz_time_now_ms()), norm,
                                                 sizeof norm) != YZ_IDNUM_OK)
            return YZ_ERR_INTERNAL;
        cid = norm;
    }
    enum yz_err e = yz_triage_party_key_clear(g->app, party, cid, hash);
    if (e == YZ_OK && check) {
        char opened[65];
        e = yz_triage_party_key(g->app, party, opened);
        if (e == YZ_OK && strcmp(opened, hash) != 0)
            e = YZ_ERR_INTERNAL;
    }
    return e;
}

/* Draws case i and prepares everything that does not need the database: the
 * rows' values, the projection's and the events' canonical text, the
 * counters (into pb). Runs on the preparing thread. */
static enum yz_err prepare_case(struct gen *g, struct prep_batch *pb, int64_t i,
                                struct prep_case *pc)
{
    struct yz_rng *r = &g->rng;
    /* Every thousandth case is checked more: its texts (canonical()), its
     * spliced JSON, its triage keys. */
    bool check = i % 1000 == 0;
    const struct yz_court *court = &g->app->courts.items[yz_datagen_court(g->model, r)];
    /* Spread evenly over the period, in office hours. */
    double span = (double)(g->end_ms - g->start_ms);
    int64_t submitted = office_time(
        r, g->start_ms + (int64_t)(span * ((double)i + yz_rng_unit(r)) / (double)g->opt->cases));
    if (submitted >= g->end_ms)
        submitted = g->end_ms - 1;
    struct yz_datagen_case_input in;
    yz_datagen_case(g->model, r, court->name, &in);
    enum yz_cause_rev revision = yz_catalog_revision_for(yz_date_of_shanghai(submitted));
    if (revision == YZ_CAUSE_REV_2020 && !cause_of_2020(g, court->name, &in))
        revision = YZ_CAUSE_REV_2025;
    size_t ch = yz_pick(&g->channel_pick, r);
    int creator = (int)yz_rng_below(r, g->ncreators);
    if (strcmp(channels[ch].value, "lawyer_platform") == 0)
        for (int k = 0; k < g->ncreators; k++)
            if (g->creators[k].lawyer)
                creator = k;
    bool lawyer = g->creators[creator].lawyer;

    json_t *application = NULL;
    field_errors_empty(g->fe);
    enum yz_err e = yz_filing_prepare_application(g->app, in.application, "fields/application",
                                                  &application, g->fe);
    if (e != YZ_OK) {
        json_decref(in.application);
        yz_buf_addf(g->perr, "generated application %lld refused: %s %s", (long long)i,
                    g->fe->count ? g->fe->items[0].field : "", g->fe->count ? g->fe->items[0].code : "");
        return e;
    }

    /* The path: submitted, then decided (registered, refused or withdrawn)
     * unless still pending, then a track, then closed, each when its time
     * has come by the end of the period. */
    struct path p = {.n = 0};
    json_t *fields = one_text("channel", channels[ch].value);
    add_step(&p, "submit", NULL, "submitted", lawyer ? "lawyer" : "party",
             channels[ch].event_channel, submitted, fields);
    const char *state = "submitted";
    int64_t decided = submitted + (strcmp(channels[ch].value, "window") == 0 && yz_rng_below(r, 10) < 7
                                       ? yz_rng_below(r, 3600000)
                                       : wait_days(r, 1.8, 0, 7) * DAY_MS + yz_rng_below(r, DAY_MS / 3));
    int64_t registered_at = 0, closed_at = 0, track_at = 0;
    size_t track = 0;
    int fate = (int)yz_rng_below(r, 1000);
    if (decided < g->end_ms && fate < 25) {
        add_step(&p, "refuse", "submitted", "refused", "filing_clerk", "hall", decided,
                 one_text("reasons", "起诉不符合法定受理条件，依法裁定不予受理。"));
        state = "refused";
    } else if (decided < g->end_ms && fate < 40) {
        add_step(&p, "withdraw", "submitted", "withdrawn", lawyer ? "lawyer" : "party",
                 channels[ch].event_channel, decided, json_object());
        state = "withdrawn";
    } else if (decided < g->end_ms) {
        add_step(&p, "register", "submitted", "registered", "filing_clerk", "hall", decided,
                 json_object());
        state = "registered";
        registered_at = decided;
        track = yz_pick(&g->track_pick, r);
        track_at = decided + wait_days(r, 2.5, 1, 15) * DAY_MS;
        if (track_at < g->end_ms) {
            add_step(&p, tracks[track].event, "registered", tracks[track].state, "triage_officer",
                     "hall", track_at, json_object());
            state = tracks[track].state;
            closed_at = track_at + wait_days(r, tracks[track].mean_days, 3, (int64_t)tracks[track].max_days) * DAY_MS;
            if (closed_at < g->end_ms) {
                const char *outcome = strcmp(state, "track_mediation") == 0 && yz_rng_below(r, 10) < 6
                                          ? "mediation"
                                          : outcomes[yz_rng_below(r, 8)];
                add_step(&p, "close_case", state, "closed", "judge", "hall", closed_at,
                         one_text("outcome", outcome));
                state = "closed";
            } else {
                closed_at = 0;
            }
        }
    }

    /* The projection: the application and every field set since, the case and fee. */
    struct registration reg = {.fee = NULL};
    char *app_text = NULL, *fee_text = NULL; /* fee_text: the compute_fee event's */
    if (registered_at && (e = register_case(g, court, registered_at, application, &reg)) != YZ_OK)
        goto out;
    if (registered_at) {
        json_t *fee = json_object();
        json_object_set_nocheck(fee, "fee", reg.fee);
        fee_text = canonical(g, fee, check);
        json_decref(fee);
    }
    app_text = canonical(g, application, check);
    if (!app_text || (registered_at && !fee_text)) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    json_t *data = json_deep_copy(fields);
    if (registered_at) {
        /* Without the steps: they are in the compute_fee event only (filing/fee.c). */
        json_object_set_nocheck(data, "fee", reg.fee_summary);
        char at[40];
        yz_time_format_utc(registered_at, at, sizeof at);
        json_t *c = one_text("case_number", reg.number);
        set_text(c, "query_code", reg.code);
        set_text(c, "registered_at", at);
        json_object_set_new_nocheck(data, "case", c);
    }
    for (int k = 1; k < p.n; k++)
        json_object_update(data, p.steps[k].fields);
    if (track_at && track_at < g->end_ms)
        set_text(data, "procedure",
                 strcmp(tracks[track].state, "track_mediation") == 0 ? "mediation"
                                                                     : tracks[track].state);
    yz_strlcpy(pc->title, json_string_value(json_object_get(application, "cause_name")),
               sizeof pc->title);
    const json_t *amount = json_object_get(application, "amount_fen");
    pc->amount_fen = json_is_integer(amount) ? json_integer_value(amount) : -1;
    /* A checked case is also serialised whole, as before the splice, and
     * must come out byte for byte the same. */
    char *rest = sorted_text(g, data);
    if (rest)
        pc->data = with_application(g, rest, 0, app_text);
    if (pc->data && check) {
        json_object_set_nocheck(data, "application", application);
        char *text = yz_json_dumps_sorted(data);
        if (!text || strcmp(text, pc->data) != 0) {
            yz_buf_addf(g->perr, "case %lld: the spliced projection differs from its JSON",
                        (long long)i);
            pc->data = NULL;
        }
        free(text);
    }
    json_decref(data);
    if (!pc->data) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    pc->state = state;
    pc->court_id = court->id;
    pb->court_used[court - g->app->courts.items] = true;
    pb->creator_used[creator] = true;
    pc->channel = channels[ch].event_channel;
    pc->creator = g->creators[creator].id;
    pc->capacity = lawyer ? "agent" : "applicant";
    pc->submitted = submitted;
    pc->updated = p.steps[p.n - 1].at;
    pc->version = p.n;

    /* The history, in order: each workflow event, and after registration its effects' events. */
    for (int k = 0; k < p.n && e == YZ_OK; k++) {
        struct step *s = &p.steps[k];
        char type[64];
        memcpy(type, "filing.", 7);
        yz_strlcpy(type + 7, s->event, sizeof type - 7);
        json_t *payload = one_text("event", s->event);
        json_object_set_nocheck(payload, "fields", s->fields);
        set_text(payload, "to", s->to);
        set_text(payload, "role", s->role);
        json_object_set_new_nocheck(payload, "from", s->from ? json_string_nocheck(s->from) : json_null());
        int64_t actor = k == 0 || strcmp(s->event, "withdraw") == 0 ? g->creators[creator].id : 0;
        if (k == 0) {
            /* {"event":"submit","fields":{...: the application goes first into fields. */
            char *head = canonical(g, payload, check);
            const char *f = head ? strstr(head, "\"fields\":{") : NULL;
            char *text = f ? with_application(g, head, (size_t)(f - head) + 9, app_text) : NULL;
            if (text && check) {
                json_object_set(json_object_get(payload, "fields"), "application", application);
                char *whole = yz_event_canonical_json(payload);
                if (!whole || strcmp(whole, text) != 0) {
                    yz_buf_addf(g->perr, "case %lld: the spliced submission differs from its JSON",
                                (long long)i);
                    text = NULL;
                }
                free(whole);
            }
            json_decref(payload);
            if (text)
                add_event_text(pc, type, actor, s->channel, s->at, text, strlen(text));
            else
                e = YZ_ERR_INTERNAL;
        } else {
            e = add_event(g, pc, type, actor, s->channel, s->at, payload, check);
        }
        /* The counters: the filing's channel field for the submission, else the event's. */
        int64_t days = (strcmp(s->to, "registered") == 0 || strcmp(s->to, "refused") == 0)
                           ? (s->at - submitted) / DAY_MS
                           : -1;
        if (e == YZ_OK)
            rollup_count(g, pb, court->id, s->at, s->event, s->from ? s->from : "", s->to,
                         k == 0 ? channels[ch].value : s->channel, days);
        if (e == YZ_OK && strcmp(s->event, "register") == 0) {
            e = add_event(g, pc, "filing.assign_case_number", 0, s->channel, s->at,
                          one_text("case_number", reg.number), check);
            if (e == YZ_OK) {
                add_event_text(pc, "filing.compute_fee", 0, s->channel, s->at, fee_text,
                               strlen(fee_text));
            }
        }
    }
    if (e != YZ_OK)
        goto out;

    /* Deadlines: the 7-day decision period, and the track's period from its decision. */
    int64_t decision_stop = p.n > 1 ? p.steps[1].at : 0;
    if ((e = deadline(g, pc, "submit", submitted, decision_stop)) != YZ_OK)
        goto out;
    if (track_at && track_at < g->end_ms &&
        (e = deadline(g, pc, tracks[track].event,
                      strcmp(tracks[track].state, "track_mediation") == 0 ? track_at : registered_at,
                      closed_at)) != YZ_OK)
        goto out;

    if (registered_at) {
        pc->registered = true;
        memcpy(pc->number, reg.number, sizeof pc->number);
        memcpy(pc->qhash, reg.hash, sizeof pc->qhash);
        pc->year = reg.year;
        pc->seq = reg.seq;
        pc->revision = revision;
        pc->cause_code = in.cause_code;
        pc->fee_fen = reg.fee_fen;
        pc->registered_at = registered_at;
        /* The triage keys of the parties, as registration stores them. The
         * prepared parties are the drawn ones, in their order. */
        const json_t *raw_parties = json_object_get(in.application, "parties");
        size_t k;
        json_t *party;
        json_array_foreach(json_object_get(application, "parties"), k, party)
        {
            const char *role = json_string_value(json_object_get(party, "role"));
            if (!role || (strcmp(role, "plaintiff") != 0 && strcmp(role, "defendant") != 0))
                continue;
            if (pc->nkeys == MAX_PARTY_KEYS)
                YZ_BUG("datagen: more than %d parties in a case", MAX_PARTY_KEYS);
            pc->keys[pc->nkeys].role = strcmp(role, "plaintiff") == 0 ? "plaintiff" : "defendant";
            if ((e = party_key(g, party, json_array_get(raw_parties, k), check,
                               pc->keys[pc->nkeys].hash)) != YZ_OK) {
                yz_buf_addf(g->perr, "case %lld: the triage key of party %zu failed", (long long)i, k);
                break;
            }
            pc->nkeys++;
        }
    }
out:
    json_decref(in.application);
    json_decref(reg.fee);
    json_decref(reg.fee_summary);
    json_decref(application);
    for (int k = 0; k < p.n; k++)
        json_decref(p.steps[k].fields);
    return e;
}

/* The row of pc's event k as chained ahead: streams are new, so seqs start at 1. */
static void event_row(const struct prep_case *pc, int k, struct yz_event_row *r)
{
    const struct prep_event *ev = &pc->ev[k];
    *r = (struct yz_event_row){.id = ev->id,
                               .stream = pc->stream,
                               .stream_len = strlen(pc->stream),
                               .stream_seq = k + 1,
                               .type = ev->type,
                               .type_len = strlen(ev->type),
                               .actor_id = ev->actor,
                               .channel = ev->channel,
                               .channel_len = strlen(ev->channel),
                               .at = ev->at,
                               .payload = ev->payload,
                               .payload_len = ev->len};
}

/* ---- one case, written (in the batch's transaction) ---- */

/* Texts are bound by reference (store.h): pc and the batch's counters stay
 * until the transaction has returned. */
static enum yz_err write_case(struct gen *g, struct yz_tx *tx, const struct prep_case *pc)
{
    int64_t id = g->last_id + 1;
    struct yz_stmt *st = yz_sql(tx, &q_matter);
    yz_bind_i64(st, 1, id);
    yz_bind_text_ref(st, 2, pc->state);
    yz_bind_i64(st, 3, pc->court_id);
    yz_bind_text_ref(st, 4, pc->title);
    yz_bind_text_ref(st, 5, pc->channel);
    yz_bind_i64(st, 6, pc->creator);
    yz_bind_i64(st, 7, pc->submitted);
    yz_bind_i64(st, 8, pc->updated);
    yz_bind_i64(st, 9, pc->version);
    yz_bind_text_ref(st, 10, pc->data);
    yz_bind_text_ref(st, 11, pc->title); /* migration 18: what lists show without parsing data */
    if (pc->amount_fen >= 0)
        yz_bind_i64(st, 12, pc->amount_fen);
    else
        yz_bind_null(st, 12);
    enum yz_err e = yz_exec(st);
    if (e != YZ_OK)
        return e;
    if (!g->first_id)
        g->first_id = id;
    g->last_id = id;
    st = yz_sql(tx, &q_participant);
    yz_bind_i64(st, 1, id);
    yz_bind_i64(st, 2, pc->creator);
    yz_bind_text_ref(st, 3, pc->capacity);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;

    /* The events as chained ahead when the matter has the id foreseen and the
     * chain is where it was foreseen; else (or from where the batch finds it
     * is not) numbered and hashed here. */
    bool ahead = g->chain_known && id == pc->id;
    char own[YZ_MATTER_STREAM_MAX];
    const char *stream = pc->stream;
    if (id != pc->id) {
        yz_matter_stream(id, own, sizeof own);
        stream = own;
    }
    for (int k = 0; k < pc->nev && e == YZ_OK; k++) {
        const struct prep_event *ev = &pc->ev[k];
        if (ahead) {
            struct yz_event_row r;
            event_row(pc, k, &r);
            e = yz_event_batch_add_hashed(g->events, &r, ev->prev_hash, ev->hash);
            if (e != YZ_ERR_CONFLICT)
                continue;
            ahead = false;
        }
        e = yz_event_batch_add_canonical(g->events, stream, ev->type, ev->actor, ev->channel,
                                         ev->at, ev->payload, ev->len, NULL);
    }
    for (int k = 0; k < pc->ndl && e == YZ_OK; k++) {
        const struct prep_deadline *d = &pc->dl[k];
        st = yz_sql(tx, &q_deadline);
        yz_bind_i64(st, 1, id);
        yz_bind_text_ref(st, 2, d->name);
        yz_bind_text_ref(st, 3, d->start);
        yz_bind_text_ref(st, 4, d->due);
        yz_bind_text_ref(st, 5, d->unit);
        yz_bind_i64(st, 6, d->n);
        yz_bind_i64(st, 7, d->beyond);
        if (d->stopped_at)
            yz_bind_i64(st, 8, d->stopped_at);
        else
            yz_bind_null(st, 8);
        e = yz_exec(st);
    }
    if (e != YZ_OK || !pc->registered)
        return e;
    st = yz_sql(tx, &q_case);
    yz_bind_i64(st, 1, id);
    yz_bind_text_ref(st, 2, pc->number);
    yz_bind_i64(st, 3, pc->court_id);
    yz_bind_i64(st, 4, pc->year);
    yz_bind_i64(st, 5, pc->seq);
    yz_bind_i64(st, 6, pc->revision);
    yz_bind_text_ref(st, 7, pc->cause_code);
    yz_bind_text_ref(st, 8, pc->qhash);
    if (pc->fee_fen >= 0)
        yz_bind_i64(st, 9, pc->fee_fen);
    else
        yz_bind_null(st, 9);
    yz_bind_i64(st, 10, pc->registered_at);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    for (int k = 0; k < pc->nkeys && e == YZ_OK; k++) {
        st = yz_sql(tx, &q_party_key);
        yz_bind_i64(st, 1, id);
        yz_bind_i64(st, 2, pc->court_id);
        yz_bind_text_ref(st, 3, pc->keys[k].role);
        yz_bind_text_ref(st, 4, pc->keys[k].hash);
        e = yz_exec(st);
    }
    return e;
}

/* ---- batches: prepared on one thread, written on another ---- */

/* Does the row with this id exist (q_court_exists, q_user_exists)? */
static enum yz_err exists(struct yz_tx *tx, struct yz_sql_def *q, int64_t id, bool *found)
{
    struct yz_stmt *st = yz_sql(tx, q);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    *found = e == YZ_OK;
    return e == YZ_ERR_NOT_FOUND ? YZ_OK : e;
}

/*
 * Bulk mode does not enforce foreign keys (store.h), so the batch checks in
 * its transaction the parents its rows refer to: the courts of its matters,
 * cases and triage keys, of the case-number counters it writes, and its
 * filers (matters.created_by, matter_participants.user_id). The rest refer to
 * the matter just inserted. About a hundred lookups a batch where the
 * enforced keys made eleven a case.
 */
static enum yz_err check_parents(struct gen *g, struct prep_batch *pb, struct yz_tx *tx)
{
    bool found = true;
    enum yz_err e = YZ_OK;
    int64_t court = 0, user = 0;
    for (size_t i = 0; e == YZ_OK && found && i < g->app->courts.count; i++)
        if (pb->court_used[i])
            e = exists(tx, &q_court_exists, court = g->app->courts.items[i].id, &found);
    for (int k = 0; e == YZ_OK && found && k < pb->nseqs; k++) {
        int seen = 0; /* a court's counters of other years: checked once */
        while (seen < k && pb->seqs[seen].court_id != pb->seqs[k].court_id)
            seen++;
        if (seen == k)
            e = exists(tx, &q_court_exists, court = pb->seqs[k].court_id, &found);
    }
    if (e == YZ_OK && !found) {
        snprintf(g->why, sizeof g->why, "court %lld is not in the database", (long long)court);
        return YZ_ERR_CONFLICT;
    }
    for (int k = 0; e == YZ_OK && found && k < g->ncreators; k++)
        if (pb->creator_used[k])
            e = exists(tx, &q_user_exists, user = g->creators[k].id, &found);
    if (e == YZ_OK && !found) {
        snprintf(g->why, sizeof g->why, "user %lld is not in the database", (long long)user);
        return YZ_ERR_CONFLICT;
    }
    return e;
}

static enum yz_err batch_tx(struct yz_tx *tx, void *arg)
{
    struct prep_batch *pb = arg;
    struct gen *g = pb->g;
    g->first_id = 0;
    enum yz_err e = check_parents(g, pb, tx);
    if (e != YZ_OK)
        return e;
    /* The highest matter id now: also after a matter written by someone else. */
    struct yz_stmt *st = yz_sql(tx, &q_last_matter);
    if ((e = yz_step_one(st)) != YZ_OK)
        return e;
    g->last_id = yz_col_i64(st, 0);
    if (g->last_id > INT64_MAX - pb->n)
        return YZ_ERR_INTERNAL; /* SQLite would pick free ids at random: no import is that large */
    e = yz_event_batch_begin(tx, g->app->keys, g->app->cfg.audit.checkpoint_every, &g->events);
    for (int64_t k = 0; e == YZ_OK && k < pb->n; k++)
        e = write_case(g, tx, &pb->cases[k]);
    if (e == YZ_OK)
        e = yz_event_batch_write(g->events);
    if (e == YZ_OK)
        e = rollup_flush(pb, tx);
    for (int k = 0; e == YZ_OK && k < pb->nseqs; k++) {
        st = yz_sql(tx, &q_seq);
        yz_bind_i64(st, 1, pb->seqs[k].court_id);
        yz_bind_i64(st, 2, pb->seqs[k].year);
        yz_bind_i64(st, 3, pb->seqs[k].last);
        e = yz_exec(st);
    }
    yz_event_batch_free(g->events);
    g->events = NULL;
    return e;
}

/*
 * Case i's matter id and its events' ids and hashes as they will be when
 * nothing else writes while the import runs (the matters and the chain go on
 * from what setup_tx read): hashing on this thread takes a tenth of the
 * writer's work off it. The writer uses them only when its transaction finds
 * them right (write_case, yz_event_batch_add_hashed) and numbers and hashes
 * anew otherwise.
 */
static void chain_case(struct gen *g, struct prep_case *pc, int64_t i)
{
    pc->id = g->matters_before + 1 + i;
    yz_matter_stream(pc->id, pc->stream, sizeof pc->stream);
    for (int k = 0; g->chain_known && k < pc->nev; k++) {
        struct prep_event *ev = &pc->ev[k];
        ev->id = ++g->chain_id;
        memcpy(ev->prev_hash, g->chain_hash, YZ_EVENT_HASH_BYTES);
        struct yz_event_row r;
        event_row(pc, k, &r);
        yz_event_hash(ev->prev_hash, &r, ev->hash);
        memcpy(g->chain_hash, ev->hash, YZ_EVENT_HASH_BYTES);
    }
}

/* Prepares cases from..to-1 into pb (on the preparing thread). */
static enum yz_err prepare_batch(struct gen *g, struct prep_batch *pb, int64_t from, int64_t to)
{
    pb->from = from;
    pb->n = 0;
    g->texts = &pb->texts;
    enum yz_err e = YZ_OK;
    for (int64_t i = from; e == YZ_OK && i < to; i++) {
        e = prepare_case(g, pb, i, &pb->cases[pb->n]);
        if (e == YZ_OK)
            chain_case(g, &pb->cases[pb->n], i);
        if (e != YZ_OK && !g->perr->len)
            yz_buf_addf(g->perr, "preparing case %lld failed: %s", (long long)i, yz_err_code(e));
        if (e != YZ_OK)
            prep_case_clear(&pb->cases[pb->n]);
        else
            pb->n++;
    }
    if (e == YZ_OK)
        rollup_order(pb);
    /* The case-number counters as they stand after this batch. */
    pb->nseqs = g->nseqs;
    memcpy(pb->seqs, g->seqs, (size_t)g->nseqs * sizeof g->seqs[0]);
    return e;
}

/* Writes one prepared batch (on the writing thread) and empties it. */
static enum yz_err write_batch(struct gen *g, struct prep_batch *pb)
{
    g->why[0] = '\0';
    enum yz_err e = yz_store_write(g->app->store, batch_tx, pb);
    if (e != YZ_OK && !g->err->len)
        yz_buf_addf(g->err, "writing cases %lld-%lld failed: %s", (long long)pb->from,
                    (long long)(pb->from + pb->n - 1), g->why[0] ? g->why : yz_err_code(e));
    if (e == YZ_OK) {
        g->stats->cases += pb->n;
        for (int64_t k = 0; k < pb->n; k++) {
            g->stats->registered += pb->cases[k].registered;
            g->stats->events += pb->cases[k].nev;
        }
        if (!g->stats->first_matter_id)
            g->stats->first_matter_id = g->first_id;
        g->stats->last_matter_id = g->last_id;
        if (g->opt->progress)
            g->opt->progress(g->opt->progress_arg, pb->from + pb->n, g->opt->cases);
    }
    for (int64_t k = 0; k < pb->n; k++)
        prep_case_clear(&pb->cases[k]);
    pb->n = 0;
    arena_reset(&pb->texts);
    memset(pb->court_used, 0, g->app->courts.count * sizeof *pb->court_used);
    memset(pb->creator_used, 0, sizeof pb->creator_used);
    return e;
}

/*
 * Two batch buffers: the preparing thread (the caller's) fills one while the
 * writing thread writes the other, so drawing, sealing and serialising the
 * next batch overlap with SQLite's work on the last one. The draws happen on
 * one thread in case order, so the output for a seed does not change.
 */
struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool full[2];
    bool done;   /* nothing more will be prepared */
    bool failed; /* the writer failed: stop preparing */
    enum yz_err e;
};

struct writer_arg {
    struct gen *g;
    struct pipe *pp;
};

static void *writer_main(void *arg)
{
    struct writer_arg *wa = arg;
    struct gen *g = wa->g;
    struct pipe *pp = wa->pp;
    for (int k = 0;; k ^= 1) {
        pthread_mutex_lock(&pp->mu);
        while (!pp->full[k] && !pp->done)
            pthread_cond_wait(&pp->cv, &pp->mu);
        bool have = pp->full[k];
        pthread_mutex_unlock(&pp->mu);
        if (!have)
            break;
        enum yz_err e = write_batch(g, &g->bufs[k]);
        pthread_mutex_lock(&pp->mu);
        pp->full[k] = false;
        if (e != YZ_OK) {
            pp->failed = true;
            pp->e = e;
        }
        pthread_cond_broadcast(&pp->cv);
        pthread_mutex_unlock(&pp->mu);
        if (e != YZ_OK)
            break;
    }
    return NULL;
}

static enum yz_err run_batches(struct gen *g)
{
    struct pipe pp = {.e = YZ_OK};
    pthread_mutex_init(&pp.mu, NULL);
    pthread_cond_init(&pp.cv, NULL);
    struct writer_arg wa = {g, &pp};
    pthread_t writer;
    if (pthread_create(&writer, NULL, writer_main, &wa) != 0) {
        yz_buf_adds(g->err, "cannot start the writing thread");
        return YZ_ERR_INTERNAL;
    }
    enum yz_err e = YZ_OK;
    int k = 0;
    for (int64_t from = 0; e == YZ_OK && from < g->opt->cases; from += g->opt->batch, k ^= 1) {
        pthread_mutex_lock(&pp.mu);
        while (pp.full[k] && !pp.failed)
            pthread_cond_wait(&pp.cv, &pp.mu);
        bool stop = pp.failed;
        pthread_mutex_unlock(&pp.mu);
        if (stop)
            break;
        int64_t to = from + g->opt->batch < g->opt->cases ? from + g->opt->batch : g->opt->cases;
        e = prepare_batch(g, &g->bufs[k], from, to);
        if (e != YZ_OK) {
            /* What was prepared of a failed batch is dropped, as its rollback would. */
            for (int64_t c = 0; c < g->bufs[k].n; c++)
                prep_case_clear(&g->bufs[k].cases[c]);
            g->bufs[k].n = 0;
            break;
        }
        pthread_mutex_lock(&pp.mu);
        pp.full[k] = true;
        pthread_cond_broadcast(&pp.cv);
        pthread_mutex_unlock(&pp.mu);
    }
    pthread_mutex_lock(&pp.mu);
    pp.done = true;
    pthread_cond_broadcast(&pp.cv);
    pthread_mutex_unlock(&pp.mu);
    pthread_join(writer, NULL);
    /* A failed writer leaves the other buffer prepared but unwritten. */
    for (int b = 0; b < 2; b++) {
        for (int64_t c = 0; c < g->bufs[b].n; c++)
            prep_case_clear(&g->bufs[b].cases[c]);
        g->bufs[b].n = 0;
    }
    pthread_cond_destroy(&pp.cv);
    pthread_mutex_destroy(&pp.mu);
    if (e != YZ_OK) {
        yz_buf_addf(g->err, "%s%s", g->err->len ? "; " : "", g->perr->data);
        return e;
    }
    return pp.e;
}

static enum yz_err setup_tx(struct yz_tx *tx, void *arg)
{
    struct gen *g = arg;
    struct yz_stmt *st = yz_sql(tx, &q_creators);
    bool row;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && g->ncreators < MAX_CREATORS) {
        g->creators[g->ncreators].id = yz_col_i64(st, 0);
        g->creators[g->ncreators++].lawyer = strcmp(yz_col_text(st, 1), "lawyer") == 0;
    }
    if (e != YZ_OK)
        return e;
    st = yz_sql(tx, &q_seqs);
    while ((e = yz_step(st, &row)) == YZ_OK && row && g->nseqs < MAX_SEQS) {
        g->seqs[g->nseqs].court_id = yz_col_i64(st, 0);
        g->seqs[g->nseqs].year = (int)yz_col_i64(st, 1);
        g->seqs[g->nseqs++].last = yz_col_i64(st, 2);
    }
    if (e != YZ_OK)
        return e;
    st = yz_sql(tx, &q_last_matter);
    if ((e = yz_step_one(st)) == YZ_OK)
        g->matters_before = yz_col_i64(st, 0);
    /* A broken chain is refused by the first batch, as before; nothing is hashed ahead. */
    if (e == YZ_OK)
        g->chain_known = yz_event_chain_tip(tx, &g->chain_id, g->chain_hash) == YZ_OK;
    return e;
}

static enum yz_err defer_indexes_tx(struct yz_tx *tx, void *arg)
{
    (void)arg;
    return yz_tx_defer_indexes(tx, true);
}

static enum yz_err build_indexes_tx(struct yz_tx *tx, void *arg)
{
    (void)arg;
    return yz_tx_defer_indexes(tx, false);
}

enum yz_err yz_datagen_run(struct yz_app *app, const struct yz_datagen_options *opt,
                           struct yz_datagen_stats *stats, struct yz_buf *err)
{
    memset(stats, 0, sizeof *stats);
    stats->index_build_ms = -1;
    struct gen *g = yz_calloc(1, sizeof *g);
    g->app = app;
    g->opt = opt;
    g->stats = stats;
    g->err = err;
    struct yz_buf perr = YZ_BUF_INIT(4096), scratch = YZ_BUF_INIT(YZ_JSON_DUMP_MAX);
    g->perr = &perr;
    g->scratch = &scratch;
    g->fe = yz_calloc(1, sizeof *g->fe);
    yz_rng_seed(&g->rng, opt->seed);
    g->wf = yz_workflow_find(app->workflows, "filing");
    enum yz_err e = g->wf ? YZ_OK : YZ_ERR_CONFIG;
    if (e != YZ_OK)
        yz_buf_adds(err, "the filing workflow is not loaded");
    if (e == YZ_OK)
        e = yz_datagen_model_new(app, &g->model, err);
    if (e == YZ_OK)
        e = yz_store_read(app->store, setup_tx, g);
    if (e == YZ_OK && g->ncreators == 0) {
        yz_buf_adds(err, "no party or lawyer account to file with: run yizhan init --demo first");
        e = YZ_ERR_CONFIG;
    }
    if (e == YZ_OK) {
        double cw[NCHANNELS], tw[NTRACKS];
        for (size_t i = 0; i < NCHANNELS; i++)
            cw[i] = channels[i].share;
        for (size_t i = 0; i < NTRACKS; i++)
            tw[i] = tracks[i].share;
        yz_pick_init(&g->channel_pick, cw, NCHANNELS);
        yz_pick_init(&g->track_pick, tw, NTRACKS);
        /* Up to yesterday's end in Asia/Shanghai, so nothing lies in the future. */
        int64_t now = yz_time_now_ms();
        g->end_ms = (now + SHANGHAI_MS) / DAY_MS * DAY_MS - SHANGHAI_MS;
        g->start_ms = g->end_ms - (int64_t)opt->days * DAY_MS;
        /* Room for every counter a batch can touch (at most 4 per case), at most half full. */
        g->rollup_cap = 1024;
        while (g->rollup_cap < (size_t)opt->batch * 8)
            g->rollup_cap *= 2;
        for (int b = 0; b < 2; b++) {
            g->bufs[b].g = g;
            g->bufs[b].cases = yz_calloc((size_t)opt->batch, sizeof *g->bufs[b].cases);
            g->bufs[b].court_used = yz_calloc(app->courts.count + 1, sizeof(bool));
            g->bufs[b].rollups = yz_calloc(g->rollup_cap, sizeof *g->bufs[b].rollups);
            g->bufs[b].order = yz_calloc(g->rollup_cap, sizeof *g->bufs[b].order);
            g->bufs[b].month_order = yz_calloc(g->rollup_cap, sizeof *g->bufs[b].month_order);
            g->bufs[b].months = yz_calloc(g->rollup_cap, sizeof *g->bufs[b].months);
        }
    }
    /* An offline import: no savepoints, commits synced only at the end (store.h). */
    bool bulk = false;
    if (e == YZ_OK) {
        e = yz_store_bulk(app->store, true);
        bulk = e == YZ_OK;
        if (e != YZ_OK)
            yz_buf_addf(err, "cannot enter bulk mode: %s", yz_err_code(e));
    }
    /* An import that at least doubles the matters builds the deferred
     * indexes once at its end (store.h, migrations_sqlite.c): written batch
     * by batch the triage keys' lookup alone was half of a million cases'
     * writing. Nothing the import reads needs them: its statements read only
     * primary keys, unique constraints, users and the case-number counters. */
    bool deferred = false;
    if (e == YZ_OK && opt->cases >= g->matters_before) {
        e = yz_store_write(app->store, defer_indexes_tx, NULL);
        deferred = e == YZ_OK;
        if (e != YZ_OK)
            yz_buf_addf(err, "cannot drop the deferred indexes: %s", yz_err_code(e));
    }
    if (e == YZ_OK)
        e = run_batches(g);
    /* Also after a failure, so that the schema is whole (opening the store
     * would build them otherwise). */
    if (deferred) {
        int64_t t0 = yz_time_mono_ms();
        enum yz_err built = yz_store_write(app->store, build_indexes_tx, NULL);
        stats->index_build_ms = yz_time_mono_ms() - t0;
        if (built != YZ_OK && e == YZ_OK) {
            yz_buf_addf(err, "building the deferred indexes failed: %s", yz_err_code(built));
            e = built;
        }
    }
    /* Also after a failure: what was committed is made durable. */
    if (bulk) {
        enum yz_err off = yz_store_bulk(app->store, false);
        if (off != YZ_OK && e == YZ_OK) {
            yz_buf_addf(err, "the final checkpoint failed: %s", yz_err_code(off));
            e = off;
        }
    }
    yz_pick_free(&g->channel_pick);
    yz_pick_free(&g->track_pick);
    yz_datagen_model_free(g->model);
    for (int b = 0; b < 2; b++) {
        free(g->bufs[b].cases);
        free(g->bufs[b].court_used);
        free(g->bufs[b].rollups);
        arena_free(&g->bufs[b].texts);
        free(g->bufs[b].order);
        free(g->bufs[b].month_order);
        free(g->bufs[b].months);
    }
    yz_buf_release(&perr);
    yz_buf_release(&scratch);
    free(g->fe);
    free(g);
    return e;
}
