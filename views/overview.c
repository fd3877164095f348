/* SPDX-License-Identifier: MIT */
/*
 * overview: the machine at a glance. The header has per-core CPU meters,
 * memory and swap meters and history graphs beside them; below it, the
 * process table. Rates (per-core CPU) come from the two newest frames.
 *
 * Layout adapts to the width: under 70 columns the graphs give way to the
 * meters; cores are packed into 1, 2 or 4 columns so a 64-core box still
 * leaves room for the table.
 */
#include "views/overview.h"

#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "views/draw.h"
#include "views/io_view.h"

#define GRAPH_MIN_COLS 70
#define GRAPH_LABEL_COLS 8 /* "CPU all" and the figure under it */

static int core_columns(size_t ncores)
{
	return ncores <= 4 ? 1 : ncores <= 16 ? 2 : 4;
}

static int cpu_rows(const struct ui_model *m)
{
	size_t n = m->cur ? m->cur->sys.ncores : 1;
	int per = core_columns(n);

	return (int)((n + (size_t)per - 1) / (size_t)per);
}

/*
 * Rows the graphs get beyond the meters' in a terminal of rows x cols: none
 * at 24 rows, one more per 6 rows up to 6 (shared by the CPU and memory
 * graphs), none when the graphs give way to the meters.
 */
static int graph_extra(int rows, int cols)
{
	int e = (rows - 24) / 6;

	if (cols < GRAPH_MIN_COLS || e < 0)
		return 0;
	return 2 * (e > 6 ? 6 : e);
}

int overview_header_rows(const struct ui_model *m, int rows, int cols)
{
	/* cores, Mem, Swp (the graphs beside them, taller when there is
	 * room), summary, I/O */
	return cpu_rows(m) + 2 + graph_extra(rows, cols) + 2;
}

/*
 * Share of the time between two readings spent in each busy class, as parts
 * of 100 (user+nice, system+irq+softirq, steal), and their sum, the busy
 * share cpu_times_busy_pct() gives every other CPU figure of the system
 * (iowait is idle time, as top and htop count it). 0 for no time.
 */
static double cpu_parts(const struct cpu_times *a, const struct cpu_times *b,
			struct meter_part parts[3])
{
	double busy = cpu_times_busy_pct(a, b);
	double busy_ticks = (double)(cpu_times_busy(b) - cpu_times_busy(a));
	/* in double: one field may step back while the sum moves on */
	double user =
		(double)b->user + (double)b->nice - (double)a->user - (double)a->nice;
	double steal = (double)b->steal - (double)a->steal;

	if (busy <= 0 || busy_ticks <= 0 || user < 0 || steal < 0 ||
	    user + steal > busy_ticks) {
		parts[0] = (struct meter_part){0, PAL_METER_USER};
		parts[1] = (struct meter_part){0, PAL_METER_SYS};
		parts[2] = (struct meter_part){0, PAL_METER_OTHER};
		return 0;
	}
	/* split the busy share in the proportions of its ticks */
	parts[0] = (struct meter_part){busy * user / busy_ticks, PAL_METER_USER};
	parts[2] = (struct meter_part){busy * steal / busy_ticks, PAL_METER_OTHER};
	parts[1] = (struct meter_part){busy - parts[0].value - parts[2].value,
				       PAL_METER_SYS};
	return busy;
}

static const struct core_times *prev_core(const struct ui_model *m, int cpu)
{
	if (!m->prev)
		return NULL;
	for (size_t i = 0; i < m->prev->sys.ncores; i++)
		if (m->prev->sys.cores[i].cpu == cpu)
			return &m->prev->sys.cores[i];
	return NULL;
}

static void draw_cores(WINDOW *w, const struct ui_model *m, int width)
{
	const struct sys_sample *s = &m->cur->sys;
	int per = core_columns(s->ncores), rows = cpu_rows(m), cw = width / per;

	for (size_t i = 0; i < s->ncores; i++) {
		const struct core_times *pc = prev_core(m, s->cores[i].cpu);
		struct meter_part parts[3];
		char label[16], text[16];
		/* a core seen for the first time has no share yet */
		double busy =
			cpu_parts(pc ? &pc->t : &s->cores[i].t, &s->cores[i].t, parts);

		snprintf(label, sizeof(label), "%3d", s->cores[i].cpu);
		snprintf(text, sizeof(text), "%.1f%%", busy);
		draw_meter(w, (int)i % rows, (int)i / rows * cw, cw - 1, label, parts, 3,
			   100, text);
	}
}

static void draw_memory(WINDOW *w, const struct ui_model *m, int y, int width)
{
	const struct sys_sample *s = &m->cur->sys;
	double used = (double)(s->mem_total - s->mem_available);
	double cache = (double)(s->cached + s->buffers);
	double swap_used = (double)(s->swap_total - s->swap_free);
	char a[16], b[16], text[40];
	struct meter_part mem[2], swp[1];

	if (cache > s->mem_total - used)
		cache = 0;
	mem[0] = (struct meter_part){used, PAL_METER_USER};
	mem[1] = (struct meter_part){cache, PAL_METER_OTHER};
	snprintf(text, sizeof(text), "%s/%s", units_bytes_short(used, a, sizeof(a)),
		 units_bytes_short((double)s->mem_total, b, sizeof(b)));
	draw_meter(w, y, 0, width - 1, "Mem", mem, 2, (double)s->mem_total, text);
	swp[0] = (struct meter_part){swap_used, PAL_METER_SYS};
	snprintf(text, sizeof(text), "%s/%s", units_bytes_short(swap_used, a, sizeof(a)),
		 units_bytes_short((double)s->swap_total, b, sizeof(b)));
	draw_meter(w, y + 1, 0, width - 1, "Swp", swp, 1, (double)s->swap_total, text);
}

/* Tasks, load and pressure as fields: a narrow terminal loses whole ones. */
static void draw_summary(WINDOW *w, const struct ui_model *m, int y, int cols)
{
	const struct sys_sample *s = &m->cur->sys;
	const struct proc_table *t = &m->cur->procs;
	long threads = 0, running = 0;
	char f[5][64];
	const char *fields[5] = {f[0], f[1], f[2], f[3], f[4]};
	bool psi = s->psi[PSI_CPU].present;

	for (size_t i = 0; i < t->n; i++) {
		threads += t->rows[i].threads;
		running += t->rows[i].state == 'R';
	}
	snprintf(f[0], sizeof(f[0]), "Tasks %zu, %ld thr, %ld running", t->n, threads,
		 running);
	/* exit accounting (live only): every process that ended since start,
	 * including those no tick saw */
	if (m->cur->exits && m->cur->exits->on)
		snprintf(f[0] + strlen(f[0]), sizeof(f[0]) - strlen(f[0]),
			 ", %llu exited", (unsigned long long)m->cur->exits->total);
	snprintf(f[1], sizeof(f[1]), "Load %.2f %.2f %.2f", s->load1, s->load5,
		 s->load15);
	snprintf(f[2], sizeof(f[2]), "PSI some cpu %.1f", s->psi[PSI_CPU].some.avg10);
	snprintf(f[3], sizeof(f[3]), "mem %.1f", s->psi[PSI_MEMORY].some.avg10);
	snprintf(f[4], sizeof(f[4]), "io %.1f", s->psi[PSI_IO].some.avg10);
	wattrset(w, pal(PAL_NORMAL));
	put_fields(w, y, 0, cols, fields, psi ? 5 : 2);
}

int overview_graph_cells(int cols)
{
	int left = cols / 2;

	return cols >= GRAPH_MIN_COLS
		       ? draw_graph_cells(cols - left - 1 - GRAPH_LABEL_COLS)
		       : 0;
}

/* A graph's title, and under it the newest figure. */
static void draw_title(WINDOW *w, int y, int x, int height, const char *title, double pct)
{
	wattrset(w, pal(PAL_TITLE));
	put_text(w, y, x, GRAPH_LABEL_COLS - 1, title, true);
	wattrset(w, pal(PAL_NORMAL));
	put_textf(w, height > 1 ? y + 1 : y, x, GRAPH_LABEL_COLS - 1, "%5.1f%%", pct);
}

/*
 * The CPU graph (gcpu rows) over the memory graph (gmem rows), labels left
 * of them, each with its top and window right of it.
 */
static void draw_graphs(WINDOW *w, const struct ui_model *m, int x, int width, int gcpu,
			int gmem)
{
	const struct ui_history *h = &m->hist;
	struct meter_part parts[3];
	/* the figure beside the graph is the newest tick's, not the graph's
	 * last bucket (which in replay may lie after the cursor) */
	double last_cpu =
		m->prev ? cpu_parts(&m->prev->sys.cpu, &m->cur->sys.cpu, parts) : 0;
	double total = (double)(m->cur->sys.mem_total ? m->cur->sys.mem_total : 1);
	double mem_pct =
		(double)(m->cur->sys.mem_total - m->cur->sys.mem_available) * 100 / total;
	/* both have a top fixed by what they measure: all cores, all memory */
	struct graph_spec cpu = {.values = h->cpu.v,
				 .n = h->cpu.n,
				 .unit = GRAPH_UNIT_PCT,
				 .top = 100,
				 .window_ms = m->zoom_ms,
				 .centred = m->replay,
				 .role = PAL_GRAPH};
	struct graph_spec mem = {.values = h->mem.v,
				 .n = h->mem.n,
				 .unit = GRAPH_UNIT_BYTES,
				 .top = total,
				 .window_ms = m->zoom_ms,
				 .centred = m->replay,
				 .role = PAL_METER_USER};
	int gw = width - GRAPH_LABEL_COLS, gx = x + GRAPH_LABEL_COLS;

	if (draw_graph_cells(gw) < 8)
		return;
	/* the machine's CPU is a share of all its cores (100% = every core
	 * busy), unlike a process's CPU%: the label says so */
	draw_title(w, 0, x, gcpu, "CPU all", last_cpu);
	draw_graph_scaled(w, 0, gx, gw, gcpu, m->ascii, &cpu);
	draw_title(w, gcpu, x, gmem, "Mem", mem_pct);
	draw_graph_scaled(w, gcpu, gx, gw, gmem, m->ascii, &mem);
}

void overview_draw_header(WINDOW *w, const struct ui_model *m)
{
	int cols = getmaxx(w), rows = cpu_rows(m);
	int left = cols >= GRAPH_MIN_COLS ? cols / 2 : cols;
	/* the graphs take every row above the summary; what the meters do
	 * not need goes to both, a little more to the CPU's */
	int extra = getmaxy(w) - 2 - (rows + 2), gcpu = rows, gmem = 2;

	werase(w);
	if (!m->cur) {
		put_text(w, 0, 0, cols, "sampling...", false);
		return;
	}
	if (extra > 0 && left < cols) {
		gmem += extra / 2;
		gcpu += extra - extra / 2;
	}
	draw_cores(w, m, left);
	draw_memory(w, m, rows, left);
	if (left < cols)
		draw_graphs(w, m, left + 1, cols - left - 1, gcpu, gmem);
	draw_summary(w, m, gcpu + gmem, cols);
	io_view_draw(w, gcpu + gmem + 1, cols, m->prev, m->cur);
}
