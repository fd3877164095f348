/* SPDX-License-Identifier: MIT */
/*
 * ptrace_sampler: the fallback sampler, for when perf_event_open is refused
 * (perf_event_paranoid, no CAP_PERFMON) or missing, and the only sampler of
 * wall-clock profiles (threads blocked in the kernel are sampled too).
 *
 * Every thread is attached with PTRACE_SEIZE, which does not stop it. At each
 * tick, a thread to be sampled is stopped with PTRACE_INTERRUPT, unwound by
 * libunwind-ptrace (_UPT_* accessors: registers and memory read from the
 * stopped thread; unwind tables from the module images of collectors/maps.h,
 * as for perf samples, so the vdso and containers unwind too) and continued. In cpu mode
 * only threads the kernel shows running or runnable ('R' in task/<tid>/stat) are sampled;
 * in wall mode all of them. Threads that appear are seized at the next tick.
 *
 * Wall mode says which samples stand for time on a CPU, from the kernel's
 * own account rather than from the state letter: 'R' also means waiting for
 * a CPU (as much as running, on a loaded machine), and a thread stopped here
 * shows 't'. Each thread's utime+stime (task/<tid>/stat) is read before it
 * is stopped; the share of the interval since its previous sample it spent
 * on a CPU is added to a credit, and a sample taken while the thread is 'R'
 * spends one unit of credit to be on-CPU (error diffusion: credit carries
 * over, so across the capture the on-CPU samples are the kernel's CPU time
 * over the wall time, within a sample or two). Other samples are off-CPU.
 *
 * The target pays for this: each sampled thread stands still while it is
 * unwound. The time from interrupt to continue is measured and summed
 * (ptrace_sampler_stats), so the cost is reported rather than guessed.
 *
 * Signals meant for the target pass through here (ptrace makes every signal a
 * stop): they are re-injected at once, group stops (SIGSTOP) are left in
 * place with PTRACE_LISTEN, and ptrace_sampler_free detaches every thread, so
 * the target goes on exactly as before. A sampler belongs to the thread that
 * opened it (ptrace requests must come from the tracer thread).
 */
#ifndef VIGIL_COLLECTORS_PTRACE_SAMPLER_H
#define VIGIL_COLLECTORS_PTRACE_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/maps.h"

struct ptrace_sampler;

struct ptrace_sampler_stats {
	uint64_t samples;    /* stacks taken */
	uint64_t stopped_ns; /* sum over samples of the time a thread stood still */
	uint64_t max_stopped_ns;
	uint64_t failed; /* threads that could not be stopped or unwound */
	size_t threads;	 /* threads attached now */
};

/* One sampled thread: ips innermost first (callers are return addresses),
 * borrowed for the call. */
struct ptrace_stack {
	int tid;
	const uint64_t *ips;
	size_t n;
	bool truncated; /* the depth limit left frames out */
	bool off_cpu;	/* wall mode: this sample stands for time off a CPU */
};

typedef void (*ptrace_stack_fn)(void *ctx, const struct ptrace_stack *st);

/*
 * Seizes every thread of pid (under proc_root, NULL: "/proc"). wall selects
 * wall-clock sampling (all threads) over cpu (running threads). maps is the
 * target's (borrowed; it must outlive the sampler). Returns 0 and
 * sets *out (ptrace_sampler_free detaches and frees), or -errno with a reason
 * in err (-EPERM: not allowed to trace, -ESRCH: no such process).
 */
int ptrace_sampler_open(const char *proc_root, int pid, bool wall, struct maps *maps,
			struct ptrace_sampler **out, char *err, size_t errlen);
void ptrace_sampler_free(struct ptrace_sampler *s);

/*
 * One round: seizes new threads, handles stops that arrived since the last
 * round, and samples the threads due. Returns the number of stacks passed to
 * fn, or -ESRCH once the process is gone.
 */
int ptrace_sampler_tick(struct ptrace_sampler *s, ptrace_stack_fn fn, void *ctx);

/* The target's mappings changed: drop libunwind's cached unwind info. */
void ptrace_sampler_flush(struct ptrace_sampler *s);

void ptrace_sampler_stats(const struct ptrace_sampler *s,
			  struct ptrace_sampler_stats *out);

#endif
