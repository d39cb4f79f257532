#!/bin/sh
# libFuzzer targets for `make proof` (SECURITY.md T13): each target in
# build/fuzz/bin (built from tests/fuzz/fuzz_*.c by clang with ASan and UBSan)
# first runs every kept regression input (tests/fuzz/regressions/<target>/),
# then fuzzes for FUZZ_SECONDS (default 60) from the committed corpus
# (tests/fuzz/corpus/<target>/; new inputs go to build/fuzz/corpus/, never
# into the repository). A crash leaves its input in build/fuzz/crashes/: fix
# the code and keep the input in tests/fuzz/regressions/<target>/. Prints the
# figures as its last lines; exits 1 when any target crashed.
set -u
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-60}
mkdir -p build/fuzz/crashes
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
failed=0
targets=0
for bin in build/fuzz/bin/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/}
    targets=$((targets + 1))
    regress=0
    if [ -d "tests/fuzz/regressions/$name" ] && [ -n "$(ls "tests/fuzz/regressions/$name")" ]; then
        regress=$(ls "tests/fuzz/regressions/$name" | wc -l)
        if ! "$bin" tests/fuzz/regressions/"$name"/* >"build/fuzz/$name.regress.log" 2>&1; then
            echo "fuzz: $name fails on a kept regression input:"
            tail -n 30 "build/fuzz/$name.regress.log"
            failed=$((failed + 1))
        fi
    fi
    mkdir -p "build/fuzz/corpus/$name"
    log="build/fuzz/$name.log"
    if "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="build/fuzz/crashes/$name-" "build/fuzz/corpus/$name" \
        "tests/fuzz/corpus/$name" >"$log" 2>&1; then
        result=ok
    else
        result=CRASH
        failed=$((failed + 1))
        echo "fuzz: $name crashed:"
        grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -n 10
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
    echo "fuzz: $name: $result, ${execs:-?} executions in $seconds s, ${cov:-cov: ?}," \
        "$regress regression inputs" >>"$summary"
done
cat "$summary"
echo "fuzz: $targets targets, $failed crashed or failed a regression input"
[ "$failed" -eq 0 ] && [ "$targets" -gt 0 ]
