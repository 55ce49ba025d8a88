// SPDX-License-Identifier: GPL-2.0-or-later
/* The snapshot format's shared pieces: times, source names, the clock. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "snapfmt.h"

static const char *const source_names[] = {
	[CABA_SRC_NONE] = "none",
	[CABA_SRC_KERNEL] = "kernel",
	[CABA_SRC_RECORDER] = "recorder",
	[CABA_SRC_SNAPSHOT] = "snapshot",
};

const char *snapshot_source_name(enum caba_source src)
{
	return (size_t)src < SNAPSHOT_NSOURCES ? source_names[src] : "none";
}

void snapshot_set_clock(struct ct_meta *meta, long long boot_time, long clock_ticks)
{
	meta->boot_time = -1;
	meta->clock_ticks = 0;
	if (boot_time < 0 || boot_time > meta->time || boot_time > SNAPSHOT_TIME_MAX ||
	    clock_ticks < 1 || clock_ticks > SNAPSHOT_CLOCK_TICKS_MAX)
		return;
	meta->boot_time = boot_time;
	meta->clock_ticks = clock_ticks;
}

void snapshot_time_str(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%s", "1970-01-01T00:00:00Z");
}

int snapshot_time_parse(const char *str, size_t n, long long *t)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	int f[6] = { 0 }, k = 0;
	struct tm tm = { 0 }, back;
	time_t tt;
	size_t i;

	if (n != sizeof(form) - 1)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (form[i] != 'd') {
			if (str[i] != form[i])
				return -EINVAL;
			k++;
			continue;
		}
		if (str[i] < '0' || str[i] > '9')
			return -EINVAL;
		f[k] = f[k] * 10 + (str[i] - '0');
	}
	if (f[0] < 1970)
		return -EINVAL;
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	tt = timegm(&tm);
	/* Out-of-range fields (a 13th month, 24:00, 30 February) move the date. */
	if (tt == (time_t)-1 || !gmtime_r(&tt, &back) || back.tm_year != f[0] - 1900 ||
	    back.tm_mon != f[1] - 1 || back.tm_mday != f[2] || back.tm_hour != f[3] ||
	    back.tm_min != f[4] || back.tm_sec != f[5])
		return -EINVAL;
	*t = (long long)tt;
	return 0;
}

int snapshot_now(long long *t)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	long long v = 0;
	const char *p;

	if (!env || !*env) {
		*t = (long long)time(NULL);
		return 0;
	}
	for (p = env; *p; p++) {
		if (*p < '0' || *p > '9' || v > SNAPSHOT_TIME_MAX)
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	if (v > SNAPSHOT_TIME_MAX)
		return -EINVAL;
	*t = v;
	return 0;
}

void snapshot_exit_str(int status, char *buf, size_t size)
{
	const char *name;

	if (WIFEXITED(status)) {
		snprintf(buf, size, "exited %d", WEXITSTATUS(status));
		return;
	}
	if (!WIFSIGNALED(status)) {
		snprintf(buf, size, "status %d", status);
		return;
	}
	name = sigabbrev_np(WTERMSIG(status));
	if (name)
		snprintf(buf, size, "killed by SIG%s%s", name,
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else
		snprintf(buf, size, "killed by signal %d%s", WTERMSIG(status),
			 WCOREDUMP(status) ? " (core dumped)" : "");
}
