/* SPDX-License-Identifier: MIT */
/*
 * write: the write side of a session file (declared in store/store.h): the
 * writer connection's prepared statements, the sessions row, one frame as
 * one transaction, and the per-minute rollups that close with each minute.
 *
 * Every statement is prepared once (store_create calls store_prepare_writer)
 * and reused per frame; a frame is BEGIN IMMEDIATE .. COMMIT, so a reader in
 * another process sees whole ticks or nothing, and a failed frame leaves no
 * trace: the transaction rolls back and the in-memory identity map (see
 * identity.c) is only replaced once the COMMIT succeeded. The rows of the
 * other rooms (target, alerts, app metrics, heap) are written by their
 * *_rows.c files into the same transaction. store/writer.c is the thread
 * that calls in here.
 */
#include "store/store.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "store/series.h"
#include "store/store-internal.h"

/* ---- statements ---- */

static char *insert_sql(const char *table, const char *columns, const char *suffix)
{
	size_t n = 1;
	char *marks, *p, *sql;

	for (const char *c = columns; *c; c++)
		n += *c == ',';
	/* "?, ?, ?": one mark per column */
	p = marks = xmalloc(3 * n);
	for (size_t i = 0; i < n; i++) {
		if (i) {
			*p++ = ',';
			*p++ = ' ';
		}
		*p++ = '?';
	}
	*p = '\0';
	sql = xasprintf("INSERT INTO %s (%s) VALUES (%s)%s", table, columns, marks,
			suffix);
	free(marks);
	return sql;
}

static char *stmt_sql(enum store_stmt id)
{
	switch (id) {
	case STMT_BEGIN:
		/* IMMEDIATE: take the write lock up front, never upgrade */
		return xstrdup("BEGIN IMMEDIATE");
	case STMT_COMMIT:
		return xstrdup("COMMIT");
	case STMT_ROLLBACK:
		return xstrdup("ROLLBACK");
	case STMT_SESSION_INSERT:
		return insert_sql("sessions", SESSION_COLUMNS, "");
	case STMT_SESSION_END:
		return xstrdup("UPDATE sessions SET ended_ms = ?1,"
			       " target_exit_code = ?2, target_exit_signal = ?3");
	case STMT_TICK:
		return insert_sql("ticks", "seq, t_ms, cost_ns", "");
	case STMT_SYS:
		return insert_sql("sys_samples", SYS_COLUMNS, "");
	case STMT_CORE:
		return insert_sql("cpu_samples", "tick, cpu, " CPU_COLUMNS, "");
	case STMT_PROC_UPSERT:
		/* An identity seen before a gap (a tick whose process table
		 * was not read) is reopened, not duplicated. */
		return insert_sql("procs",
				  "pid, start_ticks, start_ms, ppid, uid, user, comm, "
				  "cmdline, first_tick, cgroup",
				  " ON CONFLICT (pid, start_ticks) DO UPDATE SET"
				  " last_tick = NULL, uid = excluded.uid,"
				  " user = excluded.user, comm = excluded.comm,"
				  " cmdline = excluded.cmdline,"
				  " cgroup = excluded.cgroup RETURNING id");
	case STMT_PROC_RENAME:
		/* exec() and setuid() keep the identity but change these */
		return xstrdup("UPDATE procs SET uid = ?2, user = ?3, comm = ?4,"
			       " cmdline = ?5, cgroup = ?6 WHERE id = ?1");
	case STMT_PROC_CLOSE:
		return xstrdup("UPDATE procs SET last_tick = ?2 WHERE id = ?1");
	case STMT_PROC_SAMPLE:
		return insert_sql("proc_samples",
				  "proc, tick, ppid, state, nice, threads, "
				  "cpu_ticks, rss, vsz",
				  "");
	case STMT_TARGET:
		return insert_sql("target_samples", TARGET_COLUMNS ", " TARGET_V3_COLUMNS,
				  "");
	case STMT_THREAD:
		return insert_sql("thread_samples", THREAD_COLUMNS ", " THREAD_V3_COLUMNS,
				  "");
	case STMT_ALERT:
		return insert_sql(
			"alert_events",
			"tick, t_ms, rule, severity, state, value, word, message, "
			"profile, top_by",
			"");
	case STMT_ALERT_TOP:
		return insert_sql("alert_top", "event, rank, pid, comm, value", "");
	case STMT_APP_INGEST:
		return insert_sql("app_ingest", "tick, packets, lines, dropped, bad", "");
	case STMT_APP_METRIC:
		return insert_sql(
			"app_metrics", "name, kind",
			" ON CONFLICT (name, kind) DO UPDATE SET name = excluded.name"
			" RETURNING id");
	case STMT_APP_SAMPLE:
		return insert_sql("app_samples",
				  "metric, tick, count, value, hist, lo, hi", "");
	case STMT_HEAP_ROLLUP:
		return insert_sql("heap_rollups",
				  "tick, pid, pss, private_dirty, anonymous, lazyfree, "
				  "swap, cost_ns",
				  "");
	case STMT_JVM:
		return insert_sql(
			"jvm_samples",
			"tick, pid, young_used, young_capacity, old_used, old_capacity, "
			"meta_used, meta_capacity, young_gcs, young_gc_ms, full_gcs, "
			"full_gc_ms, old_after_gc",
			"");
	case STMT_GC:
		return insert_sql(
			"gc_events",
			"tick, pid, runtime, kind, major, runtime_ms, pause_ms, "
			"before_bytes, after_bytes",
			"");
	case STMT_LEAK:
		return insert_sql(
			"leak_verdicts",
			"tick, pid, source, verdict, rate_bytes_per_hour, confidence, "
			"since_ms, time_to_limit_s, limit_bytes, floor_bytes",
			"");
	case STMT_MAPPING:
		return insert_sql("mappings", "pid, start_ticks, key, kind, name",
				  " ON CONFLICT (pid, start_ticks, key) DO UPDATE SET"
				  " kind = excluded.kind, name = excluded.name"
				  " RETURNING id");
	case STMT_DISK:
		return insert_sql("disk_samples", DISK_COLUMNS, "");
	case STMT_NET:
		return insert_sql("net_samples", NET_COLUMNS, "");
	case STMT_MAPPING_SAMPLE:
		return insert_sql("mapping_samples",
				  "mapping, tick, size, rss, anon, swap, pss", "");
	case STMT_SMAPS_READ:
		return insert_sql("smaps_reads", "tick, mappings, cost_ns", "");
	case STMT_SUSPECT:
		return insert_sql("leak_suspects",
				  "tick, rank, kind, name, mapping, rate_bytes_per_hour, "
				  "size_bytes, since_ms",
				  "");
	case STMT_NOTICE:
		return insert_sql("notices", "tick, t_ms, kind, source, message", "");
	case STMT_PROC_ACTION:
		return insert_sql(
			"proc_actions",
			"t_ms, what, detail, pid, start_ticks, comm, ok, result", "");
	case STMT_PROC_EXIT:
		return insert_sql("proc_exits", PROC_EXIT_COLUMNS, "");
	case STMT_EXIT_STATE:
		return insert_sql(
			"exit_accounting",
			"tick, t_ms, running, why, cmdlines, lost, no_cmdline, bad", "");
	case STMT_N:
		break;
	}
	return NULL;
}

int store_prepare_writer(struct store *s, char *err, size_t errlen)
{
	for (int id = 0; id < STMT_N; id++) {
		char *sql = stmt_sql((enum store_stmt)id);
		int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					    &s->stmt[id], NULL);

		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "cannot prepare statement %d: %s", id,
				 sqlite3_errmsg(s->db));
			free(sql);
			return -1;
		}
		free(sql);
	}
	return 0;
}

sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id)
{
	sqlite3_stmt *st = s->stmt[id];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* ---- the sessions row ---- */

static int writable(struct store *s)
{
	if (s->readonly)
		return store_fail(s, "session is open read-only");
	return 0;
}

int store_session_begin(struct store *s, const struct session_meta *m)
{
	sqlite3_stmt *st;
	int i = 1;

	if (writable(s) < 0)
		return -1;
	st = store_stmt(s, STMT_SESSION_INSERT);
	store_bind_text(st, i++, m->version, sizeof(m->version));
	store_bind_text(st, i++, m->host, sizeof(m->host));
	store_bind_text(st, i++, m->kernel, sizeof(m->kernel));
	sqlite3_bind_int64(st, i++, m->started_ms);
	if (m->ended_ms)
		sqlite3_bind_int64(st, i, m->ended_ms);
	i++;
	sqlite3_bind_int64(st, i++, m->interval_ms);
	sqlite3_bind_int(st, i++, m->ncpu);
	sqlite3_bind_int64(st, i++, m->clk_tck);
	sqlite3_bind_int64(st, i++, m->page_size);
	sqlite3_bind_int64(st, i++, m->boot_ms);
	store_bind_u64(st, i++, m->mem_total);
	sqlite3_bind_int(st, i++, m->target_pid);
	store_bind_text(st, i++, m->target_cmd, sizeof(m->target_cmd));
	sqlite3_bind_int(st, i++, m->target_exit_code);
	sqlite3_bind_int(st, i++, m->target_exit_signal);
	return store_exec_stmt(s, st, "cannot write the session row");
}

static void rollback(struct store *s)
{
	/* Keeps s->err: the failure that got us here is the one to report. */
	sqlite3_stmt *st;

	/* a failed COMMIT (I/O error, disk full) may have rolled back already */
	if (sqlite3_get_autocommit(s->db))
		return;
	st = store_stmt(s, STMT_ROLLBACK);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_debug("store: rollback: %s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
}

int store_session_end(struct store *s, const struct session_meta *m)
{
	sqlite3_stmt *st;

	if (writable(s) < 0)
		return -1;
	if (store_exec_stmt(s, store_stmt(s, STMT_BEGIN), "cannot end the session") < 0)
		return -1;
	st = store_stmt(s, STMT_SESSION_END);
	sqlite3_bind_int64(st, 1, m->ended_ms);
	sqlite3_bind_int(st, 2, m->target_exit_code);
	sqlite3_bind_int(st, 3, m->target_exit_signal);
	if (store_exec_stmt(s, st, "cannot update the session row") < 0)
		goto fail;
	if (sqlite3_changes(s->db) != 1) {
		store_fail(s, "cannot update the session row: there is none");
		goto fail;
	}
	if (store_identity_close_all(s) < 0 || store_cgroups_close_all(s) < 0)
		goto fail;
	/* the last, partial minute is rolled up too */
	if (s->roll_minute && store_rollup_minute(s, s->roll_minute) < 0)
		goto fail;
	if (store_exec_stmt(s, store_stmt(s, STMT_COMMIT), "cannot end the session") < 0)
		goto fail;
	store_identity_commit(s);
	store_cgroups_commit(s);
	s->roll_minute = 0;
	return 0;
fail:
	rollback(s);
	store_identity_discard(s);
	store_cgroups_discard(s);
	return -1;
}

/* ---- minute rollups ---- */

/* The time of the newest tick before t; false when there is none. */
static bool tick_before(struct store *s, int64_t t, int64_t *out)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(s->db, "SELECT max(t_ms) FROM ticks WHERE t_ms < ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, t);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*out = sqlite3_column_int64(st, 0);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

int store_rollup_minute(struct store *s, int64_t minute)
{
	int64_t t0 = minute * STORE_MINUTE_MS, t1 = t0 + STORE_MINUTE_MS - 1, before = 0;
	bool has_before = tick_before(s, t0, &before);
	sqlite3_stmt *ins;

	if (store_prepare(
		    s,
		    "INSERT OR REPLACE INTO rollups (metric, minute, n, min, sum, max)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		    &ins) < 0)
		return -1;
	for (const char *const *name = query_metric_names(); *name; name++) {
		struct series ser = {0};
		/* a rate needs the tick before the minute for its first value; that
		 * tick has no rate of its own in the window, so it adds none */
		int64_t from = !store_metric_is_gauge(*name) && has_before ? before : t0;
		int rc = query_series(s, *name, from, t1, 1, &ser);

		if (rc == 0 && ser.n && ser.points[0].n) {
			sqlite3_reset(ins);
			sqlite3_bind_text(ins, 1, *name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 2, minute);
			sqlite3_bind_int64(ins, 3, (int64_t)ser.points[0].n);
			sqlite3_bind_double(ins, 4, ser.points[0].min);
			sqlite3_bind_double(ins, 5,
					    ser.points[0].avg * (double)ser.points[0].n);
			sqlite3_bind_double(ins, 6, ser.points[0].max);
			if (sqlite3_step(ins) != SQLITE_DONE)
				rc = store_fail_sql(s, "cannot write rollups");
		}
		series_release(&ser);
		if (rc < 0) {
			sqlite3_finalize(ins);
			return -1;
		}
	}
	sqlite3_finalize(ins);
	return 0;
}

/* ---- one frame ---- */

static int write_tick(struct store *s, const struct frame *f)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TICK);
	char what[64];

	store_bind_u64(st, 1, f->seq);
	sqlite3_bind_int64(st, 2, f->t_ms);
	sqlite3_bind_int64(st, 3, f->cost_ns);
	snprintf(what, sizeof(what), "cannot write tick %llu",
		 (unsigned long long)f->seq);
	return store_exec_stmt(s, st, what);
}

/* Binds the eight cpu_times fields from index i on; returns the next index. */
static int bind_cpu_times(sqlite3_stmt *st, int i, const struct cpu_times *t, bool have)
{
	store_bind_u64_if(st, i++, t->user, have);
	store_bind_u64_if(st, i++, t->nice, have);
	store_bind_u64_if(st, i++, t->system, have);
	store_bind_u64_if(st, i++, t->idle, have);
	store_bind_u64_if(st, i++, t->iowait, have);
	store_bind_u64_if(st, i++, t->irq, have);
	store_bind_u64_if(st, i++, t->softirq, have);
	store_bind_u64_if(st, i++, t->steal, have);
	return i;
}

static int bind_psi(sqlite3_stmt *st, int i, const struct psi *p)
{
	bool full = p->present && p->has_full;

	store_bind_double_if(st, i++, p->some.avg10, p->present);
	store_bind_double_if(st, i++, p->some.avg60, p->present);
	store_bind_double_if(st, i++, p->some.avg300, p->present);
	store_bind_u64_if(st, i++, p->some.total_us, p->present);
	store_bind_double_if(st, i++, p->full.avg10, full);
	store_bind_double_if(st, i++, p->full.avg60, full);
	store_bind_double_if(st, i++, p->full.avg300, full);
	store_bind_u64_if(st, i++, p->full.total_us, full);
	return i;
}

static int write_sys(struct store *s, const struct frame *f)
{
	const struct sys_sample *y = &f->sys;
	sqlite3_stmt *st = store_stmt(s, STMT_SYS);
	bool stat = y->have & SYS_HAVE_STAT;
	bool mem = y->have & SYS_HAVE_MEMINFO;
	bool load = y->have & SYS_HAVE_LOADAVG;
	int i = 1;

	store_bind_u64(st, i++, f->seq);
	sqlite3_bind_int64(st, i++, y->have);
	store_bind_text(st, i++, y->why, sizeof(y->why));
	i = bind_cpu_times(st, i, &y->cpu, stat);
	store_bind_u64_if(st, i++, y->ctxt, stat);
	store_bind_u64_if(st, i++, y->forks, stat);
	store_bind_u64_if(st, i++, y->procs_running, stat);
	store_bind_u64_if(st, i++, y->procs_blocked, stat);
	store_bind_u64_if(st, i++, (uint64_t)y->boot_time_s, stat);
	store_bind_u64_if(st, i++, y->mem_total, mem);
	store_bind_u64_if(st, i++, y->mem_free, mem);
	store_bind_u64_if(st, i++, y->mem_available, mem);
	store_bind_u64_if(st, i++, y->buffers, mem);
	store_bind_u64_if(st, i++, y->cached, mem);
	store_bind_u64_if(st, i++, y->swap_total, mem);
	store_bind_u64_if(st, i++, y->swap_free, mem);
	store_bind_double_if(st, i++, y->load1, load);
	store_bind_double_if(st, i++, y->load5, load);
	store_bind_double_if(st, i++, y->load15, load);
	for (int r = 0; r < PSI_N; r++)
		i = bind_psi(st, i, &y->psi[r]);
	return store_exec_stmt(s, st, "cannot write the system sample");
}

static int write_cores(struct store *s, const struct frame *f)
{
	for (size_t c = 0; c < f->sys.ncores; c++) {
		const struct core_times *core = &f->sys.cores[c];
		sqlite3_stmt *st = store_stmt(s, STMT_CORE);

		store_bind_u64(st, 1, f->seq);
		sqlite3_bind_int(st, 2, core->cpu);
		bind_cpu_times(st, 3, &core->t, true);
		if (store_exec_stmt(s, st, "cannot write a core sample") < 0)
			return -1;
	}
	return 0;
}

/*
 * The first frame of a new minute closes the one before: its rollups go into
 * the same transaction, so they exist exactly when its ticks do.
 */
static int close_minute(struct store *s, const struct frame *f, int64_t *next)
{
	int64_t minute = f->t_ms / 60000;

	*next = s->roll_minute;
	if (s->roll_minute && minute > s->roll_minute) {
		if (store_rollup_minute(s, s->roll_minute) < 0)
			return -1;
		/* the rollup queries are a burst of short-lived allocations once a
		 * minute; hand the freed memory back so RSS stays flat */
		malloc_trim(0);
	}
	if (!s->roll_minute || minute > s->roll_minute)
		*next = minute;
	return 0;
}

void store_skip_processes(struct store *s, bool skip)
{
	s->skip_procs = skip;
}

int store_write_frame(struct store *s, const struct frame *f)
{
	int64_t next_minute;

	if (writable(s) < 0)
		return -1;
	if (store_exec_stmt(s, store_stmt(s, STMT_BEGIN), "cannot begin a frame") < 0)
		return -1;
	if (write_tick(s, f) < 0 || write_sys(s, f) < 0 || write_cores(s, f) < 0 ||
	    (!s->skip_procs && store_identity_write_frame(s, f) < 0) ||
	    store_write_target(s, f) < 0 || store_write_alerts(s, f) < 0 ||
	    store_write_notices(s, f) < 0 || store_write_app(s, f) < 0 ||
	    store_write_heap(s, f) < 0 || store_write_devices(s, f) < 0 ||
	    store_write_exits(s, f) < 0 || store_write_cgroups(s, f) < 0 ||
	    close_minute(s, f, &next_minute) < 0)
		goto fail;
	if (store_exec_stmt(s, store_stmt(s, STMT_COMMIT), "cannot commit a frame") < 0)
		goto fail;
	store_identity_commit(s);
	store_devices_commit(s);
	store_exits_commit(s);
	store_cgroups_commit(s);
	s->roll_minute = next_minute;
	return 0;
fail:
	rollback(s);
	store_identity_discard(s);
	store_devices_discard(s);
	store_cgroups_discard(s);
	return -1;
}
