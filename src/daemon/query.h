/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cabatreed's answering socket (recorder/proto.h): cabatree asks about the
 * processes its scan of a procfs saw and gets the born tree at least as
 * new as that scan, in that procfs's pid namespace, and under hidepid=
 * only what the asker may see.
 *
 * Nothing here blocks: connections are non-blocking, each with a
 * deadline, read and written as the loop's one wait (an epoll set nested
 * into the rec_watch's) says they can be. A question that waits for
 * events still queued is looked at again on each turn of the loop.
 */
#ifndef CABATREE_DAEMON_QUERY_H
#define CABATREE_DAEMON_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "daemon/backend.h"
#include "daemon/live.h"
#include "recorder/born.h"

#define QUERY_MAX_CONNS 32	/* beyond: told so and closed */
#define QUERY_READ_MS 2000	/* from connecting to the whole question */
#define QUERY_WRITE_MS 5000	/* from the answer to its last byte */
#define QUERY_RETRY_MS 1	/* a question that waits for events: looked at again */

/* What an answer is made of: cabatreed's own. */
struct query_ctx {
	struct rec_backend *b;
	struct born_table *t;
	const struct rec_watch *w;	/* which mount namespaces hide processes */
	int procfd;			/* cabatreed's /proc */
	unsigned long long pidns;	/* the pid namespace it shows */
	unsigned long long base_lost;	/* events lost before this run */
	long long since;		/* when recording began (seconds since the epoch) */
};

struct query_conn;

struct query_server {
	int lfd;			/* the listening socket; -1: none */
	int epfd;			/* it and the connections; nest it into a wait */
	int dirfd;			/* the state directory (not ours to close) */
	char *name;			/* the socket's name there */
	unsigned long long dev, ino;	/* the socket file's identity */
	struct query_conn *conns[QUERY_MAX_CONNS];
	long long retry_at;		/* when waiting questions are looked at again; 0: none */
	unsigned long long answered, refused;
};

/*
 * Make the socket name in the directory dirfd (a socket left there is
 * replaced; anything else is not) and listen on it. 0, or -errno with a
 * sentence in err (the server is then unused but may be closed).
 */
int query_open(struct query_server *s, int dirfd, const char *name, char *err,
	       size_t errlen);

/* When query_run is due next (monotonic ms), or 0 if only on an event. */
long long query_due(const struct query_server *s);

/*
 * Take in connections, read questions, answer them, write answers, drop
 * the late. now is monotonic ms. True if it changed c->t (events drained,
 * releases found), which is then to be saved.
 */
bool query_run(struct query_server *s, const struct query_ctx *c, long long now);

/* Close every connection and remove the socket, if it is still ours. */
void query_close(struct query_server *s);

#endif
