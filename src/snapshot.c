// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: the JSON document of --json, read back. It is checked as it
 * is read, by a parser made for this one document: the JSON syntax (with
 * the line and column), every field's type and range as soon as its value
 * ends, and then what ties the processes together (unique pids, no
 * cycles, roots as listed). Nothing is kept but the records themselves,
 * so memory follows what the document describes, not how it is written:
 * a value of the wrong type is refused when it ends, whatever it holds.
 * The caller shows nothing before the whole document has passed. See
 * "SNAPSHOTS" in cabatree(1).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "model.h"
#include "nls.h"
#include "snapshot.h"
#include "xalloc.h"

#define SHOW_MAX 40		/* bytes of a bad value quoted in a message */
#define READ_SIZE (64 * 1024)	/* bytes read from a file at a time */
#define SHOWN_SIZE (SHOW_MAX * 4 + 8)

/* What a value is, as far as the checks need to know. */
enum jkind { J_NONE, J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

/*
 * A value held until the checks of its object run: a scalar whole, an
 * array or object only by its kind (those the document may hold are read
 * where they are met).
 */
struct jval {
	enum jkind kind;	/* J_NONE: not (yet) in the document */
	bool b;			/* J_BOOL */
	bool whole;		/* J_NUM: an integer, no fraction or exponent */
	bool neg;		/* J_NUM: it has a minus sign */
	unsigned long long mag;	/* J_NUM, whole: its absolute value */
	char text[SHOW_MAX + 4];	/* J_NUM: as written, cut */
	size_t textlen;		/* J_NUM: the whole length written */
	struct strbuf str;	/* J_STR: decoded, maybe with NULs */
};

/* A process's user, by document index, to check that a uid has one name. */
struct pid_ref {
	uid_t uid;
	pid_t pid;
	size_t at;
	const char *name;	/* interned; NULL for null */
	size_t len;
};

/* An array of pids: "focus", "real_roots" or "born_roots". */
struct pid_list {
	pid_t *v;
	size_t n, cap;
	long bad;		/* the first element that is not a pid, or -1 */
	struct jval badv;	/* that element */
};

/* User names, each kept once however many processes carry it. */
struct names {
	struct name_slot {
		char *s;
		size_t n;
	} *v;
	size_t cap, used;
};

enum head_key {
	H_VERSION, H_TIME, H_SOURCE, H_BOOT, H_TICKS, H_LOST, H_FOCUS, H_PROCS,
	H_REAL, H_BORN, H_DROPPED, H_RELEASED, NHEAD
};

static const char *const head_keys[NHEAD] = {
	"version", "time", "caba_source", "boot_time", "clock_ticks",
	"lost_events", "focus", "processes", "real_roots", "born_roots",
	"lineage_dropped", "released",
};

enum proc_key {
	K_PID, K_PPID, K_CABA, K_STATUS, K_NAME, K_CMDLINE, K_UID, K_USER,
	K_PGID, K_SID, K_STATE, K_START, K_THREADS, K_REPARENTED, K_THREAD_LIST,
	K_FROM_REAPER, K_KTHREAD, K_MADE_BY, K_LINEAGE, K_LINEAGE_CUT, NPROC
};

static const char *const proc_keys[NPROC] = {
	"pid", "ppid", "caba", "caba_status", "name", "cmdline", "uid",
	"user", "pgid", "sid", "state", "start_time", "threads",
	"reparented", "thread_list", "caba_from_reaper", "kernel_thread",
	"made_by", "lineage", "lineage_cut",
};

/* The keys of version 2 only, on a process and on the document. */
#define PROC_LINEAGE_KEYS ((1u << K_MADE_BY) | (1u << K_LINEAGE) | (1u << K_LINEAGE_CUT))

enum rel_key {
	R_PID, R_START, R_END_TIME, R_END, R_EXIT_STATUS, R_EXIT, R_NAME, R_PROGRAM,
	R_MADE_BY, R_LINEAGE_CUT, NREL
};

static const char *const rel_keys[NREL] = {
	"pid", "start_time", "end_time", "end", "exit_status", "exit", "name",
	"program", "made_by", "lineage_cut",
};

enum thread_key { T_TID, T_NAME, NTHREAD };

static const char *const thread_keys[NTHREAD] = { "tid", "name" };

/* While parsing: the text, where we are (for messages), what is known. */
struct pctx {
	/*
	 * The text: buf[pos..len) is still to be read, then the rest of fd
	 * if >= 0, else of src[0..srclen), handed over chunk bytes at a time.
	 */
	int fd;
	const unsigned char *buf;
	size_t len, pos;
	unsigned char *mem;		/* what fd is read into */
	const unsigned char *src;
	size_t srclen, chunk;
	unsigned long long base;	/* offset of buf[0] in the text */
	unsigned long long line, bol;	/* line of buf[pos] (from 1), its start */
	bool eof;
	int ioerr;			/* reading failed or went past the limit */
	int depth;			/* arrays and objects open */

	const char *name;
	char *err;
	size_t errsz;
	char where[96];		/* "processes[12] (pid 345)", or "" */
	struct snapshot *s;
	size_t *at;		/* s->pl.v[i] is processes[at[i]] */
	struct pid_ref *users;	/* one per process: its uid and user */
	struct names names;
	pid_t *roots[TREE_COUNT];
	size_t nroots[TREE_COUNT];

	struct strbuf key;		/* the key just read */
	struct jval tmp;		/* an element being read */
	struct jval head[NHEAD];
	struct pid_list lists[3];	/* focus, real_roots, born_roots */
	bool version_ok;		/* "version" was read, and it is 1 or 2 */
	int version;
	bool unknown;			/* a key not known was met before */
	char unknown_key[SHOWN_SIZE];	/* the first such, as shown */
	bool source_known;		/* caba_source read and checked */
	bool procs_read;		/* "processes" was read as an array */
	bool status_later;		/* check caba_status against the source
					 * after the head: it came later */
	struct jval proc[NPROC];	/* the process being read */
	bool pid_ok;
	bool kthread_key;		/* some process has "kernel_thread" */
	struct jval thread[NTHREAD];	/* the thread being read */
	struct jval rel[NREL];		/* the released ancestor being read */
	unsigned int *lin_keys;		/* per process: which PROC_LINEAGE_KEYS it has */
	struct pid_list lin;		/* every process's "lineage", one after another */
	struct pid_list lintmp;		/* one "lineage" being read */
	struct lin_span {
		size_t from, n;
	} *lin_span;			/* per process: its "lineage" in lin.v */
	bool released_read;		/* "released" was read as an array */
	long long *rel_end;		/* per released ancestor: its "end" in
					 * seconds, -1 without, -2 null */
};

static const char *const tree_key[TREE_COUNT] = { "real_roots", "born_roots" };

static const struct {
	const char *name;
	enum caba_status status;
} statuses[] = {
	{ "kernel", CABA_KERNEL },
	{ "outside_namespace", CABA_OUTSIDE },
	{ "witnessed", CABA_WITNESSED },
	{ "inferred", CABA_INFERRED },
	{ "defined", CABA_DEFINED },
	{ "hidden", CABA_HIDDEN },
	{ "unrecorded", CABA_UNRECORDED },
	{ "unknown", CABA_UNKNOWN },
};

#define NSTATUSES (sizeof(statuses) / sizeof(statuses[0]))

/* ---- messages ---- */

static int bad(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct pctx *c, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (c->where[0])
		snprintf(c->err, c->errsz, "%s: %s: %s", c->name, c->where, what);
	else
		snprintf(c->err, c->errsz, "%s: %s", c->name, what);
	return -EBADMSG;
}

/*
 * The same at byte offset off of the text, as LINE:COLUMN (from 1, in
 * bytes). off is on the current line: no token holds a line break.
 */
static int bad_at(struct pctx *c, unsigned long long off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad_at(struct pctx *c, unsigned long long off, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errsz, "%s:%llu:%llu: %s", c->name, c->line, off - c->bol + 1,
		 what);
	return -EBADMSG;
}

/* s[0..n) made safe for a terminal and cut, in buf. */
static const char *shown(char *buf, size_t size, const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	esc_terminal(&sb, s, n > SHOW_MAX ? SHOW_MAX : n, false);
	snprintf(buf, size, "%s%s", sb.s ? sb.s : "", n > SHOW_MAX ? "..." : "");
	sb_free(&sb);
	return buf;
}

static const char *type_name(enum jkind k)
{
	switch (k) {
	case J_NULL:
		return _("null");
	case J_BOOL:
		return _("a boolean");
	case J_NUM:
		return _("a number");
	case J_STR:
		return _("a string");
	case J_ARR:
		return _("an array");
	case J_OBJ:
		return _("an object");
	case J_NONE:
		break;
	}
	return "?";
}

/* v as a message shows it: numbers as written, strings quoted and safe. */
static const char *value_text(char *buf, size_t size, const struct jval *v)
{
	char tmp[SHOWN_SIZE];

	switch (v->kind) {
	case J_NULL:
		return "null";
	case J_BOOL:
		return v->b ? "true" : "false";
	case J_NUM:
		if (v->whole)
			snprintf(buf, size, "%s%llu", v->neg && v->mag ? "-" : "", v->mag);
		else
			snprintf(buf, size, "%.*s%s", (int)(v->textlen > SHOW_MAX ?
							     SHOW_MAX : v->textlen),
				 v->text, v->textlen > SHOW_MAX ? "..." : "");
		return buf;
	case J_STR:
		snprintf(buf, size, "\"%s\"", shown(tmp, sizeof(tmp), v->str.s ? v->str.s : "",
						    v->str.len));
		return buf;
	case J_ARR:
		return "[...]";
	case J_OBJ:
		return "{...}";
	case J_NONE:
		break;
	}
	return "?";
}

/* ---- reading the text ---- */

static unsigned long long offset(const struct pctx *c)
{
	return c->base + c->pos;
}

/* The next bytes from the file; -1 at its end or when reading fails. */
static int refill(struct pctx *c)
{
	ssize_t n;

	if (c->eof || c->ioerr)
		return -1;
	c->base += c->len;
	if (c->fd < 0) {
		c->buf = c->src + c->base;
		c->pos = 0;
		c->len = c->srclen - c->base < c->chunk ? c->srclen - c->base : c->chunk;
		c->eof = c->len == 0;
		return c->eof ? -1 : c->buf[0];
	}
	c->buf = c->mem;
	c->pos = c->len = 0;
	do
		n = read(c->fd, c->mem, READ_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		c->ioerr = -errno;
		snprintf(c->err, c->errsz, _("cannot read the snapshot '%s': %s"), c->name,
			 strerror(errno));
		return -1;
	}
	if (n == 0) {
		c->eof = true;
		return -1;
	}
	/* Checked as it is read: a stream without end stops here. */
	if (c->base + (size_t)n > SNAPSHOT_MAX_SIZE) {
		c->ioerr = -EFBIG;
		snprintf(c->err, c->errsz, "%s: %s", c->name,
			 _("larger than 1 GiB, the most a snapshot may be"));
		return -1;
	}
	c->len = (size_t)n;
	return c->buf[0];
}

/* The next byte, not taken; -1 at the end (or when reading failed). */
static inline int peek(struct pctx *c)
{
	return c->pos < c->len ? c->buf[c->pos] : refill(c);
}

/* The text stopped where more was needed. */
static int at_end(struct pctx *c)
{
	if (c->ioerr)
		return c->ioerr;
	return bad_at(c, offset(c), "%s", _("the document ends too early (truncated?)"));
}

/* The next byte is not what the syntax allows there. */
static int bad_char(struct pctx *c, const char *what)
{
	int ch = peek(c);

	if (ch < 0)
		return at_end(c);
	if (ch == 0)
		return bad_at(c, offset(c), "%s", _("a NUL byte: not JSON text"));
	if (ch > 0x20 && ch < 0x7f)
		return bad_at(c, offset(c), _("%s: '%c'"), what, ch);
	return bad_at(c, offset(c), _("%s: byte 0x%02x"), what, (unsigned int)ch);
}

/* Skip white space; the next byte, not taken, or -1. */
static int skip_ws(struct pctx *c)
{
	for (;;) {
		int ch = peek(c);

		if (ch == '\n') {
			c->pos++;
			c->line++;
			c->bol = offset(c);
		} else if (ch == ' ' || ch == '\t' || ch == '\r') {
			c->pos++;
		} else {
			return ch;
		}
	}
}

/* Take the '[' or '{' that is next. */
static int open_container(struct pctx *c)
{
	unsigned long long off = offset(c);

	c->pos++;
	if (++c->depth > SNAPSHOT_MAX_DEPTH)
		return bad_at(c, off, _("nested more than %d levels deep"), SNAPSHOT_MAX_DEPTH);
	return 0;
}

static void put_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 4);
	}
}

/*
 * A half of a surrogate pair without the other stands for U+FFFD, the
 * replacement character: what the parser used before did with it.
 */
static void lone_surrogate(struct strbuf *out, uint32_t *high)
{
	if (*high && out)
		put_utf8(out, 0xfffd);
	*high = 0;
}

/* After a backslash in a string. */
static int lex_escape(struct pctx *c, struct strbuf *out, uint32_t *high)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	uint32_t cp = 0;
	int ch, i;

	c->pos++;
	ch = peek(c);
	if (ch < 0)
		return at_end(c);
	if (ch != 'u') {
		e = ch ? strchr(from, ch) : NULL;
		if (!e)
			return bad_char(c, _("malformed string"));
		lone_surrogate(out, high);
		c->pos++;
		if (out)
			sb_addc(out, to[e - from]);
		return 0;
	}
	c->pos++;
	for (i = 0; i < 4; i++) {
		ch = peek(c);
		if (ch >= '0' && ch <= '9')
			cp = cp << 4 | (uint32_t)(ch - '0');
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			cp = cp << 4 | (uint32_t)((ch | 0x20) - 'a' + 10);
		else
			return bad_char(c, _("malformed string"));
		c->pos++;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff && *high) {
		if (out)
			put_utf8(out, 0x10000 + ((*high - 0xd800) << 10) + (cp - 0xdc00));
		*high = 0;
		return 0;
	}
	lone_surrogate(out, high);
	if (cp >= 0xd800 && cp <= 0xdbff)
		*high = cp;
	else if (out)
		put_utf8(out, cp >= 0xdc00 && cp <= 0xdfff ? 0xfffd : cp);
	return 0;
}

/* One character of two to four bytes, which must be valid UTF-8. */
static int lex_utf8(struct pctx *c, struct strbuf *out)
{
	unsigned long long off = offset(c);
	unsigned char b[4];
	size_t n, k;
	uint32_t cp;
	int ch = peek(c);

	b[0] = (unsigned char)ch;
	n = ch >= 0xc2 && ch <= 0xdf ? 2 : ch >= 0xe0 && ch <= 0xef ? 3 :
	    ch >= 0xf0 && ch <= 0xf4 ? 4 : 0;
	if (!n)
		return bad_at(c, off, "%s", _("not valid UTF-8"));
	c->pos++;
	for (k = 1; k < n; k++) {
		ch = peek(c);
		if (ch < 0)
			return at_end(c);
		if ((ch & 0xc0) != 0x80)
			return bad_at(c, off, "%s", _("not valid UTF-8"));
		b[k] = (unsigned char)ch;
		c->pos++;
	}
	if (utf8_decode(b, n, &cp) != n)
		return bad_at(c, off, "%s", _("not valid UTF-8"));
	if (out)
		sb_add(out, b, n);
	return 0;
}

/*
 * The string that starts at the next byte, decoded and appended to out
 * (NULL: only checked). Strict JSON: no raw control characters, valid
 * UTF-8, no escape but the nine of JSON.
 */
static int lex_string(struct pctx *c, struct strbuf *out)
{
	uint32_t high = 0;
	int ch, ret;

	c->pos++;
	for (;;) {
		const unsigned char *b = c->buf;
		size_t i = c->pos;

		/* Most of a string is plain ASCII: take it in runs. */
		while (i < c->len && b[i] >= 0x20 && b[i] < 0x80 && b[i] != '"' && b[i] != '\\')
			i++;
		if (i > c->pos) {
			lone_surrogate(out, &high);
			if (out)
				sb_add(out, b + c->pos, i - c->pos);
			c->pos = i;
		}
		ch = peek(c);
		if (ch < 0)
			return at_end(c);
		if (ch >= 0x20 && ch < 0x80 && ch != '"' && ch != '\\')
			continue;	/* the run goes on after a refill */
		if (ch == '\\') {
			ret = lex_escape(c, out, &high);
			if (ret)
				return ret;
			continue;
		}
		lone_surrogate(out, &high);
		if (ch == '"') {
			c->pos++;
			return 0;
		}
		if (ch < 0x20)
			return bad_char(c, _("malformed string"));
		ret = lex_utf8(c, out);
		if (ret)
			return ret;
	}
}

/* The word w (the next bytes must spell it). */
static int lex_word(struct pctx *c, const char *w)
{
	for (; *w; w++) {
		if (peek(c) != (unsigned char)*w)
			return bad_char(c, _("not a JSON value (true, false and null are the only words)"));
		c->pos++;
	}
	return 0;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * A number, kept as written (cut) and, when it is an integer, as its
 * sign and absolute value: an integer must fit in 64 bits (as int64 when
 * negative), so that every range check sees the real value. NaN and
 * [-]Infinity are taken as numbers that are not whole, to say so.
 */
static int lex_number(struct pctx *c, struct jval *v)
{
	unsigned long long off = offset(c);
	bool over = false;
	size_t n = 0;
	int ch = peek(c);

#define TAKE() do {							\
		if (n < sizeof(v->text) - 1)				\
			v->text[n] = (char)ch;				\
		n++;							\
		c->pos++;						\
		ch = peek(c);						\
	} while (0)

	v->kind = J_NUM;
	v->whole = true;
	v->neg = false;
	v->mag = 0;
	if (ch == '-') {
		v->neg = true;
		TAKE();
	}
	if (ch == 'I' || ch == 'N') {
		const char *w = ch == 'I' ? "Infinity" : "NaN";
		int ret;

		if (v->neg && ch == 'N')
			return bad_char(c, _("malformed number"));
		ret = lex_word(c, w);
		snprintf(v->text + n, sizeof(v->text) - n, "%s", w);
		v->textlen = n + strlen(w);
		v->whole = false;
		return ret;
	}
	if (ch == '0') {
		TAKE();
		if (is_digit(ch))
			return bad_char(c, _("malformed number"));
	} else if (is_digit(ch)) {
		while (is_digit(ch)) {
			unsigned int d = (unsigned int)(ch - '0');

			if (v->mag > (ULLONG_MAX - d) / 10)
				over = true;
			else
				v->mag = v->mag * 10 + d;
			TAKE();
		}
	} else {
		return bad_char(c, _("malformed number"));
	}
	if (ch == '.') {
		v->whole = false;
		TAKE();
		if (!is_digit(ch))
			return bad_char(c, _("malformed number"));
		while (is_digit(ch))
			TAKE();
	}
	if (ch == 'e' || ch == 'E') {
		v->whole = false;
		TAKE();
		if (ch == '+' || ch == '-')
			TAKE();
		if (!is_digit(ch))
			return bad_char(c, _("malformed number"));
		while (is_digit(ch))
			TAKE();
	}
#undef TAKE
	v->textlen = n;
	v->text[n < sizeof(v->text) - 1 ? n : sizeof(v->text) - 1] = '\0';
	if (v->whole && (over || (v->neg && v->mag > (unsigned long long)INT64_MAX + 1)))
		return bad_at(c, off, _("the number %.*s%s does not fit in 64 bits"),
			      (int)(n > SHOW_MAX ? SHOW_MAX : n), v->text,
			      n > SHOW_MAX ? "..." : "");
	return 0;
}

static int skip_array(struct pctx *c);
static int skip_object(struct pctx *c);

/* The kind of the value that starts with ch (if it is one). */
static enum jkind value_kind(int ch)
{
	switch (ch) {
	case '"':
		return J_STR;
	case '[':
		return J_ARR;
	case '{':
		return J_OBJ;
	case 't':
	case 'f':
		return J_BOOL;
	case 'n':
		return J_NULL;
	}
	return J_NUM;
}

/*
 * The value that comes next, into v (NULL: only checked, nothing kept).
 * An array or an object is only checked: v says which it was.
 */
static int read_value(struct pctx *c, struct jval *v)
{
	struct jval num;
	int ch = skip_ws(c);

	if (v)
		v->kind = value_kind(ch);
	switch (ch) {
	case '"':
		if (v)
			sb_reset(&v->str);
		return lex_string(c, v ? &v->str : NULL);
	case '[':
		return skip_array(c);
	case '{':
		return skip_object(c);
	case 't':
		if (v)
			v->b = true;
		return lex_word(c, "true");
	case 'f':
		if (v)
			v->b = false;
		return lex_word(c, "false");
	case 'n':
		return lex_word(c, "null");
	case '-':
	case 'I':
	case 'N':
		return lex_number(c, v ? v : &num);
	case '\'':
		/* The parser used before took them. */
		return bad_at(c, offset(c), "%s", _("strings take double quotes in JSON"));
	}
	if (is_digit(ch))
		return lex_number(c, v ? v : &num);
	return bad_char(c, _("unexpected character"));
}

/*
 * The next member of an object whose '{' is taken: *more tells whether
 * there is one; if so, its key is in key (NULL: not kept) and its value
 * comes next. first: nothing was read in the object yet.
 */
static int obj_next(struct pctx *c, bool first, bool *more, struct strbuf *key)
{
	int ch = skip_ws(c), ret;

	*more = false;
	if (ch == '}') {
		c->pos++;
		c->depth--;
		return 0;
	}
	if (!first) {
		if (ch != ',')
			return bad_char(c, _("expected ',' or '}' in an object"));
		c->pos++;
		ch = skip_ws(c);
		if (ch == '}')
			return bad_char(c, _("unexpected character"));
	}
	if (ch == '\'')
		return bad_at(c, offset(c), "%s", _("strings take double quotes in JSON"));
	if (ch != '"')
		return bad_char(c, _("expected a key in double quotes"));
	if (key)
		sb_reset(key);
	ret = lex_string(c, key);
	if (ret)
		return ret;
	if (skip_ws(c) != ':')
		return bad_char(c, _("expected ':' after a key"));
	c->pos++;
	*more = true;
	return 0;
}

/* The same for an array whose '[' is taken; the element comes next. */
static int arr_next(struct pctx *c, bool first, bool *more)
{
	int ch = skip_ws(c);

	*more = false;
	if (ch == ']') {
		c->pos++;
		c->depth--;
		return 0;
	}
	if (!first) {
		if (ch != ',')
			return bad_char(c, _("expected ',' or ']' in an array"));
		c->pos++;
	}
	*more = true;
	return 0;
}

static int skip_array(struct pctx *c)
{
	bool more, first = true;
	int ret = open_container(c);

	while (!ret) {
		ret = arr_next(c, first, &more);
		if (ret || !more)
			break;
		first = false;
		ret = read_value(c, NULL);
	}
	return ret;
}

static int skip_object(struct pctx *c)
{
	bool more, first = true;
	int ret = open_container(c);

	while (!ret) {
		ret = obj_next(c, first, &more, NULL);
		if (ret || !more)
			break;
		first = false;
		ret = read_value(c, NULL);
	}
	return ret;
}

/* Only white space may follow the document. */
static int end_of_text(struct pctx *c)
{
	int ch = skip_ws(c);

	if (ch == 0)
		return bad_at(c, offset(c), "%s", _("a NUL byte: not JSON text"));
	if (ch > 0)
		return bad_at(c, offset(c), "%s", _("text after the end of the document"));
	return c->ioerr;
}

/* The index of the key just read in keys[0..n), or -1. */
static int key_index(const struct pctx *c, const char *const *keys, int n)
{
	int i;

	if (!c->key.len)
		return -1;
	for (i = 0; i < n; i++)
		if (keys[i][0] == c->key.s[0] && strlen(keys[i]) == c->key.len &&
		    memcmp(keys[i], c->key.s, c->key.len) == 0)
			return i;
	return -1;
}

/* ---- typed values ---- */

/* 1: the key is there; 0: not yet; when final, its absence is an error. */
static int present(struct pctx *c, const struct jval *v, const char *key, bool final)
{
	if (v->kind != J_NONE)
		return 1;
	return final ? bad(c, _("\"%s\" is missing"), key) : 0;
}

static int want(struct pctx *c, const char *what, enum jkind k, enum jkind t)
{
	static const char *const names[] = {
		[J_BOOL] = N_("a boolean"),
		[J_NUM] = N_("a number"),
		[J_STR] = N_("a string"),
		[J_ARR] = N_("an array"),
		[J_OBJ] = N_("an object"),
	};

	if (k == t)
		return 0;
	return bad(c, _("\"%s\" is %s, not %s"), what, type_name(k), _(names[t]));
}

static int get_int(struct pctx *c, const char *what, const struct jval *v,
		   long long min, long long max, long long *out)
{
	char tmp[SHOWN_SIZE];
	long long x;

	if (v->kind == J_NUM && !v->whole)
		return bad(c, _("\"%s\" is %s, not a whole number"), what,
			   value_text(tmp, sizeof(tmp), v));
	if (want(c, what, v->kind, J_NUM))
		return -EBADMSG;
	/* Values above INT64_MAX read as INT64_MAX, still out of range. */
	if (v->neg)
		x = v->mag ? -(long long)(v->mag - 1) - 1 : 0;
	else
		x = v->mag > INT64_MAX ? INT64_MAX : (long long)v->mag;
	if (x < min || x > max)
		return bad(c, _("\"%s\" is %s, out of range (%lld to %lld)"), what,
			   value_text(tmp, sizeof(tmp), v), min, max);
	*out = x;
	return 0;
}

static int get_u64(struct pctx *c, const char *what, const struct jval *v,
		   unsigned long long *out)
{
	char tmp[SHOWN_SIZE];

	if (v->kind == J_NUM && !v->whole)
		return bad(c, _("\"%s\" is %s, not a whole number"), what,
			   value_text(tmp, sizeof(tmp), v));
	if (want(c, what, v->kind, J_NUM))
		return -EBADMSG;
	if (v->neg && v->mag)
		return bad(c, _("\"%s\" is %s, out of range (%d to %llu)"), what,
			   value_text(tmp, sizeof(tmp), v), 0, (unsigned long long)UINT64_MAX);
	*out = v->mag;
	return 0;
}

static int get_pid(struct pctx *c, const char *what, const struct jval *v,
		   long long min, pid_t *out)
{
	long long x;

	if (get_int(c, what, v, min, SNAPSHOT_PID_MAX, &x))
		return -EBADMSG;
	*out = (pid_t)x;
	return 0;
}

/* Would get_pid(v, 1) take it? Without a message. */
static bool is_pid(const struct jval *v)
{
	return v->kind == J_NUM && v->whole && !v->neg && v->mag >= 1 &&
	       v->mag <= SNAPSHOT_PID_MAX;
}

/* A string without NUL characters (they end names and arguments). */
static int get_str(struct pctx *c, const char *what, const struct jval *v,
		   const char **s, size_t *n)
{
	if (want(c, what, v->kind, J_STR))
		return -EBADMSG;
	*s = v->str.s ? v->str.s : "";
	*n = v->str.len;
	if (memchr(*s, '\0', *n))
		return bad(c, _("\"%s\" holds a NUL character (\\u0000)"), what);
	return 0;
}

static void jval_free(struct jval *v)
{
	sb_free(&v->str);
}

/* ---- user names ---- */

static size_t name_hash(const char *s, size_t n)
{
	size_t h = 14695981039346656037ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* The one copy of s[0..n). */
static const char *name_intern(struct names *t, const char *s, size_t n)
{
	size_t i;

	if (2 * (t->used + 1) > t->cap) {
		struct names bigger = { xcalloc(t->cap ? 2 * t->cap : 64, sizeof(*t->v)),
					t->cap ? 2 * t->cap : 64, t->used };

		for (i = 0; i < t->cap; i++) {
			size_t j;

			if (!t->v[i].s)
				continue;
			j = name_hash(t->v[i].s, t->v[i].n) & (bigger.cap - 1);
			while (bigger.v[j].s)
				j = (j + 1) & (bigger.cap - 1);
			bigger.v[j] = t->v[i];
		}
		free(t->v);
		*t = bigger;
	}
	for (i = name_hash(s, n) & (t->cap - 1); t->v[i].s; i = (i + 1) & (t->cap - 1))
		if (t->v[i].n == n && memcmp(t->v[i].s, s, n) == 0)
			return t->v[i].s;
	t->v[i].s = xstrndup(s, n);
	t->v[i].n = n;
	t->used++;
	return t->v[i].s;
}

static void names_free(struct names *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->v[i].s);
	free(t->v);
}

/* ---- one process ---- */

static int read_pids(struct pctx *c, struct pid_list *l);
static int check_pids(struct pctx *c, const struct pid_list *l, enum jkind k, const char *key);

static bool status_fits(enum caba_source src, enum caba_status st)
{
	switch (src) {
	case CABA_SRC_NONE:
		return st == CABA_UNKNOWN;
	case CABA_SRC_KERNEL:
		return st == CABA_KERNEL || st == CABA_OUTSIDE || st == CABA_UNKNOWN;
	case CABA_SRC_RECORDER:
		return st == CABA_WITNESSED || st == CABA_INFERRED || st == CABA_DEFINED ||
		       st == CABA_HIDDEN || st == CABA_UNRECORDED || st == CABA_UNKNOWN;
	case CABA_SRC_SNAPSHOT:
		break;
	}
	return true;
}

static const char *status_name(enum caba_status st)
{
	size_t i;

	for (i = 0; i < NSTATUSES && statuses[i].status != st; i++)
		;
	return i < NSTATUSES ? statuses[i].name : "unknown";
}

static int misfit(struct pctx *c, enum caba_status st)
{
	return bad(c, _("\"caba_status\" \"%s\" does not fit caba_source \"%s\""),
		   status_name(st), snapshot_source_name(c->s->caba_source));
}

/*
 * The CABA fields: caba, caba_status and what they imply. Like every
 * check of a process, it runs once its object ends (final) and, for what
 * is there already, before a long member (cmdline, thread_list) is read,
 * so that problems are told in the same order however keys are laid out.
 */
static int check_caba(struct pctx *c, struct ct_proc *p, bool final)
{
	const struct jval *v = c->proc;
	char tmp[SHOWN_SIZE];
	const char *s;
	size_t len, i;
	bool moved, known;
	int ret;

	ret = present(c, &v[K_STATUS], "caba_status", final);
	if (ret <= 0)
		return ret;
	if (get_str(c, "caba_status", &v[K_STATUS], &s, &len))
		return -EBADMSG;
	for (i = 0; i < NSTATUSES && (strlen(statuses[i].name) != len ||
				      memcmp(statuses[i].name, s, len) != 0); i++)
		;
	if (i == NSTATUSES)
		return bad(c, _("\"caba_status\" \"%s\" is not one of kernel, outside_namespace, witnessed, inferred, defined, hidden, unrecorded, unknown"),
			   shown(tmp, sizeof(tmp), s, len));
	p->caba_status = statuses[i].status;
	if (c->source_known && !status_fits(c->s->caba_source, p->caba_status))
		return misfit(c, p->caba_status);
	if (v[K_FROM_REAPER].kind != J_NONE) {
		if (p->caba_status != CABA_INFERRED)
			return bad(c, _("\"caba_from_reaper\" is given, but caba_status \"%s\" is not \"inferred\""),
				   s);
		if (want(c, "caba_from_reaper", v[K_FROM_REAPER].kind, J_BOOL))
			return -EBADMSG;
		p->caba_from_reaper = v[K_FROM_REAPER].b;
	} else if (final) {
		/* Older documents: the guess may hide a reparenting, as they showed it. */
		p->caba_from_reaper = p->caba_status == CABA_INFERRED;
	}
	known = caba_status_known(p->caba_status);
	ret = present(c, &v[K_CABA], "caba", final);
	if (ret <= 0)
		return ret;
	if (known && v[K_CABA].kind == J_NULL)
		return bad(c, _("\"caba\" is null, but caba_status \"%s\" needs a pid"), s);
	if (!known && v[K_CABA].kind != J_NULL)
		return bad(c, _("\"caba\" is %s, but caba_status \"%s\" has no CABA pid (null)"),
			   value_text(tmp, sizeof(tmp), &v[K_CABA]), s);
	if (known && get_pid(c, "caba", &v[K_CABA], 0, &p->caba))
		return -EBADMSG;
	ret = present(c, &v[K_REPARENTED], "reparented", final);
	if (ret <= 0)
		return ret;
	if (want(c, "reparented", v[K_REPARENTED].kind, J_BOOL))
		return -EBADMSG;
	if (v[K_PPID].kind == J_NONE)	/* it comes later */
		return 0;
	moved = known && p->caba != p->ppid;
	if (v[K_REPARENTED].b != moved) {
		if (!known)
			return bad(c, _("\"reparented\" is true, but the CABA is not known"));
		if (moved)
			return bad(c, _("\"reparented\" is false, but caba %d is not ppid %d"),
				   (int)p->caba, (int)p->ppid);
		return bad(c, _("\"reparented\" is true, but caba %d is ppid %d"),
			   (int)p->caba, (int)p->ppid);
	}
	return 0;
}

/*
 * The lineage members (version 2): which are there is checked against the
 * version at the end; made_by is checked against "released" then too.
 */
static int check_lineage(struct pctx *c, size_t idx, struct ct_proc *p, bool final)
{
	const struct jval *v = c->proc;
	long long x;
	int k;

	for (k = K_MADE_BY; k <= K_LINEAGE_CUT; k++)
		if (v[k].kind != J_NONE)
			c->lin_keys[idx] |= 1u << k;
	if (v[K_MADE_BY].kind != J_NONE && v[K_MADE_BY].kind != J_NULL) {
		if (get_int(c, "made_by", &v[K_MADE_BY], 0, INT32_MAX, &x))
			return -EBADMSG;
		p->made_by = (size_t)x + 1;
	}
	if (v[K_LINEAGE].kind != J_NONE && want(c, "lineage", v[K_LINEAGE].kind, J_ARR))
		return -EBADMSG;
	if (v[K_LINEAGE_CUT].kind != J_NONE) {
		if (want(c, "lineage_cut", v[K_LINEAGE_CUT].kind, J_BOOL))
			return -EBADMSG;
		p->lineage_cut = v[K_LINEAGE_CUT].b;
		if (p->lineage_cut && p->made_by)
			return bad(c, _("\"lineage_cut\" is true, but \"made_by\" names its creator"));
	}
	(void)final;
	return 0;
}

/* "lineage" of process idx, an array of pids whose '[' is next. */
static int parse_lineage(struct pctx *c, size_t idx)
{
	struct pid_list *l = &c->lintmp;
	size_t i;
	int ret;

	l->n = 0;
	ret = read_pids(c, l);
	if (!ret)
		ret = check_pids(c, l, J_ARR, "lineage");
	if (ret)
		return ret;
	c->lin_span[idx].from = c->lin.n;
	c->lin_span[idx].n = l->n;
	for (i = 0; i < l->n; i++) {
		if (c->lin.n == c->lin.cap) {
			c->lin.cap = c->lin.cap ? 2 * c->lin.cap : 16;
			c->lin.v = xreallocarray(c->lin.v, c->lin.cap, sizeof(*c->lin.v));
		}
		c->lin.v[c->lin.n++] = l->v[i];
	}
	return 0;
}

/* An integer member in [min, max], when it is there. */
static int check_int(struct pctx *c, enum proc_key k, long long min, long long max,
		     bool final, long long *out)
{
	int ret = present(c, &c->proc[k], proc_keys[k], final);

	if (ret <= 0)
		return ret;
	return get_int(c, proc_keys[k], &c->proc[k], min, max, out) ? -EBADMSG : 1;
}

/*
 * The members of process idx but its pid (checked when read) in a fixed
 * order. final: its object has ended, so what is missing is missing;
 * otherwise only what is there is checked, and nothing is kept.
 */
static int check_process(struct pctx *c, size_t idx, struct ct_proc *p,
			 struct pid_ref *user, bool final)
{
	const struct jval *v = c->proc;
	const char *s;
	size_t len;
	long long x;
	bool lists;
	int ret;

	if (!c->pid_ok)
		return final ? bad(c, _("\"%s\" is missing"), "pid") : 0;
	ret = present(c, &v[K_PPID], "ppid", final);
	if (ret < 0 || (ret && get_pid(c, "ppid", &v[K_PPID], 0, &p->ppid)))
		return -EBADMSG;
	if (check_caba(c, p, final))
		return -EBADMSG;
	ret = present(c, &v[K_NAME], "name", final);
	if (ret < 0 || (ret && get_str(c, "name", &v[K_NAME], &s, &len)))
		return -EBADMSG;
	if (ret && final) {
		p->name = xstrndup(s, len);
		p->name_len = len;
	}
	/* Read where it is met when it is an array. */
	ret = present(c, &v[K_CMDLINE], "cmdline", final);
	if (ret < 0 || (ret && want(c, "cmdline", v[K_CMDLINE].kind, J_ARR)))
		return -EBADMSG;
	ret = check_int(c, K_UID, 0, CT_UID_MAX, final, &x);
	if (ret < 0)
		return ret;
	if (ret) {
		p->uid = (uid_t)x;
		user->uid = p->uid;
		user->pid = p->pid;
		user->at = idx;
	}
	ret = present(c, &v[K_USER], "user", final);
	if (ret < 0)
		return ret;
	if (ret && v[K_USER].kind != J_NULL) {
		if (get_str(c, "user", &v[K_USER], &s, &len))
			return -EBADMSG;
		if (final) {
			user->name = name_intern(&c->names, s, len);
			user->len = len;
		}
	}
	/* A process being reaped shows -1 (see procfs_parse_stat). */
	ret = check_int(c, K_PGID, -1, SNAPSHOT_PID_MAX, final, &x);
	if (ret < 0)
		return ret;
	p->pgid = ret ? (pid_t)x : p->pgid;
	ret = check_int(c, K_SID, -1, SNAPSHOT_PID_MAX, final, &x);
	if (ret < 0)
		return ret;
	p->sid = ret ? (pid_t)x : p->sid;
	ret = present(c, &v[K_STATE], "state", final);
	if (ret < 0 || (ret && get_str(c, "state", &v[K_STATE], &s, &len)))
		return -EBADMSG;
	if (ret && (len != 1 || s[0] <= ' ' || s[0] > '~')) {
		char tmp[SHOWN_SIZE];

		return bad(c, _("\"state\" \"%s\" is not one printable ASCII letter"),
			   shown(tmp, sizeof(tmp), s, len));
	}
	if (ret)
		p->state = s[0];
	ret = present(c, &v[K_START], "start_time", final);
	if (ret < 0 || (ret && get_u64(c, "start_time", &v[K_START], &p->start_time)))
		return -EBADMSG;
	ret = check_int(c, K_THREADS, 0, INT32_MAX, final, &x);
	if (ret < 0)
		return ret;
	p->nthreads = ret ? (int)x : p->nthreads;
	if (v[K_KTHREAD].kind != J_NONE) {
		if (want(c, "kernel_thread", v[K_KTHREAD].kind, J_BOOL))
			return -EBADMSG;
		p->kthread = v[K_KTHREAD].b;
		c->kthread_key = true;
	}
	lists = v[K_THREAD_LIST].kind != J_NONE;
	if (idx == 0 && (final || lists))
		c->s->thread_lists = lists;
	if (idx > 0 && lists != c->s->thread_lists && (final || lists))
		return bad(c, lists ? _("has a \"thread_list\", but processes[0] has none") :
			   _("has no \"thread_list\", but processes[0] has one"));
	if (lists && want(c, "thread_list", v[K_THREAD_LIST].kind, J_ARR))
		return -EBADMSG;
	return check_lineage(c, idx, p, final);
}

/* "cmdline", an array whose '[' is next: each argument ends with a NUL. */
static int parse_cmdline(struct pctx *c, struct ct_proc *p)
{
	struct strbuf sb = STRBUF_INIT;
	bool more = true;
	char what[32];
	size_t i;
	int ret = open_container(c);

	for (i = 0; !ret; i++) {
		size_t start = sb.len;
		int ch;

		ret = arr_next(c, i == 0, &more);
		if (ret || !more)
			break;
		ch = skip_ws(c);
		if (ch != '"') {
			snprintf(what, sizeof(what), "cmdline[%zu]", i);
			ret = read_value(c, NULL);
			if (!ret)
				ret = want(c, what, value_kind(ch), J_STR);
			break;
		}
		ret = lex_string(c, &sb);
		if (!ret && sb.len > start && memchr(sb.s + start, '\0', sb.len - start)) {
			snprintf(what, sizeof(what), "cmdline[%zu]", i);
			ret = bad(c, _("\"%s\" holds a NUL character (\\u0000)"), what);
		}
		/* As the kernel keeps them. */
		sb_addc(&sb, '\0');
	}
	if (ret) {
		sb_free(&sb);
		return ret;
	}
	p->has_cmdline = i > 0;
	p->cmdline = sb.s;
	p->cmdline_len = sb.len;
	return 0;
}

/* One object of "thread_list", whose '{' is next. */
static int parse_thread(struct pctx *c, size_t i, struct ct_thread *th)
{
	struct jval *v = c->thread;
	char what[48], tmp[SHOWN_SIZE];
	bool more, first = true, unknown = false;
	const char *name;
	size_t len, n;
	int ret = open_container(c), k;

	for (k = 0; k < NTHREAD; k++)
		v[k].kind = J_NONE;
	while (!ret) {
		ret = obj_next(c, first, &more, &c->key);
		if (ret || !more)
			break;
		first = false;
		k = key_index(c, thread_keys, NTHREAD);
		if (k >= 0 && v[k].kind == J_NONE) {
			ret = read_value(c, &v[k]);
			continue;
		}
		if (!unknown && k < 0)
			shown(tmp, sizeof(tmp), c->key.s, c->key.len);
		unknown |= k < 0;
		ret = read_value(c, NULL);
		if (!ret && k >= 0)
			ret = bad(c, _("\"thread_list[%zu].%s\" is given twice"), i, thread_keys[k]);
	}
	if (ret)
		return ret;
	if (unknown) {
		n = strlen(c->where);
		snprintf(c->where + n, sizeof(c->where) - n, ": thread_list[%zu]", i);
		return bad(c, _("unknown key \"%s\""), tmp);
	}
	snprintf(what, sizeof(what), "thread_list[%zu].tid", i);
	if (v[T_TID].kind == J_NONE)
		return bad(c, _("\"%s\" is missing"), what);
	if (get_pid(c, what, &v[T_TID], 1, &th->tid))
		return -EBADMSG;
	snprintf(what, sizeof(what), "thread_list[%zu].name", i);
	if (v[T_NAME].kind == J_NONE)
		return bad(c, _("\"%s\" is missing"), what);
	if (get_str(c, what, &v[T_NAME], &name, &len))
		return -EBADMSG;
	th->name = xstrndup(name, len);
	th->name_len = len;
	return 0;
}

/* "thread_list", an array whose '[' is next. */
static int parse_threads(struct pctx *c, struct ct_proc *p)
{
	bool more = true;
	size_t i, cap = 0;
	int ret = open_container(c);

	for (i = 0; !ret; i++) {
		char what[48];
		int ch;

		ret = arr_next(c, i == 0, &more);
		if (ret || !more)
			break;
		ch = skip_ws(c);
		if (ch != '{') {
			snprintf(what, sizeof(what), "thread_list[%zu]", i);
			ret = read_value(c, NULL);
			return ret ? ret : want(c, what, value_kind(ch), J_OBJ);
		}
		if (p->nthreads_listed == cap) {
			cap = cap ? 2 * cap : 4;
			p->threads = xreallocarray(p->threads, cap, sizeof(*p->threads));
		}
		ret = parse_thread(c, i, &p->threads[i]);
		if (!ret)
			p->nthreads_listed++;
	}
	return ret;
}

/* Process idx, an object whose '{' is next. */
static int parse_process(struct pctx *c, size_t idx, struct ct_proc *p,
			 struct pid_ref *user)
{
	struct jval *v = c->proc;
	char tmp[SHOWN_SIZE];
	bool more, first = true, unknown = false;
	int ret = open_container(c), k, ch;

	for (k = 0; k < NPROC; k++)
		v[k].kind = J_NONE;
	c->pid_ok = false;
	snprintf(c->where, sizeof(c->where), "processes[%zu]", idx);
	while (!ret) {
		ret = obj_next(c, first, &more, &c->key);
		if (ret || !more)
			break;
		first = false;
		k = key_index(c, proc_keys, NPROC);
		if (k < 0 || v[k].kind != J_NONE) {
			if (!unknown && k < 0)
				shown(tmp, sizeof(tmp), c->key.s, c->key.len);
			unknown |= k < 0;
			ret = read_value(c, NULL);
			if (!ret && k >= 0)
				ret = bad(c, _("\"%s\" is given twice"), proc_keys[k]);
			else if (!ret && unknown && c->pid_ok)
				ret = bad(c, _("unknown key \"%s\""), tmp);
			continue;
		}
		ch = skip_ws(c);
		if ((k == K_CMDLINE || k == K_THREAD_LIST || k == K_LINEAGE) && ch == '[') {
			/* Told first, as if this came last: what came before. */
			v[k].kind = J_ARR;
			ret = check_process(c, idx, p, user, false);
			if (!ret)
				ret = k == K_CMDLINE ? parse_cmdline(c, p) :
				      k == K_LINEAGE ? parse_lineage(c, idx) : parse_threads(c, p);
			continue;
		}
		ret = read_value(c, &v[k]);
		if (ret || k != K_PID)
			continue;
		/* The pid names the process in every message after it. */
		ret = get_pid(c, "pid", &v[k], 1, &p->pid);
		if (ret)
			break;
		c->pid_ok = true;
		snprintf(c->where, sizeof(c->where), "processes[%zu] (pid %d)", idx, (int)p->pid);
		if (unknown)
			ret = bad(c, _("unknown key \"%s\""), tmp);
	}
	return ret ? ret : check_process(c, idx, p, user, true);
}

/* "processes", an array whose '[' is next, as it comes. */
static int parse_processes(struct pctx *c)
{
	struct ct_proclist *pl = &c->s->pl;
	size_t i;
	bool more = true;
	int ret = open_container(c);

	c->procs_read = true;
	c->status_later = !c->source_known;
	for (i = 0; !ret; i++) {
		int ch;

		ret = arr_next(c, i == 0, &more);
		if (ret || !more)
			break;
		ch = skip_ws(c);
		if (ch != '{') {
			char what[32];

			snprintf(what, sizeof(what), "processes[%zu]", i);
			c->where[0] = '\0';
			ret = read_value(c, NULL);
			return ret ? ret : want(c, what, value_kind(ch), J_OBJ);
		}
		if (pl->n == pl->cap) {
			pl->cap = pl->cap ? 2 * pl->cap : 64;
			pl->v = xreallocarray(pl->v, pl->cap, sizeof(*pl->v));
			c->users = xreallocarray(c->users, pl->cap, sizeof(*c->users));
			c->lin_keys = xreallocarray(c->lin_keys, pl->cap, sizeof(*c->lin_keys));
			c->lin_span = xreallocarray(c->lin_span, pl->cap, sizeof(*c->lin_span));
		}
		memset(&pl->v[i], 0, sizeof(pl->v[i]));
		memset(&c->users[i], 0, sizeof(c->users[i]));
		c->lin_keys[i] = 0;
		c->lin_span[i].from = c->lin_span[i].n = 0;
		/* Counted first, so that a failure frees what was half read. */
		pl->n++;
		ret = parse_process(c, i, &pl->v[i], &c->users[i]);
	}
	c->where[0] = '\0';
	return ret;
}

/* ---- released ancestors ---- */

static void where_proc(struct pctx *c, size_t i);

static void where_rel(struct pctx *c, size_t i)
{
	snprintf(c->where, sizeof(c->where), "released[%zu] (pid %d)", i,
		 (int)c->s->pl.released[i].pid);
}

/* A string or null (not known), without NUL characters, kept. */
static int get_opt_str(struct pctx *c, const char *what, const struct jval *v,
		       char **out, size_t *outlen)
{
	const char *str;
	size_t len;

	if (v->kind == J_NULL)
		return 0;
	if (get_str(c, what, v, &str, &len))
		return -EBADMSG;
	*out = xstrndup(str, len);
	*outlen = len;
	return 0;
}

/* The members of released ancestor i, once its object ended. */
static int check_released(struct pctx *c, size_t i, struct ct_released *r)
{
	const struct jval *v = c->rel;
	char tmp[SHOWN_SIZE], want_exit[64];
	const char *str;
	long long x;
	size_t len;
	int k;

	snprintf(c->where, sizeof(c->where), "released[%zu]", i);
	for (k = 0; k < NREL; k++) {
		/* "end" only when the document knows the boot time: told later. */
		if (k != R_END && v[k].kind == J_NONE)
			return bad(c, _("\"%s\" is missing"), rel_keys[k]);
	}
	if (get_pid(c, "pid", &v[R_PID], 1, &r->pid))
		return -EBADMSG;
	where_rel(c, i);
	if (get_u64(c, "start_time", &v[R_START], &r->start_time))
		return -EBADMSG;
	if (v[R_END_TIME].kind != J_NULL) {
		if (get_u64(c, "end_time", &v[R_END_TIME], &r->end_time))
			return -EBADMSG;
		if (r->end_time < r->start_time)
			return bad(c, _("\"end_time\" %llu is before \"start_time\" %llu"),
				   r->end_time, r->start_time);
	}
	r->exit_status = -1;
	if (v[R_EXIT_STATUS].kind != J_NULL) {
		if (get_int(c, "exit_status", &v[R_EXIT_STATUS], 0, 65535, &x))
			return -EBADMSG;
		r->exit_status = (int)x;
	}
	if (r->exit_status < 0 && v[R_EXIT].kind != J_NULL)
		return bad(c, _("\"exit\" is %s, but \"exit_status\" is null"),
			   value_text(tmp, sizeof(tmp), &v[R_EXIT]));
	if (r->exit_status >= 0) {
		if (get_str(c, "exit", &v[R_EXIT], &str, &len))
			return -EBADMSG;
		snapshot_exit_str(r->exit_status, want_exit, sizeof(want_exit));
		if (strlen(want_exit) != len || memcmp(want_exit, str, len) != 0)
			return bad(c, _("\"exit\" \"%s\" does not say \"exit_status\" %d: \"%s\""),
				   shown(tmp, sizeof(tmp), str, len), r->exit_status, want_exit);
	}
	c->rel_end[i] = -1;
	if (v[R_END].kind == J_NULL) {
		c->rel_end[i] = -2;
	} else if (v[R_END].kind != J_NONE) {
		if (get_str(c, "end", &v[R_END], &str, &len))
			return -EBADMSG;
		if (snapshot_time_parse(str, len, &c->rel_end[i]))
			return bad(c, _("\"end\" \"%s\" is not a UTC time like 2026-11-27T21:14:28Z"),
				   shown(tmp, sizeof(tmp), str, len));
	}
	if (get_opt_str(c, "name", &v[R_NAME], &r->name, &r->name_len) ||
	    get_opt_str(c, "program", &v[R_PROGRAM], &r->program, &r->program_len))
		return -EBADMSG;
	if (v[R_MADE_BY].kind != J_NULL) {
		if (get_int(c, "made_by", &v[R_MADE_BY], 0, INT32_MAX, &x))
			return -EBADMSG;
		r->made_by = (size_t)x + 1;
	}
	if (want(c, "lineage_cut", v[R_LINEAGE_CUT].kind, J_BOOL))
		return -EBADMSG;
	r->lineage_cut = v[R_LINEAGE_CUT].b;
	if (r->lineage_cut && r->made_by)
		return bad(c, _("\"lineage_cut\" is true, but \"made_by\" names its creator"));
	return 0;
}

/* One object of "released", whose '{' is next. */
static int parse_one_released(struct pctx *c, size_t i, struct ct_released *r)
{
	struct jval *v = c->rel;
	char tmp[SHOWN_SIZE];
	bool more, first = true;
	int ret = open_container(c), k;

	for (k = 0; k < NREL; k++)
		v[k].kind = J_NONE;
	snprintf(c->where, sizeof(c->where), "released[%zu]", i);
	while (!ret) {
		ret = obj_next(c, first, &more, &c->key);
		if (ret || !more)
			break;
		first = false;
		k = key_index(c, rel_keys, NREL);
		if (k >= 0 && v[k].kind == J_NONE) {
			ret = read_value(c, &v[k]);
			/* Every member is a scalar: an array or object is refused whole. */
			if (!ret && (v[k].kind == J_ARR || v[k].kind == J_OBJ))
				ret = bad(c, _("\"%s\" is %s"), rel_keys[k], type_name(v[k].kind));
			continue;
		}
		if (k < 0)
			shown(tmp, sizeof(tmp), c->key.s, c->key.len);
		ret = read_value(c, NULL);
		if (!ret)
			ret = k < 0 ? bad(c, _("unknown key \"%s\""), tmp) :
			      bad(c, _("\"%s\" is given twice"), rel_keys[k]);
	}
	return ret ? ret : check_released(c, i, r);
}

/* "released", an array whose '[' is next. */
static int parse_released(struct pctx *c)
{
	struct ct_proclist *pl = &c->s->pl;
	size_t i, cap = 0;
	bool more = true;
	int ret = open_container(c);

	c->released_read = true;
	for (i = 0; !ret; i++) {
		int ch;

		ret = arr_next(c, i == 0, &more);
		if (ret || !more)
			break;
		ch = skip_ws(c);
		if (ch != '{') {
			char what[32];

			snprintf(what, sizeof(what), "released[%zu]", i);
			c->where[0] = '\0';
			ret = read_value(c, NULL);
			return ret ? ret : want(c, what, value_kind(ch), J_OBJ);
		}
		if (pl->nreleased == cap) {
			cap = cap ? 2 * cap : 16;
			pl->released = xreallocarray(pl->released, cap, sizeof(*pl->released));
			c->rel_end = xreallocarray(c->rel_end, cap, sizeof(*c->rel_end));
		}
		memset(&pl->released[i], 0, sizeof(pl->released[i]));
		pl->nreleased++;
		ret = parse_one_released(c, i, &pl->released[i]);
	}
	c->where[0] = '\0';
	return ret;
}

/*
 * The lineage, once everything is read: the keys the version has, every
 * reference in range, no creator loops back, each process's "lineage"
 * is its chain of released creators, and every released ancestor is on
 * some process's lineage (the recorder keeps no other).
 */
static int check_lineages(struct pctx *c)
{
	struct snapshot *s = c->s;
	const struct ct_proclist *pl = &s->pl;
	size_t i, k, nr = pl->nreleased;
	unsigned char *state;
	char when[SNAPSHOT_TIME_LEN + 1];
	int ret = 0, key;

	c->where[0] = '\0';
	if (c->version < 2) {
		for (key = H_DROPPED; key <= H_RELEASED; key++)
			if (c->head[key].kind != J_NONE)
				return bad(c, _("\"%s\" is a key of version 2, but the document is version %d"),
					   head_keys[key], c->version);
		for (i = 0; i < pl->n; i++) {
			if (!c->lin_keys[c->at[i]])
				continue;
			where_proc(c, i);
			for (key = K_MADE_BY; !(c->lin_keys[c->at[i]] & (1u << key)); key++)
				;
			return bad(c, _("\"%s\" is a key of version 2, but the document is version %d"),
				   proc_keys[key], c->version);
		}
		return 0;
	}
	if (c->head[H_DROPPED].kind == J_NONE)
		return bad(c, _("\"%s\" is missing"), "lineage_dropped");
	if (get_u64(c, "lineage_dropped", &c->head[H_DROPPED], &s->lineage_dropped))
		return -EBADMSG;
	if (c->head[H_RELEASED].kind == J_NONE)
		return bad(c, _("\"%s\" is missing"), "released");
	if (!c->released_read)
		return want(c, "released", c->head[H_RELEASED].kind, J_ARR);
	for (i = 0; i < pl->n; i++) {
		unsigned int have = c->lin_keys[c->at[i]];

		if (have == PROC_LINEAGE_KEYS)
			continue;
		where_proc(c, i);
		for (key = K_MADE_BY; have & (1u << key); key++)
			;
		return bad(c, _("\"%s\" is missing"), proc_keys[key]);
	}
	for (i = 0; i < nr; i++) {
		const struct ct_released *r = &pl->released[i];
		long long end = -1;

		where_rel(c, i);
		if (r->made_by > nr)
			return bad(c, _("\"made_by\" %zu is not an index of \"released\" (0 to %zu)"),
				   r->made_by - 1, nr - 1);
		if (r->made_by == i + 1)
			return bad(c, _("\"made_by\" %zu is itself"), i);
		if (s->clock_ticks > 0 && r->end_time)
			end = s->boot_time + (long long)(r->end_time / (unsigned long long)s->clock_ticks);
		if (end > SNAPSHOT_TIME_MAX)
			end = -1;
		if (end < 0 && c->rel_end[i] >= 0)
			return bad(c, s->clock_ticks > 0 ?
				   _("\"end\" is given, but \"end_time\" is null") :
				   _("\"end\" is given, but the document has no \"boot_time\""));
		if (end >= 0 && c->rel_end[i] != end) {
			snapshot_time_str(end, when, sizeof(when));
			if (c->rel_end[i] == -1)
				return bad(c, _("\"end\" is missing: it is \"%s\""), when);
			return bad(c, _("\"end\" does not say \"end_time\" %llu: \"%s\""),
				   r->end_time, when);
		}
		if (end < 0 && c->rel_end[i] == -2)
			return bad(c, _("\"end\" is null: leave it out when not known"));
	}
	state = xcalloc(nr ? nr : 1, 1);	/* 0 new, 1 on walk, 2 done */
	for (i = 0; i < nr && !ret; i++) {
		size_t j;

		for (j = i; j < nr && state[j] == 0; j = pl->released[j].made_by - 1)
			state[j] = 1;
		if (j < nr && state[j] == 1) {
			where_rel(c, j);
			ret = bad(c, _("\"made_by\" %zu leads back to it: the creators form a cycle"),
				  pl->released[j].made_by - 1);
		}
		for (j = i; j < nr && state[j] == 1; j = pl->released[j].made_by - 1)
			state[j] = 2;
	}
	/* Now 2 is "not on a lineage yet", 3 "on one". */
	for (i = 0; i < pl->n && !ret; i++) {
		const struct ct_proc *p = &pl->v[i];
		const struct lin_span *sp = &c->lin_span[c->at[i]];
		size_t j;

		where_proc(c, i);
		if (p->made_by > nr) {
			ret = bad(c, nr ? _("\"made_by\" %zu is not an index of \"released\" (0 to %zu)") :
				  _("\"made_by\" %zu is not an index of \"released\", which is empty"),
				  p->made_by - 1, nr - 1);
			break;
		}
		for (k = 0, j = p->made_by - 1; j < nr; k++, j = pl->released[j].made_by - 1) {
			if (k >= sp->n || c->lin.v[sp->from + k] != pl->released[j].pid) {
				ret = bad(c, _("\"lineage\" is not its chain of creators in \"released\": lineage[%zu] should be %d"),
					  k, (int)pl->released[j].pid);
				break;
			}
			state[j] = 3;
		}
		if (!ret && k < sp->n)
			ret = bad(c, _("\"lineage\" is not its chain of creators in \"released\": it has %zu, not %zu"),
				  sp->n, k);
	}
	for (i = 0; i < nr && !ret; i++) {
		if (state[i] == 3)
			continue;
		where_rel(c, i);
		ret = bad(c, _("on no process's lineage: a snapshot keeps only the released ancestors of its processes"));
	}
	free(state);
	return ret;
}

/* ---- what ties the processes together ---- */

static long find(const struct snapshot *s, pid_t pid)
{
	size_t lo = 0, hi = s->pl.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->pl.v[mid].pid == pid)
			return (long)mid;
		if (s->pl.v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void where_proc(struct pctx *c, size_t i)
{
	snprintf(c->where, sizeof(c->where), "processes[%zu] (pid %d)", c->at[i],
		 (int)c->s->pl.v[i].pid);
}

static int cmp_index_by_pid(const void *a, const void *b, void *arg)
{
	const struct ct_proc *v = arg;
	pid_t x = v[*(const size_t *)a].pid, y = v[*(const size_t *)b].pid;

	if (x != y)
		return (x > y) - (x < y);
	return (*(const size_t *)a > *(const size_t *)b) -
	       (*(const size_t *)a < *(const size_t *)b);
}

/*
 * Snapshots older than "kernel_thread" do not tell kernel threads: where
 * pid 2 is kthreadd, it and its children are (every kernel thread is
 * kthreadd's child, but init's own, rare and short-lived, kernel threads).
 */
static void infer_kthreads(struct ct_proclist *pl)
{
	static const char name[] = "kthreadd";
	struct ct_proc *k = proclist_find(pl, 2);
	size_t i;

	if (!k || k->name_len != strlen(name) || memcmp(k->name, name, strlen(name)) != 0)
		return;
	for (i = 0; i < pl->n; i++)
		pl->v[i].kthread = pl->v[i].pid == 2 || pl->v[i].ppid == 2;
}

/*
 * Sort the processes by pid (as model_build wants) and refuse a pid twice.
 * They are moved in place, one cycle of the permutation at a time: a
 * second array of processes would double the largest allocation.
 */
static int sort_processes(struct pctx *c)
{
	struct ct_proclist *pl = &c->s->pl;
	size_t *perm, i, j, k;
	struct ct_proc v;

	c->at = xcalloc(pl->n, sizeof(*c->at));
	for (i = 0; i < pl->n; i++)
		c->at[i] = i;
	for (i = 1; i < pl->n && pl->v[i - 1].pid < pl->v[i].pid; i++)
		;
	if (i < pl->n) {
		qsort_r(c->at, pl->n, sizeof(*c->at), cmp_index_by_pid, pl->v);
		perm = xreallocarray(NULL, pl->n, sizeof(*perm));
		memcpy(perm, c->at, pl->n * sizeof(*perm));
		/* Place i takes the process at perm[i]; perm[i] == i once placed. */
		for (i = 0; i < pl->n; i++) {
			if (perm[i] == i)
				continue;
			v = pl->v[i];
			for (j = i; perm[j] != i; j = k) {
				k = perm[j];
				pl->v[j] = pl->v[k];
				perm[j] = j;
			}
			pl->v[j] = v;
			perm[j] = j;
		}
		free(perm);
	}
	for (i = 1; i < pl->n; i++) {
		if (pl->v[i].pid == pl->v[i - 1].pid) {
			where_proc(c, i);
			return bad(c, _("pid %d is also processes[%zu]"), (int)pl->v[i].pid,
				   c->at[i - 1]);
		}
	}
	return 0;
}

struct id_ref {
	pid_t id;
	size_t proc;		/* index in the sorted list */
	long thread;		/* index in its thread_list, -1 for the process */
};

static int cmp_id(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;

	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	if (x->thread != y->thread)	/* the process first */
		return (x->thread > y->thread) - (x->thread < y->thread);
	return (x->proc > y->proc) - (x->proc < y->proc);
}

/* A tid is one thread's only: not another thread's, not a process's. */
static int check_tids(struct pctx *c)
{
	const struct ct_proclist *pl = &c->s->pl;
	size_t i, k, n = pl->n;
	struct id_ref *ids;
	int ret = 0;

	for (i = 0; i < pl->n; i++)
		n += pl->v[i].nthreads_listed;
	if (n == pl->n)
		return 0;
	ids = xcalloc(n, sizeof(*ids));
	for (i = 0, n = 0; i < pl->n; i++) {
		ids[n++] = (struct id_ref){ pl->v[i].pid, i, -1 };
		for (k = 0; k < pl->v[i].nthreads_listed; k++)
			ids[n++] = (struct id_ref){ pl->v[i].threads[k].tid, i, (long)k };
	}
	qsort(ids, n, sizeof(*ids), cmp_id);
	for (i = 1; i < n && !ret; i++) {
		const struct id_ref *a = &ids[i - 1], *b = &ids[i];

		if (a->id != b->id)
			continue;
		where_proc(c, b->proc);
		if (a->thread < 0 && a->proc == b->proc)
			ret = bad(c, _("thread_list[%ld]: tid %d is the process itself (only other threads are listed)"),
				  b->thread, (int)b->id);
		else if (a->thread < 0)
			ret = bad(c, _("thread_list[%ld]: tid %d is also a process, processes[%zu]"),
				  b->thread, (int)b->id, c->at[a->proc]);
		else
			ret = bad(c, _("thread_list[%ld]: tid %d is also listed in processes[%zu] (pid %d)"),
				  b->thread, (int)b->id, c->at[a->proc], (int)pl->v[a->proc].pid);
	}
	free(ids);
	return ret;
}

static int cmp_user(const void *a, const void *b)
{
	const struct pid_ref *x = a, *y = b;

	if (x->uid != y->uid)
		return (x->uid > y->uid) - (x->uid < y->uid);
	return (x->at > y->at) - (x->at < y->at);
}

static const char *user_shown(char *buf, size_t size, const struct pid_ref *u)
{
	return u->name ? shown(buf, size, u->name, u->len) : "null";
}

/* One name (or none) per uid, kept for users_set(). */
static int check_users(struct pctx *c, size_t n)
{
	struct pid_ref *u = c->users;
	struct snapshot *s = c->s;
	char t1[SHOW_MAX * 4 + 8], t2[SHOW_MAX * 4 + 8];
	size_t i;

	qsort(u, n, sizeof(*u), cmp_user);
	s->users = xcalloc(n, sizeof(*s->users));
	for (i = 0; i < n; i++) {
		if (i && u[i].uid == u[i - 1].uid) {
			if (!u[i].name == !u[i - 1].name &&
			    (!u[i].name || (u[i].len == u[i - 1].len &&
					    memcmp(u[i].name, u[i - 1].name, u[i].len) == 0)))
				continue;
			snprintf(c->where, sizeof(c->where), "processes[%zu] (pid %d)",
				 u[i].at, (int)u[i].pid);
			return bad(c, _("uid %u is user %s here but %s in processes[%zu]"),
				   (unsigned int)u[i].uid, user_shown(t1, sizeof(t1), &u[i]),
				   user_shown(t2, sizeof(t2), &u[i - 1]), u[i - 1].at);
		}
		s->users[s->nusers].uid = u[i].uid;
		s->users[s->nusers++].name = u[i].name ? xstrndup(u[i].name, u[i].len) : NULL;
	}
	return 0;
}

/* The parent of process i in tree t among the listed ones, or -1. */
static long parent_of(const struct snapshot *s, size_t i, enum ct_tree t)
{
	const struct ct_proc *p = &s->pl.v[i];
	pid_t id;

	if (t == TREE_REAL)
		id = p->ppid;
	else if (caba_status_known(p->caba_status))
		id = p->caba;
	else
		return -1;
	return id > 0 ? find(s, id) : -1;
}

/* Parent links that loop, the self-parent included, are refused. */
static int check_cycles(struct pctx *c, enum ct_tree t)
{
	const struct snapshot *s = c->s;
	unsigned char *state = xcalloc(s->pl.n, 1);	/* 0 new, 1 on walk, 2 done */
	size_t i;
	long j;
	int ret = 0;

	for (i = 0; i < s->pl.n && !ret; i++) {
		for (j = (long)i; j >= 0 && state[j] == 0; j = parent_of(s, (size_t)j, t))
			state[j] = 1;
		if (j >= 0 && state[j] == 1) {
			const struct ct_proc *p = &s->pl.v[j];

			where_proc(c, (size_t)j);
			ret = t == TREE_REAL ?
			      bad(c, _("ppid %d leads back to it: the real parents form a cycle"),
				  (int)p->ppid) :
			      bad(c, _("caba %d leads back to it: the born parents form a cycle"),
				  (int)p->caba);
		}
		for (j = (long)i; j >= 0 && state[j] == 1; j = parent_of(s, (size_t)j, t))
			state[j] = 2;
	}
	free(state);
	return ret;
}

/* Why process i is a root of tree t, to say that real_roots lacks it. */
static int missing_root(struct pctx *c, size_t i, enum ct_tree t)
{
	const struct ct_proc *p = &c->s->pl.v[i];

	where_proc(c, i);
	if (t == TREE_REAL && p->ppid == 0)
		return bad(c, _("ppid 0 makes it a root, but pid %d is not in real_roots"),
			   (int)p->pid);
	if (t == TREE_REAL)
		return bad(c, _("ppid %d is not in the snapshot and pid %d is not in real_roots"),
			   (int)p->ppid, (int)p->pid);
	if (!caba_status_known(p->caba_status))
		return bad(c, _("caba_status \"%s\" makes it a root, but pid %d is not in born_roots"),
			   status_name(p->caba_status), (int)p->pid);
	if (p->caba == 0)
		return bad(c, _("caba 0 makes it a root, but pid %d is not in born_roots"),
			   (int)p->pid);
	return bad(c, _("caba %d is not in the snapshot and pid %d is not in born_roots"),
		   (int)p->caba, (int)p->pid);
}

/*
 * The roots listed must be exactly the processes shown in tree t that
 * have no parent there: the document's focus applied to the processes
 * listed decides what is shown, as when it was written.
 */
static int check_roots(struct pctx *c, const struct ct_model *m, enum ct_tree t)
{
	const char *key = tree_key[t];
	unsigned char *listed;
	size_t i;
	int ret = 0;

	c->where[0] = '\0';
	if (t == TREE_BORN && c->s->caba_source == CABA_SRC_NONE) {
		if (c->nroots[t])
			return bad(c, _("\"born_roots\" must be empty: caba_source is \"none\""));
		return 0;
	}
	listed = xcalloc(m->n ? m->n : 1, 1);
	for (i = 0; i < c->nroots[t] && !ret; i++) {
		pid_t pid = c->roots[t][i];
		long k = find(c->s, pid);
		const struct ct_node *nd = k >= 0 ? &m->nodes[k] : NULL;

		if (!nd)
			ret = bad(c, _("%s[%zu]: pid %d is not in the snapshot"), key, i, (int)pid);
		else if (listed[k])
			ret = bad(c, _("%s[%zu]: pid %d is listed twice"), key, i, (int)pid);
		else if (!nd->shown[t])
			ret = bad(c, t == TREE_REAL ?
				  _("%s[%zu]: pid %d is not in the real tree around the focus") :
				  _("%s[%zu]: pid %d is not in the born tree around the focus"),
				  key, i, (int)pid);
		else if (nd->parent[t] >= 0)
			ret = t == TREE_REAL ?
			      bad(c, _("%s[%zu]: pid %d is not a root: its ppid %d is in the snapshot"),
				  key, i, (int)pid, (int)nd->p->ppid) :
			      bad(c, _("%s[%zu]: pid %d is not a root: its caba %d is in the snapshot"),
				  key, i, (int)pid, (int)nd->p->caba);
		else
			listed[k] = 1;
	}
	for (i = 0; i < m->n && !ret; i++) {
		const struct ct_node *nd = &m->nodes[i];

		if (nd->shown[t] && nd->parent[t] < 0 && !listed[i])
			ret = missing_root(c, i, t);
	}
	free(listed);
	return ret;
}

static int check_model(struct pctx *c)
{
	struct snapshot *s = c->s;
	struct ct_model m;
	size_t i;
	int ret = 0, t;

	model_build(&m, &s->pl, false);
	m.caba_source = s->caba_source;
	if (s->nfocus)
		model_focus(&m, s->focus, s->nfocus);
	for (i = 0; i < m.n && !ret; i++) {
		if (!m.nodes[i].shown[TREE_REAL] && !m.nodes[i].shown[TREE_BORN]) {
			where_proc(c, i);
			ret = bad(c, _("in neither tree around the focus: it is neither a focused process nor an ancestor or a descendant of one"));
		}
	}
	for (t = 0; t < TREE_COUNT && !ret; t++)
		ret = check_roots(c, &m, (enum ct_tree)t);
	model_free(&m);
	return ret;
}


/* ---- the document ---- */

/* An array of pids whose '[' is next: the pids, and the first that is not one. */
static int read_pids(struct pctx *c, struct pid_list *l)
{
	bool more = true;
	size_t i;
	int ret = open_container(c);

	l->bad = -1;
	for (i = 0; !ret; i++) {
		ret = arr_next(c, i == 0, &more);
		if (ret || !more)
			break;
		ret = read_value(c, &c->tmp);
		if (ret)
			break;
		if (!is_pid(&c->tmp)) {
			if (l->bad < 0) {
				struct jval t = l->badv;

				l->bad = (long)i;
				l->badv = c->tmp;
				c->tmp = t;
			}
			continue;
		}
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
		}
		l->v[l->n++] = (pid_t)c->tmp.mag;
	}
	return ret;
}

/* The pids of key (of kind k, an array if it was read as one). */
static int check_pids(struct pctx *c, const struct pid_list *l, enum jkind k, const char *key)
{
	char what[48];
	pid_t pid;

	if (want(c, key, k, J_ARR))
		return -EBADMSG;
	if (l->bad < 0)
		return 0;
	snprintf(what, sizeof(what), "%s[%ld]", key, l->bad);
	return get_pid(c, what, &l->badv, 1, &pid);
}

/*
 * "boot_time" and "clock_ticks", both or neither: when the system booted
 * (not after "time") and the unit of the processes' start_time.
 */
static int check_clock(struct pctx *c, bool final)
{
	struct snapshot *s = c->s;
	const struct jval *bv = &c->head[H_BOOT], *tv = &c->head[H_TICKS];
	char tmp[SHOWN_SIZE], when[SNAPSHOT_TIME_LEN + 1];
	const char *str;
	size_t len;
	long long x;
	bool boot = bv->kind != J_NONE, ticks = tv->kind != J_NONE;

	if (!boot && !ticks)
		return 0;
	if (!final && (!boot || !ticks))
		return 0;
	if (!ticks)
		return bad(c, _("\"boot_time\" without \"clock_ticks\": a snapshot has both or neither"));
	if (!boot)
		return bad(c, _("\"clock_ticks\" without \"boot_time\": a snapshot has both or neither"));
	if (get_str(c, "boot_time", bv, &str, &len))
		return -EBADMSG;
	if (snapshot_time_parse(str, len, &s->boot_time))
		return bad(c, _("\"boot_time\" \"%s\" is not a UTC time like 2026-11-27T21:14:28Z"),
			   shown(tmp, sizeof(tmp), str, len));
	if (c->head[H_TIME].kind != J_NONE && s->boot_time > s->time) {
		snapshot_time_str(s->time, when, sizeof(when));
		return bad(c, _("\"boot_time\" \"%s\" is after \"time\" \"%s\": the system booted after the snapshot was taken"),
			   shown(tmp, sizeof(tmp), str, len), when);
	}
	if (get_int(c, "clock_ticks", tv, 1, SNAPSHOT_CLOCK_TICKS_MAX, &x))
		return -EBADMSG;
	s->clock_ticks = (long)x;
	return 0;
}

/*
 * The members of the document but "processes", in a fixed order: when
 * "processes" begins (what is there so far) and when the document ends
 * (final: what is missing is missing). "version" and unknown keys were
 * told when read.
 */
static int check_head(struct pctx *c, bool final)
{
	struct snapshot *s = c->s;
	const struct jval *h = c->head;
	char tmp[SHOWN_SIZE];
	const char *str;
	size_t len, i;
	bool lost;
	int ret;

	c->where[0] = '\0';
	if (!c->version_ok)
		return final ? bad(c, _("no \"version\": not a cabatree snapshot")) : 0;
	ret = present(c, &h[H_SOURCE], "caba_source", final);
	if (ret < 0 || (ret && get_str(c, "caba_source", &h[H_SOURCE], &str, &len)))
		return -EBADMSG;
	if (ret) {
		for (i = 0; i < SNAPSHOT_NSOURCES &&
			    (strlen(snapshot_source_name(i)) != len ||
			     memcmp(snapshot_source_name(i), str, len) != 0); i++)
			;
		if (i == SNAPSHOT_NSOURCES)
			return bad(c, _("\"caba_source\" \"%s\" is not one of kernel, recorder, none, snapshot"),
				   shown(tmp, sizeof(tmp), str, len));
		s->caba_source = (enum caba_source)i;
		c->source_known = true;
	}
	ret = present(c, &h[H_TIME], "time", final);
	if (ret < 0 || (ret && get_str(c, "time", &h[H_TIME], &str, &len)))
		return -EBADMSG;
	if (ret && snapshot_time_parse(str, len, &s->time))
		return bad(c, _("\"time\" \"%s\" is not a UTC time like 2026-11-27T21:14:28Z"),
			   shown(tmp, sizeof(tmp), str, len));
	if (check_clock(c, final))
		return -EBADMSG;
	lost = h[H_LOST].kind != J_NONE;
	if (c->source_known) {
		if (lost && s->caba_source != CABA_SRC_RECORDER)
			return bad(c, _("\"lost_events\" belongs only with caba_source \"recorder\""));
		if (!lost && final && s->caba_source == CABA_SRC_RECORDER)
			return bad(c, _("\"lost_events\" is missing (caba_source is \"recorder\")"));
		if (lost && get_u64(c, "lost_events", &h[H_LOST], &s->lost_events))
			return -EBADMSG;
	}
	if (h[H_FOCUS].kind != J_NONE) {
		if (check_pids(c, &c->lists[0], h[H_FOCUS].kind, "focus"))
			return -EBADMSG;
		if (!c->lists[0].n)
			return bad(c, _("\"focus\" is empty (leave it out for no focus)"));
	}
	for (i = 0; i < TREE_COUNT; i++) {
		ret = present(c, &h[H_REAL + i], tree_key[i], final);
		if (ret < 0 || (ret && check_pids(c, &c->lists[1 + i], h[H_REAL + i].kind,
						  tree_key[i])))
			return -EBADMSG;
	}
	return 0;
}

/* One member of the document, whose key is read. */
static int parse_member(struct pctx *c)
{
	char tmp[SHOWN_SIZE], ver[SHOWN_SIZE];
	struct jval *v;
	int k = key_index(c, head_keys, NHEAD), ch, ret;

	if (k < 0 || c->head[k].kind != J_NONE) {
		if (k < 0)
			shown(tmp, sizeof(tmp), c->key.s, c->key.len);
		ret = read_value(c, NULL);
		if (ret)
			return ret;
		if (k >= 0)
			return bad(c, _("\"%s\" is given twice"), head_keys[k]);
		/* Not a snapshot at all says more than a key it does not know. */
		if (c->version_ok)
			return bad(c, _("unknown key \"%s\""), tmp);
		if (!c->unknown)
			memcpy(c->unknown_key, tmp, sizeof(tmp));
		c->unknown = true;
		return 0;
	}
	v = &c->head[k];
	ch = skip_ws(c);
	if ((k == H_FOCUS || k == H_REAL || k == H_BORN) && ch == '[') {
		v->kind = J_ARR;
		return read_pids(c, &c->lists[k == H_FOCUS ? 0 : k == H_REAL ? 1 : 2]);
	}
	if (k == H_PROCS && ch == '[') {
		v->kind = J_ARR;
		ret = check_head(c, false);
		return ret ? ret : parse_processes(c);
	}
	if (k == H_RELEASED && ch == '[') {
		v->kind = J_ARR;
		return parse_released(c);
	}
	ret = read_value(c, v);
	if (ret || k != H_VERSION)
		return ret;
	if (v->kind != J_NUM || !v->whole || v->neg || v->mag < 1 || v->mag > SNAPSHOT_VERSION)
		return bad(c, _("version %s is not supported: this cabatree reads versions 1 to %d"),
			   value_text(ver, sizeof(ver), v), SNAPSHOT_VERSION);
	c->version_ok = true;
	c->version = (int)v->mag;
	if (c->unknown)
		return bad(c, _("unknown key \"%s\""), c->unknown_key);
	return 0;
}

/* The text, up to its end: one object. */
static int parse_text(struct pctx *c)
{
	bool more, first = true;
	int ch = peek(c), ret;

	/* Some editors start UTF-8 files with one; JSON has none. */
	if (ch == 0xef) {
		c->pos++;
		if (peek(c) == 0xbb) {
			c->pos++;
			if (peek(c) == 0xbf)
				return bad_at(c, 0, "%s",
					      _("starts with a byte order mark (U+FEFF); save it without one"));
		}
		return bad_at(c, 0, _("%s: byte 0x%02x"), _("unexpected character"), 0xefU);
	}
	ch = skip_ws(c);
	if (ch < 0)
		return c->ioerr ? c->ioerr : bad(c, _("empty, not a snapshot"));
	/* Not JSON at all: another kind of file, not a damaged snapshot. */
	if (ch != '{' && ch != '[' && ch != '"' && ch != '-' && !is_digit(ch) &&
	    (!ch || !strchr("tfnIN", ch)))
		return bad(c, _("not a cabatree snapshot (written by cabatree --json)"));
	if (ch != '{') {
		ret = read_value(c, NULL);
		if (!ret)
			ret = end_of_text(c);
		return ret ? ret :
		       bad(c, _("not a cabatree snapshot: the document is %s, not an object"),
			   type_name(value_kind(ch)));
	}
	ret = open_container(c);
	while (!ret) {
		ret = obj_next(c, first, &more, &c->key);
		if (ret || !more)
			break;
		first = false;
		ret = parse_member(c);
	}
	return ret ? ret : end_of_text(c);
}

static int parse_doc(struct pctx *c)
{
	struct snapshot *s = c->s;
	size_t i;
	int ret, t;

	ret = parse_text(c);
	if (ret)
		return ret;
	if (check_head(c, true))
		return -EBADMSG;
	if (c->head[H_PROCS].kind == J_NONE)
		return bad(c, _("\"%s\" is missing"), "processes");
	if (!c->procs_read)
		return want(c, "processes", c->head[H_PROCS].kind, J_ARR);
	if (s->pl.n == 0)
		return bad(c, _("\"processes\" is empty: a snapshot has at least one process"));
	for (i = 0; c->status_later && i < s->pl.n; i++) {
		if (!status_fits(s->caba_source, s->pl.v[i].caba_status)) {
			snprintf(c->where, sizeof(c->where), "processes[%zu] (pid %d)", i,
				 (int)s->pl.v[i].pid);
			return misfit(c, s->pl.v[i].caba_status);
		}
	}
	s->focus = c->lists[0].v;
	s->nfocus = c->lists[0].n;
	c->lists[0].v = NULL;
	for (t = 0; t < TREE_COUNT; t++) {
		c->roots[t] = c->lists[1 + t].v;
		c->nroots[t] = c->lists[1 + t].n;
	}
	c->where[0] = '\0';
	if (sort_processes(c) || check_tids(c) || check_users(c, s->pl.n))
		return -EBADMSG;
	if (!c->kthread_key)
		infer_kthreads(&s->pl);
	ret = check_lineages(c);
	if (ret)
		return ret;
	s->version = c->version;
	c->where[0] = '\0';
	for (i = 0; i < s->nfocus; i++) {
		if (find(s, s->focus[i]) < 0)
			return bad(c, _("focus[%zu]: pid %d is not in the snapshot"), i,
				   (int)s->focus[i]);
	}
	for (t = 0; t < TREE_COUNT; t++) {
		ret = check_cycles(c, (enum ct_tree)t);
		if (ret)
			return ret;
	}
	return check_model(c);
}

/* Parse with c's text set, then free what only parsing needed. */
static int parse(struct pctx *c, struct snapshot *s)
{
	int ret, i;

	c->s = s;
	c->line = 1;
	ret = parse_doc(c);
	free(c->at);
	free(c->users);
	names_free(&c->names);
	sb_free(&c->key);
	jval_free(&c->tmp);
	for (i = 0; i < NHEAD; i++)
		jval_free(&c->head[i]);
	for (i = 0; i < NPROC; i++)
		jval_free(&c->proc[i]);
	for (i = 0; i < NTHREAD; i++)
		jval_free(&c->thread[i]);
	for (i = 0; i < NREL; i++)
		jval_free(&c->rel[i]);
	free(c->lin_keys);
	free(c->lin_span);
	free(c->lin.v);
	free(c->lintmp.v);
	jval_free(&c->lintmp.badv);
	jval_free(&c->lin.badv);
	free(c->rel_end);
	for (i = 0; i < 3; i++) {
		free(c->lists[i].v);
		jval_free(&c->lists[i].badv);
	}
	if (ret)
		snapshot_free(s);
	return ret;
}

int snapshot_parse_chunked(const char *buf, size_t len, size_t chunk, const char *name,
			   struct snapshot *s, char *err, size_t errsz)
{
	struct pctx c = {
		.fd = -1, .src = (const unsigned char *)buf, .srclen = len,
		.chunk = chunk ? chunk : 1, .name = name, .err = err, .errsz = errsz,
	};

	memset(s, 0, sizeof(*s));
	if (errsz)
		err[0] = '\0';
	if (len > SNAPSHOT_MAX_SIZE) {
		bad(&c, _("larger than 1 GiB, the most a snapshot may be"));
		return -EFBIG;
	}
	return parse(&c, s);
}

int snapshot_parse(const char *buf, size_t len, const char *name,
		   struct snapshot *s, char *err, size_t errsz)
{
	return snapshot_parse_chunked(buf, len, len, name, s, err, errsz);
}

void snapshot_free(struct snapshot *s)
{
	size_t i;

	proclist_free(&s->pl);
	for (i = 0; i < s->nusers; i++)
		free(s->users[i].name);
	free(s->users);
	free(s->focus);
	memset(s, 0, sizeof(*s));
}


int snapshot_load(const char *path, struct snapshot *s, char *err, size_t errsz)
{
	bool in = strcmp(path, "-") == 0;
	struct pctx c = {
		.name = in ? _("(standard input)") : path, .err = err, .errsz = errsz,
	};
	struct stat st;
	int ret;

	memset(s, 0, sizeof(*s));
	if (errsz)
		err[0] = '\0';
	c.fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (c.fd < 0) {
		ret = -errno;
		snprintf(err, errsz, _("cannot read the snapshot '%s': %s"), c.name,
			 strerror(-ret));
		return ret;
	}
	/* A file says its size: refused before a byte is read. */
	if (fstat(c.fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > SNAPSHOT_MAX_SIZE) {
		bad(&c, _("larger than 1 GiB, the most a snapshot may be"));
		ret = -EFBIG;
	} else {
		/* Read as it is parsed: only READ_SIZE bytes of the text at a time. */
		c.mem = xmalloc(READ_SIZE);
		c.buf = c.mem;
		ret = parse(&c, s);
		free(c.mem);
	}
	if (!in)
		close(c.fd);
	return ret;
}

void snapshot_meta(struct snapshot *s, const char *name)
{
	struct ct_meta *mt = &s->pl.meta;

	mt->caba_source = s->caba_source;
	mt->caba_source_given = true;
	mt->lost_events = s->lost_events;
	mt->has_lineage = s->version >= 2;
	mt->lineage_dropped = s->lineage_dropped;
	mt->time = s->time;
	snapshot_set_clock(mt, s->boot_time, s->clock_ticks);
	mt->snapshot = name;
}

void snapshot_users(const struct snapshot *s, struct users *u)
{
	size_t i;

	for (i = 0; i < s->nusers; i++)
		users_set(u, s->users[i].uid, s->users[i].name);
}

pid_t snapshot_tgid_of(const struct snapshot *s, pid_t tid)
{
	return proclist_tgid_of(&s->pl, tid);
}
