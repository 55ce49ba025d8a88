/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recorder's state file: what cabatreed knows, written atomically for
 * cabatree (and for cabatreed itself after a restart) to read back.
 */
#ifndef CABATREE_RECORDER_STATE_H
#define CABATREE_RECORDER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "recorder/born.h"

#define STATE_DEFAULT_PATH "/run/cabatree/state"

/*
 * One process alive: its identity and its CABA's (caba 0: none known).
 * Its CABA is witnessed, inferred (and then from_reaper or not, as
 * born_proc says), or defined (caba 0): one of the three.
 */
struct state_entry {
	pid_t pid;
	unsigned long long start;
	pid_t caba;
	unsigned long long caba_start;
	bool inferred;
	bool from_reaper;		/* inferred: the parent then was a reaper (or
					 * not known: always so from versions 1 and 2) */
	bool defined;			/* pid 1, kthreadd (never from versions 1 and 2) */
	/* Lineage (version 4; versions 1 to 3: none known): */
	pid_t creator;			/* who created it: a process of v or of released
					 * (0: not known) */
	unsigned long long creator_start;
	bool cut;			/* its creator was dropped by the cap */
	char comm[BORN_COMM_LEN];	/* "": not known */
	char *path;			/* malloc'd, or NULL */
};

/* A released ancestor (version 4): see born.h. */
struct state_released {
	pid_t pid;
	unsigned long long start;	/* clock ticks after boot */
	unsigned long long nsec;	/* exact start in ns (eBPF), else 0 */
	pid_t creator;			/* a process of released (listed before it
					 * or after) or of v; 0: not known */
	unsigned long long creator_start;
	bool cut;
	unsigned long long end_nsec;	/* ns after boot; 0: not known */
	int exit_status;		/* -1: not known */
	char comm[BORN_COMM_LEN];
	char *path;
};

struct state_meta {
	char boot_id[64];		/* /proc/sys/kernel/random/boot_id */
	char backend[16];		/* "ebpf" or "connector" */
	unsigned long long pidns;	/* inode of the recorded pid namespace */
	pid_t daemon_pid;		/* who writes it, to tell whether it runs */
	unsigned long long daemon_start;
	long long updated;		/* seconds since the epoch */
	unsigned long long lost;	/* events lost since the recorder started */
	unsigned long long dropped;	/* released ancestors dropped by the cap */
};

struct state {
	struct state_meta meta;
	struct state_entry *v;		/* sorted by (pid, start) */
	size_t n;
	struct state_released *rel;	/* oldest release first */
	size_t nrel;
	size_t *rel_index;		/* rel's indices sorted by (pid, start) */
	uid_t owner;			/* the file's owner */
	unsigned int version;		/* of the file read: 1 (no checksum), 2, 3 or 4 */
	/* Filled by state_salvage: */
	bool header_ok;			/* meta was read whole */
	size_t announced;		/* processes the header announced */
	bool unverified;		/* its checksum is wrong or missing: nothing kept */
	size_t untrusted;		/* ... the processes it listed, all dropped */
};

/*
 * Write t and meta to the file name in the directory dirfd atomically (a
 * new temporary file next to it, made with O_EXCL and never through a
 * symbolic link, fsync, renameat, fsync of the directory), with mode bits
 * mode. With dirfd AT_FDCWD, name is a path and its directory is not
 * synced. Returns 0 or -errno.
 */
int state_save(int dirfd, const char *name, const struct born_table *t,
	       const struct state_meta *meta, mode_t mode);

/* Append the text of the state file of t and meta to sb (version 4). */
struct strbuf;
void state_format(struct strbuf *sb, const struct born_table *t,
		  const struct state_meta *meta);

/* The CRC-32 of buf[0..len) that ends a state file (gzip's CRC-32). */
uint32_t state_crc32(const void *buf, size_t len);

/*
 * Parse the text of a state file, buf[0..len) (modified in place), into
 * st. Returns 0, or -EBADMSG with a description in err (st is then empty).
 */
int state_parse(char *buf, size_t len, struct state *st, char *err,
		size_t errlen);

/*
 * Read path into st; a symbolic link as its last name is not followed,
 * and anything but a regular file is malformed. Returns 0; -errno when it
 * cannot be read; -EBADMSG when it is malformed, with a description in err.
 */
int state_load(const char *path, struct state *st, char *err, size_t errlen);

/*
 * Read what can be trusted of the file name in the directory dirfd (or
 * AT_FDCWD), damaged or not. Returns 0 for a whole
 * file (as state_load); -EBADMSG for a damaged one, with the reason in err
 * and in st: header_ok (the header was whole; else nothing is kept),
 * announced, and every process line before the first bad one (none
 * listed twice). A checksum vouches for all of a file or for none of it:
 * when it does not match, or a version 2 file has none, unverified is set
 * and nothing is kept (not even meta); untrusted says how many process
 * lines were there. Other errors as state_load.
 */
int state_salvage(int dirfd, const char *name, struct state *st, char *err,
		  size_t errlen);

/*
 * Drop the entries of st whose CABA chain leads to a process st does not
 * hold (or goes round): their CABA is unknown, and guessing it would be
 * wrong. Returns how many were dropped.
 */
size_t state_prune_orphans(struct state *st);

/* The entry of (pid, start), or NULL. */
const struct state_entry *state_find(const struct state *st, pid_t pid,
				     unsigned long long start);

/* The released ancestor (pid, start) of st, or NULL. */
const struct state_released *state_find_released(const struct state *st, pid_t pid,
						 unsigned long long start);

/* Rebuild a born table from st, lineage too (t must be freshly initialised). */
void state_to_table(const struct state *st, struct born_table *t);

void state_free(struct state *st);

/* This boot's id into buf (NUL-terminated; empty if unknown). */
void state_boot_id(char *buf, size_t size);

#endif
