/* SPDX-License-Identifier: MIT */
/*
 * test_target_switch: the target screen shows the target's own history. The
 * console is attached to a process holding 200 MiB, goes back (Esc) and
 * attaches to one holding 1 MiB (Enter): the RSS graph must then hold only
 * the small process's ticks, so the graph is scaled to it and its flat line
 * fills both rows. Before the model was loaded per target, the 200 MiB
 * ticks stayed in the window and set the scale, and the small process drew
 * as a row of dots at the bottom. ASCII graphs (--ascii): ':' is a full
 * cell, '.' a half one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"

static char dir[128];

static int setup(void **state)
{
	char *d = temp_dir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	tmux_init("switch");
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	fixtures_stop_all();
	tmux("kill-server");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
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
	int full_top, full_bottom, half; /* ':' cells per row, '.' cells */
	int cells;			 /* cells drawn on the bottom row */
};

/* The target screen's RSS graph (rows 5 and 6, right of the "RSS" label). */
static struct rss_graph rss_graph(void)
{
	char top[512], bottom[512];
	struct rss_graph g = {0, 0, 0, 0};
	const char *label;
	size_t x;

	capture(false);
	line_of(5, top, sizeof(top));
	line_of(6, bottom, sizeof(bottom));
	label = strstr(top + 40 < top + strlen(top) ? top + 40 : top, "RSS");
	if (!label)
		return g;
	x = (size_t)(label - top) + 5;
	for (size_t i = x; i < strlen(top); i++) {
		g.full_top += top[i] == ':';
		g.half += top[i] == '.';
	}
	for (size_t i = x; i < strlen(bottom); i++) {
		g.full_bottom += bottom[i] == ':';
		g.half += bottom[i] == '.';
		g.cells += bottom[i] == ':' || bottom[i] == '.';
	}
	return g;
}

/* Polls until the RSS graph has drawn at least n cells on its bottom row
 * (30 s at most: a cell is a time slot, filled as ticks arrive). */
static struct rss_graph wait_graph(int n)
{
	struct rss_graph g = {0, 0, 0, 0};

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
	/* its own graph: a flat line at the top of its own scale, nothing of
	 * the 200 MiB process (whose ticks would set the scale: dots). More
	 * cells than the big one had, so some are surely the small one's. */
	g = wait_graph(big_cells + 2);
	assert_true(g.cells >= big_cells + 2);
	assert_int_equal(g.half, 0);
	assert_int_equal(g.full_top, g.full_bottom);
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
