// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: the JSON document of --json, read back. It is checked whole
 * before the caller shows anything: JSON syntax (with the line and column),
 * then every field's type and range, then what ties the processes together
 * (unique pids, no cycles, roots as listed). See "SNAPSHOTS" in cabatree(1).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "escape.h"
#include "nls.h"
#include "snapshot.h"
#include "xalloc.h"

#define TIME_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */
#define SHOW_MAX 40		/* bytes of a bad value quoted in a message */

/* While parsing: the text, where we are (for messages), what is known. */
struct pctx {
	const char *buf;
	size_t len;
	const char *name;
	char *err;
	size_t errsz;
	char where[96];		/* "processes[12] (pid 345)", or "" */
	struct snapshot *s;
	size_t *at;		/* s->pl.v[i] is processes[at[i]] */
	struct pid_ref *users;	/* one per process: its uid and user */
	pid_t *roots[TREE_COUNT];
	size_t nroots[TREE_COUNT];
};

/* A process's user, by document index, to check that a uid has one name. */
struct pid_ref {
	uid_t uid;
	pid_t pid;
	size_t at;
	const char *name;	/* in the JSON tree; NULL for null */
	size_t len;
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
	{ "unknown", CABA_UNKNOWN },
};

static const char *const source_names[] = {
	[CABA_SRC_NONE] = "none",
	[CABA_SRC_KERNEL] = "kernel",
	[CABA_SRC_RECORDER] = "recorder",
	[CABA_SRC_SNAPSHOT] = "snapshot",
};

#define NSOURCES (sizeof(source_names) / sizeof(source_names[0]))
#define NSTATUSES (sizeof(statuses) / sizeof(statuses[0]))

const char *snapshot_source_name(enum caba_source src)
{
	return (size_t)src < NSOURCES ? source_names[src] : "none";
}

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

/* The same at byte offset off of the text, as LINE:COLUMN (from 1, in bytes). */
static int bad_at(struct pctx *c, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad_at(struct pctx *c, size_t off, const char *fmt, ...)
{
	char what[512];
	size_t line = 1, bol = 0, i;
	va_list ap;

	for (i = 0; i < off && i < c->len; i++) {
		if (c->buf[i] == '\n') {
			line++;
			bol = i + 1;
		}
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errsz, "%s:%zu:%zu: %s", c->name, line, off - bol + 1, what);
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

static const char *type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return _("null");
	case json_type_boolean:
		return _("a boolean");
	case json_type_double:
	case json_type_int:
		return _("a number");
	case json_type_string:
		return _("a string");
	case json_type_array:
		return _("an array");
	case json_type_object:
		return _("an object");
	}
	return "?";
}

/* ---- typed members ---- */

static int member(struct pctx *c, struct json_object *o, const char *key,
		  struct json_object **v)
{
	if (!json_object_object_get_ex(o, key, v))
		return bad(c, _("\"%s\" is missing"), key);
	return 0;
}

static int want(struct pctx *c, const char *what, struct json_object *v,
		enum json_type t)
{
	static const char *const names[] = {
		[json_type_boolean] = N_("a boolean"),
		[json_type_int] = N_("a number"),
		[json_type_string] = N_("a string"),
		[json_type_array] = N_("an array"),
		[json_type_object] = N_("an object"),
	};

	if (json_object_get_type(v) == t)
		return 0;
	return bad(c, _("\"%s\" is %s, not %s"), what, type_name(v), _(names[t]));
}

static int get_int(struct pctx *c, const char *what, struct json_object *v,
		   long long min, long long max, long long *out)
{
	long long x;

	if (json_object_get_type(v) == json_type_double)
		return bad(c, _("\"%s\" is %s, not a whole number"), what,
			   json_object_to_json_string(v));
	if (want(c, what, v, json_type_int))
		return -EBADMSG;
	/* Values above INT64_MAX read as INT64_MAX, still out of range. */
	x = json_object_get_int64(v);
	if (x < min || x > max)
		return bad(c, _("\"%s\" is %s, out of range (%lld to %lld)"), what,
			   json_object_to_json_string(v), min, max);
	*out = x;
	return 0;
}

static int get_u64(struct pctx *c, const char *what, struct json_object *v,
		   unsigned long long *out)
{
	if (json_object_get_type(v) == json_type_double)
		return bad(c, _("\"%s\" is %s, not a whole number"), what,
			   json_object_to_json_string(v));
	if (want(c, what, v, json_type_int))
		return -EBADMSG;
	if (json_object_get_int64(v) < 0)
		return bad(c, _("\"%s\" is %s, out of range (%d to %llu)"), what,
			   json_object_to_json_string(v), 0, (unsigned long long)UINT64_MAX);
	*out = json_object_get_uint64(v);
	return 0;
}

static int get_pid(struct pctx *c, const char *what, struct json_object *v,
		   long long min, pid_t *out)
{
	long long x;

	if (get_int(c, what, v, min, SNAPSHOT_PID_MAX, &x))
		return -EBADMSG;
	*out = (pid_t)x;
	return 0;
}

/* A string without NUL characters (they end names and arguments). */
static int get_str(struct pctx *c, const char *what, struct json_object *v,
		   const char **s, size_t *n)
{
	if (want(c, what, v, json_type_string))
		return -EBADMSG;
	*s = json_object_get_string(v);
	*n = (size_t)json_object_get_string_len(v);
	if (memchr(*s, '\0', *n))
		return bad(c, _("\"%s\" holds a NUL character (\\u0000)"), what);
	return 0;
}

static int only_keys(struct pctx *c, struct json_object *o, const char *const *keys)
{
	char tmp[SHOW_MAX * 4 + 8];

	json_object_object_foreach(o, key, val) {
		size_t i;

		(void)val;
		for (i = 0; keys[i] && strcmp(keys[i], key) != 0; i++)
			;
		if (!keys[i])
			return bad(c, _("unknown key \"%s\""),
				   shown(tmp, sizeof(tmp), key, strlen(key)));
	}
	return 0;
}

/* The same for an object inside the current place, named by what. */
static int only_keys_in(struct pctx *c, struct json_object *o, const char *const *keys,
			const char *what)
{
	size_t n = strlen(c->where);
	int ret;

	snprintf(c->where + n, sizeof(c->where) - n, ": %s", what);
	ret = only_keys(c, o, keys);
	c->where[n] = '\0';
	return ret;
}

/* ---- the JSON text ---- */

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Does the integer literal s[0..n) (digits) exceed int64 (neg) or uint64? */
static bool too_big(const char *s, size_t n, bool neg)
{
	const char *lim = neg ? "9223372036854775808" : "18446744073709551615";
	size_t ln = strlen(lim);

	return n > ln || (n == ln && memcmp(s, lim, n) > 0);
}

/*
 * What json-c lets through: integers that do not fit 64 bits, which it
 * quietly clamps (so that every range check sees the real value), and
 * strings in single quotes. The text is otherwise valid JSON here.
 */
static int check_text(struct pctx *c)
{
	const char *b = c->buf;
	size_t i = 0, n = c->len;

	while (i < n) {
		size_t start = i, digits;
		bool neg, whole = true;

		if (b[i] == '"') {
			for (i++; i < n && b[i] != '"'; i++)
				if (b[i] == '\\')
					i++;
			i++;
			continue;
		}
		/* json-c takes 'single-quoted' strings even when strict. */
		if (b[i] == '\'')
			return bad_at(c, i, _("strings take double quotes in JSON"));
		if (b[i] != '-' && (b[i] < '0' || b[i] > '9')) {
			i++;
			continue;
		}
		neg = b[i] == '-';
		i += neg;
		digits = i;
		while (i < n && b[i] >= '0' && b[i] <= '9')
			i++;
		digits = i - digits;
		while (i < n && (b[i] == '.' || b[i] == 'e' || b[i] == 'E' ||
				 b[i] == '+' || b[i] == '-' || (b[i] >= '0' && b[i] <= '9'))) {
			whole = false;
			i++;
		}
		if (whole && too_big(b + start + neg, digits, neg))
			return bad_at(c, start, _("the number %.*s%s does not fit in 64 bits"),
				      (int)(i - start > SHOW_MAX ? SHOW_MAX : i - start),
				      b + start, i - start > SHOW_MAX ? "..." : "");
	}
	return 0;
}

static const char *syntax_error(enum json_tokener_error e)
{
	switch (e) {
	case json_tokener_error_depth:
		return NULL;	/* said with the limit */
	case json_tokener_error_parse_eof:
	case json_tokener_continue:
		return _("the document ends too early (truncated?)");
	case json_tokener_error_parse_null:
	case json_tokener_error_parse_boolean:
		return _("not a JSON value (true, false and null are the only words)");
	case json_tokener_error_parse_number:
		return _("malformed number");
	case json_tokener_error_parse_array:
		return _("expected ',' or ']' in an array");
	case json_tokener_error_parse_object_key_name:
		return _("expected a key in double quotes");
	case json_tokener_error_parse_object_key_sep:
		return _("expected ':' after a key");
	case json_tokener_error_parse_object_value_sep:
		return _("expected ',' or '}' in an object");
	case json_tokener_error_parse_string:
		return _("malformed string");
	case json_tokener_error_parse_comment:
		return _("comments are not JSON");
	case json_tokener_error_parse_utf8_string:
		return _("not valid UTF-8");
	case json_tokener_error_size:
		return _("too large for the JSON parser");
	default:
		return _("unexpected character");
	}
}

/* The whole text as one JSON value, or NULL and an error at its place. */
static struct json_object *parse_json(struct pctx *c, int *ret)
{
	struct json_tokener *tok = json_tokener_new_ex(SNAPSHOT_MAX_DEPTH);
	struct json_object *root;
	enum json_tokener_error e;
	const char *nul = memchr(c->buf, '\0', c->len);
	size_t end, i;

	*ret = -EBADMSG;
	for (i = 0; i < c->len && is_space(c->buf[i]); i++)
		;
	if (i == c->len) {
		json_tokener_free(tok);
		bad(c, _("empty, not a snapshot"));
		return NULL;
	}
	if (nul) {
		json_tokener_free(tok);
		bad_at(c, (size_t)(nul - c->buf), _("a NUL byte: not JSON text"));
		return NULL;
	}
	if (!tok) {
		*ret = -ENOMEM;
		bad(c, _("out of memory"));
		return NULL;
	}
	/* Trailing text is found below, to say so plainly. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
			       JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, c->buf, (int)c->len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root || e != json_tokener_success) {
		unsigned char ch = end < c->len ? (unsigned char)c->buf[end] : 0;

		json_object_put(root);
		if (e == json_tokener_error_depth)
			bad_at(c, end, _("nested more than %d levels deep"), SNAPSHOT_MAX_DEPTH);
		else if (e == json_tokener_continue || e == json_tokener_error_parse_eof)
			bad_at(c, c->len, "%s", syntax_error(e));
		else if (ch > 0x20 && ch < 0x7f)
			bad_at(c, end, _("%s: '%c'"), syntax_error(e), ch);
		else if (e == json_tokener_error_parse_utf8_string)
			bad_at(c, end, "%s", syntax_error(e));
		else
			bad_at(c, end, _("%s: byte 0x%02x"), syntax_error(e), ch);
		return NULL;
	}
	/* Only white space may follow the document. */
	for (i = end; i < c->len && is_space(c->buf[i]); i++)
		;
	if (i < c->len) {
		json_object_put(root);
		bad_at(c, i, _("text after the end of the document"));
		return NULL;
	}
	*ret = check_text(c);
	if (*ret) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

/* ---- one process ---- */

static int parse_threads(struct pctx *c, struct json_object *a, struct ct_proc *p)
{
	static const char *const keys[] = { "tid", "name", NULL };
	size_t i, n = json_object_array_length(a);
	char what[48];

	if (!n)
		return 0;
	p->threads = xcalloc(n, sizeof(*p->threads));
	for (i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(a, i), *v;
		struct ct_thread *th = &p->threads[i];
		const char *name;
		size_t len;

		snprintf(what, sizeof(what), "thread_list[%zu]", i);
		if (want(c, what, t, json_type_object) || only_keys_in(c, t, keys, what))
			return -EBADMSG;
		snprintf(what, sizeof(what), "thread_list[%zu].tid", i);
		if (!json_object_object_get_ex(t, "tid", &v))
			return bad(c, _("\"%s\" is missing"), what);
		if (get_pid(c, what, v, 1, &th->tid))
			return -EBADMSG;
		snprintf(what, sizeof(what), "thread_list[%zu].name", i);
		if (!json_object_object_get_ex(t, "name", &v))
			return bad(c, _("\"%s\" is missing"), what);
		if (get_str(c, what, v, &name, &len))
			return -EBADMSG;
		th->name = xstrndup(name, len);
		th->name_len = len;
		p->nthreads_listed++;
	}
	return 0;
}

static int parse_cmdline(struct pctx *c, struct json_object *a, struct ct_proc *p)
{
	size_t i, n = json_object_array_length(a);
	struct strbuf sb = STRBUF_INIT;
	char what[32];

	for (i = 0; i < n; i++) {
		const char *s;
		size_t len;

		snprintf(what, sizeof(what), "cmdline[%zu]", i);
		if (get_str(c, what, json_object_array_get_idx(a, i), &s, &len)) {
			sb_free(&sb);
			return -EBADMSG;
		}
		/* As the kernel keeps them: each argument ends with a NUL. */
		sb_add(&sb, s, len);
		sb_addc(&sb, '\0');
	}
	p->has_cmdline = n > 0;
	p->cmdline = sb.s;
	p->cmdline_len = sb.len;
	return 0;
}

static bool status_fits(enum caba_source src, enum caba_status st)
{
	switch (src) {
	case CABA_SRC_NONE:
		return st == CABA_UNKNOWN;
	case CABA_SRC_KERNEL:
		return st == CABA_KERNEL || st == CABA_OUTSIDE || st == CABA_UNKNOWN;
	case CABA_SRC_RECORDER:
		return st == CABA_WITNESSED || st == CABA_INFERRED || st == CABA_UNKNOWN;
	case CABA_SRC_SNAPSHOT:
		break;
	}
	return true;
}

/* The CABA fields: caba, caba_status and what they imply. */
static int parse_caba(struct pctx *c, struct json_object *o, struct ct_proc *p)
{
	struct json_object *v, *cv;
	const char *s;
	char tmp[SHOW_MAX * 4 + 8];
	size_t len, i;
	bool moved, known;

	if (member(c, o, "caba_status", &v) || get_str(c, "caba_status", v, &s, &len))
		return -EBADMSG;
	for (i = 0; i < NSTATUSES && strcmp(statuses[i].name, s) != 0; i++)
		;
	if (i == NSTATUSES)
		return bad(c, _("\"caba_status\" \"%s\" is not one of kernel, outside_namespace, witnessed, inferred, unknown"),
			   shown(tmp, sizeof(tmp), s, len));
	p->caba_status = statuses[i].status;
	if (!status_fits(c->s->caba_source, p->caba_status))
		return bad(c, _("\"caba_status\" \"%s\" does not fit caba_source \"%s\""),
			   s, snapshot_source_name(c->s->caba_source));
	known = caba_status_known(p->caba_status);
	if (member(c, o, "caba", &cv))
		return -EBADMSG;
	if (known && !cv)
		return bad(c, _("\"caba\" is null, but caba_status \"%s\" needs a pid"), s);
	if (!known && cv)
		return bad(c, _("\"caba\" is %s, but caba_status \"%s\" has no CABA pid (null)"),
			   json_object_to_json_string(cv), s);
	if (known && get_pid(c, "caba", cv, 0, &p->caba))
		return -EBADMSG;
	if (member(c, o, "reparented", &v) || want(c, "reparented", v, json_type_boolean))
		return -EBADMSG;
	moved = known && p->caba != p->ppid;
	if (json_object_get_boolean(v) != moved) {
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

static int parse_process(struct pctx *c, size_t idx, struct json_object *o,
			 struct ct_proc *p, struct pid_ref *user)
{
	static const char *const keys[] = {
		"pid", "ppid", "caba", "caba_status", "name", "cmdline", "uid",
		"user", "pgid", "sid", "state", "start_time", "threads",
		"reparented", "thread_list", NULL
	};
	struct json_object *v;
	const char *s;
	size_t len;
	long long x;
	bool lists;
	char what[32];

	snprintf(what, sizeof(what), "processes[%zu]", idx);
	c->where[0] = '\0';
	if (want(c, what, o, json_type_object))
		return -EBADMSG;
	snprintf(c->where, sizeof(c->where), "processes[%zu]", idx);
	if (member(c, o, "pid", &v) || get_pid(c, "pid", v, 1, &p->pid))
		return -EBADMSG;
	snprintf(c->where, sizeof(c->where), "processes[%zu] (pid %d)", idx, (int)p->pid);
	if (only_keys(c, o, keys))
		return -EBADMSG;
	if (member(c, o, "ppid", &v) || get_pid(c, "ppid", v, 0, &p->ppid))
		return -EBADMSG;
	if (parse_caba(c, o, p))
		return -EBADMSG;
	if (member(c, o, "name", &v) || get_str(c, "name", v, &s, &len))
		return -EBADMSG;
	p->name = xstrndup(s, len);
	p->name_len = len;
	if (member(c, o, "cmdline", &v) || want(c, "cmdline", v, json_type_array) ||
	    parse_cmdline(c, v, p))
		return -EBADMSG;
	if (member(c, o, "uid", &v) || get_int(c, "uid", v, 0, UINT32_MAX - 1LL, &x))
		return -EBADMSG;
	p->uid = (uid_t)x;
	user->uid = p->uid;
	user->pid = p->pid;
	user->at = idx;
	if (member(c, o, "user", &v))
		return -EBADMSG;
	if (v && get_str(c, "user", v, &user->name, &user->len))
		return -EBADMSG;
	/* A process being reaped shows -1 (see procfs_parse_stat). */
	if (member(c, o, "pgid", &v) || get_int(c, "pgid", v, -1, SNAPSHOT_PID_MAX, &x))
		return -EBADMSG;
	p->pgid = (pid_t)x;
	if (member(c, o, "sid", &v) || get_int(c, "sid", v, -1, SNAPSHOT_PID_MAX, &x))
		return -EBADMSG;
	p->sid = (pid_t)x;
	if (member(c, o, "state", &v) || get_str(c, "state", v, &s, &len))
		return -EBADMSG;
	if (len != 1 || s[0] <= ' ' || s[0] > '~') {
		char tmp[SHOW_MAX * 4 + 8];

		return bad(c, _("\"state\" \"%s\" is not one printable ASCII letter"),
			   shown(tmp, sizeof(tmp), s, len));
	}
	p->state = s[0];
	if (member(c, o, "start_time", &v) || get_u64(c, "start_time", v, &p->start_time))
		return -EBADMSG;
	if (member(c, o, "threads", &v) || get_int(c, "threads", v, 0, INT32_MAX, &x))
		return -EBADMSG;
	p->nthreads = (int)x;
	lists = json_object_object_get_ex(o, "thread_list", &v);
	if (idx == 0)
		c->s->thread_lists = lists;
	if (lists != c->s->thread_lists)
		return bad(c, lists ? _("has a \"thread_list\", but processes[0] has none") :
			   _("has no \"thread_list\", but processes[0] has one"));
	if (lists && (want(c, "thread_list", v, json_type_array) || parse_threads(c, v, p)))
		return -EBADMSG;
	return 0;
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

/* Sort the processes by pid (as model_build wants) and refuse a pid twice. */
static int sort_processes(struct pctx *c)
{
	struct ct_proclist *pl = &c->s->pl;
	size_t *perm = xcalloc(pl->n, sizeof(*perm));
	struct ct_proc *v = xcalloc(pl->n, sizeof(*v));
	size_t i;

	for (i = 0; i < pl->n; i++)
		perm[i] = i;
	qsort_r(perm, pl->n, sizeof(*perm), cmp_index_by_pid, pl->v);
	for (i = 0; i < pl->n; i++) {
		v[i] = pl->v[perm[i]];
		c->at[i] = perm[i];
	}
	free(perm);
	free(pl->v);
	pl->v = v;
	pl->cap = pl->n;
	for (i = 1; i < pl->n; i++) {
		if (v[i].pid == v[i - 1].pid) {
			where_proc(c, i);
			return bad(c, _("pid %d is also processes[%zu]"), (int)v[i].pid,
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
			   p->caba_status == CABA_OUTSIDE ? "outside_namespace" : "unknown",
			   (int)p->pid);
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

static int parse_pids(struct pctx *c, struct json_object *a, const char *key,
		      pid_t **out, size_t *n)
{
	char what[48];
	size_t i;

	if (want(c, key, a, json_type_array))
		return -EBADMSG;
	*n = json_object_array_length(a);
	*out = xcalloc(*n ? *n : 1, sizeof(**out));
	for (i = 0; i < *n; i++) {
		snprintf(what, sizeof(what), "%s[%zu]", key, i);
		if (get_pid(c, what, json_object_array_get_idx(a, i), 1, &(*out)[i]))
			return -EBADMSG;
	}
	return 0;
}

/*
 * "boot_time" and "clock_ticks", both or neither: when the system booted
 * (not after "time") and the unit of the processes' start_time.
 */
static int parse_clock(struct pctx *c, struct json_object *root)
{
	struct snapshot *s = c->s;
	struct json_object *bv, *tv;
	char tmp[SHOW_MAX * 4 + 8], when[SNAPSHOT_TIME_LEN + 1];
	const char *str;
	size_t len;
	long long x;
	bool boot, ticks;

	boot = json_object_object_get_ex(root, "boot_time", &bv);
	ticks = json_object_object_get_ex(root, "clock_ticks", &tv);
	if (!boot && !ticks)
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
	if (s->boot_time > s->time) {
		snapshot_time_str(s->time, when, sizeof(when));
		return bad(c, _("\"boot_time\" \"%s\" is after \"time\" \"%s\": the system booted after the snapshot was taken"),
			   shown(tmp, sizeof(tmp), str, len), when);
	}
	if (get_int(c, "clock_ticks", tv, 1, SNAPSHOT_CLOCK_TICKS_MAX, &x))
		return -EBADMSG;
	s->clock_ticks = (long)x;
	return 0;
}

static int parse_head(struct pctx *c, struct json_object *root)
{
	static const char *const keys[] = {
		"version", "time", "caba_source", "boot_time", "clock_ticks",
		"lost_events", "focus", "processes", "real_roots", "born_roots", NULL
	};
	struct snapshot *s = c->s;
	struct json_object *v;
	char tmp[SHOW_MAX * 4 + 8];
	const char *str;
	size_t len, i;
	bool lost;

	if (!json_object_object_get_ex(root, "version", &v))
		return bad(c, _("no \"version\": not a cabatree snapshot"));
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != SNAPSHOT_VERSION)
		return bad(c, _("version %s is not supported: this cabatree reads version %d"),
			   json_object_to_json_string(v), SNAPSHOT_VERSION);
	if (only_keys(c, root, keys))
		return -EBADMSG;
	if (member(c, root, "caba_source", &v) || get_str(c, "caba_source", v, &str, &len))
		return -EBADMSG;
	for (i = 0; i < NSOURCES && strcmp(source_names[i], str) != 0; i++)
		;
	if (i == NSOURCES)
		return bad(c, _("\"caba_source\" \"%s\" is not one of kernel, recorder, none, snapshot"),
			   shown(tmp, sizeof(tmp), str, len));
	s->caba_source = (enum caba_source)i;
	if (member(c, root, "time", &v) || get_str(c, "time", v, &str, &len))
		return -EBADMSG;
	if (snapshot_time_parse(str, len, &s->time))
		return bad(c, _("\"time\" \"%s\" is not a UTC time like 2026-11-27T21:14:28Z"),
			   shown(tmp, sizeof(tmp), str, len));
	if (parse_clock(c, root))
		return -EBADMSG;
	lost = json_object_object_get_ex(root, "lost_events", &v);
	if (lost && s->caba_source != CABA_SRC_RECORDER)
		return bad(c, _("\"lost_events\" belongs only with caba_source \"recorder\""));
	if (!lost && s->caba_source == CABA_SRC_RECORDER)
		return bad(c, _("\"lost_events\" is missing (caba_source is \"recorder\")"));
	if (lost && get_u64(c, "lost_events", v, &s->lost_events))
		return -EBADMSG;
	if (json_object_object_get_ex(root, "focus", &v)) {
		if (parse_pids(c, v, "focus", &s->focus, &s->nfocus))
			return -EBADMSG;
		if (!s->nfocus)
			return bad(c, _("\"focus\" is empty (leave it out for no focus)"));
	}
	for (i = 0; i < TREE_COUNT; i++) {
		if (member(c, root, tree_key[i], &v) ||
		    parse_pids(c, v, tree_key[i], &c->roots[i], &c->nroots[i]))
			return -EBADMSG;
	}
	return 0;
}

static int parse_doc(struct pctx *c, struct json_object *root)
{
	struct snapshot *s = c->s;
	struct json_object *procs;
	size_t i, n;
	int ret, t;

	if (!json_object_is_type(root, json_type_object))
		return bad(c, _("not a cabatree snapshot: the document is %s, not an object"),
			   type_name(root));
	if (parse_head(c, root))
		return -EBADMSG;
	if (member(c, root, "processes", &procs) || want(c, "processes", procs, json_type_array))
		return -EBADMSG;
	n = json_object_array_length(procs);
	if (n == 0)
		return bad(c, _("\"processes\" is empty: a snapshot has at least one process"));
	s->pl.v = xcalloc(n, sizeof(*s->pl.v));
	s->pl.cap = n;
	c->at = xcalloc(n, sizeof(*c->at));
	c->users = xcalloc(n, sizeof(*c->users));
	for (i = 0; i < n; i++) {
		/* Counted first, so that a failure frees what was half read. */
		s->pl.n++;
		if (parse_process(c, i, json_object_array_get_idx(procs, i), &s->pl.v[i],
				  &c->users[i]))
			return -EBADMSG;
	}
	c->where[0] = '\0';
	if (sort_processes(c) || check_tids(c) || check_users(c, n))
		return -EBADMSG;
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

int snapshot_parse(const char *buf, size_t len, const char *name,
		   struct snapshot *s, char *err, size_t errsz)
{
	struct pctx c = {
		.buf = buf, .len = len, .name = name, .err = err, .errsz = errsz, .s = s,
	};
	struct json_object *root;
	int ret, t;

	memset(s, 0, sizeof(*s));
	if (errsz)
		err[0] = '\0';
	if (len > SNAPSHOT_MAX_SIZE) {
		bad(&c, _("larger than 1 GiB, the most a snapshot may be"));
		return -EFBIG;
	}
	root = parse_json(&c, &ret);
	if (!root)
		return ret;
	ret = parse_doc(&c, root);
	json_object_put(root);
	free(c.at);
	free(c.users);
	for (t = 0; t < TREE_COUNT; t++)
		free(c.roots[t]);
	if (ret)
		snapshot_free(s);
	return ret;
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
	const char *name = in ? _("(standard input)") : path;
	int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct strbuf buf = STRBUF_INIT;
	ssize_t n;
	int ret;

	memset(s, 0, sizeof(*s));
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	/* Past the limit it stops reading; snapshot_parse says it is too big. */
	n = sb_read_fd(&buf, fd, SNAPSHOT_MAX_SIZE);
	if (n < 0 && n != -EFBIG) {
		ret = (int)n;
		goto fail;
	}
	if (!in)
		close(fd);
	ret = snapshot_parse(buf.s, buf.len, name, s, err, errsz);
	sb_free(&buf);
	return ret;
fail:
	snprintf(err, errsz, _("cannot read the snapshot '%s': %s"), name, strerror(-ret));
	if (fd >= 0 && !in)
		close(fd);
	sb_free(&buf);
	return ret;
}

void snapshot_model(struct snapshot *s, const char *name, bool numeric,
		    struct ct_model *m)
{
	model_build(m, &s->pl, numeric);
	m->caba_source = s->caba_source;
	m->lost_events = s->lost_events;
	m->time = s->time;
	snapshot_set_clock(m, s->boot_time, s->clock_ticks);
	m->snapshot = name;
}

void snapshot_users(const struct snapshot *s, struct users *u)
{
	size_t i;

	for (i = 0; i < s->nusers; i++)
		users_set(u, s->users[i].uid, s->users[i].name);
}

pid_t snapshot_tgid_of(const struct snapshot *s, pid_t tid)
{
	size_t i, k;

	for (i = 0; i < s->pl.n; i++) {
		for (k = 0; k < s->pl.v[i].nthreads_listed; k++)
			if (s->pl.v[i].threads[k].tid == tid)
				return s->pl.v[i].pid;
	}
	return 0;
}

/* ---- time ---- */

void snapshot_set_clock(struct ct_model *m, long long boot_time, long clock_ticks)
{
	m->boot_time = -1;
	m->clock_ticks = 0;
	if (boot_time < 0 || boot_time > m->time || boot_time > TIME_MAX ||
	    clock_ticks < 1 || clock_ticks > SNAPSHOT_CLOCK_TICKS_MAX)
		return;
	m->boot_time = boot_time;
	m->clock_ticks = clock_ticks;
}

void snapshot_time_str(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%s", "1970-01-01T00:00:00Z");
}

int snapshot_time_parse(const char *str, size_t n, long long *t)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	int f[6] = { 0 }, k = 0;
	struct tm tm = { 0 }, back;
	time_t tt;
	size_t i;

	if (n != sizeof(form) - 1)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (form[i] != 'd') {
			if (str[i] != form[i])
				return -EINVAL;
			k++;
			continue;
		}
		if (str[i] < '0' || str[i] > '9')
			return -EINVAL;
		f[k] = f[k] * 10 + (str[i] - '0');
	}
	if (f[0] < 1970)
		return -EINVAL;
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	tt = timegm(&tm);
	/* Out-of-range fields (a 13th month, 24:00, 30 February) move the date. */
	if (tt == (time_t)-1 || !gmtime_r(&tt, &back) || back.tm_year != f[0] - 1900 ||
	    back.tm_mon != f[1] - 1 || back.tm_mday != f[2] || back.tm_hour != f[3] ||
	    back.tm_min != f[4] || back.tm_sec != f[5])
		return -EINVAL;
	*t = (long long)tt;
	return 0;
}

int snapshot_now(long long *t)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	long long v = 0;
	const char *p;

	if (!env || !*env) {
		*t = (long long)time(NULL);
		return 0;
	}
	for (p = env; *p; p++) {
		if (*p < '0' || *p > '9' || v > TIME_MAX)
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	if (v > TIME_MAX)
		return -EINVAL;
	*t = v;
	return 0;
}
