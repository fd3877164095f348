/* SPDX-License-Identifier: MIT */
/*
 * keymap: every key of the console in one const table: the keys, the screens
 * where they work, the action, and the help text (the help screen is drawn
 * from this table). Actions change app state and return REACT_* flags; they
 * never draw.
 */
#include "tui/keymap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/capture.h"
#include "tui/cgscreen.h"
#include "tui/procact.h"
#include "tui/timekeys.h"
#include "tui/prompt.h"
#include "views/alerts_view.h"
#include "views/cgroup_view.h"
#include "views/leaks_view.h"
#include "views/profile_view.h"
#include "views/ptable.h"
#include "views/target_view.h"

#define KEY_ESC 27
#define CTRL(c) ((c)&0x1f)

enum {
	ON_OVERVIEW = 1u << UI_OVERVIEW,
	ON_TARGET = 1u << UI_TARGET,
	ON_HELP = 1u << UI_HELP,
	ON_ALERTS = 1u << UI_ALERTS,
	ON_PROFILE = 1u << UI_PROFILE,
	ON_PROFILES = 1u << UI_PROFILES,
	ON_LEAKS = 1u << UI_LEAKS,
	ON_CGROUPS = 1u << UI_CGROUPS
};
#define ON_ALL                                                                           \
	(ON_OVERVIEW | ON_TARGET | ON_HELP | ON_ALERTS | ON_PROFILE | ON_PROFILES |      \
	 ON_LEAKS | ON_CGROUPS)
#define ON_DATA (ON_OVERVIEW | ON_TARGET | ON_ALERTS | ON_LEAKS | ON_CGROUPS)

/* Which console a key belongs to: some keys mean time in replay (t, Home). */
enum { LIVE = 1u << 0, REPLAY = 1u << 1, BOTH = LIVE | REPLAY };

struct binding {
	int keys[24]; /* 0-terminated */
	unsigned screens;
	unsigned modes;
	unsigned (*act)(struct app *a, int key, int arg);
	const char *keys_text;
	const char *help;
	int arg; /* for act: a PROFILE_ACT_* on the profile screen */
};

static unsigned act_quit(struct app *a, int key, int arg)
{
	(void)arg;
	(void)a, (void)key;
	return REACT_QUIT;
}

static unsigned act_help(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	if (a->screen == UI_HELP) {
		a->screen = a->back;
	} else {
		a->back = a->screen;
		a->screen = UI_HELP;
	}
	return REACT_LAYOUT;
}

static unsigned act_back(struct app *a, int key, int arg);
static unsigned leaks_back(struct app *a, int key, int arg);

static unsigned act_alerts(struct app *a, int key, int arg)
{
	(void)arg;
	if (a->screen == UI_ALERTS)
		return act_back(a, key, 0);
	a->back = a->screen;
	a->screen = UI_ALERTS;
	return REACT_LAYOUT;
}

/* A on the alerts screen: acknowledge the selected firing alert. */
static unsigned act_ack(struct app *a, int key, int arg)
{
	const struct alert_event *e = NULL;
	long k = 0;

	(void)key, (void)arg;
	/* the same order the screen draws: active ones first */
	for (size_t i = 0; i < a->model.nalert_states && !e; i++)
		if (alerts_state_active(a->model.alert_states[i].state) &&
		    k++ == a->al.cur.sel)
			e = &a->model.alert_states[i];
	if (!e || strcmp(e->state, "firing") != 0 || !a->cfg.ack) {
		app_message(a, true, "%s",
			    e ? "only a firing alert can be acknowledged"
			      : "no alert selected");
		return REACT_STATUS;
	}
	a->cfg.ack(a->cfg.ctx, e->rule);
	app_message(a, false, "acknowledged '%s'", e->rule);
	return REACT_STATUS;
}

static unsigned act_back(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	if (capture_running(a))
		return capture_cancel(a);
	if (a->screen == UI_PROFILE || a->screen == UI_PROFILES)
		return a->screen == UI_PROFILES
			       ? capture_list_back(a)
			       : capture_act(a, PROFILE_ACT_BACK); /* the flame graph
								      zooms out first */
	if (a->screen == UI_HELP || a->screen == UI_ALERTS) {
		a->screen = a->back == UI_ALERTS || a->back == UI_HELP ? UI_OVERVIEW
								       : a->back;
		return REACT_LAYOUT;
	}
	if (a->screen == UI_TARGET) {
		a->screen = UI_OVERVIEW;
		return REACT_LAYOUT;
	}
	if (a->screen == UI_LEAKS)
		return leaks_back(a, key, 0);
	if (a->screen == UI_CGROUPS)
		return cgscreen_toggle(a, key, 0);
	if (a->ov.cgroup[0]) { /* Esc after Enter on a cgroup: every process */
		a->ov.cgroup[0] = '\0';
		return REACT_REBUILD | REACT_BODY | REACT_STATUS;
	}
	if (a->ov.filter[0]) { /* Esc on the overview clears the filter, as in htop */
		a->ov.filter[0] = '\0';
		return REACT_REBUILD | REACT_BODY | REACT_STATUS;
	}
	return REACT_NONE;
}

/* l: the leak suspects screen, as at the time shown (again: back). */
static unsigned act_leaks(struct app *a, int key, int arg)
{
	(void)arg;
	if (a->screen == UI_LEAKS)
		return leaks_back(a, key, 0);
	a->lk.back = a->screen;
	a->lk.history = false;
	a->lk.cur = (struct list_cursor){0, 0};
	a->screen = UI_LEAKS; /* the layout loads the model for it */
	return REACT_LAYOUT;
}

/*
 * Esc, Backspace, q (and l) on the leaks screen: from a region's history
 * back to the list; from the list back to where l was pressed (q quits).
 */
static unsigned leaks_back(struct app *a, int key, int arg)
{
	(void)arg;
	if (a->lk.history) {
		a->lk.history = false;
		a->hist_stale = true;
		return REACT_LAYOUT;
	}
	if (key == 'q')
		return REACT_QUIT;
	a->screen = a->lk.back == UI_HELP || a->lk.back == UI_LEAKS ? UI_OVERVIEW
								    : a->lk.back;
	return REACT_LAYOUT;
}

/* Enter on the leaks screen: the selected region's history. */
static unsigned act_leaks_enter(struct app *a, int key, int arg)
{
	const char *kind = "", *name;
	int64_t id = 0;

	(void)key, (void)arg;
	if (a->lk.history)
		return REACT_NONE;
	name = leaks_row_region(&a->model, a->lk.cur.sel, &id, &kind);
	if (!name || id <= 0) {
		app_message(a, false, "the process has no region history: pick a region");
		return REACT_STATUS;
	}
	a->lk.history = true;
	a->lk.mapping_id = id;
	snprintf(a->lk.name, sizeof(a->lk.name), "%s", name);
	snprintf(a->lk.kind, sizeof(a->lk.kind), "%s", kind);
	a->hist_stale = true;
	return REACT_LAYOUT; /* the layout reloads the history at the graph's width */
}

/* r on the leaks screen (live): read the target's smaps now. */
static unsigned act_read_smaps(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	if (!a->cfg.read_smaps || !a->model.cur || !a->model.cur->target) {
		app_message(a, true, "%s",
			    a->cfg.read_smaps ? "no process attached"
					      : "smaps cannot be read from here");
		return REACT_STATUS;
	}
	a->cfg.read_smaps(a->cfg.ctx);
	app_message(a, false, "smaps requested: the regions arrive with a later tick");
	return REACT_STATUS;
}

static unsigned act_attach(struct app *a, int key, int arg)
{
	const struct frame *cur = a->model.cur;
	char err[256] = "";
	int pid;

	(void)key, (void)arg;
	if (!a->ov.list.n)
		return REACT_NONE;
	pid = a->ov.list.entries[a->ov.cur.sel].row->pid;
	if (cur && cur->target && cur->target->pid == pid &&
	    (cur->target->alive || a->replaying)) {
		a->screen = UI_TARGET;
		return REACT_LAYOUT;
	}
	if (a->replaying) {
		app_message(a, true, "the recording has details only for its target%s",
			    cur && cur->target ? "" : ", and it has none");
		return REACT_STATUS;
	}
	if (!a->cfg.attach || a->cfg.attach(a->cfg.ctx, pid, err, sizeof(err)) < 0) {
		app_message(a, true, "cannot attach to pid %d: %s", pid,
			    a->cfg.attach ? err : "not possible here");
		return REACT_STATUS;
	}
	app_forget_target(a, pid);
	a->screen = UI_TARGET;
	if (err[0]) /* attached, but some of its figures will be missing */
		app_message(a, true, "%s", err);
	else
		app_message(a, false,
			    "attached to pid %d: first figures at the next tick", pid);
	return REACT_LAYOUT;
}

static unsigned act_filter(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	return prompt_open(a, PROMPT_FILTER);
}

static unsigned act_profile(struct app *a, int key, int arg)
{
	(void)arg;
	if (a->replaying)
		return capture_open_list(a);
	if (key == 'P') /* ask for duration, rate and mode */
		return prompt_open(a, PROMPT_PROFILE);
	return capture_start(a, NULL);
}

/* An allocation profile: the bytes the target left live, by call stack. */
static unsigned act_alloc_profile(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	return prompt_open(a, PROMPT_LIVE); /* it costs the target: asked first */
}

static unsigned act_profile_screen(struct app *a, int key, int arg)
{
	(void)key;
	return capture_act(a, (enum profile_action)arg);
}

static unsigned act_panel(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	a->tg.panel = (a->tg.panel + 1) % TARGET_PANEL_N;
	a->tg.scroll = (struct list_cursor){0, 0};
	return REACT_BODY;
}

/* How far a movement key goes in a list showing visible rows at once. */
static long step_of(int key, long visible)
{
	long page = visible > 1 ? visible - 1 : 1;

	switch (key) {
	case KEY_UP:
	case 'k':
		return -1;
	case KEY_DOWN:
	case 'j':
		return 1;
	case KEY_PPAGE:
		return -page;
	case KEY_NPAGE:
		return page;
	case KEY_HOME: /* live only: in replay they move time */
		return LIST_CURSOR_HOME;
	case KEY_END:
		return LIST_CURSOR_END;
	}
	return 0;
}

static unsigned act_move(struct app *a, int key, int arg)
{
	int rows = a->body_height;
	long n, visible;

	(void)arg;
	switch (a->screen) {
	case UI_TARGET: /* the panel's table scrolls: it has no selection */
		target_table_size(&a->model, &a->tg, rows, a->body_width, &n, &visible);
		list_cursor_scroll(&a->tg.scroll, step_of(key, visible), n, visible);
		break;
	case UI_ALERTS:
		visible = alerts_list_rows(rows);
		list_cursor_move(&a->al.cur, step_of(key, visible),
				 (long)a->model.nalert_states, visible);
		break;
	case UI_LEAKS: /* rows and headings: the view keeps it in view */
		if (a->lk.history)
			return REACT_NONE; /* one region: nothing to select */
		n = leaks_rows(&a->model);
		a->lk.cur.sel =
			list_clamp(a->lk.cur.sel + step_of(key, rows - 5), 0, n - 1);
		if (key == KEY_HOME || key == KEY_END)
			a->lk.cur.sel = key == KEY_HOME ? 0 : (n > 0 ? n - 1 : 0);
		leaks_clamp(&a->model, &a->lk, rows);
		break;
	case UI_CGROUPS:
		return cgscreen_move(a, step_of(key, cgroup_view_rows(rows)));
	default:
		visible = ptable_body_rows(rows);
		list_cursor_move(&a->ov.cur, step_of(key, visible), (long)a->ov.list.n,
				 visible);
		if (a->ov.list.n)
			a->ov.selected_pid = a->ov.list.entries[a->ov.cur.sel].row->pid;
		break;
	}
	return REACT_BODY;
}

/* The list of a session's profiles (replay). */
static unsigned act_profiles_move(struct app *a, int key, int arg)
{
	(void)arg;
	return capture_list_move(a, step_of(key, profile_list_rows(a->body_height)));
}

static unsigned act_profiles_open(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	return capture_open_selected(a);
}

static void set_sort(struct app *a, enum proclist_sort s)
{
	a->ov.opts.sort = s;
	a->ov.opts.descending = proclist_sort_descending(s);
}

static unsigned act_sort(struct app *a, int key, int arg)
{
	(void)arg;
	switch (key) {
	case 'P':
		set_sort(a, PROCLIST_SORT_CPU);
		break;
	case 'M':
		set_sort(a, PROCLIST_SORT_MEM);
		break;
	case 'N':
		set_sort(a, PROCLIST_SORT_PID);
		break;
	case 'C':
		set_sort(a, PROCLIST_SORT_NAME);
		break;
	case 'I':
		a->ov.opts.descending = !a->ov.opts.descending;
		break;
	default:
		set_sort(a, (a->ov.opts.sort + 1) % PROCLIST_SORT_N);
		break; /* F6 */
	}
	return REACT_REBUILD | REACT_BODY | REACT_STATUS;
}

static unsigned act_tree(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	a->ov.opts.tree = !a->ov.opts.tree;
	return REACT_REBUILD | REACT_BODY | REACT_STATUS;
}

/* k F9, F7 F8, s, l L: htop's actions on the selected process (tui/procact). */
static unsigned act_process(struct app *a, int key, int arg)
{
	(void)arg;
	switch (key) {
	case KEY_F(7):
	case KEY_F(8):
		return procact_renice(a, key == KEY_F(7) ? -1 : +1);
	case 's':
		return procact_inspect(a, "strace");
	case 'l':
	case 'L':
		return procact_inspect(a, "lsof");
	default:
		return procact_signal_menu(a);
	}
}

/* c: COMMAND shows program names or whole command lines (C sorts by it). */
static unsigned act_command(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	a->ov.opts.command =
		a->ov.opts.command == CMDTEXT_FULL ? CMDTEXT_NAME : CMDTEXT_FULL;
	a->ov.hscroll = 0;
	return REACT_REBUILD | REACT_BODY | REACT_STATUS;
}

/* Left, Right: scroll the COMMAND column, until the longest one's end shows. */
static unsigned act_hscroll(struct app *a, int key, int arg)
{
	int step = 8, shown = a->body_width - PTABLE_COMMAND_X, to;
	int most = ptable_command_width(&a->ov) - (shown > 1 ? shown : 1);

	(void)arg;
	to = a->ov.hscroll + (key == KEY_LEFT ? -step : step);
	to = (int)list_clamp(to, 0, most > 0 ? most : 0);
	if (to == a->ov.hscroll)
		return REACT_NONE;
	a->ov.hscroll = to;
	return REACT_BODY;
}

/* m: mouse on or off (the loop tells the terminal). */
static unsigned act_mouse(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	a->mouse = !a->mouse;
	if (a->mouse)
		app_message(a, false, "%s",
			    "mouse on: click selects and sorts, wheel scrolls (m: off)");
	else
		app_message(a, false, "%s",
			    "mouse off: the terminal selects text again (m: on)");
	return REACT_STATUS;
}

/* A key of the profile screen and the view's action for it. */
#define PV(action, ...)                                                                  \
	{                                                                                \
		{__VA_ARGS__, 0}, ON_PROFILE, BOTH, act_profile_screen, "", NULL, action \
	}

static const struct binding bindings[] = {
	/* the leaks screen's own Esc/q first: in a region's history they go back */
	{{KEY_ESC, 'q', KEY_BACKSPACE, 127, CTRL('h'), 0},
	 ON_LEAKS,
	 BOTH,
	 leaks_back,
	 "Esc q",
	 NULL,
	 0},
	{{'\r', '\n', KEY_ENTER, 0}, ON_LEAKS, BOTH, act_leaks_enter, "Enter", NULL, 0},
	/* selection, not time, on the leaks screen */
	{{KEY_HOME, KEY_END, 0}, ON_LEAKS, REPLAY, act_move, "Home End", NULL, 0},
	/* q on the help screen goes back, as its last line says; F10 quits */
	{{'q', 0}, ON_HELP, BOTH, act_help, "q", NULL, 0},
	{{'q', KEY_F(10), 0}, ON_ALL, BOTH, act_quit, "q F10", "quit", 0},
	{{'h', '?', KEY_F(1), 0},
	 ON_ALL,
	 BOTH,
	 act_help,
	 "h ? F1",
	 "this help (again: back)",
	 0},
	{{KEY_ESC, 0},
	 ON_ALL,
	 BOTH,
	 act_back,
	 "Esc",
	 "back; on the overview: clear the filter",
	 0},
	{{'\r', '\n', KEY_ENTER, 0},
	 ON_OVERVIEW,
	 BOTH,
	 act_attach,
	 "Enter",
	 "attach to the selected process and show it",
	 0},
	{{'/', KEY_F(4), KEY_F(3), 0},
	 ON_OVERVIEW,
	 BOTH,
	 act_filter,
	 "/ F3 F4",
	 "filter by name, cmdline, user or pid; Esc clears",
	 0},
	/* htop's k is kill on the process table and the target screen: j and k
	 * move only on the alerts and leaks lists */
	{{'k', KEY_F(9), 0},
	 ON_OVERVIEW | ON_TARGET,
	 BOTH,
	 act_process,
	 "k F9 F7 F8",
	 "signal the selected process; renice it -1, +1 (asks)",
	 0},
	{{KEY_F(7), KEY_F(8), 0},
	 ON_OVERVIEW | ON_TARGET,
	 BOTH,
	 act_process,
	 "",
	 NULL,
	 0},
	{{'s', 0},
	 ON_OVERVIEW | ON_TARGET,
	 BOTH,
	 act_process,
	 "s l L",
	 "strace, lsof it in the terminal (target: L; l: leaks)",
	 0},
	/* l is lsof on the live process table, as in htop; elsewhere l stays
	 * the leaks screen, and L is lsof wherever there is a process */
	{{'l', 'L', 0}, ON_OVERVIEW, LIVE, act_process, "l L", NULL, 0},
	{{'L', 0}, ON_OVERVIEW | ON_TARGET, BOTH, act_process, "L", NULL, 0},
	{{KEY_UP, KEY_DOWN, 0},
	 ON_DATA,
	 BOTH,
	 act_move,
	 "Up Down",
	 "move the selection (target screen: scroll)",
	 0},
	{{'k', 'j', 0}, ON_ALERTS | ON_LEAKS, BOTH, act_move, "j k", NULL, 0},
	{{KEY_PPAGE, KEY_NPAGE, 0}, ON_DATA, BOTH, act_move, "PgUp PgDn", "page", 0},
	{{'a', 0},
	 ON_DATA,
	 BOTH,
	 act_alerts,
	 "a",
	 "alerts, as at the time shown (there A acknowledges)",
	 0},
	{{'A', 0}, ON_ALERTS, LIVE, act_ack, "A", NULL, 0},
	{{'l', 0},
	 ON_DATA,
	 BOTH,
	 act_leaks,
	 "l",
	 "leak suspects and regions (Enter: history; r: read smaps)",
	 0},
	{{'r', 0}, ON_LEAKS, LIVE, act_read_smaps, "r", NULL, 0}, /* said by l */
	{{'p', 'P', 0},
	 ON_TARGET,
	 LIVE,
	 act_profile,
	 "p P",
	 "profile the target 5s (P asks: DURATION HZ cpu|wall|alloc|live)",
	 0},
	{{'M', 0},
	 ON_TARGET,
	 LIVE,
	 act_alloc_profile,
	 "M",
	 "live bytes per call stack, 5s of uprobes (asks first)",
	 0},
	{{'p', 0},
	 ON_OVERVIEW | ON_TARGET,
	 REPLAY,
	 act_profile,
	 "p",
	 "the session's profiles",
	 0},
	/* the profile screen: keys to the view's actions (Esc unzooms a flame
	 * graph first, through act_back); its own key bar says them */
	PV(PROFILE_ACT_NEXT_TAB, '\t'),
	PV(PROFILE_ACT_PREV_TAB, KEY_BTAB),
	PV(PROFILE_ACT_TAB_TOP, '1'),
	PV(PROFILE_ACT_TAB_TREE, '2'),
	PV(PROFILE_ACT_TAB_FLAME, '3'),
	PV(PROFILE_ACT_UP, KEY_UP, 'k'),
	PV(PROFILE_ACT_DOWN, KEY_DOWN, 'j'),
	PV(PROFILE_ACT_LEFT, KEY_LEFT),
	PV(PROFILE_ACT_RIGHT, KEY_RIGHT),
	PV(PROFILE_ACT_PAGE_UP, KEY_PPAGE),
	PV(PROFILE_ACT_PAGE_DOWN, KEY_NPAGE),
	PV(PROFILE_ACT_HOME, KEY_HOME),
	PV(PROFILE_ACT_END, KEY_END),
	PV(PROFILE_ACT_ENTER, '\r', '\n', KEY_ENTER),
	PV(PROFILE_ACT_SORT_NEXT, 's', KEY_F(6)),
	PV(PROFILE_ACT_THREAD_NEXT, '>'),
	PV(PROFILE_ACT_THREAD_PREV, '<'),
	PV(PROFILE_ACT_ZOOM_UP, KEY_BACKSPACE, 127, CTRL('h')),
	/* replay's list of profiles */
	{{KEY_UP, KEY_DOWN, 'k', 'j', KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, 0},
	 ON_PROFILES,
	 BOTH,
	 act_profiles_move,
	 "arrows",
	 NULL,
	 0},
	{{'\r', '\n', KEY_ENTER, 0},
	 ON_PROFILES,
	 BOTH,
	 act_profiles_open,
	 "Enter",
	 NULL,
	 0},
	{{'\t', 0},
	 ON_TARGET,
	 BOTH,
	 act_panel,
	 "Tab",
	 "target screen: next panel (threads, latency, memory)",
	 0},
	{{KEY_HOME, KEY_END, 0}, ON_DATA, LIVE, act_move, "Home End", "first, last", 0},
	{{'o', 0},
	 ON_OVERVIEW | ON_TARGET | ON_CGROUPS,
	 BOTH,
	 cgscreen_toggle,
	 "o",
	 "cgroups: CPU, memory, IO, pressure, throttling (Enter: processes)",
	 0},
	{{'\r', '\n', KEY_ENTER, 0}, ON_CGROUPS, BOTH, cgscreen_enter, "Enter", NULL, 0},
	{{'P', 'M', 'I', KEY_F(6), 0},
	 ON_CGROUPS,
	 BOTH,
	 cgscreen_sort,
	 "P M F6 I",
	 "cgroups: sort by CPU, memory, next column, name",
	 0},
	{{'O', 0},
	 ON_OVERVIEW,
	 BOTH,
	 cgscreen_column,
	 "O",
	 "CGROUP column on/off (the unit, container or pod)",
	 0},
	{{'P', 'M', 'N', 'C', 0},
	 ON_OVERVIEW,
	 BOTH,
	 act_sort,
	 "P M N C",
	 "sort by CPU, memory, pid, COMMAND as shown",
	 0},
	{{'c', 0},
	 ON_OVERVIEW,
	 BOTH,
	 act_command,
	 "c",
	 "COMMAND: program names / full command lines",
	 0},
	{{KEY_LEFT, KEY_RIGHT, 0},
	 ON_OVERVIEW,
	 BOTH,
	 act_hscroll,
	 "Left Right",
	 "scroll the COMMAND column",
	 0},
	{{'m', 0},
	 ON_ALL,
	 BOTH,
	 act_mouse,
	 "m",
	 "mouse on/off (off: the terminal selects text)",
	 0},
	{{KEY_F(6), 'I', 0},
	 ON_OVERVIEW,
	 BOTH,
	 act_sort,
	 "F6 I",
	 "next sort column; invert order",
	 0},
	{{'t', KEY_F(5), 0},
	 ON_OVERVIEW,
	 LIVE,
	 act_tree,
	 "t F5",
	 "process tree on/off",
	 0},
	{{KEY_F(5), 0}, ON_OVERVIEW, REPLAY, act_tree, "F5", "process tree on/off", 0},
	{{'+', '=', '-', 0},
	 ON_DATA,
	 BOTH,
	 timekeys_zoom,
	 "+ -",
	 "zoom the graphs: 1m 5m 15m 1h 6h 24h",
	 0},
	{{'t', 'T', 0},
	 ON_DATA,
	 REPLAY,
	 timekeys_time,
	 "t T",
	 "next, previous sample",
	 0},
	{{' ', '[', ']', 0},
	 ON_DATA,
	 REPLAY,
	 timekeys_time,
	 "Space [ ]",
	 "play/pause; slower, faster (0.25x .. 64x)",
	 0},
	{{KEY_HOME, KEY_END, 'g', 'G', 0},
	 ON_DATA,
	 REPLAY,
	 timekeys_time,
	 "Home End g G",
	 "first; last, following a file still being written",
	 0},
	{{'b', 0},
	 ON_DATA,
	 REPLAY,
	 timekeys_jump,
	 "b",
	 "jump to a time: 03:12, 03:12:30, -5m, +30s, start, end",
	 0},
	{{'b', 0},
	 ON_DATA,
	 LIVE,
	 timekeys_past,
	 "b",
	 "back into vigil daemon's history (End: live again)",
	 0},
};

unsigned keymap_dispatch(struct app *a, int key, bool is_char)
{
	unsigned mode = a->replaying ? REPLAY : LIVE;

	if (a->prompt != PROMPT_NONE)
		return prompt_key(a, key, is_char);
	if (a->act.stage != ACT_NONE)
		return procact_key(a, key, is_char);
	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
		const struct binding *b = &bindings[i];

		if (!(b->screens & (1u << a->screen)) || !(b->modes & mode))
			continue;
		for (const int *k = b->keys; *k; k++)
			if (*k == key && (is_char == (*k < KEY_MIN)))
				return b->act(a, key, b->arg);
	}
	/* on the help screen any other key goes back, like less's q */
	if (a->screen == UI_HELP)
		return act_help(a, key, 0);
	return REACT_NONE;
}

size_t keymap_help(const struct app *a, struct help_line *out, size_t max)
{
	unsigned mode = a->replaying ? REPLAY : LIVE;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]) && n < max; i++)
		if ((bindings[i].modes & mode) &&
		    bindings[i].help) /* NULL: said elsewhere */
			out[n++] = (struct help_line){bindings[i].keys_text,
						      bindings[i].help};
	return n;
}
