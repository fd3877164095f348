/* SPDX-License-Identifier: MIT */
/*
 * report_gc: the "gc" section of report_sections.h: the collections of a
 * runtime recorded with --gc-trace (store/gc_rows.h), null without.
 */
#include <math.h>
#include <stdio.h>

#include "cmd/report_sections.h"
#include "core/json.h"
#include "core/textsafe.h"
#include "store/gc_rows.h"

int report_gc_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct gc_summary g;
	int rc = query_gc_summary(st, sp->t0, sp->t1, &g);

	if (rc < 0)
		return -1;
	fputs(",\n  \"gc\": ", out);
	if (rc == 0) {
		fputs("null", out);
		return 0;
	}
	fputs("{\"runtime\": ", out);
	json_string(out, g.runtime);
	fputs(", ", out);
	json_key_number(out, "collections", (double)g.count, 0);
	fputs(", ", out);
	json_key_number(out, "pause_p50_ms", g.p50_ms, 3);
	fputs(", ", out);
	json_key_number(out, "pause_p99_ms", g.p99_ms, 3);
	fputs(", ", out);
	json_key_number(out, "pause_max_ms", g.max_ms, 3);
	fputs(", ", out);
	json_key_number(out, "pause_total_ms", g.total_ms, 3);
	fputs(", ", out);
	json_key_number(out, "share", g.share, 5);
	fputs(", \"kinds\": {", out);
	for (size_t i = 0; i < g.nkinds; i++) {
		if (i)
			fputs(", ", out);
		json_key_number(out, g.kinds[i].kind, (double)g.kinds[i].count, 0);
	}
	fputs("}}", out);
	return 0;
}

int report_gc_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct gc_summary g;
	int rc = query_gc_summary(st, sp->t0, sp->t1, &g);

	if (rc <= 0)
		return rc;
	fputs("gc        ", out);
	text_write(out, g.runtime);
	fprintf(out,
		": %llu collections, pause p50 %.2f ms, p99 %.2f ms, max %.2f ms, "
		"%.2f%% of wall time\n",
		(unsigned long long)g.count, g.p50_ms, g.p99_ms, g.max_ms, g.share * 100);
	fputs("  ", out);
	for (size_t i = 0; i < g.nkinds; i++) {
		fputs(i ? ", " : "", out);
		text_write(out, g.kinds[i].kind);
		fprintf(out, " %llu", (unsigned long long)g.kinds[i].count);
	}
	fputc('\n', out);
	return 0;
}
