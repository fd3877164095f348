/* SPDX-License-Identifier: MIT */
/*
 * test_target_switch: the target screen shows the target's own history. The
 * console is attached to a process holding 200 MiB, goes back (Esc) and
 * attaches to one holding 1 MiB (Enter): the RSS graph must then hold only
 * the small process's ticks, so the graph is scaled to it (a top of a few
 * MiB, not 500 MiB) and its flat line stays in the lower half. Before the
 * model was loaded per target, the 200 MiB ticks stayed in the window and
 * set the scale, and the small process drew as a row of dots at the bottom
 * (or, on its own scale, those ticks filled whole columns to the top).
 * ASCII graphs (--ascii): ':' is a full cell, '.' a half one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("switch") < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* Line y of the last capture into out (without its newline). */
static void line_of(int y, char *out, size_t len)
{
	const char *p = screen;

	for (int i = 0; i < y && p; i++)
		if ((p = strchr(p, '\n')))
			p++;
	out[0] = '\0';
	if (p)
		snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
}

struct rss_graph {
	int top_cells; /* ':' or '.' cells on the graph's top row */
	int cells;     /* cells drawn on the bottom row */
	double scale;  /* the top's label, in MiB (0: none) */
};

/*
 * The target screen's RSS graph: from the row titled "RSS" right of the
 * figures (past column 72 of 120) to the row with its window ("last 1m").
 */
static struct rss_graph rss_graph(void)
{
	char top[512], bottom[512];
	struct rss_graph g = {0, 0, 0};
	const char *label = NULL, *mib;
	size_t x;
	int y = 0;

	capture(false);
	for (; y < 40 && !label; y++) {
		line_of(y, top, sizeof(top));
		label = strlen(top) > 72 ? strstr(top + 72, "RSS ") : NULL;
	}
	if (!label)
		return g;
	for (bottom[0] = '\0'; y < 40 && !strstr(bottom, " last "); y++)
		line_of(y, bottom, sizeof(bottom));
	if (!strstr(bottom, " last "))
		return g;
	mib = strstr(top, " MiB");
	if (mib) { /* the number before " MiB" */
		const char *p = mib;

		while (p > top && p[-1] != ' ')
			p--;
		g.scale = atof(p);
	}
	x = (size_t)(label - top) + 5;
	for (size_t i = x; i < strlen(top); i++)
		g.top_cells += top[i] == ':' || top[i] == '.';
	for (size_t i = x; i < strlen(bottom); i++)
		g.cells += bottom[i] == ':' || bottom[i] == '.';
	return g;
}

/* Polls until the RSS graph has drawn at least n cells on its bottom row
 * (30 s at most: a cell is a time slot, filled as ticks arrive). */
static struct rss_graph wait_graph(int n)
{
	struct rss_graph g = {0, 0, 0};

	for (int i = 0; i < 600; i++) {
		g = rss_graph();
		if (g.cells >= n)
			return g;
		sleep_ms(50);
	}
	fprintf(stderr, "--- waited for %d full cells; screen was:\n%s---\n", n, screen);
	return g;
}

static void test_switch_shows_the_new_targets_history(void **state)
{
	pid_t big = fixture_start("holdmem", "200", "--vigil-switch-big", NULL);
	pid_t small = fixture_start("holdmem", "1", "--vigil-switch-small", NULL);
	struct rss_graph g;
	int big_cells;
	char path[256], text[64];
	FILE *f;

	(void)state;
	assert_true(big > 0 && small > 0);
	snprintf(path, sizeof(path), "%s/run.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "XDG_STATE_HOME='%s' '%s' --ascii -i 200ms -p %d\nsleep 600\n", dir,
		vigil_bin(), (int)big);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 120 -y 40 'sh %s'", path), 0);
	snprintf(text, sizeof(text), "PID %d", (int)big);
	assert_true(wait_for(text));
	tmux("send-keys -t t +"); /* the 1 minute window: a cell per 0.7 s */
	g = wait_graph(2);
	assert_true(g.cells >= 2);
	assert_true(g.scale == 500); /* 201 MiB under a 500 MiB top */
	big_cells = g.cells;

	tmux("send-keys -t t Escape");
	assert_true(wait_for("PID USER"));
	tmux("send-keys -t t /");
	assert_true(wait_for("Filter:"));
	tmux("send-keys -t t -l vigil-switch-small");
	assert_true(wait_gone("vigil-switch-big"));
	tmux("send-keys -t t Enter");
	tmux("send-keys -t t Enter");
	snprintf(text, sizeof(text), "PID %d", (int)small);
	assert_true(wait_for(text));
	/* its own graph: its own scale, a few MiB, and nothing of the 200 MiB
	 * process (whose ticks would reach the top row). More cells than the
	 * big one had, so some are surely the small one's. */
	g = wait_graph(big_cells + 2);
	assert_true(g.cells >= big_cells + 2);
	assert_true(g.scale > 0 && g.scale <= 5);
	assert_int_equal(g.top_cells, 0);
	capture(false);
	assert_null(strstr(screen, "RSS 201M"));
	tmux("send-keys -t t q");
	fixture_stop(big);
	fixture_stop(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_switch_shows_the_new_targets_history,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
