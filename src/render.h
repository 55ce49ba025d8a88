/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The renderer interface: each output format reads the model, writes a stream. */
#ifndef CABATREE_RENDER_H
#define CABATREE_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "options.h"
#include "users.h"

/* What main resolved from the options and the environment for a renderer. */
struct render_ctx {
	const struct ct_model *m;
	const struct ct_options *o;
	struct users *users;
	FILE *out;
	bool utf8;		/* names may be shown as UTF-8 */
	bool utf8_glyphs;	/* draw the tree with UTF-8 glyphs */
	bool color;		/* ANSI colours */
	unsigned int term_width;	/* columns of the terminal, 0 if not one */
	unsigned int max_width;	/* cut lines to this, 0 for never */
};

struct renderer {
	const char *name;
	/* Returns 0, or -errno. Write errors are left to the caller's stream check. */
	int (*render)(const struct render_ctx *rc);
};

extern const struct renderer render_text;
extern const struct renderer render_json;
extern const struct renderer render_dot;

#endif
