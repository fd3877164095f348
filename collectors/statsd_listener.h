/* SPDX-License-Identifier: MIT */
/*
 * statsd_listener: the UDP socket and thread behind vigil's StatsD support.
 * It receives datagrams in batches (recvmmsg), hands them to the per-tick
 * table of collectors/statsd (struct statsd_agg), counts what the kernel
 * dropped (SO_RXQ_OVFL: each batch carries the socket's cumulative drop
 * count), and stops cleanly: one thread blocked in poll() on the socket and
 * an eventfd that statsd_stop writes. The sampler takes
 * one tick's metrics with statsd_take.
 */
#ifndef VIGIL_COLLECTORS_STATSD_LISTENER_H
#define VIGIL_COLLECTORS_STATSD_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "collectors/statsd.h"

struct statsd;

/* A listener address, as bind() takes it. */
struct statsd_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/*
 * Parses "HOST:PORT", "[IPV6]:PORT" or "PORT" (meaning 127.0.0.1:PORT) into
 * *out. HOST is a numeric IPv4 or IPv6 address: names are refused, so no
 * resolver is ever asked and what is bound is what was typed. PORT is
 * 0..65535 (0: the kernel picks a free one). Pure: no system call. Returns 0,
 * or -1 with *out unspecified and a reason in err, without the address
 * itself: "missing port: ...", "port '99999' is out of range (0-65535)",
 * "'localhost' is not a numeric IPv4 or IPv6 address", "an IPv6 address
 * needs brackets: [IPV6]:PORT", ...
 */
int statsd_addr_parse(const char *text, struct statsd_addr *out, char *err,
		      size_t errlen);
/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: only this host can send. */
bool statsd_addr_is_loopback(const struct statsd_addr *a);
/* "127.0.0.1:8125" or "[::1]:8125" into buf (cut to len). */
void statsd_addr_format(const struct statsd_addr *a, char *buf, size_t len);

/*
 * Binds a UDP socket to addr (statsd_addr_parse), and starts the
 * "vigil-statsd" thread. max_metrics as for statsd_agg_new. Returns 0 with
 * *out owned by the caller (statsd_stop); or -errno with *out NULL and a
 * reason in err that does not repeat addr: -EINVAL "invalid address: <why>",
 * "cannot bind: address already in use", ...
 */
int statsd_start(const char *addr, size_t max_metrics, struct statsd **out, char *err,
		 size_t errlen);
/* Wakes the thread, joins it, closes the socket and frees s. NULL ignored. */
void statsd_stop(struct statsd *s);
/* statsd_agg_take on the listener's table; called once per tick. */
struct app_metrics *statsd_take(struct statsd *s);
/* The address the socket is bound to, with the port the kernel picked for 0;
 * borrowed, valid until statsd_stop. */
const struct statsd_addr *statsd_bound(const struct statsd *s);
/* The port the socket is bound to (host order). */
int statsd_port(const struct statsd *s);
/* CPU time the listener thread has used, in ns; -1 when unavailable. */
int64_t statsd_thread_cpu_ns(const struct statsd *s);
/* The receive buffer the kernel granted, in bytes (as SO_RCVBUF reports it). */
int statsd_rcvbuf(const struct statsd *s);

#endif
