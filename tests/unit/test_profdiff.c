/* SPDX-License-Identifier: MIT */
/*
 * test_profdiff: the differential of two profiles (analysis/profdiff.c) and
 * its text forms (analysis/profdiff_out.c).
 *
 * Profiles are built by hand from stacks written root first ("main;a;b"),
 * so each test reads like the folded lines it expects. The JSON object is
 * checked by jq (a test dependency already): it must parse and carry the
 * figures the C structs hold.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/profdiff.h"
#include "analysis/profile.h"
#include "core/xalloc.h"

/* Adds n samples of a root-first stack for tid; "name@module" sets a
 * frame's module (default "app"). */
static void add(struct profile *p, int tid, const char *folded, uint64_t n)
{
	uint32_t ids[64];
	size_t depth = 0;
	char *copy = xstrdup(folded), *save = NULL;

	for (char *tok = strtok_r(copy, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		char *at = strchr(tok, '@');

		if (at)
			*at++ = '\0';
		assert_true(depth < 64);
		ids[depth++] = profile_frame_id(p, tok, at ? at : "app");
	}
	free(copy);
	for (size_t i = 0; i < depth / 2; i++) {
		uint32_t t = ids[i];

		ids[i] = ids[depth - 1 - i];
		ids[depth - 1 - i] = t;
	}
	profile_add_stack(p, tid, ids, depth, n);
}

static struct profile *new_profile(int64_t id, int pid)
{
	struct profile_meta m = {.id = id, .pid = pid, .mode = PROFILE_CPU, .hz = 99};

	return profile_new(&m);
}

static const struct profdiff_fn *fn(const struct profdiff *d, const char *name)
{
	for (size_t i = 0; i < d->nfns; i++) {
		if (!strcmp(profdiff_function(d, d->fns[i].frame), name))
			return &d->fns[i];
	}
	fail_msg("no function '%s' in the differential", name);
	return NULL;
}

static char *folded(const struct profdiff *d, bool normalize)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(profdiff_write_folded(d, f, normalize), 0);
	fclose(f);
	return buf;
}

/* Work moved from a to b under the same caller: a shrunk, b grown by the
 * same share, main (the caller of both) unchanged, and the two lead the
 * ranking. */
static void test_moved_work(void **state)
{
	struct profile *b = new_profile(1, 100), *a = new_profile(2, 200);
	struct profdiff *d;
	const struct profdiff_fn *fa, *fb, *fm;

	(void)state;
	add(b, 11, "main;work_a", 600);
	add(b, 11, "main;work_b", 300);
	add(b, 11, "main", 100);
	add(a, 21, "main;work_a", 300);
	add(a, 21, "main;work_b", 600);
	add(a, 21, "main", 100);
	d = profdiff_new(b, a);
	assert_int_equal(d->samples_b, 1000);
	assert_int_equal(d->samples_a, 1000);
	assert_int_equal(d->nfns, 3);
	fa = fn(d, "work_a");
	fb = fn(d, "work_b");
	fm = fn(d, "main");
	assert_true(fabs(fa->self_change + 30.0) < 1e-9);
	assert_true(fabs(fb->self_change - 30.0) < 1e-9);
	assert_true(fabs(fa->total_change + 30.0) < 1e-9);
	assert_int_equal(fa->self_verdict, PROFDIFF_SHRUNK);
	assert_int_equal(fb->self_verdict, PROFDIFF_GROWN);
	assert_true(fa->self_z < -PROFDIFF_Z);
	assert_true(fb->self_z > PROFDIFF_Z);
	assert_true(fabs(fm->total_change) < 1e-9);
	assert_true(fabs(fm->self_change) < 1e-9);
	assert_int_equal(fm->total_verdict, PROFDIFF_SAME);
	assert_int_equal(fm->total_b.n, 1000);
	/* ranked by |total change|, then |self change|, then name */
	assert_string_equal(profdiff_function(d, d->fns[0].frame), "work_a");
	assert_string_equal(profdiff_function(d, d->fns[1].frame), "work_b");
	assert_string_equal(profdiff_function(d, d->fns[2].frame), "main");
	profdiff_free(d);
	profile_free(a);
	profile_free(b);
}

/* The same profile on both sides: no change anywhere, every verdict same,
 * and each folded line carries equal counts. */
static void test_identical(void **state)
{
	struct profile *p = new_profile(3, 300);
	struct profdiff *d;
	struct profdiff_node nd;
	char *out;

	(void)state;
	add(p, 1, "main;parse;lex", 37);
	add(p, 2, "main;parse", 5);
	add(p, 1, "main;eval;eval;eval", 58);
	d = profdiff_new(p, p);
	for (size_t i = 0; i < d->nfns; i++) {
		assert_true(d->fns[i].self_change == 0.0);
		assert_true(d->fns[i].total_change == 0.0);
		assert_true(d->fns[i].self_z == 0.0);
		assert_int_equal(d->fns[i].self_verdict, PROFDIFF_SAME);
		assert_int_equal(d->fns[i].total_verdict, PROFDIFF_SAME);
	}
	for (uint32_t n = 0; n < d->merged->nnodes; n++) {
		profdiff_node(d, n, &nd);
		assert_true(nd.change == 0.0);
		assert_int_equal(nd.verdict, PROFDIFF_SAME);
	}
	/* recursion counts once in the total, on both sides */
	assert_int_equal(fn(d, "eval")->total_b.n, 58);
	out = folded(d, true);
	assert_string_equal(out, "main;eval;eval;eval 58 58\n"
				 "main;parse 5 5\n"
				 "main;parse;lex 37 37\n");
	free(out);
	profdiff_free(d);
	profile_free(p);
}

/* A stack on one side only is a line with 0 on the other side; its function
 * is in the ranking with a share of 0 on the side that lacks it. */
static void test_one_sided_stacks(void **state)
{
	struct profile *b = new_profile(1, 1), *a = new_profile(1, 2);
	struct profdiff *d;
	const struct profdiff_fn *gone, *came;
	char *out;

	(void)state;
	add(b, 1, "main;old_path;helper", 200);
	add(b, 1, "main;common", 800);
	add(a, 1, "main;new_path;helper", 200);
	add(a, 1, "main;common", 800);
	d = profdiff_new(b, a);
	out = folded(d, false);
	assert_string_equal(out, "main;common 800 800\n"
				 "main;new_path;helper 0 200\n"
				 "main;old_path;helper 200 0\n");
	free(out);
	gone = fn(d, "old_path");
	came = fn(d, "new_path");
	assert_int_equal(gone->total_a.n, 0);
	assert_true(gone->total_a.share == 0.0);
	assert_true(fabs(gone->total_change + 20.0) < 1e-9);
	assert_int_equal(gone->total_verdict, PROFDIFF_SHRUNK);
	assert_int_equal(came->total_b.n, 0);
	assert_int_equal(came->total_verdict, PROFDIFF_GROWN);
	/* helper runs as much as before, reached another way: unchanged */
	assert_true(fn(d, "helper")->self_change == 0.0);
	assert_int_equal(fn(d, "helper")->self_verdict, PROFDIFF_SAME);
	/* the differential tree has both paths, each with one side empty */
	assert_int_equal(d->tree_b->total[0], 1000);
	assert_int_equal(d->tree_a->total[0], 1000);
	profdiff_free(d);
	profile_free(a);
	profile_free(b);
}

/* Sides of different lengths: shares compare as they are; the folded before
 * column is scaled to the after total (difffolded.pl -n), truncated, and
 * left alone without normalisation. */
static void test_normalisation(void **state)
{
	struct profile *b = new_profile(1, 1), *a = new_profile(1, 2);
	struct profdiff *d;
	char *out;

	(void)state;
	add(b, 1, "main;x", 101);
	add(b, 1, "main;y", 99);
	add(a, 1, "main;x", 50);
	add(a, 1, "main;y", 50);
	d = profdiff_new(b, a);
	out = folded(d, true);
	assert_string_equal(out, "main;x 50 50\nmain;y 49 50\n");
	free(out);
	out = folded(d, false);
	assert_string_equal(out, "main;x 101 50\nmain;y 99 50\n");
	free(out);
	assert_true(fabs(fn(d, "x")->self_change - (50.0 - 50.5)) < 1e-9);
	/* half a point on 300 samples is noise */
	assert_int_equal(fn(d, "x")->self_verdict, PROFDIFF_SAME);
	profdiff_free(d);
	profile_free(a);
	profile_free(b);
}

/* Threads are folded away; the same name in two modules stays two
 * functions but prints as one folded line. */
static void test_threads_and_modules(void **state)
{
	struct profile *b = new_profile(1, 1), *a = new_profile(1, 2);
	struct profdiff *d;
	char *out;

	(void)state;
	add(b, 1, "main;f@liba", 10);
	add(b, 2, "main;f@libb", 30);
	add(a, 7, "main;f@liba", 20);
	add(a, 8, "main;f@libb", 20);
	d = profdiff_new(b, a);
	assert_int_equal(d->samples_b, 40);
	assert_int_equal(d->samples_a, 40);
	assert_int_equal(d->nfns, 3);
	out = folded(d, true);
	assert_string_equal(out, "main;f 40 40\n");
	free(out);
	profdiff_free(d);
	profile_free(a);
	profile_free(b);
}

/* An empty side: shares of 0, no z (no variance to judge by), no crash. */
static void test_empty_side(void **state)
{
	struct profile *b = new_profile(1, 1), *a = new_profile(1, 2);
	struct profdiff *d;
	char *out;

	(void)state;
	add(a, 1, "main;x", 5);
	d = profdiff_new(b, a);
	assert_int_equal(d->samples_b, 0);
	assert_true(fn(d, "x")->self_b.share == 0.0);
	assert_true(fn(d, "x")->self_z == 0.0);
	out = folded(d, true);
	assert_string_equal(out, "main;x 0 5\n");
	free(out);
	profdiff_free(d);
	profile_free(a);
	profile_free(b);
}

/* Names with the folded separator or control bytes are escaped as in
 * profile_write_folded, so a line always splits into stack and two counts. */
static void test_folded_escapes(void **state)
{
	struct profile *b = new_profile(1, 1), *a = new_profile(1, 2);
	uint32_t f[2];
	struct profdiff *d;
	char *out;

	(void)state;
	f[0] = profile_frame_id(b, "op;er\nator", "app");
	f[1] = profile_frame_id(b, "main", "app");
	profile_add_stack(b, 1, f, 2, 3);
	add(a, 1, "main", 1);
	d = profdiff_new(b, a);
	out = folded(d, false);
	assert_string_equal(out, "main 0 1\nmain;op\\x3ber\\nator 3 0\n");
	free(out);
	profdiff_free(d);
	profile_free(a);
	profile_free(b);
}

/* Runs a shell command with text on stdin; returns its stdout (caller frees). */
static char *run_on(const char *text, const char *shell)
{
	char path[] = "/tmp/vigil-test-profdiff-XXXXXX";
	int fd = mkstemp(path);
	char *cmd, *out = NULL;
	size_t len = 0;
	FILE *pipe, *mem = open_memstream(&out, &len);
	int c;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cmd = xasprintf("(%s) < %s", shell, path);
	pipe = popen(cmd, "r");
	assert_non_null(pipe);
	while ((c = fgetc(pipe)) != EOF)
		fputc(c, mem);
	assert_int_equal(pclose(pipe), 0);
	fclose(mem);
	unlink(path);
	free(cmd);
	return out;
}

/* The JSON object parses and says what the structs say. */
static void test_json(void **state)
{
	struct profile *b = new_profile(4, 100), *a = new_profile(9, 200);
	struct profdiff *d;
	char *buf = NULL, *back;
	size_t len = 0;
	FILE *f;

	(void)state;
	add(b, 1, "main;work_a", 700);
	add(b, 1, "main;work_b", 300);
	add(a, 1, "main;work_a", 300);
	add(a, 1, "main;work_b", 700);
	d = profdiff_new(b, a);
	f = open_memstream(&buf, &len);
	assert_int_equal(profdiff_write_json(d, f, 2, true), 0);
	fclose(f);
	back = run_on(buf, "jq -r '[.before.id, .after.id, .before.samples, "
			   "(.functions | length), .functions[0].function, "
			   ".functions[0].self.change, .functions[0].self.verdict, "
			   ".functions[1].function, .functions[1].total.verdict, "
			   "(.stacks | length), .stacks[0].before, .normalized] "
			   "| map(tostring) | join(\" \")'");
	assert_string_equal(back,
			    "4 9 1000 2 work_a -40 shrunk work_b grown 2 700 true\n");
	free(back);
	free(buf);
	profdiff_free(d);
	profile_free(a);
	profile_free(b);
}

/* The table: header, one row per function as ranked, the limit honoured. */
static void test_table(void **state)
{
	struct profile *b = new_profile(4, 100), *a = new_profile(9, 200);
	struct profdiff *d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	add(b, 1, "main;work_a", 700);
	add(b, 1, "main;work_b", 300);
	add(a, 1, "main;work_a", 300);
	add(a, 1, "main;work_b", 700);
	d = profdiff_new(b, a);
	f = open_memstream(&buf, &len);
	assert_int_equal(profdiff_write_table(d, f, 2), 0);
	fclose(f);
	assert_non_null(strstr(buf, "before: 1000 samples, profile 4, pid 100\n"));
	assert_non_null(strstr(buf, "shrunk    70.0    30.0    -40.0    70.0    30.0"
				    "    -40.0      700      300  work_a (app)\n"));
	assert_non_null(strstr(buf, "grown     30.0    70.0    +40.0"));
	assert_null(strstr(buf, "main (app)")); /* beyond the limit */
	free(buf);
	profdiff_rank(d, PROFDIFF_BY_SELF);
	assert_string_equal(profdiff_function(d, d->fns[0].frame), "work_a");
	assert_string_equal(profdiff_function(d, d->fns[2].frame), "main");
	profdiff_free(d);
	profile_free(a);
	profile_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moved_work),
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_one_sided_stacks),
		cmocka_unit_test(test_normalisation),
		cmocka_unit_test(test_threads_and_modules),
		cmocka_unit_test(test_empty_side),
		cmocka_unit_test(test_folded_escapes),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
