// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cabatree: the real process tree and the born (CABA) tree, side by side.
 * main alone picks the source, the renderer and the exit status.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "model.h"
#include "msg.h"
#include "nls.h"
#include "options.h"
#include "procfs.h"
#include "recorder/demo.h"
#include "recorder/source.h"
#include "render.h"
#include "settings.h"
#include "snapshot.h"
#include "tui/tui.h"
#include "users.h"

static unsigned int terminal_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env && atoi(env) > 0)
		return (unsigned int)atoi(env);
	return 80;
}

static bool want_color(enum ct_when when, bool tty)
{
	const char *no = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (when != WHEN_AUTO)
		return when == WHEN_ALWAYS;
	if (no && *no)
		return false;
	return tty && !(term && strcmp(term, "dumb") == 0);
}

/* Close stdout and report a write that failed (full disk, closed pipe). */
static int close_stdout(void)
{
	bool failed = ferror(stdout);
	int err = 0;

	if (fclose(stdout) != 0)
		err = errno;
	if (failed || err) {
		ct_say(_("write error: %s"), strerror(err ? err : EIO));
		return -1;
	}
	return 0;
}

/* The -p pids, copied: mapping a thread to its process must not touch o. */
static void focus_from_options(const struct ct_options *o, pid_t **focus, size_t *nfocus)
{
	*nfocus = o->npids;
	*focus = o->npids ? xreallocarray(NULL, o->npids, sizeof(**focus)) : NULL;
	if (o->npids)
		memcpy(*focus, o->pids, o->npids * sizeof(**focus));
}

/*
 * --load: the processes of a snapshot, checked whole before anything is
 * shown. The document's own focus applies unless -p asks for another,
 * within it.
 */
static int load_snapshot(const struct ct_options *o, struct snapshot *s, const char *name,
			 struct ct_model *m, pid_t **focus, size_t *nfocus)
{
	char err[1024];
	pid_t missing;
	size_t i;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = snapshot_load(o->load, s, err, sizeof(err));
	if (ret < 0) {
		ct_say("%s", err);
		return ret == -EBADMSG || ret == -EFBIG ? CT_EXIT_BAD_INPUT : CT_EXIT_FAILURE;
	}
	snapshot_model(s, name, o->numeric, m);
	if (!*nfocus && s->nfocus) {
		*focus = xreallocarray(NULL, s->nfocus, sizeof(**focus));
		memcpy(*focus, s->focus, s->nfocus * sizeof(**focus));
		*nfocus = s->nfocus;
	}
	/* -p may name a thread that the snapshot lists: focus on its process. */
	for (i = 0; i < *nfocus; i++) {
		pid_t tgid;

		if (model_find(m, (*focus)[i]) < 0 &&
		    (tgid = snapshot_tgid_of(s, (*focus)[i])) > 0)
			(*focus)[i] = tgid;
	}
	missing = *nfocus ? model_focus(m, *focus, *nfocus) : 0;
	if (missing) {
		ct_say(_("no process with pid %d in the snapshot %s"), (int)missing, name);
		return CT_EXIT_NO_PID;
	}
	return CT_EXIT_OK;
}

/*
 * The settings for the renderer or the browser, from the options, the
 * terminal and what was read. Called once, after the focus is known.
 */
static void resolve_settings(const struct ct_options *o, const struct snapshot *snap,
			     const pid_t *focus, size_t nfocus, struct ct_settings *s)
{
	/* The browser draws on the terminal; the other outputs may not. */
	bool tty = o->interactive || isatty(STDOUT_FILENO);

	memset(s, 0, sizeof(*s));
	s->layout = o->layout;
	s->trees = o->trees;
	s->arguments = o->arguments;
	s->compact = !o->no_compact;
	s->pgids = o->pgids;
	s->sids = o->sids;
	s->uid_changes = o->uid_changes;
	s->numeric = o->numeric;
	s->threads = o->threads;
	/* JSON keeps what a snapshot holds, so that it comes back the same. */
	if (o->load && o->format == FMT_JSON)
		s->threads = snap->thread_lists;
	/* UTF-8 glyphs asked for in another locale: the output is UTF-8. */
	if (!o->interactive && o->glyphs == GLYPHS_UTF8 && !locale_is_utf8())
		setlocale(LC_CTYPE, "C.UTF-8");
	s->utf8 = locale_is_utf8();
	s->utf8_glyphs = o->glyphs == GLYPHS_UTF8 || (o->glyphs == GLYPHS_AUTO && s->utf8);
	s->color = want_color(o->color, tty);
	if (!o->interactive) {
		s->term_width = tty ? terminal_width() : 0;
		s->max_width = o->width ? o->width :
			       (tty && !o->long_lines) ? s->term_width : 0;
	}
	s->label_cols = o->width ? o->width : o->long_lines ? 0 : SETTINGS_LABEL_COLS;
	s->delay_ds = o->delay_ds;
	s->proc_root = o->proc_root;
	s->focus = focus;
	s->nfocus = nfocus;
}

/* Say what is shown: a snapshot, when, and where its born tree came from. */
static int snapshot_note(const struct ct_options *o, const struct snapshot *s,
			 const struct ct_model *m)
{
	char when[SNAPSHOT_TIME_LEN + 1];

	snapshot_time_str(m->time, when, sizeof(when));
	switch (m->caba_source) {
	case CABA_SRC_KERNEL:
		ct_say(_("snapshot %s taken %s (born tree from the kernel)"), m->snapshot, when);
		break;
	case CABA_SRC_RECORDER:
		ct_say(_("snapshot %s taken %s (born tree from the recorder)"), m->snapshot, when);
		break;
	case CABA_SRC_SNAPSHOT:
		ct_say(_("snapshot %s taken %s (born tree from an earlier snapshot)"),
		       m->snapshot, when);
		break;
	case CABA_SRC_NONE:
		if (o->trees == SHOW_BORN) {
			ct_say(_("the born (CABA) tree is unknown: the snapshot %s has none (caba_source \"none\")"),
			       m->snapshot);
			return CT_EXIT_FAILURE;
		}
		ct_say(_("snapshot %s taken %s (born tree unknown)"), m->snapshot, when);
		break;
	}
	if (o->threads && !s->thread_lists)
		ct_say(_("the snapshot %s has no threads: it was taken without -t"), m->snapshot);
	return CT_EXIT_OK;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct ct_options o;
	struct ct_proclist pl = { 0 };
	struct procfs_diag diag = { 0 };
	struct ct_model m;
	struct rec_source rs = { .result = REC_ABSENT };
	struct snapshot snap = { 0 };
	const char *snap_name = NULL;
	bool live_rec = false;
	char note[1024];
	struct render_ctx rc = { 0 };
	struct ct_settings set;
	pid_t *focus = NULL;
	size_t nfocus = 0;
	const struct renderer *r;
	int status = CT_EXIT_OK;
	int fd, err;
	unsigned int flags = 0;
	pid_t missing;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, nls_localedir());
	textdomain(PACKAGE);
	options_parse(argc, argv, &o);
	if (o.demo) {
		status = demo_run(argc, argv, o.format != FMT_TEXT);
		options_free(&o);
		return status;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	focus_from_options(&o, &focus, &nfocus);

	if (o.load) {
		/* The recorder and the procfs are not consulted. */
		fd = -1;
		snap_name = strcmp(o.load, "-") == 0 ? _("(standard input)") : o.load;
		status = load_snapshot(&o, &snap, snap_name, &m, &focus, &nfocus);
		if (status != CT_EXIT_OK)
			goto out_model;
		/* -i reads keys from the terminal once standard input is read. */
		if (o.interactive && strcmp(o.load, "-") == 0 && isatty(STDOUT_FILENO) &&
		    !freopen("/dev/tty", "r", stdin))
			ct_say(_("cannot open the terminal for keys: %s"), strerror(errno));
		goto loaded;
	}
	fd = procfs_open(o.proc_root);
	if (fd < 0) {
		ct_say(_("cannot open the process directory '%s': %s"), o.proc_root,
		       strerror(-fd));
		free(focus);
		options_free(&o);
		return CT_EXIT_FAILURE;
	}
	if (o.arguments || o.format == FMT_JSON)
		flags |= PROCFS_CMDLINE;
	if (o.threads)
		flags |= PROCFS_THREADS;
	err = procfs_scan(fd, o.proc_root, flags, &pl, &diag);
	if (err < 0) {
		ct_say(_("cannot read the process directory '%s': %s"), o.proc_root,
		       strerror(-err));
		status = CT_EXIT_FAILURE;
		goto out_list;
	}
	if (pl.n == 0) {
		ct_say(_("no processes found under '%s': is it a procfs (mount -t proc proc DIR)?"),
		       o.proc_root);
		status = diag.malformed ? CT_EXIT_BAD_INPUT : CT_EXIT_FAILURE;
		goto out_list;
	}

	/* A stock kernel: the recorder knows the born tree of the live /proc only. */
	if (strcmp(o.proc_root, "/proc") == 0 && recorder_wanted(&pl)) {
		live_rec = true;
		recorder_apply(fd, recorder_state_path(), &pl, &rs);
	}
	model_build(&m, &pl, o.numeric);
	m.lost_events = rs.meta.lost;
	if (snapshot_now(&m.time) < 0) {
		ct_say(_("SOURCE_DATE_EPOCH is not a number of seconds since 1970: '%s'"),
		       getenv("SOURCE_DATE_EPOCH"));
		status = CT_EXIT_USAGE;
		goto out_model;
	}
	snapshot_set_clock(&m, procfs_boot_time(fd, o.proc_root, &diag),
			   sysconf(_SC_CLK_TCK));
	/* -p may name any thread: focus on its process. */
	for (size_t i = 0; i < nfocus; i++) {
		pid_t tgid;

		if (model_find(&m, focus[i]) < 0 &&
		    (tgid = procfs_tgid_of(fd, focus[i])) > 0)
			focus[i] = tgid;
	}
	missing = nfocus ? model_focus(&m, focus, nfocus) : 0;
	if (missing) {
		ct_say(_("no process with pid %d under '%s'"), (int)missing, o.proc_root);
		status = CT_EXIT_NO_PID;
		goto out_model;
	}
loaded:
	if (o.interactive) {
		struct tui_args ta = { .s = &set, .dirfd = fd, .pl = &pl, .m = &m };

		resolve_settings(&o, &snap, focus, nfocus, &set);
		if (o.load) {
			ta.pl = &snap.pl;
			ta.users = users_new();
			snapshot_users(&snap, ta.users);
		}
		status = tui_run(&ta);
		users_free(ta.users);
		goto out_model;
	}
	if (o.load && o.format != FMT_JSON) {
		status = snapshot_note(&o, &snap, &m);
		if (status != CT_EXIT_OK)
			goto out_model;
	}
	if (m.caba_source == CABA_SRC_NONE && o.format != FMT_JSON && live_rec) {
		recorder_explain(&rs, recorder_state_path(), note, sizeof(note));
		if (o.trees == SHOW_BORN) {
			ct_say("%s", note);
			status = CT_EXIT_FAILURE;
			goto out_model;
		}
		if (o.trees == SHOW_BOTH)
			ct_say(_("%s. Showing the real tree only."), note);
	} else if (m.caba_source == CABA_SRC_NONE && o.format != FMT_JSON && !o.load) {
		if (o.trees == SHOW_BORN) {
			ct_say(_("the born (CABA) tree is unknown: no process under '%s' has an NScaba: line (the kernel has no CABA support)"),
			       o.proc_root);
			status = CT_EXIT_FAILURE;
			goto out_model;
		}
		if (o.trees == SHOW_BOTH)
			ct_say(_("the born (CABA) tree is unknown: no process under '%s' has an NScaba: line "
			         "(the kernel has no CABA support); boot a kernel with the CABA patches "
			         "(patches/ in the cabatree source) to see it. Showing the real tree only."),
			       o.proc_root);
	}
	if (m.caba_source == CABA_SRC_RECORDER && o.format != FMT_JSON &&
	    o.trees != SHOW_REAL) {
		if (m.lost_events)
			ct_say(P_("born tree incomplete: %llu event lost by the recorder",
			          "born tree incomplete: %llu events lost by the recorder",
			          m.lost_events), m.lost_events);
		if (!rs.running && !o.load)
			ct_say(_("the recorder (cabatreed) is not running: the born tree is as it "
			         "was when it stopped; processes started since are shown as roots"));
	}
	if (diag.hidden && o.format != FMT_JSON)
		ct_say(P_("%zu process under '%s' could not be read (hidepid= or permissions); its children are shown as roots",
		          "%zu processes under '%s' could not be read (hidepid= or permissions); their children are shown as roots",
		          diag.hidden),
		       diag.hidden, o.proc_root);
	if (m.cycles)
		ct_say(P_("%zu parent cycle was cut (inconsistent process data)",
		          "%zu parent cycles were cut (inconsistent process data)", m.cycles),
		       m.cycles);

	resolve_settings(&o, &snap, focus, nfocus, &set);
	rc.m = &m;
	rc.s = &set;
	rc.out = stdout;
	rc.users = users_new();
	if (o.load)
		snapshot_users(&snap, rc.users);
	r = o.format == FMT_JSON ? &render_json : &render_text;
	if (o.format == FMT_DOT)
		r = &render_dot;
	if (r->render(&rc) < 0)
		status = CT_EXIT_FAILURE;
	users_free(rc.users);
	if (status == CT_EXIT_OK && diag.malformed)
		status = CT_EXIT_BAD_INPUT;
out_model:
	model_free(&m);
out_list:
	proclist_free(&pl);
	snapshot_free(&snap);
	if (fd >= 0)
		close(fd);
	free(focus);
	options_free(&o);
	if (close_stdout() < 0)
		status = CT_EXIT_FAILURE;
	return status;
}
