#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# make bench: vigil side by side with the peer tools, in the same run, on the
# same machine, reported as ratios. Nothing here is a pass/fail test.
#
#   BENCH_SECONDS=60     window of the CPU comparison (vigil record vs top -b)
#   BENCH_PROCS=500      processes on the system during it (sleepers are added);
#                        use BENCH_PROCS=2000 for the key-press figure at 2,000
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
  tmux -L "vigil-bench-$$" kill-server 2>/dev/null || true
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

# utime+stime (clock ticks) of a live process
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sock="vigil-bench-$$"
tm() { tmux -L "$sock" "$@"; }
pane_pid() { tm list-panes -t "$1" -F '#{pane_pid}'; }

echo "== live console: first frame, key presses, CPU at a 1 s interval over ${SECONDS_CPU}s"
# first frame: vigil logs the time from its start to the first drawn frame
for i in 1 2 3 4 5; do
  VIGIL_LOG="$work/first.log" tm new-session -d -s "f$i" -x 100 -y 30 \
    "XDG_STATE_HOME=$work $VIGIL --no-record"
  for _ in $(seq 100); do grep -q "first frame" "$work/first.log" 2>/dev/null && break; sleep 0.05; done
  tm send-keys -t "f$i" q
  sleep 0.3
  mv "$work/first.log" "$work/first.$i.log"
done
awk '/first frame drawn/ {v=$(NF-3); s+=v; n++; if (v>m) m=v} END {
  printf "start to first drawn frame: avg %.1f ms, max %.1f ms over %d starts (target < 150 ms)\n", s/n, m, n }' \
  "$work"/first.*.log

VIGIL_LOG="$work/live.log" tm new-session -d -s vigil -x 120 -y 40 \
  "XDG_STATE_HOME=$work $VIGIL -i 1s"
tm new-session -d -s htop -x 120 -y 40 "htop -d 10"
tm new-session -d -s top -x 120 -y 40 "top -d 1"
sleep 2
vp=$(pgrep -P "$(pane_pid vigil)" -x vigil || pane_pid vigil)
hp=$(pane_pid htop); tp=$(pane_pid top)
v0=$(ticks_of "$vp"); h0=$(ticks_of "$hp"); t0=$(ticks_of "$tp")
sleep "$SECONDS_CPU"
v1=$(ticks_of "$vp"); h1=$(ticks_of "$hp"); t1=$(ticks_of "$tp")
hz=$(getconf CLK_TCK)
echo "vigil (console, recording): $(( v1 - v0 )) ticks; htop -d 10: $(( h1 - h0 )); top -d 1: $(( t1 - t0 )) (1 tick = 1/${hz} s)"
echo "ratio vigil/top: $(ratio $(( v1 - v0 )) $(( t1 - t0 )))   vigil/htop: $(ratio $(( v1 - v0 )) $(( h1 - h0 )))   (target vigil/top <= 1.0)"

# key presses: 40 keys into the table (vigil logs read-to-drawn time of each batch)
for k in Down Down Down Down Down Up Up PageDown PageUp End Home P M N C F6 I t t Down \
         Down Down Down Down Down Up Up PageDown PageUp End Home P M N C F6 I t t Down; do
  tm send-keys -t vigil "$k"; sleep 0.05
done
sleep 0.5
awk '/handled and drawn/ {v=$(NF-1); s+=v; n++; if (v>m) m=v} END {
  if (n) printf "key press, read to drawn, %d processes: avg %.2f ms, max %.2f ms over %d batches (target < 50 ms)\n", '"$nprocs"', s/n, m, n }' \
  "$work/live.log"
tm kill-server
echo

echo "== recording size at a 1 s interval over ${SECONDS_CPU}s: vigil record vs atop -w (same window)"
"$VIGIL" record -i 1s -d "${SECONDS_CPU}s" -o "$work/size.vigil" 2>/dev/null &
vpid=$!
atop -w "$work/size.atop" 1 "$SECONDS_CPU" >/dev/null 2>&1 &
apid=$!
wait $vpid $apid
vs=$(( $(stat -c %s "$work/size.vigil") + $(stat -c %s "$work/size.vigil-wal" 2>/dev/null || echo 0) ))
as=$(stat -c %s "$work/size.atop")
echo "vigil: $vs bytes ($(( vs * 3600 / SECONDS_CPU / 1024 )) KiB per hour); atop -w: $as bytes ($(( as * 3600 / SECONDS_CPU / 1024 )) KiB per hour)"
echo "ratio vigil/atop: $(ratio "$vs" "$as")   (target <= 1.0)"
echo

echo "== replay of a generated 24-hour session (1 s ticks, 400 processes, a target)"
"$BENCH_TOOLS/gensession" "$work/day.vigil" "${BENCH_REPLAY_TICKS:-86400}"
echo "session: $(( $(stat -c %s "$work/day.vigil") / 1048576 )) MiB"
VIGIL_LOG="$work/replay.log" tm new-session -d -s replay -x 120 -y 40 \
  "TZ=UTC $VIGIL replay $work/day.vigil"
for _ in $(seq 100); do grep -q "first frame" "$work/replay.log" 2>/dev/null && break; sleep 0.1; done
rp=$(pgrep -P "$(pane_pid replay)" -x vigil || pane_pid replay)
tm send-keys -t replay Escape
rss0=$(awk '/VmRSS/ {print $2}' "/proc/$rp/status")
: >"$work/replay.log"
for when in +6h +3h -5h end start +12h -90m +17h 03:00 -1h; do
  tm send-keys -t replay b; sleep 0.1
  tm send-keys -t replay -l -- "$when"; tm send-keys -t replay Enter; sleep 0.6
done
awk '/handled and drawn/ && $(NF-1) > 1 {v=$(NF-1); s+=v; n++; if (v>m) m=v} END {
  printf "seek (b TIME Enter, overview drawn): avg %.1f ms, max %.1f ms over %d jumps (target < 100 ms)\n", s/n, m, n }' \
  "$work/replay.log"
: >"$work/replay.log"
for _ in 1 2 3 4; do tm send-keys -t replay -- -; sleep 2; done
awk '/handled and drawn/ {v=$(NF-1)} END { printf "24 h graph window drawn in %.1f ms (target < 200 ms)\n", v }' "$work/replay.log"
for _ in 1 2 3 4 5 6 7 8 9 10; do tm send-keys -t replay b; tm send-keys -t replay -l -- "-2h"; tm send-keys -t replay Enter; sleep 1.2; done
rss1=$(awk '/VmRSS/ {print $2}' "/proc/$rp/status")
echo "replay RSS: ${rss0} KiB at the start, ${rss1} KiB after 20 seeks and a 24 h window (ratio $(ratio "$rss1" "$rss0"))"
tm kill-server
echo

if [ "$RSS_SECONDS" -ge 120 ]; then
  echo "== vigil's own RSS over ${RSS_SECONDS}s at a 100 ms interval"
  "$VIGIL" record -i 100ms -d "${RSS_SECONDS}s" -o "$work/rss.vigil" 2>/dev/null &
  rpid=$!
  kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$rpid/status"; }
  sleep 60
  rss1=$(kib VmRSS); anon1=$(kib RssAnon)
  sleep $((RSS_SECONDS - 61))
  rss2=$(kib VmRSS); anon2=$(kib RssAnon)
  wait $rpid
  echo "RSS after 1 min: ${rss1} KiB; after $((RSS_SECONDS / 60)) min: ${rss2} KiB; growth $((rss2 - rss1)) KiB (ratio $(ratio "$rss2" "$rss1"), target 1.00)"
  echo "of which anonymous (vigil's own allocations): ${anon1} KiB -> ${anon2} KiB (ratio $(ratio "$anon2" "$anon1"))"
fi

# The always-on recorder vs top and atop's raw-log writer (bench/daemon.sh)
echo
"$(dirname "$0")/daemon.sh"

# The console's CPU with and without a daemon recording (bench/console.sh)
echo
"$(dirname "$0")/console.sh"

# A target with 5,000 threads vs top -H (bench/threads.sh)
echo
"$(dirname "$0")/threads.sh"

# /metrics: a scrape's cost, recording with and without scrapes, node_exporter
# (bench/scrape.sh)
echo
"$(dirname "$0")/scrape.sh"
# Exit accounting under a fork storm (bench/exitcost.sh)
echo
"$(dirname "$0")/exitcost.sh"
# 500 cgroups: vigil's collector vs systemd-cgtop (bench/cgroups.sh)
echo
"$(dirname "$0")/cgroups.sh"

# StatsD, heap collectors and the profiler (bench/rooms.sh)
echo
"$(dirname "$0")/rooms.sh"

# Wall-clock profiles: perf_event vs ptrace vs perf record (bench/wallcost.sh)
echo
"$(dirname "$0")/wallcost.sh"
# A daemon's directory read as one timeline (bench/history.sh)
echo
"$(dirname "$0")/history.sh"
