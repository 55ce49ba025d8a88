/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the unit tests: table-driven cmocka groups and a UTF-8 oracle. */
#ifndef CABATREE_TESTS_UNIT_H
#define CABATREE_TESTS_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define B(s) s, sizeof(s) - 1
#define FFFD "\xef\xbf\xbd"

/* One cmocka test per table row; the row is the test's state. */
#define TABLE_TESTS(arr, rows, fn)					\
	do {								\
		size_t i_;						\
		for (i_ = 0; i_ < ARRAY_SIZE(rows); i_++) {		\
			arr[i_] = (struct CMUnitTest){			\
				.name = rows[i_].name,			\
				.test_func = fn,			\
				.initial_state = (void *)&rows[i_],	\
			};						\
		}							\
	} while (0)

/* Append a zeroed process to pl, as procfs_scan would (include cmocka.h first). */
static inline struct ct_proc *pl_new(struct ct_proclist *pl)
{
	struct ct_proc *p;

	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 8;
		pl->v = realloc(pl->v, pl->cap * sizeof(*pl->v));
		assert_non_null(pl->v);
	}
	p = &pl->v[pl->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* An independent check that s[0..n) is well-formed UTF-8. */
static inline bool well_formed(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = s[i];
		size_t len, k;
		uint32_t cp, min;

		if (b < 0x80) {
			i++;
			continue;
		}
		if ((b & 0xe0) == 0xc0) {
			len = 2;
			cp = b & 0x1f;
			min = 0x80;
		} else if ((b & 0xf0) == 0xe0) {
			len = 3;
			cp = b & 0x0f;
			min = 0x800;
		} else if ((b & 0xf8) == 0xf0) {
			len = 4;
			cp = b & 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

#endif
