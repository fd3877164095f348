/* SPDX-License-Identifier: MIT */
/* clock: thin wrappers over clock_gettime / clock_nanosleep. */
#include "core/clock.h"

#include <errno.h>
#include <time.h>

int64_t clock_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int clock_sleep_until(int64_t deadline_ns)
{
	struct timespec ts = {.tv_sec = deadline_ns / 1000000000,
			      .tv_nsec = deadline_ns % 1000000000};
	int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

	return rc == 0 ? 0 : (rc == EINTR ? -1 : 0);
}
