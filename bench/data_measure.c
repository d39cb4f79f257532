/*
 * In-process measurements on a generated database (bench/data.sh, issue 7):
 * point lookups and the dashboard, through the product's own store and
 * functions, linked against the release objects (build/rel/src).
 *
 *   lookup.row.id      one read transaction: SELECT of the matter row by id
 *   lookup.matter.id   one read transaction: yz_matter_get_text (the row, the
 *                      policy, deadlines, the JSON of GET /api/v1/matters/{id})
 *   lookup.row.caseno  one read transaction: the case by its number (案号),
 *                      then its matter row
 *   lookup.matter.caseno  the same, then yz_matter_get_text
 *   disk.read4k        the reference for the lookups: one random 4 KiB read
 *                      of the database file past the page cache (O_DIRECT),
 *                      what a lookup whose page is not cached waits for at
 *                      least; skipped where the file system refuses O_DIRECT
 *   dashboard.before_daily_query.*  the query the dashboard ran before the
 *                      monthly counters (all daily rows of the span, grouped),
 *                      over the same courts: the "before" of that change
 *   dashboard.*        yz_dashboard (every indicator of GET /api/v1/dashboard):
 *                      the busiest basic court over 30 days, a year and the
 *                      longest range (3660 days); the high court's supervisor
 *                      over every court below it for the longest range; and
 *                      the only indicator not read from the counters, the
 *                      overdue filings (yz_filing_overdue_counts)
 * Keys are random (a fixed seed), drawn before the timing. Lookups report
 * p50/p99/max in microseconds; dashboards the median and max of their runs.
 *
 * usage: data_measure --dir DIR [--data DIR] [--lookups N] [--runs N]
 * Output: the figure lines of bench/README.md ("value NAME VALUE UNIT").
 */
#define _GNU_SOURCE /* O_DIRECT */
#include "app/app.h"
#include "cli/cli_config.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/num.h"
#include "filing/filing.h"
#include "matters/matters.h"
#include "stats/dashboard.h"
#include "store/store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct yz_sql_def q_range = YZ_SQL("SELECT min(id), max(id) FROM matters");
static struct yz_sql_def q_row = YZ_SQL(
    "SELECT kind, state, court_id, title, channel, created_at, updated_at, version, data"
    " FROM matters WHERE id = ?");
static struct yz_sql_def q_caseno_of = YZ_SQL("SELECT case_number FROM cases WHERE matter_id = ?");
static struct yz_sql_def q_by_caseno = YZ_SQL("SELECT matter_id FROM cases WHERE case_number = ?");
/* The dashboard's query before the monthly counters (migration 14): every
 * daily row of the span, grouped. Timed for the before/after comparison. */
static struct yz_sql_def q_daily_grouped = YZ_SQL(
    "SELECT kind, event, from_state, state, channel, days, sum(n) FROM rollup_daily"
    " WHERE court_id = ? AND day >= ? AND day <= ?"
    " GROUP BY kind, event, from_state, state, channel, days");
static struct yz_sql_def q_busiest = YZ_SQL(
    "SELECT court_id FROM rollup_daily WHERE event = 'submit' GROUP BY court_id"
    " ORDER BY sum(n) DESC LIMIT 1");

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Bytes this process caused to be read from the storage layer (readahead
 * included), from /proc/self/io; -1 where the kernel does not count them. */
static int64_t storage_read_bytes(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char line[128];
    long long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "read_bytes: %lld", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

struct keys {
    int64_t *ids;
    char (*numbers)[96];
    int n;
    int64_t min_id, max_id;
    int64_t busiest;
};

static enum yz_err keys_tx(struct yz_tx *tx, void *arg)
{
    struct keys *k = arg;
    bool row;
    struct yz_stmt *st = yz_sql(tx, &q_range);
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e != YZ_OK ? e : YZ_ERR_NOT_FOUND;
    k->min_id = yz_col_i64(st, 0);
    k->max_id = yz_col_i64(st, 1);
    yz_exec(st);
    if (k->max_id < 1)
        return YZ_ERR_NOT_FOUND;
    int got = 0;
    for (int tries = 0; got < k->n && tries < k->n * 20; tries++) {
        int64_t id = k->min_id + (int64_t)(next_random() % (uint64_t)(k->max_id - k->min_id + 1));
        st = yz_sql(tx, &q_caseno_of);
        yz_bind_i64(st, 1, id);
        if ((e = yz_step(st, &row)) != YZ_OK)
            return e;
        if (!row)
            continue;
        k->ids[got] = id;
        snprintf(k->numbers[got], sizeof k->numbers[got], "%s", yz_col_text(st, 0));
        yz_exec(st);
        got++;
    }
    k->n = got;
    st = yz_sql(tx, &q_busiest);
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    k->busiest = row ? yz_col_i64(st, 0) : 0;
    if (row)
        yz_exec(st);
    return YZ_OK;
}

struct lookup {
    struct yz_app *app;
    struct yz_principal who;
    int64_t id;
    const char *number;
    bool full;
    int found;
};

static enum yz_err lookup_tx(struct yz_tx *tx, void *arg)
{
    struct lookup *l = arg;
    int64_t id = l->id;
    bool row;
    enum yz_err e;
    struct yz_stmt *st;
    if (l->number) {
        st = yz_sql(tx, &q_by_caseno);
        yz_bind_text(st, 1, l->number);
        if ((e = yz_step(st, &row)) != YZ_OK || !row)
            return e != YZ_OK ? e : YZ_ERR_NOT_FOUND;
        id = yz_col_i64(st, 0);
        yz_exec(st);
    }
    if (l->full) {
        struct yz_buf out = YZ_BUF_INIT(YZ_JSON_DUMP_MAX);
        e = yz_matter_get_text(tx, l->app, &l->who, id, "bench", &out);
        l->found += out.len > 0;
        yz_buf_release(&out);
        return e;
    }
    st = yz_sql(tx, &q_row);
    yz_bind_i64(st, 1, id);
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e != YZ_OK ? e : YZ_ERR_NOT_FOUND;
    l->found += strlen(yz_col_text(st, 8)) > 0;
    yz_exec(st);
    return YZ_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double pct_us(int64_t *ns, int n, int pct)
{
    int rank = (n * pct + 99) / 100;
    return (double)ns[rank > 0 ? rank - 1 : 0] / 1000.0;
}

/* Sorts the n wall times ns and prints NAME.p50, .p99 and .max in µs. */
static void print_latency(const char *name, int64_t *ns, int n)
{
    qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
    printf("value %s.p50 %.1f us\nvalue %s.p99 %.1f us\nvalue %s.max %.1f us\n", name,
           pct_us(ns, n, 50), name, pct_us(ns, n, 99), name, (double)ns[n - 1] / 1000.0);
}

static int run_lookups(struct yz_app *app, const struct yz_principal *who, const struct keys *k,
                       bool by_number, bool full, const char *name)
{
    int64_t *ns = calloc((size_t)k->n, sizeof *ns), *cpu = calloc((size_t)k->n, sizeof *cpu);
    if (!ns || !cpu) {
        free(ns);
        free(cpu);
        return 1;
    }
    struct lookup l = {.app = app, .who = *who, .full = full};
    int64_t read0 = storage_read_bytes();
    for (int i = 0; i < k->n; i++) {
        l.id = k->ids[i];
        l.number = by_number ? k->numbers[i] : NULL;
        int64_t c0 = cpu_ns(), t0 = now_ns();
        enum yz_err e = yz_store_read(app->store, lookup_tx, &l);
        ns[i] = now_ns() - t0;
        cpu[i] = cpu_ns() - c0;
        if (e != YZ_OK) {
            fprintf(stderr, "data_measure: %s of matter %lld failed: %s\n", name,
                    (long long)k->ids[i], yz_err_code(e));
            free(ns);
            free(cpu);
            return 1;
        }
    }
    int64_t read1 = storage_read_bytes();
    print_latency(name, ns, k->n);
    if (read0 >= 0 && read1 >= read0)
        printf("value %s.read_kib %.1f KiB\n", name, (double)(read1 - read0) / 1024.0 / k->n);
    qsort(cpu, (size_t)k->n, sizeof *cpu, cmp_i64);
    /* Wall time includes waiting for a CPU on a busy machine; CPU time does not. */
    printf("value %s.cpu_p99 %.1f us\n", name, pct_us(cpu, k->n, 99));
    free(ns);
    free(cpu);
    return 0;
}

/* n random 4 KiB reads of the file at path, aligned, past the page cache. */
static int run_disk_reads(const char *path, int n)
{
    enum { BLOCK = 4096 };
    int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size < BLOCK) {
        fprintf(stderr, "data_measure: no O_DIRECT reads of %s: the disk reference is skipped\n",
                path);
        if (fd >= 0)
            close(fd);
        return 0;
    }
    void *buf = NULL;
    int64_t *ns = calloc((size_t)n, sizeof *ns);
    if (!ns || posix_memalign(&buf, BLOCK, BLOCK) != 0) {
        free(ns);
        close(fd);
        return 1;
    }
    uint64_t blocks = (uint64_t)sb.st_size / BLOCK;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        off_t at = (off_t)(next_random() % blocks) * BLOCK;
        int64_t t0 = now_ns();
        if (pread(fd, buf, BLOCK, at) != BLOCK) {
            fprintf(stderr, "data_measure: O_DIRECT read of %s failed\n", path);
            rc = 1;
        }
        ns[i] = now_ns() - t0;
    }
    if (rc == 0)
        print_latency("disk.read4k", ns, n);
    free(buf);
    free(ns);
    close(fd);
    return rc;
}

struct dash {
    struct yz_app *app;
    struct yz_principal who;
    int64_t court_id;
    char from[16], to[16];
    bool overdue_only;
    bool daily_grouped; /* the old query over the courts in scope */
    int64_t rows;
};

static void overdue_sink(void *arg, int64_t court_id, int64_t pending, int64_t overdue)
{
    (void)arg, (void)court_id, (void)pending, (void)overdue;
}

static enum yz_err dash_tx(struct yz_tx *tx, void *arg)
{
    struct dash *d = arg;
    if (d->overdue_only)
        return yz_filing_overdue_counts(tx, overdue_sink, NULL);
    if (d->daily_grouped) {
        enum yz_err e = YZ_OK;
        for (size_t i = 0; e == YZ_OK && i < d->app->courts.count; i++) {
            const struct yz_court *c = &d->app->courts.items[i];
            if (!yz_courts_within(&d->app->courts, c->id, d->court_id))
                continue;
            struct yz_stmt *st = yz_sql(tx, &q_daily_grouped);
            yz_bind_i64(st, 1, c->id);
            yz_bind_text(st, 2, d->from);
            yz_bind_text(st, 3, d->to);
            bool row;
            while ((e = yz_step(st, &row)) == YZ_OK && row)
                d->rows += yz_col_i64(st, 6) > 0;
        }
        return e;
    }
    json_t *out = NULL;
    enum yz_err e = yz_dashboard(tx, d->app, &d->who, d->court_id, d->from, d->to, &out);
    json_decref(out);
    return e;
}

static int run_dashboard(struct dash *d, int days, int runs, const char *name)
{
    struct yz_date today = yz_date_of_shanghai(yz_time_now_ms());
    yz_date_format(today, d->to, sizeof d->to);
    yz_date_format(yz_date_from_days(yz_date_to_days(today) - days + 1), d->from, sizeof d->from);
    int64_t ns[64];
    if (runs > 64)
        runs = 64;
    for (int i = 0; i < runs; i++) {
        int64_t t0 = now_ns();
        enum yz_err e = yz_store_read(d->app->store, dash_tx, d);
        ns[i] = now_ns() - t0;
        if (e != YZ_OK) {
            fprintf(stderr, "data_measure: %s failed: %s\n", name, yz_err_code(e));
            return 1;
        }
    }
    qsort(ns, (size_t)runs, sizeof ns[0], cmp_i64);
    printf("value %s.median %.2f ms\nvalue %s.max %.2f ms\n", name,
           (double)ns[runs / 2] / 1e6, name, (double)ns[runs - 1] / 1e6);
    return 0;
}

/* The keys' matter ids whose court is code or below it, one per line (for wrk). */
static int write_ids(struct yz_app *app, const struct keys *k, const char *code, const char *path)
{
    const struct yz_court *top = yz_courts_find_code(&app->courts, code);
    FILE *f = top ? fopen(path, "w") : NULL;
    if (!f) {
        fprintf(stderr, "data_measure: no court %s or cannot write %s\n", code, path);
        return 1;
    }
    struct yz_principal who = {.user_id = 1, .role = YZ_ROLE_SUPERVISOR, .court_id = top->id};
    int written = 0;
    for (int i = 0; i < k->n; i++) {
        struct lookup l = {.app = app, .who = who, .id = k->ids[i], .full = true};
        if (yz_store_read(app->store, lookup_tx, &l) == YZ_OK && l.found) {
            fprintf(f, "%lld\n", (long long)k->ids[i]);
            written++;
        }
    }
    fclose(f);
    fprintf(stderr, "data_measure: %d matter ids under %s\n", written, code);
    return written ? 0 : 1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        YZ_CLI_COMMON_OPTIONS,
        {"lookups", required_argument, NULL, 'l'},
        {"runs", required_argument, NULL, 'r'},
        {"ids-under", required_argument, NULL, 'u'},
        {"ids-out", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    struct yz_cli_flags flags = {0};
    int64_t lookups = 10000, runs = 20;
    const char *ids_under = NULL, *ids_out = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'u' || c == 'o') {
            *(c == 'u' ? &ids_under : &ids_out) = optarg;
            continue;
        }
        if (c == 'l' && yz_parse_i64(optarg, 1, 1000000, &lookups))
            continue;
        if (c == 'r' && yz_parse_i64(optarg, 1, 64, &runs))
            continue;
        if (c == 'l' || c == 'r' || !yz_cli_flag(&flags, c, optarg)) {
            fprintf(stderr, "usage: data_measure --dir DIR [--data DIR] [--lookups N] [--runs N]\n"
                            "                    [--ids-under COURT_CODE --ids-out FILE]\n");
            return 2;
        }
    }
    struct yz_app app;
    memset(&app, 0, sizeof app);
    if (!yz_cli_config(&flags, &app.cfg))
        return 2;
    struct yz_buf err = YZ_BUF_INIT(1024);
    if (yz_app_open(&app, &err) != YZ_OK) {
        fprintf(stderr, "data_measure: %s\n", err.data);
        return 2;
    }
    struct keys k = {.n = (int)lookups};
    k.ids = calloc((size_t)k.n, sizeof *k.ids);
    k.numbers = calloc((size_t)k.n, sizeof *k.numbers);
    int rc = 1;
    if (!k.ids || !k.numbers || yz_store_read(app.store, keys_tx, &k) != YZ_OK || k.n == 0) {
        fprintf(stderr, "data_measure: no registered case to look up\n");
        goto out;
    }
    if (ids_under && ids_out) {
        rc = write_ids(&app, &k, ids_under, ids_out);
        goto out;
    }
    /* The top court (no parent): its supervisor reads every court below. */
    int64_t top = 0;
    for (size_t i = 0; i < app.courts.count && !top; i++)
        if (!app.courts.items[i].parent_id)
            top = app.courts.items[i].id;
    struct yz_principal sup = {.user_id = 1, .role = YZ_ROLE_SUPERVISOR, .court_id = top};
    struct yz_principal admin = {.user_id = 1, .role = YZ_ROLE_COURT_ADMIN, .court_id = k.busiest};
    fprintf(stderr, "data_measure: %d random keys among matters %lld-%lld\n", k.n,
            (long long)k.min_id, (long long)k.max_id);
    printf("value lookup.keys %d count\n", k.n);
    rc = run_disk_reads(app.db_path, k.n) ||
         run_lookups(&app, &sup, &k, false, false, "lookup.row.id") ||
         run_lookups(&app, &sup, &k, true, false, "lookup.row.caseno") ||
         run_lookups(&app, &sup, &k, false, true, "lookup.matter.id") ||
         run_lookups(&app, &sup, &k, true, true, "lookup.matter.caseno");
    struct dash d = {.app = &app, .who = admin, .court_id = k.busiest};
    rc = rc || run_dashboard(&d, 30, (int)runs, "dashboard.court_30d") ||
         run_dashboard(&d, 365, (int)runs, "dashboard.court_365d") ||
         run_dashboard(&d, 3660, (int)runs, "dashboard.court_3660d");
    d.who = sup;
    d.court_id = top;
    rc = rc || run_dashboard(&d, 3660, (int)runs, "dashboard.supervisor_all_3660d");
    d.daily_grouped = true;
    rc = rc || run_dashboard(&d, 3660, (int)runs, "dashboard.before_daily_query.supervisor_all_3660d");
    d.daily_grouped = false;
    d.overdue_only = true;
    rc = rc || run_dashboard(&d, 1, (int)runs, "dashboard.overdue_filings");
out:
    free(k.ids);
    free(k.numbers);
    yz_app_close(&app);
    yz_config_release(&app.cfg);
    yz_buf_release(&err);
    return rc;
}
