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
	ROW_CONTEXT = 1 << 4,	/* shown only for its filtered descendants */
};

/* How siblings are ordered (the tree stays a tree). */
enum view_sort {
	VS_NAME,	/* name, then pid: the model's order */
	VS_PID,
	VS_CPU,		/* CPU% between the last two refreshes, busiest first */
	VS_MEM,		/* resident memory, largest first */
	VS_START,	/* start time, oldest first */
	VS_COUNT
};

/* The menus that take the keys while open. */
enum view_menu {
	MENU_NONE,
	MENU_SIGNAL,	/* a signal for the selected process */
	MENU_USER,	/* whose processes to show */
	MENU_SORT,
};

/* A signal the menu offers. */
struct view_signal {
	int sig;
	const char *name;	/* without "SIG" */
};

extern const struct view_signal view_signals[];
extern const size_t view_nsignals;

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
	VIEW_SIGNAL = 1 << 4,	/* send v->signal to v->signal_to */
	VIEW_RESORT = 1 << 5,	/* order the siblings by v->sort again */
	VIEW_LINEAGE = 1 << 6,	/* build the model again with or without the
				 * released ancestors (v->show_lineage) */
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
	VK_F2, VK_F3, VK_F4, VK_F5, VK_F6, VK_F7, VK_F8, VK_F9, VK_F10,
};

#define VIEW_SEARCH_MAX 128
#define VIEW_MSG_MAX 256

struct view {
	const struct ct_model *m;
	struct view_tree tree[TREE_COUNT];
	unsigned char *fold;		/* per node: bit t set when folded in tree t */
	unsigned char *keep[TREE_COUNT];	/* per node, during a search */
	unsigned char *match;		/* per node: matches the search */
	unsigned char *pass;		/* per node: passes the filter and user */
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

	bool show_kthreads;		/* kernel threads are shown */
	bool show_lineage;		/* released ancestors are rows of the born tree */
	bool columns;			/* the CPU%, RSS and TIME columns */
	enum view_sort sort;

	/* What is typed: the search (/, F3) or the filter (F4). */
	bool typing;
	bool typing_filter;
	char search[VIEW_SEARCH_MAX];	/* selects and marks what matches */
	size_t search_len;
	char filter[VIEW_SEARCH_MAX];	/* hides what does not match */
	size_t filter_len;
	bool by_user;			/* only this user's processes (u) */
	uid_t user;

	/* The open menu, its items and its selected item. */
	enum view_menu menu;
	size_t menu_sel, menu_n;
	uid_t *menu_uids;		/* MENU_USER: item i + 1 is menu_uids[i] */
	size_t menu_cap;

	/* With VIEW_SIGNAL: what to send, and to which process. */
	int signal;
	struct view_key signal_to;

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

/*
 * Rebuild the rows after the model's children were ordered again (by
 * v->sort): the selection and the folds stay.
 */
void view_rebuild(struct view *v);

/* The name of a sort order, for the title and the menu. */
const char *view_sort_name(enum view_sort s);

/* How many kernel threads the view hides now. */
size_t view_kthreads_hidden(const struct view *v);

#endif
