#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# An accelerated soak of `vigil daemon`: a day's worth of ticks in about an
# hour. The daemon samples every SOAK_INTERVAL (40ms: 90,000 ticks an hour,
# a day's 86,400 at 1 s) while a loop forks short-lived processes (some live
# a few ticks, some end before the next one), rotating files as often as an
# hour of ticks fills (VIGIL_DAEMON_PERIOD) and compacting files past
# SOAK_COMPACT_AGE, so rotation, compaction and retention run as often as in
# a day. Its RSS is sampled every SOAK_EVERY seconds into SOAK_OUT.
#
# It is a tick-equivalent of a day, not a wall-clock day: anything that
# grows with wall time rather than with ticks, files or processes seen is
# not exercised. vigil refuses intervals under 100ms, so this needs a build
# with the floor lowered:
#   make BUILD=build/soak CFLAGS='-O2 -g -DINTERVAL_MIN_MS=40' build/soak/vigil
#
#   SOAK_SECONDS=3600 SOAK_INTERVAL=40ms SOAK_EVERY=30 SOAK_OUT=soak-rss.txt
#   SOAK_SLEEPERS=100 SOAK_COMPACT_AGE=10m SOAK_RETAIN_SIZE=256MiB
#   VIGIL=build/soak/vigil
set -euo pipefail

VIGIL=${VIGIL:-build/soak/vigil}
FIXTURES=${FIXTURES:-build/fixtures}
SECONDS_TOTAL=${SOAK_SECONDS:-3600}
INTERVAL=${SOAK_INTERVAL:-40ms}
EVERY=${SOAK_EVERY:-30}
OUT=${SOAK_OUT:-soak-rss.txt}
SLEEPERS=${SOAK_SLEEPERS:-100}
work=$(mktemp -d /tmp/vigil-soak-XXXXXX)
pids=()
dpid=
churn=

cleanup() {
  [ -n "$churn" ] && kill "$churn" 2>/dev/null || true
  [ -n "$dpid" ] && kill -TERM "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null || true
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' TERM INT

case $INTERVAL in
*ms) per=$(( ${INTERVAL%ms} * 3600 )) ;;
*s) per=$(( ${INTERVAL%s} * 3600 * 1000 )) ;;
*) echo "soak: SOAK_INTERVAL '$INTERVAL': use ms or s" >&2; exit 2 ;;
esac
# an hour of ticks per file, so a run rotates about as often as a day does
period=$(( per / 1000 ))
[ "$period" -lt 1 ] && period=1

for _ in $(seq 1 "$SLEEPERS"); do
  "$FIXTURES/sleeper" >/dev/null &
  pids+=($!)
done

# churn: ~20 forks a second; sleep 0.2 lives a few ticks, true none
(
  while :; do
    /bin/sleep 0.2 &
    /bin/true
    /bin/sleep 0.05
  done
) &
churn=$!

VIGIL_DAEMON_PERIOD=${period}s "$VIGIL" daemon --dir "$work/d" -i "$INTERVAL" \
  --statsd off --compact-age "${SOAK_COMPACT_AGE:-10m}" \
  --retain-size "${SOAK_RETAIN_SIZE:-256MiB}" 2>"$work/stderr" &
dpid=$!
hz=$(getconf CLK_TCK)
t0=$(date +%s)
{
  echo "# vigil daemon soak: -i $INTERVAL, files every ${period}s, $(date -u +%FT%TZ)"
  echo "# elapsed_s rss_kib cpu_s files dir_kib"
} >"$OUT"
while :; do
  now=$(date +%s)
  el=$((now - t0))
  if ! kill -0 "$dpid" 2>/dev/null; then
    echo "# daemon ended early:" "$(cat "$work/stderr")" >>"$OUT"
    exit 1
  fi
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$dpid/status")
  cpu=$(awk -v hz="$hz" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$dpid/stat")
  nf=$(find "$work/d" -maxdepth 1 -name '*.vigil' | wc -l)
  kib=$(du -sk "$work/d" | cut -f1)
  echo "$el $rss $cpu $nf $kib" >>"$OUT"
  [ "$el" -ge "$SECONDS_TOTAL" ] && break
  sleep "$EVERY"
done
echo "# end $(date -u +%FT%TZ)" >>"$OUT"
grep -E 'shed|error|fail' "$work/d/daemon.log" | tail -n 5 | sed 's/^/# log: /' >>"$OUT" || true
