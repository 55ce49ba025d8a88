/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pieces of the recorder's strict line formats (the state file, the
 * question and the answer): a number as the writer writes it, one space.
 */
#ifndef CABATREE_RECORDER_LINES_H
#define CABATREE_RECORDER_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "xalloc.h"

/* Decimal digits without sign or leading zero, at most max. */
static inline bool unum(const char **pp, unsigned long long max, unsigned long long *out)
{
	const char *p = *pp;
	unsigned long long v = 0;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*pp = p;
	*out = v;
	return true;
}

/* Exactly one space. */
static inline bool space(const char **pp)
{
	if (**pp != ' ')
		return false;
	(*pp)++;
	return true;
}

/*
 * A text field (a process's name, its program): "-" when empty, else its
 * bytes, with each byte outside '!'..'~', each '%' and a value that is "-"
 * alone written %XX (two upper-case hexadecimal digits). So a field is
 * never empty and holds no space.
 */
static inline void lines_put_field(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (n == 0) {
		sb_addc(sb, '-');
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < '!' || c > '~' || c == '%' || (n == 1 && c == '-')) {
			sb_addc(sb, '%');
			sb_addc(sb, hex[c >> 4]);
			sb_addc(sb, hex[c & 15]);
		} else {
			sb_addc(sb, (char)c);
		}
	}
}

static inline int lines_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Read a field at *pp (up to a space, a newline or the NUL) into
 * out[0..size) as bytes, NUL-terminated, its length in *len: false when
 * it is malformed (empty, a bad or lower-case escape, a byte that should
 * have been escaped, "%2D" for anything but a lone "-", or a value that
 * needs size bytes or more). "-" reads as the empty value.
 */
static inline bool lines_get_field(const char **pp, char *out, size_t size, size_t *len)
{
	const char *p = *pp;
	size_t n = 0;

	if (p[0] == '-' && (p[1] == ' ' || p[1] == '\n' || p[1] == '\0')) {
		*pp = p + 1;
		out[0] = '\0';
		*len = 0;
		return size > 0;
	}
	for (; *p && *p != ' ' && *p != '\n'; n++) {
		int c = (unsigned char)*p, hi, lo;

		if (c == '%') {
			hi = lines_hex(p[1]);
			lo = hi < 0 ? -1 : lines_hex(p[2]);
			if (lo < 0)
				return false;
			c = hi << 4 | lo;
			if (c >= '!' && c <= '~' && c != '%' && c != '-')
				return false;	/* not how the writer writes it */
			p += 3;
		} else if (c < '!' || c > '~') {
			return false;
		} else {
			p++;
		}
		if (n + 1 >= size)
			return false;
		out[n] = (char)c;
	}
	if (n == 0)
		return false;
	/* "-" alone is written %2D; a '-' among others as itself. */
	if (n == 1 && out[0] == '-' && p - *pp != 3)
		return false;
	if (memchr(out, '-', n) && n > 1) {
		const char *q;

		for (q = *pp; q < p; q++)
			if (q[0] == '%' && q[1] == '2' && q[2] == 'D')
				return false;
	}
	out[n] = '\0';
	*len = n;
	*pp = p;
	return true;
}

#endif
