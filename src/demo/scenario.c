// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procfs.h"
#include "demo/scenario.h"

/* Our pid as the host's /proc numbers it, even inside a pid namespace. */
static pid_t host_pid(void)
{
	int procfd = procfs_open(PROCFS_ROOT);
	pid_t pid = procfd < 0 ? -1 : procfs_self_pid(procfd);

	if (procfd >= 0)
		close(procfd);
	return pid > 0 ? pid : getpid();
}

static void report(int fd, int nspid, const char *name)
{
	char line[64];
	int n;

	prctl(PR_SET_NAME, name);
	n = snprintf(line, sizeof(line), "%d %d\n", nspid, (int)host_pid());
	if (write(fd, line, (size_t)n) != n)
		_exit(1);
}

/* 0 when fd has something to read, or -ETIMEDOUT / -EINTR / -errno. */
static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);

	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

static void wait_byte(int fd, char want)
{
	char c;

	while (read(fd, &c, 1) == 1) {
		if (c == want)
			return;
	}
	_exit(1);
}

/*
 * fork(), again while the system is out of pids for a moment (a storm of
 * short-lived processes elsewhere): the story needs each of its forks.
 */
static pid_t fork_story(void)
{
	for (int i = 0; i < 1000; i++) {
		pid_t pid = fork();

		/* The demo's own handlers are not the workload's: kill ends it. */
		if (pid == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
		}
		if (pid >= 0 || errno != EAGAIN)
			return pid;
		usleep(10000);
	}
	return -1;
}

static void put_byte(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(1);
}

static void forever(void)
{
	for (;;)
		pause();
}

/* Namespace pid 2: the first session leader, which runs the story. */
static void session_two(int rep, int go_fd)
{
	int die3[2], die6[2], ready[2];
	pid_t p3, p4, p6;

	setsid();
	report(rep, 2, "leader-a");
	if (pipe(die3) || pipe(die6) || pipe(ready))
		_exit(1);
	p3 = fork_story();
	if (p3 == 0) {
		report(rep, 3, "middle-a");
		p4 = fork_story();
		if (p4 == 0) {
			report(rep, 4, "leader-b");
			if (fork_story() == 0) {
				report(rep, 5, "worker-a");
				forever();
			}
			setsid();
			p6 = fork_story();
			if (p6 == 0) {
				report(rep, 6, "middle-b");
				if (fork_story() == 0) {
					report(rep, 7, "worker-b");
					forever();
				}
				wait_byte(die6[0], 'x');
				_exit(0);
			}
			waitpid(p6, NULL, 0);
			put_byte(ready[1], '6');
			forever();
		}
		wait_byte(die3[0], 'x');
		_exit(0);
	}
	if (go_fd >= 0)
		wait_byte(go_fd, 'g');
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	put_byte(die6[1], 'x');
	wait_byte(ready[0], '6');	/* 6 reaped: 7 is ours now */
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	put_byte(die3[1], 'x');
	waitpid(p3, NULL, 0);		/* 4 goes to init */
	if (write(rep, "done\n", 5) != 5)
		_exit(1);
	forever();
}

int scenario_sessions_start(struct scenario *s, int go_fd)
{
	int rep[2], seen = 0;
	FILE *f;
	char line[64];

	memset(s, 0, sizeof(*s));
	if (pipe2(rep, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	s->init = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);
	if (s->init < 0) {
		int err = -errno;

		close(rep[0]);
		close(rep[1]);
		return err;
	}
	if (s->init == 0) {
		/* The namespace must not outlive whoever started it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(rep[0]);
		report(rep[1], 1, "ns-init");
		if (fork_story() == 0)
			session_two(rep[1], go_fd);
		forever();
	}
	close(rep[1]);
	s->report_fd = rep[0];
	/* Read line by line without buffering past "7": phase two follows. */
	f = fdopen(dup(rep[0]), "r");
	if (!f)
		return -errno;
	setvbuf(f, NULL, _IONBF, 0);
	s->waits_for_go = go_fd >= 0;
	while (seen < 7) {
		int ns, host, err = wait_readable(rep[0], SCENARIO_TIMEOUT_MS);

		if (err < 0) {
			fclose(f);
			return err;
		}
		if (!fgets(line, sizeof(line), f))
			break;
		/*
		 * Without go_fd, phase two runs at once and may end before
		 * the last of phase one's lines is read here.
		 */
		if (strcmp(line, "done\n") == 0) {
			s->done = 1;
			continue;
		}
		if (sscanf(line, "%d %d", &ns, &host) == 2 && ns >= 1 && ns <= 7) {
			s->host[ns] = host;
			seen++;
		}
	}
	fclose(f);
	return seen == 7 ? 0 : -EPROTO;
}

int scenario_sessions_finish(struct scenario *s)
{
	char buf[8];
	size_t got = 0;

	if (s->done)
		return 0;
	while (got < 5) {
		int err = wait_readable(s->report_fd,
					s->waits_for_go ? -1 : SCENARIO_TIMEOUT_MS);
		ssize_t n;

		if (err < 0)
			return err;
		n = read(s->report_fd, buf + got, 5 - got);
		if (n < 0 && errno == EINTR)
			return -EINTR;
		if (n <= 0)
			return -EPROTO;
		got += (size_t)n;
	}
	return memcmp(buf, "done\n", 5) == 0 ? 0 : -EPROTO;
}

void scenario_sessions_stop(struct scenario *s)
{
	if (s->init > 0) {
		kill(s->init, SIGKILL);	/* the namespace dies with its init */
		waitpid(s->init, NULL, 0);
		s->init = 0;
	}
	if (s->report_fd > 0)
		close(s->report_fd);
	s->report_fd = -1;
}

/* The real parent of pid, from /proc; -1 if unknown. */
static pid_t parent_of(pid_t pid)
{
	int procfd = procfs_open(PROCFS_ROOT);
	struct procfs_light l;
	int err = procfd < 0 ? procfd : procfs_light_read(procfd, pid, &l);

	if (procfd >= 0)
		close(procfd);
	return err < 0 ? -1 : l.ppid;
}

int scenario_daemonise_start(struct daemonise *d)
{
	int rep[2];
	pid_t got[2];

	memset(d, 0, sizeof(*d));
	if (pipe2(rep, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	d->manager = fork_story();
	if (d->manager < 0)
		return -errno;
	if (d->manager == 0) {
		pid_t l, manager = getpid();

		/* Nothing here outlives the demo, even killed (SIGKILL). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "service-manager");
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		l = fork_story();
		if (l == 0) {
			pid_t m;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			prctl(PR_SET_NAME, "launcher");
			if (write(rep[1], &(pid_t){ getpid() }, sizeof(pid_t)) != sizeof(pid_t))
				_exit(1);
			m = fork_story();
			if (m == 0) {
				prctl(PR_SET_NAME, "service");
				if (fork_story() == 0) {
					setsid();
					if (fork_story() == 0) {
						prctl(PR_SET_NAME, "daemon");
						if (write(rep[1], &(pid_t){ getpid() },
							  sizeof(pid_t)) != sizeof(pid_t))
							_exit(1);
						/*
						 * Once adopted, it dies with the manager:
						 * set earlier, its parent's planned exit
						 * would kill it.
						 */
						for (int i = 0; i < 500 && getppid() != manager; i++)
							usleep(10000);
						prctl(PR_SET_PDEATHSIG, SIGKILL);
						if (getppid() != manager)
							_exit(1);
						forever();
					}
					_exit(0);
				}
				_exit(0);
			}
			waitpid(m, NULL, 0);
			forever();
		}
		/* The manager reaps what it adopts, as a service manager does. */
		for (;;) {
			if (wait(NULL) < 0 && errno == ECHILD)
				pause();
		}
	}
	close(rep[1]);
	if (read(rep[0], &got[0], sizeof(pid_t)) != sizeof(pid_t) ||
	    read(rep[0], &got[1], sizeof(pid_t)) != sizeof(pid_t)) {
		close(rep[0]);
		scenario_daemonise_stop(d);
		return -EPROTO;
	}
	close(rep[0]);
	d->launcher = got[0];
	d->daemon = got[1];
	/* Done once the manager has adopted the daemon. */
	for (int i = 0; i < 500 && parent_of(d->daemon) != d->manager; i++)
		usleep(10000);
	return 0;
}

void scenario_daemonise_stop(struct daemonise *d)
{
	/* The daemon and the launcher first: the manager reaps them. */
	if (d->daemon > 0)
		kill(d->daemon, SIGKILL);
	if (d->launcher > 0)
		kill(d->launcher, SIGKILL);
	if (d->manager > 0) {
		usleep(20000);
		kill(d->manager, SIGKILL);
		waitpid(d->manager, NULL, 0);
	}
	memset(d, 0, sizeof(*d));
}
