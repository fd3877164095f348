#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The allocation profilers' cost on one malloc-heavy program (alloc_churn:
# one free and one malloc of 16-1024 bytes per operation): operations per
# second alone, under `vigil profile --mode alloc` at its default duty cycle
# (probes on a few percent of the time) and always on (`--alloc-duty 100`),
# under `--mode live` (always on), under heaptrack (preloaded, `heaptrack
# ./prog`) and under bcc's memleak when it runs here; the later ones as
# ratios to the median of the alone runs. Each run is the same
# fixed wall time; the program waits for the uprobe's breakpoint before it
# starts timing when the tool uses uprobes. For the duty-cycled run it also
# prints vigil's estimate of the bytes allocated against the program's own
# count (ops x 520, the mean block). Nothing here is a pass/fail test.
#
#   BENCH_ALLOC_SECONDS=10   length of each run
#   BENCH_ALLOC_PAIRS=3      alone / duty-cycled pairs (median ratio)
set -euo pipefail

VIGIL=${VIGIL:-build/vigil}
CHURN=${CHURN:-build/bench/alloc_churn}
SECS=${BENCH_ALLOC_SECONDS:-10}
PAIRS=${BENCH_ALLOC_PAIRS:-3}
work=$(mktemp -d /tmp/vigil-bench-alloc-XXXXXX)
trap 'rm -rf "$work"' EXIT

rate_of() { awk '/^ops/ { sub("/s", "", $3); print $3 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }

# vigil NAME ARGS...: alloc_churn under `vigil profile ARGS` (folded stacks);
# prints and sets r to its ops/s
vigil() {
  local name=$1 prog v
  shift
  "$CHURN" "$SECS" wait >"$work/$name" &
  prog=$!
  "$VIGIL" profile -p "$prog" "$@" -d "$((SECS + 30))s" --format folded --force \
    -o "$work/$name.folded" 2>"$work/$name.err" &
  v=$!
  # a vigil that ended early (refused) would leave the program waiting
  while kill -0 "$prog" 2>/dev/null; do
    kill -0 "$v" 2>/dev/null || kill "$prog" 2>/dev/null || true
    sleep 0.2
  done
  wait "$prog" || true
  kill -INT "$v" 2>/dev/null || true
  wait "$v" || true
  r=$(rate_of "$work/$name")
  printf '%-17s %s ops/s, %s of alone (%s)\n' "vigil $name:" "$r" \
    "$(ratio "$r" "$base")" "$(tr '\n' ' ' <"$work/$name.err" | cut -c1-300)"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The duty-cycled default against the program alone, in pairs one after
# the other (on a shared machine the program's own pace moves by 10-20%
# from run to run): the median of the pairs' ratios.
: >"$work/ratios"
: >"$work/alones"
for i in $(seq "$PAIRS"); do
  "$CHURN" "$SECS" >"$work/base"
  base=$(rate_of "$work/base")
  echo "alone:            $base ops/s"
  echo "$base" >>"$work/alones"
  vigil alloc --mode alloc
  ratio "$r" "$base" >>"$work/ratios"
  echo >>"$work/ratios"
  est=$(awk '{ s += $NF } END { printf "%.0f", s }' "$work/alloc.folded")
  truth=$(awk '/^ops/ { printf "%.0f", $2 * 520 }' "$work/alloc")
  echo "  bytes: vigil $est, program $truth, ratio $(ratio "$est" "$truth")"
done
base=$(median <"$work/alones")
echo "duty-cycled default: median $(median <"$work/ratios") of alone over $PAIRS pairs; alone median $base ops/s"
vigil always --mode alloc --alloc-duty 100
vigil live --mode live

if command -v heaptrack >/dev/null; then
  (cd "$work" && heaptrack "$OLDPWD/$CHURN" "$SECS" >"$work/ht" 2>&1) || true
  hr=$(grep '^ops' "$work/ht" | awk '{ sub("/s", "", $3); print $3 }')
  echo "heaptrack:        $hr ops/s, $(ratio "$hr" "$base") of alone (preloaded)"
else
  echo "heaptrack:        not installed"
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
    echo "memleak:          $(rate_of "$work/ml") ops/s, $(ratio "$(rate_of "$work/ml")" "$base") of alone"
  else
    kill "$prog" 2>/dev/null || true
    echo "memleak:          does not run here: $(grep -m1 -iE 'unable|error|fatal' "$work/ml.out" || echo unknown)"
  fi
else
  echo "memleak:          bcc tools not installed"
fi

"$CHURN" "$SECS" >"$work/base2"
echo "alone again:      $(rate_of "$work/base2") ops/s"
