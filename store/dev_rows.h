/* SPDX-License-Identifier: MIT */
/*
 * dev_rows: the system's disks and network interfaces in a session file
 * (schema v6): which devices a window has, and what each moved in it. Their
 * rates over time are metrics of store/series.h: the totals "disk.read_bytes"
 * .. "net.drops" and, per device, "disk.DEV.FIELD" and "net.IFACE.FIELD"
 * (query_dev_metric_name builds one).
 *
 * Invariants (besides those of every read call, store/frames.h):
 * - A device appears in a window when it has a row in it, i.e. when one of
 *   its counters moved (or it appeared) during the window.
 * - Movement is summed over consecutive rows of a device inside the window;
 *   a row of a device that had just appeared, or whose counter went
 *   backwards (reset, wrap), adds nothing, so a total is never negative.
 * - A file older than v6 has no devices (empty results, not an error).
 */
#ifndef VIGIL_STORE_DEV_ROWS_H
#define VIGIL_STORE_DEV_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/store.h"

enum dev_class { DEV_DISK, DEV_NET };

/* What one device moved over a window. */
struct dev_moved {
	char name[FRAME_DEV_MAX];
	/* disks: stacked (dm, md, loop, ram); interfaces: lo. Left out of the
	 * totals metrics. */
	bool aside;
	/* disks: bytes read, bytes written, reads, writes; interfaces: bytes
	 * received, bytes sent, errors (rx + tx), drops (rx + tx) */
	uint64_t moved[4];
};

/*
 * The devices of class cls with rows in t0..t1, by name, and what each
 * moved. *out (caller frees) and *n are overwritten. 0 or -1.
 */
int query_dev_moved(struct store *s, enum dev_class cls, int64_t t0, int64_t t1,
		    struct dev_moved **out, size_t *n);

/* Whether the file records devices at all (schema v6 on). */
bool store_has_devices(const struct store *s);

/* The fields of the per-device metrics, NULL-terminated ("read_bytes", ..). */
const char *const *query_dev_fields(enum dev_class cls);

/* "disk.sda.util" into buf (cap bytes); false when it does not fit. */
bool query_dev_metric_name(enum dev_class cls, const char *dev, const char *field,
			   char *buf, size_t cap);

#endif
