// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the label module: which parts a label has under each
 * option, how each output escapes what comes from a process, and the one
 * command-line splitter.
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
#include <time.h>

#include <locale.h>

#include <cmocka.h>

#include "unit.h"
#include "fixture.h"

#include "label.h"
#include "model.h"
#include "users.h"

/* init(1) root; sh(2) alice, born under 1; job(3) bob, reparented to 1, born under 2. */
struct fixture {
	struct ct_proclist pl;
	struct ct_model m;
	struct users *users;
	struct strbuf sb;
};

static struct ct_proc *add(struct fixture *f, pid_t pid, pid_t ppid, pid_t caba,
			   enum caba_status cs, uid_t uid, const char *name,
			   const char *cmd, size_t cmd_len)
{
	struct ct_proc *p = pl_new(&f->pl);

	p->pid = pid;
	p->ppid = ppid;
	p->caba = caba;
	p->caba_status = cs;
	p->uid = uid;
	p->pgid = pid * 10;
	p->sid = pid * 100;
	p->nthreads = 1;
	p->name = strdup(name);
	assert_non_null(p->name);
	p->name_len = strlen(name);
	if (cmd) {
		p->cmdline = malloc(cmd_len);
		assert_non_null(p->cmdline);
		memcpy(p->cmdline, cmd, cmd_len);
		p->cmdline_len = cmd_len;
		p->has_cmdline = true;
	}
	return p;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	add(f, 1, 0, 0, CABA_KERNEL, 0, "init", B("/sbin/init\0splash"));
	add(f, 2, 1, 1, CABA_KERNEL, 1000, "sh", B("sh\0-c\0a\nb"));
	add(f, 3, 1, 2, CABA_INFERRED, 1001, "job\x1b]0;x", NULL, 0)->caba_from_reaper = true;
	model_build(&f->m, &f->pl, false);
	f->users = users_new();
	users_set(f->users, 0, "root");
	users_set(f->users, 1000, "alice");
	users_set(f->users, 1001, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	model_free(&f->m);
	proclist_free(&f->pl);
	users_free(f->users);
	sb_free(&f->sb);
	free(f);
	return 0;
}

/* The head of pid's label in tree t, terminal-escaped (no UTF-8). */
static const char *head(struct fixture *f, pid_t pid, enum ct_tree t,
			const struct label_opts *o, bool with_pid, struct label *lb)
{
	struct label_esc e = { .out = LABEL_TERMINAL };

	label_build(lb, &f->m, model_find(&f->m, pid), t, o, f->users);
	sb_reset(&f->sb);
	label_add_head(&f->sb, lb, &e, with_pid);
	label_esc_free(&e);
	return f->sb.s ? f->sb.s : "";
}

static void test_plain(void **state)
{
	struct fixture *f = *state;
	struct label_opts o = { .born_shown = true };
	struct label lb;

	assert_string_equal(head(f, 1, TREE_REAL, &o, true, &lb), "init(1)");
	assert_false(lb.reparented);
	assert_false(lb.args);
	assert_string_equal(head(f, 2, TREE_REAL, &o, true, &lb), "sh(2)");
	/*
	 * The name is escaped; reparented in both trees, inferred in the born
	 * one; the real tree says where it was born.
	 */
	assert_string_equal(head(f, 3, TREE_REAL, &o, true, &lb), "job\\e]0;x(3)* <= sh(2)");
	assert_ptr_equal(lb.born_from, f->m.nodes[model_find(&f->m, 2)].p);
	assert_string_equal(head(f, 3, TREE_BORN, &o, true, &lb), "job\\e]0;x(3)*?");
	assert_null(lb.born_from);
	/* Without the pid, nothing is left in the parentheses. */
	assert_string_equal(head(f, 2, TREE_REAL, &o, false, &lb), "sh");
	assert_null(lb.born_from);
	/* The real tree alone (--tree=real): '*' with where it was born. */
	o.born_shown = false;
	assert_string_equal(head(f, 3, TREE_REAL, &o, true, &lb), "job\\e]0;x(3)* <= sh(2)");
	assert_true(lb.reparented);
	o.utf8_marks = true;
	assert_string_equal(head(f, 3, TREE_REAL, &o, true, &lb), "job\\e]0;x(3)* \u21d0 sh(2)");
}

/*
 * Where a reparented process was born, only when that process is in the
 * model: not the idle task, not a pid gone or hidden; then the real tree
 * alone has no '*' either.
 */
static void test_born_from(void **state)
{
	struct fixture f = { 0 };
	struct label_opts o = { .born_shown = true };
	struct label lb;

	(void)state;
	add(&f, 1, 0, 0, CABA_KERNEL, 0, "init", NULL, 0);
	add(&f, 5, 1, 0, CABA_KERNEL, 0, "idle-born", NULL, 0);
	add(&f, 6, 1, 99, CABA_WITNESSED, 0, "gone", NULL, 0);
	add(&f, 7, 1, 8, CABA_WITNESSED, 0, "d", NULL, 0);
	add(&f, 8, 1, 1, CABA_WITNESSED, 0, "s\x1bh", NULL, 0);
	add(&f, 9, 8, 1, CABA_HIDDEN, 0, "theirs", NULL, 0);
	model_build(&f.m, &f.pl, false);
	f.users = users_new();
	assert_string_equal(head(&f, 5, TREE_REAL, &o, true, &lb), "idle-born(5)*");
	assert_null(label_born_from(&f.m, model_find(&f.m, 5)));
	assert_string_equal(head(&f, 6, TREE_REAL, &o, true, &lb), "gone(6)*");
	assert_null(lb.born_from);
	/* The parent's name is escaped as the process's own. */
	assert_string_equal(head(&f, 7, TREE_REAL, &o, true, &lb), "d(7)* <= s\\eh(8)");
	assert_string_equal(head(&f, 8, TREE_REAL, &o, true, &lb), "s\\eh(8)");
	assert_null(label_born_from(&f.m, model_find(&f.m, 8)));
	/* A CABA the recorder cannot show is no reparenting. */
	assert_string_equal(head(&f, 9, TREE_REAL, &o, true, &lb), "theirs(9)");
	o.born_shown = false;
	assert_string_equal(head(&f, 6, TREE_REAL, &o, true, &lb), "gone(6)");
	assert_false(lb.reparented);
	assert_string_equal(head(&f, 7, TREE_REAL, &o, true, &lb), "d(7)* <= s\\eh(8)");
	model_free(&f.m);
	proclist_free(&f.pl);
	users_free(f.users);
	sb_free(&f.sb);
}

/*
 * The marks of the recorder's statuses, in the born tree only: '?' for an
 * inferred link whose parent was a reaper when the recorder started, none
 * for one whose parent was its creator nor for a CABA by definition; the
 * unrecorded and hidden marks in ASCII and in UTF-8.
 */
static void test_recorder_marks(void **state)
{
	static const struct {
		enum caba_status cs;
		bool from_reaper, utf8;
		const char *want;
	} cases[] = {
		{ CABA_INFERRED, true, false, "p(5)?" },
		{ CABA_INFERRED, false, false, "p(5)" },
		{ CABA_DEFINED, false, false, "p(5)" },
		{ CABA_WITNESSED, false, false, "p(5)" },
		{ CABA_UNRECORDED, false, false, "p(5)!" },
		{ CABA_UNRECORDED, false, true, "p(5)\u2205" },
		{ CABA_HIDDEN, false, false, "p(5)^" },
		{ CABA_HIDDEN, false, true, "p(5)\u2191" },
		{ CABA_OUTSIDE, false, false, "p(5)" },
	};
	struct fixture *f = *state;
	struct label lb;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct label_opts o = { .born_shown = true, .utf8_marks = cases[i].utf8 };
		struct ct_proc *p;

		model_free(&f->m);
		proclist_free(&f->pl);
		add(f, 1, 0, 0, CABA_DEFINED, 0, "init", NULL, 0);
		p = add(f, 5, 1, 1, cases[i].cs, 0, "p", NULL, 0);
		p->caba_from_reaper = cases[i].from_reaper;
		model_build(&f->m, &f->pl, false);
		assert_string_equal(head(f, 5, TREE_BORN, &o, true, &lb), cases[i].want);
		assert_int_equal(lb.inferred, cases[i].cs == CABA_INFERRED && cases[i].from_reaper);
		assert_int_equal(lb.unrecorded, cases[i].cs == CABA_UNRECORDED);
		assert_int_equal(lb.hidden, cases[i].cs == CABA_HIDDEN);
		/* The real tree has none of them. */
		assert_string_equal(head(f, 5, TREE_REAL, &o, true, &lb), "p(5)");
	}
	/* Unknown and hidden processes are roots of the born tree. */
	assert_int_equal(f->m.nodes[model_find(&f->m, 5)].parent[TREE_BORN], -1);
}

/* One legend line per mark, each saying what its mark is. */
static void test_legend(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	label_legend(&sb, MARK_INFERRED, label_glyphs(false));
	assert_true(strncmp(sb.s, "? inferred: ", 12) == 0);
	assert_non_null(strstr(sb.s, "reaper"));
	sb_reset(&sb);
	label_legend(&sb, MARK_UNRECORDED, label_glyphs(false));
	assert_true(strncmp(sb.s, "! unrecorded: ", 14) == 0);
	sb_reset(&sb);
	label_legend(&sb, MARK_UNRECORDED, label_glyphs(true));
	assert_true(strncmp(sb.s, "\u2205 unrecorded: ", strlen("\u2205 unrecorded: ")) == 0);
	sb_reset(&sb);
	label_legend(&sb, MARK_HIDDEN, label_glyphs(false));
	assert_true(strncmp(sb.s, "^ hidden: ", 10) == 0);
	sb_reset(&sb);
	label_legend(&sb, MARK_MOVED, label_glyphs(false));
	assert_true(strncmp(sb.s, "* reparented: ", 14) == 0);
	sb_reset(&sb);
	label_legend(&sb, MARK_BORN_FROM, label_glyphs(false));
	assert_true(strncmp(sb.s, "<= born under: ", 15) == 0);
	sb_reset(&sb);
	label_legend(&sb, MARK_BORN_FROM, label_glyphs(true));
	assert_true(strncmp(sb.s, "\u21d0 born under: ", strlen("\u21d0 born under: ")) == 0);
	sb_free(&sb);
}

static void test_options(void **state)
{
	struct fixture *f = *state;
	struct label_opts o = { .pgids = true, .uid_changes = true, .sids = true,
				.born_shown = true };
	struct label lb;

	/* A root has no parent: no user change. */
	assert_string_equal(head(f, 1, TREE_REAL, &o, true, &lb), "init(1,10) [sid 100]");
	assert_string_equal(head(f, 2, TREE_REAL, &o, true, &lb),
			    "sh(2,20,alice) [sid 200]");
	/* A uid without a name is shown as a number. */
	assert_string_equal(head(f, 3, TREE_REAL, &o, true, &lb),
			    "job\\e]0;x(3,30,1001)* [sid 300] <= sh(2)");
	assert_string_equal(head(f, 2, TREE_REAL, &o, false, &lb),
			    "sh(20,alice) [sid 200]");
	o.pgids = false;
	o.sids = false;
	assert_string_equal(head(f, 2, TREE_REAL, &o, false, &lb), "sh(alice)");
}

/* -u compares with the parent in the tree drawn: job's is init (real), sh (born). */
static void test_user_per_tree(void **state)
{
	struct fixture *f = *state;
	struct label_opts o = { .uid_changes = true, .born_shown = true };
	struct label lb;

	f->pl.v[2].uid = 1000;
	assert_string_equal(head(f, 3, TREE_REAL, &o, true, &lb), "job\\e]0;x(3,alice)* <= sh(2)");
	assert_true(lb.user);
	assert_string_equal(head(f, 3, TREE_BORN, &o, true, &lb), "job\\e]0;x(3)*?");
	assert_false(lb.user);
	f->pl.v[2].uid = 1001;
}

static void test_args(void **state)
{
	struct fixture *f = *state;
	struct label_opts o = { .arguments = true };
	struct label_esc e = { .out = LABEL_TERMINAL };
	struct label lb;

	label_build(&lb, &f->m, model_find(&f->m, 2), TREE_REAL, &o, f->users);
	assert_true(lb.args);
	sb_reset(&f->sb);
	label_add_args(&f->sb, &lb, &e);
	assert_string_equal(f->sb.s, " -c a\\nb");
	/* No command line (a kernel thread): no arguments. */
	label_build(&lb, &f->m, model_find(&f->m, 3), TREE_REAL, &o, f->users);
	assert_false(lb.args);
	sb_reset(&f->sb);
	label_add_args(&f->sb, &lb, &e);
	assert_int_equal(f->sb.len, 0);
	/* Not asked for: none either. */
	o.arguments = false;
	label_build(&lb, &f->m, model_find(&f->m, 2), TREE_REAL, &o, f->users);
	assert_false(lb.args);
	label_esc_free(&e);
}

struct esc_case {
	const char *name;
	enum label_out out;
	bool utf8;
	const char *in;
	size_t in_len;
	const char *want;
};

static const struct esc_case esc_cases[] = {
	{ "terminal, ASCII: UTF-8 escaped", LABEL_TERMINAL, false, B("caf\xc3\xa9"),
	  "caf\\xc3\\xa9" },
	{ "terminal, UTF-8: kept", LABEL_TERMINAL, true, B("caf\xc3\xa9"), "caf\xc3\xa9" },
	{ "terminal: ESC and a backslash", LABEL_TERMINAL, true, B("a\x1b\\"), "a\\e\\\\" },
	{ "terminal, UTF-8: invalid byte escaped", LABEL_TERMINAL, true, B("a\xff"),
	  "a\\xff" },
	{ "DOT: invalid byte becomes U+FFFD", LABEL_DOT, false, B("a\xff"), "a" FFFD },
	{ "DOT: UTF-8 kept whatever the locale", LABEL_DOT, false, B("caf\xc3\xa9"),
	  "caf\xc3\xa9" },
	{ "DOT: a newline shown escaped", LABEL_DOT, false, B("a\nb"), "a\\nb" },
};

static void test_esc(void **state)
{
	const struct esc_case *c = *state;
	struct label_esc e = { .out = c->out, .utf8 = c->utf8 };
	struct strbuf sb = STRBUF_INIT;

	label_esc(&e, &sb, c->in, c->in_len);
	assert_string_equal(sb.s ? sb.s : "", c->want);
	sb_free(&sb);
	label_esc_free(&e);
}

struct args_case {
	const char *name;
	const char *cmd;	/* NULL: no command line */
	size_t len;
	bool skip;
	const char *want;	/* the arguments, each followed by '|' */
};

static const struct args_case args_cases[] = {
	{ "all", B("a\0b\0c"), false, "a|b|c|" },
	{ "after argv[0]", B("a\0b\0c"), true, "b|c|" },
	{ "a trailing NUL ends the last", "a\0b\0", 4, false, "a|b|" },
	{ "an empty argument is one", B("a\0\0b"), true, "|b|" },
	{ "argv[0] alone", B("a"), true, "" },
	{ "argv[0] alone, NUL-terminated", "a\0", 2, true, "" },
	{ "no command line", NULL, 0, false, "" },
	{ "empty", "", 0, false, "" },
};

static void test_args_iter(void **state)
{
	const struct args_case *c = *state;
	struct ct_proc p = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct args_iter it;
	const char *a;
	size_t n;

	p.cmdline = (char *)c->cmd;
	p.cmdline_len = c->len;
	p.has_cmdline = c->cmd != NULL;
	args_iter_init(&it, &p, c->skip);
	while (args_iter_next(&it, &a, &n)) {
		sb_add(&sb, a, n);
		sb_addc(&sb, '|');
	}
	assert_string_equal(sb.s ? sb.s : "", c->want);
	/* Once at the end, it stays there. */
	assert_false(args_iter_next(&it, &a, &n));
	sb_free(&sb);
}

static void test_thread_and_name(void **state)
{
	struct ct_thread th = { .tid = 42, .name = (char *)"w\x1b", .name_len = 2 };
	struct ct_proc p = { .pid = 7, .name = (char *)"d\xc3\xa9mon", .name_len = 6,
			     .threads = &th, .nthreads_listed = 1 };
	struct label_esc e = { .out = LABEL_TERMINAL, .utf8 = true };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	label_add_thread(&sb, &p, 0, &e, true);
	assert_string_equal(sb.s, "{w\\e}(42)");
	sb_reset(&sb);
	label_add_thread(&sb, &p, 0, &e, false);
	assert_string_equal(sb.s, "{w\\e}");
	sb_reset(&sb);
	label_add_name_pid(&sb, &p, &e);
	assert_string_equal(sb.s, "d\xc3\xa9mon(7)");
	sb_free(&sb);
	label_esc_free(&e);
}

static void test_glyphs(void **state)
{
	(void)state;
	assert_string_equal(label_glyphs(false)->tee, "|-");
	assert_string_equal(label_glyphs(true)->ell, "\u2514\u2500");
	assert_string_equal(label_tree_title(TREE_REAL), "REAL TREE (PPid)");
	assert_string_equal(label_tree_title(TREE_BORN), "BORN TREE (CABA)");
}

/*
 * How a released ancestor ended, for people: local time, the date when
 * not the day of the model's time, the status unless it exited with 0.
 */
static void test_ended(void **state)
{
	struct ct_model m;
	struct ct_released r = { .pid = 5, .start_time = 100, .end_time = 2990,
				 .exit_status = 0 };
	char buf[96];

	(void)state;
	setenv("TZ", "UTC0", 1);
	tzset();
	memset(&m, 0, sizeof(m));
	m.boot_time = 1795809600;	/* 2026-11-27T20:00:00Z */
	m.clock_ticks = 100;
	m.time = 1795814068;
	label_ended(buf, sizeof(buf), &m, &r);
	assert_string_equal(buf, "ended 20:00:29");
	r.exit_status = 256;
	label_ended(buf, sizeof(buf), &m, &r);
	assert_string_equal(buf, "ended 20:00:29, exited 1");
	r.exit_status = 11 | 0x80;
	label_ended(buf, sizeof(buf), &m, &r);
	assert_string_equal(buf, "ended 20:00:29, killed by SIGSEGV, core dumped");
	m.time += 86400;
	r.exit_status = 15;
	label_ended(buf, sizeof(buf), &m, &r);
	assert_string_equal(buf, "ended 2026-11-27 20:00:29, killed by SIGTERM");
	/* No boot time: no time of day. */
	m.boot_time = -1;
	m.clock_ticks = 0;
	label_ended(buf, sizeof(buf), &m, &r);
	assert_string_equal(buf, "ended, killed by SIGTERM");
	r.exit_status = -1;
	label_ended(buf, sizeof(buf), &m, &r);
	assert_string_equal(buf, "ended");
	r.end_time = 0;
	label_ended(buf, sizeof(buf), &m, &r);
	assert_string_equal(buf, "");
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
		cmocka_unit_test(test_born_from),
		cmocka_unit_test(test_ended),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_per_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args, setup, teardown),
		cmocka_unit_test(test_thread_and_name),
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test_setup_teardown(test_recorder_marks, setup, teardown),
		cmocka_unit_test(test_legend),
	};
	struct CMUnitTest esc[ARRAY_SIZE(esc_cases)];
	struct CMUnitTest args[ARRAY_SIZE(args_cases)];
	int failed = 0;

	/* Printable characters are the locale's to say: a UTF-8 one. */
	setlocale(LC_ALL, "C.UTF-8");
	TABLE_TESTS(esc, esc_cases, test_esc);
	TABLE_TESTS(args, args_cases, test_args_iter);
	failed += cmocka_run_group_tests_name("label", fixed, NULL, NULL);
	failed += cmocka_run_group_tests_name("label escapers", esc, NULL, NULL);
	failed += cmocka_run_group_tests_name("command-line arguments", args, NULL, NULL);
	return failed;
}
