/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cabatreed's event sources: the eBPF programs and the proc connector. */
#ifndef CABATREE_DAEMON_BACKEND_H
#define CABATREE_DAEMON_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "recorder/born.h"

/* A process: its pid and start time (clock ticks after boot). */
struct rec_task {
	pid_t pid;
	unsigned long long start;
};

struct rec_backend {
	const char *name;		/* "ebpf" or "connector" */
	const char *release_point;	/* what "released" is taken from */
	bool exit_is_zombie;		/* releases must be found in /proc */
	bool durable;			/* events queue on while cabatreed is down */
	/*
	 * Told of each process created, and of each that runs a program in
	 * another mount namespace than its parent's (the connector cannot
	 * tell: of each), with that namespace (0: not known).
	 */
	void (*on_ns)(void *arg, pid_t pid, unsigned long long mntns);
	void *on_ns_arg;
	/*
	 * Readable (poll) when events come while the reader is caught up, to
	 * wait on when nothing happens; -1: none.
	 */
	int wait_fd;
	/* Nothing queued that is not drained and committed (NULL: always). */
	bool (*caught_up)(struct rec_backend *b);
	/* Apply every pending event to t; returns how many, or -errno. */
	int (*drain)(struct rec_backend *b, struct born_table *t);
	/* Everything drained is in the saved state now (NULL: nothing to do). */
	void (*commit)(struct rec_backend *b);
	/* Events lost so far (ring full, socket buffer overrun, gaps). */
	unsigned long long (*lost)(struct rec_backend *b);
	/*
	 * The processes that are child subreapers now (prctl
	 * PR_SET_CHILD_SUBREAPER, which /proc does not show), sorted by pid,
	 * into *v (to free) and *n: 0, or -errno when it cannot tell. NULL:
	 * this backend cannot tell them, no_subreapers says why.
	 */
	int (*subreapers)(struct rec_backend *b, struct rec_task **v, size_t *n);
	const char *no_subreapers;
	void (*close)(struct rec_backend *b);
};

/*
 * Start a backend; events are queued from then on, in a buffer of bufsize
 * bytes (0: the default; the ring of eBPF, the socket's for the
 * connector). Returns 0, or -errno with a sentence for the user in err.
 * eBPF keeps recording for key (the state file's identity: its
 * directory's device and inode, and its name) while cabatreed is down,
 * when bpffs allows; *resumed says that it took back such a recording.
 */
int rec_ebpf_open(struct rec_backend **out, size_t bufsize, const char *key,
		  bool *resumed, char *err, size_t errlen);
int rec_connector_open(struct rec_backend **out, size_t bufsize, char *err,
		       size_t errlen);

/* Clock ticks after boot of a CLOCK_BOOTTIME time in nanoseconds. */
unsigned long long rec_ns_to_ticks(unsigned long long ns);

/* Now, in clock ticks after boot. */
unsigned long long rec_now_ticks(void);

#endif
