/* SPDX-License-Identifier: MIT */
/*
 * alerts (cmd): the alert rules wired into a sampling command. Loads the
 * built-in defaults (assets/alerts.conf, compiled in) and the user's file,
 * evaluates every frame on the sampler thread before the frame is published
 * (so its transitions travel with it to the store and the screen), and hands
 * the log: and exec: actions to the action worker's thread (core/
 * action_worker), never running them itself. Actions that failed or were
 * dropped come back as the notices of a later frame. Acknowledgements come
 * from the UI thread and are applied at the next evaluation.
 */
#ifndef VIGIL_CMD_ALERTS_H
#define VIGIL_CMD_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action_worker.h"
#include "core/frame.h"

struct alerts;

/*
 * The rules: the defaults, then path (--alerts) or, without one,
 * $XDG_CONFIG_HOME/vigil/alerts.conf (~/.config/...) when it exists. An
 * unreadable --alerts file is an error: NULL with err. Bad rules are not:
 * they are listed by alerts_errors and counted in note ("12 rules loaded, 1
 * rejected").
 */
struct alerts *alerts_new(const char *path, char *note, size_t notelen, char *err,
			  size_t errlen);
void alerts_free(struct alerts *a);

/*
 * Any thread (the daemon's SIGHUP): the rules of path (or the user's file)
 * with the defaults replace the current ones from the next evaluation on;
 * alerts pending or firing under the old rules start over. A file that
 * cannot be read, or with any rule rejected, changes nothing: -1 with err
 * (the first rejection and the summary). note gets the summary either way.
 */
int alerts_reload(struct alerts *a, const char *path, char *note, size_t notelen,
		  char *err, size_t errlen);

/*
 * For record and live: alerts_new, with every rejected rule and the summary
 * said on stderr ("vigil: FILE:LINE:COL: expected ..."); an unreadable
 * --alerts file ends vigil with exit 1. summary (may be NULL) gets the note.
 */
struct alerts *alerts_load_or_exit(const char *path, char *summary, size_t len);

/* The "file:line:col: expected ..." of every rejected rule; *n set. */
const char *const *alerts_errors(const struct alerts *a, size_t *n);

/*
 * Asks for a profile when a rule with action=profile:DUR fires: called on the
 * sampler thread with the duration and the rule's name.
 */
void alerts_on_profile(struct alerts *a,
		       void (*fn)(void *ctx, int64_t ms, const char *rule), void *ctx);

/*
 * Sampler thread, before f is published: evaluates the rules on f (prev, the
 * frame before, for rates; may be NULL), attaches the transitions to f,
 * queues their actions, and attaches the notices of actions that failed or
 * were dropped since the last call. clk_tck turns CPU ticks into time.
 */
void alerts_eval(struct alerts *a, struct frame *f, const struct frame *prev,
		 long clk_tck);

/* Any thread: log: and exec: actions run, failed and dropped so far. */
void alerts_action_counts(struct alerts *a, struct action_counts *out);

/*
 * Once sampling has stopped: ends the action worker (programs still running
 * are killed, actions not yet run are dropped), so alerts_action_counts then
 * gives the final counts. alerts_free does it too.
 */
void alerts_stop_actions(struct alerts *a);

/* Any thread: acknowledges rule (by name) at the next evaluation. */
void alerts_ack(struct alerts *a, const char *rule);

#endif
