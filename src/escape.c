// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <string.h>
#include <wchar.h>

#include "escape.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/*
 * Characters that are valid but must not reach a terminal as they are:
 * controls, and invisible ones that reorder, disguise or hide what is
 * shown. Beyond the C1 and bidirectional controls these are Unicode's
 * default-ignorable code points (which a terminal draws as nothing, or
 * as it likes: tag characters can carry a whole hidden text) and the
 * Hangul fillers, which are letters but show as blanks.
 */
static bool is_unsafe_cp(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||	/* C1 controls */
	       c == 0x00ad ||			/* soft hyphen */
	       c == 0x034f ||			/* combining grapheme joiner */
	       c == 0x061c ||			/* Arabic letter mark */
	       c == 0x115f || c == 0x1160 ||	/* Hangul choseong, jungseong fillers */
	       c == 0x17b4 || c == 0x17b5 ||	/* Khmer inherent vowels */
	       (c >= 0x180b && c <= 0x180f) ||	/* Mongolian selectors, vowel separator */
	       (c >= 0x200b && c <= 0x200f) ||	/* zero widths, LRM, RLM */
	       (c >= 0x2028 && c <= 0x202e) ||	/* separators, embeddings */
	       (c >= 0x2060 && c <= 0x206f) ||	/* word joiner, invisibles, isolates */
	       c == 0x3164 ||			/* Hangul filler */
	       (c >= 0xfe00 && c <= 0xfe0f) ||	/* variation selectors */
	       c == 0xfeff ||			/* zero width no-break */
	       c == 0xffa0 ||			/* halfwidth Hangul filler */
	       (c >= 0xfff0 && c <= 0xfffb) ||	/* specials, annotations */
	       (c >= 0x1bca0 && c <= 0x1bca3) ||	/* shorthand format controls */
	       (c >= 0x1d173 && c <= 0x1d17a) ||	/* musical format controls */
	       (c >= 0xe0000 && c <= 0xe0fff);	/* tags, variation selectors */
}

static int cp_width(uint32_t c)
{
	if (c < 0x80)
		return (c >= 0x20 && c < 0x7f) ? 1 : -1;
	if (is_unsafe_cp(c))
		return -1;
	return wcwidth((wchar_t)c);
}

static const char hexdig[] = "0123456789abcdef";

static size_t add_hex_byte(struct strbuf *sb, unsigned char b)
{
	char e[4] = { '\\', 'x', hexdig[b >> 4], hexdig[b & 15] };

	sb_add(sb, e, 4);
	return 4;
}

static size_t add_control(struct strbuf *sb, unsigned char b)
{
	static const char named[] = "\a\b\t\n\v\f\r\033";
	static const char letter[] = "abtnvfre";
	const char *p = b ? strchr(named, b) : NULL;

	if (p) {
		char e[2] = { '\\', letter[p - named] };

		sb_add(sb, e, 2);
		return 2;
	}
	return add_hex_byte(sb, b);
}

/*
 * The escaper of esc_terminal() (backslash doubled) and esc_message()
 * (backslash kept): returns the display width of what was appended.
 */
static size_t escape(struct strbuf *sb, const char *str, size_t n,
		     enum charset cs, bool backslash)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, width = 0;

	sb_grow(sb, n);
	while (i < n) {
		unsigned char b = s[i];
		uint32_t cp;
		size_t len;
		int w;

		if (b >= 0x20 && b < 0x7f) {
			if (b == '\\' && backslash) {
				sb_add(sb, "\\\\", 2);
				width += 2;
			} else {
				sb_addc(sb, (char)b);
				width++;
			}
			i++;
			continue;
		}
		if (b < 0x80) {
			width += add_control(sb, b);
			i++;
			continue;
		}
		if (cs == CHARSET_8BIT && b > 0x9f) {
			/* 8-bit charsets: only 0x80-0x9f (C1 controls) are escaped. */
			sb_addc(sb, (char)b);
			width++;
			i++;
			continue;
		}
		len = cs == CHARSET_UTF8 ? utf8_decode(s + i, n - i, &cp) : 0;
		if (len == 0) {
			width += add_hex_byte(sb, b);
			i++;
			continue;
		}
		w = cp_width(cp);
		if (w < 0) {
			sb_addf(sb, cp <= 0xffff ? "\\u%04x" : "\\U%08x", (unsigned int)cp);
			width += cp <= 0xffff ? 6 : 10;
		} else {
			sb_add(sb, s + i, len);
			width += (size_t)w;
		}
		i += len;
	}
	return width;
}

size_t esc_terminal(struct strbuf *sb, const char *s, size_t n, bool utf8)
{
	return escape(sb, s, n, utf8 ? CHARSET_UTF8 : CHARSET_ASCII, true);
}

void esc_message(struct strbuf *sb, const char *s, size_t n, enum charset cs)
{
	escape(sb, s, n, cs, false);
}

/*
 * Copy the run of ASCII at s that every escaper keeps as it is (most of
 * a document) in one piece; returns its length.
 */
static size_t copy_plain(struct strbuf *sb, const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= 0x20 && s[i] < 0x7f)
		i++;
	if (i)
		sb_add(sb, s, i);
	return i;
}

void esc_json_text(struct strbuf *sb, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	sb_grow(sb, n);
	while (i < n) {
		size_t run = copy_plain(sb, s + i, n - i);
		uint32_t cp;
		size_t len;

		if (run) {
			i += run;
			continue;
		}
		cp = s[i];
		len = s[i] < 0x80 ? 1 : utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			sb_add(sb, s + i, 1);	/* not from esc_valid_utf8() */
			i++;
		} else if (cp == 0x7f || (cp >= 0x80 && is_unsafe_cp(cp))) {
			/* JSON spells a code point past U+FFFF as two surrogates. */
			if (cp > 0xffff)
				sb_addf(sb, "\\u%04x\\u%04x",
					0xd800 + ((cp - 0x10000) >> 10),
					0xdc00 + ((cp - 0x10000) & 0x3ff));
			else
				sb_addf(sb, "\\u%04x", (unsigned int)cp);
			i += len;
		} else {
			sb_add(sb, s + i, len);
			i += len;
		}
	}
}

void esc_valid_utf8(struct strbuf *sb, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	sb_grow(sb, n);
	while (i < n) {
		size_t run = copy_plain(sb, s + i, n - i);
		uint32_t cp;
		size_t len;

		if (run) {
			i += run;
			continue;
		}
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			sb_add(sb, "\xef\xbf\xbd", 3);
			i++;
		} else {
			sb_add(sb, s + i, len);
			i += len;
		}
	}
}

static bool hex_digits(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!s[i] || !strchr(hexdig, s[i]))
			return false;
	return true;
}

size_t text_unit(const char *str, size_t n, bool utf8, size_t *cols)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = 1;
	uint32_t cp;
	int w = 1;

	if (n == 0) {
		*cols = 0;
		return 0;
	}
	if (s[0] == '\\' && n >= 2) {
		/* What esc_terminal() writes: \\, \e and the like, \xHH, \uHHHH, \UHHHHHHHH. */
		if (s[1] == '\\' || (s[1] && strchr("abtnvfre", s[1])))
			len = 2;
		else if (s[1] == 'x' && n >= 4 && hex_digits(s + 2, 2))
			len = 4;
		else if (s[1] == 'u' && n >= 6 && hex_digits(s + 2, 4))
			len = 6;
		else if (s[1] == 'U' && n >= 10 && hex_digits(s + 2, 8))
			len = 10;
		*cols = len;
		return len;
	}
	if (s[0] >= 0x80 && utf8) {
		len = utf8_decode(s, n, &cp);
		if (len == 0)
			len = 1;
		else if ((w = cp_width(cp)) < 0)
			w = 1;
	}
	*cols = (size_t)w;
	return len;
}

size_t text_cut(const char *s, size_t n, size_t maxcols, bool utf8, size_t *cols)
{
	size_t i = 0, width = 0;

	while (i < n) {
		size_t w, len = text_unit(s + i, n - i, utf8, &w);

		if (width + w > maxcols)
			break;
		width += w;
		i += len;
	}
	*cols = width;
	return i;
}

size_t text_width(const char *s, size_t n, bool utf8)
{
	size_t cols;

	text_cut(s, n, (size_t)-1, utf8, &cols);
	return cols;
}
