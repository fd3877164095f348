/* SPDX-License-Identifier: MIT */
/*
 * ptable: one row per process, htop-style columns, the selection highlighted,
 * the sort column marked in the header. Only visible rows are formatted, so
 * the cost of a redraw is the window height, not the number of processes.
 * One const table of columns gives the header, its sort mark and where a
 * click on it lands; the row format below lays the values out in the same
 * places (test_ptable checks that they agree).
 */
#include "views/ptable.h"

#include <stdio.h>
#include <string.h>

#include "core/cgroup_name.h"
#include "core/units.h"
#include "views/cmdtext.h"
#include "views/draw.h"

struct column {
	const char *name;
	int x, width; /* where its values go */
	bool left;    /* left-aligned (else right, as numbers are) */
	int sort;     /* enum proclist_sort, or -1 */
};

/* "    PID USER      S  NI  THR  CPU%  MEM%    RSS     TIME+  COMMAND" */
static const struct column columns[] = {
	{"PID", 0, 7, false, PROCLIST_SORT_PID},
	{"USER", 8, 9, true, -1},
	{"S", 18, 1, true, -1},
	{"NI", 20, 3, false, -1},
	{"THR", 24, 4, false, -1},
	{"CPU%", 29, 5, false, PROCLIST_SORT_CPU},
	{"MEM%", 35, 5, false, PROCLIST_SORT_MEM},
	{"RSS", 41, 6, false, PROCLIST_SORT_MEM},
	{"TIME+", 48, 9, false, -1},
	{"COMMAND", PTABLE_COMMAND_X, 7, true, PROCLIST_SORT_NAME},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* The CGROUP column (O), between TIME+ and COMMAND when shown. */
#define CGROUP_W 16

int ptable_body_rows(int window_rows)
{
	return window_rows > 1 ? window_rows - 1 : 0;
}

/* Where column c's name starts in the header. */
static int name_x(const struct column *c)
{
	return c->left ? c->x : c->x + c->width - (int)strlen(c->name);
}

int ptable_sort_at(int x)
{
	size_t i = NCOLUMNS;

	/* a column owns the blank before it: a click just left of a name counts */
	while (i > 0 && x < columns[i - 1].x - 1)
		i--;
	return i > 0 && x >= 0 ? columns[i - 1].sort : -1;
}

long ptable_row_at(const struct overview_state *st, int window_rows, int y)
{
	int body = ptable_body_rows(window_rows);
	struct list_cursor c = list_cursor_shown(&st->cur, (long)st->list.n, body);

	if (y < 1 || y > body || c.top + y - 1 >= (long)st->list.n)
		return -1;
	return c.top + y - 1;
}

int ptable_command_width(const struct overview_state *st)
{
	char buf[CMDTEXT_MAX];
	size_t widest = 0;

	for (size_t i = 0; i < st->list.n; i++) {
		const struct proclist_entry *e = &st->list.entries[i];
		size_t w = strlen(cmdtext_of(e->row, st->opts.command, buf, sizeof(buf)));

		if (w > widest)
			widest = w;
	}
	return (int)widest;
}

static void draw_head(WINDOW *w, const struct overview_state *st, int cols)
{
	char head[256];

	memset(head, ' ', PTABLE_COMMAND_X);
	for (size_t i = 0; i < NCOLUMNS; i++)
		memcpy(head + name_x(&columns[i]), columns[i].name,
		       strlen(columns[i].name));
	head[PTABLE_COMMAND_X] = '\0'; /* COMMAND (and CGROUP) follow */
	if (st->opts.show_cgroup)      /* COMMAND moves right of it */
		snprintf(head + PTABLE_COMMAND_X, sizeof(head) - PTABLE_COMMAND_X,
			 "%-*s ", CGROUP_W, "CGROUP");
	if (st->hscroll > 0) /* scrolled: say by how much */
		snprintf(head + strlen(head), sizeof(head) - strlen(head),
			 "COMMAND (+%d)", st->hscroll);
	else
		snprintf(head + strlen(head), sizeof(head) - strlen(head), "%s",
			 "COMMAND");
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, 0, 0, cols, head, true);
	/* mark the sort column the way htop does: reverse it */
	for (size_t i = 0; i < NCOLUMNS; i++) {
		const struct column *c = &columns[i];

		if (c->sort != (int)st->opts.sort || name_x(c) >= cols)
			continue;
		wattrset(w, pal(PAL_SELECTED) | A_BOLD);
		put_text(w, 0, name_x(c), cols - name_x(c), c->name, false);
		break;
	}
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_row(WINDOW *w, int y, const struct ui_model *m,
		     const struct overview_state *st, const struct proclist_entry *e,
		     bool selected, int cols)
{
	const struct proc_row *r = e->row;
	uint64_t total = m->meta && m->meta->mem_total ? m->meta->mem_total
						       : m->cur->sys.mem_total;
	char line[128], cpu[16], rss[16], tm[24], text[CMDTEXT_MAX];
	const char *cmd = cmdtext_of(r, st->opts.command, text, sizeof(text));
	int x;

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
	if (st->opts.show_cgroup && x < cols) {
		struct cgroup_ident id;
		char cg[CGROUP_W + 2];

		cgroup_identify(r->cgroup ? r->cgroup : "", &id);
		snprintf(cg, sizeof(cg), "%-*.*s ", CGROUP_W, CGROUP_W,
			 r->cgroup ? id.name : "?");
		x += put_text(w, y, x, cols - x, cg, false);
	}
	/* the tree stays in place; the command text scrolls */
	if (e->prefix[0] && x < cols) {
		if (!selected)
			wattrset(w, pal(PAL_DIM));
		x += put_text(w, y, x, cols - x, e->prefix, false);
		wattrset(w, selected ? pal(PAL_SELECTED) : pal(PAL_NORMAL));
	}
	if (!e->match && !selected)
		wattrset(w, pal(PAL_DIM));
	if (x < cols)
		put_text(w, y, x, cols - x, text_after_cols(cmd, st->hscroll), selected);
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

		draw_row(w, 1 + i, m, st, &st->list.entries[idx], idx == c.sel, cols);
	}
	if (st->list.n == 0 && st->opts.filter && *st->opts.filter) {
		wattrset(w, pal(PAL_DIM));
		put_textf(w, 1, 2, cols - 2, "no process matches '%s'", st->opts.filter);
		wattrset(w, pal(PAL_NORMAL));
	}
}
