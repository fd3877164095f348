/* SPDX-License-Identifier: MIT */
/*
 * diff_load: the values of one side of `vigil diff`, read through the
 * store's query API (see diff_load.h for the figures). Per-tick series come
 * from query_series with one bucket per millisecond of the window, so each
 * tick is its own bucket (ticks are at distinct milliseconds) and the rates
 * are the ones every other reader derives (core/rates, store/series.c).
 */
#include "cmd/diff_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hdr.h"
#include "core/xalloc.h"
#include "store/app_rows.h"
#include "store/frames.h"
#include "store/processes.h"
#include "store/series.h"
#include "store/store.h"

/* Figure name, the store's metric, group. */
static const struct {
	const char *name, *metric, *group;
} tick_figures[] = {
	{"system.cpu.total", "cpu.total", "system"},
	{"system.cpu.user", "cpu.user", "system"},
	{"system.cpu.system", "cpu.system", "system"},
	{"system.cpu.iowait", "cpu.iowait", "system"},
	{"system.cpu.steal", "cpu.steal", "system"},
	{"system.mem.used", "mem.used", "system"},
	{"system.mem.available", "mem.available", "system"},
	{"system.swap.used", "swap.used", "system"},
	{"system.load1", "load1", "system"},
	{"system.psi.cpu.some", "psi.cpu.some.avg10", "system"},
	{"system.psi.memory.some", "psi.memory.some.avg10", "system"},
	{"system.psi.memory.full", "psi.memory.full.avg10", "system"},
	{"system.psi.io.some", "psi.io.some.avg10", "system"},
	{"system.psi.io.full", "psi.io.full.avg10", "system"},
	{"system.disk.read_bytes", "disk.read_bytes", "system"},
	{"system.disk.write_bytes", "disk.write_bytes", "system"},
	{"system.disk.util", "disk.util", "system"},
	{"system.net.rx_bytes", "net.rx_bytes", "system"},
	{"system.net.tx_bytes", "net.tx_bytes", "system"},
	{"target.cpu", "target.cpu", "target"},
	{"target.rss", "target.rss", "target"},
	{"target.run_wait", "target.run_wait", "target"},
	{"target.run_delay", "target.run_delay.rate", "target"},
	{"target.io_delay", "target.io_delay.rate", "target"},
	{"target.read_bps", "target.read_bps", "target"},
	{"target.write_bps", "target.write_bps", "target"},
	{"target.threads", "target.threads", "target"},
};

void diff_data_release(struct diff_data *d)
{
	for (size_t i = 0; i < d->nvals; i++) {
		free(d->vals[i].name);
		free(d->vals[i].v);
	}
	for (size_t i = 0; i < d->nprocs; i++) {
		free(d->procs[i].name);
		free(d->procs[i].v);
	}
	for (size_t i = 0; i < d->ntimers; i++) {
		free(d->timers[i].name);
		timer_ticks_free(d->timers[i].h, d->timers[i].t_ms, d->timers[i].n);
	}
	free(d->vals);
	free(d->procs);
	free(d->timers);
	memset(d, 0, sizeof(*d));
}

/* Takes over v. */
static void add_values(struct diff_data *d, const char *name, const char *group,
		       const char *unit, double *v, size_t n)
{
	d->vals = xgrow(d->vals, &d->vcap, d->nvals + 1, sizeof(*d->vals));
	d->vals[d->nvals++] = (struct diff_values){xstrdup(name), group, unit, v, n};
}

/* metric's value in each tick of the window, oldest first. */
static int tick_values(struct store *st, const char *metric, int64_t t0, int64_t t1,
		       double **v, size_t *n)
{
	struct series ser = {0};

	*v = NULL;
	*n = 0;
	/* one bucket per ms: every tick its own bucket */
	if (query_series(st, metric, t0, t1, (size_t)(t1 - t0 + 1), &ser) < 0)
		return -1;
	*v = xmalloc((ser.n ? ser.n : 1) * sizeof(**v));
	for (size_t i = 0; i < ser.n; i++)
		(*v)[i] = ser.points[i].avg;
	*n = ser.n;
	series_release(&ser);
	return 0;
}

/* The lowest value of each block of consecutive ticks (the floor), then the
 * rise of the floor from block to block per hour. */
static void floors_and_rates(struct diff_data *d, const double *rss, size_t n,
			     int64_t interval_ms)
{
	size_t block = n / 12, nb;
	double *floors, *rates;

	if (block * (size_t)interval_ms > 10000)
		block = (size_t)(10000 / interval_ms);
	if (block < 3)
		block = 3;
	nb = n / block;
	floors = xmalloc((nb ? nb : 1) * sizeof(*floors));
	rates = xmalloc((nb ? nb : 1) * sizeof(*rates));
	for (size_t b = 0; b < nb; b++) {
		floors[b] = rss[b * block];
		for (size_t i = b * block; i < (b + 1) * block; i++)
			floors[b] = fmin(floors[b], rss[i]);
		if (b)
			rates[b - 1] = (floors[b] - floors[b - 1]) * 3600000.0 /
				       ((double)block * (double)interval_ms);
	}
	add_values(d, "target.rss_floor", "target", "bytes", floors, nb);
	add_values(d, "target.leak_rate", "target", "bytes/h", rates, nb ? nb - 1 : 0);
}

static int load_ticks(const struct diff_side *side, struct diff_data *d)
{
	double *v;
	size_t n;

	for (size_t i = 0; i < sizeof(tick_figures) / sizeof(tick_figures[0]); i++) {
		if (tick_values(side->st, tick_figures[i].metric, side->t0, side->t1, &v,
				&n) < 0)
			return -1;
		add_values(d, tick_figures[i].name, tick_figures[i].group,
			   query_metric_unit(tick_figures[i].metric), v, n);
	}
	if (tick_values(side->st, "target.rss_anon", side->t0, side->t1, &v, &n) < 0)
		return -1;
	if (n)
		floors_and_rates(d, v, n, side->interval_ms);
	free(v);
	return 0;
}

/* The index of t in the sorted times[0..n), or n. */
static size_t tick_index(const int64_t *times, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (times[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && times[lo] == t ? lo : n;
}

/* Every tick time of the window, oldest first (*times owned). */
static int window_ticks(const struct diff_side *side, int64_t **times, size_t *n)
{
	size_t cap = 0, got;
	int64_t from = side->t0;

	*times = NULL;
	*n = 0;
	for (;;) {
		*times = xgrow(*times, &cap, *n + 4096, sizeof(**times));
		if (query_tick_times(side->st, from, side->t1, *times + *n, 4096, &got) <
		    0)
			return -1;
		*n += got;
		if (got < 4096)
			return 0;
		from = (*times)[*n - 1] + 1;
	}
}

/* A counter's per-second rate in every tick, 0 where it had none. */
static int load_counter(const struct diff_side *side, struct diff_data *d,
			const char *name, const int64_t *times, size_t nt)
{
	struct app_tick *k;
	size_t n;
	double *v = xcalloc(nt ? nt : 1, sizeof(*v));
	char *fig;

	if (query_app_ticks(side->st, name, APP_COUNTER, side->t0, side->t1, &k, &n) <
	    0) {
		free(v);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t at = tick_index(times, nt, k[i].t_ms);

		if (at < nt)
			v[at] = k[i].per_s;
	}
	free(k);
	fig = xasprintf("counter.%s.rate", name);
	add_values(d, fig, "counter", "/s", v, nt);
	free(fig);
	return 0;
}

static int load_gauge(const struct diff_side *side, struct diff_data *d, const char *name)
{
	struct app_tick *k;
	size_t n;
	double *v;
	char *fig;

	if (query_app_ticks(side->st, name, APP_GAUGE, side->t0, side->t1, &k, &n) < 0)
		return -1;
	v = xmalloc((n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = k[i].value;
	free(k);
	fig = xasprintf("gauge.%s", name);
	add_values(d, fig, "gauge", "", v, n);
	free(fig);
	return 0;
}

/* A timer's histograms, and its count per second in every tick. */
static int load_timer(const struct diff_side *side, struct diff_data *d, const char *name,
		      const int64_t *times, size_t nt)
{
	struct diff_timer t = {.name = xstrdup(name)};
	double *v = xcalloc(nt ? nt : 1, sizeof(*v));
	char *fig;

	if (query_timer_ticks(side->st, name, side->t0, side->t1, &t.h, &t.t_ms, &t.n) <
	    0) {
		free(t.name);
		free(v);
		return -1;
	}
	for (size_t i = 0; i < t.n; i++) {
		size_t at = tick_index(times, nt, t.t_ms[i]);

		if (at < nt)
			v[at] = (double)hdr_count(t.h[i]) * 1000.0 /
				(double)side->interval_ms;
	}
	d->timers = xgrow(d->timers, &d->tcap, d->ntimers + 1, sizeof(*d->timers));
	d->timers[d->ntimers++] = t;
	fig = xasprintf("latency.%s.rate", name);
	add_values(d, fig, "latency", "/s", v, nt);
	free(fig);
	return 0;
}

static int load_app(const struct diff_side *side, struct diff_data *d,
		    const int64_t *times, size_t nt)
{
	struct app_name *names;
	size_t n;
	int rc = 0;

	if (query_app_names(side->st, side->t0, side->t1, &names, &n) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (names[i].kind == APP_COUNTER)
			rc = load_counter(side, d, names[i].name, times, nt);
		else if (names[i].kind == APP_GAUGE)
			rc = load_gauge(side, d, names[i].name);
		else if (names[i].kind == APP_TIMER)
			rc = load_timer(side, d, names[i].name, times, nt);
	}
	free(names);
	return rc;
}

/* ---- processes, matched by command ---- */

/* The commands seen so far: an open-addressing table of indexes into
 * d->procs (each command has its CPU entry there, its RSS entry after it). */
struct cmd_index {
	size_t *slot; /* index + 1; 0 empty */
	size_t cap;   /* a power of two */
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static void index_put(struct cmd_index *x, const struct diff_data *d, size_t at);

static void index_grow(struct cmd_index *x, const struct diff_data *d)
{
	size_t *old = x->slot, ocap = x->cap;

	x->cap = ocap ? ocap * 2 : 256;
	x->slot = xcalloc(x->cap, sizeof(*x->slot));
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			index_put(x, d, old[i] - 1);
	free(old);
}

static void index_put(struct cmd_index *x, const struct diff_data *d, size_t at)
{
	size_t i = hash_key(d->procs[at].name) & (x->cap - 1);

	while (x->slot[i])
		i = (i + 1) & (x->cap - 1);
	x->slot[i] = at + 1;
}

/* The CPU entry of key, made (with NaN values over nsamp ticks) if new. */
static size_t command_entry(struct cmd_index *x, struct diff_data *d, const char *key,
			    size_t nsamp)
{
	size_t i;

	if ((d->nprocs + 2) * 2 > x->cap)
		index_grow(x, d);
	for (i = hash_key(key) & (x->cap - 1); x->slot[i]; i = (i + 1) & (x->cap - 1))
		if (!strcmp(d->procs[x->slot[i] - 1].name, key))
			return x->slot[i] - 1;
	d->procs = xgrow(d->procs, &d->pcap, d->nprocs + 2, sizeof(*d->procs));
	for (int k = 0; k < 2; k++) {
		struct diff_values *e = &d->procs[d->nprocs + (size_t)k];

		e->name = xstrdup(key);
		e->group = "process";
		e->unit = k ? "bytes" : "%";
		e->n = nsamp;
		e->v = xmalloc((nsamp ? nsamp : 1) * sizeof(*e->v));
		for (size_t j = 0; j < nsamp; j++)
			e->v[j] = NAN;
	}
	x->slot[i] = d->nprocs + 1;
	d->nprocs += 2;
	return d->nprocs - 2;
}

/* Adds one sampled tick's table into sample s of every command. */
static void add_table(struct cmd_index *x, struct diff_data *d,
		      const struct proc_table *t, size_t s, size_t nsamp)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct proc_row *r = &t->rows[i];
		char *key = xasprintf("%s\n%s", r->comm, r->cmdline ? r->cmdline : "");
		size_t at = command_entry(x, d, key, nsamp);
		double *cpu = &d->procs[at].v[s], *rss = &d->procs[at + 1].v[s];

		free(key);
		if (r->cpu_pct >= 0)
			*cpu = (isnan(*cpu) ? 0 : *cpu) + r->cpu_pct;
		*rss = (isnan(*rss) ? 0 : *rss) + (double)r->rss_bytes;
	}
}

static int load_procs(const struct diff_side *side, struct diff_data *d,
		      const int64_t *times, size_t nt)
{
	size_t nsamp = nt < DIFF_PROC_TICKS ? nt : DIFF_PROC_TICKS;
	struct cmd_index x = {0};
	int rc = 0;

	index_grow(&x, d);
	for (size_t s = 0; s < nsamp && rc == 0; s++) {
		struct proc_table t = {0};

		rc = query_proc_table_at(side->st, times[s * nt / nsamp], &t);
		if (rc == 0)
			add_table(&x, d, &t, s, nsamp);
		proc_table_release(&t);
	}
	free(x.slot);
	return rc;
}

int diff_load(const struct diff_side *side, struct diff_data *out, char *err,
	      size_t errlen)
{
	int64_t *times = NULL;
	size_t nt = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = window_ticks(side, &times, &nt);
	out->ticks = nt;
	if (rc == 0)
		rc = load_ticks(side, out);
	if (rc == 0)
		rc = load_app(side, out, times, nt);
	if (rc == 0)
		rc = load_procs(side, out, times, nt);
	free(times);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", side->path,
			 store_error(side->st));
		diff_data_release(out);
		return -1;
	}
	return 0;
}
