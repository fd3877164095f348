/* SPDX-License-Identifier: MIT */
/*
 * leaks_view: see leaks_view.h.
 *
 * Below the verdict the screen is one list of "lines" (headings, table
 * heads, rows) that scrolls as a whole, so the selection stays in view
 * whether it is on a suspect or a region and however few rows there are.
 */
#include "views/leaks_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/profile.h"
#include "core/units.h"
#include "views/draw.h"
#include "views/memory_view.h"

#define VERDICT_ROWS 3 /* the verdict's two lines and a blank */
#define FIXED_COLS 48  /* suspect columns other than the name */
#define REGION_FIXED_COLS 43

/* What each line of the list is. */
enum line_kind {
	L_SUSPECT_TITLE,
	L_SUSPECT_HEAD,
	L_SUSPECT,
	L_NO_SUSPECT,
	L_BLANK,
	L_REGION_TITLE,
	L_REGION_HEAD,
	L_REGION,
	L_NO_REGION,
	L_SITE_TITLE, /* leak sites of the shown live allocation profile */
	L_SITE_HEAD,
	L_SITE, /* row: -2 - rank (not selectable) */
};

#define SITES_MAX 5

/* The shown profile, when it is a live-bytes capture of the target. */
static const struct profile *live_profile(const struct ui_model *m)
{
	const struct profile *p = m->profile;

	if (!p || p->meta.mode != PROFILE_LIVE || !m->cur || !m->cur->target ||
	    p->meta.pid != m->cur->target->pid)
		return NULL;
	return p;
}

/* The call sites still holding bytes, most first (up to SITES_MAX); *n is
 * set. The caller frees the array. */
static struct profile_fn *leak_sites(const struct profile *p, size_t *n)
{
	struct profile_fn *fns = profile_top(p, 0, n);
	size_t k = 0;

	while (k < *n && k < SITES_MAX && fns[k].self > 0)
		k++;
	*n = k;
	return fns;
}

static void draw_site(WINDOW *w, int y, int cols, const struct profile *p, long rank)
{
	size_t n;
	struct profile_fn *fns = leak_sites(p, &n);
	double secs = p->meta.duration_ms > 0 ? (double)p->meta.duration_ms / 1000 : 1;
	char live[16], rate[16];

	if ((size_t)rank < n) {
		const struct profile_frame *f = &p->frames[fns[rank].frame];

		units_bytes_short((double)fns[rank].self, live, sizeof(live));
		units_bytes_short((double)fns[rank].self / secs, rate, sizeof(rate));
		put_textf(w, y, 0, cols, "%3ld %9s %8s/s  %s%s%s%s", rank + 1, live, rate,
			  f->function, f->module[0] ? " (" : "", f->module,
			  f->module[0] ? ")" : "");
	}
	free(fns);
}

static const char *clock_text(int64_t t_ms, char *buf, size_t len)
{
	time_t s = (time_t)(t_ms / 1000);
	struct tm tm;

	if (t_ms <= 0)
		return snprintf(buf, len, "-"), buf;
	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

/* name cut to width from the left, where a path is least telling. */
static const char *tail(const char *name, int width, char *buf, size_t len)
{
	size_t n = strlen(name);
	const char *p;

	if (width < 4 || n <= (size_t)width)
		return name;
	p = name + n - (size_t)(width - 3);
	while ((*p & 0xc0) == 0x80) /* not in the middle of a character */
		p++;
	snprintf(buf, len, "...%s", p);
	return buf;
}

long leaks_rows(const struct ui_model *m)
{
	return (long)(m->nsuspects + m->nregions);
}

const char *leaks_row_region(const struct ui_model *m, long row, int64_t *id,
			     const char **kind)
{
	if (row >= 0 && row < (long)m->nsuspects) {
		const struct heap_suspect *s = &m->suspects[row];

		if (strcmp(s->kind, "mapping") != 0 || s->mapping_id <= 0)
			return NULL;
		*id = s->mapping_id;
		*kind = s->region;
		return s->name;
	}
	row -= (long)m->nsuspects;
	if (row < 0 || row >= (long)m->nregions)
		return NULL;
	*id = m->regions[row].mapping_id;
	*kind = m->regions[row].kind;
	return m->regions[row].name;
}

/* The list's lines, and for each selectable one its row index (else -1). */
#define LINES_MAX (8 + HEAP_SUSPECTS_MAX + 64)

static long build_lines(const struct ui_model *m, enum line_kind *kinds, long *rows,
			long cap)
{
	long n = 0;

#define ADD(k, r)                                                                        \
	do {                                                                             \
		if (n < cap) {                                                           \
			kinds[n] = (k);                                                  \
			rows[n] = (r);                                                   \
		}                                                                        \
		n++;                                                                     \
	} while (0)
	if (live_profile(m)) {
		size_t ns;

		free(leak_sites(live_profile(m), &ns));
		ADD(L_SITE_TITLE, -1);
		if (ns)
			ADD(L_SITE_HEAD, -1);
		for (size_t i = 0; i < ns; i++)
			ADD(L_SITE, -2 - (long)i);
		ADD(L_BLANK, -1);
	}
	ADD(L_SUSPECT_TITLE, -1);
	if (m->nsuspects)
		ADD(L_SUSPECT_HEAD, -1);
	else
		ADD(L_NO_SUSPECT, -1);
	for (size_t i = 0; i < m->nsuspects; i++)
		ADD(L_SUSPECT, (long)i);
	ADD(L_BLANK, -1);
	ADD(L_REGION_TITLE, -1);
	if (m->nregions)
		ADD(L_REGION_HEAD, -1);
	else
		ADD(L_NO_REGION, -1);
	for (size_t i = 0; i < m->nregions; i++)
		ADD(L_REGION, (long)(m->nsuspects + i));
#undef ADD
	return n < cap ? n : cap;
}

static bool is_suspect_region(const struct ui_model *m, int64_t id)
{
	for (size_t i = 0; i < m->nsuspects; i++)
		if (id > 0 && m->suspects[i].mapping_id == id)
			return true;
	return false;
}

static void draw_suspect(WINDOW *w, int y, int cols, const struct heap_suspect *s,
			 long rank, bool selected)
{
	char rate[16], size[16], since[16], cut[160], line[512];
	int nw = cols - FIXED_COLS > 8 ? cols - FIXED_COLS : 8;

	snprintf(
		line, sizeof(line), "%3ld %-7.7s %-6.6s %-*s %7s/h %9s %8s", rank,
		s->kind, s->region[0] ? s->region : "-", nw,
		tail(s->name, nw, cut, sizeof(cut)),
		units_bytes_short(s->rate_bytes_per_hour > 0 ? s->rate_bytes_per_hour : 0,
				  rate, sizeof(rate)),
		units_bytes_short((double)s->size_bytes, size, sizeof(size)),
		clock_text(s->since_ms, since, sizeof(since)));
	wattrset(w, pal(selected ? PAL_SELECTED : PAL_BAD));
	put_words(w, y, 0, cols, line, selected);
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_region(WINDOW *w, int y, int cols, const struct ui_model *m,
			const struct mapping_row *r, bool selected)
{
	char a[16], b[16], c[16], d[16], cut[160], line[512];
	int nw = cols - REGION_FIXED_COLS > 8 ? cols - REGION_FIXED_COLS : 8;

	snprintf(line, sizeof(line), "%-6.6s %-*s %8s %8s %8s %8s", r->kind, nw,
		 tail(r->name, nw, cut, sizeof(cut)),
		 units_bytes_short((double)r->anon, a, sizeof(a)),
		 units_bytes_short((double)r->swap, b, sizeof(b)),
		 units_bytes_short((double)r->rss, c, sizeof(c)),
		 units_bytes_short((double)r->size, d, sizeof(d)));
	wattrset(w, pal(selected			      ? PAL_SELECTED
			: is_suspect_region(m, r->mapping_id) ? PAL_WARN
							      : PAL_NORMAL));
	put_words(w, y, 0, cols, line, selected);
	wattrset(w, pal(PAL_NORMAL));
}

/* Why the suspect list is empty, from the verdict it would come with. */
static const char *no_suspect_text(const struct ui_model *m)
{
	if (!m->have_leak || !strcmp(m->leak.state, "insufficient-data"))
		return "none yet: a verdict needs a few minutes of floors";
	if (!strcmp(m->leak.state, "leak-suspect"))
		return "none stored with this verdict";
	return "none: nothing rises like a leak";
}

static void draw_line(WINDOW *w, int y, int cols, const struct ui_model *m,
		      enum line_kind k, long row, long selected)
{
	char at[16], head[256];
	int nw;

	switch (k) {
	case L_SUSPECT_TITLE:
		wattrset(w, pal(PAL_TITLE));
		put_wordsf(w, y, 0, cols, "Suspects (%zu)", m->nsuspects);
		break;
	case L_SUSPECT_HEAD:
		nw = cols - FIXED_COLS > 8 ? cols - FIXED_COLS : 8;
		snprintf(head, sizeof(head), "%3s %-7s %-6s %-*s %9s %9s %8s", "#",
			 "KIND", "REGION", nw, "NAME", "RATE", "SIZE", "SINCE");
		wattrset(w, pal(PAL_TABLE_HEAD));
		put_words(w, y, 0, cols, head, true);
		break;
	case L_NO_SUSPECT:
		wattrset(w, pal(PAL_DIM));
		put_words(w, y, 0, cols, no_suspect_text(m), false);
		break;
	case L_SUSPECT:
		draw_suspect(w, y, cols, &m->suspects[row], row + 1, row == selected);
		break;
	case L_REGION_TITLE:
		wattrset(w, pal(PAL_TITLE));
		if (m->regions_ms > 0)
			put_wordsf(w, y, 0, cols,
				   "Largest regions: smaps read at %s, %llu VMAs"
				   "   Enter: history",
				   clock_text(m->regions_ms, at, sizeof(at)),
				   (unsigned long long)m->regions_vmas);
		else
			put_words(w, y, 0, cols, "Regions", false);
		break;
	case L_REGION_HEAD:
		nw = cols - REGION_FIXED_COLS > 8 ? cols - REGION_FIXED_COLS : 8;
		snprintf(head, sizeof(head), "%-6s %-*s %8s %8s %8s %8s", "KIND", nw,
			 "NAME", "ANON", "SWAP", "RSS", "SIZE");
		wattrset(w, pal(PAL_TABLE_HEAD));
		put_words(w, y, 0, cols, head, true);
		break;
	case L_NO_REGION:
		wattrset(w, pal(PAL_DIM));
		put_words(w, y, 0, cols,
			  m->can_read_smaps
				  ? "no smaps reading yet: it is read every 30s, r reads "
				    "it now"
				  : "no smaps reading yet (smaps is read every 30s)",
			  false);
		break;
	case L_REGION:
		draw_region(w, y, cols, m, &m->regions[row - (long)m->nsuspects],
			    row == selected);
		break;
	case L_SITE_TITLE:
		wattrset(w, pal(PAL_TITLE));
		put_wordsf(
			w, y, 0, cols,
			"Leak sites: bytes left live by a %.1fs allocation capture (m)",
			(double)live_profile(m)->meta.duration_ms / 1000);
		break;
	case L_SITE_HEAD:
		wattrset(w, pal(PAL_TABLE_HEAD));
		put_words(w, y, 0, cols, "  #      LIVE     GROWTH  CALL SITE", true);
		break;
	case L_SITE:
		draw_site(w, y, cols, live_profile(m), -2 - row);
		break;
	case L_BLANK:
		break;
	}
	wattrset(w, pal(PAL_NORMAL));
}

/*
 * The list's lines for a window of avail rows, and the cursor as drawn: sel
 * the selected row (suspects, then regions), top the first visible line.
 * Returns the number of lines.
 */
static long shown_lines(const struct ui_model *m, const struct list_cursor *c, int avail,
			enum line_kind *kinds, long *idx, long max,
			struct list_cursor *out)
{
	long n = build_lines(m, kinds, idx, max), sel_line = 0;
	long sel = list_clamp(c->sel, 0, leaks_rows(m) - 1);
	/* c may be out */
	struct list_cursor heading = {0, c->top};

	for (long i = 0; i < n; i++)
		if (idx[i] == sel)
			sel_line = i;
	/* the selection in view, with its heading when there is room */
	heading.sel = sel_line - 2 > 0 ? sel_line - 2 : 0;
	list_cursor_clamp(&heading, n, avail);
	*out = (struct list_cursor){sel_line, heading.top};
	list_cursor_clamp(out, n, avail);
	out->sel = sel;
	return n;
}

void leaks_clamp(const struct ui_model *m, struct leaks_state *st, int window_rows)
{
	enum line_kind kinds[LINES_MAX];
	long idx[LINES_MAX];

	shown_lines(m, &st->cur, window_rows - VERDICT_ROWS, kinds, idx, LINES_MAX,
		    &st->cur);
}

void leaks_draw(WINDOW *w, const struct ui_model *m, const struct leaks_state *st)
{
	int rows = getmaxy(w), cols = getmaxx(w), avail = rows - VERDICT_ROWS;
	enum line_kind kinds[LINES_MAX];
	long idx[LINES_MAX], n;
	long nrows = leaks_rows(m);
	struct list_cursor c;

	werase(w);
	if (!m->cur || !m->cur->target) {
		put_words(w, 0, 0, cols,
			  "no process attached: Esc, then Enter on a process", false);
		return;
	}
	memory_draw_verdict(w, m, 0, cols);
	if (avail < 1)
		return;
	n = shown_lines(m, &st->cur, avail, kinds, idx, LINES_MAX, &c);
	for (long i = c.top; i < n && i - c.top < avail; i++)
		draw_line(w, VERDICT_ROWS + (int)(i - c.top), cols, m, kinds[i], idx[i],
			  nrows ? c.sel : -1);
}
