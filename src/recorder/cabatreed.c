// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cabatreed: records the born (CABA) tree on kernels without CABA and keeps
 * it in a state file for cabatree. Runs as root, in the foreground.
 */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"
#include "recorder/backend.h"
#include "recorder/born.h"
#include "recorder/live.h"
#include "recorder/state.h"
#include "xalloc.h"

const char *argp_program_version = "cabatreed (" PACKAGE_STRING ")";

#define DRAIN_MS 10		/* how often the events are read */
#define SAVE_MS 50		/* the longest a witnessed event stays unsaved */
#define SYNC_MS 1000		/* how often /proc is checked for missed releases */

enum { BACKEND_AUTO, BACKEND_EBPF, BACKEND_CONNECTOR };

struct dopts {
	int backend;
	const char *state;
	size_t bufsize;
	bool verbose;
};

static const struct argp_option option_table[] = {
	{ "backend", 'b', N_("WHICH"), 0,
	  N_("auto (default: ebpf if it loads, else connector), ebpf or connector"), 0 },
	{ "state", 's', N_("FILE"), 0,
	  N_("keep the state in FILE (default %s)"), 0 },
	{ "buffer-kib", 'B', N_("KIB"), 0,
	  N_("queue events in KIB kibibytes (a power of two for eBPF; default 8192 for eBPF, 16384 for the connector)"), 0 },
	{ "verbose", 'v', NULL, 0, N_("report counts of events on exit"), 0 },
	{ NULL, 0, NULL, 0, NULL, 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct dopts *o = state->input;

	switch (key) {
	case 'b':
		if (strcmp(arg, "auto") == 0)
			o->backend = BACKEND_AUTO;
		else if (strcmp(arg, "ebpf") == 0)
			o->backend = BACKEND_EBPF;
		else if (strcmp(arg, "connector") == 0)
			o->backend = BACKEND_CONNECTOR;
		else
			argp_error(state, _("--backend must be auto, ebpf or connector"));
		break;
	case 's':
		o->state = arg;
		break;
	case 'B': {
		char *end;
		unsigned long v = strtoul(arg, &end, 10);

		if (*end || v < 4 || v > (1UL << 21) || (v & (v - 1)))
			argp_error(state, _("--buffer-kib takes a power of two from 4 to 2097152"));
		o->bufsize = (size_t)v << 10;
		break;
	}
	case 'v':
		o->verbose = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, _("no arguments are taken"));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* --help: the default state path goes into its (translated) line here. */
static char *help_filter(int key, const char *text, void *input)
{
	char *s;

	if (key != 's' || !text ||
	    asprintf(&s, _("keep the state in FILE (default %s)"), STATE_DEFAULT_PATH) < 0)
		return (char *)text;
	return s;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("cabatreed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = sig;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is /proc mounted with hidepid=? Then the state is for root's eyes only. */
static bool proc_hides_pids(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	bool hides = false;

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f)) {
		char mnt[256];
		const char *h;

		if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 || strcmp(mnt, "/proc") != 0)
			continue;
		h = strstr(line, "hidepid=");
		if (h && strncmp(h + 8, "0", 1) != 0 && strncmp(h + 8, "off", 3) != 0)
			hides = true;
	}
	fclose(f);
	return hides;
}

static int mkdir_parent(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int ret = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			ret = -errno;
	}
	free(dir);
	return ret;
}

static int open_backend(int which, size_t bufsize, const char *key, bool *resumed,
			struct rec_backend **b)
{
	char err[512];
	int ret = -ENOSYS;

	if (which != BACKEND_CONNECTOR) {
#ifdef HAVE_BPF
		ret = rec_ebpf_open(b, bufsize, key, resumed, err, sizeof(err));
#else
		snprintf(err, sizeof(err),
			 _("this cabatreed was built without eBPF (configure found no clang, bpftool, libbpf or BTF)"));
#endif
		if (ret == 0)
			return 0;
		if (which == BACKEND_EBPF) {
			say(_("cannot record with eBPF: %s"), err);
			return ret;
		}
		say(_("eBPF is not available (%s); using the proc connector, which is approximate"),
		    err);
	}
	ret = rec_connector_open(b, bufsize, err, sizeof(err));
	if (ret < 0)
		say(_("cannot record with the proc connector: %s"), err);
	return ret;
}

/* Take the last state back, if it is this boot's; set a bad one aside. */
static void load_previous(const char *path, const struct state_meta *meta,
			  struct born_table *t)
{
	struct state st;
	char err[256], *aside;
	int ret = state_load(path, &st, err, sizeof(err));

	if (ret == -ENOENT)
		return;
	if (ret == -EBADMSG) {
		aside = xmalloc(strlen(path) + 16);
		sprintf(aside, "%s.corrupt", path);
		if (rename(path, aside) == 0)
			say(_("the state file %s is malformed (%s); it was moved to %s and recording starts afresh"),
			    path, err, aside);
		else
			say(_("the state file %s is malformed (%s) and cannot be moved aside: %s"),
			    path, err, strerror(errno));
		free(aside);
		return;
	}
	if (ret < 0) {
		say(_("cannot read the state file %s: %s; recording starts afresh"), path,
		    strerror(-ret));
		return;
	}
	if (strcmp(st.meta.boot_id, meta->boot_id) == 0 && st.meta.pidns == meta->pidns) {
		state_to_table(&st, t);
		say(_("continuing from %s: %zu processes"), path, st.n);
	}
	state_free(&st);
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		option_table, parse_opt, NULL,
		N_("Record the born (CABA) tree for cabatree on kernels without CABA."),
		NULL, help_filter, NULL
	};
	struct dopts o = { .backend = BACKEND_AUTO, .state = STATE_DEFAULT_PATH };
	struct rec_backend *b = NULL;
	struct born_table t;
	struct state_meta meta = { 0 };
	struct rec_sync_stats ss;
	struct sigaction sa = { 0 };
	struct stat nsb;
	unsigned long long base_lost, last_lost = 0;
	long long last_save = 0, last_sync;
	bool dirty = true, resumed = false;
	mode_t mode;
	char *lockpath;
	int procfd, lockfd, ret, status = 0;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, nls_localedir());
	textdomain(PACKAGE);
	argp_parse(&argp, argc, argv, 0, NULL, &o);
	if (geteuid() != 0) {
		say(_("must run as root: it loads eBPF programs or subscribes to the kernel's process events"));
		return 1;
	}
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0 || fstatat(procfd, "self/ns/pid", &nsb, 0) < 0) {
		say(_("cannot read /proc: %s"), strerror(errno));
		return 1;
	}
	ret = mkdir_parent(o.state);
	lockpath = xmalloc(strlen(o.state) + 8);
	sprintf(lockpath, "%s.lock", o.state);
	lockfd = ret < 0 ? -1 : open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd < 0) {
		say(_("cannot create %s: %s"), lockpath, strerror(ret < 0 ? -ret : errno));
		return 1;
	}
	if (flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		say(_("another cabatreed records into %s already"), o.state);
		return 1;
	}

	state_boot_id(meta.boot_id, sizeof(meta.boot_id));
	meta.pidns = (unsigned long long)nsb.st_ino;
	meta.daemon_pid = getpid();
	rec_stat(procfd, meta.daemon_pid, &meta.daemon_start, NULL);
	mode = proc_hides_pids() ? 0600 : 0644;

	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* Events queue from here, so nothing between the scan and them is lost. */
	if (open_backend(o.backend, o.bufsize, o.state, &resumed, &b) < 0)
		return 1;
	snprintf(meta.backend, sizeof(meta.backend), "%s", b->name);
	born_init(&t);
	load_previous(o.state, &meta, &t);
	base_lost = t.lost;
	if (resumed)
		say(_("the eBPF programs kept recording while cabatreed was down: %d events to replay"),
		    b->drain(b, &t));
	else
		b->drain(b, &t);
	rec_sync(&t, procfd, 1, &ss);
	say(_("recording with %s (release: %s); %zu processes running before it are inferred; state in %s"),
	    b->name, b->release_point, ss.added, o.state);
	last_sync = now_ms();

	while (!stopping) {
		long long now;
		unsigned long long lost;

		poll(NULL, 0, DRAIN_MS);
		ret = b->drain(b, &t);
		if (ret < 0) {
			say(_("reading events failed: %s"), strerror(-ret));
			status = 1;
			break;
		}
		dirty |= ret > 0;
		now = now_ms();
		lost = b->lost(b);
		/* After a loss, or now and then: /proc says what we missed. */
		if (lost != last_lost || now - last_sync >= SYNC_MS) {
			b->drain(b, &t);
			rec_sync(&t, procfd, 1, &ss);
			dirty |= ss.released || ss.added || lost != last_lost;
			last_lost = lost;
			last_sync = now;
		}
		if (dirty && now - last_save >= SAVE_MS) {
			t.lost = base_lost + lost;
			meta.lost = t.lost;
			meta.updated = (long long)time(NULL);
			ret = state_save(o.state, &t, &meta, mode);
			if (ret < 0) {
				say(_("cannot write %s: %s"), o.state, strerror(-ret));
			} else {
				dirty = false;
				if (b->commit)
					b->commit(b);
			}
			last_save = now;
		}
	}
	b->drain(b, &t);
	meta.lost = t.lost = base_lost + b->lost(b);
	meta.updated = (long long)time(NULL);
	if (state_save(o.state, &t, &meta, mode) < 0)
		status = 1;
	else if (b->commit)
		b->commit(b);
	if (o.verbose)
		say(_("%llu forks, %llu releases, %llu events lost, %zu processes alive"),
		    t.forks, t.releases, t.lost, t.n);
	b->close(b);
	born_free(&t);
	close(procfd);
	free(lockpath);
	return status;
}
