#!/bin/sh
# The benchmark harness (issue 7). Measures the release binary against the two
# ceilings of this machine, side by side in the same run:
#   - reads: yizhan GET routes against nginx serving the same response bytes
#     as a static file (nginx started here on a loopback port: 2 workers,
#     access log off, its own temporary prefix and configuration);
#   - durable writes: yizhan creating matters (inquiries and filings, POST,
#     acknowledged after commit), filings with their materials (two uploads,
#     then the filing naming them), registering filings (case numbers assigned
#     concurrently, checked unique and gap-free afterwards) and bulk filing
#     (batches of CSV rows; the stored filings checked afterwards) against raw
#     SQLite inserting rows of the same size with the same durability (WAL,
#     synchronous=FULL), one row per transaction, 100, and as many as a batch.
# Load comes from wrk (keep-alive, -t2, 64 and 256 connections). Rounds are
# interleaved (each round runs every reference and every scenario once) so
# that drift hits both sides of a ratio alike; each figure is the median of
# the rounds, with min and max.
#
# usage: bench/run.sh [--quick] [--runs N] [--duration S] [--threads N]
#        bench/run.sh --data N     data at scale instead (bench/data.sh): N synthetic
#                                  cases, import, size, lookups, dashboard, server RSS
#   default: 5 rounds of 5 s runs (about 20 minutes), rewrites bench/RESULTS.md
#   --quick: 1 round of 3 s runs (under 3 minutes), writes build/bench/RESULTS-quick.md
#   --threads: yizhan's server.threads (default 2, the product's), the threads that serve
#     connections; creates wait for their group's fsync on server.write_threads
# The last lines on stdout are the figures, one per line:
#   ratio NAME VALUE          or          value NAME VALUE UNIT
# Progress goes to stderr. Loopback only; every run is bounded in time; the
# servers started here are stopped (by process id) on exit. The temporary
# directory lives under $BENCH_TMPDIR (default /var/tmp, a disk: /tmp may be
# memory, where fsync costs nothing) and is removed on exit.
# shellcheck disable=SC3043 # local: dash and bash have it
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# BENCH_BIN: another yizhan binary (e.g. one built from an older commit, for a
# before/after comparison); the default is this checkout's release build.
BIN=${BENCH_BIN:-$ROOT/build/rel/yizhan}

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
# shellcheck source=bench/serve.sh
. "$ROOT/bench/serve.sh"

data_args=""
quick=0
runs=5
duration=5
quiet_wait=60
conns_list="64 256"
threads_opt=2
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) quick=1; runs=1; duration=3; quiet_wait=5 ;;
    --runs | --duration | --threads)
        [ $# -ge 2 ] || { echo "bench: $1 needs a number" >&2; exit 2; }
        case "$1" in
        --runs) runs=$2 ;;
        --duration) duration=$2 ;;
        *) threads_opt=$2 ;;
        esac
        shift ;;
    --data)
        # Data at scale: a separate run (bench/data.sh), nothing else is measured.
        [ $# -ge 2 ] || { echo "bench: --data needs a number of cases" >&2; exit 2; }
        shift
        data_args="$*"
        break ;;
    -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$runs" in '' | *[!0-9]*) echo "bench: --runs needs a number" >&2; exit 2 ;; esac
case "$duration" in '' | *[!0-9]*) echo "bench: --duration needs seconds" >&2; exit 2 ;; esac
case "$threads_opt" in '' | *[!0-9]*) echo "bench: --threads needs a number" >&2; exit 2 ;; esac
if [ "$threads_opt" -lt 1 ] || [ "$threads_opt" -gt 64 ]; then
    echo "bench: --threads must be 1..64" >&2
    exit 2
fi
if [ "$runs" -lt 1 ] || [ "$runs" -gt 20 ] || [ "$duration" -lt 1 ] || [ "$duration" -gt 60 ]; then
    echo "bench: --runs must be 1..20 and --duration 1..60" >&2
    exit 2
fi
if [ "$quick" = 1 ]; then
    results_md=$ROOT/build/bench/RESULTS-quick.md
else
    results_md=$ROOT/bench/RESULTS.md
fi
# The SQLite reference runs per round: one row per transaction, then batches.
sqlite_s=$(( duration > 4 ? 4 : duration ))
sqlite_batch_s=$(( duration > 2 ? 2 : duration ))
sqlite_bulk_s=$(( quick ? 1 : sqlite_batch_s ))

# --- Tools: installed idempotently, outside the test dependency list ---------
# nginx-light (Debian 12) or nginx (later releases); a temporary policy-rc.d
# keeps the package from starting its own service on port 80 while it is
# installed, and the service is disabled so that it never starts at boot: the
# harness runs its own nginx on loopback.
install_tools() {
    missing=""
    command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
    [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing="$missing NGINX"
    command -v curl >/dev/null 2>&1 || missing="$missing curl"
    command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
    [ -x /usr/bin/time ] || missing="$missing time"
    pkg-config --exists sqlite3 2>/dev/null || missing="$missing libsqlite3-dev"
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        die "not root; install these packages first:$(echo "$missing" | sed 's/NGINX/nginx-light/')"
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    case "$missing" in
    *NGINX*)
        if apt-cache show nginx-light >/dev/null 2>&1; then ngx=nginx-light; else ngx=nginx; fi
        missing=$(echo "$missing" | sed "s/NGINX/$ngx/")
        ;;
    esac
    say "installing$missing"
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >&2 || status=$?
    [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ "${status:-0}" = 0 ] || die "apt-get install failed"
    if [ -d /run/systemd/system ]; then
        systemctl disable nginx >/dev/null 2>&1 || true
    fi
}

install_tools
# shellcheck disable=SC2086 # data.sh's arguments: a number and an optional --keep DIR
[ -z "$data_args" ] || exec "$(dirname "$0")/data.sh" $data_args
NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || NGINX=$(command -v nginx)
[ -x "$BIN" ] || die "$BIN missing: run make all first"

mkdir -p build/bench
# shellcheck disable=SC2046 # pkg-config prints several words
cc -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Isrc -Wall -Wextra -Werror -Wshadow \
    -Wformat=2 -Wvla -Wno-unused-parameter -O2 $(pkg-config --cflags sqlite3) \
    bench/sqlite_ref.c src/core/num.c $(pkg-config --libs sqlite3) -o build/bench/sqlite_ref

# --- Work area and cleanup -----------------------------------------------------
work=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/yizhan-bench.XXXXXX")
# nginx workers run as nobody when started by root: give them a readable prefix.
ngx_dir=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/yizhan-bench-nginx.XXXXXX")
chmod 755 "$ngx_dir"
ypid=""
y1pid=""
i1pid=""
npid=""

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
    stop_pid "$i1pid"
    stop_pid "$y1pid"
    stop_pid "$npid"
    rm -rf "$work" "$ngx_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

res=$work/results.tsv
: >"$res"
mkdir -p "$work/wrk"

# --- yizhan ----------------------------------------------------------------------
ncpu=$(nproc)
threads=$threads_opt
say "init --demo in $work/var"
# The one-commit server's directory (below) is made at the same time.
"$BIN" init --demo --dir "$work/var1" >/dev/null 2>"$work/init1.log" &
i1pid=$!
"$BIN" init --demo --dir "$work/var" >/dev/null 2>"$work/init.log" ||
    { tail -n 20 "$work/init.log" >&2; die "init failed"; }
serve_yizhan ypid "$work/var" "$work/port" "$work/serve.log" 100 --set server.threads="$threads"
base=$yz_base
say "yizhan pid $ypid at $base, $threads threads"

curl -s -m 10 -o "$work/courts.json" "$base/api/v1/courts"
court_id() {
    local id
    id=$(tr '{' '\n' <"$work/courts.json" | grep "\"code\":\"$1\"" | sed -n 's/^"id":\([0-9]*\),.*/\1/p')
    [ -n "$id" ] || die "court $1 not found in GET /api/v1/courts"
    echo "$id"
}
court=$(court_id 渝0103)
login=$(curl -s -m 10 -H 'Content-Type: application/json' "$base/api/v1/session" \
    -d '{"login":"13800000001","password":"Yizhan-Demo-2026","token_type":"bearer"}')
token=$(printf '%s' "$login" | sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
[ -n "$token" ] || die "bearer login failed: $login"

# The same product committing every write alone (storage.max_group=1), on a
# demo directory of its own: what group commit is measured against (the
# issue's "one-commit-per-request rate"). It only serves the inquiry creates.
wait "$i1pid" || { tail -n 20 "$work/init1.log" >&2; die "init of the one-commit server failed"; }
i1pid=""
serve_yizhan y1pid "$work/var1" "$work/port1" "$work/serve1.log" 100 \
    --set server.threads="$threads" --set storage.max_group=1
base1=$yz_base
token1=$(curl -s -m 10 -H 'Content-Type: application/json' "$base1/api/v1/session" \
    -d '{"login":"13800000001","password":"Yizhan-Demo-2026","token_type":"bearer"}' |
    sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
[ -n "$token1" ] || die "bearer login on the one-commit server failed"
say "one-commit yizhan (storage.max_group=1) pid $y1pid at $base1"

printf '{"kind":"inquiry","court_id":%s,"title":"民间借贷立案咨询","fields":{"question":"%s","topic":"filing","channel":"web"}}' \
    "$court" "民间借贷纠纷应向哪个法院起诉？借款人住所地在渝中区，出借人住所地在江北区。" >"$work/create.json"
code=$(curl -s -m 10 -o "$work/created.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: bench-setup-0001' \
    --data-binary @"$work/create.json" "$base/api/v1/matters")
[ "$code" = 201 ] || die "POST /api/v1/matters answered $code: $(cat "$work/created.json")"
matter=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$work/created.json")
[ -n "$matter" ] || die "no id in $(cat "$work/created.json")"
# The raw SQLite rows are as large as the record yizhan returns for a create.
row_bytes=$(wc -c <"$work/created.json" | tr -d ' ')

# --- The filing scenarios: setup ---------------------------------------------------
# A filing as the UI's wizard sends it (web/src/forms/application.ts toDocument):
# two natural persons (their citizen ids, phones and addresses are sealed on
# write), the cause 民间借贷纠纷 of the 2025 catalogue, claims, facts, the amount,
# two pieces of evidence and the service address.
# filing_json COURT_ID PLAINTIFF_CITIZEN_ID DEFENDANT_CITIZEN_ID [ID_CARD_UPLOAD IOU_UPLOAD]:
# with the two uploads' ids, the filing names its materials as the wizard does
# (web/src/forms/application.ts): the plaintiff's ID card (checklist item G2)
# in attachments, the IOU as the file of the first piece of evidence.
filing_json() {
    printf '{"kind":"filing","court_id":%s,"title":"张三诉李四民间借贷纠纷","fields":{"channel":"online","application":{' "$1"
    printf '"cause_code":"108.3","cause_name":"民间借贷纠纷","cause_revision":2025,"case_type":"民初","parties":['
    printf '{"role":"plaintiff","kind":"natural","name":"张三","address":"重庆市渝中区解放碑街道1号","phone":"13800000001","sex":"male","birth_date":"1990-01-01","ethnicity":"汉族","citizen_id":"%s"},' "$2"
    printf '{"role":"defendant","kind":"natural","name":"李四","address":"重庆市江北区观音桥街道2号","phone":"13800000002","sex":"female","birth_date":"1988-06-15","ethnicity":"汉族","citizen_id":"%s"}],' "$3"
    printf '"claims":"1. 判令被告偿还借款本金100000元；2. 判令被告支付自2025年4月1日起至实际清偿之日止，以100000元为基数，按全国银行间同业拆借中心公布的一年期贷款市场报价利率计算的利息；3. 本案诉讼费用由被告负担。",'
    printf '"facts":"2025年1月1日，被告因经营资金周转需要向原告借款100000元，原告当日通过银行转账向被告交付借款，被告出具借条一张，约定于2025年3月31日前归还。借款到期后，原告多次催要，被告至今未还。",'
    if [ $# -ge 5 ]; then
        printf '"attachments":[{"id":%s,"material":"G2"}],"evidence":[{"name":"借条","source":"原告持有","purpose":"证明借贷合意及借款金额","attachment":%s},' "$4" "$5"
    else
        printf '"attachments":[],"evidence":[{"name":"借条","source":"原告持有","purpose":"证明借贷合意及借款金额"},'
    fi
    printf '{"name":"银行转账凭证","source":"原告持有","purpose":"证明借款已实际交付"}],'
    printf '"amount_fen":10000000,"service_address":{"e_service_consent":true,"address":"重庆市渝中区解放碑街道1号","phone":"13800000001"}}}}'
}
# Filings to 渝0103 fill its clerk's review queue; the filing creates of the
# rounds go to 渝0105, whose clerk registers them, so that the queue read stays
# the same all run long. The creates give every filing parties of its own
# (bench/wrk/create.lua fills in the citizen ids): registration looks for
# earlier cases of the same parties (triage), and one plaintiff and one
# defendant in every filing would make each look at a thousand.
court_jb=$(court_id 渝0105)
filing_json "$court" 500103199001011232 500105198806150027 >"$work/filing-0103.json"
filing_json "$court_jb" '{{plaintiff_id}}' '{{defendant_id}}' >"$work/filing.json"
printf '{"event":"register"}' >"$work/register.json"

# post_many CONC CONFIG: the transfers of a curl config (one block per request,
# separated by "next"), CONC at a time over keep-alive connections; prints
# "status seconds" per request.
post_many() {
    timeout 300 curl -s -Z --parallel-immediate --parallel-max "$1" -K "$2" 2>"$2.err" ||
        { cat "$2.err" >&2; die "curl failed on the requests of $2"; }
}
# post_expect CONC CONFIG STATUS N WHAT: post_many CONC CONFIG, and each of its
# N requests must be answered STATUS (else the run ends, naming WHAT).
post_expect() {
    local ok
    post_many "$1" "$2" >"$2.out"
    ok=$(grep -c "^$3 " "$2.out") || true
    [ "$ok" = "$4" ] || die "$5: $ok of $4 requests answered $3 (status: $(cut -d' ' -f1 "$2.out" | sort | uniq -c | tr -s ' \n' ' '))"
}
# post_block URL TOKEN IDEMPOTENCY_KEY BODY_FILE [OUTPUT]: one block of such a
# config (the first block of a file must not begin with "next": sed 1d). An
# empty TOKEN or key leaves its header out; the response body goes to OUTPUT
# (default: nowhere).
post_block() {
    printf 'next\nurl = "%s"\nheader = "Content-Type: application/json"\n' "$1"
    [ -z "$2" ] || printf 'header = "Authorization: Bearer %s"\n' "$2"
    [ -z "$3" ] || printf 'header = "Idempotency-Key: %s"\n' "$3"
    printf 'data-binary = "@%s"\noutput = "%s"\n' "$4" "${5:-/dev/null}"
    printf 'write-out = "%%{http_code} %%{time_total}\\n"\n'
}
staff_login() { # LOGIN -> bearer token (a TOTP code works once per 30 s step per user)
    local totp out tok
    totp=$("$BIN" user code "$1" --dir "$work/var") || die "yizhan user code $1 failed"
    out=$(curl -s -m 30 -H 'Content-Type: application/json' "$base/api/v1/session" \
        -d "{\"login\":\"$1\",\"password\":\"Yizhan-Demo-2026\",\"totp\":\"$totp\",\"token_type\":\"bearer\"}")
    tok=$(printf '%s' "$out" | sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
    [ -n "$tok" ] || die "login of $1 failed: $out"
    echo "$tok"
}
clerk_token=$(staff_login filing_clerk)
clerk_jb_token=$(staff_login filing_clerk_jb)

# The progress lookup needs a registered case: the party files, the clerk registers.
code=$(curl -s -m 10 -o "$work/filed.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: bench-setup-filing' \
    --data-binary @"$work/filing-0103.json" "$base/api/v1/matters")
[ "$code" = 201 ] || die "POST /api/v1/matters (filing) answered $code: $(cat "$work/filed.json")"
filed=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$work/filed.json")
[ -n "$filed" ] || die "no id in $(cat "$work/filed.json")"
code=$(curl -s -m 10 -o "$work/registered.json" -w '%{http_code}' -H "Authorization: Bearer $clerk_token" \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: bench-setup-register' \
    --data-binary @"$work/register.json" "$base/api/v1/matters/$filed/events")
[ "$code" = 200 ] || die "registering matter $filed answered $code: $(cat "$work/registered.json")"
case_number=$(sed -n 's/.*"case_number":"\([^"]*\)".*/\1/p' "$work/registered.json")
query_code=$(sed -n 's/.*"query_code":"\([A-Z0-9]*\)".*/\1/p' "$work/registered.json")
if [ -z "$case_number" ] || [ -z "$query_code" ]; then
    die "no case number or query code in the registration: $(cat "$work/registered.json")"
fi
case_number_q=$(printf '%s' "$case_number" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')

# The review queue: $queue_n submitted filings, oldest first (the response lists
# the first storage.max_list_rows of them, 200 by default).
queue_n=300
i=1
while [ $i -le $queue_n ]; do
    post_block "$base/api/v1/matters" "$token" "bench-queue-$i" "$work/filing-0103.json"
    i=$((i + 1))
done | sed 1d >"$work/queue.cfg"
post_expect 8 "$work/queue.cfg" 201 $queue_n "filling the review queue"

# The read scenarios; matter needs the party's bearer token, queue the clerk's.
SCENARIOS="healthz court matter causes kb fee queue progress"
scenario_path() {
    case "$1" in
    healthz) echo "/healthz" ;;
    court) echo "/api/v1/courts/$court" ;;
    matter) echo "/api/v1/matters/$matter" ;;
    causes) echo "/api/v1/causes?q=%E5%80%9F%E8%B4%B7" ;; # 借贷
    kb) echo "/api/v1/kb?q=%E7%A6%BB%E5%A9%9A%E8%AF%89%E8%AE%BC%E8%B4%B9%E6%80%8E%E4%B9%88%E4%BA%A4" ;; # 离婚诉讼费怎么交
    fee) echo "/api/v1/fees/quote?kind=property&amount_fen=10000000" ;;
    queue) echo "/api/v1/filing/queue" ;;
    progress) echo "/api/v1/progress?case_number=$case_number_q&query_code=$query_code" ;;
    esac
}
scenario_title() {
    case "$1" in
    healthz) echo "GET /healthz" ;;
    court) echo "GET /api/v1/courts/{id} (public read)" ;;
    matter) echo "GET /api/v1/matters/{id} (party, bearer)" ;;
    causes) echo "GET /api/v1/causes?q=借贷 (Chinese search)" ;;
    kb) echo "GET /api/v1/kb?q=离婚诉讼费怎么交 (Chinese search, knowledge base)" ;;
    fee) echo "GET /api/v1/fees/quote (property, 100,000 元)" ;;
    queue) echo "GET /api/v1/filing/queue (渝0103 clerk, $queue_n filings)" ;;
    progress) echo "GET /api/v1/progress (case number + query code, public)" ;;
    create) echo "POST /api/v1/matters (inquiry, durable)" ;;
    create1) echo "POST /api/v1/matters (inquiry, durable), each commit alone (storage.max_group=1)" ;;
    filing) echo "POST /api/v1/matters (filing, durable)" ;;
    materials) echo "POST /api/v1/attachments ×2 + POST /api/v1/matters (filing with materials, durable)" ;;
    register) echo "POST /api/v1/matters/{id}/events register (case number)" ;;
    esac
}
# scenario_header SCENARIO: the header the request carries (a bearer token where
# the route needs one).
scenario_header() {
    case "$1" in
    matter) echo "Authorization: Bearer $token" ;;
    queue) echo "Authorization: Bearer $clerk_token" ;;
    *) echo "X-Bench: 1" ;;
    esac
}
# wrk_get KEY CONNS SECONDS URL SCENARIO: the same request to yizhan and to nginx.
wrk_get() {
    run_wrk "$1" "$2" "$3" "$4" -s "$ROOT/bench/wrk/report.lua" -H "$(scenario_header "$5")"
}

# --- nginx: the same bytes as static files -------------------------------------
mkdir -p "$ngx_dir/www" "$ngx_dir/tmp"
for s in $SCENARIOS; do
    code=$(curl -s -m 10 -o "$ngx_dir/www/$s.json" -w '%{http_code}' -H "$(scenario_header "$s")" \
        "$base$(scenario_path "$s")")
    [ "$code" = 200 ] || die "GET $(scenario_path "$s") answered $code"
done
chmod 644 "$ngx_dir"/www/*.json

start_nginx() {
    local tries=0 i
    while [ $tries -lt 20 ]; do
        tries=$((tries + 1))
        nport=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
        cat >"$ngx_dir/nginx.conf" <<EOF
# Written by bench/run.sh for one run; nginx started with -p $ngx_dir.
worker_processes 2;
pid $ngx_dir/nginx.pid;
error_log $ngx_dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    types { }
    default_type application/json;
    client_body_temp_path $ngx_dir/tmp/body;
    proxy_temp_path $ngx_dir/tmp/proxy;
    fastcgi_temp_path $ngx_dir/tmp/fastcgi;
    server {
        listen 127.0.0.1:$nport;
        root $ngx_dir/www;
    }
}
EOF
        "$NGINX" -p "$ngx_dir" -e "$ngx_dir/error.log" -c "$ngx_dir/nginx.conf" \
            -g 'daemon off; master_process on;' 2>>"$ngx_dir/start.log" &
        npid=$!
        i=0
        while [ $i -lt 30 ] && kill -0 "$npid" 2>/dev/null; do
            if curl -s -m 2 -o "$ngx_dir/check" "http://127.0.0.1:$nport/healthz.json" 2>/dev/null &&
                cmp -s "$ngx_dir/check" "$ngx_dir/www/healthz.json"; then
                return 0
            fi
            sleep 0.1
            i=$((i + 1))
        done
        stop_pid "$npid"
        npid=""
    done
    cat "$ngx_dir/start.log" "$ngx_dir/error.log" >&2 2>/dev/null || true
    die "nginx did not start"
}
start_nginx
nbase="http://127.0.0.1:$nport"
say "nginx pid $npid at $nbase"
for s in $SCENARIOS; do
    curl -s -m 10 -o "$ngx_dir/check" "$nbase/$s.json"
    cmp -s "$ngx_dir/check" "$ngx_dir/www/$s.json" || die "nginx does not serve $s.json as stored"
done

# --- Measuring ---------------------------------------------------------------------
# run_wrk KEY CONNS SECONDS URL [wrk options...]: one wrk run, recorded in $res
# as KEY<TAB>req/s<TAB>p50 us<TAB>p99 us<TAB>errors<TAB>round; its BENCH line
# stays in $wrk_line.
wrk_threads=2
run_wrk() {
    local key="$1" c="$2" d="$3" url="$4" out line rps p50 p99 err busy idle
    shift 4
    out=$work/wrk/$key.$(date +%s%N).txt
    timeout $((d + 30)) wrk -t$wrk_threads -c"$c" -d"${d}s" --timeout 10s "$url" "$@" </dev/null >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed for $key"; }
    line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "no BENCH line for $key"; }
    wrk_line=$line
    rps=$(echo "$line" | sed -n 's/.* rps=\([0-9.]*\).*/\1/p')
    p50=$(echo "$line" | sed -n 's/.* p50_us=\([0-9]*\).*/\1/p')
    p99=$(echo "$line" | sed -n 's/.* p99_us=\([0-9]*\).*/\1/p')
    err=$(echo "$line" | sed -n 's/.* errors=\([0-9]*\).*/\1/p')
    # Requests left unanswered at the end of the run are in none of wrk's
    # figures: a server that stops answering after 50 ms reports a low rate
    # with fine latencies and no error. Their connections are idle in
    # busy_conns (lib.lua); under half the connections busy on average, the
    # idle ones count as errors.
    busy=$(echo "$line" | sed -n 's/.* busy_conns=\([0-9.]*\).*/\1/p')
    if [ -n "$busy" ]; then
        idle=$(awk -v c="$c" -v b="$busy" 'BEGIN { print (b < c / 2 ? int(c - b + 0.5) : 0) }')
        if [ "$idle" != 0 ]; then
            say "warning: $key: $busy of $c connections busy on average: $idle left waiting for answers the run never got (a stall?)"
            err=$((err + idle))
        fi
    fi
    [ "$key" = warmup ] && return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$rps" "$p50" "$p99" "$err" "$round" >>"$res"
    [ "$err" = 0 ] || say "warning: $key: $err errors ($line)"
    say "$key: $rps req/s, p50 $p50 us, p99 $p99 us"
}

# run_sqlite KEY BATCH SECONDS [ROW_BYTES]: the raw SQLite reference, BATCH rows
# per transaction, rows of ROW_BYTES (default: the size of a created matter).
run_sqlite() {
    local key="$1" batch="$2" secs="$3" db="$work/sqlite-ref.db" line rps p50 p99
    rm -f "$db" "$db-wal" "$db-shm"
    line=$(timeout $((secs + 60)) build/bench/sqlite_ref --db "$db" --row-bytes "${4:-$row_bytes}" \
        --batch "$batch" --seconds "$secs") || die "sqlite_ref failed"
    rm -f "$db" "$db-wal" "$db-shm"
    rps=$(echo "$line" | sed -n 's/.* rows_per_s=\([0-9.]*\).*/\1/p')
    p50=$(echo "$line" | sed -n 's/.* commit_p50_us=\([0-9]*\).*/\1/p')
    p99=$(echo "$line" | sed -n 's/.* commit_p99_us=\([0-9]*\).*/\1/p')
    sqlite_version=$(echo "$line" | sed -n 's/.* sqlite=\([0-9.]*\).*/\1/p')
    printf '%s\t%s\t%s\t%s\t0\t%s\n' "$key" "$rps" "$p50" "$p99" "$round" >>"$res"
    say "$key: $rps rows/s, commit p50 $p50 us, p99 $p99 us"
}

# timed_stats OUT NS COUNT -> "COUNT per second<TAB>p50 us<TAB>p99 us": COUNT
# over NS nanoseconds of wall time, and the percentiles (nearest rank) of the
# request times in OUT (post_many's "status seconds" lines).
timed_stats() {
    cut -d' ' -f2 "$1" | sort -g | awk -v ns="$2" -v n="$3" '
        { t[NR] = $1 * 1e6 }
        END { printf "%.1f\t%d\t%d\n", n * 1e9 / ns, NR ? t[int((NR - 1) * 0.50) + 1] : 0,
              NR ? t[int((NR - 1) * 0.99) + 1] : 0 }'
}

# run_register KEY CONNS COUNT: up to COUNT submitted filings of 渝0105 (made by
# the filing creates) registered by its clerk, CONNS at a time, each once (curl
# over keep-alive connections: a run of a fixed count, since every request
# consumes a filing). Registrations/s over the wall time; p50/p99 of the
# requests; any status but 200 is an error.
reg_ok_total=0
run_register() {
    local key="$1" c="$2" n="$3" ids="$work/reg-ids.txt" got t0 t1 line ok
    sqlite3 -readonly "$work/var/yizhan.db" "SELECT id FROM matters WHERE kind = 'filing'
        AND court_id = $court_jb AND state = 'submitted' ORDER BY id LIMIT $n" >"$ids" ||
        die "sqlite3 could not list the submitted filings of 渝0105"
    got=$(wc -l <"$ids" | tr -d ' ')
    [ "$got" -ge $((n / 4)) ] ||
        die "$key: only $got submitted filings of 渝0105 to register (want $n): the filing creates made too few"
    while read -r id; do
        post_block "$base/api/v1/matters/$id/events" "$clerk_jb_token" "bench-reg-$id" "$work/register.json"
    done <"$ids" | sed 1d >"$work/reg.cfg"
    t0=$(date +%s%N)
    post_many "$c" "$work/reg.cfg" >"$work/reg.out"
    t1=$(date +%s%N)
    ok=$(grep -c '^200 ' "$work/reg.out") || true
    line=$(timed_stats "$work/reg.out" "$((t1 - t0))" "$got")
    printf '%s\t%s\t%s\t%s\n' "$key" "$line" "$((got - ok))" "$round" >>"$res"
    reg_ok_total=$((reg_ok_total + ok))
    [ "$ok" = "$got" ] ||
        say "warning: $key: $((got - ok)) of $got registrations not answered 200 ($(grep -v '^200 ' "$work/reg.out" | cut -d' ' -f1 | sort | uniq -c | tr -s ' \n' ' '))"
    say "$key: $got registrations, $(echo "$line" | cut -f1) /s, p50 $(echo "$line" | cut -f2) us, p99 $(echo "$line" | cut -f3) us"
}
reg_n=$((600 * duration))

create_lua=$ROOT/bench/wrk/create.lua
yurl() { echo "$base$(scenario_path "$1")"; }

# cpu_busy: percent of all CPUs busy over one second. Called while the servers
# are idle, it measures what other processes take from the run.
cpu_busy() {
    a=$(awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
    echo "$a $b" | awk '{ dt = $3 - $1; di = $4 - $2; printf "%.0f\n", (dt > 0 ? 100 * (dt - di) / dt : 0) }'
}
busy_list=""
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)

# --- Filings with materials and bulk filing: setup ----------------------------------
# cid_awk: an awk function cid(REGION, K) -> a valid citizen id (GB 11643) of
# its own for every K below 16,800,000 (birth date and sequence from K).
cid_awk='function cid(region, k,   s, w, i, sum) {
    s = sprintf("%s%04d%02d%02d%03d", region, 1950 + int(k / 336) % 50, 1 + int(k / 28) % 12,
        1 + k % 28, int(k / 16800) % 1000)
    split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
    for (i = 1; i <= 17; i++) sum += substr(s, i, 1) * w[i]
    return s substr("10X98765432", sum % 11 + 1, 1)
}'

# Filings with materials go to 渝0106, whose filings nothing else touches. The
# uploads are the wizard's (bench/wrk/materials.lua): the ID card 32 KB, the
# IOU 48 KB, JPEGs of their own content each.
court_mat=$(court_id 渝0106)
filing_json "$court_mat" '{{plaintiff_id}}' '{{defendant_id}}' '{{id_copy}}' '{{iou}}' >"$work/materials.json"
mat_id_bytes=32768
mat_iou_bytes=49152
materials_lua=$ROOT/bench/wrk/materials.lua
# An account uploads at most $upload_quota files in 24 hours (YZ_ATTACH_DAY_COUNT),
# so the runs need many litigants, as the real load has: party accounts made
# as they are needed (POST /api/v1/accounts, then a bearer login: two argon2id
# hashes each, 4 at a time). make_parties N appends N new ones to
# $work/accounts.txt ("USER_ID TOKEN" a line).
upload_quota=200
parties=0
party_pw=Yizhan-Bench-Party-2026
: >"$work/accounts.txt"
make_parties() {
    local n="$1" k=$((parties + 1)) last=$((parties + $1)) ok
    awk -v first="$k" -v last="$last" -v dir="$work/party" -v pw="$party_pw" "$cid_awk"'
    BEGIN { for (k = first; k <= last; k++) {
        printf "{\"role\":\"party\",\"person_kind\":\"natural\",\"name\":\"当事人%d\",\"phone\":\"139%08d\",\"password\":\"%s\",\"citizen_id\":\"%s\"}", k, k, pw, cid("500106", k) >(dir k ".json")
        printf "{\"login\":\"139%08d\",\"password\":\"%s\",\"token_type\":\"bearer\"}", k, pw >(dir k ".login")
        close(dir k ".json"); close(dir k ".login") } }'
    : >"$work/parties.cfg"
    : >"$work/logins.cfg"
    while [ $k -le "$last" ]; do
        post_block "$base/api/v1/accounts" "" "bench-party-$k" "$work/party$k.json" >>"$work/parties.cfg"
        post_block "$base/api/v1/session" "" "" "$work/party$k.login" "$work/party$k.session" \
            >>"$work/logins.cfg"
        k=$((k + 1))
    done
    sed -i 1d "$work/parties.cfg" "$work/logins.cfg"
    post_expect 4 "$work/parties.cfg" 201 "$n" "registering party accounts"
    post_expect 4 "$work/logins.cfg" 200 "$n" "logging in party accounts"
    k=$((parties + 1))
    while [ $k -le "$last" ]; do
        sed -n 's/^{"user":{"id":\([0-9]*\),.*"token":"\([A-Za-z0-9_-]*\)".*/\1 \2/p' "$work/party$k.session"
        echo
        k=$((k + 1))
    done | grep . >>"$work/accounts.txt" || true
    parties=$last
    ok=$(wc -l <"$work/accounts.txt" | tr -d ' ')
    [ "$ok" = "$parties" ] || die "logging in party accounts: $ok tokens for $parties accounts"
}
# accounts_for UPLOADS FILE: tokens with room for UPLOADS more uploads into FILE
# ("TOKEN UPLOADS_MADE" a line): the accounts of earlier runs with room left
# (their uploads counted in the database, those that wrk ended included), then
# new ones for the rest, as many for every wrk thread.
accounts_for() {
    local new
    sqlite3 -readonly -separator ' ' "$work/var/yizhan.db" \
        "SELECT uploader_id, count(*) FROM attachments GROUP BY uploader_id" >"$work/used.txt" ||
        die "sqlite3 could not count the uploads"
    new=$(awk -v q="$upload_quota" -v want="$1" -v t="$wrk_threads" '
        FILENAME == ARGV[1] { used[$1] = $2; next }
        used[$1] < q { room += q - used[$1]; n++ }
        END { k = (want - room) / q / t; k = (k > int(k) ? int(k) + 1 : int(k)) * t
              if (n + k < t) k = t - n; print (k > 0 ? k : 0) }' "$work/used.txt" "$work/accounts.txt")
    [ "$new" = 0 ] || make_parties "$new"
    awk -v q="$upload_quota" 'FILENAME == ARGV[1] { used[$1] = $2; next }
        used[$1] + 0 < q { print $2, used[$1] + 0 }' "$work/used.txt" "$work/accounts.txt" >"$2"
}
# The peak memory under load leaves the accounts' argon2id hashes out (64 MB
# each while it runs): hwm_keep notes the peak so far, hwm_reset starts anew.
hwm_max_kb=0
hwm_keep() {
    local h
    h=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$ypid/status")
    [ "$h" -le "$hwm_max_kb" ] || hwm_max_kb=$h
}
# The peak cannot fall below the RSS at a reset: hwm_floor_kb keeps the largest,
# which tells a peak under load from memory still held after making accounts.
hwm_floor_kb=0
hwm_reset() {
    local r
    echo 5 >"/proc/$ypid/clear_refs" 2>/dev/null || true
    r=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$ypid/status")
    [ "${r:-0}" -le "$hwm_floor_kb" ] || hwm_floor_kb=$r
}

# run_materials KEY CONNS SECONDS: one run of filings with materials, with
# accounts enough for the fastest upload rate seen so far (uploads/s while the
# wrk threads ran, from the warm-up on) with a quarter to spare, and for two
# uploads on every connection (the first ones, and those in flight at the
# end, which the server still stores). Records KEY
# (filings/s, the submissions' p50/p99) and KEY.uploads (uploads/s, their
# p50/p99) in $res.
mat_rate=0 # none measured yet: the warm-up assumes 400
mat_ok_total=0
run_materials() {
    local key="$1" c="$2" d="$3" up_rps out busy
    hwm_keep
    accounts_for "$(awk -v r="$mat_rate" -v d="$d" -v c="$c" \
        'BEGIN { printf "%d", (r > 0 ? r : 400) * d * 1.25 + 2 * c }')" "$work/tokens.txt"
    hwm_reset
    run_wrk "$key" "$c" "$d" "$base" -s "$materials_lua" -- "$key$round" "$work/tokens.txt" \
        "$work/materials.json" "$ROOT/tests/fixtures/attachments.h" "$wrk_threads" \
        "$mat_id_bytes" "$mat_iou_bytes" "$upload_quota"
    up_rps=$(echo "$wrk_line" | sed -n 's/.* upload_rps=\([0-9.]*\).*/\1/p')
    out=$(echo "$wrk_line" | sed -n 's/.* exhausted=\([0-9]*\).*/\1/p')
    busy=$(echo "$wrk_line" | sed -n 's/.* busy_upload_rps=\([0-9.]*\).*/\1/p')
    mat_ok_total=$((mat_ok_total + $(echo "$wrk_line" | sed -n 's/^BENCH requests=\([0-9]*\) .*/\1/p')))
    mat_rate=$(awk -v a="$mat_rate" -v b="$busy" 'BEGIN { print (b > a ? b : a) }')
    [ "$key" = warmup ] && return 0
    [ "$out" = 0 ] || say "warning: $key: $out wrk threads ran out of accounts and stopped: a lower bound"
    printf '%s.uploads\t%s\t%s\t%s\t0\t%s\n' "$key" "$up_rps" \
        "$(echo "$wrk_line" | sed -n 's/.* upload_p50_us=\([0-9]*\).*/\1/p')" \
        "$(echo "$wrk_line" | sed -n 's/.* upload_p99_us=\([0-9]*\).*/\1/p')" "$round" >>"$res"
    say "$key: $up_rps uploads/s (two with every filing)"
}

# Bulk filing: the institution of the demo (13800000003, a company, as a bank
# would) posts batches of $bulk_rows complaints to 渝0112, $bulk_conc at a
# time: the template of tests/api/test_batch.c (民间借贷纠纷, the company as
# plaintiff) and a CSV table of one defendant a row (a natural person with
# citizen id, phone and address, which are sealed, the amount and the claims);
# every batch has defendants of its own (the route files a batch again only
# once: the same content returns the first report).
court_bulk=$(court_id 渝0112)
bank_token=$(curl -s -m 30 -H 'Content-Type: application/json' "$base/api/v1/session" \
    -d '{"login":"13800000003","password":"Yizhan-Demo-2026","token_type":"bearer"}' |
    sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
[ -n "$bank_token" ] || die "bearer login of the demo institution 13800000003 failed"
bulk_rows=500
bulk_conc=2
bulk_n=$((2 * duration))
batches=0
bulk_ok_total=0
bulk_row_bytes=""
# bulk_json BATCH_NO: the body of POST /api/v1/filing/batches.
bulk_json() {
    awk -v court="$court_bulk" -v b="$1" -v n="$bulk_rows" "$cid_awk"' BEGIN {
    printf "{\"court_id\":%s,\"title\":\"2026年第%d批民间借贷纠纷批量起诉\",\"template\":{", court, b
    printf "\"cause_code\":\"108.3\",\"cause_revision\":2025,\"case_type\":\"民初\",\"fee_kind\":\"property\","
    printf "\"plaintiff\":{\"kind\":\"legal\",\"name\":\"重庆示例商贸有限公司\",\"credit_code\":\"91500103MA5U0AAA0Q\",\"legal_rep\":\"王五\",\"address\":\"重庆市渝中区解放碑街道8号\",\"phone\":\"13800000003\"},"
    printf "\"evidence\":[{\"name\":\"借款合同\",\"source\":\"原告持有\"}],"
    printf "\"service_address\":{\"address\":\"重庆市渝中区解放碑街道8号\",\"phone\":\"13800000003\",\"e_service_consent\":true},"
    printf "\"facts\":\"被告向原告借款，约定到期归还，至今未还。\"},"
    printf "\"csv\":\"defendant_name,defendant_kind,defendant_citizen_id,defendant_phone,defendant_address,amount_yuan,claims\\n"
    for (i = 1; i <= n; i++) {
        k = b * n + i
        amt = 1000 + (k * 7919) % 200000
        printf "被告%d,natural,%s,137%08d,重庆市渝北区龙溪街道%d号,%d.%02d,判令被告偿还借款%d元及利息\\n",
            k, cid("500112", k), k, i, amt, k % 100, amt
    }
    printf "\"}" }'
}
# run_bulk KEY COUNT: COUNT new batches, $bulk_conc at a time (curl, keep-alive):
# accepted rows per second of wall time, p50/p99 of the batches' times; a batch
# not answered 201 with every row accepted is an error.
run_bulk() {
    local key="$1" n="$2" i=0 t0 t1 ok acc line id
    while [ $i -lt "$n" ]; do
        i=$((i + 1))
        bulk_json $((batches + i)) >"$work/batch$i.json"
        post_block "$base/api/v1/filing/batches" "$bank_token" "bench-batch-$((batches + i))" \
            "$work/batch$i.json" "$work/batch$i.out"
    done | sed 1d >"$work/bulk.cfg"
    batches=$((batches + n))
    t0=$(date +%s%N)
    post_many "$bulk_conc" "$work/bulk.cfg" >"$work/bulk.out"
    t1=$(date +%s%N)
    ok=$(grep -c '^201 ' "$work/bulk.out") || true
    acc=$(cat "$work"/batch*.out 2>/dev/null | grep -o '"accepted":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }')
    line=$(timed_stats "$work/bulk.out" "$((t1 - t0))" "$acc")
    bulk_ok_total=$((bulk_ok_total + acc))
    if [ -z "$bulk_row_bytes" ]; then
        # The reference's rows are as large as a filed row's record.
        id=$(grep -o '"matter_id":[0-9]*' "$work/batch1.out" | head -n 1 | cut -d: -f2)
        bulk_row_bytes=$(curl -s -m 10 -H "Authorization: Bearer $bank_token" \
            "$base/api/v1/matters/$id" | wc -c | tr -d ' ')
    fi
    rm -f "$work"/batch*.json "$work"/batch*.out
    [ "$key" = warmup ] && return 0
    # Errors: the rows not filed (of a batch refused, or rejected in it).
    printf '%s\t%s\t%s\t%s\n' "$key" "$line" "$((n * bulk_rows - acc))" "$round" >>"$res"
    if [ "$acc" != $((n * bulk_rows)) ] || [ "$ok" != "$n" ]; then
        say "warning: $key: $ok of $n batches answered 201, $acc of $((n * bulk_rows)) rows accepted"
    fi
    say "$key: $n batches of $bulk_rows rows, $(echo "$line" | cut -f1) rows/s, batch p50 $(echo "$line" | cut -f2) us, p99 $(echo "$line" | cut -f3) us"
}
# In quick mode the filings with materials run at 64 connections only.
mat_conns=$conns_list
[ "$quick" = 1 ] && mat_conns=64

# Resident memory before the load, then the peak is reset (Linux >= 4.0) so
# that VmHWM after the runs is the peak under load, without the login's
# argon2id hash (64 MB for as long as it runs) of the setup.
rss0_kb=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$ypid/status")
if echo 5 >"/proc/$ypid/clear_refs" 2>/dev/null; then
    hwm_what="peak during the runs"
else
    hwm_what="peak since start, including the argon2id hash of the setup's login (64 MB)"
fi

round=0
say "warm-up"
# With --quick nginx is not warmed up (it serves static files from the page
# cache), which leaves room in the 3 minutes for the write scenarios.
for s in $SCENARIOS; do
    [ "$quick" = 1 ] || wrk_get warmup 64 1 "$nbase/$s.json" "$s"
    wrk_get warmup 64 1 "$(yurl "$s")" "$s"
done
run_wrk warmup 64 1 "$base/api/v1/matters" -s "$create_lua" -- warm "$token" "$work/create.json"
run_wrk warmup 64 1 "$base1/api/v1/matters" -s "$create_lua" -- warm "$token1" "$work/create.json"
run_wrk warmup 64 1 "$base/api/v1/matters" -s "$create_lua" -- fwarm "$token" "$work/filing.json"
run_materials warmup 64 1
run_bulk warmup 1

say "$runs round(s) of ${duration} s runs"
round=1
while [ $round -le "$runs" ]; do
    # Give a busy machine up to $quiet_wait s to calm down before the round.
    waited=0
    busy=$(cpu_busy)
    while [ "$busy" -gt 10 ] && [ $waited -lt $quiet_wait ]; do
        [ $waited = 0 ] && say "CPU $busy% busy with the servers idle: waiting up to $quiet_wait s"
        busy=$(cpu_busy)
        waited=$((waited + 1))
    done
    note="$busy%"
    [ $waited = 0 ] || note="$busy% (after waiting $waited s)"
    busy_list="${busy_list:+$busy_list, }$note"
    busy_max=$(( ${busy_max:-0} > busy ? ${busy_max:-0} : busy ))
    say "round $round/$runs (CPU busy before it, servers idle: $busy%)"
    [ "$busy" -le 10 ] || say "warning: the machine is not quiet ($busy% CPU busy): figures will be low and noisy"
    for c in $conns_list; do
        for s in $SCENARIOS; do
            wrk_get "nginx.$s.c$c" "$c" "$duration" "$nbase/$s.json" "$s"
            wrk_get "yizhan.$s.c$c" "$c" "$duration" "$(yurl "$s")" "$s"
        done
        run_wrk "yizhan.create.c$c" "$c" "$duration" "$base/api/v1/matters" -s "$create_lua" \
            -- "r${round}c$c" "$token" "$work/create.json"
        run_wrk "yizhan.create1.c$c" "$c" "$duration" "$base1/api/v1/matters" -s "$create_lua" \
            -- "o${round}c$c" "$token1" "$work/create.json"
        run_wrk "yizhan.filing.c$c" "$c" "$duration" "$base/api/v1/matters" -s "$create_lua" \
            -- "f${round}c$c" "$token" "$work/filing.json"
        case " $mat_conns " in
        *" $c "*) run_materials "yizhan.materials.c$c" "$c" "$duration" ;;
        esac
        run_register "yizhan.register.c$c" "$c" "$reg_n"
    done
    run_bulk "yizhan.bulk.c$bulk_conc" "$bulk_n"
    run_sqlite sqlite.1pertx 1 "$sqlite_s"
    run_sqlite sqlite.100pertx 100 "$sqlite_batch_s"
    run_sqlite "sqlite.${bulk_rows}pertx" "$bulk_rows" "$sqlite_bulk_s" "$bulk_row_bytes"
    round=$((round + 1))
done

# The Chinese tokenizer, in process (bench/tokenizer_measure.c: the knowledge
# base's text repeated to 8 MB, document and query side, median of the runs).
tok_runs=5
[ "$quick" = 1 ] && tok_runs=3
[ -x build/bench/tokenizer_measure ] || die "build/bench/tokenizer_measure missing: run make bench"
say "tokenizer throughput, $tok_runs runs (load average $(cut -d' ' -f1-3 /proc/loadavg))"
tok_figs=$(timeout 300 build/bench/tokenizer_measure --data "$ROOT/data" --runs "$tok_runs") ||
    die "tokenizer_measure failed"
tok_load=$(cut -d' ' -f1-3 /proc/loadavg)

rss_kb=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$ypid/status")
hwm_kb=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$ypid/status")
[ "$hwm_kb" -ge "$hwm_max_kb" ] || hwm_kb=$hwm_max_kb
db_bytes=$(cat "$work/var/yizhan.db" "$work/var/yizhan.db-wal" 2>/dev/null | wc -c | tr -d ' ')

# --- Aggregation -------------------------------------------------------------------
# mmm: numbers on stdin -> "median min max".
mmm() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "0 0 0"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        print m, v[1], v[NR] }'
}
# stats KEY COLUMN -> "median min max" over the rounds (column 2 req/s, 3 p50, 4 p99).
stats() { awk -F'\t' -v k="$1" -v f="$2" '$1 == k { print $f }' "$res" | mmm; }
# ratios A B -> "median min max" of A's req/s ÷ B's, each round's pair measured
# back to back, so that drift between rounds cancels.
ratios() {
    awk -F'\t' -v a="$1" -v b="$2" '$1 == a { x[$6] = $2 } $1 == b { y[$6] = $2 }
        END { for (r in x) if ((r in y) && y[r] > 0) print x[r] / y[r] }' "$res" | mmm
}
errors_of() { awk -F'\t' -v k="$1" '$1 == k { s += $5 } END { print s + 0 }' "$res"; }
measured() { awk -F'\t' -v k="$1" '$1 == k { f = 1 } END { exit !f }' "$res"; }
med() { stats "$1" "$2" | cut -d' ' -f1; }
calc() { awk "BEGIN { printf \"$1\n\", $2 }"; }

# Machine and versions.
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
[ -n "$cpu_model" ] || cpu_model=$(uname -m)
cpu_cores=$(sed -n 's/^cpu cores[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cpu_logical=$(grep -c '^processor' /proc/cpuinfo)
mem_mb=$(awk '/^MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)
fs_type=$(stat -f -c %T "$work")
kernel=$(uname -r)
nginx_version=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
wrk_version=$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit (with uncommitted changes)"
fi
when=$(date -u '+%Y-%m-%d %H:%M UTC')
bin_what="$commit, build/rel/yizhan"
[ -z "${BENCH_BIN:-}" ] || bin_what="BENCH_BIN=$BIN (not this checkout's build)"

figs=$work/figures.txt
: >"$figs"
fig_value() { echo "value $1 $2 $3" >>"$figs"; }
fig_ratio() { echo "ratio $1 $2" >>"$figs"; }
ms() { calc '%.3f' "$1 / 1000"; }
range() { # KEY -> "median (min–max)" in req/s
    # shellcheck disable=SC2046
    set -- $(stats "$1" 2)
    calc '%.0f' "$1" | tr -d '\n'
    if [ "$runs" -gt 1 ]; then printf ' (%s–%s)' "$(calc '%.0f' "$2")" "$(calc '%.0f' "$3")"; fi
}
p() { ms "$(med "$1" "$2")"; }
# rratio A B FORMAT -> "median (min–max)" of the per-round ratios, in bold.
rratio() {
    # shellcheck disable=SC2046
    set -- $(ratios "$1" "$2") "$3"
    printf '**%s**' "$(calc "$4" "$1")"
    if [ "$runs" -gt 1 ]; then printf ' (%s–%s)' "$(calc "$4" "$2")" "$(calc "$4" "$3")"; fi
}

tbl=$work/table.md
{
    echo "| scenario | conns | yizhan req/s | p50 ms | p99 ms | nginx req/s | p50 ms | p99 ms | ratio | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$tbl"
for c in $conns_list; do
    for s in $SCENARIOS; do
        y=yizhan.$s.c$c n=nginx.$s.c$c
        ratio=$(calc '%.3f' "$(ratios "$y" "$n" | cut -d' ' -f1)")
        errs=$(( $(errors_of "$y") + $(errors_of "$n") ))
        echo "| $(scenario_title "$s") | $c | $(range "$y") | $(p "$y" 3) | $(p "$y" 4) | $(range "$n") | $(p "$n" 3) | $(p "$n" 4) | $(rratio "$y" "$n" '%.2f') | $errs |" >>"$tbl"
        fig_value "$y.rps" "$(calc '%.0f' "$(med "$y" 2)")" req/s
        fig_value "$y.p50" "$(p "$y" 3)" ms
        fig_value "$y.p99" "$(p "$y" 4)" ms
        fig_value "$n.rps" "$(calc '%.0f' "$(med "$n" 2)")" req/s
        fig_ratio "$y.vs_nginx" "$ratio"
    done
done

s1=$(med sqlite.1pertx 2) s100=$(med sqlite.100pertx 2)
wtbl=$work/wtable.md
{
    echo "| scenario | conns | yizhan writes/s | p50 ms | p99 ms | ÷ SQLite 1 row/tx | ÷ SQLite 100 rows/tx | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} >"$wtbl"
# report_check COUNT_NAME COUNT FAULT_NAME FAULTS WARNING TEXT: the outcome of a
# check of what a write scenario stored: WARNING on stderr unless FAULTS is 0,
# TEXT (its lines) below the writes table, the figures COUNT_NAME and FAULT_NAME.
report_check() {
    [ "$4" = 0 ] || say "warning: $5"
    { echo; printf '%s\n' "$6"; } >>"$wtbl"
    fig_value "$1" "$2" count
    fig_value "$3" "$4" count
}
for w in create create1 filing materials register; do for c in $conns_list; do
    y=yizhan.$w.c$c
    measured "$y" || continue # materials: 64 connections only with --quick
    r1=$(calc '%.3f' "$(ratios "$y" sqlite.1pertx | cut -d' ' -f1)")
    r100=$(calc '%.3f' "$(ratios "$y" sqlite.100pertx | cut -d' ' -f1)")
    echo "| $(scenario_title "$w") | $c | $(range "$y") | $(p "$y" 3) | $(p "$y" 4) | $(rratio "$y" sqlite.1pertx '%.2f') | $(rratio "$y" sqlite.100pertx '%.3f') | $(errors_of "$y") |" >>"$wtbl"
    fig_value "$y.rps" "$(calc '%.0f' "$(med "$y" 2)")" req/s
    fig_value "$y.p50" "$(p "$y" 3)" ms
    fig_value "$y.p99" "$(p "$y" 4)" ms
    fig_ratio "$y.vs_sqlite_1pertx" "$r1"
    fig_ratio "$y.vs_sqlite_100pertx" "$r100"
done; done
{
    echo
    echo "| raw SQLite, $row_bytes-byte rows, WAL, synchronous=FULL | rows/s | commit p50 ms | commit p99 ms |"
    echo "|---|---:|---:|---:|"
    echo "| one row per transaction | $(range sqlite.1pertx) | $(p sqlite.1pertx 3) | $(p sqlite.1pertx 4) |"
    echo "| 100 rows per transaction | $(range sqlite.100pertx) | $(p sqlite.100pertx 3) | $(p sqlite.100pertx 4) |"
} >>"$wtbl"

# The uploads that went with the filings with materials, and what the database
# holds afterwards: every filing of 渝0106 with its two uploads bound to it (the
# ids its application names, the filer's own, of the kinds and sizes sent),
# their contents on disk at those sizes and all different, and no filing that
# was acknowledged (201) missing (runs that wrk ended may have filed a few more).
{
    echo
    echo "Filings with materials: each is submitted after its two uploads (the ID card, $mat_id_bytes bytes, and the IOU,"
    echo "$mat_iou_bytes bytes, JPEGs of their own content) on the same connections; its writes/s above are filings/s,"
    echo "its latencies those of the submissions. The uploads (multipart/form-data, each file fsync'd with its directory"
    echo "before its row is committed):"
    echo
    echo "| uploads | conns | uploads/s | p50 ms | p99 ms |"
    echo "|---|---:|---:|---:|---:|"
} >>"$wtbl"
for c in $mat_conns; do
    y=yizhan.materials.c$c.uploads
    echo "| POST /api/v1/attachments (JPEG, with the filings) | $c | $(range "$y") | $(p "$y" 3) | $(p "$y" 4) |" >>"$wtbl"
    fig_value "yizhan.materials.c$c.uploads" "$(calc '%.0f' "$(med "$y" 2)")" req/s
    fig_value "yizhan.materials.c$c.upload_p50" "$(p "$y" 3)" ms
    fig_value "yizhan.materials.c$c.upload_p99" "$(p "$y" 4)" ms
done
sqlite3 -readonly -separator ' ' "$work/var/yizhan.db" "SELECT count(*), coalesce(sum(
    (SELECT count(*) FROM attachments a WHERE a.matter_id = m.id) != 2
    OR NOT EXISTS (SELECT 1 FROM attachments a WHERE a.matter_id = m.id
        AND a.id = json_extract(m.data, '\$.application.attachments[0].id') AND a.kind = 'G2'
        AND a.size = $mat_id_bytes AND a.mime = 'image/jpeg' AND a.uploader_id = m.created_by)
    OR NOT EXISTS (SELECT 1 FROM attachments a WHERE a.matter_id = m.id
        AND a.id = json_extract(m.data, '\$.application.evidence[0].attachment') AND a.kind = '103.3-1'
        AND a.size = $mat_iou_bytes AND a.mime = 'image/jpeg' AND a.uploader_id = m.created_by)), 0)
    FROM matters m WHERE m.court_id = $court_mat AND m.kind = 'filing'" >"$work/mat.txt" ||
    die "sqlite3 could not read the filings with materials"
sqlite3 -readonly -separator ' ' "$work/var/yizhan.db" "SELECT a.sha256, a.size FROM attachments a
    JOIN matters m ON m.id = a.matter_id WHERE m.court_id = $court_mat AND m.kind = 'filing'" \
    >"$work/mat-files.txt" || die "sqlite3 could not read the materials of the filings"
find "$work/var/uploads/sha256" -type f -printf 'blob %f %s\n' >"$work/blobs.txt"
mat_filings=$(cut -d' ' -f1 "$work/mat.txt")
# Faults: filings without their materials, materials without their content,
# contents uploaded twice, acknowledged filings not in the database.
mat_bad=$(awk -v ok="$mat_ok_total" -v n="$mat_filings" -v bad="$(cut -d' ' -f2 "$work/mat.txt")" '
    $1 == "blob" { size[$2] = $3; next }
    { b += (size[$1] != $2) + (seen[$1]++ > 0) }
    END { print b + bad + (n < ok ? ok - n : 0) }' "$work/blobs.txt" "$work/mat-files.txt")
report_check yizhan.materials.filings "$mat_filings" yizhan.materials.faults "$mat_bad" \
    "filings with materials of 渝0106: $mat_bad faults ($mat_filings filings, $mat_ok_total acknowledged)" \
    "$mat_filings filings with materials in 渝0106 for $mat_ok_total acknowledged, each with its two uploads; $mat_bad faults
(a filing without its materials, a material whose content is missing, damaged or shared, an acknowledged filing missing)."

# Bulk filing: accepted rows per second of wall time; each batch's wall time;
# the reference is raw SQLite with as many rows per transaction as a batch has
# rows, each as large as a filed row's record. Afterwards 渝0112 must hold
# exactly the rows the batches accepted, all submitted filings of channel bulk.
yb=yizhan.bulk.c$bulk_conc sb=sqlite.${bulk_rows}pertx
sqlite3 -readonly -separator ' ' "$work/var/yizhan.db" "SELECT count(*), coalesce(sum(state != 'submitted'
    OR channel != 'bulk'), 0) FROM matters WHERE court_id = $court_bulk AND kind = 'filing'" >"$work/bulk.txt" ||
    die "sqlite3 could not read the bulk filings"
bulk_filings=$(cut -d' ' -f1 "$work/bulk.txt")
bulk_bad=$(awk -v ok="$bulk_ok_total" '{ print $2 + ($1 > ok ? $1 - ok : ok - $1) }' "$work/bulk.txt")
{
    echo
    echo "| bulk filing (POST /api/v1/filing/batches) | batches at a time | rows filed/s | batch p50 ms | batch p99 ms | SQLite $bulk_rows rows/tx, $bulk_row_bytes-byte rows: rows/s | ratio | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    echo "| $bulk_n batches of $bulk_rows rows a round | $bulk_conc | $(range "$yb") | $(p "$yb" 3) | $(p "$yb" 4) | $(range "$sb") | $(rratio "$yb" "$sb" '%.3f') | $(errors_of "$yb") |"
} >>"$wtbl"
fig_value "$yb.rows" "$(calc '%.0f' "$(med "$yb" 2)")" rows/s
fig_value "$yb.batch_p50" "$(p "$yb" 3)" ms
fig_value "$yb.batch_p99" "$(p "$yb" 4)" ms
fig_ratio "$yb.vs_sqlite_${bulk_rows}pertx" "$(calc '%.3f' "$(ratios "$yb" "$sb" | cut -d' ' -f1)")"
fig_value "$sb.rows" "$(calc '%.0f' "$(med "$sb" 2)")" rows/s
report_check yizhan.bulk.filings "$bulk_filings" yizhan.bulk.faults "$bulk_bad" \
    "bulk filings of 渝0112: $bulk_bad faults ($bulk_filings filings, $bulk_ok_total rows accepted)" \
    "$bulk_filings bulk filings in 渝0112 for $bulk_ok_total rows accepted, $bulk_bad faults (missing, extra, or not a submitted bulk filing)."
# What committing in groups gains over committing each create alone: the same
# product, the same requests, the same run.
{
    echo
    echo "| group commit | conns | grouped creates/s | each alone creates/s | gain |"
    echo "|---|---:|---:|---:|---:|"
} >>"$wtbl"
for c in $conns_list; do
    g=yizhan.create.c$c a=yizhan.create1.c$c
    gain=$(calc '%.2f' "$(ratios "$g" "$a" | cut -d' ' -f1)")
    echo "| POST /api/v1/matters (inquiry) | $c | $(range "$g") | $(range "$a") | $(rratio "$g" "$a" '%.2f') |" >>"$wtbl"
    fig_ratio "yizhan.create.c$c.vs_each_alone" "$gain"
done
# The case numbers the concurrent registrations assigned in 渝0105: per year and
# type code, 1..n with none twice, and as many as registrations answered 200.
sqlite3 -readonly -separator ' ' "$work/var/yizhan.db" "SELECT count(*), count(DISTINCT seq),
    count(DISTINCT case_number), min(seq), max(seq) FROM cases WHERE court_id = $court_jb
    GROUP BY year, type_code" >"$work/caseno.txt" || die "sqlite3 could not read the case numbers"
numbers=$(awk '{ s += $1 } END { print s + 0 }' "$work/caseno.txt")
caseno_bad=$(awk -v ok="$reg_ok_total" '{ s += $1; b += ($1 - $2) + ($1 - $3) + ($4 != 1) + ($5 - $2) }
    END { print b + (s > ok ? s - ok : ok - s) }' "$work/caseno.txt")
report_check yizhan.register.case_numbers "$numbers" yizhan.register.case_number_faults "$caseno_bad" \
    "case numbers of 渝0105 not unique and gap-free: $(tr '\n' ';' <"$work/caseno.txt") (count, distinct seq, distinct numbers, min, max per year and type) for $reg_ok_total registrations" \
    "Case numbers after the concurrent registrations (\`cases\` of 渝0105, per year and type code):
$numbers numbers for $reg_ok_total registrations answered 200, $caseno_bad duplicates, gaps or mismatches."
fig_value sqlite.1pertx.rows "$(calc '%.0f' "$s1")" rows/s
fig_value sqlite.100pertx.rows "$(calc '%.0f' "$s100")" rows/s
fig_value sqlite.1pertx.commit_p99 "$(p sqlite.1pertx 4)" ms
fig_value yizhan.rss_before "$(calc '%.1f' "$rss0_kb / 1024")" MB
fig_value yizhan.rss "$(calc '%.1f' "$rss_kb / 1024")" MB
fig_value yizhan.rss_peak "$(calc '%.1f' "$hwm_kb / 1024")" MB
fig_value yizhan.rss_at_peak_reset "$(calc '%.1f' "$hwm_floor_kb / 1024")" MB
fig_value machine.busy_before_rounds_max "$busy_max" %
fig_value yizhan.db_size "$(calc '%.1f' "$db_bytes / 1048576")" MB
echo "$tok_figs" >>"$figs"
tok_doc=$(echo "$tok_figs" | sed -n 's/^value tokenizer.document.mbps \([0-9.]*\) .*/\1/p')
tok_query=$(echo "$tok_figs" | sed -n 's/^value tokenizer.query.mbps \([0-9.]*\) .*/\1/p')

# Targets of issue 7 that this harness can already judge.
verdict() { if [ "$1" = 1 ]; then echo met; else echo "**not met**"; fi; }
mr=$(grep '^ratio yizhan.matter.c64.vs_nginx ' "$figs" | cut -d' ' -f3)
mp99=$(p yizhan.matter.c64 4)
cr=$(calc '%.0f' "$(med yizhan.create.c64 2)")
t_read=$(awk "BEGIN { print (($mr >= 0.60 && $mp99 <= 5) ? 1 : 0) }")
t_write=$(awk "BEGIN { print (($cr >= 5000) ? 1 : 0) }")
cr1=$(calc '%.0f' "$(med yizhan.create1.c64 2)")
t_group=$(awk "BEGIN { print (($cr >= 3 * $cr1) ? 1 : 0) }")
t_rss=$(awk "BEGIN { print (($hwm_kb < 65536 && $rss_kb < 65536) ? 1 : 0) }")
t_caseno=$(awk "BEGIN { print (($caseno_bad == 0 && $numbers > 0) ? 1 : 0) }")
t_stored=$(awk "BEGIN { print (($mat_bad == 0 && $mat_filings > 0 && $bulk_bad == 0 && $bulk_filings > 0) ? 1 : 0) }")
t_tok=$(awk "BEGIN { print (($tok_doc >= 40 && $tok_query >= 40) ? 1 : 0) }")

mode="full: $runs rounds of ${duration} s"
[ "$quick" = 1 ] && mode="quick: $runs round of ${duration} s (not for comparison)"
{
    echo "# Benchmark results"
    echo
    if [ "$quick" = 1 ]; then
        echo "Written by \`make bench-quick\`; the committed figures are in bench/RESULTS.md (\`make bench\`)."
    else
        echo "Written by \`make bench\` (bench/run.sh); rerun it to replace this file. How the figures"
        echo "are made, and what is not measured yet: bench/README.md."
    fi
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $when |"
    echo "| machine | $cpu_model; $cpu_cores cores, $cpu_logical logical CPUs (/proc/cpuinfo), nproc $ncpu; ${mem_mb} MB RAM; Linux $kernel |"
    echo "| data directory | $fs_type (\$BENCH_TMPDIR or /var/tmp) |"
    echo "| yizhan | $bin_what, $threads threads, access log off |"
    echo "| references | nginx $nginx_version, 2 workers, access log off; SQLite $sqlite_version |"
    echo "| load | $wrk_version, keep-alive, 2 threads, on the same machine as the servers |"
    echo "| mode | $mode; figures are medians (min–max) of the rounds, rounds interleaved |"
    echo "| quiet? | load average at the start $loadavg; CPU busy in the second before each round (servers idle): $busy_list |"
    echo
    echo "## Reads: yizhan ÷ nginx serving the same bytes as a static file"
    echo
    cat "$tbl"
    echo
    echo "## Durable writes: yizhan ÷ raw SQLite with the same durability"
    echo
    echo "Every create is acknowledged after its commit (WAL, synchronous=FULL). The SQLite rows are"
    echo "$row_bytes bytes, the size of the matter record yizhan returns; a create in yizhan writes"
    echo "six rows (the event, the matter, its participant, its deadline, an outbox message, the"
    echo "idempotency record) and updates the hash-chain head. A filing also seals the parties'"
    echo "citizen ids, phones and addresses; a registration assigns the case number and the fee,"
    echo "links the parties, proposes a track and queues the notices (a run of a fixed count of"
    echo "registrations, each of a filing of its own, with curl; its figure is registrations/s)."
    echo "A filing with materials is two uploads and the filing naming them, by party accounts made"
    echo "for the run (200 uploads each in 24 hours); its figure is filings/s. A bulk batch files"
    echo "$bulk_rows complaints in one transaction; its figure is rows filed/s."
    echo
    cat "$wtbl"
    echo
    echo "## Server"
    echo
    echo "Resident memory of yizhan (VmRSS): $(calc '%.1f' "$rss0_kb / 1024") MB before the load, $(calc '%.1f' "$rss_kb / 1024") MB after all runs,"
    echo "$(calc '%.1f' "$hwm_kb / 1024") MB at the peak (VmHWM, $hwm_what; at most $(calc '%.1f' "$hwm_floor_kb / 1024") MB"
    echo "when it was reset after making accounts, so a higher peak is under load);"
    echo "database with WAL after the runs: $(calc '%.1f' "$db_bytes / 1048576") MB."
    echo
    echo "## Targets of issue 7 judged by this run"
    echo
    echo "| target | this run | |"
    echo "|---|---|---|"
    echo "| case read by id ≥ 0.60 of nginx at 64 connections, p99 ≤ 5 ms | GET /api/v1/matters/{id}: $mr, p99 $mp99 ms | $(verdict "$t_read") |"
    echo "| durable creates ≥ 5,000/s end to end | $cr/s at 64 connections | $(verdict "$t_write") |"
    echo "| durable creates ≥ 3× one commit per request (the same server with storage.max_group=1) | $cr/s vs $cr1/s at 64 connections | $(verdict "$t_group") |"
    echo "| case numbers unique and gap-free under concurrent registration | $numbers numbers, $caseno_bad faults | $(verdict "$t_caseno") |"
    echo "| filings with materials and bulk filings all stored as acknowledged | $mat_bad and $bulk_bad faults | $(verdict "$t_stored") |"
    echo "| server RSS < 64 MB | $(calc '%.1f' "$rss_kb / 1024") MB after the runs, $(calc '%.1f' "$hwm_kb / 1024") MB at the peak | $(verdict "$t_rss") |"
    echo "| Chinese tokenizer ≥ 40 MB/s | document side $tok_doc MB/s, query side $tok_query MB/s (in process, median of $tok_runs runs, load average $tok_load) | $(verdict "$t_tok") |"
    echo
    echo "## Figures (the lines \`bench/run.sh\` prints last)"
    echo
    echo '```'
    cat "$figs"
    echo '```'
} >"$results_md.new"
# The data-at-scale sections (bench/data.sh) stay: they come from separate, long runs.
if [ -f "$ROOT/bench/RESULTS.md" ]; then
    awk '/^<!-- data-at-scale-[0-9]+:/ { keep = 1 } keep { print } /^<!-- \/data-at-scale-[0-9]+ -->/ { keep = 0; print "" }' \
        "$ROOT/bench/RESULTS.md" >"$work/data-sections.md"
    if [ -s "$work/data-sections.md" ]; then
        { echo; cat "$work/data-sections.md"; } >>"$results_md.new"
    fi
fi
mv "$results_md.new" "$results_md"
say "wrote $results_md"

cat "$figs"
