/* SPDX-License-Identifier: MIT */
/*
 * alert: the per-rule state machine (see alert.h for the states and moves).
 * The engine keeps, per rule, the state, when it was entered, when the rule
 * last resolved (for cooldown) and the last value seen; the transition buffer
 * has one slot per rule because a rule moves at most once per evaluation.
 */
#include "analysis/alert.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "core/xalloc.h"

struct rule_state {
	enum alert_state state;
	int64_t since_ms;
	int64_t resolved_ms;
	bool resolved_once; /* resolved_ms is meaningful */
	bool available;
	bool has_last;
	struct alert_value last;
};

struct alert_engine {
	struct rule *rules; /* owned, n entries */
	size_t n;
	struct rule_state *st;		  /* owned, n entries */
	struct alert_transition *changes; /* owned, n entries: eval's output */
};

static const char *const state_names[] = {"inactive", "pending", "firing", "resolved",
					  "acked"};

const char *alert_state_name(enum alert_state s)
{
	return state_names[s];
}

bool alert_action_due(const struct rule_action *a, enum alert_state to)
{
	switch (a->kind) {
	case RULE_ACTION_PROFILE:
		return to == ALERT_FIRING;
	case RULE_ACTION_EXEC:
		return to == ALERT_FIRING || to == ALERT_RESOLVED;
	case RULE_ACTION_LOG:
		return true;
	}
	return false;
}

struct alert_engine *alert_engine_new(struct rule_set *set)
{
	struct alert_engine *e = xcalloc(1, sizeof(*e));

	e->rules = set->rules;
	e->n = set->n;
	set->rules = NULL;
	set->n = set->cap = 0;
	e->st = xcalloc(e->n ? e->n : 1, sizeof(*e->st));
	e->changes = xcalloc(e->n ? e->n : 1, sizeof(*e->changes));
	return e;
}

void alert_engine_free(struct alert_engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		rule_release(&e->rules[i]);
	free(e->rules);
	free(e->st);
	free(e->changes);
	free(e);
}

size_t alert_engine_count(const struct alert_engine *e)
{
	return e->n;
}

const struct rule *alert_engine_rule(const struct alert_engine *e, size_t i)
{
	return i < e->n ? &e->rules[i] : NULL;
}

void alert_engine_status(const struct alert_engine *e, size_t i, struct alert_status *out)
{
	const struct rule_state *st;

	memset(out, 0, sizeof(*out));
	if (i >= e->n)
		return;
	st = &e->st[i];
	out->state = st->state;
	out->since_ms = st->since_ms;
	out->available = st->available;
	if (st->has_last)
		out->last = st->last;
	else
		out->last.number = NAN;
	if (st->state == ALERT_RESOLVED && st->resolved_once &&
	    e->rules[i].cooldown_ms > 0)
		out->cooldown_until_ms = st->resolved_ms + e->rules[i].cooldown_ms;
}

/* ---- messages ---- */

/* The comparison that holds while a rule resolves: the negation of op. */
static const char *negated_op(enum rule_op op)
{
	static const char *const neg[] = {"<=", "<", ">=", ">", "!=", "=="};

	return neg[op];
}

static void describe(const struct rule *r, const struct alert_value *v,
		     enum alert_state to, char *buf, size_t len)
{
	char val[64], thr[64], clr[64], dur[32];

	if (v->is_word) {
		snprintf(val, sizeof(val), "%s", v->word);
		snprintf(thr, sizeof(thr), "%s", r->word ? r->word : "");
		snprintf(clr, sizeof(clr), "%s", thr);
	} else {
		rule_format_value(r->unit, v->number, val, sizeof(val));
		rule_format_value(r->unit, r->threshold, thr, sizeof(thr));
		rule_format_value(r->unit, r->clear, clr, sizeof(clr));
	}
	duration_format(r->for_ms, dur, sizeof(dur));

	switch (to) {
	case ALERT_PENDING:
		snprintf(buf, len, "%s %s %s %s, pending for %s", r->metric, val,
			 rule_op_name(r->op), thr, dur);
		break;
	case ALERT_FIRING:
		if (r->for_ms)
			snprintf(buf, len, "%s %s %s %s for %s", r->metric, val,
				 rule_op_name(r->op), thr, dur);
		else
			snprintf(buf, len, "%s %s %s %s", r->metric, val,
				 rule_op_name(r->op), thr);
		break;
	case ALERT_INACTIVE:
		snprintf(buf, len, "%s %s, no longer %s %s before %s", r->metric, val,
			 rule_op_name(r->op), thr, dur);
		break;
	case ALERT_RESOLVED:
		if (r->op == RULE_EQ || r->op == RULE_NE)
			snprintf(buf, len, "%s %s, no longer %s %s", r->metric, val,
				 rule_op_name(r->op), thr);
		else
			snprintf(buf, len, "%s %s %s %s, resolved", r->metric, val,
				 negated_op(r->op), clr);
		break;
	case ALERT_ACKED:
		snprintf(buf, len, "acknowledged: %s %s %s %s", r->metric, val,
			 rule_op_name(r->op), thr);
		break;
	}
}

static void fill(const struct alert_engine *e, size_t i, const struct alert_value *v,
		 enum alert_state from, enum alert_state to, int64_t now_ms,
		 struct alert_transition *t)
{
	const struct rule *r = &e->rules[i];

	memset(t, 0, sizeof(*t));
	t->rule = i;
	t->text = r->text;
	t->name = r->name;
	t->metric = r->metric;
	t->severity = r->severity;
	t->from = from;
	t->to = to;
	t->value = v->is_word ? NAN : v->number;
	if (v->is_word)
		snprintf(t->word, sizeof(t->word), "%s", v->word);
	t->threshold = r->threshold;
	t->clear = r->clear;
	t->unit = r->unit;
	t->t_ms = now_ms;
	t->actions = r->actions;
	t->nactions = r->nactions;
	describe(r, v, to, t->message, sizeof(t->message));
}

/* ---- evaluation ---- */

/* The first answer of the chain; ALERT_UNAVAILABLE when nobody knows the name. */
static enum alert_lookup_rc lookup(const struct alert_lookup *lookups, size_t nlookups,
				   const char *name, struct alert_value *v)
{
	for (size_t k = 0; k < nlookups; k++) {
		enum alert_lookup_rc rc;

		memset(v, 0, sizeof(*v));
		rc = lookups[k].fn(lookups[k].ctx, name, v);
		if (rc != ALERT_NOT_FOUND)
			return rc;
	}
	return ALERT_UNAVAILABLE;
}

static bool cooling(const struct rule *r, const struct rule_state *st, int64_t now_ms)
{
	return st->state == ALERT_RESOLVED && st->resolved_once && r->cooldown_ms > 0 &&
	       now_ms - st->resolved_ms < r->cooldown_ms;
}

/* Moves rule i for value v; returns the new state (== the old: no move). */
static enum alert_state step(const struct rule *r, struct rule_state *st,
			     const struct alert_value *v, int64_t now_ms)
{
	bool cond, resolving;

	if (r->word) {
		bool same = strcmp(v->word, r->word) == 0;

		cond = r->op == RULE_EQ ? same : !same;
		resolving = !cond;
	} else {
		cond = rule_compare(r->op, v->number, r->threshold);
		resolving = !rule_compare(r->op, v->number, r->clear);
	}

	switch (st->state) {
	case ALERT_RESOLVED:
		if (cooling(r, st, now_ms))
			return st->state;
		/* fall through */
	case ALERT_INACTIVE:
		if (!cond)
			return st->state;
		return r->for_ms > 0 ? ALERT_PENDING : ALERT_FIRING;
	case ALERT_PENDING:
		if (!cond)
			return ALERT_INACTIVE;
		return now_ms - st->since_ms >= r->for_ms ? ALERT_FIRING : ALERT_PENDING;
	case ALERT_FIRING:
	case ALERT_ACKED:
		return resolving ? ALERT_RESOLVED : st->state;
	}
	return st->state;
}

size_t alert_engine_eval(struct alert_engine *e, int64_t now_ms,
			 const struct alert_lookup *lookups, size_t nlookups,
			 const struct alert_transition **out)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n; i++) {
		const struct rule *r = &e->rules[i];
		struct rule_state *st = &e->st[i];
		struct alert_value v;
		enum alert_state to;

		if (lookup(lookups, nlookups, r->metric, &v) != ALERT_VALUE ||
		    v.is_word != (r->word != NULL) || (!v.is_word && isnan(v.number))) {
			st->available = false;
			continue;
		}
		v.word[sizeof(v.word) - 1] = '\0';
		st->available = true;
		st->has_last = true;
		st->last = v;

		to = step(r, st, &v, now_ms);
		if (to == st->state)
			continue;
		fill(e, i, &v, st->state, to, now_ms, &e->changes[n++]);
		st->state = to;
		st->since_ms = now_ms;
		if (to == ALERT_RESOLVED) {
			st->resolved_ms = now_ms;
			st->resolved_once = true;
		}
	}
	*out = e->changes;
	return n;
}

int alert_engine_ack(struct alert_engine *e, size_t i, int64_t now_ms,
		     struct alert_transition *out)
{
	struct rule_state *st;
	struct alert_value v = {.number = NAN};

	if (i >= e->n || e->st[i].state != ALERT_FIRING)
		return -1;
	st = &e->st[i];
	if (st->has_last)
		v = st->last;
	else if (e->rules[i].word)
		v.is_word = true;
	fill(e, i, &v, ALERT_FIRING, ALERT_ACKED, now_ms, out);
	st->state = ALERT_ACKED;
	st->since_ms = now_ms;
	return 0;
}

void alert_transition_view(const struct alert_transition *t, struct action_alert *out)
{
	memset(out, 0, sizeof(*out));
	out->rule = t->text;
	out->name = t->name;
	out->metric = t->metric;
	out->severity = rule_severity_name(t->severity);
	out->state = alert_state_name(t->to);
	out->from = alert_state_name(t->from);
	out->value = t->value;
	out->word = t->word;
	out->threshold = t->unit == RULE_UNIT_WORD ? NAN : t->threshold;
	out->message = t->message;
	out->t_ms = t->t_ms;
}
