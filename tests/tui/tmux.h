/* SPDX-License-Identifier: MIT */
/*
 * tmux: what the terminal tests share. Each test binary runs its own tmux
 * server (socket tmux_sock) with one session "t"; keys go in with send-keys,
 * the screen comes back with capture-pane. Waits poll for text, bounded at
 * 10 s; nothing asserts a timing. Header-only, like ../integration/harness.h.
 */
#ifndef VIGIL_TESTS_TMUX_H
#define VIGIL_TESTS_TMUX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../integration/harness.h"

static char tmux_sock[64];
static char screen[65536]; /* the last capture */
static char dir[128];	   /* the test's scratch directory (tmux_begin) */

/*
 * A private server per test, so parallel runs never meet and a test never
 * talks to the previous test's server while it is still shutting down
 * (kill-server returns before the server has gone).
 */
static inline void tmux_init(const char *name)
{
	static int n;
	static char base[32];

	if (name)
		snprintf(base, sizeof(base), "%s", name);
	snprintf(tmux_sock, sizeof(tmux_sock), "vigil-%s-%d-%d", base, (int)getpid(),
		 n++);
}

static inline int tmux(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A test's start: its scratch directory in dir and its own tmux server.
 * 0, or -1 when the directory could not be made. */
static inline int tmux_begin(const char *name)
{
	char *d = temp_dir();

	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	tmux_init(name);
	return 0;
}

/* A test's end: its fixtures stopped, its server gone, dir removed. */
static inline int tmux_end(void)
{
	char cmd[256];

	fixtures_stop_all();
	tmux("kill-server");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}
/* Runs one tmux command on the test's server; its status. What tmux said
 * on a failure goes to stderr, so the failure is explained. */
static inline int tmux(const char *fmt, ...)
{
	char args[4096], cmd[4600], errpath[160];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	/* before a scratch directory exists, tmux's words are dropped as before */
	snprintf(errpath, sizeof(errpath), "%s", dir[0] ? dir : "/dev/null");
	if (dir[0])
		strncat(errpath, "/.tmux-err", sizeof(errpath) - strlen(errpath) - 1);
	snprintf(cmd, sizeof(cmd), "tmux -L %s %s >/dev/null 2>'%s'", tmux_sock, args,
		 errpath);
	rc = system(cmd);
	if (rc != 0 && strcmp(args, "kill-server")) {
		char said[512] = "";
		FILE *f = dir[0] ? fopen(errpath, "r") : NULL;

		if (f) {
			said[fread(said, 1, sizeof(said) - 1, f)] = '\0';
			fclose(f);
		}
		fprintf(stderr, "--- tmux %s: status %d: %s\n", args, rc, said);
	}
	return rc;
}

/* The session's end within a test that starts another: its server killed
 * and a fresh socket for the next (a new session on the old socket can meet
 * the old server on its way out and fail). */
static inline void tmux_restart(void)
{
	tmux("kill-server");
	tmux_init(NULL);
}

/* The visible screen (with escape sequences when esc) into screen[]. */
static inline const char *capture(bool esc)
{
	char cmd[256];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "tmux -L %s capture-pane -p %s -t t 2>/dev/null",
		 tmux_sock, esc ? "-e" : "");
	screen[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return screen;
	n = fread(screen, 1, sizeof(screen) - 1, p);
	screen[n] = '\0';
	pclose(p);
	return screen;
}

/* Polls the screen until needle shows (true) or 10 s pass (false). */
static inline bool wait_for(const char *needle)
{
	for (int i = 0; i < 200; i++) {
		if (strstr(capture(false), needle))
			return true;
		sleep_ms(50);
	}
	fprintf(stderr, "--- waited for '%s'; screen was:\n%s---\n", needle, screen);
	return false;
}

/* Waits for either of two texts (what differs between hosts, e.g. v1 and v2
 * cgroups); true when one shows. */
static inline bool wait_for_either(const char *a, const char *b)
{
	for (int i = 0; i < 200; i++) {
		capture(false);
		if (strstr(screen, a) || strstr(screen, b))
			return true;
		sleep_ms(50);
	}
	fprintf(stderr, "--- waited for '%s' or '%s'; screen was:\n%s---\n", a, b,
		screen);
	return false;
}

static inline bool wait_gone(const char *needle)
{
	for (int i = 0; i < 200; i++) {
		if (!strstr(capture(false), needle))
			return true;
		sleep_ms(50);
	}
	return false;
}

#endif
