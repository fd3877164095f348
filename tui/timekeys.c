/* SPDX-License-Identifier: MIT */
/* timekeys: the keys of time (see timekeys.h). */
#include "tui/timekeys.h"

#include <curses.h>

#include "core/clock.h"
#include "tui/prompt.h"

unsigned timekeys_jump(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	return prompt_open(a, PROMPT_JUMP);
}

/* Live `b`: into the daemon's history, then the same jump prompt. */
unsigned timekeys_past(struct app *a, int key, int arg)
{
	char err[256];

	if (app_enter_past(a, err, sizeof(err)) < 0) {
		app_message(a, true, "%s", err);
		return REACT_STATUS;
	}
	return REACT_LAYOUT | timekeys_jump(a, key, arg);
}

/* The cursor moved: reload the frames there. */
static unsigned moved(struct app *a, bool did)
{
	return app_replay_moved(a, did);
}

unsigned timekeys_time(struct app *a, int key, int arg)
{
	int64_t now = clock_mono_ns();

	(void)arg;
	switch (key) {
	case 't':
		return moved(a, replay_step(&a->rp, +1));
	case 'T':
		return moved(a, replay_step(&a->rp, -1));
	case KEY_HOME:
	case 'g':
		return moved(a, replay_home(&a->rp));
	case KEY_END:
	case 'G':
		if (a->past) /* the daemon's history: End is the present */
			return app_leave_past(a);
		return moved(a, replay_end(&a->rp));
	case ' ':
		replay_toggle_play(&a->rp, now);
		return moved(a, false);
	case '[':
		replay_speed_step(&a->rp, -1, now);
		break;
	case ']':
		replay_speed_step(&a->rp, +1, now);
		break;
	default:
		return REACT_NONE;
	}
	a->model.timebar.speed = replay_speed(&a->rp);
	return REACT_STATUS | REACT_HEADER;
}

unsigned timekeys_zoom(struct app *a, int key, int arg)
{
	int z = a->zoom + (key == '+' || key == '=' ? -1 : +1);

	(void)arg;
	if (z < 0 || z >= app_zoom_levels())
		return REACT_NONE;
	a->zoom = z;
	a->hist_stale = true;
	app_load(a);
	return REACT_BODY | REACT_HEADER | REACT_STATUS;
}
