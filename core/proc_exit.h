/* SPDX-License-Identifier: MIT */
/*
 * proc_exit: the processes that ended since the tick before, as the kernel's
 * exit accounting reported them (collectors/exitacct.h), and the state of
 * that accounting. A frame owns one struct proc_exits (core/frame.h) when
 * exit accounting was asked for, on or off.
 *
 * Invariants: values are raw as the kernel keeps them (CPU in ns, peak RSS
 * in bytes, times in ms since the epoch); the counters of struct proc_exits
 * are cumulative since the collector started, so a frame the writer drops
 * loses its rows but no count.
 */
#ifndef VIGIL_CORE_PROC_EXIT_H
#define VIGIL_CORE_PROC_EXIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROC_EXIT_COMM_MAX 64
#define PROC_EXIT_WHY_MAX 192

/* One process that exited: its last thread's record plus the CPU of the
 * threads that ended before it. */
struct proc_exit {
	int pid, ppid;
	unsigned uid;
	char comm[PROC_EXIT_COMM_MAX];
	char *cmdline; /* owned; args joined by spaces; NULL: not captured */
	int64_t start_ms, end_ms;
	uint64_t utime_ns, stime_ns; /* as the scheduler tick sampled them */
	uint64_t cpu_ns;	     /* time on a CPU, exact; 0 unknown */
	uint64_t peak_rss;	     /* bytes; 0 for a kernel thread */
	int exit_code;		     /* exit status 0..255; -1 when killed by a signal */
	int exit_signal;	     /* the signal that killed it, else 0 */
	bool core_dumped;
	int threads; /* thread exits counted into it (1: single-threaded) */
	bool seen;   /* it was in a tick's process table while it ran */
	/* read back from a session: the exits this row stands for, 1, or more
	 * where compaction merged a minute's (store/compact.h); the
	 * collectors and the writer leave it alone */
	uint64_t n;
};

struct proc_exits {
	bool on;		     /* exit accounting is running */
	char why[PROC_EXIT_WHY_MAX]; /* off: why ("needs root (CAP_NET_ADMIN)") */
	bool cmdlines;		     /* the proc connector captures command lines */
	uint64_t total;		     /* processes that exited, since start */
	uint64_t lost;		     /* exit records the kernel dropped (overflow) */
	uint64_t no_cmdline;	     /* gone before their command line was read */
	uint64_t bad;		     /* malformed netlink messages dropped */
	size_t n;
	struct proc_exit *rows; /* owned; in the order they exited */
};

/* Frees the rows (and their command lines) and e itself. NULL is ignored. */
void proc_exits_free(struct proc_exits *e);

/* Splits a wait(2)-style status into exit_code, exit_signal, core_dumped. */
void proc_exit_set_status(struct proc_exit *x, uint32_t status);

#endif
