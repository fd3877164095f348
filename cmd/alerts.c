/* SPDX-License-Identifier: MIT */
/*
 * alerts (cmd): see alerts.h. The engine (analysis/alert) decides; this file
 * feeds it values, turns its transitions into frame rows and runs actions.
 *
 * Values come from two lookups in turn: analysis/alert_metrics answers the
 * names a frame holds directly; the one here answers the derived ones
 * (target.run_wait_share, target.io_delay) from this frame and the previous.
 */
#include "cmd/alerts.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/alert.h"
#include "analysis/alert_metrics.h"
#include "analysis/alert_top.h"
#include "cmd/cli.h"
#include "core/action_worker.h"
#include "core/hdr.h"
#include "core/log.h"
#include "core/rates.h"
#include "core/xalloc.h"

/* assets/alerts.conf, compiled in by the Makefile */
extern const char vigil_default_alerts[];

#define ACK_MAX 16
#define RULES_FILE_MAX (1 << 20)

struct alerts {
	struct alert_engine *engine;
	char **errors;
	size_t nerrors;
	struct action_worker *actions;	   /* log: and exec: run there, never here */
	struct action_counts final_counts; /* once the worker has stopped */
	void (*on_profile)(void *ctx, int64_t ms, const char *rule);
	void *profile_ctx;

	pthread_mutex_t lock; /* guards acks and pending */
	char *acks[ACK_MAX];
	size_t nacks;
	struct alert_engine *pending; /* reloaded rules, taken at the next eval */
};

/* Reads a whole rules file; NULL with errno on failure. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = xmalloc(RULES_FILE_MAX + 1);
	n = fread(buf, 1, RULES_FILE_MAX, f);
	if (ferror(f) || !feof(f)) {
		int e = ferror(f) ? EIO : EFBIG;

		fclose(f);
		free(buf);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static char *user_rules_path(void)
{
	const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (cfg && cfg[0] == '/')
		return xasprintf("%s/vigil/alerts.conf", cfg);
	if (home && home[0])
		return xasprintf("%s/.config/vigil/alerts.conf", home);
	return NULL;
}

/*
 * The defaults, then path (or the user's file): the rule set into *set, or
 * -1 with err when an explicit path cannot be read.
 */
static int load_rules(const char *path, struct rule_set *set, char *note, size_t notelen,
		      char *err, size_t errlen)
{
	char *user = path ? xstrdup(path) : user_rules_path();
	char *text = NULL;

	rule_set_init(set);
	rules_parse(set, vigil_default_alerts, "(built-in alerts)",
		    alert_metrics_name_valid);
	if (user) {
		text = read_file(user);
		if (!text && path) {
			snprintf(err, errlen, "cannot read alert rules '%s': %s", path,
				 strerror(errno));
			free(user);
			rule_set_release(set);
			return -1;
		}
		if (text)
			rules_parse(set, text, user, alert_metrics_name_valid);
	}
	free(text);
	free(user);
	rule_set_summary(set, note, notelen);
	return 0;
}

struct alerts *alerts_new(const char *path, char *note, size_t notelen, char *err,
			  size_t errlen)
{
	struct rule_set set;
	struct alerts *a;

	if (load_rules(path, &set, note, notelen, err, errlen) < 0)
		return NULL;
	a = xcalloc(1, sizeof(*a));
	a->errors = set.errors;
	a->nerrors = set.nerrors;
	set.errors = NULL;
	set.nerrors = 0;
	a->engine = alert_engine_new(&set);
	rule_set_release(&set);
	a->actions = action_worker_start(0, 0, 0);
	pthread_mutex_init(&a->lock, NULL);
	return a;
}

int alerts_reload(struct alerts *a, const char *path, char *note, size_t notelen,
		  char *err, size_t errlen)
{
	struct rule_set set;
	struct alert_engine *old;

	if (load_rules(path, &set, note, notelen, err, errlen) < 0)
		return -1;
	if (set.nerrors) {
		snprintf(err, errlen, "%s (%s)", set.errors[0], note);
		rule_set_release(&set);
		return -1;
	}
	pthread_mutex_lock(&a->lock);
	old = a->pending; /* a reload not yet taken: this one replaces it */
	a->pending = alert_engine_new(&set);
	pthread_mutex_unlock(&a->lock);
	alert_engine_free(old);
	rule_set_release(&set);
	return 0;
}

struct alerts *alerts_load_or_exit(const char *path, char *summary, size_t len)
{
	char note[128], err[512];
	struct alerts *a = alerts_new(path, note, sizeof(note), err, sizeof(err));

	if (!a)
		fatal("%s", err);
	for (size_t i = 0; i < a->nerrors; i++)
		cli_warn("%s", a->errors[i]);
	if (a->nerrors)
		cli_warn("alert rules: %s", note);
	if (summary)
		snprintf(summary, len, "alert rules: %s", note);
	return a;
}

void alerts_free(struct alerts *a)
{
	if (!a)
		return;
	alert_engine_free(a->engine);
	alert_engine_free(a->pending);
	alerts_stop_actions(a);
	for (size_t i = 0; i < a->nerrors; i++)
		free(a->errors[i]);
	free(a->errors);
	for (size_t i = 0; i < a->nacks; i++)
		free(a->acks[i]);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

const char *const *alerts_errors(const struct alerts *a, size_t *n)
{
	*n = a->nerrors;
	return (const char *const *)a->errors;
}

void alerts_on_profile(struct alerts *a,
		       void (*fn)(void *ctx, int64_t ms, const char *rule), void *ctx)
{
	a->on_profile = fn;
	a->profile_ctx = ctx;
}

void alerts_ack(struct alerts *a, const char *rule)
{
	pthread_mutex_lock(&a->lock);
	if (a->nacks < ACK_MAX)
		a->acks[a->nacks++] = xstrdup(rule);
	pthread_mutex_unlock(&a->lock);
}

/* ---- the derived values ---- */

struct derived {
	const struct frame *cur, *prev;
	long clk_tck;
};

/* The target of both frames, when it is the same live process in both. */
static bool same_target(const struct derived *d, const struct target_sample **t,
			const struct target_sample **p)
{
	*t = d->cur->target;
	*p = d->prev ? d->prev->target : NULL;
	return *t && *p && (*t)->alive && (*p)->alive && (*t)->pid == (*p)->pid &&
	       (*t)->start_ticks == (*p)->start_ticks && d->cur->t_ms > d->prev->t_ms;
}

/* Seconds between the two frames. */
static double dt_s(const struct derived *d)
{
	return (double)(d->cur->t_ms - d->prev->t_ms) / 1000.0;
}

/* latency.timer.NAME.STAT from this tick's StatsD metrics (ms). */
static enum alert_lookup_rc timer_lookup(const struct frame *f, const char *rest,
					 struct alert_value *out)
{
	static const struct {
		const char *suffix;
		double pct; /* < 0: max; 0: count */
	} stats[] = {{".p50", 50},    {".p90", 90}, {".p99", 99},
		     {".p999", 99.9}, {".max", -1}, {".count", 0}};
	const char *dot = strrchr(rest, '.');
	char name[256];
	const struct app_metric *m;

	if (!dot || !f->app || (size_t)(dot - rest) >= sizeof(name))
		return ALERT_UNAVAILABLE;
	snprintf(name, sizeof(name), "%.*s", (int)(dot - rest), rest);
	m = app_metrics_find(f->app, name, APP_TIMER);
	if (!m || !m->hist)
		return ALERT_UNAVAILABLE;
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
		if (strcmp(dot, stats[i].suffix) != 0)
			continue;
		if (stats[i].pct == 0)
			out->number = (double)hdr_count(m->hist);
		else if (stats[i].pct < 0)
			out->number = (double)hdr_max(m->hist) / 1e6;
		else /* ns to ms, every digit kept */
			out->number =
				(double)hdr_value_at_percentile(m->hist, stats[i].pct) /
				1e6;
		return ALERT_VALUE;
	}
	return ALERT_UNAVAILABLE;
}

static enum alert_lookup_rc derived_lookup(void *ctx, const char *name,
					   struct alert_value *out)
{
	const struct derived *d = ctx;
	const struct target_sample *t, *p;

	memset(out, 0, sizeof(*out));
	if (!strcmp(name, "target.run_wait_share")) {
		struct sched_rates r;

		if (!same_target(d, &t, &p) || !(t->have & p->have & TARGET_HAVE_SCHED))
			return ALERT_UNAVAILABLE;
		rate_sched(t->run_ns, t->run_delay_ns, t->slices, p->run_ns,
			   p->run_delay_ns, p->slices, dt_s(d), &r);
		out->number = r.wait_share_pct;
		return out->number < 0 ? ALERT_UNAVAILABLE : ALERT_VALUE;
	}
	if (!strcmp(name, "target.io_delay")) {
		/* ms of block-IO wait per second */
		if (!same_target(d, &t, &p) || t->delayacct != 1)
			return ALERT_UNAVAILABLE;
		out->number = rate_ticks_ms_per_s(t->blkio_ticks, p->blkio_ticks,
						  d->clk_tck, dt_s(d));
		return out->number < 0 ? ALERT_UNAVAILABLE : ALERT_VALUE;
	}
	if (!strcmp(name, "memory.verdict")) {
		/* judged every few seconds; between verdicts the rule stays put */
		if (!d->cur->leak)
			return ALERT_UNAVAILABLE;
		out->is_word = true;
		snprintf(out->word, sizeof(out->word), "%s", d->cur->leak->state);
		return ALERT_VALUE;
	}
	if (!strncmp(name, "latency.timer.", 14))
		return timer_lookup(d->cur, name + 14, out);
	return alert_metrics_chained(name) ? ALERT_UNAVAILABLE : ALERT_NOT_FOUND;
}

/* ---- transitions ---- */

static void to_event(const struct alert_transition *tr, struct alert_event *e)
{
	memset(e, 0, sizeof(*e));
	e->t_ms = tr->t_ms;
	snprintf(e->rule, sizeof(e->rule), "%s", tr->name);
	snprintf(e->severity, sizeof(e->severity), "%s",
		 rule_severity_name(tr->severity));
	snprintf(e->state, sizeof(e->state), "%s", alert_state_name(tr->to));
	e->has_value = !isnan(tr->value);
	e->value = e->has_value ? tr->value : 0;
	snprintf(e->word, sizeof(e->word), "%s", tr->word);
	snprintf(e->message, sizeof(e->message), "%s", tr->message);
}

static void run_actions(struct alerts *a, const struct alert_transition *tr)
{
	struct action_alert view;

	alert_transition_view(tr, &view);
	for (size_t i = 0; i < tr->nactions; i++) {
		const struct rule_action *act = &tr->actions[i];

		if (!alert_action_due(act, tr->to))
			continue;
		switch (act->kind) {
		case RULE_ACTION_LOG:
			if (a->actions)
				action_worker_log(a->actions, tr->name, act->path, &view);
			break;
		case RULE_ACTION_EXEC:
			if (a->actions)
				action_worker_exec(a->actions, tr->name, act->argv,
						   &view);
			break;
		case RULE_ACTION_PROFILE:
			if (a->on_profile)
				a->on_profile(a->profile_ctx, act->duration_ms, tr->name);
			break;
		}
	}
}

static void append_event(struct frame *f, size_t *cap, const struct alert_transition *tr)
{
	struct alert_event *e;

	f->alerts = xgrow(f->alerts, cap, f->nalerts + 1, sizeof(*f->alerts));
	e = &f->alerts[f->nalerts++];
	to_event(tr, e);
	/* a machine-wide rule names who weighed most in this very frame */
	alert_top_fill(e, tr->metric, &f->procs);
}

/* Acknowledgements asked for since the last tick, as transitions. */
static void apply_acks(struct alerts *a, struct frame *f, size_t *cap)
{
	char *acks[ACK_MAX];
	size_t n;

	pthread_mutex_lock(&a->lock);
	n = a->nacks;
	memcpy(acks, a->acks, n * sizeof(*acks));
	a->nacks = 0;
	pthread_mutex_unlock(&a->lock);
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < alert_engine_count(a->engine); i++) {
			struct alert_transition tr;

			if (strcmp(alert_engine_rule(a->engine, i)->name, acks[k]) != 0)
				continue;
			if (alert_engine_ack(a->engine, i, f->t_ms, &tr) == 0)
				append_event(f, cap, &tr);
		}
		free(acks[k]);
	}
}

void alerts_eval(struct alerts *a, struct frame *f, const struct frame *prev,
		 long clk_tck)
{
	struct alert_metrics direct = {.cur = f, .prev = prev, .clk_tck = clk_tck};
	struct derived derived = {.cur = f, .prev = prev, .clk_tck = clk_tck};
	const struct alert_lookup lookups[] = {
		{alert_metrics_lookup, &direct},
		{derived_lookup, &derived},
	};
	const struct alert_transition *tr;
	size_t n, cap = 0;

	pthread_mutex_lock(&a->lock);
	if (a->pending) { /* SIGHUP: the rules reloaded since the last tick */
		alert_engine_free(a->engine);
		a->engine = a->pending;
		a->pending = NULL;
	}
	pthread_mutex_unlock(&a->lock);
	apply_acks(a, f, &cap);
	n = alert_engine_eval(a->engine, f->t_ms, lookups, 2, &tr);
	for (size_t i = 0; i < n; i++) {
		append_event(f, &cap, &tr[i]);
		run_actions(a, &tr[i]);
	}
	/* what failed or was dropped since the last tick travels with this one */
	free(f->notices);
	f->notices = NULL;
	f->nnotices = a->actions ? action_worker_take(a->actions, &f->notices) : 0;
}

void alerts_action_counts(struct alerts *a, struct action_counts *out)
{
	if (a->actions)
		action_worker_counts(a->actions, out);
	else
		*out = a->final_counts;
}

void alerts_stop_actions(struct alerts *a)
{
	if (!a->actions)
		return;
	action_worker_stop_counted(a->actions, &a->final_counts);
	a->actions = NULL;
}
