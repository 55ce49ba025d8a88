/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recorder's born table: every process alive (not yet released), keyed
 * by (pid, start time), with its CABA. Events apply the CABA rules of the
 * kernel: a new process takes its creator as CABA, and a released process's
 * CABA descendants move onto its own CABA. No I/O here.
 *
 * Beside the CABA, the lineage: each process witnessed being created keeps
 * its creator, alive or not. A released process some kept process names as
 * its creator stays in the table as a released ancestor (not in the hash:
 * born_find never returns it), with what it was (name, program, end, exit
 * status), exactly as long as a living process's chain of creators passes
 * through it. The first living process on a process's chain of creators is
 * its CABA. At most max_released are kept: past that, the one released
 * longest ago is dropped (t->dropped counts them) and those it created are
 * marked lineage_cut.
 */
#ifndef CABATREE_RECORDER_BORN_H
#define CABATREE_RECORDER_BORN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define BORN_COMM_LEN 16	/* TASK_COMM_LEN: 15 bytes and the NUL */
#define BORN_PATH_MAX 256	/* a program's path is kept up to this (with the NUL) */
#define BORN_DEFAULT_MAX_RELEASED 100000	/* released ancestors kept at most */

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
	/* Lineage: */
	struct born_proc *creator;	/* who created it (alive or released); NULL: not
					 * known (not witnessed, or dropped: lineage_cut) */
	struct born_proc *made;		/* the kept processes it created, first */
	struct born_proc *mnext, *mprev;	/* siblings on creator->made */
	struct born_proc *rnext, *rprev;	/* released: on t's list, oldest first */
	char comm[BORN_COMM_LEN];	/* its name, NUL-terminated; "": not known */
	char *path;			/* its program at its last exec (malloc'd), or NULL */
	unsigned long long end_nsec;	/* when it exited (ns after boot); 0: not known */
	int exit_status;		/* as wait(2) gives it; -1: not known */
	bool released;			/* a released ancestor, kept for the lineage only */
	bool lineage_cut;		/* its creator was dropped by the cap */
};

struct born_table {
	struct born_proc **buckets;
	size_t mask;
	size_t n;			/* processes alive */
	struct born_proc *roots;	/* processes without a CABA */
	struct born_proc *exited;	/* processes whose exit was seen, alive until released,
					 * oldest exit first */
	struct born_proc *exited_last;
	unsigned long long lost;	/* events lost by the backend */
	unsigned long long forks, releases;	/* events applied */
	struct born_proc *released, *released_last;	/* released ancestors kept,
							 * oldest release first */
	size_t nreleased;
	size_t max_released;		/* the cap (born_init: BORN_DEFAULT_MAX_RELEASED;
					 * 0: no lineage is kept) */
	unsigned long long dropped;	/* released ancestors dropped by the cap */
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
 * twice is harmless. The child's creator (lineage) is the creating process,
 * and its name is the creator's until it is told otherwise.
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

/*
 * Lineage. born_set_comm: p's name is now comm[0..n) (cut to 15 bytes; on
 * exec, a rename, or when first read). born_set_path: the program it runs
 * since its last exec (NULL or n 0: not known; cut to BORN_PATH_MAX - 1).
 * born_set_end: it exited at end_nsec (ns after boot) with the wait
 * status (-1: not known); either may be 0/-1 to leave that one as it is.
 * These apply to living processes and to released ancestors alike.
 */
void born_set_comm(struct born_proc *p, const char *comm, size_t n);
void born_set_path(struct born_proc *p, const char *path, size_t n);
void born_set_end(struct born_proc *p, unsigned long long end_nsec, int status);

/*
 * Change the cap (0: keep none); released ancestors past it are dropped,
 * the oldest first, and counted in t->dropped.
 */
void born_set_max_released(struct born_table *t, size_t max);

/*
 * The released ancestors between p and its CABA, nearest first, into
 * v[0..max); returns how many there are (which may be more than max).
 */
size_t born_lineage(const struct born_proc *p, const struct born_proc **v, size_t max);

/*
 * A released ancestor restored from a state file (born_restore_released),
 * and the creator of a process or released ancestor restored (NULL: not
 * known; cut: it was dropped by the cap). Released ancestors must be
 * restored oldest release first; a restored one that ends up creating no
 * kept process is dropped at once (it is then not counted as dropped).
 */
struct born_proc *born_restore_released(struct born_table *t, pid_t pid,
					unsigned long long start,
					unsigned long long nsec);
void born_set_creator(struct born_table *t, struct born_proc *p,
		      struct born_proc *creator, bool cut);
/* Drop the released ancestors that create no kept process (after restoring). */
void born_trim_released(struct born_table *t);

/* Call fn on every process, in no particular order; fn must not modify t. */
void born_foreach(const struct born_table *t,
		  void (*fn)(const struct born_proc *p, void *arg), void *arg);
/* (Released ancestors are on t->released, linked by rnext.) */

#endif
