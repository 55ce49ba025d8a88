// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "daemon/answer.h"
#include "daemon/query.h"
#include "nls.h"
#include "procfs.h"
#include "records.h"
#include "recorder/proto.h"
#include "xalloc.h"

#define LISTEN_BACKLOG 64
#define LISTENER_TAG UINT32_MAX	/* epoll data of the listening socket */
#define PAIR_LINE_MAX 32	/* "PID START\n" at its longest, and some */
#define MAX_NS_LEVEL 32		/* pid namespaces nest no deeper */
#define STATUS_MAX 16384

enum conn_state { C_READ, C_WAIT, C_WRITE };

/* Host pids and the pids of one pid namespace, both ways. */
struct pidmap {
	struct { pid_t host, ns; } *by_host, *by_ns;
	size_t n;
};

struct query_conn {
	int fd;
	enum conn_state st;
	long long deadline;		/* to read, to write, or of the wait */
	uid_t uid;			/* SO_PEERCRED */
	pid_t pid;
	struct strbuf in;
	size_t in_max;
	struct strbuf out;
	size_t off;
	/* The question being answered: */
	struct proto_request q;
	struct proto_answer a;
	pid_t *host;			/* q's pids as cabatreed's; 0: not there */
	bool same_ns, filtered;
	struct pidmap map;
	size_t npending;		/* entries alive in /proc, not yet in the table */
};

/* ---- /proc, read as root for one question ---- */

/* One read of the file name under dirfd, NUL-terminated; its length or -errno. */
static ssize_t read_small(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n == 0 ? -ESRCH : n;
}

/* The numbers after "KEY:" in a status file, up to max; how many, or -1. */
static int status_nums(const char *status, const char *key, long long *v, int max)
{
	size_t klen = strlen(key);
	const char *p = status;
	int n = 0;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) != 0 || p[klen] != ':')
			continue;
		p += klen + 1;
		while (n < max) {
			char *end;
			long long x;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p < '0' || *p > '9')
				break;
			errno = 0;
			x = strtoll(p, &end, 10);
			if (errno || x > INT_MAX)
				return -1;
			v[n++] = x;
			p = end;
		}
		return n;
	}
	return -1;
}

/*
 * Is the process host (with this start time) wholly uid's: its /proc
 * directory's owner and its real, effective and saved uids? Read through
 * its directory, so that everything read is of the same process.
 */
static bool owned_by(int procfd, pid_t host, unsigned long long start, uid_t uid)
{
	char name[16], buf[STATUS_MAX];
	struct procfs_light l;
	long long ids[4];
	struct stat sb;
	bool own = false;
	int pdir;

	snprintf(name, sizeof(name), "%d", (int)host);
	pdir = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pdir < 0)
		return false;
	if (fstat(pdir, &sb) < 0 || sb.st_uid != uid)
		goto out;
	if (read_small(pdir, "stat", buf, sizeof(buf)) < 0 ||
	    procfs_parse_stat_light(buf, strlen(buf), &l) || l.start_time != start)
		goto out;
	if (read_small(pdir, "status", buf, sizeof(buf)) < 0 ||
	    status_nums(buf, "Uid", ids, 4) < 3)
		goto out;
	own = ids[0] == (long long)uid && ids[1] == (long long)uid && ids[2] == (long long)uid;
out:
	close(pdir);
	return own;
}

/*
 * Is (host, start) a process alive in /proc (not a thread of one)? Its
 * fork may still be queued.
 */
static bool alive(int procfd, pid_t host, unsigned long long start)
{
	unsigned long long s;

	return rec_stat(procfd, host, &s, NULL) == 0 && s == start &&
	       procfs_tgid_of(procfd, host) == host;
}

/* How many levels the pid namespace of fd is below ns (0: it is ns), or -1. */
static int ns_depth(int fd, unsigned long long ns)
{
	struct stat sb;
	int depth, cur = fd, up;

	for (depth = 0; depth <= MAX_NS_LEVEL; depth++) {
		if (fstat(cur, &sb) < 0)
			break;
		if ((unsigned long long)sb.st_ino == ns) {
			if (cur != fd)
				close(cur);
			return depth;
		}
		/* Above cabatreed's own namespace, the kernel says EPERM: not ns's. */
		up = ioctl(cur, NS_GET_PARENT);
		if (cur != fd)
			close(cur);
		cur = up;
		if (cur < 0)
			return -1;
	}
	if (cur >= 0 && cur != fd)
		close(cur);
	return -1;
}

struct ns_seen {
	unsigned long long ino;
	int depth;
};

static int cmp_host(const void *a, const void *b)
{
	const pid_t *x = a, *y = b;	/* the first member of each pair */

	return (*x > *y) - (*x < *y);
}

static int cmp_ns(const void *a, const void *b)
{
	const pid_t *x = a, *y = b;

	return (x[1] > y[1]) - (x[1] < y[1]);
}

/*
 * The pids in pid namespace ns of every process in it or below it, from
 * the NSpid: line of each one's status (one pass over /proc). 0; -ENOENT
 * when no process is in it; another -errno.
 */
static int pidmap_build(struct pidmap *m, int procfd, unsigned long long ns)
{
	struct ns_seen *seen = NULL;
	size_t nseen = 0, cap = 0, i;
	char path[64];
	struct dirent *de;
	bool found = false;
	int dfd;
	DIR *d;

	memset(m, 0, sizeof(*m));
	dfd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		int err = -errno;

		if (dfd >= 0)
			close(dfd);
		return err;
	}
	while ((de = readdir(d))) {
		long long nspid[MAX_NS_LEVEL + 1];
		struct stat sb;
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		int depth = -1, n;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "%ld/ns/pid", pid);
		if (fstatat(procfd, path, &sb, 0) < 0)
			continue;	/* gone, or a zombie */
		/* Each namespace is judged once: most processes share a few. */
		for (i = 0; i < nseen && seen[i].ino != (unsigned long long)sb.st_ino; i++)
			;
		if (i < nseen) {
			depth = seen[i].depth;
		} else {
			int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);

			if (fd >= 0) {
				depth = ns_depth(fd, ns);
				close(fd);
			}
			if (nseen == cap) {
				cap = cap ? cap * 2 : 16;
				seen = xreallocarray(seen, cap, sizeof(*seen));
			}
			seen[nseen].ino = (unsigned long long)sb.st_ino;
			seen[nseen++].depth = depth;
		}
		if (depth < 0)
			continue;
		found = true;
		n = procfs_nspid(procfd, (pid_t)pid, nspid, MAX_NS_LEVEL + 1);
		if (n < depth + 1 || nspid[0] != pid || nspid[n - 1 - depth] <= 0)
			continue;
		if ((m->n & (m->n - 1)) == 0) {
			size_t c = m->n ? m->n * 2 : 64;

			m->by_host = xreallocarray(m->by_host, c, sizeof(*m->by_host));
		}
		m->by_host[m->n].host = (pid_t)pid;
		m->by_host[m->n++].ns = (pid_t)nspid[n - 1 - depth];
	}
	closedir(d);
	free(seen);
	if (!found) {
		free(m->by_host);
		m->by_host = NULL;
		m->n = 0;
		return -ENOENT;
	}
	m->by_ns = xreallocarray(NULL, m->n ? m->n : 1, sizeof(*m->by_ns));
	if (m->n)
		memcpy(m->by_ns, m->by_host, m->n * sizeof(*m->by_ns));
	qsort(m->by_host, m->n, sizeof(*m->by_host), cmp_host);
	qsort(m->by_ns, m->n, sizeof(*m->by_ns), cmp_ns);
	return 0;
}

static void pidmap_free(struct pidmap *m)
{
	free(m->by_host);
	free(m->by_ns);
	memset(m, 0, sizeof(*m));
}

/* pid in the map's namespace (to_host) or cabatreed's (else), or 0. */
static pid_t pidmap_get(const struct pidmap *m, pid_t pid, bool to_host)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		pid_t k = to_host ? m->by_ns[mid].ns : m->by_host[mid].host;

		if (k == pid)
			return to_host ? m->by_ns[mid].host : m->by_host[mid].ns;
		if (k < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- answering ---- */

static void conn_error(struct query_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_events(struct query_server *s, struct query_conn *c, size_t slot,
		       uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u32 = (uint32_t)slot };

	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* The asker may see only their own processes: their /proc hides the rest. */
static bool must_filter(const struct query_ctx *x, const struct query_conn *c)
{
	unsigned long long mnt;
	size_t i;

	if (c->uid == 0)
		return false;
	/* A procfs of the asker's mount namespace; not to be told: filtered. */
	if (c->pid <= 0 || procfs_mnt_ns(x->procfd, c->pid, &mnt) < 0)
		return true;
	for (i = 0; i < x->w->nns; i++) {
		if (x->w->ns[i].ino == mnt)
			return x->w->ns[i].hides;
	}
	return true;
}

/*
 * Answer entry i from the table, if it knows the process. False if the
 * process is alive but not known yet (its fork may be queued).
 */
static bool resolve(const struct query_ctx *x, struct query_conn *c, size_t i)
{
	struct proto_entry *e = &c->a.v[i];
	pid_t host = c->host[i];
	const struct born_proc *p;
	pid_t caba;

	e->pid = c->q.v[i].pid;
	e->start = c->q.v[i].start;
	e->kind = PK_UNKNOWN;
	e->caba = 0;
	e->caba_start = 0;
	if (!host)
		return true;
	p = born_find(x->t, host, e->start);
	if (c->filtered && !owned_by(x->procfd, host, e->start, c->uid))
		return true;	/* not theirs to know of */
	if (!p)
		return !alive(x->procfd, host, e->start);
	if (p->defined) {
		e->kind = PK_DEFINED;
		return true;
	}
	if (!p->caba)
		return true;	/* none known */
	caba = c->same_ns ? p->caba->pid : pidmap_get(&c->map, p->caba->pid, false);
	if (!caba) {
		e->kind = PK_OUTSIDE;
		return true;
	}
	if (c->filtered && !owned_by(x->procfd, p->caba->pid, p->caba->start, c->uid)) {
		e->kind = PK_HIDDEN;
		return true;
	}
	e->kind = !p->inferred ? PK_WITNESSED : p->from_reaper ? PK_REAPER : PK_INFERRED;
	e->caba = caba;
	e->caba_start = p->caba->start;
	return true;
}

/*
 * Lineage only where its pids mean the same to the asker: not filtered
 * (a released ancestor's owner cannot be checked any more), in the
 * recorder's own pid namespace (a released pid has no number in another),
 * and when the recorder keeps any.
 */
static bool gives_lineage(const struct query_ctx *x, const struct query_conn *c)
{
	return c->q.version >= 2 && !c->filtered && c->same_ns && x->t->max_released > 0;
}

static void conn_answer(struct query_server *s, const struct query_ctx *x,
			struct query_conn *c, size_t slot, long long now)
{
	if (gives_lineage(x, c))
		answer_lineage(x->t, &c->a);
	sb_reset(&c->out);
	proto_format_answer(&c->out, &c->a);
	c->off = 0;
	c->st = C_WRITE;
	c->deadline = now + QUERY_WRITE_MS;
	set_events(s, c, slot, EPOLLOUT);
	s->answered++;
}

/* Look again at the entries still pending; answer once none is, or at the deadline. */
static void conn_retry(struct query_server *s, const struct query_ctx *x,
		       struct query_conn *c, size_t slot, long long now)
{
	size_t i;

	c->npending = 0;
	for (i = 0; i < c->q.n; i++) {
		if (c->a.v[i].kind == 0 && !resolve(x, c, i)) {
			c->a.v[i].kind = 0;	/* pending */
			c->npending++;
		}
	}
	if (c->npending && now < c->deadline)
		return;
	for (i = 0; i < c->q.n; i++) {
		if (c->a.v[i].kind == 0)
			c->a.v[i].kind = PK_UNKNOWN;
	}
	conn_answer(s, x, c, slot, now);
}

/* A whole question is in: set about answering it. */
static void conn_question(struct query_server *s, const struct query_ctx *x,
			  struct query_conn *c, size_t slot, long long now)
{
	unsigned int wait;
	char err[256];
	size_t i;
	int ret;

	ret = proto_parse_request(c->in.s ? c->in.s : (char *)"", c->in.len, &c->q, err,
				  sizeof(err));
	sb_free(&c->in);
	if (ret < 0) {
		conn_error(c, _("malformed question: %s"), err);
		goto write;
	}
	c->same_ns = c->q.pidns == x->pidns;
	if (!c->same_ns) {
		ret = pidmap_build(&c->map, x->procfd, c->q.pidns);
		if (ret == -ENOENT) {
			conn_error(c, _("no process of pid namespace %llu is running"), c->q.pidns);
			goto write;
		}
		if (ret < 0) {
			conn_error(c, _("cannot read /proc: %s"), strerror(-ret));
			goto write;
		}
	}
	c->filtered = must_filter(x, c);
	snprintf(c->a.backend, sizeof(c->a.backend), "%s", x->b->name);
	c->a.lost = x->base_lost + x->b->lost(x->b);
	c->a.since = x->since;
	c->a.filtered = c->filtered;
	c->a.version = c->q.version;
	c->a.n = c->q.n;
	c->a.v = xcalloc(c->q.n ? c->q.n : 1, sizeof(*c->a.v));
	c->host = xcalloc(c->q.n ? c->q.n : 1, sizeof(*c->host));
	for (i = 0; i < c->q.n; i++)
		c->host[i] = c->same_ns ? c->q.v[i].pid : pidmap_get(&c->map, c->q.v[i].pid, true);
	wait = c->q.wait_ms < PROTO_MAX_WAIT_MS ? c->q.wait_ms : PROTO_MAX_WAIT_MS;
	c->st = C_WAIT;
	c->deadline = now + wait;
	set_events(s, c, slot, 0);
	conn_retry(s, x, c, slot, now);
	return;
write:
	c->off = 0;
	c->st = C_WRITE;
	c->deadline = now + QUERY_WRITE_MS;
	set_events(s, c, slot, EPOLLOUT);
	s->refused++;
}

static void conn_error(struct query_conn *c, const char *fmt, ...)
{
	char sentence[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sentence, sizeof(sentence), fmt, ap);
	va_end(ap);
	sb_reset(&c->out);
	proto_format_error(&c->out, sentence);
}

/* ---- connections ---- */

static void conn_close(struct query_server *s, size_t slot)
{
	struct query_conn *c = s->conns[slot];

	close(c->fd);	/* leaves the epoll set with it */
	sb_free(&c->in);
	sb_free(&c->out);
	proto_request_free(&c->q);
	proto_answer_free(&c->a);
	free(c->host);
	pidmap_free(&c->map);
	free(c);
	s->conns[slot] = NULL;
}

/* Does the question end here: its "end" line, or the asker's end of writing? */
static bool question_ends(const struct strbuf *in)
{
	return in->len >= 5 && memcmp(in->s + in->len - 5, "\nend\n", 5) == 0;
}

/* Read what came; false when the connection is to be closed. */
static bool conn_read(struct query_server *s, const struct query_ctx *x,
		      struct query_conn *c, size_t slot, long long now)
{
	bool eof = false;

	for (;;) {
		size_t room = c->in_max + 1 - c->in.len;
		ssize_t n;

		if (room > 65536)
			room = 65536;
		sb_grow(&c->in, room);
		n = recv(c->fd, c->in.s + c->in.len, room, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return false;
		if (n == 0) {
			eof = true;
			break;
		}
		c->in.len += (size_t)n;
		c->in.s[c->in.len] = '\0';
		if (c->in.len > c->in_max) {
			sb_free(&c->in);
			conn_error(c, _("too long a question: more than %zu bytes for the %zu "
					"processes running"), c->in_max, x->t->n);
			c->off = 0;
			c->st = C_WRITE;
			c->deadline = now + QUERY_WRITE_MS;
			set_events(s, c, slot, EPOLLOUT);
			s->refused++;
			return true;
		}
	}
	if (eof && c->in.len == 0)
		return false;	/* asked nothing */
	if (eof || question_ends(&c->in))
		conn_question(s, x, c, slot, now);
	return true;
}

/* Write what the socket takes; false when done or failed. */
static bool conn_write(struct query_conn *c)
{
	while (c->off < c->out.len) {
		ssize_t n = send(c->fd, c->out.s + c->off, c->out.len - c->off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK;
		c->off += (size_t)n;
	}
	return false;
}

static void accept_all(struct query_server *s, const struct query_ctx *x, long long now)
{
	int k;

	for (k = 0; k < LISTEN_BACKLOG; k++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct query_conn *c;
		size_t slot, lines;
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		for (slot = 0; slot < QUERY_MAX_CONNS && s->conns[slot]; slot++)
			;
		if (slot == QUERY_MAX_CONNS ||
		    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
			struct strbuf sb = STRBUF_INIT;

			proto_format_error(&sb, _("cabatreed answers too many questions at once; "
						  "ask again"));
			if (send(fd, sb.s, sb.len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
				/* Nothing more to do for it. */
			}
			sb_free(&sb);
			close(fd);
			s->refused++;
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->st = C_READ;
		c->deadline = now + QUERY_READ_MS;
		c->uid = cred.uid;
		c->pid = cred.pid;
		/*
		 * A question is about processes that run: no more lines than
		 * twice those (and some that start meanwhile). A bigger one
		 * would only hold memory.
		 */
		lines = x->t->n * 2 + 4096;
		if (lines > PROTO_MAX_COUNT)
			lines = PROTO_MAX_COUNT;
		c->in_max = 256 + lines * PAIR_LINE_MAX;
		ev.data.u32 = (uint32_t)slot;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		s->conns[slot] = c;
	}
}

/* The table as new as the question: every event queued before it, every release. */
static bool freshen(const struct query_ctx *x)
{
	struct rec_sync_stats ss;
	int n = x->b->drain(x->b, x->t);

	rec_reap_now(x->t, x->procfd, &ss);
	return n > 0 || ss.released > 0;
}

bool query_run(struct query_server *s, const struct query_ctx *x, long long now)
{
	struct epoll_event ev[64];
	bool changed = false, fresh = false;
	size_t slot;
	int n, i;

	if (s->lfd < 0)
		return false;
	n = epoll_wait(s->epfd, ev, 64, 0);
	for (i = 0; i < n; i++) {
		struct query_conn *c;

		if (ev[i].data.u32 == LISTENER_TAG) {
			accept_all(s, x, now);
			continue;
		}
		slot = ev[i].data.u32;
		c = slot < QUERY_MAX_CONNS ? s->conns[slot] : NULL;
		if (!c)
			continue;
		if (c->st == C_READ && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
			/* Events queued before the question: in the table before it is answered. */
			if (!fresh) {
				changed |= freshen(x);
				fresh = true;
			}
			/* An answer ready at once is written at once: no turn of the loop. */
			if (!conn_read(s, x, c, slot, now) || (c->st == C_WRITE && !conn_write(c)))
				conn_close(s, slot);
		} else if (c->st == C_WRITE) {
			if (!conn_write(c))
				conn_close(s, slot);
		} else if (ev[i].events & (EPOLLHUP | EPOLLERR)) {
			conn_close(s, slot);	/* gone while its answer waited */
		}
	}
	/* Questions that wait for events still queued; the late are dropped. */
	s->retry_at = 0;
	for (slot = 0; slot < QUERY_MAX_CONNS; slot++) {
		struct query_conn *c = s->conns[slot];

		if (!c)
			continue;
		if (c->st == C_WAIT) {
			if (!fresh) {
				changed |= freshen(x);
				fresh = true;
			}
			conn_retry(s, x, c, slot, now);
			if (c->st == C_WAIT)
				s->retry_at = now + QUERY_RETRY_MS;
			else if (!conn_write(c))
				conn_close(s, slot);
		} else if (now >= c->deadline) {
			conn_close(s, slot);
		}
	}
	return changed;
}

long long query_due(const struct query_server *s)
{
	long long due = s->retry_at;
	size_t i;

	for (i = 0; i < QUERY_MAX_CONNS; i++) {
		const struct query_conn *c = s->conns[i];

		if (c && c->st != C_WAIT && (!due || c->deadline < due))
			due = c->deadline;
	}
	return due;
}

int query_open(struct query_server *s, int dirfd, const char *name, char *err,
	       size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = LISTENER_TAG };
	struct stat sb;
	mode_t mask;
	int cwd, ret;

	memset(s, 0, sizeof(*s));
	s->lfd = -1;
	s->epfd = -1;
	s->dirfd = dirfd;
	if (strlen(name) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, _("its name is longer than a socket's can be (%zu bytes)"),
			 sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, name);
	/* One a previous cabatreed left (we hold the lock): replaced. Anything else: not ours. */
	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(err, errlen, _("something that is not a socket is in its place, "
						"and is left alone"));
			return -EEXIST;
		}
		if (unlinkat(dirfd, name, 0) < 0) {
			ret = -errno;
			snprintf(err, errlen, _("cannot remove the old socket: %s"), strerror(errno));
			return ret;
		}
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->epfd < 0 || s->lfd < 0)
		goto fail;
	/*
	 * Bound by its name in the state directory, reached through the
	 * descriptor held since it was checked: never a path again, and a
	 * path of any length. Anyone may connect (mode 0666): answers are
	 * filtered by who asks.
	 */
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fchdir(dirfd) < 0) {
		if (cwd >= 0)
			close(cwd);
		goto fail;
	}
	mask = umask(0111);
	ret = bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(mask);
	if (ret < 0)
		ret = -errno;
	if ((cwd >= 0 ? fchdir(cwd) : chdir("/")) < 0 && chdir("/") < 0) {
		/* Nothing relies on the working directory. */
	}
	if (cwd >= 0)
		close(cwd);
	if (ret < 0) {
		errno = -ret;
		goto fail;
	}
	s->name = xstrdup(name);
	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		s->dev = (unsigned long long)sb.st_dev;
		s->ino = (unsigned long long)sb.st_ino;
	}
	if (listen(s->lfd, LISTEN_BACKLOG) < 0 ||
	    epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev) < 0)
		goto fail;
	return 0;
fail:
	ret = -errno;
	snprintf(err, errlen, "%s", strerror(errno));
	query_close(s);
	return ret;
}

void query_close(struct query_server *s)
{
	struct stat sb;
	size_t i;

	for (i = 0; i < QUERY_MAX_CONNS; i++) {
		if (s->conns[i])
			conn_close(s, i);
	}
	/* The socket is removed only if it is still the one made. */
	if (s->name && fstatat(s->dirfd, s->name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISSOCK(sb.st_mode) && (unsigned long long)sb.st_dev == s->dev &&
	    (unsigned long long)sb.st_ino == s->ino)
		unlinkat(s->dirfd, s->name, 0);
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s->name);
	s->name = NULL;
	s->lfd = -1;
	s->epfd = -1;
}
