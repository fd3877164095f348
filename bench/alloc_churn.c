/* SPDX-License-Identifier: MIT */
/*
 * alloc_churn: a malloc-heavy program for the allocation-profiler bench.
 * Usage: alloc_churn SECONDS [wait]. It replaces blocks of 16 to 1024 bytes
 * in a pool of 4096 (one free and one malloc per operation) for SECONDS of
 * wall time and prints "ops N" and operations per second (and a "tick"
 * line of the last second's rate every second). With "wait" it
 * first waits, without allocating, until malloc carries a uprobe's
 * breakpoint (vigil's or bcc's), so the timed work is all under the probe.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POOL 4096

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int probed(void)
{
	void *(*volatile m)(size_t) = malloc;
	unsigned char b;

	memcpy(&b, (const void *)(uintptr_t)m, 1);
	return b == 0xcc;
}

int main(int argc, char **argv)
{
	static void *pool[POOL];
	double secs = argc > 1 ? atof(argv[1]) : 10, t0, end;
	unsigned long long ops = 0, tick_ops = 0;
	double tick;
	uint64_t x = 88172645463325252ull;

	if (argc > 2 && !strcmp(argv[2], "wait"))
		while (!probed())
			usleep(1000);
	t0 = now();
	end = t0 + secs;
	tick = t0;
	while (now() < end) {
		for (int i = 0; i < 1024; i++) {
			size_t k, size;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			k = (size_t)(x % POOL);
			size = 16 + (size_t)((x >> 32) % 1009);
			free(pool[k]);
			pool[k] = malloc(size);
			((char *)pool[k])[0] = (char)k;
		}
		ops += 1024;
		if (now() >= tick + 1) { /* one line a second, for attaching tools */
			printf("tick %.0f/s\n", (double)(ops - tick_ops) / (now() - tick));
			fflush(stdout);
			tick = now();
			tick_ops = ops;
		}
	}
	printf("ops %llu %.0f/s\n", ops, (double)ops / (now() - t0));
	return 0;
}
