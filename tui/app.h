/* SPDX-License-Identifier: MIT */
/*
 * app: the console's state between frames and key presses: the model the
 * screens draw (views/model.h, filled by tui/loader from the session and the
 * newest frame), and the view state of each screen. Input handlers
 * (tui/keymap) change the view state and return reaction flags; the loop
 * (tui/loop) decides what to redraw.
 */
#ifndef VIGIL_TUI_APP_H
#define VIGIL_TUI_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "views/profile_view.h"
#include "tui/replay.h"
#include "tui/tui.h"
#include "views/lineedit.h"
#include "views/model.h"
#include "views/signal_menu.h"

/* A line edited in the status line (tui/prompt); what Enter does with it
 * depends on kind. */
enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_JUMP, PROMPT_PROFILE, PROMPT_LIVE };

/*
 * An action on a process being asked for (tui/procact): the signal menu,
 * then a y/N question in the status line. While stage is not ACT_NONE every
 * key goes to procact_key.
 */
enum act_stage { ACT_NONE, ACT_MENU, ACT_CONFIRM };
struct act_state {
	enum act_stage stage;
	int sig;		/* confirm: the signal to send; 0 for renice */
	int delta;		/* confirm, renice: -1 or +1 */
	struct proc_action rec; /* the process: pid, start time, comm */
	struct signal_menu_state menu;
	char question[192]; /* "send SIGTERM to 1234 sleeper? y/N " */
};

/* What a handler asks of the loop. */
enum react {
	REACT_NONE = 0,
	REACT_BODY = 1u << 0,	 /* redraw the main panel */
	REACT_STATUS = 1u << 1,	 /* redraw the status line */
	REACT_LAYOUT = 1u << 2,	 /* screen changed: relayout and redraw all */
	REACT_REBUILD = 1u << 3, /* process list options changed: rebuild it */
	REACT_QUIT = 1u << 4,
	REACT_HEADER = 1u << 5,	 /* redraw the header (meters, graphs, time bar) */
	REACT_REPAINT = 1u << 6, /* the terminal was given away: repaint it all */
};

/*
 * The console: the model it draws (owned; filled by tui/loader) and the
 * view state around it. Everything else here is what the user did: the
 * screen, cursors, zoom, prompts, the replay cursor.
 */
struct app {
	struct tui_config cfg;
	struct ui_model model;
	struct store *reader;  /* the session, read; NULL until opened */
	struct store *history; /* live: the daemon's history (cfg.history_path) */
	bool history_failed;   /* it could not be opened: do not retry */

	enum ui_screen screen, back; /* back: where Esc/h return from help */
	struct overview_state ov;
	struct target_state tg;
	struct alerts_state al;
	struct leaks_state lk;
	struct cgroups_state cg; /* o */
	struct profile_view_state pv;
	struct tui_capture *capture; /* started through the profile hooks */
	struct act_state act;	     /* k, F9, F7, F8 */

	int64_t message_until_ns;
	bool bell;	 /* a rule started firing: ring once */
	int body_height; /* rows of the main panel's window */
	int body_width;	 /* and its columns */
	bool mouse;	 /* clicks and the wheel are asked for (m toggles) */

	enum prompt_kind prompt;
	struct line_edit line;	 /* the open prompt's text and cursor */
	char filter_before[128]; /* the filter when / was pressed: Esc restores it */

	bool replaying; /* frames come from the store at rp's cursor */
	struct replay rp;
	/* live, after `b`: replaying the daemon's history (reader is history,
	 * the session's reader set aside in live_reader); newest is the last
	 * live frame that arrived meanwhile, shown again on End */
	bool past;
	struct store *live_reader;
	struct frame *newest;

	int zoom;	  /* index into the history windows (1m .. 24h) */
	int graph_points; /* values the current screen's graphs show */
	int heap_points;  /* values of the Memory panel's heap graph (0: graph_points) */
	bool hist_stale;  /* zoom, screen or width changed: reload the history */
};

/* Width of the history window at zoom level z; the number of levels. */
int64_t app_zoom_ms(int z);
int app_zoom_levels(void);

void app_init(struct app *a, const struct tui_config *cfg);
void app_release(struct app *a);
/* Live: takes over f (a reference) as the newest frame and reloads the
 * model for it. */
void app_take_frame(struct app *a, struct frame *f);
/* Replay: opens the session and shows its first tick. -1 with err. */
int app_replay_open(struct app *a, char *err, size_t errlen);
/* Live: `b` replays the daemon's history (cfg.history_path) in place of the
 * present, at its last tick; -1 with err when there is none. */
int app_enter_past(struct app *a, char *err, size_t errlen);
/* Live, in the past: back to the present (End). Returns REACT_* flags. */
unsigned app_leave_past(struct app *a);
/* Replay: loads the model at the cursor (after it moved). */
void app_replay_show(struct app *a);
/* Replay: after a cursor move (moved: whether it did), reloads the model or
 * just the time bar's play state. Returns REACT_* flags. */
unsigned app_replay_moved(struct app *a, bool moved);
/* Reloads the model at the time shown for the current screen, window and
 * zoom (after a screen, zoom or size change; the loader skips what is
 * current unless hist_stale). */
void app_load(struct app *a);
/* The time the screens show: live the newest frame's, replay the cursor. */
int64_t app_shown_ms(const struct app *a);
/* Rebuilds the process list from the newest frame, keeping the selection. */
void app_rebuild_list(struct app *a);
/* Keeps every list cursor within its list and the body window. */
void app_clamp_cursors(struct app *a);
/* Forgets the target's readings after attaching to pid. */
void app_forget_target(struct app *a, int pid);
/* Shows a transient message in the status line for a few seconds. */
void app_message(struct app *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Clears an expired message; true when the status line must be redrawn. */
bool app_expire_message(struct app *a, int64_t now_ns);

#endif
