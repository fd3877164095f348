/* SPDX-License-Identifier: MIT */
/*
 * alert: the alert engine. It holds the rules and one state per rule, and on
 * every evaluation (one per tick) looks each rule's metric up and moves its
 * state; every change of state is returned as a transition, which the caller
 * stores as a row, shows, and hands to the actions. No I/O, no clock: time is
 * the now_ms the caller passes (wall ms, as stored), so tests use a fake one.
 *
 * States and moves (cond = "value OP threshold"; resolving = the value crossed
 * back past clear=, i.e. !(value OP clear); clear defaults to the threshold):
 *
 *   inactive/resolved --cond, for = 0-----------------> firing
 *   inactive/resolved --cond, for > 0-----------------> pending
 *   pending  --!cond----------------------------------> inactive
 *   pending  --cond held for `for` (since it started)-> firing
 *   firing   --alert_engine_ack()---------------------> acked
 *   firing/acked --resolving--------------------------> resolved
 *
 * - Cooldown: for cooldown ms after resolving, a rule stays resolved whatever
 *   its value (it does not even go pending), so a flapping metric yields at
 *   most one firing per cooldown. Hysteresis (clear=) keeps a value hovering
 *   at the threshold from resolving and firing again on every tick.
 * - Unavailable metrics: when no lookup has a value for the metric (no target
 *   attached, a file unreadable this tick, a name no lookup resolves) the
 *   rule neither fires nor resolves and no transition is made: its state and
 *   timers are kept as they were. A pending rule's `for` clock keeps running
 *   across the gap (the condition was never seen false), so it may fire on the
 *   first tick its metric is back and still true.
 * - A word rule (memory.verdict == leak-suspect) compares strings; a number
 *   where a word was expected (or the reverse) counts as unavailable.
 * - At most one transition per rule per evaluation.
 *
 * Lookups are chained: alert_engine_eval() takes an array of them and asks
 * each in order until one answers ALERT_VALUE or ALERT_UNAVAILABLE;
 * ALERT_NOT_FOUND means "not my name, ask the next". So alert_metrics_lookup
 * (frame metrics) comes first, the integrator's resolver for latency.timer.*,
 * memory.verdict, target.run_wait_share and target.io_delay after it.
 *
 * Not thread-safe: one thread (the sampler's consumer) owns an engine.
 */
#ifndef VIGIL_ANALYSIS_ALERT_H
#define VIGIL_ANALYSIS_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/rules.h"
#include "core/actions.h"

#define ALERT_WORD_MAX 64
#define ALERT_MESSAGE_MAX 256

enum alert_state {
	ALERT_INACTIVE,
	ALERT_PENDING,
	ALERT_FIRING,
	ALERT_RESOLVED,
	ALERT_ACKED
};

/* What a lookup answers. */
enum alert_lookup_rc {
	ALERT_VALUE = 0,       /* *out holds the value */
	ALERT_UNAVAILABLE = 1, /* the name is mine, but there is no value now */
	ALERT_NOT_FOUND = 2,   /* not a name I resolve: ask the next lookup */
};

struct alert_value {
	bool is_word;
	double number;		   /* when !is_word */
	char word[ALERT_WORD_MAX]; /* when is_word; NUL-terminated */
};

/* Resolves one metric name. Must not keep name or out. */
typedef enum alert_lookup_rc (*alert_lookup_fn)(void *ctx, const char *name,
						struct alert_value *out);

struct alert_lookup {
	alert_lookup_fn fn;
	void *ctx;
};

struct alert_transition {
	size_t rule;	    /* index into the engine's rules */
	const char *text;   /* borrowed from the rule: valid while the engine lives */
	const char *name;   /* borrowed, as text */
	const char *metric; /* borrowed, as text */
	enum rule_severity severity;
	enum alert_state from, to;
	double value;		   /* the value that moved it; NaN for words */
	char word[ALERT_WORD_MAX]; /* the word that moved it; "" for numbers */
	double threshold, clear;   /* the rule's, in its unit's base */
	enum rule_unit unit;
	char message[ALERT_MESSAGE_MAX]; /* "target.rss 2.3 GiB > 2 GiB for 10s" */
	int64_t t_ms;
	const struct rule_action *actions; /* borrowed: all the rule's actions; */
	size_t nactions;		   /* see alert_action_due() */
};

/* Where a rule stands, for the console's alert list. */
struct alert_status {
	enum alert_state state;
	int64_t since_ms; /* when it entered the state (pending: when cond began) */
	bool available;	  /* the last evaluation found a value */
	struct alert_value last;   /* the last value seen, if any was */
	int64_t cooldown_until_ms; /* resolved with a cooldown: when it ends; else 0 */
};

struct alert_engine;

/*
 * Takes over the rules of set (set->rules is emptied; its error messages stay
 * with the caller). Every rule starts inactive. Returns an engine the caller
 * frees with alert_engine_free().
 */
struct alert_engine *alert_engine_new(struct rule_set *set);
void alert_engine_free(struct alert_engine *e);

size_t alert_engine_count(const struct alert_engine *e);
const struct rule *alert_engine_rule(const struct alert_engine *e, size_t i);
void alert_engine_status(const struct alert_engine *e, size_t i,
			 struct alert_status *out);

/*
 * Evaluates every rule at now_ms against the chained lookups. Returns the
 * number of transitions made and points *out at them (an array the engine
 * owns, valid until the next alert_engine_eval or alert_engine_free).
 */
size_t alert_engine_eval(struct alert_engine *e, int64_t now_ms,
			 const struct alert_lookup *lookups, size_t nlookups,
			 const struct alert_transition **out);

/*
 * Acknowledges rule i, which must be firing: it goes to acked (it still
 * resolves as a firing alert does, it is just known to the operator). Fills
 * *out with the transition. Returns 0, or -1 when the rule is not firing or i
 * is out of range.
 */
int alert_engine_ack(struct alert_engine *e, size_t i, int64_t now_ms,
		     struct alert_transition *out);

/*
 * Whether action a runs on a transition into state `to`: profile on firing,
 * exec on firing and resolved, log on every transition.
 */
bool alert_action_due(const struct rule_action *a, enum alert_state to);

/*
 * Fills the flat view core/actions takes (exec, log). Every pointer borrows
 * from t, which must outlive out.
 */
void alert_transition_view(const struct alert_transition *t, struct action_alert *out);

/* "inactive", "pending", "firing", "resolved", "acked". */
const char *alert_state_name(enum alert_state s);

#endif
