/* SPDX-License-Identifier: MIT */
/*
 * report_sections: the sections of `vigil report` that the rooms built on
 * the foundation add (alerts, and the others as they come), each as a JSON
 * member (",\n  \"key\": ...", written after the members before it) and as
 * text lines. Each reads the session through the store's query API.
 */
#ifndef VIGIL_CMD_REPORT_SECTIONS_H
#define VIGIL_CMD_REPORT_SECTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

/* The time span a report covers, ms since the epoch. */
struct report_span {
	int64_t t0, t1;
};

/* "alerts": every firing, paired with its resolution. 0 or -1 (store_error). */
int report_alerts_json(FILE *out, struct store *st, const struct report_span *sp);
int report_alerts_text(FILE *out, struct store *st, const struct report_span *sp);

/*
 * "daemon": what a recorder noted about itself (cmd/report_daemon.c): a
 * daemon shedding data, a file compacted. [] and no text line when none.
 */
int report_daemon_json(FILE *out, struct store *st, const struct report_span *sp);
int report_daemon_text(FILE *out, struct store *st, const struct report_span *sp);

/* "gc": the collections a --gc-trace runtime traced (report_gc.c), null
 * without. 0 or -1 (store_error). */
int report_gc_json(FILE *out, struct store *st, const struct report_span *sp);
int report_gc_text(FILE *out, struct store *st, const struct report_span *sp);

/* "latency": run-queue wait, IO delay, pressure and StatsD timers. */
int report_latency_json(FILE *out, struct store *st, const struct report_span *sp);
int report_latency_text(FILE *out, struct store *st, const struct report_span *sp);

/* "profiles": each stored profile with its top functions. */
int report_profiles_json(FILE *out, struct store *st, const struct report_span *sp);
int report_profiles_text(FILE *out, struct store *st, const struct report_span *sp);

/*
 * "access": each target whose figures were partly refused to the recorder
 * (another user's process) with the groups that are missing; [] and no text
 * line when none was.
 */
int report_access_json(FILE *out, struct store *st, const struct report_span *sp);
int report_access_text(FILE *out, struct store *st, const struct report_span *sp);

/*
 * "memory": the latest leak verdict for the target (comm) with the suspects
 * raised with it (the process, its regions), null without (report_memory.c).
 */
int report_memory_json(FILE *out, struct store *st, const struct report_span *sp,
		       const char *comm);
int report_memory_text(FILE *out, struct store *st, const struct report_span *sp,
		       const char *comm);

/*
 * "disk" and "network": total rates and each device with what it moved and
 * its rates (report_io.c); null and no text for a file from before v6.
 */
int report_io_json(FILE *out, struct store *st, const struct report_span *sp);
int report_io_text(FILE *out, struct store *st, const struct report_span *sp);

/*
 * "process_actions": what the operator did to processes from the console
 * (report_actions.c), oldest first; [] and no text for a file before v7.
 */
int report_proc_actions_json(FILE *out, struct store *st, const struct report_span *sp);
int report_proc_actions_text(FILE *out, struct store *st, const struct report_span *sp);

/*
 * "exits": processes that exited (report_exits.c): how many, how many lived
 * between two ticks, the top commands by CPU and by peak RSS; null and no
 * text for a file before v9; "not recorded" with the reason when exit
 * accounting was off.
 */
int report_exits_json(FILE *out, struct store *st, const struct report_span *sp);
int report_exits_text(FILE *out, struct store *st, const struct report_span *sp);

/*
 * "cgroups": the heaviest cgroups by CPU, memory, throttling and OOM kills
 * (report_cgroups.c); null and no text for a file from before v10.
 */
int report_cgroups_json(FILE *out, struct store *st, const struct report_span *sp);
int report_cgroups_text(FILE *out, struct store *st, const struct report_span *sp);

#endif
