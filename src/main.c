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
#include "tui/tui.h"
#include "users.h"

static bool locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

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

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct ct_options o;
	struct ct_proclist pl = { 0 };
	struct procfs_diag diag = { 0 };
	struct ct_model m;
	struct rec_source rs = { .result = REC_ABSENT };
	bool live_rec = false;
	char note[1024];
	struct render_ctx rc = { 0 };
	const struct renderer *r;
	bool tty;
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

	fd = procfs_open(o.proc_root);
	if (fd < 0) {
		ct_say(_("cannot open the process directory '%s': %s"), o.proc_root,
		       strerror(-fd));
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
	/* -p may name any thread: focus on its process. */
	for (size_t i = 0; i < o.npids; i++) {
		pid_t tgid;

		if (model_find(&m, o.pids[i]) < 0 &&
		    (tgid = procfs_tgid_of(fd, o.pids[i])) > 0)
			o.pids[i] = tgid;
	}
	missing = o.npids ? model_focus(&m, o.pids, o.npids) : 0;
	if (missing) {
		ct_say(_("no process with pid %d under '%s'"), (int)missing, o.proc_root);
		status = CT_EXIT_NO_PID;
		goto out_model;
	}
	if (o.interactive) {
		struct tui_args ta = { .o = &o, .dirfd = fd, .pl = &pl, .m = &m,
				       .utf8 = locale_is_utf8(), .color = want_color(o.color, true) };

		ta.utf8_glyphs = o.glyphs == GLYPHS_UTF8 ||
				 (o.glyphs == GLYPHS_AUTO && ta.utf8);
		status = tui_run(&ta);
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
	} else if (m.caba_source == CABA_SRC_NONE && o.format != FMT_JSON) {
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
		if (!rs.running)
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

	tty = isatty(STDOUT_FILENO);
	if (o.glyphs == GLYPHS_UTF8 && !locale_is_utf8())
		setlocale(LC_CTYPE, "C.UTF-8");
	rc.m = &m;
	rc.o = &o;
	rc.out = stdout;
	rc.users = users_new();
	rc.utf8 = locale_is_utf8();
	rc.utf8_glyphs = o.glyphs == GLYPHS_UTF8 ||
			 (o.glyphs == GLYPHS_AUTO && rc.utf8);
	rc.color = want_color(o.color, tty);
	rc.term_width = tty ? terminal_width() : 0;
	rc.max_width = o.width ? o.width :
		       (tty && !o.long_lines) ? rc.term_width : 0;
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
	close(fd);
	options_free(&o);
	if (close_stdout() < 0)
		status = CT_EXIT_FAILURE;
	return status;
}
