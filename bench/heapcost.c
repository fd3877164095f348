/* SPDX-License-Identifier: MIT */
/*
 * heapcost: what reading a process's heap detail costs, and the cadence the
 * heap collector would keep because of it. Starts $FIXTURES/mappings with
 * 100, 10,000 and 60,000 anonymous mappings, reads its smaps_rollup and smaps
 * repeatedly through collectors/heap.c, and prints the median CPU cost of one
 * reading (the calling thread's CPU time, what the cadence budgets) as
 *
 *   heap_rollup_us_N value us
 *   heap_smaps_us_N value us
 *   heap_rollup_every_N value ms   (max(10 s, 100 x cost))
 *   heap_smaps_every_N value ms    (max(30 s, 100 x cost))
 *   heap_tick_max_us_N value us    (the longest heapwatch_read on the ticking
 *                                   thread while smaps is read on its own)
 *
 *   heapcost [ROUNDS]      default 20 readings of each per size
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collectors/heap.h"
#include "collectors/heapwatch.h"
#include "core/clock.h"
#include "core/heap_sample.h"
#include "core/xalloc.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * What a tick pays for the heap while smaps is being read: heapwatch_read
 * every 10 ms from the tick that asks for a reading until a frame carries
 * it (at most 10 s), as the sampler thread would; the longest call in us.
 */
static double tick_max_us(pid_t pid)
{
	struct heapwatch *h = heapwatch_new(NULL, pid, 0, 0);
	int64_t worst = 0, t_ms = clock_wall_ms();

	for (int i = 0; i < 1000; i++) {
		struct frame *f = frame_new();
		struct timespec nap = {0, 10 * 1000 * 1000};
		int64_t t0;
		bool got;

		f->t_ms = t_ms + i * 10;
		f->target = xcalloc(1, sizeof(*f->target));
		f->target->pid = pid;
		f->target->alive = true;
		t0 = clock_mono_ns();
		heapwatch_read(h, f);
		if (clock_mono_ns() - t0 > worst)
			worst = clock_mono_ns() - t0;
		got = f->mappings != NULL;
		frame_unref(f);
		if (got)
			break;
		nanosleep(&nap, NULL);
	}
	heapwatch_free(h);
	return (double)worst / 1e3;
}

/* Starts `mappings N` and waits for its "ready"; returns the pid or -1. */
static pid_t start(const char *bin, int n)
{
	int fds[2];
	char arg[32], line[64];
	pid_t pid;
	FILE *f;

	if (pipe(fds) < 0)
		return -1;
	snprintf(arg, sizeof(arg), "%d", n);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(bin, bin, arg, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "ready", 5)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	return pid;
}

int main(int argc, char **argv)
{
	static const int sizes[] = {100, 10000, 60000};
	const char *dir = getenv("FIXTURES");
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	char bin[4096], err[256];

	if (rounds < 1) {
		fprintf(stderr, "heapcost: bad round count '%s'\n", argv[1]);
		return 2;
	}
	snprintf(bin, sizeof(bin), "%s/mappings", dir && *dir ? dir : "build/fixtures");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int n = sizes[s];
		int64_t *roll = calloc((size_t)rounds, sizeof(*roll));
		int64_t *full = calloc((size_t)rounds, sizeof(*full));
		struct heap_cadence rc, sc;
		size_t nvmas = 0;
		double tick;
		pid_t pid = start(bin, n);

		if (pid < 0 || !roll || !full) {
			fprintf(stderr, "heapcost: cannot start '%s %d'\n", bin, n);
			return 1;
		}
		for (int r = 0; r < rounds; r++) {
			struct heap_rollup ro;
			struct heap_mapping_set set = {0};

			if (heap_read_rollup(NULL, pid, 0, &ro, err, sizeof(err)) ||
			    heap_read_smaps(NULL, pid, 0, &set, err, sizeof(err))) {
				fprintf(stderr, "heapcost: %s\n", err);
				kill(pid, SIGKILL);
				return 1;
			}
			roll[r] = ro.cost_ns;
			full[r] = set.cost_ns;
			nvmas = set.nvmas;
			heap_mapping_set_release(&set);
		}
		tick = tick_max_us(pid);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		qsort(roll, (size_t)rounds, sizeof(*roll), cmp_i64);
		qsort(full, (size_t)rounds, sizeof(*full), cmp_i64);
		heap_cadence_init(&rc, HEAP_ROLLUP_PERIOD_MS);
		heap_cadence_init(&sc, HEAP_SMAPS_PERIOD_MS);
		heap_cadence_done(&rc, 0, roll[rounds / 2]);
		heap_cadence_done(&sc, 0, full[rounds / 2]);
		printf("heap_vmas_%d %zu\n", n, nvmas);
		printf("heap_rollup_us_%d %.1f us\n", n, (double)roll[rounds / 2] / 1e3);
		printf("heap_smaps_us_%d %.1f us\n", n, (double)full[rounds / 2] / 1e3);
		printf("heap_rollup_every_%d %lld ms\n", n,
		       (long long)heap_cadence_interval_ms(&rc));
		printf("heap_smaps_every_%d %lld ms\n", n,
		       (long long)heap_cadence_interval_ms(&sc));
		printf("heap_tick_max_us_%d %.1f us\n", n, tick);
		free(roll);
		free(full);
	}
	return 0;
}
