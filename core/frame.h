/* SPDX-License-Identifier: MIT */
/*
 * frame: the vocabulary every room shares. One frame is everything one tick
 * saw: the system, the whole process table, and the attached target.
 *
 * Invariants:
 * - Values are raw as read: CPU in clock ticks (cumulative counters), sizes in
 *   bytes, time in ms since the epoch. Rates are derived by readers from two
 *   samples (or, for the process table, filled in by the collector, which is
 *   the only party that holds the previous tick in memory).
 * - A frame is immutable once published (frame_publish). It is shared by
 *   reference count between the sampler, the store writer and the UI; the
 *   last frame_unref frees it and everything it points to.
 * - Anything a collector could not read is flagged missing in a HAVE_* bit set
 *   and the reason is kept as text; a tick is never aborted for it.
 */
#ifndef VIGIL_CORE_FRAME_H
#define VIGIL_CORE_FRAME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/appmetrics.h"
#include "core/heap_sample.h"
#include "core/proc_exit.h"

#define FRAME_COMM_MAX 64 /* kernel comm is 16; room for UTF-8 and "(sd-pam)" */
#define FRAME_USER_MAX 33
#define FRAME_WHY_MAX 192

/* Cumulative CPU time in clock ticks, as in /proc/stat. */
struct cpu_times {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/*
 * Appends a reason to a "why" buffer of cap bytes: "; " between reasons, cut
 * to fit, never overflowing. Collectors use it to say what they could not read.
 */
void why_append(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Ticks the CPU did something (everything but idle and iowait). */
uint64_t cpu_times_busy(const struct cpu_times *t);
uint64_t cpu_times_total(const struct cpu_times *t);

/*
 * The busy share of the time between two readings of the same CPUs (a the
 * older), in percent of all of them: 0..100 whether a is one core or the
 * sum of every core, so 100 means every core counted was busy. This is the
 * system CPU figure everywhere (the cpu.total metric, its alert, the
 * console's meters and graph); the store's SQL says the same thing.
 * -1 when no time passed or the counters went back (another boot).
 */
double cpu_times_busy_pct(const struct cpu_times *a, const struct cpu_times *b);

struct core_times {
	int cpu; /* the N of "cpuN": offline cores leave gaps */
	struct cpu_times t;
};

enum psi_resource { PSI_CPU, PSI_MEMORY, PSI_IO, PSI_N };

struct psi_line {
	double avg10, avg60, avg300; /* percent */
	uint64_t total_us;	     /* cumulative stall time */
};

struct psi {
	bool present;  /* /proc/pressure/<res> was readable */
	bool has_full; /* the kernel reports a "full" line (cpu may not) */
	struct psi_line some, full;
};

enum sys_have {
	SYS_HAVE_STAT = 1u << 0,      /* /proc/stat: cpu, ctxt, processes */
	SYS_HAVE_MEMINFO = 1u << 1,   /* /proc/meminfo */
	SYS_HAVE_LOADAVG = 1u << 2,   /* /proc/loadavg */
	SYS_HAVE_DISKSTATS = 1u << 3, /* /proc/diskstats */
	SYS_HAVE_NETDEV = 1u << 4,    /* /proc/net/dev */
};

#define FRAME_DEV_MAX 32 /* block device and interface names (IFNAMSIZ is 16) */

/*
 * One whole block device of /proc/diskstats, counters cumulative since boot
 * as the kernel keeps them. Partitions are not kept (their disk has their
 * I/O); neither are devices that never did any I/O (unused loop and ram).
 */
struct disk_stat {
	char name[FRAME_DEV_MAX];
	/* stacked on other devices or on memory (dm-*, md*, loop*, ram*,
	 * zram*): its I/O is counted again below it, so totals leave it out */
	bool stacked;
	uint64_t reads, read_sectors, read_ms;	  /* completed; 512-byte sectors */
	uint64_t writes, write_sectors, write_ms; /* ms: time requests took */
	uint64_t io_ms;				  /* ms the device was busy */
};

/* One interface of /proc/net/dev, counters cumulative. */
struct net_stat {
	char name[FRAME_DEV_MAX];
	bool loopback; /* "lo": left out of the totals */
	uint64_t rx_bytes, rx_packets, rx_errs, rx_drop;
	uint64_t tx_bytes, tx_packets, tx_errs, tx_drop;
};

struct sys_sample {
	unsigned have; /* SYS_HAVE_* */
	char why[FRAME_WHY_MAX];

	struct cpu_times cpu; /* all cores together */
	size_t ncores;
	struct core_times *cores; /* owned, ncores entries, ascending cpu */
	uint64_t ctxt;		  /* context switches since boot */
	uint64_t forks;		  /* "processes" in /proc/stat */
	uint32_t procs_running, procs_blocked;
	int64_t boot_time_s; /* btime */

	/* bytes */
	uint64_t mem_total, mem_free, mem_available, buffers, cached;
	uint64_t swap_total, swap_free;

	double load1, load5, load15;

	struct psi psi[PSI_N];

	size_t ndisks;
	struct disk_stat *disks; /* owned, in /proc/diskstats order */
	size_t nnets;
	struct net_stat *nets; /* owned, in /proc/net/dev order */
};

/* Frees the cores, disks and nets arrays; the sample may be filled again. */
void sys_sample_release(struct sys_sample *s);

/* One row of the process table (a process, not a thread). */
struct proc_row {
	int pid, ppid;
	unsigned uid;
	char state; /* R S D Z T t X I */
	int nice;
	int threads;
	uint64_t cpu_ticks;   /* utime + stime, cumulative */
	uint64_t start_ticks; /* since boot; (pid, start_ticks) is the identity */
	int64_t start_ms;     /* the same, as wall time */
	uint64_t rss_bytes, vsz_bytes;
	double cpu_pct; /* over the last interval, 100 = one core; < 0 unknown */
	char comm[FRAME_COMM_MAX];
	char user[FRAME_USER_MAX];
	char *cmdline; /* owned; args joined by spaces; "" for kernel threads */
	/* owned; its cgroup as the cgroup table names it ("/system.slice/x"),
	 * read when the process is first seen and after an exec; NULL unknown */
	char *cgroup;
};

struct proc_table {
	size_t n;
	struct proc_row *rows; /* owned, ascending pid */
};

void proc_table_release(struct proc_table *t);
/* Binary search by pid; NULL when absent. */
const struct proc_row *proc_table_find(const struct proc_table *t, int pid);

#define FRAME_WCHAN_MAX 48

struct thread_sample {
	int tid;
	char state;
	uint64_t utime, stime; /* clock ticks */
	char comm[FRAME_COMM_MAX];
	/* task/<tid>/schedstat, when have_sched: time on a CPU, time runnable
	 * but waiting for one (run-queue delay), and timeslices run */
	bool have_sched;
	uint64_t run_ns, run_delay_ns, slices;
	uint64_t blkio_ticks;	     /* stat field 42: waiting for block IO */
	char wchan[FRAME_WCHAN_MAX]; /* where it sleeps; "" running/unreadable */
	int syscall;		     /* in this syscall; -1 running; -2 unknown */
};

enum target_have {
	TARGET_HAVE_STAT = 1u << 0,    /* /proc/PID/stat */
	TARGET_HAVE_STATUS = 1u << 1,  /* /proc/PID/status */
	TARGET_HAVE_IO = 1u << 2,      /* /proc/PID/io */
	TARGET_HAVE_FDS = 1u << 3,     /* /proc/PID/fd */
	TARGET_HAVE_THREADS = 1u << 4, /* /proc/PID/task/<tid>/stat */
	TARGET_HAVE_SCHED = 1u << 5,   /* every thread's schedstat */
	TARGET_HAVE_CGPSI = 1u << 6,   /* pressure of the target's cgroup */
};

/*
 * Groups of a target's figures the kernel shows only to the process's own
 * user or root (ptrace read access), beyond stat and status which anyone
 * may read. collectors/target_access checks them at attach.
 */
enum target_access {
	TARGET_ACCESS_IO = 1u << 0,	 /* <pid>/io: read and written bytes */
	TARGET_ACCESS_FDS = 1u << 1,	 /* <pid>/fd: open descriptors */
	TARGET_ACCESS_MAPS = 1u << 2,	 /* smaps, smaps_rollup, maps: memory regions */
	TARGET_ACCESS_SYSCALL = 1u << 3, /* task/<tid>/syscall: where threads block */
	TARGET_ACCESS_JVM = 1u << 4,	 /* <pid>/root: a JVM's hsperf data */
	TARGET_ACCESS_ALL = (1u << 5) - 1,
};

struct target_sample {
	int pid;
	uint64_t start_ticks;
	bool alive;		 /* false once the process is gone or was replaced */
	int exit_code;		 /* when vigil started it and it exited, else -1 */
	int exit_signal;	 /* killed by this signal, else 0 */
	unsigned have;		 /* TARGET_HAVE_* */
	char why[FRAME_WHY_MAX]; /* "io: Permission denied; fd: ..." (strerror text) */
	/* TARGET_ACCESS_* groups refused to this reader (EACCES/EPERM), as found
	 * at attach; 0 when everything may be read or the process is gone */
	unsigned denied;

	char comm[FRAME_COMM_MAX];
	char state;
	int num_threads;
	uint64_t utime, stime;	 /* clock ticks, stat */
	uint64_t minflt, majflt; /* stat */

	/* bytes, status */
	uint64_t vm_size, vm_rss, rss_anon, rss_file, rss_shmem, vm_swap;
	uint64_t vm_hwm, vm_data;
	uint64_t vol_ctxsw, invol_ctxsw; /* status */

	uint64_t rchar, wchar, read_bytes, write_bytes; /* io */
	int fds;

	/* latency, summed over the threads alive now (HAVE_SCHED); a thread
	 * that exits takes its share with it, so readers skip negative deltas */
	uint64_t run_ns, run_delay_ns, slices;
	uint64_t blkio_ticks;	  /* stat field 42 summed; counts when delayacct == 1 */
	int delayacct;		  /* kernel.task_delayacct: 1 on, 0 off, -1 unknown */
	char cgroup[256];	  /* cgroup v2 path ("/system.slice/x"); "" unknown */
	struct psi cg_psi[PSI_N]; /* HAVE_CGPSI: that cgroup's pressure */

	size_t nthreads;
	struct thread_sample
		*threads; /* owned, ascending tid; NULL without HAVE_THREADS */
};

void target_sample_release(struct target_sample *s);

/* A limit or maximum the kernel writes as "max" (or v1's huge numbers). */
#define CGROUP_UNLIMITED UINT64_MAX

enum cgroup_have {
	CGROUP_HAVE_CPU = 1u << 0,	 /* cpu_usage_ns */
	CGROUP_HAVE_THROTTLE = 1u << 1,	 /* nr_periods, nr_throttled, throttled_ns */
	CGROUP_HAVE_QUOTA = 1u << 2,	 /* cpu_quota_us, cpu_period_us */
	CGROUP_HAVE_MEM = 1u << 3,	 /* mem_current */
	CGROUP_HAVE_MEM_LIMIT = 1u << 4, /* mem_max (and on v2 mem_high) */
	CGROUP_HAVE_OOM = 1u << 5,	 /* oom: times the limit was hit (v2) */
	CGROUP_HAVE_OOM_KILL = 1u << 6,	 /* oom_kill */
	CGROUP_HAVE_SWAP = 1u << 7,	 /* swap_current, swap_max */
	CGROUP_HAVE_IO = 1u << 8,	 /* io_* and devs */
	CGROUP_HAVE_IO_OPS = 1u << 9,	 /* io_rios, io_wios (v2 io.stat only) */
	CGROUP_HAVE_PSI = 1u << 10,	 /* psi[] (v2, or hybrid's unified mount) */
	CGROUP_HAVE_PIDS = 1u << 11,	 /* pids_current, pids_max */
};

/* One device's line of io.stat (v1: blkio.throttle.io_service_bytes). */
struct cgroup_io {
	unsigned major, minor;
	uint64_t rbytes, wbytes, rios, wios; /* cumulative */
};

/*
 * One cgroup as one tick read it. On a hybrid host a v1 cgroup is its path,
 * merged across the controllers' hierarchies (cpu, cpuacct, memory, blkio,
 * pids, and the unified mount for pressure), so /docker/abc under memory and
 * under cpu are one row. Counters are cumulative, as the kernel keeps them.
 */
struct cgroup_row {
	char *path;    /* owned; "/" is the root, "/system.slice/x.service" */
	unsigned have; /* CGROUP_HAVE_* */
	uint64_t cpu_usage_ns;
	uint64_t nr_periods, nr_throttled, throttled_ns;
	uint64_t cpu_quota_us, cpu_period_us;	 /* quota CGROUP_UNLIMITED: none */
	uint64_t mem_current, mem_high, mem_max; /* bytes; CGROUP_UNLIMITED: none */
	uint64_t oom, oom_kill;
	uint64_t swap_current, swap_max;
	uint64_t io_rbytes, io_wbytes, io_rios, io_wios; /* over every device */
	size_t ndevs;
	struct cgroup_io *devs; /* owned */
	struct psi psi[PSI_N];
	uint64_t pids_current, pids_max;
	double cpu_pct; /* over the last interval, 100 = one core; < 0 unknown */
};

enum cgroup_layout {
	CGROUP_LAYOUT_NONE, /* no cgroup file system found */
	CGROUP_LAYOUT_V1,   /* v1 controllers (hybrid: pressure from unified) */
	CGROUP_LAYOUT_V2,   /* the unified hierarchy only */
};

struct cgroup_table {
	enum cgroup_layout layout;
	size_t n;
	struct cgroup_row *rows; /* owned, ascending path (strcmp) */
};

void cgroup_table_release(struct cgroup_table *t);
/* Binary search by path; NULL when absent. */
const struct cgroup_row *cgroup_table_find(const struct cgroup_table *t,
					   const char *path);

#define ALERT_TOP_MAX 3

/* A process named by a system-wide alert: one of the busiest (or biggest)
 * at the moment of the transition. */
struct alert_top {
	int pid;
	char comm[FRAME_COMM_MAX];
	double value; /* top_by "cpu": % of one core; "rss": bytes */
};

/* One alert state transition, as the alert engine decided it this tick. */
struct alert_event {
	int64_t t_ms;
	char rule[160];	    /* the rule's name (its text by default) */
	char severity[12];  /* info warning critical */
	char state[12];	    /* pending firing resolved acked inactive */
	bool has_value;	    /* a number moved it (value); else word did */
	double value;	    /* in the metric's base unit */
	char word[64];	    /* for rules over words (memory.verdict) */
	char message[256];  /* "target.rss 2.3 GiB > 2 GiB for 10s" */
	int64_t profile_id; /* a profile its action captured; 0 none */
	/* a system-wide rule going pending or firing: the processes that
	 * weighed most then, by top_by ("cpu", "rss", "blocked": in D state,
	 * by CPU); top_by "" and ntop 0 for the rest */
	char top_by[8];
	size_t ntop;
	struct alert_top top[ALERT_TOP_MAX];
};

/* Something that went wrong beside the samples, e.g. an alert action that
 * failed or was dropped. */
struct notice {
	int64_t t_ms;
	char kind[16];	   /* action-failed action-dropped */
	char source[160];  /* the alert rule's name */
	char message[256]; /* "exec '/x': exited with status 3" */
};

struct frame {
	atomic_int refs;
	uint64_t seq;	 /* 0, 1, 2, ... within a session */
	int64_t t_ms;	 /* wall time the tick started */
	int64_t cost_ns; /* what collecting this frame cost the sampler */
	struct sys_sample sys;
	struct proc_table procs;
	struct cgroup_table cgroups;  /* empty when not collected */
	struct target_sample *target; /* owned; NULL without a target */
	struct alert_event *alerts;   /* owned; transitions this tick */
	size_t nalerts;
	struct notice *notices; /* owned; what went wrong since the last tick */
	size_t nnotices;
	struct app_metrics *app; /* owned; StatsD this tick; NULL without a listener */
	/* the target's heap, each NULL when not read this tick (own cadences) */
	struct heap_rollup *rollup; /* owned; smaps_rollup */
	struct jvm_sample *jvm;	    /* owned; HotSpot perf data */
	struct heap_mapping_set
		*mappings;	       /* owned; smaps regions, when a reading ended */
	struct heap_verdict *leak;     /* owned; the leak analysis, when it ran */
	struct heap_suspect *suspects; /* owned; with leak: what it raised, ranked */
	size_t nsuspects;
	/* owned; the processes that exited since the tick before (and whether
	 * exit accounting runs); NULL when it was not asked for */
	struct proc_exits *exits;
	/* owned; the collections the child traced since the tick before
	 * (--gc-trace) */
	struct gc_record *gcs;
	size_t ngcs;
};

/* One collection a runtime traced (--gc-trace, cmd/gcpipe.h). */
struct gc_record {
	char runtime[8];     /* "node", "go" */
	char kind[32];	     /* "Scavenge", "Mark-Compact", "gc", "gc forced" ... */
	int major;	     /* 1: its after-heap is a leak floor */
	double runtime_ms;   /* since the runtime started, as it says */
	double pause_ms;     /* stop-the-world */
	double before_bytes; /* heap before */
	double after_bytes;  /* heap after (Node) / live (Go) */
};

/* A zeroed frame with one reference, owned by the caller. */
struct frame *frame_new(void);
struct frame *frame_ref(struct frame *f);
/* Drops one reference; frees the frame with the last. NULL is ignored. */
void frame_unref(struct frame *f);

/* Everything a session file says about itself (the "sessions" row). */
struct session_meta {
	char version[32]; /* vigil version that wrote it */
	char host[256];
	char kernel[256];	      /* uname -r */
	int64_t started_ms, ended_ms; /* ended_ms 0 while running */
	int64_t interval_ms;
	int ncpu;
	long clk_tck, page_size;
	int64_t boot_ms;
	uint64_t mem_total;
	int target_pid;	       /* 0 without a target */
	char target_cmd[1024]; /* the command vigil started, "" otherwise */
	int target_exit_code;  /* -1 unknown */
	int target_exit_signal;
};

#endif
