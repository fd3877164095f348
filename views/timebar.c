/* SPDX-License-Identifier: MIT */
/* timebar: one line that says where in the recording the screens are. */
#include "views/timebar.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/duration.h"
#include "views/draw.h"

/* LIVE only while following a recording still being written; a closed one
 * has an END instead. */
static const char *state_text(const struct ui_timebar *tb, char *buf, size_t len)
{
	if (tb->follow && !tb->closed)
		snprintf(buf, len, "LIVE");
	else if (tb->closed && tb->cursor_ms >= tb->last_ms)
		snprintf(buf, len, "END");
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

/* "HH:MM:SS" of t_ms in the host's zone. */
static void clock_text(int64_t t_ms, char *buf, size_t len)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

void timebar_draw(WINDOW *w, const struct ui_model *m)
{
	const struct ui_timebar *tb = &m->timebar;
	int cols = getmaxx(w), x;
	char state[40], when[64], zoom[16], from[16], to[16], line[192];
	time_t t;
	struct tm tm;

	werase(w);
	if (!m->replay)
		return;
	t = (time_t)(tb->cursor_ms / 1000);
	localtime_r(&t, &tm);
	duration_format(m->zoom_ms, zoom, sizeof(zoom));
	clock_text(m->hist_from_ms, from, sizeof(from));
	clock_text(m->hist_to_ms, to, sizeof(to));
	wattrset(w, tb->follow && !tb->closed ? pal(PAL_BAD) : pal(PAL_FKEY));
	x = put_text(w, 0, 0, cols, state_text(tb, state, sizeof(state)), false);
	wattrset(w, pal(PAL_NORMAL));
	/* the graphs' window by its edges; the zone's offset only where the
	 * span bar still has room beside it */
	for (int full = 1; full >= 0; full--) {
		strftime(when, sizeof(when),
			 full ? "%Y-%m-%d %H:%M:%S %Z (UTC%z)" : "%Y-%m-%d %H:%M:%S %Z",
			 &tm);
		snprintf(line, sizeof(line), "  %s  #%llu/%llu  zoom %s %s-%s  ", when,
			 (unsigned long long)tb->index, (unsigned long long)tb->ticks,
			 zoom, from, to);
		if (cols - x - (int)strlen(line) >= 16)
			break;
	}
	x += put_text(w, 0, x, cols - x, line, false);
	if (cols - x >= 8)
		draw_span(w, x, cols - x, tb, m->ascii);
}
