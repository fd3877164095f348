/* SPDX-License-Identifier: MIT */
/*
 * hdr: log-linear latency histograms (see hdr.h for the layout, the error
 * bound and the encoding).
 *
 * A histogram is either recordable (a dense array of HDR_NBUCKETS counters,
 * with [lo, hi] the range ever touched since the last reset, so resets,
 * merges and percentile walks cost the touched range, not the whole array)
 * or compact (the non-empty buckets only, ascending). Readers go through one
 * iterator that hides which form they hold.
 *
 * The decoder treats a blob as hostile: it validates the whole blob in a
 * first pass and only then adds it into the destination, so a blob is
 * either merged completely or not at all.
 */
#include "core/hdr.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define SUB_HALF 512u /* buckets per octave above the linear part */
#define LINEAR 1024u  /* values 0..LINEAR-1 have a bucket each */
#define VARINT_MAX 10 /* bytes of a 64-bit LEB128 varint */
#define HEADER_MAX (1 + 4 * VARINT_MAX + 8)
#define RUN_MAX (3 + VARINT_MAX) /* a gap < 2^15 * 2 fits 3 bytes */

struct hdr_bin {
	uint32_t idx;
	uint64_t n;
};

struct hdr {
	uint64_t count, clamped, min, max;
	double sum;
	uint64_t *counts;     /* recordable: HDR_NBUCKETS counters, else NULL */
	uint32_t lo, hi;      /* recordable: touched range, lo > hi when none */
	struct hdr_bin *bins; /* compact: non-empty buckets, ascending */
	size_t nbins;
};

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint32_t bucket_index(uint64_t v)
{
	int e, k;

	if (v < LINEAR)
		return (uint32_t)v;
	e = 63 - __builtin_clzll(v); /* >= 10 */
	k = e - 9;		     /* v >> k lands in [512, 1024) */
	return LINEAR + (uint32_t)(k - 1) * SUB_HALF + (uint32_t)((v >> k) - SUB_HALF);
}

/* Lowest value of bucket i and its width. */
static uint64_t bucket_low(uint32_t i, uint64_t *width)
{
	uint32_t k, sub;

	if (i < LINEAR) {
		*width = 1;
		return i;
	}
	k = (i - LINEAR) / SUB_HALF + 1;
	sub = (i - LINEAR) % SUB_HALF + SUB_HALF;
	*width = 1ull << k;
	return (uint64_t)sub << k;
}

static uint64_t bucket_value(const struct hdr *h, uint32_t i)
{
	uint64_t w, v = bucket_low(i, &w);

	v += (w - 1) / 2;
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

struct bucket_iter {
	const struct hdr *h;
	size_t pos;
};

static void iter_init(struct bucket_iter *it, const struct hdr *h)
{
	it->h = h;
	it->pos = h->counts ? h->lo : 0;
}

/* The next non-empty bucket; false at the end. */
static bool iter_next(struct bucket_iter *it, uint32_t *idx, uint64_t *n)
{
	const struct hdr *h = it->h;

	if (!h->counts) {
		if (it->pos >= h->nbins)
			return false;
		*idx = h->bins[it->pos].idx;
		*n = h->bins[it->pos].n;
		it->pos++;
		return true;
	}
	for (; it->pos <= h->hi; it->pos++) {
		if (h->counts[it->pos]) {
			*idx = (uint32_t)it->pos;
			*n = h->counts[it->pos];
			it->pos++;
			return true;
		}
	}
	return false;
}

void hdr_foreach(const struct hdr *h,
		 void (*fn)(uint64_t value_ns, uint64_t count, void *arg), void *arg)
{
	struct bucket_iter it;
	uint32_t idx;
	uint64_t n;

	iter_init(&it, h);
	while (iter_next(&it, &idx, &n))
		fn(bucket_value(h, idx), n, arg);
}

static void clear_totals(struct hdr *h)
{
	h->count = h->clamped = h->min = h->max = 0;
	h->sum = 0;
	h->lo = HDR_NBUCKETS;
	h->hi = 0;
}

struct hdr *hdr_new(void)
{
	struct hdr *h = xcalloc(1, sizeof(*h));

	h->counts = xcalloc(HDR_NBUCKETS, sizeof(*h->counts));
	clear_totals(h);
	return h;
}

void hdr_free(struct hdr *h)
{
	if (!h)
		return;
	free(h->counts);
	free(h->bins);
	free(h);
}

void hdr_reset(struct hdr *h)
{
	assert(h->counts);
	if (h->lo <= h->hi)
		memset(h->counts + h->lo, 0, (h->hi - h->lo + 1) * sizeof(*h->counts));
	clear_totals(h);
}

/* Adds n at bucket i and folds the totals in; values already clamped. */
static void add_bucket(struct hdr *h, uint32_t i, uint64_t n)
{
	h->counts[i] = add_sat(h->counts[i], n);
	if (i < h->lo)
		h->lo = i;
	if (i > h->hi)
		h->hi = i;
}

static void add_totals(struct hdr *h, uint64_t count, uint64_t clamped, uint64_t min,
		       uint64_t max, double sum)
{
	if (!count)
		return;
	if (!h->count || min < h->min)
		h->min = min;
	if (!h->count || max > h->max)
		h->max = max;
	h->count = add_sat(h->count, count);
	h->clamped = add_sat(h->clamped, clamped);
	h->sum += sum;
}

void hdr_record(struct hdr *h, uint64_t value_ns, uint64_t count)
{
	uint64_t clamped = 0;

	assert(h->counts);
	if (!count)
		return;
	if (value_ns > HDR_MAX_NS) {
		value_ns = HDR_MAX_NS;
		clamped = count;
	}
	add_bucket(h, bucket_index(value_ns), count);
	add_totals(h, count, clamped, value_ns, value_ns,
		   (double)value_ns * (double)count);
}

void hdr_merge(struct hdr *dst, const struct hdr *src)
{
	struct bucket_iter it;
	uint32_t i;
	uint64_t n;

	assert(dst->counts && dst != src);
	iter_init(&it, src);
	while (iter_next(&it, &i, &n))
		add_bucket(dst, i, n);
	add_totals(dst, src->count, src->clamped, src->min, src->max, src->sum);
}

struct hdr *hdr_compact(const struct hdr *h)
{
	struct hdr *c = xcalloc(1, sizeof(*c));
	struct bucket_iter it;
	uint32_t i;
	uint64_t n;

	*c = *h;
	c->counts = NULL;
	c->nbins = hdr_buckets_used(h);
	c->bins = c->nbins ? xmalloc(c->nbins * sizeof(*c->bins)) : NULL;
	iter_init(&it, h);
	for (size_t k = 0; iter_next(&it, &i, &n); k++)
		c->bins[k] = (struct hdr_bin){.idx = i, .n = n};
	return c;
}

bool hdr_is_compact(const struct hdr *h)
{
	return !h->counts;
}

uint64_t hdr_count(const struct hdr *h)
{
	return h->count;
}

uint64_t hdr_clamped(const struct hdr *h)
{
	return h->clamped;
}

uint64_t hdr_min(const struct hdr *h)
{
	return h->min;
}

uint64_t hdr_max(const struct hdr *h)
{
	return h->max;
}

double hdr_mean(const struct hdr *h)
{
	return h->count ? h->sum / (double)h->count : 0;
}

size_t hdr_buckets_used(const struct hdr *h)
{
	struct bucket_iter it;
	uint32_t i;
	uint64_t n;
	size_t used = 0;

	if (!h->counts)
		return h->nbins;
	iter_init(&it, h);
	while (iter_next(&it, &i, &n))
		used++;
	return used;
}

void hdr_add_cumulative(const struct hdr *h, const uint64_t *bounds_ns, size_t n,
			uint64_t *le)
{
	struct bucket_iter it;
	uint64_t below = 0, cnt;
	size_t j = 0;
	uint32_t i;

	/* buckets ascend: walk them and the bounds together */
	iter_init(&it, h);
	while (j < n && iter_next(&it, &i, &cnt)) {
		uint64_t v = bucket_value(h, i);

		for (; j < n && v > bounds_ns[j]; j++)
			le[j] = add_sat(le[j], below);
		below = add_sat(below, cnt);
	}
	for (; j < n; j++)
		le[j] = add_sat(le[j], below);
}

/*
 * ceil(ppm * count / 10^6) without overflow or rounding: with count =
 * q * 10^6 + r, the product splits into q * ppm (whole) and r * ppm / 10^6
 * (r * ppm < 10^12 fits easily).
 */
static uint64_t nearest_rank(uint64_t count, uint64_t ppm)
{
	uint64_t q = count / 1000000, r = count % 1000000;
	uint64_t part = (r * ppm + 999999) / 1000000;

	return q * ppm + part;
}

uint64_t hdr_value_at_ppm(const struct hdr *h, uint64_t ppm)
{
	struct bucket_iter it;
	uint64_t rank, seen = 0, n;
	uint32_t i;

	if (!h->count)
		return 0;
	if (!ppm)
		return h->min;
	if (ppm >= 1000000)
		return h->max;
	rank = nearest_rank(h->count, ppm);
	/* the lowest and highest ranks are min and max, which are exact */
	if (rank <= 1)
		return h->min;
	if (rank >= h->count)
		return h->max;
	iter_init(&it, h);
	while (iter_next(&it, &i, &n)) {
		seen = add_sat(seen, n);
		if (seen >= rank)
			return bucket_value(h, i);
	}
	return h->max; /* counts saturated: the rank lies past the last bucket */
}

uint64_t hdr_value_at_percentile(const struct hdr *h, double pct)
{
	if (!(pct > 0))
		return hdr_value_at_ppm(h, 0);
	if (pct >= 100)
		return hdr_value_at_ppm(h, 1000000);
	return hdr_value_at_ppm(h, (uint64_t)llround(pct * 10000.0));
}

/* ---- encoding ---- */

struct writer {
	uint8_t *buf;
	size_t cap, len;
};

static void put_byte(struct writer *w, uint8_t b)
{
	if (w->len < w->cap)
		w->buf[w->len] = b;
	w->len++;
}

static void put_varint(struct writer *w, uint64_t v)
{
	while (v >= 0x80) {
		put_byte(w, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	put_byte(w, (uint8_t)v);
}

static void put_double(struct writer *w, double d)
{
	uint64_t bits;

	memcpy(&bits, &d, sizeof(bits));
	for (int k = 0; k < 8; k++)
		put_byte(w, (uint8_t)(bits >> (8 * k)));
}

size_t hdr_encoded_max(void)
{
	return HEADER_MAX + (size_t)HDR_NBUCKETS * RUN_MAX;
}

size_t hdr_encode(const struct hdr *h, uint8_t *buf, size_t cap)
{
	struct writer w = {.buf = buf, .cap = buf ? cap : 0};
	struct bucket_iter it;
	uint32_t i, next = 0;
	uint64_t n;

	put_byte(&w, HDR_ENCODING_VERSION);
	put_varint(&w, h->count);
	put_varint(&w, h->clamped);
	if (h->count) {
		put_varint(&w, h->min);
		put_varint(&w, h->max);
	}
	put_double(&w, h->sum);
	iter_init(&it, h);
	while (iter_next(&it, &i, &n)) {
		uint64_t gap = i - next;

		put_varint(&w, gap << 1 | (n == 1));
		if (n != 1)
			put_varint(&w, n);
		next = i + 1;
	}
	return w.len;
}

struct reader {
	const uint8_t *p, *end;
};

static int get_varint(struct reader *r, uint64_t *out)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (r->p >= r->end)
			return -1;
		b = *r->p++;
		if (shift == 63 && b > 1)
			return -1; /* more than 64 bits */
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

static int get_double(struct reader *r, double *out)
{
	uint64_t bits = 0;

	if (r->end - r->p < 8)
		return -1;
	for (int k = 0; k < 8; k++)
		bits |= (uint64_t)r->p[k] << (8 * k);
	r->p += 8;
	memcpy(out, &bits, sizeof(*out));
	return 0;
}

/* The next run: bucket index (after *next) and its count. */
static int get_run(struct reader *r, uint32_t *next, uint32_t *idx, uint64_t *n)
{
	uint64_t g;

	if (get_varint(r, &g) < 0 || (g >> 1) >= HDR_NBUCKETS - *next)
		return -1;
	*idx = *next + (uint32_t)(g >> 1);
	if (g & 1)
		*n = 1;
	else if (get_varint(r, n) < 0 || *n < 2)
		return -1;
	*next = *idx + 1;
	return 0;
}

/* Version 1 blobs hold microseconds, and were clamped at 1 h of them. */
#define V1_SCALE 1000u
#define V1_MAX (HDR_MAX_NS / V1_SCALE)

struct blob_head {
	uint64_t count, clamped, min, max; /* in the blob's unit */
	double sum;
	uint64_t scale; /* nanoseconds per unit of the blob: 1, or V1_SCALE */
};

static int read_head(struct reader *r, struct blob_head *hd)
{
	uint64_t top;

	memset(hd, 0, sizeof(*hd));
	if (r->p >= r->end)
		return -1;
	switch (*r->p++) {
	case HDR_ENCODING_VERSION:
		hd->scale = 1;
		top = HDR_MAX_NS;
		break;
	case 1:
		hd->scale = V1_SCALE;
		top = V1_MAX;
		break;
	default:
		return -1;
	}
	if (get_varint(r, &hd->count) < 0 || get_varint(r, &hd->clamped) < 0)
		return -1;
	if (hd->count && (get_varint(r, &hd->min) < 0 || get_varint(r, &hd->max) < 0))
		return -1;
	if (get_double(r, &hd->sum) < 0)
		return -1;
	if (!isfinite(hd->sum) || hd->sum < 0 || hd->clamped > hd->count)
		return -1;
	if (!hd->count)
		return hd->sum == 0 && r->p == r->end ? 0 : -1;
	if (hd->min > hd->max || hd->max > top)
		return -1;
	if (hd->clamped && hd->max != top)
		return -1;
	return 0;
}

/*
 * Where a bucket of the blob goes in a nanosecond histogram: itself, or for
 * a microsecond blob the bucket of its reported value (as a version 1 reader
 * reported it, clamped to [min, max]) in nanoseconds.
 */
static uint32_t blob_bucket(const struct blob_head *hd, uint32_t idx)
{
	uint64_t w, v;

	if (hd->scale == 1)
		return idx;
	v = bucket_low(idx, &w) + (w - 1) / 2;
	if (v < hd->min)
		v = hd->min;
	if (v > hd->max)
		v = hd->max;
	return bucket_index(v * hd->scale);
}

/*
 * The careful path, for when the counts could saturate or the buckets must
 * be converted (a version 1 blob): validate the whole blob first, then add
 * it. Counts saturate in a histogram (see hdr_record),
 * so a blob claiming UINT64_MAX values is consistent when its bucket counts
 * add up to at least that.
 */
static int decode_two_pass(struct hdr *dst, struct reader r, const struct blob_head *hd)
{
	const uint8_t *runs = r.p;
	uint64_t total = 0, n;
	uint32_t next = 0, idx, first = 0, last = 0;
	bool any = false;

	while (r.p < r.end) {
		if (get_run(&r, &next, &idx, &n) < 0)
			return -1;
		total = add_sat(total, n);
		if (!any)
			first = idx;
		last = idx;
		any = true;
	}
	if (total != hd->count || (hd->count && (first != bucket_index(hd->min) ||
						 last != bucket_index(hd->max))))
		return -1;
	r.p = runs;
	next = 0;
	while (r.p < r.end) {
		get_run(&r, &next, &idx, &n);
		add_bucket(dst, blob_bucket(hd, idx), n);
	}
	add_totals(dst, hd->count, hd->clamped, hd->min * hd->scale, hd->max * hd->scale,
		   hd->sum * (double)hd->scale);
	return 0;
}

int hdr_decode_merge(struct hdr *dst, const uint8_t *blob, size_t len)
{
	struct reader r = {.p = blob, .end = blob + len};
	const uint8_t *runs;
	struct blob_head hd;
	uint64_t total = 0, n;
	uint32_t next = 0, idx, first = 0, last = 0, lo, hi;
	size_t applied = 0;

	assert(dst->counts);
	if (!blob || read_head(&r, &hd) < 0)
		return -1;
	if (hd.count >= UINT64_MAX - dst->count || hd.scale != 1)
		return decode_two_pass(dst, r, &hd);

	/* One pass, adding as it goes (no bucket can overflow: each stays
	 * below dst->count + hd.count); a bad run undoes what was added. */
	runs = r.p;
	lo = dst->lo;
	hi = dst->hi;
	while (r.p < r.end) {
		if (get_run(&r, &next, &idx, &n) < 0 || n > hd.count - total)
			goto undo;
		total += n;
		if (!applied)
			first = idx;
		last = idx;
		dst->counts[idx] += n;
		if (idx < dst->lo)
			dst->lo = idx;
		if (idx > dst->hi)
			dst->hi = idx;
		applied++;
	}
	if (total != hd.count ||
	    (hd.count && (first != bucket_index(hd.min) || last != bucket_index(hd.max))))
		goto undo;
	add_totals(dst, hd.count, hd.clamped, hd.min, hd.max, hd.sum);
	return 0;

undo:
	r.p = runs;
	next = 0;
	for (size_t k = 0; k < applied; k++) {
		get_run(&r, &next, &idx, &n);
		dst->counts[idx] -= n;
	}
	dst->lo = lo;
	dst->hi = hi;
	return -1;
}
