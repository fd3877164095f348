/* SPDX-License-Identifier: MIT */
/*
 * test_prometheus: a real Prometheus server (Debian's `prometheus`) scrapes
 * `vigil record --listen` on loopback every second, and its query API is
 * compared with the machine and with what was sent:
 *
 * - node_memory_MemTotal_bytes equals /proc/meminfo's MemTotal in bytes;
 * - rate(node_cpu_seconds_total[20s]) summed over every mode and CPU is the
 *   number of CPUs within 15% (each CPU spends one second per second in some
 *   mode), and the cpu label has as many values as /proc/stat has cpuN lines;
 * - histogram_quantile(0.9) over the StatsD timer statsd_send sent (2000
 *   known values, whose exact p90 it prints) falls in the bucket that holds
 *   the exact p90, and the histogram's _count is what was sent.
 *
 * Prometheus gets a generated config, its storage in the test's directory
 * and a free loopback port. Every wait is a bounded poll of the query API.
 * Skipped (not failed) when the prometheus binary is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "scrape.h"

#define TIMER_VALUES 2000

static char dir[64];
static pid_t vigil_pid, prom_pid;
static char prom_url[64];

/* A free loopback port of type (SOCK_STREAM, SOCK_DGRAM) from the kernel. */
static int free_port(int type)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type, 0), port;

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (prom_pid > 0) {
		kill(prom_pid, SIGTERM);
		waitpid(prom_pid, NULL, 0);
	}
	if (vigil_pid > 0)
		vigil_end(vigil_pid);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The query's first result value as a number; NAN when there is none. */
static double query(const char *promql)
{
	char cmd[1024], out[65536], value[64];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd),
		 "curl -s --max-time 10 '%s/api/v1/query' --data-urlencode 'query=%s'",
		 prom_url, promql);
	p = popen(cmd, "r");
	if (!p)
		return NAN;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	jq(out, ".data.result[0].value[1]", value, sizeof(value));
	return value[0] && strcmp(value, "null") ? atof(value) : NAN;
}

/* Polls (up to 120 s) until query(promql) >= want; returns the last value. */
static double query_until(const char *promql, double want)
{
	double v = NAN;

	for (int i = 0; i < 240; i++) {
		v = query(promql);
		if (v >= want)
			break;
		sleep_ms(500);
	}
	return v;
}

static void start_prometheus(const char *target)
{
	char path[128], log[128], config[512], flag_cfg[160], flag_data[160],
		flag_web[96];
	int port = free_port(SOCK_STREAM);
	FILE *f;

	snprintf(path, sizeof(path), "%s/prometheus.yml", dir);
	snprintf(config, sizeof(config),
		 "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
		 "scrape_configs:\n  - job_name: vigil\n    static_configs:\n"
		 "      - targets: ['%s']\n",
		 target);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(config, f);
	fclose(f);
	snprintf(flag_cfg, sizeof(flag_cfg), "--config.file=%s", path);
	snprintf(flag_data, sizeof(flag_data), "--storage.tsdb.path=%s/data", dir);
	snprintf(flag_web, sizeof(flag_web), "--web.listen-address=127.0.0.1:%d", port);
	snprintf(prom_url, sizeof(prom_url), "http://127.0.0.1:%d", port);
	snprintf(log, sizeof(log), "%s/prometheus.log", dir);
	prom_pid = fork();
	if (prom_pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		chdir(dir);
		execlp("prometheus", "prometheus", flag_cfg, flag_data, flag_web,
		       (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 240; i++) {
		char ready[160];

		snprintf(ready, sizeof(ready), "%s/-/ready", prom_url);
		if (curl("", ready, NULL).status == 200)
			return;
		if (waitpid(prom_pid, NULL, WNOHANG) == prom_pid) {
			char text[4096];

			prom_pid = 0;
			fail_msg("prometheus ended: %s", slurp(log, text, sizeof(text)));
		}
		sleep_ms(250);
	}
	fail_msg("prometheus never became ready");
}

static unsigned long long meminfo_total_bytes(void)
{
	char line[256];
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

static int proc_stat_cpus(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/stat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "cpu", 3) && line[3] >= '0' && line[3] <= '9')
			n++;
	if (f)
		fclose(f);
	return n;
}

/* Sends the timer; the exact p90 statsd_send printed, in seconds. */
static double send_timer(int statsd_port)
{
	char cmd[4400], out[256], port[16];
	const char *p90;
	FILE *p;

	snprintf(port, sizeof(port), "%d", statsd_port);
	snprintf(cmd, sizeof(cmd), "'%s' 127.0.0.1 %s api.latency %d 7 20000",
		 fixture_path("statsd_send"), port, TIMER_VALUES);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, sizeof(out), p))
		out[0] = '\0';
	assert_int_equal(pclose(p), 0);
	p90 = strstr(out, "p90=");
	assert_non_null(p90);
	return atof(p90 + 4) / 1000;
}

static void test_prometheus_scrapes_vigil(void **state)
{
	static const double bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
					0.5,   1,    2.5,   5,	  10};
	char session[128], errlog[128], url[128], target[64], statsd[32];
	int statsd_port, ncpu = proc_stat_cpus();
	double v, p90, lo = 0, hi = INFINITY;

	(void)state;
	if (system("command -v prometheus >/dev/null 2>&1") != 0)
		skip();
	snprintf(dir, sizeof(dir), "%s", temp_dir());
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	snprintf(errlog, sizeof(errlog), "%s/stderr", dir);
	statsd_port = free_port(SOCK_DGRAM);
	snprintf(statsd, sizeof(statsd), "127.0.0.1:%d", statsd_port);
	{
		const char *args[] = {"record",	     "-o",	 session, "-i",
				      "250ms",	     "--statsd", statsd,  "--listen",
				      "127.0.0.1:0", NULL};

		vigil_pid = vigil_start_logged(errlog, args);
	}
	assert_int_equal(wait_metrics_url(vigil_pid, errlog, url, sizeof(url)), 0);
	snprintf(target, sizeof(target), "%.*s", (int)strcspn(url + 7, "/"), url + 7);
	start_prometheus(target);

	/* memory: exactly /proc/meminfo's */
	v = query_until("node_memory_MemTotal_bytes", 1);
	assert_true(v == (double)meminfo_total_bytes());

	/* the timer: every value counted, p90 in the exact p90's bucket */
	p90 = send_timer(statsd_port);
	v = query_until("statsd_api_latency_seconds_count", TIMER_VALUES);
	assert_true(v == TIMER_VALUES);
	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
		if (p90 <= bounds[i]) {
			hi = bounds[i];
			lo = i ? bounds[i - 1] : 0;
			break;
		}
	v = query("histogram_quantile(0.9, statsd_api_latency_seconds_bucket)");
	print_message("histogram_quantile(0.9) %g s, exact p90 %g s\n", v, p90);
	if (!(v >= lo && v <= hi))
		fail_msg("histogram_quantile(0.9) = %g, exact p90 %g is in (%g, %g]", v,
			 p90, lo, hi);

	/* CPU: as many cpu labels as cpuN lines, and ncpu seconds per second */
	assert_true(query("count(count by (cpu) (node_cpu_seconds_total))") == ncpu);
	/* rate() over a window the series fills: younger, it extrapolates short */
	query_until(
		"count_over_time(node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}[30s])",
		25);
	v = query("sum(rate(node_cpu_seconds_total[20s]))");
	print_message("sum(rate(node_cpu_seconds_total[20s])) %g, %d CPUs\n", v, ncpu);
	if (!(fabs(v - ncpu) <= 0.15 * ncpu))
		fail_msg("sum of CPU rates %g, %d CPUs", v, ncpu);
	assert_int_equal(vigil_end(vigil_pid), 0);
	vigil_pid = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_prometheus_scrapes_vigil, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
