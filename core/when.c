/* SPDX-License-Identifier: MIT */
/*
 * when: parsing the time expressions of core/when.h.
 *
 * Local wall-clock times go through mktime() twice, once as standard and
 * once as summer time, and a result counts only if localtime() gives the
 * same clock reading back: that finds both showings of a repeated hour and
 * none of a skipped one, without knowing the zone's rules. Dates are checked
 * by hand first, since mktime() would happily turn 31 April into 1 May.
 */
#include "core/when.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/duration.h"

#define WHEN_MAX_LEN 64
#define WHEN_EPOCH_MIN_MS 100000000000LL /* 1973: shorter numbers are typos */
#define WHEN_LONG_SPAN_MS (24LL * 3600 * 1000)

/* A local date and clock reading, as written. */
struct civil {
	int year, mon, day; /* mon 1..12 */
	int hour, min, sec;
	int64_t unit_ms; /* what the last field written names: a minute or a second */
};

static const char when_forms[] =
	"use HH:MM[:SS], YYYY-MM-DD HH:MM[:SS], +DUR, -DUR, start, end or ms since "
	"the epoch";

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int mon)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return mon == 2 && is_leap(y) ? 29 : days[mon - 1];
}

static void next_day(struct civil *c)
{
	if (++c->day <= days_in_month(c->year, c->mon))
		return;
	c->day = 1;
	if (++c->mon <= 12)
		return;
	c->mon = 1;
	c->year++;
}

static void prev_day(struct civil *c)
{
	if (--c->day >= 1)
		return;
	if (--c->mon < 1) {
		c->mon = 12;
		c->year--;
	}
	c->day = days_in_month(c->year, c->mon);
}

/* Reads min..max digits at *p into *v; a further digit is an error. */
static bool read_num(const char **p, int min, int max, int *v)
{
	int n = 0, x = 0;

	while (n < max && isdigit((unsigned char)(*p)[n]))
		x = x * 10 + ((*p)[n++] - '0');
	if (n < min || isdigit((unsigned char)(*p)[n]))
		return false;
	*p += n;
	*v = x;
	return true;
}

/* H:MM or HH:MM[:SS] to the end of p. */
static int parse_clock(const char *p, struct civil *c, char *why, size_t whylen)
{
	c->sec = 0;
	c->unit_ms = 60000;
	if (!read_num(&p, 1, 2, &c->hour) || *p++ != ':' || !read_num(&p, 2, 2, &c->min))
		goto bad;
	if (*p == ':') {
		p++;
		if (!read_num(&p, 2, 2, &c->sec))
			goto bad;
		c->unit_ms = 1000;
	}
	if (*p)
		goto bad;
	if (c->hour > 23) {
		snprintf(why, whylen, "hour %d is out of range", c->hour);
		return -1;
	}
	if (c->min > 59 || c->sec > 59) {
		snprintf(why, whylen, "%s %d is out of range",
			 c->min > 59 ? "minute" : "second",
			 c->min > 59 ? c->min : c->sec);
		return -1;
	}
	return 0;
bad:
	snprintf(why, whylen, "bad clock time (use HH:MM or HH:MM:SS)");
	return -1;
}

/* YYYY-MM-DD, then ' ' or 'T' and a clock time. */
static int parse_date_time(const char *p, struct civil *c, char *why, size_t whylen)
{
	if (!read_num(&p, 4, 4, &c->year) || *p++ != '-' ||
	    !read_num(&p, 2, 2, &c->mon) || *p++ != '-' || !read_num(&p, 2, 2, &c->day) ||
	    (*p != ' ' && *p != 'T')) {
		snprintf(why, whylen, "bad date and time (use YYYY-MM-DD HH:MM[:SS])");
		return -1;
	}
	if (c->year < 1970) {
		snprintf(why, whylen, "year %d is out of range", c->year);
		return -1;
	}
	if (c->mon < 1 || c->mon > 12) {
		snprintf(why, whylen, "month %d is out of range", c->mon);
		return -1;
	}
	if (c->day < 1 || c->day > days_in_month(c->year, c->mon)) {
		snprintf(why, whylen, "day %d is out of range for %04d-%02d", c->day,
			 c->year, c->mon);
		return -1;
	}
	return parse_clock(p + 1, c, why, whylen);
}

static time_t make_local(const struct civil *c, int isdst, bool *exact)
{
	struct tm tm = {0}, back;
	time_t t;

	tm.tm_year = c->year - 1900;
	tm.tm_mon = c->mon - 1;
	tm.tm_mday = c->day;
	tm.tm_hour = c->hour;
	tm.tm_min = c->min;
	tm.tm_sec = c->sec;
	tm.tm_isdst = isdst;
	t = mktime(&tm);
	*exact = localtime_r(&t, &back) && back.tm_year == c->year - 1900 &&
		 back.tm_mon == c->mon - 1 && back.tm_mday == c->day &&
		 back.tm_hour == c->hour && back.tm_min == c->min &&
		 back.tm_sec == c->sec;
	return t;
}

/*
 * The instants (ms) the local clock showed c on its date, earliest first:
 * one, two in a repeated hour, or, in a skipped hour, the one reading it as
 * the offset before the change would (the later of the two guesses).
 */
static size_t local_showings(const struct civil *c, int64_t out[2])
{
	bool exact[2];
	time_t t[2];
	size_t n = 0;

	t[0] = make_local(c, 0, &exact[0]);
	t[1] = make_local(c, 1, &exact[1]);
	if (!exact[0] && !exact[1]) {
		out[0] = (int64_t)(t[0] > t[1] ? t[0] : t[1]) * 1000;
		return 1;
	}
	for (int i = 0; i < 2; i++)
		if (exact[i])
			out[n++] = (int64_t)t[i] * 1000;
	if (n == 2 && out[0] == out[1])
		n = 1;
	if (n == 2 && out[0] > out[1]) {
		int64_t x = out[0];

		out[0] = out[1];
		out[1] = x;
	}
	return n;
}

/* The first showing of c whose minute (or second) ends after first_ms;
 * false when all of that day's showings are over by then. */
static bool first_showing_after(const struct civil *c, int64_t first_ms, int64_t *out)
{
	int64_t t[2];
	size_t n = local_showings(c, t);

	for (size_t i = 0; i < n; i++) {
		if (t[i] + c->unit_ms > first_ms) {
			*out = t[i];
			return true;
		}
	}
	*out = t[n - 1];
	return false;
}

/* HH:MM[:SS]: on the local day of first_ms, or else the day after. */
static int resolve_clock(struct civil *c, int64_t first_ms, int64_t *out)
{
	time_t t = (time_t)(first_ms / 1000);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -1;
	c->year = tm.tm_year + 1900;
	c->mon = tm.tm_mon + 1;
	c->day = tm.tm_mday;
	if (!first_showing_after(c, first_ms, out)) {
		next_day(c);
		first_showing_after(c, first_ms, out);
	}
	return 0;
}

/* The last showing of c that starts at or before last_ms; false when the
 * day's first showing is already later. */
static bool last_showing_before(const struct civil *c, int64_t last_ms, int64_t *out)
{
	int64_t t[2];
	size_t n = local_showings(c, t);

	for (size_t i = n; i-- > 0;) {
		if (t[i] <= last_ms) {
			*out = t[i];
			return true;
		}
	}
	*out = t[0];
	return false;
}

/* HH:MM[:SS] in a long history: on the local day of last_ms, or else the
 * day before: the most recent time the clock showed it. */
static int resolve_clock_latest(struct civil *c, int64_t last_ms, int64_t *out)
{
	time_t t = (time_t)(last_ms / 1000);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -1;
	c->year = tm.tm_year + 1900;
	c->mon = tm.tm_mon + 1;
	c->day = tm.tm_mday;
	if (!last_showing_before(c, last_ms, out)) {
		prev_day(c);
		last_showing_before(c, last_ms, out);
	}
	return 0;
}

static int parse_offset(const char *s, int64_t ref, int64_t *out, char *why,
			size_t whylen)
{
	char reason[128];
	int64_t ms;

	if (duration_parse(s + 1, &ms, reason, sizeof(reason)) < 0) {
		snprintf(why, whylen, "bad duration '%s': %s", s + 1, reason);
		return -1;
	}
	if (s[0] == '+' ? ref > INT64_MAX - ms : ref < INT64_MIN + ms) {
		snprintf(why, whylen, "'%s' is out of range", s);
		return -1;
	}
	*out = s[0] == '+' ? ref + ms : ref - ms;
	return 0;
}

static int parse_epoch(const char *s, int64_t *out, char *why, size_t whylen)
{
	long long v;

	errno = 0;
	v = strtoll(s, NULL, 10);
	if (errno == ERANGE) {
		snprintf(why, whylen, "number is out of range");
		return -1;
	}
	if (v < WHEN_EPOCH_MIN_MS) {
		snprintf(why, whylen,
			 "a bare number is ms since the epoch and must be at least %lld "
			 "(for an offset write +DUR)",
			 (long long)WHEN_EPOCH_MIN_MS);
		return -1;
	}
	*out = v;
	return 0;
}

/* Copies s without surrounding blanks into buf; false when it does not fit. */
static bool trim(const char *s, char *buf, size_t len)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= len)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

int when_parse(const char *s, const struct when_ctx *c, int64_t *out_ms, char *why,
	       size_t whylen)
{
	char buf[WHEN_MAX_LEN];
	struct civil cv = {0};

	if (!s || !trim(s, buf, sizeof(buf))) {
		snprintf(why, whylen, "too long (%s)", when_forms);
		return -1;
	}
	if (!buf[0]) {
		snprintf(why, whylen, "empty time (%s)", when_forms);
		return -1;
	}
	if (!strcasecmp(buf, "start") || !strcasecmp(buf, "end")) {
		*out_ms =
			tolower((unsigned char)buf[0]) == 's' ? c->first_ms : c->last_ms;
		return 0;
	}
	if (buf[0] == '+' || buf[0] == '-')
		return parse_offset(buf, buf[0] == '+' ? c->plus_ref_ms : c->minus_ref_ms,
				    out_ms, why, whylen);
	if (buf[strspn(buf, "0123456789")] == '\0')
		return parse_epoch(buf, out_ms, why, whylen);
	if (isdigit((unsigned char)buf[0]) && strchr(buf, '-')) {
		if (parse_date_time(buf, &cv, why, whylen) < 0)
			return -1;
		first_showing_after(&cv, c->first_ms, out_ms);
		return 0;
	}
	if (isdigit((unsigned char)buf[0]) && strchr(buf, ':')) {
		if (parse_clock(buf, &cv, why, whylen) < 0)
			return -1;
		if ((c->last_ms - c->first_ms > WHEN_LONG_SPAN_MS
			     ? resolve_clock_latest(&cv, c->last_ms, out_ms)
			     : resolve_clock(&cv, c->first_ms, out_ms)) < 0) {
			snprintf(why, whylen, "session start is not a local time");
			return -1;
		}
		return 0;
	}
	snprintf(why, whylen, "not a time (%s)", when_forms);
	return -1;
}
