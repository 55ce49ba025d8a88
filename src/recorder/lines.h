/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pieces of the recorder's strict line formats (the state file, the
 * question and the answer): a number as the writer writes it, one space.
 */
#ifndef CABATREE_RECORDER_LINES_H
#define CABATREE_RECORDER_LINES_H

#include <stdbool.h>

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

#endif
