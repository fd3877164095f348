/* SPDX-License-Identifier: MIT */
/*
 * test_store: session files on disk. Creating (mode, refusal, --force),
 * writing frames (round trip of every field, changed-only process rows, PID
 * reuse, exits, rollback), and refusing files that are not what they claim
 * (missing, empty, text, random bytes, foreign SQLite, newer schema,
 * truncated), without ever modifying a file opened read-only.
 *
 * Each test works in its own temp file under /tmp and removes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/frames.h"
#include "store/processes.h"
#include "store/store.h"

#define T0 1700000000000LL /* ms: the first tick of every test session */

#define assert_dbl(a, b)                                                                 \
	do {                                                                             \
		double a_ = (a), b_ = (b);                                               \
		if (!(fabs(a_ - b_) <= 1e-9 * (fabs(b_) > 1 ? fabs(b_) : 1)))            \
			fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);              \
	} while (0)

struct session_file {
	char path[64];
};

/* A unique name under /tmp that does not exist yet. */
static void session_file_init(struct session_file *t)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/vigil-test-store-XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(t->path);
}

static void session_file_remove(struct session_file *t)
{
	char p[80];

	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
}

static void write_file(const char *path, const void *bytes, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = xmalloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static void fill_meta(struct session_meta *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->version, sizeof(m->version), "0.1.0-test");
	snprintf(m->host, sizeof(m->host), "testhost");
	snprintf(m->kernel, sizeof(m->kernel), "6.1.0-test");
	m->started_ms = T0 - 5;
	m->interval_ms = 1000;
	m->ncpu = 2;
	m->clk_tck = 100;
	m->page_size = 4096;
	m->boot_ms = T0 - 3600000;
	m->mem_total = 8ull << 30;
	m->target_pid = 4242;
	snprintf(m->target_cmd, sizeof(m->target_cmd), "sleep 1000");
	m->target_exit_code = -1;
}

/* A system sample where every field has its own value, derived from k. */
static void fill_sys(struct sys_sample *y, uint64_t k)
{
	y->have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG;
	y->cpu = (struct cpu_times){100 + k, 2 + k, 30 + k, 1000 + k,
				    4 + k,   5 + k, 6 + k,  7 + k};
	y->ctxt = 50000 + k;
	y->forks = 900 + k;
	y->procs_running = 3;
	y->procs_blocked = 1;
	y->boot_time_s = 1699996400;
	y->mem_total = 8ull << 30;
	y->mem_free = (1ull << 30) + k;
	y->mem_available = (3ull << 30) + k;
	y->buffers = 100000 + k;
	y->cached = 2000000 + k;
	y->swap_total = 1ull << 30;
	y->swap_free = (1ull << 29) + k;
	y->load1 = 0.25;
	y->load5 = 0.5;
	y->load15 = 1.75;
	for (int r = 0; r < PSI_N; r++) {
		y->psi[r].present = true;
		y->psi[r].has_full = r != PSI_CPU;
		y->psi[r].some = (struct psi_line){1.5 + r, 2.5, 3.5, 1000 + k};
		if (y->psi[r].has_full)
			y->psi[r].full = (struct psi_line){0.5, 0.25, 0.125, 77 + k};
	}
	y->ncores = 2;
	y->cores = xcalloc(2, sizeof(*y->cores));
	for (int c = 0; c < 2; c++) {
		y->cores[c].cpu = c * 2; /* cpu1 offline: a gap */
		y->cores[c].t = (struct cpu_times){50 + k, 1, 15, 500, 2, 3, 4, 5 + c};
	}
}

static struct frame *make_frame(uint64_t seq)
{
	struct frame *f = frame_new();

	f->seq = seq;
	f->t_ms = T0 + 1000 * (int64_t)seq;
	f->cost_ns = 250000 + (int64_t)seq;
	fill_sys(&f->sys, seq);
	return f;
}

/* Appends a process; callers add them in ascending pid order. */
static struct proc_row *add_proc(struct frame *f, int pid, uint64_t start_ticks,
				 uint64_t cpu_ticks)
{
	struct proc_row *r;

	f->procs.rows =
		xrealloc(f->procs.rows, (f->procs.n + 1) * sizeof(*f->procs.rows));
	r = &f->procs.rows[f->procs.n++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->ppid = 1;
	r->uid = 1000;
	r->state = 'S';
	r->threads = 1;
	r->cpu_ticks = cpu_ticks;
	r->start_ticks = start_ticks;
	r->start_ms = T0 - 100000 + (int64_t)start_ticks * 10;
	r->rss_bytes = 4096 * 100;
	r->vsz_bytes = 4096 * 1000;
	r->cpu_pct = -1;
	snprintf(r->comm, sizeof(r->comm), "proc%d", pid);
	snprintf(r->user, sizeof(r->user), "alice");
	r->cmdline = xasprintf("/usr/bin/proc%d --flag", pid);
	return r;
}

static void add_target(struct frame *f, uint64_t k)
{
	struct target_sample *t = xcalloc(1, sizeof(*t));

	t->pid = 4242;
	t->start_ticks = 777;
	t->alive = true;
	t->exit_code = -1;
	t->have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_IO |
		  TARGET_HAVE_FDS | TARGET_HAVE_THREADS;
	/* shares the have column with it: neither may spill into the other */
	t->denied = k % 2 ? TARGET_ACCESS_ALL : TARGET_ACCESS_MAPS | TARGET_ACCESS_JVM;
	snprintf(t->comm, sizeof(t->comm), "sleep");
	t->state = 'R';
	t->num_threads = 2;
	t->utime = 10 + k;
	t->stime = 20 + k;
	t->minflt = 300 + k;
	t->majflt = 4 + k;
	t->vm_size = 1 << 24;
	t->vm_rss = (1 << 20) + k;
	t->rss_anon = 1 << 19;
	t->rss_file = 1 << 18;
	t->rss_shmem = 1 << 12;
	t->vm_swap = 8192;
	t->vm_hwm = 1 << 21;
	t->vm_data = 1 << 22;
	t->vol_ctxsw = 55 + k;
	t->invol_ctxsw = 66 + k;
	t->rchar = 1000 + k;
	t->wchar = 2000 + k;
	t->read_bytes = 4096 * k;
	t->write_bytes = 8192 * k;
	t->fds = 9;
	t->nthreads = 2;
	t->threads = xcalloc(2, sizeof(*t->threads));
	for (int i = 0; i < 2; i++) {
		t->threads[i].tid = 4242 + i;
		t->threads[i].state = i ? 'S' : 'R';
		t->threads[i].utime = 5 + k + (uint64_t)i;
		t->threads[i].stime = 10 + k;
		snprintf(t->threads[i].comm, sizeof(t->threads[i].comm), "worker-%d", i);
	}
	f->target = t;
}

static struct store *create(struct session_file *t)
{
	struct store *s = NULL;
	char err[512];

	session_file_init(t);
	if (store_create(t->path, false, &s, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
	return s;
}

static void write_frame(struct store *s, struct frame *f)
{
	if (store_write_frame(s, f) < 0)
		fail_msg("store_write_frame %llu: %s", (unsigned long long)f->seq,
			 store_error(s));
	frame_unref(f);
}

/* ---- create ---- */

static void test_create_mode_0600(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct stat st;

	(void)state;
	assert_int_equal(stat(t.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(sql_int(t.path, "PRAGMA application_id"), 0x5649474c);
	assert_int_equal(sql_int(t.path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	store_close(s);
	session_file_remove(&t);
}

static void test_create_refuses_existing(void **state)
{
	struct session_file t;
	struct store *s = NULL;
	char err[512], want[512];
	size_t n;
	char *bytes;

	(void)state;
	session_file_init(&t);
	write_file(t.path, "precious\n", 9);
	assert_int_equal(store_create(t.path, false, &s, err, sizeof(err)), -1);
	assert_null(s);
	snprintf(want, sizeof(want), "'%s' exists (use --force to overwrite)", t.path);
	assert_string_equal(err, want);
	bytes = read_file(t.path, &n);
	assert_int_equal(n, 9);
	assert_memory_equal(bytes, "precious\n", 9);
	free(bytes);

	assert_int_equal(store_create(t.path, true, &s, err, sizeof(err)), 0);
	assert_non_null(s);
	write_frame(s, make_frame(0));
	store_close(s);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM ticks"), 1);
	session_file_remove(&t);
}

static void test_create_reports_why(void **state)
{
	struct store *s = NULL;
	char err[512];

	(void)state;
	assert_int_equal(
		store_create("/nonexistent-dir/x.db", false, &s, err, sizeof(err)), -1);
	assert_null(s);
	assert_string_equal(err, "cannot create '/nonexistent-dir/x.db': "
				 "No such file or directory");
}

/* ---- writing and reading back ---- */

static void assert_cpu_times_equal(const struct cpu_times *a, const struct cpu_times *b)
{
	assert_memory_equal(a, b, sizeof(*a));
}

static void assert_sys_equal(const struct sys_sample *a, const struct sys_sample *b)
{
	assert_int_equal(a->have, b->have);
	assert_string_equal(a->why, b->why);
	assert_cpu_times_equal(&a->cpu, &b->cpu);
	assert_int_equal(a->ctxt, b->ctxt);
	assert_int_equal(a->forks, b->forks);
	assert_int_equal(a->procs_running, b->procs_running);
	assert_int_equal(a->procs_blocked, b->procs_blocked);
	assert_int_equal(a->boot_time_s, b->boot_time_s);
	assert_int_equal(a->mem_total, b->mem_total);
	assert_int_equal(a->mem_free, b->mem_free);
	assert_int_equal(a->mem_available, b->mem_available);
	assert_int_equal(a->buffers, b->buffers);
	assert_int_equal(a->cached, b->cached);
	assert_int_equal(a->swap_total, b->swap_total);
	assert_int_equal(a->swap_free, b->swap_free);
	assert_dbl(a->load1, b->load1);
	assert_dbl(a->load5, b->load5);
	assert_dbl(a->load15, b->load15);
	for (int r = 0; r < PSI_N; r++) {
		const struct psi *p = &a->psi[r], *q = &b->psi[r];

		assert_int_equal(p->present, q->present);
		assert_int_equal(p->has_full, q->has_full);
		assert_memory_equal(&p->some, &q->some, sizeof(p->some));
		assert_memory_equal(&p->full, &q->full, sizeof(p->full));
	}
	assert_int_equal(a->ncores, b->ncores);
	for (size_t c = 0; c < a->ncores; c++) {
		assert_int_equal(a->cores[c].cpu, b->cores[c].cpu);
		assert_cpu_times_equal(&a->cores[c].t, &b->cores[c].t);
	}
}

static void assert_proc_equal(const struct proc_row *a, const struct proc_row *b)
{
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->ppid, b->ppid);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->nice, b->nice);
	assert_int_equal(a->threads, b->threads);
	assert_int_equal(a->cpu_ticks, b->cpu_ticks);
	assert_int_equal(a->start_ticks, b->start_ticks);
	assert_int_equal(a->start_ms, b->start_ms);
	assert_int_equal(a->rss_bytes, b->rss_bytes);
	assert_int_equal(a->vsz_bytes, b->vsz_bytes);
	assert_string_equal(a->comm, b->comm);
	assert_string_equal(a->user, b->user);
	assert_string_equal(a->cmdline, b->cmdline);
}

static void assert_target_equal(const struct target_sample *a,
				const struct target_sample *b)
{
	/* every scalar, then the threads; the struct has no padding holes
	 * we rely on, so compare field by field */
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->start_ticks, b->start_ticks);
	assert_int_equal(a->alive, b->alive);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->exit_signal, b->exit_signal);
	assert_int_equal(a->have, b->have);
	assert_int_equal(a->denied, b->denied);
	assert_string_equal(a->why, b->why);
	assert_string_equal(a->comm, b->comm);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->num_threads, b->num_threads);
	assert_int_equal(a->utime, b->utime);
	assert_int_equal(a->stime, b->stime);
	assert_int_equal(a->minflt, b->minflt);
	assert_int_equal(a->majflt, b->majflt);
	assert_int_equal(a->vm_size, b->vm_size);
	assert_int_equal(a->vm_rss, b->vm_rss);
	assert_int_equal(a->rss_anon, b->rss_anon);
	assert_int_equal(a->rss_file, b->rss_file);
	assert_int_equal(a->rss_shmem, b->rss_shmem);
	assert_int_equal(a->vm_swap, b->vm_swap);
	assert_int_equal(a->vm_hwm, b->vm_hwm);
	assert_int_equal(a->vm_data, b->vm_data);
	assert_int_equal(a->vol_ctxsw, b->vol_ctxsw);
	assert_int_equal(a->invol_ctxsw, b->invol_ctxsw);
	assert_int_equal(a->rchar, b->rchar);
	assert_int_equal(a->wchar, b->wchar);
	assert_int_equal(a->read_bytes, b->read_bytes);
	assert_int_equal(a->write_bytes, b->write_bytes);
	assert_int_equal(a->fds, b->fds);
	assert_int_equal(a->nthreads, b->nthreads);
	for (size_t i = 0; i < a->nthreads; i++) {
		assert_int_equal(a->threads[i].tid, b->threads[i].tid);
		assert_int_equal(a->threads[i].state, b->threads[i].state);
		assert_int_equal(a->threads[i].utime, b->threads[i].utime);
		assert_int_equal(a->threads[i].stime, b->threads[i].stime);
		assert_string_equal(a->threads[i].comm, b->threads[i].comm);
	}
}

static struct frame *round_trip_frame(uint64_t seq)
{
	struct frame *f = make_frame(seq);
	struct proc_row *r;

	snprintf(f->sys.why, sizeof(f->sys.why), "psi: fine");
	f->sys.psi[PSI_IO].present = false; /* absent file */
	memset(&f->sys.psi[PSI_IO].some, 0, sizeof(struct psi_line));
	memset(&f->sys.psi[PSI_IO].full, 0, sizeof(struct psi_line));
	f->sys.psi[PSI_IO].has_full = false;
	r = add_proc(f, 1, 1, 500 + 50 * seq);
	r->ppid = 0;
	r->uid = 0;
	snprintf(r->user, sizeof(r->user), "root");
	r = add_proc(f, 77, 300, 12);
	r->state = 'I';
	r->nice = -20;
	free(r->cmdline);
	r->cmdline = xstrdup(""); /* a kernel thread */
	r = add_proc(f, 4242, 777, 30 + 25 * seq);
	r->threads = 2;
	r->nice = 5;
	add_target(f, seq);
	snprintf(f->target->why, sizeof(f->target->why), "fd: it's fine");
	return f;
}

static void test_round_trip(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct session_meta m, back;
	struct frame *want, *got = NULL;

	(void)state;
	fill_meta(&m);
	assert_int_equal(store_session_begin(s, &m), 0);
	write_frame(s, round_trip_frame(0));
	write_frame(s, round_trip_frame(1));
	m.ended_ms = T0 + 1500;
	m.target_exit_code = 3;
	m.target_exit_signal = 9;
	assert_int_equal(store_session_end(s, &m), 0);
	store_close(s);

	{
		char err[512];

		assert_int_equal(store_open(t.path, &s, err, sizeof(err)), 0);
	}
	assert_int_equal(query_session(s, &back), 0);
	assert_memory_equal(&back, &m, sizeof(m));

	want = round_trip_frame(1);
	assert_int_equal(query_frame_at(s, T0 + 1999, &got), 0);
	assert_int_equal(got->seq, want->seq);
	assert_int_equal(got->t_ms, want->t_ms);
	assert_int_equal(got->cost_ns, want->cost_ns);
	assert_sys_equal(&got->sys, &want->sys);
	assert_int_equal(got->procs.n, want->procs.n);
	for (size_t i = 0; i < want->procs.n; i++)
		assert_proc_equal(&got->procs.rows[i], &want->procs.rows[i]);
	/* clk_tck 100, 1 s between ticks: pid 1 moved 50 ticks, pid 77
	 * did not (no row this tick), pid 4242 moved 25 */
	assert_dbl(got->procs.rows[0].cpu_pct, 50.0);
	assert_dbl(got->procs.rows[1].cpu_pct, 0.0);
	assert_dbl(got->procs.rows[2].cpu_pct, 25.0);
	assert_non_null(got->target);
	assert_target_equal(got->target, want->target);
	frame_unref(got);
	frame_unref(want);

	/* the first tick: no previous row, so cpu_pct is unknown */
	assert_int_equal(query_frame_at(s, T0, &got), 0);
	assert_int_equal(got->seq, 0);
	assert_dbl(got->procs.rows[0].cpu_pct, -1.0);
	frame_unref(got);
	assert_int_equal(query_frame_at(s, T0 - 1, &got), -1);
	assert_null(got);
	assert_string_equal(store_error(s), "no tick at or before 1699999999999");
	store_close(s);
	session_file_remove(&t);
}

static int64_t proc_id(const char *path, int pid, uint64_t start_ticks)
{
	char sql[128];

	snprintf(sql, sizeof(sql),
		 "SELECT id FROM procs WHERE pid = %d AND start_ticks = %llu", pid,
		 (unsigned long long)start_ticks);
	return sql_int(path, sql);
}

static int64_t sample_rows(const char *path, int64_t id)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM proc_samples WHERE proc = %lld",
		 (long long)id);
	return sql_int(path, sql);
}

static void test_changed_only_rows(void **state)
{
	struct session_file t;
	struct store *s = create(&t);

	(void)state;
	for (uint64_t k = 0; k < 10; k++) {
		struct frame *f = make_frame(k);
		struct proc_row *r;

		add_proc(f, 100, 5, 42);     /* idle */
		add_proc(f, 200, 6, 10 * k); /* busy */
		r = add_proc(f, 300, 7, 1);  /* grows every other tick */
		r->rss_bytes += 4096 * (k / 2);
		r = add_proc(f, 400, 8, 1); /* reparented at tick 5 */
		r->ppid = k < 5 ? 399 : 1;
		write_frame(s, f);
	}
	store_close(s);
	assert_int_equal(sample_rows(t.path, proc_id(t.path, 100, 5)), 1);
	assert_int_equal(sample_rows(t.path, proc_id(t.path, 200, 6)), 10);
	assert_int_equal(sample_rows(t.path, proc_id(t.path, 300, 7)), 5);
	assert_int_equal(sample_rows(t.path, proc_id(t.path, 400, 8)), 2);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM procs"), 4);
	/* closed by store_close? no: only session_end closes; all still open */
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM procs"
					 " WHERE last_tick IS NULL"),
			 4);
	session_file_remove(&t);
}

static void test_pid_reuse(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct proc_table pt;

	(void)state;
	for (uint64_t k = 0; k < 5; k++) {
		struct frame *f = make_frame(k);

		add_proc(f, 300, k < 3 ? 1000 : 5000, 7);
		write_frame(s, f);
	}
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM procs"
					 " WHERE pid = 300"),
			 2);
	assert_int_equal(sql_int(t.path, "SELECT last_tick FROM procs"
					 " WHERE pid = 300 AND start_ticks = 1000"),
			 2);
	assert_int_equal(sql_int(t.path, "SELECT last_tick IS NULL FROM procs"
					 " WHERE pid = 300 AND start_ticks = 5000"),
			 1);
	assert_int_equal(sql_int(t.path, "SELECT first_tick FROM procs"
					 " WHERE pid = 300 AND start_ticks = 5000"),
			 3);

	assert_int_equal(query_proc_table_at(s, T0 + 2000, &pt), 0);
	assert_int_equal(pt.n, 1);
	assert_int_equal(pt.rows[0].start_ticks, 1000);
	proc_table_release(&pt);
	assert_int_equal(query_proc_table_at(s, T0 + 3000, &pt), 0);
	assert_int_equal(pt.n, 1);
	assert_int_equal(pt.rows[0].start_ticks, 5000);
	assert_dbl(pt.rows[0].cpu_pct, -1.0); /* a new process: no history */
	proc_table_release(&pt);
	store_close(s);
	session_file_remove(&t);
}

static void test_process_exits(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct proc_table pt;
	struct session_meta m;

	(void)state;
	fill_meta(&m);
	assert_int_equal(store_session_begin(s, &m), 0);
	for (uint64_t k = 0; k < 5; k++) {
		struct frame *f = make_frame(k);

		add_proc(f, 1, 1, 100 * k);
		if (k < 3)
			add_proc(f, 400, 40, 3);
		write_frame(s, f);
	}
	assert_int_equal(sql_int(t.path, "SELECT last_tick FROM procs"
					 " WHERE pid = 400"),
			 2);
	assert_int_equal(query_proc_table_at(s, T0 + 2500, &pt), 0);
	assert_int_equal(pt.n, 2);
	assert_non_null(proc_table_find(&pt, 400));
	proc_table_release(&pt);
	assert_int_equal(query_proc_table_at(s, T0 + 3000, &pt), 0);
	assert_int_equal(pt.n, 1);
	assert_null(proc_table_find(&pt, 400));
	assert_int_equal(pt.rows[0].pid, 1);
	proc_table_release(&pt);

	/* the end of the session closes the rest at their last tick */
	m.ended_ms = T0 + 4000;
	assert_int_equal(store_session_end(s, &m), 0);
	assert_int_equal(sql_int(t.path, "SELECT last_tick FROM procs"
					 " WHERE pid = 1"),
			 4);
	assert_int_equal(sql_int(t.path, "SELECT ended_ms FROM sessions"), T0 + 4000);
	store_close(s);
	session_file_remove(&t);
}

/* A table that was not read (empty) closes nobody; the next frame goes on. */
static void test_empty_table_keeps_identities(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct frame *f;

	(void)state;
	f = make_frame(0);
	add_proc(f, 10, 1, 1);
	write_frame(s, f);
	write_frame(s, make_frame(1));
	f = make_frame(2);
	add_proc(f, 10, 1, 1);
	write_frame(s, f);
	store_close(s);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM procs"), 1);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM procs"
					 " WHERE last_tick IS NULL"),
			 1);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM proc_samples"), 1);
	session_file_remove(&t);
}

static void test_failed_frame_rolls_back(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct frame *f;

	(void)state;
	f = make_frame(0);
	add_proc(f, 10, 1, 1);
	write_frame(s, f);

	/* the same seq again: the whole frame is refused */
	f = make_frame(0);
	add_proc(f, 11, 1, 1);
	assert_int_equal(store_write_frame(s, f), -1);
	assert_non_null(strstr(store_error(s), "cannot write tick 0"));
	assert_non_null(strstr(store_error(s), "UNIQUE"));
	frame_unref(f);

	/* out of order rows: refused after the tick row was written */
	f = make_frame(1);
	add_proc(f, 12, 1, 1);
	add_proc(f, 11, 1, 1);
	assert_int_equal(store_write_frame(s, f), -1);
	assert_string_equal(store_error(s), "process table not in ascending pid"
					    " order (pid 11 after 12)");
	frame_unref(f);

	/* the store goes on, and the identity map was not disturbed: pid 10
	 * unchanged writes no new row */
	f = make_frame(1);
	add_proc(f, 10, 1, 1);
	write_frame(s, f);
	store_close(s);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM ticks"), 2);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM sys_samples"), 2);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM procs"), 1);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM proc_samples"), 1);
	session_file_remove(&t);
}

/* ---- opening ---- */

static void assert_open_fails(const char *path, const char *reason)
{
	struct store *s = NULL;
	char err[512], want[512];

	assert_int_equal(store_open(path, &s, err, sizeof(err)), -1);
	assert_null(s);
	snprintf(want, sizeof(want), "cannot open session '%s': %s", path, reason);
	assert_string_equal(err, want);
}

static void test_open_refuses_bad_files(void **state)
{
	struct session_file t;
	unsigned char noise[8192];
	unsigned seed = 12345;

	(void)state;
	session_file_init(&t);
	assert_open_fails(t.path, "No such file or directory");

	write_file(t.path, "", 0);
	assert_open_fails(t.path, "not a vigil session file");

	write_file(t.path, "hello, this is not a database\n", 30);
	assert_open_fails(t.path, "not an SQLite database");

	for (size_t i = 0; i < sizeof(noise); i++) {
		seed = seed * 1103515245 + 12345;
		noise[i] = (unsigned char)(seed >> 16);
	}
	write_file(t.path, noise, sizeof(noise));
	assert_open_fails(t.path, "not an SQLite database");

	unlink(t.path);
	sql_exec(t.path, "CREATE TABLE sessions (x); INSERT INTO sessions"
			 " VALUES (1)");
	assert_open_fails(t.path, "not a vigil session file");

	/* the right application id without the tables is not one either */
	sql_exec(t.path, "PRAGMA application_id = 1447512908");
	assert_open_fails(t.path, "not a vigil session file");
	session_file_remove(&t);

	assert_open_fails("/tmp", "Is a directory");
}

static void test_open_refuses_newer_schema(void **state)
{
	struct session_file t;
	struct store *s = create(&t);

	(void)state;
	store_close(s);
	sql_exec(t.path, "PRAGMA user_version = 99");
	char reason[128];

	snprintf(reason, sizeof(reason),
		 "written by a newer vigil (schema 99, this vigil reads up to %d)",
		 STORE_SCHEMA_VERSION);
	assert_open_fails(t.path, reason);
	session_file_remove(&t);
}

static void test_open_truncated(void **state)
{
	struct session_file t, cut;
	struct store *s = create(&t);
	struct frame *got = NULL;
	char err[512];
	char *bytes;
	size_t n;

	(void)state;
	for (uint64_t k = 0; k < 200; k++) {
		struct frame *f = make_frame(k);

		for (int p = 1; p <= 20; p++)
			add_proc(f, p, (uint64_t)p, k * (uint64_t)p);
		write_frame(s, f);
	}
	store_close(s);
	bytes = read_file(t.path, &n);
	assert_true(n > 64 * 1024);

	/* every cut either refuses with a reason or reads without crashing */
	session_file_init(&cut);
	for (size_t len = n / 2; len > 0; len = len * 2 / 5) {
		write_file(cut.path, bytes, len);
		if (store_open(cut.path, &s, err, sizeof(err)) == 0) {
			if (query_frame_at(s, INT64_MAX, &got) == 0)
				frame_unref(got);
			store_close(s);
		} else {
			assert_non_null(strstr(err, "cannot open session"));
		}
	}
	/* half a file: the header promises more pages than there are */
	write_file(cut.path, bytes, n / 2);
	assert_int_equal(store_open(cut.path, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "': file is corrupt: "));
	free(bytes);
	session_file_remove(&cut);
	session_file_remove(&t);
}

static void test_open_is_read_only(void **state)
{
	struct session_file t;
	struct store *s = create(&t), *r;
	struct stat before, after;
	struct frame *got;
	char err[512];
	char *b0, *b1;
	size_t n0, n1;

	(void)state;
	for (uint64_t k = 0; k < 5; k++) {
		struct frame *f = make_frame(k);

		add_proc(f, 1, 1, k);
		write_frame(s, f);
	}
	store_close(s);
	assert_int_equal(stat(t.path, &before), 0);
	b0 = read_file(t.path, &n0);
	sleep(1); /* so a write would show in mtime even at 1 s resolution */

	assert_int_equal(store_open(t.path, &r, err, sizeof(err)), 0);
	assert_int_equal(query_frame_at(r, INT64_MAX, &got), 0);
	assert_int_equal(got->seq, 4);
	frame_unref(got);
	got = make_frame(5);
	assert_int_equal(store_write_frame(r, got), -1);
	assert_string_equal(store_error(r), "session is open read-only");
	frame_unref(got);
	store_close(r);

	assert_int_equal(stat(t.path, &after), 0);
	b1 = read_file(t.path, &n1);
	assert_int_equal(n0, n1);
	assert_memory_equal(b0, b1, n0);
	assert_int_equal(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
	assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	free(b0);
	free(b1);
	/* and it left nothing beside it either */
	{
		char p[80];

		snprintf(p, sizeof(p), "%s-wal", t.path);
		assert_int_equal(access(p, F_OK), -1);
		snprintf(p, sizeof(p), "%s-shm", t.path);
		assert_int_equal(access(p, F_OK), -1);
	}
	session_file_remove(&t);
}

/* A reader follows a file another connection is still writing. */
static void test_open_while_writing(void **state)
{
	struct session_file t;
	struct store *w = create(&t), *r;
	int64_t first, last;
	uint64_t ticks;
	char err[512];

	(void)state;
	write_frame(w, make_frame(0));
	write_frame(w, make_frame(1));
	assert_int_equal(store_open(t.path, &r, err, sizeof(err)), 0);
	assert_int_equal(query_span(r, &first, &last, &ticks), 0);
	assert_int_equal(ticks, 2);
	assert_int_equal(first, T0);
	assert_int_equal(last, T0 + 1000);
	write_frame(w, make_frame(2));
	assert_int_equal(query_span(r, &first, &last, &ticks), 0);
	assert_int_equal(ticks, 3);
	assert_int_equal(last, T0 + 2000);
	store_close(r);
	store_close(w);
	session_file_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_mode_0600),
		cmocka_unit_test(test_create_refuses_existing),
		cmocka_unit_test(test_create_reports_why),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_changed_only_rows),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_process_exits),
		cmocka_unit_test(test_empty_table_keeps_identities),
		cmocka_unit_test(test_failed_frame_rolls_back),
		cmocka_unit_test(test_open_refuses_bad_files),
		cmocka_unit_test(test_open_refuses_newer_schema),
		cmocka_unit_test(test_open_truncated),
		cmocka_unit_test(test_open_is_read_only),
		cmocka_unit_test(test_open_while_writing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
