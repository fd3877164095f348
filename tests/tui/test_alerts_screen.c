/* SPDX-License-Identifier: MIT */
/*
 * test_alerts_screen: alerts an operator can live with, at 80x24.
 *
 * - A rule on a fixture whose RSS steps up and down (flapper), with a `for`
 *   longer than the test, goes pending and back over and over: the alerts
 *   screen shows that as one folded row with a count, not a row per move.
 *   The overview's status line names the target (pid and name) that l and
 *   a act on.
 * - System-wide rules name the processes behind them: a CPU rule shows its
 *   busiest, a memory rule names the fixture holding 2 GiB. Acknowledging
 *   both takes the ALERT badge off the status line; the screen's title
 *   counts them as acknowledged.
 *
 * Nothing here depends on timing: every wait polls the screen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("alerts") < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* Writes the rules file and starts the console at 80x24 with args. */
static void start(const char *rules, const char *args)
{
	char path[256], conf[256];
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/alerts.conf", dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fputs(rules, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/run.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "XDG_STATE_HOME='%s' '%s' --alerts '%s' %s\necho EXIT=$?\nsleep 600\n",
		dir, vigil_bin(), conf, args);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 'sh %s'", path), 0);
}

/* Lines of the last capture holding needle. */
static int lines_with(const char *needle)
{
	int n = 0;

	for (const char *line = screen; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[512];

		snprintf(buf, sizeof(buf), "%.*s", (int)(len < 511 ? len : 511), line);
		n += strstr(buf, needle) != NULL;
		line += len + (end != NULL);
	}
	return n;
}

/* The count of the folded row "... rss-flap ... flapped ... Nx pending", or
 * -1 when there is none on the screen. */
static long folded_count(void)
{
	for (const char *line = screen; (line = strstr(line, "flapped")); line++) {
		const char *eol = strchr(line, '\n');
		const char *bol = line;

		while (bol > screen && bol[-1] != '\n')
			bol--;
		if (!strstr(bol, "rss-flap") || (eol && strstr(bol, "rss-flap") > eol))
			continue;
		const char *rule = strstr(bol, "rss-flap") + strlen("rss-flap");

		return strtol(rule + strspn(rule, " "), NULL, 10);
	}
	return -1;
}

static void test_flaps_fold_and_overview_names_target(void **state)
{
	pid_t pid = fixture_start("flapper", "64", "300", NULL);
	char args[64], text[64];
	long count = -1;

	(void)state;
	assert_true(pid > 0);
	snprintf(args, sizeof(args), "-i 100ms -p %d", (int)pid);
	start("target.rss > 32MiB for 1h name=rss-flap\n", args);
	assert_true(wait_for("F10Quit"));
	tmux("send-keys -t t a");
	assert_true(wait_for("Recent transitions"));
	/* poll until the rule has gone pending and back at least twice */
	for (int i = 0; i < 200 && count < 2; i++) {
		capture(false);
		count = folded_count();
		if (count < 2)
			sleep_ms(50);
	}
	if (count < 2)
		fail_msg("no folded row with a count >= 2:\n%s", screen);
	assert_non_null(strstr(screen, "pending\u2194ok since"));
	/* one state row, the folded row, and the detail when it is selected;
	 * unfolded, each of the >= 4 moves would be a row of its own */
	assert_in_range(lines_with("rss-flap"), 2, 3);

	/* back to the target screen (a was pressed there), then the overview,
	 * which says which process l and a act on */
	tmux("send-keys -t t Escape");
	assert_true(wait_for("Tab: next panel"));
	tmux("send-keys -t t Escape");
	snprintf(text, sizeof(text), "target %d flapper", (int)pid);
	assert_true(wait_for(text));
	assert_true(wait_for("PID USER")); /* it is the overview */
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

/* pid as a word of the line "  LABEL: PID NAME FIGURE, ...". */
static bool top_names(const char *label, pid_t pid)
{
	const char *top = strstr(screen, label);
	char word[32];

	if (!top)
		return false;
	snprintf(word, sizeof(word), " %d ", (int)pid);
	const char *eol = strchr(top, '\n');
	const char *hit = strstr(top, word);

	return hit && (!eol || hit < eol);
}

/* Moves the alerts screen's selection down onto rule (built-in rules may be
 * active too, in between); false when it never gets there. */
static bool select_rule(const char *rule)
{
	char want[64];

	snprintf(want, sizeof(want), "> %s: ", rule);
	tmux("send-keys -t t Home");
	for (int i = 0; i < 200; i++) {
		if (strstr(capture(false), want))
			return true;
		if (i % 10 == 9) /* a key, then time to draw it */
			tmux("send-keys -t t j");
		sleep_ms(50);
	}
	fprintf(stderr, "--- never selected '%s'; screen was:\n%s---\n", rule, screen);
	return false;
}

static void test_system_alert_names_processes_and_ack_clears_badge(void **state)
{
	/* memory, not CPU, for the pid: how much CPU a busy fixture gets on a
	 * shared machine depends on everyone else, what it holds does not */
	pid_t pid = fixture_start("holdmem", "2048", NULL);
	bool named = false;

	(void)state;
	assert_true(pid > 0);
	/* after a `for`, so every process's figures are measured when they
	 * fire */
	start("cpu.total > 0% for 1s name=cpu-any\n"
	      "mem.used_pct > 0% for 1s name=mem-any\n",
	      "-i 250ms");
	assert_true(wait_for(" ALERT 2 "));
	tmux("send-keys -t t a");
	assert_true(wait_for("Recent transitions"));
	assert_true(select_rule("cpu-any"));
	assert_true(wait_for("  top by CPU: "));
	tmux("send-keys -t t A");
	assert_true(wait_for("1 acknowledged"));
	assert_true(select_rule("mem-any"));
	for (int i = 0; i < 200 && !named; i++) {
		capture(false);
		named = top_names("top by memory:", pid);
		if (!named)
			sleep_ms(50);
	}
	if (!named)
		fail_msg("pid %d is not named by the memory alert:\n%s", (int)pid,
			 screen);

	/* selected again just before A: the list puts active rules first and
	 * its cursor is a row, so a built-in rule going pending while we waited
	 * (cpu-saturated, on a loaded machine) can move another rule under it */
	assert_true(select_rule("mem-any"));
	tmux("send-keys -t t A");
	assert_true(wait_for("2 acknowledged"));
	/* the status line again (the acknowledgement's message has gone) and
	 * no badge on it, while the alerts themselves are acknowledged */
	assert_true(wait_for("REC "));
	assert_null(strstr(screen, " ALERT "));
	assert_non_null(strstr(screen, "acked    warning  cpu-any"));
	assert_non_null(strstr(screen, "acked    warning  mem-any"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flaps_fold_and_overview_names_target,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_system_alert_names_processes_and_ack_clears_badge, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
