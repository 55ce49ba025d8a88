// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rusage.c - run a command and report its CPU time and peak RSS.
 *
 * Usage: rusage -o FILE COMMAND [ARG...]
 *
 * Like "/usr/bin/time -o FILE -f '%U %S %M %x'", but user and system time
 * are printed in seconds with microsecond resolution instead of GNU
 * time's 10 ms, which is too coarse for commands that take a few ms.
 * The numbers come from wait4() on the child, exactly as GNU time's do.
 * Writes one line: "USER SYS MAXRSS_KIB EXIT_STATUS".
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status, code;
	FILE *out;
	pid_t pid;

	if (argc < 4 || strcmp(argv[1], "-o")) {
		fprintf(stderr, "usage: %s -o FILE COMMAND [ARG...]\n", argv[0]);
		return 2;
	}
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 2;
	}

	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		fclose(out);
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}

	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else
		code = 128 + WTERMSIG(status);
	fprintf(out, "%ld.%06ld %ld.%06ld %ld %d\n",
		(long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
		(long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec,
		ru.ru_maxrss, code);
	if (fclose(out))
		return 2;
	return code;
}
