/* SPDX-License-Identifier: MIT */
/* alerts_view: see alerts_view.h. */
#include "views/alerts_view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "views/draw.h"

int alerts_state_active(const char *s)
{
	return !strcmp(s, "firing") || !strcmp(s, "acked") || !strcmp(s, "pending");
}

static enum pal state_colour(const char *state, const char *severity)
{
	if (!strcmp(state, "firing"))
		return strcmp(severity, "info") ? PAL_BAD : PAL_WARN;
	if (!strcmp(state, "pending") || !strcmp(state, "acked"))
		return PAL_WARN;
	return PAL_DIM;
}

static const char *clock_text(int64_t t_ms, char *buf, size_t len)
{
	time_t s = (time_t)(t_ms / 1000);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

static void draw_row(WINDOW *w, int y, int cols, const struct alert_event *e,
		     bool selected)
{
	char at[16], line[512];

	snprintf(line, sizeof(line), "%s %-8s %-8.8s %-22.22s %s",
		 clock_text(e->t_ms, at, sizeof(at)), e->state, e->severity, e->rule,
		 e->message);
	wattrset(w,
		 selected ? pal(PAL_SELECTED) : pal(state_colour(e->state, e->severity)));
	put_text(w, y, 0, cols, line, selected); /* the selection bar spans the row */
	wattrset(w, pal(PAL_NORMAL));
}

/* The newest failed or dropped actions, up to a third of what is left;
 * returns the next free row. */
static int draw_notices(WINDOW *w, int y, int rows, int cols, const struct ui_model *m)
{
	int room = (rows - y) / 3;
	char at[16], line[512];

	if (!m->nnotices || room < 2)
		return y;
	wattrset(w, pal(PAL_TITLE));
	put_textf(w, y++, 0, cols, "Actions that failed or were dropped: %zu",
		  m->nnotices);
	wattrset(w, pal(PAL_BAD));
	for (size_t i = m->nnotices; i > 0 && room-- > 1; i--) {
		const struct notice *n = &m->notices[i - 1];

		snprintf(line, sizeof(line), "%s %-8s %-22.22s %s",
			 clock_text(n->t_ms, at, sizeof(at)),
			 !strcmp(n->kind, "action-dropped") ? "dropped" : "failed",
			 n->source, n->message);
		put_text(w, y++, 0, cols, line, false);
	}
	wattrset(w, pal(PAL_NORMAL));
	return y + 1;
}

int alerts_list_rows(int window_rows)
{
	return (window_rows - 2) / 2;
}

void alerts_draw(WINDOW *w, const struct ui_model *m, const struct alerts_state *st)
{
	int rows = getmaxy(w), cols = getmaxx(w), y = 0, half;
	const struct alert_event *shown[64];
	char head[128];
	long n = 0;
	struct list_cursor c;

	werase(w);
	/* active ones first, in rule order; then the rest */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->nalert_states && n < 64; i++)
			if (alerts_state_active(m->alert_states[i].state) == (pass == 0))
				shown[n++] = &m->alert_states[i];
	wattrset(w, pal(PAL_TITLE));
	put_textf(w, y++, 0, cols, "Alerts: %zu firing%s", m->alerts_firing,
		  m->can_ack && n ? "   (A: acknowledge the selected one)" : "");
	snprintf(head, sizeof(head), "%-8s %-8s %-8s %-22s %s", "SINCE", "STATE",
		 "SEVERITY", "RULE", "WHY");
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, y++, 0, cols, head, true);
	wattrset(w, pal(PAL_NORMAL));
	half = alerts_list_rows(rows);
	c = list_cursor_shown(&st->cur, n, half);
	if (!n)
		put_text(w, y++, 0, cols, "no alert has fired or is pending", false);
	for (long i = c.top; i < n && y < 2 + half; i++)
		draw_row(w, y++, cols, shown[i], i == c.sel);
	y++;
	if (y >= rows)
		return;
	y = draw_notices(w, y, rows, cols, m);
	if (y >= rows)
		return;
	wattrset(w, pal(PAL_TITLE));
	put_text(w, y++, 0, cols, "Recent transitions", false);
	wattrset(w, pal(PAL_NORMAL));
	/* newest first, as many as fit */
	for (size_t i = m->nalert_recent; i > 0 && y < rows; i--)
		draw_row(w, y++, cols, &m->alert_recent[i - 1], false);
}
