/* SPDX-License-Identifier: MIT */
/*
 * test_gctrace: the GC trace line parser over real lines captured from
 * Debian's node (v20 here; tests/fixtures/gctrace/node20.txt, from leak.js
 * with --trace-gc) and go 1.19 (go119.txt, GODEBUG=gctrace=1, the last line
 * a runtime.GC()). Each fixture line is parsed and its figures compared with
 * what the line says; the program's own output ("ready") is not a trace
 * line; every truncation of a trace line fails cleanly or parses, never
 * reads past its end (the sanitizer build checks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/gctrace.h"
#include "core/xalloc.h"

#define MIB (1024.0 * 1024.0)

/* Line i (0-based) of a fixture, without its newline; owned by the caller. */
static char *fixture_line(const char *rel, int i)
{
	const char *src = getenv("VIGIL_SRCDIR");
	char *path = xasprintf("%s/tests/fixtures/%s", src && *src ? src : ".", rel);
	FILE *f = fopen(path, "r");
	char buf[1024];

	if (!f)
		fail_msg("cannot open '%s'", path);
	for (int k = 0; k <= i; k++)
		if (!fgets(buf, sizeof(buf), f))
			fail_msg("'%s' has no line %d", path, i);
	fclose(f);
	free(path);
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

static void test_node_scavenge(void **state)
{
	char *l = fixture_line("gctrace/node20.txt", 1);
	struct gc_event ev;

	(void)state;
	assert_int_equal(gctrace_parse(l, strlen(l), &ev), 1);
	assert_int_equal(ev.runtime, GC_RT_NODE);
	assert_string_equal(ev.kind, "Scavenge");
	assert_false(ev.major);
	assert_true(ev.t_ms == 206.0);
	assert_true(ev.pause_ms == 2.59);
	assert_true(ev.before_bytes == 4.1 * MIB);
	assert_true(ev.after_bytes == 3.4 * MIB);
	free(l);
}

static void test_node_mark_compact(void **state)
{
	char *l = fixture_line("gctrace/node20.txt", 3);
	struct gc_event ev;

	(void)state;
	assert_int_equal(gctrace_parse(l, strlen(l), &ev), 1);
	assert_string_equal(ev.kind, "Mark-Compact");
	assert_true(ev.major);
	assert_true(ev.t_ms == 7598.0);
	assert_true(ev.pause_ms == 11.54);
	assert_true(ev.before_bytes == 10.4 * MIB);
	assert_true(ev.after_bytes == 9.6 * MIB);
	free(l);
}

static void test_go_cycle(void **state)
{
	char *l = fixture_line("gctrace/go119.txt", 2);
	struct gc_event ev;

	(void)state;
	assert_int_equal(gctrace_parse(l, strlen(l), &ev), 1);
	assert_int_equal(ev.runtime, GC_RT_GO);
	assert_string_equal(ev.kind, "gc");
	assert_true(ev.major);
	assert_true(ev.t_ms == 0.007 * 1000.0);
	assert_true(ev.pause_ms == 0.82 + 0.002); /* sweep + mark termination */
	assert_true(ev.before_bytes == 1 * MIB);
	assert_true(ev.after_bytes == 1 * MIB);
	free(l);
}

static void test_go_forced(void **state)
{
	char *l = fixture_line("gctrace/go119.txt", 3);
	struct gc_event ev;

	(void)state;
	assert_int_equal(gctrace_parse(l, strlen(l), &ev), 1);
	assert_string_equal(ev.kind, "gc forced");
	assert_true(ev.pause_ms == 0.004 + 0.002);
	free(l);
}

static void test_not_trace(void **state)
{
	char *l = fixture_line("gctrace/node20.txt", 0);
	struct gc_event ev;

	(void)state;
	assert_string_equal(l, "ready");
	assert_int_equal(gctrace_parse(l, strlen(l), &ev), 0);
	assert_int_equal(gctrace_parse("", 0, &ev), 0);
	assert_int_equal(gctrace_parse("gc is fun", 9, &ev), 0);
	/* looks like one, is not: counted by the caller as unparsed */
	assert_int_equal(gctrace_parse("[1:0x1] 5 ms: Scavenge x MB", 27, &ev), -1);
	free(l);
}

/* Every prefix of every fixture line: -1, 0 or 1, never a crash or overread. */
static void test_truncations(void **state)
{
	const char *files[] = {"gctrace/node20.txt", "gctrace/go119.txt"};
	int full = 0;

	(void)state;
	for (size_t f = 0; f < 2; f++)
		for (int i = 1; i < 4; i++) {
			char *l = fixture_line(files[f], i);
			size_t n = strlen(l);

			for (size_t k = 0; k <= n; k++) {
				char *cut = xmalloc(k ? k : 1); /* unterminated */
				struct gc_event ev;
				int rc;

				memcpy(cut, l, k);
				rc = gctrace_parse(cut, k, &ev);
				assert_true(rc >= -1 && rc <= 1);
				full += k == n && rc == 1;
				free(cut);
			}
			free(l);
		}
	assert_int_equal(full, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_scavenge),
		cmocka_unit_test(test_node_mark_compact),
		cmocka_unit_test(test_go_cycle),
		cmocka_unit_test(test_go_forced),
		cmocka_unit_test(test_not_trace),
		cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
