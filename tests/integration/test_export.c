/* SPDX-License-Identifier: MIT */
/*
 * test_export: `vigil export --metrics` and the top_processes section of
 * `vigil report` against recorded fixtures.
 *
 * Exported rows are checked against the session through the query API (one
 * row per tick, the same values query_series gives at one point per tick),
 * the JSON through jq. A session written here through the store API, long
 * enough to need several pages of export queries, checks that rates and
 * values run on across the seams and that rows stream to -o FILE.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "core/frame.h"
#include "core/xalloc.h"
#include "store/dev_rows.h"
#include "store/frames.h"
#include "store/series.h"
#include "store/store.h"

static char session[4096], dir[256];

static int setup(void **state)
{
	char *d = temp_dir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[4200];

	(void)state;
	fixtures_stop_all();
	remove_session(session);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Records pid (0: none) for dur at interval into session. */
static void record(pid_t pid, const char *interval, const char *dur)
{
	struct run_result r;
	char pidbuf[16];

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	if (pid > 0)
		run_vigil(&r, "record", "-p", pidbuf, "-i", interval, "-d", dur, "-o",
			  session);
	else
		run_vigil(&r, "record", "-i", interval, "-d", dur, "-o", session);
	if (r.status != 0)
		fail_msg("record failed (%d): %s", r.status, r.err);
}

static void span(int64_t *first, int64_t *last, uint64_t *ticks)
{
	struct store *st;
	char err[256];

	if (store_open(session, &st, err, sizeof(err)) < 0)
		fail_msg("store_open: %s", err);
	assert_int_equal(query_span(st, first, last, ticks), 0);
	store_close(st);
}

/* Lines of text ending in "\r\n" (RFC 4180), split in place. */
static size_t csv_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *p = text, *eol;

	while (n < max && (eol = strstr(p, "\r\n"))) {
		*eol = '\0';
		lines[n++] = p;
		p = eol + 2;
	}
	assert_string_equal(p, ""); /* nothing after the last line break */
	return n;
}

/* Field i of a CSV line (no quoting in vigil's numbers), into buf. */
static const char *csv_field(const char *line, size_t i, char *buf, size_t len)
{
	const char *p = line;
	size_t n;

	for (; i > 0; i--) {
		p = strchr(p, ',');
		assert_non_null(p);
		p++;
	}
	n = strcspn(p, ",");
	assert_true(n < len);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* Appends the session's per-device columns (when it exists yet). */
static size_t device_header(char *buf, size_t off, size_t len)
{
	static const enum dev_class classes[] = {DEV_DISK, DEV_NET};
	struct store *st;
	char err[256];

	if (store_open(session, &st, err, sizeof(err)) < 0)
		return off;
	for (size_t c = 0; c < 2; c++) {
		const char *const *fields = query_dev_fields(classes[c]);
		struct dev_moved *devs;
		size_t n;

		assert_int_equal(query_dev_moved(st, classes[c], 0, INT64_MAX, &devs, &n),
				 0);
		for (size_t d = 0; d < n; d++)
			for (size_t f = 0; fields[f] && off < len; f++)
				off += (size_t)snprintf(buf + off, len - off, ",%s.%s.%s",
							c ? "net" : "disk", devs[d].name,
							fields[f]);
		free(devs);
	}
	store_close(st);
	assert_true(off < len);
	return off;
}

/* The header vigil should write: t_ms, system metrics, target metrics, then
 * each disk's and interface's own. */
static void expected_header(bool target, char *buf, size_t len)
{
	const char *const *names = query_metric_names();
	size_t off = (size_t)snprintf(buf, len, "t_ms");

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; names[i]; i++)
			if ((strncmp(names[i], "target.", 7) == 0) == (pass == 1) &&
			    (pass == 0 || target))
				off += (size_t)snprintf(buf + off, len - off, ",%s",
							names[i]);
	device_header(buf, off, len);
}

static size_t header_columns(bool target)
{
	char header[16384];
	size_t n = 1;

	expected_header(target, header, sizeof(header));
	for (char *q = header; *q; q++)
		n += *q == ',';
	return n;
}

static size_t column_of(const char *name)
{
	char header[16384], *p;
	size_t col = 0;

	expected_header(true, header, sizeof(header));
	p = strstr(header, name);
	assert_non_null(p);
	for (char *q = header; q < p; q++)
		col += *q == ',';
	return col;
}

/* One row per tick, the full header, target.rss exactly as stored. */
static void test_csv_rows_are_ticks(void **state)
{
	static char *lines[4096];
	struct run_result r;
	struct series rss = {0};
	struct store *st;
	int64_t first, last;
	uint64_t ticks;
	char header[16384], buf[64], err[256];
	pid_t pid = fixture_start("holdmem", "32", NULL);
	size_t n, col = column_of("target.rss"), rate = column_of("ctxt.rate");

	(void)state;
	assert_true(pid > 0);
	record(pid, "100ms", "1500ms");
	span(&first, &last, &ticks);
	assert_true(ticks >= 8);
	run_vigil(&r, "export", session, "--metrics");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	n = csv_lines(r.out, lines, 4096);
	assert_int_equal(n, ticks + 1);
	expected_header(true, header, sizeof(header));
	assert_string_equal(lines[0], header);

	assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
	assert_int_equal(query_series(st, "target.rss", first, last,
				      (size_t)(last - first) + 1, &rss),
			 0);
	assert_int_equal(rss.n, ticks);
	for (size_t i = 0; i < rss.n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "%lld", (long long)rss.points[i].t_ms);
		assert_string_equal(csv_field(lines[i + 1], 0, buf, sizeof(buf)), want);
		snprintf(want, sizeof(want), "%.0f", rss.points[i].avg);
		assert_string_equal(csv_field(lines[i + 1], col, buf, sizeof(buf)), want);
		assert_true(rss.points[i].avg >= 32 << 20);
	}
	series_release(&rss);
	store_close(st);
	/* a rate needs two ticks: empty in the first row only */
	assert_string_equal(csv_field(lines[1], rate, buf, sizeof(buf)), "");
	assert_string_not_equal(csv_field(lines[2], rate, buf, sizeof(buf)), "");
	assert_string_not_equal(csv_field(lines[n - 1], rate, buf, sizeof(buf)), "");
}

/* The JSON form parses with jq and holds the same rows. */
static void test_json_parses(void **state)
{
	static char *lines[4096];
	struct run_result r, csv;
	char buf[256], filter[128];
	int64_t first, last;
	uint64_t ticks;
	pid_t pid = fixture_start("sleeper", NULL);
	size_t col = column_of("target.rss"), nsys = 1;

	(void)state;
	assert_true(pid > 0);
	record(pid, "100ms", "1s");
	span(&first, &last, &ticks);
	run_vigil(&r, "export", session, "--metrics", "--format", "json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, ".rows | length") == (double)ticks);
	assert_string_equal(jq(r.out, ".columns[0]", buf, sizeof(buf)), "t_ms");
	assert_true(jq_num(r.out, ".columns | length") == (double)header_columns(true));
	assert_true(jq_num(r.out, "[.rows[] | length] | unique | length") == 1);
	assert_true(jq_num(r.out, ".rows[0][0]") == (double)first);
	assert_true(jq_num(r.out, ".rows[-1][0]") == (double)last);
	assert_string_equal(jq(r.out, ".rows[0] | map(type) | unique | join(\",\")", buf,
			       sizeof(buf)),
			    "null,number");
	/* the same numbers as the CSV */
	run_vigil(&csv, "export", session, "--metrics", "--format", "csv");
	assert_int_equal(csv.status, 0);
	assert_int_equal(csv_lines(csv.out, lines, 4096), ticks + 1);
	snprintf(filter, sizeof(filter), ".rows[-1][%zu]", col);
	assert_string_equal(jq(r.out, filter, buf, sizeof(buf)),
			    csv_field(lines[ticks], col, (char[64]){0}, 64));
	/* without a target, no target columns */
	remove_session(session);
	record(0, "100ms", "400ms");
	run_vigil(&r, "export", session, "--metrics", "--format", "json");
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out,
			       "[.columns[] | select(startswith(\"target.\"))] | length",
			       buf, sizeof(buf)),
			    "0");
	assert_true(jq_num(r.out, ".columns | length") == (double)header_columns(false));
	/* the target's columns follow t_ms and every system metric */
	for (const char *const *m = query_metric_names(); *m; m++)
		nsys += strncmp(*m, "target.", 7) != 0;
	assert_true(nsys == column_of("target.cpu"));
}

static size_t rows_between(const char *from, const char *to)
{
	static char *lines[4096];
	struct run_result r;

	if (to)
		run_vigil(&r, "export", session, "--metrics", "--from", from, "--to", to);
	else
		run_vigil(&r, "export", session, "--metrics", "--from", from);
	if (r.status != 0)
		fail_msg("export --from %s --to %s: %s", from, to ? to : "-", r.err);
	return csv_lines(r.out, lines, 4096) - 1;
}

/* --from/--to pick the ticks of the window, by any way of naming a time. */
static void test_from_to_narrow(void **state)
{
	int64_t first, last, times[64];
	uint64_t ticks;
	struct store *st;
	char err[256], a[32], b[32];
	size_t n, want;

	(void)state;
	record(0, "100ms", "1500ms");
	span(&first, &last, &ticks);
	assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
	assert_int_equal(query_tick_times(st, first, last, times, 64, &n), 0);
	store_close(st);
	assert_int_equal(n, ticks);
	assert_true(n >= 10);

	snprintf(a, sizeof(a), "%lld", (long long)times[3]);
	snprintf(b, sizeof(b), "%lld", (long long)times[7]);
	assert_int_equal(rows_between(a, b), 5);
	assert_int_equal(rows_between(a, a), 1);
	assert_int_equal(rows_between("start", "end"), ticks);
	assert_int_equal(rows_between("start", "+1ms"), 1);
	/* +DUR in --to counts from --from */
	assert_int_equal(rows_between(a, "+1ms"), 1);
	/* -DUR counts back from the end */
	want = 0;
	for (size_t i = 0; i < n; i++)
		want += times[i] >= last - 450;
	assert_int_equal(rows_between("-450ms", NULL), want);
	/* a window past the end is empty, not an error */
	snprintf(a, sizeof(a), "%lld", (long long)last + 1);
	snprintf(b, sizeof(b), "%lld", (long long)last + 60000);
	assert_int_equal(rows_between(a, b), 0);
	assert_int_equal(rows_between("2000-01-01 00:00", "2000-01-02 00:00"), 0);
}

static void expect_usage(const char *why, const char *const args[])
{
	struct run_result r;

	run_vigil_argv(&r, args);
	if (r.status != 2 || !strstr(r.err, why))
		fail_msg("%s %s: status %d, stderr '%s' (wanted 2, '%s')", args[0],
			 args[1], r.status, r.err, why);
	assert_string_equal(r.out, "");
}

#define USAGE(why, ...)                                                                  \
	do {                                                                             \
		const char *const args_[] = {__VA_ARGS__, NULL};                         \
		expect_usage(why, args_);                                                \
	} while (0)

static void test_bad_arguments(void **state)
{
	struct run_result r;
	char out[4200];
	FILE *f;

	(void)state;
	record(0, "100ms", "300ms");
	USAGE("needs one of --metrics, --profile ID, --alerts, --exits or --cgroups",
	      "export", session);
	USAGE("needs a session FILE", "export", "--metrics");
	USAGE("one session FILE", "export", session, session, "--metrics");
	USAGE("bad --profile 'x'", "export", session, "--profile", "x");
	USAGE("needs one of", "export", session, "--alerts", "--metrics");
	USAGE("needs one of", "export", session, "--cgroups", "--metrics");
	USAGE("--format folded is for profiles", "export", session, "--cgroups",
	      "--format", "folded");
	USAGE("a profile exports as folded, json or pprof", "export", session,
	      "--profile", "1", "--format", "csv");
	USAGE("folded is for profiles", "export", session, "--metrics", "--format",
	      "folded");
	USAGE("unknown format 'xml'", "export", session, "--metrics", "--format", "xml");
	USAGE("unknown option '--bogus'", "export", session, "--metrics", "--bogus");
	USAGE("option '--from' needs a value", "export", session, "--metrics", "--from");
	USAGE("bad --from 'noon': not a time", "export", session, "--metrics", "--from",
	      "noon");
	USAGE("bad --to '25:00': hour 25 is out of range", "export", session, "--metrics",
	      "--to", "25:00");
	USAGE("bad --from '+5x': bad duration", "export", session, "--metrics", "--from",
	      "+5x");
	USAGE("--from 'end' is after --to 'start'", "export", session, "--metrics",
	      "--from", "end", "--to", "start");
	USAGE("is the session being exported", "export", session, "--metrics", "-o",
	      session, "--force");

	run_vigil(&r, "export", "/nonexistent/s.vigil", "--metrics");
	assert_int_equal(r.status, 1);
	assert_non_null(
		strstr(r.err, "vigil: cannot open session '/nonexistent/s.vigil': "));
	snprintf(out, sizeof(out), "%s/not-a-session", dir);
	f = fopen(out, "w");
	assert_non_null(f);
	fputs("hello\n", f);
	fclose(f);
	run_vigil(&r, "export", out, "--metrics");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "cannot open session"));

	/* -o: an existing file only with --force */
	run_vigil(&r, "export", session, "--metrics", "-o", out);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "exists (use --force to overwrite)"));
	run_vigil(&r, "export", session, "--metrics", "-o", out, "--force");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
}

/*
 * A session written here: 2500 ticks a second apart, ctxt +10 per tick,
 * mem_available = tick, a target using 30 CPU ticks per second at 100 Hz.
 * Three pages of export: every rate after the first row is exactly 10 and
 * 30, so the seams lose nothing.
 */
#define LONG_TICKS 2500
#define LONG_T0 1700000000000LL

static void write_long_session(void)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = 1000, .ncpu = 1};
	struct store *st;
	char err[256];

	snprintf(m.version, sizeof(m.version), "test");
	m.started_ms = LONG_T0;
	m.target_pid = 4242;
	m.target_exit_code = -1;
	if (store_create(session, true, &st, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
	assert_int_equal(store_session_begin(st, &m), 0);
	for (uint64_t i = 0; i < LONG_TICKS; i++) {
		struct frame *f = frame_new();

		f->seq = i;
		f->t_ms = LONG_T0 + 1000 * (int64_t)i;
		f->sys.have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO;
		f->sys.ctxt = 10 * i;
		f->sys.mem_total = 1 << 30;
		f->sys.mem_available = i;
		f->target = xcalloc(1, sizeof(*f->target));
		f->target->pid = 4242;
		f->target->alive = true;
		f->target->have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS;
		f->target->utime = 30 * i;
		f->target->vm_rss = 4096 + i;
		assert_int_equal(store_write_frame(st, f), 0);
		frame_unref(f);
	}
	m.ended_ms = LONG_T0 + 1000 * (LONG_TICKS - 1);
	assert_int_equal(store_session_end(st, &m), 0);
	store_close(st);
}

static void test_long_session_pages(void **state)
{
	static char text[LONG_TICKS * 512], *lines[LONG_TICKS + 2];
	size_t rate = column_of("ctxt.rate"), avail = column_of("mem.available");
	size_t tcpu = column_of("target.cpu"), trss = column_of("target.rss");
	struct run_result r;
	char out[4200], buf[64], want[64];
	size_t len, n;
	FILE *f;

	(void)state;
	write_long_session();
	snprintf(out, sizeof(out), "%s/long.csv", dir);
	run_vigil(&r, "export", session, "--metrics", "-o", out);
	assert_int_equal(r.status, 0);
	f = fopen(out, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	assert_true(len < sizeof(text) - 1);
	text[len] = '\0';
	n = csv_lines(text, lines, LONG_TICKS + 2);
	assert_int_equal(n, LONG_TICKS + 1);
	assert_string_equal(csv_field(lines[1], rate, buf, sizeof(buf)), "");
	assert_string_equal(csv_field(lines[1], tcpu, buf, sizeof(buf)), "");
	for (size_t i = 0; i < LONG_TICKS; i++) {
		const char *line = lines[i + 1];

		snprintf(want, sizeof(want), "%lld", LONG_T0 + 1000 * (long long)i);
		assert_string_equal(csv_field(line, 0, buf, sizeof(buf)), want);
		snprintf(want, sizeof(want), "%zu", i);
		assert_string_equal(csv_field(line, avail, buf, sizeof(buf)), want);
		snprintf(want, sizeof(want), "%zu", 4096 + i);
		assert_string_equal(csv_field(line, trss, buf, sizeof(buf)), want);
		if (i == 0)
			continue;
		if (strcmp(csv_field(line, rate, buf, sizeof(buf)), "10") ||
		    strcmp(csv_field(line, tcpu, buf, sizeof(buf)), "30"))
			fail_msg("row %zu: rates missing or wrong: %s", i, line);
	}
	/* a window inside, over a seam (rows 999..1001): its first has no rate */
	run_vigil(&r, "export", session, "--metrics", "--from", "1700000999000", "--to",
		  "+2s", "--format", "json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, ".rows | length") == 3);
	snprintf(buf, sizeof(buf), ".rows[1][%zu]", rate);
	assert_true(jq_num(r.out, buf) == 10);
	snprintf(buf, sizeof(buf), ".rows[0][%zu]", rate);
	assert_string_equal(jq(r.out, buf, want, sizeof(want)), "null");
}

/*
 * report --json: keys in their order, top_processes after target, then the
 * rooms. The busy fixture uses a known amount of CPU inside the session (the
 * kernel's utime+stime across two SIGSTOPs, whatever the machine's load), so
 * its cpu_pct_avg, % of one core, is that CPU time over the session's span.
 */
static void test_report_top_cpu(void **state)
{
	static char json[HARNESS_OUT_MAX];
	struct run_result r;
	char buf[256], filter[160], err[256], *top;
	pid_t pid = fixture_start("busy", NULL);
	long clk = sysconf(_SC_CLK_TCK);
	int64_t first, last;
	uint64_t ticks;
	long long used;
	double pct, want;
	int at;

	(void)state;
	assert_true(pid > 0);
	used = record_known_cpu(pid, session,
				(const char *const[]){"record", "-i", "250ms", "--statsd",
						      "off", "-o", session, NULL},
				clk, err, sizeof(err));
	fixture_stop(pid);
	if (used < 0)
		fail_msg("%s", err);
	span(&first, &last, &ticks);
	want = 100.0 * (double)used / (double)clk / ((double)(last - first) / 1000);
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(
		jq(r.out, "keys_unsorted | join(\",\")", buf, sizeof(buf)),
		"session,window,system,target,top_processes,memory,gc,latency,profiles,"
		"alerts,"
		"alert_flaps,alert_actions,access,disk,network,process_actions,exits,"
		"cgroups,daemon");
	assert_true(jq_num(r.out, ".top_processes.cpu | length") == 10);
	assert_true(jq_num(r.out, ".top_processes.rss | length") == 10);
	snprintf(filter, sizeof(filter), ".top_processes.cpu | map(.pid) | index(%d)",
		 (int)pid);
	at = (int)jq_num(r.out, filter);
	assert_true(at >= 0);
	snprintf(filter, sizeof(filter), ".top_processes.cpu[%d].cpu_pct_avg", at);
	pct = jq_num(r.out, filter);
	if (!(fabs(pct - want) <= 0.006 + want * 1e-3))
		fail_msg(
			"busy (pid %d) at %.2f%%, the kernel says %.2f%% of one core: %s",
			(int)pid, pct, want, r.out);
	snprintf(filter, sizeof(filter), ".top_processes.cpu[%d].comm", at);
	assert_string_equal(jq(r.out, filter, buf, sizeof(buf)), "busy");
	assert_string_equal(
		jq(r.out, "[.top_processes.cpu[].cpu_pct_avg] | . == (sort | reverse)",
		   buf, sizeof(buf)),
		"true");

	/* the text lists the JSON's first five, in its order (busy among them
	 * only if nothing else on this machine used more) */
	memcpy(json, r.out, sizeof(json));
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	top = strstr(r.out, "\ntop CPU   average over the time each was seen, "
			    "% of one core\n");
	assert_non_null(top);
	assert_non_null(strstr(top, "\ntop memory "));
	strstr(top, "\ntop memory ")[1] = '\0';
	for (int i = 0; i < 5; i++) {
		char *row;

		snprintf(filter, sizeof(filter), ".top_processes.cpu[%d].pid", i);
		snprintf(buf, sizeof(buf), "\n  %7d ", (int)jq_num(json, filter));
		row = strstr(top, buf);
		if (!row)
			fail_msg("pid %s not in the text's top CPU: %s", buf + 1, r.out);
		top = row + 1;
	}
}

static void test_report_top_rss(void **state)
{
	struct run_result r;
	char buf[128], filter[160];
	pid_t pid = fixture_start("holdmem", "64", NULL);
	unsigned long long kernel;
	double rss;
	int at;

	(void)state;
	assert_true(pid > 0);
	record(0, "200ms", "1s");
	kernel = kernel_rss(pid);
	fixture_stop(pid);
	assert_true(kernel >= 64ull << 20);
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	snprintf(filter, sizeof(filter), ".top_processes.rss | map(.pid) | index(%d)",
		 (int)pid);
	at = (int)jq_num(r.out, filter);
	assert_true(at >= 0);
	snprintf(filter, sizeof(filter), ".top_processes.rss[%d].rss_bytes_max", at);
	rss = jq_num(r.out, filter);
	if (!(rss > kernel * 0.98 && rss < kernel * 1.02))
		fail_msg("holdmem's rss_bytes_max %.0f, the kernel's VmRSS %llu", rss,
			 kernel);
	/* first, unless a process on the machine holds more */
	snprintf(filter, sizeof(filter),
		 "[.top_processes.rss[:%d][] | select(.rss_bytes_max < %.0f)] | length",
		 at, rss);
	assert_true(jq_num(r.out, filter) == 0);
	assert_string_equal(
		jq(r.out, "[.top_processes.rss[].rss_bytes_max] | . == (sort | reverse)",
		   buf, sizeof(buf)),
		"true");
	snprintf(filter, sizeof(filter), ".top_processes.rss[%d].comm", at);
	assert_string_equal(jq(r.out, filter, buf, sizeof(buf)), "holdmem");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_csv_rows_are_ticks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_parses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_to_narrow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_session_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_top_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_top_rss, setup, teardown),
	};

	return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
