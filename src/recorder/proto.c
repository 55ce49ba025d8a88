// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The question cabatree asks cabatreed and its answer (proto.h). Both
 * ends read what the other wrote, and either may be hostile: cabatreed
 * runs as root and answers any user; cabatree trusts nothing it did not
 * check. So the parsers are exact, as the state file's: the keywords in
 * their order, decimal numbers as the writer writes them, a count that
 * matches the lines, "end" and nothing after it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "nls.h"
#include "records.h"
#include "recorder/lines.h"
#include "recorder/proto.h"
#include "xalloc.h"

#define QUERY_MAGIC "cabatree-query"
#define ANSWER_MAGIC "cabatree-answer"
#define ERROR_MAGIC "cabatree-error"

/* The shortest line of each list: "1 0\n", "1 0 u 0 0\n". */
#define MIN_PAIR_LINE 4
#define MIN_ENTRY_LINE 10

void proto_format_request(struct strbuf *sb, const struct proto_request *q)
{
	size_t i;

	sb_addf(sb, QUERY_MAGIC " %d\npidns %llu\nwait-ms %u\ncount %zu\n", PROTO_VERSION,
		q->pidns, q->wait_ms, q->n);
	for (i = 0; i < q->n; i++) {
		sb_adduint(sb, (unsigned int)q->v[i].pid);
		sb_addc(sb, ' ');
		sb_adduint(sb, q->v[i].start);
		sb_addc(sb, '\n');
	}
	sb_adds(sb, "end\n");
}

void proto_format_answer(struct strbuf *sb, const struct proto_answer *a)
{
	size_t i;

	sb_addf(sb, ANSWER_MAGIC " %d\nbackend %s\nlost %llu\nsince %lld\nfiltered %d\n"
		"count %zu\n", PROTO_VERSION, a->backend, a->lost, a->since,
		a->filtered ? 1 : 0, a->n);
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
		sb_addc(sb, '\n');
	}
	sb_adds(sb, "end\n");
}

void proto_format_error(struct strbuf *sb, const char *sentence)
{
	size_t n = strcspn(sentence, "\n");

	sb_addf(sb, ERROR_MAGIC " %d\n", PROTO_VERSION);
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

/* Line 1: "MAGIC VERSION". 0 when it is m's magic at this version; -EBADMSG else. */
static int magic_line(struct lines *r, enum message m, char *err, size_t errlen)
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
	if (v == PROTO_VERSION)
		return 0;
	if (m == M_QUESTION)
		return bad(err, errlen, 1, _("version %llu of the question is not supported; "
					     "only version %d is"), v, PROTO_VERSION);
	if (m == M_ANSWER)
		return bad(err, errlen, 1, _("version %llu of the recorder's answer is not "
					     "supported; only version %d is"), v, PROTO_VERSION);
	return bad(err, errlen, 1, _("version %llu of the recorder's error message is not "
				     "supported; only version %d is"), v, PROTO_VERSION);
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
		ret = magic_line(&r, M_QUESTION, err, errlen);
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

/* One entry line: "PID START KIND CABA CABA_START". */
static bool entry_line(const char *p, struct proto_entry *e)
{
	unsigned long long pid, start, caba, cstart;
	char k;

	if (!p || !unum(&p, CT_PID_MAX, &pid) || pid == 0 || !space(&p) ||
	    !unum(&p, ULLONG_MAX, &start) || !space(&p))
		return false;
	k = *p++;
	if (!kind_known(k) || !space(&p) || !unum(&p, CT_PID_MAX, &caba) || !space(&p) ||
	    !unum(&p, ULLONG_MAX, &cstart) || *p != '\0')
		return false;
	/* A CABA with the kinds that carry one, none with the others. */
	if (kind_has_caba(k) ? caba == 0 : (caba != 0 || cstart != 0))
		return false;
	e->pid = (pid_t)pid;
	e->start = start;
	e->kind = k;
	e->caba = (pid_t)caba;
	e->caba_start = cstart;
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

int proto_parse_answer(char *buf, size_t len, struct proto_answer *a,
		       char *err, size_t errlen)
{
	struct lines r = { buf, buf + len, 0 };
	unsigned long long v;
	const char *l, *p;
	size_t i, n;
	int ret;

	memset(a, 0, sizeof(*a));
	if (errlen)
		err[0] = '\0';
	/* An error, whatever its sentence holds (made safe). */
	if (len > strlen(ERROR_MAGIC) && memcmp(buf, ERROR_MAGIC " ", strlen(ERROR_MAGIC) + 1) == 0) {
		ret = magic_line(&r, M_ERROR, err, errlen);
		return ret ? ret : error_message(&r, err, errlen);
	}
	ret = no_nul(buf, len, err, errlen);
	if (!ret)
		ret = magic_line(&r, M_ANSWER, err, errlen);
	if (ret)
		return ret;
	l = next_line(&r);
	p = l;
	n = 0;
	if (l && strncmp(l, "backend ", 8) == 0) {
		p += 8;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
	}
	if (!n || n >= sizeof(a->backend) || p[n] != '\0')
		return bad(err, errlen, r.line, _("expected a '%s' line"), "backend");
	memcpy(a->backend, p, n + 1);
	if (!num_line(next_line(&r), "lost", ULLONG_MAX, &a->lost))
		return bad(err, errlen, r.line, _("expected a '%s' line"), "lost");
	if (!num_line(next_line(&r), "since", LLONG_MAX, &v))
		return bad(err, errlen, r.line, _("expected a '%s' line"), "since");
	a->since = (long long)v;
	if (!num_line(next_line(&r), "filtered", 1, &v))
		return bad(err, errlen, r.line, _("expected a '%s' line"), "filtered");
	a->filtered = v == 1;
	ret = count_line(&r, MIN_ENTRY_LINE, &a->n, err, errlen);
	if (ret)
		return ret;
	a->v = xcalloc(a->n ? a->n : 1, sizeof(*a->v));
	for (i = 0; i < a->n; i++) {
		l = next_line(&r);
		if (!l) {
			ret = bad(err, errlen, r.line, _("cut short after %zu of %zu processes"),
				  i, a->n);
			goto fail;
		}
		if (!entry_line(l, &a->v[i])) {
			ret = bad(err, errlen, r.line, _("malformed process line"));
			goto fail;
		}
	}
	ret = end_line(&r, a->n, err, errlen);
	if (ret)
		goto fail;
	return 0;
fail:
	proto_answer_free(a);
	return ret;
}

void proto_request_free(struct proto_request *q)
{
	free(q->v);
	q->v = NULL;
	q->n = 0;
}

void proto_answer_free(struct proto_answer *a)
{
	free(a->v);
	a->v = NULL;
	a->n = 0;
}
