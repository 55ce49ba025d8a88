/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the eBPF programs send to cabatreed, one record per event. A new
 * layout takes new pins (ebpf.c: PIN_ROOT): a cabatreed never reads the
 * ring of programs that write another.
 */
#ifndef CABATREE_RECORDER_EVENTS_H
#define CABATREE_RECORDER_EVENTS_H

enum born_event_kind {
	BORN_EV_FORK = 1,	/* process cpid created process pid */
	BORN_EV_RELEASE = 2,	/* process pid was released */
	BORN_EV_EXIT = 3,	/* process pid exited (its last thread did) */
	BORN_EV_EXEC = 4,	/* process pid ran a program (a born_exec_event) */
};

#define BORN_EV_COMM_LEN 16	/* TASK_COMM_LEN */
#define BORN_EV_PATH_LEN 256	/* the program's path, cut to this (with the NUL) */

/* Times are the tasks' start_boottime, in nanoseconds. */
struct born_event {
	__u32 kind;
	__s32 pid;
	__s32 cpid;
	__u32 mntns;		/* fork: the process's mount namespace (its inode);
				 * exec: the same if it is not its parent's, else 0 */
	__u64 start;
	__u64 cstart;
	__u64 time;		/* exit, release: when (CLOCK_BOOTTIME, ns) */
	__s32 status;		/* release: the wait status; else -1 */
	__u32 pad;
	char comm[BORN_EV_COMM_LEN];	/* the process's name: fork, the child's;
					 * exec, the new one; exit, release, the last */
};

/* An exec: the event and the path the program was run by (NUL-terminated). */
struct born_exec_event {
	struct born_event e;
	char path[BORN_EV_PATH_LEN];
};

/* What the subreapers' iterator writes: a child subreaper. */
struct reaper_record {
	__s32 pid;
	__u32 pad;
	__u64 start;		/* start_boottime, in nanoseconds */
};

#endif
