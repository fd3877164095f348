/* SPDX-License-Identifier: MIT */
/*
 * test_hsperf: the HotSpot performance-data parser and collector.
 *
 * Real files captured from java 17 (tests/fixtures/hsperf/: G1 and Parallel,
 * each with the `jstat -gc` and `jstat -gccapacity` output taken while the
 * JVM was stopped with SIGSTOP, so file and jstat saw the same numbers) are
 * parsed and compared with what jstat printed. Synthetic files in both byte
 * orders pin the format; damaged files (every truncation, random bytes,
 * hostile offsets) must fail cleanly, never crash. The collector is run over
 * a fixture proc tree whose <pid>/root/tmp holds the G1 file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/hsperf.h"
#include "core/heap_sample.h"
#include "core/xalloc.h"

static char *fixture(const char *rel)
{
	const char *src = getenv("VIGIL_SRCDIR");

	return xasprintf("%s/tests/fixtures/%s", src && *src ? src : ".", rel);
}

/* The whole file, owned by the caller. */
static unsigned char *slurp(const char *rel, size_t *len)
{
	char *path = fixture(rel);
	FILE *f = fopen(path, "rb");
	unsigned char *buf = xmalloc(1 << 20);

	if (!f)
		fail_msg("cannot open '%s'", path);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	free(path);
	return buf;
}

/* ---- jstat's view, read from the captured text ---- */

struct jstat {
	char names[32][8];
	double values[32];
	int n;
};

/* Parses the two lines of `jstat -gc`/`-gccapacity`; "-" reads as -1. */
static void jstat_load(const char *rel, struct jstat *j)
{
	size_t len;
	char *text = (char *)slurp(rel, &len), *line2, *p, *tok, *save;

	text[len] = '\0';
	line2 = strchr(text, '\n');
	assert_non_null(line2);
	*line2++ = '\0';
	j->n = 0;
	for (p = text; (tok = strtok_r(p, " \n", &save)); p = NULL) {
		assert_true(j->n < 32);
		snprintf(j->names[j->n++], sizeof(j->names[0]), "%s", tok);
	}
	for (int i = 0; i < j->n; i++) {
		tok = strtok_r(i ? NULL : line2, " \n", &save);
		assert_non_null(tok);
		j->values[i] = strcmp(tok, "-") ? strtod(tok, NULL) : -1;
	}
	free(text);
}

static double jstat_get(const struct jstat *j, const char *name)
{
	for (int i = 0; i < j->n; i++)
		if (!strcmp(j->names[i], name))
			return j->values[i];
	fail_msg("jstat has no column %s", name);
	return 0;
}

/* jstat prints KB with one decimal: bytes / 1024 rounded to 0.05 */
#define assert_kb(bytes, kb) assert_true(fabs_((double)(bytes) / 1024.0 - (kb)) <= 0.051)
static double fabs_(double d)
{
	return d < 0 ? -d : d;
}

static void parse_file(const char *rel, struct hsperf *h, struct jvm_sample *s)
{
	size_t len;
	unsigned char *buf = slurp(rel, &len);
	char err[128] = "";

	if (hsperf_parse(buf, len, h, err, sizeof(err)))
		fail_msg("%s: %s", rel, err);
	free(buf); /* the parse made its own copy */
	memset(s, 0, sizeof(*s));
	assert_int_equal(hsperf_to_jvm(h, s), 0);
}

static void test_g1_matches_jstat(void **state)
{
	struct hsperf h;
	struct jvm_sample s;
	struct jstat gc, cap;
	int64_t freq;

	(void)state;
	parse_file("hsperf/g1.hsperfdata", &h, &s);
	jstat_load("hsperf/g1.jstat-gc.txt", &gc);
	jstat_load("hsperf/g1.jstat-gccapacity.txt", &cap);
	assert_false(h.big_endian);
	assert_int_equal(h.major, 2);
	assert_true(h.accessible);
	assert_true(h.n > 150);
	assert_int_equal(s.have, JVM_HAVE_YOUNG | JVM_HAVE_OLD | JVM_HAVE_META |
					 JVM_HAVE_GC | JVM_HAVE_CONCURRENT |
					 JVM_HAVE_OLD_MAX);
	assert_kb(s.young_used,
		  jstat_get(&gc, "EU") + jstat_get(&gc, "S0U") + jstat_get(&gc, "S1U"));
	assert_kb(s.young_capacity, jstat_get(&cap, "NGC"));
	assert_kb(s.old_used, jstat_get(&gc, "OU"));
	assert_kb(s.old_capacity, jstat_get(&gc, "OC"));
	assert_kb(s.old_max, jstat_get(&cap, "OGCMX"));
	assert_kb(s.meta_used, jstat_get(&gc, "MU"));
	assert_kb(s.meta_capacity, jstat_get(&gc, "MC"));
	assert_int_equal(s.young_gcs, (uint64_t)jstat_get(&gc, "YGC"));
	assert_int_equal(s.full_gcs, (uint64_t)jstat_get(&gc, "FGC"));
	assert_int_equal(s.concurrent_gcs, (uint64_t)jstat_get(&gc, "CGC"));
	assert_true(fabs_(s.young_gc_ms / 1000 - jstat_get(&gc, "YGCT")) <= 0.0005);
	assert_true(fabs_(s.full_gc_ms / 1000 - jstat_get(&gc, "FGCT")) <= 0.0005);
	assert_true(fabs_(s.concurrent_gc_ms / 1000 - jstat_get(&gc, "CGCT")) <= 0.0005);
	assert_string_equal(s.collector, "G1 young collection pauses");
	assert_int_equal(hsperf_long(&h, "sun.os.hrt.frequency", &freq), 0);
	assert_int_equal(freq, 1000000000);
	hsperf_release(&h);
	assert_null(h.entries);
}

static void test_parallel_matches_jstat(void **state)
{
	struct hsperf h;
	struct jvm_sample s;
	struct jstat gc, cap;
	char name[64];

	(void)state;
	parse_file("hsperf/parallel.hsperfdata", &h, &s);
	jstat_load("hsperf/parallel.jstat-gc.txt", &gc);
	jstat_load("hsperf/parallel.jstat-gccapacity.txt", &cap);
	assert_true(s.have & JVM_HAVE_OLD_MAX);
	assert_kb(s.old_max, jstat_get(&cap, "OGCMX"));
	/* Parallel has no concurrent collector: jstat prints "-" */
	assert_int_equal(jstat_get(&gc, "CGC"), -1);
	assert_int_equal(s.have & JVM_HAVE_CONCURRENT, 0);
	assert_true(s.have & JVM_HAVE_GC);
	assert_kb(s.young_used,
		  jstat_get(&gc, "EU") + jstat_get(&gc, "S0U") + jstat_get(&gc, "S1U"));
	assert_kb(s.old_used, jstat_get(&gc, "OU"));
	assert_kb(s.old_capacity, jstat_get(&gc, "OC"));
	assert_kb(s.meta_used, jstat_get(&gc, "MU"));
	assert_int_equal(s.young_gcs, (uint64_t)jstat_get(&gc, "YGC"));
	assert_true(fabs_(s.young_gc_ms / 1000 - jstat_get(&gc, "YGCT")) <= 0.0005);
	assert_int_equal(hsperf_string(&h, "sun.gc.policy.name", name, sizeof(name)), 0);
	assert_string_equal(name, "ParScav:MSC");
	/* cut to the buffer */
	assert_int_equal(hsperf_string(&h, "sun.gc.policy.name", name, 4), 0);
	assert_string_equal(name, "Par");
	/* the wrong type, or absent */
	assert_int_equal(hsperf_string(&h, "sun.os.hrt.frequency", name, sizeof(name)),
			 -1);
	assert_int_equal(hsperf_long(&h, "sun.gc.policy.name", &(int64_t){0}), -1);
	assert_int_equal(hsperf_long(&h, "no.such.counter", &(int64_t){0}), -1);
	assert_null(hsperf_find(&h, "no.such.counter"));
	hsperf_release(&h);
}

/* ---- synthetic files ---- */

struct builder {
	unsigned char buf[4096];
	size_t len;
	bool big;
	uint32_t n;
};

static void put32(struct builder *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->buf[off + (size_t)i] =
			(unsigned char)(v >> (b->big ? 24 - 8 * i : 8 * i));
}

static void put64(struct builder *b, size_t off, uint64_t v)
{
	put32(b, off + (b->big ? 0 : 4), (uint32_t)(v >> 32));
	put32(b, off + (b->big ? 4 : 0), (uint32_t)v);
}

static void b_init(struct builder *b, bool big)
{
	memset(b, 0, sizeof(*b));
	b->big = big;
	b->buf[0] = 0xca;
	b->buf[1] = 0xfe;
	b->buf[2] = 0xc0;
	b->buf[3] = 0xc0;
	b->buf[4] = big ? 0 : 1;
	b->buf[5] = 2;
	b->buf[6] = 0;
	b->buf[7] = 1;
	put32(b, 24, 32);
	b->len = 32;
}

/* An entry: header, name, padding to 8, data. Returns its offset. */
static size_t b_entry(struct builder *b, const char *name, char type, uint32_t vlen,
		      const void *data, size_t dlen)
{
	size_t off = b->len, name_off = 20, data_off;

	data_off = (name_off + strlen(name) + 1 + 7) & ~(size_t)7;
	memcpy(b->buf + off + name_off, name, strlen(name) + 1);
	memcpy(b->buf + off + data_off, data, dlen);
	put32(b, off, (uint32_t)((data_off + dlen + 7) & ~(size_t)7));
	put32(b, off + 4, (uint32_t)name_off);
	put32(b, off + 8, vlen);
	b->buf[off + 12] = (unsigned char)type;
	b->buf[off + 14] = 1;
	b->buf[off + 15] = 3;
	put32(b, off + 16, (uint32_t)data_off);
	b->len += (data_off + dlen + 7) & ~(size_t)7;
	b->n++;
	put32(b, 8, (uint32_t)b->len);
	put32(b, 28, b->n);
	return off;
}

static size_t b_long(struct builder *b, const char *name, int64_t v)
{
	struct builder tmp = {.big = b->big};

	put64(&tmp, 0, (uint64_t)v);
	return b_entry(b, name, 'J', 0, tmp.buf, 8);
}

static void b_string(struct builder *b, const char *name, const char *s, uint32_t vlen)
{
	char data[256] = {0};

	memcpy(data, s, strlen(s));
	b_entry(b, name, 'B', vlen, data, vlen);
}

/* A minimal two-generation heap with collectors. */
static void b_heap(struct builder *b, int64_t old_used, int64_t young_gcs)
{
	b_long(b, "sun.os.hrt.frequency", 1000);
	b_long(b, "sun.gc.generation.0.spaces", 2);
	b_long(b, "sun.gc.generation.0.space.0.used", 1000);
	b_long(b, "sun.gc.generation.0.space.1.used", 24);
	b_long(b, "sun.gc.generation.0.capacity", 4096);
	b_long(b, "sun.gc.generation.1.spaces", 1);
	b_long(b, "sun.gc.generation.1.space.0.used", old_used);
	b_long(b, "sun.gc.generation.1.capacity", 1 << 20);
	b_long(b, "sun.gc.collector.0.invocations", young_gcs);
	b_long(b, "sun.gc.collector.0.time", 2500); /* ticks at 1 kHz: 2.5 s */
	b_long(b, "sun.gc.collector.1.invocations", 1);
	b_long(b, "sun.gc.collector.1.time", 40);
	b_string(b, "sun.gc.collector.0.name", "Serial young", 32);
}

static void test_synthetic_both_byte_orders(void **state)
{
	(void)state;
	for (int big = 0; big < 2; big++) {
		struct builder b;
		struct hsperf h;
		struct jvm_sample s = {0};
		char err[128] = "";
		int64_t v;

		b_init(&b, big);
		b_heap(&b, -1 + (1ll << 40), 7);
		b_long(&b, "neg", -5);
		assert_int_equal(hsperf_parse(b.buf, b.len, &h, err, sizeof(err)), 0);
		assert_int_equal(h.big_endian, big);
		assert_int_equal(h.n, 14);
		assert_int_equal(hsperf_long(&h, "neg", &v), 0);
		assert_int_equal(v, -5);
		assert_int_equal(hsperf_to_jvm(&h, &s), 0);
		assert_int_equal(s.old_used, (1ull << 40) - 1);
		assert_int_equal(s.young_used, 1024);
		assert_int_equal(s.young_capacity, 4096);
		assert_int_equal(s.young_gcs, 7);
		assert_true(fabs_(s.young_gc_ms - 2500.0) < 1e-9);
		assert_true(fabs_(s.full_gc_ms - 40.0) < 1e-9);
		assert_int_equal(s.have, JVM_HAVE_YOUNG | JVM_HAVE_OLD | JVM_HAVE_GC);
		assert_string_equal(s.collector, "Serial young");
		hsperf_release(&h);
	}
}

static void test_missing_pieces(void **state)
{
	struct builder b;
	struct hsperf h;
	struct jvm_sample s = {0};

	(void)state;
	/* no old generation: not a heap we understand */
	b_init(&b, false);
	b_long(&b, "sun.gc.generation.0.spaces", 1);
	b_long(&b, "sun.gc.generation.0.space.0.used", 1);
	b_long(&b, "sun.gc.generation.0.capacity", 1);
	assert_int_equal(hsperf_parse(b.buf, b.len, &h, NULL, 0), 0);
	assert_int_equal(hsperf_to_jvm(&h, &s), -1);
	hsperf_release(&h);
	/* old only, no frequency: sizes without GC times */
	b_init(&b, false);
	b_long(&b, "sun.gc.generation.1.spaces", 1);
	b_long(&b, "sun.gc.generation.1.space.0.used", 5);
	b_long(&b, "sun.gc.generation.1.capacity", 9);
	b_long(&b, "sun.gc.collector.0.invocations", 3);
	assert_int_equal(hsperf_parse(b.buf, b.len, &h, NULL, 0), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(hsperf_to_jvm(&h, &s), 0);
	assert_int_equal(s.have, JVM_HAVE_OLD);
	assert_int_equal(s.old_used, 5);
	hsperf_release(&h);
	/* a negative size is refused, and absurd space counts */
	b_init(&b, false);
	b_long(&b, "sun.gc.generation.1.spaces", 1);
	b_long(&b, "sun.gc.generation.1.space.0.used", -5);
	b_long(&b, "sun.gc.generation.1.capacity", 9);
	assert_int_equal(hsperf_parse(b.buf, b.len, &h, NULL, 0), 0);
	assert_int_equal(hsperf_to_jvm(&h, &s), -1);
	hsperf_release(&h);
	b_init(&b, false);
	b_long(&b, "sun.gc.generation.1.spaces", 1000000);
	b_long(&b, "sun.gc.generation.1.capacity", 9);
	assert_int_equal(hsperf_parse(b.buf, b.len, &h, NULL, 0), 0);
	assert_int_equal(hsperf_to_jvm(&h, &s), -1);
	hsperf_release(&h);
	/* an empty file with no entries parses to nothing */
	b_init(&b, true);
	assert_int_equal(hsperf_parse(b.buf, b.len, &h, NULL, 0), 0);
	assert_int_equal(h.n, 0);
	hsperf_release(&h);
}

static void expect_bad(const struct builder *b, const char *why)
{
	struct hsperf h = {.n = 99};
	char err[128] = "";

	assert_int_equal(hsperf_parse(b->buf, b->len, &h, err, sizeof(err)), -1);
	assert_int_equal(h.n, 0);
	assert_null(h.entries);
	if (!strstr(err, why))
		fail_msg("error '%s' does not say '%s'", err, why);
}

static void test_hostile_headers(void **state)
{
	struct builder b, bad;
	size_t e;

	(void)state;
	b_init(&b, false);
	e = b_long(&b, "a.b", 1);
	b_long(&b, "c.d", 2);

	bad = b;
	bad.buf[0] = 0xc0; /* magic in the wrong order */
	expect_bad(&bad, "magic");
	bad = b;
	bad.buf[4] = 7;
	expect_bad(&bad, "byte order");
	bad = b;
	bad.buf[5] = 1;
	expect_bad(&bad, "version");
	bad = b;
	put32(&bad, 24, 8); /* entries inside the prologue */
	expect_bad(&bad, "entry offset");
	bad = b;
	put32(&bad, 24, 1u << 31);
	expect_bad(&bad, "entry offset");
	bad = b;
	put32(&bad, 28, 1000); /* more entries than fit */
	expect_bad(&bad, "entry count");
	bad = b;
	put32(&bad, 28, 3); /* fits by count, but there are only two */
	expect_bad(&bad, "entry 2");
	bad = b;
	put32(&bad, e, 0); /* entry_length 0: would loop forever */
	expect_bad(&bad, "entry 0");
	bad = b;
	put32(&bad, e, 0x7ffffff0); /* past the end */
	expect_bad(&bad, "entry 0");
	bad = b;
	put32(&bad, e + 4, 4); /* name inside the header */
	expect_bad(&bad, "entry 0");
	bad = b;
	put32(&bad, e + 4, 1u << 31);
	expect_bad(&bad, "entry 0");
	bad = b;
	memset(bad.buf + e + 20, 'x', 12); /* name runs to the end of the entry */
	expect_bad(&bad, "entry 0");
	bad = b;
	put32(&bad, e + 16, 28); /* the jlong crosses the entry's end */
	expect_bad(&bad, "entry 0");
	bad = b;
	put32(&bad, e + 8, 100); /* a 100-byte vector in a 32-byte entry */
	expect_bad(&bad, "entry 0");
	bad = b;
	bad.len = 20;
	expect_bad(&bad, "truncated");
	/* "used" larger than the file is ignored, not trusted */
	bad = b;
	put32(&bad, 8, 1u << 30);
	{
		struct hsperf h;

		assert_int_equal(hsperf_parse(bad.buf, bad.len, &h, NULL, 0), 0);
		assert_int_equal(h.n, 2);
		hsperf_release(&h);
	}
}

static void test_every_truncation_of_a_real_file(void **state)
{
	size_t len;
	unsigned char *buf = slurp("hsperf/g1.hsperfdata", &len);

	(void)state;
	for (size_t cut = 0; cut < len; cut++) {
		unsigned char *copy = xmalloc(cut ? cut : 1);
		struct hsperf h;

		memcpy(copy, buf, cut); /* exactly cut bytes: ASan sees any overread */
		if (hsperf_parse(copy, cut, &h, NULL, 0) == 0) {
			struct jvm_sample s = {0};

			hsperf_to_jvm(&h, &s);
			hsperf_release(&h);
		}
		free(copy);
	}
	free(buf);
}

static void test_random_damage(void **state)
{
	size_t len;
	unsigned char *orig = slurp("hsperf/g1.hsperfdata", &len);
	unsigned char *buf = xmalloc(len);
	uint64_t rng = 0x2545f4914f6cdd1dull;
	int parsed = 0;

	(void)state;
	for (int round = 0; round < 3000; round++) {
		struct hsperf h;

		memcpy(buf, orig, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			/* most hits in the prologue and the entry headers, where it hurts
			 */
			buf[(rng >> 8) % (round % 2 ? 2048 : len)] = (unsigned char)rng;
		}
		if (hsperf_parse(buf, len, &h, NULL, 0) == 0) {
			struct jvm_sample s = {0};
			char text[64];

			parsed++;
			hsperf_to_jvm(&h, &s);
			for (size_t i = 0; i < h.n; i++)
				hsperf_string(&h, h.entries[i].name, text, sizeof(text));
			hsperf_release(&h);
		}
	}
	/* damage in data bytes leaves a parsable file: both paths were walked */
	assert_true(parsed > 0 && parsed < 3000);
	free(buf);
	free(orig);
}

/* ---- post-GC floor and detection ---- */

static void test_mark_gc(void **state)
{
	struct jvm_sample a = {.have = JVM_HAVE_OLD | JVM_HAVE_GC,
			       .old_used = 100,
			       .young_gcs = 3,
			       .full_gcs = 1};
	struct jvm_sample b = a;

	(void)state;
	hsperf_mark_gc(NULL, &a); /* no previous reading: no floor */
	assert_int_equal(a.have & JVM_HAVE_OLD_AFTER_GC, 0);
	b.old_used = 150;
	hsperf_mark_gc(&a, &b); /* no collection in between */
	assert_int_equal(b.have & JVM_HAVE_OLD_AFTER_GC, 0);
	b.young_gcs = 4;
	hsperf_mark_gc(&a, &b);
	assert_true(b.have & JVM_HAVE_OLD_AFTER_GC);
	assert_int_equal(b.old_after_gc, 150);
	b.young_gcs = 3;
	b.full_gcs = 2;
	b.old_used = 90;
	hsperf_mark_gc(&a, &b);
	assert_int_equal(b.old_after_gc, 90);
	/* concurrent cycles count only when both readings have them */
	b.full_gcs = 1;
	b.concurrent_gcs = 5;
	b.have |= JVM_HAVE_CONCURRENT;
	hsperf_mark_gc(&a, &b);
	assert_int_equal(b.have & JVM_HAVE_OLD_AFTER_GC, 0);
	a.have |= JVM_HAVE_CONCURRENT;
	hsperf_mark_gc(&a, &b);
	assert_true(b.have & JVM_HAVE_OLD_AFTER_GC);
	/* a stale flag is cleared when nothing happened */
	b = a;
	b.have |= JVM_HAVE_OLD_AFTER_GC;
	b.old_after_gc = 1;
	hsperf_mark_gc(&a, &b);
	assert_int_equal(b.have & JVM_HAVE_OLD_AFTER_GC, 0);
	assert_int_equal(b.old_after_gc, 0);
}

static void test_cmdline_is_jvm(void **state)
{
	static const char yes1[] =
		"/usr/lib/jvm/java-17-openjdk-amd64/bin/java\0-Xmx64m\0Leak.java";
	static const char yes2[] = "java";
	static const char yes3[] = "/opt/app/bin/server\0-XX:+UseG1GC\0-cp\0x";
	static const char yes4[] = "launcher\0-jar\0app.jar";
	static const char no1[] = "/usr/bin/javac\0X.java";
	static const char no2[] = "/usr/bin/node\0leak.js";
	static const char no3[] = "myjava\0-jarx";

	(void)state;
	assert_true(hsperf_cmdline_is_jvm(yes1, sizeof(yes1) - 1));
	assert_true(hsperf_cmdline_is_jvm(yes2, sizeof(yes2) - 1));
	assert_true(hsperf_cmdline_is_jvm(yes3, sizeof(yes3) - 1));
	assert_true(hsperf_cmdline_is_jvm(yes4, sizeof(yes4) - 1));
	assert_false(hsperf_cmdline_is_jvm(no1, sizeof(no1) - 1));
	assert_false(hsperf_cmdline_is_jvm(no2, sizeof(no2) - 1));
	assert_false(hsperf_cmdline_is_jvm(no3, sizeof(no3) - 1));
	assert_false(hsperf_cmdline_is_jvm("", 0));
	/* with the trailing NUL /proc gives */
	assert_true(hsperf_cmdline_is_jvm(yes2, sizeof(yes2)));
}

/* ---- the collector over a fixture proc tree ---- */

static void test_collector_fixture(void **state)
{
	char *root = fixture("proc-heap/normal");
	struct hsperf_collector *c = NULL;
	struct jvm_sample s;
	char err[256] = "";

	(void)state;
	/* NSpid 4242 -> 17 inside; uid 1234 is nobody here, so the scan finds it */
	if (hsperf_collector_open(root, 4242, &c, err, sizeof(err)))
		fail_msg("open: %s", err);
	assert_non_null(strstr(hsperf_collector_path(c), "/root/tmp/hsperfdata_app/17"));
	assert_int_equal(hsperf_collector_read(c, 1000, &s, err, sizeof(err)), 0);
	assert_int_equal(s.t_ms, 1000);
	assert_int_equal(s.pid, 4242);
	assert_int_equal(s.young_gcs, 5);
	assert_int_equal(s.old_used, 4879872);
	assert_int_equal(s.have & JVM_HAVE_OLD_AFTER_GC, 0);
	/* the same file again: no collection in between */
	assert_int_equal(hsperf_collector_read(c, 2000, &s, err, sizeof(err)), 0);
	assert_int_equal(s.have & JVM_HAVE_OLD_AFTER_GC, 0);
	hsperf_collector_free(c);
	hsperf_collector_free(NULL);

	/* no status, no file */
	assert_int_equal(hsperf_collector_open(root, 4343, &c, err, sizeof(err)),
			 -ENOENT);
	assert_null(c);
	assert_non_null(strstr(err, "status"));
	assert_int_equal(hsperf_collector_open(root, -1, &c, err, sizeof(err)), -EINVAL);
	free(root);
	/* this test process is no JVM */
	assert_true(hsperf_collector_open(NULL, (int)getpid(), &c, err, sizeof(err)) < 0);
	assert_null(c);
	assert_non_null(strstr(err, "no hsperfdata file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_g1_matches_jstat),
		cmocka_unit_test(test_parallel_matches_jstat),
		cmocka_unit_test(test_synthetic_both_byte_orders),
		cmocka_unit_test(test_missing_pieces),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_every_truncation_of_a_real_file),
		cmocka_unit_test(test_random_damage),
		cmocka_unit_test(test_mark_gc),
		cmocka_unit_test(test_cmdline_is_jvm),
		cmocka_unit_test(test_collector_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
