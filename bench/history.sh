#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Reading a daemon's directory as one timeline: hourly session files from
# gensession (400 processes at 1 s, as `vigil daemon` would write them),
# then `vigil report DIR` over all of them, over the last hour and the last
# six, against one file alone: the cost of the copy store/history.h makes.
# Part of make bench; runs alone as bench/history.sh.
#
#   BENCH_HISTORY_HOURS=12   hourly files in the directory
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
BENCH_TOOLS=${BENCH_TOOLS:-build/bench}
HOURS=${BENCH_HISTORY_HOURS:-12}
work=$(mktemp -d /tmp/vigil-bench-history-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/dir" "$work/tmp"

start=$(( ($(date +%s) / 3600 - HOURS) * 3600 * 1000 ))
for h in $(seq 0 $((HOURS - 1))); do
  t=$((start + h * 3600000))
  "$BENCH_TOOLS/gensession" "$work/dir/generated-$(date -u -d @$((t / 1000)) +%Y%m%d-%H).vigil" 3600 "$t" >/dev/null
done
bytes=$(du -sb "$work/dir" | cut -f1)
one=$(ls "$work/dir"/*.vigil | head -n 1)

# Elapsed and user+system seconds of one report.
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  ( TMPDIR="$work/tmp" "$VIGIL" report "$@" >/dev/null 2>&1; times ) | tail -n 1 | awk -v t0="$t0" '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); cpu = u[1]*60+u[2] + s[1]*60+s[2]
    "date +%s.%N" | getline t1; printf "%.2f s elapsed, %.2f s CPU", t1 - t0, cpu }'
}

echo "directory of $HOURS hourly files ($((bytes / 1048576)) MiB):"
echo "  report DIR (all):        $(timed "$work/dir")"
echo "  report DIR --from -6h:   $(timed "$work/dir" --from -6h)"
echo "  report DIR --from -1h:   $(timed "$work/dir" --from -1h)"
echo "  report FILE (one hour):  $(timed "$one")"
left=$(ls -A "$work/tmp" | wc -l)
echo "  copies left behind: $left (want 0)"
