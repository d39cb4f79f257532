#!/bin/sh
# `make proof`: runs each proof suite (a command: a test binary or a script)
# one after another, each bounded by a time limit, with its output as it
# comes (every suite ends with its figures), then one line per suite with its
# result and duration. Exits non-zero when any suite failed or timed out.
# Limits: PROOF_SUITE_TIMEOUT seconds per suite (default 900); the whole run
# must stay under 30 minutes on the reference machine (README).
set -u
limit=${PROOF_SUITE_TIMEOUT:-900}
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
failed=0
start_all=$(date +%s)
for suite in "$@"; do
    name=${suite##*/}
    echo "==== proof: $name"
    start=$(date +%s)
    if timeout "$limit" "$suite"; then
        result=ok
    else
        rc=$?
        result="FAILED (exit $rc)"
        [ "$rc" -eq 124 ] && result="FAILED (timed out after $limit s)"
        failed=$((failed + 1))
    fi
    echo "$result  $name  $(( $(date +%s) - start )) s" >>"$summary"
done
echo "==== proof summary ($(( $(date +%s) - start_all )) s)"
cat "$summary"
[ "$failed" -eq 0 ]
