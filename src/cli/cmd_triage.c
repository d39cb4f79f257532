/*
 * `yizhan triage check [--data DIR]`: loads DIR/triage/rules.json exactly as
 * the server does (same loader, with the cause catalogue to check cause
 * names) and prints each rule set, or every problem at once. A court tunes
 * its rules by editing the file, running this, and restarting the server.
 */
#include "catalog/catalog.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "triage/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define ERR_MAX (1024 * 1024)

static void usage(FILE *out)
{
    fprintf(out, "usage: yizhan triage check [--data DIR]\n"
                 "\n"
                 "  check   load DIR/triage/rules.json (the triage criteria) and report\n"
                 "          each rule set, or every problem found\n"
                 "\n"
                 "  --data DIR   data directory (default: $YIZHAN_DATA_DIR, else ./data)\n"
                 "\n"
                 "exit codes: 0 valid, 1 problems found, 2 bad usage\n");
}

static int check(const char *data)
{
    struct yz_buf err = YZ_BUF_INIT(ERR_MAX);
    struct yz_catalog *cat = NULL;
    struct yz_triage_rules *rules = NULL;
    int rc = YZ_EXIT_OK;
    if (yz_catalog_load_dir(data, &cat, &err) != YZ_OK) {
        fprintf(stderr, "yizhan triage: cannot load the cause catalogue from %s: %s\n", data,
                err.data);
        rc = YZ_EXIT_USAGE;
    } else if (yz_triage_rules_load(data, cat, &rules, &err) != YZ_OK) {
        size_t lines = 0;
        for (size_t i = 0; i < err.len; i++)
            lines += err.data[i] == '\n';
        fputs(err.data, stderr);
        fprintf(stderr, "%s/triage/rules.json: %zu problem%s found\n", data, lines,
                lines == 1 ? "" : "s");
        rc = YZ_EXIT_NO;
    } else {
        struct yz_buf d = YZ_BUF_INIT(4096);
        yz_triage_rules_describe(rules, &d);
        printf("rules.json  ok  version %d: %s\n", yz_triage_rules_version(rules), d.data);
        yz_buf_release(&d);
    }
    yz_triage_rules_free(rules);
    yz_catalog_free(cat);
    yz_buf_release(&err);
    return rc;
}

int yz_cmd_triage(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? YZ_EXIT_USAGE : YZ_EXIT_OK;
    }
    if (strcmp(argv[1], "check") != 0) {
        fprintf(stderr, "yizhan triage: unknown subcommand '%s'\n", argv[1]);
        usage(stderr);
        return YZ_EXIT_USAGE;
    }
    const char *data = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return YZ_EXIT_OK;
        }
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else if (strncmp(argv[i], "--data=", 7) == 0) {
            data = argv[i] + 7;
        } else {
            fprintf(stderr, "yizhan triage: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return YZ_EXIT_USAGE;
        }
    }
    if (!data || !*data) {
        const char *env = getenv("YIZHAN_DATA_DIR");
        data = env && *env ? env : "data";
    }
    return check(data);
}
