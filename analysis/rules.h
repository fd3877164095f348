/* SPDX-License-Identifier: MIT */
/*
 * rules: the alert rule language, text -> struct rule. Pure: no file is read
 * here; the caller reads the file (assets/alerts.conf, the user's file,
 * --alerts FILE) into a string and hands it over with its name for messages.
 *
 * One rule per line; '#' starts a comment (outside quotes), blank lines are
 * skipped:
 *
 *   METRIC OP VALUE [for DURATION] [key=VALUE ...]
 *
 *   cpu.total > 90% for 30s severity=warning
 *   target.rss > 2GiB severity=critical
 *   target.cpu > 150% for 10s cooldown=5m action=profile:10s
 *   latency.timer.api.request.p99 > 250ms for 1m
 *   memory.verdict == leak-suspect severity=warning
 *
 * OP is one of > >= < <= == !=. VALUE is a number with an optional unit (it
 * may follow the number after a blank: "2 GiB"): % for percentages; B, KiB,
 * MiB, GiB, TiB (1024) and KB, MB, GB, TB (1000) for sizes, stored in bytes;
 * us/µs, ms, s, m, h for times, stored in milliseconds. Or a word
 * ([A-Za-z][A-Za-z0-9_.-]*) for metrics whose value is a word, compared with
 * == or != only.
 *
 * Options: name=TEXT (default: the rule text), clear=VALUE (hysteresis: a
 * firing rule resolves only once the value crosses back past VALUE; only with
 * < <= > >=, and on the resolving side of the threshold), severity=info|
 * warning|critical (default warning), cooldown=DURATION, for=DURATION (the
 * same as "for DURATION"), and action=KIND:ARG, which may repeat:
 * profile:DURATION, exec:/ABSOLUTE/PATH[,ARG...] (arguments separated by
 * commas), log:FILE. A value may be double-quoted to hold blanks or '#'
 * ("\"" and "\\" escape inside quotes).
 *
 * Errors: a bad line is rejected whole, with "FILE:LINE:COLUMN: expected ...,
 * got '...'" (columns count characters from 1), escaped by core/textsafe so
 * it is safe to print; the other lines still load.
 */
#ifndef VIGIL_ANALYSIS_RULES_H
#define VIGIL_ANALYSIS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rule_op { RULE_GT, RULE_GE, RULE_LT, RULE_LE, RULE_EQ, RULE_NE };

enum rule_severity { RULE_INFO, RULE_WARNING, RULE_CRITICAL };

/* What a metric's values are; decides which units its thresholds accept. */
enum rule_unit {
	RULE_UNIT_NUMBER,  /* a plain number: load, counts, 0/1 */
	RULE_UNIT_PERCENT, /* percent, "90%" or "90" */
	RULE_UNIT_BYTES,   /* bytes, "2GiB" or a plain byte count */
	RULE_UNIT_MS,	   /* milliseconds, "250ms", "1.5s" or a plain ms count */
	RULE_UNIT_WORD,	   /* a word, "leak-suspect" */
};

enum rule_action_kind { RULE_ACTION_PROFILE, RULE_ACTION_EXEC, RULE_ACTION_LOG };

struct rule_action {
	enum rule_action_kind kind;
	int64_t duration_ms; /* profile: how long to profile */
	char *path;  /* exec: the program; log: the file. Owned; NULL for profile */
	char **argv; /* exec: owned, NULL-terminated, argv[0] == path; else NULL */
};

struct rule {
	char *text;   /* owned: the rule as written, comment and edge blanks cut */
	char *name;   /* owned: name=, or a copy of text */
	char *metric; /* owned */
	enum rule_op op;
	enum rule_unit unit; /* of the metric (and so of threshold and clear) */
	double threshold;    /* in the unit's base (bytes, ms, percent); 0 for words */
	double clear;	     /* resolving point; == threshold without clear= */
	char *word;	     /* owned: the word compared against; NULL for numbers */
	int64_t for_ms;	     /* 0: fire at once */
	int64_t cooldown_ms; /* 0: none */
	enum rule_severity severity;
	struct rule_action *actions; /* owned, nactions entries */
	size_t nactions;
	int line; /* where it was read, for messages */
};

/*
 * Decides whether a metric name exists and what its values are. Returns false
 * for an unknown name. alert_metrics_name_valid() is the one vigil uses.
 */
typedef bool (*rule_metric_fn)(const char *name, enum rule_unit *unit);

struct rule_set {
	struct rule *rules; /* owned, n entries, in file order */
	size_t n, cap;
	char **errors; /* owned: one "file:line:col: expected ..." per rejected line */
	size_t nerrors;
};

void rule_set_init(struct rule_set *set);
/* Frees every rule and message; the set is empty (and may be reused) after it. */
void rule_set_release(struct rule_set *set);
/* Frees what one rule owns. */
void rule_release(struct rule *r);

/*
 * Parses text (a whole file) and appends its valid rules and the messages for
 * its bad lines to set, so defaults and a user file can go into one set.
 * filename only labels messages. metric_fn may be NULL (any name is accepted;
 * a word value then makes a word rule). Returns the number of lines rejected.
 */
int rules_parse(struct rule_set *set, const char *text, const char *filename,
		rule_metric_fn metric_fn);

/* "12 rules loaded, 2 rejected" (", N rejected" only when N > 0). */
const char *rule_set_summary(const struct rule_set *set, char *buf, size_t len);

/* ">", ">=", ...; "warning", ...; "profile", "exec", "log". */
const char *rule_op_name(enum rule_op op);
const char *rule_severity_name(enum rule_severity s);
const char *rule_action_kind_name(enum rule_action_kind k);

/*
 * Formats v as the rule's unit reads best: "2.3 GiB", "91.5%", "250ms",
 * "1.5s", "3.2". At most one decimal, none when it would be ".0".
 */
const char *rule_format_value(enum rule_unit unit, double v, char *buf, size_t len);

/* True when v (a number) satisfies "v op threshold". NaN never does. */
bool rule_compare(enum rule_op op, double v, double threshold);

#endif
