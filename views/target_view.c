/* SPDX-License-Identifier: MIT */
/*
 * target_view: one process in focus. Identity and state on top, then CPU,
 * memory breakdown, context switches, faults, IO and fds with history graphs
 * beside them, then a panel: its threads sorted by CPU, or its latency.
 *
 * Rates come from the two newest frames, and only when both saw the same
 * identity alive; once the process is gone the screen says so and keeps
 * showing its last sample (model->target_last) and its history.
 */
#include "views/target_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rates.h"
#include "core/cgroup_name.h"
#include "core/units.h"
#include "views/cgtarget_view.h"
#include "views/draw.h"
#include "views/latency_view.h"
#include "views/memory_view.h"

#define TARGET_HEAD_ROWS 10
#define GRAPH_MIN_COLS 70
#define GRAPH_TITLE_COLS 5 /* "CPU", "RSS" left of a graph */

struct rates {
	bool known;
	double dt_s;
	const struct target_sample *prev;
};

static struct rates rates_of(const struct ui_model *m, const struct target_sample *t)
{
	struct rates r = {.known = false};
	const struct target_sample *p = m->prev ? m->prev->target : NULL;

	if (t != m->cur->target || !t->alive || !p || !p->alive || p->pid != t->pid ||
	    p->start_ticks != t->start_ticks || m->cur->t_ms <= m->prev->t_ms)
		return r;
	r.known = true;
	r.dt_s = (double)(m->cur->t_ms - m->prev->t_ms) / 1000.0;
	r.prev = p;
	return r;
}

/* Per-second rate of a counter, or -1 when unknown or it went backwards. */
static double per_s(const struct rates *r, uint64_t now, uint64_t before)
{
	return r->known ? rate_per_s(now, before, r->dt_s) : RATE_UNKNOWN;
}

static const char *rate_text(double v, bool bytes, char *buf, size_t len)
{
	char b[16];

	if (v < 0)
		snprintf(buf, len, "-");
	else if (bytes)
		snprintf(buf, len, "%s/s", units_bytes_short(v, b, sizeof(b)));
	else
		snprintf(buf, len, "%.0f/s", v);
	return buf;
}

/* fr: the frame t comes from (the newest, or the last one it was alive in). */
static void draw_identity(WINDOW *w, const struct frame *fr,
			  const struct target_sample *t, int cols)
{
	const struct proc_row *row = proc_table_find(&fr->procs, t->pid);
	char up[24], started[16] = "?";
	int x;

	if (t->is_cgroup) {
		cgtarget_draw_identity(w, fr, t, cols);
		return;
	}
	if (row) {
		time_t s = (time_t)(row->start_ms / 1000);
		struct tm tm;

		localtime_r(&s, &tm);
		strftime(started, sizeof(started), "%H:%M:%S", &tm);
		units_span(fr->t_ms - row->start_ms, up, sizeof(up));
	}
	wattrset(w, pal(PAL_TITLE));
	x = put_textf(w, 0, 0, cols, "PID %d  %s", t->pid, t->comm[0] ? t->comm : "?");
	wattrset(w, pal(PAL_NORMAL));
	x = x + 2 > 28 ? x + 2 : 28; /* a column of its own, after a long name */
	if (row && x < cols) {
		char f[3][64];
		const char *fields[3] = {f[0], f[1], f[2]};

		snprintf(f[0], sizeof(f[0]), "state %c", t->state ? t->state : '?');
		snprintf(f[1], sizeof(f[1]), "user %s", row->user);
		snprintf(f[2], sizeof(f[2]), "started %s (up %s)", started, up);
		put_fields(w, 0, x, cols - x, fields, 3);
	}
	wattrset(w, pal(PAL_DIM));
	put_text(w, 1, 0, cols, row && row->cmdline ? row->cmdline : "", false);
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_banner(WINDOW *w, const struct ui_model *m,
			const struct target_sample *cur, int cols)
{
	if (!cur->alive) {
		char status[64] = "";

		if (cur->exit_code >= 0)
			snprintf(status, sizeof(status), " with status %d",
				 cur->exit_code);
		else if (cur->exit_signal > 0)
			snprintf(status, sizeof(status), " on signal %d",
				 cur->exit_signal);
		wattrset(w, pal(PAL_BAD));
		put_textf(w, 2, 0, cols, "%s%s: showing its last sample and history",
			  cur->is_cgroup	       ? "cgroup removed"
			  : strstr(cur->why, "reused") ? "pid reused by another process"
						       : "process exited",
			  status);
	} else if (cur->why[0]) {
		wattrset(w, pal(PAL_WARN));
		put_textf(w, 2, 0, cols, "unavailable: %s", cur->why);
	}
	(void)m;
	wattrset(w, pal(PAL_NORMAL));
}

/* The per-second rate of counter field f, as text, into buf. */
#define RATE(r, t, f, bytes, buf)                                                        \
	rate_text((r)->known ? per_s((r), (t)->f, (r)->prev->f) : -1, bytes, buf,        \
		  sizeof(buf))

/* Rows 5 and 6: the memory figures as fields. */
static void draw_memory_figures(WINDOW *w, const struct target_sample *t, int width)
{
	char f[4][48], a[16];
	const char *fields[4] = {f[0], f[1], f[2], f[3]};

	snprintf(f[0], sizeof(f[0]), "Mem   RSS %s",
		 units_bytes_short((double)t->vm_rss, a, sizeof(a)));
	snprintf(f[1], sizeof(f[1]), "anon %s",
		 units_bytes_short((double)t->rss_anon, a, sizeof(a)));
	snprintf(f[2], sizeof(f[2]), "file %s",
		 units_bytes_short((double)t->rss_file, a, sizeof(a)));
	snprintf(f[3], sizeof(f[3]), "shm %s",
		 units_bytes_short((double)t->rss_shmem, a, sizeof(a)));
	put_fields(w, 5, 0, width, fields, 4);
	snprintf(f[0], sizeof(f[0]), "swap %s",
		 units_bytes_short((double)t->vm_swap, a, sizeof(a)));
	snprintf(f[1], sizeof(f[1]), "peak %s",
		 units_bytes_short((double)t->vm_hwm, a, sizeof(a)));
	snprintf(f[2], sizeof(f[2]), "data %s",
		 units_bytes_short((double)t->vm_data, a, sizeof(a)));
	snprintf(f[3], sizeof(f[3]), "virt %s",
		 units_bytes_short((double)t->vm_size, a, sizeof(a)));
	put_fields(w, 6, 6, width - 6, fields, 4);
}

/*
 * The figures, one line each, laid out as fields (views/draw.h put_fields):
 * a narrow terminal drops the last fields of a line whole. Lines stay
 * within 46 columns, so at 80 the graphs take the rest.
 */
static void draw_numbers(WINDOW *w, const struct ui_model *m,
			 const struct target_sample *t, int width)
{
	struct rates r = rates_of(m, t);
	long tck = m->meta && m->meta->clk_tck ? m->meta->clk_tck : 100;
	double user = r.known ? rate_core_pct(t->utime, r.prev->utime, tck, r.dt_s)
			      : RATE_UNKNOWN;
	double sys = r.known ? rate_core_pct(t->stime, r.prev->stime, tck, r.dt_s)
			     : RATE_UNKNOWN;
	char f[4][48], a[16], b[16], c[16], d[16];
	const char *fields[4] = {f[0], f[1], f[2], f[3]};
	bool io = t->have & TARGET_HAVE_IO;
	/* a cgroup's own CPU (the kernel's counter) is the figure; user and
	 * sys are its processes' */
	double own =
		t->is_cgroup && t == m->cur->target ? cgtarget_cpu_pct(m->cur, t) : -1;

	/* a process's CPU is a share of one core (100% = one core busy), as
	 * top's and the process table's CPU%: the line says so */
	if (own >= 0 && user >= 0 && sys >= 0) {
		snprintf(f[0], sizeof(f[0]), "CPU  %5.1f%% of one core", own);
		snprintf(f[1], sizeof(f[1]), "user %.1f%%", user);
		snprintf(f[2], sizeof(f[2]), "sys %.1f%%", sys);
	} else if (user >= 0 && sys >= 0) {
		snprintf(f[0], sizeof(f[0]), "CPU  %5.1f%% of one core", user + sys);
		snprintf(f[1], sizeof(f[1]), "user %.1f%%", user);
		snprintf(f[2], sizeof(f[2]), "sys %.1f%%", sys);
	} else {
		snprintf(f[0], sizeof(f[0]), "CPU      -  of one core");
		snprintf(f[1], sizeof(f[1]), "user -");
		snprintf(f[2], sizeof(f[2]), "sys -");
	}
	put_fields(w, 3, 0, width, fields, 3);
	if (t->have & TARGET_HAVE_STATUS) {
		draw_memory_figures(w, t, width);
		snprintf(f[0], sizeof(f[0]), "Ctx   vol %s",
			 RATE(&r, t, vol_ctxsw, false, a));
		snprintf(f[1], sizeof(f[1]), "invol %s",
			 RATE(&r, t, invol_ctxsw, false, b));
		snprintf(f[2], sizeof(f[2]), "faults %s", RATE(&r, t, minflt, false, c));
		snprintf(f[3], sizeof(f[3]), "major %s", RATE(&r, t, majflt, false, d));
		put_fields(w, 7, 0, width, fields, 4);
	} else {
		put_text(w, 5, 0, width, "Mem   n/a (status unreadable)", false);
	}
	snprintf(f[0], sizeof(f[0]), "IO    read %s",
		 io ? RATE(&r, t, read_bytes, true, a) : "n/a");
	snprintf(f[1], sizeof(f[1]), "write %s",
		 io ? RATE(&r, t, write_bytes, true, b) : "n/a");
	if (t->is_cgroup)
		snprintf(f[2], sizeof(f[2]), "procs %d", t->nprocs);
	else if (t->have & TARGET_HAVE_FDS)
		snprintf(f[2], sizeof(f[2]), "fds %d", t->fds);
	else
		snprintf(f[2], sizeof(f[2]), "fds n/a");
	snprintf(f[3], sizeof(f[3]), "threads %d", t->num_threads);
	put_fields(w, 8, 0, width, fields, 4);
}

/*
 * Row 4: the limits of the process's own cgroup (its row of the process
 * table names it): memory against memory.max, its CPU against its quota
 * (% of one core) and the share of its periods throttled since the frame
 * before, the cgroup's pressure (the highest "some" avg10), cut at the
 * width in that order. Nothing when the cgroup is not
 * known. The leak verdict's time to limit already counts the cgroup's
 * memory limit when it is below the machine's (collectors/heap).
 */
static void draw_cgroup(WINDOW *w, const struct ui_model *m, const struct frame *fr,
			const struct target_sample *t, int width)
{
	const struct proc_row *row = fr ? proc_table_find(&fr->procs, t->pid) : NULL;
	const char *path = t->is_cgroup ? t->cgroup : row ? row->cgroup : NULL;
	const struct cgroup_row *cg, *pcg;
	struct cgroup_ident id;
	char line[160], a[16], b[16];
	size_t n;
	double psi = -1;

	if (!path || !(cg = cgroup_table_find(&fr->cgroups, path)))
		return;
	cgroup_identify(cg->path, &id);
	n = (size_t)snprintf(line, sizeof(line), "Cgrp %.10s mem ", id.name);
	if (!(cg->have & CGROUP_HAVE_MEM))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "-");
	else
		n += (size_t)snprintf(
			line + n, sizeof(line) - n, "%s/%s",
			units_bytes_short((double)cg->mem_current, a, sizeof(a)),
			(cg->have & CGROUP_HAVE_MEM_LIMIT) &&
					cg->mem_max != CGROUP_UNLIMITED
				? units_bytes_short((double)cg->mem_max, b, sizeof(b))
				: "max");
	/* its CPU against its quota, both in % of one core */
	if (cg->cpu_pct >= 0)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " cpu %.0f",
				      cg->cpu_pct);
	else
		n += (size_t)snprintf(line + n, sizeof(line) - n, " cpu -");
	if ((cg->have & CGROUP_HAVE_QUOTA) && cg->cpu_quota_us != CGROUP_UNLIMITED) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "/%.0f%%",
				      (double)cg->cpu_quota_us * 100.0 /
					      (double)cg->cpu_period_us);
		pcg = m->prev && fr == m->cur
			      ? cgroup_table_find(&m->prev->cgroups, cg->path)
			      : NULL;
		if (pcg && cg->nr_periods > pcg->nr_periods &&
		    cg->nr_throttled >= pcg->nr_throttled)
			n += (size_t)snprintf(
				line + n, sizeof(line) - n, " thr %.0f%%",
				(double)(cg->nr_throttled - pcg->nr_throttled) * 100.0 /
					(double)(cg->nr_periods - pcg->nr_periods));
	} else {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%%");
	}
	for (int i = 0; i < PSI_N; i++)
		if (cg->psi[i].present && cg->psi[i].some.avg10 > psi)
			psi = cg->psi[i].some.avg10;
	if (psi >= 0 && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " psi %.1f", psi);
	put_text(w, 4, 0, width, line, false);
}

/* The graphs right of the figures, top to bottom. */
enum { GRAPH_CPU, GRAPH_RSS, GRAPH_IO, GRAPHS_N };

/*
 * Rows of each history graph in a body of rows x cols: 2 at 80x24 (the
 * three fill the rows of the figures), and taller as the terminal grows
 * (one more per 8 rows, up to 8); 0 when the graphs give way to the
 * figures (under GRAPH_MIN_COLS).
 */
static int graph_rows(int rows, int cols)
{
	int gh = 2 + (rows - 22) / 8;

	if (cols < GRAPH_MIN_COLS)
		return 0;
	return gh < 2 ? 2 : gh > 8 ? 8 : gh;
}

/* Rows above the panel: the figures (rows 0..8) or the graphs, and the tabs. */
static int head_rows(int rows, int cols)
{
	int graphs = 3 + GRAPHS_N * graph_rows(rows, cols) + 1;

	return graphs > TARGET_HEAD_ROWS ? graphs : TARGET_HEAD_ROWS;
}

int target_graph_cells(int cols)
{
	int left = cols * 3 / 5;

	return cols >= GRAPH_MIN_COLS
		       ? draw_graph_cells(cols - left - 1 - GRAPH_TITLE_COLS)
		       : 0;
}

static void draw_graphs(WINDOW *w, const struct ui_model *m, int x, int width, int gh)
{
	static const char *const titles[GRAPHS_N] = {"CPU", "RSS", "IO"};
	const struct ui_history *h = &m->hist;
	const struct graph_spec g[GRAPHS_N] = {
		{.values = h->tcpu.v,
		 .n = h->tcpu.n,
		 .unit = GRAPH_UNIT_CPU,
		 .window_ms = m->zoom_ms,
		 .centred = m->replay,
		 .role = PAL_METER_USER},
		{.values = h->trss.v,
		 .n = h->trss.n,
		 .unit = GRAPH_UNIT_BYTES,
		 .window_ms = m->zoom_ms,
		 .centred = m->replay,
		 .role = PAL_GRAPH},
		/* disk reads and writes together, as the IO line's figures */
		{.values = h->tio.v,
		 .n = h->tio.n,
		 .unit = GRAPH_UNIT_BYTES_S,
		 .window_ms = m->zoom_ms,
		 .centred = m->replay,
		 .role = PAL_METER_OTHER},
	};
	int gw = width - GRAPH_TITLE_COLS;

	if (draw_graph_cells(gw) < 8 || gh < 1)
		return;
	for (int i = 0; i < GRAPHS_N; i++) {
		wattrset(w, pal(PAL_TITLE));
		put_text(w, 3 + i * gh, x, GRAPH_TITLE_COLS, titles[i], false);
		draw_graph_scaled(w, 3 + i * gh, x + GRAPH_TITLE_COLS, gw, gh, m->ascii,
				  &g[i]);
	}
	wattrset(w, pal(PAL_NORMAL));
}

struct thread_row {
	const struct thread_sample *t;
	double pct;
};

static int by_cpu_desc(const void *a, const void *b)
{
	const struct thread_row *x = a, *y = b;

	if (x->pct != y->pct)
		return x->pct < y->pct ? 1 : -1;
	return (x->t->tid > y->t->tid) - (x->t->tid < y->t->tid);
}

static const struct thread_sample *find_tid(const struct target_sample *s, int tid)
{
	for (size_t i = 0; s && i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			return &s->threads[i];
	return NULL;
}

/* "  (read 3s ago)" when the thread detail is older than the shown tick. */
static void age_note(char *buf, size_t len, double age_s)
{
	if (age_s >= 0.5)
		snprintf(buf, len, "  threads read %.0fs ago", age_s);
	else
		buf[0] = '\0';
}

static void draw_threads(WINDOW *w, const struct ui_model *m,
			 const struct target_sample *cur, const struct target_state *st,
			 int rows, int cols)
{
	const struct target_sample *t, *prev;
	double dt_s, age_s;
	long tck = m->meta && m->meta->clk_tck ? m->meta->clk_tck : 100;
	int head_y = head_rows(rows, cols), body = rows - head_y - 1;
	char head[160], tm[24], age[40];
	struct thread_row *tr;
	long top;

	if (!ui_threads_of(m, cur, &t, &prev, &dt_s, &age_s))
		return;
	age_note(age, sizeof(age), age_s);
	snprintf(head, sizeof(head), "%7s %-16s S  %6s %9s%s", "TID", "THREAD", "CPU%",
		 "TIME+", age);
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, head_y, 0, cols, head, true);
	wattrset(w, pal(PAL_NORMAL));
	tr = calloc(t->nthreads ? t->nthreads : 1, sizeof(*tr));
	if (!tr)
		return;
	for (size_t i = 0; i < t->nthreads; i++) {
		const struct thread_sample *p = find_tid(prev, t->threads[i].tid);
		uint64_t now = t->threads[i].utime + t->threads[i].stime;

		tr[i].t = &t->threads[i];
		/* over the time between the two readings, however far apart */
		tr[i].pct = p ? rate_core_pct(now, p->utime + p->stime, tck, dt_s)
			      : RATE_UNKNOWN;
	}
	qsort(tr, t->nthreads, sizeof(*tr), by_cpu_desc);
	top = list_cursor_shown_top(&st->scroll, (long)t->nthreads, body);
	for (int i = 0; i < body && top + i < (long)t->nthreads; i++) {
		const struct thread_row *x = &tr[top + i];
		char pct[16];

		if (x->pct < 0)
			snprintf(pct, sizeof(pct), "%6s", "-");
		else
			snprintf(pct, sizeof(pct), "%6.1f", x->pct);
		units_cpu_time(x->t->utime + x->t->stime, tck, tm, sizeof(tm));
		put_textf(w, head_y + 1 + i, 0, cols, "%7d %-16.16s %c  %s %9s",
			  x->t->tid, x->t->comm, x->t->state, pct, tm);
	}
	free(tr);
}

/* Row 9: which panel is below, and how to change it. */
static void draw_tabs(WINDOW *w, const struct target_state *st, bool cgroup, int y,
		      int cols)
{
	static const char *const proc[TARGET_PANEL_N] = {"Threads", "Latency", "Memory"};
	static const char *const cg[TARGET_PANEL_N] = {"Processes", "Pressure", "Memory"};
	const char *const *names = cgroup ? cg : proc;
	int x = 0;

	for (int i = 0; i < TARGET_PANEL_N && x < cols; i++) {
		wattrset(w, pal(i == (int)st->panel ? PAL_SELECTED : PAL_DIM));
		x += put_textf(w, y, x, cols - x, " %s ", names[i]);
		x++;
	}
	wattrset(w, pal(PAL_DIM));
	if (x < cols)
		put_text(w, y, x + 1, cols - x - 1, "Tab: next panel", false);
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_panel(WINDOW *w, const struct ui_model *m, const struct target_sample *t,
		       const struct target_state *st, int rows, int cols)
{
	struct rates r = rates_of(m, t);
	int head = head_rows(rows, cols);

	draw_tabs(w, st, t->is_cgroup, head - 1, cols);
	if (rows <= head + 1)
		return;
	if (st->panel == TARGET_PANEL_MEMORY)
		memory_draw(w, m, t, head, rows - head, cols);
	else if (t->is_cgroup && st->panel == TARGET_PANEL_LATENCY)
		cgtarget_draw_pressure(w, m->cur && m->cur->target == t ? m->cur : NULL,
				       m->prev, t, head, rows - head, cols);
	else if (t->is_cgroup) /* threads need one process: its processes */
		cgtarget_draw_procs(w, m->cur && m->cur->target == t ? m->cur : NULL, t,
				    head, rows - head, cols);
	else if (st->panel == TARGET_PANEL_LATENCY)
		latency_draw(w, m, t, r.known ? r.prev : NULL, r.known ? r.dt_s : 0, head,
			     rows - head, cols, &st->scroll);
	else
		draw_threads(w, m, t, st, rows, cols);
}

/* The sample the screen shows: the latest, or the last alive one. */
static const struct target_sample *shown_of(const struct ui_model *m,
					    const struct frame **fr)
{
	const struct target_sample *cur = m->cur ? m->cur->target : NULL;

	*fr = m->cur;
	if (cur && !cur->alive) {
		*fr = m->target_last;
		return *fr && (*fr)->target ? (*fr)->target : NULL;
	}
	return cur;
}

void target_table_size(const struct ui_model *m, const struct target_state *st, int rows,
		       int cols, long *n, long *visible)
{
	const struct frame *fr;
	const struct target_sample *shown = shown_of(m, &fr), *t = NULL, *b;
	double dt_s, age_s;

	int head = head_rows(rows, cols);

	*n = *visible = 0;
	if (!shown || !ui_threads_of(m, shown, &t, &b, &dt_s, &age_s))
		return;
	*n = (long)t->nthreads;
	if (st->panel == TARGET_PANEL_THREADS)
		*visible = rows - head - 1;
	else if (st->panel == TARGET_PANEL_LATENCY)
		*visible = latency_table_rows(m, shown, rows - head);
	else
		*n = 0;
	if (*visible < 1)
		*visible = 1;
}

void target_draw(WINDOW *w, const struct ui_model *m, const struct target_state *st)
{
	int rows = getmaxy(w), cols = getmaxx(w);
	int left = cols >= GRAPH_MIN_COLS ? cols * 3 / 5 : cols;
	const struct target_sample *cur = m->cur ? m->cur->target : NULL;
	const struct target_sample *shown = cur;
	const struct frame *fr = m->cur;

	werase(w);
	if (m->attaching_pid) { /* nothing of the previous target */
		put_textf(w, 0, 0, cols, "PID %d", m->attaching_pid);
		put_text(w, 2, 0, cols,
			 "attaching: its first figures arrive with the next tick", false);
		return;
	}
	if (!cur) {
		put_text(w, 0, 0, cols,
			 "no process attached: Esc, then Enter on a process", false);
		return;
	}
	if (!cur->alive) {
		fr = m->target_last;
		shown = fr && fr->target ? fr->target : NULL;
	}
	if (shown)
		draw_identity(w, fr, shown, cols);
	else
		put_textf(w, 0, 0, cols, "PID %d", cur->pid);
	draw_banner(w, m, cur, cols);
	if (!shown)
		return;
	draw_numbers(w, m, shown, left);
	draw_cgroup(w, m, fr, shown, left);
	if (left < cols)
		draw_graphs(w, m, left + 1, cols - left - 1, graph_rows(rows, cols));
	draw_panel(w, m, shown, st, rows, cols);
}
