/* SPDX-License-Identifier: MIT */
/*
 * store-internal: what the files of the store room share and nobody else may
 * see (after git's refs/refs-internal.h). The layout of struct store, the
 * column lists that both the writer (INSERT) and the readers (SELECT) use so
 * their order is written down once, and small sqlite3 helpers.
 *
 * Invariants:
 * - Column order in the *_COLUMNS lists is the order of the bind and column
 *   calls in store.c and query.c; change one, change both.
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
	STMT_LEAK,
	STMT_MAPPING,
	STMT_MAPPING_SAMPLE,
	STMT_SMAPS_READ,
	STMT_SUSPECT,
	STMT_NOTICE,
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

#define STORE_CACHE_N 32

struct store {
	sqlite3 *db;
	bool readonly;
	int lock_fd; /* writer: the session file, flock'ed exclusive; else -1 */
	char *path;  /* writer: owned, the file it created; else NULL */
	sqlite3_stmt *stmt[STMT_N]; /* all NULL on a read-only store */
	struct identity_map seen;   /* committed: matches the file */
	struct identity_map next;   /* built by the frame being written */
	int64_t roll_minute;	    /* writer: the minute not yet rolled up, 0 none */
	/* statements the readers run every tick, kept prepared (query.c) */
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
#define STORE_SINCE_ROLLUPS 2	  /* rollups (per-minute series) */
#define STORE_SINCE_LATENCY 3	  /* target_/thread_samples run_ns.. syscall */
#define STORE_SINCE_APP 3	  /* app_metrics, app_samples, app_ingest */
#define STORE_SINCE_HEAP 3	  /* heap_rollups, mappings, smaps_reads, leak_* */
#define STORE_SINCE_JVM 3	  /* jvm_samples */
#define STORE_SINCE_PROFILES 3	  /* profiles, profile_* */
#define STORE_SINCE_ALERTS 3	  /* alert_events */
#define STORE_SINCE_NOTICES 4	  /* notices */
#define STORE_SINCE_GAUGE_RANGE 5 /* app_samples.lo, .hi; timers in ns */

static inline bool store_has(const struct store *s, int since)
{
	return s->version >= since;
}

/* Sets s->err from a format, logs it, and returns -1. */
int store_fail(struct store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sets s->err to "<what>: <sqlite reason>" (a corrupt file says so) and
 * returns -1. */
int store_fail_sql(struct store *s, const char *what);
/* "file is corrupt: ..." for SQLITE_CORRUPT/NOTADB, else sqlite3_errmsg. */
const char *store_sql_reason(sqlite3 *db, char *buf, size_t len);

/* The writer statement id, reset and with bindings cleared. */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id);
/* Steps a statement that returns no rows; 0 or store_fail_sql(what). */
int store_exec_stmt(struct store *s, sqlite3_stmt *st, const char *what);
/* Steps an upsert ending in RETURNING id to its end (the row is only final
 * then) with the id in *id; 0, or -1 with what as the error. st is reset. */
int store_exec_returning_id(struct store *s, sqlite3_stmt *st, const char *what,
			    int64_t *id);

/* Binding and reading helpers; NULL columns read as 0. */
void store_bind_u64(sqlite3_stmt *st, int i, uint64_t v);
void store_bind_u64_if(sqlite3_stmt *st, int i, uint64_t v, bool have);
void store_bind_double_if(sqlite3_stmt *st, int i, double v, bool have);
void store_bind_char(sqlite3_stmt *st, int i, char c);
/* Binds at most max bytes of text (a fixed array may lack its NUL); NULL
 * binds "". */
void store_bind_text(sqlite3_stmt *st, int i, const char *text, size_t max);
uint64_t store_column_u64(sqlite3_stmt *st, int i);
char store_column_char(sqlite3_stmt *st, int i);
/* Copies a text column into buf (always terminated, truncated to fit). */
void store_column_text(sqlite3_stmt *st, int i, char *buf, size_t len);

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

/* query.c: prepares sql on s (a failure is store_fail_sql); steps st: 1 for
 * a row, 0 when done, -1 (store_error) on failure. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st);
int store_step(struct store *s, sqlite3_stmt *st);
/*
 * store_prepare for the queries a reader runs every tick: parsing the SQL
 * again each time was a fifth of the live console's CPU. The statement comes
 * from a cache of STORE_CACHE_N keyed by the SQL text (prepared on first use;
 * the least recently used is finalized to make room; a statement already
 * handed out is prepared anew) and must be given back with store_finish,
 * never sqlite3_finalize.
 */
int store_prepare_cached(struct store *s, const char *sql, sqlite3_stmt **st);
/* Gives back a statement from store_prepare_cached (reset, bindings cleared)
 * or finalizes one from store_prepare. NULL is ignored. */
void store_finish(struct store *s, sqlite3_stmt *st);
/*
 * Steps st inside a read transaction and appends each row to *out, an array
 * of elements of `size` bytes grown as needed, through fill; *n counts them.
 * st is given back (store_finish) either way. 0, or -1 with *out freed and
 * NULL and *n 0.
 */
int store_read_rows(struct store *s, sqlite3_stmt *st, void **out, size_t *n, size_t size,
		    void (*fill)(sqlite3_stmt *st, void *row));
/* Finalizes every cached statement (before the connection closes). */
void store_cache_release(struct store *s);

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

/* alerts.c: the frame's alert transitions into the open transaction. */
int store_write_alerts(struct store *s, const struct frame *f);
int store_write_notices(struct store *s, const struct frame *f);

/* query.c: writes the rollups of every metric for one minute (t_ms / 60000)
 * into the open transaction. 0 or -1 (store_error). */
int store_rollup_minute(struct store *s, int64_t minute);

/* Read transactions, so a multi-statement read sees one snapshot while
 * another process writes. Nest-safe: inside an open transaction they do
 * nothing. read_begin returns 0 or -1; read_end must follow a 0 with the
 * same value of *began. */
int store_read_begin(struct store *s, bool *began);
void store_read_end(struct store *s, bool began);

#endif
