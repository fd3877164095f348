/* SPDX-License-Identifier: MIT */
/* memory_view: see memory_view.h. */
#include "views/memory_view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/units.h"
#include "views/draw.h"

/* Where the floors come from, as the verdict's source says. */
static const char *floor_words(const char *source)
{
	if (!strcmp(source, "jvm"))
		return "old gen after GC";
	if (!strcmp(source, "node gc"))
		return "heap after Mark-Compact";
	if (!strcmp(source, "go gc"))
		return "Go live heap after GC";
	return "RssAnon+swap";
}

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

void memory_draw_verdict(WINDOW *w, const struct ui_model *m, int y, int cols)
{
	const struct heap_verdict *v = &m->leak;
	char a[32], b[32], ttl[32], since[16] = "-";

	wattrset(w, pal(PAL_TITLE));
	put_words(w, y, 0, 6, "Leak", false);
	if (!m->have_leak) {
		wattrset(w, pal(PAL_DIM));
		put_words(w, y, 6, cols - 6,
			  "no verdict yet (the first comes after a few minutes)", false);
		wattrset(w, pal(PAL_NORMAL));
		return;
	}
	wattrset(w, pal(verdict_colour(v->state)) | A_BOLD);
	put_wordsf(w, y, 6, cols - 6, "%s", v->state);
	wattrset(w, pal(PAL_NORMAL));
	put_wordsf(w, y, 6 + (int)strlen(v->state) + 2, cols - 8 - (int)strlen(v->state),
		   "floors of %s  floor %s",
		   m->leak_recorded ? "RSS in the daemon's recorded history"
				    : floor_words(v->source),
		   /* no floor yet (a live heap is never 0 bytes) */
		   v->floor_bytes
			   ? units_bytes_short((double)v->floor_bytes, a, sizeof(a))
			   : "-");
	if (v->since_ms > 0) {
		time_t s = (time_t)(v->since_ms / 1000);
		struct tm tm;

		localtime_r(&s, &tm);
		strftime(since, sizeof(since), "%H:%M:%S", &tm);
	}
	put_wordsf(
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

/* Two lines of a JVM's generations and collections (jstat -gc in short). */
static void draw_jvm(WINDOW *w, const struct jvm_sample *j, int y, int cols)
{
	char a[16], b[16], c[16], d[16], e[16], f[16];

	wattrset(w, pal(PAL_TITLE));
	put_words(w, y, 0, 6, "JVM", false);
	wattrset(w, pal(PAL_NORMAL));
	put_wordsf(w, y, 6, cols - 6, "young %s/%s  old %s/%s  meta %s/%s",
		   units_bytes_short((double)j->young_used, a, sizeof(a)),
		   units_bytes_short((double)j->young_capacity, b, sizeof(b)),
		   units_bytes_short((double)j->old_used, c, sizeof(c)),
		   units_bytes_short((double)j->old_capacity, d, sizeof(d)),
		   units_bytes_short((double)j->meta_used, e, sizeof(e)),
		   units_bytes_short((double)j->meta_capacity, f, sizeof(f)));
	if (!(j->have & JVM_HAVE_GC)) {
		put_words(w, y + 1, 6, cols - 6, "collection counters not readable",
			  false);
		return;
	}
	put_wordsf(w, y + 1, 6, cols - 6,
		   "collections: young %llu (%.2fs)  full+concurrent %llu (%.2fs)",
		   (unsigned long long)j->young_gcs, j->young_gc_ms / 1000,
		   (unsigned long long)j->full_gcs, j->full_gc_ms / 1000);
}

/* What the graph's layers are, in their own colours and glyphs. */
static void draw_legend(WINDOW *w, const struct ui_model *m, int y, int cols, bool gc)
{
	struct {
		const char *glyph, *ascii, *text;
		enum pal role;
	} items[] = {
		{"\u28ff", ":", " anon+swap  ", PAL_GRAPH},
		{"\u2824", "_", " floor (lowest per window)  ", PAL_FLOOR},
		{"\u00b7", ".", " young GC  ", PAL_METER_OTHER},
		{"\u25b2", "^", " full/concurrent GC", PAL_BAD},
	};
	int x = 6;

	for (size_t i = 0; i < (gc ? 4u : 2u) && x < cols; i++) {
		wattrset(w, pal(items[i].role));
		x += put_words(w, y, x, cols - x,
			       m->ascii ? items[i].ascii : items[i].glyph, false);
		wattrset(w, pal(PAL_DIM));
		x += put_words(w, y, x, cols - x, items[i].text, false);
	}
	wattrset(w, pal(PAL_NORMAL));
}

void memory_draw(WINDOW *w, const struct ui_model *m, const struct target_sample *t,
		 int y0, int rows, int cols)
{
	const struct ui_history *h = &m->hist;
	char a[16], b[16], c[16], d[16];
	bool gc = m->have_jvm && h->tgc.n == h->tanon.n;
	int y = y0 + 3, gh;

	if (rows < 4)
		return;
	memory_draw_verdict(w, m, y0, cols);
	wattrset(w, pal(PAL_TITLE));
	put_words(w, y0 + 2, 0, 6, "Heap", false);
	wattrset(w, pal(PAL_NORMAL));
	if (t->have & TARGET_HAVE_STATUS)
		put_wordsf(w, y0 + 2, 6, cols - 6,
			   "anon %s  swap %s  data %s  peak RSS %s",
			   units_bytes_short((double)t->rss_anon, a, sizeof(a)),
			   units_bytes_short((double)t->vm_swap, b, sizeof(b)),
			   units_bytes_short((double)t->vm_data, c, sizeof(c)),
			   units_bytes_short((double)t->vm_hwm, d, sizeof(d)));
	if (m->have_jvm && rows >= 8) {
		draw_jvm(w, &m->jvm, y, cols);
		y += 2;
	}
	/* the graph takes what is left after its marks and legend rows */
	gh = y0 + rows - y - 1 - (gc ? 1 : 0);
	if (gh > 20) /* taller terminals get a taller graph, up to a point */
		gh = 20;
	if (!h->tanon.n || gh < 2)
		return;
	wattrset(w, pal(PAL_DIM));
	put_words(w, y, 0, 6, "anon", false);
	draw_graph_scaled(w, y, 6, cols - 6, gh, m->ascii,
			  &(struct graph_spec){
				  .values = h->tanon.v,
				  .line = h->tfloor.n == h->tanon.n ? h->tfloor.v : NULL,
				  .n = h->tanon.n,
				  .unit = GRAPH_UNIT_BYTES,
				  .window_ms = m->zoom_ms,
				  .centred = m->replay,
				  .role = PAL_GRAPH,
				  .line_role = PAL_FLOOR,
			  });
	y += gh;
	if (gc) {
		wattrset(w, pal(PAL_DIM));
		put_words(w, y, 0, 6, "GC", false);
		draw_graph_marks(w, y, 6, memory_graph_cells(cols), h->tgc.v, h->tgc.n,
				 m->ascii, PAL_METER_OTHER, PAL_BAD);
		y++;
	}
	draw_legend(w, m, y, cols, gc);
}

int memory_graph_cells(int cols)
{
	return draw_graph_cells(cols - 6);
}
