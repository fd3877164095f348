/* SPDX-License-Identifier: MIT */
/*
 * app: frames in, model and view state out. History comes from the session
 * file through the query API (the path replay will use too); the newest
 * frames come straight from the sampler so the screen never waits on a
 * query for the current values.
 */
#include "tui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/query.h"

#define HISTORY_POINTS 256 /* the widest graph: 128 braille cells */
#define MESSAGE_NS (4LL * 1000000000)

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
	store_close(a->reader);
	proclist_release(&a->ov.list);
	series_free(&a->hist.cpu);
	series_free(&a->hist.mem);
	series_free(&a->hist.tcpu);
	series_free(&a->hist.trss);
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

/* Loads the newest points of one metric into s (values = bucket averages). */
static void load_series(struct app *a, const char *metric, int64_t t1, struct ui_series *s)
{
	int64_t span = HISTORY_POINTS * a->cfg.interval_ms;
	struct series ser = { 0 };

	s->n = 0;
	if (query_series(a->reader, metric, t1 - span, t1, HISTORY_POINTS, &ser) < 0) {
		log_debug("history %s: %s", metric, store_error(a->reader));
		return;
	}
	s->v = xgrow(s->v, &s->cap, ser.n, sizeof(*s->v));
	for (size_t i = 0; i < ser.n; i++)
		s->v[i] = ser.points[i].avg;
	s->n = ser.n;
	series_release(&ser);
}

static void refresh_history(struct app *a)
{
	char err[256];

	if (!a->cfg.session_path)
		return;
	if (!a->reader && store_open(a->cfg.session_path, &a->reader, err, sizeof(err)) < 0) {
		log_debug("history reader: %s", err);
		a->reader = NULL;
		return;
	}
	load_series(a, "cpu.total", a->cur->t_ms, &a->hist.cpu);
	load_series(a, "mem.used", a->cur->t_ms, &a->hist.mem);
	if (a->cur->target) {
		load_series(a, "target.cpu", a->cur->t_ms, &a->hist.tcpu);
		load_series(a, "target.rss", a->cur->t_ms, &a->hist.trss);
	} else {
		a->hist.tcpu.n = a->hist.trss.n = 0;
	}
}

static void refresh_status(struct app *a)
{
	struct stat st;
	char wal[4200];

	a->model.session_bytes = 0;
	if (a->model.session_path && stat(a->model.session_path, &st) == 0)
		a->model.session_bytes = (uint64_t)st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", a->cfg.session_path ? a->cfg.session_path : "");
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
	a->model.cur = a->cur;
	a->model.prev = a->prev;
	a->model.target_last = a->target_last;
	refresh_history(a);
	refresh_status(a);
	app_rebuild_list(a);
}
