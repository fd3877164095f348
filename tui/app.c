/* SPDX-License-Identifier: MIT */
/*
 * app: frames in, model and view state out. The model is filled by
 * tui/loader (history from the session file through the query API, the
 * newest frames straight from the sampler so the screen never waits on a
 * query for the current values); this file says what the screen shown needs
 * and keeps the view state consistent with the model.
 */
#include "tui/app.h"

#include "views/cgroup_view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "tui/capture.h"
#include "tui/loader.h"
#include "views/alerts_view.h"
#include "views/leaks_view.h"
#include "views/ptable.h"
#include "views/target_view.h"

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
	a->mouse = cfg->mouse;
	proclist_init(&a->ov.list);
	a->screen = cfg->start_on_target ? UI_TARGET : UI_OVERVIEW;
	a->back = a->screen;
	a->model.meta = cfg->meta;
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

void app_release(struct app *a)
{
	if (a->past)
		app_leave_past(a);
	capture_release(a);
	ui_model_release(&a->model);
	store_close(a->reader);
	a->reader = NULL;
	store_close(a->history);
	a->history = NULL;
	proclist_release(&a->ov.list);
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

/* The daemon's history, opened once; NULL without (or when unreadable). */
static struct store *open_history(struct app *a)
{
	char err[256];

	if (a->history || !a->cfg.history_path || a->history_failed)
		return a->history;
	if (store_open(a->cfg.history_path, &a->history, err, sizeof(err)) < 0) {
		log_debug("daemon history: %s", err);
		a->history = NULL;
		a->history_failed = true;
	}
	return a->history;
}

int64_t app_shown_ms(const struct app *a)
{
	if (a->replaying)
		return a->rp.cursor_ms;
	return a->model.cur ? a->model.cur->t_ms : 0;
}

void app_message(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->model.message, sizeof(a->model.message), fmt, ap);
	va_end(ap);
	a->model.message_is_error = error;
	a->message_until_ns = clock_mono_ns() + MESSAGE_NS;
}

bool app_expire_message(struct app *a, int64_t now_ns)
{
	if (!a->model.message[0] || now_ns < a->message_until_ns)
		return false;
	a->model.message[0] = '\0';
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

/* What the screen shown draws beyond what every screen needs. */
static unsigned wanted(const struct app *a)
{
	enum ui_screen s = a->screen == UI_HELP ? a->back : a->screen;

	switch (s) {
	case UI_TARGET:
		return MODEL_WANT_TARGET;
	case UI_ALERTS:
		return MODEL_WANT_ALERTS;
	case UI_LEAKS:
		return MODEL_WANT_LEAKS | (a->lk.history ? MODEL_WANT_REGION : 0);
	default:
		return 0;
	}
}

void app_load(struct app *a)
{
	struct model_request rq = {
		.t_ms = app_shown_ms(a),
		.window_ms = zooms_ms[a->zoom],
		.centred = a->replaying,
		.start_ms = a->replaying ? a->rp.first_ms : app_shown_ms(a),
		.end_ms = a->replaying ? a->rp.last_ms : app_shown_ms(a),
		.points = a->graph_points > 0 ? (size_t)a->graph_points : 1,
		.heap_points = a->heap_points > 0 ? (size_t)a->heap_points : 0,
		.want = wanted(a),
		.region_id = a->lk.history ? a->lk.mapping_id : 0,
		.reload = a->hist_stale,
	};

	if (!a->replaying)
		rq.history = open_history(a);

	if (!a->model.cur || !open_reader(a))
		return;
	loader_load(&a->model, a->reader, &rq);
	a->hist_stale = false;
	app_clamp_cursors(a);
}

void app_clamp_cursors(struct app *a)
{
	int rows = a->body_height;
	long n, visible;

	list_cursor_clamp(&a->ov.cur, (long)a->ov.list.n, ptable_body_rows(rows));
	list_cursor_clamp(&a->al.cur, (long)a->model.nalert_states,
			  alerts_list_rows(rows));
	if (a->model.cur)
		list_cursor_clamp(&a->cg.cur, (long)a->model.cur->cgroups.n,
				  cgroup_view_rows(rows));
	if (a->screen == UI_LEAKS && !a->lk.history)
		leaks_clamp(&a->model, &a->lk, rows);
	target_table_size(&a->model, &a->tg, rows, a->body_width, &n, &visible);
	list_cursor_scroll(&a->tg.scroll, 0, n, visible);
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

	if (!a->model.cur)
		return;
	a->ov.opts.filter = a->ov.filter;
	a->ov.opts.cgroup = a->ov.cgroup;
	proclist_build(&a->ov.list, &a->model.cur->procs, &a->ov.opts, a->cfg.ascii);
	idx = a->ov.selected_pid ? proclist_find(&a->ov.list, a->ov.selected_pid) : -1;
	if (idx >= 0)
		a->ov.cur.sel = idx;
	list_cursor_clamp(&a->ov.cur, (long)a->ov.list.n,
			  ptable_body_rows(a->body_height));
	if (a->ov.list.n)
		a->ov.selected_pid = a->ov.list.entries[a->ov.cur.sel].row->pid;
}

void app_forget_target(struct app *a, int pid)
{
	loader_forget_target(&a->model, pid);
	a->tg.scroll = (struct list_cursor){0, 0};
	a->hist_stale = true;
}

void app_take_frame(struct app *a, struct frame *f)
{
	if (a->past) { /* the history is shown: keep the present for End */
		frame_unref(a->newest);
		a->newest = f;
		return;
	}
	loader_take_frame(&a->model, f);
	for (size_t i = 0; i < f->nalerts; i++)
		if (!strcmp(f->alerts[i].state, "firing"))
			a->bell = a->cfg.bell;
	if (f->nnotices) /* an action that failed is said where the operator looks */
		app_message(
			a, true, "alert '%s': %s%s", f->notices[f->nnotices - 1].source,
			f->notices[f->nnotices - 1].message,
			f->nnotices > 1 ? " (and more: see the alerts screen, a)" : "");
	refresh_status(a);
	app_rebuild_list(a);
	app_load(a);
}

static void fill_timebar(struct app *a)
{
	a->model.replay = true;
	a->model.timebar = (struct ui_timebar){
		.first_ms = a->rp.first_ms,
		.last_ms = a->rp.last_ms,
		.cursor_ms = a->rp.cursor_ms,
		.index = a->rp.index,
		.ticks = a->rp.ticks,
		.playing = a->rp.playing,
		.follow = a->rp.follow,
		.closed = a->rp.closed,
		.speed = replay_speed(&a->rp),
	};
}

void app_replay_show(struct app *a)
{
	char err[512];

	fill_timebar(a);
	if (loader_load_frames(&a->model, a->reader, a->rp.cursor_ms, err, sizeof(err)) <
	    0) {
		app_message(a, true, "%s", err);
		return;
	}
	app_rebuild_list(a);
	app_load(a);
}

unsigned app_replay_moved(struct app *a, bool moved)
{
	if (moved)
		app_replay_show(a);
	else /* the cursor stayed; its state (play, follow, closed) may not have */
		fill_timebar(a);
	return REACT_BODY | REACT_STATUS | REACT_HEADER;
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

int app_enter_past(struct app *a, char *err, size_t errlen)
{
	if (a->past)
		return 0;
	if (!open_history(a)) {
		snprintf(err, errlen,
			 "no history of vigil daemon to go back to (--history)");
		return -1;
	}
	a->live_reader = a->reader;
	a->reader = a->history;
	if (replay_open(&a->rp, a->reader) < 0 || !a->rp.ticks) {
		snprintf(err, errlen, "cannot read the daemon's history: %s",
			 a->rp.ticks ? store_error(a->reader) : "no samples");
		a->reader = a->live_reader;
		a->live_reader = NULL;
		return -1;
	}
	a->past = a->replaying = true;
	replay_jump(&a->rp, a->rp.last_ms);
	a->hist_stale = true;
	app_replay_show(a);
	return 0;
}

unsigned app_leave_past(struct app *a)
{
	struct ui_model *m = &a->model;

	a->past = a->replaying = false;
	m->replay = false;
	a->reader = a->live_reader;
	a->live_reader = NULL;
	/* the replayed frames go; the newest live one comes back */
	frame_unref(m->prev);
	frame_unref(m->target_last);
	frame_unref(m->threads);
	frame_unref(m->threads_prev);
	m->prev = m->target_last = m->threads = m->threads_prev = NULL;
	if (a->newest) {
		loader_take_frame(m, a->newest);
		frame_unref(m->prev);
		m->prev = NULL;
		a->newest = NULL;
	}
	a->hist_stale = true;
	app_rebuild_list(a);
	app_load(a);
	return REACT_LAYOUT | REACT_BODY | REACT_STATUS | REACT_HEADER;
}
