/* SPDX-License-Identifier: MIT */
/*
 * profiler-internal: what the files of the profiler's capture thread share
 * and nobody else may see (after store/store-internal.h): the layout of
 * struct profiler and the steps of a capture profiler.c lends to
 * profiler_alloc.c. Everything here runs on the capture thread but the
 * atomics and the handshake (see profiler.h).
 */
#ifndef VIGIL_COLLECTORS_PROFILER_INTERNAL_H
#define VIGIL_COLLECTORS_PROFILER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/alloc_probes.h"
#include "collectors/perf_sampler.h"
#include "collectors/profiler.h"
#include "core/frame.h"

#define POLL_MS 50
#define RESCAN_NS 100000000LL /* new threads, target alive */
#define IPCACHE_BITS 14

struct ipcache_slot {
	uint64_t ip; /* 0: empty */
	uint32_t frame;
};

struct alloc_capture;
struct maps;
struct offcpu;
struct unwinder;

struct profiler {
	/* set before the thread starts, then read-only */
	int pid;
	struct profiler_opts opts;
	bool force_ptrace, force_perf;
	pthread_t thread;

	/* handshake: the thread says whether its sampler attached */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int start_rc; /* 1 while starting, then 0 or -errno */
	char start_err[256];

	atomic_bool cancel, done;
	atomic_int_fast64_t elapsed_ms;
	atomic_uint_fast64_t samples, lost, unwind_ns;
	char sampler[16]; /* written before start_rc, read after */

	/* the thread's own */
	struct profile *prof;
	struct maps *maps;
	struct unwinder *unw;
	unsigned cache_gen;
	struct ipcache_slot *cache;
	struct alloc_capture *alloc; /* allocation profiles only */
	struct alloc_probes probes;  /* their events (paths live with the sampler) */
	struct offcpu *offcpu;	     /* wall mode with perf: switch-out/in pairing */
	int64_t started_ns, ended_ns;
	int64_t active_ns; /* alloc: time the probes were on */
	unsigned phases;   /* alloc: on phases */
	uint64_t kernel_lost, no_user;
	uint64_t closed_lost; /* lost by the samplers of ended phases */
	char why[FRAME_WHY_MAX];
};

/* The frame ids of one stack of return addresses (ips[0] the sampled pc),
 * innermost first, into frames (UNWIND_DEPTH_MAX + 4); see profiler.c. */
size_t profiler_stack_frames(struct profiler *p, bool kernel, const uint64_t *ips,
			     size_t n, bool truncated, bool off_cpu, uint32_t *frames);
/* Names a thread the first time it is seen. */
void profiler_name_thread(struct profiler *p, int tid);
/* Whether the target still runs: a zombie or a vanished pid has ended. */
bool profiler_target_alive(int pid);
int64_t profiler_elapsed_ms(const struct profiler *p);
/* Samples until the time until (monotonic ns) or a cancel; true when the
 * target exited. */
bool profiler_run_phase(struct profiler *p, struct perf_sampler *s, int64_t until);
/* Stops sampling and takes what the rings still hold; adds the sampler's
 * losses to closed_lost. */
void profiler_end_phase(struct profiler *p, struct perf_sampler *s);

/* profiler_alloc.c: allocation profiles (uprobes on the allocator). */

/* Opens the probes of the capture into p->probes and *ps; 0 or -errno with
 * a reason in err. */
int profiler_alloc_open(struct profiler *p, struct perf_sampler **ps, char *err,
			size_t errlen);
/* A probe's sample: only a sampled allocation is unwound. */
void profiler_alloc_sample(struct profiler *p, const struct perf_sample *s);
/* A capture below 100% duty, from the open sampler *ps (replaced at every
 * on phase, NULL when a reopen failed) to deadline; sets ended_ns,
 * active_ns and phases. True when the target exited. */
bool profiler_alloc_run_duty(struct profiler *p, struct perf_sampler **ps,
			     int64_t deadline);
/* The end: what is still live (live mode); counts scaled by the share of
 * the capture the probes were on, into meta.active. */
void profiler_alloc_end(struct profiler *p);
/* What the capture saw, appended to p->why. */
void profiler_alloc_why(struct profiler *p);

#endif
