/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the unit tests: table-driven cmocka groups and a UTF-8 oracle
 * (process lists built by hand are fixture.h's).
 */
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

/*
 * unit_skip(why): this test cannot run here.  cmocka counts a skip as
 * neither a pass nor a failure: unit_status() turns the program's status
 * into a skip (77) then, and under CI=true, where every test must run,
 * the test fails instead, as the shell suites do (tests/lib.sh).
 * Include cmocka.h first.
 */
static inline bool *unit_skipped(void)
{
	static bool skipped;

	return &skipped;
}

#define unit_skip(why)							\
	do {								\
		const char *ci_ = getenv("CI");				\
		if (ci_ && strcmp(ci_, "true") == 0)			\
			fail_msg("cannot run here (%s), and CI must run every test", why); \
		print_message("SKIP: %s\n", why);			\
		*unit_skipped() = true;					\
		skip();							\
	} while (0)

/* The program's status: failed (1), some test skipped (77), or passed. */
static inline int unit_status(int failed)
{
	return failed ? 1 : *unit_skipped() ? 77 : 0;
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
