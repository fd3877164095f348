/* SPDX-License-Identifier: MIT */
/*
 * frames: the session row, its ticks, and whole frames rebuilt at a point in
 * time (declared in store/frames.h). A frame is the tick at or before a time
 * with its system sample and cores, the process table (store/processes.c)
 * and the target's rows (store/target_rows.c). Moving through the ticks
 * (timeline_*) is one indexed lookup on ticks(t_ms) per call, so stepping at
 * hour 23 of a day costs what it costs at the first minute.
 */
#include "store/frames.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "store/store-internal.h"

/* ---- the session and its ticks ---- */

int query_session(struct store *s, struct session_meta *out)
{
	sqlite3_stmt *st;
	int rc, c = 0;

	memset(out, 0, sizeof(*out));
	if (store_prepare(s,
			  store_has(s, STORE_SINCE_CGTARGET)
				  ? "SELECT " SESSION_COLUMNS
				    ", target_cgroup FROM sessions LIMIT 1"
				  : "SELECT " SESSION_COLUMNS " FROM sessions LIMIT 1",
			  &st) < 0)
		return -1;
	rc = store_step(s, st);
	if (rc == 0)
		rc = store_fail(s, "the session has no sessions row");
	if (rc < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	store_column_text(st, c++, out->version, sizeof(out->version));
	store_column_text(st, c++, out->host, sizeof(out->host));
	store_column_text(st, c++, out->kernel, sizeof(out->kernel));
	out->started_ms = sqlite3_column_int64(st, c++);
	out->ended_ms = sqlite3_column_int64(st, c++); /* NULL: running */
	out->interval_ms = sqlite3_column_int64(st, c++);
	out->ncpu = sqlite3_column_int(st, c++);
	out->clk_tck = (long)sqlite3_column_int64(st, c++);
	out->page_size = (long)sqlite3_column_int64(st, c++);
	out->boot_ms = sqlite3_column_int64(st, c++);
	out->mem_total = store_column_u64(st, c++);
	out->target_pid = sqlite3_column_int(st, c++);
	store_column_text(st, c++, out->target_cmd, sizeof(out->target_cmd));
	out->target_exit_code = sqlite3_column_int(st, c++);
	out->target_exit_signal = sqlite3_column_int(st, c++);
	if (store_has(s, STORE_SINCE_CGTARGET))
		store_column_text(st, c++, out->target_cgroup,
				  sizeof(out->target_cgroup));
	sqlite3_finalize(st);
	return 0;
}

long store_session_clk_tck(struct store *s)
{
	sqlite3_stmt *st;
	long clk = 100;

	if (sqlite3_prepare_v2(s->db, "SELECT clk_tck FROM sessions LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return clk;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		clk = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return clk;
}

int query_span(struct store *s, int64_t *first_ms, int64_t *last_ms, uint64_t *ticks)
{
	return query_span_within(s, INT64_MIN, INT64_MAX, first_ms, last_ms, ticks);
}

int query_span_within(struct store *s, int64_t t0, int64_t t1, int64_t *first_ms,
		      int64_t *last_ms, uint64_t *ticks)
{
	sqlite3_stmt *st;
	int rc;

	*first_ms = *last_ms = 0;
	*ticks = 0;
	if (store_prepare(s,
			  "SELECT min(t_ms), max(t_ms), count(*) FROM ticks"
			  " WHERE t_ms BETWEEN ?1 AND ?2",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	rc = store_step(s, st);
	if (rc > 0) {
		*first_ms = sqlite3_column_int64(st, 0);
		*last_ms = sqlite3_column_int64(st, 1);
		*ticks = store_column_u64(st, 2);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

int query_tick_times(struct store *s, int64_t t0, int64_t t1, int64_t *out, size_t max,
		     size_t *n)
{
	sqlite3_stmt *st;
	int rc = 0;

	*n = 0;
	if (t1 < t0 || max == 0)
		return 0;
	if (store_prepare(s,
			  "SELECT t_ms FROM ticks WHERE t_ms BETWEEN ?1 AND ?2"
			  " ORDER BY t_ms, seq LIMIT ?3",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, max > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)max);
	while (*n < max && (rc = store_step(s, st)) > 0)
		out[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc < 0)
		*n = 0;
	return rc < 0 ? -1 : 0;
}

int query_has_target(struct store *s)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT EXISTS (SELECT 1 FROM target_samples)", &st) < 0)
		return -1;
	rc = store_step(s, st);
	if (rc > 0)
		rc = sqlite3_column_int(st, 0) != 0;
	else if (rc == 0)
		rc = store_fail(s, "cannot read the session: no answer");
	sqlite3_finalize(st);
	return rc;
}

/* ---- moving through the ticks ---- */

static const char *const seek_sql[] = {
	[TIMELINE_AT_OR_BEFORE] = "SELECT max(t_ms) FROM ticks WHERE t_ms <= ?1",
	[TIMELINE_AFTER] = "SELECT min(t_ms) FROM ticks WHERE t_ms > ?1",
	[TIMELINE_BEFORE] = "SELECT max(t_ms) FROM ticks WHERE t_ms < ?1",
	[TIMELINE_AT_OR_AFTER] = "SELECT min(t_ms) FROM ticks WHERE t_ms >= ?1",
};

/* Runs a one-value query with t bound; 0 with *out, 1 for NULL, -1 on error. */
static int one_value(struct store *s, const char *sql, int64_t t, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail_sql(s, "cannot read the timeline");
	sqlite3_bind_int64(st, 1, t);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail_sql(s, "cannot read the timeline");
	}
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_finalize(st);
		return 1;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int timeline_seek(struct store *s, int64_t t_ms, enum timeline_dir dir, int64_t *out_ms)
{
	return one_value(s, seek_sql[dir], t_ms, out_ms);
}

int timeline_index(struct store *s, int64_t t_ms, uint64_t *index)
{
	int64_t n = 0;
	int rc = one_value(s, "SELECT count(*) FROM ticks WHERE t_ms <= ?1", t_ms, &n);

	if (rc < 0)
		return -1;
	*index = (uint64_t)n;
	return 0;
}

int timeline_target_alive(struct store *s, int64_t t_ms, int64_t *out_ms)
{
	return one_value(
		s,
		"SELECT max(k.t_ms) FROM target_samples g JOIN ticks k ON k.seq = g.tick "
		"WHERE g.alive = 1 AND k.t_ms <= ?1",
		t_ms, out_ms);
}

/* ---- a frame at a time ---- */

int store_resolve_tick(struct store *s, int64_t t_ms, struct store_tick *ref)
{
	sqlite3_stmt *st;
	int rc;

	memset(ref, 0, sizeof(*ref));
	if (store_prepare(s,
			  "SELECT seq, t_ms, cost_ns FROM ticks WHERE t_ms <= ?1"
			  " ORDER BY t_ms DESC, seq DESC LIMIT 1",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t_ms);
	rc = store_step(s, st);
	if (rc > 0) {
		ref->seq = sqlite3_column_int64(st, 0);
		ref->t_ms = sqlite3_column_int64(st, 1);
		ref->cost_ns = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc <= 0)
		return rc;
	if (store_prepare(s,
			  "SELECT seq, t_ms FROM ticks WHERE seq < ?1"
			  " ORDER BY seq DESC LIMIT 1",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, ref->seq);
	rc = store_step(s, st);
	if (rc > 0) {
		/* across a gap there is nothing to derive a rate from */
		ref->prev_ms = sqlite3_column_int64(st, 1);
		ref->has_prev = query_ticks_continue(s, sqlite3_column_int64(st, 0),
						     ref->prev_ms, ref->seq, ref->t_ms);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 1;
}

int store_no_tick(struct store *s, int64_t t_ms)
{
	return store_fail(s, "no tick at or before %lld", (long long)t_ms);
}

static int read_cpu_times(sqlite3_stmt *st, int c, struct cpu_times *t)
{
	t->user = store_column_u64(st, c++);
	t->nice = store_column_u64(st, c++);
	t->system = store_column_u64(st, c++);
	t->idle = store_column_u64(st, c++);
	t->iowait = store_column_u64(st, c++);
	t->irq = store_column_u64(st, c++);
	t->softirq = store_column_u64(st, c++);
	t->steal = store_column_u64(st, c++);
	return c;
}

static int read_psi(sqlite3_stmt *st, int c, struct psi *p)
{
	p->present = sqlite3_column_type(st, c) != SQLITE_NULL;
	p->has_full = sqlite3_column_type(st, c + 4) != SQLITE_NULL;
	p->some.avg10 = sqlite3_column_double(st, c++);
	p->some.avg60 = sqlite3_column_double(st, c++);
	p->some.avg300 = sqlite3_column_double(st, c++);
	p->some.total_us = store_column_u64(st, c++);
	p->full.avg10 = sqlite3_column_double(st, c++);
	p->full.avg60 = sqlite3_column_double(st, c++);
	p->full.avg300 = sqlite3_column_double(st, c++);
	p->full.total_us = store_column_u64(st, c++);
	return c;
}

static void read_sys_row(sqlite3_stmt *st, struct sys_sample *y)
{
	int c = 1; /* after tick */

	y->have = (unsigned)sqlite3_column_int64(st, c++);
	store_column_text(st, c++, y->why, sizeof(y->why));
	c = read_cpu_times(st, c, &y->cpu);
	y->ctxt = store_column_u64(st, c++);
	y->forks = store_column_u64(st, c++);
	y->procs_running = (uint32_t)sqlite3_column_int64(st, c++);
	y->procs_blocked = (uint32_t)sqlite3_column_int64(st, c++);
	y->boot_time_s = sqlite3_column_int64(st, c++);
	y->mem_total = store_column_u64(st, c++);
	y->mem_free = store_column_u64(st, c++);
	y->mem_available = store_column_u64(st, c++);
	y->buffers = store_column_u64(st, c++);
	y->cached = store_column_u64(st, c++);
	y->swap_total = store_column_u64(st, c++);
	y->swap_free = store_column_u64(st, c++);
	y->load1 = sqlite3_column_double(st, c++);
	y->load5 = sqlite3_column_double(st, c++);
	y->load15 = sqlite3_column_double(st, c++);
	for (int r = 0; r < PSI_N; r++)
		c = read_psi(st, c, &y->psi[r]);
}

static void read_core(sqlite3_stmt *st, void *row)
{
	struct core_times *core = row;

	core->cpu = sqlite3_column_int(st, 0);
	read_cpu_times(st, 1, &core->t);
}

static int read_sys(struct store *s, int64_t seq, struct sys_sample *y)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT " SYS_COLUMNS " FROM sys_samples WHERE tick = ?1",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = store_step(s, st);
	if (rc > 0)
		read_sys_row(st, y);
	sqlite3_finalize(st);
	if (rc < 0 || store_prepare(s,
				    "SELECT cpu, " CPU_COLUMNS " FROM cpu_samples"
				    " WHERE tick = ?1 ORDER BY cpu",
				    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	return store_read_rows(s, st, (void **)&y->cores, &y->ncores, sizeof(*y->cores),
			       read_core);
}

static int read_frame(struct store *s, int64_t t_ms, struct frame *f)
{
	struct store_tick ref;
	int rc = store_resolve_tick(s, t_ms, &ref);

	if (rc == 0)
		return store_no_tick(s, t_ms);
	if (rc < 0)
		return -1;
	f->seq = (uint64_t)ref.seq;
	f->t_ms = ref.t_ms;
	f->cost_ns = ref.cost_ns;
	if (read_sys(s, ref.seq, &f->sys) < 0 ||
	    store_read_devices(s, ref.seq, &f->sys) < 0 ||
	    store_read_proc_table(s, &ref, &f->procs) < 0 ||
	    store_read_cgroup_table(s, &ref, &f->cgroups) < 0 ||
	    store_read_target(s, ref.seq, f) < 0)
		return -1;
	return 0;
}

int query_frame_at(struct store *s, int64_t t_ms, struct frame **out)
{
	struct frame *f;
	bool began;
	int rc;

	*out = NULL;
	if (store_read_begin(s, &began) < 0)
		return -1;
	f = frame_new();
	rc = read_frame(s, t_ms, f);
	store_read_end(s, began);
	if (rc < 0) {
		frame_unref(f);
		return -1;
	}
	*out = f;
	return 0;
}

/* The newest (last) or oldest tick in [a, b] whose target is not pid. */
static int other_target(struct store *s, bool last, int pid, uint64_t start, int64_t a,
			int64_t b, int64_t *out)
{
	static const char *const sql[2] = {
		"SELECT min(k.t_ms) FROM ticks k JOIN target_samples g ON g.tick = k.seq "
		"WHERE k.t_ms BETWEEN ?1 AND ?2 AND (g.pid <> ?3 OR g.start_ticks <> ?4)",
		"SELECT max(k.t_ms) FROM ticks k JOIN target_samples g ON g.tick = k.seq "
		"WHERE k.t_ms BETWEEN ?1 AND ?2 AND (g.pid <> ?3 OR g.start_ticks <> ?4)",
	};
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql[last], -1, &st, NULL) != SQLITE_OK)
		return store_fail_sql(s, "cannot read the timeline");
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	sqlite3_bind_int(st, 3, pid);
	sqlite3_bind_int64(st, 4, (int64_t)start);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail_sql(s, "cannot read the timeline");
	}
	rc = sqlite3_column_type(st, 0) == SQLITE_NULL ? 1 : 0;
	if (!rc)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

int timeline_target_run(struct store *s, int pid, uint64_t start_ticks, int64_t t0,
			int64_t t_ms, int64_t t1, int64_t *from_ms, int64_t *to_ms)
{
	int64_t t;
	int rc;

	*from_ms = t0;
	*to_ms = t1 + 1;
	rc = other_target(s, true, pid, start_ticks, t0, t_ms, &t);
	if (rc < 0)
		return -1;
	if (rc == 0)
		*from_ms = t + 1;
	rc = t_ms < t1 ? other_target(s, false, pid, start_ticks, t_ms + 1, t1, &t) : 1;
	if (rc < 0)
		return -1;
	if (rc == 0)
		*to_ms = t;
	return 0;
}
