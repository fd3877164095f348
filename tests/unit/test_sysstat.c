/* SPDX-License-Identifier: MIT */
/*
 * test_sysstat: the system collector against this machine's /proc, against
 * fixture trees under tests/fixtures/proc-sys/ with every field checked, and
 * against hostile text fed straight to the parsers. Trees that git cannot
 * hold (directories in place of files, files over a megabyte) are built in a
 * temporary directory and removed again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collectors/sysstat.h"
#include "core/xalloc.h"

#define assert_dbl(a, b) assert_true(fabs((a) - (b)) < 1e-9)
#define ALL_HAVE                                                                         \
	(SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG | SYS_HAVE_DISKSTATS |      \
	 SYS_HAVE_NETDEV)

static char *fixture(const char *tree)
{
	const char *src = getenv("VIGIL_SRCDIR");

	return xasprintf("%s/tests/fixtures/proc-sys/%s", src ? src : ".", tree);
}

/* Reads a fixture tree (or any root) into *s; release with free(s->cores). */
static void collect(const char *root, struct sys_sample *s)
{
	struct sys_collector *c = sys_collector_new(root);

	sys_collector_read(c, s);
	sys_collector_free(c);
}

static void collect_fixture(const char *tree, struct sys_sample *s)
{
	char *root = fixture(tree);

	collect(root, s);
	free(root);
}

static char *make_tmp_root(void)
{
	char *dir = xstrdup("/tmp/vigil-sysstat-XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static void put_file(const char *root, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", root, rel);
	FILE *f;

	if (strchr(rel, '/')) {
		char *dir =
			xasprintf("%s/%.*s", root, (int)(strrchr(rel, '/') - rel), rel);

		mkdir(dir, 0700);
		free(dir);
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static void put_dir(const char *root, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);

	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(char *root)
{
	assert_int_equal(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(root);
}

static void assert_cpu(const struct cpu_times *t, uint64_t user, uint64_t nice,
		       uint64_t system, uint64_t idle, uint64_t iowait, uint64_t irq,
		       uint64_t softirq, uint64_t steal)
{
	assert_int_equal(t->user, user);
	assert_int_equal(t->nice, nice);
	assert_int_equal(t->system, system);
	assert_int_equal(t->idle, idle);
	assert_int_equal(t->iowait, iowait);
	assert_int_equal(t->irq, irq);
	assert_int_equal(t->softirq, softirq);
	assert_int_equal(t->steal, steal);
}

static void assert_psi_line(const struct psi_line *l, double a10, double a60, double a300,
			    uint64_t total)
{
	assert_dbl(l->avg10, a10);
	assert_dbl(l->avg60, a60);
	assert_dbl(l->avg300, a300);
	assert_int_equal(l->total_us, total);
}

/* ---- this machine ---- */

static void test_real_proc(void **state)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	struct sys_sample s;

	(void)state;
	collect("/proc", &s);
	assert_int_equal(s.have & ALL_HAVE, ALL_HAVE);
	assert_true(online > 0);
	assert_int_equal(s.ncores, (size_t)online);
	for (size_t i = 1; i < s.ncores; i++)
		assert_true(s.cores[i - 1].cpu < s.cores[i].cpu);
	assert_true(cpu_times_total(&s.cpu) > 0);
	assert_true(s.ctxt > 0);
	assert_true(s.forks > 0);
	assert_true(s.procs_running >= 1);	/* this test is running */
	assert_true(s.boot_time_s > 946684800); /* after 2000-01-01 */
	assert_true(s.mem_total > 0);
	assert_true(s.mem_free <= s.mem_total);
	assert_true(s.mem_available <= s.mem_total);
	assert_true(s.swap_free <= s.swap_total);
	assert_true(s.load1 >= 0 && s.load5 >= 0 && s.load15 >= 0);
	if (access("/proc/pressure/cpu", R_OK) == 0) {
		assert_true(s.psi[PSI_CPU].present);
		assert_true(s.psi[PSI_MEMORY].has_full);
	} else {
		assert_false(s.psi[PSI_CPU].present);
	}
	assert_true(strlen(s.why) < FRAME_WHY_MAX);
	sys_sample_release(&s);
}

/* ---- fixture trees ---- */

static void assert_normal_stat_mem_load(const struct sys_sample *s)
{
	assert_cpu(&s->cpu, 600, 6, 180, 6000, 24, 3, 6, 9);
	assert_int_equal(s->ncores, 3);
	assert_int_equal(s->cores[0].cpu, 0);
	assert_cpu(&s->cores[0].t, 100, 1, 50, 1000, 7, 2, 3, 4);
	assert_int_equal(s->cores[1].cpu, 1);
	assert_cpu(&s->cores[1].t, 200, 2, 60, 2000, 8, 0, 1, 0);
	assert_int_equal(s->cores[2].cpu, 3); /* cpu2 is offline */
	assert_cpu(&s->cores[2].t, 300, 3, 70, 3000, 9, 1, 2, 5);
	assert_int_equal(s->ctxt, 12547729);
	assert_int_equal(s->boot_time_s, 1700000000);
	assert_int_equal(s->forks, 26442);
	assert_int_equal(s->procs_running, 3);
	assert_int_equal(s->procs_blocked, 1);

	assert_int_equal(s->mem_total, 16318000ull * 1024);
	assert_int_equal(s->mem_free, 1234567ull * 1024);
	assert_int_equal(s->mem_available, 9876543ull * 1024);
	assert_int_equal(s->buffers, 345678ull * 1024);
	assert_int_equal(s->cached, 7654321ull * 1024);
	assert_int_equal(s->swap_total, 2097148ull * 1024);
	assert_int_equal(s->swap_free, 2000000ull * 1024);

	assert_dbl(s->load1, 0.52);
	assert_dbl(s->load5, 1.07);
	assert_dbl(s->load15, 12.34);
}

static void test_fixture_normal(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("normal", &s);
	assert_int_equal(s.have, ALL_HAVE | SYS_HAVE_SCHEDSTAT);
	assert_string_equal(s.why, "");
	assert_normal_stat_mem_load(&s);

	assert_true(s.psi[PSI_CPU].present);
	assert_true(s.psi[PSI_CPU].has_full); /* 5.13+: present, all zero */
	assert_psi_line(&s.psi[PSI_CPU].some, 1.25, 0.50, 0.07, 123456789);
	assert_psi_line(&s.psi[PSI_CPU].full, 0, 0, 0, 0);
	assert_true(s.psi[PSI_MEMORY].present);
	assert_true(s.psi[PSI_MEMORY].has_full);
	assert_psi_line(&s.psi[PSI_MEMORY].some, 0.10, 0.20, 0.30, 4567);
	assert_psi_line(&s.psi[PSI_MEMORY].full, 0.05, 0.15, 0.25, 890);
	assert_true(s.psi[PSI_IO].present);
	assert_true(s.psi[PSI_IO].has_full);
	assert_psi_line(&s.psi[PSI_IO].some, 12.50, 3.00, 99.99, UINT64_MAX);
	assert_psi_line(&s.psi[PSI_IO].full, 100.00, 0.01, 0, 42);
	sys_sample_release(&s);
}

static void test_fixture_no_psi(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("no-psi", &s);
	assert_int_equal(s.have, ALL_HAVE);
	assert_string_equal(s.why, ""); /* no PSI is normal, not a failure */
	assert_normal_stat_mem_load(&s);
	for (int i = 0; i < PSI_N; i++) {
		assert_false(s.psi[i].present);
		assert_false(s.psi[i].has_full);
	}
	sys_sample_release(&s);
}

static void test_fixture_old_format(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("old-format", &s);
	assert_int_equal(s.have, ALL_HAVE);
	assert_string_equal(s.why, "");
	assert_cpu(&s.cpu, 300, 3, 120, 3000, 5, 1, 2, 0);
	assert_int_equal(s.ncores, 2);
	assert_int_equal(s.cores[0].cpu, 0);
	assert_cpu(&s.cores[0].t, 100, 1, 50, 1000, 0, 0, 0, 0);
	assert_int_equal(s.cores[1].cpu, 1);
	assert_cpu(&s.cores[1].t, 200, 2, 70, 2000, 5, 1, 2, 0);
	assert_int_equal(s.ctxt, 115315);
	assert_int_equal(s.boot_time_s, 769041601);
	assert_int_equal(s.forks, 86031);
	assert_int_equal(s.procs_running, 0); /* absent before 2.5.45 */
	assert_int_equal(s.procs_blocked, 0);

	assert_int_equal(s.mem_total, 515580ull * 1024);
	assert_int_equal(s.mem_free, 12345ull * 1024);
	/* no MemAvailable (pre-3.14): free + buffers + cached */
	assert_int_equal(s.mem_available, (12345ull + 23456 + 345678) * 1024);
	assert_int_equal(s.buffers, 23456ull * 1024);
	assert_int_equal(s.cached, 345678ull * 1024);
	assert_int_equal(s.swap_total, 1048568ull * 1024);
	assert_int_equal(s.swap_free, 1048568ull * 1024);
	assert_dbl(s.load1, 0.00);
	assert_dbl(s.load5, 0.01);
	assert_dbl(s.load15, 0.05);

	assert_true(s.psi[PSI_CPU].present);
	assert_false(s.psi[PSI_CPU].has_full); /* cpu before 5.13 */
	assert_psi_line(&s.psi[PSI_CPU].some, 0.30, 0.20, 0.10, 7777);
	assert_psi_line(&s.psi[PSI_CPU].full, 0, 0, 0, 0);
	assert_true(s.psi[PSI_MEMORY].present && s.psi[PSI_MEMORY].has_full);
	assert_true(s.psi[PSI_IO].present && s.psi[PSI_IO].has_full);
	sys_sample_release(&s);
}

static void test_fixture_hostile(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("hostile", &s);
	assert_int_equal(s.have, 0);
	assert_string_equal(s.why, "stat: unparsable; meminfo: unparsable; "
				   "loadavg: unparsable; pressure/cpu: unparsable; "
				   "pressure/memory: unparsable; diskstats: unparsable; "
				   "net/dev: unparsable; schedstat: unparsable");
	/* a failed file leaves its fields zero, not half-filled */
	assert_int_equal(s.ncores, 0);
	assert_null(s.cores);
	assert_int_equal(s.ctxt, 0);
	assert_int_equal(s.mem_total, 0);
	assert_dbl(s.load1, 0);
	assert_false(s.psi[PSI_CPU].present);
	assert_false(s.psi[PSI_MEMORY].present);
	assert_true(s.psi[PSI_IO].present); /* the good file still counts */
	assert_psi_line(&s.psi[PSI_IO].full, 100.00, 0.01, 0, 42);
}

static void test_missing_root(void **state)
{
	struct sys_sample s;

	(void)state;
	collect("/nonexistent/vigil-proc", &s);
	assert_int_equal(s.have, 0);
	assert_string_equal(s.why, "stat: No such file or directory; "
				   "meminfo: No such file or directory; "
				   "loadavg: No such file or directory");
	for (int i = 0; i < PSI_N; i++)
		assert_false(s.psi[i].present);
	assert_null(s.cores);
}

/* One file missing among files present is reported; only some files bad. */
static void test_partial_tree(void **state)
{
	char *root = make_tmp_root();
	char *normal = fixture("normal");
	char *stat_path = xasprintf("%s/stat", normal);
	char stat_text[4096];
	FILE *f = fopen(stat_path, "r");
	size_t n;
	struct sys_sample s;

	(void)state;
	assert_non_null(f);
	n = fread(stat_text, 1, sizeof(stat_text) - 1, f);
	stat_text[n] = '\0';
	fclose(f);
	put_file(root, "stat", stat_text);
	put_dir(root, "meminfo"); /* read() fails with EISDIR */
	put_file(root, "loadavg", "1.00 2.00 3.00 1/1 1\n");
	put_file(root, "pressure/cpu",
		 "some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n");
	put_dir(root, "pressure/io");

	collect(root, &s);
	assert_int_equal(s.have, SYS_HAVE_STAT | SYS_HAVE_LOADAVG);
	assert_string_equal(s.why, "meminfo: Is a directory; "
				   "pressure/memory: No such file or directory; "
				   "pressure/io: Is a directory");
	assert_int_equal(s.ncores, 3);
	assert_dbl(s.load15, 3.0);
	assert_true(s.psi[PSI_CPU].present);
	assert_int_equal(s.psi[PSI_CPU].some.total_us, 5);
	assert_false(s.psi[PSI_MEMORY].present);
	assert_false(s.psi[PSI_IO].present);
	sys_sample_release(&s);
	free(stat_path);
	free(normal);
	rm_tree(root);
}

/* Every file failing with a long reason: why stays bounded and terminated. */
static void test_why_bounded(void **state)
{
	char root[4100];
	struct sys_sample s;

	(void)state;
	memset(root, 0, sizeof(root));
	root[0] = '/';
	memset(root + 1, 'x', 4090);
	collect(root, &s);
	assert_int_equal(s.have, 0);
	assert_true(strlen(s.why) < FRAME_WHY_MAX);
	assert_non_null(strstr(s.why, "stat: File name too long; "
				      "meminfo: File name too long"));
	/* not ENOENT, so PSI failures are reported too, as far as room goes */
	assert_non_null(strstr(s.why, "pressure/cpu: "));
}

/* ---- /proc/stat size limits ---- */

static char *many_cpu_lines(size_t n, size_t *len)
{
	size_t cap = 64 + n * 48, off = 0;
	char *text = xmalloc(cap);

	off += (size_t)snprintf(text, cap, "cpu  %zu 0 %zu 0 0 0 0 0 0 0\n", n, 2 * n);
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, cap - off,
					"cpu%zu 1 0 2 %zu 0 0 0 0 0 0\n", i, i);
	off += (size_t)snprintf(text + off, cap - off, "ctxt 99\nbtime 7\n");
	*len = off;
	return text;
}

static void test_stat_many_cores(void **state)
{
	size_t len;
	char *text = many_cpu_lines(10000, &len);
	char *root = make_tmp_root();
	struct sys_sample s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(sys_parse_stat(text, &s), 0);
	assert_int_equal(s.ncores, 10000);
	assert_int_equal(s.cores[9999].cpu, 9999);
	assert_int_equal(s.cores[9999].t.idle, 9999);
	assert_int_equal(s.ctxt, 99);
	sys_sample_release(&s);

	/* ~330 KiB: the collector grows its buffer past 64 KiB, no truncation */
	assert_true(len > 256 * 1024 && len < SYS_STAT_BUF_MAX);
	put_file(root, "stat", text);
	collect(root, &s);
	assert_true(s.have & SYS_HAVE_STAT);
	assert_null(strstr(s.why, "stat"));
	assert_int_equal(s.ncores, 10000);
	assert_int_equal(s.boot_time_s, 7);
	sys_sample_release(&s);
	free(text);
	rm_tree(root);
}

/* Over SYS_STAT_BUF_MAX: the complete lines are parsed and the cut noted. */
static void test_stat_truncated(void **state)
{
	size_t len, kept = 0, lines = 0;
	char *text = many_cpu_lines(50000, &len);
	char *root = make_tmp_root();
	char want[160];
	struct sys_sample s;

	(void)state;
	assert_true(len > SYS_STAT_BUF_MAX);
	for (size_t i = 0; i < SYS_STAT_BUF_MAX - 1; i++) {
		if (text[i] == '\n') {
			kept = i + 1;
			lines++;
		}
	}
	put_file(root, "stat", text);
	collect(root, &s);
	assert_true(s.have & SYS_HAVE_STAT);
	/* the tree has only stat */
	snprintf(want, sizeof(want),
		 "stat: truncated at %zu bytes; "
		 "meminfo: No such file or directory; "
		 "loadavg: No such file or directory",
		 kept);
	assert_string_equal(s.why, want);
	assert_int_equal(s.ncores, lines - 1); /* less the aggregate line */
	assert_int_equal(s.cores[s.ncores - 1].cpu, (int)s.ncores - 1);
	assert_int_equal(s.cores[s.ncores - 1].t.idle, s.ncores - 1);
	assert_int_equal(s.cpu.user, 50000);
	assert_int_equal(s.ctxt, 0); /* cut off with the tail */
	sys_sample_release(&s);
	free(text);
	rm_tree(root);
}

/* A meminfo bigger than the small buffer: cut at a line, keys still read. */
static void test_meminfo_truncated(void **state)
{
	char *root = make_tmp_root();
	size_t cap = 64 * 1024, off;
	char *text = xmalloc(cap);
	struct sys_sample s;

	(void)state;
	off = (size_t)snprintf(text, cap,
			       "MemTotal: 100 kB\nMemFree: 50 kB\n"
			       "MemAvailable: 70 kB\nBuffers: 1 kB\n"
			       "Cached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n");
	for (int i = 0; off < cap - 64; i++)
		off += (size_t)snprintf(text + off, cap - off, "Junk%d: 123456 kB\n", i);
	put_file(root, "meminfo", text);
	collect(root, &s);
	assert_true(s.have & SYS_HAVE_MEMINFO);
	assert_non_null(strstr(s.why, "meminfo: truncated at "));
	assert_int_equal(s.mem_total, 100 * 1024);
	assert_int_equal(s.mem_available, 70 * 1024);
	free(text);
	rm_tree(root);
}

static void test_collector_reuse(void **state)
{
	char *root = fixture("normal");
	struct sys_collector *c = sys_collector_new(root);
	struct sys_sample a, b;

	(void)state;
	free(root); /* the collector keeps its own copy */
	sys_collector_read(c, &a);
	sys_collector_read(c, &b);
	assert_int_equal(a.have, ALL_HAVE | SYS_HAVE_SCHEDSTAT);
	assert_int_equal(b.have, ALL_HAVE | SYS_HAVE_SCHEDSTAT);
	assert_int_equal(b.ncores, a.ncores);
	assert_true(a.cores != b.cores);	/* each sample owns its array */
	for (size_t i = 0; i < a.ncores; i++) { /* field by field: padding differs */
		assert_int_equal(a.cores[i].cpu, b.cores[i].cpu);
		assert_memory_equal(&a.cores[i].t, &b.cores[i].t, sizeof(a.cores[i].t));
	}
	assert_int_equal(b.mem_total, a.mem_total);
	sys_sample_release(&a);
	sys_sample_release(&b);
	sys_collector_free(c);
	sys_collector_free(NULL);
}

/* ---- parsers on hostile text ---- */

static void test_parse_stat_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"\n\n\n",
		"garbage\x01\xff\n",
		"cpu  1 2 3\n", /* fewer than four columns */
		"cpu\n",
		"cpu  1 2 3 4\ncpu0\n",
		"cpu  1 2 3 4\ncpu0 1 2 3\n",
		"cpu0 1 2 3 4\n",			      /* no aggregate line */
		"cpu  1 2 3 4\ncpu  1 2 3 4\n",		      /* two aggregates */
		"cpu  1 2 3 4\ncpu1 1 2 3 4\ncpu0 1 2 3 4\n", /* descending */
		"cpu  1 2 3 4\ncpu1 1 2 3 4\ncpu1 1 2 3 4\n", /* duplicate */
		"cpu  1 2 x 4\n",
		"cpu  -1 2 3 4\n",
		"cpu  1.5 2 3 4\n",
		"cpu  1 2 3 4x\n",
		"cpu  1 2 3 4\r\n",
		"cpux 1 2 3 4\n",
		"cpu  1 2 3 18446744073709551616\n", /* UINT64_MAX + 1 */
		"cpu  1 2 3 4 5 6 7 8 9 99999999999999999999999\n",
		"cpu  1 2 3 4\ncpu2147483648 1 2 3 4\n", /* > INT_MAX */
		"cpu  1 2 3 4\ncpu0x 1 2 3 4\n",
		"cpu  1 2 3 4\nctxt abc\n",
		"cpu  1 2 3 4\nctxt\n",
		"cpu  1 2 3 4\nctxt 5 6\n",
		"cpu  1 2 3 4\nctxt 18446744073709551616\n",
		"cpu  1 2 3 4\nprocs_running 4294967296\n",
		"cpu  1 2 3 4\nbtime 9223372036854775808\n",
		"cpu  1 2 3 4\nbtime -5\n",
		"cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2", /* cut mid-line */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sys_sample s = {.ncores = 77, .ctxt = 5};

		if (sys_parse_stat(bad[i], &s) != -1)
			fail_msg("stat case %zu accepted: '%s'", i, bad[i]);
		/* untouched on failure */
		assert_int_equal(s.ncores, 77);
		assert_null(s.cores);
		assert_int_equal(s.ctxt, 5);
		assert_int_equal(s.cpu.user, 0);
	}
}

static void test_parse_stat_accepts(void **state)
{
	struct sys_sample s;

	(void)state;
	/* no newline at the end, 4 columns, nothing else */
	memset(&s, 0, sizeof(s));
	assert_int_equal(sys_parse_stat("cpu  1 2 3 4", &s), 0);
	assert_cpu(&s.cpu, 1, 2, 3, 4, 0, 0, 0, 0);
	assert_int_equal(s.ncores, 0);
	assert_null(s.cores);
	assert_int_equal(s.procs_running, 0);

	/* largest values, guest and future columns ignored, wide gaps */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
		sys_parse_stat("cpu\t18446744073709551615 2 3 4 5 6 7 8 9 10 11 12\n"
			       "cpu0 1 2 3 4 5\n"
			       "cpu5 1 2 3 4 5 6\n"
			       "cpu4095 1 2 3 4 5 6 7 8 9 10\n"
			       "intr 1 2 3\nctxtx 5\nfoo bar\n\n"
			       "ctxt 18446744073709551615\n"
			       "btime 9223372036854775807\n"
			       "procs_running 4294967295\n",
			       &s),
		0);
	assert_cpu(&s.cpu, UINT64_MAX, 2, 3, 4, 5, 6, 7, 8);
	assert_int_equal(s.ncores, 3);
	assert_int_equal(s.cores[0].cpu, 0);
	assert_cpu(&s.cores[0].t, 1, 2, 3, 4, 5, 0, 0, 0);
	assert_int_equal(s.cores[1].cpu, 5);
	assert_cpu(&s.cores[1].t, 1, 2, 3, 4, 5, 6, 0, 0);
	assert_int_equal(s.cores[2].cpu, 4095);
	assert_cpu(&s.cores[2].t, 1, 2, 3, 4, 5, 6, 7, 8);
	assert_int_equal(s.ctxt, UINT64_MAX);
	assert_int_equal(s.boot_time_s, INT64_MAX);
	assert_int_equal(s.procs_running, UINT32_MAX);
	assert_int_equal(s.forks, 0);
	sys_sample_release(&s);
}

#define MEMINFO_REST "Buffers: 3 kB\nCached: 4 kB\nSwapTotal: 5 kB\nSwapFree: 6 kB\n"

static void test_parse_meminfo(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"garbage",
		"MemTotal: 1 kB\n",
		"MemTotal: abc kB\nMemFree: 2 kB\n" MEMINFO_REST,
		"MemTotal: -1 kB\nMemFree: 2 kB\n" MEMINFO_REST,
		"MemTotal: 18014398509481984 kB\nMemFree: 2 kB\n" MEMINFO_REST,
		"MemTotal: 99999999999999999999 kB\nMemFree: 2 kB\n" MEMINFO_REST,
		"MemTotal: 1 kB\nMemFree: 2 kB\nMemAvailable: x kB\n" MEMINFO_REST,
		"MemTotal: 1 kB\nMemFree: 2 kB\nBuffers: 3 kB\nCached: 4 kB\n"
		"SwapTotal: 5 kB\n", /* cut before SwapFree */
	};
	struct sys_sample s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0, sizeof(s));
		s.mem_total = 77;
		if (sys_parse_meminfo(bad[i], &s) != -1)
			fail_msg("meminfo case %zu accepted: '%s'", i, bad[i]);
		assert_int_equal(s.mem_total, 77);
		assert_int_equal(s.swap_free, 0);
	}

	/* any order; SwapCached is not Cached; no "kB" means bytes */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
		sys_parse_meminfo("SwapCached: 999 kB\nSwapFree: 6 kB\nSwapTotal: 5 kB\n"
				  "Cached: 4 kB\nBuffers: 3 kB\nMemAvailable: 7\n"
				  "MemFree: 2 kB\nMemTotal: 18014398509481983 kB",
				  &s),
		0);
	assert_int_equal(s.mem_total, UINT64_MAX - 1023);
	assert_int_equal(s.mem_free, 2 * 1024);
	assert_int_equal(s.mem_available, 7);
	assert_int_equal(s.buffers, 3 * 1024);
	assert_int_equal(s.cached, 4 * 1024);
	assert_int_equal(s.swap_total, 5 * 1024);
	assert_int_equal(s.swap_free, 6 * 1024);

	/* the pre-3.14 estimate saturates instead of wrapping */
	memset(&s, 0, sizeof(s));
	assert_int_equal(sys_parse_meminfo("MemTotal: 18014398509481983 kB\n"
					   "MemFree: 18014398509481983 kB\n"
					   "Buffers: 18014398509481983 kB\nCached: 1 kB\n"
					   "SwapTotal: 0 kB\nSwapFree: 0 kB\n",
					   &s),
			 0);
	assert_int_equal(s.mem_available, UINT64_MAX);
}

static void test_parse_loadavg(void **state)
{
	static const char *const bad[] = {
		"",	     "\n",
		"0.52 0.58", "0.52 0.58\n0.59",
		"abc 1 2",   "1e5 1 1",
		"-1 2 3",    "0.5.5 1 1",
		".5 1 1",    "5. 1 1",
		"1,5 2 3",   "nan 1 1",
		"inf 1 1",   "1234567890123456 1 1",
		"1 2 3x",    "1\r 2 3",
	};
	struct sys_sample s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0, sizeof(s));
		s.load1 = 77;
		if (sys_parse_loadavg(bad[i], &s) != -1)
			fail_msg("loadavg case %zu accepted: '%s'", i, bad[i]);
		assert_dbl(s.load1, 77);
		assert_dbl(s.load5, 0);
	}
	memset(&s, 0, sizeof(s));
	assert_int_equal(sys_parse_loadavg("0.52 0.58 0.59", &s), 0);
	assert_dbl(s.load1, 0.52);
	assert_dbl(s.load5, 0.58);
	assert_dbl(s.load15, 0.59);
	assert_int_equal(
		sys_parse_loadavg("  123456789012345 0.123456789999 7 whatever\n", &s),
		0);
	assert_dbl(s.load1, 123456789012345.0);
	assert_dbl(s.load5, 0.123456789);
	assert_dbl(s.load15, 7);
}

#define PSI_OK "avg10=0.00 avg60=0.00 avg300=0.00 total=1"

static void test_parse_psi(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"some\n",
		"some " PSI_OK "\n\n",
		"full " PSI_OK "\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=-1\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551616\n",
		"some avg60=0.00 avg10=0.00 avg300=0.00 total=1\n",
		"some avg10=1e3 avg60=0.00 avg300=0.00 total=1\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=1 extra=2\n",
		"some " PSI_OK "\nfull avg10=x avg60=0.00 avg300=0.00 total=1\n",
		"some " PSI_OK "\nsome " PSI_OK "\n",
		"some " PSI_OK "\nfull " PSI_OK "\nfull " PSI_OK "\n",
		"some " PSI_OK "\nfull " PSI_OK "\nextra\n",
		"some avg10=0.00 avg6",
		"some=" PSI_OK "\n",
	};
	struct psi p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.some.total_us = 77;
		if (sys_parse_psi(bad[i], &p) != -1)
			fail_msg("psi case %zu accepted: '%s'", i, bad[i]);
		assert_false(p.present);
		assert_int_equal(p.some.total_us, 77);
	}
	memset(&p, 0, sizeof(p));
	assert_int_equal(sys_parse_psi("some " PSI_OK, &p), 0);
	assert_true(p.present);
	assert_false(p.has_full);
	assert_int_equal(p.some.total_us, 1);

	assert_int_equal(
		sys_parse_psi("some avg10=99.99 avg60=100.00 avg300=0.01 "
			      "total=18446744073709551615\n"
			      "full avg10=1.50 avg60=2.25 avg300=3.125 total=0\n",
			      &p),
		0);
	assert_true(p.present && p.has_full);
	assert_psi_line(&p.some, 99.99, 100.0, 0.01, UINT64_MAX);
	assert_psi_line(&p.full, 1.50, 2.25, 3.125, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_proc),
		cmocka_unit_test(test_fixture_normal),
		cmocka_unit_test(test_fixture_no_psi),
		cmocka_unit_test(test_fixture_old_format),
		cmocka_unit_test(test_fixture_hostile),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_partial_tree),
		cmocka_unit_test(test_why_bounded),
		cmocka_unit_test(test_stat_many_cores),
		cmocka_unit_test(test_stat_truncated),
		cmocka_unit_test(test_meminfo_truncated),
		cmocka_unit_test(test_collector_reuse),
		cmocka_unit_test(test_parse_stat_rejects),
		cmocka_unit_test(test_parse_stat_accepts),
		cmocka_unit_test(test_parse_meminfo),
		cmocka_unit_test(test_parse_loadavg),
		cmocka_unit_test(test_parse_psi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
