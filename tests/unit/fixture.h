/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process lists built by hand for the unit tests, as a scan would give
 * them.  The tests fill in records only here, so that a change of the
 * record type is made once.  Include unit.h (and cmocka.h before it) first.
 */
#ifndef CABATREE_TESTS_FIXTURE_H
#define CABATREE_TESTS_FIXTURE_H

#include "records.h"
#include "unit.h"

/* Append a zeroed process to pl, as procfs_scan would (include cmocka.h first). */
static inline struct ct_proc *pl_new(struct ct_proclist *pl)
{
	struct ct_proc *p;

	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 8;
		pl->v = realloc(pl->v, pl->cap * sizeof(*pl->v));
		assert_non_null(pl->v);
	}
	p = &pl->v[pl->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* One process as a test gives it; bytes with explicit lengths. */
struct fx_proc {
	pid_t pid, ppid, caba;
	enum caba_status cs;
	const char *name;
	size_t name_len;
	const char *cmdline;	/* NULL: not read */
	size_t cmdline_len;
	uid_t uid;
	pid_t pgid, sid;
	char state;
	unsigned long long start_time;
	int nthreads;
	bool from_reaper;	/* with CABA_INFERRED: caba_from_reaper */
};

/* A copy of len bytes of s, NUL-terminated as the records are. */
static inline char *fx_bytes(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	assert_non_null(d);
	if (len)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Append the process s to pl, every field as given. */
static inline struct ct_proc *fx_add(struct ct_proclist *pl, const struct fx_proc *s)
{
	struct ct_proc *p = pl_new(pl);

	p->pid = s->pid;
	p->ppid = s->ppid;
	p->caba = s->caba;
	p->caba_status = s->cs;
	p->caba_from_reaper = s->from_reaper;
	p->name = fx_bytes(s->name, s->name_len);
	p->name_len = s->name_len;
	if (s->cmdline) {
		p->cmdline = fx_bytes(s->cmdline, s->cmdline_len);
		p->cmdline_len = s->cmdline_len;
		p->has_cmdline = true;
	}
	p->uid = s->uid;
	p->pgid = s->pgid;
	p->sid = s->sid;
	p->state = s->state;
	p->start_time = s->start_time;
	p->nthreads = s->nthreads;
	return p;
}

/*
 * A plain process named name: leader of its own group and session,
 * sleeping, one thread, started at start, arguments not read.
 */
static inline struct ct_proc *fx_add_plain(struct ct_proclist *pl, pid_t pid, pid_t ppid,
					   pid_t caba, enum caba_status cs,
					   const char *name, uid_t uid,
					   unsigned long long start)
{
	const struct fx_proc s = {
		.pid = pid, .ppid = ppid, .caba = caba, .cs = cs,
		.name = name, .name_len = strlen(name),
		.uid = uid, .pgid = pid, .sid = pid, .state = 'S',
		.start_time = start, .nthreads = 1,
	};

	return fx_add(pl, &s);
}

#endif
