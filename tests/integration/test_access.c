/* SPDX-License-Identifier: MIT */
/*
 * test_access: who may reach vigil and what vigil may read, through the real
 * binary.
 *
 * - StatsD: a listener other hosts can reach (0.0.0.0) is said on stderr and
 *   the recording goes on; a loopback one is not mentioned. An explicit
 *   --statsd that cannot be parsed or bound (garbage, a port out of range, a
 *   port this test holds) exits 2 with "vigil: --statsd 'x': why" and leaves
 *   no session file; the default address taken stays a warning.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"

static char dir[64], session[128];

static int setup(void **state)
{
	char *d = temp_dir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
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

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- StatsD ---- */

static void test_statsd_exposed_is_said(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "record", "--statsd", "0.0.0.0:0", "-d", "500ms", "-i", "100ms",
		  "-o", session);
	assert_int_equal(r.status, 0);
	/* the port the kernel picked is named, not the 0 that was asked for */
	assert_non_null(strstr(r.err, "vigil: warning: StatsD listener on 0.0.0.0:"));
	assert_null(strstr(r.err, "0.0.0.0:0 "));
	assert_int_equal(
		count(r.err, "accepts packets from any host that can reach this one"), 1);
	assert_int_equal(access(session, F_OK), 0);
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
}

static void test_statsd_loopback_is_quiet(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "record", "--statsd", "127.0.0.1:0", "-d", "500ms", "-i", "100ms",
		  "-o", session);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.err, "StatsD"));
	assert_int_equal(access(session, F_OK), 0);
}

/* record --statsd addr: exit 2, one "vigil: --statsd 'addr': why" line, no file */
static void assert_statsd_refused(const char *addr, const char *why)
{
	char want[160];
	struct run_result r;

	run_vigil(&r, "record", "--statsd", addr, "-d", "500ms", "-i", "100ms", "-o",
		  session);
	snprintf(want, sizeof(want), "vigil: --statsd '%s': %s", addr, why);
	if (r.status != 2 || strncmp(r.err, want, strlen(want)))
		fail_msg("--statsd '%s': status %d, stderr '%s'", addr, r.status, r.err);
	assert_int_equal(access(session, F_OK), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_statsd_bad_is_usage_error(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char held[32];

	(void)state;
	assert_statsd_refused("nonsense", "missing port");
	assert_statsd_refused("127.0.0.1:99999",
			      "port '99999' is out of range (0-65535)");
	assert_statsd_refused("localhost:8125", "'localhost' is not a numeric");
	/* a port this test holds: parsed fine, refused by bind, before any file */
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(held, sizeof(held), "127.0.0.1:%d", ntohs(a.sin_port));
	assert_statsd_refused(held, "cannot bind: address already in use");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_statsd_exposed_is_said, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_statsd_loopback_is_quiet, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_statsd_bad_is_usage_error, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
