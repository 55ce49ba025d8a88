/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The directory of cabatreed's state file, checked from / down and then
 * held open: everything cabatreed makes, reads, renames or removes there
 * goes through its descriptor, never through a path again.
 */
#ifndef CABATREE_DAEMON_STATEDIR_H
#define CABATREE_DAEMON_STATEDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct state_dir {
	int fd;				/* the directory (O_RDONLY); -1: none */
	char *path;			/* its absolute path, for messages */
	char *base;			/* the state file's name in it */
	unsigned long long dev, ino;	/* its identity */
};

/*
 * Open the directory of the state file file (absolute, or relative to the
 * working directory), walking from / one name at a time without following
 * a symbolic link; with create, a missing directory is made (mode 0755).
 * Every directory on the way must be root's and writable by root alone.
 * Returns 0; -EPERM when one is not (err says which and why); another
 * -errno when it cannot be checked (err says so).
 */
int state_dir_open(struct state_dir *sd, const char *file, bool create,
		   char *err, size_t errlen);

void state_dir_close(struct state_dir *sd);

/* The path of name in sd, for messages (to be freed). */
char *state_dir_join(const struct state_dir *sd, const char *name);

/*
 * Is the file sb (shown as path) one cabatreed may read and replace: a
 * regular file of root's that only root may write? 0, or -EPERM with a
 * sentence in err.
 */
int state_dir_judge(const struct stat *sb, const char *path, char *err, size_t errlen);

/*
 * name in sd, without following it: 0 when absent or judged fit (as
 * state_dir_judge); -EPERM when not, another -errno when it cannot be
 * looked at; err says why.
 */
int state_dir_check(const struct state_dir *sd, const char *name, char *err,
		    size_t errlen);

#endif
