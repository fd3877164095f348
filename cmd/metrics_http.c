/* SPDX-License-Identifier: MIT */
/*
 * metrics_http: libmicrohttpd wired to the metrics renderer. The listening
 * socket is bound here (so a taken or bad address is said with its errno)
 * and handed to libmicrohttpd, which runs one internal polling thread. A
 * GET is answered in the access handler's second call, once the request is
 * complete, so the connection is kept for the next scrape; any other method
 * in the first, without reading its body.
 *
 * The auth cache (one SHA-256 of the last good password per user) is only
 * touched by the server thread, so it needs no lock.
 */
#include "cmd/metrics_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "collectors/statsd_listener.h"
#include "core/log.h"
#include "core/xalloc.h"

#define CT_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define CT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"
#define DIGEST_LEN 32
#define GZIP_MIN 512 /* smaller bodies go as they are */

struct auth_cache {
	bool valid;
	unsigned char digest[DIGEST_LEN];
};

struct metrics_http {
	struct MHD_Daemon *daemon;
	struct metrics_http_config cfg;
	struct statsd_addr bound;
	char url[96];
	char priorities[128];
	struct auth_cache *cache; /* per user of cfg.web */
	bool named;		  /* the server thread has its name */
};

static const char root_page[] =
	"<!DOCTYPE html>\n<html><head><title>vigil</title></head><body>\n"
	"<h1>vigil</h1>\n<p><a href=\"/metrics\">/metrics</a>: this host's figures "
	"for Prometheus (text 0.0.4 or OpenMetrics 1.0.0).</p>\n"
	"</body></html>\n";

/* One element of a comma-separated header: "[name][;k=v]*", trimmed. */
struct header_item {
	char name[64];
	char version[16];
	double q;
};

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Copies up to a delimiter in stop, trimmed, cut to cap. Returns the end. */
static const char *take_token(const char *s, const char *stop, char *out, size_t cap)
{
	size_t n = 0;

	s = skip_ws(s);
	while (*s && !strchr(stop, *s)) {
		if (n + 1 < cap)
			out[n++] = *s;
		s++;
	}
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
	return s;
}

/* Parses the item at s into it; returns where the next one starts or NULL. */
static const char *next_item(const char *s, struct header_item *it)
{
	char key[16], val[32];

	*it = (struct header_item){.q = 1};
	s = take_token(s, ",;", it->name, sizeof(it->name));
	while (*s == ';') {
		s = take_token(s + 1, "=,;", key, sizeof(key));
		val[0] = '\0';
		if (*s == '=')
			s = take_token(s + 1, ",;", val, sizeof(val));
		if (!strcasecmp(key, "q"))
			it->q = strtod(val, NULL);
		else if (!strcasecmp(key, "version"))
			snprintf(it->version, sizeof(it->version), "%s", val);
	}
	return *s == ',' ? s + 1 : NULL;
}

bool metrics_http_wants_openmetrics(const char *accept)
{
	double om = 0, text = 0;
	struct header_item it;

	for (const char *s = accept; s;) {
		s = next_item(s, &it);
		if (!strcasecmp(it.name, "application/openmetrics-text")) {
			if ((!it.version[0] || !strcmp(it.version, "1.0.0") ||
			     !strcmp(it.version, "0.0.1")) &&
			    it.q > om)
				om = it.q;
		} else if (!strcasecmp(it.name, "text/plain") ||
			   !strcasecmp(it.name, "text/*") || !strcmp(it.name, "*/*")) {
			if ((!it.version[0] || !strcmp(it.version, "0.0.4")) &&
			    it.q > text)
				text = it.q;
		}
	}
	return om > 0 && om >= text;
}

bool metrics_http_wants_gzip(const char *accept_encoding)
{
	struct header_item it;

	for (const char *s = accept_encoding; s;) {
		s = next_item(s, &it);
		if ((!strcasecmp(it.name, "gzip") || !strcmp(it.name, "*")) && it.q > 0)
			return true;
	}
	return false;
}

/* Replaces *body with its gzip form when that works; keeps it otherwise. */
static bool gzip_body(char **body, size_t *len)
{
	z_stream z = {0};
	uLong cap = compressBound((uLong)*len) + 32;
	unsigned char *out;
	bool ok;

	if (*len < GZIP_MIN ||
	    deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	out = xmalloc(cap);
	z.next_in = (unsigned char *)*body;
	z.avail_in = (uInt)*len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
	deflateEnd(&z);
	if (!ok) {
		free(out);
		return false;
	}
	free(*body);
	*body = (char *)out;
	*len = z.total_out;
	return true;
}

/* A static text answer; 401 adds WWW-Authenticate, 405 Allow. */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (status == MHD_HTTP_UNAUTHORIZED)
		rc = MHD_queue_basic_auth_fail_response(c, "vigil", r);
	else
		rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* True when the client certificate satisfies client_auth_type. */
static bool client_cert_ok(const struct metrics_http *s, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	gnutls_session_t tls;
	unsigned int n = 0, status = 1;
	bool given, verified;

	if (!s->cfg.web || s->cfg.web->client_auth == WEBCONFIG_NO_CLIENT_CERT ||
	    s->cfg.web->client_auth == WEBCONFIG_REQUEST_CLIENT_CERT)
		return true;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	tls = ci ? (gnutls_session_t)ci->tls_session : NULL;
	given = tls && gnutls_certificate_get_peers(tls, &n) && n > 0;
	verified = given && gnutls_certificate_verify_peers2(tls, &status) == 0 &&
		   status == 0;
	switch (s->cfg.web->client_auth) {
	case WEBCONFIG_REQUIRE_ANY_CLIENT_CERT:
		return given;
	case WEBCONFIG_VERIFY_CLIENT_CERT_GIVEN:
		return !given || verified;
	default:
		return verified;
	}
}

/* Basic auth against the web config's users, with the digest cache. */
static bool authorized(struct metrics_http *s, struct MHD_Connection *c)
{
	const struct webconfig *w = s->cfg.web;
	char *pass = NULL, *user;
	unsigned char digest[DIGEST_LEN];
	bool ok = false;

	if (!w || !w->nusers)
		return true;
	user = MHD_basic_auth_get_username_password(c, &pass);
	if (user && pass &&
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, pass, strlen(pass), digest) == 0) {
		for (size_t i = 0; i < w->nusers && !ok; i++)
			ok = s->cache[i].valid && !strcmp(w->users[i].name, user) &&
			     webconfig_equal(s->cache[i].digest, digest, DIGEST_LEN);
		if (!ok) {
			int i = webconfig_check_user(w, user, pass);

			ok = i >= 0;
			if (ok) {
				s->cache[i].valid = true;
				memcpy(s->cache[i].digest, digest, DIGEST_LEN);
			}
		}
	}
	if (pass) {
		memset(pass, 0, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

static enum MHD_Result serve_metrics(struct metrics_http *s, struct MHD_Connection *c)
{
	const char *accept =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_ACCEPT_ENCODING);
	bool om = metrics_http_wants_openmetrics(accept), gz = false;
	struct MHD_Response *r;
	enum MHD_Result rc;
	char *body = NULL;
	size_t len = 0;

	if (s->cfg.render(s->cfg.ctx, om, &body, &len) < 0) {
		free(body);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
			     "cannot render metrics\n");
	}
	if (metrics_http_wants_gzip(enc))
		gz = gzip_body(&body, &len);
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				om ? CT_OPENMETRICS : CT_TEXT);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept, Accept-Encoding");
	if (gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size,
				  void **req_cls)
{
	static int seen; /* its address marks a request whose headers were seen */
	struct metrics_http *s = cls;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET) ||
		   !strcmp(method, MHD_HTTP_METHOD_HEAD);

	(void)version;
	(void)upload_data;
	if (!s->named) {
		pthread_setname_np(pthread_self(), "vigil-metrics");
		s->named = true;
	}
	/* The first call has the headers. Another method is refused at once,
	 * its body unread (libmicrohttpd then closes the connection); a GET is
	 * answered once the request is complete, so the connection stays open
	 * for the next scrape. */
	if (!*req_cls) {
		*req_cls = &seen;
		return get ? MHD_YES
			   : reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
				   "method not allowed\n");
	}
	if (*upload_size) { /* a GET with a body: read and dropped */
		*upload_size = 0;
		return MHD_YES;
	}
	if (!client_cert_ok(s, c))
		return reply(c, MHD_HTTP_FORBIDDEN, "text/plain",
			     "a valid client certificate is required\n");
	if (!authorized(s, c))
		return reply(c, MHD_HTTP_UNAUTHORIZED, "text/plain", "unauthorized\n");
	if (!strcmp(url, "/metrics"))
		return serve_metrics(s, c);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", root_page);
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n");
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char line[256];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("metrics http: %s", line);
}

/* socket + bind + listen on s->bound; the descriptor or -errno with err. */
static int bind_socket(struct metrics_http *s, char *err, size_t errlen)
{
	struct sockaddr *sa = (struct sockaddr *)&s->bound.ss;
	int one = 1, fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;
	char where[64];

	statsd_addr_format(&s->bound, where, sizeof(where));
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", where, strerror(errno));
		return rc;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sa->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, sa, s->bound.len) < 0 || listen(fd, 16) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot bind %s: %s", where, strerror(errno));
		close(fd);
		return rc;
	}
	s->bound.len = sizeof(s->bound.ss);
	getsockname(fd, sa, &s->bound.len);
	return fd;
}

static struct MHD_Daemon *start_daemon(struct metrics_http *s, int fd)
{
	const struct webconfig *w = s->cfg.web;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem o[12];
	size_t n = 0;

	o[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
					 METRICS_HTTP_CONN_MAX, NULL};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
					 METRICS_HTTP_CONN_PER_IP, NULL};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
					 METRICS_HTTP_IDLE_TIMEOUT_S, NULL};
	if (s->cfg.web && w->tls) {
		flags |= MHD_USE_TLS;
		o[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, w->key_pem};
		o[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
						 w->cert_pem};
		o[n++] = (struct MHD_OptionItem){
			MHD_OPTION_HTTPS_PRIORITIES, 0,
			(void *)(uintptr_t)webconfig_tls_priorities(
				w, s->priorities, sizeof(s->priorities))};
		if (w->client_ca_pem)
			o[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0,
							 w->client_ca_pem};
	}
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	/* the logger first, or libmicrohttpd's own says the options before it */
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
				MHD_OPTION_ARRAY, o, MHD_OPTION_END);
}

int metrics_http_start(const struct metrics_http_config *cfg, struct metrics_http **out,
		       char *err, size_t errlen)
{
	struct metrics_http *s = xcalloc(1, sizeof(*s));
	bool tls = cfg->web && cfg->web->tls;
	char why[192], where[64];
	int fd;

	*out = NULL;
	s->cfg = *cfg;
	if (statsd_addr_parse(cfg->listen, &s->bound, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s", why);
		free(s);
		return -EINVAL;
	}
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, errlen, "this libmicrohttpd has no TLS support");
		free(s);
		return -ENOTSUP;
	}
	fd = bind_socket(s, err, errlen);
	if (fd < 0) {
		free(s);
		return fd;
	}
	s->cache = xcalloc(cfg->web && cfg->web->nusers ? cfg->web->nusers : 1,
			   sizeof(*s->cache));
	s->daemon = start_daemon(s, fd);
	statsd_addr_format(&s->bound, where, sizeof(where));
	if (!s->daemon) {
		snprintf(err, errlen, "cannot serve on %s%s", where,
			 tls ? ": the TLS certificate or key was refused" : "");
		close(fd);
		free(s->cache);
		free(s);
		return -EIO;
	}
	snprintf(s->url, sizeof(s->url), "%s://%s/metrics", tls ? "https" : "http",
		 where);
	*out = s;
	return 0;
}

void metrics_http_stop(struct metrics_http *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon); /* closes the listening socket too */
	free(s->cache);
	free(s);
}

const char *metrics_http_url(const struct metrics_http *s)
{
	return s->url;
}

bool metrics_http_is_loopback(const struct metrics_http *s)
{
	return statsd_addr_is_loopback(&s->bound);
}
