/* SPDX-License-Identifier: MIT */
/*
 * target_access: which of a process's figures this reader may not see.
 * Anyone may read /proc/PID/stat and status, but io, fd/, smaps, maps,
 * syscall and the process's root (where a JVM keeps its hsperf data) need
 * ptrace read access: the same user, or root. Attaching as another user
 * therefore yields a target with holes, and this room says which, so record,
 * the console and (through the stored samples) report can tell the operator
 * once instead of showing blanks.
 *
 * Only a refusal (EACCES, EPERM) counts: a file the kernel does not have
 * (ENOENT, e.g. io without task IO accounting) or a process that is gone is
 * not an access limit. Nothing here prints.
 */
#ifndef VIGIL_COLLECTORS_TARGET_ACCESS_H
#define VIGIL_COLLECTORS_TARGET_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/frame.h"

/*
 * Tries each TARGET_ACCESS_* group of pid under proc_root (NULL:
 * PROCFS_ROOT_DEFAULT) the way its collector reads it, and returns the groups
 * refused (0: all readable). *err (may be NULL) gets the first refusal's
 * errno (EACCES or EPERM), 0 when none. The JVM group is tried only for a
 * process named "java". A handful of opens; call it at attach, not per tick.
 */
unsigned target_access_check(const char *proc_root, int pid, int *err);

/* The short name of one TARGET_ACCESS_* bit: "io", "fds", "smaps",
 * "syscalls", "hsperf"; NULL for anything else. */
const char *target_access_name(unsigned bit);

/*
 * The groups in denied as words for a sentence into buf (cut to len):
 * "io, fds, memory regions (smaps) and syscalls"; compact: "io, fds, smaps,
 * syscalls". "" for 0.
 */
void target_access_list(unsigned denied, bool compact, char *buf, size_t len);

/* Where a warning about a target's refused groups is said. */
enum target_access_style {
	TARGET_ACCESS_STDERR, /* record and the console's start, one full line */
	TARGET_ACCESS_STATUS, /* the console's status line: short */
	TARGET_ACCESS_REPORT, /* report, after the fact */
};

/*
 * The sentence for a target with denied groups, without "vigil: ", into buf:
 * STDERR "warning: pid 1 (systemd) is not fully readable as uid 65534: io,
 * fds, memory regions (smaps) and syscalls will be missing: permission
 * denied; run as root or as the process's user"; STATUS "pid 1 (systemd):
 * no io, fds, smaps, syscalls (permission denied)";
 * REPORT "pid 1 (systemd) was not fully readable by the recorder: io, fds,
 * memory regions (smaps) and syscalls are missing (permission denied)".
 * Control bytes in comm are shown as '?'. err is the errno (EPERM reads
 * "operation not permitted", anything else "permission denied"); uid is
 * used by STDERR only.
 */
void target_access_warning(enum target_access_style style, int pid, const char *comm,
			   uid_t uid, unsigned denied, int err, char *buf, size_t len);
/*
 * Checks pid (target_access_check) and, when something is refused, writes
 * the sentence for style into buf for the effective uid and returns true;
 * false (buf "") when everything may be read or pid is gone.
 */
bool target_access_describe(const char *proc_root, int pid,
			    enum target_access_style style, char *buf, size_t len);

#endif
