#!/usr/bin/env bash
# bench/rss.sh: the server's resident memory under the write load of make bench,
# without the whole harness (a few minutes). It starts the release server on a
# fresh demo directory as bench/run.sh does, samples /proc/PID/status every
# 0.2 s, and prints one line per phase: VmRSS at its end, the peak VmHWM of the
# phase (the peak is reset with clear_refs at the start of each phase), and
# RssAnon / RssFile at the largest sample. For every round and every number of
# connections, as bench/run.sh orders its scenarios:
#   queue, matter, causes, kb  the reads with the largest responses (RSS_READS=0
#              leaves them out), DURATION s each
#   creates    inquiry creates (bench/wrk/create.lua)
#   filings    filing creates, two parties of their own each
#   accounts   ACCOUNTS party accounts registered and logged in, 4 at a time
#              (two argon2id hashes each, 64 MB while each runs: no load phase)
#   materials  filings with two uploads each (bench/wrk/materials.lua)
# then idle: 2 s without load.
# usage: bench/rss.sh [BIN [CONNS [DURATION [ACCOUNTS [ROUNDS]]]]]
#   defaults: build/rel/yizhan "256" 5 16 1; make bench's load is CONNS="64 256" ROUNDS=5
#   SMAPS=1 also keeps /proc/PID/smaps at the largest sample of each phase in
#   $RSS_OUT (default build/bench/rss); RSS_HOLD=1 keeps the server running at
#   the end, for gdb (malloc_info) or smaps.
# Lines: "rss PHASE end_rss_mb=.. hwm_mb=.. anon_mb=.. file_mb=.." and at the
# end "value rss.peak_mb N" (the largest VmHWM of the load phases).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${1:-$ROOT/build/rel/yizhan}
CONNS=${2:-256}
DURATION=${3:-5}
ACCOUNTS=${4:-16}
ROUNDS=${5:-1}
OUT=${RSS_OUT:-$ROOT/build/bench/rss}
say() { echo "rss: $*" >&2; }
die() { echo "rss: $*" >&2; exit 1; }
# shellcheck source=bench/serve.sh
. "$ROOT/bench/serve.sh"
[ -x "$BIN" ] || die "$BIN missing: make build/rel/yizhan"
command -v wrk >/dev/null || die "wrk missing (bench/run.sh installs it)"
mkdir -p "$OUT"

work=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/yizhan-rss.XXXXXX")
ypid=""
spid=""
cleanup() {
    [ -z "$spid" ] || kill "$spid" 2>/dev/null || true
    if [ -n "$ypid" ]; then
        kill -TERM "$ypid" 2>/dev/null || true
        wait "$ypid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$BIN" init --demo --dir "$work/var" >/dev/null 2>"$work/init.log" ||
    { tail -n 20 "$work/init.log" >&2; die "init failed"; }
serve_yizhan ypid "$work/var" "$work/port" "$work/serve.log" 100 --set server.threads=2
base=$yz_base

# The sampler: "VmRSS VmHWM RssAnon RssFile" in kB, every 0.2 s, into the
# current phase's file (the name in $work/phase).
echo start >"$work/phase"
(
    while kill -0 "$ypid" 2>/dev/null; do
        awk '/^(VmRSS|VmHWM|RssAnon|RssFile):/ { v[$1] = $2 }
            END { print v["VmRSS:"], v["VmHWM:"], v["RssAnon:"], v["RssFile:"] }' \
            "/proc/$ypid/status" >>"$work/s.$(cat "$work/phase")" 2>/dev/null || true
        if [ "${SMAPS:-0}" = 1 ]; then
            r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$ypid/status" 2>/dev/null || echo 0)
            p=$(cat "$work/phase")
            m=$(cat "$work/max.$p" 2>/dev/null || echo 0)
            if [ "${r:-0}" -gt "$m" ]; then
                echo "$r" >"$work/max.$p"
                cp "/proc/$ypid/smaps" "$OUT/smaps.$p" 2>/dev/null || true
            fi
        fi
        sleep 0.2
    done
) &
spid=$!

peak_kb=0
phase() { # NAME: the previous phase ends, NAME starts with the peak reset
    echo 5 >"/proc/$ypid/clear_refs" 2>/dev/null || die "cannot reset the peak (clear_refs)"
    echo "$1" >"$work/phase"
}
report() { # NAME
    sleep 0.3
    local st
    st=$(awk '/^(VmRSS|VmHWM):/ { v[$1] = $2 } END { print v["VmRSS:"], v["VmHWM:"] }' "/proc/$ypid/status")
    awk -v name="$1" -v st="$st" 'BEGIN { split(st, s, " "); best = 0 }
        $1 > best { best = $1; anon = $3; file = $4 }
        END { printf "rss %s end_rss_mb=%.1f hwm_mb=%.1f anon_mb=%.1f file_mb=%.1f\n",
              name, s[1] / 1024, s[2] / 1024, anon / 1024, file / 1024 }' "$work/s.$1"
    case "$1" in *accounts | idle) ;; *)
        local h=${st#* }
        [ "$h" -le "$peak_kb" ] || peak_kb=$h ;;
    esac
}

login=$(curl -s -m 30 -H 'Content-Type: application/json' "$base/api/v1/session" \
    -d '{"login":"13800000001","password":"Yizhan-Demo-2026","token_type":"bearer"}')
token=$(printf '%s' "$login" | sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
[ -n "$token" ] || die "login failed: $login"
court_id() {
    curl -s -m 10 "$base/api/v1/courts" | tr '{' '\n' | grep "\"code\":\"$1\"" |
        sed -n 's/^"id":\([0-9]*\),.*/\1/p'
}
# The bodies of bench/run.sh: an inquiry, a filing with two parties of its own
# per request, the same with the two materials' ids.
printf '{"kind":"inquiry","court_id":%s,"title":"民间借贷立案咨询","fields":{"question":"%s","topic":"filing","channel":"web"}}' \
    "$(court_id 渝0103)" "民间借贷纠纷应向哪个法院起诉？借款人住所地在渝中区，出借人住所地在江北区。" >"$work/create.json"
filing_json() { # COURT [ID_COPY IOU]
    printf '{"kind":"filing","court_id":%s,"title":"张三诉李四民间借贷纠纷","fields":{"channel":"online","application":{' "$1"
    printf '"cause_code":"108.3","cause_name":"民间借贷纠纷","cause_revision":2025,"case_type":"民初","parties":['
    printf '{"role":"plaintiff","kind":"natural","name":"张三","address":"重庆市渝中区解放碑街道1号","phone":"13800000001","sex":"male","birth_date":"1990-01-01","ethnicity":"汉族","citizen_id":"{{plaintiff_id}}"},'
    printf '{"role":"defendant","kind":"natural","name":"李四","address":"重庆市江北区观音桥街道2号","phone":"13800000002","sex":"female","birth_date":"1988-06-15","ethnicity":"汉族","citizen_id":"{{defendant_id}}"}],'
    printf '"claims":"1. 判令被告偿还借款本金100000元；2. 判令被告支付利息；3. 本案诉讼费用由被告负担。",'
    printf '"facts":"2025年1月1日，被告因经营资金周转需要向原告借款100000元，原告当日通过银行转账向被告交付借款，被告出具借条一张，约定于2025年3月31日前归还。借款到期后，原告多次催要，被告至今未还。",'
    if [ $# -ge 3 ]; then
        printf '"attachments":[{"id":%s,"material":"G2"}],"evidence":[{"name":"借条","source":"原告持有","purpose":"证明借贷合意及借款金额","attachment":%s},' "$2" "$3"
    else
        printf '"attachments":[],"evidence":[{"name":"借条","source":"原告持有","purpose":"证明借贷合意及借款金额"},'
    fi
    printf '{"name":"银行转账凭证","source":"原告持有","purpose":"证明借款已实际交付"}],'
    printf '"amount_fen":10000000,"service_address":{"e_service_consent":true,"address":"重庆市渝中区解放碑街道1号","phone":"13800000001"}}}}'
}
filing_json "$(court_id 渝0105)" >"$work/filing.json"
filing_json "$(court_id 渝0106)" '{{id_copy}}' '{{iou}}' >"$work/materials.json"

# Party accounts, as bench/run.sh's make_parties makes them: make_accounts
# NAME writes ACCOUNTS new ones' tokens to $work/tokens.txt (phase NAME).
made=0
make_accounts() {
    phase "$1"
    local k=$((made + 1)) last=$((made + ACCOUNTS)) n
    while [ $k -le $last ]; do
        printf '%s %s\n' "$k" "$(awk -v k="$k" 'BEGIN { s = sprintf("500106%04d%02d%02d%03d",
            1950 + int(k / 336) % 50, 1 + int(k / 28) % 12, 1 + k % 28, int(k / 16800) % 1000)
            split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
            for (i = 1; i <= 17; i++) sum += substr(s, i, 1) * w[i]
            print s substr("10X98765432", sum % 11 + 1, 1) }')"
        k=$((k + 1))
    done | xargs -P 4 -L 1 sh -c '
        phone=139$(printf %08d "$2")
        curl -s -m 60 -o /dev/null -H "Content-Type: application/json" -H "Idempotency-Key: rss-party-$2" \
            "$1/api/v1/accounts" -d "{\"role\":\"party\",\"person_kind\":\"natural\",\"name\":\"当事人$2\",\"phone\":\"$phone\",\"password\":\"Yizhan-Bench-Party-2026\",\"citizen_id\":\"$3\"}"
        t=$(curl -s -m 60 -H "Content-Type: application/json" "$1/api/v1/session" \
            -d "{\"login\":\"$phone\",\"password\":\"Yizhan-Bench-Party-2026\",\"token_type\":\"bearer\"}")
        printf "%s\n" "$t" | sed -n "s/.*\"token\":\"\([A-Za-z0-9_-]*\)\".*/\1 0/p"' _ "$base" >"$work/tokens.txt" ||
        die "making party accounts failed"
    # (xargs appends "K CID" to sh's arguments: $1 is the base URL, $2 K, $3 the citizen id.)
    n=$(grep -c . "$work/tokens.txt") || true
    [ "$n" = "$ACCOUNTS" ] || die "$n of $ACCOUNTS party accounts logged in"
    made=$last
    report "$1"
}

# run_wrk NAME CONNS URL LUA ARGS...: one load phase.
run_wrk() {
    local name="$1" c="$2" url="$3" lua="$4"
    shift 4
    phase "$name"
    # Options (-H) before the script's arguments; the first that is not one
    # begins them.
    local opts=()
    while [ $# -gt 0 ] && [ "$1" = -H ]; do
        opts+=("$1" "$2")
        shift 2
    done
    timeout $((DURATION + 30)) wrk -t2 -c"$c" -d"${DURATION}s" --timeout 10s "$url" \
        -s "$lua" "${opts[@]}" -- "$@" </dev/null >"$work/wrk.$name" 2>&1 ||
        { cat "$work/wrk.$name" >&2; die "wrk failed in $name"; }
    grep '^BENCH ' "$work/wrk.$name" | cut -d' ' -f1-4,8 | sed "s/^/rss: $name: /" >&2 || true
    report "$name"
}
# The reads of bench/run.sh with the largest responses: the 渝0105 clerk's
# review queue (up to storage.max_list_rows filings, from the filings phases),
# a matter, the cause search, the knowledge base search.
totp=$("$BIN" user code filing_clerk_jb --dir "$work/var") || die "yizhan user code failed"
clerk=$(curl -s -m 30 -H 'Content-Type: application/json' "$base/api/v1/session" \
    -d "{\"login\":\"filing_clerk_jb\",\"password\":\"Yizhan-Demo-2026\",\"totp\":\"$totp\",\"token_type\":\"bearer\"}" |
    sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
[ -n "$clerk" ] || die "the clerk's login failed"
matter=$(curl -s -m 10 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -H 'Idempotency-Key: rss-setup-matter' --data-binary @"$work/create.json" "$base/api/v1/matters" |
    sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
[ -n "$matter" ] || die "creating a matter failed"
run_reads() { # ROUND CONNS
    local r="$1" c="$2"
    run_wrk "r$r.c$c.queue" "$c" "$base/api/v1/filing/queue" "$ROOT/bench/wrk/report.lua" \
        -H "Authorization: Bearer $clerk"
    run_wrk "r$r.c$c.matter" "$c" "$base/api/v1/matters/$matter" "$ROOT/bench/wrk/report.lua" \
        -H "Authorization: Bearer $token"
    run_wrk "r$r.c$c.causes" "$c" "$base/api/v1/causes?q=%E5%80%9F%E8%B4%B7" "$ROOT/bench/wrk/report.lua"
    run_wrk "r$r.c$c.kb" "$c" \
        "$base/api/v1/kb?q=%E7%A6%BB%E5%A9%9A%E8%AF%89%E8%AE%BC%E8%B4%B9%E6%80%8E%E4%B9%88%E4%BA%A4" \
        "$ROOT/bench/wrk/report.lua"
}

r=1
while [ $r -le "$ROUNDS" ]; do
    for c in $CONNS; do
        [ "${RSS_READS:-1}" = 0 ] || run_reads "$r" "$c"
        run_wrk "r$r.c$c.creates" "$c" "$base/api/v1/matters" "$ROOT/bench/wrk/create.lua" \
            "r${r}c$c" "$token" "$work/create.json"
        run_wrk "r$r.c$c.filings" "$c" "$base/api/v1/matters" "$ROOT/bench/wrk/create.lua" \
            "f${r}c$c" "$token" "$work/filing.json"
        make_accounts "r$r.c$c.accounts"
        run_wrk "r$r.c$c.materials" "$c" "$base" "$ROOT/bench/wrk/materials.lua" "m${r}c$c" \
            "$work/tokens.txt" "$work/materials.json" "$ROOT/tests/fixtures/attachments.h" 2 32768 49152 200
    done
    r=$((r + 1))
done
phase idle
sleep 2
report idle
if [ "${RSS_HOLD:-0}" = 1 ]; then
    say "server pid $ypid kept for inspection (gdb -p $ypid): stop it with kill $$"
    sleep 3600
fi
echo "value rss.peak_mb $(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
