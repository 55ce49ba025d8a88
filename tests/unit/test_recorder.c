// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/recorder/born.c: the CABA rules applied to a stream of
 * fork, exit and release events, keyed by (pid, start time).
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
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "recorder/born.h"
#include "recorder/state.h"

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

static void check_consistent(const struct born_table *t)
{
	size_t n = 0;
	const struct born_proc *r;

	born_foreach(t, count_one, &n);
	assert_int_equal(n, t->n);
	for (r = t->roots; r; r = r->next)
		assert_null(r->caba);
}

/* The worked example of caba.md, as a recorder sees it. */
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
	assert_int_equal(state_save(path, &t, &meta, 0644), 0);
	assert_int_equal(state_load(path, &st, err, sizeof(err)), 0);
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
	assert_true(state_find(&st, 1, ST(1))->inferred);
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
	{ "tab for a space", "cabatree-recorder-state 1\nboot_id\tb\nbackend ebpf\n"
	  "pidns 1\ndaemon 9 3\nupdated 5\nlost 0\nprocesses 0\nend\n" },
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
	assert_int_equal(state_salvage(path, &st, err, sizeof(err)), -EBADMSG);
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
	assert_int_equal(state_salvage(path, &st, err, sizeof(err)), 0);
	assert_int_equal(st.n, 2);
	assert_int_equal(state_prune_orphans(&st), 0);
	assert_int_equal(st.owner, getuid());
	state_free(&st);
	/* What no writer makes, a reader refuses: a directory, say. */
	assert_int_equal(state_load("/", &st, err, sizeof(err)), -EBADMSG);
	unlink(path);
}

static void test_state_missing(void **state)
{
	struct state st;
	char err[64];

	assert_int_equal(state_load("/nonexistent/ct-state", &st, err, sizeof(err)),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complex_sessions),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_release_orders),
		cmocka_unit_test(test_clone_parent),
		cmocka_unit_test(test_zombie),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_pid_reuse_same_tick),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_unknown_creator),
		cmocka_unit_test(test_no_loops),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_missing),
		cmocka_unit_test(test_state_salvage_whole),
		cmocka_unit_test(test_state_nul),
	};
	struct CMUnitTest salvage[ARRAY_SIZE(salvage_cases)];
	struct CMUnitTest bad[ARRAY_SIZE(bad_cases)];
	int fails;

	TABLE_TESTS(bad, bad_cases, test_state_bad);
	TABLE_TESTS(salvage, salvage_cases, test_state_salvage);
	fails = cmocka_run_group_tests_name("born table and state", tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("malformed state files", bad, NULL, NULL);
	fails += cmocka_run_group_tests_name("damaged state files", salvage, NULL, NULL);
	return fails ? 1 : 0;
}
