/* SPDX-License-Identifier: MIT */
/*
 * profiler: the capture thread (see profiler.h). It owns the sampler, the
 * maps, the unwinder and the profile under construction; other threads see
 * only the atomic progress counters and the cancel flag.
 *
 * Naming is the costly part of a sample after unwinding, so the frame id of
 * every address is cached (ip -> frame id, open addressing); the cache is
 * emptied whenever the mappings change, since an address may then stand for
 * another function.
 */
#include "collectors/profiler-internal.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/alloc_track.h"
#include "collectors/alloc_capture.h"
#include "collectors/alloc_probes.h"
#include "collectors/maps.h"
#include "collectors/offcpu.h"
#include "collectors/perf_sampler.h"
#include "collectors/ptrace_sampler.h"
#include "collectors/unwind.h"
#include "core/clock.h"
#include "core/procfs.h"
#include "core/xalloc.h"

/* Ties a frame to the file mapping it was first seen in (pprof's Mapping
 * and Location.address), once: later addresses of the function are the
 * same function. */
static void place_frame(struct profiler *p, uint32_t frame, uint64_t ip)
{
	struct maps_region r;
	uint32_t m;

	if (p->prof->frames[frame].mapping != PROFILE_NONE ||
	    maps_region(p->maps, ip, &r) < 0)
		return;
	m = profile_mapping_id(p->prof, r.start, r.end, r.pgoff, r.path, r.build_id);
	profile_frame_place(p->prof, frame, m, ip);
}

static uint32_t frame_of(struct profiler *p, uint64_t ip)
{
	size_t mask = ((size_t)1 << IPCACHE_BITS) - 1;
	size_t i = (size_t)((ip * 0x9e3779b97f4a7c15ull) >> (64 - IPCACHE_BITS));
	char fn[512], mod[256];
	uint32_t id;

	if (maps_generation(p->maps) != p->cache_gen) {
		memset(p->cache, 0, sizeof(*p->cache) << IPCACHE_BITS);
		p->cache_gen = maps_generation(p->maps);
	}
	for (size_t probes = 0; probes < 8; probes++, i = (i + 1) & mask) {
		if (p->cache[i].ip == ip)
			return p->cache[i].frame;
		if (!p->cache[i].ip)
			break;
	}
	maps_symbolize(p->maps, ip, fn, sizeof(fn), mod, sizeof(mod));
	id = profile_frame_id(p->prof, fn, mod);
	place_frame(p, id, ip);
	if (!p->cache[i].ip || p->cache[i].ip != ip) {
		p->cache[i].ip = ip;
		p->cache[i].frame = id;
	}
	return id;
}

/* Names a thread the first time it is seen. */
void profiler_name_thread(struct profiler *p, int tid)
{
	char rel[64], comm[FRAME_COMM_MAX];

	for (size_t i = 0; i < p->prof->nthreads; i++)
		if (p->prof->threads[i].tid == tid)
			return;
	snprintf(rel, sizeof(rel), "%d/task/%d/comm", p->pid, tid);
	if (procfs_read(PROCFS_ROOT_DEFAULT, rel, comm, sizeof(comm)) <= 0)
		snprintf(comm, sizeof(comm), "%d", tid);
	comm[strcspn(comm, "\n")] = '\0';
	profile_set_thread(p->prof, tid, comm);
}

/* The frame ids of one stack of return addresses (ips[0] the sampled pc),
 * innermost first, into frames (UNWIND_DEPTH_MAX + 4); a truncated one gets
 * PROFILE_TRUNCATED as its root, an off-CPU one PROFILE_OFF_CPU as its
 * leaf. Returns the depth. */
size_t profiler_stack_frames(struct profiler *p, bool kernel, const uint64_t *ips,
			     size_t n, bool truncated, bool off_cpu, uint32_t *frames)
{
	size_t depth = 0;

	if (off_cpu)
		frames[depth++] = profile_frame_id(p->prof, PROFILE_OFF_CPU, "");
	if (kernel)
		frames[depth++] = profile_frame_id(p->prof, "[kernel]", "[kernel]");
	for (size_t i = 0; i < n && depth < UNWIND_DEPTH_MAX + 2; i++)
		/* a return address may be past the end of a noreturn caller */
		frames[depth++] = frame_of(p, i ? ips[i] - 1 : ips[i]);
	if (depth && truncated)
		depth = profile_mark_truncated(p->prof, frames, depth);
	return depth;
}

/* Adds one stack (see stack_frames) of weight samples. */
static void add_stack(struct profiler *p, int tid, bool kernel, const uint64_t *ips,
		      size_t n, bool truncated, bool off_cpu, uint64_t weight)
{
	uint32_t frames[UNWIND_DEPTH_MAX + 4];
	size_t depth =
		profiler_stack_frames(p, kernel, ips, n, truncated, off_cpu, frames);

	if (!depth)
		return;
	profiler_name_thread(p, tid);
	profile_add_stack(p->prof, tid, frames, depth, weight);
	atomic_fetch_add(&p->samples, weight);
}

static void on_sample(void *ctx, const struct perf_sample *s)
{
	struct profiler *p = ctx;
	uint64_t ips[UNWIND_DEPTH_MAX + 1];
	int64_t t0 = clock_mono_ns();
	bool truncated = false;
	size_t n = 0;

	if (s->pid != p->pid)
		return;
	if (p->alloc) {
		profiler_alloc_sample(p, s);
		return;
	}
	if (s->have_user) {
		maps_allow_refresh(p->maps);
		n = unwinder_unwind(p->unw, &s->regs, s->stack, s->stack_len, ips,
				    UNWIND_DEPTH_MAX, &truncated);
	}
	if (s->switch_out) {
		/* weighed when the thread is back (on_offcpu) */
		offcpu_out(p->offcpu, s->tid, s->time, ips, n, truncated);
		atomic_fetch_add(&p->unwind_ns, (uint64_t)(clock_mono_ns() - t0));
		return;
	}
	if (!n && !s->kernel) {
		p->no_user++;
		atomic_fetch_add(&p->lost, 1);
		return;
	}
	add_stack(p, s->tid, s->kernel, ips, n, truncated, false, 1);
	atomic_fetch_add(&p->unwind_ns, (uint64_t)(clock_mono_ns() - t0));
}

static void on_switch_in(void *ctx, int tid, uint64_t time)
{
	struct profiler *p = ctx;

	offcpu_in(p->offcpu, tid, time);
}

/* An off-CPU interval of units periods; one with no user stack (a switch
 * out of a thread that was not in user space) still counts, as [off-cpu]. */
static void on_offcpu(void *ctx, int tid, const uint64_t *ips, size_t n, bool truncated,
		      uint64_t units)
{
	struct profiler *p = ctx;
	uint32_t leaf;

	if (!units)
		return;
	if (n) {
		add_stack(p, tid, false, ips, n, truncated, true, units);
		return;
	}
	leaf = profile_frame_id(p->prof, PROFILE_OFF_CPU, "");
	profiler_name_thread(p, tid);
	profile_add_stack(p->prof, tid, &leaf, 1, units);
	atomic_fetch_add(&p->samples, units);
}

static void on_fork(void *ctx, int tid, uint64_t time)
{
	struct profiler *p = ctx;

	if (p->offcpu)
		offcpu_born(p->offcpu, tid, time);
}

static void on_comm(void *ctx, int tid, const char *comm)
{
	struct profiler *p = ctx;

	profile_set_thread(p->prof, tid, comm);
}

static void on_mmap(void *ctx)
{
	struct profiler *p = ctx;

	maps_refresh(p->maps);
}

static void on_ptrace_stack(void *ctx, const struct ptrace_stack *st)
{
	struct profiler *p = ctx;
	int64_t t0 = clock_mono_ns();

	maps_allow_refresh(p->maps);
	add_stack(p, st->tid, false, st->ips, st->n, st->truncated, st->off_cpu, 1);
	atomic_fetch_add(&p->unwind_ns, (uint64_t)(clock_mono_ns() - t0));
}

/* Whether the target still runs: a zombie or a vanished pid has ended. */
bool profiler_target_alive(int pid)
{
	char rel[32], text[512], comm[64];
	const char *st;

	snprintf(rel, sizeof(rel), "%d/stat", pid);
	if (procfs_read(PROCFS_ROOT_DEFAULT, rel, text, sizeof(text)) <= 0)
		return false;
	st = procfs_stat_split(text, comm, sizeof(comm));
	return st && *st != 'Z' && *st != 'X';
}

int64_t profiler_elapsed_ms(const struct profiler *p)
{
	return (clock_mono_ns() - p->started_ns) / 1000000;
}

static void end_reason(struct profiler *p, bool exited)
{
	if (exited) {
		p->prof->meta.partial = true;
		why_append(p->why, sizeof(p->why), "target exited after %lldms",
			   (long long)profiler_elapsed_ms(p));
	} else if (atomic_load(&p->cancel)) {
		p->prof->meta.partial = true;
		why_append(p->why, sizeof(p->why), "cancelled after %lldms",
			   (long long)profiler_elapsed_ms(p));
	}
}

/* The last off-CPU intervals, up to now, and what they came to. */
static void wall_end(struct profiler *p)
{
	struct offcpu_stats os;

	offcpu_finish(p->offcpu, (uint64_t)clock_mono_ns(), on_offcpu, p);
	offcpu_stats(p->offcpu, &os);
	why_append(p->why, sizeof(p->why),
		   "off-CPU from context switches: %llu intervals, %llums",
		   (unsigned long long)os.intervals,
		   (unsigned long long)(os.ns / 1000000));
}

static const struct perf_sampler_ops perf_ops = {
	.sample = on_sample,
	.comm = on_comm,
	.mmap = on_mmap,
	.switch_in = on_switch_in,
	.fork = on_fork,
};

/* Samples until the time until (monotonic ns) or a cancel; true when the
 * target exited. */
bool profiler_run_phase(struct profiler *p, struct perf_sampler *s, int64_t until)
{
	int64_t next_scan = clock_mono_ns() + RESCAN_NS;
	struct perf_sampler_stats st;

	while (!atomic_load(&p->cancel)) {
		int64_t now = clock_mono_ns(), left = until - now;

		if (left <= 0)
			break;
		perf_sampler_poll(
			s, left / 1000000 < POLL_MS ? (int)(left / 1000000) + 1 : POLL_MS,
			&perf_ops, p);
		if (p->alloc)
			alloc_capture_flush(p->alloc);
		if (p->offcpu)
			offcpu_flush(p->offcpu, on_offcpu, p);
		perf_sampler_stats(s, &st);
		atomic_store(&p->lost, p->closed_lost + st.lost + p->no_user);
		atomic_store(&p->elapsed_ms, profiler_elapsed_ms(p));
		if (clock_mono_ns() >= next_scan) {
			next_scan = clock_mono_ns() + RESCAN_NS;
			if (!profiler_target_alive(p->pid) ||
			    perf_sampler_rescan(s) == -ESRCH)
				return true;
		}
	}
	return false;
}

/* Stops sampling and takes what the rings still hold; adds the sampler's
 * losses to closed_lost. */
void profiler_end_phase(struct profiler *p, struct perf_sampler *s)
{
	struct perf_sampler_stats st;

	perf_sampler_disable(s);
	perf_sampler_poll(s, 0, &perf_ops, p);
	if (p->alloc)
		alloc_capture_flush(p->alloc);
	perf_sampler_stats(s, &st);
	p->closed_lost += st.lost;
}

static void run_perf(struct profiler *p, struct perf_sampler **ps)
{
	int64_t deadline = p->started_ns + p->opts.duration_ms * 1000000;
	bool exited;

	if (p->alloc && p->opts.alloc_duty < 100) {
		exited = profiler_alloc_run_duty(p, ps, deadline);
	} else {
		perf_sampler_enable(*ps);
		exited = profiler_run_phase(p, *ps, deadline);
		profiler_end_phase(p, *ps);
		p->ended_ns = clock_mono_ns();
		p->active_ns = p->ended_ns - p->started_ns;
	}
	p->prof->meta.duration_ms = (p->ended_ns - p->started_ns) / 1000000;
	if (p->alloc)
		profiler_alloc_end(p);
	if (p->offcpu)
		wall_end(p);
	p->kernel_lost = p->closed_lost;
	atomic_store(&p->lost, p->closed_lost + p->no_user);
	end_reason(p, exited);
	if (!p->alloc) {
		struct perf_sampler_stats st;

		perf_sampler_stats(*ps, &st);
		if (st.kernel_excluded)
			why_append(p->why, sizeof(p->why),
				   "kernel time not sampled (not allowed)");
	}
	if (p->closed_lost)
		why_append(p->why, sizeof(p->why), "%llu samples lost by the kernel",
			   (unsigned long long)p->closed_lost);
}

static void run_ptrace(struct profiler *p, struct ptrace_sampler *s)
{
	int64_t period = 1000000000LL / p->opts.hz;
	int64_t deadline = p->started_ns + p->opts.duration_ms * 1000000;
	int64_t next = p->started_ns;
	struct ptrace_sampler_stats st;
	unsigned gen = maps_generation(p->maps);
	bool exited = false;

	while (!atomic_load(&p->cancel) && clock_mono_ns() < deadline) {
		if (ptrace_sampler_tick(s, on_ptrace_stack, p) == -ESRCH ||
		    !profiler_target_alive(p->pid)) {
			exited = true;
			break;
		}
		if (maps_generation(p->maps) != gen) {
			ptrace_sampler_flush(s);
			gen = maps_generation(p->maps);
		}
		ptrace_sampler_stats(s, &st);
		atomic_store(&p->lost, st.failed);
		atomic_store(&p->elapsed_ms, profiler_elapsed_ms(p));
		next += period;
		if (next < clock_mono_ns()) /* fell behind: do not burst */
			next = clock_mono_ns();
		clock_sleep_until(next < deadline ? next : deadline);
	}
	ptrace_sampler_stats(s, &st);
	end_reason(p, exited);
	if (st.samples)
		why_append(p->why, sizeof(p->why),
			   "ptrace: threads stopped %lluus per sample (max %lluus)",
			   (unsigned long long)(st.stopped_ns / st.samples / 1000),
			   (unsigned long long)(st.max_stopped_ns / 1000));
}

static bool refused(int rc)
{
	return rc == -EACCES || rc == -EPERM || rc == -ENOENT || rc == -ENOSYS ||
	       rc == -EOPNOTSUPP || rc == -ENODEV;
}

static void started(struct profiler *p, int rc, const char *err)
{
	pthread_mutex_lock(&p->lock);
	p->start_rc = rc;
	if (err)
		snprintf(p->start_err, sizeof(p->start_err), "%s", err);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* An empty profile says why before anything else in why. */
static void no_samples_first(struct profiler *p)
{
	char rest[FRAME_WHY_MAX];

	if (atomic_load(&p->samples))
		return;
	snprintf(rest, sizeof(rest), "%s", p->why);
	p->why[0] = '\0';
	if (p->prof->meta.lost)
		why_append(p->why, sizeof(p->why), "0 samples: %llu lost",
			   (unsigned long long)p->prof->meta.lost);
	else
		why_append(p->why, sizeof(p->why), "%s", PROFILER_NO_SAMPLES);
	if (rest[0])
		why_append(p->why, sizeof(p->why), "%s", rest);
}

/* Opens the sampler of the capture: uprobes for an allocation profile, else
 * perf_event (with context switches for wall mode) or, where refused or
 * forced, ptrace, saying why into fallback. Returns 0, or -errno once
 * started() has been told. */
static int open_sampler(struct profiler *p, struct perf_sampler **ps,
			struct ptrace_sampler **ts, char *fallback, size_t fblen)
{
	bool wall = p->opts.mode == PROFILE_WALL;
	char err[256] = "";
	int rc;

	if (PROFILE_BYTES(p->opts.mode)) {
		rc = profiler_alloc_open(p, ps, err, sizeof(err));
		if (rc < 0)
			started(p, rc, err);
		return rc;
	}
	if (!p->force_ptrace) {
		rc = perf_sampler_open(
			NULL, p->pid, p->opts.hz, PERF_SAMPLER_STACK_DEFAULT,
			wall ? PERF_SAMPLER_SWITCHES : 0, ps, err, sizeof(err));
		if (rc < 0 && (!refused(rc) || p->force_perf)) {
			started(p, rc, err);
			return rc;
		}
		if (rc < 0)
			snprintf(fallback, fblen,
				 "perf_event_open refused (%s): ptrace fallback",
				 strerror(-rc));
		else if (wall)
			p->offcpu = offcpu_new(1000000000ull / (unsigned)p->opts.hz,
					       (uint64_t)clock_mono_ns());
		if (rc == 0)
			return 0;
	}
	rc = ptrace_sampler_open(NULL, p->pid, wall, p->maps, ts, err, sizeof(err));
	if (rc < 0) {
		if (fallback[0]) {
			char both[256];

			snprintf(both, sizeof(both), "%s; %s", fallback, err);
			started(p, rc, both);
		} else {
			started(p, rc, err);
		}
	}
	return rc;
}

static void *profiler_main(void *arg)
{
	struct profiler *p = arg;
	struct perf_sampler *ps = NULL;
	struct ptrace_sampler *ts = NULL;
	char err[256] = "", fallback[256] = "";
	struct profile_meta meta;
	size_t mods, bad;

	pthread_setname_np(pthread_self(), "vigil-profiler");
	p->maps = maps_new(NULL, p->pid, err, sizeof(err));
	if (!p->maps) {
		started(p, -ESRCH, err);
		return NULL;
	}
	p->unw = unwinder_new(p->maps);
	if (!p->unw) {
		started(p, -ENOMEM, "libunwind: cannot create an address space");
		return NULL;
	}
	if (open_sampler(p, &ps, &ts, fallback, sizeof(fallback)) < 0)
		return NULL;
	snprintf(p->sampler, sizeof(p->sampler), "%s", ps ? "perf" : "ptrace");
	memset(&meta, 0, sizeof(meta));
	meta.pid = p->pid;
	meta.mode = p->opts.mode;
	meta.hz = PROFILE_BYTES(p->opts.mode) ? (int)p->opts.alloc_rate : p->opts.hz;
	meta.started_ms = clock_wall_ms();
	snprintf(meta.sampler, sizeof(meta.sampler), "%s", p->sampler);
	p->prof = profile_new(&meta);
	p->cache = xcalloc((size_t)1 << IPCACHE_BITS, sizeof(*p->cache));
	p->cache_gen = maps_generation(p->maps);
	if (PROFILE_BYTES(p->opts.mode))
		p->alloc = alloc_capture_new(p->prof, p->pid, p->opts.alloc_rate,
					     (uint64_t)clock_mono_ns());
	if (fallback[0])
		why_append(p->why, sizeof(p->why), "%s", fallback);
	else if (p->force_ptrace)
		why_append(p->why, sizeof(p->why), "ptrace forced%s",
			   p->opts.method == PROFILER_PTRACE ? "" : " by VIGIL_PROFILER");
	p->started_ns = clock_mono_ns();
	started(p, 0, NULL);

	if (ps) {
		run_perf(p, &ps);
	} else {
		run_ptrace(p, ts);
		p->prof->meta.duration_ms = profiler_elapsed_ms(p);
	}
	perf_sampler_free(ps);
	ptrace_sampler_free(ts);

	p->prof->meta.lost = atomic_load(&p->lost);
	if (p->alloc)
		profiler_alloc_why(p);
	no_samples_first(p);
	if (atomic_load(&p->samples))
		why_append(p->why, sizeof(p->why), "unwind %lluus per sample",
			   (unsigned long long)(atomic_load(&p->unwind_ns) /
						atomic_load(&p->samples) / 1000));
	maps_counts(p->maps, &mods, &bad);
	if (bad)
		why_append(p->why, sizeof(p->why), "%zu of %zu modules unreadable", bad,
			   mods);
	snprintf(p->prof->meta.why, sizeof(p->prof->meta.why), "%s", p->why);
	atomic_store(&p->elapsed_ms, p->prof->meta.duration_ms);
	atomic_store(&p->done, true);
	return NULL;
}

static void release(struct profiler *p)
{
	unwinder_free(p->unw);
	maps_free(p->maps);
	free(p->cache);
	alloc_capture_free(p->alloc);
	alloc_probes_release(&p->probes);
	offcpu_free(p->offcpu);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}

/* Whether opts can be captured; false with a reason in err. */
static bool opts_valid(int pid, const struct profiler_opts *opts, char *err,
		       size_t errlen)
{
	if (pid <= 0) {
		snprintf(err, errlen, "invalid pid %d", pid);
		return false;
	}
	if (!PROFILE_BYTES(opts->mode) && (opts->hz < 1 || opts->hz > PROFILER_HZ_MAX)) {
		snprintf(err, errlen, "sampling rate %d Hz out of range 1..%d", opts->hz,
			 PROFILER_HZ_MAX);
		return false;
	}
	if (opts->duration_ms <= 0) {
		snprintf(err, errlen, "duration must be positive");
		return false;
	}
	if (opts->mode != PROFILE_CPU && opts->mode != PROFILE_WALL &&
	    !PROFILE_BYTES(opts->mode)) {
		snprintf(err, errlen, "unknown profile mode");
		return false;
	}
	if (opts->alloc_duty < 0 || opts->alloc_duty > 100) {
		snprintf(err, errlen, "allocation probe duty %d%% out of range 1..100",
			 opts->alloc_duty);
		return false;
	}
	if (PROFILE_BYTES(opts->mode) && opts->alloc_rate > INT_MAX) {
		snprintf(err, errlen, "allocation sampling rate above %d bytes", INT_MAX);
		return false;
	}
	return true;
}

struct profiler *profiler_start(int pid, const struct profiler_opts *opts, char *err,
				size_t errlen)
{
	const char *force = getenv("VIGIL_PROFILER");
	struct profiler *p;
	sigset_t all, old;
	int rc;

	if (!opts_valid(pid, opts, err, errlen))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	p->opts = *opts;
	if (PROFILE_BYTES(opts->mode) && !p->opts.alloc_rate)
		p->opts.alloc_rate = ALLOC_RATE_DEFAULT;
	if (!p->opts.alloc_duty)
		p->opts.alloc_duty = ALLOC_DUTY_DEFAULT;
	if (opts->mode == PROFILE_LIVE) /* every free of a sampled block counts */
		p->opts.alloc_duty = 100;
	/* the rate is over the whole capture: on for duty% of it, the probes
	 * sample duty% as many bytes apart, so a capture draws about as many
	 * samples as one always on (each hit traps and copies the stack
	 * whether sampled or not; a sample adds only our own unwinding) */
	if (PROFILE_BYTES(opts->mode) && p->opts.alloc_duty < 100) {
		p->opts.alloc_rate =
			p->opts.alloc_rate * (uint64_t)p->opts.alloc_duty / 100;
		if (!p->opts.alloc_rate)
			p->opts.alloc_rate = 1;
	}
	/* allocation profiles have uprobes or nothing: no method to force */
	p->force_ptrace =
		!PROFILE_BYTES(opts->mode) &&
		(opts->method == PROFILER_PTRACE ||
		 (opts->method == PROFILER_AUTO && force && !strcmp(force, "ptrace")));
	p->force_perf =
		opts->method == PROFILER_PERF ||
		(opts->method == PROFILER_AUTO && force && !strcmp(force, "perf"));
	p->start_rc = 1;
	atomic_init(&p->cancel, false);
	atomic_init(&p->done, false);
	atomic_init(&p->elapsed_ms, 0);
	atomic_init(&p->samples, 0);
	atomic_init(&p->lost, 0);
	atomic_init(&p->unwind_ns, 0);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	/* signals belong to the threads that wait for them, never to ours */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->thread, NULL, profiler_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot start the profiler thread: %s",
			 strerror(rc));
		release(p);
		return NULL;
	}
	pthread_mutex_lock(&p->lock);
	while (p->start_rc == 1)
		pthread_cond_wait(&p->cond, &p->lock);
	rc = p->start_rc;
	pthread_mutex_unlock(&p->lock);
	if (rc < 0) {
		pthread_join(p->thread, NULL);
		snprintf(err, errlen, "%s", p->start_err);
		release(p);
		return NULL;
	}
	return p;
}

void profiler_progress(struct profiler *p, struct profiler_progress *out)
{
	memset(out, 0, sizeof(*out));
	out->elapsed_ms = atomic_load(&p->elapsed_ms);
	out->samples = atomic_load(&p->samples);
	out->lost = atomic_load(&p->lost);
	out->unwind_ns = atomic_load(&p->unwind_ns);
	snprintf(out->sampler, sizeof(out->sampler), "%s", p->sampler);
}

void profiler_cancel(struct profiler *p)
{
	atomic_store(&p->cancel, true);
}

bool profiler_done(struct profiler *p)
{
	return atomic_load(&p->done);
}

struct profile *profiler_finish(struct profiler *p)
{
	struct profile *prof;

	pthread_join(p->thread, NULL);
	prof = p->prof;
	release(p);
	return prof;
}
