/* SPDX-License-Identifier: MIT */
/* keymap: keys to actions, one const table, and the help drawn from it. */
#ifndef VIGIL_TUI_KEYMAP_H
#define VIGIL_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

/*
 * Runs the action bound to key on the current screen. is_char tells a
 * character (from get_wch's OK) from a function key (KEY_CODE_YES). Returns
 * REACT_* flags.
 */
unsigned keymap_dispatch(struct app *a, int key, bool is_char);
/* Fills out with up to max help lines for a's console; returns how many. */
size_t keymap_help(const struct app *a, struct help_line *out, size_t max);

#endif
