// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cabatree --demo: make sure something knows the born tree (the kernel,
 * a running cabatreed, or one started here for the demo), run a daemon
 * that double-forks under a child subreaper and the sessions example of
 * cabatree-caba(7) in a pid namespace of its own, tell what to look at
 * and draw each one's trees with the options given, and clean up every
 * process it started.
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
#include <sys/ioctl.h>
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

/*
 * Draw: run ourselves with the user's options, less --demo, followed by
 * extra (NULL-terminated).
 */
static int draw(int argc, char **argv, const char *const *extra)
{
	char **av = xcalloc((size_t)argc + 8, sizeof(*av));
	char self[PATH_MAX];
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
	for (i = 0; extra[i] && i < 6; i++)
		av[ac++] = (char *)extra[i];
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

/*
 * How wide the story is filled: -w, else the terminal's width up to 100
 * columns (longer lines are hard to read), else 78.
 */
static size_t story_width(const struct ct_options *o)
{
	struct winsize ws;
	unsigned int cols = o->width;

	if (!cols && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		cols = ws.ws_col > 100 ? 100 : ws.ws_col;
	return cols ? cols : 78;
}

/*
 * Print text as paragraphs (one a line in text) filled to width columns;
 * a word longer than that has a line of its own.
 */
static void say_filled(const char *text, size_t width)
{
	bool utf8 = locale_is_utf8();
	const char *p = text;

	while (*p) {
		const char *eol = strchrnul(p, '\n');
		size_t col = 0;

		while (p < eol) {
			const char *w = p, *end;
			size_t ww;

			while (w < eol && *w == ' ')
				w++;
			if (w == eol)
				break;
			end = w;
			while (end < eol && *end != ' ')
				end++;
			ww = text_width(w, (size_t)(end - w), utf8);
			if (col > 0 && col + 1 + ww > width) {
				putchar('\n');
				col = 0;
			} else if (col > 0) {
				putchar(' ');
				col++;
			}
			fwrite(w, 1, (size_t)(end - w), stdout);
			col += ww;
			p = end;
		}
		putchar('\n');
		p = *eol ? eol + 1 : eol;
	}
}

/*
 * What the demo tells, with the pids of this run: what the two trees are,
 * then what to look at in each workload, the daemon first.
 */
struct story {
	struct strbuf intro, daemon, sessions;
};

static void story_build(struct story *t, const struct scenario *s,
			const struct daemonise *d)
{
	/* The namespace's pids, as the host numbers them (scenario.h). */
	int a = (int)s->host[2], b = (int)s->host[4], wa = (int)s->host[5];
	int wb = (int)s->host[7], init = (int)s->init;

	sb_adds(&t->intro, _("cabatree draws two trees of the same processes. The real "
			     "tree puts each process under its current parent (PPid), as "
			     "pstree does. The born tree puts it under the process that "
			     "started it or, if that one has ended, under the closest of "
			     "its ancestors still alive: its CABA. When a process's parent "
			     "ends, Linux hands it to a reaper (init, or a process that made "
			     "itself a child subreaper), and only the born tree still says "
			     "where it came from. Each line is a process, name(pid), and "
			     "[sid N] after it is its session. cabatree-caba(7) tells "
			     "more."));
	sb_addf(&t->daemon, _("1. A daemon that detached itself by a double fork.\n"
			      "launcher(%d) started a service, which forked a child that "
			      "forked daemon(%d); both exited at once, as daemons do to "
			      "detach, so service-manager(%d), a child subreaper, adopted "
			      "the daemon. Look at daemon(%d): the real tree shows it under "
			      "service-manager(%d), the born tree under launcher(%d), which "
			      "started it. The * after it says that it was reparented: its parent "
			      "is not where it was born; in the real tree, the arrow after it "
			      "names where it was born: launcher(%d)."),
		d->launcher, d->daemon, d->manager, d->daemon, d->manager, d->launcher,
		d->launcher);
	sb_addf(&t->sessions, _("2. Two sessions, in a pid namespace of their own.\n"
				"ns-init(%d) is the init of a new pid namespace. In it, "
				"leader-a(%d) leads a session and started a process that "
				"started leader-b(%d). leader-b started worker-a(%d), then made "
				"a session of its own and started a process that started "
				"worker-b(%d). Both middle processes have exited: leader-a, "
				"then a subreaper, adopted worker-b, and ns-init adopted "
				"leader-b. In the real tree each leader has a child of the "
				"other's session ([sid N]), and nothing says which session "
				"came first. The born tree does: leader-b was born under "
				"leader-a, so leader-a's session is the older, and worker-a "
				"and worker-b were both born under leader-b."),
		init, a, b, wa, wb);
}

static void story_free(struct story *t)
{
	sb_free(&t->intro);
	sb_free(&t->daemon);
	sb_free(&t->sessions);
}

/*
 * The environment is the user's: text that could act on the terminal
 * (what esc_message() would escape, line ends aside) is not shown at all.
 */
const char *demo_story(void)
{
	const char *s = getenv(DEMO_STORY_ENV), *p, *eol;
	struct strbuf sb = STRBUF_INIT;
	bool ok = true;

	if (!s || !*s)
		return NULL;
	for (p = s; ok && *p; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		sb_reset(&sb);
		esc_message(&sb, p, (size_t)(eol - p), locale_charset());
		ok = sb.len == (size_t)(eol - p) && (sb.len == 0 || memcmp(sb.s, p, sb.len) == 0);
	}
	sb_free(&sb);
	return ok ? s : NULL;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* Text: each workload's trees from its first process, after what to look at. */
static int tell(int argc, char **argv, const struct story *t, size_t width,
		const struct scenario *s, const struct daemonise *d)
{
	char root[16];
	const char *extra[] = { "-j", root, NULL };
	int status;

	putchar('\n');
	say_filled(t->daemon.s, width);
	putchar('\n');
	snprintf(root, sizeof(root), "%d", (int)d->manager);
	status = draw(argc, argv, extra);
	if (status != CT_EXIT_OK || interrupted)
		return status;
	putchar('\n');
	say_filled(t->sessions.s, width);
	putchar('\n');
	snprintf(root, sizeof(root), "%d", (int)s->init);
	return draw(argc, argv, extra);
}

int demo_run(int argc, char **argv, const struct ct_options *o)
{
	struct recorder r = { 0 };
	struct scenario s = { .report_fd = -1 };
	struct daemonise d = { 0 };
	struct story t = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	/* No SA_RESTART: a signal must end the waits for the workload. */
	struct sigaction sa = { .sa_handler = on_signal };
	bool text = o->format == FMT_TEXT && !o->interactive;
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
			if (o->format == FMT_TEXT)
				ct_say(_("using the running recorder (%s)"), recorder_state_path());
		} else {
			if (o->format == FMT_TEXT)
				ct_say("%s", _("this kernel does not show where processes were born: "
					       "starting the recorder, cabatreed, for the demo"));
			if (start_recorder(&r) < 0)
				goto out;
			setenv("CABATREE_STATE", r.state, 1);
		}
	}
	err = scenario_daemonise_start(&d);
	if (err == 0)
		err = scenario_sessions_start(&s, -1);
	if (err == 0)
		err = scenario_sessions_finish(&s);
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
	story_build(&t, &s, &d);
	if (text) {
		size_t width = story_width(o);

		fflush(stderr);
		say_filled(t.intro.s, width);
		if (!interrupted)
			status = tell(argc, argv, &t, width, &s, &d);
	} else if (!interrupted) {
		/*
		 * One drawing of both. JSON and DOT stay one document, focused
		 * on the workloads; the browser shows the trees from this
		 * process, the workloads' parent (and the browser's).
		 */
		char p1[16], p2[16], self[16];
		const char *extra[] = { "-j", "-p", p1, "-p", p2, NULL };
		const char *browse[] = { "-j", self, NULL };

		snprintf(p1, sizeof(p1), "%d", (int)d.manager);
		snprintf(p2, sizeof(p2), "%d", (int)s.init);
		snprintf(self, sizeof(self), "%d", (int)getpid());
		if (o->interactive) {
			struct strbuf all = STRBUF_INIT;

			sb_addf(&all, "%s\n\n%s\n\n%s\n\n", t.intro.s, t.daemon.s,
				t.sessions.s);
			sb_addf(&all, _("Both workloads are drawn under this demo, "
					"cabatree(%d), beside this browser and the "
					"recorder, cabatreed, if the demo started it."),
				(int)getpid());
			setenv(DEMO_STORY_ENV, all.s, 1);
			sb_free(&all);
		}
		status = draw(argc, argv, o->interactive ? browse : extra);
	}
out:
	story_free(&t);
	scenario_daemonise_stop(&d);
	scenario_sessions_stop(&s);
	stop_recorder(&r);
	return interrupted ? CT_EXIT_FAILURE : status;
}
