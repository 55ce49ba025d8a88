// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keepers.c - N double forks whose grandchildren live: N released
 * ancestors for the recorder to keep.
 *
 * Usage: keepers N PIDFILE
 *
 * For each of N middles: fork it, it forks a grandchild, tells its pid
 * and exits, and is reaped at once; the grandchild, an orphan, blocks
 * reading a pipe whose only writer is this process. Writes the
 * grandchildren's pids to PIDFILE, one a line, and prints "ready" on
 * stdout once all are made, then waits for end of file on stdin; then,
 * or whenever this process dies (even killed), the pipe's end ends every
 * grandchild.
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
	int fd[2], tell[2], st;
	char b, *end;
	pid_t g;
	long n, i;
	FILE *out;

	if (argc != 3 || (n = strtol(argv[1], &end, 10)) < 0 || *end) {
		fprintf(stderr, "usage: keepers N PIDFILE\n");
		return 2;
	}
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	if (pipe(fd) < 0 || pipe(tell) < 0) {
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
			g = fork();

			if (g == 0) {
				close(fd[1]);
				close(tell[1]);
				while (read(fd[0], &b, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
			_exit(g < 0 || write(tell[1], &g, sizeof(g)) != sizeof(g));
		}
		/* One at a time: a pipe holds only so many pids. */
		if (waitpid(m, &st, 0) == m && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
		    read(tell[0], &g, sizeof(g)) == sizeof(g))
			fprintf(out, "%d\n", (int)g);
		else
			fprintf(stderr, "keepers: middle %ld of %ld failed\n", i + 1, n);
	}
	close(fd[0]);
	if (fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t r = read(0, &b, 1);

		if (r == 0 || (r < 0 && errno != EINTR))
			return 0;
	}
}
