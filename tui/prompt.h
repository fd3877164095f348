/* SPDX-License-Identifier: MIT */
/*
 * prompt: the console's text prompts, edited in the status line: the
 * process filter (/), the time to jump to (b, replay) and the profile to
 * take (P). One table says for each what it asks, the dim hint its empty
 * line shows, and what Enter does; one table says which keys edit the line
 * (views/lineedit, readline's keys: Left/Right, Home/End, Ctrl-A/Ctrl-E,
 * Backspace/Delete, Ctrl-U, Ctrl-K, Ctrl-W). While a prompt is open every
 * key comes here (tui/keymap); Enter accepts, Esc cancels.
 *
 * Every prompt opens empty, except the filter, which opens on the filter in
 * force so it can be refined; Enter on an empty line does what the hint
 * says (the profile's defaults), or nothing where there is no default.
 * The filter applies as it is typed and Esc puts back the filter in force
 * when / was pressed.
 */
#ifndef VIGIL_TUI_PROMPT_H
#define VIGIL_TUI_PROMPT_H

#include <stdbool.h>

#include "tui/app.h"

/* Opens the prompt kind in the status line. Returns REACT_* flags. */
unsigned prompt_open(struct app *a, enum prompt_kind kind);
/* A key while a prompt is open (is_char as keymap_dispatch). REACT_* flags. */
unsigned prompt_key(struct app *a, int key, bool is_char);
/* Puts the open prompt (label, line, hint) or none into the model for the
 * status line to draw. */
void prompt_show(struct app *a);

#endif
