// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where cabatreed (root) keeps its state, no other user may have a say:
 * whoever can write a directory on the way to the state file can put
 * another directory, or a symbolic link, where cabatreed expects its own,
 * and make root write, chmod or rename a file of their choosing. So the
 * path is walked from / one name at a time, each directory opened relative
 * to the one before without following a symbolic link, and each checked on
 * its descriptor: root's, and writable by root alone. The last one stays
 * open; the path is never resolved again.
 *
 * A sticky directory writable by all (/tmp) is refused like any other
 * writable one: the sticky bit keeps others from renaming what root has
 * there, but not from making the names root has not made yet (before the
 * first start, after a reboot, after a cleaner removed an idle directory),
 * and the next start would then walk into theirs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nls.h"
#include "daemon/statedir.h"
#include "xalloc.h"

static int say_err(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say_err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* What a file is, as a noun with its article, for a message. */
static const char *kind(mode_t mode)
{
	if (S_ISREG(mode))
		return _("a regular file");
	if (S_ISLNK(mode))
		return _("a symbolic link");
	if (S_ISDIR(mode))
		return _("a directory");
	if (S_ISFIFO(mode))
		return _("a FIFO");
	if (S_ISSOCK(mode))
		return _("a socket");
	return _("a device");
}

/* Root's, and writable by root alone (a group of root's is no exception). */
static int judge_dir(const struct stat *sb, const char *path, char *err, size_t errlen)
{
	if (sb->st_uid != 0)
		return say_err(err, errlen, -EPERM,
			       _("refusing to run: the directory %s belongs to uid %u, not to root; "
				 "every directory on the way to the state file must be root's "
				 "(chown root, or choose another --state)"),
			       path, (unsigned int)sb->st_uid);
	if ((sb->st_mode & (S_IWGRP | S_IWOTH)) && (sb->st_mode & S_ISVTX))
		return say_err(err, errlen, -EPERM,
			       _("refusing to run: the directory %s is writable by other users than "
				 "root (mode %04o); its sticky bit does not keep them from making "
				 "names that root has not made yet: keep the state where root alone "
				 "may write (as in /run/cabatree)"),
			       path, (unsigned int)(sb->st_mode & 07777));
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		return say_err(err, errlen, -EPERM,
			       _("refusing to run: the directory %s is writable by other users than "
				 "root (mode %04o); every directory on the way to the state file must "
				 "be writable by root alone (chmod go-w, or choose another --state)"),
			       path, (unsigned int)(sb->st_mode & 07777));
	return 0;
}

int state_dir_judge(const struct stat *sb, const char *path, char *err, size_t errlen)
{
	if (!S_ISREG(sb->st_mode))
		return say_err(err, errlen, -EPERM,
			       _("refusing to run: %s is not a regular file but %s; remove it, or "
				 "choose another --state"), path, kind(sb->st_mode));
	if (sb->st_uid != 0)
		return say_err(err, errlen, -EPERM,
			       _("refusing to run: %s belongs to uid %u, not to root; remove it, or "
				 "choose another --state"), path, (unsigned int)sb->st_uid);
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		return say_err(err, errlen, -EPERM,
			       _("refusing to run: %s is writable by other users than root "
				 "(mode %04o); make it root's alone (chmod go-w)"),
			       path, (unsigned int)(sb->st_mode & 07777));
	return 0;
}

/* Why name in dirfd (shown as path) could not be opened as a directory. */
static int not_dir(int dirfd, const char *name, const char *path, int ret,
		   char *err, size_t errlen)
{
	struct stat sb;
	char to[PATH_MAX];
	ssize_t n;

	if ((ret == -ELOOP || ret == -ENOTDIR) &&
	    fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISLNK(sb.st_mode))
			return say_err(err, errlen, -EPERM,
				       _("refusing to run: %s, on the way to the state file, is not "
					 "a directory but %s"), path, kind(sb.st_mode));
		n = readlinkat(dirfd, name, to, sizeof(to) - 1);
		to[n < 0 ? 0 : n] = '\0';
		return say_err(err, errlen, -EPERM,
			       _("refusing to run: %s is a symbolic link (to %s); the way to the "
				 "state file must not go through one, as whoever can change it "
				 "could send root elsewhere: give --state the path it leads to"),
			       path, to);
	}
	return say_err(err, errlen, ret, _("cannot open the directory %s: %s"), path,
		       strerror(-ret));
}

/* The absolute form of file: as it is, or after the working directory. */
static char *absolute(const char *file)
{
	char *cwd, *abs;

	if (file[0] == '/')
		return xstrdup(file);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	abs = xmalloc(strlen(cwd) + strlen(file) + 2);
	sprintf(abs, "%s/%s", cwd, file);
	free(cwd);
	return abs;
}

int state_dir_open(struct state_dir *sd, const char *file, bool create,
		   char *err, size_t errlen)
{
	char *abs, *slash, *tok, *save = NULL, *shown;
	int *fds, fd, ret = 0;
	size_t depth = 0, len;
	struct stat sb;

	memset(sd, 0, sizeof(*sd));
	sd->fd = -1;
	abs = absolute(file);
	if (!abs)
		return say_err(err, errlen, -errno, _("cannot find the working directory: %s"),
			       strerror(errno));
	slash = strrchr(abs, '/');
	if (!slash[1] || strcmp(slash + 1, ".") == 0 || strcmp(slash + 1, "..") == 0) {
		ret = say_err(err, errlen, -EINVAL, _("%s does not name a file"), file);
		free(abs);
		return ret;
	}
	sd->base = xstrdup(slash + 1);
	*slash = '\0';
	len = strlen(abs);
	/* One descriptor per level: ".." goes back to the one before. */
	fds = xcalloc(len / 2 + 2, sizeof(*fds));
	shown = xmalloc(len + 2);
	strcpy(shown, "/");
	fds[0] = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fds[0] < 0 || fstat(fds[0], &sb) < 0) {
		ret = say_err(err, errlen, -errno, _("cannot open the directory %s: %s"), "/",
			      strerror(errno));
		goto out;
	}
	ret = judge_dir(&sb, shown, err, errlen);
	for (tok = strtok_r(abs, "/", &save); !ret && tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (depth) {
				close(fds[depth--]);
				*strrchr(shown, '/') = '\0';
				if (!*shown)
					strcpy(shown, "/");
			}
			continue;
		}
		if (strcmp(shown, "/") != 0)
			strcat(shown, "/");
		strcat(shown, tok);
		fd = openat(fds[depth], tok, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(fds[depth], tok, 0755) < 0 && errno != EEXIST) {
				ret = say_err(err, errlen, -errno,
					      _("cannot create the directory %s: %s"), shown,
					      strerror(errno));
				break;
			}
			fd = openat(fds[depth], tok, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			ret = not_dir(fds[depth], tok, shown, -errno, err, errlen);
			break;
		}
		fds[++depth] = fd;
		if (fstat(fd, &sb) < 0)
			ret = say_err(err, errlen, -errno, _("cannot open the directory %s: %s"),
				      shown, strerror(errno));
		else
			ret = judge_dir(&sb, shown, err, errlen);
	}
	if (ret)
		goto out;
	/* The one kept: readable, for its listing, and for fsync(2). */
	sd->fd = openat(fds[depth], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sd->fd < 0 || fstat(sd->fd, &sb) < 0) {
		ret = say_err(err, errlen, -errno, _("cannot open the directory %s: %s"), shown,
			      strerror(errno));
		goto out;
	}
	sd->dev = (unsigned long long)sb.st_dev;
	sd->ino = (unsigned long long)sb.st_ino;
	sd->path = shown;
	shown = NULL;
out:
	while (fds[0] >= 0 && depth)
		close(fds[depth--]);
	if (fds[0] >= 0)
		close(fds[0]);
	free(fds);
	free(shown);
	free(abs);
	if (ret)
		state_dir_close(sd);
	return ret;
}

void state_dir_close(struct state_dir *sd)
{
	if (sd->fd >= 0)
		close(sd->fd);
	free(sd->path);
	free(sd->base);
	memset(sd, 0, sizeof(*sd));
	sd->fd = -1;
}

char *state_dir_join(const struct state_dir *sd, const char *name)
{
	char *p = xmalloc(strlen(sd->path) + strlen(name) + 2);

	sprintf(p, "%s%s%s", sd->path, strcmp(sd->path, "/") ? "/" : "", name);
	return p;
}

int state_dir_check(const struct state_dir *sd, const char *name, char *err,
		    size_t errlen)
{
	struct stat sb;
	char *path = state_dir_join(sd, name);
	int ret;

	if (fstatat(sd->fd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		ret = errno == ENOENT ? 0 :
		      say_err(err, errlen, -errno, _("cannot check %s: %s"), path, strerror(errno));
	else
		ret = state_dir_judge(&sb, path, err, errlen);
	free(path);
	return ret;
}
