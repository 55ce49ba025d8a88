// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "recorder/born.h"
#include "xalloc.h"

static size_t hash_pid(pid_t pid, size_t mask)
{
	return ((size_t)(unsigned int)pid * 2654435761u) & mask;
}

void born_init(struct born_table *t)
{
	memset(t, 0, sizeof(*t));
	t->mask = 255;
	t->buckets = xcalloc(t->mask + 1, sizeof(*t->buckets));
	t->max_released = BORN_DEFAULT_MAX_RELEASED;
}

void born_free(struct born_table *t)
{
	struct born_proc *p, *nx;
	size_t i;

	for (i = 0; t->buckets && i <= t->mask; i++) {
		for (p = t->buckets[i]; p; p = nx) {
			nx = p->hnext;
			free(p->path);
			free(p);
		}
	}
	for (p = t->released; p; p = nx) {
		nx = p->rnext;
		free(p->path);
		free(p);
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/*
 * The lineage. Every kept process (alive or released) is on its creator's
 * made list; a released one is kept while that list of its own is not
 * empty. Emptying it frees the released process, which leaves its own
 * creator's list, and so on up: each process is freed once, so the
 * cascades cost O(1) per event, amortised.
 */
static void made_add(struct born_proc *c, struct born_proc *p)
{
	p->creator = c;
	p->mprev = NULL;
	p->mnext = c->made;
	if (c->made)
		c->made->mprev = p;
	c->made = p;
}

/* Take p off its creator's list; NULL if none. */
static struct born_proc *made_del(struct born_proc *p)
{
	struct born_proc *c = p->creator;

	if (!c)
		return NULL;
	if (p->mprev)
		p->mprev->mnext = p->mnext;
	else
		c->made = p->mnext;
	if (p->mnext)
		p->mnext->mprev = p->mprev;
	p->mnext = p->mprev = NULL;
	p->creator = NULL;
	return c;
}

static void released_del(struct born_table *t, struct born_proc *p)
{
	if (p->rprev)
		p->rprev->rnext = p->rnext;
	else
		t->released = p->rnext;
	if (p->rnext)
		p->rnext->rprev = p->rprev;
	else
		t->released_last = p->rprev;
	p->rnext = p->rprev = NULL;
	t->nreleased--;
}

static void released_add(struct born_table *t, struct born_proc *p)
{
	p->released = true;
	p->rnext = NULL;
	p->rprev = t->released_last;
	if (t->released_last)
		t->released_last->rnext = p;
	else
		t->released = p;
	t->released_last = p;
	t->nreleased++;
}

/* c lost one it made: free it and the released above it that keep nothing. */
static void cascade(struct born_table *t, struct born_proc *c)
{
	while (c && c->released && !c->made) {
		struct born_proc *up = made_del(c);

		released_del(t, c);
		free(c->path);
		free(c);
		c = up;
	}
}

/* Take p out of the lineage: off its creator's list, its own list emptied. */
static void lineage_forget(struct born_table *t, struct born_proc *p, bool cut)
{
	struct born_proc *k, *nx;

	for (k = p->made; k; k = nx) {
		nx = k->mnext;
		k->creator = NULL;
		k->mnext = k->mprev = NULL;
		k->lineage_cut = cut;
	}
	p->made = NULL;
	cascade(t, made_del(p));
}

/* The cap: drop the released ancestor released longest ago. */
static void drop_oldest(struct born_table *t)
{
	struct born_proc *q = t->released;

	released_del(t, q);
	lineage_forget(t, q, true);
	t->dropped++;
	free(q->path);
	free(q);
}

static void rehash(struct born_table *t)
{
	size_t nmask = t->mask * 2 + 1, i;
	struct born_proc **nb = xcalloc(nmask + 1, sizeof(*nb));

	for (i = 0; i <= t->mask; i++) {
		struct born_proc *p = t->buckets[i], *nx;

		for (; p; p = nx) {
			size_t h = hash_pid(p->pid, nmask);

			nx = p->hnext;
			p->hnext = nb[h];
			nb[h] = p;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->mask = nmask;
}

struct born_proc *born_find(const struct born_table *t, pid_t pid,
			    unsigned long long start)
{
	struct born_proc *p = t->buckets[hash_pid(pid, t->mask)];

	for (; p; p = p->hnext) {
		if (p->pid == pid && p->start == start)
			return p;
	}
	return NULL;
}

struct born_proc *born_find_pid(const struct born_table *t, pid_t pid)
{
	struct born_proc *p = t->buckets[hash_pid(pid, t->mask)], *best = NULL;

	for (; p; p = p->hnext) {
		if (p->pid == pid && (!best || p->start > best->start))
			best = p;
	}
	return best;
}

/* Put p first in the list of its CABA's descendants (or of the roots). */
static void link_under(struct born_table *t, struct born_proc *p,
		       struct born_proc *caba)
{
	struct born_proc **head = caba ? &caba->kids : &t->roots;

	p->caba = caba;
	p->prev = NULL;
	p->next = *head;
	if (*head)
		(*head)->prev = p;
	*head = p;
}

static void unlink_from(struct born_table *t, struct born_proc *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else if (p->caba)
		p->caba->kids = p->next;
	else
		t->roots = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
}

static struct born_proc *insert(struct born_table *t, pid_t pid,
				unsigned long long start)
{
	struct born_proc *p = xcalloc(1, sizeof(*p));
	size_t h;

	if (t->n + 1 > t->mask)
		rehash(t);
	h = hash_pid(pid, t->mask);
	p->pid = pid;
	p->start = start;
	p->inferred = true;
	p->from_reaper = true;	/* until its parent is known */
	p->exit_status = -1;
	p->hnext = t->buckets[h];
	t->buckets[h] = p;
	t->n++;
	link_under(t, p, NULL);
	return p;
}

struct born_proc *born_seed(struct born_table *t, pid_t pid,
			    unsigned long long start)
{
	struct born_proc *p = born_find(t, pid, start);

	return p ? p : insert(t, pid, start);
}

/* Does the walk up the CABA chain, starting at from, reach p? */
static bool is_under(const struct born_proc *from, const struct born_proc *p)
{
	for (; from; from = from->caba) {
		if (from == p)
			return true;
	}
	return false;
}

void born_set_inferred(struct born_table *t, struct born_proc *p,
		       struct born_proc *parent, bool from_reaper)
{
	if (!p->inferred)
		return;
	/* A guess must not make a loop (pids of a racing scan can). */
	if (parent && is_under(parent, p)) {
		p->from_reaper = true;
		return;
	}
	p->from_reaper = from_reaper;
	if (p->caba == parent)
		return;
	unlink_from(t, p);
	link_under(t, p, parent);
}

void born_set_inferred_caba(struct born_table *t, struct born_proc *p,
			    struct born_proc *parent)
{
	born_set_inferred(t, p, parent, true);
}

void born_set_defined(struct born_table *t, struct born_proc *p)
{
	if (!p->inferred)
		return;
	p->inferred = false;
	p->from_reaper = false;
	p->defined = true;
	if (p->caba) {
		unlink_from(t, p);
		link_under(t, p, NULL);
	}
}

/* Remove p: its CABA descendants move onto its CABA, in O(descendants). */
static void release(struct born_table *t, struct born_proc *p)
{
	struct born_proc **pp = &t->buckets[hash_pid(p->pid, t->mask)];
	struct born_proc *k, *nx;

	if (p->exited) {
		if (p->xprev)
			p->xprev->xnext = p->xnext;
		else
			t->exited = p->xnext;
		if (p->xnext)
			p->xnext->xprev = p->xprev;
		else
			t->exited_last = p->xprev;
	}

	for (k = p->kids; k; k = nx) {
		nx = k->next;
		link_under(t, k, p->caba);
	}
	p->kids = NULL;
	unlink_from(t, p);
	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	t->n--;
	t->releases++;
	p->exited = false;
	p->xnext = p->xprev = NULL;
	p->hnext = NULL;
	p->caba = NULL;
	if (p->made) {
		/* A released ancestor now: what it made keeps it. */
		released_add(t, p);
		if (t->nreleased > t->max_released)
			drop_oldest(t);
		return;
	}
	cascade(t, made_del(p));
	free(p->path);
	free(p);
}

bool born_release(struct born_table *t, pid_t pid, unsigned long long start)
{
	struct born_proc *p = born_find(t, pid, start);

	if (!p)
		return false;
	release(t, p);
	return true;
}

void born_exit(struct born_table *t, pid_t pid, unsigned long long start)
{
	struct born_proc *p = born_find(t, pid, start);

	if (!p || p->exited)
		return;
	p->exited = true;
	p->check_at = 0;
	p->check_wait = 0;
	p->xnext = NULL;
	p->xprev = t->exited_last;
	if (t->exited_last)
		t->exited_last->xnext = p;
	else
		t->exited = p;
	t->exited_last = p;
}

/* A process with this pid that started before start, or NULL. */
static struct born_proc *find_older(const struct born_table *t, pid_t pid,
				    unsigned long long start)
{
	struct born_proc *p = t->buckets[hash_pid(pid, t->mask)];

	for (; p; p = p->hnext) {
		if (p->pid == pid && p->start < start)
			return p;
	}
	return NULL;
}

struct born_proc *born_fork(struct born_table *t, pid_t cpid,
			    unsigned long long cstart, pid_t pid,
			    unsigned long long start)
{
	struct born_proc *creator, *p, *old;

	/* The pid was free again, so whoever held it before is gone. */
	while ((old = find_older(t, pid, start)))
		release(t, old);
	creator = born_find(t, cpid, cstart);
	if (!creator && cpid > 0)
		creator = insert(t, cpid, cstart);
	p = born_find(t, pid, start);
	if (!p)
		p = insert(t, pid, start);
	t->forks++;
	if (creator == p || (creator && is_under(creator, p)))
		return p;	/* inconsistent input: never make a loop */
	p->inferred = false;
	p->from_reaper = false;
	p->defined = false;
	if (p->caba != creator) {
		unlink_from(t, p);
		link_under(t, p, creator);
	}
	if (creator && p->creator != creator) {
		/* A child runs its creator's program until it execs. */
		memcpy(p->comm, creator->comm, sizeof(p->comm));
		if (t->max_released) {
			cascade(t, made_del(p));
			made_add(creator, p);
			p->lineage_cut = false;
		}
	}
	return p;
}

struct born_proc *born_fork_exact(struct born_table *t, pid_t cpid,
				  unsigned long long cstart, pid_t pid,
				  unsigned long long start, unsigned long long nsec)
{
	struct born_proc *p = born_find(t, pid, start);

	/* The pid is free again only after a release: this one is older. */
	if (p && p->nsec && nsec && p->nsec != nsec)
		release(t, p);
	p = born_fork(t, cpid, cstart, pid, start);
	p->nsec = nsec;
	return p;
}

bool born_release_exact(struct born_table *t, pid_t pid,
			unsigned long long start, unsigned long long nsec)
{
	struct born_proc *p = born_find(t, pid, start);

	if (!p || (p->nsec && nsec && p->nsec != nsec))
		return false;
	release(t, p);
	return true;
}

void born_foreach(const struct born_table *t,
		  void (*fn)(const struct born_proc *p, void *arg), void *arg)
{
	size_t i;

	for (i = 0; i <= t->mask; i++) {
		const struct born_proc *p;

		for (p = t->buckets[i]; p; p = p->hnext)
			fn(p, arg);
	}
}

void born_set_comm(struct born_proc *p, const char *comm, size_t n)
{
	if (n > BORN_COMM_LEN - 1)
		n = BORN_COMM_LEN - 1;
	memcpy(p->comm, comm, n);
	p->comm[n] = '\0';
}

void born_set_path(struct born_proc *p, const char *path, size_t n)
{
	free(p->path);
	p->path = NULL;
	if (!path || !n)
		return;
	if (n > BORN_PATH_MAX - 1)
		n = BORN_PATH_MAX - 1;
	p->path = xmalloc(n + 1);
	memcpy(p->path, path, n);
	p->path[n] = '\0';
}

void born_set_end(struct born_proc *p, unsigned long long end_nsec, int status)
{
	if (end_nsec)
		p->end_nsec = end_nsec;
	if (status != -1)
		p->exit_status = status;
}

void born_set_max_released(struct born_table *t, size_t max)
{
	t->max_released = max;
	while (t->nreleased > max)
		drop_oldest(t);
}

size_t born_lineage(const struct born_proc *p, const struct born_proc **v, size_t max)
{
	const struct born_proc *c;
	size_t n = 0;

	for (c = p->creator; c && c->released; c = c->creator) {
		if (n < max)
			v[n] = c;
		n++;
	}
	return n;
}

struct born_proc *born_restore_released(struct born_table *t, pid_t pid,
					unsigned long long start,
					unsigned long long nsec)
{
	struct born_proc *p = xcalloc(1, sizeof(*p));

	p->pid = pid;
	p->start = start;
	p->nsec = nsec;
	p->exit_status = -1;
	released_add(t, p);
	return p;
}

void born_set_creator(struct born_table *t, struct born_proc *p,
		      struct born_proc *creator, bool cut)
{
	const struct born_proc *c;

	/* Never a loop: a chain of creators must end. */
	for (c = creator; c; c = c->creator) {
		if (c == p) {
			creator = NULL;
			cut = false;
			break;
		}
	}
	if (p->creator == creator && p->lineage_cut == (cut && !creator))
		return;
	cascade(t, made_del(p));
	p->lineage_cut = cut && !creator;
	if (creator)
		made_add(creator, p);
}

void born_trim_released(struct born_table *t)
{
	struct born_proc **stack, *p;
	size_t n = 0;

	if (!t->nreleased)
		return;
	/*
	 * Those that keep nothing, and then each creator whose list that
	 * empties: one that empties had something before, so is not on the
	 * stack already.
	 */
	stack = xcalloc(t->nreleased, sizeof(*stack));
	for (p = t->released; p; p = p->rnext) {
		if (!p->made)
			stack[n++] = p;
	}
	while (n) {
		struct born_proc *up;

		p = stack[--n];
		up = made_del(p);
		released_del(t, p);
		free(p->path);
		free(p);
		if (up && up->released && !up->made)
			stack[n++] = up;
	}
	free(stack);
}
