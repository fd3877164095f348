/* SPDX-License-Identifier: MIT */
/*
 * help: every key the console knows (help texts stay within 58 columns so
 * they fit beside the key column at 80), listed from the same table that
 * dispatches them (so the help cannot drift from the behaviour), plus what
 * the colours, the CPU figures and the status line mean.
 */
#include "views/help.h"

#include "views/draw.h"

void help_draw(WINDOW *w, const struct ui_model *m, const struct help_line *lines,
	       size_t n)
{
	int rows = getmaxy(w), cols = getmaxx(w), y = 0;

	werase(w);
	wattrset(w, pal(PAL_TITLE));
	put_textf(w, y++, 0, cols, "vigil %s - keys", VIGIL_VERSION);
	wattrset(w, pal(PAL_NORMAL));
	y++;
	/* the keys come first; the legend and the session line get what is left */
	for (size_t i = 0; i < n && y < rows - 1; i++, y++) {
		wattrset(w, pal(PAL_FKEY));
		put_text(w, y, 1, 20, lines[i].keys, true);
		wattrset(w, pal(PAL_NORMAL));
		put_words(w, y, 22, cols - 22, lines[i].what, false);
	}
	/* a blank line before the four legend lines only if they all fit */
	if (y + 4 < rows - 1)
		y++;
	if (y < rows - 2) {
		put_text(w, y++, 1, cols - 1, "CPU meters: ", false);
		wattrset(w, pal(PAL_METER_USER));
		put_text(w, y - 1, 13, 5, "user", false);
		wattrset(w, pal(PAL_METER_SYS));
		put_text(w, y - 1, 19, 7, "system", false);
		wattrset(w, pal(PAL_METER_OTHER));
		put_text(w, y - 1, 27, cols - 27, "steal (memory: cache)", false);
		wattrset(w, pal(PAL_NORMAL));
	}
	/* the two CPU conventions, as top: a process's share of one core, the
	 * machine's share of all its cores */
	if (y < rows - 2)
		put_text(w, y++, 1, cols - 1,
			 "CPU% of one core (100 = one core busy); CPU all: 100 = every "
			 "core busy",
			 false);
	if (y < rows - 2)
		put_words(w, y++, 1, cols - 1,
			  "Graphs: from 0 to the top written at their right, over the "
			  "window under it",
			  false);
	if (y < rows - 1 && m->replay)
		put_text(w, y++, 1, cols - 1,
			 "replay: the session file is only read, never changed", false);
	else if (y < rows - 1 && m->session_path)
		put_textf(w, y++, 1, cols - 1, "REC: every sample is written to %s",
			  m->session_path);
	else if (y < rows - 1)
		put_text(w, y++, 1, cols - 1, "not recording (--no-record)", false);
	wattrset(w, pal(PAL_DIM));
	put_text(w, rows - 1, 1, cols - 1, "Esc, q or h: back", false);
	wattrset(w, pal(PAL_NORMAL));
}
