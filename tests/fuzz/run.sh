#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the session fuzzer (built by `make fuzz`) for FUZZ_SECONDS, seeded with
# sessions recorded by the real binary: one as written (4 KiB pages, WAL
# header) and one shrunk to a few 512-byte pages, where each mutation reaches
# a b-tree page or a record sooner. Findings (crash-*, leak-*, timeout-*) are
# left in the fuzz directory; the exit status is the fuzzer's.
#
#   tests/fuzz/run.sh VIGIL FUZZER DIR SECONDS
set -eu
vigil=$1 fuzzer=$2 dir=$3 seconds=$4
mkdir -p "$dir/seed" "$dir/corpus"
if [ ! -s "$dir/seed/session.vigil" ]; then
	"$vigil" record -i 100ms -d 400ms -o "$dir/seed/session.vigil" --force
	cp "$dir/seed/session.vigil" "$dir/seed/small.vigil"
	sqlite3 "$dir/seed/small.vigil" "PRAGMA journal_mode = DELETE;
		DELETE FROM proc_samples WHERE proc > 12;
		DELETE FROM procs WHERE id > 12;
		PRAGMA page_size = 512; VACUUM;" >/dev/null
fi
cd "$dir"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 corpus seed
