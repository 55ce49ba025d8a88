/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the records come from, behind one interface: the procfs (the live
 * /proc or --proc-root DIR), the live procfs with the recorder's born tree
 * laid over it, or a snapshot (--load). main and the browser both refresh
 * a source into records and build the model from them.
 */
#ifndef CABATREE_SOURCE_H
#define CABATREE_SOURCE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "records.h"
#include "recorder/source.h"
#include "users.h"

/* What a refresh is to read besides what every record has. */
enum {
	SOURCE_CMDLINE = 1 << 0,	/* every process's command line */
	SOURCE_THREADS = 1 << 1,	/* every process's threads */
	SOURCE_AGAIN = 1 << 2,		/* more refreshes will follow: keep what
					 * makes them cheaper */
	SOURCE_NS = 1 << 3,		/* every process's namespaces */
};

/* What a refresh has to say besides the records and their meta. */
struct source_report {
	size_t malformed;	/* processes (or files) skipped: malformed */
	size_t hidden;		/* listed but not readable (hidepid=, permissions) */
	/* The recorder's state, when the recorder was asked; else NULL. */
	const struct rec_source *recorder;
	/* Why a refresh failed: one line, for a message. */
	char err[1024];
};

struct source;

struct source_ops {
	/*
	 * Read the records into out (empty), with their meta. Returns 0, or
	 * -errno with rep->err saying why: -EBADMSG or -EFBIG for bad input,
	 * -EDOM for a SOURCE_DATE_EPOCH that is no time; anything else is a
	 * failure to read.
	 */
	int (*update)(struct source *src, unsigned int want, struct ct_proclist *out,
		       struct source_report *rep);
	/*
	 * Give p (a record of the last refresh) its command line if it has
	 * none yet. 0, or -errno: -ESRCH when p's process is gone, -ENODATA
	 * when the source has none to give.
	 */
	int (*fetch_cmdline)(struct source *src, struct ct_proc *p);
	/* The process of thread tid, or 0 if the source knows no such thread. */
	pid_t (*tgid_of)(struct source *src, pid_t tid);
	/* Teach u the user names the source brings along (NULL: none). */
	void (*name_users)(struct source *src, struct users *u);
	/*
	 * Send sig to process pid if it is still the one started at start
	 * (clock ticks after boot). 0, or -errno: -ESRCH when it is gone,
	 * -EOPNOTSUPP when the source's pids are not the caller's (NULL:
	 * never, as for a snapshot).
	 */
	int (*signal)(struct source *src, pid_t pid, unsigned long long start,
		      int sig);
	void (*free)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	const char *name;	/* the directory or the snapshot, for messages */
	bool live;		/* a new refresh may show other processes */
	/* The processes a snapshot was focused on, in its order (none: 0). */
	const pid_t *focus;
	size_t nfocus;
	bool thread_lists;	/* the records can list threads (a snapshot
				 * taken with -t, or any procfs) */
};

/*
 * Open the procfs at root. The live system's own procfs (of the caller's
 * pid namespace) gets the recorder's born tree where the kernel has none;
 * any other (a container's, a copy) is read alone. 0 or -errno, with err
 * saying why.
 */
int source_procfs_open(const char *root, struct source **src, char *err,
		       size_t errsz);

/*
 * Read the snapshot at path ("-": standard input), called name in messages,
 * whole and checked. 0 or -errno with err saying why (-EBADMSG, -EFBIG for
 * a bad snapshot).
 */
int source_snapshot_open(const char *path, const char *name, struct source **src,
			 char *err, size_t errsz);

static inline int source_refresh(struct source *src, unsigned int want,
				 struct ct_proclist *out, struct source_report *rep)
{
	return src->ops->update(src, want, out, rep);
}

static inline int source_fetch_cmdline(struct source *src, struct ct_proc *p)
{
	return p->has_cmdline ? 0 : src->ops->fetch_cmdline(src, p);
}

static inline pid_t source_tgid_of(struct source *src, pid_t tid)
{
	return src->ops->tgid_of(src, tid);
}

static inline void source_name_users(struct source *src, struct users *u)
{
	if (src->ops->name_users)
		src->ops->name_users(src, u);
}

static inline int source_signal(struct source *src, pid_t pid,
				unsigned long long start, int sig)
{
	return src->ops->signal ? src->ops->signal(src, pid, start, sig) : -EOPNOTSUPP;
}

static inline void source_free(struct source *src)
{
	if (src)
		src->ops->free(src);
}

#endif
