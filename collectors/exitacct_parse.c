/* SPDX-License-Identifier: MIT */
/*
 * exitacct_parse: see exitacct_parse.h. Every length is checked against what
 * is left of the buffer before it is used; structs are copied out with
 * memcpy, since netlink attributes are only 4-byte aligned.
 */
#include "collectors/exitacct_parse.h"

#include <errno.h>
#include <linux/acct.h> /* AGROUP */
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <stdio.h>
#include <string.h>

/* The taskstats fields every version has up to hiwater_rss. */
#define TS_MIN_LEN (offsetof(struct taskstats, hiwater_rss) + sizeof(uint64_t))
#define TS_HAS(len, field)                                                               \
	((len) >=                                                                        \
	 offsetof(struct taskstats, field) + sizeof(((struct taskstats *)0)->field))

/* An attribute inside [p, end): its type and payload; false when it does
 * not fit. */
struct attr {
	uint16_t type;
	const uint8_t *val;
	size_t len;
	size_t step; /* to the next attribute, aligned */
};

static bool next_attr(const uint8_t *p, const uint8_t *end, struct attr *a)
{
	struct nlattr h;
	size_t left = (size_t)(end - p);

	if (left < sizeof(h))
		return false;
	memcpy(&h, p, sizeof(h));
	if (h.nla_len < NLA_HDRLEN || h.nla_len > left)
		return false;
	a->type = h.nla_type & NLA_TYPE_MASK;
	a->val = p + NLA_HDRLEN;
	a->len = h.nla_len - NLA_HDRLEN;
	a->step = (size_t)NLA_ALIGN(h.nla_len);
	if (a->step > left)
		a->step = left;
	return true;
}

static bool attr_u32(const struct attr *a, uint32_t *v)
{
	if (a->len < sizeof(*v))
		return false;
	memcpy(v, a->val, sizeof(*v));
	return true;
}

/* One AGGR_PID or AGGR_TGID nest: its id and stats (copied into ts, zero
 * beyond what the kernel sent). false when either is missing or short. */
static bool parse_aggr(const struct attr *nest, uint32_t *id, struct taskstats *ts,
		       size_t *tslen)
{
	const uint8_t *p = nest->val, *end = nest->val + nest->len;
	bool has_id = false, has_stats = false;
	struct attr a;

	while (p < end) {
		if (!next_attr(p, end, &a))
			return false;
		if (a.type == TASKSTATS_TYPE_PID || a.type == TASKSTATS_TYPE_TGID) {
			if (!attr_u32(&a, id))
				return false;
			has_id = true;
		} else if (a.type == TASKSTATS_TYPE_STATS) {
			if (a.len < TS_MIN_LEN)
				return false;
			memset(ts, 0, sizeof(*ts));
			*tslen = a.len < sizeof(*ts) ? a.len : sizeof(*ts);
			memcpy(ts, a.val, *tslen);
			has_stats = true;
		}
		p += a.step;
	}
	return has_id && has_stats;
}

static void fill_record(struct exitacct_record *r, uint32_t pid,
			const struct taskstats *ts, size_t tslen)
{
	memset(r, 0, sizeof(*r));
	r->pid = (int)pid;
	r->tgid = TS_HAS(tslen, ac_tgid) && ts->ac_tgid ? (int)ts->ac_tgid : (int)pid;
	r->ppid = (int)ts->ac_ppid;
	r->uid = ts->ac_uid;
	r->group_dead = ts->ac_flag & AGROUP;
	memcpy(r->comm, ts->ac_comm,
	       sizeof(r->comm) - 1 < sizeof(ts->ac_comm) ? sizeof(r->comm) - 1
							 : sizeof(ts->ac_comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
	r->exitcode = ts->ac_exitcode;
	r->btime_s = ts->ac_btime;
	if (TS_HAS(tslen, ac_btime64) && ts->ac_btime64)
		r->btime_s = ts->ac_btime64;
	r->etime_us = ts->ac_etime;
	if (TS_HAS(tslen, ac_tgetime))
		r->tgetime_us = ts->ac_tgetime;
	r->utime_us = ts->ac_utime;
	r->stime_us = ts->ac_stime;
	r->run_ns = ts->cpu_run_virtual_total;
	r->hiwater_kb = ts->hiwater_rss;
}

/* The attributes of one TASKSTATS_CMD_NEW message into *r; false when it
 * holds no complete AGGR_PID. */
static bool parse_new(const uint8_t *p, const uint8_t *end, struct exitacct_record *r)
{
	struct taskstats ts;
	size_t tslen = 0;
	uint32_t pid = 0, tgid = 0;
	bool has_pid = false, has_tgid = false;
	struct attr a;

	while (p < end) {
		if (!next_attr(p, end, &a))
			return false;
		if (a.type == TASKSTATS_TYPE_AGGR_PID) {
			if (!parse_aggr(&a, &pid, &ts, &tslen))
				return false;
			fill_record(r, pid, &ts, tslen);
			has_pid = true;
		} else if (a.type == TASKSTATS_TYPE_AGGR_TGID) {
			struct taskstats group; /* delay accounting only: not used */
			size_t glen;

			if (!parse_aggr(&a, &tgid, &group, &glen))
				return false;
			has_tgid = true;
		}
		p += a.step;
	}
	if (!has_pid)
		return false;
	if (has_tgid && tgid)
		r->tgid = (int)tgid;
	return true;
}

/* Walks the netlink messages of a datagram; calls fn for each complete one
 * (header, payload). false (and *bad++) when a header does not fit. */
typedef bool (*msg_fn)(const struct nlmsghdr *h, const uint8_t *payload, size_t plen,
		       void *ctx);

static void walk(const void *buf, size_t len, msg_fn fn, void *ctx, uint64_t *bad)
{
	const uint8_t *p = buf, *end = p + len;

	while ((size_t)(end - p) >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		size_t step;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > (size_t)(end - p)) {
			(*bad)++;
			return;
		}
		if (!fn(&h, p + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN, ctx))
			return;
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= (size_t)(end - p))
			return;
		p += step;
	}
	if (p != end)
		(*bad)++; /* a tail too short for a header */
}

struct ts_walk {
	uint16_t family;
	struct exitacct_record *out;
	size_t max, n;
	uint64_t *bad;
};

static bool on_ts_msg(const struct nlmsghdr *h, const uint8_t *pl, size_t plen, void *ctx)
{
	struct ts_walk *w = ctx;
	struct genlmsghdr g;

	if (h->nlmsg_type != w->family)
		return true; /* an ack or an error: not an exit record */
	if (plen < GENL_HDRLEN) {
		(*w->bad)++;
		return true;
	}
	memcpy(&g, pl, sizeof(g));
	if (g.cmd != TASKSTATS_CMD_NEW)
		return true;
	if (w->n >= w->max)
		return false;
	if (parse_new(pl + GENL_HDRLEN, pl + plen, &w->out[w->n]))
		w->n++;
	else
		(*w->bad)++;
	return true;
}

size_t exitacct_parse_taskstats(const void *buf, size_t len, uint16_t family,
				struct exitacct_record *out, size_t max, uint64_t *bad)
{
	struct ts_walk w = {.family = family, .out = out, .max = max, .bad = bad};

	walk(buf, len, on_ts_msg, &w, bad);
	return w.n;
}

struct cn_walk {
	struct exitacct_event *out;
	size_t max, n;
	uint64_t *bad;
};

/* The event in one connector message: 1 kept, 0 of no use, -1 too short. */
static int to_event(const struct proc_event *ev, size_t evlen, struct exitacct_event *e)
{
	size_t base = offsetof(struct proc_event, event_data);

	memset(e, 0, sizeof(*e));
	switch (ev->what) {
	case PROC_EVENT_FORK:
		if (evlen < base + sizeof(ev->event_data.fork))
			return -1;
		if (ev->event_data.fork.child_pid != ev->event_data.fork.child_tgid)
			return 0; /* a thread */
		e->kind = EXITACCT_EV_FORK;
		e->pid = e->tgid = ev->event_data.fork.child_pid;
		e->parent = ev->event_data.fork.parent_tgid;
		return 1;
	case PROC_EVENT_EXEC:
		if (evlen < base + sizeof(ev->event_data.exec))
			return -1;
		e->kind = EXITACCT_EV_EXEC;
		e->pid = ev->event_data.exec.process_pid;
		e->tgid = ev->event_data.exec.process_tgid;
		return 1;
	case PROC_EVENT_EXIT:
		/* older kernels end the exit event before parent_pid */
		if (evlen < base + offsetof(struct exit_proc_event, parent_pid))
			return -1;
		e->kind = EXITACCT_EV_EXIT;
		e->pid = ev->event_data.exit.process_pid;
		e->tgid = ev->event_data.exit.process_tgid;
		return 1;
	default:
		return 0;
	}
}

static bool on_cn_msg(const struct nlmsghdr *h, const uint8_t *pl, size_t plen, void *ctx)
{
	struct cn_walk *w = ctx;
	struct proc_event ev;
	struct cn_msg cn;
	size_t evlen;
	int rc;

	(void)h;
	if (plen < sizeof(cn)) {
		(*w->bad)++;
		return true;
	}
	memcpy(&cn, pl, sizeof(cn));
	if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC)
		return true;
	evlen = cn.len;
	if (evlen > plen - sizeof(cn) ||
	    evlen < offsetof(struct proc_event, event_data)) {
		(*w->bad)++;
		return true;
	}
	memset(&ev, 0, sizeof(ev));
	memcpy(&ev, pl + sizeof(cn), evlen < sizeof(ev) ? evlen : sizeof(ev));
	if (w->n >= w->max)
		return false;
	rc = to_event(&ev, evlen, &w->out[w->n]);
	if (rc > 0)
		w->n++;
	else if (rc < 0)
		(*w->bad)++;
	return true;
}

size_t exitacct_parse_connector(const void *buf, size_t len, struct exitacct_event *out,
				size_t max, uint64_t *bad)
{
	struct cn_walk w = {.out = out, .max = max, .bad = bad};

	walk(buf, len, on_cn_msg, &w, bad);
	return w.n;
}

/* The error of an NLMSG_ERROR message: 0 ack, -errno, or 1 not an error. */
static int msg_error(const struct nlmsghdr *h, const uint8_t *pl, size_t plen)
{
	struct nlmsgerr e;

	if (h->nlmsg_type != NLMSG_ERROR)
		return 1;
	if (plen < sizeof(e.error))
		return -EBADMSG;
	memcpy(&e.error, pl, sizeof(e.error));
	return e.error > 0 ? -e.error : e.error;
}

/* The first message of a datagram; false when it does not fit. */
static bool first_msg(const void *buf, size_t len, struct nlmsghdr *h, const uint8_t **pl,
		      size_t *plen)
{
	if (len < NLMSG_HDRLEN)
		return false;
	memcpy(h, buf, sizeof(*h));
	if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len)
		return false;
	*pl = (const uint8_t *)buf + NLMSG_HDRLEN;
	*plen = h->nlmsg_len - NLMSG_HDRLEN;
	return true;
}

int exitacct_parse_family(const void *buf, size_t len)
{
	struct nlmsghdr h;
	const uint8_t *pl, *p, *end;
	size_t plen;
	struct attr a;
	int rc;

	if (!first_msg(buf, len, &h, &pl, &plen))
		return -EBADMSG;
	rc = msg_error(&h, pl, plen);
	if (rc <= 0)
		return rc ? rc : -EBADMSG;
	if (h.nlmsg_type != GENL_ID_CTRL || plen < GENL_HDRLEN)
		return -EBADMSG;
	end = pl + plen;
	for (p = pl + GENL_HDRLEN; p < end; p += a.step) {
		uint16_t id;

		if (!next_attr(p, end, &a))
			break;
		if (a.type == CTRL_ATTR_FAMILY_ID && a.len >= sizeof(id)) {
			memcpy(&id, a.val, sizeof(id));
			return id ? id : -EBADMSG;
		}
	}
	return -EBADMSG;
}

int exitacct_parse_ack(const void *buf, size_t len)
{
	struct nlmsghdr h;
	const uint8_t *pl;
	size_t plen;
	int rc;

	if (!first_msg(buf, len, &h, &pl, &plen))
		return -EBADMSG;
	rc = msg_error(&h, pl, plen);
	return rc == 1 ? -EBADMSG : rc;
}
