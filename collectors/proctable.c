/* SPDX-License-Identifier: MIT */
/*
 * proctable: libproc2 reaps the table; we derive rates and carry cmdlines.
 *
 * Invariants: rows come out sorted by pid (libproc2 returns /proc order, which
 * is not guaranteed sorted, so we sort); the collector's private copy of the
 * previous table is never shared with frames.
 */
#include "collectors/proctable.h"

#include <errno.h>
#include <libproc2/pids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/cgroups.h"
#include "core/procfs.h"
#include "core/rates.h"
#include "core/xalloc.h"

enum col {
	COL_PID,
	COL_PPID,
	COL_EUID,
	COL_EUSER,
	COL_STATE,
	COL_NICE,
	COL_NLWP,
	COL_TICS,
	COL_BEGAN,
	COL_RSS,
	COL_VSIZE,
	COL_CMD,
};

static enum pids_item items[] = {
	[COL_PID] = PIDS_ID_PID,	[COL_PPID] = PIDS_ID_PPID,
	[COL_EUID] = PIDS_ID_EUID,	[COL_EUSER] = PIDS_ID_EUSER,
	[COL_STATE] = PIDS_STATE,	[COL_NICE] = PIDS_NICE,
	[COL_NLWP] = PIDS_NLWP,		[COL_TICS] = PIDS_TICS_ALL,
	[COL_BEGAN] = PIDS_TICS_BEGAN,	[COL_RSS] = PIDS_RSS,
	[COL_VSIZE] = PIDS_VSIZE_BYTES, [COL_CMD] = PIDS_CMD,
};

struct proc_collector {
	char *proc_root;
	struct pids_info *pids;
	struct proc_table prev;
	int64_t prev_ns;
	int64_t boot_ms;
	long clk_tck, page_size;
};

struct proc_collector *proc_collector_new(const char *proc_root, char *err, size_t errlen)
{
	struct proc_collector *c = xcalloc(1, sizeof(*c));
	int rc =
		procps_pids_new(&c->pids, items, (int)(sizeof(items) / sizeof(items[0])));

	if (rc < 0) {
		snprintf(err, errlen, "cannot read the process table: %s", strerror(-rc));
		free(c);
		return NULL;
	}
	c->proc_root = xstrdup(proc_root);
	c->boot_ms = procfs_boot_ms(proc_root);
	c->clk_tck = procfs_clk_tck();
	c->page_size = procfs_page_size();
	return c;
}

void proc_collector_free(struct proc_collector *c)
{
	if (!c)
		return;
	procps_pids_unref(&c->pids);
	proc_table_release(&c->prev);
	free(c->proc_root);
	free(c);
}

char *proc_cmdline_join(char *buf, size_t len)
{
	while (len && (buf[len - 1] == '\0' || buf[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0' || buf[i] == '\n' || buf[i] == '\t')
			buf[i] = ' ';
	buf[len] = '\0';
	return buf;
}

static char *read_cmdline(const char *root, int pid)
{
	char rel[32], buf[4096];
	long n;

	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	n = procfs_read(root, rel, buf, sizeof(buf));
	if (n <= 0)
		return xstrdup("");
	return xstrdup(proc_cmdline_join(buf, (size_t)n));
}

/* The process's cgroup (cgroups.h names it); NULL when unreadable. */
static char *read_cgroup(const char *root, int pid)
{
	char rel[32], buf[2048], path[1024];

	snprintf(rel, sizeof(rel), "%d/cgroup", pid);
	if (procfs_read(root, rel, buf, sizeof(buf)) <= 0 ||
	    cgroup_parse_proc_cgroup(buf, path, sizeof(path)) < 0)
		return NULL;
	return xstrdup(path);
}

static int row_cmp(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void fill_row(struct proc_collector *c, struct pids_stack *st, struct proc_row *r)
{
	r->pid = PIDS_VAL(COL_PID, s_int, st, c->pids);
	r->ppid = PIDS_VAL(COL_PPID, s_int, st, c->pids);
	r->uid = PIDS_VAL(COL_EUID, u_int, st, c->pids);
	snprintf(r->user, sizeof(r->user), "%s", PIDS_VAL(COL_EUSER, str, st, c->pids));
	r->state = (char)PIDS_VAL(COL_STATE, s_ch, st, c->pids);
	r->nice = PIDS_VAL(COL_NICE, s_int, st, c->pids);
	r->threads = PIDS_VAL(COL_NLWP, s_int, st, c->pids);
	r->cpu_ticks = PIDS_VAL(COL_TICS, ull_int, st, c->pids);
	r->start_ticks = PIDS_VAL(COL_BEGAN, ull_int, st, c->pids);
	r->start_ms =
		c->boot_ms + (int64_t)(r->start_ticks * 1000 / (uint64_t)c->clk_tck);
	r->rss_bytes =
		(uint64_t)PIDS_VAL(COL_RSS, ul_int, st, c->pids) * (uint64_t)c->page_size;
	r->vsz_bytes = PIDS_VAL(COL_VSIZE, ul_int, st, c->pids);
	snprintf(r->comm, sizeof(r->comm), "%s", PIDS_VAL(COL_CMD, str, st, c->pids));
	r->cpu_pct = -1;
}

/* Carries the cmdline over from the previous tick when the identity and its
 * comm are unchanged; reads it otherwise (new process, or it exec'd). */
static void attach_cmdlines(struct proc_collector *c, struct proc_table *t)
{
	size_t j = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct proc_row *r = &t->rows[i];

		while (j < c->prev.n && c->prev.rows[j].pid < r->pid)
			j++;
		if (j < c->prev.n && c->prev.rows[j].pid == r->pid &&
		    c->prev.rows[j].start_ticks == r->start_ticks &&
		    !strcmp(c->prev.rows[j].comm, r->comm)) {
			r->cmdline = xstrdup(c->prev.rows[j].cmdline);
			r->cgroup = c->prev.rows[j].cgroup
					    ? xstrdup(c->prev.rows[j].cgroup)
					    : NULL;
		} else {
			r->cmdline = read_cmdline(c->proc_root, r->pid);
			r->cgroup = read_cgroup(c->proc_root, r->pid);
		}
	}
}

void proc_table_derive_cpu(struct proc_table *cur, const struct proc_table *prev,
			   int64_t dt_ns, long clk_tck)
{
	size_t j = 0;

	for (size_t i = 0; i < cur->n; i++) {
		struct proc_row *r = &cur->rows[i];

		r->cpu_pct = -1;
		while (j < prev->n && prev->rows[j].pid < r->pid)
			j++;
		if (j >= prev->n || prev->rows[j].pid != r->pid ||
		    prev->rows[j].start_ticks != r->start_ticks)
			continue;
		r->cpu_pct = rate_core_pct(r->cpu_ticks, prev->rows[j].cpu_ticks, clk_tck,
					   (double)dt_ns / 1e9);
	}
}

static void copy_table(struct proc_table *dst, const struct proc_table *src)
{
	proc_table_release(dst);
	dst->n = src->n;
	dst->rows = xmalloc(src->n * sizeof(*dst->rows));
	memcpy(dst->rows, src->rows, src->n * sizeof(*dst->rows));
	for (size_t i = 0; i < src->n; i++) {
		dst->rows[i].cmdline = xstrdup(src->rows[i].cmdline);
		if (src->rows[i].cgroup)
			dst->rows[i].cgroup = xstrdup(src->rows[i].cgroup);
	}
}

int proc_collector_read(struct proc_collector *c, int64_t now_ns, struct proc_table *out)
{
	struct pids_fetch *fetch = procps_pids_reap(c->pids, PIDS_FETCH_TASKS_ONLY);
	int total;

	out->n = 0;
	out->rows = NULL;
	if (!fetch)
		return -1;
	total = fetch->counts->total;
	out->rows = xmalloc((size_t)(total > 0 ? total : 1) * sizeof(*out->rows));
	for (int i = 0; i < total; i++)
		fill_row(c, fetch->stacks[i], &out->rows[out->n++]);
	qsort(out->rows, out->n, sizeof(*out->rows), row_cmp);
	attach_cmdlines(c, out);
	if (c->prev_ns)
		proc_table_derive_cpu(out, &c->prev, now_ns - c->prev_ns, c->clk_tck);
	copy_table(&c->prev, out);
	c->prev_ns = now_ns;
	return 0;
}
