/* SPDX-License-Identifier: MIT */
/*
 * profiler_alloc: the allocation side of the capture thread (see
 * profiler.h, profiler-internal.h): the uprobes on the allocator, each
 * sampled allocation unwound into a call-tree node, and the duty cycle.
 *
 * Below 100% duty (alloc mode only), the probes are opened for an on phase
 * and closed for the off phase after it: a uprobe event that is merely
 * disabled keeps its breakpoint in the target, which still traps on every
 * call (measured with one probe on malloc: alloc_churn ~40x slower
 * disabled, ~60x enabled). Opening costs about 10 ms a probe and closing about one RCU
 * grace period a probe (tens of ms, one after the other under a kernel
 * mutex), so a phase is long (ALLOC_DUTY_ON_NS) and the probes of the
 * busiest function are closed first. The on time is measured with our own
 * clock around the enable and the disable; the counts are scaled by
 * wall / on time at the end.
 */
#include "collectors/profiler-internal.h"

#include <stdio.h>
#include <string.h>

#include "analysis/alloc_track.h"
#include "analysis/profile.h"
#include "collectors/alloc_capture.h"
#include "collectors/maps.h"
#include "collectors/unwind.h"
#include "core/clock.h"

/* The sampler of an allocation profile: uprobes on the allocator. */
int profiler_alloc_open(struct profiler *p, struct perf_sampler **ps, char *err,
			size_t errlen)
{
	int rc = alloc_probes_find(NULL, p->pid, PERF_SAMPLER_STACK_DEFAULT,
				   p->opts.mode == PROFILE_LIVE, &p->probes, err, errlen);

	if (rc < 0)
		return rc;
	if (p->alloc) { /* a later phase: the busiest function last */
		struct alloc_capture_stats st;

		alloc_capture_stats(p->alloc, &st);
		alloc_probes_order(&p->probes, st.by_fn);
	}
	rc = perf_sampler_open_events(NULL, p->pid, p->probes.ev, p->probes.n, ps, err,
				      errlen);
	if (rc < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "uprobes on %.64s: %.160s", p->probes.modules, why);
	}
	return rc;
}

/* An allocator probe's sample: only a sampled allocation is unwound, into
 * a call-tree node (its count is the capture's business). */
void profiler_alloc_sample(struct profiler *p, const struct perf_sample *s)
{
	uint64_t ips[UNWIND_DEPTH_MAX + 1];
	uint32_t frames[UNWIND_DEPTH_MAX + 4], node = 0;
	int64_t t0 = clock_mono_ns();
	bool truncated = false;
	size_t n, depth;

	if (!alloc_capture_sample(p->alloc, s))
		return;
	maps_allow_refresh(p->maps);
	n = unwinder_unwind(p->unw, &s->regs, s->stack, s->stack_len, ips,
			    UNWIND_DEPTH_MAX, &truncated);
	depth = profiler_stack_frames(p, false, ips, n, truncated, false, frames);
	/* the leaf is the allocator's entry: the call site is its caller */
	if (depth > 1)
		memmove(frames, frames + 1, --depth * sizeof(*frames));
	while (depth)
		node = profile_node_id(p->prof, node, frames[--depth]);
	profiler_name_thread(p, s->tid);
	alloc_capture_node(p->alloc, node);
	atomic_fetch_add(&p->samples, 1);
	atomic_fetch_add(&p->unwind_ns, (uint64_t)(clock_mono_ns() - t0));
}

/* Waits with the probes closed until the time until; true when the capture
 * is over (deadline, cancel, or the target exited: *exited). */
static bool wait_off(struct profiler *p, int64_t until, int64_t deadline, bool *exited)
{
	for (;;) {
		int64_t now = clock_mono_ns();

		if (atomic_load(&p->cancel) || now >= deadline)
			return true;
		if (!profiler_target_alive(p->pid)) {
			*exited = true;
			return true;
		}
		if (now >= until)
			return false;
		atomic_store(&p->elapsed_ms, profiler_elapsed_ms(p));
		clock_sleep_until(until - now > POLL_MS * 1000000LL
					  ? now + POLL_MS * 1000000LL
					  : until);
	}
}

/* An alloc capture below 100% duty: on phases with the probes open, off
 * phases with them closed (a disabled uprobe event still traps). *ps is
 * the open sampler, replaced at every on phase, NULL when a reopen failed. */
bool profiler_alloc_run_duty(struct profiler *p, struct perf_sampler **ps,
			     int64_t deadline)
{
	int duty = p->opts.alloc_duty;
	bool exited = false, stop;
	char err[256];

	for (;;) {
		/* the first phase's probes were opened before the capture began */
		int64_t on = p->phases ? clock_mono_ns() : p->started_ns, off;

		perf_sampler_enable(*ps);
		exited = profiler_run_phase(p, *ps,
					    on + ALLOC_DUTY_ON_NS < deadline
						    ? on + ALLOC_DUTY_ON_NS
						    : deadline);
		profiler_end_phase(p, *ps);
		/* the capture ends with an on phase, or in an off one (below),
		 * not after the last sampler is closed */
		p->ended_ns = clock_mono_ns();
		p->active_ns += p->ended_ns - on;
		p->phases++;
		off = alloc_duty_off_ns(p->ended_ns - on, duty,
					(uint64_t)p->ended_ns * 0x9e3779b97f4a7c15ull);
		if (exited || atomic_load(&p->cancel) || p->ended_ns >= deadline)
			break;
		perf_sampler_free(*ps); /* the breakpoints go */
		*ps = NULL;
		stop = wait_off(p, clock_mono_ns() + off, deadline, &exited);
		p->ended_ns = clock_mono_ns();
		if (stop)
			break;
		alloc_probes_release(&p->probes);
		if (profiler_alloc_open(p, ps, err, sizeof(err)) < 0) {
			exited = !profiler_target_alive(p->pid);
			if (!exited) { /* ended early: what it has is partial */
				p->prof->meta.partial = true;
				why_append(p->why, sizeof(p->why),
					   "probes not reopened: %s", err);
			}
			break;
		}
	}
	return exited;
}

/* What the allocations the kernel dropped (its ring full) stand for in an
 * alloc capture: (seen + lost) / seen, 1 when none was lost. Every record
 * of an alloc capture is an allocating call, and a full ring drops them
 * whatever their site. A live capture's lost records are entries, returns
 * and frees alike, which no factor mends: 1. */
static double lost_scale(struct profiler *p)
{
	struct alloc_capture_stats st;

	if (p->opts.mode != PROFILE_ALLOC || !p->closed_lost)
		return 1;
	alloc_capture_stats(p->alloc, &st);
	return st.calls ? (double)(st.calls + p->closed_lost) / (double)st.calls : 1;
}

/* The end of an allocation capture: what is still live (live mode), and
 * the counts scaled up to the whole capture when the probes were on for
 * part of it, and for the calls the kernel dropped. */
void profiler_alloc_end(struct profiler *p)
{
	int64_t wall = p->ended_ns - p->started_ns;
	double scale = lost_scale(p);

	alloc_capture_end(p->alloc);
	p->prof->meta.active =
		wall > 0 && p->active_ns < wall ? (double)p->active_ns / (double)wall : 1;
	if (p->prof->meta.active < 1)
		scale *= alloc_duty_scale(p->active_ns, wall);
	if (scale != 1)
		profile_scale_counts(p->prof, scale);
}

/* What an allocation capture saw, for meta.why. */
void profiler_alloc_why(struct profiler *p)
{
	struct alloc_capture_stats st;

	alloc_capture_stats(p->alloc, &st);
	/* first: the one line a screen shows is cut at its width */
	if (p->prof->meta.active < 1)
		why_append(p->why, sizeof(p->why),
			   "probes on %.1f%% of it (%u phase%s), bytes x%.1f (a lower "
			   "bound if they slowed it)",
			   100 * p->prof->meta.active, p->phases,
			   p->phases == 1 ? "" : "s", 1 / p->prof->meta.active);
	if (lost_scale(p) != 1)
		why_append(p->why, sizeof(p->why),
			   "bytes x%.2f for the %llu calls the kernel dropped",
			   lost_scale(p), (unsigned long long)p->closed_lost);
	why_append(p->why, sizeof(p->why),
		   "uprobes on %s: %llu allocations, %llu frees, %llu sampled (1 per "
		   "%llu bytes), %llu live",
		   p->probes.modules, (unsigned long long)st.calls,
		   (unsigned long long)st.frees, (unsigned long long)st.sampled,
		   (unsigned long long)p->opts.alloc_rate, (unsigned long long)st.live);
	if (st.unmatched)
		why_append(p->why, sizeof(p->why), "%llu sampled calls never returned",
			   (unsigned long long)st.unmatched);
}
