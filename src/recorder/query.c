// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"
#include "recorder/query.h"
#include "xalloc.h"

/*
 * A line of an answer: "PID START KIND CABA CABA_START CREATOR
 * CREATOR_START", 89 bytes at most; a released ancestor's, with its name
 * and program escaped (3 bytes a byte at worst), 907.
 */
#define ANSWER_LINE_MAX 96
#define RELEASED_LINE_MAX 1024
#define ANSWER_HEAD_MAX 1024

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int left_ms(long long deadline)
{
	long long l = deadline - now_ms();

	return l < 0 ? 0 : (int)l;
}

/*
 * connect(2) to path. A path too long for sun_path is reached through its
 * directory, opened O_PATH, as /proc/self/fd/N/NAME. Unix sockets do not
 * connect in the background: a full backlog says EAGAIN, tried again
 * until the deadline.
 */
static int connect_path(int fd, const char *path, long long deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *slash;
	int dfd = -1;
	int ret;

	if (strlen(path) < sizeof(sa.sun_path)) {
		memcpy(sa.sun_path, path, strlen(path) + 1);
	} else {
		char *dir;

		slash = strrchr(path, '/');
		if (!slash || strlen(slash + 1) + 40 > sizeof(sa.sun_path))
			return -ENAMETOOLONG;
		dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
		dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		free(dir);
		if (dfd < 0)
			return -errno;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
			 slash + 1);
	}
	for (;;) {
		ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		if (ret == 0)
			break;
		ret = -errno;
		if (ret == -EINTR)
			continue;
		if (ret != -EAGAIN)
			break;
		if (left_ms(deadline) == 0) {
			ret = -ETIMEDOUT;
			break;
		}
		poll(NULL, 0, 5);
	}
	if (dfd >= 0)
		close(dfd);
	return ret;
}

/* Wait for events on fd until the deadline: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	for (;;) {
		int left = left_ms(deadline);

		if (left == 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const char *buf, size_t len, long long deadline)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		int ret;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return n == 0 ? -EPIPE : -errno;
		ret = wait_fd(fd, POLLOUT, deadline);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Read up to EOF into sb, no more than limit bytes: its length, or -errno. */
static int recv_all(int fd, struct strbuf *sb, size_t limit, long long deadline)
{
	for (;;) {
		ssize_t n;
		int ret;

		sb_grow(sb, 4096);
		n = recv(fd, sb->s + sb->len, sb->cap - sb->len - 1, MSG_DONTWAIT);
		if (n > 0) {
			sb->len += (size_t)n;
			sb->s[sb->len] = '\0';
			if (sb->len > limit)
				return -EFBIG;
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		ret = wait_fd(fd, POLLIN, deadline);
		if (ret < 0)
			return ret;
	}
}

/* Does a answer q, process by process? */
static bool answers(const struct proto_answer *a, const struct proto_request *q,
		    char *err, size_t errlen)
{
	size_t i;

	if (a->version != (q->version ? q->version : PROTO_VERSION)) {
		snprintf(err, errlen, _("it answered a question of version %u in version %u"),
			 q->version ? q->version : PROTO_VERSION, a->version);
		return false;
	}
	if (a->n != q->n) {
		snprintf(err, errlen, _("it answered about %zu processes, not the %zu asked about"),
			 a->n, q->n);
		return false;
	}
	for (i = 0; i < a->n; i++) {
		const struct proto_entry *e = &a->v[i];

		if (e->pid != q->v[i].pid || e->start != q->v[i].start) {
			snprintf(err, errlen, _("its answer %zu is about process %d, not %d"),
				 i + 1, (int)e->pid, (int)q->v[i].pid);
			return false;
		}
		switch (e->kind) {
		case PK_WITNESSED: case PK_INFERRED: case PK_REAPER: case PK_DEFINED:
		case PK_OUTSIDE: case PK_HIDDEN: case PK_UNKNOWN:
			break;
		default:
			snprintf(err, errlen, _("its answer %zu is of no known kind"), i + 1);
			return false;
		}
	}
	return true;
}

int recorder_ask(const char *sock_path, const struct proto_request *q,
		 struct proto_answer *a, int timeout_ms, char *err, size_t errlen)
{
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct strbuf sb = STRBUF_INIT;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	size_t limit;
	int fd, ret;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, _("cannot make a socket: %s"), strerror(-ret));
		return ret;
	}
	ret = connect_path(fd, sock_path, deadline);
	if (ret < 0) {
		if (ret == -ETIMEDOUT)
			snprintf(err, errlen, "%s", _("it took no question in time"));
		else
			snprintf(err, errlen, _("cannot reach '%s': %s"), sock_path,
				 strerror(-ret));
		goto out;
	}
	/* Anyone else could answer anything: not a word is sent or used. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
		ret = -errno;
		snprintf(err, errlen, _("cannot tell who listens on '%s': %s"), sock_path,
			 strerror(-ret));
		goto out;
	}
	if (cred.uid != 0 && cred.uid != geteuid()) {
		snprintf(err, errlen, "%u", (unsigned int)cred.uid);
		ret = -EPERM;
		goto out;
	}
	proto_format_request(&sb, q);
	ret = send_all(fd, sb.s, sb.len, deadline);
	if (ret == 0 && shutdown(fd, SHUT_WR) < 0)
		ret = -errno;
	if (ret < 0)
		goto io;
	sb_reset(&sb);
	limit = ANSWER_HEAD_MAX + q->n * ANSWER_LINE_MAX;
	if (q->version != 1)
		limit += PROTO_MAX_RELEASED(q->n) * RELEASED_LINE_MAX;
	ret = recv_all(fd, &sb, limit, deadline);
	if (ret == -EFBIG) {
		snprintf(err, errlen, _("its answer is longer than %zu bytes"), limit);
		ret = -EBADMSG;
		goto out;
	}
	if (ret < 0)
		goto io;
	ret = proto_parse_answer(sb.s, sb.len, a, err, errlen);
	if (ret < 0) {
		if (ret != -EPROTO)
			ret = -EBADMSG;
		goto out;
	}
	if (!answers(a, q, err, errlen)) {
		proto_answer_free(a);
		memset(a, 0, sizeof(*a));
		ret = -EBADMSG;
	}
	goto out;
io:
	if (ret == -ETIMEDOUT)
		snprintf(err, errlen, _("no answer within %d ms"), timeout_ms);
	else
		snprintf(err, errlen, _("cannot talk to it on '%s': %s"), sock_path,
			 strerror(-ret));
out:
	sb_free(&sb);
	close(fd);
	return ret;
}

int recorder_ask_newest(const char *sock_path, struct proto_request *q,
			struct proto_answer *a, int timeout_ms, char *err, size_t errlen)
{
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int ret;

	q->version = PROTO_VERSION;
	ret = recorder_ask(sock_path, q, a, timeout_ms, err, errlen);
	/*
	 * An older cabatreed says so in a sentence in its own language: any
	 * refusal is asked again. One that refuses for another reason
	 * refuses again, and says why.
	 */
	if (ret != -EPROTO)
		return ret;
	q->version = 1;
	return recorder_ask(sock_path, q, a, left_ms(deadline), err, errlen);
}
