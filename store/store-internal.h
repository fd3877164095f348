/* SPDX-License-Identifier: MIT */
/*
 * store-internal: what the files of the store room share and nobody else may
 * see (after git's refs/refs-internal.h). The layout of struct store, the
 * column lists that both the writer (INSERT) and the readers (SELECT) use so
 * their order is written down once, the schema version each room needs
 * (store_has), and the hooks one file of the room calls in another. The
 * sqlite3 helpers every file uses are in store/statements.h.
 *
 * Invariants:
 * - Column order in the *_COLUMNS lists is the order of the bind and column
 *   calls in write.c and frames.c (and target_rows.c); change one, change
 *   both.
 * - uint64_t values are stored as the int64_t with the same bits; nothing a
 *   kernel counter reaches in practice comes near 2^63.
 */
#ifndef VIGIL_STORE_STORE_INTERNAL_H
#define VIGIL_STORE_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/gaps.h"
#include "store/statements.h"

#define SESSION_COLUMNS                                                                  \
	"version, host, kernel, started_ms, ended_ms, interval_ms, ncpu, "               \
	"clk_tck, page_size, boot_ms, mem_total, target_pid, target_cmd, "               \
	"target_exit_code, target_exit_signal"

#define SYS_COLUMNS                                                                      \
	"tick, have, why, "                                                              \
	"cpu_user, cpu_nice, cpu_system, cpu_idle, cpu_iowait, cpu_irq, "                \
	"cpu_softirq, cpu_steal, "                                                       \
	"ctxt, forks, procs_running, procs_blocked, boot_time_s, "                       \
	"mem_total, mem_free, mem_available, mem_buffers, mem_cached, "                  \
	"swap_total, swap_free, load1, load5, load15, " PSI_COLUMNS(                     \
		"cpu") ", " PSI_COLUMNS("memory") ", " PSI_COLUMNS("io")

#define PSI_COLUMNS(res)                                                                 \
	"psi_" res "_some_avg10, psi_" res "_some_avg60, "                               \
	"psi_" res "_some_avg300, psi_" res "_some_total_us, "                           \
	"psi_" res "_full_avg10, psi_" res "_full_avg60, "                               \
	"psi_" res "_full_avg300, psi_" res "_full_total_us"

#define CPU_COLUMNS "user, nice, system, idle, iowait, irq, softirq, steal"

#define TARGET_COLUMNS                                                                   \
	"tick, pid, start_ticks, alive, exit_code, exit_signal, have, why, "             \
	"comm, state, num_threads, utime, stime, minflt, majflt, "                       \
	"vm_size, vm_rss, rss_anon, rss_file, rss_shmem, vm_swap, vm_hwm, "              \
	"vm_data, vol_ctxsw, invol_ctxsw, "                                              \
	"rchar, wchar, read_bytes, write_bytes, fds"

#define TARGET_NCOLUMNS 30 /* in TARGET_COLUMNS */

/* schema v3: latency */
#define TARGET_V3_COLUMNS                                                                \
	"run_ns, run_delay_ns, slices, blkio_ticks, delayacct, cgroup, "                 \
	"cg_psi_cpu_some_avg10, cg_psi_cpu_some_total_us, "                              \
	"cg_psi_cpu_full_avg10, cg_psi_cpu_full_total_us, "                              \
	"cg_psi_memory_some_avg10, cg_psi_memory_some_total_us, "                        \
	"cg_psi_memory_full_avg10, cg_psi_memory_full_total_us, "                        \
	"cg_psi_io_some_avg10, cg_psi_io_some_total_us, "                                \
	"cg_psi_io_full_avg10, cg_psi_io_full_total_us"

/* schema v12: a cgroup as the target */
#define TARGET_V12_COLUMNS "cg_target, cg_procs, cg_joined, cg_left, cg_lead"
#define TARGET_V3_NCOLUMNS 18 /* in TARGET_V3_COLUMNS */

#define DISK_COLUMNS                                                                     \
	"tick, name, fresh, stacked, reads, read_sectors, read_ms, writes, "             \
	"write_sectors, write_ms, io_ms"
#define NET_COLUMNS                                                                      \
	"tick, name, fresh, loopback, rx_bytes, rx_packets, rx_errs, rx_drop, "          \
	"tx_bytes, tx_packets, tx_errs, tx_drop"

#define PROC_EXIT_COLUMNS                                                                \
	"tick, pid, ppid, uid, comm, cmdline, start_ms, end_ms, utime_ns, stime_ns, "    \
	"cpu_ns, peak_rss, exit_code, exit_signal, core_dumped, threads, seen"

#define THREAD_COLUMNS "tick, pid, tid, comm, state, utime, stime"
#define THREAD_V3_COLUMNS "run_ns, run_delay_ns, slices, blkio_ticks, wchan, syscall"

/* The writer's prepared statements, prepared once in store_create. */
enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SESSION_INSERT,
	STMT_SESSION_END,
	STMT_TICK,
	STMT_SYS,
	STMT_CORE,
	STMT_PROC_UPSERT,
	STMT_PROC_RENAME,
	STMT_PROC_CLOSE,
	STMT_PROC_SAMPLE,
	STMT_TARGET,
	STMT_THREAD,
	STMT_ALERT,
	STMT_APP_INGEST,
	STMT_APP_METRIC,
	STMT_APP_SAMPLE,
	STMT_HEAP_ROLLUP,
	STMT_JVM,
	STMT_GC,
	STMT_LEAK,
	STMT_MAPPING,
	STMT_MAPPING_SAMPLE,
	STMT_SMAPS_READ,
	STMT_SUSPECT,
	STMT_NOTICE,
	STMT_ALERT_TOP,
	STMT_DISK,
	STMT_NET,
	STMT_PROC_ACTION,
	STMT_PROC_EXIT,
	STMT_EXIT_STATE,
	STMT_N
};

/*
 * What the writer remembers of one process identity from the last frame
 * that held it: enough to decide whether the next frame changes anything.
 */
struct proc_seen {
	int pid;
	uint64_t start_ticks;
	int64_t id;	   /* procs.id */
	int64_t last_tick; /* the last tick (frame seq) it was seen in */
	uint64_t names;	   /* hash of comm, cmdline, uid, user */
	uint64_t cpu_ticks, rss_bytes, vsz_bytes;
	int ppid, nice, threads;
	char state;
};

/* Identities by ascending pid, as in a proc_table, so a frame is merged in
 * one walk. */
struct identity_map {
	struct proc_seen *v;
	size_t n, cap;
};

/* The writer's memory of the devices it last wrote (dev_rows.c): a row is
 * written when a device's counters differ from these. */
struct dev_seen {
	struct disk_stat *disks;
	size_t ndisks;
	struct net_stat *nets;
	size_t nnets;
};

/* What the writer last wrote to exit_accounting (exit_rows.c). */
struct exit_state_seen {
	bool any; /* a row was written */
	bool running, cmdlines;
	uint64_t lost, no_cmdline, bad;
	char why[PROC_EXIT_WHY_MAX];
};

#define STORE_CACHE_N 32      /* statements in a reader's cache (statements.c) */
#define STORE_MINUTE_MS 60000 /* rollups are per minute of t_ms */

struct store {
	sqlite3 *db;
	bool readonly;
	int lock_fd; /* writer: the session file, flock'ed exclusive; else -1 */
	char *path;  /* writer: owned, the file it created; else NULL */
	sqlite3_stmt *stmt[STMT_N]; /* all NULL on a read-only store */
	struct identity_map seen;   /* committed: matches the file */
	struct identity_map next;   /* built by the frame being written */
	struct dev_seen dev_seen;   /* committed: matches the file */
	struct dev_seen dev_next;   /* the frame being written */
	struct exit_state_seen exit_seen, exit_next; /* likewise, exit_rows.c */
	struct cgroup_seen *cg; /* writer: cgroup_rows.c's memory; NULL none */
	int64_t roll_minute;	/* writer: the minute not yet rolled up, 0 none */
	bool skip_procs;	/* writer: process tables, exits are not written */
	/* statements the readers run every tick, kept prepared (statements.c) */
	struct stmt_cache {
		char *sql; /* owned; NULL: a free slot */
		sqlite3_stmt *st;
		uint64_t used; /* cache_clock at the last use */
		bool busy;     /* handed out and not finished */
	} cache[STORE_CACHE_N];
	uint64_t cache_clock;
	int version; /* the file's schema version (store_has) */
	char err[512];
};

/*
 * The schema version that brought each later table or column (store/schema.c
 * has the migrations); a reader asks store_has(s, STORE_SINCE_X) before it
 * touches one, and a file older than that answers with no rows, never an
 * error. v3 brought several rooms at once; each has its own name so a check
 * says what it needs, not which release brought it.
 */
#define STORE_SINCE_ROLLUPS 2		/* rollups (per-minute series) */
#define STORE_SINCE_LATENCY 3		/* target_/thread_samples run_ns.. syscall */
#define STORE_SINCE_APP 3		/* app_metrics, app_samples, app_ingest */
#define STORE_SINCE_HEAP 3		/* heap_rollups, mappings, smaps_reads, leak_* */
#define STORE_SINCE_JVM 3		/* jvm_samples */
#define STORE_SINCE_PROFILES 3		/* profiles, profile_* */
#define STORE_SINCE_ALERTS 3		/* alert_events */
#define STORE_SINCE_NOTICES 4		/* notices */
#define STORE_SINCE_GAUGE_RANGE 5	/* app_samples.lo, .hi; timers in ns */
#define STORE_SINCE_DISKNET 6		/* disk_samples, net_samples */
#define STORE_SINCE_PROC_ACTIONS 7	/* proc_actions */
#define STORE_SINCE_ALERT_TOP 8		/* alert_events.top_by, alert_top */
#define STORE_SINCE_EXITS 9		/* proc_exits, exit_accounting */
#define STORE_SINCE_CGROUPS 10		/* cgroups, cgroup_*samples, procs.cgroup */
#define STORE_SINCE_GC_EVENTS 11	/* gc_events */
#define STORE_SINCE_PROFILE_MAPPINGS 12 /* profile_mappings, profile_frame_places */
#define STORE_SINCE_CGTARGET 13		/* sessions.target_cgroup, target_samples.cg_* */
#define STORE_SINCE_CGROUP_STATS 14	/* cgroup_samples.cpu_user_ns .. under_oom */
#define STORE_SINCE_EXIT_COUNT 15	/* proc_exits.n (compacted exits) */
#define STORE_SINCE_PROFILE_DUTY 16	/* profile_duty */

static inline bool store_has(const struct store *s, int since)
{
	return s->version >= since;
}

/* store.c: the "file:" URI a reader opens path with (immutable: no writer,
 * so no locks and no -wal/-shm). The caller frees it. */
char *store_reader_uri(const char *path, bool immutable);

/* identity.c: the writer's map of process identities. */
/* Writes identities and changed process rows of f into the open transaction
 * and builds s->next. 0 or -1 (store_error). */
int store_identity_write_frame(struct store *s, const struct frame *f);
/* After COMMIT: s->next becomes s->seen. After ROLLBACK: s->next is dropped. */
void store_identity_commit(struct store *s);
void store_identity_discard(struct store *s);
/* Closes every open identity at its last tick (session end); empties seen. */
int store_identity_close_all(struct store *s);
void store_identity_map_release(struct identity_map *m);

/* target_rows.c: the attached target's rows (target_samples and
 * thread_samples), both ways. write: into the open transaction, nothing
 * without f->target. read: the target of tick seq into f->target (left NULL
 * when the tick has none). 0 or -1 (store_error). */
int store_write_target(struct store *s, const struct frame *f);
int store_read_target(struct store *s, int64_t seq, struct frame *f);

/* heap_rows.c: the frame's heap readings and leak verdict. */
int store_write_heap(struct store *s, const struct frame *f);

/* app_rows.c: the frame's StatsD metrics into the open transaction. */
int store_write_app(struct store *s, const struct frame *f);

/* alert_rows.c: the frame's alert transitions and notices into the open
 * transaction. */
int store_write_alerts(struct store *s, const struct frame *f);
int store_write_notices(struct store *s, const struct frame *f);

/* dev_rows.c: the frame's disks and interfaces whose counters moved, into
 * the open transaction (dev_next); commit makes dev_next dev_seen, discard
 * drops it; release frees both (store_close). */
int store_write_devices(struct store *s, const struct frame *f);
void store_devices_commit(struct store *s);
void store_devices_discard(struct store *s);
void store_devices_release(struct store *s);
/* dev_rows.c: the devices of tick seq into y (its have bits already read),
 * as the collector made them; nothing from a file before v6. 0 or -1. */
int store_read_devices(struct store *s, int64_t seq, struct sys_sample *y);
/* dev_rows.c: the SQL of a disk.* or net.* metric (store/series.c), for the
 * totals (per_device false) or for the device bound to :dev. The caller
 * frees it. kind is series.c's enum metric_kind as an int. */
char *store_dev_series_sql(bool disk, int kind, const char *expr, const char *total,
			   bool per_device);

/* exit_rows.c: the frame's exits and (when it changed) the state of exit
 * accounting into the open transaction; commit makes exit_next exit_seen. */
int store_write_exits(struct store *s, const struct frame *f);
void store_exits_commit(struct store *s);

/* cgroup_rows.c: the frame's cgroups whose values changed, into the open
 * transaction; commit/discard as for devices; release frees the writer's
 * memory of them (store_close). 0 or -1 (store_error). */
struct cgroup_seen;
int store_write_cgroups(struct store *s, const struct frame *f);
void store_cgroups_commit(struct store *s);
void store_cgroups_discard(struct store *s);
void store_cgroups_release(struct store *s);
/* cgroup_rows.c: closes every present cgroup at its last tick (session end). */
int store_cgroups_close_all(struct store *s);

/* write.c: writes the rollups of every metric for one minute (t_ms / 60000)
 * into the open transaction. 0 or -1 (store_error). */
int store_rollup_minute(struct store *s, int64_t minute);
/* write.c: prepares the writer's statements (store_create). 0, or -1 with
 * the reason in err. */
int store_prepare_writer(struct store *s, char *err, size_t errlen);
/* The writer statement id, reset and with bindings cleared. */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id);

/* series.c: whether metric name is a gauge (its rollup needs no tick before
 * the minute). false for an unknown name. */
bool store_metric_is_gauge(const char *name);

/* gaps.c: the session's interval in ms (1000 when it has no sessions row). */
int64_t store_session_interval(struct store *s);

#define STORE_SQL_NUM_(x) #x
#define STORE_SQL_NUM(x) STORE_SQL_NUM_(x)
/*
 * store/gaps.h's ticks_continue in SQL, over the columns (or expressions)
 * seq and t of a tick and ps and pt of the one before it, with the session's
 * interval bound to :interval. NULL (not true) when ps or pt is NULL.
 */
/* clang-format off */
#define STORE_CONTINUES_SQL(seq, t, ps, pt)                                              \
	"((" seq ") > (" ps ") AND (" t ") - (" pt ") <= min(2 * ((" seq ")"             \
	" - (" ps ")) * :interval, max(" STORE_SQL_NUM(GAPS_MAX_MS) ","                  \
	" 2 * :interval)) + " STORE_SQL_NUM(GAPS_SLACK_MS) ")"
/* clang-format on */

/* frames.c: the tick a point in time falls in, and the one before it;
 * has_prev only when this tick continues that one (store/gaps.h). */
struct store_tick {
	int64_t seq, t_ms, cost_ns;
	bool has_prev;
	int64_t prev_ms;
};
/* 1 with *ref filled, 0 when no tick is <= t_ms, -1 on failure. */
int store_resolve_tick(struct store *s, int64_t t_ms, struct store_tick *ref);
/* store_fail's "no tick at or before T"; returns -1. */
int store_no_tick(struct store *s, int64_t t_ms);
/* Clock ticks per second of the recorded machine; 100 (Linux's USER_HZ on
 * every architecture we know) when the file has no session row yet. */
long store_session_clk_tck(struct store *s);

/* cgroup_query.c: the cgroup table at ref into out (empty on entry);
 * nothing before v9. 0 or -1. */
int store_read_cgroup_table(struct store *s, const struct store_tick *ref,
			    struct cgroup_table *out);

/* processes.c: the process table at ref into out (empty on entry). 0 or -1
 * with out released. */
int store_read_proc_table(struct store *s, const struct store_tick *ref,
			  struct proc_table *out);

#endif
