/* SPDX-License-Identifier: MIT */
/*
 * export_cgroups: each tick's cgroup table, as query_cgroup_table_at reads
 * it, written as CSV or JSON (see export_cgroups.h). A value that was not
 * read (a controller off in that cgroup, v1's missing oom count) is empty
 * in CSV and null in JSON; so is a limit that is "max".
 */
#include "cmd/export_cgroups.h"

#include <stdlib.h>

#include <string.h>

#include "core/json.h"
#include "store/cgroup_query.h"
#include "store/frames.h"

#define PAGE 512

static const char *const columns[] = {
	"t_ms",
	"path",
	"cpu_pct",
	"nr_periods",
	"nr_throttled",
	"throttled_ns",
	"cpu_quota_us",
	"cpu_period_us",
	"mem_current",
	"mem_high",
	"mem_max",
	"oom",
	"oom_kill",
	"swap_current",
	"swap_max",
	"io_rbytes",
	"io_wbytes",
	"io_rios",
	"io_wios",
	"psi_cpu_some_avg10",
	"psi_memory_some_avg10",
	"psi_io_some_avg10",
	"pids_current",
	"pids_max",
};
#define NCOL (sizeof(columns) / sizeof(columns[0]))

/* A path as a CSV field: quoted when it holds a comma, quote or control. */
static void csv_text(FILE *out, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* One numeric field: have and not unlimited, else empty/null. */
static void field(FILE *out, bool json, size_t col, bool have, double v, int decimals)
{
	if (json)
		fprintf(out, ", \"%s\": ", columns[col]);
	else
		fputc(',', out);
	if (have)
		fprintf(out, "%.*f", decimals, v);
	else if (json)
		fputs("null", out);
}

static void u64(FILE *out, bool json, size_t col, bool have, uint64_t v)
{
	field(out, json, col, have && v != CGROUP_UNLIMITED, (double)v, 0);
}

static void row(FILE *out, bool json, bool first, int64_t t_ms,
		const struct cgroup_row *r)
{
	unsigned h = r->have;
	size_t c = 2;

	if (json) {
		fprintf(out, "%s\n  {\"t_ms\": %lld, \"path\": ", first ? "" : ",",
			(long long)t_ms);
		json_string(out, r->path);
	} else {
		fprintf(out, "%lld,", (long long)t_ms);
		csv_text(out, r->path);
	}
	field(out, json, c++, r->cpu_pct >= 0, r->cpu_pct, 2);
	u64(out, json, c++, h & CGROUP_HAVE_THROTTLE, r->nr_periods);
	u64(out, json, c++, h & CGROUP_HAVE_THROTTLE, r->nr_throttled);
	u64(out, json, c++, h & CGROUP_HAVE_THROTTLE, r->throttled_ns);
	u64(out, json, c++, h & CGROUP_HAVE_QUOTA, r->cpu_quota_us);
	u64(out, json, c++, h & CGROUP_HAVE_QUOTA, r->cpu_period_us);
	u64(out, json, c++, h & CGROUP_HAVE_MEM, r->mem_current);
	u64(out, json, c++, h & CGROUP_HAVE_MEM_LIMIT, r->mem_high);
	u64(out, json, c++, h & CGROUP_HAVE_MEM_LIMIT, r->mem_max);
	u64(out, json, c++, h & CGROUP_HAVE_OOM, r->oom);
	u64(out, json, c++, h & CGROUP_HAVE_OOM_KILL, r->oom_kill);
	u64(out, json, c++, h & CGROUP_HAVE_SWAP, r->swap_current);
	u64(out, json, c++, h & CGROUP_HAVE_SWAP, r->swap_max);
	u64(out, json, c++, h & CGROUP_HAVE_IO, r->io_rbytes);
	u64(out, json, c++, h & CGROUP_HAVE_IO, r->io_wbytes);
	u64(out, json, c++, h & CGROUP_HAVE_IO_OPS, r->io_rios);
	u64(out, json, c++, h & CGROUP_HAVE_IO_OPS, r->io_wios);
	for (int p = 0; p < PSI_N; p++)
		field(out, json, c++, r->psi[p].present, r->psi[p].some.avg10, 2);
	u64(out, json, c++, h & CGROUP_HAVE_PIDS, r->pids_current);
	u64(out, json, c++, h & CGROUP_HAVE_PIDS, r->pids_max);
	fputs(json ? "}" : "\n", out);
}

int export_cgroups_write(FILE *out, struct store *st, int64_t t0, int64_t t1, bool json)
{
	int64_t *ticks = malloc(PAGE * sizeof(*ticks));
	bool first = true;
	size_t n;
	int rc = 0;

	if (!ticks)
		abort();
	if (json) {
		fputc('[', out);
	} else {
		for (size_t c = 0; c < NCOL; c++)
			fprintf(out, "%s%s", c ? "," : "", columns[c]);
		fputc('\n', out);
	}
	do {
		if (query_tick_times(st, t0, t1, ticks, PAGE, &n) < 0) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct cgroup_table t;

			if (query_cgroup_table_at(st, ticks[i], &t) < 0) {
				rc = -1;
				break;
			}
			for (size_t k = 0; k < t.n; k++, first = false)
				row(out, json, first, ticks[i], &t.rows[k]);
			cgroup_table_release(&t);
		}
		if (n)
			t0 = ticks[n - 1] + 1;
	} while (rc == 0 && n == PAGE);
	if (json)
		fputs(first ? "]\n" : "\n]\n", out);
	free(ticks);
	return rc;
}
