// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The question cabatree asks cabatreed and its answer (proto.h). Both
 * ends read what the other wrote, and either may be hostile: cabatreed
 * runs as root and answers any user; cabatree trusts nothing it did not
 * check. So the parsers are exact, as the state file's: the keywords in
 * their order, decimal numbers as the writer writes them, a count that
 * matches the lines, "end" and nothing after it. The lineage of an answer
 * is a forest: every creator named is listed, once, no chain goes round,
 * and every released ancestor listed is on some answered process's chain.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "nls.h"
#include "records.h"
#include "recorder/born.h"
#include "recorder/lines.h"
#include "recorder/proto.h"
#include "xalloc.h"

#define QUERY_MAGIC "cabatree-query"
#define ANSWER_MAGIC "cabatree-answer"
#define ERROR_MAGIC "cabatree-error"
#define ERROR_VERSION 1		/* errors read alike in every version */

/*
 * The shortest line of each list: "1 0\n", "1 0 u 0 0\n" (version 1),
 * "1 0 u 0 0 0 0\n", "1 0 0 0 0 0 - -\n".
 */
#define MIN_PAIR_LINE 4
#define MIN_ENTRY_LINE_V1 10
#define MIN_ENTRY_LINE 14
#define MIN_RELEASED_LINE 16
#define STATUS_MAX 0xffff	/* a wait status fits in 16 bits */

void proto_format_request(struct strbuf *sb, const struct proto_request *q)
{
	size_t i;

	sb_addf(sb, QUERY_MAGIC " %u\npidns %llu\nwait-ms %u\ncount %zu\n",
		q->version ? q->version : PROTO_VERSION, q->pidns, q->wait_ms, q->n);
	for (i = 0; i < q->n; i++) {
		sb_adduint(sb, (unsigned int)q->v[i].pid);
		sb_addc(sb, ' ');
		sb_adduint(sb, q->v[i].start);
		sb_addc(sb, '\n');
	}
	sb_adds(sb, "end\n");
}

/* " CREATOR CREATOR_START" */
static void add_creator(struct strbuf *sb, pid_t creator, unsigned long long start)
{
	sb_addc(sb, ' ');
	sb_adduint(sb, (unsigned int)creator);
	sb_addc(sb, ' ');
	sb_adduint(sb, start);
}

void proto_format_answer(struct strbuf *sb, const struct proto_answer *a)
{
	unsigned int version = a->version ? a->version : PROTO_VERSION;
	size_t i;

	sb_addf(sb, ANSWER_MAGIC " %u\nbackend %s\nlost %llu\nsince %lld\nfiltered %d\n",
		version, a->backend, a->lost, a->since, a->filtered ? 1 : 0);
	if (version >= 2)
		sb_addf(sb, "lineage %d\ndropped %llu\n", a->lineage ? 1 : 0, a->dropped);
	sb_addf(sb, "count %zu\n", a->n);
	for (i = 0; i < a->n; i++) {
		const struct proto_entry *e = &a->v[i];

		sb_adduint(sb, (unsigned int)e->pid);
		sb_addc(sb, ' ');
		sb_adduint(sb, e->start);
		sb_addc(sb, ' ');
		sb_addc(sb, e->kind);
		sb_addc(sb, ' ');
		sb_adduint(sb, (unsigned int)e->caba);
		sb_addc(sb, ' ');
		sb_adduint(sb, e->caba_start);
		if (version >= 2)
			add_creator(sb, e->creator, e->creator_start);
		sb_addc(sb, '\n');
	}
	if (version >= 2) {
		sb_addf(sb, "released %zu\n", a->nrel);
		for (i = 0; i < a->nrel; i++) {
			const struct proto_released *r = &a->rel[i];

			sb_adduint(sb, (unsigned int)r->pid);
			sb_addc(sb, ' ');
			sb_adduint(sb, r->start);
			add_creator(sb, r->creator, r->creator_start);
			sb_addc(sb, ' ');
			sb_adduint(sb, r->end);
			sb_addc(sb, ' ');
			if (r->status < 0)
				sb_adds(sb, "-1");
			else
				sb_adduint(sb, (unsigned int)r->status);
			sb_addc(sb, ' ');
			lines_put_field(sb, r->name, strnlen(r->name, sizeof(r->name)));
			sb_addc(sb, ' ');
			lines_put_field(sb, r->program, r->program ? strlen(r->program) : 0);
			sb_addc(sb, '\n');
		}
	}
	sb_adds(sb, "end\n");
}

void proto_format_error(struct strbuf *sb, const char *sentence)
{
	size_t n = strcspn(sentence, "\n");

	sb_addf(sb, ERROR_MAGIC " %d\n", ERROR_VERSION);
	sb_add(sb, sentence, n);
	sb_addc(sb, '\n');
}

static int bad(char *err, size_t errlen, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(char *err, size_t errlen, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!errlen)
		return -EBADMSG;
	n = snprintf(err, errlen, _("line %u: "), line);
	if (n < 0 || (size_t)n >= errlen)
		return -EBADMSG;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* A reader of buf's lines (NUL-terminated in place), counting them. */
struct lines {
	char *pos, *end;
	unsigned int line;
};

static char *next_line(struct lines *r)
{
	char *s = r->pos, *nl;

	r->line++;
	if (s >= r->end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(r->end - s));
	if (!nl)
		return NULL;	/* cut short */
	*nl = '\0';
	r->pos = nl + 1;
	return s;
}

/* "KEY NUMBER" as the whole line, the number at most max. */
static bool num_line(const char *l, const char *k, unsigned long long max,
		     unsigned long long *out)
{
	size_t n = strlen(k);
	const char *p = l;

	if (!l || strncmp(p, k, n) != 0)
		return false;
	p += n;
	return space(&p) && unum(&p, max, out) && *p == '\0';
}

enum message { M_QUESTION, M_ANSWER, M_ERROR };

/*
 * Line 1: "MAGIC VERSION". 0 when it is m's magic at a version read here
 * (into *version); -EBADMSG else.
 */
static int magic_line(struct lines *r, enum message m, unsigned int *version, char *err,
		      size_t errlen)
{
	static const char *const magics[] = { QUERY_MAGIC, ANSWER_MAGIC, ERROR_MAGIC };
	const char *l = next_line(r), *p = l, *magic = magics[m];
	unsigned long long v;
	size_t n = strlen(magic);

	if (!l || strncmp(l, magic, n) != 0 || (p += n, !space(&p)) ||
	    !unum(&p, UINT_MAX, &v) || *p != '\0')
		return bad(err, errlen, 1, "%s",
			   m == M_QUESTION ? _("not a question to the recorder") :
			   m == M_ANSWER ? _("not an answer of the recorder") :
			   _("not a message from the recorder"));
	if (m == M_ERROR ? v == ERROR_VERSION : v >= 1 && v <= PROTO_VERSION) {
		*version = (unsigned int)v;
		return 0;
	}
	if (m == M_QUESTION)
		return bad(err, errlen, 1, _("version %llu of the question is not supported; "
					     "only versions 1 to %d are"), v, PROTO_VERSION);
	if (m == M_ANSWER)
		return bad(err, errlen, 1, _("version %llu of the recorder's answer is not "
					     "supported; only versions 1 to %d are"), v,
			   PROTO_VERSION);
	return bad(err, errlen, 1, _("version %llu of the recorder's error message is not "
				     "supported; only version %d is"), v, ERROR_VERSION);
}

/*
 * "count N", N at most PROTO_MAX_COUNT and at most the lines of min_line
 * bytes that the rest of the buffer can hold: never memory for a count
 * that is not there.
 */
static int count_line(struct lines *r, size_t min_line, size_t *n, char *err,
		      size_t errlen)
{
	unsigned long long v;

	if (!num_line(next_line(r), "count", ULLONG_MAX, &v))
		return bad(err, errlen, r->line, _("expected a '%s' line"), "count");
	if (v > PROTO_MAX_COUNT)
		return bad(err, errlen, r->line, _("a count of %llu processes, more than %u"),
			   v, PROTO_MAX_COUNT);
	if (v > (unsigned long long)(r->end - r->pos) / min_line)
		return bad(err, errlen, r->line, _("cut short: %llu processes announced"), v);
	*n = (size_t)v;
	return 0;
}

static int end_line(struct lines *r, size_t n, char *err, size_t errlen)
{
	const char *l = next_line(r);

	if (!l || strcmp(l, "end") != 0)
		return bad(err, errlen, r->line, _("expected 'end' after %zu processes"), n);
	if (r->pos != r->end)
		return bad(err, errlen, r->line + 1, _("data after 'end'"));
	return 0;
}

/* Lines are C strings: a NUL byte would cut one short unseen. */
static int no_nul(const char *buf, size_t len, char *err, size_t errlen)
{
	const char *nul = memchr(buf, '\0', len), *p;
	unsigned int line = 1;

	if (!nul)
		return 0;
	for (p = buf; p < nul; p++)
		line += *p == '\n';
	return bad(err, errlen, line, _("NUL byte"));
}

int proto_parse_request(char *buf, size_t len, struct proto_request *q,
			char *err, size_t errlen)
{
	struct lines r = { buf, buf + len, 0 };
	unsigned long long v, w;
	const char *p;
	size_t i;
	int ret;

	memset(q, 0, sizeof(*q));
	if (errlen)
		err[0] = '\0';
	ret = no_nul(buf, len, err, errlen);
	if (!ret)
		ret = magic_line(&r, M_QUESTION, &q->version, err, errlen);
	if (ret)
		return ret;
	if (!num_line(next_line(&r), "pidns", ULLONG_MAX, &q->pidns) || q->pidns == 0)
		return bad(err, errlen, r.line, _("expected a '%s' line"), "pidns");
	if (!num_line(next_line(&r), "wait-ms", UINT_MAX, &v))
		return bad(err, errlen, r.line, _("expected a '%s' line"), "wait-ms");
	q->wait_ms = (unsigned int)v;
	ret = count_line(&r, MIN_PAIR_LINE, &q->n, err, errlen);
	if (ret)
		return ret;
	q->v = xcalloc(q->n ? q->n : 1, sizeof(*q->v));
	for (i = 0; i < q->n; i++) {
		p = next_line(&r);
		if (!p) {
			ret = bad(err, errlen, r.line, _("cut short after %zu of %zu processes"),
				  i, q->n);
			goto fail;
		}
		if (!unum(&p, CT_PID_MAX, &v) || v == 0 || !space(&p) ||
		    !unum(&p, ULLONG_MAX, &w) || *p != '\0') {
			ret = bad(err, errlen, r.line, _("malformed process line"));
			goto fail;
		}
		q->v[i].pid = (pid_t)v;
		q->v[i].start = w;
	}
	ret = end_line(&r, q->n, err, errlen);
	if (ret)
		goto fail;
	return 0;
fail:
	proto_request_free(q);
	return ret;
}

/* Does kind k carry a CABA? */
static bool kind_has_caba(char k)
{
	return k == PK_WITNESSED || k == PK_INFERRED || k == PK_REAPER;
}

static bool kind_known(char k)
{
	return kind_has_caba(k) || k == PK_DEFINED || k == PK_OUTSIDE ||
	       k == PK_HIDDEN || k == PK_UNKNOWN;
}

/*
 * " CREATOR CREATOR_START": a released ancestor (pid, start), "0 0" (none)
 * or "0 1" (dropped by the cap).
 */
static bool creator_field(const char **pp, pid_t *creator, unsigned long long *start)
{
	unsigned long long c, cs;

	if (!space(pp) || !unum(pp, CT_PID_MAX, &c) || !space(pp) ||
	    !unum(pp, ULLONG_MAX, &cs) || (c == 0 && cs > 1))
		return false;
	*creator = (pid_t)c;
	*start = cs;
	return true;
}

/* Does the link name a creator, or say it was dropped? */
static bool has_creator(pid_t creator, unsigned long long start)
{
	return creator != 0 || start != 0;
}

/*
 * One entry line: "PID START KIND CABA CABA_START", and from version 2
 * " CREATOR CREATOR_START".
 */
static bool entry_line(const char *p, unsigned int version, struct proto_entry *e)
{
	unsigned long long pid, start, caba, cstart;
	char k;

	if (!p || !unum(&p, CT_PID_MAX, &pid) || pid == 0 || !space(&p) ||
	    !unum(&p, ULLONG_MAX, &start) || !space(&p))
		return false;
	k = *p++;
	if (!kind_known(k) || !space(&p) || !unum(&p, CT_PID_MAX, &caba) || !space(&p) ||
	    !unum(&p, ULLONG_MAX, &cstart))
		return false;
	e->creator = 0;
	e->creator_start = 0;
	if (version >= 2 && !creator_field(&p, &e->creator, &e->creator_start))
		return false;
	if (*p != '\0')
		return false;
	/* A CABA with the kinds that carry one, none with the others. */
	if (kind_has_caba(k) ? caba == 0 : (caba != 0 || cstart != 0))
		return false;
	/* Lineage only where the CABA is known: it ends there. */
	if (!kind_has_caba(k) && has_creator(e->creator, e->creator_start))
		return false;
	e->pid = (pid_t)pid;
	e->start = start;
	e->kind = k;
	e->caba = (pid_t)caba;
	e->caba_start = cstart;
	return true;
}

/* A text field into out[0..size): no NUL byte in it (it is a C string). */
static bool text_field(const char **pp, char *out, size_t size, size_t *len)
{
	return lines_get_field(pp, out, size, len) && strlen(out) == *len;
}

/*
 * One released line: "PID START CREATOR CREATOR_START END STATUS NAME
 * PROGRAM"; path holds the program (BORN_PATH_MAX bytes).
 */
static bool released_line(const char *p, struct proto_released *r, char *path)
{
	unsigned long long pid, start, end, status;
	size_t len;

	if (!p || !unum(&p, CT_PID_MAX, &pid) || pid == 0 || !space(&p) ||
	    !unum(&p, ULLONG_MAX, &start) || !creator_field(&p, &r->creator, &r->creator_start) ||
	    !space(&p) || !unum(&p, ULLONG_MAX, &end) || !space(&p))
		return false;
	if (p[0] == '-' && p[1] == '1') {
		p += 2;
		r->status = -1;
	} else if (unum(&p, STATUS_MAX, &status)) {
		r->status = (int)status;
	} else {
		return false;
	}
	if (!space(&p) || !text_field(&p, r->name, sizeof(r->name), &len) || !space(&p) ||
	    !text_field(&p, path, BORN_PATH_MAX, &len) || *p != '\0')
		return false;
	r->pid = (pid_t)pid;
	r->start = start;
	r->end = end;
	r->program = len ? xstrdup(path) : NULL;
	return true;
}

/*
 * The sentence of an error message, safe to print: printable ASCII and
 * well-formed UTF-8 but for C1 and bidirectional controls; anything else
 * a '?' (one for each invalid byte, one for each character refused).
 */
static void safe_sentence(const char *s, size_t n, char *out, size_t size)
{
	size_t i = 0, o = 0, len;
	uint32_t cp;

	if (!size)
		return;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		bool refused = false;

		if (c >= 0x20 && c < 0x7f) {
			len = 1;
		} else {
			len = c >= 0x80 ? utf8_decode((const unsigned char *)s + i, n - i, &cp) : 0;
			/* C1 controls, bidirectional controls and the like: not ours to pass. */
			refused = len && (cp < 0xa0 || (cp >= 0x200b && cp <= 0x200f) ||
				    (cp >= 0x2028 && cp <= 0x202e) ||
				    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff);
		}
		if (!len || refused) {
			if (o + 1 >= size)
				break;
			out[o++] = '?';
			i += len ? len : 1;
			continue;
		}
		if (o + len >= size)
			break;
		memcpy(out + o, s + i, len);
		o += len;
		i += len;
	}
	out[o] = '\0';
}

static int error_message(struct lines *r, char *err, size_t errlen)
{
	char *nl;
	size_t n;

	/* The sentence is the rest, up to its newline. */
	nl = memchr(r->pos, '\n', (size_t)(r->end - r->pos));
	n = nl ? (size_t)(nl - r->pos) : (size_t)(r->end - r->pos);
	if (errlen)
		safe_sentence(r->pos, n, err, errlen);
	return -EPROTO;
}

/*
 * "released M", M at most PROTO_MAX_RELEASED(n) and at most the lines the
 * rest of the buffer can hold.
 */
static int released_count(struct lines *r, size_t n, size_t *m, char *err, size_t errlen)
{
	unsigned long long v;

	if (!num_line(next_line(r), "released", ULLONG_MAX, &v))
		return bad(err, errlen, r->line, _("expected a '%s' line"), "released");
	if (v > PROTO_MAX_RELEASED(n))
		return bad(err, errlen, r->line, _("%llu released ancestors for %zu processes, "
						   "more than %zu"), v, n, PROTO_MAX_RELEASED(n));
	if (v > (unsigned long long)(r->end - r->pos) / MIN_RELEASED_LINE)
		return bad(err, errlen, r->line, _("cut short: %llu released ancestors announced"),
			   v);
	*m = (size_t)v;
	return 0;
}

struct rel_key {
	pid_t pid;
	unsigned long long start;
	size_t i;
};

static int cmp_rel_key(const void *a, const void *b)
{
	const struct rel_key *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->i > y->i) - (x->i < y->i);
}

#define NONE ((size_t)-1)

/* The index in a->rel of the released ancestor (pid, start), or NONE. */
static size_t rel_index(const struct rel_key *keys, size_t m, pid_t pid,
			unsigned long long start)
{
	size_t lo = 0, hi = m;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rel_key *k = &keys[mid];

		if (k->pid == pid && k->start == start)
			return k->i;
		if (k->pid < pid || (k->pid == pid && k->start < start))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/*
 * The lineage of a (read from its lines: entries from line eline, released
 * ancestors from line rline) is a forest over its released list: each
 * released ancestor listed once, every creator named listed, no chain of
 * creators that goes round, and each released ancestor on the chain of
 * some process answered.
 */
static int check_lineage(const struct proto_answer *a, unsigned int eline,
			 unsigned int rline, char *err, size_t errlen)
{
	size_t m = a->nrel, i, j, *up, *mark;
	struct rel_key *keys;
	int ret = 0;

	if (!a->n && !m)
		return 0;
	keys = xreallocarray(NULL, m ? m : 1, sizeof(*keys));
	up = xreallocarray(NULL, m ? m : 1, sizeof(*up));
	mark = xcalloc(m ? m : 1, sizeof(*mark));
	for (i = 0; i < m; i++) {
		keys[i].pid = a->rel[i].pid;
		keys[i].start = a->rel[i].start;
		keys[i].i = i;
	}
	qsort(keys, m, sizeof(*keys), cmp_rel_key);
	for (i = 1; i < m; i++) {
		if (keys[i].pid == keys[i - 1].pid && keys[i].start == keys[i - 1].start) {
			ret = bad(err, errlen, rline + (unsigned int)keys[i].i,
				  _("released ancestor %d %llu listed twice"), (int)keys[i].pid,
				  keys[i].start);
			goto out;
		}
	}
	for (i = 0; i < m; i++) {
		const struct proto_released *r = &a->rel[i];

		up[i] = r->creator ? rel_index(keys, m, r->creator, r->creator_start) : NONE;
		if (r->creator && up[i] == NONE) {
			ret = bad(err, errlen, rline + (unsigned int)i,
				  _("its creator %d %llu is not a released ancestor listed"),
				  (int)r->creator, r->creator_start);
			goto out;
		}
	}
	/* Each walk up marks its steps with its own number: meeting it again is a loop. */
	for (i = 0; i < m; i++) {
		for (j = i; j != NONE && mark[j] == 0; j = up[j])
			mark[j] = i + 1;
		if (j != NONE && mark[j] == i + 1) {
			ret = bad(err, errlen, rline + (unsigned int)j,
				  _("the creators of released ancestor %d %llu go round"),
				  (int)a->rel[j].pid, a->rel[j].start);
			goto out;
		}
	}
	memset(mark, 0, (m ? m : 1) * sizeof(*mark));
	for (i = 0; i < a->n; i++) {
		const struct proto_entry *e = &a->v[i];

		if (!e->creator)
			continue;
		j = rel_index(keys, m, e->creator, e->creator_start);
		if (j == NONE) {
			ret = bad(err, errlen, eline + (unsigned int)i,
				  _("its creator %d %llu is not a released ancestor listed"),
				  (int)e->creator, e->creator_start);
			goto out;
		}
		for (; j != NONE && !mark[j]; j = up[j])
			mark[j] = 1;
	}
	for (i = 0; i < m; i++) {
		if (!mark[i]) {
			ret = bad(err, errlen, rline + (unsigned int)i,
				  _("released ancestor %d %llu is on no lineage answered"),
				  (int)a->rel[i].pid, a->rel[i].start);
			goto out;
		}
	}
out:
	free(keys);
	free(up);
	free(mark);
	return ret;
}

int proto_parse_answer(char *buf, size_t len, struct proto_answer *a,
		       char *err, size_t errlen)
{
	struct lines r = { buf, buf + len, 0 };
	unsigned long long v;
	unsigned int eline, rline;
	const char *l, *p;
	char *path = NULL;
	size_t i, n;
	int ret;

	memset(a, 0, sizeof(*a));
	if (errlen)
		err[0] = '\0';
	/* An error, whatever its sentence holds (made safe). */
	if (len > strlen(ERROR_MAGIC) && memcmp(buf, ERROR_MAGIC " ", strlen(ERROR_MAGIC) + 1) == 0) {
		ret = magic_line(&r, M_ERROR, &a->version, err, errlen);
		a->version = 0;
		return ret ? ret : error_message(&r, err, errlen);
	}
	ret = no_nul(buf, len, err, errlen);
	if (!ret)
		ret = magic_line(&r, M_ANSWER, &a->version, err, errlen);
	if (ret)
		goto fail;
	l = next_line(&r);
	p = l;
	n = 0;
	if (l && strncmp(l, "backend ", 8) == 0) {
		p += 8;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
	}
	if (!n || n >= sizeof(a->backend) || p[n] != '\0') {
		ret = bad(err, errlen, r.line, _("expected a '%s' line"), "backend");
		goto fail;
	}
	memcpy(a->backend, p, n + 1);
	if (!num_line(next_line(&r), "lost", ULLONG_MAX, &a->lost)) {
		ret = bad(err, errlen, r.line, _("expected a '%s' line"), "lost");
		goto fail;
	}
	if (!num_line(next_line(&r), "since", LLONG_MAX, &v)) {
		ret = bad(err, errlen, r.line, _("expected a '%s' line"), "since");
		goto fail;
	}
	a->since = (long long)v;
	if (!num_line(next_line(&r), "filtered", 1, &v)) {
		ret = bad(err, errlen, r.line, _("expected a '%s' line"), "filtered");
		goto fail;
	}
	a->filtered = v == 1;
	if (a->version >= 2) {
		if (!num_line(next_line(&r), "lineage", 1, &v)) {
			ret = bad(err, errlen, r.line, _("expected a '%s' line"), "lineage");
			goto fail;
		}
		a->lineage = v == 1;
		/* Without lineage, nothing of it. */
		if (!num_line(next_line(&r), "dropped", a->lineage ? ULLONG_MAX : 0, &a->dropped)) {
			ret = bad(err, errlen, r.line, _("expected a '%s' line"),
				  a->lineage ? "dropped" : "dropped 0");
			goto fail;
		}
	}
	ret = count_line(&r, a->version >= 2 ? MIN_ENTRY_LINE : MIN_ENTRY_LINE_V1, &a->n, err,
			 errlen);
	if (ret)
		goto fail;
	a->v = xcalloc(a->n ? a->n : 1, sizeof(*a->v));
	eline = r.line + 1;
	for (i = 0; i < a->n; i++) {
		l = next_line(&r);
		if (!l) {
			ret = bad(err, errlen, r.line, _("cut short after %zu of %zu processes"),
				  i, a->n);
			goto fail;
		}
		if (!entry_line(l, a->version, &a->v[i])) {
			ret = bad(err, errlen, r.line, _("malformed process line"));
			goto fail;
		}
		if (!a->lineage && has_creator(a->v[i].creator, a->v[i].creator_start)) {
			ret = bad(err, errlen, r.line, "%s", _("a creator in an answer without lineage"));
			goto fail;
		}
	}
	if (a->version >= 2) {
		ret = released_count(&r, a->n, &a->nrel, err, errlen);
		if (ret)
			goto fail;
		if (!a->lineage && a->nrel) {
			ret = bad(err, errlen, r.line, "%s",
				  _("released ancestors in an answer without lineage"));
			goto fail;
		}
		a->rel = xcalloc(a->nrel ? a->nrel : 1, sizeof(*a->rel));
		path = xmalloc(BORN_PATH_MAX);
		rline = r.line + 1;
		for (i = 0; i < a->nrel; i++) {
			l = next_line(&r);
			if (!l) {
				ret = bad(err, errlen, r.line,
					  _("cut short after %zu of %zu released ancestors"), i,
					  a->nrel);
				goto fail;
			}
			if (!released_line(l, &a->rel[i], path)) {
				ret = bad(err, errlen, r.line, _("malformed released ancestor line"));
				goto fail;
			}
		}
		ret = check_lineage(a, eline, rline, err, errlen);
		if (ret)
			goto fail;
	}
	ret = end_line(&r, a->n, err, errlen);
	if (ret)
		goto fail;
	free(path);
	return 0;
fail:
	free(path);
	proto_answer_free(a);
	return ret;
}

unsigned long long proto_ticks(unsigned long long nsec)
{
	static unsigned long long hz;
	unsigned long long t;

	if (!hz) {
		long v = sysconf(_SC_CLK_TCK);

		hz = v > 0 ? (unsigned long long)v : 100;
	}
	if (!nsec)
		return 0;
	t = nsec / 1000000000ULL * hz + nsec % 1000000000ULL * hz / 1000000000ULL;
	return t ? t : 1;	/* known, if within the first tick */
}

void proto_request_free(struct proto_request *q)
{
	free(q->v);
	q->v = NULL;
	q->n = 0;
}

void proto_answer_free(struct proto_answer *a)
{
	size_t i;

	free(a->v);
	for (i = 0; a->rel && i < a->nrel; i++)
		free(a->rel[i].program);
	free(a->rel);
	memset(a, 0, sizeof(*a));
}
