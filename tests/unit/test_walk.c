// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the pre-order walker: the order of items (threads before
 * children), depths and last-sibling flags, pruning, folding a run of
 * siblings, tags, a visibility filter, a focus, and a chain deeper than
 * any recursion could go.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include "fixture.h"

#include "model.h"
#include "walk.h"

/*
 * Real tree:              Born tree:
 *   a(1)                    a(1)
 *   +-b(2) {t}(21) {t}(22)  +-b(2)
 *   | `-d(4)                | `-e(5)
 *   +-c(3)                  +-c(3)
 *   `-e(5)                  `-d(4)   (born under 3, adopted by 2)
 * and f(6), a second root.
 */
struct fixture {
	struct ct_proclist pl;
	struct ct_model m;
	struct strbuf sb;
};

static void add(struct fixture *f, pid_t pid, pid_t ppid, pid_t caba, const char *name)
{
	struct ct_proc *p = pl_new(&f->pl);

	p->pid = pid;
	p->ppid = ppid;
	p->caba = caba;
	p->caba_status = CABA_KERNEL;
	p->nthreads = 1;
	p->name = strdup(name);
	assert_non_null(p->name);
	p->name_len = strlen(name);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ct_proc *b;
	size_t i;

	assert_non_null(f);
	add(f, 1, 0, 0, "a");
	add(f, 2, 1, 1, "b");
	add(f, 3, 1, 1, "c");
	add(f, 4, 2, 3, "d");
	add(f, 5, 1, 2, "e");
	add(f, 6, 0, 0, "f");
	b = &f->pl.v[1];
	b->nthreads = 3;
	b->threads = calloc(2, sizeof(*b->threads));
	assert_non_null(b->threads);
	b->nthreads_listed = 2;
	for (i = 0; i < 2; i++) {
		b->threads[i].tid = (pid_t)(21 + i);
		b->threads[i].name = strdup("t");
		assert_non_null(b->threads[i].name);
		b->threads[i].name_len = 1;
	}
	model_build(&f->m, &f->pl, false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	model_free(&f->m);
	proclist_free(&f->pl);
	sb_free(&f->sb);
	free(f);
	return 0;
}

/* One item as "pid" or "pid/tid", its depth, and L when it is last. */
static void put(struct fixture *f, const struct walker *w)
{
	const struct walk_item *c = &w->cur;
	const struct ct_proc *p = f->m.nodes[c->node].p;

	if (f->sb.len)
		sb_addc(&f->sb, ' ');
	sb_adduint(&f->sb, (unsigned long long)p->pid);
	if (c->thread >= 0) {
		sb_addc(&f->sb, '/');
		sb_adduint(&f->sb, (unsigned long long)p->threads[c->thread].tid);
	}
	sb_addc(&f->sb, ':');
	sb_adduint(&f->sb, c->depth);
	if (c->last)
		sb_addc(&f->sb, 'L');
	if (c->kids)
		sb_addc(&f->sb, '+');
}

/* The whole walk of tree t as text. */
static const char *walk_all(struct fixture *f, enum ct_tree t, bool threads,
			    walk_visible_fn *visible, const void *ctx)
{
	struct walker w;

	sb_reset(&f->sb);
	walk_init(&w, &f->m, t, threads, visible, ctx);
	while (walk_next(&w))
		put(f, &w);
	walk_free(&w);
	return f->sb.s ? f->sb.s : "";
}

static void test_order(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(walk_all(f, TREE_REAL, false, NULL, NULL),
			    "1:0L+ 2:1+ 4:2L 3:1 5:1L 6:0L");
	assert_string_equal(walk_all(f, TREE_REAL, true, NULL, NULL),
			    "1:0L+ 2:1+ 2/21:2 2/22:2 4:2L 3:1 5:1L 6:0L");
	assert_string_equal(walk_all(f, TREE_BORN, false, NULL, NULL),
			    "1:0L+ 2:1+ 5:2L 3:1L+ 4:2L 6:0L");
}

static void test_prune(void **state)
{
	struct fixture *f = *state;
	struct walker w;

	sb_reset(&f->sb);
	walk_init(&w, &f->m, TREE_REAL, true, NULL, NULL);
	while (walk_next(&w)) {
		put(f, &w);
		if (f->m.nodes[w.cur.node].p->pid == 2 && w.cur.thread < 0)
			walk_prune(&w);
	}
	walk_free(&w);
	assert_string_equal(f->sb.s, "1:0L+ 2:1+ 3:1 5:1L 6:0L");
}

static void test_fold(void **state)
{
	struct fixture *f = *state;
	struct walker w;

	/* The two threads of b as one item: the next is d, still not last. */
	sb_reset(&f->sb);
	walk_init(&w, &f->m, TREE_REAL, true, NULL, NULL);
	while (walk_next(&w)) {
		if (w.cur.thread == 0) {
			assert_non_null(walk_parent(&w));
			assert_int_equal(f->m.nodes[walk_parent(&w)->node].p->pid, 2);
			assert_int_equal(walk_child_at(&w, walk_parent(&w)->node, 1), -1);
			walk_fold(&w, 2);
		}
		put(f, &w);
	}
	walk_free(&w);
	assert_string_equal(f->sb.s, "1:0L+ 2:1+ 2/21:2 4:2L 3:1 5:1L 6:0L");

	/* c and e folded: the fold ends the run of a's items. */
	sb_reset(&f->sb);
	walk_init(&w, &f->m, TREE_REAL, false, NULL, NULL);
	while (walk_next(&w)) {
		if (f->m.nodes[w.cur.node].p->pid == 3)
			walk_fold(&w, 2);
		put(f, &w);
	}
	walk_free(&w);
	assert_string_equal(f->sb.s, "1:0L+ 2:1+ 4:2L 3:1L 6:0L");
}

static void test_tags(void **state)
{
	struct fixture *f = *state;
	struct walker w;
	long n = 0;

	/* Tag each process with its place; every item knows its parent's. */
	walk_init(&w, &f->m, TREE_REAL, true, NULL, NULL);
	while (walk_next(&w)) {
		const struct walk_item *c = &w.cur;
		pid_t pid = f->m.nodes[c->node].p->pid;
		pid_t want = c->depth == 0 ? 0 :
			     c->thread >= 0 ? pid : f->m.nodes[c->node].p->ppid;

		if (c->parent_tag < 0)
			assert_int_equal(want, 0);
		else
			assert_int_equal(want, (pid_t)(c->parent_tag / 100));
		walk_tag(&w, (long)pid * 100 + n++);
	}
	walk_free(&w);
}

static bool not_two(const void *ctx, int node)
{
	const struct ct_model *m = ctx;

	return m->nodes[node].p->pid != 2;
}

static void test_visible(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(walk_all(f, TREE_REAL, true, not_two, &f->m),
			    "1:0L+ 3:1 5:1L 6:0L");
	assert_true(walk_has_items(&(struct walker){ .m = &f->m, .t = TREE_REAL },
				   model_find(&f->m, 1)));
}

static void test_focus(void **state)
{
	struct fixture *f = *state;
	pid_t pid = 4;

	/* d's ancestors in each tree, and no other process. */
	assert_int_equal(model_focus(&f->m, &pid, 1), 0);
	assert_string_equal(walk_all(f, TREE_REAL, false, NULL, NULL), "1:0L+ 2:1L+ 4:2L");
	assert_string_equal(walk_all(f, TREE_BORN, false, NULL, NULL), "1:0L+ 3:1L+ 4:2L");
}

#define DEEP 100000

/* A chain of DEEP processes: walked without recursion, every depth seen once. */
static void test_deep(void **state)
{
	struct ct_proclist pl = { 0 };
	struct ct_model m;
	struct walker w;
	unsigned int max = 0;
	size_t n = 0;
	pid_t pid;

	(void)state;
	for (pid = 1; pid <= DEEP; pid++) {
		struct ct_proc *p = pl_new(&pl);

		p->pid = pid;
		p->ppid = pid - 1;
		p->caba = pid - 1;
		p->caba_status = CABA_KERNEL;
		p->name = strdup("x");
		assert_non_null(p->name);
		p->name_len = 1;
	}
	model_build(&m, &pl, false);
	walk_init(&w, &m, TREE_BORN, false, NULL, NULL);
	while (walk_next(&w)) {
		assert_int_equal(w.cur.depth, n);
		assert_true(w.cur.last);
		max = w.cur.depth;
		n++;
	}
	walk_free(&w);
	assert_int_equal(n, DEEP);
	assert_int_equal(max, DEEP - 1);
	model_free(&m);
	proclist_free(&pl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_focus, setup, teardown),
		cmocka_unit_test(test_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
