// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The recorder's state file into state_parse(). The format is exact, so a
 * file it accepts must be what state_format() writes for what was read
 * (the process lines in any order; version 1 without, versions 2 to 4
 * with the checksum line), and the born table rebuilt from it must write
 * the same processes again, each known the same way (witnessed, inferred
 * from a reaper or not, defined), with the same names and programs, and
 * creators that are the same or not known, released ancestors that were
 * listed. A rejection says on which line. Any one byte changed in an
 * accepted version 2 to 4 file makes it rejected.
 *
 * A mutated version 2 to 4 file seldom has a right checksum, so each one is
 * also tried signed again (its last line replaced by a right checksum
 * line): the lines under the checksum are fuzzed as well. The checksum is
 * computed here one bit at a time, apart from the table of state.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "fuzz.h"
#include "recorder/born.h"
#include "recorder/lines.h"
#include "recorder/state.h"
#include "xalloc.h"

/* The header lines before the processes (version 4: one more, dropped). */
#define HEADER_LINES 8
#define HEADER_LINES4 9

struct lines {
	const char **v;
	size_t *len;
	size_t n;
};

/* Split s[0..n) into lines (without their newlines). */
static void split(struct lines *l, const char *s, size_t n)
{
	const char *end = s + n;
	size_t cap = 16;

	l->v = xreallocarray(NULL, cap, sizeof(*l->v));
	l->len = xreallocarray(NULL, cap, sizeof(*l->len));
	l->n = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		if (!nl)
			nl = end;
		if (l->n == cap) {
			cap *= 2;
			l->v = xreallocarray(l->v, cap, sizeof(*l->v));
			l->len = xreallocarray(l->len, cap, sizeof(*l->len));
		}
		l->v[l->n] = s;
		l->len[l->n++] = (size_t)(nl - s);
		s = nl + 1;
	}
}

static int cmp_line(const struct lines *l, size_t i, const struct lines *m, size_t j)
{
	size_t n = l->len[i] < m->len[j] ? l->len[i] : m->len[j];
	int c = memcmp(l->v[i], m->v[j], n);

	return c ? c : (l->len[i] > m->len[j]) - (l->len[i] < m->len[j]);
}

/* Sort lines from..n (insertion sort: test sizes are small). */
static void sort_lines(struct lines *l, size_t from)
{
	size_t i, j;

	for (i = from + 1; i < l->n; i++) {
		for (j = i; j > from && cmp_line(l, j - 1, l, j) > 0; j--) {
			const char *v = l->v[j];
			size_t len = l->len[j];

			l->v[j] = l->v[j - 1];
			l->len[j] = l->len[j - 1];
			l->v[j - 1] = v;
			l->len[j - 1] = len;
		}
	}
}

/* CRC-32 (gzip's), bit by bit. */
static uint32_t crc32_bits(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t c = 0xffffffffU;
	int k;

	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320U : c >> 1;
	}
	return ~c;
}

/* Where the last line of s[0..n) starts, whole or cut short. */
static size_t last_line(const char *s, size_t n)
{
	size_t i = n && s[n - 1] == '\n' ? n - 1 : n;

	while (i && s[i - 1] != '\n')
		i--;
	return i;
}

/* Does s[0..n) end with the line "checksum crc32 X" of the bytes before it? */
static bool signed_right(const char *s, size_t n)
{
	size_t at = last_line(s, n);
	char want[32];
	int len = snprintf(want, sizeof(want), "checksum crc32 %08x\n",
			   (unsigned int)crc32_bits(s, at));

	return fuzz_same(s + at, n - at, want, (size_t)len);
}

/* The letter of e's kind, as state_format() writes it. */
static char kind(const struct state_entry *e)
{
	return e->defined ? 'd' : !e->inferred ? 'w' : e->from_reaper ? 'i' : 'p';
}

static void put_fields(struct strbuf *sb, const char *comm, const char *path)
{
	sb_addc(sb, ' ');
	lines_put_field(sb, comm, strlen(comm));
	sb_addc(sb, ' ');
	lines_put_field(sb, path, path ? strlen(path) : 0);
	sb_addc(sb, '\n');
}

/* The text state_format() would write for st, processes in st's order. */
static void format_state(struct strbuf *sb, const struct state *st)
{
	size_t i;

	sb_addf(sb, "cabatree-recorder-state %u\nboot_id %s\nbackend %s\npidns %llu\n"
		"daemon %d %llu\nupdated %lld\nlost %llu\n",
		st->version, st->meta.boot_id, st->meta.backend, st->meta.pidns,
		(int)st->meta.daemon_pid, st->meta.daemon_start, st->meta.updated,
		st->meta.lost);
	if (st->version >= 4)
		sb_addf(sb, "dropped %llu\n", st->meta.dropped);
	sb_addf(sb, "processes %zu\n", st->n);
	for (i = 0; i < st->n; i++) {
		const struct state_entry *e = &st->v[i];

		sb_addf(sb, "%d %llu %d %llu %c", (int)e->pid, e->start,
			(int)e->caba, e->caba_start, kind(e));
		if (st->version < 4) {
			sb_addc(sb, '\n');
			continue;
		}
		sb_addf(sb, " %d %llu", (int)e->creator, e->cut ? 1ULL : e->creator_start);
		put_fields(sb, e->comm, e->path);
	}
	if (st->version >= 4) {
		sb_addf(sb, "released %zu\n", st->nrel);
		for (i = 0; i < st->nrel; i++) {
			const struct state_released *r = &st->rel[i];

			sb_addf(sb, "%d %llu %llu %d %llu %llu %d", (int)r->pid, r->start, r->nsec,
				(int)r->creator, r->cut ? 1ULL : r->creator_start, r->end_nsec,
				r->exit_status);
			put_fields(sb, r->comm, r->path);
		}
	}
	sb_adds(sb, "end\n");
	if (st->version >= 2)
		sb_addf(sb, "checksum crc32 %08x\n", (unsigned int)crc32_bits(sb->s, sb->len));
}

/* The same lines, the process lines (and the released ones) in any order. */
static bool same_file(const char *a, size_t alen, const char *b, size_t blen,
		      size_t header)
{
	struct lines la, lb;
	bool same;
	size_t i;

	split(&la, a, alen);
	split(&lb, b, blen);
	same = la.n == lb.n && la.n > header;
	if (same) {
		la.n--;	/* end */
		lb.n--;
		sort_lines(&la, header);
		sort_lines(&lb, header);
		la.n++;
		lb.n++;
		for (i = 0; i < la.n && same; i++)
			same = cmp_line(&la, i, &lb, i) == 0;
	}
	free(la.v);
	free(la.len);
	free(lb.v);
	free(lb.len);
	return same;
}

static void check_sorted(const struct state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		const struct state_entry *e = &st->v[i];

		FUZZ_CHECK(e->pid > 0 && e->caba >= 0);
		/* One of witnessed, inferred (from a reaper or not), defined. */
		FUZZ_CHECK(!(e->defined && e->inferred) && (!e->from_reaper || e->inferred));
		FUZZ_CHECK(!e->defined || (e->caba == 0 && e->caba_start == 0));
		/* Versions 1 and 2 know no better than from a reaper. */
		FUZZ_CHECK(st->version >= 3 || (!e->defined && e->from_reaper == e->inferred));
		if (i)
			FUZZ_CHECK(st->v[i - 1].pid < st->v[i].pid ||
				   (st->v[i - 1].pid == st->v[i].pid &&
				    st->v[i - 1].start < st->v[i].start));
		FUZZ_CHECK(state_find(st, st->v[i].pid, st->v[i].start) == &st->v[i]);
		/* "0 1" is a cut creator, read as such. */
		FUZZ_CHECK(!e->cut || (e->creator == 0 && e->creator_start == 0));
		FUZZ_CHECK(st->version >= 4 || (!e->creator && !e->cut && !e->comm[0] && !e->path));
	}
	FUZZ_CHECK(st->version >= 4 || st->nrel == 0);
	for (i = 0; i < st->nrel; i++) {
		const struct state_released *r = &st->rel[i], *f;

		FUZZ_CHECK(r->pid > 0 && r->exit_status >= -1);
		f = state_find_released(st, r->pid, r->start);
		FUZZ_CHECK(f && f->pid == r->pid && f->start == r->start && f <= r);
	}
}

/* One input through the invariants; whether state_parse() took it. */
static bool check_one(const char *data, size_t size)
{
	char *buf = fuzz_copy((const uint8_t *)data, size);
	struct strbuf sb = STRBUF_INIT;
	struct state st, st2;
	struct born_table t;
	size_t i, at, sat;
	char err[256];
	int ret;

	ret = state_parse(buf, size, &st, err, sizeof(err));
	if (ret) {
		unsigned int line;

		free(buf);
		FUZZ_CHECK(ret == -EBADMSG);
		FUZZ_CHECK(st.n == 0 && st.v == NULL && st.nrel == 0 && st.rel == NULL);
		FUZZ_CHECK(sscanf(err, "line %u: ", &line) == 1);
		FUZZ_CHECK(line >= 1);
		return false;
	}
	check_sorted(&st);
	FUZZ_CHECK(st.version >= 1 && st.version <= 4);

	/* The file was exactly what the writer writes for what was read. */
	format_state(&sb, &st);
	at = size;
	sat = sb.len;
	if (st.version >= 2) {
		/* Its checksum is right; the lines under it, in any order. */
		FUZZ_CHECK(signed_right(data, size));
		FUZZ_CHECK(signed_right(sb.s, sb.len));
		at = last_line(data, size);
		sat = last_line(sb.s, sb.len);

		/* Any one byte changed: refused. */
		free(buf);
		buf = fuzz_copy((const uint8_t *)data, size);
		i = crc32_bits(data, size) % size;
		buf[i] ^= (char)(1u << (size % 8));
		FUZZ_CHECK(state_parse(buf, size, &st2, err, sizeof(err)) == -EBADMSG);
	}
	free(buf);
	FUZZ_CHECK(same_file(data, at, sb.s, sat,
			     st.version >= 4 ? HEADER_LINES4 : HEADER_LINES));

	/* Through a born table and its writer: the same processes again. */
	born_init(&t);
	state_to_table(&st, &t);
	FUZZ_CHECK(t.n == st.n && t.lost == st.meta.lost);
	FUZZ_CHECK(t.nreleased <= st.nrel && t.dropped == st.meta.dropped);
	sb_reset(&sb);
	state_format(&sb, &t, &st.meta);
	FUZZ_CHECK(signed_right(sb.s, sb.len));
	FUZZ_CHECK(state_parse(sb.s, sb.len, &st2, err, sizeof(err)) == 0);
	FUZZ_CHECK(st2.version == 4);
	FUZZ_CHECK(st2.n == st.n);
	FUZZ_CHECK(memcmp(&st2.meta, &st.meta, sizeof(st.meta)) == 0);
	for (i = 0; i < st.n; i++) {
		const struct state_entry *a = &st.v[i], *b = &st2.v[i];

		FUZZ_CHECK(a->pid == b->pid && a->start == b->start);
		FUZZ_CHECK(a->inferred == b->inferred && a->from_reaper == b->from_reaper &&
			   a->defined == b->defined);
		/* A CABA that is not listed, or would close a loop, is dropped. */
		FUZZ_CHECK((b->caba == a->caba && b->caba_start == a->caba_start) ||
			   (b->caba == 0 && b->caba_start == 0));
		if (a->caba && state_find(&st, a->caba, a->caba_start) == NULL)
			FUZZ_CHECK(b->caba == 0);
		/* Names and programs as they were; a creator the same or not known. */
		FUZZ_CHECK(strcmp(a->comm, b->comm) == 0);
		FUZZ_CHECK((!a->path && !b->path) ||
			   (a->path && b->path && strcmp(a->path, b->path) == 0));
		FUZZ_CHECK((b->creator == a->creator && b->creator_start == a->creator_start) ||
			   b->creator == 0);
		FUZZ_CHECK(!b->cut || a->cut);
		FUZZ_CHECK(b->cut || !a->cut || a->creator);
	}
	/* Released ancestors kept are ones listed, the same. */
	for (i = 0; i < st2.nrel; i++) {
		const struct state_released *b = &st2.rel[i];
		const struct state_released *a = state_find_released(&st, b->pid, b->start);

		FUZZ_CHECK(a != NULL);
		FUZZ_CHECK(b->creator == 0 || state_find(&st2, b->creator, b->creator_start) ||
			   state_find_released(&st2, b->creator, b->creator_start));
	}
	born_free(&t);
	state_free(&st2);
	state_free(&st);
	sb_free(&sb);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char v2[] = "cabatree-recorder-state 2\n", v3[] = "cabatree-recorder-state 3\n",
		v4[] = "cabatree-recorder-state 4\n";
	const char *s = (const char *)data;
	struct strbuf sb = STRBUF_INIT;
	size_t at;

	check_one(s, size);
	/* Versions 2 to 4 signed again: what is under the checksum gets fuzzed too. */
	if (size >= sizeof(v2) - 1 && (memcmp(s, v2, sizeof(v2) - 1) == 0 ||
				       memcmp(s, v3, sizeof(v3) - 1) == 0 ||
				       memcmp(s, v4, sizeof(v4) - 1) == 0)) {
		at = last_line(s, size);
		if (memcmp(s + at, "checksum ", size - at < 9 ? size - at : 9) != 0)
			at = size;
		sb_add(&sb, s, at);
		sb_addf(&sb, "checksum crc32 %08x\n", (unsigned int)crc32_bits(s, at));
		check_one(sb.s, sb.len);
		sb_free(&sb);
	}
	return 0;
}
