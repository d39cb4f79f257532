/*
 * The configuration every command builds the same way: table defaults, then
 * the INI file (--config FILE or YIZHAN_CONFIG), then YIZHAN_* variables, then
 * flags (--dir, --data, --port, --set key=value). Errors name their source.
 */
#ifndef YZ_CLI_CLI_CONFIG_H
#define YZ_CLI_CLI_CONFIG_H

#include "core/config.h"

#include <getopt.h>

/* Long options shared by every command; values >= 1000 so commands can add their own. */
enum { YZ_OPT_CONFIG = 1000, YZ_OPT_DIR, YZ_OPT_DATA, YZ_OPT_SET, YZ_OPT_PORT };
#define YZ_CLI_COMMON_OPTIONS                                                                      \
    {"config", required_argument, NULL, YZ_OPT_CONFIG},                                           \
        {"dir", required_argument, NULL, YZ_OPT_DIR},                                              \
        {"data", required_argument, NULL, YZ_OPT_DATA},                                            \
        {"set", required_argument, NULL, YZ_OPT_SET}, {"port", required_argument, NULL, YZ_OPT_PORT}
#define YZ_CLI_COMMON_HELP                                                                         \
    "  --config FILE     INI configuration (default: $YIZHAN_CONFIG, else none)\n"                 \
    "  --dir DIR         data directory: database, keys (storage.dir, default var)\n"             \
    "  --data DIR        reference data: calendar, workflows, courts (data.dir, default data)\n"  \
    "  --set KEY=VALUE   any configuration key, e.g. --set server.threads=8\n"                     \
    "  --port N          server.port\n"

struct yz_cli_flags {
    const char *config;
    const char *sets[32];
    int nsets;
    const char *dir, *data, *port;
};

/* Records one common option; false when opt is not a common one or too many --set. */
bool yz_cli_flag(struct yz_cli_flags *f, int opt, const char *arg);
/* Builds cfg from all sources; prints the error and returns false on failure. */
bool yz_cli_config(const struct yz_cli_flags *f, struct yz_config *cfg);

#endif
