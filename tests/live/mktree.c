// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Build a small real process tree for the live tests and hold it until
 * stdin closes or SIGTERM arrives:
 *
 *   ct-subreaper (PR_SET_CHILD_SUBREAPER)
 *   ├─ct-middle      forks ct-orphan, then exits and is reaped
 *   │ └─ct-orphan    reparented to ct-subreaper
 *   └─ct-zombie      exited, never reaped while the tree is held
 *
 * Prints "SUBREAPER MIDDLE ORPHAN ZOMBIE" pids on one line once all is set.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "mktree: %s: %s\n", what, strerror(errno));
	exit(1);
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(void)
{
	int pfd[2];
	pid_t middle, orphan, zombie;
	struct sigaction sa;
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	if (prctl(PR_SET_NAME, "ct-subreaper") || prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("prctl");
	if (pipe(pfd))
		die("pipe");
	middle = fork();
	if (middle < 0)
		die("fork");
	if (middle == 0) {
		pid_t o;

		prctl(PR_SET_NAME, "ct-middle");
		o = fork();
		if (o < 0)
			_exit(1);
		if (o == 0) {
			prctl(PR_SET_NAME, "ct-orphan");
			/* Die with the subreaper, whatever happens to the test. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(pfd[0]);
			close(pfd[1]);
			for (;;)
				pause();
		}
		if (write(pfd[1], &o, sizeof(o)) != sizeof(o))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &orphan, sizeof(orphan)) != sizeof(orphan))
		die("read");
	if (waitpid(middle, NULL, 0) != middle)
		die("waitpid");
	zombie = fork();
	if (zombie < 0)
		die("fork");
	if (zombie == 0) {
		prctl(PR_SET_NAME, "ct-zombie");
		_exit(0);
	}
	/* Wait until the zombie is one, without reaping it. */
	for (;;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)zombie, &si, WEXITED | WNOWAIT) == 0)
			break;
		if (errno != EINTR)
			die("waitid");
	}
	printf("%d %d %d %d\n", (int)getpid(), (int)middle, (int)orphan, (int)zombie);
	fflush(stdout);
	while (!stop && read(0, &c, 1) > 0)
		;
	kill(orphan, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
