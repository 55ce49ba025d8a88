// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Process labels: the parts are decided once per process and tree, and
 * written the same way by every output; only the escaping differs.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "label.h"
#include "nls.h"

static const struct tree_glyphs ascii_glyphs = {
	.pipe = "| ", .blank = "  ", .tee = "|-", .ell = "`-", .focus = " <==",
	.ellipsis = "+", .more = "<", .arrow = " <- ", .vline = "|", .hline = "-",
	.unrecorded = "!", .hidden = "^", .highlight = " <#", .born_from = "<=",
	.released = "~",
};

static const struct tree_glyphs utf8_glyphs = {
	.pipe = "\u2502 ", .blank = "  ", .tee = "\u251c\u2500", .ell = "\u2514\u2500",
	.focus = " \u25c0", .ellipsis = "\u2026", .more = "\u2026", .arrow = " \u2190 ",
	.vline = "\u2502", .hline = "\u2500",
	.unrecorded = "\u2205", .hidden = "\u2191", .highlight = " \u25c6", .born_from = "\u21d0",
	.released = "\u2020",
};

const struct tree_glyphs *label_glyphs(bool utf8)
{
	return utf8 ? &utf8_glyphs : &ascii_glyphs;
}

void label_legend(struct strbuf *sb, enum label_mark k, const struct tree_glyphs *g)
{
	switch (k) {
	case MARK_MOVED:
		sb_adds(sb, _("* reparented: the real parent is not where the process was born (its CABA)"));
		break;
	case MARK_BORN_FROM:
		sb_addf(sb, _("%s born under: the reparented process on its left was born under the one on its right (its CABA)"),
			g->born_from);
		break;
	case MARK_INFERRED:
		sb_adds(sb, _("? inferred: under a reaper (init, subreaper) when the recorder started: may hide a reparenting"));
		break;
	case MARK_UNRECORDED:
		sb_addf(sb, _("%s unrecorded: unknown to the recorder (started while it was stopped, or events lost)"),
			g->unrecorded);
		break;
	case MARK_HIDDEN:
		sb_addf(sb, _("%s hidden: its CABA is another user's process, which /proc does not show you"),
			g->hidden);
		break;
	case MARK_RELEASED:
		sb_addf(sb, _("%s released: ended and reaped; the recorder keeps it because a process below descends from it (not a CABA: it is not alive)"),
			g->released);
		break;
	case MARK_HIGHLIGHT:
		sb_addf(sb, _("%s highlighted (-h, -H): the process named and its ancestors"),
			g->highlight + 1);
		break;
	case MARK_COUNT:
		break;
	}
}

void label_ended(char *buf, size_t size, const struct ct_model *m, const struct ct_released *r)
{
	char when[32] = "", how[64] = "";
	const char *sig;
	int st = r->exit_status;

	if (r->end_time && m->clock_ticks > 0 && m->boot_time >= 0) {
		time_t end = (time_t)(m->boot_time +
				      (long long)(r->end_time / (unsigned long long)m->clock_ticks));
		time_t now = (time_t)m->time;
		struct tm te, tn;

		if (localtime_r(&end, &te) && localtime_r(&now, &tn))
			strftime(when, sizeof(when),
				 te.tm_year == tn.tm_year && te.tm_yday == tn.tm_yday ?
				 "%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &te);
	}
	if (st > 0 && st <= 65535 && WIFEXITED(st)) {
		snprintf(how, sizeof(how), _("exited %d"), WEXITSTATUS(st));
	} else if (st > 0 && st <= 65535 && WIFSIGNALED(st)) {
		sig = sigabbrev_np(WTERMSIG(st));
		if (sig)
			snprintf(how, sizeof(how), WCOREDUMP(st) ?
				 _("killed by SIG%s, core dumped") : _("killed by SIG%s"), sig);
		else
			snprintf(how, sizeof(how), WCOREDUMP(st) ?
				 _("killed by signal %d, core dumped") : _("killed by signal %d"),
				 WTERMSIG(st));
	}
	if (r->end_time && when[0])
		snprintf(buf, size, how[0] ? _("ended %s, %s") : _("ended %s"), when, how);
	else if (r->end_time || how[0])
		snprintf(buf, size, how[0] ? _("ended, %s") : _("ended"), how);
	else
		buf[0] = '\0';
}

const char *label_tree_title(enum ct_tree t)
{
	return t == TREE_REAL ? _("REAL TREE (PPid)") : _("BORN TREE (CABA)");
}

void label_esc(struct label_esc *e, struct strbuf *sb, const char *s, size_t n)
{
	switch (e->out) {
	case LABEL_TERMINAL:
		esc_terminal(sb, s, n, e->utf8);
		break;
	case LABEL_DOT:
		/* Graphviz wants UTF-8: invalid bytes become U+FFFD first. */
		sb_reset(&e->tmp);
		esc_valid_utf8(&e->tmp, s, n);
		esc_terminal(sb, e->tmp.s ? e->tmp.s : "", e->tmp.len, true);
		break;
	}
}

void label_esc_free(struct label_esc *e)
{
	sb_free(&e->tmp);
}

const struct ct_proc *label_born_from(const struct ct_model *m, int node)
{
	const struct ct_node *nd = &m->nodes[node];
	int b = nd->parent[TREE_BORN];

	/*
	 * The born parent is the CABA unless the CABA is not in the model or
	 * a cycle through it was broken: then where it was born is not known
	 * here.
	 */
	/* Released ancestors stand between it and its CABA. */
	b = model_alive_above(m, b);
	if (!nd->reparented || nd->p->caba <= 0 || b < 0 || m->nodes[b].p->pid != nd->p->caba)
		return NULL;
	return m->nodes[b].p;
}

void label_build(struct label *lb, const struct ct_model *m, int node,
		 enum ct_tree t, const struct label_opts *o, struct users *users)
{
	const struct ct_node *nd = &m->nodes[node];
	const struct ct_proc *p = nd->p;
	int par = nd->parent[t];

	memset(lb, 0, sizeof(*lb));
	lb->p = p;
	if (nd->released) {
		/* What is known of it: its name, pid and end; -a adds its program. */
		lb->released = nd->released;
		lb->released_glyph = label_glyphs(o->utf8_marks)->released;
		label_ended(lb->ended, sizeof(lb->ended), m, nd->released);
		lb->focus = nd->focus;
		lb->args = o->arguments;
		return;
	}
	/* A user change is told against the closest process above, not a released one. */
	par = model_alive_above(m, par);
	lb->pgid = o->pgids;
	lb->user = o->uid_changes && par >= 0 && m->nodes[par].p->uid != p->uid;
	if (lb->user)
		lb->user_name = users_name(users, p->uid);
	lb->sid = o->sids;
	/*
	 * '*' compares the two trees; in the real one alone, with where the
	 * process was born, when that is known.
	 */
	if (t == TREE_REAL)
		lb->born_from = label_born_from(m, node);
	lb->born_glyph = label_glyphs(o->utf8_marks)->born_from;
	lb->reparented = nd->reparented && (o->born_shown || lb->born_from);
	/*
	 * An inferred CABA whose parent, when the recorder started, was not a
	 * reaper is that parent: its creator. Only the other kind may hide a
	 * reparenting, and only it is marked.
	 */
	lb->inferred = t == TREE_BORN && p->caba_status == CABA_INFERRED &&
		       p->caba_from_reaper;
	lb->unrecorded = t == TREE_BORN && p->caba_status == CABA_UNRECORDED;
	lb->hidden = t == TREE_BORN && p->caba_status == CABA_HIDDEN;
	if (lb->inferred)
		lb->mark = "?";
	else if (lb->unrecorded)
		lb->mark = label_glyphs(o->utf8_marks)->unrecorded;
	else if (lb->hidden)
		lb->mark = label_glyphs(o->utf8_marks)->hidden;
	lb->outside = t == TREE_BORN && p->caba_status == CABA_OUTSIDE;
	lb->focus = nd->focus;
	lb->args = o->arguments && p->has_cmdline && p->cmdline_len;
	if (o->ns_changes) {
		int k;

		for (k = 0; k < NS_COUNT; k++)
			if (model_ns_changed(m, node, (enum ct_ns)k, t))
				lb->ns_changed |= 1u << k;
	}
}

void label_add_head(struct strbuf *sb, const struct label *lb, struct label_esc *e,
		    bool with_pid)
{
	const struct ct_proc *p = lb->p;
	int k;

	label_esc(e, sb, p->name, p->name_len);
	if (with_pid || lb->pgid || lb->user || lb->ns_changed) {
		const char *sep = "";

		sb_addc(sb, '(');
		if (with_pid) {
			sb_adduint(sb, (unsigned long long)p->pid);
			sep = ",";
		}
		if (lb->pgid) {
			sb_adds(sb, sep);
			sb_adduint(sb, (unsigned long long)p->pgid);
			sep = ",";
		}
		if (lb->user) {
			sb_adds(sb, sep);
			if (lb->user_name)
				label_esc(e, sb, lb->user_name, strlen(lb->user_name));
			else
				sb_adduint(sb, (unsigned long long)p->uid);
			sep = ",";
		}
		/* pstree -S: the namespaces entered, by type. */
		for (k = 0; k < NS_COUNT; k++) {
			if (lb->ns_changed & (1u << k)) {
				sb_adds(sb, sep);
				sb_adds(sb, ct_ns_name[k]);
				sep = ",";
			}
		}
		sb_addc(sb, ')');
	}
	if (lb->reparented)
		sb_addc(sb, '*');
	if (lb->mark)
		sb_adds(sb, lb->mark);
	if (lb->released) {
		sb_adds(sb, lb->released_glyph);
		if (lb->ended[0] || lb->released->lineage_cut) {
			sb_adds(sb, " [");
			sb_adds(sb, lb->ended);
			if (lb->released->lineage_cut)
				sb_adds(sb, lb->ended[0] ? _("; its creator was not kept") :
					_("its creator was not kept"));
			sb_addc(sb, ']');
		}
	}
	if (lb->sid) {
		sb_adds(sb, " [sid ");
		sb_adduint(sb, (unsigned long long)p->sid);
		sb_addc(sb, ']');
	}
	if (lb->born_from) {
		sb_addc(sb, ' ');
		sb_adds(sb, lb->born_glyph);
		sb_addc(sb, ' ');
		label_add_name_pid(sb, lb->born_from, e);
	}
}

void label_add_args(struct strbuf *sb, const struct label *lb, struct label_esc *e)
{
	struct args_iter it;
	const char *a;
	size_t n;

	if (lb->released && lb->args && lb->released->program) {
		sb_addc(sb, ' ');
		label_esc(e, sb, lb->released->program, lb->released->program_len);
		return;
	}
	if (!lb->args)
		return;
	args_iter_init(&it, lb->p, true);
	while (args_iter_next(&it, &a, &n)) {
		sb_addc(sb, ' ');
		label_esc(e, sb, a, n);
	}
}

void label_add_thread(struct strbuf *sb, const struct ct_proc *p, size_t i,
		      struct label_esc *e, bool with_tid)
{
	const struct ct_thread *th = &p->threads[i];

	sb_addc(sb, '{');
	label_esc(e, sb, th->name, th->name_len);
	sb_addc(sb, '}');
	if (with_tid) {
		sb_addc(sb, '(');
		sb_adduint(sb, (unsigned long long)th->tid);
		sb_addc(sb, ')');
	}
}

void label_add_name_pid(struct strbuf *sb, const struct ct_proc *p, struct label_esc *e)
{
	label_esc(e, sb, p->name, p->name_len);
	sb_addc(sb, '(');
	sb_adduint(sb, (unsigned long long)p->pid);
	sb_addc(sb, ')');
}

void args_iter_init(struct args_iter *it, const struct ct_proc *p, bool skip_argv0)
{
	/* No arguments (a kernel thread) may have no buffer at all. */
	if (!p->has_cmdline || !p->cmdline_len || !p->cmdline) {
		it->s = it->end = NULL;
		return;
	}
	it->s = p->cmdline;
	it->end = p->cmdline + p->cmdline_len;
	if (skip_argv0) {
		const char *z = memchr(it->s, '\0', p->cmdline_len);

		it->s = z ? z + 1 : it->end;
	}
}

bool args_iter_next(struct args_iter *it, const char **s, size_t *len)
{
	const char *z;

	if (!it->s || it->s >= it->end)
		return false;
	z = memchr(it->s, '\0', (size_t)(it->end - it->s));
	if (!z)
		z = it->end;
	*s = it->s;
	*len = (size_t)(z - it->s);
	it->s = z < it->end ? z + 1 : it->end;
	return true;
}
