// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Workloads for the recorder's live tests. Each prints the pids the test
 * needs on one line, then holds its processes until stdin closes, and
 * ends them all:
 *
 *   sessions      the example of cabatree(1) in a pid namespace: prints the host
 *                 pids of namespace pids 1..7; a 'g' on stdin runs phase
 *                 two (the deaths), then it prints "done"
 *   clone-parent  P, A, B: A made B with CLONE_PARENT (B's real parent: P)
 *   thread-fork   P, C: a thread of P that is not its leader forked C
 *   zombie        P, A, B: A forked B and exited, unreaped; an 'r' on
 *                 stdin reaps A, then it prints "reaped"
 *   reuse         P, X, Y, Z, W: X forked Y and was reaped; Z got X's pid
 *                 again (ns_last_pid) and forked W
 *   storm N       fork N processes that exit at once, one after the
 *                 other; prints "N forks in S seconds"
 *   hidepid       prints its pid; a 'u' on stdin moves it (no fork, no
 *                 exec) into a mount namespace of its own, then it prints
 *                 "unshared"; an 'm' mounts a procfs with hidepid=2 on
 *                 /proc there, then it prints "mounted"
 *   notify PATH   a unix datagram socket at PATH, as systemd's
 *                 NOTIFY_SOCKET: prints "listening", then the first
 *                 datagram that comes, and ends
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demo/scenario.h"

static void die(const char *what)
{
	fprintf(stderr, "borntree: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void forever(const char *name)
{
	prctl(PR_SET_NAME, name);
	for (;;)
		pause();
}

/* Wait for a byte c on stdin (0 for end of file). */
static void wait_stdin(char c)
{
	char b;
	ssize_t n;

	while ((n = read(0, &b, 1)) != 0) {
		if (n < 0 && errno != EINTR)
			return;
		if (n == 1 && c && b == c)
			return;
	}
}

static pid_t ppid_of(pid_t pid)
{
	char path[32], buf[512], *q;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	q = strrchr(buf, ')');
	return q ? (pid_t)atoi(q + 4) : -1;
}

static void wait_ppid(pid_t pid, pid_t want)
{
	int i;

	for (i = 0; i < 500 && ppid_of(pid) != want; i++)
		usleep(10000);
}

static void end(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static int sessions(void)
{
	struct scenario s;
	int i;

	if (scenario_sessions_start(&s, 0) < 0)
		die("sessions");
	for (i = 1; i <= 7; i++)
		printf("%d%c", (int)s.host[i], i == 7 ? '\n' : ' ');
	fflush(stdout);
	if (scenario_sessions_finish(&s) < 0)
		die("sessions, phase two");
	printf("done\n");
	fflush(stdout);
	wait_stdin(0);
	scenario_sessions_stop(&s);
	return 0;
}

static int clone_parent(void)
{
	int pfd[2];
	pid_t a, b;

	if (pipe(pfd) < 0)
		die("pipe");
	a = fork();
	if (a == 0) {
		b = (pid_t)syscall(SYS_clone, CLONE_PARENT, NULL, NULL, NULL, NULL);
		if (b == 0)
			forever("cp-child");
		if (write(pfd[1], &b, sizeof(b)) != sizeof(b))
			_exit(1);
		forever("cp-caller");
	}
	if (a < 0 || read(pfd[0], &b, sizeof(b)) != sizeof(b))
		die("clone");
	printf("%d %d %d\n", (int)getpid(), (int)a, (int)b);
	fflush(stdout);
	wait_stdin(0);
	end(b);
	end(a);
	return 0;
}

static void *thread_main(void *arg)
{
	pid_t *c = arg;

	*c = fork();
	if (*c == 0)
		forever("thr-child");
	return NULL;
}

static int thread_fork(void)
{
	pthread_t th;
	pid_t c = -1;

	if (pthread_create(&th, NULL, thread_main, &c) != 0)
		die("pthread_create");
	pthread_join(th, NULL);
	if (c < 0)
		die("fork from a thread");
	printf("%d %d\n", (int)getpid(), (int)c);
	fflush(stdout);
	wait_stdin(0);
	end(c);
	return 0;
}

static int zombie(void)
{
	int pfd[2];
	pid_t a, b;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (pipe(pfd) < 0)
		die("pipe");
	a = fork();
	if (a == 0) {
		prctl(PR_SET_NAME, "zb-parent");
		b = fork();
		if (b == 0)
			forever("zb-child");
		if (write(pfd[1], &b, sizeof(b)) != sizeof(b))
			_exit(1);
		_exit(0);
	}
	if (a < 0 || read(pfd[0], &b, sizeof(b)) != sizeof(b))
		die("fork");
	wait_ppid(b, getpid());
	printf("%d %d %d\n", (int)getpid(), (int)a, (int)b);
	fflush(stdout);
	wait_stdin('r');
	waitpid(a, NULL, 0);
	printf("reaped\n");
	fflush(stdout);
	wait_stdin(0);
	end(b);
	return 0;
}

/* Fork a child that forks one more and holds; the grandchild's pid in *kid. */
static pid_t fork_pair(const char *name, const char *kidname, pid_t *kid, bool hold)
{
	int pfd[2];
	pid_t p;

	if (pipe(pfd) < 0)
		die("pipe");
	p = fork();
	if (p == 0) {
		pid_t k;

		prctl(PR_SET_NAME, name);
		k = fork();
		if (k == 0)
			forever(kidname);
		if (write(pfd[1], &k, sizeof(k)) != sizeof(k))
			_exit(1);
		if (hold)
			forever(name);
		_exit(0);
	}
	if (p < 0 || read(pfd[0], kid, sizeof(*kid)) != sizeof(*kid))
		die("fork");
	close(pfd[0]);
	close(pfd[1]);
	return p;
}

static int set_last_pid(pid_t pid)
{
	FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "we");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%d", (int)pid) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int reuse(void)
{
	struct timespec t0;
	pid_t x, y, z = -1, w = -1;
	int i;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	x = fork_pair("reuse-old", "reuse-kid", &y, false);
	waitpid(x, NULL, 0);		/* released: y is ours now */
	wait_ppid(y, getpid());
	/*
	 * A process is (pid, start time in clock ticks): two holders of one
	 * pid within a tick are one process to any reader of /proc.
	 */
	usleep(50000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Others fork too (a storm, say): try for a while until it is ours. */
	for (i = 0; i < 100000 && elapsed(&t0) < 30.0; i++) {
		if (set_last_pid(x - 1) < 0)
			die("ns_last_pid");
		z = fork_pair("reuse-new", "reuse-kid2", &w, true);
		if (z == x)
			break;
		end(w);
		end(z);
		z = -1;
	}
	if (z != x) {
		fprintf(stderr, "borntree: could not get pid %d again\n", (int)x);
		end(y);
		return 1;
	}
	printf("%d %d %d %d %d\n", (int)getpid(), (int)x, (int)y, (int)z, (int)w);
	fflush(stdout);
	wait_stdin(0);
	end(w);
	end(z);
	end(y);
	return 0;
}

static int storm(long n)
{
	struct timespec a, b;
	double s;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p < 0)
			die("fork");
		waitpid(p, NULL, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%ld forks in %.3f seconds\n", n, s);
	return 0;
}

static int hidepid(void)
{
	printf("%d\n", (int)getpid());
	fflush(stdout);
	wait_stdin('u');
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("making / private");
	printf("unshared\n");
	fflush(stdout);
	wait_stdin('m');
	if (mount("proc", "/proc", "proc", 0, "hidepid=2") < 0)
		die("mounting a procfs");
	printf("mounted\n");
	fflush(stdout);
	wait_stdin(0);
	return 0;
}

/* What a service manager does to hear READY=1: one datagram, printed. */
static int notify(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("borntree notify");
		return 1;
	}
	printf("listening\n");
	do
		n = recv(fd, buf, sizeof(buf) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		perror("borntree notify");
		return 1;
	}
	buf[n] = '\0';
	printf("%s\n", buf);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(m, "sessions") == 0)
		return sessions();
	if (strcmp(m, "clone-parent") == 0)
		return clone_parent();
	if (strcmp(m, "thread-fork") == 0)
		return thread_fork();
	if (strcmp(m, "zombie") == 0)
		return zombie();
	if (strcmp(m, "reuse") == 0)
		return reuse();
	if (strcmp(m, "storm") == 0 && argc > 2)
		return storm(atol(argv[2]));
	if (strcmp(m, "hidepid") == 0)
		return hidepid();
	if (strcmp(m, "notify") == 0 && argc > 2)
		return notify(argv[2]);
	fprintf(stderr, "usage: borntree sessions|clone-parent|thread-fork|zombie|reuse|storm N|hidepid|notify PATH\n");
	return 2;
}
