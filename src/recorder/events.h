/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the eBPF programs send to cabatreed, one record per event. */
#ifndef CABATREE_RECORDER_EVENTS_H
#define CABATREE_RECORDER_EVENTS_H

enum born_event_kind {
	BORN_EV_FORK = 1,	/* process cpid created process pid */
	BORN_EV_RELEASE = 2,	/* process pid was released */
	BORN_EV_EXIT = 3,	/* process pid exited (its last thread did) */
	BORN_EV_EXEC = 4,	/* process pid, in another mount namespace than its parent, ran a program */
};

/* Times are the tasks' start_boottime, in nanoseconds. */
struct born_event {
	__u32 kind;
	__s32 pid;
	__s32 cpid;
	__u32 mntns;		/* fork, exec: the process's mount namespace (its inode) */
	__u64 start;
	__u64 cstart;
};

/* What the subreapers' iterator writes: a child subreaper. */
struct reaper_record {
	__s32 pid;
	__u32 pad;
	__u64 start;		/* start_boottime, in nanoseconds */
};

#endif
