#!/bin/sh
# Instructions per knowledge-base search under callgrind, in process
# (bench/kb_measure.c): every question of tests/fixtures/kb_eval.tsv once and
# the bench question (离婚诉讼费怎么交) N times, inside yz_kb_search's read
# transactions, JSON of the hits included. Unlike a timing, the count does not
# move when other jobs share the machine: the before/after figure of a change
# to the search.
#
# usage: bench/kb_callgrind.sh [N [KB_MEASURE_OPTIONS]]
#   (N default 50; make build/bench/kb_measure first; "--fts --tree" measures
#   the search as it was before the in-memory ranking and the text reply;
#   KB_MEASURE=path runs another build of kb_measure, e.g. an older commit's)
# Prints "value callgrind.kb.eval.ir_per_search N" (the questions of the set)
# and "value callgrind.kb.bench.ir_per_search N" (the bench question).
set -eu
cd "$(dirname "$0")/.."
N=${1:-50}
[ $# -gt 0 ] && shift
M=${KB_MEASURE:-build/bench/kb_measure}
for tool in valgrind callgrind_annotate; do
    command -v "$tool" >/dev/null || { echo "kb_callgrind.sh: $tool is missing" >&2; exit 2; }
done
[ -x "$M" ] || { echo "kb_callgrind.sh: make $M first" >&2; exit 2; }
W=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/yz-kbcg.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
questions=$(grep -vc '^#' tests/fixtures/kb_eval.tsv)
# ir RUNS [OPTIONS]: the instructions of search_all(RUNS).
ir() {
    n=$1
    shift
    valgrind --tool=callgrind --toggle-collect=search_all --callgrind-out-file="$W/cg.$n" \
        "$M" --runs 0 --bench "$n" "$@" >/dev/null 2>"$W/log.$n" || { cat "$W/log.$n" >&2; exit 1; }
    callgrind_annotate "$W/cg.$n" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
a=$(ir 0 "$@")
b=$(ir "$N" "$@")
echo "value callgrind.kb.eval.ir_per_search $((a / questions))"
echo "value callgrind.kb.bench.ir_per_search $(((b - a) / N))"
