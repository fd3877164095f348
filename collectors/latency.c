/* SPDX-License-Identifier: MIT */
/*
 * latency: schedstat, wchan and syscall per thread; delay accounting and
 * cgroup pressure per process. See latency.h for the invariants.
 */
#include "collectors/latency.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collectors/sysstat.h"
#include "core/procfs.h"

#define REL_MAX 512

int latency_parse_schedstat(const char *text, uint64_t *run_ns, uint64_t *delay_ns,
			    uint64_t *slices)
{
	const char *p = text;
	uint64_t v[3];

	for (int i = 0; i < 3; i++)
		if (procfs_next_u64(&p, &v[i]) < 0)
			return -1;
	while (*p == ' ' || *p == '\n')
		p++;
	if (*p)
		return -1;
	*run_ns = v[0];
	*delay_ns = v[1];
	*slices = v[2];
	return 0;
}

int latency_parse_syscall(const char *text, int *nr)
{
	const char *p = text;
	int64_t v;

	if (!strncmp(text, "running", 7)) {
		*nr = -1;
		return 0;
	}
	if (procfs_next_i64(&p, &v) < 0 || v < -1 || v > 100000 ||
	    isalpha((unsigned char)*p))
		return -1;
	*nr = (int)v;
	return 0;
}

int latency_parse_cgroup(const char *text, char *path, size_t cap)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len >= 3 && !strncmp(line, "0::", 3) && line[3] == '/') {
			len -= 3;
			if (len >= cap)
				len = cap - 1;
			memcpy(path, line + 3, len);
			path[len] = '\0';
			return 0;
		}
		line = end ? end + 1 : NULL;
	}
	return -1;
}

void latency_read_sched(struct task_files *tf, size_t i, struct thread_sample *t,
			char *buf, size_t cap)
{
	t->have_sched = task_files_read(tf, i, TASK_SCHEDSTAT, buf, cap) >= 0 &&
			latency_parse_schedstat(buf, &t->run_ns, &t->run_delay_ns,
						&t->slices) == 0;
	if (!t->have_sched)
		t->run_ns = t->run_delay_ns = t->slices = 0;
}

void latency_read_where(struct task_files *tf, struct thread_sample *t, char *buf,
			size_t cap)
{
	size_t n;

	t->wchan[0] = '\0';
	t->syscall = -2;
	if (t->state != 'R' && task_files_read_once(tf, t->tid, "wchan", buf, cap) >= 0 &&
	    strcmp(buf, "0") != 0) {
		/* a kernel symbol: keep it printable and short */
		for (n = 0; buf[n] && !isspace((unsigned char)buf[n]) &&
			    n + 1 < sizeof(t->wchan);
		     n++)
			t->wchan[n] = isgraph((unsigned char)buf[n]) ? buf[n] : '?';
		t->wchan[n] = '\0';
	}
	if (task_files_read_once(tf, t->tid, "syscall", buf, cap) >= 0)
		latency_parse_syscall(buf, &t->syscall);
}

/* Where the v2 hierarchy is mounted, relative to cgroup_root; NULL: none. */
static const char *v2_base(const char *cgroup_root)
{
	char path[REL_MAX];

	snprintf(path, sizeof(path), "%s/cgroup.controllers", cgroup_root);
	if (access(path, F_OK) == 0)
		return ".";
	snprintf(path, sizeof(path), "%s/unified/cgroup.controllers", cgroup_root);
	if (access(path, F_OK) == 0)
		return "unified";
	return NULL;
}

static void read_cgroup_psi(const char *cgroup_root, struct target_sample *out, char *buf,
			    size_t cap)
{
	static const char *const res[PSI_N] = {"cpu", "memory", "io"};
	const char *base = v2_base(cgroup_root);
	char rel[REL_MAX];
	int found = 0;

	if (!base) {
		why_append(out->why, sizeof(out->why), "cgroup pressure: no cgroup v2");
		return;
	}
	for (int i = 0; i < PSI_N; i++) {
		struct psi psi = {0};

		snprintf(rel, sizeof(rel), "%s%s/%s.pressure", base,
			 strcmp(out->cgroup, "/") ? out->cgroup : "", res[i]);
		if (procfs_read(cgroup_root, rel, buf, cap) < 0 ||
		    sys_parse_psi(buf, &psi) < 0)
			continue;
		out->cg_psi[i] = psi;
		found++;
	}
	if (found)
		out->have |= TARGET_HAVE_CGPSI;
	else
		why_append(out->why, sizeof(out->why), "cgroup pressure: not available");
}

void latency_read_process(const char *root, const char *cgroup_root, int pid,
			  struct target_sample *out, char *buf, size_t cap)
{
	char rel[REL_MAX];
	uint64_t on;
	const char *p = buf;

	out->delayacct = -1;
	if (procfs_read(root, "sys/kernel/task_delayacct", buf, cap) >= 0 &&
	    procfs_next_u64(&p, &on) == 0)
		out->delayacct = on ? 1 : 0;
	out->cgroup[0] = '\0';
	snprintf(rel, sizeof(rel), "%d/cgroup", pid);
	if (procfs_read(root, rel, buf, cap) < 0 ||
	    latency_parse_cgroup(buf, out->cgroup, sizeof(out->cgroup)) < 0) {
		why_append(out->why, sizeof(out->why), "cgroup: unknown");
		return;
	}
	if (cgroup_root)
		read_cgroup_psi(cgroup_root, out, buf, cap);
}
