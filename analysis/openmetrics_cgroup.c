/* SPDX-License-Identifier: MIT */
/*
 * openmetrics_cgroup: the frame's cgroups under cAdvisor's container_*
 * names, so dashboards and alerts written for cAdvisor (and the kubelet's
 * /metrics/cadvisor) read vigil's figures unchanged.
 *
 * cAdvisor's conventions, kept here:
 * - every series has the label id, the cgroup path as cAdvisor writes it
 *   ("/", "/system.slice/nginx.service"); name and image are cAdvisor's
 *   container runtime's name and image, which vigil does not know, so they
 *   are left out (an absent label and cAdvisor's "" are the same series
 *   selector in PromQL);
 * - container_cpu_usage_seconds_total has cpu="total" (cAdvisor's output
 *   with per-CPU usage off, its default);
 * - limits: container_spec_memory_limit_bytes is 0 when there is none,
 *   container_spec_cpu_quota (microseconds a period) and the cfs counters
 *   only where a quota is set, container_threads_max 0 for no limit;
 * - IO per device: container_fs_* by device ("/dev/sda", for the devices
 *   /proc/diskstats names), container_blkio_device_usage_total by device,
 *   major, minor and operation (Read, Write; bytes).
 * A figure the row does not have (a controller off, v1's missing pressure)
 * has no sample; a family with no sample is not written at all.
 *
 * Cardinality is bounded by the config: at most cfg.cgroups cgroups (200),
 * no deeper than cfg.cgroups_depth (any), the shallowest first, then in
 * path order, so a parent is never cut while its children stay. What was
 * left out is counted in vigil_metrics_cgroups_left_out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/openmetrics-internal.h"
#include "core/xalloc.h"

/* Levels below the root: "/" 0, "/a" 1, "/a/b" 2. */
static int depth_of(const char *path)
{
	int d = 0;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			d++;
	return d;
}

#define DEPTH_CAP 64 /* deeper counts as this deep when ranking */

/*
 * keep[i]: row i is exported. The rows within the depth limit, and of
 * those, when more than max, the shallowest (path order within a level).
 * Returns how many rows were left out.
 */
static size_t choose(const struct cgroup_table *t, int max, int depth_limit, bool *keep)
{
	size_t per_depth[DEPTH_CAP + 1] = {0}, room = max > 0 ? (size_t)max : 0;
	size_t whole = 0, at_cut = 0, kept = 0;
	int cut = DEPTH_CAP + 1; /* the levels above it fit whole */

	for (size_t i = 0; i < t->n; i++) {
		int d = depth_of(t->rows[i].path);

		if (depth_limit < 0 || d <= depth_limit)
			per_depth[d > DEPTH_CAP ? DEPTH_CAP : d]++;
	}
	for (int d = 0; d <= DEPTH_CAP; d++) {
		if (whole + per_depth[d] > room) {
			cut = d;
			break;
		}
		whole += per_depth[d];
	}
	for (size_t i = 0; i < t->n; i++) {
		int d = depth_of(t->rows[i].path);
		bool in = depth_limit < 0 || d <= depth_limit;

		if (d > DEPTH_CAP)
			d = DEPTH_CAP;
		/* the level that does not fit: its first rows in path order */
		keep[i] = in && (d < cut || (d == cut && at_cut < room - whole));
		if (keep[i] && d == cut)
			at_cut++;
		kept += keep[i];
	}
	return t->n - kept;
}

/* ---- one value a cgroup ---- */

typedef bool (*cg_value_fn)(const struct cgroup_row *r, double *out);

static bool limited_quota(const struct cgroup_row *r)
{
	return (r->have & CGROUP_HAVE_QUOTA) && r->cpu_quota_us != CGROUP_UNLIMITED;
}

static bool cpu_usage(const struct cgroup_row *r, double *out)
{
	*out = (double)r->cpu_usage_ns / 1e9;
	return r->have & CGROUP_HAVE_CPU;
}

static bool cpu_user(const struct cgroup_row *r, double *out)
{
	*out = (double)r->cpu_user_ns / 1e9;
	return r->have & CGROUP_HAVE_CPU_SPLIT;
}

static bool cpu_system(const struct cgroup_row *r, double *out)
{
	*out = (double)r->cpu_system_ns / 1e9;
	return r->have & CGROUP_HAVE_CPU_SPLIT;
}

static bool cfs_periods(const struct cgroup_row *r, double *out)
{
	*out = (double)r->nr_periods;
	return (r->have & CGROUP_HAVE_THROTTLE) && limited_quota(r);
}

static bool cfs_throttled(const struct cgroup_row *r, double *out)
{
	*out = (double)r->nr_throttled;
	return (r->have & CGROUP_HAVE_THROTTLE) && limited_quota(r);
}

static bool cfs_throttled_s(const struct cgroup_row *r, double *out)
{
	*out = (double)r->throttled_ns / 1e9;
	return (r->have & CGROUP_HAVE_THROTTLE) && limited_quota(r);
}

static bool spec_period(const struct cgroup_row *r, double *out)
{
	*out = (double)r->cpu_period_us;
	return r->have & CGROUP_HAVE_QUOTA;
}

static bool spec_quota(const struct cgroup_row *r, double *out)
{
	*out = (double)r->cpu_quota_us;
	return limited_quota(r);
}

static bool mem_usage(const struct cgroup_row *r, double *out)
{
	*out = (double)r->mem_current;
	return r->have & CGROUP_HAVE_MEM;
}

/* cAdvisor's working set: usage less the page cache not used lately */
static bool mem_working_set(const struct cgroup_row *r, double *out)
{
	*out = r->mem_current > r->mem_inactive_file
		       ? (double)(r->mem_current - r->mem_inactive_file)
		       : 0;
	return (r->have & CGROUP_HAVE_MEM) && (r->have & CGROUP_HAVE_MEM_STAT);
}

static bool mem_rss(const struct cgroup_row *r, double *out)
{
	*out = (double)r->mem_anon;
	return r->have & CGROUP_HAVE_MEM_STAT;
}

static bool mem_cache(const struct cgroup_row *r, double *out)
{
	*out = (double)r->mem_file;
	return r->have & CGROUP_HAVE_MEM_STAT;
}

static bool mem_swap(const struct cgroup_row *r, double *out)
{
	*out = (double)r->swap_current;
	return r->have & CGROUP_HAVE_SWAP;
}

static bool spec_mem_limit(const struct cgroup_row *r, double *out)
{
	*out = r->mem_max == CGROUP_UNLIMITED ? 0 : (double)r->mem_max;
	return r->have & CGROUP_HAVE_MEM_LIMIT;
}

static bool oom_kills(const struct cgroup_row *r, double *out)
{
	*out = (double)r->oom_kill;
	return r->have & CGROUP_HAVE_OOM_KILL;
}

static bool threads(const struct cgroup_row *r, double *out)
{
	*out = (double)r->pids_current;
	return r->have & CGROUP_HAVE_PIDS;
}

static bool threads_max(const struct cgroup_row *r, double *out)
{
	*out = r->pids_max == CGROUP_UNLIMITED ? 0 : (double)r->pids_max;
	return r->have & CGROUP_HAVE_PIDS;
}

struct cg_family {
	const char *name, *unit, *help;
	enum expo_type type;
	cg_value_fn value;
	bool cpu_total; /* cpu="total" */
};

static const struct cg_family families[] = {
	{"container_cpu_usage_seconds", "seconds",
	 "CPU time the cgroup used, user and system (cpu.stat usage_usec, v1 "
	 "cpuacct.usage).",
	 EXPO_COUNTER, cpu_usage, true},
	{"container_cpu_user_seconds", "seconds",
	 "CPU time the cgroup used in user mode (cpu.stat, v1 cpuacct.stat).",
	 EXPO_COUNTER, cpu_user, false},
	{"container_cpu_system_seconds", "seconds",
	 "CPU time the cgroup used in the kernel (cpu.stat, v1 cpuacct.stat).",
	 EXPO_COUNTER, cpu_system, false},
	{"container_cpu_cfs_periods", "",
	 "CFS enforcement periods that passed with the cgroup runnable, where a "
	 "quota is set.",
	 EXPO_COUNTER, cfs_periods, false},
	{"container_cpu_cfs_throttled_periods", "",
	 "Periods in which the cgroup used up its quota and was throttled.", EXPO_COUNTER,
	 cfs_throttled, false},
	{"container_cpu_cfs_throttled_seconds", "seconds",
	 "Time the cgroup's tasks were held back by its CPU quota.", EXPO_COUNTER,
	 cfs_throttled_s, false},
	{"container_spec_cpu_period", "",
	 "The cgroup's CFS period, microseconds (cpu.max, v1 cpu.cfs_period_us).",
	 EXPO_GAUGE, spec_period, false},
	{"container_spec_cpu_quota", "",
	 "The cgroup's CPU quota, microseconds a period, where one is set.", EXPO_GAUGE,
	 spec_quota, false},
	{"container_memory_usage_bytes", "bytes",
	 "Memory the cgroup uses now, page cache included (memory.current, v1 "
	 "memory.usage_in_bytes).",
	 EXPO_GAUGE, mem_usage, false},
	{"container_memory_working_set_bytes", "bytes",
	 "Memory usage less the inactive page cache (memory.stat inactive_file).",
	 EXPO_GAUGE, mem_working_set, false},
	{"container_memory_rss", "",
	 "Anonymous memory of the cgroup, bytes (memory.stat anon, v1 total_rss).",
	 EXPO_GAUGE, mem_rss, false},
	{"container_memory_cache", "",
	 "Page cache charged to the cgroup, bytes (memory.stat file, v1 total_cache).",
	 EXPO_GAUGE, mem_cache, false},
	{"container_memory_swap", "",
	 "Swap the cgroup uses, bytes (memory.swap.current, v1 memsw less usage).",
	 EXPO_GAUGE, mem_swap, false},
	{"container_spec_memory_limit_bytes", "bytes",
	 "The cgroup's memory limit (memory.max, v1 memory.limit_in_bytes); 0 for "
	 "none.",
	 EXPO_GAUGE, spec_mem_limit, false},
	{"container_oom_events", "",
	 "Processes of the cgroup the OOM killer killed (memory.events oom_kill, v1 "
	 "memory.oom_control).",
	 EXPO_COUNTER, oom_kills, false},
	{"container_threads", "", "Tasks (threads) in the cgroup now (pids.current).",
	 EXPO_GAUGE, threads, false},
	{"container_threads_max", "", "The cgroup's task limit (pids.max); 0 for none.",
	 EXPO_GAUGE, threads_max, false},
};

static void render_scalar(struct expo *e, const struct cgroup_table *t, const bool *keep,
			  const struct cg_family *fam)
{
	bool started = false;

	for (size_t i = 0; i < t->n; i++) {
		struct expo_label l[] = {{"cpu", "total"}, {"id", t->rows[i].path}};
		double v;

		if (!keep[i] || !fam->value(&t->rows[i], &v))
			continue;
		if (!started && !(started = expo_family(e, fam->name, fam->type,
							fam->unit, fam->help)))
			return;
		if (fam->cpu_total)
			expo_sample(e, "", l, 2, v);
		else
			expo_sample(e, "", &l[1], 1, v);
	}
}

/* ---- pressure ---- */

static void render_pressure(struct expo *e, const struct cgroup_table *t,
			    const bool *keep)
{
	static const char *const res[PSI_N] = {"cpu", "memory", "io"};
	static const char *const what[PSI_N] = {"CPU", "memory", "IO"};

	for (int r = 0; r < PSI_N; r++) {
		for (int full = 0; full < 2; full++) {
			char name[64], help[160];
			bool started = false;

			snprintf(name, sizeof(name), "container_pressure_%s_%s_seconds",
				 res[r], full ? "stalled" : "waiting");
			snprintf(help, sizeof(help),
				 full ? "Time no task of the cgroup could run for want "
					"of %s "
					"(%s.pressure full)."
				      : "Time some task of the cgroup waited for %s "
					"(%s.pressure some).",
				 what[r], res[r]);
			for (size_t i = 0; i < t->n; i++) {
				const struct cgroup_row *row = &t->rows[i];
				const struct psi *p = &row->psi[r];
				struct expo_label l = {"id", row->path};

				if (!keep[i] || !(row->have & CGROUP_HAVE_PSI) ||
				    !p->present || (full && !p->has_full))
					continue;
				if (!started &&
				    !(started = expo_family(e, name, EXPO_COUNTER,
							    "seconds", help)))
					break;
				expo_sample(e, "", &l, 1,
					    (double)(full ? p->full.total_us
							  : p->some.total_us) /
						    1e6);
			}
		}
	}
}

/* ---- per device ---- */

/* "/dev/NAME" of a device number, from the frame's disks; "" unknown. */
static void dev_name(const struct sys_sample *s, unsigned major, unsigned minor,
		     char *out, size_t cap)
{
	out[0] = '\0';
	if (!(s->have & SYS_HAVE_DISKSTATS))
		return;
	for (size_t i = 0; i < s->ndisks; i++)
		if (s->disks[i].major == major && s->disks[i].minor == minor)
			snprintf(out, cap, "/dev/%s", s->disks[i].name);
}

enum dev_figure { DEV_RBYTES, DEV_WBYTES, DEV_RIOS, DEV_WIOS };

static void render_fs(struct expo *e, const struct frame *f, const bool *keep)
{
	static const struct {
		const char *name, *unit, *help;
		unsigned need;
	} fam[] = {
		{"container_fs_reads_bytes", "bytes",
		 "Bytes the cgroup read from the device (io.stat rbytes, v1 "
		 "blkio.throttle.io_service_bytes).",
		 CGROUP_HAVE_IO},
		{"container_fs_writes_bytes", "bytes",
		 "Bytes the cgroup wrote to the device (io.stat wbytes, v1 "
		 "blkio.throttle.io_service_bytes).",
		 CGROUP_HAVE_IO},
		{"container_fs_reads", "",
		 "Reads the cgroup issued to the device (io.stat rios, v1 "
		 "blkio.throttle.io_serviced).",
		 CGROUP_HAVE_IO_OPS},
		{"container_fs_writes", "",
		 "Writes the cgroup issued to the device (io.stat wios, v1 "
		 "blkio.throttle.io_serviced).",
		 CGROUP_HAVE_IO_OPS},
	};
	const struct cgroup_table *t = &f->cgroups;

	for (size_t k = 0; k < sizeof(fam) / sizeof(fam[0]); k++) {
		bool started = false;

		for (size_t i = 0; i < t->n; i++) {
			const struct cgroup_row *r = &t->rows[i];

			if (!keep[i] || !(r->have & fam[k].need))
				continue;
			for (size_t d = 0; d < r->ndevs; d++) {
				const struct cgroup_io *io = &r->devs[d];
				const uint64_t val[] = {io->rbytes, io->wbytes, io->rios,
							io->wios};
				char dev[FRAME_DEV_MAX + 8];
				struct expo_label l[] = {{"device", dev},
							 {"id", r->path}};

				dev_name(&f->sys, io->major, io->minor, dev, sizeof(dev));
				if (!dev[0])
					continue; /* two unnamed devices would be one
						     series */
				if (!started &&
				    !(started = expo_family(e, fam[k].name, EXPO_COUNTER,
							    fam[k].unit, fam[k].help)))
					break;
				expo_sample(e, "", l, 2, (double)val[k]);
			}
		}
	}
}

static void render_blkio(struct expo *e, const struct frame *f, const bool *keep)
{
	static const char *const ops[] = {"Read", "Write"};
	const struct cgroup_table *t = &f->cgroups;
	bool started = false;

	for (size_t i = 0; i < t->n; i++) {
		const struct cgroup_row *r = &t->rows[i];

		if (!keep[i] || !(r->have & CGROUP_HAVE_IO))
			continue;
		for (size_t d = 0; d < r->ndevs; d++) {
			const struct cgroup_io *io = &r->devs[d];
			char dev[FRAME_DEV_MAX + 8], major[16], minor[16];

			dev_name(&f->sys, io->major, io->minor, dev, sizeof(dev));
			snprintf(major, sizeof(major), "%u", io->major);
			snprintf(minor, sizeof(minor), "%u", io->minor);
			if (!started &&
			    !(started = expo_family(
				      e, "container_blkio_device_usage", EXPO_COUNTER, "",
				      "Bytes the cgroup moved to and from the device, by "
				      "operation (io.stat, v1 "
				      "blkio.throttle.io_service_bytes).")))
				return;
			for (size_t o = 0; o < 2; o++) {
				struct expo_label l[] = {{"device", dev},
							 {"id", r->path},
							 {"major", major},
							 {"minor", minor},
							 {"operation", ops[o]}};

				expo_sample(e, "", l, 5,
					    (double)(o ? io->wbytes : io->rbytes));
			}
		}
	}
}

/* ---- processes and the last seen ---- */

/* container_processes from the process table: each process's cgroup as the
 * table names it, the cgroup's own members (cgroup.procs), not its
 * children's. Not written when no process has a cgroup. */
static void render_processes(struct expo *e, const struct frame *f, const bool *keep)
{
	const struct cgroup_table *t = &f->cgroups;
	size_t *count = xcalloc(t->n ? t->n : 1, sizeof(*count));
	bool any = false;

	for (size_t p = 0; p < f->procs.n; p++) {
		const char *cg = f->procs.rows[p].cgroup;
		const struct cgroup_row *r = cg ? cgroup_table_find(t, cg) : NULL;

		if (cg)
			any = true;
		if (r)
			count[r - t->rows]++;
	}
	if (any &&
	    expo_family(e, "container_processes", EXPO_GAUGE, "",
			"Processes in the cgroup itself now (not its children's)."))
		for (size_t i = 0; i < t->n; i++) {
			struct expo_label l = {"id", t->rows[i].path};

			if (keep[i])
				expo_sample(e, "", &l, 1, (double)count[i]);
		}
	free(count);
}

static void render_last_seen(struct expo *e, const struct frame *f, const bool *keep)
{
	const struct cgroup_table *t = &f->cgroups;

	if (!expo_family(e, "container_last_seen", EXPO_GAUGE, "",
			 "When vigil last read the cgroup, seconds since the epoch."))
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct expo_label l = {"id", t->rows[i].path};

		if (keep[i])
			expo_sample(e, "", &l, 1, (double)(f->t_ms / 1000));
	}
}

void om_cgroup_render(struct expo *e, const struct om_view *v)
{
	const struct frame *f = v->f;
	bool *keep;
	size_t left_out;

	if (!f || f->cgroups.layout == CGROUP_LAYOUT_NONE || !f->cgroups.n)
		return;
	keep = xcalloc(f->cgroups.n, sizeof(*keep));
	left_out = choose(&f->cgroups, v->m->cfg.cgroups, v->m->cfg.cgroups_depth, keep);
	if (left_out < f->cgroups.n) {
		render_last_seen(e, f, keep);
		for (size_t k = 0; k < sizeof(families) / sizeof(families[0]); k++)
			render_scalar(e, &f->cgroups, keep, &families[k]);
		render_pressure(e, &f->cgroups, keep);
		render_fs(e, f, keep);
		render_blkio(e, f, keep);
		render_processes(e, f, keep);
	}
	if (expo_family(e, "vigil_metrics_cgroups_left_out", EXPO_GAUGE, "",
			"Cgroups not exported under container_* (the metrics config's "
			"cgroups and cgroups-depth)."))
		expo_sample(e, "", NULL, 0, (double)left_out);
	free(keep);
}
