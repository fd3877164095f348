/* SPDX-License-Identifier: MIT */
/* bars: status line and F-key bar. */
#include "views/bars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "views/draw.h"
#include "views/lineedit.h"

static const char *const sort_names[PROCLIST_SORT_N] = {
	[PROCLIST_SORT_CPU] = "CPU",
	[PROCLIST_SORT_MEM] = "MEM",
	[PROCLIST_SORT_PID] = "PID",
	[PROCLIST_SORT_NAME] = "NAME",
};

/*
 * The prompt's line in the field [x, x + width): scrolled so the cursor
 * shows, the cursor a reversed cell; an empty line shows the hint, dim,
 * under the cursor.
 */
static void draw_prompt_line(WINDOW *w, int x, int width, const struct line_edit *e,
			     const char *hint)
{
	size_t start;
	int cx;

	if (width < 1)
		return;
	if (!e || !e->len) {
		wattrset(w, pal(PAL_DIM));
		put_text(w, 0, x, width, hint ? hint : "", false);
		mvwchgat(w, 0, x, 1, A_REVERSE, 0, NULL);
		wattrset(w, pal(PAL_NORMAL));
		return;
	}
	start = line_edit_view_start(e, width);
	wattrset(w, pal(PAL_NORMAL));
	put_text(w, 0, x, width, e->text + start, false);
	cx = x + line_edit_width(e, start, e->cursor);
	if (cx < x + width)
		mvwchgat(w, 0, cx, 1, A_REVERSE, 0, NULL);
}

/*
 * "target 1234 nginx  ": the process that the leaks screen, a (its alerts) and the
 * target screen's keys act on, named on the screens where nothing else
 * names it (the target screen's title does; a profile names its own pid).
 * Returns the columns used.
 */
static int draw_target(WINDOW *w, int x, int cols, const struct ui_model *m,
		       enum ui_screen screen)
{
	const struct target_sample *t = m->cur ? m->cur->target : NULL;
	char line[128];

	if (screen == UI_TARGET || screen == UI_PROFILE || screen == UI_PROFILES ||
	    x >= cols)
		return 0;
	if (m->attaching_pid)
		snprintf(line, sizeof(line), "target %d (attaching)  ", m->attaching_pid);
	else if (t)
		snprintf(line, sizeof(line), "target %d %s%s  ", t->pid,
			 t->comm[0] ? t->comm : "?", t->alive ? "" : " (gone)");
	else if (screen == UI_LEAKS)
		snprintf(line, sizeof(line), "no target: Enter on a process attaches  ");
	else
		return 0;
	wattrset(w, pal(PAL_TITLE));
	x = put_text(w, 0, x, cols - x, line, false);
	wattrset(w, pal(PAL_STATUS));
	return x;
}

void status_draw(WINDOW *w, const struct ui_model *m, enum ui_screen screen,
		 const struct overview_state *ov)
{
	int cols = getmaxx(w), x = 0;
	char size[16], line[512];

	werase(w);
	if (m->prompt_label) {
		wattrset(w, pal(PAL_FKEY));
		x = put_text(w, 0, 0, cols, m->prompt_label, false);
		draw_prompt_line(w, x, cols - x, m->prompt_line, m->prompt_hint);
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
	/* the badge, on every screen: alerts firing that nobody acknowledged
	 * (acknowledged ones are counted on the alerts screen) */
	if (m->alerts_firing) {
		wattrset(w, pal(PAL_BAD) | A_REVERSE);
		snprintf(line, sizeof(line), " ALERT %zu ", m->alerts_firing);
		x = put_text(w, 0, 0, cols, line, false) + 1;
	}
	wattrset(w, pal(PAL_STATUS));
	x += draw_target(w, x, cols, m, screen);
	if (screen == UI_OVERVIEW) {
		snprintf(line, sizeof(line), "sort %s %s%s%s%s%s  ",
			 sort_names[ov->opts.sort], ov->opts.descending ? "desc" : "asc",
			 ov->opts.tree ? "  tree" : "",
			 ov->opts.command == CMDTEXT_NAME ? "  names" : "",
			 ov->filter[0] ? "  filter: " : "", ov->filter);
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

long fkeys_at(const struct fkey *keys, size_t n, int x)
{
	int end = 0;

	/* as fkeys_draw lays them out: the key, then its label; ASCII only */
	for (size_t i = 0; i < n && x >= 0; i++) {
		end += (int)(strlen(keys[i].key) + strlen(keys[i].label));
		if (x < end)
			return (long)i;
	}
	return -1;
}

int fkey_code(const char *key, bool *is_char)
{
	static const struct {
		const char *name;
		int code;
	} named[] = {{"Enter", '\r'}, {"Esc", 27}, {"Tab", '\t'}, {"Space", ' '}};

	*is_char = true;
	if (key[0] == 'F' && key[1] >= '1' && key[1] <= '9') {
		int f = atoi(key + 1);

		if (f >= 1 && f <= 12) {
			*is_char = false;
			return KEY_F(f);
		}
	}
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcmp(key, named[i].name))
			return named[i].code;
	return (unsigned char)key[0];
}
