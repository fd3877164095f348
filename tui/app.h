/* SPDX-License-Identifier: MIT */
/*
 * app: the console's state between frames and key presses: the frames the
 * screens show, the history series, the view state of each screen, and the
 * transient status message. Input handlers (tui/keymap) change it and return
 * reaction flags; the loop (tui/loop) decides what to redraw.
 */
#ifndef VIGIL_TUI_APP_H
#define VIGIL_TUI_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "collectors/profiler.h"
#include "store/store.h"
#include "views/profile_view.h"
#include "tui/replay.h"
#include "tui/tui.h"
#include "views/model.h"

/* What a handler asks of the loop. */
/* A line edited in the status line; what Enter does with it depends on kind. */
enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_JUMP, PROMPT_PROFILE };

enum react {
	REACT_NONE = 0,
	REACT_BODY = 1u << 0,	 /* redraw the main panel */
	REACT_STATUS = 1u << 1,	 /* redraw the status line */
	REACT_LAYOUT = 1u << 2,	 /* screen changed: relayout and redraw all */
	REACT_REBUILD = 1u << 3, /* process list options changed: rebuild it */
	REACT_QUIT = 1u << 4,
	REACT_HEADER = 1u << 5, /* redraw the header (meters, graphs, time bar) */
};

/* The largest regions the leaks screen lists. */
#define APP_REGIONS_MAX 32

struct app {
	struct tui_config cfg;
	struct ui_model model;
	struct ui_history hist;
	enum ui_screen screen, back; /* back: where Esc/h return from help */
	struct overview_state ov;
	struct target_state tg;
	struct alerts_state al;
	struct leaks_state lk;
	/* the leaks screen's rows and the open region's readings (owned) */
	struct heap_suspect suspects[HEAP_SUSPECTS_MAX];
	struct mapping_row regions[APP_REGIONS_MAX];
	struct mapping_point *readings;
	size_t nreadings;
	struct alert_event *astates, *arecent; /* the model's alert lists, owned */
	struct notice *anotices;	       /* failed actions, owned */
	bool bell;			       /* a rule started firing: ring once */
	struct timer_stat *timers_window, *timers_tick; /* StatsD, owned */
	struct app_value_stat *app_values;		/* StatsD, owned */

	/* CPU profiles (tui/capture.c) */
	struct profiler *capture; /* running capture, or NULL */
	struct profiler_opts capture_opts;
	int capture_pid;
	char capture_text[160];	 /* its progress line */
	struct profile *profile; /* shown on UI_PROFILE; owned */
	struct profile_view_state pv;
	struct profile_meta *plist; /* replay: the session's profiles; owned */
	size_t nplist;
	struct frame *cur, *prev, *target_last; /* references held */
	struct frame *threads, *threads_prev;	/* the last two thread readings */
	struct store *reader;			/* history queries; NULL until opened */
	char message[256];
	int64_t message_until_ns;
	int body_rows; /* rows of the main panel, for paging */

	enum prompt_kind prompt;
	char jump[64];	       /* text of the "Jump to" prompt */
	char profile_spec[64]; /* text of the "Profile" prompt */

	bool replaying; /* frames come from the store at rp's cursor */
	struct replay rp;
	struct ui_timebar timebar;

	int zoom;	  /* index into the history windows (1m .. 24h) */
	int graph_points; /* values the current screen's graphs show */
	int heap_points;  /* values of the Memory panel's heap graph (0: graph_points) */
	int64_t hist_t1;  /* end of the window the history was loaded for */
	bool hist_stale;  /* zoom or screen changed: reload at the next chance */
};

/* Width of the history window at zoom level z; the number of levels. */
int64_t app_zoom_ms(int z);
int app_zoom_levels(void);

void app_init(struct app *a, const struct tui_config *cfg);
void app_release(struct app *a);
/* Takes over f (a reference) as the newest frame; refreshes derived state. */
void app_take_frame(struct app *a, struct frame *f);
/* Replay: opens the session and shows its first tick. -1 with err. */
int app_replay_open(struct app *a, char *err, size_t errlen);
/* Replay: loads the frames at the cursor (after it moved). */
void app_replay_show(struct app *a);
/* Reloads the history series for the current window and zoom. */
void app_refresh_history(struct app *a);
/* Reloads the alerts as they were at t_ms (the shown frame's time). */
void app_refresh_alerts(struct app *a, int64_t t_ms);
/* Reloads the leaks screen's suspects and regions as they were at t_ms
 * (only while that screen is shown: nothing else draws them). */
void app_refresh_leaks(struct app *a, int64_t t_ms);
/* The time the screens show: live the newest frame's, replay the cursor. */
int64_t app_shown_ms(const struct app *a);
/* Rebuilds the process list from the newest frame, keeping the selection. */
void app_rebuild_list(struct app *a);
/* Shows a transient message in the status line for a few seconds. */
void app_message(struct app *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Clears an expired message; true when the status line must be redrawn. */
bool app_expire_message(struct app *a, int64_t now_ns);

#endif
