// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The released ancestors of an answer. Several processes answered share
 * ancestors (the children of one double fork, a shell's jobs): each is
 * listed once, found again through a hash of the table's entries. Walks
 * are bounded by the table's size, so a table that went wrong cannot
 * hang the daemon.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/answer.h"
#include "xalloc.h"

#define STATUS_MAX 0xffff	/* a wait status fits in 16 bits */

/* Released ancestors listed so far: their born entries, to index in a->rel. */
struct seen {
	const struct born_proc **key;
	size_t *idx;
	size_t mask, n;
};

static size_t hash_ptr(const void *p)
{
	uintptr_t v = (uintptr_t)p;

	v ^= v >> 17;
	v *= (uintptr_t)0x9e3779b97f4a7c15ULL;
	return (size_t)(v ^ (v >> 29));
}

static size_t seen_get(const struct seen *s, const struct born_proc *p)
{
	size_t i = hash_ptr(p) & s->mask;

	for (; s->key[i]; i = (i + 1) & s->mask) {
		if (s->key[i] == p)
			return s->idx[i];
	}
	return SIZE_MAX;
}

static void seen_put(struct seen *s, const struct born_proc *p, size_t idx)
{
	size_t i;

	if ((s->n + 1) * 2 > s->mask + 1) {
		struct seen bigger = { NULL, NULL, s->mask * 2 + 1, 0 };

		bigger.key = xcalloc(bigger.mask + 1, sizeof(*bigger.key));
		bigger.idx = xcalloc(bigger.mask + 1, sizeof(*bigger.idx));
		for (i = 0; i <= s->mask; i++) {
			if (s->key[i])
				seen_put(&bigger, s->key[i], s->idx[i]);
		}
		free(s->key);
		free(s->idx);
		*s = bigger;
	}
	i = hash_ptr(p) & s->mask;
	while (s->key[i])
		i = (i + 1) & s->mask;
	s->key[i] = p;
	s->idx[i] = idx;
	s->n++;
}

static bool kind_has_caba(char k)
{
	return k == PK_WITNESSED || k == PK_INFERRED || k == PK_REAPER;
}

/* r from the released ancestor p; its creator is set by the next step. */
static void fill_released(struct proto_released *r, const struct born_proc *p)
{
	memset(r, 0, sizeof(*r));
	r->pid = p->pid;
	r->start = p->start;
	r->end = proto_ticks(p->end_nsec);
	r->status = p->exit_status >= 0 && p->exit_status <= STATUS_MAX ? p->exit_status : -1;
	memcpy(r->name, p->comm, strnlen(p->comm, sizeof(p->comm) - 1));
	if (p->path && p->path[0])
		r->program = xstrndup(p->path, strnlen(p->path, BORN_PATH_MAX - 1));
}

void answer_lineage(const struct born_table *t, struct proto_answer *a)
{
	size_t budget = PROTO_MAX_RELEASED(a->n), cap = 0, i;
	struct seen s = { NULL, NULL, 63, 0 };

	a->lineage = true;
	a->dropped = t->dropped;
	a->rel = NULL;
	a->nrel = 0;
	s.key = xcalloc(s.mask + 1, sizeof(*s.key));
	s.idx = xcalloc(s.mask + 1, sizeof(*s.idx));
	for (i = 0; i < a->n; i++) {
		struct proto_entry *e = &a->v[i];
		const struct born_proc *cur, *c;
		size_t from = SIZE_MAX, steps;	/* the link to set: e's, else a->rel[from]'s */
		size_t first = a->nrel;		/* what this walk lists */
		pid_t pid = 0;
		unsigned long long start = 0;

		e->creator = 0;
		e->creator_start = 0;
		if (!kind_has_caba(e->kind))
			continue;
		cur = born_find(t, e->pid, e->start);
		for (steps = 0; cur; steps++) {
			size_t idx;

			c = cur->creator;
			pid = 0;
			start = 0;
			if (!c) {
				start = cur->lineage_cut ? 1 : 0;
				break;
			}
			/* The first one alive, or the CABA answered: the chain ends. */
			if (!c->released || (c->pid == e->caba && c->start == e->caba_start))
				break;
			if (steps > t->nreleased) {
				start = 1;	/* longer than the table: cut */
				break;
			}
			pid = c->pid;
			start = c->start;
			idx = seen_get(&s, c);
			if (idx != SIZE_MAX && idx >= first) {
				pid = 0;
				start = 1;	/* listed by this walk: goes round, cut */
				break;
			}
			if (idx != SIZE_MAX)
				break;	/* listed with the rest of its chain */
			if (a->nrel == budget) {
				pid = 0;
				start = 1;
				break;
			}
			if (a->nrel == cap) {
				cap = cap ? cap * 2 : 16;
				a->rel = xreallocarray(a->rel, cap, sizeof(*a->rel));
			}
			idx = a->nrel++;
			fill_released(&a->rel[idx], c);
			seen_put(&s, c, idx);
			if (from == SIZE_MAX) {
				e->creator = pid;
				e->creator_start = start;
			} else {
				a->rel[from].creator = pid;
				a->rel[from].creator_start = start;
			}
			from = idx;
			cur = c;
		}
		if (from == SIZE_MAX) {
			e->creator = pid;
			e->creator_start = start;
		} else {
			a->rel[from].creator = pid;
			a->rel[from].creator_start = start;
		}
	}
	free(s.key);
	free(s.idx);
}
