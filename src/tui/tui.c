// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The terminal side of the interactive browser: screen layout, drawing,
 * keys and mouse, signals, and the refresh loop that rescans the procfs.
 * What is selected, folded or searched lives in the view (view.c); this
 * file turns terminal events into view keys and the view into characters.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "nls.h"
#include "snapfmt.h"
#include "source.h"
#include "tui/tui.h"
#include "tui/view.h"
#include "users.h"
#include "xalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAIR_MOVED 1
#define PAIR_MATCH 2
#define SIDE_MIN_COLS 80	/* narrower than this, auto layout stacks */
#define KEY_POLL_MS 250		/* longest wait for a key: signals are seen this fast */
#define START_MAX 253402300799LL	/* 9999-12-31T23:59:59Z: later start dates are not shown */

struct glyphs {
	const char *pipe, *blank, *tee, *ell, *focus, *arrow, *vline, *hline;
	const char *more;	/* the line goes on to the left */
};

static const struct glyphs ascii_glyphs = {
	"| ", "  ", "|-", "`-", " <==", " <- ", "|", "-", "<"
};

static const struct glyphs utf8_glyphs = {
	"\u2502 ", "  ", "\u251c\u2500", "\u2514\u2500", " \u25c0", " \u2190 ",
	"\u2502", "\u2500", "\u2026"
};

struct pane {
	int y, x, h, w;		/* h includes the header line */
	bool shown;
};

struct tui {
	struct tui_args *a;
	const struct ct_options *o;
	const struct glyphs *g;
	struct view v;
	struct users *users;
	pid_t *focus;		/* -p processes still alive */
	size_t nfocus;
	size_t malformed;	/* skipped by the last refresh */
	long long btime;	/* boot time (epoch seconds), or -1 */
	long hz;		/* clock ticks per second, the unit of start_time */
	bool color;
	bool help;
	size_t help_top;
	struct pane pane[TREE_COUNT];
	int detail_y, detail_h, status_y;
	struct strbuf line, tmp;
	int *anc;		/* scratch: a row's ancestors */
	size_t anc_cap;
};

static volatile sig_atomic_t got_signal;
static bool curses_on;
static int saved_stderr = -1;	/* the real stderr while the screen is ours */
static bool quit_cleanly;	/* the user quit: what stderr held is old news */

/*
 * While the browser runs, stderr goes to a memory file, emptied at every
 * scan. If the program dies of an error, what it said last is shown once
 * the terminal is back. Only async-signal-safe calls here.
 */
static void replay_stderr(void)
{
	char buf[4096];
	ssize_t n;

	if (lseek(STDERR_FILENO, 0, SEEK_SET) != 0)
		return;
	while ((n = read(STDERR_FILENO, buf, sizeof(buf))) > 0)
		if (write(saved_stderr, buf, (size_t)n) != n)
			break;
}

static void forget_stderr(void)
{
	if (saved_stderr >= 0 && ftruncate(STDERR_FILENO, 0) == 0)
		lseek(STDERR_FILENO, 0, SEEK_SET);
}

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = false;
		endwin();
	}
	if (saved_stderr >= 0) {
		if (!quit_cleanly)
			replay_stderr();
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
}

static void on_quit_signal(int sig)
{
	got_signal = sig;
}

/* A crash must not leave the terminal in curses mode. */
static void on_fatal_signal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	static const int quit[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	for (i = 0; i < ARRAY_SIZE(quit); i++)
		sigaction(quit[i], &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

/* ---- scanning ---- */

/* Keep the -p processes that still exist; focus the model on them. */
static void apply_focus(struct tui *ui, struct ct_model *m)
{
	size_t i, n = 0;

	if (!ui->nfocus)
		return;
	for (i = 0; i < ui->nfocus; i++)
		if (model_find(m, ui->focus[i]) >= 0)
			ui->focus[n++] = ui->focus[i];
	if (n < ui->nfocus && !n)
		snprintf(ui->v.msg, sizeof(ui->v.msg), "%s",
			 _("the focused processes exited; showing all processes"));
	ui->nfocus = n;
	if (n)
		model_focus(m, ui->focus, n);
}

/* Read the processes again and show them; the old model goes once shown. */
static void rescan(struct tui *ui)
{
	struct tui_args *a = ui->a;
	struct ct_proclist pl = { 0 };
	struct source_report rep;
	struct ct_model m;
	unsigned int want = SOURCE_AGAIN;
	int err;

	/* A snapshot is all there is: what it shows is already in the model. */
	if (!a->src->live)
		return;
	/* Only the selected process's command line is needed otherwise. */
	if (ui->v.show_args)
		want |= SOURCE_CMDLINE;
	if (ui->v.show_threads)
		want |= SOURCE_THREADS;
	forget_stderr();
	err = source_refresh(a->src, want, &pl, &rep);
	if (err < 0) {
		/* An empty directory, malformed or not, has no processes. */
		snprintf(ui->v.msg, sizeof(ui->v.msg),
			 _("cannot read the process directory: %s"),
			 strerror(err == -EBADMSG ? ENOENT : -err));
		proclist_free(&pl);
		return;
	}
	ui->malformed = rep.malformed;
	model_build(&m, &pl, ui->o->numeric);
	apply_focus(ui, &m);
	view_set_model(&ui->v, &m);
	model_free(a->m);
	proclist_free(a->pl);
	*a->m = m;
	*a->pl = pl;
	/* The view keeps a pointer to the model: point it at its new home. */
	ui->v.m = a->m;
}

/* The model again from the same records: the refresh without reading them. */
static void rebuild(struct tui *ui)
{
	struct ct_model m;

	model_build(&m, ui->a->pl, ui->o->numeric);
	apply_focus(ui, &m);
	view_set_model(&ui->v, &m);
	model_free(ui->a->m);
	*ui->a->m = m;
	ui->v.m = ui->a->m;
}

/*
 * The selected process's command line, read now if the refresh did not:
 * the detail pane shows it, and drawing reads nothing.
 */
static void fetch_selected(struct tui *ui)
{
	struct ct_proc *p;

	if (ui->v.sel_node < 0)
		return;
	p = proclist_find(ui->a->pl, ui->v.m->nodes[ui->v.sel_node].p->pid);
	if (p)
		source_fetch_cmdline(ui->a->src, p);
}

/* ---- layout ---- */

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
	area = ui->detail_y;
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

static const char *title_of(enum ct_tree t)
{
	return t == TREE_REAL ? _("REAL TREE (PPid)") : _("BORN TREE (CABA)");
}

/* The label of row r: name(pid)* and what the options add. */
static void add_label(struct tui *ui, enum ct_tree t, const struct view_row *r,
		      struct strbuf *sb)
{
	const struct ct_model *m = ui->v.m;
	const struct ct_node *nd = &m->nodes[r->node];
	const struct ct_proc *p = nd->p;
	bool utf8 = ui->a->utf8;

	if (r->thread >= 0) {
		const struct ct_thread *th = &p->threads[r->thread];

		sb_addc(sb, '{');
		esc_terminal(sb, th->name, th->name_len, utf8);
		sb_addf(sb, "}(%d)", (int)th->tid);
		return;
	}
	esc_terminal(sb, p->name, p->name_len, utf8);
	sb_addf(sb, "(%d", (int)p->pid);
	if (ui->o->pgids)
		sb_addf(sb, ",%d", (int)p->pgid);
	sb_addc(sb, ')');
	if (nd->reparented)
		sb_addc(sb, '*');
	if (t == TREE_BORN && p->caba_status == CABA_INFERRED)
		sb_addc(sb, '?');
	if (ui->o->sids)
		sb_addf(sb, " [sid %d]", (int)p->sid);
	if (t == TREE_BORN && p->caba_status == CABA_OUTSIDE)
		sb_adds(sb, _(" [born outside this namespace]"));
	if (nd->focus)
		sb_adds(sb, ui->g->focus);
	if (r->flags & ROW_FOLDED)
		sb_addf(sb, " [+%u]", nd->nchild[t] +
			(ui->v.show_threads ? (unsigned int)p->nthreads_listed : 0));
	if (ui->v.show_args && p->has_cmdline && p->cmdline_len) {
		const char *s = memchr(p->cmdline, '\0', p->cmdline_len);
		const char *end = p->cmdline + p->cmdline_len;

		for (s = s ? s + 1 : end; s < end;) {
			const char *z = memchr(s, '\0', (size_t)(end - s));

			if (!z)
				z = end;
			sb_addc(sb, ' ');
			esc_terminal(sb, s, (size_t)(z - s), utf8);
			s = z + 1;
		}
	}
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

static void draw_row(struct tui *ui, enum ct_tree t, size_t ri, int y,
		     const struct pane *p, bool selected)
{
	const struct view_tree *tr = &ui->v.tree[t];
	const struct view_row *r = &tr->rows[ri];
	const struct ct_node *nd = &ui->v.m->nodes[r->node];
	bool utf8 = ui->a->utf8;
	attr_t base = A_NORMAL, label = A_NORMAL;
	size_t stem_w;
	int cols = p->w;

	if (selected)
		base = t == ui->v.active ? A_REVERSE | A_BOLD : A_REVERSE;
	if (r->thread < 0) {
		if (nd->reparented && ui->color)
			label |= COLOR_PAIR(PAIR_MOVED);
		if (nd->focus)
			label |= A_BOLD | A_UNDERLINE;
		if (r->flags & ROW_MATCH)
			label |= A_BOLD | (ui->color ? COLOR_PAIR(PAIR_MATCH) : 0);
	}
	sb_reset(&ui->line);
	add_stem(ui, tr, r, &ui->line);
	stem_w = text_width(ui->line.s ? ui->line.s : "", ui->line.len, utf8);
	sb_reset(&ui->tmp);
	add_label(ui, t, r, &ui->tmp);
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
	sb_adds(&ui->line, title_of(t));
	if (!ui->v.born_known)
		sb_adds(&ui->line, _(" - born tree unknown (no NScaba: in status)"));
	else if (t == TREE_BORN && ui->v.m->caba_source == CABA_SRC_RECORDER)
		sb_adds(&ui->line, _(" from the recorder"));
	if (t == TREE_BORN && ui->v.m->lost_events)
		sb_addf(&ui->line, _(", incomplete: %llu events lost"),
			ui->v.m->lost_events);
	if (ui->v.search_len) {
		sb_adds(&ui->line, _("  search: "));
		esc_terminal(&ui->line, ui->v.search, ui->v.search_len, ui->a->utf8);
	}
	attrset(both && t == ui->v.active ? A_REVERSE | A_BOLD : A_BOLD);
	put(p->y, p->x, ui->line.s, ui->line.len, 0, &cols, ui->a->utf8);
	fill(p->y, p->x + p->w - cols, cols);
	attrset(A_NORMAL);
	fit_left(ui, t, p->w);
	for (i = 0; i + 1 < p->h; i++) {
		size_t ri = tr->top + (size_t)i;

		if (ri >= tr->nrows)
			break;
		draw_row(ui, t, ri, p->y + 1 + i, p, (long)ri == sel);
	}
}

/* "name(pid) <- name(pid) ..." up tree t from node, cut to cols. */
static void add_chain(struct tui *ui, enum ct_tree t, int node, struct strbuf *sb,
		      size_t limit)
{
	const struct ct_model *m = ui->v.m;
	int a;

	for (a = node; a >= 0 && sb->len < limit; a = m->nodes[a].parent[t]) {
		const struct ct_proc *p = m->nodes[a].p;

		if (a != node)
			sb_adds(sb, ui->g->arrow);
		esc_terminal(sb, p->name, p->name_len, ui->a->utf8);
		sb_addf(sb, "(%d)", (int)p->pid);
	}
}

static void add_name(struct tui *ui, int node, struct strbuf *sb)
{
	const struct ct_proc *p = ui->v.m->nodes[node].p;

	esc_terminal(sb, p->name, p->name_len, ui->a->utf8);
	sb_addf(sb, "(%d)", (int)p->pid);
}

static void detail_line(struct tui *ui, int y)
{
	int cols = COLS;

	put(y, 0, ui->line.s ? ui->line.s : "", ui->line.len, 0, &cols, ui->a->utf8);
	sb_reset(&ui->line);
}

/* The story of one process, as reparented as it may be. */
static void add_reparent(struct tui *ui, int node, struct strbuf *sb)
{
	const struct ct_model *m = ui->v.m;
	const struct ct_node *nd = &m->nodes[node];
	int rp = nd->parent[TREE_REAL], bp = nd->parent[TREE_BORN];

	if (nd->p->caba_status == CABA_OUTSIDE) {
		sb_adds(sb, _("born outside this pid namespace"));
		return;
	}
	if (!ui->v.born_known) {
		sb_adds(sb, _("where it was born is unknown: the kernel shows no NScaba:"));
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
	user = users_name(ui->users, p->uid);
	sb_reset(&ui->line);
	for (i = 0; ui->v.sel_tid && i < (int)p->nthreads_listed; i++) {
		if (p->threads[i].tid != ui->v.sel_tid)
			continue;
		sb_addc(&ui->line, '{');
		esc_terminal(&ui->line, p->threads[i].name, p->threads[i].name_len,
			     ui->a->utf8);
		sb_addf(&ui->line, "}(%d)", (int)p->threads[i].tid);
		sb_adds(&ui->line, _(", a thread of "));
	}
	add_name(ui, node, &ui->line);
	if (m->nodes[node].reparented)
		sb_addc(&ui->line, '*');
	sb_adds(&ui->line, _("  user "));
	if (user)
		esc_terminal(&ui->line, user, strlen(user), ui->a->utf8);
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
	if (p->has_cmdline && p->cmdline_len) {
		size_t k, start = 0;

		for (k = 0; k <= p->cmdline_len && ui->line.len < limit; k++) {
			if (k == p->cmdline_len || p->cmdline[k] == '\0') {
				if (k == p->cmdline_len && k == start)
					break;
				if (start)
					sb_addc(&ui->line, ' ');
				esc_terminal(&ui->line, p->cmdline + start, k - start,
					     ui->a->utf8);
				start = k + 1;
			}
		}
	} else {
		sb_adds(&ui->line, "[");
		esc_terminal(&ui->line, p->name, p->name_len, ui->a->utf8);
		sb_adds(&ui->line, "]");
	}
	detail_line(ui, y++);
	sb_adds(&ui->line, _("real: "));
	add_chain(ui, TREE_REAL, node, &ui->line, limit);
	detail_line(ui, y++);
	if (p->caba_status == CABA_INFERRED)
		sb_adds(&ui->line, _("born (inferred: its parent when the recorder started): "));
	else if (p->caba_status == CABA_WITNESSED)
		sb_adds(&ui->line, _("born (seen by the recorder): "));
	else
		sb_adds(&ui->line, _("born: "));
	if (ui->v.born_known)
		add_chain(ui, TREE_BORN, node, &ui->line, limit);
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

	sb_reset(&ui->line);
	if (ui->v.typing) {
		sb_addc(&ui->line, '/');
		esc_terminal(&ui->line, ui->v.search, ui->v.search_len, ui->a->utf8);
	} else if (ui->v.msg[0]) {
		if (ui->v.m->snapshot)
			sb_adds(&ui->line, _("[snapshot] "));
		sb_adds(&ui->line, ui->v.msg);
	} else if (ui->v.m->snapshot) {
		char when[SNAPSHOT_TIME_LEN + 1];
		struct strbuf rest = STRBUF_INIT;

		snapshot_time_str(ui->v.m->time, when, sizeof(when));
		sb_adds(&ui->line, _("[snapshot] "));
		sb_addf(&rest, _(" taken %s  %zu processes"), when, ui->v.m->n);
		sb_adds(&rest, _("  ? help  q quit"));
		add_tail(&ui->line, ui->v.m->snapshot, ui->a->utf8,
			 text_width(ui->line.s, ui->line.len, ui->a->utf8) +
			 text_width(rest.s, rest.len, ui->a->utf8));
		sb_add(&ui->line, rest.s, rest.len);
		sb_free(&rest);
	} else {
		sb_addf(&ui->line, _("%zu processes  every %u.%u s"), ui->v.m->n,
			ui->v.delay_ds / 10, ui->v.delay_ds % 10);
		if (ui->v.follow)
			sb_adds(&ui->line, _("  [follow]"));
		if (ui->malformed)
			sb_addf(&ui->line, _("  %zu malformed skipped"), ui->malformed);
		sb_adds(&ui->line, _("  ? help  q quit"));
	}
	attrset(A_NORMAL);
	put(ui->status_y, 0, ui->line.s, ui->line.len, 0, &cols, ui->a->utf8);
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
	N_("Up, k / Down, j     move the selection (both trees follow it)"),
	N_("PgUp / PgDn         move by a screen"),
	N_("Home, g / End, G    first / last process"),
	N_("Enter, space        fold or unfold the selected process"),
	N_("Left, h             fold, or go to the parent row"),
	N_("Right, l            unfold, or go to the first child"),
	N_("+ / -               expand all / collapse all"),
	N_("1 ... 9             collapse to that depth"),
	N_("Tab                 switch between the two trees"),
	N_("/                   search names and pids (Enter keeps, Esc clears)"),
	N_("n / N               next / previous match"),
	N_("p                   jump to the real parent (PPid)"),
	N_("b                   jump to the born parent (CABA)"),
	N_("f                   follow the selection when it exits"),
	N_("a                   show or hide command-line arguments"),
	N_("t                   show or hide threads"),
	N_("v                   layout: auto, side, stacked, real, born"),
	N_("r, Ctrl-L           refresh now"),
	N_("[ / ]               refresh more / less often"),
	N_("?, F1               this help"),
	N_("q                   quit"),
	N_("Mouse: click selects (again: folds), the wheel scrolls"),
};

#define HELP_LINES ARRAY_SIZE(help_text)

static void draw_help(struct tui *ui)
{
	int y;

	for (y = 0; y < LINES && ui->help_top + (size_t)y < HELP_LINES; y++) {
		const char *s = help_text[ui->help_top + (size_t)y];
		int cols = COLS;

		if (*s)
			s = _(s);
		attrset(y == 0 && ui->help_top == 0 ? A_BOLD : A_NORMAL);
		put(y, 0, s, strlen(s), 0, &cols, ui->a->utf8);
	}
	attrset(A_NORMAL);
}

static void draw(struct tui *ui)
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
	draw_detail(ui);
	draw_status(ui);
	refresh();
}

/* ---- input ---- */

static int view_key_of_curses(int ch)
{
	switch (ch) {
	case KEY_UP: return VK_UP;
	case KEY_DOWN: return VK_DOWN;
	case KEY_LEFT: return VK_LEFT;
	case KEY_RIGHT: return VK_RIGHT;
	case KEY_PPAGE: return VK_PGUP;
	case KEY_NPAGE: return VK_PGDN;
	case KEY_HOME: return VK_HOME;
	case KEY_END: return VK_END;
	case KEY_ENTER: case '\n': case '\r': return VK_ENTER;
	case 27: return VK_ESC;
	case KEY_BACKSPACE: case 127: case 8: return VK_BACKSPACE;
	case '\t': return VK_TAB;
	case KEY_F(1): return VK_F1;
	default: return ch >= 0 && ch <= 0xff ? ch : -1;
	}
}

static unsigned int mouse(struct tui *ui)
{
	MEVENT ev;
	int t;

	if (getmouse(&ev) != OK)
		return 0;
	for (t = 0; t < TREE_COUNT; t++) {
		const struct pane *p = &ui->pane[t];

		if (!p->shown || ev.x < p->x || ev.x >= p->x + p->w ||
		    ev.y < p->y || ev.y >= p->y + p->h)
			continue;
		if (ev.bstate & BUTTON4_PRESSED)
			return view_scroll(&ui->v, (enum ct_tree)t, -3);
#ifdef BUTTON5_PRESSED
		if (ev.bstate & BUTTON5_PRESSED)
			return view_scroll(&ui->v, (enum ct_tree)t, 3);
#endif
		if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED) && ev.y > p->y)
			return view_click(&ui->v, (enum ct_tree)t,
					  (size_t)(ev.y - p->y - 1));
	}
	return 0;
}

/* One key: returns VIEW_* flags. */
static unsigned int input(struct tui *ui, int ch)
{
	int k;

	if (ch == KEY_RESIZE)
		return VIEW_REDRAW;
	if (ui->help) {
		if (ch == KEY_DOWN || ch == 'j' || ch == KEY_NPAGE) {
			if (ui->help_top + 1 < HELP_LINES)
				ui->help_top++;
			return VIEW_REDRAW;
		}
		if (ch == KEY_UP || ch == 'k' || ch == KEY_PPAGE) {
			if (ui->help_top)
				ui->help_top--;
			return VIEW_REDRAW;
		}
		ui->help = false;
		return VIEW_REDRAW;
	}
	if (ch == KEY_MOUSE)
		return mouse(ui);
	k = view_key_of_curses(ch);
	if (k < 0)
		return 0;
	if (!ui->a->src->live && !ui->v.typing && (k == 'r' || k == '[' || k == ']')) {
		snprintf(ui->v.msg, sizeof(ui->v.msg), "%s",
			 _("a snapshot is not refreshed: it shows the processes as they were"));
		return VIEW_REDRAW;
	}
	return view_key(&ui->v, k);
}

/* ---- setup ---- */

static int start_curses(struct tui *ui, bool bench)
{
	FILE *out = stdout;
	int fd;

	if (bench && !isatty(STDOUT_FILENO)) {
		out = fopen("/dev/null", "w");
		if (!out)
			return -errno;
	}
	if (!bench && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		return -ENOTTY;
	if (!newterm(NULL, out, stdin))
		return -EINVAL;
	curses_on = true;
	/* Messages on stderr would break the screen: hold them meanwhile. */
	fd = memfd_create("cabatree-stderr", MFD_CLOEXEC);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		  | BUTTON5_PRESSED
#endif
		  , NULL);
	mouseinterval(0);
	ui->color = ui->a->color && has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
		init_pair(PAIR_MOVED, COLOR_YELLOW, -1);
		init_pair(PAIR_MATCH, COLOR_CYAN, -1);
	}
	return 0;
}

/* Refreshes to run and then quit, for bench/tui-refresh.sh; 0 normally. */
static long bench_refreshes(void)
{
	const char *s = getenv("CABATREE_BENCH_REFRESHES");

	return s && atol(s) > 0 ? atol(s) : 0;
}

int tui_run(struct tui_args *a)
{
	static bool atexit_done;
	struct tui ui;
	long bench = bench_refreshes(), done = 0;
	bool noscan = !!getenv("CABATREE_BENCH_NOSCAN");
	unsigned long long next;
	int err, status = CT_EXIT_OK, sig;

	memset(&ui, 0, sizeof(ui));
	ui.a = a;
	ui.o = a->o;
	ui.g = a->utf8_glyphs ? &utf8_glyphs : &ascii_glyphs;
	ui.users = users_new();
	source_name_users(a->src, ui.users);
	/*
	 * Start times as dates, by the boot time and clock of the records'
	 * system (a copy of a procfs without them: boot+H:MM:SS).
	 */
	if (a->m->clock_ticks > 0) {
		ui.btime = a->m->boot_time;
		ui.hz = a->m->clock_ticks;
	} else {
		ui.btime = -1;
		ui.hz = sysconf(_SC_CLK_TCK);
		if (ui.hz <= 0)
			ui.hz = 100;
	}
	/* Status files stay open between refreshes: room for one per process. */
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	view_init(&ui.v);
	ui.v.utf8 = a->utf8;
	ui.v.show_args = a->o->arguments;
	ui.v.show_threads = a->o->threads;
	if (a->o->delay_ds)
		ui.v.delay_ds = a->o->delay_ds;
	if (a->o->trees != SHOW_BOTH)
		ui.v.layout = a->o->trees == SHOW_REAL ? VL_REAL : VL_BORN;
	else if (a->o->layout != LAYOUT_AUTO)
		ui.v.layout = a->o->layout == LAYOUT_SIDE ? VL_SIDE : VL_STACKED;
	if (ui.v.layout == VL_BORN)
		ui.v.active = TREE_BORN;
	if (a->o->npids) {
		ui.nfocus = a->o->npids;
		ui.focus = xreallocarray(NULL, ui.nfocus, sizeof(*ui.focus));
		memcpy(ui.focus, a->o->pids, ui.nfocus * sizeof(*ui.focus));
	}
	view_set_model(&ui.v, a->m);
	if (ui.nfocus)
		view_select_pid(&ui.v, ui.focus[0]);

	if (!atexit_done) {
		atexit(restore_terminal);
		atexit_done = true;
	}
	install_signals();
	err = start_curses(&ui, bench > 0);
	if (err < 0) {
		restore_terminal();
		fprintf(stderr, err == -ENOTTY ?
			_("%s: -i needs a terminal on standard input and output\n") :
			_("%s: cannot use the terminal (TERM=%s)\n"),
			PACKAGE, err == -ENOTTY ? "" : getenv("TERM") ? getenv("TERM") : "");
		status = CT_EXIT_FAILURE;
		goto out;
	}
	fetch_selected(&ui);
	draw(&ui);
	next = now_ms() + ui.v.delay_ds * 100ULL;
	if (!a->src->live)
		next = ULLONG_MAX;	/* a snapshot: no refresh */
	while (!got_signal) {
		unsigned long long now = now_ms();
		unsigned int flags = 0;
		int ch;

		if (bench) {
			if (done++ >= bench)
				break;
			if (noscan)
				rebuild(&ui);
			else
				rescan(&ui);
			fetch_selected(&ui);
			draw(&ui);
			continue;
		}
		if (now >= next) {
			rescan(&ui);
			fetch_selected(&ui);
			draw(&ui);
			next = now + ui.v.delay_ds * 100ULL;
			continue;
		}
		timeout((int)(next - now < KEY_POLL_MS ? next - now : KEY_POLL_MS));
		ch = getch();
		if (ch == ERR)
			continue;
		flags = input(&ui, ch);
		if (flags & VIEW_QUIT)
			break;
		if (flags & VIEW_HELP) {
			ui.help = true;
			ui.help_top = 0;
		}
		if (flags & VIEW_RESCAN && a->src->live) {
			rescan(&ui);
			next = now_ms() + ui.v.delay_ds * 100ULL;
		}
		if (flags) {
			fetch_selected(&ui);
			draw(&ui);
		}
	}
	quit_cleanly = true;
out:
	restore_terminal();
	sig = got_signal;
	view_free(&ui.v);
	users_free(ui.users);
	free(ui.focus);
	free(ui.anc);
	sb_free(&ui.line);
	sb_free(&ui.tmp);
	if (sig) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}
