/* SPDX-License-Identifier: MIT */
/*
 * test_profile_screen: `p` in the real console. vigil starts prof_split (work
 * split 50/30/20 across work_hot, work_warm and memcpy); `P` asks on an empty
 * line that shows the defaults as its hint (typing does not append to them,
 * Ctrl-U and Ctrl-W edit) and captures a 2 s profile with progress in the
 * status line; the profile screen opens with the hottest function first; Tab
 * reaches the flame graph, where zooming in level after level comes back up
 * one level with Backspace and all the way with one Esc, and a second Esc
 * goes back. The profile is in the session, replay lists and opens it, and
 * export writes its folded stacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"

static char session[192];

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("profile") < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

static void run_in_tmux(const char *args)
{
	char script[256];
	FILE *f;

	snprintf(script, sizeof(script), "%s/run.sh", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "'%s' %s\necho EXIT=$?\nsleep 600\n", vigil_bin(), args);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 100 -y 30 'sh %s'", script), 0);
}

/* The depth the zoom line shows ("zoom 4: ..."), or -1 without one. */
static int zoom_depth(void)
{
	const char *z = strstr(screen, "\nzoom ");

	return z ? atoi(z + 6) : -1;
}

/*
 * On the flame graph: zoom in level after level (Down selects the heaviest
 * callee, Enter zooms into it), Backspace goes up one, and one Esc shows the
 * whole graph again, whatever the depth, without leaving the screen.
 */
static void flame_zoom_and_back(void)
{
	int depth;

	for (int i = 0; i < 4; i++)
		tmux("send-keys -t t Down Enter");
	assert_true(wait_for("Esc: unzoom, Backspace: up"));
	/* the stacks are _start;...;main;work_*: four levels down is main or
	 * near it; three at least, so that an Esc that went up one level only
	 * would still show a zoom after Backspace */
	for (int i = 0; i < 100 && zoom_depth() < 4; i++)
		sleep_ms(50), capture(false);
	depth = zoom_depth();
	assert_true(depth >= 3);
	assert_null(strstr(screen, "\nall\n")); /* the zoomed frame is on top */
	tmux("send-keys -t t BSpace");
	for (int i = 0; i < 100 && zoom_depth() != depth - 1; i++)
		sleep_ms(50), capture(false);
	assert_int_equal(zoom_depth(), depth - 1);
	tmux("send-keys -t t Escape");
	assert_true(wait_gone("Esc: unzoom"));
	assert_int_equal(zoom_depth(), -1);
	assert_non_null(strstr(screen, "\nall\n"));
	assert_non_null(strstr(screen, "[Flame]")); /* still on the graph */
}

static void test_capture_view_store_replay(void **state)
{
	char args[4400];
	struct run_result r;

	(void)state;
	snprintf(args, sizeof(args), "--statsd off -o '%s' -- '%s'", session,
		 fixture_path("prof_split"));
	run_in_tmux(args);
	assert_true(wait_for("prof_split"));
	assert_true(wait_for("Tab: next panel"));
	/* P asks, on an empty line that shows the defaults as its hint */
	tmux("send-keys -t t P");
	assert_true(wait_for("Profile (DURATION [HZ] [cpu|wall]): 5s 99 cpu"));
	tmux("send-keys -t t -l 2s");
	assert_true(wait_for("[cpu|wall]): 2s"));
	assert_null(strstr(screen, "5s 99 cpu")); /* typed, not appended */
	tmux("send-keys -t t C-u");		  /* kills the line: the hint is back */
	assert_true(wait_for("[cpu|wall]): 5s 99 cpu"));
	/* Ctrl-W takes back the last word only; "2s" keeps the test short */
	tmux("send-keys -t t -l '2s 199 wall'");
	assert_true(wait_for("[cpu|wall]): 2s 199 wall"));
	tmux("send-keys -t t C-w");
	assert_true(wait_gone("199 wall"));
	assert_non_null(strstr(screen, "[cpu|wall]): 2s 199"));
	tmux("send-keys -t t Enter");
	assert_true(wait_for("profiling pid"));
	assert_true(wait_for("PROFILE pid"));
	assert_true(wait_for("[Top]"));
	/* the hottest function by self time is the first row */
	{
		const char *row = strstr(screen, "FUNCTION");

		assert_non_null(row);
		row = strchr(row, '\n');
		assert_non_null(row);
		assert_non_null(strstr(row, "work_hot"));
		assert_true(strstr(row, "work_hot") < strstr(row, "warm_inner"));
	}
	tmux("send-keys -t t Tab");
	assert_true(wait_for("[Tree]"));
	tmux("send-keys -t t Tab");
	assert_true(wait_for("[Flame]"));
	assert_non_null(strstr(screen, "main"));
	assert_non_null(strstr(screen, "\nall\n")); /* the root, full width */
	flame_zoom_and_back();
	tmux("send-keys -t t Escape");		  /* unzoomed: now Esc leaves */
	assert_true(wait_for("Tab: next panel")); /* back on the target screen */
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	tmux("kill-server");
	tmux_init("profile-replay"); /* a new server: the old one may still be going */

	/* stored: report lists it, export writes its stacks */
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, ".profiles | length") == 1);
	assert_true(jq_num(r.out, ".profiles[0].hz") == 199);
	run_vigil(&r, "export", session, "--profile", "1");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "main;work_hot "));

	/* replay: p lists the session's profiles, Enter opens one */
	snprintf(args, sizeof(args), "replay '%s'", session);
	run_in_tmux(args);
	assert_true(wait_for("CPU"));
	tmux("send-keys -t t p");
	assert_true(wait_for("SAMPLES"));
	assert_non_null(strstr(screen, " cpu    199 "));
	tmux("send-keys -t t Enter");
	assert_true(wait_for("PROFILE pid"));
	assert_true(wait_for("work_hot"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_capture_view_store_replay, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
