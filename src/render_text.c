// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text output: the real and the born tree, one node per line, side by side
 * or one after the other. Trees are walked in pre-order (walk.c), never by
 * recursion, and lines are produced one at a time, so depth costs nothing
 * but the width of the indentation.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "label.h"
#include "nls.h"
#include "render.h"
#include "walk.h"

#define GAP 4			/* columns between the two trees */
#define SIDE_AUTO_MAX 400	/* wider than this, auto layout stacks */

#define SGR_RESET "\033[0m"
#define SGR_HEADER "\033[1m"

struct text {
	const struct render_ctx *rc;
	const struct tree_glyphs *g;
	struct label_esc esc;		/* names and arguments for the terminal */
	struct label_opts lopts;
	struct strbuf key_a, key_b;	/* scratch for compaction */
	bool any[MARK_COUNT];	/* the marks drawn, for the legend */
	unsigned char *hl[TREE_COUNT];	/* -h, -H: highlighted, per tree */
	bool moved;		/* the last label has '*' */
};

enum conn { CONN_NONE, CONN_TEE, CONN_ELL };

/* One line of one tree. */
struct line {
	int node;
	int thread;		/* index in the node's threads, or -1 */
	unsigned int count;	/* > 1: identical leaf siblings folded */
	size_t depth;
	enum conn conn;
};

struct tree_iter {
	struct text *tx;
	enum ct_tree t;
	struct walker w;
	/*
	 * The indentation of the current line. stem_at[d] is its length for
	 * the lines at depth d; the bytes for the depths above stay in place
	 * while the walk is below them (the buffer is not NUL-terminated).
	 */
	struct strbuf stem;
	size_t *stem_at;
	size_t stem_cap;
	unsigned int prev_depth;
	bool prev_last;
	struct line cur;
};

/*
 * The label of a line without its pids, or with them (with_ids): without,
 * it is what two leaf siblings must share to be folded into one N*[label]
 * line.
 */
static void line_label(struct text *tx, enum ct_tree t, const struct line *ln,
		       struct strbuf *sb, bool with_ids)
{
	const struct ct_proc *p = tx->rc->m->nodes[ln->node].p;
	struct label lb;

	if (ln->thread >= 0) {
		label_add_thread(sb, p, (size_t)ln->thread, &tx->esc, with_ids);
		return;
	}
	label_build(&lb, tx->rc->m, ln->node, t, &tx->lopts, tx->rc->users);
	label_add_head(sb, &lb, &tx->esc, with_ids);
	tx->moved = lb.reparented;
	tx->any[MARK_MOVED] |= lb.reparented;
	tx->any[MARK_BORN_FROM] |= lb.born_from != NULL;
	tx->any[MARK_INFERRED] |= lb.inferred;
	tx->any[MARK_UNRECORDED] |= lb.unrecorded;
	tx->any[MARK_HIDDEN] |= lb.hidden;
	tx->any[MARK_RELEASED] |= lb.released != NULL;
	if (lb.outside)
		sb_adds(sb, _(" [born outside this namespace]"));
	label_add_args(sb, &lb, &tx->esc);
}

/*
 * A thread, or a process drawn without anything below it. A focused or
 * reparented process is what one looks for: it keeps its own line.
 */
static bool is_leaf_item(const struct tree_iter *it, int child)
{
	const struct ct_node *nd;

	if (child < 0)
		return true;
	nd = &it->tx->rc->m->nodes[child];
	/* Nor are a focus, a reparented and a highlighted process folded away. */
	return !nd->focus && !nd->reparented &&
	       !(it->tx->hl[it->t] && it->tx->hl[it->t][child]) &&
	       !walk_has_items(&it->w, child);
}

/* How many items from pos on fold into one line with it. */
static unsigned int fold_run(struct tree_iter *it, const struct walk_frame *f,
			     unsigned int pos)
{
	struct text *tx = it->tx;
	const struct walker *w = &it->w;
	int first = walk_child_at(w, f->node, pos);
	unsigned int nt = walk_nthreads(w, f->node);
	unsigned int n = 1, q;
	struct line a = { .node = first < 0 ? f->node : first,
			  .thread = first < 0 ? (int)pos : -1 };

	if (!tx->rc->s->compact || !is_leaf_item(it, first))
		return 1;
	sb_reset(&tx->key_a);
	line_label(tx, it->t, &a, &tx->key_a, false);
	for (q = pos + 1; q < f->end; q++) {
		int c = walk_child_at(w, f->node, q);
		struct line b = { .node = c < 0 ? f->node : c,
				  .thread = c < 0 ? (int)q : -1 };

		/* Threads fold with threads, processes with processes. */
		if ((c < 0) != (first < 0) || (pos < nt) != (q < nt))
			break;
		if (c >= 0 && !walk_visible(w, c))
			break;
		if (!is_leaf_item(it, c))
			break;
		sb_reset(&tx->key_b);
		line_label(tx, it->t, &b, &tx->key_b, false);
		if (tx->key_a.len != tx->key_b.len ||
		    memcmp(tx->key_a.s, tx->key_b.s, tx->key_a.len))
			break;
		n++;
	}
	return n;
}

static void iter_init(struct tree_iter *it, struct text *tx, enum ct_tree t)
{
	memset(it, 0, sizeof(*it));
	it->tx = tx;
	it->t = t;
	walk_init(&it->w, tx->rc->m, t, tx->rc->s->threads, NULL, NULL);
}

static void iter_free(struct tree_iter *it)
{
	walk_free(&it->w);
	free(it->stem_at);
	sb_free(&it->stem);
}

/* Set the stem for a line at depth d, the walk having come from prev_depth. */
static void set_stem(struct tree_iter *it, unsigned int d)
{
	if (d >= it->stem_cap) {
		it->stem_cap = it->stem_cap ? it->stem_cap * 2 : 64;
		if (it->stem_cap <= d)
			it->stem_cap = (size_t)d + 1;
		it->stem_at = xreallocarray(it->stem_at, it->stem_cap, sizeof(*it->stem_at));
	}
	if (d <= 1) {
		it->stem_at[d] = 0;
	} else if (d > it->prev_depth) {
		/* Below the previous line: one level more than its own. */
		it->stem.len = it->stem_at[d - 1];
		sb_adds(&it->stem, it->prev_last ? it->tx->g->blank : it->tx->g->pipe);
		it->stem_at[d] = it->stem.len;
	}
	it->stem.len = it->stem_at[d];
}

/* Advance to the next line in pre-order; false at the end of the tree. */
static bool iter_next(struct tree_iter *it)
{
	struct walker *w = &it->w;
	const struct walk_item *c = &w->cur;
	const struct walk_frame *f;
	unsigned int n = 1;

	if (!walk_next(w))
		return false;
	f = walk_parent(w);
	if (f) {
		n = fold_run(it, f, c->pos);
		walk_fold(w, n);
	}
	set_stem(it, c->depth);
	it->prev_depth = c->depth;
	it->prev_last = c->last;
	it->cur = (struct line){
		.node = c->node,
		.thread = c->thread,
		.count = n,
		.depth = c->depth,
		.conn = c->depth == 0 ? CONN_NONE : c->last ? CONN_ELL : CONN_TEE,
	};
	return true;
}

/* The full text of the current line (no colour) into sb; returns its width. */
static size_t line_text(struct tree_iter *it, struct strbuf *sb)
{
	struct text *tx = it->tx;
	const struct line *ln = &it->cur;
	size_t start;

	sb_add(sb, it->stem.s ? it->stem.s : "", it->stem.len);
	if (ln->conn != CONN_NONE)
		sb_adds(sb, ln->conn == CONN_TEE ? tx->g->tee : tx->g->ell);
	start = sb->len;
	if (ln->count > 1) {
		sb_adduint(sb, ln->count);
		sb_adds(sb, "*[");
		line_label(tx, it->t, ln, sb, false);
		sb_addc(sb, ']');
	} else {
		line_label(tx, it->t, ln, sb, true);
	}
	if (ln->thread < 0 && tx->rc->m->nodes[ln->node].focus)
		sb_adds(sb, tx->g->focus);
	if (ln->thread < 0 && tx->hl[it->t] && tx->hl[it->t][ln->node] &&
	    !tx->rc->s->color) {
		sb_adds(sb, tx->g->highlight);
		tx->any[MARK_HIGHLIGHT] = true;
	}
	return 2 * ln->depth + text_width(sb->s + start, sb->len - start, tx->rc->s->utf8);
}

/* Width of the widest line of tree t, with the arguments or without. */
static size_t tree_width(struct text *tx, enum ct_tree t, bool args, struct strbuf *tmp)
{
	bool arguments = tx->lopts.arguments;
	struct tree_iter it;
	size_t max = 0;

	tx->lopts.arguments = arguments && args;
	iter_init(&it, tx, t);
	while (iter_next(&it)) {
		size_t w;

		sb_reset(tmp);
		w = line_text(&it, tmp);
		if (w > max)
			max = w;
	}
	iter_free(&it);
	tx->lopts.arguments = arguments;
	return max;
}

/* -C age: pstree's colours, green under a minute, yellow an hour, red. */
static const char *age_color(const struct ct_model *m, const struct ct_proc *p)
{
	long long started, age;

	if (m->boot_time < 0 || m->clock_ticks <= 0)
		return NULL;
	started = m->boot_time + (long long)(p->start_time / (unsigned long long)m->clock_ticks);
	age = m->time - started;
	return age < 60 ? "32" : age < 3600 ? "33" : "31";
}

/*
 * The SGR of the current process line, or NULL: bold and underlined for a
 * focus, yellow when reparented (under -C age the age's colour instead),
 * dim for a released ancestor, reverse video when highlighted.
 */
static const char *line_sgr(const struct tree_iter *it, bool moved, char *buf, size_t size)
{
	const struct text *tx = it->tx;
	const struct ct_node *nd = &tx->rc->m->nodes[it->cur.node];
	/* A released ancestor is dim: it is not there any more. */
	const char *col = nd->released ? "2" :
			  tx->rc->s->color_age ? age_color(tx->rc->m, nd->p) :
			  moved ? "33" : NULL;
	bool hl = tx->hl[it->t] && tx->hl[it->t][it->cur.node];

	if (!nd->focus && !col && !hl)
		return NULL;
	snprintf(buf, size, "\033[%s%s%s%s%sm", nd->focus ? "1;4" : "",
		 nd->focus && col ? ";" : "", col ? col : "",
		 hl && (nd->focus || col) ? ";" : "", hl ? "7" : "");
	return buf;
}

/* -h, -H: the process and its ancestors, in each tree. */
static void highlight_init(struct text *tx)
{
	const struct ct_model *m = tx->rc->m;
	int idx = tx->rc->s->highlight ? model_find(m, tx->rc->s->highlight) : -1;
	int t, a;

	if (idx < 0)
		return;
	for (t = 0; t < TREE_COUNT; t++) {
		tx->hl[t] = xcalloc(m->n, 1);
		for (a = idx; a >= 0; a = m->nodes[a].parent[t])
			tx->hl[t][a] = 1;
	}
}

/*
 * Share avail columns between two that want a and b: all they want if it
 * fits, else half each, and what one leaves to the other.
 */
static void share(size_t avail, size_t *a, size_t *b)
{
	size_t half = avail / 2;

	if (*a + *b <= avail)
		return;
	if (*a <= half) {
		*b = avail - *a;
	} else if (*b <= avail - half) {
		*a = avail - *b;
	} else {
		*a = half;
		*b = avail - half;
	}
}

/*
 * Write the current line of it, cut to cols columns (0: no limit) and, when
 * pad, padded to exactly cols. tmp is scratch.
 */
static void put_line(struct tree_iter *it, struct strbuf *out, struct strbuf *tmp,
		     size_t cols, bool pad)
{
	struct text *tx = it->tx;
	size_t stem_bytes, w, keep, used;
	const char *sgr = NULL;
	char sgr_buf[32];

	sb_reset(tmp);
	w = line_text(it, tmp);
	stem_bytes = it->stem.len + (it->cur.conn != CONN_NONE ?
				     strlen(tx->g->tee) : 0);
	if (cols && w > cols) {
		size_t ell = text_width(tx->g->ellipsis, strlen(tx->g->ellipsis),
					tx->rc->s->utf8);

		keep = text_cut(tmp->s, tmp->len, cols > ell ? cols - ell : 0,
				tx->rc->s->utf8, &used);
		tmp->len = keep;
		sb_adds(tmp, tx->g->ellipsis);
		w = used + ell;
	}
	if (tx->rc->s->color && it->cur.thread < 0)
		sgr = line_sgr(it, tx->moved, sgr_buf, sizeof(sgr_buf));
	if (sgr && stem_bytes < tmp->len) {
		sb_add(out, tmp->s, stem_bytes);
		sb_adds(out, sgr);
		sb_add(out, tmp->s + stem_bytes, tmp->len - stem_bytes);
		sb_adds(out, SGR_RESET);
	} else {
		sb_add(out, tmp->s, tmp->len);
	}
	if (pad)
		for (; w < cols; w++)
			sb_addc(out, ' ');
}

/* Our own text (a title, the legend), cut to cols (0: never) and maybe padded. */
static void put_text(struct text *tx, struct strbuf *out, const char *text,
		     const char *sgr, size_t cols, bool pad)
{
	size_t len = strlen(text);
	size_t w = text_width(text, len, tx->rc->s->utf8);

	if (cols && w > cols)
		len = text_cut(text, len, cols, tx->rc->s->utf8, &w);
	if (tx->rc->s->color && sgr)
		sb_adds(out, sgr);
	sb_add(out, text, len);
	if (tx->rc->s->color && sgr)
		sb_adds(out, SGR_RESET);
	if (pad)
		for (; w < cols; w++)
			sb_addc(out, ' ');
}

static void put_header(struct text *tx, struct strbuf *out, const char *title,
		       size_t cols, bool pad)
{
	put_text(tx, out, title, SGR_HEADER, cols, pad);
}

static int flush(struct strbuf *out, FILE *f)
{
	if (out->len && fwrite(out->s, 1, out->len, f) != out->len)
		return -1;
	sb_reset(out);
	return 0;
}

static void write_tree(struct text *tx, enum ct_tree t, struct strbuf *out,
		       struct strbuf *tmp, FILE *f)
{
	struct tree_iter it;
	size_t cols = tx->rc->s->max_width;

	put_header(tx, out, label_tree_title(t), cols, false);
	sb_addc(out, '\n');
	iter_init(&it, tx, t);
	while (iter_next(&it)) {
		put_line(&it, out, tmp, cols, false);
		sb_addc(out, '\n');
		if (out->len > 65536)
			flush(out, f);
	}
	iter_free(&it);
}

static void write_side(struct text *tx, struct strbuf *out, struct strbuf *tmp,
		       size_t lcols, size_t gap, size_t rcols, FILE *f)
{
	struct tree_iter l, r;
	bool lmore, rmore;
	size_t i;

	put_header(tx, out, label_tree_title(TREE_REAL), lcols, true);
	for (i = 0; i < gap; i++)
		sb_addc(out, ' ');
	put_header(tx, out, label_tree_title(TREE_BORN), rcols, false);
	sb_addc(out, '\n');
	iter_init(&l, tx, TREE_REAL);
	iter_init(&r, tx, TREE_BORN);
	lmore = iter_next(&l);
	rmore = iter_next(&r);
	while (lmore || rmore) {
		if (lmore)
			put_line(&l, out, tmp, lcols, rmore);
		else if (rmore)
			for (i = 0; i < lcols; i++)
				sb_addc(out, ' ');
		if (rmore) {
			for (i = 0; i < gap; i++)
				sb_addc(out, ' ');
			put_line(&r, out, tmp, rcols, false);
		}
		sb_addc(out, '\n');
		if (out->len > 65536)
			flush(out, f);
		if (lmore)
			lmore = iter_next(&l);
		if (rmore)
			rmore = iter_next(&r);
	}
	iter_free(&l);
	iter_free(&r);
}

static size_t title_width(enum ct_tree t, bool utf8)
{
	const char *title = label_tree_title(t);

	return text_width(title, strlen(title), utf8);
}

static int text_render(const struct render_ctx *rc)
{
	struct text tx = {
		.rc = rc,
		.g = label_glyphs(rc->s->utf8_glyphs),
	};
	struct strbuf out = STRBUF_INIT, tmp = STRBUF_INIT;
	const struct ct_settings *o = rc->s;
	bool born_known = rc->m->caba_source != CABA_SRC_NONE;
	bool real = o->trees != SHOW_BORN;
	bool born = o->trees != SHOW_REAL && born_known;
	bool first;
	int ret = 0, k;

	highlight_init(&tx);
	tx.esc.out = LABEL_TERMINAL;
	tx.esc.utf8 = rc->s->utf8;
	tx.lopts = (struct label_opts){ .pgids = o->pgids, .uid_changes = o->uid_changes,
					.sids = o->sids, .arguments = o->arguments,
					.born_shown = born, .utf8_marks = o->utf8_glyphs,
					.ns_changes = o->ns_changes };
	if (real && born) {
		size_t lw = tree_width(&tx, TREE_REAL, true, &tmp);
		size_t rw = tree_width(&tx, TREE_BORN, true, &tmp);
		size_t lh = title_width(TREE_REAL, rc->s->utf8);
		size_t rh = title_width(TREE_BORN, rc->s->utf8);
		size_t limit = rc->s->max_width ? rc->s->max_width :
			       rc->s->term_width ? rc->s->term_width : SIDE_AUTO_MAX;
		/* Each column's width without arguments: what it cuts them to first. */
		size_t lmin = lw, rmin = rw;
		bool side;

		lw = lw > lh ? lw : lh;
		rw = rw > rh ? rw : rh;
		/*
		 * When lines are cut, arguments are cut to their column rather
		 * than making the trees go one after the other.
		 */
		if (o->arguments && rc->s->max_width) {
			lmin = tree_width(&tx, TREE_REAL, false, &tmp);
			rmin = tree_width(&tx, TREE_BORN, false, &tmp);
		}
		lmin = lmin > lh ? lmin : lh;
		rmin = rmin > rh ? rmin : rh;
		if (o->layout == LAYOUT_AUTO)
			side = lmin + GAP + rmin <= limit;
		else
			side = o->layout == LAYOUT_SIDE;
		if (side) {
			size_t gap = GAP;

			/* Cut only when a width applies, sharing it fairly. */
			if (rc->s->max_width && lw + gap + rw > rc->s->max_width) {
				size_t avail;

				/* Narrower than the gap: a column each at least. */
				if (rc->s->max_width < gap + 2)
					gap = rc->s->max_width > 3 ? rc->s->max_width - 2 : 1;
				avail = rc->s->max_width > gap + 2 ? rc->s->max_width - gap : 2;
				if (lmin + rmin <= avail) {
					/* The labels fit: share what is left for the arguments. */
					size_t la = lw - lmin, ra = rw - rmin;

					share(avail - lmin - rmin, &la, &ra);
					lw = lmin + la;
					rw = rmin + ra;
				} else {
					share(avail, &lw, &rw);
				}
			}
			write_side(&tx, &out, &tmp, lw, gap, rc->s->max_width ? rw : 0,
				   rc->out);
		} else {
			write_tree(&tx, TREE_REAL, &out, &tmp, rc->out);
			sb_addc(&out, '\n');
			write_tree(&tx, TREE_BORN, &out, &tmp, rc->out);
		}
	} else if (real) {
		write_tree(&tx, TREE_REAL, &out, &tmp, rc->out);
	} else if (born) {
		write_tree(&tx, TREE_BORN, &out, &tmp, rc->out);
	}
	if (rc->marks) {
		for (k = 0; k < MARK_COUNT; k++)
			tx.any[k] = rc->marks[k] |= tx.any[k];
	}
	/* One legend line per mark drawn, after an empty line. */
	for (k = 0, first = true; k < MARK_COUNT && !rc->more; k++) {
		if (!tx.any[k])
			continue;
		if (first)
			sb_addc(&out, '\n');
		first = false;
		sb_reset(&tmp);
		label_legend(&tmp, (enum label_mark)k, tx.g);
		/* Whole: the only explanation of the marks. */
		put_text(&tx, &out, tmp.s, NULL, 0, false);
		sb_addc(&out, '\n');
	}
	/* pstree shows no kernel threads: say that they are there. */
	if (rc->kthreads_hidden && !rc->more) {
		if (first)
			sb_addc(&out, '\n');
		sb_addf(&out, P_("(%zu kernel thread hidden: -k shows it)",
				 "(%zu kernel threads hidden: -k shows them)",
				 rc->kthreads_hidden), rc->kthreads_hidden);
		sb_addc(&out, '\n');
	}
	if (flush(&out, rc->out))
		ret = -1;
	label_esc_free(&tx.esc);
	free(tx.hl[TREE_REAL]);
	free(tx.hl[TREE_BORN]);
	sb_free(&tx.key_a);
	sb_free(&tx.key_b);
	sb_free(&out);
	sb_free(&tmp);
	return ret;
}

const struct renderer render_text = { "text", text_render };
