// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text output: the real and the born tree, one node per line, side by side
 * or one after the other. Trees are walked in pre-order (walk.c), never by
 * recursion, and lines are produced one at a time, so depth costs nothing
 * but the width of the indentation.
 */
#include "config.h"

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
#define SGR_MOVED "\033[33m"
#define SGR_FOCUS "\033[1;4m"
#define SGR_FOCUS_MOVED "\033[1;4;33m"

struct text {
	const struct render_ctx *rc;
	const struct tree_glyphs *g;
	struct label_esc esc;		/* names and arguments for the terminal */
	struct label_opts lopts;
	struct strbuf key_a, key_b;	/* scratch for compaction */
	bool any[MARK_COUNT];	/* the marks drawn, for the legend */
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
	tx->any[MARK_MOVED] |= lb.reparented;
	tx->any[MARK_INFERRED] |= lb.inferred;
	tx->any[MARK_UNRECORDED] |= lb.unrecorded;
	tx->any[MARK_HIDDEN] |= lb.hidden;
	if (lb.outside)
		sb_adds(sb, _(" [born outside this namespace]"));
	label_add_args(sb, &lb, &tx->esc);
}

/* A thread, or a process drawn without anything below it. */
static bool is_leaf_item(const struct tree_iter *it, int child)
{
	if (child < 0)
		return true;
	return !it->tx->rc->m->nodes[child].focus && !walk_has_items(&it->w, child);
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
	return 2 * ln->depth + text_width(sb->s + start, sb->len - start, tx->rc->s->utf8);
}

/* Width of the widest line of tree t. */
static size_t tree_width(struct text *tx, enum ct_tree t, struct strbuf *tmp)
{
	struct tree_iter it;
	size_t max = 0;

	iter_init(&it, tx, t);
	while (iter_next(&it)) {
		size_t w;

		sb_reset(tmp);
		w = line_text(&it, tmp);
		if (w > max)
			max = w;
	}
	iter_free(&it);
	return max;
}

/*
 * Write the current line of it, cut to cols columns (0: no limit) and, when
 * pad, padded to exactly cols. tmp is scratch.
 */
static void put_line(struct tree_iter *it, struct strbuf *out, struct strbuf *tmp,
		     size_t cols, bool pad)
{
	struct text *tx = it->tx;
	const struct ct_node *nd = &tx->rc->m->nodes[it->cur.node];
	size_t stem_bytes, w, keep, used;
	const char *sgr = NULL;

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
	if (tx->rc->s->color && it->cur.thread < 0) {
		bool moved = nd->reparented && tx->lopts.born_shown;

		sgr = nd->focus ? (moved ? SGR_FOCUS_MOVED : SGR_FOCUS) :
		      moved ? SGR_MOVED : NULL;
	}
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

/* Our own text (a title, the legend), cut to cols and maybe padded. */
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

	tx.esc.out = LABEL_TERMINAL;
	tx.esc.utf8 = rc->s->utf8;
	tx.lopts = (struct label_opts){ .pgids = o->pgids, .uid_changes = o->uid_changes,
					.sids = o->sids, .arguments = o->arguments,
					.born_shown = born, .utf8_marks = o->utf8_glyphs,
					.ns_changes = o->ns_changes };
	if (real && born) {
		size_t lw = tree_width(&tx, TREE_REAL, &tmp);
		size_t rw = tree_width(&tx, TREE_BORN, &tmp);
		size_t lh = title_width(TREE_REAL, rc->s->utf8);
		size_t rh = title_width(TREE_BORN, rc->s->utf8);
		size_t limit = rc->s->max_width ? rc->s->max_width :
			       rc->s->term_width ? rc->s->term_width : SIDE_AUTO_MAX;
		bool side;

		lw = lw > lh ? lw : lh;
		rw = rw > rh ? rw : rh;
		if (o->layout == LAYOUT_AUTO)
			side = lw + GAP + rw <= limit;
		else
			side = o->layout == LAYOUT_SIDE;
		if (side) {
			size_t gap = GAP;

			/* Cut only when a width applies, sharing it fairly. */
			if (rc->s->max_width && lw + gap + rw > rc->s->max_width) {
				size_t avail, half;

				/* Narrower than the gap: a column each at least. */
				if (rc->s->max_width < gap + 2)
					gap = rc->s->max_width > 3 ? rc->s->max_width - 2 : 1;
				avail = rc->s->max_width > gap + 2 ? rc->s->max_width - gap : 2;
				half = avail / 2;
				if (lw <= half)
					rw = avail - lw;
				else if (rw <= avail - half)
					lw = avail - rw;
				else {
					lw = half;
					rw = avail - half;
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
		put_text(&tx, &out, tmp.s, NULL, rc->s->max_width, false);
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
	sb_free(&tx.key_a);
	sb_free(&tx.key_b);
	sb_free(&out);
	sb_free(&tmp);
	return ret;
}

const struct renderer render_text = { "text", text_render };
