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
