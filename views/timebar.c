/* SPDX-License-Identifier: MIT */
/* timebar: one line that says where in the recording the screens are. */
#include "views/timebar.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/duration.h"
#include "views/draw.h"

static const char *state_text(const struct ui_timebar *tb, char *buf, size_t len)
{
	if (tb->follow)
		snprintf(buf, len, "LIVE");
	else if (tb->playing)
		snprintf(buf, len, "> %gx", tb->speed);
	else
		snprintf(buf, len, "|| %gx", tb->speed);
	return buf;
}

/* [----o-----] across width cells: the cursor's place in the span. */
static void draw_span(WINDOW *w, int x, int width, const struct ui_timebar *tb,
		      bool ascii)
{
	int inner = width - 2, at;
	int64_t span = tb->last_ms - tb->first_ms;

	if (inner < 3)
		return;
	at = span > 0 ? (int)((tb->cursor_ms - tb->first_ms) * (inner - 1) / span)
		      : inner - 1;
	wattrset(w, pal(PAL_DIM));
	mvwaddch(w, 0, x, '[');
	for (int i = 0; i < inner; i++)
		mvwaddch(w, 0, x + 1 + i, i < at ? '=' : '-');
	mvwaddch(w, 0, x + 1 + inner, ']');
	wattrset(w, pal(PAL_TITLE));
	if (ascii)
		mvwaddch(w, 0, x + 1 + at, 'o');
	else
		put_text(w, 0, x + 1 + at, 1, "\xe2\x97\x8f", false); /* U+25CF */
	wattrset(w, pal(PAL_NORMAL));
}

void timebar_draw(WINDOW *w, const struct ui_model *m)
{
	const struct ui_timebar *tb = &m->timebar;
	int cols = getmaxx(w), x;
	char state[40], when[64], zoom[16], line[192];
	time_t t;
	struct tm tm;

	werase(w);
	if (!m->replay)
		return;
	t = (time_t)(tb->cursor_ms / 1000);
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z (UTC%z)", &tm);
	duration_format(m->zoom_ms, zoom, sizeof(zoom));
	wattrset(w, tb->follow ? pal(PAL_BAD) : pal(PAL_FKEY));
	x = put_text(w, 0, 0, cols, state_text(tb, state, sizeof(state)), false);
	wattrset(w, pal(PAL_NORMAL));
	snprintf(line, sizeof(line), "  %s  #%llu/%llu  zoom %s  ", when,
		 (unsigned long long)tb->index, (unsigned long long)tb->ticks, zoom);
	x += put_text(w, 0, x, cols - x, line, false);
	if (cols - x >= 8)
		draw_span(w, x, cols - x, tb, m->ascii);
}
