// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "msg.h"

bool locale_is_utf8(void)
{
	return locale_charset() == CHARSET_UTF8;
}

enum charset locale_charset(void)
{
	const char *cs = nl_langinfo(CODESET);

	if (!cs || strcasecmp(cs, "ANSI_X3.4-1968") == 0 ||
	    strcasecmp(cs, "ASCII") == 0 || strcasecmp(cs, "US-ASCII") == 0)
		return CHARSET_ASCII;
	if (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0)
		return CHARSET_UTF8;
	return CHARSET_8BIT;
}

void ct_vsay(const char *prog, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	char *text;
	int n = vasprintf(&text, fmt, ap);

	sb_adds(&sb, prog);
	sb_adds(&sb, ": ");
	if (n >= 0) {
		/* Paths, names and values in it come from anywhere. */
		esc_message(&sb, text, (size_t)n, locale_charset());
		free(text);
	} else {
		esc_message(&sb, fmt, strlen(fmt), locale_charset());
	}
	sb_addc(&sb, '\n');
	fwrite(sb.s, 1, sb.len, stderr);
	sb_free(&sb);
}

void ct_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ct_vsay(PACKAGE, fmt, ap);
	va_end(ap);
}
