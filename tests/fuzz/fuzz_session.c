/* SPDX-License-Identifier: MIT */
/*
 * fuzz_session: a libFuzzer target for the read side of a session file. Each
 * input is written to a private temp file and read the way every reader does:
 * store_open (the checks of schema.c), query_span, query_session,
 * query_frame_at at both ends and the middle, query_proc_table_at, and every
 * metric through query_series. The only acceptable outcomes are a result or
 * a -1 with a reason; a crash, a sanitizer report or a leak is a finding.
 *
 * Built and run by `make fuzz` (clang -fsanitize=fuzzer,address,undefined),
 * seeded with real sessions. The temp file has no -wal beside it, so
 * store_open takes it as immutable and nothing else is created.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/frames.h"
#include "store/processes.h"
#include "store/series.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void cleanup(void)
{
	if (path[0])
		unlink(path);
}

static int write_input(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/vigil-fuzz-XXXXXX.vigil");
		fd = mkstemps(path, 6);
		if (fd < 0) {
			path[0] = '\0';
			return -1;
		}
		close(fd);
		atexit(cleanup);
	}
	f = fopen(path, "wb");
	if (!f)
		return -1;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static void read_frames(struct store *s, int64_t first, int64_t last)
{
	int64_t at[] = {first, first + (last - first) / 2, last, INT64_MAX};
	struct proc_table table = {0};

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		struct frame *f = NULL;

		if (query_frame_at(s, at[i], &f) == 0)
			frame_unref(f);
	}
	if (query_proc_table_at(s, last, &table) == 0)
		proc_table_release(&table);
}

static void read_series(struct store *s, int64_t first, int64_t last, uint64_t ticks)
{
	static const size_t npoints[] = {1, 7, 600};

	for (const char *const *m = query_metric_names(); *m; m++) {
		for (size_t i = 0; i < sizeof(npoints) / sizeof(npoints[0]); i++) {
			struct series ser = {0};

			if (query_series(s, *m, first, last, npoints[i], &ser) == 0)
				series_release(&ser);
		}
	}
	if (ticks) {
		struct series ser = {0};

		/* as report does: one point per tick */
		if (query_series(s, "cpu.total", first, last,
				 ticks > 100000 ? 100000 : ticks, &ser) == 0)
			series_release(&ser);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_meta meta;
	struct store *s;
	int64_t first, last;
	uint64_t ticks;
	char err[512];

	if (write_input(data, size) < 0)
		return 0;
	if (store_open(path, &s, err, sizeof(err)) < 0)
		return 0;
	query_session(s, &meta);
	if (query_span(s, &first, &last, &ticks) == 0) {
		read_frames(s, first, last);
		read_series(s, first, last, ticks);
	}
	store_close(s);
	return 0;
}
