/* SPDX-License-Identifier: MIT */
/*
 * statsd: StatsD lines -> the per-tick table -> struct app_metrics.
 *
 * Parsing never allocates and never reads past the bytes it was given (lines
 * are not NUL-terminated: they point into a datagram buffer). A line is
 * checked completely before anything is applied, so a bad value at the end
 * of a packed line leaves no trace but its reason.
 *
 * The table is an open-addressing hash of at most max_metrics slots (in an
 * array twice that size, so probes stay short) keyed by (key, kind) with a
 * per-table random seed. Two tables alternate: the listener fills the
 * current one under the lock; statsd_agg_take swaps them under the lock and
 * builds the result from the finished one without it. Timer histograms come
 * from a pool shared by both tables and trimmed at every take to what the
 * last tick used, so a burst of metrics does not pin memory for ever.
 *
 * Gauge deltas need the previous value, which outlives the tick: a separate
 * table (same bound, never shrunk) remembers every gauge's last value. When
 * it is full, a new gauge's deltas start from 0.
 *
 * The socket and its thread are collectors/statsd_listener.
 */
#include "collectors/statsd.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/hdr.h"
#include "core/xalloc.h"

#define MANTISSA_LIMIT 1000000000000000000ull
#define EXP_LIMIT 10000

/* ---- numbers ---- */

/* A decimal as written: mant * 10^exp, sign apart. */
struct number {
	uint64_t mant;
	int exp;
	bool neg, has_sign;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses all of p[0..len) as [+-]digits[.digits][(e|E)[+-]digits]. */
static int parse_number(const char *p, size_t len, struct number *n)
{
	size_t i = 0, digits = 0;
	int e = 0;

	*n = (struct number){0};
	if (i < len && (p[i] == '+' || p[i] == '-')) {
		n->has_sign = true;
		n->neg = p[i] == '-';
		i++;
	}
	for (; i < len && is_digit(p[i]); i++, digits++) {
		if (n->mant < MANTISSA_LIMIT)
			n->mant = n->mant * 10 + (uint64_t)(p[i] - '0');
		else
			n->exp++; /* digits past 19 only scale */
	}
	if (i < len && p[i] == '.') {
		for (i++; i < len && is_digit(p[i]); i++, digits++) {
			if (n->mant < MANTISSA_LIMIT) {
				n->mant = n->mant * 10 + (uint64_t)(p[i] - '0');
				n->exp--;
			}
		}
	}
	if (!digits)
		return -1;
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		bool eneg = false;
		size_t edigits = 0;

		i++;
		if (i < len && (p[i] == '+' || p[i] == '-'))
			eneg = p[i++] == '-';
		for (; i < len && is_digit(p[i]); i++, edigits++)
			if (e < EXP_LIMIT)
				e = e * 10 + (p[i] - '0');
		if (!edigits)
			return -1;
		n->exp += eneg ? -e : e;
	}
	return i == len ? 0 : -1;
}

/* |n| * 10^extra as a double (inf when huge). */
static double number_abs(const struct number *n, int extra)
{
	static const double p10[] = {1e0,  1e1,	 1e2,  1e3,  1e4,  1e5,	 1e6,  1e7,
				     1e8,  1e9,	 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	int e = n->exp + extra;

	if (!n->mant || e < -400)
		return 0;
	if (e > 400)
		return HUGE_VAL;
	if (e >= 0 && e <= 22)
		return (double)n->mant * p10[e];
	if (e < 0 && e >= -22)
		return (double)n->mant / p10[-e];
	return (double)n->mant * pow(10, e);
}

static double number_value(const struct number *n)
{
	double v = number_abs(n, 0);

	return n->neg ? -v : v;
}

/* ---- lines ---- */

static bool has_prefix(const char *p, size_t len, const char *prefix)
{
	size_t k = strlen(prefix);

	return len >= k && !memcmp(p, prefix, k);
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int tag_cmp(const struct statsd_tag *a, const struct statsd_tag *b)
{
	size_t k = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->text, b->text, k);

	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/* Splits "a,b:c" into l->tags, sorted, without duplicates. */
static int parse_tags(const char *p, const char *end, struct statsd_line *l)
{
	size_t n = 0;

	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		struct statsd_tag tag = {p, (size_t)(stop - p)};
		size_t at;

		if (!tag.len)
			return -1;
		for (const char *c = p; c < stop; c++)
			if (is_control((unsigned char)*c))
				return -1;
		/* insertion into the sorted list, dropping a duplicate */
		for (at = n; at > 0 && tag_cmp(&l->tags[at - 1], &tag) > 0; at--)
			;
		if (!(at > 0 && tag_cmp(&l->tags[at - 1], &tag) == 0)) {
			if (n == STATSD_TAGS_MAX)
				return -1;
			memmove(&l->tags[at + 1], &l->tags[at], (n - at) * sizeof(tag));
			l->tags[at] = tag;
			n++;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	l->ntags = n;
	return 0;
}

static int bad(struct statsd_line *l, enum app_bad reason)
{
	l->bad = reason;
	return -1;
}

static int parse_type(const char *p, size_t len, struct statsd_line *l)
{
	if ((len == 2 && !memcmp(p, "ms", 2)) || (len == 1 && (*p == 'h' || *p == 'd')))
		l->kind = APP_TIMER;
	else if (len == 1 && *p == 'c')
		l->kind = APP_COUNTER;
	else if (len == 1 && *p == 'g')
		l->kind = APP_GAUGE;
	else if (len == 1 && *p == 's')
		return bad(l, APP_BAD_UNSUPPORTED);
	else
		return bad(l, APP_BAD_TYPE);
	return 0;
}

static int parse_values(struct statsd_line *l)
{
	const char *p = l->values, *end = l->values + l->values_len;

	l->nvalues = 0;
	for (;;) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		const char *stop = colon ? colon : end;
		struct number n;

		if (parse_number(p, (size_t)(stop - p), &n) < 0)
			return bad(l, APP_BAD_VALUE);
		if (l->kind == APP_TIMER && n.neg && n.mant)
			return bad(l, APP_BAD_VALUE);
		if (isinf(number_abs(&n, 3)))
			return bad(l, APP_BAD_VALUE);
		l->nvalues++;
		if (!colon)
			return 0;
		p = colon + 1;
	}
}

/* The fields after the type: |@rate |#tags |c:container |Tstamp. */
static int parse_fields(const char *p, const char *end, struct statsd_line *l)
{
	bool have_rate = false, have_tags = false;

	while (p < end) {
		const char *f = p + 1; /* past the '|' */
		const char *bar = memchr(f, '|', (size_t)(end - f));
		const char *stop = bar ? bar : end;
		size_t len = (size_t)(stop - f);
		struct number n;

		if (len && *f == '@') {
			if (have_rate || parse_number(f + 1, len - 1, &n) < 0 || n.neg ||
			    !n.mant)
				return bad(l, APP_BAD_RATE);
			l->rate = number_value(&n);
			if (!(l->rate > 0 && l->rate <= 1))
				return bad(l, APP_BAD_RATE);
			have_rate = true;
		} else if (len && *f == '#') {
			if (have_tags || parse_tags(f + 1, stop, l) < 0)
				return bad(l, APP_BAD_TAGS);
			have_tags = true;
		} else if (len >= 2 && f[0] == 'c' && f[1] == ':') {
			/* DogStatsD container id: not part of the identity */
		} else if (len >= 2 && f[0] == 'T') {
			for (const char *c = f + 1; c < stop; c++)
				if (!is_digit(*c))
					return bad(l, APP_BAD_FIELD);
		} else {
			return bad(l, APP_BAD_FIELD);
		}
		p = stop;
	}
	return 0;
}

int statsd_parse_line(const char *line, size_t len, struct statsd_line *l)
{
	const char *end = line + len, *colon, *bar, *name_end, *type_end;
	size_t key_len;

	l->name = line;
	l->name_len = 0;
	l->values = NULL;
	l->values_len = l->nvalues = l->ntags = 0;
	l->kind = 0;
	l->rate = 1;
	l->bad = APP_BAD_N;
	if (!len)
		return 1;
	if (has_prefix(line, len, "_e{") || has_prefix(line, len, "_sc|"))
		return bad(l, APP_BAD_UNSUPPORTED);

	colon = memchr(line, ':', len);
	bar = memchr(line, '|', len);
	if (colon && bar && bar < colon)
		colon = NULL; /* "name|c:1": the ':' is not the value's */
	name_end = colon ? colon : bar ? bar : end;
	l->name_len = (size_t)(name_end - line);
	if (!l->name_len)
		return bad(l, APP_BAD_EMPTY_NAME);
	if (l->name_len > STATSD_NAME_MAX)
		return bad(l, APP_BAD_NAME_TOO_LONG);
	for (const char *c = line; c < name_end; c++)
		if (is_control((unsigned char)*c) || *c == '#' || *c == ' ')
			return bad(l, APP_BAD_NAME);
	if (!bar)
		return bad(l, colon ? APP_BAD_TYPE : APP_BAD_VALUE);

	type_end = memchr(bar + 1, '|', (size_t)(end - bar - 1));
	if (!type_end)
		type_end = end;
	if (parse_type(bar + 1, (size_t)(type_end - bar - 1), l) < 0)
		return -1;
	if (!colon)
		return bad(l, APP_BAD_VALUE);
	l->values = colon + 1;
	l->values_len = (size_t)(bar - l->values);
	if (parse_values(l) < 0 || parse_fields(type_end, end, l) < 0)
		return -1;

	key_len = l->name_len;
	if (l->ntags)
		key_len += l->ntags; /* '#' and the commas */
	for (size_t i = 0; i < l->ntags; i++)
		key_len += l->tags[i].len;
	if (key_len > STATSD_KEY_MAX)
		return bad(l, APP_BAD_NAME_TOO_LONG);
	return 0;
}

/* The next value of l as written; false after the last. */
static bool next_number(const struct statsd_line *l, size_t *pos, struct number *n)
{
	const char *p, *end = l->values + l->values_len, *colon;

	if (*pos > l->values_len || !l->values)
		return false;
	p = l->values + *pos;
	colon = memchr(p, ':', (size_t)(end - p));
	if (!colon)
		colon = end;
	if (parse_number(p, (size_t)(colon - p), n) < 0)
		return false; /* not a line statsd_parse_line accepted */
	*pos = (size_t)(colon - l->values) + 1;
	return true;
}

bool statsd_line_value(const struct statsd_line *l, size_t *pos, double *value,
		       bool *has_sign)
{
	struct number n;

	if (!next_number(l, pos, &n))
		return false;
	*value = number_value(&n);
	*has_sign = n.has_sign;
	return true;
}

size_t statsd_line_key(const struct statsd_line *l, char *buf, size_t cap)
{
	size_t len = l->name_len;

	if (len >= cap)
		return 0;
	memcpy(buf, l->name, len);
	for (size_t i = 0; i < l->ntags; i++) {
		if (len + 1 + l->tags[i].len >= cap)
			return 0;
		buf[len++] = i ? ',' : '#';
		memcpy(buf + len, l->tags[i].text, l->tags[i].len);
		len += l->tags[i].len;
	}
	buf[len] = '\0';
	return len;
}

/* ---- the per-tick table ---- */

struct gauge_memory {
	char *key; /* owned; NULL when free */
	uint64_t hash;
	size_t key_len;
	double value;
};

struct slot {
	char *key; /* owned; NULL when free */
	uint64_t hash;
	size_t key_len;
	char kind;
	uint64_t count;
	double value;
	double lo, hi;		  /* gauges: lowest and highest value in the tick */
	double carry;		  /* timers: occurrences owed from sample rates */
	struct hdr *hist;	  /* timers */
	struct gauge_memory *mem; /* gauges: where the value outlives the tick */
};

struct table {
	struct slot *slots; /* cap entries */
	uint32_t *used;	    /* indexes of the used slots, in arrival order */
	size_t nused;
	uint64_t packets, lines, dropped, bad[APP_BAD_N];
};

struct statsd_agg {
	pthread_mutex_t lock;	   /* cur, the pool, the gauge memory */
	pthread_mutex_t take_lock; /* one take at a time */
	size_t max, cap;	   /* metrics per tick; slots (power of two) */
	uint64_t seed;
	struct table tables[2];
	struct table *cur, *done;
	struct hdr **pool; /* reset histograms ready for a new timer */
	size_t npool;
	struct gauge_memory *gauges; /* cap entries */
	size_t ngauges;
	struct statsd_line line;
	char key[STATSD_KEY_MAX + 1];
};

static uint64_t hash_key(uint64_t seed, const char *key, size_t len, char kind)
{
	uint64_t h = 1469598103934665603ull ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ull;
	}
	h ^= (unsigned char)kind;
	h *= 1099511628211ull;
	return h ^ (h >> 29);
}

struct statsd_agg *statsd_agg_new(size_t max_metrics)
{
	struct statsd_agg *a = xcalloc(1, sizeof(*a));
	struct timespec ts;

	a->max = max_metrics ? max_metrics : STATSD_MAX_METRICS;
	for (a->cap = 16; a->cap < 2 * a->max; a->cap *= 2)
		;
	for (int i = 0; i < 2; i++) {
		a->tables[i].slots = xcalloc(a->cap, sizeof(struct slot));
		a->tables[i].used = xcalloc(a->max, sizeof(uint32_t));
	}
	a->cur = &a->tables[0];
	a->done = &a->tables[1];
	a->pool = xcalloc(a->max, sizeof(*a->pool));
	a->gauges = xcalloc(a->cap, sizeof(*a->gauges));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	a->seed = hash_key((uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32), (char *)&a,
			   sizeof(a), 0);
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->take_lock, NULL);
	return a;
}

static void table_clear(struct table *t, bool free_keys)
{
	for (size_t i = 0; i < t->nused; i++) {
		struct slot *s = &t->slots[t->used[i]];

		if (free_keys)
			free(s->key);
		hdr_free(s->hist);
		memset(s, 0, sizeof(*s));
	}
	t->nused = 0;
}

void statsd_agg_free(struct statsd_agg *a)
{
	if (!a)
		return;
	for (int i = 0; i < 2; i++) {
		table_clear(&a->tables[i], true);
		free(a->tables[i].slots);
		free(a->tables[i].used);
	}
	for (size_t i = 0; i < a->npool; i++)
		hdr_free(a->pool[i]);
	free(a->pool);
	for (size_t i = 0; i < a->cap; i++)
		free(a->gauges[i].key);
	free(a->gauges);
	pthread_mutex_destroy(&a->lock);
	pthread_mutex_destroy(&a->take_lock);
	free(a);
}

static char *key_dup(const char *key, size_t len)
{
	char *k = xmalloc(len + 1);

	memcpy(k, key, len);
	k[len] = '\0';
	return k;
}

/* The remembered value of a gauge, created when there is room; or NULL. */
static struct gauge_memory *gauge_memory(struct statsd_agg *a, const char *key,
					 size_t len, uint64_t hash)
{
	size_t mask = a->cap - 1;

	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct gauge_memory *g = &a->gauges[i];

		if (!g->key) {
			if (a->ngauges >= a->max)
				return NULL;
			g->key = key_dup(key, len);
			g->key_len = len;
			g->hash = hash;
			g->value = 0;
			a->ngauges++;
			return g;
		}
		if (g->hash == hash && g->key_len == len && !memcmp(g->key, key, len))
			return g;
	}
}

/* The slot of (key, kind) in t, created when there is room; or NULL. */
static struct slot *lookup(struct statsd_agg *a, struct table *t, const char *key,
			   size_t len, char kind)
{
	uint64_t hash = hash_key(a->seed, key, len, kind);
	size_t mask = a->cap - 1, i;
	struct slot *s;

	for (i = hash & mask; t->slots[i].key; i = (i + 1) & mask) {
		s = &t->slots[i];
		if (s->hash == hash && s->kind == kind && s->key_len == len &&
		    !memcmp(s->key, key, len))
			return s;
	}
	if (t->nused >= a->max)
		return NULL;
	s = &t->slots[i];
	s->key = key_dup(key, len);
	s->key_len = len;
	s->hash = hash;
	s->kind = kind;
	if (kind == APP_TIMER)
		s->hist = a->npool ? a->pool[--a->npool] : hdr_new();
	if (kind == APP_GAUGE) {
		s->mem = gauge_memory(a, key, len, hash);
		s->value = s->mem ? s->mem->value : 0;
	}
	t->used[t->nused++] = (uint32_t)i;
	return s;
}

/* A timer value (ms) in whole nanoseconds, rounded to the nearest. */
static uint64_t timer_ns(const struct number *n)
{
	double ns = number_abs(n, 6);

	if (n->neg || ns < 0.5)
		return 0;
	if (ns >= 18446744073709549568.0) /* the last double below 2^64 */
		return UINT64_MAX;
	return (uint64_t)(ns + 0.5);
}

/* Sums and gauges stay finite: an overflow sticks at the largest double. */
static double keep_finite(double v)
{
	if (v > DBL_MAX)
		return DBL_MAX;
	if (v < -DBL_MAX)
		return -DBL_MAX;
	return v;
}

static void apply(struct slot *s, const struct statsd_line *l)
{
	struct number n;
	size_t pos = 0;

	while (next_number(l, &pos, &n)) {
		s->count++;
		switch (s->kind) {
		case APP_COUNTER:
			s->value = keep_finite(s->value + number_value(&n) / l->rate);
			break;
		case APP_GAUGE:
			s->value = n.has_sign ? keep_finite(s->value + number_value(&n))
					      : number_value(&n);
			if (s->count == 1 || s->value < s->lo)
				s->lo = s->value;
			if (s->count == 1 || s->value > s->hi)
				s->hi = s->value;
			break;
		default: {
			double owed = s->carry + 1 / l->rate;
			uint64_t times;

			if (owed >= 1e18) {
				times = 1000000000000000000ull;
				s->carry = 0;
			} else {
				times = (uint64_t)owed;
				s->carry = owed - (double)times;
			}
			hdr_record(s->hist, timer_ns(&n), times);
			break;
		}
		}
	}
	if (s->mem)
		s->mem->value = s->value;
}

static void ingest_line(struct statsd_agg *a, struct table *t, const char *p, size_t len)
{
	struct statsd_line *l = &a->line;
	struct slot *s;
	size_t klen;
	int rc;

	if (len && p[len - 1] == '\r')
		len--;
	rc = statsd_parse_line(p, len, l);
	if (rc == 1)
		return;
	t->lines++;
	if (rc < 0) {
		t->bad[l->bad]++;
		return;
	}
	klen = statsd_line_key(l, a->key, sizeof(a->key));
	s = lookup(a, t, a->key, klen, l->kind);
	if (!s) {
		t->bad[APP_BAD_TOO_MANY_METRICS]++;
		return;
	}
	apply(s, l);
}

static void ingest_packet(struct statsd_agg *a, struct table *t,
			  const struct statsd_packet *pkt)
{
	const char *p = pkt->buf, *end = pkt->buf + pkt->len;

	t->packets++;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {
			if (pkt->truncated) {
				t->lines++;
				t->bad[APP_BAD_TRUNCATED]++;
			} else {
				ingest_line(a, t, p, (size_t)(end - p));
			}
			break;
		}
		ingest_line(a, t, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

void statsd_agg_ingest(struct statsd_agg *a, const struct statsd_packet *pkts, size_t n,
		       uint64_t kernel_drops)
{
	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < n; i++)
		ingest_packet(a, a->cur, &pkts[i]);
	a->cur->dropped += kernel_drops;
	pthread_mutex_unlock(&a->lock);
}

struct app_metrics *statsd_agg_take(struct statsd_agg *a)
{
	struct app_metrics *m = app_metrics_new();
	struct table *t;

	pthread_mutex_lock(&a->take_lock);
	pthread_mutex_lock(&a->lock);
	t = a->cur;
	a->cur = a->done;
	a->done = t;
	pthread_mutex_unlock(&a->lock);

	m->packets = t->packets;
	m->lines = t->lines;
	m->dropped = t->dropped;
	memcpy(m->bad, t->bad, sizeof(m->bad));
	m->n = t->nused;
	m->metrics = t->nused ? xcalloc(t->nused, sizeof(*m->metrics)) : NULL;
	for (size_t i = 0; i < t->nused; i++) {
		struct slot *s = &t->slots[t->used[i]];
		struct app_metric *am = &m->metrics[i];

		am->name = s->key; /* moves */
		s->key = NULL;
		am->kind = s->kind;
		am->count = s->count;
		am->value = s->kind == APP_TIMER ? 0 : s->value;
		am->lo = s->kind == APP_GAUGE ? s->lo : am->value;
		am->hi = s->kind == APP_GAUGE ? s->hi : am->value;
		if (s->hist) {
			am->hist = hdr_compact(s->hist);
			hdr_reset(s->hist);
		}
	}

	/* Histograms back to the pool. What it still held was not needed by
	 * the new tick so far and goes: the pool holds what the last tick
	 * used, following the load down as well as up. */
	pthread_mutex_lock(&a->lock);
	while (a->npool)
		hdr_free(a->pool[--a->npool]);
	for (size_t i = 0; i < t->nused; i++) {
		struct slot *s = &t->slots[t->used[i]];

		if (s->hist && a->npool < a->max) {
			a->pool[a->npool++] = s->hist;
			s->hist = NULL;
		}
	}
	pthread_mutex_unlock(&a->lock);
	table_clear(t, true);
	t->packets = t->lines = t->dropped = 0;
	memset(t->bad, 0, sizeof(t->bad));
	pthread_mutex_unlock(&a->take_lock);

	app_metrics_sort(m);
	return m;
}
