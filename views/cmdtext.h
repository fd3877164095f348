/* SPDX-License-Identifier: MIT */
/*
 * cmdtext: the text the process table shows in its COMMAND column, and sorts
 * by. Two ways to show a command:
 * - CMDTEXT_FULL: the command line as read (args joined by spaces);
 * - CMDTEXT_NAME: program names, the way top's `c` and htop without "show
 *   program path" read: the directory of the program (the first word) is
 *   dropped, and so is the directory of every argument that is an absolute
 *   or explicitly relative path ("/x/y", "./y", "../y", "~/y", also after
 *   "--opt="). "/usr/bin/python3.11 /srv/app/worker.py --port 80" shows as
 *   "python3.11 worker.py --port 80", so two scripts run by one interpreter
 *   are told apart in a narrow column. A word with ':' (a class path, a URL)
 *   or ending in '/' is kept whole; so is every other word
 *   ("sshd: root@pts/0" stays as it is).
 * Both show a process without a command line (a kernel thread, a zombie) as
 * ps does: "[comm]". Pure: no curses, no allocation.
 */
#ifndef VIGIL_VIEWS_CMDTEXT_H
#define VIGIL_VIEWS_CMDTEXT_H

#include <stddef.h>

#include "core/frame.h"

enum cmdtext_mode { CMDTEXT_FULL, CMDTEXT_NAME };

/* Enough for any shown text: a command line is read up to 4 KiB. */
#define CMDTEXT_MAX 4352

/*
 * The text to show for r in mode: either r->cmdline itself (borrowed from
 * r) or buf (len bytes, filled, NUL-terminated, cut at len - 1 bytes).
 */
const char *cmdtext_of(const struct proc_row *r, enum cmdtext_mode mode, char *buf,
		       size_t len);

/*
 * s shortened as CMDTEXT_NAME says into buf (len bytes, NUL-terminated, cut
 * at len - 1 bytes); returns buf.
 */
char *cmdtext_names(const char *s, char *buf, size_t len);

#endif
