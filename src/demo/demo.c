// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cabatree --demo: make sure something knows the born tree (the kernel,
 * a running cabatreed, or one started here for the demo), run the
 * complex-sessions example of cabatree(1) in a pid namespace of its own
 * and a daemon that double-forks under a child subreaper, draw both trees
 * with the options given, and clean up every process it started.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "nls.h"
#include "options.h"
#include "procfs.h"
#include "demo/demo.h"
#include "demo/scenario.h"
#include "recorder/source.h"
#include "recorder/state.h"
#include "xalloc.h"

static bool kernel_has_caba(void)
{
	int procfd = procfs_open(PROCFS_ROOT);
	bool yes;

	if (procfd < 0)
		return false;
	yes = procfs_self_has_caba(procfd);
	close(procfd);
	return yes;
}

/* Is a cabatreed recording into path right now? */
static bool daemon_running(const char *path)
{
	struct state st;
	struct procfs_light l;
	char err[128], boot[64];
	bool yes = false;
	int procfd;

	if (state_load(path, &st, err, sizeof(err)) < 0)
		return false;
	state_boot_id(boot, sizeof(boot));
	procfd = procfs_open(PROCFS_ROOT);
	if (procfd >= 0 && strcmp(boot, st.meta.boot_id) == 0 &&
	    procfs_light_read(procfd, st.meta.daemon_pid, &l) == 0)
		yes = l.start_time == st.meta.daemon_start;
	if (procfd >= 0)
		close(procfd);
	state_free(&st);
	return yes;
}

/* The path of this program; its length or -errno. */
static ssize_t self_exe(char *buf, size_t size)
{
	int procfd = procfs_open(PROCFS_ROOT);
	ssize_t n;

	if (procfd < 0)
		return procfd;
	n = procfs_self_exe(procfd, buf, size);
	close(procfd);
	return n;
}

/* Where cabatreed is: $CABATREED, next to us (a build tree), or installed. */
static char *find_daemon(void)
{
	const char *env = getenv("CABATREED");
	char self[PATH_MAX], *slash, *path;

	if (env && *env)
		return xstrdup(env);
	if (self_exe(self, sizeof(self)) > 0) {
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			path = xmalloc(strlen(self) + 32);
			sprintf(path, "%s/cabatreed", self);
			if (access(path, X_OK) == 0)
				return path;
			sprintf(path, "%s/../sbin/cabatreed", self);
			if (access(path, X_OK) == 0)
				return path;
			free(path);
		}
	}
	return xstrdup(SBINDIR "/cabatreed");
}

struct recorder {
	pid_t pid;
	char dir[64];
	char *state;
};

/*
 * Start cabatreed on a state file of its own; 0 once it says it is ready
 * (--ready-fd: its state is written). A blocking wait on a pipe, which
 * ends with the line or with cabatreed's exit; the guard is only against
 * one that hangs, not a time a busy machine may need.
 */
#define READY_GUARD_MS (5 * 60 * 1000)
static int start_recorder(struct recorder *r)
{
	char *bin = find_daemon(), arg[32], line[16];
	struct pollfd pfd;
	int fds[2], ret;
	ssize_t n;

	/* Not under /tmp: cabatreed keeps its state only where root alone writes. */
	strcpy(r->dir, "/run/cabatree-demo.XXXXXX");
	if (!mkdtemp(r->dir)) {
		ct_say(_("cannot make a directory for the recorder's state: %s"), strerror(errno));
		free(bin);
		return -1;
	}
	r->state = xmalloc(strlen(r->dir) + 8);
	sprintf(r->state, "%s/state", r->dir);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		ct_say(_("cannot make a pipe: %s"), strerror(errno));
		free(bin);
		return -1;
	}
	fflush(NULL);
	r->pid = fork();
	if (r->pid == 0) {
		/* Its end of the pipe, and only that one, outlives the exec. */
		if (fcntl(fds[1], F_SETFD, 0) < 0)
			_exit(127);
		snprintf(arg, sizeof(arg), "--ready-fd=%d", fds[1]);
		execl(bin, "cabatreed", "--state", r->state, arg, (char *)NULL);
		ct_say(_("cannot run %s: %s"), bin, strerror(errno));
		_exit(127);
	}
	free(bin);
	close(fds[1]);
	if (r->pid < 0) {
		ct_say(_("cannot start the recorder: %s"), strerror(errno));
		r->pid = 0;
		close(fds[0]);
		return -1;
	}
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	do
		ret = poll(&pfd, 1, READY_GUARD_MS);
	while (ret < 0 && errno == EINTR);
	n = ret > 0 ? read(fds[0], line, sizeof(line)) : -1;
	close(fds[0]);
	if (n > 0)
		return 0;
	if (ret == 0) {
		ct_say(_("the recorder has not said it is ready after five minutes: it hangs"));
		return -1;
	}
	/* The pipe's end without a word: it stopped (and said why). */
	waitpid(r->pid, NULL, 0);
	r->pid = 0;
	ct_say(_("the recorder could not start (see above)"));
	return -1;
}

static void stop_recorder(struct recorder *r)
{
	char *p;

	if (r->pid > 0) {
		kill(r->pid, SIGTERM);
		waitpid(r->pid, NULL, 0);
	}
	if (r->state) {
		unlink(r->state);
		p = xmalloc(strlen(r->state) + 8);
		sprintf(p, "%s.lock", r->state);
		unlink(p);
		free(p);
		rmdir(r->dir);
		free(r->state);
	}
	memset(r, 0, sizeof(*r));
}

/* Draw: run ourselves with the user's options, focused on the workload. */
static int draw(int argc, char **argv, const struct scenario *s,
		const struct daemonise *d)
{
	char **av = xcalloc((size_t)argc + 8, sizeof(*av));
	char p1[16], p2[16], self[PATH_MAX];
	int ac = 0, i, st;
	pid_t pid;

	if (self_exe(self, sizeof(self)) < 0) {
		free(av);
		return CT_EXIT_FAILURE;
	}
	av[ac++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--demo") != 0)
			av[ac++] = argv[i];
	}
	snprintf(p1, sizeof(p1), "%d", (int)s->init);
	snprintf(p2, sizeof(p2), "%d", (int)d->manager);
	av[ac++] = (char *)"-j";
	av[ac++] = (char *)"-p";
	av[ac++] = p1;
	av[ac++] = (char *)"-p";
	av[ac++] = p2;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execv(self, av);
		_exit(127);
	}
	free(av);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return CT_EXIT_FAILURE;
	return WIFEXITED(st) ? WEXITSTATUS(st) : CT_EXIT_FAILURE;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

int demo_run(int argc, char **argv, bool json)
{
	struct recorder r = { 0 };
	struct scenario s = { .report_fd = -1 };
	struct daemonise d = { 0 };
	/* No SA_RESTART: a signal must end the waits for the workload. */
	struct sigaction sa = { .sa_handler = on_signal };
	int status = CT_EXIT_FAILURE, err;

	if (geteuid() != 0) {
		ct_say(_("--demo needs root: it starts the recorder (cabatreed loads eBPF programs "
		          "or listens to the kernel's process events) and makes a pid namespace. "
		          "Run it as root, e.g. 'sudo cabatree --demo'."));
		return CT_EXIT_FAILURE;
	}
	/* Interrupted or not, everything started here is ended here. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!kernel_has_caba()) {
		if (daemon_running(recorder_state_path())) {
			if (!json)
				ct_say(_("using the running recorder (%s)"), recorder_state_path());
		} else {
			if (start_recorder(&r) < 0)
				goto out;
			setenv("CABATREE_STATE", r.state, 1);
		}
	}
	err = scenario_sessions_start(&s, -1);
	if (err == 0)
		err = scenario_sessions_finish(&s);
	if (err == 0)
		err = scenario_daemonise_start(&d);
	if (err < 0) {
		if (err == -ETIMEDOUT)
			ct_say(_("the demo's workload made no progress for %d seconds; "
				 "is the machine out of processes or memory?"),
			       SCENARIO_TIMEOUT_MS / 1000);
		else if (!interrupted)
			ct_say(_("the demo's workload failed: %s"), strerror(-err));
		goto out;
	}
	/* Releases reach the recorder an RCU grace period late; it saves every 50 ms. */
	if (r.pid > 0)
		usleep(300000);
	if (!json) {
		printf(_("Two workloads, as their real (PPid) and born (CABA) trees show them:\n"
			 "- ns1-init: the sessions example of cabatree(1) in a pid namespace of its own "
			 "(names carry the pid inside it).\n"
			 "  ns6 and ns3 are gone: ns7 was adopted by the subreaper ns2-session and\n"
			 "  ns4-session by init, yet the born tree keeps ns4-session under ns2-session\n"
			 "  and ns7 under ns4-session: session 2 came first.\n"
			 "- service-manager (a child subreaper) adopted svc-daemon (%d), which\n"
			 "  launcher (%d) started by a double fork.\n\n"),
		       (int)d.daemon, (int)d.launcher);
		fflush(stdout);
	}
	if (!interrupted)
		status = draw(argc, argv, &s, &d);
out:
	scenario_daemonise_stop(&d);
	scenario_sessions_stop(&s);
	stop_recorder(&r);
	return interrupted ? CT_EXIT_FAILURE : status;
}
