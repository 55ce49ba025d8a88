// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/PID/stat lines into procfs_parse_stat(). A success must have taken
 * the name between the first '(' and the last ')', and a stat line written
 * back from what it read must read the same again. The light parse (the
 * recorder's) must agree with it on every field both read.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "procfs.h"
#include "xalloc.h"

/* The names proc(5) gives the fields up to starttime (22). */
static const char *const fields[] = {
	"comm", "state", "ppid", "pgrp", "session", "tty_nr", "tpgid", "flags",
	"minflt", "cminflt", "majflt", "cmajflt", "utime", "stime", "cutime",
	"cstime", "priority", "nice", "num_threads", "itrealvalue", "starttime",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	struct ct_proc p = { 0 }, q = { 0 };
	struct procfs_light l = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const char *bad, *light, *open, *close = NULL;
	size_t i;

	/* As after a status file without NSpgid: and NSsid: lines. */
	p.pgid = p.sid = -1;
	bad = procfs_parse_stat(buf, size, &p);
	light = procfs_parse_stat_light(buf, size, &l);
	if (light)
		FUZZ_CHECK(fuzz_one_of(light, fields, sizeof(fields) / sizeof(fields[0])));
	/* Only the ppid is read more strictly there. */
	FUZZ_CHECK(!bad || light);
	FUZZ_CHECK(!light || bad || strcmp(light, "ppid") == 0);
	if (!light) {
		FUZZ_CHECK(l.state == p.state && l.pgid == p.pgid && l.sid == p.sid);
		FUZZ_CHECK(l.start_time == p.start_time);
		FUZZ_CHECK(l.ppid >= 0 && l.ppid <= CT_PID_MAX);
	}
	if (bad) {
		FUZZ_CHECK(fuzz_one_of(bad, fields, sizeof(fields) / sizeof(fields[0])));
		goto out;
	}
	open = memchr(buf, '(', size);
	for (i = size; i > 0; i--) {
		if (buf[i - 1] == ')') {
			close = buf + i - 1;
			break;
		}
	}
	FUZZ_CHECK(open && close && open < close);
	FUZZ_CHECK(p.name && p.name_len == (size_t)(close - open - 1));
	FUZZ_CHECK(memcmp(p.name, open + 1, p.name_len) == 0);
	FUZZ_CHECK(p.name[p.name_len] == '\0');
	FUZZ_CHECK(p.pgid >= -1 && p.sid >= -1);

	/* Written back as the kernel would, then read again. */
	sb_addf(&sb, "%d (", 42);
	sb_add(&sb, p.name, p.name_len);
	sb_addf(&sb, ") %c 1 %d %d 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0 %llu 2641920\n",
		p.state, (int)p.pgid, (int)p.sid, p.start_time);
	q.pgid = q.sid = -1;
	FUZZ_CHECK(procfs_parse_stat(sb.s, sb.len, &q) == NULL);
	FUZZ_CHECK(q.name_len == p.name_len && memcmp(q.name, p.name, p.name_len) == 0);
	FUZZ_CHECK(q.state == p.state && q.pgid == p.pgid && q.sid == p.sid);
	FUZZ_CHECK(q.start_time == p.start_time);
out:
	sb_free(&sb);
	free(p.name);
	free(q.name);
	free(buf);
	return 0;
}
