/*
 * Test builds only (-DYZ_TEST_BUILD): the "powercut" SQLite VFS, in the
 * spirit of SQLite's own crash-test VFS (src/test6.c, test_vfs.c). It keeps
 * every write to the database, its WAL and journals in the process's memory
 * until the file is synced, so killing the process loses exactly what a
 * power cut would lose: whatever was written but not synced. It can also
 * make xSync fail (EIO from fsync) while a control file exists; the unsynced
 * writes are then dropped, as Linux drops dirty pages after a failed fsync.
 *
 * Selected by the environment at store open:
 *   YZ_TEST_VFS=powercut            use the shim for every connection
 *   YZ_TEST_VFS_FAIL_SYNC=PATH      xSync fails while PATH exists
 *   YZ_TEST_VFS_FAIL_READ=PATH      xRead fails (EIO) while PATH exists
 *   YZ_TEST_SYNC=normal             synchronous=NORMAL (the negative control
 *                                   of the power-cut proof: it must lose commits)
 * Release builds have none of this: the functions below are constants there.
 */
#ifndef YZ_STORE_TEST_VFS_H
#define YZ_STORE_TEST_VFS_H

#include <stdbool.h>

#ifdef YZ_TEST_BUILD
/* The VFS name to open the database with, or NULL for SQLite's default. */
const char *yz_test_vfs(void);
/* Whether the test asked for synchronous=NORMAL. */
bool yz_test_sync_normal(void);
#else
#define yz_test_vfs() ((const char *)0)
#define yz_test_sync_normal() false
#endif

#endif
