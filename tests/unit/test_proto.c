// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/recorder/proto.c: the question to cabatreed and its
 * answer, written and read back in both versions, the lineage of an
 * answer checked whole, every kind of malformed message refused with the
 * line it is on; and the text fields of recorder/lines.h.
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
#include "recorder/born.h"
#include "recorder/lines.h"
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
	struct proto_request q = { .version = 1, .pidns = 4026531836ULL, .wait_ms = 250,
				   .v = v, .n = 4 };
	struct proto_request r;
	struct strbuf sb = STRBUF_INIT;
	char err[128];
	size_t i;

	(void)state;
	proto_format_request(&sb, &q);
	assert_string_equal(sb.s, "cabatree-query 1\npidns 4026531836\nwait-ms 250\ncount 4\n"
			    "1 0\n2 5\n4567 123456789\n4194304 18446744073709551615\nend\n");
	assert_int_equal(parse_q(sb.s, sb.len, &r, err, sizeof(err)), 0);
	assert_int_equal(r.version, 1);
	assert_true(r.pidns == q.pidns);
	assert_int_equal(r.wait_ms, 250);
	assert_int_equal(r.n, 4);
	for (i = 0; i < 4; i++)
		assert_true(r.v[i].pid == v[i].pid && r.v[i].start == v[i].start);
	proto_request_free(&r);

	/* Version 2 asks the same; unsaid, the newest is asked. */
	q.version = 2;
	sb_reset(&sb);
	proto_format_request(&sb, &q);
	assert_memory_equal(sb.s, "cabatree-query 2\npidns", 22);
	assert_int_equal(parse_q(sb.s, sb.len, &r, err, sizeof(err)), 0);
	assert_int_equal(r.version, 2);
	assert_int_equal(r.n, 4);
	proto_request_free(&r);
	q.version = 0;
	sb_reset(&sb);
	proto_format_request(&sb, &q);
	assert_memory_equal(sb.s, "cabatree-query 2\n", 17);

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
		{ 10, 100, PK_WITNESSED, 9, 90, 0, 0 },
		{ 11, 101, PK_INFERRED, 1, 1, 0, 0 },
		{ 12, 102, PK_REAPER, 1, 1, 0, 0 },
		{ 1, 1, PK_DEFINED, 0, 0, 0, 0 },
		{ 13, 103, PK_OUTSIDE, 0, 0, 0, 0 },
		{ 14, 104, PK_HIDDEN, 0, 0, 0, 0 },
		{ 15, 105, PK_UNKNOWN, 0, 0, 0, 0 },
	};
	struct proto_answer a = { .backend = "connector", .lost = 3, .since = 1700000000,
				  .filtered = true, .version = 1, .v = v, .n = 7 }, b;
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
	assert_int_equal(b.version, 1);
	assert_false(b.lineage);
	assert_null(b.rel);
	assert_int_equal(b.nrel, 0);
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
#define AH2 "cabatree-answer 2\nbackend ebpf\nlost 0\nsince 5\nfiltered 0\nlineage 1\ndropped 0\n"
#define AH2N "cabatree-answer 2\nbackend ebpf\nlost 0\nsince 5\nfiltered 1\nlineage 0\ndropped 0\n"
#define AH "cabatree-answer 1\nbackend ebpf\nlost 0\nsince 5\nfiltered 0\n"

static const struct bad_case bad_cases[] = {
	Q("q: empty", "", "line 1: not a"),
	Q("q: an answer", AH "count 0\nend\n", "line 1: not a"),
	Q("q: version 3", "cabatree-query 3\n", "line 1: version 3"),
	Q("q: version 0", "cabatree-query 0\n", "line 1: version 0"),
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
	A("a: version 3", "cabatree-answer 3\n", "line 1: version 3"),
	/* Version 2: lineage. */
	A("a2: v1 lines", AH2 "count 1\n5 2 w 1 1\nreleased 0\nend\n", "line 9: malformed"),
	A("a2: no lineage line", "cabatree-answer 2\nbackend ebpf\nlost 0\nsince 5\n"
	  "filtered 0\ndropped 0\n", "line 6: expected a 'lineage'"),
	A("a2: lineage 2", "cabatree-answer 2\nbackend ebpf\nlost 0\nsince 5\n"
	  "filtered 0\nlineage 2\n", "line 6: expected a 'lineage'"),
	A("a2: no dropped", "cabatree-answer 2\nbackend ebpf\nlost 0\nsince 5\n"
	  "filtered 0\nlineage 1\ncount 0\n", "line 7: expected a 'dropped'"),
	A("a2: dropped without lineage", "cabatree-answer 2\nbackend ebpf\nlost 0\nsince 5\n"
	  "filtered 0\nlineage 0\ndropped 3\n", "line 7: expected a 'dropped 0'"),
	A("a2: v1 end", AH2 "count 0\nend\n", "line 9: expected a 'released'"),
	A("a2: count beyond the bytes", AH2 "count 3\n1 2 u 0 0 0 0\nreleased 0\nend\n",
	  "line 8: cut short"),
	A("a2: creator 0 2", AH2 "count 1\n5 2 w 1 1 0 2\nreleased 0\nend\n",
	  "line 9: malformed"),
	A("a2: creator of unknown", AH2 "count 1\n5 2 u 0 0 0 1\nreleased 0\nend\n",
	  "line 9: malformed"),
	A("a2: creator of defined", AH2 "count 1\n1 2 d 0 0 7 1\nreleased 1\n"
	  "7 1 0 0 0 -1 - -\nend\n", "line 9: malformed"),
	A("a2: creator of hidden", AH2 "count 1\n5 2 h 0 0 7 1\nreleased 1\n"
	  "7 1 0 0 0 -1 - -\nend\n", "line 9: malformed"),
	A("a2: creator missing", AH2 "count 1\n5 2 w 1 1 7\nreleased 0\nend\n",
	  "line 9: malformed"),
	A("a2: creator too big", AH2 "count 1\n5 2 w 1 1 4194305 1\nreleased 0\nend\n",
	  "line 9: malformed"),
	A("a2: creator without lineage", AH2N "count 1\n5 2 w 1 1 0 1\nreleased 0\nend\n",
	  "line 9: a creator in an answer without lineage"),
	A("a2: released without lineage", AH2N "count 1\n5 2 w 1 1 0 0\nreleased 1\n"
	  "7 1 0 0 0 -1 - -\nend\n", "line 10: released ancestors in an answer without"),
	A("a2: released missing", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 0\nend\n",
	  "line 9: its creator 7 1 is not a released ancestor listed"),
	A("a2: released, another start", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 2 0 0 0 -1 - -\nend\n", "line 9: its creator 7 1 is not"),
	A("a2: released creator missing", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 8 1 0 -1 - -\nend\n", "line 11: its creator 8 1 is not"),
	A("a2: released loop of one", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 7 1 0 -1 - -\nend\n", "line 11: the creators of released ancestor 7 1 go round"),
	A("a2: released loop of three", AH2 "count 1\n5 2 w 1 1 0 0\nreleased 3\n"
	  "7 1 8 1 0 -1 - -\n8 1 9 1 0 -1 - -\n9 1 7 1 0 -1 - -\nend\n",
	  "line 11: the creators of released ancestor 7 1 go round"),
	A("a2: a loop above a chain", AH2 "count 1\n5 2 w 1 1 6 1\nreleased 3\n"
	  "6 1 7 1 0 -1 - -\n7 1 8 1 0 -1 - -\n8 1 7 1 0 -1 - -\nend\n",
	  "line 12: the creators of released ancestor 7 1 go round"),
	A("a2: released twice", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 2\n"
	  "7 1 0 0 0 -1 - -\n7 1 0 1 0 -1 - -\nend\n",
	  "line 12: released ancestor 7 1 listed twice"),
	A("a2: released on no lineage", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 2\n"
	  "7 1 0 0 0 -1 - -\n8 1 0 0 0 -1 - -\nend\n",
	  "line 12: released ancestor 8 1 is on no lineage"),
	A("a2: released count lies (more)", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 2\n"
	  "7 1 0 0 0 -1 - -\nend\n", "line 10: cut short: 2 released"),
	A("a2: released cut short", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 2\n"
	  "7 1 0 0 0 -1 - -\n8 1 0 0 0 -1 - -", "line 12: cut short after 1 of 2 released"),
	A("a2: released count lies (less)", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 -1 - -\n8 1 0 0 0 -1 - -\nend\n", "line 12: expected 'end'"),
	A("a2: released count beyond the bytes", AH2 "count 0\nreleased 2\n"
	  "7 1 0 0 0 -1 - -\nend\n", "line 9: cut short: 2 released"),
	A("a2: released too many", AH2 "count 0\nreleased 4097\n",
	  "line 9: 4097 released ancestors for 0 processes, more than 4096"),
	A("a2: released huge", AH2 "count 0\nreleased 18446744073709551615\n",
	  "line 9: 18446744073709551615 released"),
	A("a2: released pid 0", AH2 "count 1\n5 2 w 1 1 0 0\nreleased 1\n"
	  "0 1 0 0 0 -1 - -\nend\n", "line 11: malformed released"),
	A("a2: status -2", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 -2 - -\nend\n", "line 11: malformed released"),
	A("a2: status -10", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 -10 - -\nend\n", "line 11: malformed released"),
	A("a2: status too big", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 65536 - -\nend\n", "line 11: malformed released"),
	A("a2: name too long", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 0 0123456789abcdef -\nend\n", "line 11: malformed released"),
	A("a2: name with NUL", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 0 a%00b -\nend\n", "line 11: malformed released"),
	A("a2: name empty", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 0  -\nend\n", "line 11: malformed released"),
	A("a2: name lower-case escape", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 0 a%0a -\nend\n", "line 11: malformed released"),
	A("a2: name raw byte", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 0 caf\xc3\xa9 -\nend\n", "line 11: malformed released"),
	A("a2: program missing", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 0 sh\nend\n", "line 11: malformed released"),
	A("a2: extra field", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 0 0 0 sh /bin/sh x\nend\n", "line 11: malformed released"),
	A("a2: released creator 0 2", AH2 "count 1\n5 2 w 1 1 7 1\nreleased 1\n"
	  "7 1 0 2 0 0 sh -\nend\n", "line 11: malformed released"),
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

/* An answer of version 2: a double fork, a chain of three, a cut, names to escape. */
static void test_answer_v2_round_trip(void **state)
{
	struct proto_entry v[] = {
		{ 10, 100, PK_WITNESSED, 9, 90, 20, 95 },	/* 9 > 20 > 10 */
		{ 11, 101, PK_WITNESSED, 1, 1, 0, 1 },	/* cut */
		{ 12, 102, PK_WITNESSED, 1, 1, 30, 96 },	/* 1 > 32 > 31 > 30 > 12 */
		{ 13, 103, PK_WITNESSED, 1, 1, 31, 97 },	/* shares 31 */
		{ 14, 104, PK_INFERRED, 1, 1, 0, 0 },
		{ 15, 105, PK_UNKNOWN, 0, 0, 0, 0 },
	};
	char prog[BORN_PATH_MAX];
	struct proto_released rel[] = {
		{ 20, 95, 0, 0, 12345, 0, "nohup", "/usr/bin/nohup" },
		{ 30, 96, 31, 97, 12346, 256, "sh", "/bin/sh" },
		{ 31, 97, 32, 98, 12347, 9, "a b%c\nd", NULL },
		{ 32, 98, 0, 1, 0, -1, "", prog },
	};
	struct proto_answer a = { .backend = "ebpf", .lost = 0, .since = 5, .version = 2,
				  .lineage = true, .dropped = 7, .v = v, .n = 6, .rel = rel,
				  .nrel = 4 }, b;
	struct strbuf sb = STRBUF_INIT;
	char err[128];
	size_t i;

	(void)state;
	memset(prog, 'x', sizeof(prog) - 1);
	prog[sizeof(prog) - 1] = '\0';
	prog[0] = '-';
	proto_format_answer(&sb, &a);
	assert_memory_equal(sb.s, "cabatree-answer 2\nbackend ebpf\nlost 0\nsince 5\nfiltered 0\n"
			    "lineage 1\ndropped 7\ncount 6\n10 100 w 9 90 20 95\n11 101 w 1 1 0 1\n",
			    strlen("cabatree-answer 2\nbackend ebpf\nlost 0\nsince 5\nfiltered 0\n"
				   "lineage 1\ndropped 7\ncount 6\n10 100 w 9 90 20 95\n"
				   "11 101 w 1 1 0 1\n"));
	assert_non_null(strstr(sb.s, "\n15 105 u 0 0 0 0\nreleased 4\n"
				     "20 95 0 0 12345 0 nohup /usr/bin/nohup\n"
				     "30 96 31 97 12346 256 sh /bin/sh\n"
				     "31 97 32 98 12347 9 a%20b%25c%0Ad -\n32 98 0 1 0 -1 - -xxx"));
	assert_int_equal(parse_a(sb.s, sb.len, &b, err, sizeof(err)), 0);
	assert_int_equal(b.version, 2);
	assert_true(b.lineage && b.dropped == 7 && !b.filtered);
	assert_int_equal(b.n, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(b.v[i].pid, v[i].pid);
		assert_int_equal(b.v[i].creator, v[i].creator);
		assert_true(b.v[i].creator_start == v[i].creator_start);
	}
	assert_int_equal(b.nrel, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(b.rel[i].pid, rel[i].pid);
		assert_true(b.rel[i].start == rel[i].start);
		assert_int_equal(b.rel[i].creator, rel[i].creator);
		assert_true(b.rel[i].creator_start == rel[i].creator_start);
		assert_true(b.rel[i].end == rel[i].end);
		assert_int_equal(b.rel[i].status, rel[i].status);
		assert_string_equal(b.rel[i].name, rel[i].name);
		if (rel[i].program)
			assert_string_equal(b.rel[i].program, rel[i].program);
		else
			assert_null(b.rel[i].program);
	}
	/* Written back byte for byte. */
	{
		struct strbuf sb2 = STRBUF_INIT;

		proto_format_answer(&sb2, &b);
		assert_int_equal(sb2.len, sb.len);
		assert_memory_equal(sb2.s, sb.s, sb.len);
		sb_free(&sb2);
	}
	proto_answer_free(&b);
	assert_null(b.rel);
	assert_int_equal(b.nrel, 0);

	/* A program one byte longer than kept is refused. */
	sb_reset(&sb);
	{
		char *longer = xmalloc(BORN_PATH_MAX + 1);

		memset(longer, 'y', BORN_PATH_MAX);
		longer[BORN_PATH_MAX] = '\0';
		rel[3].program = longer;
		proto_format_answer(&sb, &a);
		assert_int_equal(parse_a(sb.s, sb.len, &b, err, sizeof(err)), -EBADMSG);
		assert_non_null(strstr(err, "malformed released ancestor line"));
		free(longer);
	}

	/* The same answer asked in version 1: no lineage at all. */
	a.version = 1;
	sb_reset(&sb);
	proto_format_answer(&sb, &a);
	assert_null(strstr(sb.s, "lineage"));
	assert_null(strstr(sb.s, "released"));
	assert_non_null(strstr(sb.s, "\n10 100 w 9 90\n11 101 w 1 1\n"));
	assert_int_equal(parse_a(sb.s, sb.len, &b, err, sizeof(err)), 0);
	assert_int_equal(b.version, 1);
	assert_false(b.lineage);
	assert_true(b.dropped == 0 && b.nrel == 0 && b.v[0].creator == 0 &&
		    b.v[0].creator_start == 0);
	proto_answer_free(&b);
	sb_free(&sb);
}

/* Without lineage (filtered, another pid namespace, cap 0): nothing of it. */
static void test_answer_v2_no_lineage(void **state)
{
	struct proto_entry v[] = { { 10, 100, PK_WITNESSED, 9, 90, 0, 0 } };
	struct proto_answer a = { .backend = "connector", .version = 2, .filtered = true,
				  .v = v, .n = 1 }, b;
	struct strbuf sb = STRBUF_INIT;
	char err[128];

	(void)state;
	proto_format_answer(&sb, &a);
	assert_string_equal(sb.s, "cabatree-answer 2\nbackend connector\nlost 0\nsince 0\n"
			    "filtered 1\nlineage 0\ndropped 0\ncount 1\n10 100 w 9 90 0 0\n"
			    "released 0\nend\n");
	assert_int_equal(parse_a(sb.s, sb.len, &b, err, sizeof(err)), 0);
	assert_true(b.version == 2 && !b.lineage && b.nrel == 0);
	proto_answer_free(&b);
	sb_free(&sb);
}

/*
 * The longest lineage an answer may hold: a chain of PROTO_MAX_RELEASED(1)
 * released ancestors above one process, listed from the top down (each
 * creator after what it created would do as well). Read in linear time.
 */
static void test_long_chain(void **state)
{
	size_t m = PROTO_MAX_RELEASED(1), i;
	struct strbuf sb = STRBUF_INIT;
	struct proto_answer b;
	char err[128];

	(void)state;
	sb_adds(&sb, AH2 "count 1\n5 2 w 1 1 ");
	sb_addf(&sb, "%zu 1\nreleased %zu\n", m + 10, m);
	for (i = 0; i < m; i++)
		sb_addf(&sb, "%zu 1 %zu %d 0 -1 - -\n", i + 10, i ? i + 9 : 0, i ? 1 : 0);
	sb_adds(&sb, "end\n");
	/* Bottom up: the process's creator is the last one listed. */
	{
		char *p = strstr(sb.s, "\n5 2 w 1 1 ") + 11;
		char num[32];

		snprintf(num, sizeof(num), "%zu", m + 9);
		memcpy(p, num, strlen(num));
	}
	assert_int_equal(parse_a(sb.s, sb.len, &b, err, sizeof(err)), 0);
	assert_int_equal(b.nrel, m);
	proto_answer_free(&b);
	sb_free(&sb);
}

/* Every byte of a good version 2 answer cut off or changed: refused or the same. */
static void test_cuts_and_flips_v2(void **state)
{
	static const char text[] = AH2 "count 2\n10 100 w 9 90 20 95\n15 105 u 0 0 0 0\n"
		"released 2\n20 95 21 96 7 0 sh /bin/sh\n21 96 0 1 0 -1 nohup -\nend\n";
	struct proto_answer a;
	char buf[sizeof(text)], err[128];
	size_t i;

	(void)state;
	memcpy(buf, text, sizeof(text));
	assert_int_equal(proto_parse_answer(buf, sizeof(text) - 1, &a, err, sizeof(err)), 0);
	proto_answer_free(&a);
	for (i = 0; i < sizeof(text) - 1; i++) {
		memcpy(buf, text, sizeof(text));
		assert_int_equal(proto_parse_answer(buf, i, &a, err, sizeof(err)), -EBADMSG);
		assert_null(a.v);
		assert_null(a.rel);
	}
	for (i = 0; i < sizeof(text) - 1; i++) {
		memcpy(buf, text, sizeof(text));
		buf[i] = buf[i] == '\n' ? ' ' : '\n';
		assert_int_equal(proto_parse_answer(buf, sizeof(text) - 1, &a, err, sizeof(err)),
				 -EBADMSG);
		assert_null(a.v);
		assert_null(a.rel);
	}
}

/* recorder/lines.h: a text field written and read back. */
static void put(struct strbuf *sb, const char *s, size_t n)
{
	sb_reset(sb);
	lines_put_field(sb, s, n);
}

static void test_field_round_trip(void **state)
{
	static const struct { const char *in; size_t n; const char *out; } cases[] = {
		{ "", 0, "-" },
		{ "-", 1, "%2D" },
		{ "--", 2, "--" },
		{ "a-b", 3, "a-b" },
		{ "sh", 2, "sh" },
		{ "100%", 4, "100%25" },
		{ "a b", 3, "a%20b" },
		{ "tab\there\n", 9, "tab%09here%0A" },
		{ "\x7f\x80\xff", 3, "%7F%80%FF" },
		{ "caf\xc3\xa9", 5, "caf%C3%A9" },
		{ "nul\0in", 6, "nul%00in" },
		{ "~!", 2, "~!" },
	};
	struct strbuf sb = STRBUF_INIT;
	char out[64];
	size_t i, len = 0;
	int c;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *p;

		put(&sb, cases[i].in, cases[i].n);
		assert_string_equal(sb.s, cases[i].out);
		sb_addc(&sb, ' ');	/* a field ends at a space */
		p = sb.s;
		assert_true(lines_get_field(&p, out, sizeof(out), &len));
		assert_int_equal(len, cases[i].n);
		assert_memory_equal(out, cases[i].in, len);
		assert_int_equal(out[len], '\0');
		assert_int_equal(*p, ' ');
	}
	/* Every byte, alone and among others. */
	for (c = 0; c < 256; c++) {
		char in[3] = { 'x', (char)c, 'y' };
		const char *p;

		put(&sb, in + 1, 1);
		p = sb.s;
		assert_true(lines_get_field(&p, out, sizeof(out), &len));
		assert_true(len == 1 && out[0] == (char)c && *p == '\0');
		put(&sb, in, 3);
		assert_null(strchr(sb.s, ' '));
		p = sb.s;
		assert_true(lines_get_field(&p, out, sizeof(out), &len));
		assert_true(len == 3 && memcmp(out, in, 3) == 0 && *p == '\0');
	}
	/* Up to size - 1 bytes. */
	put(&sb, "0123456789abcde", 15);
	{
		const char *p = sb.s;

		assert_true(lines_get_field(&p, out, 16, &len));
		assert_int_equal(len, 15);
		p = sb.s;
		assert_false(lines_get_field(&p, out, 15, &len));
	}
	sb_free(&sb);
}

static void test_field_bad(void **state)
{
	static const char *const bad_fields[] = {
		"", " x", "%", "%4", "%4g", "%0a", "%61", "%2d", "a%2Db", "%2D%2D",
		"caf\xc3\xa9", "\x7f", "tab\tx", "%zz",
	};
	char out[64];
	size_t i, len = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_fields); i++) {
		const char *p = bad_fields[i];

		if (lines_get_field(&p, out, sizeof(out), &len))
			fail_msg("field \"%s\" read as \"%s\"", bad_fields[i], out);
		assert_ptr_equal(p, bad_fields[i]);	/* nothing taken */
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
		cmocka_unit_test(test_answer_v2_round_trip),
		cmocka_unit_test(test_answer_v2_no_lineage),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_cuts_and_flips_v2),
		cmocka_unit_test(test_field_round_trip),
		cmocka_unit_test(test_field_bad),
	};
	struct CMUnitTest bad[ARRAY_SIZE(bad_cases)];
	int fails;

	TABLE_TESTS(bad, bad_cases, test_bad);
	fails = cmocka_run_group_tests_name("questions and answers", tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("malformed messages", bad, NULL, NULL);
	return unit_status(fails);
}
