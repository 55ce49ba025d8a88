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
#include "demo/demo.h"
#include "label.h"
#include "render.h"
#include "settings.h"
#include "snapfmt.h"
#include "source.h"
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

/* pstree's width for -a in a pipe: $COLUMNS, else 132 columns. */
static unsigned int pipe_width(void)
{
	const char *env = getenv("COLUMNS");
	char *end;
	unsigned long n;

	if (env && *env) {
		errno = 0;
		n = strtoul(env, &end, 10);
		if (!errno && !*end && n > 0 && n <= 100000)
			return (unsigned int)n;
	}
	return 132;
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

/* The source the options name: a snapshot (--load), or a procfs. */
static int open_source(const struct ct_options *o, struct source **src)
{
	char err[1024];
	int ret;

	if (o->load) {
		const char *name = strcmp(o->load, "-") == 0 ? _("(standard input)") : o->load;

		ret = source_snapshot_open(o->load, name, src, err, sizeof(err));
	} else {
		ret = source_procfs_open(o->proc_root, src, err, sizeof(err));
	}
	if (ret < 0) {
		ct_say("%s", err);
		return ret == -EBADMSG || ret == -EFBIG ? CT_EXIT_BAD_INPUT : CT_EXIT_FAILURE;
	}
	return CT_EXIT_OK;
}

/* The exit status for a refresh that failed with err. */
static int refresh_status(int err)
{
	if (err == -EBADMSG || err == -EFBIG)
		return CT_EXIT_BAD_INPUT;
	return err == -EDOM ? CT_EXIT_USAGE : CT_EXIT_FAILURE;
}

/* Say that pid is not there; the exit status for it. */
static int no_pid(const struct source *src, const struct ct_model *m, pid_t pid)
{
	if (m->snapshot)
		ct_say(_("no process with pid %d in the snapshot %s"), (int)pid, m->snapshot);
	else
		ct_say(_("no process with pid %d under '%s'"), (int)pid, src->name);
	return CT_EXIT_NO_PID;
}

/*
 * The process that pid names: pid itself when it is a process of the
 * model, else the process of the thread pid, when the source knows one.
 */
static pid_t process_pid(struct source *src, const struct ct_model *m, pid_t pid)
{
	pid_t tgid;

	if (model_find(m, pid) < 0 && (tgid = source_tgid_of(src, pid)) > 0)
		return tgid;
	return pid;
}

/* The process named by pid, or the process of the thread pid; -1 if none. */
static int find_process(struct source *src, const struct ct_model *m, pid_t pid)
{
	return model_find(m, process_pid(src, m, pid));
}

/*
 * The processes to focus on: the -p ones, or those the snapshot was
 * focused on. -p may name any thread: its process is focused on. The
 * options stay as they were parsed; the list is the caller's to free.
 */
static int focus(const struct ct_options *o, struct source *src, struct ct_model *m,
		 pid_t **focus, size_t *nfocus)
{
	const pid_t *from = o->npids ? o->pids : src->focus;
	size_t i, n = o->npids ? o->npids : src->nfocus;
	pid_t missing;

	/* -s PID: pstree's parents of PID, which is what -p PID shows. */
	if (o->show_parents && o->root_pid) {
		from = &o->root_pid;
		n = 1;
	}

	*nfocus = n;
	*focus = n ? xreallocarray(NULL, n, sizeof(**focus)) : NULL;
	if (n)
		memcpy(*focus, from, n * sizeof(**focus));
	for (i = 0; i < n; i++)
		(*focus)[i] = process_pid(src, m, (*focus)[i]);
	missing = n ? model_focus(m, *focus, n) : 0;
	if (!missing)
		return CT_EXIT_OK;
	return no_pid(src, m, missing);
}

/*
 * The PID or USER operand: only the subtrees from there, as pstree shows;
 * *from is the process of a thread's id.
 */
static int operand(const struct ct_options *o, struct source *src, struct ct_model *m,
		   pid_t *from)
{
	int idx;

	*from = 0;
	if (o->root_pid && !o->show_parents) {
		idx = find_process(src, m, o->root_pid);
		if (idx < 0)
			return no_pid(src, m, o->root_pid);
		*from = m->nodes[idx].p->pid;
		model_show_from(m, *from, false, 0);
	} else if (o->user && !model_show_from(m, 0, true, o->uid)) {
		ct_say(_("user %s has no process under '%s'"), o->user,
		       m->snapshot ? m->snapshot : src->name);
		return CT_EXIT_NO_PID;
	}
	return CT_EXIT_OK;
}

/* -h: cabatree itself; -H PID: that process. 0 and CT_EXIT_OK for none. */
static int highlight(const struct ct_options *o, struct source *src, const struct ct_model *m,
		     pid_t *pid)
{
	pid_t want = o->highlight ? o->highlight : o->highlight_self ? getpid() : 0;
	int idx;

	*pid = 0;
	if (!want)
		return CT_EXIT_OK;
	idx = find_process(src, m, want);
	if (idx >= 0) {
		*pid = m->nodes[idx].p->pid;
		return CT_EXIT_OK;
	}
	if (!o->highlight)
		return CT_EXIT_OK;
	return no_pid(src, m, want);
}

/*
 * The settings for the renderer or the browser, from the options, the
 * terminal and what was read. Called once, after the focus is known.
 */
static void resolve_settings(const struct ct_options *o, const struct source *src,
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
	s->ns_changes = o->ns_changes;
	s->lineage = o->lineage;
	/* JSON keeps what a snapshot holds, so that it comes back the same. */
	if (o->format == FMT_JSON && !src->live)
		s->threads = src->thread_lists;
	/* UTF-8 glyphs asked for in another locale: the output is UTF-8. */
	if (!o->interactive && o->glyphs == GLYPHS_UTF8 && !locale_is_utf8())
		setlocale(LC_CTYPE, "C.UTF-8");
	s->utf8 = locale_is_utf8();
	s->utf8_glyphs = o->glyphs == GLYPHS_UTF8 || (o->glyphs == GLYPHS_AUTO && s->utf8);
	s->color = want_color(o->color, tty);
	s->color_age = o->color_age && s->color;
	if (!o->interactive) {
		s->term_width = tty ? terminal_width() : 0;
		s->max_width = o->width ? o->width :
			       o->long_lines ? 0 :
			       tty ? s->term_width :
			       o->arguments ? pipe_width() : 0;
	}
	s->label_cols = o->width ? o->width : o->long_lines ? 0 : SETTINGS_LABEL_COLS;
	s->delay_ds = o->delay_ds;
	s->focus = focus;
	s->nfocus = nfocus;
}

/*
 * Kernel threads are hidden, as pstree does, unless -k asks for them or a
 * process focused on or the PID operand is one (-p 2, cabatree 2:
 * kthreadd and its children).
 */
static bool kthreads_wanted(const struct ct_options *o, const struct ct_model *m,
			    const pid_t *focus, size_t nfocus, pid_t from)
{
	int top = from ? model_find(m, from) : -1;
	size_t i;

	if (o->kthreads)
		return true;
	/* cabatree 2: the kernel threads from kthreadd. */
	if (top >= 0 && m->nodes[top].p->kthread)
		return true;
	for (i = 0; i < nfocus; i++) {
		int idx = model_find(m, focus[i]);

		if (idx >= 0 && m->nodes[idx].p->kthread)
			return true;
	}
	return false;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return (x > y) - (x < y);
}

/*
 * -N: the trees of each namespace of type after a line that names it, in
 * the order of the namespaces' inodes (the first namespaces first). The
 * model was split with model_split_ns; the legend comes after the last.
 */
static int render_ns_groups(struct render_ctx *rc, struct ct_model *m, enum ct_ns type)
{
	unsigned long long *keys = xreallocarray(NULL, m->n ? m->n : 1, sizeof(*keys));
	unsigned long long *ns = xreallocarray(NULL, m->n ? m->n : 1, sizeof(*ns));
	bool (*saved)[TREE_COUNT] = xreallocarray(NULL, m->n ? m->n : 1, sizeof(*saved));
	bool marks[MARK_COUNT] = { false };
	size_t i, j, n = 0;
	int ret = 0;

	/* Each process's namespace, once: model_ns walks up the tree. */
	for (i = 0; i < m->n; i++) {
		memcpy(saved[i], m->nodes[i].shown, sizeof(saved[i]));
		/* A released ancestor, in the born tree only, is in its CABA's. */
		ns[i] = model_ns(m, (int)i, type,
				 model_is_released(m, (int)i) ? TREE_BORN : TREE_REAL);
		if (saved[i][TREE_REAL] || saved[i][TREE_BORN])
			keys[n++] = ns[i];
	}
	qsort(keys, n, sizeof(*keys), cmp_ull);
	for (i = 0, j = 0; i < n; i++)
		if (!j || keys[i] != keys[j - 1])
			keys[j++] = keys[i];
	n = j;
	if (!n) {
		/* Nothing shown: the titles and the line about kernel threads. */
		free(saved);
		free(ns);
		free(keys);
		return render_text.render(rc);
	}
	rc->marks = marks;
	for (j = 0; j < n && ret == 0; j++) {
		for (i = 0; i < m->n; i++) {
			bool in = ns[i] == keys[j];

			m->nodes[i].shown[TREE_REAL] = saved[i][TREE_REAL] && in;
			m->nodes[i].shown[TREE_BORN] = saved[i][TREE_BORN] && in;
		}
		if (j)
			fputc('\n', rc->out);
		if (keys[j])
			fprintf(rc->out, "[%s:[%llu]]\n", ct_ns_name[type], keys[j]);
		else
			fprintf(rc->out, _("[%s: not readable]\n"), ct_ns_name[type]);
		rc->more = j + 1 < n;
		ret = render_text.render(rc);
	}
	for (i = 0; i < m->n; i++)
		memcpy(m->nodes[i].shown, saved[i], sizeof(saved[i]));
	rc->marks = NULL;
	rc->more = false;
	free(saved);
	free(ns);
	free(keys);
	return ret;
}

/* -L without lineage: said once; the tree is shown without. */
static void lineage_missing(const struct source *src, const struct ct_model *m)
{
	if (m->snapshot)
		ct_say(_("-L: the snapshot %s has no lineage (it was taken without the recorder's); showing the born tree without released ancestors"),
		       m->snapshot);
	else if (m->caba_source == CABA_SRC_KERNEL)
		ct_say("%s", _("-L: the born tree comes from the kernel, which keeps no released ancestors; only the recorder does (cabatreed, on a kernel without the CABA patch)"));
	else if (m->caba_source == CABA_SRC_RECORDER)
		ct_say("%s", _("-L: the recorder gives no lineage (a cabatreed without it, or run with it off); showing the born tree without released ancestors"));
	else
		ct_say(_("-L: no lineage under '%s': only the recorder keeps released ancestors; run cabatreed as root (see cabatree-caba(7))"),
		       src->name);
}

/* Say what is shown: a snapshot, when, and where its born tree came from. */
static int snapshot_note(const struct ct_options *o, const struct source *src,
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
	if (o->threads && !src->thread_lists)
		ct_say(_("the snapshot %s has no threads: it was taken without -t"), m->snapshot);
	return CT_EXIT_OK;
}

/* What the born tree from the recorder lacks, when it lacks anything. */
static void recorder_note(const struct rec_source *rs)
{
	char since[64];

	if (rs->result != REC_USED)
		return;
	if (rs->filtered)
		ct_say("%s", _("the recorder answered with your processes only "
			       "(/proc hides others' processes: hidepid=)"));
	if (rs->live)
		return;
	if (!rs->running) {
		recorder_stopped_str(rs, since, sizeof(since));
		if (since[0])
			ct_say(_("the recorder (cabatreed) has not been running since %s: the "
			         "born tree is as it was then; processes started since are "
			         "marked as unknown to it"), since);
		else
			ct_say("%s", _("the recorder (cabatreed) is not running: the born tree is "
			               "as it was when it stopped; processes started since are "
			               "marked as unknown to it"));
		return;
	}
	ct_say(_("the recorder (cabatreed) runs but did not answer (%s): the born tree "
	         "is from its state file, which may lack the newest processes; they are "
	         "marked as unknown to it"), rs->err);
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct ct_options o;
	struct ct_proclist pl = { 0 };
	struct source_report rep = { 0 };
	struct source *src = NULL;
	struct ct_model m = { 0 };
	char note[1024];
	struct render_ctx rc = { 0 };
	struct ct_settings set;
	pid_t *focus_pids = NULL;
	size_t nfocus = 0;
	pid_t hl = 0, from = 0;
	const struct renderer *r;
	unsigned int want = 0;
	bool show_kthreads = true, lineage_shown = false;
	int status = CT_EXIT_OK;
	int err;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, nls_localedir());
	textdomain(PACKAGE);
	options_parse(argc, argv, &o);
	if (o.demo) {
		status = demo_run(argc, argv, &o);
		options_free(&o);
		return status;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	status = open_source(&o, &src);
	if (status != CT_EXIT_OK)
		goto out;
	if (o.arguments || o.format == FMT_JSON)
		want |= SOURCE_CMDLINE;
	if (o.threads)
		want |= SOURCE_THREADS;
	if (o.interactive)
		want |= SOURCE_AGAIN;
	if (o.ns_changes || o.ns_sort >= 0)
		want |= SOURCE_NS;
	err = source_refresh(src, want, &pl, &rep);
	if (err < 0) {
		ct_say("%s", rep.err);
		status = refresh_status(err);
		goto out;
	}
	model_build(&m, &pl, o.numeric);
	/*
	 * Released ancestors are nodes of the born tree with -L, and where
	 * a focus shows a process's chain up to its CABA (-p, -s, a
	 * snapshot's focus), in the browser too (L there). JSON carries
	 * them apart from the processes.
	 */
	lineage_shown = o.format != FMT_JSON &&
			(o.lineage || o.npids || src->nfocus ||
			 (o.show_parents && o.root_pid));
	if (lineage_shown)
		model_lineage(&m);
	if (o.ns_sort >= 0)
		model_split_ns(&m, (enum ct_ns)o.ns_sort, o.numeric);
	status = focus(&o, src, &m, &focus_pids, &nfocus);
	if (status == CT_EXIT_OK)
		status = operand(&o, src, &m, &from);
	if (status == CT_EXIT_OK)
		status = highlight(&o, src, &m, &hl);
	if (status != CT_EXIT_OK)
		goto out;
	/* A snapshot keeps every process, kernel threads too. */
	show_kthreads = kthreads_wanted(&o, &m, focus_pids, nfocus, from);
	/* The browser hides them itself: K shows them again. */
	if (!show_kthreads && o.format != FMT_JSON && !o.interactive)
		rc.kthreads_hidden = model_hide_kthreads(&m);
	else if (!show_kthreads && o.interactive && src->live)
		model_unlink_kthreads(&m);
	if (o.interactive) {
		struct tui_args ta = { .s = &set, .src = src, .pl = &pl, .m = &m,
				       .rep = &rep, .story = demo_story() };

		/* -i reads keys from the terminal once standard input is read. */
		if (o.load && strcmp(o.load, "-") == 0 && isatty(STDOUT_FILENO) &&
		    !freopen("/dev/tty", "r", stdin))
			ct_say(_("cannot open the terminal for keys: %s"), strerror(errno));
		resolve_settings(&o, src, focus_pids, nfocus, &set);
		set.highlight = hl;
		set.from_pid = from;
		set.by_user = o.user != NULL;
		set.user = o.uid;
		set.kthreads = show_kthreads;
		status = tui_run(&ta);
		goto out;
	}
	if (m.snapshot && o.format != FMT_JSON) {
		status = snapshot_note(&o, src, &m);
		if (status != CT_EXIT_OK)
			goto out;
	}
	if (m.caba_source == CABA_SRC_NONE && o.format != FMT_JSON && rep.recorder) {
		recorder_explain(rep.recorder, recorder_state_path(), note, sizeof(note));
		if (o.trees == SHOW_BORN) {
			ct_say("%s", note);
			status = CT_EXIT_FAILURE;
			goto out;
		}
		if (o.trees == SHOW_BOTH)
			ct_say(_("%s. Showing the real tree only."), note);
	} else if (m.caba_source == CABA_SRC_NONE && o.format != FMT_JSON && !m.snapshot) {
		if (o.trees == SHOW_BORN) {
			ct_say(_("the born (CABA) tree is unknown: no process under '%s' has an NScaba: line (the kernel has no CABA support)"),
			       src->name);
			status = CT_EXIT_FAILURE;
			goto out;
		}
		if (o.trees == SHOW_BOTH)
			ct_say(_("the born (CABA) tree is unknown: no process under '%s' has an NScaba: line "
			         "(the kernel has no CABA support); boot a kernel with the CABA patches "
			         "and CONFIG_CABA (patches/ in the cabatree source) to see it. Showing "
			         "the real tree only."),
			       src->name);
	}
	if (m.caba_source == CABA_SRC_RECORDER && o.format != FMT_JSON &&
	    o.trees != SHOW_REAL) {
		if (m.lost_events)
			ct_say(P_("born tree incomplete: %llu event lost by the recorder",
			          "born tree incomplete: %llu events lost by the recorder",
			          m.lost_events), m.lost_events);
		if (rep.recorder)
			recorder_note(rep.recorder);
	}
	if (rep.hidden && o.format != FMT_JSON)
		ct_say(P_("%zu process under '%s' could not be read (hidepid= or permissions); its children are shown as roots",
		          "%zu processes under '%s' could not be read (hidepid= or permissions); their children are shown as roots",
		          rep.hidden),
		       rep.hidden, src->name);
	if (m.cycles)
		ct_say(P_("%zu parent cycle was cut (inconsistent process data)",
		          "%zu parent cycles were cut (inconsistent process data)", m.cycles),
		       m.cycles);

	if (o.lineage && !m.has_lineage && o.format != FMT_JSON)
		lineage_missing(src, &m);
	/* Like lost events: what the lineage shown may lack. */
	if (lineage_shown && m.has_lineage && m.lineage_dropped && o.trees != SHOW_REAL)
		ct_say(P_("lineage incomplete: the recorder's cap dropped %llu released ancestor "
			  "(cabatreed --max-released)",
			  "lineage incomplete: the recorder's cap dropped %llu released ancestors "
			  "(cabatreed --max-released)", m.lineage_dropped),
		       m.lineage_dropped);
	resolve_settings(&o, src, focus_pids, nfocus, &set);
	set.highlight = hl;
	if (set.color_age && m.boot_time < 0)
		ct_say("%s", _("-C age: the start times are unknown here (no boot time): "
			       "not coloured by age"));
	set.kthreads = show_kthreads;
	rc.m = &m;
	rc.s = &set;
	rc.out = stdout;
	rc.users = users_new();
	source_name_users(src, rc.users);
	r = o.format == FMT_JSON ? &render_json : &render_text;
	if (o.format == FMT_DOT)
		r = &render_dot;
	if (o.ns_sort >= 0 ? render_ns_groups(&rc, &m, (enum ct_ns)o.ns_sort) < 0 :
	    r->render(&rc) < 0)
		status = CT_EXIT_FAILURE;
	users_free(rc.users);
	if (status == CT_EXIT_OK && rep.malformed)
		status = CT_EXIT_BAD_INPUT;
out:
	model_free(&m);
	proclist_free(&pl);
	source_free(src);
	free(focus_pids);
	options_free(&o);
	if (close_stdout() < 0)
		status = CT_EXIT_FAILURE;
	return status;
}
