#!/bin/sh
# Runs the release binary under valgrind through init --demo and a served
# session (login, create, history, search, OpenAPI, metrics, logout, SIGTERM):
# any memory error or definite leak fails. Complements the ASan/UBSan build,
# which the rest of `make test` uses. Loopback only; bounded in time.
set -u
bin=${1:-build/rel/yizhan}
dir=$(mktemp -d)
trap 'pkill -TERM -f "yizhan serve --dir $dir" 2>/dev/null; rm -rf "$dir"' EXIT
# scripts/valgrind.supp names the one upstream leak (cairo 1.16) that yizhan cannot free.
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --suppressions=$(dirname "$0")/valgrind.supp"
failed=0
passed=0
if timeout 300 $vg "$bin" init --dir "$dir/var" --demo >/dev/null 2>"$dir/init.log"; then
    passed=$((passed + 1))
else
    echo "valgrind: init failed"; tail -n 40 "$dir/init.log"; failed=$((failed + 1))
fi
# A court document typeset as PDF (cairo, pango, fontconfig, then their shutdown):
# once as it comes, once with pango's font sorting on its worker thread delayed
# (tests/shims/slow_fontsort.c) so that shutdown meets it still running.
render() { # NAME [ENV...]: renders the summons under valgrind, its log in $dir/NAME.log
    name=$1; shift
    if env "$@" timeout 300 $vg "$bin" template render summons \
        --case-file tests/fixtures/template_case.json \
        --inputs tests/fixtures/template_inputs_summons.json --format pdf --out "$dir/$name.pdf" \
        >/dev/null 2>"$dir/$name.log" && head -c 5 "$dir/$name.pdf" | grep -q '%PDF-'; then
        passed=$((passed + 1))
    else
        echo "valgrind: template render ($name) failed"
        grep -v '^==[0-9]*==    ' "$dir/$name.log" | head -n 20; tail -n 40 "$dir/$name.log"
        failed=$((failed + 1))
    fi
}
render pdf
render pdf-slow-sort LD_PRELOAD="$(dirname "$bin")/shims/slow_fontsort.so" YZ_SLOW_FONTSORT_MS=2000
( timeout 300 $vg "$bin" serve --dir "$dir/var" --port 0 --port-file "$dir/port" 2>"$dir/serve.log"
  echo $? >"$dir/serve.rc" ) &
i=0
while [ ! -s "$dir/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$dir/port" 2>/dev/null)
base="http://127.0.0.1:$port"
ok=1
login=$(curl -s -m 30 -c "$dir/jar" -H 'Content-Type: application/json' "$base/api/v1/session" \
    -d '{"login":"13800000001","password":"Yizhan-Demo-2026"}')
csrf=$(printf '%s' "$login" | sed -n 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$csrf" ] || ok=0
code=$(curl -s -m 30 -o /dev/null -w '%{http_code}' -b "$dir/jar" -H "X-CSRF-Token: $csrf" \
    -H 'Idempotency-Key: valgrind-smoke-1' -H 'Content-Type: application/json' "$base/api/v1/matters" \
    -d '{"kind":"inquiry","court_id":5,"title":"t","fields":{"question":"q","topic":"filing","channel":"web"}}')
[ "$code" = 201 ] || ok=0
for path in /api/v1/matters/1/events "/api/v1/causes?q=%E5%80%9F%E8%B4%B7" /api/v1/openapi.json /metrics \
    "/api/v1/fees/quote?kind=property&amount_fen=10000000" /nope; do
    curl -s -m 30 -o /dev/null -b "$dir/jar" "$base$path" || ok=0
done
code=$(curl -s -m 30 -o /dev/null -w '%{http_code}' -b "$dir/jar" -X DELETE -H "X-CSRF-Token: $csrf" "$base/api/v1/session")
[ "$code" = 204 ] || ok=0
pkill -TERM -f "yizhan serve --dir $dir" 2>/dev/null
i=0
while [ ! -s "$dir/serve.rc" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
rc=$(cat "$dir/serve.rc" 2>/dev/null)
if [ "$ok" = 1 ] && [ "$rc" = 0 ]; then
    passed=$((passed + 1))
else
    echo "valgrind: serve failed (requests ok=$ok, exit=$rc)"; grep -v '"ts"' "$dir/serve.log" | tail -n 40
    failed=$((failed + 1))
fi
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
