#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The cost of a tick with 500 cgroups (issue 19): vigil's cgroup collector
# over generated trees, and over real cgroups beside `systemd-cgtop -b -d 1`.
#
#   1. copies of tests/fixtures/cgroup-v2 and cgroup-hybrid grown to
#      BENCH_CGROUPS cgroups (default 500): the collector alone, median CPU
#      of one reading (bench/cgcost);
#   2. as root, where the v1 (or v2) hierarchies can be written: the same
#      number of real, empty cgroups under vigil-bench-<pid>, made here and
#      removed on exit (also on failure or ^C); vigil's CPU for N readings
#      and systemd-cgtop's for N iterations of `-b -d 1 -n N`, and the
#      ratio. systemd-cgtop reads cgroupfs itself and needs no systemd as
#      PID 1; where it is missing or refuses, that is said.
#
# Reported, never judged: nothing here fails on a number.
set -euo pipefail

TOOLS=${BENCH_TOOLS:-build/bench}
SRC=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_CGROUPS:-500}
ROUNDS=${BENCH_CG_ROUNDS:-10}
work=$(mktemp -d /tmp/vigil-cgbench-XXXXXX)
made=()

cleanup() {
  local i
  # children first: a v1 or v2 cgroup is removed only when empty
  for ((i = ${#made[@]} - 1; i >= 0; i--)); do rmdir "${made[$i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

cpu_of() {
  ( "$@" >/dev/null 2>&1; times ) | tail -n 1 | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f\n", u[1]*60+u[2] + s[1]*60+s[2] }'
}

# A copy of fixture tree $1 with $N cgroups: its leaf $2 (relative to each
# hierarchy listed in $3) copied as slice-K/unit-J.service.
grow() {
  local from=$1 leaf=$2 dst=$work/$(basename "$1") k j n=0
  cp -a "$from" "$dst"
  for h in $3; do
    for ((k = 0; n < N; k++)); do
      for ((j = 0; j < 20 && n < N; j++, n++)); do
        mkdir -p "$dst/$h/bench-$k.slice/unit-$j.service"
        cp "$dst/$h/$leaf"/* "$dst/$h/bench-$k.slice/unit-$j.service/" 2>/dev/null || true
      done
    done
    n=0
  done
  echo "$dst"
}

echo "== cgroups: $N cgroups, one reading (median of $ROUNDS) =="
v2=$(grow "$SRC/tests/fixtures/cgroup-v2" system.slice/nginx.service .)
"$TOOLS/cgcost" "$v2" "$ROUNDS" | sed 's/^/v2 copy      /'
hy=$(grow "$SRC/tests/fixtures/cgroup-hybrid" test.slice/app.service \
  "cpu,cpuacct memory blkio pids unified")
"$TOOLS/cgcost" "$hy" "$ROUNDS" | sed 's/^/hybrid copy  /'

if [ "$(id -u)" != 0 ]; then
  echo "real cgroups: skipped (making cgroups needs root)"
  exit 0
fi
root=/sys/fs/cgroup
if [ -e $root/cgroup.controllers ]; then
  hier=(.)
else
  hier=()
  for h in cpu cpuacct memory blkio pids; do
    r=$(realpath "$root/$h" 2>/dev/null) || continue
    case " ${hier[*]-} " in *" $r "*) continue ;; esac
    hier+=("$r")
  done
fi
for h in "${hier[@]}"; do
  d=$(realpath "$root/$h" 2>/dev/null || echo "$h")
  [ -d "$d" ] || continue
  if ! mkdir "$d/vigil-bench-$$" 2>/dev/null; then
    echo "real cgroups: skipped (cannot write $d)"
    exit 0
  fi
  made+=("$d/vigil-bench-$$")
  for ((i = 0; i < N; i++)); do
    mkdir "$d/vigil-bench-$$/cg-$i" && made+=("$d/vigil-bench-$$/cg-$i")
  done
done
echo "real cgroups: $N made under vigil-bench-$$ in ${#hier[@]} hierarchies"
"$TOOLS/cgcost" $root "$ROUNDS" | sed 's/^/real         /'
vig=$(cpu_of "$TOOLS/cgcost" $root "$ROUNDS")
echo "vigil: ${vig} s CPU for $ROUNDS readings (with start-up)"
if command -v systemd-cgtop >/dev/null; then
  if timeout 5 systemd-cgtop -b -d 1 -n 1 >/dev/null 2>&1; then
    cg=$(cpu_of timeout $((ROUNDS * 3 + 10)) systemd-cgtop -b -d 1 -n "$ROUNDS")
    echo "systemd-cgtop -b -d 1 -n $ROUNDS: ${cg} s CPU"
    awk -v a="$vig" -v b="$cg" 'BEGIN { if (b > 0) printf "vigil / systemd-cgtop CPU: %.2f\n", a / b; else print "vigil / systemd-cgtop CPU: n/a (cgtop used no measurable CPU)" }'
  else
    echo "systemd-cgtop: refused to run here ($(timeout 5 systemd-cgtop -b -n 1 2>&1 | head -n 1))"
  fi
else
  echo "systemd-cgtop: not installed"
fi
