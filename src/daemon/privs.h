/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cabatreed's privileges: once its backend is set up, it gives up every
 * capability but the ones it names, for good.
 */
#ifndef CABATREE_DAEMON_PRIVS_H
#define CABATREE_DAEMON_PRIVS_H

#include <stddef.h>

/*
 * Keep only the capabilities in keep (CAP_* numbers) in the permitted and
 * effective sets and in the bounding set; clear the inheritable and
 * ambient sets; lock root out of regaining any (SECBIT_NOROOT) and set
 * no_new_privs. Returns 0, or -errno with what failed in err.
 */
int rec_drop_privileges(const int *keep, size_t nkeep, char *err, size_t errlen);

#endif
