// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graphviz DOT output: one node per drawn process, the real and the born
 * relation as edges of different styles, and a legend. Written as it goes,
 * node by node in pid order, then edge by edge, so the same model always
 * gives the same bytes and memory does not grow with the output.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "label.h"
#include "nls.h"
#include "render.h"
#include "snapfmt.h"

/* The kinds of edges, for the edge attributes and the legend. */
enum dot_edge {
	EDGE_BOTH,		/* the real parent is the CABA */
	EDGE_REAL,		/* real parent only */
	EDGE_BORN,		/* born parent (CABA) only */
	EDGE_BOTH_INFERRED,	/* as EDGE_BOTH, the CABA guessed by the recorder */
	EDGE_BORN_INFERRED,	/* as EDGE_BORN, the CABA guessed by the recorder */
	EDGE_LINEAGE,		/* in the born tree, to or from a released ancestor */
	EDGE_KINDS
};

static const char *const edge_attrs[EDGE_KINDS] = {
	[EDGE_BOTH] = "color=\"black:blue\"",
	[EDGE_REAL] = "color=\"black\"",
	[EDGE_BORN] = "color=\"blue\", style=\"dashed\"",
	[EDGE_BOTH_INFERRED] = "color=\"black:blue\", style=\"dotted\"",
	[EDGE_BORN_INFERRED] = "color=\"blue\", style=\"dotted\"",
	[EDGE_LINEAGE] = "color=\"gray\", style=\"dashed\"",
};

#define ATTR_MOVED "style=\"filled\", fillcolor=\"#ffe08a\""
#define ATTR_FOCUS "color=\"red\", penwidth=\"3\""
#define ATTR_HIGHLIGHT "peripheries=\"2\""
#define ATTR_RELEASED "style=\"dashed\", color=\"gray\", fontcolor=\"gray40\""

struct dot {
	const struct render_ctx *rc;
	FILE *f;
	bool real;		/* real edges are drawn */
	bool born;		/* born edges are drawn */
	size_t cols;		/* cut arguments and threads here, 0 never */
	struct strbuf label;	/* the label of one node, escaped for display */
	struct label_esc esc;	/* what comes from a process, for DOT */
	struct label_opts lopts;
	struct strbuf out;	/* the label quoted for DOT */
	bool seen[EDGE_KINDS];
	bool any_moved;
	bool any_focus;
	bool any_unrecorded;
	bool any_hidden;
	bool any_highlight;
	unsigned char *hl;	/* -h, -H: the process and its ancestors in a
				 * drawn tree; NULL for none */
	bool any_born_from;
	bool any_released;
};

/*
 * A node's id: p and the pid for a process, r and its index for a
 * released ancestor (whose pid may be a living process's by now).
 */
static void put_id(const struct dot *d, int node)
{
	const struct ct_model *m = d->rc->m;

	if (model_is_released(m, node))
		fprintf(d->f, "r%zu", (size_t)node - m->nprocs);
	else
		fprintf(d->f, "p%d", (int)m->nodes[node].p->pid);
}

/*
 * Append s[0..n) for display: invalid UTF-8 becomes U+FFFD, then control,
 * bidirectional and other unsafe characters become visible backslash
 * escapes, exactly as in text output (a backslash shows as two).
 */
static void add_shown(struct dot *d, struct strbuf *sb, const char *s, size_t n)
{
	label_esc(&d->esc, sb, s, n);
}

/* Cut the display text after byte start to d->cols columns, with an ellipsis. */
static void cut_line(struct dot *d, struct strbuf *sb, size_t start)
{
	size_t used;

	if (!d->cols || text_width(sb->s + start, sb->len - start, true) <= d->cols)
		return;
	sb->len = start + text_cut(sb->s + start, sb->len - start, d->cols - 1, true, &used);
	sb->s[sb->len] = '\0';
	sb_adds(sb, "\u2026");
}

/*
 * Write display text as the body of a DOT string. Our line breaks ('\n',
 * which display text never holds otherwise) become DOT's \n. A quote is
 * escaped; a backslash and an ampersand are written as HTML entities, which
 * Graphviz decodes after its object escapes (\N, \G, ...) and before its
 * line escapes (\n, \l, \r) and \\: so a backslash is written as two
 * entities, and none ever reaches the DOT parser or the object escapes.
 */
static void put_quoted(struct dot *d, const char *s, size_t n)
{
	size_t i;

	sb_reset(&d->out);
	sb_addc(&d->out, '"');
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n':
			sb_adds(&d->out, "\\n");
			break;
		case '"':
			sb_adds(&d->out, "\\\"");
			break;
		case '\\':
			sb_adds(&d->out, "&#92;&#92;");
			break;
		case '&':
			sb_adds(&d->out, "&amp;");
			break;
		default:
			sb_addc(&d->out, s[i]);
		}
	}
	sb_addc(&d->out, '"');
	fwrite(d->out.s, 1, d->out.len, d->f);
}

/* Our own text (a legend, a note): made valid UTF-8, then quoted. */
static void put_text(struct dot *d, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	esc_valid_utf8(&sb, s, strlen(s));
	put_quoted(d, sb.s ? sb.s : "", sb.len);
	sb_free(&sb);
}

static bool drawn(const struct dot *d, int node)
{
	const struct ct_node *nd = &d->rc->m->nodes[node];

	return (d->real && nd->shown[TREE_REAL]) || (d->born && nd->shown[TREE_BORN]);
}

/* The drawn parent of node in tree t, or -1 when no edge is drawn to it. */
static int drawn_parent(const struct dot *d, int node, enum ct_tree t)
{
	int par = d->rc->m->nodes[node].parent[t];

	if (!(t == TREE_REAL ? d->real : d->born) || par < 0 || !drawn(d, par))
		return -1;
	return par;
}

/* With -u: does the user differ from that of a parent an edge is drawn from? */
static bool user_changes(const struct dot *d, int node)
{
	const struct ct_model *m = d->rc->m;
	uid_t uid = m->nodes[node].p->uid;
	int t;

	if (model_is_released(m, node))
		return false;
	for (t = 0; t < TREE_COUNT; t++) {
		int par = drawn_parent(d, node, (enum ct_tree)t);

		/* Against the closest process above released ancestors. */
		par = model_alive_above(m, par);
		if (par >= 0 && !drawn(d, par))
			par = -1;
		if (par >= 0 && m->nodes[par].p->uid != uid)
			return true;
	}
	return false;
}

/* The arguments after argv[0] (the name already), on a line of their own. */
static void add_arguments(struct dot *d, const struct label *lb)
{
	struct args_iter it;
	const char *a;
	size_t n, start;

	if (!lb->args)
		return;
	args_iter_init(&it, lb->p, true);
	if (!args_iter_next(&it, &a, &n))
		return;
	sb_addc(&d->label, '\n');
	start = d->label.len;
	do {
		if (d->label.len > start)
			sb_addc(&d->label, ' ');
		add_shown(d, &d->label, a, n);
	} while (args_iter_next(&it, &a, &n));
	cut_line(d, &d->label, start);
}

/* Threads as in text output, {name}(tid), runs of one name folded to N*{name}. */
static void add_threads(struct dot *d, const struct ct_proc *p)
{
	size_t i = 0, start;

	if (!p->nthreads_listed)
		return;
	sb_addc(&d->label, '\n');
	start = d->label.len;
	while (i < p->nthreads_listed) {
		const struct ct_thread *th = &p->threads[i];
		size_t run = 1;

		while (i + run < p->nthreads_listed &&
		       p->threads[i + run].name_len == th->name_len &&
		       memcmp(p->threads[i + run].name, th->name, th->name_len) == 0)
			run++;
		if (d->label.len > start)
			sb_addc(&d->label, ' ');
		if (run > 1) {
			sb_adduint(&d->label, run);
			sb_addc(&d->label, '*');
		}
		label_add_thread(&d->label, p, i, &d->esc, run == 1);
		i += run;
	}
	cut_line(d, &d->label, start);
}

static void put_node(struct dot *d, int node)
{
	const struct ct_settings *o = d->rc->s;
	const struct ct_node *nd = &d->rc->m->nodes[node];
	const struct ct_proc *p = nd->p;
	struct label lbl;

	/* One node for both trees: its born marks when the born tree is drawn. */
	label_build(&lbl, d->rc->m, node, d->born ? TREE_BORN : TREE_REAL, &d->lopts,
		    d->rc->users);
	/* A parent is a drawn edge here, in either tree; a dotted edge says inferred. */
	lbl.user = o->uid_changes && user_changes(d, node);
	lbl.user_name = lbl.user ? users_name(d->rc->users, p->uid) : NULL;
	if (lbl.inferred)
		lbl.mark = NULL;
	lbl.inferred = false;
	/* Where a reparented process was born, as the real tree says it. */
	if (d->real && !lbl.born_from) {
		lbl.born_from = label_born_from(d->rc->m, node);
		lbl.reparented |= lbl.born_from != NULL;
	}
	d->any_born_from |= lbl.born_from != NULL;
	d->any_unrecorded |= lbl.unrecorded;
	d->any_hidden |= lbl.hidden;
	sb_reset(&d->label);
	label_add_head(&d->label, &lbl, &d->esc, true);
	if (lbl.outside) {
		sb_addc(&d->label, '\n');
		sb_adds(&d->label, _("born outside this namespace"));
	}
	add_arguments(d, &lbl);
	if (o->threads)
		add_threads(d, p);

	fputs("  ", d->f);
	put_id(d, node);
	fputs(" [label=", d->f);
	put_quoted(d, d->label.s, d->label.len);
	if (nd->released) {
		fputs(", " ATTR_RELEASED, d->f);
		d->any_released = true;
	}
	if (lbl.reparented) {
		fputs(", " ATTR_MOVED, d->f);
		d->any_moved = true;
	}
	if (nd->focus) {
		fputs(", " ATTR_FOCUS, d->f);
		d->any_focus = true;
	}
	if (d->hl && d->hl[node]) {
		fputs(", " ATTR_HIGHLIGHT, d->f);
		d->any_highlight = true;
	}
	fputs("];\n", d->f);
}

static void put_edge(struct dot *d, int from, int to, enum dot_edge kind)
{
	const struct ct_model *m = d->rc->m;

	(void)m;
	fputs("  ", d->f);
	put_id(d, from);
	fputs(" -> ", d->f);
	put_id(d, to);
	fprintf(d->f, " [%s];\n", edge_attrs[kind]);
	d->seen[kind] = true;
}

/* The edges into node: one when both relations agree, else one per relation. */
static void put_edges(struct dot *d, int node)
{
	const struct ct_proc *p = d->rc->m->nodes[node].p;
	/* As the '?' of text output: only a guess that may hide a reparenting. */
	bool inferred = p->caba_status == CABA_INFERRED && p->caba_from_reaper;
	int real = drawn_parent(d, node, TREE_REAL);
	int born = drawn_parent(d, node, TREE_BORN);

	if (real >= 0 && real == born) {
		put_edge(d, real, node, inferred ? EDGE_BOTH_INFERRED : EDGE_BOTH);
		return;
	}
	if (real >= 0)
		put_edge(d, real, node, EDGE_REAL);
	if (born >= 0 && (model_is_released(d->rc->m, born) ||
			  model_is_released(d->rc->m, node)))
		put_edge(d, born, node, EDGE_LINEAGE);
	else if (born >= 0)
		put_edge(d, born, node, inferred ? EDGE_BORN_INFERRED : EDGE_BORN);
}

/*
 * A legend entry for an edge kind: a point, the edge, and the text as the
 * edge's head, so the sample stands left of its explanation.
 */
static void put_legend_edge(struct dot *d, int kind, const char *text)
{
	fprintf(d->f, "    legend_e%d_from [shape=\"point\", width=\"0.05\"];\n", kind);
	fprintf(d->f, "    legend_e%d [shape=\"plaintext\", label=", kind);
	put_text(d, text);
	fputs("];\n", d->f);
	fprintf(d->f, "    legend_e%d_from -> legend_e%d [%s];\n", kind, kind,
		edge_attrs[kind]);
}

/* A legend entry for a node style, in the column of the texts. */
static void put_legend_node(struct dot *d, const char *id, const char *attrs,
			    const char *text)
{
	fprintf(d->f, "    legend_%s_from [shape=\"point\", style=\"invis\"];\n", id);
	fprintf(d->f, "    legend_%s [%s, label=", id, attrs);
	put_text(d, text);
	fputs("];\n", d->f);
	fprintf(d->f, "    legend_%s_from -> legend_%s [style=\"invis\"];\n", id, id);
}

static void put_legend(struct dot *d)
{
	static const char *const edge_text[EDGE_KINDS] = {
		[EDGE_BOTH] = N_("real parent (PPid) and born parent (CABA) are the same"),
		[EDGE_REAL] = N_("real parent (PPid)"),
		[EDGE_BORN] = N_("born parent (CABA): the closest alive born ancestor"),
		[EDGE_BOTH_INFERRED] = N_("real parent, and born parent as inferred by the recorder: a reaper when it started, so a reparenting may hide behind it"),
		[EDGE_BORN_INFERRED] = N_("born parent as inferred by the recorder: a reaper when it started, so a reparenting may hide behind it"),
		[EDGE_LINEAGE] = N_("created by, through released ancestors (the recorder's lineage)"),
	};
	const struct tree_glyphs *g = label_glyphs(false);
	bool any = d->any_moved || d->any_focus || d->any_unrecorded || d->any_hidden ||
		   d->any_highlight || d->any_born_from || d->any_released;
	struct strbuf sb = STRBUF_INIT;
	int k;

	for (k = 0; k < EDGE_KINDS; k++)
		any = any || d->seen[k];
	if (!any)
		return;
	fputs("  subgraph cluster_legend {\n    label=", d->f);
	put_text(d, _("legend"));
	fputs(";\n    color=\"gray\";\n", d->f);
	for (k = 0; k < EDGE_KINDS; k++) {
		if (d->seen[k])
			put_legend_edge(d, k, _(edge_text[k]));
	}
	if (d->any_moved)
		put_legend_node(d, "moved", ATTR_MOVED,
				_("* reparented: the real parent is not the CABA"));
	if (d->any_born_from) {
		label_legend(&sb, MARK_BORN_FROM, g);
		put_legend_node(d, "born_from", "shape=\"box\"", sb.s);
		sb_reset(&sb);
	}
	if (d->any_unrecorded) {
		label_legend(&sb, MARK_UNRECORDED, g);
		put_legend_node(d, "unrecorded", "shape=\"box\"", sb.s);
		sb_reset(&sb);
	}
	if (d->any_hidden) {
		label_legend(&sb, MARK_HIDDEN, g);
		put_legend_node(d, "hidden", "shape=\"box\"", sb.s);
		sb_reset(&sb);
	}
	if (d->any_released) {
		label_legend(&sb, MARK_RELEASED, g);
		put_legend_node(d, "released", ATTR_RELEASED, sb.s);
		sb_reset(&sb);
	}
	if (d->any_focus)
		put_legend_node(d, "focus", ATTR_FOCUS, _("focus: a process named by -p"));
	if (d->any_highlight)
		put_legend_node(d, "highlight", ATTR_HIGHLIGHT,
				_("highlighted (-h, -H): the process named and its ancestors"));
	fputs("  }\n", d->f);
	sb_free(&sb);
}

/* A graph label for what the picture cannot show. */
static void put_note(struct dot *d)
{
	const struct ct_model *m = d->rc->m;
	struct strbuf sb = STRBUF_INIT;

	if (m->snapshot) {
		char when[SNAPSHOT_TIME_LEN + 1];
		struct strbuf name = STRBUF_INIT;

		snapshot_time_str(m->time, when, sizeof(when));
		add_shown(d, &name, m->snapshot, strlen(m->snapshot));
		sb_addf(&sb, _("snapshot %s taken %s"), name.s ? name.s : "", when);
		sb_addc(&sb, '\n');
		sb_free(&name);
	}
	if (m->caba_source == CABA_SRC_NONE && d->rc->s->trees != SHOW_REAL)
		sb_adds(&sb, _("The born (CABA) tree is unknown: only real parents are drawn."));
	else if (m->caba_source == CABA_SRC_RECORDER && d->born && m->lost_events)
		sb_addf(&sb, P_("born tree incomplete: %llu event lost by the recorder",
				"born tree incomplete: %llu events lost by the recorder",
				m->lost_events), m->lost_events);
	/* The snapshot alone: no line break after it. */
	if (sb.len && sb.s[sb.len - 1] == '\n')
		sb.s[--sb.len] = '\0';
	if (sb.len) {
		fputs("  labelloc=\"t\";\n  label=", d->f);
		put_text(d, sb.s);
		fputs(";\n", d->f);
	}
	sb_free(&sb);
}

/* -h, -H: the process and its ancestors, in each tree drawn. */
static void highlight_init(struct dot *d)
{
	const struct ct_model *m = d->rc->m;
	int idx = d->rc->s->highlight ? model_find(m, d->rc->s->highlight) : -1;
	int a;

	if (idx < 0)
		return;
	d->hl = xcalloc(m->n, 1);
	for (a = idx; d->real && a >= 0; a = m->nodes[a].parent[TREE_REAL])
		d->hl[a] = 1;
	for (a = idx; d->born && a >= 0; a = m->nodes[a].parent[TREE_BORN])
		d->hl[a] = 1;
}

static int dot_render(const struct render_ctx *rc)
{
	const struct ct_settings *o = rc->s;
	const struct ct_model *m = rc->m;
	struct dot d = {
		.rc = rc,
		.f = rc->out,
		.real = o->trees != SHOW_BORN,
		.born = o->trees != SHOW_REAL && m->caba_source != CABA_SRC_NONE,
		.cols = o->label_cols,
		.esc = { .out = LABEL_DOT },
		.lopts = { .pgids = o->pgids, .uid_changes = o->uid_changes,
			   .sids = o->sids, .arguments = o->arguments,
			   .ns_changes = o->ns_changes },
	};

	d.lopts.born_shown = d.born;
	size_t i;

	fputs("digraph cabatree {\n"
	      "  charset=\"UTF-8\";\n"
	      "  rankdir=\"LR\";\n"
	      "  node [shape=\"box\", fontsize=\"10\"];\n"
	      "  edge [arrowsize=\"0.6\"];\n", d.f);
	put_note(&d);
	highlight_init(&d);
	for (i = 0; i < m->n; i++) {
		if (drawn(&d, (int)i))
			put_node(&d, (int)i);
	}
	for (i = 0; i < m->n; i++) {
		if (drawn(&d, (int)i))
			put_edges(&d, (int)i);
	}
	put_legend(&d);
	fputs("}\n", d.f);
	free(d.hl);
	sb_free(&d.label);
	label_esc_free(&d.esc);
	sb_free(&d.out);
	return 0;
}

const struct renderer render_dot = { "dot", dot_render };
