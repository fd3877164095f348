/* SPDX-License-Identifier: MIT */
/*
 * test_exitacct: exit accounting without a socket. Hand-built netlink
 * datagrams go through the parsers (collectors/exitacct_parse): taskstats
 * exit records of today's and of an older, shorter struct taskstats, the
 * proc connector's fork, exec and exit, the family lookup and acks; every
 * truncation of a good datagram and seeded garbage are counted as bad and
 * never read past the buffer. Then the aggregator (collectors/exitacct_agg):
 * threads summed into their process's row, command lines from exec and
 * fork, a lost race counted, a leader's exit without a record forgotten a
 * tick later, and wait statuses decoded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <linux/acct.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/exitacct_agg.h"
#include "collectors/exitacct_parse.h"

#define FAMILY 0x1f
#define TS_OLD_LEN (offsetof(struct taskstats, hiwater_rss) + sizeof(uint64_t))

/* ---- building datagrams ---- */

struct msg {
	_Alignas(8) uint8_t b[4096];
	size_t len;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void pad(struct msg *m)
{
	while (m->len % 4)
		m->b[m->len++] = 0;
}

/* Opens an attribute; returns its offset for close_attr. */
static size_t open_attr(struct msg *m, uint16_t type)
{
	struct nlattr a = {.nla_len = 0, .nla_type = type};
	size_t at = m->len;

	put(m, &a, sizeof(a));
	return at;
}

static void close_attr(struct msg *m, size_t at)
{
	uint16_t len = (uint16_t)(m->len - at);

	memcpy(m->b + at, &len, sizeof(len));
	pad(m);
}

static void attr(struct msg *m, uint16_t type, const void *p, size_t n)
{
	size_t at = open_attr(m, type);

	put(m, p, n);
	close_attr(m, at);
}

static size_t open_msg(struct msg *m, uint16_t type)
{
	struct nlmsghdr h = {.nlmsg_type = type};
	size_t at = m->len;

	put(m, &h, sizeof(h));
	return at;
}

static void close_msg(struct msg *m, size_t at)
{
	uint32_t len = (uint32_t)(m->len - at);

	memcpy(m->b + at, &len, sizeof(len));
	pad(m);
}

static void stats(struct taskstats *ts, uint32_t pid, uint32_t tgid, bool last)
{
	memset(ts, 0, sizeof(*ts));
	ts->version = TASKSTATS_VERSION;
	ts->ac_pid = pid;
	ts->ac_tgid = tgid;
	ts->ac_ppid = 77;
	ts->ac_uid = 1000;
	ts->ac_flag = last ? AGROUP : 0;
	snprintf(ts->ac_comm, sizeof(ts->ac_comm), "worker");
	ts->ac_exitcode = 3 << 8;
	ts->ac_btime = 1700000000;
	ts->ac_etime = 12000;
	ts->ac_tgetime = 15000;
	ts->ac_utime = 4000;
	ts->ac_stime = 2000;
	ts->cpu_run_virtual_total = 6500000;
	ts->hiwater_rss = 16384;
}

/* One TASKSTATS_CMD_NEW message: AGGR_PID (and AGGR_TGID when tgid). */
static void ts_msg(struct msg *m, const struct taskstats *ts, size_t tslen, uint32_t tgid)
{
	struct genlmsghdr g = {.cmd = TASKSTATS_CMD_NEW, .version = 1};
	size_t at = open_msg(m, FAMILY), nest;

	put(m, &g, sizeof(g));
	nest = open_attr(m, TASKSTATS_TYPE_AGGR_PID);
	attr(m, TASKSTATS_TYPE_PID, &ts->ac_pid, sizeof(uint32_t));
	attr(m, TASKSTATS_TYPE_STATS, ts, tslen);
	close_attr(m, nest);
	if (tgid) {
		struct taskstats group = {0};

		nest = open_attr(m, TASKSTATS_TYPE_AGGR_TGID);
		attr(m, TASKSTATS_TYPE_TGID, &tgid, sizeof(tgid));
		attr(m, TASKSTATS_TYPE_STATS, &group, sizeof(group));
		close_attr(m, nest);
	}
	close_msg(m, at);
}

static void cn_msg_put(struct msg *m, const struct proc_event *ev, size_t evlen)
{
	struct cn_msg cn = {.id = {.idx = CN_IDX_PROC, .val = CN_VAL_PROC},
			    .len = (uint16_t)evlen};
	size_t at = open_msg(m, NLMSG_DONE);

	put(m, &cn, sizeof(cn));
	put(m, ev, evlen);
	close_msg(m, at);
}

/* ---- taskstats ---- */

static void test_taskstats_record(void **state)
{
	struct exitacct_record r[4];
	struct taskstats ts;
	struct msg m = {.len = 0};
	uint64_t bad = 0;

	(void)state;
	stats(&ts, 4242, 4242, true);
	ts_msg(&m, &ts, sizeof(ts), 0);
	assert_int_equal(exitacct_parse_taskstats(m.b, m.len, FAMILY, r, 4, &bad), 1);
	assert_int_equal(bad, 0);
	assert_int_equal(r[0].pid, 4242);
	assert_int_equal(r[0].tgid, 4242);
	assert_int_equal(r[0].ppid, 77);
	assert_int_equal(r[0].uid, 1000);
	assert_true(r[0].group_dead);
	assert_string_equal(r[0].comm, "worker");
	assert_int_equal(r[0].exitcode, 3 << 8);
	assert_int_equal(r[0].etime_us, 12000);
	assert_int_equal(r[0].tgetime_us, 15000);
	assert_int_equal(r[0].utime_us, 4000);
	assert_int_equal(r[0].stime_us, 2000);
	assert_int_equal(r[0].run_ns, 6500000);
	assert_int_equal(r[0].hiwater_kb, 16384);
	/* another family's messages are not ours, and not bad */
	assert_int_equal(exitacct_parse_taskstats(m.b, m.len, FAMILY + 1, r, 4, &bad), 0);
	assert_int_equal(bad, 0);
}

/* The last thread of a multi-threaded process: the TGID attribute names the
 * process even when the thread is not its leader. */
static void test_taskstats_tgid_and_two_messages(void **state)
{
	struct exitacct_record r[4];
	struct taskstats ts;
	struct msg m = {.len = 0};
	uint64_t bad = 0;

	(void)state;
	stats(&ts, 501, 0, false);
	ts_msg(&m, &ts, sizeof(ts), 0);
	stats(&ts, 502, 0, true);
	ts_msg(&m, &ts, sizeof(ts), 500);
	assert_int_equal(exitacct_parse_taskstats(m.b, m.len, FAMILY, r, 4, &bad), 2);
	assert_int_equal(bad, 0);
	assert_int_equal(r[0].tgid, 501); /* no ac_tgid, no TGID: its own pid */
	assert_false(r[0].group_dead);
	assert_int_equal(r[1].pid, 502);
	assert_int_equal(r[1].tgid, 500);
	/* max 1: the second is left, not counted bad */
	assert_int_equal(exitacct_parse_taskstats(m.b, m.len, FAMILY, r, 1, &bad), 1);
	assert_int_equal(bad, 0);
}

/* An older kernel's struct ends at hiwater_rss: read up to there. */
static void test_taskstats_old_kernel(void **state)
{
	struct exitacct_record r[1];
	struct taskstats ts;
	struct msg m = {.len = 0};
	uint64_t bad = 0;

	(void)state;
	stats(&ts, 9, 9, true);
	ts_msg(&m, &ts, TS_OLD_LEN, 0);
	assert_int_equal(exitacct_parse_taskstats(m.b, m.len, FAMILY, r, 1, &bad), 1);
	assert_int_equal(bad, 0);
	assert_int_equal(r[0].tgetime_us, 0);
	assert_int_equal(r[0].tgid, 9);
	assert_int_equal(r[0].hiwater_kb, 16384);
	/* shorter than that: bad */
	m.len = 0;
	ts_msg(&m, &ts, TS_OLD_LEN - 8, 0);
	assert_int_equal(exitacct_parse_taskstats(m.b, m.len, FAMILY, r, 1, &bad), 0);
	assert_int_equal(bad, 1);
}

/* Every cut of a good datagram is a counted drop, read inside its bytes
 * (a copy on the heap of exactly that size, for the sanitizer). */
static void test_taskstats_truncated(void **state)
{
	struct exitacct_record r[2];
	struct taskstats ts;
	struct msg m = {.len = 0};

	(void)state;
	stats(&ts, 7, 7, true);
	ts_msg(&m, &ts, sizeof(ts), 7);
	for (size_t len = 1; len < m.len; len++) {
		uint8_t *cut = malloc(len);
		uint64_t bad = 0;

		memcpy(cut, m.b, len);
		assert_int_equal(exitacct_parse_taskstats(cut, len, FAMILY, r, 2, &bad),
				 0);
		assert_true(bad >= 1);
		free(cut);
	}
}

/* An attribute claiming more than its message holds. */
static void test_taskstats_lying_lengths(void **state)
{
	struct exitacct_record r[1];
	struct taskstats ts;
	struct msg m = {.len = 0};
	uint64_t bad = 0;
	uint16_t big = 0xfff0;

	(void)state;
	stats(&ts, 7, 7, true);
	ts_msg(&m, &ts, sizeof(ts), 0);
	/* the AGGR_PID nest starts after the two headers */
	memcpy(m.b + NLMSG_HDRLEN + GENL_HDRLEN, &big, sizeof(big));
	assert_int_equal(exitacct_parse_taskstats(m.b, m.len, FAMILY, r, 1, &bad), 0);
	assert_int_equal(bad, 1);
}

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Seeded garbage, and garbage behind a plausible header: never a crash. */
static void test_garbage(void **state)
{
	struct exitacct_record r[8];
	struct exitacct_event e[8];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = next_rand() % 700;
		uint8_t *buf = malloc(len ? len : 1);
		uint64_t bad = 0;

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)next_rand();
		if (len >= NLMSG_HDRLEN && round % 2) {
			struct nlmsghdr h = {.nlmsg_len = (uint32_t)len,
					     .nlmsg_type = round % 4 == 1 ? FAMILY
									  : NLMSG_DONE};

			memcpy(buf, &h, sizeof(h));
		}
		assert_true(exitacct_parse_taskstats(buf, len, FAMILY, r, 8, &bad) <= 8);
		assert_true(exitacct_parse_connector(buf, len, e, 8, &bad) <= 8);
		exitacct_parse_family(buf, len);
		exitacct_parse_ack(buf, len);
		free(buf);
	}
}

/* ---- the proc connector ---- */

static void test_connector_events(void **state)
{
	struct exitacct_event e[8];
	struct proc_event ev;
	struct msg m = {.len = 0};
	uint64_t bad = 0;
	size_t base = offsetof(struct proc_event, event_data);

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.what = PROC_EVENT_FORK;
	ev.event_data.fork.parent_pid = ev.event_data.fork.parent_tgid = 10;
	ev.event_data.fork.child_pid = ev.event_data.fork.child_tgid = 11;
	cn_msg_put(&m, &ev, base + sizeof(ev.event_data.fork));
	ev.event_data.fork.child_pid = 12; /* a thread of 11: skipped */
	cn_msg_put(&m, &ev, base + sizeof(ev.event_data.fork));
	memset(&ev, 0, sizeof(ev));
	ev.what = PROC_EVENT_EXEC;
	ev.event_data.exec.process_pid = ev.event_data.exec.process_tgid = 11;
	cn_msg_put(&m, &ev, base + sizeof(ev.event_data.exec));
	memset(&ev, 0, sizeof(ev));
	ev.what = PROC_EVENT_UID; /* of no use: skipped */
	cn_msg_put(&m, &ev, base + sizeof(ev.event_data.id));
	memset(&ev, 0, sizeof(ev));
	ev.what = PROC_EVENT_EXIT;
	ev.event_data.exit.process_pid = ev.event_data.exit.process_tgid = 11;
	cn_msg_put(&m, &ev, base + offsetof(struct exit_proc_event, parent_pid));
	assert_int_equal(exitacct_parse_connector(m.b, m.len, e, 8, &bad), 3);
	assert_int_equal(bad, 0);
	assert_int_equal(e[0].kind, EXITACCT_EV_FORK);
	assert_int_equal(e[0].tgid, 11);
	assert_int_equal(e[0].parent, 10);
	assert_int_equal(e[1].kind, EXITACCT_EV_EXEC);
	assert_int_equal(e[1].tgid, 11);
	assert_int_equal(e[2].kind, EXITACCT_EV_EXIT);
	assert_int_equal(e[2].pid, 11);

	/* an exec event cut short, and a cn_msg len beyond the message */
	m.len = 0;
	memset(&ev, 0, sizeof(ev));
	ev.what = PROC_EVENT_EXEC;
	cn_msg_put(&m, &ev, base + 4);
	assert_int_equal(exitacct_parse_connector(m.b, m.len, e, 8, &bad), 0);
	assert_int_equal(bad, 1);
	((struct cn_msg *)(m.b + NLMSG_HDRLEN))->len = 4000;
	assert_int_equal(exitacct_parse_connector(m.b, m.len, e, 8, &bad), 0);
	assert_int_equal(bad, 2);
}

/* ---- replies ---- */

static void test_family_and_ack(void **state)
{
	struct genlmsghdr g = {.cmd = CTRL_CMD_NEWFAMILY};
	struct nlmsgerr err = {.error = -ENOENT};
	struct msg m = {.len = 0};
	uint16_t id = FAMILY;
	size_t at;

	(void)state;
	at = open_msg(&m, GENL_ID_CTRL);
	put(&m, &g, sizeof(g));
	attr(&m, CTRL_ATTR_FAMILY_NAME, "TASKSTATS", 10);
	attr(&m, CTRL_ATTR_FAMILY_ID, &id, sizeof(id));
	close_msg(&m, at);
	assert_int_equal(exitacct_parse_family(m.b, m.len), FAMILY);
	assert_int_equal(exitacct_parse_ack(m.b, m.len), -EBADMSG);

	m.len = 0;
	at = open_msg(&m, NLMSG_ERROR);
	put(&m, &err, sizeof(err));
	close_msg(&m, at);
	assert_int_equal(exitacct_parse_family(m.b, m.len), -ENOENT);
	err.error = -EPERM;
	memcpy(m.b + NLMSG_HDRLEN, &err.error, sizeof(err.error));
	assert_int_equal(exitacct_parse_ack(m.b, m.len), -EPERM);
	err.error = 0;
	memcpy(m.b + NLMSG_HDRLEN, &err.error, sizeof(err.error));
	assert_int_equal(exitacct_parse_ack(m.b, m.len), 0);
	assert_int_equal(exitacct_parse_ack(m.b, 3), -EBADMSG);
}

/* ---- the aggregator ---- */

static struct exitacct_record rec(int pid, int tgid, bool last)
{
	struct exitacct_record r = {.pid = pid, .tgid = tgid, .ppid = 1, .uid = 0};

	r.group_dead = last;
	snprintf(r.comm, sizeof(r.comm), "w%d", tgid);
	r.etime_us = 30000;
	r.utime_us = 1000;
	r.stime_us = 500;
	r.run_ns = 1600000;
	r.hiwater_kb = last ? 100 : 300;
	return r;
}

static void test_agg_threads_and_cmdlines(void **state)
{
	struct exitacct_agg *a = exitacct_agg_new();
	struct exitacct_event fork_ev = {
		.kind = EXITACCT_EV_FORK, .pid = 20, .tgid = 20, .parent = 10};
	struct exitacct_event exec_ev = {.kind = EXITACCT_EV_EXEC, .pid = 20, .tgid = 20};
	struct exitacct_record r;
	struct proc_exits *x;

	(void)state;
	/* the parent's command line is unknown: read the parent's, both get it */
	assert_int_equal(exitacct_agg_event(a, &fork_ev), 10);
	exitacct_agg_cmdline(a, &fork_ev, "make all");
	/* a second child of 10 copies it without a read */
	fork_ev.pid = fork_ev.tgid = 21;
	assert_int_equal(exitacct_agg_event(a, &fork_ev), 0);
	/* 20 execs: its old command line is dropped, the new one read */
	assert_int_equal(exitacct_agg_event(a, &exec_ev), 20);
	exitacct_agg_cmdline(a, &exec_ev, "cc -c x.c");
	/* 21 execs too but is gone before the read */
	exec_ev.pid = exec_ev.tgid = 21;
	assert_int_equal(exitacct_agg_event(a, &exec_ev), 21);
	exitacct_agg_cmdline(a, &exec_ev, NULL);

	r = rec(22, 20, false); /* a thread of 20, then 20 itself */
	exitacct_agg_record(a, &r, 5000);
	r = rec(20, 20, true);
	r.exitcode = SIGSEGV | 0x80;
	exitacct_agg_record(a, &r, 5000);
	r = rec(21, 21, true);
	exitacct_agg_record(a, &r, 6000);
	exitacct_agg_lost(a, 3);
	x = exitacct_agg_take(a);
	assert_int_equal(x->n, 2);
	assert_int_equal(x->total, 2);
	assert_int_equal(x->lost, 3);
	assert_int_equal(x->no_cmdline, 1);
	assert_int_equal(x->rows[0].pid, 20);
	assert_string_equal(x->rows[0].cmdline, "cc -c x.c");
	assert_int_equal(x->rows[0].threads, 2);
	assert_int_equal(x->rows[0].utime_ns, 2000000);
	assert_int_equal(x->rows[0].stime_ns, 1000000);
	assert_int_equal(x->rows[0].cpu_ns, 3200000);
	assert_int_equal(x->rows[0].peak_rss, 300 * 1024);
	assert_int_equal(x->rows[0].end_ms, 5000);
	assert_int_equal(x->rows[0].start_ms, 5000 - 30);
	assert_int_equal(x->rows[0].exit_code, -1);
	assert_int_equal(x->rows[0].exit_signal, SIGSEGV);
	assert_true(x->rows[0].core_dumped);
	assert_null(x->rows[1].cmdline); /* the exec'd program was never read */
	assert_string_equal(x->rows[1].comm, "w21");
	assert_int_equal(x->rows[1].exit_code, 0);
	/* 10 (the parent) is still tracked; 20 and 21 are not */
	assert_int_equal(exitacct_agg_tracked(a), 1);
	proc_exits_free(x);
	exitacct_agg_free(a);
}

/* A leader's exit event without its record (lost): forgotten a tick later,
 * not at once (the record may still be on its way). */
static void test_agg_sweep(void **state)
{
	struct exitacct_agg *a = exitacct_agg_new();
	struct exitacct_event exec_ev = {.kind = EXITACCT_EV_EXEC, .pid = 30, .tgid = 30};
	struct exitacct_event exit_ev = {.kind = EXITACCT_EV_EXIT, .pid = 30, .tgid = 30};

	(void)state;
	exitacct_agg_event(a, &exec_ev);
	exitacct_agg_cmdline(a, &exec_ev, "sleep 1");
	exitacct_agg_event(a, &exit_ev);
	proc_exits_free(exitacct_agg_take(a));
	assert_int_equal(exitacct_agg_tracked(a), 1);
	proc_exits_free(exitacct_agg_take(a));
	assert_int_equal(exitacct_agg_tracked(a), 0);
	exitacct_agg_free(a);
}

static void test_status(void **state)
{
	struct proc_exit x;

	(void)state;
	proc_exit_set_status(&x, 0);
	assert_int_equal(x.exit_code, 0);
	proc_exit_set_status(&x, 255 << 8);
	assert_int_equal(x.exit_code, 255);
	assert_int_equal(x.exit_signal, 0);
	proc_exit_set_status(&x, SIGKILL);
	assert_int_equal(x.exit_code, -1);
	assert_int_equal(x.exit_signal, SIGKILL);
	assert_false(x.core_dumped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taskstats_record),
		cmocka_unit_test(test_taskstats_tgid_and_two_messages),
		cmocka_unit_test(test_taskstats_old_kernel),
		cmocka_unit_test(test_taskstats_truncated),
		cmocka_unit_test(test_taskstats_lying_lengths),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_connector_events),
		cmocka_unit_test(test_family_and_ack),
		cmocka_unit_test(test_agg_threads_and_cmdlines),
		cmocka_unit_test(test_agg_sweep),
		cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
