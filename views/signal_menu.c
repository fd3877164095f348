/* SPDX-License-Identifier: MIT */
/*
 * signal_menu: the signal list box (see signal_menu.h). Each line is its
 * number key, the name and what it does; the selected line is reversed.
 */
#include "views/signal_menu.h"

#include <stdio.h>

#include "core/proc_action.h"
#include "views/draw.h"

#define MENU_COLS 44

void signal_menu_draw(WINDOW *w, const struct signal_menu_state *s)
{
	size_t n;
	const struct proc_signal *sig = proc_action_signals(&n);
	int rows = getmaxy(w), cols = getmaxx(w),
	    width = cols < MENU_COLS ? cols : MENU_COLS;
	int y = 0;
	char line[128];

	snprintf(line, sizeof(line), " Send signal to %d %s", s->pid, s->comm);
	wattrset(w, pal(PAL_TITLE) | A_REVERSE);
	put_text(w, y++, 0, width, line, true);
	for (size_t i = 0; i < n && y < rows - 1; i++, y++) {
		wattrset(w, (int)i == s->sel ? pal(PAL_SELECTED) | A_REVERSE
					     : pal(PAL_NORMAL));
		snprintf(line, sizeof(line), " %zu %-5s %s", i + 1, sig[i].name,
			 sig[i].what);
		put_text(w, y, 0, width, line, true);
	}
	if (y < rows) {
		wattrset(w, pal(PAL_DIM) | A_REVERSE);
		put_text(w, y, 0, width, " Enter/1-9: choose   Esc: cancel", true);
	}
	wattrset(w, pal(PAL_NORMAL));
}
