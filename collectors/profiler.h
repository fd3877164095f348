/* SPDX-License-Identifier: MIT */
/*
 * profiler: one profile capture of one process, on its own thread
 * ("vigil-profiler"), from start to a finished struct profile
 * (analysis/profile.h).
 *
 * The thread samples with perf_event (collectors/perf_sampler.h: CPU clock,
 * user registers and stack copied per sample, DWARF-unwound by
 * collectors/unwind.h), or with ptrace (collectors/ptrace_sampler.h) when
 * perf_event_open is refused or missing, or when opts.method or
 * VIGIL_PROFILER=ptrace forces it. Wall-clock profiles with perf_event add
 * off-CPU samples to the CPU clock's: the user stack at every switch-out,
 * weighted by the time until the switch-in in periods of 1/hz
 * (collectors/offcpu.h), with PROFILE_OFF_CPU as leaf; the process is never
 * stopped. Allocation profiles (PROFILE_ALLOC, PROFILE_LIVE) come from
 * uprobes on the allocator (collectors/alloc_probes.h,
 * collectors/alloc_capture.h) through the same perf sampler; they have no
 * fallback (opts.method does not apply). An alloc capture below 100% duty
 * opens its probes for on phases only and closes them between (a disabled
 * uprobe event still traps; analysis/alloc_track.h has the schedule), and
 * scales its counts by the share of the capture they were on
 * (meta.active). Addresses are named by
 * collectors/maps.h. meta.sampler says which sampler ran; meta.why says why a
 * fallback was taken, what a ptrace capture cost the target (time its
 * threads stood still per sample) and what the unwinding cost per sample.
 *
 * A capture that took no sample says so first in meta.why:
 * PROFILER_NO_SAMPLES when nothing was lost either (the target never ran on
 * a CPU while it was watched), else how many samples were lost.
 *
 * A capture ends when its duration is over, on profiler_cancel, or when the
 * target exits. The last two keep every sample taken and set meta.partial,
 * with the reason in meta.why.
 *
 * Threads: profiler_progress, profiler_cancel and profiler_done may be called
 * from any thread while the capture runs; the profile is handed over only by
 * profiler_finish, after the thread has ended, so it is never shared.
 */
#ifndef VIGIL_COLLECTORS_PROFILER_H
#define VIGIL_COLLECTORS_PROFILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/profile.h"

#define PROFILER_HZ_DEFAULT 99
#define PROFILER_HZ_MAX 999
#define PROFILER_DURATION_DEFAULT_MS 5000
#define PROFILER_NO_SAMPLES "0 samples: the target did not run"

/* Which sampler: perf_event where allowed, else ptrace (AUTO; the
 * VIGIL_PROFILER environment variable may force one), or one forced. */
enum profiler_method { PROFILER_AUTO, PROFILER_PERF, PROFILER_PTRACE };

struct profiler_opts {
	enum profile_mode mode; /* any; PROFILE_ALLOC and _LIVE need uprobes */
	int hz;			/* 1 .. PROFILER_HZ_MAX (CPU and wall) */
	int64_t duration_ms;	/* > 0 */
	uint64_t alloc_rate;	/* bytes per sample (alloc, live); 0: default */
	/* alloc: percent of the time the probes are on (1..100, 100 always;
	 * 0: ALLOC_DUTY_DEFAULT); live is always on (a free missed while off
	 * would leave a false leak) */
	int alloc_duty;
	enum profiler_method method;
};

struct profiler_progress {
	int64_t elapsed_ms;
	uint64_t samples;   /* stacks added to the profile */
	uint64_t lost;	    /* dropped by the kernel or not unwindable */
	uint64_t unwind_ns; /* time spent unwinding and naming, all samples */
	char sampler[16];   /* "perf" or "ptrace" */
};

struct profiler;

/*
 * Starts capturing pid. Returns a handle once the sampler is attached, which
 * the caller must pass to profiler_finish exactly once; or NULL with a reason
 * in err (bad options, no such process, neither sampler allowed).
 */
struct profiler *profiler_start(int pid, const struct profiler_opts *opts, char *err,
				size_t errlen);

void profiler_progress(struct profiler *p, struct profiler_progress *out);
/* Asks the capture to end now (the profile will be partial). Any thread. */
void profiler_cancel(struct profiler *p);
/* Whether the capture has ended (profiler_finish will not block). */
bool profiler_done(struct profiler *p);
/* Waits for the end, frees the handle and returns the profile, which the
 * caller owns (profile_free). */
struct profile *profiler_finish(struct profiler *p);

#endif
