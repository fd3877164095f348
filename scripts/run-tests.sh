#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs test binaries one after another, says which failed, and ends with one
# summary line "N passed, N failed" (each binary is one cmocka group).
set -u
kind=$1; shift
pass=0; fail=0; failed=""
for t in "$@"; do
	echo "== $kind: $(basename "$t")"
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $(basename "$t")"; fi
done
[ -n "$failed" ] && echo "$kind: failed:$failed"
echo "$kind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
