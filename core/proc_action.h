/* SPDX-License-Identifier: MIT */
/*
 * proc_action: what an operator does to a process from the console (htop's
 * kill and renice, and looking at it with strace or lsof), and the record of
 * it that goes into the session.
 *
 * Invariants:
 * - A process is named by its identity, pid and start time (stat field 22,
 *   clock ticks since boot), as the process table shows it. Before anything
 *   is sent, <root>/PID/stat is read again: when the pid is gone or now
 *   belongs to a process that started at another time (the pid was reused),
 *   nothing is sent and the record says so. A signal goes through a pidfd
 *   taken before that read, so no pid reuse can slip in between; renice has
 *   no pidfd form, which leaves microseconds between the read and
 *   setpriority(2).
 * - The functions here only do the syscall and fill the record; they never
 *   print and never touch the store. Whoever calls them (the console, on its
 *   main thread) hands the record to the session's writer.
 */
#ifndef VIGIL_CORE_PROC_ACTION_H
#define VIGIL_CORE_PROC_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

#define PROC_ACTION_RESULT_MAX 160

/* One thing done to one process, as stored (the proc_actions table). */
struct proc_action {
	int64_t t_ms;	      /* when it was done, ms since the epoch */
	char what[16];	      /* "signal" "renice" "strace" "lsof" */
	char detail[32];      /* "SIGTERM", "nice 0 -> 1", "" */
	int pid;	      /* with start_ticks: the process's identity */
	uint64_t start_ticks; /* as the process table showed it */
	char comm[FRAME_COMM_MAX];
	bool ok;			     /* it was done */
	char result[PROC_ACTION_RESULT_MAX]; /* "ok" or why not */
};

/* A signal the console offers, by its name without "SIG". */
struct proc_signal {
	int number;
	const char *name; /* "TERM" */
	const char *what; /* "terminate (ask to exit)" */
};

/* The signals offered, most used first (TERM first: the default). */
const struct proc_signal *proc_action_signals(size_t *n);

/* Fills the identity part of a (pid, start time, comm) and zeroes the rest. */
void proc_action_init(struct proc_action *a, int pid, uint64_t start_ticks,
		      const char *comm);

/*
 * Reads <root>/PID/stat and checks it is still the process a names. 0 when it
 * is (*nice gets its nice value unless NULL); -ESRCH when no process has the
 * pid; -ESTALE when another one has it now; another -errno when stat cannot
 * be read.
 */
int proc_action_identity(const char *root, const struct proc_action *a, int *nice);

/*
 * Checks the identity, then sends sig to a's pid. Fills a's t_ms, what,
 * detail, ok and result ("ok", "No such process", "Operation not
 * permitted", "pid 1234 is another process now: nothing sent"). Returns 0
 * when sent, else -errno (-ESTALE: the pid was reused).
 */
int proc_action_signal(const char *root, struct proc_action *a, int sig);

/*
 * Checks the identity, then moves the process's nice value by delta (-1:
 * higher priority), clamped to -20..19, for each of its threads (Linux keeps
 * a nice per thread; the main thread's result is the one reported). detail
 * says "nice 0 -> 1". Returns 0 or -errno like proc_action_signal.
 */
int proc_action_renice(const char *root, struct proc_action *a, int delta);

/*
 * The status-line text for a done record: "sent SIGTERM to 1234 sleeper",
 * "reniced 1234 sleeper: nice 0 -> 1", or on failure "kill 1234: Operation
 * not permitted" / "renice 1234: No such process".
 */
void proc_action_describe(const struct proc_action *a, char *out, size_t cap);

#endif
