/* SPDX-License-Identifier: MIT */
/*
 * test_metrics_assets: what ships beside /metrics, checked against what it
 * emits: the Grafana dashboard (assets/grafana-vigil.json: parses, takes its
 * data source as an import input and the host as a variable, every query is
 * valid PromQL and names only emitted metrics) and the Prometheus alerting
 * rules (assets/prometheus-vigil-alerts.yml: promtool check rules, names).
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/openmetrics.h"
#include "core/xalloc.h"
#include "tempdir.h"
#include "promcheck.h"
#include "omframes.h"

/* Fails unless name is the name of a sample in body. */
static void emits(const char *body, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = body; (p = strstr(p, name)); p++)
		if ((p == body || p[-1] == '\n') && (p[n] == '{' || p[n] == ' '))
			return;
	fail_msg("a query names %s, which /metrics does not emit", name);
}

static bool metric_prefix(const char *s)
{
	static const char *const prefixes[] = {"node_", "vigil_", "namedprocess_",
					       "statsd_"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* Every metric name in one PromQL expression is emitted; returns how many. */
static int check_expr(const char *expr, const char *body)
{
	int found = 0;

	for (const char *p = expr; *p;) {
		size_t n =
			strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789_:");
		bool word_start = p == expr || !strchr("$\"{_", p[-1]);

		if (n && word_start && metric_prefix(p)) {
			char name[128];

			assert_true(n < sizeof(name));
			memcpy(name, p, n);
			name[n] = '\0';
			emits(body, name);
			found++;
		}
		p += n ? n : 1;
	}
	return found;
}

/* One query as a recording rule promtool can check: Grafana's variables
 * replaced by what they stand for. */
static void put_rule(FILE *fp, int n, const char *e)
{
	fprintf(fp, "      - record: dashboard:q%d\n        expr: '", n);
	for (const char *p = e; *p; p++) {
		if (!strncmp(p, "$host", 5))
			p += 4, fputs(".+", fp);
		else if (!strncmp(p, "$__rate_interval", 16))
			p += 15, fputs("1m", fp);
		else if (!strncmp(p, "${timer}", 8))
			p += 7, fputs("statsd_checkout_latency_seconds_bucket", fp);
		else if (*p == '\'')
			fputs("''", fp);
		else
			fputc(*p, fp);
	}
	fputs("'\n", fp);
}

/* Every query (one a line in exprs, which is reused) names emitted metrics
 * (or the timer variable) and is valid PromQL. */
static void check_queries(char *exprs, const char *body)
{
	char dir[64], rules[128], cmd[512];
	FILE *fp;
	int n = 0;

	tempdir_make(dir, sizeof(dir), "om");
	snprintf(rules, sizeof(rules), "%s/rules.yml", dir);
	fp = fopen(rules, "w");
	assert_non_null(fp);
	fprintf(fp, "groups:\n  - name: dashboard\n    rules:\n");
	for (char *save, *e = strtok_r(exprs, "\n", &save); e;
	     e = strtok_r(NULL, "\n", &save)) {
		assert_true(check_expr(e, body) > 0 || strstr(e, "${timer}"));
		put_rule(fp, n++, e);
	}
	assert_int_equal(fclose(fp), 0);
	assert_true(n >= 20);
	if (have_promtool()) {
		snprintf(cmd, sizeof(cmd), "promtool check rules '%s' 2>&1", rules);
		if (run(cmd, exprs, 65536))
			fail_msg("promtool check rules: %s", exprs);
	}
	tempdir_remove(dir);
}

/* The dashboard parses, takes its data source as ${DS_PROMETHEUS} (an
 * import input) and the host as a variable, every query is valid PromQL
 * (promtool check rules) and names only metrics /metrics emits. */
static void test_dashboard(void **state)
{
	const char *src = getenv("VIGIL_SRCDIR");
	char *path = xasprintf("%s/assets/grafana-vigil.json", src && *src ? src : ".");
	char cmd[1024], *exprs = xmalloc(65536), *body;
	struct metrics *m;
	regex_t re;

	(void)state;
	if (system("command -v jq >/dev/null 2>&1")) {
		free(path);
		free(exprs);
		skip();
	}
	snprintf(cmd, sizeof(cmd),
		 "jq -e '.__inputs[0].name == \"DS_PROMETHEUS\" and "
		 "([.. | objects | .datasource? | objects | select(.type == "
		 "\"prometheus\") "
		 "| .uid] | unique) == [\"${DS_PROMETHEUS}\"] and "
		 "([.templating.list[].name] | index(\"host\")) != null' '%s' 2>&1",
		 path);
	assert_int_equal(run(cmd, exprs, 65536), 0);
	m = full_metrics();
	body = render(m, METRICS_TEXT);
	metrics_free(m);
	/* the variables' own queries: label_values(vigil_ticks_total, instance) */
	emits(body, "vigil_ticks_total");
	snprintf(cmd, sizeof(cmd),
		 "jq -r '.templating.list[] | select(.name == \"timer\") | .query.query' "
		 "'%s'",
		 path);
	assert_int_equal(run(cmd, exprs, 65536), 0);
	assert_string_equal(exprs, "metrics(statsd_.*_seconds_bucket)\n");
	assert_int_equal(
		regcomp(&re, "^statsd_.*_seconds_bucket\\{", REG_EXTENDED | REG_NEWLINE),
		0);
	assert_int_equal(regexec(&re, body, 0, NULL, 0), 0);
	regfree(&re);
	/* every panel's queries */
	snprintf(cmd, sizeof(cmd), "jq -r '.. | .expr? // empty' '%s'", path);
	assert_int_equal(run(cmd, exprs, 65536), 0);
	check_queries(exprs, body);
	free(body);
	free(exprs);
	free(path);
}

/* The Prometheus alerting rules in assets/ are valid (promtool check rules)
 * and name only metrics vigil emits. */
static void test_alert_rules(void **state)
{
	const char *src = getenv("VIGIL_SRCDIR");
	char *path = xasprintf("%s/assets/prometheus-vigil-alerts.yml",
			       src && *src ? src : ".");
	char line[1024], cmd[1024], out[4096], *body;
	struct metrics *m = full_metrics();
	FILE *fp = fopen(path, "r");
	int n = 0;

	(void)state;
	assert_non_null(fp);
	body = render(m, METRICS_TEXT);
	while (fgets(line, sizeof(line), fp)) {
		char *e = strstr(line, "expr: ");

		if (!e)
			continue;
		assert_true(check_expr(e + 6, body) > 0);
		n++;
	}
	fclose(fp);
	assert_true(n >= 5);
	if (have_promtool()) {
		snprintf(cmd, sizeof(cmd), "promtool check rules '%s' 2>&1", path);
		if (run(cmd, out, sizeof(out)))
			fail_msg("promtool check rules: %s", out);
	}
	free(body);
	metrics_free(m);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dashboard),
		cmocka_unit_test(test_alert_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
