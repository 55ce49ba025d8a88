/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The recorder's view of the live /proc: identities and resynchronisation. */
#ifndef CABATREE_DAEMON_LIVE_H
#define CABATREE_DAEMON_LIVE_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "daemon/backend.h"
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
 * The backend rec_sync and rec_sweep ask which processes are child
 * subreapers, when they add a process as inferred (NULL, or a backend
 * that cannot tell: only what /proc shows). Whether its parent then was a
 * reaper is its from_reaper (see live.c); a process whose parent is the
 * idle task (ppid 0: pid 1, kthreadd) is defined.
 */
void rec_subreapers_from(struct rec_backend *b);

/* Exited processes are looked for in /proc after at most this long, and again... */
#define REC_REAP_MIN_MS 10
#define REC_REAP_MAX_MS 1000

/*
 * Release the exited processes (t->exited) that /proc no longer shows
 * with their start time: reaped, a release event missed or not to come.
 * One is first looked for first_ms after its exit was seen, then at
 * waits that double up to REC_REAP_MAX_MS while it is a zombie. Adds to
 * st->released (st is cleared first). Costs one PID/stat per exited
 * process looked at, nothing for the others.
 */
void rec_reap(struct born_table *t, int procfd, long long now_ms,
	      unsigned int first_ms, struct rec_sync_stats *st);

/*
 * Look for every exited process in /proc now, whenever it was due: a
 * question to cabatreed wants every release that happened before it. When
 * each is looked for next is left as it was.
 */
void rec_reap_now(struct born_table *t, int procfd, struct rec_sync_stats *st);

/* When rec_reap will next look at a process (ms), or 0 if at none. */
long long rec_reap_due(const struct born_table *t);

/*
 * A mount namespace in use, its mountinfo held open to be told of changes.
 * A process whose PID/ns/mnt cannot be looked into (but its mountinfo may)
 * stands for a namespace of its own, REC_NS_OPAQUE | pid.
 */
#define REC_NS_OPAQUE (1ULL << 63)
struct rec_ns {
	unsigned long long ino;		/* of PID/ns/mnt */
	int fd;				/* PID/mountinfo of a process in it; -1: none */
	unsigned int gen;		/* the last pass that saw a process in it */
	bool hides;			/* a procfs in it has hidepid= (or it is not known) */
	bool watched;			/* fd is in the epoll set (else read once a pass) */
};

/*
 * The mount namespaces the processes use and a pass over /proc that goes
 * on a slice at a time: it finds the namespaces (and drops those no
 * process uses any more), and compares the table with /proc on the way,
 * reading only what the table lacks.
 */
struct rec_watch {
	int procfd;
	int epfd;			/* the namespaces' mountinfo, waiting for POLLPRI */
	struct rec_ns *ns;		/* sorted by ino */
	size_t nns, capns;
	DIR *dir;			/* the pass going on, or NULL */
	unsigned int gen;		/* of the pass going on */
	unsigned long long before;	/* processes younger are not judged by it */
	bool changed;			/* what rec_watch_hides says may have changed */
	unsigned long long passes;	/* passes completed */
};

int rec_watch_init(struct rec_watch *w, int procfd);
void rec_watch_free(struct rec_watch *w);

/* Process pid was created: mntns is its mount namespace's inode (0: look it up). */
void rec_watch_note(struct rec_watch *w, pid_t pid, unsigned long long mntns);

/*
 * Wait up to timeout_ms (-1: no limit) for a namespace's mounts to change,
 * and read those that did again. Returns w->changed: whether
 * rec_watch_hides may say something else since it was last cleared.
 */
bool rec_watch_wait(struct rec_watch *w, int timeout_ms);

/*
 * Let the next readable event on fd (once) end rec_watch_wait too: the
 * backend's, while nothing happens. 0 or -errno.
 */
int rec_watch_arm(struct rec_watch *w, int fd);

/*
 * Does a procfs in a mount namespace in use hide processes from some users
 * (hidepid= other than 0)? A namespace that cannot be looked into counts
 * as hiding.
 */
bool rec_watch_hides(const struct rec_watch *w);

/*
 * Go on with the pass over /proc for at most max processes (0: to its
 * end). On the way: each process's mount namespace is seen, and with t,
 * a process the table lacks is added as inferred (with its parent as
 * CABA) if it started before the pass. At its end, the processes of t
 * that it did not see and that /proc does not show with their start time
 * are released, and the namespaces it did not see are dropped. Counts in
 * st; 0 or -errno (then the pass starts again next time).
 */
int rec_sweep(struct rec_watch *w, struct born_table *t, size_t max,
	      struct rec_sync_stats *st);

#endif
