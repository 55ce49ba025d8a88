// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/storm.c - a fork+exit storm: W workers each fork N/W children
 * that exit at once, reaping each before the next. Prints
 * "FORKS SECONDS" (wall clock, all workers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int w = argc > 2 ? atoi(argv[2]) : 1, i;
	struct timespec a, b;

	if (n <= 0 || w <= 0) {
		fprintf(stderr, "usage: storm [FORKS [WORKERS]]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < w; i++) {
		if (fork() == 0) {
			long k, mine = n / w + (i < n % w);

			for (k = 0; k < mine; k++) {
				pid_t p = fork();

				if (p == 0)
					_exit(0);
				if (p < 0) {
					perror("storm: fork");
					_exit(1);
				}
				waitpid(p, NULL, 0);
			}
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%ld %.3f\n", n + w,
	       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
