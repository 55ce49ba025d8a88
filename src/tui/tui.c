// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The terminal side of the interactive browser: the terminal's lifecycle,
 * keys and mouse, signals, and the refresh loop that rescans the procfs.
 * What is selected, folded or searched lives in the view (view.c); this
 * file turns terminal events into view keys, and draw.c turns the view
 * into characters.
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

#include "nls.h"
#include "source.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "tui/view.h"
#include "users.h"
#include "xalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KEY_POLL_MS 250		/* longest wait for a key: signals are seen this fast */

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

/*
 * Keep what a refresh said of the recorder, and say what the born tree
 * lacks as the command line says it: why there is none, or that the
 * recorder stopped. A recorder that stops or starts while the browser
 * runs is seen at the next refresh.
 */
static void take_report(struct tui *ui, const struct source_report *rep,
			const struct ct_model *m)
{
	char buf[1024];

	ui->have_rec = rep && rep->recorder;
	if (ui->have_rec)
		ui->rec = *rep->recorder;
	sb_reset(&ui->note);
	if (!ui->have_rec || m->snapshot)
		return;
	if (m->caba_source == CABA_SRC_NONE) {
		recorder_explain(&ui->rec, recorder_state_path(), buf, sizeof(buf));
		sb_adds(&ui->note, buf);
	} else if (m->caba_source == CABA_SRC_RECORDER && !ui->rec.running) {
		time_t t = (time_t)ui->rec.stopped_at;
		struct tm tm;

		if (ui->rec.stopped_at > 0 && localtime_r(&t, &tm) &&
		    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
			sb_addf(&ui->note, _("the recorder (cabatreed) has not been running since %s: "), buf);
		else
			sb_adds(&ui->note, _("the recorder (cabatreed) is not running: "));
		sb_addf(&ui->note, _("the born tree is as it was when it stopped, and processes "
				     "started since are marked %s; start it again as root "
				     "(systemctl start cabatreed)"), ui->g->unrecorded);
	}
}

/*
 * CPU% of each process of m since the records of old were read, elapsed
 * milliseconds before: its utime + stime grew by so many ticks. A process
 * new since then (or a reused pid) has none yet.
 */
static void compute_cpu(struct tui *ui, const struct ct_model *m,
			const struct ct_proclist *old, unsigned long long elapsed)
{
	size_t i;

	if (ui->cpu_cap < m->n) {
		ui->cpu_cap = m->n;
		ui->cpu = xreallocarray(ui->cpu, ui->cpu_cap, sizeof(*ui->cpu));
	}
	for (i = 0; i < m->n; i++) {
		const struct ct_proc *p = m->nodes[i].p;
		const struct ct_proc *o = old && elapsed ? proclist_find(old, p->pid) : NULL;

		ui->cpu[i] = -1;
		if (o && o->start_time == p->start_time && o->has_usage &&
		    p->has_usage && p->cpu_ticks >= o->cpu_ticks)
			ui->cpu[i] = (float)((double)(p->cpu_ticks - o->cpu_ticks) *
					     100000.0 / (double)ui->hz / (double)elapsed);
	}
}

/* Siblings in the order the user chose; ties by name, then by pid. */
static int cmp_siblings(const void *a, const void *b, void *arg)
{
	const struct tui *ui = arg;
	const struct ct_model *m = ui->v.m;
	int x = *(const int *)a, y = *(const int *)b;
	const struct ct_proc *p = m->nodes[x].p, *q = m->nodes[y].p;
	size_t n = p->name_len < q->name_len ? p->name_len : q->name_len;
	int c = 0;

	switch (ui->v.sort) {
	case VS_NAME:
		/* Roots by pid, as the model orders them: init first. */
		if (ui->sorting_roots)
			return p->pid < q->pid ? -1 : p->pid > q->pid;
		break;
	case VS_PID:
		return p->pid < q->pid ? -1 : p->pid > q->pid;
	case VS_CPU:
		if (ui->cpu[x] != ui->cpu[y])
			return ui->cpu[x] > ui->cpu[y] ? -1 : 1;
		break;
	case VS_MEM:
		if (p->rss_pages != q->rss_pages)
			return p->rss_pages > q->rss_pages ? -1 : 1;
		break;
	case VS_START:
		if (p->start_time != q->start_time)
			return p->start_time < q->start_time ? -1 : 1;
		break;
	default:
		break;
	}
	c = memcmp(p->name, q->name, n);
	if (!c)
		c = p->name_len < q->name_len ? -1 : p->name_len > q->name_len;
	return c ? c : p->pid < q->pid ? -1 : p->pid > q->pid;
}

/*
 * Order the siblings of m (both trees, roots too) as the view's sort says.
 * A model just built (fresh) is in the default order already: by name, or
 * by pid with -n.
 */
static void sort_model(struct tui *ui, struct ct_model *m, bool fresh)
{
	const struct ct_model *shown = ui->v.m;
	size_t i;
	int t;

	if (fresh && ui->v.sort == (ui->s->numeric ? VS_PID : VS_NAME))
		return;
	ui->v.m = m;	/* the comparison reads the model being sorted */
	for (t = 0; t < TREE_COUNT; t++) {
		for (i = 0; i < m->n; i++)
			if (m->nodes[i].nchild[t] > 1)
				qsort_r(m->children[t] + m->nodes[i].first[t],
					m->nodes[i].nchild[t], sizeof(int),
					cmp_siblings, ui);
		ui->sorting_roots = true;
		if (m->nroots[t] > 1)
			qsort_r(m->roots[t], m->nroots[t], sizeof(int), cmp_siblings, ui);
		ui->sorting_roots = false;
	}
	ui->v.m = shown;
}

/* Read the processes again and show them; the old model goes once shown. */
static void rescan(struct tui *ui)
{
	struct tui_args *a = ui->a;
	struct ct_proclist pl = { 0 };
	struct source_report rep;
	struct ct_model m;
	unsigned int want = SOURCE_AGAIN;
	unsigned long long now;
	int err;

	/* A snapshot is all there is: what it shows is already in the model. */
	if (!a->src->live)
		return;
	/* Only the selected process's command line is needed otherwise. */
	if (ui->v.show_args || ui->v.filter_len)
		want |= SOURCE_CMDLINE;
	if (ui->v.show_threads)
		want |= SOURCE_THREADS;
	if (ui->s->ns_changes)
		want |= SOURCE_NS;
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
	model_build(&m, &pl, ui->s->numeric);
	if (ui->v.show_lineage)
		model_lineage(&m);
	take_report(ui, &rep, &m);
	apply_focus(ui, &m);
	if ((ui->s->from_pid || ui->s->by_user) &&
	    !model_show_from(&m, ui->s->from_pid, ui->s->by_user, ui->s->user))
		snprintf(ui->v.msg, sizeof(ui->v.msg), "%s",
			 _("no process left of the PID or USER given; showing all processes"));
	/* Hidden by the view; their other children stay in view as roots. */
	if (!ui->v.show_kthreads)
		model_unlink_kthreads(&m);
	now = now_ms();
	compute_cpu(ui, &m, a->pl, now - ui->scan_ms);
	ui->scan_ms = now;
	sort_model(ui, &m, true);
	view_set_model(&ui->v, &m);
	model_free(a->m);
	proclist_free(a->pl);
	*a->m = m;
	*a->pl = pl;
	/* The view keeps a pointer to the model: point it at its new home. */
	ui->v.m = a->m;
}

/*
 * L on a snapshot: the same records again, the born tree with or without
 * the released ancestors, as the command line built it.
 */
static void rebuild(struct tui *ui)
{
	struct tui_args *a = ui->a;
	struct ct_model m;

	model_build(&m, a->pl, ui->s->numeric);
	if (ui->v.show_lineage)
		model_lineage(&m);
	apply_focus(ui, &m);
	if (ui->s->from_pid || ui->s->by_user)
		model_show_from(&m, ui->s->from_pid, ui->s->by_user, ui->s->user);
	compute_cpu(ui, &m, NULL, 0);
	sort_model(ui, &m, true);
	view_set_model(&ui->v, &m);
	model_free(a->m);
	*a->m = m;
	ui->v.m = a->m;
}

/*
 * What drawing shows but the scan does not hold is fetched here, before
 * drawing, which reads nothing: the selection's command line (the scan
 * reads command lines only when -a shows them) and user names (from the
 * user database; each uid is looked up once and kept).
 */
static void redraw(struct tui *ui)
{
	const struct ct_model *m = ui->v.m;
	size_t i;

	if (ui->v.sel_node >= 0 && !model_is_released(m, ui->v.sel_node)) {
		struct ct_proc *p = proclist_find(ui->a->pl, m->nodes[ui->v.sel_node].p->pid);

		if (p)
			source_fetch_cmdline(ui->a->src, p);
	}
	if (ui->s->uid_changes) {
		for (i = 0; i < m->n; i++)
			users_name(ui->users, m->nodes[i].p->uid);
	} else if (ui->v.sel_node >= 0) {
		users_name(ui->users, m->nodes[ui->v.sel_node].p->uid);
	}
	for (i = 1; ui->v.menu == MENU_USER && i < ui->v.menu_n; i++)
		users_name(ui->users, ui->v.menu_uids[i - 1]);
	if (ui->v.by_user)
		users_name(ui->users, ui->v.user);
	draw(ui);
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
	case KEY_F(2): return VK_F2;
	case KEY_F(3): return VK_F3;
	case KEY_F(4): return VK_F4;
	case KEY_F(5): return VK_F5;
	case KEY_F(6): return VK_F6;
	case KEY_F(7): return VK_F7;
	case KEY_F(8): return VK_F8;
	case KEY_F(9): return VK_F9;
	case KEY_F(10): return VK_F10;
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
	/* The story stays until a key: that key only puts it away. */
	if (ui->story) {
		ui->story = false;
		return VIEW_REDRAW;
	}
	if (ui->help) {
		if (ch == KEY_DOWN || ch == 'j' || ch == KEY_NPAGE) {
			if (ui->help_top + 1 < draw_help_lines(ui))
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
	if (!ui->a->src->live && !ui->v.typing && ui->v.menu == MENU_NONE &&
	    (k == 'r' || k == '[' || k == ']')) {
		snprintf(ui->v.msg, sizeof(ui->v.msg), "%s",
			 _("a snapshot is not refreshed: it shows the processes as they were"));
		return VIEW_REDRAW;
	}
	if (!ui->a->src->ops->signal && !ui->v.typing && ui->v.menu == MENU_NONE &&
	    (k == 'k' || k == VK_F9)) {
		snprintf(ui->v.msg, sizeof(ui->v.msg), "%s",
			 _("a snapshot's processes cannot be signalled: they are as they were"));
		return VIEW_REDRAW;
	}
	return view_key(&ui->v, k);
}

/* Send the signal the menu chose to the process it was opened for. */
static void send_signal(struct tui *ui)
{
	const struct view *v = &ui->v;
	const char *name = NULL;
	struct strbuf who = STRBUF_INIT;
	int idx = model_find(v->m, v->signal_to.pid), err;
	size_t i;

	for (i = 0; i < view_nsignals; i++)
		if (view_signals[i].sig == v->signal)
			name = view_signals[i].name;
	if (idx >= 0 && v->m->nodes[idx].p->start_time == v->signal_to.start)
		label_add_name_pid(&who, v->m->nodes[idx].p, &ui->esc);
	else
		sb_addf(&who, "%d", (int)v->signal_to.pid);
	err = source_signal(ui->a->src, v->signal_to.pid, v->signal_to.start, v->signal);
	if (err == 0)
		snprintf(ui->v.msg, sizeof(ui->v.msg), _("sent SIG%s to %s"), name, who.s);
	else if (err == -EOPNOTSUPP)
		snprintf(ui->v.msg, sizeof(ui->v.msg),
			 _("cannot signal %s: these processes are not this system's (--proc-root)"),
			 who.s);
	else if (err == -ESRCH)
		snprintf(ui->v.msg, sizeof(ui->v.msg), _("cannot signal %s: it has exited"),
			 who.s);
	else
		snprintf(ui->v.msg, sizeof(ui->v.msg), _("cannot signal %s: %s"), who.s,
			 strerror(-err));
	sb_free(&who);
}

/* ---- setup ---- */

static int start_curses(struct tui *ui)
{
	int fd;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -ENOTTY;
	if (!newterm(NULL, stdout, stdin))
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
	ui->color = ui->s->color && has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
		init_pair(PAIR_MOVED, COLOR_YELLOW, -1);
		init_pair(PAIR_MATCH, COLOR_CYAN, -1);
	}
	return 0;
}

int tui_run(struct tui_args *a)
{
	static bool atexit_done;
	struct tui ui;
	unsigned long long next;
	int err, status = CT_EXIT_OK, sig;

	memset(&ui, 0, sizeof(ui));
	ui.a = a;
	ui.s = a->s;
	ui.g = label_glyphs(a->s->utf8_glyphs);
	ui.esc = (struct label_esc){ .out = LABEL_TERMINAL, .utf8 = a->s->utf8 };
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
	ui.v.utf8 = a->s->utf8;
	ui.v.show_args = a->s->arguments;
	ui.v.show_threads = a->s->threads;
	ui.v.show_kthreads = a->s->kthreads;
	/* As text output: with -L, and on the chains a focus shows. */
	ui.v.show_lineage = a->s->lineage || a->s->nfocus;
	ui.v.sort = a->s->numeric ? VS_PID : VS_NAME;
	ui.story = a->story && *a->story;
	ui.page_kb = sysconf(_SC_PAGESIZE) / 1024;
	if (ui.page_kb <= 0)
		ui.page_kb = 4;
	if (a->s->delay_ds)
		ui.v.delay_ds = a->s->delay_ds;
	if (a->s->trees != SHOW_BOTH)
		ui.v.layout = a->s->trees == SHOW_REAL ? VL_REAL : VL_BORN;
	else if (a->s->layout != LAYOUT_AUTO)
		ui.v.layout = a->s->layout == LAYOUT_SIDE ? VL_SIDE : VL_STACKED;
	if (ui.v.layout == VL_BORN)
		ui.v.active = TREE_BORN;
	if (a->s->nfocus) {
		ui.nfocus = a->s->nfocus;
		ui.focus = xreallocarray(NULL, ui.nfocus, sizeof(*ui.focus));
		memcpy(ui.focus, a->s->focus, ui.nfocus * sizeof(*ui.focus));
	}
	ui.scan_ms = now_ms();
	compute_cpu(&ui, a->m, NULL, 0);
	view_set_model(&ui.v, a->m);
	take_report(&ui, a->rep, a->m);
	if (ui.nfocus)
		view_select_pid(&ui.v, ui.focus[0]);

	if (!atexit_done) {
		atexit(restore_terminal);
		atexit_done = true;
	}
	install_signals();
	/* Start dates are local times: read the time zone now, not while drawing. */
	tzset();
	err = start_curses(&ui);
	if (err < 0) {
		restore_terminal();
		fprintf(stderr, err == -ENOTTY ?
			_("%s: -i needs a terminal on standard input and output\n") :
			_("%s: cannot use the terminal (TERM=%s)\n"),
			PACKAGE, err == -ENOTTY ? "" : getenv("TERM") ? getenv("TERM") : "");
		status = CT_EXIT_FAILURE;
		goto out;
	}
	redraw(&ui);
	next = now_ms() + ui.v.delay_ds * 100ULL;
	if (!a->src->live)
		next = ULLONG_MAX;	/* a snapshot: no refresh */
	while (!got_signal) {
		unsigned long long now = now_ms();
		unsigned int flags = 0;
		int ch;

		if (now >= next) {
			rescan(&ui);
			redraw(&ui);
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
		if (flags & VIEW_SIGNAL) {
			char said[sizeof(ui.v.msg)];

			/* What the signal did shows at once, and what was said stays. */
			send_signal(&ui);
			memcpy(said, ui.v.msg, sizeof(said));
			if (a->src->live)
				rescan(&ui);
			memcpy(ui.v.msg, said, sizeof(said));
			next = now_ms() + ui.v.delay_ds * 100ULL;
		}
		if (flags & VIEW_RESORT) {
			sort_model(&ui, a->m, false);
			view_rebuild(&ui.v);
		}
		if (flags & VIEW_LINEAGE && !a->src->live)
			rebuild(&ui);
		if (flags & (VIEW_RESCAN | VIEW_LINEAGE) && a->src->live) {
			rescan(&ui);
			next = now_ms() + ui.v.delay_ds * 100ULL;
		}
		if (flags)
			redraw(&ui);
	}
	quit_cleanly = true;
out:
	restore_terminal();
	sig = got_signal;
	view_free(&ui.v);
	users_free(ui.users);
	free(ui.focus);
	free(ui.cpu);
	draw_free(&ui);
	if (sig) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}
