/* SPDX-License-Identifier: MIT */
/*
 * schema: the session file's schema (v1 tables, v2 rollups, v3 latency, app
 * metrics, heap, profiles, alerts, v4 notices, v5 timers in ns and gauge
 * ranges, v6 disks and network interfaces, v7 what the operator did to
 * processes, v8 the processes an alert names, v9 processes that exited
 * and the state of exit accounting, v10 cgroups, v11 GC events, v12 the
 * mappings and build ids of profile frames, v13 a cgroup as the target, v14
 * cgroups' user/system CPU and memory.stat, v15 compacted exits, v16 the
 * share of a duty-cycled allocation profile's capture its probes were on)
 * and the migrations that produce it.
 *
 * Everything is stored raw as it was read: integer milliseconds since the
 * epoch for time, bytes for sizes, clock ticks for CPU, cumulative counters
 * as counters. Rates and percentages are derived at query time from two
 * consecutive ticks (store/series.c), so a reader can change how it derives
 * them without rewriting any file. A value a collector could not read is
 * NULL, never 0, so aggregates skip it instead of averaging in a lie.
 *
 * The SQL comments end up in sqlite_schema, so `sqlite3 FILE .schema` tells a
 * reader of the file what we tell the reader of this code.
 */
#include "store/schema.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

static const char *const schema_v1[] = {
	/* One row: a file is one session. */
	"CREATE TABLE sessions (\n"
	"  id INTEGER PRIMARY KEY CHECK (id = 1), -- one session per file\n"
	"  version TEXT NOT NULL,       -- vigil version that wrote the file\n"
	"  host TEXT NOT NULL,\n"
	"  kernel TEXT NOT NULL,        -- uname -r\n"
	"  started_ms INTEGER NOT NULL,\n"
	"  ended_ms INTEGER,            -- NULL while recording (or after a crash)\n"
	"  interval_ms INTEGER NOT NULL,\n"
	"  ncpu INTEGER NOT NULL,\n"
	"  clk_tck INTEGER NOT NULL,    -- to turn CPU ticks into time\n"
	"  page_size INTEGER NOT NULL,\n"
	"  boot_ms INTEGER NOT NULL,\n"
	"  mem_total INTEGER NOT NULL,\n"
	"  target_pid INTEGER NOT NULL, -- 0 without a target\n"
	"  target_cmd TEXT NOT NULL,    -- '' unless vigil started the target\n"
	"  target_exit_code INTEGER NOT NULL,\n"
	"  target_exit_signal INTEGER NOT NULL\n"
	");\n",
	/* seq is the frame seq: gaps are frames the writer dropped. */
	"CREATE TABLE ticks (\n"
	"  seq INTEGER PRIMARY KEY,     -- frame seq; a gap is a dropped frame\n"
	"  t_ms INTEGER NOT NULL,\n"
	"  cost_ns INTEGER NOT NULL     -- what sampling this tick cost\n"
	");\n",
	"-- every reader looks ticks up by time\n"
	"CREATE INDEX ticks_by_time ON ticks (t_ms);\n",
	"CREATE TABLE sys_samples (\n"
	"  tick INTEGER PRIMARY KEY REFERENCES ticks (seq),\n"
	"  have INTEGER NOT NULL,       -- SYS_HAVE_* bits\n"
	"  why TEXT NOT NULL,           -- what could not be read, and why\n"
	"  -- /proc/stat, NULL without SYS_HAVE_STAT; CPU in clock ticks\n"
	"  cpu_user INTEGER, cpu_nice INTEGER, cpu_system INTEGER,\n"
	"  cpu_idle INTEGER, cpu_iowait INTEGER, cpu_irq INTEGER,\n"
	"  cpu_softirq INTEGER, cpu_steal INTEGER,\n"
	"  ctxt INTEGER, forks INTEGER, procs_running INTEGER,\n"
	"  procs_blocked INTEGER, boot_time_s INTEGER,\n"
	"  -- /proc/meminfo in bytes, NULL without SYS_HAVE_MEMINFO\n"
	"  mem_total INTEGER, mem_free INTEGER, mem_available INTEGER,\n"
	"  mem_buffers INTEGER, mem_cached INTEGER,\n"
	"  swap_total INTEGER, swap_free INTEGER,\n"
	"  -- /proc/loadavg, NULL without SYS_HAVE_LOADAVG\n"
	"  load1 REAL, load5 REAL, load15 REAL,\n"
	"  -- /proc/pressure/*: NULL when the file is absent; full_* NULL when\n"
	"  -- the kernel has no full line (cpu before 5.13)\n"
	"  psi_cpu_some_avg10 REAL, psi_cpu_some_avg60 REAL,\n"
	"  psi_cpu_some_avg300 REAL, psi_cpu_some_total_us INTEGER,\n"
	"  psi_cpu_full_avg10 REAL, psi_cpu_full_avg60 REAL,\n"
	"  psi_cpu_full_avg300 REAL, psi_cpu_full_total_us INTEGER,\n"
	"  psi_memory_some_avg10 REAL, psi_memory_some_avg60 REAL,\n"
	"  psi_memory_some_avg300 REAL, psi_memory_some_total_us INTEGER,\n"
	"  psi_memory_full_avg10 REAL, psi_memory_full_avg60 REAL,\n"
	"  psi_memory_full_avg300 REAL, psi_memory_full_total_us INTEGER,\n"
	"  psi_io_some_avg10 REAL, psi_io_some_avg60 REAL,\n"
	"  psi_io_some_avg300 REAL, psi_io_some_total_us INTEGER,\n"
	"  psi_io_full_avg10 REAL, psi_io_full_avg60 REAL,\n"
	"  psi_io_full_avg300 REAL, psi_io_full_total_us INTEGER\n"
	");\n",
	"-- per core; WITHOUT ROWID: the key is the row, no second b-tree\n"
	"CREATE TABLE cpu_samples (\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  cpu INTEGER NOT NULL,        -- the N of cpuN; offline cores are gaps\n"
	"  user INTEGER NOT NULL, nice INTEGER NOT NULL, system INTEGER NOT NULL,\n"
	"  idle INTEGER NOT NULL, iowait INTEGER NOT NULL, irq INTEGER NOT NULL,\n"
	"  softirq INTEGER NOT NULL, steal INTEGER NOT NULL,\n"
	"  PRIMARY KEY (tick, cpu)\n"
	") WITHOUT ROWID;\n",
	"-- a process identity: (pid, start_ticks), so a reused pid is a new row\n"
	"CREATE TABLE procs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  pid INTEGER NOT NULL,\n"
	"  start_ticks INTEGER NOT NULL, -- since boot, as in /proc/PID/stat\n"
	"  start_ms INTEGER NOT NULL,\n"
	"  ppid INTEGER NOT NULL,        -- when first seen; see proc_samples\n"
	"  uid INTEGER NOT NULL,         -- uid, user, comm, cmdline: latest seen\n"
	"  user TEXT NOT NULL,\n"
	"  comm TEXT NOT NULL,\n"
	"  cmdline TEXT NOT NULL,\n"
	"  first_tick INTEGER NOT NULL,  -- first tick it was seen in\n"
	"  last_tick INTEGER,            -- last tick it was seen in; NULL: alive\n"
	"  UNIQUE (pid, start_ticks)\n"
	");\n",
	"-- written only when a process appeared or changed, so an idle process\n"
	"-- costs one row per session, not one per tick; its state at tick T is\n"
	"-- its latest row with tick <= T\n"
	"CREATE TABLE proc_samples (\n"
	"  proc INTEGER NOT NULL REFERENCES procs (id),\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  ppid INTEGER NOT NULL,        -- reparenting is a change too\n"
	"  state TEXT NOT NULL,\n"
	"  nice INTEGER NOT NULL,\n"
	"  threads INTEGER NOT NULL,\n"
	"  cpu_ticks INTEGER NOT NULL,   -- utime + stime, cumulative\n"
	"  rss INTEGER NOT NULL,\n"
	"  vsz INTEGER NOT NULL,\n"
	"  PRIMARY KEY (proc, tick)      -- also finds the latest row <= T\n"
	") WITHOUT ROWID;\n",
	"-- the attached process; groups it could not read are NULL\n"
	"CREATE TABLE target_samples (\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  pid INTEGER NOT NULL,\n"
	"  start_ticks INTEGER NOT NULL,\n"
	"  alive INTEGER NOT NULL,\n"
	"  exit_code INTEGER NOT NULL,\n"
	"  exit_signal INTEGER NOT NULL,\n"
	"  have INTEGER NOT NULL,        -- TARGET_HAVE_* bits\n"
	"  why TEXT NOT NULL,\n"
	"  comm TEXT NOT NULL,\n"
	"  -- /proc/PID/stat (TARGET_HAVE_STAT)\n"
	"  state TEXT, num_threads INTEGER, utime INTEGER, stime INTEGER,\n"
	"  minflt INTEGER, majflt INTEGER,\n"
	"  -- /proc/PID/status in bytes (TARGET_HAVE_STATUS)\n"
	"  vm_size INTEGER, vm_rss INTEGER, rss_anon INTEGER, rss_file INTEGER,\n"
	"  rss_shmem INTEGER, vm_swap INTEGER, vm_hwm INTEGER, vm_data INTEGER,\n"
	"  vol_ctxsw INTEGER, invol_ctxsw INTEGER,\n"
	"  -- /proc/PID/io (TARGET_HAVE_IO)\n"
	"  rchar INTEGER, wchar INTEGER, read_bytes INTEGER, write_bytes INTEGER,\n"
	"  -- /proc/PID/fd (TARGET_HAVE_FDS)\n"
	"  fds INTEGER,\n"
	"  PRIMARY KEY (tick, pid)\n"
	");\n",
	"CREATE TABLE thread_samples (\n"
	"  tick INTEGER NOT NULL,\n"
	"  pid INTEGER NOT NULL,\n"
	"  tid INTEGER NOT NULL,\n"
	"  comm TEXT NOT NULL,\n"
	"  state TEXT NOT NULL,\n"
	"  utime INTEGER NOT NULL,\n"
	"  stime INTEGER NOT NULL,\n"
	"  PRIMARY KEY (tick, pid, tid),\n"
	"  FOREIGN KEY (tick, pid) REFERENCES target_samples (tick, pid)\n"
	") WITHOUT ROWID;\n",
	NULL,
};

/*
 * v2: per-minute rollups of every metric, written by the writer as each
 * minute closes, so a graph of a day reads 1,440 rows per metric instead of
 * 86,400 ticks. Files without them (v1) are still read, from the ticks.
 */
static const char *const schema_v2[] = {
	"CREATE TABLE rollups (\n"
	"  metric TEXT NOT NULL,        -- a query_series metric name\n"
	"  minute INTEGER NOT NULL,     -- t_ms / 60000 of the ticks summarised\n"
	"  n INTEGER NOT NULL,          -- values in the minute (NULLs not counted)\n"
	"  min REAL, sum REAL, max REAL,\n"
	"  PRIMARY KEY (metric, minute)\n"
	") WITHOUT ROWID;\n",
	NULL,
};

/*
 * v3: the rooms built on the foundation: kernel-side latency of the target,
 * StatsD application metrics, heap detail and leak verdicts, CPU profiles and
 * alert transitions. Derived results are rows, written when they were
 * derived, so a replay shows what the operator saw at that moment.
 */
static const char *const schema_v3[] = {
	"-- latency of the attached process (schedstat summed over threads,\n"
	"-- delay accounting, the cgroup's own pressure); NULL when unreadable\n"
	"ALTER TABLE target_samples ADD COLUMN run_ns INTEGER;       -- on CPU\n",
	"ALTER TABLE target_samples ADD COLUMN run_delay_ns INTEGER; -- runnable, "
	"waiting\n",
	"ALTER TABLE target_samples ADD COLUMN slices INTEGER;       -- pcount\n",
	"ALTER TABLE target_samples ADD COLUMN blkio_ticks INTEGER;  -- stat field 42\n",
	"ALTER TABLE target_samples ADD COLUMN delayacct INTEGER;    -- "
	"kernel.task_delayacct\n",
	"ALTER TABLE target_samples ADD COLUMN cgroup TEXT;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_cpu_some_avg10 REAL;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_cpu_some_total_us INTEGER;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_cpu_full_avg10 REAL;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_cpu_full_total_us INTEGER;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_memory_some_avg10 REAL;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_memory_some_total_us INTEGER;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_memory_full_avg10 REAL;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_memory_full_total_us INTEGER;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_io_some_avg10 REAL;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_io_some_total_us INTEGER;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_io_full_avg10 REAL;\n",
	"ALTER TABLE target_samples ADD COLUMN cg_psi_io_full_total_us INTEGER;\n",
	"ALTER TABLE thread_samples ADD COLUMN run_ns INTEGER;\n",
	"ALTER TABLE thread_samples ADD COLUMN run_delay_ns INTEGER;\n",
	"ALTER TABLE thread_samples ADD COLUMN slices INTEGER;\n",
	"ALTER TABLE thread_samples ADD COLUMN blkio_ticks INTEGER;\n",
	"ALTER TABLE thread_samples ADD COLUMN wchan TEXT;   -- where it blocks\n",
	"ALTER TABLE thread_samples ADD COLUMN syscall INTEGER; -- -1 running\n",
	"-- StatsD: one name per metric (name plus sorted tags), per-tick values\n"
	"CREATE TABLE app_metrics (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL,           -- t timer, c counter, g gauge\n"
	"  UNIQUE (name, kind)\n"
	");\n",
	"CREATE TABLE app_samples (\n"
	"  metric INTEGER NOT NULL REFERENCES app_metrics (id),\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  count INTEGER NOT NULL,       -- values received in the tick\n"
	"  value REAL,                   -- counter sum, gauge value\n"
	"  hist BLOB,                    -- timers: core/hdr encoding (versioned: unit)\n"
	"  PRIMARY KEY (metric, tick)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE app_ingest (\n"
	"  tick INTEGER PRIMARY KEY REFERENCES ticks (seq),\n"
	"  packets INTEGER NOT NULL,\n"
	"  lines INTEGER NOT NULL,\n"
	"  dropped INTEGER NOT NULL,     -- datagrams the kernel dropped\n"
	"  bad TEXT NOT NULL             -- JSON object: malformed lines per reason\n"
	");\n",
	"-- heap detail of the target, on their own cadence\n"
	"CREATE TABLE heap_rollups (\n"
	"  tick INTEGER PRIMARY KEY REFERENCES ticks (seq),\n"
	"  pid INTEGER NOT NULL,\n"
	"  pss INTEGER, private_dirty INTEGER, anonymous INTEGER,\n"
	"  lazyfree INTEGER, swap INTEGER,\n"
	"  cost_ns INTEGER NOT NULL      -- what reading smaps_rollup cost\n"
	");\n",
	"CREATE TABLE mappings (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  pid INTEGER NOT NULL,\n"
	"  start_ticks INTEGER NOT NULL,\n"
	"  key TEXT NOT NULL,            -- stable across VMA splits and merges\n"
	"  kind TEXT NOT NULL,           -- heap anon stack file shmem other\n"
	"  name TEXT NOT NULL,\n"
	"  UNIQUE (pid, start_ticks, key)\n"
	");\n",
	"CREATE TABLE mapping_samples (\n"
	"  mapping INTEGER NOT NULL REFERENCES mappings (id),\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  size INTEGER NOT NULL, rss INTEGER NOT NULL, anon INTEGER NOT NULL,\n"
	"  swap INTEGER NOT NULL, pss INTEGER NOT NULL,\n"
	"  PRIMARY KEY (mapping, tick)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE smaps_reads (\n"
	"  tick INTEGER PRIMARY KEY REFERENCES ticks (seq),\n"
	"  mappings INTEGER NOT NULL,    -- VMAs read\n"
	"  cost_ns INTEGER NOT NULL\n"
	");\n",
	"-- HotSpot performance data (the file jstat reads), bytes and ms\n"
	"CREATE TABLE jvm_samples (\n"
	"  tick INTEGER PRIMARY KEY REFERENCES ticks (seq),\n"
	"  pid INTEGER NOT NULL,\n"
	"  young_used INTEGER, young_capacity INTEGER,\n"
	"  old_used INTEGER, old_capacity INTEGER,\n"
	"  meta_used INTEGER, meta_capacity INTEGER,\n"
	"  young_gcs INTEGER, young_gc_ms REAL, full_gcs INTEGER, full_gc_ms REAL,\n"
	"  old_after_gc INTEGER          -- old-gen used right after a collection\n"
	");\n",
	"-- what the leak analysis said, each time it ran\n"
	"CREATE TABLE leak_verdicts (\n"
	"  tick INTEGER PRIMARY KEY REFERENCES ticks (seq),\n"
	"  pid INTEGER NOT NULL,\n"
	"  source TEXT NOT NULL,         -- rss or jvm\n"
	"  verdict TEXT NOT NULL,        -- insufficient-data stable growing "
	"leak-suspect\n"
	"  rate_bytes_per_hour REAL,\n"
	"  confidence REAL,\n"
	"  since_ms INTEGER,\n"
	"  time_to_limit_s REAL,\n"
	"  limit_bytes INTEGER,\n"
	"  floor_bytes INTEGER           -- the latest floor\n"
	");\n",
	"CREATE TABLE leak_suspects (\n"
	"  tick INTEGER NOT NULL REFERENCES leak_verdicts (tick),\n"
	"  rank INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL,           -- process or mapping\n"
	"  name TEXT NOT NULL,\n"
	"  mapping INTEGER REFERENCES mappings (id),\n"
	"  rate_bytes_per_hour REAL NOT NULL,\n"
	"  size_bytes INTEGER NOT NULL,\n"
	"  since_ms INTEGER,\n"
	"  PRIMARY KEY (tick, rank)\n"
	") WITHOUT ROWID;\n",
	"-- CPU profiles: frames and a call tree shared by every stack\n"
	"CREATE TABLE profiles (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  pid INTEGER NOT NULL,\n"
	"  started_ms INTEGER NOT NULL,\n"
	"  duration_ms INTEGER NOT NULL,\n"
	"  mode TEXT NOT NULL,           -- cpu or wall\n"
	"  hz INTEGER NOT NULL,\n"
	"  samples INTEGER NOT NULL,\n"
	"  lost INTEGER NOT NULL,\n"
	"  partial INTEGER NOT NULL,\n"
	"  sampler TEXT NOT NULL,        -- perf or ptrace\n"
	"  why TEXT NOT NULL\n"
	");\n",
	"CREATE TABLE profile_frames (\n"
	"  profile INTEGER NOT NULL REFERENCES profiles (id),\n"
	"  id INTEGER NOT NULL,          -- the frame id within the profile\n"
	"  function TEXT NOT NULL,\n"
	"  module TEXT NOT NULL,\n"
	"  PRIMARY KEY (profile, id)\n"
	") WITHOUT ROWID;\n",
	"-- node 0 is the root; a stack is the path from the root to a node\n"
	"CREATE TABLE profile_nodes (\n"
	"  profile INTEGER NOT NULL REFERENCES profiles (id),\n"
	"  id INTEGER NOT NULL,\n"
	"  parent INTEGER NOT NULL,      -- < id\n"
	"  frame INTEGER NOT NULL,\n"
	"  PRIMARY KEY (profile, id)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE profile_counts (\n"
	"  profile INTEGER NOT NULL REFERENCES profiles (id),\n"
	"  node INTEGER NOT NULL,        -- innermost frame of the sampled stack\n"
	"  tid INTEGER NOT NULL,\n"
	"  n INTEGER NOT NULL,\n"
	"  PRIMARY KEY (profile, node, tid)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE profile_threads (\n"
	"  profile INTEGER NOT NULL REFERENCES profiles (id),\n"
	"  tid INTEGER NOT NULL,\n"
	"  comm TEXT NOT NULL,\n"
	"  PRIMARY KEY (profile, tid)\n"
	") WITHOUT ROWID;\n",
	"-- every alert state transition, in order\n"
	"CREATE TABLE alert_events (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  t_ms INTEGER NOT NULL,\n"
	"  rule TEXT NOT NULL,           -- the rule's name (its text by default)\n"
	"  severity TEXT NOT NULL,\n"
	"  state TEXT NOT NULL,          -- pending firing resolved acked inactive\n"
	"  value REAL,\n"
	"  word TEXT,                    -- for rules over words (memory.verdict)\n"
	"  message TEXT NOT NULL,\n"
	"  profile INTEGER REFERENCES profiles (id) -- captured by its action\n"
	");\n",
	"CREATE INDEX alert_events_by_time ON alert_events (t_ms);\n",
	NULL,
};

/* v4: what went wrong beside the samples, so a replay and report show it. */
static const char *const schema_v4[] = {
	"-- alert actions that failed or were dropped, and the like\n"
	"CREATE TABLE notices (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  t_ms INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL,           -- action-failed action-dropped\n"
	"  source TEXT NOT NULL,         -- the alert rule's name\n"
	"  message TEXT NOT NULL\n"
	");\n",
	"CREATE INDEX notices_by_time ON notices (t_ms);\n",
	NULL,
};

/*
 * v5: timers in nanoseconds and gauges' range. A timer's hist blob says its
 * own unit (core/hdr encoding version 1: us, written before v5; 2: ns), so
 * old rows need no rewrite and read the same; gauges gain the lowest and
 * highest value of the tick (NULL in rows from before v5: value stands in).
 */
static const char *const schema_v5[] = {
	"ALTER TABLE app_samples ADD COLUMN lo REAL; -- gauges: lowest in the tick\n",
	"ALTER TABLE app_samples ADD COLUMN hi REAL; -- gauges: highest in the tick\n",
	NULL,
};

/*
 * v6: the system's disks and network interfaces, raw counters as
 * /proc/diskstats and /proc/net/dev give them. A device's row is written
 * only when a counter moved (or it appeared), so an idle disk costs nothing
 * per tick; its counters at tick T are its latest row with tick <= T, and
 * since an unwritten tick means "unchanged", a row's movement since that
 * latest earlier row happened after the tick before it (store/dev_rows.c).
 */
static const char *const schema_v6[] = {
	"-- whole block devices; partitions and never-used devices are not kept\n"
	"CREATE TABLE disk_samples (\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  name TEXT NOT NULL,           -- sda, nvme0n1, dm-0\n"
	"  fresh INTEGER NOT NULL,       -- 1: not in the tick before; no rate\n"
	"  stacked INTEGER NOT NULL,     -- 1: dm, md, loop, ram: not in totals\n"
	"  reads INTEGER NOT NULL,       -- completed, cumulative\n"
	"  read_sectors INTEGER NOT NULL, -- 512 bytes each\n"
	"  read_ms INTEGER NOT NULL,     -- time reads took, summed\n"
	"  writes INTEGER NOT NULL,\n"
	"  write_sectors INTEGER NOT NULL,\n"
	"  write_ms INTEGER NOT NULL,\n"
	"  io_ms INTEGER NOT NULL,       -- time the device was busy\n"
	"  PRIMARY KEY (name, tick)      -- also finds a device's row before T\n"
	") WITHOUT ROWID;\n",
	"CREATE INDEX disk_samples_by_tick ON disk_samples (tick);\n",
	"-- network interfaces that moved a packet since boot\n"
	"CREATE TABLE net_samples (\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  name TEXT NOT NULL,\n"
	"  fresh INTEGER NOT NULL,       -- 1: not in the tick before; no rate\n"
	"  loopback INTEGER NOT NULL,    -- 1: lo, not in totals\n"
	"  rx_bytes INTEGER NOT NULL, rx_packets INTEGER NOT NULL,\n"
	"  rx_errs INTEGER NOT NULL, rx_drop INTEGER NOT NULL,\n"
	"  tx_bytes INTEGER NOT NULL, tx_packets INTEGER NOT NULL,\n"
	"  tx_errs INTEGER NOT NULL, tx_drop INTEGER NOT NULL,\n"
	"  PRIMARY KEY (name, tick)\n"
	") WITHOUT ROWID;\n",
	"CREATE INDEX net_samples_by_tick ON net_samples (tick);\n",
	NULL,
};

/*
 * v7: what the operator did to processes from the console (signals, renice,
 * strace, lsof), so report shows who was killed and replay what was done.
 * A table of its own, not notices: notices are failures of alert actions
 * and every reader treats them so; these are deliberate acts with a
 * process identity (pid + start_ticks, as in procs) that scripts query.
 */
static const char *const schema_v7[] = {
	"-- operator actions on processes, in the order they were done\n"
	"CREATE TABLE proc_actions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  t_ms INTEGER NOT NULL,\n"
	"  what TEXT NOT NULL,           -- signal renice strace lsof\n"
	"  detail TEXT NOT NULL,         -- SIGTERM; nice 0 -> 1; ''\n"
	"  pid INTEGER NOT NULL,\n"
	"  start_ticks INTEGER NOT NULL, -- with pid: the process (procs)\n"
	"  comm TEXT NOT NULL,\n"
	"  ok INTEGER NOT NULL,          -- 1: done\n"
	"  result TEXT NOT NULL          -- ok, or why not\n"
	");\n",
	"CREATE INDEX proc_actions_by_time ON proc_actions (t_ms);\n",
	NULL,
};

/*
 * v8: the processes a system-wide alert names (analysis/alert_top): the
 * busiest or biggest at the moment its rule went pending or fired.
 */
static const char *const schema_v8[] = {
	"ALTER TABLE alert_events ADD COLUMN top_by TEXT; -- cpu rss blocked; NULL: "
	"none\n",
	"-- the processes an alert event names, best first\n"
	"CREATE TABLE alert_top (\n"
	"  event INTEGER NOT NULL REFERENCES alert_events (id),\n"
	"  rank INTEGER NOT NULL,        -- 0 weighed most\n"
	"  pid INTEGER NOT NULL,\n"
	"  comm TEXT NOT NULL,\n"
	"  value REAL NOT NULL,          -- cpu, blocked: % of one core; rss: bytes\n"
	"  PRIMARY KEY (event, rank)\n"
	") WITHOUT ROWID;\n",
	NULL,
};

/*
 * v9: every process that exited, from the kernel's exit accounting
 * (collectors/exitacct), including those that lived between two ticks and
 * so have no procs row; and the state of that accounting whenever it
 * changed, so a reader can tell "none exited" from "not recorded".
 */
static const char *const schema_v9[] = {
	"-- processes that exited, in the order the kernel reported them\n"
	"CREATE TABLE proc_exits (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq), -- the tick that took it\n"
	"  pid INTEGER NOT NULL,\n"
	"  ppid INTEGER NOT NULL,\n"
	"  uid INTEGER NOT NULL,\n"
	"  comm TEXT NOT NULL,\n"
	"  cmdline TEXT,                 -- NULL: gone before it could be read\n"
	"  start_ms INTEGER NOT NULL,\n"
	"  end_ms INTEGER NOT NULL,      -- when vigil heard of the exit\n"
	"  utime_ns INTEGER NOT NULL,    -- user CPU as the scheduler tick sampled it\n"
	"  stime_ns INTEGER NOT NULL,    -- system CPU, likewise\n"
	"  cpu_ns INTEGER,               -- exact time on a CPU; NULL unknown\n"
	"  peak_rss INTEGER NOT NULL,    -- bytes, high-water mark\n"
	"  exit_code INTEGER NOT NULL,   -- 0..255; -1 killed by a signal\n"
	"  exit_signal INTEGER NOT NULL, -- 0 unless killed\n"
	"  core_dumped INTEGER NOT NULL,\n"
	"  threads INTEGER NOT NULL,     -- thread exits summed into it\n"
	"  seen INTEGER NOT NULL         -- 1: a tick's process table held it\n"
	");\n",
	"CREATE INDEX proc_exits_by_time ON proc_exits (end_ms);\n",
	"-- exit accounting's state, a row at the first tick and when it changed\n"
	"CREATE TABLE exit_accounting (\n"
	"  tick INTEGER PRIMARY KEY REFERENCES ticks (seq),\n"
	"  t_ms INTEGER NOT NULL,\n"
	"  running INTEGER NOT NULL,     -- 1 on; 0 off (why says why)\n"
	"  why TEXT NOT NULL,            -- off, or on without command lines: why\n"
	"  cmdlines INTEGER NOT NULL,    -- 1: command lines are captured\n"
	"  lost INTEGER NOT NULL,        -- since start: records the kernel dropped\n"
	"  no_cmdline INTEGER NOT NULL,  -- since start: gone before read\n"
	"  bad INTEGER NOT NULL          -- since start: malformed messages\n"
	");\n",
	NULL,
};

/*
 * v10: cgroups (collectors/cgroups.h), kept like processes: an identity per
 * path, and a sample row only when something of it changed; and each
 * process's cgroup in its identity, for the CGROUP column and -c.
 */
static const char *const schema_v10[] = {
	"ALTER TABLE procs ADD COLUMN cgroup TEXT; -- path as in cgroups; NULL unknown\n",
	"-- a cgroup present in the session; a path removed and made again (a\n"
	"-- restarted service, a new container) is another row: its counters\n"
	"-- start again\n"
	"CREATE TABLE cgroups (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT NOT NULL,           -- '/system.slice/nginx.service'\n"
	"  kind TEXT NOT NULL,           -- root slice service scope pod container "
	"other\n"
	"  name TEXT NOT NULL,           -- nginx.service, docker:4b1c2d3e4f5a, pod:UID\n"
	"  container_id TEXT,            -- 64 hex digits; NULL none\n"
	"  pod_uid TEXT,                 -- NULL none\n"
	"  first_tick INTEGER NOT NULL,\n"
	"  last_tick INTEGER,            -- NULL: present\n"
	"  UNIQUE (path, first_tick)\n"
	");\n",
	"-- written only when one of its values changed; its state at tick T is\n"
	"-- its latest row with tick <= T. Limits are NULL when there is none.\n"
	"CREATE TABLE cgroup_samples (\n"
	"  cgroup INTEGER NOT NULL REFERENCES cgroups (id),\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq),\n"
	"  have INTEGER NOT NULL,        -- CGROUP_HAVE_* bits\n"
	"  cpu_usage_ns INTEGER, nr_periods INTEGER, nr_throttled INTEGER,\n"
	"  throttled_ns INTEGER, cpu_quota_us INTEGER, cpu_period_us INTEGER,\n"
	"  mem_current INTEGER, mem_high INTEGER, mem_max INTEGER,\n"
	"  oom INTEGER, oom_kill INTEGER, swap_current INTEGER, swap_max INTEGER,\n"
	"  io_rbytes INTEGER, io_wbytes INTEGER, io_rios INTEGER, io_wios INTEGER,\n"
	"  psi_cpu_some_avg10 REAL, psi_cpu_some_total_us INTEGER,\n"
	"  psi_memory_some_avg10 REAL, psi_memory_some_total_us INTEGER,\n"
	"  psi_memory_full_avg10 REAL, psi_memory_full_total_us INTEGER,\n"
	"  psi_io_some_avg10 REAL, psi_io_some_total_us INTEGER,\n"
	"  psi_io_full_avg10 REAL, psi_io_full_total_us INTEGER,\n"
	"  pids_current INTEGER, pids_max INTEGER,\n"
	"  PRIMARY KEY (cgroup, tick)\n"
	") WITHOUT ROWID;\n",
	"-- a cgroup's IO per device, with each of its cgroup_samples rows\n"
	"CREATE TABLE cgroup_io_samples (\n"
	"  cgroup INTEGER NOT NULL REFERENCES cgroups (id),\n"
	"  tick INTEGER NOT NULL,\n"
	"  major INTEGER NOT NULL, minor INTEGER NOT NULL,\n"
	"  rbytes INTEGER NOT NULL, wbytes INTEGER NOT NULL,\n"
	"  rios INTEGER NOT NULL, wios INTEGER NOT NULL,\n"
	"  PRIMARY KEY (cgroup, tick, major, minor)\n"
	") WITHOUT ROWID;\n",
	NULL,
};

/*
 * v11: the collections of a runtime vigil started with --gc-trace (Node.js
 * --trace-gc, Go gctrace=1), one row per trace line (cmd/gcpipe).
 */
static const char *const schema_v11[] = {
	"-- one row per collection the target traced\n"
	"CREATE TABLE gc_events (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  tick INTEGER NOT NULL REFERENCES ticks (seq), -- the tick that took it\n"
	"  pid INTEGER NOT NULL,\n"
	"  runtime TEXT NOT NULL,        -- node | go\n"
	"  kind TEXT NOT NULL,           -- Scavenge, Mark-Compact, ...; gc, gc forced\n"
	"  major INTEGER NOT NULL,       -- 1: after_bytes is a leak floor\n"
	"  runtime_ms REAL NOT NULL,     -- since the runtime started, as it says\n"
	"  pause_ms REAL NOT NULL,       -- stop-the-world (Go: sweep + mark "
	"termination)\n"
	"  before_bytes INTEGER NOT NULL,\n"
	"  after_bytes INTEGER NOT NULL  -- Node: heap used after; Go: live heap\n"
	");\n",
	"CREATE INDEX gc_events_by_tick ON gc_events (tick);\n",
	NULL,
};

/*
 * v12: where a profile's frames were mapped, for pprof's Mapping messages
 * (file, addresses, build id) and Location.address. A profile stored before
 * has no rows here and exports without them.
 */
static const char *const schema_v12[] = {
	"-- the executable file mappings a profile's frames were seen in\n"
	"CREATE TABLE profile_mappings (\n"
	"  profile INTEGER NOT NULL REFERENCES profiles (id),\n"
	"  id INTEGER NOT NULL,           -- 0, 1, 2 ... within the profile\n"
	"  memory_start INTEGER NOT NULL, -- runtime address (as signed 64 bits)\n"
	"  memory_limit INTEGER NOT NULL, -- end, exclusive\n"
	"  file_offset INTEGER NOT NULL,  -- of the file, mapped at memory_start\n"
	"  file TEXT NOT NULL,            -- the path the process maps, [vdso]\n"
	"  build_id TEXT NOT NULL,        -- NT_GNU_BUILD_ID as hex; '' unknown\n"
	"  PRIMARY KEY (profile, id)\n"
	") WITHOUT ROWID;\n",
	"-- a frame's mapping and the first address it was sampled at\n"
	"CREATE TABLE profile_frame_places (\n"
	"  profile INTEGER NOT NULL REFERENCES profiles (id),\n"
	"  frame INTEGER NOT NULL,        -- profile_frames.id\n"
	"  mapping INTEGER NOT NULL,      -- profile_mappings.id\n"
	"  address INTEGER NOT NULL,      -- inside the mapping (as signed 64 bits)\n"
	"  PRIMARY KEY (profile, frame)\n"
	") WITHOUT ROWID;\n",
	NULL,
};

/*
 * v13: a cgroup as the target (-c CGROUP): the session names it, and each
 * target sample says it is one, with its processes, those that came and
 * went since attach, and its busiest process (collectors/cgtarget).
 */
static const char *const schema_v13[] = {
	"ALTER TABLE sessions ADD COLUMN target_cgroup TEXT NOT NULL DEFAULT '';\n",
	"ALTER TABLE target_samples ADD COLUMN cg_target INTEGER; -- 1: a cgroup\n",
	"ALTER TABLE target_samples ADD COLUMN cg_procs INTEGER;  -- this tick\n",
	"ALTER TABLE target_samples ADD COLUMN cg_joined INTEGER; -- since attach\n",
	"ALTER TABLE target_samples ADD COLUMN cg_left INTEGER;   -- since attach\n",
	"ALTER TABLE target_samples ADD COLUMN cg_lead INTEGER;   -- busiest pid\n",
	NULL,
};

/*
 * v14: what cAdvisor's container_* names need of a cgroup beyond v10's
 * columns: user and system CPU, memory.stat's anonymous, page cache and
 * inactive file bytes (the working set), and v1's under_oom.
 */
static const char *const schema_v14[] = {
	"-- NULL where the have bit is off (CGROUP_HAVE_CPU_SPLIT, _MEM_STAT,\n"
	"-- _UNDER_OOM) and in rows written before v14\n"
	"ALTER TABLE cgroup_samples ADD COLUMN cpu_user_ns INTEGER;\n",
	"ALTER TABLE cgroup_samples ADD COLUMN cpu_system_ns INTEGER;\n",
	"ALTER TABLE cgroup_samples ADD COLUMN mem_anon INTEGER;\n",
	"ALTER TABLE cgroup_samples ADD COLUMN mem_file INTEGER;\n",
	"ALTER TABLE cgroup_samples ADD COLUMN mem_inactive_file INTEGER;\n",
	"ALTER TABLE cgroup_samples ADD COLUMN under_oom INTEGER; -- v1: 1 in an OOM\n",
	NULL,
};

/*
 * v15: a compacted file (store/compact.h) keeps one proc_exits row per
 * minute, command, user and outcome; n says how many exits it stands for.
 */
static const char *const schema_v15[] = {
	"-- exits this row stands for: 1, or more in a compacted file\n"
	"ALTER TABLE proc_exits ADD COLUMN n INTEGER NOT NULL DEFAULT 1;\n",
	NULL,
};

/*
 * v16: an allocation profile's probes may be on for part of its capture
 * only (profile --mode alloc --alloc-duty); its counts were scaled up by
 * 1 / active. One row per allocation profile.
 */
static const char *const schema_v16[] = {
	"CREATE TABLE profile_duty (\n"
	"  profile INTEGER PRIMARY KEY REFERENCES profiles (id),\n"
	"  active REAL NOT NULL -- share of the capture, 0..1; 1 always on\n"
	");\n",
	NULL,
};

/*
 * Index i takes a file from user_version i to i + 1: a NULL-terminated list
 * of statements, run in the one transaction of schema_migrate. Append only.
 */
static const char *const *const migrations[] = {
	schema_v1,  schema_v2,	schema_v3,  schema_v4,	schema_v5,  schema_v6,
	schema_v7,  schema_v8,	schema_v9,  schema_v10, schema_v11, schema_v12,
	schema_v13, schema_v14, schema_v15, schema_v16,
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* A reason a reader can act on, for a failed sqlite call during the checks. */
static int sql_reason(sqlite3 *db, int rc, char *err, size_t errlen)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		snprintf(err, errlen, "not an SQLite database");
		break;
	case SQLITE_CORRUPT:
		snprintf(err, errlen, "file is corrupt: %s", sqlite3_errmsg(db));
		break;
	default:
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		break;
	}
	return -1;
}

static int apply(sqlite3 *db, int64_t from, char *err, size_t errlen)
{
	char sql[96];
	char *msg = NULL;

	for (int64_t v = from; v < STORE_SCHEMA_VERSION; v++) {
		for (const char *const *step = migrations[v]; *step; step++) {
			if (sqlite3_exec(db, *step, NULL, NULL, &msg) == SQLITE_OK)
				continue;
			snprintf(err, errlen, "migration to schema %lld failed: %s",
				 (long long)v + 1, msg ? msg : "?");
			sqlite3_free(msg);
			return -1;
		}
	}
	/* Pragmas take no parameters; both values are our own integers. */
	snprintf(sql, sizeof(sql),
		 "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		 STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_reason(db, sqlite3_errcode(db), err, errlen);
	return 0;
}

int schema_migrate(sqlite3 *db, char *err, size_t errlen)
{
	int64_t version = 0;
	int rc;

	/* IMMEDIATE: take the write lock before reading the version, so two
	 * writers cannot both decide to migrate. */
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sql_reason(db, rc, err, errlen);
	rc = pragma_int(db, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK) {
		sql_reason(db, rc, err, errlen);
		goto fail;
	}
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "written by a newer vigil (schema %lld, this vigil reads up to "
			 "%d)",
			 (long long)version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (apply(db, version, err, errlen) < 0)
		goto fail;
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sql_reason(db, rc, err, errlen);
		goto fail;
	}
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int schema_check(sqlite3 *db, int *version_out, char *err, size_t errlen)
{
	int64_t app_id = 0, version = 0, tables = 0;
	int rc;

	/* The first read of the file: this is where a text file or random
	 * bytes turn out not to be a database at all. */
	rc = pragma_int(db, "PRAGMA application_id", &app_id);
	if (rc != SQLITE_OK)
		return sql_reason(db, rc, err, errlen);
	if (app_id != STORE_APPLICATION_ID) {
		snprintf(err, errlen, "not a vigil session file");
		return -1;
	}
	rc = pragma_int(db, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK)
		return sql_reason(db, rc, err, errlen);
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "written by a newer vigil (schema %lld, this vigil reads up to "
			 "%d)",
			 (long long)version, STORE_SCHEMA_VERSION);
		return -1;
	}
	/* Reading the schema walks sqlite_schema, which catches most damage
	 * to the first pages of a truncated or corrupt file. */
	rc = pragma_int(db,
			"SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
			" AND name IN ('sessions', 'ticks')",
			&tables);
	if (rc != SQLITE_OK)
		return sql_reason(db, rc, err, errlen);
	if (version < 1 || tables != 2) {
		snprintf(err, errlen, "not a vigil session file");
		return -1;
	}
	*version_out = (int)version;
	return 0;
}
