/* SPDX-License-Identifier: MIT */
/*
 * alerts_view: see alerts_view.h. Top to bottom: the title with the counts,
 * every rule's state (active ones first) under a cursor, the selected one's
 * detail (its whole message, wrapped, and the processes a system-wide alert
 * named), the actions that failed, then the recent transitions with a
 * rule's pending-and-back flaps folded into one row (analysis/alert_fold,
 * done by the loader).
 */
#include "views/alerts_view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analysis/alert_top.h"
#include "core/textsafe.h"
#include "views/draw.h"

#define SHOWN_MAX 64
#define DETAIL_ROWS 3 /* the message on two lines, the processes on one */

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

/* One row: the transition e, or a folded run of them when state and why
 * say so (NULL: e's own). */
static void draw_row(WINDOW *w, int y, int cols, const struct alert_event *e,
		     const char *state, const char *why, bool selected)
{
	char at[16], line[512];

	snprintf(line, sizeof(line), "%s %-8s %-8.8s %-22.22s %s",
		 clock_text(e->t_ms, at, sizeof(at)), state ? state : e->state,
		 e->severity, e->rule, why ? why : e->message);
	wattrset(w,
		 selected ? pal(PAL_SELECTED) : pal(state_colour(e->state, e->severity)));
	put_text(w, y, 0, cols, line, selected); /* the selection bar spans the row */
	wattrset(w, pal(PAL_NORMAL));
}

/* Bytes of s that fill at most width columns, cut after a space when one
 * is there to cut at (one column per character: names are cut, not lost). */
static size_t wrap_at(const char *s, int width)
{
	size_t i = 0, space = 0;
	int col = 0;

	while (s[i] && col < width) {
		bool printable;
		size_t len = text_char(s + i, &printable);

		if (s[i] == ' ')
			space = i + 1;
		i += len;
		col++;
	}
	return !s[i] || !space ? i : space;
}

/* The selected alert in full: "rule: message" on one or two lines, then
 * the processes it named; DETAIL_ROWS rows in all. Returns the next row. */
static int draw_detail(WINDOW *w, int y, int rows, int cols, const struct alert_event *e)
{
	char text[512], top[256];
	const char *p = text;
	int end = y + DETAIL_ROWS;

	snprintf(text, sizeof(text), "%s: %s", e->rule, e->message);
	wattrset(w, pal(PAL_NORMAL));
	for (int line = 0; line < 2 && *p && y < rows; line++, y++) {
		size_t n = wrap_at(p, cols - 2);

		put_textf(w, y, 0, cols, "%s%.*s", line ? "  " : "> ", (int)n, p);
		p += n;
	}
	if (e->top_by[0] && y < rows) {
		alert_top_format(e, top, sizeof(top));
		put_textf(w, y++, 0, cols, "  %s: %s",
			  !strcmp(e->top_by, "rss")	  ? "top by memory"
			  : !strcmp(e->top_by, "blocked") ? "in state D"
							  : "top by CPU",
			  top[0] ? top : "none measured");
	}
	return end;
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

/* The recent transitions, newest first, flaps folded, as many as fit. */
static void draw_recent(WINDOW *w, int y, int rows, int cols, const struct ui_model *m)
{
	char why[160], first[16];

	wattrset(w, pal(PAL_TITLE));
	put_text(w, y++, 0, cols, "Recent transitions", false);
	wattrset(w, pal(PAL_NORMAL));
	for (size_t i = m->nalert_folds; i > 0 && y < rows; i--) {
		const struct alert_fold *f = &m->alert_folds[i - 1];
		const struct alert_event *e = &m->alert_recent[f->last];

		if (!alert_fold_is_flap(f)) {
			draw_row(w, y++, cols, e, NULL, NULL, false);
			continue;
		}
		/* the row's time is the last flap's; the run began at first */
		snprintf(
			why, sizeof(why), "%zux pending%sok since %s", f->flaps,
			m->ascii ? "<->" : "\u2194",
			clock_text(m->alert_recent[f->first].t_ms, first, sizeof(first)));
		draw_row(w, y++, cols, e, "flapped", why, false);
	}
}

int alerts_list_rows(int window_rows)
{
	int n = (window_rows - 3 - DETAIL_ROWS) / 2;

	return n > 1 ? n : 1;
}

/* "Alerts: 2 firing, 1 acknowledged" and the key that acknowledges. */
static void draw_title(WINDOW *w, int cols, const struct ui_model *m, long n)
{
	char acked[48] = "";

	if (m->alerts_acked)
		snprintf(acked, sizeof(acked), ", %zu acknowledged", m->alerts_acked);
	wattrset(w, pal(PAL_TITLE));
	put_wordsf(w, 0, 0, cols, "Alerts: %zu firing%s%s", m->alerts_firing, acked,
		   m->can_ack && n ? "   (A: acknowledge the selected one)" : "");
}

void alerts_draw(WINDOW *w, const struct ui_model *m, const struct alerts_state *st)
{
	int rows = getmaxy(w), cols = getmaxx(w), y = 1, half;
	const struct alert_event *shown[SHOWN_MAX];
	char head[128];
	long n = 0;
	struct list_cursor c;

	werase(w);
	/* active ones first, in rule order; then the rest */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->nalert_states && n < SHOWN_MAX; i++)
			if (alerts_state_active(m->alert_states[i].state) == (pass == 0))
				shown[n++] = &m->alert_states[i];
	draw_title(w, cols, m, n);
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
		draw_row(w, y++, cols, shown[i], NULL, NULL, i == c.sel);
	if (n && c.sel >= 0 && c.sel < n)
		y = draw_detail(w, y, rows, cols, shown[c.sel]);
	y++;
	if (y >= rows)
		return;
	y = draw_notices(w, y, rows, cols, m);
	if (y >= rows)
		return;
	draw_recent(w, y, rows, cols, m);
}
