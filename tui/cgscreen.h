/* SPDX-License-Identifier: MIT */
/*
 * cgscreen: the key actions of the cgroup screen and of the process table's
 * CGROUP column, in the shape of tui/keymap's bindings (app, key, arg ->
 * REACT_* flags). They change view state only; views/cgroup_view draws.
 */
#ifndef VIGIL_TUI_CGSCREEN_H
#define VIGIL_TUI_CGSCREEN_H

#include "tui/app.h"

/* o: the cgroup screen, again: back where it was opened. */
unsigned cgscreen_toggle(struct app *a, int key, int arg);
/* Enter: the overview, listing only the selected cgroup's processes (Esc
 * there lists them all again); Enter on one of them attaches as ever. */
unsigned cgscreen_enter(struct app *a, int key, int arg);
/* P M (CPU, memory), F6 (the next column), I (name order). */
unsigned cgscreen_sort(struct app *a, int key, int arg);
/* The cursor, by the step keymap worked out for key. */
unsigned cgscreen_move(struct app *a, long step);
/* O: the process table's CGROUP column on and off. */
unsigned cgscreen_column(struct app *a, int key, int arg);

#endif
