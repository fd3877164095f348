/* SPDX-License-Identifier: MIT */
/*
 * test_when: every form of a time expression, in UTC where the calendar is
 * plain, and in America/New_York (when tzdata is installed) for the days a
 * clock skips or repeats an hour. Expected instants are built with timegm(),
 * which knows no zone, so each one is worked out here by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/when.h"

#define SENTINEL (-12345)

/* ms since the epoch of a UTC date and time */
static int64_t utc(int y, int mon, int d, int h, int mi, int s)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm) * 1000;
}

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int tz_utc(void **state)
{
	(void)state;
	set_tz("UTC");
	return 0;
}

static int tz_new_york(void **state)
{
	(void)state;
	set_tz("America/New_York");
	return 0;
}

/* a session from 2024-03-15 23:50:30.250 UTC to two hours later */
static struct when_ctx ctx_at(int64_t first_ms)
{
	struct when_ctx c = {
		.first_ms = first_ms,
		.last_ms = first_ms + 7200000,
		.plus_ref_ms = first_ms + 600000,
		.minus_ref_ms = first_ms + 3600000,
	};

	return c;
}

static const int64_t FIRST = 1710546630250LL; /* 2024-03-15 23:50:30.250 UTC */

static int64_t ok(const struct when_ctx *c, const char *s)
{
	char why[256] = "";
	int64_t ms = SENTINEL;

	if (when_parse(s, c, &ms, why, sizeof(why)) < 0)
		fail_msg("when_parse('%s') failed: %s", s, why);
	return ms;
}

/* Fails with a reason that contains `reason`, leaving the output alone. */
static void bad(const struct when_ctx *c, const char *s, const char *reason)
{
	char why[256] = "";
	int64_t ms = SENTINEL;

	if (when_parse(s, c, &ms, why, sizeof(why)) == 0)
		fail_msg("when_parse('%s') accepted it as %lld", s, (long long)ms);
	assert_int_equal(ms, SENTINEL);
	if (!strstr(why, reason))
		fail_msg("when_parse('%s'): reason '%s' lacks '%s'", s, why, reason);
}

static void test_start_end(void **state)
{
	struct when_ctx c = ctx_at(FIRST);

	(void)state;
	assert_int_equal(utc(2024, 3, 15, 23, 50, 30) + 250, FIRST);
	assert_int_equal(ok(&c, "start"), c.first_ms);
	assert_int_equal(ok(&c, "end"), c.last_ms);
	assert_int_equal(ok(&c, "  End\t"), c.last_ms);
	assert_int_equal(ok(&c, "START"), c.first_ms);
	bad(&c, "started", "not a time");
	bad(&c, "ends", "not a time");
}

static void test_offsets(void **state)
{
	struct when_ctx c = ctx_at(FIRST);

	(void)state;
	assert_int_equal(ok(&c, "+30s"), c.plus_ref_ms + 30000);
	assert_int_equal(ok(&c, "-5m"), c.minus_ref_ms - 300000);
	assert_int_equal(ok(&c, "+1m30s"), c.plus_ref_ms + 90000);
	assert_int_equal(ok(&c, "+250ms"), c.plus_ref_ms + 250);
	assert_int_equal(ok(&c, "+1.5h"), c.plus_ref_ms + 5400000);
	assert_int_equal(ok(&c, "+90"), c.plus_ref_ms + 90000); /* bare: seconds */
	/* outside the session is not an error: callers clamp */
	assert_int_equal(ok(&c, "-2h"), c.minus_ref_ms - 7200000);
	assert_true(ok(&c, "-2h") < c.first_ms);
	assert_int_equal(ok(&c, "+3h"), c.plus_ref_ms + 10800000);
	bad(&c, "+5x", "bad duration '5x': unknown unit 'x'");
	bad(&c, "+0s", "greater than zero");
	bad(&c, "+", "bad duration '': empty duration");
	bad(&c, "-", "empty duration");
	bad(&c, "+-5s", "bad duration");
	bad(&c, "+5 s", "bad duration");
	bad(&c, "+9999h", "too long");
}

static void test_epoch_ms(void **state)
{
	struct when_ctx c = ctx_at(FIRST);

	(void)state;
	assert_int_equal(ok(&c, "1710546630250"), FIRST);
	assert_int_equal(ok(&c, "100000000000"), 100000000000LL);
	assert_int_equal(ok(&c, " 1710546630250 "), FIRST);
	assert_int_equal(ok(&c, "9000000000000000000"), 9000000000000000000LL);
	bad(&c, "99999999999", "ms since the epoch and must be at least 100000000000");
	bad(&c, "90", "for an offset write +DUR");
	bad(&c, "0", "at least");
	bad(&c, "99999999999999999999", "out of range");
	bad(&c, "1710546630250x", "not a time");
	bad(&c, "1710546630.25", "not a time");
}

static void test_clock_same_day(void **state)
{
	struct when_ctx c = ctx_at(FIRST);

	(void)state;
	assert_int_equal(ok(&c, "23:55"), utc(2024, 3, 15, 23, 55, 0));
	assert_int_equal(ok(&c, "23:59:59"), utc(2024, 3, 15, 23, 59, 59));
	/* the minute (second) the session started in is still that day */
	assert_int_equal(ok(&c, "23:50"), utc(2024, 3, 15, 23, 50, 0));
	assert_int_equal(ok(&c, "23:50:30"), utc(2024, 3, 15, 23, 50, 30));
	assert_int_equal(ok(&c, " 23:51 "), utc(2024, 3, 15, 23, 51, 0));
}

static void test_clock_after_midnight(void **state)
{
	struct when_ctx c = ctx_at(FIRST);

	(void)state;
	/* earlier on the clock than the start: the next day */
	assert_int_equal(ok(&c, "23:50:29"), utc(2024, 3, 16, 23, 50, 29));
	assert_int_equal(ok(&c, "23:49"), utc(2024, 3, 16, 23, 49, 0));
	assert_int_equal(ok(&c, "00:10"), utc(2024, 3, 16, 0, 10, 0));
	assert_int_equal(ok(&c, "3:12"), utc(2024, 3, 16, 3, 12, 0));
	assert_int_equal(ok(&c, "03:12"), utc(2024, 3, 16, 3, 12, 0));
	assert_int_equal(ok(&c, "0:00:00"), utc(2024, 3, 16, 0, 0, 0));

	/* over the end of a leap February, and of a year */
	c = ctx_at(utc(2024, 2, 29, 22, 0, 0));
	assert_int_equal(ok(&c, "01:00"), utc(2024, 3, 1, 1, 0, 0));
	assert_int_equal(ok(&c, "22:00"), utc(2024, 2, 29, 22, 0, 0));
	c = ctx_at(utc(2023, 2, 28, 22, 0, 0));
	assert_int_equal(ok(&c, "01:00"), utc(2023, 3, 1, 1, 0, 0));
	c = ctx_at(utc(2023, 12, 31, 23, 0, 0));
	assert_int_equal(ok(&c, "00:30"), utc(2024, 1, 1, 0, 30, 0));
}

static void test_clock_errors(void **state)
{
	struct when_ctx c = ctx_at(FIRST);

	(void)state;
	bad(&c, "24:00", "hour 24 is out of range");
	bad(&c, "99:00", "hour 99 is out of range");
	bad(&c, "12:60", "minute 60 is out of range");
	bad(&c, "12:30:60", "second 60 is out of range");
	bad(&c, "12:3", "bad clock time");
	bad(&c, "12:345", "bad clock time");
	bad(&c, "123:00", "bad clock time");
	bad(&c, "12:30:", "bad clock time");
	bad(&c, "12:30:5", "bad clock time");
	bad(&c, "12:30:00:00", "bad clock time");
	bad(&c, "12:30pm", "bad clock time");
	bad(&c, "1 2:30", "bad clock time");
	bad(&c, ":30", "not a time");
	bad(&c, "noon", "not a time");
	bad(&c, "", "empty time");
	bad(&c, "   ", "empty time");
	bad(&c, "0123456789012345678901234567890123456789012345678901234567890123456789",
	    "too long");
}

static void test_date_time(void **state)
{
	struct when_ctx c = ctx_at(FIRST);

	(void)state;
	assert_int_equal(ok(&c, "2024-03-16 01:02:03"), utc(2024, 3, 16, 1, 2, 3));
	assert_int_equal(ok(&c, "2024-03-16T01:02:03"), utc(2024, 3, 16, 1, 2, 3));
	assert_int_equal(ok(&c, "2024-03-16 01:02"), utc(2024, 3, 16, 1, 2, 0));
	assert_int_equal(ok(&c, "2024-03-16T01:02"), utc(2024, 3, 16, 1, 2, 0));
	/* a date before the session is not an error either */
	assert_int_equal(ok(&c, "2020-01-01 00:00"), utc(2020, 1, 1, 0, 0, 0));
	assert_int_equal(ok(&c, "2024-02-29 10:00"), utc(2024, 2, 29, 10, 0, 0));
	assert_int_equal(ok(&c, "2000-02-29 10:00"), utc(2000, 2, 29, 10, 0, 0));
	bad(&c, "2023-02-29 10:00", "day 29 is out of range for 2023-02");
	bad(&c, "1900-02-29 10:00", "year 1900 is out of range");
	bad(&c, "2024-04-31 10:00", "day 31 is out of range for 2024-04");
	bad(&c, "2024-04-00 10:00", "day 0 is out of range");
	bad(&c, "2024-13-01 10:00", "month 13 is out of range");
	bad(&c, "2024-00-01 10:00", "month 0 is out of range");
	bad(&c, "1969-12-31 23:00", "year 1969 is out of range");
	bad(&c, "2024-03-16 25:00", "hour 25 is out of range");
	bad(&c, "2024-03-16 10:00x", "bad clock time");
	bad(&c, "2024-03-16  10:00", "bad clock time");
	bad(&c, "2024-3-16 10:00", "bad date and time");
	bad(&c, "2024-03-16", "bad date and time");
	bad(&c, "2024-03-16_10:00", "bad date and time");
	bad(&c, "20240-03-16 10:00", "bad date and time");
}

/* Session from 23:30 EST one evening: 03:12 is the next morning. */
static void test_new_york_midnight(void **state)
{
	struct when_ctx c = ctx_at(utc(2024, 1, 16, 4, 30, 0)); /* 23:30 EST */

	(void)state;
	assert_int_equal(ok(&c, "03:12"), utc(2024, 1, 16, 8, 12, 0));
	assert_int_equal(ok(&c, "23:45"), utc(2024, 1, 16, 4, 45, 0));
	assert_int_equal(ok(&c, "2024-01-15 23:45"), utc(2024, 1, 16, 4, 45, 0));
	/* summer time: UTC-4 */
	assert_int_equal(ok(&c, "2024-07-01 12:00"), utc(2024, 7, 1, 16, 0, 0));
}

/* 2024-11-03: 01:00..01:59 is shown twice, first EDT (UTC-4), then EST. */
static void test_new_york_repeated_hour(void **state)
{
	struct when_ctx c = ctx_at(utc(2024, 11, 3, 4, 30, 0)); /* 00:30 EDT */

	(void)state;
	assert_int_equal(ok(&c, "01:30"), utc(2024, 11, 3, 5, 30, 0));
	assert_int_equal(ok(&c, "2024-11-03 01:30"), utc(2024, 11, 3, 5, 30, 0));
	assert_int_equal(ok(&c, "02:30"), utc(2024, 11, 3, 7, 30, 0));
	/* started at 01:45 EDT: the next 01:30 is the EST one */
	c = ctx_at(utc(2024, 11, 3, 5, 45, 0));
	assert_int_equal(ok(&c, "01:30"), utc(2024, 11, 3, 6, 30, 0));
	assert_int_equal(ok(&c, "01:50"), utc(2024, 11, 3, 5, 50, 0));
	/* started at 01:45 EST: both showings are over, so the next day */
	c = ctx_at(utc(2024, 11, 3, 6, 45, 0));
	assert_int_equal(ok(&c, "01:30"), utc(2024, 11, 4, 6, 30, 0));
	/* a date whose both showings precede the session: the later one */
	c = ctx_at(utc(2024, 11, 10, 0, 0, 0));
	assert_int_equal(ok(&c, "2024-11-03 01:30"), utc(2024, 11, 3, 6, 30, 0));
}

/* 2024-03-10: the clock jumps from 02:00 EST to 03:00 EDT. */
static void test_new_york_skipped_hour(void **state)
{
	struct when_ctx c = ctx_at(utc(2024, 3, 10, 5, 0, 0)); /* 00:00 EST */

	(void)state;
	/* 02:30 does not exist: read at the offset before the jump */
	assert_int_equal(ok(&c, "02:30"), utc(2024, 3, 10, 7, 30, 0));
	assert_int_equal(ok(&c, "2024-03-10 02:30"), utc(2024, 3, 10, 7, 30, 0));
	assert_int_equal(ok(&c, "03:30"), utc(2024, 3, 10, 7, 30, 0));
	assert_int_equal(ok(&c, "01:59:59"), utc(2024, 3, 10, 6, 59, 59));
	assert_int_equal(ok(&c, "03:00"), utc(2024, 3, 10, 7, 0, 0));
}

/* A daemon's directory of two weeks: a clock time is the latest one at
 * or before the end ("03:10" is this morning's), dates name their day. */
static struct when_ctx ctx_days(int64_t first_ms, int64_t last_ms)
{
	return (struct when_ctx){first_ms, last_ms, first_ms, last_ms};
}

static void test_clock_long_span(void **state)
{
	struct when_ctx c =
		ctx_days(utc(2024, 3, 1, 0, 0, 0), utc(2024, 3, 15, 8, 0, 30));

	(void)state;
	assert_int_equal(ok(&c, "03:10"), utc(2024, 3, 15, 3, 10, 0));
	assert_int_equal(ok(&c, "08:00"), utc(2024, 3, 15, 8, 0, 0));
	assert_int_equal(ok(&c, "08:00:30"), utc(2024, 3, 15, 8, 0, 30));
	/* not yet shown today: yesterday's */
	assert_int_equal(ok(&c, "08:00:31"), utc(2024, 3, 14, 8, 0, 31));
	assert_int_equal(ok(&c, "23:59"), utc(2024, 3, 14, 23, 59, 0));
	/* dates, with a blank or a T, are what they say */
	assert_int_equal(ok(&c, "2024-03-03 03:10"), utc(2024, 3, 3, 3, 10, 0));
	assert_int_equal(ok(&c, "2024-03-03T03:10:00"), utc(2024, 3, 3, 3, 10, 0));
	assert_int_equal(ok(&c, "2024-03-03T03:10:07"), utc(2024, 3, 3, 3, 10, 7));
	/* over the start of a month and of a leap day */
	c = ctx_days(utc(2024, 2, 20, 0, 0, 0), utc(2024, 3, 1, 0, 30, 0));
	assert_int_equal(ok(&c, "01:00"), utc(2024, 2, 29, 1, 0, 0));
	c = ctx_days(utc(2023, 12, 20, 0, 0, 0), utc(2024, 1, 1, 0, 30, 0));
	assert_int_equal(ok(&c, "23:00"), utc(2023, 12, 31, 23, 0, 0));
	/* a span of exactly a day still counts from the start */
	c = ctx_days(utc(2024, 3, 1, 10, 0, 0), utc(2024, 3, 2, 10, 0, 0));
	assert_int_equal(ok(&c, "09:00"), utc(2024, 3, 2, 9, 0, 0));
	assert_int_equal(ok(&c, "11:00"), utc(2024, 3, 1, 11, 0, 0));
	bad(&c, "25:00", "hour 25 is out of range");
}

/* The repeated hour of 2024-11-03 at the end of a long history: the
 * latest showing that has begun. */
static void test_new_york_long_span(void **state)
{
	struct when_ctx c =
		ctx_days(utc(2024, 10, 20, 0, 0, 0), utc(2024, 11, 3, 7, 0, 0));

	(void)state;
	/* 02:00 EST: both 01:30s are over, the EST one is the latest */
	assert_int_equal(ok(&c, "01:30"), utc(2024, 11, 3, 6, 30, 0));
	/* 01:00 EST: only the EDT 01:30 has been shown */
	c = ctx_days(utc(2024, 10, 20, 0, 0, 0), utc(2024, 11, 3, 6, 0, 0));
	assert_int_equal(ok(&c, "01:30"), utc(2024, 11, 3, 5, 30, 0));
	assert_int_equal(ok(&c, "03:00"), utc(2024, 11, 2, 7, 0, 0)); /* EDT */
}

int main(void)
{
	const char *tz = getenv("TZ");
	char *saved = tz ? strdup(tz) : NULL;
	const struct CMUnitTest plain[] = {
		cmocka_unit_test_setup(test_start_end, tz_utc),
		cmocka_unit_test_setup(test_offsets, tz_utc),
		cmocka_unit_test_setup(test_epoch_ms, tz_utc),
		cmocka_unit_test_setup(test_clock_same_day, tz_utc),
		cmocka_unit_test_setup(test_clock_after_midnight, tz_utc),
		cmocka_unit_test_setup(test_clock_errors, tz_utc),
		cmocka_unit_test_setup(test_date_time, tz_utc),
		cmocka_unit_test_setup(test_clock_long_span, tz_utc),
	};
	const struct CMUnitTest dst[] = {
		cmocka_unit_test_setup(test_new_york_midnight, tz_new_york),
		cmocka_unit_test_setup(test_new_york_repeated_hour, tz_new_york),
		cmocka_unit_test_setup(test_new_york_skipped_hour, tz_new_york),
		cmocka_unit_test_setup(test_new_york_long_span, tz_new_york),
	};
	int failed = cmocka_run_group_tests_name("when", plain, NULL, NULL);

	if (access("/usr/share/zoneinfo/America/New_York", R_OK) == 0)
		failed += cmocka_run_group_tests_name("when (America/New_York)", dst,
						      NULL, NULL);
	else
		fprintf(stderr, "test_when: no tzdata for America/New_York, DST cases "
				"skipped\n");
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	free(saved);
	return failed;
}
