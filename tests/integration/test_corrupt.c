/* SPDX-License-Identifier: MIT */
/*
 * test_corrupt: 200 corrupted copies of a real session (truncated, bytes
 * flipped, pages zeroed, a foreign application_id, a newer user_version),
 * the same ones on every run, each get a clear error or a report from the
 * real binary, never a crash. Split from test_safety, whose other cases
 * count ticks in a stretch of wall time and run alone (tests/solo.list):
 * nothing here depends on time, so it runs in the pool.
 *
 * Children run with a time limit (alarm before exec) and with sanitizer exit
 * codes that cannot be mistaken for vigil's own 0/1/2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "harness.h"
#include "limited.h"

static char dir[256], session[512];

static int setup(void **state)
{
	(void)state;
	if (scratch_make(dir, sizeof(dir)) < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(dir);
}

struct blob {
	unsigned char *bytes;
	size_t len;
};

static uint64_t rng_state = 0x5eed5afe7e57ULL;

/* xorshift64*: the same copies on every run */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t rng_below(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

static void read_blob(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 8192);
	rewind(f);
	b->len = (size_t)len;
	b->bytes = malloc(b->len);
	assert_non_null(b->bytes);
	assert_int_equal(fread(b->bytes, 1, b->len, f), b->len);
	fclose(f);
}

static void write_copy(const char *path, const unsigned char *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Flips n random bytes of c within [from, to). */
static void flip(unsigned char *c, size_t from, size_t to, int n)
{
	for (int i = 0; i < n; i++)
		c[from + rng_below(to - from)] ^= (unsigned char)(1 + rng_below(255));
}

/*
 * Copy number i of base, damaged in the way its number picks; *len is the
 * copy's length. Returns what was done, for the failure message.
 */
static const char *corrupt(const struct blob *base, unsigned char *c, size_t *len, int i)
{
	/* clang-format off */
	static const size_t cuts[] = { 0, 1, 16, 50, 99, 100, 101, 512, 1024, 4095, 4096,
				       4097, 6000, 8191, 8192, 8193 };
	/* clang-format on */
	const size_t page = 4096, pages = base->len / page;

	memcpy(c, base->bytes, base->len);
	*len = base->len;
	if (i < 16) {
		*len = cuts[i];
		return "truncated at a fixed offset";
	}
	if (i < 50) {
		*len = rng_below(base->len);
		return "truncated at a random offset";
	}
	if (i < 80) {
		flip(c, 0, 100, 1 + (int)rng_below(3));
		return "bytes flipped in the header";
	}
	if (i < 110) {
		flip(c, 100, page, 1 + (int)rng_below(4));
		return "bytes flipped in page 1";
	}
	if (i < 160) {
		size_t p = rng_below(pages);

		flip(c, p * page, (p + 1) * page, 1 + (int)rng_below(8));
		return "bytes flipped in a random page";
	}
	if (i < 195) {
		size_t p = i < 165 ? (size_t)(i - 160) : rng_below(pages);

		memset(c + p * page, 0, page);
		return "a page zeroed";
	}
	if (i < 198) {
		put_be32(c + 68, 0x12345678u + (uint32_t)i); /* application_id */
		return "a foreign application_id";
	}
	put_be32(c + 60, 99); /* user_version */
	return "user_version 99";
}

#define CORRUPT_COPIES 200

/* exit 0 with a silent stderr, or exit 1 with exactly one "vigil: " line */
static void check_outcome(const struct run_result *r, int i, const char *what)
{
	bool ok = (r->status == 0 && r->err[0] == '\0') ||
		  (r->status == 1 && !strncmp(r->err, "vigil: ", 7) &&
		   strchr(r->err, '\n') == r->err + strlen(r->err) - 1);

	if (!ok)
		fail_msg("copy %d (%s): exit %d, stderr:\n%s", i, what, r->status,
			 r->err);
}

static void test_corrupt_copies_never_crash(void **state)
{
	struct run_result r;
	struct blob base;
	unsigned char *c;
	char copy[600];
	size_t len;
	int refused = 0;

	(void)state;
	run(&r, 0, "record", "--statsd", "off", "-i", "100ms", "-d", "500ms", "-o",
	    session);
	assert_int_equal(r.status, 0);
	read_blob(session, &base);
	c = malloc(base.len);
	assert_non_null(c);
	snprintf(copy, sizeof(copy), "%s/corrupt.vigil", dir);
	for (int i = 0; i < CORRUPT_COPIES; i++) {
		const char *what = corrupt(&base, c, &len, i);

		write_copy(copy, c, len);
		run(&r, 0, "report", copy, "--json");
		check_outcome(&r, i, what);
		refused += r.status == 1;
		if (i >= 195 && i < 198)
			assert_non_null(strstr(r.err, "not a vigil session file"));
		if (i >= 198)
			assert_non_null(strstr(r.err, "written by a newer vigil"));
		/* the reader never left side files behind */
		remove_session(copy);
	}
	/* the damage was real: most copies are refused */
	assert_true(refused > CORRUPT_COPIES / 4);
	free(c);
	free(base.bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_corrupt_copies_never_crash, setup,
						teardown),
	};

	/* a sanitizer report must not pass for vigil's own exit 1 */
	add_option("ASAN_OPTIONS", "exitcode=86");
	add_option("UBSAN_OPTIONS", "exitcode=87");
	add_option("LSAN_OPTIONS", "exitcode=88");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
