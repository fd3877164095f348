/* SPDX-License-Identifier: MIT */
/*
 * replay: the time cursor of `vigil replay`. It knows where in the session
 * the screens are, moves by ticks, jumps to times, plays back at a speed,
 * and can follow the live edge of a file another vigil is still writing
 * (atop's twin mode). It moves the cursor only; tui/app loads the frames.
 *
 * Invariant: cursor_ms is always the time of a stored tick (or 0 while the
 * session has none).
 */
#ifndef VIGIL_TUI_REPLAY_H
#define VIGIL_TUI_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define REPLAY_SPEEDS 9 /* 0.25x .. 64x */

struct replay {
	struct store *store; /* borrowed */
	int64_t first_ms, last_ms;
	uint64_t ticks;
	int64_t cursor_ms;
	uint64_t index; /* 1-based index of the cursor's tick */
	bool playing;
	bool follow; /* stay on the newest tick as the file grows */
	/* no tick will come after last_ms, so there is no live edge to
	 * follow: the writer ended the recording (ended_ms set), or nobody
	 * ended it and its newest tick is older than any writer would leave
	 * it (ten intervals, at least a minute: the recorder died) */
	bool closed;
	int speed; /* index into the speed table; 1x by default */
	int64_t play_wall_ns, play_cursor_ms; /* playback anchor */
};

/* Reads the span and puts the cursor on the first tick. -1 on failure. */
int replay_open(struct replay *r, struct store *s);
double replay_speed(const struct replay *r);
/* Steps one tick forward (dir > 0) or back. Returns true if the cursor moved. */
bool replay_step(struct replay *r, int dir);
/* Puts the cursor on the tick at or before t (the first tick if t is before
 * it). Returns true if the cursor moved. Stops following and playing. */
bool replay_jump(struct replay *r, int64_t t_ms);
/* Home / End: End also follows the live edge from then on, unless the
 * recording is closed. */
bool replay_home(struct replay *r);
bool replay_end(struct replay *r);
void replay_toggle_play(struct replay *r, int64_t now_ns);
/* Slower (dir < 0) or faster; playback continues from here. */
void replay_speed_step(struct replay *r, int dir, int64_t now_ns);
/*
 * Advances playback and follows the edge: call every loop iteration. Re-reads
 * the span when following, and stops following once the recording is
 * closed. Returns true if the cursor moved or following stopped.
 */
bool replay_advance(struct replay *r, int64_t now_ns);
/* How long the loop may sleep before replay_advance has work (ms), or -1. */
int replay_wait_ms(const struct replay *r);

#endif
