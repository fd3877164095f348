/* SPDX-License-Identifier: MIT */
/*
 * metrics_http: the HTTP side of --listen: GET /metrics for Prometheus,
 * served by libmicrohttpd (Debian's libmicrohttpd, with GnuTLS for TLS).
 *
 *   GET|HEAD /metrics  the renderer's body: OpenMetrics 1.0.0 when the
 *                      Accept header asks for application/openmetrics-text,
 *                      else the Prometheus text format 0.0.4; gzip when
 *                      Accept-Encoding allows it
 *   GET|HEAD /         a small HTML page pointing at /metrics
 *   other paths        404; other methods 405 (Allow: GET, HEAD)
 *
 * With a web config (core/webconfig.h): TLS from its PEMs, a client
 * certificate checked as client_auth_type says (403 when it fails), and
 * basic auth on every path (401 with WWW-Authenticate) against its bcrypt
 * hashes. A verified (user, password) is remembered as a SHA-256 digest, so
 * a scraper pays bcrypt once, not on every scrape.
 *
 * Threads: one libmicrohttpd polling thread ("MHD-single" until its first
 * request names it "vigil-metrics") serves every connection without
 * blocking on any; the render callback runs there, never on the sampler
 * thread. A connection limit (in total and per client
 * address) and an idle timeout bound what slow or hostile clients hold; none
 * of it can delay a tick, which never waits on this thread.
 */
#ifndef VIGIL_CMD_METRICS_HTTP_H
#define VIGIL_CMD_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/webconfig.h"

/* An example in the docs, not a default: vigil binds only what --listen says
 * (9464 is free beside node_exporter's 9100 and process-exporter's 9256). */
#define METRICS_HTTP_EXAMPLE_PORT 9464
#define METRICS_HTTP_CONN_MAX 32       /* connections at once */
#define METRICS_HTTP_CONN_PER_IP 8     /* of them from one client address */
#define METRICS_HTTP_IDLE_TIMEOUT_S 10 /* a connection silent this long is closed */

/*
 * Renders the metrics: 0 with *body (malloc'd, taken over by the server) and
 * *len, or -1 (the scrape gets 500). Called on the server's thread.
 */
typedef int (*metrics_http_render_fn)(void *ctx, bool openmetrics, char **body,
				      size_t *len);

struct metrics_http_config {
	const char *listen; /* "HOST:PORT", "[IPV6]:PORT" or "PORT" (127.0.0.1) */
	/* TLS and basic auth, or NULL for plain HTTP without auth; borrowed
	 * until metrics_http_stop */
	const struct webconfig *web;
	metrics_http_render_fn render;
	void *ctx;
};

struct metrics_http;

/*
 * Binds cfg->listen and starts the server thread. Returns 0 with *out, or
 * with *out NULL: -EINVAL for an address that cannot be parsed (a usage
 * error: "'x' is not a numeric IPv4 or IPv6 address"), another -errno when
 * it cannot be bound or served ("cannot bind 127.0.0.1:9464: Address
 * already in use", "this libmicrohttpd has no TLS support").
 */
int metrics_http_start(const struct metrics_http_config *cfg, struct metrics_http **out,
		       char *err, size_t errlen);
/* Stops the thread, closes every connection and the socket; NULL ignored. */
void metrics_http_stop(struct metrics_http *s);
/* "http://127.0.0.1:9464/metrics" (https with TLS; the port bound for 0). */
const char *metrics_http_url(const struct metrics_http *s);
/* True when only this host can connect (127.0.0.0/8, ::1). */
bool metrics_http_is_loopback(const struct metrics_http *s);

/* Content negotiation, pure: true when the Accept header's value (NULL:
 * none) prefers OpenMetrics (version 1.0.0, 0.0.1 or none given) at least as
 * much as the text format. */
bool metrics_http_wants_openmetrics(const char *accept);
/* True when Accept-Encoding (NULL: none) accepts gzip with a q above 0. */
bool metrics_http_wants_gzip(const char *accept_encoding);

#endif
