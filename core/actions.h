/* SPDX-License-Identifier: MIT */
/*
 * actions: what an alert transition does outside vigil. Two kinds live here,
 * both generic I/O that unit tests can link (cmd/ is only in the binary):
 *
 * - exec: a program started with fork/execve, argv only (no shell, no PATH
 *   search), the alert as one JSON line on stdin and as VIGIL_ALERT_*
 *   environment variables; stdout and stderr go to /dev/null (curses may own
 *   the terminal). It runs in its own process group. The caller never waits:
 *   action_runner_poll() reaps finished children with waitpid(WNOHANG) and
 *   SIGKILLs the whole group of one that outlived the time limit. A failure
 *   (cannot execute, non-zero exit, killed) comes back as a message, never as
 *   a fatal error.
 * - log: one JSON line per transition appended to a file (O_APPEND, created
 *   0600), opened and closed per line so rotation just works.
 *
 * profile: actions are not run here: the integrator starts the profiler.
 *
 * The alert is described by struct action_alert, a flat, borrowed view (core
 * does not know analysis/ types); alert_transition_view() in analysis/alert.h
 * fills one from a transition.
 *
 * Children are reaped by pid, never with waitpid(-1); a SIGCHLD handler that
 * reaps everything would steal them (the result then says "lost").
 * A runner belongs to one thread.
 */
#ifndef VIGIL_CORE_ACTIONS_H
#define VIGIL_CORE_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ACTION_LIMIT_MS_DEFAULT 10000
#define ACTION_RUNNING_MAX_DEFAULT 8
#define ACTION_RESULT_MAX 256

/* An alert transition as actions see it. Every pointer is borrowed. */
struct action_alert {
	const char *rule; /* the rule text */
	const char *name; /* the rule's name */
	const char *metric;
	const char *severity; /* "info", "warning", "critical" */
	const char *state;    /* the new state: "pending", "firing", ... */
	const char *from;     /* the old state */
	double value;	      /* NaN for word values */
	const char *word;     /* NULL or "" for numbers */
	double threshold;     /* NaN for word rules */
	const char *message;
	int64_t t_ms; /* ms since the epoch */
};

/*
 * The alert as one line of JSON (no newline):
 * {"t_ms":..,"rule":..,"name":..,"metric":..,"severity":..,"state":..,
 *  "from":..,"value":number|null,"word":string|null,"threshold":number|null,
 *  "message":..}
 * Returns a string the caller frees.
 */
char *action_alert_json(const struct action_alert *a);

/*
 * Appends action_alert_json(a) and a newline to path in one write (O_APPEND,
 * created 0600) through outfile_append: never through a symlink, never to a
 * FIFO, device or another user's file. Returns 0, or -errno with a message
 * in err.
 */
int action_log_append(const char *path, const struct action_alert *a, char *err,
		      size_t errlen);

struct action_runner;

/*
 * A runner for exec actions: at most max_running children at once (more are
 * refused), each killed limit_ms after it started. Owned by the caller, freed
 * with action_runner_free().
 */
struct action_runner *action_runner_new(int64_t limit_ms, size_t max_running);
/* SIGKILLs every child still running and reaps it (this one call waits). */
void action_runner_free(struct action_runner *r);

/*
 * Starts argv[0] (an absolute path) with argv, the JSON of a on stdin and in
 * the environment, besides the caller's own environment:
 *   VIGIL_ALERT_RULE, _NAME, _METRIC, _SEVERITY, _STATE, _FROM,
 *   _VALUE (the number, or the word for word values), _WORD, _THRESHOLD,
 *   _MESSAGE, _TIME_MS, _JSON
 * now_ms is the caller's clock (monotonic ms is best); poll must use the same.
 * Returns the child's pid once it is started, or -errno with a message in
 * err (not executable, too many running, fork failed). Never waits for it.
 */
int action_runner_exec(struct action_runner *r, char *const argv[],
		       const struct action_alert *a, int64_t now_ms, char *err,
		       size_t errlen);

/* Children started and not yet reaped. */
size_t action_runner_running(const struct action_runner *r);

struct action_result {
	pid_t pid;
	bool ok;			 /* exited with status 0 */
	bool timed_out;			 /* killed at the time limit */
	char message[ACTION_RESULT_MAX]; /* "exec '/x': exited with status 3" */
};

/*
 * Reaps the children that ended (waitpid WNOHANG, never blocks) and SIGKILLs
 * the process group of each that ran limit_ms or longer at now_ms (it is
 * reaped by a later poll). Writes up to cap results to out, one per reaped
 * child, success included; the rest wait for the next poll. Returns how many.
 */
size_t action_runner_poll(struct action_runner *r, int64_t now_ms,
			  struct action_result *out, size_t cap);

#endif
