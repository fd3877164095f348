#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The always-on recorder beside its peers, in the same run on the same
# machine with ~BENCH_PROCS processes (sleepers are added):
#   - CPU over the same BENCH_SECONDS window: `vigil daemon -i 1s` vs
#     `top -b -d 1` vs `atop -w FILE 1` (atop's raw-log writer, what
#     atop.service runs)
#   - bytes per hour of the daemon's files (packed, as after their hour) vs
#     atop's raw log
#   - the daemon runs on for BENCH_DAEMON_SECONDS in all; its files are then
#     compacted as after --compact-age (bench/compact.c), and a month in its
#     directory is estimated: 2 days at full resolution + 28 days compacted
#   - the daemon's RSS at the end of the window and at the end of its run
#
#   BENCH_SECONDS=60  BENCH_PROCS=500  BENCH_DAEMON_SECONDS=600
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
FIXTURES=${FIXTURES:-build/fixtures}
TOOLS=${BENCH_TOOLS:-build/bench}
WINDOW=${BENCH_SECONDS:-60}
PROCS=${BENCH_PROCS:-500}
RUN=${BENCH_DAEMON_SECONDS:-600}
[ "$RUN" -lt "$WINDOW" ] && RUN=$WINDOW
work=$(mktemp -d /tmp/vigil-bench-daemon-XXXXXX)
sleepers=()
dpid=

cleanup() {
  [ -n "$dpid" ] && kill "$dpid" 2>/dev/null || true
  [ ${#sleepers[@]} -gt 0 ] && kill "${sleepers[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cpu_of() {
  ( "$@" >/dev/null 2>&1; times ) | tail -n 1 | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f\n", u[1]*60+u[2] + s[1]*60+s[2] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
dir_bytes() { find "$1" -maxdepth 1 -name '*.vigil*' -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }

# a process may end between the glob and a look at it: count the names only
nprocs() { local n=0 d; for d in /proc/[0-9]*; do n=$((n + 1)); done; echo "$n"; }

have=$(nprocs)
while [ "$have" -lt "$PROCS" ]; do
  "$FIXTURES/sleeper" >/dev/null &
  sleepers+=($!)
  have=$((have + 1))
done
sleep 1
hz=$(getconf CLK_TCK)
echo "== vigil daemon vs top -b -d 1 vs atop -w, ${WINDOW}s at 1 s, $(nprocs) processes"

"$VIGIL" daemon --dir "$work/d" -i 1s --statsd off 2>/dev/null &
dpid=$!
cpu_of top -b -d 1 -n "$WINDOW" >"$work/top.cpu" &
tpid=$!
cpu_of atop -w "$work/raw.atop" 1 "$WINDOW" >"$work/atop.cpu" &
apid=$!
sleep "$WINDOW"
d=$(awk -v t="$(ticks_of "$dpid")" -v hz="$hz" 'BEGIN { printf "%.3f", t / hz }')
drss=$(rss_of "$dpid")
wait $tpid $apid
t=$(cat "$work/top.cpu"); a=$(cat "$work/atop.cpu")
abytes=$(stat -c %s "$work/raw.atop")
echo "vigil daemon:   ${d}s CPU"
echo "top -b -d 1:    ${t}s CPU"
echo "atop -w FILE 1: ${a}s CPU"
echo "ratio daemon/top: $(ratio "$d" "$t") (target <= 0.5)   daemon/atop: $(ratio "$d" "$a")"
echo "atop raw log: $(( abytes * 3600 / WINDOW / 1024 )) KiB per hour"
echo "daemon RSS after ${WINDOW}s: ${drss} KiB"

if [ "$RUN" -gt "$WINDOW" ]; then
  sleep $((RUN - WINDOW))
fi
drss2=$(rss_of "$dpid")
dticks=$(ticks_of "$dpid")
kill -TERM "$dpid"; wait "$dpid" || true; dpid=
# after a clean stop: no -wal, -shm; the start's fixed part (every process's
# identity) is in it once, so per hour is an over-estimate for short runs.
# The daemon packs a file once its hour has ended (store_pack): so does this
# copy, which is what the two days at full resolution take
mkdir "$work/p"
cp "$work"/d/*.vigil "$work/p/"
"$TOOLS/compact" --pack "$work"/p/*.vigil >/dev/null
full=$(dir_bytes "$work/p")
echo "daemon after ${RUN}s: RSS ${drss2} KiB, $(awk -v t="$dticks" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')s CPU, files $(( full / 1024 )) KiB"
echo "bytes per hour: daemon $(( full * 3600 / RUN / 1024 )) KiB, atop raw log $(( abytes * 3600 / WINDOW / 1024 )) KiB (ratio $(ratio $(( full * WINDOW )) $(( abytes * RUN ))))"

mkdir "$work/c"
cp "$work"/d/*.vigil "$work/c/"
"$TOOLS/compact" "$work"/c/*.vigil >"$work/compact.txt"
small=$(dir_bytes "$work/c")
echo "compacted (one tick a minute + rollups): $(( full / 1024 )) KiB -> $(( small / 1024 )) KiB"
# the fixed part (process identities, schema) is counted once per RUN here;
# scaling it to an hour over-estimates, so the month below is an upper bound
awk -v full="$full" -v small="$small" -v run="$RUN" 'BEGIN {
  fh = full * 3600 / run; ch = small * 3600 / run
  month = 48 * fh + 28 * 24 * ch
  printf "30 days (48 h full + 672 h compacted, from this run): %.0f MiB (full %.1f MiB/h, compacted %.2f MiB/h)\n",
    month / 1048576, fh / 1048576, ch / 1048576 }'
