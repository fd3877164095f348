#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one fuzzer built by `make fuzz` for FUZZ_SECONDS, with its own seeds
# and corpus under DIR. Findings (crash-*, leak-*, timeout-*) are left in DIR;
# the exit status is the fuzzer's.
#
# fuzz_session is seeded with sessions recorded by the real binary: one as
# written (4 KiB pages, WAL header) and one shrunk to a few 512-byte pages,
# where each mutation reaches a b-tree page or a record sooner.
#
# fuzz_statsd is seeded with StatsD packets (every line form and a few
# malformed ones) and with hdr blobs (core/hdr encoding v1), since one input
# goes through both the packet parser and the blob decoder.
#
# fuzz_rules is seeded with every line of assets/alerts.conf (one file each,
# and the whole file) and with hostile lines: terminal escapes, broken UTF-8,
# unclosed quotes, huge numbers, repeated options.
#
# fuzz_webconfig is seeded with web config files: the exporter-toolkit's
# example, every TLS key, quoting and comments, and refused forms (tabs,
# flow mappings, lists, unknown keys, bad hashes).
#
#   tests/fuzz/run.sh VIGIL FUZZER DIR SECONDS
set -eu
vigil=$1 fuzzer=$2 dir=$3 seconds=$4

case $(basename "$fuzzer") in
fuzz_statsd)
	seed=statsd-seed corpus=statsd-corpus
	mkdir -p "$dir/$seed" "$dir/$corpus"
	s=$dir/$seed
	printf 'api.latency:12.5|ms\n' >"$s/timer"
	printf 'a:1|c\r\nb:2.5|g\nc:+3|g\nd:-1|g\n\n' >"$s/multi"
	printf 'req:1:2:3.25|ms|@0.5|#route:/a,env:prod,env:prod,host\n' >"$s/packed"
	printf 'hits:1|c|@0.1|#b,a|c:abc|T1656581400\nx:1|h\ny:2|d\n' >"$s/dogstatsd"
	printf 'u:alice|s\n_e{5,4}:title|text\n_sc|db|0\n:1|c\nx:1|zz\nx:1|c|@2\n' >"$s/bad"
	printf 'x:1e3|c\nx:.5|c\ny:1E-2|ms\n' >"$s/numbers"
	# one value of 5 us; then 100 us x3, 2 ms, 123.456 ms x2 and one clamped
	printf '\001\001\000\005\005\000\000\000\000\000\000\024\100\013' >"$s/hdr-one"
	printf '\001\007\001\144\200\310\316\264\015\000\000\200\057\356\322\352\101\310\001\003\207\026\266\057\002\253\166' >"$s/hdr-wide"
	;;
fuzz_rules)
	seed=rules-seed corpus=rules-corpus
	mkdir -p "$dir/$seed" "$dir/$corpus"
	s=$dir/$seed
	conf=$(dirname "$0")/../../assets/alerts.conf
	cp "$conf" "$s/alerts.conf"
	grep -v '^#' "$conf" | grep . | split -l 1 - "$s/line-"
	printf 'target.rss > 2GiB severity=critical clear=1.5GiB action=log:/tmp/a.jsonl action=exec:/bin/true,a,b\n' >"$s/actions"
	printf 'latency.timer.api.request.p99 > 250ms for 1m cooldown=5m action=profile:10s\n' >"$s/timer"
	printf 'memory.verdict == leak-suspect name="leak \\"x\\" # not a comment"\n' >"$s/quoted"
	printf 'cpu.total > 90%% \033]0;pwned\007\033[2J\n\302\233 > 1\nload.1 > 1 name="\377\300\257\n' >"$s/hostile"
	printf 'cpu.total > 9e9999\nload.1 > 1e308 clear=-1e308\ncpu.total > 90%% for 30x for 1s\n' >"$s/numbers"
	printf 'cpu.total >= 0 severity=info severity=info cooldown=1h cooldown=0\n\tload.5 != 3 # c\r\n' >"$s/repeats"
	printf 'cgroup[system.slice/nginx.service].memory > 90%% of max for 1m\ncgroup[/a[1]].cpu >= 80 %% of  max\ncgroup[x].memory > 9%% of\ncpu.total > 1%% of max\n' >"$s/cgroup"
	;;
fuzz_webconfig)
	seed=webconfig-seed corpus=webconfig-corpus
	mkdir -p "$dir/$seed" "$dir/$corpus"
	s=$dir/$seed
	h='$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze'
	printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  alice: %s\n' "$h" >"$s/example"
	printf -- '---\ntls_server_config:\n    cert_file: "a\\\\b"\n    key_file: '"'"'it'"''"'s'"'"'\n    client_ca_file: ca.pem\n    client_auth_type: RequireAndVerifyClientCert\n    min_version: TLS11\n    max_version: TLS13\n' >"$s/tls"
	printf 'basic_auth_users:\r\n  "bob": %s # c\r\n  carol: %s\r\n' "$h" "$h" >"$s/users"
	printf 'tls_server_config: {cert_file: a}\nbasic_auth_users:\n\t- a\n  x: [1]\nrate_limit:\n  burst: 1\n  a: &x *y\n' >"$s/bad"
	;;
*)
	seed=seed corpus=corpus
	mkdir -p "$dir/$seed" "$dir/$corpus"
	if [ ! -s "$dir/seed/session.vigil" ]; then
		"$vigil" record -i 100ms -d 400ms -o "$dir/seed/session.vigil" --force
		cp "$dir/seed/session.vigil" "$dir/seed/small.vigil"
		sqlite3 "$dir/seed/small.vigil" "PRAGMA journal_mode = DELETE;
			DELETE FROM proc_samples WHERE proc > 12;
			DELETE FROM procs WHERE id > 12;
			PRAGMA page_size = 512; VACUUM;" >/dev/null
	fi
	;;
esac
cd "$dir"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 "$corpus" "$seed"
