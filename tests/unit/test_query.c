// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/recorder/query.c: cabatree asking a recorder over a
 * unix socket. The recorder here is a child process that answers one
 * question the way each test asks it to: right, wrong, not at all, too
 * much, as someone else.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "recorder/proto.h"
#include "recorder/query.h"
#include "xalloc.h"

enum mode {
	RIGHT,		/* answers every process asked, in order */
	REORDERED,	/* the right processes, two swapped */
	FEWER,		/* one left out */
	REFUSES,	/* an error sentence */
	SILENT,		/* reads the question, never answers */
	FLOOD,		/* far more than any answer to the question */
	GARBAGE,	/* not the protocol at all */
	LINEAGE,	/* RIGHT, and the last one's creator released */
	OLD,		/* a recorder older than version 2: refuses it, answers version 1 */
	MISMATCH,	/* answers in version 1 whatever the question's */
};

struct server {
	char top[64];
	char dir[256];
	char path[512];
	pid_t pid;
};

/* The recorder of the test running, killed however the test ends. */
static pid_t server_pid;

/* Answer one question in mode on fd; false if it refused it (then it waits for another). */
static bool serve_one(int fd, enum mode mode)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct proto_request q;
	struct proto_answer a = { .backend = "ebpf", .lost = 3, .since = 1 };
	struct proto_released rel = { 77, 7, 0, 0, 1234, 0, "nohup", NULL };
	bool answered = true;
	char err[256];
	size_t i;

	if (sb_read_fd(&in, fd, 1 << 20) < 0)
		_exit(1);
	if (proto_parse_request(in.s, in.len, &q, err, sizeof(err)) < 0)
		_exit(2);
	a.version = mode == MISMATCH ? 1 : q.version;
	a.n = q.n;
	a.v = xcalloc(q.n + 1, sizeof(*a.v));
	for (i = 0; i < q.n; i++) {
		a.v[i].pid = q.v[i].pid;
		a.v[i].start = q.v[i].start;
		a.v[i].kind = i ? PK_WITNESSED : PK_DEFINED;
		a.v[i].caba = i ? q.v[i - 1].pid : 0;
		a.v[i].caba_start = i ? q.v[i - 1].start : 0;
	}
	switch (mode) {
	case RIGHT:
	case MISMATCH:
		proto_format_answer(&out, &a);
		break;
	case LINEAGE:
		a.lineage = true;
		a.dropped = 2;
		a.v[q.n - 1].creator = 77;
		a.v[q.n - 1].creator_start = 7;
		a.rel = &rel;
		a.nrel = 1;
		proto_format_answer(&out, &a);
		break;
	case OLD:
		if (q.version != 1) {
			/* As it says it, in its language. */
			sb_addf(&out, "cabatree-error 1\nmalformed question: line 1: version %u of "
				"the question is not supported; only version 1 is\n", q.version);
			answered = false;
		} else {
			proto_format_answer(&out, &a);
		}
		break;
	case REORDERED: {
		struct proto_entry t = a.v[0];

		a.v[0] = a.v[1];
		a.v[1] = t;
		proto_format_answer(&out, &a);
		break;
	}
	case FEWER:
		a.n--;
		proto_format_answer(&out, &a);
		break;
	case REFUSES:
		proto_format_error(&out, "this pid namespace is not recorded");
		answered = false;
		break;
	case SILENT:
		pause();
		break;
	case FLOOD:
		for (i = 0; i < 600000; i++)
			sb_adds(&out, "1 1 w 1 1 0 0\n");
		break;
	case GARBAGE:
		sb_adds(&out, "HTTP/1.0 200 OK\n\nhello\n");
		break;
	}
	if (out.len && write(fd, out.s, out.len) < 0)
		_exit(3);
	free(a.v);
	proto_request_free(&q);
	sb_free(&in);
	sb_free(&out);
	return answered;
}

static void serve(int lfd, enum mode mode)
{
	int fd;

	do {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			_exit(1);
	} while (!serve_one(fd, mode) && close(fd) == 0);
	_exit(0);
}

/*
 * A recorder answering in mode, as uid, at a path longer than sun_path
 * allows when deep.
 */
static void server_start(struct server *s, bool deep, enum mode mode, uid_t uid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name = "state.sock";
	int ready[2];
	char c;

	snprintf(s->top, sizeof(s->top), "/tmp/cabatree-query.XXXXXX");
	assert_non_null(mkdtemp(s->top));
	chmod(s->top, 0777);
	snprintf(s->dir, sizeof(s->dir), "%s", s->top);
	if (deep) {
		snprintf(s->dir, sizeof(s->dir), "%s/%0120d", s->top, 0);
		assert_int_equal(mkdir(s->dir, 0777), 0);
		chmod(s->dir, 0777);
	}
	snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);
	assert_int_equal(pipe(ready), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		int lfd;

		close(ready[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (uid != (uid_t)-1 && (setgid(uid) < 0 || setuid(uid) < 0))
			_exit(4);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		/* A long name is bound from its directory. */
		if (chdir(s->dir) < 0)
			_exit(5);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", name);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    listen(lfd, 4) < 0)
			_exit(6);
		if (write(ready[1], "r", 1) != 1)
			_exit(7);
		close(ready[1]);
		serve(lfd, mode);
	}
	server_pid = s->pid;
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
}

static void server_stop(struct server *s)
{
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	server_pid = 0;
	unlink(s->path);
	if (strcmp(s->dir, s->top) != 0)
		rmdir(s->dir);
	rmdir(s->top);
}

static int teardown(void **state)
{
	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
		server_pid = 0;
	}
	return 0;
}

static struct proto_pair pairs[] = { { 1, 10 }, { 42, 500 }, { 4194304, 18446744073709551615ULL } };
static const struct proto_request question = {
	.pidns = 4026531836ULL, .wait_ms = 250, .v = pairs, .n = 3,
};

static int ask(struct server *s, struct proto_answer *a, char *err, size_t errlen)
{
	return recorder_ask(s->path, &question, a, 1000, err, errlen);
}

static void test_ask_right(void **state)
{
	struct server s;
	struct proto_answer a;
	char err[256];

	(void)state;
	server_start(&s, false, RIGHT, (uid_t)-1);
	assert_int_equal(ask(&s, &a, err, sizeof(err)), 0);
	assert_int_equal(a.n, 3);
	assert_string_equal(a.backend, "ebpf");
	assert_int_equal(a.lost, 3);
	assert_int_equal(a.v[0].kind, PK_DEFINED);
	assert_int_equal(a.v[2].kind, PK_WITNESSED);
	assert_int_equal(a.v[2].caba, 42);
	assert_true(a.v[2].start == 18446744073709551615ULL);
	proto_answer_free(&a);
	server_stop(&s);
}

/* A path longer than sun_path is reached through its directory. */
static void test_ask_long_path(void **state)
{
	struct server s;
	struct proto_answer a;
	char err[256];

	(void)state;
	server_start(&s, true, RIGHT, (uid_t)-1);
	assert_true(strlen(s.path) >= sizeof(((struct sockaddr_un *)0)->sun_path));
	assert_int_equal(ask(&s, &a, err, sizeof(err)), 0);
	assert_int_equal(a.n, 3);
	proto_answer_free(&a);
	server_stop(&s);
}

/* Lineage read through: a released ancestor, the count the cap dropped. */
static void test_ask_lineage(void **state)
{
	struct server s;
	struct proto_answer a;
	char err[256];

	(void)state;
	server_start(&s, false, LINEAGE, (uid_t)-1);
	assert_int_equal(ask(&s, &a, err, sizeof(err)), 0);
	assert_int_equal(a.version, 2);
	assert_true(a.lineage && a.dropped == 2);
	assert_int_equal(a.nrel, 1);
	assert_string_equal(a.rel[0].name, "nohup");
	assert_true(a.v[2].creator == 77 && a.v[2].creator_start == 7);
	proto_answer_free(&a);
	server_stop(&s);
}

/*
 * A recorder older than version 2 refuses the question; asked again in
 * version 1, it answers, without lineage. A newer one is asked once.
 */
static void test_ask_old_recorder(void **state)
{
	struct proto_request q = question;
	struct server s;
	struct proto_answer a;
	char err[256];

	(void)state;
	server_start(&s, false, OLD, (uid_t)-1);
	assert_int_equal(recorder_ask_newest(s.path, &q, &a, 1000, err, sizeof(err)), 0);
	assert_int_equal(q.version, 1);
	assert_int_equal(a.version, 1);
	assert_false(a.lineage);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.v[2].caba, 42);
	proto_answer_free(&a);
	server_stop(&s);

	q.version = 0;
	server_start(&s, false, RIGHT, (uid_t)-1);
	assert_int_equal(recorder_ask_newest(s.path, &q, &a, 1000, err, sizeof(err)), 0);
	assert_int_equal(q.version, PROTO_VERSION);
	assert_int_equal(a.version, PROTO_VERSION);
	proto_answer_free(&a);
	server_stop(&s);

	/* One that refuses for another reason refuses twice, and says why. */
	server_start(&s, false, REFUSES, (uid_t)-1);
	assert_int_equal(recorder_ask_newest(s.path, &q, &a, 1000, err, sizeof(err)), -EPROTO);
	assert_true(err[0] != '\0');
	server_stop(&s);
}

static void test_ask_wrong(void **state)
{
	static const enum mode modes[] = { REORDERED, FEWER, FLOOD, GARBAGE, MISMATCH };
	struct server s;
	struct proto_answer a;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		server_start(&s, false, modes[i], (uid_t)-1);
		assert_int_equal(ask(&s, &a, err, sizeof(err)), -EBADMSG);
		assert_true(err[0] != '\0');
		assert_null(a.v);
		server_stop(&s);
	}
}

static void test_ask_refused(void **state)
{
	struct server s;
	struct proto_answer a;
	char err[256];

	(void)state;
	server_start(&s, false, REFUSES, (uid_t)-1);
	assert_int_equal(ask(&s, &a, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "this pid namespace is not recorded");
	server_stop(&s);
}

static void test_ask_silent(void **state)
{
	struct server s;
	struct proto_answer a;
	struct timespec t0, t1;
	char err[256];
	long ms;

	(void)state;
	server_start(&s, false, SILENT, (uid_t)-1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(recorder_ask(s.path, &question, &a, 200, err, sizeof(err)), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 190 && ms < 2000);
	server_stop(&s);
}

/* No socket, and a socket nobody listens on: no recorder runs. */
static void test_ask_nobody(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct proto_answer a;
	char dir[] = "/tmp/cabatree-query.XXXXXX", path[64], err[256];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.sock", dir);
	assert_int_equal(recorder_ask(path, &question, &a, 1000, err, sizeof(err)), -ENOENT);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(recorder_ask(path, &question, &a, 1000, err, sizeof(err)),
			 -ECONNREFUSED);
	unlink(path);
	rmdir(dir);
}

/* A listener that is neither root nor the caller is not even asked. */
static void test_ask_untrusted(void **state)
{
	struct server s;
	struct proto_answer a;
	char err[256];

	(void)state;
	if (geteuid() != 0)
		skip();
	server_start(&s, false, RIGHT, 65534);
	assert_int_equal(ask(&s, &a, err, sizeof(err)), -EPERM);
	assert_string_equal(err, "65534");
	server_stop(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ask_right, teardown),
		cmocka_unit_test_teardown(test_ask_long_path, teardown),
		cmocka_unit_test_teardown(test_ask_wrong, teardown),
		cmocka_unit_test_teardown(test_ask_lineage, teardown),
		cmocka_unit_test_teardown(test_ask_old_recorder, teardown),
		cmocka_unit_test_teardown(test_ask_refused, teardown),
		cmocka_unit_test_teardown(test_ask_silent, teardown),
		cmocka_unit_test_teardown(test_ask_nobody, teardown),
		cmocka_unit_test_teardown(test_ask_untrusted, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
