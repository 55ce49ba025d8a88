/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Workloads that make the real and the born trees differ, for cabatree
 * --demo and the recorder's live tests.
 */
#ifndef CABATREE_DEMO_SCENARIO_H
#define CABATREE_DEMO_SCENARIO_H

#include <sys/types.h>

/*
 * The sessions example of cabatree-caba(7) in a new pid namespace, its
 * processes named after their parts: ns-init (1), leader-a (2), middle-a
 * (3), leader-b (4), worker-a (5), middle-b (6), worker-b (7). Phase one
 * makes pids 1 to 7 (the namespace's numbering); go_fd is then read for
 * one byte (or not at all if go_fd < 0) before phase two: 2 becomes a
 * subreaper, 6 dies, 2 clears the flag, 3 dies. host[i] receives the
 * host pid of namespace pid i (1..7) as soon as phase one is over; the
 * function returns after phase two, or -errno. scenario_stop ends it all.
 * A signal ends the waits with -EINTR (if its handler does not restart
 * calls); a namespace that stops reporting gives -ETIMEDOUT after
 * SCENARIO_TIMEOUT_MS, except while phase two waits for go_fd.
 */
#define SCENARIO_TIMEOUT_MS 120000	/* a hang, not a slow machine */

struct scenario {
	pid_t init;		/* host pid of the namespace's init */
	pid_t host[8];
	int report_fd;		/* internal: what the namespace reports */
	int waits_for_go;	/* internal: phase two waits for go_fd */
	int done;		/* internal: phase two said "done" already */
};

int scenario_sessions_start(struct scenario *s, int go_fd);
int scenario_sessions_finish(struct scenario *s);

/*
 * A service manager (a child subreaper) starts a launcher, which starts a
 * service that daemonises by double fork: the daemon is adopted by the
 * manager, but was born under the launcher. Named service-manager,
 * launcher, service and daemon. Returns 0 or -errno.
 */
struct daemonise {
	pid_t manager, launcher, daemon;
};

int scenario_daemonise_start(struct daemonise *d);
void scenario_daemonise_stop(struct daemonise *d);

/* Kill a scenario's namespace init (and with it the namespace) and reap it. */
void scenario_sessions_stop(struct scenario *s);

#endif
