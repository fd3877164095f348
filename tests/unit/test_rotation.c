/* SPDX-License-Identifier: MIT */
/*
 * test_rotation: store/rotation.h. The names (hourly and shorter periods,
 * UTC, suffixes, host sanitising) and what is recognised as the daemon's own;
 * switching files between frames; a name already taken by something else is
 * skipped, never opened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sql.h"
#include "tempdir.h"

#include <string.h>
#include <sys/stat.h>

#include "core/frame.h"
#include "store/rotation.h"
#include "store/store.h"

/* 2026-03-29 01:30:05 UTC: the night Europe moves its clocks */
#define T_DST 1774747805000LL

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tempdir_make(dir, sizeof(dir), "rotation");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tempdir_remove(dir);
	return 0;
}

static void test_names(void **state)
{
	struct rotation_config hour = {
		.dir = dir, .host = "web1", .period_ms = ROTATION_HOUR_MS};
	struct rotation_config five = {.dir = dir, .host = "web1", .period_ms = 5000};
	struct rotation_config odd = {
		.dir = dir, .host = "a b/c\x01", .period_ms = ROTATION_HOUR_MS};
	char buf[128];

	(void)state;
	assert_string_equal(rotation_name(&hour, T_DST, 1, buf, sizeof(buf)),
			    "web1-20260329-01.vigil");
	assert_string_equal(rotation_name(&hour, T_DST, 2, buf, sizeof(buf)),
			    "web1-20260329-01.2.vigil");
	/* the next hour, by UTC, whatever the local clock does */
	assert_string_equal(rotation_name(&hour, T_DST + 3600000, 1, buf, sizeof(buf)),
			    "web1-20260329-02.vigil");
	/* shorter periods (the testing knob): the period's start to the second */
	assert_string_equal(rotation_name(&five, T_DST, 1, buf, sizeof(buf)),
			    "web1-20260329-013005.vigil");
	assert_string_equal(rotation_name(&five, T_DST + 4999, 1, buf, sizeof(buf)),
			    "web1-20260329-013005.vigil");
	assert_string_equal(rotation_name(&odd, T_DST, 1, buf, sizeof(buf)),
			    "a_b_c_-20260329-01.vigil");
}

static void test_names_recognised(void **state)
{
	int64_t start;

	(void)state;
	assert_true(rotation_name_parse("web1", "web1-20260329-01.vigil", &start));
	assert_int_equal(start, T_DST - 30 * 60000 - 5000);
	assert_true(rotation_name_parse("web1", "web1-20260329-01.2.vigil", NULL));
	assert_true(rotation_name_parse("web1", "web1-20260329-01.999.vigil", NULL));
	assert_true(rotation_name_parse("web1", "web1-20260329-013005.vigil", &start));
	assert_int_equal(start, T_DST);
	/* not ours */
	assert_false(rotation_name_parse("web1", "web2-20260329-01.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web10-20260329-01.vigil", NULL));
	assert_false(rotation_name_parse("web", "web1-20260329-01.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web1-20260329-01.1.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web1-20260329-01.0.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web1-20260329-01.1000.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web1-20261329-01.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web1-20260329-24.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web1-20260329-1.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web1-20260329-01.vigil-wal", NULL));
	assert_false(rotation_name_parse("web1", "web1-20260329-01.vigil.log", NULL));
	assert_false(rotation_name_parse("web1", "web1-20260329-010203-1.vigil", NULL));
	assert_false(rotation_name_parse("web1", "web1-x-20260329-01.vigil", NULL));
	assert_false(rotation_name_parse("web1", "daemon.log", NULL));
}

static struct frame *frame_at(int64_t t_ms, uint64_t seq)
{
	struct frame *f = frame_new();

	f->seq = seq;
	f->t_ms = t_ms;
	return f;
}

static void test_switch_between_frames(void **state)
{
	struct rotation_config c = {.dir = dir, .host = "web1", .period_ms = 5000};
	struct session_meta m = {
		.started_ms = T_DST + 3000, .interval_ms = 1000, .target_exit_code = -1};
	char p1[256], p2[256], taken[256], err[512];
	struct rotation *r;
	struct frame *f;
	FILE *foreign;

	(void)state;
	/* the second period's plain name is taken by something not ours */
	snprintf(taken, sizeof(taken), "%s/web1-20260329-013010.vigil", dir);
	foreign = fopen(taken, "w");
	assert_non_null(foreign);
	fputs("someone else's\n", foreign);
	fclose(foreign);

	r = rotation_open(&c, &m, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(rotation_files(r), 1);
	rotation_path(r, p1, sizeof(p1));
	assert_non_null(strstr(p1, "/web1-20260329-013005.vigil"));
	f = frame_at(T_DST + 4000, 0);
	assert_false(rotation_due(r, f->t_ms));
	assert_int_equal(store_write_frame(rotation_store(r), f), 0);
	frame_unref(f);

	f = frame_at(T_DST + 5000, 1);
	assert_true(rotation_due(r, f->t_ms));
	assert_int_equal(rotation_next(r, f->t_ms, T_DST + 4000, err, sizeof(err)), 0);
	assert_false(rotation_due(r, f->t_ms));
	assert_int_equal(store_write_frame(rotation_store(r), f), 0);
	frame_unref(f);
	rotation_path(r, p2, sizeof(p2));
	assert_non_null(strstr(p2, "/web1-20260329-013010.2.vigil"));
	assert_int_equal(rotation_files(r), 2);
	/* a clock stepped back is another period too */
	assert_true(rotation_due(r, T_DST));

	m.ended_ms = T_DST + 5500;
	assert_int_equal(rotation_close(r, &m, err, sizeof(err)), 0);
	/* the first file ended at its last tick, the second at the close */
	assert_int_equal(sql_int(p1, "SELECT ended_ms FROM sessions"), T_DST + 4000);
	assert_int_equal(sql_int(p1, "SELECT started_ms FROM sessions"), T_DST + 3000);
	assert_int_equal(sql_int(p2, "SELECT started_ms FROM sessions"), T_DST + 5000);
	assert_int_equal(sql_int(p2, "SELECT ended_ms FROM sessions"), T_DST + 5500);
	assert_int_equal(sql_int(p1, "SELECT count(*) FROM ticks"), 1);
	assert_int_equal(sql_int(p2, "SELECT seq FROM ticks"), 1);
	/* the foreign file is as it was */
	foreign = fopen(taken, "r");
	assert_non_null(foreign);
	assert_non_null(fgets(err, sizeof(err), foreign));
	fclose(foreign);
	assert_string_equal(err, "someone else's\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_recognised),
		cmocka_unit_test_setup_teardown(test_switch_between_frames, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("rotation", tests, NULL, NULL);
}
