/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gettext wrappers that compile away when NLS is disabled. */
#ifndef CABATREE_NLS_H
#define CABATREE_NLS_H

#include "config.h"

#include <stdlib.h>

#if ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#define P_(s, p, n) ngettext((s), (p), (n))
#else
#define _(s) (s)
#define P_(s, p, n) ((n) == 1 ? (s) : (p))
#define textdomain(d) ((void)0)
#define bindtextdomain(d, dir) ((void)0)
#endif
#define N_(s) (s)

/* Where the catalogues are: $CABATREE_LOCALEDIR (e.g. a build tree's), else LOCALEDIR. */
static inline const char *nls_localedir(void)
{
	const char *dir = getenv("CABATREE_LOCALEDIR");

	return dir && *dir ? dir : LOCALEDIR;
}

#endif
