/* SPDX-License-Identifier: MIT */
/*
 * test_latency_live: the latency room against real processes and real packets.
 *
 * - A known distribution of 100k timer values sent over UDP comes back from
 *   `report --json` with p50..p99.9 and max equal to the exact ones (which
 *   the sender prints) within the histogram's stated relative error.
 * - A target competing with CPU hogs on this machine waits for a CPU a far
 *   larger share of its runnable time than the same target alone.
 * - Known timers (sub-microsecond digits, one above 1 h), counters and
 *   gauges sent in one datagram come back exactly from `report --json` and
 *   `export --metrics`, rates over the time the data covers.
 * (A StatsD address that is taken or refused: test_access.)
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

static char dir[64], session[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", temp_dir());
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	fixtures_stop_all();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A UDP port nobody uses now, from the kernel; the socket is closed again. */
static int free_udp_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), port;

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* "p50=3.076 p90=..." -> the value after key= */
/*
 * Waits (up to 60 s) for the recorder's first tick: vigil binds its StatsD
 * listener before its sampler starts, so the listener is up by then.
 */
static void wait_first_tick(void)
{
	uint64_t ticks = 0;

	for (int i = 0; i < 1200 && (session_last_tick(session, &ticks), ticks < 1); i++)
		sleep_ms(50);
	assert_true(ticks >= 1);
}

static double field(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	assert_non_null(p);
	return atof(p + strlen(key));
}

/* Equal within the histogram's bound (value/1024) plus the sender's rounding
 * to a microsecond and printing to 3 decimals. */
static void assert_close(double got, double want)
{
	if (fabs(got - want) > want / 1024.0 + 0.002)
		fail_msg("got %.3f ms, exact %.3f ms", got, want);
}

static void test_timer_percentiles_are_exact(void **state)
{
	char addr[32], port[8], exact[256], cmd[4200];
	struct run_result r;
	pid_t target, rec;
	FILE *p;
	int status;

	(void)state;
	target = fixture_start("sleeper", NULL);
	assert_true(target > 0);
	snprintf(port, sizeof(port), "%d", free_udp_port());
	snprintf(addr, sizeof(addr), "127.0.0.1:%s", port);
	rec = fork();
	if (rec == 0) {
		char pid[16];

		snprintf(pid, sizeof(pid), "%d", (int)target);
		execl(vigil_bin(), "vigil", "record", "--statsd", addr, "-i", "200ms",
		      "-d", "4s", "-o", session, "-p", pid, (char *)NULL);
		_exit(127);
	}
	wait_first_tick();
	snprintf(cmd, sizeof(cmd), "%s 127.0.0.1 %s api.request 100000 7 100000",
		 fixture_path("statsd_send"), port);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(exact, sizeof(exact), p));
	pclose(p);
	waitpid(rec, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, ".latency.timers[\"api.request\"].count") == 100000);
	assert_close(jq_num(r.out, ".latency.timers[\"api.request\"].p50_ms"),
		     field(exact, "p50="));
	assert_close(jq_num(r.out, ".latency.timers[\"api.request\"].p90_ms"),
		     field(exact, "p90="));
	assert_close(jq_num(r.out, ".latency.timers[\"api.request\"].p99_ms"),
		     field(exact, "p99="));
	assert_close(jq_num(r.out, ".latency.timers[\"api.request\"].p999_ms"),
		     field(exact, "p999="));
	assert_close(jq_num(r.out, ".latency.timers[\"api.request\"].max_ms"),
		     field(exact, "max="));
}

/* The value of column name in the one CSV row where it is not empty. */
static double export_cell(const char *csv, const char *name, long long *t_ms)
{
	char head[8192];
	const char *nl = strchr(csv, '\n'), *row;
	int col = 0, k;
	bool found = false;

	assert_non_null(nl);
	snprintf(head, sizeof(head), "%.*s", (int)(nl - csv), csv);
	for (char *tok = strtok(head, ",\r"); tok; tok = strtok(NULL, ",\r"), col++)
		if (!strcmp(tok, name)) {
			found = true;
			break;
		}
	if (!found)
		fail_msg("no column '%s'", name);
	for (row = nl + 1; *row; row = strchr(row, '\n') + 1) {
		const char *p = row;

		for (k = 0; k < col; k++)
			p = strchr(p, ',') + 1;
		if (*p != ',' && *p != '\r') {
			*t_ms = atoll(row);
			return atof(p);
		}
		if (!strchr(row, '\n'))
			break;
	}
	fail_msg("column '%s' is empty in every row", name);
	return 0;
}

static void test_statsd_kinds_exact(void **state)
{
	/* one datagram, so every line lands in one tick */
	static const char lines[] =
		"mix:0.0005|ms\nmix:0.0005|ms\nmix:0.0005|ms\nmix:0.0005|ms\n"
		"mix:0.0005|ms\nmix:0.0009|ms\nmix:0.0009|ms\nmix:0.0009|ms\n"
		"mix:0.0009|ms\nmix:15.4|ms\nsub:0.0014|ms\nsub:0.0154|ms\n"
		"big:3600000.5|ms\nbig:1|ms\n"
		"req:5|c\nreq:5|c\nreq:5|c\nreq:5|c\nreq:2|c|@0.5\n"
		"q:10|g\nq:+5|g\nq:-12|g\nq:7|g";
	char addr[32], port[8], cmd[5000];
	struct run_result r;
	pid_t rec;
	int status;
	long long t_data = 0, t_last = 0;
	double interval_s = 0.2, covered;

	(void)state;
	snprintf(port, sizeof(port), "%d", free_udp_port());
	snprintf(addr, sizeof(addr), "127.0.0.1:%s", port);
	rec = fork();
	if (rec == 0) {
		execl(vigil_bin(), "vigil", "record", "--statsd", addr, "-i", "200ms",
		      "-d", "2s", "-o", session, (char *)NULL);
		_exit(127);
	}
	wait_first_tick();
	snprintf(cmd, sizeof(cmd), "%s 127.0.0.1 %s --raw '%s'",
		 fixture_path("statsd_send"), port, lines);
	assert_int_equal(system(cmd), 0);
	waitpid(rec, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	/* 5 x 500 ns, 4 x 900 ns, 15.4 ms: ranks 5, 9, 10 of 10 */
	assert_true(jq_num(r.out, ".latency.timers.mix.count") == 10);
	assert_true(jq_num(r.out, ".latency.timers.mix.p50_ms") == 0.0005);
	assert_true(jq_num(r.out, ".latency.timers.mix.p90_ms") == 0.0009);
	assert_true(jq_num(r.out, ".latency.timers.mix.p99_ms") == 15.4);
	assert_true(jq_num(r.out, ".latency.timers.mix.p999_ms") == 15.4);
	assert_true(jq_num(r.out, ".latency.timers.mix.max_ms") == 15.4);
	/* 1.4 us and 15.4 us: min and max, exact */
	assert_true(jq_num(r.out, ".latency.timers.sub.p50_ms") == 0.0014);
	assert_true(jq_num(r.out, ".latency.timers.sub.max_ms") == 0.0154);
	/* above 1 h: clamped, counted */
	assert_true(jq_num(r.out, ".latency.timers.big.clamped") == 1);
	assert_true(jq_num(r.out, ".latency.timers.big.max_ms") == 3600000);
	assert_true(jq_num(r.out, ".latency.timers.big.p50_ms") == 1);
	/* 4 x 5 + 2 / 0.5 */
	assert_true(jq_num(r.out, ".latency.counters.req.total") == 24);
	assert_true(jq_num(r.out, ".latency.counters.req.count") == 5);
	/* 10, 15, 3, 7 */
	assert_true(jq_num(r.out, ".latency.gauges.q.last") == 7);
	assert_true(jq_num(r.out, ".latency.gauges.q.min") == 3);
	assert_true(jq_num(r.out, ".latency.gauges.q.max") == 15);

	run_vigil(&r, "export", session, "--metrics");
	assert_int_equal(r.status, 0);
	assert_true(export_cell(r.out, "app.counter.req", &t_data) == 24);
	/* per second of the 200 ms interval */
	assert_true(export_cell(r.out, "app.counter.req.rate", &t_data) == 120);
	assert_true(export_cell(r.out, "app.gauge.q", &t_data) == 7);
	assert_true(export_cell(r.out, "app.gauge.q.min", &t_data) == 3);
	assert_true(export_cell(r.out, "app.gauge.q.max", &t_data) == 15);
	assert_true(export_cell(r.out, "app.timer.mix.p50_ms", &t_data) == 0.0005);
	assert_true(export_cell(r.out, "app.timer.mix.p90_ms", &t_data) == 0.0009);
	assert_true(export_cell(r.out, "app.timer.mix.max_ms", &t_data) == 15.4);
	assert_true(export_cell(r.out, "app.timer.sub.p50_ms", &t_data) == 0.0014);
	assert_true(export_cell(r.out, "app.timer.big.clamped", &t_data) == 1);
	/* the rate over the time covered: from the data's tick (its interval
	 * included) to the session's last tick */
	for (const char *row = r.out; (row = strstr(row, "\r\n")) && row[2]; row += 2)
		t_last = atoll(row + 2); /* the last row's t_ms */
	run_vigil(&r, "report", session, "--json");
	covered = (double)(t_last - t_data) / 1000.0 + interval_s;
	assert_true(fabs(jq_num(r.out, ".latency.counters.req.per_s") - 24 / covered) <
		    0.001);
	assert_true(fabs(jq_num(r.out, ".latency.timers.mix.per_s") - 10 / covered) <
		    0.001);
}

/* The target's average run-queue wait share over a short recording. */
static double wait_share(pid_t target)
{
	struct run_result r;
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)target);
	remove_session(session);
	run_vigil(&r, "record", "-i", "250ms", "-d", "3s", "-o", session, "-f", "-p", pid,
		  "--statsd", "off");
	assert_int_equal(r.status, 0);
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	return jq_num(r.out, ".latency.run_delay.wait_share_avg");
}

static void test_run_queue_wait_under_contention(void **state)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t target = fixture_start("busy", NULL);
	double alone, crowded;

	(void)state;
	assert_true(target > 0);
	alone = wait_share(target);
	/* two hogs per CPU: the target gets about a third of a CPU */
	for (long i = 0; i < 2 * ncpu; i++)
		assert_true(fixture_start("busy", NULL) > 0);
	crowded = wait_share(target);
	print_message("run-queue wait share: alone %.1f%%, crowded %.1f%%\n", alone,
		      crowded);
	assert_true(alone >= 0 && crowded <= 100);
	assert_true(crowded > 40);
	assert_true(crowded > alone + 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timer_percentiles_are_exact, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_queue_wait_under_contention,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_statsd_kinds_exact, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
