/* SPDX-License-Identifier: MIT */
/*
 * fuzz_statsd: a libFuzzer target for everything that reads bytes from the
 * network or from a session file's app_samples.hist: the StatsD line parser,
 * the per-tick table and the hdr decoder. Each input is
 *
 * - given to a fresh table (room for 16 metrics, so the limit is reached) as
 *   one datagram, then again as a datagram cut by the kernel, and taken;
 * - split into lines, each parsed alone, checking what the parser promises
 *   (a name of 1..STATSD_NAME_MAX bytes, exactly nvalues values, tags sorted
 *   and distinct, a key that fits);
 * - decoded as an hdr blob; what is accepted must encode and decode again to
 *   the same histogram. Every timer histogram the table produced must do
 *   the same;
 * - taken as two ticks of /metrics (analysis/openmetrics), whose bodies in
 *   both formats must be valid expositions: every line a comment or a sample
 *   named by a valid metric name, OpenMetrics ending in # EOF.
 *
 * A broken promise aborts (a finding), as do crashes, sanitizer reports and
 * leaks. Built and run by `make fuzz`; seeds are written by tests/fuzz/run.sh.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/openmetrics.h"
#include "collectors/statsd.h"
#include "core/appmetrics.h"
#include "core/hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_statsd: %s:%d: %s\n", __FILE__, __LINE__,  \
				#cond);                                                  \
			abort();                                                         \
		}                                                                        \
	} while (0)

static uint8_t blob[1 << 18];

/* Encodes h and decodes it again: the same histogram must come back. */
static void round_trip(const struct hdr *h)
{
	struct hdr *back = hdr_new();
	size_t len = hdr_encode(h, blob, sizeof(blob));

	check(len <= sizeof(blob) && len <= hdr_encoded_max());
	check(hdr_decode_merge(back, blob, len) == 0);
	check(hdr_count(back) == hdr_count(h));
	check(hdr_min(back) == hdr_min(h));
	check(hdr_max(back) == hdr_max(h));
	check(hdr_clamped(back) == hdr_clamped(h));
	check(hdr_buckets_used(back) == hdr_buckets_used(h));
	check(hdr_value_at_percentile(back, 99) == hdr_value_at_percentile(h, 99));
	hdr_free(back);
}

static void check_line(const char *p, size_t len)
{
	struct statsd_line l;
	char key[STATSD_KEY_MAX + 1];
	size_t pos = 0, n = 0;
	double v;
	bool sign;
	int rc = statsd_parse_line(p, len, &l);

	if (rc == 1) {
		check(len == 0);
		return;
	}
	if (rc < 0) {
		check(l.bad < APP_BAD_N);
		return;
	}
	check(rc == 0);
	check(l.name_len >= 1 && l.name_len <= STATSD_NAME_MAX);
	check(l.name >= p && l.name + l.name_len <= p + len);
	check(l.kind == APP_TIMER || l.kind == APP_COUNTER || l.kind == APP_GAUGE);
	check(l.rate > 0 && l.rate <= 1);
	check(l.ntags <= STATSD_TAGS_MAX);
	for (size_t i = 0; i < l.ntags; i++) {
		check(l.tags[i].len > 0);
		check(l.tags[i].text >= p && l.tags[i].text + l.tags[i].len <= p + len);
		if (i) {
			size_t k = l.tags[i - 1].len < l.tags[i].len ? l.tags[i - 1].len
								     : l.tags[i].len;
			int c = memcmp(l.tags[i - 1].text, l.tags[i].text, k);

			check(c < 0 || (c == 0 && l.tags[i - 1].len < l.tags[i].len));
		}
	}
	while (statsd_line_value(&l, &pos, &v, &sign)) {
		check(v == v); /* not NaN */
		n++;
	}
	check(n == l.nvalues && n >= 1);
	check(statsd_line_key(&l, key, sizeof(key)) > 0);
	check(!memchr(key, '\n', strlen(key)));
}

static void check_tick(struct app_metrics *m)
{
	uint64_t bad = app_metrics_bad_total(m);

	check(bad <= m->lines);
	for (size_t i = 0; i < m->n; i++) {
		const struct app_metric *am = &m->metrics[i];

		check(am->count >= 1);
		check((am->kind == APP_TIMER) == (am->hist != NULL));
		if (i)
			check(strcmp(m->metrics[i - 1].name, am->name) < 0 ||
			      (!strcmp(m->metrics[i - 1].name, am->name) &&
			       m->metrics[i - 1].kind < am->kind));
		check(app_metrics_find(m, am->name, am->kind) == am);
		if (am->hist) {
			check(hdr_count(am->hist) >= am->count);
			round_trip(am->hist);
		}
	}
}

/* Every line of an exposition is a comment or NAME{...} VALUE / NAME VALUE. */
static void check_exposition(const char *body, size_t len, bool om)
{
	const char *p = body, *end = body + len;

	check(len == strlen(body));
	check(len && body[len - 1] == '\n');
	if (om)
		check(len >= 6 && !strcmp(end - 6, "# EOF\n"));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = 0;

		check(nl);
		if (p[0] != '#') {
			check((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z') ||
			      p[0] == '_');
			while (p + n < nl && p[n] != '{' && p[n] != ' ')
				check(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789_",
					     p[n++]));
			check(p + n < nl);
			check(memchr(p, ' ', (size_t)(nl - p)));
		}
		p = nl + 1;
	}
}

/* The input as two ticks of /metrics (so they are folded into the
 * cumulative figures), rendered in both formats. */
static void check_metrics(const struct statsd_packet *pkt)
{
	struct statsd_agg *agg = statsd_agg_new(16);
	struct metrics *mx = metrics_new(NULL);

	for (int i = 0; i < 2; i++) {
		struct frame *f = frame_new();

		statsd_agg_ingest(agg, pkt, 1, 0);
		f->app = statsd_agg_take(agg);
		metrics_update(mx, f);
		frame_unref(f);
	}
	for (int om = 0; om < 2; om++) {
		char *body;
		size_t len;

		check(metrics_render(mx, om ? METRICS_OPENMETRICS : METRICS_TEXT, &body,
				     &len) == 0);
		check_exposition(body, len, om);
		free(body);
	}
	metrics_free(mx);
	statsd_agg_free(agg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct statsd_agg *agg = statsd_agg_new(16);
	struct statsd_packet pkt[2] = {{.buf = text, .len = size},
				       {.buf = text, .len = size, .truncated = true}};
	struct app_metrics *m;
	struct hdr *h;
	const char *p = text, *end = text + size;

	statsd_agg_ingest(agg, pkt, 2, 0);
	m = statsd_agg_take(agg);
	check(m->packets == 2);
	check_tick(m);
	app_metrics_free(m);
	statsd_agg_free(agg);
	check_metrics(pkt);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;

		check_line(p, (size_t)(stop - p));
		p = stop + 1;
	}

	h = hdr_new();
	if (hdr_decode_merge(h, data, size) == 0)
		round_trip(h);
	else
		check(hdr_count(h) == 0 && hdr_buckets_used(h) == 0);
	hdr_free(h);
	return 0;
}
