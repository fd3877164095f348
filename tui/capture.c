/* SPDX-License-Identifier: MIT */
/* capture: see capture.h. */
#include "tui/capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/profiles.h"
#include "views/profile_view.h"

bool capture_running(const struct app *a)
{
	return a->capture != NULL;
}

unsigned capture_start(struct app *a, const char *spec)
{
	const struct target_sample *t = a->model.cur ? a->model.cur->target : NULL;
	char err[256] = "";

	if (a->capture) {
		app_message(a, true, "a profile is being captured: Esc cancels it");
		return REACT_STATUS;
	}
	if (!t || !t->alive) {
		app_message(a, true, "no live target to profile");
		return REACT_STATUS;
	}
	if (!a->cfg.profile.start) {
		app_message(a, true, "profiles cannot be taken here");
		return REACT_STATUS;
	}
	/* a cgroup: the profiler takes one process, its busiest now */
	if (t->is_cgroup && !t->lead_pid) {
		app_message(a, true, "the cgroup has no process to profile");
		return REACT_STATUS;
	}
	a->capture = a->cfg.profile.start(a->cfg.ctx, t->is_cgroup ? t->lead_pid : t->pid,
					  spec, err, sizeof(err));
	if (!a->capture) {
		app_message(a, true, "%s", err);
		return REACT_STATUS;
	}
	if (t->is_cgroup)
		app_message(a, false, "profiling the cgroup's busiest process, pid %d",
			    t->lead_pid);
	return capture_poll(a);
}

/* Shows p (taken over) on the profile screen. */
static void show(struct app *a, struct profile *p)
{
	profile_free(a->model.profile);
	a->model.profile = p;
	profile_view_state_release(&a->pv);
	profile_view_state_init(&a->pv);
	if (a->screen != UI_PROFILE)
		a->back = a->screen;
	a->screen = UI_PROFILE;
}

unsigned capture_poll(struct app *a)
{
	struct tui_capture_progress pr = {0};
	struct profile *p;

	if (!a->capture)
		return REACT_NONE;
	a->cfg.profile.progress(a->cfg.ctx, a->capture, &pr);
	if (!pr.done) {
		profile_progress_text(a->model.capture_text,
				      sizeof(a->model.capture_text), pr.pid, pr.sampler,
				      pr.hz, pr.duration_ms - pr.elapsed_ms, pr.samples,
				      pr.lost);
		return REACT_STATUS;
	}
	p = a->cfg.profile.finish(a->cfg.ctx, a->capture);
	a->capture = NULL;
	a->model.capture_text[0] = '\0';
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
	a->cfg.profile.cancel(a->cfg.ctx, a->capture); /* the next poll shows it */
	app_message(a, false, "profile cancelled: showing what was taken");
	return REACT_STATUS;
}

void capture_release(struct app *a)
{
	if (a->capture) /* finish joins; a cancel is implied */
		profile_free(a->cfg.profile.finish(a->cfg.ctx, a->capture));
	a->capture = NULL;
	profile_view_state_release(&a->pv); /* the profiles are the model's */
}

unsigned capture_open_list(struct app *a)
{
	free(a->model.profiles);
	a->model.profiles = NULL;
	a->model.nprofiles = 0;
	if (!a->reader ||
	    query_profiles(a->reader, &a->model.profiles, &a->model.nprofiles) < 0) {
		app_message(a, true, "cannot list the session's profiles");
		return REACT_STATUS;
	}
	if (!a->model.nprofiles) {
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
	long i = a->pv.list.sel;

	if (i < 0 || i >= (long)a->model.nprofiles)
		return REACT_NONE;
	p = query_profile_load(a->reader, a->model.profiles[i].id, err, sizeof(err));
	if (!p) {
		app_message(a, true, "%s", err);
		return REACT_STATUS;
	}
	show(a, p);
	a->back = UI_PROFILES;
	return REACT_LAYOUT;
}

unsigned capture_list_move(struct app *a, long delta)
{
	return list_cursor_move(&a->pv.list, delta, (long)a->model.nprofiles,
				profile_list_rows(a->body_height))
		       ? REACT_BODY
		       : REACT_NONE;
}

unsigned capture_list_back(struct app *a)
{
	a->screen = a->back == UI_PROFILES || a->back == UI_PROFILE ? UI_TARGET : a->back;
	return REACT_LAYOUT;
}

unsigned capture_act(struct app *a, enum profile_action act)
{
	switch (profile_view_act(&a->pv, a->model.profile, act,
				 a->body_height > 0 ? a->body_height : 10)) {
	case PROFILE_REACT_NONE:
		return REACT_NONE;
	case PROFILE_REACT_REDRAW:
		return REACT_BODY;
	case PROFILE_REACT_LEAVE:
		a->screen = a->back == UI_PROFILE ? UI_TARGET : a->back;
		return REACT_LAYOUT;
	}
	return REACT_NONE;
}
