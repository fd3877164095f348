/* SPDX-License-Identifier: MIT */
/*
 * perf_sampler: the kernel's sampler. perf_event_open on the software CPU
 * clock (hardware counters are often missing in VMs), with the user registers
 * and a copy of the top of the user stack in every sample, for every thread
 * of one process, delivered through mmap'd ring buffers.
 *
 * How the events are laid out, and why:
 * - One event per (thread, CPU), inherit set, as `perf record -p` does. The
 *   kernel refuses to mmap an inherited per-thread (cpu == -1) event, and
 *   without inherit threads created during the capture are missed. Per-CPU
 *   events can share one ring per CPU (PERF_EVENT_IOC_SET_OUTPUT), and the
 *   events the kernel clones for new threads write to their parent's ring.
 * - The threads are listed from <pid>/task at open; a thread found later
 *   that is neither opened nor announced by a PERF_RECORD_FORK (one created
 *   before the event of its creator was opened) is opened by
 *   perf_sampler_rescan once it was seen missing twice in a row (the second
 *   look covers a FORK record not yet written when the first one ran).
 * - The period is fixed in nanoseconds of CPU time (1e9 / hz), so every
 *   sample weighs the same. Kernel-mode samples are kept (with the user
 *   registers at kernel entry) when allowed; otherwise exclude_kernel is set
 *   and the profile misses time spent in system calls (said in why).
 * - With PERF_SAMPLER_SWITCHES, a context-switch software event (period 1,
 *   context_switch set) beside each clock event, as `perf record -e cs
 *   --call-graph dwarf` has: its samples are switch-outs with the user stack
 *   of the thread leaving the CPU, its PERF_RECORD_SWITCH records the
 *   switch-ins. No tracefs needed. Samples carry PERF_SAMPLE_ID to tell the
 *   two events apart in one ring.
 * - Rings hold half a second of samples at the chosen rate per CPU; what
 *   the kernel still drops is counted from PERF_RECORD_LOST.
 *
 * Errors from perf_sampler_open are -errno as perf_event_open gave them, so
 * the caller can tell "not allowed" (-EACCES, -EPERM) and "not there"
 * (-ENOENT, -ENOSYS, -EOPNOTSUPP) apart from a vanished target (-ESRCH).
 * One thread uses a sampler.
 */
#ifndef VIGIL_COLLECTORS_PERF_SAMPLER_H
#define VIGIL_COLLECTORS_PERF_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/unwind.h"

#define PERF_SAMPLER_STACK_DEFAULT 16384
/* Also a sample at every switch-out and a switch_in call at every switch-in
 * (off-CPU profiling; times are CLOCK_MONOTONIC then). */
#define PERF_SAMPLER_SWITCHES 1u

struct perf_sample {
	int pid, tid;
	int tag;	 /* the tag of the event that sampled (0 for the CPU clock) */
	uint64_t time;	 /* ns, CLOCK_MONOTONIC-like perf clock */
	uint64_t ip;	 /* where the sample hit (kernel address if kernel) */
	bool kernel;	 /* the CPU was in the kernel for this thread */
	bool have_user;	 /* regs/stack hold the user state (else a kernel thread) */
	bool switch_out; /* PERF_SAMPLER_SWITCHES: the thread leaves its CPU now */
	struct unwind_regs regs;
	const uint8_t *stack; /* borrowed for the callback's duration */
	size_t stack_len;
};

struct perf_sampler_ops {
	void (*sample)(void *ctx, const struct perf_sample *s);
	void (*comm)(void *ctx, int tid, const char *comm); /* a thread's new name */
	void (*mmap)(void *ctx); /* an executable mapping appeared */
	void (*exit)(void *ctx, int tid);
	void (*fork)(void *ctx, int tid, uint64_t time); /* a new thread */
	/* PERF_SAMPLER_SWITCHES: tid is back on a CPU at time */
	void (*switch_in)(void *ctx, int tid, uint64_t time);
};

struct perf_sampler_stats {
	uint64_t lost;	    /* samples the kernel dropped (PERF_RECORD_LOST) */
	uint64_t throttled; /* PERF_RECORD_THROTTLE periods */
	size_t threads;	    /* threads opened explicitly + inherited */
	size_t events;	    /* perf event descriptors open */
	size_t ring_bytes;  /* per CPU */
	bool kernel_excluded;
};

struct perf_sampler;

/*
 * One event of a sampler opened with perf_sampler_open_events: a perf event
 * type (e.g. the uprobe PMU's) and its config words, every occurrence
 * sampled (period 1) with stack_size bytes of user stack (0: registers
 * only). tag is handed back in perf_sample.tag. config1 may point to a
 * string (a uprobe's path) that must live until the open returns.
 */
struct perf_sampler_event {
	uint32_t type;
	uint64_t config, config1, config2;
	uint32_t stack_size;
	int tag;
};

/*
 * Opens (disabled) events for every thread of pid under proc_root at hz
 * samples per CPU second, copying stack_size bytes of user stack per sample
 * (a multiple of 8, <= 32 KiB); flags: PERF_SAMPLER_SWITCHES or 0. Returns 0 and sets
 * *out (free it with perf_sampler_free), or -errno with a reason in err.
 */
int perf_sampler_open(const char *proc_root, int pid, int hz, size_t stack_size,
		      unsigned flags, struct perf_sampler **out, char *err,
		      size_t errlen);
/*
 * Like perf_sampler_open, for n events of the caller's instead of the CPU
 * clock (at most PERF_SAMPLER_EVENTS_MAX), each opened for every thread and
 * CPU, disabled until perf_sampler_enable. The rings are as large as
 * allowed: every occurrence is a sample.
 */
#define PERF_SAMPLER_EVENTS_MAX 32
int perf_sampler_open_events(const char *proc_root, int pid,
			     const struct perf_sampler_event *ev, size_t n,
			     struct perf_sampler **out, char *err, size_t errlen);
/* Closes every event, those of the caller's last event first (each close
 * of a uprobe event waits out an RCU grace period, and a breakpoint stays
 * until its last event is closed). */
void perf_sampler_free(struct perf_sampler *s);

/* Starts and stops sampling on every event. */
void perf_sampler_enable(struct perf_sampler *s);
void perf_sampler_disable(struct perf_sampler *s);

/*
 * Waits up to timeout_ms for data, then hands every record in the rings to
 * ops (ctx is passed through). Returns the number of samples delivered, or
 * -errno when polling failed.
 */
int perf_sampler_poll(struct perf_sampler *s, int timeout_ms,
		      const struct perf_sampler_ops *ops, void *ctx);

/* Opens events for threads of the target not covered yet (see above).
 * Returns the number of threads opened, or -errno (-ESRCH: the process is
 * gone). */
int perf_sampler_rescan(struct perf_sampler *s);

void perf_sampler_stats(const struct perf_sampler *s, struct perf_sampler_stats *out);

#endif
