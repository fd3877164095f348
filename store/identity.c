/* SPDX-License-Identifier: MIT */
/*
 * identity: the writer's map of process identities, and the process rows of
 * a frame.
 *
 * A process is (pid, start_ticks): a pid the kernel reuses for a new process
 * has another start time and becomes another row of procs, and the old one is
 * closed. The writer keeps, per live identity, the values it last wrote, and
 * writes a proc_samples row only when one of them moved (or the identity is
 * new). An idle process therefore costs one row per session.
 *
 * Invariants:
 * - s->seen describes exactly what the file says after the last committed
 *   transaction: every entry is an open identity (last_tick NULL) whose
 *   latest proc_samples row holds the remembered values.
 * - A frame builds s->next while writing; it replaces s->seen only after the
 *   COMMIT succeeded, so a rolled-back frame leaves the map as the file is.
 * - Both maps are in ascending pid order, like struct proc_table, so a frame
 *   merges in one walk without a hash table.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

static uint64_t fnv1a(uint64_t h, const void *bytes, size_t n)
{
	const unsigned char *p = bytes;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The fields of an identity that exec() or setuid() may change. */
static uint64_t names_hash(const struct proc_row *r)
{
	const char *cmdline = r->cmdline ? r->cmdline : "";
	uint64_t h = 0xcbf29ce484222325ull;

	h = fnv1a(h, r->comm, strnlen(r->comm, sizeof(r->comm)) + 1);
	h = fnv1a(h, cmdline, strlen(cmdline) + 1);
	h = fnv1a(h, r->user, strnlen(r->user, sizeof(r->user)) + 1);
	if (r->cgroup)
		h = fnv1a(h, r->cgroup, strlen(r->cgroup) + 1);
	return fnv1a(h, &r->uid, sizeof(r->uid));
}

static bool sample_changed(const struct proc_seen *e, const struct proc_row *r)
{
	return e->cpu_ticks != r->cpu_ticks || e->rss_bytes != r->rss_bytes ||
	       e->vsz_bytes != r->vsz_bytes || e->state != r->state ||
	       e->threads != r->threads || e->nice != r->nice || e->ppid != r->ppid;
}

static void remember(struct proc_seen *e, const struct proc_row *r, uint64_t names,
		     int64_t tick)
{
	e->pid = r->pid;
	e->start_ticks = r->start_ticks;
	e->last_tick = tick;
	e->names = names;
	e->cpu_ticks = r->cpu_ticks;
	e->rss_bytes = r->rss_bytes;
	e->vsz_bytes = r->vsz_bytes;
	e->ppid = r->ppid;
	e->nice = r->nice;
	e->threads = r->threads;
	e->state = r->state;
}

static struct proc_seen *map_push(struct identity_map *m)
{
	m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
	memset(&m->v[m->n], 0, sizeof(m->v[m->n]));
	return &m->v[m->n++];
}

void store_identity_map_release(struct identity_map *m)
{
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
}

/* Inserts (or, after a gap, reopens) the identity of r; *id is procs.id. */
static int open_identity(struct store *s, const struct proc_row *r, int64_t tick,
			 int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PROC_UPSERT);
	int i = 1;

	sqlite3_bind_int(st, i++, r->pid);
	store_bind_u64(st, i++, r->start_ticks);
	sqlite3_bind_int64(st, i++, r->start_ms);
	sqlite3_bind_int(st, i++, r->ppid);
	sqlite3_bind_int64(st, i++, r->uid);
	store_bind_text(st, i++, r->user, sizeof(r->user));
	store_bind_text(st, i++, r->comm, sizeof(r->comm));
	store_bind_text(st, i++, r->cmdline, (size_t)-1);
	sqlite3_bind_int64(st, i++, tick);
	if (r->cgroup)
		store_bind_text(st, i++, r->cgroup, (size_t)-1);
	return store_exec_returning_id(s, st, "cannot write a process identity", id);
}

static int rename_identity(struct store *s, int64_t id, const struct proc_row *r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PROC_RENAME);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, r->uid);
	store_bind_text(st, 3, r->user, sizeof(r->user));
	store_bind_text(st, 4, r->comm, sizeof(r->comm));
	store_bind_text(st, 5, r->cmdline, (size_t)-1);
	if (r->cgroup)
		store_bind_text(st, 6, r->cgroup, (size_t)-1);
	return store_exec_stmt(s, st, "cannot rename a process identity");
}

static int close_identity(struct store *s, const struct proc_seen *e)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PROC_CLOSE);

	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, e->last_tick);
	return store_exec_stmt(s, st, "cannot close a process identity");
}

static int write_sample(struct store *s, int64_t id, int64_t tick,
			const struct proc_row *r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PROC_SAMPLE);
	int i = 1;

	sqlite3_bind_int64(st, i++, id);
	sqlite3_bind_int64(st, i++, tick);
	sqlite3_bind_int(st, i++, r->ppid);
	store_bind_char(st, i++, r->state);
	sqlite3_bind_int(st, i++, r->nice);
	sqlite3_bind_int(st, i++, r->threads);
	store_bind_u64(st, i++, r->cpu_ticks);
	store_bind_u64(st, i++, r->rss_bytes);
	store_bind_u64(st, i++, r->vsz_bytes);
	return store_exec_stmt(s, st, "cannot write a process sample");
}

/*
 * One row of the frame against what the map knew of its pid (old, or NULL
 * for a pid not seen last time). Appends the resulting entry to s->next.
 */
static int merge_row(struct store *s, const struct proc_seen *old,
		     const struct proc_row *r, int64_t tick)
{
	uint64_t names = names_hash(r);
	struct proc_seen *e;
	int64_t id;

	if (old && old->start_ticks == r->start_ticks) {
		id = old->id;
		if (old->names != names && rename_identity(s, id, r) < 0)
			return -1;
		if (sample_changed(old, r) && write_sample(s, id, tick, r) < 0)
			return -1;
	} else {
		/* new pid, or the pid was reused by a new process */
		if (old && close_identity(s, old) < 0)
			return -1;
		if (open_identity(s, r, tick, &id) < 0 ||
		    write_sample(s, id, tick, r) < 0)
			return -1;
	}
	e = map_push(&s->next);
	e->id = id;
	remember(e, r, names, tick);
	return 0;
}

static int check_order(struct store *s, const struct proc_table *t)
{
	for (size_t j = 1; j < t->n; j++) {
		if (t->rows[j].pid <= t->rows[j - 1].pid)
			return store_fail(s,
					  "process table not in ascending pid order"
					  " (pid %d after %d)",
					  t->rows[j].pid, t->rows[j - 1].pid);
	}
	return 0;
}

int store_identity_write_frame(struct store *s, const struct frame *f)
{
	const struct identity_map *seen = &s->seen;
	const struct proc_table *t = &f->procs;
	int64_t tick = (int64_t)f->seq;
	size_t i = 0, j = 0;

	s->next.n = 0;
	if (t->n == 0) {
		/* not read this tick (a real table always holds vigil itself):
		 * nobody exited, nothing changed */
		for (size_t k = 0; k < seen->n; k++)
			*map_push(&s->next) = seen->v[k];
		return 0;
	}
	if (check_order(s, t) < 0)
		return -1;
	while (i < seen->n || j < t->n) {
		if (j == t->n || (i < seen->n && seen->v[i].pid < t->rows[j].pid)) {
			/* gone: it was last seen in the tick the map holds */
			if (close_identity(s, &seen->v[i++]) < 0)
				return -1;
		} else if (i == seen->n || t->rows[j].pid < seen->v[i].pid) {
			if (merge_row(s, NULL, &t->rows[j++], tick) < 0)
				return -1;
		} else {
			if (merge_row(s, &seen->v[i++], &t->rows[j++], tick) < 0)
				return -1;
		}
	}
	return 0;
}

void store_identity_commit(struct store *s)
{
	struct identity_map old = s->seen;

	s->seen = s->next;
	s->next = old;
	s->next.n = 0;
}

void store_identity_discard(struct store *s)
{
	s->next.n = 0;
}

int store_identity_close_all(struct store *s)
{
	s->next.n = 0;
	for (size_t k = 0; k < s->seen.n; k++) {
		if (close_identity(s, &s->seen.v[k]) < 0)
			return -1;
	}
	return 0;
}
