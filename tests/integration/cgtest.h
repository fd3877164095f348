/* SPDX-License-Identifier: MIT */
/*
 * cgtest: what the live cgroup tests share (test_cgroups_live,
 * test_cgtarget_live), the one exception to "tests never touch system
 * paths". cgtest_make makes a uniquely named child, <prefix>-<pid>, under
 * the v1 cpu, cpuacct and memory hierarchies (and pids, when it can), or
 * under the v2 root when that delegates cpu and memory, and writes the
 * limits the test asks for; cgtest_start_inside runs a fixture in it;
 * cgtest_remove removes exactly the directories cgtest_make made. When
 * there is no cgroup to make (not root, a root that does not delegate, a
 * hierarchy that cannot be written) it says "skipped: ..." with the reason
 * and makes nothing. Header-only, after harness.h; waits are bounded polls.
 */
#ifndef VIGIL_TESTS_CGTEST_H
#define VIGIL_TESTS_CGTEST_H

#include <limits.h>
#include <stdbool.h>

#include "harness.h"

#define CG_ROOT "/sys/fs/cgroup"

struct cgtest {
	char name[64];	     /* <prefix>-<pid>, the child in every hierarchy */
	bool v2;	     /* the unified hierarchy: cpu, acct and mem are one */
	char cpu[PATH_MAX];  /* where cpu.stat and the quota are */
	char acct[PATH_MAX]; /* where the CPU usage is (v1 cpuacct) */
	char mem[PATH_MAX];
	char made[4][PATH_MAX]; /* what cgtest_remove removes (at most 4) */
	int nmade;		/* 0: nothing made, the test skips */
};

/* The limits cgtest_make writes; a 0 is not written. */
struct cgtest_limits {
	unsigned long long mem_max; /* bytes */
	int cpu_quota_us;	    /* with cpu_period_us */
	int cpu_period_us;
};

static inline bool cgtest_write(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* Makes <hierarchy>/<name> once per distinct mount (cpu may be a link to
 * cpu,cpuacct); its path in dir. false when it cannot. */
static inline bool cgtest_make_child(struct cgtest *cg, const char *hierarchy, char *dir)
{
	char real[PATH_MAX], path[PATH_MAX + 64];

	snprintf(path, sizeof(path), CG_ROOT "/%s", hierarchy);
	if (!realpath(path, real))
		return false;
	if ((size_t)snprintf(dir, PATH_MAX, "%.3000s/%s", real, cg->name) >= PATH_MAX)
		return false;
	for (int i = 0; i < cg->nmade; i++)
		if (!strcmp(cg->made[i], dir))
			return true;
	if (mkdir(dir, 0755) < 0)
		return false;
	snprintf(cg->made[cg->nmade++], PATH_MAX, "%s", dir);
	return true;
}

/* Removes what cgtest_make made, newest first. Kill the fixtures first. */
static inline void cgtest_remove(struct cgtest *cg)
{
	for (int i = cg->nmade - 1; i >= 0; i--) {
		/* a reaped task may take a moment to leave a v1 cgroup */
		for (int k = 0; k < 100 && rmdir(cg->made[i]) < 0 && errno == EBUSY; k++)
			sleep_ms(20);
	}
	cg->nmade = 0;
}

/* Does the v2 root hand cpu and memory down to its children? */
static inline bool cgtest_v2_delegates(void)
{
	FILE *f = fopen(CG_ROOT "/cgroup.subtree_control", "r");
	char line[256] = "";

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	return strstr(line, "cpu") && strstr(line, "memory");
}

static inline void cgtest_write_limits(const struct cgtest *cg,
				       const struct cgtest_limits *lim)
{
	char text[64];

	if (lim->cpu_quota_us && cg->v2) {
		snprintf(text, sizeof(text), "%d %d\n", lim->cpu_quota_us,
			 lim->cpu_period_us);
		assert_true(cgtest_write(cg->cpu, "cpu.max", text));
	} else if (lim->cpu_quota_us) {
		snprintf(text, sizeof(text), "%d\n", lim->cpu_period_us);
		assert_true(cgtest_write(cg->cpu, "cpu.cfs_period_us", text));
		snprintf(text, sizeof(text), "%d\n", lim->cpu_quota_us);
		assert_true(cgtest_write(cg->cpu, "cpu.cfs_quota_us", text));
	}
	if (lim->mem_max) {
		snprintf(text, sizeof(text), "%llu\n", lim->mem_max);
		assert_true(cgtest_write(
			cg->mem, cg->v2 ? "memory.max" : "memory.limit_in_bytes", text));
	}
}

/*
 * Makes the test cgroup <prefix>-<pid> with the limits lim. When it cannot
 * it says why ("skipped: ...") and makes nothing (nmade 0: the test skips);
 * the name is set either way.
 */
static inline void cgtest_make(struct cgtest *cg, const char *prefix,
			       const struct cgtest_limits *lim)
{
	snprintf(cg->name, sizeof(cg->name), "%s-%d", prefix, (int)getpid());
	cg->nmade = 0;
	if (geteuid() != 0) {
		print_message("skipped: making a cgroup needs root\n");
		return;
	}
	cg->v2 = access(CG_ROOT "/cgroup.controllers", F_OK) == 0;
	if (cg->v2) {
		/* never change what the root delegates: skip instead */
		if (!cgtest_v2_delegates()) {
			print_message("skipped: the v2 root does not delegate cpu and "
				      "memory\n");
			return;
		}
		if (!cgtest_make_child(cg, ".", cg->cpu)) {
			print_message("skipped: cannot make %s: %s\n", cg->name,
				      strerror(errno));
			return;
		}
		snprintf(cg->acct, sizeof(cg->acct), "%s", cg->cpu);
		snprintf(cg->mem, sizeof(cg->mem), "%s", cg->cpu);
	} else {
		char pids[PATH_MAX];

		if (!cgtest_make_child(cg, "cpu", cg->cpu) ||
		    !cgtest_make_child(cg, "cpuacct", cg->acct) ||
		    !cgtest_make_child(cg, "memory", cg->mem)) {
			print_message("skipped: cannot make %s under the v1 cpu, cpuacct "
				      "and memory hierarchies: %s\n",
				      cg->name, strerror(errno));
			cgtest_remove(cg);
			return;
		}
		cgtest_make_child(cg, "pids", pids); /* optional */
	}
	cgtest_write_limits(cg, lim);
}

/* Moves pid into every cgroup the test made. */
static inline bool cgtest_enter(const struct cgtest *cg, pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d\n", (int)pid);
	for (int i = 0; i < cg->nmade; i++)
		if (!cgtest_write(cg->made[i], "cgroup.procs", text))
			return false;
	return true;
}

/* Starts a fixture inside the test cgroup (the child enters it before it
 * execs, so every page it touches is charged there, v1 included, which
 * does not move charges with a task) and waits for its "ready". */
static inline pid_t cgtest_start_inside(const struct cgtest *cg, char *fixture, char *arg)
{
	char *argv[] = {fixture, arg, NULL};
	char line[16] = "";
	int pipefd[2];
	pid_t pid;

	if (pipe(pipefd) < 0)
		fail_msg("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(pipefd[1], 1);
		dup2(devnull, 2);
		close(pipefd[0]);
		close(pipefd[1]);
		if (!cgtest_enter(cg, getpid()))
			_exit(126);
		execv(fixture_path(fixture), argv);
		_exit(127);
	}
	if (fixture_count < 64)
		fixture_pids[fixture_count++] = pid;
	close(pipefd[1]);
	if (read(pipefd[0], line, sizeof(line) - 1) <= 0 || strncmp(line, "ready", 5))
		fail_msg("cannot start %s in %s", fixture, cg->name);
	close(pipefd[0]);
	return pid;
}

#endif
