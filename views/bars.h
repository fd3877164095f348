/* SPDX-License-Identifier: MIT */
/*
 * bars: the two bottom lines of every screen. The status line tells what is
 * being recorded and to where, drops, the sort and filter, and transient
 * messages; the F-key bar lists the keys of the current screen, htop-style.
 */
#ifndef VIGIL_VIEWS_BARS_H
#define VIGIL_VIEWS_BARS_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "views/model.h"

struct fkey {
	const char *key;   /* "F1" */
	const char *label; /* "Help" */
};

void status_draw(WINDOW *w, const struct ui_model *m, enum ui_screen screen,
		 const struct overview_state *ov);
void fkeys_draw(WINDOW *w, const struct fkey *keys, size_t n);
/* Which of keys fkeys_draw put at column x, or -1 (past the last one). */
long fkeys_at(const struct fkey *keys, size_t n, int x);
/*
 * The key a click on an F-key bar entry presses: "F1".."F12" the function
 * key (*is_char false), "Enter", "Esc", "Tab", "Space" those characters,
 * anything else its first character ("t/T": t).
 */
int fkey_code(const char *key, bool *is_char);

#endif
