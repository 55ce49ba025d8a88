// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/recorder/born.c: the CABA rules applied to a stream of
 * fork, exit and release events, keyed by (pid, start time); for
 * src/recorder/state.c, the state file that keeps them; for
 * src/daemon/statedir.c, the way to it; and for src/daemon/live.c,
 * the table held against a /proc (made up here).
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
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "daemon/backend.h"
#include "recorder/born.h"
#include "daemon/live.h"
#include "recorder/state.h"
#include "daemon/statedir.h"
#include "xalloc.h"

/* One event: F fork (creator -> child), X exit, R release, S seed. */
struct ev {
	char kind;
	pid_t cpid;		/* creator (F), parent (S) */
	pid_t pid;
};

/* Start times are derived from the pid so a scenario stays readable. */
#define ST(pid) (1000ULL + (unsigned long long)(pid))

static void apply(struct born_table *t, const struct ev *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (e[i].kind) {
		case 'F':
			born_fork(t, e[i].cpid, ST(e[i].cpid), e[i].pid, ST(e[i].pid));
			break;
		case 'X':
			born_exit(t, e[i].pid, ST(e[i].pid));
			break;
		case 'R':
			born_release(t, e[i].pid, ST(e[i].pid));
			break;
		case 'S': {
			struct born_proc *p = born_seed(t, e[i].pid, ST(e[i].pid));

			born_set_inferred_caba(t, p, e[i].cpid ?
					       born_find(t, e[i].cpid, ST(e[i].cpid)) : NULL);
			break;
		}
		default:
			fail();
		}
	}
}

/* CABA pid of pid (0: none), or -1 when pid is not alive in the table. */
static pid_t caba_of(const struct born_table *t, pid_t pid)
{
	const struct born_proc *p = born_find(t, pid, ST(pid));

	if (!p)
		return -1;
	return p->caba ? p->caba->pid : 0;
}

static bool inferred(const struct born_table *t, pid_t pid)
{
	const struct born_proc *p = born_find(t, pid, ST(pid));

	assert_non_null(p);
	return p->inferred;
}

/* Walk every list and check it against the hash: links agree, counts match. */
static void count_one(const struct born_proc *p, void *arg)
{
	const struct born_proc *k;
	size_t *n = arg;

	(*n)++;
	for (k = p->kids; k; k = k->next) {
		assert_ptr_equal(k->caba, p);
		if (k->next)
			assert_ptr_equal(k->next->prev, k);
	}
}

static void count_exited(const struct born_proc *p, void *arg)
{
	*(size_t *)arg += p->exited;
}

/*
 * The lineage of a living process: every link agrees with its creator's
 * list, and the first living process on its chain of creators is its
 * CABA, unless the chain ends before one (not known, or cut by the cap).
 */
static void check_made(const struct born_proc *p)
{
	const struct born_proc *k;

	for (k = p->made; k; k = k->mnext) {
		assert_ptr_equal(k->creator, p);
		if (k->mnext)
			assert_ptr_equal(k->mnext->mprev, k);
	}
	if (p->creator) {
		for (k = p->creator->made; k && k != p; k = k->mnext)
			;
		assert_ptr_equal(k, p);
		assert_false(p->lineage_cut);
	}
}

static void check_lineage_one(const struct born_proc *p, void *arg)
{
	const struct born_proc *c;
	size_t steps = 0, *total = arg;

	assert_false(p->released);
	check_made(p);
	for (c = p->creator; c && c->released; c = c->creator)
		assert_true(++steps <= total[0]);
	if (c)
		assert_ptr_equal(c, p->caba);
	total[1] += steps;
}

static void check_lineage(const struct born_table *t)
{
	const struct born_proc *r;
	size_t n = 0, arg[2] = { t->nreleased, 0 };

	for (r = t->released; r; r = r->rnext) {
		assert_true(r->released);
		assert_non_null(r->made);	/* kept for what it made */
		assert_null(born_find(t, r->pid, r->start) == r ? r : NULL);
		check_made(r);
		if (r->rnext)
			assert_ptr_equal(r->rnext->rprev, r);
		else
			assert_ptr_equal(t->released_last, r);
		n++;
	}
	assert_int_equal(n, t->nreleased);
	assert_true(n <= t->max_released);
	born_foreach(t, check_lineage_one, arg);
}

static void check_consistent(const struct born_table *t)
{
	size_t n = 0, nx = 0;
	const struct born_proc *r;

	check_lineage(t);

	born_foreach(t, count_one, &n);
	assert_int_equal(n, t->n);
	for (r = t->roots; r; r = r->next)
		assert_null(r->caba);
	/* The exited list holds every exited process, and only those. */
	n = 0;
	born_foreach(t, count_exited, &n);
	for (r = t->exited; r; r = r->xnext) {
		assert_true(r->exited);
		assert_ptr_equal(born_find(t, r->pid, r->start), r);
		if (r->xnext)
			assert_ptr_equal(r->xnext->xprev, r);
		nx++;
	}
	assert_int_equal(nx, n);
}

/* The worked example of cabatree(1), as a recorder sees it. */
static const struct ev sessions[] = {
	{ 'S', 0, 1 },
	{ 'F', 1, 2 }, { 'F', 2, 3 }, { 'F', 3, 4 }, { 'F', 4, 5 },
	{ 'F', 4, 6 }, { 'F', 6, 7 },
	{ 'X', 0, 6 }, { 'R', 0, 6 },	/* 7 reparented to the subreaper 2 */
	{ 'X', 0, 3 }, { 'R', 0, 3 },	/* 4 reparented to 1 */
};

static void test_complex_sessions(void **state)
{
	struct born_table t;

	born_init(&t);
	apply(&t, sessions, ARRAY_SIZE(sessions));
	assert_int_equal(caba_of(&t, 2), 1);
	assert_int_equal(caba_of(&t, 4), 2);
	assert_int_equal(caba_of(&t, 5), 4);
	assert_int_equal(caba_of(&t, 7), 4);
	assert_int_equal(caba_of(&t, 3), -1);
	assert_int_equal(caba_of(&t, 6), -1);
	assert_int_equal(caba_of(&t, 1), 0);
	assert_true(inferred(&t, 1));
	assert_false(inferred(&t, 2));
	assert_false(inferred(&t, 7));
	assert_int_equal(t.n, 5);
	check_consistent(&t);
	born_free(&t);
}

/* Replaying events (a restart re-reading its input) changes nothing. */
static void test_replay(void **state)
{
	struct born_table t;

	born_init(&t);
	apply(&t, sessions, ARRAY_SIZE(sessions));
	apply(&t, sessions + 1, ARRAY_SIZE(sessions) - 1);
	assert_int_equal(caba_of(&t, 4), 2);
	assert_int_equal(caba_of(&t, 7), 4);
	assert_int_equal(caba_of(&t, 5), 4);
	assert_int_equal(t.n, 5);
	check_consistent(&t);
	born_free(&t);
}

/* A chain released bottom-up, top-down and in the middle. */
static void test_release_orders(void **state)
{
	static const struct ev chain[] = {
		{ 'S', 0, 1 }, { 'F', 1, 2 }, { 'F', 2, 3 }, { 'F', 3, 4 },
		{ 'F', 4, 5 }, { 'F', 4, 6 },
		{ 'R', 0, 3 }, { 'R', 0, 2 }, { 'R', 0, 4 },
	};
	struct born_table t;

	born_init(&t);
	apply(&t, chain, ARRAY_SIZE(chain));
	assert_int_equal(caba_of(&t, 5), 1);
	assert_int_equal(caba_of(&t, 6), 1);
	assert_int_equal(t.n, 3);
	check_consistent(&t);
	born_free(&t);
}

/*
 * CLONE_PARENT: the creator is the caller even though the real parent is
 * the caller's parent; the table only ever sees the creator.
 */
static void test_clone_parent(void **state)
{
	static const struct ev ev[] = {
		{ 'S', 0, 1 }, { 'F', 1, 2 }, { 'F', 2, 3 },
	};
	struct born_table t;

	born_init(&t);
	apply(&t, ev, ARRAY_SIZE(ev));
	assert_int_equal(caba_of(&t, 3), 2);
	born_free(&t);
}

/* A zombie is still a CABA until it is released. */
static void test_zombie(void **state)
{
	static const struct ev ev[] = {
		{ 'S', 0, 1 }, { 'F', 1, 2 }, { 'F', 2, 3 }, { 'X', 0, 2 },
	};
	struct born_table t;

	born_init(&t);
	apply(&t, ev, ARRAY_SIZE(ev));
	assert_int_equal(caba_of(&t, 3), 2);
	assert_true(born_find(&t, 2, ST(2))->exited);
	assert_true(born_release(&t, 2, ST(2)));
	assert_int_equal(caba_of(&t, 3), 1);
	assert_false(born_release(&t, 2, ST(2)));	/* a repeated release */
	check_consistent(&t);
	born_free(&t);
}

/* Exits go on a list; a release, however it comes, takes them off. */
static void test_exited_list(void **state)
{
	static const struct ev ev[] = {
		{ 'S', 0, 1 }, { 'F', 1, 2 }, { 'F', 1, 3 }, { 'F', 1, 4 }, { 'F', 1, 5 },
		{ 'X', 0, 2 }, { 'X', 0, 3 }, { 'X', 0, 4 }, { 'X', 0, 3 },
		{ 'R', 0, 3 },		/* the middle of the list */
	};
	struct born_table t;

	born_init(&t);
	apply(&t, ev, ARRAY_SIZE(ev));
	check_consistent(&t);
	born_exit(&t, 9, ST(9));	/* unknown: nothing */
	check_consistent(&t);
	/* A new holder of pid 4 retires the exited one. */
	born_fork(&t, 1, ST(1), 4, ST(4) + 50);
	assert_null(born_find(&t, 4, ST(4)));
	check_consistent(&t);
	assert_true(born_release(&t, 2, ST(2)));
	check_consistent(&t);
	assert_null(t.exited);
	born_free(&t);
}

/*
 * A pid reused before the old process's release event arrived (the free
 * tracepoint comes an RCU grace period late): the new fork retires the old
 * holder, and the late release must not touch the new one.
 */
static void test_pid_reuse(void **state)
{
	struct born_table t;
	struct born_proc *p;

	born_init(&t);
	born_seed(&t, 1, ST(1));
	born_fork(&t, 1, ST(1), 10, 500);
	born_fork(&t, 10, 500, 11, 501);
	born_exit(&t, 10, 500);
	p = born_fork(&t, 1, ST(1), 10, 900);	/* the same pid, later */
	assert_non_null(p);
	assert_int_equal(t.n, 3);
	assert_null(born_find(&t, 10, 500));
	assert_int_equal(born_find(&t, 11, 501)->caba->pid, 1);
	assert_false(born_release(&t, 10, 500));	/* the late event */
	assert_ptr_equal(born_find(&t, 10, 900), p);
	assert_ptr_equal(born_find_pid(&t, 10), p);
	born_fork(&t, 10, 900, 12, 901);
	assert_int_equal(born_find(&t, 12, 901)->caba->start, 900);
	check_consistent(&t);
	born_free(&t);
}

/*
 * Two holders of one pid within one clock tick share (pid, start): the
 * exact start times of eBPF still tell them apart.
 */
static void test_pid_reuse_same_tick(void **state)
{
	struct born_table t;
	struct born_proc *p;

	born_init(&t);
	born_seed(&t, 1, ST(1));
	born_fork_exact(&t, 1, ST(1), 10, 500, 5000000001ULL);
	born_fork_exact(&t, 10, 500, 11, 501, 5010000000ULL);
	p = born_fork_exact(&t, 1, ST(1), 10, 500, 5009000000ULL);	/* same tick */
	assert_int_equal(t.n, 3);
	assert_int_equal(born_find(&t, 11, 501)->caba->pid, 1);
	assert_false(born_release_exact(&t, 10, 500, 5000000001ULL));	/* late */
	assert_ptr_equal(born_find(&t, 10, 500), p);
	assert_false(p->inferred);
	/* Replayed, the same fork keeps the entry. */
	assert_ptr_equal(born_fork_exact(&t, 1, ST(1), 10, 500, 5009000000ULL), p);
	assert_true(born_release_exact(&t, 10, 500, 5009000000ULL));
	assert_int_equal(t.n, 2);
	check_consistent(&t);
	born_free(&t);
}

/* Seeded processes are inferred; what they create is witnessed. */
static void test_seed(void **state)
{
	static const struct ev ev[] = {
		{ 'S', 0, 1 }, { 'S', 1, 20 }, { 'S', 20, 21 },
		{ 'F', 21, 22 },
	};
	struct born_table t;

	born_init(&t);
	apply(&t, ev, ARRAY_SIZE(ev));
	assert_true(inferred(&t, 20));
	assert_true(inferred(&t, 21));
	assert_int_equal(caba_of(&t, 21), 20);
	assert_false(inferred(&t, 22));
	assert_int_equal(caba_of(&t, 22), 21);
	/* A later fork event for a seeded process makes it witnessed. */
	born_fork(&t, 1, ST(1), 21, ST(21));
	assert_false(inferred(&t, 21));
	assert_int_equal(caba_of(&t, 21), 1);
	/* ... and a guess never overrides what was witnessed. */
	born_set_inferred_caba(&t, born_find(&t, 21, ST(21)), born_find(&t, 20, ST(20)));
	assert_int_equal(caba_of(&t, 21), 1);
	check_consistent(&t);
	born_free(&t);
}

/* A creator the table never saw is added, inferred, without a CABA. */
static void test_unknown_creator(void **state)
{
	struct born_table t;

	born_init(&t);
	born_fork(&t, 40, ST(40), 41, ST(41));
	assert_int_equal(caba_of(&t, 41), 40);
	assert_int_equal(caba_of(&t, 40), 0);
	assert_true(inferred(&t, 40));
	/* Nothing is known of its parent: it may have been adopted. */
	assert_true(born_find(&t, 40, ST(40))->from_reaper);
	assert_false(born_find(&t, 41, ST(41))->from_reaper);
	born_free(&t);
}

/*
 * What is known of a seeded process: from a reaper until its parent is
 * told to be none, defined for pid 1 and kthreadd; a witnessed fork
 * clears both, and what was witnessed stays so.
 */
static void test_seed_kinds(void **state)
{
	struct born_table t;
	struct born_proc *init, *kthreadd, *sh, *kid, *orphan;

	born_init(&t);
	init = born_seed(&t, 1, ST(1));
	kthreadd = born_seed(&t, 2, ST(2));
	sh = born_seed(&t, 20, ST(20));
	kid = born_seed(&t, 21, ST(21));
	orphan = born_seed(&t, 22, ST(22));
	assert_true(init->inferred && init->from_reaper && !init->defined);
	born_set_inferred_caba(&t, init, kid);	/* a racing scan's guess */
	born_set_defined(&t, init);
	born_set_defined(&t, kthreadd);
	assert_true(init->defined && !init->inferred && !init->from_reaper);
	assert_null(init->caba);
	assert_true(kthreadd->defined && !kthreadd->caba);
	born_set_inferred(&t, sh, init, true);
	born_set_inferred(&t, kid, sh, false);
	born_set_inferred(&t, orphan, NULL, true);
	assert_true(sh->inferred && sh->from_reaper);
	assert_true(kid->inferred && !kid->from_reaper);
	assert_ptr_equal(kid->caba, sh);
	/* Neither is a defined process made inferred again, nor a guess defined twice. */
	born_set_inferred(&t, init, sh, false);
	assert_true(init->defined && !init->inferred && !init->caba);
	/* A guess refused (a loop) knows nothing: from a reaper. */
	born_set_inferred(&t, sh, kid, false);
	assert_ptr_equal(sh->caba, init);
	assert_true(sh->from_reaper);
	/* born_set_inferred_caba knows nothing of the parent. */
	born_set_inferred_caba(&t, kid, sh);
	assert_true(kid->from_reaper);
	born_set_inferred(&t, kid, sh, false);
	/* Witnessed: a guess and a definition no longer apply. */
	born_fork(&t, 20, ST(20), 22, ST(22));
	assert_true(!orphan->inferred && !orphan->from_reaper && !orphan->defined);
	born_set_inferred(&t, orphan, init, true);
	born_set_defined(&t, orphan);
	assert_true(!orphan->inferred && !orphan->from_reaper && !orphan->defined);
	assert_ptr_equal(orphan->caba, sh);
	check_consistent(&t);
	born_free(&t);
}

/* Guesses from a racing scan must never make a loop. */
static void test_no_loops(void **state)
{
	struct born_table t;
	struct born_proc *a, *b;

	born_init(&t);
	a = born_seed(&t, 50, ST(50));
	b = born_seed(&t, 51, ST(51));
	born_set_inferred_caba(&t, b, a);
	born_set_inferred_caba(&t, a, b);
	assert_null(a->caba);
	assert_ptr_equal(b->caba, a);
	born_fork(&t, 51, ST(51), 50, ST(50));	/* would close a loop */
	assert_null(born_find(&t, 50, ST(50))->caba);
	check_consistent(&t);
	born_free(&t);
}

/* Many processes: the hash grows, a wide release re-points every child. */
static void test_many(void **state)
{
	struct born_table t;
	pid_t i;

	born_init(&t);
	born_seed(&t, 1, ST(1));
	born_fork(&t, 1, ST(1), 2, ST(2));
	for (i = 3; i < 20000; i++)
		born_fork(&t, 2, ST(2), i, ST(i));
	assert_int_equal(t.n, 19999);
	assert_true(born_release(&t, 2, ST(2)));
	for (i = 3; i < 20000; i += 997)
		assert_int_equal(caba_of(&t, i), 1);
	check_consistent(&t);
	born_free(&t);
}

/* ---- the state file ---- */

static char *tmp_path(void)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/ct-state-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static void test_state_round_trip(void **state)
{
	struct state_meta meta = { .backend = "ebpf", .boot_id = "b-1", .pidns = 77,
				   .daemon_pid = 9, .daemon_start = 3, .updated = 5,
				   .lost = 12 };
	struct born_table t, u;
	struct state st;
	const struct state_entry *e;
	char *path = tmp_path(), err[128];

	born_init(&t);
	apply(&t, sessions, ARRAY_SIZE(sessions));
	assert_int_equal(state_save(AT_FDCWD, path, &t, &meta, 0644), 0);
	assert_int_equal(state_load(path, &st, err, sizeof(err)), 0);
	assert_int_equal(st.version, 4);
	assert_int_equal(st.n, 5);
	assert_string_equal(st.meta.backend, "ebpf");
	assert_string_equal(st.meta.boot_id, "b-1");
	assert_int_equal(st.meta.lost, 12);
	assert_int_equal(st.meta.pidns, 77);
	e = state_find(&st, 7, ST(7));
	assert_non_null(e);
	assert_int_equal(e->caba, 4);
	assert_int_equal(e->caba_start, ST(4));
	assert_false(e->inferred);
	assert_false(e->from_reaper);
	assert_false(e->defined);
	assert_true(state_find(&st, 1, ST(1))->inferred);
	assert_true(state_find(&st, 1, ST(1))->from_reaper);
	assert_null(state_find(&st, 7, ST(7) + 1));
	/* Back into a table, as cabatreed does after a restart. */
	born_init(&u);
	state_to_table(&st, &u);
	assert_int_equal(u.n, 5);
	assert_int_equal(caba_of(&u, 7), 4);
	assert_false(inferred(&u, 7));
	assert_true(inferred(&u, 1));
	assert_int_equal(u.lost, 12);
	born_release(&u, 4, ST(4));
	assert_int_equal(caba_of(&u, 7), 2);
	check_consistent(&u);
	born_free(&u);
	state_free(&st);
	born_free(&t);
	unlink(path);
}

#define HDR "cabatree-recorder-state 1\nboot_id b\nbackend ebpf\npidns 1\n" \
	"daemon 9 3\nupdated 5\nlost 0\n"

/* The same header in version 2, whose files end with a checksum line. */
#define HDR2 "cabatree-recorder-state 2\nboot_id b\nbackend ebpf\npidns 1\n" \
	"daemon 9 3\nupdated 5\nlost 0\n"
/* The CRC-32 of HDR2 "processes 0\nend\n", as gzip computes it. */
#define SUM0 "9ef4c005"
/* ... of HDR2 "processes 1\n5 10 1 1 w\nend\n". */
#define SUM1 "0c3dfd2e"

/* Version 4, and the CRC-32 of HDR4 "processes 0\nreleased 0\nend\n". */
#define HDR4 "cabatree-recorder-state 4\nboot_id b\nbackend ebpf\npidns 1\n" \
	"daemon 9 3\nupdated 5\nlost 0\ndropped 0\n"
#define SUM40 "498436b9"
#define HDR4NODROP "cabatree-recorder-state 4\nboot_id b\nbackend ebpf\npidns 1\n" \
	"daemon 9 3\nupdated 5\nlost 0\n"

/* Version 3, and the CRC-32 of HDR3 "processes 0\nend\n". */
#define HDR3 "cabatree-recorder-state 3\nboot_id b\nbackend ebpf\npidns 1\n" \
	"daemon 9 3\nupdated 5\nlost 0\n"
#define SUM30 "5f1b9f1f"
/* ... of HDR3 with a process of each kind. */
#define KINDS3 "processes 4\n1 1 0 0 d\n2 2 1 1 w\n3 3 1 1 i\n4 4 2 2 p\nend\n"
#define SUMK3 "4021eee4"

static const struct bad_case {
	const char *name, *text;
} bad_cases[] = {
	{ "empty", "" },
	{ "other file", "hello\n" },
	{ "cut in the header", "cabatree-recorder-state 1\nboot_id b\n" },
	{ "cut in the list", HDR "processes 2\n5 10 1 1 w\n" },
	{ "no end", HDR "processes 1\n5 10 1 1 w\n" },
	{ "no final newline", HDR "processes 1\n5 10 1 1 w\nend" },
	{ "bad kind", HDR "processes 1\n5 10 1 1 x\nend\n" },
	{ "junk in a line", HDR "processes 1\n5 10 1 1 w junk\nend\n" },
	{ "negative pid", HDR "processes 1\n-5 10 1 1 w\nend\n" },
	{ "listed twice", HDR "processes 2\n5 10 1 1 w\n5 10 1 1 i\nend\n" },
	{ "data after end", HDR "processes 0\nend\nmore\n" },
	{ "count too small", HDR "processes 0\n5 10 1 1 w\nend\n" },
	/* Only what the writer writes: no sign, no blank or zero too many. */
	{ "no space after a key", "cabatree-recorder-state 1\nboot_id!b\nbackend ebpf\n"
	  "pidns 1\ndaemon 9 3\nupdated 5\nlost 0\nprocesses 0\nend\n" },
	{ "pid past INT_MAX", HDR "processes 1\n4294967301 10 1 1 w\nend\n" },
	{ "caba past INT_MAX", HDR "processes 1\n5 10 4294967297 1 w\nend\n" },
	{ "negative start", HDR "processes 1\n5 -10 1 1 w\nend\n" },
	{ "start past 64 bits", HDR "processes 1\n5 18446744073709551616 1 1 w\nend\n" },
	{ "plus sign", HDR "processes 1\n+5 10 1 1 w\nend\n" },
	{ "two spaces", HDR "processes 1\n5  10 1 1 w\nend\n" },
	{ "leading zero", HDR "processes 01\n5 10 1 1 w\nend\n" },
	{ "negative lost", "cabatree-recorder-state 1\nboot_id b\nbackend ebpf\n"
	  "pidns 1\ndaemon 9 3\nupdated 5\nlost -1\nprocesses 0\nend\n" },
	{ "a count far too large", HDR "processes 2000000000\n5 10 1 1 w\nend\n" },
	/* Letters of version 3 only, and d only with no CABA. */
	{ "p in version 1", HDR "processes 1\n5 10 1 1 p\nend\n" },
	{ "d in version 1", HDR "processes 1\n1 1 0 0 d\nend\n" },
	{ "no kind", HDR "processes 1\n5 10 1 1 \nend\n" },
	{ "tab for a space", "cabatree-recorder-state 1\nboot_id\tb\nbackend ebpf\n"
	  "pidns 1\ndaemon 9 3\nupdated 5\nlost 0\nprocesses 0\nend\n" },
};

/* Malformed, and what the message says. */
static const struct said_case {
	const char *name, *text, *says;
} said_cases[] = {
	/* Versions: 1 to 3 only, written as the writer writes them. */
	{ "version 5", "cabatree-recorder-state 5\nboot_id b\n",
	  "line 1: version 5 of the state file is not supported; only versions 1 to 4 are" },
	{ "version 0", "cabatree-recorder-state 0\n",
	  "line 1: version 0 of the state file is not supported; only versions 1 to 4 are" },
	{ "version far too large", "cabatree-recorder-state 99999999999999999999\n",
	  "line 1: not a cabatree recorder state file" },
	{ "version 02", "cabatree-recorder-state 02\n", "line 1: not a cabatree recorder state file" },
	{ "no version", "cabatree-recorder-state \n", "line 1: not a cabatree recorder state file" },
	{ "version line cut", "cabatree-recorder-state 2", "line 1: not a cabatree recorder state file" },
	/* Version 2: a whole, right checksum line ends the file. */
	{ "version 2 without checksum", HDR2 "processes 0\nend\n",
	  "line 9: no checksum line at the end: the file is cut short or damaged" },
	{ "checksum line cut", HDR2 "processes 0\nend\nchecksum crc32 9ef4c0",
	  "line 10: no checksum line at the end: the file is cut short or damaged" },
	{ "checksum without newline", HDR2 "processes 0\nend\nchecksum crc32 " SUM0,
	  "line 10: no checksum line at the end: the file is cut short or damaged" },
	{ "checksum in capitals", HDR2 "processes 0\nend\nchecksum crc32 9EF4C005\n",
	  "line 10: no checksum line at the end: the file is cut short or damaged" },
	{ "checksum of 7 digits", HDR2 "processes 0\nend\nchecksum crc32 ef4c005\n",
	  "line 10: no checksum line at the end: the file is cut short or damaged" },
	{ "checksum of 9 digits", HDR2 "processes 0\nend\nchecksum crc32 09ef4c005\n",
	  "line 10: no checksum line at the end: the file is cut short or damaged" },
	{ "another checksum", HDR2 "processes 0\nend\nchecksum crc32c " SUM0 "\n",
	  "line 10: no checksum line at the end: the file is cut short or damaged" },
	{ "data after the checksum", HDR2 "processes 0\nend\nchecksum crc32 " SUM0 "\nx\n",
	  "line 11: no checksum line at the end: the file is cut short or damaged" },
	{ "checksum mismatch", HDR2 "processes 0\nend\nchecksum crc32 9ef4c006\n",
	  "line 10: checksum mismatch: the file was changed or damaged" },
	{ "a digit changed", HDR2 "processes 1\n5 16 1 1 w\nend\nchecksum crc32 " SUM1 "\n",
	  "line 11: checksum mismatch: the file was changed or damaged" },
	{ "witnessed made inferred", HDR2 "processes 1\n5 10 1 1 i\nend\nchecksum crc32 " SUM1 "\n",
	  "line 11: checksum mismatch: the file was changed or damaged" },
	{ "version 2 made 1", "cabatree-recorder-state 1\nboot_id b\nbackend ebpf\npidns 1\n"
	  "daemon 9 3\nupdated 5\nlost 0\nprocesses 0\nend\nchecksum crc32 " SUM0 "\n",
	  "line 10: checksum mismatch: the file was changed or damaged" },
	{ "checksum before end", HDR2 "processes 0\nchecksum crc32 " SUM0 "\nend\n",
	  "line 10: no checksum line at the end: the file is cut short or damaged" },
	{ "version 1 with a checksum", HDR "processes 0\nend\nchecksum crc32 07b4276a\n",
	  "line 10: data after 'end'" },
	/* Version 3: a checksum too; p and d are its letters, not version 2's. */
	{ "version 3 without checksum", HDR3 "processes 0\nend\n",
	  "line 9: no checksum line at the end: the file is cut short or damaged" },
	{ "version 3 made 2", HDR2 KINDS3 "checksum crc32 " SUMK3 "\n",
	  "line 14: checksum mismatch: the file was changed or damaged" },
	{ "defined made from a reaper", HDR3 "processes 4\n1 1 0 0 i\n2 2 1 1 w\n3 3 1 1 i\n"
	  "4 4 2 2 p\nend\nchecksum crc32 " SUMK3 "\n",
	  "line 14: checksum mismatch: the file was changed or damaged" },
	{ "d with a CABA", HDR3 "processes 1\n1 1 2 2 d\nend\nchecksum crc32 538277ed\n",
	  "line 9: malformed process line" },
	{ "p in version 2", HDR2 "processes 1\n5 10 1 1 p\nend\nchecksum crc32 1138cd96\n",
	  "line 9: malformed process line" },
	/* Version 4: the lineage, its fields encoded as the writer does, or nothing. */
	{ "v4 bad escape", HDR4 "processes 1\n1 1 0 0 d 0 0 %zz -\nreleased 0\nend\n"
	  "checksum crc32 b5d2a78f\n",
	  "line 10: malformed process line" },
	{ "v4 lower-case escape", HDR4 "processes 1\n1 1 0 0 d 0 0 a%2fb -\nreleased 0\nend\n"
	  "checksum crc32 65a7177b\n",
	  "line 10: malformed process line" },
	{ "v4 needless escape", HDR4 "processes 1\n1 1 0 0 d 0 0 %41 -\nreleased 0\nend\n"
	  "checksum crc32 7e2d3bfa\n",
	  "line 10: malformed process line" },
	{ "v4 name too long", HDR4 "processes 1\n1 1 0 0 d 0 0 abcdefghijklmnop -\nreleased 0\nend\n"
	  "checksum crc32 d7d66ecc\n",
	  "line 10: malformed process line" },
	{ "v4 creator 0 2", HDR4 "processes 1\n1 1 0 0 d 0 2 - -\nreleased 0\nend\n"
	  "checksum crc32 ec92272e\n",
	  "line 10: malformed process line" },
	{ "v4 no lineage", HDR4 "processes 1\n1 1 0 0 d\nreleased 0\nend\n"
	  "checksum crc32 6ac24e6f\n",
	  "line 10: malformed process line" },
	{ "v4 no released line", HDR4 "processes 0\nend\n"
	  "checksum crc32 de8150f0\n",
	  "line 10: expected a 'released' line" },
	{ "v4 status -2", HDR4 "processes 0\nreleased 1\n5 5 0 1 1 0 -2 sh -\nend\n"
	  "checksum crc32 606f86ec\n",
	  "line 11: malformed released ancestor line" },
	{ "v4 released cut short", HDR4 "processes 0\nreleased 2\n5 5 0 1 1 0 -1 sh -\nend\n"
	  "checksum crc32 0bda0d15\n",
	  "line 12: malformed released ancestor line" },
	{ "v4 released pid 0", HDR4 "processes 0\nreleased 1\n0 5 0 1 1 0 -1 sh -\nend\n"
	  "checksum crc32 11ae1b95\n",
	  "line 11: malformed released ancestor line" },
	{ "v4 released junk", HDR4 "processes 0\nreleased 1\n5 5 0 1 1 0 -1 sh - x\nend\n"
	  "checksum crc32 a4126195\n",
	  "line 11: malformed released ancestor line" },
	{ "v4 released creator 0 5", HDR4 "processes 0\nreleased 1\n5 5 0 0 5 0 -1 sh -\nend\n"
	  "checksum crc32 c2ee1a8b\n",
	  "line 11: malformed released ancestor line" },
	{ "v4 released bad escape", HDR4 "processes 0\nreleased 1\n5 5 0 1 1 0 -1 s%G0 -\nend\n"
	  "checksum crc32 4ca9bc56\n",
	  "line 11: malformed released ancestor line" },
	{ "v4 released no end", HDR4 "processes 0\nreleased 0\n"
	  "checksum crc32 3090b932\n",
	  "line 11: expected 'end' after 0 released ancestors" },
	{ "v4 without dropped", HDR4NODROP "processes 0\nreleased 0\nend\n"
	  "checksum crc32 c8fc871e\n",
	  "line 8: expected a 'dropped' line" },
};

/* A NUL byte hides the rest of its line from C string functions. */
static void test_state_nul(void **state)
{
	static const char text[] = HDR "processes 0\nend\0junk\n";
	char buf[sizeof(text) - 1], err[128];
	struct state st;

	memcpy(buf, text, sizeof(buf));
	assert_int_equal(state_parse(buf, sizeof(buf), &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "line 9: NUL byte");
	assert_int_equal(st.n, 0);
	/* Without the NUL, the same text is fine. */
	memcpy(buf, HDR "processes 0\nend\n", sizeof(HDR "processes 0\nend\n") - 1);
	assert_int_equal(state_parse(buf, sizeof(HDR "processes 0\nend\n") - 1, &st,
				     err, sizeof(err)), 0);
	assert_string_equal(st.meta.boot_id, "b");
	assert_int_equal(st.meta.daemon_pid, 9);
	assert_int_equal(st.meta.updated, 5);
	state_free(&st);
}

static void test_state_bad(void **state)
{
	const struct bad_case *c = *state;
	char *path = tmp_path(), err[128];
	struct state st;

	write_file(path, c->text);
	assert_int_equal(state_load(path, &st, err, sizeof(err)), -EBADMSG);
	assert_true(strlen(err) > 0);
	assert_int_equal(st.n, 0);
	unlink(path);
}

static void test_state_said(void **state)
{
	const struct said_case *c = *state;
	char *path = tmp_path(), err[128];
	struct state st;

	write_file(path, c->text);
	assert_int_equal(state_load(path, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, c->says);
	assert_int_equal(st.n, 0);
	/* Nothing of it is salvaged either. */
	assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, c->says);
	assert_int_equal(st.n, 0);
	state_free(&st);
	unlink(path);
}

/* A damaged file: what comes before the damage is kept, and said. */
static const struct salvage_case {
	const char *name, *text;
	bool header_ok;
	size_t announced, kept, orphans;
} salvage_cases[] = {
	{ "header cut", "cabatree-recorder-state 1\nboot_id b\n", false, 0, 0, 0 },
	{ "other file", "hello\n", false, 0, 0, 0 },
	/* 7's CABA 4 is cut off, so 7 goes too; 2 and 1 stay. */
	{ "cut in the list", HDR "processes 5\n1 1 0 0 i\n2 2 1 1 w\n7 7 4 4 w\n4 4 2",
	  true, 5, 2, 1 },
	{ "malformed line", HDR "processes 3\n1 1 0 0 i\n2 2 1 1 x\n3 3 1 1 w\nend\n",
	  true, 3, 1, 0 },
	{ "no end", HDR "processes 2\n1 1 0 0 i\n2 2 1 1 w\n", true, 2, 2, 0 },
	{ "listed twice", HDR "processes 3\n1 1 0 0 i\n5 5 1 1 w\n5 5 1 1 i\nend\n",
	  true, 3, 1, 0 },
	/* A loop is nobody's chain. */
	{ "a loop", HDR "processes 3\n1 1 0 0 i\n5 5 6 6 w\n6 6 5 5 w\n",
	  true, 3, 1, 2 },
	{ "absurd count", HDR "processes 2000000000\n1 1 0 0 i\n", true, 2000000000, 1, 0 },
};

static void test_state_salvage(void **state)
{
	const struct salvage_case *c = *state;
	char *path = tmp_path(), err[128];
	struct state st;

	write_file(path, c->text);
	assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), -EBADMSG);
	assert_true(strlen(err) > 0);
	assert_int_equal(st.header_ok, c->header_ok);
	assert_int_equal(st.announced, c->announced);
	assert_int_equal(state_prune_orphans(&st), c->orphans);
	assert_int_equal(st.n, c->kept);
	/* Every entry kept has its whole CABA chain kept. */
	for (size_t i = 0; i < st.n; i++) {
		const struct state_entry *e = &st.v[i];

		assert_true(!e->caba || state_find(&st, e->caba, e->caba_start));
	}
	state_free(&st);
	unlink(path);
}

static void test_state_salvage_whole(void **state)
{
	char *path = tmp_path(), err[128];
	struct state st;

	write_file(path, HDR "processes 2\n1 1 0 0 i\n2 2 1 1 w\nend\n");
	assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), 0);
	assert_int_equal(st.n, 2);
	assert_int_equal(state_prune_orphans(&st), 0);
	assert_int_equal(st.owner, getuid());
	state_free(&st);
	/* What no writer makes, a reader refuses: a directory, say. */
	assert_int_equal(state_load("/", &st, err, sizeof(err)), -EBADMSG);
	unlink(path);
}

/* gzip's CRC-32: its check value, and values gzip computed. */
static void test_state_crc32(void **state)
{
	static const char empty[] = HDR2 "processes 0\nend\n";

	assert_int_equal(state_crc32("", 0), 0);
	assert_int_equal(state_crc32("123456789", 9), 0xcbf43926);
	assert_int_equal(state_crc32(empty, sizeof(empty) - 1), 0x9ef4c005);
	/* Eight bytes at a time or one, from any address: as defined, bit by bit. */
	for (size_t from = 0; from < 8; from++) {
		for (size_t n = 0; from + n < sizeof(empty); n++) {
			uint32_t c = 0xffffffffU;

			for (size_t i = from; i < from + n; i++) {
				c ^= (unsigned char)empty[i];
				for (int k = 0; k < 8; k++)
					c = c & 1 ? (c >> 1) ^ 0xedb88320U : c >> 1;
			}
			assert_int_equal(state_crc32(empty + from, n), ~c);
		}
	}
	/* Every change of one byte changes it, wherever it is. */
	for (unsigned int i = 0; i < sizeof(empty) - 1; i++) {
		char buf[sizeof(empty)];

		memcpy(buf, empty, sizeof(buf));
		buf[i] ^= 0x80;
		assert_int_not_equal(state_crc32(buf, sizeof(empty) - 1), 0x9ef4c005);
	}
}

/* A small table as cabatreed would have it, formatted. */
static void small_state(struct strbuf *sb, struct born_table *t)
{
	struct state_meta meta = { .backend = "ebpf", .boot_id = "b", .pidns = 1,
				   .daemon_pid = 9, .daemon_start = 3, .updated = 5 };

	born_init(t);
	born_set_defined(t, born_seed(t, 1, 3));
	born_fork(t, 1, 3, 40, 700);
	born_fork(t, 40, 700, 41, 800);
	born_seed(t, 7, 90);
	born_set_inferred(t, born_find(t, 7, 90), born_find(t, 1, 3), true);
	born_set_inferred(t, born_seed(t, 8, 95), born_find(t, 7, 90), false);
	state_format(sb, t, &meta);
}

/* state_format() -> state_parse(): version 4, its checksum, the same table. */
static void test_state_v4_round_trip(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct born_table t;
	struct state st;
	char err[128], want[32];
	const char *last;

	small_state(&sb, &t);
	assert_memory_equal(sb.s, "cabatree-recorder-state 4\n", 26);
	/* The last line: the CRC-32 of everything before it. */
	last = sb.s + sb.len - 1;
	while (last[-1] != '\n')
		last--;
	snprintf(want, sizeof(want), "checksum crc32 %08x\n",
		 (unsigned int)state_crc32(sb.s, (size_t)(last - sb.s)));
	assert_string_equal(last, want);
	assert_non_null(strstr(sb.s, "\nlost 0\ndropped 0\nprocesses 5\n"));
	assert_non_null(strstr(sb.s, "\n1 3 0 0 d 0 0 - -\n"));
	assert_non_null(strstr(sb.s, "\n7 90 1 3 i 0 0 - -\n"));
	assert_non_null(strstr(sb.s, "\n8 95 7 90 p 0 0 - -\n"));
	assert_non_null(strstr(sb.s, "\n40 700 1 3 w 1 3 - -\n"));
	assert_non_null(strstr(sb.s, "\n41 800 40 700 w 40 700 - -\n"));
	assert_non_null(strstr(sb.s, "\nreleased 0\nend\n"));
	assert_int_equal(state_parse(sb.s, sb.len, &st, err, sizeof(err)), 0);
	assert_int_equal(st.version, 4);
	assert_int_equal(st.n, 5);
	assert_int_equal(state_find(&st, 41, 800)->caba, 40);
	assert_int_equal(state_find(&st, 41, 800)->caba_start, 700);
	assert_false(state_find(&st, 41, 800)->inferred);
	assert_false(state_find(&st, 41, 800)->from_reaper);
	assert_false(state_find(&st, 41, 800)->defined);
	assert_true(state_find(&st, 7, 90)->inferred);
	assert_true(state_find(&st, 7, 90)->from_reaper);
	assert_int_equal(state_find(&st, 7, 90)->caba, 1);
	assert_true(state_find(&st, 8, 95)->inferred);
	assert_false(state_find(&st, 8, 95)->from_reaper);
	assert_false(state_find(&st, 1, 3)->inferred);
	assert_false(state_find(&st, 1, 3)->from_reaper);
	assert_true(state_find(&st, 1, 3)->defined);
	assert_int_equal(st.meta.daemon_start, 3);
	state_free(&st);
	sb_free(&sb);
	born_free(&t);
}

/*
 * Every change of any one byte of a version 2 file is seen: as a malformed
 * line (where the checksum is not reached: the version line, the checksum
 * line itself) or as a checksum mismatch (everywhere else). Nothing of
 * such a file is kept, even by state_salvage.
 */
static void test_state_flips(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct born_table t;
	struct state st;
	char *buf, *path = tmp_path(), err[128];
	size_t i, first, sum, mismatches = 0, others = 0;
	unsigned int v;

	small_state(&sb, &t);
	first = strlen("cabatree-recorder-state 3\n");
	for (sum = sb.len - 1; sb.s[sum - 1] != '\n'; sum--)
		;
	buf = xmalloc(sb.len);
	for (i = 0; i < sb.len; i++) {
		for (v = 0; v < 256; v++) {
			if (v == (unsigned char)sb.s[i])
				continue;
			memcpy(buf, sb.s, sb.len);
			buf[i] = (char)v;
			err[0] = '\0';
			assert_int_equal(state_parse(buf, sb.len, &st, err, sizeof(err)), -EBADMSG);
			assert_int_equal(st.n, 0);
			assert_memory_equal(err, "line ", 5);
			/* Before the newline that ends 'end', the checksum tells. */
			if (i >= first && i < sum - 1) {
				assert_non_null(strstr(err, ": checksum mismatch: "));
				mismatches++;
			} else {
				others++;
			}
		}
		/* A file of it: nothing salvaged, not even the header. */
		for (v = 1; v < 256; v <<= 3) {
			FILE *f = fopen(path, "w");

			assert_non_null(f);
			fwrite(sb.s, 1, i, f);
			fputc(sb.s[i] ^ (int)v, f);
			fwrite(sb.s + i + 1, 1, sb.len - i - 1, f);
			fclose(f);
			assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), -EBADMSG);
			assert_int_equal(st.n, 0);
			state_free(&st);
		}
	}
	assert_int_equal(mismatches + others, sb.len * 255);
	assert_true(mismatches > others);
	free(buf);
	unlink(path);
	sb_free(&sb);
	born_free(&t);
}

/* Cut short anywhere, a version 2 file is refused, and nothing is kept. */
static void test_state_cut(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct born_table t;
	struct state st;
	char *buf, err[128];
	size_t n;

	small_state(&sb, &t);
	buf = xmalloc(sb.len);
	for (n = 0; n < sb.len; n++) {
		memcpy(buf, sb.s, n);
		assert_int_equal(state_parse(buf, n, &st, err, sizeof(err)), -EBADMSG);
		assert_int_equal(st.n, 0);
	}
	/* Within the checksum line: said as such, on its line. */
	memcpy(buf, sb.s, sb.len);
	assert_int_equal(state_parse(buf, sb.len - 4, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "line 17: no checksum line at the end: the file is cut short or damaged");
	free(buf);
	sb_free(&sb);
	born_free(&t);
}

/* An empty table has a checksum too: what gzip computes for its text. */
static void test_state_empty(void **state)
{
	static const char text[] = HDR4 "processes 0\nreleased 0\nend\nchecksum crc32 " SUM40 "\n";
	struct state_meta meta = { .backend = "ebpf", .boot_id = "b", .pidns = 1,
				   .daemon_pid = 9, .daemon_start = 3, .updated = 5 };
	struct strbuf sb = STRBUF_INIT;
	struct born_table t;
	struct state st;
	char err[128];

	born_init(&t);
	state_format(&sb, &t, &meta);
	assert_string_equal(sb.s, text);
	assert_int_equal(state_parse(sb.s, sb.len, &st, err, sizeof(err)), 0);
	assert_int_equal(st.n, 0);
	assert_int_equal(st.version, 4);
	state_free(&st);
	sb_free(&sb);
	born_free(&t);
}

/*
 * What the previous release wrote, version 1 without a checksum, is read
 * as it always was: an upgrade keeps what was recorded.
 */
static void test_state_v1(void **state)
{
	static const char v1[] = HDR "processes 2\n2 2 1 1 w\n1 1 0 0 i\nend\n";
	static const char v2[] = HDR2 "processes 2\n1 1 0 0 i\n2 2 1 1 w\nend\n"
		"checksum crc32 356570c4\n";
	char buf[sizeof(v1)], buf2[sizeof(v2)], *path = tmp_path(), err[128];
	struct state st, st2;

	memcpy(buf, v1, sizeof(v1));
	assert_int_equal(state_parse(buf, sizeof(v1) - 1, &st, err, sizeof(err)), 0);
	assert_int_equal(st.version, 1);
	memcpy(buf2, v2, sizeof(v2));
	assert_int_equal(state_parse(buf2, sizeof(v2) - 1, &st2, err, sizeof(err)), 0);
	assert_int_equal(st2.version, 2);
	assert_int_equal(st.n, 2);
	assert_int_equal(st2.n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(st.v[i].pid, st2.v[i].pid);
		assert_int_equal(st.v[i].start, st2.v[i].start);
		assert_int_equal(st.v[i].caba, st2.v[i].caba);
		assert_int_equal(st.v[i].caba_start, st2.v[i].caba_start);
		assert_int_equal(st.v[i].inferred, st2.v[i].inferred);
		assert_int_equal(st.v[i].from_reaper, st2.v[i].from_reaper);
		assert_int_equal(st.v[i].defined, st2.v[i].defined);
	}
	/* Inferred then, not known from what: from a reaper; nothing defined. */
	assert_true(st.v[0].inferred && st.v[0].from_reaper && !st.v[0].defined);
	assert_true(!st.v[1].inferred && !st.v[1].from_reaper && !st.v[1].defined);
	assert_memory_equal(&st.meta, &st2.meta, sizeof(st.meta));
	state_free(&st);
	state_free(&st2);
	/* From a file, and salvaged as a whole one. */
	write_file(path, v1);
	assert_int_equal(state_load(path, &st, err, sizeof(err)), 0);
	assert_int_equal(st.version, 1);
	state_free(&st);
	assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), 0);
	assert_int_equal(st.n, 2);
	assert_false(st.unverified);
	state_free(&st);
	unlink(path);
}

/* text in version 2: its version line made 2, its checksum line added. */
static char *as_v2(const char *text)
{
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, "cabatree-recorder-state 2");
	sb_adds(&sb, strchr(text, '\n'));
	sb_addf(&sb, "checksum crc32 %08x\n", (unsigned int)state_crc32(sb.s, sb.len));
	return sb.s;
}

/*
 * Version 2 damaged: a right checksum over a bad body (only a writer's
 * slip makes one) is salvaged as version 1 is; a wrong or missing one
 * leaves nothing kept, but the lines it had are counted.
 */
static void test_state_salvage_v2(void **state)
{
	char *path = tmp_path(), err[128], *text, *p;
	struct state st;

	text = as_v2(HDR "processes 3\n1 1 0 0 i\n2 2 1 1 w\n3 3 1 1 x\nend\n");
	write_file(path, text);
	assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "line 11: malformed process line");
	assert_false(st.unverified);
	assert_true(st.header_ok);
	assert_int_equal(st.n, 2);
	state_free(&st);
	free(text);

	/* A flipped digit of a pid: 2's CABA 1 made 7. */
	text = as_v2(HDR "processes 3\n1 1 0 0 i\n2 2 1 1 w\n3 3 2 2 w\nend\n");
	p = strstr(text, "\n2 2 1 1 w\n");
	p[5] = '7';
	write_file(path, text);
	assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "line 13: checksum mismatch: the file was changed or damaged");
	assert_true(st.unverified);
	assert_true(st.header_ok);
	assert_int_equal(st.announced, 3);
	assert_int_equal(st.untrusted, 3);
	assert_int_equal(st.n, 0);
	assert_null(st.v);
	assert_string_equal(st.meta.boot_id, "");
	state_free(&st);
	assert_int_equal(state_load(path, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "line 13: checksum mismatch: the file was changed or damaged");

	/* Cut short: what is left cannot be checked, so it is not kept. */
	write_file(path, "");
	text[strlen(text) - 30] = '\0';
	write_file(path, text);
	assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "line 11: no checksum line at the end: the file is cut short or damaged");
	assert_true(st.unverified);
	assert_int_equal(st.untrusted, 2);
	assert_int_equal(st.n, 0);
	state_free(&st);
	free(text);
	unlink(path);
}

/*
 * Version 3 says how each CABA is known, and a table rebuilt from it (a
 * restart) keeps it: the next file says the same. Versions 1 and 2 knew
 * no better than inferred: from a reaper, never defined.
 */
static void test_state_kinds(void **state)
{
	static const char text[] = HDR3 KINDS3 "checksum crc32 " SUMK3 "\n";
	struct strbuf sb = STRBUF_INIT;
	struct born_table t;
	struct state st, st2;
	const struct born_proc *p;
	char buf[sizeof(text)], err[128];
	size_t i;

	memcpy(buf, text, sizeof(text));
	assert_int_equal(state_parse(buf, sizeof(text) - 1, &st, err, sizeof(err)), 0);
	assert_int_equal(st.version, 3);
	assert_int_equal(st.n, 4);
	assert_true(st.v[0].defined && !st.v[0].inferred && !st.v[0].from_reaper);
	assert_true(!st.v[1].defined && !st.v[1].inferred && !st.v[1].from_reaper);
	assert_true(!st.v[2].defined && st.v[2].inferred && st.v[2].from_reaper);
	assert_true(!st.v[3].defined && st.v[3].inferred && !st.v[3].from_reaper);
	born_init(&t);
	state_to_table(&st, &t);
	p = born_find(&t, 1, 1);
	assert_true(p->defined && !p->inferred && !p->from_reaper && !p->caba);
	p = born_find(&t, 4, 4);
	assert_true(p->inferred && !p->from_reaper && p->caba->pid == 2);
	assert_true(born_find(&t, 3, 3)->from_reaper);
	assert_false(born_find(&t, 2, 2)->inferred);
	check_consistent(&t);
	state_format(&sb, &t, &st.meta);
	assert_int_equal(state_parse(sb.s, sb.len, &st2, err, sizeof(err)), 0);
	assert_int_equal(st2.n, st.n);
	for (i = 0; i < st.n; i++) {
		const struct state_entry *a = &st.v[i], *b = &st2.v[i];

		assert_true(a->pid == b->pid && a->start == b->start && a->caba == b->caba &&
			    a->caba_start == b->caba_start && a->inferred == b->inferred &&
			    a->from_reaper == b->from_reaper && a->defined == b->defined);
	}
	/* A witnessed fork wins over what was known. */
	born_fork(&t, 99, 99, 1, 1);
	born_fork(&t, 2, 2, 4, 4);
	assert_false(born_find(&t, 1, 1)->defined);
	assert_false(born_find(&t, 4, 4)->inferred);
	state_free(&st2);
	state_free(&st);
	sb_free(&sb);
	born_free(&t);
}

static void test_state_missing(void **state)
{
	struct state st;
	char err[64];

	assert_int_equal(state_load("/nonexistent/ct-state", &st, err, sizeof(err)),
			 -ENOENT);
}

/*
 * A symbolic link where the temporary file goes (planted by someone who
 * could write the directory): the state is written next to it, never
 * through it; its target keeps its bytes and its mode.
 */
static void test_state_save_no_follow(void **state)
{
	struct state_meta meta = { .backend = "ebpf", .boot_id = "b-1" };
	struct born_table t;
	struct stat sb;
	char *path = tmp_path(), target[64], tmp[128], buf[16] = "";
	int fd;

	strcpy(target, "/tmp/ct-target-XXXXXX");
	fd = mkstemp(target);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "secret\n", 7), 7);
	assert_int_equal(fchmod(fd, 0600), 0);
	close(fd);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	assert_int_equal(symlink(target, tmp), 0);
	born_init(&t);
	assert_int_equal(state_save(AT_FDCWD, path, &t, &meta, 0644), 0);
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, 7);
	fd = open(target, O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 7);
	close(fd);
	assert_string_equal(buf, "secret\n");
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0644);
	assert_int_equal(lstat(tmp, &sb), -1);
	born_free(&t);
	unlink(path);
	unlink(target);
}

/* A reader follows no symbolic link in the file's place, and waits on no FIFO. */
static void test_state_load_no_follow(void **state)
{
	struct state st;
	char *path = tmp_path(), link[80], err[128];

	write_file(path, HDR "processes 0\nend\n");
	snprintf(link, sizeof(link), "%s.link", path);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(state_load(link, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "a symbolic link, which is not followed");
	unlink(link);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(state_load(path, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "not a regular file");
	unlink(path);
}

/* Is path root's and writable by root alone (else a case cannot be made)? */
static bool roots(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && sb.st_uid == 0 &&
	       !(sb.st_mode & (S_IWGRP | S_IWOTH));
}

static void test_state_dir(void **state)
{
	struct state_dir sd;
	struct stat sb;
	char err[1024], *cwd, *p;

	if (!roots("/") || !roots("/etc") || stat("/etc", &sb) < 0) {
		unit_skip("/ and /etc are not root's alone here");
		return;
	}
	/* The way is walked name by name: "." and ".." as the kernel would. */
	assert_int_equal(state_dir_open(&sd, "//etc/../etc/./state", false, err, sizeof(err)), 0);
	assert_string_equal(sd.path, "/etc");
	assert_string_equal(sd.base, "state");
	assert_true(sd.dev == (unsigned long long)sb.st_dev);
	assert_true(sd.ino == (unsigned long long)sb.st_ino);
	p = state_dir_join(&sd, "state.lock");
	assert_string_equal(p, "/etc/state.lock");
	free(p);
	state_dir_close(&sd);
	/* A relative path: after the working directory, the same identity. */
	cwd = getcwd(NULL, 0);
	assert_int_equal(chdir("/etc"), 0);
	assert_int_equal(state_dir_open(&sd, "state", false, err, sizeof(err)), 0);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	assert_string_equal(sd.path, "/etc");
	assert_true(sd.ino == (unsigned long long)sb.st_ino);
	state_dir_close(&sd);
	assert_int_equal(state_dir_open(&sd, "/state", false, err, sizeof(err)), 0);
	assert_string_equal(sd.path, "/");
	p = state_dir_join(&sd, "state");
	assert_string_equal(p, "/state");
	free(p);
	state_dir_close(&sd);
	/* No file named. */
	assert_int_equal(state_dir_open(&sd, "/etc/", false, err, sizeof(err)), -EINVAL);
	assert_int_equal(state_dir_open(&sd, "/etc/..", false, err, sizeof(err)), -EINVAL);
	assert_int_equal(sd.fd, -1);
	/* Not a directory on the way. */
	if (lstat("/etc/passwd", &sb) == 0 && S_ISREG(sb.st_mode)) {
		assert_int_equal(state_dir_open(&sd, "/etc/passwd/state", false, err, sizeof(err)),
				 -EPERM);
		assert_string_equal(err, "refusing to run: /etc/passwd, on the way to the state "
				    "file, is not a directory but a regular file");
	}
	/* Missing, and not to be made. */
	assert_int_equal(state_dir_open(&sd, "/etc/ct-no-such-dir/state", false, err,
					sizeof(err)), -ENOENT);
	/* A symbolic link on the way (/bin on a merged /usr), root's or not. */
	if (lstat("/bin", &sb) == 0 && S_ISLNK(sb.st_mode)) {
		assert_int_equal(state_dir_open(&sd, "/bin/state", false, err, sizeof(err)), -EPERM);
		assert_non_null(strstr(err, "refusing to run: /bin is a symbolic link (to "));
	}
	/* /tmp: writable by all, sticky bit or not. */
	if (lstat("/tmp", &sb) == 0 && sb.st_uid == 0 && (sb.st_mode & 07777) == 01777) {
		assert_int_equal(state_dir_open(&sd, "/tmp/ct/state", true, err, sizeof(err)), -EPERM);
		assert_non_null(strstr(err, "refusing to run: the directory /tmp is writable by "
				       "other users than root (mode 1777)"));
		assert_int_equal(lstat("/tmp/ct", &sb), -1);
	}
}

/* ---- the table held against a /proc of files made here ---- */

#define PROC_MOUNTS "22 1 0:5 / /proc rw - proc proc rw%s\n"

struct fake_proc {
	char dir[64];
	int fd;
};

static void fake_init(struct fake_proc *f)
{
	char path[128];

	strcpy(f->dir, "/tmp/ct-proc-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->fd >= 0);
	/* Namespaces A and B: every process's ns/mnt is a hard link to one. */
	snprintf(path, sizeof(path), "%s/nsA", f->dir);
	write_file(path, "");
	snprintf(path, sizeof(path), "%s/nsB", f->dir);
	write_file(path, "");
}

/* Process pid, its parent, its start time, in namespace 'A' or 'B'. */
static void fake_add(struct fake_proc *f, pid_t pid, pid_t ppid,
		     unsigned long long start, char ns, const char *mounts)
{
	char path[160], text[256], target[128];

	snprintf(path, sizeof(path), "%s/%d", f->dir, (int)pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%d/stat", f->dir, (int)pid);
	snprintf(text, sizeof(text),
		 "%d (x y) S %d 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 %llu 0 0\n",
		 (int)pid, (int)ppid, start);
	write_file(path, text);
	snprintf(path, sizeof(path), "%s/%d/ns", f->dir, (int)pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(target, sizeof(target), "%s/ns%c", f->dir, ns);
	snprintf(path, sizeof(path), "%s/%d/ns/mnt", f->dir, (int)pid);
	assert_int_equal(link(target, path), 0);
	snprintf(path, sizeof(path), "%s/%d/mountinfo", f->dir, (int)pid);
	snprintf(text, sizeof(text), PROC_MOUNTS, mounts);
	write_file(path, text);
}

/* pid's status, with its NSpid: line (ids, tab-separated). */
static void fake_nspid(struct fake_proc *f, pid_t pid, const char *ids)
{
	char path[160], text[256];

	snprintf(path, sizeof(path), "%s/%d/status", f->dir, (int)pid);
	snprintf(text, sizeof(text), "Name:\tx\nPid:\t%d\nNSpid:\t%s\nNSpgid:\t1\n",
		 (int)pid, ids);
	write_file(path, text);
}

/* pid's children (as its main thread's children file lists them). */
static void fake_children(struct fake_proc *f, pid_t pid, const char *kids)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%d/task", f->dir, (int)pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%d/task/%d", f->dir, (int)pid, (int)pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%d/task/%d/children", f->dir, (int)pid, (int)pid);
	write_file(path, kids);
}

static void fake_del(struct fake_proc *f, pid_t pid)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -r %s/%d", f->dir, (int)pid);
	assert_int_equal(system(cmd), 0);
}

static void fake_free(struct fake_proc *f)
{
	char cmd[128];

	close(f->fd);
	snprintf(cmd, sizeof(cmd), "rm -r %s", f->dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * Exited processes are looked for in /proc, and only they: the one that is
 * gone and the one whose pid another process holds now are released (a
 * release event that never came), a zombie is kept and looked at again
 * later, and a process that did not exit is never looked at.
 */
static void test_reap(void **state)
{
	static const struct ev ev[] = {
		{ 'S', 0, 1 }, { 'F', 1, 10 }, { 'F', 10, 11 }, { 'F', 1, 12 },
		{ 'F', 12, 14 }, { 'F', 1, 13 }, { 'F', 1, 15 },
		{ 'X', 0, 10 }, { 'X', 0, 12 }, { 'X', 0, 13 },
	};
	struct rec_sync_stats st;
	struct fake_proc f;
	struct born_table t;

	fake_init(&f);
	fake_add(&f, 1, 0, ST(1), 'A', "");
	fake_add(&f, 12, 1, ST(12), 'A', "");		/* a zombie */
	fake_add(&f, 13, 1, ST(13) + 500, 'A', "");	/* pid 13 reused */
	fake_add(&f, 14, 12, ST(14), 'A', "");
	/* 15 is not in /proc, but it did not exit: it is not looked at. */
	born_init(&t);
	apply(&t, ev, ARRAY_SIZE(ev));

	rec_reap(&t, f.fd, 1000, 0, &st);
	assert_int_equal(st.released, 2);
	assert_int_equal(caba_of(&t, 10), -1);
	assert_int_equal(caba_of(&t, 11), 1);		/* 10's CABA took 11 */
	assert_int_equal(caba_of(&t, 13), -1);
	assert_int_equal(caba_of(&t, 12), 1);
	assert_int_equal(caba_of(&t, 15), 1);
	check_consistent(&t);

	/* The zombie is reaped: seen at the next look, not before. */
	fake_del(&f, 12);
	rec_reap(&t, f.fd, 1000 + REC_REAP_MIN_MS - 1, 0, &st);
	assert_int_equal(st.released, 0);
	rec_reap(&t, f.fd, 1000 + REC_REAP_MIN_MS, 0, &st);
	assert_int_equal(st.released, 1);
	assert_int_equal(caba_of(&t, 14), 1);

	/* With release events to come, a look only once they are overdue. */
	born_exit(&t, 15, ST(15));
	rec_reap(&t, f.fd, 2000, 1000, &st);
	assert_int_equal(st.released, 0);
	rec_reap(&t, f.fd, 2999, 1000, &st);
	assert_int_equal(st.released, 0);
	rec_reap(&t, f.fd, 3000, 1000, &st);
	assert_int_equal(st.released, 1);
	assert_null(t.exited);
	check_consistent(&t);
	born_free(&t);
	fake_free(&f);
}

/* A zombie's waits double up to REC_REAP_MAX_MS: looks, not a busy loop. */
static void test_reap_backoff(void **state)
{
	struct rec_sync_stats st;
	struct fake_proc f;
	struct born_table t;
	long long now = 0;
	int looks = 0;

	fake_init(&f);
	fake_add(&f, 5, 1, ST(5), 'A', "");
	born_init(&t);
	born_seed(&t, 5, ST(5));
	born_exit(&t, 5, ST(5));
	for (now = 0; now <= 60000; now++) {
		long long due = t.exited->check_at;

		rec_reap(&t, f.fd, now, 0, &st);
		looks += due && due <= now;
	}
	assert_int_equal(st.released, 0);
	/* 10, 20, ... 640 ms, then once a second: about 60 looks in a minute. */
	assert_true(looks >= 55 && looks <= 70);
	assert_int_equal(t.exited->check_wait, REC_REAP_MAX_MS);
	born_free(&t);
	fake_free(&f);
}

static void sweep_to_end(struct rec_watch *w, struct born_table *t, size_t max,
			 struct rec_sync_stats *total)
{
	unsigned long long passes = w->passes;
	struct rec_sync_stats st;
	int i;

	memset(total, 0, sizeof(*total));
	for (i = 0; i < 100 && w->passes == passes; i++) {
		assert_int_equal(rec_sweep(w, t, max, &st), 0);
		total->released += st.released;
		total->added += st.added;
	}
	assert_true(w->passes == passes + 1);
}

/*
 * A pass over /proc, a slice at a time: at its end, a process it did not
 * see is released if /proc does not show it (unless it started after the
 * pass began: its fork may still be queued), and one the table lacks is
 * added as inferred, its parent as CABA. Each mount namespace is found
 * and its procfs's hidepid= read; one no process uses any more is
 * dropped at the end of a pass.
 */
static void test_sweep(void **state)
{
	unsigned long long young = rec_now_ticks() + 1000;
	struct rec_sync_stats st;
	struct rec_watch w;
	struct fake_proc f;
	struct born_table t;
	const struct born_proc *p;
	int i;

	fake_init(&f);
	fake_add(&f, 1, 0, ST(1), 'A', ",hidepid=0");	/* 0 hides nothing */
	fake_add(&f, 20, 1, ST(20), 'A', "");
	fake_add(&f, 21, 1, ST(21), 'B', ",hidepid=invisible");
	fake_add(&f, 22, 20, ST(22), 'A', "");		/* its fork was missed */
	fake_add(&f, 23, 20, young, 'A', "");		/* its fork may be queued */
	born_init(&t);
	born_seed(&t, 1, ST(1));
	born_fork(&t, 1, ST(1), 20, ST(20));
	born_fork(&t, 1, ST(1), 21, ST(21));
	born_fork(&t, 20, ST(20), 30, ST(30));		/* its release was missed */
	born_fork(&t, 30, ST(30), 32, ST(32));
	born_fork(&t, 1, ST(1), 31, young);		/* too young to judge */
	assert_int_equal(rec_watch_init(&w, f.fd), 0);

	/* Half a pass proves nothing yet. */
	assert_int_equal(rec_sweep(&w, &t, 2, &st), 0);
	assert_int_equal(st.released, 0);
	assert_int_equal(w.passes, 0);
	assert_non_null(born_find(&t, 30, ST(30)));
	sweep_to_end(&w, &t, 2, &st);
	assert_int_equal(st.released, 2);		/* 30, and 32 is not in /proc */
	assert_null(born_find(&t, 30, ST(30)));
	assert_non_null(born_find(&t, 31, young));
	assert_int_equal(st.added, 1);
	p = born_find(&t, 22, ST(22));
	assert_non_null(p);
	assert_true(p->inferred);
	assert_int_equal(p->caba->pid, 20);
	assert_null(born_find_pid(&t, 23));
	check_consistent(&t);
	assert_int_equal(w.nns, 2);
	assert_true(w.changed);
	assert_true(rec_watch_hides(&w));

	/* The process of namespace B is gone: B is dropped, nothing hides. */
	w.changed = false;
	fake_del(&f, 21);
	for (i = 0; i < 2; i++) {
		sweep_to_end(&w, &t, 0, &st);
		assert_int_equal(st.released, i == 0);	/* 21 */
		assert_int_equal(st.added, 0);
	}
	assert_int_equal(w.nns, 1);
	assert_true(w.changed);
	assert_false(rec_watch_hides(&w));

	/* A namespace told of (a fork, an exec) is known at once. */
	fake_add(&f, 40, 1, ST(40), 'B', ",hidepid=2");
	rec_watch_note(&w, 40, 0);
	assert_int_equal(w.nns, 2);
	assert_true(rec_watch_hides(&w));
	rec_watch_note(&w, 41, 0);			/* gone already: nothing */
	assert_int_equal(w.nns, 2);
	rec_watch_note(&w, 41, 12345);			/* its namespace told: nothing */
	assert_int_equal(w.nns, 2);
	assert_true(rec_watch_hides(&w));
	rec_watch_free(&w);
	born_free(&t);
	fake_free(&f);
}

/* A backend that tells the child subreapers: 40, and 50 as another holder of its pid. */
static int fake_subreapers(struct rec_backend *b, struct rec_task **v, size_t *n)
{
	(void)b;
	*v = xcalloc(2, sizeof(**v));
	(*v)[0] = (struct rec_task){ 40, ST(40) };
	(*v)[1] = (struct rec_task){ 50, ST(50) + 7 };
	*n = 2;
	return 0;
}

/* The kind of pid in t: w, d, i (from a reaper), p (not), or '-' if absent. */
static char kind_of(const struct born_table *t, pid_t pid, unsigned long long start)
{
	const struct born_proc *p = born_find(t, pid, start);

	if (!p)
		return '-';
	return p->defined ? 'd' : !p->inferred ? 'w' : p->from_reaper ? 'i' : 'p';
}

/*
 * Processes found running are seeded with their parent as CABA, marked
 * from a reaper only where that parent may have adopted them: pid 1, a
 * namespace's init, a subreaper the backend tells of, one with a child
 * older than itself, one not known. pid 1 and kthreadd are defined. The
 * same rules hold for a process a later pass finds (its fork missed),
 * where the parent's children files tell whether it adopted one.
 */
static void test_seed_rules(void **state)
{
	struct rec_backend fb = { .subreapers = fake_subreapers };
	struct rec_sync_stats st;
	struct rec_watch w;
	struct fake_proc f;
	struct born_table t;
	static const struct {
		pid_t pid, ppid;
		int age;	/* start: ST(pid) - age */
		char kind;	/* after the first sync */
		pid_t caba;
	} procs[] = {
		{ 1, 0, 0, 'd', 0 }, { 2, 0, 0, 'd', 0 },
		{ 3, 2, 0, 'p', 2 },		/* kthreadd made it */
		{ 5, 1, 0, 'w', 1 },		/* witnessed: as it was */
		{ 10, 1, 0, 'i', 1 },		/* under init */
		{ 11, 10, 0, 'p', 10 },		/* a shell's child */
		{ 20, 1, 0, 'i', 1 },
		{ 21, 20, 0, 'i', 20 },		/* 20 adopted 22, so it is a reaper */
		{ 22, 20, 10, 'i', 20 },	/* older than its parent */
		{ 30, 1, 0, 'i', 1 },
		{ 31, 30, 0, 'i', 30 },		/* 30 is a namespace's init */
		{ 40, 1, 0, 'i', 1 },
		{ 41, 40, 0, 'i', 40 },		/* 40 is a subreaper */
		{ 50, 1, 0, 'i', 1 },
		{ 51, 50, 0, 'p', 50 },		/* another 50 was the subreaper */
		{ 60, 99, 0, 'i', 0 },		/* its parent is not in /proc */
		{ 80, 1, 0, 'i', 1 },
		{ 81, 80, 0, 'i', 80 },		/* 80's status cannot be read */
	};
	size_t i;

	fake_init(&f);
	for (i = 0; i < ARRAY_SIZE(procs); i++) {
		fake_add(&f, procs[i].pid, procs[i].ppid, ST(procs[i].pid) - procs[i].age, 'A', "");
		if (procs[i].pid != 80)
			fake_nspid(&f, procs[i].pid, procs[i].pid == 30 ? "30\t1" : "7");
	}
	fake_nspid(&f, 1, "1");
	fake_children(&f, 10, "11 ");
	fake_children(&f, 20, "21 22 ");
	born_init(&t);
	born_seed(&t, 2, ST(2));			/* known from an older state */
	/* 1 and 5 known too: 1 as the unknown creator of 5 */
	born_fork(&t, 1, ST(1), 5, ST(5));
	rec_subreapers_from(&fb);
	assert_int_equal(rec_sync(&t, f.fd, 1, &st), 0);
	assert_int_equal(st.added, ARRAY_SIZE(procs) - 3);
	for (i = 0; i < ARRAY_SIZE(procs); i++) {
		const struct born_proc *p = born_find(&t, procs[i].pid,
						      ST(procs[i].pid) - procs[i].age);

		assert_non_null(p);
		if (kind_of(&t, p->pid, p->start) != procs[i].kind)
			fail_msg("%d is '%c', not '%c'", (int)p->pid,
				 kind_of(&t, p->pid, p->start), procs[i].kind);
		assert_int_equal(p->caba ? p->caba->pid : 0, procs[i].caba);
	}
	check_consistent(&t);

	/* Without a backend that tells, a subreaper's child looks created by it. */
	fake_add(&f, 42, 40, ST(42), 'A', "");
	rec_subreapers_from(NULL);
	assert_int_equal(rec_sync(&t, f.fd, 1, &st), 0);
	assert_int_equal(st.added, 1);
	assert_int_equal(kind_of(&t, 42, ST(42)), 'p');
	rec_subreapers_from(&fb);

	/* Found by a pass: its fork was missed. */
	fake_add(&f, 90, 10, ST(90), 'A', "");		/* 10 adopted none */
	fake_add(&f, 91, 20, ST(91), 'A', "");		/* 20 adopted 22 */
	fake_add(&f, 92, 0, ST(92), 'A', "");
	fake_add(&f, 93, 40, ST(93), 'A', "");		/* the subreaper */
	fake_add(&f, 94, 95, ST(94), 'A', "");		/* 95 is not known */
	fake_add(&f, 96, 11, ST(96), 'A', "");		/* 11's children not told */
	fake_add(&f, 97, 10, ST(10) - 1, 'A', "");	/* older than its parent */
	fake_add(&f, 98, 31, ST(98), 'A', "");		/* 31: not an init */
	fake_nspid(&f, 31, "31\t2");
	fake_children(&f, 31, "98");
	assert_int_equal(rec_watch_init(&w, f.fd), 0);
	sweep_to_end(&w, &t, 3, &st);
	assert_int_equal(st.added, 8);
	assert_int_equal(kind_of(&t, 90, ST(90)), 'p');
	assert_int_equal(born_find(&t, 90, ST(90))->caba->pid, 10);
	assert_int_equal(kind_of(&t, 91, ST(91)), 'i');
	assert_int_equal(kind_of(&t, 92, ST(92)), 'd');
	assert_null(born_find(&t, 92, ST(92))->caba);
	assert_int_equal(kind_of(&t, 93, ST(93)), 'i');
	assert_int_equal(kind_of(&t, 94, ST(94)), 'i');
	assert_null(born_find(&t, 94, ST(94))->caba);
	assert_int_equal(kind_of(&t, 96, ST(96)), 'i');
	assert_int_equal(kind_of(&t, 97, ST(10) - 1), 'i');
	assert_int_equal(kind_of(&t, 98, ST(98)), 'p');
	check_consistent(&t);
	rec_subreapers_from(NULL);
	rec_watch_free(&w);
	born_free(&t);
	fake_free(&f);
}

/* ---- the lineage ---- */

/* The pids of the released ancestors between pid and its CABA, "a b c". */
static const char *lineage_of(const struct born_table *t, pid_t pid)
{
	static char buf[256];
	const struct born_proc *v[16];
	const struct born_proc *p = born_find(t, pid, ST(pid));
	size_t n, i, len = 0;

	assert_non_null(p);
	n = born_lineage(p, v, 16);
	buf[0] = '\0';
	for (i = 0; i < n && i < 16; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d", i ? " " : "",
					(int)v[i]->pid);
	return buf;
}

static void fork_named(struct born_table *t, pid_t cpid, pid_t pid, const char *comm)
{
	struct born_proc *p = born_fork(t, cpid, ST(cpid), pid, ST(pid));

	if (comm)
		born_set_comm(p, comm, strlen(comm));
}

static void exit_release(struct born_table *t, pid_t pid, unsigned long long end, int status)
{
	struct born_proc *p = born_find(t, pid, ST(pid));

	assert_non_null(p);
	born_exit(t, pid, ST(pid));
	born_set_end(p, end, status);
	assert_true(born_release(t, pid, ST(pid)));
}

/* sh -c '(daemon &)': the middle process is released, the daemon keeps it. */
static void test_lineage_double_fork(void **state)
{
	struct born_table t;
	const struct born_proc *v[4], *d, *mid;

	born_init(&t);
	born_set_defined(&t, born_seed(&t, 1, ST(1)));
	fork_named(&t, 1, 10, "sshd");
	fork_named(&t, 10, 11, "bash");
	fork_named(&t, 11, 12, NULL);
	/* A child has its creator's name until it execs. */
	assert_string_equal(born_find(&t, 12, ST(12))->comm, "bash");
	born_set_comm(born_find(&t, 12, ST(12)), "nohup", 5);
	born_set_path(born_find(&t, 12, ST(12)), "/usr/bin/nohup", 14);
	fork_named(&t, 12, 13, "daemon");
	exit_release(&t, 12, 5000000000ULL, 0);
	assert_int_equal(caba_of(&t, 13), 11);
	assert_string_equal(lineage_of(&t, 13), "12");
	assert_int_equal(t.nreleased, 1);
	d = born_find(&t, 13, ST(13));
	assert_int_equal(born_lineage(d, v, 4), 1);
	mid = v[0];
	assert_true(mid->released);
	assert_string_equal(mid->comm, "nohup");
	assert_string_equal(mid->path, "/usr/bin/nohup");
	assert_int_equal(mid->end_nsec, 5000000000ULL);
	assert_int_equal(mid->exit_status, 0);
	assert_null(born_find(&t, 12, ST(12)));
	/* Lineage never changes a CABA: the shell goes, the daemon's CABA is sshd. */
	exit_release(&t, 11, 0, 256);
	assert_int_equal(caba_of(&t, 13), 10);
	assert_string_equal(lineage_of(&t, 13), "12 11");
	assert_int_equal(born_lineage(d, v, 1), 2);	/* more than asked for */
	assert_int_equal(v[0]->pid, 12);
	check_consistent(&t);
	/* A living process is its own: no released ancestor between. */
	assert_string_equal(lineage_of(&t, 11 - 1), "");
	born_free(&t);
}

/* Five released ancestors in a chain, released in any order. */
static void test_lineage_chain(void **state)
{
	static const pid_t order[] = { 23, 21, 25, 22, 24 };
	struct born_table t;
	pid_t i;

	born_init(&t);
	born_set_defined(&t, born_seed(&t, 1, ST(1)));
	fork_named(&t, 1, 20, "init-script");
	for (i = 21; i <= 26; i++) {
		char name[16];

		snprintf(name, sizeof(name), "step%d", (int)i);
		fork_named(&t, i - 1, i, name);
	}
	for (i = 0; i < 5; i++) {
		exit_release(&t, order[i], 0, -1);
		check_consistent(&t);
	}
	assert_int_equal(caba_of(&t, 26), 20);
	assert_string_equal(lineage_of(&t, 26), "25 24 23 22 21");
	assert_int_equal(t.nreleased, 5);
	/* The first of the chain goes too: 20 joins it, 26's CABA is 1. */
	exit_release(&t, 20, 0, -1);
	assert_string_equal(lineage_of(&t, 26), "25 24 23 22 21 20");
	assert_int_equal(caba_of(&t, 26), 1);
	check_consistent(&t);
	born_free(&t);
}

/* Released ancestors go with the last living process they lead to. */
static void test_lineage_drop_last(void **state)
{
	struct born_table t;

	born_init(&t);
	born_set_defined(&t, born_seed(&t, 1, ST(1)));
	fork_named(&t, 1, 10, "sh");
	fork_named(&t, 10, 11, "sh");
	fork_named(&t, 11, 12, "a");
	fork_named(&t, 11, 13, "b");
	fork_named(&t, 12, 14, "c");
	exit_release(&t, 11, 0, 0);
	exit_release(&t, 10, 0, 0);
	exit_release(&t, 12, 0, 0);
	assert_int_equal(t.nreleased, 3);
	assert_string_equal(lineage_of(&t, 14), "12 11 10");
	assert_string_equal(lineage_of(&t, 13), "11 10");
	/* 14 goes: 12 leads to nothing alive, 11 and 10 still to 13. */
	exit_release(&t, 14, 0, 0);
	assert_int_equal(t.nreleased, 2);
	check_consistent(&t);
	/* 13 goes: nothing is left, and none of it counts as dropped. */
	exit_release(&t, 13, 0, 0);
	assert_int_equal(t.nreleased, 0);
	assert_null(t.released);
	assert_null(t.released_last);
	assert_int_equal(t.dropped, 0);
	assert_null(born_find(&t, 1, ST(1))->made);
	check_consistent(&t);
	born_free(&t);
}

/* The cap: the one released longest ago goes first, and is counted. */
static void test_lineage_cap(void **state)
{
	struct born_table t;
	const struct born_proc *d;
	pid_t i;

	born_init(&t);
	assert_int_equal(t.max_released, BORN_DEFAULT_MAX_RELEASED);
	born_set_max_released(&t, 2);
	born_set_defined(&t, born_seed(&t, 1, ST(1)));
	/* Three double forks: 1 -> 10i -> 10i+1 -> 10i+2. */
	for (i = 1; i <= 3; i++) {
		fork_named(&t, 1, 10 * i, "sh");
		fork_named(&t, 10 * i, 10 * i + 1, "sh");
		fork_named(&t, 10 * i + 1, 10 * i + 2, "daemon");
	}
	for (i = 1; i <= 3; i++) {
		exit_release(&t, 10 * i + 1, 0, 0);
		check_consistent(&t);
	}
	assert_int_equal(t.nreleased, 2);
	assert_int_equal(t.dropped, 1);
	d = born_find(&t, 12, ST(12));
	assert_null(d->creator);
	assert_true(d->lineage_cut);
	assert_string_equal(lineage_of(&t, 12), "");
	assert_int_equal(caba_of(&t, 12), 10);	/* the CABA is kept whatever the cap */
	assert_string_equal(lineage_of(&t, 22), "21");
	assert_string_equal(lineage_of(&t, 32), "31");
	/*
	 * 20 is released: 21, the oldest, makes room, and 20, which made
	 * nothing else kept, goes with it (not counted: nothing was cut).
	 */
	exit_release(&t, 20, 0, 0);
	assert_string_equal(lineage_of(&t, 22), "");
	assert_true(born_find(&t, 22, ST(22))->lineage_cut);
	assert_int_equal(t.nreleased, 1);
	assert_int_equal(t.dropped, 2);
	assert_string_equal(lineage_of(&t, 32), "31");
	check_consistent(&t);
	/* Cap 0: nothing is kept, and what was is dropped. */
	born_set_max_released(&t, 0);
	assert_int_equal(t.nreleased, 0);
	assert_int_equal(t.dropped, 3);
	assert_true(born_find(&t, 22, ST(22))->lineage_cut);
	fork_named(&t, 22, 40, NULL);
	fork_named(&t, 40, 41, NULL);
	exit_release(&t, 40, 0, 0);
	assert_int_equal(t.nreleased, 0);
	assert_string_equal(lineage_of(&t, 41), "");
	assert_false(born_find(&t, 41, ST(41))->lineage_cut);
	check_consistent(&t);
	born_free(&t);
}

/* A fork for a new holder of a pid retires the old one, kept if it made any. */
static void test_lineage_retire(void **state)
{
	struct born_table t;

	born_init(&t);
	born_set_defined(&t, born_seed(&t, 1, ST(1)));
	born_fork_exact(&t, 1, ST(1), 30, ST(30), 100);
	born_set_comm(born_find(&t, 30, ST(30)), "old", 3);
	born_fork_exact(&t, 30, ST(30), 31, ST(31), 110);
	/* Its release was missed; the pid is used again within the same tick. */
	born_fork_exact(&t, 1, ST(1), 30, ST(30), 200);
	assert_int_equal(born_find(&t, 30, ST(30))->nsec, 200);
	assert_int_equal(caba_of(&t, 31), 1);
	assert_string_equal(lineage_of(&t, 31), "30");
	assert_string_equal(t.released->comm, "old");
	assert_int_equal(t.released->nsec, 100);
	assert_ptr_not_equal(t.released, born_find(&t, 30, ST(30)));
	check_consistent(&t);
	born_free(&t);
}

/* Names are cut to 15 bytes, programs to BORN_PATH_MAX - 1. */
static void test_lineage_fields(void **state)
{
	struct born_table t;
	struct born_proc *p;
	char path[BORN_PATH_MAX + 10];

	born_init(&t);
	p = born_seed(&t, 5, ST(5));
	assert_int_equal(p->exit_status, -1);
	assert_string_equal(p->comm, "");
	born_set_comm(p, "a-very-long-name-indeed", 23);
	assert_string_equal(p->comm, "a-very-long-nam");
	memset(path, 'x', sizeof(path));
	born_set_path(p, path, sizeof(path));
	assert_int_equal(strlen(p->path), BORN_PATH_MAX - 1);
	born_set_path(p, NULL, 0);
	assert_null(p->path);
	born_set_end(p, 7, -1);
	born_set_end(p, 0, 9);
	assert_int_equal(p->end_nsec, 7);
	assert_int_equal(p->exit_status, 9);
	born_free(&t);
}

/* A table with released ancestors through a state file and back. */
static void test_lineage_restore(void **state)
{
	struct state_meta meta = { .backend = "ebpf", .boot_id = "b", .pidns = 1,
				   .daemon_pid = 9, .daemon_start = 3, .updated = 5 };
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;
	struct born_table t, u;
	struct state st;
	const struct state_released *r;
	const struct born_proc *v[4];
	char err[128], *copy;

	born_init(&t);
	born_set_max_released(&t, 3);
	born_set_defined(&t, born_seed(&t, 1, ST(1)));
	/* The first one released is dropped by the cap. */
	fork_named(&t, 1, 20, "x");
	fork_named(&t, 20, 21, "y");
	exit_release(&t, 20, 0, -1);
	fork_named(&t, 1, 10, "sshd");
	fork_named(&t, 10, 11, "my sh");	/* a space, written %20 */
	born_set_path(born_find(&t, 11, ST(11)), "/bin/sh", 7);
	fork_named(&t, 11, 12, "-");
	fork_named(&t, 12, 13, "daemon");
	exit_release(&t, 12, 7000000000ULL, 0);
	exit_release(&t, 11, 8000000000ULL, 15);
	fork_named(&t, 1, 30, "x");
	fork_named(&t, 30, 31, "y");
	exit_release(&t, 30, 0, -1);
	assert_int_equal(t.dropped, 1);
	meta.dropped = t.dropped;
	state_format(&sb, &t, &meta);
	assert_non_null(strstr(sb.s, "\ndropped 1\n"));
	assert_non_null(strstr(sb.s, "\n13 1013 10 1010 w 12 1012 daemon -\n"));
	assert_non_null(strstr(sb.s, "\n21 1021 1 1001 w 0 1 y -\n"));
	assert_non_null(strstr(sb.s, "\nreleased 3\n"
				     "12 1012 0 11 1011 7000000000 0 %2D -\n"
				     "11 1011 0 10 1010 8000000000 15 my%20sh /bin/sh\n"
				     "30 1030 0 1 1001 0 -1 x -\n"
				     "end\n"));
	copy = xstrdup(sb.s);
	assert_int_equal(state_parse(sb.s, sb.len, &st, err, sizeof(err)), 0);
	assert_int_equal(st.nrel, 3);
	assert_int_equal(st.meta.dropped, 1);
	r = state_find_released(&st, 11, ST(11));
	assert_non_null(r);
	assert_string_equal(r->comm, "my sh");
	assert_string_equal(r->path, "/bin/sh");
	assert_int_equal(r->exit_status, 15);
	assert_int_equal(r->creator, 10);
	assert_null(state_find_released(&st, 13, ST(13)));
	assert_true(state_find(&st, 21, ST(21))->cut);
	assert_string_equal(state_find(&st, 13, ST(13))->comm, "daemon");
	/* Back into a table: the same lineage, the same file. */
	born_init(&u);
	state_to_table(&st, &u);
	check_consistent(&u);
	assert_string_equal(lineage_of(&u, 13), "12 11");
	assert_int_equal(born_lineage(born_find(&u, 13, ST(13)), v, 4), 2);
	assert_string_equal(v[0]->comm, "-");
	assert_int_equal(v[1]->end_nsec, 8000000000ULL);
	assert_true(born_find(&u, 21, ST(21))->lineage_cut);
	assert_int_equal(u.dropped, 1);
	state_format(&sb2, &u, &meta);
	assert_string_equal(sb2.s, copy);
	free(copy);
	/* A table with a smaller cap takes what fits, the newest, and counts the rest. */
	born_free(&u);
	born_init(&u);
	born_set_max_released(&u, 1);
	state_to_table(&st, &u);
	check_consistent(&u);
	assert_int_equal(u.nreleased, 1);
	assert_int_equal(u.dropped, 2);	/* 12 (11 went with it: it made only 12) */
	assert_true(born_find(&u, 13, ST(13))->lineage_cut);
	assert_string_equal(lineage_of(&u, 31), "30");
	/* And one that keeps none restores none. */
	born_free(&u);
	born_init(&u);
	born_set_max_released(&u, 0);
	state_to_table(&st, &u);
	check_consistent(&u);
	assert_int_equal(u.nreleased, 0);
	assert_null(born_find(&u, 13, ST(13))->creator);
	born_free(&u);
	state_free(&st);
	sb_free(&sb);
	sb_free(&sb2);
	born_free(&t);
}

/* Sign a state file's text (its lines before the checksum). */
static char *signed_text(const char *body)
{
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, body);
	sb_addf(&sb, "checksum crc32 %08x\n", (unsigned int)state_crc32(sb.s, sb.len));
	return sb.s;
}

/*
 * A lineage that does not hold together: creators not in the file, a
 * loop, a chain that reaches another living process than the CABA, a
 * released ancestor nothing descends from. Read, and taken as not known.
 */
static void test_lineage_restore_bad(void **state)
{
	char *text = signed_text(HDR4 "processes 5\n"
		"1 1 0 0 d 0 0 init -\n"
		"2 2 1 1 w 50 50 a -\n"	/* 50 is not there */
		"3 3 1 1 w 60 60 b -\n"	/* 60 -> 61 -> 60 */
		"4 4 1 1 w 70 70 c -\n"	/* 70 -> 2, not its CABA 1 */
		"5 5 1 1 w 80 80 d -\n"	/* 80 -> 1: fine */
		"released 5\n"
		"60 60 0 61 61 0 -1 x -\n"
		"61 61 0 60 60 0 -1 y -\n"
		"70 70 0 2 2 0 -1 z -\n"
		"80 80 0 1 1 0 -1 w -\n"
		"90 90 0 1 1 0 -1 v -\n"	/* nothing descends from it */
		"end\n");
	struct born_table t;
	struct state st;
	char err[128];

	assert_int_equal(state_parse(text, strlen(text), &st, err, sizeof(err)), 0);
	assert_int_equal(st.nrel, 5);
	born_init(&t);
	state_to_table(&st, &t);
	check_consistent(&t);
	assert_null(born_find(&t, 2, 2)->creator);
	assert_string_equal(born_find(&t, 2, 2)->comm, "a");
	assert_null(born_find(&t, 4, 4)->creator);
	assert_int_equal(born_find(&t, 4, 4)->caba->pid, 1);
	assert_non_null(born_find(&t, 5, 5)->creator);
	assert_int_equal(born_find(&t, 5, 5)->creator->pid, 80);
	/* The loop is cut somewhere: the chain of 3 ends. */
	{
		const struct born_proc *v[8];

		assert_true(born_lineage(born_find(&t, 3, 3), v, 8) <= 2);
	}
	/* 90 and 70 made nothing kept: gone. */
	for (const struct born_proc *r = t.released; r; r = r->rnext)
		assert_true(r->pid != 90 && r->pid != 70);
	born_free(&t);
	state_free(&st);
	free(text);
}

/* Old versions read with no lineage; a salvaged v4 file keeps what it can. */
static void test_lineage_old_and_salvage(void **state)
{
	static const char v3[] = HDR3 KINDS3 "checksum crc32 " SUMK3 "\n";
	char buf[sizeof(v3)], err[128], *path = tmp_path(), *text;
	struct born_table t;
	struct state st;
	size_t i;

	memcpy(buf, v3, sizeof(v3));
	assert_int_equal(state_parse(buf, sizeof(v3) - 1, &st, err, sizeof(err)), 0);
	assert_int_equal(st.nrel, 0);
	for (i = 0; i < st.n; i++) {
		assert_int_equal(st.v[i].creator, 0);
		assert_false(st.v[i].cut);
		assert_string_equal(st.v[i].comm, "");
		assert_null(st.v[i].path);
	}
	born_init(&t);
	state_to_table(&st, &t);
	check_consistent(&t);
	assert_int_equal(t.nreleased, 0);
	born_free(&t);
	state_free(&st);
	/* A bad released line: the processes are kept, and the lines before it. */
	text = signed_text(HDR4 "processes 2\n1 1 0 0 d 0 0 init /sbin/init\n"
			   "3 3 1 1 w 2 2 b -\nreleased 2\n2 2 0 1 1 0 0 a /bin/a\n2 x\nend\n");
	write_file(path, text);
	assert_int_equal(state_salvage(AT_FDCWD, path, &st, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "line 14: malformed released ancestor line");
	assert_int_equal(st.n, 2);
	assert_int_equal(st.nrel, 1);
	assert_string_equal(state_find(&st, 1, 1)->path, "/sbin/init");
	born_init(&t);
	state_to_table(&st, &t);
	check_consistent(&t);
	assert_string_equal(born_find(&t, 3, 3)->creator->path, "/bin/a");
	born_free(&t);
	state_free(&st);
	free(text);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complex_sessions),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_release_orders),
		cmocka_unit_test(test_clone_parent),
		cmocka_unit_test(test_zombie),
		cmocka_unit_test(test_exited_list),
		cmocka_unit_test(test_reap),
		cmocka_unit_test(test_reap_backoff),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_seed_rules),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_pid_reuse_same_tick),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_unknown_creator),
		cmocka_unit_test(test_seed_kinds),
		cmocka_unit_test(test_no_loops),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_lineage_double_fork),
		cmocka_unit_test(test_lineage_chain),
		cmocka_unit_test(test_lineage_drop_last),
		cmocka_unit_test(test_lineage_cap),
		cmocka_unit_test(test_lineage_retire),
		cmocka_unit_test(test_lineage_fields),
		cmocka_unit_test(test_lineage_restore),
		cmocka_unit_test(test_lineage_restore_bad),
		cmocka_unit_test(test_lineage_old_and_salvage),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_missing),
		cmocka_unit_test(test_state_salvage_whole),
		cmocka_unit_test(test_state_nul),
		cmocka_unit_test(test_state_crc32),
		cmocka_unit_test(test_state_v4_round_trip),
		cmocka_unit_test(test_state_kinds),
		cmocka_unit_test(test_state_flips),
		cmocka_unit_test(test_state_cut),
		cmocka_unit_test(test_state_empty),
		cmocka_unit_test(test_state_v1),
		cmocka_unit_test(test_state_salvage_v2),
		cmocka_unit_test(test_state_save_no_follow),
		cmocka_unit_test(test_state_load_no_follow),
		cmocka_unit_test(test_state_dir),
	};
	struct CMUnitTest salvage[ARRAY_SIZE(salvage_cases)];
	struct CMUnitTest bad[ARRAY_SIZE(bad_cases)];
	struct CMUnitTest said[ARRAY_SIZE(said_cases)];
	int fails;

	TABLE_TESTS(bad, bad_cases, test_state_bad);
	TABLE_TESTS(said, said_cases, test_state_said);
	TABLE_TESTS(salvage, salvage_cases, test_state_salvage);
	fails = cmocka_run_group_tests_name("born table and state", tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("malformed state files", bad, NULL, NULL);
	fails += cmocka_run_group_tests_name("versions and checksums", said, NULL, NULL);
	fails += cmocka_run_group_tests_name("damaged state files", salvage, NULL, NULL);
	return unit_status(fails);
}
