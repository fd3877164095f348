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

#include <stddef.h>
#include <stdint.h>

#include "collectors/statsd.h"

struct statsd;

/*
 * Binds a UDP socket to addr, "HOST:PORT", "[IPV6]:PORT" or "PORT" (on
 * 127.0.0.1), numeric only (port 0 picks a free one, see statsd_port), and
 * starts the "vigil-statsd" thread. max_metrics as for statsd_agg_new.
 * Returns 0 with *out owned by the caller (statsd_stop); or -errno with *out
 * NULL and a reason in err: "invalid statsd address 'x'", "cannot bind
 * 'x': address already in use", ...
 */
int statsd_start(const char *addr, size_t max_metrics, struct statsd **out, char *err,
		 size_t errlen);
/* Wakes the thread, joins it, closes the socket and frees s. NULL ignored. */
void statsd_stop(struct statsd *s);
/* statsd_agg_take on the listener's table; called once per tick. */
struct app_metrics *statsd_take(struct statsd *s);
/* The port the socket is bound to (host order). */
int statsd_port(const struct statsd *s);
/* CPU time the listener thread has used, in ns; -1 when unavailable. */
int64_t statsd_thread_cpu_ns(const struct statsd *s);
/* The receive buffer the kernel granted, in bytes (as SO_RCVBUF reports it). */
int statsd_rcvbuf(const struct statsd *s);

#endif
