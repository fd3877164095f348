/* SPDX-License-Identifier: MIT */
/*
 * exitacct_parse: bytes -> structs for the two netlink sockets behind exit
 * accounting (collectors/exitacct.h). Pure: no socket, no allocation, so the
 * unit tests and the fuzzer feed it hand-built datagrams.
 *
 * 1. taskstats (generic netlink, family "TASKSTATS"): the kernel sends one
 *    TASKSTATS_CMD_NEW message per exiting thread to every listener
 *    registered for the CPU it exits on. Its TASKSTATS_TYPE_AGGR_PID holds
 *    the thread's pid and its struct taskstats; the last thread of a
 *    multi-threaded process also carries TASKSTATS_TYPE_AGGR_TGID (whose
 *    stats hold only delay accounting, so the CPU of a process is the sum of
 *    its threads' records). struct taskstats only grows at its end: a
 *    shorter one from an older kernel is read up to where it ends, a longer
 *    one from a newer kernel up to what this header knows.
 * 2. the proc connector (NETLINK_CONNECTOR, CN_IDX_PROC): fork, exec and
 *    exit events, used to read a process's command line while it lives.
 *
 * Anything that is not a complete, well-formed message of the expected kind
 * is counted as bad and skipped; nothing is read past the buffer handed in.
 */
#ifndef VIGIL_COLLECTORS_EXITACCT_PARSE_H
#define VIGIL_COLLECTORS_EXITACCT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXITACCT_COMM_MAX 33 /* TS_COMM_LEN (32) and a NUL */

/* One thread's exit, as taskstats reports it. */
struct exitacct_record {
	int pid;	 /* the thread (ac_pid) */
	int tgid;	 /* its process: the TGID attribute, ac_tgid, or pid */
	int ppid;	 /* the process's parent */
	unsigned uid;	 /* real uid */
	bool group_dead; /* AGROUP: the last thread of its process */
	char comm[EXITACCT_COMM_MAX];
	uint32_t exitcode;	     /* as wait(2) encodes it: code << 8, or the signal */
	uint64_t btime_s;	     /* start, seconds since the epoch */
	uint64_t etime_us;	     /* the thread's lifetime */
	uint64_t tgetime_us;	     /* the process's lifetime; 0 when not reported */
	uint64_t utime_us, stime_us; /* as the tick sampled them */
	uint64_t run_ns;	     /* time on a CPU, exact (sum_exec_runtime) */
	uint64_t hiwater_kb;	     /* peak RSS of its memory, KiB; 0 kernel thread */
};

/*
 * Parses one datagram of the taskstats socket. family is the generic
 * netlink id of "TASKSTATS" (messages of other types are skipped, not bad).
 * Up to max records land in out. Returns how many; each message that claims
 * to be an exit record but is truncated or malformed adds 1 to *bad, and so
 * does a datagram whose netlink headers do not add up.
 */
size_t exitacct_parse_taskstats(const void *buf, size_t len, uint16_t family,
				struct exitacct_record *out, size_t max, uint64_t *bad);

enum exitacct_event_kind {
	EXITACCT_EV_FORK, /* a new process (threads are skipped) */
	EXITACCT_EV_EXEC,
	EXITACCT_EV_EXIT, /* one thread; pid == tgid: the leader */
};

struct exitacct_event {
	enum exitacct_event_kind kind;
	int pid, tgid; /* fork: the child */
	int parent;    /* fork: the parent's tgid; else 0 */
};

/*
 * Parses one datagram of the proc connector socket into up to max events.
 * Returns how many; malformed messages add 1 to *bad each. Events vigil has
 * no use for (uid, sid, comm, ptrace, coredump changes, thread creation,
 * the subscription's acknowledgement) are skipped without counting.
 */
size_t exitacct_parse_connector(const void *buf, size_t len, struct exitacct_event *out,
				size_t max, uint64_t *bad);

/*
 * Parses the reply to a CTRL_CMD_GETFAMILY request: the family id of the
 * name asked for. Returns it (> 0), or -errno (an NLMSG_ERROR reply carries
 * one; -EBADMSG when there is no id in a well-formed reply).
 */
int exitacct_parse_family(const void *buf, size_t len);

/*
 * Parses a reply that should be an acknowledgement (NLMSG_ERROR): 0 for
 * success, -errno for a refusal, -EBADMSG when it is not an ack.
 */
int exitacct_parse_ack(const void *buf, size_t len);

#endif
