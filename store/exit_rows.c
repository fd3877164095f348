/* SPDX-License-Identifier: MIT */
/*
 * exit_rows: proc_exits and exit_accounting rows, written and read
 * (store/exit_rows.h). The state row is written when it differs from the
 * one written last, so a day at 1 s ticks holds a handful, not 86400.
 */
#include "store/exit_rows.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

static int write_exit(struct store *s, const struct frame *f, const struct proc_exit *x)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PROC_EXIT);
	int i = 1;

	store_bind_u64(st, i++, f->seq);
	sqlite3_bind_int(st, i++, x->pid);
	sqlite3_bind_int(st, i++, x->ppid);
	sqlite3_bind_int64(st, i++, x->uid);
	store_bind_text(st, i++, x->comm, sizeof(x->comm));
	if (x->cmdline)
		sqlite3_bind_text(st, i, x->cmdline, -1, SQLITE_STATIC);
	i++;
	sqlite3_bind_int64(st, i++, x->start_ms);
	sqlite3_bind_int64(st, i++, x->end_ms);
	store_bind_u64(st, i++, x->utime_ns);
	store_bind_u64(st, i++, x->stime_ns);
	store_bind_u64_if(st, i++, x->cpu_ns, x->cpu_ns != 0);
	store_bind_u64(st, i++, x->peak_rss);
	sqlite3_bind_int(st, i++, x->exit_code);
	sqlite3_bind_int(st, i++, x->exit_signal);
	sqlite3_bind_int(st, i++, x->core_dumped);
	sqlite3_bind_int(st, i++, x->threads);
	sqlite3_bind_int(st, i++, x->seen);
	return store_exec_stmt(s, st, "cannot write a process exit");
}

static bool state_changed(const struct exit_state_seen *a, const struct proc_exits *e)
{
	return !a->any || a->running != e->on || a->cmdlines != e->cmdlines ||
	       a->lost != e->lost || a->no_cmdline != e->no_cmdline || a->bad != e->bad ||
	       strcmp(a->why, e->why) != 0;
}

static int write_state(struct store *s, const struct frame *f, const struct proc_exits *e)
{
	sqlite3_stmt *st = store_stmt(s, STMT_EXIT_STATE);
	struct exit_state_seen *n = &s->exit_next;

	store_bind_u64(st, 1, f->seq);
	sqlite3_bind_int64(st, 2, f->t_ms);
	sqlite3_bind_int(st, 3, e->on);
	store_bind_text(st, 4, e->why, sizeof(e->why));
	sqlite3_bind_int(st, 5, e->cmdlines);
	store_bind_u64(st, 6, e->lost);
	store_bind_u64(st, 7, e->no_cmdline);
	store_bind_u64(st, 8, e->bad);
	if (store_exec_stmt(s, st, "cannot write the exit accounting state") < 0)
		return -1;
	n->any = true;
	n->running = e->on;
	n->cmdlines = e->cmdlines;
	n->lost = e->lost;
	n->no_cmdline = e->no_cmdline;
	n->bad = e->bad;
	memcpy(n->why, e->why, sizeof(n->why));
	return 0;
}

int store_write_exits(struct store *s, const struct frame *f)
{
	const struct proc_exits *e = f->exits;

	s->exit_next = s->exit_seen;
	if (!e)
		return 0;
	for (size_t i = 0; i < e->n && !s->skip_procs; i++)
		if (write_exit(s, f, &e->rows[i]) < 0)
			return -1;
	return state_changed(&s->exit_seen, e) ? write_state(s, f, e) : 0;
}

void store_exits_commit(struct store *s)
{
	s->exit_seen = s->exit_next;
}

/* ---- reading ---- */

/* How many exits a row stands for: n since a compacted file can merge them
 * (schema 15), 1 in older files. */
static const char *exits_n(const struct store *s)
{
	return store_has(s, STORE_SINCE_EXIT_COUNT) ? "n" : "1";
}

/* The last state row at or before t1 (or the first after t0 when none),
 * and the counters of the first row in the span, to subtract. */
static int read_state(struct store *s, int64_t t0, int64_t t1, struct exit_summary *o)
{
	sqlite3_stmt *st;
	uint64_t lost0 = 0, nocmd0 = 0, bad0 = 0;
	int rc;

	if (store_prepare(s,
			  "SELECT running, why, cmdlines, lost, no_cmdline, bad"
			  " FROM exit_accounting WHERE t_ms <= ?2"
			  " ORDER BY tick DESC LIMIT 1",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 2, t1);
	rc = store_step(s, st);
	if (rc > 0) {
		o->recorded = true;
		o->running = sqlite3_column_int(st, 0);
		store_column_text(st, 1, o->why, sizeof(o->why));
		o->cmdlines = sqlite3_column_int(st, 2);
		o->lost = store_column_u64(st, 3);
		o->no_cmdline = store_column_u64(st, 4);
		o->bad = store_column_u64(st, 5);
	}
	store_finish(s, st);
	if (rc <= 0)
		return rc;
	/* the counters are cumulative: what the span added is last - before */
	if (store_prepare(s,
			  "SELECT lost, no_cmdline, bad FROM exit_accounting"
			  " WHERE t_ms < ?1 ORDER BY tick DESC LIMIT 1",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	rc = store_step(s, st);
	if (rc > 0) {
		lost0 = store_column_u64(st, 0);
		nocmd0 = store_column_u64(st, 1);
		bad0 = store_column_u64(st, 2);
	}
	store_finish(s, st);
	o->lost -= lost0 <= o->lost ? lost0 : o->lost;
	o->no_cmdline -= nocmd0 <= o->no_cmdline ? nocmd0 : o->no_cmdline;
	o->bad -= bad0 <= o->bad ? bad0 : o->bad;
	return rc < 0 ? -1 : 0;
}

int query_exit_summary(struct store *s, int64_t t0, int64_t t1, struct exit_summary *out)
{
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!store_has(s, STORE_SINCE_EXITS))
		return 0;
	if (read_state(s, t0, t1, out) < 0)
		return -1;
	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(sum(%s), 0), coalesce(sum(%s * (seen = 0)), 0),"
		 " coalesce(sum(%s * (exit_code != 0)), 0)"
		 " FROM proc_exits WHERE end_ms BETWEEN ?1 AND ?2",
		 exits_n(s), exits_n(s), exits_n(s));
	if (store_prepare(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	rc = store_step(s, st);
	if (rc > 0) {
		out->exits = store_column_u64(st, 0);
		out->unseen = store_column_u64(st, 1);
		out->failed = store_column_u64(st, 2);
	}
	store_finish(s, st);
	return rc < 0 ? -1 : 0;
}

static void read_group(sqlite3_stmt *st, void *row)
{
	struct exit_group *g = row;

	store_column_text(st, 0, g->comm, sizeof(g->comm));
	g->n = store_column_u64(st, 1);
	g->cpu_ns = store_column_u64(st, 2);
	g->peak_rss = store_column_u64(st, 3);
	g->life_ms = sqlite3_column_int64(st, 4);
	g->failed = store_column_u64(st, 5);
}

int query_exit_groups(struct store *s, int64_t t0, int64_t t1, enum exit_order order,
		      size_t max, struct exit_group **out, size_t *n)
{
	static const char *const by[] = {[EXIT_BY_CPU] = "cpu DESC",
					 [EXIT_BY_RSS] = "rss DESC",
					 [EXIT_BY_COUNT] = "n DESC"};
	sqlite3_stmt *st;
	char sql[640];

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_EXITS))
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT comm, sum(%s) AS n,"
		 " sum(coalesce(cpu_ns, utime_ns + stime_ns)) AS cpu,"
		 " max(peak_rss) AS rss, max(end_ms - start_ms),"
		 " sum(%s * (exit_code != 0))"
		 " FROM proc_exits WHERE end_ms BETWEEN ?1 AND ?2"
		 " GROUP BY comm ORDER BY %s, comm LIMIT ?3",
		 exits_n(s), exits_n(s), by[order]);
	if (store_prepare(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_group);
}

static int read_exit(sqlite3_stmt *st, void *row, void *arg)
{
	struct proc_exit *x = row;
	const unsigned char *cmd;

	(void)arg;
	x->pid = sqlite3_column_int(st, 0);
	x->ppid = sqlite3_column_int(st, 1);
	x->uid = (unsigned)sqlite3_column_int64(st, 2);
	store_column_text(st, 3, x->comm, sizeof(x->comm));
	cmd = sqlite3_column_text(st, 4);
	x->cmdline = cmd ? xstrdup((const char *)cmd) : NULL;
	x->start_ms = sqlite3_column_int64(st, 5);
	x->end_ms = sqlite3_column_int64(st, 6);
	x->utime_ns = store_column_u64(st, 7);
	x->stime_ns = store_column_u64(st, 8);
	x->cpu_ns = store_column_u64(st, 9);
	x->peak_rss = store_column_u64(st, 10);
	x->exit_code = sqlite3_column_int(st, 11);
	x->exit_signal = sqlite3_column_int(st, 12);
	x->core_dumped = sqlite3_column_int(st, 13);
	x->threads = sqlite3_column_int(st, 14);
	x->seen = sqlite3_column_int(st, 15);
	x->n = store_column_u64(st, 16);
	return 0;
}

static void drop_exit(void *row)
{
	free(((struct proc_exit *)row)->cmdline);
}

int query_proc_exits(struct store *s, int64_t t0, int64_t t1, size_t max,
		     struct proc_exit **out, size_t *n)
{
	sqlite3_stmt *st;
	char sql[320];

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_EXITS))
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT pid, ppid, uid, comm, cmdline, start_ms, end_ms,"
		 " utime_ns, stime_ns, cpu_ns, peak_rss, exit_code,"
		 " exit_signal, core_dumped, threads, seen, %s FROM proc_exits"
		 " WHERE end_ms BETWEEN ?1 AND ?2 ORDER BY id LIMIT ?3",
		 exits_n(s));
	if (store_prepare(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	return store_read_rows_with(s, st, (void **)out, n, sizeof(**out), read_exit,
				    NULL, drop_exit);
}

void proc_exit_rows_free(struct proc_exit *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].cmdline);
	free(v);
}
