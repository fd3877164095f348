/* SPDX-License-Identifier: MIT */
/*
 * test_cgroups_screen: the cgroup screen (o) and the process table's CGROUP
 * column (O) at 80x24, over a replayed session written here with known
 * cgroups: a service with a memory limit and a CPU quota it hits, a docker
 * container, and a process in each (the service's is the target). The
 * tree, its figures (CPU % from two ticks, memory against max,
 * throttling), sorting, Enter listing the cgroup's processes, Enter on one
 * showing its cgroup's limits on the target screen, Esc listing them all
 * again, and the column naming each process's unit or container.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/store.h"

#define T0 1800000000000LL
#define MIB (1024ull * 1024ull)
#define SEC 1000000000ull
#define NGINX "/system.slice/nginx.service"
#define DOCKER                                                                           \
	"/system.slice/docker-"                                                          \
	"4b1c2d3e4f5a67890123456789abcdef0123456789abcdef0123456789abcdef.scope"

static char session[256];

static struct cgroup_row *add_cgroup(struct frame *f, const char *path)
{
	struct cgroup_row *r;

	f->cgroups.rows = xrealloc(f->cgroups.rows, (f->cgroups.n + 1) * sizeof(*r));
	r = &f->cgroups.rows[f->cgroups.n++];
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path);
	r->cpu_pct = -1;
	r->have = CGROUP_HAVE_CPU | CGROUP_HAVE_MEM | CGROUP_HAVE_MEM_LIMIT |
		  CGROUP_HAVE_THROTTLE | CGROUP_HAVE_QUOTA;
	r->mem_high = r->mem_max = r->cpu_quota_us = CGROUP_UNLIMITED;
	r->cpu_period_us = 100000;
	return r;
}

static void add_proc(struct frame *f, int pid, const char *comm, const char *cgroup)
{
	struct proc_row *r;

	f->procs.rows = xrealloc(f->procs.rows, (f->procs.n + 1) * sizeof(*r));
	r = &f->procs.rows[f->procs.n++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->ppid = 1;
	r->state = 'S';
	r->threads = 1;
	r->start_ticks = (uint64_t)pid;
	r->cpu_pct = -1;
	snprintf(r->comm, sizeof(r->comm), "%s", comm);
	snprintf(r->user, sizeof(r->user), "root");
	r->cmdline = xstrdup(comm);
	r->cgroup = xstrdup(cgroup);
}

/* Tick i (1 s apart): nginx uses half a core, throttled in 25 of its 10
 * periods a second... 2.5 of 10; the container a tenth of a core. */
static struct frame *tick(uint64_t i)
{
	struct frame *f = frame_new();
	struct cgroup_row *r;

	f->seq = i;
	f->t_ms = T0 + (int64_t)i * 1000;
	f->cgroups.layout = CGROUP_LAYOUT_V2;
	r = add_cgroup(f, "/");
	r->cpu_usage_ns = 1000 * SEC + i * SEC;
	r->mem_current = 2048 * MIB;
	r = add_cgroup(f, "/system.slice");
	r->cpu_usage_ns = 500 * SEC + i * 6 * SEC / 10;
	r->mem_current = 600 * MIB;
	r = add_cgroup(f, DOCKER);
	r->cpu_usage_ns = 10 * SEC + i * SEC / 10;
	r->mem_current = 300 * MIB;
	r = add_cgroup(f, NGINX);
	r->cpu_usage_ns = 100 * SEC + i * SEC / 2;
	r->mem_current = 100 * MIB;
	r->mem_max = 512 * MIB;
	r->cpu_quota_us = 50000;
	r->nr_periods = 10 * i;
	r->nr_throttled = 4 * i;
	add_proc(f, 1, "init", "/");
	add_proc(f, 100, "nginx", NGINX);
	add_proc(f, 200, "redis-server", DOCKER);
	f->target = xcalloc(1, sizeof(*f->target));
	f->target->pid = 100;
	f->target->start_ticks = 100;
	f->target->alive = true;
	f->target->exit_code = -1;
	f->target->have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS;
	f->target->state = 'S';
	f->target->num_threads = 1;
	snprintf(f->target->comm, sizeof(f->target->comm), "nginx");
	return f;
}

static void write_session(void)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = 1000, .ncpu = 2};
	struct store *s;
	char err[512];

	assert_int_equal(store_create(session, true, &s, err, sizeof(err)), 0);
	snprintf(m.version, sizeof(m.version), "test");
	m.started_ms = T0;
	m.mem_total = 4096 * MIB;
	m.target_exit_code = -1;
	m.target_pid = 100;
	assert_int_equal(store_session_begin(s, &m), 0);
	for (uint64_t i = 0; i < 3; i++) {
		struct frame *f = tick(i);

		assert_int_equal(store_write_frame(s, f), 0);
		frame_unref(f);
	}
	m.ended_ms = T0 + 2000;
	assert_int_equal(store_session_end(s, &m), 0);
	store_close(s);
}

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("cgroups") < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* The screen line holding needle, or NULL. */
static const char *line_with(const char *needle)
{
	const char *p = strstr(screen, needle);

	while (p && p > screen && p[-1] != '\n')
		p--;
	return p;
}

static void assert_line(const char *needle, const char *also)
{
	const char *l = line_with(needle);
	const char *eol = l ? strchr(l, '\n') : NULL;
	const char *hit = l ? strstr(l, also) : NULL;

	if (!l || !hit || (eol && hit > eol))
		fail_msg("no line with '%s' and '%s':\n%s", needle, also, screen);
}

static void test_cgroup_screen(void **state)
{
	(void)state;
	write_session();
	assert_int_equal(
		tmux("new-session -d -s t -x 80 -y 24 \"TZ=UTC '%s' replay '%s'\"",
		     vigil_bin(), session),
		0);
	assert_true(wait_for("#1/3"));
	tmux("send-keys -t t End");
	assert_true(wait_for("#3/3"));
	tmux("send-keys -t t o");
	assert_true(wait_for("Cgroups: 4, by CPU"));
	assert_true(wait_for("nginx.service"));
	/* the tree: the slice under the root, its children under it, the
	 * busier first; CPU from two ticks; memory against max */
	assert_line("  system.slice", " 60.0 ");
	assert_line("    nginx.service", " 50.0 ");
	assert_line("    nginx.service", " 100M ");
	assert_line("    nginx.service", " 512M ");
	assert_line("    nginx.service", " 40.0"); /* 4 of 10 periods throttled */
	assert_line("    docker:4b1c2d3e4f5a", " 10.0 ");
	assert_true(strstr(screen, "nginx.service") <
		    strstr(screen, "docker:4b1c2d3e4f5a"));
	/* sorted by memory, the container comes first */
	tmux("send-keys -t t M");
	assert_true(wait_for("by MEM"));
	assert_true(strstr(screen, "nginx.service") >
		    strstr(screen, "docker:4b1c2d3e4f5a"));
	tmux("send-keys -t t P");
	assert_true(wait_for("by CPU"));
	/* the selected cgroup in full */
	tmux("send-keys -t t Down Down");
	assert_true(wait_for("service  memory 100M of 512M"));
	assert_true(wait_for("CPU quota 0.50 cores, throttled 8 of 20 periods"));
	/* Enter: the overview with only its processes; Esc: all again */
	tmux("send-keys -t t Enter");
	assert_true(wait_for("processes in " NGINX));
	assert_true(wait_for("nginx"));
	assert_null(strstr(screen, "redis-server"));
	assert_null(strstr(screen, " init"));
	/* Enter on it: the target screen with its cgroup's limits */
	tmux("send-keys -t t Enter");
	assert_true(wait_for("Cgrp nginx.serv mem 100M/512M cpu 50/50% thr 40%"));
	tmux("send-keys -t t Escape");
	assert_true(wait_for("PID USER"));
	tmux("send-keys -t t Escape");
	assert_true(wait_for("redis-server"));
	/* O: each process's unit or container */
	tmux("send-keys -t t O");
	assert_true(wait_for("CGROUP"));
	/* (COMMAND keeps what is left of 80 columns) */
	assert_line("    200 root", "docker:4b1c2d3e");
	assert_line("    100 root", "nginx.service");
	assert_line("      1 root", " /  ");
	/* o, then Esc: back where it was */
	tmux("send-keys -t t o");
	assert_true(wait_for("Cgroups: 4"));
	tmux("send-keys -t t Escape");
	assert_true(wait_gone("Cgroups: 4"));
	tmux("send-keys -t t q");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cgroup_screen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
