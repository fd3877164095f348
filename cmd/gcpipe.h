/* SPDX-License-Identifier: MIT */
/*
 * gcpipe: `--gc-trace` for the command vigil starts. Tells the runtime from
 * the command (node/nodejs by name; a Go binary by its build info), turns its
 * GC trace on (node --trace-gc, on its command line: NODE_OPTIONS may
 * not carry it; GODEBUG=gctrace=1, appended to what is there), and reads the child's
 * stdout and stderr through a pipe on a thread: every byte goes on to where
 * it went before (the session's .log, or vigil's stdout), byte for byte, and
 * each complete line is parsed (analysis/gctrace.h). Collections wait in a
 * bounded queue for the sampler thread (gcpipe_take); lines that look like
 * trace lines but do not parse, and collections dropped from a full queue,
 * are counted.
 */
#ifndef VIGIL_CMD_GCPIPE_H
#define VIGIL_CMD_GCPIPE_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/gctrace.h"

struct gcpipe;

/* The runtime argv[0] runs: by name (node, nodejs), or a Go binary found
 * through PATH; GC_RT_NONE otherwise. */
enum gc_runtime gcpipe_detect(const char *argv0);

/*
 * The command to run (malloc'd array, strings borrowed; free it): Node
 * refuses --trace-gc in NODE_OPTIONS, so it goes after argv[0]; Go's is
 * the command as it is.
 */
char **gcpipe_argv(enum gc_runtime rt, char *const cmd[]);

/*
 * Sets the runtime's trace variable in this process's environment (the
 * child inherits it at fork). Returns the previous value to restore with
 * gcpipe_env_restore (malloc'd, or NULL when unset).
 */
char *gcpipe_env_set(enum gc_runtime rt);
void gcpipe_env_restore(enum gc_runtime rt, char *old);

/*
 * Starts the reader. out_fd (borrowed, dup'd) is where the bytes go. On
 * success *child_fd is the pipe's write end to give the child (the caller
 * closes it after spawning). NULL with err on failure.
 */
struct gcpipe *gcpipe_start(int out_fd, enum gc_runtime rt, int *child_fd, char *err,
			    size_t errlen);

/* Moves up to cap waiting collections to ev (oldest first); returns how many. */
size_t gcpipe_take(struct gcpipe *g, struct gc_event *ev, size_t cap);

struct gcpipe_counts {
	uint64_t lines, events, unparsed, dropped;
};
void gcpipe_counts(struct gcpipe *g, struct gcpipe_counts *c);
enum gc_runtime gcpipe_runtime(const struct gcpipe *g);

/* Stops the reader (waits up to grace_ms for the rest of the output) and
 * frees it. NULL is a no-op. */
void gcpipe_stop(struct gcpipe *g, int grace_ms);

#endif
