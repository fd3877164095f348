/* SPDX-License-Identifier: MIT */
/*
 * test_openmetrics: /metrics bodies made from frames built by hand, checked
 * line by line (node_exporter's names and units, StatsD histograms folded
 * across ticks, process groups that keep their CPU when members exit, the
 * top-N set's entry and exit, alerts and the leak state set), both formats
 * checked by Prometheus' own parsers (promtool check metrics for the text
 * format; promtool's OpenMetrics backfill reader for OpenMetrics) plus our
 * own structural check of OpenMetrics, the config file's errors, and the
 * Grafana dashboard in assets/ against what is emitted.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <regex.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/exposition.h"
#include "analysis/openmetrics.h"
#include "core/hdr.h"
#include "core/xalloc.h"
#include "tempdir.h"
#include "promcheck.h"
#include "omframes.h"

/* A frame with two cores, memory, load, PSI, a disk and an interface. */
static void test_node_text(void **state)
{
	struct metrics *m = metrics_new(NULL);
	struct frame *f = sys_frame(0);
	char *b;

	(void)state;
	metrics_update(m, f);
	frame_unref(f);
	b = render(m, METRICS_TEXT);
	has_line(b, "# HELP node_cpu_seconds_total CPU time per core and mode, from "
		    "/proc/stat.");
	has_line(b, "# TYPE node_cpu_seconds_total counter");
	has_line(b, "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 150");
	has_line(b, "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1000");
	has_line(b, "node_cpu_seconds_total{cpu=\"2\",mode=\"user\"} 0.5");
	has_line(b, "# TYPE node_memory_MemTotal_bytes gauge");
	has_line(b, "node_memory_MemTotal_bytes 8589934592");
	has_line(b, "node_memory_MemAvailable_bytes 5368709120");
	has_line(b, "node_memory_SwapFree_bytes 0");
	has_line(b, "node_load5 1.25");
	has_line(b, "node_context_switches_total 123456789");
	has_line(b, "node_forks_total 4242");
	has_line(b, "node_procs_running 3");
	has_line(b, "node_boot_time_seconds 1699990000");
	has_line(b, "node_pressure_cpu_waiting_seconds_total 1.5");
	has_line(b, "node_pressure_memory_stalled_seconds_total 1e-05");
	lacks(b, "node_pressure_cpu_stalled"); /* no full line for cpu */
	lacks(b, "node_pressure_io");	       /* not present */
	has_line(b, "node_disk_read_bytes_total{device=\"sda\"} 4096");
	has_line(b, "node_disk_read_time_seconds_total{device=\"sda\"} 1.5");
	has_line(b, "node_disk_io_time_seconds_total{device=\"sda\"} 2");
	lacks(b, "loop0");
	has_line(b, "node_network_receive_bytes_total{device=\"eth0\"} 1000");
	has_line(b, "node_network_transmit_drop_total{device=\"eth0\"} 2");
	has_line(b, "# HELP node_schedstat_running_seconds_total Number of seconds CPU "
		    "spent running a process.");
	has_line(b, "# TYPE node_schedstat_running_seconds_total counter");
	has_line(b, "node_schedstat_running_seconds_total{cpu=\"0\"} 1.5");
	has_line(b, "node_schedstat_running_seconds_total{cpu=\"2\"} 1e-09");
	has_line(b, "# HELP node_schedstat_waiting_seconds_total Number of seconds spent "
		    "by processing waiting for this CPU.");
	has_line(b, "# TYPE node_schedstat_waiting_seconds_total counter");
	has_line(b, "node_schedstat_waiting_seconds_total{cpu=\"0\"} 0.25");
	has_line(b, "# HELP node_schedstat_timeslices_total Number of timeslices "
		    "executed by CPU.");
	has_line(b, "# TYPE node_schedstat_timeslices_total counter");
	has_line(b, "node_schedstat_timeslices_total{cpu=\"0\"} 4200");
	has_line(b, "node_schedstat_timeslices_total{cpu=\"2\"} 0");
	has_line(b, "vigil_ticks_total 1");
	has_line(b, "vigil_last_tick_cost_seconds 0.0025");
	has_line(b, "# TYPE vigil_build_info gauge");
	has_line(b, "vigil_build_info{version=\"" VIGIL_VERSION "\"} 1");
	lacks(b, "# EOF");
	lacks(b, "# UNIT");
	free(b);
	metrics_free(m);
}

static void test_node_openmetrics(void **state)
{
	struct metrics *m = metrics_new(NULL);
	struct frame *f = sys_frame(0);
	char *b;
	size_t n;

	(void)state;
	metrics_update(m, f);
	frame_unref(f);
	b = render(m, METRICS_OPENMETRICS);
	has_line(b, "# TYPE node_cpu_seconds counter");
	has_line(b, "# UNIT node_cpu_seconds seconds");
	has_line(b, "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 150");
	has_line(b, "# TYPE node_memory_MemTotal_bytes gauge");
	has_line(b, "# UNIT node_memory_MemTotal_bytes bytes");
	has_line(b, "# TYPE node_context_switches counter");
	has_line(b, "# TYPE node_schedstat_waiting_seconds counter");
	has_line(b, "# UNIT node_schedstat_waiting_seconds seconds");
	has_line(b, "# TYPE node_schedstat_timeslices counter");
	has_line(b, "node_schedstat_timeslices_total{cpu=\"2\"} 0");
	has_line(b, "# TYPE vigil_build info");
	n = strlen(b);
	assert_true(n > 6 && !strcmp(b + n - 6, "# EOF\n"));
	free(b);
	metrics_free(m);
}

static void test_before_first_frame(void **state)
{
	struct metrics *m = metrics_new(NULL);
	char *b = render(m, METRICS_OPENMETRICS);

	(void)state;
	has_line(b, "vigil_ticks_total 0");
	lacks(b, "node_");
	free(b);
	assert_int_equal(metrics_render(m, (enum metrics_format)7, &b, &(size_t){0}), -1);
	assert_null(b);
	metrics_free(m);
}

/* A StatsD tick: one timer with values (ms), one counter, one gauge. */
static void test_statsd_cumulative(void **state)
{
	struct metrics *m = metrics_new(NULL);
	const uint64_t t1[] = {3, 20, 20, 700}, t2[] = {4, 30000};
	struct frame *f;
	char *b;

	(void)state;
	f = sys_frame(0);
	f->app = statsd_tick("api.request#code:200,route:/users", t1, 4, 2, 7);
	metrics_update(m, f);
	frame_unref(f);
	f = sys_frame(1);
	f->app = statsd_tick("api.request#code:200,route:/users", t2, 2, 0.5, 9);
	metrics_update(m, f);
	frame_unref(f);

	b = render(m, METRICS_TEXT);
	has_line(b, "# TYPE statsd_api_request_seconds histogram");
	has_line(b, "statsd_api_request_seconds_bucket{code=\"200\",route=\"/users\","
		    "le=\"0.005\"} 2");
	has_line(b, "statsd_api_request_seconds_bucket{code=\"200\",route=\"/users\","
		    "le=\"0.025\"} 4");
	has_line(b, "statsd_api_request_seconds_bucket{code=\"200\",route=\"/users\","
		    "le=\"0.5\"} 4");
	has_line(b, "statsd_api_request_seconds_bucket{code=\"200\",route=\"/users\","
		    "le=\"1\"} 5");
	has_line(b, "statsd_api_request_seconds_bucket{code=\"200\",route=\"/users\","
		    "le=\"10\"} 5");
	has_line(b, "statsd_api_request_seconds_bucket{code=\"200\",route=\"/users\","
		    "le=\"+Inf\"} 6");
	has_line(b, "statsd_api_request_seconds_count{code=\"200\",route=\"/users\"} 6");
	has_line(b,
		 "statsd_api_request_seconds_sum{code=\"200\",route=\"/users\"} 30.747");
	has_line(b, "# TYPE statsd_jobs_done_total counter");
	has_line(b, "statsd_jobs_done_total 2.5");
	has_line(b, "# TYPE statsd_queue_depth gauge");
	has_line(b, "statsd_queue_depth{env=\"prod\"} 9");
	has_line(b, "vigil_statsd_packets_total 6");
	has_line(b, "vigil_statsd_bad_lines_total{reason=\"bad_type\"} 2");
	free(b);
	f = sys_frame(2); /* a counter tick that sums below zero is left out */
	f->app = statsd_tick("api.request#code:200,route:/users", t2, 0, -3, 9);
	update_with(m, f);
	b = render(m, METRICS_OPENMETRICS);
	has_line(b, "statsd_jobs_done_total 2.5");
	has_line(b, "vigil_statsd_negative_counts_total 1");
	has_line(b, "# TYPE statsd_api_request_seconds histogram");
	has_line(b, "# UNIT statsd_api_request_seconds seconds");
	has_line(b, "# TYPE statsd_jobs_done counter");
	has_line(b, "statsd_jobs_done_total 2.5");
	free(b);
	metrics_free(m);
}

/* Everything at once: a target with a leak verdict, a JVM, alerts, groups
 * and StatsD, through both of Prometheus' parsers and our own check. */
static void test_full_lines(void **state)
{
	struct metrics *m = full_metrics();
	char *b = render(m, METRICS_OPENMETRICS);

	(void)state;
	has_line(b, "# TYPE vigil_leak_verdict stateset");
	has_line(b,
		 "vigil_leak_verdict{source=\"rss\",vigil_leak_verdict=\"growing\"} 1");
	has_line(b, "vigil_leak_verdict{source=\"rss\",vigil_leak_verdict=\"stable\"} 0");
	has_line(b, "vigil_leak_rate_bytes_per_second{source=\"rss\"} 1024");
	has_line(b, "vigil_leak_floor_bytes{source=\"rss\"} 5242880");
	has_line(b, "vigil_leak_time_to_limit_seconds{source=\"rss\"} 86400");
	has_line(b,
		 "vigil_alert{rule=\"target.rss > 1 GiB for 10s\",severity=\"warning\","
		 "state=\"firing\"} 1");
	has_line(b, "vigil_target_run_queue_wait_seconds_total{pid=\"4242\","
		    "comm=\"we\\\"ird\\\\na\\nme\"} 1");
	has_line(b, "vigil_jvm_memory_used_bytes{area=\"old\"} 104857600");
	has_line(b, "vigil_jvm_gc_collections_total{gc=\"full\"} 3");
	has_line(b, "vigil_jvm_gc_seconds_total{gc=\"full\"} 0.25");
	has_line(b, "vigil_ticks_written_total 2");
	has_line(b, "vigil_ticks_dropped_total 1");
	has_line(b, "namedprocess_namegroup_num_procs{groupname=\"db\"} 2");
	has_line(b, "namedprocess_namegroup_num_procs{groupname=\"web\"} 1");
	has_line(b, "namedprocess_namegroup_cpu_seconds_total{groupname=\"db\"} 5");
	has_line(b, "namedprocess_namegroup_memory_bytes{groupname=\"db\",memtype="
		    "\"resident\"} "
		    "5242880");
	has_line(b, "namedprocess_namegroup_states{groupname=\"db\",state=\"Zombie\"} 1");
	has_line(b, "vigil_process_cpu_seconds_total{pid=\"102\",comm=\"postgres\"} 3");
	has_line(b, "vigil_process_cpu_seconds_total{pid=\"101\",comm=\"postgres\"} 2");
	lacks(b, "vigil_process_cpu_seconds_total{pid=\"100\""); /* no CPU used */
	has_line(b, "vigil_process_resident_memory_bytes{pid=\"102\",comm=\"postgres\"} "
		    "3145728");
	lacks(b, "vigil_process_resident_memory_bytes{pid=\"100\""); /* rank 3 of top 2 */
	has_line(b, "statsd_checkout_latency_seconds_count 10");
	free(b);
	/* the target exits: its verdict, JVM and run-queue wait go with it */
	{
		struct frame *f = full_frame(2);

		f->target->alive = false;
		free(f->leak);
		f->leak = NULL;
		update_with(m, f);
	}
	b = render(m, METRICS_OPENMETRICS);
	lacks(b, "vigil_leak_");
	lacks(b, "vigil_jvm_old_max_bytes 1"); /* the frame still carries a reading */
	lacks(b, "vigil_target_");
	has_line(b, "vigil_ticks_total 3");
	free(b);
	metrics_free(m);
}

/* A cgroup target (-c) has no pid: its series are labelled by its path, and
 * its leak verdict (on memory.current) is served like a process's. */
static void test_cgroup_target(void **state)
{
	struct metrics *m = metrics_new(NULL);
	struct frame *f = full_frame(0);
	char *b;

	(void)state;
	f->target->pid = 0;
	f->target->is_cgroup = true;
	f->target->have = TARGET_HAVE_STATUS;
	snprintf(f->target->cgroup, sizeof(f->target->cgroup), "/system.slice/db");
	snprintf(f->leak->source, sizeof(f->leak->source), "cgroup");
	metrics_update(m, f);
	frame_unref(f);
	b = render(m, METRICS_OPENMETRICS);
	has_line(b, "vigil_target_resident_memory_bytes{cgroup=\"/system.slice/db\"} "
		    "1048576");
	lacks(b, "pid=\"0\"");
	has_line(
		b,
		"vigil_leak_verdict{source=\"cgroup\",vigil_leak_verdict=\"growing\"} 1");
	free(b);
	metrics_free(m);
}

static void test_promtool_text(void **state)
{
	struct metrics *m = full_metrics();
	char *b = render(m, METRICS_TEXT);

	(void)state;
	if (!have_promtool()) {
		free(b);
		metrics_free(m);
		skip();
	}
	/* node_exporter's schedstat families are among what promtool reads */
	has_line(b, "node_schedstat_running_seconds_total{cpu=\"0\"} 1.5");
	has_line(b, "node_schedstat_waiting_seconds_total{cpu=\"2\"} 0");
	has_line(b, "node_schedstat_timeslices_total{cpu=\"0\"} 4200");
	promtool_text(b);
	free(b);
	metrics_free(m);
}

static void test_promtool_openmetrics(void **state)
{
	struct metrics *m = full_metrics();
	char *b = render(m, METRICS_OPENMETRICS);

	(void)state;
	has_line(b, "node_schedstat_timeslices_total{cpu=\"0\"} 4200");
	om_structure(b);
	if (have_promtool())
		promtool_openmetrics(b);
	free(b);
	metrics_free(m);
	if (!have_promtool())
		skip();
}
static struct app_metrics *named_tick(const char *const *names, const char *kinds)
{
	struct app_metrics *a = app_metrics_new();
	size_t n = strlen(kinds);
	struct hdr *h = hdr_new();

	hdr_record(h, 1000000, 1);
	a->n = n;
	a->metrics = xcalloc(n, sizeof(*a->metrics));
	for (size_t i = 0; i < n; i++)
		a->metrics[i] = (struct app_metric){
			.name = xstrdup(names[i]),
			.kind = kinds[i],
			.count = 1,
			.value = 1,
			.hist = kinds[i] == APP_TIMER ? hdr_compact(h) : NULL};
	app_metrics_sort(a);
	hdr_free(h);
	return a;
}

/* Names that sanitise alike, a counter and a gauge of one name, a gauge
 * shaped like a counter's sample, and a built-in family's name: one family
 * each, never a name twice, and the first comer keeps the plain name. */
static void test_statsd_collisions(void **state)
{
	const char *const names[] = {"a.b",
				     "a_b",
				     "x",
				     "x",
				     "x_total",
				     "node.load1",
				     "t#le:5,__x:1,bare,k:\"v\"\n"};
	struct metrics_config *c;
	struct metrics *m;
	struct frame *f;
	char err[128], *b;

	(void)state;
	assert_int_equal(
		metrics_config_parse("statsd-prefix none\n", "t", &c, err, sizeof(err)),
		0);
	m = metrics_new(c);
	metrics_config_free(c);
	f = sys_frame(0);
	f->app = named_tick(names, "ccgcgg"
				   "t");
	metrics_update(m, f);
	frame_unref(f);
	b = render(m, METRICS_OPENMETRICS);
	om_structure(b);
	has_line(b, "a_b_total 1"); /* "a.b" sorts first: the plain name */
	assert_non_null(strstr(b, "\n# TYPE a_b_")); /* "a_b": a hashed one */
	has_line(b, "# TYPE x counter");
	assert_non_null(strstr(b, "\n# TYPE x_")); /* the gauge "x": hashed */
	/* a gauge "x_total" would be the counter x's sample: hashed */
	lacks(b, "\nx_total 1\nx_total");
	has_line(b, "node_load1 0.5"); /* the host's, not StatsD's */
	lacks(b, "\nnode_load1 1\n");  /* no prefix: the clash is left out */
	has_line(b, "t_seconds_count{tag_le=\"5\",tag___x=\"1\",k=\"\\\"v\\\"\\n\"} 1");
	free(b);
	b = render(m, METRICS_TEXT);
	if (have_promtool())
		promtool_text_lint(b, false); /* "a_b": "b" is an abbreviated unit */
	free(b);
	metrics_free(m);
}

/* ---- the config file ---- */

static void test_config_errors(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{"groups x comm y\n", "t:1: unknown setting 'groups'"},
		{"\n# c\ngroup x\n",
		 "t:3: expected 'group NAME comm COMM...' or 'group NAME "
		 "cmdline REGEX'"},
		{"group x pid 3\n",
		 "t:1: expected 'comm' or 'cmdline' after the group name"},
		{"group x cmdline a(b\n", "t:1: bad regex 'a(b': "},
		{"top -1\n", "t:1: expected 'top N' with N from 0 to 100"},
		{"top 101\n", "t:1: expected 'top N' with N from 0 to 100"},
		{"statsd-buckets 0.1 0.05\n", "t:1: bucket bounds must ascend"},
		{"statsd-buckets 0 1\n",
		 "t:1: expected bucket bounds in seconds, each > 0"},
		{"statsd-buckets\n", "t:1: expected at least one bucket bound"},
		{"statsd-prefix 1x\n", "t:1: the prefix must be a metric name"},
	};
	struct metrics_config *c = (void *)1;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			metrics_config_parse(bad[i].text, "t", &c, err, sizeof(err)), -1);
		assert_null(c);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)))
			fail_msg("'%s': got '%s', want '%s'", bad[i].text, err,
				 bad[i].err);
	}
	assert_int_equal(metrics_config_load("/nonexistent/vigil/metrics.conf", &c, err,
					     sizeof(err)),
			 -1);
	assert_string_equal(err, "cannot read '/nonexistent/vigil/metrics.conf': No such "
				 "file or directory");
}

/* Buckets and prefix from a file: timers use those bounds, names the prefix. */
static void test_config_file(void **state)
{
	const char *const names[] = {"db.query", "done_total", "wait_seconds"};
	char dir[64], path[128], err[256], *b;
	struct metrics_config *c;
	struct metrics *m;
	struct frame *f;

	(void)state;
	tempdir_make(dir, sizeof(dir), "om");
	snprintf(path, sizeof(path), "%s/metrics.conf", dir);
	write_file(path, "# mine\nstatsd-buckets 0.0005 0.002   # tight\n"
			 "statsd-prefix app_\ntop 0\n");
	assert_int_equal(metrics_config_load(path, &c, err, sizeof(err)), 0);
	tempdir_remove(dir);
	m = metrics_new(c);
	metrics_config_free(c);
	f = sys_frame(0);
	f->app = named_tick(names, "tct");
	metrics_update(m, f);
	frame_unref(f);
	b = render(m, METRICS_TEXT);
	has_line(b, "app_done_total 1");	 /* not app_done_total_total */
	has_line(b, "app_wait_seconds_count 1"); /* not _seconds_seconds */
	has_line(b, "app_db_query_seconds_bucket{le=\"0.0005\"} 0");
	has_line(b, "app_db_query_seconds_bucket{le=\"0.002\"} 1");
	has_line(b, "app_db_query_seconds_bucket{le=\"+Inf\"} 1");
	lacks(b, "le=\"0.005\"");
	lacks(b, "vigil_process_"); /* top 0 */
	free(b);
	metrics_free(m);
}

/* ---- processes ---- */

static void add_proc(struct frame *f, int pid, const char *comm, uint64_t cpu_s,
		     double pct, uint64_t rss)
{
	struct proc_row *r;

	f->procs.rows = xrealloc(f->procs.rows, (f->procs.n + 1) * sizeof(*r));
	r = &f->procs.rows[f->procs.n++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->state = 'S';
	r->threads = 1;
	r->cpu_ticks = cpu_s * om_hz();
	r->start_ticks = 7;
	r->cpu_pct = pct;
	r->rss_bytes = rss;
	snprintf(r->comm, sizeof(r->comm), "%s", comm);
	r->cmdline = xstrdup(comm);
}

/* A group's CPU counter never goes back: a member that exits leaves its
 * CPU in it; a new member brings its whole CPU. */
static void test_group_cpu_monotonic(void **state)
{
	struct metrics_config *c;
	struct metrics *m;
	struct frame *f;
	char err[128], *b;

	(void)state;
	assert_int_equal(metrics_config_parse("group w cmdline ^work\n", "t", &c, err,
					      sizeof(err)),
			 0);
	m = metrics_new(c);
	metrics_config_free(c);
	f = sys_frame(0);
	add_proc(f, 10, "work", 100, 0, 0);
	add_proc(f, 11, "work", 50, 0, 0);
	add_proc(f, 12, "other", 999, 0, 0);
	update_with(m, f);
	f = sys_frame(1); /* 11 exited; 10 used 5 s more; 13 started */
	add_proc(f, 10, "work", 105, 0, 0);
	add_proc(f, 13, "work", 2, 0, 0);
	update_with(m, f);
	b = render(m, METRICS_TEXT);
	has_line(b, "namedprocess_namegroup_cpu_seconds_total{groupname=\"w\"} 157");
	has_line(b, "namedprocess_namegroup_num_procs{groupname=\"w\"} 2");
	free(b);
	f = sys_frame(2); /* pid 10 reused by a new process: its CPU is new */
	add_proc(f, 10, "work", 1, 0, 0);
	f->procs.rows[0].start_ticks = 99;
	add_proc(f, 13, "work", 2, 0, 0);
	update_with(m, f);
	b = render(m, METRICS_TEXT);
	has_line(b, "namedprocess_namegroup_cpu_seconds_total{groupname=\"w\"} 158");
	free(b);
	metrics_free(m);
}

/* The top set: enters in the top N, stays while in the top 2N, leaves
 * below it or when it exits; never more than 2N series. */
static void test_top_hysteresis(void **state)
{
	struct metrics_config *c;
	struct metrics *m;
	struct frame *f;
	char err[128], *b;

	(void)state;
	assert_int_equal(metrics_config_parse("top 1\n", "t", &c, err, sizeof(err)), 0);
	m = metrics_new(c);
	metrics_config_free(c);
	f = sys_frame(0);
	add_proc(f, 1, "a", 10, 50, 100);
	add_proc(f, 2, "b", 10, 40, 200);
	add_proc(f, 3, "c", 10, 30, 300);
	update_with(m, f);
	b = render(m, METRICS_TEXT);
	has_line(b, "vigil_process_cpu_seconds_total{pid=\"1\",comm=\"a\"} 10");
	lacks(b, "pid=\"2\",comm=\"b\"} 10");
	has_line(b, "vigil_process_resident_memory_bytes{pid=\"3\",comm=\"c\"} 300");
	free(b);
	f = sys_frame(1); /* b overtakes a: b enters, a (2nd of 2N = 2) stays */
	add_proc(f, 1, "a", 11, 40, 100);
	add_proc(f, 2, "b", 11, 60, 200);
	add_proc(f, 3, "c", 11, 30, 300);
	update_with(m, f);
	b = render(m, METRICS_TEXT);
	has_line(b, "vigil_process_cpu_seconds_total{pid=\"1\",comm=\"a\"} 11");
	has_line(b, "vigil_process_cpu_seconds_total{pid=\"2\",comm=\"b\"} 11");
	free(b);
	f = sys_frame(2); /* a falls to 3rd, below the top 2N: it leaves */
	add_proc(f, 1, "a", 12, 10, 100);
	add_proc(f, 2, "b", 12, 60, 200);
	add_proc(f, 3, "c", 12, 30, 300);
	update_with(m, f);
	b = render(m, METRICS_TEXT);
	lacks(b, "vigil_process_cpu_seconds_total{pid=\"1\"");
	has_line(b, "vigil_process_cpu_seconds_total{pid=\"2\",comm=\"b\"} 12");
	lacks(b, "vigil_process_cpu_seconds_total{pid=\"3\""); /* never top 1 */
	free(b);
	f = sys_frame(3); /* b exits */
	add_proc(f, 1, "a", 12, 10, 100);
	add_proc(f, 3, "c", 12, 30, 300);
	update_with(m, f);
	b = render(m, METRICS_TEXT);
	lacks(b, "pid=\"2\"");
	has_line(b, "vigil_process_cpu_seconds_total{pid=\"3\",comm=\"c\"} 12");
	free(b);
	metrics_free(m);
}

/* Alerts appear pending or firing and go when they resolve. */
static void test_alerts_resolve(void **state)
{
	struct metrics *m = metrics_new(NULL);
	const char *const states[] = {"pending", "firing", "resolved"};
	char *b;

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct frame *f = sys_frame((uint64_t)i);

		f->nalerts = 1;
		f->alerts = xcalloc(1, sizeof(*f->alerts));
		snprintf(f->alerts[0].rule, sizeof(f->alerts[0].rule), "cpu");
		snprintf(f->alerts[0].severity, sizeof(f->alerts[0].severity),
			 "critical");
		snprintf(f->alerts[0].state, sizeof(f->alerts[0].state), "%s", states[i]);
		update_with(m, f);
		b = render(m, METRICS_TEXT);
		if (i < 2) {
			char line[128];

			snprintf(line, sizeof(line),
				 "vigil_alert{rule=\"cpu\",severity=\"critical\",state="
				 "\"%s\"} 1",
				 states[i]);
			has_line(b, line);
		} else {
			lacks(b, "vigil_alert");
		}
		free(b);
	}
	metrics_free(m);
}

/* ---- threads ---- */

static void *updater(void *arg)
{
	struct metrics *m = arg;

	for (uint64_t seq = 0; seq < 200; seq++)
		update_with(m, full_frame(seq));
	return NULL;
}

/* Scrapes while the sampler publishes: every body is whole and valid, and
 * the frames the renders held are freed once (ASan in the sanitizer build). */
static void test_render_while_updating(void **state)
{
	struct metrics *m = metrics_new(NULL);
	pthread_t th;
	uint64_t last = 0;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, updater, m), 0);
	for (int i = 0; i < 50; i++) {
		char *b = render(m, METRICS_OPENMETRICS);
		unsigned long long ticks = 0;

		om_structure(b);
		assert_int_equal(sscanf(strstr(b, "\nvigil_ticks_total "),
					"\nvigil_ticks_total %llu", &ticks),
				 1);
		assert_true(ticks >= last); /* a counter never goes back */
		last = ticks;
		free(b);
	}
	assert_int_equal(pthread_join(th, NULL), 0);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_text),
		cmocka_unit_test(test_node_openmetrics),
		cmocka_unit_test(test_before_first_frame),
		cmocka_unit_test(test_statsd_cumulative),
		cmocka_unit_test(test_full_lines),
		cmocka_unit_test(test_promtool_text),
		cmocka_unit_test(test_promtool_openmetrics),
		cmocka_unit_test(test_statsd_collisions),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_group_cpu_monotonic),
		cmocka_unit_test(test_top_hysteresis),
		cmocka_unit_test(test_alerts_resolve),
		cmocka_unit_test(test_render_while_updating),
		cmocka_unit_test(test_cgroup_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
