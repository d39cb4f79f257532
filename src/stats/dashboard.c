/* The court dashboard (dashboard.h). */
#include "stats/dashboard.h"
#include "app/app.h"
#include "core/clock.h"
#include "filing/filing.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decision times above this many days are counted in the last bucket. */
#define MAX_DAYS 3650
#define MAX_CHANNELS 32

/* Every counter row of a court in a span; count_row adds them up (no GROUP BY:
 * the sum is the tally's, and a sort would cost more than the rows). Whole
 * months come from the monthly counters, the days before and after them from
 * the daily ones, so a span of years reads some 12 rows per key and year. */
static struct yz_sql_def q_days = YZ_SQL(
    "SELECT kind, event, from_state, state, channel, days, n FROM rollup_daily"
    " WHERE court_id = ? AND day >= ? AND day <= ?");
static struct yz_sql_def q_months = YZ_SQL(
    "SELECT kind, event, from_state, state, channel, days, n FROM rollup_monthly"
    " WHERE court_id = ? AND month >= ? AND month <= ?");

/* A span split into whole months and the days around them. */
struct span {
    int parts;
    struct {
        struct yz_sql_def *q;
        char from[16], to[16];
    } part[3];
};

static void add_part(struct span *sp, struct yz_sql_def *q, int64_t from, int64_t to, bool month)
{
    char a[16], b[16];
    yz_date_format(yz_date_from_days(from), a, sizeof a);
    yz_date_format(yz_date_from_days(to), b, sizeof b);
    sp->part[sp->parts].q = q;
    snprintf(sp->part[sp->parts].from, sizeof sp->part[0].from, "%.*s", month ? 7 : 10, a);
    snprintf(sp->part[sp->parts].to, sizeof sp->part[0].to, "%.*s", month ? 7 : 10, b);
    sp->parts++;
}

static void split_span(const char *from, const char *to, struct span *sp)
{
    struct yz_date f, t;
    sp->parts = 0;
    if (!yz_date_parse(from, &f) || !yz_date_parse(to, &t)) {
        /* Not dates (the caller validates them): the daily counters compare them as text. */
        sp->part[0].q = &q_days;
        snprintf(sp->part[0].from, sizeof sp->part[0].from, "%.10s", from);
        snprintf(sp->part[0].to, sizeof sp->part[0].to, "%.10s", to);
        sp->parts = 1;
        return;
    }
    int64_t fd = yz_date_to_days(f), td = yz_date_to_days(t);
    /* The first day of the first whole month, and the last day of the last one. */
    struct yz_date next = {f.month == 12 ? f.year + 1 : f.year, f.month == 12 ? 1 : f.month + 1, 1};
    int64_t m1 = f.day == 1 ? fd : yz_date_to_days(next);
    struct yz_date after_t = {t.month == 12 ? t.year + 1 : t.year, t.month == 12 ? 1 : t.month + 1, 1};
    int64_t m2 = yz_date_to_days(after_t) - 1 == td ? td
                                                     : yz_date_to_days((struct yz_date){t.year, t.month, 1}) - 1;
    if (m1 > m2) {
        add_part(sp, &q_days, fd, td, false);
        return;
    }
    if (fd < m1)
        add_part(sp, &q_days, fd, m1 - 1, false);
    add_part(sp, &q_months, m1, m2, true);
    if (m2 < td)
        add_part(sp, &q_days, m2 + 1, td, false);
}

struct tally {
    struct {
        char name[32];
        int64_t n;
    } channel[MAX_CHANNELS];
    int nchannels;
    int64_t days[MAX_DAYS + 1]; /* decisions by whole days */
    int64_t decisions;
    int64_t days_sum;
    int64_t concluded, succeeded;
    int64_t triaged, fast;
    int64_t overdue;
    /* The courts in scope. */
    const struct yz_court **courts;
    int64_t *filings;
    size_t ncourts;
};

static bool in(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return true;
    return false;
}

static void add_channel(struct tally *t, const char *name, int64_t n)
{
    int i;
    for (i = 0; i < t->nchannels && strcmp(t->channel[i].name, name) != 0; i++)
        ;
    if (i == t->nchannels) {
        if (t->nchannels == MAX_CHANNELS)
            name = "other", i = MAX_CHANNELS - 1;
        else
            t->nchannels++;
        yz_strlcpy(t->channel[i].name, name, sizeof t->channel[i].name);
    }
    t->channel[i].n += n;
}

/* RULE: dashboard-indicators — what each figure counts. */
static void count_row(struct tally *t, size_t court, struct yz_stmt *st)
{
    static const char *const mediations[] = {"mediation", "entrusted_mediation", NULL};
    static const char *const concluded[] = {"settled", "not_settled", "returned", NULL};
    static const char *const tracks[] = {"small_claims", "simplified", "ordinary",
                                         "track_mediation", NULL};
    static const char *const fast[] = {"small_claims", "simplified", NULL};
    const char *kind = yz_col_text(st, 0), *event = yz_col_text(st, 1);
    const char *from = yz_col_text(st, 2), *state = yz_col_text(st, 3);
    int64_t days = yz_col_i64(st, 5), n = yz_col_i64(st, 6);
    bool entered = strcmp(from, state) != 0;
    if (strcmp(kind, "filing") == 0 && strcmp(event, "submit") == 0) {
        /* A filing is counted once, when submitted, by its channel. */
        add_channel(t, yz_col_text(st, 4), n);
        t->filings[court] += n;
    }
    if (days >= 0) { /* a filing registered or refused, so many days after submission */
        t->days[days > MAX_DAYS ? MAX_DAYS : days] += n;
        t->decisions += n;
        t->days_sum += days * n;
    }
    if (entered && in(kind, mediations) && in(state, concluded)) {
        t->concluded += n;
        if (strcmp(state, "settled") == 0)
            t->succeeded += n;
    }
    /* Triage decisions, by the state they lead to, whatever the matter kind. */
    if (entered && in(state, tracks)) {
        t->triaged += n;
        if (in(state, fast))
            t->fast += n;
    }
}

static void overdue_each(void *arg, int64_t court_id, int64_t pending, int64_t overdue)
{
    struct tally *t = arg;
    for (size_t i = 0; i < t->ncourts; i++)
        if (t->courts[i]->id == court_id)
            t->overdue += overdue;
}

/* Nearest-rank percentile of the decision times. */
static int64_t percentile(const struct tally *t, int pct)
{
    int64_t rank = (t->decisions * pct + 99) / 100, seen = 0;
    for (int64_t d = 0; d <= MAX_DAYS; d++)
        if ((seen += t->days[d]) >= rank && rank > 0)
            return d;
    return 0;
}

static bool below(const struct yz_app *app, const struct yz_court *c, int64_t top)
{
    for (int depth = 0; c && depth < 16; depth++) {
        if (c->id == top)
            return true;
        c = c->parent_id ? yz_courts_find(&app->courts, c->parent_id) : NULL;
    }
    return false;
}

static double ratio(int64_t a, int64_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

enum yz_err yz_dashboard(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                         int64_t court_id, const char *from, const char *to, json_t **out)
{
    if (!yz_courts_find(&app->courts, court_id) || !yz_policy_dashboard(app, who, court_id))
        return YZ_ERR_FORBIDDEN;
    struct tally *t = calloc(1, sizeof *t);
    if (!t)
        return YZ_ERR_INTERNAL;
    t->courts = calloc(app->courts.count, sizeof *t->courts);
    t->filings = calloc(app->courts.count, sizeof *t->filings);
    enum yz_err e = t->courts && t->filings ? YZ_OK : YZ_ERR_INTERNAL;
    /* The court, and for a supervisor the courts below it. */
    for (size_t i = 0; e == YZ_OK && i < app->courts.count; i++) {
        const struct yz_court *c = &app->courts.items[i];
        if (c->id == court_id ||
            (below(app, c, court_id) && yz_policy_dashboard(app, who, c->id) &&
             who->role == YZ_ROLE_SUPERVISOR))
            t->courts[t->ncourts++] = c;
    }
    struct span sp;
    split_span(from, to, &sp);
    for (size_t i = 0; e == YZ_OK && i < t->ncourts; i++) {
        for (int p = 0; e == YZ_OK && p < sp.parts; p++) {
            struct yz_stmt *st = yz_sql(tx, sp.part[p].q);
            yz_bind_i64(st, 1, t->courts[i]->id);
            yz_bind_text(st, 2, sp.part[p].from);
            yz_bind_text(st, 3, sp.part[p].to);
            bool row;
            while ((e = yz_step(st, &row)) == YZ_OK && row)
                count_row(t, i, st);
        }
    }
    if (e == YZ_OK)
        e = yz_filing_overdue_counts(tx, overdue_each, t);
    if (e == YZ_OK) {
        json_t *channels = json_array(), *courts = json_array();
        for (int i = 0; i < t->nchannels; i++)
            json_array_append_new(channels, json_pack("{s:s, s:I}", "channel", t->channel[i].name,
                                                      "count", (json_int_t)t->channel[i].n));
        for (size_t i = 0; i < t->ncourts; i++)
            json_array_append_new(courts, json_pack("{s:I, s:s, s:I}", "court_id",
                                                    (json_int_t)t->courts[i]->id, "court_name",
                                                    t->courts[i]->name, "count",
                                                    (json_int_t)t->filings[i]));
        *out = json_pack(
            "{s:I, s:s, s:s, s:o, s:o, s:{s:I, s:f, s:f, s:f}, s:I, s:{s:I, s:I, s:f},"
            " s:{s:I, s:I, s:f}}",
            "court_id", (json_int_t)court_id, "from", from, "to", to, "filings_by_channel",
            channels, "filings_by_court", courts, "decision_days", "count",
            (json_int_t)t->decisions, "avg", ratio(t->days_sum, t->decisions), "p50",
            (double)percentile(t, 50), "p90", (double)percentile(t, 90), "overdue_filings",
            (json_int_t)t->overdue, "mediation", "concluded", (json_int_t)t->concluded,
            "succeeded", (json_int_t)t->succeeded, "rate", ratio(t->succeeded, t->concluded),
            "fast_track", "decided", (json_int_t)t->triaged, "fast_track", (json_int_t)t->fast,
            "share", ratio(t->fast, t->triaged));
    }
    free(t->courts);
    free(t->filings);
    free(t);
    return e;
}
