/* SPDX-License-Identifier: MIT */
/*
 * io_view: the overview's line of system I/O, as atop's DSK and NET lines
 * in one: disk read and write per second over the whole disks, the busiest
 * disk's utilisation, and network receive and send per second over the
 * interfaces but lo. The figures are core/iorates.h's over the model's two
 * newest frames, live or replayed alike.
 */
#ifndef VIGIL_VIEWS_IO_VIEW_H
#define VIGIL_VIEWS_IO_VIEW_H

#include <curses.h>
#include <stddef.h>

#include "core/frame.h"
#include "core/iorates.h"

/*
 * The line's text for r in at most cols columns (the long form when it
 * fits, else a compact one; put_text cuts what still does not), into buf.
 * Unknown figures (first tick, unreadable file, a counter that went
 * backwards) read "-".
 */
void io_view_text(const struct io_rates *r, int cols, char *buf, size_t len);

/* Draws the line at row y of w, cols wide; prev and cur may be NULL. */
void io_view_draw(WINDOW *w, int y, int cols, const struct frame *prev,
		  const struct frame *cur);

#endif
