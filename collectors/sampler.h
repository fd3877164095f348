/* SPDX-License-Identifier: MIT */
/*
 * sampler: the thread that ticks. Every interval it reads the system, the
 * process table and the attached target into one new frame and hands it to
 * the publish callback, which takes the reference over (the store writer and
 * the UI each keep what they need). The sampler never waits on its consumers.
 *
 * Ticks are paced on the monotonic clock at absolute deadlines, so collection
 * cost does not stretch the interval; a tick that overruns skips missed
 * deadlines instead of bursting to catch up.
 */
#ifndef VIGIL_COLLECTORS_SAMPLER_H
#define VIGIL_COLLECTORS_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/statsd_listener.h"
#include "core/frame.h"

struct sampler_config {
	const char *proc_root;
	/* the cgroup file system; NULL: /sys/fs/cgroup with the real /proc,
	 * none with a fixture proc root */
	const char *cgroup_root;
	int64_t interval_ms;
	int target_pid; /* 0: no target */
	/* -c: a cgroup as the target (collectors/cgtarget.h), instead of a
	 * pid; NULL: none */
	const char *target_cgroup;
	struct statsd *statsd;	 /* its tick's metrics join each frame; may be NULL */
	int64_t heap_period_ms;	 /* smaps_rollup of the target; 0: the default */
	int64_t smaps_period_ms; /* smaps of the target; 0: the default */
	/* exit accounting (collectors/exitacct.h): every frame gets the exits
	 * since the one before, or says why there are none */
	bool exits;
	/* with exits: no command lines (exitacct_start), while a daemon
	 * records them */
	bool exits_no_cmdlines;
	/* Called on the sampler thread with a frame the callee now owns. */
	void (*publish)(struct frame *f, void *ctx);
	void *ctx;
};

struct sampler;

/*
 * Opens the collectors (attaching to the target first, so a bad pid fails
 * here) and starts the thread "vigil-sampler". Returns 0, or -1 with a
 * one-line reason in err; *out is freed by sampler_stop.
 */
int sampler_start(const struct sampler_config *cfg, struct sampler **out, char *err,
		  size_t errlen);
/*
 * Switches the target from the next tick on; pid 0 detaches (a cgroup
 * target too: a process attached replaces it). The new process
 * is opened here, on the caller's thread, so a bad pid fails at once: returns
 * 0, or -1 with a reason ("no such process") and the old target kept.
 */
int sampler_attach(struct sampler *s, int pid, char *err, size_t errlen);
/* Tells frames from now on how the target ended (vigil reaped it). */
void sampler_target_exited(struct sampler *s, int exit_code, int exit_signal);
/* Asks for a smaps reading of the target at the next tick (any thread). */
void sampler_request_smaps(struct sampler *s);
/* Stops and joins the thread, frees the collectors and s. NULL is ignored. */
void sampler_stop(struct sampler *s);

/* Builds one frame synchronously (no thread): for tests and one-shot reads. */
struct frame *sampler_collect_once(struct sampler *s);

#endif
