// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/recorder/proto.c: the question to cabatreed and its
 * answer, written and read back, and every kind of malformed message
 * refused with the line it is on.
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
#include <limits.h>

#include <cmocka.h>

#include "unit.h"

#include "records.h"
#include "recorder/proto.h"
#include "xalloc.h"

/* A modifiable copy of s, parsed as a question. */
static int parse_q(const char *s, size_t n, struct proto_request *q, char *err, size_t errlen)
{
	char *buf = xmalloc(n + 1);
	int ret;

	memcpy(buf, s, n);
	ret = proto_parse_request(buf, n, q, err, errlen);
	free(buf);
	return ret;
}

static int parse_a(const char *s, size_t n, struct proto_answer *a, char *err, size_t errlen)
{
	char *buf = xmalloc(n + 1);
	int ret;

	memcpy(buf, s, n);
	ret = proto_parse_answer(buf, n, a, err, errlen);
	free(buf);
	return ret;
}

static void test_request_round_trip(void **state)
{
	struct proto_pair v[] = {
		{ 1, 0 }, { 2, 5 }, { 4567, 123456789 }, { CT_PID_MAX, ULLONG_MAX },
	};
	struct proto_request q = { .pidns = 4026531836ULL, .wait_ms = 250, .v = v, .n = 4 };
	struct proto_request r;
	struct strbuf sb = STRBUF_INIT;
	char err[128];
	size_t i;

	(void)state;
	proto_format_request(&sb, &q);
	assert_string_equal(sb.s, "cabatree-query 1\npidns 4026531836\nwait-ms 250\ncount 4\n"
			    "1 0\n2 5\n4567 123456789\n4194304 18446744073709551615\nend\n");
	assert_int_equal(parse_q(sb.s, sb.len, &r, err, sizeof(err)), 0);
	assert_true(r.pidns == q.pidns);
	assert_int_equal(r.wait_ms, 250);
	assert_int_equal(r.n, 4);
	for (i = 0; i < 4; i++)
		assert_true(r.v[i].pid == v[i].pid && r.v[i].start == v[i].start);
	proto_request_free(&r);

	/* None asked about. */
	q.n = 0;
	sb_reset(&sb);
	proto_format_request(&sb, &q);
	assert_int_equal(parse_q(sb.s, sb.len, &r, err, sizeof(err)), 0);
	assert_int_equal(r.n, 0);
	proto_request_free(&r);
	sb_free(&sb);
}

static void test_answer_round_trip(void **state)
{
	struct proto_entry v[] = {
		{ 10, 100, PK_WITNESSED, 9, 90 },
		{ 11, 101, PK_INFERRED, 1, 1 },
		{ 12, 102, PK_REAPER, 1, 1 },
		{ 1, 1, PK_DEFINED, 0, 0 },
		{ 13, 103, PK_OUTSIDE, 0, 0 },
		{ 14, 104, PK_HIDDEN, 0, 0 },
		{ 15, 105, PK_UNKNOWN, 0, 0 },
	};
	struct proto_answer a = { "connector", 3, 1700000000, true, v, 7 }, b;
	struct strbuf sb = STRBUF_INIT;
	char err[128];
	size_t i;

	(void)state;
	proto_format_answer(&sb, &a);
	assert_string_equal(sb.s, "cabatree-answer 1\nbackend connector\nlost 3\n"
			    "since 1700000000\nfiltered 1\ncount 7\n"
			    "10 100 w 9 90\n11 101 i 1 1\n12 102 r 1 1\n1 1 d 0 0\n"
			    "13 103 o 0 0\n14 104 h 0 0\n15 105 u 0 0\nend\n");
	assert_int_equal(parse_a(sb.s, sb.len, &b, err, sizeof(err)), 0);
	assert_string_equal(b.backend, "connector");
	assert_true(b.lost == 3 && b.since == 1700000000 && b.filtered);
	assert_int_equal(b.n, 7);
	for (i = 0; i < 7; i++) {
		assert_int_equal(b.v[i].pid, v[i].pid);
		assert_true(b.v[i].start == v[i].start);
		assert_int_equal(b.v[i].kind, v[i].kind);
		assert_int_equal(b.v[i].caba, v[i].caba);
		assert_true(b.v[i].caba_start == v[i].caba_start);
	}
	proto_answer_free(&b);
	sb_free(&sb);
}

static void test_error(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct proto_answer a;
	char err[128];

	(void)state;
	proto_format_error(&sb, "no process of pid namespace 42 is running\nsecond line");
	assert_string_equal(sb.s, "cabatree-error 1\nno process of pid namespace 42 is running\n");
	assert_int_equal(parse_a(sb.s, sb.len, &a, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "no process of pid namespace 42 is running");
	assert_null(a.v);

	/* Made safe: control bytes, C1 controls, bidirectional overrides, bad UTF-8. */
	assert_int_equal(parse_a(B("cabatree-error 1\n\033[2Jcaf\xc3\xa9 \xc2\x9b\xe2\x80\xae \xff\x01\n"),
				 &a, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "?[2Jcaf\xc3\xa9 ?? ??");
	/* Cut to the buffer, never in the middle of a character. */
	assert_int_equal(parse_a(B("cabatree-error 1\nab\xc3\xa9\n"), &a, err, 4), -EPROTO);
	assert_string_equal(err, "ab");
	/* Another version of an error is not understood as one. */
	assert_int_equal(parse_a(B("cabatree-error 2\nsomething\n"), &a, err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "version 2"));
	sb_free(&sb);
}

struct bad_case {
	const char *name;
	const char *text;
	size_t len;
	bool answer;
	const char *err;	/* the start of the description */
};

#define Q(name, text, err) { name, text, sizeof(text) - 1, false, err }
#define A(name, text, err) { name, text, sizeof(text) - 1, true, err }
#define QH "cabatree-query 1\npidns 7\nwait-ms 10\n"
#define AH "cabatree-answer 1\nbackend ebpf\nlost 0\nsince 5\nfiltered 0\n"

static const struct bad_case bad_cases[] = {
	Q("q: empty", "", "line 1: not a"),
	Q("q: an answer", AH "count 0\nend\n", "line 1: not a"),
	Q("q: version 2", "cabatree-query 2\n", "line 1: version 2"),
	Q("q: version 01", "cabatree-query 01\n", "line 1: not a"),
	Q("q: two spaces", "cabatree-query  1\n", "line 1: not a"),
	Q("q: no pidns", "cabatree-query 1\nwait-ms 10\n", "line 2: expected a 'pidns'"),
	Q("q: pidns 0", "cabatree-query 1\npidns 0\n", "line 2: expected a 'pidns'"),
	Q("q: pidns signed", "cabatree-query 1\npidns +7\n", "line 2: expected a 'pidns'"),
	Q("q: pidns overflow", "cabatree-query 1\npidns 18446744073709551616\n",
	  "line 2: expected a 'pidns'"),
	Q("q: wait-ms overflow", "cabatree-query 1\npidns 7\nwait-ms 4294967296\n",
	  "line 3: expected a 'wait-ms'"),
	Q("q: wait-ms trailing", "cabatree-query 1\npidns 7\nwait-ms 10 \n",
	  "line 3: expected a 'wait-ms'"),
	Q("q: no count", QH "1 2\nend\n", "line 4: expected a 'count'"),
	Q("q: count too big", QH "count 4194305\n", "line 4: a count of 4194305"),
	Q("q: count beyond the bytes", QH "count 4\n1 2\n2 3\nend\n", "line 4: cut short"),
	Q("q: huge count", QH "count 18446744073709551615\n", "line 4: a count of"),
	Q("q: cut short", QH "count 2\n1 2\n2 3\n", "line 7: expected 'end'"),
	Q("q: no newline", QH "count 1\n1 2", "line 4: cut short"),
	Q("q: pid 0", QH "count 1\n0 2\nend\n", "line 5: malformed"),
	Q("q: pid too big", QH "count 1\n4194305 2\nend\n", "line 5: malformed"),
	Q("q: pid negative", QH "count 1\n-1 2\nend\n", "line 5: malformed"),
	Q("q: leading zero", QH "count 1\n01 2\nend\n", "line 5: malformed"),
	Q("q: leading space", QH "count 1\n 1 2\nend\n", "line 5: malformed"),
	Q("q: tab", QH "count 1\n1\t2\nend\n", "line 5: malformed"),
	Q("q: extra field", QH "count 1\n1 2 3\nend\n", "line 5: malformed"),
	Q("q: start overflow", QH "count 1\n1 18446744073709551616\nend\n", "line 5: malformed"),
	Q("q: more lines than counted", QH "count 1\n1 2\n2 3\nend\n", "line 6: expected 'end'"),
	Q("q: data after end", QH "count 0\nend\nx", "line 6: data after"),
	Q("q: end twice", QH "count 0\nend\nend\n", "line 6: data after"),
	Q("q: NUL", QH "count 1\n1 2\0\nend\n", "line 5: NUL byte"),
	Q("q: CRLF", "cabatree-query 1\r\npidns 7\n", "line 1: not a"),
	A("a: empty", "", "line 1: not a"),
	A("a: a question", QH "count 0\nend\n", "line 1: not a"),
	A("a: backend capitals", "cabatree-answer 1\nbackend EBPF\n", "line 2: expected a 'backend'"),
	A("a: backend empty", "cabatree-answer 1\nbackend \n", "line 2: expected a 'backend'"),
	A("a: backend too long", "cabatree-answer 1\nbackend abcdefghijklmnop\n",
	  "line 2: expected a 'backend'"),
	A("a: backend escape", "cabatree-answer 1\nbackend e\033[2J\n", "line 2: expected a 'backend'"),
	A("a: lost missing", "cabatree-answer 1\nbackend ebpf\nsince 5\n", "line 3: expected a 'lost'"),
	A("a: since negative", "cabatree-answer 1\nbackend ebpf\nlost 0\nsince -5\n",
	  "line 4: expected a 'since'"),
	A("a: filtered 2", "cabatree-answer 1\nbackend ebpf\nlost 0\nsince 5\nfiltered 2\n",
	  "line 5: expected a 'filtered'"),
	A("a: count beyond the bytes", AH "count 2\n1 2 u 0 0\nend\n", "line 6: cut short"),
	A("a: count too big", AH "count 4194305\n", "line 6: a count of"),
	A("a: kind x", AH "count 1\n1 2 x 0 0\nend\n", "line 7: malformed"),
	A("a: kind missing", AH "count 1\n1 2  0 0\nend\n", "line 7: malformed"),
	A("a: w without caba", AH "count 1\n5 2 w 0 0\nend\n", "line 7: malformed"),
	A("a: u with caba", AH "count 1\n5 2 u 1 1\nend\n", "line 7: malformed"),
	A("a: o with caba start", AH "count 1\n5 2 o 0 1\nend\n", "line 7: malformed"),
	A("a: h with caba", AH "count 1\n5 2 h 3 0\nend\n", "line 7: malformed"),
	A("a: d with caba", AH "count 1\n5 2 d 3 1\nend\n", "line 7: malformed"),
	A("a: caba too big", AH "count 1\n5 2 w 4194305 1\nend\n", "line 7: malformed"),
	A("a: pid 0", AH "count 1\n0 2 u 0 0\nend\n", "line 7: malformed"),
	A("a: trailing space", AH "count 1\n5 2 w 1 1 \nend\n", "line 7: malformed"),
	A("a: no end", AH "count 1\n5 2 w 1 1\nended\n", "line 8: expected 'end'"),
	A("a: data after end", AH "count 0\nend\n\n", "line 8: data after"),
	A("a: NUL", AH "count 1\n5 2 w 1\0001\nend\n", "line 7: NUL byte"),
};

static void test_bad(void **state)
{
	const struct bad_case *c = *state;
	struct proto_request q;
	struct proto_answer a;
	char err[256];
	int ret;

	if (c->answer) {
		ret = parse_a(c->text, c->len, &a, err, sizeof(err));
		assert_null(a.v);
		assert_int_equal(a.n, 0);
	} else {
		ret = parse_q(c->text, c->len, &q, err, sizeof(err));
		assert_null(q.v);
		assert_int_equal(q.n, 0);
	}
	assert_int_equal(ret, -EBADMSG);
	if (strncmp(err, c->err, strlen(c->err)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", err, c->err);
}

/*
 * A count that announces more than the bytes hold is refused before any
 * memory is taken for it: here, under a limit that such an array would
 * break, with the largest count allowed.
 */
static void test_huge_count(void **state)
{
	struct proto_request q;
	char err[128];
	char text[] = QH "count 4194304\n1 2\nend\n";

	(void)state;
	assert_int_equal(parse_q(text, sizeof(text) - 1, &q, err, sizeof(err)), -EBADMSG);
	assert_null(q.v);
	assert_non_null(strstr(err, "cut short"));
}

/* Every byte of a good message cut off or changed: refused or the same. */
static void test_cuts_and_flips(void **state)
{
	static const char text[] = AH "count 2\n10 100 w 9 90\n15 105 u 0 0\nend\n";
	struct proto_answer a;
	char buf[sizeof(text)], err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(text) - 1; i++) {
		memcpy(buf, text, sizeof(text));
		assert_int_equal(proto_parse_answer(buf, i, &a, err, sizeof(err)), -EBADMSG);
		assert_null(a.v);
	}
	for (i = 0; i < sizeof(text) - 1; i++) {
		int ret;

		memcpy(buf, text, sizeof(text));
		buf[i] = buf[i] == '\n' ? ' ' : '\n';
		ret = proto_parse_answer(buf, sizeof(text) - 1, &a, err, sizeof(err));
		assert_int_equal(ret, -EBADMSG);
		assert_null(a.v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_answer_round_trip),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_huge_count),
		cmocka_unit_test(test_cuts_and_flips),
	};
	struct CMUnitTest bad[ARRAY_SIZE(bad_cases)];
	int fails;

	TABLE_TESTS(bad, bad_cases, test_bad);
	fails = cmocka_run_group_tests_name("questions and answers", tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("malformed messages", bad, NULL, NULL);
	return unit_status(fails);
}
