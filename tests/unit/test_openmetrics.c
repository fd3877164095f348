/* SPDX-License-Identifier: MIT */
/*
 * test_openmetrics: /metrics bodies made from frames built by hand, checked
 * line by line (node_exporter's names and units, StatsD histograms folded
 * across ticks, process groups that keep their CPU when members exit, the
 * top-N set's entry and exit, alerts and the leak state set), both formats
 * checked by Prometheus' own parsers (promtool check metrics for the text
 * format; promtool's OpenMetrics backfill reader for OpenMetrics) plus our
 * own structural check of OpenMetrics, the config file's errors, and name
 * sanitising over random bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/exposition.h"
#include "analysis/openmetrics.h"
#include "core/hdr.h"
#include "core/xalloc.h"
#include "tempdir.h"

static long hz;

/* A frame with two cores, memory, load, PSI, a disk and an interface. */
static struct frame *sys_frame(uint64_t seq)
{
	struct frame *f = frame_new();
	struct sys_sample *s = &f->sys;

	f->seq = seq;
	f->t_ms = 1700000000000 + (int64_t)seq * 1000;
	f->cost_ns = 2500000;
	s->have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG |
		  SYS_HAVE_DISKSTATS | SYS_HAVE_NETDEV;
	s->ncores = 2;
	s->cores = xcalloc(2, sizeof(*s->cores));
	s->cores[0].cpu = 0;
	s->cores[0].t = (struct cpu_times){.user = 150 * (uint64_t)hz,
					   .system = 3 * (uint64_t)hz,
					   .idle = 1000 * (uint64_t)hz};
	s->cores[1].cpu = 2; /* cpu1 offline */
	s->cores[1].t = (struct cpu_times){.user = (uint64_t)hz / 2, .steal = 7};
	s->ctxt = 123456789;
	s->forks = 4242;
	s->procs_running = 3;
	s->procs_blocked = 1;
	s->boot_time_s = 1699990000;
	s->mem_total = 8ull << 30;
	s->mem_free = 1ull << 30;
	s->mem_available = 5ull << 30;
	s->buffers = 1000;
	s->cached = 2ull << 30;
	s->swap_total = 0;
	s->swap_free = 0;
	s->load1 = 0.5;
	s->load5 = 1.25;
	s->load15 = 2;
	s->psi[PSI_CPU] = (struct psi){.present = true, .some.total_us = 1500000};
	s->psi[PSI_MEMORY] = (struct psi){.present = true,
					  .has_full = true,
					  .some.total_us = 20,
					  .full.total_us = 10};
	s->ndisks = 2;
	s->disks = xcalloc(2, sizeof(*s->disks));
	snprintf(s->disks[0].name, FRAME_DEV_MAX, "sda");
	s->disks[0].reads = 10;
	s->disks[0].read_sectors = 8;
	s->disks[0].read_ms = 1500;
	s->disks[0].io_ms = 2000;
	snprintf(s->disks[1].name, FRAME_DEV_MAX, "loop0");
	s->nnets = 1;
	s->nets = xcalloc(1, sizeof(*s->nets));
	snprintf(s->nets[0].name, FRAME_DEV_MAX, "eth0");
	s->nets[0].rx_bytes = 1000;
	s->nets[0].tx_drop = 2;
	return f;
}

static char *render(struct metrics *m, enum metrics_format fmt)
{
	char *body;
	size_t len;

	assert_int_equal(metrics_render(m, fmt, &body, &len), 0);
	assert_non_null(body);
	assert_int_equal(strlen(body), len);
	return body;
}

/* Fails unless body holds line as a whole line. */
static void has_line(const char *body, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = body; (p = strstr(p, line)); p++)
		if ((p == body || p[-1] == '\n') && p[n] == '\n')
			return;
	fprintf(stderr, "--- body:\n%s--- end\n", body);
	fail_msg("missing line: %s", line);
}

static void lacks(const char *body, const char *text)
{
	if (strstr(body, text))
		fail_msg("unexpected: %s", text);
}

/* ---- Prometheus' own parsers ---- */

static bool have_promtool(void)
{
	return system("command -v promtool >/dev/null 2>&1") == 0;
}

/* Runs a shell command, its output into out (cap bytes); returns its exit status. */
static int run(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	assert_non_null(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const char *body)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(body, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/*
 * promtool check metrics on a text body: no parse error (status 1), and
 * its lint (status 3) only for node_exporter's own camelCase names
 * (node_memory_MemTotal_bytes: vigil keeps node_exporter's names).
 */
static void promtool_text(const char *body)
{
	char dir[64], path[128], cmd[512], out[8192];
	int rc;

	tempdir_make(dir, sizeof(dir), "om");
	snprintf(path, sizeof(path), "%s/metrics.prom", dir);
	write_file(path, body);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' 2>&1", path);
	rc = run(cmd, out, sizeof(out));
	tempdir_remove(dir);
	if (rc == 3) {
		for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
			if (strncmp(line, "node_memory_", 12) ||
			    !strstr(line, "'snake_case' not 'camelCase'"))
				fail_msg("promtool: %s", line);
		return;
	}
	if (rc != 0)
		fail_msg("promtool check metrics: status %d: %s", rc, out);
}

/*
 * OpenMetrics through Prometheus' OpenMetrics parser: promtool's backfill
 * reads OpenMetrics (it wants a timestamp on every sample, so one is added)
 * and refuses what it cannot parse (and a missing "# EOF").
 */
static void promtool_openmetrics(const char *body)
{
	char dir[64], path[128], cmd[512], out[8192];
	size_t n = strlen(body);
	char *stamped = xmalloc(n * 2 + 64), *w = stamped;
	int rc;

	for (const char *line = body; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		memcpy(w, line, len);
		w += len;
		if (line[0] != '#')
			w += sprintf(w, " 1700000000");
		*w++ = '\n';
		line += len + (end != NULL);
	}
	*w = '\0';
	tempdir_make(dir, sizeof(dir), "om");
	snprintf(path, sizeof(path), "%s/metrics.om", dir);
	write_file(path, stamped);
	free(stamped);
	snprintf(cmd, sizeof(cmd),
		 "promtool tsdb create-blocks-from openmetrics '%s' '%s/blocks' 2>&1",
		 path, dir);
	rc = run(cmd, out, sizeof(out));
	tempdir_remove(dir);
	if (rc != 0)
		fail_msg("promtool openmetrics: status %d: %s", rc, out);
}

/* The name part of a sample line (up to '{' or ' '), into out. */
static void sample_name(const char *line, char *out, size_t cap)
{
	size_t n = strcspn(line, "{ ");

	assert_true(n < cap);
	memcpy(out, line, n);
	out[n] = '\0';
}

/*
 * What OpenMetrics asks beyond the grammar promtool checks: every family has
 * HELP and TYPE once, UNIT is its name's suffix, samples follow their family
 * with the suffixes of its type, a state set's samples carry its own name as
 * a label with value 0 or 1, a histogram's +Inf bucket equals its count, and
 * "# EOF" ends it.
 */
static void om_structure(const char *body)
{
	char *copy = xstrdup(body), *save = NULL, fam[256] = "", type[32] = "";
	char seen[64][256];
	size_t nseen = 0, nlines = 0;
	bool eof = false, has_help = false;
	double inf = -1;

	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), nlines++) {
		char name[256], what[16], arg[256];

		assert_false(eof); /* nothing after # EOF */
		if (!strcmp(line, "# EOF")) {
			eof = true;
			continue;
		}
		if (line[0] == '#') {
			assert_int_equal(
				sscanf(line, "# %15s %255s %255s", what, name, arg), 3);
			if (!strcmp(what, "HELP")) {
				for (size_t i = 0; i < nseen; i++)
					if (!strcmp(seen[i], name))
						fail_msg("family %s twice", name);
				assert_true(nseen < 64 || 1);
				if (nseen < 64)
					snprintf(seen[nseen++], 256, "%s", name);
				snprintf(fam, sizeof(fam), "%s", name);
				has_help = true;
				type[0] = '\0';
			} else if (!strcmp(what, "TYPE")) {
				assert_true(has_help);
				assert_string_equal(name, fam);
				snprintf(type, sizeof(type), "%s", arg);
			} else {
				size_t nl = strlen(name), ul = strlen(arg);

				assert_string_equal(what, "UNIT");
				assert_string_equal(name, fam);
				assert_true(nl > ul && !strcmp(name + nl - ul, arg) &&
					    name[nl - ul - 1] == '_');
			}
			continue;
		}
		assert_true(type[0]); /* a sample belongs to a typed family */
		sample_name(line, name, sizeof(name));
		assert_int_equal(strncmp(name, fam, strlen(fam)), 0);
		snprintf(arg, sizeof(arg), "%s", name + strlen(fam));
		if (!strcmp(type, "counter")) {
			assert_string_equal(arg, "_total");
		} else if (!strcmp(type, "histogram")) {
			double v = strtod(strrchr(line, ' ') + 1, NULL);

			if (strstr(line, "le=\"+Inf\""))
				inf = v;
			if (!strcmp(arg, "_count")) {
				assert_true(inf == v); /* +Inf came first and agrees */
				inf = -1;
			}
			assert_true(!strcmp(arg, "_bucket") || !strcmp(arg, "_count") ||
				    !strcmp(arg, "_sum"));
		} else if (!strcmp(type, "stateset")) {
			char label[300];

			assert_string_equal(arg, "");
			snprintf(label, sizeof(label), "%s=\"", fam);
			assert_non_null(strstr(line, label));
			assert_true(!strcmp(strrchr(line, ' '), " 0") ||
				    !strcmp(strrchr(line, ' '), " 1"));
		} else {
			assert_string_equal(type, "gauge");
			assert_string_equal(arg, "");
		}
	}
	assert_true(eof);
	assert_true(nlines > 0);
	free(copy);
}

static void test_node_text(void **state)
{
	struct metrics *m = metrics_new(NULL);
	struct frame *f = sys_frame(0);
	char *b;

	(void)state;
	metrics_update(m, f);
	frame_unref(f);
	b = render(m, METRICS_TEXT);
	has_line(b, "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.");
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
	has_line(b, "vigil_ticks_total 1");
	has_line(b, "vigil_last_tick_cost_seconds 0.0025");
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
static struct app_metrics *statsd_tick(const char *timer, const uint64_t *ms, size_t n,
				       double counter, double gauge)
{
	struct app_metrics *a = app_metrics_new();
	struct hdr *h = hdr_new();

	for (size_t i = 0; i < n; i++)
		hdr_record(h, ms[i] * 1000000, 1);
	a->n = 3;
	a->metrics = xcalloc(3, sizeof(*a->metrics));
	a->metrics[0] = (struct app_metric){.name = xstrdup(timer),
					    .kind = APP_TIMER,
					    .count = n,
					    .hist = hdr_compact(h)};
	a->metrics[1] = (struct app_metric){.name = xstrdup("jobs.done"),
					    .kind = APP_COUNTER,
					    .count = 1,
					    .value = counter};
	a->metrics[2] = (struct app_metric){.name = xstrdup("queue.depth#env:prod"),
					    .kind = APP_GAUGE,
					    .value = gauge};
	app_metrics_sort(a);
	a->packets = 3;
	a->lines = 3 + 1;
	a->bad[APP_BAD_TYPE] = 1;
	hdr_free(h);
	return a;
}

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
	b = render(m, METRICS_OPENMETRICS);
	has_line(b, "# TYPE statsd_api_request_seconds histogram");
	has_line(b, "# UNIT statsd_api_request_seconds seconds");
	has_line(b, "# TYPE statsd_jobs_done counter");
	has_line(b, "statsd_jobs_done_total 2.5");
	free(b);
	metrics_free(m);
}

/* Everything at once: a target with a leak verdict, a JVM, alerts, groups
 * and StatsD, through both of Prometheus' parsers and our own check. */
static struct frame *full_frame(uint64_t seq)
{
	static const uint64_t ms[] = {1, 2, 3, 40, 900};
	struct frame *f = sys_frame(seq);
	struct target_sample *t = xcalloc(1, sizeof(*t));

	t->pid = 4242;
	t->alive = true;
	t->have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_SCHED;
	snprintf(t->comm, sizeof(t->comm), "we\"ird\\na\nme");
	t->vm_rss = 1 << 20;
	t->run_delay_ns = 1000000000 * (seq + 1);
	f->target = t;
	f->leak = xcalloc(1, sizeof(*f->leak));
	snprintf(f->leak->source, sizeof(f->leak->source), "rss");
	snprintf(f->leak->state, sizeof(f->leak->state), "growing");
	f->leak->rate_bytes_per_hour = 3600 * 1024;
	f->leak->confidence = 0.75;
	f->leak->floor_bytes = 5 << 20;
	f->leak->limit_bytes = 8ull << 30;
	f->leak->time_to_limit_s = 86400;
	f->jvm = xcalloc(1, sizeof(*f->jvm));
	f->jvm->have = JVM_HAVE_YOUNG | JVM_HAVE_OLD | JVM_HAVE_GC | JVM_HAVE_OLD_MAX;
	f->jvm->old_used = 100 << 20;
	f->jvm->old_max = 1ull << 30;
	f->jvm->full_gcs = 3;
	f->jvm->full_gc_ms = 250;
	f->nalerts = 1;
	f->alerts = xcalloc(1, sizeof(*f->alerts));
	snprintf(f->alerts[0].rule, sizeof(f->alerts[0].rule),
		 "target.rss > 1 GiB for 10s");
	snprintf(f->alerts[0].severity, sizeof(f->alerts[0].severity), "warning");
	snprintf(f->alerts[0].state, sizeof(f->alerts[0].state), "firing");
	f->procs.n = 3;
	f->procs.rows = xcalloc(3, sizeof(*f->procs.rows));
	for (int i = 0; i < 3; i++) {
		struct proc_row *r = &f->procs.rows[i];

		r->pid = 100 + i;
		r->state = "RSZ"[i];
		r->threads = 2;
		r->cpu_ticks = (uint64_t)(i + 1) * (uint64_t)hz;
		r->start_ticks = 10;
		r->start_ms = 1700000000000 - i * 1000;
		r->rss_bytes = (uint64_t)(i + 1) << 20;
		r->vsz_bytes = (uint64_t)(i + 1) << 22;
		r->cpu_pct = i;
		snprintf(r->comm, sizeof(r->comm), i ? "postgres" : "nginx");
		r->cmdline = xstrdup(i ? "postgres: writer" : "nginx: worker");
	}
	f->app = statsd_tick("checkout.latency", ms, 5, 1, 2);
	return f;
}

static struct metrics *full_metrics(void)
{
	struct metrics_config *c;
	struct metrics *m;
	char err[256];

	assert_int_equal(metrics_config_parse("group db comm postgres\n"
					      "group web cmdline ^nginx\n"
					      "top 2\n",
					      "test", &c, err, sizeof(err)),
			 0);
	m = metrics_new(c);
	metrics_config_free(c);
	for (uint64_t seq = 0; seq < 2; seq++) {
		struct frame *f = full_frame(seq);

		metrics_update(m, f);
		frame_unref(f);
	}
	metrics_update_recorder(m,
				&(struct metrics_recorder){.written = 2, .dropped = 1});
	return m;
}

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
	promtool_text(b);
	free(b);
	metrics_free(m);
}

static void test_promtool_openmetrics(void **state)
{
	struct metrics *m = full_metrics();
	char *b = render(m, METRICS_OPENMETRICS);

	(void)state;
	om_structure(b);
	if (have_promtool())
		promtool_openmetrics(b);
	free(b);
	metrics_free(m);
	if (!have_promtool())
		skip();
}

/* The checks above are not blind: each refuses a broken body. */
static void test_checks_refuse(void **state)
{
	char out[4096];
	int rc;

	(void)state;
	if (!have_promtool())
		skip();
	rc = run(
		"printf '# TYPE x counter\\nx{a=\"b} 1\\n' | promtool check metrics 2>&1",
		out, sizeof(out));
	assert_int_equal(rc, 1);
	rc = run("d=$(mktemp -d /tmp/vigil-om-XXXXXX) && printf '# TYPE x gauge\\nx 1 "
		 "1\\n' > "
		 "$d/m && promtool tsdb create-blocks-from openmetrics $d/m $d/b 2>&1; "
		 "s=$?; rm -rf \"$d\"; exit $s",
		 out, sizeof(out));
	assert_int_not_equal(rc, 0); /* no # EOF */
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
		cmocka_unit_test(test_checks_refuse),
	};

	hz = sysconf(_SC_CLK_TCK);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
