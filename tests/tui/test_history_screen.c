/* SPDX-License-Identifier: MIT */
/*
 * test_history_screen: the live console opening with vigil daemon's
 * history, in a real terminal. The daemon's directory is written here
 * through the store API: four minutes up to now of a machine 50% busy and
 * of a real fixture process (its pid and start time) whose RSS rose 40 MiB
 * a minute, as a daemon would have recorded it before anyone looked.
 *
 * Opened with it, the overview's CPU graph has those four minutes (and is
 * empty with --no-history); attached to the fixture, the Memory panel
 * gives a verdict at once and says it comes from the recorded history;
 * `b` replays the history with the jump prompt open, a jump lands where
 * asked, and End is the present again. While a daemon holds its lock
 * there, the console's own session leaves the process table to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <sys/file.h>

#include "tmux.h"
#include "core/clock.h"
#include "core/frame.h"
#include "core/xalloc.h"
#include "store/store.h"

#define HIST_TICKS 240

static char hist[256];
static int64_t hist_last_ms;

/* Field 22 of /proc/PID/stat: the start time in clock ticks since boot. */
static uint64_t start_ticks_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	p = strrchr(buf, ')');
	assert_non_null(p);
	/* state is field 3; 19 more fields to the start time */
	assert_int_equal(sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
				"%*u %*d %*d %*d %*d %*d %*d %llu",
				&v),
			 1);
	return v;
}

/* The daemon's file: HIST_TICKS ticks a second apart, ending now. */
static void write_history(pid_t pid)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = 1000, .ncpu = 1};
	uint64_t start = start_ticks_of(pid);
	int64_t t0 = clock_wall_ms() - HIST_TICKS * 1000LL;
	char path[320], err[256];
	struct store *st;

	snprintf(hist, sizeof(hist), "%s/daemon", dir);
	assert_int_equal(mkdir(hist, 0700), 0);
	snprintf(path, sizeof(path), "%s/testhost-20261205-06.vigil", hist);
	snprintf(m.version, sizeof(m.version), "test");
	snprintf(m.host, sizeof(m.host), "testhost");
	m.started_ms = t0;
	m.mem_total = 8ULL << 30;
	if (store_create(path, false, &st, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(store_session_begin(st, &m), 0);
	for (int i = 0; i < HIST_TICKS; i++) {
		struct frame *f = frame_new();
		struct proc_row *r;

		f->seq = (uint64_t)i;
		f->t_ms = t0 + 1000LL * i;
		f->sys.have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO;
		f->sys.cpu.user = 50 * (uint64_t)i;
		f->sys.cpu.idle = 50 * (uint64_t)i;
		f->sys.mem_total = 8ULL << 30;
		f->sys.mem_available = 4ULL << 30;
		f->procs.n = 1;
		f->procs.rows = r = xcalloc(1, sizeof(*r));
		r->pid = pid;
		r->ppid = 1;
		r->state = 'S';
		r->threads = 1;
		r->start_ticks = start;
		r->cpu_ticks = 5 * (uint64_t)i;
		r->rss_bytes = (100ULL << 20) + (uint64_t)i * (40ULL << 20) / 60;
		snprintf(r->comm, sizeof(r->comm), "sleeper");
		r->cmdline = xstrdup("sleeper");
		assert_int_equal(store_write_frame(st, f), 0);
		hist_last_ms = f->t_ms;
		frame_unref(f);
	}
	m.ended_ms = hist_last_ms;
	assert_int_equal(store_session_end(st, &m), 0);
	store_close(st);
}

/* The console with args ("--no-record" unless they say -o). */
static void start_console(const char *args)
{
	char script[256];
	FILE *f;

	snprintf(script, sizeof(script), "%s/run.sh", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f,
		"TZ=UTC TMPDIR='%s' XDG_STATE_HOME='%s' '%s' --statsd off %s %s\n"
		"echo EXIT=$?\nsleep 600\n",
		dir, dir, vigil_bin(), strstr(args, "-o ") ? "" : "--no-record", args);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 'sh %s'", script), 0);
}

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("history") < 0)
		return -1;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* Braille cells with a dot in them on the screen line holding label and
 * the line below it (a graph two rows high). */
static int graph_cells(const char *label)
{
	const char *line = strstr(screen, label), *end;
	int n = 0;

	if (!line)
		return -1;
	end = strchr(line, '\n');
	if (end)
		end = strchr(end + 1, '\n');
	for (const unsigned char *p = (const unsigned char *)line;
	     end ? (const char *)p < end : *p; p++)
		/* U+2801..U+28FF: E2 A0 81 .. E2 A3 BF */
		if (p[0] == 0xE2 && p[1] >= 0xA0 && p[1] <= 0xA3 &&
		    !(p[1] == 0xA0 && p[2] == 0x80))
			n++;
	return n;
}

/* The overview's CPU graph: four of its five minutes from the daemon's
 * history; none of them without it. */
static void test_overview_filled(void **state)
{
	pid_t pid = fixture_start("sleeper", NULL);
	int with, without;
	char args[512];

	(void)state;
	assert_true(pid > 0);
	write_history(pid);
	snprintf(args, sizeof(args), "--history '%s'", hist);
	start_console(args);
	assert_true(wait_for("last 5m"));
	sleep_ms(1500); /* a second frame: the graphs are drawn from the first */
	capture(false);
	with = graph_cells("CPU all");
	if (with < 8)
		fail_msg("with the history:\n%s", screen);
	tmux("kill-server");
	tmux_init("history-none");
	snprintf(args, sizeof(args), "--no-history");
	start_console(args);
	assert_true(wait_for("last 5m"));
	sleep_ms(1500);
	capture(false);
	without = graph_cells("CPU all");
	if (!(with >= 8 && without <= 2))
		fail_msg("CPU graph cells: %d with the history, %d without", with,
			 without);
	/* no copy of the history left behind */
	tmux("kill-server");
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q vigil-history", dir);
		assert_int_not_equal(system(cmd), 0);
	}
}

/* Attached to the fixture: its verdict at once, from the recorded RSS. */
static void test_attach_verdict(void **state)
{
	pid_t pid = fixture_start("sleeper", NULL);
	char args[512];

	(void)state;
	assert_true(pid > 0);
	write_history(pid);
	snprintf(args, sizeof(args), "--history '%s' -p %d", hist, (int)pid);
	start_console(args);
	assert_true(wait_for("Tab: next panel"));
	tmux("send-keys -t t Tab Tab"); /* threads, latency, memory */
	assert_true(wait_for("recorded history"));
	assert_non_null(strstr(screen, "leak-suspect"));
	if (getenv("SHOW_SCREEN"))
		fprintf(stderr, "%s", screen);
}

/* b: the history, at its last tick, with the jump prompt; End: live. */
static void test_b_and_end(void **state)
{
	pid_t pid = fixture_start("sleeper", NULL);
	char args[512], want[64];

	(void)state;
	assert_true(pid > 0);
	write_history(pid);
	snprintf(args, sizeof(args), "--history '%s'", hist);
	start_console(args);
	assert_true(wait_for("last 5m"));
	tmux("send-keys -t t b");
	assert_true(wait_for("Jump to:"));
	snprintf(want, sizeof(want), "#%d/%d", HIST_TICKS, HIST_TICKS);
	assert_non_null(strstr(screen, want));
	assert_non_null(strstr(screen, "span 5m"));
	tmux("send-keys -t t -- -1m Enter");
	snprintf(want, sizeof(want), "#%d/%d", HIST_TICKS - 60, HIST_TICKS);
	assert_true(wait_for(want));
	tmux("send-keys -t t End");
	assert_true(wait_gone(want));
	assert_true(wait_for("last 5m"));
	assert_null(strstr(screen, "span 5m"));
	assert_non_null(strstr(screen, "EnterAttach"));
	/* and back again, and out with q */
	tmux("send-keys -t t b");
	assert_true(wait_for("Jump to:"));
	tmux("send-keys -t t Escape");
	tmux("send-keys -t t G");
	assert_true(wait_for("EnterAttach"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

/* Rows of table in the session at path. */
static long long rows_of(const char *path, const char *table)
{
	char sql[128];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Records a few ticks into DIR/name with the daemon's directory at hist. */
static void record_console(const char *name)
{
	char args[700], session[320];

	snprintf(session, sizeof(session), "%s/%s", dir, name);
	snprintf(args, sizeof(args), "--history '%s' -o '%s'", hist, session);
	start_console(args);
	assert_true(wait_for("last 5m"));
	sleep_ms(2500); /* a few ticks */
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	tmux("kill-server");
	tmux_init("history-again");
}

/*
 * While a daemon holds its lock in the directory, the console's own session
 * has its ticks and system samples but no process rows: the daemon records
 * those. Without the lock it records them itself.
 */
static void test_daemon_records(void **state)
{
	pid_t pid = fixture_start("sleeper", NULL);
	char lock[320], a[320], b[320];
	int fd;

	(void)state;
	assert_true(pid > 0);
	write_history(pid);
	snprintf(lock, sizeof(lock), "%s/daemon.lock", hist);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	record_console("with-daemon.vigil");
	close(fd); /* the daemon is gone */
	record_console("alone.vigil");
	snprintf(a, sizeof(a), "%s/with-daemon.vigil", dir);
	snprintf(b, sizeof(b), "%s/alone.vigil", dir);
	assert_true(rows_of(a, "ticks") >= 2);
	assert_true(rows_of(a, "sys_samples") >= 2);
	assert_int_equal(rows_of(a, "procs"), 0);
	assert_int_equal(rows_of(a, "proc_samples"), 0);
	assert_true(rows_of(b, "ticks") >= 2);
	assert_true(rows_of(b, "procs") > 10);
	/* exits too are the daemon's, and no command line is read for them;
	 * where exit accounting runs (root, taskstats) it says so */
	assert_int_equal(rows_of(a, "proc_exits"), 0);
	assert_int_equal(rows_of(a, "exit_accounting WHERE cmdlines = 1"), 0);
	if (rows_of(b, "exit_accounting WHERE running = 1") > 0)
		assert_true(rows_of(a, "exit_accounting WHERE running = 1 AND"
				       " why LIKE '%left to vigil daemon%'") > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overview_filled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_b_and_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_records, setup, teardown),
	};

	return cmocka_run_group_tests_name("history screen", tests, NULL, NULL);
}
