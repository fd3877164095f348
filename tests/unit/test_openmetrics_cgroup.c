/* SPDX-License-Identifier: MIT */
/*
 * test_openmetrics_cgroup: the frame's cgroups under cAdvisor's container_*
 * names (analysis/openmetrics_cgroup.c), over a frame built by hand: the
 * exact lines of a v2 service with every figure, what a v1 cgroup and a
 * cgroup without limits leave out, the config's bound on how many cgroups
 * and how deep (shallowest first), and both formats through Prometheus'
 * parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/openmetrics.h"
#include "core/xalloc.h"
#include "tempdir.h"
#include "promcheck.h"
#include "omframes.h"

#define MIB (1024ull * 1024ull)
#define NGINX "/system.slice/nginx.service"

static struct cgroup_row *add_row(struct frame *f, const char *path)
{
	struct cgroup_table *t = &f->cgroups;
	struct cgroup_row *r;

	t->rows = xrealloc(t->rows, (t->n + 1) * sizeof(*t->rows));
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path);
	r->cpu_pct = -1;
	return r;
}

/* A v2 service with everything, its slice, the root, and a v1-like
 * cgroup without limits, in path order; two processes in nginx. */
static struct frame *cg_frame(void)
{
	struct frame *f = sys_frame(1);
	struct cgroup_row *r;

	f->cgroups.layout = CGROUP_LAYOUT_V2;
	f->sys.disks[0].major = 8; /* sda */
	f->sys.disks[0].minor = 0;
	r = add_row(f, "/");
	r->have = CGROUP_HAVE_CPU;
	r->cpu_usage_ns = 900000000000ull;
	r = add_row(f, "/system.slice");
	r->have = CGROUP_HAVE_CPU | CGROUP_HAVE_MEM;
	r->cpu_usage_ns = 400000000000ull;
	r->mem_current = 300 * MIB;
	r = add_row(f, NGINX);
	r->have = CGROUP_HAVE_CPU | CGROUP_HAVE_THROTTLE | CGROUP_HAVE_QUOTA |
		  CGROUP_HAVE_MEM | CGROUP_HAVE_MEM_LIMIT | CGROUP_HAVE_OOM |
		  CGROUP_HAVE_OOM_KILL | CGROUP_HAVE_SWAP | CGROUP_HAVE_IO |
		  CGROUP_HAVE_IO_OPS | CGROUP_HAVE_PSI | CGROUP_HAVE_PIDS |
		  CGROUP_HAVE_CPU_SPLIT | CGROUP_HAVE_MEM_STAT;
	r->cpu_usage_ns = 300500000000ull;
	r->cpu_user_ns = 200000000000ull;
	r->cpu_system_ns = 100500000000ull;
	r->nr_periods = 1000;
	r->nr_throttled = 250;
	r->throttled_ns = 5250000000ull;
	r->cpu_quota_us = 50000;
	r->cpu_period_us = 100000;
	r->mem_current = 100 * MIB;
	r->mem_max = 512 * MIB;
	r->mem_high = CGROUP_UNLIMITED;
	r->mem_anon = 60 * MIB;
	r->mem_file = 30 * MIB;
	r->mem_inactive_file = 20 * MIB;
	r->oom = 2;
	r->oom_kill = 1;
	r->swap_current = MIB;
	r->swap_max = CGROUP_UNLIMITED;
	r->ndevs = 2;
	r->devs = xcalloc(2, sizeof(*r->devs));
	r->devs[0] = (struct cgroup_io){8, 0, 1000000, 8192, 50, 2};
	r->devs[1] = (struct cgroup_io){259, 1, 4096, 0, 1, 0}; /* not in diskstats */
	r->io_rbytes = 1004096;
	r->io_wbytes = 8192;
	r->io_rios = 51;
	r->io_wios = 2;
	r->psi[PSI_CPU] = (struct psi){.present = true, .some.total_us = 1500000};
	r->psi[PSI_IO] = (struct psi){.present = true,
				      .has_full = true,
				      .some.total_us = 2000000,
				      .full.total_us = 250000};
	r->pids_current = 7;
	r->pids_max = 100;
	r = add_row(f, "/system.slice/nginx.service/worker");
	r->have = CGROUP_HAVE_CPU | CGROUP_HAVE_QUOTA | CGROUP_HAVE_MEM |
		  CGROUP_HAVE_MEM_LIMIT | CGROUP_HAVE_PIDS | CGROUP_HAVE_UNDER_OOM;
	r->cpu_usage_ns = 1000000000ull;
	r->cpu_quota_us = CGROUP_UNLIMITED;
	r->cpu_period_us = 100000;
	r->mem_current = MIB;
	r->mem_max = CGROUP_UNLIMITED;
	r->pids_current = 1;
	r->pids_max = CGROUP_UNLIMITED;
	f->procs.n = 3;
	f->procs.rows = xcalloc(3, sizeof(*f->procs.rows));
	f->procs.rows[0] = (struct proc_row){.pid = 1, .cgroup = xstrdup("/")};
	f->procs.rows[1] = (struct proc_row){.pid = 10, .cgroup = xstrdup(NGINX)};
	f->procs.rows[2] = (struct proc_row){.pid = 11, .cgroup = xstrdup(NGINX)};
	for (size_t i = 0; i < 3; i++)
		f->procs.rows[i].cmdline = xstrdup("");
	return f;
}

static struct metrics *cg_metrics(const char *config)
{
	struct metrics_config *cfg = NULL;
	struct metrics *m;
	char err[256];

	if (config)
		assert_int_equal(
			metrics_config_parse(config, "test.conf", &cfg, err, sizeof(err)),
			0);
	m = metrics_new(cfg);
	metrics_config_free(cfg);
	update_with(m, cg_frame());
	return m;
}

/* Every figure of one service, exactly as cAdvisor names it */
static void test_service_lines(void **state)
{
	struct metrics *m = cg_metrics(NULL);
	char *b = render(m, METRICS_TEXT);
	const char *const lines[] = {
		"# TYPE container_cpu_usage_seconds_total counter",
		"container_cpu_usage_seconds_total{cpu=\"total\",id=\"" NGINX "\"} 300.5",
		"container_cpu_user_seconds_total{id=\"" NGINX "\"} 200",
		"container_cpu_system_seconds_total{id=\"" NGINX "\"} 100.5",
		"container_cpu_cfs_periods_total{id=\"" NGINX "\"} 1000",
		"container_cpu_cfs_throttled_periods_total{id=\"" NGINX "\"} 250",
		"container_cpu_cfs_throttled_seconds_total{id=\"" NGINX "\"} 5.25",
		"container_spec_cpu_period{id=\"" NGINX "\"} 100000",
		"container_spec_cpu_quota{id=\"" NGINX "\"} 50000",
		"# TYPE container_memory_usage_bytes gauge",
		"container_memory_usage_bytes{id=\"" NGINX "\"} 104857600",
		"container_memory_working_set_bytes{id=\"" NGINX "\"} 83886080",
		"container_memory_rss{id=\"" NGINX "\"} 62914560",
		"container_memory_cache{id=\"" NGINX "\"} 31457280",
		"container_memory_swap{id=\"" NGINX "\"} 1048576",
		"container_spec_memory_limit_bytes{id=\"" NGINX "\"} 536870912",
		"# TYPE container_oom_events_total counter",
		"container_oom_events_total{id=\"" NGINX "\"} 1",
		"container_threads{id=\"" NGINX "\"} 7",
		"container_threads_max{id=\"" NGINX "\"} 100",
		"container_pressure_cpu_waiting_seconds_total{id=\"" NGINX "\"} 1.5",
		"container_pressure_io_waiting_seconds_total{id=\"" NGINX "\"} 2",
		"container_pressure_io_stalled_seconds_total{id=\"" NGINX "\"} 0.25",
		"container_fs_reads_bytes_total{device=\"/dev/sda\",id=\"" NGINX
		"\"} 1000000",
		"container_fs_writes_bytes_total{device=\"/dev/sda\",id=\"" NGINX
		"\"} 8192",
		"container_fs_reads_total{device=\"/dev/sda\",id=\"" NGINX "\"} 50",
		"container_fs_writes_total{device=\"/dev/sda\",id=\"" NGINX "\"} 2",
		"container_blkio_device_usage_total{device=\"/dev/sda\",id=\"" NGINX
		"\",major=\"8\",minor=\"0\",operation=\"Read\"} 1000000",
		"container_blkio_device_usage_total{device=\"/dev/sda\",id=\"" NGINX
		"\",major=\"8\",minor=\"0\",operation=\"Write\"} 8192",
		"container_blkio_device_usage_total{device=\"\",id=\"" NGINX
		"\",major=\"259\",minor=\"1\",operation=\"Read\"} 4096",
		"container_processes{id=\"" NGINX "\"} 2",
		"container_last_seen{id=\"" NGINX "\"} 1700000001",
		"vigil_metrics_cgroups_left_out 0",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		has_line(b, lines[i]);
	/* a device /proc/diskstats does not name has no container_fs_ series */
	lacks(b, "container_fs_reads_bytes_total{device=\"\"");
	/* what a figure the row lacks leaves out: no memory pressure */
	lacks(b, "container_pressure_memory_");
	lacks(b, "container_pressure_cpu_stalled");
	free(b);
	metrics_free(m);
}

/* No quota and no limits: cAdvisor's zeros and omissions */
static void test_unlimited(void **state)
{
	struct metrics *m = cg_metrics(NULL);
	char *b = render(m, METRICS_TEXT);

	(void)state;
	has_line(b, "container_spec_memory_limit_bytes{id=\"" NGINX "/worker\"} 0");
	has_line(b, "container_threads_max{id=\"" NGINX "/worker\"} 0");
	has_line(b, "container_spec_cpu_period{id=\"" NGINX "/worker\"} 100000");
	lacks(b, "container_spec_cpu_quota{id=\"" NGINX "/worker\"}");
	lacks(b, "container_cpu_cfs_periods_total{id=\"" NGINX "/worker\"}");
	/* no memory.stat: no working set, rather than usage passed off as one */
	lacks(b, "container_memory_working_set_bytes{id=\"" NGINX "/worker\"}");
	has_line(b, "container_memory_usage_bytes{id=\"" NGINX "/worker\"} 1048576");
	/* a process count for every cgroup exported, 0 included */
	has_line(b, "container_processes{id=\"/\"} 1");
	has_line(b, "container_processes{id=\"" NGINX "/worker\"} 0");
	has_line(b, "container_cpu_usage_seconds_total{cpu=\"total\",id=\"/\"} 900");
	free(b);
	metrics_free(m);
}

/* cgroups N keeps the shallowest N (path order within a level); a depth
 * limit drops what is below it; both count what they left out */
static void test_bounds(void **state)
{
	struct metrics *m = cg_metrics("cgroups 2\n");
	char *b = render(m, METRICS_TEXT);

	(void)state;
	has_line(b, "container_cpu_usage_seconds_total{cpu=\"total\",id=\"/\"} 900");
	has_line(b, "container_cpu_usage_seconds_total{cpu=\"total\","
		    "id=\"/system.slice\"} 400");
	lacks(b, "id=\"" NGINX);
	has_line(b, "vigil_metrics_cgroups_left_out 2");
	free(b);
	metrics_free(m);

	m = cg_metrics("cgroups 3\ncgroups-depth 1\n");
	b = render(m, METRICS_TEXT);
	has_line(b, "container_last_seen{id=\"/system.slice\"} 1700000001");
	lacks(b, "id=\"" NGINX);
	has_line(b, "vigil_metrics_cgroups_left_out 2");
	free(b);
	metrics_free(m);

	/* a level that fits only in part: its first in path order */
	m = cg_metrics("cgroups 1\ncgroups-depth 2\n");
	b = render(m, METRICS_TEXT);
	has_line(b, "container_last_seen{id=\"/\"} 1700000001");
	lacks(b, "id=\"/system.slice\"");
	has_line(b, "vigil_metrics_cgroups_left_out 3");
	free(b);
	metrics_free(m);

	m = cg_metrics("cgroups 0\n");
	b = render(m, METRICS_TEXT);
	lacks(b, "# TYPE container_");
	has_line(b, "vigil_metrics_cgroups_left_out 4");
	free(b);
	metrics_free(m);
}

static void test_config_errors(void **state)
{
	const char *const bad[] = {"cgroups\n",		 "cgroups -1\n",
				   "cgroups 10001\n",	 "cgroups 5 6\n",
				   "cgroups-depth 65\n", "cgroups-depth x\n"};
	struct metrics_config *cfg;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			metrics_config_parse(bad[i], "m.conf", &cfg, err, sizeof(err)),
			-1);
		assert_null(cfg);
		assert_non_null(strstr(err, "m.conf:1: expected 'cgroups"));
	}
}

/* Without a cgroup file system: no container_ family, nothing left out */
static void test_no_cgroups(void **state)
{
	struct metrics *m = metrics_new(NULL);
	char *b;

	(void)state;
	update_with(m, sys_frame(1));
	b = render(m, METRICS_TEXT);
	lacks(b, "container_");
	lacks(b, "vigil_metrics_cgroups_left_out");
	free(b);
	metrics_free(m);
}

static void test_promtool(void **state)
{
	struct metrics *m = cg_metrics(NULL);
	char *text = render(m, METRICS_TEXT), *om = render(m, METRICS_OPENMETRICS);

	(void)state;
	om_structure(om);
	has_line(om, "# UNIT container_cpu_usage_seconds seconds");
	has_line(om, "container_oom_events_total{id=\"" NGINX "\"} 1");
	if (have_promtool()) {
		promtool_text(text);
		promtool_openmetrics(om);
	}
	free(text);
	free(om);
	metrics_free(m);
	if (!have_promtool())
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_lines),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_no_cgroups),
		cmocka_unit_test(test_promtool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
