/* SPDX-License-Identifier: MIT */
/*
 * leaks_view: the leak suspects screen (key l), as it was at the time shown.
 * The process's verdict on top; then the suspects stored with it, ranked
 * (the process and the regions of its address space whose resident
 * anonymous memory keeps rising); then the largest regions of the latest
 * smaps reading. Suspect and region rows share one selection; Enter on a
 * region opens its history (views/mapping_view).
 */
#ifndef VIGIL_VIEWS_LEAKS_VIEW_H
#define VIGIL_VIEWS_LEAKS_VIEW_H

#include <curses.h>
#include <stdint.h>

#include "views/model.h"

/* Draws the list into w, st->cur clamped as leaks_clamp does (st unchanged). */
void leaks_draw(WINDOW *w, const struct ui_model *m, const struct leaks_state *st);
/*
 * Keeps st->cur valid for m in a window of window_rows: the selection on a
 * row, and that row (with its heading, when there is room) in view. The
 * list has headings between its rows, so top counts lines, not rows.
 */
void leaks_clamp(const struct ui_model *m, struct leaks_state *st, int window_rows);

/* Selectable rows: the suspects, then the regions. */
long leaks_rows(const struct ui_model *m);

/*
 * The region behind row `row` (a mapping suspect or a region): its id into
 * *id, and its name and kind (borrowed from m). NULL when the row is the
 * process or out of range.
 */
const char *leaks_row_region(const struct ui_model *m, long row, int64_t *id,
			     const char **kind);

#endif
