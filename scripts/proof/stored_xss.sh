#!/bin/sh
# Stored XSS (SECURITY.md T6) for `make proof`: the whole payload corpus of
# web/tests/stored_xss.test.mjs (YZ_XSS_FULL=1) stored through the API in every
# text field the UI shows, every page showing them rendered in Debian's
# chromium as every role that sees them, against $YZ_BIN (the ASan/UBSan test
# build) serving web/dist. `make ui-test` runs the same test with a subset of
# the payloads. Prints the test's figures as the last line; exits 1 on failure.
set -u
cd "$(dirname "$0")/../.."
[ -x /usr/bin/chromium ] || [ -n "${YZ_CHROMIUM:-}" ] || { echo "stored XSS: /usr/bin/chromium is missing (scripts/deps.sh --test)"; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cd web
YZ_XSS_FULL=1 node --test --test-concurrency=1 --test-reporter=spec tests/stored_xss.test.mjs >"$out" 2>&1
rc=$?
cat "$out"
grep '^stored XSS:' "$out" | tail -n 1
exit "$rc"
