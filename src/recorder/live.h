/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The recorder's view of the live /proc: identities and resynchronisation. */
#ifndef CABATREE_RECORDER_LIVE_H
#define CABATREE_RECORDER_LIVE_H

#include <stddef.h>
#include <sys/types.h>

#include "recorder/born.h"

/* Start time (and parent, if ppid) of pid from PID/stat; 0 or -errno. */
int rec_stat(int procfd, pid_t pid, unsigned long long *start, pid_t *ppid);

struct rec_sync_stats {
	size_t released;	/* alive in the table, gone from /proc */
	size_t added;		/* in /proc, unknown to the table: now inferred */
};

/*
 * Make t agree with /proc: release what /proc no longer lists (a release
 * event that never came) and, with add_missing, add what the table does
 * not know (before the first event, or after lost events) as inferred,
 * with its parent of the moment. Processes that started after the scan
 * began are left alone: their events may still be queued.
 */
int rec_sync(struct born_table *t, int procfd, int add_missing,
	     struct rec_sync_stats *st);

/*
 * Does a procfs mounted in any mount namespace of the processes the procfs
 * at procfd lists hide processes from some users (hidepid= other than 0)?
 * A mount namespace that cannot be looked into counts as hiding. Returns
 * 1 or 0, or -errno when procfd cannot be read.
 */
int rec_procfs_hides(int procfd);

#endif
