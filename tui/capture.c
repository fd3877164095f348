/* SPDX-License-Identifier: MIT */
/* capture: see capture.h. */
#include "tui/capture.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/profiler.h"
#include "core/clock.h"
#include "core/duration.h"
#include "store/profiles.h"
#include "views/profile_view.h"

#define CAPTURE_DEFAULT_MS 5000
#define CAPTURE_DEFAULT_HZ 99

/* "DURATION [HZ] [cpu|wall]", all optional: "10s 999 wall". -1 with why. */
static int parse_spec(const char *spec, struct profiler_opts *o, char *err, size_t len)
{
	char buf[128], why[128], *tok, *save = NULL;
	int n = 0;

	*o = (struct profiler_opts){PROFILE_CPU, CAPTURE_DEFAULT_HZ, CAPTURE_DEFAULT_MS};
	snprintf(buf, sizeof(buf), "%s", spec ? spec : "");
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *end;
		long hz;

		if (!strcmp(tok, "cpu") || !strcmp(tok, "wall")) {
			o->mode = tok[0] == 'w' ? PROFILE_WALL : PROFILE_CPU;
			continue;
		}
		if (n++ == 0) {
			if (duration_parse(tok, &o->duration_ms, why, sizeof(why)) < 0 ||
			    o->duration_ms <= 0) {
				snprintf(err, len, "cannot read duration '%s'", tok);
				return -1;
			}
			continue;
		}
		hz = strtol(tok, &end, 10);
		if (*end || end == tok || hz < 1 || hz > PROFILER_HZ_MAX || n > 2) {
			snprintf(err, len,
				 "cannot read '%s': want DURATION [HZ 1..%d] [cpu|wall]",
				 tok, PROFILER_HZ_MAX);
			return -1;
		}
		o->hz = (int)hz;
	}
	return 0;
}

bool capture_running(const struct app *a)
{
	return a->capture != NULL;
}

unsigned capture_start(struct app *a, const char *spec)
{
	const struct target_sample *t = a->cur ? a->cur->target : NULL;
	char err[256];

	if (a->capture) {
		app_message(a, true, "a profile is being captured: Esc cancels it");
		return REACT_STATUS;
	}
	if (!t || !t->alive) {
		app_message(a, true, "no live target to profile");
		return REACT_STATUS;
	}
	if (parse_spec(spec, &a->capture_opts, err, sizeof(err)) < 0) {
		app_message(a, true, "%s", err);
		return REACT_STATUS;
	}
	a->capture = profiler_start(t->pid, &a->capture_opts, err, sizeof(err));
	if (!a->capture) {
		app_message(a, true, "cannot profile pid %d: %s", t->pid, err);
		return REACT_STATUS;
	}
	a->capture_pid = t->pid;
	return capture_poll(a);
}

/* Shows p (taken over) on the profile screen. */
static void show(struct app *a, struct profile *p)
{
	profile_free(a->profile);
	a->profile = p;
	profile_view_state_release(&a->pv);
	profile_view_state_init(&a->pv);
	if (a->screen != UI_PROFILE)
		a->back = a->screen;
	a->screen = UI_PROFILE;
}

unsigned capture_poll(struct app *a)
{
	struct profiler_progress pr;
	struct profile *p;

	if (!a->capture)
		return REACT_NONE;
	if (!profiler_done(a->capture)) {
		profiler_progress(a->capture, &pr);
		profile_progress_text(a->capture_text, sizeof(a->capture_text),
				      a->capture_pid, pr.sampler, a->capture_opts.hz,
				      a->capture_opts.duration_ms - pr.elapsed_ms,
				      pr.samples, pr.lost);
		a->model.capture_text = a->capture_text;
		return REACT_STATUS;
	}
	p = profiler_finish(a->capture);
	a->capture = NULL;
	a->model.capture_text = NULL;
	if (!p)
		return REACT_STATUS;
	/* the session keeps the original; the screen shows a copy */
	if (a->cfg.save_profile)
		a->cfg.save_profile(a->cfg.ctx, profile_clone(p));
	show(a, p);
	return REACT_LAYOUT;
}

unsigned capture_cancel(struct app *a)
{
	if (!a->capture)
		return REACT_NONE;
	profiler_cancel(a->capture); /* the next poll shows what was taken */
	app_message(a, false, "profile cancelled: showing what was taken");
	return REACT_STATUS;
}

void capture_release(struct app *a)
{
	if (a->capture)
		profile_free(profiler_finish(
			a->capture)); /* finish joins; a cancel is implied */
	a->capture = NULL;
	profile_free(a->profile);
	a->profile = NULL;
	profile_view_state_release(&a->pv);
	free(a->plist);
	a->plist = NULL;
	a->nplist = 0;
}

unsigned capture_open_list(struct app *a)
{
	free(a->plist);
	a->plist = NULL;
	a->nplist = 0;
	if (!a->reader || query_profiles(a->reader, &a->plist, &a->nplist) < 0) {
		app_message(a, true, "cannot list the session's profiles");
		return REACT_STATUS;
	}
	if (!a->nplist) {
		app_message(a, false, "the session has no profiles");
		return REACT_STATUS;
	}
	a->back = a->screen;
	a->screen = UI_PROFILES;
	return REACT_LAYOUT;
}

unsigned capture_open_selected(struct app *a)
{
	char err[256];
	struct profile *p;
	long i = a->pv.list_sel;

	if (i < 0 || i >= (long)a->nplist)
		return REACT_NONE;
	p = query_profile_load(a->reader, a->plist[i].id, err, sizeof(err));
	if (!p) {
		app_message(a, true, "%s", err);
		return REACT_STATUS;
	}
	show(a, p);
	a->back = UI_PROFILES;
	return REACT_LAYOUT;
}

/* Keys of the profile screen and what the view makes of them. */
static const struct {
	int key;
	enum profile_action act;
} profile_keys[] = {
	{'\t', PROFILE_ACT_NEXT_TAB},
	{KEY_BTAB, PROFILE_ACT_PREV_TAB},
	{'1', PROFILE_ACT_TAB_TOP},
	{'2', PROFILE_ACT_TAB_TREE},
	{'3', PROFILE_ACT_TAB_FLAME},
	{KEY_UP, PROFILE_ACT_UP},
	{'k', PROFILE_ACT_UP},
	{KEY_DOWN, PROFILE_ACT_DOWN},
	{'j', PROFILE_ACT_DOWN},
	{KEY_LEFT, PROFILE_ACT_LEFT},
	{KEY_RIGHT, PROFILE_ACT_RIGHT},
	{KEY_PPAGE, PROFILE_ACT_PAGE_UP},
	{KEY_NPAGE, PROFILE_ACT_PAGE_DOWN},
	{KEY_HOME, PROFILE_ACT_HOME},
	{KEY_END, PROFILE_ACT_END},
	{'\r', PROFILE_ACT_ENTER},
	{'\n', PROFILE_ACT_ENTER},
	{KEY_ENTER, PROFILE_ACT_ENTER},
	{27, PROFILE_ACT_BACK},
	{'s', PROFILE_ACT_SORT_NEXT},
	{KEY_F(6), PROFILE_ACT_SORT_NEXT},
	{'>', PROFILE_ACT_THREAD_NEXT},
	{'<', PROFILE_ACT_THREAD_PREV},
};

static unsigned list_key(struct app *a, int key)
{
	switch (key) {
	case KEY_UP:
	case 'k':
		if (a->pv.list_sel > 0)
			a->pv.list_sel--;
		return REACT_BODY;
	case KEY_DOWN:
	case 'j':
		if (a->pv.list_sel + 1 < (long)a->nplist)
			a->pv.list_sel++;
		return REACT_BODY;
	case '\r':
	case '\n':
	case KEY_ENTER:
		return capture_open_selected(a);
	case 27:
		a->screen = a->back == UI_PROFILES || a->back == UI_PROFILE ? UI_TARGET
									    : a->back;
		return REACT_LAYOUT;
	}
	return REACT_NONE;
}

unsigned capture_key(struct app *a, int key)
{
	if (a->screen == UI_PROFILES)
		return list_key(a, key);
	for (size_t i = 0; i < sizeof(profile_keys) / sizeof(profile_keys[0]); i++) {
		if (profile_keys[i].key != key)
			continue;
		switch (profile_view_act(&a->pv, a->profile, profile_keys[i].act,
					 a->body_rows > 0 ? a->body_rows : 10)) {
		case PROFILE_REACT_NONE:
			return REACT_NONE;
		case PROFILE_REACT_REDRAW:
			return REACT_BODY;
		case PROFILE_REACT_LEAVE:
			a->screen = a->back == UI_PROFILE ? UI_TARGET : a->back;
			return REACT_LAYOUT;
		}
	}
	return REACT_NONE;
}
