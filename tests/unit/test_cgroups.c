/* SPDX-License-Identifier: MIT */
/*
 * test_cgroups: what a cgroup is from its path (systemd units, docker,
 * podman, containerd, cri-o, Kubernetes pods, on real-looking paths), the
 * parsers of the cgroup files on real and hostile text, and the collector
 * over the fixture trees tests/fixtures/cgroup-v2 and cgroup-hybrid (v1
 * controllers, cpu and cpuacct linked to one cpu,cpuacct mount, pressure
 * from the unified mount).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cgroup_name.h"
#include "collectors/cgroups.h"
#include "core/xalloc.h"

#define MIB (1024ull * 1024ull)
#define DID "4b1c2d3e4f5a67890123456789abcdef0123456789abcdef0123456789abcdef"
#define CID "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"

static char *fixture(const char *rel)
{
	const char *src = getenv("VIGIL_SRCDIR");

	return xasprintf("%s/tests/fixtures/%s", src && *src ? src : ".", rel);
}

struct ident_case {
	const char *path;
	enum cgroup_kind kind;
	const char *name, *runtime, *short_id, *pod_uid, *qos;
};

static const struct ident_case ident_cases[] = {
	{"/", CGROUP_KIND_ROOT, "/", "", "", "", ""},
	{"", CGROUP_KIND_ROOT, "/", "", "", "", ""},
	{"/system.slice", CGROUP_KIND_SLICE, "system.slice", "", "", "", ""},
	{"/system.slice/nginx.service", CGROUP_KIND_SERVICE, "nginx.service", "", "", "",
	 ""},
	{"/user.slice/user-1000.slice/session-3.scope", CGROUP_KIND_SCOPE,
	 "session-3.scope", "", "", "", ""},
	{"/user.slice/user-1000.slice/user@1000.service/app.slice/"
	 "app-gnome-firefox-2345.scope",
	 CGROUP_KIND_SCOPE, "app-gnome-firefox-2345.scope", "", "", "", ""},
	{"/system.slice/docker-" DID ".scope", CGROUP_KIND_CONTAINER,
	 "docker:4b1c2d3e4f5a", "docker", "4b1c2d3e4f5a", "", ""},
	/* v1 cgroupfs driver */
	{"/docker/" DID, CGROUP_KIND_CONTAINER, "docker:4b1c2d3e4f5a", "docker",
	 "4b1c2d3e4f5a", "", ""},
	{"/docker", CGROUP_KIND_OTHER, "docker", "", "", "", ""},
	{"/machine.slice/libpod-" DID ".scope", CGROUP_KIND_CONTAINER,
	 "podman:4b1c2d3e4f5a", "podman", "4b1c2d3e4f5a", "", ""},
	/* rootless podman, and its conmon monitor which is not the container */
	{"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" DID ".scope",
	 CGROUP_KIND_CONTAINER, "podman:4b1c2d3e4f5a", "podman", "4b1c2d3e4f5a", "", ""},
	{"/machine.slice/libpod-conmon-" DID ".scope", CGROUP_KIND_SCOPE,
	 "libpod-conmon-" DID ".scope", "", "", "", ""},
	{"/libpod_parent/" DID, CGROUP_KIND_CONTAINER, "podman:4b1c2d3e4f5a", "podman",
	 "4b1c2d3e4f5a", "", ""},
	{"/k8s.io/" DID, CGROUP_KIND_CONTAINER, "containerd:4b1c2d3e4f5a", "containerd",
	 "4b1c2d3e4f5a", "", ""},
	/* Kubernetes, systemd driver */
	{"/kubepods.slice", CGROUP_KIND_SLICE, "kubepods.slice", "", "", "", ""},
	{"/kubepods.slice/kubepods-burstable.slice", CGROUP_KIND_SLICE,
	 "kubepods-burstable.slice", "", "", "", "burstable"},
	{"/kubepods.slice/kubepods-burstable.slice/"
	 "kubepods-burstable-pod1f2e3d4c_5b6a_4798_8a7b_6c5d4e3f2a1b.slice",
	 CGROUP_KIND_POD, "pod:1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "", "",
	 "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "burstable"},
	{"/kubepods.slice/kubepods-burstable.slice/"
	 "kubepods-burstable-pod1f2e3d4c_5b6a_4798_8a7b_6c5d4e3f2a1b.slice/"
	 "cri-containerd-" CID ".scope",
	 CGROUP_KIND_CONTAINER, "containerd:9f8e7d6c5b4a", "containerd", "9f8e7d6c5b4a",
	 "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "burstable"},
	{"/kubepods.slice/kubepods-besteffort.slice/"
	 "kubepods-besteffort-pod0a1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d.slice/crio-" CID
	 ".scope",
	 CGROUP_KIND_CONTAINER, "crio:9f8e7d6c5b4a", "crio", "9f8e7d6c5b4a",
	 "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "besteffort"},
	/* guaranteed pods sit right under kubepods.slice */
	{"/kubepods.slice/kubepods-pod0a1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d.slice",
	 CGROUP_KIND_POD, "pod:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "", "",
	 "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", ""},
	/* Kubernetes, cgroupfs driver (v1) */
	{"/kubepods/burstable/pod1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b/" CID,
	 CGROUP_KIND_CONTAINER, "cri:9f8e7d6c5b4a", "cri", "9f8e7d6c5b4a",
	 "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "burstable"},
	{"/kubepods/pod1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", CGROUP_KIND_POD,
	 "pod:1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "", "",
	 "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", ""},
	/* containerd's systemd driver on cgroupfs */
	{"/system.slice/containerd.service/"
	 "kubepods-burstable-pod1f2e3d4c_5b6a_4798_8a7b_6c5d4e3f2a1b.slice:cri-"
	 "containerd:" CID,
	 CGROUP_KIND_CONTAINER, "containerd:9f8e7d6c5b4a", "containerd", "9f8e7d6c5b4a",
	 "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "burstable"},
	/* inside a container: its own systemd, still the container's */
	{"/system.slice/docker-" DID ".scope/init.scope", CGROUP_KIND_SCOPE, "init.scope",
	 "docker", "4b1c2d3e4f5a", "", ""},
	/* near misses: an id one digit short, upper case, a stray "pod" */
	{"/system.slice/docker-4b1c2d3e4f5a.scope", CGROUP_KIND_SCOPE,
	 "docker-4b1c2d3e4f5a.scope", "", "", "", ""},
	{"/docker/4B1C2D3E4F5A67890123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	 CGROUP_KIND_OTHER,
	 "4B1C2D3E4F5A67890123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "", "", "",
	 ""},
	{"/podcasts/pod1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", CGROUP_KIND_OTHER,
	 "pod1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "", "", "", ""},
	{"/process_api/ebc95d8d04628eeb0e2e7ba072bb91da", CGROUP_KIND_OTHER,
	 "ebc95d8d04628eeb0e2e7ba072bb91da", "", "", "", ""},
	{"//system.slice//cron.service/", CGROUP_KIND_SERVICE, "cron.service", "", "", "",
	 ""},
};

static void test_identify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ident_cases) / sizeof(ident_cases[0]); i++) {
		const struct ident_case *k = &ident_cases[i];
		struct cgroup_ident id;

		cgroup_identify(k->path, &id);
		if (id.kind != k->kind || strcmp(id.name, k->name) ||
		    strcmp(id.runtime, k->runtime) || strcmp(id.short_id, k->short_id) ||
		    strcmp(id.pod_uid, k->pod_uid) || strcmp(id.qos, k->qos))
			fail_msg("%s: got %s '%s' runtime '%s' id '%s' pod '%s' qos '%s'",
				 k->path, cgroup_kind_name(id.kind), id.name, id.runtime,
				 id.short_id, id.pod_uid, id.qos);
		if (id.short_id[0])
			assert_int_equal(strlen(id.container_id), 64);
	}
	assert_string_equal(cgroup_kind_name(CGROUP_KIND_POD), "pod");
	assert_string_equal(cgroup_kind_name((enum cgroup_kind)99), "other");
}

static void test_parse_values(void **state)
{
	uint64_t v = 7, q = 1, p = 1;

	(void)state;
	assert_int_equal(cgroup_parse_value("max\n", &v), 0);
	assert_true(v == CGROUP_UNLIMITED);
	assert_int_equal(cgroup_parse_value("536870912\n", &v), 0);
	assert_true(v == 536870912);
	assert_int_equal(cgroup_parse_value("9223372036854771712\n", &v), 0);
	assert_true(v == CGROUP_UNLIMITED);
	assert_int_equal(cgroup_parse_value("-1\n", &v), 0);
	assert_true(v == CGROUP_UNLIMITED);
	v = 5;
	assert_int_equal(cgroup_parse_value("", &v), -1);
	assert_int_equal(cgroup_parse_value("maximum\n", &v), -1);
	assert_int_equal(cgroup_parse_value("12abc\n", &v), -1);
	assert_int_equal(cgroup_parse_value("-2\n", &v), -1);
	assert_true(v == 5);

	assert_int_equal(cgroup_parse_cpu_max("max 100000\n", &q, &p), 0);
	assert_true(q == CGROUP_UNLIMITED && p == 100000);
	assert_int_equal(cgroup_parse_cpu_max("50000 100000\n", &q, &p), 0);
	assert_true(q == 50000 && p == 100000);
	assert_int_equal(cgroup_parse_cpu_max("50000 0\n", &q, &p), -1);
	assert_int_equal(cgroup_parse_cpu_max("50000\n", &q, &p), -1);
	assert_int_equal(cgroup_parse_cpu_max("", &q, &p), -1);
	assert_true(q == 50000 && p == 100000);

	/* keys must match whole: "oom" is not "oom_kill" */
	assert_int_equal(
		cgroup_parse_key("low 0\nhigh 0\nmax 3\noom_kill 4\noom 2\n", "oom", &v),
		0);
	assert_true(v == 2);
	assert_int_equal(
		cgroup_parse_key("oom_kill_disable 0\nunder_oom 0\n", "oom_kill", &v),
		-1);
}

static void test_parse_cpu_stat(void **state)
{
	struct cgroup_row r = {0};

	(void)state;
	assert_int_equal(cgroup_parse_cpu_stat("usage_usec 2000\nuser_usec 1500\n"
					       "system_usec 500\nnr_periods 10\n"
					       "nr_throttled 4\nthrottled_usec 300\n",
					       &r),
			 0);
	assert_true(r.cpu_usage_ns == 2000000 && r.nr_periods == 10 &&
		    r.nr_throttled == 4 && r.throttled_ns == 300000);
	assert_int_equal(r.have, CGROUP_HAVE_CPU | CGROUP_HAVE_THROTTLE);
	/* v1: throttled_time is already ns, no usage */
	memset(&r, 0, sizeof(r));
	assert_int_equal(cgroup_parse_cpu_stat("nr_periods 5\nnr_throttled 1\n"
					       "throttled_time 7000\n",
					       &r),
			 0);
	assert_true(r.throttled_ns == 7000);
	assert_int_equal(r.have, CGROUP_HAVE_THROTTLE);
	/* v2 without the cpu controller: usage only */
	memset(&r, 0, sizeof(r));
	assert_int_equal(cgroup_parse_cpu_stat("usage_usec 9\nuser_usec 9\n", &r), 0);
	assert_int_equal(r.have, CGROUP_HAVE_CPU);
	memset(&r, 0, sizeof(r));
	assert_int_equal(cgroup_parse_cpu_stat("garbage\n", &r), -1);
	assert_int_equal(cgroup_parse_cpu_stat("", &r), -1);
	assert_int_equal(r.have, 0);
}

static void test_parse_io(void **state)
{
	struct cgroup_row r = {0};

	(void)state;
	assert_int_equal(cgroup_parse_io("8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 "
					 "dbytes=0 dios=0\n259:0 rbytes=10 wbytes=0 "
					 "rios=5 wios=0 dbytes=0 dios=0\n",
					 0, &r),
			 0);
	assert_int_equal(r.ndevs, 2);
	assert_true(r.devs[1].major == 259 && r.devs[1].minor == 0);
	assert_true(r.io_rbytes == 4106 && r.io_wbytes == 8192 && r.io_rios == 6 &&
		    r.io_wios == 2);
	assert_true(r.have & CGROUP_HAVE_IO_OPS);
	/* v1: Read and Write per device, the grand total skipped */
	assert_int_equal(cgroup_parse_io("8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 1\n"
					 "8:0 Total 12288\n8:16 Read 100\nTotal 12388\n",
					 1, &r),
			 0);
	assert_int_equal(r.ndevs, 2);
	assert_true(r.io_rbytes == 4196 && r.io_wbytes == 8192 && r.io_rios == 0);
	/* empty (no IO yet) is no devices */
	assert_int_equal(cgroup_parse_io("", 0, &r), 0);
	assert_int_equal(r.ndevs, 0);
	assert_true(r.io_rbytes == 0);
	/* hostile: r untouched */
	assert_int_equal(cgroup_parse_io("8:0 Read 1\n", 1, &r), 0);
	assert_int_equal(cgroup_parse_io("8 rbytes=1\n", 0, &r), -1);
	assert_int_equal(cgroup_parse_io("8:0 rbytes\n", 0, &r), -1);
	assert_int_equal(cgroup_parse_io("x:0 Read 1\n", 1, &r), -1);
	assert_int_equal(cgroup_parse_io("99999:0 Read 1\n", 1, &r), -1);
	assert_int_equal(cgroup_parse_io("8:0 Read\n", 1, &r), -1);
	assert_int_equal(r.ndevs, 1);
	assert_true(r.io_rbytes == 1);
	free(r.devs);
}

static void test_parse_proc_cgroup(void **state)
{
	char p[64];

	(void)state;
	assert_int_equal(cgroup_parse_proc_cgroup("0::/system.slice/nginx.service\n", p,
						  sizeof(p)),
			 0);
	assert_string_equal(p, "/system.slice/nginx.service");
	/* this machine's shape: memory deeper than the rest */
	assert_int_equal(cgroup_parse_proc_cgroup("9:name=systemd:/x/y/z/w/v\n8:pids:/\n"
						  "4:memory:/process_api/ebc9\n"
						  "2:cpuacct:/\n1:cpu:/\n0::/\n",
						  p, sizeof(p)),
			 0);
	assert_string_equal(p, "/process_api/ebc9");
	assert_int_equal(cgroup_parse_proc_cgroup("3:cpu,cpuacct:/docker/abc\n"
						  "2:memory:/docker/abc\n",
						  p, sizeof(p)),
			 0);
	assert_string_equal(p, "/docker/abc");
	assert_int_equal(
		cgroup_parse_proc_cgroup("5:devices:/long/er/path\n", p, sizeof(p)), -1);
	assert_int_equal(cgroup_parse_proc_cgroup("", p, sizeof(p)), -1);
	assert_int_equal(cgroup_parse_proc_cgroup("garbage", p, sizeof(p)), -1);
	/* cut to the buffer */
	assert_int_equal(cgroup_parse_proc_cgroup("0::/abcdefgh\n", p, 5), 0);
	assert_string_equal(p, "/abc");
}

static const struct cgroup_row *find(const struct cgroup_table *t, const char *path)
{
	const struct cgroup_row *r = cgroup_table_find(t, path);

	if (!r)
		fail_msg("no row for %s", path);
	return r;
}

static void test_collector_v2(void **state)
{
	char *root = fixture("cgroup-v2");
	struct cgroup_collector *c = cgroup_collector_new(root);
	struct cgroup_table t;
	const struct cgroup_row *r;

	(void)state;
	assert_int_equal(cgroup_collector_layout(c), CGROUP_LAYOUT_V2);
	assert_int_equal(cgroup_collector_read(c, 1000000000, &t), 8);
	assert_int_equal(t.layout, CGROUP_LAYOUT_V2);
	for (size_t i = 1; i < t.n; i++)
		assert_true(strcmp(t.rows[i - 1].path, t.rows[i].path) < 0);
	assert_null(cgroup_table_find(&t, "/system.slice/gone.scope"));
	r = find(&t, "/");
	assert_true(r->cpu_usage_ns == 900000000000ull);
	assert_false(r->have & CGROUP_HAVE_MEM); /* the root has no memory.current */
	assert_true(r->cpu_pct < 0);		 /* first reading */
	r = find(&t, "/system.slice/nginx.service");
	assert_true(r->cpu_usage_ns == 300000000000ull);
	assert_true(r->nr_periods == 1000 && r->nr_throttled == 250 &&
		    r->throttled_ns == 5000000000ull);
	assert_true(r->cpu_quota_us == 50000 && r->cpu_period_us == 100000);
	assert_true(r->mem_current == 100 * MIB && r->mem_max == 512 * MIB &&
		    r->mem_high == CGROUP_UNLIMITED);
	assert_true(r->oom == 2 && r->oom_kill == 1);
	assert_true(r->swap_current == MIB && r->swap_max == CGROUP_UNLIMITED);
	assert_int_equal(r->ndevs, 2);
	assert_true(r->io_rbytes == 1004096 && r->io_wbytes == 8192 && r->io_rios == 51);
	assert_true(r->psi[PSI_CPU].present && r->psi[PSI_CPU].some.avg10 == 12.5);
	assert_true(r->psi[PSI_IO].some.avg10 == 40.0);
	assert_true(r->pids_current == 7 && r->pids_max == 100);
	assert_int_equal(r->have, CGROUP_HAVE_CPU | CGROUP_HAVE_THROTTLE |
					  CGROUP_HAVE_QUOTA | CGROUP_HAVE_MEM |
					  CGROUP_HAVE_MEM_LIMIT | CGROUP_HAVE_OOM |
					  CGROUP_HAVE_OOM_KILL | CGROUP_HAVE_SWAP |
					  CGROUP_HAVE_IO | CGROUP_HAVE_IO_OPS |
					  CGROUP_HAVE_PSI | CGROUP_HAVE_PIDS);
	r = find(&t, "/system.slice/docker-" DID ".scope");
	assert_true(r->cpu_quota_us == CGROUP_UNLIMITED &&
		    r->mem_max == CGROUP_UNLIMITED);
	assert_int_equal(r->ndevs, 0);
	cgroup_table_release(&t);

	/* the second tick: the same counters over 2 s are 0% busy */
	assert_int_equal(cgroup_collector_read(c, 3000000000, &t), 8);
	assert_true(find(&t, "/system.slice/nginx.service")->cpu_pct == 0.0);
	cgroup_table_release(&t);
	cgroup_collector_free(c);
	free(root);
}

static void test_collector_hybrid(void **state)
{
	char *root = fixture("cgroup-hybrid");
	struct cgroup_collector *c = cgroup_collector_new(root);
	struct cgroup_table t;
	const struct cgroup_row *r;

	(void)state;
	assert_int_equal(cgroup_collector_layout(c), CGROUP_LAYOUT_V1);
	/* /, /docker, /docker/<id>, /test.slice, /test.slice/app.service; the
	 * named systemd hierarchy is not read */
	assert_int_equal(cgroup_collector_read(c, 1000000000, &t), 5);
	r = find(&t, "/test.slice/app.service");
	assert_true(r->cpu_usage_ns == 123456789000ull);
	assert_true(r->nr_throttled == 250 && r->throttled_ns == 5000000000ull);
	assert_true(r->cpu_quota_us == 50000 && r->cpu_period_us == 100000);
	assert_true(r->mem_current == 100 * MIB && r->mem_max == 200 * MIB &&
		    r->mem_high == CGROUP_UNLIMITED);
	assert_true(r->oom_kill == 3);
	assert_false(r->have & CGROUP_HAVE_OOM); /* v1 counts no oom events */
	assert_true(r->swap_current == 10 * MIB && r->swap_max == 100 * MIB);
	assert_true(r->io_rbytes == 4196 && r->io_wbytes == 8192);
	assert_false(r->have & CGROUP_HAVE_IO_OPS);
	assert_true(r->pids_current == 7 && r->pids_max == CGROUP_UNLIMITED);
	/* pressure from the unified mount, merged by path */
	assert_true((r->have & CGROUP_HAVE_PSI) && r->psi[PSI_CPU].some.avg10 == 12.5);
	r = find(&t, "/");
	assert_true(r->mem_max == CGROUP_UNLIMITED &&
		    r->cpu_quota_us == CGROUP_UNLIMITED);
	assert_false(r->have & CGROUP_HAVE_PIDS);
	r = find(&t, "/docker/" DID);
	assert_true(r->cpu_usage_ns == 7000000000ull && r->mem_max == 64 * MIB);
	assert_false(r->have & (CGROUP_HAVE_IO | CGROUP_HAVE_PIDS | CGROUP_HAVE_SWAP));
	assert_true(find(&t, "/test.slice")->pids_max == 1000);
	cgroup_table_release(&t);
	cgroup_collector_free(c);
	free(root);
}

/* Files stay open between readings; the tree is walked again every few: a
 * new cgroup shows up and a removed one goes within that many readings,
 * and the figures of a kept file are read anew each time. */
static void test_collector_rescan(void **state)
{
	char *src = fixture("cgroup-v2"), cmd[1024],
	     dir[] = "/tmp/vigil-test-cgscan-XXXXXX";
	struct cgroup_collector *c;
	struct cgroup_table t;
	int seen_new = -1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s/'", src, dir);
	assert_int_equal(system(cmd), 0);
	c = cgroup_collector_new(dir);
	assert_int_equal(cgroup_collector_read(c, 1000000000, &t), 8);
	cgroup_table_release(&t);
	/* a value changes: read again through the open file */
	snprintf(cmd, sizeof(cmd),
		 "echo 1048576 > '%s/system.slice/nginx.service/memory.current' && "
		 "mkdir '%s/new.slice' && cp '%s/system.slice/cpu.stat' '%s/new.slice/'",
		 dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	for (int i = 0; i < 10 && seen_new < 0; i++) {
		cgroup_collector_read(c, 2000000000 + i, &t);
		assert_true(cgroup_table_find(&t, "/system.slice/nginx.service")
				    ->mem_current == 1048576);
		if (cgroup_table_find(&t, "/new.slice"))
			seen_new = i;
		cgroup_table_release(&t);
	}
	assert_true(seen_new >= 0 && seen_new < 5);
	snprintf(cmd, sizeof(cmd), "rm -r '%s/new.slice'", dir);
	assert_int_equal(system(cmd), 0);
	seen_new = -1;
	for (int i = 0; i < 10 && seen_new < 0; i++) {
		cgroup_collector_read(c, 3000000000 + i, &t);
		if (!cgroup_table_find(&t, "/new.slice"))
			seen_new = i;
		cgroup_table_release(&t);
	}
	assert_true(seen_new >= 0 && seen_new < 5);
	cgroup_collector_free(c);
	snprintf(cmd, sizeof(cmd), "rm -r '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(src);
}

static void test_collector_none(void **state)
{
	char *root = fixture("proc-sys");
	struct cgroup_collector *c = cgroup_collector_new(root);
	struct cgroup_table t;

	(void)state;
	assert_int_equal(cgroup_collector_layout(c), CGROUP_LAYOUT_NONE);
	assert_int_equal(cgroup_collector_read(c, 1, &t), 0);
	assert_null(t.rows);
	cgroup_collector_free(c);
	c = cgroup_collector_new("/nonexistent/vigil");
	assert_int_equal(cgroup_collector_read(c, 1, &t), 0);
	cgroup_collector_free(c);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_parse_cpu_stat),
		cmocka_unit_test(test_parse_io),
		cmocka_unit_test(test_parse_proc_cgroup),
		cmocka_unit_test(test_collector_v2),
		cmocka_unit_test(test_collector_hybrid),
		cmocka_unit_test(test_collector_rescan),
		cmocka_unit_test(test_collector_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
