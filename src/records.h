/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The records every source produces and every consumer reads: processes,
 * their threads, a list of them with what the source says about it. This
 * header knows no source.
 */
#ifndef CABATREE_RECORDS_H
#define CABATREE_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "xalloc.h"

/*
 * The largest pid the kernel hands out (PID_MAX_LIMIT, 2^22) and the largest
 * valid uid ((uid_t)-1 is no user). A procfs value past them is malformed:
 * nothing read is ever written in a form that --load would refuse.
 */
#define CT_PID_MAX 4194304
#define CT_UID_MAX 4294967294LL

/* Where a process's CABA came from, if anywhere. */
enum caba_status {
	CABA_UNKNOWN = 0,	/* no NScaba: line: the kernel has no CABA support */
	CABA_KERNEL,		/* read from NScaba: */
	CABA_OUTSIDE,		/* NScaba: '-' or empty: born outside the ns */
	CABA_WITNESSED,		/* the recorder saw the process being created */
	CABA_INFERRED,		/* the recorder's guess: the parent when it started */
	CABA_DEFINED,		/* the recorder's, by definition: pid 1 and kthreadd
				 * have the idle task (caba 0) */
	CABA_HIDDEN,		/* the recorder knows it, but it is a process this
				 * user may not see (hidepid=): not told */
	CABA_UNRECORDED,	/* the recorder does not know this process (it
				 * stopped before it started, or events were lost) */
};

/* Does the status carry a CABA id in ct_proc.caba? */
static inline bool caba_status_known(enum caba_status s)
{
	return s == CABA_KERNEL || s == CABA_WITNESSED || s == CABA_INFERRED ||
	       s == CABA_DEFINED;
}

/* Where the born relation came from, for a whole list of records. */
enum caba_source {
	CABA_SRC_NONE = 0,	/* nothing knows it: stock kernel, no recorder */
	CABA_SRC_KERNEL,	/* NScaba: in /proc/PID/status */
	CABA_SRC_RECORDER,	/* cabatreed's state (stock kernels) */
	CABA_SRC_SNAPSHOT,	/* a snapshot that names no other source */
};

/* The namespace types -S and -N know, in pstree's order. */
enum ct_ns { NS_IPC, NS_MNT, NS_NET, NS_PID, NS_USER, NS_UTS, NS_CGROUP, NS_TIME, NS_COUNT };

/* "ipc", "mnt", ...: the names of /proc/PID/ns/ and of pstree -N. */
extern const char *const ct_ns_name[NS_COUNT];

struct ct_thread {
	pid_t tid;
	char *name;		/* raw bytes from task/TID/comm */
	size_t name_len;
};

/* One process as the source saw it; every id is in the source's pid namespace. */
struct ct_proc {
	pid_t pid;
	pid_t ppid;		/* 0 when the parent is not visible */
	pid_t pgid;
	pid_t sid;
	pid_t caba;		/* meaningful with a known caba_status; 0 is the idle task */
	enum caba_status caba_status;
	/*
	 * With CABA_INFERRED: its parent was a reaper (an init, a child
	 * subreaper) when the recorder started, so the inferred CABA may hide
	 * a reparenting. Without it, the parent then was its creator.
	 */
	bool caba_from_reaper;
	uid_t uid;		/* effective uid */
	char state;		/* R, S, D, Z, ... */
	int nthreads;
	unsigned long long start_time;	/* clock ticks after boot (stat field 22) */
	char *name;		/* raw bytes, unescaped */
	size_t name_len;
	char *cmdline;		/* NUL-separated arguments, when read */
	size_t cmdline_len;
	bool has_cmdline;
	/*
	 * A kernel thread: PF_KTHREAD in stat's flags, or in a snapshot
	 * without the field, kthreadd (pid 2) and its children.
	 */
	bool kthread;
	/*
	 * What the process used, from stat (fields 14, 15 and 24) when the
	 * source read them (a snapshot carries none).
	 */
	bool has_usage;
	unsigned long long cpu_ticks;	/* utime + stime, clock ticks */
	unsigned long long rss_pages;	/* resident set, pages */
	/*
	 * The inodes of its namespaces (/proc/PID/ns/TYPE), read for -S and
	 * -N only; 0 when not read or not readable (another user's process).
	 */
	unsigned long long ns[NS_COUNT];
	int pid_ns_level;	/* ids in NSpid: (1 in the first pid namespace
				 * the procfs shows); 0 when unknown */
	struct ct_thread *threads;	/* other threads than the leader, with -t */
	size_t nthreads_listed;
	/*
	 * Lineage (the recorder's, or a snapshot's): the released ancestor
	 * that created it, ct_proclist.released[made_by - 1], or 0 when its
	 * creator is its CABA or not known (see lineage_creator()).
	 * lineage_cut: the recorder dropped its creator (its cap), so the
	 * lineage is incomplete here.
	 */
	size_t made_by;
	bool lineage_cut;
};

/*
 * A released ancestor: a process that ended and was released, kept by the
 * recorder because a living process descends from it (its creator, or its
 * creator's creator...). Its pid may belong to another process by now.
 * The first living process on the chain is the CABA of those below it.
 */
struct ct_released {
	pid_t pid;
	unsigned long long start_time;	/* clock ticks after boot */
	unsigned long long end_time;	/* when it exited, clock ticks after boot;
					 * 0: not known */
	int exit_status;		/* as wait(2) gives it; -1: not known */
	char *name;			/* raw bytes (comm); NULL: not known */
	size_t name_len;
	char *program;			/* the path of its last exec; NULL: not known */
	size_t program_len;
	size_t made_by;			/* as ct_proc.made_by */
	bool lineage_cut;
};

/*
 * What a source says about the records it gave, beside them. The model
 * takes it over as it is: nothing else fills these in.
 */
struct ct_meta {
	/*
	 * Where the born tree came from. Unless caba_source_given, the
	 * model tells it from the records' caba_status.
	 */
	enum caba_source caba_source;
	bool caba_source_given;
	unsigned long long lost_events;	/* by the recorder, with CABA_SRC_RECORDER */
	long long time;			/* when the records were read, in seconds
					 * since the epoch */
	long long boot_time;		/* when their system booted, in seconds
					 * since the epoch; -1: unknown */
	long clock_ticks;		/* start_time units per second; 0: unknown
					 * (then boot_time is unknown too) */
	const char *snapshot;		/* read from this snapshot (--load), or NULL */
	/*
	 * The source gives lineage (ct_proclist.released, made_by): the
	 * recorder keeps it, or a snapshot holds it. Without it, no process
	 * has a made_by and the list is empty.
	 */
	bool has_lineage;
	unsigned long long lineage_dropped;	/* released ancestors the recorder's
						 * cap dropped */
};

/* The processes a source read, sorted by pid, and what it says about them. */
struct ct_proclist {
	struct ct_proc *v;
	size_t n;
	size_t cap;
	struct ct_meta meta;
	struct ct_released *released;	/* never in v: they are not alive */
	size_t nreleased;
};

/* Free what p holds (not p itself). */
void proc_free(struct ct_proc *p);

/* The released ancestor made_by names (ct_proc or ct_released), or NULL. */
static inline const struct ct_released *
lineage_creator(const struct ct_proclist *pl, size_t made_by)
{
	return made_by && made_by <= pl->nreleased ? &pl->released[made_by - 1] : NULL;
}

/* Free what r holds (not r itself). */
void released_free(struct ct_released *r);

/* Free the processes of pl and empty it; its meta is cleared too. */
void proclist_free(struct ct_proclist *pl);

/* The process pid of pl (sorted by pid), or NULL. */
struct ct_proc *proclist_find(const struct ct_proclist *pl, pid_t pid);

/* The process of pl that lists thread tid, or 0 if none does. */
pid_t proclist_tgid_of(const struct ct_proclist *pl, pid_t tid);

#endif
