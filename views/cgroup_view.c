/* SPDX-License-Identifier: MIT */
/*
 * cgroup_view: the cgroup tree and the selected cgroup's detail (see
 * cgroup_view.h). Names are what cgroup_identify makes of a path (a unit,
 * docker:4b1c2d3e4f5a, pod:UID), indented two columns per level.
 */
#include "views/cgroup_view.h"

#include <stdio.h>
#include <string.h>

#include "core/cgroup_name.h"
#include "core/units.h"
#include "views/draw.h"

#define DETAIL_ROWS 3
#define NUMBERS_W 44 /* the columns right of the name */

int cgroup_view_rows(int window_rows)
{
	int n = window_rows - 2 - DETAIL_ROWS;

	return n > 1 ? n : 1;
}

void cgroup_view_list(const struct ui_model *m, const struct cgroups_state *st,
		      struct cglist *out)
{
	const struct frame *cur = m->cur, *prev = m->prev;
	static const struct cgroup_table none;

	cglist_build(out, cur ? &cur->cgroups : &none,
		     prev && cur ? &prev->cgroups : NULL,
		     prev && cur ? cur->t_ms - prev->t_ms : 0, st->sort);
}

static void fmt_bytes(char *buf, size_t len, bool have, uint64_t v)
{
	if (!have)
		snprintf(buf, len, "-");
	else if (v == CGROUP_UNLIMITED)
		snprintf(buf, len, "max");
	else
		units_bytes_short((double)v, buf, len);
}

static void fmt_pct(char *buf, size_t len, double v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", v);
}

static void draw_row(WINDOW *w, int y, int cols, const struct cglist_entry *e, bool sel)
{
	const struct cgroup_row *r = e->row;
	struct cgroup_ident id;
	char cpu[16], mem[16], max[16], io[16], psi[16], thr[16], name[160], line[320];
	int namew = cols - NUMBERS_W;

	cgroup_identify(r->path, &id);
	fmt_pct(cpu, sizeof(cpu), r->cpu_pct);
	fmt_bytes(mem, sizeof(mem), r->have & CGROUP_HAVE_MEM, r->mem_current);
	fmt_bytes(max, sizeof(max), r->have & CGROUP_HAVE_MEM_LIMIT, r->mem_max);
	if (e->io_bps < 0)
		snprintf(io, sizeof(io), "-");
	else
		units_bytes_short(e->io_bps, io, sizeof(io));
	fmt_pct(psi, sizeof(psi), e->psi);
	fmt_pct(thr, sizeof(thr), e->throttled_pct);
	snprintf(name, sizeof(name), "%*s%s", 2 * (e->depth < 20 ? e->depth : 20), "",
		 id.kind == CGROUP_KIND_CONTAINER || id.kind == CGROUP_KIND_POD
			 ? id.name
			 : e->name);
	if (namew < 8)
		namew = 8;
	snprintf(line, sizeof(line), "%-*.*s %6s %6s %6s %7s %6s %6s", namew, namew, name,
		 cpu, mem, max, io, psi, thr);
	wattrset(w, sel ? pal(PAL_SELECTED) : pal(PAL_NORMAL));
	put_text(w, y, 0, cols, line, sel);
	wattrset(w, pal(PAL_NORMAL));
}

/* The selected cgroup in full: path, identity, limits, events, pressure. */
static void draw_detail(WINDOW *w, int y, int cols, const struct cglist_entry *e)
{
	const struct cgroup_row *r = e->row;
	struct cgroup_ident id;
	char mem[16], high[32] = "", max[16], swap[16], pids[24] = "-",
		      quota[32] = "none";
	char psi[3][16];

	cgroup_identify(r->path, &id);
	wattrset(w, pal(PAL_TITLE));
	put_text(w, y++, 0, cols, r->path, false);
	wattrset(w, pal(PAL_NORMAL));
	fmt_bytes(mem, sizeof(mem), r->have & CGROUP_HAVE_MEM, r->mem_current);
	if ((r->have & CGROUP_HAVE_MEM_LIMIT) && r->mem_high != CGROUP_UNLIMITED) {
		char h[16];

		units_bytes_short((double)r->mem_high, h, sizeof(h));
		snprintf(high, sizeof(high), " (high %s)", h);
	}
	if (r->have & CGROUP_HAVE_PIDS)
		snprintf(pids, sizeof(pids), "%llu", (unsigned long long)r->pids_current);
	fmt_bytes(max, sizeof(max), r->have & CGROUP_HAVE_MEM_LIMIT, r->mem_max);
	fmt_bytes(swap, sizeof(swap), r->have & CGROUP_HAVE_SWAP, r->swap_current);
	if ((r->have & CGROUP_HAVE_QUOTA) && r->cpu_quota_us != CGROUP_UNLIMITED)
		snprintf(quota, sizeof(quota), "%.2f cores",
			 (double)r->cpu_quota_us / (double)r->cpu_period_us);
	put_wordsf(w, y++, 0, cols,
		   "%s%s%s  memory %s of %s%s  swap %s  oom kills %llu  pids %s",
		   cgroup_kind_name(id.kind), id.short_id[0] ? " " : "", id.short_id, mem,
		   max, high, swap, (unsigned long long)r->oom_kill, pids);
	for (int i = 0; i < PSI_N; i++)
		fmt_pct(psi[i], sizeof(psi[i]),
			r->psi[i].present ? r->psi[i].some.avg10 : -1);
	put_wordsf(w, y, 0, cols,
		   "CPU quota %s, throttled %llu of %llu periods (%.1f s)  "
		   "pressure some cpu %s mem %s io %s",
		   quota, (unsigned long long)r->nr_throttled,
		   (unsigned long long)r->nr_periods, (double)r->throttled_ns / 1e9,
		   psi[0], psi[1], psi[2]);
}

void cgroup_view_draw(WINDOW *w, const struct ui_model *m, const struct cgroups_state *st)
{
	int rows = getmaxy(w), cols = getmaxx(w), y = 0, list = cgroup_view_rows(rows);
	const struct frame *cur = m->cur;
	struct cglist l;
	struct list_cursor c;
	char head[256];
	int namew = cols - NUMBERS_W < 8 ? 8 : cols - NUMBERS_W;

	werase(w);
	cgroup_view_list(m, st, &l);
	wattrset(w, pal(PAL_TITLE));
	put_wordsf(w, y++, 0, cols, "Cgroups: %zu%s, by %s   Enter: its processes", l.n,
		   l.n == 0 ? " (none read)"
		   : !cur   ? ""
		   /* live only: a recording does not say which it was */
		   : cur->cgroups.layout == CGROUP_LAYOUT_V1 ? " (v1)"
		   : cur->cgroups.layout == CGROUP_LAYOUT_V2 ? " (v2)"
							     : "",
		   cglist_sort_name(st->sort));
	snprintf(head, sizeof(head), "%-*s %6s %6s %6s %7s %6s %6s", namew, "CGROUP",
		 "CPU%", "MEM", "MAX", "IO/s", "PSI", "THR%");
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, y++, 0, cols, head, true);
	wattrset(w, pal(PAL_NORMAL));
	c = list_cursor_shown(&st->cur, (long)l.n, list);
	for (long i = c.top; i < (long)l.n && y < 2 + list; i++)
		draw_row(w, y++, cols, &l.entries[i], i == c.sel);
	if (l.n && c.sel >= 0 && c.sel < (long)l.n && rows > DETAIL_ROWS + 2)
		draw_detail(w, rows - DETAIL_ROWS, cols, &l.entries[c.sel]);
	cglist_release(&l);
}
