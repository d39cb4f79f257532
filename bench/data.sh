#!/bin/sh
# Data at scale (issue 7): `make bench ARGS="--data N"` (bench/run.sh hands
# over to this script). Generates N synthetic filing cases with
# `yizhan generate` into a fresh `init --demo` data directory, then measures:
#   - import: wall time and cases/s of the generator (one transaction per
#     2,000 cases, one fsync each, none per row), events written;
#   - the database file's size (bytes per case) after the generator closed it
#     (its WAL checkpointed and removed);
#   - the import's raw-SQLite reference (bench/import_floor.sh): the same rows
#     copied by INSERT ... SELECT into a fresh database batch by batch, when
#     the disk holds a second copy; import ÷ copy as a ratio of rates;
#   - the disk's random 4 KiB read past the page cache (O_DIRECT), the
#     reference of the lookups, and their p99 as a ratio to its p99;
#   - in-process point lookups (build/bench/data_measure): 10,000 random keys by
#     matter id and by case number, the row alone and the whole
#     yz_matter_get, p50/p99/max; the dashboard (yz_dashboard, every
#     indicator) for the busiest court over 30/365/3660 days and for the
#     supervisor of the top court over all courts, and the overdue count;
#   - `yizhan rollup rebuild`: the counters recomputed from the whole history,
#     with a writer beside it (bench/write_beside.py) and how long it waited;
#   - the server: `yizhan serve` on the database, wrk for 10 s on
#     GET /api/v1/matters/{random id} and GET /api/v1/dashboard as the
#     supervisor (bearer token, TOTP from `yizhan user code`), then its
#     VmRSS, RssAnon (its own memory), RssFile and VmHWM from /proc.
# The database goes under $BENCH_TMPDIR (default /var/tmp) and is deleted at
# the end (also on Ctrl-C). The free space is checked first: 7.5 KB per case
# and 4 GB to spare (1M: 11.5 GB; 10M: 79 GB).
#
# usage: bench/data.sh N [--keep DIR]   (--keep: generate into DIR and keep it)
# Writes build/bench/RESULTS-data-N.md and, for N = 1000000 or 10000000, its
# section of bench/RESULTS.md (bench/run.sh keeps those sections when it
# rewrites the file); the last lines on stdout are the figure lines
# ("value NAME VALUE UNIT").
# shellcheck disable=SC3043 # local: dash and bash have it
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${BENCH_BIN:-$ROOT/build/rel/yizhan}
MEASURE=$ROOT/build/bench/data_measure

say() { echo "bench-data: $*" >&2; }
die() { echo "bench-data: $*" >&2; exit 1; }
# shellcheck source=bench/serve.sh
. "$ROOT/bench/serve.sh"

[ $# -ge 1 ] || die "usage: bench/data.sh N [--keep DIR]"
n=$1
shift
keep=""
if [ $# -ge 2 ] && [ "$1" = --keep ]; then keep=$2; fi
case "$n" in '' | *[!0-9]*) die "N must be a number of cases" ;; esac
[ "$n" -ge 1000 ] && [ "$n" -le 100000000 ] || die "N must be 1000..100000000"
[ -x "$BIN" ] || die "$BIN missing: run make all first"
[ -x "$MEASURE" ] || die "$MEASURE missing: run make build/bench/data_measure"
command -v wrk >/dev/null 2>&1 || die "wrk missing (bench/run.sh installs it)"
[ -x /usr/bin/time ] || die "GNU time missing (bench/run.sh installs it)"

tmp=${BENCH_TMPDIR:-/var/tmp}
# 7.5 KB a case: the database measured 7,247 B per case at 1M (48eecde), the
# WAL and the index build's sort stay under a gigabyte.
need_kb=$((n * 15 / 2))
avail_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
[ "$avail_kb" -gt $((need_kb + 4 * 1024 * 1024)) ] ||
    die "$tmp has $((avail_kb / 1024)) MB free; $n cases need about $((need_kb / 1024)) MB plus 4 GB to spare"

if [ -n "$keep" ]; then
    mkdir -p "$keep"
    work=$(mktemp -d "$keep/yizhan-data.XXXXXX")
else
    work=$(mktemp -d "$tmp/yizhan-data.XXXXXX")
fi
ypid=""
stop_pid() {
    local i=0
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || return 0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    stop_pid "$ypid"
    if [ -n "$keep" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

figures=$work/figures
: >"$figures"
fig() { echo "$*" >>"$figures"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

say "init --demo in $work/var"
"$BIN" init --demo --dir "$work/var" >/dev/null 2>"$work/init.log" ||
    { tail -n 20 "$work/init.log" >&2; die "init failed"; }

say "generating $n cases (progress below)"
t0=$(date +%s.%N)
"$BIN" generate --dir "$work/var" --cases "$n" >"$work/gen.out" 2>"$work/gen.err" ||
    { tail -n 20 "$work/gen.err" >&2; die "generate failed"; }
t1=$(date +%s.%N)
cat "$work/gen.out" >&2
gen_s=$(echo "$t1 - $t0" | bc -l)
events=$(sed -n 's/.*), \([0-9]*\) events,.*/\1/p' "$work/gen.out")
registered=$(sed -n 's/.*(\([0-9]*\) registered).*/\1/p' "$work/gen.out")
db_bytes=$(stat -c %s "$work/var/yizhan.db")
wal_bytes=$(stat -c %s "$work/var/yizhan.db-wal" 2>/dev/null || echo 0)
fig "value data.cases $n count"
fig "value data.registered $registered count"
fig "value data.events $events count"
fig "value import.seconds $(printf '%.1f' "$gen_s") s"
# Part of it: the deferred indexes built at its end (absent when it built none).
index_s=$(sed -n 's/^deferred indexes built at the end in \([0-9.]*\) s$/\1/p' "$work/gen.out")
[ -z "$index_s" ] || fig "value import.index_build $index_s s"
fig "value import.rate $(echo "$n / $gen_s" | bc) cases/s"
fig "value db.size $(echo "scale=2; $db_bytes / 1048576" | bc) MB"
fig "value db.bytes_per_case $((db_bytes / n)) B"
fig "value db.wal $((wal_bytes / 1048576)) MB"

# The raw-SQLite reference of the import (bench/import_floor.sh), when the
# disk holds a second copy (with 4 GB to spare); deleted right after.
avail_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ "$avail_kb" -gt $((db_bytes / 1024 + 4 * 1024 * 1024)) ]; then
    say "raw SQLite copying the same rows (the import's reference)"
    "$ROOT/bench/import_floor.sh" "$BIN" "$work/var" "$work/copy" 2000 >>"$figures" ||
        die "the raw SQLite copy failed"
    rm -rf "$work/copy"
    copy_s=$(sed -n 's/^value sqlite.copy.seconds \([0-9.]*\) s$/\1/p' "$figures")
    fig "ratio import.vs_sqlite_copy $(echo "scale=3; $copy_s / $gen_s" | bc -l | sed 's/^\./0./')"
else
    copy_skipped="not run: $((avail_kb / 1024)) MB free, a copy needs $((db_bytes / 1048576 + 4096)) MB"
    say "raw SQLite copy of the rows $copy_skipped"
fi

say "in-process lookups and dashboard"
"$MEASURE" --dir "$work/var" --lookups 10000 --runs 20 >>"$figures" 2>"$work/measure.err" ||
    { cat "$work/measure.err" >&2; die "data_measure failed"; }
# A cold lookup reads the disk: its p99 against the disk's own (when measured).
disk_p99=$(awk '$2 == "disk.read4k.p99" { print $3 }' "$figures")
row_p99=$(awk '$2 == "lookup.row.id.p99" { print $3 }' "$figures")
[ -z "$disk_p99" ] ||
    fig "ratio lookup.row.id.p99_vs_disk $(echo "scale=3; $row_p99 / $disk_p99" | bc -l | sed 's/^\./0./')"

# The demo supervisor's court (渝05) and the courts below it.
sup_code=渝05
# Matters the supervisor may read (its court and the courts below), in random order.
"$MEASURE" --dir "$work/var" --lookups 20000 --ids-under "$sup_code" --ids-out "$work/ids" \
    2>>"$work/measure.err" || { cat "$work/measure.err" >&2; die "no matter ids for wrk"; }

say "serving reads"
serve_yizhan ypid "$work/var" "$work/port" "$work/serve.log" 300 --set server.threads=16
base=$yz_base
totp=$("$BIN" user code supervisor --dir "$work/var")
login=$(curl -s -m 30 -H 'Content-Type: application/json' "$base/api/v1/session" \
    -d "{\"login\":\"supervisor\",\"password\":\"Yizhan-Demo-2026\",\"totp\":\"$totp\",\"token_type\":\"bearer\"}")
token=$(printf '%s' "$login" | sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
[ -n "$token" ] || die "supervisor login failed: $login"
court=$(curl -s -m 10 "$base/api/v1/courts" | tr '{' '\n' | grep "\"code\":\"$sup_code\"" |
    sed -n 's/^"id":\([0-9]*\),.*/\1/p')
[ -n "$court" ] || die "court $sup_code not found in GET /api/v1/courts"
# After the login (argon2id holds 64 MB while it hashes): the peak from here on.
echo 5 >"/proc/$ypid/clear_refs" 2>/dev/null || true
rss() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$ypid/status"; }
fig "value server.rss_idle $(rss VmRSS) MB"
today=$(TZ=Asia/Shanghai date +%F)
from=$(TZ=Asia/Shanghai date -d '-3659 days' +%F)
code=$(curl -s -m 60 -o "$work/dash.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" \
    "$base/api/v1/dashboard?court_id=$court&from=$from&to=$today")
[ "${code%% *}" = 200 ] || die "GET /api/v1/dashboard answered $code: $(head -c 300 "$work/dash.json")"
fig "value http.dashboard_3660d $(echo "${code#* } * 1000" | bc -l | xargs printf '%.1f') ms"
cat >"$work/matters.lua" <<EOF
local ids = {}
for line in io.lines("$work/ids") do ids[#ids + 1] = line end
local i = 0
request = function()
  i = i % #ids + 1
  return wrk.format("GET", "/api/v1/matters/" .. ids[i], {["Authorization"] = "Bearer $token"})
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %d %d %.1f %.1f %d\n", summary.requests, summary.errors.status,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
EOF
wrk -t2 -c64 -d10s --timeout 10s -s "$work/matters.lua" "$base" >"$work/wrk.out" 2>&1 || true
line=$(grep '^WRK ' "$work/wrk.out" || true)
[ -n "$line" ] || { cat "$work/wrk.out" >&2; die "wrk failed"; }
set -- $line
fig "value http.matter.c64.rps $(echo "$2 * 1000000 / $6" | bc) req/s"
fig "value http.matter.c64.p50 $(echo "scale=3; $4 / 1000" | bc) ms"
fig "value http.matter.c64.p99 $(echo "scale=3; $5 / 1000" | bc) ms"
fig "value http.matter.c64.errors $3 count"
fig "value server.rss $(rss VmRSS) MB"
fig "value server.rss_anon $(rss RssAnon) MB"
fig "value server.rss_file $(rss RssFile) MB"
fig "value server.hwm $(rss VmHWM) MB"
stop_pid "$ypid"
ypid=""

# Last: at 10M it needs the most memory and time, and what was measured before
# stays in the figures (and in the work directory kept with --keep) if it fails.
# Beside it, a writer as a server on the same database would be (one short
# transaction every 50 ms, a 5 s busy timeout): how long its writes wait.
say "rollup rebuild (the counters from the whole history), a writer beside it"
t0=$(date +%s.%N)
"$ROOT/bench/write_beside.py" "$work/var/yizhan.db" -- /usr/bin/time -f %M -o "$work/rollup.kb" \
    "$BIN" rollup rebuild --dir "$work/var" >"$work/rollup.out" 2>&1 ||
    { cat "$work/rollup.out" >&2; die "rollup rebuild reported differences or failed"; }
t1=$(date +%s.%N)
beside() { awk -v k="$1" '$1 == "writes" { for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$work/rollup.out"; }
fig "value rollup.rebuild $(printf '%.1f' "$(echo "$t1 - $t0" | bc -l)") s"
fig "value rollup.rebuild.peak_rss $(awk '{ printf "%.1f", $1 / 1024 }' "$work/rollup.kb") MB"
fig "value rollup.rows $(sed -n 's/^ok: \([0-9]*\) rollup rows.*/\1/p' "$work/rollup.out") count"
fig "value rollup.rebuild.beside.writes $(beside writes) count"
fig "value rollup.rebuild.beside.wait_p99 $(beside wait_p99_ms) ms"
fig "value rollup.rebuild.beside.wait_max $(beside wait_max_ms) ms"
fig "value rollup.rebuild.beside.failed $(beside failed) count"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- The section for RESULTS.md ---------------------------------------------
v() { awk -v k="$1" '$2 == k { print $3; exit }' "$figures"; }
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo met; else echo "**not met**"; fi; }
dash_row() { echo "| $2 | $(v "dashboard.$1.median") ($(v "dashboard.$1.max")) | median < 200 | $(verdict "$(v "dashboard.$1.median") < 200") |"; }
look_row() { echo "| $2 | $(v "lookup.$1.p50") / $(v "lookup.$1.p99") / $(v "lookup.$1.cpu_p99") | p99 < 1000 | $(verdict "$(v "lookup.$1.p99") < 1000") |"; }
md=$ROOT/build/bench/RESULTS-data-$n.md
mkdir -p "$ROOT/build/bench"
section=$work/section.md
{
    echo "<!-- data-at-scale-$n: written by bench/data.sh $n; kept when make bench rewrites this file -->"
    echo "## Data at scale: $(printf "%'d" "$n" 2>/dev/null || echo "$n") cases (\`make bench ARGS=\"--data $n\"\`)"
    echo
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo ?), on"
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GB RAM,"
    echo "$(uname -r), database on $(df -PT "$tmp" | awk 'NR == 2 { print $2 }'). Load average before $load_before, after $load_after"
    echo "(1, 5, 15 min; with 2 CPUs anything above 2 means other jobs shared the machine)."
    echo "$(v data.registered) of the cases registered, $(v data.events) events in the chain, $(v rollup.rows) daily counter rows."
    echo
    echo "| figure | this run | target | |"
    echo "|---|---:|---|---|"
    echo "| import ($(v data.cases) cases, \`yizhan generate\`, wall) | $(v import.seconds) s, $(v import.rate) cases/s | 1M < 60 s | $(verdict "$(v import.seconds) * 1000000 / $n < 60") |"
    echo "| of which the deferred indexes built at the end | $(v import.index_build) s | | |"
    if [ -n "${copy_skipped:-}" ]; then
        echo "| the same rows copied by raw SQLite (\`bench/import_floor.sh\`) | $copy_skipped | | |"
    else
        echo "| the same rows copied by raw SQLite (\`bench/import_floor.sh\`: INSERT ... SELECT per batch, no application work), wall / CPU | $(v sqlite.copy.seconds) s / $(v sqlite.copy.cpu) s | | |"
        echo "| import ÷ raw SQLite copy (rate) | $(v import.vs_sqlite_copy) | | |"
    fi
    echo "| database file | $(v db.size) MB, $(v db.bytes_per_case) B per case | – | |"
    echo "| the disk: a random 4 KiB read of the database file past the page cache (O_DIRECT), p50 / p99 / max µs: what a lookup whose page is not cached waits for | $(v disk.read4k.p50) / $(v disk.read4k.p99) / $(v disk.read4k.max) | | |"
    look_row row.id "point lookup by id, the row: p50 / p99 / CPU p99 µs"
    echo "| the lookup by id's p99 ÷ the disk read's p99 | $(v lookup.row.id.p99_vs_disk) | | |"
    echo "| read from the disk per lookup by id, the row (\`/proc/self/io\` read_bytes, readahead included; a page is 8 KiB) | $(v lookup.row.id.read_kib) KiB | | |"
    look_row row.caseno "point lookup by case number, the row"
    look_row matter.id "\`yz_matter_get\` by id (row, policy, deadlines, JSON)"
    look_row matter.caseno "\`yz_matter_get\` by case number"
    dash_row court_30d "dashboard, busiest court, 30 days: median (max) ms"
    dash_row court_365d "dashboard, busiest court, 365 days"
    dash_row court_3660d "dashboard, busiest court, 3660 days"
    dash_row supervisor_all_3660d "dashboard, supervisor of the top court, all courts, 3660 days"
    dash_row overdue_filings "overdue filings today (not from the counters)"
    echo "| before (the daily query the dashboard ran until migration 14), supervisor, all courts, 3660 days | $(v dashboard.before_daily_query.supervisor_all_3660d.median) ($(v dashboard.before_daily_query.supervisor_all_3660d.max)) | | |"
    echo "| \`GET /api/v1/dashboard\` as the 渝05 supervisor, 3660 days, one request | $(v http.dashboard_3660d) ms | | |"
    echo "| \`yizhan rollup rebuild\` (all counters from the history): wall, peak RSS | $(v rollup.rebuild) s, $(v rollup.rebuild.peak_rss) MB | – | |"
    echo "| a writer beside the rebuild (a write every 50 ms, 5 s busy timeout as the server's): writes, wait p99 / max, failed | $(v rollup.rebuild.beside.writes), $(v rollup.rebuild.beside.wait_p99) / $(v rollup.rebuild.beside.wait_max) ms, $(v rollup.rebuild.beside.failed) | none failed | $(verdict "$(v rollup.rebuild.beside.failed) == 0") |"
    echo "| server reading: \`GET /api/v1/matters/{id}\`, 64 conns, 10 s | $(v http.matter.c64.rps) req/s, p50 $(v http.matter.c64.p50) ms, p99 $(v http.matter.c64.p99) ms, $(v http.matter.c64.errors) errors | | |"
    echo "| server memory after the reads: RssAnon (its own) / RssFile / VmRSS / VmHWM | $(v server.rss_anon) / $(v server.rss_file) / $(v server.rss) / $(v server.hwm) MB | < 64 MB beyond the page cache | $(verdict "$(v server.rss) < 64") |"
    echo
    echo '```'
    cat "$figures"
    echo '```'
    echo "<!-- /data-at-scale-$n -->"
} >"$section"
cp "$section" "$md"
say "wrote $md"
# The 1M and 10M runs go into bench/RESULTS.md, replacing their earlier section.
if [ "$n" = 1000000 ] || [ "$n" = 10000000 ]; then
    res=$ROOT/bench/RESULTS.md
    touch "$res"
    # A section ends at its stop line, or at the next section's start should a
    # hand edit have lost the stop line: one lost line must not take the
    # sections after it along.
    awk -v start="<!-- data-at-scale-$n:" -v stop="<!-- /data-at-scale-$n -->" '
        index($0, start) == 1 { skip = 1; next }
        skip && /^<!-- data-at-scale-[0-9]+:/ { skip = 0 }
        !skip { print }
        skip && $0 == stop { skip = 0 }' "$res" >"$work/res.md"
    { cat "$work/res.md"; echo; cat "$section"; } | cat -s >"$res"
    say "updated $res"
fi
cat "$figures"
