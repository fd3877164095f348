/* SPDX-License-Identifier: MIT */
/*
 * loop: the console's main loop, its windows and its one draw pass.
 *
 * Each iteration: wait on stdin and the wake pipe (frames, signals); take the
 * newest frame from the mailbox; feed every pending key to the keymap and OR
 * the reaction flags into dirty bits; then draw only the dirty panels and
 * push them with one doupdate(). Nothing is drawn anywhere else.
 *
 * The mailbox holds at most one frame: if the UI falls behind, older frames
 * are dropped here (the store writer still has every one of them).
 */
#include "tui/tui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/keymap.h"
#include "tui/mouse.h"
#include "tui/prompt.h"
#include "tui/term.h"
#include "views/bars.h"
#include "views/draw.h"
#include "tui/capture.h"
#include "views/alerts_view.h"
#include "views/cgroup_view.h"
#include "views/profile_view.h"
#include "views/help.h"
#include "views/leaks_view.h"
#include "views/mapping_view.h"
#include "views/memory_view.h"
#include "views/overview.h"
#include "views/ptable.h"
#include "views/signal_menu.h"
#include "views/target_view.h"
#include "views/timebar.h"

#define MIN_COLS 40
#define MIN_ROWS 10

enum dirty {
	D_HEADER = 1u << 0,
	D_BODY = 1u << 1,
	D_STATUS = 1u << 2,
	D_FKEYS = 1u << 3,
	D_ALL = 0xf,
};

struct tui {
	struct app app;
	pthread_mutex_t lock;
	struct frame *mailbox; /* under lock */
	WINDOW *timebar, *header, *body, *status, *fkeys;
	int header_rows, header_want; /* the header's rows, and what it wanted */
	unsigned dirty;
	bool too_small;
	bool first_drawn;
	bool mouse_on; /* what the terminal was last told (app.mouse is the wish) */
};

struct tui *tui_new(const struct tui_config *cfg)
{
	struct tui *t = xcalloc(1, sizeof(*t));

	app_init(&t->app, cfg);
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void tui_set_session(struct tui *t, const char *path, const struct session_meta *meta)
{
	t->app.cfg.session_path = path;
	t->app.cfg.meta = meta;
	t->app.model.meta = meta;
	t->app.model.session_path = t->app.cfg.recording ? path : NULL;
}

void tui_note(struct tui *t, const char *message)
{
	app_message(&t->app, false, "%s", message);
}

void tui_post_frame(struct tui *t, struct frame *f)
{
	struct frame *old;

	pthread_mutex_lock(&t->lock);
	old = t->mailbox;
	t->mailbox = frame_ref(f);
	pthread_mutex_unlock(&t->lock);
	frame_unref(old);
	term_wake();
}

static struct frame *take_mail(struct tui *t)
{
	struct frame *f;

	pthread_mutex_lock(&t->lock);
	f = t->mailbox;
	t->mailbox = NULL;
	pthread_mutex_unlock(&t->lock);
	return f;
}

static void free_windows(struct tui *t)
{
	WINDOW **ws[] = {&t->timebar, &t->header, &t->body, &t->status, &t->fkeys};

	for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
		if (*ws[i])
			delwin(*ws[i]);
		*ws[i] = NULL;
	}
}

/* Values the graphs of the current screen show: history is loaded for them. */
static void graph_points(struct tui *t, int cols)
{
	int per = t->app.cfg.ascii ? 1 : 2;
	int cells = t->app.screen == UI_TARGET	? target_graph_cells(cols)
		    : t->app.screen == UI_LEAKS ? mapping_graph_cells(cols)
						: overview_graph_cells(cols);
	int points = cells * per, heap = memory_graph_cells(cols) * per;

	if ((points != t->app.graph_points && points > 0) ||
	    (heap != t->app.heap_points && heap > 0)) {
		t->app.graph_points = points > 0 ? points : t->app.graph_points;
		t->app.heap_points = heap > 0 ? heap : t->app.heap_points;
		t->app.hist_stale = true;
	}
	/* the screen may draw other parts of the model (a region's history,
	 * the alerts' transitions): the loader loads only what changed */
	app_load(&t->app);
}

static void layout(struct tui *t)
{
	int rows = LINES, cols = COLS, top = 0;

	free_windows(t);
	/* get_wch() refreshes stdscr whenever it has changes of its own (after
	 * initscr and after a resize it has): sync it now, under the panels, so
	 * that refresh never paints a blank stdscr over them */
	erase();
	wnoutrefresh(stdscr);
	t->too_small = rows < MIN_ROWS || cols < MIN_COLS;
	t->dirty = D_ALL;
	if (t->too_small)
		return;
	t->header_rows = 0;
	if (t->app.replaying && t->app.screen != UI_HELP)
		t->timebar = newwin(1, cols, top++, 0);
	if (t->app.screen == UI_OVERVIEW) {
		t->header_want = overview_header_rows(&t->app.model, rows, cols);
		t->header_rows = t->header_want;
		if (t->header_rows > rows - 6 - top)
			t->header_rows = rows - 6 - top;
		t->header = newwin(t->header_rows, cols, top, 0);
		top += t->header_rows;
	}
	t->body = newwin(rows - top - 2, cols, top, 0);
	t->status = newwin(1, cols, rows - 2, 0);
	t->fkeys = newwin(1, cols, rows - 1, 0);
	t->app.body_height = rows - top - 2;
	t->app.body_width = cols;
	graph_points(t, cols);
}

static const struct fkey overview_keys[] = {
	{"F1", "Help "},   {"F4", "Filter "},	 {"F5", "Tree "},
	{"F6", "SortBy "}, {"F7", "Nice- "},	 {"F8", "Nice+ "},
	{"F9", "Kill "},   {"Enter", "Attach "}, {"F10", "Quit "},
};
static const struct fkey target_keys[] = {
	{"F1", "Help   "}, {"F7", "Nice- "}, {"F8", "Nice+ "},	 {"F9", "Kill "},
	{"s", "Strace "},  {"L", "Lsof "},   {"Esc", "Back   "}, {"F10", "Quit   "},
};
static const struct fkey replay_keys[] = {
	{"F1", "Help   "}, {"t/T", "Step   "}, {"Space", "Play   "},
	{"b", "Jump   "},  {"+/-", "Zoom   "}, {"F10", "Quit   "},
};
static const struct fkey alerts_keys[] = {
	{"F1", "Help   "},
	{"A", "Ack    "},
	{"Esc", "Back   "},
	{"F10", "Quit   "},
};
static const struct fkey profile_fkeys[] = {
	{"Tab", "Top/Tree/Flame "}, {"Enter", "Open/Zoom "}, {"s", "Sort "},
	{"<>", "Thread "},	    {"Esc", "Back "},	     {"F10", "Quit "},
};
static const struct fkey leaks_keys_smaps[] = {
	{"F1", "Help   "},  {"Enter", "History "}, {"r", "ReadSmaps "},
	{"Esc", "Back   "}, {"F10", "Quit   "},
};
static const struct fkey leaks_keys[] = {
	{"F1", "Help   "},
	{"Enter", "History "},
	{"Esc", "Back   "},
	{"F10", "Quit   "},
};
static const struct fkey cgroups_keys[] = {
	{"F1", "Help   "},  {"Enter", "Processes "}, {"F6", "SortBy "},
	{"Esc", "Back   "}, {"F10", "Quit   "},
};
static const struct fkey help_keys[] = {
	{"Esc", "Back   "},
	{"F10", "Quit   "},
};

static void draw_body(struct tui *t)
{
	struct app *a = &t->app;
	struct help_line help[40];

	switch (a->screen) {
	case UI_OVERVIEW:
		ptable_draw(t->body, &a->model, &a->ov);
		break;
	case UI_TARGET:
		target_draw(t->body, &a->model, &a->tg);
		break;
	case UI_HELP:
		help_draw(t->body, &a->model, help, keymap_help(a, help, 40));
		break;
	case UI_ALERTS:
		alerts_draw(t->body, &a->model, &a->al);
		break;
	case UI_PROFILE:
		if (a->model.profile)
			profile_view_draw(t->body, a->model.profile, &a->pv,
					  a->cfg.ascii);
		break;
	case UI_PROFILES:
		profile_list_draw(t->body, a->model.profiles, a->model.nprofiles, &a->pv);
		break;
	case UI_LEAKS:
		if (a->lk.history)
			mapping_draw(t->body, &a->model, &a->lk);
		else
			leaks_draw(t->body, &a->model, &a->lk);
		break;
	case UI_CGROUPS:
		cgroup_view_draw(t->body, &a->model, &a->cg);
		break;
	}
	if (a->act.stage == ACT_MENU)
		signal_menu_draw(t->body, &a->act.menu);
	wnoutrefresh(t->body);
}

#define FKEYS(table) (*n = sizeof(table) / sizeof(table[0]), table)

/* The F-key bar of the current screen (drawn, and where clicks land). */
static const struct fkey *current_fkeys(const struct tui *t, size_t *n)
{
	if (t->app.replaying && t->app.screen != UI_HELP)
		return FKEYS(replay_keys);
	switch (t->app.screen) {
	case UI_OVERVIEW:
		return FKEYS(overview_keys);
	case UI_TARGET:
		return FKEYS(target_keys);
	case UI_HELP:
		return FKEYS(help_keys);
	case UI_ALERTS:
		return FKEYS(alerts_keys);
	case UI_PROFILE:
	case UI_PROFILES:
		return FKEYS(profile_fkeys);
	case UI_LEAKS:
		/* r only where it works: live, with a sampler to ask */
		if (t->app.model.can_read_smaps)
			return FKEYS(leaks_keys_smaps);
		return FKEYS(leaks_keys);
	case UI_CGROUPS:
		return FKEYS(cgroups_keys);
	}
	*n = 0;
	return NULL;
}

static void draw_fkeys(struct tui *t)
{
	size_t n;
	const struct fkey *keys = current_fkeys(t, &n);

	fkeys_draw(t->fkeys, keys, n);
	wnoutrefresh(t->fkeys);
}

static void draw(struct tui *t)
{
	if (!t->dirty)
		return;
	if (t->too_small) {
		erase();
		mvprintw(0, 0, "terminal too small: need %dx%d", MIN_COLS, MIN_ROWS);
		wnoutrefresh(stdscr);
	} else {
		if ((t->dirty & D_HEADER) && t->timebar) {
			timebar_draw(t->timebar, &t->app.model);
			wnoutrefresh(t->timebar);
		}
		if ((t->dirty & D_HEADER) && t->header) {
			overview_draw_header(t->header, &t->app.model);
			wnoutrefresh(t->header);
		}
		if (t->dirty & D_BODY)
			draw_body(t);
		if (t->dirty & D_STATUS) {
			prompt_show(&t->app);
			status_draw(t->status, &t->app.model, t->app.screen, &t->app.ov);
			wnoutrefresh(t->status);
		}
		if (t->dirty & D_FKEYS)
			draw_fkeys(t);
	}
	if (t->app.bell) {
		beep();
		t->app.bell = false;
	}
	doupdate();
	t->dirty = 0;
	if (!t->first_drawn && t->app.model.cur) {
		t->first_drawn = true;
		log_debug("first frame drawn %.1f ms after start",
			  (double)(clock_mono_ns() - t->app.cfg.start_ns) / 1e6);
	}
}

static void on_react(struct tui *t, unsigned r)
{
	if (r & REACT_REPAINT) /* another program had the terminal */
		clearok(curscr, TRUE);
	if (r & REACT_REBUILD)
		app_rebuild_list(&t->app);
	if (r & REACT_LAYOUT)
		layout(t);
	if (r & REACT_BODY)
		t->dirty |= D_BODY;
	if (r & REACT_STATUS)
		t->dirty |= D_STATUS;
	if (r & REACT_HEADER)
		t->dirty |= D_HEADER;
}

static void on_frame(struct tui *t, struct frame *f)
{
	int want = t->header_want;

	app_take_frame(&t->app, f);
	t->dirty |= D_HEADER | D_BODY | D_STATUS;
	/* compared with what was wanted, not what fitted: a short terminal
	 * must not lay out again on every frame */
	if (t->app.screen == UI_OVERVIEW &&
	    overview_header_rows(&t->app.model, LINES, COLS) != want)
		layout(t); /* the first frame tells how many cores there are */
}

/*
 * A mouse event: a click on the F-key bar presses its key, one in the main
 * panel goes to tui/mouse with the panel's coordinates, the wheel scrolls
 * wherever it is. Nothing while a prompt is open: keys edit it.
 */
static unsigned on_mouse(struct tui *t)
{
	MEVENT ev;
	int y, x;

	/* off, curses still decodes a mouse sequence that arrives (pasted,
	 * or sent before the terminal heard): drop it */
	if (getmouse(&ev) != OK || !t->mouse_on || t->too_small ||
	    t->app.prompt != PROMPT_NONE)
		return REACT_NONE;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
		return mouse_wheel(&t->app, (ev.bstate & BUTTON4_PRESSED) != 0);
	if (!(ev.bstate & BUTTON1_RELEASED))
		return REACT_NONE;
	if (t->fkeys && wenclose(t->fkeys, ev.y, ev.x)) {
		size_t n;
		const struct fkey *keys = current_fkeys(t, &n);
		long i = fkeys_at(keys, n, ev.x - getbegx(t->fkeys));
		bool is_char;
		int key;

		if (i < 0)
			return REACT_NONE;
		key = fkey_code(keys[i].key, &is_char);
		return keymap_dispatch(&t->app, key, is_char);
	}
	y = ev.y, x = ev.x;
	if (t->body && wmouse_trafo(t->body, &y, &x, FALSE))
		return mouse_click_body(&t->app, y, x);
	return REACT_NONE;
}

/* The terminal reports the mouse only while the console wants it. */
static void apply_mouse(struct tui *t)
{
	if (t->app.mouse != t->mouse_on) {
		t->mouse_on = t->app.mouse;
		term_mouse(t->mouse_on);
	}
}

/* Feeds every pending key to the keymap; false when the user quits. */
static bool read_keys(struct tui *t, int *nkeys)
{
	wint_t ch;
	int rc;

	while ((rc = get_wch(&ch)) != ERR) {
		unsigned r;

		(*nkeys)++;
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			layout(t);
			continue;
		}
		if (rc == KEY_CODE_YES && ch == KEY_MOUSE)
			r = on_mouse(t);
		else
			r = keymap_dispatch(&t->app, (int)ch, rc == OK);
		if (r & REACT_QUIT)
			return false;
		on_react(t, r);
		apply_mouse(t);
	}
	return true;
}

/* How long poll may sleep: until playback's next step or a message expires. */
static int wait_ms(const struct tui *t)
{
	int ms = t->app.replaying ? replay_wait_ms(&t->app.rp) : -1;

	if ((t->app.model.message[0] || capture_running(&t->app)) && (ms < 0 || ms > 500))
		ms = 250;
	return ms;
}

int tui_open_replay(struct tui *t, char *err, size_t errlen)
{
	return app_replay_open(&t->app, err, errlen);
}

int tui_run(struct tui *t)
{
	struct pollfd fds[2];
	bool running = true;

	term_start(t->app.cfg.color);
	apply_mouse(t);
	layout(t);
	fds[0] = (struct pollfd){.fd = 0, .events = POLLIN};
	fds[1] = (struct pollfd){.fd = term_wake_fd(), .events = POLLIN};
	int64_t keys_ns = 0;
	int nkeys = 0;

	while (running) {
		struct frame *f;
		unsigned ev;

		draw(t);
		if (nkeys) /* what a key press costs, read to screen: make bench reads it
			    */
			log_debug("%d key(s) handled and drawn in %.2f ms", nkeys,
				  (double)(clock_mono_ns() - keys_ns) / 1e6);
		nkeys = 0;
		if (poll(fds, 2, wait_ms(t)) < 0 && errno != EINTR)
			fatal("poll failed: %s", strerror(errno));
		ev = term_take_events();
		if (ev & TERM_EV_QUIT)
			break;
		if ((ev & TERM_EV_CHILD) && t->app.cfg.poll_child)
			t->app.cfg.poll_child(t->app.cfg.ctx);
		if ((f = take_mail(t)))
			on_frame(t, f);
		if (t->app.replaying && replay_advance(&t->app.rp, clock_mono_ns())) {
			app_replay_show(&t->app);
			t->dirty |= D_HEADER | D_BODY | D_STATUS;
		}
		keys_ns = clock_mono_ns();
		running = read_keys(t, &nkeys);
		if (app_expire_message(&t->app, clock_mono_ns()))
			t->dirty |= D_STATUS;
		on_react(t, capture_poll(&t->app));
	}
	free_windows(t);
	term_stop();
	return 0;
}

void tui_free(struct tui *t)
{
	if (!t)
		return;
	frame_unref(take_mail(t));
	app_release(&t->app);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
