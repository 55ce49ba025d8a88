// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caba-stress: readers of every /proc/PID/status and
 * /proc/PID/task/TID/status racing processes that fork, exit, are
 * released and exec from a thread other than the leader.  Run inside
 * the CABA test VM (tests/kernel/vm-check.sh).
 *
 *   caba-stress [--reads N] [--seconds S] [--readers N]
 *	reads status files until N have been read (default 100000), or
 *	for at most S seconds if given.  When
 *	the kernel shows NScaba:, a read whose NScaba: value is empty, or
 *	not a list of ids ("-" or numbers), is an error if the task is
 *	still there (not released) after the read.  Prints the counts;
 *	exit status 1 on any error.
 *   caba-stress --pidfd
 *	checks ioctl(pidfd, PIDFD_GET_CABA): the CABA's pidfd, close on
 *	exec, of itself, of a child, of an orphan handed on to its CABA;
 *	ESRCH for a released process, ENOENT for init.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PIDFD_GET_CABA
#define PIDFD_GET_CABA _IO(0xFF, 12)
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static atomic_long reads, empties, bad, dashes, gone;
static atomic_int stop;
static long target = 100000;
static double deadline;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
static int has_nscaba;

/* The text after "NScaba:" up to the end of its line, or NULL */
static char *nscaba_value(char *buf)
{
	char *p = strstr(buf, "\nNScaba:");
	char *e;

	if (!p)
		return NULL;
	p += strlen("\nNScaba:");
	e = strchr(p, '\n');
	if (e)
		*e = '\0';
	return p;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, len = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return -1;
	buf[len] = '\0';
	return 0;
}

/* "-", or ids separated by TABs, each after a TAB */
static int well_formed(const char *v)
{
	if (!*v)
		return 0;
	if (!strcmp(v, "\t-"))
		return 1;
	while (*v) {
		if (*v++ != '\t' || *v < '0' || *v > '9')
			return 0;
		while (*v >= '0' && *v <= '9')
			v++;
	}
	return 1;
}

static void check_status(const char *path)
{
	char buf[8192], again[8192];
	char *v;

	if (read_file(path, buf, sizeof(buf)) < 0) {
		atomic_fetch_add(&gone, 1);
		return;
	}
	atomic_fetch_add(&reads, 1);
	if (!has_nscaba)
		return;
	v = nscaba_value(buf);
	if (v && !strcmp(v, "\t-"))
		atomic_fetch_add(&dashes, 1);
	if (v && well_formed(v))
		return;
	if (!v || !*v || !strcmp(v, "\t"))
		atomic_fetch_add(&empties, 1);
	/* An error only if the task is still there after the read */
	if (read_file(path, again, sizeof(again)) == 0) {
		atomic_fetch_add(&bad, 1);
		fprintf(stderr, "caba-stress: %s: NScaba: '%s'\n", path,
			v ? v : "(no line)");
	}
}

static void *reader(void *arg)
{
	char path[600];
	struct dirent *d, *t;
	DIR *proc, *task;

	(void)arg;
	while (!atomic_load(&stop)) {
		proc = opendir("/proc");
		if (!proc)
			exit(2);
		while ((d = readdir(proc)) && !atomic_load(&stop)) {
			if (d->d_name[0] < '1' || d->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/status", d->d_name);
			check_status(path);
			if (deadline && now_s() > deadline)
				atomic_store(&stop, 1);
			snprintf(path, sizeof(path), "/proc/%s/task", d->d_name);
			task = opendir(path);
			if (!task)
				continue;
			while ((t = readdir(task))) {
				if (t->d_name[0] < '1' || t->d_name[0] > '9')
					continue;
				snprintf(path, sizeof(path), "/proc/%s/task/%s/status",
					 d->d_name, t->d_name);
				check_status(path);
			}
			closedir(task);
		}
		closedir(proc);
		if (atomic_load(&reads) >= target || (deadline && now_s() > deadline))
			atomic_store(&stop, 1);
	}
	return NULL;
}

/* A chain of execs, each from a thread that is not the leader */
static char *self_exe;

static void *exec_thread(void *arg)
{
	char *argv[] = { "caba-stress", "--exec-child", arg, NULL };

	execv(self_exe, argv);
	_exit(3);
}

static void exec_child(int n)
{
	static char next[16];
	pthread_t t;

	if (n <= 0)
		_exit(0);
	snprintf(next, sizeof(next), "%d", n - 1);
	if (pthread_create(&t, NULL, exec_thread, next))
		_exit(3);
	pause();
}

/* Forks whose middle exits first: its child is handed on to us */
static void churn(int exec)
{
	pid_t p;

	while (!atomic_load(&stop)) {
		p = fork();
		if (p == 0) {
			if (exec)
				exec_child(8);
			if (fork() == 0) {
				usleep(1000);
				_exit(0);
			}
			_exit(0);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (p < 0)
			usleep(1000);
	}
}

static int stress(int nreaders)
{
	pthread_t r[16];
	pid_t churners[2];
	double t0 = now_s();
	int i;

	has_nscaba = 0;
	{
		char buf[8192];

		if (read_file("/proc/self/status", buf, sizeof(buf)) == 0)
			has_nscaba = nscaba_value(buf) != NULL;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* The churners are processes of their own: a fork of a threaded
	 * process is a copy of one thread. */
	for (i = 0; i < 2; i++) {
		churners[i] = fork();
		if (churners[i] == 0) {
			prctl(PR_SET_CHILD_SUBREAPER, 1);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			churn(i);
			_exit(0);
		}
	}
	for (i = 0; i < nreaders; i++)
		pthread_create(&r[i], NULL, reader, NULL);
	for (i = 0; i < nreaders; i++)
		pthread_join(r[i], NULL);
	for (i = 0; i < 2; i++)
		kill(churners[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	printf("caba-stress: %ld status reads in %.0f s (%d readers, fork/exit/exec churn), NScaba: %s, %ld empty, %ld bad, %ld \"-\", %ld files gone before read\n",
	       atomic_load(&reads), now_s() - t0, nreaders,
	       has_nscaba ? "checked" : "not in this kernel",
	       atomic_load(&empties), atomic_load(&bad), atomic_load(&dashes),
	       atomic_load(&gone));
	return atomic_load(&bad) ? 1 : 0;
}

/* ---- PIDFD_GET_CABA ---- */

static int failures;

static void expect(int cond, const char *what)
{
	printf("caba-stress: pidfd: %s: %s\n", cond ? "ok" : "FAILED", what);
	if (!cond)
		failures++;
}

static int pidfd_pid(int fd)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\nPid:");
	return p ? atoi(p + 5) : -1;
}

/* The pid of the CABA of @pid through PIDFD_GET_CABA, or -errno */
static int caba_of(pid_t pid)
{
	int pfd = syscall(SYS_pidfd_open, pid, 0);
	int fd, flags, ret;

	if (pfd < 0)
		return -1000 - errno;
	fd = ioctl(pfd, PIDFD_GET_CABA, 0);
	ret = fd < 0 ? -errno : pidfd_pid(fd);
	if (fd >= 0) {
		flags = fcntl(fd, F_GETFD);
		if (!(flags & FD_CLOEXEC))
			ret = -9999;
		close(fd);
	}
	close(pfd);
	return ret;
}

static int pidfd_checks(void)
{
	char buf[8192], *v;
	int pfd, fd, p[2], status;
	pid_t child, mid, orphan;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	read_file("/proc/self/status", buf, sizeof(buf));
	v = nscaba_value(buf);
	expect(v && caba_of(getpid()) == atoi(v + 1),
	       "own CABA as NScaba: says, the new pidfd close-on-exec");

	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	expect(caba_of(child) == getpid(), "a child's CABA is its creator");
	pfd = syscall(SYS_pidfd_open, child, 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	fd = ioctl(pfd, PIDFD_GET_CABA, 0);
	expect(fd < 0 && errno == ESRCH, "ESRCH once the process is released");
	close(pfd);

	if (pipe(p))
		return 1;
	mid = fork();
	if (mid == 0) {
		orphan = fork();
		if (orphan == 0) {
			pause();
			_exit(0);
		}
		if (write(p[1], &orphan, sizeof(orphan)) != sizeof(orphan))
			_exit(1);
		expect(caba_of(orphan) == getpid(), "a grandchild's CABA is its creator");
		_exit(failures);
	}
	if (read(p[0], &orphan, sizeof(orphan)) != sizeof(orphan))
		return 1;
	waitpid(mid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		failures++;
	expect(caba_of(orphan) == getpid(),
	       "once its creator is released, handed on to the creator's CABA");
	kill(orphan, SIGKILL);
	waitpid(orphan, NULL, 0);

	expect(caba_of(1) == -ENOENT, "ENOENT for init, born of the idle task");
	pfd = syscall(SYS_pidfd_open, getpid(), 0);
	fd = ioctl(pfd, PIDFD_GET_CABA, 1);
	expect(fd < 0, "an argument other than 0 is refused");
	close(pfd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int nreaders = 2;
	int i;

	self_exe = "/proc/self/exe";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--exec-child") && i + 1 < argc)
			exec_child(atoi(argv[++i]));
		else if (!strcmp(argv[i], "--reads") && i + 1 < argc)
			target = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			deadline = now_s() + atof(argv[++i]);
		else if (!strcmp(argv[i], "--readers") && i + 1 < argc)
			nreaders = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pidfd"))
			return pidfd_checks();
		else {
			fprintf(stderr, "usage: caba-stress [--reads N] [--seconds S] [--readers N] | --pidfd\n");
			return 2;
		}
	}
	if (nreaders < 1 || nreaders > 16)
		nreaders = 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return stress(nreaders);
}
