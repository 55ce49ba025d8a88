// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/securebits.h>

#include "daemon/privs.h"

/* The highest capability this kernel knows. */
static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

static bool kept(int cap, const int *keep, size_t nkeep)
{
	size_t i;

	for (i = 0; i < nkeep; i++) {
		if (keep[i] == cap)
			return true;
	}
	return false;
}

static int failed(char *err, size_t errlen, const char *what)
{
	int ret = -errno;

	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	return ret;
}

int rec_drop_privileges(const int *keep, size_t nkeep, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	int cap, last = last_cap();
	size_t i;

	/* Root regains nothing on execve, and no capability can be made ambient. */
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
		  SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
		  0, 0, 0) < 0)
		return failed(err, errlen, "prctl(PR_SET_SECUREBITS)");
	for (cap = 0; cap <= last; cap++) {
		if (!kept(cap, keep, nkeep) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return failed(err, errlen, "prctl(PR_CAPBSET_DROP)");
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return failed(err, errlen, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	memset(data, 0, sizeof(data));
	for (i = 0; i < nkeep; i++) {
		if (keep[i] < 0 || keep[i] > 63)
			continue;
		data[keep[i] / 32].permitted |= 1U << (keep[i] % 32);
		data[keep[i] / 32].effective |= 1U << (keep[i] % 32);
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return failed(err, errlen, "capset");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return failed(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}
