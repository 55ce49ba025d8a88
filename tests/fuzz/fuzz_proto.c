// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The question to cabatreed and its answer (proto_parse_request,
 * proto_parse_answer): every input is tried as both. The format is exact,
 * so a message that is accepted is byte for byte what the writer writes
 * for what was read, and reads back the same (parse, format, parse). A
 * refusal says on which line and keeps nothing. An error message gives a
 * sentence without control bytes, in well-formed UTF-8. The lineage of an
 * accepted answer is a forest over its released list: every creator named
 * is listed, and each chain of creators ends within as many steps as there
 * are released ancestors.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "records.h"
#include "recorder/proto.h"
#include "xalloc.h"

static void check_refused(int ret, const char *err, const void *v, size_t n)
{
	unsigned int line;

	FUZZ_CHECK(ret == -EBADMSG);
	FUZZ_CHECK(v == NULL && n == 0);
	FUZZ_CHECK(sscanf(err, "line %u: ", &line) == 1 && line >= 1);
}

static void check_request(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size), err[256];
	struct strbuf sb = STRBUF_INIT;
	struct proto_request q, r;
	size_t i;
	int ret;

	ret = proto_parse_request(buf, size, &q, err, sizeof(err));
	free(buf);
	if (ret) {
		check_refused(ret, err, q.v, q.n);
		return;
	}
	FUZZ_CHECK(q.pidns != 0 && q.n <= PROTO_MAX_COUNT && q.n <= size / 4);
	FUZZ_CHECK(q.version == 1 || q.version == 2);
	proto_format_request(&sb, &q);
	FUZZ_CHECK(fuzz_same(sb.s, sb.len, data, size));
	FUZZ_CHECK(proto_parse_request(sb.s, sb.len, &r, err, sizeof(err)) == 0);
	FUZZ_CHECK(r.pidns == q.pidns && r.wait_ms == q.wait_ms && r.n == q.n &&
		   r.version == q.version);
	for (i = 0; i < q.n; i++) {
		FUZZ_CHECK(q.v[i].pid >= 1 && q.v[i].pid <= CT_PID_MAX);
		FUZZ_CHECK(r.v[i].pid == q.v[i].pid && r.v[i].start == q.v[i].start);
	}
	proto_request_free(&r);
	proto_request_free(&q);
	sb_free(&sb);
}

static void check_sentence(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
	FUZZ_CHECK(fuzz_utf8_ok(s, n));
	/* No C1 control in UTF-8 either (U+0080..U+009F are 0xc2 0x80..0x9f). */
	for (i = 0; i + 1 < n; i++)
		FUZZ_CHECK(!((unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] < 0xa0));
}

/* The released ancestor (pid, start) of a, found by a plain search; or -1. */
static long rel_find(const struct proto_answer *a, pid_t pid, unsigned long long start)
{
	size_t i;

	for (i = 0; i < a->nrel; i++) {
		if (a->rel[i].pid == pid && a->rel[i].start == start)
			return (long)i;
	}
	return -1;
}

/* Each chain of creators reaches its end within nrel steps, through listed ones. */
static void check_lineage(const struct proto_answer *a)
{
	size_t i, steps;

	if (!a->lineage) {
		FUZZ_CHECK(a->nrel == 0 && a->dropped == 0);
		for (i = 0; i < a->n; i++)
			FUZZ_CHECK(a->v[i].creator == 0 && a->v[i].creator_start == 0);
		return;
	}
	FUZZ_CHECK(a->version == 2 && a->nrel <= PROTO_MAX_RELEASED(a->n));
	/* Quadratic: only for inputs a fuzzer makes, which are small. */
	if (a->nrel > 512)
		return;
	for (i = 0; i < a->nrel; i++) {
		const struct proto_released *r = &a->rel[i];
		long j = (long)i;

		FUZZ_CHECK(r->pid >= 1 && r->pid <= CT_PID_MAX && r->status >= -1);
		FUZZ_CHECK(rel_find(a, r->pid, r->start) == (long)i);	/* listed once */
		FUZZ_CHECK(!r->program || (r->program[0] && strlen(r->program) < 256));
		for (steps = 0; j >= 0 && a->rel[j].creator; steps++) {
			FUZZ_CHECK(steps < a->nrel);
			j = rel_find(a, a->rel[j].creator, a->rel[j].creator_start);
			FUZZ_CHECK(j >= 0);
		}
	}
	for (i = 0; i < a->n; i++) {
		const struct proto_entry *e = &a->v[i];

		if (e->creator)
			FUZZ_CHECK(rel_find(a, e->creator, e->creator_start) >= 0);
		else
			FUZZ_CHECK(e->creator_start <= 1);
	}
}

static void check_answer(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size), err[256];
	struct strbuf sb = STRBUF_INIT;
	struct proto_answer a, b;
	size_t i;
	int ret;

	ret = proto_parse_answer(buf, size, &a, err, sizeof(err));
	free(buf);
	if (ret == -EPROTO) {
		FUZZ_CHECK(a.v == NULL && a.n == 0 && a.rel == NULL && a.nrel == 0);
		check_sentence(err);
		return;
	}
	if (ret) {
		check_refused(ret, err, a.v, a.n);
		FUZZ_CHECK(a.rel == NULL && a.nrel == 0);
		return;
	}
	FUZZ_CHECK(a.n <= PROTO_MAX_COUNT && a.backend[0] && a.since >= 0);
	check_lineage(&a);
	proto_format_answer(&sb, &a);
	FUZZ_CHECK(fuzz_same(sb.s, sb.len, data, size));
	FUZZ_CHECK(proto_parse_answer(sb.s, sb.len, &b, err, sizeof(err)) == 0);
	FUZZ_CHECK(strcmp(a.backend, b.backend) == 0 && a.lost == b.lost &&
		   a.since == b.since && a.filtered == b.filtered && a.n == b.n &&
		   a.version == b.version && a.lineage == b.lineage && a.dropped == b.dropped &&
		   a.nrel == b.nrel);
	for (i = 0; i < a.n; i++) {
		const struct proto_entry *x = &a.v[i], *y = &b.v[i];
		bool carries = x->kind == 'w' || x->kind == 'i' || x->kind == 'r';

		FUZZ_CHECK(x->pid >= 1 && x->pid <= CT_PID_MAX);
		FUZZ_CHECK(carries ? x->caba >= 1 : x->caba == 0 && x->caba_start == 0);
		FUZZ_CHECK(x->pid == y->pid && x->start == y->start && x->kind == y->kind &&
			   x->caba == y->caba && x->caba_start == y->caba_start &&
			   x->creator == y->creator && x->creator_start == y->creator_start);
	}
	for (i = 0; i < a.nrel; i++) {
		const struct proto_released *x = &a.rel[i], *y = &b.rel[i];

		FUZZ_CHECK(x->pid == y->pid && x->start == y->start && x->creator == y->creator &&
			   x->creator_start == y->creator_start && x->end == y->end &&
			   x->status == y->status && strcmp(x->name, y->name) == 0 &&
			   !x->program == !y->program &&
			   (!x->program || strcmp(x->program, y->program) == 0));
	}
	proto_answer_free(&b);
	proto_answer_free(&a);
	sb_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_request(data, size);
	check_answer(data, size);
	return 0;
}
