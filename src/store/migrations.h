/*
 * Forward-only numbered schema migrations, one list per backend. Each runs in
 * its own transaction and is recorded in schema_migrations; a database newer
 * than the binary is refused. Never edit a migration that has shipped: add one.
 */
#ifndef YZ_STORE_MIGRATIONS_H
#define YZ_STORE_MIGRATIONS_H

#include <stddef.h>

struct yz_migration {
    int version;
    const char *name;
    const char *sql;
};

/* Migrations in ascending order; *count >= 1. */
const struct yz_migration *yz_migrations_sqlite(size_t *count);

/*
 * Indexes a bulk load may drop and build again at its end (store.h
 * yz_tx_defer_indexes): secondary indexes of the tables a bulk load fills
 * that its inserts never read (primary keys and unique constraints stay) and
 * that are cheap to build again (migrations_sqlite.c says which). create is the index's definition as the latest migration left it,
 * with IF NOT EXISTS; drop has IF EXISTS. Opening a database builds any that
 * is missing, so a load killed in between leaves the schema whole.
 */
struct yz_deferred_index {
    const char *name;
    const char *drop;
    const char *create;
};
const struct yz_deferred_index *yz_deferred_indexes_sqlite(size_t *count);

#endif
