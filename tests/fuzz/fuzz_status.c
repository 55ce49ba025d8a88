// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whole /proc/PID/status files into procfs_parse_status(). A success must
 * leave a consistent process: a positive Tgid, ids that are not negative,
 * a CABA that agrees with its status; a failure names a field it checks.
 */
#include "config.h"

#include "fuzz.h"
#include "procfs.h"

static const char *const fields[] = {
	"Tgid", "PPid", "Uid", "NSpgid", "NSsid", "NScaba", "Threads", "State",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	struct ct_proc p = { 0 }, again = { 0 };
	pid_t tgid = 0, tgid2 = 0;
	const char *bad = procfs_parse_status(buf, size, &p, &tgid);
	const char *bad2;

	free(buf);
	/* The same bytes give the same answer. */
	buf = fuzz_copy(data, size);
	bad2 = procfs_parse_status(buf, size, &again, &tgid2);
	free(buf);
	FUZZ_CHECK(!bad == !bad2);
	if (bad) {
		FUZZ_CHECK(fuzz_one_of(bad, fields, sizeof(fields) / sizeof(fields[0])));
		FUZZ_CHECK(strcmp(bad, bad2) == 0);
	} else {
		FUZZ_CHECK(tgid > 0 && tgid == tgid2);
		FUZZ_CHECK(p.ppid >= 0 && p.ppid == again.ppid);
		FUZZ_CHECK(p.pgid >= -1 && p.sid >= -1);
		FUZZ_CHECK(p.nthreads >= 0);
		switch (p.caba_status) {
		case CABA_UNKNOWN:
		case CABA_OUTSIDE:
			FUZZ_CHECK(p.caba == 0);
			break;
		case CABA_KERNEL:
			FUZZ_CHECK(p.caba >= 0);
			break;
		default:
			/* Only the recorder says witnessed or inferred. */
			FUZZ_CHECK(false);
		}
		FUZZ_CHECK(p.caba_status == again.caba_status && p.caba == again.caba);
		if (p.name) {
			/* Unescaping only shortens; the name is a C string too. */
			FUZZ_CHECK(p.name_len < size);
			FUZZ_CHECK(p.name[p.name_len] == '\0');
			FUZZ_CHECK(again.name_len == p.name_len &&
				   memcmp(again.name, p.name, p.name_len) == 0);
		}
	}
	free(p.name);
	free(again.name);
	return 0;
}
