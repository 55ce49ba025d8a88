// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"
#include "procfs.h"
#include "recorder/born.h"
#include "recorder/query.h"
#include "recorder/source.h"
#include "xalloc.h"

const char *recorder_state_path(void)
{
	const char *env = getenv("CABATREE_STATE");

	return env && *env ? env : STATE_DEFAULT_PATH;
}

/* How long cabatree waits for an answer beyond what it lets cabatreed wait. */
#define ASK_MARGIN_MS 500

/* Is the link p -> (caba, caba_start) drawable here? */
static bool caba_shown(const struct ct_proclist *pl, pid_t caba,
		       unsigned long long caba_start)
{
	const struct ct_proc *c;

	if (caba == 0)
		return true;	/* the idle task */
	c = proclist_find(pl, caba);
	return c && c->start_time == caba_start;
}

/*
 * The recorder's answer about every process of pl, in order. A CABA not in
 * pl: the recorder answered after the scan, so it was alive then; the
 * scan missed it (it raced the scan, or /proc hides it). Its pid would
 * draw a link to nothing or, reused, to another process: it is hidden.
 */
static void apply_answer(struct ct_proclist *pl, const struct proto_answer *a,
			 struct rec_source *rs)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		struct ct_proc *p = &pl->v[i];
		const struct proto_entry *e = &a->v[i];

		p->caba = 0;
		p->caba_from_reaper = false;
		switch (e->kind) {
		case PK_WITNESSED:
			p->caba_status = CABA_WITNESSED;
			break;
		case PK_INFERRED:
			p->caba_status = CABA_INFERRED;
			break;
		case PK_REAPER:
			p->caba_status = CABA_INFERRED;
			p->caba_from_reaper = true;
			break;
		case PK_DEFINED:
			p->caba_status = CABA_DEFINED;
			continue;
		case PK_OUTSIDE:
			p->caba_status = CABA_OUTSIDE;
			continue;
		case PK_HIDDEN:
			p->caba_status = CABA_HIDDEN;
			rs->hidden++;
			continue;
		default:
			p->caba_status = CABA_UNRECORDED;
			rs->unmatched++;
			continue;
		}
		if (!caba_shown(pl, e->caba, e->caba_start)) {
			p->caba_status = CABA_HIDDEN;
			p->caba_from_reaper = false;
			rs->hidden++;
			continue;
		}
		p->caba = e->caba;
	}
	recorder_answer_lineage(pl, a);
	snprintf(rs->meta.backend, sizeof(rs->meta.backend), "%s", a->backend);
	rs->meta.lost = a->lost;
	rs->running = true;
	rs->live = true;
	rs->filtered = a->filtered;
}

/* ---- lineage ---- */

/* A released ancestor of pl, found again by (pid, start); k: its made_by, 0: free slot. */
struct rel_slot {
	pid_t pid;
	unsigned long long start;
	size_t k;
};

struct rel_set {
	struct rel_slot *v;
	size_t mask;
};

static void rel_set_init(struct rel_set *s, size_t max)
{
	size_t cap = 16;

	while (cap < max * 2 + 2)
		cap *= 2;
	s->v = xcalloc(cap, sizeof(*s->v));
	s->mask = cap - 1;
}

/* The slot of (pid, start): its own, or the free one it is to take. */
static struct rel_slot *rel_set_at(const struct rel_set *s, pid_t pid,
				   unsigned long long start)
{
	size_t i = ((size_t)pid * 0x9e3779b1U ^ (size_t)start * 31) & s->mask;

	while (s->v[i].k && (s->v[i].pid != pid || s->v[i].start != start))
		i = (i + 1) & s->mask;
	return &s->v[i];
}

/* Whose link to its creator is set: a process of pl, or a released ancestor. */
struct link {
	bool released;
	size_t i;
};

static void set_link(struct ct_proclist *pl, struct link l, size_t made_by, bool cut)
{
	if (l.released) {
		pl->released[l.i].made_by = made_by;
		pl->released[l.i].lineage_cut = cut;
	} else {
		pl->v[l.i].made_by = made_by;
		pl->v[l.i].lineage_cut = cut;
	}
}

/* A text of n bytes as the records keep it: NULL when empty (not known). */
static char *text_or_null(const char *s, size_t n, size_t *len)
{
	char *t;

	*len = s ? n : 0;
	if (!s || !n)
		return NULL;
	t = xmalloc(n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

/* Append a released ancestor to pl, its creator not yet set: its made_by. */
static size_t add_released(struct ct_proclist *pl, pid_t pid, unsigned long long start,
			   unsigned long long end, int status, const char *name,
			   const char *program)
{
	struct ct_released *r;
	size_t n = pl->nreleased;

	if ((n & (n - 1)) == 0)
		pl->released = xreallocarray(pl->released, n ? n * 2 : 4, sizeof(*pl->released));
	r = &pl->released[n];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->start_time = start;
	r->end_time = end;
	r->exit_status = status;
	r->name = text_or_null(name, name ? strnlen(name, BORN_COMM_LEN - 1) : 0, &r->name_len);
	r->program = text_or_null(program, program ? strlen(program) : 0, &r->program_len);
	pl->nreleased = n + 1;
	return n + 1;
}

/* Does p's CABA carry a lineage: known, and shown? */
static bool lineage_wanted(const struct ct_proc *p)
{
	return p->caba_status == CABA_WITNESSED || p->caba_status == CABA_INFERRED;
}

static void lineage_clear(struct ct_proclist *pl)
{
	size_t i;

	for (i = 0; i < pl->nreleased; i++)
		released_free(&pl->released[i]);
	free(pl->released);
	pl->released = NULL;
	pl->nreleased = 0;
	for (i = 0; i < pl->n; i++) {
		pl->v[i].made_by = 0;
		pl->v[i].lineage_cut = false;
	}
	pl->meta.has_lineage = false;
	pl->meta.lineage_dropped = 0;
}

void recorder_answer_lineage(struct ct_proclist *pl, const struct proto_answer *a)
{
	struct rel_set idx;
	size_t i, *to_pl;

	lineage_clear(pl);
	if (!a->lineage || a->n != pl->n)
		return;
	pl->meta.has_lineage = true;
	pl->meta.lineage_dropped = a->dropped;
	rel_set_init(&idx, a->nrel);
	for (i = 0; i < a->nrel; i++) {
		struct rel_slot *sl = rel_set_at(&idx, a->rel[i].pid, a->rel[i].start);

		sl->pid = a->rel[i].pid;
		sl->start = a->rel[i].start;
		sl->k = i + 1;
	}
	to_pl = xcalloc(a->nrel ? a->nrel : 1, sizeof(*to_pl));
	for (i = 0; i < pl->n; i++) {
		const struct proto_entry *e = &a->v[i];
		struct link l = { false, i };
		pid_t pid = e->creator;
		unsigned long long start = e->creator_start;
		size_t steps;

		/* A CABA hidden or not known: nothing above the process either. */
		if (!lineage_wanted(&pl->v[i]))
			continue;
		/* The parser saw a forest: each chain ends within nrel steps. */
		for (steps = 0; steps <= a->nrel; steps++) {
			const struct rel_slot *sl;
			const struct proto_released *r;
			size_t k;

			if (!pid) {
				set_link(pl, l, 0, start == 1);
				break;
			}
			sl = rel_set_at(&idx, pid, start);
			if (!sl->k)
				break;
			if (to_pl[sl->k - 1]) {
				set_link(pl, l, to_pl[sl->k - 1], false);
				break;
			}
			r = &a->rel[sl->k - 1];
			k = add_released(pl, r->pid, r->start, r->end, r->status, r->name, r->program);
			to_pl[sl->k - 1] = k;
			set_link(pl, l, k, false);
			l.released = true;
			l.i = k - 1;
			pid = r->creator;
			start = r->creator_start;
		}
	}
	free(to_pl);
	free(idx.v);
}

/*
 * One step up a chain of creators in the state file, from (pid, start):
 * a released ancestor of the file, or a process it held that the scan no
 * longer shows (it ended since; when, the file cannot say). NULL and
 * *alive when the scan shows it; NULL when the file does not know it.
 */
struct file_step {
	pid_t pid, creator;
	unsigned long long start, creator_start, end;
	int status;
	bool cut;
	const char *comm, *path;
};

static bool file_step(const struct state *st, const struct rel_set *rels,
		      const struct ct_proclist *pl, pid_t pid, unsigned long long start,
		      struct file_step *fs, bool *alive)
{
	const struct rel_slot *sl;
	const struct state_released *r;
	const struct state_entry *e;

	*alive = caba_shown(pl, pid, start);
	if (*alive)
		return false;
	sl = rel_set_at(rels, pid, start);
	r = sl->k ? &st->rel[sl->k - 1] : NULL;
	if (r) {
		*fs = (struct file_step){ r->pid, r->creator, r->start, r->creator_start,
					  proto_ticks(r->end_nsec), r->exit_status, r->cut,
					  r->comm, r->path };
		return true;
	}
	e = state_find(st, pid, start);
	if (e) {
		*fs = (struct file_step){ e->pid, e->creator, e->start, e->creator_start, 0, -1,
					  e->cut, e->comm, e->path };
		return true;
	}
	return false;
}

/*
 * Does e's chain of creators, as the scan shows it, end at p's CABA (or
 * where the file knows no more)? A file is older than the scan: a chain
 * that meets another living process, or goes round, says nothing sure.
 */
static bool file_chain_ends_at_caba(const struct state *st, const struct rel_set *rels,
				    const struct ct_proclist *pl, const struct state_entry *e,
				    const struct ct_proc *p)
{
	pid_t pid = e->creator;
	unsigned long long start = e->creator_start;
	struct file_step fs;
	size_t steps;
	bool alive;

	for (steps = 0; steps <= st->n + st->nrel; steps++) {
		if (!pid)
			return true;
		if (!file_step(st, rels, pl, pid, start, &fs, &alive))
			return !alive || pid == p->caba;
		pid = fs.creator;
		start = fs.creator_start;
	}
	return false;
}

void recorder_file_lineage(struct ct_proclist *pl, const struct state *st)
{
	struct rel_set seen, rels;
	size_t i;

	lineage_clear(pl);
	if (st->version < 4)
		return;
	pl->meta.has_lineage = true;
	pl->meta.lineage_dropped = st->meta.dropped;
	/* The file's released ancestors by (pid, start); the first of twins wins. */
	rel_set_init(&rels, st->nrel);
	for (i = 0; i < st->nrel; i++) {
		struct rel_slot *sl = rel_set_at(&rels, st->rel[i].pid, st->rel[i].start);

		if (!sl->k)
			*sl = (struct rel_slot){ st->rel[i].pid, st->rel[i].start, i + 1 };
	}
	rel_set_init(&seen, 64);
	for (i = 0; i < pl->n; i++) {
		const struct state_entry *e;
		struct link l = { false, i };
		pid_t pid;
		unsigned long long start;
		bool cut, alive;
		size_t steps;

		if (!lineage_wanted(&pl->v[i]))
			continue;
		e = state_find(st, pl->v[i].pid, pl->v[i].start_time);
		if (!e || !file_chain_ends_at_caba(st, &rels, pl, e, &pl->v[i]))
			continue;
		pid = e->creator;
		start = e->creator_start;
		cut = e->cut;
		for (steps = 0; steps <= st->n + st->nrel; steps++) {
			struct rel_slot *sl;
			struct file_step fs;
			size_t k;

			if (!pid) {
				set_link(pl, l, 0, cut);
				break;
			}
			sl = rel_set_at(&seen, pid, start);
			if (sl->k) {
				set_link(pl, l, sl->k, false);
				break;
			}
			if (!file_step(st, &rels, pl, pid, start, &fs, &alive)) {
				set_link(pl, l, 0, false);	/* its CABA, or not known */
				break;
			}
			k = add_released(pl, fs.pid, fs.start, fs.end, fs.status, fs.comm, fs.path);
			sl->pid = pid;
			sl->start = start;
			sl->k = k;
			set_link(pl, l, k, false);
			l.released = true;
			l.i = k - 1;
			pid = fs.creator;
			start = fs.creator_start;
			cut = fs.cut;
			/* Kept at most half full. */
			if (pl->nreleased * 2 + 2 > seen.mask + 1) {
				struct rel_set bigger;
				size_t j;

				rel_set_init(&bigger, pl->nreleased * 2);
				for (j = 0; j <= seen.mask; j++) {
					if (seen.v[j].k)
						*rel_set_at(&bigger, seen.v[j].pid, seen.v[j].start) =
							seen.v[j];
				}
				free(seen.v);
				seen = bigger;
			}
		}
	}
	free(seen.v);
	free(rels.v);
}

/* Ask the recorder at path's socket about pl: 0 and rs filled, or -errno. */
static int ask(const char *path, unsigned long long pidns, struct ct_proclist *pl,
	       struct rec_source *rs, char *err, size_t errlen)
{
	struct proto_request q = { .pidns = pidns, .wait_ms = PROTO_DEFAULT_WAIT_MS };
	struct proto_answer a;
	char *sock;
	size_t i;
	int ret;

	sock = xmalloc(strlen(path) + sizeof(PROTO_SOCKET_SUFFIX));
	strcpy(sock, path);
	strcat(sock, PROTO_SOCKET_SUFFIX);
	q.n = pl->n;
	q.v = xreallocarray(NULL, q.n ? q.n : 1, sizeof(*q.v));
	for (i = 0; i < pl->n; i++) {
		q.v[i].pid = pl->v[i].pid;
		q.v[i].start = pl->v[i].start_time;
	}
	ret = recorder_ask_newest(sock, &q, &a, PROTO_DEFAULT_WAIT_MS + ASK_MARGIN_MS, err,
				  errlen);
	if (ret == 0) {
		apply_answer(pl, &a, rs);
		proto_answer_free(&a);
	}
	free(q.v);
	free(sock);
	return ret;
}

/*
 * The CABA of e from the state file: its CABA if the scan shows it, else
 * that one's, and so on (a CABA that died since the file was written is
 * no longer the closest alive one). Inferred if any link on the way is.
 * false when the chain leaves the file: the file cannot tell.
 */
static bool file_caba(const struct state *st, const struct ct_proclist *pl,
		      const struct state_entry *e, struct ct_proc *p)
{
	bool inferred = false, from_reaper = false;
	size_t steps;

	for (steps = 0; e && steps <= st->n; steps++) {
		inferred |= e->inferred;
		from_reaper |= e->inferred && e->from_reaper;
		if (e->caba == 0)
			break;	/* none known: only pid 1 and kthreadd have none */
		if (caba_shown(pl, e->caba, e->caba_start)) {
			p->caba = e->caba;
			p->caba_status = inferred ? CABA_INFERRED : CABA_WITNESSED;
			p->caba_from_reaper = from_reaper;
			return true;
		}
		e = state_find(st, e->caba, e->caba_start);
	}
	return false;
}

/* The state file, when the recorder did not answer (why: ask_err). */
static void apply_file(int dirfd, const char *path, unsigned long long pidns,
		       struct ct_proclist *pl, struct rec_source *rs,
		       const char *ask_err)
{
	struct state st;
	char boot[64];
	const struct ct_proc *d;
	size_t i;
	int err;

	err = state_load(path, &st, rs->err, sizeof(rs->err));
	if (err == -ENOENT) {
		rs->result = REC_ABSENT;
		return;
	}
	if (err == -EACCES || err == -EPERM) {
		rs->result = REC_DENIED;
		return;
	}
	if (err == -EBADMSG) {
		rs->result = REC_BAD;
		return;
	}
	if (err < 0) {
		rs->result = REC_ERROR;
		rs->err_no = -err;
		return;
	}
	/* Anyone else could have written anything: not a word of it is used. */
	if (st.owner != 0 && st.owner != geteuid()) {
		rs->result = REC_UNTRUSTED;
		rs->err_no = (int)st.owner;
		rs->err[0] = '\0';
		state_free(&st);
		return;
	}
	rs->meta = st.meta;
	state_boot_id(boot, sizeof(boot));
	if (strcmp(boot, st.meta.boot_id) != 0) {
		rs->result = REC_STALE;
		state_free(&st);
		return;
	}
	if (st.meta.pidns != pidns) {
		/* Its pids are another namespace's: none of them is meant here. */
		rs->result = procfs_is_own(dirfd) ? REC_STALE : REC_FOREIGN;
		snprintf(rs->err, sizeof(rs->err), "%s", ask_err);
		state_free(&st);
		return;
	}
	d = proclist_find(pl, st.meta.daemon_pid);
	rs->running = d && d->start_time == st.meta.daemon_start;
	rs->stopped_at = st.meta.updated;
	snprintf(rs->err, sizeof(rs->err), "%s", ask_err);
	for (i = 0; i < pl->n; i++) {
		struct ct_proc *p = &pl->v[i];
		const struct state_entry *e = state_find(&st, p->pid, p->start_time);

		p->caba = 0;
		p->caba_from_reaper = false;
		/* pid 1 and kthreadd: the idle task, by definition. */
		if (e && (e->defined || (e->caba == 0 && st.version < 3))) {
			p->caba_status = CABA_DEFINED;
			continue;
		}
		if (!e || !file_caba(&st, pl, e, p)) {
			/* Started since the file was written, or its chain is lost. */
			p->caba_status = CABA_UNRECORDED;
			rs->unmatched++;
		}
	}
	recorder_file_lineage(pl, &st);
	rs->result = REC_USED;
	state_free(&st);
}

void recorder_apply(int dirfd, const char *path, struct ct_proclist *pl,
		    struct rec_source *rs)
{
	unsigned long long pidns;
	char ask_err[sizeof(rs->err)];
	int ret;

	memset(rs, 0, sizeof(*rs));
	lineage_clear(pl);
	pidns = procfs_root_pid_ns(dirfd, pl);
	if (!pidns) {
		rs->result = REC_NS_UNKNOWN;
		return;
	}
	ret = ask(path, pidns, pl, rs, ask_err, sizeof(ask_err));
	if (ret == -EPERM) {
		rs->result = REC_UNTRUSTED;
		rs->err_no = atoi(ask_err);
		snprintf(rs->err, sizeof(rs->err), "%s", PROTO_SOCKET_SUFFIX);
		return;
	}
	if (ret < 0)
		apply_file(dirfd, path, pidns, pl, rs, ask_err);
	else
		rs->result = REC_USED;
	rs->meta.pidns = pidns;
	if (rs->result == REC_USED) {
		pl->meta.caba_source_given = true;
		pl->meta.caba_source = CABA_SRC_RECORDER;
	}
}

bool recorder_wanted(const struct ct_proclist *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		if (pl->v[i].caba_status != CABA_UNKNOWN)
			return false;
	}
	return true;
}

void recorder_explain(const struct rec_source *rs, const char *path,
		      char *buf, size_t size)
{
	static const char *const todo = N_("start the recorder, cabatreed, as root "
					   "(systemctl start cabatreed), or run "
					   "'cabatree --demo' as root to see it at work");

	switch (rs->result) {
	case REC_ABSENT:
		snprintf(buf, size, _("the born (CABA) tree is unknown: this kernel has no CABA "
				      "support and the recorder is not running; %s"), _(todo));
		break;
	case REC_DENIED:
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder did not "
				      "answer, and its state file '%s' is readable by root only "
				      "(cabatreed keeps it so when /proc hides processes); run "
				      "cabatree as root"), path);
		break;
	case REC_STALE:
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder's state file "
				      "'%s' was written for another boot or pid namespace; %s"),
			 path, _(todo));
		break;
	case REC_BAD:
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder's state file "
				      "'%s' is malformed (%s); restart cabatreed"), path, rs->err);
		break;
	case REC_ERROR:
		snprintf(buf, size, _("the born (CABA) tree is unknown: cannot read the recorder's "
				      "state file '%s': %s"), path, strerror(rs->err_no));
		break;
	case REC_UNTRUSTED:
		if (rs->err[0]) {	/* its socket's listener */
			snprintf(buf, size, _("the born (CABA) tree is unknown: uid %d listens on "
					      "the recorder's socket '%s%s', neither root nor you, "
					      "so it is not asked; %s"), rs->err_no, path, rs->err,
				 _(todo));
			break;
		}
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder's state file "
				      "'%s' belongs to uid %d, neither root nor you, so it is not "
				      "trusted; %s"), path, rs->err_no, _(todo));
		break;
	case REC_NS_UNKNOWN:
		snprintf(buf, size, "%s", _("the born (CABA) tree is unknown: the pid namespace of "
					    "this procfs cannot be told (no process in it whose "
					    "ns/pid may be read), so the recorder is not asked; "
					    "run cabatree as root"));
		break;
	case REC_FOREIGN:
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder did not "
				      "answer (%s), and its state file '%s' is for another pid "
				      "namespace; %s"), rs->err, path, _(todo));
		break;
	case REC_USED:
		snprintf(buf, size, _("the recorder's state file '%s' has no process of this "
				      "system; %s"), path, _(todo));
		break;
	}
}

void recorder_stopped_str(const struct rec_source *rs, char *buf, size_t size)
{
	time_t t = (time_t)rs->stopped_at, now = time(NULL);
	struct tm tm, today;

	buf[0] = '\0';
	if (rs->stopped_at <= 0 || !localtime_r(&t, &tm) || !localtime_r(&now, &today))
		return;
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, size, "%H:%M:%S", &tm);
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}
