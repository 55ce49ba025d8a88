/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the options and the environment come to, resolved once by main:
 * renderers and the browser read these and never the options, and nothing
 * changes them once they are handed over.
 */
#ifndef CABATREE_SETTINGS_H
#define CABATREE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* DOT labels cut argument and thread lines to this many columns unless -l or -w. */
#define SETTINGS_LABEL_COLS 200

enum ct_layout { LAYOUT_AUTO, LAYOUT_SIDE, LAYOUT_STACKED };
enum ct_trees { SHOW_BOTH, SHOW_REAL, SHOW_BORN };

struct ct_settings {
	enum ct_layout layout;
	enum ct_trees trees;	/* which trees were asked for */
	bool arguments;		/* -a */
	bool compact;		/* fold identical leaves (not -c) */
	bool pgids;		/* -g */
	bool sids;		/* -j */
	bool uid_changes;	/* -u */
	bool numeric;		/* -n: children by pid */
	bool threads;		/* threads listed (-t, or a snapshot's own) */
	bool kthreads;		/* kernel threads shown (hidden by default) */
	bool ns_changes;	/* -S: label the namespaces a process entered */
	bool lineage;		/* -L: released ancestors in the whole born tree */
	pid_t highlight;	/* -h, -H: this process and its ancestors are
				 * highlighted; 0 for none */
	bool utf8;		/* names may be shown as UTF-8 */
	bool utf8_glyphs;	/* draw the tree with UTF-8 glyphs */
	bool color;		/* colours wanted */
	bool color_age;		/* -C age: colour by how long ago it started */
	unsigned int term_width;	/* columns of the terminal, 0 if not one */
	unsigned int max_width;	/* cut text lines to this, 0 for never */
	unsigned int label_cols;	/* cut DOT argument lines here, 0 never */
	unsigned int delay_ds;	/* browser refresh, tenths of a second; 0: default */
	const pid_t *focus;	/* processes to focus on (-p, threads mapped
				 * to their process), or a snapshot's own */
	size_t nfocus;
	/* The operand: the subtrees from this process, or this user's. */
	pid_t from_pid;		/* 0: none */
	bool by_user;
	uid_t user;
};

#endif
