// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pre-order walk of one tree. A frame per process being walked; the
 * walk into an item is decided only when the next item is asked for, so
 * that the caller can prune (a fold) or skip siblings (a folded run) first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "walk.h"
#include "xalloc.h"

void walk_init(struct walker *w, const struct ct_model *m, enum ct_tree t,
	       bool threads, walk_visible_fn *visible, const void *ctx)
{
	memset(w, 0, sizeof(*w));
	w->m = m;
	w->t = t;
	w->threads = threads;
	w->visible = visible;
	w->ctx = ctx;
	w->tag = -1;
}

void walk_free(struct walker *w)
{
	free(w->st);
	w->st = NULL;
	w->sp = w->cap = 0;
}

bool walk_visible(const struct walker *w, int node)
{
	if (w->visible)
		return w->visible(w->ctx, node);
	return w->m->nodes[node].shown[w->t];
}

unsigned int walk_nthreads(const struct walker *w, int node)
{
	return w->threads ? (unsigned int)w->m->nodes[node].p->nthreads_listed : 0;
}

int walk_child_at(const struct walker *w, int node, unsigned int pos)
{
	const struct ct_model *m = w->m;
	unsigned int nt = walk_nthreads(w, node);

	if (pos < nt)
		return -1;
	return m->children[w->t][m->nodes[node].first[w->t] + pos - nt];
}

/* The first shown item of f at or after pos, or f->end. */
static unsigned int next_shown(const struct walker *w, const struct walk_frame *f,
			       unsigned int pos)
{
	unsigned int nt = walk_nthreads(w, f->node);

	if (pos < nt)
		return pos;
	for (; pos < f->end; pos++) {
		if (walk_visible(w, walk_child_at(w, f->node, pos)))
			return pos;
	}
	return f->end;
}

static void frame_init(const struct walker *w, struct walk_frame *f, int node)
{
	f->node = node;
	f->end = walk_nthreads(w, node) + w->m->nodes[node].nchild[w->t];
	f->pos = next_shown(w, f, 0);
	f->tag = -1;
}

bool walk_has_items(const struct walker *w, int node)
{
	struct walk_frame f;

	frame_init(w, &f, node);
	return f.pos < f.end;
}

/* The current item is a process: its frame, should it be walked into. */
static void set_process(struct walker *w)
{
	frame_init(w, &w->next, w->cur.node);
	w->cur.kids = w->next.pos < w->next.end;
	w->descend = w->cur.kids;
}

static void push_next(struct walker *w)
{
	if (w->sp == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->st = xreallocarray(w->st, w->cap, sizeof(*w->st));
	}
	w->next.tag = w->tag;
	w->st[w->sp++] = w->next;
}

bool walk_next(struct walker *w)
{
	const struct ct_model *m = w->m;

	if (w->descend)
		push_next(w);
	w->descend = false;
	w->tag = -1;
	for (;;) {
		struct walk_frame *f;
		unsigned int pos;
		int child;

		if (w->sp == 0) {
			while (w->root_pos < m->nroots[w->t]) {
				int r = m->roots[w->t][w->root_pos++];

				if (!walk_visible(w, r))
					continue;
				w->cur = (struct walk_item){ .node = r, .thread = -1,
							     .last = true, .parent_tag = -1 };
				set_process(w);
				return true;
			}
			return false;
		}
		f = &w->st[w->sp - 1];
		if (f->pos >= f->end) {
			w->sp--;
			continue;
		}
		pos = f->pos;
		f->pos = next_shown(w, f, pos + 1);
		child = walk_child_at(w, f->node, pos);
		w->cur = (struct walk_item){
			.node = child < 0 ? f->node : child,
			.thread = child < 0 ? (int)pos : -1,
			.pos = pos,
			.depth = (unsigned int)w->sp,
			.last = f->pos >= f->end,
			.parent_tag = f->tag,
		};
		if (child >= 0)
			set_process(w);
		return true;
	}
}

void walk_prune(struct walker *w)
{
	w->descend = false;
}

void walk_tag(struct walker *w, long tag)
{
	w->tag = tag;
}

void walk_fold(struct walker *w, unsigned int n)
{
	struct walk_frame *f;

	if (n <= 1 || w->sp == 0 || w->cur.depth == 0)
		return;
	f = &w->st[w->sp - 1];
	f->pos = next_shown(w, f, w->cur.pos + n);
	w->cur.last = f->pos >= f->end;
	w->descend = false;
}

const struct walk_frame *walk_parent(const struct walker *w)
{
	if (w->cur.depth == 0 || w->sp == 0)
		return NULL;
	return &w->st[w->sp - 1];
}
