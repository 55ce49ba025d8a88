/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The renderer interface: each output format reads the model, writes a stream. */
#ifndef CABATREE_RENDER_H
#define CABATREE_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "settings.h"
#include "users.h"

/* What a renderer reads: the model, the settings, user names; where it writes. */
struct render_ctx {
	const struct ct_model *m;
	const struct ct_settings *s;
	struct users *users;
	FILE *out;
	/*
	 * Text: what comes after the trees. With more, another group of
	 * trees follows (-N) and the legend waits for the last; marks, if
	 * not NULL, carries the marks drawn (MARK_COUNT flags) across groups.
	 */
	bool more;
	bool *marks;
	size_t kthreads_hidden;	/* kernel threads hidden: a line says how many */
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
