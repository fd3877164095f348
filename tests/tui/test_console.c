/* SPDX-License-Identifier: MIT */
/*
 * test_console: the real binary in a real terminal. Each test starts vigil
 * inside a private tmux server (its own socket), types keys with send-keys
 * and reads the screen with capture-pane, as an operator would see it.
 * Waits are bounded polls for text to appear, never fixed timings asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"

/*
 * Starts vigil with args in a w x h terminal; env is prepended (e.g.
 * "LC_ALL=C"). After vigil exits the pane prints its status and whether the
 * terminal echoes again, then stays open to be read.
 */
static void start(int w, int h, const char *env, const char *args)
{
	char path[256];
	FILE *f;

	/* a script file: no quoting of quotes through tmux and two shells */
	snprintf(path, sizeof(path), "%s/run.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s XDG_STATE_HOME='%s' '%s' %s\n", env ? env : "", dir, vigil_bin(),
		args);
	fputs("echo EXIT=$?\n"
	      "stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?echo' | sed 's/^/TTY=/'\n"
	      "sleep 600\n",
	      f);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x %d -y %d 'sh %s'", w, h, path), 0);
}

/* True when an SGR sequence on screen sets a foreground or background colour. */
static bool has_colour(const char *s)
{
	while ((s = strstr(s, "\033["))) {
		const char *end = s + 2 + strspn(s + 2, "0123456789;");

		if (*end == 'm')
			for (const char *p = s + 2; p < end; p += strcspn(p, ";") + 1) {
				int v = atoi(p);

				if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) ||
				    (v >= 90 && v <= 97) || (v >= 100 && v <= 107))
					return true;
			}
		s = end;
	}
	return false;
}

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("console") < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* q leaves the alternate screen, vigil exits 0 and the tty echoes again. */
static void assert_quits_cleanly(void)
{
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	assert_true(wait_for("TTY=")); /* printed just after EXIT */
	assert_non_null(strstr(screen, "TTY=echo"));
	assert_null(strstr(screen, "F10Quit")); /* the console is gone from view */
}

/* The walk an operator makes: find a process, filter, attach, resize, quit. */
static void test_filter_attach_resize_quit(void **state)
{
	pid_t pid = fixture_start("sleeper", "--vigil-tui-marker", NULL);
	char pidtext[32];

	(void)state;
	assert_true(pid > 0);
	start(100, 30, NULL, "-i 200ms");
	assert_true(wait_for("F10Quit"));
	assert_true(wait_for("PID USER"));
	assert_true(wait_for("REC "));
	tmux("send-keys -t t /");
	assert_true(wait_for("Filter:"));
	tmux("send-keys -t t -l vigil-tui-mark");
	assert_true(wait_for("sleeper --vigil-tui-marker"));
	assert_true(wait_gone("[kthreadd]")); /* everything else filtered out */
	tmux("send-keys -t t Enter");
	assert_true(wait_for("filter: vigil-tui-mark"));
	/* / opens on the filter in force, applies what is typed, and Esc puts
	 * the filter back as it was */
	tmux("send-keys -t t /");
	assert_true(wait_for("Filter: vigil-tui-mark"));
	tmux("send-keys -t t -l zz");
	assert_true(wait_gone("sleeper --vigil-tui-marker"));
	tmux("send-keys -t t Escape");
	assert_true(wait_for("sleeper --vigil-tui-marker"));
	assert_non_null(strstr(screen, "filter: vigil-tui-mark"));
	assert_null(strstr(screen, "vigil-tui-markzz"));
	tmux("send-keys -t t Enter");
	snprintf(pidtext, sizeof(pidtext), "PID %d", (int)pid);
	assert_true(wait_for(pidtext));
	assert_true(wait_for("threads 1"));
	assert_true(wait_for("% of one core  user")); /* the process convention */
	assert_true(wait_for("EscBack"));
	tmux("resize-window -t t -x 80 -y 24");
	assert_true(wait_for("user"));
	assert_true(wait_for("EscBack"));
	assert_non_null(strstr(capture(false), pidtext));
	tmux("resize-window -t t -x 200 -y 60");
	assert_true(wait_for("Mem   RSS"));
	tmux("send-keys -t t Escape");
	assert_true(wait_for("PID USER"));
	assert_true(wait_for("CPU all")); /* the machine's: all its cores */
	tmux("send-keys -t t h");
	assert_true(wait_for("process tree on/off"));
	assert_true(
		wait_for("CPU% of one core (100 = one core busy); CPU all: 100 = every"));
	tmux("send-keys -t t Escape");
	assert_true(wait_for("PID USER"));
	assert_quits_cleanly();
	fixture_stop(pid);
}

/* In the C locale graphs and tree are ASCII: no braille, no box drawing. */
static void test_c_locale_is_ascii(void **state)
{
	(void)state;
	start(80, 24, "LANG=C LC_ALL=C", "-i 100ms");
	assert_true(wait_for("PID USER"));
	tmux("send-keys -t t t");
	assert_true(wait_for("sort CPU desc  tree"));
	sleep_ms(800); /* a few ticks of history in the graphs */
	capture(false);
	for (const unsigned char *p = (const unsigned char *)screen; *p; p++)
		assert_true(*p < 0x80);
	assert_non_null(strstr(screen, "`-"));
	assert_quits_cleanly();
}

/* --ascii in a UTF-8 locale; NO_COLOR leaves no colour escape on screen. */
static void test_ascii_flag_and_no_color(void **state)
{
	(void)state;
	start(100, 30, "LANG=C.UTF-8 LC_ALL=C.UTF-8", "-i 100ms");
	assert_true(wait_for("PID USER"));
	assert_true(
		has_colour(capture(true))); /* the check can fail: colours by default */
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	tmux("kill-server");
	tmux_init("console-ascii"); /* a new server: the old one may still be going */
	start(100, 30, "LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1", "--ascii --no-record");
	assert_true(wait_for("PID USER"));
	assert_null(strstr(screen, "REC "));
	assert_false(has_colour(capture(true)));
	for (const unsigned char *p = (const unsigned char *)screen; *p; p++)
		assert_true(*p < 0x80);
	assert_quits_cleanly();
}

/* -- CMD opens on the target; its exit is shown with its status. */
static void test_started_command_exit_is_shown(void **state)
{
	char args[4200];

	(void)state;
	snprintf(args, sizeof(args), "-i 100ms -- %s 1500 3", fixture_path("exiter"));
	start(100, 30, NULL, args);
	assert_true(wait_for("exiter"));
	assert_true(wait_for("process exited with status 3"));
	assert_non_null(strstr(screen, "showing its last sample"));
	assert_quits_cleanly();
}

/* SIGTERM ends the console cleanly too: exit 0, terminal restored. */
static void test_sigterm_restores_terminal(void **state)
{
	pid_t pid = fixture_start("busy", NULL);
	char args[64];

	(void)state;
	assert_true(pid > 0);
	snprintf(args, sizeof(args), "-p %d", (int)pid);
	start(80, 24, NULL, args);
	snprintf(args, sizeof(args), "PID %d", (int)pid);
	assert_true(wait_for(args));
	assert_true(wait_for("busy"));
	assert_true(wait_for("EscBack")); /* the F-key bar survives the first frames */
	assert_int_equal(system("pkill -TERM -f '^[^ ]*vigil -p'"), 0);
	assert_true(wait_for("EXIT=0"));
	assert_true(wait_for("TTY=")); /* printed just after EXIT */
	assert_non_null(strstr(screen, "TTY=echo"));
	fixture_stop(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filter_attach_resize_quit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_c_locale_is_ascii, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ascii_flag_and_no_color, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_started_command_exit_is_shown, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_restores_terminal, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
