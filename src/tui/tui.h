/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interactive browser (cabatree -i): an ncursesw shell around the view. */
#ifndef CABATREE_TUI_H
#define CABATREE_TUI_H

#include <stdbool.h>

#include "model.h"
#include "options.h"	/* the exit statuses */
#include "settings.h"
#include "source.h"

/*
 * What main hands over: the settings, the source and its first refresh. A
 * source that is not live (a snapshot) is never refreshed again.
 */
struct tui_args {
	const struct ct_settings *s;
	struct source *src;
	/* The latest records and their model; replaced at every refresh. */
	struct ct_proclist *pl;
	struct ct_model *m;
	/* What that first refresh said beside them. */
	const struct source_report *rep;
	/*
	 * Text shown over the trees when the browser starts (the demo's
	 * story), until a key is pressed; ? shows it again. NULL for none.
	 */
	const char *story;
};

/*
 * Run the browser until the user quits. Returns an exit status; on SIGINT,
 * SIGTERM or SIGHUP it restores the terminal and dies of the same signal.
 */
int tui_run(struct tui_args *a);

#endif
