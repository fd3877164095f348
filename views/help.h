/* SPDX-License-Identifier: MIT */
/* help: the key reference, drawn from the tui's own key table. */
#ifndef VIGIL_VIEWS_HELP_H
#define VIGIL_VIEWS_HELP_H

#include <curses.h>
#include <stddef.h>

#include "views/model.h"

void help_draw(WINDOW *w, const struct ui_model *m, const struct help_line *lines,
	       size_t n);

#endif
