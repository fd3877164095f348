/* SPDX-License-Identifier: MIT */
/*
 * test_statsd: the StatsD line parser (every accepted form and every reason
 * a line is refused), the per-tick table (rates, tags, packed values, gauge
 * deltas across ticks, the metric limit, truncated datagrams, a take racing
 * the ingest), and the listener end to end over a real UDP socket on an
 * ephemeral port, including a port already in use; the address parser
 * (IPv4, bracketed IPv6, a port alone, every malformed form) and which
 * addresses count as loopback.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/statsd_listener.h"
#include "core/appmetrics.h"
#include "core/hdr.h"
#include "core/xalloc.h"

/* ---- the parser ---- */

static int parse(const char *text, struct statsd_line *l)
{
	return statsd_parse_line(text, strlen(text), l);
}

static char *key_of(const char *text)
{
	static char key[STATSD_KEY_MAX + 1];
	struct statsd_line l;

	if (parse(text, &l) != 0)
		fail_msg("'%s' did not parse: %s", text, app_bad_name(l.bad));
	assert_true(statsd_line_key(&l, key, sizeof(key)) > 0);
	return key;
}

static void assert_bad(const char *text, enum app_bad reason)
{
	struct statsd_line l;
	int rc = parse(text, &l);

	if (rc != -1 || l.bad != reason)
		fail_msg("'%s': rc %d reason %s, want %s", text, rc,
			 rc == -1 ? app_bad_name(l.bad) : "-", app_bad_name(reason));
}

static double value_at(const struct statsd_line *l, size_t index, bool *sign)
{
	size_t pos = 0;
	double v = NAN;
	bool s = false;

	for (size_t i = 0; i <= index; i++)
		assert_true(statsd_line_value(l, &pos, &v, &s));
	if (sign)
		*sign = s;
	return v;
}

static void test_parse_types(void **state)
{
	struct statsd_line l;
	bool sign;

	(void)state;
	assert_int_equal(parse("api.latency:12.5|ms", &l), 0);
	assert_int_equal(l.kind, APP_TIMER);
	assert_int_equal(l.name_len, strlen("api.latency"));
	assert_memory_equal(l.name, "api.latency", l.name_len);
	assert_int_equal(l.nvalues, 1);
	assert_true(value_at(&l, 0, NULL) == 12.5);
	assert_true(l.rate == 1);
	assert_int_equal(l.ntags, 0);

	assert_int_equal(parse("a:3|h", &l), 0);
	assert_int_equal(l.kind, APP_TIMER);
	assert_int_equal(parse("a:3|d", &l), 0);
	assert_int_equal(l.kind, APP_TIMER);
	assert_int_equal(parse("hits:-3|c", &l), 0);
	assert_int_equal(l.kind, APP_COUNTER);
	assert_true(value_at(&l, 0, NULL) == -3);
	assert_int_equal(parse("temp:21.5|g", &l), 0);
	assert_int_equal(l.kind, APP_GAUGE);
	assert_true(value_at(&l, 0, &sign) == 21.5);
	assert_false(sign);
	assert_int_equal(parse("temp:+4|g", &l), 0);
	assert_true(value_at(&l, 0, &sign) == 4);
	assert_true(sign);
	assert_int_equal(parse("temp:-4|g", &l), 0);
	assert_true(value_at(&l, 0, &sign) == -4);
	assert_true(sign);
	/* numbers: exponents, leading dot, locale-free */
	assert_int_equal(parse("n:1.5e3|c", &l), 0);
	assert_true(value_at(&l, 0, NULL) == 1500);
	assert_int_equal(parse("n:.25|c", &l), 0);
	assert_true(value_at(&l, 0, NULL) == 0.25);
	assert_int_equal(parse("n:7.|c", &l), 0);
	assert_true(value_at(&l, 0, NULL) == 7);
	/* names may hold what StatsD clients put there */
	assert_int_equal(parse("my-app.http_req/v1:1|c", &l), 0);
	assert_int_equal(parse("x:1|ms", &l), 0);
}

static void test_parse_packed_rate_tags(void **state)
{
	struct statsd_line l;
	size_t pos = 0;
	double v;
	bool sign;

	(void)state;
	assert_int_equal(parse("t:1:2.5:3|ms", &l), 0);
	assert_int_equal(l.nvalues, 3);
	assert_true(statsd_line_value(&l, &pos, &v, &sign) && v == 1);
	assert_true(statsd_line_value(&l, &pos, &v, &sign) && v == 2.5);
	assert_true(statsd_line_value(&l, &pos, &v, &sign) && v == 3);
	assert_false(statsd_line_value(&l, &pos, &v, &sign));

	assert_int_equal(parse("c:1|c|@0.1", &l), 0);
	assert_true(l.rate == 0.1);
	assert_int_equal(parse("c:1|c|@1", &l), 0);
	assert_true(l.rate == 1);

	assert_int_equal(parse("req:1|c|#route:/a,env:prod,env:prod,host", &l), 0);
	assert_int_equal(l.ntags, 3);
	assert_memory_equal(l.tags[0].text, "env:prod", l.tags[0].len);
	assert_memory_equal(l.tags[1].text, "host", l.tags[1].len);
	assert_memory_equal(l.tags[2].text, "route:/a", l.tags[2].len);
	/* the key: name, '#', tags sorted and deduplicated */
	assert_string_equal(key_of("req:1|c|#route:/a,env:prod,env:prod,host"),
			    "req#env:prod,host,route:/a");
	assert_string_equal(key_of("req:1|c|#host,route:/a,env:prod"),
			    "req#env:prod,host,route:/a");
	assert_string_equal(key_of("req:1|c"), "req");
	/* fields in any order; DogStatsD container and timestamp ignored */
	assert_string_equal(key_of("req:1|ms|#b,a|@0.5|c:abc123|T1656581400"), "req#a,b");
	assert_int_equal(parse("req:1|ms|#b,a|@0.5|c:abc123|T1656581400", &l), 0);
	assert_true(l.rate == 0.5);
	/* exactly the tag limit is fine */
	{
		char line[512] = "x:1|c|#";

		for (int i = 0; i < STATSD_TAGS_MAX; i++)
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 "%st%02d", i ? "," : "", i);
		assert_int_equal(parse(line, &l), 0);
		assert_int_equal(l.ntags, STATSD_TAGS_MAX);
		strcat(line, ",t99");
		assert_bad(line, APP_BAD_TAGS);
	}
}

static void test_parse_not_terminated(void **state)
{
	/* the line is the first 8 bytes; what follows must not be read as its */
	static const char buf[] = "a:1|c|#x,b:2|c";
	struct statsd_line l;

	(void)state;
	assert_int_equal(statsd_parse_line(buf, 5, &l), 0);
	assert_int_equal(l.ntags, 0);
	assert_int_equal(statsd_parse_line(buf, 8, &l), 0);
	assert_int_equal(l.ntags, 1);
	assert_int_equal(l.tags[0].len, 1);
	assert_int_equal(statsd_parse_line(buf, 0, &l), 1);
	assert_int_equal(statsd_parse_line(buf, 2, &l), -1);
	assert_int_equal(l.bad, APP_BAD_TYPE); /* "a:" */
}

static void test_parse_bad(void **state)
{
	char name[STATSD_NAME_MAX + 16], line[STATSD_KEY_MAX + 64];

	(void)state;
	assert_bad(":1|c", APP_BAD_EMPTY_NAME);
	assert_bad("|c", APP_BAD_EMPTY_NAME);
	assert_bad("a b:1|c", APP_BAD_NAME);
	assert_bad("a#b:1|c", APP_BAD_NAME);
	assert_bad("a\tb:1|c", APP_BAD_NAME);
	assert_bad("a\x7f:1|c", APP_BAD_NAME);
	{
		static const char nul[] = "a\0b:1|c";
		struct statsd_line l;

		assert_int_equal(statsd_parse_line(nul, sizeof(nul) - 1, &l), -1);
		assert_int_equal(l.bad, APP_BAD_NAME);
	}
	memset(name, 'n', STATSD_NAME_MAX);
	name[STATSD_NAME_MAX] = '\0';
	snprintf(line, sizeof(line), "%s:1|c", name);
	assert_string_equal(key_of(line), name); /* exactly the limit */
	snprintf(line, sizeof(line), "%sn:1|c", name);
	assert_bad(line, APP_BAD_NAME_TOO_LONG);
	/* a key (name plus tags) over the limit */
	snprintf(line, sizeof(line), "%s:1|c|#", name);
	for (int i = 0; strlen(line) < STATSD_KEY_MAX + 20; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%stag%02d:%s",
			 i ? "," : "", i, "vvvvvvvvvvvvvvvvvvvvvvvvvv");
	assert_bad(line, APP_BAD_NAME_TOO_LONG);

	assert_bad("x|c", APP_BAD_VALUE);
	assert_bad("x:|c", APP_BAD_VALUE);
	assert_bad("x:abc|c", APP_BAD_VALUE);
	assert_bad("x:1.2.3|c", APP_BAD_VALUE);
	assert_bad("x:1,5|c", APP_BAD_VALUE); /* a decimal comma is not a number */
	assert_bad("x:1:|c", APP_BAD_VALUE);
	assert_bad("x::1|c", APP_BAD_VALUE);
	assert_bad("x:-1|ms", APP_BAD_VALUE);
	assert_bad("x:1e999|c", APP_BAD_VALUE);
	assert_bad("x:1e|c", APP_BAD_VALUE);
	assert_bad("x:nan|c", APP_BAD_VALUE);
	assert_bad("x:inf|g", APP_BAD_VALUE);
	assert_bad("x:0x10|c", APP_BAD_VALUE);
	assert_bad("x:+|c", APP_BAD_VALUE);
	assert_bad("x:1 |c", APP_BAD_VALUE);
	assert_bad("x", APP_BAD_VALUE);

	assert_bad("x:1", APP_BAD_TYPE);
	assert_bad("x:1|", APP_BAD_TYPE);
	assert_bad("x:1|zz", APP_BAD_TYPE);
	assert_bad("x:1|msx", APP_BAD_TYPE);
	assert_bad("x:1|C", APP_BAD_TYPE);
	assert_bad("x:1||c", APP_BAD_TYPE);

	assert_bad("x:1|c|@0", APP_BAD_RATE);
	assert_bad("x:1|c|@1.5", APP_BAD_RATE);
	assert_bad("x:1|c|@-0.5", APP_BAD_RATE);
	assert_bad("x:1|c|@abc", APP_BAD_RATE);
	assert_bad("x:1|c|@", APP_BAD_RATE);
	assert_bad("x:1|c|@0.5|@0.5", APP_BAD_RATE);
	assert_bad("x:1|c|@1e-999", APP_BAD_RATE);

	assert_bad("x:1|c|#", APP_BAD_TAGS);
	assert_bad("x:1|c|#a,,b", APP_BAD_TAGS);
	assert_bad("x:1|c|#a,", APP_BAD_TAGS);
	assert_bad("x:1|c|#a\x01", APP_BAD_TAGS);
	assert_bad("x:1|c|#a|#b", APP_BAD_TAGS);

	assert_bad("x:1|c|foo", APP_BAD_FIELD);
	assert_bad("x:1|c|", APP_BAD_FIELD);
	assert_bad("x:1|c|Tabc", APP_BAD_FIELD);
	assert_bad("x:1|c||@0.5", APP_BAD_FIELD);

	assert_bad("users:alice|s", APP_BAD_UNSUPPORTED);
	assert_bad("_e{5,4}:title|text", APP_BAD_UNSUPPORTED);
	assert_bad("_sc|db.ok|0", APP_BAD_UNSUPPORTED);

	/* every reason has a distinct, stable name */
	for (int i = 0; i < APP_BAD_N; i++) {
		assert_non_null(app_bad_name(i));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(app_bad_name(i), app_bad_name(j));
	}
	assert_null(app_bad_name(APP_BAD_N));
	assert_string_equal(app_bad_name(APP_BAD_VALUE), "bad_value");
}

/* ---- the table ---- */

static void feed(struct statsd_agg *a, const char *text)
{
	struct statsd_packet p = {.buf = text, .len = strlen(text)};

	statsd_agg_ingest(a, &p, 1, 0);
}

static const struct app_metric *find(const struct app_metrics *m, const char *name,
				     char kind)
{
	const struct app_metric *am = app_metrics_find(m, name, kind);

	if (!am)
		fail_msg("no metric '%s' of kind %c", name, kind);
	return am;
}

static void test_agg_packet_lines(void **state)
{
	struct statsd_agg *a = statsd_agg_new(0);
	struct app_metrics *m;

	(void)state;
	feed(a, "a:1|c\r\nb:2|c\n\nc:3|c\n");
	feed(a, "a:1|c");
	feed(a, "\n");
	feed(a, "bogus\nb:5|c\r\n");
	m = statsd_agg_take(a);
	assert_int_equal(m->packets, 4);
	assert_int_equal(m->lines, 6); /* blank lines are not lines */
	assert_int_equal(m->bad[APP_BAD_VALUE], 1);
	assert_int_equal(app_metrics_bad_total(m), 1);
	assert_int_equal(m->n, 3);
	/* sorted by key */
	assert_string_equal(m->metrics[0].name, "a");
	assert_string_equal(m->metrics[1].name, "b");
	assert_string_equal(m->metrics[2].name, "c");
	assert_true(find(m, "a", APP_COUNTER)->value == 2);
	assert_int_equal(find(m, "a", APP_COUNTER)->count, 2);
	assert_true(find(m, "b", APP_COUNTER)->value == 7);
	assert_null(find(m, "a", APP_COUNTER)->hist);
	app_metrics_free(m);

	/* the next tick starts empty */
	m = statsd_agg_take(a);
	assert_int_equal(m->n, 0);
	assert_int_equal(m->packets, 0);
	assert_int_equal(m->lines, 0);
	assert_int_equal(app_metrics_bad_total(m), 0);
	app_metrics_free(m);
	statsd_agg_free(a);
}

static void test_agg_rates_and_timers(void **state)
{
	struct statsd_agg *a = statsd_agg_new(0);
	const struct app_metric *t;
	struct app_metrics *m;

	(void)state;
	feed(a, "c:1|c|@0.1\nc:2|c|@0.1");
	feed(a, "t:3|ms|@0.3\nt:3|ms|@0.3\nt:3|ms|@0.3");
	feed(a, "u:1.5:0.0004:2000|ms\nu:0.0006|ms");
	feed(a, "d:1|d\nd:2|h");
	feed(a, "s:0.0154:0.0014:3600000.001:0.0154|ms");
	feed(a, "g:5|g\ng:-3|g\ng:+10|g\ng:4|g");
	m = statsd_agg_take(a);
	assert_true(fabs(find(m, "c", APP_COUNTER)->value - 30) < 1e-9);
	assert_int_equal(find(m, "c", APP_COUNTER)->count, 2);

	/* 3 values at 1/0.3 = 3.33 occurrences each: 10, not 9 */
	t = find(m, "t", APP_TIMER);
	assert_int_equal(t->count, 3);
	assert_non_null(t->hist);
	assert_true(hdr_is_compact(t->hist));
	assert_int_equal(hdr_count(t->hist), 10);
	assert_int_equal(hdr_min(t->hist), 3000000);
	assert_int_equal(hdr_max(t->hist), 3000000);
	assert_true(t->value == 0);

	/* ms -> ns, rounded to nearest */
	t = find(m, "u", APP_TIMER);
	assert_int_equal(t->count, 4);
	assert_int_equal(hdr_count(t->hist), 4);
	assert_int_equal(hdr_min(t->hist), 400);
	assert_int_equal(hdr_max(t->hist), 2000000000);
	assert_int_equal(hdr_value_at_percentile(t->hist, 50), 600);
	assert_true(llabs((long long)hdr_value_at_percentile(t->hist, 75) - 1500000) <=
		    1500000 / 1000);
	assert_int_equal(find(m, "d", APP_TIMER)->count, 2);

	/* sub-microsecond digits survive; above 1 h is clamped and counted */
	t = find(m, "s", APP_TIMER);
	assert_int_equal(hdr_count(t->hist), 4);
	assert_int_equal(hdr_clamped(t->hist), 1);
	assert_int_equal(hdr_min(t->hist), 1400);
	assert_int_equal(hdr_max(t->hist), HDR_MAX_NS);
	assert_true(llabs((long long)hdr_value_at_percentile(t->hist, 50) - 15400) <=
		    15400 / 1000);

	/* gauges: the last value, and the lowest and highest on the way
	 * (5, 5 - 3, 2 + 10, 4) */
	t = find(m, "g", APP_GAUGE);
	assert_true(t->value == 4);
	assert_true(t->lo == 2);
	assert_true(t->hi == 12);
	app_metrics_free(m);

	/* a reused histogram carries nothing over from the last tick */
	feed(a, "t:7|ms");
	m = statsd_agg_take(a);
	t = find(m, "t", APP_TIMER);
	assert_int_equal(hdr_count(t->hist), 1);
	assert_int_equal(hdr_min(t->hist), 7000000);
	assert_null(app_metrics_find(m, "u", APP_TIMER));
	app_metrics_free(m);
	statsd_agg_free(a);
}

static void test_agg_gauges(void **state)
{
	struct statsd_agg *a = statsd_agg_new(0);
	struct app_metrics *m;

	(void)state;
	feed(a, "g:10|g\ng:+5|g\ng:-3|g\nh:-2|g\nr:4|g|@0.5");
	m = statsd_agg_take(a);
	assert_true(find(m, "g", APP_GAUGE)->value == 12);
	assert_int_equal(find(m, "g", APP_GAUGE)->count, 3);
	assert_true(find(m, "h", APP_GAUGE)->value == -2); /* a delta from nothing */
	assert_true(find(m, "r", APP_GAUGE)->value == 4);  /* rates do not scale gauges */
	app_metrics_free(m);

	/* sums and gauges stay finite however large the values */
	{
		/* the largest value accepted is ~1.8e305 (ms -> us must be finite) */
		size_t cap = 16 + 2000 * 8, len;
		char *line = xmalloc(cap);

		len = (size_t)snprintf(line, cap, "hg:1e305");
		for (int i = 0; i < 2000; i++)
			len += (size_t)snprintf(line + len, cap - len, ":+1e305");
		snprintf(line + len, cap - len, "|g");
		feed(a, "big:1e300|c|@1e-300\nbig:-1e300|c|@1e-300\nbig:1e300|c|@1e-300");
		feed(a, line);
		free(line);
	}
	m = statsd_agg_take(a);
	assert_true(find(m, "big", APP_COUNTER)->value == DBL_MAX);
	assert_true(find(m, "hg", APP_GAUGE)->value == DBL_MAX);
	assert_int_equal(find(m, "hg", APP_GAUGE)->count, 2001);
	app_metrics_free(m);
	feed(a, "hg:-1e305|g");
	m = statsd_agg_take(a);
	assert_true(find(m, "hg", APP_GAUGE)->value == DBL_MAX - 1e305);
	app_metrics_free(m);

	/* deltas move the value remembered from an earlier tick */
	m = statsd_agg_take(a);
	assert_null(app_metrics_find(m, "g", APP_GAUGE)); /* no update, no row */
	app_metrics_free(m);
	feed(a, "g:+1:+1|g");
	m = statsd_agg_take(a);
	assert_true(find(m, "g", APP_GAUGE)->value == 14);
	app_metrics_free(m);
	feed(a, "g:3|g");
	m = statsd_agg_take(a);
	assert_true(find(m, "g", APP_GAUGE)->value == 3);
	app_metrics_free(m);
	statsd_agg_free(a);
}

static void test_agg_identity(void **state)
{
	struct statsd_agg *a = statsd_agg_new(0);
	struct app_metrics *m;

	(void)state;
	feed(a, "x:1|c|#b,a\nx:2|c|#a,b\nx:4|c\nx:5|ms|#a,b\nx:6|g|#a,b");
	m = statsd_agg_take(a);
	assert_int_equal(m->n, 4);
	assert_true(find(m, "x#a,b", APP_COUNTER)->value == 3);
	assert_true(find(m, "x", APP_COUNTER)->value == 4);
	assert_int_equal(find(m, "x#a,b", APP_TIMER)->count, 1);
	assert_true(find(m, "x#a,b", APP_GAUGE)->value == 6);
	/* order: by key, then kind */
	assert_string_equal(m->metrics[0].name, "x");
	assert_string_equal(m->metrics[1].name, "x#a,b");
	assert_int_equal(m->metrics[1].kind, APP_COUNTER);
	assert_int_equal(m->metrics[2].kind, APP_GAUGE);
	assert_int_equal(m->metrics[3].kind, APP_TIMER);
	assert_null(app_metrics_find(m, "x#b,a", APP_COUNTER));
	app_metrics_free(m);
	statsd_agg_free(a);
}

static void test_agg_limit_and_truncation(void **state)
{
	struct statsd_agg *a = statsd_agg_new(5);
	struct statsd_packet p;
	struct app_metrics *m;
	char line[32];

	(void)state;
	for (int i = 0; i < 7; i++) {
		snprintf(line, sizeof(line), "m%d:1|ms", i);
		feed(a, line);
	}
	feed(a, "m0:2|ms"); /* an existing metric still takes values */
	m = statsd_agg_take(a);
	assert_int_equal(m->n, 5);
	assert_int_equal(m->bad[APP_BAD_TOO_MANY_METRICS], 2);
	assert_int_equal(find(m, "m0", APP_TIMER)->count, 2);
	assert_null(app_metrics_find(m, "m6", APP_TIMER));
	app_metrics_free(m);

	/* a new tick has room again */
	feed(a, "m6:1|ms");
	m = statsd_agg_take(a);
	assert_int_equal(m->n, 1);
	app_metrics_free(m);

	p = (struct statsd_packet){.buf = "a:1|c\nb:2|c\nc:3", .truncated = true};
	p.len = strlen(p.buf);
	statsd_agg_ingest(a, &p, 1, 4);
	m = statsd_agg_take(a);
	assert_int_equal(m->n, 2);
	assert_int_equal(m->lines, 3);
	assert_int_equal(m->bad[APP_BAD_TRUNCATED], 1);
	assert_int_equal(m->dropped, 4);
	assert_null(app_metrics_find(m, "c", APP_COUNTER));
	app_metrics_free(m);
	statsd_agg_free(a);
}

struct feeder {
	struct statsd_agg *agg;
	int packets;
	atomic_bool finished;
	atomic_uint takes; /* the taker's count, so the feeder can wait for one */
};

/* Sends half, waits until a take has happened since, sends the rest: at
 * least one take falls between packets, however the threads are run. */
static void *feeder_main(void *arg)
{
	struct feeder *f = arg;
	unsigned seen;

	for (int i = 0; i < f->packets; i++) {
		if (i == f->packets / 2) {
			seen = atomic_load(&f->takes);
			while (atomic_load(&f->takes) == seen)
				sched_yield();
		}
		feed(f->agg, "race:1|c\nrace.t:1|ms\nrace.g:+1|g");
	}
	atomic_store(&f->finished, true);
	return NULL;
}

/* Ticks taken while another thread ingests add up to everything it sent. */
static void test_agg_take_while_ingesting(void **state)
{
	struct feeder f = {.agg = statsd_agg_new(0), .packets = 20000};
	uint64_t counted = 0, timed = 0, lines = 0, takes = 0;
	double gauge = 0;
	pthread_t th;
	bool finished;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, feeder_main, &f), 0);
	do {
		struct app_metrics *m;
		const struct app_metric *am;

		/* a take after the feeder said it finished sees all it sent */
		finished = atomic_load(&f.finished);
		m = statsd_agg_take(f.agg);
		takes++;
		atomic_fetch_add(&f.takes, 1);
		lines += m->lines;
		if ((am = app_metrics_find(m, "race", APP_COUNTER)))
			counted += (uint64_t)am->value;
		if ((am = app_metrics_find(m, "race.t", APP_TIMER)))
			timed += hdr_count(am->hist);
		if ((am = app_metrics_find(m, "race.g", APP_GAUGE)))
			gauge = am->value;
		app_metrics_free(m);
	} while (!finished);
	pthread_join(th, NULL);
	assert_true(takes > 1);
	assert_int_equal(lines, 3ull * f.packets);
	assert_int_equal(counted, f.packets);
	assert_int_equal(timed, f.packets);
	assert_true(gauge == f.packets);
	statsd_agg_free(f.agg);
}

/* ---- the listener ---- */

static int udp_sender(int family)
{
	int fd = socket(family, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	return fd;
}

static void send_to(int fd, int family, int port, const char *text)
{
	struct sockaddr_in in4 = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port)};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6,
				   .sin6_port = htons((uint16_t)port)};
	ssize_t n;

	if (family == AF_INET) {
		in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		n = sendto(fd, text, strlen(text), 0, (struct sockaddr *)&in4,
			   sizeof(in4));
	} else {
		in6.sin6_addr = in6addr_loopback;
		n = sendto(fd, text, strlen(text), 0, (struct sockaddr *)&in6,
			   sizeof(in6));
	}
	assert_int_equal(n, (ssize_t)strlen(text));
}

/*
 * Takes ticks until want lines arrived (the listener runs on its own
 * schedule), adding them up into *sum. A generous cap turns a listener that
 * lost lines into a failure instead of a hang.
 */
static void take_until(struct statsd *s, uint64_t want, struct app_metrics *sum,
		       uint64_t *timer_count)
{
	for (int i = 0; i < 3000 && sum->lines < want; i++) {
		struct app_metrics *m = statsd_take(s);
		const struct app_metric *t =
			app_metrics_find(m, "e2e.t#run:1", APP_TIMER);

		sum->packets += m->packets;
		sum->lines += m->lines;
		sum->dropped += m->dropped;
		for (int r = 0; r < APP_BAD_N; r++)
			sum->bad[r] += m->bad[r];
		if (t)
			*timer_count += hdr_count(t->hist);
		app_metrics_free(m);
		if (sum->lines < want)
			poll(NULL, 0, 10);
	}
}

static bool thread_named(const char *want)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	bool found = false;

	assert_non_null(d);
	while (!found && (e = readdir(d))) {
		char path[300], comm[64] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		found = !strcmp(comm, want);
	}
	closedir(d);
	return found;
}

static void test_listener_end_to_end(void **state)
{
	struct app_metrics sum = {0};
	struct statsd *s = NULL;
	uint64_t timers = 0;
	char err[256] = "", packet[512];
	int fd, port;

	(void)state;
	assert_int_equal(statsd_start("127.0.0.1:0", 0, &s, err, sizeof(err)), 0);
	assert_non_null(s);
	port = statsd_port(s);
	assert_true(port > 0 && port < 65536);
	assert_true(statsd_rcvbuf(s) > 0);
	assert_true(thread_named("vigil-statsd"));

	fd = udp_sender(AF_INET);
	for (int i = 0; i < 200; i++) {
		snprintf(packet, sizeof(packet),
			 "e2e.t:%d.5|ms|#run:1\ne2e.c:1|c\r\ne2e.g:%d|g\nbroken\ne2e.p:1:"
			 "2|ms\n",
			 i, i);
		send_to(fd, AF_INET, port, packet);
	}
	take_until(s, 1000, &sum, &timers);
	assert_int_equal(sum.packets, 200);
	assert_int_equal(sum.lines, 1000);
	assert_int_equal(sum.bad[APP_BAD_VALUE], 200);
	assert_int_equal(app_metrics_bad_total(&sum), 200);
	assert_int_equal(sum.dropped, 0);
	assert_int_equal(timers, 200);
	assert_true(statsd_thread_cpu_ns(s) >= 0);
	close(fd);
	statsd_stop(s);
	assert_false(thread_named("vigil-statsd"));
	statsd_stop(NULL);
}

static void test_listener_ipv6(void **state)
{
	struct app_metrics sum = {0};
	struct statsd *s = NULL;
	uint64_t timers = 0;
	char err[256] = "";
	int fd, rc;

	(void)state;
	rc = statsd_start("[::1]:0", 0, &s, err, sizeof(err));
	if (rc == -EADDRNOTAVAIL || rc == -EAFNOSUPPORT)
		skip(); /* no IPv6 loopback here */
	assert_int_equal(rc, 0);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	send_to(fd, AF_INET6, statsd_port(s), "e2e.t:1|ms|#run:1\ne2e.t:2|ms|#run:1");
	take_until(s, 2, &sum, &timers);
	assert_int_equal(sum.lines, 2);
	assert_int_equal(timers, 2);
	close(fd);
	statsd_stop(s);
}

static void test_listener_port_in_use(void **state)
{
	struct statsd *a = NULL, *b = (struct statsd *)&b;
	char err[256] = "", addr[64];

	(void)state;
	assert_int_equal(statsd_start("127.0.0.1:0", 0, &a, err, sizeof(err)), 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", statsd_port(a));
	assert_int_equal(statsd_start(addr, 0, &b, err, sizeof(err)), -EADDRINUSE);
	assert_null(b);
	assert_string_equal(err, "cannot bind: address already in use");
	/* "PORT" alone means 127.0.0.1:PORT */
	snprintf(addr, sizeof(addr), "%d", statsd_port(a));
	assert_int_equal(statsd_start(addr, 0, &b, err, sizeof(err)), -EADDRINUSE);
	statsd_stop(a);
}

static void test_listener_bad_addresses(void **state)
{
	static const char *const bad[] = {
		"",	   "abc",     "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999",
		"::1:80",  "[::1]80", "[::1]:",	   "[]:80",	 "localhost:8125",
		"1.2.3:x", ":8125",   "[::1:80",   "8125x",	 "127.0.0.1:123456",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct statsd *s = (struct statsd *)&s;
		char err[256] = "";

		if (statsd_start(bad[i], 0, &s, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' was not refused as invalid: %s", bad[i], err);
		assert_null(s);
		assert_non_null(strstr(err, "invalid address: "));
	}
}

/* text -> the address formatted back, or the reason it was refused */
static void addr_ok(const char *text, const char *want, bool loopback)
{
	struct statsd_addr a;
	char err[160] = "", got[64];

	if (statsd_addr_parse(text, &a, err, sizeof(err)) < 0)
		fail_msg("'%s' refused: %s", text, err);
	statsd_addr_format(&a, got, sizeof(got));
	assert_string_equal(got, want);
	if (statsd_addr_is_loopback(&a) != loopback)
		fail_msg("'%s': loopback should be %d", text, loopback);
}

static void addr_bad(const char *text, const char *why)
{
	struct statsd_addr a;
	char err[160] = "";

	if (statsd_addr_parse(text, &a, err, sizeof(err)) == 0)
		fail_msg("'%s' was accepted", text);
	if (!strstr(err, why))
		fail_msg("'%s': got '%s', want '%s'", text, err, why);
}

static void test_addr_parse(void **state)
{
	(void)state;
	addr_ok("127.0.0.1:8125", "127.0.0.1:8125", true);
	addr_ok("8125", "127.0.0.1:8125", true);
	addr_ok("0", "127.0.0.1:0", true);
	addr_ok("127.9.8.7:65535", "127.9.8.7:65535", true);
	addr_ok("0.0.0.0:8125", "0.0.0.0:8125", false);
	addr_ok("10.1.2.3:0", "10.1.2.3:0", false);
	addr_ok("128.0.0.1:1", "128.0.0.1:1", false);
	addr_ok("[::1]:8125", "[::1]:8125", true);
	addr_ok("[::]:9125", "[::]:9125", false);
	addr_ok("[fe80::1]:1", "[fe80::1]:1", false);
	addr_ok("[::ffff:127.0.0.1]:2", "[::ffff:127.0.0.1]:2", true);
	addr_ok("[::ffff:10.0.0.1]:2", "[::ffff:10.0.0.1]:2", false);
	addr_ok("[::2]:3", "[::2]:3", false);

	addr_bad("", "empty address");
	addr_bad("nonsense", "missing port");
	addr_bad("127.0.0.1", "missing port");
	addr_bad("127.0.0.1:", "missing port");
	addr_bad("[::1]", "missing port");
	addr_bad("[::1]80", "missing port");
	addr_bad("[::1]:", "missing port");
	addr_bad("127.0.0.1:99999", "port '99999' is out of range (0-65535)");
	addr_bad("127.0.0.1:65536", "out of range");
	addr_bad("127.0.0.1:123456", "out of range");
	addr_bad("99999", "out of range");
	addr_bad("127.0.0.1:-1", "port '-1' is not a number");
	addr_bad("1.2.3:x", "not a number");
	addr_bad("8125x", "missing port");
	addr_bad("127.0.0.1:8125 ", "not a number");
	addr_bad(":8125", "missing host");
	addr_bad("[]:80", "missing host");
	addr_bad("localhost:8125", "'localhost' is not a numeric IPv4 or IPv6 address");
	addr_bad("1.2.3:80", "not a numeric");
	addr_bad("256.1.1.1:80", "not a numeric");
	addr_bad("[127.0.0.1]:80", "not a numeric");
	addr_bad("[fe80::1%lo]:80", "not a numeric");
	addr_bad("::1:80", "an IPv6 address needs brackets");
	addr_bad("[::1:80", "missing ']'");
	addr_bad("[aaaa:bbbb:cccc:dddd:eeee:ffff:0000:1111:2222:3333]:1",
		 "not a numeric");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_types),
		cmocka_unit_test(test_parse_packed_rate_tags),
		cmocka_unit_test(test_parse_not_terminated),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_agg_packet_lines),
		cmocka_unit_test(test_agg_rates_and_timers),
		cmocka_unit_test(test_agg_gauges),
		cmocka_unit_test(test_agg_identity),
		cmocka_unit_test(test_agg_limit_and_truncation),
		cmocka_unit_test(test_agg_take_while_ingesting),
		cmocka_unit_test(test_listener_end_to_end),
		cmocka_unit_test(test_listener_ipv6),
		cmocka_unit_test(test_listener_port_in_use),
		cmocka_unit_test(test_listener_bad_addresses),
		cmocka_unit_test(test_addr_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
