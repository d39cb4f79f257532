/*
 * `yizhan generate`: fills an initialised data directory with synthetic court
 * data (datagen/datagen.h) for benchmarks and demonstrations at scale: filings
 * of the Chongqing courts with their history, case numbers and dashboard
 * counters. Never point it at a court's real data directory: the cases are
 * invented and become part of the signed history.
 *
 * stdout: the line "generated: N cases (R registered), E events, matters
 * A-B, T s, X cases/s", then "deferred indexes built at the end in T s" when
 * the import was large enough to build them once (datagen.c). Progress on
 * stderr. Exit codes: 0 done, 2 bad usage, an unusable data directory or a
 * failed write (what was committed stays).
 *
 * `--deferred-indexes` prints the indexes a large import drops first and
 * builds at its end (store/migrations.h), one a line: name, the drop and the
 * create statement, separated by tabs. bench/import_floor.sh reads them so
 * that its raw-SQLite reference does exactly what the import does.
 */
#include "cli/cli_config.h"
#include "cli/commands.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/num.h"
#include "datagen/datagen.h"
#include "store/migrations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static const char usage[] =
    "usage: yizhan generate --cases N [--seed S] [--batch N] [--days N] [options]\n\n"
    "Adds N synthetic filing cases (立案) of the Chongqing courts to an initialised data\n"
    "directory (yizhan init --demo), with their whole history: events in the hash\n"
    "chain, parties sealed as the product seals them, case numbers, deadlines and the\n"
    "dashboard counters. For benchmarks and demonstrations only: the data is invented.\n\n"
    "  --cases N   how many cases (1..100000000)\n"
    "  --seed S    the random mix (default 1; the same seed gives the same cases)\n"
    "  --batch N   cases per transaction (1..100000, default 2000)\n"
    "  --days N    spread the filings over the N days up to yesterday (1..3650, default 1095)\n"
    "  --deferred-indexes  print the indexes a large import builds at its end (name, drop,\n"
    "              create; tab-separated) and exit\n"
    "options:\n" YZ_CLI_COMMON_HELP "  --help      this text\n";

enum { OPT_CASES = 1100, OPT_SEED, OPT_BATCH, OPT_DAYS, OPT_DEFERRED, OPT_HELP };

struct progress {
    int64_t started, last;
};

static void progress(void *arg, int64_t done, int64_t total)
{
    struct progress *p = arg;
    int64_t now = yz_time_mono_ms();
    if (now - p->last < 5000 && done < total)
        return;
    p->last = now;
    double s = (double)(now - p->started) / 1000.0;
    fprintf(stderr, "generate: %lld of %lld cases, %.0f s, %.0f cases/s\n", (long long)done,
            (long long)total, s, s > 0 ? (double)done / s : 0.0);
}

static void print_deferred(void)
{
    size_t n;
    const struct yz_deferred_index *d = yz_deferred_indexes_sqlite(&n);
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\n", d[i].name, d[i].drop, d[i].create);
}

int yz_cmd_generate(int argc, char **argv)
{
    static const struct option opts[] = {
        YZ_CLI_COMMON_OPTIONS,
        {"cases", required_argument, NULL, OPT_CASES},
        {"seed", required_argument, NULL, OPT_SEED},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"days", required_argument, NULL, OPT_DAYS},
        {"deferred-indexes", no_argument, NULL, OPT_DEFERRED},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct yz_cli_flags flags = {0};
    struct yz_datagen_options o = {.cases = 0, .seed = 1, .batch = 2000, .days = 1095};
    bool list_deferred = false;
    int64_t v;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP:
            fputs(usage, stdout);
            return YZ_EXIT_OK;
        case OPT_DEFERRED:
            list_deferred = true;
            break;
        case OPT_CASES:
            if (!yz_parse_i64(optarg, 1, 100000000, &o.cases))
                goto bad;
            break;
        case OPT_SEED:
            if (!yz_parse_i64(optarg, 0, INT64_MAX, &v))
                goto bad;
            o.seed = (uint64_t)v;
            break;
        case OPT_BATCH:
            if (!yz_parse_i64(optarg, 1, 100000, &v))
                goto bad;
            o.batch = (int)v;
            break;
        case OPT_DAYS:
            if (!yz_parse_i64(optarg, 1, 3650, &v))
                goto bad;
            o.days = (int)v;
            break;
        default:
            if (!yz_cli_flag(&flags, c, optarg))
                goto bad;
        }
    }
    if (optind < argc)
        goto bad;
    if (list_deferred) {
        print_deferred();
        return YZ_EXIT_OK;
    }
    if (o.cases == 0)
        goto bad;

    struct yz_app app;
    memset(&app, 0, sizeof app);
    if (!yz_cli_config(&flags, &app.cfg))
        return YZ_EXIT_USAGE;
    int rc = YZ_EXIT_USAGE;
    struct yz_buf err = YZ_BUF_INIT(1024);
    if (yz_app_open(&app, &err) != YZ_OK) {
        fprintf(stderr, "yizhan generate: %s\n", err.data);
        goto out;
    }
    struct progress p = {yz_time_mono_ms(), yz_time_mono_ms()};
    o.progress = progress;
    o.progress_arg = &p;
    struct yz_datagen_stats st;
    enum yz_err e = yz_datagen_run(&app, &o, &st, &err);
    double s = (double)(yz_time_mono_ms() - p.started) / 1000.0;
    if (e != YZ_OK) {
        fprintf(stderr, "yizhan generate: %s (%lld cases committed)\n", err.data,
                (long long)st.cases);
    } else {
        printf("generated: %lld cases (%lld registered), %lld events, matters %lld-%lld, %.1f s, "
               "%.0f cases/s\n",
               (long long)st.cases, (long long)st.registered, (long long)st.events,
               (long long)st.first_matter_id, (long long)st.last_matter_id, s,
               s > 0 ? (double)st.cases / s : 0.0);
        if (st.index_build_ms >= 0)
            printf("deferred indexes built at the end in %.1f s\n", (double)st.index_build_ms / 1000.0);
        rc = YZ_EXIT_OK;
    }
    yz_app_close(&app);
out:
    yz_config_release(&app.cfg);
    yz_buf_release(&err);
    return rc;
bad:
    fputs(usage, stderr);
    return YZ_EXIT_USAGE;
}
