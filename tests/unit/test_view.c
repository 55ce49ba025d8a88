// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/tui/view.c, the interactive browser's state without a
 * terminal: rows, folds, the shared selection, search, jumps, following a
 * process that exits, and what survives a rebuild (keyed by pid and start
 * time, so that a reused pid is another process).
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

#include "model.h"
#include "tui/view.h"
#include "unit.h"
#include "fixture.h"

#define K CABA_KERNEL
#define UNK CABA_UNKNOWN
#define MAXL 16

/* One process of a scenario; start 0 means pid * 10. */
struct pspec {
	pid_t pid, ppid, caba;
	enum caba_status cs;
	const char *name;
	unsigned long long start;
};

/* A scan and its model, as the browser gets them. */
struct world {
	struct ct_proclist pl;
	struct ct_model m;
};

/* The kernel self-test scenario of cabatree(1). */
static const struct pspec selftest[] = {
	{ 1, 0, 0, K, "init", 0 },
	{ 2, 1, 1, K, "sh", 0 },
	{ 4, 1, 2, K, "sh", 0 },
	{ 5, 4, 4, K, "sh", 0 },
	{ 7, 2, 4, K, "sh", 0 },
};

static void pl_add(struct ct_proclist *pl, const struct pspec *s)
{
	fx_add_plain(pl, s->pid, s->ppid, s->caba, s->cs, s->name, 0,
		     s->start ? s->start : (unsigned long long)s->pid * 10);
}

static struct world *world_new(const struct pspec *s, size_t n)
{
	struct world *w = calloc(1, sizeof(*w));
	size_t i;

	assert_non_null(w);
	for (i = 0; i < n; i++)
		pl_add(&w->pl, &s[i]);
	model_build(&w->m, &w->pl, false);
	return w;
}

static void world_free(struct world *w)
{
	if (!w)
		return;
	model_free(&w->m);
	proclist_free(&w->pl);
	free(w);
}

/* A view over selftest, with every tree 10 rows high. */
static struct world *start(struct view *v, const struct pspec *s, size_t n)
{
	struct world *w = world_new(s, n);

	view_init(v);
	view_set_height(v, TREE_REAL, 10);
	view_set_height(v, TREE_BORN, 10);
	view_set_model(v, &w->m);
	return w;
}

static void keys(struct view *v, const char *s)
{
	for (; *s; s++)
		view_key(v, *s);
}

static pid_t sel_pid(const struct view *v)
{
	assert_true(v->sel_node >= 0);
	return v->m->nodes[v->sel_node].p->pid;
}

/* The pids of tree t's rows, in order, compared with a 0-terminated list. */
static void assert_rows(const struct view *v, enum ct_tree t, const pid_t *want)
{
	const struct view_tree *tr = &v->tree[t];
	size_t i, n = 0;
	bool same;

	while (n < MAXL && want[n])
		n++;
	same = tr->nrows == n;
	for (i = 0; same && i < n; i++)
		same = v->m->nodes[tr->rows[i].node].p->pid == want[i];
	if (!same) {
		print_error("%s rows: expected", t == TREE_REAL ? "real" : "born");
		for (i = 0; i < n; i++)
			print_error(" %d", (int)want[i]);
		print_error("; got");
		for (i = 0; i < tr->nrows; i++)
			print_error(" %d", (int)v->m->nodes[tr->rows[i].node].p->pid);
		print_error("\n");
		fail();
	}
}

static const struct view_row *row_of_pid(const struct view *v, enum ct_tree t,
					 pid_t pid)
{
	int idx = model_find(v->m, pid);
	int r;

	assert_true(idx >= 0);
	r = v->tree[t].row_of[idx];
	assert_true(r >= 0);
	return &v->tree[t].rows[r];
}

static void test_rows(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));

	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 4, 5, 7, 0 });
	assert_int_equal(row_of_pid(&v, TREE_REAL, 7)->depth, 2);
	assert_int_equal(row_of_pid(&v, TREE_BORN, 7)->depth, 3);
	assert_true(row_of_pid(&v, TREE_REAL, 7)->flags & ROW_LAST);
	assert_false(row_of_pid(&v, TREE_REAL, 2)->flags & ROW_LAST);
	assert_true(row_of_pid(&v, TREE_REAL, 4)->flags & ROW_LAST);
	assert_true(row_of_pid(&v, TREE_BORN, 4)->flags & ROW_KIDS);
	assert_false(row_of_pid(&v, TREE_BORN, 5)->flags & ROW_LAST);
	assert_int_equal(row_of_pid(&v, TREE_BORN, 5)->parent_row,
			 v.tree[TREE_BORN].row_of[model_find(v.m, 4)]);
	/* The first process is selected to begin with. */
	assert_int_equal(sel_pid(&v), 1);
	view_free(&v);
	world_free(w);
}

static void test_selection_sync(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));

	keys(&v, "jj");		/* real tree: init, sh(2), sh(7) */
	assert_int_equal(sel_pid(&v), 7);
	assert_int_equal(view_sel_row(&v, TREE_REAL), 2);
	assert_int_equal(view_sel_row(&v, TREE_BORN), 4);
	view_key(&v, VK_TAB);
	assert_int_equal(v.active, TREE_BORN);
	view_key(&v, VK_UP);	/* born tree: sh(5) is above sh(7) */
	assert_int_equal(sel_pid(&v), 5);
	assert_int_equal(view_sel_row(&v, TREE_REAL), 4);
	view_key(&v, VK_HOME);
	assert_int_equal(sel_pid(&v), 1);
	view_key(&v, VK_END);
	assert_int_equal(sel_pid(&v), 7);
	view_key(&v, VK_DOWN);	/* stops at the end */
	assert_int_equal(sel_pid(&v), 7);
	/* A click selects in that pane and makes it the active one. */
	view_click(&v, TREE_REAL, 3);
	assert_int_equal(v.active, TREE_REAL);
	assert_int_equal(sel_pid(&v), 4);
	view_free(&v);
	world_free(w);
}

static void test_fold(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));

	keys(&v, "j");		/* sh(2) in the real tree */
	view_key(&v, VK_ENTER);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 4, 5, 0 });
	assert_true(row_of_pid(&v, TREE_REAL, 2)->flags & ROW_FOLDED);
	/* Folds are per tree. */
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 4, 5, 7, 0 });
	/* Selecting a hidden process in the other tree unfolds what hid it. */
	view_key(&v, VK_TAB);
	view_key(&v, VK_END);
	assert_int_equal(sel_pid(&v), 7);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	/* Left folds, then goes to the parent; right unfolds. */
	view_key(&v, VK_TAB);
	view_key(&v, VK_LEFT);
	assert_int_equal(sel_pid(&v), 2);
	view_key(&v, VK_LEFT);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 4, 5, 0 });
	view_key(&v, VK_RIGHT);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	view_key(&v, VK_RIGHT);
	assert_int_equal(sel_pid(&v), 7);
	/* A leaf cannot fold. */
	view_key(&v, ' ');
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	view_free(&v);
	world_free(w);
}

static void test_collapse_expand(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));

	keys(&v, "jj");
	/* * collapses all when nothing is folded. */
	keys(&v, "*");
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 0 });
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 0 });
	/* The selection moves to what hides it. */
	assert_int_equal(sel_pid(&v), 1);
	keys(&v, "2");
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 4, 0 });
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 0 });
	keys(&v, "3");
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 4, 0 });
	/* Something is folded: * expands all. */
	keys(&v, "*");
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 4, 5, 7, 0 });
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	view_free(&v);
	world_free(w);
}

static void test_fold_selected(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));

	/* - folds the selected subtree only, as htop's. */
	assert_true(view_select_pid(&v, 2));
	keys(&v, "-");
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 4, 5, 0 });
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 4, 5, 7, 0 });
	/* On a leaf, - folds the subtree it is in and selects its root. */
	assert_true(view_select_pid(&v, 5));
	keys(&v, "-");
	assert_int_equal(sel_pid(&v), 4);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 4, 0 });
	/* + unfolds the selected process and all below it. */
	keys(&v, "g*");
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	keys(&v, "*");
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 0 });
	keys(&v, "+");
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 0 });
	view_free(&v);
	world_free(w);
}

static void test_search(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));

	/* A pid matches; nothing is hidden, the match is selected and marked. */
	keys(&v, "/5");
	assert_true(v.typing);
	assert_int_equal(sel_pid(&v), 5);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	assert_true(row_of_pid(&v, TREE_REAL, 5)->flags & ROW_MATCH);
	assert_false(row_of_pid(&v, TREE_REAL, 4)->flags & ROW_MATCH);
	view_key(&v, VK_ENTER);
	assert_false(v.typing);
	assert_int_equal(v.search_len, 1);
	/* Esc clears it; the selection stays. */
	view_key(&v, VK_ESC);
	assert_int_equal(v.search_len, 0);
	assert_false(row_of_pid(&v, TREE_REAL, 5)->flags & ROW_MATCH);
	assert_int_equal(sel_pid(&v), 5);
	/* Names, case-insensitively; n and N go round the matches. */
	view_key(&v, VK_HOME);
	keys(&v, "/SH");
	view_key(&v, VK_ENTER);
	assert_int_equal(sel_pid(&v), 2);
	keys(&v, "n");
	assert_int_equal(sel_pid(&v), 7);
	keys(&v, "nn");
	assert_int_equal(sel_pid(&v), 5);
	keys(&v, "n");
	assert_int_equal(sel_pid(&v), 2);
	keys(&v, "N");
	assert_int_equal(sel_pid(&v), 5);
	/* Moving while typing ends the typing and moves. */
	keys(&v, "/sh");
	assert_int_equal(sel_pid(&v), 5);
	view_key(&v, VK_UP);
	assert_false(v.typing);
	assert_int_equal(v.search_len, 2);
	assert_int_equal(sel_pid(&v), 4);
	/* A match that a fold hides is found, and unfolded. */
	view_key(&v, VK_ESC);
	assert_true(view_select_pid(&v, 2));
	view_key(&v, VK_ENTER);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 4, 5, 0 });
	keys(&v, "/7");
	assert_int_equal(sel_pid(&v), 7);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 5, 0 });
	/* No match says so; the trees stay. */
	view_key(&v, VK_BACKSPACE);
	keys(&v, "x");
	assert_int_equal(v.tree[TREE_REAL].nrows, 5);
	assert_string_equal(v.msg, "no process matches 'x'");
	view_key(&v, VK_ESC);
	view_free(&v);
	world_free(w);
}

static void test_filter(void **state)
{
	static const struct pspec users[] = {
		{ 1, 0, 0, K, "init", 0 },
		{ 2, 1, 1, K, "sshd", 0 },
		{ 3, 2, 2, K, "bash", 0 },
		{ 4, 3, 3, K, "vim", 0 },
		{ 5, 1, 1, K, "cron", 0 },
	};
	struct world *w = world_new(users, ARRAY_SIZE(users));
	struct view v;
	unsigned int f;

	w->pl.v[2].uid = 1000;	/* bash and vim are a user's */
	w->pl.v[3].uid = 1000;
	view_init(&v);
	view_set_height(&v, TREE_REAL, 10);
	view_set_height(&v, TREE_BORN, 10);
	view_set_model(&v, &w->m);

	/* F4: what matches and its ancestors (greyed); the rest is hidden. */
	view_key(&v, VK_F4);
	keys(&v, "vim");
	assert_true(v.typing && v.typing_filter);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 3, 4, 0 });
	assert_true(row_of_pid(&v, TREE_REAL, 2)->flags & ROW_CONTEXT);
	assert_false(row_of_pid(&v, TREE_REAL, 4)->flags & ROW_CONTEXT);
	/* Enter keeps it, and asks for a scan (command lines are matched). */
	f = view_key(&v, VK_ENTER);
	assert_true(f & VIEW_RESCAN);
	assert_string_equal(v.filter, "vim");
	/* Nothing passes: the panes are empty and the message says why. */
	/* \\ edits it where it is. */
	view_key(&v, '\\');
	keys(&v, "xyz");
	assert_int_equal(v.tree[TREE_REAL].nrows, 0);
	assert_string_equal(v.msg, "no process matches 'vimxyz'");
	/* Emptied, it shows everything again. */
	keys(&v, "\b");
	view_key(&v, VK_ESC);
	assert_int_equal(v.filter_len, 0);
	assert_int_equal(v.tree[TREE_REAL].nrows, 5);

	/* u: a menu of users, "all users" first; uid 0, then 1000. */
	assert_int_equal(view_key(&v, 'u'), VIEW_REDRAW);
	assert_int_equal(v.menu, MENU_USER);
	assert_int_equal(v.menu_n, 3);
	view_key(&v, VK_DOWN);
	view_key(&v, VK_DOWN);
	view_key(&v, VK_ENTER);
	assert_int_equal(v.menu, MENU_NONE);
	assert_true(v.by_user);
	assert_int_equal(v.user, 1000);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 3, 4, 0 });
	assert_true(row_of_pid(&v, TREE_REAL, 1)->flags & ROW_CONTEXT);
	assert_false(row_of_pid(&v, TREE_REAL, 3)->flags & ROW_CONTEXT);
	/* The menu opens on the user shown; "all users" ends it. */
	view_key(&v, 'u');
	assert_int_equal(v.menu_sel, 2);
	view_key(&v, VK_HOME);
	view_key(&v, VK_ENTER);
	assert_false(v.by_user);
	assert_int_equal(v.tree[TREE_REAL].nrows, 5);
	/* Esc closes a menu without a change. */
	view_key(&v, 'u');
	view_key(&v, VK_DOWN);
	view_key(&v, VK_ESC);
	assert_int_equal(v.menu, MENU_NONE);
	assert_false(v.by_user);
	view_free(&v);
	world_free(w);
}

static void test_menus(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));
	unsigned int f;

	/* k and F9: a signal menu for the selection, TERM first. */
	assert_true(view_select_pid(&v, 7));
	view_key(&v, 'k');
	assert_int_equal(v.menu, MENU_SIGNAL);
	assert_int_equal(v.menu_sel, 0);
	assert_string_equal(view_signals[0].name, "TERM");
	f = view_key(&v, VK_ENTER);
	assert_true(f & VIEW_SIGNAL);
	assert_int_equal(v.signal, 15);
	assert_int_equal(v.signal_to.pid, 7);
	assert_int_equal(v.signal_to.start, 70);
	/* The next one down is KILL; Esc sends nothing. */
	view_key(&v, VK_F9);
	view_key(&v, VK_DOWN);
	f = view_key(&v, VK_ENTER);
	assert_true(f & VIEW_SIGNAL);
	assert_int_equal(v.signal, 9);
	view_key(&v, VK_F9);
	assert_false(view_key(&v, VK_ESC) & VIEW_SIGNAL);
	assert_int_equal(v.menu, MENU_NONE);
	/* q in a menu closes it, and does not quit. */
	view_key(&v, 'k');
	assert_false(view_key(&v, 'q') & VIEW_QUIT);
	/* F6: sort menu; < and > go round the orders. */
	view_key(&v, VK_F6);
	assert_int_equal(v.menu, MENU_SORT);
	view_key(&v, VK_DOWN);
	f = view_key(&v, VK_ENTER);
	assert_true(f & VIEW_RESORT);
	assert_int_equal(v.sort, VS_PID);
	assert_string_equal(v.msg, "siblings sorted by pid");
	assert_true(view_key(&v, '>') & VIEW_RESORT);
	assert_int_equal(v.sort, VS_CPU);
	view_key(&v, '<');
	view_key(&v, '<');
	view_key(&v, '<');
	assert_int_equal(v.sort, VS_START);
	view_key(&v, 'M');
	assert_int_equal(v.sort, VS_MEM);
	view_key(&v, 'C');
	assert_true(v.columns);
	view_free(&v);
	world_free(w);
}

static void test_kthreads(void **state)
{
	static const struct pspec kt[] = {
		{ 1, 0, 0, K, "init", 0 },
		{ 2, 0, 0, K, "kthreadd", 0 },
		{ 3, 2, 2, K, "kworker/0:0", 0 },
		{ 4, 1, 1, K, "sh", 0 },
	};
	struct world *w = world_new(kt, ARRAY_SIZE(kt));
	struct view v;

	w->pl.v[1].kthread = true;
	w->pl.v[2].kthread = true;
	view_init(&v);
	view_set_model(&v, &w->m);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 4, 0 });
	assert_int_equal(view_kthreads_hidden(&v), 2);
	view_key(&v, 'K');
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 4, 2, 3, 0 });
	assert_int_equal(view_kthreads_hidden(&v), 0);
	view_free(&v);
	world_free(w);
}

static void test_jumps(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));

	assert_true(view_select_pid(&v, 7));
	keys(&v, "p");
	assert_int_equal(sel_pid(&v), 2);
	assert_true(view_select_pid(&v, 7));
	keys(&v, "b");
	assert_int_equal(sel_pid(&v), 4);
	keys(&v, "b");
	assert_int_equal(sel_pid(&v), 2);
	keys(&v, "pp");
	assert_int_equal(sel_pid(&v), 1);
	assert_non_null(strstr(v.msg, "no real parent"));
	assert_false(view_select_pid(&v, 99));
	view_free(&v);
	world_free(w);
}

static void test_follow(void **state)
{
	/* 7 exited; then 4 too (its child 5 went to init, its CABA is 2). */
	static const struct pspec no7[] = {
		{ 1, 0, 0, K, "init", 0 },
		{ 2, 1, 1, K, "sh", 0 },
		{ 4, 1, 2, K, "sh", 0 },
		{ 5, 4, 4, K, "sh", 0 },
	};
	static const struct pspec no47[] = {
		{ 1, 0, 0, K, "init", 0 },
		{ 2, 1, 1, K, "sh", 0 },
		{ 5, 1, 2, K, "sh", 0 },
	};
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest)), *w2, *w3;

	assert_true(view_select_pid(&v, 7));
	keys(&v, "f");
	assert_true(v.follow);
	w2 = world_new(no7, ARRAY_SIZE(no7));
	view_set_model(&v, &w2->m);
	world_free(w);
	assert_int_equal(sel_pid(&v), 4);
	assert_non_null(strstr(v.msg, "sh(7)"));
	assert_non_null(strstr(v.msg, "sh(4)"));

	/* The remembered chain reaches past an ancestor that went too. */
	assert_true(view_select_pid(&v, 4));
	w3 = world_new(no47, ARRAY_SIZE(no47));
	view_set_model(&v, &w3->m);
	world_free(w2);
	assert_int_equal(sel_pid(&v), 2);
	assert_non_null(strstr(v.msg, "born ancestor"));
	view_free(&v);
	world_free(w3);
}

static void test_no_follow_keeps_place(void **state)
{
	static const struct pspec no7[] = {
		{ 1, 0, 0, K, "init", 0 },
		{ 2, 1, 1, K, "sh", 0 },
		{ 4, 1, 2, K, "sh", 0 },
		{ 5, 4, 4, K, "sh", 0 },
	};
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest)), *w2;

	keys(&v, "jj");		/* sh(7), row 2 of the real tree */
	w2 = world_new(no7, ARRAY_SIZE(no7));
	view_set_model(&v, &w2->m);
	world_free(w);
	/* Row 2 is now sh(4). */
	assert_int_equal(sel_pid(&v), 4);
	assert_string_equal(v.msg, "");
	view_free(&v);
	world_free(w2);
}

static void test_state_across_rebuilds(void **state)
{
	/* The same processes, but pid 4 is a new process (start time). */
	static const struct pspec reused[] = {
		{ 1, 0, 0, K, "init", 0 },
		{ 2, 1, 1, K, "sh", 0 },
		{ 4, 1, 2, K, "sh", 999 },
		{ 5, 4, 4, K, "sh", 0 },
		{ 7, 2, 4, K, "sh", 0 },
	};
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest)), *w2, *w3;

	/* Fold sh(4) in the born tree, select sh(2) and follow it. */
	view_key(&v, VK_TAB);
	assert_true(view_select_pid(&v, 4));
	view_key(&v, VK_ENTER);
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 4, 0 });
	assert_true(view_select_pid(&v, 2));
	w2 = world_new(selftest, ARRAY_SIZE(selftest));
	view_set_model(&v, &w2->m);
	world_free(w);
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 4, 0 });
	assert_int_equal(sel_pid(&v), 2);
	assert_int_equal(v.active, TREE_BORN);

	/* A reused pid does not inherit the fold, nor the selection. */
	assert_true(view_select_pid(&v, 4));
	keys(&v, "f");
	w3 = world_new(reused, ARRAY_SIZE(reused));
	view_set_model(&v, &w3->m);
	world_free(w2);
	assert_rows(&v, TREE_BORN, (pid_t[]){ 1, 2, 4, 5, 7, 0 });
	assert_int_equal(sel_pid(&v), 2);	/* followed to its born parent */
	view_free(&v);
	world_free(w3);
}

static void test_scroll(void **state)
{
	struct pspec s[40];
	struct view v;
	struct world *w, *w2;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(s); i++)
		s[i] = (struct pspec){ (pid_t)i + 1, i ? 1 : 0, i ? 1 : 0, K, "p", 0 };
	w = start(&v, s, ARRAY_SIZE(s));
	view_key(&v, VK_END);
	assert_int_equal(v.tree[TREE_REAL].top, 30);
	view_key(&v, VK_PGUP);
	assert_int_equal(sel_pid(&v), 31);
	assert_int_equal(v.tree[TREE_REAL].top, 30);
	view_key(&v, VK_PGUP);
	assert_int_equal(sel_pid(&v), 22);
	assert_int_equal(v.tree[TREE_REAL].top, 21);
	/* A rebuild keeps the selection where it was on screen. */
	w2 = world_new(s, ARRAY_SIZE(s));
	view_set_model(&v, &w2->m);
	world_free(w);
	assert_int_equal(v.tree[TREE_REAL].top, 21);
	/* The wheel scrolls without moving the selection. */
	view_scroll(&v, TREE_REAL, -100);
	assert_int_equal(v.tree[TREE_REAL].top, 0);
	assert_int_equal(sel_pid(&v), 22);
	view_scroll(&v, TREE_REAL, 100);
	assert_int_equal(v.tree[TREE_REAL].top, 30);
	/* A smaller screen keeps the selection in view. */
	view_set_height(&v, TREE_REAL, 3);
	assert_true(view_sel_row(&v, TREE_REAL) >= (long)v.tree[TREE_REAL].top);
	assert_true(view_sel_row(&v, TREE_REAL) < (long)v.tree[TREE_REAL].top + 3);
	view_free(&v);
	world_free(w2);
}

#define DEEP 10000

static void test_deep(void **state)
{
	struct pspec *s = calloc(DEEP, sizeof(*s));
	struct view v;
	struct world *w;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < DEEP; i++)
		s[i] = (struct pspec){ (pid_t)i + 1, (pid_t)i, (pid_t)i, K,
				       i == DEEP / 2 ? "needle" : "n", 0 };
	w = start(&v, s, DEEP);
	assert_int_equal(v.tree[TREE_REAL].nrows, DEEP);
	view_key(&v, VK_END);
	assert_int_equal(sel_pid(&v), DEEP);
	assert_int_equal(v.tree[TREE_BORN].rows[view_sel_row(&v, TREE_BORN)].depth,
			 DEEP - 1);
	keys(&v, "/needle");
	view_key(&v, VK_ENTER);
	assert_int_equal(sel_pid(&v), DEEP / 2 + 1);
	assert_int_equal(v.tree[TREE_REAL].nrows, DEEP);
	view_key(&v, VK_ESC);
	keys(&v, "\\needle");
	view_key(&v, VK_ENTER);
	assert_int_equal(v.tree[TREE_REAL].nrows, DEEP / 2 + 1);
	view_key(&v, VK_ESC);
	/* + on the root of a deep chain unfolds it all (no recursion). */
	keys(&v, "g-");
	assert_int_equal(v.tree[TREE_REAL].nrows, 1);
	keys(&v, "+");
	assert_int_equal(v.tree[TREE_REAL].nrows, DEEP);
	keys(&v, "G3");
	assert_int_equal(v.tree[TREE_REAL].nrows, 3);
	assert_int_equal(sel_pid(&v), 3);
	view_free(&v);
	world_free(w);
	free(s);
}

static void test_threads(void **state)
{
	static struct ct_thread th[2] = {
		{ 11, (char *)"worker", 6 },
		{ 12, (char *)"worker", 6 },
	};
	struct view v;
	struct world *w = world_new(selftest, ARRAY_SIZE(selftest));
	struct ct_proc *p4 = &w->pl.v[2];
	const struct view_row *r;

	p4->threads = th;
	p4->nthreads_listed = 2;
	view_init(&v);
	v.show_threads = true;
	view_set_model(&v, &w->m);
	assert_rows(&v, TREE_REAL, (pid_t[]){ 1, 2, 7, 4, 4, 4, 5, 0 });
	assert_true(view_select_pid(&v, 4));
	view_key(&v, VK_DOWN);
	r = &v.tree[TREE_REAL].rows[view_sel_row(&v, TREE_REAL)];
	assert_int_equal(r->thread, 0);
	assert_int_equal(v.sel_tid, 11);
	/* The same thread is selected in the born tree. */
	r = &v.tree[TREE_BORN].rows[view_sel_row(&v, TREE_BORN)];
	assert_int_equal(r->thread, 0);
	/* Hiding threads asks for a rescan. */
	assert_true(view_key(&v, 't') & VIEW_RESCAN);
	p4->threads = NULL;
	p4->nthreads_listed = 0;
	view_free(&v);
	world_free(w);
}

static void test_born_unknown(void **state)
{
	static const struct pspec s[] = {
		{ 1, 0, 0, UNK, "init", 0 },
		{ 2, 1, 0, UNK, "sh", 0 },
	};
	struct view v;
	struct world *w = start(&v, s, ARRAY_SIZE(s));

	assert_false(v.born_known);
	assert_true(view_tree_shown(&v, TREE_REAL));
	assert_false(view_tree_shown(&v, TREE_BORN));
	view_key(&v, VK_TAB);
	assert_int_equal(v.active, TREE_REAL);
	keys(&v, "v");
	assert_int_equal(v.layout, VL_REAL);
	keys(&v, "v");
	assert_int_equal(v.layout, VL_AUTO);
	keys(&v, "jb");
	assert_int_equal(sel_pid(&v), 2);
	assert_non_null(strstr(v.msg, "unknown"));
	view_free(&v);
	world_free(w);
}

static void test_flags(void **state)
{
	struct view v;
	struct world *w = start(&v, selftest, ARRAY_SIZE(selftest));

	assert_int_equal(view_key(&v, 'q'), VIEW_QUIT);
	assert_int_equal(view_key(&v, '?'), VIEW_HELP);
	assert_true(view_key(&v, 'r') & VIEW_RESCAN);
	assert_true(view_key(&v, 'a') & VIEW_RESCAN);
	assert_true(v.show_args);
	assert_int_equal(view_key(&v, 'j'), VIEW_REDRAW);
	assert_int_equal(view_key(&v, VK_F10), VIEW_QUIT);
	/* An unknown key says where the keys are. */
	assert_int_equal(view_key(&v, 0x01), VIEW_REDRAW);
	assert_string_equal(v.msg, "unknown key: press ? for keys");
	keys(&v, "]");
	assert_int_equal(v.delay_ds, 30);
	keys(&v, "[[[[[[[[");
	assert_int_equal(v.delay_ds, 5);
	keys(&v, "v");
	assert_int_equal(v.layout, VL_SIDE);
	keys(&v, "vvv");
	assert_int_equal(v.layout, VL_BORN);
	assert_int_equal(v.active, TREE_BORN);
	view_free(&v);
	world_free(w);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_selection_sync),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_collapse_expand),
		cmocka_unit_test(test_fold_selected),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_menus),
		cmocka_unit_test(test_kthreads),
		cmocka_unit_test(test_jumps),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_no_follow_keeps_place),
		cmocka_unit_test(test_state_across_rebuilds),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_born_unknown),
		cmocka_unit_test(test_flags),
	};

	return cmocka_run_group_tests_name("view", tests, NULL, NULL);
}
