/* SPDX-License-Identifier: MIT */
/*
 * test_leaks_screen: the leak suspects screen (l) and a region's history
 * over a real recording. A malloc leaker is recorded with short leak and
 * smaps periods (VIGIL_LEAK), replayed at its end, and what the screen
 * shows is compared with what the store holds there, read through the same
 * query API: the verdict, the suspects, the [heap] region (the leaker grows
 * malloc's brk heap) and its readings. Then back out the way an operator
 * would, to the Memory panel with its floor line legend, in UTF-8 and in the
 * C locale without colour.
 *
 * Live: `M` on the target screen of prof_alloc (one leaking and one
 * churning malloc site) captures a live-bytes profile, and the leaks screen
 * then ranks the leaking call site first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "tmux.h"
#include "core/units.h"
#include "store/frames.h"
#include "store/heap_rows.h"
#include "store/store.h"

static char session[256];

static void start_replay(const char *env)
{
	char script[256];
	FILE *f;

	snprintf(script, sizeof(script), "%s/run.sh", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "%s TZ=UTC '%s' replay '%s'\necho EXIT=$?\nsleep 600\n", env,
		vigil_bin(), session);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 'sh %s'", script), 0);
}

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("leaks") < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* text is on the last captured screen (which is printed when it is not). */
static void assert_shows(const char *text)
{
	if (!strstr(screen, text))
		fail_msg("'%s' is not on the screen:\n%s", text, screen);
}

/* True when an SGR sequence on screen sets a foreground or background colour. */
static bool has_colour(const char *s)
{
	while ((s = strstr(s, "\033["))) {
		const char *end = s + 2 + strspn(s + 2, "0123456789;");

		if (*end == 'm')
			for (const char *p = s + 2; p < end; p += strcspn(p, ";") + 1) {
				int v = atoi(p);

				if ((v >= 30 && v <= 37) || (v >= 40 && v <= 47) ||
				    (v >= 90 && v <= 97) || (v >= 100 && v <= 107))
					return true;
			}
		s = end;
	}
	return false;
}

/* What the store says at the session's end, for the screen to show. */
struct expect {
	int64_t last;
	struct heap_verdict verdict;
	struct heap_suspect suspects[HEAP_SUSPECTS_MAX];
	size_t nsuspects;
	struct mapping_row regions[32];
	size_t nregions;
	long heap_row; /* the [heap] region's row on screen (suspects first) */
	struct mapping_point latest; /* its latest reading */
};

static void read_expect(struct expect *e)
{
	struct mapping_point *p;
	struct store *st;
	char err[256];
	int64_t first, at, read_ms;
	uint64_t n, vmas;
	size_t np;
	int k;

	assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
	assert_int_equal(query_span(st, &first, &e->last, &n), 0);
	assert_int_equal(query_leak_verdict_at(st, e->last, &e->verdict, &at), 1);
	k = query_leak_suspects_at(st, e->last, e->suspects, HEAP_SUSPECTS_MAX);
	assert_true(k >= 0);
	e->nsuspects = (size_t)k;
	k = query_mappings_at(st, e->last, e->regions, 32, &read_ms, &vmas);
	assert_true(k > 0);
	e->nregions = (size_t)k;
	e->heap_row = -1;
	for (size_t i = 0; i < e->nregions && e->heap_row < 0; i++)
		if (!strcmp(e->regions[i].name, "[heap]"))
			e->heap_row = (long)(e->nsuspects + i);
	assert_true(e->heap_row >= 0);
	assert_int_equal(query_mapping_history(
				 st,
				 e->regions[e->heap_row - (long)e->nsuspects].mapping_id,
				 first, e->last, &p, &np),
			 0);
	assert_true(np > 0);
	e->latest = p[np - 1];
	free(p);
	store_close(st);
}

/* Opens the suspects screen at the end and checks it against e. */
static void expect_list(const struct expect *e)
{
	char text[128], a[16];

	tmux("send-keys -t t G");
	assert_true(wait_for("END  ")); /* the recording is closed: no live edge */
	tmux("send-keys -t t l");
	assert_true(wait_for("Largest regions"));
	snprintf(text, sizeof(text), "Leak  %s", e->verdict.state);
	assert_shows(text);
	snprintf(text, sizeof(text), "Suspects (%zu)", e->nsuspects);
	assert_shows(text);
	for (size_t i = 0; i < e->nsuspects && i < 3; i++)
		assert_shows(e->suspects[i].name);
	/* the [heap] row with its anon+swap as stored */
	snprintf(text, sizeof(text), "heap   [heap]");
	assert_shows(text);
	units_bytes_short((double)e->regions[e->heap_row - (long)e->nsuspects].anon, a,
			  sizeof(a));
	assert_non_null(strstr(strstr(screen, text), a));
}

/* Down to the [heap] row, Enter: its history; Esc: the list again. */
static void expect_history(const struct expect *e)
{
	char text[128], a[16];

	for (long i = 0; i < e->heap_row; i++)
		tmux("send-keys -t t Down");
	tmux("send-keys -t t Enter");
	assert_true(wait_for("Region [heap] (heap)"));
	assert_true(wait_for("TIME"));
	snprintf(text, sizeof(text), "anon+swap %s",
		 units_bytes_short((double)(e->latest.anon + e->latest.swap), a,
				   sizeof(a)));
	assert_shows(text);
	tmux("send-keys -t t q"); /* q in the history goes back, it does not quit */
	assert_true(wait_for("Largest regions"));
	tmux("send-keys -t t Enter");
	assert_true(wait_for("Region [heap]"));
	tmux("send-keys -t t Escape");
	assert_true(wait_for("Largest regions"));
	assert_null(strstr(screen, "Region [heap]"));
	tmux("send-keys -t t Escape"); /* back to where l was pressed */
	assert_true(wait_for("Tab: next panel"));
}

static void test_suspects_screen_and_region_history(void **state)
{
	struct run_result r;
	struct expect e;

	(void)state;
	setenv("VIGIL_LEAK", "every=5s,window=5s,span=30s,smaps=2s", 1);
	run_vigil(&r, "record", "-i", "200ms", "-d", "12s", "--statsd", "off", "-o",
		  session, "--", fixture_path("leaker"), "1048576", "200");
	unsetenv("VIGIL_LEAK");
	assert_int_equal(r.status, 0);
	read_expect(&e);

	start_replay("LANG=C.UTF-8 LC_ALL=C.UTF-8");
	assert_true(wait_for("|| 1x"));
	expect_list(&e);
	assert_true(has_colour(capture(true))); /* so the check below can fail */
	expect_history(&e);
	tmux("send-keys -t t Tab Tab");
	assert_true(wait_for("floor (lowest per window)"));
	assert_shows("\u28ff anon+swap");
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	tmux_restart();

	/* the C locale: ASCII glyphs, and the same screens without colour */
	start_replay("LANG=C LC_ALL=C NO_COLOR=1");
	assert_true(wait_for("|| 1x"));
	expect_list(&e);
	assert_false(has_colour(capture(true)));
	expect_history(&e);
	tmux("send-keys -t t Tab Tab");
	assert_true(wait_for(": anon+swap  _ floor"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

static void test_alloc_capture_ranks_leak_site(void **state)
{
	char truth[256], *row;
	pid_t pid;

	(void)state;
	snprintf(truth, sizeof(truth), "%s/truth", dir);
	/* a burst far longer than the capture: it leaks throughout */
	pid = fixture_start("prof_alloc", truth, "16384", "1000", "100000000", "free",
			    NULL);
	assert_true(pid > 0);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 \"'%s' -p %d -o "
			      "'%s/live.vigil'; echo EXIT=\\$?; sleep 600\"",
			      vigil_bin(), (int)pid, dir),
			 0);
	assert_true(wait_for("Tab"));
	/* M asks first (the capture slows the target); anything but y declines */
	tmux("send-keys -t t M");
	assert_true(wait_for("(busy allocators 100x slower). Start? "));
	tmux("send-keys -t t n Enter");
	assert_true(wait_for("no live capture"));
	tmux("send-keys -t t M");
	assert_true(wait_for("Start?"));
	tmux("send-keys -t t y Enter");
	assert_true(wait_for("PROFILE pid"));
	assert_shows(" live 1/524288B ");
	tmux("send-keys -t t Escape");
	assert_true(wait_gone("PROFILE pid"));
	tmux("send-keys -t t l");
	assert_true(wait_for("Leak sites:"));
	row = strstr(screen, "CALL SITE");
	assert_non_null(row);
	row = strchr(row, '\n');
	assert_non_null(row);
	/* rank 1 is the leaking site; the churning one frees what it takes */
	assert_true(strncmp(row + 1, "  1 ", 4) == 0);
	assert_non_null(strstr(strtok(row + 1, "\n"), "leak_site (prof_alloc)"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_capture_ranks_leak_site, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_suspects_screen_and_region_history,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("leaks_screen", tests, NULL, NULL);
}
