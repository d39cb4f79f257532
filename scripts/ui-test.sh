#!/bin/sh
# Browser tests (web/tests/*.test.mjs, node's test runner): playwright-core
# drives Debian's chromium against a release server on loopback. Prints the
# runner's report, then one closing line "ui: N passed, N failed".
# Screenshots and the TAP record go to build/ui-test-output/.
set -u
cd "$(dirname "$0")/.."
out=build/ui-test-output
rm -rf "$out"
mkdir -p "$out"
if [ ! -x /usr/bin/chromium ] && [ -z "${YZ_CHROMIUM:-}" ]; then
    echo "ui-test: /usr/bin/chromium is missing (scripts/deps.sh --test installs it)" >&2
    exit 1
fi
cd web
node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination=../$out/results.tap \
    tests/
rc=$?
cd ..
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out/results.tap" | tail -n 1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out/results.tap" | tail -n 1)
[ "$rc" -ne 0 ] && [ "${fail:-0}" -eq 0 ] && fail=1
echo "ui: ${pass:-0} passed, ${fail:-0} failed"
exit "$rc"
