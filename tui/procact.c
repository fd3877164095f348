/* SPDX-License-Identifier: MIT */
/*
 * procact: menu, question and outcome of an action on a process (see
 * procact.h). The identity (pid and start time) is taken when the key is
 * pressed, from the row the operator saw; the process is checked against it
 * again only when the answer is yes, by core/proc_action.
 */
#include "tui/procact.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/procfs.h"
#include "tui/shellout.h"

#define KEY_ESC 27

static unsigned disabled(struct app *a)
{
	app_message(a, true, "%s",
		    a->replaying ? "actions are disabled in replay: the recording is "
				   "only read"
				 : "actions are not possible here");
	return REACT_STATUS;
}

/* The process the action is for, into rec; *nice its nice as last shown.
 * false (with a message) when there is none. */
static bool pick(struct app *a, struct proc_action *rec, int *nice)
{
	const struct frame *cur = a->model.cur;
	const struct proc_row *r;

	if (a->screen == UI_TARGET) {
		const struct target_sample *t = cur ? cur->target : NULL;

		if (!t || !t->alive) {
			app_message(a, true, "%s",
				    t ? "the target has exited" : "no process attached");
			return false;
		}
		r = proc_table_find(&cur->procs, t->pid);
		proc_action_init(rec, t->pid, t->start_ticks, t->comm);
	} else {
		if (!a->ov.list.n) {
			app_message(a, true, "no process selected");
			return false;
		}
		r = a->ov.list.entries[a->ov.cur.sel].row;
		proc_action_init(rec, r->pid, r->start_ticks, r->comm);
	}
	*nice = r ? r->nice : 0;
	return true;
}

unsigned procact_signal_menu(struct app *a)
{
	int nice;

	if (a->replaying || !a->cfg.record_action)
		return disabled(a);
	if (!pick(a, &a->act.rec, &nice))
		return REACT_STATUS;
	a->act.stage = ACT_MENU;
	a->act.menu = (struct signal_menu_state){.sel = 0, .pid = a->act.rec.pid};
	snprintf(a->act.menu.comm, sizeof(a->act.menu.comm), "%s", a->act.rec.comm);
	return REACT_BODY | REACT_STATUS;
}

unsigned procact_renice(struct app *a, int delta)
{
	int nice;

	if (a->replaying || !a->cfg.record_action)
		return disabled(a);
	if (!pick(a, &a->act.rec, &nice))
		return REACT_STATUS;
	a->act.stage = ACT_CONFIRM;
	a->act.sig = 0;
	a->act.delta = delta;
	snprintf(a->act.question, sizeof(a->act.question),
		 "renice %d %s from nice %d to %d (%s priority)? y/N ", a->act.rec.pid,
		 a->act.rec.comm, nice, nice + delta, delta < 0 ? "higher" : "lower");
	return REACT_STATUS;
}

/* The menu's choice: on to the question. */
static unsigned choose(struct app *a, int index)
{
	size_t n;
	const struct proc_signal *sig = proc_action_signals(&n);

	if (index < 0 || (size_t)index >= n)
		return REACT_NONE;
	a->act.stage = ACT_CONFIRM;
	a->act.sig = sig[index].number;
	snprintf(a->act.question, sizeof(a->act.question), "send SIG%s to %d %s? y/N ",
		 sig[index].name, a->act.rec.pid, a->act.rec.comm);
	return REACT_BODY | REACT_STATUS;
}

static unsigned menu_key(struct app *a, int key, bool is_char)
{
	size_t n;

	proc_action_signals(&n);
	if (!is_char && key == KEY_UP)
		a->act.menu.sel = a->act.menu.sel > 0 ? a->act.menu.sel - 1 : (int)n - 1;
	else if (!is_char && key == KEY_DOWN)
		a->act.menu.sel = (a->act.menu.sel + 1) % (int)n;
	else if (!is_char && (key == KEY_HOME || key == KEY_END))
		a->act.menu.sel = key == KEY_HOME ? 0 : (int)n - 1;
	else if ((!is_char && key == KEY_ENTER) ||
		 (is_char && (key == '\r' || key == '\n')))
		return choose(a, a->act.menu.sel);
	else if (is_char && key >= '1' && key <= '9')
		return choose(a, key - '1');
	else if ((is_char && (key == KEY_ESC || key == 'q')) ||
		 (!is_char && (key == KEY_F(9) || key == KEY_F(10)))) {
		a->act.stage = ACT_NONE;
		app_message(a, false, "nothing sent");
		return REACT_BODY | REACT_STATUS;
	} else
		return REACT_NONE;
	return REACT_BODY;
}

/* y: do it, record it, say how it went. */
static unsigned run(struct app *a)
{
	struct proc_action *rec = &a->act.rec;
	char text[256];

	if (a->act.sig)
		proc_action_signal(PROCFS_ROOT_DEFAULT, rec, a->act.sig);
	else
		proc_action_renice(PROCFS_ROOT_DEFAULT, rec, a->act.delta);
	a->cfg.record_action(a->cfg.ctx, rec);
	proc_action_describe(rec, text, sizeof(text));
	app_message(a, !rec->ok, "%s", text);
	return REACT_STATUS | REACT_BODY;
}

unsigned procact_key(struct app *a, int key, bool is_char)
{
	if (a->act.stage == ACT_MENU)
		return menu_key(a, key, is_char);
	a->act.stage = ACT_NONE;
	if (is_char && (key == 'y' || key == 'Y'))
		return run(a);
	app_message(a, false, "%s", a->act.sig ? "nothing sent" : "nice unchanged");
	return REACT_STATUS | REACT_BODY;
}

unsigned procact_inspect(struct app *a, const char *tool)
{
	char path[4096], opt[] = "-p", pidtext[16], banner[4400], text[256];
	struct proc_action rec;
	int nice, rc;

	if (a->replaying || !a->cfg.record_action)
		return disabled(a);
	if (!shellout_find(tool, path, sizeof(path))) {
		app_message(a, true, "%s not found: apt-get install %s", tool, tool);
		return REACT_STATUS;
	}
	if (!pick(a, &rec, &nice))
		return REACT_STATUS;
	snprintf(rec.what, sizeof(rec.what), "%s", tool);
	rc = proc_action_identity(PROCFS_ROOT_DEFAULT, &rec, NULL);
	if (rc < 0) {
		app_message(a, true, "%s %d: %s", tool, rec.pid,
			    rc == -ESTALE ? "it is another process now" : strerror(-rc));
		return REACT_STATUS;
	}
	snprintf(pidtext, sizeof(pidtext), "%d", rec.pid);
	snprintf(banner, sizeof(banner), "vigil: %s -p %d (%s)%s", path, rec.pid,
		 rec.comm, strcmp(tool, "strace") ? "" : "; Ctrl-C ends it");
	char *argv[] = {path, opt, pidtext, NULL};
	rec.t_ms = clock_wall_ms();
	rec.ok = shellout_run(argv, banner, rec.result, sizeof(rec.result)) == 0;
	a->cfg.record_action(a->cfg.ctx, &rec);
	snprintf(text, sizeof(text), "%s -p %d: %s", tool, rec.pid, rec.result);
	app_message(a, !rec.ok, "%s", text);
	return REACT_REPAINT | REACT_LAYOUT;
}
