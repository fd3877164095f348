/* SPDX-License-Identifier: MIT */
/*
 * latency: where the attached process waits, as the kernel accounts it.
 * Per thread: task/<tid>/schedstat (time on a CPU, time runnable but waiting
 * for one, timeslices), read every tick through collectors/tasks' kept
 * descriptors, and wchan and syscall (the current blocking point), read
 * when the target collector takes its thread detail. Per
 * process: kernel.task_delayacct (without it stat field 42, the block-IO
 * delay, stays 0) and the pressure (PSI) of the process's own cgroup.
 *
 * The target collector calls these for the attached process; they fill the
 * latency fields of struct thread_sample / target_sample (core/frame.h).
 *
 * Invariants:
 * - Nothing here fails a tick: an unreadable file leaves its value unknown
 *   (have_sched false, wchan "", syscall -2, HAVE_CGPSI clear) and, for the
 *   process-wide ones, a reason in why. syscall is often unreadable (it needs
 *   ptrace access to the thread); wchan reads "0" when the kernel hides it.
 * - The cgroup is looked up on cgroup v2, pure (/sys/fs/cgroup) or hybrid
 *   (/sys/fs/cgroup/unified); pressure files exist only on v2 with PSI on.
 * - Parsers take any text and return -1 leaving *out untouched.
 */
#ifndef VIGIL_COLLECTORS_LATENCY_H
#define VIGIL_COLLECTORS_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/tasks.h"
#include "core/frame.h"

#define LATENCY_CGROUP_ROOT_DEFAULT "/sys/fs/cgroup"

/* "run_ns delay_ns slices\n" -> the three values. */
int latency_parse_schedstat(const char *text, uint64_t *run_ns, uint64_t *delay_ns,
			    uint64_t *slices);
/* /proc/PID/syscall: "running" -> -1, "NR args..." -> NR (>= 0); a blocked
 * task outside a syscall ("-1 sp pc") -> -1 too. */
int latency_parse_syscall(const char *text, int *nr);
/* /proc/PID/cgroup: the path of the v2 line ("0::/a/b"), cut to cap. */
int latency_parse_cgroup(const char *text, char *path, size_t cap);

/*
 * Fills t's schedstat fields from the i-th thread of tf's last listing
 * (have_sched false when unreadable). buf (cap bytes) is scratch space.
 */
void latency_read_sched(struct task_files *tf, size_t i, struct thread_sample *t,
			char *buf, size_t cap);
/*
 * Fills t's wchan and syscall (where t->tid blocks now; t->state must be
 * set). Read less often than schedstat: two opens per thread.
 */
void latency_read_where(struct task_files *tf, struct thread_sample *t, char *buf,
			size_t cap);

/*
 * Fills out->delayacct, out->cgroup and out->cg_psi (setting
 * TARGET_HAVE_CGPSI) for process pid. cgroup_root is the cgroup file system
 * ("/sys/fs/cgroup" or a fixture directory; NULL: pressure not read).
 * Reasons go to out->why.
 */
void latency_read_process(const char *root, const char *cgroup_root, int pid,
			  struct target_sample *out, char *buf, size_t cap);

#endif
