// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "users.h"
#include "xalloc.h"

struct user_entry {
	uid_t uid;
	bool used;
	char *name;		/* NULL: no such user */
};

/* Open addressing by uid: a snapshot may name many distinct users. */
struct users {
	struct user_entry *v;
	size_t n;
	size_t mask;		/* table size - 1, a power of two minus one */
};

struct users *users_new(void)
{
	struct users *u = xcalloc(1, sizeof(struct users));

	u->mask = 15;
	u->v = xcalloc(u->mask + 1, sizeof(*u->v));
	return u;
}

static size_t slot(const struct users *u, uid_t uid)
{
	size_t h = ((size_t)uid * 2654435761u) & u->mask;

	while (u->v[h].used && u->v[h].uid != uid)
		h = (h + 1) & u->mask;
	return h;
}

static struct user_entry *add(struct users *u, uid_t uid, const char *name)
{
	struct user_entry *e;

	if ((u->n + 1) * 2 > u->mask + 1) {
		struct user_entry *old = u->v;
		size_t i, size = u->mask + 1;

		u->mask = size * 2 - 1;
		u->v = xcalloc(u->mask + 1, sizeof(*u->v));
		for (i = 0; i < size; i++) {
			if (old[i].used)
				u->v[slot(u, old[i].uid)] = old[i];
		}
		free(old);
	}
	e = &u->v[slot(u, uid)];
	e->uid = uid;
	e->used = true;
	e->name = name ? xstrdup(name) : NULL;
	u->n++;
	return e;
}

const char *users_name(struct users *u, uid_t uid)
{
	struct user_entry *e = &u->v[slot(u, uid)];
	struct passwd *pw;

	if (e->used)
		return e->name;
	pw = getpwuid(uid);
	return add(u, uid, pw ? pw->pw_name : NULL)->name;
}

void users_set(struct users *u, uid_t uid, const char *name)
{
	struct user_entry *e = &u->v[slot(u, uid)];

	if (!e->used) {
		add(u, uid, name);
		return;
	}
	free(e->name);
	e->name = name ? xstrdup(name) : NULL;
}

void users_free(struct users *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i <= u->mask; i++)
		free(u->v[i].name);
	free(u->v);
	free(u);
}
