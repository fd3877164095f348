/* SPDX-License-Identifier: MIT */
/*
 * test_latency_screen: the latency panel of `vigil replay` at 80x24 shows
 * the application's StatsD counters (total, rate) and gauges (last, min,
 * max). The session is written here through the store, every figure set by
 * the test: ticks 0..9 a second apart with a target, a counter of 10 and a
 * gauge in ticks 3..6.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"
#include "core/appmetrics.h"
#include "core/frame.h"
#include "core/xalloc.h"
#include "store/store.h"

#define T0 1700000000000LL

static char session[256];

static void add_metric(struct app_metrics *m, const char *name, char kind, double value,
		       double lo, double hi)
{
	struct app_metric *a = &m->metrics[m->n++];

	a->name = xstrdup(name);
	a->kind = kind;
	a->count = 1;
	a->value = value;
	a->lo = lo;
	a->hi = hi;
}

static void write_session(void)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = 1000, .ncpu = 1};
	struct store *s;
	char err[512];

	assert_int_equal(store_create(session, true, &s, err, sizeof(err)), 0);
	snprintf(m.version, sizeof(m.version), "test");
	m.started_ms = T0;
	m.target_pid = 4242;
	m.target_exit_code = -1;
	assert_int_equal(store_session_begin(s, &m), 0);
	for (uint64_t i = 0; i < 10; i++) {
		struct frame *f = frame_new();

		f->seq = i;
		f->t_ms = T0 + (int64_t)i * 1000;
		f->target = xcalloc(1, sizeof(*f->target));
		f->target->pid = 4242;
		f->target->start_ticks = 1;
		f->target->alive = true;
		f->target->exit_code = -1;
		snprintf(f->target->comm, sizeof(f->target->comm), "app");
		if (i >= 3 && i <= 6) {
			f->app = app_metrics_new();
			f->app->metrics = xcalloc(2, sizeof(*f->app->metrics));
			f->app->lines = 2;
			/* gauge: ends at i, lowest i - 5, highest 2 i */
			add_metric(f->app, "jobs.done", APP_COUNTER, 10, 10, 10);
			add_metric(f->app, "queue.depth", APP_GAUGE, (double)i,
				   (double)i - 5, 2.0 * (double)i);
			app_metrics_sort(f->app);
		}
		assert_int_equal(store_write_frame(s, f), 0);
		frame_unref(f);
	}
	assert_int_equal(store_session_end(s, &m), 0);
	store_close(s);
}

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("latency") < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

static void test_counter_and_gauge_shown(void **state)
{
	(void)state;
	write_session();
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 \"'%s' replay '%s'\"",
			      vigil_bin(), session),
			 0);
	assert_true(wait_for("#1/10"));
	tmux("send-keys -t t End");
	assert_true(wait_for("#10/10"));
	tmux("send-keys -t t Tab");
	assert_true(wait_for("COUNTER|GAUGE"));
	/* the zoom window holds the whole session: 40 in ticks 3..9, that is
	 * over the 7 s covered, 5.7/s (not 40 over the 5 min window) */
	assert_true(wait_for("jobs.done"));
	assert_non_null(strstr(screen, "total 40"));
	assert_non_null(strstr(screen, "5.7/s"));
	/* the gauge: last 6 (tick 6), lowest -2 (tick 3), highest 12 */
	assert_non_null(strstr(screen, "queue.depth"));
	assert_non_null(strstr(screen, "last 6 "));
	assert_non_null(strstr(screen, "min -2 "));
	assert_non_null(strstr(screen, "max 12"));
	/* StatsD's own line */
	assert_non_null(strstr(screen, "StatsD 8 lines, 0 malformed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counter_and_gauge_shown, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
