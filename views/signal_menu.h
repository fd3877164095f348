/* SPDX-License-Identifier: MIT */
/*
 * signal_menu: the list of signals k and F9 offer (core/proc_action.h's
 * table), drawn as a box over the top left of the main panel, htop-style,
 * with the process it is for. The confirmation that follows is a question
 * in the status line, not drawn here.
 */
#ifndef VIGIL_VIEWS_SIGNAL_MENU_H
#define VIGIL_VIEWS_SIGNAL_MENU_H

#include <curses.h>

#include "core/frame.h"

struct signal_menu_state {
	int sel; /* index into proc_action_signals() */
	int pid;
	char comm[FRAME_COMM_MAX];
};

/* Draws the menu over w (the rest of w is left as it is). */
void signal_menu_draw(WINDOW *w, const struct signal_menu_state *s);

#endif
