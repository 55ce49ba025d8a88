// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/model.c: the two trees built over a hand-made process
 * list, cycle breaking, ordering, lookup and focus.
 */
#include "config.h"

#include <pthread.h>
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

#define MAXL 16		/* longest 0-terminated pid list in a table */

/* One process of a scenario. */
struct pspec {
	pid_t pid, ppid, caba;
	enum caba_status cs;
	const char *name;
};

#define K CABA_KERNEL
#define OUT CABA_OUTSIDE
#define UNK CABA_UNKNOWN

/* ---- building lists ---- */

static void pl_add(struct ct_proclist *pl, pid_t pid, pid_t ppid, pid_t caba,
		   enum caba_status cs, const char *name)
{
	fx_add_plain(pl, pid, ppid, caba, cs, name, 1000, 0);
}

static void pl_fill(struct ct_proclist *pl, const struct pspec *s, size_t n)
{
	size_t i;

	memset(pl, 0, sizeof(*pl));
	for (i = 0; i < n; i++)
		pl_add(pl, s[i].pid, s[i].ppid, s[i].caba, s[i].cs, s[i].name);
}

/* ---- looking at a model ---- */

static pid_t pid_at(const struct ct_model *m, int idx)
{
	return idx < 0 ? 0 : m->nodes[idx].p->pid;
}

static int node_of(const struct ct_model *m, pid_t pid)
{
	int idx = model_find(m, pid);

	if (idx < 0)
		print_error("pid %d is not in the model\n", (int)pid);
	assert_true(idx >= 0);
	return idx;
}

static size_t list_len(const pid_t *l)
{
	size_t n = 0;

	while (n < MAXL && l[n])
		n++;
	return n;
}

static void assert_pids(const char *what, const pid_t *got, size_t ngot,
			const pid_t *want)
{
	size_t i, nwant = list_len(want);
	bool same = ngot == nwant;

	for (i = 0; same && i < ngot; i++)
		same = got[i] == want[i];
	if (!same) {
		print_error("%s: expected", what);
		for (i = 0; i < nwant; i++)
			print_error(" %d", (int)want[i]);
		print_error("; got");
		for (i = 0; i < ngot; i++)
			print_error(" %d", (int)got[i]);
		print_error("\n");
		fail();
	}
}

static void assert_children(const struct ct_model *m, enum ct_tree t,
			    pid_t pid, const pid_t *want)
{
	const struct ct_node *nd = &m->nodes[node_of(m, pid)];
	pid_t got[MAXL];
	char what[64];
	unsigned int c;

	assert_true(nd->nchild[t] <= MAXL);
	for (c = 0; c < nd->nchild[t]; c++)
		got[c] = pid_at(m, m->children[t][nd->first[t] + c]);
	snprintf(what, sizeof(what), "%s children of %d",
		 t == TREE_REAL ? "real" : "born", (int)pid);
	assert_pids(what, got, nd->nchild[t], want);
}

static void assert_roots(const struct ct_model *m, enum ct_tree t,
			 const pid_t *want)
{
	pid_t got[MAXL];
	size_t i;

	assert_true(m->nroots[t] <= MAXL);
	for (i = 0; i < m->nroots[t]; i++)
		got[i] = pid_at(m, m->roots[t][i]);
	assert_pids(t == TREE_REAL ? "real roots" : "born roots", got,
		    m->nroots[t], want);
}

/*
 * What must hold of every model: each tree is a forest over all nodes. Each
 * node is a root or the child of its parent, once; walking down from the
 * roots (without recursion) meets every node exactly once.
 */
static void assert_forest(const struct ct_model *m)
{
	int *stack = malloc((m->n + 1) * sizeof(*stack));
	unsigned char *seen = calloc(m->n + 1, 1);
	int t;

	assert_non_null(stack);
	assert_non_null(seen);
	for (t = 0; t < TREE_COUNT; t++) {
		size_t i, sp = 0, visited = 0, edges = 0;

		memset(seen, 0, m->n + 1);
		for (i = 0; i < m->n; i++) {
			const struct ct_node *nd = &m->nodes[i];

			edges += nd->nchild[t];
			if (nd->parent[t] < 0)
				continue;
			assert_true((size_t)nd->parent[t] < m->n);
			assert_true(nd->parent[t] != (int)i);
		}
		assert_int_equal(edges + m->nroots[t], m->n);
		for (i = 0; i < m->nroots[t]; i++) {
			int r = m->roots[t][i];

			assert_true(r >= 0 && (size_t)r < m->n);
			assert_int_equal(m->nodes[r].parent[t], -1);
			assert_false(seen[r]);
			seen[r] = 1;
			stack[sp++] = r;
		}
		while (sp) {
			int v = stack[--sp];
			const struct ct_node *nd = &m->nodes[v];
			unsigned int c;

			visited++;
			for (c = 0; c < nd->nchild[t]; c++) {
				int ch = m->children[t][nd->first[t] + c];

				assert_true(ch >= 0 && (size_t)ch < m->n);
				assert_int_equal(m->nodes[ch].parent[t], v);
				assert_false(seen[ch]);
				seen[ch] = 1;
				stack[sp++] = ch;
			}
		}
		assert_int_equal(visited, m->n);
	}
	free(seen);
	free(stack);
}

/* ---- the table of scenarios ---- */

struct expect_node {
	pid_t pid;
	pid_t real_parent, born_parent;	/* 0: a root */
	bool reparented;
	pid_t real_children[MAXL];	/* 0-terminated, in order */
	pid_t born_children[MAXL];
};

struct model_case {
	const char *name;
	const struct pspec *procs;
	size_t nprocs;
	bool numeric;
	enum caba_source source;
	size_t cycles;
	pid_t real_roots[MAXL];
	pid_t born_roots[MAXL];
	const struct expect_node *expect;
	size_t nexpect;
};

#define PROCS(...) .procs = (const struct pspec[]){ __VA_ARGS__ },	\
	.nprocs = sizeof((const struct pspec[]){ __VA_ARGS__ }) / sizeof(struct pspec)
#define EXPECT(...) .expect = (const struct expect_node[]){ __VA_ARGS__ }, \
	.nexpect = sizeof((const struct expect_node[]){ __VA_ARGS__ }) /	\
		   sizeof(struct expect_node)
#define L(...) { __VA_ARGS__ }

/*
 * The worked example of cabatree(1) (the kernel self-test): 1 forks 2; 2 -> 3 -> 4;
 * 4 forks 5; 4 -> 6 -> 7; 6 dies (7 to subreaper 2), 3 dies (4 to 1).
 */
#define SELFTEST_PROCS							\
	{ 1, 0, 0, OUT, "init" },					\
	{ 2, 1, 1, K, "sh" },						\
	{ 4, 1, 2, K, "sh" },						\
	{ 5, 4, 4, K, "sh" },						\
	{ 7, 2, 4, K, "sh" }

static const struct model_case model_cases[] = {
	{ "kernel self-test scenario", PROCS(SELFTEST_PROCS),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1), .born_roots = L(1),
	  EXPECT({ 1, 0, 0, false, L(2, 4), L(2) },
		 { 2, 1, 1, false, L(7), L(4) },
		 { 4, 1, 2, true, L(5), L(5, 7) },
		 { 5, 4, 4, false, L(0), L(0) },
		 { 7, 2, 4, true, L(0), L(0) }) },
	{ "kernel self-test scenario, numeric", PROCS(SELFTEST_PROCS),
	  .numeric = true, .source = CABA_SRC_KERNEL, .real_roots = L(1),
	  .born_roots = L(1),
	  EXPECT({ 1, 0, 0, false, L(2, 4), L(2) },
		 { 4, 1, 2, true, L(5), L(5, 7) }) },
	{ "absent parent makes a root",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 10, 3, 3, K, "orphan" },
		{ 11, 10, 10, K, "child" },
		{ 12, 1, 9, K, "born of a gone one" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1, 10),
	  .born_roots = L(1, 10, 12),
	  EXPECT({ 1, 0, 0, false, L(12), L(0) },
		 { 10, 0, 0, false, L(11), L(11) },
		 { 11, 10, 10, false, L(0), L(0) },
		 { 12, 1, 0, true, L(0), L(0) }) },
	{ "self-parent is a root, cut as a cycle in each tree",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 5, 5, 5, K, "self" },
		{ 6, 5, 5, K, "child" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1, 5), .born_roots = L(1, 5),
	  .cycles = 2,
	  EXPECT({ 5, 0, 0, false, L(6), L(6) }) },
	{ "kernel threads: ppid 0 and caba 0",
	  PROCS({ 1, 0, 0, K, "systemd" },
		{ 2, 0, 0, K, "kthreadd" },
		{ 3, 2, 2, K, "rcu_gp" },
		{ 40, 1, 1, K, "journald" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1, 2), .born_roots = L(1, 2),
	  EXPECT({ 1, 0, 0, false, L(40), L(40) },
		 { 2, 0, 0, false, L(3), L(3) }) },
	{ "no NScaba anywhere: no born relation",
	  PROCS({ 1, 0, 0, UNK, "init" },
		{ 2, 1, 0, UNK, "a" },
		{ 3, 2, 0, UNK, "b" }),
	  .source = CABA_SRC_NONE, .real_roots = L(1), .born_roots = L(1, 2, 3),
	  EXPECT({ 1, 0, 0, false, L(2), L(0) },
		 { 2, 1, 0, false, L(3), L(0) },
		 { 3, 2, 0, false, L(0), L(0) }) },
	{ "only outside-namespace NScaba: the kernel knows",
	  PROCS({ 1, 0, 0, OUT, "init" }, { 2, 1, 0, UNK, "a" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1), .born_roots = L(1, 2),
	  EXPECT({ 1, 0, 0, false, L(2), L(0) },
		 { 2, 1, 0, false, L(0), L(0) }) },
	{ "children by name then pid",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 2, 1, 1, K, "ab" },
		{ 3, 1, 1, K, "a" },
		{ 4, 1, 1, K, "" },
		{ 7, 1, 1, K, "a" },
		{ 8, 1, 1, K, "B" },
		{ 9, 1, 1, K, "b" },
		{ 11, 1, 1, K, "\xc3\xa9" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1), .born_roots = L(1),
	  EXPECT({ 1, 0, 0, false, L(4, 8, 3, 7, 2, 9, 11),
		   L(4, 8, 3, 7, 2, 9, 11) }) },
	{ "children by pid with numeric",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 2, 1, 1, K, "ab" },
		{ 3, 1, 1, K, "a" },
		{ 4, 1, 1, K, "" },
		{ 7, 1, 1, K, "a" },
		{ 8, 1, 1, K, "B" },
		{ 9, 1, 1, K, "b" },
		{ 11, 1, 1, K, "\xc3\xa9" }),
	  .numeric = true, .source = CABA_SRC_KERNEL, .real_roots = L(1),
	  .born_roots = L(1),
	  EXPECT({ 1, 0, 0, false, L(2, 3, 4, 7, 8, 9, 11),
		   L(2, 3, 4, 7, 8, 9, 11) }) },
	/* Only the pid breaks a tie, whatever the order of the list. */
	{ "same names: by pid, whatever the list order",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 9, 1, 1, K, "a" },
		{ 7, 1, 1, K, "a" },
		{ 3, 1, 1, K, "a" },
		{ 5, 1, 1, K, "b" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1), .born_roots = L(1),
	  EXPECT({ 1, 0, 0, false, L(3, 7, 9, 5), L(3, 7, 9, 5) }) },
	{ "numeric: by pid, whatever the list order",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 9, 1, 1, K, "a" },
		{ 3, 1, 1, K, "c" },
		{ 7, 1, 1, K, "b" }),
	  .numeric = true, .source = CABA_SRC_KERNEL, .real_roots = L(1),
	  .born_roots = L(1),
	  EXPECT({ 1, 0, 0, false, L(3, 7, 9), L(3, 7, 9) }) },
	/* The caba field means nothing unless the status is CABA_KERNEL. */
	{ "caba ignored without NScaba",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 2, 1, 1, UNK, "unknown" },
		{ 3, 1, 1, OUT, "outside" },
		{ 4, 1, 2, UNK, "unknown2" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1), .born_roots = L(1, 2, 3, 4),
	  EXPECT({ 1, 0, 0, false, L(3, 2, 4), L(0) },
		 { 2, 1, 0, false, L(0), L(0) },
		 { 3, 1, 0, false, L(0), L(0) },
		 { 4, 1, 0, false, L(0), L(0) }) },
	{ "roots by pid, whatever their names",
	  PROCS({ 10, 0, 0, K, "c" }, { 20, 0, 0, K, "b" }, { 30, 0, 0, K, "a" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(10, 20, 30),
	  .born_roots = L(10, 20, 30) },
	{ "born tree differs in order from the real one",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 5, 1, 9, K, "z" },
		{ 6, 1, 9, K, "y" },
		{ 9, 1, 1, K, "x" }),
	  .source = CABA_SRC_KERNEL, .real_roots = L(1), .born_roots = L(1),
	  EXPECT({ 1, 0, 0, false, L(9, 6, 5), L(9) },
		 { 9, 1, 1, false, L(0), L(6, 5) },
		 { 5, 1, 9, true, L(0), L(0) }) },
	/* Cycles: where the cut falls is the model's choice; one cut each. */
	{ "2-cycle of ppids",
	  PROCS({ 1, 0, 0, UNK, "init" },
		{ 10, 11, 0, UNK, "a" },
		{ 11, 10, 0, UNK, "b" }),
	  .source = CABA_SRC_NONE, .cycles = 1 },
	{ "3-cycle of ppids with a tail",
	  PROCS({ 1, 0, 0, UNK, "init" },
		{ 20, 22, 0, UNK, "a" },
		{ 21, 20, 0, UNK, "b" },
		{ 22, 21, 0, UNK, "c" },
		{ 23, 20, 0, UNK, "tail" },
		{ 24, 23, 0, UNK, "tail2" }),
	  .source = CABA_SRC_NONE, .cycles = 1 },
	{ "cycles in both trees",
	  PROCS({ 1, 0, 0, K, "init" },
		{ 30, 31, 32, K, "a" },
		{ 31, 30, 30, K, "b" },
		{ 32, 1, 31, K, "c" }),
	  .source = CABA_SRC_KERNEL, .cycles = 2 },
	{ "two separate cycles",
	  PROCS({ 40, 41, 0, UNK, "a" },
		{ 41, 40, 0, UNK, "b" },
		{ 50, 52, 0, UNK, "c" },
		{ 51, 50, 0, UNK, "d" },
		{ 52, 51, 0, UNK, "e" }),
	  .source = CABA_SRC_NONE, .cycles = 2 },
	{ "empty list", .procs = NULL, .nprocs = 0, .source = CABA_SRC_NONE },
};

static void test_model_case(void **state)
{
	const struct model_case *c = *state;
	struct ct_proclist pl;
	struct ct_model m;
	size_t i;

	pl_fill(&pl, c->procs, c->nprocs);
	model_build(&m, &pl, c->numeric);
	assert_int_equal(m.n, c->nprocs);
	assert_forest(&m);
	assert_int_equal(m.caba_source, c->source);
	assert_int_equal(m.cycles, c->cycles);
	if (c->cycles == 0) {
		assert_roots(&m, TREE_REAL, c->real_roots);
		assert_roots(&m, TREE_BORN, c->born_roots);
	}
	for (i = 0; i < c->nprocs; i++) {
		const struct ct_node *nd = &m.nodes[node_of(&m, c->procs[i].pid)];

		assert_ptr_equal(nd->p, &pl.v[i]);
		assert_true(nd->shown[TREE_REAL]);
		assert_true(nd->shown[TREE_BORN]);
		assert_false(nd->focus);
		if (c->procs[i].cs != CABA_KERNEL)
			assert_false(nd->reparented);
	}
	for (i = 0; i < c->nexpect; i++) {
		const struct expect_node *e = &c->expect[i];
		const struct ct_node *nd = &m.nodes[node_of(&m, e->pid)];

		assert_int_equal(pid_at(&m, nd->parent[TREE_REAL]), e->real_parent);
		assert_int_equal(pid_at(&m, nd->parent[TREE_BORN]), e->born_parent);
		if (nd->reparented != e->reparented)
			print_error("pid %d: reparented should be %d\n",
				    (int)e->pid, e->reparented);
		assert_int_equal(nd->reparented, e->reparented);
		assert_children(&m, TREE_REAL, e->pid, e->real_children);
		assert_children(&m, TREE_BORN, e->pid, e->born_children);
	}
	model_free(&m);
	proclist_free(&pl);
}

/* ---- model_find ---- */

static void test_model_find(void **state)
{
	static const struct pspec few[] = { SELFTEST_PROCS };
	struct ct_proclist pl;
	struct ct_model m;
	pid_t pid;
	size_t i;

	pl_fill(&pl, few, ARRAY_SIZE(few));
	model_build(&m, &pl, false);
	for (i = 0; i < ARRAY_SIZE(few); i++)
		assert_int_equal(model_find(&m, few[i].pid), (int)i);
	assert_int_equal(model_find(&m, 3), -1);
	assert_int_equal(model_find(&m, 6), -1);
	assert_int_equal(model_find(&m, 0), -1);
	assert_int_equal(model_find(&m, -1), -1);
	assert_int_equal(model_find(&m, 4194304), -1);
	model_free(&m);
	proclist_free(&pl);

	/* Many pids that share low bits, and the ones in between absent. */
	memset(&pl, 0, sizeof(pl));
	for (pid = 1; pid <= 4096; pid++)
		pl_add(&pl, pid * 1024, 0, 0, UNK, "p");
	model_build(&m, &pl, true);
	for (pid = 1; pid <= 4096; pid++) {
		assert_int_equal(model_find(&m, pid * 1024), pid - 1);
		assert_int_equal(model_find(&m, pid * 1024 + 1), -1);
		assert_int_equal(model_find(&m, pid * 1024 - 512), -1);
	}
	model_free(&m);
	proclist_free(&pl);

	/* An empty model finds nothing. */
	memset(&pl, 0, sizeof(pl));
	model_build(&m, &pl, false);
	assert_int_equal(model_find(&m, 1), -1);
	model_free(&m);
	proclist_free(&pl);
}

/* ---- model_focus ---- */

struct focus_case {
	const char *name;
	const struct pspec *procs;
	size_t nprocs;
	pid_t pids[4];
	size_t npids;
	pid_t missing;
	pid_t real_shown[MAXL];		/* 0-terminated; the others hidden */
	pid_t born_shown[MAXL];
};

/*
 * 1 ─┬─ 2 ─┬─ 3          born tree: the same, except 8 was born of 3
 *    │     └─ 4 ── 5
 *    └─ 6 ── 7 ── 8
 */
#define TREE8_PROCS							\
	{ 1, 0, 0, K, "init" },						\
	{ 2, 1, 1, K, "a" },						\
	{ 3, 2, 2, K, "b" },						\
	{ 4, 2, 2, K, "c" },						\
	{ 5, 4, 4, K, "d" },						\
	{ 6, 1, 1, K, "e" },						\
	{ 7, 6, 6, K, "f" },						\
	{ 8, 7, 3, K, "g" }

static const struct focus_case focus_cases[] = {
	{ "self-test: focus 4", PROCS(SELFTEST_PROCS), { 4 }, 1, 0,
	  L(1, 4, 5), L(1, 2, 4, 5, 7) },
	{ "self-test: focus 7", PROCS(SELFTEST_PROCS), { 7 }, 1, 0,
	  L(1, 2, 7), L(1, 2, 4, 7) },
	{ "self-test: focus 2", PROCS(SELFTEST_PROCS), { 2 }, 1, 0,
	  L(1, 2, 7), L(1, 2, 4, 5, 7) },
	{ "self-test: focus the root", PROCS(SELFTEST_PROCS), { 1 }, 1, 0,
	  L(1, 2, 4, 5, 7), L(1, 2, 4, 5, 7) },
	{ "self-test: focus a leaf", PROCS(SELFTEST_PROCS), { 5 }, 1, 0,
	  L(1, 4, 5), L(1, 2, 4, 5) },
	{ "two branches", PROCS(TREE8_PROCS), { 4, 7 }, 2, 0,
	  L(1, 2, 4, 5, 6, 7, 8), L(1, 2, 4, 5, 6, 7) },
	{ "one inside the other", PROCS(TREE8_PROCS), { 2, 5 }, 2, 0,
	  L(1, 2, 3, 4, 5), L(1, 2, 3, 4, 5, 8) },
	{ "one inside the other, inner first", PROCS(TREE8_PROCS), { 5, 2 }, 2, 0,
	  L(1, 2, 3, 4, 5), L(1, 2, 3, 4, 5, 8) },
	{ "same pid twice", PROCS(TREE8_PROCS), { 3, 3 }, 2, 0,
	  L(1, 2, 3), L(1, 2, 3, 8) },
	{ "a missing pid", PROCS(SELFTEST_PROCS), { 4, 99 }, 2, 99 },
	{ "the first missing pid", PROCS(SELFTEST_PROCS), { 98, 4, 99 }, 3, 98 },
};

static bool in_list(const pid_t *l, pid_t pid)
{
	size_t i;

	for (i = 0; i < MAXL && l[i]; i++) {
		if (l[i] == pid)
			return true;
	}
	return false;
}

static void test_focus(void **state)
{
	const struct focus_case *c = *state;
	struct ct_proclist pl;
	struct ct_model m;
	size_t i;

	pl_fill(&pl, c->procs, c->nprocs);
	model_build(&m, &pl, false);
	assert_int_equal(model_focus(&m, c->pids, c->npids), c->missing);
	if (!c->missing) {
		for (i = 0; i < m.n; i++) {
			const struct ct_node *nd = &m.nodes[i];
			pid_t pid = nd->p->pid;
			bool named = false;
			size_t k;

			for (k = 0; k < c->npids; k++)
				named |= c->pids[k] == pid;
			if (nd->shown[TREE_REAL] != in_list(c->real_shown, pid) ||
			    nd->shown[TREE_BORN] != in_list(c->born_shown, pid))
				print_error("pid %d: shown real %d born %d\n", (int)pid,
					    nd->shown[TREE_REAL], nd->shown[TREE_BORN]);
			assert_int_equal(nd->shown[TREE_REAL],
					 in_list(c->real_shown, pid));
			assert_int_equal(nd->shown[TREE_BORN],
					 in_list(c->born_shown, pid));
			assert_int_equal(nd->focus, named);
		}
	}
	/* Focus hides, it does not change the trees. */
	assert_forest(&m);
	model_free(&m);
	proclist_free(&pl);
}

/* ---- pstree's operands: subtrees drawn from their tops ---- */

/*
 * init(1) has sshd(10) has bash(20, uid 7) has vim(30, uid 7); daemon(40,
 * uid 7) was born to bash and reparented to init; cron(50) under init.
 */
static void build_operands(struct ct_proclist *pl, struct ct_model *m)
{
	memset(pl, 0, sizeof(*pl));
	fx_add_plain(pl, 1, 0, 0, K, "init", 0, 0);
	fx_add_plain(pl, 10, 1, 1, K, "sshd", 0, 0);
	fx_add_plain(pl, 20, 10, 10, K, "bash", 7, 0);
	fx_add_plain(pl, 30, 20, 20, K, "vim", 7, 0);
	fx_add_plain(pl, 40, 1, 20, K, "daemon", 7, 0);
	fx_add_plain(pl, 50, 1, 1, K, "cron", 0, 0);
	model_build(m, pl, false);
}

static void assert_shown(const struct ct_model *m, enum ct_tree t, const pid_t *want)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->nodes[i].shown[t] != in_list(want, m->nodes[i].p->pid))
			print_error("pid %d: shown %d in the %s tree\n", (int)m->nodes[i].p->pid,
				    m->nodes[i].shown[t], t == TREE_REAL ? "real" : "born");
		assert_int_equal(m->nodes[i].shown[t], in_list(want, m->nodes[i].p->pid));
	}
}

static void test_show_from_pid(void **state)
{
	struct ct_proclist pl;
	struct ct_model m;

	(void)state;
	build_operands(&pl, &m);
	assert_true(model_show_from(&m, 20, false, 0));
	/* The born tree has the reparented daemon under bash, the real not. */
	assert_shown(&m, TREE_REAL, (const pid_t[]){ 20, 30, 0 });
	assert_shown(&m, TREE_BORN, (const pid_t[]){ 20, 30, 40, 0 });
	assert_roots(&m, TREE_REAL, (const pid_t[]){ 20, 0 });
	assert_roots(&m, TREE_BORN, (const pid_t[]){ 20, 0 });
	model_free(&m);
	proclist_free(&pl);
}

/*
 * Hiding kernel threads after a PID or USER view relinks the trees: the
 * view's tops stay its roots, and a process cut from a kernel thread
 * outside the view is not drawn.
 */
static void test_show_from_then_kthreads(void **state)
{
	static const struct pspec procs[] = {
		{ 1, 0, 0, K, "init" }, { 2, 0, 0, K, "kthreadd" },
		{ 3, 2, 2, K, "kworker" }, { 10, 1, 1, K, "sshd" },
		{ 11, 10, 10, K, "bash" }, { 12, 3, 3, K, "modprobe" },
	};
	struct ct_proclist pl;
	struct ct_model m;
	size_t i;

	(void)state;
	pl_fill(&pl, procs, ARRAY_SIZE(procs));
	for (i = 0; i < pl.n; i++)
		pl.v[i].kthread = pl.v[i].pid == 2 || pl.v[i].pid == 3;
	model_build(&m, &pl, false);
	assert_true(model_show_from(&m, 10, false, 0));
	assert_int_equal(model_hide_kthreads(&m), 0);
	assert_roots(&m, TREE_REAL, (const pid_t[]){ 10, 0 });
	assert_roots(&m, TREE_BORN, (const pid_t[]){ 10, 0 });
	assert_shown(&m, TREE_REAL, (const pid_t[]){ 10, 11, 0 });
	model_free(&m);
	proclist_free(&pl);
}

static void test_show_from_user(void **state)
{
	struct ct_proclist pl;
	struct ct_model m;

	(void)state;
	build_operands(&pl, &m);
	assert_true(model_show_from(&m, 0, true, 7));
	/* Each subtree from a process whose parent is not the user's. */
	assert_shown(&m, TREE_REAL, (const pid_t[]){ 20, 30, 40, 0 });
	assert_shown(&m, TREE_BORN, (const pid_t[]){ 20, 30, 40, 0 });
	assert_roots(&m, TREE_REAL, (const pid_t[]){ 20, 40, 0 });
	assert_roots(&m, TREE_BORN, (const pid_t[]){ 20, 0 });
	model_free(&m);
	proclist_free(&pl);
}

static void test_show_from_none(void **state)
{
	struct ct_proclist pl;
	struct ct_model m;

	(void)state;
	build_operands(&pl, &m);
	/* Nothing to show from: the model is left as it was. */
	assert_false(model_show_from(&m, 99, false, 0));
	assert_false(model_show_from(&m, 0, true, 8));
	assert_shown(&m, TREE_REAL, (const pid_t[]){ 1, 10, 20, 30, 40, 50, 0 });
	assert_roots(&m, TREE_REAL, (const pid_t[]){ 1, 0 });
	model_free(&m);
	proclist_free(&pl);
}

/* ---- size: no recursion, no quadratic walk ---- */

#define DEEP 100000

struct deep_job {
	struct ct_proclist *pl;
	struct ct_model *m;
	const pid_t *focus;
	pid_t missing;
};

static void *deep_build(void *arg)
{
	struct deep_job *j = arg;

	model_build(j->m, j->pl, false);
	j->missing = model_focus(j->m, j->focus, 1);
	return NULL;
}

/* Build and focus on a thread with a small stack: recursion would crash. */
static void build_small_stack(struct ct_proclist *pl, struct ct_model *m,
			      pid_t focus)
{
	struct deep_job j = { pl, m, &focus, -1 };
	pthread_attr_t attr;
	pthread_t th;

	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, 512 * 1024), 0);
	assert_int_equal(pthread_create(&th, &attr, deep_build, &j), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	pthread_attr_destroy(&attr);
	assert_int_equal(j.missing, 0);
}

/* Depth of node idx in tree t, counted by walking up. */
static size_t depth(const struct ct_model *m, int idx, enum ct_tree t)
{
	size_t d = 0;

	while (m->nodes[idx].parent[t] >= 0) {
		idx = m->nodes[idx].parent[t];
		d++;
		assert_true(d <= m->n);
	}
	return d;
}

/* 1 -> 2 -> ... -> DEEP, and DEEP + 1 a second child of 1. */
static void test_deep_chain(void **state)
{
	struct ct_proclist pl = { 0 };
	struct ct_model m;
	pid_t pid;
	int t;

	pl_add(&pl, 1, 0, 0, K, "init");
	for (pid = 2; pid <= DEEP; pid++)
		pl_add(&pl, pid, pid - 1, pid - 1, K, "n");
	pl_add(&pl, DEEP + 1, 1, 1, K, "side");
	build_small_stack(&pl, &m, DEEP / 2);
	assert_int_equal(m.cycles, 0);
	for (t = 0; t < TREE_COUNT; t++) {
		assert_int_equal(m.nroots[t], 1);
		assert_int_equal(depth(&m, node_of(&m, DEEP), t), DEEP - 1);
		/* Ancestors and the subtree of DEEP/2: all but the side one. */
		for (pid = 1; pid <= DEEP; pid++)
			assert_true(m.nodes[pid - 1].shown[t]);
		assert_false(m.nodes[node_of(&m, DEEP + 1)].shown[t]);
	}
	assert_true(m.nodes[node_of(&m, DEEP / 2)].focus);
	assert_forest(&m);
	model_free(&m);

	/* Focus on the deepest one. */
	build_small_stack(&pl, &m, DEEP);
	for (pid = 1; pid <= DEEP; pid++)
		assert_true(m.nodes[pid - 1].shown[TREE_REAL]);
	assert_false(m.nodes[DEEP].shown[TREE_REAL]);
	model_free(&m);
	proclist_free(&pl);
}

/* Parents with higher pids than their children: DEEP -> ... -> 1. */
static void test_deep_chain_descending(void **state)
{
	struct ct_proclist pl = { 0 };
	struct ct_model m;
	pid_t pid;

	for (pid = 1; pid < DEEP; pid++)
		pl_add(&pl, pid, pid + 1, pid + 1, K, "n");
	pl_add(&pl, DEEP, 0, 0, K, "top");
	build_small_stack(&pl, &m, 1);
	assert_int_equal(m.cycles, 0);
	assert_int_equal(m.nroots[TREE_REAL], 1);
	assert_int_equal(pid_at(&m, m.roots[TREE_REAL][0]), DEEP);
	assert_int_equal(depth(&m, 0, TREE_BORN), DEEP - 1);
	for (pid = 1; pid <= DEEP; pid++)
		assert_true(m.nodes[pid - 1].shown[TREE_BORN]);
	assert_forest(&m);
	model_free(&m);
	proclist_free(&pl);
}

/* One cycle through DEEP processes: one cut, one root, nothing lost. */
static void test_long_cycle(void **state)
{
	struct ct_proclist pl = { 0 };
	struct ct_model m;
	pid_t pid;

	pl_add(&pl, 1, DEEP, DEEP, K, "n");
	for (pid = 2; pid <= DEEP; pid++)
		pl_add(&pl, pid, pid - 1, pid - 1, K, "n");
	build_small_stack(&pl, &m, 7);
	assert_int_equal(m.cycles, 2);
	assert_int_equal(m.nroots[TREE_REAL], 1);
	assert_int_equal(m.nroots[TREE_BORN], 1);
	assert_forest(&m);
	model_free(&m);
	proclist_free(&pl);
}

/* ---- kernel threads and namespaces ---- */

/* Kernel threads are hidden in both trees, after a focus, and counted. */
static void test_hide_kthreads(void **state)
{
	static const struct pspec procs[] = {
		{ 1, 0, 0, K, "init" }, { 2, 0, 0, K, "kthreadd" },
		{ 3, 2, 2, K, "kworker" }, { 4, 2, 2, K, "ksoftirqd" },
		{ 10, 1, 1, K, "sshd" }, { 11, 10, 10, K, "bash" },
		{ 12, 3, 3, K, "modprobe" },
	};
	static const pid_t focus_bash = 11;
	struct ct_proclist pl;
	struct ct_model m;
	size_t i;
	int t;

	(void)state;
	pl_fill(&pl, procs, ARRAY_SIZE(procs));
	for (i = 0; i < pl.n; i++)
		pl.v[i].kthread = pl.v[i].pid >= 2 && pl.v[i].pid <= 4;
	model_build(&m, &pl, false);
	assert_int_equal(model_hide_kthreads(&m), 3);
	for (i = 0; i < m.n; i++)
		for (t = 0; t < TREE_COUNT; t++)
			assert_int_equal(m.nodes[i].shown[t], !m.nodes[i].p->kthread);
	/* A kernel thread's child that is not one is a root, in view. */
	for (t = 0; t < TREE_COUNT; t++) {
		assert_int_equal(m.nodes[node_of(&m, 12)].parent[t], -1);
		assert_int_equal(m.nodes[node_of(&m, 3)].nchild[t], 0);
		assert_int_equal(m.nroots[t], 3);
	}
	assert_forest(&m);
	/* Hidden already: none more. */
	assert_int_equal(model_hide_kthreads(&m), 0);
	model_free(&m);

	/* A focus that shows none of them: nothing was hidden. */
	model_build(&m, &pl, false);
	assert_int_equal(model_focus(&m, &focus_bash, 1), 0);
	assert_int_equal(model_hide_kthreads(&m), 0);
	assert_true(m.nodes[node_of(&m, 11)].shown[TREE_REAL]);
	assert_false(m.nodes[node_of(&m, 3)].shown[TREE_REAL]);
	assert_forest(&m);
	model_free(&m);
	proclist_free(&pl);
}

/*
 * Namespaces: 21 entered new ones (its links say so), 22 inherits them,
 * 31's links could not be read but NSpid: is one level deeper, 40's
 * could not be read at all.
 */
static void ns_list(struct ct_proclist *pl)
{
	static const struct pspec procs[] = {
		{ 1, 0, 0, K, "init" }, { 20, 1, 1, K, "runc" },
		{ 21, 20, 20, K, "sh" }, { 22, 21, 21, K, "nginx" },
		{ 30, 1, 1, K, "unshare" }, { 31, 30, 30, K, "sleep" },
		{ 40, 1, 1, K, "other" },
	};
	size_t i;

	pl_fill(pl, procs, ARRAY_SIZE(procs));
	for (i = 0; i < pl->n; i++) {
		struct ct_proc *p = &pl->v[i];
		bool in = p->pid == 21 || p->pid == 22;

		if (p->pid != 31 && p->pid != 40) {
			p->ns[NS_PID] = in ? 4026532302ULL : 4026531836ULL;
			p->ns[NS_NET] = in ? 4026532301ULL : 4026531833ULL;
			p->ns[NS_USER] = 4026531837ULL;
		}
		p->pid_ns_level = p->pid == 40 ? 0 : in || p->pid == 31 ? 2 : 1;
	}
}

static void test_ns_changed(void **state)
{
	struct ct_proclist pl;
	struct ct_model m;
	int t;

	(void)state;
	ns_list(&pl);
	model_build(&m, &pl, false);
	for (t = 0; t < TREE_COUNT; t++) {
		assert_false(model_ns_changed(&m, node_of(&m, 1), NS_PID, t));
		assert_false(model_ns_changed(&m, node_of(&m, 20), NS_PID, t));
		assert_true(model_ns_changed(&m, node_of(&m, 21), NS_PID, t));
		assert_true(model_ns_changed(&m, node_of(&m, 21), NS_NET, t));
		assert_false(model_ns_changed(&m, node_of(&m, 21), NS_USER, t));
		assert_false(model_ns_changed(&m, node_of(&m, 21), NS_IPC, t));
		assert_false(model_ns_changed(&m, node_of(&m, 22), NS_PID, t));
		/* By NSpid: alone, for pid namespaces only. */
		assert_true(model_ns_changed(&m, node_of(&m, 31), NS_PID, t));
		assert_false(model_ns_changed(&m, node_of(&m, 31), NS_NET, t));
		/* Unknown is no change. */
		assert_false(model_ns_changed(&m, node_of(&m, 40), NS_PID, t));
	}
	/* Unreadable links: the parent's namespace. */
	assert_int_equal(model_ns(&m, node_of(&m, 40), NS_NET, TREE_REAL), 4026531833ULL);
	assert_int_equal(model_ns(&m, node_of(&m, 22), NS_NET, TREE_REAL), 4026532301ULL);
	model_free(&m);
	proclist_free(&pl);
}

/* -N: a link into another namespace is cut; each group has its roots. */
static void test_split_ns(void **state)
{
	struct ct_proclist pl;
	struct ct_model m;
	int t;

	(void)state;
	ns_list(&pl);
	model_build(&m, &pl, false);
	model_split_ns(&m, NS_NET, false);
	for (t = 0; t < TREE_COUNT; t++) {
		assert_int_equal(m.nroots[t], 2);
		assert_int_equal(pid_at(&m, m.roots[t][0]), 1);
		assert_int_equal(pid_at(&m, m.roots[t][1]), 21);
		assert_int_equal(pid_at(&m, m.nodes[node_of(&m, 22)].parent[t]), 21);
		assert_int_equal(m.nodes[node_of(&m, 20)].nchild[t], 0);
	}
	assert_forest(&m);
	model_free(&m);

	model_build(&m, &pl, false);
	model_split_ns(&m, NS_PID, false);
	/* 31 by NSpid:, with no inode: a root of its own. */
	assert_int_equal(m.nroots[TREE_REAL], 3);
	assert_int_equal(pid_at(&m, m.roots[TREE_REAL][2]), 31);
	assert_forest(&m);
	model_free(&m);
	proclist_free(&pl);
}

/* A released ancestor for the lineage tests, as a source gives it. */
static void add_released(struct ct_proclist *pl, pid_t pid, const char *name, size_t made_by,
			 bool cut)
{
	struct ct_released *r;

	pl->released = realloc(pl->released, (pl->nreleased + 1) * sizeof(*pl->released));
	assert_non_null(pl->released);
	r = &pl->released[pl->nreleased++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->start_time = 100;
	r->end_time = 200;
	r->exit_status = 0;
	r->name = name ? fx_bytes(name, strlen(name)) : NULL;
	r->name_len = name ? strlen(name) : 0;
	r->made_by = made_by;
	r->lineage_cut = cut;
}

/*
 * The lineage: bash (10) made sh (released, pid 30 again alive as another
 * process), which made daemon (40); a chain of two released ancestors
 * made job (50). Released ancestors go between a process and its CABA,
 * in the born tree only; no CABA changes, model_find never gives them.
 */
static void test_lineage(void **state)
{
	struct ct_proclist pl = { 0 };
	struct ct_model m;
	int d, j, r0, r1, r2;

	(void)state;
	fx_add_plain(&pl, 1, 0, 0, CABA_DEFINED, "init", 0, 1);
	fx_add_plain(&pl, 10, 1, 1, CABA_WITNESSED, "bash", 0, 10);
	fx_add_plain(&pl, 30, 10, 10, CABA_WITNESSED, "reused", 0, 300);
	fx_add_plain(&pl, 40, 1, 10, CABA_WITNESSED, "daemon", 0, 400)->made_by = 1;
	fx_add_plain(&pl, 50, 1, 10, CABA_WITNESSED, "job", 0, 500)->made_by = 3;
	add_released(&pl, 30, "sh", 0, false);
	add_released(&pl, 31, "nohup", 0, false);
	add_released(&pl, 32, NULL, 2, false);
	pl.meta.has_lineage = true;
	model_build(&m, &pl, false);
	/* Without model_lineage, the born tree is CABA's alone. */
	assert_int_equal(m.n, 5);
	assert_int_equal(m.nodes[model_find(&m, 40)].parent[TREE_BORN], model_find(&m, 10));
	assert_int_equal(model_lineage(&m), 3);
	assert_int_equal(m.n, 8);
	assert_int_equal(m.nprocs, 5);
	r0 = 5, r1 = 6, r2 = 7;
	assert_true(model_is_released(&m, r0));
	assert_false(model_is_released(&m, 0));
	/* model_find gives the living process with the reused pid. */
	assert_int_equal(model_find(&m, 30), 2);
	d = model_find(&m, 40);
	j = model_find(&m, 50);
	assert_int_equal(m.nodes[d].parent[TREE_BORN], r0);
	assert_int_equal(m.nodes[r0].parent[TREE_BORN], model_find(&m, 10));
	assert_int_equal(m.nodes[j].parent[TREE_BORN], r2);
	assert_int_equal(m.nodes[r2].parent[TREE_BORN], r1);
	assert_int_equal(m.nodes[r1].parent[TREE_BORN], model_find(&m, 10));
	/* Not in the real tree; the CABA and the real parent are unchanged. */
	assert_int_equal(m.nodes[r0].parent[TREE_REAL], -1);
	assert_false(m.nodes[r0].shown[TREE_REAL]);
	assert_int_equal(m.nodes[d].parent[TREE_REAL], 0);
	assert_int_equal(m.nodes[d].p->caba, 10);
	assert_true(m.nodes[d].reparented);
	/* A name not known reads "?" (no program either). */
	assert_memory_equal(m.nodes[r2].p->name, "?", 1);
	/* The focus on job shows its released ancestors, not daemon's. */
	model_focus(&m, (const pid_t[]){ 50 }, 1);
	assert_true(m.nodes[r1].shown[TREE_BORN] && m.nodes[r2].shown[TREE_BORN]);
	assert_false(m.nodes[r0].shown[TREE_BORN]);
	assert_false(m.nodes[r1].shown[TREE_REAL]);
	/* Applied once only. */
	assert_int_equal(model_lineage(&m), 0);
	model_free(&m);
	proclist_free(&pl);
}

/* Without lineage in the source, model_lineage adds nothing. */
static void test_lineage_none(void **state)
{
	struct ct_proclist pl = { 0 };
	struct ct_model m;

	(void)state;
	fx_add_plain(&pl, 1, 0, 0, CABA_DEFINED, "init", 0, 1);
	fx_add_plain(&pl, 40, 1, 1, CABA_WITNESSED, "daemon", 0, 400)->made_by = 1;
	add_released(&pl, 30, "sh", 0, false);
	model_build(&m, &pl, false);
	assert_int_equal(model_lineage(&m), 0);
	assert_int_equal(m.n, 2);
	model_free(&m);
	proclist_free(&pl);
}

int main(void)
{
	static struct CMUnitTest build[ARRAY_SIZE(model_cases)];
	static struct CMUnitTest focus[ARRAY_SIZE(focus_cases)];
	static const struct CMUnitTest misc[] = {
		cmocka_unit_test(test_model_find),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_deep_chain_descending),
		cmocka_unit_test(test_long_cycle),
		cmocka_unit_test(test_show_from_pid),
		cmocka_unit_test(test_show_from_user),
		cmocka_unit_test(test_show_from_then_kthreads),
		cmocka_unit_test(test_show_from_none),
		cmocka_unit_test(test_hide_kthreads),
		cmocka_unit_test(test_ns_changed),
		cmocka_unit_test(test_split_ns),
		cmocka_unit_test(test_lineage),
		cmocka_unit_test(test_lineage_none),
	};
	int failed = 0;

	TABLE_TESTS(build, model_cases, test_model_case);
	TABLE_TESTS(focus, focus_cases, test_focus);
	failed += cmocka_run_group_tests_name("model_build", build, NULL, NULL);
	failed += cmocka_run_group_tests_name("model_focus", focus, NULL, NULL);
	failed += cmocka_run_group_tests_name("model misc", misc, NULL, NULL);
	return failed ? 1 : 0;
}
