/* SPDX-License-Identifier: MIT */
/*
 * cgtarget_view: see cgtarget_view.h. The processes panel takes the
 * frame's process table rows whose cgroup is the target's or one below it
 * (the table names each process's cgroup as the cgroup table does), so it
 * shows what the sums were taken over, without a second collection.
 */
#include "views/cgtarget_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "views/draw.h"

const struct cgroup_row *cgtarget_row(const struct frame *fr,
				      const struct target_sample *t)
{
	return fr && t->is_cgroup ? cgroup_table_find(&fr->cgroups, t->cgroup) : NULL;
}

double cgtarget_cpu_pct(const struct frame *fr, const struct target_sample *t)
{
	const struct cgroup_row *row = cgtarget_row(fr, t);

	return row && (row->have & CGROUP_HAVE_CPU) ? row->cpu_pct : -1;
}

void cgtarget_draw_identity(WINDOW *w, const struct frame *fr,
			    const struct target_sample *t, int cols)
{
	const struct proc_row *lead =
		t->lead_pid && fr ? proc_table_find(&fr->procs, t->lead_pid) : NULL;
	char f[3][64];
	const char *fields[3] = {f[0], f[1], f[2]};
	int x;

	wattrset(w, pal(PAL_TITLE));
	x = put_textf(w, 0, 0, cols, "CGROUP %s", t->comm[0] ? t->comm : "?");
	wattrset(w, pal(PAL_NORMAL));
	x = x + 2 > 28 ? x + 2 : 28;
	snprintf(f[0], sizeof(f[0]), "%d process%s", t->nprocs,
		 t->nprocs == 1 ? "" : "es");
	snprintf(f[1], sizeof(f[1]), "+%llu -%llu since attach",
		 (unsigned long long)t->procs_joined, (unsigned long long)t->procs_left);
	if (t->lead_pid)
		snprintf(f[2], sizeof(f[2]), "busiest %d %.40s", t->lead_pid,
			 lead ? lead->comm : "");
	else
		snprintf(f[2], sizeof(f[2]), "no process");
	if (x < cols)
		put_fields(w, 0, x, cols - x, fields, 3);
	wattrset(w, pal(PAL_DIM));
	put_textf(w, 1, 0, cols,
		  "%s  (figures: its processes summed; Cgrp: the kernel's)", t->cgroup);
	wattrset(w, pal(PAL_NORMAL));
}

/* Whether a process's cgroup is path or below it. */
static bool within(const char *cg, const char *path)
{
	size_t n = strlen(path);

	if (!cg)
		return false;
	if (!strcmp(path, "/"))
		return true;
	return !strncmp(cg, path, n) && (cg[n] == '\0' || cg[n] == '/');
}

static int by_cpu(const void *a, const void *b)
{
	const struct proc_row *x = *(const struct proc_row *const *)a;
	const struct proc_row *y = *(const struct proc_row *const *)b;

	if (x->cpu_pct != y->cpu_pct)
		return x->cpu_pct < y->cpu_pct ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

void cgtarget_draw_procs(WINDOW *w, const struct frame *fr, const struct target_sample *t,
			 int y0, int rows, int cols)
{
	const struct proc_row **list;
	size_t n = 0;
	char head[128], rss[16], pct[16];

	snprintf(head, sizeof(head), "%7s %-16s S  %6s %9s  %s", "PID", "PROCESS", "CPU%",
		 "RSS", "(p profiles the busiest)");
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, y0, 0, cols, head, true);
	wattrset(w, pal(PAL_NORMAL));
	if (!fr || !fr->procs.n)
		return;
	list = malloc(fr->procs.n * sizeof(*list));
	if (!list)
		return;
	for (size_t i = 0; i < fr->procs.n; i++)
		if (within(fr->procs.rows[i].cgroup, t->cgroup))
			list[n++] = &fr->procs.rows[i];
	qsort(list, n, sizeof(*list), by_cpu);
	for (size_t i = 0; i < n && (int)i < rows - 1; i++) {
		const struct proc_row *r = list[i];

		if (r->cpu_pct >= 0)
			snprintf(pct, sizeof(pct), "%.1f", r->cpu_pct);
		else
			snprintf(pct, sizeof(pct), "-");
		put_textf(w, y0 + 1 + (int)i, 0, cols, "%7d %-16.16s %c  %6s %9s  %s",
			  r->pid, r->comm, r->state, pct,
			  units_bytes_short((double)r->rss_bytes, rss, sizeof(rss)),
			  r->cgroup);
	}
	if (!n) {
		wattrset(w, pal(PAL_DIM));
		put_text(w, y0 + 1, 0, cols,
			 "no process of it in the process table at this tick", false);
		wattrset(w, pal(PAL_NORMAL));
	}
	free(list);
}

/* "12.3", or "-" when the kernel gave no such line. */
static const char *avg_text(char *buf, size_t cap, bool have, double v)
{
	if (have)
		snprintf(buf, cap, "%.1f", v);
	else
		snprintf(buf, cap, "-");
	return buf;
}

/* Stall time per second between two readings of a total, or "-". */
static const char *stall_text(char *buf, size_t cap, bool have, uint64_t now,
			      uint64_t before, double dt_s)
{
	if (have && dt_s > 0 && now >= before)
		snprintf(buf, cap, "%.1f", (double)(now - before) / 1000.0 / dt_s);
	else
		snprintf(buf, cap, "-");
	return buf;
}

static void draw_psi_rows(WINDOW *w, const struct cgroup_row *r,
			  const struct cgroup_row *p, double dt_s, int y0, int rows,
			  int cols)
{
	static const char *const res[PSI_N] = {"cpu", "memory", "io"};

	for (int i = 0; i < PSI_N && i + 1 < rows; i++) {
		const struct psi *s = &r->psi[i];
		bool have = (r->have & CGROUP_HAVE_PSI) && s->present;
		bool full = have && s->has_full;
		bool was = have && p && (p->have & CGROUP_HAVE_PSI) && p->psi[i].present;
		char a[6][12], st[2][16];

		put_textf(w, y0 + 1 + i, 0, cols,
			  "%-8s %6s %6s %6s   %6s %6s %6s   %8s %8s", res[i],
			  avg_text(a[0], 12, have, s->some.avg10),
			  avg_text(a[1], 12, have, s->some.avg60),
			  avg_text(a[2], 12, have, s->some.avg300),
			  avg_text(a[3], 12, full, s->full.avg10),
			  avg_text(a[4], 12, full, s->full.avg60),
			  avg_text(a[5], 12, full, s->full.avg300),
			  stall_text(st[0], 16, was, s->some.total_us,
				     was ? p->psi[i].some.total_us : 0, dt_s),
			  stall_text(st[1], 16, was && full, s->full.total_us,
				     was ? p->psi[i].full.total_us : 0, dt_s));
	}
}

/* CPU quota and throttling over the last interval, pids against their max. */
static void draw_limits(WINDOW *w, const struct cgroup_row *r, const struct cgroup_row *p,
			int y, int cols)
{
	char q[48] = "quota unknown", th[96] = ", throttling unknown", pids[48] = "";

	if ((r->have & CGROUP_HAVE_QUOTA) && r->cpu_quota_us != CGROUP_UNLIMITED &&
	    r->cpu_period_us)
		snprintf(q, sizeof(q), "quota %.2f CPU",
			 (double)r->cpu_quota_us / (double)r->cpu_period_us);
	else if (r->have & CGROUP_HAVE_QUOTA)
		snprintf(q, sizeof(q), "no quota");
	if ((r->have & CGROUP_HAVE_THROTTLE) && p && (p->have & CGROUP_HAVE_THROTTLE) &&
	    r->nr_periods >= p->nr_periods && r->nr_throttled >= p->nr_throttled &&
	    r->throttled_ns >= p->throttled_ns) {
		uint64_t per = r->nr_periods - p->nr_periods;
		uint64_t thr = r->nr_throttled - p->nr_throttled;

		if (per)
			snprintf(th, sizeof(th),
				 ", throttled %llu of %llu periods, %.1f ms held back",
				 (unsigned long long)thr, (unsigned long long)per,
				 (double)(r->throttled_ns - p->throttled_ns) / 1e6);
		else /* no quota ran out, or none is set */
			th[0] = '\0';
	}
	if (r->have & CGROUP_HAVE_PIDS) {
		if (r->pids_max == CGROUP_UNLIMITED)
			snprintf(pids, sizeof(pids), "pids %llu (no max)",
				 (unsigned long long)r->pids_current);
		else
			snprintf(pids, sizeof(pids), "pids %llu of %llu",
				 (unsigned long long)r->pids_current,
				 (unsigned long long)r->pids_max);
	}
	put_textf(w, y, 0, cols, "CPU %s%s%s%s", q, th, pids[0] ? "; " : "", pids);
}

void cgtarget_draw_pressure(WINDOW *w, const struct frame *fr, const struct frame *prev,
			    const struct target_sample *t, int y0, int rows, int cols)
{
	const struct cgroup_row *r = cgtarget_row(fr, t);
	const struct cgroup_row *p =
		prev ? cgroup_table_find(&prev->cgroups, t->cgroup) : NULL;
	double dt_s = fr && prev && fr->t_ms > prev->t_ms
			      ? (double)(fr->t_ms - prev->t_ms) / 1000.0
			      : 0;

	wattrset(w, pal(PAL_TABLE_HEAD));
	put_textf(w, y0, 0, cols, "%-8s %6s %6s %6s   %6s %6s %6s   %8s %8s", "PSI %",
		  "some10", "60", "300", "full10", "60", "300", "some/s", "full/s");
	wattrset(w, pal(PAL_NORMAL));
	if (!r) {
		wattrset(w, pal(PAL_DIM));
		put_text(w, y0 + 1, 0, cols,
			 "the cgroup is not in the cgroup table at this tick", false);
		wattrset(w, pal(PAL_NORMAL));
		return;
	}
	draw_psi_rows(w, r, p, dt_s, y0, rows, cols);
	if (rows > PSI_N + 2)
		draw_limits(w, r, p, y0 + PSI_N + 2, cols);
	if (rows > PSI_N + 3 && !(r->have & CGROUP_HAVE_PSI)) {
		wattrset(w, pal(PAL_DIM));
		put_text(w, y0 + PSI_N + 3, 0, cols,
			 "no pressure files for this cgroup (cgroup v2 with PSI gives "
			 "them)",
			 false);
		wattrset(w, pal(PAL_NORMAL));
	}
}
