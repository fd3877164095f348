#!/bin/bash
# SPDX-License-Identifier: MIT
#
# What a wall-clock profile costs its target (make bench, after rooms.sh;
# or alone: VIGIL=build/vigil FIXTURES=build/fixtures bench/wallcost.sh).
# Figures, never pass/fail.
#
# 1. prof_offcpu -v: its spinner's rounds per second (the fixture prints its
#    round count every 250 ms) over the same length of time alone, under
#    `vigil profile --mode wall` at 999 Hz by perf_event (context switches)
#    and by ptrace (threads stopped per sample), and under `perf record` of
#    cpu-clock at 999 Hz plus every context switch with DWARF stacks (what
#    vigil's perf method asks of the kernel). A stopped process shows as a
#    lower rate; the sampler's own CPU time (user+sys) is printed beside.
# 2. A CPU-bound dash loop's wall time alone and under the same three.
set -u
work=$(mktemp -d /tmp/vigil-bench-wall-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
secs=${WALL_SECONDS:-4}

sampler() { # sampler TOOL PID SECONDS: samples PID for SECONDS, in the foreground
  case $1 in
  none) sleep "$3" ;;
  perf-wall) /usr/bin/time -f "%U %S" -o "$work/cpu" "$VIGIL" profile -p "$2" --mode wall -F 999 -d "${3}s" --format folded \
    -o "$work/v.folded" --force 2>"$work/v.err" ;;
  ptrace-wall) /usr/bin/time -f "%U %S" -o "$work/cpu" "$VIGIL" profile -p "$2" --mode wall --wall-method ptrace -F 999 \
    -d "${3}s" --format folded -o "$work/v.folded" --force 2>"$work/v.err" ;;
  perf-record) /usr/bin/time -f "%U %S" -o "$work/cpu" perf record -q -e cpu-clock/freq=999/ -e cs/period=1/ --call-graph dwarf \
    -o "$work/perf.data" -p "$2" -- sleep "$3" 2>/dev/null ;;
  esac
}

last() { tail -n 1 "$work/rounds"; }
now() { date +%s.%N; }

echo "== wall profiles: the spinner of prof_offcpu, rounds per second over ${secs}s"
"$FIXTURES/prof_offcpu" -v >"$work/rounds" &
fx=$!
sleep 1
for rep in 1 2; do
  for tool in none perf-wall ptrace-wall perf-record; do
    r0=$(last); t0=$(now)
    sampler "$tool" "$fx" "$secs"
    sleep 0.3
    r1=$(last); t1=$(now)
    printf "%-12s %8.0f rounds/s" "$tool" \
      "$(awk -v a="$r0" -v b="$r1" -v s="$t0" -v e="$t1" 'BEGIN { print (b - a) / (e - s) }')"
    [ "$tool" != none ] && printf "  sampler CPU %.2fs" "$(awk '{ print $1 + $2 }' "$work/cpu")"
    case $tool in
    *-wall) sed -n 's/.*\(threads stopped [0-9]*us per sample\).*/  (\1)/p; s/.*\(off-CPU from context switches: [0-9]* intervals\).*/  (\1)/p' "$work/v.err" | tr -d '\n' ;;
    esac
    echo
  done
done
kill "$fx"; wait "$fx" 2>/dev/null
echo

work_loop='i=0; while [ $i -lt 3000000 ]; do i=$((i+1)); done'
echo "== wall profiles at 999 Hz: a CPU-bound dash loop's wall time"
for tool in none perf-wall ptrace-wall perf-record; do
  sh -c "$work_loop" &
  pid=$!
  t0=$(now)
  sampler "$tool" "$pid" 600 >/dev/null 2>&1 &
  wait "$pid"
  t1=$(now)
  kill %2 2>/dev/null; wait 2>/dev/null
  printf "%-12s %.2fs\n" "$tool" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
done
