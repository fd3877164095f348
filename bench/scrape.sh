#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The cost of /metrics: CPU per scrape of vigil's server thread
# ("vigil-metrics", from /proc/PID/task) with ~500 processes on the system and
# 100 StatsD timers, in both formats and gzipped; then `vigil record` with and
# without a scrape every second, side by side over the same window; and
# node_exporter (Debian's prometheus-node-exporter, default collectors) under
# the same scrape loop when it is installed. Part of make bench; runs alone as
# bench/scrape.sh.
#
#   BENCH_PROCS=500            processes on the system (sleepers are added)
#   BENCH_SCRAPES=200          scrapes per figure, back to back
#   BENCH_SCRAPE_SECONDS=60    window of the with/without comparison
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
FIXTURES=${FIXTURES:-build/fixtures}
PROCS=${BENCH_PROCS:-500}
N=${BENCH_SCRAPES:-200}
SECS=${BENCH_SCRAPE_SECONDS:-60}
work=$(mktemp -d /tmp/vigil-bench-scrape-XXXXXX)
pids=()
sleepers=()

cleanup() {
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  [ ${#sleepers[@]} -gt 0 ] && kill "${sleepers[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cpu_of() {
  ( "$@" >/dev/null 2>&1; times ) | tail -n 1 | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f\n", u[1]*60+u[2] + s[1]*60+s[2] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# utime+stime in clock ticks of a /proc/PID or /proc/PID/task/TID directory
ticks() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' "$1/stat"; }
hz=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp() { python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# processes now (a glob: ls would fail on one that exits meanwhile)
procs() { local a=(/proc/[0-9]*); echo ${#a[@]}; }
have=$(procs)
while [ "$have" -lt "$PROCS" ]; do
  "$FIXTURES/sleeper" >/dev/null &
  sleepers+=($!)
  have=$((have + 1))
done
sleep 1

# 100 timers of 200 values each into the listener on port $1
send_timers() {
  for i in $(seq 1 100); do
    "$FIXTURES/statsd_send" 127.0.0.1 "$1" "bench.timer$i" 200 "$i" >/dev/null
  done
}

# N scrapes of $1 with curl options $2; prints ticks used by /proc dir $3
scrape_ticks() {
  local before after
  before=$(ticks "$3")
  for _ in $(seq "$N"); do curl -s $2 -o /dev/null "$1"; done
  after=$(ticks "$3")
  echo $((after - before))
}
per_scrape() { awk -v t="$1" -v n="$N" -v hz="$hz" 'BEGIN { printf "%.2f", t * 1000 / hz / n }'; }

echo "== /metrics: CPU per scrape ($(procs) processes, 100 StatsD timers, $N scrapes each)"
port=$(free_port)
udp=$(free_udp)
"$VIGIL" record -i 1s -o "$work/scrape.vigil" --statsd "127.0.0.1:$udp" \
  --listen "127.0.0.1:$port" 2>"$work/vigil.err" &
vpid=$!
pids+=($vpid)
url="http://127.0.0.1:$port/metrics"
for _ in $(seq 100); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
send_timers "$udp"
sleep 2 # the timers reach a published frame
curl -s -o "$work/body.txt" "$url"
tid=$(grep -lx vigil-metrics /proc/$vpid/task/*/comm | head -n 1 | xargs dirname)
series=$(grep -vc '^#' "$work/body.txt")
size=$(stat -c %s "$work/body.txt")
gz=$(curl -s --compressed -w '%{size_download}' -o /dev/null "$url")
t_text=$(scrape_ticks "$url" "" "$tid")
t_om=$(scrape_ticks "$url" "-H Accept:application/openmetrics-text;version=1.0.0" "$tid")
t_gz=$(scrape_ticks "$url" "--compressed" "$tid")
echo "body: $series series, $((size / 1024)) KiB text, $((gz / 1024)) KiB gzipped"
echo "vigil-metrics thread: text $(per_scrape "$t_text") ms, OpenMetrics $(per_scrape "$t_om") ms, text+gzip $(per_scrape "$t_gz") ms CPU per scrape"
kill -INT "$vpid"
wait "$vpid" || true
echo

if command -v prometheus-node-exporter >/dev/null 2>&1; then
  nport=$(free_port)
  prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" >"$work/ne.log" 2>&1 &
  npid=$!
  pids+=($npid)
  nurl="http://127.0.0.1:$nport/metrics"
  for _ in $(seq 100); do curl -sf -o /dev/null "$nurl" && break; sleep 0.1; done
  curl -s -o "$work/ne.txt" "$nurl"
  t_ne=$(scrape_ticks "$nurl" "" "/proc/$npid")
  t_negz=$(scrape_ticks "$nurl" "--compressed" "/proc/$npid")
  echo "node_exporter $(prometheus-node-exporter --version 2>&1 | head -n 1 | awk '{print $3}') (default collectors): $(grep -vc '^#' "$work/ne.txt") series, $(( $(stat -c %s "$work/ne.txt") / 1024 )) KiB"
  echo "node_exporter process: text $(per_scrape "$t_ne") ms, text+gzip $(per_scrape "$t_negz") ms CPU per scrape"
  echo "ratio vigil/node_exporter per scrape (text): $(ratio "$t_text" "$t_ne")"
  kill "$npid"
  wait "$npid" 2>/dev/null || true
else
  echo "node_exporter: not installed (apt-get install prometheus-node-exporter to compare)"
fi
echo

echo "== vigil record at 1 s over ${SECS}s: without /metrics vs with a scrape every second"
p1=$(free_port)
u1=$(free_udp)
u2=$(free_udp)
cpu_of "$VIGIL" record -i 1s -d "${SECS}s" -o "$work/plain.vigil" \
  --statsd "127.0.0.1:$u1" >"$work/plain.cpu" &
a=$!
cpu_of "$VIGIL" record -i 1s -d "${SECS}s" -o "$work/served.vigil" \
  --statsd "127.0.0.1:$u2" --listen "127.0.0.1:$p1" >"$work/served.cpu" &
b=$!
sleep 1
send_timers "$u1"
send_timers "$u2"
end=$((SECONDS + SECS - 3))
scrapes=0
while [ "$SECONDS" -lt "$end" ]; do
  curl -s -o /dev/null "http://127.0.0.1:$p1/metrics" && scrapes=$((scrapes + 1))
  sleep 1
done
wait $a $b
pc=$(cat "$work/plain.cpu")
sc=$(cat "$work/served.cpu")
echo "without --listen:         ${pc}s CPU"
echo "with --listen, $scrapes scrapes: ${sc}s CPU"
echo "ratio with/without: $(ratio "$sc" "$pc")"
