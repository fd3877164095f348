/* SPDX-License-Identifier: MIT */
/*
 * target_rows: the attached target's rows, written by the writer and read
 * back for a frame, in one place so the column lists and their order cannot
 * drift apart. Columns added by schema v3 (latency) are written always and
 * read only from files that have them; an older file reads them as unknown.
 *
 * The have column carries TARGET_HAVE_* in its low 16 bits and the sample's
 * denied groups (TARGET_ACCESS_*) from bit 16 on, so which figures the
 * recorder was refused needs no column of its own; files written before read
 * as nothing refused.
 */
#include "store/target_rows.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

#define DENIED_SHIFT 16

_Static_assert(TARGET_HAVE_CGPSI < (1u << DENIED_SHIFT) &&
		       TARGET_ACCESS_ALL < (1u << (31 - DENIED_SHIFT)),
	       "have and denied share the have column without overlapping");

/* ---- writing ---- */

static void bind_target_stat(sqlite3_stmt *st, int i, const struct target_sample *t)
{
	bool have = t->have & TARGET_HAVE_STAT;

	if (have)
		store_bind_char(st, i, t->state);
	i++;
	store_bind_u64_if(st, i++, (uint64_t)t->num_threads, have);
	store_bind_u64_if(st, i++, t->utime, have);
	store_bind_u64_if(st, i++, t->stime, have);
	store_bind_u64_if(st, i++, t->minflt, have);
	store_bind_u64_if(st, i++, t->majflt, have);
}

static void bind_target_status(sqlite3_stmt *st, int i, const struct target_sample *t)
{
	bool have = t->have & TARGET_HAVE_STATUS;

	store_bind_u64_if(st, i++, t->vm_size, have);
	store_bind_u64_if(st, i++, t->vm_rss, have);
	store_bind_u64_if(st, i++, t->rss_anon, have);
	store_bind_u64_if(st, i++, t->rss_file, have);
	store_bind_u64_if(st, i++, t->rss_shmem, have);
	store_bind_u64_if(st, i++, t->vm_swap, have);
	store_bind_u64_if(st, i++, t->vm_hwm, have);
	store_bind_u64_if(st, i++, t->vm_data, have);
	store_bind_u64_if(st, i++, t->vol_ctxsw, have);
	store_bind_u64_if(st, i++, t->invol_ctxsw, have);
}

static void bind_target_io(sqlite3_stmt *st, int i, const struct target_sample *t)
{
	bool have = t->have & TARGET_HAVE_IO;

	store_bind_u64_if(st, i++, t->rchar, have);
	store_bind_u64_if(st, i++, t->wchar, have);
	store_bind_u64_if(st, i++, t->read_bytes, have);
	store_bind_u64_if(st, i++, t->write_bytes, have);
	store_bind_u64_if(st, i++, (uint64_t)t->fds, t->have & TARGET_HAVE_FDS);
}

static void bind_target_latency(sqlite3_stmt *st, int i, const struct target_sample *t)
{
	bool sched = t->have & TARGET_HAVE_SCHED, stat = t->have & TARGET_HAVE_THREADS;
	bool cg = t->have & TARGET_HAVE_CGPSI;

	store_bind_u64_if(st, i++, t->run_ns, sched);
	store_bind_u64_if(st, i++, t->run_delay_ns, sched);
	store_bind_u64_if(st, i++, t->slices, sched);
	store_bind_u64_if(st, i++, t->blkio_ticks, stat && t->delayacct == 1);
	if (t->delayacct >= 0)
		sqlite3_bind_int(st, i, t->delayacct);
	i++;
	if (t->cgroup[0])
		store_bind_text(st, i, t->cgroup, sizeof(t->cgroup));
	i++;
	for (int r = 0; r < PSI_N; r++) {
		const struct psi *p = &t->cg_psi[r];
		bool have = cg && p->present, full = have && p->has_full;

		store_bind_double_if(st, i++, p->some.avg10, have);
		store_bind_u64_if(st, i++, p->some.total_us, have);
		store_bind_double_if(st, i++, p->full.avg10, full);
		store_bind_u64_if(st, i++, p->full.total_us, full);
	}
}

/* A cgroup target's own columns (NULL for a process). */
static void bind_target_cgroup(sqlite3_stmt *st, int i, const struct target_sample *t)
{
	if (!t->is_cgroup)
		return;
	sqlite3_bind_int(st, i++, 1);
	sqlite3_bind_int(st, i++, t->nprocs);
	store_bind_u64(st, i++, t->procs_joined);
	store_bind_u64(st, i++, t->procs_left);
	sqlite3_bind_int(st, i++, t->lead_pid);
}

static int write_threads(struct store *s, const struct frame *f)
{
	const struct target_sample *t = f->target;

	for (size_t k = 0; k < t->nthreads; k++) {
		const struct thread_sample *th = &t->threads[k];
		sqlite3_stmt *st = store_stmt(s, STMT_THREAD);

		store_bind_u64(st, 1, f->seq);
		sqlite3_bind_int(st, 2, t->pid);
		sqlite3_bind_int(st, 3, th->tid);
		store_bind_text(st, 4, th->comm, sizeof(th->comm));
		store_bind_char(st, 5, th->state);
		store_bind_u64(st, 6, th->utime);
		store_bind_u64(st, 7, th->stime);
		store_bind_u64_if(st, 8, th->run_ns, th->have_sched);
		store_bind_u64_if(st, 9, th->run_delay_ns, th->have_sched);
		store_bind_u64_if(st, 10, th->slices, th->have_sched);
		store_bind_u64_if(st, 11, th->blkio_ticks, t->delayacct == 1);
		if (th->wchan[0])
			store_bind_text(st, 12, th->wchan, sizeof(th->wchan));
		if (th->syscall > -2)
			sqlite3_bind_int(st, 13, th->syscall);
		if (store_exec_stmt(s, st, "cannot write a thread sample") < 0)
			return -1;
	}
	return 0;
}

int store_write_target(struct store *s, const struct frame *f)
{
	const struct target_sample *t = f->target;
	sqlite3_stmt *st;
	int i = 1;

	if (!t)
		return 0;
	st = store_stmt(s, STMT_TARGET);
	store_bind_u64(st, i++, f->seq);
	sqlite3_bind_int(st, i++, t->pid);
	store_bind_u64(st, i++, t->start_ticks);
	sqlite3_bind_int(st, i++, t->alive);
	sqlite3_bind_int(st, i++, t->exit_code);
	sqlite3_bind_int(st, i++, t->exit_signal);
	sqlite3_bind_int64(st, i++,
			   (int64_t)t->have | (int64_t)t->denied << DENIED_SHIFT);
	store_bind_text(st, i++, t->why, sizeof(t->why));
	store_bind_text(st, i++, t->comm, sizeof(t->comm));
	bind_target_stat(st, i, t);
	bind_target_status(st, i + 6, t);
	bind_target_io(st, i + 16, t);
	bind_target_latency(st, i + 21, t);
	bind_target_cgroup(st, i + 21 + TARGET_V3_NCOLUMNS, t);
	if (store_exec_stmt(s, st, "cannot write the target sample") < 0)
		return -1;
	return write_threads(s, f);
}

/* ---- reading ---- */

static void read_target_row(sqlite3_stmt *st, struct target_sample *t)
{
	int c = 1; /* after tick */

	t->pid = sqlite3_column_int(st, c++);
	t->start_ticks = store_column_u64(st, c++);
	t->alive = sqlite3_column_int(st, c++) != 0;
	t->exit_code = sqlite3_column_int(st, c++);
	t->exit_signal = sqlite3_column_int(st, c++);
	t->have = (unsigned)sqlite3_column_int64(st, c);
	t->denied = (t->have >> DENIED_SHIFT) & TARGET_ACCESS_ALL;
	t->have &= (1u << DENIED_SHIFT) - 1;
	c++;
	store_column_text(st, c++, t->why, sizeof(t->why));
	store_column_text(st, c++, t->comm, sizeof(t->comm));
	t->state = store_column_char(st, c++);
	t->num_threads = sqlite3_column_int(st, c++);
	t->utime = store_column_u64(st, c++);
	t->stime = store_column_u64(st, c++);
	t->minflt = store_column_u64(st, c++);
	t->majflt = store_column_u64(st, c++);
	t->vm_size = store_column_u64(st, c++);
	t->vm_rss = store_column_u64(st, c++);
	t->rss_anon = store_column_u64(st, c++);
	t->rss_file = store_column_u64(st, c++);
	t->rss_shmem = store_column_u64(st, c++);
	t->vm_swap = store_column_u64(st, c++);
	t->vm_hwm = store_column_u64(st, c++);
	t->vm_data = store_column_u64(st, c++);
	t->vol_ctxsw = store_column_u64(st, c++);
	t->invol_ctxsw = store_column_u64(st, c++);
	t->rchar = store_column_u64(st, c++);
	t->wchar = store_column_u64(st, c++);
	t->read_bytes = store_column_u64(st, c++);
	t->write_bytes = store_column_u64(st, c++);
	t->fds = sqlite3_column_int(st, c++);
}

static void read_target_latency(sqlite3_stmt *st, int c, struct target_sample *t)
{
	if (sqlite3_column_type(st, c) != SQLITE_NULL)
		t->have |= TARGET_HAVE_SCHED; /* files before v3 had no such bit */
	t->run_ns = store_column_u64(st, c++);
	t->run_delay_ns = store_column_u64(st, c++);
	t->slices = store_column_u64(st, c++);
	t->blkio_ticks = store_column_u64(st, c++);
	t->delayacct = sqlite3_column_type(st, c) == SQLITE_NULL
			       ? -1
			       : sqlite3_column_int(st, c);
	c++;
	store_column_text(st, c++, t->cgroup, sizeof(t->cgroup));
	for (int r = 0; r < PSI_N; r++) {
		struct psi *p = &t->cg_psi[r];

		p->present = sqlite3_column_type(st, c) != SQLITE_NULL;
		p->has_full = sqlite3_column_type(st, c + 2) != SQLITE_NULL;
		p->some.avg10 = sqlite3_column_double(st, c++);
		p->some.total_us = store_column_u64(st, c++);
		p->full.avg10 = sqlite3_column_double(st, c++);
		p->full.total_us = store_column_u64(st, c++);
	}
}

static void read_target_cgroup(sqlite3_stmt *st, int c, struct target_sample *t)
{
	t->is_cgroup = sqlite3_column_int(st, c++) == 1;
	if (!t->is_cgroup)
		return;
	t->nprocs = sqlite3_column_int(st, c++);
	t->procs_joined = store_column_u64(st, c++);
	t->procs_left = store_column_u64(st, c++);
	t->lead_pid = sqlite3_column_int(st, c++);
}

static void read_thread_latency(sqlite3_stmt *st, int c, struct thread_sample *th)
{
	th->have_sched = sqlite3_column_type(st, c) != SQLITE_NULL;
	th->run_ns = store_column_u64(st, c++);
	th->run_delay_ns = store_column_u64(st, c++);
	th->slices = store_column_u64(st, c++);
	th->blkio_ticks = store_column_u64(st, c++);
	store_column_text(st, c++, th->wchan, sizeof(th->wchan));
	th->syscall = sqlite3_column_type(st, c) == SQLITE_NULL
			      ? -2
			      : sqlite3_column_int(st, c);
}

/* One thread row; arg is the store (whether the file has latency). */
static int read_thread(sqlite3_stmt *st, void *row, void *arg)
{
	struct thread_sample *th = row;

	th->tid = sqlite3_column_int(st, 0);
	store_column_text(st, 1, th->comm, sizeof(th->comm));
	th->state = store_column_char(st, 2);
	th->utime = store_column_u64(st, 3);
	th->stime = store_column_u64(st, 4);
	if (store_has(arg, STORE_SINCE_LATENCY))
		read_thread_latency(st, 5, th);
	else
		th->syscall = -2;
	return 0;
}

static int read_threads(struct store *s, int64_t seq, struct target_sample *t)
{
	sqlite3_stmt *st;

	if (store_prepare(
		    s,
		    store_has(s, STORE_SINCE_LATENCY)
			    ? "SELECT tid, comm, state, utime, stime, " THREAD_V3_COLUMNS
			      " FROM thread_samples WHERE tick = ?1 AND pid = ?2"
			      " ORDER BY tid"
			    : "SELECT tid, comm, state, utime, stime FROM thread_samples"
			      " WHERE tick = ?1 AND pid = ?2 ORDER BY tid",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int(st, 2, t->pid);
	return store_read_rows_with(s, st, (void **)&t->threads, &t->nthreads,
				    sizeof(*t->threads), read_thread, s, NULL);
}

int store_read_target(struct store *s, int64_t seq, struct frame *f)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(
		    s,
		    store_has(s, STORE_SINCE_CGTARGET)
			    ? "SELECT " TARGET_COLUMNS ", " TARGET_V3_COLUMNS
			      ", " TARGET_V12_COLUMNS
			      " FROM target_samples WHERE tick = ?1 ORDER BY pid LIMIT 1"
		    : store_has(s, STORE_SINCE_LATENCY)
			    ? "SELECT " TARGET_COLUMNS ", " TARGET_V3_COLUMNS
			      " FROM target_samples WHERE tick = ?1 ORDER BY pid LIMIT 1"
			    : "SELECT " TARGET_COLUMNS " FROM target_samples"
			      " WHERE tick = ?1 ORDER BY pid LIMIT 1",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = store_step(s, st);
	if (rc > 0) {
		f->target = xcalloc(1, sizeof(*f->target));
		read_target_row(st, f->target);
		f->target->delayacct = -1;
		if (store_has(s, STORE_SINCE_LATENCY))
			read_target_latency(st, TARGET_NCOLUMNS, f->target);
		if (store_has(s, STORE_SINCE_CGTARGET))
			read_target_cgroup(st, TARGET_NCOLUMNS + TARGET_V3_NCOLUMNS,
					   f->target);
	}
	sqlite3_finalize(st);
	if (rc <= 0)
		return rc;
	return read_threads(s, seq, f->target);
}

int query_thread_ticks(struct store *s, int64_t seq, int64_t out[2])
{
	sqlite3_stmt *st;
	int found = 0, rc = 1;

	/* max(tick) over the primary key's first column is one index probe */
	if (store_prepare(s,
			  "SELECT seq, t_ms FROM ticks WHERE seq ="
			  " (SELECT max(tick) FROM thread_samples WHERE tick <= ?1)",
			  &st) < 0)
		return -1;
	while (found < 2) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, seq);
		rc = store_step(s, st);
		if (rc <= 0)
			break;
		out[found++] = sqlite3_column_int64(st, 1);
		seq = sqlite3_column_int64(st, 0) - 1;
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : found;
}

/* ---- per-thread waits over a window ---- */

static void read_wait(sqlite3_stmt *st, void *row)
{
	struct thread_wait *w = row;
	double wait = (double)sqlite3_column_int64(st, 2);
	double run = (double)sqlite3_column_int64(st, 3);

	w->tid = sqlite3_column_int(st, 0);
	store_column_text(st, 1, w->comm, sizeof(w->comm));
	w->wait_ms = wait / 1e6;
	w->wait_share = wait + run > 0 ? 100.0 * wait / (wait + run) : 0;
}

int query_thread_waits(struct store *s, int64_t t0, int64_t t1, size_t max,
		       struct thread_wait **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_LATENCY))
		return 0;
	/* schedstat counters only grow for one tid: last minus first is its wait */
	if (store_prepare(
		    s,
		    "SELECT tid, max(comm), max(run_delay_ns) - min(run_delay_ns) AS w,"
		    " max(run_ns) - min(run_ns) FROM thread_samples x"
		    " JOIN ticks t ON t.seq = x.tick WHERE t.t_ms BETWEEN ?1 AND ?2"
		    " AND run_delay_ns IS NOT NULL GROUP BY pid, tid"
		    " ORDER BY w DESC, tid LIMIT ?3",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, (int64_t)max);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_wait);
}

/* ---- what the recorder was refused ---- */

static void read_denial(sqlite3_stmt *st, void *row)
{
	struct target_denial *d = row;

	memset(d, 0, sizeof(*d));
	d->pid = sqlite3_column_int(st, 0);
	store_column_text(st, 1, d->comm, sizeof(d->comm));
	d->denied = (unsigned)sqlite3_column_int64(st, 2);
	d->first_ms = sqlite3_column_int64(st, 3);
}

int query_target_denials(struct store *s, int64_t t0, int64_t t1,
			 struct target_denial **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (store_prepare(s,
			  "SELECT pid, max(comm), (have >> 16) & ?3 AS d, min(t.t_ms)"
			  " FROM target_samples x JOIN ticks t ON t.seq = x.tick"
			  " WHERE t.t_ms BETWEEN ?1 AND ?2 AND d != 0"
			  " GROUP BY pid, start_ticks, d ORDER BY min(t.t_ms), pid",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, TARGET_ACCESS_ALL);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_denial);
}
