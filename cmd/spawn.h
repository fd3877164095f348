/* SPDX-License-Identifier: MIT */
/*
 * spawn: starting the command of `vigil ... -- CMD ARGS` so vigil is attached
 * before CMD runs its first instruction.
 *
 * The child is forked and held at a gate (a pipe) until spawn_release(); it
 * then restores default signal handling and execs. An exec failure travels
 * back over a close-on-exec pipe, so the caller can say "cannot run 'x': ..."
 * instead of recording a process that never existed.
 */
#ifndef VIGIL_CMD_SPAWN_H
#define VIGIL_CMD_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct spawn {
	pid_t pid;
	int gate_fd;  /* write end: one byte lets the child exec */
	int error_fd; /* read end: errno of a failed exec, or EOF on success */
	bool reaped;
	int exit_code;	 /* -1 until reaped, or when killed by a signal */
	int exit_signal; /* 0 unless killed by a signal */
};

/*
 * Forks a child that waits at the gate. With out_fd >= 0 (borrowed: the
 * caller opened it, through core/outfile, and closes it after this call),
 * the child's stdout and stderr go there and its stdin is /dev/null: the
 * console owns the terminal. -1 leaves all three as they are. Returns 0 or
 * -1 with err.
 */
int spawn_start(char *const argv[], int out_fd, struct spawn *sp, char *err,
		size_t errlen);
/* Opens the gate; returns 0 once the exec succeeded, -1 with err if it failed. */
int spawn_release(struct spawn *sp, char *err, size_t errlen);
/* Reaps the child without waiting; true when it has exited (fields filled). */
bool spawn_poll(struct spawn *sp);
/*
 * Ends a child that still runs: SIGTERM, up to grace_ms, then SIGKILL; reaps.
 * Used when vigil stops recording before the command it started has ended.
 */
void spawn_finish(struct spawn *sp, int grace_ms);

#endif
