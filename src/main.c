/* yizhan: the command-line entry point; dispatches to src/cli/cmd_*.c. */
#include "cli/commands.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"serve", yz_cmd_serve, "serve the HTTP API and the browser UI"},
    {"init", yz_cmd_init, "create a data directory (keys, database); --demo adds the demo courts and accounts"},
    {"user", yz_cmd_user, "manage accounts (user add)"},
    {"audit", yz_cmd_audit, "verify the tamper-evident history; export signed checkpoints"},
    {"workflow", yz_cmd_workflow, "check the workflow definitions in data/workflows"},
    {"triage", yz_cmd_triage, "check the triage (繁简分流) rules in data/triage"},
    {"deadline", yz_cmd_deadline, "compute a legal deadline on the holiday calendar"},
    {"backup", yz_cmd_backup, "copy the database consistently while serving"},
    {"restore", yz_cmd_restore, "put a backup in place and verify its history"},
    {"fee", yz_cmd_fee, "quote a litigation fee (诉讼费用交纳办法), as JSON"},
    {"check", yz_cmd_check, "check a citizen ID or unified social credit code, as JSON"},
    {"rollup", yz_cmd_rollup, "rebuild the dashboard counters from the history"},
    {"generate", yz_cmd_generate, "add synthetic court data for benchmarks (invented cases)"},
    {"assign", yz_cmd_assign, "re-run every recorded case-assignment draw from the history"},
    {"template", yz_cmd_template, "check court document templates; render one for a case as text or PDF"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: yizhan <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'yizhan <command> --help' describes a command.\n"
                 "exit codes: 0 ok, 1 a negative answer, 2 bad usage or input\n");
}

#ifdef YZ_TEST_BUILD
#include "core/clock.h"
#include "core/num.h"
#include <stdlib.h>

/* Test builds only: pin the clock (UTC ms) so tests can file on a chosen day,
 * e.g. just before a public holiday. Release builds have no such door. */
static void pin_clock_for_tests(void)
{
    int64_t ms;
    const char *v = getenv("YZ_TEST_NOW_MS");
    if (v && yz_parse_i64(v, 1, INT64_C(32503680000000), &ms))
        yz_time_set_fake(ms);
}
#endif

int main(int argc, char **argv)
{
#ifdef YZ_TEST_BUILD
    pin_clock_for_tests();
#endif
    if (argc < 2) {
        usage(stderr);
        return YZ_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return YZ_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("yizhan %s\n", YZ_VERSION);
        return YZ_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "yizhan: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return YZ_EXIT_USAGE;
}
