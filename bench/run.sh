#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# make bench: vigil side by side with the peer tools, in the same run, on the
# same machine, reported as ratios. Nothing here is a pass/fail test.
#
#   BENCH_SECONDS=60     window of the CPU comparison (vigil record vs top -b)
#   BENCH_PROCS=500      processes on the system during it (sleepers are added)
#   BENCH_RSS_SECONDS=600  length of the 100 ms RSS-growth run (< 120 skips it)
#
# CPU time is user+system of each tool over the same window, taken from the
# kernel's accounting of the finished process (bash `times` in a subshell).
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
FIXTURES=${FIXTURES:-build/fixtures}
SECONDS_CPU=${BENCH_SECONDS:-60}
PROCS=${BENCH_PROCS:-500}
RSS_SECONDS=${BENCH_RSS_SECONDS:-600}
work=$(mktemp -d /tmp/vigil-bench-XXXXXX)
sleepers=()

cleanup() {
  [ ${#sleepers[@]} -gt 0 ] && kill "${sleepers[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Children's user+sys seconds of one command, printed by `times` in a subshell.
cpu_of() {
  ( "$@" >/dev/null 2>&1; times ) | tail -n 1 | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f\n", u[1]*60+u[2] + s[1]*60+s[2] }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

have=$(ls -d /proc/[0-9]* | wc -l)
while [ "$have" -lt "$PROCS" ]; do
  "$FIXTURES/sleeper" >/dev/null &
  sleepers+=($!)
  have=$((have + 1))
done
sleep 1
nprocs=$(ls -d /proc/[0-9]* | wc -l)
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $nprocs processes"
echo

echo "== CPU cost at a 1 s interval over ${SECONDS_CPU}s (vigil records to SQLite; top prints to /dev/null)"
cpu_of "$VIGIL" record -i 1s -d "${SECONDS_CPU}s" -o "$work/cpu.vigil" >"$work/vigil.cpu" &
vpid=$!
cpu_of top -b -d 1 -n "$SECONDS_CPU" >"$work/top.cpu" &
tpid=$!
wait $vpid $tpid
v=$(cat "$work/vigil.cpu"); t=$(cat "$work/top.cpu")
vh=$(awk -v c="$v" -v s="$SECONDS_CPU" 'BEGIN { printf "%.1f", c * 3600 / s }')
th=$(awk -v c="$t" -v s="$SECONDS_CPU" 'BEGIN { printf "%.1f", c * 3600 / s }')
size=$(stat -c %s "$work/cpu.vigil")
wal=$(stat -c %s "$work/cpu.vigil-wal" 2>/dev/null || echo 0)
echo "vigil record: ${v}s CPU = ${vh}s per hour"
echo "top -b -d 1:  ${t}s CPU = ${th}s per hour"
echo "ratio vigil/top: $(ratio "$v" "$t")   (target <= 1.0)"
echo "session size: $(( (size + wal) / 1024 )) KiB for ${SECONDS_CPU}s = $(( (size + wal) * 3600 / SECONDS_CPU / 1048576 )) MiB per hour"
echo

if [ "$RSS_SECONDS" -ge 120 ]; then
  echo "== vigil's own RSS over ${RSS_SECONDS}s at a 100 ms interval"
  "$VIGIL" record -i 100ms -d "${RSS_SECONDS}s" -o "$work/rss.vigil" 2>/dev/null &
  rpid=$!
  sleep 60
  rss1=$(awk '/VmRSS/ {print $2}' "/proc/$rpid/status")
  sleep $((RSS_SECONDS - 61))
  rss2=$(awk '/VmRSS/ {print $2}' "/proc/$rpid/status")
  wait $rpid
  echo "RSS after 1 min: ${rss1} KiB; after $((RSS_SECONDS / 60)) min: ${rss2} KiB; growth $((rss2 - rss1)) KiB (ratio $(ratio "$rss2" "$rss1"), target 1.00)"
fi
