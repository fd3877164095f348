/* SPDX-License-Identifier: MIT */
/*
 * statsd_bench: the StatsD collector's figures, one per line as
 * "name value unit" for bench/run.sh to grep.
 *
 *   statsd_bench ingest [SECONDS]   parse + aggregate in-process, one core
 *                                   (default 3 s): lines/s
 *   statsd_bench udp RATE SECONDS   a listener on 127.0.0.1, a sender thread
 *                                   at RATE lines/s: received vs sent, kernel
 *                                   drops, the listener thread's CPU time
 *   statsd_bench merge              3600 encoded per-tick histograms (one
 *                                   hour at 1 s): decode + merge + p99, ms
 *
 * Targets from the issue: ingest >= 500k lines/s without drops; one hour of
 * per-tick histograms merged for a p99 in < 50 ms. The traffic is a mix of
 * what services send: tagged timers (most lines), counters with sample
 * rates, gauges; 20 lines per datagram. Deterministic (fixed seed).
 */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "collectors/statsd_listener.h"
#include "core/appmetrics.h"
#include "core/hdr.h"
#include "core/xalloc.h"

#define LINES_PER_PACKET 20
#define NPACKETS 4096
#define BATCH 32
#define TICKS_PER_HOUR 3600
#define VALUES_PER_TICK 300

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Log-normal-like latency in us: 8 us .. ~1 s, median ~2 ms. */
static uint64_t value_us(void)
{
	uint64_t r = next_rand();
	int octave = __builtin_popcountll(r & 0xffff);

	return ((uint64_t)1 << octave) * (1024 + (r >> 32) % 1024) / 128;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line of the traffic mix into buf; returns its length. */
static int traffic_line(char *buf, size_t cap)
{
	static const char *const routes[] = {"/",	  "/login",	 "/api/items",
					     "/api/cart", "/api/search", "/health",
					     "/static",	  "/admin"};
	uint64_t r = next_rand() % 100, us = value_us();
	const char *route = routes[next_rand() % 8];

	if (r < 70)
		return snprintf(buf, cap,
				"http.request:%llu.%03llu|ms|#route:%s,env:prod",
				(unsigned long long)(us / 1000),
				(unsigned long long)(us % 1000), route);
	if (r < 80)
		return snprintf(buf, cap, "db.query:%llu.%03llu|ms|@0.5|#table:t%d",
				(unsigned long long)(us / 1000),
				(unsigned long long)(us % 1000), (int)(r % 4));
	if (r < 95)
		return snprintf(buf, cap, "http.hits:1|c|@0.1|#route:%s", route);
	return snprintf(buf, cap, "queue.depth:%d|g", (int)(next_rand() % 500));
}

/* NPACKETS datagrams of LINES_PER_PACKET lines. */
struct traffic {
	struct statsd_packet packets[NPACKETS]; /* point into text */
	char *text[NPACKETS];			/* owned */
};

/* Owned by the caller (free_traffic). */
static struct traffic *make_traffic(void)
{
	struct traffic *tr = xcalloc(1, sizeof(*tr));

	for (int i = 0; i < NPACKETS; i++) {
		char buf[4096];
		size_t len = 0;

		for (int l = 0; l < LINES_PER_PACKET; l++) {
			len += (size_t)traffic_line(buf + len, sizeof(buf) - len - 1);
			buf[len++] = '\n';
		}
		tr->text[i] = xmalloc(len);
		memcpy(tr->text[i], buf, len);
		tr->packets[i] = (struct statsd_packet){.buf = tr->text[i], .len = len};
	}
	return tr;
}

static void free_traffic(struct traffic *tr)
{
	for (int i = 0; i < NPACKETS; i++)
		free(tr->text[i]);
	free(tr);
}

static int bench_ingest(double seconds)
{
	struct traffic *tr = make_traffic();
	const struct statsd_packet *p = tr->packets;
	struct statsd_agg *a = statsd_agg_new(0);
	uint64_t lines = 0, bad = 0, ticks = 0;
	double t0 = now_s(), c0 = thread_cpu_s(), next_tick = t0 + 1, t;
	size_t at = 0;

	do {
		statsd_agg_ingest(a, p + at, BATCH, 0);
		at = (at + BATCH) % NPACKETS;
		lines += BATCH * LINES_PER_PACKET;
		t = now_s();
		if (t >= next_tick) { /* the sampler's take, once a second */
			struct app_metrics *m = statsd_agg_take(a);

			bad += app_metrics_bad_total(m);
			app_metrics_free(m);
			next_tick += 1;
			ticks++;
		}
	} while (t - t0 < seconds);
	{
		struct app_metrics *m = statsd_agg_take(a);

		bad += app_metrics_bad_total(m);
		app_metrics_free(m);
	}
	printf("statsd_ingest_lines_per_s %.0f lines/s\n", (double)lines / (t - t0));
	printf("statsd_ingest_cpu_ns_per_line %.1f ns\n",
	       (thread_cpu_s() - c0) * 1e9 / (double)lines);
	printf("statsd_ingest_bad_lines %llu lines\n", (unsigned long long)bad);
	statsd_agg_free(a);
	free_traffic(tr);
	return bad ? 1 : 0;
}

struct sender {
	int port;
	double rate, seconds;
	const struct statsd_packet *packets;
	uint64_t lines, errors;
	atomic_bool done;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)s->port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	double t0 = now_s();
	size_t at = 0;

	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("statsd_bench: socket");
		exit(1);
	}
	for (;;) {
		double due = (double)s->lines / s->rate, t = now_s() - t0;

		if (t >= s->seconds)
			break;
		if (due > t) {
			struct timespec ts = {0, (long)((due - t) * 1e9)};

			if (due - t > 0.0005) /* sleep only when worth it */
				nanosleep(&ts, NULL);
			continue;
		}
		if (send(fd, s->packets[at].buf, s->packets[at].len, 0) < 0)
			s->errors++;
		else
			s->lines += LINES_PER_PACKET;
		at = (at + 1) % NPACKETS;
	}
	close(fd);
	atomic_store(&s->done, true);
	return NULL;
}

static void add_tick(struct statsd *l, uint64_t *lines, uint64_t *dropped)
{
	struct app_metrics *m = statsd_take(l);

	*lines += m->lines;
	*dropped += m->dropped;
	app_metrics_free(m);
}

static int bench_udp(double rate, double seconds)
{
	struct sender s = {.rate = rate, .seconds = seconds};
	struct traffic *tr;
	uint64_t lines = 0, dropped = 0, before;
	struct statsd *l;
	char err[256];
	pthread_t th;
	double cpu;

	if (statsd_start("127.0.0.1:0", 0, &l, err, sizeof(err)) < 0) {
		fprintf(stderr, "statsd_bench: %s\n", err);
		return 1;
	}
	s.port = statsd_port(l);
	tr = make_traffic();
	s.packets = tr->packets;
	pthread_create(&th, NULL, sender_main, &s);
	while (!atomic_load(&s.done)) {
		struct timespec ts = {1, 0};

		nanosleep(&ts, NULL);
		add_tick(l, &lines, &dropped);
	}
	pthread_join(th, NULL);
	do { /* drain what is still queued */
		struct timespec ts = {0, 200000000};

		before = lines;
		nanosleep(&ts, NULL);
		add_tick(l, &lines, &dropped);
	} while (lines != before);
	cpu = (double)statsd_thread_cpu_ns(l) / 1e6;

	printf("statsd_udp_rate %.0f lines/s\n", rate);
	printf("statsd_udp_lines_sent %llu lines\n", (unsigned long long)s.lines);
	printf("statsd_udp_lines_received %llu lines\n", (unsigned long long)lines);
	printf("statsd_udp_lines_lost %llu lines\n",
	       (unsigned long long)(s.lines > lines ? s.lines - lines : 0));
	printf("statsd_udp_kernel_drops %llu datagrams\n", (unsigned long long)dropped);
	printf("statsd_udp_send_errors %llu datagrams\n", (unsigned long long)s.errors);
	printf("statsd_udp_rcvbuf %d bytes\n", statsd_rcvbuf(l));
	printf("statsd_udp_listener_cpu %.1f ms\n", cpu);
	printf("statsd_udp_listener_cpu_pct %.1f %%\n", cpu / 10 / seconds);
	statsd_stop(l);
	free_traffic(tr);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int bench_merge(void)
{
	uint8_t **blobs = xcalloc(TICKS_PER_HOUR, sizeof(*blobs));
	size_t *lens = xcalloc(TICKS_PER_HOUR, sizeof(*lens)), total = 0;
	struct hdr *tick = hdr_new();
	double runs[7], cpu[7];
	uint64_t p99 = 0;

	for (int t = 0; t < TICKS_PER_HOUR; t++) {
		/* a slow spell now and then, as real services have */
		uint64_t scale = t % 600 < 60 ? 4 : 1;

		hdr_reset(tick);
		for (int v = 0; v < VALUES_PER_TICK; v++)
			hdr_record(tick, value_us() * 1000 * scale, 1); /* ns */
		lens[t] = hdr_encode(tick, NULL, 0);
		blobs[t] = xmalloc(lens[t]);
		hdr_encode(tick, blobs[t], lens[t]);
		total += lens[t];
	}
	for (int r = 0; r < 7; r++) {
		double t0 = now_s(), c0 = thread_cpu_s();
		struct hdr *all = hdr_new();

		for (int t = 0; t < TICKS_PER_HOUR; t++)
			if (hdr_decode_merge(all, blobs[t], lens[t]) < 0) {
				fprintf(stderr, "statsd_bench: blob %d rejected\n", t);
				return 1;
			}
		p99 = hdr_value_at_percentile(all, 99);
		hdr_free(all);
		runs[r] = (now_s() - t0) * 1e3;
		cpu[r] = (thread_cpu_s() - c0) * 1e3;
	}
	qsort(runs, 7, sizeof(runs[0]), cmp_double);
	qsort(cpu, 7, sizeof(cpu[0]), cmp_double);
	/* medians of 7; the CPU figure is the one to trust on a busy machine */
	printf("statsd_merge_hour_p99 %.2f ms\n", runs[3]);
	printf("statsd_merge_hour_p99_cpu %.2f ms\n", cpu[3]);
	printf("statsd_merge_hour_p99_value %.3f us\n", (double)p99 / 1000.0);
	printf("statsd_hist_bytes_per_tick %.0f bytes\n", (double)total / TICKS_PER_HOUR);
	printf("statsd_hist_bytes_per_hour %zu bytes\n", total);
	for (int t = 0; t < TICKS_PER_HOUR; t++)
		free(blobs[t]);
	free(blobs);
	free(lens);
	hdr_free(tick);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "ingest") && argc <= 3)
		return bench_ingest(argc == 3 ? atof(argv[2]) : 3);
	if (argc == 4 && !strcmp(argv[1], "udp") && atof(argv[2]) > 0 &&
	    atof(argv[3]) > 0)
		return bench_udp(atof(argv[2]), atof(argv[3]));
	if (argc == 2 && !strcmp(argv[1], "merge"))
		return bench_merge();
	fprintf(stderr,
		"usage: statsd_bench ingest [SECONDS] | udp RATE SECONDS | merge\n");
	return 2;
}
