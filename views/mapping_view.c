/* SPDX-License-Identifier: MIT */
/* mapping_view: see mapping_view.h. */
#include "views/mapping_view.h"

#include <stdio.h>
#include <time.h>

#include "core/units.h"
#include "views/draw.h"

int mapping_graph_cells(int cols)
{
	return draw_graph_cells(cols);
}

static const char *clock_text(int64_t t_ms, char *buf, size_t len)
{
	time_t s = (time_t)(t_ms / 1000);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

static void draw_title(WINDOW *w, const struct ui_model *m, const struct leaks_state *st,
		       int cols)
{
	const struct mapping_point *p =
		m->nreadings ? &m->readings[m->nreadings - 1] : NULL;
	char a[16], span[16];
	int x;

	wattrset(w, pal(PAL_TITLE));
	x = put_wordsf(w, 0, 0, cols, "Region %s (%s)  ", st->name, st->kind);
	wattrset(w, pal(PAL_NORMAL));
	if (p && x < cols)
		put_wordsf(w, 0, x, cols - x, "anon+swap %s",
			   units_bytes_short((double)(p->anon + p->swap), a, sizeof(a)));
	wattrset(w, pal(PAL_DIM));
	put_wordsf(w, 1, 0, cols,
		   "anon+swap over %s, one step per smaps reading; +/- zoom, Esc back",
		   units_span(m->zoom_ms, span, sizeof(span)));
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_table(WINDOW *w, const struct ui_model *m, int y, int rows, int cols)
{
	char head[128], at[16], a[16], b[16], c[16], d[16], e[16];

	snprintf(head, sizeof(head), "%-8s %9s %9s %9s %9s %9s", "TIME", "SIZE", "RSS",
		 "ANON", "SWAP", "PSS");
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_words(w, y++, 0, cols, head, true);
	wattrset(w, pal(PAL_NORMAL));
	if (!m->nreadings) {
		wattrset(w, pal(PAL_DIM));
		put_words(w, y, 0, cols,
			  "no reading of this region in the window (- zooms out)", false);
		wattrset(w, pal(PAL_NORMAL));
		return;
	}
	/* newest first */
	for (size_t i = m->nreadings; i > 0 && y < rows; i--, y++) {
		const struct mapping_point *p = &m->readings[i - 1];

		put_wordsf(w, y, 0, cols, "%-8s %9s %9s %9s %9s %9s",
			   clock_text(p->t_ms, at, sizeof(at)),
			   units_bytes_short((double)p->size, a, sizeof(a)),
			   units_bytes_short((double)p->rss, b, sizeof(b)),
			   units_bytes_short((double)p->anon, c, sizeof(c)),
			   units_bytes_short((double)p->swap, d, sizeof(d)),
			   units_bytes_short((double)p->pss, e, sizeof(e)));
	}
}

void mapping_draw(WINDOW *w, const struct ui_model *m, const struct leaks_state *st)
{
	int rows = getmaxy(w), cols = getmaxx(w), gh = (rows - 4) / 2;
	const struct ui_series *s = &m->hist.region;

	werase(w);
	draw_title(w, m, st, cols);
	if (gh > 10)
		gh = 10;
	if (s->n && gh >= 2 && mapping_graph_cells(cols) >= 8) {
		draw_graph_scaled(w, 2, 0, cols, gh, m->ascii,
				  &(struct graph_spec){.values = s->v,
						       .n = s->n,
						       .unit = GRAPH_UNIT_BYTES,
						       .window_ms = m->zoom_ms,
						       .centred = m->replay,
						       .role = PAL_GRAPH});
	} else {
		gh = 0;
	}
	draw_table(w, m, 2 + gh + 1, rows, cols);
}
