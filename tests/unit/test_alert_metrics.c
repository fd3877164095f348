/* SPDX-License-Identifier: MIT */
/*
 * test_alert_metrics: the frame lookup on hand-built frames (every metric, its
 * arithmetic, and each way it becomes unavailable) and the name validator
 * (fixed names, psi patterns, the chained names, the rejected ones).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/alert_metrics.h"
#include "core/frame.h"

#define GIB (1024.0 * 1024 * 1024)

static struct frame prev, cur;
static struct target_sample tprev, tcur;
static struct alert_metrics m;

static int setup(void **state)
{
	(void)state;
	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	prev.t_ms = 1000000;
	cur.t_ms = 1001000; /* one second later */
	prev.sys.have = cur.sys.have =
		SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG;
	prev.sys.cpu = (struct cpu_times){
		.user = 1000, .system = 500, .idle = 8000, .iowait = 100, .steal = 10};
	/* +1000 ticks: user +100, system +100, idle +600, iowait +150, steal +50 */
	cur.sys.cpu = (struct cpu_times){
		.user = 1100, .system = 600, .idle = 8600, .iowait = 250, .steal = 60};
	cur.sys.mem_total = (uint64_t)(8 * GIB);
	cur.sys.mem_available = (uint64_t)(2 * GIB);
	cur.sys.swap_total = (uint64_t)(4 * GIB);
	cur.sys.swap_free = (uint64_t)(3 * GIB);
	cur.sys.load1 = 1.5;
	cur.sys.load5 = 2.5;
	cur.sys.load15 = 3.5;
	cur.sys.psi[PSI_MEMORY] = (struct psi){
		.present = true,
		.has_full = true,
		.some = {.avg10 = 12.5, .avg60 = 6.25, .avg300 = 1},
		.full = {.avg10 = 3, .avg60 = 2, .avg300 = 0.5},
	};
	cur.sys.psi[PSI_CPU] =
		(struct psi){.present = true, .has_full = false, .some = {.avg10 = 40}};

	tprev = (struct target_sample){
		.pid = 42,
		.start_ticks = 777,
		.alive = true,
		.have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_FDS,
		.utime = 600,
		.stime = 400,
	};
	tcur = tprev;
	tcur.utime = 700; /* +150 ticks over 1 s at 100 Hz: 1.5 cores */
	tcur.stime = 450;
	tcur.vm_rss = (uint64_t)(3 * GIB);
	tcur.rss_anon = (uint64_t)(2 * GIB);
	tcur.vm_swap = 4096;
	tcur.fds = 17;
	tcur.num_threads = 9;
	prev.target = &tprev;
	cur.target = &tcur;
	m = (struct alert_metrics){.cur = &cur, .prev = &prev, .clk_tck = 100};
	return 0;
}

static double num(const char *name)
{
	struct alert_value v;
	enum alert_lookup_rc rc = alert_metrics_lookup(&m, name, &v);

	if (rc != ALERT_VALUE)
		fail_msg("%s: rc %d, want a value", name, rc);
	assert_false(v.is_word);
	return v.number;
}

static enum alert_lookup_rc rc_of(const char *name)
{
	struct alert_value v;

	return alert_metrics_lookup(&m, name, &v);
}

static void test_cpu(void **state)
{
	(void)state;
	assert_true(fabs(num("cpu.total") - 25.0) < 1e-9);
	assert_true(fabs(num("cpu.iowait") - 15.0) < 1e-9);
	assert_true(fabs(num("cpu.steal") - 5.0) < 1e-9);

	m.prev = NULL; /* first tick: no rate yet */
	assert_int_equal(rc_of("cpu.total"), ALERT_UNAVAILABLE);
	m.prev = &prev;
	prev.sys.have &= ~SYS_HAVE_STAT;
	assert_int_equal(rc_of("cpu.iowait"), ALERT_UNAVAILABLE);
	prev.sys.have |= SYS_HAVE_STAT;
	prev.sys.cpu.user = 5000; /* counters from another boot */
	assert_int_equal(rc_of("cpu.total"), ALERT_UNAVAILABLE);
	prev.sys.cpu = cur.sys.cpu; /* no time passed */
	assert_int_equal(rc_of("cpu.steal"), ALERT_UNAVAILABLE);
}

static void test_memory_swap_load(void **state)
{
	(void)state;
	assert_true(num("mem.available") == 2 * GIB);
	assert_true(fabs(num("mem.used_pct") - 75.0) < 1e-9);
	assert_true(num("swap.used") == 1 * GIB);
	assert_true(num("load.1") == 1.5);
	assert_true(num("load.5") == 2.5);
	assert_true(num("load.15") == 3.5);

	cur.sys.swap_free = cur.sys.swap_total + 1; /* a racy read: not negative */
	assert_true(num("swap.used") == 0);
	cur.sys.have &= ~(SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG);
	assert_int_equal(rc_of("mem.available"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("mem.used_pct"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("swap.used"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("load.1"), ALERT_UNAVAILABLE);
	cur.sys.have |= SYS_HAVE_MEMINFO;
	cur.sys.mem_total = 0;
	assert_int_equal(rc_of("mem.used_pct"), ALERT_UNAVAILABLE);
}

static void test_psi(void **state)
{
	(void)state;
	assert_true(num("psi.memory.some.avg10") == 12.5);
	assert_true(num("psi.memory.some.avg60") == 6.25);
	assert_true(num("psi.memory.some.avg300") == 1);
	assert_true(num("psi.memory.full.avg10") == 3);
	assert_true(num("psi.memory.full.avg300") == 0.5);
	assert_true(num("psi.cpu.some.avg10") == 40);
	assert_int_equal(rc_of("psi.cpu.full.avg10"),
			 ALERT_UNAVAILABLE); /* no full line */
	assert_int_equal(rc_of("psi.io.some.avg10"), ALERT_UNAVAILABLE); /* not present */
	/* psi needs no previous frame */
	m.prev = NULL;
	assert_true(num("psi.memory.some.avg10") == 12.5);
}

static void test_target(void **state)
{
	(void)state;
	assert_true(fabs(num("target.cpu") - 150.0) < 1e-9);
	assert_true(num("target.rss") == 3 * GIB);
	assert_true(num("target.anon") == 2 * GIB);
	assert_true(num("target.swap") == 4096);
	assert_true(num("target.fds") == 17);
	assert_true(num("target.threads") == 9);
	assert_true(num("target.alive") == 1);

	/* clk_tck is the caller's: 250 Hz makes the same ticks 0.6 cores */
	m.clk_tck = 250;
	assert_true(fabs(num("target.cpu") - 60.0) < 1e-9);
	m.clk_tck = 100;

	/* a 2 s interval halves it */
	cur.t_ms = prev.t_ms + 2000;
	assert_true(fabs(num("target.cpu") - 75.0) < 1e-9);

	/* pid reuse between the frames: not one process */
	tprev.start_ticks = 1;
	assert_int_equal(rc_of("target.cpu"), ALERT_UNAVAILABLE);
	tprev.start_ticks = tcur.start_ticks;
	m.prev = NULL;
	assert_int_equal(rc_of("target.cpu"), ALERT_UNAVAILABLE);
	m.prev = &prev;

	tcur.have &= ~(TARGET_HAVE_STATUS | TARGET_HAVE_FDS);
	assert_int_equal(rc_of("target.rss"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("target.anon"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("target.swap"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("target.fds"), ALERT_UNAVAILABLE);
	assert_true(num("target.threads") == 9);

	/* gone: alive says 0, the rest is unavailable */
	tcur.alive = false;
	assert_true(num("target.alive") == 0);
	assert_int_equal(rc_of("target.threads"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("target.cpu"), ALERT_UNAVAILABLE);

	/* no target at all */
	cur.target = NULL;
	assert_int_equal(rc_of("target.alive"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("target.rss"), ALERT_UNAVAILABLE);
}

/* Over one second: sda read 1 MiB and was busy 600 ms, dm-0 on top of it
 * is left out, sdb appeared (adds nothing); eth0 moved, lo is left out. */
static void test_disk_net(void **state)
{
	struct disk_stat dp[] = {
		{.name = "sda", .read_sectors = 100, .write_sectors = 10, .io_ms = 1000},
		{.name = "dm-0", .stacked = true, .read_sectors = 100, .io_ms = 0},
	};
	struct disk_stat dc[] = {
		{.name = "dm-0", .stacked = true, .read_sectors = 2148, .io_ms = 1000},
		{.name = "sda",
		 .read_sectors = 2148,
		 .write_sectors = 4106,
		 .io_ms = 1600},
		{.name = "sdb", .read_sectors = 99999, .io_ms = 99999},
	};
	struct net_stat np[] = {{.name = "lo", .loopback = true},
				{.name = "eth0", .rx_bytes = 10, .tx_bytes = 20}};
	struct net_stat nc[] = {{.name = "lo", .loopback = true, .rx_bytes = 5000},
				{.name = "eth0", .rx_bytes = 1010, .tx_bytes = 520}};

	(void)state;
	prev.sys.disks = dp, prev.sys.ndisks = 2;
	cur.sys.disks = dc, cur.sys.ndisks = 3;
	prev.sys.nets = np, prev.sys.nnets = 2;
	cur.sys.nets = nc, cur.sys.nnets = 2;
	prev.sys.have |= SYS_HAVE_DISKSTATS | SYS_HAVE_NETDEV;
	cur.sys.have |= SYS_HAVE_DISKSTATS | SYS_HAVE_NETDEV;
	assert_true(fabs(num("disk.read_bytes") - 1048576) < 1e-6);
	assert_true(fabs(num("disk.write_bytes") - 2 * 1048576) < 1e-6);
	assert_true(fabs(num("disk.util") - 60) < 1e-9);
	assert_true(fabs(num("net.rx_bytes") - 1000) < 1e-9);
	assert_true(fabs(num("net.tx_bytes") - 500) < 1e-9);

	dc[1].io_ms = 9000; /* 8 s busy in 1 s: impossible, capped */
	assert_true(fabs(num("disk.util") - 100) < 1e-9);
	dc[1].read_sectors = 50; /* went backwards: unknown, not negative */
	assert_int_equal(rc_of("disk.read_bytes"), ALERT_UNAVAILABLE);
	assert_true(fabs(num("net.rx_bytes") - 1000) < 1e-9); /* nets unaffected */
	nc[1].tx_bytes = 0;
	assert_int_equal(rc_of("net.tx_bytes"), ALERT_UNAVAILABLE);
	cur.sys.have &= ~SYS_HAVE_NETDEV; /* net/dev unreadable this tick */
	nc[1].tx_bytes = 520;
	assert_int_equal(rc_of("net.rx_bytes"), ALERT_UNAVAILABLE);
	m.prev = NULL;
	assert_int_equal(rc_of("disk.util"), ALERT_UNAVAILABLE);
	prev.sys.disks = cur.sys.disks = NULL; /* the fixtures are static */
	prev.sys.nets = cur.sys.nets = NULL;
}

static void test_not_found_is_for_the_chain(void **state)
{
	(void)state;
	assert_int_equal(rc_of("latency.timer.api.p99"), ALERT_NOT_FOUND);
	assert_int_equal(rc_of("memory.verdict"), ALERT_NOT_FOUND);
	assert_int_equal(rc_of("target.run_wait_share"), ALERT_NOT_FOUND);
	assert_int_equal(rc_of("target.io_delay"), ALERT_NOT_FOUND);
	assert_int_equal(rc_of("no.such.metric"), ALERT_NOT_FOUND);
	/* a frame name with no frame is the frame lookup's, but unavailable */
	m.cur = NULL;
	assert_int_equal(rc_of("cpu.total"), ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("memory.verdict"), ALERT_NOT_FOUND);
}

static void test_names(void **state)
{
	static const struct {
		const char *name;
		enum rule_unit unit;
	} valid[] = {
		{"cpu.total", RULE_UNIT_PERCENT},
		{"cpu.iowait", RULE_UNIT_PERCENT},
		{"cpu.steal", RULE_UNIT_PERCENT},
		{"mem.available", RULE_UNIT_BYTES},
		{"mem.used_pct", RULE_UNIT_PERCENT},
		{"swap.used", RULE_UNIT_BYTES},
		{"load.1", RULE_UNIT_NUMBER},
		{"load.15", RULE_UNIT_NUMBER},
		{"psi.io.full.avg300", RULE_UNIT_PERCENT},
		{"psi.cpu.some.avg60", RULE_UNIT_PERCENT},
		{"target.cpu", RULE_UNIT_PERCENT},
		{"target.rss", RULE_UNIT_BYTES},
		{"target.anon", RULE_UNIT_BYTES},
		{"target.swap", RULE_UNIT_BYTES},
		{"target.fds", RULE_UNIT_NUMBER},
		{"target.threads", RULE_UNIT_NUMBER},
		{"target.alive", RULE_UNIT_NUMBER},
		{"disk.read_bytes", RULE_UNIT_BYTES},
		{"disk.util", RULE_UNIT_PERCENT},
		{"net.tx_bytes", RULE_UNIT_BYTES},
		{"target.run_wait_share", RULE_UNIT_PERCENT},
		{"target.io_delay", RULE_UNIT_PERCENT},
		{"memory.verdict", RULE_UNIT_WORD},
		{"latency.timer.api.request.p99", RULE_UNIT_MS},
		{"latency.timer.db.p50", RULE_UNIT_MS},
		{"latency.timer.db.p90", RULE_UNIT_MS},
		{"latency.timer.db.p999", RULE_UNIT_MS},
		{"latency.timer.db.max", RULE_UNIT_MS},
		{"latency.timer.db.count", RULE_UNIT_NUMBER},
	};
	static const char *const invalid[] = {
		"cpu",
		"cpu.user",
		"swap.in",
		"swap.out",
		"mem",
		"load.2",
		"psi.memory.some",
		"psi.memory.some.avg5",
		"psi.net.some.avg10",
		"psi.memory.half.avg10",
		"latency.timer.db.p98",
		"latency.timer..p99",
		"latency.timer.p99",
		"latency.db.p99",
		"memory.verdicts",
		"target",
		"target.rss.max",
		"",
		"CPU.TOTAL",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		enum rule_unit unit = (enum rule_unit) - 1;

		if (!alert_metrics_name_valid(valid[i].name, &unit))
			fail_msg("'%s' rejected", valid[i].name);
		if (unit != valid[i].unit)
			fail_msg("'%s': unit %d, want %d", valid[i].name, unit,
				 valid[i].unit);
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		enum rule_unit unit;

		if (alert_metrics_name_valid(invalid[i], &unit))
			fail_msg("'%s' accepted", invalid[i]);
		assert_int_equal(rc_of(invalid[i]), ALERT_NOT_FOUND);
	}
	assert_true(alert_metrics_chained("memory.verdict"));
	assert_true(alert_metrics_chained("latency.timer.x.max"));
	assert_true(alert_metrics_chained("target.run_wait_share"));
	assert_false(alert_metrics_chained("cpu.total"));
	assert_false(alert_metrics_chained("psi.io.some.avg10"));
}

/* cgroup[PATH].FIELD over the frame's cgroup table and the one before. */
static void test_cgroup(void **state)
{
	struct cgroup_row rp = {
		.path = (char *)(uintptr_t) "/system.slice/nginx.service"};
	struct cgroup_row rc;
	enum rule_unit u;

	(void)state;
	rp.have = CGROUP_HAVE_CPU | CGROUP_HAVE_THROTTLE | CGROUP_HAVE_QUOTA |
		  CGROUP_HAVE_MEM | CGROUP_HAVE_MEM_LIMIT | CGROUP_HAVE_OOM_KILL |
		  CGROUP_HAVE_PIDS;
	rp.nr_periods = 100;
	rp.nr_throttled = 10;
	rp.oom_kill = 1;
	rp.cpu_quota_us = 50000;
	rp.cpu_period_us = 100000;
	rp.mem_max = 512ull << 20;
	rc = rp;
	rc.cpu_pct = 40; /* of one core: 80% of half a core */
	rc.mem_current = 461ull << 20;
	rc.nr_periods = 110;
	rc.nr_throttled = 14; /* 4 of 10 */
	rc.oom_kill = 3;
	rc.pids_current = 12;
	rc.psi[PSI_IO] = (struct psi){.present = true, .some = {.avg10 = 7.5}};
	prev.cgroups = (struct cgroup_table){CGROUP_LAYOUT_V2, 1, &rp};
	cur.cgroups = (struct cgroup_table){CGROUP_LAYOUT_V2, 1, &rc};
	assert_true(num("cgroup[system.slice/nginx.service].memory") == 461.0 * 1048576);
	assert_true(fabs(num("cgroup[/system.slice/nginx.service].memory.of_max") -
			 461.0 * 100 / 512) < 1e-9);
	assert_true(num("cgroup[system.slice/nginx.service/].cpu") == 40);
	assert_true(fabs(num("cgroup[system.slice/nginx.service].cpu.of_max") - 80) <
		    1e-9);
	assert_true(fabs(num("cgroup[system.slice/nginx.service].throttled") - 40) <
		    1e-9);
	assert_true(num("cgroup[system.slice/nginx.service].oom_kills") == 2);
	assert_true(num("cgroup[system.slice/nginx.service].pids") == 12);
	assert_true(num("cgroup[system.slice/nginx.service].psi.io") == 7.5);
	/* not read, not there, no limit, no frame before */
	assert_int_equal(rc_of("cgroup[system.slice/nginx.service].psi.cpu"),
			 ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("cgroup[system.slice/nginx.service].swap"),
			 ALERT_UNAVAILABLE);
	assert_int_equal(rc_of("cgroup[system.slice/other.service].memory"),
			 ALERT_UNAVAILABLE);
	rc.mem_max = CGROUP_UNLIMITED;
	assert_int_equal(rc_of("cgroup[system.slice/nginx.service].memory.of_max"),
			 ALERT_UNAVAILABLE);
	m.prev = NULL;
	assert_int_equal(rc_of("cgroup[system.slice/nginx.service].throttled"),
			 ALERT_UNAVAILABLE);
	assert_true(num("cgroup[system.slice/nginx.service].memory") == 461.0 * 1048576);
	/* names */
	assert_int_equal(rc_of("cgroup[x].bogus"), ALERT_NOT_FOUND);
	assert_int_equal(rc_of("cgroup[].memory"), ALERT_NOT_FOUND);
	assert_true(alert_metrics_name_valid("cgroup[a.b/c[1]].memory", &u));
	assert_int_equal(u, RULE_UNIT_BYTES);
	assert_true(alert_metrics_name_valid("cgroup[x].memory.of_max", &u));
	assert_int_equal(u, RULE_UNIT_PERCENT);
	assert_false(alert_metrics_name_valid("cgroup[x]", &u));
	assert_false(alert_metrics_name_valid("cgroup[x].cpu.of_min", &u));
	prev.cgroups = cur.cgroups = (struct cgroup_table){0};
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cpu, setup),
		cmocka_unit_test_setup(test_memory_swap_load, setup),
		cmocka_unit_test_setup(test_psi, setup),
		cmocka_unit_test_setup(test_disk_net, setup),
		cmocka_unit_test_setup(test_target, setup),
		cmocka_unit_test_setup(test_not_found_is_for_the_chain, setup),
		cmocka_unit_test_setup(test_names, setup),
		cmocka_unit_test_setup(test_cgroup, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
