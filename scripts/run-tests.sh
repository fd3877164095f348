#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs test binaries, TEST_JOBS at a time (default twice the cores: most
# tests spend their time waiting for ticks and child processes, not on a
# CPU). They start longest first when TEST_TIMES names a file of "NAME
# SECONDS" lines (this script keeps it: each run's times replace the
# last), in the order given otherwise; a binary the file does not know
# starts first. Each binary's output is printed whole when it ends, under
# "== KIND: NAME", so parallel tests never interleave; a failed one is
# marked "FAILED" and its output is repeated at the end. Ends with one
# summary line "N passed, N failed" (each binary is one cmocka group) and
# fails when any binary failed.
# TEST_JOBS=1 runs them one after another. The binaries named in
# tests/solo.list (their assertions need the CPUs to themselves: shares,
# rates and delays measured against the kernel) run after the pool, one
# at a time, with nothing else of this script's beside them.
set -u
kind=$1
shift
jobs=${TEST_JOBS:-$(($(nproc 2>/dev/null || echo 1) * 2))}
logs=$(mktemp -d "${TMPDIR:-/tmp}/vigil-tests-XXXXXX") || exit 1
trap 'rm -rf "$logs"' EXIT
trap 'exit 130' INT TERM

# One binary: its output to a file, its status beside it, then the lot to
# stdout under a lock. Expanded by the sh that xargs starts, not here.
# shellcheck disable=SC2016
run_one='
	logs=$1 kind=$2 t=$3 name=$(basename "$3")
	start=$(date +%s)
	"$t" >"$logs/$name.log" 2>&1
	rc=$?
	echo "$rc" >"$logs/$name.rc"
	secs=$(($(date +%s) - start))
	echo "$name $secs" >"$logs/$name.secs"
	if [ "$rc" -eq 0 ]; then what="ok"; else what="FAILED (exit $rc)"; fi
	flock "$logs/.lock" sh -c "echo \"== $kind: $name: $what, ${secs}s\";
		cat \"\$0\"" "$logs/$name.log"
'
times=${TEST_TIMES:-}
solo_list="$(dirname "$0")/../tests/solo.list"
is_solo() {
	[ -r "$solo_list" ] && grep -qx "$(basename "$1")" "$solo_list"
}
# The binaries of one kind (solo or not: $1) longest first, to xargs -P $2.
run_pool() {
	want=$1
	par=$2
	shift 2
	for t in "$@"; do
		if is_solo "$t"; then s=solo; else s=pool; fi
		[ "$s" = "$want" ] || continue
		secs=""
		[ -n "$times" ] && [ -r "$times" ] &&
			secs=$(awk -v n="$(basename "$t")" '$1 == n { print $2; exit }' "$times")
		echo "${secs:-999999} $t"
	done | sort -s -k1,1nr | cut -d' ' -f2- |
		xargs -r -P "$par" -I{} sh -c "$run_one" sh "$logs" "$kind" {}
}
run_pool pool "$jobs" "$@"
run_pool solo 1 "$@"

# this run's times over the last, for the next run's order
if [ -n "$times" ]; then
	mkdir -p "$(dirname "$times")"
	{
		cat "$logs"/*.secs 2>/dev/null
		[ -r "$times" ] && cat "$times"
	} | awk '!seen[$1]++' >"$logs/.times" && mv -f "$logs/.times" "$times"
fi

pass=0
fail=0
failed=""
for t in "$@"; do
	name=$(basename "$t")
	if [ "$(cat "$logs/$name.rc" 2>/dev/null)" = 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $name"
	fi
done
# the failures once more at the end, where a CI log is read first
for name in $failed; do
	echo "== $kind: $name FAILED; its output again:"
	cat "$logs/$name.log" 2>/dev/null
done
[ -n "$failed" ] && echo "$kind: failed:$failed"
echo "$kind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
