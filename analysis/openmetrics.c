/* SPDX-License-Identifier: MIT */
/*
 * openmetrics: STAND-IN (see openmetrics.h): one counter of the frames seen,
 * in either format, until the exposition branch's renderer replaces it.
 */
#include "analysis/openmetrics.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"

struct metrics {
	pthread_mutex_t lock;
	uint64_t frames;
};

struct metrics *metrics_new(const struct metrics_config *cfg)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	(void)cfg;
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void metrics_update(struct metrics *m, struct frame *f)
{
	(void)f;
	pthread_mutex_lock(&m->lock);
	m->frames++;
	pthread_mutex_unlock(&m->lock);
}

int metrics_render(struct metrics *m, enum metrics_format fmt, char **body, size_t *len)
{
	uint64_t frames;
	int n;

	pthread_mutex_lock(&m->lock);
	frames = m->frames;
	pthread_mutex_unlock(&m->lock);
	if (fmt == METRICS_OPENMETRICS)
		n = asprintf(
			body,
			"# HELP vigil_frames Frames the sampler published.\n"
			"# TYPE vigil_frames counter\nvigil_frames_total %llu\n# EOF\n",
			(unsigned long long)frames);
	else
		n = asprintf(
			body,
			"# HELP vigil_frames_total Frames the sampler published.\n"
			"# TYPE vigil_frames_total counter\nvigil_frames_total %llu\n",
			(unsigned long long)frames);
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}
