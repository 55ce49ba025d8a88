// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "recorder/backend.h"
#include "recorder/live.h"
#include "xalloc.h"

static long clk_tck(void)
{
	static long hz;

	if (!hz) {
		hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0)
			hz = 100;
	}
	return hz;
}

unsigned long long rec_ns_to_ticks(unsigned long long ns)
{
	return ns / (1000000000ULL / (unsigned long long)clk_tck());
}

unsigned long long rec_now_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return rec_ns_to_ticks((unsigned long long)ts.tv_sec * 1000000000ULL +
			       (unsigned long long)ts.tv_nsec);
}

int rec_stat(int procfd, pid_t pid, unsigned long long *start, pid_t *ppid)
{
	char path[32], buf[1024];
	const char *q;
	int fd, field;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = '\0';
	q = strrchr(buf, ')');
	if (!q || q[1] != ' ')
		return -EBADMSG;
	q += 2;		/* field 3, the state */
	for (field = 3; field < 22; field++) {
		if (field == 4 && ppid)
			*ppid = (pid_t)strtol(q, NULL, 10);
		q = strchr(q, ' ');
		if (!q)
			return -EBADMSG;
		q++;
	}
	*start = strtoull(q, NULL, 10);
	return 0;
}

struct seen {
	pid_t pid, ppid;
	unsigned long long start;
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static const struct seen *find_seen(const struct seen *v, size_t n, pid_t pid)
{
	struct seen key = { .pid = pid };

	return n ? bsearch(&key, v, n, sizeof(*v), cmp_seen) : NULL;
}

struct gone {
	const struct seen *v;
	size_t n;
	unsigned long long before;
	struct born_proc **out;
	size_t nout, cap;
};

static void collect_gone(const struct born_proc *p, void *arg)
{
	struct gone *g = arg;
	const struct seen *s = find_seen(g->v, g->n, p->pid);

	if (s && s->start == p->start)
		return;
	if (p->start >= g->before)
		return;		/* too young to judge: its fork may be queued */
	if (g->nout == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->out = xreallocarray(g->out, g->cap, sizeof(*g->out));
	}
	g->out[g->nout++] = (struct born_proc *)p;
}

/* The procfs directory procfd for readdir(), or NULL with errno set. */
static DIR *open_proc_dir(int procfd)
{
	int fd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return d;
}

int rec_sync(struct born_table *t, int procfd, int add_missing,
	     struct rec_sync_stats *st)
{
	unsigned long long t0 = rec_now_ticks();
	struct seen *v = NULL;
	size_t n = 0, cap = 0, i;
	struct gone g = { 0 };
	struct dirent *de;
	DIR *d;

	memset(st, 0, sizeof(*st));
	d = open_proc_dir(procfd);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		struct seen s = { 0 };

		if (*end || pid <= 0)
			continue;
		s.pid = (pid_t)pid;
		if (rec_stat(procfd, s.pid, &s.start, &s.ppid) < 0)
			continue;	/* gone meanwhile */
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = s;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_seen);

	g.v = v;
	g.n = n;
	g.before = t0 > 0 ? t0 - 1 : 0;
	born_foreach(t, collect_gone, &g);
	for (i = 0; i < g.nout; i++) {
		struct born_proc *p = g.out[i];

		born_release(t, p->pid, p->start);
	}
	st->released = g.nout;
	free(g.out);

	if (add_missing) {
		for (i = 0; i < n; i++) {
			if (!born_find(t, v[i].pid, v[i].start)) {
				born_seed(t, v[i].pid, v[i].start);
				st->added++;
			} else {
				v[i].ppid = -1;	/* known: leave its CABA alone */
			}
		}
		for (i = 0; i < n; i++) {
			const struct seen *par;
			struct born_proc *p;

			if (v[i].ppid < 0)
				continue;
			p = born_find(t, v[i].pid, v[i].start);
			par = find_seen(v, n, v[i].ppid);
			if (p && p->inferred && par)
				born_set_inferred_caba(t, p, born_find(t, par->pid, par->start));
		}
	}
	free(v);
	return 0;
}

/* Does the mountinfo of pid show a procfs with hidepid= (other than 0)? */
static bool mountinfo_hides(int procfd, pid_t pid)
{
	char path[48], line[4096];
	bool hides = false;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%d/mountinfo", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT && errno != ESRCH;	/* unknown: hides */
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return true;
	}
	while (!hides && fgets(line, sizeof(line), f)) {
		/* ... - FSTYPE SOURCE SUPER-OPTIONS */
		const char *sep = strstr(line, " - "), *h;

		if (!sep || strncmp(sep + 3, "proc ", 5) != 0)
			continue;
		for (h = strstr(sep, "hidepid="); h; h = strstr(h + 1, "hidepid=")) {
			if ((h[-1] == ' ' || h[-1] == ',') && strncmp(h + 8, "0", 1) != 0 &&
			    strncmp(h + 8, "off", 3) != 0)
				hides = true;
		}
	}
	fclose(f);
	return hides;
}

int rec_procfs_hides(int procfd)
{
	unsigned long long *seen = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int hides = 0;
	DIR *d;

	d = open_proc_dir(procfd);
	if (!d)
		return -errno;
	while (!hides && (de = readdir(d))) {
		char *end, path[48];
		long pid = strtol(de->d_name, &end, 10);
		struct stat sb;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "%ld/ns/mnt", pid);
		if (fstatat(procfd, path, &sb, 0) < 0) {
			/* Gone meanwhile; not ours to look into: read its mounts then. */
			if (errno != ENOENT && errno != ESRCH)
				hides = mountinfo_hides(procfd, (pid_t)pid);
			continue;
		}
		for (i = 0; i < n && seen[i] != (unsigned long long)sb.st_ino; i++)
			;
		if (i < n)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			seen = xreallocarray(seen, cap, sizeof(*seen));
		}
		seen[n++] = (unsigned long long)sb.st_ino;
		hides = mountinfo_hides(procfd, (pid_t)pid);
	}
	closedir(d);
	free(seen);
	return hides;
}
