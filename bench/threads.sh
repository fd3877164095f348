#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A target with thousands of threads: `vigil record -p` against `top -H -p`
# on the same process, side by side over the same window, as a ratio of CPU
# time (user+system of each finished process, bash `times` in a subshell).
# Part of make bench; runs alone as bench/threads.sh.
#
#   BENCH_THREADS=5000         threads of the fixture (2 of them spinning)
#   BENCH_THREADS_SECONDS=60   window at a 1 s interval
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
FIXTURES=${FIXTURES:-build/fixtures}
N=${BENCH_THREADS:-5000}
SECS=${BENCH_THREADS_SECONDS:-60}
work=$(mktemp -d /tmp/vigil-bench-threads-XXXXXX)
fx=

cleanup() {
  [ -n "$fx" ] && kill "$fx" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cpu_of() {
  ( "$@" >/dev/null 2>&1; times ) | tail -n 1 | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f\n", u[1]*60+u[2] + s[1]*60+s[2] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

"$FIXTURES/threads" "$N" 2 >"$work/ready" &
fx=$!
for _ in $(seq 100); do grep -q ready "$work/ready" 2>/dev/null && break; sleep 0.1; done
threads=$(ls "/proc/$fx/task" | wc -l)

echo "== a target with $threads threads, ${SECS}s at 1 s: vigil record -p vs top -H -b -d 1 -p (RLIMIT_NOFILE $(ulimit -n))"
cpu_of "$VIGIL" record -p "$fx" -i 1s -d "${SECS}s" -o "$work/t.vigil" >"$work/vigil.cpu" &
vpid=$!
cpu_of top -H -b -d 1 -n "$SECS" -p "$fx" >"$work/top.cpu" &
tpid=$!
wait $vpid $tpid
v=$(cat "$work/vigil.cpu"); t=$(cat "$work/top.cpu")
ticks=$(sqlite3 -readonly "$work/t.vigil" "SELECT count(*) FROM ticks")
rows=$(sqlite3 -readonly "$work/t.vigil" "SELECT count(DISTINCT tick) FROM thread_samples")
echo "vigil: ${v} s CPU, $ticks ticks (thread detail on $rows); top -H: ${t} s CPU"
echo "per tick: vigil $(awk -v c="$v" -v n="$ticks" 'BEGIN { printf "%.1f", n ? c * 1000 / n : 0 }') ms, top $(awk -v c="$t" -v n="$SECS" 'BEGIN { printf "%.1f", c * 1000 / n }') ms"
echo "ratio vigil/top: $(ratio "$v" "$t")   (target <= 1.0)"
