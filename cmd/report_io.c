/* SPDX-License-Identifier: MIT */
/*
 * report_io: the "disk" and "network" sections of `vigil report`: the
 * session's total rates (averaged over its ticks, and the busiest tick) and
 * each device with what it moved and its own rates, as atop's DSK and NET
 * lines summed up. Rates come from the query API's disk.* and net.*
 * metrics (store/series.h), what moved from store/dev_rows.h.
 *
 * A session from before vigil recorded devices (schema v6) has both
 * sections null and no text lines; one whose machine had no device with
 * any I/O has empty device lists.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/report_sections.h"
#include "core/json.h"
#include "core/textsafe.h"
#include "core/units.h"
#include "store/dev_rows.h"
#include "store/series.h"

#define REPORT_DEVICES_TEXT 16 /* device lines per section of the text */

struct span_agg {
	double avg, max; /* NaN when the metric has no value in the span */
};

static struct span_agg span_agg(struct store *st, const char *metric,
				const struct report_span *sp)
{
	struct span_agg a = {NAN, NAN};
	struct series s;

	if (query_series(st, metric, sp->t0, sp->t1, 1, &s) == 0 && s.n &&
	    s.points[0].n) {
		a.avg = s.points[0].avg;
		a.max = s.points[0].max;
	}
	series_release(&s);
	return a;
}

static struct span_agg dev_agg(struct store *st, enum dev_class cls, const char *dev,
			       const char *field, const struct report_span *sp)
{
	char metric[128];

	if (!query_dev_metric_name(cls, dev, field, metric, sizeof(metric)))
		return (struct span_agg){NAN, NAN};
	return span_agg(st, metric, sp);
}

/* "KEY_avg": a, "KEY_max": b */
static void json_agg_pair(FILE *out, const char *key, struct span_agg a, int decimals)
{
	char k[64];

	snprintf(k, sizeof(k), "%s_avg", key);
	json_key_number(out, k, a.avg, decimals);
	fputs(", ", out);
	snprintf(k, sizeof(k), "%s_max", key);
	json_key_number(out, k, a.max, decimals);
}

/* The JSON keys of the rates, and their metric fields, per class. */
static const struct {
	const char *key, *field;
	int decimals;
} rate_keys[2][4] = {
	[DEV_DISK] = {{"read_bytes_per_s", "read_bytes", 0},
		      {"write_bytes_per_s", "write_bytes", 0},
		      {"util_pct", "util", 2},
		      {"await_ms", "await", 3}},
	[DEV_NET] = {{"rx_bytes_per_s", "rx_bytes", 0},
		     {"tx_bytes_per_s", "tx_bytes", 0},
		     {"errors_per_s", "errors", 3},
		     {"drops_per_s", "drops", 3}},
};

static const char *const moved_keys[2][4] = {
	[DEV_DISK] = {"read_bytes", "write_bytes", "reads", "writes"},
	[DEV_NET] = {"rx_bytes", "tx_bytes", "errors", "drops"},
};

static void json_device(FILE *out, struct store *st, enum dev_class cls,
			const struct dev_moved *d, const struct report_span *sp)
{
	fputs("{\"name\": ", out);
	json_string(out, d->name);
	fprintf(out, ", \"%s\": %s", cls == DEV_DISK ? "stacked" : "loopback",
		d->aside ? "true" : "false");
	for (int i = 0; i < 4; i++)
		fprintf(out, ", \"%s\": %llu", moved_keys[cls][i],
			(unsigned long long)d->moved[i]);
	for (int i = 0; i < 4; i++) {
		fputs(", ", out);
		json_agg_pair(out, rate_keys[cls][i].key,
			      dev_agg(st, cls, d->name, rate_keys[cls][i].field, sp),
			      rate_keys[cls][i].decimals);
	}
	fputc('}', out);
}

static int json_class(FILE *out, struct store *st, enum dev_class cls,
		      const struct report_span *sp)
{
	const char *prefix = cls == DEV_DISK ? "disk." : "net.";
	struct dev_moved *devs;
	size_t n;
	char metric[32];

	fprintf(out, ",\n  \"%s\": ", cls == DEV_DISK ? "disk" : "network");
	if (!store_has_devices(st)) {
		fputs("null", out);
		return 0;
	}
	if (query_dev_moved(st, cls, sp->t0, sp->t1, &devs, &n) < 0)
		return -1;
	fputc('{', out);
	for (int i = 0; i < 4; i++) {
		snprintf(metric, sizeof(metric), "%s%s", prefix, rate_keys[cls][i].field);
		if (i)
			fputs(", ", out);
		json_agg_pair(out, rate_keys[cls][i].key, span_agg(st, metric, sp),
			      rate_keys[cls][i].decimals);
	}
	fprintf(out, ", \"%s\": [", cls == DEV_DISK ? "devices" : "interfaces");
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		json_device(out, st, cls, &devs[i], sp);
	}
	fputs(n ? "\n  ]}" : "]}", out);
	free(devs);
	return 0;
}

int report_io_json(FILE *out, struct store *st, const struct report_span *sp)
{
	return json_class(out, st, DEV_DISK, sp) < 0 ? -1
						     : json_class(out, st, DEV_NET, sp);
}

/* ---- text ---- */

static const char *rate_text(double v, char *buf, size_t len)
{
	char b[32];

	if (isnan(v))
		return "-";
	snprintf(buf, len, "%s/s", units_bytes(v, b, sizeof(b)));
	return buf;
}

static void text_totals(FILE *out, struct store *st, enum dev_class cls,
			const struct report_span *sp)
{
	bool disk = cls == DEV_DISK;
	struct span_agg a = span_agg(st, disk ? "disk.read_bytes" : "net.rx_bytes", sp);
	struct span_agg b = span_agg(st, disk ? "disk.write_bytes" : "net.tx_bytes", sp);
	char x[48], y[48], z[48], w[48];

	fprintf(out, "%-10s%s avg %s, max %s; %s avg %s, max %s",
		disk ? "disk" : "network", disk ? "read" : "rx",
		rate_text(a.avg, x, sizeof(x)), rate_text(a.max, y, sizeof(y)),
		disk ? "write" : "tx", rate_text(b.avg, z, sizeof(z)),
		rate_text(b.max, w, sizeof(w)));
	if (disk) {
		struct span_agg u = span_agg(st, "disk.util", sp);

		if (!isnan(u.max))
			fprintf(out, "; busiest disk %.0f%% at most", u.max);
	}
	fputc('\n', out);
}

static void text_device(FILE *out, struct store *st, enum dev_class cls,
			const struct dev_moved *d, const struct report_span *sp)
{
	char a[32], b[32];
	size_t width;

	fputs("  ", out);
	width = text_write_cut(out, d->name, 12);
	fprintf(out, "%*s", (int)(13 - (width < 12 ? width : 12)), "");
	fprintf(out, "%s %s, %s %s", cls == DEV_DISK ? "read" : "rx",
		units_bytes((double)d->moved[0], a, sizeof(a)),
		cls == DEV_DISK ? "written" : "tx",
		units_bytes((double)d->moved[1], b, sizeof(b)));
	if (cls == DEV_DISK) {
		struct span_agg u = dev_agg(st, cls, d->name, "util", sp);
		struct span_agg w = dev_agg(st, cls, d->name, "await", sp);

		if (!isnan(u.max))
			fprintf(out, ", util avg %.1f%% max %.0f%%", u.avg, u.max);
		if (!isnan(w.max))
			fprintf(out, ", await avg %.1f ms max %.1f ms", w.avg, w.max);
	} else {
		fprintf(out, ", %llu errors, %llu drops", (unsigned long long)d->moved[2],
			(unsigned long long)d->moved[3]);
	}
	fputs(d->aside ? (cls == DEV_DISK ? " (stacked)\n" : " (loopback)\n") : "\n",
	      out);
}

static int text_class(FILE *out, struct store *st, enum dev_class cls,
		      const struct report_span *sp)
{
	struct dev_moved *devs;
	size_t n;

	if (query_dev_moved(st, cls, sp->t0, sp->t1, &devs, &n) < 0)
		return -1;
	text_totals(out, st, cls, sp);
	for (size_t i = 0; i < n && i < REPORT_DEVICES_TEXT; i++)
		text_device(out, st, cls, &devs[i], sp);
	if (n > REPORT_DEVICES_TEXT)
		fprintf(out, "  and %zu more (report --json lists them all)\n",
			n - REPORT_DEVICES_TEXT);
	free(devs);
	return 0;
}

int report_io_text(FILE *out, struct store *st, const struct report_span *sp)
{
	if (!store_has_devices(st))
		return 0;
	return text_class(out, st, DEV_DISK, sp) < 0 ? -1
						     : text_class(out, st, DEV_NET, sp);
}
