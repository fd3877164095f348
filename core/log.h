/* SPDX-License-Identifier: MIT */
/*
 * log: the debug log. Off unless log_open() was given a path (-v or VIGIL_LOG);
 * it never writes to stdout or stderr, which may belong to curses. Safe to call
 * from any thread.
 */
#ifndef VIGIL_CORE_LOG_H
#define VIGIL_CORE_LOG_H

/* Opens path for appending. Returns 0 or -errno. */
int log_open(const char *path);
void log_close(void);
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
