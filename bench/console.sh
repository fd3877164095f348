#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The live console's own CPU with and without `vigil daemon` recording on
# the same machine: the console in tmux (80x24, overview on screen) at 1 s
# with ~BENCH_PROCS processes (sleepers are added), CPU from /proc/PID/stat
# over the same BENCH_SECONDS window once it has started (its first
# BENCH_SETTLE seconds, which copy the daemon's last hour, are said apart).
#   1. no daemon: `vigil --no-history`
#   2. a daemon recording into a temp dir, the console with --history DIR
#      (it leaves the whole system's process table to the daemon)
# The daemon's CPU over the window is said too, for the sum.
#
#   BENCH_SECONDS=60  BENCH_PROCS=500  BENCH_SETTLE=5
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
FIXTURES=${FIXTURES:-build/fixtures}
WINDOW=${BENCH_SECONDS:-60}
PROCS=${BENCH_PROCS:-500}
SETTLE=${BENCH_SETTLE:-5}
work=$(mktemp -d /tmp/vigil-bench-console-XXXXXX)
sock="vigil-bench-console-$$"
sleepers=()
dpid=

cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "$dpid" ] && kill "$dpid" 2>/dev/null || true
  [ ${#sleepers[@]} -gt 0 ] && kill "${sleepers[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

hz=$(getconf CLK_TCK)
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
secs() { awk -v t="$1" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }'; }
nprocs() { local n=0 d; for d in /proc/[0-9]*; do n=$((n + 1)); done; echo "$n"; }

have=$(nprocs)
while [ "$have" -lt "$PROCS" ]; do
  "$FIXTURES/sleeper" >/dev/null &
  sleepers+=($!)
  have=$((have + 1))
done
sleep 1

# One console run: prints "startup_s window_s"; the daemon's pid in $dpid
# (or none) has its window CPU printed third.
console_cpu() {
  local pid t0 t1 d0=0 d1=0
  tmux -L "$sock" new -d -x 80 -y 24 "exec $VIGIL $* -i 1s -o $work/console-$RANDOM.vigil"
  pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
  sleep "$SETTLE"
  t0=$(ticks_of "$pid")
  [ -n "$dpid" ] && d0=$(ticks_of "$dpid")
  sleep "$WINDOW"
  t1=$(ticks_of "$pid")
  [ -n "$dpid" ] && d1=$(ticks_of "$dpid")
  tmux -L "$sock" capture-pane -p >"$work/screen.txt"
  tmux -L "$sock" send-keys q
  sleep 1
  tmux -L "$sock" kill-server 2>/dev/null || true
  echo "$(secs "$t0") $(secs $((t1 - t0))) $(secs $((d1 - d0)))"
}

echo "== the console's CPU, ${WINDOW}s at 1 s, $(nprocs) processes, 80x24, overview"
read -r s1 w1 _ < <(console_cpu --no-history)
echo "no daemon:          console ${w1}s CPU in ${WINDOW}s (first ${SETTLE}s: ${s1}s)"

"$VIGIL" daemon --dir "$work/d" -i 1s --statsd off 2>/dev/null &
dpid=$!
sleep 5
read -r s2 w2 dw < <(console_cpu --history "$work/d")
echo "daemon recording:   console ${w2}s CPU in ${WINDOW}s (first ${SETTLE}s: ${s2}s), daemon ${dw}s"
awk -v a="$w2" -v b="$w1" 'BEGIN { if (b > 0) printf "ratio with/without daemon: %.2f\n", a / b }'
grep -c . "$work/screen.txt" >/dev/null && head -n 3 "$work/screen.txt" | cut -c1-80
