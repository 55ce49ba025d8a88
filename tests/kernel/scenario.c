// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Build the complex-sessions scenario of the CABA self-test in a new pid
 * namespace and keep it alive, for cabatree to read on a kernel with the
 * CABA patch:
 *
 *   1 forks 2, which calls setsid(); 2 forks 3, 3 forks 4, 4 forks 5;
 *   4 calls setsid(); 4 forks 6, 6 forks 7.  2 becomes a child
 *   subreaper; 6 exits and is reaped, so 7 moves to 2; 2 stops being a
 *   subreaper; 3 exits and is reaped, so 4 moves to 1.
 *
 * Usage: caba-scenario DIR
 * The namespace's procfs is mounted on DIR (created if needed); "ready"
 * is printed when the tree is complete.  SIGTERM, SIGINT or the end of
 * standard input ends the namespace and unmounts DIR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum op { OP_FORK, OP_SETSID, OP_SUBREAPER, OP_WAIT, OP_EXIT };

struct cmd {
	int op, arg;
};

#define NSLOTS 8
static int cmd_pipe[NSLOTS][2];
static int ack_pipe[2];

static void die(const char *what)
{
	fprintf(stderr, "caba-scenario: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void answer(int val)
{
	if (write(ack_pipe[1], &val, sizeof(val)) != sizeof(val))
		_exit(1);
}

/* A process of the tree: do what the conductor says, in order. */
static _Noreturn void agent(int slot)
{
	struct cmd c;
	pid_t pid;

	for (;;) {
		if (read(cmd_pipe[slot][0], &c, sizeof(c)) != sizeof(c))
			_exit(1);
		switch (c.op) {
		case OP_FORK:
			pid = fork();
			if (pid == 0) {
				slot = c.arg;	/* the child is that agent */
				continue;
			}
			answer(pid);
			break;
		case OP_SETSID:
			answer(setsid());
			break;
		case OP_SUBREAPER:
			answer(prctl(PR_SET_CHILD_SUBREAPER, c.arg, 0, 0, 0));
			break;
		case OP_WAIT:
			answer(waitpid(c.arg, NULL, 0));
			break;
		case OP_EXIT:
			answer(0);
			_exit(0);
		}
	}
}

static int send_cmd(int slot, int op, int arg, int want)
{
	struct cmd c = { op, arg };
	int val;

	if (write(cmd_pipe[slot][1], &c, sizeof(c)) != sizeof(c) ||
	    read(ack_pipe[0], &val, sizeof(val)) != sizeof(val))
		die("lost a process of the tree");
	if (val != want) {
		fprintf(stderr, "caba-scenario: step %d of process %d gave %d, not %d\n",
			op, slot, val, want);
		exit(1);
	}
	return val;
}

/*
 * The init of the namespace: mount its procfs, build the tree, say so
 * on @ready, and stay.
 */
static void ns_init(const char *dir, int ready)
{
	pid_t pid;

	if (mount("proc", dir, "proc", 0, NULL))
		die("mount proc");
	pid = fork();
	if (pid == 0)
		agent(2);
	if (pid != 2)
		die("fork of 2");
	send_cmd(2, OP_SETSID, 0, 2);
	send_cmd(2, OP_FORK, 3, 3);
	send_cmd(3, OP_FORK, 4, 4);
	send_cmd(4, OP_FORK, 5, 5);
	send_cmd(4, OP_SETSID, 0, 4);
	send_cmd(4, OP_FORK, 6, 6);
	send_cmd(6, OP_FORK, 7, 7);
	send_cmd(2, OP_SUBREAPER, 1, 0);
	send_cmd(6, OP_EXIT, 0, 0);
	send_cmd(4, OP_WAIT, 6, 6);
	send_cmd(2, OP_SUBREAPER, 0, 0);
	send_cmd(3, OP_EXIT, 0, 0);
	send_cmd(2, OP_WAIT, 3, 3);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int i, sig, ready[2];
	sigset_t set;
	pid_t init;
	char c;

	if (argc != 2) {
		fprintf(stderr, "usage: caba-scenario DIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST)
		die(argv[1]);
	for (i = 0; i < NSLOTS; i++)
		if (pipe(cmd_pipe[i]))
			die("pipe");
	if (pipe(ack_pipe) || pipe(ready))
		die("pipe");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (unshare(CLONE_NEWPID))
		die("unshare(CLONE_NEWPID)");
	init = fork();
	if (init < 0)
		die("fork");
	if (init == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		close(ready[0]);
		ns_init(argv[1], ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "caba-scenario: the tree could not be built\n");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	sigwait(&set, &sig);
	kill(init, SIGKILL);
	waitpid(init, NULL, 0);
	umount2(argv[1], MNT_DETACH);
	return 0;
}
