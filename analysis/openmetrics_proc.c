/* SPDX-License-Identifier: MIT */
/*
 * openmetrics_proc: processes. Two views, both bounded:
 *
 * - Groups (process-exporter's namedprocess_namegroup_*, label groupname):
 *   one series set per configured group, however many processes come and
 *   go. A process joins the first group whose comm list or cmdline regex
 *   matches, decided once when it is first seen (a process is identified by
 *   pid and start time), so a regex runs once per process, not per tick.
 *   The CPU counter adds each member's CPU since the tick before, and a new
 *   member's whole CPU, so it never goes back when members exit.
 * - The top N by CPU (this interval) and by resident memory, as
 *   vigil_process_* with pid and comm labels. A process enters a set when it
 *   ranks in the top N (by CPU: and used some CPU) and keeps its seat while
 *   it ranks in the top 2N; it leaves when it falls below or exits. So each
 *   family has at most 2N series at any time, and a process hovering around
 *   rank N does not make a new series every tick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/openmetrics-internal.h"
#include "core/xalloc.h"

enum { ST_RUNNING, ST_SLEEPING, ST_WAITING, ST_ZOMBIE, ST_OTHER };

void om_proc_init(struct metrics *m)
{
	size_t seats = 2 * (size_t)m->cfg.top;

	m->groups = m->cfg.ngroups ? xcalloc(m->cfg.ngroups, sizeof(*m->groups)) : NULL;
	m->top_cpu = seats ? xcalloc(seats, sizeof(*m->top_cpu)) : NULL;
	m->top_mem = seats ? xcalloc(seats, sizeof(*m->top_mem)) : NULL;
	m->best = seats ? xcalloc(seats, sizeof(*m->best)) : NULL;
}

void om_proc_release(struct metrics *m)
{
	free(m->groups);
	free(m->top_cpu);
	free(m->top_mem);
	free(m->best);
	free(m->seen);
	free(m->seen_next);
}

/* The first group matching r, or -1. */
static int match_group(const struct metrics *m, const struct proc_row *r)
{
	size_t k = 0;

	for (size_t i = 0; i < m->cfg.ngroups; i++) {
		const struct om_group_cfg *g = &m->cfg.groups[i];
		bool hit = false;

		for (size_t j = 0; j < g->ncomms && !hit; j++)
			hit = !strcmp(g->comms[j], r->comm);
		for (size_t j = 0; j < g->nregexes; j++, k++)
			if (!hit && r->cmdline)
				hit = !regexec(&m->regex[k], r->cmdline, 0, NULL, 0);
		if (hit)
			return (int)i;
	}
	return -1;
}

static int state_index(char s)
{
	switch (s) {
	case 'R':
		return ST_RUNNING;
	case 'S':
	case 'I':
		return ST_SLEEPING;
	case 'D':
		return ST_WAITING;
	case 'Z':
		return ST_ZOMBIE;
	default:
		return ST_OTHER;
	}
}

static void fold_groups(struct metrics *m, const struct proc_table *t)
{
	size_t j = 0; /* seen and rows both ascend by pid: one merge */

	for (size_t g = 0; g < m->cfg.ngroups; g++) {
		uint64_t cpu = m->groups[g].cpu_ticks;

		memset(&m->groups[g], 0, sizeof(m->groups[g]));
		m->groups[g].cpu_ticks = cpu;
	}
	m->seen_next =
		xgrow(m->seen_next, &m->capseen_next, t->n + 1, sizeof(*m->seen_next));
	for (size_t i = 0; i < t->n; i++) {
		const struct proc_row *r = &t->rows[i];
		struct om_seen *s = &m->seen_next[i];
		struct om_group *g;
		uint64_t before = 0;

		while (j < m->nseen && m->seen[j].pid < r->pid)
			j++;
		s->pid = r->pid;
		s->start_ticks = r->start_ticks;
		s->cpu_ticks = r->cpu_ticks;
		if (j < m->nseen && m->seen[j].pid == r->pid &&
		    m->seen[j].start_ticks == r->start_ticks) {
			s->group = m->seen[j].group;
			before = m->seen[j].cpu_ticks;
		} else {
			s->group = match_group(m, r);
		}
		if (s->group < 0)
			continue;
		g = &m->groups[s->group];
		if (r->cpu_ticks > before)
			g->cpu_ticks += r->cpu_ticks - before;
		g->procs++;
		g->threads += r->threads > 0 ? (uint64_t)r->threads : 0;
		g->rss += r->rss_bytes;
		g->vsz += r->vsz_bytes;
		g->states[state_index(r->state)]++;
		if (!g->oldest_start_ms || r->start_ms < g->oldest_start_ms)
			g->oldest_start_ms = r->start_ms;
	}
	/* the new table becomes the one seen */
	{
		struct om_seen *tmp = m->seen;
		size_t cap = m->capseen;

		m->seen = m->seen_next;
		m->capseen = m->capseen_next;
		m->nseen = t->n;
		m->seen_next = tmp;
		m->capseen_next = cap;
	}
}

/* Ranking: higher key first, then lower pid (ties stay put). */
static double rank_key(const struct proc_row *r, bool by_cpu)
{
	return by_cpu ? r->cpu_pct : (double)r->rss_bytes;
}

static bool ranks_above(const struct proc_row *a, const struct proc_row *b, bool by_cpu)
{
	double ka = rank_key(a, by_cpu), kb = rank_key(b, by_cpu);

	return ka > kb || (ka == kb && a->pid < b->pid);
}

/* The best n rows of t (insertion into a short sorted list), into best[]. */
static size_t best_rows(const struct proc_table *t, bool by_cpu,
			const struct proc_row **best, size_t n)
{
	size_t have = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct proc_row *r = &t->rows[i];
		size_t at = have;

		while (at > 0 && ranks_above(r, best[at - 1], by_cpu))
			at--;
		if (at >= n)
			continue;
		if (have < n)
			have++;
		memmove(&best[at + 1], &best[at], (have - 1 - at) * sizeof(*best));
		best[at] = r;
	}
	return have;
}

static void seat(struct om_top *s, const struct proc_row *r)
{
	s->pid = r->pid;
	s->start_ticks = r->start_ticks;
	s->cpu_ticks = r->cpu_ticks;
	s->rss = r->rss_bytes;
	memcpy(s->comm, r->comm, sizeof(s->comm));
}

static void fold_top(struct metrics *m, const struct proc_table *t, bool by_cpu)
{
	struct om_top *set = by_cpu ? m->top_cpu : m->top_mem;
	size_t *nset = by_cpu ? &m->ntop_cpu : &m->ntop_mem;
	size_t n = (size_t)m->cfg.top, nbest, kept = 0;
	const struct proc_row **best = m->best;

	if (!n)
		return;
	nbest = best_rows(t, by_cpu, best, 2 * n);
	/* members still in the top 2N keep their seats, with today's figures */
	for (size_t i = 0; i < *nset; i++) {
		for (size_t k = 0; k < nbest; k++) {
			if (best[k]->pid == set[i].pid &&
			    best[k]->start_ticks == set[i].start_ticks) {
				seat(&set[kept++], best[k]);
				break;
			}
		}
	}
	*nset = kept;
	/* the top N enter (by CPU only when they used some) */
	for (size_t k = 0; k < nbest && k < n; k++) {
		bool seated = false;

		if (by_cpu && !(best[k]->cpu_pct > 0))
			break;
		for (size_t i = 0; i < kept && !seated; i++)
			seated = set[i].pid == best[k]->pid &&
				 set[i].start_ticks == best[k]->start_ticks;
		if (!seated)
			seat(&set[(*nset)++], best[k]);
	}
}

void om_proc_update(struct metrics *m, const struct frame *f)
{
	if (m->cfg.ngroups)
		fold_groups(m, &f->procs);
	fold_top(m, &f->procs, true);
	fold_top(m, &f->procs, false);
}

static void render_groups(struct expo *e, const struct om_view *v)
{
	const struct metrics_config *c = &v->m->cfg;
	static const char *const states[] = {"Running", "Sleeping", "Waiting", "Zombie",
					     "Other"};

	if (!c->ngroups)
		return;
	if (expo_family(e, "namedprocess_namegroup_num_procs", EXPO_GAUGE, "",
			"Number of processes in this group."))
		for (size_t g = 0; g < c->ngroups; g++)
			expo_sample(e, "",
				    &(struct expo_label){"groupname", c->groups[g].name},
				    1, (double)v->groups[g].procs);
	if (expo_family(e, "namedprocess_namegroup_cpu_seconds", EXPO_COUNTER, "seconds",
			"CPU time of the group's processes, user and system together, "
			"exited members included."))
		for (size_t g = 0; g < c->ngroups; g++)
			expo_sample(
				e, "",
				&(struct expo_label){"groupname", c->groups[g].name}, 1,
				(double)v->groups[g].cpu_ticks / (double)v->m->clk_tck);
	if (expo_family(e, "namedprocess_namegroup_memory_bytes", EXPO_GAUGE, "bytes",
			"Memory of the group's processes, by type."))
		for (size_t g = 0; g < c->ngroups; g++) {
			struct expo_label l[] = {{"groupname", c->groups[g].name},
						 {"memtype", "resident"}};

			expo_sample(e, "", l, 2, (double)v->groups[g].rss);
			l[1].value = "virtual";
			expo_sample(e, "", l, 2, (double)v->groups[g].vsz);
		}
	if (expo_family(e, "namedprocess_namegroup_num_threads", EXPO_GAUGE, "",
			"Number of threads of the group's processes."))
		for (size_t g = 0; g < c->ngroups; g++)
			expo_sample(e, "",
				    &(struct expo_label){"groupname", c->groups[g].name},
				    1, (double)v->groups[g].threads);
	if (expo_family(e, "namedprocess_namegroup_states", EXPO_GAUGE, "",
			"Number of the group's processes in each state."))
		for (size_t g = 0; g < c->ngroups; g++)
			for (int s = 0; s < 5; s++) {
				struct expo_label l[] = {{"groupname", c->groups[g].name},
							 {"state", states[s]}};

				expo_sample(e, "", l, 2, (double)v->groups[g].states[s]);
			}
	if (expo_family(e, "namedprocess_namegroup_oldest_start_time_seconds", EXPO_GAUGE,
			"seconds",
			"Start time of the group's oldest process, in unixtime."))
		for (size_t g = 0; g < c->ngroups; g++)
			if (v->groups[g].procs)
				expo_sample(e, "",
					    &(struct expo_label){"groupname",
								 c->groups[g].name},
					    1,
					    (double)v->groups[g].oldest_start_ms / 1e3);
}

static void render_top(struct expo *e, const struct om_view *v, bool by_cpu)
{
	const struct om_top *set = by_cpu ? v->top_cpu : v->top_mem;
	size_t n = by_cpu ? v->ntop_cpu : v->ntop_mem;

	if (!n)
		return;
	if (by_cpu ? !expo_family(e, "vigil_process_cpu_seconds", EXPO_COUNTER, "seconds",
				  "CPU time of the busiest processes (the top N by CPU, "
				  "held while in the top 2N).")
		   : !expo_family(
			     e, "vigil_process_resident_memory_bytes", EXPO_GAUGE,
			     "bytes",
			     "Resident memory of the biggest processes (the top N by "
			     "memory, held while in the top 2N)."))
		return;
	for (size_t i = 0; i < n; i++) {
		char pid[16];
		struct expo_label l[] = {{"pid", pid}, {"comm", set[i].comm}};

		snprintf(pid, sizeof(pid), "%d", set[i].pid);
		expo_sample(e, "", l, 2,
			    by_cpu ? (double)set[i].cpu_ticks / (double)v->m->clk_tck
				   : (double)set[i].rss);
	}
}

void om_proc_render(struct expo *e, const struct om_view *v)
{
	render_groups(e, v);
	render_top(e, v, true);
	render_top(e, v, false);
}
