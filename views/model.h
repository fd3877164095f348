/* SPDX-License-Identifier: MIT */
/*
 * model: what the screens draw, and the per-screen view state. A view is a
 * function of (model, view state, window size); it reads the model, never
 * changes it, and never reads /proc or the store itself.
 *
 * The tui fills the model from the latest frames and from the store's query
 * API (history series), whether the frames are live or replayed.
 */
#ifndef VIGIL_VIEWS_MODEL_H
#define VIGIL_VIEWS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/app_rows.h"
#include "store/heap_rows.h"
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
	struct ui_series twait; /* target run-queue wait, % of runnable time */
	struct ui_series tp99;	/* p99 of the busiest StatsD timer, ms */
	struct ui_series tanon; /* target RssAnon + swap history, bytes */
	/* over and under tanon (same slots): its floor line as the leak
	 * analysis sees it, and a JVM's collections (enum graph_mark) */
	struct ui_series tfloor;
	struct ui_marks tgc;
	struct ui_series region; /* the leaks screen's region: anon + swap */
};

struct ui_model {
	const struct frame *cur;  /* latest frame, NULL before the first */
	const struct frame *prev; /* the one before, for rates; may be NULL */
	/* The newest frame in which the target was alive: what the target
	 * screen keeps showing once the process is gone. */
	const struct frame *target_last;
	/* The newest frame at or before cur that carries the target's thread
	 * detail, and the one before it: a process with many threads has it
	 * every few ticks, not every tick. Their t_ms is when each was read.
	 * NULL when there is none. */
	const struct frame *threads, *threads_prev;
	const struct session_meta *meta;
	const struct ui_history *hist;

	const char *session_path; /* NULL when not recording */
	uint64_t session_bytes;
	uint64_t dropped, failed; /* ticks the writer could not store */
	const char *message;	  /* transient status message, or NULL */
	bool message_is_error;

	bool target_started; /* vigil started the target (-- CMD) */
	bool ascii;

	/* A line being edited in the status line ("Filter: ", "Jump to: "), or NULL. */
	const char *prompt_label, *prompt_text;

	/* Alerts at the shown time: each rule's latest transition, the newest
	 * transitions, and how many rules are firing (the status badge). */
	const struct alert_event *alert_states, *alert_recent;
	size_t nalert_states, nalert_recent, alerts_firing;
	/* alert actions (log:, exec:) that failed or were dropped, same window */
	const struct notice *notices;
	size_t nnotices;
	bool can_ack; /* live: acknowledging reaches the rules */

	/* StatsD timers over the graph window and in the shown tick */
	const struct timer_stat *timers_window, *timers_tick;
	size_t ntimers_window, ntimers_tick;
	const char *tp99_name; /* whose p99 hist->tp99 is */
	/* StatsD counters and gauges over the graph window */
	const struct app_value_stat *app_values;
	size_t napp_values;
	struct app_ingest ingest; /* StatsD lines over the window, malformed ones */
	const char *capture_text; /* a profile capture's progress, or NULL */

	/* the leak verdict in force at the shown time (have_leak) */
	bool have_leak;
	struct heap_verdict leak;
	int64_t leak_at_ms;
	/* a JVM target's latest HotSpot reading at the shown time (have_jvm) */
	bool have_jvm;
	struct jvm_sample jvm;

	/* The leaks screen, at the shown time: the suspects stored with the
	 * verdict, and the largest regions of the latest smaps reading (taken
	 * at regions_ms, regions_vmas VMAs; regions_ms 0: none yet). */
	const struct heap_suspect *suspects;
	size_t nsuspects;
	const struct mapping_row *regions;
	size_t nregions;
	int64_t regions_ms;
	uint64_t regions_vmas;
	bool can_read_smaps; /* live, and `r` reaches the sampler */
	/* The open region's readings in the graph window up to the shown
	 * time, oldest first (its graph is hist->region). */
	const struct mapping_point *readings;
	size_t nreadings;

	const struct ui_timebar *timebar; /* replay only; NULL live */
	int64_t zoom_ms;		  /* width of the history graphs */
};

/* Where the replay cursor is, for the time bar. */
struct ui_timebar {
	int64_t first_ms, last_ms, cursor_ms;
	uint64_t index, ticks;
	bool playing, follow;
	double speed;
};

enum ui_screen {
	UI_OVERVIEW,
	UI_TARGET,
	UI_HELP,
	UI_ALERTS,
	UI_PROFILE,
	UI_PROFILES,
	UI_LEAKS
};

struct alerts_state {
	long selected; /* row of alert_states */
};

/* The leaks screen (key l) and its region history (Enter on a region). */
struct leaks_state {
	long selected;	     /* suspects first, then regions */
	long top;	     /* first visible row of the list */
	enum ui_screen back; /* where l was pressed */
	bool history;	     /* showing the region below instead of the list */
	int64_t mapping_id;
	char name[128], kind[8];
};

struct overview_state {
	struct proclist_opts opts;
	struct proclist list; /* rebuilt by the tui when frame or opts change */
	char filter[128];
	long selected;	  /* index into list */
	long top;	  /* first visible row */
	int selected_pid; /* keeps the selection on a process across rebuilds */
};

/* The lower half of the target screen; Tab cycles through them. */
enum target_panel {
	TARGET_PANEL_THREADS,
	TARGET_PANEL_LATENCY,
	TARGET_PANEL_MEMORY,
	TARGET_PANEL_N
};

struct target_state {
	long top; /* first visible row of the panel's table */
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
