/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line options and exit statuses. */
#ifndef CABATREE_OPTIONS_H
#define CABATREE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "settings.h"	/* the layouts and trees asked for */

/* Exit statuses, documented in cabatree(1). */
enum ct_exit {
	CT_EXIT_OK = 0,
	CT_EXIT_FAILURE = 1,	/* cannot read the procfs, cannot write output */
	CT_EXIT_USAGE = 2,	/* bad options */
	CT_EXIT_NO_PID = 3,	/* a -p PID or the PID operand does not exist,
				 * or the USER operand has no process */
	CT_EXIT_BAD_INPUT = 4,	/* malformed process files were skipped, or a
				 * malformed snapshot */
};

enum ct_format { FMT_TEXT, FMT_JSON, FMT_DOT };
enum ct_when { WHEN_AUTO, WHEN_ALWAYS, WHEN_NEVER };
enum ct_glyphs { GLYPHS_AUTO, GLYPHS_ASCII, GLYPHS_UTF8 };

struct ct_options {
	const char *proc_root;
	bool proc_root_given;	/* --proc-root */
	const char *load;	/* --load: a snapshot file, "-" for stdin */
	enum ct_format format;
	enum ct_layout layout;
	enum ct_trees trees;
	enum ct_when color;
	enum ct_glyphs glyphs;
	bool arguments;		/* -a */
	bool no_compact;	/* -c */
	bool pgids;		/* -g */
	bool sids;		/* -j */
	bool long_lines;	/* -l */
	bool numeric;		/* -n */
	bool threads;		/* -t */
	bool uid_changes;	/* -u */
	bool interactive;	/* -i */
	bool demo;		/* --demo */
	bool kthreads;		/* -k */
	bool lineage;		/* -L */
	bool ns_changes;	/* -S */
	int ns_sort;		/* -N: an enum ct_ns, or -1 */
	unsigned int delay_ds;	/* -d, in tenths of a second: 0 means not given */
	unsigned int width;	/* -w: 0 means not given */
	pid_t *pids;		/* -p, repeatable */
	size_t npids;
	/* The operand, as pstree's: a PID (its subtrees) or a USER. */
	pid_t root_pid;		/* 0: none */
	const char *user;	/* NULL: none */
	uid_t uid;		/* user's */
	bool show_parents;	/* -s */
	bool highlight_self;	/* -h */
	pid_t highlight;	/* -H: 0 for none */
	bool color_age;		/* -C age */
};

/* Parse argv into o; exits with CT_EXIT_USAGE on misuse, 0 on --help. */
void options_parse(int argc, char **argv, struct ct_options *o);
void options_free(struct ct_options *o);

#endif
