/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The procfs source: flat process records read from one procfs directory. */
#ifndef CABATREE_PROCFS_H
#define CABATREE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "records.h"

/* The live system's procfs, where nothing else is asked for. */
#define PROCFS_ROOT "/proc"

/* What went wrong while scanning, for the caller to report. */
struct procfs_diag {
	size_t malformed;	/* processes skipped because a file was malformed */
	size_t hidden;		/* listed but not readable (hidepid=1, permissions) */
};

enum {
	PROCFS_CMDLINE = 1 << 0,	/* read cmdline */
	PROCFS_THREADS = 1 << 1,	/* list task/ */
	PROCFS_KEEP_OPEN = 1 << 2,	/* a rescan follows: keep what makes it cheaper */
	PROCFS_NS = 1 << 3,		/* read the namespaces' inodes (ns/) */
};

/* Open the procfs root directory; returns a fd or -errno. */
int procfs_open(const char *root);

/*
 * Read every process under dirfd into out (empty), sorted by pid.
 * Processes that vanish or are not readable are skipped silently; malformed
 * ones are reported on stderr (named by root_name), counted in diag and
 * skipped. Returns 0 or -errno when the directory itself cannot be read.
 * out's meta is left alone: that is the caller's to say.
 */
int procfs_scan(int dirfd, const char *root_name, unsigned int flags,
		struct ct_proclist *out, struct procfs_diag *diag);

/*
 * A procfs read again and again (the browser's refreshes): it owns the
 * directory and keeps, of its last scan, what makes the next one cheaper.
 * Nothing of it shows in the records.
 */
struct procfs_scanner;

/* Open root for scanning; 0 or -errno. */
int procfs_scanner_open(const char *root, struct procfs_scanner **sc);
void procfs_scanner_free(struct procfs_scanner *sc);

/* Its directory, for the one-off reads below, and its name. */
int procfs_scanner_dirfd(const struct procfs_scanner *sc);
const char *procfs_scanner_root(const struct procfs_scanner *sc);

/*
 * procfs_scan, knowing the previous scan if it was made with
 * PROCFS_KEEP_OPEN (a scan that another follows). On a real procfs, a PID
 * directory with the same inode as then belongs to the same process (the
 * inode pins the kernel's struct pid, so a reused pid gets a new one): its
 * start time is taken from then and stat is not read. Everything else is
 * read afresh, so the result is what procfs_scan would return.
 *
 * With PROCFS_KEEP_OPEN, the scanner also keeps the status files of a real
 * procfs open (as many as the open-file limit leaves room for) and the
 * next scan reads them again with pread() instead of opening them anew.
 * Without, it keeps nothing.
 */
int procfs_scanner_scan(struct procfs_scanner *sc, unsigned int flags,
			struct ct_proclist *out, struct procfs_diag *diag);

/* Status files the scanner holds open now (for tests). */
size_t procfs_scanner_held(const struct procfs_scanner *sc);

/*
 * Read p's command line now, if the scan did not: for one process shown in
 * detail. p is a record of the scanner's last scan. Returns 0, or -errno
 * (-ESRCH when p has exited, even if its pid was reused since).
 */
int procfs_scanner_read_cmdline(struct procfs_scanner *sc, struct ct_proc *p);

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
 * What the recorder and the demo need of a process: its ids and start
 * time, from its stat line (parsed by procfs_parse_stat's parser, nothing
 * allocated).
 */
struct procfs_light {
	pid_t pid;
	pid_t ppid;
	pid_t pgid;
	pid_t sid;
	char state;
	unsigned long long start_time;	/* clock ticks after boot */
	char comm[16];			/* its name (cut to 15 bytes; a NUL in it ends it) */
};

/* Read pid's light record; 0, or -errno (-EBADMSG for a malformed line). */
int procfs_light_read(int dirfd, pid_t pid, struct procfs_light *l);

/*
 * Every process under dirfd that could be read, sorted by pid, into *v
 * (free it) and *n. 0 or -errno when the directory cannot be read.
 */
int procfs_light_scan(int dirfd, struct procfs_light **v, size_t *n);

/* The inode of pid's mount namespace; 0 or -errno (a zombie has none). */
int procfs_mnt_ns(int dirfd, pid_t pid, unsigned long long *ino);

/* Open pid's mountinfo (to poll for changes); a fd or -errno. */
int procfs_open_mountinfo(int dirfd, pid_t pid);

/* Does the kernel show an NScaba: line (in this process's own status)? */
bool procfs_self_has_caba(int dirfd);

/* The inode of the pid namespace the procfs shows, or 0 if unknown. */
unsigned long long procfs_pid_ns(int dirfd);

/* Is the directory a procfs, not a copy of one (a fixture, a tarball)? */
bool procfs_is_live(int dirfd);

/*
 * Is the directory a procfs (not a copy of one) of the caller's own pid
 * namespace: the live system as the caller sees it?
 */
bool procfs_is_own(int dirfd);

/*
 * The inode of the pid namespace whose processes the live procfs at dirfd
 * shows, its own or not (a container's /proc seen from outside): pl, read
 * from it, names processes to look at. 0 when it cannot be told (not a
 * live procfs; no process whose namespace may be read).
 */
unsigned long long procfs_root_pid_ns(int dirfd, const struct ct_proclist *pl);

/* The calling process's pid in the procfs's pid namespace, or -1. */
/*
 * The ids of the NSpid: line of PID/status, outermost first, up to max;
 * how many, or -1 when it cannot be read or is malformed.
 */
int procfs_nspid(int dirfd, pid_t pid, long long *ids, int max);

pid_t procfs_self_pid(int dirfd);

/* The calling process's executable, into buf; its length or -errno. */
ssize_t procfs_self_exe(int dirfd, char *buf, size_t size);

/*
 * Parsers, exposed for tests. Both return NULL on success, or the name of the
 * field that is missing or malformed. parse_status modifies buf.
 */
const char *procfs_parse_status(char *buf, size_t len, struct ct_proc *p,
				pid_t *tgid);
const char *procfs_parse_stat(const char *buf, size_t len, struct ct_proc *p);

/*
 * The same parser, for a light record (all but its pid): the ppid must be
 * a pid too, and nothing is allocated.
 */
const char *procfs_parse_stat_light(const char *buf, size_t len,
				    struct procfs_light *l);

#endif
