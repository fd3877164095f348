#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# What exit accounting costs under a fork storm: two `vigil record` at once
# over the same window, one with exit accounting (the default) and one with
# VIGIL_EXITS=off, their CPU time side by side (user+system of each finished
# process, bash `times` in a subshell), with what the first recorded: exits,
# and how many the kernel dropped or whose command line was gone.
# Two storms: stress-ng --fork (fork and exit, no exec) and --exec (fork,
# exec, exit: every exec is a command line to read). Part of make bench;
# runs alone as bench/exitcost.sh. Needs root (taskstats) and stress-ng.
#
#   BENCH_EXITS_SECONDS=30   window per storm at a 1 s interval
#   BENCH_EXITS_WORKERS=2    stress-ng workers per storm
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
SECS=${BENCH_EXITS_SECONDS:-30}
W=${BENCH_EXITS_WORKERS:-2}
work=$(mktemp -d /tmp/vigil-bench-exits-XXXXXX)
trap 'rm -rf "$work"' EXIT

cpu_of() {
  ( "$@" >/dev/null 2>&1; times ) | tail -n 1 | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f\n", u[1]*60+u[2] + s[1]*60+s[2] }'
}
forks() { awk '$1 == "processes" {print $2}' /proc/stat; }

if ! command -v stress-ng >/dev/null; then
  echo "== exit accounting: skipped (no stress-ng)"; exit 0
fi
for storm in fork exec; do
  on="$work/on-$storm.vigil"; off="$work/off-$storm.vigil"
  echo "== exit accounting under stress-ng --$storm $W, ${SECS}s at 1 s: vigil record with and without (VIGIL_EXITS=off), same window"
  f0=$(forks)
  stress-ng --"$storm" "$W" --timeout "$((SECS + 2))s" >/dev/null 2>&1 &
  sp=$!
  cpu_of "$VIGIL" record -i 1s -d "${SECS}s" --statsd off -o "$on" >"$work/on.cpu" &
  p1=$!
  cpu_of env VIGIL_EXITS=off "$VIGIL" record -i 1s -d "${SECS}s" --statsd off -o "$off" >"$work/off.cpu" &
  p2=$!
  wait $p1 $p2
  f1=$(forks)
  wait $sp || true
  a=$(cat "$work/on.cpu"); b=$(cat "$work/off.cpu")
  read -r n lost nocmd < <("$VIGIL" report --json "$on" | jq -r '.exits | "\(.count) \(.lost) \(.no_cmdline)"')
  echo "forks in the window: $((f1 - f0)) ($(( (f1 - f0) / SECS ))/s); exits recorded: $n, lost: $lost, no command line: $nocmd"
  echo "vigil record CPU: with exits ${a} s, without ${b} s; exit accounting costs $(awk -v a="$a" -v b="$b" -v s="$SECS" 'BEGIN { printf "%.3f s (%.1f%% of one core)", a - b, (a - b) * 100 / s }')"
  echo "session size: with exits $(( $(stat -c %s "$on") / 1024 )) KiB, without $(( $(stat -c %s "$off") / 1024 )) KiB"
done
