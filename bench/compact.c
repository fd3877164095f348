/* SPDX-License-Identifier: MIT */
/*
 * compact: compacts session files the way `vigil daemon` does with files
 * older than --compact-age (store/compact.h), and says what each became,
 * for bench/daemon.sh's estimate of a month in the daemon's directory.
 * Give it copies: it rewrites the files in place.
 *
 *   compact FILE...         one line per file: ticks and bytes before and after
 *   compact --pack FILE...  as the daemon does once a file's hour has ended
 *                           (store_pack): bytes before and after
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store/compact.h"

static int pack(int argc, char **argv)
{
	int rc = 0;

	for (int i = 2; i < argc; i++) {
		uint64_t before = 0, after = 0;
		char err[512];

		if (store_pack(argv[i], &before, &after, err, sizeof(err)) < 0) {
			fprintf(stderr, "compact: %s\n", err);
			rc = 1;
			continue;
		}
		printf("%s bytes %llu -> %llu\n", argv[i], (unsigned long long)before,
		       (unsigned long long)after);
	}
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc > 1 && !strcmp(argv[1], "--pack"))
		return pack(argc, argv);
	for (int i = 1; i < argc; i++) {
		struct compact_result r = {0};
		char err[512];

		if (store_compact(argv[i], &r, err, sizeof(err)) < 0) {
			fprintf(stderr, "compact: %s\n", err);
			rc = 1;
			continue;
		}
		printf("%s ticks %llu -> %llu bytes %llu -> %llu\n", argv[i],
		       (unsigned long long)r.ticks_before, (unsigned long long)r.ticks_after,
		       (unsigned long long)r.bytes_before, (unsigned long long)r.bytes_after);
	}
	return rc;
}
