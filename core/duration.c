/* SPDX-License-Identifier: MIT */
/* duration: parsing and formatting of "250ms", "5s", "2m", "1h" spans. */
#include "core/duration.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define DURATION_MAX_MS ((int64_t)366 * 24 * 3600 * 1000)

struct unit {
	const char *name;
	int64_t ms;
};

static const struct unit units[] = {
	{"ms", 1},
	{"s", 1000},
	{"m", 60000},
	{"h", 3600000},
};

static const struct unit *unit_find(const char *s, size_t *len)
{
	size_t n = 0;

	while (isalpha((unsigned char)s[n]))
		n++;
	*len = n;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n && !strncmp(units[i].name, s, n))
			return &units[i];
	return NULL;
}

int duration_parse(const char *s, int64_t *ms, char *why, size_t whylen)
{
	int64_t total = 0;
	const char *p = s;

	if (!s || !*s) {
		snprintf(why, whylen, "empty duration");
		return -1;
	}
	while (*p) {
		int64_t whole = 0, frac_num = 0, frac_den = 1;
		const struct unit *u;
		size_t ulen;

		if (!isdigit((unsigned char)*p)) {
			snprintf(why, whylen, "expected a number at '%s'", p);
			return -1;
		}
		while (isdigit((unsigned char)*p)) {
			whole = whole * 10 + (*p++ - '0');
			if (whole > DURATION_MAX_MS) {
				snprintf(why, whylen, "too long");
				return -1;
			}
		}
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p)) {
				snprintf(why, whylen, "expected digits after '.'");
				return -1;
			}
			while (isdigit((unsigned char)*p)) {
				if (frac_den < 1000000) {
					frac_num = frac_num * 10 + (*p - '0');
					frac_den *= 10;
				}
				p++;
			}
		}
		if (!*p && p == s + strspn(s, "0123456789.")) {
			u = &units[1]; /* a bare number is seconds */
			ulen = 0;
		} else {
			u = unit_find(p, &ulen);
			if (!*p) {
				snprintf(why, whylen, "missing unit at the end");
				return -1;
			}
			if (!u) {
				snprintf(why, whylen,
					 "unknown unit '%.*s' (use ms, s, m, h)",
					 (int)(ulen ? ulen : 1), p);
				return -1;
			}
		}
		p += ulen;
		total += whole * u->ms + frac_num * u->ms / frac_den;
		if (total > DURATION_MAX_MS) {
			snprintf(why, whylen, "too long");
			return -1;
		}
	}
	if (total <= 0) {
		snprintf(why, whylen, "must be greater than zero");
		return -1;
	}
	*ms = total;
	return 0;
}

const char *duration_format(int64_t ms, char *buf, size_t len)
{
	size_t off = 0;

	if (ms <= 0 || ms % 1000) {
		snprintf(buf, len, "%lldms", (long long)ms);
		return buf;
	}
	for (int i = 3; i >= 1 && off < len; i--) {
		int64_t n = ms / units[i].ms;

		if (n) {
			off += (size_t)snprintf(buf + off, len - off, "%lld%s",
						(long long)n, units[i].name);
			ms -= n * units[i].ms;
		}
	}
	return buf;
}
