// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/escape.c: hostile bytes in, terminal-safe text out.
 *
 * Every row of every table is its own cmocka test, named after the row.
 */
#include "config.h"

#include <locale.h>
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

#include "escape.h"

/* A string literal and its length, NUL bytes inside included. */

/* Show bytes as C escapes, for failure messages. */
static void show(const char *what, const char *s, size_t n)
{
	char buf[1024];
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < sizeof(buf); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	print_error("%s: \"%s\" (%zu bytes)\n", what, buf, n);
}

static void assert_bytes(const char *got, size_t got_len,
			 const char *want, size_t want_len)
{
	if (got_len != want_len || memcmp(got, want, want_len) != 0) {
		show("expected", want, want_len);
		show("actual  ", got, got_len);
		fail();
	}
}

static int setup_locale(void **state)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		print_error("locale C.UTF-8 is not available\n");
		return -1;
	}
	return 0;
}

/* ---- esc_terminal ---- */

struct esc_case {
	const char *name;
	const char *in;
	size_t in_len;
	bool utf8;
	const char *out;
	size_t out_len;
	size_t width;
};

static const struct esc_case esc_cases[] = {
	{ "empty", B(""), true, B(""), 0 },
	{ "plain ASCII", B("hello world"), true, B("hello world"), 11 },
	{ "ASCII punctuation", B("~!@#$%^&*()_+{}|:\"<>?`-=[];',./"), true,
	  B("~!@#$%^&*()_+{}|:\"<>?`-=[];',./"), 31 },
	{ "backslash doubled", B("a\\b"), true, B("a\\\\b"), 4 },
	{ "two backslashes", B("\\\\"), true, B("\\\\\\\\"), 4 },
	{ "backslash before n is not a newline", B("\\n"), true, B("\\\\n"), 3 },
	{ "newline", B("a\nb"), true, B("a\\nb"), 4 },
	{ "tab", B("\t"), true, B("\\t"), 2 },
	{ "CR BEL BS VT FF", B("\r\a\b\v\f"), true, B("\\r\\a\\b\\v\\f"), 10 },
	{ "ESC CSI colour", B("\033[31mred\033[0m"), true,
	  B("\\e[31mred\\e[0m"), 14 },
	{ "ESC OSC set title", B("\033]0;title\007"), true,
	  B("\\e]0;title\\a"), 12 },
	{ "ESC OSC with ST", B("\033]2;x\033\\"), true,
	  B("\\e]2;x\\e\\\\"), 10 },
	{ "NUL byte", B("a\0b"), true, B("a\\x00b"), 6 },
	{ "other C0 controls", B("\x01\x1f"), true, B("\\x01\\x1f"), 8 },
	{ "DEL", B("\x7f"), true, B("\\x7f"), 4 },
	{ "C1 CSI U+009B", B("\xc2\x9b" "2J"), true, B("\\u009b2J"), 8 },
	{ "C1 NEL U+0085", B("\xc2\x85"), true, B("\\u0085"), 6 },
	{ "C1 last U+009F", B("\xc2\x9f"), true, B("\\u009f"), 6 },
	{ "NBSP U+00A0 is printable", B("\xc2\xa0"), true, B("\xc2\xa0"), 1 },
	{ "bidi RLO U+202E", B("abc\xe2\x80\xae" "def"), true,
	  B("abc\\u202edef"), 12 },
	{ "bidi LRM U+200E", B("\xe2\x80\x8e"), true, B("\\u200e"), 6 },
	{ "bidi isolate U+2066", B("\xe2\x81\xa6"), true, B("\\u2066"), 6 },
	{ "bidi PDI U+2069", B("\xe2\x81\xa9"), true, B("\\u2069"), 6 },
	{ "line separator U+2028", B("\xe2\x80\xa8"), true, B("\\u2028"), 6 },
	{ "BOM U+FEFF", B("\xef\xbb\xbf"), true, B("\\ufeff"), 6 },
	/* Default-ignorable code points and Hangul fillers: drawn as nothing. */
	{ "tag LATIN SMALL A U+E0061 hides text", B("ok\xf3\xa0\x81\xa1"), true,
	  B("ok\\U000e0061"), 12 },
	{ "cancel tag U+E007F", B("\xf3\xa0\x81\xbf"), true, B("\\U000e007f"), 10 },
	{ "variation selector 17 U+E0100", B("\xf3\xa0\x84\x80"), true,
	  B("\\U000e0100"), 10 },
	{ "Mongolian vowel separator U+180E", B("\xe1\xa0\x8e"), true,
	  B("\\u180e"), 6 },
	{ "Hangul filler U+3164", B("a\xe3\x85\xa4" "b"), true, B("a\\u3164b"), 8 },
	{ "Hangul choseong filler U+115F", B("\xe1\x85\x9f"), true, B("\\u115f"), 6 },
	{ "halfwidth Hangul filler U+FFA0", B("\xef\xbe\xa0"), true, B("\\uffa0"), 6 },
	{ "soft hyphen U+00AD", B("su\xc2\xad" "do"), true, B("su\\u00addo"), 10 },
	{ "combining grapheme joiner U+034F", B("\xcd\x8f"), true, B("\\u034f"), 6 },
	{ "variation selector 16 U+FE0F", B("\xef\xb8\x8f"), true, B("\\ufe0f"), 6 },
	{ "invisible U+2065", B("\xe2\x81\xa5"), true, B("\\u2065"), 6 },
	{ "shorthand format U+1BCA0", B("\xf0\x9b\xb2\xa0"), true, B("\\U0001bca0"), 10 },
	{ "musical format U+1D173", B("\xf0\x9d\x85\xb3"), true, B("\\U0001d173"), 10 },
	{ "Hangul letter kept U+3131", B("\xe3\x84\xb1"), true, B("\xe3\x84\xb1"), 2 },
	{ "unassigned U+0378", B("\xcd\xb8"), true, B("\\u0378"), 6 },
	{ "non-character U+10FFFF", B("\xf4\x8f\xbf\xbf"), true,
	  B("\\U0010ffff"), 10 },
	{ "lone continuation 0x80", B("\x80"), true, B("\\x80"), 4 },
	{ "byte 0xff", B("\xff"), true, B("\\xff"), 4 },
	{ "byte 0xfe", B("a\xfe"), true, B("a\\xfe"), 5 },
	{ "truncated 3-byte at end", B("a\xe6\xbc"), true,
	  B("a\\xe6\\xbc"), 9 },
	{ "truncated 3-byte then ASCII", B("\xe6\xbc" "x"), true,
	  B("\\xe6\\xbcx"), 9 },
	{ "lead byte then ASCII", B("\xc3" "A"), true, B("\\xc3A"), 5 },
	{ "overlong C0 AF", B("\xc0\xaf"), true, B("\\xc0\\xaf"), 8 },
	{ "overlong E0 80 AF", B("\xe0\x80\xaf"), true,
	  B("\\xe0\\x80\\xaf"), 12 },
	{ "overlong F0 80 80 AF", B("\xf0\x80\x80\xaf"), true,
	  B("\\xf0\\x80\\x80\\xaf"), 16 },
	{ "surrogate ED A0 80", B("\xed\xa0\x80"), true,
	  B("\\xed\\xa0\\x80"), 12 },
	{ "above U+10FFFF F4 90 80 80", B("\xf4\x90\x80\x80"), true,
	  B("\\xf4\\x90\\x80\\x80"), 16 },
	{ "lead F5", B("\xf5\x80\x80\x80"), true,
	  B("\\xf5\\x80\\x80\\x80"), 16 },
	{ "valid then stray byte", B("\xc3\xa9\x80"), true,
	  B("\xc3\xa9\\x80"), 5 },
	{ "e acute", B("caf\xc3\xa9"), true, B("caf\xc3\xa9"), 4 },
	{ "CJK wide", B("\xe6\xbc\xa2"), true, B("\xe6\xbc\xa2"), 2 },
	{ "CJK wide twice and ASCII", B("\xe6\xbc\xa2\xe5\xad\x97" "ok"), true,
	  B("\xe6\xbc\xa2\xe5\xad\x97" "ok"), 6 },
	{ "emoji U+1F600", B("\xf0\x9f\x98\x80"), true,
	  B("\xf0\x9f\x98\x80"), 2 },
	{ "combining acute is zero width", B("e\xcc\x81"), true,
	  B("e\xcc\x81"), 1 },
	{ "U+FFFD is printable", B("\xef\xbf\xbd"), true, B("\xef\xbf\xbd"), 1 },
	{ "no utf8: e acute", B("caf\xc3\xa9"), false,
	  B("caf\\xc3\\xa9"), 11 },
	{ "no utf8: CJK", B("\xe6\xbc\xa2"), false,
	  B("\\xe6\\xbc\\xa2"), 12 },
	{ "no utf8: C1", B("\xc2\x9b"), false, B("\\xc2\\x9b"), 8 },
	{ "no utf8: bidi", B("\xe2\x80\xae"), false,
	  B("\\xe2\\x80\\xae"), 12 },
	{ "no utf8: controls as in utf8", B("\033[1m\\\n"), false,
	  B("\\e[1m\\\\\\n"), 9 },
	{ "no utf8: plain ASCII", B("init"), false, B("init"), 4 },
	{ "zero width space, joiner", B("s\xe2\x80\x8bs\xe2\x80\x8dh"), true,
	  B("s\\u200bs\\u200dh"), 15 },
	{ "Arabic letter mark", B("\xd8\x9c"), true, B("\\u061c"), 6 },
	{ "word joiner", B("\xe2\x81\xa0"), true, B("\\u2060"), 6 },
	/* Escapes grow past the room reserved for the input, then ASCII follows. */
	{ "escapes then ASCII past the reserved room",
	  B("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
	    "________________________________"), true,
	  B("\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff"
	    "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff"
	    "________________________________"), 96 },
};

static void test_esc_terminal(void **state)
{
	const struct esc_case *c = *state;
	struct strbuf sb = STRBUF_INIT;
	size_t w, i;

	w = esc_terminal(&sb, c->in, c->in_len, c->utf8);
	assert_non_null(sb.s);
	assert_bytes(sb.s, sb.len, c->out, c->out_len);
	/* (An empty result is checked by test_empty_input_terminated.) */
	if (sb.len)
		assert_int_equal(sb.s[sb.len], '\0');
	assert_int_equal(w, c->width);
	/* The width is that of the text, as text_width() measures it. */
	assert_int_equal(text_width(sb.s, sb.len, c->utf8), w);
	/* Nothing that acts on a terminal is left. */
	for (i = 0; i < sb.len; i++) {
		unsigned char b = (unsigned char)sb.s[i];

		assert_true(b >= 0x20 && b != 0x7f);
		if (!c->utf8)
			assert_true(b < 0x80);
	}
	sb_free(&sb);
}

/* esc_terminal appends; it does not replace what the buffer holds. */
static void test_esc_terminal_appends(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t w;

	sb_adds(&sb, "pre:");
	w = esc_terminal(&sb, B("\033x"), true);
	assert_int_equal(w, 3);
	assert_bytes(sb.s, sb.len, B("pre:\\ex"));
	w = esc_terminal(&sb, B("\xe6\xbc\xa2"), true);
	assert_int_equal(w, 2);
	assert_bytes(sb.s, sb.len, B("pre:\\ex\xe6\xbc\xa2"));
	sb_free(&sb);
}

/*
 * struct strbuf is "a NUL-terminated byte string": that must hold after
 * appending nothing to a fresh buffer, too.
 */
/*
 * Escapes take more room than the bytes they stand for: plain characters
 * after many of them must still fit (in a fresh buffer, with no slack).
 */
static void test_esc_terminal_grows(void **state)
{
	char in[200], want[40 * 4 + 160 + 1];
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	memset(in, 0x01, 40);
	memset(in + 40, 'a', 160);
	for (i = 0; i < 40; i++)
		memcpy(want + i * 4, "\\x01", 4);
	memset(want + 160, 'a', 160);
	want[320] = '\0';
	assert_int_equal(esc_terminal(&sb, in, sizeof(in), true), 320);
	assert_int_equal(sb.len, 320);
	assert_string_equal(sb.s, want);
	assert_true(sb.cap > sb.len);
	sb_free(&sb);
}

static void test_empty_input_terminated(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t w = esc_terminal(&a, "", 0, true);
	bool a_ok = a.len == 0 && (!a.s || a.s[0] == '\0');
	bool b_ok;

	esc_valid_utf8(&b, "", 0);
	b_ok = b.len == 0 && (!b.s || b.s[0] == '\0');
	if (!a_ok)
		print_error("esc_terminal(\"\") left an unterminated buffer\n");
	if (!b_ok)
		print_error("esc_valid_utf8(\"\") left an unterminated buffer\n");
	sb_free(&a);
	sb_free(&b);
	assert_int_equal(w, 0);
	assert_true(a_ok);
	assert_true(b_ok);
}

/* Only n bytes are read: a sequence cut by n is invalid. */
static void test_esc_terminal_respects_n(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t w;

	w = esc_terminal(&sb, "\xe6\xbc\xa2", 2, true);
	assert_bytes(sb.s, sb.len, B("\\xe6\\xbc"));
	assert_int_equal(w, 8);
	sb_free(&sb);
}

/* JSON text keeps its meaning; DEL, C1 and invisibles become \uHHHH. */
static void test_esc_json_text(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	esc_json_text(&sb, B("{ \"n\": \"a\x7f\xc2\x9b\xe2\x80\xae\xe2\x80\x8b"
			     "\xc3\xa9\xe6\xbc\xa2\\u001b\xf3\xa0\x81\xa1\xe3\x85\xa4\" }"));
	/* Past U+FFFF as a surrogate pair: U+E0061 is \udb40\udc61. */
	assert_bytes(sb.s, sb.len,
		     B("{ \"n\": \"a\\u007f\\u009b\\u202e\\u200b"
		       "\xc3\xa9\xe6\xbc\xa2\\u001b\\udb40\\udc61\\u3164\" }"));
	sb_free(&sb);
}

/* ---- esc_message ---- */

struct msg_case {
	const char *name;
	const char *in;
	size_t in_len;
	enum charset cs;
	const char *out;
	size_t out_len;
};

static const struct msg_case msg_cases[] = {
	{ "plain text kept", B("cannot open 'a b': x"), CHARSET_UTF8,
	  B("cannot open 'a b': x") },
	{ "backslashes kept (escaped text stays)", B("'\\e\\x9b\\\\'"), CHARSET_UTF8,
	  B("'\\e\\x9b\\\\'") },
	{ "C0 controls and DEL", B("a\033]0;t\007\n\r\x01\x7f"), CHARSET_UTF8,
	  B("a\\e]0;t\\a\\n\\r\\x01\\x7f") },
	{ "UTF-8: German text kept", B("Verzeichnis \xc3\xb6" "ffnen"), CHARSET_UTF8,
	  B("Verzeichnis \xc3\xb6" "ffnen") },
	{ "UTF-8: C1 and bidi escaped", B("\xc2\x9b" "2J\xe2\x80\xae" "x"), CHARSET_UTF8,
	  B("\\u009b2J\\u202ex") },
	{ "UTF-8: invalid bytes escaped", B("\x9b\xff\xe2\x80"), CHARSET_UTF8,
	  B("\\x9b\\xff\\xe2\\x80") },
	{ "8-bit: C1 bytes escaped, letters kept", B("\x9b\xe4\xf6\xa0"), CHARSET_8BIT,
	  B("\\x9b\xe4\xf6\xa0") },
	{ "ASCII: every high byte escaped", B("\xc3\xb6\x9b"), CHARSET_ASCII,
	  B("\\xc3\\xb6\\x9b") },
	{ "NUL inside", B("a\0b"), CHARSET_UTF8, B("a\\x00b") },
};

static void test_esc_message(void **state)
{
	const struct msg_case *c = *state;
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, "p: ");
	esc_message(&sb, c->in, c->in_len, c->cs);
	assert_int_equal(sb.len, 3 + c->out_len);
	assert_memory_equal(sb.s, "p: ", 3);
	assert_bytes(sb.s + 3, sb.len - 3, c->out, c->out_len);
	sb_free(&sb);
}

/* ---- esc_valid_utf8 ---- */


struct valid_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
};

static const struct valid_case valid_cases[] = {
	{ "empty", B(""), B("") },
	{ "ASCII and controls untouched", B("a\n\t\033[31m\x7f\\"),
	  B("a\n\t\033[31m\x7f\\") },
	{ "NUL kept", B("a\0b"), B("a\0b") },
	{ "valid multibyte untouched", B("\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80"),
	  B("\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80") },
	{ "C1 and bidi are valid UTF-8", B("\xc2\x9b\xe2\x80\xae"),
	  B("\xc2\x9b\xe2\x80\xae") },
	{ "U+FFFD itself", B(FFFD), B(FFFD) },
	{ "lone 0x80", B("\x80"), B(FFFD) },
	{ "0xff between ASCII", B("a\xff" "b"), B("a" FFFD "b") },
	{ "truncated 3-byte", B("\xe6\xbc"), B(FFFD FFFD) },
	{ "truncated 3-byte then ASCII", B("\xe6\xbc" "z"), B(FFFD FFFD "z") },
	{ "overlong C0 AF", B("\xc0\xaf"), B(FFFD FFFD) },
	{ "surrogate ED A0 80", B("\xed\xa0\x80"), B(FFFD FFFD FFFD) },
	{ "above U+10FFFF", B("\xf4\x90\x80\x80"), B(FFFD FFFD FFFD FFFD) },
	{ "valid after invalid", B("\xff\xc3\xa9"), B(FFFD "\xc3\xa9") },
};

static void test_esc_valid_utf8(void **state)
{
	const struct valid_case *c = *state;
	struct strbuf sb = STRBUF_INIT;

	esc_valid_utf8(&sb, c->in, c->in_len);
	if (c->out_len == 0) {
		assert_true(sb.len == 0);
	} else {
		assert_non_null(sb.s);
		assert_bytes(sb.s, sb.len, c->out, c->out_len);
	}
	assert_true(well_formed((const unsigned char *)(sb.s ? sb.s : ""), sb.len));
	sb_free(&sb);
}

/* Every single byte value and every pair: the result is always valid. */
static void test_esc_valid_utf8_all_pairs(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned int a, b;
	char in[3];

	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			in[2] = (char)0xbf;
			sb_reset(&sb);
			esc_valid_utf8(&sb, in, 3);
			assert_true(well_formed((const unsigned char *)sb.s, sb.len));
			/* Valid input is copied as it is. */
			if (well_formed((const unsigned char *)in, 3))
				assert_bytes(sb.s, sb.len, in, 3);
		}
	}
	sb_free(&sb);
}

/* ---- utf8_decode ---- */

struct decode_case {
	const char *name;
	const char *in;
	size_t n;
	size_t len;	/* 0: invalid */
	uint32_t cp;
};

static const struct decode_case decode_cases[] = {
	{ "no bytes", "A", 0, 0, 0 },
	{ "ASCII", B("A"), 1, 'A' },
	{ "NUL", B("\0"), 1, 0 },
	{ "DEL", B("\x7f"), 1, 0x7f },
	{ "2-byte minimum U+0080", B("\xc2\x80"), 2, 0x80 },
	{ "2-byte maximum U+07FF", B("\xdf\xbf"), 2, 0x7ff },
	{ "3-byte minimum U+0800", B("\xe0\xa0\x80"), 3, 0x800 },
	{ "before surrogates U+D7FF", B("\xed\x9f\xbf"), 3, 0xd7ff },
	{ "after surrogates U+E000", B("\xee\x80\x80"), 3, 0xe000 },
	{ "3-byte maximum U+FFFF", B("\xef\xbf\xbf"), 3, 0xffff },
	{ "4-byte minimum U+10000", B("\xf0\x90\x80\x80"), 4, 0x10000 },
	{ "maximum U+10FFFF", B("\xf4\x8f\xbf\xbf"), 4, 0x10ffff },
	{ "CJK", B("\xe6\xbc\xa2"), 3, 0x6f22 },
	{ "followed by more bytes", B("\xc3\xa9xyz"), 2, 0xe9 },
	{ "lone continuation 0x80", B("\x80"), 0, 0 },
	{ "lone continuation 0xbf", B("\xbf"), 0, 0 },
	{ "overlong C0 80", B("\xc0\x80"), 0, 0 },
	{ "overlong C1 BF", B("\xc1\xbf"), 0, 0 },
	{ "overlong C0 AF", B("\xc0\xaf"), 0, 0 },
	{ "overlong E0 9F BF", B("\xe0\x9f\xbf"), 0, 0 },
	{ "overlong F0 8F BF BF", B("\xf0\x8f\xbf\xbf"), 0, 0 },
	{ "surrogate ED A0 80", B("\xed\xa0\x80"), 0, 0 },
	{ "surrogate ED BF BF", B("\xed\xbf\xbf"), 0, 0 },
	{ "above U+10FFFF F4 90 80 80", B("\xf4\x90\x80\x80"), 0, 0 },
	{ "lead F5", B("\xf5\x80\x80\x80"), 0, 0 },
	{ "5-byte lead F8", B("\xf8\x88\x80\x80\x80"), 0, 0 },
	{ "byte 0xfe", B("\xfe"), 0, 0 },
	{ "byte 0xff", B("\xff"), 0, 0 },
	{ "2-byte truncated", B("\xc2"), 0, 0 },
	{ "3-byte truncated", B("\xe6\xbc"), 0, 0 },
	{ "3-byte cut by n", "\xe6\xbc\xa2", 2, 0, 0 },
	{ "4-byte cut by n", "\xf0\x9f\x98\x80", 3, 0, 0 },
	{ "bad continuation ASCII", B("\xc2" "A"), 0, 0 },
	{ "bad continuation lead", B("\xe6\xc2\xa2"), 0, 0 },
	{ "bad last continuation", B("\xf0\x9f\x98" "A"), 0, 0 },
};

static void test_utf8_decode(void **state)
{
	const struct decode_case *c = *state;
	uint32_t cp = 0xdeadbeef;
	size_t len;

	len = utf8_decode((const unsigned char *)c->in, c->n, &cp);
	assert_int_equal(len, c->len);
	if (c->len)
		assert_int_equal(cp, c->cp);
}

/* ---- text_width ---- */

struct width_case {
	const char *name;
	const char *in;
	size_t in_len;
	bool utf8;
	size_t width;
};

static const struct width_case width_cases[] = {
	{ "empty", B(""), true, 0 },
	{ "ASCII", B("abc"), true, 3 },
	{ "escapes count as written", B("\\x80\\e"), true, 6 },
	{ "e acute", B("caf\xc3\xa9"), true, 4 },
	{ "two CJK", B("\xe6\xbc\xa2\xe5\xad\x97"), true, 4 },
	{ "emoji", B("\xf0\x9f\x98\x80"), true, 2 },
	{ "combining mark", B("e\xcc\x81"), true, 1 },
	{ "no utf8: one column a byte", B("\\x80ab"), false, 6 },
};

static void test_text_width(void **state)
{
	const struct width_case *c = *state;

	assert_int_equal(text_width(c->in, c->in_len, c->utf8), c->width);
}

/* ---- text_cut ---- */

struct cut_case {
	const char *name;
	const char *in;
	size_t in_len;
	size_t maxcols;
	bool utf8;
	size_t len;
	size_t cols;
};

static const struct cut_case cut_cases[] = {
	{ "ASCII cut", B("abcdef"), 3, true, 3, 3 },
	{ "ASCII fits", B("abc"), 10, true, 3, 3 },
	{ "ASCII exactly", B("abc"), 3, true, 3, 3 },
	{ "zero columns", B("abc"), 0, true, 0, 0 },
	{ "empty", B(""), 5, true, 0, 0 },
	{ "wide char does not fit", B("a\xe6\xbc\xa2" "b"), 2, true, 1, 1 },
	{ "wide char just fits", B("a\xe6\xbc\xa2" "b"), 3, true, 4, 3 },
	{ "all fits", B("a\xe6\xbc\xa2" "b"), 4, true, 5, 4 },
	{ "second wide char does not fit", B("\xe6\xbc\xa2\xe5\xad\x97"), 3,
	  true, 3, 2 },
	{ "first wide char does not fit", B("\xe6\xbc\xa2\xe5\xad\x97"), 1,
	  true, 0, 0 },
	{ "never splits a sequence", B("\xc3\xa9\xe6\xbc\xa2"), 1, true, 2, 1 },
	{ "emoji does not fit", B("ab\xf0\x9f\x98\x80"), 3, true, 2, 2 },
	{ "combining mark stays with its base", B("e\xcc\x81x"), 1, true, 3, 1 },
	{ "escape sequence text", B("\\e[31m"), 3, true, 3, 3 },
	{ "\\e is not cut to a backslash", B("ab\\e"), 3, true, 2, 2 },
	{ "\\e fits", B("ab\\ec"), 4, true, 4, 4 },
	{ "\\\\ is not cut", B("a\\\\b"), 2, true, 1, 1 },
	{ "\\xHH whole or not at all", B("a\\x9bb"), 4, true, 1, 1 },
	{ "\\xHH fits", B("a\\x9bb"), 5, true, 5, 5 },
	{ "\\uHHHH whole or not at all", B("a\\u202eb"), 6, true, 1, 1 },
	{ "\\UHHHHHHHH whole or not at all", B("\\U000e0001b"), 9, true, 0, 0 },
	{ "an escaped backslash then x41 is two units", B("\\\\x41"), 3, true, 3, 3 },
	{ "our own lone backslash is one column", B("a\\"), 2, true, 2, 2 },
	{ "backslash then other text", B("\\q"), 1, true, 1, 1 },
	{ "no utf8: bytes", B("abcdef"), 4, false, 4, 4 },
};

static void test_text_cut(void **state)
{
	const struct cut_case *c = *state;
	size_t cols = 12345, len;

	len = text_cut(c->in, c->in_len, c->maxcols, c->utf8, &cols);
	assert_int_equal(len, c->len);
	assert_int_equal(cols, c->cols);
	assert_true(cols <= c->maxcols);
	assert_int_equal(text_width(c->in, len, c->utf8), cols);
}

/* Is esc[0..len) what some prefix of in escapes to? */
static bool escapes_of_prefix(const char *in, size_t n, const char *esc, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	bool found = false;
	size_t k;

	for (k = 0; k <= n && !found; k++) {
		sb_reset(&sb);
		esc_terminal(&sb, in, k, true);
		found = sb.len == len && memcmp(sb.s ? sb.s : "", esc, len) == 0;
	}
	sb_free(&sb);
	return found;
}

/* Cutting escaped hostile text never leaves a partial UTF-8 sequence or escape. */
static void test_text_cut_escaped_prefixes(void **state)
{
	static const char in[] = "\xe6\xbc\xa2\033\xc3\xa9\xff\xe5\xad\x97x\xe2\x80\xae";
	struct strbuf sb = STRBUF_INIT;
	size_t w, max;

	w = esc_terminal(&sb, in, sizeof(in) - 1, true);
	for (max = 0; max <= w + 1; max++) {
		size_t cols, len = text_cut(sb.s, sb.len, max, true, &cols);

		assert_true(cols <= max);
		assert_true(well_formed((const unsigned char *)sb.s, len));
		/* Greedy: the next unit (character or escape) would not have fitted. */
		if (len < sb.len) {
			size_t uw, ulen = text_unit(sb.s + len, sb.len - len, true, &uw);

			assert_true(ulen > 0);
			assert_true(cols + uw > max);
			/* Never inside an escape: the cut text is what some prefix of in escapes to. */
			assert_true(escapes_of_prefix(in, sizeof(in) - 1, sb.s, len));
		} else {
			assert_int_equal(cols, w);
		}
	}
	sb_free(&sb);
}

/* ---- main ---- */

int main(void)
{
	static struct CMUnitTest esc[ARRAY_SIZE(esc_cases)];
	static struct CMUnitTest valid[ARRAY_SIZE(valid_cases)];
	static struct CMUnitTest decode[ARRAY_SIZE(decode_cases)];
	static struct CMUnitTest width[ARRAY_SIZE(width_cases)];
	static struct CMUnitTest cut[ARRAY_SIZE(cut_cases)];
	static struct CMUnitTest msg[ARRAY_SIZE(msg_cases)];
	static const struct CMUnitTest misc[] = {
		cmocka_unit_test(test_esc_terminal_appends),
		cmocka_unit_test(test_esc_terminal_grows),
		cmocka_unit_test(test_esc_terminal_respects_n),
		cmocka_unit_test(test_empty_input_terminated),
		cmocka_unit_test(test_esc_valid_utf8_all_pairs),
		cmocka_unit_test(test_text_cut_escaped_prefixes),
		cmocka_unit_test(test_esc_json_text),
	};
	int failed = 0;

	TABLE_TESTS(esc, esc_cases, test_esc_terminal);
	TABLE_TESTS(valid, valid_cases, test_esc_valid_utf8);
	TABLE_TESTS(decode, decode_cases, test_utf8_decode);
	TABLE_TESTS(width, width_cases, test_text_width);
	TABLE_TESTS(cut, cut_cases, test_text_cut);
	TABLE_TESTS(msg, msg_cases, test_esc_message);

	failed += cmocka_run_group_tests_name("esc_terminal", esc, setup_locale, NULL);
	failed += cmocka_run_group_tests_name("esc_valid_utf8", valid, setup_locale, NULL);
	failed += cmocka_run_group_tests_name("utf8_decode", decode, NULL, NULL);
	failed += cmocka_run_group_tests_name("text_width", width, setup_locale, NULL);
	failed += cmocka_run_group_tests_name("text_cut", cut, setup_locale, NULL);
	failed += cmocka_run_group_tests_name("esc_message", msg, setup_locale, NULL);
	failed += cmocka_run_group_tests_name("escape misc", misc, setup_locale, NULL);
	return failed ? 1 : 0;
}
