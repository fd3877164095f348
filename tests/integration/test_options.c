/* SPDX-License-Identifier: MIT */
/*
 * test_options: the options of every subcommand, as `vigil SUB --help`
 * states them, against how the binary behaves (a missing value, a value
 * given to a flag, an unknown option: each exit 2 with its own message) and
 * against the man page: each subcommand's SYNOPSIS lists exactly the options
 * it accepts, and the OPTIONS section describes exactly the options some
 * subcommand accepts, with the same names and whether they take a value.
 *
 * The man page is $VIGIL_MAN, else docs/vigil.1 (tests run from the top of
 * the tree).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#define NAMES_MAX 2
#define NAME_LEN 32
#define OPTS_MAX 96
#define MAN_MAX 4096 /* lines */

/* The console (plain `vigil`) first, then every subcommand. */
static const char *const commands[] = {NULL,	 "record", "daemon", "replay",
				       "report", "export", "profile"};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

struct opt {
	char names[NAMES_MAX][NAME_LEN]; /* "-p", "--pid" */
	int nnames;
	bool value;
	bool seen; /* a check's scratch mark */
};

struct opts {
	struct opt o[OPTS_MAX];
	size_t n;
};

static const char *label(const char *cmd)
{
	return cmd ? cmd : "vigil";
}

static void run_help(struct run_result *r, const char *cmd, const char *flag)
{
	if (cmd)
		run_vigil(r, cmd, flag);
	else
		run_vigil(r, flag);
}

/* One "  -p, --pid PID   help" or "      --force   help" line into o. */
static bool parse_help_line(const char *line, struct opt *o)
{
	const char *s = line;

	memset(o, 0, sizeof(*o));
	while (*s == ' ')
		s++;
	if (*s != '-' || s - line < 2)
		return false;
	while (*s == '-' && o->nnames < NAMES_MAX) {
		size_t n = strcspn(s, ", \n");

		assert_true(n < NAME_LEN);
		memcpy(o->names[o->nnames++], s, n);
		s += n;
		if (s[0] == ',' && s[1] == ' ')
			s += 2;
	}
	/* the value's name is one space after the names, help at least two */
	o->value = s[0] == ' ' && s[1] && s[1] != ' ';
	return true;
}

/* The options `vigil CMD --help` lists, checking the help's shape. */
static void help_options(const char *cmd, struct opts *out)
{
	struct run_result r;
	char want[64];
	bool in_options = false;

	run_help(&r, cmd, "--help");
	if (r.status != 0 || r.err[0])
		fail_msg("%s --help: status %d, stderr '%s'", label(cmd), r.status,
			 r.err);
	snprintf(want, sizeof(want), "usage: vigil%s%s [OPTIONS]", cmd ? " " : "",
		 cmd ? cmd : "");
	if (strncmp(r.out, want, strlen(want)))
		fail_msg("%s --help starts '%.40s', wanted '%s'", label(cmd), r.out,
			 want);
	memset(out, 0, sizeof(*out));
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		if (strlen(line) > 80)
			fail_msg("%s --help: line wider than 80: '%s'", label(cmd), line);
		if (!strcmp(line, "options:"))
			in_options = true;
		else if (in_options && out->n < OPTS_MAX &&
			 parse_help_line(line, &out->o[out->n]))
			out->n++;
	}
	if (out->n < 2)
		fail_msg("%s --help lists %zu options", label(cmd), out->n);
}

static bool has_name(const struct opt *o, const char *name)
{
	for (int i = 0; i < o->nnames; i++)
		if (!strcmp(o->names[i], name))
			return true;
	return false;
}

/* The usage error for argv is exactly want (with the help hint). */
static void expect_error(const char *cmd, const char *opt, const char *value_or_null,
			 const char *want)
{
	const char *args[4] = {NULL};
	struct run_result r;
	char full[512];
	int n = 0;

	if (cmd)
		args[n++] = cmd;
	args[n++] = opt;
	args[n] = value_or_null;
	run_vigil_argv(&r, args);
	snprintf(full, sizeof(full), "vigil: %s\nTry 'vigil%s%s --help'.\n", want,
		 cmd ? " " : "", cmd ? cmd : "");
	if (r.status != 2 || strcmp(r.err, full) || r.out[0])
		fail_msg("%s %s: status %d, stderr '%s', wanted 2 and '%s'", label(cmd),
			 opt, r.status, r.err, full);
}

/* Every subcommand: --help and -h print its usage on stdout and exit 0. */
static void test_every_command_has_help(void **state)
{
	struct run_result a, b;
	struct opts o;

	(void)state;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		help_options(commands[i], &o);
		run_help(&a, commands[i], "--help");
		run_help(&b, commands[i], "-h");
		assert_int_equal(b.status, 0);
		assert_string_equal(a.out, b.out);
		/* each name once per command */
		for (size_t j = 0; j < o.n; j++)
			for (size_t k = j + 1; k < o.n; k++)
				for (int m = 0; m < o.o[j].nnames; m++)
					if (has_name(&o.o[k], o.o[j].names[m]))
						fail_msg("%s: '%s' twice",
							 label(commands[i]),
							 o.o[j].names[m]);
	}
	/* the console's help lists the subcommands */
	run_help(&a, NULL, "--help");
	for (size_t i = 1; i < NCOMMANDS; i++) {
		char want[64];

		snprintf(want, sizeof(want), "\n  vigil %s [OPTIONS]", commands[i]);
		if (!strstr(a.out, want))
			fail_msg("vigil --help does not list '%s'", commands[i]);
	}
}

/*
 * Every option of every subcommand, as its help lists it: without its value
 * it says so; a flag given a value says it takes none; under every name.
 */
static void test_missing_values_and_unknown_options(void **state)
{
	char want[160], arg[64];
	struct opts o;

	(void)state;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *cmd = commands[i];

		help_options(cmd, &o);
		for (size_t j = 0; j < o.n; j++) {
			for (int m = 0; m < o.o[j].nnames; m++) {
				const char *name = o.o[j].names[m];

				if (o.o[j].value) {
					snprintf(want, sizeof(want),
						 "option '%s' needs a value", name);
					expect_error(cmd, name, NULL, want);
				} else if (name[1] == '-') {
					snprintf(arg, sizeof(arg), "%s=1", name);
					snprintf(want, sizeof(want),
						 "option '%s' takes no value", name);
					expect_error(cmd, arg, NULL, want);
				}
			}
		}
		snprintf(want, sizeof(want), "unknown option '--x'%s%s",
			 cmd ? " for " : "", cmd ? cmd : "");
		expect_error(cmd, "--x", NULL, want);
		snprintf(want, sizeof(want), "unknown option '-Z'%s%s",
			 cmd ? " for " : "", cmd ? cmd : "");
		expect_error(cmd, "-Z", "1", want);
	}
	/* the cases issue 15 names, word for word */
	expect_error("record", "-p", NULL, "option '-p' needs a value");
	expect_error("record", "--x", NULL, "unknown option '--x' for record");
	/* an abbreviation getopt cannot resolve names the candidates */
	expect_error("export", "--f", "x",
		     "option '--f' is ambiguous: --from, --format, --force");
	/* replay once called --help an unknown option */
	expect_error("replay", "--pid", "1", "unknown option '--pid' for replay");
}

/* ---- the man page ---- */

struct man {
	char *text;
	char *lines[MAN_MAX];
	size_t n;
};

static void man_load(struct man *m)
{
	const char *path = getenv("VIGIL_MAN");
	FILE *f = fopen(path && *path ? path : "docs/vigil.1", "r");
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	m->text = calloc(1, (size_t)len + 1);
	assert_non_null(m->text);
	assert_int_equal(fread(m->text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	m->n = 0;
	for (char *line = strtok(m->text, "\n"); line && m->n < MAN_MAX;
	     line = strtok(NULL, "\n"))
		m->lines[m->n++] = line;
}

/*
 * The words of a roff line after its macro, "\-" read as "-" and quotes
 * dropped, into words (each at most NAME_LEN). Returns how many.
 */
static int roff_words(const char *line, char words[][NAME_LEN], int max)
{
	const char *s = strchr(line, ' ');
	int n = 0;

	while (s && *s && n < max) {
		size_t len = 0;

		while (*s == ' ' || *s == '"')
			s++;
		if (!*s)
			break;
		while (*s && *s != ' ' && *s != '"') {
			if (s[0] == '\\' && s[1] == '-')
				s++;
			if (len + 1 < NAME_LEN)
				words[n][len++] = *s;
			s++;
		}
		words[n][len] = '\0';
		n++;
	}
	return n;
}

/* An option name: "-p", "--no-record" (a trailing comma cut); not "--". */
static bool option_word(char *w)
{
	size_t len = strlen(w);

	if (len && w[len - 1] == ',')
		w[--len] = '\0';
	return w[0] == '-' && len >= 2 && strcmp(w, "--") && (w[1] != '-' || len > 2);
}

static bool font_macro(const char *line)
{
	static const char *const macros[] = {".B ", ".BR ", ".RB ", ".BI ", ".IB "};

	for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (!strncmp(line, macros[i], strlen(macros[i])))
			return true;
	return false;
}

/*
 * The option names the SYNOPSIS gives for cmd: every block that starts with
 * ".B vigil CMD" (".B vigil" alone: the console) up to the next ".br".
 */
static int synopsis_names(const struct man *m, const char *cmd, char names[][NAME_LEN],
			  int max)
{
	char want[64], words[16][NAME_LEN];
	bool in_synopsis = false, in_block = false;
	int n = 0;

	snprintf(want, sizeof(want), ".B vigil%s%s", cmd ? " " : "", cmd ? cmd : "");
	for (size_t i = 0; i < m->n; i++) {
		const char *line = m->lines[i];

		if (!strncmp(line, ".SH", 3)) {
			in_synopsis = !strcmp(line, ".SH SYNOPSIS");
			in_block = false;
		} else if (in_synopsis && !strcmp(line, ".br")) {
			in_block = false;
		} else if (in_synopsis && !strncmp(line, ".B vigil", 8)) {
			in_block = !strcmp(line, want);
		} else if (in_block && font_macro(line)) {
			int nw = roff_words(line, words, 16);

			for (int w = 0; w < nw && n < max; w++)
				if (option_word(words[w]))
					snprintf(names[n++], NAME_LEN, "%.31s", words[w]);
		}
	}
	return n;
}

/* The heads of the OPTIONS section's .TP entries that name options. */
static void described_options(const struct man *m, struct opts *out)
{
	char words[16][NAME_LEN];
	bool in_options = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i + 1 < m->n; i++) {
		if (!strncmp(m->lines[i], ".SH", 3))
			in_options = !strcmp(m->lines[i], ".SH OPTIONS");
		if (!in_options || strcmp(m->lines[i], ".TP") ||
		    !font_macro(m->lines[i + 1]))
			continue;
		struct opt *o = &out->o[out->n];
		int nw = roff_words(m->lines[i + 1], words, 16);

		memset(o, 0, sizeof(*o));
		for (int w = 0; w < nw; w++) {
			if (option_word(words[w]) && o->nnames < NAMES_MAX)
				snprintf(o->names[o->nnames++], NAME_LEN, "%.31s",
					 words[w]);
			else if (words[w][0] && strcmp(words[w], ",") &&
				 strcmp(words[w], "--"))
				o->value = true;
		}
		if (o->nnames && out->n + 1 < OPTS_MAX)
			out->n++;
	}
}

static bool same_option(const struct opt *a, const struct opt *b)
{
	if (a->nnames != b->nnames || a->value != b->value)
		return false;
	for (int i = 0; i < a->nnames; i++)
		if (!has_name(b, a->names[i]))
			return false;
	return true;
}

static bool exempt_from_synopsis(const struct opt *o)
{
	return has_name(o, "--help") || has_name(o, "--version");
}

/* Each subcommand's SYNOPSIS lists exactly the options it accepts. */
static void test_man_synopsis_matches_binary(void **state)
{
	char names[64][NAME_LEN];
	int bad = 0;
	struct man m;
	struct opts o;

	(void)state;
	man_load(&m);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		int n = synopsis_names(&m, commands[i], names, 64);

		help_options(commands[i], &o);
		for (int k = 0; k < n; k++) {
			bool found = false;

			for (size_t j = 0; j < o.n; j++)
				if (has_name(&o.o[j], names[k]))
					found = o.o[j].seen = true;
			if (!found)
				bad++, print_error("man SYNOPSIS of %s lists %s, which "
						   "%s does "
						   "not accept\n",
						   label(commands[i]), names[k],
						   label(commands[i]));
		}
		for (size_t j = 0; j < o.n; j++)
			if (!o.o[j].seen && !exempt_from_synopsis(&o.o[j]))
				bad++, print_error(
					       "%s accepts %s, its man SYNOPSIS does not "
					       "list it\n",
					       label(commands[i]), o.o[j].names[0]);
	}
	free(m.text);
	assert_int_equal(bad, 0);
}

/* OPTIONS describes every option some subcommand accepts, and no other. */
static void test_man_options_match_binary(void **state)
{
	struct opts described, o;
	struct man m;
	int bad = 0;

	(void)state;
	man_load(&m);
	described_options(&m, &described);
	assert_true(described.n > 5);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		help_options(commands[i], &o);
		for (size_t j = 0; j < o.n; j++) {
			bool found = false;

			for (size_t k = 0; k < described.n; k++)
				if (same_option(&o.o[j], &described.o[k]))
					found = described.o[k].seen = true;
			if (!found)
				bad++, print_error(
					       "%s accepts %s%s%s%s, man OPTIONS has no "
					       "such entry\n",
					       label(commands[i]), o.o[j].names[0],
					       o.o[j].nnames > 1 ? ", " : "",
					       o.o[j].nnames > 1 ? o.o[j].names[1] : "",
					       o.o[j].value ? " VALUE" : "");
		}
	}
	for (size_t k = 0; k < described.n; k++)
		if (!described.o[k].seen)
			bad++, print_error("man OPTIONS describes %s%s%s%s, which no "
					   "subcommand accepts so\n",
					   described.o[k].names[0],
					   described.o[k].nnames > 1 ? ", " : "",
					   described.o[k].nnames > 1
						   ? described.o[k].names[1]
						   : "",
					   described.o[k].value ? " VALUE" : "");
	free(m.text);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_command_has_help),
		cmocka_unit_test(test_missing_values_and_unknown_options),
		cmocka_unit_test(test_man_synopsis_matches_binary),
		cmocka_unit_test(test_man_options_match_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
