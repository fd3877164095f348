/* SPDX-License-Identifier: MIT */
/* memory_view: see memory_view.h. */
#include "views/memory_view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/units.h"
#include "views/draw.h"

static enum pal verdict_colour(const char *state)
{
	if (!strcmp(state, "leak-suspect"))
		return PAL_BAD;
	if (!strcmp(state, "growing"))
		return PAL_WARN;
	if (!strcmp(state, "stable"))
		return PAL_GOOD;
	return PAL_DIM;
}

static void draw_verdict(WINDOW *w, const struct ui_model *m, int y, int cols)
{
	const struct heap_verdict *v = &m->leak;
	char a[32], b[32], ttl[32], since[16] = "-";

	wattrset(w, pal(PAL_TITLE));
	put_text(w, y, 0, 6, "Leak", false);
	if (!m->have_leak) {
		wattrset(w, pal(PAL_DIM));
		put_text(w, y, 6, cols - 6,
			 "no verdict yet (the first comes after a few minutes)", false);
		wattrset(w, pal(PAL_NORMAL));
		return;
	}
	wattrset(w, pal(verdict_colour(v->state)) | A_BOLD);
	put_textf(w, y, 6, cols - 6, "%s", v->state);
	wattrset(w, pal(PAL_NORMAL));
	put_textf(w, y, 6 + (int)strlen(v->state) + 2, cols - 8 - (int)strlen(v->state),
		  "floors of %s  floor %s",
		  strcmp(v->source, "jvm") ? "RssAnon+swap" : "old gen after GC",
		  units_bytes_short((double)v->floor_bytes, a, sizeof(a)));
	if (v->since_ms > 0) {
		time_t s = (time_t)(v->since_ms / 1000);
		struct tm tm;

		localtime_r(&s, &tm);
		strftime(since, sizeof(since), "%H:%M:%S", &tm);
	}
	put_textf(
		w, y + 1, 6, cols - 6,
		"rate %s/h  confidence %.2f  since %s  limit %s in %s",
		units_bytes_short(v->rate_bytes_per_hour > 0 ? v->rate_bytes_per_hour : 0,
				  a, sizeof(a)),
		v->confidence, since,
		v->limit_bytes ? units_bytes_short((double)v->limit_bytes, b, sizeof(b))
			       : "?",
		v->time_to_limit_s >= 0 ? units_span((int64_t)(v->time_to_limit_s * 1000),
						     ttl, sizeof(ttl))
					: "-");
}

void memory_draw(WINDOW *w, const struct ui_model *m, const struct target_sample *t,
		 int y0, int rows, int cols)
{
	char a[16], b[16], c[16], d[16];

	if (rows < 4)
		return;
	draw_verdict(w, m, y0, cols);
	wattrset(w, pal(PAL_TITLE));
	put_text(w, y0 + 2, 0, 6, "Heap", false);
	wattrset(w, pal(PAL_NORMAL));
	if (t->have & TARGET_HAVE_STATUS)
		put_textf(w, y0 + 2, 6, cols - 6,
			  "anon %s  swap %s  data %s  peak RSS %s",
			  units_bytes_short((double)t->rss_anon, a, sizeof(a)),
			  units_bytes_short((double)t->vm_swap, b, sizeof(b)),
			  units_bytes_short((double)t->vm_data, c, sizeof(c)),
			  units_bytes_short((double)t->vm_hwm, d, sizeof(d)));
	if (m->hist && m->hist->tanon.n && rows > 5) {
		int h = rows - 4 > 6 ? 6 : rows - 4;

		wattrset(w, pal(PAL_DIM));
		put_text(w, y0 + 3, 0, 6, "anon", false);
		draw_graph(w, y0 + 3, 6, cols - 6, h, m->hist->tanon.v, m->hist->tanon.n,
			   0, 0, m->ascii, PAL_GRAPH);
		wattrset(w, pal(PAL_NORMAL));
	}
}
