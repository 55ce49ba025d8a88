/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The label of a process, built once from the model and the settings and
 * drawn by every output: name, pid, and what -g, -u, -j and -a add, the
 * marks (reparented, inferred, born outside, focus). What comes from the
 * process (names, user names, arguments) goes through the escaper of the
 * output it is written to, so an option means the same in text, DOT and
 * the browser.
 */
#ifndef CABATREE_LABEL_H
#define CABATREE_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "escape.h"
#include "model.h"
#include "users.h"

/* How untrusted bytes are made safe for one output. */
enum label_out {
	LABEL_TERMINAL,	/* text output and the browser: esc_terminal() */
	LABEL_DOT,	/* Graphviz: valid UTF-8 first, then as a UTF-8 terminal */
};

struct label_esc {
	enum label_out out;
	bool utf8;		/* LABEL_TERMINAL: names may be shown as UTF-8 */
	struct strbuf tmp;	/* scratch */
};

/* Append s[0..n) escaped for e's output. */
void label_esc(struct label_esc *e, struct strbuf *sb, const char *s, size_t n);
void label_esc_free(struct label_esc *e);

/* Which parts a label has: the options that add to it. */
struct label_opts {
	bool pgids;		/* -g */
	bool uid_changes;	/* -u */
	bool sids;		/* -j */
	bool arguments;		/* -a */
	bool born_shown;	/* the born tree is drawn: '*' compares with it */
	bool utf8_marks;	/* the marks of the born tree from the UTF-8 glyphs */
	bool ns_changes;	/* -S: the namespaces that differ from the parent's */
};

/* The parts of one process's label, as drawn in one tree. */
struct label {
	const struct ct_proc *p;
	bool pgid;		/* show p->pgid */
	bool user;		/* show the user: it differs from the parent's */
	const char *user_name;	/* its name, or NULL: show the uid */
	bool sid;		/* show p->sid */
	bool reparented;	/* '*', when the born tree is drawn or born_from is */
	bool inferred;		/* '?': guessed by the recorder, and the guess may
				 * hide a reparenting (caba_from_reaper) */
	bool unrecorded;	/* not known to the recorder (CABA_UNRECORDED) */
	bool hidden;		/* its CABA is another user's (CABA_HIDDEN) */
	const char *mark;	/* what the born status adds after '*', or NULL */
	bool outside;		/* born outside this pid namespace */
	bool focus;		/* named by -p */
	bool args;		/* the arguments after argv[0] are shown */
	unsigned int ns_changed;	/* -S: 1 << enum ct_ns for each namespace
					 * not its parent's in this tree */
	/*
	 * In the real tree, with reparented: the process it was born to
	 * (its CABA), drawn after the label as " ⇐ name(pid)"; NULL when
	 * not reparented, not in the real tree, or the CABA is not shown.
	 */
	const struct ct_proc *born_from;
	const char *born_glyph;	/* the glyph before born_from: ⇐ or <= */
	/*
	 * A released ancestor (born tree only): its mark, then when it ended
	 * and how, when known: " [ended 12:01:33, killed by SIGTERM]".
	 */
	const struct ct_released *released;
	const char *released_glyph;
	char ended[96];
};

/*
 * The label of node in tree t. users may be NULL when o->uid_changes is
 * not set.
 */
void label_build(struct label *lb, const struct ct_model *m, int node,
		 enum ct_tree t, const struct label_opts *o, struct users *users);

/*
 * The process node was born to, when it is reparented and that process is
 * in the model (not the idle task, not born outside, not unknown to the
 * recorder); else NULL.
 */
const struct ct_proc *label_born_from(const struct ct_model *m, int node);

/*
 * "name(pid,pgid,user,ns...)*?", then " [sid N]" (the '?' stands for any mark of
 * the born status: '?', the unrecorded or the hidden glyph), then
 * " ⇐ name(pid)" with born_from: the label without its arguments and its
 * outside and focus marks. Without with_pid the pid is left out (and the
 * parentheses when nothing else is in them): the part that identical
 * siblings share.
 */
void label_add_head(struct strbuf *sb, const struct label *lb, struct label_esc *e,
		    bool with_pid);

/* " arg1 arg2 ...": each argument after argv[0], when lb->args. */
void label_add_args(struct strbuf *sb, const struct label *lb, struct label_esc *e);

/* "{name}(tid)", or "{name}" without with_tid: thread i of p. */
void label_add_thread(struct strbuf *sb, const struct ct_proc *p, size_t i,
		      struct label_esc *e, bool with_tid);

/* "name(pid)": a process named in a sentence or a chain. */
void label_add_name_pid(struct strbuf *sb, const struct ct_proc *p, struct label_esc *e);

/* What trees are drawn with, in ASCII or in UTF-8. */
struct tree_glyphs {
	const char *pipe;	/* a later sibling follows below */
	const char *blank;	/* no later sibling */
	const char *tee;	/* a child with later siblings */
	const char *ell;	/* the last child */
	const char *focus;	/* after a -p process */
	const char *ellipsis;	/* the end of a cut line */
	const char *more;	/* the line goes on to the left (scrolled) */
	const char *arrow;	/* between a process and its parent in a chain */
	const char *vline;	/* between two panes side by side */
	const char *hline;	/* above the details */
	const char *unrecorded;	/* a process the recorder does not know */
	const char *hidden;	/* a process whose CABA is another user's */
	const char *highlight;	/* after a -h or -H process or ancestor,
				 * when not in colour */
	const char *born_from;	/* before the process a reparented one was born to */
	const char *released;	/* after a released ancestor */
};

const struct tree_glyphs *label_glyphs(bool utf8);

/*
 * The legend line of a mark: "? inferred: ...", with the glyph g gives the
 * mark (for unrecorded and hidden).
 */
enum label_mark {
	MARK_MOVED, MARK_BORN_FROM, MARK_INFERRED, MARK_UNRECORDED, MARK_HIDDEN, MARK_RELEASED,
	MARK_HIGHLIGHT, MARK_COUNT
};
void label_legend(struct strbuf *sb, enum label_mark k, const struct tree_glyphs *g);

/*
 * How a released ancestor ended, for people: "ended 12:01:33" (local time,
 * the date too when not the day of m->time; no time when not known), then
 * ", exited 1" or ", killed by SIGTERM" unless it exited with 0 or the
 * status is not known. "" when nothing is known.
 */
void label_ended(char *buf, size_t size, const struct ct_model *m, const struct ct_released *r);

/* The title over tree t. */
const char *label_tree_title(enum ct_tree t);

/* The arguments of a NUL-separated command line, one after another. */
struct args_iter {
	const char *s;
	const char *end;
};

/* All of p's arguments, or with skip_argv0 those after the first. */
void args_iter_init(struct args_iter *it, const struct ct_proc *p, bool skip_argv0);
/* The next argument (s[0..*len)); false when there is none. */
bool args_iter_next(struct args_iter *it, const char **s, size_t *len);

#endif
