/* SPDX-License-Identifier: MIT */
/*
 * test_metrics_http: the /metrics server with a stand-in renderer: content
 * negotiation as Prometheus, curl and odd clients send it; the answers to
 * each path and method over a real loopback socket (status, headers, body,
 * gzip that inflates back, two scrapes on one kept connection); basic auth with bcrypt
 * hashes made here; and the start errors (a bad address, a taken port). TLS is driven
 * with curl in the integration test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "cmd/metrics_http.h"

#define BODY_TEXT "# HELP up a test\n# TYPE up gauge\nup 1\n"

struct fake {
	int calls;
	bool last_om;
	bool fail;
	size_t repeat; /* the body this many times (gzip needs some size) */
};

static int fake_render(void *ctx, bool openmetrics, char **body, size_t *len)
{
	struct fake *f = ctx;
	size_t one = strlen(BODY_TEXT), n = f->repeat ? f->repeat : 1;

	f->calls++;
	f->last_om = openmetrics;
	if (f->fail)
		return -1;
	*body = malloc(one * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(*body + i * one, BODY_TEXT, one);
	*len = one * n;
	return 0;
}

static void test_negotiation(void **state)
{
	(void)state;
	/* Prometheus 2.42's scrape Accept header */
	assert_true(metrics_http_wants_openmetrics(
		"application/openmetrics-text;version=1.0.0,application/"
		"openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/"
		"*;q=0.1"));
	assert_true(metrics_http_wants_openmetrics("application/openmetrics-text"));
	assert_true(metrics_http_wants_openmetrics(
		" application/openmetrics-text ; version=0.0.1 ; q=0.9 , "
		"text/plain;q=0.5"));
	assert_false(metrics_http_wants_openmetrics(NULL));
	assert_false(metrics_http_wants_openmetrics(""));
	assert_false(metrics_http_wants_openmetrics("*/*"));
	assert_false(metrics_http_wants_openmetrics("text/plain;version=0.0.4"));
	assert_false(metrics_http_wants_openmetrics(
		"application/openmetrics-text;version=2.0.0"));
	assert_false(metrics_http_wants_openmetrics(
		"text/plain;q=1,application/openmetrics-text;q=0.5"));
	assert_false(metrics_http_wants_openmetrics("application/openmetrics-text;q=0"));
	assert_false(metrics_http_wants_openmetrics("application/json, text/html"));
	assert_false(metrics_http_wants_openmetrics(";;;,,=,q=,version"));

	assert_true(metrics_http_wants_gzip("gzip"));
	assert_true(metrics_http_wants_gzip("deflate, gzip;q=0.5"));
	assert_true(metrics_http_wants_gzip("*"));
	assert_false(metrics_http_wants_gzip(NULL));
	assert_false(metrics_http_wants_gzip("identity"));
	assert_false(metrics_http_wants_gzip("gzip;q=0"));
	assert_false(metrics_http_wants_gzip("gzipx, br"));
}

struct server {
	struct metrics_http *s;
	int port;
	struct fake fake;
};

static void server_start(struct server *sv, const struct webconfig *web)
{
	struct metrics_http_config cfg = {"127.0.0.1:0", web, fake_render, &sv->fake};
	char err[256] = "";
	const char *url, *colon;

	memset(&sv->fake, 0, sizeof(sv->fake));
	if (metrics_http_start(&cfg, &sv->s, err, sizeof(err)) < 0)
		fail_msg("cannot start: %s", err);
	url = metrics_http_url(sv->s);
	assert_true(!strncmp(url, "http://127.0.0.1:", 17));
	colon = strrchr(url, ':');
	sv->port = atoi(colon + 1);
	assert_true(sv->port > 0);
	assert_true(metrics_http_is_loopback(sv->s));
}

/* Sends request (CRLFs and all) and reads the whole answer into a buffer
 * the caller frees; *len its length. */
static char *http(int port, const char *request, size_t *len)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t got;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, request, strlen(request)), (ssize_t)strlen(request));
	while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)got;
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static char *get(int port, const char *method, const char *path, const char *headers)
{
	char req[1024];

	snprintf(req, sizeof(req),
		 "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n", method, path,
		 headers ? headers : "");
	return http(port, req, NULL);
}

static int status_of(const char *answer)
{
	assert_true(!strncmp(answer, "HTTP/1.1 ", 9));
	return atoi(answer + 9);
}

static const char *body_of(const char *answer)
{
	const char *b = strstr(answer, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

/* The header's value (up to CRLF) in a static buffer, or NULL. */
static const char *header_of(const char *answer, const char *name)
{
	static char value[256];
	const char *end = strstr(answer, "\r\n\r\n");

	for (const char *p = strstr(answer, "\r\n"); p && p < end;
	     p = strstr(p + 2, "\r\n"))
		if (!strncasecmp(p + 2, name, strlen(name)) &&
		    p[2 + strlen(name)] == ':') {
			const char *v = p + 2 + strlen(name) + 1;

			while (*v == ' ')
				v++;
			snprintf(value, sizeof(value), "%.*s", (int)strcspn(v, "\r"), v);
			return value;
		}
	return NULL;
}

static void test_paths_and_methods(void **state)
{
	struct server sv;
	char *a;

	(void)state;
	server_start(&sv, NULL);
	a = get(sv.port, "GET", "/metrics", NULL);
	assert_int_equal(status_of(a), 200);
	assert_string_equal(header_of(a, "Content-Type"),
			    "text/plain; version=0.0.4; charset=utf-8");
	assert_string_equal(body_of(a), BODY_TEXT);
	assert_false(sv.fake.last_om);
	free(a);

	a = get(sv.port, "GET", "/metrics",
		"Accept: "
		"application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n");
	assert_int_equal(status_of(a), 200);
	assert_string_equal(header_of(a, "Content-Type"),
			    "application/openmetrics-text; version=1.0.0; charset=utf-8");
	assert_true(sv.fake.last_om);
	free(a);

	a = get(sv.port, "HEAD", "/metrics", NULL);
	assert_int_equal(status_of(a), 200);
	assert_string_equal(body_of(a), "");
	free(a);

	a = get(sv.port, "GET", "/", NULL);
	assert_int_equal(status_of(a), 200);
	assert_non_null(strstr(body_of(a), "href=\"/metrics\""));
	free(a);

	a = get(sv.port, "GET", "/metrics/x", NULL);
	assert_int_equal(status_of(a), 404);
	free(a);
	a = get(sv.port, "POST", "/metrics", "Content-Length: 3\r\n\r\nabc");
	assert_int_equal(status_of(a), 405);
	assert_string_equal(header_of(a, "Allow"), "GET, HEAD");
	free(a);
	a = get(sv.port, "DELETE", "/", NULL);
	assert_int_equal(status_of(a), 405);
	free(a);

	/* keep-alive: two scrapes on one connection, both answered */
	a = http(sv.port,
		 "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
		 "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		 NULL);
	assert_int_equal(status_of(a), 200);
	assert_non_null(strstr(strstr(a, BODY_TEXT) + 1, "HTTP/1.1 200 OK"));
	free(a);

	sv.fake.fail = true;
	a = get(sv.port, "GET", "/metrics", NULL);
	assert_int_equal(status_of(a), 500);
	free(a);
	assert_int_equal(sv.fake.calls, 6); /* GET, GET, HEAD, two on one, failed */
	metrics_http_stop(sv.s);
}

static void test_gzip(void **state)
{
	struct server sv;
	char *a, out[1 << 16];
	const char *b;
	z_stream z = {0};
	size_t len;

	(void)state;
	server_start(&sv, NULL);
	sv.fake.repeat = 100;
	a = http(sv.port,
		 "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		 "Accept-Encoding: gzip\r\n\r\n",
		 &len);
	assert_int_equal(status_of(a), 200);
	assert_string_equal(header_of(a, "Content-Encoding"), "gzip");
	b = body_of(a);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)b;
	z.avail_in = (uInt)(len - (size_t)(b - a));
	z.next_out = (unsigned char *)out;
	z.avail_out = sizeof(out);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, 100 * strlen(BODY_TEXT));
	assert_int_equal(memcmp(out, BODY_TEXT, strlen(BODY_TEXT)), 0);
	inflateEnd(&z);
	free(a);
	metrics_http_stop(sv.s);
}

static const char *bcrypt_of(const char *password, char *out)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;

	memset(&cd, 0, sizeof(cd));
	assert_non_null(crypt_gensalt_rn("$2y$", 4, "0123456789abcdef", 16, salt,
					 (int)sizeof(salt)));
	assert_non_null(crypt_rn(password, salt, &cd, (int)sizeof(cd)));
	memcpy(out, cd.output, 61);
	return out;
}

static void test_basic_auth(void **state)
{
	struct webconfig web;
	struct server sv;
	char text[256], h[64], err[256];
	char *a;

	(void)state;
	snprintf(text, sizeof(text), "basic_auth_users:\n  alice: %s\n",
		 bcrypt_of("s3cret", h));
	assert_int_equal(
		webconfig_parse(text, strlen(text), NULL, &web, err, sizeof(err)), 0);
	server_start(&sv, &web);
	a = get(sv.port, "GET", "/metrics", NULL);
	assert_int_equal(status_of(a), 401);
	assert_string_equal(header_of(a, "WWW-Authenticate"), "Basic realm=\"vigil\"");
	free(a);
	/* alice:wrong */
	a = get(sv.port, "GET", "/metrics", "Authorization: Basic YWxpY2U6d3Jvbmc=\r\n");
	assert_int_equal(status_of(a), 401);
	free(a);
	/* bob:s3cret */
	a = get(sv.port, "GET", "/metrics", "Authorization: Basic Ym9iOnMzY3JldA==\r\n");
	assert_int_equal(status_of(a), 401);
	free(a);
	/* not even base64 */
	a = get(sv.port, "GET", "/", "Authorization: Basic ###\r\n");
	assert_int_equal(status_of(a), 401);
	free(a);
	assert_int_equal(sv.fake.calls, 0);
	/* alice:s3cret, twice (the second from the cache) */
	for (int i = 0; i < 2; i++) {
		a = get(sv.port, "GET", "/metrics",
			"Authorization: Basic YWxpY2U6czNjcmV0\r\n");
		assert_int_equal(status_of(a), 200);
		assert_string_equal(body_of(a), BODY_TEXT);
		free(a);
	}
	/* the cache keeps a digest of the good password, not a pass for alice */
	a = get(sv.port, "GET", "/metrics", "Authorization: Basic YWxpY2U6d3Jvbmc=\r\n");
	assert_int_equal(status_of(a), 401);
	free(a);
	assert_int_equal(sv.fake.calls, 2);
	metrics_http_stop(sv.s);
	webconfig_release(&web);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void test_start_errors(void **state)
{
	struct metrics_http_config cfg = {"localhost:9", NULL, fake_render, NULL};
	struct metrics_http *s = (struct metrics_http *)&cfg, *first;
	struct server sv;
	char err[256];
	int before = open_fds();

	(void)state;
	assert_int_equal(metrics_http_start(&cfg, &s, err, sizeof(err)), -EINVAL);
	assert_null(s);
	assert_non_null(strstr(err, "not a numeric IPv4 or IPv6 address"));
	cfg.listen = "::1:9464";
	assert_int_equal(metrics_http_start(&cfg, &s, err, sizeof(err)), -EINVAL);

	server_start(&sv, NULL);
	first = sv.s;
	snprintf(err, sizeof(err), "127.0.0.1:%d", sv.port);
	cfg.listen = err;
	assert_int_equal(metrics_http_start(&cfg, &s, err, sizeof(err)), -EADDRINUSE);
	assert_null(s);
	assert_non_null(strstr(err, "cannot bind 127.0.0.1:"));
	assert_non_null(strstr(err, "Address already in use"));
	metrics_http_stop(first);
	assert_int_equal(open_fds(), before); /* the listening socket is closed */
	metrics_http_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_paths_and_methods),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_basic_auth),
		cmocka_unit_test(test_start_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
