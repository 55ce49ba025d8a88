// SPDX-License-Identifier: GPL-2.0-or-later
/* The three sources of records: procfs, procfs with the recorder, snapshot. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nls.h"
#include "procfs.h"
#include "snapshot.h"
#include "source.h"
#include "xalloc.h"

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* ---- procfs, and procfs with the recorder's born tree ---- */

struct procfs_source {
	struct source src;
	struct procfs_scanner *sc;
	bool recorder;		/* lay the recorder's born tree over the scan */
	struct rec_source rs;	/* what the recorder said last */
	bool boot_read;		/* boot_time was read: it does not change */
	long long boot_time;
};

static int procfs_refresh(struct source *src, unsigned int want,
			  struct ct_proclist *out, struct source_report *rep)
{
	struct procfs_source *ps = container_of(src, struct procfs_source, src);
	int dirfd = procfs_scanner_dirfd(ps->sc);
	struct procfs_diag diag = { 0 };
	unsigned int flags = 0;
	long hz;
	int err;

	rep->malformed = rep->hidden = 0;
	rep->recorder = NULL;
	rep->err[0] = '\0';
	if (want & SOURCE_CMDLINE)
		flags |= PROCFS_CMDLINE;
	if (want & SOURCE_THREADS)
		flags |= PROCFS_THREADS;
	if (want & SOURCE_AGAIN)
		flags |= PROCFS_KEEP_OPEN;
	if (want & SOURCE_NS)
		flags |= PROCFS_NS;
	err = procfs_scanner_scan(ps->sc, flags, out, &diag);
	rep->malformed = diag.malformed;
	rep->hidden = diag.hidden;
	if (err < 0) {
		snprintf(rep->err, sizeof(rep->err),
			 _("cannot read the process directory '%s': %s"), src->name,
			 strerror(-err));
		return err;
	}
	if (out->n == 0) {
		snprintf(rep->err, sizeof(rep->err),
			 _("no processes found under '%s': is it a procfs (mount -t proc proc DIR)?"),
			 src->name);
		return diag.malformed ? -EBADMSG : -ENOENT;
	}
	/* A stock kernel: the recorder knows the born tree of a live procfs. */
	if (ps->recorder && recorder_wanted(out)) {
		recorder_apply(dirfd, recorder_state_path(), out, &ps->rs);
		rep->recorder = &ps->rs;
		out->meta.lost_events = ps->rs.meta.lost;
	}
	if (snapshot_now(&out->meta.time) < 0) {
		snprintf(rep->err, sizeof(rep->err),
			 _("SOURCE_DATE_EPOCH is not a number of seconds since 1970: '%s'"),
			 getenv("SOURCE_DATE_EPOCH"));
		return -EDOM;
	}
	if (!ps->boot_read) {
		diag.malformed = 0;
		ps->boot_time = procfs_boot_time(dirfd, src->name, &diag);
		rep->malformed += diag.malformed;
		ps->boot_read = true;
	}
	hz = sysconf(_SC_CLK_TCK);
	snapshot_set_clock(&out->meta, ps->boot_time, hz);
	return 0;
}

static int procfs_fetch_cmdline(struct source *src, struct ct_proc *p)
{
	struct procfs_source *ps = container_of(src, struct procfs_source, src);

	return procfs_scanner_read_cmdline(ps->sc, p);
}

static pid_t procfs_tgid(struct source *src, pid_t tid)
{
	struct procfs_source *ps = container_of(src, struct procfs_source, src);

	return procfs_tgid_of(procfs_scanner_dirfd(ps->sc), tid);
}

/*
 * Signal the process pid started at start, and no other: a pidfd holds it
 * while its start time is checked, so a pid reused meanwhile is not hit.
 */
static int procfs_signal(struct source *src, pid_t pid, unsigned long long start,
			 int sig)
{
	struct procfs_source *ps = container_of(src, struct procfs_source, src);
	int dirfd = procfs_scanner_dirfd(ps->sc);
	struct procfs_light l;
	int pfd = -1, ret;

	/* A copy, or another pid namespace's procfs: its pids are not ours. */
	if (!procfs_is_own(dirfd))
		return -EOPNOTSUPP;
#ifdef SYS_pidfd_open
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0 && errno != ENOSYS)
		return -errno;
#endif
	ret = procfs_light_read(dirfd, pid, &l);
	if (ret == -ENOENT || (ret == 0 && l.start_time != start))
		ret = -ESRCH;
	if (ret == 0) {
#ifdef SYS_pidfd_send_signal
		if (pfd >= 0)
			ret = syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0 ? -errno : 0;
		else
#endif
			ret = kill(pid, sig) < 0 ? -errno : 0;
	}
	if (pfd >= 0)
		close(pfd);
	return ret;
}

static void procfs_source_free(struct source *src)
{
	struct procfs_source *ps = container_of(src, struct procfs_source, src);

	procfs_scanner_free(ps->sc);
	free(ps);
}

static const struct source_ops procfs_ops = {
	.update = procfs_refresh,
	.fetch_cmdline = procfs_fetch_cmdline,
	.tgid_of = procfs_tgid,
	.signal = procfs_signal,
	.free = procfs_source_free,
};

int source_procfs_open(const char *root, struct source **src, char *err,
		       size_t errsz)
{
	struct procfs_source *ps;
	struct procfs_scanner *sc;
	int ret;

	*src = NULL;
	ret = procfs_scanner_open(root, &sc);
	if (ret < 0) {
		snprintf(err, errsz, _("cannot open the process directory '%s': %s"),
			 root, strerror(-ret));
		return ret;
	}
	ps = xcalloc(1, sizeof(*ps));
	ps->src.ops = &procfs_ops;
	ps->src.name = procfs_scanner_root(sc);
	ps->src.live = true;
	ps->src.thread_lists = true;
	ps->sc = sc;
	/* The recorder answers for any live procfs, in its pid namespace. */
	ps->recorder = procfs_is_live(procfs_scanner_dirfd(sc));
	ps->rs.result = REC_ABSENT;
	*src = &ps->src;
	return 0;
}

/* ---- snapshot ---- */

struct snapshot_source {
	struct source src;
	struct snapshot snap;
	char *name;
	bool given;		/* its records went to the first refresh */
	const struct ct_proclist *records;	/* where they went */
};

static int snapshot_refresh(struct source *src, unsigned int want,
			    struct ct_proclist *out, struct source_report *rep)
{
	struct snapshot_source *ss = container_of(src, struct snapshot_source, src);

	(void)want;
	rep->malformed = rep->hidden = 0;
	rep->recorder = NULL;
	rep->err[0] = '\0';
	/* Its processes were checked whole when it was opened: they are all there is. */
	if (ss->given) {
		snprintf(rep->err, sizeof(rep->err), "%s",
			 _("a snapshot is not refreshed: it shows the processes as they were"));
		return -EALREADY;
	}
	snapshot_meta(&ss->snap, ss->name);
	*out = ss->snap.pl;
	memset(&ss->snap.pl, 0, sizeof(ss->snap.pl));
	ss->given = true;
	ss->records = out;
	return 0;
}

static int snapshot_fetch_cmdline(struct source *src, struct ct_proc *p)
{
	(void)src;
	(void)p;
	return -ENODATA;	/* what a snapshot has, its records have */
}

/* The records' process that lists thread tid (the caller still holds them). */
static pid_t snapshot_tgid(struct source *src, pid_t tid)
{
	struct snapshot_source *ss = container_of(src, struct snapshot_source, src);

	return ss->records ? proclist_tgid_of(ss->records, tid) : 0;
}

static void snapshot_name_users(struct source *src, struct users *u)
{
	struct snapshot_source *ss = container_of(src, struct snapshot_source, src);

	snapshot_users(&ss->snap, u);
}

static void snapshot_source_free(struct source *src)
{
	struct snapshot_source *ss = container_of(src, struct snapshot_source, src);

	snapshot_free(&ss->snap);
	free(ss->name);
	free(ss);
}

static const struct source_ops snapshot_ops = {
	.update = snapshot_refresh,
	.fetch_cmdline = snapshot_fetch_cmdline,
	.tgid_of = snapshot_tgid,
	.name_users = snapshot_name_users,
	.free = snapshot_source_free,
};

int source_snapshot_open(const char *path, const char *name, struct source **src,
			 char *err, size_t errsz)
{
	struct snapshot_source *ss = xcalloc(1, sizeof(*ss));
	int ret;

	*src = NULL;
	ret = snapshot_load(path, &ss->snap, err, errsz);
	if (ret < 0) {
		free(ss);
		return ret;
	}
	ss->name = xstrdup(name);
	ss->src.ops = &snapshot_ops;
	ss->src.name = ss->name;
	ss->src.live = false;
	ss->src.focus = ss->snap.focus;
	ss->src.nfocus = ss->snap.nfocus;
	ss->src.thread_lists = ss->snap.thread_lists;
	*src = &ss->src;
	return 0;
}
