/* SPDX-License-Identifier: MIT */
/*
 * loader: see loader.h. The history comes from the session file through the
 * query API in fixed slots over one window (loader_window: live it ends at
 * the newest tick; replay it is around the cursor and slides to stay within
 * the recording); the target's series are then masked to the target's own
 * run of ticks.
 */
#include "tui/loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/alert_fold.h"
#include "analysis/leak.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/alert_rows.h"
#include "store/app_rows.h"
#include "store/frames.h"
#include "store/gaps.h"
#include "store/gc_rows.h"
#include "store/heap_rows.h"
#include "store/jvm_rows.h"
#include "store/processes.h"
#include "store/series.h"
#include "store/target_rows.h"
#include "tui/memseries.h"

/* The transitions of the last day are plenty for one screen. */
#define ALERT_RECENT_MS (24 * 3600 * 1000LL)
#define ALERT_RECENT_MAX 512 /* folded, a flapping rule's hour is one row */
#define NOTICES_RECENT_MAX 64

/* ---- frames ---- */

void loader_take_frame(struct ui_model *m, struct frame *f)
{
	struct ui_loaded *l = &m->loaded;

	frame_unref(m->prev);
	m->prev = m->cur;
	m->cur = f;
	if (f->target &&
	    (f->target->pid != l->seen_pid || f->target->start_ticks != l->seen_start)) {
		/* a new target from here on; the first one has nothing before */
		l->target_seen_ms = l->seen_pid ? f->t_ms : INT64_MIN;
		l->seen_pid = f->target->pid;
		l->seen_start = f->target->start_ticks;
	}
	if (f->target && f->target->pid == m->attaching_pid)
		m->attaching_pid = 0;
	if (f->target && f->target->alive) {
		frame_unref(m->target_last);
		m->target_last = frame_ref(f);
	}
	if (f->target && f->target->threads) {
		/* the thread detail: every tick for most processes, every few
		 * for one with thousands of threads */
		frame_unref(m->threads_prev);
		m->threads_prev = m->threads;
		m->threads = frame_ref(f);
	}
}

void loader_forget_target(struct ui_model *m, int pid)
{
	frame_unref(m->target_last);
	m->target_last = NULL;
	m->attaching_pid = pid;
}

/* Forgets *before when a gap lies between it and after (store/gaps.h): the
 * rates the views derive from the two would be averages over the gap. */
static void drop_across_gap(struct store *s, struct frame **before,
			    const struct frame *after)
{
	if (*before && after &&
	    !query_ticks_continue(s, (int64_t)(*before)->seq, (*before)->t_ms,
				  (int64_t)after->seq, after->t_ms)) {
		frame_unref(*before);
		*before = NULL;
	}
}

/* The thread readings at the shown tick: the newest tick with thread rows at
 * or before it and the one before that. */
static void load_threads(struct ui_model *m, struct store *s)
{
	int64_t at[2];
	int n = m->cur ? query_thread_ticks(s, (int64_t)m->cur->seq, at) : 0;

	frame_unref(m->threads);
	frame_unref(m->threads_prev);
	m->threads = m->threads_prev = NULL;
	/* most often these are the shown tick and the one before it */
	if (n >= 1 && at[0] == m->cur->t_ms)
		m->threads = frame_ref(m->cur);
	else if (n >= 1 && query_frame_at(s, at[0], &m->threads) < 0)
		m->threads = NULL;
	if (n >= 2 && m->prev && at[1] == m->prev->t_ms)
		m->threads_prev = frame_ref(m->prev);
	else if (n >= 2 && query_frame_at(s, at[1], &m->threads_prev) < 0)
		m->threads_prev = NULL;
	drop_across_gap(s, &m->threads_prev, m->threads);
}

int loader_load_frames(struct ui_model *m, struct store *s, int64_t t_ms, char *err,
		       size_t errlen)
{
	struct frame *cur = NULL, *prev = NULL, *alive = NULL;
	int64_t t;

	if (query_frame_at(s, t_ms, &cur) < 0) {
		snprintf(err, errlen, "cannot read the tick at the cursor: %s",
			 store_error(s));
		return -1;
	}
	if (timeline_seek(s, t_ms, TIMELINE_BEFORE, &t) == 0)
		query_frame_at(s, t, &prev);
	drop_across_gap(s, &prev, cur);
	if (cur->target && !cur->target->alive && timeline_target_alive(s, t_ms, &t) == 0)
		query_frame_at(s, t, &alive);
	frame_unref(m->prev);
	frame_unref(m->cur);
	frame_unref(m->target_last);
	m->prev = prev;
	m->cur = cur;
	m->target_last = cur->target && cur->target->alive ? frame_ref(cur) : alive;
	load_threads(m, s);
	return 0;
}

/* ---- history ---- */

/*
 * Loads one metric (timer: a StatsD timer's p99 instead) over [t0, t1) into
 * exactly npoints slots, each slot one time bucket, NaN where nothing was
 * recorded.
 */
static void load_series_of(struct store *s, const char *metric, const char *timer,
			   int64_t t0, int64_t t1, size_t npoints, struct ui_series *out)
{
	struct series ser = {0};
	int rc;

	out->v = xgrow(out->v, &out->cap, npoints, sizeof(*out->v));
	out->n = npoints;
	for (size_t i = 0; i < npoints; i++)
		out->v[i] = NAN;
	rc = timer ? query_timer_series(s, timer, 99, t0, t1, npoints, &ser)
		   : query_series(s, metric, t0, t1, npoints, &ser);
	if (rc < 0) {
		log_debug("history %s: %s", timer ? timer : metric, store_error(s));
		return;
	}
	for (size_t i = 0; i < ser.n; i++) {
		int64_t slot = (ser.points[i].t_ms - t0) * (int64_t)npoints / (t1 - t0);

		if (slot >= 0 && slot < (int64_t)npoints)
			out->v[slot] = ser.points[i].avg;
	}
	series_release(&ser);
}

static void load_series(struct store *s, const char *metric, int64_t t0, int64_t t1,
			size_t npoints, struct ui_series *out)
{
	load_series_of(s, metric, NULL, t0, t1, npoints, out);
}

/* Slot i of n over [t0, t1) covers [t0 + i * w / n, t0 + (i + 1) * w / n). */
static int64_t slot_start(int64_t t0, int64_t t1, size_t n, size_t i)
{
	return t0 + (t1 - t0) * (int64_t)i / (int64_t)n;
}

/* NaN in every slot that reaches outside the target's run [from, to): a
 * slot that holds ticks of another target shows nothing rather than a mix. */
static void mask_run(double *v, size_t n, int64_t t0, int64_t t1, int64_t from,
		     int64_t to)
{
	for (size_t i = 0; i < n; i++)
		if (slot_start(t0, t1, n, i) < from || slot_start(t0, t1, n, i + 1) > to)
			v[i] = NAN;
}

/*
 * The run of ticks of the shown target within the window [t0, t1). Live
 * the frames say it (from the first frame of this target on); replay the
 * store does (the history is reloaded only when the cursor or the window
 * moved).
 */
static void target_run(struct ui_model *m, struct store *s,
		       const struct model_request *rq, int64_t t0, int64_t t1)
{
	const struct target_sample *t = m->cur->target;
	struct ui_loaded *l = &m->loaded;

	if (!rq->centred) {
		l->target_from_ms = l->target_seen_ms;
		l->target_to_ms = INT64_MAX;
		return;
	}
	if (timeline_target_run(s, t->pid, t->start_ticks, t0, rq->t_ms, t1 - 1,
				&l->target_from_ms, &l->target_to_ms) < 0) {
		log_debug("target's ticks: %s", store_error(s));
		l->target_from_ms = t0;
		l->target_to_ms = t1;
	}
}

/* The target's disk I/O over [t0, t1): read + write bytes/s, either one
 * alone where the other is missing. */
static void load_io(struct ui_model *m, struct store *s, int64_t t0, int64_t t1, size_t n)
{
	struct ui_history *h = &m->hist;
	struct ui_series wr = {0};

	load_series(s, "target.read_bps", t0, t1, n, &h->tio);
	load_series(s, "target.write_bps", t0, t1, n, &wr);
	for (size_t i = 0; i < n; i++)
		if (isfinite(wr.v[i]))
			h->tio.v[i] =
				isfinite(h->tio.v[i]) ? h->tio.v[i] + wr.v[i] : wr.v[i];
	free(wr.v);
	mask_run(h->tio.v, n, t0, t1, m->loaded.target_from_ms, m->loaded.target_to_ms);
}

/*
 * A traced runtime's collections (--gc-trace) of the target over [t0, t1),
 * kept for gc_summary, and the marks they make under the heap graph.
 */
static void load_gc(struct ui_model *m, struct store *s, int64_t t0, int64_t t1, size_t n)
{
	struct ui_history *h = &m->hist;

	if (query_gc_pauses(s, t0, t1 - 1, m->cur->target->pid, &m->gc_events,
			    &m->ngc_events, m->gc_runtime, sizeof(m->gc_runtime)) < 0) {
		log_debug("history of traced collections: %s", store_error(s));
		return;
	}
	if (!m->ngc_events)
		return;
	h->tgc.v = xgrow(h->tgc.v, &h->tgc.cap, n, sizeof(*h->tgc.v));
	h->tgc.n = n;
	memseries_gc_pause_marks(m->gc_events, m->ngc_events, t0, t1, n, h->tgc.v);
}

/*
 * The loaded collections summed up from the window's start (or the target's
 * first tick in it, or the session's: a younger target or session would
 * water the share of wall time down) to the shown time; in replay the window
 * reaches past the cursor, and the cursor moves within one window.
 */
static void gc_summary(struct ui_model *m, const struct model_request *rq)
{
	const struct ui_loaded *l = &m->loaded;
	int64_t from = l->t1 - l->window_ms,
		to = l->t1 - 1 < rq->t_ms ? l->t1 - 1 : rq->t_ms;
	int64_t first = rq->centred ? rq->start_ms : m->meta ? m->meta->started_ms : from;

	m->have_gc = m->ngc_events > 0;
	if (!m->have_gc)
		return;
	if (l->target_from_ms > from)
		from = l->target_from_ms;
	if (first > from)
		from = first;
	m->gc_from_ms = from;
	m->gc_to_ms = to;
	gcstats_window(m->gc_events, m->ngc_events, from, to, &m->gc);
}

/*
 * The Memory panel's heap graph over [t0, t1): RssAnon + swap (what the leak
 * analysis judges) at the panel's own width, its floor line, and a JVM's or
 * a traced runtime's collections under it.
 */
static void load_heap(struct ui_model *m, struct store *s, int64_t t0, int64_t t1,
		      size_t n)
{
	struct ui_history *h = &m->hist;
	struct ui_series swap = {0};
	struct jvm_gc_point *gcs = NULL;
	size_t ngcs = 0;

	load_series(s, "target.rss_anon", t0, t1, n, &h->tanon);
	load_series(s, "target.swap", t0, t1, n, &swap);
	for (size_t i = 0; i < n; i++)
		if (isfinite(swap.v[i]) && isfinite(h->tanon.v[i]))
			h->tanon.v[i] += swap.v[i];
	free(swap.v);
	mask_run(h->tanon.v, n, t0, t1, m->loaded.target_from_ms, m->loaded.target_to_ms);
	h->tfloor.v = xgrow(h->tfloor.v, &h->tfloor.cap, n, sizeof(*h->tfloor.v));
	h->tfloor.n = n;
	memseries_floor_line(h->tanon.v, n, t0, t1, h->tfloor.v);
	h->tgc.n = 0;
	if (!m->have_jvm) {
		load_gc(m, s, t0, t1, n);
		return;
	}
	if (query_jvm_gcs(s, t0, t1, &gcs, &ngcs) < 0) {
		log_debug("history of JVM collections: %s", store_error(s));
		return;
	}
	h->tgc.v = xgrow(h->tgc.v, &h->tgc.cap, n, sizeof(*h->tgc.v));
	h->tgc.n = n;
	memseries_gc_marks(gcs, ngcs, m->cur->target->pid, t0, t1, n, h->tgc.v);
	free(gcs);
}

/*
 * StatsD timers over the graph window and in the shown tick, the p99
 * history of the busiest one, and the counters and gauges of the window.
 */
static void load_timers(struct ui_model *m, struct store *s, int64_t t0, int64_t t1,
			size_t n)
{
	size_t k;

	free(m->timers_window);
	free(m->timers_tick);
	free(m->app_values);
	m->timers_window = m->timers_tick = NULL;
	m->app_values = NULL;
	m->ntimers_window = m->ntimers_tick = m->napp_values = 0;
	m->tp99_name = NULL;
	m->hist.tp99.n = 0;
	if (query_app_values(s, t0, t1, &m->app_values, &k) == 0)
		m->napp_values = k;
	if (query_timers(s, t0, t1, &m->timers_window, &k) == 0)
		m->ntimers_window = k;
	if (query_app_ingest(s, t0, t1, &m->ingest) < 0)
		memset(&m->ingest, 0, sizeof(m->ingest));
	if (query_timers(s, m->cur->t_ms, m->cur->t_ms, &m->timers_tick, &k) == 0)
		m->ntimers_tick = k;
	if (m->ntimers_window) {
		size_t top = 0;

		for (size_t i = 1; i < m->ntimers_window; i++)
			if (m->timers_window[i].count > m->timers_window[top].count)
				top = i;
		load_series_of(s, NULL, m->timers_window[top].name, t0, t1, n,
			       &m->hist.tp99);
		m->tp99_name = m->timers_window[top].name;
	}
}

/*
 * The open region's readings over [t0, t1) for the leaks screen: its graph
 * (held from one reading to the next) and its table (up to the shown time).
 */
static void load_region(struct ui_model *m, struct store *s,
			const struct model_request *rq, int64_t t0, int64_t t1, size_t n)
{
	struct ui_series *r = &m->hist.region;
	size_t k = 0;

	free(m->readings);
	m->readings = NULL;
	m->nreadings = m->nreadings_all = 0;
	if (query_mapping_history(s, rq->region_id, t0, t1, &m->readings,
				  &m->nreadings_all) < 0)
		log_debug("region history: %s", store_error(s));
	r->v = xgrow(r->v, &r->cap, n, sizeof(*r->v));
	r->n = n;
	memseries_hold(m->readings, m->nreadings_all, t0, t1,
		       rq->centred ? rq->end_ms : rq->t_ms, n, r->v);
	while (k < m->nreadings_all && m->readings[k].t_ms <= rq->t_ms)
		k++;
	m->nreadings = k;
}

/* True when the history loaded is still what rq asks for. */
static bool history_current(const struct ui_model *m, const struct model_request *rq,
			    int64_t t1, size_t n)
{
	const struct ui_loaded *l = &m->loaded;
	const struct target_sample *t = m->cur->target;

	if (rq->reload || l->window_ms != rq->window_ms || l->points != n ||
	    l->heap_points != rq->heap_points || (rq->want & ~l->want) ||
	    l->region_id != rq->region_id || !l->t1)
		return false;
	if (t && (t->pid != l->target_pid || t->start_ticks != l->target_start))
		return false;
	if (rq->centred)
		return l->t1 == t1;
	/* a new frame moves the window by one tick; a wide window only needs
	 * reloading once a whole bucket has passed */
	return t1 - l->t1 < rq->window_ms / (int64_t)n;
}

void loader_window(const struct model_request *rq, int64_t *t0, int64_t *t1)
{
	int64_t w = rq->window_ms;

	*t1 = rq->t_ms + 1; /* live, and replay at the recording's end */
	if (rq->centred && rq->t_ms < rq->end_ms) {
		/* around the cursor, but nothing past the last tick: the
		 * right half would be blank near the end */
		*t1 = rq->t_ms - w / 2 + w;
		if (*t1 > rq->end_ms + 1)
			*t1 = rq->end_ms + 1;
		/* nor before the first, if the recording is long enough */
		if (*t1 - w < rq->start_ms && rq->start_ms + w <= rq->end_ms + 1)
			*t1 = rq->start_ms + w;
	}
	*t0 = *t1 - w;
}

/* The NaN slots of out from the daemon's history of the same metric. */
static void fill_from(struct store *hist, const char *metric, int64_t t0, int64_t t1,
		      size_t n, struct ui_series *out)
{
	struct ui_series h = {0};

	load_series(hist, metric, t0, t1, n, &h);
	for (size_t i = 0; i < n && i < out->n; i++)
		if (!isfinite(out->v[i]) && isfinite(h.v[i]))
			out->v[i] = h.v[i];
	free(h.v);
}

/* The target's CPU and RSS before it was attached, from the daemon's rows
 * of that process (same pid and start time); m->target_recorded says so. */
static void fill_target_from(struct ui_model *m, struct store *hist, int64_t t0,
			     int64_t t1, size_t n)
{
	const struct target_sample *t = m->cur->target;
	struct ui_history *h = &m->hist;
	double *cpu = xcalloc(n, sizeof(*cpu)), *rss = xcalloc(n, sizeof(*rss));

	if (query_proc_slots(hist, t->pid, t->start_ticks, t0, t1, n, cpu, rss) > 0) {
		for (size_t i = 0; i < n && i < h->tcpu.n && i < h->trss.n; i++) {
			if (!isfinite(h->tcpu.v[i]) && isfinite(cpu[i]))
				h->tcpu.v[i] = cpu[i];
			if (!isfinite(h->trss.v[i]) && isfinite(rss[i])) {
				h->trss.v[i] = rss[i];
				m->target_recorded = true;
			}
		}
	}
	free(cpu);
	free(rss);
}

static void load_history(struct ui_model *m, struct store *s,
			 const struct model_request *rq)
{
	struct ui_history *h = &m->hist;
	int64_t w = rq->window_ms, t0, t1;
	size_t n = rq->points ? rq->points : 1;
	size_t hn = rq->heap_points ? rq->heap_points : n;
	const struct target_sample *t = m->cur->target;

	loader_window(rq, &t0, &t1);
	m->hist_from_ms = t0;
	m->hist_to_ms = t1 - 1;
	if (history_current(m, rq, t1, n))
		return;
	m->loaded = (struct ui_loaded){
		.t1 = t1,
		.window_ms = w,
		.points = n,
		.heap_points = rq->heap_points,
		.want = rq->want,
		.region_id = rq->region_id,
		.target_pid = m->loaded.target_pid,
		.target_start = m->loaded.target_start,
		.target_from_ms = m->loaded.target_from_ms,
		.target_to_ms = m->loaded.target_to_ms,
		.seen_pid = m->loaded.seen_pid,
		.seen_start = m->loaded.seen_start,
		.target_seen_ms = m->loaded.target_seen_ms,
	};
	m->zoom_ms = w;
	load_series(s, "cpu.total", t0, t1, n, &h->cpu);
	load_series(s, "mem.used", t0, t1, n, &h->mem);
	if (rq->history) {
		fill_from(rq->history, "cpu.total", t0, t1, n, &h->cpu);
		fill_from(rq->history, "mem.used", t0, t1, n, &h->mem);
	}
	m->target_recorded = false;
	h->tcpu.n = h->trss.n = h->twait.n = h->tanon.n = h->tfloor.n = h->tgc.n = 0;
	h->tio.n = 0;
	free(m->gc_events);
	m->gc_events = NULL;
	m->ngc_events = 0;
	if (!t)
		return;
	target_run(m, s, rq, t0, t1);
	m->loaded.target_pid = t->pid;
	m->loaded.target_start = t->start_ticks;
	if (rq->want & MODEL_WANT_TARGET) {
		struct ui_series *ts[] = {&h->tcpu, &h->trss, &h->twait};
		static const char *const names[] = {"target.cpu", "target.rss",
						    "target.run_wait"};

		for (size_t i = 0; i < 3; i++) {
			load_series(s, names[i], t0, t1, n, ts[i]);
			mask_run(ts[i]->v, n, t0, t1, m->loaded.target_from_ms,
				 m->loaded.target_to_ms);
		}
		if (rq->history)
			fill_target_from(m, rq->history, t0, t1, n);
		load_io(m, s, t0, t1, n);
		load_heap(m, s, t0, t1, hn);
		load_timers(m, s, t0, t1, n);
	}
	if (rq->want & MODEL_WANT_REGION)
		load_region(m, s, rq, t0, t1, n);
}

/* ---- state at the shown time ---- */

static void load_alerts(struct ui_model *m, struct store *s, int64_t t_ms, bool all)
{
	size_t n = 0;

	free(m->alert_states);
	free(m->alert_recent);
	free(m->alert_folds);
	free(m->notices);
	m->alert_states = m->alert_recent = NULL;
	m->alert_folds = NULL;
	m->notices = NULL;
	m->nalert_states = m->nalert_recent = m->nnotices = m->alerts_firing = 0;
	m->alerts_acked = m->nalert_folds = 0;
	if (query_alert_states_at(s, t_ms, &m->alert_states, &n) == 0)
		m->nalert_states = n;
	for (size_t i = 0; i < m->nalert_states; i++) {
		m->alerts_firing += !strcmp(m->alert_states[i].state, "firing");
		m->alerts_acked += !strcmp(m->alert_states[i].state, "acked");
	}
	if (!all) /* only the alerts screen lists these */
		return;
	if (query_alert_events(s, t_ms - ALERT_RECENT_MS, t_ms, ALERT_RECENT_MAX,
			       &m->alert_recent, &n) == 0)
		m->nalert_recent = n;
	if (m->nalert_recent) {
		m->alert_folds = xcalloc(m->nalert_recent, sizeof(*m->alert_folds));
		m->nalert_folds =
			alert_fold(m->alert_recent, m->nalert_recent, m->alert_folds);
	}
	if (query_notices(s, t_ms - ALERT_RECENT_MS, t_ms, NOTICES_RECENT_MAX,
			  &m->notices, &n) == 0)
		m->nnotices = n;
}

/* True when a reading taken at t_ms is of the shown target (the readings
 * of the heap analysis carry no pid: their time says whose they are). */
static bool of_target(const struct ui_model *m, int64_t t_ms)
{
	return m->cur->target && t_ms >= m->loaded.target_from_ms &&
	       t_ms < m->loaded.target_to_ms;
}

/* The leaks screen's suspects and the largest regions at t_ms. */
static void load_leaks(struct ui_model *m, struct store *s, int64_t t_ms)
{
	int n = m->have_leak
			? query_leak_suspects_at(s, t_ms, m->suspects, HEAP_SUSPECTS_MAX)
			: 0;

	m->nsuspects = n > 0 ? (size_t)n : 0;
	m->regions_ms = 0;
	m->regions_vmas = 0;
	n = query_mappings_at(s, t_ms, m->regions, UI_REGIONS_MAX, &m->regions_ms,
			      &m->regions_vmas);
	m->nregions = n > 0 && of_target(m, m->regions_ms) ? (size_t)n : 0;
	if (!m->nregions)
		m->regions_ms = 0;
	if (n < 0)
		log_debug("leaks screen: %s", store_error(s));
}

/* Slots a recorded verdict is judged over: 5 s each over the hour. */
#define RECORDED_SLOTS 720
#define RECORDED_SPAN_MS (3600 * 1000LL)

/*
 * The target's leak verdict from the daemon's rows of it (RSS every change,
 * the last hour up to now), judged once per target as analysis/leak judges
 * the live series: what the console can say before its own minutes of
 * samples are in. state "insufficient-data" when even that is too short.
 */
static void judge_recorded(struct ui_model *m, struct store *hist, int64_t t_ms)
{
	const struct target_sample *t = m->cur->target;
	struct leak_params p = leak_params_default();
	double *cpu = xcalloc(RECORDED_SLOTS, sizeof(*cpu));
	double *rss = xcalloc(RECORDED_SLOTS, sizeof(*rss));
	struct leak_point *pts = xcalloc(RECORDED_SLOTS, sizeof(*pts));
	struct leak_point *floors = xcalloc(RECORDED_SLOTS, sizeof(*floors));
	int64_t t0 = t_ms - RECORDED_SPAN_MS;
	struct heap_verdict *v = &m->recorded_leak;
	struct leak_verdict lv;
	size_t n = 0, nf;

	m->recorded_pid = t->pid;
	m->recorded_start = t->start_ticks;
	memset(v, 0, sizeof(*v));
	if (query_proc_slots(hist, t->pid, t->start_ticks, t0, t_ms, RECORDED_SLOTS, cpu,
			     rss) > 0)
		for (size_t i = 0; i < RECORDED_SLOTS; i++)
			if (isfinite(rss[i]))
				pts[n++] = (struct leak_point){
					t0 + RECORDED_SPAN_MS * (int64_t)(i + 1) /
							RECORDED_SLOTS,
					rss[i]};
	nf = leak_floors(pts, n, NULL, 0, &p, floors);
	leak_judge(floors, nf, m->meta ? (double)m->meta->mem_total : 0, &p, &lv);
	snprintf(v->source, sizeof(v->source), "daemon");
	snprintf(v->state, sizeof(v->state), "%s", leak_state_name(lv.state));
	v->rate_bytes_per_hour = lv.rate_bytes_per_hour;
	v->confidence = lv.confidence;
	v->time_to_limit_s = lv.time_to_limit_s;
	v->since_ms = lv.since_ms;
	v->limit_bytes = m->meta ? m->meta->mem_total : 0;
	v->floor_bytes = nf ? (uint64_t)floors[nf - 1].bytes : 0;
	v->floors = lv.floors;
	free(cpu);
	free(rss);
	free(pts);
	free(floors);
	log_debug("recorded verdict of pid %d: %s from %zu points", t->pid, v->state, n);
}

/* Live, while the console's own verdict has too little to go on: the one
 * judged from the daemon's history, said as such (m->leak_recorded). */
static void use_recorded_verdict(struct ui_model *m, const struct model_request *rq)
{
	const struct target_sample *t = m->cur->target;

	m->leak_recorded = false;
	if (!rq->history || !t || !m->target_recorded ||
	    (m->have_leak && strcmp(m->leak.state, "insufficient-data")))
		return;
	if (m->recorded_pid != t->pid || m->recorded_start != t->start_ticks)
		judge_recorded(m, rq->history, rq->t_ms);
	if (!strcmp(m->recorded_leak.state, "insufficient-data"))
		return;
	m->leak = m->recorded_leak;
	m->have_leak = true;
	m->leak_recorded = true;
}

void loader_load(struct ui_model *m, struct store *s, const struct model_request *rq)
{
	if (!m->cur || !s)
		return;
	/* every time: the writer may commit a frame's transitions just after
	 * the frame reached us, so the badge is at most one tick late */
	load_alerts(m, s, rq->t_ms, rq->want & MODEL_WANT_ALERTS);
	/* a JVM's reading, only while it is the target's own */
	m->have_jvm = query_jvm_at(s, rq->t_ms, &m->jvm) > 0 && m->cur->target &&
		      m->jvm.pid == m->cur->target->pid;
	load_history(m, s, rq); /* also finds the target's run of ticks */
	m->have_leak = query_leak_verdict_at(s, rq->t_ms, &m->leak, &m->leak_at_ms) > 0 &&
		       of_target(m, m->leak_at_ms);
	use_recorded_verdict(m, rq);
	gc_summary(m, rq);
	if (rq->want & MODEL_WANT_LEAKS)
		load_leaks(m, s, rq->t_ms);
}
