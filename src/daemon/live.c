// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "daemon/backend.h"
#include "daemon/live.h"
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
	struct procfs_light l;
	int err = procfs_light_read(procfd, pid, &l);

	if (err < 0)
		return err;
	*start = l.start_time;
	if (ppid)
		*ppid = l.ppid;
	return 0;
}

static const struct procfs_light *find_seen(const struct procfs_light *v, size_t n,
					   pid_t pid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].pid == pid)
			return &v[mid];
		if (v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct gone {
	const struct procfs_light *v;
	size_t n;
	unsigned long long before;
	struct born_proc **out;
	size_t nout, cap;
};

static void collect_gone(const struct born_proc *p, void *arg)
{
	struct gone *g = arg;
	const struct procfs_light *s = find_seen(g->v, g->n, p->pid);

	if (s && s->start_time == p->start)
		return;
	if (p->start >= g->before)
		return;		/* too young to judge: its fork may be queued */
	if (g->nout == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->out = xreallocarray(g->out, g->cap, sizeof(*g->out));
	}
	g->out[g->nout++] = (struct born_proc *)p;
}

/*
 * ---- What an inferred CABA may hide ----
 *
 * A process seen running when the recorder starts (or found later, its
 * fork missed) takes its parent of the moment as its CABA. That guess can
 * only be wrong where the process was reparented, and a process is only
 * ever reparented to a reaper: the init of its pid namespace, or a child
 * subreaper (prctl PR_SET_CHILD_SUBREAPER) above it. So a process whose
 * parent is no reaper was created by that parent, which is alive: its
 * CABA, as good as witnessed. The exception is a CLONE_PARENT child: its
 * creator gave it its own parent, which it did not create; a guess cannot
 * see that, and a witnessed fork can (eBPF: the connector cannot either).
 *
 * A parent is taken as a reaper (from_reaper: the guess may hide a
 * reparenting) when it is pid 1 or the init of another pid namespace
 * (NSpid: ends in 1), a child subreaper (where the backend can tell:
 * /proc does not show it), or it has a child older than itself, which it
 * can only have adopted (a parent that started after the child is one).
 * What cannot be told (a parent not in /proc, a status not read) counts
 * as a reaper. A process whose parent is the idle task (ppid 0: pid 1,
 * kthreadd) has its CABA by definition: none.
 */

static struct rec_backend *reaper_src;

void rec_subreapers_from(struct rec_backend *b)
{
	reaper_src = b;
}

/* What is known while judging parents: the subreapers, asked for once. */
struct judge {
	int procfd;
	bool fetched;
	struct rec_task *sub;
	size_t nsub;
};

static bool is_subreaper(struct judge *j, pid_t pid, unsigned long long start)
{
	size_t lo = 0, hi;

	if (!j->fetched) {
		j->fetched = true;
		if (!reaper_src || !reaper_src->subreapers ||
		    reaper_src->subreapers(reaper_src, &j->sub, &j->nsub) < 0) {
			free(j->sub);
			j->sub = NULL;
			j->nsub = 0;
		}
	}
	for (hi = j->nsub; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (j->sub[mid].pid == pid)
			return j->sub[mid].start == start;
		if (j->sub[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * Is pid the init of a pid namespace: does its NSpid: line end in 1?
 * 1 or 0; -1 when it cannot be told.
 */
static int ns_init(int procfd, pid_t pid)
{
	long long ids[33];	/* pid namespaces nest 32 deep at most */
	int n = procfs_nspid(procfd, pid, ids, 33);

	/* The last id, the one in the innermost namespace. */
	return n <= 0 ? -1 : ids[n - 1] == 1;
}

/*
 * Has pid (started at start) a child older than itself, which it must
 * have adopted? Its threads' children files say whom it has; true when
 * they cannot be read (not known).
 */
static bool adopted_any(int procfd, pid_t pid, unsigned long long start)
{
	struct strbuf sb = STRBUF_INIT;
	struct dirent *de;
	char path[48];
	bool adopted = false;
	int dfd, fd;
	DIR *d;

	snprintf(path, sizeof(path), "%d/task", (int)pid);
	dfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return true;
	}
	while (!adopted && (de = readdir(d))) {
		const char *p;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    strlen(de->d_name) > 12)
			continue;
		snprintf(path, sizeof(path), "%s/children", de->d_name);
		fd = openat(dirfd(d), path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		sb_reset(&sb);
		if (fd < 0 || sb_read_fd(&sb, fd, 1 << 20) < 0) {
			/*
			 * A thread that is gone has no children to tell of;
			 * one there without the file (a kernel without
			 * CONFIG_PROC_CHILDREN) cannot say.
			 */
			adopted = fd >= 0 || errno != ENOENT ||
				  faccessat(dirfd(d), de->d_name, F_OK, 0) == 0;
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		for (p = sb.s; *p && !adopted;) {
			unsigned long long cstart;
			char *end;
			long kid = strtol(p, &end, 10);

			if (end == p)
				break;
			p = end + strspn(end, " \n");
			if (kid > 0 && kid <= INT_MAX && rec_stat(procfd, (pid_t)kid, &cstart, NULL) == 0)
				adopted = cstart < start;
		}
	}
	closedir(d);
	sb_free(&sb);
	return adopted;
}

/* Was the parent par (in the table) a reaper for a child started at start? */
static bool reaper_now(struct judge *j, const struct born_proc *par,
		       unsigned long long start)
{
	if (par->pid == 1 || par->start > start || is_subreaper(j, par->pid, par->start))
		return true;
	return ns_init(j->procfd, par->pid) != 0 || adopted_any(j->procfd, par->pid, par->start);
}

/*
 * The same for the parent v[k] of a scan, adopted if a child in the scan
 * is older; verdict[k] keeps the answer (0: not judged yet, 1: a
 * reaper, 2: not).
 */
static bool reaper_in_scan(struct judge *j, const struct procfs_light *v, size_t k,
			   const bool *adopted, unsigned char *verdict)
{
	if (!verdict[k]) {
		bool r = v[k].pid == 1 || adopted[k] ||
			 is_subreaper(j, v[k].pid, v[k].start_time) ||
			 ns_init(j->procfd, v[k].pid) != 0;

		verdict[k] = r ? 1 : 2;
	}
	return verdict[k] == 1;
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
	struct procfs_light *v;
	size_t n, i;
	struct gone g = { 0 };
	int err;

	memset(st, 0, sizeof(*st));
	err = procfs_light_scan(procfd, &v, &n);
	if (err < 0)
		return err;

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
		struct judge j = { .procfd = procfd };
		bool *fresh = xcalloc(n + 1, sizeof(*fresh)), *adopted = xcalloc(n + 1, 1);
		unsigned char *verdict = xcalloc(n + 1, 1);

		for (i = 0; i < n; i++) {
			const struct procfs_light *par = find_seen(v, n, v[i].ppid);

			if (par && v[i].ppid > 0 && v[i].start_time < par->start_time)
				adopted[par - v] = true;
			struct born_proc *p = born_find(t, v[i].pid, v[i].start_time);

			if (!p) {
				p = born_seed(t, v[i].pid, v[i].start_time);
				fresh[i] = true;
				st->added++;
			}
			/* Its name, from the line read anyway: for the lineage. */
			if (!p->comm[0])
				born_set_comm(p, v[i].comm, strlen(v[i].comm));
		}
		for (i = 0; i < n; i++) {
			const struct procfs_light *par;
			struct born_proc *p = born_find(t, v[i].pid, v[i].start_time);

			if (!p || !p->inferred)
				continue;	/* witnessed or defined: as it is */
			if (v[i].ppid == 0) {
				/* pid 1 and kthreadd (also known from an older state). */
				born_set_defined(t, p);
				continue;
			}
			if (!fresh[i])
				continue;	/* known: leave its CABA alone */
			par = find_seen(v, n, v[i].ppid);
			if (!par)
				born_set_inferred(t, p, NULL, true);
			else
				born_set_inferred(t, p, born_find(t, par->pid, par->start_time),
						  reaper_in_scan(&j, v, (size_t)(par - v),
								 adopted, verdict));
		}
		free(fresh);
		free(adopted);
		free(verdict);
		free(j.sub);
	}
	free(v);
	return 0;
}

void rec_reap(struct born_table *t, int procfd, long long now_ms,
	      unsigned int first_ms, struct rec_sync_stats *st)
{
	struct born_proc *p, *nx;

	memset(st, 0, sizeof(*st));
	for (p = t->exited; p; p = nx) {
		unsigned long long start;

		nx = p->xnext;
		if (!p->check_at) {
			p->check_at = now_ms + first_ms;
			p->check_wait = first_ms;
		}
		if (p->check_at > now_ms)
			continue;
		if (rec_stat(procfd, p->pid, &start, NULL) == 0 && start == p->start) {
			/* A zombie, or its threads live on: look again, less often. */
			p->check_wait = p->check_wait ? p->check_wait * 2 : REC_REAP_MIN_MS;
			if (p->check_wait > REC_REAP_MAX_MS)
				p->check_wait = REC_REAP_MAX_MS;
			p->check_at = now_ms + p->check_wait;
			continue;
		}
		/* Gone, or its pid is another process's: it was released. */
		born_release(t, p->pid, p->start);
		st->released++;
	}
}

/* Does the mountinfo text in fd show a procfs with hidepid= (other than 0)? */
static bool mountinfo_hides(int fd)
{
	char line[4096];
	bool hides = false;
	FILE *f;

	fd = dup(fd);
	if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		if (fd >= 0)
			close(fd);
		return true;		/* unknown: hides */
	}
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
	if (ferror(f))
		hides = true;
	fclose(f);
	return hides;
}

int rec_watch_init(struct rec_watch *w, int procfd)
{
	struct rlimit rl;

	memset(w, 0, sizeof(*w));
	w->procfd = procfd;
	w->gen = 1;
	/* One descriptor per mount namespace: a container host has many. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	return w->epfd < 0 ? -errno : 0;
}

void rec_watch_free(struct rec_watch *w)
{
	size_t i;

	for (i = 0; i < w->nns; i++) {
		if (w->ns[i].fd >= 0)
			close(w->ns[i].fd);
	}
	free(w->ns);
	if (w->dir)
		closedir(w->dir);
	if (w->epfd >= 0)
		close(w->epfd);
	memset(w, 0, sizeof(*w));
	w->epfd = -1;
}

/* The index of the namespace ino in w->ns, or where it would go. */
static size_t ns_index(const struct rec_watch *w, unsigned long long ino)
{
	size_t lo = 0, hi = w->nns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->ns[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Hold the mountinfo of pid open for ns: it says when the namespace's
 * mounts change (POLLPRI), so that they are read again then and only
 * then. False if pid is gone.
 */
static bool ns_open(struct rec_watch *w, struct rec_ns *ns, pid_t pid)
{
	struct epoll_event ev = { .events = EPOLLPRI, .data.u64 = ns->ino };
	int fd = procfs_open_mountinfo(w->procfd, pid);

	ns->fd = fd < 0 ? -1 : fd;
	ns->watched = false;
	if (fd == -ENOENT || fd == -ESRCH)
		return false;
	if (ns->fd >= 0)
		ns->watched = epoll_ctl(w->epfd, EPOLL_CTL_ADD, ns->fd, &ev) == 0;
	/* Not to be looked into: counts as hiding. */
	ns->hides = ns->fd < 0 || mountinfo_hides(ns->fd);
	w->changed = true;
	return true;
}

/* The namespace ino, known now, seen in this pass; pid is a process in it. */
static void ns_seen(struct rec_watch *w, pid_t pid, unsigned long long ino)
{
	size_t i = ns_index(w, ino);
	struct rec_ns *ns, fresh = { .ino = ino, .gen = w->gen };

	if (i < w->nns && w->ns[i].ino == ino) {
		ns = &w->ns[i];
		if (ns->fd < 0) {
			/* Another process of it may let its mounts be read. */
			ns_open(w, ns, pid);
		} else if (ns->gen != w->gen && !ns->watched) {
			/* Not to be watched: read again once a pass. */
			ns->hides = mountinfo_hides(ns->fd);
			w->changed = true;
		}
		ns->gen = w->gen;
		return;
	}
	/* Gone already: if its namespace is in use, the pass finds it. */
	if (!ns_open(w, &fresh, pid))
		return;
	if (w->nns == w->capns) {
		w->capns = w->capns ? w->capns * 2 : 16;
		w->ns = xreallocarray(w->ns, w->capns, sizeof(*w->ns));
	}
	memmove(&w->ns[i + 1], &w->ns[i], (w->nns - i) * sizeof(*w->ns));
	w->ns[i] = fresh;
	w->nns++;
}

/*
 * The mount namespace of pid: 1 and its inode in *ino, 0 if gone, -1 if
 * it is not to be looked into (its mounts may be: they are watched as
 * those of a namespace of its own).
 */
static int ns_of(const struct rec_watch *w, pid_t pid, unsigned long long *ino)
{
	int err = procfs_mnt_ns(w->procfd, pid, ino);

	if (err == 0)
		return 1;
	/* A zombie has none. */
	return err == -ENOENT || err == -ESRCH ? 0 : -1;
}

void rec_watch_note(struct rec_watch *w, pid_t pid, unsigned long long ino)
{
	if (!ino) {
		switch (ns_of(w, pid, &ino)) {
		case 0:
			return;		/* gone already */
		case -1:
			ino = REC_NS_OPAQUE | (unsigned int)pid;
			break;
		}
	}
	ns_seen(w, pid, ino);
}

bool rec_watch_wait(struct rec_watch *w, int timeout_ms)
{
	struct epoll_event ev[16];
	int n, i;

	/* The event is taken by the wait that returns it: handle it here. */
	while ((n = epoll_wait(w->epfd, ev, 16, timeout_ms)) > 0) {
		for (i = 0; i < n; i++) {
			size_t k = ns_index(w, ev[i].data.u64);

			if (!ev[i].data.u64)
				continue;	/* the events' descriptor (rec_watch_arm) */
			if (k < w->nns && w->ns[k].ino == ev[i].data.u64 && w->ns[k].fd >= 0)
				w->ns[k].hides = mountinfo_hides(w->ns[k].fd);
		}
		for (i = 0; i < n && !ev[i].data.u64; i++)
			;
		if (i < n)
			w->changed = true;
		if (n < 16)
			break;
		timeout_ms = 0;
	}
	return w->changed;
}

int rec_watch_arm(struct rec_watch *w, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 0 };

	if (epoll_ctl(w->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
		return 0;
	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

long long rec_reap_due(const struct born_table *t)
{
	const struct born_proc *p;
	long long due = 0;

	for (p = t->exited; p; p = p->xnext) {
		if (!due || p->check_at < due)
			due = p->check_at;
	}
	return due;
}

bool rec_watch_hides(const struct rec_watch *w)
{
	size_t i;

	for (i = 0; i < w->nns; i++) {
		if (w->ns[i].hides)
			return true;
	}
	return false;
}

struct unswept {
	unsigned int gen;
	unsigned long long before;
	struct born_proc **out;
	size_t nout, cap;
};

static void collect_unswept(const struct born_proc *p, void *arg)
{
	struct unswept *u = arg;

	if (p->sweep == u->gen || p->start >= u->before)
		return;
	if (u->nout == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 64;
		u->out = xreallocarray(u->out, u->cap, sizeof(*u->out));
	}
	u->out[u->nout++] = (struct born_proc *)p;
}

/*
 * A pass is over: what it did not see in /proc and /proc does not show
 * with its start time now is gone; a namespace no process of it used is
 * no longer watched.
 */
static void end_pass(struct rec_watch *w, struct born_table *t,
		     struct rec_sync_stats *st)
{
	struct unswept u = { .gen = w->gen, .before = w->before };
	size_t i, keep = 0;

	if (t) {
		born_foreach(t, collect_unswept, &u);
		for (i = 0; i < u.nout; i++) {
			struct born_proc *p = u.out[i];
			unsigned long long start;

			if (rec_stat(w->procfd, p->pid, &start, NULL) == 0 && start == p->start)
				continue;
			born_release(t, p->pid, p->start);
			st->released++;
		}
		free(u.out);
	}
	for (i = 0; i < w->nns; i++) {
		if (w->ns[i].gen == w->gen) {
			w->ns[keep++] = w->ns[i];
			continue;
		}
		if (w->ns[i].fd >= 0)
			close(w->ns[i].fd);	/* leaves the epoll set with it */
		w->changed = true;
	}
	w->nns = keep;
	w->gen++;
	w->passes++;
}

/* One process of a pass: in the table (or added to it), its namespace seen. */
static void sweep_one(struct rec_watch *w, struct born_table *t, pid_t pid,
		      struct judge *j, struct rec_sync_stats *st)
{
	unsigned long long ino;

	if (t) {
		struct born_proc *p = born_find_pid(t, pid);

		if (p) {
			p->sweep = w->gen;
		} else {
			struct procfs_light l;

			/* Unknown: a fork that was missed, unless it is still queued. */
			if (procfs_light_read(w->procfd, pid, &l) == 0 && l.start_time < w->before) {
				struct born_proc *par = l.ppid > 0 ? born_find_pid(t, l.ppid) : NULL;

				p = born_seed(t, pid, l.start_time);
				p->sweep = w->gen;
				born_set_comm(p, l.comm, strlen(l.comm));
				if (l.ppid == 0)
					born_set_defined(t, p);
				else
					born_set_inferred(t, p, par,
							  !par || reaper_now(j, par, l.start_time));
				st->added++;
			}
		}
	}
	switch (ns_of(w, pid, &ino)) {
	case 1:
		ns_seen(w, pid, ino);
		break;
	case -1:
		ns_seen(w, pid, REC_NS_OPAQUE | (unsigned int)pid);
		break;
	}
}

int rec_sweep(struct rec_watch *w, struct born_table *t, size_t max,
	      struct rec_sync_stats *st)
{
	struct judge j = { .procfd = w->procfd };
	struct dirent *de;
	size_t n = 0;

	memset(st, 0, sizeof(*st));
	if (!w->dir) {
		w->dir = open_proc_dir(w->procfd);
		if (!w->dir)
			return -errno;
		/* Processes that start from now on are not judged by this pass. */
		w->before = rec_now_ticks();
		w->before = w->before > 0 ? w->before - 1 : 0;
	}
	while (!max || n < max) {
		char *end;
		long pid;

		errno = 0;
		de = readdir(w->dir);
		if (!de && errno) {
			int err = errno;

			/* Half a pass proves nothing: the next one starts over. */
			closedir(w->dir);
			w->dir = NULL;
			free(j.sub);
			return -err;
		}
		if (!de)
			break;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		sweep_one(w, t, (pid_t)pid, &j, st);
		n++;
	}
	free(j.sub);
	if (max && n == max)
		return 0;
	closedir(w->dir);
	w->dir = NULL;
	end_pass(w, t, st);
	return 0;
}

void rec_reap_now(struct born_table *t, int procfd, struct rec_sync_stats *st)
{
	struct born_proc *p, *nx;
	unsigned long long start;

	memset(st, 0, sizeof(*st));
	for (p = t->exited; p; p = nx) {
		nx = p->xnext;
		if (rec_stat(procfd, p->pid, &start, NULL) == 0 && start == p->start)
			continue;	/* a zombie still: its next look stays as planned */
		born_release(t, p->pid, p->start);
		st->released++;
	}
}
