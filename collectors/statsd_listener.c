/* SPDX-License-Identifier: MIT */
/* statsd_listener: see statsd_listener.h. */
#include "collectors/statsd_listener.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/hdr.h"
#include "core/xalloc.h"

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

#define BATCH 32 /* datagrams per recvmmsg */

/* ---- the listener ---- */

struct statsd {
	int fd, wake; /* the socket; an eventfd statsd_stop writes */
	int port, rcvbuf;
	struct statsd_addr bound; /* where the socket is bound, port 0 resolved */
	pthread_t thread;
	struct statsd_agg *agg;
	uint32_t drops_seen; /* last SO_RXQ_OVFL count */
	char *bufs;	     /* BATCH datagrams of STATSD_DATAGRAM_MAX */
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	/* CMSG_SPACE is a multiple of the header's alignment: every row is aligned */
	_Alignas(struct cmsghdr) char ctrl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
	struct statsd_packet pkts[BATCH];
};

/* Datagrams the kernel dropped since the last look, from one message. */
static uint64_t new_drops(struct statsd *s, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		uint32_t total, delta;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL ||
		    c->cmsg_len < CMSG_LEN(sizeof(total)))
			continue;
		memcpy(&total, CMSG_DATA(c), sizeof(total));
		delta = total - s->drops_seen; /* the counter is 32 bits and wraps */
		if (delta && delta < (1u << 31)) {
			s->drops_seen = total;
			return delta;
		}
	}
	return 0;
}

/* Reads what the socket holds, a batch at a time, and ingests it. */
static void drain(struct statsd *s)
{
	/* bounded, so a flood cannot keep statsd_stop waiting for ever */
	for (int round = 0; round < 256; round++) {
		uint64_t drops = 0;
		int n;

		for (int i = 0; i < BATCH; i++) {
			struct msghdr *mh = &s->msgs[i].msg_hdr;

			s->iov[i].iov_base = s->bufs + (size_t)i * STATSD_DATAGRAM_MAX;
			s->iov[i].iov_len = STATSD_DATAGRAM_MAX;
			memset(mh, 0, sizeof(*mh));
			mh->msg_iov = &s->iov[i];
			mh->msg_iovlen = 1;
			mh->msg_control = s->ctrl[i];
			mh->msg_controllen = sizeof(s->ctrl[i]);
		}
		n = recvmmsg(s->fd, s->msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return; /* EAGAIN: drained; anything else: poll again */
		for (int i = 0; i < n; i++) {
			struct msghdr *mh = &s->msgs[i].msg_hdr;

			s->pkts[i].buf = s->iov[i].iov_base;
			s->pkts[i].len = s->msgs[i].msg_len;
			s->pkts[i].truncated = mh->msg_flags & MSG_TRUNC;
			drops += new_drops(s, mh);
		}
		statsd_agg_ingest(s->agg, s->pkts, (size_t)n, drops);
		if (n < BATCH)
			return;
	}
}

static void *listener_main(void *arg)
{
	struct statsd *s = arg;
	struct pollfd pfd[2] = {{.fd = s->fd, .events = POLLIN},
				{.fd = s->wake, .events = POLLIN}};

	pthread_setname_np(pthread_self(), "vigil-statsd");
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (pfd[0].revents)
			drain(s);
	}
	return NULL;
}

/*
 * The port after HOST: (p): 1-5 digits, 0..65535. Returns it, or -1 with a
 * reason in err.
 */
static long parse_port(const char *p, char *err, size_t errlen)
{
	unsigned long v;

	if (!*p) {
		snprintf(err, errlen,
			 "missing port: expected HOST:PORT, [IPV6]:PORT or PORT");
		return -1;
	}
	if (p[strspn(p, "0123456789")]) {
		snprintf(err, errlen, "port '%.16s' is not a number", p);
		return -1;
	}
	v = strlen(p) > 5 ? 65536 : strtoul(p, NULL, 10);
	if (v > 65535) {
		snprintf(err, errlen, "port '%.16s' is out of range (0-65535)", p);
		return -1;
	}
	return (long)v;
}

/* Numeric host text (no brackets) -> out, with the port; only IPv6 when
 * v6_only (it was in brackets). 0, or -1. */
static int parse_host(const char *host, bool v6_only, long port, struct statsd_addr *out,
		      char *err, size_t errlen)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;

	memset(out, 0, sizeof(*out));
	if (!v6_only && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*v6);
		return 0;
	}
	memset(out, 0, sizeof(*out));
	snprintf(err, errlen, "'%.64s' is not a numeric %s address", host,
		 v6_only ? "IPv6" : "IPv4 or IPv6");
	return -1;
}

int statsd_addr_parse(const char *text, struct statsd_addr *out, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN];
	const char *p, *end;
	size_t hlen;
	long port;

	if (!*text) {
		snprintf(err, errlen,
			 "empty address: expected HOST:PORT, [IPV6]:PORT or PORT");
		return -1;
	}
	if (text[strspn(text, "0123456789")] == '\0') {
		port = parse_port(text, err, errlen);
		return port < 0 ? -1
				: parse_host("127.0.0.1", false, port, out, err, errlen);
	}
	if (text[0] == '[') {
		end = strchr(text, ']');
		if (!end) {
			snprintf(err, errlen, "missing ']' after an IPv6 address");
			return -1;
		}
		if (end[1] != ':') {
			snprintf(err, errlen, "missing port: expected [IPV6]:PORT");
			return -1;
		}
		p = text + 1;
		hlen = (size_t)(end - p);
		port = parse_port(end + 2, err, errlen);
	} else {
		end = strrchr(text, ':');
		if (!end) {
			snprintf(err, errlen,
				 "missing port: expected HOST:PORT, [IPV6]:PORT or PORT");
			return -1;
		}
		if (memchr(text, ':', (size_t)(end - text))) {
			snprintf(err, errlen,
				 "an IPv6 address needs brackets: [IPV6]:PORT");
			return -1;
		}
		p = text;
		hlen = (size_t)(end - p);
		port = parse_port(end + 1, err, errlen);
	}
	if (port < 0)
		return -1;
	if (!hlen) {
		snprintf(err, errlen, "missing host before the port");
		return -1;
	}
	if (hlen >= sizeof(host)) {
		snprintf(err, errlen, "'%.*s...' is not a numeric IPv4 or IPv6 address",
			 24, p);
		return -1;
	}
	memcpy(host, p, hlen);
	host[hlen] = '\0';
	return parse_host(host, text[0] == '[', port, out, err, errlen);
}

bool statsd_addr_is_loopback(const struct statsd_addr *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)&a->ss;

		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->ss.ss_family == AF_INET6) {
		const uint8_t *b =
			((const struct sockaddr_in6 *)&a->ss)->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(
			    &((const struct sockaddr_in6 *)&a->ss)->sin6_addr))
			return true;
		/* ::ffff:127.x.y.z is IPv4 loopback seen through a v6 socket */
		return !memcmp(b, mapped, sizeof(mapped)) && b[12] == 127;
	}
	return false;
}

void statsd_addr_format(const struct statsd_addr *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&a->ss;

		inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(v6->sin6_port));
	} else {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)&a->ss;

		inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(v4->sin_port));
	}
}

static const char *bind_reason(int err)
{
	switch (err) {
	case EADDRINUSE:
		return "address already in use";
	case EADDRNOTAVAIL:
		return "address not available on this host";
	case EACCES:
		return "permission denied";
	default:
		return strerror(err);
	}
}

/* Socket options worth having but not worth failing for. */
static void tune_socket(struct statsd *s)
{
	int size = STATSD_RCVBUF, on = 1;
	socklen_t len = sizeof(s->rcvbuf);

	/* FORCE passes rmem_max when we may (CAP_NET_ADMIN) */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(s->fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
	if (getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &s->rcvbuf, &len) < 0)
		s->rcvbuf = -1;
}

static int open_socket(struct statsd *s, const char *addr, char *err, size_t errlen)
{
	struct statsd_addr a;
	char why[160];
	int rc;

	if (statsd_addr_parse(addr, &a, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "invalid address: %s", why);
		return -EINVAL;
	}
	s->fd = socket(a.ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open a socket: %s", strerror(-rc));
		return rc;
	}
	tune_socket(s);
	if (bind(s->fd, (const struct sockaddr *)&a.ss, a.len) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot bind: %s", bind_reason(-rc));
		return rc;
	}
	s->bound.len = sizeof(s->bound.ss);
	if (getsockname(s->fd, (struct sockaddr *)&s->bound.ss, &s->bound.len) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot read the bound address: %s", strerror(-rc));
		return rc;
	}
	if (s->bound.ss.ss_family == AF_INET6)
		s->port = ntohs(((struct sockaddr_in6 *)&s->bound.ss)->sin6_port);
	else
		s->port = ntohs(((struct sockaddr_in *)&s->bound.ss)->sin_port);
	return 0;
}

static void close_fds(struct statsd *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->wake >= 0)
		close(s->wake);
}

int statsd_start(const char *addr, size_t max_metrics, struct statsd **out, char *err,
		 size_t errlen)
{
	struct statsd *s = xcalloc(1, sizeof(*s));
	sigset_t all, old;
	int rc;

	*out = NULL;
	s->fd = s->wake = -1;
	rc = open_socket(s, addr, err, errlen);
	if (!rc) {
		s->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (s->wake < 0) {
			rc = -errno;
			snprintf(err, errlen, "cannot create an eventfd: %s",
				 strerror(-rc));
		}
	}
	if (rc) {
		close_fds(s);
		free(s);
		return rc;
	}
	s->agg = statsd_agg_new(max_metrics);
	s->bufs = xmalloc((size_t)BATCH * STATSD_DATAGRAM_MAX);

	/* signals belong to the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, listener_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot start the statsd thread: %s", strerror(rc));
		close_fds(s);
		statsd_agg_free(s->agg);
		free(s->bufs);
		free(s);
		return -rc;
	}
	/* named here too, so the name is there as soon as statsd_start returns */
	pthread_setname_np(s->thread, "vigil-statsd");
	*out = s;
	return 0;
}

void statsd_stop(struct statsd *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	while (write(s->wake, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(s->thread, NULL);
	close_fds(s);
	statsd_agg_free(s->agg);
	free(s->bufs);
	free(s);
}

struct app_metrics *statsd_take(struct statsd *s)
{
	return statsd_agg_take(s->agg);
}

int statsd_port(const struct statsd *s)
{
	return s->port;
}

const struct statsd_addr *statsd_bound(const struct statsd *s)
{
	return &s->bound;
}

int statsd_rcvbuf(const struct statsd *s)
{
	return s->rcvbuf;
}

int64_t statsd_thread_cpu_ns(const struct statsd *s)
{
	clockid_t clock;
	struct timespec ts;

	if (pthread_getcpuclockid(s->thread, &clock) || clock_gettime(clock, &ts) < 0)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
