// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text output: the real and the born tree, one node per line, side by side
 * or one after the other. Trees are walked with explicit stacks, never by
 * recursion, and lines are produced one at a time, so depth costs nothing
 * but the width of the indentation.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "nls.h"
#include "render.h"

#define GAP 4			/* columns between the two trees */
#define SIDE_AUTO_MAX 400	/* wider than this, auto layout stacks */

#define SGR_RESET "\033[0m"
#define SGR_HEADER "\033[1m"
#define SGR_MOVED "\033[33m"
#define SGR_FOCUS "\033[1;4m"

struct glyphs {
	const char *pipe;	/* a later sibling follows below */
	const char *blank;
	const char *tee;	/* child with later siblings */
	const char *ell;	/* last child */
	const char *focus;	/* after a -p process */
	const char *ellipsis;	/* a cut line */
};

static const struct glyphs ascii_glyphs = { "| ", "  ", "|-", "`-", " <==", "+" };
static const struct glyphs utf8_glyphs = {
	"\u2502 ", "  ", "\u251c\u2500", "\u2514\u2500", " \u25c0", "\u2026"
};

/* A node's name, escaped once for every line that shows it. */
struct name_cache {
	char *s;
	size_t len;
};

struct text {
	const struct render_ctx *rc;
	const struct glyphs *g;
	struct name_cache *names;
	struct strbuf key_a, key_b;	/* scratch for compaction */
	bool any_moved;
	bool any_inferred;	/* a born link guessed by the recorder was drawn */
};

struct frame {
	int node;
	unsigned int pos;	/* next item: threads first, then children */
	unsigned int end;
	size_t stem_len;
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
	struct frame *st;
	size_t sp;
	size_t cap;
	size_t root_pos;
	/*
	 * The indentation of the top frame's items. Only its length moves
	 * when frames are pushed and popped; the bytes of the frames below
	 * stay in place (the buffer is not NUL-terminated at len).
	 */
	struct strbuf stem;
	struct line cur;
};

static const char *name_of(struct text *tx, int node, size_t *len)
{
	struct name_cache *c = &tx->names[node];

	if (!c->s) {
		const struct ct_proc *p = tx->rc->m->nodes[node].p;
		struct strbuf sb = STRBUF_INIT;

		esc_terminal(&sb, p->name, p->name_len, tx->rc->utf8);
		c->s = sb.s ? sb.s : xstrdup("");
		c->len = sb.len;
	}
	*len = c->len;
	return c->s;
}

static unsigned int item_count(const struct tree_iter *it, int node)
{
	const struct ct_node *nd = &it->tx->rc->m->nodes[node];
	unsigned int n = nd->nchild[it->t];

	if (it->tx->rc->o->threads)
		n += (unsigned int)nd->p->nthreads_listed;
	return n;
}

static unsigned int nthreads_shown(const struct tree_iter *it, int node)
{
	return it->tx->rc->o->threads ?
	       (unsigned int)it->tx->rc->m->nodes[node].p->nthreads_listed : 0;
}

/* The child node of item pos, or -1 when the item is a thread. */
static int item_child(const struct tree_iter *it, int node, unsigned int pos)
{
	const struct ct_model *m = it->tx->rc->m;
	unsigned int nt = nthreads_shown(it, node);

	if (pos < nt)
		return -1;
	return m->children[it->t][m->nodes[node].first[it->t] + pos - nt];
}

static unsigned int next_shown(const struct tree_iter *it, const struct frame *f,
			       unsigned int pos)
{
	const struct ct_model *m = it->tx->rc->m;

	for (; pos < f->end; pos++) {
		int c = item_child(it, f->node, pos);

		if (c < 0 || m->nodes[c].shown[it->t])
			return pos;
	}
	return f->end;
}

static bool has_items(const struct tree_iter *it, int node)
{
	struct frame f = { .node = node, .pos = 0, .end = item_count(it, node) };

	return next_shown(it, &f, 0) < f.end;
}

/*
 * The label of a process without its pid, or of a thread: what two leaf
 * siblings must share to be folded into one N*[label] line.
 */
static void add_label(struct text *tx, enum ct_tree t, const struct line *ln,
		      struct strbuf *sb, bool with_ids)
{
	const struct ct_options *o = tx->rc->o;
	const struct ct_model *m = tx->rc->m;
	const struct ct_node *nd = &m->nodes[ln->node];
	const struct ct_proc *p = nd->p;
	size_t nlen;
	const char *name;
	int par;

	if (ln->thread >= 0) {
		const struct ct_thread *th = &p->threads[ln->thread];

		sb_addc(sb, '{');
		esc_terminal(sb, th->name, th->name_len, tx->rc->utf8);
		sb_addc(sb, '}');
		if (with_ids) {
			sb_addc(sb, '(');
			sb_adduint(sb, (unsigned long long)th->tid);
			sb_addc(sb, ')');
		}
		return;
	}
	name = name_of(tx, ln->node, &nlen);
	sb_add(sb, name, nlen);
	par = nd->parent[t];
	bool uid_shown = o->uid_changes && par >= 0 && m->nodes[par].p->uid != p->uid;

	if (with_ids || o->pgids || uid_shown) {
		const char *sep = "";

		sb_addc(sb, '(');
		if (with_ids) {
			sb_adduint(sb, (unsigned long long)p->pid);
			sep = ",";
		}
		if (o->pgids) {
			sb_adds(sb, sep);
			sb_adduint(sb, (unsigned long long)p->pgid);
			sep = ",";
		}
		if (uid_shown) {
			const char *user = users_name(tx->rc->users, p->uid);

			sb_adds(sb, sep);
			if (user)
				esc_terminal(sb, user, strlen(user), tx->rc->utf8);
			else
				sb_adduint(sb, (unsigned long long)p->uid);
		}
		sb_addc(sb, ')');
	}
	if (nd->reparented)
		sb_addc(sb, '*');
	if (t == TREE_BORN && p->caba_status == CABA_INFERRED)
		sb_addc(sb, '?');
	if (o->sids) {
		sb_adds(sb, " [sid ");
		sb_adduint(sb, (unsigned long long)p->sid);
		sb_addc(sb, ']');
	}
	if (t == TREE_BORN && p->caba_status == CABA_OUTSIDE)
		sb_adds(sb, _(" [born outside this namespace]"));
	if (o->arguments && p->has_cmdline && p->cmdline_len) {
		/* argv[0] is the name already; show the rest. */
		const char *a = memchr(p->cmdline, '\0', p->cmdline_len);
		const char *end = p->cmdline + p->cmdline_len;

		a = a ? a + 1 : end;
		while (a < end) {
			const char *z = memchr(a, '\0', (size_t)(end - a));

			if (!z)
				z = end;
			sb_addc(sb, ' ');
			esc_terminal(sb, a, (size_t)(z - a), tx->rc->utf8);
			a = z + 1;
		}
	}
}

/* A thread, or a process drawn without anything below it. */
static bool is_leaf_item(const struct tree_iter *it, int child)
{
	if (child < 0)
		return true;
	return !it->tx->rc->m->nodes[child].focus && !has_items(it, child);
}

/* How many items from pos on fold into one line with it. */
static unsigned int fold_run(struct tree_iter *it, const struct frame *f,
			     unsigned int pos)
{
	struct text *tx = it->tx;
	const struct ct_model *m = tx->rc->m;
	int first = item_child(it, f->node, pos);
	unsigned int nt = nthreads_shown(it, f->node);
	unsigned int n = 1, q;
	struct line a = { .node = first < 0 ? f->node : first,
			  .thread = first < 0 ? (int)pos : -1 };

	if (tx->rc->o->no_compact || !is_leaf_item(it, first))
		return 1;
	sb_reset(&tx->key_a);
	add_label(tx, it->t, &a, &tx->key_a, false);
	for (q = pos + 1; q < f->end; q++) {
		int c = item_child(it, f->node, q);
		struct line b = { .node = c < 0 ? f->node : c,
				  .thread = c < 0 ? (int)q : -1 };

		/* Threads fold with threads, processes with processes. */
		if ((c < 0) != (first < 0) || (pos < nt) != (q < nt))
			break;
		if (c >= 0 && !m->nodes[c].shown[it->t])
			break;
		if (!is_leaf_item(it, c))
			break;
		sb_reset(&tx->key_b);
		add_label(tx, it->t, &b, &tx->key_b, false);
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
}

static void iter_free(struct tree_iter *it)
{
	free(it->st);
	sb_free(&it->stem);
}

static void push(struct tree_iter *it, int node)
{
	struct frame *f;

	if (it->sp == it->cap) {
		it->cap = it->cap ? it->cap * 2 : 64;
		it->st = xreallocarray(it->st, it->cap, sizeof(*it->st));
	}
	f = &it->st[it->sp++];
	f->node = node;
	f->end = item_count(it, node);
	f->pos = next_shown(it, f, 0);
	f->stem_len = it->stem.len;
}

/* Advance to the next line in pre-order; false at the end of the tree. */
static bool iter_next(struct tree_iter *it)
{
	const struct ct_model *m = it->tx->rc->m;

	for (;;) {
		if (it->sp == 0) {
			while (it->root_pos < m->nroots[it->t]) {
				int r = m->roots[it->t][it->root_pos++];

				if (!m->nodes[r].shown[it->t])
					continue;
				sb_reset(&it->stem);
				it->cur = (struct line){ .node = r, .thread = -1,
							 .count = 1, .depth = 0,
							 .conn = CONN_NONE };
				push(it, r);
				return true;
			}
			return false;
		}
		struct frame *f = &it->st[it->sp - 1];

		if (f->pos >= f->end) {
			it->sp--;
			if (it->sp) {
				it->stem.len = it->st[it->sp - 1].stem_len;
			}
			continue;
		}
		unsigned int pos = f->pos;
		unsigned int n = fold_run(it, f, pos);
		int child = item_child(it, f->node, pos);
		bool last;

		f->pos = next_shown(it, f, pos + n);
		last = f->pos >= f->end;
		it->cur = (struct line){
			.node = child < 0 ? f->node : child,
			.thread = child < 0 ? (int)pos : -1,
			.count = n,
			.depth = it->sp,
			.conn = last ? CONN_ELL : CONN_TEE,
		};
		/* Stem for this line is the frame's; children add one level. */
		it->stem.len = f->stem_len;
		if (child >= 0 && n == 1 && has_items(it, child)) {
			size_t keep = it->stem.len;

			sb_adds(&it->stem, last ? it->tx->g->blank : it->tx->g->pipe);
			push(it, child);
			/* The line itself is drawn with the parent's stem. */
			it->st[it->sp - 1].stem_len = it->stem.len;
			it->stem.len = keep;
			it->cur.depth = it->sp - 1;
		}
		return true;
	}
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
		add_label(tx, it->t, ln, sb, false);
		sb_addc(sb, ']');
	} else {
		add_label(tx, it->t, ln, sb, true);
	}
	if (ln->thread < 0 && tx->rc->m->nodes[ln->node].focus)
		sb_adds(sb, tx->g->focus);
	if (ln->thread < 0 && tx->rc->m->nodes[ln->node].reparented)
		tx->any_moved = true;
	if (ln->thread < 0 && it->t == TREE_BORN &&
	    tx->rc->m->nodes[ln->node].p->caba_status == CABA_INFERRED)
		tx->any_inferred = true;
	return 2 * ln->depth + text_width(sb->s + start, sb->len - start, tx->rc->utf8);
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
					tx->rc->utf8);

		keep = text_cut(tmp->s, tmp->len, cols > ell ? cols - ell : 0,
				tx->rc->utf8, &used);
		tmp->len = keep;
		sb_adds(tmp, tx->g->ellipsis);
		w = used + ell;
	}
	if (tx->rc->color && it->cur.thread < 0)
		sgr = nd->focus ? SGR_FOCUS : nd->reparented ? SGR_MOVED : NULL;
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
	size_t w = text_width(text, len, tx->rc->utf8);

	if (cols && w > cols)
		len = text_cut(text, len, cols, tx->rc->utf8, &w);
	if (tx->rc->color && sgr)
		sb_adds(out, sgr);
	sb_add(out, text, len);
	if (tx->rc->color && sgr)
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

static const char *title_of(enum ct_tree t)
{
	return t == TREE_REAL ? _("REAL TREE (PPid)") : _("BORN TREE (CABA)");
}

static void write_tree(struct text *tx, enum ct_tree t, struct strbuf *out,
		       struct strbuf *tmp, FILE *f)
{
	struct tree_iter it;
	size_t cols = tx->rc->max_width;

	put_header(tx, out, title_of(t), cols, false);
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

	put_header(tx, out, title_of(TREE_REAL), lcols, true);
	for (i = 0; i < gap; i++)
		sb_addc(out, ' ');
	put_header(tx, out, title_of(TREE_BORN), rcols, false);
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

static int text_render(const struct render_ctx *rc)
{
	struct text tx = {
		.rc = rc,
		.g = rc->utf8_glyphs ? &utf8_glyphs : &ascii_glyphs,
	};
	struct strbuf out = STRBUF_INIT, tmp = STRBUF_INIT;
	const struct ct_options *o = rc->o;
	bool born_known = rc->m->caba_source != CABA_SRC_NONE;
	bool real = o->trees != SHOW_BORN;
	bool born = o->trees != SHOW_REAL && born_known;
	int ret = 0;
	size_t i;

	tx.names = xcalloc(rc->m->n, sizeof(*tx.names));
	if (real && born) {
		size_t lw = tree_width(&tx, TREE_REAL, &tmp);
		size_t rw = tree_width(&tx, TREE_BORN, &tmp);
		size_t lh = text_width(title_of(TREE_REAL), strlen(title_of(TREE_REAL)), rc->utf8);
		size_t rh = text_width(title_of(TREE_BORN), strlen(title_of(TREE_BORN)), rc->utf8);
		size_t limit = rc->max_width ? rc->max_width :
			       rc->term_width ? rc->term_width : SIDE_AUTO_MAX;
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
			if (rc->max_width && lw + gap + rw > rc->max_width) {
				size_t avail, half;

				/* Narrower than the gap: a column each at least. */
				if (rc->max_width < gap + 2)
					gap = rc->max_width > 3 ? rc->max_width - 2 : 1;
				avail = rc->max_width > gap + 2 ? rc->max_width - gap : 2;
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
			write_side(&tx, &out, &tmp, lw, gap, rc->max_width ? rw : 0,
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
	if (tx.any_moved) {
		sb_addc(&out, '\n');
		put_text(&tx, &out, _("* reparented: the real parent is not where the process was born (its CABA)"),
			 NULL, rc->max_width, false);
		sb_addc(&out, '\n');
	}
	if (tx.any_inferred) {
		if (!tx.any_moved)
			sb_addc(&out, '\n');
		put_text(&tx, &out, _("? inferred: running before the recorder started; its CABA is taken to be its parent then"),
			 NULL, rc->max_width, false);
		sb_addc(&out, '\n');
	}
	if (flush(&out, rc->out))
		ret = -1;
	for (i = 0; i < rc->m->n; i++)
		free(tx.names[i].s);
	free(tx.names);
	sb_free(&tx.key_a);
	sb_free(&tx.key_b);
	sb_free(&out);
	sb_free(&tmp);
	return ret;
}

const struct renderer render_text = { "text", text_render };
