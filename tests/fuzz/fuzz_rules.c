/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rules: a libFuzzer target for the alert-rule parser (analysis/rules),
 * which reads files the operator names and, as root, files others may have
 * written. Each input is one rules file, parsed twice: with vigil's metric
 * table (alert_metrics_name_valid) and with any metric accepted (NULL). The
 * parser's promises are checked:
 *
 * - the return value is the number of messages added, and every line is
 *   either a rule or a message;
 * - a rule is whole: text, name and metric set, text without a line break,
 *   op, unit and severity in range, a word exactly for word rules, the
 *   threshold and clear finite and on the right sides, every action of its
 *   kind (exec: an absolute path that is argv[0]; log: a path; profile: a
 *   positive duration);
 * - a message starts with the file name and is safe to print: every
 *   character printable by core/textsafe's test;
 * - rule_format_value and rule_set_summary write what they promise.
 *
 * A broken promise aborts (a finding), as do crashes, sanitizer reports and
 * leaks. Built and run by `make fuzz`; seeds are written by tests/fuzz/run.sh.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/alert_metrics.h"
#include "analysis/rules.h"
#include "core/textsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_rules: %s:%d: %s\n", __FILE__, __LINE__,   \
				#cond);                                                  \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void check_printable(const char *s)
{
	bool ok;
	size_t n;

	for (; (n = text_char(s, &ok)) > 0; s += n)
		check(ok);
}

static void check_action(const struct rule_action *a)
{
	switch (a->kind) {
	case RULE_ACTION_PROFILE:
		check(a->duration_ms > 0);
		check(!a->path && !a->argv);
		break;
	case RULE_ACTION_EXEC:
		check(a->path && a->path[0] == '/');
		check(a->argv && a->argv[0] && !strcmp(a->argv[0], a->path));
		break;
	case RULE_ACTION_LOG:
		check(a->path && a->path[0]);
		check(!a->argv);
		break;
	default:
		check(!"action kind out of range");
	}
}

static void check_rule(const struct rule *r)
{
	char buf[64];

	check(r->text && r->text[0] && !strchr(r->text, '\n'));
	check(r->name && r->metric && r->metric[0]);
	check(r->op >= RULE_GT && r->op <= RULE_NE);
	check(r->severity >= RULE_INFO && r->severity <= RULE_CRITICAL);
	check(r->unit >= RULE_UNIT_NUMBER && r->unit <= RULE_UNIT_WORD);
	check(r->line >= 1);
	check(r->for_ms >= 0 && r->cooldown_ms >= 0);
	if (r->unit == RULE_UNIT_WORD || r->word) {
		check(r->word && r->word[0]);
		check(r->op == RULE_EQ || r->op == RULE_NE);
	} else {
		check(isfinite(r->threshold) && isfinite(r->clear));
		if (r->op == RULE_GT || r->op == RULE_GE)
			check(r->clear <= r->threshold);
		if (r->op == RULE_LT || r->op == RULE_LE)
			check(r->clear >= r->threshold);
		if (r->op == RULE_EQ || r->op == RULE_NE)
			check(r->clear == r->threshold);
		check(strlen(rule_format_value(r->unit, r->threshold, buf, sizeof(buf))) <
		      sizeof(buf));
	}
	check(r->nactions == 0 || r->actions);
	for (size_t i = 0; i < r->nactions; i++)
		check_action(&r->actions[i]);
}

static void parse_and_check(const char *text, size_t lines, rule_metric_fn fn)
{
	struct rule_set set;
	char summary[64];
	int rejected;

	rule_set_init(&set);
	rejected = rules_parse(&set, text, "f.conf", fn);
	check(rejected >= 0 && (size_t)rejected == set.nerrors);
	check(set.n + set.nerrors <= lines);
	for (size_t i = 0; i < set.n; i++)
		check_rule(&set.rules[i]);
	for (size_t i = 0; i < set.nerrors; i++) {
		check(!strncmp(set.errors[i], "f.conf:", 7));
		check_printable(set.errors[i]);
	}
	rule_set_summary(&set, summary, sizeof(summary));
	check(strstr(summary, "loaded") != NULL);
	rule_set_release(&set);
	check(set.n == 0 && set.nerrors == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	size_t lines = 1;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* a file is read into a string: it ends at a NUL */
	for (size_t i = 0; i < size && text[i]; i++)
		lines += text[i] == '\n';
	parse_and_check(text, lines, alert_metrics_name_valid);
	parse_and_check(text, lines, NULL);
	free(text);
	return 0;
}
