/* SPDX-License-Identifier: MIT */
/*
 * app: frames in, model and view state out. History comes from the session
 * file through the query API (the path replay will use too); the newest
 * frames come straight from the sampler so the screen never waits on a
 * query for the current values.
 */
#include "tui/app.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/alert_rows.h"
#include "tui/capture.h"
#include "store/app_rows.h"
#include "store/frames.h"
#include "store/heap_rows.h"
#include "store/jvm_rows.h"
#include "store/series.h"
#include "store/target_rows.h"
#include "tui/memseries.h"

#define MESSAGE_NS (4LL * 1000000000)

static const int64_t zooms_ms[] = {
	60 * 1000,   5 * 60 * 1000,   15 * 60 * 1000,
	3600 * 1000, 6 * 3600 * 1000, 24 * 3600 * 1000,
};

void app_init(struct app *a, const struct tui_config *cfg)
{
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	a->ov.opts.sort = PROCLIST_SORT_CPU;
	a->ov.opts.descending = true;
	proclist_init(&a->ov.list);
	a->screen = cfg->start_on_target ? UI_TARGET : UI_OVERVIEW;
	a->back = a->screen;
	a->model.meta = cfg->meta;
	a->model.hist = &a->hist;
	a->model.ascii = cfg->ascii;
	a->model.target_started = cfg->target_started;
	a->model.session_path = cfg->recording ? cfg->session_path : NULL;
	a->zoom = 1; /* 5 minutes */
	a->model.zoom_ms = zooms_ms[a->zoom];
	a->model.can_ack = cfg->ack != NULL;
	a->model.can_read_smaps = cfg->read_smaps != NULL;
	profile_view_state_init(&a->pv);
	if (cfg->startup_message)
		app_message(a, false, "%s", cfg->startup_message);
}

static void series_free(struct ui_series *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void app_release(struct app *a)
{
	frame_unref(a->cur);
	frame_unref(a->prev);
	frame_unref(a->target_last);
	frame_unref(a->threads);
	frame_unref(a->threads_prev);
	store_close(a->reader);
	proclist_release(&a->ov.list);
	series_free(&a->hist.cpu);
	series_free(&a->hist.mem);
	series_free(&a->hist.tcpu);
	series_free(&a->hist.trss);
	series_free(&a->hist.twait);
	free(a->astates);
	free(a->arecent);
	free(a->anotices);
	free(a->timers_window);
	free(a->timers_tick);
	free(a->app_values);
	series_free(&a->hist.tp99);
	series_free(&a->hist.tanon);
	series_free(&a->hist.tfloor);
	series_free(&a->hist.region);
	free(a->hist.tgc.v);
	free(a->readings);
	capture_release(a);
}

static bool open_reader(struct app *a);
static void refresh_jvm(struct app *a, int64_t t_ms);
static void load_series_of(struct app *a, const char *metric, const char *timer,
			   int64_t t0, int64_t t1, size_t npoints, struct ui_series *s);

/*
 * StatsD timers over the graph window and in the shown tick, the p99
 * history of the busiest one, and the counters and gauges of the window.
 */
static void load_timers(struct app *a, int64_t t0, int64_t t1, size_t n)
{
	size_t k;

	free(a->timers_window);
	free(a->timers_tick);
	free(a->app_values);
	a->timers_window = a->timers_tick = NULL;
	a->app_values = NULL;
	a->model.ntimers_window = a->model.ntimers_tick = a->model.napp_values = 0;
	if (query_app_values(a->reader, t0, t1, &a->app_values, &k) == 0)
		a->model.napp_values = k;
	a->model.app_values = a->app_values;
	a->hist.tp99.n = 0;
	if (query_timers(a->reader, t0, t1, &a->timers_window, &k) == 0)
		a->model.ntimers_window = k;
	if (query_app_ingest(a->reader, t0, t1, &a->model.ingest) < 0)
		memset(&a->model.ingest, 0, sizeof(a->model.ingest));
	if (a->cur &&
	    query_timers(a->reader, a->cur->t_ms, a->cur->t_ms, &a->timers_tick, &k) == 0)
		a->model.ntimers_tick = k;
	a->model.timers_window = a->timers_window;
	a->model.timers_tick = a->timers_tick;
	if (a->model.ntimers_window) {
		size_t top = 0;

		for (size_t i = 1; i < a->model.ntimers_window; i++)
			if (a->timers_window[i].count > a->timers_window[top].count)
				top = i;
		load_series_of(a, NULL, a->timers_window[top].name, t0, t1, n,
			       &a->hist.tp99);
		a->model.tp99_name = a->timers_window[top].name;
	}
}

/* The transitions of the last day are plenty for one screen. */
#define ALERT_RECENT_MS (24 * 3600 * 1000LL)
#define ALERT_RECENT_MAX 64

void app_refresh_alerts(struct app *a, int64_t t_ms)
{
	size_t n = 0, firing = 0;

	if (!open_reader(a))
		return;
	free(a->astates);
	free(a->arecent);
	free(a->anotices);
	a->astates = a->arecent = NULL;
	a->anotices = NULL;
	a->model.nalert_states = a->model.nalert_recent = a->model.nnotices = 0;
	if (query_alert_states_at(a->reader, t_ms, &a->astates, &n) == 0)
		a->model.nalert_states = n;
	if (query_alert_events(a->reader, t_ms - ALERT_RECENT_MS, t_ms, ALERT_RECENT_MAX,
			       &a->arecent, &n) == 0)
		a->model.nalert_recent = n;
	if (query_notices(a->reader, t_ms - ALERT_RECENT_MS, t_ms, ALERT_RECENT_MAX,
			  &a->anotices, &n) == 0)
		a->model.nnotices = n;
	for (size_t i = 0; i < a->model.nalert_states; i++)
		firing += !strcmp(a->astates[i].state, "firing") ||
			  !strcmp(a->astates[i].state, "acked");
	a->model.have_leak = query_leak_verdict_at(a->reader, t_ms, &a->model.leak,
						   &a->model.leak_at_ms) > 0;
	refresh_jvm(a, t_ms);
	app_refresh_leaks(a, t_ms);
	a->model.alert_states = a->astates;
	a->model.alert_recent = a->arecent;
	a->model.notices = a->anotices;
	a->model.alerts_firing = firing;
}

/* A JVM's latest reading at t_ms, only while it is the target's own. */
static void refresh_jvm(struct app *a, int64_t t_ms)
{
	a->model.have_jvm = query_jvm_at(a->reader, t_ms, &a->model.jvm) > 0 && a->cur &&
			    a->cur->target && a->model.jvm.pid == a->cur->target->pid;
}

void app_refresh_leaks(struct app *a, int64_t t_ms)
{
	int n;

	if (a->screen != UI_LEAKS || !open_reader(a))
		return;
	n = query_leak_suspects_at(a->reader, t_ms, a->suspects, HEAP_SUSPECTS_MAX);
	a->model.nsuspects = n > 0 ? (size_t)n : 0;
	a->model.suspects = a->suspects;
	a->model.regions_ms = 0;
	a->model.regions_vmas = 0;
	n = query_mappings_at(a->reader, t_ms, a->regions, APP_REGIONS_MAX,
			      &a->model.regions_ms, &a->model.regions_vmas);
	a->model.nregions = n > 0 ? (size_t)n : 0;
	if (n < 0)
		log_debug("leaks screen: %s", store_error(a->reader));
	a->model.regions = a->regions;
}

int64_t app_shown_ms(const struct app *a)
{
	if (a->replaying)
		return a->rp.cursor_ms;
	return a->cur ? a->cur->t_ms : 0;
}

void app_message(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	a->model.message = a->message;
	a->model.message_is_error = error;
	a->message_until_ns = clock_mono_ns() + MESSAGE_NS;
}

bool app_expire_message(struct app *a, int64_t now_ns)
{
	if (!a->model.message || now_ns < a->message_until_ns)
		return false;
	a->model.message = NULL;
	return true;
}

int64_t app_zoom_ms(int z)
{
	return zooms_ms[z];
}

int app_zoom_levels(void)
{
	return (int)(sizeof(zooms_ms) / sizeof(zooms_ms[0]));
}

/*
 * Loads one metric over [t0, t1) into exactly npoints slots, each slot one
 * time bucket, NaN where nothing was recorded: the graphs stay aligned in
 * time (a centred replay cursor stays centred at the session's edges).
 */
/* Loads a metric's history (timer: a StatsD timer's p99 instead). */
static void load_series_of(struct app *a, const char *metric, const char *timer,
			   int64_t t0, int64_t t1, size_t npoints, struct ui_series *s)
{
	struct series ser = {0};
	int rc;

	s->v = xgrow(s->v, &s->cap, npoints, sizeof(*s->v));
	s->n = npoints;
	for (size_t i = 0; i < npoints; i++)
		s->v[i] = NAN;
	rc = timer ? query_timer_series(a->reader, timer, 99, t0, t1, npoints, &ser)
		   : query_series(a->reader, metric, t0, t1, npoints, &ser);
	if (rc < 0) {
		log_debug("history %s: %s", timer ? timer : metric,
			  store_error(a->reader));
		return;
	}
	for (size_t i = 0; i < ser.n; i++) {
		int64_t slot = (ser.points[i].t_ms - t0) * (int64_t)npoints / (t1 - t0);

		if (slot >= 0 && slot < (int64_t)npoints)
			s->v[slot] = ser.points[i].avg;
	}
	series_release(&ser);
}

static void load_series(struct app *a, const char *metric, int64_t t0, int64_t t1,
			size_t npoints, struct ui_series *s)
{
	load_series_of(a, metric, NULL, t0, t1, npoints, s);
}

/*
 * The Memory panel's heap graph over [t0, t1): RssAnon + swap (what the leak
 * analysis judges) at the panel's own width, its floor line, and a JVM's
 * collections under it.
 */
static void load_heap(struct app *a, int64_t t0, int64_t t1)
{
	struct ui_history *h = &a->hist;
	size_t n = a->heap_points > 0
			   ? (size_t)a->heap_points
			   : (a->graph_points > 0 ? (size_t)a->graph_points : 1);
	struct ui_series swap = {0};
	struct jvm_gc_point *gcs = NULL;
	size_t ngcs = 0;

	load_series(a, "target.rss_anon", t0, t1, n, &h->tanon);
	load_series(a, "target.swap", t0, t1, n, &swap);
	for (size_t i = 0; i < n; i++)
		if (isfinite(swap.v[i]) && isfinite(h->tanon.v[i]))
			h->tanon.v[i] += swap.v[i];
	series_free(&swap);
	h->tfloor.v = xgrow(h->tfloor.v, &h->tfloor.cap, n, sizeof(*h->tfloor.v));
	h->tfloor.n = n;
	memseries_floor_line(h->tanon.v, n, t0, t1, h->tfloor.v);
	h->tgc.n = 0;
	refresh_jvm(a, app_shown_ms(a)); /* the marks are for a JVM only */
	if (!a->model.have_jvm)
		return;
	if (query_jvm_gcs(a->reader, t0, t1, &gcs, &ngcs) < 0) {
		log_debug("history of JVM collections: %s", store_error(a->reader));
		return;
	}
	h->tgc.v = xgrow(h->tgc.v, &h->tgc.cap, n, sizeof(*h->tgc.v));
	h->tgc.n = n;
	memseries_gc_marks(gcs, ngcs, a->cur->target->pid, t0, t1, n, h->tgc.v);
	free(gcs);
}

/*
 * The open region's readings over [t0, t1) for the leaks screen: its graph
 * (held from one reading to the next) and its table (up to the shown time).
 */
static void load_region(struct app *a, int64_t t0, int64_t t1, size_t n)
{
	struct ui_series *s = &a->hist.region;
	int64_t shown = app_shown_ms(a);
	size_t k = 0;

	free(a->readings);
	a->readings = NULL;
	a->nreadings = 0;
	if (query_mapping_history(a->reader, a->lk.mapping_id, t0, t1, &a->readings,
				  &a->nreadings) < 0)
		log_debug("region history: %s", store_error(a->reader));
	s->v = xgrow(s->v, &s->cap, n, sizeof(*s->v));
	s->n = n;
	memseries_hold(a->readings, a->nreadings, t0, t1,
		       a->replaying ? a->rp.last_ms : shown, n, s->v);
	while (k < a->nreadings && a->readings[k].t_ms <= shown)
		k++;
	a->model.readings = a->readings;
	a->model.nreadings = k;
}

static bool open_reader(struct app *a)
{
	char err[256];

	if (a->reader)
		return true;
	if (!a->cfg.session_path)
		return false;
	if (store_open(a->cfg.session_path, &a->reader, err, sizeof(err)) < 0) {
		log_debug("history reader: %s", err);
		a->reader = NULL;
		return false;
	}
	return true;
}

void app_refresh_history(struct app *a)
{
	int64_t w = zooms_ms[a->zoom], t0, t1;
	size_t n = a->graph_points > 0 ? (size_t)a->graph_points : 1;

	if (!a->cur || !open_reader(a))
		return;
	if (a->replaying) { /* centred on the cursor */
		t0 = a->rp.cursor_ms - w / 2;
		t1 = t0 + w;
	} else {
		t1 = a->cur->t_ms + 1;
		t0 = t1 - w;
		/* a new frame moves the window by one tick; a wide window only needs
		 * reloading once a whole bucket has passed */
		if (!a->hist_stale && a->hist_t1 && t1 - a->hist_t1 < w / (int64_t)n)
			return;
	}
	a->hist_t1 = t1;
	a->hist_stale = false;
	a->model.zoom_ms = w;
	load_series(a, "cpu.total", t0, t1, n, &a->hist.cpu);
	load_series(a, "mem.used", t0, t1, n, &a->hist.mem);
	if (a->cur->target) {
		load_series(a, "target.cpu", t0, t1, n, &a->hist.tcpu);
		load_series(a, "target.rss", t0, t1, n, &a->hist.trss);
		load_series(a, "target.run_wait", t0, t1, n, &a->hist.twait);
		load_heap(a, t0, t1);
		if (a->screen == UI_LEAKS && a->lk.history)
			load_region(a, t0, t1, n);
		load_timers(a, t0, t1, n);
	} else {
		a->hist.tcpu.n = a->hist.trss.n = a->hist.twait.n = 0;
	}
}

static void refresh_status(struct app *a)
{
	struct stat st;
	char wal[4200];

	a->model.session_bytes = 0;
	if (a->model.session_path && stat(a->model.session_path, &st) == 0)
		a->model.session_bytes = (uint64_t)st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal",
		 a->cfg.session_path ? a->cfg.session_path : "");
	if (a->model.session_path && stat(wal, &st) == 0)
		a->model.session_bytes += (uint64_t)st.st_size;
	if (a->cfg.writer_stats)
		a->cfg.writer_stats(a->cfg.ctx, &a->model.dropped, &a->model.failed);
}

void app_rebuild_list(struct app *a)
{
	long idx;

	if (!a->cur)
		return;
	a->ov.opts.filter = a->ov.filter;
	proclist_build(&a->ov.list, &a->cur->procs, &a->ov.opts, a->cfg.ascii);
	idx = a->ov.selected_pid ? proclist_find(&a->ov.list, a->ov.selected_pid) : -1;
	if (idx >= 0)
		a->ov.selected = idx;
	else if (a->ov.selected >= (long)a->ov.list.n)
		a->ov.selected = a->ov.list.n ? (long)a->ov.list.n - 1 : 0;
	if (a->ov.list.n)
		a->ov.selected_pid = a->ov.list.entries[a->ov.selected].row->pid;
}

void app_take_frame(struct app *a, struct frame *f)
{
	frame_unref(a->prev);
	a->prev = a->cur;
	a->cur = f;
	if (f->target && f->target->alive) {
		frame_unref(a->target_last);
		a->target_last = frame_ref(f);
	}
	if (f->target && f->target->threads) {
		/* the thread detail: every tick for most processes, every few
		 * for one with thousands of threads */
		frame_unref(a->threads_prev);
		a->threads_prev = a->threads;
		a->threads = frame_ref(f);
	}
	a->model.cur = a->cur;
	a->model.prev = a->prev;
	a->model.threads = a->threads;
	a->model.threads_prev = a->threads_prev;
	a->model.target_last = a->target_last;
	for (size_t i = 0; i < f->nalerts; i++)
		if (!strcmp(f->alerts[i].state, "firing"))
			a->bell = a->cfg.bell;
	if (f->nnotices) /* an action that failed is said where the operator looks */
		app_message(
			a, true, "alert '%s': %s%s", f->notices[f->nnotices - 1].source,
			f->notices[f->nnotices - 1].message,
			f->nnotices > 1 ? " (and more: see the alerts screen, a)" : "");
	app_refresh_history(a);
	/* every tick: the writer may commit a frame's transitions just after
	 * the frame reached us, so the badge is at most one tick late */
	app_refresh_alerts(a, f->t_ms);
	refresh_status(a);
	app_rebuild_list(a);
}

static void fill_timebar(struct app *a)
{
	a->timebar = (struct ui_timebar){
		.first_ms = a->rp.first_ms,
		.last_ms = a->rp.last_ms,
		.cursor_ms = a->rp.cursor_ms,
		.index = a->rp.index,
		.ticks = a->rp.ticks,
		.playing = a->rp.playing,
		.follow = a->rp.follow,
		.speed = replay_speed(&a->rp),
	};
	a->model.timebar = &a->timebar;
}

/* The thread readings at the cursor: the newest tick with thread rows at or
 * before it and the one before that. */
static void replay_threads(struct app *a)
{
	int64_t at[2];
	int n = a->cur ? query_thread_ticks(a->reader, (int64_t)a->cur->seq, at) : 0;

	frame_unref(a->threads);
	frame_unref(a->threads_prev);
	a->threads = a->threads_prev = NULL;
	/* most often these are the shown tick and the one before it */
	if (n >= 1 && at[0] == a->cur->t_ms)
		a->threads = frame_ref(a->cur);
	else if (n >= 1 && query_frame_at(a->reader, at[0], &a->threads) < 0)
		a->threads = NULL;
	if (n >= 2 && a->prev && at[1] == a->prev->t_ms)
		a->threads_prev = frame_ref(a->prev);
	else if (n >= 2 && query_frame_at(a->reader, at[1], &a->threads_prev) < 0)
		a->threads_prev = NULL;
	a->model.threads = a->threads;
	a->model.threads_prev = a->threads_prev;
}

void app_replay_show(struct app *a)
{
	struct frame *cur = NULL, *prev = NULL, *alive = NULL;
	int64_t t;

	fill_timebar(a);
	if (query_frame_at(a->reader, a->rp.cursor_ms, &cur) < 0) {
		app_message(a, true, "cannot read the tick at the cursor: %s",
			    store_error(a->reader));
		return;
	}
	if (timeline_seek(a->reader, a->rp.cursor_ms, TIMELINE_BEFORE, &t) == 0)
		query_frame_at(a->reader, t, &prev);
	if (cur->target && !cur->target->alive &&
	    timeline_target_alive(a->reader, a->rp.cursor_ms, &t) == 0)
		query_frame_at(a->reader, t, &alive);
	frame_unref(a->prev);
	frame_unref(a->cur);
	frame_unref(a->target_last);
	a->prev = prev;
	a->cur = cur;
	a->target_last = cur->target && cur->target->alive ? frame_ref(cur) : alive;
	a->model.cur = a->cur;
	a->model.prev = a->prev;
	a->model.target_last = a->target_last;
	replay_threads(a);
	a->hist_stale = true;
	app_refresh_history(a);
	app_refresh_alerts(a, a->rp.cursor_ms);
	app_rebuild_list(a);
}

int app_replay_open(struct app *a, char *err, size_t errlen)
{
	if (!open_reader(a)) {
		snprintf(err, errlen, "cannot open session '%s'", a->cfg.session_path);
		return -1;
	}
	if (replay_open(&a->rp, a->reader) < 0) {
		snprintf(err, errlen, "%s", store_error(a->reader));
		return -1;
	}
	if (!a->rp.ticks) {
		snprintf(err, errlen, "the session has no samples yet");
		return -1;
	}
	a->replaying = true;
	app_replay_show(a);
	return 0;
}
