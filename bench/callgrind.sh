#!/bin/sh
# Instructions per request under callgrind: a deterministic before/after
# figure for CPU work on the hot paths, unaffected by other jobs on the
# machine (wall-clock figures are bench/run.sh's job).
#
# usage: bench/callgrind.sh [BIN [SCENARIO...]]   (default build/rel/yizhan,
#        all of read create kb)
#   read:   500 sequential GET /api/v1/matters/{id} as the party (bearer token)
#   create: POST /api/v1/matters (inquiry) from wrk, 16 connections for 15 s,
#           so that commit groups form as under load
#   kb:     500 sequential GET /api/v1/kb?q=离婚诉讼费怎么交 (bench/run.sh's
#           knowledge-base search), after 20 that build what the first needs
# Prints "value callgrind.read.ir_per_request N",
#        "value callgrind.create.ir_per_request N" and
#        "value callgrind.kb.ir_per_request N".
# Loopback only; the server and its directory are removed on exit.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/rel/yizhan}
[ $# -gt 0 ] && shift
SCENARIOS=" ${*:-read create kb} "
for tool in valgrind callgrind_control callgrind_annotate curl wrk; do
    command -v "$tool" >/dev/null || { echo "callgrind.sh: $tool is missing" >&2; exit 2; }
done
W=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/yz-cg.XXXXXX")
SP=
cleanup() {
    [ -n "$SP" ] && kill "$SP" 2>/dev/null && wait "$SP" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT INT TERM

# start_server THREADS: a fresh demo directory under callgrind.
start_server() {
    rm -rf "$W/d" "$W"/cg.out*
    "$BIN" init --demo --dir "$W/d" >/dev/null 2>&1
    valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" "$BIN" serve --dir "$W/d" \
        --port 0 --port-file "$W/d/port" --set log.access_log=false \
        --set server.threads="$1" >"$W/log" 2>&1 &
    SP=$!
    i=0
    while [ ! -s "$W/d/port" ] && [ $i -lt 200 ]; do sleep 0.3; i=$((i + 1)); done
    base=http://127.0.0.1:$(cat "$W/d/port")
    token=$(curl -s -m 60 -H 'Content-Type: application/json' "$base/api/v1/session" \
        -d '{"login":"13800000001","password":"Yizhan-Demo-2026","token_type":"bearer"}' |
        sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
    [ -n "$token" ] || { echo "callgrind.sh: login failed" >&2; exit 1; }
    court=$(curl -s -m 60 "$base/api/v1/courts" | sed 's/},{/}\n{/g' |
        sed -n 's/.*"id":\([0-9]*\),"local_id":"[^"]*","code":"渝0103".*/\1/p')
    printf '{"kind":"inquiry","court_id":%s,"title":"民间借贷立案咨询","fields":{"question":"借款纠纷如何起诉？需要准备哪些材料？","topic":"filing","channel":"web"}}' \
        "$court" >"$W/body.json"
}

# stop_server N NAME: dumps, prints the instructions per request, stops.
stop_server() {
    callgrind_control -d "$SP" >/dev/null 2>&1
    sleep 1
    ir=$(callgrind_annotate "$(ls "$W"/cg.out.* | head -1)" 2>/dev/null |
        awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
    kill "$SP" 2>/dev/null && wait "$SP" 2>/dev/null || true
    SP=
    echo "value callgrind.$2.ir_per_request $((ir / $1))"
}

want() { case "$SCENARIOS" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

if want read; then
start_server 2
curl -s -m 60 -o "$W/created.json" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: callgrind-0001' \
    --data-binary @"$W/body.json" "$base/api/v1/matters"
id=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$W/created.json")
urls=
i=0
while [ $i -lt 20 ]; do urls="$urls $base/api/v1/matters/$id"; i=$((i + 1)); done
# shellcheck disable=SC2086 # one URL per word
curl -s -m 120 -H "Authorization: Bearer $token" $urls >/dev/null
callgrind_control -z "$SP" >/dev/null 2>&1
urls=
i=0
while [ $i -lt 500 ]; do urls="$urls $base/api/v1/matters/$id"; i=$((i + 1)); done
# shellcheck disable=SC2086
curl -s -m 600 -H "Authorization: Bearer $token" $urls >/dev/null
stop_server 500 read
fi

if want create; then
start_server 16
callgrind_control -z "$SP" >/dev/null 2>&1
n=$(wrk -t2 -c16 -d15s -s bench/wrk/create.lua "$base/api/v1/matters" -- cg "$token" "$W/body.json" |
    sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
[ "${n:-0}" -gt 0 ] || { echo "callgrind.sh: no create was answered" >&2; exit 1; }
stop_server "$n" create
fi

if want kb; then
start_server 2
kb="$base/api/v1/kb?q=%E7%A6%BB%E5%A9%9A%E8%AF%89%E8%AE%BC%E8%B4%B9%E6%80%8E%E4%B9%88%E4%BA%A4"
urls=
i=0
while [ $i -lt 20 ]; do urls="$urls $kb"; i=$((i + 1)); done
# shellcheck disable=SC2086
curl -s -m 120 $urls >/dev/null
callgrind_control -z "$SP" >/dev/null 2>&1
urls=
i=0
while [ $i -lt 500 ]; do urls="$urls $kb"; i=$((i + 1)); done
# shellcheck disable=SC2086
curl -s -m 600 $urls >/dev/null
stop_server 500 kb
fi
