/* SPDX-License-Identifier: MIT */
/*
 * log: the debug log. Off unless log_open() was given a path (-v or VIGIL_LOG);
 * it never writes to stdout or stderr, which may belong to curses. Safe to call
 * from any thread.
 */
#ifndef VIGIL_CORE_LOG_H
#define VIGIL_CORE_LOG_H

#include <stddef.h>

/*
 * Opens path for appending, through outfile_append: a regular file of this
 * user's, never a symlink, FIFO or device (vigil may run as root with
 * VIGIL_LOG set). Returns 0, or -errno with a reason in err.
 */
int log_open(const char *path, char *err, size_t errlen);
void log_close(void);
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
