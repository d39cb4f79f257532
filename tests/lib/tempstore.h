/* A fresh data directory for unit tests that need the real store: signing and
 * sealing keys created and loaded, the database opened and migrated. */
#ifndef YZT_TEMPSTORE_H
#define YZT_TEMPSTORE_H

#include "crypto/keys.h"
#include "store/store.h"

/* dir: a mkdtemp template ("/tmp/yz-x-XXXXXX"), filled in. The database is
 * dir/t.db with two connections. Prints the reason to stderr and returns it
 * on failure. */
enum yz_err yzt_tempstore_open(char *dir, struct yz_keys **keys, struct yz_store **store);

#endif
