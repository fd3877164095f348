#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The allocation profilers' cost on one malloc-heavy program (alloc_churn:
# one free and one malloc of 16-1024 bytes per operation): operations per
# second alone, under `vigil profile --mode live` (default rate, attached),
# under heaptrack (preloaded, `heaptrack ./prog`) and under bcc's memleak
# when it runs here. Each run is the same fixed wall time; the program
# waits for the uprobe's breakpoint before it starts timing when the tool
# uses uprobes. Nothing here is a pass/fail test.
#
#   BENCH_ALLOC_SECONDS=5   length of each run
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
CHURN=${CHURN:-build/bench/alloc_churn}
SECS=${BENCH_ALLOC_SECONDS:-5}
work=$(mktemp -d /tmp/vigil-bench-alloc-XXXXXX)
trap 'rm -rf "$work"' EXIT

rate_of() { awk '/^ops/ { sub("/s", "", $3); print $3 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }

"$CHURN" "$SECS" >"$work/base"
base=$(rate_of "$work/base")
echo "alone:      $base ops/s"

"$CHURN" "$SECS" wait >"$work/vigil" &
prog=$!
"$VIGIL" profile -p "$prog" --mode live -d "$((SECS + 30))s" -o "$work/live.txt" \
  2>"$work/vigil.err" &
v=$!
wait "$prog"
kill -INT "$v" 2>/dev/null || true
wait "$v" || true
vr=$(rate_of "$work/vigil")
echo "vigil live: $vr ops/s, $(ratio "$vr" "$base") of alone ($(cut -c1-200 "$work/vigil.err"))"

if command -v heaptrack >/dev/null; then
  (cd "$work" && heaptrack "$OLDPWD/$CHURN" "$SECS" >"$work/ht" 2>&1) || true
  hr=$(grep '^ops' "$work/ht" | awk '{ sub("/s", "", $3); print $3 }')
  echo "heaptrack:  $hr ops/s, $(ratio "$hr" "$base") of alone (preloaded)"
else
  echo "heaptrack:  not installed"
fi

if command -v memleak-bpfcc >/dev/null; then
  "$CHURN" "$SECS" wait >"$work/ml" &
  prog=$!
  memleak-bpfcc -p "$prog" 1 >"$work/ml.out" 2>&1 &
  m=$!
  sleep 5
  if kill -0 "$m" 2>/dev/null; then
    wait "$prog"
    kill -INT "$m" 2>/dev/null || true
    echo "memleak:    $(rate_of "$work/ml") ops/s, $(ratio "$(rate_of "$work/ml")" "$base") of alone"
  else
    kill "$prog" 2>/dev/null || true
    echo "memleak:    does not run here: $(grep -m1 -iE 'unable|error|fatal' "$work/ml.out" || echo unknown)"
  fi
else
  echo "memleak:    bcc tools not installed"
fi
