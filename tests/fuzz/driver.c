// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A fuzz target as a plain program: feed each file named on the command
 * line, or each file of each directory named, to LLVMFuzzerTestOneInput
 * once. make check runs the seed corpora and the inputs of past crashes
 * through it, with any compiler and without libFuzzer.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static unsigned long ran;

static int run_file(const char *path)
{
	struct stat st;
	size_t len = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return 1;
	}
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	/* Named before it runs: a crash leaves the name as the last line. */
	printf("# %s\n", path);
	fflush(stdout);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	ran++;
	return 0;
}

static int run_dir(const char *dir)
{
	struct dirent **names;
	int n, i, st = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		char *path;

		if (names[i]->d_name[0] != '.') {
			path = malloc(strlen(dir) + strlen(names[i]->d_name) + 2);
			if (!path)
				return 1;
			sprintf(path, "%s/%s", dir, names[i]->d_name);
			st |= run_file(path);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return st;
}

int main(int argc, char **argv)
{
	struct stat sb;
	int i, st = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			st = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			st |= run_dir(argv[i]);
		} else {
			st |= run_file(argv[i]);
		}
	}
	printf("%s: %lu inputs\n", argv[0], ran);
	return st;
}
