/* SPDX-License-Identifier: MIT */
/*
 * test_target: the attached-target collector against fixture proc trees
 * (tests/fixtures/proc-target/) and against the real /proc, on this very test
 * process and on a child it forks.
 *
 * Fixture trees are read in place. Tests that need a tree to change under an
 * open collector (pid reuse, exit, a stat turning hostile) point a proc root
 * made in a temp directory at the fixture pid directories through a symlink
 * and swap it between reads.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/target.h"
#include "core/procfs.h"
#include "core/xalloc.h"

#define KIB 1024ull
#define MIB (1024ull * 1024ull)
#define FIXTURE_PID 4242
#define FIXTURE_START 123456ull
#define ALL_HAVE                                                                         \
	(TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_IO | TARGET_HAVE_FDS |      \
	 TARGET_HAVE_THREADS | TARGET_HAVE_SCHED)

/* "<srcdir>/tests/fixtures/proc-target/<tree>", owned by the caller. */
static char *fixture(const char *tree)
{
	const char *src = getenv("VIGIL_SRCDIR");

	return xasprintf("%s/tests/fixtures/proc-target/%s", src && *src ? src : ".",
			 tree);
}

/* The text of <tree>/<rel>, read as the collector would; owned by the caller. */
static char *fixture_text(const char *tree, const char *rel)
{
	char *root = fixture(tree);
	char *buf = xcalloc(1, 65536);

	assert_true(procfs_read(root, rel, buf, 65536) >= 0);
	free(root);
	return buf;
}

static struct target_collector *open_ok(const char *root, int pid)
{
	struct target_collector *c = NULL;
	char err[128] = "";
	int rc = target_collector_open(root, pid, &c, err, sizeof(err));

	if (rc)
		fail_msg("open %s/%d: %d %s", root, pid, rc, err);
	assert_non_null(c);
	return c;
}

/* ---- a proc root in a temp dir whose <pid> entry can be swapped ---- */

struct swap_root {
	char dir[64];
	char pid_path[128];
};

static void swap_root_init(struct swap_root *r)
{
	snprintf(r->dir, sizeof(r->dir), "/tmp/vigil-target-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->pid_path, sizeof(r->pid_path), "%s/%d", r->dir, FIXTURE_PID);
}

/* Points <dir>/4242 at <fixture tree>/4242; NULL removes it (the process exits). */
static void swap_root_point(struct swap_root *r, const char *tree)
{
	char *base, *target, abs[PATH_MAX];

	if (unlink(r->pid_path) < 0)
		assert_int_equal(errno, ENOENT);
	if (!tree)
		return;
	base = fixture(tree);
	target = xasprintf("%s/%d", base, FIXTURE_PID);
	assert_non_null(realpath(target, abs));
	assert_int_equal(symlink(abs, r->pid_path), 0);
	free(target);
	free(base);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void swap_root_release(struct swap_root *r)
{
	assert_int_equal(nftw(r->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* ---- pure parsers ---- */

static void test_parse_stat_fields(void **state)
{
	char *text = fixture_text("normal", "4242/stat");
	struct target_sample s = {0};
	uint64_t start = 0;

	(void)state;
	assert_int_equal(target_parse_stat(text, &s, &start), 0);
	assert_string_equal(s.comm, "a) b (c) d");
	assert_int_equal(s.state, 'S');
	assert_int_equal(s.minflt, 1500);
	assert_int_equal(s.majflt, 7);
	assert_int_equal(s.utime, 250);
	assert_int_equal(s.stime, 75);
	assert_int_equal(s.num_threads, 3);
	assert_int_equal(start, FIXTURE_START);
	assert_int_equal(s.have, 0); /* parsers leave the bits to the collector */
	/* start_ticks may be NULL */
	assert_int_equal(target_parse_stat(text, &s, NULL), 0);
	free(text);
}

static void test_parse_stat_comm_edges(void **state)
{
	struct target_sample s = {0};
	uint64_t start = 0;

	(void)state;
	/* ')' followed by a blank inside comm, and a comm that is only ") (" */
	assert_int_equal(target_parse_stat("7 (x) R 1) Z 0 0 0 0 0 0 1 0 2 0 3 4 0 0 0 0 "
					   "5 0 6 0\n",
					   &s, &start),
			 0);
	assert_string_equal(s.comm, "x) R 1");
	assert_int_equal(s.state, 'Z');
	assert_int_equal(s.minflt, 1);
	assert_int_equal(s.majflt, 2);
	assert_int_equal(s.utime, 3);
	assert_int_equal(s.stime, 4);
	assert_int_equal(s.num_threads, 5);
	assert_int_equal(start, 6);
	assert_int_equal(
		target_parse_stat("8 () () I 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 9", &s,
				  &start),
		0);
	assert_string_equal(s.comm, ") (");
	assert_int_equal(s.state, 'I');
	assert_int_equal(start, 9); /* the line may end right after starttime */
}

static void test_parse_stat_comm_truncated(void **state)
{
	char line[512], comm[200];
	struct target_sample s = {0};

	(void)state;
	memset(comm, 'c', sizeof(comm) - 1);
	comm[sizeof(comm) - 1] = '\0';
	snprintf(line, sizeof(line), "1 (%s) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 9\n",
		 comm);
	assert_int_equal(target_parse_stat(line, &s, NULL), 0);
	assert_int_equal(strlen(s.comm), FRAME_COMM_MAX - 1);
}

/* Every hostile stat fixture is refused, and *out is left as it was. */
static const char *const hostile_stats[] = {
	"empty",	  "truncated",	    "cut-before-start",
	"garbage",	  "no-close-paren", "no-open-paren",
	"overflow-utime", "overflow-start", "overflow-threads",
	"negative-utime", "junk-in-number", "nul-in-comm",
	"no-state",	  "no-pid",	    "lone-minus",
};

static void test_parse_stat_hostile(void **state)
{
	static const char *const lines[] = {
		"",
		"(",
		")",
		"1 (",
		"1 ()",
		"1 () ",
		"1 () S",
		"1 () S ",
		"1 () SS 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 9",
		"1 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0",
		"1 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 9x",
		"1 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 -9",
		"1 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -1 0 9",
		"1 () S 0 0 0 0 0 0 -0x1 0 0 0 0 0 0 0 0 0 1 0 9",
		"1 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 9223372036854775808000",
		"-1 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 9",
		"4294967296 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 9",
		"1 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0\n9",
	};
	struct target_sample s;
	struct thread_sample t;
	uint64_t start = 77;

	(void)state;
	memset(&s, 0x5a, sizeof(s));
	memset(&t, 0x5a, sizeof(t));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (target_parse_stat(lines[i], &s, &start) != -1)
			fail_msg("accepted stat line '%s'", lines[i]);
		assert_int_equal(target_parse_thread_stat(lines[i], &t), -1);
	}
	for (size_t i = 0; i < sizeof(hostile_stats) / sizeof(hostile_stats[0]); i++) {
		char *tree = xasprintf("hostile-stat/%s", hostile_stats[i]);
		char *text = fixture_text(tree, "4242/stat");

		if (target_parse_stat(text, &s, &start) != -1)
			fail_msg("accepted stat fixture '%s'", hostile_stats[i]);
		free(tree);
		free(text);
	}
	assert_int_equal(start, 77);
	assert_int_equal((unsigned char)s.comm[0], 0x5a);
	assert_int_equal((unsigned char)t.comm[0], 0x5a);
	assert_int_equal(s.utime, 0x5a5a5a5a5a5a5a5aull);
}

static void test_parse_status_fields(void **state)
{
	char *text = fixture_text("normal", "4242/status");
	struct target_sample s = {0};

	(void)state;
	assert_int_equal(target_parse_status(text, &s), 0);
	assert_int_equal(s.vm_size, 102400 * KIB);
	assert_int_equal(s.vm_rss, 10240 * KIB);
	assert_int_equal(s.rss_anon, 6144 * KIB);
	assert_int_equal(s.rss_file, 3584 * KIB);
	assert_int_equal(s.rss_shmem, 512 * KIB);
	assert_int_equal(s.vm_swap, 128 * KIB);
	assert_int_equal(s.vm_hwm, 12288 * KIB);
	assert_int_equal(s.vm_data, 8192 * KIB);
	assert_int_equal(s.vol_ctxsw, 321);
	assert_int_equal(s.invol_ctxsw, 45);
	free(text);
}

static void test_parse_status_edges(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage\n",
		"VmRSS:\t 100 kB\n", /* no context switches */
		"VmRSS:\t lots kB\n"
		"voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n",
		"VmRSS:\t 18446744073709551615 kB\nvoluntary_ctxt_switches:\t1\n"
		"nonvoluntary_ctxt_switches:\t2\n",
		"voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t"
		"99999999999999999999999\n",
		"voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\n",
	};
	struct target_sample s = {0};

	(void)state;
	/* a zombie or a kernel thread: no memory lines, which read as 0 */
	s.vm_rss = 1;
	assert_int_equal(target_parse_status("Name:\tz\nState:\tZ (zombie)\n"
					     "voluntary_ctxt_switches:\t9\n"
					     "nonvoluntary_ctxt_switches:\t8\n",
					     &s),
			 0);
	assert_int_equal(s.vm_rss, 0);
	assert_int_equal(s.vol_ctxsw, 9);
	assert_int_equal(s.invol_ctxsw, 8);

	memset(&s, 0x5a, sizeof(s));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (target_parse_status(bad[i], &s) != -1)
			fail_msg("accepted status '%s'", bad[i]);
	assert_int_equal(s.vm_rss, 0x5a5a5a5a5a5a5a5aull);
}

static void test_parse_io(void **state)
{
	char *text = fixture_text("normal", "4242/io");
	struct target_sample s = {0};

	(void)state;
	assert_int_equal(target_parse_io(text, &s), 0);
	assert_int_equal(s.rchar, 1048576);
	assert_int_equal(s.wchar, 524288);
	assert_int_equal(s.read_bytes, 4096);
	assert_int_equal(s.write_bytes, 8192);
	free(text);

	memset(&s, 0x5a, sizeof(s));
	assert_int_equal(target_parse_io("", &s), -1);
	assert_int_equal(target_parse_io("rchar: 1\nwchar: 2\nread_bytes: 3\n", &s), -1);
	assert_int_equal(target_parse_io("rchar: 99999999999999999999999\nwchar: 2\n"
					 "read_bytes: 3\nwrite_bytes: 4\n",
					 &s),
			 -1);
	text = fixture_text("hostile", "4242/io");
	assert_int_equal(target_parse_io(text, &s), -1);
	free(text);
	assert_int_equal(s.rchar, 0x5a5a5a5a5a5a5a5aull);
}

static void test_parse_thread_stat(void **state)
{
	char *text = fixture_text("normal", "4242/task/4250/stat");
	struct thread_sample t = {0};

	(void)state;
	assert_int_equal(target_parse_thread_stat(text, &t), 0);
	assert_int_equal(t.tid, 4250);
	assert_int_equal(t.state, 'D');
	assert_int_equal(t.utime, 10);
	assert_int_equal(t.stime, 5);
	assert_string_equal(t.comm, "io)thr");
	free(text);
}

/* ---- the collector on fixture trees ---- */

static void assert_normal_threads(const struct target_sample *s)
{
	assert_int_equal(s->nthreads, 3);
	assert_non_null(s->threads);
	assert_int_equal(s->threads[0].tid, 4242);
	assert_int_equal(s->threads[0].state, 'S');
	assert_int_equal(s->threads[0].utime, 200);
	assert_int_equal(s->threads[0].stime, 60);
	assert_string_equal(s->threads[0].comm, "a) b (c) d");
	assert_int_equal(s->threads[1].tid, 4243);
	assert_int_equal(s->threads[1].state, 'R');
	assert_int_equal(s->threads[1].utime, 40);
	assert_int_equal(s->threads[1].stime, 10);
	assert_string_equal(s->threads[1].comm, "worker 1");
	assert_int_equal(s->threads[2].tid, 4250);
	assert_int_equal(s->threads[2].state, 'D');
	assert_int_equal(s->threads[2].utime, 10);
	assert_int_equal(s->threads[2].stime, 5);
	assert_string_equal(s->threads[2].comm, "io)thr");
}

static void assert_normal_sample(const struct target_sample *s)
{
	assert_int_equal(s->pid, FIXTURE_PID);
	assert_int_equal(s->start_ticks, FIXTURE_START);
	assert_true(s->alive);
	assert_int_equal(s->exit_code, -1);
	assert_int_equal(s->exit_signal, 0);
	assert_int_equal(s->have, ALL_HAVE);
	assert_string_equal(s->why, "");
	assert_string_equal(s->comm, "a) b (c) d");
	assert_int_equal(s->state, 'S');
	assert_int_equal(s->num_threads, 3);
	assert_int_equal(s->utime, 250);
	assert_int_equal(s->stime, 75);
	assert_int_equal(s->minflt, 1500);
	assert_int_equal(s->majflt, 7);
	assert_int_equal(s->vm_size, 102400 * KIB);
	assert_int_equal(s->vm_rss, 10240 * KIB);
	assert_int_equal(s->rss_anon, 6144 * KIB);
	assert_int_equal(s->rss_file, 3584 * KIB);
	assert_int_equal(s->rss_shmem, 512 * KIB);
	assert_int_equal(s->vm_swap, 128 * KIB);
	assert_int_equal(s->vm_hwm, 12288 * KIB);
	assert_int_equal(s->vm_data, 8192 * KIB);
	assert_int_equal(s->vol_ctxsw, 321);
	assert_int_equal(s->invol_ctxsw, 45);
	assert_int_equal(s->rchar, 1048576);
	assert_int_equal(s->wchar, 524288);
	assert_int_equal(s->read_bytes, 4096);
	assert_int_equal(s->write_bytes, 8192);
	assert_int_equal(s->fds, 5);
	/* task/4245 has no stat (vanished thread), task/notatid is not a tid */
	assert_normal_threads(s);
}

/* The latency files of the normal tree: schedstat per thread, summed. */
static void assert_normal_latency(const struct target_sample *s)
{
	const struct thread_sample *t = s->threads;

	assert_true(t[0].have_sched && t[1].have_sched && t[2].have_sched);
	assert_int_equal(t[1].run_delay_ns, 600000000);
	assert_int_equal(t[2].slices, 5);
	assert_int_equal(s->run_ns, 1350000000);
	assert_int_equal(s->run_delay_ns, 860000000);
	assert_int_equal(s->slices, 135);
	/* field 42 of the thread in disk wait, where it sleeps, its syscall */
	assert_int_equal(t[2].blkio_ticks, 17);
	assert_int_equal(s->blkio_ticks, 17);
	assert_string_equal(t[2].wchan, "io_schedule");
	assert_string_equal(t[1].wchan, ""); /* "0": hidden or not sleeping */
	assert_int_equal(t[0].syscall, -1);  /* "running" */
	assert_int_equal(t[1].syscall, 7);
	assert_int_equal(t[2].syscall, -2); /* unreadable */
	assert_int_equal(s->delayacct, 1);
	assert_string_equal(s->cgroup, "/test.slice/app.service");
	assert_false(s->have & TARGET_HAVE_CGPSI); /* no cgroup root given */
}

static void test_collector_cgroup_pressure(void **state)
{
	char *root = fixture("normal");
	char *cg = xasprintf("%s/../../cgroup-hybrid", root);
	struct target_collector *c = open_ok(root, FIXTURE_PID);
	struct target_sample s = {0};

	(void)state;
	target_collector_set_cgroup_root(c, cg);
	target_collector_read(c, &s);
	assert_true(s.have & TARGET_HAVE_CGPSI);
	assert_string_equal(s.why, "");
	assert_true(s.cg_psi[PSI_CPU].present);
	assert_float_equal(s.cg_psi[PSI_CPU].some.avg10, 12.5, 1e-9);
	assert_int_equal(s.cg_psi[PSI_IO].full.total_us, 8000000);
	assert_int_equal(s.cg_psi[PSI_MEMORY].some.total_us, 10);
	/* a tree without v2 says so and keeps the rest */
	target_collector_set_cgroup_root(c, root);
	target_collector_read(c, &s);
	assert_false(s.have & TARGET_HAVE_CGPSI);
	assert_string_equal(s.why, "cgroup pressure: no cgroup v2");
	assert_int_equal(s.have, ALL_HAVE);
	target_sample_release(&s);
	target_collector_free(c);
	free(cg);
	free(root);
}

static void test_collector_normal(void **state)
{
	char *root = fixture("normal");
	struct target_collector *c = open_ok(root, FIXTURE_PID);
	struct target_sample s = {0};

	(void)state;
	assert_int_equal(target_collector_pid(c), FIXTURE_PID);
	assert_int_equal(target_collector_start_ticks(c), FIXTURE_START);
	target_collector_read(c, &s);
	assert_normal_sample(&s);
	assert_normal_latency(&s);
	/* a filled sample may be passed again: its threads are freed, not leaked */
	target_collector_read(c, &s);
	assert_normal_sample(&s);
	target_sample_release(&s);
	assert_null(s.threads);
	target_collector_free(c);
	target_collector_free(NULL);
	free(root);
}

static void test_collector_missing_io(void **state)
{
	char *root = fixture("noio");
	struct target_collector *c = open_ok(root, FIXTURE_PID);
	struct target_sample s = {0};

	(void)state;
	target_collector_read(c, &s);
	assert_true(s.alive);
	assert_int_equal(s.have, ALL_HAVE & ~TARGET_HAVE_IO);
	assert_string_equal(s.why, "io: No such file or directory");
	assert_int_equal(s.rchar, 0);
	assert_int_equal(s.write_bytes, 0);
	/* everything else is still there */
	assert_string_equal(s.comm, "a) b (c) d");
	assert_int_equal(s.utime, 250);
	assert_int_equal(s.vm_rss, 10240 * KIB);
	assert_int_equal(s.invol_ctxsw, 45);
	assert_int_equal(s.fds, 2);
	assert_int_equal(s.nthreads, 1);
	assert_int_equal(s.threads[0].tid, 4242);
	target_sample_release(&s);
	target_collector_free(c);
	free(root);
}

static void test_collector_hostile_files(void **state)
{
	char *root = fixture("hostile");
	struct target_collector *c = open_ok(root, FIXTURE_PID);
	struct target_sample s = {0};

	(void)state;
	target_collector_read(c, &s);
	assert_true(s.alive);
	assert_int_equal(s.have, TARGET_HAVE_STAT);
	assert_string_equal(s.why,
			    "status: unparsable; io: unparsable; fd: Not a directory; "
			    "task/4243/stat: unparsable; cgroup: unknown");
	assert_true(strlen(s.why) < FRAME_WHY_MAX);
	assert_string_equal(s.comm, "a) b (c) d");
	assert_int_equal(s.utime, 250);
	assert_int_equal(s.vm_rss, 0);
	assert_int_equal(s.rchar, 0);
	assert_int_equal(s.fds, 0);
	assert_int_equal(s.nthreads, 0);
	assert_null(s.threads);
	target_sample_release(&s);
	target_collector_free(c);
	free(root);
}

static void test_open_hostile_stat(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile_stats) / sizeof(hostile_stats[0]); i++) {
		char *tree = xasprintf("hostile-stat/%s", hostile_stats[i]);
		char *root = fixture(tree);
		struct target_collector *c = (struct target_collector *)&c;
		char err[64] = "";
		int rc = target_collector_open(root, FIXTURE_PID, &c, err, sizeof(err));

		if (rc != -EBADMSG)
			fail_msg("open of '%s' returned %d", hostile_stats[i], rc);
		assert_null(c);
		assert_string_equal(err, "stat: unparsable");
		free(tree);
		free(root);
	}
}

static void test_open_no_such_process(void **state)
{
	char *root = fixture("normal");
	struct target_collector *c = (struct target_collector *)&c;
	char err[64] = "";

	(void)state;
	assert_int_equal(target_collector_open(root, 999999, &c, err, sizeof(err)),
			 -ENOENT);
	assert_null(c);
	assert_string_equal(err, "no such process");
	assert_int_equal(target_collector_open("/nonexistent/proc", FIXTURE_PID, &c, err,
					       sizeof(err)),
			 -ENOENT);
	assert_int_equal(target_collector_open(root, 0, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "invalid pid");
	assert_int_equal(target_collector_open(root, -1, &c, NULL, 0), -EINVAL);
	assert_null(c);
	free(root);
}

/* The attached pid turns up with another start time: nothing of it is reported. */
static void test_collector_pid_reused(void **state)
{
	struct swap_root r;
	struct target_collector *c;
	struct target_sample s = {0};

	(void)state;
	swap_root_init(&r);
	swap_root_point(&r, "normal");
	c = open_ok(r.dir, FIXTURE_PID);
	target_collector_read(c, &s);
	assert_normal_sample(&s);

	swap_root_point(&r, "reused");
	target_collector_read(c, &s);
	assert_false(s.alive);
	assert_string_equal(s.why, "pid reused by another process");
	assert_int_equal(s.pid, FIXTURE_PID);
	assert_int_equal(s.start_ticks, FIXTURE_START);
	assert_int_equal(s.have, 0);
	assert_string_equal(s.comm, "");
	assert_int_equal(s.utime, 0);
	assert_int_equal(s.vm_rss, 0);
	assert_int_equal(s.rchar, 0);
	assert_int_equal(s.nthreads, 0);
	assert_null(s.threads);
	assert_int_equal(s.exit_code, -1);

	/* the verdict is final, even if the old tree came back */
	swap_root_point(&r, "normal");
	target_collector_read(c, &s);
	assert_false(s.alive);
	assert_string_equal(s.why, "pid reused by another process");
	assert_int_equal(s.have, 0);

	target_collector_free(c);
	swap_root_point(&r, NULL);
	swap_root_release(&r);
}

static void test_collector_exited(void **state)
{
	struct swap_root r;
	struct target_collector *c;
	struct target_sample s = {0};

	(void)state;
	swap_root_init(&r);
	swap_root_point(&r, "normal");
	c = open_ok(r.dir, FIXTURE_PID);
	swap_root_point(&r, NULL);
	target_collector_read(c, &s);
	assert_false(s.alive);
	assert_string_equal(s.why, "process exited");
	assert_int_equal(s.have, 0);
	assert_null(s.threads);
	target_collector_read(c, &s);
	assert_false(s.alive);
	assert_string_equal(s.why, "process exited");
	target_collector_free(c);
	swap_root_release(&r);
}

/* A stat that turns to junk under an open collector: identity unknown, no values. */
static void test_collector_stat_turns_hostile(void **state)
{
	struct swap_root r;
	struct target_collector *c;
	struct target_sample s = {0};

	(void)state;
	swap_root_init(&r);
	swap_root_point(&r, "normal");
	c = open_ok(r.dir, FIXTURE_PID);
	for (size_t i = 0; i < sizeof(hostile_stats) / sizeof(hostile_stats[0]); i++) {
		char *tree = xasprintf("hostile-stat/%s", hostile_stats[i]);

		swap_root_point(&r, tree);
		target_collector_read(c, &s);
		assert_true(s.alive);
		assert_int_equal(s.have, 0);
		assert_string_equal(s.why, "stat: unparsable");
		assert_string_equal(s.comm, "");
		assert_null(s.threads);
		free(tree);
	}
	/* not a verdict: once stat makes sense again, so do the samples */
	swap_root_point(&r, "normal");
	target_collector_read(c, &s);
	assert_normal_sample(&s);
	target_sample_release(&s);
	target_collector_free(c);
	swap_root_point(&r, NULL);
	swap_root_release(&r);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A status larger than the read buffer is cut at a line, said so, and judged. */
static void test_collector_oversized_status(void **state)
{
	struct swap_root r;
	struct target_collector *c;
	struct target_sample s = {0};
	char *stat = fixture_text("normal", "4242/stat");
	size_t cap = 64 * 1024, len = 0;
	char *big = xmalloc(cap), path[256];

	(void)state;
	swap_root_init(&r);
	assert_int_equal(mkdir(r.pid_path, 0755), 0);
	snprintf(path, sizeof(path), "%s/stat", r.pid_path);
	write_file(path, stat, strlen(stat));
	len += (size_t)snprintf(big, cap, "VmRSS:\t 4 kB\n");
	while (len < 40000)
		len += (size_t)snprintf(big + len, cap - len, "Pad:\t%0100d\n", 0);
	len += (size_t)snprintf(big + len, cap - len,
				"voluntary_ctxt_switches:\t1\n"
				"nonvoluntary_ctxt_switches:\t2\n");
	snprintf(path, sizeof(path), "%s/status", r.pid_path);
	write_file(path, big, len);

	c = open_ok(r.dir, FIXTURE_PID);
	target_collector_read(c, &s);
	assert_true(s.alive);
	assert_int_equal(s.have, TARGET_HAVE_STAT);
	assert_non_null(strstr(s.why, "status: truncated at "));
	assert_non_null(
		strstr(s.why, "; status: unparsable; io: No such file or directory"));
	assert_true(strlen(s.why) < FRAME_WHY_MAX);
	target_sample_release(&s);
	target_collector_free(c);
	swap_root_release(&r);
	free(big);
	free(stat);
}

/* ---- the real /proc ---- */

#define LIVE_THREADS 3

struct live_threads {
	pthread_t id[LIVE_THREADS];
	pid_t tid[LIVE_THREADS];
	pthread_barrier_t ready;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int release;
};

static struct live_arg {
	struct live_threads *lt;
	int i;
} live_args[LIVE_THREADS];

static void *live_thread(void *p)
{
	struct live_arg *a = p;
	char name[16];

	snprintf(name, sizeof(name), "vigil-w%d", a->i);
	pthread_setname_np(pthread_self(), name);
	a->lt->tid[a->i] = gettid();
	pthread_barrier_wait(&a->lt->ready);
	pthread_mutex_lock(&a->lt->lock);
	while (!a->lt->release)
		pthread_cond_wait(&a->lt->cond, &a->lt->lock);
	pthread_mutex_unlock(&a->lt->lock);
	return NULL;
}

static void live_threads_start(struct live_threads *lt)
{
	memset(lt, 0, sizeof(*lt));
	pthread_mutex_init(&lt->lock, NULL);
	pthread_cond_init(&lt->cond, NULL);
	pthread_barrier_init(&lt->ready, NULL, LIVE_THREADS + 1);
	for (int i = 0; i < LIVE_THREADS; i++) {
		live_args[i] = (struct live_arg){lt, i};
		assert_int_equal(
			pthread_create(&lt->id[i], NULL, live_thread, &live_args[i]), 0);
	}
	pthread_barrier_wait(&lt->ready);
}

static void live_threads_stop(struct live_threads *lt)
{
	pthread_mutex_lock(&lt->lock);
	lt->release = 1;
	pthread_cond_broadcast(&lt->cond);
	pthread_mutex_unlock(&lt->lock);
	for (int i = 0; i < LIVE_THREADS; i++)
		pthread_join(lt->id[i], NULL);
	pthread_barrier_destroy(&lt->ready);
	pthread_cond_destroy(&lt->cond);
	pthread_mutex_destroy(&lt->lock);
}

static const struct thread_sample *find_thread(const struct target_sample *s, int tid)
{
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			return &s->threads[i];
	return NULL;
}

static void assert_live_threads(const struct target_sample *s,
				const struct live_threads *lt, size_t before)
{
	assert_int_equal(s->nthreads, before + LIVE_THREADS);
	assert_int_equal(s->num_threads, (int)s->nthreads);
	for (size_t i = 1; i < s->nthreads; i++)
		assert_true(s->threads[i - 1].tid < s->threads[i].tid);
	assert_non_null(find_thread(s, getpid()));
	for (int i = 0; i < LIVE_THREADS; i++) {
		const struct thread_sample *t = find_thread(s, lt->tid[i]);
		char name[16];

		assert_non_null(t);
		snprintf(name, sizeof(name), "vigil-w%d", i);
		assert_string_equal(t->comm, name);
	}
}

/* Whether every started thread is asleep on the condition in this sample. */
static bool live_threads_asleep(const struct target_sample *s,
				const struct live_threads *lt)
{
	for (int i = 0; i < LIVE_THREADS; i++) {
		const struct thread_sample *t = find_thread(s, lt->tid[i]);

		if (!t || t->state != 'S')
			return false;
	}
	return true;
}

static void test_live_self(void **state)
{
	struct target_collector *c = open_ok(NULL, getpid());
	/* static: a failed assertion must not leave the threads on a dead stack */
	static struct live_threads lt;
	struct target_sample s = {0}, s2 = {0};
	char comm[16];
	size_t before, size = 32 * MIB;
	volatile char *mem;
	char *map;

	(void)state;
	snprintf(comm, sizeof(comm), "%s", program_invocation_short_name);
	target_collector_read(c, &s);
	/* the cgroup's pressure needs cgroup v2 with PSI: not on every machine */
	if (s.have & TARGET_HAVE_CGPSI)
		assert_string_equal(s.why, "");
	else
		assert_non_null(strstr(s.why, "cgroup"));
	assert_int_equal(s.have & ~TARGET_HAVE_CGPSI, ALL_HAVE);
	assert_true(s.run_ns > 0);
	assert_true(s.cgroup[0] == '/');
	assert_true(s.alive);
	assert_string_equal(s.comm, comm);
	assert_int_equal(s.state, 'R'); /* it is us, reading */
	assert_int_equal(s.start_ticks, target_collector_start_ticks(c));
	assert_true(s.fds >= 3);
	assert_true(s.vm_rss > 0);
	assert_true(s.vm_hwm >= s.vm_rss);
	assert_true(s.vm_size >= s.vm_rss);
	assert_true(s.rchar > 0); /* we read /proc files */
	before = s.nthreads;
	assert_int_equal(s.num_threads, (int)before);

	live_threads_start(&lt);
	target_collector_read(c, &s);
	assert_live_threads(&s, &lt, before);
	/* they may still be on their way into pthread_cond_wait: give them 5 s */
	for (int i = 0; i < 500 && !live_threads_asleep(&s, &lt); i++) {
		usleep(10000);
		target_collector_read(c, &s);
	}
	assert_true(live_threads_asleep(&s, &lt));
	assert_live_threads(&s, &lt, before);

	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	assert_true(map != MAP_FAILED);
	mem = map; /* volatile: the stores must reach the pages */
	for (size_t off = 0; off < size; off += 4096)
		mem[off] = 1;
	target_collector_read(c, &s2);
	assert_true(s2.rss_anon >= s.rss_anon + 30 * MIB);
	assert_true(s2.vm_size >= s.vm_size + 32 * MIB);
	assert_true(s2.utime + s2.stime >= s.utime + s.stime);
	assert_true(s2.minflt >=
		    s.minflt + 30 * MIB / 4096 / 512); /* THP: 2 MiB faults */
	assert_int_equal(munmap(map, size), 0);

	live_threads_stop(&lt);
	target_sample_release(&s);
	target_sample_release(&s2);
	target_collector_free(c);
}

/* A child we start and kill: alive, then a zombie as it is, then gone for good. */
static void test_live_child_exits(void **state)
{
	struct target_collector *c;
	struct target_sample s = {0};
	char err[64];
	siginfo_t si;
	pid_t pid = fork();

	(void)state;
	assert_true(pid >= 0);
	if (pid == 0) {
		/* never outlive a test that failed before killing us */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	c = open_ok("/proc", pid);
	target_collector_read(c, &s);
	assert_true(s.alive);
	assert_int_equal(s.have & TARGET_HAVE_STAT, TARGET_HAVE_STAT);
	assert_int_equal(s.nthreads, 1);
	assert_int_equal(s.threads[0].tid, pid);

	assert_int_equal(kill(pid, SIGKILL), 0);
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	target_collector_read(c, &s);
	assert_true(s.alive); /* a zombie is the caller's to judge */
	assert_int_equal(s.state, 'Z');
	assert_int_equal(s.have & TARGET_HAVE_STATUS, TARGET_HAVE_STATUS);
	assert_int_equal(s.vm_rss, 0); /* no memory map any more */

	assert_int_equal(waitpid(pid, NULL, 0), pid);
	target_collector_read(c, &s);
	assert_false(s.alive);
	assert_string_equal(s.why, "process exited");
	assert_int_equal(s.have, 0);
	assert_null(s.threads);
	target_collector_free(c);

	c = (struct target_collector *)&c;
	assert_int_equal(target_collector_open(NULL, pid, &c, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no such process");
	assert_null(c);
}

/* Another user's process: io is ptrace-guarded, the rest is still read. */
static void test_live_other_user(void **state)
{
	struct target_collector *c;
	struct target_sample s = {0};

	(void)state;
	if (geteuid() == 0)
		skip(); /* root may read every io file */
	c = open_ok("/proc", 1);
	target_collector_read(c, &s);
	assert_true(s.alive);
	assert_int_equal(s.have & TARGET_HAVE_IO, 0);
	assert_non_null(strstr(s.why, "io: Permission denied"));
	assert_int_equal(s.have & TARGET_HAVE_STAT, TARGET_HAVE_STAT);
	/* the attach check said so too, for every tick */
	assert_int_equal(s.denied & TARGET_ACCESS_IO, TARGET_ACCESS_IO);
	target_sample_release(&s);
	target_collector_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat_fields),
		cmocka_unit_test(test_parse_stat_comm_edges),
		cmocka_unit_test(test_parse_stat_comm_truncated),
		cmocka_unit_test(test_parse_stat_hostile),
		cmocka_unit_test(test_parse_status_fields),
		cmocka_unit_test(test_parse_status_edges),
		cmocka_unit_test(test_parse_io),
		cmocka_unit_test(test_parse_thread_stat),
		cmocka_unit_test(test_collector_normal),
		cmocka_unit_test(test_collector_cgroup_pressure),
		cmocka_unit_test(test_collector_missing_io),
		cmocka_unit_test(test_collector_hostile_files),
		cmocka_unit_test(test_open_hostile_stat),
		cmocka_unit_test(test_open_no_such_process),
		cmocka_unit_test(test_collector_pid_reused),
		cmocka_unit_test(test_collector_exited),
		cmocka_unit_test(test_collector_stat_turns_hostile),
		cmocka_unit_test(test_collector_oversized_status),
		cmocka_unit_test(test_live_self),
		cmocka_unit_test(test_live_child_exits),
		cmocka_unit_test(test_live_other_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
