/* SPDX-License-Identifier: MIT */
/*
 * cgroup_rows: the writer's side of cgroups (schema v9). A cgroup is an
 * identity (its path) in `cgroups`, and a cgroup_samples row (with its
 * per-device IO rows) is written only when one of its values moved since
 * the row last written, as process rows are (store/identity.c): an idle
 * slice costs one row per session, not one per tick.
 *
 * Invariants:
 * - seen describes what the file says after the last committed frame;
 *   next is built by the frame being written and replaces seen only after
 *   COMMIT, so a rolled-back frame leaves the memory as the file is.
 * - Both are in ascending path order, like struct cgroup_table, so a frame
 *   merges in one walk.
 * - A frame whose table is empty (not collected) changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cgroup_name.h"
#include "core/xalloc.h"
#include "store/store-internal.h"

struct cg_entry {
	int64_t id;
	int64_t last_tick;
	struct cgroup_row vals; /* path owned; devs owned (ndevs) */
};

struct cg_list {
	struct cg_entry *v;
	size_t n, cap;
};

struct cgroup_seen {
	struct cg_list seen, next;
	sqlite3_stmt *upsert, *close, *sample, *io;
};

static const char sample_sql[] =
	"INSERT INTO cgroup_samples (cgroup, tick, have, cpu_usage_ns, nr_periods,"
	" nr_throttled, throttled_ns, cpu_quota_us, cpu_period_us, mem_current,"
	" mem_high, mem_max, oom, oom_kill, swap_current, swap_max, io_rbytes,"
	" io_wbytes, io_rios, io_wios, psi_cpu_some_avg10, psi_cpu_some_total_us,"
	" psi_memory_some_avg10, psi_memory_some_total_us, psi_memory_full_avg10,"
	" psi_memory_full_total_us, psi_io_some_avg10, psi_io_some_total_us,"
	" psi_io_full_avg10, psi_io_full_total_us, pids_current, pids_max)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	" ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30,"
	" ?31, ?32)";

static void list_clear(struct cg_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].vals.path);
		free(l->v[i].vals.devs);
	}
	l->n = 0;
}

static int prepare(struct store *s, struct cgroup_seen *c)
{
	static const char *const sql[] = {
		"INSERT INTO cgroups (path, kind, name, container_id, pod_uid, "
		"first_tick)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
		"UPDATE cgroups SET last_tick = ?2 WHERE id = ?1",
		sample_sql,
		"INSERT INTO cgroup_io_samples (cgroup, tick, major, minor, rbytes,"
		" wbytes, rios, wios) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	};
	sqlite3_stmt **dst[] = {&c->upsert, &c->close, &c->sample, &c->io};

	for (size_t i = 0; i < 4; i++) {
		if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       dst[i], NULL) != SQLITE_OK)
			return store_fail_sql(s, "cannot prepare the cgroup statements");
	}
	return 0;
}

static sqlite3_stmt *fresh(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static bool psi_same(const struct psi *a, const struct psi *b)
{
	return a->present == b->present && a->some.avg10 == b->some.avg10 &&
	       a->some.total_us == b->some.total_us && a->full.avg10 == b->full.avg10 &&
	       a->full.total_us == b->full.total_us;
}

static bool devs_same(const struct cgroup_row *a, const struct cgroup_row *b)
{
	return a->ndevs == b->ndevs &&
	       (a->ndevs == 0 || !memcmp(a->devs, b->devs, a->ndevs * sizeof(*a->devs)));
}

static bool values_same(const struct cgroup_row *a, const struct cgroup_row *b)
{
	for (int i = 0; i < PSI_N; i++)
		if (!psi_same(&a->psi[i], &b->psi[i]))
			return false;
	return a->have == b->have && a->cpu_usage_ns == b->cpu_usage_ns &&
	       a->nr_periods == b->nr_periods && a->nr_throttled == b->nr_throttled &&
	       a->throttled_ns == b->throttled_ns && a->cpu_quota_us == b->cpu_quota_us &&
	       a->cpu_period_us == b->cpu_period_us && a->mem_current == b->mem_current &&
	       a->mem_high == b->mem_high && a->mem_max == b->mem_max &&
	       a->oom == b->oom && a->oom_kill == b->oom_kill &&
	       a->swap_current == b->swap_current && a->swap_max == b->swap_max &&
	       a->io_rbytes == b->io_rbytes && a->io_wbytes == b->io_wbytes &&
	       a->io_rios == b->io_rios && a->io_wios == b->io_wios &&
	       a->pids_current == b->pids_current && a->pids_max == b->pids_max &&
	       devs_same(a, b);
}

/* A value, NULL without its bit; limits NULL when there is none. */
static void bind(sqlite3_stmt *st, int i, uint64_t v, bool have)
{
	store_bind_u64_if(st, i, v, have && v != CGROUP_UNLIMITED);
}

static void bind_psi(sqlite3_stmt *st, int *i, const struct psi *p, bool full)
{
	store_bind_double_if(st, (*i)++, p->some.avg10, p->present);
	store_bind_u64_if(st, (*i)++, p->some.total_us, p->present);
	if (full) {
		store_bind_double_if(st, (*i)++, p->full.avg10,
				     p->present && p->has_full);
		store_bind_u64_if(st, (*i)++, p->full.total_us,
				  p->present && p->has_full);
	}
}

static int write_sample(struct store *s, struct cgroup_seen *c, int64_t id, int64_t tick,
			const struct cgroup_row *r)
{
	sqlite3_stmt *st = fresh(c->sample);
	unsigned h = r->have;
	int i = 1;

	sqlite3_bind_int64(st, i++, id);
	sqlite3_bind_int64(st, i++, tick);
	sqlite3_bind_int64(st, i++, h);
	bind(st, i++, r->cpu_usage_ns, h & CGROUP_HAVE_CPU);
	bind(st, i++, r->nr_periods, h & CGROUP_HAVE_THROTTLE);
	bind(st, i++, r->nr_throttled, h & CGROUP_HAVE_THROTTLE);
	bind(st, i++, r->throttled_ns, h & CGROUP_HAVE_THROTTLE);
	bind(st, i++, r->cpu_quota_us, h & CGROUP_HAVE_QUOTA);
	bind(st, i++, r->cpu_period_us, h & CGROUP_HAVE_QUOTA);
	bind(st, i++, r->mem_current, h & CGROUP_HAVE_MEM);
	bind(st, i++, r->mem_high, h & CGROUP_HAVE_MEM_LIMIT);
	bind(st, i++, r->mem_max, h & CGROUP_HAVE_MEM_LIMIT);
	bind(st, i++, r->oom, h & CGROUP_HAVE_OOM);
	bind(st, i++, r->oom_kill, h & CGROUP_HAVE_OOM_KILL);
	bind(st, i++, r->swap_current, h & CGROUP_HAVE_SWAP);
	bind(st, i++, r->swap_max, h & CGROUP_HAVE_SWAP);
	bind(st, i++, r->io_rbytes, h & CGROUP_HAVE_IO);
	bind(st, i++, r->io_wbytes, h & CGROUP_HAVE_IO);
	bind(st, i++, r->io_rios, h & CGROUP_HAVE_IO_OPS);
	bind(st, i++, r->io_wios, h & CGROUP_HAVE_IO_OPS);
	bind_psi(st, &i, &r->psi[PSI_CPU], false);
	bind_psi(st, &i, &r->psi[PSI_MEMORY], true);
	bind_psi(st, &i, &r->psi[PSI_IO], true);
	bind(st, i++, r->pids_current, h & CGROUP_HAVE_PIDS);
	bind(st, i++, r->pids_max, h & CGROUP_HAVE_PIDS);
	if (store_exec_stmt(s, st, "cannot write a cgroup sample") < 0)
		return -1;
	for (size_t d = 0; d < r->ndevs; d++) {
		const struct cgroup_io *io = &r->devs[d];

		st = fresh(c->io);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, tick);
		sqlite3_bind_int(st, 3, (int)io->major);
		sqlite3_bind_int(st, 4, (int)io->minor);
		store_bind_u64(st, 5, io->rbytes);
		store_bind_u64(st, 6, io->wbytes);
		store_bind_u64(st, 7, io->rios);
		store_bind_u64(st, 8, io->wios);
		if (store_exec_stmt(s, st, "cannot write a cgroup's IO") < 0)
			return -1;
	}
	return 0;
}

static int open_cgroup(struct store *s, struct cgroup_seen *c, const char *path,
		       int64_t tick, int64_t *id)
{
	sqlite3_stmt *st = fresh(c->upsert);
	struct cgroup_ident ident;

	cgroup_identify(path, &ident);
	store_bind_text(st, 1, path, (size_t)-1);
	store_bind_text(st, 2, cgroup_kind_name(ident.kind), (size_t)-1);
	store_bind_text(st, 3, ident.name, sizeof(ident.name));
	if (ident.container_id[0])
		store_bind_text(st, 4, ident.container_id, sizeof(ident.container_id));
	if (ident.pod_uid[0])
		store_bind_text(st, 5, ident.pod_uid, sizeof(ident.pod_uid));
	sqlite3_bind_int64(st, 6, tick);
	return store_exec_returning_id(s, st, "cannot write a cgroup", id);
}

static int close_cgroup(struct store *s, struct cgroup_seen *c, const struct cg_entry *e)
{
	sqlite3_stmt *st = fresh(c->close);

	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, e->last_tick);
	return store_exec_stmt(s, st, "cannot close a cgroup");
}

static void remember(struct cgroup_seen *c, int64_t id, int64_t tick,
		     const struct cgroup_row *r)
{
	struct cg_entry *e;

	c->next.v = xgrow(c->next.v, &c->next.cap, c->next.n + 1, sizeof(*c->next.v));
	e = &c->next.v[c->next.n++];
	e->id = id;
	e->last_tick = tick;
	e->vals = *r;
	e->vals.path = xstrdup(r->path);
	e->vals.devs = NULL;
	if (r->ndevs) {
		e->vals.devs = xmalloc(r->ndevs * sizeof(*r->devs));
		memcpy(e->vals.devs, r->devs, r->ndevs * sizeof(*r->devs));
	}
}

static int merge(struct store *s, struct cgroup_seen *c, const struct cg_entry *old,
		 const struct cgroup_row *r, int64_t tick)
{
	int64_t id;

	if (old) {
		id = old->id;
		if (!values_same(&old->vals, r) && write_sample(s, c, id, tick, r) < 0)
			return -1;
	} else if (open_cgroup(s, c, r->path, tick, &id) < 0 ||
		   write_sample(s, c, id, tick, r) < 0) {
		return -1;
	}
	remember(c, id, tick, r);
	return 0;
}

/* next = seen, unchanged (a frame without cgroups). */
static void carry_over(struct cgroup_seen *c)
{
	for (size_t k = 0; k < c->seen.n; k++) {
		const struct cg_entry *e = &c->seen.v[k];

		remember(c, e->id, e->last_tick, &e->vals);
	}
}

int store_write_cgroups(struct store *s, const struct frame *f)
{
	const struct cgroup_table *t = &f->cgroups;
	struct cgroup_seen *c = s->cg;
	int64_t tick = (int64_t)f->seq;
	size_t i = 0, j = 0;

	if (!c && t->n == 0)
		return 0;
	if (!c) {
		c = s->cg = xcalloc(1, sizeof(*c));
		if (prepare(s, c) < 0)
			return -1;
	}
	list_clear(&c->next);
	if (t->n == 0) {
		carry_over(c);
		return 0;
	}
	while (i < c->seen.n || j < t->n) {
		int cmp = i == c->seen.n ? 1
			  : j == t->n	 ? -1
				      : strcmp(c->seen.v[i].vals.path, t->rows[j].path);

		if (cmp < 0) {
			if (close_cgroup(s, c, &c->seen.v[i++]) < 0)
				return -1;
		} else if (cmp > 0) {
			if (merge(s, c, NULL, &t->rows[j++], tick) < 0)
				return -1;
		} else if (merge(s, c, &c->seen.v[i++], &t->rows[j++], tick) < 0) {
			return -1;
		}
	}
	return 0;
}

void store_cgroups_commit(struct store *s)
{
	struct cg_list old;

	if (!s->cg)
		return;
	old = s->cg->seen;
	s->cg->seen = s->cg->next;
	s->cg->next = old;
	list_clear(&s->cg->next);
}

void store_cgroups_discard(struct store *s)
{
	if (s->cg)
		list_clear(&s->cg->next);
}

int store_cgroups_close_all(struct store *s)
{
	if (!s->cg)
		return 0;
	list_clear(&s->cg->next);
	for (size_t k = 0; k < s->cg->seen.n; k++) {
		if (close_cgroup(s, s->cg, &s->cg->seen.v[k]) < 0)
			return -1;
	}
	return 0;
}

void store_cgroups_release(struct store *s)
{
	struct cgroup_seen *c = s->cg;

	if (!c)
		return;
	list_clear(&c->seen);
	list_clear(&c->next);
	free(c->seen.v);
	free(c->next.v);
	sqlite3_finalize(c->upsert);
	sqlite3_finalize(c->close);
	sqlite3_finalize(c->sample);
	sqlite3_finalize(c->io);
	free(c);
	s->cg = NULL;
}
