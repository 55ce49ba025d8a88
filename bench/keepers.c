// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keepers.c - N double forks whose grandchildren live: N released
 * ancestors for the recorder to keep.
 *
 * Usage: keepers N
 *
 * For each of N middles: fork it, it forks a grandchild and exits, and
 * is reaped at once; the grandchild, an orphan, blocks reading a pipe
 * whose only writer is this process. Prints "ready" on stdout once all
 * are made, then waits for end of file on stdin; then, or whenever this
 * process dies (even killed), the pipe's end ends every grandchild.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd[2];
	char b, *end;
	long n, i;

	if (argc != 2 || (n = strtol(argv[1], &end, 10)) < 0 || *end) {
		fprintf(stderr, "usage: keepers N\n");
		return 2;
	}
	if (pipe(fd) < 0) {
		perror("keepers: pipe");
		return 1;
	}
	for (i = 0; i < n; i++) {
		pid_t m = fork();

		if (m < 0) {
			fprintf(stderr, "keepers: fork after %ld of %ld: %s\n", i, n, strerror(errno));
			return 1;	/* the pipe's end ends those made */
		}
		if (m == 0) {
			pid_t g = fork();

			if (g == 0) {
				close(fd[1]);
				while (read(fd[0], &b, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
			_exit(g < 0);
		}
		waitpid(m, NULL, 0);
	}
	close(fd[0]);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t r = read(0, &b, 1);

		if (r == 0 || (r < 0 && errno != EINTR))
			return 0;
	}
}
