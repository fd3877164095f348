/* SPDX-License-Identifier: MIT */
/*
 * latency_view: the latency panel. Figures are derived from two samples of
 * the same process (this tick and the one before); a thread is compared with
 * itself by tid, so threads that come and go never produce wild rates.
 * When delay accounting is off the panel says how to turn it on instead of
 * showing a block-IO delay of zero that would be a lie.
 */
#include "views/latency_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rates.h"
#include "core/syscalls.h"
#include "core/units.h"
#include "views/draw.h"

struct wait_row {
	const struct thread_sample *t;
	double wait_ms_s; /* run-queue wait, ms per second; < 0 unknown */
	double share;	  /* % of runnable time spent waiting; < 0 unknown */
	double per_slice_us;
};

static const struct thread_sample *find_tid(const struct target_sample *s, int tid)
{
	size_t lo = 0, hi = s ? s->nthreads : 0;

	while (lo < hi) { /* threads are ascending by tid */
		size_t mid = (lo + hi) / 2;

		if (s->threads[mid].tid == tid)
			return &s->threads[mid];
		if (s->threads[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Wait figures between two readings of run/delay/slices counters. */
static void wait_of(uint64_t run, uint64_t delay, uint64_t slices, uint64_t prun,
		    uint64_t pdelay, uint64_t pslices, double dt_s, struct wait_row *r)
{
	struct sched_rates s;

	rate_sched(run, delay, slices, prun, pdelay, pslices, dt_s, &s);
	r->wait_ms_s = s.wait_ms_per_s;
	r->share = s.wait_share_pct;
	r->per_slice_us = s.wait_us_per_slice;
}

static int by_wait_desc(const void *a, const void *b)
{
	const struct wait_row *x = a, *y = b;

	if (x->wait_ms_s != y->wait_ms_s)
		return x->wait_ms_s < y->wait_ms_s ? 1 : -1;
	return (x->t->tid > y->t->tid) - (x->t->tid < y->t->tid);
}

/* v with decimals places, or "-" when unknown. */
static const char *num(double v, int decimals, char *buf, size_t len)
{
	if (v < 0 || isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", decimals, v);
	return buf;
}

static void draw_wait_lines(WINDOW *w, const struct target_sample *t,
			    const struct target_sample *prev, double dt_s, long tck,
			    int y, int cols)
{
	struct wait_row r = {0};
	char a[16], b[16], c[16];

	if (prev && (t->have & prev->have & TARGET_HAVE_SCHED))
		wait_of(t->run_ns, t->run_delay_ns, t->slices, prev->run_ns,
			prev->run_delay_ns, prev->slices, dt_s, &r);
	else
		r.wait_ms_s = r.share = r.per_slice_us = -1;
	wattrset(w, pal(PAL_TITLE));
	put_words(w, y, 0, 6, "Wait", false);
	wattrset(w, pal(r.share >= 20 ? PAL_WARN : PAL_NORMAL));
	if (t->have & TARGET_HAVE_SCHED)
		put_wordsf(w, y, 6, cols - 6,
			   "run queue %s%% of runnable time, %s ms/s, %s us/slice",
			   num(r.share, 1, a, sizeof(a)),
			   num(r.wait_ms_s, 1, b, sizeof(b)),
			   num(r.per_slice_us, 0, c, sizeof(c)));
	else
		put_words(w, y, 6, cols - 6, "run queue: schedstat unreadable", false);
	wattrset(w, pal(PAL_NORMAL));
	if (t->delayacct == 1) {
		double io = prev ? rate_ticks_ms_per_s(t->blkio_ticks, prev->blkio_ticks,
						       tck, dt_s)
				 : RATE_UNKNOWN;

		put_wordsf(w, y + 1, 6, cols - 6, "block IO %s ms/s",
			   num(io, 1, a, sizeof(a)));
	} else {
		wattrset(w, pal(PAL_DIM));
		put_words(
			w, y + 1, 6, cols - 6,
			t->delayacct == 0
				? "block IO: delay accounting off (as root: sysctl "
				  "kernel.task_delayacct=1)"
				: "block IO: unknown (kernel.task_delayacct unreadable)",
			false);
		wattrset(w, pal(PAL_NORMAL));
	}
}

static void draw_pressure(WINDOW *w, const struct ui_model *m,
			  const struct target_sample *t, int y, int cols)
{
	const struct psi *s = m->cur ? m->cur->sys.psi : NULL;
	char line[256];
	int off;

	wattrset(w, pal(PAL_TITLE));
	put_words(w, y, 0, 6, "PSI", false);
	wattrset(w, pal(PAL_NORMAL));
	if (t->have & TARGET_HAVE_CGPSI) {
		const struct psi *c = t->cg_psi;

		off = snprintf(line, sizeof(line),
			       "cg cpu %.1f mem %.1f/%.1f io %.1f/%.1f",
			       c[PSI_CPU].some.avg10, c[PSI_MEMORY].some.avg10,
			       c[PSI_MEMORY].full.avg10, c[PSI_IO].some.avg10,
			       c[PSI_IO].full.avg10);
	} else {
		off = snprintf(line, sizeof(line), "cg n/a");
	}
	if (s && s[PSI_CPU].present && off > 0 && (size_t)off < sizeof(line))
		snprintf(line + off, sizeof(line) - (size_t)off,
			 " | sys cpu %.1f mem %.1f/%.1f io %.1f/%.1f",
			 s[PSI_CPU].some.avg10, s[PSI_MEMORY].some.avg10,
			 s[PSI_MEMORY].full.avg10, s[PSI_IO].some.avg10,
			 s[PSI_IO].full.avg10);
	put_words(w, y, 6, cols - 6, line, false);
}

static void draw_states(WINDOW *w, const struct ui_model *m,
			const struct target_sample *t, int y, int cols)
{
	int run = 0, sleep = 0, disk = 0, other = 0;
	int gx;

	for (size_t i = 0; t && i < t->nthreads; i++) {
		char s = t->threads[i].state;

		if (s == 'R')
			run++;
		else if (s == 'S' || s == 'I')
			sleep++;
		else if (s == 'D')
			disk++;
		else
			other++;
	}
	wattrset(w, pal(PAL_TITLE));
	put_words(w, y, 0, 6, "Thr", false);
	wattrset(w, pal(PAL_NORMAL));
	gx = put_wordsf(w, y, 6, cols - 6, "%d running  %d sleeping  %d disk%s", run,
			sleep, disk, other ? "  + other" : "");
	/* the wait share's history beside it, when there is room */
	gx += 6 + 2;
	if (m->hist.twait.n && draw_graph_cells(cols - gx - 6) >= 8) {
		wattrset(w, pal(PAL_DIM));
		put_words(w, y, gx, 6, "wait%", false);
		draw_graph_scaled(w, y, gx + 6, cols - gx - 6, 1, m->ascii,
				  &(struct graph_spec){.values = m->hist.twait.v,
						       .n = m->hist.twait.n,
						       .unit = GRAPH_UNIT_PCT,
						       .window_ms = m->zoom_ms,
						       .centred = m->replay,
						       .role = PAL_METER_OTHER});
		wattrset(w, pal(PAL_NORMAL));
	}
}

static void draw_thread_table(WINDOW *w, const struct target_sample *t,
			      const struct target_sample *prev, double dt_s, double age_s,
			      int y, int rows, int cols, long top)
{
	struct wait_row *wr = calloc(t->nthreads ? t->nthreads : 1, sizeof(*wr));
	char head[160], a[16], b[16], c[16], sys[16], age[40] = "";

	if (age_s >= 0.5)
		snprintf(age, sizeof(age), "  read %.0fs ago", age_s);
	snprintf(head, sizeof(head), "%7s %-15s S %6s %7s %7s  %-20s %s%s", "TID",
		 "THREAD", "WAIT%", "WAITms/s", "us/slc", "WCHAN", "SYSCALL", age);
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_words(w, y, 0, cols, head, true);
	wattrset(w, pal(PAL_NORMAL));
	if (!wr)
		return;
	for (size_t i = 0; i < t->nthreads; i++) {
		const struct thread_sample *th = &t->threads[i],
					   *p = find_tid(prev, th->tid);

		wr[i].t = th;
		wr[i].wait_ms_s = wr[i].share = wr[i].per_slice_us = -1;
		if (p && th->have_sched && p->have_sched)
			wait_of(th->run_ns, th->run_delay_ns, th->slices, p->run_ns,
				p->run_delay_ns, p->slices, dt_s, &wr[i]);
	}
	qsort(wr, t->nthreads, sizeof(*wr), by_wait_desc);
	for (int i = 0; i + 1 < rows && top + i < (long)t->nthreads; i++) {
		const struct wait_row *x = &wr[top + i];

		if (x->t->syscall >= 0 && syscall_name(x->t->syscall))
			snprintf(sys, sizeof(sys), "%s", syscall_name(x->t->syscall));
		else if (x->t->syscall >= 0)
			snprintf(sys, sizeof(sys), "#%d", x->t->syscall);
		else
			snprintf(sys, sizeof(sys), "%s",
				 x->t->syscall == -1 ? "running" : "-");
		put_wordsf(w, y + 1 + i, 0, cols,
			   "%7d %-15.15s %c %6s %7s %7s  %-20.20s %s", x->t->tid,
			   x->t->comm, x->t->state, num(x->share, 1, a, sizeof(a)),
			   num(x->wait_ms_s, 1, b, sizeof(b)),
			   num(x->per_slice_us, 0, c, sizeof(c)),
			   x->t->wchan[0] ? x->t->wchan : "-", sys);
	}
	free(wr);
}

static const struct timer_stat *find_timer(const struct timer_stat *t, size_t n,
					   const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

/* One line: StatsD lines in the window, the malformed ones by reason, and
 * what was dropped (over the per-tick metric cap, by the kernel). */
static int draw_ingest(WINDOW *w, const struct ui_model *m, int y, int cols)
{
	const struct app_ingest *g = &m->ingest;
	uint64_t badn = 0, cap = g->bad[APP_BAD_TOO_MANY_METRICS];
	char line[512];
	int off;

	for (int i = 0; i < APP_BAD_N; i++)
		badn += i == APP_BAD_TOO_MANY_METRICS ? 0 : g->bad[i];
	off = snprintf(line, sizeof(line), "StatsD %llu lines, %llu malformed",
		       (unsigned long long)g->lines, (unsigned long long)badn);
	for (int i = 0; i < APP_BAD_N && off > 0 && (size_t)off < sizeof(line); i++)
		if (g->bad[i] && i != APP_BAD_TOO_MANY_METRICS)
			off += snprintf(line + off, sizeof(line) - (size_t)off,
					"%s %s %llu",
					off > 0 && line[off - 1] == 'd' ? ":" : ",",
					app_bad_name((enum app_bad)i),
					(unsigned long long)g->bad[i]);
	if (cap && off > 0 && (size_t)off < sizeof(line))
		off += snprintf(line + off, sizeof(line) - (size_t)off,
				"; %llu dropped over %d metrics/tick",
				(unsigned long long)cap, APP_METRICS_PER_TICK);
	if (g->dropped && off > 0 && (size_t)off < sizeof(line))
		snprintf(line + off, sizeof(line) - (size_t)off,
			 "; %llu datagrams dropped", (unsigned long long)g->dropped);
	wattrset(w, pal(badn || cap || g->dropped ? PAL_WARN : PAL_DIM));
	put_words(w, y, 0, cols, line, false);
	wattrset(w, pal(PAL_NORMAL));
	return 1;
}

/* A rate for the n/s column: whole above 100/s, one decimal below. */
static const char *rate_text(double r, char *buf, size_t len)
{
	if (isnan(r) || r < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, r >= 99.95 ? "%.0f" : "%.1f", r);
	return buf;
}

/* One timer row: label, n/s, p50 p90 p99 p99.9 max in their own units. */
static void timer_row(WINDOW *w, int y, int cols, const char *label,
		      const struct timer_stat *t)
{
	char r[16], v[5][16];

	put_wordsf(w, y, 0, cols, "%-24.24s %5s %8s %8s %8s %8s %8s", label,
		   rate_text(t->per_s, r, sizeof(r)), units_latency(t->p50_ms, v[0], 16),
		   units_latency(t->p90_ms, v[1], 16), units_latency(t->p99_ms, v[2], 16),
		   units_latency(t->p999_ms, v[3], 16),
		   units_latency(t->max_ms, v[4], 16));
}

/* Counters (total, rate) and gauges (last, min, max) over the window. */
static int draw_values(WINDOW *w, const struct ui_model *m, int y, int rows, int cols)
{
	int used = 0;

	if (!m->napp_values || rows < 2)
		return 0;
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_words(w, y + used++, 0, cols, "COUNTER|GAUGE (window)", true);
	wattrset(w, pal(PAL_NORMAL));
	for (size_t i = 0; i < m->napp_values && used < rows; i++) {
		const struct app_value_stat *v = &m->app_values[i];
		char r[16];

		if (v->kind == APP_COUNTER)
			put_wordsf(w, y + used++, 0, cols, "%-24.24s total %-12.6g %s/s",
				   v->name, v->total, rate_text(v->per_s, r, sizeof(r)));
		else
			put_wordsf(w, y + used++, 0, cols,
				   "%-24.24s last %-10.6g min %-10.6g max %.6g", v->name,
				   v->last, v->min, v->max);
	}
	return used;
}

/*
 * The StatsD timers: per timer the shown tick and the graph window, then the
 * busiest timer's p99 over the window, then counters and gauges. Returns the
 * rows used.
 */
static int draw_timers(WINDOW *w, const struct ui_model *m, int y, int rows, int cols)
{
	char head[160], label[48];
	int used = 0, fit;
	size_t nvalues = m->napp_values;
	/* rows kept for counters and gauges: their header and two of them */
	int keep = nvalues ? 1 + (nvalues > 1 ? 2 : 1) : 0;

	if ((!m->ntimers_window && !m->ingest.lines) || rows < 2)
		return 0;
	used += draw_ingest(w, m, y, cols);
	fit = (rows - used - keep - 1) / 2; /* timers that fit, two rows each */
	if (m->ntimers_window && fit > 0) {
		snprintf(head, sizeof(head), "%-24s %5s %8s %8s %8s %8s %8s",
			 "TIMER tick|window", "n/s", "p50", "p90", "p99", "p99.9", "max");
		wattrset(w, pal(PAL_TABLE_HEAD));
		put_words(w, y + used++, 0, cols, head, true);
		wattrset(w, pal(PAL_NORMAL));
	}
	for (size_t i = 0; i < m->ntimers_window && (int)i < fit; i++) {
		const struct timer_stat *win = &m->timers_window[i];
		const struct timer_stat *tk =
			find_timer(m->timers_tick, m->ntimers_tick, win->name);

		if (tk)
			timer_row(w, y + used, cols, win->name, tk);
		else
			put_wordsf(w, y + used, 0, cols, "%-24.24s %5s %8s", win->name,
				   "-", "-");
		used++;
		if (win->clamped)
			snprintf(label, sizeof(label), "%llu clamped above 1h",
				 (unsigned long long)win->clamped);
		else
			snprintf(label, sizeof(label), "window");
		wattrset(w, pal(win->clamped ? PAL_WARN : PAL_DIM));
		timer_row(w, y + used++, cols, label, win);
		wattrset(w, pal(PAL_NORMAL));
	}
	if (m->hist.tp99.n && m->tp99_name && fit > 0 && used + 1 + keep <= rows) {
		wattrset(w, pal(PAL_DIM));
		put_wordsf(w, y + used, 0, 24, "p99 %.19s", m->tp99_name);
		if (draw_graph_cells(cols - 25) >= 8)
			draw_graph_scaled(w, y + used, 25, cols - 25, 1, m->ascii,
					  &(struct graph_spec){.values = m->hist.tp99.v,
							       .n = m->hist.tp99.n,
							       .unit = GRAPH_UNIT_MS,
							       .window_ms = m->zoom_ms,
							       .centred = m->replay,
							       .role = PAL_METER_OTHER});
		wattrset(w, pal(PAL_NORMAL));
		used++;
	}
	return used + draw_values(w, m, y + used, rows - used, cols);
}

/* Rows draw_timers uses when given rows rows (what it draws, counted). */
static int timers_rows_used(const struct ui_model *m, int rows)
{
	size_t nvalues = m->napp_values;
	int keep = nvalues ? 1 + (nvalues > 1 ? 2 : 1) : 0, used = 1, fit, left;

	if ((!m->ntimers_window && !m->ingest.lines) || rows < 2)
		return 0;
	fit = (rows - used - keep - 1) / 2;
	if (m->ntimers_window && fit > 0)
		used += 1 + 2 * (m->ntimers_window < (size_t)fit ? (int)m->ntimers_window
								 : fit);
	if (m->hist.tp99.n && m->tp99_name && fit > 0 && used + 1 + keep <= rows)
		used++;
	left = rows - used;
	if (nvalues && left >= 2)
		used += 1 + (int)nvalues < left ? 1 + (int)nvalues : left;
	return used;
}

/* Rows the StatsD part would use with room for everything. */
static int timers_rows_wanted(const struct ui_model *m)
{
	if (!m->ntimers_window && !m->ingest.lines)
		return 0;
	return 1 + (m->ntimers_window ? 2 + 2 * (int)m->ntimers_window : 0) +
	       (m->napp_values ? 1 + (int)m->napp_values : 0);
}

/*
 * Rows of the panel's StatsD part (timers_room, its first row at 4) and of
 * the thread table (head included; 0 when there is no room for a row), in
 * a panel of rows rows: the application's own metrics first, with all the
 * rows they need but the thread table's head and up to two threads, at
 * least half; the threads get the rest.
 */
static int layout(const struct ui_model *m, const struct target_sample *t, int rows,
		  int *timers_room)
{
	int want = timers_rows_wanted(m), room = (rows - 4) / 2;
	int threads = 1 + (t->nthreads < 2 ? (int)t->nthreads : 2), used;

	if (want > room)
		room = want < rows - 4 - threads ? want : rows - 4 - threads;
	*timers_room = room;
	used = 4 + timers_rows_used(m, room);
	return rows - used > 1 ? rows - used : 0;
}

int latency_table_rows(const struct ui_model *m, const struct target_sample *t, int rows)
{
	int room, table;

	if (rows < 4)
		return 0;
	table = layout(m, t, rows, &room);
	return table > 1 ? table - 1 : 0;
}

void latency_draw(WINDOW *w, const struct ui_model *m, const struct target_sample *t,
		  const struct target_sample *prev, double dt_s, int y0, int rows,
		  int cols, const struct list_cursor *scroll)
{
	long tck = m->meta && m->meta->clk_tck ? m->meta->clk_tck : 100;
	const struct target_sample *th, *thp;
	double th_dt, th_age;
	bool have_th;
	int room, table;

	if (rows < 4)
		return;
	/* the threads' own figures come from the thread detail, which a big
	 * process has every few ticks: rates over the time between readings */
	have_th = ui_threads_of(m, t, &th, &thp, &th_dt, &th_age);
	draw_wait_lines(w, t, prev, dt_s, tck, y0, cols);
	draw_pressure(w, m, t, y0 + 2, cols);
	draw_states(w, m, th, y0 + 3, cols);
	table = layout(m, t, rows, &room);
	draw_timers(w, m, y0 + 4, room, cols);
	if (table && have_th)
		draw_thread_table(
			w, th, thp, th_dt, th_age, y0 + rows - table, table, cols,
			list_cursor_shown_top(scroll, (long)th->nthreads, table - 1));
}
