/* SPDX-License-Identifier: MIT */
/*
 * test_escape: a process whose name and command line attack the terminal
 * (window title, clear screen, a newline that forges a line, C1 CSI, a byte
 * that is not UTF-8) is recorded by the real binary, with an alert rule whose
 * name holds a comma, a quote and ESC. Then every human output must be
 * terminal-safe (no control byte but the line ends, no DEL, no C1, valid
 * UTF-8) and show the names escaped; report --json must parse and hold the
 * name exactly; CSV must keep one field per column on every row.
 *
 * One recording (group setup) serves the report, JSON and CSV tests; the
 * fixture keeps spinning for the profile test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

/* what the fixture calls itself (tests/fixtures/evilname.c) */
#define EVIL_COMM "\x1b]0;pwned\x07\x1b[2J\n"
#define EVIL_COMM_ESCAPED "\\x1b]0;pwned\\x07\\x1b[2J\\n"
/* its argument: the same, a second line, C1 CSI in UTF-8, a raw 0xff */
#define EVIL_ARG                                                                         \
	EVIL_COMM "second \xc2\x9b"                                                      \
		  "31m \xff"
/* the command line as vigil stores it: arguments joined by spaces, and a
 * newline or tab a space too (collectors/proctable proc_cmdline_join) */
#define EVIL_CMDLINE                                                                     \
	"evilname \x1b]0;pwned\x07\x1b[2J second \xc2\x9b"                               \
	"31m \xff"
#define EVIL_CMDLINE_ESCAPED                                                             \
	"evilname \\x1b]0;pwned\\x07\\x1b[2J second \\xc2\\x9b31m \\xff"
/* an alert rule that always fires, named to break CSV and the terminal */
#define EVIL_RULE "cpu.total >= 0% name=\"x,\\\"y\x1b[2J\x9b\"\n"
#define EVIL_RULE_NAME_ESCAPED "x,\"y\\x1b[2J\\x9b"

static char session[4096], rules[4096], dir[256];
static pid_t evil;

static int group_setup(void **state)
{
	char *d = temp_dir();
	struct run_result r;
	char pidbuf[16];
	FILE *f;

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	snprintf(rules, sizeof(rules), "%s/alerts.conf", dir);
	f = fopen(rules, "w");
	if (!f || fputs(EVIL_RULE, f) < 0 || fclose(f) != 0)
		return -1;
	evil = fixture_start("evilname", EVIL_ARG, NULL);
	if (evil <= 0)
		return -1;
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)evil);
	run_vigil(&r, "record", "-p", pidbuf, "-d", "2s", "-i", "200ms", "--alerts",
		  rules, "-o", session);
	if (r.status != 0) {
		fprintf(stderr, "record failed (%d): %s\n", r.status, r.err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[4200];

	(void)state;
	fixtures_stop_all();
	remove_session(session);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Length of the valid UTF-8 sequence at p, or 0 (RFC 3629, written apart
 * from core/utf8 so the test does not trust what it tests). */
static size_t utf8_seq(const unsigned char *p)
{
	size_t n = p[0] < 0x80			  ? 1
		   : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
		   : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		   : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
						  : 0;

	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Fails naming the offset when text holds anything that could drive a
 * terminal: a control byte other than '\n', DEL, C1, or broken UTF-8. */
static void assert_terminal_safe(const char *what, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		size_t n = utf8_seq(p);

		if (!n || (*p < 0x20 && *p != '\n') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] < 0xa0))
			fail_msg("%s: byte 0x%02x at offset %zu is not terminal-safe",
				 what, *p, (size_t)((const char *)p - text));
		p += n;
	}
}

#define assert_contains(text, s)                                                         \
	do {                                                                             \
		if (!strstr((text), (s)))                                                \
			fail_msg("output lacks '%s':\n%s", (s), (text));                 \
	} while (0)

static void test_report_text(void **state)
{
	struct run_result r;
	char want[256];

	(void)state;
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_terminal_safe("report", r.out);
	snprintf(want, sizeof(want), "target    pid %d " EVIL_COMM_ESCAPED " (evilname ",
		 (int)evil);
	assert_contains(r.out, want);
	assert_contains(r.out, EVIL_CMDLINE_ESCAPED ")\n");
	assert_contains(r.out, EVIL_RULE_NAME_ESCAPED " (warning): cpu.total ");
}

/* The code points of a JSON string jq found at filter, comma-separated. */
static const char *codepoints(const char *json, const char *filter, char *buf, size_t len)
{
	char f[256];

	snprintf(f, sizeof(f), "%s | explode | map(tostring) | join(\",\")", filter);
	return jq(json, f, buf, len);
}

/* s as comma-separated code points, s being valid UTF-8 except 0xff
 * (which JSON carries as U+FFFD). */
static const char *expected_codepoints(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0;

	buf[0] = '\0';
	while (*p) {
		unsigned cp = 0;
		size_t n = utf8_seq(p);

		if (n == 0)
			cp = 0xfffd, n = 1;
		else if (n == 1)
			cp = p[0];
		else if (n == 2)
			cp = (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
		else
			fail_msg("expected_codepoints: only 1-2 byte sequences here");
		off += (size_t)snprintf(buf + off, len - off, "%s%u", off ? "," : "", cp);
		p += n;
	}
	return buf;
}

static void test_report_json_exact(void **state)
{
	struct run_result r;
	char got[1024], want[1024];

	(void)state;
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	/* parses, and the name is exactly what the process called itself */
	assert_string_equal(jq(r.out, ".target.pid", got, sizeof(got)),
			    (snprintf(want, sizeof(want), "%d", (int)evil), want));
	assert_string_equal(codepoints(r.out, ".target.comm", got, sizeof(got)),
			    expected_codepoints(EVIL_COMM, want, sizeof(want)));
	assert_string_equal(codepoints(r.out, ".target.cmdline", got, sizeof(got)),
			    expected_codepoints(EVIL_CMDLINE, want, sizeof(want)));
	/* and a terminal shown the JSON is not driven by it either */
	assert_terminal_safe("report --json", r.out);
}

/*
 * Splits RFC 4180 text into records and counts each one's fields; fails
 * unless every record has the header's count. Returns the records.
 */
static size_t csv_check_fields(const char *text)
{
	size_t records = 0, fields = 1, header = 0;
	bool quoted = false, at_start = true;

	for (const char *p = text; *p; p++) {
		if (quoted) {
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"')
				quoted = false;
			continue;
		}
		if (*p == '"') {
			if (!at_start)
				fail_msg("a quote inside an unquoted field at %zu",
					 (size_t)(p - text));
			quoted = true;
			at_start = false;
		} else if (*p == ',') {
			fields++;
			at_start = true;
		} else if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			p += *p == '\r';
			if (!records)
				header = fields;
			else if (fields != header)
				fail_msg("CSV record %zu has %zu fields, the header %zu",
					 records, fields, header);
			records++;
			fields = 1;
			at_start = true;
		} else {
			at_start = false;
		}
	}
	assert_false(quoted);
	return records;
}

static void test_csv_keeps_fields(void **state)
{
	struct run_result r;

	(void)state;
	/* the hostile rule name reaches the alerts CSV */
	run_vigil(&r, "export", session, "--alerts", "--format", "csv");
	assert_int_equal(r.status, 0);
	assert_true(csv_check_fields(r.out) >= 2);
	assert_contains(r.out, ",\"x,\"\"y\x1b[2J\x9b\",");
	run_vigil(&r, "export", session, "--metrics", "--format", "csv");
	assert_int_equal(r.status, 0);
	assert_true(csv_check_fields(r.out) >= 2);
	/* and the JSON form of the same parses, the name exact */
	run_vigil(&r, "export", session, "--alerts", "--format", "json");
	assert_int_equal(r.status, 0);
	{
		char got[256];

		assert_string_equal(
			jq(r.out,
			   "[.[] | select(.rule | startswith(\"x,\"))][0].rule "
			   "| @json",
			   got, sizeof(got)),
			"\"x,\\\"y\\u001b[2J\xef\xbf\xbd\""); /* U+FFFD */
	}
}

static void test_profile_table_and_folded(void **state)
{
	struct run_result r;
	char pidbuf[16];

	(void)state;
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)evil);
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "1s", "--format", "table");
	assert_int_equal(r.status, 0);
	assert_terminal_safe("profile table", r.out);
	assert_contains(r.out, "FUNCTION\n");
	assert_contains(r.out, "spin_some");
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "1s", "--format", "folded");
	assert_int_equal(r.status, 0);
	assert_terminal_safe("profile folded", r.out);
	/* every line: a stack, one space, a count */
	for (char *line = r.out, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		char *sp = nl;

		while (sp > line && sp[-1] >= '0' && sp[-1] <= '9')
			sp--;
		if (sp == nl || sp == line || sp[-1] != ' ')
			fail_msg("folded line without a count: '%.*s'", (int)(nl - line),
				 line);
	}
}

static void test_error_message_escaped(void **state)
{
	struct run_result r;
	char out[300];

	(void)state;
	snprintf(out, sizeof(out), "%s/t.vigil", dir);
	run_vigil(&r, "record", "-d", "1s", "-o", out, "--", "/nonexistent/" EVIL_COMM);
	remove_session(out);
	assert_int_equal(r.status, 1);
	assert_terminal_safe("stderr", r.err);
	assert_contains(r.err, "cannot run '/nonexistent/" EVIL_COMM_ESCAPED "'");
	/* a usage error quotes its argument escaped too */
	run_vigil(&r, "report", "--from", "\x1b[2J", session);
	assert_int_equal(r.status, 2);
	assert_terminal_safe("stderr", r.err);
	assert_contains(r.err, "bad --from '\\x1b[2J'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_text),
		cmocka_unit_test(test_report_json_exact),
		cmocka_unit_test(test_csv_keeps_fields),
		cmocka_unit_test(test_profile_table_and_folded),
		cmocka_unit_test(test_error_message_escaped),
	};

	return cmocka_run_group_tests_name("escape", tests, group_setup, group_teardown);
}
