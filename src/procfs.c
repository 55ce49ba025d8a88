// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The procfs source. Everything is read relative to one directory fd, so the
 * live /proc, a container's procfs, a copy of /proc and test fixtures are all
 * the same to it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "msg.h"
#include "nls.h"
#include "procfs.h"

/* Larger status or stat files are not procfs files (the messages say 1 MiB). */
#define SMALL_FILE_MAX (1u << 20)
/* The kernel caps arguments at a quarter of the stack limit; stay generous. */
#define CMDLINE_MAX (64u << 20)
/* Not a regular file: an errno value of our own, beyond the kernel's. */
#define EFTYPE 4096

int procfs_open(const char *root)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * Read the open procfs file fd again from its start into sb. A short read
 * of a procfs file is its end: asking again at an offset would make the
 * kernel generate the whole text once more to skip to it.
 */
static ssize_t reread_fd(int fd, struct strbuf *sb, size_t limit)
{
	ssize_t n;

	sb_reset(sb);
	for (;;) {
		size_t want;

		sb_grow(sb, 4096);
		want = sb->cap - sb->len - 1;
		n = pread(fd, sb->s + sb->len, want, (off_t)sb->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		sb->len += (size_t)n;
		sb->s[sb->len] = '\0';
		if (sb->len > limit)
			return -EFBIG;
		if ((size_t)n < want)
			return (ssize_t)sb->len;
	}
}

/*
 * Open the directory dirfd/name, never through a symbolic link. Returns a
 * fd or -errno; -ELOOP for a link, -EFTYPE for anything but a directory.
 */
static int open_dir_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	struct stat st;

	if (fd >= 0)
		return fd;
	if (errno != ENOTDIR && errno != ELOOP)
		return -errno;
	/* O_DIRECTORY says ENOTDIR for a link too: which was it? */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return -ELOOP;
	return -EFTYPE;
}

/*
 * Open the regular file dirfd/path without leaving the tree: no component
 * may be a symbolic link (a copy of /proc could link 1/cmdline to
 * /etc/shadow), and the file must be a regular one (a FIFO would block, a
 * device such as /dev/zero never end). O_NONBLOCK makes opening a FIFO
 * return at once. Returns a fd or -errno; -ELOOP for a link, -EFTYPE for
 * anything but a regular file.
 */
static int open_regular(int dirfd, const char *path)
{
	const char *slash;
	int dfd = dirfd, fd;
	struct stat st;

	while ((slash = strchr(path, '/'))) {
		char part[32];
		size_t n = (size_t)(slash - path);
		int next;

		if (n >= sizeof(part)) {
			next = -ENAMETOOLONG;
		} else {
			memcpy(part, path, n);
			part[n] = '\0';
			next = open_dir_at(dfd, part);
		}
		if (dfd != dirfd)
			close(dfd);
		if (next < 0)
			return next;
		dfd = next;
		path = slash + 1;
	}
	fd = openat(dfd, path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
		    O_CLOEXEC);
	fd = fd < 0 ? -errno : fd;
	if (dfd != dirfd)
		close(dfd);
	if (fd >= 0 && fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (fd >= 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		return -EFTYPE;
	}
	return fd;
}

/* Why a file could not be read, for a message. */
static const char *read_error(ssize_t err, size_t limit)
{
	if (err == -EFBIG)
		return limit > SMALL_FILE_MAX ? _("larger than 64 MiB") :
		       _("larger than 1 MiB");
	if (err == -ELOOP)
		return _("a symbolic link, not followed");
	if (err == -EFTYPE)
		return _("not a regular file");
	return strerror((int)-err);
}

/*
 * Read the whole file at dirfd/path into sb; returns its length or -errno.
 * With keep, the file stays open and *keep is its fd (else -1).
 */
static ssize_t read_file_keep(int dirfd, const char *path, struct strbuf *sb,
			      size_t limit, int *keep)
{
	int fd = open_regular(dirfd, path);
	ssize_t n;

	if (keep)
		*keep = -1;
	if (fd < 0)
		return fd;
	sb_reset(sb);
	n = sb_read_fd(sb, fd, limit);
	if (keep && n >= 0)
		*keep = fd;
	else
		close(fd);
	return n;
}

static ssize_t read_file_at(int dirfd, const char *path, struct strbuf *sb,
			    size_t limit)
{
	return read_file_keep(dirfd, path, sb, limit, NULL);
}

/* Parse a decimal pid_t-sized number at *pp, advancing past it. */
static bool parse_num(const char **pp, const char *end, long long max,
		      long long *out)
{
	const char *p = *pp;
	long long v = 0;

	if (p >= end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9') {
		int d = *p - '0';

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
		p++;
	}
	*pp = p;
	*out = v;
	return true;
}

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The first number of a value; the rest of the line must be more numbers. */
static bool first_id(const char *p, const char *end, pid_t *out)
{
	long long v;

	p = skip_blank(p, end);
	if (!parse_num(&p, end, CT_PID_MAX, &v))
		return false;
	*out = (pid_t)v;
	while ((p = skip_blank(p, end)) < end) {
		if (!parse_num(&p, end, CT_PID_MAX, &v))
			return false;
	}
	return true;
}

/*
 * An NScaba: value saying the CABA was born outside the pid namespace of
 * the procfs: "-" since the per-process kernel series, empty before it.
 */
static bool caba_outside(const char *p, const char *end)
{
	p = skip_blank(p, end);
	if (p < end && *p == '-')
		p = skip_blank(p + 1, end);
	return p == end;
}

/* status escapes a name's newline as \n and its backslash as \\. */
static void set_status_name(struct ct_proc *p, const char *s, const char *end)
{
	char *d = xmalloc((size_t)(end - s) + 1);
	size_t n = 0;

	while (s < end) {
		if (s[0] == '\\' && s + 1 < end && (s[1] == 'n' || s[1] == '\\')) {
			d[n++] = s[1] == 'n' ? '\n' : '\\';
			s += 2;
		} else {
			d[n++] = *s++;
		}
	}
	d[n] = '\0';
	free(p->name);
	p->name = d;
	p->name_len = n;
}

/* The kernel's states are letters (R, S, D, Z, ...); nothing else is shown. */
static bool is_state(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

#define KEY(k) (klen == sizeof(k) - 1 && memcmp(line, k, klen) == 0)

const char *procfs_parse_status(char *buf, size_t len, struct ct_proc *p,
				pid_t *tgid)
{
	char *line = buf, *end = buf + len;
	bool have_tgid = false, have_ppid = false, have_uid = false;
	long long v;

	p->pgid = p->sid = -1;
	p->caba_status = CABA_UNKNOWN;
	p->nthreads = 1;
	while (line < end) {
		char *eol = memchr(line, '\n', (size_t)(end - line));
		char *colon;
		const char *val;
		size_t klen;

		if (!eol)
			eol = end;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon)
			goto next;
		klen = (size_t)(colon - line);
		val = colon + 1;
		switch (line[0]) {
		case 'N':
			if (KEY("Name")) {
				if (val < eol && *val == '\t')
					val++;
				set_status_name(p, val, eol);
			} else if (KEY("NSpgid")) {
				if (!first_id(val, eol, &p->pgid))
					return "NSpgid";
			} else if (KEY("NSpid")) {
				/* Its depth: one id per pid namespace it is in. */
				const char *q = skip_blank(val, eol);

				p->pid_ns_level = 0;
				while (q < eol && parse_num(&q, eol, CT_PID_MAX, &v)) {
					p->pid_ns_level++;
					q = skip_blank(q, eol);
				}
			} else if (KEY("NSsid")) {
				if (!first_id(val, eol, &p->sid))
					return "NSsid";
			} else if (KEY("NScaba")) {
				if (caba_outside(val, eol)) {
					p->caba_status = CABA_OUTSIDE;
					p->caba = 0;
				} else if (first_id(val, eol, &p->caba)) {
					p->caba_status = CABA_KERNEL;
				} else {
					return "NScaba";
				}
			}
			break;
		case 'T':
			if (KEY("Tgid")) {
				if (!first_id(val, eol, tgid) || *tgid <= 0)
					return "Tgid";
				have_tgid = true;
			} else if (KEY("Threads")) {
				const char *q = skip_blank(val, eol);

				if (!parse_num(&q, eol, INT_MAX, &v) ||
				    skip_blank(q, eol) != eol)
					return "Threads";
				p->nthreads = (int)v;
			}
			break;
		case 'S':
			if (KEY("State")) {
				const char *q = skip_blank(val, eol);

				if (q == eol || !is_state(*q))
					return "State";
				p->state = *q;
			}
			break;
		case 'P':
			if (KEY("PPid")) {
				if (!first_id(val, eol, &p->ppid))
					return "PPid";
				have_ppid = true;
			}
			break;
		case 'U':
			if (KEY("Uid")) {
				/* real, effective, saved, filesystem */
				const char *q = skip_blank(val, eol);

				if (!parse_num(&q, eol, CT_UID_MAX, &v))
					return "Uid";
				q = skip_blank(q, eol);
				if (!parse_num(&q, eol, CT_UID_MAX, &v))
					return "Uid";
				p->uid = (uid_t)v;
				have_uid = true;
			}
			break;
		}
next:
		line = eol + 1;
	}
	if (!have_tgid)
		return "Tgid";
	if (!have_ppid)
		return "PPid";
	if (!have_uid)
		return "Uid";
	return NULL;
}

/* A kernel thread, in stat's flags (include/linux/sched.h). */
#define PF_KTHREAD 0x00200000

/* The names proc(5) gives the fields 4 to 22 of stat. */
static const char *const stat_field[] = {
	"ppid", "pgrp", "session", "tty_nr", "tpgid", "flags", "minflt",
	"cminflt", "majflt", "cmajflt", "utime", "stime", "cutime", "cstime",
	"priority", "nice", "num_threads", "itrealvalue", "starttime",
};

/* What parse_stat takes besides the state, pgid, sid and start time. */
enum {
	STAT_NAME = 1 << 0,	/* comm, unless status gave the name already */
	STAT_PPID = 1 << 1,	/* ppid: status gives it when both are read */
};

/* The one parser of stat lines; nothing is allocated without STAT_NAME. */
static const char *parse_stat(const char *buf, size_t len, struct ct_proc *p,
			      unsigned int take)
{
	const char *end = buf + len;
	const char *open = memchr(buf, '(', len);
	const char *close = NULL, *q;
	long long v;
	int field;

	/* The name may hold any byte, ')' included: it ends at the last ')'. */
	for (q = end; q > buf; q--) {
		if (q[-1] == ')') {
			close = q - 1;
			break;
		}
	}
	if (!open || !close || close < open)
		return "comm";
	if ((take & STAT_NAME) && !p->name) {
		p->name = xstrndup(open + 1, (size_t)(close - open - 1));
		p->name_len = (size_t)(close - open - 1);
	}
	q = close + 1;
	if (q >= end || *q != ' ' || q + 1 >= end || !is_state(q[1]))
		return "state";
	p->state = q[1];
	q += 2;
	/* Fields 4 (ppid) to 22 (starttime), separated by one space. */
	for (field = 4; field <= 22; field++) {
		if (q >= end || *q != ' ')
			return stat_field[field - 4];
		q++;
		if (field == 5 || field == 6) {
			/* A process being reaped shows -1 here (state X). */
			bool neg = q < end && *q == '-';

			q += neg;
			if (!parse_num(&q, end, CT_PID_MAX, &v) || (neg && v != 1))
				return field == 5 ? "pgrp" : "session";
			if (field == 5 && p->pgid < 0)
				p->pgid = neg ? -1 : (pid_t)v;
			else if (field == 6 && p->sid < 0)
				p->sid = neg ? -1 : (pid_t)v;
		} else if (field == 22) {
			if (!parse_num(&q, end, LLONG_MAX, &v))
				return "starttime";
			p->start_time = (unsigned long long)v;
		} else if (field == 4 && (take & STAT_PPID)) {
			if (!parse_num(&q, end, CT_PID_MAX, &v))
				return "ppid";
			p->ppid = (pid_t)v;
		} else if (field == 14 || field == 15) {
			if (!parse_num(&q, end, LLONG_MAX / 2, &v))
				return stat_field[field - 4];
			p->cpu_ticks = (field == 14 ? 0 : p->cpu_ticks) + (unsigned long long)v;
		} else if (field == 9) {
			if (!parse_num(&q, end, LLONG_MAX / 10, &v))
				return "flags";
			p->kthread = (v & PF_KTHREAD) != 0;
		} else {
			if (q < end && *q == '-')
				q++;
			if (!parse_num(&q, end, LLONG_MAX / 10, &v))
				return stat_field[field - 4];
		}
	}
	p->has_usage = true;
	/* vsize and rss (23, 24): a line that ends before them has no rss. */
	if (q < end && *q == ' ' && (q++, parse_num(&q, end, LLONG_MAX, &v)) &&
	    q < end && *q == ' ' && (q++, parse_num(&q, end, LLONG_MAX, &v)))
		p->rss_pages = (unsigned long long)v;
	return NULL;
}

const char *procfs_parse_stat(const char *buf, size_t len, struct ct_proc *p)
{
	return parse_stat(buf, len, p, STAT_NAME);
}

static bool vanished(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

static bool hidden(int err)
{
	return err == -EACCES || err == -EPERM;
}

/*
 * A name of digits without leading zeros, as the kernel writes pids: its
 * pid; 0 for any other name; -1 for digits past the largest pid.
 */
static pid_t dir_pid(const char *name)
{
	long long v = 0;
	const char *p = name, *end = name + strlen(name);

	if (*p < '1' || *p > '9' ||
	    strspn(p, "0123456789") != (size_t)(end - p))
		return 0;
	if (!parse_num(&p, end, CT_PID_MAX, &v))
		return -1;
	return (pid_t)v;
}

static int cmp_tid(const void *a, const void *b)
{
	const struct ct_thread *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/*
 * List the threads other than the leader from dirfd/PID/task. Returns 0, or
 * -1 with the message in why when a thread's comm cannot be read for another
 * reason than its thread being gone (a broken copy of /proc).
 */
static int read_threads(int pdir, const char *root_name, struct ct_proc *p,
			struct strbuf *tmp, struct strbuf *why)
{
	char path[64];
	int fd, ret = 0;
	DIR *d;
	struct dirent *de;
	size_t cap = 0;

	fd = open_dir_at(pdir, "task");
	if (fd < 0 && !vanished(fd) && !hidden(fd)) {
		sb_addf(why, _("%s/%d/task: cannot read: %s; process skipped"),
			root_name, p->pid, read_error(fd, SMALL_FILE_MAX));
		return -1;
	}
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		pid_t tid = dir_pid(de->d_name);
		ssize_t n;

		if (tid < 0) {
			sb_addf(why, _("%s/%d/task/%s: not a thread id (1 to %d); process skipped"),
				root_name, p->pid, de->d_name, CT_PID_MAX);
			ret = -1;
			break;
		}
		if (tid == 0 || tid == p->pid)
			continue;
		snprintf(path, sizeof(path), "task/%d/comm", tid);
		n = read_file_at(pdir, path, tmp, SMALL_FILE_MAX);
		if (n < 0 && (hidden((int)n) || vanished((int)n)))
			continue;
		if (n < 0) {
			sb_addf(why, _("%s/%d/%s: cannot read: %s; process skipped"),
				root_name, p->pid, path, read_error(n, SMALL_FILE_MAX));
			ret = -1;
			break;
		}
		if (n > 0 && tmp->s[n - 1] == '\n')
			n--;
		if (p->nthreads_listed == cap) {
			cap = cap ? cap * 2 : 8;
			p->threads = xreallocarray(p->threads, cap, sizeof(*p->threads));
		}
		p->threads[p->nthreads_listed].tid = tid;
		p->threads[p->nthreads_listed].name = xstrndup(tmp->s, (size_t)n);
		p->threads[p->nthreads_listed].name_len = (size_t)n;
		p->nthreads_listed++;
	}
	closedir(d);
	if (p->nthreads_listed > 1)
		qsort(p->threads, p->nthreads_listed, sizeof(*p->threads), cmp_tid);
	return ret;
}

/*
 * Open the directory of pid under dirfd; returns a fd or -errno. Files read
 * through it all belong to one process: once that process is released, they
 * fail with ESRCH even if its pid has gone to another process meanwhile.
 * Read by path one by one, status and stat could come from two processes.
 */
static int open_pid_dir(int dirfd, pid_t pid)
{
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "%d", pid);
	fd = open_dir_at(dirfd, name);
	return fd;
}

/* The inode of the open directory fd, or 0 if unknown. */
static unsigned long long dir_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/*
 * What the scanner keeps of a process between scans, beside its record:
 * how to tell it is still the same one, and its status file held open.
 */
struct pid_entry {
	pid_t pid;
	int status_fd;			/* -1: not held open */
	unsigned long long ino;		/* of its directory (live procfs); 0: unknown */
	unsigned long long start_time;
	bool kthread;			/* what stat said, for a rescan without it */
};

static void entry_close(struct pid_entry *e)
{
	if (e->status_fd >= 0)
		close(e->status_fd);
	e->status_fd = -1;
}

/*
 * The inodes of p's namespaces: each ns/TYPE link reads "TYPE:[inode]".
 * One that cannot be read (another user's process, an older kernel
 * without the type) stays 0, unknown.
 */
static void read_ns(int pdir, struct ct_proc *p)
{
	char path[16], link[64];
	int i;

	for (i = 0; i < NS_COUNT; i++) {
		size_t nl = strlen(ct_ns_name[i]);
		const char *q, *end;
		long long v;
		ssize_t n;

		snprintf(path, sizeof(path), "ns/%s", ct_ns_name[i]);
		n = readlinkat(pdir, path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		end = link + n;
		q = link + nl + 2;
		if ((size_t)n < nl + 4 || memcmp(link, ct_ns_name[i], nl) != 0 ||
		    link[nl] != ':' || link[nl + 1] != '[' || end[-1] != ']' ||
		    !parse_num(&q, end - 1, LLONG_MAX, &v) || q != end - 1 || v <= 0)
			continue;
		p->ns[i] = (unsigned long long)v;
	}
}

/*
 * Read one process. Returns 1 when read, 0 when it is gone, 3 when it may not
 * be read (hidepid=1, permissions), 2 when
 * the directory is a thread's (a copy of /proc may list them; p->ppid then
 * holds its process id), and -1 when a file is malformed (the message is
 * then in why). On a live procfs (live), a file that is not there means
 * the process is gone; in a copy of one, that the copy is broken.
 *
 * ent is what a rescan needs of it (kept only when 1 is returned). On a
 * live procfs, ent->ino is listed_ino, the inode of the directory in the
 * listing, if given (an older process than the one read if the pid was
 * reused in between: a rescan then reads it afresh). known is the same pid
 * in the previous scan, if its directory had the same inode in this scan's
 * listing: its start time is taken, and its open status file moves to ent;
 * then, and when listed_ino is 0, the inode of the directory read is taken.
 */
static int read_proc(int dirfd, const char *root_name, pid_t pid,
		     unsigned long long listed_ino, unsigned int flags,
		     struct pid_entry *known, bool keep, bool live,
		     struct ct_proc *p, struct pid_entry *ent,
		     struct strbuf *tmp, struct strbuf *why)
{
	const unsigned long long *start = known ? &known->start_time : NULL;
	const char *bad = NULL;
	const char *file = "status";
	pid_t tgid = -1;
	ssize_t n = 0;
	int pdir = -1, kfd, ret;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	ent->pid = pid;
	ent->status_fd = -1;
	ent->ino = 0;
	if (known && known->status_fd >= 0) {
		/* Its status file moves to ent, and is closed with it. */
		ent->status_fd = known->status_fd;
		known->status_fd = -1;
		ent->ino = known->ino;
		n = reread_fd(ent->status_fd, tmp, SMALL_FILE_MAX);
		if (n < 0) {
			entry_close(ent);
			if (vanished((int)n))
				return 0;	/* released since readdir */
		}
	}
	if (ent->status_fd < 0) {
		n = pdir = open_pid_dir(dirfd, pid);
		if (pdir < 0)
			file = NULL;	/* the directory itself */
		if (pdir >= 0) {
			if (live)
				ent->ino = known || !listed_ino ? dir_ino(pdir) : listed_ino;
			/* Another process than the known one by now? */
			if (known && ent->ino != known->ino)
				start = NULL;
			n = read_file_keep(pdir, "status", tmp, SMALL_FILE_MAX,
					   keep ? &kfd : NULL);
			if (keep && kfd >= 0)
				ent->status_fd = kfd;
		}
	}
	if (n < 0) {
		if (hidden((int)n))
			goto hidden;
		if (vanished((int)n) && live)
			goto gone;
		bad = read_error(n, SMALL_FILE_MAX);
		goto malformed_file;
	}
	bad = procfs_parse_status(tmp->s, (size_t)n, p, &tgid);
	/*
	 * A process being released is out of its pid namespace already: its
	 * status, still readable, says Tgid: 0 (and Pid: 0, PPid: 0).
	 */
	if (bad && live && tgid == 0)
		goto gone;
	if (bad)
		goto malformed_field;
	if (tgid != pid) {
		proc_free(p);
		entry_close(ent);
		memset(p, 0, sizeof(*p));
		p->ppid = tgid;
		ret = 2;
		goto out;
	}

	/* The same process as before: status said all that stat would. */
	if (start && p->state && p->pgid >= 0 && p->sid >= 0) {
		p->start_time = *start;
		p->kthread = known->kthread;
		if (p->state == 'X')
			goto gone;
		if (!(flags & (PROCFS_CMDLINE | PROCFS_THREADS | PROCFS_NS)))
			goto done;
	} else {
		start = NULL;
	}
	if (pdir < 0) {
		/*
		 * The status file was kept open: the directory opened now is
		 * the same process's only if it has the same inode.
		 */
		pdir = open_pid_dir(dirfd, pid);
		if (pdir < 0 || dir_ino(pdir) != ent->ino)
			goto gone;	/* ended since its status was read */
	}
	if (!start) {
		file = "stat";
		n = read_file_at(pdir, "stat", tmp, SMALL_FILE_MAX);
		if (n < 0) {
			/* Gone between the two reads, or a broken copy of /proc? */
			if (hidden((int)n) || (vanished((int)n) && live))
				goto gone;
			bad = read_error(n, SMALL_FILE_MAX);
			goto malformed_file;
		}
		bad = procfs_parse_stat(tmp->s, (size_t)n, p);
		if (bad)
			goto malformed_field;
		if (p->state == 'X')
			goto gone;	/* being released between our reads */
	}
	if (flags & PROCFS_CMDLINE) {
		n = read_file_at(pdir, "cmdline", tmp, CMDLINE_MAX);
		if (n >= 0) {
			p->cmdline = xstrndup(tmp->s ? tmp->s : "", (size_t)n);
			p->cmdline_len = (size_t)n;
			p->has_cmdline = true;
		} else if (!vanished((int)n) && !hidden((int)n)) {
			/* Not there (a copy without it, or gone) is no arguments. */
			file = "cmdline";
			bad = read_error(n, CMDLINE_MAX);
			goto malformed_file;
		}
	}
	if (flags & PROCFS_NS)
		read_ns(pdir, p);
	if ((flags & PROCFS_THREADS) &&
	    read_threads(pdir, root_name, p, tmp, why) < 0) {
		ret = -1;
		goto fail;
	}
done:
	ent->start_time = p->start_time;
	ent->kthread = p->kthread;
	ret = 1;
	goto out;

malformed_field:
	sb_addf(why, _("%s/%d/%s: missing or malformed field '%s'; process skipped"),
		root_name, pid, file, bad);
	ret = -1;
	goto fail;
malformed_file:
	if (file)
		sb_addf(why, _("%s/%d/%s: cannot read: %s; process skipped"),
			root_name, pid, file, bad);
	else
		sb_addf(why, _("%s/%d: cannot read: %s; process skipped"),
			root_name, pid, bad);
	ret = -1;
	goto fail;
hidden:
	ret = 3;
	goto fail;
gone:
	ret = 0;
fail:
	proc_free(p);
	entry_close(ent);
out:
	if (pdir >= 0)
		close(pdir);
	return ret;
}

/* A thread directory met in the listing: which process it belongs to. */
struct tid_map {
	pid_t tid;
	pid_t tgid;
};

static int cmp_tid_map(const void *a, const void *b)
{
	const struct tid_map *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

static int cmp_pid(const void *a, const void *b)
{
	const struct ct_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/*
 * The 2022 kernel patch printed the id of the thread that forked; ours prints
 * its process. Map a CABA id that is not a listed process to its Tgid.
 */
static void map_thread_cabas(int dirfd, struct ct_proclist *pl,
			     const struct tid_map *listed, size_t nlisted)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		struct ct_proc *p = &pl->v[i];
		struct ct_proc key = { .pid = p->caba };
		pid_t tgid;

		if (p->caba_status != CABA_KERNEL || p->caba <= 0)
			continue;
		struct tid_map tkey = { .tid = p->caba };
		const struct tid_map *th;

		if (bsearch(&key, pl->v, pl->n, sizeof(*pl->v), cmp_pid))
			continue;
		th = nlisted ? bsearch(&tkey, listed, nlisted, sizeof(*listed),
				       cmp_tid_map) : NULL;
		if (th) {
			p->caba = th->tgid;
			continue;
		}
		tgid = procfs_tgid_of(dirfd, p->caba);
		if (tgid > 0)
			p->caba = tgid;
	}
}

/* p's command line, if p is still there; ino is its directory's, or 0. */
static int read_cmdline(int dirfd, unsigned long long ino, struct ct_proc *p)
{
	struct strbuf tmp = STRBUF_INIT;
	struct ct_proc now = { 0 };
	char *cmdline = NULL;
	size_t len;
	ssize_t n;
	int pdir, ret = 0;

	if (p->has_cmdline)
		return 0;
	pdir = open_pid_dir(dirfd, p->pid);
	if (pdir < 0)
		return vanished(pdir) ? -ESRCH : pdir;
	/* On a procfs, another inode is another process that got the pid. */
	if (ino && dir_ino(pdir) != ino) {
		ret = -ESRCH;
		goto out;
	}
	n = read_file_at(pdir, "cmdline", &tmp, CMDLINE_MAX);
	if (n < 0) {
		ret = vanished((int)n) ? -ESRCH : (int)n;
		goto out;
	}
	len = (size_t)n;
	cmdline = xstrndup(tmp.s ? tmp.s : "", len);
	/* In a copy, the same start time is the best proof of the same process. */
	n = read_file_at(pdir, "stat", &tmp, SMALL_FILE_MAX);
	if (n < 0 || procfs_parse_stat(tmp.s, (size_t)n, &now) ||
	    now.start_time != p->start_time) {
		ret = -ESRCH;
		free(cmdline);
		goto out;
	}
	p->cmdline = cmdline;
	p->cmdline_len = len;
	p->has_cmdline = true;
out:
	close(pdir);
	proc_free(&now);
	sb_free(&tmp);
	return ret;
}

long long procfs_boot_time(int dirfd, const char *root_name,
			   struct procfs_diag *diag)
{
	struct strbuf tmp = STRBUF_INIT;
	long long btime = -1, v;
	ssize_t n = read_file_at(dirfd, "stat", &tmp, SMALL_FILE_MAX);
	const char *line = tmp.s, *end;

	if (n < 0 && n != -ENOENT && root_name) {
		ct_say(_("%s/stat: cannot read: %s; boot time unknown"), root_name,
		       read_error(n, SMALL_FILE_MAX));
		diag->malformed++;
	}
	if (n <= 0)
		goto out;
	end = tmp.s + n;
	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));

		if (!eol)
			eol = end;
		if (eol - line > 6 && memcmp(line, "btime ", 6) == 0) {
			const char *q = line + 6;

			if (parse_num(&q, eol, LLONG_MAX, &v) && q == eol)
				btime = v;
			break;
		}
		line = eol + 1;
	}
out:
	sb_free(&tmp);
	return btime;
}

pid_t procfs_tgid_of(int dirfd, pid_t tid)
{
	struct strbuf tmp = STRBUF_INIT;
	struct ct_proc p = { 0 };
	char path[64];
	pid_t tgid = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/status", tid);
	n = read_file_at(dirfd, path, &tmp, SMALL_FILE_MAX);
	if (n < 0 || procfs_parse_status(tmp.s, (size_t)n, &p, &tgid))
		tgid = 0;
	proc_free(&p);
	sb_free(&tmp);
	return tgid;
}

struct procfs_scanner {
	int dirfd;
	char *root_name;
	bool live;			/* a real procfs: inodes name processes */
	struct pid_entry *prev;		/* the last scan's processes, by pid */
	size_t nprev;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct pid_entry *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The entry of pid in v (sorted by pid), or NULL. */
static struct pid_entry *find_entry(struct pid_entry *v, size_t n, pid_t pid)
{
	struct pid_entry key = { .pid = pid };

	return n ? bsearch(&key, v, n, sizeof(*v), cmp_entry) : NULL;
}

static void entries_free(struct pid_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		entry_close(&v[i]);
	free(v);
}

/*
 * How many more status files a scan may open and keep: what the open-file
 * limit leaves beyond a margin and the files prev holds, which stay open
 * until they move to the new scan or prev is freed.
 */
static size_t keep_budget(const struct pid_entry *prev, size_t nprev)
{
	size_t held = 0, i;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	for (i = 0; i < nprev; i++)
		held += prev[i].status_fd >= 0;
	if (rl.rlim_cur == RLIM_INFINITY)
		return SIZE_MAX;
	return rl.rlim_cur > 128 + held ? (size_t)rl.rlim_cur - 128 - held : 0;
}

static struct ct_proc *find_pid(struct ct_proclist *pl, pid_t pid)
{
	return pid > 0 ? proclist_find(pl, pid) : NULL;
}

/* Is the process listed as id (a parent, a CABA) younger than p? */
static bool younger(struct ct_proclist *pl, const struct ct_proc *p, pid_t id)
{
	const struct ct_proc *q = find_pid(pl, id);

	return q && q != p && q->start_time > p->start_time;
}

/*
 * A parent or CABA starts before its child. Listed as starting after it,
 * it is another process that got the pid of one that has ended since p's
 * status was read: p has been reparented meanwhile (or has ended, and its
 * pid has gone to yet another process). Read p's pid again, whole, and
 * keep what is there now if its parent and CABA are not younger than it;
 * drop it otherwise. (Live procfs only: the start times of a copy may be
 * anything.) ents[i], if ents, is what the scanner keeps of pl->v[i].
 */
static void fix_stale_parents(int dirfd, const char *root_name,
			      unsigned int flags, struct ct_proclist *pl,
			      struct pid_entry *ents, struct strbuf *tmp,
			      struct strbuf *why)
{
	bool *drop = NULL;
	size_t i, n = 0;

	for (i = 0; i < pl->n; i++) {
		struct ct_proc *p = &pl->v[i], now;
		struct pid_entry ent;
		int r;

		if (!younger(pl, p, p->ppid) &&
		    !(p->caba_status == CABA_KERNEL && younger(pl, p, p->caba)))
			continue;
		r = read_proc(dirfd, root_name, p->pid, 0,
			      flags & ~PROCFS_KEEP_OPEN, NULL, false, true, &now,
			      &ent, tmp, why);
		sb_reset(why);
		if (r == 1 && !younger(pl, &now, now.ppid) &&
		    !(now.caba_status == CABA_KERNEL && younger(pl, &now, now.caba))) {
			proc_free(p);
			*p = now;
			if (ents) {
				entry_close(&ents[i]);
				ents[i] = ent;
			}
			continue;
		}
		if (r == 1) {
			proc_free(&now);
			entry_close(&ent);
		}
		if (!drop)
			drop = xcalloc(pl->n, sizeof(*drop));
		drop[i] = true;	/* gone too */
	}
	if (!drop)
		return;
	for (i = 0; i < pl->n; i++) {
		if (!drop[i]) {
			if (ents)
				ents[n] = ents[i];
			pl->v[n++] = pl->v[i];
		} else {
			proc_free(&pl->v[i]);
			if (ents)
				entry_close(&ents[i]);
		}
	}
	pl->n = n;
	free(drop);
}

/* A skipped process and why; said in pid order, not in directory order. */
struct bad_proc {
	pid_t pid;
	char *msg;
};

static int cmp_bad(const void *a, const void *b)
{
	const struct bad_proc *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return strcmp(x->msg, y->msg);	/* names that are no pid */
}

/* Keep the message in why for pid, and empty why. */
static void add_bad(struct bad_proc **bad, size_t *n, size_t *cap, pid_t pid,
		    struct strbuf *why)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*bad = xreallocarray(*bad, *cap, sizeof(**bad));
	}
	(*bad)[*n].pid = pid;
	(*bad)[(*n)++].msg = xstrdup(why->s ? why->s : "");
	sb_reset(why);
}

static void say_bad(struct bad_proc *bad, size_t n)
{
	size_t i;

	if (n > 1)
		qsort(bad, n, sizeof(*bad), cmp_bad);
	for (i = 0; i < n; i++) {
		ct_say("%s", bad[i].msg);
		free(bad[i].msg);
	}
	free(bad);
}

/*
 * Read every process under dirfd into out, and what a rescan needs of
 * each into *ents_out (as many, in the same order), unless ents_out is
 * NULL: a scan that no other follows keeps nothing. prev is the previous
 * scan's, on a live procfs: a PID directory with the same inode as in
 * prev belongs to the same process (the inode pins the kernel's struct
 * pid, so a reused pid gets a new one): its start time is taken from
 * prev and stat is not read, and a status file prev holds open is read
 * again with pread() instead of being opened anew (it moves to *ents).
 */
static int scan(int dirfd, const char *root_name, unsigned int flags, bool live,
		struct pid_entry *prev, size_t nprev, struct ct_proclist *out,
		struct pid_entry **ents_out, struct procfs_diag *diag)
{
	struct strbuf tmp = STRBUF_INIT, why = STRBUF_INIT;
	size_t opened = 0, budget = 0;
	struct tid_map *listed = NULL;
	size_t nlisted = 0, listed_cap = 0;
	struct bad_proc *bad = NULL;
	size_t nbad = 0, bad_cap = 0;
	struct pid_entry *ents = NULL;
	size_t ents_cap = 0;
	struct dirent *de;
	int fd = dup(dirfd);
	DIR *d;

	if (ents_out)
		*ents_out = NULL;
	else
		flags &= ~PROCFS_KEEP_OPEN;
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int err = -errno;

		close(fd);
		return err;
	}
	rewinddir(d);
	if (!live)
		nprev = 0;
	else if (flags & PROCFS_KEEP_OPEN)
		budget = keep_budget(prev, nprev);
	for (;;) {
		struct pid_entry *known, one, *ent = &one;
		bool moved;
		pid_t pid;
		int r;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				int err = -errno;

				closedir(d);
				sb_free(&tmp);
				sb_free(&why);
				free(listed);
				say_bad(bad, nbad);
				entries_free(ents, ents ? out->n : 0);
				return err;
			}
			break;
		}
		pid = dir_pid(de->d_name);
		if (pid == 0)
			continue;
		if (pid < 0) {
			/* Digits past the largest pid: never a procfs's. */
			diag->malformed++;
			sb_addf(&why, _("%s/%s: not a process id (1 to %d); skipped"),
				root_name, de->d_name, CT_PID_MAX);
			add_bad(&bad, &nbad, &bad_cap, INT_MAX, &why);
			continue;
		}
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 1024;
			out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
		}
		if (ents_out && out->n == ents_cap) {
			ents_cap = ents_cap ? ents_cap * 2 : 1024;
			ents = xreallocarray(ents, ents_cap, sizeof(*ents));
		}
		if (ents_out)
			ent = &ents[out->n];
		known = find_entry(prev, nprev, pid);
		if (known && !(de->d_ino && known->ino == de->d_ino))
			known = NULL;
		moved = known && known->status_fd >= 0;
		r = read_proc(dirfd, root_name, pid, de->d_ino, flags, known,
			      opened < budget, live, &out->v[out->n], ent,
			      &tmp, &why);
		if (r == 1) {
			opened += ent->status_fd >= 0 && !moved;
			if (!ents_out)
				entry_close(ent);
			out->n++;
		} else if (r == 2) {
			if (nlisted == listed_cap) {
				listed_cap = listed_cap ? listed_cap * 2 : 16;
				listed = xreallocarray(listed, listed_cap, sizeof(*listed));
			}
			listed[nlisted++] = (struct tid_map){
				.tid = pid, .tgid = out->v[out->n].ppid };
		} else if (r == 3) {
			diag->hidden++;
		} else if (r < 0) {
			diag->malformed++;
			add_bad(&bad, &nbad, &bad_cap, pid, &why);
		}
	}
	closedir(d);
	/* Pids are unique in a directory: both sorts give the same order. */
	if (out->n > 1) {
		qsort(out->v, out->n, sizeof(*out->v), cmp_pid);
		if (ents)
			qsort(ents, out->n, sizeof(*ents), cmp_entry);
	}
	if (live)
		fix_stale_parents(dirfd, root_name, flags, out, ents, &tmp, &why);
	if (nlisted > 1)
		qsort(listed, nlisted, sizeof(*listed), cmp_tid_map);
	map_thread_cabas(dirfd, out, listed, nlisted);
	free(listed);
	sb_free(&tmp);
	sb_free(&why);
	say_bad(bad, nbad);
	if (ents_out)
		*ents_out = ents;
	return 0;
}

/* Inodes identify processes only on a procfs, not in a copy of one. */
static bool is_live(int dirfd)
{
	struct statfs sf;

	return fstatfs(dirfd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

int procfs_scan(int dirfd, const char *root_name, unsigned int flags,
		struct ct_proclist *out, struct procfs_diag *diag)
{
	return scan(dirfd, root_name, flags, is_live(dirfd), NULL, 0, out, NULL, diag);
}

int procfs_scanner_open(const char *root, struct procfs_scanner **out)
{
	struct procfs_scanner *sc;
	int fd = procfs_open(root);

	*out = NULL;
	if (fd < 0)
		return fd;
	sc = xcalloc(1, sizeof(*sc));
	sc->dirfd = fd;
	sc->root_name = xstrdup(root);
	sc->live = is_live(fd);
	*out = sc;
	return 0;
}

void procfs_scanner_free(struct procfs_scanner *sc)
{
	if (!sc)
		return;
	entries_free(sc->prev, sc->nprev);
	close(sc->dirfd);
	free(sc->root_name);
	free(sc);
}

int procfs_scanner_dirfd(const struct procfs_scanner *sc)
{
	return sc->dirfd;
}

const char *procfs_scanner_root(const struct procfs_scanner *sc)
{
	return sc->root_name;
}

int procfs_scanner_scan(struct procfs_scanner *sc, unsigned int flags,
			struct ct_proclist *out, struct procfs_diag *diag)
{
	struct pid_entry *ents;
	bool again = flags & PROCFS_KEEP_OPEN;
	int ret;

	ret = scan(sc->dirfd, sc->root_name, flags, sc->live, sc->prev, sc->nprev,
		   out, again ? &ents : NULL, diag);
	if (ret < 0)
		return ret;
	if (!again)
		ents = NULL;
	/* What did not move to this scan is closed now. */
	entries_free(sc->prev, sc->nprev);
	sc->prev = ents;
	sc->nprev = ents ? out->n : 0;
	return 0;
}

int procfs_scanner_read_cmdline(struct procfs_scanner *sc, struct ct_proc *p)
{
	const struct pid_entry *e = find_entry(sc->prev, sc->nprev, p->pid);

	if (p->has_cmdline)
		return 0;
	return read_cmdline(sc->dirfd, e && e->start_time == p->start_time ? e->ino : 0, p);
}

size_t procfs_scanner_held(const struct procfs_scanner *sc)
{
	size_t i, n = 0;

	for (i = 0; i < sc->nprev; i++)
		n += sc->prev[i].status_fd >= 0;
	return n;
}

/* ---- light reads: a few fields of one process, for the recorder and the demo ---- */

const char *procfs_parse_stat_light(const char *buf, size_t len,
				    struct procfs_light *l)
{
	struct ct_proc p = { .pgid = -1, .sid = -1 };
	const char *bad = parse_stat(buf, len, &p, STAT_PPID);
	const char *open = memchr(buf, '(', len), *close = buf + len;
	size_t n;

	if (bad)
		return bad;
	l->ppid = p.ppid;
	l->pgid = p.pgid;
	l->sid = p.sid;
	l->state = p.state;
	l->start_time = p.start_time;
	/* The name, between the first '(' and the last ')' (parse_stat found both). */
	while (close[-1] != ')')
		close--;
	n = (size_t)(close - 1 - open - 1);
	if (n > sizeof(l->comm) - 1)
		n = sizeof(l->comm) - 1;
	memcpy(l->comm, open + 1, n);
	l->comm[n] = '\0';
	return NULL;
}

int procfs_light_read(int dirfd, pid_t pid, struct procfs_light *l)
{
	char path[32], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* One read: a procfs file generated anew for a second one could differ. */
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	if (procfs_parse_stat_light(buf, (size_t)n, l))
		return -EBADMSG;
	l->pid = pid;
	return 0;
}

static int cmp_light(const void *a, const void *b)
{
	const struct procfs_light *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int procfs_light_scan(int dirfd, struct procfs_light **out, size_t *nout)
{
	struct procfs_light *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int fd = dup(dirfd), err = 0;
	DIR *d;

	*out = NULL;
	*nout = 0;
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		close(fd);
		return err;
	}
	rewinddir(d);
	for (;;) {
		pid_t pid;

		errno = 0;
		de = readdir(d);
		if (!de) {
			err = -errno;
			break;
		}
		pid = dir_pid(de->d_name);
		if (pid <= 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (procfs_light_read(dirfd, pid, &v[n]) == 0)
			n++;		/* else gone meanwhile */
	}
	closedir(d);
	if (err < 0) {
		free(v);
		return err;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_light);
	*out = v;
	*nout = n;
	return 0;
}

int procfs_mnt_ns(int dirfd, pid_t pid, unsigned long long *ino)
{
	char path[48];
	struct stat sb;

	snprintf(path, sizeof(path), "%d/ns/mnt", (int)pid);
	if (fstatat(dirfd, path, &sb, 0) < 0)
		return -errno;
	*ino = (unsigned long long)sb.st_ino;
	return 0;
}

int procfs_open_mountinfo(int dirfd, pid_t pid)
{
	char path[48];
	int fd;

	snprintf(path, sizeof(path), "%d/mountinfo", (int)pid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

bool procfs_self_has_caba(int dirfd)
{
	struct strbuf tmp = STRBUF_INIT;
	struct ct_proc p = { 0 };
	pid_t tgid;
	ssize_t n = read_file_at(dirfd, "self/status", &tmp, SMALL_FILE_MAX);
	bool yes = false;

	if (n > 0) {
		procfs_parse_status(tmp.s, (size_t)n, &p, &tgid);
		yes = p.caba_status != CABA_UNKNOWN;
	}
	proc_free(&p);
	sb_free(&tmp);
	return yes;
}

pid_t procfs_self_pid(int dirfd)
{
	char buf[32];
	ssize_t n = readlinkat(dirfd, "self", buf, sizeof(buf) - 1);
	const char *q = buf;
	long long v;

	if (n <= 0)
		return -1;
	if (!parse_num(&q, buf + n, CT_PID_MAX, &v) || q != buf + n)
		return -1;
	return (pid_t)v;
}

ssize_t procfs_self_exe(int dirfd, char *buf, size_t size)
{
	ssize_t n;

	if (size < 2)
		return -ENAMETOOLONG;
	n = readlinkat(dirfd, "self/exe", buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n == size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return n;
}

unsigned long long procfs_pid_ns(int dirfd)
{
	struct stat sb;

	if (fstatat(dirfd, "self/ns/pid", &sb, 0) < 0)
		return 0;
	return (unsigned long long)sb.st_ino;
}

bool procfs_is_live(int dirfd)
{
	return is_live(dirfd);
}

bool procfs_is_own(int dirfd)
{
	return is_live(dirfd) && procfs_self_pid(dirfd) == getpid();
}

int procfs_nspid(int dirfd, pid_t pid, long long *ids, int max)
{
	struct strbuf tmp = STRBUF_INIT;
	char path[48];
	const char *l;
	int n = -1;

	snprintf(path, sizeof(path), "%d/status", (int)pid);
	if (read_file_at(dirfd, path, &tmp, SMALL_FILE_MAX) > 0 &&
	    (l = strstr(tmp.s, "\nNSpid:"))) {
		l += strlen("\nNSpid:");
		for (n = 0; n < max;) {
			char *end;
			long long x;

			while (*l == ' ' || *l == '\t')
				l++;
			if (*l < '0' || *l > '9')
				break;
			errno = 0;
			x = strtoll(l, &end, 10);
			if (errno || x > CT_PID_MAX) {
				n = -1;
				break;
			}
			ids[n++] = x;
			l = end;
		}
	}
	sb_free(&tmp);
	return n;
}

/* pid's pid namespace, when the procfs shows pid in its own (NSpid: one pid). */
static unsigned long long pid_ns_if_own(int dirfd, pid_t pid)
{
	char path[48];
	struct stat sb;
	long long ids[2];

	if (procfs_nspid(dirfd, pid, ids, 2) != 1)
		return 0;
	snprintf(path, sizeof(path), "%d/ns/pid", (int)pid);
	if (fstatat(dirfd, path, &sb, 0) < 0)
		return 0;
	return (unsigned long long)sb.st_ino;
}

unsigned long long procfs_root_pid_ns(int dirfd, const struct ct_proclist *pl)
{
	unsigned long long ino;
	size_t i;

	if (!is_live(dirfd))
		return 0;
	if (procfs_is_own(dirfd))
		return procfs_pid_ns(dirfd);
	/*
	 * Another procfs (a container's, seen from outside): its init is in
	 * its namespace by definition; else any process whose NSpid: lists
	 * one pid, the one in this procfs's namespace. A process of a nested
	 * namespace is listed too, but has more, and its ns/pid is that one's.
	 */
	ino = pid_ns_if_own(dirfd, 1);
	for (i = 0; !ino && pl && i < pl->n; i++)
		ino = pid_ns_if_own(dirfd, pl->v[i].pid);
	return ino;
}
