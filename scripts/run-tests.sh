#!/bin/sh
# Runs test binaries one after another, each with a time limit, and prints
# one closing line "SUITE: N passed, N failed" counted from cmocka's output.
# Exits non-zero when any test failed or any binary crashed.
set -u
suite=$1
shift
# Known upstream leaks the test build cannot free (scripts/lsan.supp explains each).
LSAN_OPTIONS="suppressions=$(pwd)/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
passed=0
failed=0
crashed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for bin in "$@"; do
    name=${bin#build/test/}
    if timeout 600 "$bin" >"$log" 2>&1; then
        rc=0
    else
        rc=$?
    fi
    p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test(s), listed.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ] || [ -n "$f" ]; then
        [ -z "$f" ] && { crashed=$((crashed + 1)); failed=$((failed + 1)); }
        echo "---- $name failed (exit $rc) ----"
        tail -n 80 "$log"
    else
        echo "ok   $name (${p:-0} tests)"
    fi
done
echo "$suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$crashed" -eq 0 ]
