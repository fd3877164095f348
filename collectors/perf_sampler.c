/* SPDX-License-Identifier: MIT */
/*
 * perf_sampler: perf_event_open, one ring per CPU, record parsing (see
 * perf_sampler.h). Records are read in place; one that wraps around the end
 * of a ring is first copied into a contiguous buffer of the sampler's.
 */
#include "collectors/perf_sampler.h"

#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/procfs.h"
#include "core/xalloc.h"

/* PERF_REG_X86_*: AX..IP (0-8) and R8..R15 (16-23). FLAGS, CS and SS are
 * of no use to an unwinder; DS, ES, FS, GS are refused on x86-64. */
#define REGS_MASK (((1ull << 9) - 1) | (0xffull << 16))
#define RING_MIN_PAGES 16u
#define RING_MAX_PAGES 2048u
#define RECORD_MAX 65536
/* perf_regs index -> enum unwind_reg, for the registers asked for */
static const int reg_slot[24] = {
	UNWIND_AX,  UNWIND_BX,	UNWIND_CX,  UNWIND_DX,	UNWIND_SI,  UNWIND_DI,
	UNWIND_BP,  UNWIND_SP,	UNWIND_IP,  -1,		-1,	    -1,
	-1,	    -1,		-1,	    -1,		UNWIND_R8,  UNWIND_R9,
	UNWIND_R10, UNWIND_R11, UNWIND_R12, UNWIND_R13, UNWIND_R14, UNWIND_R15,
};

struct ring {
	int fd; /* the event that owns the mapping; others redirect to it */
	int cpu;
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	size_t size; /* data bytes, a power of two */
};

struct id_tag {
	uint64_t id;
	int tag;
	bool switch_out; /* the context-switch event of PERF_SAMPLER_SWITCHES */
};

struct perf_sampler {
	char *root;
	int pid, hz;
	size_t stack_size;
	int ncpus;
	bool exclude_kernel;
	bool enabled;
	bool switches; /* PERF_SAMPLER_SWITCHES: a second event per (thread, CPU) */
	size_t pages;  /* data pages per ring */

	struct ring *rings; /* ncpus entries, fd -1 where a CPU is offline */
	int *fds;	    /* every event */
	size_t *fd_ev;	    /* the index in ev[] of each (0 for the clock) */
	size_t nfds, fds_cap, fd_ev_cap;
	int *covered; /* tids opened or announced by a FORK record */
	size_t ncovered, covered_cap;
	int *missing; /* tids missing at the last rescan */
	size_t nmissing, missing_cap;

	struct perf_sampler_event ev[PERF_SAMPLER_EVENTS_MAX];
	size_t nev;	    /* 0: the CPU clock */
	struct id_tag *ids; /* PERF_EVENT_IOC_ID of every event -> tag, kind */
	size_t nids, ids_cap;

	uint64_t lost, throttled;
	uint8_t *record; /* RECORD_MAX: a wrapped record made contiguous */
};

static long sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group,
				unsigned long flags)
{
	return syscall(SYS_perf_event_open, attr, pid, cpu, group, flags);
}

/* The attributes of event k, or (cs) of the context-switch event of
 * PERF_SAMPLER_SWITCHES. Event k is the CPU clock when the sampler has no
 * events of the caller's; side-band records come from the first event only.
 * The context-switch event samples every switch-out (period 1, taken in the
 * kernel, with the user registers and stack of the thread going out) and
 * writes a PERF_RECORD_SWITCH at every switch-in; with switches, every event
 * times on CLOCK_MONOTONIC and carries its id on side-band records too.
 * Samples always carry their event id, so those of one ring can be told
 * apart. */
static void fill_attr(const struct perf_sampler *s, struct perf_event_attr *a, size_t k,
		      bool cs)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = cs ? PERF_COUNT_SW_CONTEXT_SWITCHES : PERF_COUNT_SW_CPU_CLOCK;
	a->sample_period = cs ? 1 : 1000000000ull / (unsigned)(s->hz > 0 ? s->hz : 1);
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			 PERF_SAMPLE_ID | PERF_SAMPLE_REGS_USER;
	a->sample_regs_user = REGS_MASK;
	a->sample_stack_user = (uint32_t)s->stack_size;
	if (s->nev && !cs) {
		a->type = s->ev[k].type;
		a->config = s->ev[k].config;
		a->config1 = s->ev[k].config1;
		a->config2 = s->ev[k].config2;
		a->sample_period = 1;
		a->sample_stack_user = s->ev[k].stack_size & ~7u;
	}
	if (a->sample_stack_user)
		a->sample_type |= PERF_SAMPLE_STACK_USER;
	a->disabled = 1;
	a->inherit = 1;
	a->exclude_kernel = s->exclude_kernel && !cs;
	a->exclude_hv = 1;
	a->exclude_callchain_kernel = 1;
	a->mmap = k == 0 && !cs;
	a->comm = k == 0 && !cs;
	a->task = k == 0 && !cs;
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)(s->pages * (size_t)sysconf(_SC_PAGESIZE) / 4);
	if (s->switches) {
		a->sample_id_all = 1;
		a->use_clockid = 1;
		a->clockid = CLOCK_MONOTONIC;
		a->context_switch = cs;
	}
}

static const struct id_tag *id_of(const struct perf_sampler *s, uint64_t id)
{
	for (size_t i = 0; i < s->nids; i++)
		if (s->ids[i].id == id)
			return &s->ids[i];
	return NULL;
}

static bool is_covered(const struct perf_sampler *s, int tid)
{
	for (size_t i = 0; i < s->ncovered; i++)
		if (s->covered[i] == tid)
			return true;
	return false;
}

static void cover(struct perf_sampler *s, int tid)
{
	if (is_covered(s, tid))
		return;
	s->covered = xgrow(s->covered, &s->covered_cap, s->ncovered + 1, sizeof(int));
	s->covered[s->ncovered++] = tid;
}

/* Notes the id of event fd, so its samples can be told by their tag and
 * kind. Returns 0 or -errno. */
static int remember_id(struct perf_sampler *s, int fd, int tag, bool cs)
{
	uint64_t id;

	if (ioctl(fd, PERF_EVENT_IOC_ID, &id) < 0)
		return -errno;
	s->ids = xgrow(s->ids, &s->ids_cap, s->nids + 1, sizeof(*s->ids));
	s->ids[s->nids].id = id;
	s->ids[s->nids].tag = tag;
	s->ids[s->nids++].switch_out = cs;
	return 0;
}

/* Maps the ring of one CPU on fd, shrinking it while the lock limit refuses. */
static int map_ring(struct perf_sampler *s, struct ring *r, int fd)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	for (;;) {
		void *m = mmap(NULL, (s->pages + 1) * page, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0);

		if (m != MAP_FAILED) {
			r->fd = fd;
			r->meta = m;
			r->data = (uint8_t *)m + page;
			r->size = s->pages * page;
			return 0;
		}
		if (errno != EPERM || s->pages <= RING_MIN_PAGES)
			return -errno;
		/* over RLIMIT_MEMLOCK / perf_event_mlock_kb: a smaller ring */
		s->pages /= 2;
	}
}

static bool owns_ring(const struct perf_sampler *s, int fd)
{
	for (int c = 0; c < s->ncpus; c++)
		if (s->rings[c].fd == fd)
			return true;
	return false;
}

/* Opens event k (or, cs, the context-switch event) of tid on cpu and sends
 * it to the CPU's ring. Returns 0 or -errno (-ENODEV or -EINVAL for the
 * clock or the caller's events: the CPU is offline). */
static int open_event(struct perf_sampler *s, int tid, int cpu, size_t k, bool cs)
{
	struct perf_event_attr attr;
	struct ring *r = &s->rings[cpu];
	long fd;
	int rc;

	fill_attr(s, &attr, k, cs);
	fd = sys_perf_event_open(&attr, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM) && !s->exclude_kernel && !cs) {
		/* kernel samples not allowed: user space only, everywhere */
		s->exclude_kernel = true;
		fill_attr(s, &attr, k, cs);
		fd = sys_perf_event_open(&attr, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	s->fds = xgrow(s->fds, &s->fds_cap, s->nfds + 1, sizeof(int));
	s->fd_ev = xgrow(s->fd_ev, &s->fd_ev_cap, s->nfds + 1, sizeof(size_t));
	s->fd_ev[s->nfds] = cs ? 0 : k;
	s->fds[s->nfds++] = (int)fd;
	rc = remember_id(s, (int)fd, s->nev && !cs ? s->ev[k].tag : 0, cs);
	if (rc < 0)
		return rc;
	if (r->fd < 0)
		return map_ring(s, r, (int)fd);
	if (ioctl((int)fd, PERF_EVENT_IOC_SET_OUTPUT, r->fd) < 0)
		return -errno;
	return 0;
}

/* Opens every event per CPU for tid (and the context-switch event with
 * switches), enabled when enable is set. Returns 0 or -errno (nothing kept
 * then, but for a ring mapped on the way). */
static int open_thread(struct perf_sampler *s, int tid, bool enable)
{
	size_t first = s->nfds, nev = s->nev ? s->nev : 1;
	int opened = 0, rc = -ENODEV;

	for (int cpu = 0; cpu < s->ncpus; cpu++) {
		for (size_t k = 0; k < nev; k++) {
			rc = open_event(s, tid, cpu, k, false);
			if (rc < 0)
				break;
		}
		if (rc == -ENODEV || rc == -EINVAL) /* offline CPU */
			continue;
		if (rc == 0 && s->switches)
			rc = open_event(s, tid, cpu, 0, true);
		if (rc < 0)
			goto fail;
		opened++;
	}
	if (!opened)
		return rc;
	cover(s, tid);
	for (size_t i = first; enable && i < s->nfds; i++)
		ioctl(s->fds[i], PERF_EVENT_IOC_ENABLE, 0);
	return 0;
fail:
	/* a ring mapped on one of these stays: other threads write to it */
	for (size_t i = first; i < s->nfds;) {
		if (owns_ring(s, s->fds[i])) {
			i++;
			continue;
		}
		close(s->fds[i]);
		s->fd_ev[i] = s->fd_ev[s->nfds - 1];
		s->fds[i] = s->fds[--s->nfds];
	}
	return rc;
}

/* Lists <pid>/task into *tids (grown); returns the count or -errno. */
static long list_tasks(struct perf_sampler *s, int **tids, size_t *cap)
{
	char path[4200];
	struct dirent *d;
	size_t n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%d/task", s->root, s->pid);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((d = readdir(dir))) {
		int tid = atoi(d->d_name);

		if (tid <= 0)
			continue;
		*tids = xgrow(*tids, cap, n + 1, sizeof(int));
		(*tids)[n++] = tid;
	}
	closedir(dir);
	return (long)n;
}

static size_t ring_pages(int hz, size_t stack_size)
{
	/* half a second of samples per CPU, of up to stack + header bytes */
	size_t want = (size_t)hz * (stack_size + 512) / 2;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), pages = RING_MIN_PAGES;

	while (pages * page < want && pages < RING_MAX_PAGES)
		pages *= 2;
	return pages;
}

static int open_all(struct perf_sampler *s, struct perf_sampler **out, char *err,
		    size_t errlen);

static struct perf_sampler *sampler_new(const char *proc_root, int pid)
{
	struct perf_sampler *s = xcalloc(1, sizeof(*s));

	s->root = xstrdup(proc_root ? proc_root : PROCFS_ROOT_DEFAULT);
	s->pid = pid;
	s->ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (s->ncpus < 1)
		s->ncpus = 1;
	return s;
}

int perf_sampler_open(const char *proc_root, int pid, int hz, size_t stack_size,
		      unsigned flags, struct perf_sampler **out, char *err, size_t errlen)
{
	struct perf_sampler *s = sampler_new(proc_root, pid);

	s->hz = hz;
	s->stack_size = stack_size & ~(size_t)7;
	s->switches = flags & PERF_SAMPLER_SWITCHES;
	/* switch-outs come at the target's own pace: room for 1000 a second more */
	s->pages = ring_pages(s->switches ? hz + 1000 : hz, s->stack_size);
	return open_all(s, out, err, errlen);
}

int perf_sampler_open_events(const char *proc_root, int pid,
			     const struct perf_sampler_event *ev, size_t n,
			     struct perf_sampler **out, char *err, size_t errlen)
{
	struct perf_sampler *s = sampler_new(proc_root, pid);

	if (n == 0 || n > PERF_SAMPLER_EVENTS_MAX) {
		*out = NULL;
		snprintf(err, errlen, "%zu events: expected 1 to %d", n,
			 PERF_SAMPLER_EVENTS_MAX);
		perf_sampler_free(s);
		return -EINVAL;
	}
	memcpy(s->ev, ev, n * sizeof(*ev));
	s->nev = n;
	s->pages = RING_MAX_PAGES;
	return open_all(s, out, err, errlen);
}

/* Opens the events of s for every thread of its target; s is freed on
 * failure. */
static int open_all(struct perf_sampler *s, struct perf_sampler **out, char *err,
		    size_t errlen)
{
	int *tids = NULL;
	size_t cap = 0;
	long n;
	int rc = 0, opened = 0, pid = s->pid;

	*out = NULL;
	s->rings = xcalloc((size_t)s->ncpus, sizeof(*s->rings));
	for (int c = 0; c < s->ncpus; c++)
		s->rings[c].fd = -1, s->rings[c].cpu = c;
	s->record = xmalloc(RECORD_MAX);

	n = list_tasks(s, &tids, &cap);
	if (n < 0) {
		rc = (int)n;
		snprintf(err, errlen, "cannot list threads of %d: %s", pid,
			 rc == -ESRCH ? "no such process" : strerror(-rc));
		goto fail;
	}
	for (long i = 0; i < n; i++) {
		int r = open_thread(s, tids[i], false);

		if (r == 0) {
			opened++;
		} else if (r != -ESRCH) { /* a thread that just ended is no failure */
			rc = r;
			break;
		}
	}
	free(tids);
	tids = NULL;
	if (!opened) {
		if (!rc)
			rc = -ESRCH;
		snprintf(err, errlen, "perf_event_open on %d: %s", pid, strerror(-rc));
		goto fail;
	}
	/* threads started between the listing and the opens */
	perf_sampler_rescan(s);
	perf_sampler_rescan(s);
	*out = s;
	return 0;
fail:
	free(tids);
	perf_sampler_free(s);
	return rc;
}

void perf_sampler_free(struct perf_sampler *s)
{
	size_t page;

	if (!s)
		return;
	page = (size_t)sysconf(_SC_PAGESIZE);
	for (int c = 0; c < s->ncpus; c++)
		if (s->rings[c].meta)
			munmap(s->rings[c].meta, s->rings[c].size + page);
	/* the last event first: a uprobe's breakpoint goes when the last of
	 * its events does, and every close waits out an RCU grace period */
	for (size_t k = s->nev ? s->nev : 1; k-- > 0;)
		for (size_t i = 0; i < s->nfds; i++)
			if (s->fd_ev[i] == k)
				close(s->fds[i]);
	free(s->fds);
	free(s->fd_ev);
	free(s->rings);
	free(s->covered);
	free(s->missing);
	free(s->record);
	free(s->ids);
	free(s->root);
	free(s);
}

void perf_sampler_enable(struct perf_sampler *s)
{
	for (size_t i = 0; i < s->nfds; i++)
		ioctl(s->fds[i], PERF_EVENT_IOC_ENABLE, 0);
	s->enabled = true;
}

void perf_sampler_disable(struct perf_sampler *s)
{
	for (size_t i = 0; i < s->nfds; i++)
		ioctl(s->fds[i], PERF_EVENT_IOC_DISABLE, 0);
	s->enabled = false;
}

int perf_sampler_rescan(struct perf_sampler *s)
{
	int *tids = NULL, *still = NULL;
	size_t cap = 0, still_cap = 0, nstill = 0;
	long n = list_tasks(s, &tids, &cap);
	int opened = 0;

	if (n < 0) {
		free(tids);
		return (int)n;
	}
	for (long i = 0; i < n; i++) {
		bool was_missing = false;

		if (is_covered(s, tids[i]))
			continue;
		for (size_t k = 0; k < s->nmissing; k++)
			was_missing |= s->missing[k] == tids[i];
		if (was_missing) {
			if (open_thread(s, tids[i], s->enabled) == 0)
				opened++;
		} else {
			still = xgrow(still, &still_cap, nstill + 1, sizeof(int));
			still[nstill++] = tids[i];
		}
	}
	free(s->missing);
	s->missing = still;
	s->nmissing = nstill;
	s->missing_cap = still_cap;
	free(tids);
	return opened;
}

/* Reads n bytes at *p of a record body, advancing; false when past the end. */
static bool take(const uint8_t **p, const uint8_t *end, void *out, size_t n)
{
	if ((size_t)(end - *p) < n)
		return false;
	if (out)
		memcpy(out, *p, n);
	*p += n;
	return true;
}

static bool parse_sample(const struct perf_sampler *s, const struct perf_event_header *h,
			 struct perf_sample *out)
{
	const uint8_t *p = (const uint8_t *)(h + 1), *end = (const uint8_t *)h + h->size;
	uint32_t pid_tid[2];
	uint64_t abi, size, dyn, id;
	const struct id_tag *kind;

	memset(out, 0, sizeof(*out));
	if (!take(&p, end, &out->ip, 8) || !take(&p, end, pid_tid, 8) ||
	    !take(&p, end, &out->time, 8) || !take(&p, end, &id, 8) ||
	    !take(&p, end, &abi, 8))
		return false;
	kind = id_of(s, id);
	out->tag = kind ? kind->tag : 0;
	out->switch_out = kind && kind->switch_out;
	out->pid = (int)pid_tid[0];
	out->tid = (int)pid_tid[1];
	out->kernel =
		(h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	if (abi != PERF_SAMPLE_REGS_ABI_NONE) {
		for (int bit = 0; bit < 24; bit++) {
			uint64_t v;

			if (!((REGS_MASK >> bit) & 1))
				continue;
			if (!take(&p, end, &v, 8))
				return false;
			if (reg_slot[bit] >= 0)
				out->regs.r[reg_slot[bit]] = v;
		}
		out->have_user = abi == PERF_SAMPLE_REGS_ABI_64;
	}
	if (p == end) /* no stack asked for */
		return true;
	if (!take(&p, end, &size, 8))
		return false;
	if (size) {
		if ((size_t)(end - p) < size + 8)
			return false;
		out->stack = p;
		memcpy(&dyn, p + size, 8);
		out->stack_len = dyn < size ? dyn : size;
	}
	return true;
}

/* A switch-in of a thread: its sample_id trailer (pid, tid, time, id). */
static void handle_switch(struct perf_sampler *s, const struct perf_event_header *h,
			  const struct perf_sampler_ops *ops, void *ctx)
{
	const uint8_t *body = (const uint8_t *)(h + 1);
	size_t len = h->size - sizeof(*h);
	uint32_t ids[2];
	uint64_t time;

	if (!s->switches || !ops->switch_in || (h->misc & PERF_RECORD_MISC_SWITCH_OUT) ||
	    len < 16)
		return;
	memcpy(ids, body, 8);
	memcpy(&time, body + 8, 8);
	if ((int)ids[0] == s->pid)
		ops->switch_in(ctx, (int)ids[1], time);
}

static void handle(struct perf_sampler *s, const struct perf_event_header *h,
		   const struct perf_sampler_ops *ops, void *ctx, int *samples)
{
	const uint8_t *body = (const uint8_t *)(h + 1);
	size_t len = h->size - sizeof(*h);
	struct perf_sample smp;

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		if (parse_sample(s, h, &smp) && ops->sample) {
			ops->sample(ctx, &smp);
			(*samples)++;
		}
		break;
	case PERF_RECORD_LOST:
		if (len >= 16) {
			uint64_t lost;

			memcpy(&lost, body + 8, 8);
			s->lost += lost;
		}
		break;
	case PERF_RECORD_SWITCH:
		handle_switch(s, h, ops, ctx);
		break;
	case PERF_RECORD_THROTTLE:
		s->throttled++;
		break;
	case PERF_RECORD_COMM:
		if (len > 8 && memchr(body + 8, '\0', len - 8) && ops->comm) {
			uint32_t ids[2];

			memcpy(ids, body, 8);
			ops->comm(ctx, (int)ids[1], (const char *)body + 8);
		}
		break;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		if (len >= 16) {
			uint32_t ids[4]; /* pid, ppid, tid, ptid */

			memcpy(ids, body, 16);
			if ((int)ids[0] != s->pid)
				break;
			if (h->type == PERF_RECORD_FORK) {
				uint64_t time;

				cover(s, (int)ids[2]);
				if (ops->fork && len >= 24) {
					memcpy(&time, body + 16, 8);
					ops->fork(ctx, (int)ids[2], time);
				}
			} else if (ops->exit)
				ops->exit(ctx, (int)ids[2]);
		}
		break;
	case PERF_RECORD_MMAP:
	case PERF_RECORD_MMAP2:
		if (ops->mmap)
			ops->mmap(ctx);
		break;
	default:
		break;
	}
}

static int drain(struct perf_sampler *s, struct ring *r,
		 const struct perf_sampler_ops *ops, void *ctx)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;
	int samples = 0;

	while (tail < head) {
		struct perf_event_header h;
		size_t at = (size_t)(tail & (r->size - 1));
		const struct perf_event_header *rec;

		if (r->size - at >= sizeof(h)) {
			memcpy(&h, r->data + at, sizeof(h));
		} else {
			memcpy(&h, r->data + at, r->size - at);
			memcpy((uint8_t *)&h + (r->size - at), r->data,
			       sizeof(h) - (r->size - at));
		}
		if (h.size < sizeof(h) || h.size > head - tail)
			break; /* torn: the kernel never writes these */
		if (r->size - at >= h.size) {
			rec = (const struct perf_event_header *)(const void *)(r->data +
									       at);
		} else {
			size_t first = r->size - at;

			memcpy(s->record, r->data + at, first);
			memcpy(s->record + first, r->data, h.size - first);
			rec = (const struct perf_event_header *)(const void *)s->record;
		}
		handle(s, rec, ops, ctx, &samples);
		tail += h.size;
	}
	__atomic_store_n(&r->meta->data_tail, head, __ATOMIC_RELEASE);
	return samples;
}

int perf_sampler_poll(struct perf_sampler *s, int timeout_ms,
		      const struct perf_sampler_ops *ops, void *ctx)
{
	struct pollfd *pfd = xcalloc((size_t)s->ncpus, sizeof(*pfd));
	int n = 0, samples = 0;

	for (int c = 0; c < s->ncpus; c++)
		if (s->rings[c].fd >= 0) {
			pfd[n].fd = s->rings[c].fd;
			pfd[n].events = POLLIN;
			n++;
		}
	if (timeout_ms > 0 && poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR) {
		int e = errno;

		free(pfd);
		return -e;
	}
	free(pfd);
	for (int c = 0; c < s->ncpus; c++)
		if (s->rings[c].fd >= 0)
			samples += drain(s, &s->rings[c], ops, ctx);
	return samples;
}

void perf_sampler_stats(const struct perf_sampler *s, struct perf_sampler_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->lost = s->lost;
	out->throttled = s->throttled;
	out->threads = s->ncovered;
	out->events = s->nfds;
	out->ring_bytes = s->pages * (size_t)sysconf(_SC_PAGESIZE);
	out->kernel_excluded = s->exclude_kernel;
}
