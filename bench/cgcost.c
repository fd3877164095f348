/* SPDX-License-Identifier: MIT */
/*
 * cgcost: what reading every cgroup costs a tick. Opens the cgroup
 * collector (collectors/cgroups.c) on ROOT and reads the whole tree ROUNDS
 * times, printing the rows read and the median CPU time of one reading
 * (this thread's user + system, so other load on the machine does not
 * count), as
 *
 *   cgroup_rows value            cgroups in one reading
 *   cgroup_read_us value us      median CPU of one whole reading
 *   cgroup_total_ms value ms     CPU of all ROUNDS readings with the start-up
 *
 *   cgcost ROOT [ROUNDS]     ROOT a cgroup file system or a copy; default 20
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "collectors/cgroups.h"
#include "core/xalloc.h"

static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 20;
	int64_t *cost, start;
	struct cgroup_collector *c;
	size_t rows = 0;

	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: cgcost ROOT [ROUNDS]\n");
		return 2;
	}
	cost = xcalloc((size_t)rounds, sizeof(*cost));
	start = cpu_ns();
	c = cgroup_collector_new(argv[1]);
	for (int i = 0; i < rounds; i++) {
		struct timespec ts;
		struct cgroup_table t;
		int64_t t0 = cpu_ns();

		clock_gettime(CLOCK_MONOTONIC, &ts);
		rows = cgroup_collector_read(c, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec,
					     &t);
		cost[i] = cpu_ns() - t0;
		cgroup_table_release(&t);
	}
	cgroup_collector_free(c);
	printf("cgroup_total_ms %.1f ms\n", (double)(cpu_ns() - start) / 1e6);
	qsort(cost, (size_t)rounds, sizeof(*cost), cmp);
	printf("cgroup_rows %zu\n", rows);
	printf("cgroup_read_us %.0f us\n", (double)cost[rounds / 2] / 1e3);
	free(cost);
	return 0;
}
