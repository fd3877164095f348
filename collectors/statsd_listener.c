/* SPDX-License-Identifier: MIT */
/* statsd_listener: see statsd_listener.h. */
#include "collectors/statsd_listener.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <netdb.h>
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

/* "HOST:PORT", "[V6]:PORT" or "PORT" -> host and port strings. */
static int split_addr(const char *addr, char *host, size_t hostcap, char *port,
		      size_t portcap)
{
	const char *p, *colon;
	size_t hlen;
	unsigned long v = 0;

	if (!*addr)
		return -1;
	if (addr[strspn(addr, "0123456789")] == '\0') {
		snprintf(host, hostcap, "127.0.0.1");
		p = addr;
	} else if (addr[0] == '[') {
		const char *close = strchr(addr, ']');

		if (!close || close[1] != ':')
			return -1;
		hlen = (size_t)(close - addr - 1);
		if (!hlen || hlen >= hostcap)
			return -1;
		memcpy(host, addr + 1, hlen);
		host[hlen] = '\0';
		p = close + 2;
	} else {
		colon = strchr(addr, ':');
		if (!colon || strchr(colon + 1, ':'))
			return -1; /* none, or a bare IPv6 literal */
		hlen = (size_t)(colon - addr);
		if (!hlen || hlen >= hostcap)
			return -1;
		memcpy(host, addr, hlen);
		host[hlen] = '\0';
		p = colon + 1;
	}
	if (!*p || strlen(p) > 5 || p[strspn(p, "0123456789")])
		return -1;
	v = strtoul(p, NULL, 10);
	if (v > 65535)
		return -1;
	snprintf(port, portcap, "%lu", v);
	return 0;
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
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_DGRAM,
				 .ai_flags =
					 AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
	struct addrinfo *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char host[64], port[8];
	int rc;

	if (split_addr(addr, host, sizeof(host), port, sizeof(port)) < 0 ||
	    getaddrinfo(host, port, &hints, &ai) != 0 || !ai) {
		snprintf(err, errlen, "invalid statsd address '%s'", addr);
		return -EINVAL;
	}
	s->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open a socket for '%s': %s", addr,
			 strerror(-rc));
		freeaddrinfo(ai);
		return rc;
	}
	tune_socket(s);
	if (bind(s->fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot bind '%s': %s", addr, bind_reason(-rc));
		freeaddrinfo(ai);
		return rc;
	}
	freeaddrinfo(ai);
	if (getsockname(s->fd, (struct sockaddr *)&ss, &sslen) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot read the address of '%s': %s", addr,
			 strerror(-rc));
		return rc;
	}
	if (ss.ss_family == AF_INET6)
		s->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
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
