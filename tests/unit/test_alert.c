/* SPDX-License-Identifier: MIT */
/*
 * test_alert: the alert state machine on a fake clock and a fake metric
 * table: for-durations, flapping with and without hysteresis, cooldown,
 * unavailable metrics, acknowledge, severities, word comparisons, chained
 * lookups, and what a transition carries.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/alert.h"
#include "analysis/alert_metrics.h"
#include "analysis/rules.h"

#define S 1000 /* ms */
#define MAX_METRICS 8

/* A fake source: names with a number, a word, "unavailable", or absent. */
struct fake_metric {
	const char *name;
	enum alert_lookup_rc rc;
	bool is_word;
	double number;
	const char *word;
};

struct fake {
	struct fake_metric m[MAX_METRICS];
	int calls;
};

static enum alert_lookup_rc fake_lookup(void *ctx, const char *name,
					struct alert_value *out)
{
	struct fake *f = ctx;

	f->calls++;
	for (int i = 0; i < MAX_METRICS && f->m[i].name; i++) {
		if (strcmp(f->m[i].name, name))
			continue;
		if (f->m[i].rc != ALERT_VALUE)
			return f->m[i].rc;
		out->is_word = f->m[i].is_word;
		out->number = f->m[i].number;
		if (f->m[i].word)
			snprintf(out->word, sizeof(out->word), "%s", f->m[i].word);
		return ALERT_VALUE;
	}
	return ALERT_NOT_FOUND;
}

static struct fake_metric *slot(struct fake *f, const char *name)
{
	for (int i = 0; i < MAX_METRICS; i++) {
		if (!f->m[i].name)
			f->m[i].name = name;
		if (!strcmp(f->m[i].name, name))
			return &f->m[i];
	}
	fail_msg("fake table full");
	return NULL;
}

static void set_num(struct fake *f, const char *name, double v)
{
	struct fake_metric *m = slot(f, name);

	m->rc = ALERT_VALUE;
	m->is_word = false;
	m->number = v;
}

static void set_word(struct fake *f, const char *name, const char *w)
{
	struct fake_metric *m = slot(f, name);

	m->rc = ALERT_VALUE;
	m->is_word = true;
	m->word = w;
}

static void set_rc(struct fake *f, const char *name, enum alert_lookup_rc rc)
{
	slot(f, name)->rc = rc;
}

/* The rules of text (all must parse) in a new engine. */
static struct alert_engine *engine(const char *text)
{
	struct rule_set set;
	struct alert_engine *e;

	rule_set_init(&set);
	if (rules_parse(&set, text, "test", alert_metrics_name_valid))
		fail_msg("%s", set.errors[0]);
	e = alert_engine_new(&set);
	assert_int_equal(set.n, 0);
	assert_null(set.rules);
	rule_set_release(&set);
	return e;
}

static struct fake src;
static const struct alert_transition *tr;

static size_t eval(struct alert_engine *e, int64_t now)
{
	struct alert_lookup l = {fake_lookup, &src};

	return alert_engine_eval(e, now, &l, 1, &tr);
}

/* Evaluates and expects exactly one transition from -> to. */
static const struct alert_transition *moves(struct alert_engine *e, int64_t now,
					    enum alert_state from, enum alert_state to)
{
	size_t n = eval(e, now);

	if (n != 1)
		fail_msg("at %lld: %zu transitions, want 1 (%s -> %s)", (long long)now, n,
			 alert_state_name(from), alert_state_name(to));
	assert_int_equal(tr[0].from, from);
	assert_int_equal(tr[0].to, to);
	assert_int_equal(tr[0].t_ms, now);
	return &tr[0];
}

static void stays(struct alert_engine *e, int64_t now, enum alert_state state)
{
	struct alert_status st;
	size_t n = eval(e, now);

	if (n)
		fail_msg("at %lld: unexpected %s -> %s", (long long)now,
			 alert_state_name(tr[0].from), alert_state_name(tr[0].to));
	alert_engine_status(e, 0, &st);
	assert_int_equal(st.state, state);
}

static int reset(void **state)
{
	(void)state;
	memset(&src, 0, sizeof(src));
	tr = NULL;
	return 0;
}

static void test_for_duration(void **state)
{
	struct alert_engine *e = engine("cpu.total > 90% for 30s");
	const struct alert_transition *t;
	struct alert_status st;

	(void)state;
	set_num(&src, "cpu.total", 50);
	stays(e, 0, ALERT_INACTIVE);

	set_num(&src, "cpu.total", 95);
	t = moves(e, 1 * S, ALERT_INACTIVE, ALERT_PENDING);
	assert_string_equal(t->message, "cpu.total 95% > 90%, pending for 30s");
	stays(e, 11 * S, ALERT_PENDING);
	alert_engine_status(e, 0, &st);
	assert_int_equal(st.since_ms, 1 * S);

	/* it stops before the 30 s: back to inactive, nothing fired */
	set_num(&src, "cpu.total", 80);
	t = moves(e, 21 * S, ALERT_PENDING, ALERT_INACTIVE);
	assert_string_equal(t->message, "cpu.total 80%, no longer > 90% before 30s");

	/* the clock starts again from the next true sample */
	set_num(&src, "cpu.total", 95);
	moves(e, 30 * S, ALERT_INACTIVE, ALERT_PENDING);
	stays(e, 59 * S, ALERT_PENDING);
	t = moves(e, 60 * S, ALERT_PENDING, ALERT_FIRING);
	assert_string_equal(t->message, "cpu.total 95% > 90% for 30s");
	stays(e, 61 * S, ALERT_FIRING);
	alert_engine_status(e, 0, &st);
	assert_int_equal(st.since_ms, 60 * S);

	set_num(&src, "cpu.total", 90);
	t = moves(e, 70 * S, ALERT_FIRING, ALERT_RESOLVED);
	assert_string_equal(t->message, "cpu.total 90% <= 90%, resolved");
	stays(e, 71 * S, ALERT_RESOLVED);

	/* resolved without cooldown behaves as inactive */
	set_num(&src, "cpu.total", 99);
	moves(e, 72 * S, ALERT_RESOLVED, ALERT_PENDING);
	alert_engine_free(e);
}

static void test_fires_at_once_without_for(void **state)
{
	struct alert_engine *e = engine("target.rss > 2GiB severity=critical");
	const struct alert_transition *t;

	(void)state;
	set_num(&src, "target.rss", 2.3 * 1024 * 1024 * 1024);
	t = moves(e, 5, ALERT_INACTIVE, ALERT_FIRING);
	assert_string_equal(t->message, "target.rss 2.3 GiB > 2 GiB");
	assert_int_equal(t->severity, RULE_CRITICAL);
	assert_true(t->value == 2.3 * 1024 * 1024 * 1024);
	assert_string_equal(t->word, "");
	alert_engine_free(e);
}

/* A value hovering at the threshold: hysteresis turns 6 transitions into 2. */
static void test_flapping_and_hysteresis(void **state)
{
	static const double values[] = {95, 89, 91, 85, 92, 88, 93, 79, 85};
	struct alert_engine *e = engine("cpu.total > 90% clear=80%\n"
					"cpu.total > 90%\n");
	size_t per_rule[2] = {0, 0};

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		size_t n;

		set_num(&src, "cpu.total", values[i]);
		n = eval(e, (int64_t)i * S);
		for (size_t k = 0; k < n; k++)
			per_rule[tr[k].rule]++;
		if (i == 7) { /* 79: past clear, the hysteresis rule resolves now */
			assert_true(n >= 1);
			assert_int_equal(tr[0].rule, 0);
			assert_int_equal(tr[0].to, ALERT_RESOLVED);
			assert_string_equal(tr[0].message,
					    "cpu.total 79% <= 80%, resolved");
		}
	}
	assert_int_equal(per_rule[0], 2); /* fired once, resolved once */
	assert_int_equal(per_rule[1], 8); /* fired and resolved on every crossing */
	alert_engine_free(e);
}

static void test_hysteresis_below(void **state)
{
	struct alert_engine *e = engine("mem.available < 256MiB clear=512MiB");
	const struct alert_transition *t;

	(void)state;
	set_num(&src, "mem.available", 200.0 * 1024 * 1024);
	moves(e, 0, ALERT_INACTIVE, ALERT_FIRING);
	set_num(&src, "mem.available", 300.0 * 1024 * 1024);
	stays(e, 1 * S, ALERT_FIRING);
	set_num(&src, "mem.available", 512.0 * 1024 * 1024);
	t = moves(e, 2 * S, ALERT_FIRING, ALERT_RESOLVED);
	assert_string_equal(t->message, "mem.available 512 MiB >= 512 MiB, resolved");
	assert_true(t->clear == 512.0 * 1024 * 1024);
	assert_true(t->threshold == 256.0 * 1024 * 1024);
	alert_engine_free(e);
}

static void test_cooldown(void **state)
{
	struct alert_engine *e = engine("load.1 > 4 cooldown=1m\n");
	struct alert_status st;

	(void)state;
	set_num(&src, "load.1", 5);
	moves(e, 0, ALERT_INACTIVE, ALERT_FIRING);
	set_num(&src, "load.1", 3);
	moves(e, 10 * S, ALERT_FIRING, ALERT_RESOLVED);
	alert_engine_status(e, 0, &st);
	assert_int_equal(st.cooldown_until_ms, 70 * S);

	/* flapping inside the cooldown: nothing */
	for (int64_t t = 11; t < 70; t += 5) {
		set_num(&src, "load.1", t % 2 ? 9 : 1);
		stays(e, t * S, ALERT_RESOLVED);
	}
	set_num(&src, "load.1", 9);
	stays(e, 70 * S - 1, ALERT_RESOLVED);
	moves(e, 70 * S, ALERT_RESOLVED, ALERT_FIRING);
	alert_engine_status(e, 0, &st);
	assert_int_equal(st.cooldown_until_ms, 0);
	alert_engine_free(e);
}

static void test_cooldown_with_for(void **state)
{
	struct alert_engine *e = engine("load.1 > 4 for 10s cooldown=1m\n");

	(void)state;
	set_num(&src, "load.1", 5);
	moves(e, 0, ALERT_INACTIVE, ALERT_PENDING);
	moves(e, 10 * S, ALERT_PENDING, ALERT_FIRING);
	set_num(&src, "load.1", 1);
	moves(e, 20 * S, ALERT_FIRING, ALERT_RESOLVED);
	/* true all through the cooldown: not even pending until it ends */
	set_num(&src, "load.1", 5);
	stays(e, 30 * S, ALERT_RESOLVED);
	stays(e, 79 * S, ALERT_RESOLVED);
	moves(e, 80 * S, ALERT_RESOLVED, ALERT_PENDING);
	stays(e, 89 * S, ALERT_PENDING);
	moves(e, 90 * S, ALERT_PENDING, ALERT_FIRING);
	alert_engine_free(e);
}

static void test_unavailable_keeps_state(void **state)
{
	struct alert_engine *e = engine("target.rss > 1GiB\n"
					"target.cpu > 100% for 10s\n");
	struct alert_status st;
	size_t n;

	(void)state;
	set_num(&src, "target.rss", 2e9);
	set_num(&src, "target.cpu", 150);
	n = eval(e, 0);
	assert_int_equal(n, 2);
	assert_int_equal(tr[0].to, ALERT_FIRING);
	assert_int_equal(tr[1].to, ALERT_PENDING);

	/* the target went away: neither resolves nor fires */
	set_rc(&src, "target.rss", ALERT_UNAVAILABLE);
	set_rc(&src, "target.cpu", ALERT_UNAVAILABLE);
	for (int64_t t = 1; t <= 30; t++)
		assert_int_equal(eval(e, t * S), 0);
	alert_engine_status(e, 0, &st);
	assert_int_equal(st.state, ALERT_FIRING);
	assert_false(st.available);
	assert_true(st.last.number == 2e9); /* the last value seen is kept */
	alert_engine_status(e, 1, &st);
	assert_int_equal(st.state, ALERT_PENDING);
	assert_int_equal(st.since_ms, 0);

	/* back and still true: the pending clock ran through the gap */
	set_num(&src, "target.cpu", 150);
	set_num(&src, "target.rss", 2e9);
	n = eval(e, 31 * S);
	assert_int_equal(n, 1);
	assert_int_equal(tr[0].rule, 1);
	assert_int_equal(tr[0].to, ALERT_FIRING);
	alert_engine_status(e, 0, &st);
	assert_true(st.available);

	/* a name no lookup knows is unavailable too; so is NaN */
	set_rc(&src, "target.rss", ALERT_NOT_FOUND);
	set_num(&src, "target.cpu", NAN);
	assert_int_equal(eval(e, 40 * S), 0);
	alert_engine_status(e, 0, &st);
	assert_int_equal(st.state, ALERT_FIRING);
	assert_false(st.available);
	alert_engine_status(e, 1, &st);
	assert_int_equal(st.state, ALERT_FIRING);
	assert_false(st.available);
	alert_engine_free(e);
}

static void test_ack(void **state)
{
	struct alert_engine *e = engine("load.1 > 4 name=busy severity=info\n");
	struct alert_transition t;
	struct alert_status st;

	(void)state;
	assert_int_equal(alert_engine_ack(e, 0, 0, &t), -1); /* inactive */
	assert_int_equal(alert_engine_ack(e, 1, 0, &t), -1); /* no such rule */
	set_num(&src, "load.1", 6);
	moves(e, 1 * S, ALERT_INACTIVE, ALERT_FIRING);

	assert_int_equal(alert_engine_ack(e, 0, 2 * S, &t), 0);
	assert_int_equal(t.from, ALERT_FIRING);
	assert_int_equal(t.to, ALERT_ACKED);
	assert_int_equal(t.t_ms, 2 * S);
	assert_int_equal(t.severity, RULE_INFO);
	assert_string_equal(t.name, "busy");
	assert_true(t.value == 6);
	assert_string_equal(t.message, "acknowledged: load.1 6 > 4");
	alert_engine_status(e, 0, &st);
	assert_int_equal(st.state, ALERT_ACKED);
	assert_int_equal(alert_engine_ack(e, 0, 3 * S, &t), -1); /* already */

	/* acked stays quiet while true and resolves like firing */
	stays(e, 4 * S, ALERT_ACKED);
	set_num(&src, "load.1", 1);
	moves(e, 5 * S, ALERT_ACKED, ALERT_RESOLVED);
	assert_int_equal(alert_engine_ack(e, 0, 6 * S, &t), -1);
	alert_engine_free(e);
}

static void test_severities(void **state)
{
	struct alert_engine *e = engine("load.1 > 1 severity=info\n"
					"load.1 > 1\n"
					"load.1 > 1 severity=critical\n");

	(void)state;
	set_num(&src, "load.1", 2);
	assert_int_equal(eval(e, 0), 3);
	assert_int_equal(tr[0].severity, RULE_INFO);
	assert_int_equal(tr[1].severity, RULE_WARNING);
	assert_int_equal(tr[2].severity, RULE_CRITICAL);
	assert_string_equal(rule_severity_name(tr[0].severity), "info");
	assert_string_equal(rule_severity_name(tr[1].severity), "warning");
	assert_string_equal(rule_severity_name(tr[2].severity), "critical");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tr[i].rule, i);
		assert_int_equal(tr[i].to, ALERT_FIRING);
	}
	alert_engine_free(e);
}

static void test_words(void **state)
{
	struct alert_engine *e = engine("memory.verdict == leak-suspect\n"
					"memory.verdict != steady\n");
	const struct alert_transition *t;
	struct alert_status st;
	size_t n;

	(void)state;
	set_word(&src, "memory.verdict", "steady");
	assert_int_equal(eval(e, 0), 0);

	set_word(&src, "memory.verdict", "leak-suspect");
	n = eval(e, 1 * S);
	assert_int_equal(n, 2);
	t = &tr[0];
	assert_int_equal(t->to, ALERT_FIRING);
	assert_true(isnan(t->value));
	assert_string_equal(t->word, "leak-suspect");
	assert_string_equal(t->message, "memory.verdict leak-suspect == leak-suspect");
	assert_string_equal(tr[1].message, "memory.verdict leak-suspect != steady");

	set_word(&src, "memory.verdict", "growing");
	n = eval(e, 2 * S);
	assert_int_equal(n, 1); /* != steady still holds */
	assert_int_equal(tr[0].rule, 0);
	assert_int_equal(tr[0].to, ALERT_RESOLVED);
	assert_string_equal(tr[0].message,
			    "memory.verdict growing, no longer == leak-suspect");

	/* a number where a word belongs counts as unavailable */
	set_num(&src, "memory.verdict", 1);
	assert_int_equal(eval(e, 3 * S), 0);
	alert_engine_status(e, 1, &st);
	assert_false(st.available);
	assert_int_equal(st.state, ALERT_FIRING);
	alert_engine_free(e);
}

static void test_chained_lookups(void **state)
{
	struct alert_engine *e = engine("cpu.total > 90%\n"
					"latency.timer.api.p99 > 250ms\n");
	struct fake first = {0}, second = {0};
	const struct alert_lookup chain[] = {{fake_lookup, &first},
					     {fake_lookup, &second}};
	size_t n;

	(void)state;
	/* first knows cpu.total but has no value now; second would say 99 */
	first.m[0] = (struct fake_metric){.name = "cpu.total", .rc = ALERT_UNAVAILABLE};
	second.m[0] = (struct fake_metric){.name = "cpu.total", .number = 99};
	second.m[1] =
		(struct fake_metric){.name = "latency.timer.api.p99", .number = 300};
	n = alert_engine_eval(e, 0, chain, 2, &tr);
	assert_int_equal(n, 1);
	assert_int_equal(tr[0].rule, 1); /* answered by the second lookup */
	assert_string_equal(tr[0].message, "latency.timer.api.p99 300ms > 250ms");
	assert_int_equal(first.calls, 2);
	assert_int_equal(second.calls,
			 1); /* only for latency: UNAVAILABLE stops the chain */

	/* the real frame lookup first: it leaves latency.* to the next */
	{
		struct frame f = {0};
		struct alert_metrics m = {.cur = &f, .prev = NULL, .clk_tck = 100};
		const struct alert_lookup real[] = {{alert_metrics_lookup, &m},
						    {fake_lookup, &second}};

		second.calls = 0;
		second.m[1].number = 100;
		n = alert_engine_eval(e, 1 * S, real, 2, &tr);
		assert_int_equal(n, 1);
		assert_int_equal(tr[0].to, ALERT_RESOLVED);
		assert_int_equal(second.calls,
				 1); /* cpu.total was answered (unavailable) */
	}
	alert_engine_free(e);
}

static void test_transition_fields(void **state)
{
	struct alert_engine *e = engine("target.cpu > 150% for 10s name=\"hot target\" "
					"action=profile:10s action=exec:/bin/true "
					"action=log:/tmp/x.jsonl\n");
	const struct alert_transition *t;
	const struct rule *r = alert_engine_rule(e, 0);
	struct action_alert view;

	(void)state;
	assert_int_equal(alert_engine_count(e), 1);
	assert_null(alert_engine_rule(e, 1));
	set_num(&src, "target.cpu", 180);
	moves(e, 100, ALERT_INACTIVE, ALERT_PENDING);
	t = moves(e, 10100, ALERT_PENDING, ALERT_FIRING);
	assert_int_equal(t->rule, 0);
	assert_ptr_equal(t->text, r->text);
	assert_string_equal(t->text, "target.cpu > 150% for 10s name=\"hot target\" "
				     "action=profile:10s action=exec:/bin/true "
				     "action=log:/tmp/x.jsonl");
	assert_string_equal(t->name, "hot target");
	assert_string_equal(t->metric, "target.cpu");
	assert_true(t->threshold == 150);
	assert_true(t->clear == 150);
	assert_int_equal(t->unit, RULE_UNIT_PERCENT);
	assert_int_equal(t->nactions, 3);
	assert_ptr_equal(t->actions, r->actions);
	assert_string_equal(t->message, "target.cpu 180% > 150% for 10s");

	/* which actions run on which transition */
	assert_true(alert_action_due(&t->actions[0], ALERT_FIRING));
	assert_false(alert_action_due(&t->actions[0], ALERT_RESOLVED));
	assert_true(alert_action_due(&t->actions[1], ALERT_FIRING));
	assert_true(alert_action_due(&t->actions[1], ALERT_RESOLVED));
	assert_false(alert_action_due(&t->actions[1], ALERT_PENDING));
	assert_true(alert_action_due(&t->actions[2], ALERT_PENDING));
	assert_true(alert_action_due(&t->actions[2], ALERT_ACKED));
	assert_true(alert_action_due(&t->actions[2], ALERT_INACTIVE));

	alert_transition_view(t, &view);
	assert_string_equal(view.rule, t->text);
	assert_string_equal(view.name, "hot target");
	assert_string_equal(view.severity, "warning");
	assert_string_equal(view.state, "firing");
	assert_string_equal(view.from, "pending");
	assert_true(view.value == 180);
	assert_true(view.threshold == 150);
	assert_string_equal(view.word, "");
	assert_int_equal(view.t_ms, 10100);
	alert_engine_free(e);
}

static void test_empty_engine(void **state)
{
	struct rule_set set;
	struct alert_engine *e;
	struct alert_status st;

	(void)state;
	rule_set_init(&set);
	e = alert_engine_new(&set);
	assert_int_equal(alert_engine_count(e), 0);
	assert_int_equal(eval(e, 0), 0);
	alert_engine_status(e, 3, &st);
	assert_int_equal(st.state, ALERT_INACTIVE);
	alert_engine_free(e);
	alert_engine_free(NULL);
	for (int s = 0; s <= ALERT_ACKED; s++)
		assert_non_null(alert_state_name((enum alert_state)s));
	assert_string_equal(alert_state_name(ALERT_ACKED), "acked");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_for_duration, reset),
		cmocka_unit_test_setup(test_fires_at_once_without_for, reset),
		cmocka_unit_test_setup(test_flapping_and_hysteresis, reset),
		cmocka_unit_test_setup(test_hysteresis_below, reset),
		cmocka_unit_test_setup(test_cooldown, reset),
		cmocka_unit_test_setup(test_cooldown_with_for, reset),
		cmocka_unit_test_setup(test_unavailable_keeps_state, reset),
		cmocka_unit_test_setup(test_ack, reset),
		cmocka_unit_test_setup(test_severities, reset),
		cmocka_unit_test_setup(test_words, reset),
		cmocka_unit_test_setup(test_chained_lookups, reset),
		cmocka_unit_test_setup(test_transition_fields, reset),
		cmocka_unit_test_setup(test_empty_engine, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
