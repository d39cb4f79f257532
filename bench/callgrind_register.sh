#!/bin/sh
# Instructions per registration under callgrind when the parties have a long
# history at the court: triage looks up earlier cases of every plaintiff and
# defendant at registration, and a bank's bulk filings name the same parties
# again and again.
#
# usage: bench/callgrind_register.sh [BIN] [HISTORY] [PROPOSALS_OUT]
#        (default build/rel/yizhan, 1200 earlier filings)
#   1. a fresh demo directory; the party files HISTORY filings to 渝0105 and its
#      clerk registers each (plain server, one request at a time, in order):
#      a mix of one bank against one borrower again and again, the bank
#      against borrowers of a small pool or new ones, as the defendant, and
#      beside another plaintiff;
#   2. under callgrind, 20 more filings of the bank against the same
#      borrower are registered one after another.
# Prints "value callgrind.register_historyHISTORY.ir_per_request N", and with
# PROPOSALS_OUT writes every triage proposal
# (matter, track, trial track, score, features, reasons; in matter order), so
# that two builds can be compared on the same history (diff the files).
# CG_KEEP=FILE keeps the callgrind profile (callgrind_annotate FILE).
# Loopback only; the server and its directory are removed on exit.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/rel/yizhan}
HISTORY=${2:-1200}
OUT=${3:-}
MEASURED=20
for tool in valgrind callgrind_control callgrind_annotate curl sqlite3 awk; do
    command -v "$tool" >/dev/null || { echo "callgrind_register.sh: $tool is missing" >&2; exit 2; }
done
W=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/yz-cgr.XXXXXX")
SP=
cleanup() {
    [ -n "$SP" ] && kill "$SP" 2>/dev/null && wait "$SP" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT INT TERM
die() { echo "callgrind_register.sh: $*" >&2; exit 1; }

# serve [valgrind args...]: starts the server on $W/d (under the given tool).
serve() {
    rm -f "$W/d/port"
    "$@" "$BIN" serve --dir "$W/d" --port 0 --port-file "$W/d/port" \
        --set log.access_log=false --set server.threads=2 >"$W/log" 2>&1 &
    SP=$!
    i=0
    while [ ! -s "$W/d/port" ] && [ $i -lt 300 ]; do sleep 0.3; i=$((i + 1)); done
    [ -s "$W/d/port" ] || die "the server did not start: $(cat "$W/log")"
    base=http://127.0.0.1:$(cat "$W/d/port")
}
stop() {
    kill "$SP" 2>/dev/null && wait "$SP" 2>/dev/null || true
    SP=
}
token_of() { # JSON -> the token in it
    sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p'
}
clerk_login() {
    totp=$("$BIN" user code filing_clerk_jb --dir "$W/d") || die "yizhan user code failed"
    clerk=$(curl -s -m 60 -H 'Content-Type: application/json' "$base/api/v1/session" \
        -d "{\"login\":\"filing_clerk_jb\",\"password\":\"Yizhan-Demo-2026\",\"totp\":\"$totp\",\"token_type\":\"bearer\"}" |
        token_of)
    [ -n "$clerk" ] || die "the clerk's login failed"
}
# register_cfg FIRST_ID LAST_ID: a curl config registering those filings.
register_cfg() {
    sqlite3 -readonly "$W/d/yizhan.db" "SELECT id FROM matters WHERE kind = 'filing'
        AND state = 'submitted' AND id BETWEEN $1 AND $2 ORDER BY id" |
        while read -r id; do
            printf 'next\nurl = "%s/api/v1/matters/%s/events"\n' "$base" "$id"
            printf 'header = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' "$clerk"
            printf 'header = "Idempotency-Key: cgr-reg-%s"\ndata = "{\\"event\\":\\"register\\"}"\n' "$id"
            printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
        done | sed 1d
}
# run_cfg CFG: the requests of a curl config one after another; all must succeed.
run_cfg() {
    curl -s -K "$1" >"$1.out" || die "curl failed on $1"
    bad=$(grep -cv '^20[01]$' "$1.out") || true
    [ "$bad" = 0 ] || die "$bad requests of $1 failed: $(sort "$1.out" | uniq -c | tr -s ' \n' ' ')"
}

"$BIN" init --demo --dir "$W/d" >/dev/null 2>&1 || die "yizhan init failed"
serve
token=$(curl -s -m 60 -H 'Content-Type: application/json' "$base/api/v1/session" \
    -d '{"login":"13800000001","password":"Yizhan-Demo-2026","token_type":"bearer"}' | token_of)
[ -n "$token" ] || die "the party's login failed"
court=$(curl -s -m 60 "$base/api/v1/courts" | tr '{' '\n' | grep '"code":"渝0105"' |
    sed -n 's/^"id":\([0-9]*\),.*/\1/p')
[ -n "$court" ] || die "court 渝0105 not found"
clerk_login

# The filings: one body file each and a curl config creating them in order.
# Parties are natural persons named by citizen id (GB 11643, valid check
# digits): 0 the bank's stand-in (one plaintiff in most filings), 1 the
# borrower it sues again and again, 100-106 a pool of borrowers, 200-204
# other plaintiffs, 1000+ someone new each time.
mkdir "$W/f"
awk -v n="$((HISTORY + MEASURED))" -v h="$HISTORY" -v court="$court" -v dir="$W/f" \
    -v base="$base" -v token="$token" '
function cid(k,    s, sum, i) {
    s = sprintf("500103%04d%02d%02d%03d", 1950 + int(k / 300) % 50, 1 + int(k / 25) % 12,
                1 + k % 25, k % 1000)
    sum = 0
    for (i = 1; i <= 17; i++) sum += substr(s, i, 1) * w[i]
    return s substr("10X98765432", sum % 11 + 1, 1)
}
function party(role, k, name) {
    return sprintf("{\"role\":\"%s\",\"kind\":\"natural\",\"name\":\"%s\",\"address\":\"重庆市江北区观音桥街道%d号\",\"phone\":\"13800000002\",\"sex\":\"male\",\"birth_date\":\"1990-01-01\",\"ethnicity\":\"汉族\",\"citizen_id\":\"%s\"}", role, name, k, cid(k))
}
BEGIN {
    split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
    for (i = 0; i < n; i++) {
        c = i >= h ? 0 : i % 6
        if (c <= 1)      p = party("plaintiff", 0, "甲") "," party("defendant", 1, "乙")
        else if (c == 2) p = party("plaintiff", 0, "甲") "," party("defendant", 1000 + i, "丁")
        else if (c == 3) p = party("plaintiff", 0, "甲") "," party("defendant", 100 + i % 7, "丙") "," party("defendant", 1, "乙")
        else if (c == 4) p = party("plaintiff", 200 + i % 5, "戊") "," party("defendant", 0, "甲")
        else             p = party("plaintiff", 200 + i % 5, "戊") "," party("plaintiff", 0, "甲") "," party("defendant", 100 + i % 7, "丙")
        f = sprintf("%s/%d.json", dir, i)
        printf "{\"kind\":\"filing\",\"court_id\":%s,\"title\":\"民间借贷纠纷\",\"fields\":{\"channel\":\"online\",\"application\":{\"cause_code\":\"108.3\",\"cause_name\":\"民间借贷纠纷\",\"cause_revision\":2025,\"case_type\":\"民初\",\"parties\":[%s],\"claims\":\"判令被告偿还借款本金10000元。\",\"facts\":\"被告向原告借款10000元，到期未还。\",\"attachments\":[],\"evidence\":[{\"name\":\"借条\",\"source\":\"原告持有\",\"purpose\":\"证明借贷合意及借款金额\"}],\"amount_fen\":%d,\"service_address\":{\"e_service_consent\":true,\"address\":\"重庆市渝中区解放碑街道1号\",\"phone\":\"13800000001\"}}}}", court, p, 1000000 + (i % 9) * 700000 > f
        close(f)
        if (i) print "next"
        printf "url = \"%s/api/v1/matters\"\nheader = \"Authorization: Bearer %s\"\n", base, token
        printf "header = \"Content-Type: application/json\"\nheader = \"Idempotency-Key: cgr-file-%d\"\n", i
        printf "data-binary = \"@%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", f
    }
}' >"$W/file.cfg"
run_cfg "$W/file.cfg"
first=$(sqlite3 -readonly "$W/d/yizhan.db" "SELECT min(id) FROM matters WHERE kind = 'filing' AND court_id = $court")
last=$(sqlite3 -readonly "$W/d/yizhan.db" "SELECT max(id) FROM matters WHERE kind = 'filing' AND court_id = $court")
[ $((last - first + 1)) = $((HISTORY + MEASURED)) ] || die "the filings did not get consecutive ids"
split=$((last - MEASURED))
register_cfg "$first" "$split" >"$W/reg1.cfg"
run_cfg "$W/reg1.cfg"
stop

serve valgrind --tool=callgrind --callgrind-out-file="$W/cg.out"
# (the clerk's bearer token outlives the restart: a TOTP code works once per step)
register_cfg "$((split + 1))" "$last" >"$W/reg2.cfg"
# The first registration warms the caches; the rest are counted.
head -7 "$W/reg2.cfg" >"$W/reg2a.cfg"
sed 1,8d "$W/reg2.cfg" >"$W/reg2b.cfg"
run_cfg "$W/reg2a.cfg"
callgrind_control -z "$SP" >/dev/null 2>&1
run_cfg "$W/reg2b.cfg"
callgrind_control -d "$SP" >/dev/null 2>&1
sleep 1
cg=$(ls "$W"/cg.out.* | head -1)
[ -z "${CG_KEEP:-}" ] || cp "$cg" "$CG_KEEP"
ir=$(callgrind_annotate "$cg" 2>/dev/null |
    awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
stop
if [ -n "$OUT" ]; then
    sqlite3 -readonly "$W/d/yizhan.db" "SELECT p.matter_id - $first, p.track, p.trial_track, p.score,
        p.features, p.reasons FROM triage_proposals p ORDER BY p.matter_id, p.id" >"$OUT"
fi
echo "value callgrind.register_history$HISTORY.ir_per_request $((ir / (MEASURED - 1)))"
