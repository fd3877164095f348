/* SPDX-License-Identifier: MIT */
/*
 * test_latency_live: the latency room against real processes and real packets.
 *
 * - A known distribution of 100k timer values sent over UDP comes back from
 *   `report --json` with p50..p99.9 and max equal to the exact ones (which
 *   the sender prints) within the histogram's stated relative error.
 * - A target competing with CPU hogs on this machine waits for a CPU a far
 *   larger share of its runnable time than the same target alone.
 * (A StatsD address that is taken or refused: test_access.)
 */
#include <setjmp.h>
#include <stdarg.h>
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
		      "-d", "6s", "-o", session, "-p", pid, (char *)NULL);
		_exit(127);
	}
	sleep_ms(1000); /* the listener is up once recording started */
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
