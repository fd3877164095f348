/* SPDX-License-Identifier: MIT */
/*
 * hdr: an HDR-style histogram of latencies in whole nanoseconds, 0 .. 1 h,
 * so percentiles over any window come from merging per-tick histograms, never
 * from averaging per-tick percentiles.
 *
 * Layout (log-linear, as HdrHistogram with 3 significant digits): values
 * 0..1023 have a bucket each; above that every power of two [2^e, 2^(e+1))
 * is cut into 512 equal buckets. A bucket [L, L+w) then has w <= L / 512,
 * and its representative value L + (w-1)/2 is within w/2 of every value in
 * it. Hence the guarantee, for every value a percentile can land on:
 *
 *     |reported - exact| <= exact / 1024      (relative error < 0.0977%)
 *
 * which is within the 0.1% of "3 significant decimal digits". Values below
 * 1024 ns are exact. Results are also clamped to [min, max], which are exact.
 * So every value from 1 us to 1 h is reported within 0.1%, and a value
 * below 1 us to the nanosecond.
 *
 * Range: values above HDR_MAX_NS (1 h) are recorded as HDR_MAX_NS and counted
 * in hdr_clamped(). 0 is a valid value.
 *
 * Memory: a recordable histogram holds HDR_NBUCKETS 64-bit counters
 * (136 KiB), allocated once by hdr_new(); recording and merging never
 * allocate. hdr_compact() makes a read-only copy holding only the non-empty
 * buckets (16 bytes each), which is what travels inside a frame.
 *
 * Percentile definition: nearest rank, in integers. With p in parts per
 * million (99.9% = 999000), hdr_value_at_ppm(h, p) is the value of rank
 * ceil(p * count / 10^6) (at least 1) in ascending order, within the bound
 * above, the rank computed exactly (no floating point: 99.9% of 1000 values
 * is rank 999, never 1000); p 0 gives min, p >= 10^6 gives max, and so do
 * ranks 1 and count (min and max are exact).
 *
 * Encoding (for SQLite BLOBs; all integers unsigned LEB128 varints):
 *     byte 0        version: HDR_ENCODING_VERSION (2) for nanoseconds; 1 is
 *                   the same layout in microseconds (vigil before schema 4),
 *                   still decoded: its values are taken as whole
 *                   microseconds (each bucket at its reported value) and
 *                   turned into nanoseconds, min, max and sum exactly
 *     varint        count (total of the bucket counts)
 *     varint        clamped
 *     varint        min, varint max     (only when count > 0)
 *     8 bytes       sum of values, IEEE-754 double, little endian
 *     runs          until the end: varint g, where g>>1 is the number of
 *                   empty buckets skipped before the next non-empty bucket
 *                   and g&1 says its count is 1; otherwise a varint count
 *                   (>= 2) follows.
 * A tick of a few hundred timer values encodes to about one byte per value.
 * Decoding checks everything (version, bucket bounds, counts adding up, min
 * and max lying in the first and last buckets, a finite sum) and rejects
 * the blob as a whole, leaving the destination untouched.
 *
 * Not thread-safe: one thread writes a histogram; a compact copy may be read
 * by any number of threads once published.
 */
#ifndef VIGIL_CORE_HDR_H
#define VIGIL_CORE_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HDR_MAX_NS 3600000000000ull /* 1 h */
#define HDR_NBUCKETS 17408	    /* 1024 + 32 octaves of 512 (to 2^42 ns) */
#define HDR_ENCODING_VERSION 2	    /* 1: the same in microseconds */
/* |reported - exact| <= exact / HDR_ERROR_DIVISOR */
#define HDR_ERROR_DIVISOR 1024

struct hdr;

/* An empty recordable histogram owned by the caller (hdr_free). Never NULL. */
struct hdr *hdr_new(void);
/* Frees h. NULL is ignored. */
void hdr_free(struct hdr *h);

/*
 * Records count occurrences of value_ns (clamped to HDR_MAX_NS). count 0 is
 * a no-op. h must be recordable (not made by hdr_compact). Counts (the total
 * and each bucket's) saturate at UINT64_MAX rather than wrap; a saturated
 * histogram still encodes and decodes, its percentiles are then approximate.
 */
void hdr_record(struct hdr *h, uint64_t value_ns, uint64_t count);
/* Adds every value of src (recordable or compact) into recordable dst. */
void hdr_merge(struct hdr *dst, const struct hdr *src);
/* Empties a recordable h, keeping its memory. Cost is the touched range. */
void hdr_reset(struct hdr *h);

/*
 * A read-only copy of h holding only its non-empty buckets, owned by the
 * caller (hdr_free). Every reading function, hdr_merge (as src) and
 * hdr_encode accept it; hdr_record, hdr_reset and merging into it do not.
 */
struct hdr *hdr_compact(const struct hdr *h);
bool hdr_is_compact(const struct hdr *h);

uint64_t hdr_count(const struct hdr *h);
/* Values that were above HDR_MAX_NS (they are counted at HDR_MAX_NS). */
uint64_t hdr_clamped(const struct hdr *h);
/* Exact smallest and largest recorded values (after clamping); 0 when empty. */
uint64_t hdr_min(const struct hdr *h);
uint64_t hdr_max(const struct hdr *h);
/* Mean of the recorded values (after clamping; the sum is kept as a double),
 * 0 when empty. */
double hdr_mean(const struct hdr *h);
/* See the percentile definition above; 0 when empty. */
uint64_t hdr_value_at_ppm(const struct hdr *h, uint64_t ppm);
/*
 * The same with pct in percent, taken to 4 decimals (rounded to parts per
 * million, so 99.9 is exactly 999000 ppm); pct <= 0 gives min.
 */
uint64_t hdr_value_at_percentile(const struct hdr *h, double pct);
/* Number of non-empty buckets. */
size_t hdr_buckets_used(const struct hdr *h);
/*
 * Cumulative counts for a histogram of fixed bounds (Prometheus buckets):
 * adds to le[i] the number of values at or below bounds_ns[i], each value
 * taken at its reported value (the one percentiles give, so within the
 * error bound above). bounds_ns ascending, n of them; values above the last
 * bound are in no le[i] (they are the +Inf bucket: hdr_count).
 */
void hdr_add_cumulative(const struct hdr *h, const uint64_t *bounds_ns, size_t n,
			uint64_t *le);
/*
 * Calls fn for every non-empty bucket of h (recordable or compact), lowest
 * first, with the value a percentile landing in it reports (within the
 * bound above, clamped to [min, max]) and its count; arg is passed through.
 */
void hdr_foreach(const struct hdr *h,
		 void (*fn)(uint64_t value_ns, uint64_t count, void *arg), void *arg);

/*
 * Writes the encoding of h into buf when it fits in cap bytes, and returns
 * its full length either way (like snprintf): hdr_encode(h, NULL, 0) sizes
 * the buffer. Never more than hdr_encoded_max() bytes.
 */
size_t hdr_encode(const struct hdr *h, uint8_t *buf, size_t cap);
size_t hdr_encoded_max(void);
/*
 * Decodes blob and adds its values into recordable dst. Returns 0, or -1 for
 * a malformed blob or an unknown version, in which case dst is unchanged.
 */
int hdr_decode_merge(struct hdr *dst, const uint8_t *blob, size_t len);

#endif
