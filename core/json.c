/* SPDX-License-Identifier: MIT */
/* json: string escaping and number formatting for machine-readable output. */
#include "core/json.h"

#include <math.h>
#include <stddef.h>

#include "core/utf8.h"

void json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (p && *p) {
		size_t n;

		switch (*p) {
		case '"':
			fputs("\\\"", out);
			p++;
			continue;
		case '\\':
			fputs("\\\\", out);
			p++;
			continue;
		case '\n':
			fputs("\\n", out);
			p++;
			continue;
		case '\t':
			fputs("\\t", out);
			p++;
			continue;
		default:
			break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
			continue;
		}
		n = utf8_len(p);
		if (!n) {
			fputs("\\ufffd", out);
			p++;
			continue;
		}
		if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* C1 (U+0080..U+009F) is valid JSON raw, but U+009B is a CSI
			 * to a terminal that shows the file: escaped, same value */
			fprintf(out, "\\u%04x", p[1]);
			p += 2;
			continue;
		}
		fwrite(p, 1, n, out);
		p += n;
	}
	fputc('"', out);
}

void json_number(FILE *out, double v, int decimals)
{
	if (!isfinite(v)) {
		fputs("null", out);
		return;
	}
	if (v == floor(v) && fabs(v) < 9e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.*f", decimals, v);
}

void json_key_number(FILE *out, const char *key, double v, int decimals)
{
	json_string(out, key);
	fputs(": ", out);
	json_number(out, v, decimals);
}
