/* SPDX-License-Identifier: MIT */
/*
 * compact: compacts session files the way `vigil daemon` does with files
 * older than --compact-age (store/compact.h), and says what each became,
 * for bench/daemon.sh's estimate of a month in the daemon's directory.
 * Give it copies: it rewrites the files in place.
 *
 *   compact FILE...     one line per file: ticks and bytes before and after
 */
#include <stdio.h>

#include "store/compact.h"

int main(int argc, char **argv)
{
	int rc = 0;

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
