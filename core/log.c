/* SPDX-License-Identifier: MIT */
/* log: an append-only debug file shared by all threads, one line per call. */
#include "core/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/outfile.h"

static FILE *log_file;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int log_open(const char *path, char *err, size_t errlen)
{
	int fd = outfile_append(path, err, errlen);
	FILE *f;

	if (fd < 0)
		return fd;
	f = fdopen(fd, "a");
	if (!f) {
		int e = errno;

		close(fd);
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(e));
		return -e;
	}
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}

void log_debug(const char *fmt, ...)
{
	struct timespec ts;
	char name[16] = "?";
	va_list ap;

	if (!log_file)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_getname_np(pthread_self(), name, sizeof(name));
	pthread_mutex_lock(&log_lock);
	if (log_file) {
		fprintf(log_file, "%lld.%03ld [%s] ", (long long)ts.tv_sec,
			ts.tv_nsec / 1000000, name);
		va_start(ap, fmt);
		vfprintf(log_file, fmt, ap);
		va_end(ap);
		fputc('\n', log_file);
		fflush(log_file);
	}
	pthread_mutex_unlock(&log_lock);
}
