// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The browser's drawing: the panes laid out for the screen, each tree's
 * rows with their labels (the same as text output's), the details of the
 * selection, the status line and the help. It reads the view and the
 * model and writes only to the screen: what a row needs (a command line)
 * is fetched before drawing, never while.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "label.h"
#include "nls.h"
#include "snapfmt.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "xalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SIDE_MIN_COLS 80	/* narrower than this, auto layout stacks */
#define START_MAX 253402300799LL	/* 9999-12-31T23:59:59Z: later start dates are not shown */
#define NOTE_MAX_LINES 3
#define COLS_W 24		/* the CPU%, RSS and TIME columns, and a space */

/*
 * Where line i of the note starts (*off) and how long it is (*len), the
 * note wrapped at spaces to the screen's width; false past its end.
 */
static bool note_line(const struct tui *ui, int i, size_t *off, size_t *len)
{
	const char *s = ui->note.s;
	size_t n = ui->note.len, pos = 0, cut, used;
	int k;

	for (k = 0; s && pos < n; k++) {
		cut = text_cut(s + pos, n - pos, COLS > 0 ? (size_t)COLS : 1, ui->s->utf8, &used);
		if (cut == 0)
			cut = 1;
		if (pos + cut < n && s[pos + cut] != ' ') {
			size_t b = cut;

			while (b > 0 && s[pos + b - 1] != ' ')
				b--;
			if (b > 0)
				cut = b;
		}
		if (k == i) {
			*off = pos;
			*len = cut;
			/* The last line shown takes the rest: put() cuts it. */
			if (k == ui->note_h - 1)
				*len = n - pos;
			return true;
		}
		pos += cut;
		while (pos < n && s[pos] == ' ')
			pos++;
	}
	return false;
}

static int note_lines_needed(struct tui *ui)
{
	size_t off, len;
	int k;

	ui->note_h = NOTE_MAX_LINES + 1;	/* no line takes the rest yet */
	for (k = 0; k < NOTE_MAX_LINES && note_line(ui, k, &off, &len); k++)
		;
	return k;
}

static void layout(struct tui *ui)
{
	int lines = LINES, cols = COLS, area;
	bool real = view_tree_shown(&ui->v, TREE_REAL);
	bool born = view_tree_shown(&ui->v, TREE_BORN);
	struct pane *pr = &ui->pane[TREE_REAL], *pb = &ui->pane[TREE_BORN];
	int t;

	ui->status_y = lines - 1;
	ui->detail_h = lines >= 18 ? 6 : lines >= 10 ? 2 : 0;
	ui->detail_y = lines - 1 - ui->detail_h;
	ui->note_h = 0;
	if (ui->note.len && lines >= 10) {
		int need = note_lines_needed(ui);

		ui->note_h = lines >= 18 ? need : 1;
	}
	ui->note_y = ui->detail_y - ui->note_h;
	area = ui->note_y;
	if (area < 1)
		area = 1;
	memset(ui->pane, 0, sizeof(ui->pane));
	pr->shown = real;
	pb->shown = born;
	if (real && born) {
		bool side = ui->v.layout == VL_SIDE ||
			    (ui->v.layout == VL_AUTO && cols >= SIDE_MIN_COLS);

		if (side) {
			*pr = (struct pane){ 0, 0, area, (cols - 1) / 2, true };
			*pb = (struct pane){ 0, pr->w + 1, area, cols - pr->w - 1, true };
		} else {
			*pr = (struct pane){ 0, 0, (area + 1) / 2, cols, true };
			*pb = (struct pane){ pr->h, 0, area - pr->h, cols, true };
		}
	} else {
		struct pane *p = real ? pr : pb;

		*p = (struct pane){ 0, 0, area, cols, true };
	}
	for (t = 0; t < TREE_COUNT; t++) {
		int h = ui->pane[t].h - 1;

		view_set_height(&ui->v, (enum ct_tree)t,
				(unsigned int)(h > 0 ? h : 1));
	}
}

/* ---- drawing ---- */

/*
 * Put s[0..n) (escaped or our own text) at (y, x), skipping skip columns
 * and using at most *cols columns; *cols is decreased by what was used.
 */
static void put(int y, int x, const char *s, size_t n, size_t skip,
		int *cols, bool utf8)
{
	size_t used, off = 0, len;

	if (*cols <= 0 || n == 0)
		return;
	if (skip) {
		off = text_cut(s, n, skip, utf8, &used);
		/* A wide character or an escape across the edge: blanks for its rest. */
		if (used < skip && off < n) {
			size_t w;

			off += text_unit(s + off, n - off, utf8, &w);
			for (used += w; used > skip && *cols > 0; used--, (*cols)--)
				mvaddch(y, x++, ' ');
		}
	}
	len = text_cut(s + off, n - off, (size_t)*cols, utf8, &used);
	mvaddnstr(y, x, s + off, (int)len);
	*cols -= (int)used;
}

static void fill(int y, int x, int cols)
{
	if (cols > 0)
		mvhline(y, x, ' ', cols);
}

/* Is the born tree drawn (and so are the marks that compare with it)? */
static bool born_drawn(const struct tui *ui)
{
	return ui->v.born_known && view_tree_shown(&ui->v, TREE_BORN);
}

/* The marks that rows of the model may show now, for the help's legend. */
static void marks_shown(const struct tui *ui, bool any[MARK_COUNT])
{
	const struct label_opts lo = { .born_shown = born_drawn(ui) };
	struct label lb;
	size_t i;

	memset(any, 0, MARK_COUNT * sizeof(*any));
	/* The real tree's labels say where a reparented process was born. */
	for (i = 0; i < ui->v.m->n && view_tree_shown(&ui->v, TREE_REAL); i++) {
		label_build(&lb, ui->v.m, (int)i, TREE_REAL, &lo, NULL);
		any[MARK_MOVED] |= lb.reparented;
		any[MARK_BORN_FROM] |= lb.born_from != NULL;
	}
	if (!born_drawn(ui))
		return;
	/* The born tree's labels carry every other mark, as the rows draw them. */
	for (i = 0; i < ui->v.m->n; i++) {
		label_build(&lb, ui->v.m, (int)i, TREE_BORN, &lo, NULL);
		any[MARK_MOVED] |= lb.reparented;
		any[MARK_INFERRED] |= lb.inferred;
		any[MARK_UNRECORDED] |= lb.unrecorded;
		any[MARK_HIDDEN] |= lb.hidden;
		any[MARK_RELEASED] |= lb.released != NULL;
	}
}

/* The label of row r: as in text output, then the fold and the arguments. */
static void row_label(struct tui *ui, enum ct_tree t, const struct view_row *r,
		      struct strbuf *sb)
{
	const struct ct_model *m = ui->v.m;
	const struct ct_node *nd = &m->nodes[r->node];
	struct label_opts lo = {
		.pgids = ui->s->pgids,
		.uid_changes = ui->s->uid_changes,
		.sids = ui->s->sids,
		.arguments = ui->v.show_args,
		.born_shown = born_drawn(ui),
		.utf8_marks = ui->s->utf8_glyphs,
		.ns_changes = ui->s->ns_changes,
	};
	struct label lb;

	if (r->thread >= 0) {
		label_add_thread(sb, nd->p, (size_t)r->thread, &ui->esc, true);
		return;
	}
	label_build(&lb, m, r->node, t, &lo, ui->users);
	label_add_head(sb, &lb, &ui->esc, true);
	if (lb.outside)
		sb_adds(sb, _(" [born outside this namespace]"));
	if (lb.focus)
		sb_adds(sb, ui->g->focus);
	if (r->flags & ROW_FOLDED)
		sb_addf(sb, " [+%u]", nd->nchild[t] +
			(ui->v.show_threads ? (unsigned int)nd->p->nthreads_listed : 0));
	label_add_args(sb, &lb, &ui->esc);
}

/* The indentation of row r: one glyph per ancestor below the root. */
static void add_stem(struct tui *ui, const struct view_tree *tr, const struct view_row *r,
		     struct strbuf *sb)
{
	size_t n = 0, i;
	int a;

	if (r->depth == 0)
		return;
	if (ui->anc_cap < r->depth) {
		ui->anc_cap = r->depth;
		ui->anc = xreallocarray(ui->anc, ui->anc_cap, sizeof(*ui->anc));
	}
	for (a = r->parent_row; a >= 0 && tr->rows[a].depth > 0; a = tr->rows[a].parent_row)
		ui->anc[n++] = a;
	for (i = n; i > 0; i--)
		sb_adds(sb, tr->rows[ui->anc[i - 1]].flags & ROW_LAST ?
			ui->g->blank : ui->g->pipe);
	sb_adds(sb, r->flags & ROW_LAST ? ui->g->ell : ui->g->tee);
}

/* Scroll sideways so that the selection's label starts on screen. */
static void fit_left(struct tui *ui, enum ct_tree t, int w)
{
	struct view_tree *tr = &ui->v.tree[t];
	long r = view_sel_row(&ui->v, t);
	size_t col, margin = (size_t)(w > 30 ? 10 : w / 3);

	if (r < 0)
		return;
	col = 2 * (size_t)tr->rows[r].depth;
	if (col < tr->left || col + margin > tr->left + (size_t)w)
		tr->left = col > (size_t)w / 3 ? col - (size_t)w / 3 : 0;
}

/* Resident memory in kB as htop shows it: K, then M and G past 5 digits. */
static void add_rss(struct strbuf *sb, unsigned long long kb)
{
	char buf[32];

	if (kb < 100000)
		snprintf(buf, sizeof(buf), "%lluK", kb);
	else if (kb / 1024 < 100000)
		snprintf(buf, sizeof(buf), "%lluM", kb / 1024);
	else
		snprintf(buf, sizeof(buf), "%lluG", kb / 1024 / 1024);
	sb_addf(sb, "%7s", buf);
}

/* CPU time as htop's TIME+: M:SS.cc below an hour, then H:MM:SS. */
static void add_time(struct strbuf *sb, unsigned long long ticks, long hz)
{
	unsigned long long cs = ticks * 100 / (unsigned long long)hz, s = cs / 100;
	char buf[64];

	if (s < 3600)
		snprintf(buf, sizeof(buf), "%llu:%02llu.%02llu", s / 60, s % 60, cs % 100);
	else
		snprintf(buf, sizeof(buf), "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
	sb_addf(sb, "%9s", buf);
}

/*
 * The columns of row r (COLS_W wide): CPU% since the refresh before, RSS
 * and CPU time; "-" for what is not known (a snapshot, a first refresh).
 */
static void row_columns(struct tui *ui, const struct view_row *r, struct strbuf *sb)
{
	const struct ct_proc *p = ui->v.m->nodes[r->node].p;
	float cpu = (size_t)r->node < ui->cpu_cap ? ui->cpu[r->node] : -1;

	if (r->thread >= 0 || !p->has_usage) {
		sb_addf(sb, "%5s %7s %9s ", "-", "-", "-");
		return;
	}
	if (cpu < 0)
		sb_addf(sb, "%5s ", "-");
	else
		sb_addf(sb, "%5.1f ", cpu < 999.9f ? cpu : 999.9f);
	add_rss(sb, p->rss_pages * (unsigned long long)ui->page_kb);
	sb_addc(sb, ' ');
	add_time(sb, p->cpu_ticks, ui->hz);
	sb_addc(sb, ' ');
}

static void draw_row(struct tui *ui, enum ct_tree t, size_t ri, int y,
		     const struct pane *p0, bool selected)
{
	const struct view_tree *tr = &ui->v.tree[t];
	const struct view_row *r = &tr->rows[ri];
	const struct ct_node *nd = &ui->v.m->nodes[r->node];
	bool utf8 = ui->s->utf8;
	attr_t base = A_NORMAL, label = A_NORMAL;
	struct pane pc = *p0, *p = &pc;
	size_t stem_w;
	int cols;

	if (ui->v.columns && p->w > COLS_W + 10) {
		int cw = COLS_W;

		sb_reset(&ui->line);
		row_columns(ui, r, &ui->line);
		attrset(selected ? A_REVERSE : A_NORMAL);
		put(y, p->x, ui->line.s, ui->line.len, 0, &cw, utf8);
		p->x += COLS_W;
		p->w -= COLS_W;
	}
	cols = p->w;
	if (selected)
		base = t == ui->v.active ? A_REVERSE | A_BOLD : A_REVERSE;
	if (r->thread < 0) {
		if (nd->reparented && ui->color && born_drawn(ui))
			label |= COLOR_PAIR(PAIR_MOVED);
		if (nd->focus)
			label |= A_BOLD | A_UNDERLINE;
		if (r->flags & ROW_MATCH)
			label |= A_BOLD | (ui->color ? COLOR_PAIR(PAIR_MATCH) : 0);
		/* Kept only to hold the filtered processes' tree together. */
		if (r->flags & ROW_CONTEXT)
			label |= A_DIM;
		/* Ended: dim, as in text output. */
		if (nd->released)
			label |= A_DIM;
	}
	sb_reset(&ui->line);
	add_stem(ui, tr, r, &ui->line);
	stem_w = text_width(ui->line.s ? ui->line.s : "", ui->line.len, utf8);
	sb_reset(&ui->tmp);
	row_label(ui, t, r, &ui->tmp);
	attrset(base);
	if (stem_w > tr->left) {
		put(y, p->x, ui->line.s, ui->line.len, tr->left, &cols, utf8);
		attrset(base | label);
		put(y, p->x + p->w - cols, ui->tmp.s, ui->tmp.len, 0, &cols, utf8);
	} else {
		attrset(base | label);
		put(y, p->x, ui->tmp.s, ui->tmp.len, tr->left - stem_w, &cols, utf8);
	}
	attrset(base);
	fill(y, p->x + p->w - cols, cols);
	if (tr->left && p->w > 1)
		mvaddstr(y, p->x, ui->g->more);
	attrset(A_NORMAL);
}

/* Where the born tree of a live procfs comes from: the recorder, and how it is. */
static void add_recorder_title(struct tui *ui, struct strbuf *sb)
{
	const struct rec_source *rs = &ui->rec;

	if (ui->v.m->snapshot || !ui->have_rec) {
		sb_adds(sb, _(" from the recorder"));
		return;
	}
	if (!rs->running && rs->stopped_at > 0) {
		char since[64];

		/* The time of day alone when it is today's: the title stays short. */
		recorder_stopped_str(rs, since, sizeof(since));
		sb_adds(sb, _(" as the recorder left it, stopped since "));
		sb_adds(sb, since);
	} else if (!rs->running) {
		sb_adds(sb, _(" as the recorder left it (stopped)"));
	} else {
		sb_adds(sb, _(" from the recorder"));
	}
	if (rs->filtered)
		sb_adds(sb, _(", your processes' links only"));
}

/* What the user chose to see, after a pane's title: search, filter, sort. */
static void add_view_title(struct tui *ui, struct strbuf *sb)
{
	const struct view *v = &ui->v;

	if (v->search_len) {
		sb_adds(sb, _("  search: "));
		esc_terminal(sb, v->search, v->search_len, ui->s->utf8);
	}
	if (v->filter_len) {
		sb_adds(sb, _("  filter: "));
		esc_terminal(sb, v->filter, v->filter_len, ui->s->utf8);
	}
	if (v->by_user) {
		const char *name = users_name(ui->users, v->user);

		sb_adds(sb, _("  user: "));
		if (name)
			esc_terminal(sb, name, strlen(name), ui->s->utf8);
		else
			sb_addf(sb, "%u", (unsigned int)v->user);
	}
	if (v->sort != (ui->s->numeric ? VS_PID : VS_NAME))
		sb_addf(sb, _("  sorted by %s"), view_sort_name(v->sort));
}

static void draw_pane(struct tui *ui, enum ct_tree t)
{
	const struct pane *p = &ui->pane[t];
	struct view_tree *tr = &ui->v.tree[t];
	bool both = ui->pane[TREE_REAL].shown && ui->pane[TREE_BORN].shown;
	long sel = view_sel_row(&ui->v, t);
	int cols = p->w, i;

	if (!p->shown || p->h <= 0 || p->w <= 0)
		return;
	sb_reset(&ui->line);
	sb_adds(&ui->line, label_tree_title(t));
	if (!ui->v.born_known)
		sb_adds(&ui->line, _(" - born tree unknown (no NScaba: in status)"));
	else if (t == TREE_BORN && ui->v.m->caba_source == CABA_SRC_RECORDER)
		add_recorder_title(ui, &ui->line);
	if (t == TREE_BORN && ui->v.m->lost_events)
		sb_addf(&ui->line, _(", incomplete: %llu events lost"),
			ui->v.m->lost_events);
	if (t == TREE_BORN && ui->v.show_lineage && ui->v.m->has_lineage &&
	    ui->v.m->lineage_dropped)
		sb_addf(&ui->line, _(", lineage: %llu dropped"),
			ui->v.m->lineage_dropped);
	add_view_title(ui, &ui->line);
	attrset(both && t == ui->v.active ? A_REVERSE | A_BOLD : A_BOLD);
	if (ui->v.columns && p->w > COLS_W + 10) {
		char head[COLS_W + 1];
		int cw = COLS_W;

		/* ps's and htop's names of the columns, never translated. */
		snprintf(head, sizeof(head), "%5s %7s %9s ", "CPU%", "RSS", "TIME");
		put(p->y, p->x, head, strlen(head), 0, &cw, ui->s->utf8);
		cols = p->w - COLS_W;
	}
	put(p->y, p->x + p->w - cols, ui->line.s, ui->line.len, 0, &cols, ui->s->utf8);
	fill(p->y, p->x + p->w - cols, cols);
	attrset(A_NORMAL);
	fit_left(ui, t, p->w);
	for (i = 0; i + 1 < p->h; i++) {
		size_t ri = tr->top + (size_t)i;

		if (ri >= tr->nrows)
			break;
		draw_row(ui, t, ri, p->y + 1 + i, p, (long)ri == sel);
	}
	if (tr->nrows == 0 && p->h > 1 && (ui->v.filter_len || ui->v.by_user)) {
		const char *s = _("no process passes the filter: F4 changes it, Esc clears it");

		cols = p->w;
		put(p->y + 1, p->x, s, strlen(s), 0, &cols, ui->s->utf8);
	}
}

/* "name(pid) <- name(pid) ..." up tree t from node, cut to cols. */
static void add_chain(struct tui *ui, enum ct_tree t, int node, struct strbuf *sb,
		      size_t limit)
{
	const struct ct_model *m = ui->v.m;
	int a;

	for (a = node; a >= 0 && sb->len < limit; a = m->nodes[a].parent[t]) {
		if (a != node)
			sb_adds(sb, ui->g->arrow);
		label_add_name_pid(sb, m->nodes[a].p, &ui->esc);
	}
}

static void add_name(struct tui *ui, int node, struct strbuf *sb)
{
	label_add_name_pid(sb, ui->v.m->nodes[node].p, &ui->esc);
}

/* A released ancestor in a chain: "sh(250)† ended 12:01:33, exited 1". */
static void add_released(struct tui *ui, const struct ct_released *r, struct strbuf *sb)
{
	char ended[96];

	if (r->name)
		label_esc(&ui->esc, sb, r->name, r->name_len);
	else if (r->program)
		label_esc(&ui->esc, sb, r->program, r->program_len);
	else
		sb_addc(sb, '?');
	sb_addf(sb, "(%d)%s", (int)r->pid, ui->g->released);
	label_ended(ended, sizeof(ended), ui->v.m, r);
	if (ended[0]) {
		sb_addc(sb, ' ');
		sb_adds(sb, ended);
	}
}

/*
 * The born chain up from node, with every released ancestor between a
 * process and its CABA whether the tree shows them (L) or not, cut to
 * limit: "daemon(300) <- sh(250)+ ended 12:01:33 <- bash(200) <- ...".
 */
static void add_lineage_chain(struct tui *ui, int node, struct strbuf *sb, size_t limit)
{
	const struct ct_model *m = ui->v.m;
	int a = node;

	while (a >= 0 && sb->len < limit) {
		const struct ct_node *nd = &m->nodes[a];
		size_t j, steps;

		if (a != node)
			sb_adds(sb, ui->g->arrow);
		if (nd->released)
			add_released(ui, nd->released, sb);
		else
			label_add_name_pid(sb, nd->p, &ui->esc);
		/* Released ancestors the tree does not hold, from the records. */
		if (m->n == m->nprocs && m->has_lineage && !nd->released) {
			for (j = nd->p->made_by, steps = 0;
			     j && j <= m->nreleased && steps <= m->nreleased && sb->len < limit;
			     j = m->released[j - 1].made_by, steps++) {
				sb_adds(sb, ui->g->arrow);
				add_released(ui, &m->released[j - 1], sb);
			}
		}
		a = nd->parent[TREE_BORN];
	}
	if (m->has_lineage && m->nodes[node].p->lineage_cut && sb->len < limit)
		sb_adds(sb, _(" (lineage cut: the recorder dropped its creator)"));
}

static void detail_line(struct tui *ui, int y)
{
	int cols = COLS;

	put(y, 0, ui->line.s ? ui->line.s : "", ui->line.len, 0, &cols, ui->s->utf8);
	sb_reset(&ui->line);
}

/* The story of one process, as reparented as it may be. */
static void add_reparent(struct tui *ui, int node, struct strbuf *sb)
{
	const struct ct_model *m = ui->v.m;
	const struct ct_node *nd = &m->nodes[node];
	int rp = nd->parent[TREE_REAL], bp = nd->parent[TREE_BORN];

	/* Born under its CABA, past the released ancestors between. */
	bp = model_alive_above(m, bp);

	if (nd->p->caba_status == CABA_OUTSIDE) {
		sb_adds(sb, _("born outside this pid namespace"));
		return;
	}
	if (!ui->v.born_known) {
		sb_adds(sb, _("where it was born is unknown: the kernel shows no NScaba:"));
		return;
	}
	if (nd->p->caba_status == CABA_UNRECORDED) {
		sb_adds(sb, _("where it was born is unknown: the recorder does not know this process"));
		return;
	}
	if (nd->p->caba_status == CABA_HIDDEN) {
		sb_adds(sb, _("born under another user's process, which /proc does not show you"));
		return;
	}
	if (!caba_status_known(nd->p->caba_status)) {
		sb_adds(sb, _("where it was born is unknown"));
		return;
	}
	if (!nd->reparented) {
		sb_adds(sb, _("not reparented: its real parent is its CABA"));
		return;
	}
	sb_adds(sb, _("reparented: born under "));
	if (bp >= 0)
		add_name(ui, bp, sb);
	else
		sb_addf(sb, "%d", (int)nd->p->caba);
	sb_adds(sb, _(", adopted by "));
	if (rp >= 0)
		add_name(ui, rp, sb);
	else
		sb_addf(sb, "%d", (int)nd->p->ppid);
	if (nd->p->ppid == 1 || rp < 0 || m->nodes[rp].parent[TREE_REAL] < 0)
		sb_adds(sb, _(" (init)"));
	else
		sb_adds(sb, _(" (subreaper or CLONE_PARENT)"));
}

/*
 * A start time: the local date and time when the boot time is known (and
 * the date within year 9999), else the time after boot.
 */
static void add_start(struct tui *ui, unsigned long long secs, struct strbuf *sb)
{
	char buf[64];
	struct tm tm;
	time_t t;

	if (ui->btime >= 0 && ui->btime <= START_MAX &&
	    secs <= (unsigned long long)(START_MAX - ui->btime)) {
		t = (time_t)(ui->btime + (long long)secs);
		if (localtime_r(&t, &tm) &&
		    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm)) {
			sb_adds(sb, buf);
			return;
		}
	}
	sb_addf(sb, _("boot+%llu:%02llu:%02llu"), secs / 3600, secs / 60 % 60,
		secs % 60);
}

/* A released ancestor: what the recorder kept of it, and its lineage. */
static void draw_released_detail(struct tui *ui, int node, int y, unsigned long long secs,
				 size_t limit)
{
	const struct ct_released *r = ui->v.m->nodes[node].released;

	add_released(ui, r, &ui->line);
	sb_adds(&ui->line, _("  released: it ended and was reaped  started "));
	add_start(ui, secs, &ui->line);
	detail_line(ui, y++);
	if (ui->detail_h < 6) {
		sb_adds(&ui->line, _("born: "));
		add_lineage_chain(ui, node, &ui->line, limit);
		detail_line(ui, y);
		return;
	}
	sb_adds(&ui->line, _("program: "));
	if (r->program)
		label_esc(&ui->esc, &ui->line, r->program, r->program_len);
	else
		sb_adds(&ui->line, _("not known"));
	detail_line(ui, y++);
	sb_adds(&ui->line, _("real: none, it ended; its pid may be another process's by now"));
	detail_line(ui, y++);
	sb_adds(&ui->line, _("born (the recorder's lineage): "));
	add_lineage_chain(ui, node, &ui->line, limit);
	detail_line(ui, y++);
	sb_adds(&ui->line, r->lineage_cut ?
		_("what created it is not known: the recorder dropped it (its cap)") :
		_("Right: what it created; c: its CABA, the closest living born ancestor"));
	detail_line(ui, y);
}

static void draw_detail(struct tui *ui)
{
	const struct ct_model *m = ui->v.m;
	const struct ct_proc *p;
	const char *user;
	int node = ui->v.sel_node, y = ui->detail_y, i;
	size_t limit = (size_t)COLS * 4 + 64;
	unsigned long long secs;

	if (ui->detail_h <= 0)
		return;
	if (ui->detail_h >= 6) {
		for (i = 0; i < COLS; i++)
			mvaddstr(y, i, ui->g->hline);
		y++;
	}
	if (node < 0)
		return;
	p = m->nodes[node].p;
	secs = p->start_time / (unsigned long long)ui->hz;
	if (m->nodes[node].released) {
		sb_reset(&ui->line);
		draw_released_detail(ui, node, y, secs, limit);
		return;
	}
	user = users_name(ui->users, p->uid);
	sb_reset(&ui->line);
	for (i = 0; ui->v.sel_tid && i < (int)p->nthreads_listed; i++) {
		if (p->threads[i].tid != ui->v.sel_tid)
			continue;
		label_add_thread(&ui->line, p, (size_t)i, &ui->esc, true);
		sb_adds(&ui->line, _(", a thread of "));
	}
	add_name(ui, node, &ui->line);
	if (m->nodes[node].reparented && born_drawn(ui))
		sb_addc(&ui->line, '*');
	sb_adds(&ui->line, _("  user "));
	if (user)
		esc_terminal(&ui->line, user, strlen(user), ui->s->utf8);
	else
		sb_addf(&ui->line, "%u", (unsigned int)p->uid);
	sb_addf(&ui->line, _("  sid %d  pgid %d  state %c  threads %d  started "),
		(int)p->sid, (int)p->pgid, p->state, p->nthreads);
	add_start(ui, secs, &ui->line);
	detail_line(ui, y++);
	if (ui->detail_h < 6) {
		add_reparent(ui, node, &ui->line);
		detail_line(ui, y);
		return;
	}
	sb_adds(&ui->line, _("command: "));
	/* What the record holds: drawing never reads the process. */
	if (p->has_cmdline && p->cmdline_len) {
		struct args_iter it;
		const char *arg;
		size_t n;
		bool first = true;

		args_iter_init(&it, p, false);
		while (ui->line.len < limit && args_iter_next(&it, &arg, &n)) {
			if (!first)
				sb_addc(&ui->line, ' ');
			label_esc(&ui->esc, &ui->line, arg, n);
			first = false;
		}
	} else {
		sb_adds(&ui->line, "[");
		esc_terminal(&ui->line, p->name, p->name_len, ui->s->utf8);
		sb_adds(&ui->line, "]");
	}
	detail_line(ui, y++);
	sb_adds(&ui->line, _("real: "));
	add_chain(ui, TREE_REAL, node, &ui->line, limit);
	detail_line(ui, y++);
	switch (p->caba_status) {
	case CABA_INFERRED:
		sb_adds(&ui->line, p->caba_from_reaper ?
			_("born (inferred: its parent when the recorder started, a reaper): ") :
			_("born (inferred: its creator, its parent when the recorder started): "));
		break;
	case CABA_WITNESSED:
		sb_adds(&ui->line, _("born (seen by the recorder): "));
		break;
	case CABA_DEFINED:
		sb_adds(&ui->line, _("born (started by the kernel): "));
		break;
	case CABA_UNRECORDED:
		sb_adds(&ui->line, _("born (unknown to the recorder): "));
		break;
	case CABA_HIDDEN:
		sb_adds(&ui->line, _("born (under another user's process): "));
		break;
	default:
		sb_adds(&ui->line, _("born: "));
	}
	if (ui->v.born_known)
		add_lineage_chain(ui, node, &ui->line, limit);
	else
		sb_adds(&ui->line, _("unknown"));
	detail_line(ui, y++);
	add_reparent(ui, node, &ui->line);
	detail_line(ui, y);
}

/*
 * Append name escaped, cut at its start (with "...") to what the screen
 * has beside used columns: the end of a path says most.
 */
static void add_tail(struct strbuf *sb, const char *name, bool utf8, size_t used)
{
	const char *ell = utf8 ? "\xe2\x80\xa6" : "...";
	size_t ell_w = utf8 ? 1 : 3, room, w, off = 0;
	struct strbuf esc = STRBUF_INIT;

	w = esc_terminal(&esc, name, strlen(name), utf8);
	room = (size_t)COLS > used ? (size_t)COLS - used : 0;
	if (w > room && esc.len) {
		/* Drop whole characters and escapes from the front until it fits. */
		while (off < esc.len && w + ell_w > room) {
			size_t uw;

			off += text_unit(esc.s + off, esc.len - off, utf8, &uw);
			w -= uw;
		}
		sb_adds(sb, ell);
	}
	sb_add(sb, esc.s ? esc.s + off : "", esc.len - off);
	sb_free(&esc);
}

static void draw_status(struct tui *ui)
{
	int cols = COLS;
	size_t kth;

	sb_reset(&ui->line);
	if (ui->v.typing && ui->v.typing_filter) {
		sb_adds(&ui->line, _("filter: "));
		esc_terminal(&ui->line, ui->v.filter, ui->v.filter_len, ui->s->utf8);
	} else if (ui->v.typing) {
		sb_addc(&ui->line, '/');
		esc_terminal(&ui->line, ui->v.search, ui->v.search_len, ui->s->utf8);
	} else if (ui->v.menu != MENU_NONE && !ui->v.msg[0]) {
		sb_adds(&ui->line, _("Up and Down choose, Enter picks, Esc cancels"));
	} else if (ui->v.msg[0]) {
		if (ui->v.m->snapshot)
			sb_adds(&ui->line, _("[snapshot] "));
		sb_adds(&ui->line, ui->v.msg);
	} else if (ui->v.m->snapshot) {
		char when[SNAPSHOT_TIME_LEN + 1];
		struct strbuf rest = STRBUF_INIT;

		snapshot_time_str(ui->v.m->time, when, sizeof(when));
		sb_adds(&ui->line, _("[snapshot] "));
		sb_addf(&rest, _(" taken %s  %zu processes"), when, ui->v.m->nprocs);
		sb_adds(&rest, _("  ? help  q quit"));
		add_tail(&ui->line, ui->v.m->snapshot, ui->s->utf8,
			 text_width(ui->line.s, ui->line.len, ui->s->utf8) +
			 text_width(rest.s, rest.len, ui->s->utf8));
		sb_add(&ui->line, rest.s, rest.len);
		sb_free(&rest);
	} else {
		sb_addf(&ui->line, _("%zu processes  every %u.%u s"), ui->v.m->nprocs,
			ui->v.delay_ds / 10, ui->v.delay_ds % 10);
		if (ui->v.follow)
			sb_adds(&ui->line, _("  [follow]"));
		if (ui->malformed)
			sb_addf(&ui->line, _("  %zu malformed skipped"), ui->malformed);
		kth = view_kthreads_hidden(&ui->v);
		if (kth)
			sb_addf(&ui->line, P_("  %zu kernel thread hidden (K)",
					      "  %zu kernel threads hidden (K)", kth), kth);
		sb_adds(&ui->line, _("  ? help  q quit"));
	}
	attrset(A_NORMAL);
	put(ui->status_y, 0, ui->line.s, ui->line.len, 0, &cols, ui->s->utf8);
	if (ui->v.typing) {
		curs_set(1);
		move(ui->status_y, COLS - cols < COLS ? COLS - cols : COLS - 1);
	} else {
		curs_set(0);
	}
}

static const char *const help_text[] = {
	N_("cabatree keys (Down and Up scroll this list, any other key goes back)"),
	"",
	N_("Up / Down, j        move the selection (both trees follow it)"),
	N_("PgUp / PgDn         move by a screen"),
	N_("Home, g / End, G    first / last process"),
	N_("Enter, space        fold or unfold the selected process"),
	N_("Left, h             fold, or go to the parent row"),
	N_("Right, l            unfold, or go to the first child"),
	N_("- / +               fold the selected subtree / unfold all of it"),
	N_("*                   expand all, or collapse all when nothing is folded"),
	N_("1 ... 9             collapse to that depth"),
	N_("Tab                 switch between the two trees"),
	N_("/, F3               search names, pids and shown arguments (Enter keeps,"),
	N_("                    Esc clears); n / N: next / previous match"),
	N_("\\, F4               filter: only processes whose name, pid or arguments"),
	N_("                    hold the text, and their ancestors (greyed)"),
	N_("u                   show one user's processes (and their ancestors)"),
	N_("k, F9               send a signal to the selected process (TERM first)"),
	N_("F6, < / >           sort siblings by name, pid, CPU%, memory or start"),
	N_("P / M               sort siblings by CPU% / by memory"),
	N_("C                   show or hide the CPU%, RSS and TIME columns"),
	N_("K                   show or hide kernel threads"),
	N_("Esc                 clear the search, then the filters"),
	N_("p                   jump to the real parent (PPid)"),
	N_("b                   jump to the born parent (CABA, or a released ancestor)"),
	N_("c                   jump to the CABA: the closest living born ancestor"),
	N_("L                   show or hide released ancestors (the recorder's lineage)"),
	N_("f                   follow the selection when it exits"),
	N_("a                   show or hide command-line arguments"),
	N_("t                   show or hide threads"),
	N_("v                   layout: auto, side, stacked, real, born"),
	N_("r, Ctrl-L           refresh now"),
	N_("[ / ]               refresh more / less often"),
	N_("?, F1               this help"),
	N_("q, F10              quit"),
	N_("Mouse: click selects (again: folds), the wheel scrolls"),
};

#define HELP_LINES ARRAY_SIZE(help_text)

/*
 * Line i of the story wrapped to width columns: where it starts (*off) and
 * how long it is (*len); false past its end. Its own newlines end lines.
 */
static bool story_line(const char *s, size_t width, bool utf8, size_t i,
		       size_t *off, size_t *len)
{
	size_t n = s ? strlen(s) : 0, pos = 0, k, used;

	for (k = 0; pos < n || (k == 0 && n); k++) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t para = nl ? (size_t)(nl - s) - pos : n - pos;
		size_t cut = text_cut(s + pos, para, width ? width : 1, utf8, &used);

		if (cut < para) {
			size_t b = cut;

			while (b > 0 && s[pos + b] != ' ')
				b--;
			if (b > 0)
				cut = b;
			else if (cut == 0)
				cut = 1;
		}
		if (k == i) {
			*off = pos;
			*len = cut;
			return true;
		}
		pos += cut;
		if (cut == para && nl)
			pos++;	/* the newline */
		else
			while (pos < n && s[pos] == ' ')
				pos++;
	}
	return false;
}

static size_t story_lines(const struct tui *ui, size_t width)
{
	size_t off, len, k = 0;

	while (story_line(ui->a->story, width, ui->s->utf8, k, &off, &len))
		k++;
	return k;
}

/* After the keys: an empty line, a title and one line per mark shown. */
static size_t help_marks(const struct tui *ui, bool any[MARK_COUNT])
{
	size_t n = 0;
	int k;

	marks_shown(ui, any);
	for (k = 0; k < MARK_COUNT; k++)
		n += any[k];
	return n ? n + 2 : 0;
}

/* After the marks: an empty line and the story, when there is one. */
static size_t help_story(const struct tui *ui)
{
	size_t n = ui->a->story ? story_lines(ui, COLS > 0 ? (size_t)COLS : 1) : 0;

	return n ? n + 1 : 0;
}

size_t draw_help_lines(struct tui *ui)
{
	bool any[MARK_COUNT];

	return HELP_LINES + help_marks(ui, any) + help_story(ui);
}

/* Help line i past the keys (the marks' legend) into ui->tmp. */
static void help_mark_line(struct tui *ui, const bool any[MARK_COUNT], size_t i)
{
	size_t seen = 0;
	int k;

	sb_reset(&ui->tmp);
	if (i == 1)
		sb_adds(&ui->tmp, _("Marks in the trees:"));
	for (k = 0; k < MARK_COUNT && i >= 2; k++) {
		if (any[k] && seen++ == i - 2) {
			label_legend(&ui->tmp, (enum label_mark)k, ui->g);
			return;
		}
	}
}

static void draw_help(struct tui *ui)
{
	bool any[MARK_COUNT];
	size_t marks = help_marks(ui, any);
	size_t total = HELP_LINES + marks + help_story(ui);
	int y;

	for (y = 0; y < LINES && ui->help_top + (size_t)y < total; y++) {
		size_t i = ui->help_top + (size_t)y;
		const char *s;
		int cols = COLS;

		size_t n, off;

		if (i < HELP_LINES) {
			s = help_text[i];
			if (*s)
				s = _(s);
			n = strlen(s);
		} else if (i < HELP_LINES + marks) {
			help_mark_line(ui, any, i - HELP_LINES);
			s = ui->tmp.s ? ui->tmp.s : "";
			n = strlen(s);
		} else {
			s = "";
			n = 0;
			if (i > HELP_LINES + marks &&
			    story_line(ui->a->story, (size_t)COLS, ui->s->utf8,
				       i - HELP_LINES - marks - 1, &off, &n))
				s = ui->a->story + off;
		}
		attrset(y == 0 && ui->help_top == 0 ? A_BOLD : A_NORMAL);
		put(y, 0, s, n, 0, &cols, ui->s->utf8);
	}
	attrset(A_NORMAL);
}

/* The note, wrapped over its lines above the details. */
static void draw_note(struct tui *ui)
{
	size_t off, len;
	int k;

	attrset(A_BOLD);
	for (k = 0; k < ui->note_h && note_line(ui, k, &off, &len); k++) {
		int cols = COLS;

		put(ui->note_y + k, 0, ui->note.s + off, len, 0, &cols, ui->s->utf8);
	}
	attrset(A_NORMAL);
}

/* A box of w columns and h rows at (y, x): a frame and blank inside. */
static void box_at(struct tui *ui, int y, int x, int h, int w)
{
	int i;

	for (i = 0; i < h; i++) {
		fill(y + i, x, w);
		mvaddstr(y + i, x, ui->g->vline);
		mvaddstr(y + i, x + w - 1, ui->g->vline);
	}
	for (i = 0; i < w; i++) {
		mvaddstr(y, x + i, ui->g->hline);
		mvaddstr(y + h - 1, x + i, ui->g->hline);
	}
}

/* Item i of the open menu into sb. */
static void menu_item(struct tui *ui, size_t i, struct strbuf *sb)
{
	const struct view *v = &ui->v;

	switch (v->menu) {
	case MENU_SIGNAL:
		sb_addf(sb, "%2d SIG%s", view_signals[i].sig, view_signals[i].name);
		break;
	case MENU_USER:
		if (i == 0) {
			sb_adds(sb, _("all users"));
		} else {
			uid_t uid = v->menu_uids[i - 1];
			const char *name = users_name(ui->users, uid);

			if (name)
				esc_terminal(sb, name, strlen(name), ui->s->utf8);
			sb_addf(sb, name ? " (%u)" : "%u", (unsigned int)uid);
		}
		break;
	case MENU_SORT:
		sb_adds(sb, view_sort_name((enum view_sort)i));
		break;
	default:
		break;
	}
}

/* The open menu, over the trees: its title, then its items, one selected. */
static void draw_menu(struct tui *ui)
{
	const struct view *v = &ui->v;
	int w, avail = ui->status_y - 1, h, i, cols;
	size_t top = 0, width, it;

	if (v->menu == MENU_NONE || avail < 4 || COLS < 12)
		return;
	sb_reset(&ui->line);
	switch (v->menu) {
	case MENU_SIGNAL: {
		int idx = model_find(v->m, v->signal_to.pid);

		sb_adds(&ui->line, _("Send a signal to "));
		if (idx >= 0)
			label_add_name_pid(&ui->line, v->m->nodes[idx].p, &ui->esc);
		else
			sb_addf(&ui->line, "%d", (int)v->signal_to.pid);
		break;
	}
	case MENU_USER:
		sb_adds(&ui->line, _("Show the processes of"));
		break;
	default:
		sb_adds(&ui->line, _("Sort siblings by"));
		break;
	}
	/* As wide as its title or its widest item, and a frame. */
	width = text_width(ui->line.s, ui->line.len, ui->s->utf8);
	for (it = 0; it < v->menu_n; it++) {
		size_t iw;

		sb_reset(&ui->tmp);
		sb_adds(&ui->tmp, " ");
		menu_item(ui, it, &ui->tmp);
		iw = text_width(ui->tmp.s, ui->tmp.len, ui->s->utf8);
		if (iw > width)
			width = iw;
	}
	w = width + 4 < (size_t)COLS ? (int)width + 4 : COLS;
	h = (int)v->menu_n + 3 < avail ? (int)v->menu_n + 3 : avail;
	if (v->menu_sel + 3 >= (size_t)h)
		top = v->menu_sel + 4 - (size_t)h;
	box_at(ui, 1, 0, h, w);
	attrset(A_BOLD);
	cols = w - 2;
	put(2, 1, ui->line.s, ui->line.len, 0, &cols, ui->s->utf8);
	for (i = 0; i + 3 < h && top + (size_t)i < v->menu_n; i++) {
		it = top + (size_t)i;
		sb_reset(&ui->line);
		sb_adds(&ui->line, " ");
		menu_item(ui, it, &ui->line);
		attrset(it == v->menu_sel ? A_REVERSE | A_BOLD : A_NORMAL);
		cols = w - 2;
		put(3 + i, 1, ui->line.s, ui->line.len, 0, &cols, ui->s->utf8);
		fill(3 + i, 1 + (w - 2) - cols, cols);
	}
	attrset(A_NORMAL);
}

/* The story over the trees, until a key. */
static void draw_story(struct tui *ui)
{
	size_t width = COLS > 6 ? (size_t)COLS - 4 : 1, n, k, off, len;
	const char *hint = _("press any key for the trees (? shows this again)");
	int h, y, cols;

	n = story_lines(ui, width);
	h = (int)n + 4 < ui->status_y ? (int)n + 4 : ui->status_y;
	if (h < 3)
		return;
	box_at(ui, 0, 0, h, COLS);
	for (k = 0, y = 1; y < h - 2 && story_line(ui->a->story, width, ui->s->utf8,
						    k, &off, &len); k++, y++) {
		cols = (int)width;
		put(y, 2, ui->a->story + off, len, 0, &cols, ui->s->utf8);
	}
	attrset(A_BOLD);
	cols = (int)width;
	put(h - 2, 2, hint, strlen(hint), 0, &cols, ui->s->utf8);
	attrset(A_NORMAL);
}

void draw(struct tui *ui)
{
	int t;

	erase();
	curs_set(0);
	if (ui->help) {
		draw_help(ui);
		refresh();
		return;
	}
	layout(ui);
	for (t = 0; t < TREE_COUNT; t++)
		draw_pane(ui, (enum ct_tree)t);
	if (ui->pane[TREE_REAL].shown && ui->pane[TREE_BORN].shown &&
	    ui->pane[TREE_BORN].x > 0) {
		const struct pane *p = &ui->pane[TREE_BORN];

		for (t = 0; t < p->h; t++)
			mvaddstr(p->y + t, p->x - 1, ui->g->vline);
	}
	draw_note(ui);
	draw_detail(ui);
	draw_status(ui);
	draw_menu(ui);
	if (ui->story)
		draw_story(ui);
	refresh();
}

void draw_free(struct tui *ui)
{
	free(ui->anc);
	ui->anc = NULL;
	ui->anc_cap = 0;
	sb_free(&ui->line);
	sb_free(&ui->tmp);
	sb_free(&ui->note);
	label_esc_free(&ui->esc);
}
