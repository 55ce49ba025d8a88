// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NScaba: and Tgid: lines of a status file. The input is a flags byte,
 * then the NScaba: value, a newline and the Tgid: value; a valid status is
 * built around them and parsed. What procfs_parse_status() says is
 * compared with an independent reading of the two values. An NScaba:
 * value of blanks only, or of one '-' between blanks, is "born outside".
 *
 * Flags: 1 no NScaba: line at all, 2 NScaba: before Tgid:, 4 no tab after
 * the colons, 8 an earlier NScaba: line that the fuzzed one overrides.
 */
#include "config.h"

#include <limits.h>

#include "fuzz.h"
#include "procfs.h"

/* The kernel's PID_MAX_LIMIT, written out here apart from the reader's. */
#define PID_LIMIT 4194304

/*
 * Blank-separated decimal ids, each at most PID_LIMIT: how many (0 for
 * only blanks), or -1 when anything else is there. *first gets the first.
 */
static int read_ids(const char *s, size_t n, long long *first)
{
	size_t i = 0;
	int count = 0;

	for (;;) {
		long long v = 0;
		size_t j;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			return count;
		for (j = i; j < n && s[j] >= '0' && s[j] <= '9'; j++) {
			v = v * 10 + (s[j] - '0');
			if (v > PID_LIMIT)
				v = PID_LIMIT + 1;	/* stays too large */
		}
		if (j == i || v > PID_LIMIT)
			return -1;
		if (j < n && s[j] != ' ' && s[j] != '\t')
			return -1;
		if (count == 0)
			*first = v;
		count++;
		i = j;
	}
}

/* Only blanks around one '-': born outside the procfs's pid namespace. */
static bool only_dash(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] != '-')
		return false;
	for (i++; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	}
	return true;
}

static void add(char **d, const void *s, size_t n)
{
	memcpy(*d, s, n);
	*d += n;
}

#define ADDS(d, s) add(d, s, sizeof(s) - 1)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data + 1, *caba, *tgid, *nl;
	size_t caba_len, tgid_len, n;
	unsigned int flags;
	long long want_caba = 0, want_tgid = 0;
	int ncaba, ntgid;
	const char *want_bad = NULL, *bad;
	struct ct_proc p = { 0 };
	pid_t got_tgid = 0;
	char *buf, *d;
	const char *sep;

	if (size < 1)
		return 0;
	flags = data[0];
	n = size - 1;
	caba = in;
	nl = memchr(in, '\n', n);
	caba_len = nl ? (size_t)(nl - in) : n;
	tgid = nl ? nl + 1 : in + n;
	nl = memchr(tgid, '\n', (size_t)(in + n - tgid));
	tgid_len = nl ? (size_t)(nl - tgid) : (size_t)(in + n - tgid);
	sep = flags & 4 ? "" : "\t";

	buf = malloc(caba_len + tgid_len + 256);
	FUZZ_CHECK(buf != NULL);
	d = buf;
	ADDS(&d, "Name:\tfuzz\nState:\tS (sleeping)\n");
	if (flags & 8)
		ADDS(&d, "NScaba:\t7\t7\n");
	if ((flags & 3) == 2) {
		ADDS(&d, "NScaba:");
		add(&d, sep, strlen(sep));
		add(&d, caba, caba_len);
		ADDS(&d, "\n");
	}
	ADDS(&d, "Tgid:");
	add(&d, sep, strlen(sep));
	add(&d, tgid, tgid_len);
	ADDS(&d, "\nPid:\t42\nPPid:\t1\nUid:\t0\t0\t0\t0\nNSpgid:\t42\nNSsid:\t42\n");
	if ((flags & 3) == 0) {
		ADDS(&d, "NScaba:");
		add(&d, sep, strlen(sep));
		add(&d, caba, caba_len);
		ADDS(&d, "\n");
	}
	ADDS(&d, "Threads:\t1\n");

	/* What the values mean, read here independently. */
	if (flags & 1 || only_dash(caba, caba_len))
		ncaba = 0;
	else
		ncaba = read_ids(caba, caba_len, &want_caba);
	ntgid = read_ids(tgid, tgid_len, &want_tgid);
	if (!(flags & 1) && ncaba < 0 && (flags & 2))
		want_bad = "NScaba";
	else if (ntgid < 1 || want_tgid <= 0)
		want_bad = "Tgid";
	else if (!(flags & 1) && ncaba < 0)
		want_bad = "NScaba";

	bad = procfs_parse_status(buf, (size_t)(d - buf), &p, &got_tgid);
	if (want_bad) {
		FUZZ_CHECK(bad && strcmp(bad, want_bad) == 0);
	} else {
		FUZZ_CHECK(bad == NULL);
		FUZZ_CHECK(got_tgid == want_tgid);
		FUZZ_CHECK(p.ppid == 1 && p.pgid == 42 && p.sid == 42);
		if (flags & 1) {
			FUZZ_CHECK(p.caba_status == ((flags & 8) ? CABA_KERNEL :
						     CABA_UNKNOWN));
			FUZZ_CHECK(p.caba == ((flags & 8) ? 7 : 0));
		} else if (ncaba == 0) {
			FUZZ_CHECK(p.caba_status == CABA_OUTSIDE && p.caba == 0);
		} else {
			FUZZ_CHECK(p.caba_status == CABA_KERNEL);
			FUZZ_CHECK(p.caba == want_caba && p.caba >= 0);
			FUZZ_CHECK(caba_status_known(p.caba_status));
		}
	}
	free(p.name);
	free(buf);
	return 0;
}
