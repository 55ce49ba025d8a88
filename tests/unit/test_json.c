// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the JSON renderer: render a hand-made model, parse the
 * output back with json-c, and check the document.
 */
#include "config.h"

#include <pwd.h>
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
#include <json.h>

#include "model.h"
#include "options.h"
#include "render.h"
#include "users.h"


/* What a test renders and what it gets back. */
struct doc {
	struct ct_proclist pl;
	struct ct_model m;
	struct ct_settings o;
	char *text;
	size_t len;
	struct json_object *root;
};

/*
 * Build the model over d->pl, focus it on the options' pids if any, render
 * it and parse the result, strictly first, then as json_tokener_parse() does.
 */
static void render_pl(struct doc *d)
{
	struct render_ctx rc;
	struct json_tokener *tok;
	struct json_object *strict;
	FILE *f;
	size_t i;

	model_build(&d->m, &d->pl, d->o.numeric);
	if (d->o.nfocus)
		assert_int_equal(model_focus(&d->m, d->o.focus, d->o.nfocus), 0);

	memset(&rc, 0, sizeof(rc));
	rc.m = &d->m;
	rc.s = &d->o;
	rc.users = users_new();
	d->text = NULL;
	d->len = 0;
	f = open_memstream(&d->text, &d->len);
	assert_non_null(f);
	rc.out = f;
	assert_int_equal(render_json.render(&rc), 0);
	assert_int_equal(fclose(f), 0);
	users_free(rc.users);

	assert_true(d->len > 0);
	assert_int_equal(d->text[d->len - 1], '\n');
	assert_true(well_formed((const unsigned char *)d->text, d->len));
	/* No raw control character: json-c escaped them in strings. */
	for (i = 0; i < d->len; i++) {
		unsigned char c = (unsigned char)d->text[i];

		if (c < 0x20 && c != '\n')
			print_error("raw control byte 0x%02x at %zu\n", c, i);
		assert_true(c >= 0x20 || c == '\n');
	}

	tok = json_tokener_new();
	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	strict = json_tokener_parse_ex(tok, d->text, (int)d->len - 1);
	if (!strict)
		print_error("strict parse: %s\n",
			    json_tokener_error_desc(json_tokener_get_error(tok)));
	assert_non_null(strict);
	json_object_put(strict);
	json_tokener_free(tok);

	d->root = json_tokener_parse(d->text);
	assert_non_null(d->root);
	assert_true(json_object_is_type(d->root, json_type_object));
}

static void render_doc(struct doc *d, const struct fx_proc *procs, size_t n)
{
	size_t i;

	memset(&d->pl, 0, sizeof(d->pl));
	for (i = 0; i < n; i++)
		fx_add(&d->pl, &procs[i]);
	render_pl(d);
}

static void doc_free(struct doc *d)
{
	json_object_put(d->root);
	free(d->text);
	model_free(&d->m);
	proclist_free(&d->pl);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		print_error("key \"%s\" is missing\n", key);
	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static struct json_object *get_typed(struct json_object *o, const char *key,
				     json_type type)
{
	struct json_object *v = get(o, key);

	if (!json_object_is_type(v, type))
		print_error("key \"%s\" is a %s, not a %s\n", key,
			    json_type_to_name(json_object_get_type(v)),
			    json_type_to_name(type));
	assert_true(json_object_is_type(v, type));
	return v;
}

static void assert_jstring(struct json_object *v, const char *want, size_t len)
{
	assert_true(json_object_is_type(v, json_type_string));
	assert_int_equal((size_t)json_object_get_string_len(v), len);
	assert_memory_equal(json_object_get_string(v), want, len);
}

static void assert_int_array(struct json_object *a, const pid_t *want, size_t n)
{
	size_t i;

	assert_true(json_object_is_type(a, json_type_array));
	assert_int_equal(json_object_array_length(a), n);
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		assert_true(json_object_is_type(v, json_type_int));
		assert_int_equal(json_object_get_int(v), want[i]);
	}
}

/* The process object of pid in the document. */
static struct json_object *process(struct json_object *root, pid_t pid)
{
	struct json_object *a = get_typed(root, "processes", json_type_array);
	size_t i;

	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *p = json_object_array_get_idx(a, i);

		if (json_object_get_int(get(p, "pid")) == pid)
			return p;
	}
	print_error("no process %d in the document\n", (int)pid);
	fail();
	return NULL;
}

static const char *const process_keys[] = {
	"pid", "ppid", "caba", "caba_status", "name", "cmdline", "uid", "user",
	"pgid", "sid", "state", "start_time", "threads", "reparented",
};

/* Exactly the documented keys, and with threads "thread_list" too. */
static void assert_process_keys(struct json_object *p, bool threads)
{
	size_t i, n = 0;

	json_object_object_foreach(p, key, val) {
		bool known = threads && strcmp(key, "thread_list") == 0;

		(void)val;
		for (i = 0; i < ARRAY_SIZE(process_keys); i++)
			known |= strcmp(key, process_keys[i]) == 0;
		if (!known)
			print_error("unexpected key \"%s\"\n", key);
		assert_true(known);
		n++;
	}
	assert_int_equal(n, ARRAY_SIZE(process_keys) + (threads ? 1 : 0));
}

/* ---- a whole document, process by process ---- */

#define CMD(s) .cmdline = s, .cmdline_len = sizeof(s) - 1
#define NAME(s) .name = s, .name_len = sizeof(s) - 1

#define NOBODY_UID 4000000000u

/* The self-test scenario of cabatree(1), with a kernel thread and an old process. */
static const struct fx_proc doc_procs[] = {
	{ 1, 0, 0, CABA_OUTSIDE, NAME("systemd"), CMD("/sbin/init\0splash\0"),
	  0, 1, 1, 'S', 1, 1 },
	{ 2, 1, 1, CABA_KERNEL, NAME("sh"), CMD("sh\0-c\0x y\0"),
	  1000, 2, 2, 'S', 50, 1 },
	{ 4, 1, 2, CABA_KERNEL, NAME("sh"), NULL, 0,
	  NOBODY_UID, 4, 4, 'R', 1099511627777ull, 3 },
	{ 5, 4, 4, CABA_KERNEL, NAME("sh"), CMD(""),
	  0, 5, 2, 'Z', 100, 1 },
	{ 7, 2, 4, CABA_KERNEL, NAME("sh"), CMD("a\0\0b"),
	  0, 7, 4, 'D', 200, 1 },
	{ 9, 1, 0, CABA_UNKNOWN, NAME("legacy"), CMD("legacy\0"),
	  0, 9, 1, 'S', 300, 2 },
	{ 100, 0, 0, CABA_KERNEL, NAME("kthreadd"), CMD(""),
	  0, 0, 0, 'S', 2, 1 },
};

struct jexpect {
	const char *name_;	/* the test's */
	pid_t pid, ppid;
	long long caba;		/* -1: null */
	const char *caba_status;
	const char *name;
	const char *args[4];	/* NULL-terminated */
	long long uid;
	pid_t pgid, sid;
	const char *state;
	unsigned long long start_time;
	int threads;
	bool reparented;
};

static const struct jexpect doc_expect[] = {
	{ "init born outside the namespace",
	  1, 0, -1, "outside_namespace", "systemd", { "/sbin/init", "splash" },
	  0, 1, 1, "S", 1, 1, false },
	{ "shell with arguments and a user",
	  2, 1, 1, "kernel", "sh", { "sh", "-c", "x y" },
	  1000, 2, 2, "S", 50, 1, false },
	{ "reparented, unreadable cmdline, no user",
	  4, 1, 2, "kernel", "sh", { NULL },
	  NOBODY_UID, 4, 4, "R", 1099511627777ull, 3, true },
	{ "zombie with an empty cmdline",
	  5, 4, 4, "kernel", "sh", { NULL }, 0, 5, 2, "Z", 100, 1, false },
	{ "reparented, empty argument",
	  7, 2, 4, "kernel", "sh", { "a", "", "b" }, 0, 7, 4, "D", 200, 1, true },
	{ "no NScaba line",
	  9, 1, -1, "unknown", "legacy", { "legacy" }, 0, 9, 1, "S", 300, 2, false },
	{ "kernel thread: caba 0",
	  100, 0, 0, "kernel", "kthreadd", { NULL }, 0, 0, 0, "S", 2, 1, false },
};

/*
 * The recorder's statuses, exact: caba_from_reaper for an inferred process
 * only; no CABA for the unrecorded and hidden ones, which are born roots;
 * reparented from the recorder's CABA as from the kernel's.
 */
static void test_recorder_statuses(void **state)
{
	static const struct fx_proc procs[] = {
		{ 1, 0, 0, CABA_DEFINED, NAME("init"), .nthreads = 1 },
		{ 2, 1, 1, CABA_INFERRED, NAME("a"), .nthreads = 1, .from_reaper = true },
		{ 3, 2, 2, CABA_INFERRED, NAME("b"), .nthreads = 1 },
		{ 4, 1, 3, CABA_WITNESSED, NAME("c"), .nthreads = 1 },
		{ 5, 1, 0, CABA_UNRECORDED, NAME("d"), .nthreads = 1 },
		{ 6, 1, 0, CABA_HIDDEN, NAME("e"), .nthreads = 1 },
	};
	static const struct {
		pid_t pid;
		const char *status;
		long long caba;		/* -1: null */
		int from_reaper;	/* -1: no such key */
		bool reparented;
	} want[] = {
		{ 1, "defined", 0, -1, false },
		{ 2, "inferred", 1, 1, false },
		{ 3, "inferred", 2, 0, false },
		{ 4, "witnessed", 3, -1, true },
		{ 5, "unrecorded", -1, -1, false },
		{ 6, "hidden", -1, -1, false },
	};
	static const pid_t born_roots[] = { 1, 5, 6 };
	struct json_object *p, *v;
	struct doc d;
	size_t i;

	(void)state;
	memset(&d, 0, sizeof(d));
	render_doc(&d, procs, ARRAY_SIZE(procs));
	assert_jstring(get(d.root, "caba_source"), B("recorder"));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		p = process(d.root, want[i].pid);
		assert_jstring(get(p, "caba_status"), want[i].status, strlen(want[i].status));
		if (want[i].caba < 0)
			assert_true(json_object_is_type(get(p, "caba"), json_type_null));
		else
			assert_int_equal(json_object_get_int(get(p, "caba")), want[i].caba);
		if (want[i].from_reaper < 0) {
			assert_false(json_object_object_get_ex(p, "caba_from_reaper", NULL));
		} else {
			v = get_typed(p, "caba_from_reaper", json_type_boolean);
			assert_int_equal(json_object_get_boolean(v), want[i].from_reaper);
		}
		v = get_typed(p, "reparented", json_type_boolean);
		assert_int_equal(json_object_get_boolean(v), want[i].reparented);
	}
	assert_int_array(get(d.root, "born_roots"), born_roots, ARRAY_SIZE(born_roots));
	doc_free(&d);
}

/* The document as a whole. */
static void test_document(void **state)
{
	static const pid_t order[] = { 1, 2, 4, 5, 7, 9, 100 };
	static const pid_t real_roots[] = { 1, 100 };
	static const pid_t born_roots[] = { 1, 9, 100 };
	struct json_object *procs, *v;
	struct doc d;
	size_t i;

	memset(&d, 0, sizeof(d));
	render_doc(&d, doc_procs, ARRAY_SIZE(doc_procs));
	v = get_typed(d.root, "version", json_type_int);
	assert_int_equal(json_object_get_int(v), 1);
	assert_jstring(get(d.root, "caba_source"), B("kernel"));
	assert_false(json_object_object_get_ex(d.root, "focus", NULL));
	procs = get_typed(d.root, "processes", json_type_array);
	assert_int_equal(json_object_array_length(procs), ARRAY_SIZE(order));
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		v = json_object_array_get_idx(procs, i);
		assert_true(json_object_is_type(v, json_type_object));
		assert_int_equal(json_object_get_int(get(v, "pid")), order[i]);
	}
	assert_int_array(get(d.root, "real_roots"), real_roots, ARRAY_SIZE(real_roots));
	assert_int_array(get(d.root, "born_roots"), born_roots, ARRAY_SIZE(born_roots));
	doc_free(&d);
}

/* One process of the document, key by key. */
static void test_document_process(void **state)
{
	const struct jexpect *e = *state;
	struct json_object *p, *a, *v;
	struct passwd *pw;
	struct doc d;
	size_t k, nargs = 0;

	memset(&d, 0, sizeof(d));
	render_doc(&d, doc_procs, ARRAY_SIZE(doc_procs));
	p = process(d.root, e->pid);
	assert_process_keys(p, false);
	v = get_typed(p, "ppid", json_type_int);
	assert_int_equal(json_object_get_int(v), e->ppid);
	if (e->caba < 0) {
		assert_true(json_object_is_type(get(p, "caba"), json_type_null));
	} else {
		v = get_typed(p, "caba", json_type_int);
		assert_int_equal(json_object_get_int64(v), e->caba);
	}
	assert_jstring(get(p, "caba_status"), e->caba_status, strlen(e->caba_status));
	assert_jstring(get(p, "name"), e->name, strlen(e->name));
	a = get_typed(p, "cmdline", json_type_array);
	while (nargs < 4 && e->args[nargs])
		nargs++;
	assert_int_equal(json_object_array_length(a), nargs);
	for (k = 0; k < nargs; k++)
		assert_jstring(json_object_array_get_idx(a, k), e->args[k],
			       strlen(e->args[k]));
	v = get_typed(p, "uid", json_type_int);
	assert_int_equal(json_object_get_int64(v), e->uid);
	pw = getpwuid((uid_t)e->uid);
	if (e->uid == 0)
		assert_jstring(get(p, "user"), B("root"));
	else if (pw)
		assert_jstring(get(p, "user"), pw->pw_name, strlen(pw->pw_name));
	else
		assert_true(json_object_is_type(get(p, "user"), json_type_null));
	v = get_typed(p, "pgid", json_type_int);
	assert_int_equal(json_object_get_int(v), e->pgid);
	v = get_typed(p, "sid", json_type_int);
	assert_int_equal(json_object_get_int(v), e->sid);
	assert_jstring(get(p, "state"), e->state, 1);
	v = get_typed(p, "start_time", json_type_int);
	assert_int_equal(json_object_get_uint64(v), e->start_time);
	v = get_typed(p, "threads", json_type_int);
	assert_int_equal(json_object_get_int(v), e->threads);
	v = get_typed(p, "reparented", json_type_boolean);
	assert_int_equal(json_object_get_boolean(v), e->reparented);
	doc_free(&d);
}

/* A uid with no user has "user": null (checked against the system). */
static void test_no_user(void **state)
{
	static const struct fx_proc one[] = {
		{ 1, 0, 0, CABA_UNKNOWN, NAME("x"), NULL, 0, NOBODY_UID, 1, 1, 'S', 0, 1 },
	};
	struct doc d;

	if (getpwuid(NOBODY_UID))
		unit_skip("uid 4000000000 is a user here");
	memset(&d, 0, sizeof(d));
	render_doc(&d, one, 1);
	assert_true(json_object_is_type(get(process(d.root, 1), "user"),
					json_type_null));
	assert_int_equal(json_object_get_int64(get(process(d.root, 1), "uid")),
			 NOBODY_UID);
	doc_free(&d);
}

/* Without NScaba anywhere: "none", and no born roots at all. */
static void test_caba_source_none(void **state)
{
	static const struct fx_proc procs[] = {
		{ 1, 0, 0, CABA_UNKNOWN, NAME("init"), NULL, 0, 0, 1, 1, 'S', 1, 1 },
		{ 2, 1, 0, CABA_UNKNOWN, NAME("a"), NULL, 0, 0, 1, 1, 'S', 1, 1 },
		{ 3, 0, 0, CABA_UNKNOWN, NAME("b"), NULL, 0, 0, 1, 1, 'S', 1, 1 },
	};
	static const pid_t real_roots[] = { 1, 3 };
	struct json_object *p;
	struct doc d;

	memset(&d, 0, sizeof(d));
	render_doc(&d, procs, ARRAY_SIZE(procs));
	assert_jstring(get(d.root, "caba_source"), B("none"));
	assert_int_array(get(d.root, "real_roots"), real_roots, 2);
	assert_int_array(get(d.root, "born_roots"), NULL, 0);
	p = process(d.root, 2);
	assert_true(json_object_is_type(get(p, "caba"), json_type_null));
	assert_jstring(get(p, "caba_status"), B("unknown"));
	assert_false(json_object_get_boolean(get(p, "reparented")));
	doc_free(&d);
}

/* No process at all: still a whole document. */
static void test_empty_model(void **state)
{
	struct doc d;

	memset(&d, 0, sizeof(d));
	render_doc(&d, NULL, 0);
	assert_int_equal(json_object_get_int(get(d.root, "version")), 1);
	assert_jstring(get(d.root, "caba_source"), B("none"));
	assert_int_equal(json_object_array_length(get_typed(d.root, "processes",
							    json_type_array)), 0);
	assert_int_array(get(d.root, "real_roots"), NULL, 0);
	assert_int_array(get(d.root, "born_roots"), NULL, 0);
	doc_free(&d);
}

/* ---- focus ---- */

#define P(pid, ppid, caba, name)					\
	{ pid, ppid, caba, CABA_KERNEL, NAME(name), NULL, 0, 0, pid, pid, 'S', 1, 1 }

/* 1 -> 2 -> {3, 4 -> 5}, 1 -> 6 -> 7 -> 8 (born of 3), and a root 200. */
static const struct fx_proc tree_procs[] = {
	P(1, 0, 0, "init"), P(2, 1, 1, "a"), P(3, 2, 2, "b"), P(4, 2, 2, "c"),
	P(5, 4, 4, "d"), P(6, 1, 1, "e"), P(7, 6, 6, "f"), P(8, 7, 3, "g"),
	P(200, 0, 0, "other"),
};

struct focus_case {
	const char *name;
	pid_t pids[3];
	size_t npids;
	pid_t procs[10];	/* expected processes, in order */
	size_t nprocs;
	pid_t real_roots[3];
	size_t nreal;
	pid_t born_roots[3];
	size_t nborn;
};

static const struct focus_case focus_cases[] = {
	{ "focus 3: shown in either tree", { 3 }, 1,
	  { 1, 2, 3, 8 }, 4, { 1 }, 1, { 1 }, 1 },
	{ "focus 8: different ancestors", { 8 }, 1,
	  { 1, 2, 3, 6, 7, 8 }, 6, { 1 }, 1, { 1 }, 1 },
	{ "focus 200 and 5", { 200, 5 }, 2,
	  { 1, 2, 4, 5, 200 }, 5, { 1, 200 }, 2, { 1, 200 }, 2 },
	{ "focus the root", { 200 }, 1, { 200 }, 1, { 200 }, 1, { 200 }, 1 },
};

static void test_focus(void **state)
{
	const struct focus_case *c = *state;
	struct json_object *procs;
	pid_t pids[3];
	struct doc d;
	size_t i;

	memset(&d, 0, sizeof(d));
	memcpy(pids, c->pids, sizeof(pids));
	d.o.focus = pids;
	d.o.nfocus = c->npids;
	render_doc(&d, tree_procs, ARRAY_SIZE(tree_procs));
	assert_int_array(get(d.root, "focus"), c->pids, c->npids);
	procs = get_typed(d.root, "processes", json_type_array);
	assert_int_equal(json_object_array_length(procs), c->nprocs);
	for (i = 0; i < c->nprocs; i++)
		assert_int_equal(json_object_get_int(get(json_object_array_get_idx(procs, i),
							 "pid")), c->procs[i]);
	assert_int_array(get(d.root, "real_roots"), c->real_roots, c->nreal);
	assert_int_array(get(d.root, "born_roots"), c->born_roots, c->nborn);
	doc_free(&d);
}

/* ---- cmdline ---- */

struct cmdline_case {
	const char *name;
	const char *cmdline;	/* NULL: not read */
	size_t len;
	const char *args[5];
	size_t nargs;
};

static const struct cmdline_case cmdline_cases[] = {
	{ "arguments, NUL-terminated", B("ls\0-l\0/tmp\0"), { "ls", "-l", "/tmp" }, 3 },
	{ "no final NUL (argv rewritten)", B("a\0b"), { "a", "b" }, 2 },
	{ "empty argument in the middle", B("a\0\0b\0"), { "a", "", "b" }, 3 },
	{ "empty last argument", B("a\0\0"), { "a", "" }, 2 },
	{ "one empty argument", B("\0"), { "" }, 1 },
	{ "one word, no NUL", B("x"), { "x" }, 1 },
	{ "space inside an argument", B("sh\0-c\0echo a b\0"),
	  { "sh", "-c", "echo a b" }, 3 },
	{ "read but empty", B(""), { NULL }, 0 },
	{ "not read", NULL, 0, { NULL }, 0 },
	{ "invalid UTF-8 argument", B("\xff\0\xc3\xa9\0\xe6\xbc\0"),
	  { FFFD, "\xc3\xa9", FFFD FFFD }, 3 },
	{ "controls in an argument", B("\033[2J\n\t\x01\0"),
	  { "\033[2J\n\t\x01" }, 1 },
};

static void test_cmdline(void **state)
{
	const struct cmdline_case *c = *state;
	struct fx_proc one[] = {
		{ 1, 0, 0, CABA_UNKNOWN, NAME("p"), c->cmdline, c->len,
		  0, 1, 1, 'S', 0, 1 },
	};
	struct json_object *a;
	struct doc d;
	size_t k;

	memset(&d, 0, sizeof(d));
	render_doc(&d, one, 1);
	a = get_typed(process(d.root, 1), "cmdline", json_type_array);
	assert_int_equal(json_object_array_length(a), c->nargs);
	for (k = 0; k < c->nargs; k++)
		assert_jstring(json_object_array_get_idx(a, k), c->args[k],
			       strlen(c->args[k]));
	doc_free(&d);
}

/* ---- hostile names ---- */

struct name_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *out;	/* the string after parsing */
	size_t out_len;
};

static const struct name_case name_cases[] = {
	{ "invalid bytes and controls",
	  B("a\xff\x80" "b\n\t\033[31m\x01\x7f"),
	  B("a" FFFD FFFD "b\n\t\033[31m\x01\x7f") },
	{ "C0 controls", B("\r\b\f\x1f"), B("\r\b\f\x1f") },
	{ "C1 and bidi are valid UTF-8", B("\xc2\x9b\xe2\x80\xae"),
	  B("\xc2\x9b\xe2\x80\xae") },
	{ "truncated sequence", B("x\xe6\xbc"), B("x" FFFD FFFD) },
	{ "overlong C0 AF", B("\xc0\xaf"), B(FFFD FFFD) },
	{ "surrogate", B("\xed\xa0\x80"), B(FFFD FFFD FFFD) },
	{ "above U+10FFFF", B("\xf4\x90\x80\x80"), B(FFFD FFFD FFFD FFFD) },
	{ "JSON syntax", B("q\"u\\o/te}],"), B("q\"u\\o/te}],") },
	{ "NUL inside", B("a\0b"), B("a\0b") },
	{ "multibyte kept", B("caf\xc3\xa9 \xe6\xbc\xa2"), B("caf\xc3\xa9 \xe6\xbc\xa2") },
	{ "empty", B(""), B("") },
};

static void test_hostile_name(void **state)
{
	const struct name_case *c = *state;
	/* The same bytes as the name, as the one argument, as a thread's name. */
	const struct fx_proc one = {
		1, 0, 0, CABA_KERNEL, c->in, c->in_len, c->in, c->in_len + 1,
		0, 1, 1, 'S', 0, 1, false,
	};
	struct json_object *p, *tl, *t;
	struct ct_thread *th;
	struct doc d;

	memset(&d, 0, sizeof(d));
	d.o.threads = true;
	fx_add(&d.pl, &one);
	th = calloc(1, sizeof(*th));
	assert_non_null(th);
	th->tid = 2;
	th->name = malloc(c->in_len + 1);
	assert_non_null(th->name);
	memcpy(th->name, c->in, c->in_len + 1);
	th->name_len = c->in_len;
	d.pl.v[0].threads = th;
	d.pl.v[0].nthreads_listed = 1;
	render_pl(&d);

	p = process(d.root, 1);
	assert_process_keys(p, true);
	assert_jstring(get(p, "name"), c->out, c->out_len);
	if (!memchr(c->in, '\0', c->in_len)) {
		struct json_object *a = get_typed(p, "cmdline", json_type_array);

		assert_int_equal(json_object_array_length(a), 1);
		assert_jstring(json_object_array_get_idx(a, 0), c->out, c->out_len);
	}
	tl = get_typed(p, "thread_list", json_type_array);
	assert_int_equal(json_object_array_length(tl), 1);
	t = json_object_array_get_idx(tl, 0);
	assert_int_equal(json_object_get_int(get(t, "tid")), 2);
	assert_jstring(get(t, "name"), c->out, c->out_len);
	doc_free(&d);
}

int main(void)
{
	static struct CMUnitTest procs[ARRAY_SIZE(doc_expect)];
	static struct CMUnitTest focus[ARRAY_SIZE(focus_cases)];
	static struct CMUnitTest cmdline[ARRAY_SIZE(cmdline_cases)];
	static struct CMUnitTest names[ARRAY_SIZE(name_cases)];
	static const struct CMUnitTest doc[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_recorder_statuses),
		cmocka_unit_test(test_no_user),
		cmocka_unit_test(test_caba_source_none),
		cmocka_unit_test(test_empty_model),
	};
	int failed = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(doc_expect); i++)
		procs[i] = (struct CMUnitTest){
			.name = doc_expect[i].name_,
			.test_func = test_document_process,
			.initial_state = (void *)&doc_expect[i],
		};
	TABLE_TESTS(focus, focus_cases, test_focus);
	TABLE_TESTS(cmdline, cmdline_cases, test_cmdline);
	TABLE_TESTS(names, name_cases, test_hostile_name);
	failed += cmocka_run_group_tests_name("json document", doc, NULL, NULL);
	failed += cmocka_run_group_tests_name("json processes", procs, NULL, NULL);
	failed += cmocka_run_group_tests_name("json focus", focus, NULL, NULL);
	failed += cmocka_run_group_tests_name("json cmdline", cmdline, NULL, NULL);
	failed += cmocka_run_group_tests_name("json hostile names", names, NULL, NULL);
	return unit_status(failed);
}
