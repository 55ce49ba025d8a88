/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The procfs source: flat process records read from one procfs directory. */
#ifndef CABATREE_PROCFS_H
#define CABATREE_PROCFS_H

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
	CABA_OUTSIDE,		/* NScaba: empty: born outside this pid namespace */
	CABA_WITNESSED,		/* the recorder saw the process being created */
	CABA_INFERRED,		/* the recorder's guess: the parent when it started */
};

/* Does the status carry a CABA id in ct_proc.caba? */
static inline bool caba_status_known(enum caba_status s)
{
	return s == CABA_KERNEL || s == CABA_WITNESSED || s == CABA_INFERRED;
}

struct ct_thread {
	pid_t tid;
	char *name;		/* raw bytes from task/TID/comm */
	size_t name_len;
};

/* One process as the source saw it; every id is in the procfs's pid namespace. */
struct ct_proc {
	pid_t pid;
	pid_t ppid;		/* 0 when the parent is not visible */
	pid_t pgid;
	pid_t sid;
	pid_t caba;		/* meaningful with CABA_KERNEL; 0 is the idle task */
	enum caba_status caba_status;
	uid_t uid;		/* effective uid */
	char state;		/* R, S, D, Z, ... */
	int nthreads;
	unsigned long long start_time;	/* clock ticks after boot (stat field 22) */
	unsigned long long ino;	/* inode of the PID directory (live procfs) */
	char *name;		/* raw bytes, unescaped */
	size_t name_len;
	char *cmdline;		/* NUL-separated arguments, when read */
	size_t cmdline_len;
	bool has_cmdline;
	bool has_status_fd;	/* status_fd is open (PROCFS_KEEP_OPEN) */
	int status_fd;
	struct ct_thread *threads;	/* other threads than the leader, with -t */
	size_t nthreads_listed;
};

struct ct_proclist {
	struct ct_proc *v;
	size_t n;
	size_t cap;
};

/* What went wrong while scanning, for the caller to report. */
struct procfs_diag {
	size_t malformed;	/* processes skipped because a file was malformed */
	size_t hidden;		/* listed but not readable (hidepid=1, permissions) */
};

enum {
	PROCFS_CMDLINE = 1 << 0,	/* read cmdline */
	PROCFS_THREADS = 1 << 1,	/* list task/ */
	PROCFS_KEEP_OPEN = 1 << 2,	/* keep status files open for a rescan */
};

/* Open the procfs root directory; returns a fd or -errno. */
int procfs_open(const char *root);

/*
 * Read every process under dirfd into out. Processes that vanish or are not
 * readable are skipped silently; malformed ones are reported on stderr (named
 * by root_name), counted in diag and skipped. Returns 0 or -errno when the
 * directory itself cannot be read.
 */
int procfs_scan(int dirfd, const char *root_name, unsigned int flags,
		struct ct_proclist *out, struct procfs_diag *diag);

/*
 * The same, with prev the previous scan of the same directory (sorted by
 * pid, as procfs_scan leaves it). On a real procfs, a PID directory with
 * the same inode as in prev belongs to the same process (the inode pins
 * the kernel's struct pid, so a reused pid gets a new one): its start
 * time is taken from prev and stat is not read. Everything else is read
 * afresh, so the result is what procfs_scan would return.
 *
 * With PROCFS_KEEP_OPEN, the status files of a real procfs stay open in
 * out (as many as the open-file limit leaves room for, closed by
 * proclist_free) and the next rescan reads them again with pread() instead
 * of opening them anew: such status files move from prev to out.
 */
int procfs_rescan(int dirfd, const char *root_name, unsigned int flags,
		  struct ct_proclist *prev, struct ct_proclist *out,
		  struct procfs_diag *diag);

void proclist_free(struct ct_proclist *pl);

/*
 * Read p's command line now, if the scan did not: for one process shown in
 * detail. Returns 0, or -errno (-ESRCH when p has exited, even if its pid
 * was reused since).
 */
int procfs_read_cmdline(int dirfd, struct ct_proc *p);

/*
 * When the system booted (btime in the procfs's stat file), in seconds
 * since the epoch, or -1 when the directory has no such file (a copy).
 * With root_name, a stat file that is there but cannot be read (not a
 * regular file, say) is reported and counted in diag.
 */
long long procfs_boot_time(int dirfd, const char *root_name,
			   struct procfs_diag *diag);

/* The process (thread group) of thread tid, or 0 if there is no such thread. */
pid_t procfs_tgid_of(int dirfd, pid_t tid);

/*
 * Parsers, exposed for tests. Both return NULL on success, or the name of the
 * field that is missing or malformed. parse_status modifies buf.
 */
const char *procfs_parse_status(char *buf, size_t len, struct ct_proc *p,
				pid_t *tgid);
const char *procfs_parse_stat(const char *buf, size_t len, struct ct_proc *p);

#endif
