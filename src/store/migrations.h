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

#endif
