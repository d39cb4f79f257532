#!/bin/sh
# The import's raw-SQLite reference (issue 7: figures as ratios against raw
# SQLite measured in the same run). bench/data.sh runs it after
# `yizhan generate`: the generated rows (matters, participants, deadlines,
# cases, triage keys, events, then the counters) are copied by
# INSERT ... SELECT into a fresh `init --demo` database of the same schema,
# in transactions of the generator's batch of cases, with the writer's
# settings of the store's bulk mode (synchronous=NORMAL, 64 MiB cache, WAL
# checkpoint every 16,384 pages, foreign keys off: the import checks its
# parents once per batch) and the same deferred
# indexes, taken from the binary (`yizhan generate --deferred-indexes`):
# dropped first and built at the end with the import's own statements, in
# one transaction; then the WAL is checkpointed away.
# No application work, no JSON, no hashing, no signing: what SQLite alone
# takes to write the same rows. The reading of the source database is
# included (a plain read pass over it takes about a tenth of the copy).
#
# usage: bench/import_floor.sh BIN SRC_DIR DST_DIR BATCH
# stdout: "value sqlite.copy.seconds S s" (wall) and
# "value sqlite.copy.cpu S s" (user + system).
set -eu
[ $# -eq 4 ] || { echo "usage: bench/import_floor.sh BIN SRC_DIR DST_DIR BATCH" >&2; exit 2; }
bin=$1 src=$2/yizhan.db dst=$3 batch=$4
case "$batch" in '' | *[!0-9]*) echo "import_floor: BATCH must be a number" >&2; exit 2 ;; esac
[ -f "$src" ] || { echo "import_floor: $src missing" >&2; exit 2; }
command -v sqlite3 >/dev/null 2>&1 || { echo "import_floor: the sqlite3 shell is missing" >&2; exit 2; }

"$bin" init --demo --dir "$dst" >/dev/null 2>"$dst.init.log" ||
    { tail -n 20 "$dst.init.log" >&2; exit 1; }
rm -f "$dst.init.log"
# The indexes the import drops and builds at its end: name, drop, create.
deferred=$dst.deferred
"$bin" generate --deferred-indexes >"$deferred"
[ -s "$deferred" ] || { echo "import_floor: no deferred index listed" >&2; exit 1; }
# The generated matters follow the demo's (the same ids in both databases).
lo=$(sqlite3 "$dst/yizhan.db" "SELECT coalesce(max(id), 0) + 1 FROM matters")
sql=$dst.copy.sql
{
    echo "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384;"
    echo "PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY;"
    echo "ATTACH '$src' AS s;"
    cut -f 2 "$deferred" | sed 's/$/;/'
    # One line a batch: its matters and the ids of its first and last event
    # (a batch's events are contiguous: the generator writes them in order).
    sqlite3 -cmd "ATTACH '$src' AS s" "$dst/yizhan.db" "
        WITH RECURSIVE b(a) AS (SELECT $lo UNION ALL SELECT a + $batch FROM b
                                WHERE a + $batch <= (SELECT max(id) FROM s.matters))
        SELECT a, min(a + $batch - 1, (SELECT max(id) FROM s.matters)),
               (SELECT id FROM s.events WHERE stream = 'matter/' || a AND stream_seq = 1),
               coalesce((SELECT id FROM s.events WHERE stream = 'matter/' || (a + $batch)
                         AND stream_seq = 1) - 1, (SELECT max(id) FROM s.events))
        FROM b" | while IFS='|' read -r a z e1 e2; do
        echo "BEGIN;"
        echo "INSERT INTO main.matters SELECT * FROM s.matters WHERE id BETWEEN $a AND $z;"
        for t in matter_participants deadlines cases triage_party_keys; do
            echo "INSERT INTO main.$t SELECT * FROM s.$t WHERE matter_id BETWEEN $a AND $z;"
        done
        echo "INSERT INTO main.events SELECT * FROM s.events WHERE id BETWEEN $e1 AND $e2;"
        echo "COMMIT;"
    done
    # The counters, whole (the generator upserts them batch by batch).
    echo "BEGIN;"
    echo "INSERT INTO main.rollup_daily SELECT * FROM s.rollup_daily WHERE true;"
    echo "INSERT INTO main.rollup_monthly SELECT * FROM s.rollup_monthly WHERE true;"
    echo "INSERT OR REPLACE INTO main.case_sequences SELECT * FROM s.case_sequences WHERE true;"
    echo "COMMIT;"
    echo "BEGIN;"
    cut -f 3 "$deferred" | sed 's/$/;/'
    echo "COMMIT;"
    echo "PRAGMA wal_checkpoint(TRUNCATE);"
} >"$sql"
t=$dst.copy.time
/usr/bin/time -f "%e %U %S" -o "$t" sqlite3 "$dst/yizhan.db" <"$sql" >/dev/null
rm -f "$sql"
# Every deferred index is back, as the schema defines it.
while IFS="$(printf '\t')" read -r name _ _; do
    a=$(sqlite3 "$src" "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = '$name'")
    b=$(sqlite3 "$dst/yizhan.db" "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = '$name'")
    [ -n "$a" ] && [ "$a" = "$b" ] || { echo "import_floor: index $name not as in the source" >&2; exit 1; }
done <"$deferred"
rm -f "$deferred"
# The copy must be whole: as many events and matters as the source.
for q in "SELECT count(*) FROM matters" "SELECT count(*) FROM events" \
    "SELECT count(*) FROM triage_party_keys INDEXED BY triage_party_keys_lookup WHERE court_id > 0"; do
    a=$(sqlite3 "$src" "$q") b=$(sqlite3 "$dst/yizhan.db" "$q")
    [ "$a" = "$b" ] || { echo "import_floor: $q: $a in the source, $b in the copy" >&2; exit 1; }
done
awk '{ printf "value sqlite.copy.seconds %.1f s\nvalue sqlite.copy.cpu %.1f s\n", $1, $2 + $3 }' "$t"
rm -f "$t"
