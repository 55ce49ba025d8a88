/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interactive browser (cabatree -i): an ncursesw shell around the view. */
#ifndef CABATREE_TUI_H
#define CABATREE_TUI_H

#include <stdbool.h>

#include "model.h"
#include "options.h"
#include "source.h"

/*
 * What main hands over: the options, the source and its first refresh. A
 * source that is not live (a snapshot) is never refreshed again.
 */
struct tui_args {
	const struct ct_options *o;
	struct source *src;
	/* The latest records and their model; replaced at every refresh. */
	struct ct_proclist *pl;
	struct ct_model *m;
	bool utf8;		/* names may be shown as UTF-8 */
	bool utf8_glyphs;
	bool color;		/* colours wanted (the terminal may still have none) */
};

/*
 * Run the browser until the user quits. Returns an exit status; on SIGINT,
 * SIGTERM or SIGHUP it restores the terminal and dies of the same signal.
 */
int tui_run(struct tui_args *a);

#endif
