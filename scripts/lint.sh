#!/bin/sh
# Source checks that the compiler cannot make:
#  - no banned C calls (see src/core/banned.h);
#  - SQL reaches SQLite only from the statement catalogue in src/store/ (no SQL
#    assembled from strings anywhere else: SECURITY.md 5.3.4, test T5).
set -u
cd "$(dirname "$0")/.."
status=0
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|gmtime|localtime)\s*\(' src tests \
    | grep -v 'src/core/banned.h' | grep -vE '\b(snprintf|vsnprintf|gmtime_r|localtime_r|strtok_r)\s*\(' || true)
if [ -n "$hits" ]; then
    echo "lint: banned calls:"
    echo "$hits"
    status=1
fi
hits=$(grep -rnE 'sqlite3_(prepare|exec)' src | grep -v '^src/store/' || true)
if [ -n "$hits" ]; then
    echo "lint: SQL outside src/store/:"
    echo "$hits"
    status=1
fi
# In the store, sqlite3_exec may only run fixed text (pragmas, migrations, transaction control).
hits=$(grep -nE 'sqlite3_exec\(' src/store/*.c 2>/dev/null | grep -vE 'sqlite3_exec\([a-z_>-]+, *("|migration|sql_fixed)' || true)
if [ -n "$hits" ]; then
    echo "lint: sqlite3_exec with non-constant SQL:"
    echo "$hits"
    status=1
fi
[ "$status" -eq 0 ] && echo "lint: ok"
exit $status
