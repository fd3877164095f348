/* SPDX-License-Identifier: MIT */
/*
 * iocost: what the disk and network counters add to a tick. Reads this
 * machine's /proc through collectors/sysstat.c many times and prints the
 * median CPU cost of one whole system reading (stat, meminfo, loadavg,
 * pressure, diskstats, net/dev) next to that of diskstats and net/dev alone
 * (read and parsed as the collector does), as
 *
 *   sys_read_us value us        the whole system collector, one tick
 *   disknet_read_us value us    diskstats + net/dev read and parsed
 *   disknet_devices value       disks and interfaces kept
 *
 *   iocost [ROUNDS]      default 2000
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "collectors/iostat.h"
#include "collectors/sysstat.h"
#include "core/procfs.h"
#include "core/xalloc.h"

static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double median_us(int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	return (double)v[n / 2] / 1000.0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2000;
	struct sys_collector *c = sys_collector_new(PROCFS_ROOT_DEFAULT);
	int64_t *whole = xcalloc((size_t)rounds, sizeof(*whole));
	int64_t *dev = xcalloc((size_t)rounds, sizeof(*dev));
	size_t cap = 1u << 20, kept = 0;
	char *buf = xmalloc(cap);

	if (rounds < 1)
		rounds = 1;
	for (int i = 0; i < rounds; i++) {
		struct sys_sample s;
		struct disk_stat *d = NULL;
		struct net_stat *n = NULL;
		size_t nd = 0, nn = 0;
		int64_t t0 = cpu_ns();

		sys_collector_read(c, &s);
		whole[i] = cpu_ns() - t0;
		sys_sample_release(&s);
		t0 = cpu_ns();
		if (procfs_read(PROCFS_ROOT_DEFAULT, "diskstats", buf, cap) >= 0)
			iostat_parse_diskstats(buf, &d, &nd);
		if (procfs_read(PROCFS_ROOT_DEFAULT, "net/dev", buf, cap) >= 0)
			iostat_parse_netdev(buf, &n, &nn);
		dev[i] = cpu_ns() - t0;
		kept = nd + nn;
		free(d);
		free(n);
	}
	printf("sys_read_us %.1f us\n", median_us(whole, rounds));
	printf("disknet_read_us %.1f us\n", median_us(dev, rounds));
	printf("disknet_devices %zu\n", kept);
	free(buf);
	free(whole);
	free(dev);
	sys_collector_free(c);
	return 0;
}
