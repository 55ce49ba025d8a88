// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the DOT renderer, on hand-made models: what the fixtures
 * of the golden tests cannot give, a born tree from the recorder (witnessed
 * and inferred links, lost events) and CABAs outside the namespace.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include "fixture.h"

#include "model.h"
#include "options.h"
#include "render.h"
#include "users.h"

struct dproc {
	pid_t pid, ppid, caba;
	enum caba_status cs;
	const char *name;
	bool from_reaper;
};

struct graph {
	struct ct_proclist pl;
	struct ct_model m;
	struct ct_settings o;
	char *text;
	size_t len;
};

static void render(struct graph *g, const struct dproc *procs, size_t n,
		   unsigned long long lost)
{
	struct render_ctx rc;
	FILE *f;
	size_t i;

	memset(&g->pl, 0, sizeof(g->pl));
	for (i = 0; i < n; i++) {
		const struct fx_proc s = {
			.pid = procs[i].pid, .ppid = procs[i].ppid,
			.caba = procs[i].caba, .cs = procs[i].cs,
			.from_reaper = procs[i].from_reaper,
			.name = procs[i].name, .name_len = strlen(procs[i].name),
			.nthreads = 1,
		};

		fx_add(&g->pl, &s);
	}
	model_build(&g->m, &g->pl, false);
	g->m.lost_events = lost;
	g->o.label_cols = SETTINGS_LABEL_COLS;
	if (g->o.nfocus)
		assert_int_equal(model_focus(&g->m, g->o.focus, g->o.nfocus), 0);
	memset(&rc, 0, sizeof(rc));
	rc.m = &g->m;
	rc.s = &g->o;
	rc.users = users_new();
	f = open_memstream(&g->text, &g->len);
	assert_non_null(f);
	rc.out = f;
	assert_int_equal(render_dot.render(&rc), 0);
	assert_int_equal(fclose(f), 0);
	users_free(rc.users);
	assert_true(g->len > 0);
	assert_true(well_formed((const unsigned char *)g->text, g->len));
	assert_string_equal(g->text + g->len - 2, "}\n");
}

static void graph_free(struct graph *g)
{
	free(g->text);
	model_free(&g->m);
	proclist_free(&g->pl);
}

static void has(const struct graph *g, const char *line)
{
	if (!strstr(g->text, line))
		print_error("missing: %s\nin:\n%s", line, g->text);
	assert_non_null(strstr(g->text, line));
}

static void lacks(const struct graph *g, const char *text)
{
	if (strstr(g->text, text))
		print_error("unexpected: %s\nin:\n%s", text, g->text);
	assert_null(strstr(g->text, text));
}

/*
 * The recorder's born tree: 10 was witnessed being born under 2 and was
 * adopted by 1; 3 and 4 were running before the recorder, 3 under 1 then
 * and now, 4 under 3 then and under 1 now. 3 and 4 had reapers for
 * parents then (3 a subreaper), so their links are guesses that may hide
 * a reparenting; 5's parent then was its creator, 2.
 */
static const struct dproc recorder_procs[] = {
	{ 1, 0, 0, CABA_DEFINED, "init", false },
	{ 2, 1, 1, CABA_WITNESSED, "sh", false },
	{ 3, 1, 1, CABA_INFERRED, "old", true },
	{ 4, 1, 3, CABA_INFERRED, "older", true },
	{ 5, 2, 2, CABA_INFERRED, "job", false },
	{ 10, 1, 2, CABA_WITNESSED, "daemon", false },
};

static void test_recorder_inferred(void **state)
{
	struct graph g = { 0 };

	(void)state;
	render(&g, recorder_procs, ARRAY_SIZE(recorder_procs), 0);
	has(&g, "  p1 -> p2 [color=\"black:blue\"];\n");
	has(&g, "  p1 -> p3 [color=\"black:blue\", style=\"dotted\"];\n");
	/* Born under the parent it had then: as good as witnessed. */
	has(&g, "  p2 -> p5 [color=\"black:blue\"];\n");
	has(&g, "  p1 -> p4 [color=\"black\"];\n");
	has(&g, "  p3 -> p4 [color=\"blue\", style=\"dotted\"];\n");
	has(&g, "  p1 -> p10 [color=\"black\"];\n");
	has(&g, "  p2 -> p10 [color=\"blue\", style=\"dashed\"];\n");
	has(&g, "  p10 [label=\"daemon(10)* <= sh(2)\", style=\"filled\"");
	has(&g, "legend_born_from [shape=\"box\", label=\"<= born under: ");
	/* Every kind of edge was drawn: the legend explains all five. */
	has(&g, "legend_e0_from -> legend_e0 [color=\"black:blue\"]");
	has(&g, "legend_e1_from -> legend_e1 [color=\"black\"]");
	has(&g, "legend_e2_from -> legend_e2 [color=\"blue\", style=\"dashed\"]");
	has(&g, "legend_e3_from -> legend_e3 [color=\"black:blue\", style=\"dotted\"]");
	has(&g, "legend_e4_from -> legend_e4 [color=\"blue\", style=\"dotted\"]");
	has(&g, "inferred by the recorder: a reaper when it started");
	lacks(&g, "labelloc");
	lacks(&g, "legend_unrecorded");
	lacks(&g, "legend_hidden");
	graph_free(&g);
}

/*
 * Processes the recorder does not know, or whose CABA is another user's:
 * roots of the born tree with their marks, and a legend line for each.
 */
static void test_recorder_unknown(void **state)
{
	static const struct dproc procs[] = {
		{ 1, 0, 0, CABA_DEFINED, "init", false },
		{ 7, 1, 0, CABA_UNRECORDED, "new", false },
		{ 8, 1, 0, CABA_HIDDEN, "theirs", false },
	};
	struct graph g = { 0 };

	(void)state;
	render(&g, procs, ARRAY_SIZE(procs), 0);
	has(&g, "  p7 [label=\"new(7)!\"];\n");
	has(&g, "  p8 [label=\"theirs(8)^\"];\n");
	has(&g, "  p1 -> p7 [color=\"black\"];\n");
	lacks(&g, "-> p7 [color=\"blue");
	has(&g, "legend_unrecorded [shape=\"box\", label=\"! unrecorded: ");
	has(&g, "legend_hidden [shape=\"box\", label=\"^ hidden: ");
	graph_free(&g);
	/* The real tree alone: neither mark, nor their legend. */
	g.o.trees = SHOW_REAL;
	render(&g, procs, ARRAY_SIZE(procs), 0);
	has(&g, "  p7 [label=\"new(7)\"];\n");
	lacks(&g, "legend_unrecorded");
	graph_free(&g);
}

static void test_recorder_lost(void **state)
{
	struct graph g = { 0 };

	(void)state;
	render(&g, recorder_procs, ARRAY_SIZE(recorder_procs), 3);
	has(&g, "  label=\"born tree incomplete: 3 events lost by the recorder\";\n");
	graph_free(&g);
	/* Not a word of it when the born tree is not drawn. */
	memset(&g, 0, sizeof(g));
	g.o.trees = SHOW_REAL;
	render(&g, recorder_procs, ARRAY_SIZE(recorder_procs), 3);
	lacks(&g, "labelloc");
	lacks(&g, "style=\"dashed\"");
	lacks(&g, "style=\"dotted\"");
	graph_free(&g);
}

/* A container's init: born outside, a root of the born tree, no born edge. */
static void test_outside(void **state)
{
	static const struct dproc procs[] = {
		{ 1, 0, 0, CABA_OUTSIDE, "init", false },
		{ 5, 1, 1, CABA_KERNEL, "sh", false },
	};
	struct graph g = { 0 };

	(void)state;
	render(&g, procs, ARRAY_SIZE(procs), 0);
	has(&g, "  p1 [label=\"init(1)\\nborn outside this namespace\"];\n");
	has(&g, "  p1 -> p5 [color=\"black:blue\"];\n");
	graph_free(&g);
	memset(&g, 0, sizeof(g));
	g.o.trees = SHOW_REAL;
	render(&g, procs, ARRAY_SIZE(procs), 0);
	lacks(&g, "outside");
	has(&g, "  p1 -> p5 [color=\"black\"];\n");
	graph_free(&g);
}

/*
 * With a focus, edges go only between drawn processes: focused on 4 in
 * the born tree only, 3's subtree and 2 are not drawn, nor edges to them.
 */
static void test_focus_edges(void **state)
{
	static const struct dproc procs[] = {
		{ 1, 0, 0, CABA_KERNEL, "init", false },
		{ 2, 1, 1, CABA_KERNEL, "a", false },
		{ 3, 1, 1, CABA_KERNEL, "b", false },
		{ 4, 1, 3, CABA_KERNEL, "c", false },
		{ 5, 2, 2, CABA_KERNEL, "d", false },
	};
	pid_t focus = 4;
	struct graph g = { 0 };

	(void)state;
	g.o.trees = SHOW_BORN;
	g.o.focus = &focus;
	g.o.nfocus = 1;
	render(&g, procs, ARRAY_SIZE(procs), 0);
	has(&g, "  p4 [label=\"c(4)*\", style=\"filled\", fillcolor=\"#ffe08a\", "
		"color=\"red\", penwidth=\"3\"];\n");
	has(&g, "  p1 -> p3 [color=\"blue\", style=\"dashed\"];\n");
	has(&g, "  p3 -> p4 [color=\"blue\", style=\"dashed\"];\n");
	lacks(&g, "p2");
	lacks(&g, "p5");
	lacks(&g, "p1 -> p4");
	has(&g, "legend_focus [color=\"red\"");
	graph_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorder_inferred),
		cmocka_unit_test(test_recorder_unknown),
		cmocka_unit_test(test_recorder_lost),
		cmocka_unit_test(test_outside),
		cmocka_unit_test(test_focus_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
