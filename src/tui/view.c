// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The interactive browser's state, kept apart from the terminal so that it
 * can be tested alone. Like every renderer it only reads the model. The
 * rows of each tree are rebuilt from scratch whenever the model, a fold or
 * the search changes (the pre-order walk of walk.c, as text output's:
 * trees can be thousands deep); folds and the selection outlive a rebuild because they
 * are keyed by (pid, start time), never by a node index or a row.
 */
#include "config.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "label.h"
#include "nls.h"
#include "tui/view.h"
#include "walk.h"
#include "xalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Refresh delays the [ and ] keys step through, in tenths of a second. */
static const unsigned int delays[] = { 5, 10, 20, 30, 50, 100, 300, 600 };

/* The signal menu, TERM first (selected when it opens), as htop's. */
const struct view_signal view_signals[] = {
	{ SIGTERM, "TERM" }, { SIGKILL, "KILL" }, { SIGHUP, "HUP" },
	{ SIGINT, "INT" }, { SIGQUIT, "QUIT" }, { SIGSTOP, "STOP" },
	{ SIGCONT, "CONT" }, { SIGTSTP, "TSTP" }, { SIGUSR1, "USR1" },
	{ SIGUSR2, "USR2" }, { SIGALRM, "ALRM" }, { SIGWINCH, "WINCH" },
	{ SIGABRT, "ABRT" },
};
const size_t view_nsignals = ARRAY_SIZE(view_signals);

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->sel_node = -1;
	v->active = TREE_REAL;
	v->layout = VL_AUTO;
	v->born_known = true;
	v->delay_ds = 20;
}

void view_free(struct view *v)
{
	int t;

	for (t = 0; t < TREE_COUNT; t++) {
		free(v->tree[t].rows);
		free(v->tree[t].row_of);
		free(v->keep[t]);
	}
	free(v->fold);
	free(v->match);
	free(v->pass);
	free(v->chain);
	free(v->menu_uids);
	memset(v, 0, sizeof(*v));
}

struct view_key view_key_of(const struct view *v, int idx)
{
	const struct ct_proc *p = v->m->nodes[idx].p;

	return (struct view_key){ .pid = p->pid, .start = p->start_time };
}

/* The node with key k in model m, or -1: a reused pid is another process. */
static int find_key(const struct ct_model *m, struct view_key k)
{
	int idx = model_find(m, k.pid);
	size_t i;

	if (idx >= 0 && m->nodes[idx].p->start_time == k.start)
		return idx;
	/* A released ancestor is not in model_find's table. */
	for (i = m->nprocs; i < m->n; i++)
		if (m->nodes[i].p->pid == k.pid && m->nodes[i].p->start_time == k.start)
			return (int)i;
	return -1;
}

/* Is a filter (F4, u) hiding processes? */
static bool filtering(const struct view *v)
{
	return v->filter_len > 0 || v->by_user;
}

static bool searching(const struct view *v)
{
	return v->search_len > 0;
}

static unsigned int threads_of(const struct view *v, int node)
{
	if (!v->show_threads || filtering(v))
		return 0;
	return (unsigned int)v->m->nodes[node].p->nthreads_listed;
}

static bool node_visible(const struct view *v, enum ct_tree t, int node)
{
	return v->m->nodes[node].shown[t] &&
	       (v->show_kthreads || !v->m->nodes[node].p->kthread) &&
	       (!filtering(v) || v->keep[t][node]);
}

static int add_row(struct view_tree *tr, int node, int thread, int parent_row,
		   unsigned int depth, unsigned int flags)
{
	struct view_row *r;

	if (tr->nrows == tr->cap) {
		tr->cap = tr->cap ? tr->cap * 2 : 256;
		tr->rows = xreallocarray(tr->rows, tr->cap, sizeof(*tr->rows));
	}
	r = &tr->rows[tr->nrows];
	r->node = node;
	r->thread = thread;
	r->parent_row = parent_row;
	r->depth = depth;
	r->flags = flags;
	if (thread < 0)
		tr->row_of[node] = (int)tr->nrows;
	return (int)tr->nrows++;
}

/* What the walk of one tree asks node_visible(). */
struct shown_in {
	const struct view *v;
	enum ct_tree t;
};

static bool walk_shown(const void *ctx, int node)
{
	const struct shown_in *in = ctx;

	return node_visible(in->v, in->t, node);
}

/* The rows of tree t in pre-order: what is shown, unless under a fold. */
static void build_rows(struct view *v, enum ct_tree t)
{
	const struct ct_model *m = v->m;
	struct view_tree *tr = &v->tree[t];
	struct shown_in in = { v, t };
	struct walker w;
	size_t i;

	tr->nrows = 0;
	for (i = 0; i < m->n; i++)
		tr->row_of[i] = -1;
	walk_init(&w, m, t, v->show_threads && !filtering(v), walk_shown, &in);
	while (walk_next(&w)) {
		const struct walk_item *c = &w.cur;
		unsigned int flags = c->last ? ROW_LAST : 0;
		int row;

		if (c->thread < 0) {
			if (c->kids) {
				flags |= ROW_KIDS;
				if (v->fold[c->node] & (1u << t))
					flags |= ROW_FOLDED;
			}
			if (searching(v) && v->match[c->node])
				flags |= ROW_MATCH;
			if (filtering(v) && !v->pass[c->node])
				flags |= ROW_CONTEXT;
		}
		row = add_row(tr, c->node, c->thread, (int)c->parent_tag, c->depth, flags);
		if (flags & ROW_FOLDED)
			walk_prune(&w);
		walk_tag(&w, row);
	}
	walk_free(&w);
}

/* Case-insensitive (ASCII) search for needle in s[0..n). */
static bool contains(const char *s, size_t n, const char *needle, size_t nl)
{
	size_t i, j;

	if (nl > n)
		return false;
	for (i = 0; i + nl <= n; i++) {
		for (j = 0; j < nl; j++) {
			if (tolower((unsigned char)s[i + j]) !=
			    tolower((unsigned char)needle[j]))
				break;
		}
		if (j == nl)
			return true;
	}
	return false;
}

/* Does p's name, pid or (when read) command line hold text? */
static bool matches(const struct ct_proc *p, const char *text, size_t len,
		    bool args)
{
	char pid[16];

	if (contains(p->name, p->name_len, text, len))
		return true;
	snprintf(pid, sizeof(pid), "%d", (int)p->pid);
	if (strlen(pid) == len && memcmp(pid, text, len) == 0)
		return true;
	return args && p->has_cmdline &&
	       contains(p->cmdline, p->cmdline_len, text, len);
}

/*
 * The search's matches; what passes the filter and, in each tree, every
 * ancestor of that (kept, greyed, to hold the tree together).
 */
static void compute_search(struct view *v)
{
	const struct ct_model *m = v->m;
	size_t i;
	int t;

	if (searching(v)) {
		for (i = 0; i < m->n; i++)
			v->match[i] = matches(m->nodes[i].p, v->search,
					      v->search_len, v->show_args);
	}
	if (!filtering(v))
		return;
	for (t = 0; t < TREE_COUNT; t++)
		memset(v->keep[t], 0, m->n);
	for (i = 0; i < m->n; i++) {
		const struct ct_proc *p = m->nodes[i].p;

		/* The filter reads command lines whether or not they are shown. */
		v->pass[i] = (!v->by_user || p->uid == v->user) &&
			     (!v->filter_len ||
			      matches(p, v->filter, v->filter_len, true));
		if (!v->pass[i])
			continue;
		for (t = 0; t < TREE_COUNT; t++) {
			int a;

			for (a = (int)i; a >= 0 && !v->keep[t][a];
			     a = m->nodes[a].parent[t])
				v->keep[t][a] = 1;
		}
	}
}

static void build_all(struct view *v)
{
	int t;

	for (t = 0; t < TREE_COUNT; t++)
		build_rows(v, (enum ct_tree)t);
}

long view_sel_row(const struct view *v, enum ct_tree t)
{
	const struct view_tree *tr = &v->tree[t];
	int r;
	size_t j;

	if (!v->m || v->sel_node < 0)
		return -1;
	r = tr->row_of[v->sel_node];
	if (r < 0)
		return -1;
	if (v->sel_tid) {
		const struct ct_proc *p = v->m->nodes[v->sel_node].p;

		for (j = (size_t)r + 1; j < tr->nrows &&
		     tr->rows[j].node == v->sel_node && tr->rows[j].thread >= 0; j++) {
			if (p->threads[tr->rows[j].thread].tid == v->sel_tid)
				return (long)j;
		}
	}
	return r;
}

static void clamp_top(struct view_tree *tr)
{
	size_t h = tr->height ? tr->height : 1;

	if (tr->nrows <= h)
		tr->top = 0;
	else if (tr->top > tr->nrows - h)
		tr->top = tr->nrows - h;
}

static void ensure_visible(struct view *v, enum ct_tree t)
{
	struct view_tree *tr = &v->tree[t];
	size_t h = tr->height ? tr->height : 1;
	long r = view_sel_row(v, t);

	if (r >= 0) {
		if ((size_t)r < tr->top)
			tr->top = (size_t)r;
		else if ((size_t)r >= tr->top + h)
			tr->top = (size_t)r - h + 1;
	}
	clamp_top(tr);
}

static enum ct_tree chain_tree(const struct view *v)
{
	return v->born_known ? TREE_BORN : TREE_REAL;
}

/* Remember the selection's born ancestors, to fall back on if it exits. */
static void update_chain(struct view *v)
{
	enum ct_tree t = chain_tree(v);
	int a;

	v->nchain = 0;
	if (v->sel_node < 0)
		return;
	for (a = v->m->nodes[v->sel_node].parent[t]; a >= 0;
	     a = v->m->nodes[a].parent[t]) {
		if (v->nchain == v->cap_chain) {
			v->cap_chain = v->cap_chain ? v->cap_chain * 2 : 16;
			v->chain = xreallocarray(v->chain, v->cap_chain,
						 sizeof(*v->chain));
		}
		v->chain[v->nchain++] = view_key_of(v, a);
	}
}

/* Unfold what hides node in either tree. */
static void reveal(struct view *v, int node)
{
	int t;

	for (t = 0; t < TREE_COUNT; t++) {
		bool changed = false;
		int a;

		for (a = v->m->nodes[node].parent[t]; a >= 0;
		     a = v->m->nodes[a].parent[t]) {
			if (v->fold[a] & (1u << t)) {
				v->fold[a] &= (unsigned char)~(1u << t);
				changed = true;
			}
		}
		if (changed)
			build_rows(v, (enum ct_tree)t);
	}
}

static void set_sel(struct view *v, int node, pid_t tid)
{
	int t;

	v->has_sel = node >= 0;
	v->sel_node = node;
	v->sel_tid = tid;
	if (node < 0)
		return;
	v->sel = view_key_of(v, node);
	reveal(v, node);
	update_chain(v);
	for (t = 0; t < TREE_COUNT; t++)
		ensure_visible(v, (enum ct_tree)t);
}

static void select_row(struct view *v, enum ct_tree t, size_t r)
{
	const struct view_row *row;

	if (r >= v->tree[t].nrows)
		return;
	row = &v->tree[t].rows[r];
	set_sel(v, row->node, row->thread >= 0 ?
		v->m->nodes[row->node].p->threads[row->thread].tid : 0);
}

bool view_select_pid(struct view *v, pid_t pid)
{
	int idx = v->m ? model_find(v->m, pid) : -1;

	if (idx < 0)
		return false;
	set_sel(v, idx, 0);
	return true;
}

/* "name(pid)", escaped for the terminal. */
static void add_proc(const struct view *v, const struct ct_model *m, int node,
		     struct strbuf *sb)
{
	struct label_esc e = { .out = LABEL_TERMINAL, .utf8 = v->utf8 };

	label_add_name_pid(sb, m->nodes[node].p, &e);
	label_esc_free(&e);
}

static void set_msg(struct view *v, const struct strbuf *sb)
{
	snprintf(v->msg, sizeof(v->msg), "%s", sb->s ? sb->s : "");
}

/* The selection after a rescan; old is the previous model, still valid. */
static void resolve_sel(struct view *v, const struct ct_model *old,
			int old_node, long old_row)
{
	struct view_tree *tr = &v->tree[v->active];
	struct strbuf sb = STRBUF_INIT;
	int idx = v->has_sel ? find_key(v->m, v->sel) : -1;
	size_t i;

	if (idx >= 0) {
		pid_t tid = v->sel_tid;
		const struct ct_proc *p = v->m->nodes[idx].p;

		if (tid) {
			tid = 0;
			for (i = 0; i < p->nthreads_listed; i++)
				if (p->threads[i].tid == v->sel_tid)
					tid = v->sel_tid;
		}
		set_sel(v, idx, tid);
		return;
	}
	if (v->has_sel && v->follow) {
		for (i = 0; i < v->nchain; i++) {
			idx = find_key(v->m, v->chain[i]);
			if (idx >= 0)
				break;
		}
		if (idx >= 0) {
			if (old && old_node >= 0) {
				add_proc(v, old, old_node, &sb);
				sb_adds(&sb, " ");
			} else {
				sb_adds(&sb, _("the followed process "));
			}
			/* Without a born tree, the chain is of real parents. */
			sb_adds(&sb, v->born_known ?
				_("exited; now following its born ancestor ") :
				_("exited; now following its ancestor "));
			add_proc(v, v->m, idx, &sb);
			set_msg(v, &sb);
			sb_free(&sb);
			set_sel(v, idx, 0);
			return;
		}
	}
	/* Not following (or nothing left of it): keep the place on screen. */
	if (tr->nrows == 0) {
		set_sel(v, -1, 0);
		return;
	}
	if (old_row < 0)
		old_row = 0;
	if ((size_t)old_row >= tr->nrows)
		old_row = (long)tr->nrows - 1;
	select_row(v, v->active, (size_t)old_row);
}

void view_set_model(struct view *v, const struct ct_model *m)
{
	const struct ct_model *old = v->m;
	unsigned char *fold = xcalloc(m->n ? m->n : 1, 1);
	long off[TREE_COUNT], old_row = -1;
	struct view_key topkey[TREE_COUNT];
	bool has_top[TREE_COUNT];
	int old_node = v->sel_node;
	size_t i;
	int t;

	for (t = 0; t < TREE_COUNT; t++) {
		struct view_tree *tr = &v->tree[t];
		long r = old ? view_sel_row(v, (enum ct_tree)t) : -1;

		off[t] = r >= (long)tr->top &&
			 r < (long)(tr->top + (tr->height ? tr->height : 1)) ?
			 r - (long)tr->top : -1;
		has_top[t] = old && tr->top < tr->nrows;
		if (has_top[t])
			topkey[t] = view_key_of(v, tr->rows[tr->top].node);
		if (t == (int)v->active)
			old_row = r;
	}
	if (old) {
		for (i = 0; i < old->n; i++) {
			int idx;

			if (!v->fold[i])
				continue;
			idx = find_key(m, (struct view_key){
				.pid = old->nodes[i].p->pid,
				.start = old->nodes[i].p->start_time });
			if (idx >= 0)
				fold[idx] = v->fold[i];
		}
	}
	if (m->n > v->cap_nodes) {
		v->cap_nodes = m->n;
		for (t = 0; t < TREE_COUNT; t++) {
			v->tree[t].row_of = xreallocarray(v->tree[t].row_of, m->n,
							  sizeof(int));
			v->keep[t] = xreallocarray(v->keep[t], m->n, 1);
		}
		v->match = xreallocarray(v->match, m->n, 1);
		v->pass = xreallocarray(v->pass, m->n, 1);
	}
	free(v->fold);
	v->fold = fold;
	v->m = m;
	v->sel_node = -1;
	v->born_known = m->caba_source != CABA_SRC_NONE;
	if (!v->born_known && v->active == TREE_BORN)
		v->active = TREE_REAL;
	compute_search(v);
	build_all(v);

	if (!old) {
		if (v->tree[v->active].nrows)
			select_row(v, v->active, 0);
		return;
	}
	resolve_sel(v, old, old_node, old_row);
	for (t = 0; t < TREE_COUNT; t++) {
		struct view_tree *tr = &v->tree[t];
		long r = view_sel_row(v, (enum ct_tree)t);

		if (off[t] >= 0 && r >= 0) {
			tr->top = r >= off[t] ? (size_t)(r - off[t]) : 0;
		} else if (has_top[t]) {
			int idx = find_key(m, topkey[t]);

			if (idx >= 0 && tr->row_of[idx] >= 0)
				tr->top = (size_t)tr->row_of[idx];
		}
		clamp_top(tr);
		if (off[t] >= 0)
			ensure_visible(v, (enum ct_tree)t);
	}
}

void view_set_height(struct view *v, enum ct_tree t, unsigned int rows)
{
	struct view_tree *tr = &v->tree[t];

	if (tr->height == rows)
		return;
	tr->height = rows;
	ensure_visible(v, t);
}

bool view_tree_shown(const struct view *v, enum ct_tree t)
{
	switch (v->layout) {
	case VL_REAL:
		return t == TREE_REAL;
	case VL_BORN:
		return v->born_known ? t == TREE_BORN : t == TREE_REAL;
	default:
		return t == TREE_REAL || v->born_known;
	}
}

/* Move the selection by delta rows in the active tree. */
static void move(struct view *v, long delta)
{
	struct view_tree *tr = &v->tree[v->active];
	long r = view_sel_row(v, v->active);

	if (tr->nrows == 0)
		return;
	if (r < 0)
		r = (long)tr->top;
	else
		r += delta;
	if (r < 0)
		r = 0;
	if (r >= (long)tr->nrows)
		r = (long)tr->nrows - 1;
	select_row(v, v->active, (size_t)r);
}

static void toggle_fold(struct view *v, bool fold)
{
	enum ct_tree t = v->active;
	long r = view_sel_row(v, t);
	const struct view_row *row;

	if (r < 0)
		return;
	row = &v->tree[t].rows[r];
	if (row->thread >= 0 || !(row->flags & ROW_KIDS))
		return;
	if (fold)
		v->fold[row->node] |= (unsigned char)(1u << t);
	else
		v->fold[row->node] &= (unsigned char)~(1u << t);
	build_rows(v, t);
	ensure_visible(v, t);
}

static void go_left(struct view *v)
{
	long r = view_sel_row(v, v->active);
	const struct view_row *row;

	if (r < 0)
		return;
	row = &v->tree[v->active].rows[r];
	if (row->thread < 0 && (row->flags & ROW_KIDS) &&
	    !(row->flags & ROW_FOLDED))
		toggle_fold(v, true);
	else if (row->parent_row >= 0)
		select_row(v, v->active, (size_t)row->parent_row);
}

static void go_right(struct view *v)
{
	long r = view_sel_row(v, v->active);
	const struct view_row *row;

	if (r < 0)
		return;
	row = &v->tree[v->active].rows[r];
	if (row->flags & ROW_FOLDED)
		toggle_fold(v, false);
	else if (row->flags & ROW_KIDS)
		select_row(v, v->active, (size_t)r + 1);
}

/* Every process, shown or not: a fold outlives a focus or a search. */
static bool walk_all(const void *ctx, int node)
{
	(void)ctx;
	(void)node;
	return true;
}

void view_collapse_to(struct view *v, unsigned int depth)
{
	const struct ct_model *m = v->m;
	int t;

	if (!m || !m->n)
		return;
	for (t = 0; t < TREE_COUNT; t++) {
		struct walker w;

		walk_init(&w, m, (enum ct_tree)t, false, walk_all, NULL);
		while (walk_next(&w)) {
			int n = w.cur.node;

			if (w.cur.depth + 1 >= depth &&
			    (m->nodes[n].nchild[t] || threads_of(v, n)))
				v->fold[n] |= (unsigned char)(1u << t);
			else
				v->fold[n] &= (unsigned char)~(1u << t);
		}
		walk_free(&w);
	}
	build_all(v);
	/* The selection may now be hidden: move it to what hides it. */
	if (v->sel_node >= 0 && v->tree[v->active].row_of[v->sel_node] < 0) {
		int a = v->sel_node;

		while (a >= 0 && v->tree[v->active].row_of[a] < 0)
			a = m->nodes[a].parent[v->active];
		v->sel_tid = 0;
		if (a >= 0)
			set_sel(v, a, 0);
	}
	for (t = 0; t < TREE_COUNT; t++)
		ensure_visible(v, (enum ct_tree)t);
}

static void expand_all(struct view *v)
{
	if (!v->m)
		return;
	memset(v->fold, 0, v->m->n);
	build_all(v);
	ensure_visible(v, TREE_REAL);
	ensure_visible(v, TREE_BORN);
}

/*
 * Select the next (dir 1) or previous (-1) match in the active tree: in
 * its rows first, then one that a fold hides (selecting it unfolds).
 */
static bool next_match(struct view *v, int dir, bool include_current)
{
	struct view_tree *tr = &v->tree[v->active];
	long r = view_sel_row(v, v->active);
	size_t i, n = tr->nrows;

	if (!searching(v))
		return false;
	if (r < 0)
		r = dir > 0 ? -1 : 0;
	for (i = include_current ? 0 : 1; n && i <= n; i++) {
		long j = ((r + dir * (long)i) % (long)n + (long)n) % (long)n;

		if (tr->rows[j].thread < 0 && (tr->rows[j].flags & ROW_MATCH)) {
			select_row(v, v->active, (size_t)j);
			return true;
		}
	}
	for (i = 0; i < v->m->n; i++) {
		if (v->match[i] && tr->row_of[i] < 0 &&
		    node_visible(v, v->active, (int)i)) {
			set_sel(v, (int)i, 0);
			return true;
		}
	}
	return false;
}

/* "no process matches 'text'", the text escaped. */
static void no_match_msg(struct view *v, const char *text, size_t len)
{
	struct strbuf sb = STRBUF_INIT, t = STRBUF_INIT;

	esc_terminal(&t, text, len, v->utf8);
	sb_addf(&sb, _("no process matches '%s'"), t.s ? t.s : "");
	set_msg(v, &sb);
	sb_free(&sb);
	sb_free(&t);
}

/* Does any process shown (filters aside) match the search? */
static bool any_match(const struct view *v)
{
	size_t i;

	for (i = 0; i < v->m->n; i++)
		if (v->match[i] && node_visible(v, v->active, (int)i))
			return true;
	return false;
}

static void search_changed(struct view *v)
{
	v->search[v->search_len] = '\0';
	compute_search(v);
	build_all(v);
	if (!searching(v))
		return;
	if (!next_match(v, 1, true) && !any_match(v))
		no_match_msg(v, v->search, v->search_len);
}

/* Keep the selection in view, or on what is left, after a filter changed. */
static void filter_changed(struct view *v)
{
	int sel = v->sel_node;
	int t;

	v->filter[v->filter_len] = '\0';
	compute_search(v);
	build_all(v);
	if (sel >= 0 && v->tree[v->active].row_of[sel] >= 0)
		set_sel(v, sel, v->sel_tid);
	else if (v->tree[v->active].nrows)
		select_row(v, v->active, 0);
	else
		v->sel_node = -1;
	for (t = 0; t < TREE_COUNT; t++)
		ensure_visible(v, (enum ct_tree)t);
	if (v->filter_len && !v->tree[v->active].nrows)
		no_match_msg(v, v->filter, v->filter_len);
}

static unsigned int search_key(struct view *v, int key)
{
	char *text = v->typing_filter ? v->filter : v->search;
	size_t *len = v->typing_filter ? &v->filter_len : &v->search_len;
	void (*changed)(struct view *) = v->typing_filter ? filter_changed :
				       search_changed;

	switch (key) {
	case VK_UP: case VK_DOWN: case VK_PGUP: case VK_PGDN:
	case VK_HOME: case VK_END: case VK_TAB:
		/* Moving ends the typing, as Enter would. */
		v->typing = false;
		return view_key(v, key);
	case VK_ENTER:
		v->typing = false;
		if (!v->typing_filter && searching(v) && !any_match(v))
			no_match_msg(v, v->search, v->search_len);
		/* The filter reads command lines: a scan brings them. */
		return v->typing_filter && *len ? VIEW_REDRAW | VIEW_RESCAN : VIEW_REDRAW;
	case VK_ESC:
		v->typing = false;
		*len = 0;
		changed(v);
		return VIEW_REDRAW;
	case VK_BACKSPACE:
		if (*len) {
			/* Drop a whole UTF-8 sequence. */
			do
				(*len)--;
			while (*len && ((unsigned char)text[*len] & 0xc0) == 0x80);
			changed(v);
		}
		return VIEW_REDRAW;
	default:
		if (key < 0x20 || key > 0xff || key == 0x7f)
			return 0;
		if (*len + 1 >= VIEW_SEARCH_MAX)
			return 0;
		text[(*len)++] = (char)key;
		changed(v);
		return VIEW_REDRAW;
	}
}

/* Select node p, clearing a filter (and showing kernel threads) that hides it. */
static void select_shown(struct view *v, int p)
{
	if (!node_visible(v, v->active, p)) {
		v->filter_len = 0;
		v->by_user = false;
		v->show_kthreads |= v->m->nodes[p].p->kthread;
		filter_changed(v);
	}
	set_sel(v, p, 0);
}

static void jump_parent(struct view *v, enum ct_tree t)
{
	int p;

	if (v->sel_node < 0)
		return;
	if (t == TREE_BORN && !v->born_known) {
		snprintf(v->msg, sizeof(v->msg), "%s",
			 _("the born (CABA) tree is unknown on this kernel"));
		return;
	}
	p = v->m->nodes[v->sel_node].parent[t];
	if (p < 0) {
		snprintf(v->msg, sizeof(v->msg), "%s", t == TREE_REAL ?
			 _("no real parent is shown") : _("no born parent (CABA) is shown"));
		return;
	}
	select_shown(v, p);
}

/* c: to the CABA, the closest living born ancestor, past released ones. */
static void jump_caba(struct view *v)
{
	int p;

	if (v->sel_node < 0)
		return;
	if (!v->born_known) {
		snprintf(v->msg, sizeof(v->msg), "%s",
			 _("the born (CABA) tree is unknown on this kernel"));
		return;
	}
	p = model_alive_above(v->m, v->m->nodes[v->sel_node].parent[TREE_BORN]);
	if (p < 0) {
		snprintf(v->msg, sizeof(v->msg), "%s", _("no born parent (CABA) is shown"));
		return;
	}
	select_shown(v, p);
}

/* L: released ancestors in the born tree, or not. */
static unsigned int toggle_lineage(struct view *v)
{
	if (!v->m->has_lineage) {
		snprintf(v->msg, sizeof(v->msg), "%s",
			 _("no lineage here: only the recorder (cabatreed) keeps released ancestors"));
		return VIEW_REDRAW;
	}
	v->show_lineage = !v->show_lineage;
	snprintf(v->msg, sizeof(v->msg), "%s", v->show_lineage ?
		 _("released ancestors shown in the born tree") :
		 _("released ancestors hidden (the details still tell the lineage)"));
	return VIEW_REDRAW | VIEW_LINEAGE;
}

static void step_delay(struct view *v, int dir)
{
	size_t i, n = ARRAY_SIZE(delays);

	if (dir > 0) {
		for (i = 0; i < n && delays[i] <= v->delay_ds; i++)
			;
		v->delay_ds = i < n ? delays[i] : delays[n - 1];
	} else {
		for (i = n; i > 0 && delays[i - 1] >= v->delay_ds; i--)
			;
		v->delay_ds = i > 0 ? delays[i - 1] : delays[0];
	}
	snprintf(v->msg, sizeof(v->msg), _("refresh every %u.%u s"),
		 v->delay_ds / 10, v->delay_ds % 10);
}

static void next_layout(struct view *v)
{
	static const char *const names[VL_COUNT] = {
		N_("layout: side by side if wide enough, else stacked"),
		N_("layout: side by side"),
		N_("layout: stacked"),
		N_("layout: the real tree only"),
		N_("layout: the born tree only"),
	};

	do
		v->layout = (enum view_layout)((v->layout + 1) % VL_COUNT);
	while (!v->born_known && v->layout != VL_AUTO && v->layout != VL_REAL);
	if (!view_tree_shown(v, v->active))
		v->active = v->active == TREE_REAL ? TREE_BORN : TREE_REAL;
	snprintf(v->msg, sizeof(v->msg), "%s", _(names[v->layout]));
}

static const char *const sort_names[VS_COUNT] = {
	N_("name"), N_("pid"), N_("CPU%"), N_("memory"), N_("start time"),
};

const char *view_sort_name(enum view_sort s)
{
	return _(sort_names[s < VS_COUNT ? s : VS_NAME]);
}

static unsigned int set_sort(struct view *v, enum view_sort s)
{
	v->sort = s;
	snprintf(v->msg, sizeof(v->msg), _("siblings sorted by %s"),
		 view_sort_name(s));
	return VIEW_REDRAW | VIEW_RESORT;
}

static int cmp_uid(const void *a, const void *b)
{
	uid_t x = *(const uid_t *)a, y = *(const uid_t *)b;

	return x < y ? -1 : x > y;
}

/* The users owning processes, each once, by uid: the user menu's items. */
static void list_users(struct view *v)
{
	size_t i, n = 0;

	if (v->menu_cap < v->m->n) {
		v->menu_cap = v->m->n;
		v->menu_uids = xreallocarray(v->menu_uids, v->menu_cap,
					     sizeof(*v->menu_uids));
	}
	for (i = 0; i < v->m->n; i++)
		if (v->m->nodes[i].shown[v->active])
			v->menu_uids[n++] = v->m->nodes[i].p->uid;
	if (n)
		qsort(v->menu_uids, n, sizeof(*v->menu_uids), cmp_uid);
	v->menu_n = 0;
	for (i = 0; i < n; i++)
		if (!v->menu_n || v->menu_uids[v->menu_n - 1] != v->menu_uids[i])
			v->menu_uids[v->menu_n++] = v->menu_uids[i];
	v->menu_n++;	/* "all users" comes first */
}

static unsigned int open_menu(struct view *v, enum view_menu menu)
{
	size_t i;

	v->menu_sel = 0;
	switch (menu) {
	case MENU_SIGNAL:
		if (v->sel_node < 0) {
			snprintf(v->msg, sizeof(v->msg), "%s", _("no process is selected"));
			return VIEW_REDRAW;
		}
		/* Its pid may be another process's by now. */
		if (model_is_released(v->m, v->sel_node)) {
			snprintf(v->msg, sizeof(v->msg), "%s",
				 _("a released ancestor has ended: there is nothing to signal"));
			return VIEW_REDRAW;
		}
		v->signal_to = view_key_of(v, v->sel_node);
		v->menu_n = view_nsignals;
		break;
	case MENU_USER:
		list_users(v);
		for (i = 1; v->by_user && i < v->menu_n; i++)
			if (v->menu_uids[i - 1] == v->user)
				v->menu_sel = i;
		break;
	case MENU_SORT:
		v->menu_n = VS_COUNT;
		v->menu_sel = v->sort;
		break;
	default:
		return 0;
	}
	v->menu = menu;
	return VIEW_REDRAW;
}

static unsigned int menu_pick(struct view *v)
{
	enum view_menu menu = v->menu;

	v->menu = MENU_NONE;
	switch (menu) {
	case MENU_SIGNAL:
		v->signal = view_signals[v->menu_sel].sig;
		return VIEW_REDRAW | VIEW_SIGNAL;
	case MENU_USER:
		v->by_user = v->menu_sel > 0;
		if (v->by_user)
			v->user = v->menu_uids[v->menu_sel - 1];
		filter_changed(v);
		return VIEW_REDRAW;
	case MENU_SORT:
		return set_sort(v, (enum view_sort)v->menu_sel);
	default:
		return VIEW_REDRAW;
	}
}

/* A key while a menu is open: it moves in the menu, picks or closes it. */
static unsigned int menu_key(struct view *v, int key)
{
	switch (key) {
	case VK_UP:
		if (v->menu_sel)
			v->menu_sel--;
		break;
	case VK_DOWN: case 'j':
		if (v->menu_sel + 1 < v->menu_n)
			v->menu_sel++;
		break;
	case VK_HOME: case VK_PGUP:
		v->menu_sel = 0;
		break;
	case VK_END: case VK_PGDN:
		v->menu_sel = v->menu_n ? v->menu_n - 1 : 0;
		break;
	case VK_ENTER:
		return menu_pick(v);
	case VK_ESC: case VK_F10: case 'q':
		v->menu = MENU_NONE;
		break;
	default:
		snprintf(v->msg, sizeof(v->msg), "%s",
			 _("Up and Down choose, Enter picks, Esc cancels"));
	}
	return VIEW_REDRAW;
}

/* Fold (-) the selected process, or the one that a leaf belongs to. */
static void fold_selected(struct view *v)
{
	long r = view_sel_row(v, v->active);
	const struct view_row *row;

	if (r < 0)
		return;
	row = &v->tree[v->active].rows[r];
	if (row->thread >= 0 || !(row->flags & ROW_KIDS)) {
		if (row->parent_row < 0)
			return;
		select_row(v, v->active, (size_t)row->parent_row);
	}
	toggle_fold(v, true);
}

/* Unfold (+) the selected process and everything below it. */
static void unfold_selected(struct view *v)
{
	const struct ct_model *m = v->m;
	enum ct_tree t = v->active;
	unsigned char bit = (unsigned char)(1u << t);
	int *stack;
	size_t sp = 0, cap = 64, i;

	if (v->sel_node < 0)
		return;
	/* An explicit stack: subtrees can be 100,000 deep. */
	stack = xreallocarray(NULL, cap, sizeof(*stack));
	stack[sp++] = v->sel_node;
	while (sp) {
		const struct ct_node *nd = &m->nodes[stack[--sp]];

		v->fold[stack[sp]] &= (unsigned char)~bit;
		if (sp + nd->nchild[t] > cap) {
			cap = (sp + nd->nchild[t]) * 2;
			stack = xreallocarray(stack, cap, sizeof(*stack));
		}
		for (i = 0; i < nd->nchild[t]; i++)
			stack[sp++] = m->children[t][nd->first[t] + i];
	}
	free(stack);
	build_rows(v, t);
	ensure_visible(v, t);
}

/* * : expand everything, or collapse to the roots when nothing is folded. */
static void toggle_all(struct view *v)
{
	size_t i;

	for (i = 0; i < v->m->n && !v->fold[i]; i++)
		;
	if (i < v->m->n)
		expand_all(v);
	else
		view_collapse_to(v, 1);
}

size_t view_kthreads_hidden(const struct view *v)
{
	size_t i, n = 0;

	if (!v->m || v->show_kthreads)
		return 0;
	for (i = 0; i < v->m->n; i++)
		n += v->m->nodes[i].p->kthread && v->m->nodes[i].shown[v->active];
	return n;
}

static void start_typing(struct view *v, bool filter)
{
	v->typing = true;
	v->typing_filter = filter;
	/* The filter is edited where it is, as htop's; a search starts anew. */
	if (!filter) {
		v->search_len = 0;
		search_changed(v);
	}
}

unsigned int view_key(struct view *v, int key)
{
	unsigned int h = v->tree[v->active].height;

	if (!v->m)
		return key == 'q' || key == VK_F10 ? VIEW_QUIT : 0;
	v->msg[0] = '\0';
	if (v->typing)
		return search_key(v, key);
	if (v->menu != MENU_NONE)
		return menu_key(v, key);
	switch (key) {
	case VK_UP:
		move(v, -1);
		break;
	case VK_DOWN: case 'j':
		move(v, 1);
		break;
	case VK_PGUP:
		move(v, -(long)(h > 1 ? h - 1 : 1));
		break;
	case VK_PGDN:
		move(v, (long)(h > 1 ? h - 1 : 1));
		break;
	case VK_HOME: case 'g':
		select_row(v, v->active, 0);
		break;
	case VK_END: case 'G':
		if (v->tree[v->active].nrows)
			select_row(v, v->active, v->tree[v->active].nrows - 1);
		break;
	case VK_ENTER: case ' ': {
		long r = view_sel_row(v, v->active);

		if (r >= 0)
			toggle_fold(v, !(v->tree[v->active].rows[r].flags & ROW_FOLDED));
		break;
	}
	case VK_LEFT: case 'h':
		go_left(v);
		break;
	case VK_RIGHT: case 'l':
		go_right(v);
		break;
	case '+':
		unfold_selected(v);
		break;
	case '-':
		fold_selected(v);
		break;
	case '*':
		toggle_all(v);
		break;
	case '1': case '2': case '3': case '4': case '5':
	case '6': case '7': case '8': case '9':
		view_collapse_to(v, (unsigned int)(key - '0'));
		break;
	case VK_TAB:
		if (view_tree_shown(v, TREE_REAL) && view_tree_shown(v, TREE_BORN))
			v->active = v->active == TREE_REAL ? TREE_BORN : TREE_REAL;
		break;
	case '/': case VK_F3:
		start_typing(v, false);
		break;
	case '\\': case VK_F4:
		start_typing(v, true);
		break;
	case 'n':
		if (!next_match(v, 1, false) && searching(v))
			no_match_msg(v, v->search, v->search_len);
		break;
	case 'N':
		if (!next_match(v, -1, false) && searching(v))
			no_match_msg(v, v->search, v->search_len);
		break;
	case VK_ESC:
		/* The search goes first, then the filters. */
		if (searching(v)) {
			v->search_len = 0;
			search_changed(v);
		} else if (filtering(v)) {
			v->filter_len = 0;
			v->by_user = false;
			filter_changed(v);
		}
		break;
	case 'p':
		jump_parent(v, TREE_REAL);
		break;
	case 'b':
		jump_parent(v, TREE_BORN);
		break;
	case 'c':
		jump_caba(v);
		break;
	case 'L':
		return toggle_lineage(v);
	case 'f':
		v->follow = !v->follow;
		snprintf(v->msg, sizeof(v->msg), "%s", v->follow ?
			 _("following the selected process") : _("not following"));
		break;
	case 'a':
		v->show_args = !v->show_args;
		return VIEW_REDRAW | VIEW_RESCAN;
	case 't':
		v->show_threads = !v->show_threads;
		return VIEW_REDRAW | VIEW_RESCAN;
	case 'K':
		v->show_kthreads = !v->show_kthreads;
		snprintf(v->msg, sizeof(v->msg), "%s", v->show_kthreads ?
			 _("kernel threads shown") : _("kernel threads hidden"));
		filter_changed(v);
		/* A live source is read again: see model_unlink_kthreads. */
		return VIEW_REDRAW | VIEW_RESCAN;
	case 'C':
		v->columns = !v->columns;
		break;
	case 'k': case VK_F9:
		return open_menu(v, MENU_SIGNAL);
	case 'u':
		return open_menu(v, MENU_USER);
	case VK_F6:
		return open_menu(v, MENU_SORT);
	case '>':
		return set_sort(v, (enum view_sort)((v->sort + 1) % VS_COUNT));
	case '<':
		return set_sort(v, (enum view_sort)((v->sort + VS_COUNT - 1) % VS_COUNT));
	case 'P':
		return set_sort(v, VS_CPU);
	case 'M':
		return set_sort(v, VS_MEM);
	case 'v':
		next_layout(v);
		break;
	case 'r': case 0x0c:
		return VIEW_REDRAW | VIEW_RESCAN;
	case '[':
		step_delay(v, -1);
		break;
	case ']':
		step_delay(v, 1);
		break;
	case '?': case VK_F1:
		return VIEW_HELP;
	case 'q': case 'Q': case VK_F10:
		return VIEW_QUIT;
	default:
		snprintf(v->msg, sizeof(v->msg), "%s", _("unknown key: press ? for keys"));
		break;
	}
	return VIEW_REDRAW;
}

void view_rebuild(struct view *v)
{
	int t;

	if (!v->m)
		return;
	build_all(v);
	for (t = 0; t < TREE_COUNT; t++)
		ensure_visible(v, (enum ct_tree)t);
}

unsigned int view_click(struct view *v, enum ct_tree t, size_t r)
{
	struct view_tree *tr = &v->tree[t];
	size_t row = tr->top + r;

	if (!v->m || row >= tr->nrows || !view_tree_shown(v, t))
		return 0;
	v->msg[0] = '\0';
	v->active = t;
	if ((long)row == view_sel_row(v, t) && (tr->rows[row].flags & ROW_KIDS))
		toggle_fold(v, !(tr->rows[row].flags & ROW_FOLDED));
	else
		select_row(v, t, row);
	return VIEW_REDRAW;
}

unsigned int view_scroll(struct view *v, enum ct_tree t, long delta)
{
	struct view_tree *tr = &v->tree[t];

	if (delta < 0 && (size_t)-delta > tr->top)
		tr->top = 0;
	else
		tr->top = (size_t)((long)tr->top + delta);
	clamp_top(tr);
	return VIEW_REDRAW;
}
