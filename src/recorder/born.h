/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recorder's born table: every process alive (not yet released), keyed
 * by (pid, start time), with its CABA. Events apply the CABA rules of the
 * kernel: a new process takes its creator as CABA, and a released process's
 * CABA descendants move onto its own CABA. No I/O here.
 */
#ifndef CABATREE_RECORDER_BORN_H
#define CABATREE_RECORDER_BORN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct born_proc {
	pid_t pid;
	unsigned long long start;	/* clock ticks after boot (stat field 22) */
	unsigned long long nsec;	/* the exact start in ns, when known (eBPF); else 0 */
	struct born_proc *caba;		/* NULL: none known (a root) */
	struct born_proc *kids;		/* CABA descendants, first */
	struct born_proc *next, *prev;	/* siblings under the same CABA */
	struct born_proc *hnext;	/* hash chain */
	struct born_proc *xnext, *xprev;	/* the exited, not yet released */
	long long check_at;		/* exited: when to look in /proc next (ms; 0: not yet set) */
	unsigned int check_wait;	/* exited: the wait before that look (ms) */
	unsigned int sweep;		/* the last pass over /proc that saw it */
	bool inferred;			/* CABA guessed (the parent when seen), not witnessed */
	bool from_reaper;		/* inferred, and the parent then was a reaper (init,
					 * subreaper): the guess may hide a reparenting */
	bool defined;			/* CABA by definition (pid 1, kthreadd: none) */
	bool exited;			/* exit seen (a zombie); still alive until released */
};

struct born_table {
	struct born_proc **buckets;
	size_t mask;
	size_t n;			/* processes alive */
	struct born_proc *roots;	/* processes without a CABA */
	struct born_proc *exited;	/* processes whose exit was seen, alive until released */
	unsigned long long lost;	/* events lost by the backend */
	unsigned long long forks, releases;	/* events applied */
};

void born_init(struct born_table *t);
void born_free(struct born_table *t);

/* The process (pid, start), or NULL. */
struct born_proc *born_find(const struct born_table *t, pid_t pid,
			    unsigned long long start);

/* The newest process with this pid, or NULL. */
struct born_proc *born_find_pid(const struct born_table *t, pid_t pid);

/*
 * A process that was there before we looked: its CABA is inferred (set it
 * with born_set_inferred or born_set_inferred_caba once its parent is in
 * the table, or born_set_defined), from_reaper until said otherwise.
 * Returns the existing entry if (pid, start) is known already.
 */
struct born_proc *born_seed(struct born_table *t, pid_t pid,
			    unsigned long long start);

/*
 * Make parent, p's parent when it was first seen, its inferred CABA (NULL:
 * none known); nothing happens unless p is inferred. from_reaper: whether
 * that parent was a reaper then (or it cannot be told); false says it
 * created p, which makes the guess as good as witnessed. A guess that
 * would make a loop (pids of a racing scan can) is refused, and p is left
 * from_reaper: nothing sure is known of it.
 */
void born_set_inferred(struct born_table *t, struct born_proc *p,
		       struct born_proc *parent, bool from_reaper);

/* The same when nothing is known of the parent: p is from_reaper. */
void born_set_inferred_caba(struct born_table *t, struct born_proc *p,
			    struct born_proc *parent);

/*
 * p (inferred) has its CABA by definition: none. For pid 1 and kthreadd,
 * whose parent is the idle task (ppid 0). A witnessed p is left alone.
 */
void born_set_defined(struct born_table *t, struct born_proc *p);

/*
 * Process (cpid, cstart) created process (pid, start). The child is
 * witnessed (neither inferred nor defined any more); an unknown creator is
 * added as inferred with no CABA, from_reaper (nothing is known). Any
 * older process with the child's pid has been released (the kernel frees a
 * pid only on release), so it is released here. Applying the same fork
 * twice is harmless.
 */
struct born_proc *born_fork(struct born_table *t, pid_t cpid,
			    unsigned long long cstart, pid_t pid,
			    unsigned long long start);

/*
 * Process (pid, start) was released: its CABA descendants now have its CABA.
 * Unknown processes are ignored (a late or repeated event). Returns whether
 * it was known.
 */
bool born_release(struct born_table *t, pid_t pid, unsigned long long start);

/*
 * The same with the exact start times in nanoseconds (0: unknown) that
 * eBPF gives: /proc's clock ticks cannot tell apart two holders of one pid
 * that started within one tick, these can. A release for another holder
 * than the one known is ignored; a fork for another holder retires it.
 */
struct born_proc *born_fork_exact(struct born_table *t, pid_t cpid,
				  unsigned long long cstart, pid_t pid,
				  unsigned long long start, unsigned long long nsec);
bool born_release_exact(struct born_table *t, pid_t pid,
			unsigned long long start, unsigned long long nsec);

/*
 * Process (pid, start) exited and is a zombie until released. It is put on
 * t->exited (linked by xnext), which is all a release event that never
 * comes can leave behind: checking those against /proc finds it.
 */
void born_exit(struct born_table *t, pid_t pid, unsigned long long start);

/* Call fn on every process, in no particular order; fn must not modify t. */
void born_foreach(const struct born_table *t,
		  void (*fn)(const struct born_proc *p, void *arg), void *arg);

#endif
