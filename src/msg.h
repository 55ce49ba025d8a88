/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages to the user on stderr, prefixed with the program's name. */
#ifndef CABATREE_MSG_H
#define CABATREE_MSG_H

#include <stdarg.h>
#include <stdbool.h>

#include "escape.h"

/*
 * One line "PROG: message" on stderr. What could act on a terminal in the
 * formatted message (a path or a value with control characters in it) is
 * shown escaped (esc_message()).
 */
void ct_vsay(const char *prog, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void ct_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Is the locale's charset UTF-8? */
bool locale_is_utf8(void);
/* What kind of charset the locale has (LC_CTYPE). */
enum charset locale_charset(void);

#endif
