/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Making untrusted bytes (process names, arguments) safe for each output. */
#ifndef CABATREE_ESCAPE_H
#define CABATREE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xalloc.h"

/*
 * Decode one UTF-8 sequence at s (n bytes available). Returns its length and
 * stores the code point, or returns 0 if the bytes do not start a valid,
 * shortest-form, non-surrogate sequence.
 */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Append s[0..n) to sb as text that cannot act on a terminal: C0 controls,
 * DEL, C1 controls, bidirectional overrides, unprintable characters and
 * invalid UTF-8 become backslash escapes (\n, \t, \e, \xHH, \uHHHH) and a
 * backslash becomes "\\". With utf8 false, every byte >= 0x80 is escaped.
 * Returns the display width of what was appended.
 */
size_t esc_terminal(struct strbuf *sb, const char *s, size_t n, bool utf8);

/* The kind of charset a locale has, for esc_message(). */
enum charset {
	CHARSET_ASCII,		/* the C locale: no byte >= 0x80 is a character */
	CHARSET_8BIT,		/* ISO 8859 and the like: 0x80-0x9f are C1 controls */
	CHARSET_UTF8,
};

/*
 * Append a message (our text with paths and the like in it) with what could
 * act on a terminal escaped as esc_terminal() does: C0 controls and DEL, and
 * per charset cs, C1 controls, invisible or unprintable characters, bytes
 * that are not characters. Backslashes and other characters are kept, so
 * text that is escaped already stays as it is.
 */
void esc_message(struct strbuf *sb, const char *s, size_t n, enum charset cs);

/* Append s[0..n) as valid UTF-8: each invalid byte becomes U+FFFD. */
void esc_valid_utf8(struct strbuf *sb, const char *s, size_t n);

/*
 * Append JSON text (valid UTF-8, as json-c writes it) with DEL and the
 * characters esc_terminal() escapes written as \uHHHH instead: the same
 * strings to a JSON reader, nothing raw for a terminal.
 */
void esc_json_text(struct strbuf *sb, const char *s, size_t n);

/* Display width of text produced by esc_terminal(). */
size_t text_width(const char *s, size_t n, bool utf8);

/*
 * The first unit of escaped text s[0..n) (n > 0), which is shown whole or
 * not at all: an escape esc_terminal() writes, or one character. Returns its
 * length in bytes and stores its width in *cols.
 */
size_t text_unit(const char *s, size_t n, bool utf8, size_t *cols);

/*
 * Length in bytes of the longest prefix of escaped text s[0..n) that fits in
 * maxcols columns without splitting a unit (an escape such as "\e" is never
 * cut to "\"); its width is stored in *cols.
 */
size_t text_cut(const char *s, size_t n, size_t maxcols, bool utf8, size_t *cols);

#endif
