// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sleepers.c - fork N children that pause() until killed.
 *
 * Usage: sleepers N PIDFILE
 *
 * Becomes a process group leader, forks N children, writes their pids
 * (one per line, the parent's own pid first) to PIDFILE, then prints
 * "ready" on stdout and pause()s.  Everything it created shares its
 * process group, so "kill -KILL -- -PGID" removes all of it.  As a
 * safety net the parent dies with its own parent (the bench script) and
 * every child dies with the parent, via PR_SET_PDEATHSIG.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void die_all(const char *what, long done, long want)
{
	fprintf(stderr, "sleepers: %s after %ld of %ld children: %s\n",
		what, done, want, strerror(errno));
	kill(0, SIGKILL);	/* our whole process group, us included */
	_exit(1);
}

int main(int argc, char **argv)
{
	pid_t self = getpid(), pid;
	FILE *out;
	char *end;
	long n, i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s N PIDFILE\n", argv[0]);
		return 2;
	}
	n = strtol(argv[1], &end, 10);
	if (*end || n < 0) {
		fprintf(stderr, "sleepers: bad count '%s'\n", argv[1]);
		return 2;
	}

	if (setsid() < 0)
		setpgid(0, 0);	/* already a group leader: pgid == pid */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;	/* the script died before prctl() */

	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	fprintf(out, "%d\n", (int)self);

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			die_all("fork failed", i, n);
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != self)
				_exit(0);
			for (;;)
				pause();
		}
		fprintf(out, "%d\n", (int)pid);
	}
	if (fclose(out))
		die_all("writing pid file failed", n, n);

	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
