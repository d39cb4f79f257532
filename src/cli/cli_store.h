/*
 * Opening the database for a maintenance command that works on an existing
 * data directory (audit, assign verify, rollup rebuild): the directory from --dir,
 * else $YIZHAN_STORAGE_DIR, else var; a missing database is a usage error,
 * never a new empty one.
 */
#ifndef YZ_CLI_CLI_STORE_H
#define YZ_CLI_CLI_STORE_H

#include "store/store.h"

#include <stdbool.h>

/* The data directory: dir itself, else $YIZHAN_STORAGE_DIR, else "var". */
const char *yz_cli_data_dir(const char *dir);

/* Opens DIR/yizhan.db (dir NULL = the default). On failure prints
 * "yizhan CMD：..." to stderr and returns YZ_EXIT_USAGE; else YZ_EXIT_OK with
 * *out open (close it with yz_store_close). */
int yz_cli_open_store(const char *cmd, const char *dir, bool writable, struct yz_store **out);

#endif
