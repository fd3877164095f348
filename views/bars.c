/* SPDX-License-Identifier: MIT */
/* bars: status line and F-key bar. */
#include "views/bars.h"

#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "views/draw.h"

static const char *const sort_names[PROCLIST_SORT_N] = {
	[PROCLIST_SORT_CPU] = "CPU",
	[PROCLIST_SORT_MEM] = "MEM",
	[PROCLIST_SORT_PID] = "PID",
	[PROCLIST_SORT_NAME] = "NAME",
};

void status_draw(WINDOW *w, const struct ui_model *m, enum ui_screen screen,
		 const struct overview_state *ov)
{
	int cols = getmaxx(w), x = 0;
	char size[16], line[512];

	werase(w);
	if (m->prompt_label) {
		wattrset(w, pal(PAL_FKEY));
		x = put_text(w, 0, 0, cols, m->prompt_label, false);
		wattrset(w, pal(PAL_NORMAL));
		x += put_text(w, 0, x, cols - x, m->prompt_text, false);
		if (x < cols)
			mvwaddch(w, 0, x, '_' | A_BLINK);
		return;
	}
	if (m->capture_text[0] && !m->message[0]) {
		wattrset(w, pal(PAL_WARN));
		put_text(w, 0, 0, cols, m->capture_text, true);
		wattrset(w, pal(PAL_NORMAL));
		return;
	}
	if (m->message[0]) {
		wattrset(w, pal(m->message_is_error ? PAL_BAD : PAL_WARN));
		put_text(w, 0, 0, cols, m->message, false);
		wattrset(w, pal(PAL_NORMAL));
		return;
	}
	if (m->alerts_firing) { /* the badge, on every screen */
		wattrset(w, pal(PAL_BAD) | A_REVERSE);
		snprintf(line, sizeof(line), " ALERT %zu ", m->alerts_firing);
		x = put_text(w, 0, 0, cols, line, false) + 1;
	}
	wattrset(w, pal(PAL_STATUS));
	if (screen == UI_OVERVIEW) {
		snprintf(line, sizeof(line), "sort %s %s%s%s%s  ",
			 sort_names[ov->opts.sort], ov->opts.descending ? "desc" : "asc",
			 ov->opts.tree ? "  tree" : "", ov->filter[0] ? "  filter: " : "",
			 ov->filter);
		x += put_text(w, 0, x, cols - x, line, false);
	}
	if (m->dropped || m->failed) {
		wattrset(w, pal(PAL_BAD));
		snprintf(line, sizeof(line), "%llu ticks not written  ",
			 (unsigned long long)(m->dropped + m->failed));
		x += put_text(w, 0, x, cols - x, line, false);
	}
	if (m->session_path) { /* right-aligned; the full path is on the help screen */
		const char *base = strrchr(m->session_path, '/');
		int len;

		snprintf(line, sizeof(line), "REC %s (%s)",
			 base ? base + 1 : m->session_path,
			 units_bytes_short((double)m->session_bytes, size, sizeof(size)));
		len = (int)strlen(line);
		if (x + len <= cols) {
			wattrset(w, pal(PAL_BAD));
			put_text(w, 0, cols - len, 3, "REC", false);
			wattrset(w, pal(PAL_STATUS));
			put_text(w, 0, cols - len + 3, len - 3, line + 3, false);
		}
	}
	wattrset(w, pal(PAL_NORMAL));
}

void fkeys_draw(WINDOW *w, const struct fkey *keys, size_t n)
{
	int cols = getmaxx(w), x = 0;

	werase(w);
	for (size_t i = 0; i < n && x < cols; i++) {
		/* a key with its label whole, or not at all ("Ente") */
		if (x + (int)strlen(keys[i].key) + (int)strlen(keys[i].label) > cols)
			break;
		wattrset(w, pal(PAL_FKEY));
		x += put_text(w, 0, x, cols - x, keys[i].key, false);
		wattrset(w, pal(PAL_FKEY_LABEL));
		if (x < cols)
			x += put_text(w, 0, x, cols - x, keys[i].label, false);
	}
	wattrset(w, pal(PAL_FKEY_LABEL));
	while (x < cols)
		mvwaddch(w, 0, x++, ' ');
	wattrset(w, pal(PAL_NORMAL));
}
