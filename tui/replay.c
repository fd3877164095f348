/* SPDX-License-Identifier: MIT */
/*
 * replay: cursor arithmetic over store/timeline. Playback maps wall time to
 * session time from an anchor (wall, cursor) so speed changes and pauses
 * never drift; each advance lands on the newest tick at or before the
 * target time, so playback never shows a tick that does not exist. Only a
 * recording whose writer has not ended it has a live edge to follow.
 */
#include "tui/replay.h"

#include "core/clock.h"
#include "core/log.h"
#include "store/frames.h"

static const double speeds[REPLAY_SPEEDS] = {0.25, 0.5, 1, 2, 4, 8, 16, 32, 64};
#define SPEED_1X 2

static void set_cursor(struct replay *r, int64_t t_ms)
{
	r->cursor_ms = t_ms;
	if (timeline_index(r->store, t_ms, &r->index) < 0)
		r->index = 0;
}

/*
 * How long after its newest tick a recording nobody ended still counts as
 * being written: ten intervals and at least a minute (a writer behind a slow
 * disk still commits within that). Past it, its recorder is gone (killed,
 * crashed, the machine lost power) and there is no live edge either.
 */
#define QUIET_TICKS 10
#define QUIET_MIN_MS (60 * 1000)

/* Whether the recording is over: ended by its writer (it may be while we
 * look) or abandoned (see above). Needs last_ms read first. */
static void refresh_closed(struct replay *r)
{
	struct session_meta m;
	int64_t quiet;

	if (query_session(r->store, &m) < 0) {
		log_debug("replay session: %s", store_error(r->store));
		return;
	}
	quiet = m.interval_ms * QUIET_TICKS;
	if (quiet < QUIET_MIN_MS)
		quiet = QUIET_MIN_MS;
	r->closed = m.ended_ms != 0 || clock_wall_ms() - r->last_ms > quiet;
}

static void refresh_span(struct replay *r)
{
	if (query_span(r->store, &r->first_ms, &r->last_ms, &r->ticks) < 0)
		log_debug("replay span: %s", store_error(r->store));
	refresh_closed(r);
}

int replay_open(struct replay *r, struct store *s)
{
	*r = (struct replay){.store = s, .speed = SPEED_1X};
	if (query_span(s, &r->first_ms, &r->last_ms, &r->ticks) < 0)
		return -1;
	refresh_closed(r);
	set_cursor(r, r->first_ms);
	return 0;
}

double replay_speed(const struct replay *r)
{
	return speeds[r->speed];
}

static bool move_to(struct replay *r, int64_t t_ms)
{
	if (t_ms == r->cursor_ms)
		return false;
	set_cursor(r, t_ms);
	return true;
}

bool replay_step(struct replay *r, int dir)
{
	int64_t t;

	r->playing = false;
	r->follow = false;
	if (timeline_seek(r->store, r->cursor_ms,
			  dir > 0 ? TIMELINE_AFTER : TIMELINE_BEFORE, &t) != 0)
		return false;
	return move_to(r, t);
}

bool replay_jump(struct replay *r, int64_t t_ms)
{
	int64_t t;

	r->playing = false;
	r->follow = false;
	if (timeline_seek(r->store, t_ms, TIMELINE_AT_OR_BEFORE, &t) != 0 &&
	    timeline_seek(r->store, t_ms, TIMELINE_AT_OR_AFTER, &t) != 0)
		return false;
	return move_to(r, t);
}

bool replay_home(struct replay *r)
{
	refresh_span(r);
	return replay_jump(r, r->first_ms);
}

bool replay_end(struct replay *r)
{
	bool moved;

	refresh_span(r);
	moved = replay_jump(r, r->last_ms);
	r->follow = !r->closed; /* a closed recording has no live edge */
	return moved;
}

static void anchor(struct replay *r, int64_t now_ns)
{
	r->play_wall_ns = now_ns;
	r->play_cursor_ms = r->cursor_ms;
}

void replay_toggle_play(struct replay *r, int64_t now_ns)
{
	r->playing = !r->playing;
	r->follow = false;
	if (r->playing && r->cursor_ms >= r->last_ms) { /* at the end: from the start */
		replay_jump(r, r->first_ms);
		r->playing = true;
	}
	anchor(r, now_ns);
}

void replay_speed_step(struct replay *r, int dir, int64_t now_ns)
{
	r->speed += dir > 0 ? 1 : -1;
	if (r->speed < 0)
		r->speed = 0;
	if (r->speed >= REPLAY_SPEEDS)
		r->speed = REPLAY_SPEEDS - 1;
	anchor(r, now_ns);
}

bool replay_advance(struct replay *r, int64_t now_ns)
{
	int64_t want, t;

	if (r->follow) {
		refresh_span(r);
		r->follow = !r->closed;
		return move_to(r, r->last_ms) || !r->follow;
	}
	if (!r->playing)
		return false;
	want = r->play_cursor_ms +
	       (int64_t)((double)(now_ns - r->play_wall_ns) / 1e6 * speeds[r->speed]);
	if (want >= r->last_ms)
		refresh_span(r);
	if (want >= r->last_ms) {
		r->playing = false; /* the end of the recording */
		want = r->last_ms;
	}
	if (timeline_seek(r->store, want, TIMELINE_AT_OR_BEFORE, &t) != 0)
		return false;
	return move_to(r, t);
}

int replay_wait_ms(const struct replay *r)
{
	if (r->follow)
		return 500;
	if (r->playing) {
		int ms = (int)(100 / speeds[r->speed]);

		return ms < 20 ? 20 : ms > 250 ? 250 : ms;
	}
	return -1;
}
