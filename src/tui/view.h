/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state of the interactive browser, without any terminal: the visible
 * rows of both trees, folds, the one selection shared by both panes,
 * scrolling, search and the keys that change them. Rows are rebuilt from the
 * model whenever it changes; what the user chose (folds, the selection)
 * is carried over by each process's stable identity, (pid, start time).
 */
#ifndef CABATREE_VIEW_H
#define CABATREE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model.h"

/* A process, as it stays recognisable across scans (a reused pid is not). */
struct view_key {
	pid_t pid;
	unsigned long long start;
};

enum view_layout {
	VL_AUTO,	/* side by side if wide enough, else stacked */
	VL_SIDE,
	VL_STACKED,
	VL_REAL,	/* the real tree alone */
	VL_BORN,	/* the born tree alone */
	VL_COUNT
};

enum {
	ROW_LAST = 1 << 0,	/* no later sibling is shown */
	ROW_KIDS = 1 << 1,	/* has something below it (shown or folded) */
	ROW_FOLDED = 1 << 2,	/* what is below it is hidden */
	ROW_MATCH = 1 << 3,	/* matches the search */
};

/* One line of one tree. */
struct view_row {
	int node;		/* model node */
	int thread;		/* index in the node's threads, or -1 */
	int parent_row;		/* -1 for a root */
	unsigned int depth;
	unsigned int flags;	/* ROW_* */
};

struct view_tree {
	struct view_row *rows;
	size_t nrows;
	size_t cap;
	int *row_of;		/* model node -> its row, or -1 */
	size_t top;		/* first row on screen */
	size_t left;		/* columns scrolled off to the left */
	unsigned int height;	/* rows on screen, set by the terminal side */
};

/* What a key asks of the caller, which does the I/O. */
enum {
	VIEW_REDRAW = 1 << 0,
	VIEW_RESCAN = 1 << 1,	/* read the processes again (now) */
	VIEW_QUIT = 1 << 2,
	VIEW_HELP = 1 << 3,	/* show the help screen */
};

/* Keys that are not characters, independent of any terminal library. */
enum {
	VK_UP = 0x110000,
	VK_DOWN,
	VK_LEFT,
	VK_RIGHT,
	VK_PGUP,
	VK_PGDN,
	VK_HOME,
	VK_END,
	VK_ENTER,
	VK_ESC,
	VK_BACKSPACE,
	VK_TAB,
	VK_F1,
};

#define VIEW_SEARCH_MAX 128
#define VIEW_MSG_MAX 256

struct view {
	const struct ct_model *m;
	struct view_tree tree[TREE_COUNT];
	unsigned char *fold;		/* per node: bit t set when folded in tree t */
	unsigned char *keep[TREE_COUNT];	/* per node, during a search */
	unsigned char *match;		/* per node, during a search */
	size_t cap_nodes;

	/* The selection: a process, or one of its threads (tid != 0). */
	bool has_sel;
	struct view_key sel;
	pid_t sel_tid;
	int sel_node;			/* in the current model, or -1 */
	/* Born ancestors of the selection, nearest first, to fall back on. */
	struct view_key *chain;
	size_t nchain, cap_chain;

	enum ct_tree active;		/* the pane that keys move in */
	enum view_layout layout;
	bool born_known;		/* the model has a born tree */
	bool follow;
	bool show_args;
	bool show_threads;
	bool utf8;			/* names may be shown as UTF-8 */
	unsigned int delay_ds;		/* refresh delay in tenths of a second */

	bool typing;			/* reading the search text */
	char search[VIEW_SEARCH_MAX];
	size_t search_len;

	char msg[VIEW_MSG_MAX];		/* one-line message for the user */
};

void view_init(struct view *v);
void view_free(struct view *v);

/*
 * Show model m (which must stay valid until the next call). The previous
 * model, if any, must still be valid during this call: folds and the
 * selection are carried from it by (pid, start time).
 */
void view_set_model(struct view *v, const struct ct_model *m);

/* Select the process pid, if the model has it (it is revealed in both trees). */
bool view_select_pid(struct view *v, pid_t pid);

/* Rows on screen for tree t, from the terminal side. */
void view_set_height(struct view *v, enum ct_tree t, unsigned int rows);

/* The trees on screen for the layout in use (side: cols wide enough). */
bool view_tree_shown(const struct view *v, enum ct_tree t);

/* Handle one key (a character or VK_*); returns VIEW_* flags. */
unsigned int view_key(struct view *v, int key);

/* A click on screen row r of tree t's pane (0: its first row). */
unsigned int view_click(struct view *v, enum ct_tree t, size_t r);

/* The mouse wheel over tree t: scroll by delta rows. */
unsigned int view_scroll(struct view *v, enum ct_tree t, long delta);

/* The row of the selection in tree t, or -1 when it is not shown there. */
long view_sel_row(const struct view *v, enum ct_tree t);

/* The key of node idx of the current model. */
struct view_key view_key_of(const struct view *v, int idx);

/* Collapse both trees below depth (1: only the roots show). */
void view_collapse_to(struct view *v, unsigned int depth);

#endif
