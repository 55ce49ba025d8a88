/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interactive browser (cabatree -i): an ncursesw shell around the view. */
#ifndef CABATREE_TUI_H
#define CABATREE_TUI_H

#include <stdbool.h>

#include "model.h"
#include "options.h"	/* the exit statuses */
#include "procfs.h"
#include "settings.h"
#include "users.h"

/*
 * What main hands over: the settings, the procfs and the first scan. A
 * snapshot (m->snapshot set) comes with dirfd -1: it is never read again.
 */
struct tui_args {
	const struct ct_settings *s;
	int dirfd;
	/* The latest scan and its model; replaced at every refresh. */
	struct ct_proclist *pl;
	struct ct_model *m;
	struct users *users;	/* user names to use (a snapshot's), or NULL */
};

/*
 * Run the browser until the user quits. Returns an exit status; on SIGINT,
 * SIGTERM or SIGHUP it restores the terminal and dies of the same signal.
 */
int tui_run(struct tui_args *a);

#endif
