/* SPDX-License-Identifier: MIT */
/*
 * shellout: lends the terminal to another program (strace, lsof) and takes
 * it back, as htop's s and l do. Main thread only: it suspends curses.
 */
#ifndef VIGIL_TUI_SHELLOUT_H
#define VIGIL_TUI_SHELLOUT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds the program name in the absolute directories of PATH; a relative
 * entry ("", ".", "bin") is skipped: vigil runs as root and must never run
 * a ./strace from wherever it was started. true with the path in out.
 */
bool shellout_find(const char *name, char *out, size_t cap);

/*
 * Runs argv (argv[0] a path from shellout_find) in the foreground of the
 * terminal: curses is suspended (def_prog_mode, endwin), banner is printed,
 * the program runs with SIGINT, SIGQUIT and SIGPIPE at their defaults while
 * vigil ignores SIGINT and SIGQUIT (Ctrl-C ends the program, not vigil), and
 * is waited for; then "press Enter to return to vigil" and curses again
 * (reset_prog_mode). The caller repaints the whole screen. result gets
 * "exited with status 0", "ended by SIGINT" or "cannot run: ...". Returns
 * 0 when the program ran (whatever its status), -1 when it could not start.
 */
int shellout_run(char *const argv[], const char *banner, char *result, size_t cap);

#endif
