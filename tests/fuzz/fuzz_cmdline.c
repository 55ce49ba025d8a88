// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command lines: how their bytes are split into arguments and escaped for
 * a terminal and for JSON. The input is a flags byte, then the bytes of
 * /proc/PID/cmdline (the first argument is the process name too).
 *
 * Each argument's terminal escape must hold no control character, no C1
 * control or bidirectional override, be valid UTF-8 (ASCII outside a UTF-8
 * locale), have the width it claims, and unescape to the argument. The
 * text and JSON renderers then draw a process with that command line: the
 * text must be as safe, the JSON must parse back to the same arguments.
 *
 * Flags: 1 a UTF-8 locale, 2 stacked layout, 4 numeric order, bits 3-7 a
 * line width (0: none, else 8 + 4 * n).
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <json.h>

#include "escape.h"
#include "fuzz.h"
#include "model.h"
#include "options.h"
#include "render.h"
#include "users.h"
#include "xalloc.h"

static struct users *users;

/* Code points esc_terminal() must never let through. */
static bool unsafe_cp(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	       c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/* Text for a terminal: no control, C1 or override; UTF-8 or ASCII. */
static void check_safe(const char *s, size_t n, bool utf8, bool newlines)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = fuzz_utf8((const unsigned char *)s + i, n - i, &cp);

		FUZZ_CHECK(len > 0);
		FUZZ_CHECK(utf8 || cp < 0x80);
		FUZZ_CHECK(!unsafe_cp(cp) || (newlines && cp == '\n'));
		i += len;
	}
}

static unsigned int hex(const char *s, size_t n)
{
	unsigned int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
		v = v * 16 + (unsigned int)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return v;
}

static void put_utf8(struct strbuf *sb, uint32_t c)
{
	char b[4];

	if (c < 0x80) {
		sb_addc(sb, (char)c);
		return;
	}
	if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xf0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, b, 4);
	}
}

/* Undo esc_terminal(): every escape it writes, nothing else. */
static void unescape(struct strbuf *out, const char *s, size_t n)
{
	static const char letter[] = "abtnvfre";
	static const char named[] = "\a\b\t\n\v\f\r\033";
	size_t i = 0;

	while (i < n) {
		const char *l;

		if (s[i] != '\\') {
			sb_addc(out, s[i++]);
			continue;
		}
		FUZZ_CHECK(i + 1 < n);
		l = s[i + 1] ? strchr(letter, s[i + 1]) : NULL;
		if (s[i + 1] == '\\') {
			sb_addc(out, '\\');
			i += 2;
		} else if (l) {
			sb_addc(out, named[l - letter]);
			i += 2;
		} else if (s[i + 1] == 'x') {
			FUZZ_CHECK(i + 4 <= n);
			sb_addc(out, (char)hex(s + i + 2, 2));
			i += 4;
		} else if (s[i + 1] == 'u') {
			FUZZ_CHECK(i + 6 <= n);
			put_utf8(out, hex(s + i + 2, 4));
			i += 6;
		} else {
			FUZZ_CHECK(s[i + 1] == 'U' && i + 10 <= n);
			put_utf8(out, hex(s + i + 2, 8));
			i += 10;
		}
	}
}

/* One argument through the escapes, with their invariants. */
static void check_arg(const char *a, size_t n, bool utf8, struct strbuf *e,
		      struct strbuf *back)
{
	size_t w, cols, cut, max, k;

	sb_reset(e);
	w = esc_terminal(e, a, n, utf8);
	check_safe(e->s, e->len, utf8, false);
	FUZZ_CHECK(w == text_width(e->s, e->len, utf8));
	sb_reset(back);
	unescape(back, e->s, e->len);
	FUZZ_CHECK(fuzz_same(back->s, back->len, a, n));
	/*
	 * Cut: what is kept fits, measures right, is whole characters and
	 * whole escapes (it unescapes to a prefix of the argument), and the
	 * next character or escape would not have fitted.
	 */
	for (k = 0; k < 3; k++) {
		size_t uw;

		max = k == 0 ? w / 2 : k == 1 ? w - (w > 0) : w + 1;
		cut = text_cut(e->s, e->len, max, utf8, &cols);
		FUZZ_CHECK(cut <= e->len && cols <= max);
		FUZZ_CHECK(text_width(e->s, cut, utf8) == cols);
		FUZZ_CHECK(!utf8 || fuzz_utf8_ok(e->s, cut));
		sb_reset(back);
		unescape(back, e->s, cut);
		FUZZ_CHECK(back->len <= n && fuzz_same(back->s, back->len, a, back->len));
		if (cut < e->len) {
			FUZZ_CHECK(text_unit(e->s + cut, e->len - cut, utf8, &uw) > 0);
			FUZZ_CHECK(cols + uw > max);
		}
	}
	/* Messages: nothing for a terminal to act on, in any charset. */
	sb_reset(back);
	esc_message(back, a, n, utf8 ? CHARSET_UTF8 : CHARSET_ASCII);
	check_safe(back->s ? back->s : "", back->len, utf8, false);
	/* JSON strings: valid UTF-8, and valid input unchanged. */
	sb_reset(back);
	esc_valid_utf8(back, a, n);
	FUZZ_CHECK(fuzz_utf8_ok(back->s ? back->s : "", back->len));
	if (fuzz_utf8_ok(a, n))
		FUZZ_CHECK(fuzz_same(back->s, back->len, a, n));
	else
		FUZZ_CHECK(back->len > 0 && back->len <= 3 * n);
}

static void add_proc(struct ct_proclist *pl, pid_t pid, pid_t ppid,
		     const char *name, size_t name_len,
		     const char *cmdline, size_t cmdline_len)
{
	struct ct_proc *p;

	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 4;
		pl->v = xreallocarray(pl->v, pl->cap, sizeof(*pl->v));
	}
	p = &pl->v[pl->n++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->caba = ppid;
	p->caba_status = CABA_KERNEL;
	p->pgid = p->sid = pid;
	p->state = 'S';
	p->nthreads = 1;
	p->start_time = (unsigned long long)pid * 10;
	p->name = xstrndup(name, name_len);
	p->name_len = name_len;
	if (cmdline) {
		p->cmdline = xstrndup(cmdline, cmdline_len);
		p->cmdline_len = cmdline_len;
		p->has_cmdline = true;
	}
}

static char *render(const struct renderer *r, struct render_ctx *rc, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	FUZZ_CHECK(f != NULL);
	rc->out = f;
	FUZZ_CHECK(r->render(rc) == 0);
	FUZZ_CHECK(fclose(f) == 0);
	return text;
}

/* The text output: safe as a whole, and no line wider than asked. */
static void check_text(const char *s, size_t n, const struct render_ctx *rc)
{
	const char *line = s, *end = s + n;

	check_safe(s, n, rc->s->utf8, true);
	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));

		FUZZ_CHECK(eol != NULL);
		if (rc->s->max_width >= 20)
			FUZZ_CHECK(text_width(line, (size_t)(eol - line), rc->s->utf8) <=
				   rc->s->max_width);
		line = eol + 1;
	}
}

/* The JSON output parses, strictly, and gives back each argument. */
static void check_json(const char *s, size_t n, const char *cmd, size_t cmd_len,
		       struct strbuf *tmp)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc, *procs, *p, *args, *v;
	const char *a = cmd, *end = cmd + cmd_len;
	size_t i, k = 0;

	FUZZ_CHECK(tok != NULL);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 || s[i] == '\n');
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, s, (int)n);
	FUZZ_CHECK(doc != NULL);
	json_tokener_free(tok);
	FUZZ_CHECK(json_object_object_get_ex(doc, "processes", &procs));
	FUZZ_CHECK(json_object_array_length(procs) == 2);
	p = json_object_array_get_idx(procs, 1);
	FUZZ_CHECK(json_object_object_get_ex(p, "pid", &v) && json_object_get_int(v) == 2);
	FUZZ_CHECK(json_object_object_get_ex(p, "cmdline", &args));
	FUZZ_CHECK(json_object_is_type(args, json_type_array));
	/* Arguments end at each NUL; a last one may lack it. */
	while (a < end) {
		const char *z = memchr(a, '\0', (size_t)(end - a));

		if (!z)
			z = end;
		FUZZ_CHECK(k < json_object_array_length(args));
		v = json_object_array_get_idx(args, k++);
		FUZZ_CHECK(json_object_is_type(v, json_type_string));
		sb_reset(tmp);
		esc_valid_utf8(tmp, a, (size_t)(z - a));
		FUZZ_CHECK(fuzz_same(json_object_get_string(v),
				     (size_t)json_object_get_string_len(v), tmp->s, tmp->len));
		a = z + 1;
	}
	FUZZ_CHECK(k == json_object_array_length(args));
	json_object_put(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf e = STRBUF_INIT, back = STRBUF_INIT;
	struct ct_proclist pl = { 0 };
	struct ct_settings o = { 0 };
	struct render_ctx rc = { 0 };
	struct ct_model m;
	const char *cmd, *a, *end, *z;
	size_t cmd_len, len, name_len;
	unsigned int flags;
	char *text;

	if (size < 1)
		return 0;
	if (!users) {
		setlocale(LC_ALL, "C.UTF-8");
		users = users_new();
	}
	flags = data[0];
	cmd = (const char *)data + 1;
	cmd_len = size - 1;
	end = cmd + cmd_len;
	o.utf8 = flags & 1;

	for (a = cmd; a < end; a = z + 1) {
		z = memchr(a, '\0', (size_t)(end - a));
		if (!z)
			z = end;
		check_arg(a, (size_t)(z - a), o.utf8, &e, &back);
	}

	/* A process named after its first argument, under init. */
	z = memchr(cmd, '\0', cmd_len);
	name_len = z ? (size_t)(z - cmd) : cmd_len;
	add_proc(&pl, 1, 0, "init", 4, "/sbin/init", 11);
	add_proc(&pl, 2, 1, cmd, name_len > 64 ? 64 : name_len, cmd, cmd_len);
	model_build(&m, &pl, flags & 4);
	o.arguments = true;
	o.layout = flags & 2 ? LAYOUT_STACKED : LAYOUT_AUTO;
	o.compact = true;
	rc.m = &m;
	rc.s = &o;
	rc.users = users;
	o.utf8_glyphs = o.utf8;
	o.max_width = flags >> 3 ? 8 + 4 * (flags >> 3) : 0;

	text = render(&render_text, &rc, &len);
	check_text(text, len, &rc);
	free(text);
	text = render(&render_json, &rc, &len);
	check_json(text, len, cmd, cmd_len, &e);
	free(text);

	model_free(&m);
	proclist_free(&pl);
	sb_free(&e);
	sb_free(&back);
	return 0;
}
