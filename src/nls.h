/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gettext wrappers that compile away when NLS is disabled. */
#ifndef CABATREE_NLS_H
#define CABATREE_NLS_H

#include "config.h"

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

#endif
