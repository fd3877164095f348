/* SPDX-License-Identifier: MIT */
/*
 * test_listen: `vigil record --listen` serving /metrics, driven with curl.
 *
 * - Both formats by the Accept header, each with its content type; the text
 *   body passes `promtool check metrics`, the OpenMetrics one Prometheus'
 *   OpenMetrics parser; gzip when asked; / points at
 *   /metrics; 404 elsewhere; 405 for POST; HEAD has no body.
 * - A web config with TLS (a CA and certificates made here with openssl) and
 *   bcrypt basic auth (hashes made here with crypt(3)): no or wrong
 *   credentials get 401, right ones 200 over https; plain http to it gets no
 *   answer. With client_auth_type RequireAndVerifyClientCert a scrape
 *   without a client certificate gets 403, with one the CA signed 200.
 * - Slow and silent clients (connected and sending nothing, one sending a
 *   byte at a time, then more connections than the server takes) do not
 *   stop ticks being written: the session's tick count advances while they
 *   hold their connections, and a scrape still gets its answer; clients
 *   that reset the connection mid-answer leave vigil serving.
 * - Refusals: an address that is not one, a taken port, a web config with
 *   an unknown key, --web-config alone, a certificate that is not PEM; none
 *   leaves a session file. An
 *   address other hosts can reach is served with a warning.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <crypt.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "scrape.h"

static char dir[64], session[128], errlog[128], body[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", temp_dir());
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	snprintf(errlog, sizeof(errlog), "%s/stderr", dir);
	snprintf(body, sizeof(body), "%s/body", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* record --listen 127.0.0.1:0 plus extra args; its URL into url. */
static pid_t start_recording(char *url, size_t cap, const char *web_config)
{
	const char *args[16] = {"record",   "-o",  session,    "-i",	      "200ms",
				"--statsd", "off", "--listen", "127.0.0.1:0", NULL};
	pid_t pid;

	remove_session(session);
	unlink(errlog); /* not to read the URL of the one before */
	if (web_config) {
		args[9] = "--web-config";
		args[10] = web_config;
	}
	pid = vigil_start_logged(errlog, args);
	if (wait_metrics_url(pid, errlog, url, cap) < 0) {
		char text[4096];

		fail_msg("vigil did not serve: %s", slurp(errlog, text, sizeof(text)));
	}
	return pid;
}

static void test_formats(void **state)
{
	char url[128], root[128], text[8192], out[4096];
	struct curl_answer a;
	pid_t pid;

	(void)state;
	pid = start_recording(url, sizeof(url), NULL);
	a = curl("", url, body);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.type, "text/plain; version=0.0.4; charset=utf-8");
	if (promtool_check(body, out, sizeof(out)) != 0)
		fail_msg("promtool: %s\n%s", out, slurp(body, text, sizeof(text)));
	assert_non_null(strstr(slurp(body, text, sizeof(text)), "# TYPE "));

	a = curl("-H 'Accept: "
		 "application/openmetrics-text;version=1.0.0,text/plain;q=0.5'",
		 url, body);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.type,
			    "application/openmetrics-text; version=1.0.0; charset=utf-8");
	if (promtool_openmetrics(body, out, sizeof(out)) != 0)
		fail_msg("promtool (OpenMetrics): %s", out);

	a = curl("--compressed", url, body);
	assert_int_equal(a.status, 200);
	assert_int_equal(promtool_check(body, out, sizeof(out)), 0);

	a = curl("-I", url, body); /* the headers go to body then */
	assert_int_equal(a.status, 200);
	assert_null(strstr(slurp(body, text, sizeof(text)), "# TYPE"));

	snprintf(root, sizeof(root), "%.*s", (int)(strlen(url) - strlen("metrics")), url);
	a = curl("", root, body);
	assert_int_equal(a.status, 200);
	assert_non_null(strstr(slurp(body, text, sizeof(text)), "href=\"/metrics\""));
	strcat(root, "nope");
	assert_int_equal(curl("", root, NULL).status, 404);
	assert_int_equal(curl("-X POST -d x=1", url, NULL).status, 405);
	assert_int_equal(vigil_end(pid), 0);
}

/* openssl: a CA, a server certificate for 127.0.0.1 and a client one it
 * signed, and a self-signed client certificate (rogue). */
static void make_certificates(void)
{
	char cmd[2048];

	snprintf(
		cmd, sizeof(cmd),
		"cd '%s' && exec >openssl.log 2>&1 && "
		"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
		"-nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=vigil-test-ca && "
		"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
		"-nodes -keyout rogue.key -out rogue.crt -days 2 -subj /CN=rogue && "
		"for who in server client; do "
		"openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		"-keyout $who.key -out $who.csr -subj /CN=$who || exit 1; done && "
		"printf 'subjectAltName=IP:127.0.0.1\\n' >server.ext && "
		"printf 'extendedKeyUsage=clientAuth\\n' >client.ext && "
		"for who in server client; do "
		"openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key "
		"-CAcreateserial -days 2 -extfile $who.ext -out $who.crt || exit 1; done",
		dir);
	assert_int_equal(system(cmd), 0);
}

/* A $2y$ bcrypt hash of password (cost 5), as htpasswd -B writes them. */
static void bcrypt_of(const char *password, char *out)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = calloc(1, sizeof(*cd));

	assert_non_null(crypt_gensalt_rn("$2y$", 5, NULL, 0, salt, (int)sizeof(salt)));
	assert_non_null(crypt_rn(password, salt, cd, (int)sizeof(*cd)));
	memcpy(out, cd->output, 61);
	free(cd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_tls_and_auth(void **state)
{
	char url[128], web[128], text[1024], hash[64], opts[512], out[4096];
	struct curl_answer a;
	pid_t pid;

	(void)state;
	make_certificates();
	bcrypt_of("pa:ss w0rd", hash);
	snprintf(web, sizeof(web), "%s/web.yml", dir);
	snprintf(text, sizeof(text),
		 "# as for node_exporter\ntls_server_config:\n  cert_file: server.crt\n"
		 "  key_file: server.key\nbasic_auth_users:\n  prometheus: %s\n",
		 hash);
	write_file(web, text);
	pid = start_recording(url, sizeof(url), web);
	assert_true(!strncmp(url, "https://127.0.0.1:", 18));

	snprintf(opts, sizeof(opts), "--cacert '%s/ca.crt'", dir);
	assert_int_equal(curl(opts, url, NULL).status, 401);
	snprintf(opts, sizeof(opts), "--cacert '%s/ca.crt' -u 'prometheus:wrong'", dir);
	assert_int_equal(curl(opts, url, NULL).status, 401);
	snprintf(opts, sizeof(opts), "--cacert '%s/ca.crt' -u 'alice:pa:ss w0rd'", dir);
	assert_int_equal(curl(opts, url, NULL).status, 401);
	snprintf(opts, sizeof(opts), "--cacert '%s/ca.crt' -u 'prometheus:pa:ss w0rd'",
		 dir);
	a = curl(opts, url, body);
	assert_int_equal(a.status, 200);
	assert_int_equal(promtool_check(body, out, sizeof(out)), 0);
	/* TLS 1.2 at least, as the toolkit's default */
	snprintf(opts, sizeof(opts),
		 "--cacert '%s/ca.crt' -u 'prometheus:pa:ss w0rd' --tls-max 1.1", dir);
	assert_int_equal(curl(opts, url, NULL).status, 0);
	/* plain http to the TLS port: no HTTP answer */
	snprintf(opts, sizeof(opts), "http%s", url + 5);
	assert_int_equal(curl("", opts, NULL).status, 0);
	assert_int_equal(vigil_end(pid), 0);

	/* a client certificate, verified against the CA */
	snprintf(text, sizeof(text),
		 "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
		 "  client_ca_file: ca.crt\n"
		 "  client_auth_type: RequireAndVerifyClientCert\n");
	write_file(web, text);
	pid = start_recording(url, sizeof(url), web);
	snprintf(opts, sizeof(opts), "--cacert '%s/ca.crt'", dir);
	assert_int_equal(curl(opts, url, NULL).status, 403);
	snprintf(opts, sizeof(opts),
		 "--cacert '%s/ca.crt' --cert '%s/client.crt' --key '%s/client.key'", dir,
		 dir, dir);
	assert_int_equal(curl(opts, url, NULL).status, 200);
	/* a certificate the CA did not sign */
	snprintf(opts, sizeof(opts),
		 "--cacert '%s/ca.crt' --cert '%s/rogue.crt' --key '%s/rogue.key'", dir,
		 dir, dir);
	assert_int_equal(curl(opts, url, NULL).status, 403);
	assert_int_equal(vigil_end(pid), 0);
}

static int connect_to(const char *url)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_port = htons((uint16_t)atoi(strrchr(url, ':') + 1));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Waits (bounded, 60 s) until the session holds `more` ticks beyond now,
 * sending one more byte of request on drip (if >= 0) between looks. */
static uint64_t ticks_advance(uint64_t more, int drip)
{
	static const char request[] = "GET /metrics HTTP/1.1\r\nHost: slow\r\nX-Pad: ";
	static size_t sent;
	uint64_t start, now = 0;

	session_last_tick(session, &start);
	for (int i = 0; i < 1200 && now < start + more; i++) {
		if (drip >= 0) {
			char c = sent < sizeof(request) - 1 ? request[sent] : 'x';

			assert_int_equal(send(drip, &c, 1, MSG_NOSIGNAL), 1);
			sent++;
		}
		sleep_ms(50);
		session_last_tick(session, &now);
	}
	return now - start;
}

static void test_slow_clients(void **state)
{
	char url[128];
	int silent[40], drip;
	pid_t pid;

	(void)state;
	pid = start_recording(url, sizeof(url), NULL);
	for (int i = 0; i < 5; i++)
		silent[i] = connect_to(url);
	drip = connect_to(url);
	assert_true(ticks_advance(5, drip) >= 5);
	/* another client still gets its scrape */
	assert_int_equal(curl("", url, NULL).status, 200);
	assert_true(ticks_advance(3, drip) >= 3);
	/* more than the server takes at once: ticks go on all the same */
	for (int i = 5; i < 40; i++)
		silent[i] = connect_to(url);
	assert_true(ticks_advance(5, drip) >= 5);
	for (int i = 0; i < 40; i++)
		close(silent[i]);
	close(drip);
	/* clients that reset the connection mid-answer: vigil takes no SIGPIPE.
	 * (The server may still be closing the connections above: one over its
	 * per-address limit is closed unanswered, and is tried again.) */
	for (int i = 0, tries = 0; i < 20 && tries < 400; tries++) {
		static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
		struct linger hard = {1, 0};
		char some[64];
		int fd = connect_to(url);

		if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) == sizeof(req) - 1 &&
		    read(fd, some, sizeof(some)) > 0) {
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
			i++;
		} else {
			sleep_ms(50);
		}
		close(fd);
		assert_true(i == 20 || tries < 399);
	}
	for (int i = 0; i < 200 && curl("", url, NULL).status != 200; i++)
		sleep_ms(50);
	assert_int_equal(curl("", url, NULL).status, 200);
	assert_int_equal(vigil_end(pid), 0);
}

static void test_refusals(void **state)
{
	struct run_result *r = malloc(sizeof(*r));
	char web[128], taken[128];
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	remove_session(session);
	run_vigil(r, "record", "-o", session, "-d", "1s", "--listen", "localhost:9464");
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "vigil: --listen 'localhost:9464': 'localhost' is "
				       "not a numeric IPv4 or IPv6 address"));

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	snprintf(taken, sizeof(taken), "%d", ntohs(sa.sin_port));
	run_vigil(r, "record", "-o", session, "-d", "1s", "--statsd", "off", "--listen",
		  taken);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "cannot bind 127.0.0.1:"));
	assert_non_null(strstr(r->err, "Address already in use"));
	close(fd);
	assert_int_equal(access(session, F_OK), -1);

	snprintf(web, sizeof(web), "%s/web.yml", dir);
	write_file(web,
		   "tls_server_config:\n  cert_file: a\n  key_file: b\n  cafile: c\n");
	run_vigil(r, "record", "-o", session, "-d", "1s", "--statsd", "off", "--listen",
		  "0", "--web-config", web);
	assert_int_equal(r->status, 2);
	assert_non_null(
		strstr(r->err, "line 4: unknown key 'cafile' in tls_server_config"));
	run_vigil(r, "record", "-o", session, "-d", "1s", "--web-config", web);
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "--web-config needs --listen"));
	/* files that are not PEM: said, nothing recorded */
	snprintf(taken, sizeof(taken), "%s/junk", dir);
	write_file(taken, "not a certificate\n");
	write_file(web, "tls_server_config:\n  cert_file: junk\n  key_file: junk\n");
	run_vigil(r, "record", "-o", session, "-d", "1s", "--statsd", "off", "--listen",
		  "0", "--web-config", web);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "the TLS certificate or key was refused"));
	assert_int_equal(access(session, F_OK), -1);
	assert_int_equal(access(session, F_OK), -1);

	run_vigil(r, "record", "-o", session, "-d", "500ms", "--statsd", "off",
		  "--listen", "0.0.0.0:0");
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->err, "serving metrics at http://0.0.0.0:"));
	assert_non_null(strstr(r->err, "can be scraped by any host that can reach this "
				       "one (no TLS, no basic auth)"));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_and_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
