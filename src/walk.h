/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One tree of the model in pre-order, an item at a time: each process,
 * and (when asked) its threads before its children. An explicit stack,
 * never recursion: trees can be 100,000 deep. Text output and the
 * browser's rows both walk with it; what they do with an item (fold it,
 * draw it, prune below it) is theirs.
 */
#ifndef CABATREE_WALK_H
#define CABATREE_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Whether node is shown at all; ctx is the walker's. */
typedef bool walk_visible_fn(const void *ctx, int node);

/* The current item. */
struct walk_item {
	int node;		/* the process, or the thread's process */
	int thread;		/* index in the node's threads, or -1 */
	unsigned int pos;	/* its place among its parent's items */
	unsigned int depth;	/* 0 for a root */
	bool last;		/* no later sibling is shown */
	bool kids;		/* a process with something shown below it */
	long parent_tag;	/* the tag given to its parent, -1 for a root */
};

/* A process whose items are being walked. */
struct walk_frame {
	int node;
	unsigned int pos;	/* the next item to look at */
	unsigned int end;	/* its threads, then its children */
	long tag;
};

struct walker {
	const struct ct_model *m;
	enum ct_tree t;
	bool threads;		/* threads are items, before the children */
	walk_visible_fn *visible;	/* NULL: the model's shown[t] */
	const void *ctx;
	struct walk_frame *st;
	size_t sp, cap;
	size_t root_pos;
	struct walk_frame next;	/* the current item's own frame */
	bool descend;		/* walk into the current item next */
	long tag;
	struct walk_item cur;
};

void walk_init(struct walker *w, const struct ct_model *m, enum ct_tree t,
	       bool threads, walk_visible_fn *visible, const void *ctx);
void walk_free(struct walker *w);

/* Move to the next item (w->cur); false at the end of the tree. */
bool walk_next(struct walker *w);

/* Do not walk into the current item (it is folded). */
void walk_prune(struct walker *w);

/* A tag for the current item, given to its children as parent_tag. */
void walk_tag(struct walker *w, long tag);

/*
 * The current item stands for itself and the n - 1 items after it (text
 * output folds identical leaves): skip those, and nothing below is walked.
 */
void walk_fold(struct walker *w, unsigned int n);

/* The frame of the current item's parent, or NULL for a root. */
const struct walk_frame *walk_parent(const struct walker *w);

/* Item pos of node: its child's node, or -1 when the item is a thread. */
int walk_child_at(const struct walker *w, int node, unsigned int pos);

/* How many of node's items are threads. */
unsigned int walk_nthreads(const struct walker *w, int node);

/* Whether node has an item shown below it. */
bool walk_has_items(const struct walker *w, int node);

/* Whether node is shown in this walk. */
bool walk_visible(const struct walker *w, int node);

#endif
