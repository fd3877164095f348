/* SPDX-License-Identifier: MIT */
/*
 * exitacct: see exitacct.h. The sockets and the thread.
 *
 * Invariants: only the exitacct thread feeds the aggregator, and
 * exitacct_take (the sampler) empties it; both under e->lock.
 */
#include "collectors/exitacct.h"

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/taskstats.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "collectors/proctable.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/procfs.h"
#include "core/xalloc.h"

/* ---- the sockets and the thread ---- */

#define RCVBUF (8 << 20) /* a fork storm's burst; FORCE passes rmem_max as root */
#define RECV_BUF 65536	 /* one reply, or DGRAMS datagrams of DGRAM_MAX */
#define DGRAMS 16
#define DGRAM_MAX (RECV_BUF / DGRAMS)
#define STORM_DGRAMS 8 /* datagrams in one wakeup that make it a storm */
#define STORM_NAP_MS 5 /* then wait this long before the next read */
#define BATCH 64
#define REPLY_WAIT_MS 2000

struct exitacct {
	int ts, cn, wake; /* taskstats, proc connector (-1 none), stop eventfd */
	uint16_t family;  /* generic netlink id of TASKSTATS */
	char mask[256];	  /* the CPUs registered for */
	char *proc_root;
	pthread_t thread;
	pthread_mutex_t lock;
	struct exitacct_agg *agg;    /* under lock */
	uint32_t drops_seen;	     /* under lock: SO_MEMINFO drops counted */
	char why[PROC_EXIT_WHY_MAX]; /* on, but without command lines: why */
	uint8_t *buf;		     /* the thread's receive buffer */
	struct exitacct_record recs[BATCH];
	struct exitacct_event evs[BATCH];
};

/* Appends attribute type with len bytes of val to the message at n. */
static void add_attr(struct nlmsghdr *n, size_t cap, uint16_t type, const void *val,
		     size_t len)
{
	struct nlattr a = {.nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type};
	uint8_t *p = (uint8_t *)n + NLMSG_ALIGN(n->nlmsg_len);

	if (NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(a.nla_len) > cap)
		return; /* the callers' attributes fit: a programmer error */
	memcpy(p, &a, sizeof(a));
	memcpy(p + NLA_HDRLEN, val, len);
	n->nlmsg_len = (uint32_t)(NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(a.nla_len));
}

/* Sends one generic netlink request: cmd of family, one string attribute. */
static int genl_send(int fd, uint16_t family, uint8_t cmd, uint8_t version,
		     uint16_t flags, uint16_t attr, const char *text)
{
	union {
		struct nlmsghdr n;
		uint8_t raw[512];
	} m;
	struct genlmsghdr g = {.cmd = cmd, .version = version};
	struct sockaddr_nl to = {.nl_family = AF_NETLINK};

	memset(&m, 0, sizeof(m));
	m.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m.n.nlmsg_type = family;
	m.n.nlmsg_flags = NLM_F_REQUEST | flags;
	memcpy(m.raw + NLMSG_HDRLEN, &g, sizeof(g));
	add_attr(&m.n, sizeof(m), attr, text, strlen(text) + 1);
	if (sendto(fd, &m, m.n.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/* Waits up to REPLY_WAIT_MS for a datagram; its length or -errno. */
static ssize_t recv_reply(int fd, uint8_t *buf)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	if (poll(&p, 1, REPLY_WAIT_MS) <= 0)
		return -ETIMEDOUT;
	n = recv(fd, buf, RECV_BUF, MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

/* The CPUs the kernel could ever bring up, as a cpulist ("0-3"). */
static void possible_cpus(char *mask, size_t cap)
{
	long n = procfs_read("/sys/devices/system/cpu", "possible", mask, cap);

	if (n > 0) {
		mask[strcspn(mask, "\n")] = '\0';
		if (*mask)
			return;
	}
	snprintf(mask, cap, "0-%d", get_nprocs_conf() > 0 ? get_nprocs_conf() - 1 : 0);
}

/* Counts what the kernel dropped on the taskstats socket since the last
 * look (every dropped message is one thread's exit). Under lock. */
static void count_drops(struct exitacct *e)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(e->ts, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 ||
	    len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return;
	exitacct_agg_lost(e->agg, mem[SK_MEMINFO_DROPS] - e->drops_seen);
	e->drops_seen = mem[SK_MEMINFO_DROPS];
}

static void feed_records(struct exitacct *e, const uint8_t *buf, size_t len)
{
	uint64_t bad = 0;
	size_t n = exitacct_parse_taskstats(buf, len, e->family, e->recs, BATCH, &bad);
	int64_t now = clock_wall_ms();

	pthread_mutex_lock(&e->lock);
	for (size_t i = 0; i < n; i++)
		exitacct_agg_record(e->agg, &e->recs[i], now);
	exitacct_agg_bad(e->agg, bad);
	pthread_mutex_unlock(&e->lock);
}

/* A full receive queue: the kernel dropped messages since the last read. */
static void overflowed(struct exitacct *e, int fd)
{
	if (fd == e->ts) {
		pthread_mutex_lock(&e->lock);
		count_drops(e);
		pthread_mutex_unlock(&e->lock);
	} else {
		log_debug("exitacct: proc connector overflowed: command lines lost");
	}
}

/*
 * Reads what a socket holds, DGRAMS datagrams per system call (a storm
 * brings several per wakeup), and hands each to fn; bounded, so a storm
 * cannot keep exitacct_stop waiting. A datagram too big for its slot is
 * counted bad (no exit record comes near DGRAM_MAX). Returns how many
 * datagrams it read.
 */
static size_t drain(struct exitacct *e, int fd,
		    void (*fn)(struct exitacct *, const uint8_t *, size_t))
{
	struct mmsghdr msgs[DGRAMS];
	struct iovec iov[DGRAMS];
	size_t got = 0;

	for (int round = 0; round < 256; round++) {
		int n;

		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < DGRAMS; i++) {
			iov[i].iov_base = e->buf + (size_t)i * DGRAM_MAX;
			iov[i].iov_len = DGRAM_MAX;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msgs, DGRAMS, MSG_DONTWAIT, NULL);
		if (n < 0 && errno == ENOBUFS) {
			overflowed(e, fd);
			continue;
		}
		got += n > 0 ? (size_t)n : 0;
		for (int i = 0; i < n; i++) {
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				pthread_mutex_lock(&e->lock);
				exitacct_agg_bad(e->agg, 1);
				pthread_mutex_unlock(&e->lock);
				continue;
			}
			fn(e, iov[i].iov_base, msgs[i].msg_len);
		}
		if (n < DGRAMS)
			return got;
	}
	return got;
}

/* /proc/PID/cmdline, joined, into buf; NULL when the process is gone (or,
 * for an exec, already a zombie with no memory left to read). */
static const char *read_cmdline(const struct exitacct *e, int pid, bool empty_ok,
				char *buf, size_t cap)
{
	char rel[32];
	long n;

	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	n = procfs_read(e->proc_root, rel, buf, cap);
	if (n < 0 || (n == 0 && !empty_ok))
		return NULL;
	return proc_cmdline_join(buf, (size_t)n);
}

static void feed_events(struct exitacct *e, const uint8_t *buf, size_t len)
{
	uint64_t bad = 0;
	size_t n = exitacct_parse_connector(buf, len, e->evs, BATCH, &bad);
	char text[EXITACCT_CMDLINE_MAX];

	for (size_t i = 0; i < n; i++) {
		const struct exitacct_event *ev = &e->evs[i];
		int pid;

		pthread_mutex_lock(&e->lock);
		pid = exitacct_agg_event(e->agg, ev);
		pthread_mutex_unlock(&e->lock);
		if (!pid)
			continue;
		/* kernel threads fork with an empty command line; an exec'd
		 * process without one has exited already */
		const char *cmd = read_cmdline(e, pid, ev->kind == EXITACCT_EV_FORK, text,
					       sizeof(text));
		pthread_mutex_lock(&e->lock);
		exitacct_agg_cmdline(e->agg, ev, cmd);
		pthread_mutex_unlock(&e->lock);
	}
	if (bad) {
		pthread_mutex_lock(&e->lock);
		exitacct_agg_bad(e->agg, bad);
		pthread_mutex_unlock(&e->lock);
	}
}

static void *exitacct_main(void *arg)
{
	struct exitacct *e = arg;
	struct pollfd pfd[3] = {{.fd = e->wake, .events = POLLIN},
				{.fd = e->ts, .events = POLLIN},
				{.fd = e->cn, .events = POLLIN}};

	size_t got;

	pthread_setname_np(pthread_self(), "vigil-exitacct");
	for (;;) {
		if (poll(pfd, e->cn >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;
		/* events first: a process's exec comes before its exit record */
		got = e->cn >= 0 ? drain(e, e->cn, feed_events) : 0;
		got += drain(e, e->ts, feed_records);
		/* a storm: let messages gather rather than wake for each one
		 * (a wakeup cost more than the messages it brought); stop
		 * still wakes us */
		if (got >= STORM_DGRAMS && poll(pfd, 1, STORM_NAP_MS) > 0)
			break;
	}
	return NULL;
}

static int open_netlink(int type, int groups, int *fd)
{
	struct sockaddr_nl me = {.nl_family = AF_NETLINK, .nl_groups = (uint32_t)groups};
	int size = RCVBUF;

	*fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, type);
	if (*fd < 0)
		return -errno;
	if (setsockopt(*fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(*fd, (struct sockaddr *)&me, sizeof(me)) < 0)
		return -errno;
	return 0;
}

static const char *refusal(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return "needs root (CAP_NET_ADMIN)";
	case EINVAL:
		return "refused by the kernel (only the host's pid and user "
		       "namespace may listen: a container?)";
	default:
		return NULL;
	}
}

/* Registers for every possible CPU; records that arrive before the ack are
 * kept. 0 or -errno. */
static int register_cpus(struct exitacct *e)
{
	int rc = genl_send(e->ts, e->family, TASKSTATS_CMD_GET, TASKSTATS_GENL_VERSION,
			   NLM_F_ACK, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, e->mask);

	for (int i = 0; !rc && i < 4096; i++) {
		ssize_t n = recv_reply(e->ts, e->buf);

		if (n < 0)
			return (int)n;
		rc = exitacct_parse_ack(e->buf, (size_t)n);
		if (rc != -EBADMSG)
			return rc;
		rc = 0;
		feed_records(e, e->buf, (size_t)n);
	}
	return rc ? rc : -ETIMEDOUT;
}

static int open_taskstats(struct exitacct *e, char *why, size_t whylen)
{
	const char *r;
	ssize_t n;
	int rc;

	rc = open_netlink(NETLINK_GENERIC, 0, &e->ts);
	if (!rc)
		rc = genl_send(e->ts, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0,
			       CTRL_ATTR_FAMILY_NAME, TASKSTATS_GENL_NAME);
	n = rc ? rc : recv_reply(e->ts, e->buf);
	rc = n < 0 ? (int)n : exitacct_parse_family(e->buf, (size_t)n);
	if (rc == -ENOENT) {
		snprintf(why, whylen, "the kernel has no taskstats (CONFIG_TASKSTATS)");
		return -1;
	}
	if (rc < 0) {
		snprintf(why, whylen, "cannot reach taskstats: %s", strerror(-rc));
		return -1;
	}
	e->family = (uint16_t)rc;
	possible_cpus(e->mask, sizeof(e->mask));
	rc = register_cpus(e);
	if (rc < 0) {
		r = refusal(-rc);
		if (r)
			snprintf(why, whylen, "%s", r);
		else
			snprintf(why, whylen, "cannot register for CPUs %s: %s", e->mask,
				 strerror(-rc));
		return -1;
	}
	return 0;
}

/* The proc connector, for command lines; on failure e->why says what is
 * missing and exits are still accounted. */
static void open_connector(struct exitacct *e)
{
	union {
		struct nlmsghdr n;
		uint8_t raw[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(uint32_t))];
	} m;
	struct cn_msg cn = {.id = {.idx = CN_IDX_PROC, .val = CN_VAL_PROC},
			    .len = sizeof(uint32_t)};
	uint32_t op = PROC_CN_MCAST_LISTEN;
	int rc = open_netlink(NETLINK_CONNECTOR, CN_IDX_PROC, &e->cn);

	if (!rc) {
		memset(&m, 0, sizeof(m));
		m.n.nlmsg_len = NLMSG_LENGTH(sizeof(cn) + sizeof(op));
		m.n.nlmsg_type = NLMSG_DONE;
		memcpy(m.raw + NLMSG_HDRLEN, &cn, sizeof(cn));
		memcpy(m.raw + NLMSG_HDRLEN + sizeof(cn), &op, sizeof(op));
		if (send(e->cn, &m, m.n.nlmsg_len, 0) < 0)
			rc = -errno;
	}
	if (rc < 0) {
		snprintf(e->why, sizeof(e->why), "no command lines: proc connector: %s",
			 refusal(-rc) ? refusal(-rc) : strerror(-rc));
		if (e->cn >= 0)
			close(e->cn);
		e->cn = -1;
	}
}

static void close_all(struct exitacct *e)
{
	if (e->ts >= 0)
		close(e->ts);
	if (e->cn >= 0)
		close(e->cn);
	if (e->wake >= 0)
		close(e->wake);
	pthread_mutex_destroy(&e->lock);
	exitacct_agg_free(e->agg);
	free(e->proc_root);
	free(e->buf);
	free(e);
}

int exitacct_start(const char *proc_root, bool cmdlines, struct exitacct **out, char *why,
		   size_t whylen)
{
	struct exitacct *e = xcalloc(1, sizeof(*e));
	sigset_t all, old;
	int rc;

	*out = NULL;
	e->ts = e->cn = e->wake = -1;
	e->proc_root = xstrdup(proc_root);
	e->buf = xmalloc(RECV_BUF);
	e->agg = exitacct_agg_new();
	pthread_mutex_init(&e->lock, NULL);
	if (open_taskstats(e, why, whylen) < 0) {
		close_all(e);
		return -1;
	}
	if (cmdlines)
		open_connector(e);
	else
		snprintf(e->why, sizeof(e->why),
			 "no command lines: left to vigil daemon, which records them");
	e->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->wake < 0) {
		snprintf(why, whylen, "cannot create an eventfd: %s", strerror(errno));
		close_all(e);
		return -1;
	}
	sigfillset(&all); /* signals belong to the main thread */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&e->thread, NULL, exitacct_main, e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(why, whylen, "cannot start the exit accounting thread: %s",
			 strerror(rc));
		close_all(e);
		return -1;
	}
	*out = e;
	return 0;
}

void exitacct_stop(struct exitacct *e)
{
	uint64_t one = 1;
	uint32_t op = PROC_CN_MCAST_IGNORE;

	if (!e)
		return;
	while (write(e->wake, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(e->thread, NULL);
	/* the kernel would drop a closed listener at its next send anyway */
	genl_send(e->ts, e->family, TASKSTATS_CMD_GET, TASKSTATS_GENL_VERSION, 0,
		  TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK, e->mask);
	if (e->cn >= 0) { /* the kernel counts listeners: say we left */
		union {
			struct nlmsghdr n;
			uint8_t raw[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(op))];
		} m;
		struct cn_msg cn = {.id = {.idx = CN_IDX_PROC, .val = CN_VAL_PROC},
				    .len = sizeof(op)};

		memset(&m, 0, sizeof(m));
		m.n.nlmsg_len = NLMSG_LENGTH(sizeof(cn) + sizeof(op));
		m.n.nlmsg_type = NLMSG_DONE;
		memcpy(m.raw + NLMSG_HDRLEN, &cn, sizeof(cn));
		memcpy(m.raw + NLMSG_HDRLEN + sizeof(cn), &op, sizeof(op));
		if (send(e->cn, &m, m.n.nlmsg_len, 0) < 0)
			log_debug("exitacct: proc connector: %s", strerror(errno));
	}
	close_all(e);
}

struct proc_exits *exitacct_take(struct exitacct *e)
{
	struct proc_exits *x;

	pthread_mutex_lock(&e->lock);
	count_drops(e);
	x = exitacct_agg_take(e->agg);
	pthread_mutex_unlock(&e->lock);
	x->on = true;
	x->cmdlines = e->cn >= 0;
	snprintf(x->why, sizeof(x->why), "%s", e->why);
	return x;
}

int64_t exitacct_thread_cpu_ns(const struct exitacct *e)
{
	clockid_t clock;
	struct timespec ts;

	if (pthread_getcpuclockid(e->thread, &clock) || clock_gettime(clock, &ts) < 0)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
