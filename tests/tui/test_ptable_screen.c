/* SPDX-License-Identifier: MIT */
/*
 * test_ptable_screen: the process table as an htop user drives it, in a real
 * terminal (a private tmux server at 80x24). Two copies of one program run
 * from a long directory with different script arguments, the way two Python
 * services share /usr/bin/python3.11: at 80 columns their command lines read
 * the same until c shows program names; Left/Right bring the tail of a long
 * command line into view; and the mouse, injected as the bytes a terminal
 * sends (the encoding ncurses asked tmux for: SGR or X10), sorts by a
 * clicked header, selects and opens a clicked row, scrolls with the wheel,
 * presses F-key bar keys, and is off with m or --no-mouse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "tmux.h"

#define MARK "vigil-ptable-interpreter"

static char prog[512];
static pid_t alpha, beta;

/* Starts prog with one argument, argv[0] the full path, as a shell would. */
static pid_t start_prog(const char *arg)
{
	int fds[2];
	char line[8] = "";
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		dup2(devnull, 2);
		close(fds[0]);
		close(fds[1]);
		execl(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	if (fixture_count < 64)
		fixture_pids[fixture_count++] = pid;
	close(fds[1]);
	if (read(fds[0], line, sizeof(line) - 1) <= 0 || strncmp(line, "ready", 5))
		pid = -1;
	close(fds[0]);
	return pid;
}

static int setup(void **state)
{
	char *d = temp_dir(), cmd[6144];

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	/* a long directory: 21 columns of COMMAND show nothing past it */
	snprintf(prog, sizeof(prog), "%s/" MARK "-with-a-long-directory/bin/interp", dir);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/" MARK "-with-a-long-directory/bin' && "
		 "cp '%s' '%s'",
		 dir, fixture_path("sleeper"), prog);
	if (system(cmd) != 0)
		return -1;
	alpha = start_prog("/srv/ptable/alpha-job.py");
	beta = start_prog("/srv/ptable/beta-job.py");
	if (alpha <= 0 || beta <= 0)
		return -1;
	tmux_init("ptable");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* vigil with args at 80x24 (env prepended); the pane stays after it exits. */
static void start(const char *env, const char *args)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/run.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s XDG_STATE_HOME='%s' '%s' --no-record -i 200ms %s\n", env, dir,
		vigil_bin(), args);
	fputs("echo EXIT=$?\nstty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?echo' | "
	      "sed 's/^/TTY=/'\nsleep 600\n",
	      f);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 'sh %s'", path), 0);
	assert_true(wait_for("PID USER"));
	/* the first frame sets the header's height (one meter per core): the
	 * table's place on screen is known only after it */
	assert_true(wait_for("Tasks "));
}

/* Keeps only the two programs: filter on the directory they run from. */
static void filter_to_pair(void)
{
	tmux("send-keys -t t /");
	assert_true(wait_for("Filter:"));
	tmux("send-keys -t t -l " MARK);
	tmux("send-keys -t t Enter");
	assert_true(wait_for("filter: " MARK));
}

/* The screen line (0-based) holding needle, or -1. */
static int line_with(const char *needle)
{
	const char *at = strstr(screen, needle);
	int y = 0;

	if (!at)
		return -1;
	for (const char *p = screen; p < at; p++)
		y += *p == '\n';
	return y;
}

/* A tmux format of the pane, such as #{mouse_sgr_flag}. */
static int pane_flag(const char *format)
{
	char cmd[256], out[32] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "tmux -L %s display -p -t t '%s'", tmux_sock, format);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(out, sizeof(out), p))
		out[0] = '\0';
	pclose(p);
	return atoi(out);
}

/* Bytes into the pane as if typed, with no shell between (X10 has quotes). */
static void send_bytes(const char *bytes)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execlp("tmux", "tmux", "-L", tmux_sock, "send-keys", "-t", "t", "-l",
		       bytes, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
}

/*
 * Button b at screen (x, y), 0-based, in the encoding ncurses asked for:
 * SGR (xterm's 1006) or X10; buttons below 64 are pressed and released,
 * 64 and 65 are the wheel (no release).
 */
static void mouse(int b, int x, int y)
{
	char s[64];

	if (pane_flag("#{mouse_sgr_flag}") == 1) {
		int n = snprintf(s, sizeof(s), "\033[<%d;%d;%dM", b, x + 1, y + 1);

		if (b < 64)
			snprintf(s + n, sizeof(s) - (size_t)n, "\033[<%d;%d;%dm", b,
				 x + 1, y + 1);
	} else {
		snprintf(s, sizeof(s), "\033[M%c%c%c", 32 + b, 33 + x, 33 + y);
		if (b < 64)
			snprintf(s + 6, sizeof(s) - 6, "\033[M%c%c%c", 32 + 3, 33 + x,
				 33 + y);
	}
	send_bytes(s);
}

/* Clicks the first place needle shows on screen. */
static void click_on(const char *needle)
{
	int y = line_with(needle), x;
	const char *line = screen;

	assert_true(y >= 0);
	for (int i = 0; i < y; i++)
		line = strchr(line, '\n') + 1;
	x = (int)(strstr(line, needle) - line);
	mouse(0, x, y);
}

static void assert_quits_cleanly(void)
{
	assert_true(wait_for("EXIT=0"));
	assert_true(wait_for("TTY="));
	assert_non_null(strstr(screen, "TTY=echo"));
}

/* c: the two programs read apart; C sorts by what COMMAND shows. */
static void test_program_names_tell_them_apart(void **state)
{
	(void)state;
	start("", "");
	filter_to_pair();
	sleep_ms(600); /* a few ticks: both rows are there if they will be */
	capture(false);
	/* full command lines: the long directory fills the column in both */
	assert_true(line_with(MARK) >= 0);
	assert_null(strstr(screen, "alpha-job"));
	assert_null(strstr(screen, "beta-job"));
	tmux("send-keys -t t c");
	assert_true(wait_for("interp alpha-job.py"));
	assert_true(wait_for("interp beta-job.py"));
	assert_non_null(strstr(screen, "names"));
	tmux("send-keys -t t C");
	assert_true(wait_for("sort NAME asc"));
	assert_true(line_with("alpha-job") < line_with("beta-job"));
	tmux("send-keys -t t I");
	assert_true(wait_for("sort NAME desc"));
	assert_true(line_with("beta-job") < line_with("alpha-job"));
	tmux("send-keys -t t c"); /* back to full command lines */
	assert_true(wait_gone("interp alpha-job.py"));
	tmux("send-keys -t t q");
	assert_quits_cleanly();
}

/* Right shows the end of a long command line, Left goes back. */
static void test_scroll_shows_the_tail(void **state)
{
	(void)state;
	start("", "");
	filter_to_pair();
	for (int i = 0; i < 20; i++) /* more than enough: it stops at the end */
		tmux("send-keys -t t Right");
	assert_true(wait_for("alpha-job.py"));
	assert_true(wait_for("beta-job.py"));
	assert_true(wait_for("COMMAND (+"));
	for (int i = 0; i < 20; i++)
		tmux("send-keys -t t Left");
	assert_true(wait_gone("COMMAND (+"));
	assert_true(wait_gone("alpha-job.py"));
	tmux("send-keys -t t q");
	assert_quits_cleanly();
}

/* The first process row's pid (the line under the header). */
static int first_row_pid(void)
{
	int y = line_with("PID USER");
	const char *line = screen;

	assert_true(y >= 0);
	for (int i = 0; i <= y; i++)
		line = strchr(line, '\n') + 1;
	return atoi(line);
}

/* Header and row clicks, the wheel and the F-key bar, in one encoding. */
static void drive_with_mouse(const char *env)
{
	char pid_text[32];
	int first;

	start(env, "");
	assert_int_equal(pane_flag("#{mouse_standard_flag}"), 1);
	capture(false);
	click_on("PID USER");
	assert_true(wait_for("sort PID asc"));
	click_on("  PID USER"); /* again: the other way round */
	assert_true(wait_for("sort PID desc"));
	click_on("CPU%");
	assert_true(wait_for("sort CPU desc"));
	/* the wheel: ten notches down move the list off its first row */
	click_on("PID USER");
	assert_true(wait_for("sort PID asc"));
	tmux("send-keys -t t Home"); /* the selection was kept: back to the top */
	for (int i = 0; i < 200 && first_row_pid() > 10; i++, capture(false))
		sleep_ms(50);
	first = first_row_pid();
	for (int i = 0; i < 10; i++)
		mouse(65, 10, 12);
	for (int i = 0; i < 200 && first_row_pid() == first; i++, capture(false))
		sleep_ms(50);
	assert_true(first_row_pid() != first);
	for (int i = 0; i < 10; i++)
		mouse(64, 10, 12);
	for (int i = 0; i < 200 && first_row_pid() != first; i++, capture(false))
		sleep_ms(50);
	assert_int_equal(first_row_pid(), first);
	/* a click selects beta, a second click on it opens it */
	filter_to_pair();
	tmux("send-keys -t t c");
	assert_true(wait_for("interp beta-job.py"));
	click_on("interp beta-job.py");
	sleep_ms(300); /* the same row again, as a double click would */
	click_on("interp beta-job.py");
	snprintf(pid_text, sizeof(pid_text), "PID %d", (int)beta);
	assert_true(wait_for(pid_text));
	/* the F-key bar: Esc goes back, F10 quits */
	assert_true(wait_for("EscBack"));
	click_on("EscBack");
	assert_true(wait_for("PID USER"));
	click_on("F10Quit");
	assert_quits_cleanly();
}

static void test_mouse_sgr(void **state)
{
	(void)state;
	drive_with_mouse("TERM=xterm-256color");
}

static void test_mouse_x10(void **state)
{
	(void)state;
	drive_with_mouse("TERM=screen");
}

/* m gives the mouse back to the terminal; --no-mouse never takes it. */
static void test_mouse_off(void **state)
{
	(void)state;
	start("TERM=xterm-256color", "");
	assert_int_equal(pane_flag("#{mouse_standard_flag}"), 1);
	tmux("send-keys -t t m");
	assert_true(wait_for("mouse off"));
	assert_int_equal(pane_flag("#{mouse_standard_flag}"), 0);
	tmux("send-keys -t t m");
	assert_true(wait_for("mouse on"));
	assert_int_equal(pane_flag("#{mouse_standard_flag}"), 1);
	tmux("send-keys -t t q");
	assert_quits_cleanly();
	tmux("kill-server");
	tmux_init("ptable"); /* a new server: the old one may still be going */
	start("TERM=xterm-256color", "--no-mouse");
	/* the terminal is never asked: clicks stay the terminal's own */
	assert_int_equal(pane_flag("#{mouse_standard_flag}"), 0);
	assert_int_equal(pane_flag("#{mouse_any_flag}"), 0);
	tmux("send-keys -t t m");
	assert_true(wait_for("mouse on"));
	assert_int_equal(pane_flag("#{mouse_standard_flag}"), 1);
	tmux("send-keys -t t q");
	assert_quits_cleanly();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_program_names_tell_them_apart, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scroll_shows_the_tail, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mouse_sgr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse_x10, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse_off, setup, teardown),
	};

	return cmocka_run_group_tests_name("ptable", tests, NULL, NULL);
}
