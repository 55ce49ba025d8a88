/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot source: a document written by --json, read back (--load).
 * Everything in it is checked before anything is shown.
 */
#ifndef CABATREE_SNAPSHOT_H
#define CABATREE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "records.h"
#include "snapfmt.h"
#include "users.h"

#define SNAPSHOT_MAX_SIZE (1UL << 30)	/* bytes: 1 GiB */
#define SNAPSHOT_MAX_DEPTH 8		/* nesting of arrays and objects (5 used) */
#define SNAPSHOT_PID_MAX CT_PID_MAX	/* what the procfs source reads */

/* A user as the snapshot names it. */
struct snapshot_user {
	uid_t uid;
	char *name;		/* NULL: the snapshot's system had no name for it */
};

struct snapshot {
	struct ct_proclist pl;		/* the processes, sorted by pid; its
					 * meta is filled by snapshot_meta */
	enum caba_source caba_source;	/* the document's own "caba_source" */
	unsigned long long lost_events;	/* with CABA_SRC_RECORDER */
	long long time;			/* when it was taken, seconds since the epoch */
	long long boot_time;		/* when its system booted, with clock_ticks */
	long clock_ticks;		/* start_time units per second; 0: no
					 * "boot_time" and "clock_ticks" */
	pid_t *focus;			/* the document's "focus", in its order */
	size_t nfocus;			/* 0: no "focus" */
	bool thread_lists;		/* the processes carry "thread_list" */
	int version;			/* the document's "version" */
	unsigned long long lineage_dropped;	/* version 2: "lineage_dropped" */
	struct snapshot_user *users;	/* one per distinct uid */
	size_t nusers;
};

/*
 * Parse and check the document buf[0..len) (it need not end with a NUL),
 * named name in messages. On success returns 0 and fills s (free it with
 * snapshot_free). On failure s is left empty, err holds one line saying
 * where and what ("NAME:LINE:COLUMN: ..." for JSON syntax, "NAME: processes[3]
 * (pid 4): ..." for content), and the result is -EBADMSG (malformed)
 * or -EFBIG (larger than SNAPSHOT_MAX_SIZE). Nothing is printed, nothing
 * exits (short of memory exhaustion: then, as everywhere, "out of memory"
 * and exit status 1), nothing leaks. The text is checked as it is read,
 * and only the records are built: the first problem stops it.
 */
int snapshot_parse(const char *buf, size_t len, const char *name,
		   struct snapshot *s, char *err, size_t errsz);

/*
 * The same, the text handed to the parser chunk bytes at a time, as it
 * reads a file: for tests, so that every token can be cut anywhere.
 */
int snapshot_parse_chunked(const char *buf, size_t len, size_t chunk, const char *name,
			   struct snapshot *s, char *err, size_t errsz);

/*
 * Read the file path ("-": standard input) and parse it as it is read,
 * 64 KiB at a time: memory holds the records, not the text. A
 * regular file larger than SNAPSHOT_MAX_SIZE is refused before it is
 * read, anything else once that much is read. Besides the results of
 * snapshot_parse, returns -errno when the file cannot be read (err says
 * so).
 */
int snapshot_load(const char *path, struct snapshot *s, char *err, size_t errsz);

void snapshot_free(struct snapshot *s);

/*
 * Say in s->pl.meta what the document says of its processes, which came
 * from the snapshot called name: its own source, lost events, time, boot
 * time and clock. The document's focus is not in it: that is the caller's
 * choice.
 */
void snapshot_meta(struct snapshot *s, const char *name);

/* Teach u the user names of the snapshot, so that none comes from here. */
void snapshot_users(const struct snapshot *s, struct users *u);

/* The process of thread tid in s, or 0 if no process lists that thread. */
pid_t snapshot_tgid_of(const struct snapshot *s, pid_t tid);

#endif
