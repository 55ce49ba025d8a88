// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor.c - the least work any /proc process-tree viewer has to do.
 *
 * Usage: floor status        read /proc/PID/status for every process
 *        floor status+stat   read /proc/PID/status and /proc/PID/stat
 *
 * Opens /proc once, readdir()s it, and for every numeric entry opens the
 * per-process file(s) with openat() relative to the /proc fd and read()s
 * them whole into a fixed buffer.  Nothing is parsed or stored.  Prints
 * the number of processes seen (bytes read go to stderr with -v) so the
 * work cannot be optimised away.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[16384];

/* Read "PID/name" relative to procfd; return bytes read, or -1. */
static long slurp(int procfd, const char *pid, const char *name)
{
	char path[64];
	long total = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pid, name);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;	/* process exited meanwhile */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	return n < 0 ? -1 : total;
}

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long nproc = 0, bytes = 0;
	struct dirent *de;
	int with_stat, verbose = 0;
	DIR *dir;
	long n;

	if (argc > 2 && !strcmp(argv[2], "-v"))
		verbose = 1;
	if (argc < 2 || (strcmp(argv[1], "status") &&
			 strcmp(argv[1], "status+stat"))) {
		fprintf(stderr, "usage: %s status|status+stat [-v]\n", argv[0]);
		return 2;
	}
	with_stat = !strcmp(argv[1], "status+stat");

	dir = opendir("/proc");
	if (!dir) {
		perror("/proc");
		return 1;
	}
	while ((de = readdir(dir))) {
		if (!is_pid(de->d_name))
			continue;
		n = slurp(dirfd(dir), de->d_name, "status");
		if (n < 0)
			continue;
		bytes += n;
		if (with_stat) {
			n = slurp(dirfd(dir), de->d_name, "stat");
			if (n < 0)
				continue;
			bytes += n;
		}
		nproc++;
	}
	closedir(dir);

	printf("%lu\n", nproc);
	if (verbose)
		fprintf(stderr, "%lu bytes\n", bytes);
	return 0;
}
