/* SPDX-License-Identifier: MIT */
/*
 * ptable: one row per process, htop-style columns, the selection highlighted,
 * the sort column marked in the header. Only visible rows are formatted, so
 * the cost of a redraw is the window height, not the number of processes.
 */
#include "views/ptable.h"

#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "views/draw.h"

/* "  PID USER      S  NI  THR  CPU%  MEM%   RSS     TIME+  COMMAND" */
#define FIXED_COLS 58

int ptable_body_rows(int window_rows)
{
	return window_rows > 1 ? window_rows - 1 : 0;
}

static void draw_head(WINDOW *w, const struct overview_state *st, int cols)
{
	static const char *const names[PROCLIST_SORT_N] = {
		[PROCLIST_SORT_CPU] = "CPU%",
		[PROCLIST_SORT_MEM] = "MEM%",
		[PROCLIST_SORT_PID] = "PID",
		[PROCLIST_SORT_NAME] = "COMMAND",
	};
	char head[256];

	snprintf(head, sizeof(head), "%7s %-9s S  NI  THR %5s %5s %6s %9s  %s", "PID",
		 "USER", "CPU%", "MEM%", "RSS", "TIME+", "COMMAND");
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, 0, 0, cols, head, true);
	/* mark the sort column the way htop does: reverse it */
	char *at = strstr(head, names[st->opts.sort]);
	if (at && (int)(at - head) < cols) {
		wattrset(w, pal(PAL_SELECTED) | A_BOLD);
		put_text(w, 0, (int)(at - head), (int)strlen(names[st->opts.sort]),
			 names[st->opts.sort], false);
	}
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_row(WINDOW *w, int y, const struct ui_model *m,
		     const struct proclist_entry *e, bool selected, int cols)
{
	const struct proc_row *r = e->row;
	uint64_t total = m->meta && m->meta->mem_total ? m->meta->mem_total
						       : m->cur->sys.mem_total;
	char line[128], cpu[16], rss[16], tm[24], kthread[FRAME_COMM_MAX + 2];
	const char *cmd = r->cmdline;
	int x;

	if (!cmd || !*cmd) { /* kernel threads, shown as ps shows them */
		snprintf(kthread, sizeof(kthread), "[%s]", r->comm);
		cmd = kthread;
	}
	if (r->cpu_pct < 0)
		snprintf(cpu, sizeof(cpu), "%5s", "-");
	else
		snprintf(cpu, sizeof(cpu), "%5.1f", r->cpu_pct);
	units_bytes_short((double)r->rss_bytes, rss, sizeof(rss));
	units_cpu_time(r->cpu_ticks, m->meta ? m->meta->clk_tck : 100, tm, sizeof(tm));
	snprintf(line, sizeof(line), "%7d %-9.9s %c %3d %4d %s %5.1f %6s %9s  ", r->pid,
		 r->user, r->state, r->nice, r->threads, cpu,
		 total ? (double)r->rss_bytes * 100.0 / (double)total : 0.0, rss, tm);
	wattrset(w, selected ? pal(PAL_SELECTED) : pal(PAL_NORMAL));
	x = put_text(w, y, 0, cols, line, false);
	if (e->prefix[0] && x < cols) {
		if (!selected)
			wattrset(w, pal(PAL_DIM));
		x += put_text(w, y, x, cols - x, e->prefix, false);
		wattrset(w, selected ? pal(PAL_SELECTED) : pal(PAL_NORMAL));
	}
	if (!e->match && !selected)
		wattrset(w, pal(PAL_DIM));
	if (x < cols)
		put_text(w, y, x, cols - x, cmd, selected);
	wattrset(w, pal(PAL_NORMAL));
}

void ptable_draw(WINDOW *w, const struct ui_model *m, const struct overview_state *st)
{
	int rows = getmaxy(w), cols = getmaxx(w), body = ptable_body_rows(rows);
	struct list_cursor c = list_cursor_shown(&st->cur, (long)st->list.n, body);

	werase(w);
	draw_head(w, st, cols);
	if (!m->cur || body <= 0)
		return;
	for (int i = 0; i < body && c.top + i < (long)st->list.n; i++) {
		long idx = c.top + i;

		draw_row(w, 1 + i, m, &st->list.entries[idx], idx == c.sel, cols);
	}
	if (st->list.n == 0 && st->opts.filter && *st->opts.filter) {
		wattrset(w, pal(PAL_DIM));
		put_textf(w, 1, 2, cols - 2, "no process matches '%s'", st->opts.filter);
		wattrset(w, pal(PAL_NORMAL));
	}
}
