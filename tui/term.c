/* SPDX-License-Identifier: MIT */
/*
 * term: curses setup/teardown and signal-to-pipe plumbing. Only this file
 * installs signal handlers for the console; they touch nothing but atomics
 * and the pipe.
 */
#include "tui/term.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "views/draw.h"

static int wake_pipe[2] = {-1, -1};
static atomic_uint pending;
static bool active;

bool term_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

static void post(unsigned ev)
{
	int saved = errno;

	atomic_fetch_or(&pending, ev);
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], "", 1) < 0) {
		/* full pipe: the loop is already due to wake */
	}
	errno = saved;
}

static void on_signal(int sig)
{
	post(sig == SIGCHLD ? TERM_EV_CHILD : TERM_EV_QUIT);
}

void term_wake(void)
{
	post(TERM_EV_WAKE);
}

int term_wake_fd(void)
{
	return wake_pipe[0];
}

unsigned term_take_events(void)
{
	char sink[256];

	while (read(wake_pipe[0], sink, sizeof(sink)) > 0)
		;
	return atomic_exchange(&pending, 0);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP; /* no SA_RESTART: poll() must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
}

void term_start(bool color)
{
	if (wake_pipe[0] < 0 && pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		fatal("cannot create the wake pipe: %s", strerror(errno));
	install_signals();
	if (!initscr())
		fatal("cannot initialise the terminal (is TERM set?)");
	active = true;
	fatal_set_hook(term_stop);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	color = color && has_colors();
	if (color) {
		start_color();
		use_default_colors();
	}
	draw_palette_init(color);
}

void term_mouse(bool on)
{
	/* a click is acted on when the button is released, as htop does: the
	 * release is the last byte the terminal sends for it, so nothing is
	 * left over for the shell when the click quits; no click resolution
	 * (mouseinterval 0), so nothing waits to see whether a second comes */
	mouseinterval(0);
	mousemask(on ? BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED : 0, NULL);
}

void term_stop(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
}
