/* SPDX-License-Identifier: MIT */
/*
 * test_cgtarget: the cgroup target over fixture trees made here, a v2
 * cgroup root and a proc root side by side in a temp directory: the path
 * a user's CGROUP names, refusals (.., a link), and the sums across
 * readings as processes stay, come (forked, moved in), go, or their pid is
 * reused; a removed cgroup latches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/cgtarget.h"
#include "core/xalloc.h"

static char root[64], cg[96], proc[96];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A process of the fixture /proc: stat, status, io. */
static void process(int pid, uint64_t start, uint64_t utime, uint64_t rss_kb)
{
	char dir[160], path[200], text[512];

	snprintf(dir, sizeof(dir), "%s/%d", proc, pid);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/stat", dir);
	snprintf(text, sizeof(text),
		 "%d (p%d) S 1 %d %d 0 -1 0 7 0 1 0 %llu 2 0 0 20 0 1 0 %llu\n", pid, pid,
		 pid, pid, (unsigned long long)utime, (unsigned long long)start);
	put(path, text);
	snprintf(path, sizeof(path), "%s/status", dir);
	snprintf(text, sizeof(text),
		 "VmRSS:\t%llu kB\nRssAnon:\t%llu kB\nvoluntary_ctxt_switches:\t3\n"
		 "nonvoluntary_ctxt_switches:\t4\n",
		 (unsigned long long)rss_kb, (unsigned long long)rss_kb / 2);
	put(path, text);
	snprintf(path, sizeof(path), "%s/io", dir);
	put(path, "rchar: 1\nwchar: 2\nread_bytes: 3\nwrite_bytes: 4\n");
}

static void gone(int pid)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%d'", proc, pid);
	assert_int_equal(system(cmd), 0);
}

/* The members of <cg>/<rel>. */
static void procs(const char *rel, const char *pids)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/%s/cgroup.procs", cg, rel);
	put(path, pids);
}

static int setup(void **state)
{
	char path[200];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/vigil-cgtarget-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(cg, sizeof(cg), "%s/cg", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	mkdir(cg, 0755);
	mkdir(proc, 0755);
	snprintf(path, sizeof(path), "%s/cgroup.controllers", cg);
	put(path, "cpu memory pids\n");
	snprintf(path, sizeof(path), "%s/app", cg);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/app/child", cg);
	mkdir(path, 0755);
	procs("app", "");
	procs("app/child", "");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_normalize(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(cgtarget_normalize("system.slice/x", "/sys/fs/cgroup", 0, out,
					    sizeof(out)),
			 0);
	assert_string_equal(out, "/system.slice/x");
	assert_int_equal(
		cgtarget_normalize("/system.slice//x/./", "/r", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "/system.slice/x");
	assert_int_equal(cgtarget_normalize("/sys/fs/cgroup/system.slice/x",
					    "/sys/fs/cgroup", 0, out, sizeof(out)),
			 0);
	assert_string_equal(out, "/system.slice/x");
	/* v1: the hierarchy is not part of the path */
	assert_int_equal(cgtarget_normalize("/sys/fs/cgroup/memory/docker/abc",
					    "/sys/fs/cgroup/", 1, out, sizeof(out)),
			 0);
	assert_string_equal(out, "/docker/abc");
	assert_int_equal(cgtarget_normalize("/sys/fs/cgroup", "/sys/fs/cgroup", 0, out,
					    sizeof(out)),
			 0);
	assert_string_equal(out, "/");
	/* a cgroup named like a hierarchy on v2 is a cgroup */
	assert_int_equal(
		cgtarget_normalize("memory", "/sys/fs/cgroup", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "/memory");
	assert_int_equal(cgtarget_normalize("a/../b", "/r", 0, out, sizeof(out)), -1);
	assert_int_equal(cgtarget_normalize("..", "/r", 0, out, sizeof(out)), -1);
	assert_int_equal(cgtarget_normalize("a\nb", "/r", 0, out, sizeof(out)), -1);
	assert_int_equal(cgtarget_normalize("abcdef", "/r", 0, out, 6), -1);
	assert_int_equal(cgtarget_normalize("abcd", "/r", 0, out, 6), 0);
}

static void test_open_refuses(void **state)
{
	struct cgtarget *c = (struct cgtarget *)1;
	char err[64], link[200];

	(void)state;
	assert_int_equal(cgtarget_open(proc, cg, "nosuch", &c, err, sizeof(err)), -1);
	assert_null(c);
	assert_string_equal(err, "no such cgroup");
	assert_int_equal(cgtarget_open(proc, cg, "app/../app", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "bad cgroup path");
	/* a link in the tree is not followed (cgroupfs has none) */
	snprintf(link, sizeof(link), "%s/elsewhere", cg);
	assert_int_equal(symlink(root, link), 0);
	assert_int_equal(
		cgtarget_open(proc, cg, "elsewhere/cg/app", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "no such cgroup");
	assert_int_equal(cgtarget_open(proc, cg, "elsewhere", &c, err, sizeof(err)), -1);
	unlink(link);
}

static void test_sums_across_readings(void **state)
{
	struct target_sample t = {0};
	struct cgtarget *c;
	char err[64], full[160];

	(void)state;
	process(10, 500, 100, 1000);
	process(11, 600, 50, 2000);
	procs("app", "10\n");
	procs("app/child", "11\n11\n"); /* v1 may repeat a pid */
	/* as the file system names it, too */
	snprintf(full, sizeof(full), "%s/app/", cg);
	assert_int_equal(cgtarget_open(proc, cg, full, &c, err, sizeof(err)), 0);
	assert_string_equal(cgtarget_path(c), "/app");
	cgtarget_free(c);
	assert_int_equal(cgtarget_open(proc, cg, "/app", &c, err, sizeof(err)), 0);
	assert_string_equal(cgtarget_path(c), "/app");

	/* attach: counters start at 0, gauges are the sums */
	cgtarget_read(c, 1000, &t);
	assert_true(t.alive && t.is_cgroup);
	assert_int_equal(t.pid, 0);
	assert_string_equal(t.cgroup, "/app");
	assert_string_equal(t.comm, "app");
	assert_int_equal(t.nprocs, 2);
	assert_int_equal(t.utime, 0);
	assert_int_equal(t.vm_rss, 3000 * 1024);
	assert_int_equal(t.rss_anon, 1500 * 1024);
	assert_int_equal(t.lead_pid, 10); /* the most CPU so far */
	assert_true(t.have & TARGET_HAVE_IO);

	/* 10 +50, 11 +30; 12 forked since (all of it counts), 13 moved in
	 * (from now on) */
	process(10, 500, 150, 1000);
	process(11, 600, 80, 2000);
	process(12, 1500, 5, 10);
	process(13, 100, 999, 10);
	procs("app", "10\n12\n13\n");
	cgtarget_read(c, 2000, &t);
	assert_int_equal(t.nprocs, 4);
	assert_int_equal(t.utime, 50 + 30 + 5);
	assert_int_equal(t.procs_joined, 2);
	assert_int_equal(t.procs_left, 0);
	assert_int_equal(t.lead_pid, 10);

	/* 11 leaves (its 30 stays counted), 12's pid now another process */
	gone(11);
	procs("app/child", "");
	process(10, 500, 160, 1000);
	process(12, 2500, 1, 10);
	cgtarget_read(c, 3000, &t);
	assert_int_equal(t.nprocs, 3);
	assert_int_equal(t.utime, 60 + 30 + 5 + 0 + 1);
	assert_int_equal(t.procs_left, 2);
	assert_int_equal(t.procs_joined, 3);
	assert_int_equal(t.vm_rss, (1000 + 10 + 10) * 1024);

	/* a process listed but gone before its files are read: left out */
	procs("app", "10\n12\n13\n77\n");
	cgtarget_read(c, 4000, &t);
	assert_int_equal(t.nprocs, 3);
	assert_true(t.alive);

	/* the cgroup removed: latched */
	{
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s/app'", cg);
		assert_int_equal(system(cmd), 0);
	}
	cgtarget_read(c, 5000, &t);
	assert_false(t.alive);
	assert_string_equal(t.why, "cgroup removed");
	cgtarget_read(c, 6000, &t);
	assert_false(t.alive);
	target_sample_release(&t);
	cgtarget_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test_setup_teardown(test_open_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sums_across_readings, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
