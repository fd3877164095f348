/* SPDX-License-Identifier: MIT */
/*
 * model: what the screens draw (struct ui_model), and the per-screen view
 * state. A view is a function of (model, view state, window size): it gets
 * both const, never changes them, and never reads /proc or the store itself.
 *
 * The model owns everything it points to and has one release
 * (ui_model_release); tui/loader fills it, for one time, one graph window
 * and one target, from the newest frames and the store's read API, whether
 * the frames are live or replayed. View state is what the user did (screen,
 * list cursors from views/listcursor, panel, zoom); tui/app keeps it valid
 * for the model with the views' own clamp functions.
 */
#ifndef VIGIL_VIEWS_MODEL_H
#define VIGIL_VIEWS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/alert_fold.h"
#include "analysis/gcstats.h"
#include "core/frame.h"
#include "store/app_rows.h"
#include "store/heap_rows.h"
#include "views/cglist.h"
#include "views/listcursor.h"
#include "views/proclist.h"

/* One history series for a graph: values oldest first, newest last. */
struct ui_series {
	double *v;
	size_t n, cap;
};

/* One mark per slot of a history series (views/graph.h enum graph_mark). */
struct ui_marks {
	unsigned char *v;
	size_t n, cap;
};

struct ui_history {
	struct ui_series cpu;	/* system CPU, % of all CPUs */
	struct ui_series mem;	/* memory used, bytes */
	struct ui_series tcpu;	/* target CPU, 100 = one core */
	struct ui_series trss;	/* target RSS, bytes */
	struct ui_series tio;	/* target disk I/O, read + write bytes/s */
	struct ui_series twait; /* target run-queue wait, % of runnable time */
	struct ui_series tp99;	/* p99 of the busiest StatsD timer, ms */
	struct ui_series tanon; /* target RssAnon + swap history, bytes */
	/* over and under tanon (same slots): its floor line as the leak
	 * analysis sees it, and a JVM's or a traced runtime's collections
	 * (enum graph_mark) */
	struct ui_series tfloor;
	struct ui_marks tgc;
	struct ui_series region; /* the leaks screen's region: anon + swap */
};

/* Where the replay cursor is, for the time bar. */
struct ui_timebar {
	int64_t first_ms, last_ms, cursor_ms;
	uint64_t index, ticks;
	bool playing, follow;
	bool closed; /* the recording was ended: last_ms is its end, not a live edge */
	double speed;
};

/* The largest regions the leaks screen lists. */
#define UI_REGIONS_MAX 32

/*
 * What the loader (tui/loader) last loaded, so that a tick that changes
 * nothing it depends on costs no query: the graph window and its widths,
 * the parts loaded (MODEL_WANT_* of tui/loader.h), and the run of ticks of
 * the target the target series belong to. Views ignore it.
 */
struct ui_loaded {
	int64_t t1, window_ms; /* end and width of the history window */
	size_t points, heap_points;
	unsigned want;
	int64_t region_id;
	/* the target of the target series: pid and start time, and the ticks
	 * in [from_ms, to_ms) where it was the target (the rest is masked) */
	int target_pid;
	uint64_t target_start;
	int64_t target_from_ms, target_to_ms;
	/* live: the target of the newest frame that had one, and the time of
	 * its first frame (INT64_MIN for the first target: nothing before) */
	int seen_pid;
	uint64_t seen_start;
	int64_t target_seen_ms;
};

/*
 * The model: everything the screens draw, at one time. It owns all it
 * points to (frame references and arrays), has one release
 * (ui_model_release), and is filled by tui/loader for live and replay
 * alike. Views get it const and never change it.
 */
struct ui_model {
	struct frame *cur;  /* latest frame, NULL before the first */
	struct frame *prev; /* the one before, for rates; NULL: none, or a gap */
	/* The newest frame in which the target was alive: what the target
	 * screen keeps showing once the process is gone. */
	struct frame *target_last;
	/* The newest frame at or before cur that carries the target's thread
	 * detail, and the one before it: a process with many threads has it
	 * every few ticks, not every tick. Their t_ms is when each was read.
	 * NULL when there is none. */
	struct frame *threads, *threads_prev;
	const struct session_meta *meta; /* borrowed from the caller */
	/* history over the graph window; the target's series only for the
	 * current target's own ticks (NaN elsewhere) */
	struct ui_history hist;
	int64_t zoom_ms; /* width of the history graphs */
	/* their window: the first and last ms the graphs cover (replay: around
	 * the cursor, within the recording; live: ending at the newest tick) */
	int64_t hist_from_ms, hist_to_ms;
	/* live: the target's graphs show vigil daemon's rows of it from before
	 * it was attached */
	bool target_recorded;
	/* live: leak is the verdict judged from that recorded history (the
	 * console's own has too few samples yet); recorded_* cache it per
	 * target identity */
	bool leak_recorded;
	struct heap_verdict recorded_leak;
	int recorded_pid;
	uint64_t recorded_start;

	const char *session_path; /* borrowed; NULL when not recording */
	uint64_t session_bytes;
	uint64_t dropped, failed; /* ticks the writer could not store */
	char message[256];	  /* transient status message, "" for none */
	bool message_is_error;

	bool target_started; /* vigil started the target (-- CMD) */
	/* attached to this pid, and no frame of it has arrived yet (the
	 * target screen says so instead of showing the previous one); 0 */
	int attaching_pid;
	bool ascii;

	/* A line being edited in the status line ("Filter: ", "Jump to: ") and
	 * the dim hint its empty line shows, or NULL; all borrowed (static
	 * texts, the prompt's line, views/lineedit). */
	const char *prompt_label, *prompt_hint;
	const struct line_edit *prompt_line;

	/* Alerts at the shown time: each rule's latest transition, the newest
	 * transitions (alerts screen only) and the same folded (a rule's
	 * pending-and-back flaps are one row: analysis/alert_fold, indexes into
	 * alert_recent), how many rules fire unacknowledged (the status badge:
	 * what needs attention) and how many were acknowledged. */
	struct alert_event *alert_states, *alert_recent;
	size_t nalert_states, nalert_recent, alerts_firing, alerts_acked;
	struct alert_fold *alert_folds;
	size_t nalert_folds;
	/* alert actions (log:, exec:) that failed or were dropped, same window
	 * (alerts screen only) */
	struct notice *notices;
	size_t nnotices;
	bool can_ack; /* live: acknowledging reaches the rules */

	/* StatsD timers over the graph window and in the shown tick */
	struct timer_stat *timers_window, *timers_tick;
	size_t ntimers_window, ntimers_tick;
	const char *tp99_name; /* whose p99 hist.tp99 is (in timers_window) */
	/* StatsD counters and gauges over the graph window */
	struct app_value_stat *app_values;
	size_t napp_values;
	struct app_ingest ingest; /* StatsD lines over the window, malformed ones */
	char capture_text[160];	  /* a profile capture's progress, "" for none */

	/* the leak verdict in force at the shown time (have_leak) */
	bool have_leak;
	struct heap_verdict leak;
	int64_t leak_at_ms;
	/* a JVM target's latest HotSpot reading at the shown time (have_jvm) */
	bool have_jvm;
	struct jvm_sample jvm;
	/* a runtime the target is, traced with --gc-trace (have_gc: it has
	 * collections in the graph window, gc_events, oldest first): gc sums
	 * up those in [gc_from_ms, gc_to_ms], the window up to the shown time
	 * and within the target's run */
	bool have_gc;
	char gc_runtime[8]; /* "node", "go" */
	struct gc_pause *gc_events;
	size_t ngc_events;
	struct gc_stats gc;
	int64_t gc_from_ms, gc_to_ms;

	/* The leaks screen, at the shown time: the suspects stored with the
	 * verdict, and the largest regions of the latest smaps reading (taken
	 * at regions_ms, regions_vmas VMAs; regions_ms 0: none yet). */
	struct heap_suspect suspects[HEAP_SUSPECTS_MAX];
	size_t nsuspects;
	struct mapping_row regions[UI_REGIONS_MAX];
	size_t nregions;
	int64_t regions_ms;
	uint64_t regions_vmas;
	bool can_read_smaps; /* live, and `r` reaches the sampler */
	/* The open region's readings in the graph window up to the shown
	 * time, oldest first (its graph is hist.region); nreadings_all with
	 * those after the shown time. */
	struct mapping_point *readings;
	size_t nreadings, nreadings_all;

	/* the profile screen's profile and replay's list of the session's
	 * profiles (query_profiles order) */
	struct profile *profile;
	struct profile_meta *profiles;
	size_t nprofiles;

	bool replay;		   /* the time bar below is shown */
	struct ui_timebar timebar; /* replay only */
	struct ui_loaded loaded;   /* the loader's bookkeeping */
};

/* Drops the model's frame references and frees its arrays; zeroes *m. */
void ui_model_release(struct ui_model *m);

enum ui_screen {
	UI_OVERVIEW,
	UI_TARGET,
	UI_HELP,
	UI_ALERTS,
	UI_PROFILE,
	UI_PROFILES,
	UI_LEAKS,
	UI_CGROUPS
};

/* The cgroup screen (key o). */
struct cgroups_state {
	struct list_cursor cur;
	enum cglist_sort sort;
};

struct alerts_state {
	struct list_cursor cur; /* over alert_states, active ones first */
};

/* The leaks screen (key l) and its region history (Enter on a region). */
struct leaks_state {
	/* sel: a row, suspects first, then regions; top: the first visible
	 * line (the list has headings between its rows) */
	struct list_cursor cur;
	enum ui_screen back; /* where l was pressed */
	bool history;	     /* showing the region below instead of the list */
	int64_t mapping_id;
	char name[128], kind[8];
};

struct overview_state {
	struct proclist_opts opts;
	struct proclist list; /* rebuilt by the tui when frame or opts change */
	char filter[128];
	struct list_cursor cur; /* over list */
	int selected_pid;	/* keeps the selection on a process across rebuilds */
	int hscroll;		/* COMMAND text columns scrolled off to the left */
	/* Enter on the cgroup screen: only the processes of this cgroup and
	 * those below it ("": every process) */
	char cgroup[512];
};

/* The lower half of the target screen; Tab cycles through them. */
enum target_panel {
	TARGET_PANEL_THREADS,
	TARGET_PANEL_LATENCY,
	TARGET_PANEL_MEMORY,
	TARGET_PANEL_N
};

struct target_state {
	struct list_cursor scroll; /* the panel's thread table (no selection) */
	enum target_panel panel;
};

/* One line of the help screen: keys and what they do. */
struct help_line {
	const char *keys;
	const char *what;
};

/*
 * The thread detail to show beside target sample t: the newest reading of
 * the same process in *now and the one before it in *before (NULL when there
 * is none, so rates are unknown), *dt_s seconds apart; *age_s is how old
 * *now is at the shown tick. Returns false when there is no reading.
 */
static inline bool ui_threads_of(const struct ui_model *m, const struct target_sample *t,
				 const struct target_sample **now,
				 const struct target_sample **before, double *dt_s,
				 double *age_s)
{
	const struct target_sample *n = m->threads ? m->threads->target : NULL;
	const struct target_sample *b = m->threads_prev ? m->threads_prev->target : NULL;

	*now = *before = NULL;
	*dt_s = *age_s = 0;
	if (!n || !n->threads || n->pid != t->pid || n->start_ticks != t->start_ticks)
		return false;
	*now = n;
	*age_s = m->cur && m->cur->t_ms > m->threads->t_ms
			 ? (double)(m->cur->t_ms - m->threads->t_ms) / 1000.0
			 : 0;
	if (b && b->threads && b->pid == n->pid && b->start_ticks == n->start_ticks &&
	    m->threads->t_ms > m->threads_prev->t_ms) {
		*before = b;
		*dt_s = (double)(m->threads->t_ms - m->threads_prev->t_ms) / 1000.0;
	}
	return true;
}

#endif
