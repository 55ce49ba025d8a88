/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The browser's state as its terminal loop (tui.c) and its drawing
 * (draw.c) share it. Drawing reads the view and, through it, the model,
 * which it never changes; it does no I/O but to the screen.
 */
#ifndef CABATREE_TUI_DRAW_H
#define CABATREE_TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "label.h"
#include "recorder/source.h"
#include "settings.h"
#include "tui/view.h"
#include "users.h"

#define PAIR_MOVED 1
#define PAIR_MATCH 2

struct pane {
	int y, x, h, w;		/* h includes the header line */
	bool shown;
};

struct tui_args;

struct tui {
	struct tui_args *a;
	const struct ct_settings *s;
	const struct tree_glyphs *g;
	struct view v;
	struct users *users;
	pid_t *focus;		/* -p processes still alive */
	size_t nfocus;
	size_t malformed;	/* skipped by the last refresh */
	long long btime;	/* boot time (epoch seconds), or -1 */
	long hz;		/* clock ticks per second, the unit of start_time */
	/* The recorder, as the last refresh found it (have_rec: it was asked). */
	struct rec_source rec;
	bool have_rec;
	/*
	 * What the born tree lacks and why, as the command line says it (the
	 * recorder stopped, or none runs): drawn above the details. Empty: none.
	 */
	struct strbuf note;
	/* Per node of the model: CPU% since the refresh before, -1: unknown. */
	float *cpu;
	size_t cpu_cap;
	unsigned long long scan_ms;	/* when the model was read (monotonic) */
	long page_kb;			/* kB per page, for RSS */
	bool story;			/* the story is shown over the trees */
	bool sorting_roots;		/* the sort is at the roots */
	bool color;
	bool help;
	size_t help_top;
	struct pane pane[TREE_COUNT];
	int detail_y, detail_h, status_y;
	int note_y, note_h;
	struct strbuf line, tmp;
	struct label_esc esc;	/* names and arguments for the terminal */
	int *anc;		/* scratch: a row's ancestors */
	size_t anc_cap;
};

/*
 * Lay the panes out for the screen's size and draw everything: the trees,
 * the details of the selection, the status line, or the help.
 */
void draw(struct tui *ui);

/* Lines of the help screen, for scrolling it. */
size_t draw_help_lines(struct tui *ui);

/* Free what drawing allocated in ui. */
void draw_free(struct tui *ui);

#endif
