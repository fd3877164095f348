/* SPDX-License-Identifier: MIT */
/*
 * test_replay: `vigil replay` in a real terminal. A fixture is recorded with
 * the real binary; the replay is stepped with the keys an operator uses and
 * what the screen shows at each tick is compared with what the store holds
 * for that tick (read through the same query API, formatted the same way).
 * At the end of a finished recording the time bar says END, never LIVE, and
 * the graphs' window ends at the cursor; a recording still being written
 * is followed LIVE until its recorder ends it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "tmux.h"
#include "core/units.h"
#include "store/frames.h"
#include "store/store.h"

static char session[256];

static void start_replay(const char *path)
{
	char script[256];
	FILE *f;

	snprintf(script, sizeof(script), "%s/run.sh", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "TZ=UTC '%s' replay '%s'\necho EXIT=$?\nsleep 600\n", vigil_bin(),
		path);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 100 -y 30 'sh %s'", script), 0);
}

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("replay") < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* "#i/n" and the tick's time and RSS, as the screen must show them. */
static void expect_tick(struct store *st, int64_t t_ms, uint64_t i, uint64_t n)
{
	char text[64], rss[16];
	struct frame *f = NULL;
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	snprintf(text, sizeof(text), "#%llu/%llu", (unsigned long long)i,
		 (unsigned long long)n);
	assert_true(wait_for(text));
	gmtime_r(&t, &tm);
	strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &tm);
	assert_non_null(strstr(screen, text));
	assert_int_equal(query_frame_at(st, t_ms, &f), 0);
	assert_non_null(f->target);
	snprintf(text, sizeof(text), "RSS %s",
		 units_bytes_short((double)f->target->vm_rss, rss, sizeof(rss)));
	assert_non_null(strstr(screen, text));
	frame_unref(f);
}

/* The time bar's window "zoom 5m HH:MM:SS-HH:MM:SS": width_ms wide with its
 * right edge at to_ms (the first ms after it at to_ms + 1). */
static void expect_window(int64_t width_ms, int64_t to_ms)
{
	char text[64], from[16], to[16], zoom[16];
	time_t t0 = (time_t)((to_ms + 1 - width_ms) / 1000), t1 = (time_t)(to_ms / 1000);
	struct tm tm;

	gmtime_r(&t0, &tm);
	strftime(from, sizeof(from), "%H:%M:%S", &tm);
	gmtime_r(&t1, &tm);
	strftime(to, sizeof(to), "%H:%M:%S", &tm);
	snprintf(zoom, sizeof(zoom), "%lldm", (long long)(width_ms / 60000));
	snprintf(text, sizeof(text), "zoom %s %s-%s ", zoom, from, to);
	if (!strstr(screen, text))
		fail_msg("no '%s' on the screen:\n%s", text, screen);
}

static void test_step_shows_the_recorded_ticks(void **state)
{
	struct run_result r;
	struct store *st;
	char err[256];
	int64_t first, last, t;
	uint64_t n;

	(void)state;
	run_vigil(&r, "record", "-i", "100ms", "-d", "1500ms", "-o", session, "--",
		  fixture_path("holdmem"), "24");
	assert_int_equal(r.status, 0);
	assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
	assert_int_equal(query_span(st, &first, &last, &n), 0);
	assert_true(n >= 5);
	start_replay(session);
	assert_true(wait_for("|| 1x"));
	t = first;
	for (uint64_t i = 1; i <= 4; i++) {
		expect_tick(st, t, i, n);
		tmux("send-keys -t t t");
		assert_int_equal(timeline_seek(st, t, TIMELINE_AFTER, &t), 0);
	}
	tmux("send-keys -t t T T"); /* back to the 3rd tick */
	assert_int_equal(timeline_seek(st, t, TIMELINE_BEFORE, &t), 0);
	assert_int_equal(timeline_seek(st, t, TIMELINE_BEFORE, &t), 0);
	expect_tick(st, t, 3, n);
	/* End of a finished recording: END, never LIVE, and the graphs end at
	 * the cursor, one step back they still end at the recording's end */
	tmux("send-keys -t t G");
	assert_true(wait_for("END  "));
	expect_tick(st, last, n, n);
	assert_null(strstr(screen, "LIVE"));
	expect_window(300 * 1000, last);
	tmux("send-keys -t t T");
	assert_int_equal(timeline_seek(st, last, TIMELINE_BEFORE, &t), 0);
	expect_tick(st, t, n - 1, n);
	assert_null(strstr(screen, "END  "));
	assert_non_null(strstr(screen, "|| 1x"));
	expect_window(300 * 1000, last);
	tmux("send-keys -t t G");
	assert_true(wait_for("END  "));
	/* the jump prompt opens empty, its examples a hint */
	tmux("send-keys -t t b");
	assert_true(wait_for("Jump to: e.g. 03:12"));
	tmux("send-keys -t t -l start");
	tmux("send-keys -t t Enter");
	expect_tick(st, first, 1, n);
	tmux("send-keys -t t +");
	assert_true(wait_for("zoom 1m"));
	tmux("send-keys -t t - -");
	assert_true(wait_for("zoom 15m"));
	tmux("send-keys -t t ' ' ]");
	assert_true(wait_for("2x"));
	tmux("send-keys -t t Escape");
	assert_true(wait_for("PID USER"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	store_close(st);
}

/* Whether the session file (being written) holds at least n ticks yet. */
static bool has_ticks(const char *path, double n)
{
	struct run_result r;

	if (access(path, F_OK) != 0)
		return false;
	run_vigil(&r, "report", "--json", path);
	return r.status == 0 && jq_num(r.out, ".session.ticks") >= n;
}

/* End follows a file that another vigil is still writing. */
static void test_end_follows_the_live_edge(void **state)
{
	pid_t rec;
	char first[64] = "";
	const char *at;

	(void)state;
	rec = fork();
	if (rec == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 2);
		execl(vigil_bin(), "vigil", "record", "-i", "100ms", "-d", "20s", "-o",
		      session, (char *)NULL);
		_exit(127);
	}
	/* replay refuses a file with no samples: wait for the recorder's first
	 * ones, however slow the machine (a sanitizer build under load took
	 * more than the 600 ms this once slept) */
	for (int i = 0; i < 600 && !has_ticks(session, 2); i++)
		sleep_ms(50);
	start_replay(session);
	assert_true(wait_for("|| 1x"));
	tmux("send-keys -t t End");
	assert_true(wait_for("LIVE"));
	at = strstr(screen, "#");
	assert_non_null(at);
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(at, " "), at);
	/* the tick count moves on by itself while following */
	for (int i = 0; i < 100 && strstr(capture(false), first); i++)
		sleep_ms(50);
	assert_null(strstr(screen, first));
	assert_non_null(strstr(screen, "LIVE"));
	/* the recorder ends the recording: there is no live edge any more */
	kill(rec, SIGTERM);
	waitpid(rec, NULL, 0);
	assert_true(wait_for("END  "));
	assert_null(strstr(screen, "LIVE"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

static void test_bad_files_are_refused(void **state)
{
	struct run_result r;
	FILE *f;

	(void)state;
	run_vigil(&r, "replay", "/nonexistent.vigil");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "vigil: cannot open session '/nonexistent.vigil'"));
	f = fopen(session, "w");
	assert_non_null(f);
	fputs("not a session\n", f);
	fclose(f);
	run_vigil(&r, "replay", session);
	assert_int_equal(r.status, 1);
	assert_true(!strncmp(r.err, "vigil: cannot open session", 26));
	run_vigil(&r, "replay");
	assert_int_equal(r.status, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_step_shows_the_recorded_ticks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_end_follows_the_live_edge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_are_refused, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
