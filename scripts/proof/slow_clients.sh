#!/bin/sh
# Slow clients (SECURITY.md T14) for `make proof`: slowhttptest holds many
# slow connections against a demo server ($YZ_BIN, the ASan/UBSan test
# build) — slow headers (slowloris), slow body, slow read — while a probe
# sends a real request every half second. Every real request must be
# answered (2xx) within 2 s, the server must survive, and its log must hold
# no sanitizer report. Bounded: SLOW_SECONDS (default 30) per attack, 3
# attacks. Prints its figures as the last lines; exits 1 on any failure.
set -u
YZ_BIN=${YZ_BIN:-build/test/yizhan}
YZ_DATA=${YZ_DATA:-data}
seconds=${SLOW_SECONDS:-30}
conns=${SLOW_CONNECTIONS:-400}
command -v slowhttptest >/dev/null || { echo "slow clients: slowhttptest is not installed (scripts/deps.sh --proof)"; exit 1; }
work=$(mktemp -d /tmp/yz-slow-XXXXXX)
server=
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$server" 2>/dev/null || break; sleep 1; done
        kill -0 "$server" 2>/dev/null && kill -KILL "$server"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
"$YZ_BIN" init --demo --dir "$work/d" --data "$YZ_DATA" >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
"$YZ_BIN" serve --dir "$work/d" --data "$YZ_DATA" --port 0 --port-file "$work/d/port" \
    >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 150); do [ -s "$work/d/port" ] && break; sleep 0.1; done
port=$(cat "$work/d/port")
base="http://127.0.0.1:$port"

total=0
answered=0
failed=0
for mode in H B X; do
    case $mode in
    H) name="slow headers"; args="-H" ;;
    B) name="slow body"; args="-B -s 8192" ;;
    X) name="slow read"; args="-X -k 3 -n 5 -w 1 -y 2 -z 1" ;;
    esac
    url="$base/api/v1/courts"
    [ "$mode" = B ] && url="$base/api/v1/session"
    # shellcheck disable=SC2086
    slowhttptest $args -c "$conns" -r 200 -i 5 -l "$seconds" -t "$( [ "$mode" = B ] && echo POST || echo GET )" \
        -u "$url" -p 3 -g -o "$work/slow-$mode" >"$work/slow-$mode.log" 2>&1 &
    attack=$!
    sleep 3 # let the connections pile up
    n=0
    ok=0
    end=$(( $(date +%s) + seconds - 5 ))
    while [ "$(date +%s)" -lt "$end" ]; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/api/v1/courts" || true)
        n=$((n + 1))
        [ "$code" = 200 ] && ok=$((ok + 1))
        sleep 0.5
    done
    wait "$attack"
    held=$(awk -F, 'NR > 1 && $4 > m { m = $4 } END { print m + 0 }' "$work/slow-$mode.csv" 2>/dev/null)
    echo "slow clients: $name: $n real requests during the attack, $ok answered within 2 s" \
        "(at most ${held:-?} slow connections held)"
    total=$((total + n))
    answered=$((answered + ok))
    [ "$ok" -eq "$n" ] || failed=$((failed + 1))
done
alive=yes
kill -0 "$server" 2>/dev/null || { alive=no; failed=$((failed + 1)); }
# A clean stop: exit status 0, no sanitizer report (leaks are reported at exit).
kill -TERM "$server" 2>/dev/null
wait "$server"
status=$?
server=
[ "$status" -eq 0 ] || failed=$((failed + 1))
reports=$(grep -cE "AddressSanitizer|runtime error|LeakSanitizer" "$work/server.log" || true)
[ "${reports:-0}" -eq 0 ] || failed=$((failed + 1))
echo "slow clients: $total real requests, $answered answered within 2 s; server alive: $alive," \
    "exit status $status, sanitizer reports: ${reports:-0}"
[ "$failed" -eq 0 ]
