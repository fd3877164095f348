/* SPDX-License-Identifier: MIT */
/*
 * bars: the two bottom lines of every screen. The status line tells what is
 * being recorded and to where, drops, the sort and filter, and transient
 * messages; the F-key bar lists the keys of the current screen, htop-style.
 */
#ifndef VIGIL_VIEWS_BARS_H
#define VIGIL_VIEWS_BARS_H

#include <curses.h>
#include <stddef.h>

#include "views/model.h"

struct fkey {
	const char *key;   /* "F1" */
	const char *label; /* "Help" */
};

void status_draw(WINDOW *w, const struct ui_model *m, enum ui_screen screen,
		 const struct overview_state *ov);
void fkeys_draw(WINDOW *w, const struct fkey *keys, size_t n);

#endif
