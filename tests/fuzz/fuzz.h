/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the fuzz targets: the entry point that libFuzzer (make fuzz)
 * or the plain driver (make check) calls, and checks of invariants.
 */
#ifndef CABATREE_TESTS_FUZZ_H
#define CABATREE_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant aborts: libFuzzer keeps the input, the driver fails. */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* A copy of exactly size bytes: reading past the input is an ASan error. */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);

	FUZZ_CHECK(s != NULL);
	if (size)
		memcpy(s, data, size);
	return s;
}

/* Is s one of the n strings of list? */
static inline bool fuzz_one_of(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(s, list[i]) == 0)
			return true;
	}
	return false;
}

/* The same bytes; either may be NULL when empty. */
static inline bool fuzz_same(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/*
 * Decode one well-formed UTF-8 sequence at s[0..n) without the code under
 * test: its length, or 0 if it is not one.
 */
static inline size_t fuzz_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, k;
	uint32_t c, min;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4;
	else
		return 0;
	c = s[0] & (0x7f >> len);
	min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
	if (n < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static inline bool fuzz_utf8_ok(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = fuzz_utf8((const unsigned char *)s + i, n - i, &cp);

		if (!len)
			return false;
		i += len;
	}
	return true;
}

#endif
