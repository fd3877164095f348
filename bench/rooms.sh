#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The rooms built on the foundation, measured by make bench (called from
# bench/run.sh with the same environment): StatsD ingest and histogram
# merging, the cost of the heap collectors, the profiler's cost next to
# perf record on the same target, and the console attached to a process on
# its Memory panel next to top, each pair in the same run. Figures, never
# pass/fail.
set -u
work=$(mktemp -d /tmp/vigil-bench-rooms-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "== StatsD: ingest on one core, UDP without drops, merging an hour of per-tick histograms"
"$BENCH_TOOLS/statsd_bench" ingest
"$BENCH_TOOLS/statsd_bench" udp 10000 5
"$BENCH_TOOLS/statsd_bench" udp 500000 5
"$BENCH_TOOLS/statsd_bench" merge
echo

echo "== system collector: one tick, and what diskstats + net/dev add to it"
"$BENCH_TOOLS/iocost"
echo

echo "== heap collectors: smaps_rollup and smaps of a process with 100, 10k, 60k mappings"
FIXTURES="$FIXTURES" "$BENCH_TOOLS/heapcost"
echo

# A fixed amount of work in a distro binary built without frame pointers
# (dash): its wall time alone, under vigil profile and under perf record.
work_once() { /usr/bin/time -f %e sh -c 'i=0; while [ $i -lt 3000000 ]; do i=$((i+1)); done' 2>&1; }
under() { # under TOOL: the work's wall time while TOOL samples it at 99 Hz
  sh -c 'i=0; while [ $i -lt 3000000 ]; do i=$((i+1)); done' &
  local pid=$! t0 t1
  t0=$(date +%s.%N)
  case $1 in
  vigil) "$VIGIL" profile -p "$pid" -F 99 -d 600s -o "$work/vigil.folded" --format folded 2>"$work/vigil.err" & ;;
  perf) perf record -q -F 99 --call-graph dwarf -o "$work/perf.data" -p "$pid" 2>/dev/null & ;;
  esac
  wait "$pid"
  t1=$(date +%s.%N)
  wait 2>/dev/null
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
echo "== profiler: slowdown of a CPU-bound target at 99 Hz, vigil profile vs perf record --call-graph dwarf"
if perf record -q -o "$work/probe.data" -- true 2>/dev/null; then
  base=$(work_once); v=$(under vigil); p=$(under perf); base2=$(work_once)
  base=$(awk -v a="$base" -v b="$base2" 'BEGIN { printf "%.2f", (a + b) / 2 }')
  echo "unprofiled ${base}s, under vigil ${v}s, under perf ${p}s"
  echo "slowdown: vigil $(awk -v v="$v" -v b="$base" 'BEGIN { printf "%.1f%%", (v / b - 1) * 100 }'), perf $(awk -v p="$p" -v b="$base" 'BEGIN { printf "%.1f%%", (p / b - 1) * 100 }')   ratio vigil/perf time: $(ratio "$v" "$p")   (target <= 1.0)"
  sed -n 's/.*\(unwind [0-9.]* *us per sample\).*/vigil: \1/p; s/.*\(lost [0-9]*\).*/vigil: \1/p' "$work/vigil.err"
  echo "vigil samples: $(awk '{ s += $NF } END { print s + 0 }' "$work/vigil.folded")"
else
  echo "perf record does not work here: skipped"
fi
echo

# The console attached to a process, on the Memory panel (heap graph, floor
# line, leak verdict: the per-tick queries of the memory room), next to top
# refreshing every second over the same window.
secs=${BENCH_SECONDS:-60}
echo "== live console attached to a leaking process, Memory panel, CPU at a 1 s interval over ${secs}s"
"$FIXTURES/leaker" 65536 200 >/dev/null &
leaker=$!
sock="vigil-bench-rooms-$$"
tm() { tmux -L "$sock" "$@"; }
tm new-session -d -s vigil -x 120 -y 40 "XDG_STATE_HOME=$work $VIGIL -i 1s -p $leaker"
tm new-session -d -s top -x 120 -y 40 "top -d 1"
sleep 2
tm send-keys -t vigil Tab Tab
vp=$(pgrep -P "$(tm list-panes -t vigil -F '#{pane_pid}')" -x vigil || tm list-panes -t vigil -F '#{pane_pid}')
tp=$(tm list-panes -t top -F '#{pane_pid}')
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
v0=$(ticks_of "$vp"); t0=$(ticks_of "$tp")
sleep "$secs"
v1=$(ticks_of "$vp"); t1=$(ticks_of "$tp")
tm kill-server
kill "$leaker" 2>/dev/null
echo "vigil (console, attached, Memory panel): $(( v1 - v0 )) ticks; top -d 1: $(( t1 - t0 )) (1 tick = 1/$(getconf CLK_TCK) s)"
echo "ratio vigil/top: $(ratio $(( v1 - v0 )) $(( t1 - t0 )))   (target <= 1.0)"
