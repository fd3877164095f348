/* SPDX-License-Identifier: MIT */
/* heapwatch: see heapwatch.h. */
#include "collectors/heapwatch.h"

#include <stdlib.h>
#include <string.h>

#include "collectors/heap.h"
#include "collectors/hsperf.h"
#include "core/log.h"
#include "core/xalloc.h"

/* A JVM writes its perf data file a moment after it starts: look again for
 * this many rollup periods before deciding the target is not one. */
#define JVM_LOOKS 6

struct heapwatch {
	char *root;
	int pid;
	struct heap_cadence rollup;
	struct hsperf_collector *jvm;
	int jvm_looks;
	bool rollup_failed; /* said once in the log */
};

struct heapwatch *heapwatch_new(const char *proc_root, int pid, int64_t period_ms)
{
	struct heapwatch *h = xcalloc(1, sizeof(*h));

	h->root = proc_root ? xstrdup(proc_root) : NULL;
	h->pid = pid;
	heap_cadence_init(&h->rollup, period_ms > 0 ? period_ms : HEAPWATCH_PERIOD_MS);
	return h;
}

void heapwatch_free(struct heapwatch *h)
{
	if (!h)
		return;
	hsperf_collector_free(h->jvm);
	free(h->root);
	free(h);
}

int heapwatch_pid(const struct heapwatch *h)
{
	return h->pid;
}

static void read_jvm(struct heapwatch *h, struct frame *f)
{
	struct jvm_sample js;
	char err[256];

	if (!h->jvm)
		return;
	if (hsperf_collector_read(h->jvm, f->t_ms, &js, err, sizeof(err)) < 0) {
		log_debug("heap: jvm %d: %s", h->pid, err);
		return;
	}
	f->jvm = xmalloc(sizeof(*f->jvm));
	*f->jvm = js;
}

void heapwatch_read(struct heapwatch *h, struct frame *f)
{
	struct heap_rollup r;
	char err[256];

	if (!f->target || !f->target->alive || f->target->pid != h->pid)
		return;
	read_jvm(h, f);
	if (!heap_cadence_due(&h->rollup, f->t_ms))
		return;
	if (!h->jvm && h->jvm_looks < JVM_LOOKS) {
		h->jvm_looks++;
		if (hsperf_collector_open(h->root, h->pid, &h->jvm, err, sizeof(err)) ==
		    0)
			log_debug("heap: %d is a JVM: %s", h->pid,
				  hsperf_collector_path(h->jvm));
	}
	if (heap_read_rollup(h->root, h->pid, f->t_ms, &r, err, sizeof(err)) < 0) {
		if (!h->rollup_failed)
			log_debug("heap: smaps_rollup of %d: %s", h->pid, err);
		h->rollup_failed = true;
		heap_cadence_done(&h->rollup, f->t_ms, 0);
		return;
	}
	heap_cadence_done(&h->rollup, f->t_ms, r.cost_ns);
	f->rollup = xmalloc(sizeof(*f->rollup));
	*f->rollup = r;
}
