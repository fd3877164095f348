/* SPDX-License-Identifier: MIT */
/*
 * test_pprof: the pprof export (analysis/pprof.c), read back.
 *
 * The encoder's output is gunzipped with zlib and decoded by the small
 * protobuf reader below (field numbers from pprof's proto/profile.proto), so
 * what is checked is what a pprof reader sees: the string table starts with
 * "" and holds no string twice, every id a sample or location names exists,
 * the values add up to the profile's counts and its nanoseconds, and the
 * stacks read leaf first give back the stacks put in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "analysis/pprof.h"
#include "analysis/profile.h"
#include "core/xalloc.h"

#define MAXN 512 /* of each kind of entry in a decoded profile */

struct rd {
	const unsigned char *p, *end;
};

struct dsample {
	uint64_t locs[MAXN];
	size_t nlocs;
	int64_t values[4];
	size_t nvalues;
	int64_t tid;	      /* label thread_id, -1 none */
	uint64_t thread_name; /* label thread_name's string, 0 none */
};

struct dprof {
	struct {
		const char *s;
		size_t len;
	} strs[MAXN];
	size_t nstrs;
	uint64_t sample_type[4][2];
	size_t nsample_types;
	uint64_t period_type[2];
	int64_t period, time_nanos, duration_nanos;
	struct dsample *samples; /* MAXN */
	size_t nsamples;
	uint64_t loc_id[MAXN], loc_mapping[MAXN], loc_fn[MAXN], loc_address[MAXN];
	size_t nlocs;
	uint64_t fn_id[MAXN], fn_name[MAXN], fn_system_name[MAXN];
	size_t nfns;
	uint64_t map_id[MAXN], map_filename[MAXN], map_has_functions[MAXN];
	uint64_t map_start[MAXN], map_limit[MAXN], map_offset[MAXN], map_build_id[MAXN];
	size_t nmaps;
};

static uint64_t rd_varint(struct rd *r)
{
	uint64_t v = 0;

	for (unsigned shift = 0;; shift += 7) {
		assert_true(r->p < r->end && shift < 64);
		v |= (uint64_t)(*r->p & 0x7f) << shift;
		if (!(*r->p++ & 0x80))
			return v;
	}
}

/* The next field: its number, and either *v (varint) or *sub (bytes). */
static unsigned rd_field(struct rd *r, uint64_t *v, struct rd *sub)
{
	uint64_t key = rd_varint(r);

	if ((key & 7) == 0) {
		*v = rd_varint(r);
	} else {
		uint64_t n;

		assert_int_equal(key & 7, 2); /* the encoder writes only these two */
		n = rd_varint(r);
		assert_true(n <= (uint64_t)(r->end - r->p));
		sub->p = r->p;
		sub->end = r->p + n;
		r->p += n;
	}
	return (unsigned)(key >> 3);
}

static void rd_value_type(struct rd r, uint64_t out[2])
{
	uint64_t v = 0;
	struct rd sub;

	out[0] = out[1] = 0;
	while (r.p < r.end) {
		unsigned f = rd_field(&r, &v, &sub);

		assert_true(f == 1 || f == 2);
		out[f - 1] = v;
	}
}

static void rd_sample(struct rd r, struct dsample *s)
{
	uint64_t v = 0;
	struct rd sub, lab;

	memset(s, 0, sizeof(*s));
	s->tid = -1;
	while (r.p < r.end) {
		unsigned f = rd_field(&r, &v, &sub);

		if (f == 1) { /* packed location_id */
			while (sub.p < sub.end) {
				assert_true(s->nlocs < MAXN);
				s->locs[s->nlocs++] = rd_varint(&sub);
			}
		} else if (f == 2) { /* packed value */
			while (sub.p < sub.end) {
				assert_true(s->nvalues < 4);
				s->values[s->nvalues++] = (int64_t)rd_varint(&sub);
			}
		} else if (f == 3) { /* label: key, str, num */
			uint64_t key = 0, str = 0, num = 0, x = 0;

			while (sub.p < sub.end) {
				unsigned lf = rd_field(&sub, &x, &lab);

				if (lf == 1)
					key = x;
				else if (lf == 2)
					str = x;
				else if (lf == 3)
					num = x;
			}
			s->tid = key && !str ? (int64_t)num : s->tid;
			s->thread_name = str ? str : s->thread_name;
		}
	}
}

static void rd_location(struct rd r, struct dprof *d)
{
	uint64_t v = 0;
	struct rd sub, line;
	size_t i = d->nlocs++;

	assert_true(i < MAXN);
	d->loc_id[i] = d->loc_mapping[i] = d->loc_fn[i] = d->loc_address[i] = 0;
	while (r.p < r.end) {
		unsigned f = rd_field(&r, &v, &sub);

		if (f == 1)
			d->loc_id[i] = v;
		else if (f == 2)
			d->loc_mapping[i] = v;
		else if (f == 3)
			d->loc_address[i] = v;
		else if (f == 4) {
			assert_int_equal(d->loc_fn[i], 0); /* one line per location */
			while (sub.p < sub.end)
				if (rd_field(&sub, &v, &line) == 1)
					d->loc_fn[i] = v;
		}
	}
}

/* A Mapping: id, memory_start, memory_limit, file_offset, filename,
 * build_id, has_functions (fields 1 to 7). */
static void rd_mapping(struct rd r, struct dprof *d)
{
	uint64_t *fields[] = {
		NULL,	       d->map_id,	d->map_start,	 d->map_limit,
		d->map_offset, d->map_filename, d->map_build_id, d->map_has_functions};
	uint64_t v = 0;
	struct rd sub;
	size_t i = d->nmaps++;

	assert_true(i < MAXN);
	for (size_t f = 1; f < sizeof(fields) / sizeof(fields[0]); f++)
		fields[f][i] = 0;
	while (r.p < r.end) {
		unsigned f = rd_field(&r, &v, &sub);

		if (f >= 1 && f < sizeof(fields) / sizeof(fields[0]))
			fields[f][i] = v;
	}
}

/* Three plain messages of varint fields 1..n into parallel arrays. */
static void rd_ids(struct rd r, uint64_t *a, uint64_t *b, uint64_t *c, unsigned fb,
		   unsigned fc, size_t i)
{
	uint64_t v = 0;
	struct rd sub;

	assert_true(i < MAXN);
	a[i] = b[i] = c[i] = 0;
	while (r.p < r.end) {
		unsigned f = rd_field(&r, &v, &sub);

		if (f == 1)
			a[i] = v;
		else if (f == fb)
			b[i] = v;
		else if (f == fc)
			c[i] = v;
	}
}

static void decode(const unsigned char *buf, size_t len, struct dprof *d)
{
	struct rd r = {buf, buf + len}, sub;
	uint64_t v = 0;

	memset(d, 0, sizeof(*d));
	d->samples = xcalloc(MAXN, sizeof(*d->samples));
	while (r.p < r.end) {
		switch (rd_field(&r, &v, &sub)) {
		case 1:
			assert_true(d->nsample_types < 4);
			rd_value_type(sub, d->sample_type[d->nsample_types++]);
			break;
		case 2:
			assert_true(d->nsamples < MAXN);
			rd_sample(sub, &d->samples[d->nsamples++]);
			break;
		case 3:
			rd_mapping(sub, d);
			break;
		case 4:
			rd_location(sub, d);
			break;
		case 5:
			rd_ids(sub, d->fn_id, d->fn_name, d->fn_system_name, 2, 3,
			       d->nfns++);
			break;
		case 6:
			assert_true(d->nstrs < MAXN);
			d->strs[d->nstrs].s = (const char *)sub.p;
			d->strs[d->nstrs++].len = (size_t)(sub.end - sub.p);
			break;
		case 9:
			d->time_nanos = (int64_t)v;
			break;
		case 10:
			d->duration_nanos = (int64_t)v;
			break;
		case 11:
			rd_value_type(sub, d->period_type);
			break;
		case 12:
			d->period = (int64_t)v;
			break;
		default:
			fail_msg("unexpected field");
		}
	}
}

/* String i of the table, as a new C string the caller frees. */
static char *str(const struct dprof *d, uint64_t i)
{
	char *s;

	assert_true(i < d->nstrs);
	s = xmalloc(d->strs[i].len + 1);
	memcpy(s, d->strs[i].s, d->strs[i].len);
	s[d->strs[i].len] = '\0';
	return s;
}

static void assert_str(const struct dprof *d, uint64_t i, const char *want)
{
	char *s = str(d, i);

	assert_string_equal(s, want);
	free(s);
}

/* The pprof_write output of p, gunzipped into *raw (caller frees). */
static size_t export_raw(const struct profile *p, unsigned char **raw)
{
	char *gz = NULL;
	size_t gzlen = 0, cap = 1 << 20;
	FILE *f = open_memstream(&gz, &gzlen);
	z_stream z = {0};

	assert_non_null(f);
	assert_int_equal(pprof_write(p, f), 0);
	fclose(f);
	assert_true(gzlen > 18);
	assert_int_equal((unsigned char)gz[0], 0x1f); /* a gzip member */
	assert_int_equal((unsigned char)gz[1], 0x8b);
	*raw = xmalloc(cap);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)gz;
	z.avail_in = (unsigned)gzlen;
	z.next_out = *raw;
	z.avail_out = (unsigned)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.avail_in, 0); /* nothing after the member */
	inflateEnd(&z);
	free(gz);
	return cap - z.avail_out;
}

/* Adds n samples of a root-first stack "main;a;b@libc.so.6" (module "app"
 * unless named). */
static void add(struct profile *p, int tid, const char *folded, uint64_t n)
{
	uint32_t ids[MAXN];
	size_t depth = 0;
	char *copy = xstrdup(folded), *save = NULL;

	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		char *at = strchr(t, '@');

		if (at)
			*at++ = '\0';
		assert_true(depth < MAXN);
		ids[depth++] = profile_frame_id(p, t, at ? at : "app");
	}
	free(copy);
	for (size_t i = 0; i < depth / 2; i++) {
		uint32_t t = ids[i];

		ids[i] = ids[depth - 1 - i];
		ids[depth - 1 - i] = t;
	}
	profile_add_stack(p, tid, ids, depth, n);
}

static size_t find(const uint64_t *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return i;
	fail_msg("id %llu is referenced but not defined", (unsigned long long)id);
	return 0;
}

/* Every id unique and nonzero, every reference resolves, strings unique. */
static void check_refs(const struct dprof *d)
{
	assert_true(d->nstrs >= 1);
	assert_int_equal(d->strs[0].len, 0);
	for (size_t i = 0; i < d->nstrs; i++)
		for (size_t j = i + 1; j < d->nstrs; j++)
			assert_false(d->strs[i].len == d->strs[j].len &&
				     !memcmp(d->strs[i].s, d->strs[j].s, d->strs[i].len));
	for (size_t i = 0; i < d->nlocs; i++) {
		assert_true(d->loc_id[i] != 0);
		assert_int_equal(find(d->loc_id, d->nlocs, d->loc_id[i]), i);
		find(d->fn_id, d->nfns, d->loc_fn[i]);
		if (d->loc_mapping[i])
			find(d->map_id, d->nmaps, d->loc_mapping[i]);
	}
	for (size_t i = 0; i < d->nfns; i++) {
		assert_true(d->fn_id[i] != 0);
		assert_int_equal(find(d->fn_id, d->nfns, d->fn_id[i]), i);
		assert_true(d->fn_name[i] < d->nstrs);
		assert_true(d->fn_system_name[i] < d->nstrs);
	}
	for (size_t i = 0; i < d->nmaps; i++) {
		assert_true(d->map_id[i] != 0);
		assert_int_equal(find(d->map_id, d->nmaps, d->map_id[i]), i);
		assert_true(d->map_filename[i] < d->nstrs);
		assert_true(d->map_build_id[i] < d->nstrs);
		assert_int_equal(d->map_has_functions[i], 1);
	}
	for (size_t i = 0; i < d->nsamples; i++)
		for (size_t j = 0; j < d->samples[i].nlocs; j++)
			find(d->loc_id, d->nlocs, d->samples[i].locs[j]);
}

/* Sample i's stack, root first "main;a;b", as a new string. */
static char *stack(const struct dprof *d, size_t i)
{
	const struct dsample *s = &d->samples[i];
	char *out = xstrdup("");

	for (size_t j = s->nlocs; j-- > 0;) {
		size_t l = find(d->loc_id, d->nlocs, s->locs[j]);
		size_t f = find(d->fn_id, d->nfns, d->loc_fn[l]);
		char *name = str(d, d->fn_name[f]), *next;

		next = xasprintf("%s%s%s", out, *out ? ";" : "", name);
		free(name);
		free(out);
		out = next;
	}
	return out;
}

/* Samples of the decoded profile whose stack is want (all threads). */
static int64_t count_of(const struct dprof *d, const char *want)
{
	int64_t n = 0;

	for (size_t i = 0; i < d->nsamples; i++) {
		char *s = stack(d, i);

		if (!strcmp(s, want))
			n += d->samples[i].values[0];
		free(s);
	}
	return n;
}

static struct profile *new_profile(enum profile_mode mode)
{
	struct profile_meta m = {.pid = 7, .mode = mode, .hz = 100};

	m.started_ms = 1700000000123;
	m.duration_ms = 2500;
	strcpy(m.sampler, "perf");
	return profile_new(&m);
}

static void test_roundtrip(void **state)
{
	struct profile *p = new_profile(PROFILE_CPU);
	struct dprof d;
	unsigned char *raw;
	size_t len;
	int64_t sum = 0, ns = 0;
	bool named = false;

	(void)state;
	add(p, 11, "main;a;b", 5);
	add(p, 12, "main;a;memcpy@libc.so.6", 3);
	add(p, 11, "main;b", 200); /* a count over one varint byte */
	add(p, 12, "main;a;b", 1);
	profile_set_thread(p, 12, "worker");
	len = export_raw(p, &raw);
	decode(raw, len, &d);
	check_refs(&d);

	assert_int_equal(d.nsample_types, 2);
	assert_str(&d, d.sample_type[0][0], "samples");
	assert_str(&d, d.sample_type[0][1], "count");
	assert_str(&d, d.sample_type[1][0], "cpu");
	assert_str(&d, d.sample_type[1][1], "nanoseconds");
	assert_str(&d, d.period_type[0], "cpu");
	assert_str(&d, d.period_type[1], "nanoseconds");
	assert_int_equal(d.period, 10000000);
	assert_int_equal(d.time_nanos, 1700000000123LL * 1000000);
	assert_int_equal(d.duration_nanos, 2500LL * 1000000);

	for (size_t i = 0; i < d.nsamples; i++) {
		assert_int_equal(d.samples[i].nvalues, 2);
		sum += d.samples[i].values[0];
		ns += d.samples[i].values[1];
		assert_int_equal(d.samples[i].values[1],
				 d.samples[i].values[0] * d.period);
		assert_true(d.samples[i].tid == 11 || d.samples[i].tid == 12);
		if (d.samples[i].tid == 12) {
			assert_true(d.samples[i].thread_name != 0);
			assert_str(&d, d.samples[i].thread_name, "worker");
			named = true;
		} else {
			assert_int_equal(d.samples[i].thread_name, 0);
		}
	}
	assert_true(named);
	assert_int_equal(sum, 209);
	assert_int_equal((uint64_t)sum, p->meta.samples);
	assert_int_equal(ns, 209LL * 10000000);
	assert_int_equal(count_of(&d, "main;a;b"), 6);
	assert_int_equal(count_of(&d, "main;a;memcpy"), 3);
	assert_int_equal(count_of(&d, "main;b"), 200);

	/* one function per frame, two modules as mappings */
	assert_int_equal(d.nfns, p->nframes);
	assert_int_equal(d.nlocs, p->nframes);
	assert_int_equal(d.nmaps, 2);
	assert_str(&d, d.map_filename[0], "app");
	assert_str(&d, d.map_filename[1], "libc.so.6");
	for (size_t i = 0; i < d.nfns; i++)
		assert_int_equal(d.fn_name[i], d.fn_system_name[i]);
	free(d.samples);
	free(raw);
	profile_free(p);
}

/*
 * Frames placed in file mappings: each mapping with its addresses, file and
 * build id, lowest address first (the main binary before libc, though libc
 * was seen first); each location with its address inside its mapping; a
 * frame no file holds ([jit]) keeps a mapping of its module name alone.
 */
static void test_mappings(void **state)
{
	static const char exe_id[] = "84f963cebd6f200ff959f846478d6cfca60e172b";
	struct profile *p = new_profile(PROFILE_CPU);
	uint32_t libc, exe, ids[3];
	struct dprof d;
	unsigned char *raw;
	size_t len, jit = MAXN;

	(void)state;
	ids[0] = profile_frame_id(p, "memcpy", "libc.so.6");
	ids[1] = profile_frame_id(p, "main", "app");
	ids[2] = profile_frame_id(p, "jitted", "[jit]");
	libc = profile_mapping_id(p, 0x7f0000026000, 0x7f0000184000, 0x26000,
				  "/usr/lib/x86_64-linux-gnu/libc.so.6", NULL);
	exe = profile_mapping_id(p, 0x55d000001000, 0x55d000002000, 0x1000, "/srv/app",
				 exe_id);
	assert_int_equal(profile_mapping_id(p, 0x7f0000026000, 0x7f0000184000, 0x26000,
					    "/usr/lib/x86_64-linux-gnu/libc.so.6", "x"),
			 libc); /* one mapping once */
	profile_frame_place(p, ids[0], libc, 0x7f0000030010);
	profile_frame_place(p, ids[1], exe, 0x55d000001234);
	profile_frame_place(p, ids[1], libc, 0x7f0000030020); /* the first stays */
	profile_add_stack(p, 1, ids, 3, 4);
	len = export_raw(p, &raw);
	decode(raw, len, &d);
	check_refs(&d);

	assert_int_equal(d.nmaps, 3);
	assert_str(&d, d.map_filename[0], "/srv/app");
	assert_str(&d, d.map_build_id[0], exe_id);
	assert_int_equal(d.map_start[0], 0x55d000001000);
	assert_int_equal(d.map_limit[0], 0x55d000002000);
	assert_int_equal(d.map_offset[0], 0x1000);
	assert_str(&d, d.map_filename[1], "/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_str(&d, d.map_build_id[1], "");
	assert_int_equal(d.map_start[1], 0x7f0000026000);
	assert_int_equal(d.map_offset[1], 0x26000);
	assert_str(&d, d.map_filename[2], "[jit]");
	assert_int_equal(d.map_start[2], 0);
	assert_int_equal(d.map_build_id[2], 0);

	assert_int_equal(d.nlocs, 3);
	for (size_t i = 0; i < d.nlocs; i++) {
		size_t f = find(d.fn_id, d.nfns, d.loc_fn[i]);
		size_t m = find(d.map_id, d.nmaps, d.loc_mapping[i]);
		char *name = str(&d, d.fn_name[f]);

		if (!strcmp(name, "jitted")) {
			jit = i;
			assert_int_equal(d.loc_address[i], 0);
		} else {
			assert_true(d.loc_address[i] >= d.map_start[m] &&
				    d.loc_address[i] < d.map_limit[m]);
		}
		if (!strcmp(name, "main"))
			assert_int_equal(d.loc_address[i], 0x55d000001234);
		if (!strcmp(name, "memcpy"))
			assert_int_equal(d.loc_address[i], 0x7f0000030010);
		free(name);
	}
	assert_true(jit < MAXN);
	assert_int_equal(d.loc_mapping[jit], d.map_id[2]);
	free(d.samples);
	free(raw);
	profile_free(p);
}

/* Frame ids past one varint byte, a stack 300 deep, an unknown module. */
static void test_deep_stack(void **state)
{
	struct profile *p = new_profile(PROFILE_CPU);
	char *folded = xstrdup("main");
	struct dprof d;
	unsigned char *raw;
	size_t len;
	char *got;

	(void)state;
	for (int i = 0; i < 299; i++) {
		char *next = xasprintf("%s;f%d", folded, i);

		free(folded);
		folded = next;
	}
	add(p, 1, folded, 7);
	add(p, 1, "main;[truncated]@", 1);
	len = export_raw(p, &raw);
	decode(raw, len, &d);
	check_refs(&d);
	assert_int_equal(d.nsamples, 2);
	assert_int_equal(d.samples[0].nlocs, 300);
	got = stack(&d, 0);
	assert_string_equal(got, folded);
	free(got);
	assert_int_equal(count_of(&d, "main;[truncated]"), 1);
	/* the frame of module "" has no mapping */
	for (size_t i = 0; i < d.nlocs; i++) {
		char *name = str(&d, d.fn_name[find(d.fn_id, d.nfns, d.loc_fn[i])]);

		assert_int_equal(d.loc_mapping[i] == 0, !strcmp(name, "[truncated]"));
		free(name);
	}
	free(folded);
	free(d.samples);
	free(raw);
	profile_free(p);
}

static void test_wall_and_empty(void **state)
{
	struct profile *p = new_profile(PROFILE_WALL);
	struct dprof d;
	unsigned char *raw;
	size_t len;

	(void)state;
	len = export_raw(p, &raw);
	decode(raw, len, &d);
	check_refs(&d);
	assert_int_equal(d.nsamples, 0);
	assert_int_equal(d.nfns, 0);
	assert_int_equal(d.nmaps, 0);
	assert_str(&d, d.sample_type[1][0], "wall");
	assert_str(&d, d.period_type[0], "wall");
	free(d.samples);
	free(raw);
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_deep_stack),
		cmocka_unit_test(test_wall_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
