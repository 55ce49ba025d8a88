// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * storm LOG SECONDS [WORKERS]: processes created and ended at a high rate,
 * for the race test (tests/live/races.sh), for SECONDS at most or until a
 * file LOG.stop appears.
 *
 * storm is a child subreaper; its workers (named "w") fork children, each
 * named "k<PID of its parent>" as soon as it runs. Some children exit at
 * once, some after a moment, some fork a grandchild (named after them)
 * and exit, so that the grandchild is reparented to storm. A process
 * forks only while its name is "w" or "n", never while it is a "k" name,
 * so a "k<P>" process always has P as its parent, or storm once P is gone.
 *
 * LOG gets "storm PID" first, then one line "CHILD PARENT" per fork. In a
 * pid namespace of its own where /proc/sys/kernel/ns_last_pid is writable
 * (root), storm sets it back every millisecond, so that freed pids are
 * handed out again at once. Never in the initial pid namespace: every
 * process of the machine would then get pids used before in the same
 * clock tick, which the rest of the system does not expect. At the end,
 * storm prints how many processes it created.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_KIDS 16	/* unreaped children per worker */

/* The inode of the initial pid namespace (PROC_PID_INIT_INO). */
#define INIT_PID_NS_INO 0xEFFFFFFCU

static int log_fd;
static char stop_file[4096];

static void name_me(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

/* "k<PID of the parent>". */
static void name_k(pid_t parent)
{
	char name[16];

	snprintf(name, sizeof(name), "k%ld", (long)parent);
	name_me(name);
}

static void log_fork(pid_t child, pid_t parent)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%d %d\n", (int)child, (int)parent);

	/* One write of a short line to an O_APPEND file: lines never mix. */
	if (write(log_fd, line, (size_t)n) != n)
		_exit(3);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A child of parent: runs with its "k" name, maybe leaves an orphan. */
static void child(pid_t parent, unsigned int r)
{
	pid_t me = getpid(), g;

	name_k(parent);
	switch (r % 4) {
	case 0:
		break;
	case 1:
		usleep(r % 2000);
		break;
	case 2:
		sched_yield();
		break;
	case 3:
		name_me("n");	/* neutral while forking */
		g = fork();
		if (g == 0) {
			name_k(me);
			usleep(r % 3000);
			_exit(0);
		}
		if (g > 0)
			log_fork(g, me);
		name_k(parent);
		break;
	}
	_exit(0);
}

static unsigned long worker(double end, unsigned int seed)
{
	pid_t me = getpid();
	unsigned long made = 0;
	int kids = 0;

	name_me("w");
	while (now() < end) {
		pid_t c;

		if (made % 64 == 0 && access(stop_file, F_OK) == 0)
			break;

		while (kids > 0 && waitpid(-1, NULL, kids >= MAX_KIDS ? 0 : WNOHANG) > 0)
			kids--;
		seed = seed * 1103515245u + 12345u;
		c = fork();
		if (c == 0)
			child(me, seed >> 8);
		if (c < 0) {
			if (errno != EAGAIN)
				return made;
			continue;
		}
		log_fork(c, me);
		made++;
		kids++;
	}
	while (waitpid(-1, NULL, 0) > 0)
		;
	return made;
}

int main(int argc, char **argv)
{
	int nworkers = argc > 3 ? atoi(argv[3]) : 4;
	double end;
	int lastpid_fd, i, pipefd[2];
	struct stat nsb;
	unsigned long total = 0, v;
	char line[64];
	int n;

	if (argc < 3 || nworkers < 1) {
		fprintf(stderr, "usage: storm LOG SECONDS [WORKERS]\n");
		return 2;
	}
	end = now() + atof(argv[2]);
	n = snprintf(stop_file, sizeof(stop_file), "%s.stop", argv[1]);
	if (n < 0 || n >= (int)sizeof(stop_file)) {
		fprintf(stderr, "%s: path too long\n", argv[1]);
		return 2;
	}
	log_fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (log_fd < 0 || pipe(pipefd) != 0) {
		perror(argv[1]);
		return 1;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	name_me("storm");
	n = snprintf(line, sizeof(line), "storm %d\n", (int)getpid());
	if (write(log_fd, line, (size_t)n) != n)
		return 1;
	for (i = 0; i < nworkers; i++) {
		pid_t w = fork();

		if (w == 0) {
			close(pipefd[0]);
			v = worker(end, (unsigned int)getpid() * 2654435761u);
			if (write(pipefd[1], &v, sizeof(v)) != sizeof(v))
				_exit(1);
			_exit(0);
		}
		if (w < 0) {
			perror("fork");
			return 1;
		}
		log_fork(w, getpid());
		total++;
	}
	close(pipefd[1]);
	lastpid_fd = -1;
	if (stat("/proc/self/ns/pid", &nsb) == 0 && nsb.st_ino != INIT_PID_NS_INO)
		lastpid_fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
	/* Reap the orphans; hand the pids out again from the bottom. */
	while (now() < end + 5) {
		pid_t r;

		while ((r = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (r < 0 && errno == ECHILD)
			break;
		if (lastpid_fd >= 0 && pwrite(lastpid_fd, "100", 3, 0) != 3) {
			close(lastpid_fd);
			lastpid_fd = -1;
		}
		usleep(1000);
	}
	while (read(pipefd[0], &v, sizeof(v)) == sizeof(v))
		total += v;
	/* Grandchildren are not counted by the workers: count log lines. */
	printf("%lu workers' children, ns_last_pid %s\n", total,
	       lastpid_fd >= 0 ? "reset every millisecond" : "left alone");
	return 0;
}
