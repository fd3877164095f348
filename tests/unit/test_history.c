/* SPDX-License-Identifier: MIT */
/*
 * test_history: store/segments (a directory listed as segments in time
 * order, what is skipped and why) and store/history (the copy of a window:
 * which segments, one identity per process, seqs rising, the table list
 * complete). The copy is checked behind the store's back with tests/unit/
 * sql.h; the command-line side is tests/integration/test_history.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "sql.h"
#include "store/history.h"
#include "store/processes.h"
#include "store/segments.h"
#include "store/store.h"
#include "tempdir.h"

#define T0 1700000000000LL

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tempdir_make(dir, sizeof(dir), "history");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tempdir_remove(dir);
	return 0;
}

/* DIR/name with n ticks a second apart from t0 on host, one process (pid
 * 42, start ticks 7) alive in all of them. */
static void write_segment(const char *name, const char *host, int64_t t0, int n)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = 1000, .ncpu = 1};
	char path[128], err[256];
	struct store *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(m.version, sizeof(m.version), "test");
	snprintf(m.host, sizeof(m.host), "%s", host);
	m.started_ms = t0;
	if (store_create(path, false, &s, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(store_session_begin(s, &m), 0);
	for (int i = 0; i < n; i++) {
		struct frame *f = frame_new();

		f->seq = (uint64_t)i;
		f->t_ms = t0 + 1000LL * i;
		f->sys.have = SYS_HAVE_STAT;
		f->sys.cpu.user = (uint64_t)(f->t_ms / 10);
		f->procs.n = 1;
		f->procs.rows = xcalloc(1, sizeof(*f->procs.rows));
		f->procs.rows[0].pid = 42;
		f->procs.rows[0].start_ticks = 7;
		f->procs.rows[0].cpu_ticks = (uint64_t)(f->t_ms / 100);
		snprintf(f->procs.rows[0].comm, FRAME_COMM_MAX, "p42");
		f->procs.rows[0].cmdline = xstrdup("p42");
		assert_int_equal(store_write_frame(s, f), 0);
		frame_unref(f);
	}
	m.ended_ms = t0 + 1000LL * (n - 1);
	assert_int_equal(store_session_end(s, &m), 0);
	store_close(s);
}

/* Segments come in start order whatever their names; another host's file,
 * one overlapping an earlier one and a link are skipped, each said once. */
static void test_scan_orders_and_skips(void **state)
{
	struct segments sg;
	char err[256], link[128], target[128];

	(void)state;
	write_segment("b.vigil", "h", T0, 10);
	write_segment("a.vigil", "h", T0 + 20000, 10);
	write_segment("c.vigil", "other", T0 + 40000, 10);
	write_segment("d.vigil", "h", T0 + 25000, 10);
	write_segment("e.vigil.bak", "h", T0 + 60000, 10);
	snprintf(link, sizeof(link), "%s/l.vigil", dir);
	snprintf(target, sizeof(target), "%s/e.vigil.bak", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(segments_scan(dir, &sg, err, sizeof(err)), 0);
	assert_int_equal(sg.n, 2);
	assert_string_equal(sg.v[0].name, "b.vigil");
	assert_string_equal(sg.v[1].name, "a.vigil");
	assert_true(sg.v[1].first_ms == T0 + 20000 && sg.v[1].last_ms == T0 + 29000);
	assert_int_equal(sg.v[0].ticks, 10);
	assert_int_equal(sg.nnotes, 3);
	for (size_t i = 0; i < sg.nnotes; i++) {
		const char *n = sg.notes[i];

		assert_true(!strcmp(n,
				    "'c.vigil': recorded on another host ('other', not "
				    "'h')") ||
			    !strcmp(n, "'d.vigil': overlaps 'a.vigil' in time") ||
			    !strcmp(n, "'l.vigil': a symbolic link, not followed"));
	}
	segments_release(&sg);
}

static void test_scan_errors(void **state)
{
	struct segments sg;
	char err[256], missing[128];

	(void)state;
	assert_int_equal(segments_scan(dir, &sg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no vigil session files in"));
	segments_release(&sg);
	snprintf(missing, sizeof(missing), "%s/none", dir);
	assert_int_equal(segments_scan(missing, &sg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open directory"));
	segments_release(&sg);
	assert_true(segments_is_dir(dir));
	assert_false(segments_is_dir(missing));
}

/* Three segments, a window over the last two: the one before the window's
 * start comes too (its rates' baseline), pid 42 is one process from the
 * first copied tick to the last, and seqs rise with time. */
static void test_copy_window(void **state)
{
	struct history_copy c;
	struct segments sg;
	char err[256], *copy_dir;
	struct stat st;

	(void)state;
	write_segment("1.vigil", "h", T0, 10);
	write_segment("2.vigil", "h", T0 + 10000, 10);
	write_segment("3.vigil", "h", T0 + 60000, 10);
	assert_int_equal(segments_scan(dir, &sg, err, sizeof(err)), 0);
	assert_int_equal(history_copy(&sg, T0 + 15000, T0 + 65000, &c, err, sizeof(err)),
			 0);
	assert_int_equal(c.segments, 2);
	assert_int_equal(stat(c.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(sql_int(c.path, "SELECT count(*) FROM ticks"), 20);
	assert_int_equal(sql_int(c.path, "SELECT min(t_ms) FROM ticks"), T0 + 10000);
	assert_int_equal(sql_int(c.path, "SELECT count(*) FROM ticks a JOIN ticks b"
					 " ON b.seq > a.seq AND b.t_ms <= a.t_ms"),
			 0);
	assert_int_equal(sql_int(c.path, "SELECT count(*) FROM procs"), 1);
	assert_int_equal(sql_int(c.path, "SELECT count(*) FROM proc_samples"), 20);
	assert_int_equal(sql_int(c.path, "SELECT t_ms FROM ticks WHERE seq ="
					 " (SELECT last_tick FROM procs)"),
			 T0 + 69000);
	assert_int_equal(sql_int(c.path, "SELECT t_ms FROM ticks WHERE seq ="
					 " (SELECT first_tick FROM procs)"),
			 T0 + 10000);
	assert_int_equal(sql_int(c.path, "SELECT ended_ms FROM sessions"), T0 + 69000);
	copy_dir = xstrdup(c.dir);
	history_copy_remove(&c);
	assert_int_equal(stat(copy_dir, &st), -1);
	free(copy_dir);
	history_copy_remove(&c); /* twice is harmless */
	segments_release(&sg);
}

/* One process's CPU and RSS in slots, from its rows held between changes:
 * 10 clock ticks a second at 100 Hz is 10% of a core in every slot it
 * lived through, nothing before or after it; an unknown identity has
 * nothing. */
static void test_proc_slots(void **state)
{
	double cpu[8], rss[8];
	char path[128], err[256];
	struct store *s;

	(void)state;
	write_segment("p.vigil", "h", T0, 10);
	snprintf(path, sizeof(path), "%s/p.vigil", dir);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_proc_slots(s, 42, 7, T0 - 4000, T0 + 12000, 8, cpu, rss),
			 5);
	assert_true(isnan(cpu[0]) && isnan(cpu[1]) && isnan(rss[1]));
	for (int i = 2; i < 6; i++) {
		assert_true(fabs(cpu[i] - 10.0) < 1e-9);
		assert_true(rss[i] == 0);
	}
	/* its last tick is 1 s into slot 6: that second over the slot's two */
	assert_true(fabs(cpu[6] - 5.0) < 1e-9);
	assert_true(isnan(cpu[7]) && isnan(rss[7]));
	assert_int_equal(query_proc_slots(s, 42, 8, T0, T0 + 10000, 8, cpu, rss), 0);
	for (int i = 0; i < 8; i++)
		assert_true(isnan(cpu[i]) && isnan(rss[i]));
	store_close(s);
}

/* A migration that adds a table must tell the copy how to carry it. */
static void test_every_table_is_known(void **state)
{
	char path[128], err[256];
	struct store *s;

	(void)state;
	snprintf(path, sizeof(path), "%s/fresh.vigil", dir);
	assert_int_equal(store_create(path, false, &s, err, sizeof(err)), 0);
	store_close(s);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	if (history_unknown_table(s))
		fail_msg("store/history.c does not copy table '%s'",
			 history_unknown_table(s));
	store_close(s);
	sql_exec(path, "CREATE TABLE brand_new (x INTEGER)");
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_string_equal(history_unknown_table(s), "brand_new");
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_orders_and_skips, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scan_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proc_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_table_is_known, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
