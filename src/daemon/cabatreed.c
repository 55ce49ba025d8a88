// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cabatreed: records the born (CABA) tree on kernels without CABA and keeps
 * it in a state file for cabatree. Runs as root, in the foreground.
 */
#include "config.h"

#include <argp.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "daemon/backend.h"
#include "daemon/live.h"
#include "daemon/privs.h"
#include "daemon/query.h"
#include "daemon/statedir.h"
#include "msg.h"
#include "nls.h"
#include "procfs.h"
#include "recorder/born.h"
#include "recorder/proto.h"
#include "recorder/state.h"
#include "xalloc.h"

const char *argp_program_version = "cabatreed (" PACKAGE_STRING ")";

#define SAVE_BATCH_MS 20	/* events that come together are written together... */
#define SAVE_MS 50		/* ...and none stays unsaved longer than this... */
#define SAVE_SHARE 100		/* ...unless writing takes long: then 100 times its CPU, */
#define SAVE_MAX_MS 1000	/* up to a second (the eBPF ring must not fill) */
#define SYNC_MS 1000		/* how often a slice of /proc is compared with the table */
#define SWEEP_SLICE 256		/* processes per slice: the cost, whatever their number */
#define MAX_RELEASED_LIMIT 10000000	/* --max-released at most */
#define TIMER_SLACK_MS 50	/* what is due this soon is done now, saving a wake-up */
#define CATCH_UP_MS 1		/* records that woke nobody are fetched this soon */

enum { BACKEND_AUTO, BACKEND_EBPF, BACKEND_CONNECTOR };

enum { OPT_READY_FD = 0x100, OPT_MAX_RELEASED };	/* long options without a letter */

struct dopts {
	int backend;
	const char *state;
	size_t bufsize;
	bool verbose;
	int ready_fd;		/* told once the first state is written; -1: none */
	size_t max_released;	/* released ancestors kept at most (0: no lineage) */
	const char *notify;	/* $NOTIFY_SOCKET, told the same; NULL: none */
};

static const struct argp_option option_table[] = {
	{ "backend", 'b', N_("WHICH"), 0,
	  N_("auto (default: ebpf if it loads, else connector), ebpf or connector"), 0 },
	{ "state", 's', N_("FILE"), 0,
	  N_("keep the state in FILE (default %s)"), 0 },
	{ "buffer-kib", 'B', N_("KIB"), 0,
	  N_("queue events in KIB kibibytes (a power of two for eBPF; default 8192 for eBPF, 16384 for the connector)"), 0 },
	{ "max-released", OPT_MAX_RELEASED, N_("N"), 0,
	  N_("keep at most N released ancestors for the lineage, the oldest dropped first (default 100000; 0: keep no lineage)"), 0 },
	{ "verbose", 'v', NULL, 0, N_("report counts of events on exit"), 0 },
	{ "ready-fd", OPT_READY_FD, N_("FD"), 0,
	  N_("once the first state is written, write \"READY=1\" and a newline to descriptor FD and close it"), 0 },
	{ NULL, 0, NULL, 0, NULL, 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct dopts *o = state->input;

	switch (key) {
	case 'b':
		if (strcmp(arg, "auto") == 0)
			o->backend = BACKEND_AUTO;
		else if (strcmp(arg, "ebpf") == 0)
			o->backend = BACKEND_EBPF;
		else if (strcmp(arg, "connector") == 0)
			o->backend = BACKEND_CONNECTOR;
		else
			argp_error(state, _("--backend must be auto, ebpf or connector"));
		break;
	case 's':
		o->state = arg;
		break;
	case 'B': {
		char *end;
		unsigned long v = strtoul(arg, &end, 10);

		if (*end || v < 4 || v > (1UL << 21) || (v & (v - 1)))
			argp_error(state, _("--buffer-kib takes a power of two from 4 to 2097152"));
		o->bufsize = (size_t)v << 10;
		break;
	}
	case 'v':
		o->verbose = true;
		break;
	case OPT_READY_FD: {
		char *end;
		long v = strtol(arg, &end, 10);

		if (*end || end == arg || v < 0 || v > 1 << 20 || fcntl((int)v, F_GETFD) < 0)
			argp_error(state, _("--ready-fd takes an open file descriptor"));
		o->ready_fd = (int)v;
		break;
	}
	case OPT_MAX_RELEASED: {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(arg, &end, 10);
		/* About 250 bytes each: ten million is 2.5 GB already. */
		if (*end || end == arg || !isdigit((unsigned char)arg[0]) || errno ||
		    v > MAX_RELEASED_LIMIT)
			argp_error(state, _("--max-released takes a number from 0 to %d"),
				   MAX_RELEASED_LIMIT);
		o->max_released = (size_t)v;
		break;
	}
	case ARGP_KEY_ARG:
		argp_error(state, _("no arguments are taken"));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* --help: the default state path goes into its (translated) line here. */
static char *help_filter(int key, const char *text, void *input)
{
	char *s;

	if (key != 's' || !text ||
	    asprintf(&s, _("keep the state in FILE (default %s)"), STATE_DEFAULT_PATH) < 0)
		return (char *)text;
	return s;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ct_vsay("cabatreed", fmt, ap);
	va_end(ap);
}

static volatile sig_atomic_t stopping;

/*
 * The state file's directory, checked and opened once at the start: every
 * file there is made, read, changed, renamed and removed through it.
 */
static struct state_dir sdir = { .fd = -1 };

static void on_signal(int sig)
{
	stopping = sig;
}

static long long clock_us(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long now_ms(void)
{
	return clock_us(CLOCK_MONOTONIC) / 1000;
}

/*
 * The state file's mode: readable by everyone only while no procfs in any
 * mount namespace hides processes; whoever could read it would otherwise
 * learn of processes their /proc does not show.
 */
static mode_t state_mode(const struct rec_watch *w)
{
	return rec_watch_hides(w) ? 0600 : 0644;
}

/* A new process or program: its mount namespace may be one not watched yet. */
static void on_ns(void *arg, pid_t pid, unsigned long long mntns)
{
	rec_watch_note(arg, pid, mntns);
}

/*
 * Give the state file mode, on a descriptor of the file itself: a symbolic
 * link in its place is not followed, and anything but a regular file of
 * root's is left alone (the next write replaces it).
 */
static int chmod_state(mode_t mode)
{
	struct stat sb;
	int fd, ret = 0;

	fd = openat(sdir.fd, sdir.base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : -errno;
	if (fstat(fd, &sb) < 0)
		ret = -errno;
	else if (S_ISREG(sb.st_mode) && sb.st_uid == 0 && fchmod(fd, mode) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Say and set a change of the state file's mode. */
static void set_mode(const char *path, mode_t *mode, mode_t want)
{
	int ret;

	if (want == *mode)
		return;
	ret = chmod_state(want);
	if (ret < 0)
		say(_("cannot change the mode of %s: %s"), path, strerror(-ret));
	if (want == 0600)
		say(_("a procfs hides processes (hidepid=): %s is readable by root only now"),
		    path);
	else
		say(_("no procfs hides processes any more: %s is readable by everyone again"),
		    path);
	*mode = want;
}

/* Remove the temporary files a killed cabatreed left next to path. */
static void remove_leftovers(const char *path)
{
	const char *base = sdir.base;
	size_t blen = strlen(base), removed = 0;
	struct dirent *de;
	int dfd;
	DIR *d;

	dfd = openat(sdir.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		const char *p = de->d_name;

		if (strncmp(p, base, blen) != 0 || strncmp(p + blen, ".tmp.", 5) != 0)
			continue;
		p += blen + 5;
		if (!*p || strspn(p, "0123456789") != strlen(p))
			continue;
		/* A name, not what it may point to: a link goes, its target stays. */
		if (unlinkat(sdir.fd, de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	if (removed)
		say(P_("removed %zu temporary file that an interrupted write left next to %s",
		       "removed %zu temporary files that interrupted writes left next to %s",
		       removed), removed, path);
}

/*
 * Open the lock file next to the state file, made if need be, never through
 * a symbolic link; it must be a regular file of root's that root alone
 * may write. Its path (for messages, to be freed); *fd is -1 on failure,
 * with the reason in err.
 */
static char *open_lock(int *fd, char *err, size_t errlen)
{
	char *name = xmalloc(strlen(sdir.base) + 8), *path;
	struct stat sb;
	int ret;

	sprintf(name, "%s.lock", sdir.base);
	path = state_dir_join(&sdir, name);
	*fd = openat(sdir.fd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (*fd < 0) {
		ret = -errno;
		/* Something else in its place (a symbolic link): say what. */
		if (ret != -ELOOP || state_dir_check(&sdir, name, err, errlen) == 0)
			snprintf(err, errlen, _("cannot create %s: %s"), path, strerror(-ret));
	} else if (fstat(*fd, &sb) < 0) {
		snprintf(err, errlen, _("cannot create %s: %s"), path, strerror(errno));
		ret = -1;
	} else {
		ret = state_dir_judge(&sb, path, err, errlen);
	}
	if (ret < 0 && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	free(name);
	return path;
}

static int open_backend(int which, size_t bufsize, const char *key, bool *resumed,
			struct rec_backend **b)
{
	char err[512];
	int ret = -ENOSYS;

	if (which != BACKEND_CONNECTOR) {
#ifdef HAVE_BPF
		ret = rec_ebpf_open(b, bufsize, key, resumed, err, sizeof(err));
#else
		snprintf(err, sizeof(err),
			 _("this cabatreed was built without eBPF (configure found no clang, bpftool, libbpf or BTF)"));
#endif
		if (ret == 0)
			return 0;
		if (which == BACKEND_EBPF) {
			say(_("cannot record with eBPF: %s"), err);
			return ret;
		}
		say(_("eBPF is not available (%s); using the proc connector, which is approximate"),
		    err);
	}
	ret = rec_connector_open(b, bufsize, err, sizeof(err));
	if (ret < 0)
		say(_("cannot record with the proc connector: %s"), err);
	return ret;
}

/* Move path to path.SUFFIX, for root's eyes only; the new name, or NULL. */
static char *set_aside(const char *path, const char *suffix)
{
	char *aside = xmalloc(strlen(path) + strlen(suffix) + 2);
	char *name = xmalloc(strlen(sdir.base) + strlen(suffix) + 2);
	int fd;

	sprintf(aside, "%s.%s", path, suffix);
	sprintf(name, "%s.%s", sdir.base, suffix);
	/* Root's eyes only before it moves: on the file, not through a link. */
	fd = openat(sdir.fd, sdir.base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		fchmod(fd, 0600);
		close(fd);
	}
	if (renameat(sdir.fd, sdir.base, sdir.fd, name) < 0) {
		say(_("cannot move %s to %s: %s"), path, aside, strerror(errno));
		free(aside);
		aside = NULL;
	}
	free(name);
	return aside;
}

/*
 * Take the last state back, if it is this boot's and this pid namespace's;
 * of a damaged one, what can be trusted. Anything else is set aside, and
 * what is dropped is said, with counts.
 */
static void load_previous(const char *path, const struct state_meta *meta,
			  struct born_table *t)
{
	struct state st;
	char err[256], *aside;
	int ret = state_salvage(sdir.fd, sdir.base, &st, err, sizeof(err));
	size_t cut, orphans;

	if (ret == -ENOENT)
		return;
	/* Refused at the start already; only root could have put it there since. */
	if ((ret == 0 || ret == -EBADMSG) && st.owner != 0) {
		say(_("the state file %s belongs to uid %u, not to root: nothing in it is read; "
		      "recording starts afresh"), path, (unsigned int)st.owner);
		state_free(&st);
		return;
	}
	if (ret < 0 && ret != -EBADMSG) {
		say(_("cannot read the state file %s: %s; recording starts afresh"), path,
		    strerror(-ret));
		return;
	}
	/*
	 * A checksum that does not match says that something changed, not
	 * what: any line, a pid or a start time, may be wrong, so none is
	 * kept. The processes come back from /proc, inferred.
	 */
	if (ret == -EBADMSG && st.unverified && st.header_ok) {
		aside = set_aside(path, "corrupt");
		say(P_("the state file %s is damaged (%s): no line of it can be trusted, so its "
		       "%zu process was dropped; /proc fills it in as inferred%s%s",
		       "the state file %s is damaged (%s): no line of it can be trusted, so all "
		       "its %zu processes were dropped; /proc fills them in as inferred%s%s",
		       st.untrusted),
		    path, err, st.untrusted,
		    aside ? _("; the damaged file was moved to ") : "", aside ? aside : "");
		free(aside);
		state_free(&st);
		return;
	}
	if (ret == -EBADMSG && !st.header_ok) {
		aside = set_aside(path, "corrupt");
		say(_("the state file %s is malformed (%s): nothing in it can be trusted, so "
		      "all of it was dropped%s%s; recording starts afresh"),
		    path, err, aside ? _(" and the file moved to ") : "", aside ? aside : "");
		free(aside);
		state_free(&st);
		return;
	}
	if (strcmp(st.meta.boot_id, meta->boot_id) != 0 || st.meta.pidns != meta->pidns) {
		bool boot = strcmp(st.meta.boot_id, meta->boot_id) != 0;

		aside = set_aside(path, boot ? "other-boot" : "other-pidns");
		if (boot)
			say(P_("the state file %s was written during another boot (boot id %s, "
			       "this one is %s): its pids mean nothing now, so its %zu process "
			       "was discarded%s%s",
			       "the state file %s was written during another boot (boot id %s, "
			       "this one is %s): its pids mean nothing now, so its %zu processes "
			       "were discarded%s%s", st.n),
			    path, st.meta.boot_id, meta->boot_id, st.n,
			    aside ? _("; the file was moved to ") : "", aside ? aside : "");
		else
			say(P_("the state file %s was written for another pid namespace (%llu, "
			       "this one is %llu): its %zu process was discarded%s%s",
			       "the state file %s was written for another pid namespace (%llu, "
			       "this one is %llu): its %zu processes were discarded%s%s", st.n),
			    path, st.meta.pidns, meta->pidns, st.n,
			    aside ? _("; the file was moved to ") : "", aside ? aside : "");
		free(aside);
		state_free(&st);
		return;
	}
	if (ret == 0) {
		state_to_table(&st, t);
		say(_("continuing from %s: %zu processes"), path, st.n);
		if (st.version == 1)
			say(_("the state file %s is of version 1, without a checksum: it is written "
			      "again as version 4"), path);
		else if (st.version == 2)
			say(_("the state file %s is of version 2, which does not say which inferred "
			      "CABAs may hide a reparenting: all of them are taken to; it is written "
			      "again as version 4"), path);
		else if (st.version == 3)
			say(_("the state file %s is of version 3, which holds no lineage: it is "
			      "written again as version 4"), path);
		state_free(&st);
		return;
	}
	/* Damaged after a whole header: keep each process whose CABA chain is held. */
	cut = st.announced > st.n ? st.announced - st.n : 0;
	orphans = state_prune_orphans(&st);
	aside = set_aside(path, "corrupt");
	say(_("the state file %s is damaged (%s): kept %zu of its %zu processes; dropped %zu "
	      "that were cut off, malformed or listed twice, and %zu whose CABA was among "
	      "them; /proc fills them in as inferred%s%s"),
	    path, err, st.n, st.announced, cut, orphans,
	    aside ? _("; the damaged file was moved to ") : "", aside ? aside : "");
	free(aside);
	state_to_table(&st, t);
	state_free(&st);
}

/*
 * READY=1 in a datagram to the unix socket path (a name in the abstract
 * namespace if it starts with '@'), as systemd's sd_notify() sends it.
 */
static int sd_notify_ready(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	socklen_t salen;
	int fd, ret = 0;

	if ((path[0] != '/' && path[0] != '@') || len < 2 || len > sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Say that it records and its first state is written: to whoever handed
 * it a descriptor (a test, a script) and to systemd (Type=notify), once.
 * Those who wait for this need no clock: a daemon that dies first closes
 * the descriptor unwritten.
 */
static void ready(struct dopts *o)
{
	static const char msg[] = "READY=1\n";

	if (o->ready_fd >= 0) {
		if (write(o->ready_fd, msg, sizeof(msg) - 1) < 0 && errno != EPIPE)
			say(_("cannot say that it is ready on descriptor %d: %s"), o->ready_fd,
			    strerror(errno));
		close(o->ready_fd);
		o->ready_fd = -1;
	}
	if (o->notify) {
		int ret = sd_notify_ready(o->notify);

		if (ret < 0)
			say(_("cannot tell systemd that it is ready (NOTIFY_SOCKET=%s): %s"),
			    o->notify, strerror(-ret));
		o->notify = NULL;
	}
}

/*
 * When the next state is to be written: SAVE_BATCH_MS after the first
 * change not written, and save_gap after the last write (a second while
 * writing fails).
 */
static long long save_due(long long last_save, long long save_gap, long long dirty_since,
			  bool unwritable)
{
	if (unwritable)
		return last_save + SYNC_MS;
	return last_save + save_gap > dirty_since + SAVE_BATCH_MS ?
	       last_save + save_gap : dirty_since + SAVE_BATCH_MS;
}

/*
 * The socket that answers cabatree's questions, next to the state file
 * (its name + PROTO_SOCKET_SUFFIX), waited on with everything else: its
 * epoll set is in the watch's. Without it, cabatree reads the state file
 * as before: said, and recording goes on.
 */
static void open_socket(struct query_server *qs, struct rec_watch *w, const char *path)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };
	char *name = xmalloc(strlen(sdir.base) + sizeof(PROTO_SOCKET_SUFFIX));
	char err[512];

	sprintf(name, "%s" PROTO_SOCKET_SUFFIX, sdir.base);
	/* data 0: the watch wakes for it, as for the backend's descriptor, and no more. */
	if (query_open(qs, sdir.fd, name, err, sizeof(err)) < 0 ||
	    (epoll_ctl(w->epfd, EPOLL_CTL_ADD, qs->epfd, &ev) < 0 &&
	     snprintf(err, sizeof(err), "%s", strerror(errno)) > 0)) {
		say(_("cannot make the socket %s%s that answers cabatree (%s): cabatree reads "
		      "the state file only, which may be older than what it shows"),
		    path, PROTO_SOCKET_SUFFIX, err);
		query_close(qs);
	} else {
		say(_("answering questions on %s%s"), path, PROTO_SOCKET_SUFFIX);
	}
	free(name);
}

/*
 * The capabilities kept once the backend is set up: CAP_SYS_PTRACE, to
 * read the /proc/PID files of every process under hidepid= and their
 * mount namespaces (for the state file's mode). The connector of a kernel
 * before 6.6 also needs CAP_NET_ADMIN to unsubscribe on the way out.
 */
static size_t caps_to_keep(const struct rec_backend *b, int *keep)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;
	size_t n = 0;

	keep[n++] = CAP_SYS_PTRACE;
	if (strcmp(b->name, "connector") == 0 && uname(&u) == 0 &&
	    sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	    (major < 6 || (major == 6 && minor < 6)))
		keep[n++] = CAP_NET_ADMIN;
	return n;
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		option_table, parse_opt, NULL,
		N_("Record the born (CABA) tree for cabatree on kernels without CABA."),
		NULL, help_filter, NULL
	};
	struct dopts o = { .backend = BACKEND_AUTO, .state = STATE_DEFAULT_PATH, .ready_fd = -1,
			   .max_released = BORN_DEFAULT_MAX_RELEASED };
	struct rec_backend *b = NULL;
	struct born_table t;
	struct state_meta meta = { 0 };
	struct rec_sync_stats ss;
	struct rec_watch w;
	struct query_server qs = { .lfd = -1, .epfd = -1 };
	struct query_ctx qc;
	struct sigaction sa = { 0 };
	unsigned long long pidns = 0;
	unsigned long long base_lost, last_lost = 0;
	long long last_save = 0, last_sync, save_gap = SAVE_MS, cpu, dirty_since = 0;
	bool dirty = true, resumed = false, unwritable = false;
	mode_t mode;
	char *lockpath, *key, err[8192];
	int keep[4], procfd, lockfd, ret, status = 0;
	size_t nkeep;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, nls_localedir());
	textdomain(PACKAGE);
	/* getopt's messages start with argv[0], argp's with this: one name. */
	program_invocation_name = program_invocation_short_name = (char *)"cabatreed";
	if (argc > 0)
		argv[0] = program_invocation_name;
	argp_parse(&argp, argc, argv, 0, NULL, &o);
	o.notify = getenv("NOTIFY_SOCKET");
	if (o.notify && !*o.notify)
		o.notify = NULL;
	if (geteuid() != 0) {
		say(_("must run as root: it loads eBPF programs or subscribes to the kernel's process events"));
		return 1;
	}
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd >= 0)
		pidns = procfs_pid_ns(procfd);
	if (procfd < 0 || !pidns) {
		say(_("cannot read /proc: %s"), strerror(errno));
		return 1;
	}
	/* From / down, nothing on the way may be another user's to change. */
	if (state_dir_open(&sdir, o.state, true, err, sizeof(err)) < 0 ||
	    state_dir_check(&sdir, sdir.base, err, sizeof(err)) < 0) {
		say("%s", err);
		return 1;
	}
	lockpath = open_lock(&lockfd, err, sizeof(err));
	if (lockfd < 0) {
		say("%s", err);
		free(lockpath);
		return 1;
	}
	if (flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		say(_("another cabatreed records into %s already"), o.state);
		free(lockpath);
		return 1;
	}
	remove_leftovers(o.state);

	state_boot_id(meta.boot_id, sizeof(meta.boot_id));
	meta.pidns = pidns;
	meta.daemon_pid = getpid();
	rec_stat(procfd, meta.daemon_pid, &meta.daemon_start, NULL);
	/* Every mount namespace in use, found once; then watched. */
	if (rec_watch_init(&w, procfd) < 0 || rec_sweep(&w, NULL, 0, &ss) < 0) {
		say(_("cannot read /proc: %s"), strerror(errno));
		rec_watch_free(&w);
		free(lockpath);
		return 1;
	}
	w.changed = false;
	mode = state_mode(&w);
	ret = chmod_state(mode);
	if (ret < 0)
		say(_("cannot change the mode of %s: %s"), o.state, strerror(-ret));
	if (mode == 0600)
		say(_("a procfs hides processes (hidepid=): %s is readable by root only"), o.state);

	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/*
	 * Events queue from here, so nothing between the scan and them is lost.
	 * The eBPF pins are the state file's, whatever path named it: its
	 * directory's device and inode, and its name there.
	 */
	key = xmalloc(strlen(sdir.base) + 48);
	sprintf(key, "%llu:%llu:%s", sdir.dev, sdir.ino, sdir.base);
	ret = open_backend(o.backend, o.bufsize, key, &resumed, &b);
	free(key);
	if (ret < 0) {
		rec_watch_free(&w);
		free(lockpath);
		return 1;
	}
	snprintf(meta.backend, sizeof(meta.backend), "%s", b->name);
	b->on_ns = on_ns;
	b->on_ns_arg = &w;
	rec_subreapers_from(b);
	if (o.verbose && !b->subreapers)
		say(_("child subreapers cannot be told (%s): a process running before the recorder under one is taken as its child"),
		    _(b->no_subreapers));
	nkeep = caps_to_keep(b, keep);
	if (rec_drop_privileges(keep, nkeep, err, sizeof(err)) < 0) {
		say(_("cannot give up its privileges (%s); stopping"), err);
		b->close(b);
		rec_watch_free(&w);
		free(lockpath);
		return 1;
	}
	born_init(&t);
	born_set_max_released(&t, o.max_released);
	load_previous(o.state, &meta, &t);
	base_lost = t.lost;
	if (resumed)
		say(_("the eBPF programs kept recording while cabatreed was down: %d events to replay"),
		    b->drain(b, &t));
	else
		b->drain(b, &t);
	rec_sync(&t, procfd, 1, &ss);
	/*
	 * A first state before saying it records: whoever waits for those
	 * words (a test, a unit's start) finds a state file to read. If it
	 * cannot be written, the loop says so and goes on trying.
	 */
	meta.lost = t.lost = base_lost + b->lost(b);
	meta.dropped = t.dropped;
	meta.updated = (long long)time(NULL);
	if (state_save(sdir.fd, sdir.base, &t, &meta, mode) == 0) {
		dirty = false;
		if (b->commit)
			b->commit(b);
		last_save = now_ms();
	}
	say(_("recording with %s (release: %s); %zu processes running before it are inferred; state in %s"),
	    b->name, b->release_point, ss.added, o.state);
	if (t.max_released)
		say(P_("lineage: at most %zu released ancestor kept (--max-released)",
		       "lineage: at most %zu released ancestors kept (--max-released)",
		       t.max_released), t.max_released);
	else
		say(_("lineage: none kept (--max-released 0)"));
	open_socket(&qs, &w, o.state);
	qc = (struct query_ctx){ .b = b, .t = &t, .w = &w, .procfd = procfd, .pidns = pidns,
				 .base_lost = base_lost, .since = (long long)time(NULL) };
	if (!dirty)
		ready(&o);
	last_sync = now_ms();

	while (!stopping) {
		long long now = now_ms(), wake = last_sync + SYNC_MS, due;
		unsigned long long lost;

		/*
		 * Nothing is polled on a clock: it sleeps until the backend has
		 * events, a namespace's mounts change, or one of its timers is
		 * due (a state to write, the next slice of /proc, an exited
		 * process to look for). Once an event is in, the next ones are
		 * fetched when the state is written, all at once: a storm
		 * costs a wake-up per write, not one per event. (The eBPF ring
		 * could not be waited on then anyway: it stays readable while
		 * it holds records not yet written, and wakes nobody for more.)
		 */
		due = rec_reap_due(&t);
		if (due && due < wake)
			wake = due;
		due = query_due(&qs);
		if (due && due < wake)
			wake = due;
		if (dirty) {
			/* The write is due soon: what comes meanwhile waits for it. */
			due = save_due(last_save, save_gap, dirty_since, unwritable);
			if (due < wake)
				wake = due;
		} else {
			/*
			 * All that was drained is written (a record that held
			 * no event too): its room in the ring can go, or the
			 * ring would never look caught up.
			 */
			if (b->commit)
				b->commit(b);
			if (b->caught_up && !b->caught_up(b)) {
				/* Records came after the last drain: fetch them now. */
				if (now + CATCH_UP_MS < wake)
					wake = now + CATCH_UP_MS;
			} else if (b->wait_fd < 0 || rec_watch_arm(&w, b->wait_fd) < 0) {
				/* Nothing to wait on: look for events now and then. */
				if (now + SAVE_MS < wake)
					wake = now + SAVE_MS;
			}
		}
		wake -= now;
		/* A namespace whose mounts change cuts the wait short. */
		if (rec_watch_wait(&w, wake < 0 ? 0 : wake > SYNC_MS ? SYNC_MS : (int)wake)) {
			w.changed = false;
			set_mode(o.state, &mode, state_mode(&w));
		}
		ret = b->drain(b, &t);
		if (ret < 0) {
			say(_("reading events failed: %s"), strerror(-ret));
			status = 1;
			break;
		}
		now = now_ms();
		if (ret > 0 && !dirty) {
			dirty = true;
			dirty_since = now;
		}
		/*
		 * Exited processes are looked for in /proc: at once where the
		 * exit makes a zombie (the connector has no release event),
		 * else when their release is overdue. Those due a little later
		 * are looked at now too, so that their looks fall together
		 * instead of each waking it.
		 */
		rec_reap(&t, procfd, now + TIMER_SLACK_MS, b->exit_is_zombie ? 0 : SYNC_MS, &ss);
		if (ss.released > 0 && !dirty) {
			dirty = true;
			dirty_since = now;
		}
		/* Questions: answered from the table as it is now, made newer first. */
		if (query_run(&qs, &qc, now) && !dirty) {
			dirty = true;
			dirty_since = now;
		}
		lost = b->lost(b);
		/* After a loss /proc says what we missed, all of it. */
		if (lost != last_lost) {
			b->drain(b, &t);
			rec_sync(&t, procfd, 1, &ss);
			if (!dirty)
				dirty_since = now;
			dirty = true;
			last_lost = lost;
		}
		/* And, a slice at a time, what nothing told us of. */
		if (now + TIMER_SLACK_MS >= last_sync + SYNC_MS) {
			rec_sweep(&w, &t, SWEEP_SLICE, &ss);
			if ((ss.released || ss.added) && !dirty) {
				dirty = true;
				dirty_since = now;
			}
			last_sync = now;
			if (w.changed) {
				w.changed = false;
				set_mode(o.state, &mode, state_mode(&w));
			}
		}
		/*
		 * While the state cannot be written, try again once a second.
		 * The file holds every process: where writing it takes long (a
		 * big table), it is written less often, so that what a fork
		 * here and there costs stays a small share of a core.
		 */
		if (dirty && now >= save_due(last_save, save_gap, dirty_since, unwritable)) {
			t.lost = base_lost + lost;
			meta.lost = t.lost;
			meta.dropped = t.dropped;
			meta.updated = (long long)time(NULL);
			cpu = clock_us(CLOCK_PROCESS_CPUTIME_ID);
			ret = state_save(sdir.fd, sdir.base, &t, &meta, mode);
			cpu = clock_us(CLOCK_PROCESS_CPUTIME_ID) - cpu;
			save_gap = cpu * SAVE_SHARE / 1000;
			save_gap = save_gap < SAVE_MS ? SAVE_MS :
				   save_gap > SAVE_MAX_MS ? SAVE_MAX_MS : save_gap;
			if (ret < 0 && !unwritable) {
				say(_("cannot write the state file %s: %s; recording goes on in memory, "
				      "the last state written stays as it is, and writing is tried "
				      "again every second"), o.state, strerror(-ret));
				unwritable = true;
			} else if (ret == 0) {
				if (unwritable)
					say(_("the state file %s is written again"), o.state);
				unwritable = false;
				dirty = false;
				ready(&o);
			}
			/*
			 * What was drained is in the table: the ring's room is
			 * needed more than a replay after kill -9 while the
			 * state cannot be written.
			 */
			if (b->commit)
				b->commit(b);
			last_save = now;
		}
	}
	b->drain(b, &t);
	meta.lost = t.lost = base_lost + b->lost(b);
	meta.dropped = t.dropped;
	meta.updated = (long long)time(NULL);
	ret = state_save(sdir.fd, sdir.base, &t, &meta, mode);
	if (ret < 0) {
		say(_("cannot write the state file %s: %s; what was recorded since it was "
		      "last written is lost"), o.state, strerror(-ret));
		status = 1;
	} else if (b->commit) {
		b->commit(b);
	}
	query_close(&qs);
	if (o.verbose) {
		say(_("%llu forks, %llu releases, %llu events lost, %zu processes alive"),
		    t.forks, t.releases, t.lost, t.n);
		say(_("%zu released ancestors kept, %llu dropped by the cap"),
		    t.nreleased, t.dropped);
		say(_("%llu questions answered, %llu refused"), qs.answered, qs.refused);
	}
	b->close(b);
	born_free(&t);
	rec_watch_free(&w);
	close(procfd);
	free(lockpath);
	state_dir_close(&sdir);
	return status;
}
