// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Asks cabatreed's socket about processes and prints its reply as it
 * came, for tests/live/recorder-query.sh:
 *
 *   askrec [-V VERSION] [-n PIDNS] [-w MS] [-p PROC] [-s SECONDS] [-t] SOCKET PID...
 *   askrec -r [-s SECONDS] SOCKET < BYTES
 *
 * Each PID's start time is read from PROC (default /proc)/PID/stat, or
 * given as PID:START; the
 * pid namespace is PIDNS, else that of /proc/self/ns/pid; the question is
 * of the protocol's VERSION (default: the newest). -r sends stdin
 * as it is. -s sends half of it, waits SECONDS, then sends the rest; the
 * end of what is sent is told (shutdown) in every case. -t
 * says on stderr how long the reply took (microseconds). Exits 0 for an
 * answer, 2 for an error message, 3 for anything else, 1 on failure.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "recorder/proto.h"
#include "xalloc.h"

static unsigned long long start_of(const char *proc, pid_t pid)
{
	char path[4096], buf[4096], *p;
	unsigned long long v = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/%d/stat", proc, (int)pid);
	f = fopen(path, "re");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		fprintf(stderr, "askrec: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* Field 22; field 3 follows ") ". */
	for (i = 3; p && i <= 22; i++) {
		p = strchr(p + 1, ' ');
		if (p && i == 22)
			v = strtoull(p + 1, NULL, 10);
	}
	return v;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void send_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;		/* closed by cabatreed: its reply says why */
		}
		s += w;
		n -= (size_t)w;
	}
}

int main(int argc, char **argv)
{
	struct proto_request q = { .wait_ms = PROTO_DEFAULT_WAIT_MS };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct strbuf out = STRBUF_INIT, in = STRBUF_INIT;
	const char *proc = "/proc";
	struct proto_answer a;
	unsigned int stall = 0;
	bool raw = false, timing = false;
	long long t0;
	ssize_t r;
	char err[512];
	int opt, fd, i, ret;

	while ((opt = getopt(argc, argv, "V:n:w:p:s:rt")) != -1) {
		switch (opt) {
		case 'V':
			q.version = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			q.pidns = strtoull(optarg, NULL, 10);
			break;
		case 'w':
			q.wait_ms = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			proc = optarg;
			break;
		case 's':
			stall = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			raw = true;
			break;
		case 't':
			timing = true;
			break;
		default:
			return 1;
		}
	}
	if (optind >= argc || strlen(argv[optind]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "askrec: no socket, or too long a path\n");
		return 1;
	}
	strcpy(sa.sun_path, argv[optind++]);
	if (raw) {
		if (sb_read_fd(&out, 0, SIZE_MAX) < 0)
			return 1;
	} else {
		struct stat sb;

		if (!q.pidns) {
			if (stat("/proc/self/ns/pid", &sb) < 0)
				return 1;
			q.pidns = (unsigned long long)sb.st_ino;
		}
		q.n = (size_t)(argc - optind);
		q.v = xcalloc(q.n ? q.n : 1, sizeof(*q.v));
		for (i = 0; i < (int)q.n; i++) {
			const char *colon = strchr(argv[optind + i], ':');

			q.v[i].pid = (pid_t)atoi(argv[optind + i]);
			q.v[i].start = colon ? strtoull(colon + 1, NULL, 10) :
				       start_of(proc, q.v[i].pid);
		}
		proto_format_request(&out, &q);
		free(q.v);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "askrec: %s: %s\n", sa.sun_path, strerror(errno));
		return 1;
	}
	t0 = now_us();
	if (stall) {
		send_all(fd, out.s ? out.s : "", out.len / 2);
		sleep(stall);
		send_all(fd, out.s + out.len / 2, out.len - out.len / 2);
	} else {
		send_all(fd, out.s ? out.s : "", out.len);
	}
	shutdown(fd, SHUT_WR);
	r = sb_read_fd(&in, fd, SIZE_MAX);
	if (r < 0 && r != -ECONNRESET) {
		fprintf(stderr, "askrec: reading the reply: %s\n", strerror((int)-r));
		return 1;
	}
	if (timing)
		fprintf(stderr, "%lld\n", now_us() - t0);
	close(fd);
	if (in.len)
		fwrite(in.s, 1, in.len, stdout);
	ret = proto_parse_answer(in.s ? in.s : (char *)"", in.len, &a, err, sizeof(err));
	proto_answer_free(&a);
	sb_free(&in);
	sb_free(&out);
	return ret == 0 ? 0 : ret == -EPROTO ? 2 : 3;
}
